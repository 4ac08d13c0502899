// Deduplicate (dropDuplicates on a subset of columns): the first row of each
// distinct key, NULLs equal to NULLs. Spark keeps whichever row its partitions
// meet first; here the first in input order, so the answer is deterministic:
// batches are buffered and, at the end, walked in source order through one hash
// table of the keys, a row surviving when its key makes a new group.
#include <algorithm>
#include <mutex>

#include <arrow/compute/api.h>

#include "exec/expression_executor.h"
#include "exec/hash_table.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct DeduplicateState : BufferedSinkState {
  std::mutex mutex;
  struct Input {
    int64_t batch_index;
    int64_t arrival;
    std::shared_ptr<arrow::RecordBatch> batch;
  };
  std::vector<Input> inputs;
};

class Deduplicate final : public BufferedSinkOperator {
 public:
  Deduplicate(OperatorPtr child, std::vector<plan::BoundExprPtr> keys)
      : BufferedSinkOperator(std::move(child)), keys_(std::move(keys)) {}

  std::string name() const override { return "Deduplicate"; }
  std::string details() const override {
    std::string text = "(keys=[";
    for (size_t i = 0; i < keys_.size(); ++i) text += (i ? ", " : "") + plan::ToString(*keys_[i]);
    return text + "])";
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<DeduplicateState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<DeduplicateState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    if (batch->num_rows() == 0) return SinkResult::kNeedMoreInput;
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    const auto arrival = static_cast<int64_t>(state.inputs.size());
    state.inputs.push_back({chunk.batch_index, arrival, std::move(batch)});
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<DeduplicateState&>(global);
    std::sort(state.inputs.begin(), state.inputs.end(), [](const auto& a, const auto& b) {
      return a.batch_index != b.batch_index ? a.batch_index < b.batch_index : a.arrival < b.arrival;
    });
    std::vector<std::shared_ptr<arrow::DataType>> types;
    for (const auto& k : keys_) types.push_back(k->type);
    ARROW_ASSIGN_OR_RAISE(auto table, HashTable::Make(types, ctx.pool));
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    for (auto& input : state.inputs) {
      const auto& batch = *input.batch;
      const int64_t rows = batch.num_rows();
      std::vector<std::shared_ptr<arrow::Array>> keys;
      for (const auto& k : keys_) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*k, batch, ctx.eval));
        ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
        keys.push_back(std::move(array));
      }
      const uint32_t groups_before = table->num_groups();
      std::vector<uint32_t> group_ids(rows, 0);
      ARROW_RETURN_NOT_OK(table->FindOrInsert(keys, rows, group_ids.data()));
      // New groups get ids in row order, so a row is its key's first when its id is the next new one.
      uint32_t next_new = groups_before;
      arrow::Int64Builder first_rows(ctx.pool);
      for (int64_t i = 0; i < rows; ++i) {
        if (group_ids[i] == next_new) {
          ARROW_RETURN_NOT_OK(first_rows.Append(i));
          ++next_new;
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto indices, first_rows.Finish());
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(input.batch, indices,
                                                             arrow::compute::TakeOptions::Defaults(), &exec_ctx));
      input.batch.reset();
      if (taken.record_batch()->num_rows() > 0) state.output.push_back(taken.record_batch());
    }
    state.inputs.clear();
    return Status::OK();
  }

 private:
  std::vector<plan::BoundExprPtr> keys_;
};

}  // namespace

OperatorPtr MakeDeduplicate(OperatorPtr child, std::vector<plan::BoundExprPtr> keys) {
  return std::make_unique<Deduplicate>(std::move(child), std::move(keys));
}

}  // namespace sk8::exec
