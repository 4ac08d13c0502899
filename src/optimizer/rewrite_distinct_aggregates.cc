// RewriteDistinctAggregates (Spark's rule of that name, for its simple case):
// when every aggregate of a node is DISTINCT over the same arguments, e.g.
//   SELECT k, count(DISTINCT x), sum(DISTINCT x) ... GROUP BY k
// the rows are first deduplicated on (grouping, arguments) by an aggregate with
// no functions, and the functions then run, without DISTINCT, over that. The
// node's output keeps its column identities. Mixed DISTINCT / plain aggregates
// need Spark's Expand-based plan and are left to the physical planner's
// UNSUPPORTED.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

bool SameArgs(const std::vector<BoundExprPtr>& a, const std::vector<BoundExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (plan::ToString(*a[i]) != plan::ToString(*b[i]) || !a[i]->type->Equals(*b[i]->type)) return false;
  }
  return true;
}

BoundExprPtr RefTo(plan::ColumnId id, const std::shared_ptr<arrow::Field>& field) {
  auto ref = std::make_shared<BoundExpr>(*BoundExpr::Column(-1, field->type(), field->nullable(), field->name()));
  ref->column_id = id;
  return ref;
}

class RewriteDistinctAggregates final : public NodeRule {
 public:
  const char* name() const override { return "RewriteDistinctAggregates"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kAggregate || node->aggregates.empty()) return node;
    const auto& first = node->aggregates[0];
    for (const auto& agg : node->aggregates) {
      if (!agg.distinct || !SameArgs(agg.args, first.args)) return node;
    }
    for (const auto& arg : first.args) {
      if (!IsDeterministic(*arg)) return node;
    }
    const size_t groups = node->grouping.size();
    // Inner: one row per distinct (grouping, arguments).
    auto inner = std::make_shared<ResolvedPlan>();
    inner->kind = plan::ResolvedKind::kAggregate;
    inner->children = node->children;
    inner->plan_ids = node->plan_ids;
    arrow::FieldVector inner_fields;
    for (size_t g = 0; g < groups; ++g) {
      inner->grouping.push_back(node->grouping[g]);
      inner_fields.push_back(node->schema->field(static_cast<int>(g)));
      inner->column_ids.push_back(plan::NewColumnId());
    }
    for (const auto& arg : first.args) {
      inner->grouping.push_back(arg);
      inner_fields.push_back(arrow::field(arg->name, arg->type, arg->nullable));
      inner->column_ids.push_back(plan::NewColumnId());
    }
    inner->schema = arrow::schema(inner_fields);
    inner->qualifiers.assign(inner_fields.size(), "");
    // Outer: the same output, functions without DISTINCT over the inner rows.
    auto outer = std::make_shared<ResolvedPlan>(*node);
    outer->children = {inner};
    outer->grouping.clear();
    for (size_t g = 0; g < groups; ++g) outer->grouping.push_back(RefTo(inner->column_ids[g], inner_fields[g]));
    for (auto& agg : outer->aggregates) {
      agg.distinct = false;
      for (size_t a = 0; a < agg.args.size(); ++a) {
        agg.args[a] = RefTo(inner->column_ids[groups + a], inner_fields[groups + a]);
      }
    }
    return ResolvedPtr(outer);
  }
};

}  // namespace

RulePtr MakeRewriteDistinctAggregates() { return std::make_unique<RewriteDistinctAggregates>(); }

}  // namespace sk8::optimizer
