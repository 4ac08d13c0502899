// Expand (Spark's Expand, below the aggregate of GROUPING SETS / ROLLUP / CUBE):
// every input row once per projection. Streaming: a chunk becomes one chunk per
// projection (kHaveMoreOutput between them), so one aggregate then groups the
// copies by the grouping columns and the grouping id.
#include "exec/expression_executor.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct ExpandState : OperatorState {
  size_t next_projection = 0;
};

class Expand final : public PhysicalOperator {
 public:
  Expand(OperatorPtr child, std::vector<std::vector<plan::BoundExprPtr>> projections,
         std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), SingleChild(std::move(child))), projections_(std::move(projections)) {}

  std::string name() const override { return "Expand"; }
  std::string details() const override {
    std::string text = "[";
    for (size_t p = 0; p < projections_.size(); ++p) {
      text += p ? ", [" : "[";
      for (size_t i = 0; i < projections_[p].size(); ++i) text += (i ? ", " : "") + plan::ToString(*projections_[p][i]);
      text += "]";
    }
    return text + "]";
  }

  Result<std::unique_ptr<OperatorState>> InitOperator(ExecContext&) const override {
    return std::make_unique<ExpandState>();
  }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState& state) const override {
    auto& expand = static_cast<ExpandState&>(state);
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    const auto& projection = projections_[expand.next_projection];
    std::vector<std::shared_ptr<arrow::Array>> columns;
    columns.reserve(projection.size());
    for (const auto& expr : projection) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*expr, *dense, ctx.eval));
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, dense->num_rows()));
      columns.push_back(std::move(array));
    }
    chunk->batch = arrow::RecordBatch::Make(schema(), dense->num_rows(), std::move(columns));
    chunk->selection.reset();
    if (++expand.next_projection < projections_.size()) return OperatorResult::kHaveMoreOutput;
    expand.next_projection = 0;
    return OperatorResult::kNeedMoreInput;
  }

 private:
  std::vector<std::vector<plan::BoundExprPtr>> projections_;
};

}  // namespace

OperatorPtr MakeExpand(OperatorPtr child, std::vector<std::vector<plan::BoundExprPtr>> projections,
                       std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<Expand>(std::move(child), std::move(projections), std::move(schema));
}

}  // namespace sk8::exec
