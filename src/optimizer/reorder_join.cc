// ReorderJoin (Spark's rule of that name): a tree of inner joins written in an
// order that needs a cross product (FROM part, supplier, lineitem ... in TPC-H
// Q9) is rebuilt left-deep, greedily taking next the first relation that some
// join condition connects to those already joined. Each join gets the
// conditions its two sides can now evaluate. Column identities make the new
// order safe for everything above; a projection restores the original column
// order when the join tree's own output is visible.
#include <unordered_set>

#include "functions/function_registry.h"
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

Result<ResolvedPtr> Reorder(const ResolvedPtr& root, bool output_visible) {
  std::vector<ResolvedPtr> items;
  std::vector<BoundExprPtr> conditions;
  Flatten(root, &items, &conditions);
  if (items.size() < 3) return root;
  std::vector<IdSet> item_ids;
  for (const auto& item : items) item_ids.emplace_back(item->column_ids.begin(), item->column_ids.end());
  std::vector<IdSet> condition_ids;
  for (const auto& c : conditions) condition_ids.push_back(ColumnsOf(*c));

  // Greedy: next is the first relation connected to what is joined so far.
  std::vector<size_t> order{0};
  std::vector<bool> used(items.size(), false);
  used[0] = true;
  IdSet joined = item_ids[0];
  while (order.size() < items.size()) {
    size_t next = items.size();
    for (size_t i = 0; i < items.size() && next == items.size(); ++i) {
      if (used[i]) continue;
      IdSet both = joined;
      both.insert(item_ids[i].begin(), item_ids[i].end());
      for (const auto& ids : condition_ids) {
        if (Covers(both, ids) && Touches(ids, joined) && Touches(ids, item_ids[i])) {
          next = i;
          break;
        }
      }
    }
    if (next == items.size()) {  // nothing connects: the next in written order (a cross join)
      for (size_t i = 0; i < items.size(); ++i) {
        if (!used[i]) {
          next = i;
          break;
        }
      }
    }
    used[next] = true;
    order.push_back(next);
    joined.insert(item_ids[next].begin(), item_ids[next].end());
  }
  bool same_order = true;
  for (size_t i = 0; i < order.size(); ++i) same_order &= order[i] == i;
  if (same_order) return root;

  std::vector<bool> placed(conditions.size(), false);
  ResolvedPtr tree = items[order[0]];
  IdSet available = item_ids[order[0]];
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
    tree = plan::MakeJoinNode(tree, items[order[k]], type, std::move(condition));
  }
  if (!output_visible) return tree;
  // Restore the written column order for whoever sees this join's output.
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = plan::ResolvedKind::kProject;
  project->schema = root->schema;
  project->column_ids = root->column_ids;
  project->qualifiers = root->qualifiers;
  project->plan_ids = root->plan_ids;
  project->children = {tree};
  for (int i = 0; i < root->schema->num_fields(); ++i) {
    const auto& f = root->schema->field(i);
    auto ref = std::make_shared<plan::BoundExpr>(*plan::BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
    ref->column_id = root->column_ids[i];
    project->expressions.push_back(std::move(ref));
  }
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
