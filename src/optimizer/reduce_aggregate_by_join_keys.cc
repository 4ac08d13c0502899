// ReduceAggregateByJoinKeys: an aggregate grouped by a join key, on a side of a
// join whose unmatched rows are dropped, only needs the groups whose key the
// other side has. When a small, cheap part of the other side (a filtered scan)
// already bounds those keys, the aggregate's input is first semi-joined with
// it, so that groups the join would drop are never built. This is the
// decorrelated form of a correlated aggregate subquery (TPC-H Q17: the average
// quantity per part is needed only for the few parts of one brand and
// container, not for all of them; Q2, Q20). Spark computes every group; DuckDB
// passes the outer keys into the subquery (its "delim join") to the same end.
//
// Correct for any superset of the matching keys: a group is kept or removed as
// a whole (the key is a grouping column), so the groups that remain are the
// same groups, with the same rows. NULL keys never match `=` and are dropped by
// both the semi join and the join.
#include <optional>

#include "optimizer/cardinality.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::BoundKind;
using plan::ColumnId;
using plan::JoinType;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

/// Reduce only when the other side keeps at most this fraction of its key's
/// domain (the semi join then removes most of the aggregate's groups), and has
/// at most this fraction of the aggregate's input rows (probing it must cost
/// less than the aggregation it saves).
constexpr double kMaxKeptFraction = 0.5;
constexpr double kMaxSourceToInputRows = 0.25;

bool Outputs(const ResolvedPlan& node, ColumnId id) { return plan::ColumnPosition(node, id) >= 0; }

bool IsColumnEquality(const BoundExpr& e) {
  return e.kind == BoundKind::kCall && e.function_name == "=" && e.args.size() == 2 &&
         e.args[0]->kind == BoundKind::kColumnRef && e.args[1]->kind == BoundKind::kColumnRef;
}

/// An aggregate reached from a join side through projections and filters; the
/// path from the side down to it is rebuilt around the reduced aggregate.
struct AggregatePath {
  std::vector<const ResolvedPlan*> above;  // side first, the aggregate's parent last
  const ResolvedPlan* aggregate = nullptr;
};

std::optional<AggregatePath> FindAggregate(const ResolvedPlan& side) {
  AggregatePath path;
  const ResolvedPlan* node = &side;
  while (node->kind == ResolvedKind::kProject || node->kind == ResolvedKind::kFilter) {
    path.above.push_back(node);
    node = &node->child();
  }
  if (node->kind != ResolvedKind::kAggregate || node->grouping.empty()) return std::nullopt;
  path.aggregate = node;
  return path;
}

/// The identity, in `path`'s aggregate input, of the grouping column that
/// column `id` of the join side passes on unchanged; nullopt when it is
/// computed or not a grouping column.
std::optional<ColumnId> GroupingInputColumn(const AggregatePath& path, ColumnId id) {
  for (const ResolvedPlan* node : path.above) {
    if (node->kind != ResolvedKind::kProject) continue;
    const int position = plan::ColumnPosition(*node, id);
    if (position < 0) return std::nullopt;
    const auto& e = *node->expressions[position];
    if (e.kind != BoundKind::kColumnRef) return std::nullopt;
    id = e.column_id;
  }
  const ResolvedPlan& aggregate = *path.aggregate;
  for (size_t g = 0; g < aggregate.grouping.size(); ++g) {
    if (aggregate.column_ids[g] != id) continue;
    const auto& e = *aggregate.grouping[g];
    if (e.kind != BoundKind::kColumnRef) return std::nullopt;
    return e.column_id;
  }
  return std::nullopt;
}

/// A subtree that is cheap to run a second time: a leaf with filters and
/// projections over it.
bool IsCheapToRepeat(const ResolvedPlan& node) {
  switch (node.kind) {
    case ResolvedKind::kFileScan: case ResolvedKind::kLocalTable: case ResolvedKind::kRange: return true;
    case ResolvedKind::kFilter: return IsDeterministic(*node.condition) && IsCheapToRepeat(node.child());
    case ResolvedKind::kProject:
      for (const auto& e : node.expressions) {
        if (!IsDeterministic(*e)) return false;
      }
      return IsCheapToRepeat(node.child());
    default: return false;
  }
}

struct KeySource {
  ResolvedPtr node;  // outputs `id`
  ColumnId id = -1;
  double rows = 0;
};

