// Limit / offset: keeps the first rows in input order. Morsels may finish out of
// order on several threads, so batches are held by source position and the sink
// stops the pipeline as soon as a gap-free prefix covers offset + limit rows.
#include "exec/operators.h"
#include "exec/ordered_batches.h"

namespace sk8::exec {
namespace {

struct LimitSinkState : BufferedSinkState {
  OrderedBatches batches;
};

class Limit : public BufferedSinkOperator {
 public:
  Limit(OperatorPtr child, int64_t limit, int64_t offset)
      : BufferedSinkOperator(std::move(child)), limit_(limit), offset_(offset) {}

  std::string name() const override { return "Limit"; }
  std::string details() const override {
    std::string text;
    if (limit_ >= 0) text += std::to_string(limit_);
    if (offset_ > 0) text += (text.empty() ? "" : ", ") + std::string("offset=") + std::to_string(offset_);
    return text;
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<LimitSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<LimitSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    int64_t prefix_rows = state.batches.Add(chunk.batch_index, batch, chunk.last_part);
    if (limit_ >= 0 && prefix_rows >= offset_ + limit_) return SinkResult::kFinished;
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext&, GlobalSinkState& global) const override {
    auto& state = static_cast<LimitSinkState&>(global);
    int64_t skip = offset_;
    int64_t remaining = limit_ < 0 ? INT64_MAX : limit_;
    for (auto& batch : state.batches.TakeAll()) {
      if (remaining == 0) break;
      int64_t rows = batch->num_rows();
      if (skip >= rows) {
        skip -= rows;
        continue;
      }
      int64_t take = std::min(rows - skip, remaining);
      state.output.push_back(batch->Slice(skip, take));
      remaining -= take;
      skip = 0;
    }
    return Status::OK();
  }

 private:
  int64_t limit_;
  int64_t offset_;
};

}  // namespace

OperatorPtr MakeLimit(OperatorPtr child, int64_t limit, int64_t offset) {
  return std::make_unique<Limit>(std::move(child), limit, offset);
}

}  // namespace sk8::exec
