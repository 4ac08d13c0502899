// Tail: keeps the last rows in input order (df.tail(n)).
#include "exec/operators.h"
#include "exec/ordered_batches.h"

namespace sk8::exec {
namespace {

struct TailSinkState : BufferedSinkState {
  OrderedBatches batches;
};

class Tail : public BufferedSinkOperator {
 public:
  Tail(OperatorPtr child, int64_t limit) : BufferedSinkOperator(std::move(child)), limit_(limit) {}

  std::string name() const override { return "Tail"; }
  std::string details() const override { return std::to_string(limit_); }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<TailSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<TailSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    state.batches.Add(chunk.batch_index, batch, chunk.last_part);
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext&, GlobalSinkState& global) const override {
    auto& state = static_cast<TailSinkState&>(global);
    int64_t remaining = limit_;
    std::vector<std::shared_ptr<arrow::RecordBatch>> reversed;
    auto batches = state.batches.TakeAll();
    for (auto it = batches.rbegin(); it != batches.rend() && remaining > 0; ++it) {
      int64_t rows = (*it)->num_rows();
      int64_t take = std::min(rows, remaining);
      reversed.push_back((*it)->Slice(rows - take, take));
      remaining -= take;
    }
    state.output.assign(reversed.rbegin(), reversed.rend());
    return Status::OK();
  }

 private:
  int64_t limit_;
};

}  // namespace

OperatorPtr MakeTail(OperatorPtr child, int64_t limit) { return std::make_unique<Tail>(std::move(child), limit); }

}  // namespace sk8::exec
