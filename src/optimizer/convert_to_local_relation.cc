// ConvertToLocalRelation (Spark's rule of that name): a projection, filter or
// limit right above a table of the query's own rows (createDataFrame, VALUES)
// is run now, while the query is planned, and becomes a table of its result.
// Spark does this before it prunes columns or folds constants, which decides
// some answers: an expression over those rows fails the query even when its
// column is dropped later, and a filter that keeps none of them empties what
// depends on it, so a failing constant above it never runs.
#include <arrow/table.h>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::ResolvedKind;

bool Evaluable(const plan::BoundExprPtr& e) { return !e || (IsDeterministic(*e) && !plan::HasOuterReference(*e)); }

class ConvertToLocalRelation final : public NodeRule {
 public:
  explicit ConvertToLocalRelation(LocalEvaluator evaluate) : evaluate_(std::move(evaluate)) {}
  const char* name() const override { return "ConvertToLocalRelation"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    bool kind = node->kind == ResolvedKind::kProject || node->kind == ResolvedKind::kFilter ||
                node->kind == ResolvedKind::kLimit;
    if (!kind || node->child().kind != ResolvedKind::kLocalTable || !node->child().table) return node;
    // A repartitioned table keeps its partitions (which spark_partition_id() reads).
    if (!node->child().partition_starts.empty()) return node;
    for (const auto& e : node->expressions) {
      if (!Evaluable(e)) return node;
    }
    if (!Evaluable(node->condition)) return node;
    ARROW_ASSIGN_OR_RAISE(auto rows, evaluate_(*node));
    auto local = std::make_shared<plan::ResolvedPlan>();
    local->kind = ResolvedKind::kLocalTable;
    local->schema = node->schema;
    local->column_ids = node->column_ids;
    local->qualifiers = node->qualifiers;
    local->plan_ids = node->plan_ids;
    local->visible_columns = node->visible_columns;
    // The node's own schema (names, nullability, field metadata) over the rows.
    local->table = arrow::Table::Make(node->schema, rows->columns(), rows->num_rows());
    return plan::ResolvedPtr(local);
  }

 private:
  LocalEvaluator evaluate_;
};

}  // namespace

RulePtr MakeConvertToLocalRelation(LocalEvaluator evaluate) {
  return std::make_unique<ConvertToLocalRelation>(std::move(evaluate));
}

}  // namespace sk8::optimizer
