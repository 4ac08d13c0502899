// Filter: evaluates the predicate and keeps the passing rows as a selection
// vector; rows are copied only when a later operator needs a dense batch.
#include <arrow/array.h>

#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

class Filter : public PhysicalOperator {
 public:
  Filter(OperatorPtr child, plan::BoundExprPtr condition)
      : PhysicalOperator(std::move(child)), condition_(std::move(condition)) {}

  std::string name() const override { return "Filter"; }
  std::string details() const override { return condition_->name; }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    ARROW_ASSIGN_OR_RAISE(auto result, Evaluate(*condition_, *dense, ctx.eval));
    auto selection = std::make_shared<std::vector<int32_t>>();
    if (result.is_scalar()) {
      const auto& scalar = static_cast<const arrow::BooleanScalar&>(*result.scalar());
      if (scalar.is_valid && scalar.value) {
        selection->resize(dense->num_rows());
        for (int64_t i = 0; i < dense->num_rows(); ++i) (*selection)[i] = static_cast<int32_t>(i);
      }
    } else {
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(result, dense->num_rows()));
      const auto& mask = static_cast<const arrow::BooleanArray&>(*array);
      selection->reserve(mask.length());
      for (int64_t i = 0; i < mask.length(); ++i) {
        if (mask.IsValid(i) && mask.Value(i)) selection->push_back(static_cast<int32_t>(i));
      }
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
