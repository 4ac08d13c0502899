// ColumnPruning: scans read only the columns that something above uses. The
// plan is walked top-down with the set of column identities still needed;
// references are by identity, so nothing above a pruned node is renumbered.
#include <unordered_set>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using ColumnSet = std::unordered_set<plan::ColumnId>;

void Collect(const plan::BoundExpr& e, ColumnSet* used) {
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { used->insert(id); });
}

// The positions of `node`'s output columns in `required`; when none is,
// `fallback` alone (none when negative), so that rows can still be counted.
std::vector<int> RequiredPositions(const plan::ResolvedPlan& node, const ColumnSet& required, int fallback = 0) {
  std::vector<int> positions;
  const int width = node.schema->num_fields();
  for (int i = 0; i < width; ++i) {
    if (required.count(node.column_ids[i])) positions.push_back(i);
  }
  if (positions.empty() && width > 0 && fallback >= 0) positions.push_back(fallback);
  return positions;
}

// `node`, or a projection of it to the `required` columns when it has others.
plan::ResolvedPtr KeepRequired(const plan::ResolvedPtr& node, const ColumnSet& required) {
  auto positions = RequiredPositions(*node, required);
  if (static_cast<int>(positions.size()) == node->schema->num_fields()) return node;
  auto project = plan::MakeColumnProjectNode(node, positions);
  project->plan_ids = node->plan_ids;
  return project;
}

// A node whose output is its child's columns and then `computed` columns of
// its own (Window, Generate), over the pruned `child`.
plan::ResolvedPtr WithPrunedChild(const plan::ResolvedPtr& node, plan::ResolvedPtr child, int computed) {
  if (child == node->children[0]) return node;
  const int width = node->schema->num_fields();
  auto copy = std::make_shared<plan::ResolvedPlan>(*node);
  copy->children = {child};
  arrow::FieldVector fields = child->schema->fields();
  copy->column_ids = child->column_ids;
  copy->qualifiers = child->qualifiers;
  for (int f = width - computed; f < width; ++f) {
    fields.push_back(node->schema->field(f));
    copy->column_ids.push_back(node->column_ids[f]);
    copy->qualifiers.push_back(node->qualifiers[f]);
  }
  copy->schema = arrow::schema(fields);
  return copy;
}

