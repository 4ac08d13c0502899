// PushPredicateThroughJoin (Spark's rule of that name): conjuncts move to where
// they can first be evaluated, as far as the join type allows.
// - A filter above a join: conjuncts reading one side only become a filter on
//   that side when the join never null-extends that side's rows (both sides of
//   an inner join, the left of a left outer / semi / anti join, the right of a
//   right outer join); above an inner join the rest becomes the join condition
//   (which turns `FROM a, b WHERE a.k = b.k` into a hash join).
// - A join's own condition: conjuncts reading one side only filter that side
//   before the join when that side's unmatched rows are dropped anyway (both
//   sides of inner and semi joins, the right of left outer and anti joins, the
//   left of a right outer join).
#include <unordered_set>

#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExprPtr;
using plan::JoinType;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

/// The sides of a join a one-sided conjunct may move to.
struct PushableSides {
  bool left = false;
  bool right = false;
};

PushableSides FromFilterAbove(JoinType type) {
  switch (type) {
    case JoinType::kInner: case JoinType::kCross: return {true, true};
    case JoinType::kLeftOuter: case JoinType::kLeftSemi: case JoinType::kLeftAnti: return {true, false};
    case JoinType::kRightOuter: return {false, true};
    case JoinType::kFullOuter: return {false, false};
  }
  return {};
}

PushableSides FromJoinCondition(JoinType type) {
  switch (type) {
    case JoinType::kInner: case JoinType::kCross: case JoinType::kLeftSemi: return {true, true};
    case JoinType::kLeftOuter: case JoinType::kLeftAnti: return {false, true};
    case JoinType::kRightOuter: return {true, false};
    case JoinType::kFullOuter: return {false, false};
  }
  return {};
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
    std::vector<BoundExprPtr> in_condition;
    if (join->condition) plan::SplitConjuncts(join->condition, &in_condition);
    for (const auto* list : {&above, &in_condition}) {
      for (const auto& c : *list) {
        if (!IsDeterministic(*c)) return node;  // keep evaluation where the user wrote it
      }
    }
    const auto& left = join->children[0];
    const auto& right = join->children[1];
    std::unordered_set<plan::ColumnId> left_ids(left->column_ids.begin(), left->column_ids.end());
    std::unordered_set<plan::ColumnId> right_ids(right->column_ids.begin(), right->column_ids.end());
    const bool inner = join->join_type == JoinType::kInner || join->join_type == JoinType::kCross;

    std::vector<BoundExprPtr> to_left, to_right, to_join, stay_above;
    bool moved = inner && !above.empty();  // above an inner join, everything moves
    auto place = [&](const BoundExprPtr& c, PushableSides sides, std::vector<BoundExprPtr>* otherwise) {
      if (sides.left && ReadsOnly(*c, left_ids)) {
        to_left.push_back(c);
        moved = true;
      } else if (sides.right && ReadsOnly(*c, right_ids)) {
        to_right.push_back(c);
        moved = true;
      } else {
        otherwise->push_back(c);
      }
    };
    for (const auto& c : above) place(c, FromFilterAbove(join->join_type), inner ? &to_join : &stay_above);
    for (const auto& c : in_condition) place(c, FromJoinCondition(join->join_type), &to_join);
    if (!moved) return node;

    auto rewritten = std::make_shared<ResolvedPlan>(*join);
    ARROW_ASSIGN_OR_RAISE(auto left_condition, functions::AndAll(to_left));
    ARROW_ASSIGN_OR_RAISE(auto right_condition, functions::AndAll(to_right));
    ARROW_ASSIGN_OR_RAISE(rewritten->condition, functions::AndAll(to_join));
    rewritten->children = {left_condition ? plan::MakeFilterNode(left, left_condition) : left,
                           right_condition ? plan::MakeFilterNode(right, right_condition) : right};
    if (rewritten->join_type == JoinType::kCross && rewritten->condition) rewritten->join_type = JoinType::kInner;
    ARROW_ASSIGN_OR_RAISE(auto remaining, functions::AndAll(stay_above));
    return remaining ? plan::MakeFilterNode(rewritten, remaining) : ResolvedPtr(rewritten);
  }
};

}  // namespace

RulePtr MakePushPredicateThroughJoin() { return std::make_unique<PushPredicateThroughJoin>(); }

}  // namespace sk8::optimizer
