#include "optimizer/optimizer.h"

#include <functional>

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
  if (static_cast<int>(node->expressions.size()) != input->schema->num_fields()) return node;
  for (size_t i = 0; i < node->expressions.size(); ++i) {
    const auto& e = node->expressions[i];
    if (e->kind != plan::BoundKind::kColumnRef || e->column_index != static_cast<int>(i)) return node;
    if (!node->schema->field(static_cast<int>(i))->Equals(*input->schema->field(static_cast<int>(i)))) return node;
  }
  auto replacement = std::make_shared<plan::ResolvedPlan>(*input);
  replacement->plan_ids.insert(replacement->plan_ids.end(), node->plan_ids.begin(), node->plan_ids.end());
  return replacement;
}

void CountColumnUses(const BoundExpr& e, std::vector<int>* uses) {
  if (e.kind == plan::BoundKind::kColumnRef) ++(*uses)[e.column_index];
  for (const auto& a : e.args) CountColumnUses(*a, uses);
}

// Replaces column references by the expressions they name (keeping names).
BoundExprPtr Substitute(const BoundExprPtr& e, const std::vector<BoundExprPtr>& below) {
  if (e->kind == plan::BoundKind::kColumnRef) {
    auto inlined = std::make_shared<BoundExpr>(*below[e->column_index]);
    inlined->name = e->name;
    inlined->auto_alias = e->auto_alias;
    return inlined;
  }
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (auto& a : copy->args) a = Substitute(a, below);
  return copy;
}

// Project(Project(x)) -> Project(x), unless that would compute an expression of
// the lower projection twice (Spark's CollapseProject makes the same check).
plan::ResolvedPtr CollapseProject(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kProject) {
    return node;
  }
  const auto& lower = node->children[0];
  std::vector<int> uses(lower->expressions.size(), 0);
  for (const auto& e : node->expressions) CountColumnUses(*e, &uses);
  for (size_t i = 0; i < uses.size(); ++i) {
    const auto& below = lower->expressions[i];
    bool cheap = below->kind != plan::BoundKind::kCall;
    if (!IsDeterministic(*below) || (!cheap && uses[i] > 1)) return node;
  }
  auto merged = std::make_shared<plan::ResolvedPlan>(*node);
  merged->children = lower->children;
  for (auto& e : merged->expressions) e = Substitute(e, lower->expressions);
  return CollapseProject(merged);
}

// Aggregates whose results nobody reads are not computed (Spark prunes them
// too, so their errors, e.g. an overflowing sum, do not surface).
plan::ResolvedPtr PruneAggregates(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kAggregate) {
    return node;
  }
  const auto& aggregate = node->children[0];
  size_t groups = aggregate->grouping.size();
  std::vector<int> uses(groups + aggregate->aggregates.size(), 0);
  for (const auto& e : node->expressions) CountColumnUses(*e, &uses);
  std::vector<int> remap(uses.size(), -1);
  auto pruned = std::make_shared<plan::ResolvedPlan>(*aggregate);
  pruned->aggregates.clear();
  arrow::FieldVector fields;
  for (size_t i = 0; i < groups; ++i) {
    remap[i] = static_cast<int>(i);
    fields.push_back(aggregate->schema->field(static_cast<int>(i)));
  }
  for (size_t a = 0; a < aggregate->aggregates.size(); ++a) {
    if (uses[groups + a] == 0) continue;
    remap[groups + a] = static_cast<int>(groups + pruned->aggregates.size());
    pruned->aggregates.push_back(aggregate->aggregates[a]);
    fields.push_back(aggregate->schema->field(static_cast<int>(groups + a)));
  }
  if (pruned->aggregates.size() == aggregate->aggregates.size()) return node;
  pruned->schema = arrow::schema(fields);
  pruned->qualifiers.assign(fields.size(), "");
  std::function<BoundExprPtr(const BoundExprPtr&)> renumber = [&](const BoundExprPtr& e) -> BoundExprPtr {
    auto copy = std::make_shared<BoundExpr>(*e);
    if (copy->kind == plan::BoundKind::kColumnRef) copy->column_index = remap[copy->column_index];
    for (auto& a : copy->args) a = renumber(a);
    return copy;
  };
  auto project = std::make_shared<plan::ResolvedPlan>(*node);
  project->children = {pruned};
  for (auto& e : project->expressions) e = renumber(e);
  return project;
}