// Rebuilds `node` keeping at least the `required` output columns.
plan::ResolvedPtr Prune(const plan::ResolvedPtr& node, ColumnSet required) {
  const int width = node->schema->num_fields();
  switch (node->kind) {
    case plan::ResolvedKind::kFileScan: {
      // Parquet and ORC know each row group's / stripe's row count: a scan
      // whose rows are only counted (count(*), df.count()) reads no column at all.
      const bool counted = node->format == "parquet" || node->format == "orc";
      const auto keep = RequiredPositions(*node, required, counted ? -1 : 0);
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
    case plan::ResolvedKind::kSingleRow:
    case plan::ResolvedKind::kSort:
    case plan::ResolvedKind::kLimit:
    case plan::ResolvedKind::kTail:
    case plan::ResolvedKind::kReplicateRows:
    case plan::ResolvedKind::kDeduplicate: {
      const ColumnSet required_above = node->kind == plan::ResolvedKind::kFilter ? required : ColumnSet{};
      if (node->condition) Collect(*node->condition, &required);
      if (node->replicate_count) Collect(*node->replicate_count, &required);
      for (const auto& key : node->grouping) Collect(*key, &required);
      for (const auto& key : node->sort_keys) Collect(*key.expr, &required);
      auto child = Prune(node->children[0], std::move(required));
      plan::ResolvedPtr pruned = node;
      if (child != node->children[0]) {
        auto copy = std::make_shared<plan::ResolvedPlan>(*node);
        copy->children = {child};
        copy->schema = child->schema;
        copy->qualifiers = child->qualifiers;
        copy->column_ids = child->column_ids;
        pruned = copy;
      }
      // Columns read only by a filter's condition end at the filter (Spark's
      // ColumnPruning does the same): a join above would otherwise carry
      // them, as TPC-H Q13's o_comment through its join.
      return node->kind == plan::ResolvedKind::kFilter ? KeepRequired(pruned, required_above) : pruned;
    }
    case plan::ResolvedKind::kProject:
    case plan::ResolvedKind::kAggregate: {
      // A projection computes only the columns required above (at least one,
      // so that its rows can still be counted).
      std::vector<int> kept_outputs;
      if (node->kind == plan::ResolvedKind::kProject) kept_outputs = RequiredPositions(*node, required);
      const bool narrower = node->kind == plan::ResolvedKind::kProject && static_cast<int>(kept_outputs.size()) < width;
      std::vector<plan::BoundExprPtr> expressions;
      if (narrower) {
        for (int i : kept_outputs) expressions.push_back(node->expressions[i]);
      }
      ColumnSet child_required;
      for (const auto& e : narrower ? expressions : node->expressions) Collect(*e, &child_required);
      for (const auto& e : node->grouping) Collect(*e, &child_required);
      for (const auto& agg : node->aggregates) {
        for (const auto& a : agg.args) Collect(*a, &child_required);
        if (agg.filter) Collect(*agg.filter, &child_required);
      }
      auto child = Prune(node->children[0], std::move(child_required));
      if (child == node->children[0] && !narrower) return node;
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child};
      if (narrower) {
        arrow::FieldVector fields;
        copy->column_ids.clear();
        copy->qualifiers.clear();
        for (int i : kept_outputs) {
          fields.push_back(node->schema->field(i));
          copy->column_ids.push_back(node->column_ids[i]);
          copy->qualifiers.push_back(node->qualifiers[i]);
        }
        copy->schema = arrow::schema(fields);
        copy->expressions = std::move(expressions);
        copy->hidden_join_columns.clear();
        copy->visible_columns = -1;
      }
      return copy;
    }
    case plan::ResolvedKind::kJoin: {
      // Each side keeps what is required above plus what the condition reads;
      // the join's output is what its sides still produce.
      if (node->condition) Collect(*node->condition, &required);
      auto left = Prune(node->children[0], required);
      auto right = Prune(node->children[1], std::move(required));
      if (left == node->children[0] && right == node->children[1]) return node;
      ColumnSet kept(left->column_ids.begin(), left->column_ids.end());
      if (!plan::JoinOutputsLeftOnly(node->join_type)) kept.insert(right->column_ids.begin(), right->column_ids.end());
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {left, right};
      arrow::FieldVector fields;
      copy->column_ids.clear();
      copy->qualifiers.clear();
      for (int i = 0; i < width; ++i) {
        if (!kept.count(node->column_ids[i])) continue;
        fields.push_back(node->schema->field(i));
        copy->column_ids.push_back(node->column_ids[i]);
        copy->qualifiers.push_back(node->qualifiers[i]);
      }
      copy->schema = arrow::schema(fields);
      return copy;
    }
    case plan::ResolvedKind::kWindow: {
      // Every function stays (the node computes them in one pass); its input
      // keeps what passes through to above and what the functions read.
      const int functions = static_cast<int>(node->window_functions.size());
      for (const auto& key : node->grouping) Collect(*key, &required);
      for (const auto& key : node->sort_keys) Collect(*key.expr, &required);
      for (const auto& function : node->window_functions) {
        for (const auto& a : function.args) Collect(*a, &required);
        for (const auto& a : function.aggregate.args) Collect(*a, &required);
      }
      return WithPrunedChild(node, Prune(node->children[0], std::move(required)), functions);
    }
    case plan::ResolvedKind::kExpand: {
      // Every projection keeps the columns required above (at least one).
      const auto kept = RequiredPositions(*node, required, /*fallback=*/width - 1);
      ColumnSet child_required;
      std::vector<std::vector<plan::BoundExprPtr>> projections;
      for (const auto& projection : node->expand_projections) {
        auto& narrowed = projections.emplace_back();
        for (int i : kept) {
          Collect(*projection[i], &child_required);
          narrowed.push_back(projection[i]);
        }
      }
      auto child = Prune(node->children[0], std::move(child_required));
      if (child == node->children[0] && static_cast<int>(kept.size()) == width) return node;
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child};
      copy->expand_projections = std::move(projections);
      arrow::FieldVector fields;
      copy->column_ids.clear();
      copy->qualifiers.clear();
      for (int i : kept) {
        fields.push_back(node->schema->field(i));
        copy->column_ids.push_back(node->column_ids[i]);
        copy->qualifiers.push_back(node->qualifiers[i]);
      }
      copy->schema = arrow::schema(fields);
      copy->visible_columns = -1;
      return copy;
    }
    case plan::ResolvedKind::kGenerate: {
      // The child keeps what is required above and what the generator reads;
      // the generated columns stay.
      const int generated = width - node->children[0]->schema->num_fields();
      Collect(*node->generator.input, &required);
      return WithPrunedChild(node, Prune(node->children[0], std::move(required)), generated);
    }
    case plan::ResolvedKind::kShowString: {
      const auto& input = node->children[0];
      auto child = Prune(input, ColumnSet(input->column_ids.begin(), input->column_ids.end()));
      if (child == input) return node;
      auto copy = std::make_shared<plan::ResolvedPlan>(*node);
      copy->children = {child};
      return copy;
    }
    default:
      return node;
  }
}

class PruneColumns final : public Rule {
 public:
  const char* name() const override { return "ColumnPruning"; }

  // The result keeps every output column; below that, only what is used.
  Result<plan::ResolvedPtr> Apply(const plan::ResolvedPtr& plan) const override {
    return Prune(plan, ColumnSet(plan->column_ids.begin(), plan->column_ids.end()));
  }
};

}  // namespace

RulePtr MakePruneColumns() { return std::make_unique<PruneColumns>(); }

}  // namespace sk8::optimizer
