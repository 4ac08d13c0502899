// Projection: computes the output columns of a select / withColumn.
#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

class Projection : public PhysicalOperator {
 public:
  Projection(OperatorPtr child, std::vector<plan::BoundExprPtr> expressions, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), SingleChild(std::move(child))), expressions_(std::move(expressions)) {}

  std::string name() const override { return "Project"; }
  std::string details() const override {
    std::string text = "[";
    for (size_t i = 0; i < expressions_.size(); ++i) {
      text += (i ? ", " : "") + plan::ToString(*expressions_[i]);
      if (expressions_[i]->kind != plan::BoundKind::kColumnRef) text += " AS " + schema()->field(i)->name();
    }
    return text + "]";
  }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    std::vector<std::shared_ptr<arrow::Array>> columns;
    columns.reserve(expressions_.size());
    for (const auto& expr : expressions_) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*expr, *dense, ctx.eval));
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, dense->num_rows()));
      columns.push_back(std::move(array));
    }
    chunk->batch = arrow::RecordBatch::Make(schema(), dense->num_rows(), std::move(columns));
    chunk->selection.reset();
    return OperatorResult::kNeedMoreInput;
  }

 private:
  std::vector<plan::BoundExprPtr> expressions_;
};

}  // namespace

OperatorPtr MakeProjection(OperatorPtr child, std::vector<plan::BoundExprPtr> expressions,
                           std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<Projection>(std::move(child), std::move(expressions), std::move(schema));
}

}  // namespace sk8::exec
