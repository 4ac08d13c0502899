// ReplicateRows: each input row `count` times (Spark's replicaterows generator,
// which INTERSECT ALL and EXCEPT ALL end in); rows whose count is NULL or below 1
// go. Streaming: a chunk becomes one chunk of its rows taken repeatedly, in order.
#include <arrow/compute/api.h>

#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

class ReplicateRows final : public PhysicalOperator {
 public:
  ReplicateRows(OperatorPtr child, plan::BoundExprPtr count)
      : PhysicalOperator(std::move(child)), count_(std::move(count)) {}

  std::string name() const override { return "ReplicateRows"; }
  std::string details() const override { return "(" + plan::ToString(*count_) + ")"; }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    const int64_t rows = dense->num_rows();
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*count_, *dense, ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
    const auto& counts = static_cast<const arrow::Int64Array&>(*array);
    arrow::Int64Builder indices(ctx.pool);
    for (int64_t i = 0; i < rows; ++i) {
      if (counts.IsNull(i)) continue;
      for (int64_t n = 0; n < counts.Value(i); ++n) ARROW_RETURN_NOT_OK(indices.Append(i));
    }
    ARROW_ASSIGN_OR_RAISE(auto taken_indices, indices.Finish());
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(dense, taken_indices,
                                                           arrow::compute::TakeOptions::Defaults(), &exec_ctx));
    chunk->batch = taken.record_batch();
    chunk->selection.reset();
    return OperatorResult::kNeedMoreInput;
  }

 private:
  plan::BoundExprPtr count_;  // BIGINT
};

}  // namespace

OperatorPtr MakeReplicateRows(OperatorPtr child, plan::BoundExprPtr count) {
  return std::make_unique<ReplicateRows>(std::move(child), std::move(count));
}

}  // namespace sk8::exec
