// PushPredicateThroughJoin (Spark's rule of that name, for inner joins): the
// conjuncts of a filter above an inner or cross join, and of the join's own
// condition, move to where they can first be evaluated: those reading one side
// only become a filter on that side; those reading both become the join
// condition (which turns `FROM a, b WHERE a.k = b.k` into a hash join). Above a
// left semi or anti join, a filter moves to the join's left side.
#include <unordered_set>

#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

/// True when every column `e` reads is one of `ids` (and it reads at least one).
bool ReadsOnly(const plan::BoundExpr& e, const std::unordered_set<plan::ColumnId>& ids) {
  bool any = false, outside = false;
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { (ids.count(id) ? any : outside) = true; });
  return any && !outside;
}

class PushPredicateThroughJoin final : public NodeRule {
 public:
  const char* name() const override { return "PushPredicateThroughJoin"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    const ResolvedPlan* join = nullptr;
    std::vector<BoundExprPtr> above;  // the filter's conjuncts
    if (node->kind == plan::ResolvedKind::kFilter && node->child().kind == plan::ResolvedKind::kJoin) {
      join = &node->child();
      plan::SplitConjuncts(node->condition, &above);
    } else if (node->kind == plan::ResolvedKind::kJoin) {
      join = node.get();
    } else {
      return node;
    }
    if (plan::JoinOutputsLeftOnly(join->join_type)) return PushIntoLeftOfSemiJoin(node, *join, above);
    if (join->join_type != plan::JoinType::kInner && join->join_type != plan::JoinType::kCross) return node;
    std::vector<BoundExprPtr> conjuncts = above;
    if (join->condition) plan::SplitConjuncts(join->condition, &conjuncts);
    for (const auto& c : conjuncts) {
      if (!IsDeterministic(*c)) return node;  // keep evaluation where the user wrote it
    }
    const auto& left = join->children[0];
    const auto& right = join->children[1];
    std::unordered_set<plan::ColumnId> left_ids(left->column_ids.begin(), left->column_ids.end());
    std::unordered_set<plan::ColumnId> right_ids(right->column_ids.begin(), right->column_ids.end());
    std::vector<BoundExprPtr> to_left, to_right, to_join;
    for (const auto& c : conjuncts) {
      if (ReadsOnly(*c, left_ids)) {
        to_left.push_back(c);
      } else if (ReadsOnly(*c, right_ids)) {
        to_right.push_back(c);
      } else {
        to_join.push_back(c);
      }
    }
    if (to_left.empty() && to_right.empty() && above.empty()) return node;  // nothing moves
    auto rewritten = std::make_shared<ResolvedPlan>(*join);
    ARROW_ASSIGN_OR_RAISE(auto left_condition, functions::AndAll(to_left));
    ARROW_ASSIGN_OR_RAISE(auto right_condition, functions::AndAll(to_right));
    ARROW_ASSIGN_OR_RAISE(rewritten->condition, functions::AndAll(to_join));
    rewritten->children = {left_condition ? plan::MakeFilterNode(left, left_condition) : left,
                           right_condition ? plan::MakeFilterNode(right, right_condition) : right};
    if (rewritten->join_type == plan::JoinType::kCross && rewritten->condition) {
      rewritten->join_type = plan::JoinType::kInner;
    }
    return ResolvedPtr(rewritten);
  }

 private:
  // Above a left semi / anti join, every conjunct reads left columns only (the
  // join outputs no others): all of them can filter the left side first.
  static Result<ResolvedPtr> PushIntoLeftOfSemiJoin(const ResolvedPtr& node, const ResolvedPlan& join,
                                                    const std::vector<BoundExprPtr>& above) {
    if (above.empty()) return node;
    for (const auto& c : above) {
      if (!IsDeterministic(*c)) return node;
    }
    ARROW_ASSIGN_OR_RAISE(auto condition, functions::AndAll(above));
    auto rewritten = std::make_shared<ResolvedPlan>(join);
    rewritten->children = {plan::MakeFilterNode(join.children[0], condition), join.children[1]};
    return ResolvedPtr(rewritten);
  }
};

}  // namespace

RulePtr MakePushPredicateThroughJoin() { return std::make_unique<PushPredicateThroughJoin>(); }

}  // namespace sk8::optimizer
