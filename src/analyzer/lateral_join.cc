// Lateral joins (DataFrame.lateralJoin, SQL `JOIN LATERAL (...)`, `LATERAL
// tvf(...)`): the subquery is resolved with the left side as its outer query and
// then rewritten into an ordinary join, so that it runs once and not once per
// left row (Spark decorrelates the same way):
//  - the projections at its top, which may compute with left's columns, are
//    evaluated above the join (inlined into one projection);
//  - a generator over one row (LATERAL explode(t.arr)) becomes a Generate over
//    the left side;
//  - correlated predicates below are pulled up into the join condition; through
//    a global aggregate (one row per left row, even without matches) the join is
//    a left join whose unmatched rows take the aggregates' values over no rows
//    (count 0, the others NULL).
#include <map>

#include "analyzer/analyzer.h"
#include "functions/function_registry.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ColumnId;
using plan::JoinType;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

using Definitions = std::map<ColumnId, BoundExprPtr>;

/// `e` with each reference to a column defined in `definitions` replaced by its
/// definition (which is already expressed over the columns below).
BoundExprPtr Substitute(const BoundExprPtr& e, const Definitions& definitions) {
  if (e->kind == plan::BoundKind::kColumnRef) {
    auto it = definitions.find(e->column_id);
    return it == definitions.end() ? e : it->second;
  }
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (auto& arg : copy->args) arg = Substitute(arg, definitions);
  return copy;
}

BoundExprPtr ColumnOf(const ResolvedPlan& node, int position) {
  const auto& f = node.schema->field(position);
  auto column = std::make_shared<BoundExpr>(*BoundExpr::Column(position, f->type(), f->nullable(), f->name()));
  column->column_id = node.column_ids[position];
  return column;
}

