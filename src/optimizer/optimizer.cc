#include "optimizer/optimizer.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <arrow/table.h>

#include "functions/function_registry.h"

namespace sk8::optimizer {
namespace {

bool IsDeterministic(const plan::BoundExpr& e) {
  if (!e.deterministic) return false;
  for (const auto& a : e.args) {
    if (!IsDeterministic(*a)) return false;
  }
  return true;
}

// Limit(Project(x)) -> Project(Limit(x)): the projection then runs only on the
// rows that are returned. Safe because a projection maps rows one to one.
plan::ResolvedPtr PushLimitThroughProject(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kLimit || node->children.empty()) return node;
  const auto& child = node->children[0];
  if (child->kind != plan::ResolvedKind::kProject) return node;
  for (const auto& e : child->expressions) {
    if (!IsDeterministic(*e)) return node;
  }
  auto limit = std::make_shared<plan::ResolvedPlan>(*node);
  limit->children = {child->children[0]};
  limit->schema = child->children[0]->schema;
  limit->column_ids = child->children[0]->column_ids;
  limit->qualifiers = child->children[0]->qualifiers;
  auto project = std::make_shared<plan::ResolvedPlan>(*child);
  project->children = {PushLimitThroughProject(limit)};
  return project;
}

// Filter(Filter(x, a), b) -> Filter(x, a AND b), as Spark's CombineFilters does.
// Besides saving a pass, it gives Spark's answers where they depend on it: with
// an inner `NULL` filter Spark still evaluates (and may fail on) the outer one.
Result<plan::ResolvedPtr> CombineFilters(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kFilter || node->children[0]->kind != plan::ResolvedKind::kFilter) {
    return node;
  }
  const auto& inner = node->children[0];
  const auto* and_info = functions::FunctionRegistry::Instance().Find("and");
  if (and_info == nullptr) return node;
  ARROW_ASSIGN_OR_RAISE(auto condition, and_info->bind_scalar("and", {inner->condition, node->condition}, {}));
  auto combined = std::make_shared<plan::ResolvedPlan>(*node);
  combined->children = inner->children;
  combined->condition = condition;
  return CombineFilters(combined);
}

using plan::BoundExpr;
using plan::BoundExprPtr;

// A projection that outputs exactly its input (same columns, names, order) is a
// no-op; removing it lets neighbouring operators meet (filters combine).
plan::ResolvedPtr RemoveIdentityProject(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject) return node;
  const auto& input = node->children[0];
  if (node->column_ids != input->column_ids || !node->schema->Equals(*input->schema, /*check_metadata=*/true)) {
    return node;
  }
  auto replacement = std::make_shared<plan::ResolvedPlan>(*input);
  replacement->plan_ids.insert(replacement->plan_ids.end(), node->plan_ids.begin(), node->plan_ids.end());
  return replacement;
}

using ColumnUses = std::unordered_map<plan::ColumnId, int>;

void CountColumnUses(const BoundExpr& e, ColumnUses* uses) {
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { ++(*uses)[id]; });
}

// The position of column `id` among `ids`, or -1.
int PositionOf(const std::vector<plan::ColumnId>& ids, plan::ColumnId id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? -1 : static_cast<int>(it - ids.begin());
}

// Replaces references to the lower projection's columns by the expressions
// that compute them (keeping the references' names).
BoundExprPtr Substitute(const BoundExprPtr& e, const plan::ResolvedPlan& lower) {
  if (e->kind == plan::BoundKind::kColumnRef) {
    int position = PositionOf(lower.column_ids, e->column_id);
    if (position < 0) return e;
    auto inlined = std::make_shared<BoundExpr>(*lower.expressions[position]);
    inlined->name = e->name;
    inlined->auto_alias = e->auto_alias;
    return inlined;
  }
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (auto& a : copy->args) a = Substitute(a, lower);
  return copy;
}

// Project(Project(x)) -> Project(x), unless that would compute an expression of
// the lower projection twice (Spark's CollapseProject makes the same check).
plan::ResolvedPtr CollapseProject(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kProject) {
    return node;
  }
  const auto& lower = node->children[0];
  ColumnUses uses;
  for (const auto& e : node->expressions) CountColumnUses(*e, &uses);
  for (size_t i = 0; i < lower->expressions.size(); ++i) {
    const auto& below = lower->expressions[i];
    bool cheap = below->kind != plan::BoundKind::kCall;
    if (!IsDeterministic(*below) || (!cheap && uses[lower->column_ids[i]] > 1)) return node;
  }
  auto merged = std::make_shared<plan::ResolvedPlan>(*node);
  merged->children = lower->children;
  for (auto& e : merged->expressions) e = Substitute(e, *lower);
  return CollapseProject(merged);
}

