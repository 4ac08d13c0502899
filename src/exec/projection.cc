// Projection: computes the output columns of a select / withColumn.
#include <algorithm>

#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

class Projection : public PhysicalOperator {
 public:
  Projection(OperatorPtr child, std::vector<plan::BoundExprPtr> expressions, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), SingleChild(std::move(child))), expressions_(std::move(expressions)) {
    only_column_refs_ = std::all_of(expressions_.begin(), expressions_.end(),
                                    [](const auto& e) { return e->kind == plan::BoundKind::kColumnRef && !e->outer_reference; });
    for (const auto& e : expressions_) readers_.push_back(e.get());
  }

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
    if (only_column_refs_) {
      // Picks the columns and keeps the selection: the rows are gathered once,
      // later, and only for the columns that remain.
      std::vector<std::shared_ptr<arrow::Array>> columns;
      columns.reserve(expressions_.size());
      for (const auto& expr : expressions_) columns.push_back(chunk->batch->column(expr->column_index));
      chunk->batch = arrow::RecordBatch::Make(schema(), chunk->batch->num_rows(), std::move(columns));
      return OperatorResult::kNeedMoreInput;
    }
    // Only the columns the expressions read are gathered (a filter's own
    // columns often end here).
    std::vector<bool> needed;
    if (chunk->selection) needed = ReferencedColumns(readers_, chunk->batch->num_columns());
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool, chunk->selection ? &needed : nullptr));
    std::vector<std::shared_ptr<arrow::Array>> columns;
    columns.reserve(expressions_.size());
    const plan::EvalContext* eval = &ctx.eval;
    plan::EvalContext in_partition;
    if (chunk->partition_index != 0) {  // rand, monotonically_increasing_id, ... read it
      in_partition = ctx.eval;
      in_partition.partition_index = chunk->partition_index;
      eval = &in_partition;
    }
    for (const auto& expr : expressions_) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*expr, *dense, *eval));
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, dense->num_rows()));
      columns.push_back(std::move(array));
    }
    chunk->batch = arrow::RecordBatch::Make(schema(), dense->num_rows(), std::move(columns));
    chunk->selection.reset();
    return OperatorResult::kNeedMoreInput;
  }

 private:
  std::vector<plan::BoundExprPtr> expressions_;
  std::vector<const plan::BoundExpr*> readers_;
  bool only_column_refs_ = false;
};

}  // namespace

OperatorPtr MakeProjection(OperatorPtr child, std::vector<plan::BoundExprPtr> expressions,
                           std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<Projection>(std::move(child), std::move(expressions), std::move(schema));
}

}  // namespace sk8::exec