/// Spark refuses outer references in an aggregate's own expressions (they are
/// only allowed in WHERE / HAVING of the subquery).
Status CheckNoOuterReferenceInAggregate(const ResolvedPlan& node) {
  if (node.kind == ResolvedKind::kAggregate) {
    for (size_t a = 0; a < node.aggregates.size(); ++a) {
      for (const auto& arg : node.aggregates[a].args) {
        if (plan::HasOuterReference(*arg)) {
          return AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE",
                               {{"sqlExprs", "\"" + node.aggregates[a].name + "\""}});
        }
      }
    }
  }
  for (const auto& child : node.children) ARROW_RETURN_NOT_OK(CheckNoOuterReferenceInAggregate(*child));
  return Status::OK();
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveLateralJoin(const plan::LateralJoinPlan& node, ResolvedPtr left) const {
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr right, ResolveSubquery(node.subquery, *left));
  if (!PlanReadsOuterColumns(*right)) {
    plan::JoinPlan join;  // uncorrelated: an ordinary join
    join.join_type = node.join_type;
    join.condition = node.condition;
    return ResolveJoin(join, left, right);
  }
  const bool left_outer = node.join_type == JoinType::kLeftOuter;
  const int left_width = left->schema->num_fields();

  // The projections at the top, outermost first, and what they read.
  std::vector<ResolvedPtr> projections;
  ResolvedPtr body = right;
  while (body->kind == ResolvedKind::kProject) {
    projections.push_back(body);
    body = body->children[0];
  }
  const ResolvedPlan& top = *right;
  const int visible = top.visible_columns < 0 ? top.schema->num_fields() : top.visible_columns;

  // The lateral join's output as names see it: left's columns, then the subquery's.
  auto output = std::make_shared<ResolvedPlan>();
  output->kind = ResolvedKind::kProject;
  arrow::FieldVector fields = left->schema->fields();
  output->column_ids = left->column_ids;
  output->qualifiers = left->qualifiers;
  for (int i = 0; i < visible; ++i) {
    const auto& f = top.schema->field(i);
    fields.push_back(left_outer ? f->WithNullable(true) : f);
    output->column_ids.push_back(top.column_ids[i]);
    output->qualifiers.push_back(top.qualifiers[i]);
  }
  output->schema = arrow::schema(fields);

  // Each projected column as an expression over the body's columns and left's.
  Definitions definitions;
  for (auto it = projections.rbegin(); it != projections.rend(); ++it) {
    for (size_t i = 0; i < (*it)->expressions.size(); ++i) {
      definitions[(*it)->column_ids[i]] = Substitute((*it)->expressions[i], definitions);
    }
  }
  BoundExprPtr condition;  // over the output's columns, then inlined
  if (node.condition) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(node.condition, *output));
    ARROW_RETURN_NOT_OK(CheckFilterCondition(bound));
    ARROW_ASSIGN_OR_RAISE(bound, WithColumnIds(bound, output->column_ids));
    condition = WithoutOuterMarks(Substitute(bound, definitions));
  }

  ResolvedPtr joined;
  Definitions fixes;              // body columns whose value the join must correct
  BoundExprPtr matched;           // left outer: TRUE where the subquery had a row
  bool condition_in_join = false;
  ARROW_RETURN_NOT_OK(CheckNoOuterReferenceInAggregate(*body));
  if (body->kind == ResolvedKind::kGenerate && body->children[0]->schema->num_fields() == 0 &&
      !PlanReadsOuterColumns(*body->children[0])) {
    // LATERAL explode(left.arr): the generator over left's rows.
    if (left_outer && condition) return Unsupported("LEFT JOIN LATERAL with a table-valued function and a condition");
    auto generate = std::make_shared<ResolvedPlan>(*body);
    generate->children = {left};
    ARROW_ASSIGN_OR_RAISE(generate->generator.input,
                          plan::BindToInput(WithoutOuterMarks(body->generator.input), left->column_ids));
    if (left_outer) generate->generator.outer = true;
    arrow::FieldVector generated = left->schema->fields();
    for (const auto& f : body->schema->fields()) generated.push_back(f);
    generate->schema = arrow::schema(generated);
    generate->column_ids = left->column_ids;
    generate->column_ids.insert(generate->column_ids.end(), body->column_ids.begin(), body->column_ids.end());
    generate->qualifiers = left->qualifiers;
    generate->qualifiers.insert(generate->qualifiers.end(), body->qualifiers.begin(), body->qualifiers.end());
    joined = generate;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto decorrelated, PullUpCorrelatedPredicates(body, ctx_));
    // A global aggregate gives one row for every left row, matched or not.
    const bool global_aggregate = body->kind == ResolvedKind::kAggregate && body->grouping.empty();
    const bool flagged = global_aggregate || left_outer;
    ResolvedPtr inner = flagged ? WithMatchedFlag(decorrelated.plan) : decorrelated.plan;
    ARROW_ASSIGN_OR_RAISE(auto correlated, CorrelatedJoinCondition(decorrelated.conditions, *left, *inner, ctx_));
    std::vector<BoundExprPtr> on;
    if (correlated) on.push_back(correlated);
    std::vector<ColumnId> both = left->column_ids;
    both.insert(both.end(), inner->column_ids.begin(), inner->column_ids.end());
    if (left_outer && condition && !global_aggregate) {
      ARROW_ASSIGN_OR_RAISE(auto rebound, plan::BindToInput(condition, both));
      on.push_back(rebound);
      condition_in_join = true;
    }
    BoundExprPtr join_condition;
    if (!on.empty()) {
      ARROW_ASSIGN_OR_RAISE(join_condition, functions::AndAll(on, ctx_));
    }
    auto join = plan::MakeJoinNode(left, inner, flagged ? JoinType::kLeftOuter : JoinType::kInner, join_condition);
    arrow::FieldVector join_fields = join->schema->fields();
    for (size_t i = left_width; i < join_fields.size(); ++i) join_fields[i] = join_fields[i]->WithNullable(true);
    join->schema = arrow::schema(join_fields);
    ARROW_ASSIGN_OR_RAISE(joined, AssignColumnIds(join));
    if (flagged) {
      matched = ColumnOf(*joined, joined->schema->num_fields() - 1);
    }
    if (global_aggregate) {
      // Unmatched left rows: count is 0, every other aggregate NULL (the join's NULL).
      for (size_t a = 0; a < body->aggregates.size(); ++a) {
        const auto& aggregate = body->aggregates[a];
        if (aggregate.function_name != "count" && aggregate.function_name != "count_if") continue;
        const ColumnId id = body->column_ids[a];
        const int position = plan::ColumnPosition(*joined, id);
        if (position < 0) return InternalError("a lateral aggregate's column is missing after the join");
        auto zero = BoundExpr::Literal(arrow::MakeScalar(arrow::int64(), 0).ValueOrDie(), aggregate.name);
        ARROW_ASSIGN_OR_RAISE(auto unmatched, functions::BindFunctionCall("isnull", {matched}, ctx_));
        ARROW_ASSIGN_OR_RAISE(fixes[id], functions::BindFunctionCall("when", {unmatched, zero, ColumnOf(*joined, position)},
                                                                     ctx_));
      }
    }
  }

  // One projection over the join: left's columns, then the subquery's.
  auto project = std::make_shared<ResolvedPlan>(*output);
  project->children = {joined};
  project->expressions.clear();
  for (int i = 0; i < left_width; ++i) project->expressions.push_back(ColumnOf(*joined, i));
  BoundExprPtr keep;  // left outer over a global aggregate with ON: where the row is kept
  if (left_outer && condition && !condition_in_join && matched) {
    ARROW_ASSIGN_OR_RAISE(keep, plan::BindToInput(Substitute(condition, fixes), joined->column_ids));
  }
  for (int i = 0; i < visible; ++i) {
    BoundExprPtr e = projections.empty() ? ColumnOf(top, i) : definitions.at(top.column_ids[i]);
    e = Substitute(WithoutOuterMarks(e), fixes);
    ARROW_ASSIGN_OR_RAISE(e, plan::BindToInput(e, joined->column_ids));
    if (keep) {
      ARROW_ASSIGN_OR_RAISE(e, functions::BindFunctionCall("when", {keep, e}, ctx_));
    } else if (left_outer && matched && e->kind != plan::BoundKind::kColumnRef) {
      // A computed column of an unmatched left row is NULL, not computed over NULLs.
      ARROW_ASSIGN_OR_RAISE(auto had_row, functions::BindFunctionCall("isnotnull", {matched}, ctx_));
      ARROW_ASSIGN_OR_RAISE(e, functions::BindFunctionCall("when", {had_row, e}, ctx_));
    }
    auto named = std::make_shared<BoundExpr>(*e);
    named->name = top.schema->field(i)->name();
    named->type = top.schema->field(i)->type();
    project->expressions.push_back(named);
  }
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr result, AssignColumnIds(project));
  if (condition && !left_outer) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(node.condition, *result));
    ARROW_ASSIGN_OR_RAISE(result, AssignColumnIds(plan::MakeFilterNode(result, bound)));
  }
  return result;
}

}  // namespace sk8::analyzer
