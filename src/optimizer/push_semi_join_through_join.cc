// PushLeftSemiLeftAntiThroughJoin (Spark's rule of that name, with the
// projection case of its PushDownLeftSemiAntiJoin): a left semi or
// anti join decides each left row on its own, so when its condition reads the
// left columns of only one side of an inner join below, it can run on that side
// first, before the join multiplies or drops rows (TPC-H Q18: `o_orderkey IN
// (...)` filters orders before lineitem is joined to them), when estimates say
// it removes most of that side's rows.
#include <unordered_set>

#include "optimizer/cardinality.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::ResolvedPlan;
using plan::ResolvedPtr;
using IdSet = std::unordered_set<plan::ColumnId>;

constexpr double kPushBelowJoinMaxFraction = 0.5;

bool IsSemiOrAnti(const ResolvedPlan& node) {
  return node.kind == plan::ResolvedKind::kJoin &&
         (node.join_type == plan::JoinType::kLeftSemi || node.join_type == plan::JoinType::kLeftAnti);
}

bool Contains(const ResolvedPlan& node, const IdSet& ids) {
  IdSet have(node.column_ids.begin(), node.column_ids.end());
  for (auto id : ids) {
    if (!have.count(id)) return false;
  }
  return true;
}

class PushSemiJoinThroughJoin final : public NodeRule {
 public:
  const char* name() const override { return "PushLeftSemiLeftAntiThroughJoin"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (!IsSemiOrAnti(*node) || !node->condition || !IsDeterministic(*node->condition)) return node;
    const ResolvedPtr& below = node->children[0];
    const IdSet right_ids(node->children[1]->column_ids.begin(), node->children[1]->column_ids.end());
    IdSet left_read;  // the left columns the condition reads
    plan::ForEachColumnId(*node->condition, [&](plan::ColumnId id) {
      if (!right_ids.count(id)) left_read.insert(id);
    });
    switch (below->kind) {
      // (Not through a filter: filters go below semi joins, PushPredicateThroughJoin.)
      case plan::ResolvedKind::kProject: {
        for (const auto& e : below->expressions) {
          if (!IsDeterministic(*e)) return node;
        }
        if (!Contains(*below->children[0], left_read)) return node;
        auto pushed = plan::MakeSemiJoinNode(below->children[0], node->children[1], node->join_type, node->condition);
        auto out = std::make_shared<ResolvedPlan>(*below);
        out->children = {pushed};
        return ResolvedPtr(out);
      }
      case plan::ResolvedKind::kJoin: {
        if (below->join_type != plan::JoinType::kInner && below->join_type != plan::JoinType::kCross) return node;
        for (size_t side = 0; side < 2; ++side) {
          if (left_read.empty() || !Contains(*below->children[side], left_read)) continue;
          // Only a semi join expected to drop most rows of that side goes first:
          // one that keeps most of them costs a probe per row for nothing (TPC-H
          // Q21's EXISTS over lineitem is better left above the joins that shrink it).
          auto pushed = plan::MakeSemiJoinNode(below->children[side], node->children[1], node->join_type, node->condition);
          if (EstimateRows(*pushed) >= kPushBelowJoinMaxFraction * EstimateRows(*below->children[side])) return node;
          return WithChild(*below, side, std::move(pushed));
        }
        return node;
      }
      default: return node;
    }
  }
};

}  // namespace

RulePtr MakePushSemiJoinThroughJoin() { return std::make_unique<PushSemiJoinThroughJoin>(); }

}  // namespace sk8::optimizer
