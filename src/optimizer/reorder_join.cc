// ReorderJoin (after Spark's rule of that name, with its cost-based variant's
// aim): a tree of inner joins is rebuilt from estimated row counts
// (optimizer/cardinality.h): the largest relation is probed; snowflake arms
// (relations hanging off one other relation) are joined into their neighbour
// first, as bushy build sides; then the rest are joined (built) smallest
// result first, never by a cross product while a join condition connects
// another relation; where the rows joined so far are estimated far fewer than
// the next relation, they are built and that relation probes them. Each join gets the
// conditions its two sides can now evaluate. Column identities make the new
// order safe for everything above; a projection restores the original column
// order when the join tree's own output is visible.
#include <unordered_set>

#include "functions/function_registry.h"
#include "optimizer/cardinality.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using IdSet = std::unordered_set<plan::ColumnId>;

bool IsInnerJoin(const ResolvedPlan& node) {
  return node.kind == plan::ResolvedKind::kJoin &&
         (node.join_type == plan::JoinType::kInner || node.join_type == plan::JoinType::kCross);
}

/// The relations under a tree of inner joins, in order, and all their conditions.
void Flatten(const ResolvedPtr& node, std::vector<ResolvedPtr>* items, std::vector<BoundExprPtr>* conditions) {
  if (!IsInnerJoin(*node)) {
    items->push_back(node);
    return;
  }
  Flatten(node->children[0], items, conditions);
  Flatten(node->children[1], items, conditions);
  if (node->condition) plan::SplitConjuncts(node->condition, conditions);
}

IdSet ColumnsOf(const plan::BoundExpr& e) {
  IdSet ids;
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { ids.insert(id); });
  return ids;
}

bool Covers(const IdSet& available, const IdSet& needed) {
  for (auto id : needed) {
    if (!available.count(id)) return false;
  }
  return true;
}

bool Touches(const IdSet& a, const IdSet& b) {
  for (auto id : b) {
    if (a.count(id)) return true;
  }
  return false;
}

/// How many times more rows the next relation must have than the joined rows
/// so far before those are built instead (estimates are rough: only clear cases).
constexpr double kFlipBuildSideFactor = 2;

bool IsKeyEquality(const plan::BoundExpr& e) {
  return e.kind == plan::BoundKind::kCall && (e.function_name == "=" || e.function_name == "<=>") &&
         e.args.size() == 2;
}

