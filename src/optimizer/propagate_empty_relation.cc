// PropagateEmptyRelation (Spark's rule of that name): an operator that returns
// no rows when an input has none becomes an empty table itself, so the other
// input is never run and its errors (a failing cast) never surface, as in
// Spark. LIMIT 0 returns nothing either. An aggregate without grouping keys is
// kept: over no rows it still returns one.
#include <arrow/table.h>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::JoinType;
using plan::ResolvedKind;

bool IsEmpty(const plan::ResolvedPlan& node) {
  return node.kind == ResolvedKind::kLocalTable && node.table && node.table->num_rows() == 0;
}

// Whether the join returns no rows when its left (or right) input has none.
bool EmptyWhenLeftEmpty(JoinType type) { return type != JoinType::kRightOuter && type != JoinType::kFullOuter; }
bool EmptyWhenRightEmpty(JoinType type) {
  return type == JoinType::kInner || type == JoinType::kCross || type == JoinType::kLeftSemi ||
         type == JoinType::kRightOuter;
}

bool ReturnsNothing(const plan::ResolvedPlan& node) {
  switch (node.kind) {
    case ResolvedKind::kLimit:
      return node.limit == 0 || IsEmpty(node.child());
    case ResolvedKind::kProject:
    case ResolvedKind::kFilter:
    case ResolvedKind::kSort:
    case ResolvedKind::kTail:
    case ResolvedKind::kReplicateRows:
    case ResolvedKind::kDeduplicate:
    case ResolvedKind::kExpand:
    case ResolvedKind::kGenerate:
      return IsEmpty(node.child());
    case ResolvedKind::kAggregate:
      return !node.grouping.empty() && IsEmpty(node.child());
    case ResolvedKind::kJoin:
      if (IsEmpty(node.child(0)) && IsEmpty(node.child(1))) return true;
      return (IsEmpty(node.child(0)) && EmptyWhenLeftEmpty(node.join_type)) ||
             (IsEmpty(node.child(1)) && EmptyWhenRightEmpty(node.join_type));
    case ResolvedKind::kUnion:
      for (const auto& c : node.children) {
        if (!IsEmpty(*c)) return false;
      }
      return true;
    default:
      return false;
  }
}

class PropagateEmptyRelation final : public NodeRule {
 public:
  const char* name() const override { return "PropagateEmptyRelation"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->children.empty() || !ReturnsNothing(*node)) return node;
    return MakeEmptyRelation(*node);
  }
};

}  // namespace

Result<plan::ResolvedPtr> MakeEmptyRelation(const plan::ResolvedPlan& like) {
  auto empty = std::make_shared<plan::ResolvedPlan>();
  empty->kind = ResolvedKind::kLocalTable;
  empty->schema = like.schema;
  empty->column_ids = like.column_ids;
  empty->qualifiers = like.qualifiers;
  empty->plan_ids = like.plan_ids;
  empty->visible_columns = like.visible_columns;
  ARROW_ASSIGN_OR_RAISE(empty->table, arrow::Table::MakeEmpty(like.schema));
  return plan::ResolvedPtr(empty);
}

RulePtr MakePropagateEmptyRelation() { return std::make_unique<PropagateEmptyRelation>(); }

}  // namespace sk8::optimizer