// LIMIT 0 returns nothing without running its input (Spark's optimizer replaces
// it by an empty relation, so errors below it never surface).
Result<plan::ResolvedPtr> EmptyLimit(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kLimit || node->limit != 0) return node;
  auto empty = std::make_shared<plan::ResolvedPlan>();
  empty->kind = plan::ResolvedKind::kLocalTable;
  empty->schema = node->schema;
  empty->qualifiers = node->qualifiers;
  empty->plan_ids = node->plan_ids;
  ARROW_ASSIGN_OR_RAISE(empty->table, arrow::Table::MakeEmpty(node->schema));
  return plan::ResolvedPtr(empty);
}

// --- Column pruning: scans read only the columns that something above uses.

void CollectColumns(const BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == plan::BoundKind::kColumnRef) (*used)[e.column_index] = true;
  for (const auto& a : e.args) CollectColumns(*a, used);
}

BoundExprPtr RemapColumns(const BoundExprPtr& e, const std::vector<int>& mapping) {
  if (e->kind != plan::BoundKind::kColumnRef && e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  if (copy->kind == plan::BoundKind::kColumnRef) copy->column_index = mapping[copy->column_index];
  for (auto& a : copy->args) a = RemapColumns(a, mapping);
  return copy;
}

struct Pruned {
  plan::ResolvedPtr node;
  std::vector<int> mapping;  // old output index -> new output index (-1: dropped)
};

std::vector<int> Identity(int n) {
  std::vector<int> m(n);
  for (int i = 0; i < n; ++i) m[i] = i;
  return m;
}

// Rebuilds `node` keeping at least the `required` output columns.
Pruned PruneColumns(const plan::ResolvedPtr& node, std::vector<bool> required) {
  const int width = node->schema->num_fields();
  switch (node->kind) {
    case plan::ResolvedKind::kFileScan: {
      std::vector<int> keep;
      for (int i = 0; i < width; ++i) if (required[i]) keep.push_back(i);
      if (keep.empty() && width > 0) keep.push_back(0);  // something to count rows by
      if (static_cast<int>(keep.size()) == width) return {node, Identity(width)};
      auto scan = std::make_shared<plan::ResolvedPlan>(*node);
      arrow::FieldVector fields;
      scan->file_columns.clear();
      scan->qualifiers.clear();
      std::vector<int> mapping(width, -1);
      for (int i : keep) {
        mapping[i] = static_cast<int>(fields.size());
        fields.push_back(node->schema->field(i));
        scan->file_columns.push_back(node->file_columns[i]);
        scan->qualifiers.push_back(node->qualifiers[i]);
      }
      scan->schema = arrow::schema(fields);
      return {scan, mapping};
    }
    case plan::ResolvedKind::kFilter:
    case plan::ResolvedKind::kSort:
    case plan::ResolvedKind::kLimit:
    case plan::ResolvedKind::kTail: {
      if (node->kind == plan::ResolvedKind::kFilter) CollectColumns(*node->condition, &required);
      for (const auto& key : node->sort_keys) CollectColumns(*key.expr, &required);
      Pruned child = PruneColumns(node->children[0], required);
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child.node};
      copy->schema = child.node->schema;
      copy->qualifiers = child.node->qualifiers;
      if (copy->condition) copy->condition = RemapColumns(copy->condition, child.mapping);
      for (auto& key : copy->sort_keys) key.expr = RemapColumns(key.expr, child.mapping);
      return {copy, child.mapping};
    }
    case plan::ResolvedKind::kProject:
    case plan::ResolvedKind::kAggregate: {
      const auto& input = node->children[0];
      std::vector<bool> child_required(input->schema->num_fields(), false);
      for (const auto& e : node->expressions) CollectColumns(*e, &child_required);
      for (const auto& e : node->grouping) CollectColumns(*e, &child_required);
      for (const auto& agg : node->aggregates) {
        for (const auto& a : agg.args) CollectColumns(*a, &child_required);
      }
      Pruned child = PruneColumns(input, child_required);
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child.node};
      for (auto& e : copy->expressions) e = RemapColumns(e, child.mapping);
      for (auto& e : copy->grouping) e = RemapColumns(e, child.mapping);
      for (auto& agg : copy->aggregates) {
        for (auto& a : agg.args) a = RemapColumns(a, child.mapping);
      }
      return {copy, Identity(width)};
    }
    case plan::ResolvedKind::kShowString: {
      Pruned child = PruneColumns(node->children[0],
                                  std::vector<bool>(node->children[0]->schema->num_fields(), true));
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child.node};
      return {copy, Identity(width)};
    }
    default:
      return {node, Identity(width)};
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
  return PruneColumns(rewritten, std::vector<bool>(rewritten->schema->num_fields(), true)).node;
}

}  // namespace sk8::optimizer