Result<ResolvedPtr> Reorder(const ResolvedPtr& root, bool output_visible) {
  std::vector<ResolvedPtr> items;
  std::vector<BoundExprPtr> conditions;
  Flatten(root, &items, &conditions);
  if (items.size() < 2) return root;
  std::vector<IdSet> item_ids;
  for (const auto& item : items) item_ids.emplace_back(item->column_ids.begin(), item->column_ids.end());
  std::vector<IdSet> condition_ids;
  for (const auto& c : conditions) condition_ids.push_back(ColumnsOf(*c));

  // Greedy, left-deep: the largest relation first (it is probed, never
  // built), then each time the connected relation that gives the smallest
  // estimated result (ties: the smaller relation); each of these is a build side.
  std::vector<double> rows;
  for (const auto& item : items) rows.push_back(EstimateRows(*item));
  size_t first = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    if (rows[i] > rows[first]) first = i;
  }
  // Snowflake arms first (a bushy plan): a relation joined to exactly one
  // other, which is not the probed relation, is joined into that one before
  // the main chain (`supplier JOIN nation WHERE n_name = ...` becomes one build
  // side), so the large relation is probed once, against the filtered arm.
  bool merged = false;
  for (bool again = true; again;) {
    again = false;
    for (size_t leaf = 0; leaf < items.size() && !again; ++leaf) {
      if (leaf == first) continue;
      size_t neighbor = items.size();
      bool single = true;
      for (size_t c = 0; c < conditions.size() && single; ++c) {
        // Edges are key equalities; another condition (Q7's OR over both
        // nations) is placed wherever its columns are first all available.
        if (!IsKeyEquality(*conditions[c]) || !Touches(condition_ids[c], item_ids[leaf])) continue;
        for (size_t j = 0; j < items.size(); ++j) {
          if (j == leaf || !Touches(condition_ids[c], item_ids[j])) continue;
          if (neighbor != items.size() && neighbor != j) single = false;
          neighbor = j;
        }
      }
      if (!single || neighbor == items.size() || neighbor == first) continue;
      IdSet both = item_ids[neighbor];
      both.insert(item_ids[leaf].begin(), item_ids[leaf].end());
      std::vector<BoundExprPtr> connecting;
      std::vector<BoundExprPtr> rest_conditions;
      std::vector<IdSet> rest_ids;
      for (size_t c = 0; c < conditions.size(); ++c) {
        if (Covers(both, condition_ids[c]) && Touches(condition_ids[c], item_ids[leaf])) {
          connecting.push_back(conditions[c]);
        } else {
          rest_conditions.push_back(conditions[c]);
          rest_ids.push_back(condition_ids[c]);
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto condition, functions::AndAll(connecting));
      // The larger side is probed, the smaller built.
      const bool leaf_larger = rows[leaf] > rows[neighbor];
      auto arm = plan::MakeJoinNode(leaf_larger ? items[leaf] : items[neighbor],
                                    leaf_larger ? items[neighbor] : items[leaf], plan::JoinType::kInner, condition);
      items[neighbor] = arm;
      item_ids[neighbor] = std::move(both);
      rows[neighbor] = EstimateRows(*arm);
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(leaf));
      item_ids.erase(item_ids.begin() + static_cast<std::ptrdiff_t>(leaf));
      rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(leaf));
      if (first > leaf) --first;
      conditions = std::move(rest_conditions);
      condition_ids = std::move(rest_ids);
      merged = again = true;
    }
  }
  std::vector<size_t> order{first};
  std::vector<bool> used(items.size(), false);
  used[first] = true;
  IdSet joined = item_ids[first];
  ResolvedPtr trial_tree = items[first];
  while (order.size() < items.size()) {
    size_t next = items.size();
    double next_rows = 0;
    ResolvedPtr next_tree;
    for (size_t i = 0; i < items.size(); ++i) {
      if (used[i]) continue;
      IdSet both = joined;
      both.insert(item_ids[i].begin(), item_ids[i].end());
      std::vector<BoundExprPtr> connecting;
      for (size_t c = 0; c < conditions.size(); ++c) {
        const auto& ids = condition_ids[c];
        if (Covers(both, ids) && Touches(ids, item_ids[i]) && !Covers(item_ids[i], ids)) connecting.push_back(conditions[c]);
      }
      if (connecting.empty()) continue;
      ARROW_ASSIGN_OR_RAISE(auto condition, functions::AndAll(connecting));
      auto candidate = plan::MakeJoinNode(trial_tree, items[i], plan::JoinType::kInner, condition);
      const double estimate = EstimateRows(*candidate);
      if (next == items.size() || estimate < next_rows || (estimate == next_rows && rows[i] < rows[next])) {
        next = i;
        next_rows = estimate;
        next_tree = candidate;
      }
    }
    if (next == items.size()) {  // nothing connects: the smallest relation left (a cross join)
      for (size_t i = 0; i < items.size(); ++i) {
        if (!used[i] && (next == items.size() || rows[i] < rows[next])) next = i;
      }
      next_tree = plan::MakeJoinNode(trial_tree, items[next], plan::JoinType::kCross, nullptr);
    }
    used[next] = true;
    order.push_back(next);
    joined.insert(item_ids[next].begin(), item_ids[next].end());
    trial_tree = next_tree;
  }
  bool same_order = !merged;
  for (size_t i = 0; i < order.size(); ++i) same_order &= order[i] == i;

  std::vector<bool> placed(conditions.size(), false);
  ResolvedPtr tree = items[order[0]];
  IdSet available = item_ids[order[0]];
  bool flipped = false;
  for (size_t k = 1; k < order.size(); ++k) {
    available.insert(item_ids[order[k]].begin(), item_ids[order[k]].end());
    std::vector<BoundExprPtr> here;
    for (size_t c = 0; c < conditions.size(); ++c) {
      if (!placed[c] && Covers(available, condition_ids[c])) {
        here.push_back(conditions[c]);
        placed[c] = true;
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto condition, functions::AndAll(here));
    auto type = condition ? plan::JoinType::kInner : plan::JoinType::kCross;
    // The joined rows so far are built instead when they are estimated far
    // fewer than the relation joined next (Q9: the few green parts' lineitems,
    // not all of partsupp and orders): that relation streams past them.
    if (type == plan::JoinType::kInner && kFlipBuildSideFactor * EstimateRows(*tree) < rows[order[k]]) {
      tree = plan::MakeJoinNode(items[order[k]], tree, type, std::move(condition));
      flipped = true;
    } else {
      tree = plan::MakeJoinNode(tree, items[order[k]], type, std::move(condition));
    }
  }
  if (same_order && !flipped) return root;
  if (!output_visible) return tree;
  // Restore the written column order for whoever sees this join's output.
  std::vector<int> positions;
  for (auto id : root->column_ids) positions.push_back(plan::ColumnPosition(*tree, id));
  auto project = plan::MakeColumnProjectNode(tree, positions);
  project->schema = root->schema;  // the written names and nullability
  project->qualifiers = root->qualifiers;
  project->plan_ids = root->plan_ids;
  return ResolvedPtr(project);
}

/// Reorders the topmost join of every inner-join tree (not the joins inside it).
Result<ResolvedPtr> Visit(const ResolvedPtr& node, bool parent_is_inner_join) {
  std::vector<ResolvedPtr> children;
  bool changed = false;
  for (const auto& child : node->children) {
    ARROW_ASSIGN_OR_RAISE(auto rewritten, Visit(child, IsInnerJoin(*node)));
    changed |= rewritten != child;
    children.push_back(std::move(rewritten));
  }
  ResolvedPtr current = node;
  if (changed) {
    auto copy = std::make_shared<ResolvedPlan>(*node);
    copy->children = std::move(children);
    current = copy;
  }
  if (!IsInnerJoin(*current) || parent_is_inner_join) return current;
  return Reorder(current, /*output_visible=*/true);
}

class ReorderJoin final : public Rule {
 public:
  const char* name() const override { return "ReorderJoin"; }
  Result<ResolvedPtr> Apply(const ResolvedPtr& plan) const override { return Visit(plan, false); }
};

}  // namespace

RulePtr MakeReorderJoin() { return std::make_unique<ReorderJoin>(); }

}  // namespace sk8::optimizer
