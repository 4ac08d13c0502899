// RewriteDistinctAggregates (Spark's rule of that name). When every aggregate
// of a node is DISTINCT over the same arguments, e.g.
//   SELECT k, count(DISTINCT x), sum(DISTINCT x) ... GROUP BY k
// the rows are first deduplicated on (grouping, arguments) by an aggregate with
// no functions, and the functions then run, without DISTINCT, over that.
// With DISTINCT aggregates over different arguments, or mixed with plain ones,
// Spark expands each row once per argument group (Expand with a gid column);
// here each group (the plain aggregates, and each DISTINCT argument list) gets
// an aggregate of its own over the same input and grouping, as above, and the
// groups are joined on the grouping columns with null-safe equality (a cross
// join of single rows without GROUP BY). Both plans give the same answers. The
// node's output keeps its column identities.
#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundAggregate;
using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

bool SameArgs(const std::vector<BoundExprPtr>& a, const std::vector<BoundExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!plan::SameExpression(*a[i], *b[i])) return false;
  }
  return true;
}

BoundExprPtr RefTo(plan::ColumnId id, const std::shared_ptr<arrow::Field>& field) {
  auto ref = std::make_shared<BoundExpr>(*BoundExpr::Column(-1, field->type(), field->nullable(), field->name()));
  ref->column_id = id;
  return ref;
}

/// `node` computing only `aggregates` (new column identities throughout).
std::shared_ptr<ResolvedPlan> AggregateOf(const ResolvedPlan& node, std::vector<BoundAggregate> aggregates) {
  auto out = std::make_shared<ResolvedPlan>(node);
  const size_t groups = node.grouping.size();
  arrow::FieldVector fields(node.schema->fields().begin(), node.schema->fields().begin() + groups);
  out->column_ids.clear();
  for (size_t g = 0; g < groups; ++g) out->column_ids.push_back(plan::NewColumnId());
  for (const auto& agg : aggregates) {
    fields.push_back(arrow::field(agg.name, agg.type, agg.nullable));
    out->column_ids.push_back(plan::NewColumnId());
  }
  out->aggregates = std::move(aggregates);
  out->schema = arrow::schema(fields);
  out->qualifiers.assign(fields.size(), "");
  return out;
}

/// An aggregate whose functions are all DISTINCT over the same arguments, as a
/// deduplicating aggregate on (grouping, arguments) below the functions without
/// DISTINCT. Keeps `node`'s output identities.
ResolvedPtr DeduplicateBelow(const ResolvedPlan& node) {
  const auto& args = node.aggregates[0].args;
  const size_t groups = node.grouping.size();
  // Inner: one row per distinct (grouping, arguments).
  auto inner = std::make_shared<ResolvedPlan>();
  inner->kind = plan::ResolvedKind::kAggregate;
  inner->children = node.children;
  inner->plan_ids = node.plan_ids;
  arrow::FieldVector inner_fields;
  for (size_t g = 0; g < groups; ++g) {
    inner->grouping.push_back(node.grouping[g]);
    inner_fields.push_back(node.schema->field(static_cast<int>(g)));
    inner->column_ids.push_back(plan::NewColumnId());
  }
  for (const auto& arg : args) {
    inner->grouping.push_back(arg);
    inner_fields.push_back(arrow::field(arg->name, arg->type, arg->nullable));
    inner->column_ids.push_back(plan::NewColumnId());
  }
  inner->schema = arrow::schema(inner_fields);
  inner->qualifiers.assign(inner_fields.size(), "");
  // Outer: the same output, functions without DISTINCT over the inner rows.
  auto outer = std::make_shared<ResolvedPlan>(node);
  outer->children = {inner};
  outer->grouping.clear();
  for (size_t g = 0; g < groups; ++g) outer->grouping.push_back(RefTo(inner->column_ids[g], inner_fields[g]));
  for (auto& agg : outer->aggregates) {
    agg.distinct = false;
    for (size_t a = 0; a < agg.args.size(); ++a) {
      agg.args[a] = RefTo(inner->column_ids[groups + a], inner_fields[groups + a]);
    }
  }
  return outer;
}

