// PushExtraPredicateThroughJoin (Spark's rule of that name): a join condition
// with an OR over both sides, such as TPC-H Q7's
//   (n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE'),
// implies for each side the OR of that side's parts of every branch
// (n1.n_name = 'FRANCE' OR n1.n_name = 'GERMANY'). That weaker predicate filters
// the side before the join (and moves further down with the other pushdown
// rules); the condition stays as written, so the answer is the same. Derived
// only when every branch has a part reading that side alone, for the sides
// whose unmatched rows the join drops, from parts that cannot fail. Runs once.
#include <unordered_set>

#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::JoinType;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using IdSet = std::unordered_set<plan::ColumnId>;

/// The predicate `disjunction` implies on the columns `side`, or null.
Result<BoundExprPtr> Implied(const BoundExprPtr& disjunction, const IdSet& side) {
  std::vector<BoundExprPtr> branches;
  FlattenCalls(disjunction, "or", &branches);
  std::vector<BoundExprPtr> implied_branches;
  for (const auto& branch : branches) {
    std::vector<BoundExprPtr> parts, mine;
    FlattenCalls(branch, "and", &parts);
    for (const auto& part : parts) {
      if (ReadsOnly(*part, side) && IsDeterministic(*part) && !functions::CanFail(*part)) mine.push_back(part);
    }
    if (mine.empty()) return nullptr;  // this branch says nothing about the side
    ARROW_ASSIGN_OR_RAISE(auto conjunction, functions::AndAll(mine));
    implied_branches.push_back(std::move(conjunction));
  }
  BoundExprPtr out = implied_branches[0];
  for (size_t i = 1; i < implied_branches.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(out, functions::BindFunctionCall("or", {out, implied_branches[i]}));
  }
  return out;
}

class InferFiltersFromDisjunctions final : public NodeRule {
 public:
  const char* name() const override { return "PushExtraPredicateThroughJoin"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kJoin || !node->condition) return node;
    const JoinType type = node->join_type;
    const bool to_left = type == JoinType::kInner || type == JoinType::kCross || type == JoinType::kLeftSemi ||
                         type == JoinType::kRightOuter;
    const bool to_right = type == JoinType::kInner || type == JoinType::kCross || type == JoinType::kLeftSemi ||
                          type == JoinType::kLeftOuter || type == JoinType::kLeftAnti;
    std::vector<BoundExprPtr> conjuncts;
    plan::SplitConjuncts(node->condition, &conjuncts);
    IdSet left_ids(node->children[0]->column_ids.begin(), node->children[0]->column_ids.end());
    IdSet right_ids(node->children[1]->column_ids.begin(), node->children[1]->column_ids.end());
    std::vector<BoundExprPtr> left_filters, right_filters;
    for (const auto& c : conjuncts) {
      // Only an OR reading both sides: one reading a single side is pushed whole.
      if (!IsBinaryCall(*c, "or") || ReadsOnly(*c, left_ids) || ReadsOnly(*c, right_ids)) continue;
      if (to_left) {
        ARROW_ASSIGN_OR_RAISE(auto implied, Implied(c, left_ids));
        if (implied) left_filters.push_back(std::move(implied));
      }
      if (to_right) {
        ARROW_ASSIGN_OR_RAISE(auto implied, Implied(c, right_ids));
        if (implied) right_filters.push_back(std::move(implied));
      }
    }
    if (left_filters.empty() && right_filters.empty()) return node;
    ARROW_ASSIGN_OR_RAISE(auto left_condition, functions::AndAll(left_filters));
    ARROW_ASSIGN_OR_RAISE(auto right_condition, functions::AndAll(right_filters));
    auto rewritten = std::make_shared<ResolvedPlan>(*node);
    if (left_condition) rewritten->children[0] = plan::MakeFilterNode(node->children[0], left_condition);
    if (right_condition) rewritten->children[1] = plan::MakeFilterNode(node->children[1], right_condition);
    return ResolvedPtr(rewritten);
  }
};

}  // namespace

RulePtr MakeInferFiltersFromDisjunctions() { return std::make_unique<InferFiltersFromDisjunctions>(); }

}  // namespace sk8::optimizer