// Aggregates whose results nobody reads are not computed (Spark prunes them
// too, so their errors, e.g. an overflowing sum, do not surface).
plan::ResolvedPtr PruneAggregates(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kAggregate) {
    return node;
  }
  const auto& aggregate = node->children[0];
  const size_t groups = aggregate->grouping.size();
  ColumnUses uses;
  for (const auto& e : node->expressions) CountColumnUses(*e, &uses);
  auto pruned = std::make_shared<plan::ResolvedPlan>(*aggregate);
  pruned->aggregates.clear();
  pruned->column_ids.assign(aggregate->column_ids.begin(), aggregate->column_ids.begin() + groups);
  arrow::FieldVector fields(aggregate->schema->fields().begin(), aggregate->schema->fields().begin() + groups);
  for (size_t a = 0; a < aggregate->aggregates.size(); ++a) {
    plan::ColumnId id = aggregate->column_ids[groups + a];
    if (!uses.count(id)) continue;
    pruned->aggregates.push_back(aggregate->aggregates[a]);
    pruned->column_ids.push_back(id);
    fields.push_back(aggregate->schema->field(static_cast<int>(groups + a)));
  }
  if (pruned->aggregates.size() == aggregate->aggregates.size()) return node;
  pruned->schema = arrow::schema(fields);
  pruned->qualifiers.assign(fields.size(), "");
  auto project = std::make_shared<plan::ResolvedPlan>(*node);
  project->children = {pruned};
  return project;
}

// LIMIT 0 returns nothing without running its input (Spark's optimizer replaces
// it by an empty relation, so errors below it never surface).
Result<plan::ResolvedPtr> EmptyLimit(const plan::ResolvedPtr& node) {
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

// --- Column pruning: scans read only the columns that something above uses.

using ColumnSet = std::unordered_set<plan::ColumnId>;

void CollectColumns(const BoundExpr& e, ColumnSet* used) {
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { used->insert(id); });
}

// Rebuilds `node` keeping at least the `required` output columns. References
// are by identity, so nothing above needs renumbering.
plan::ResolvedPtr PruneColumns(const plan::ResolvedPtr& node, ColumnSet required) {
  const int width = node->schema->num_fields();
  switch (node->kind) {
    case plan::ResolvedKind::kFileScan: {
      std::vector<int> keep;
      for (int i = 0; i < width; ++i) {
        if (required.count(node->column_ids[i])) keep.push_back(i);
      }
      if (keep.empty() && width > 0) keep.push_back(0);  // something to count rows by
      if (static_cast<int>(keep.size()) == width) return node;
      auto scan = std::make_shared<plan::ResolvedPlan>(*node);
      arrow::FieldVector fields;
      scan->file_columns.clear();
      scan->qualifiers.clear();
      scan->column_ids.clear();
      for (int i : keep) {
        fields.push_back(node->schema->field(i));
        scan->file_columns.push_back(node->file_columns[i]);
        scan->qualifiers.push_back(node->qualifiers[i]);
        scan->column_ids.push_back(node->column_ids[i]);
      }
      scan->schema = arrow::schema(fields);
      return scan;
    }
    case plan::ResolvedKind::kFilter:
    case plan::ResolvedKind::kSort:
    case plan::ResolvedKind::kLimit:
    case plan::ResolvedKind::kTail: {
      if (node->condition) CollectColumns(*node->condition, &required);
      for (const auto& key : node->sort_keys) CollectColumns(*key.expr, &required);
      auto child = PruneColumns(node->children[0], std::move(required));
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child};
      copy->schema = child->schema;
      copy->qualifiers = child->qualifiers;
      copy->column_ids = child->column_ids;
      return copy;
    }
    case plan::ResolvedKind::kProject:
    case plan::ResolvedKind::kAggregate: {
      ColumnSet child_required;
      for (const auto& e : node->expressions) CollectColumns(*e, &child_required);
      for (const auto& e : node->grouping) CollectColumns(*e, &child_required);
      for (const auto& agg : node->aggregates) {
        for (const auto& a : agg.args) CollectColumns(*a, &child_required);
      }
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {PruneColumns(node->children[0], std::move(child_required))};
      return copy;
    }
    case plan::ResolvedKind::kShowString: {
      const auto& child = node->children[0];
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {PruneColumns(child, ColumnSet(child->column_ids.begin(), child->column_ids.end()))};
      return copy;
    }
    default:
      return node;
  }
}

Result<plan::ResolvedPtr> Rewrite(const plan::ResolvedPtr& node) {
  auto copy = std::make_shared<plan::ResolvedPlan>(*node);
  for (auto& child : copy->children) {
    ARROW_ASSIGN_OR_RAISE(child, Rewrite(child));
    child = RemoveIdentityProject(child);
  }
  plan::ResolvedPtr current = CollapseProject(copy);
  current = PruneAggregates(current);
  ARROW_ASSIGN_OR_RAISE(current, CombineFilters(current));
  ARROW_ASSIGN_OR_RAISE(current, EmptyLimit(current));
  return PushLimitThroughProject(current);
}

}  // namespace

Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan) {
  ARROW_ASSIGN_OR_RAISE(auto rewritten, Rewrite(plan));
  // The result keeps every output column; below that, only what is used.
  return PruneColumns(rewritten, ColumnSet(rewritten->column_ids.begin(), rewritten->column_ids.end()));
}

}  // namespace sk8::optimizer