class RewriteDistinctAggregates final : public NodeRule {
 public:
  const char* name() const override { return "RewriteDistinctAggregates"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kAggregate) return node;
    // Aggregate positions per group: plain ones, then one group per DISTINCT argument list.
    std::vector<size_t> plain;
    std::vector<std::vector<size_t>> distinct_groups;
    for (size_t a = 0; a < node->aggregates.size(); ++a) {
      const auto& agg = node->aggregates[a];
      if (!agg.distinct) {
        plain.push_back(a);
        continue;
      }
      for (const auto& arg : agg.args) {
        if (!IsDeterministic(*arg)) return node;
      }
      bool placed = false;
      for (auto& group : distinct_groups) {
        if (SameArgs(node->aggregates[group[0]].args, agg.args)) {
          group.push_back(a);
          placed = true;
          break;
        }
      }
      if (!placed) distinct_groups.push_back({a});
    }
    if (distinct_groups.empty()) return node;
    if (distinct_groups.size() == 1 && plain.empty()) return DeduplicateBelow(*node);
    for (const auto& g : node->grouping) {
      if (!IsDeterministic(*g)) return node;
    }

    std::vector<std::vector<size_t>> parts;
    if (!plain.empty()) parts.push_back(plain);
    parts.insert(parts.end(), distinct_groups.begin(), distinct_groups.end());
    const size_t groups = node->grouping.size();
    // Where each output column of `node` is found: (part, column of the part).
    std::vector<std::pair<size_t, size_t>> source(node->aggregates.size());
    std::vector<ResolvedPtr> part_plans;
    ResolvedPtr joined;
    for (size_t p = 0; p < parts.size(); ++p) {
      std::vector<BoundAggregate> aggregates;
      for (size_t a : parts[p]) {
        source[a] = {p, groups + aggregates.size()};
        aggregates.push_back(node->aggregates[a]);
      }
      auto part_node = AggregateOf(*node, std::move(aggregates));
      ResolvedPtr part = part_node->aggregates[0].distinct ? DeduplicateBelow(*part_node) : ResolvedPtr(part_node);
      part_plans.push_back(part);
      if (!joined) {
        joined = part;
        continue;
      }
      const auto& first_part = part_plans[0];
      BoundExprPtr condition;
      for (size_t g = 0; g < groups; ++g) {
        const int gi = static_cast<int>(g);
        auto l = RefTo(first_part->column_ids[g], first_part->schema->field(gi));
        auto r = RefTo(part->column_ids[g], part->schema->field(gi));
        ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("<=>", {l, r}));
        if (condition) {
          ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall("and", {condition, equal}));
        } else {
          condition = equal;
        }
      }
      joined = plan::MakeJoinNode(joined, part, plan::JoinType::kInner, condition);
    }
    // The node's columns in its order, with its identities.
    auto project = std::make_shared<ResolvedPlan>();
    project->kind = plan::ResolvedKind::kProject;
    project->schema = node->schema;
    project->column_ids = node->column_ids;
    project->qualifiers = node->qualifiers;
    project->plan_ids = node->plan_ids;
    project->children = {joined};
    for (size_t g = 0; g < groups; ++g) {
      project->expressions.push_back(RefTo(part_plans[0]->column_ids[g], node->schema->field(static_cast<int>(g))));
    }
    for (size_t a = 0; a < node->aggregates.size(); ++a) {
      const auto& [p, column] = source[a];
      project->expressions.push_back(
          RefTo(part_plans[p]->column_ids[column], node->schema->field(static_cast<int>(groups + a))));
    }
    return ResolvedPtr(project);
  }
};

}  // namespace

RulePtr MakeRewriteDistinctAggregates() { return std::make_unique<RewriteDistinctAggregates>(); }

}  // namespace sk8::optimizer
