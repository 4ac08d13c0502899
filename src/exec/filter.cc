// Filter: evaluates the predicate and keeps the passing rows as a selection
// vector; rows are copied only when a later operator needs a dense batch.
#include <arrow/array.h>
#include <arrow/util/bitmap_ops.h>
#include <arrow/util/bit_run_reader.h>

#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

// The rows where `mask` is true (not false, not NULL), a 64-row word at a time.
Status SelectTrueRows(const arrow::BooleanArray& mask, arrow::MemoryPool* pool, std::vector<int32_t>* selection) {
  const int64_t length = mask.length();
  std::shared_ptr<arrow::Buffer> anded;
  const uint8_t* bits = mask.values()->data();
  int64_t offset = mask.offset();
  if (mask.null_count() > 0) {
    ARROW_ASSIGN_OR_RAISE(anded, arrow::internal::BitmapAnd(pool, bits, offset, mask.null_bitmap_data(), offset,
                                                            length, 0));
    bits = anded->data();
    offset = 0;
  }
  selection->resize(length);
  int32_t* out = selection->data();
  int64_t count = 0;
  arrow::internal::VisitSetBitRunsVoid(bits, offset, length, [&](int64_t position, int64_t run) {
    for (int64_t i = 0; i < run; ++i) out[count++] = static_cast<int32_t>(position + i);
  });
  selection->resize(count);
  return Status::OK();
}

class Filter : public PhysicalOperator {
 public:
  Filter(OperatorPtr child, plan::BoundExprPtr condition)
      : PhysicalOperator(std::move(child)), condition_(std::move(condition)) {}

  std::string name() const override { return "Filter"; }
  std::string details() const override { return condition_->name; }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    const plan::EvalContext* eval = &ctx.eval;
    plan::EvalContext in_partition;
    if (chunk->partition_index != 0) {  // rand, monotonically_increasing_id, ... read it
      in_partition = ctx.eval;
      in_partition.partition_index = chunk->partition_index;
      eval = &in_partition;
    }
    ARROW_ASSIGN_OR_RAISE(auto result, Evaluate(*condition_, *dense, *eval));
    auto selection = std::make_shared<std::vector<int32_t>>();
    if (result.is_scalar()) {
      const auto& scalar = static_cast<const arrow::BooleanScalar&>(*result.scalar());
      if (scalar.is_valid && scalar.value) {
        selection->resize(dense->num_rows());
        for (int64_t i = 0; i < dense->num_rows(); ++i) (*selection)[i] = static_cast<int32_t>(i);
      }
    } else {
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(result, dense->num_rows()));
      ARROW_RETURN_NOT_OK(SelectTrueRows(static_cast<const arrow::BooleanArray&>(*array), ctx.pool, selection.get()));
    }
    chunk->batch = dense;
    chunk->selection = std::move(selection);
    return OperatorResult::kNeedMoreInput;
  }

 private:
  plan::BoundExprPtr condition_;
};

}  // namespace

OperatorPtr MakeFilter(OperatorPtr child, plan::BoundExprPtr condition) {
  return std::make_unique<Filter>(std::move(child), std::move(condition));
}

}  // namespace sk8::exec
