// PartitionGather: a breaker below a projection or filter that evaluates a
// nondeterministic function (rand, randn, uuid, shuffle, monotonically_increasing_id,
// ...). Spark evaluates those row by row per partition with one generator
// seeded by seed + partition index; here each Spark partition's rows become one
// batch, in input order, tagged with its partition index, so the function's
// kernel sees the whole partition in one call and starts its generator once.
#include <algorithm>
#include <mutex>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct GatheredPart {
  int64_t batch_index;
  int64_t arrival;
  int32_t partition;
  std::shared_ptr<arrow::RecordBatch> batch;
};

struct GatherSinkState : BufferedSinkState {
  std::mutex mutex;
  std::vector<GatheredPart> parts;
  std::vector<int32_t> partitions;  // of output[i]
};

struct GatherSourceState : GlobalSourceState {
  const GatherSinkState* sink = nullptr;
  std::atomic<size_t> next{0};
};

class PartitionGather : public BufferedSinkOperator {
 public:
  explicit PartitionGather(OperatorPtr child) : BufferedSinkOperator(std::move(child)) {}

  std::string name() const override { return "PartitionGather"; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<GatherSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<GatherSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    // Parts of one morsel (kHaveMoreOutput) come from one thread, in order.
    state.parts.push_back({chunk.batch_index, static_cast<int64_t>(state.parts.size()), chunk.partition_index,
                           std::move(batch)});
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<GatherSinkState&>(global);
    std::sort(state.parts.begin(), state.parts.end(), [](const GatheredPart& a, const GatheredPart& b) {
      return a.batch_index != b.batch_index ? a.batch_index < b.batch_index : a.arrival < b.arrival;
    });
    size_t i = 0;
    while (i < state.parts.size()) {
      size_t j = i;
      std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
      while (j < state.parts.size() && state.parts[j].partition == state.parts[i].partition) {
        batches.push_back(state.parts[j].batch);
        ++j;
      }
      ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema(), batches));
      ARROW_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch(ctx.pool));
      state.output.push_back(std::move(combined));
      state.partitions.push_back(state.parts[i].partition);
      i = j;
    }
    if (state.output.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto empty, arrow::RecordBatch::MakeEmpty(schema(), ctx.pool));
      state.output.push_back(std::move(empty));
      state.partitions.push_back(0);
    }
    state.parts.clear();
    return Status::OK();
  }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext& ctx) const override {
    auto state = std::make_unique<GatherSourceState>();
    state->sink = dynamic_cast<const GatherSinkState*>(ctx.SinkStateOf(this));
    if (state->sink == nullptr) return InternalError(name() + ": source read before its sink finished");
    return state;
  }

  Result<SourceResult> GetData(ExecContext&, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<GatherSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.sink->output.size()) return SourceResult::kFinished;
    out->batch = state.sink->output[index];
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    out->partition_index = state.sink->partitions[index];
    return SourceResult::kHaveMore;
  }
};

}  // namespace

OperatorPtr MakePartitionGather(OperatorPtr child) { return std::make_unique<PartitionGather>(std::move(child)); }

}  // namespace sk8::exec
