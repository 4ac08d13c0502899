// Union (UNION ALL): each input runs as its own pipeline into a collecting sink;
// the union then serves the inputs' batches in order, first input first,
// relabelled with the union's column names and nullability.
#include <algorithm>
#include <mutex>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct CollectState : BufferedSinkState {
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::shared_ptr<arrow::RecordBatch>>> indexed;
};

/// Collects one union input, keeping its order.
class UnionInput final : public PhysicalOperator {
 public:
  explicit UnionInput(OperatorPtr child) : PhysicalOperator(std::move(child)) {}
  std::string name() const override { return "UnionInput"; }
  bool IsSink() const override { return true; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<CollectState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    if (batch->num_rows() == 0) return SinkResult::kNeedMoreInput;
    auto& state = static_cast<CollectState&>(global);
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    state.indexed.emplace_back(chunk.batch_index, std::move(batch));
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext&, GlobalSinkState& global) const override {
    auto& state = static_cast<CollectState&>(global);
    // Stable: the parts of one morsel keep their order.
    std::stable_sort(state.indexed.begin(), state.indexed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [index, batch] : state.indexed) state.output.push_back(std::move(batch));
    state.indexed.clear();
    return Status::OK();
  }
};

struct UnionSourceState : GlobalSourceState {
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return 64; }
};

class Union final : public PhysicalOperator {
 public:
  Union(std::vector<OperatorPtr> inputs, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), std::move(inputs)) {}
  std::string name() const override { return "Union"; }
  bool IsSource() const override { return true; }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext& ctx) const override {
    auto state = std::make_unique<UnionSourceState>();
    for (const auto& input : children()) {
      const auto* collected = dynamic_cast<const BufferedSinkState*>(ctx.SinkStateOf(input.get()));
      if (collected == nullptr) return InternalError("union read before its inputs finished");
      for (const auto& batch : collected->output) {
        state->batches.push_back(arrow::RecordBatch::Make(schema(), batch->num_rows(), batch->columns()));
      }
    }
    return state;
  }

  Result<SourceResult> GetData(ExecContext&, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<UnionSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.batches.size()) return SourceResult::kFinished;
    out->batch = state.batches[index];
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    return SourceResult::kHaveMore;
  }
};

}  // namespace

OperatorPtr MakeUnion(std::vector<OperatorPtr> inputs, std::shared_ptr<arrow::Schema> schema) {
  std::vector<OperatorPtr> collected;
  for (auto& input : inputs) collected.push_back(std::make_unique<UnionInput>(std::move(input)));
  return std::make_unique<Union>(std::move(collected), std::move(schema));
}

}  // namespace sk8::exec