/// The smallest cheap subtree of `node` whose column values include every value
/// of column `id` of `node`: through filters, projections that pass the column
/// on, inner joins (which only drop rows), and the left side of semi joins,
/// whose values are also among those of the right side they equal.
void FindKeySources(const ResolvedPtr& node, ColumnId id, std::optional<KeySource>* best) {
  if (IsCheapToRepeat(*node)) {
    const double rows = EstimateRows(*node);
    if (!*best || rows < (*best)->rows) *best = KeySource{node, id, rows};
    return;
  }
  switch (node->kind) {
    case ResolvedKind::kFilter: FindKeySources(node->children[0], id, best); return;
    case ResolvedKind::kProject: {
      const int position = plan::ColumnPosition(*node, id);
      if (position >= 0 && node->expressions[position]->kind == BoundKind::kColumnRef) {
        FindKeySources(node->children[0], node->expressions[position]->column_id, best);
      }
      return;
    }
    case ResolvedKind::kJoin: {
      const bool filtering = node->join_type == JoinType::kInner || node->join_type == JoinType::kLeftSemi;
      if (!filtering) return;
      for (const auto& child : node->children) {
        if (Outputs(*child, id)) FindKeySources(child, id, best);
      }
      if (!node->condition) return;
      std::vector<BoundExprPtr> conjuncts;
      plan::SplitConjuncts(node->condition, &conjuncts);
      for (const auto& c : conjuncts) {
        if (!IsColumnEquality(*c)) continue;
        for (int i = 0; i < 2; ++i) {
          if (c->args[i]->column_id != id) continue;
          const ColumnId other = c->args[1 - i]->column_id;
          for (const auto& child : node->children) {
            if (Outputs(*child, other) && !Outputs(*child, id)) FindKeySources(child, other, best);
          }
        }
      }
      return;
    }
    default: return;
  }
}

/// A projection of `source`'s column `id` alone.
ResolvedPtr ProjectColumn(const ResolvedPtr& source, ColumnId id) {
  if (source->column_ids.size() == 1) return source;
  return plan::MakeColumnProjectNode(source, {plan::ColumnPosition(*source, id)});
}

class ReduceAggregateByJoinKeys final : public NodeRule {
 public:
  const char* name() const override { return "ReduceAggregateByJoinKeys"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (node->kind != ResolvedKind::kJoin || !node->condition) return node;
    // The sides whose unmatched rows the join drops.
    std::vector<size_t> sides;
    switch (node->join_type) {
      case JoinType::kInner: sides = {0, 1}; break;
      case JoinType::kLeftOuter: case JoinType::kLeftSemi: sides = {1}; break;
      case JoinType::kRightOuter: sides = {0}; break;
      default: return node;
    }
    std::vector<BoundExprPtr> conjuncts;
    plan::SplitConjuncts(node->condition, &conjuncts);
    for (size_t side : sides) {
      const ResolvedPtr& aggregate_side = node->children[side];
      const ResolvedPtr& other_side = node->children[1 - side];
      auto path = FindAggregate(*aggregate_side);
      if (!path || !IsDeterministic(*path->aggregate)) continue;
      std::optional<KeySource> best;
      BoundExprPtr best_equality;
      for (const auto& c : conjuncts) {
        if (!IsColumnEquality(*c)) continue;
        for (int i = 0; i < 2; ++i) {
          const ColumnId mine = c->args[i]->column_id, theirs = c->args[1 - i]->column_id;
          if (!Outputs(*aggregate_side, mine) || !Outputs(*other_side, theirs)) continue;
          auto input_column = GroupingInputColumn(*path, mine);
          if (!input_column) continue;
          std::optional<KeySource> source;
          FindKeySources(other_side, theirs, &source);
          if (!source) continue;
          const double domain = EstimateSourceRows(*source->node, source->id);
          if (domain <= 0 || source->rows > kMaxKeptFraction * domain) continue;
          if (best && best->rows <= source->rows) continue;
          // `grouping input = key source`, both column references as they are.
          auto input_ref = std::make_shared<BoundExpr>(*c->args[i]);
          input_ref->column_id = *input_column;
          auto source_ref = std::make_shared<BoundExpr>(*c->args[1 - i]);
          source_ref->column_id = source->id;
          source_ref->name = source->node->schema->field(plan::ColumnPosition(*source->node, source->id))->name();
          auto equality = std::make_shared<BoundExpr>(*c);
          equality->args = {input_ref, source_ref};
          best = std::move(source);
          best_equality = std::move(equality);
        }
      }
      if (!best) continue;
      const ResolvedPlan& aggregate = *path->aggregate;
      if (best->rows > kMaxSourceToInputRows * EstimateRows(aggregate.child())) continue;
      ResolvedPtr reduced = WithChild(
          aggregate, 0, plan::MakeSemiJoinNode(aggregate.children[0], ProjectColumn(best->node, best->id),
                                               JoinType::kLeftSemi, best_equality));
      for (auto it = path->above.rbegin(); it != path->above.rend(); ++it) reduced = WithChild(**it, 0, reduced);
      auto out = std::make_shared<ResolvedPlan>(*node);
      out->children[side] = std::move(reduced);
      return ResolvedPtr(out);
    }
    return node;
  }

 private:
  static bool IsDeterministic(const ResolvedPlan& aggregate) {
    for (const auto& g : aggregate.grouping) {
      if (!optimizer::IsDeterministic(*g)) return false;
    }
    return true;
  }
};

}  // namespace

RulePtr MakeReduceAggregateByJoinKeys() { return std::make_unique<ReduceAggregateByJoinKeys>(); }

}  // namespace sk8::optimizer
