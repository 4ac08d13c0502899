// ReplaceLimitZero (Spark: part of PropagateEmptyRelation): LIMIT 0 returns
// nothing without running its input, so errors below it never surface.
#include <arrow/table.h>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class ReplaceLimitZero final : public NodeRule {
 public:
  const char* name() const override { return "PropagateEmptyRelation"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kLimit || node->limit != 0) return node;
    auto empty = std::make_shared<plan::ResolvedPlan>();
    empty->kind = plan::ResolvedKind::kLocalTable;
    empty->schema = node->schema;
    empty->column_ids = node->column_ids;
    empty->qualifiers = node->qualifiers;
    empty->plan_ids = node->plan_ids;
    ARROW_ASSIGN_OR_RAISE(empty->table, arrow::Table::MakeEmpty(node->schema));
    return plan::ResolvedPtr(empty);
  }
};

}  // namespace

RulePtr MakeReplaceLimitZero() { return std::make_unique<ReplaceLimitZero>(); }

}  // namespace sk8::optimizer
