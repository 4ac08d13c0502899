// Subquery predicates in WHERE and HAVING become joins:
// - `x IN (SELECT y ...)`: a left semi join on x = y; `x NOT IN (SELECT y ...)`
//   a left anti join on (x = y) OR isnull(x = y), Spark's null-aware rewrite (a
//   NULL among the y, or a NULL x when there is any y, keeps the row out);
// - `EXISTS (SELECT ...)` / `NOT EXISTS`: a left semi / anti join;
// - a scalar subquery: joined beside the input (left outer join), its value read
//   as a column by the condition; uncorrelated, it runs once under
//   EnforceSingleRow; correlated, it is grouped by its correlated columns.
// A correlated subquery (one that reads the enclosing query's columns) is first
// decorrelated (decorrelate.cc): its correlated predicates join the condition.
#include "analyzer/analyzer.h"
#include "functions/function_registry.h"
#include "sql/token.h"

#include <algorithm>
#include <functional>
#include <map>

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using sql::EqualsIgnoreCase;

void Conjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind() == ExprKind::kFunction) {
    const auto& call = e->As<plan::FunctionExpr>();
    if (call.args.size() == 2 && (call.name == "and" || call.name == "AND")) {
      Conjuncts(call.args[0], out);
      Conjuncts(call.args[1], out);
      return;
    }
  }
  out->push_back(e);
}

ExprPtr AndOf(const std::vector<ExprPtr>& conjuncts) {
  ExprPtr all = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    all = std::make_shared<plan::FunctionExpr>("and", std::vector<ExprPtr>{all, conjuncts[i]});
  }
  return all;
}

/// The IN or EXISTS subquery of a conjunct `x IN (...)`, `EXISTS (...)` or their
/// negation, or null.
const plan::Expr* PredicateSubqueryOf(const ExprPtr& conjunct, bool* negated) {
  *negated = false;
  const plan::Expr* e = conjunct.get();
  if (e->kind() == ExprKind::kFunction) {
    const auto& call = e->As<plan::FunctionExpr>();
    if (call.name == "not" && call.args.size() == 1) {
      *negated = true;
      e = call.args[0].get();
    }
  }
  return e->kind() == ExprKind::kInSubquery || e->kind() == ExprKind::kExists ? e : nullptr;
}

const plan::Expr* ChildOf(const plan::Expr& e) {
  switch (e.kind()) {
    case ExprKind::kAlias: return e.As<plan::AliasExpr>().child.get();
    case ExprKind::kCast: return e.As<plan::CastExpr>().child.get();
    case ExprKind::kSortOrder: return e.As<plan::SortOrderExpr>().child.get();
    default: return nullptr;
  }
}

bool ContainsSubquery(const plan::Expr& e) {
  switch (e.kind()) {
    case ExprKind::kScalarSubquery:
    case ExprKind::kInSubquery:
    case ExprKind::kExists: return true;
    case ExprKind::kFunction:
      for (const auto& a : e.As<plan::FunctionExpr>().args) {
        if (ContainsSubquery(*a)) return true;
      }
      return false;
    default: {
      const plan::Expr* child = ChildOf(e);
      return child != nullptr && ContainsSubquery(*child);
    }
  }
}

/// The largest parts of a HAVING condition that hold aggregates and no subquery
/// (the aggregation computes them; the subqueries are joined above it).
void AggregateParts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (!ContainsAggregate(*e)) return;
  if (!ContainsSubquery(*e)) {
    out->push_back(e);
    return;
  }
  if (e->kind() == ExprKind::kFunction) {
    for (const auto& a : e->As<plan::FunctionExpr>().args) AggregateParts(a, out);
  }
}

}  // namespace

/// Every scalar subquery inside `e`, outermost first.
void ScalarSubqueries(const ExprPtr& e, std::vector<const plan::ScalarSubqueryExpr*>* out) {
  switch (e->kind()) {
    case ExprKind::kScalarSubquery: out->push_back(&e->As<plan::ScalarSubqueryExpr>()); return;
    case ExprKind::kFunction:
      for (const auto& a : e->As<plan::FunctionExpr>().args) ScalarSubqueries(a, out);
      return;
    case ExprKind::kAlias: ScalarSubqueries(e->As<plan::AliasExpr>().child, out); return;
    case ExprKind::kCast: ScalarSubqueries(e->As<plan::CastExpr>().child, out); return;
    default: return;
  }
}

void NestedExists(const ExprPtr& e, std::vector<const plan::ExistsExpr*>* out) {
  switch (e->kind()) {
    case ExprKind::kExists: out->push_back(&e->As<plan::ExistsExpr>()); return;
    case ExprKind::kFunction:
      for (const auto& a : e->As<plan::FunctionExpr>().args) NestedExists(a, out);
      return;
    case ExprKind::kAlias: NestedExists(e->As<plan::AliasExpr>().child, out); return;
    case ExprKind::kCast: NestedExists(e->As<plan::CastExpr>().child, out); return;
    default: return;
  }
}

bool HasSubqueryConjunct(const ExprPtr& condition) {
  std::vector<ExprPtr> conjuncts;
  Conjuncts(condition, &conjuncts);
  bool negated;
  for (const auto& c : conjuncts) {
    std::vector<const plan::ScalarSubqueryExpr*> scalars;
    ScalarSubqueries(c, &scalars);
    std::vector<const plan::ExistsExpr*> exists;
    NestedExists(c, &exists);
    if (PredicateSubqueryOf(c, &negated) || !scalars.empty() || !exists.empty()) return true;
  }
  return false;
}

// Names the subquery cannot resolve are looked up in `outer` (correlation).
Result<ResolvedPtr> Analyzer::ResolveSubquery(const plan::PlanPtr& query, const ResolvedPlan& outer) const {
  outer_scopes_.push_back(&outer);
  auto subquery = ResolveNode(query);
  outer_scopes_.pop_back();
  return subquery;
}

Result<ResolvedPtr> Analyzer::ResolveSubqueryFilter(const ExprPtr& condition, const plan::PlanPtr& child) const {
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr input, ResolveNode(child));
  return FilterWithSubqueries(condition, input);
}

// HAVING with subqueries: the aggregation computes the condition's aggregates
// as hidden columns, the subqueries are joined above it, and the condition
// reads both.
Result<ResolvedPtr> Analyzer::ResolveHavingWithSubqueries(const ExprPtr& condition, const plan::PlanPtr& child) const {
  std::vector<ExprPtr> parts;
  AggregateParts(condition, &parts);
  ARROW_ASSIGN_OR_RAISE(auto widened, ResolveWithHidden(child, parts));
  if (!widened) return AnalysisError("WHERE_CONDITION_NOT_DETERMINISTIC_OR_AGGREGATE_FUNCTION", {});
  const int visible = widened->schema->num_fields() - static_cast<int>(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    const int column = visible + static_cast<int>(i);
    const auto& f = widened->schema->field(column);
    precomputed_columns_[parts[i].get()] = BoundExpr::Column(column, f->type(), f->nullable(), f->name());
  }
  auto filtered = FilterWithSubqueries(condition, widened);
  for (const auto& part : parts) precomputed_columns_.erase(part.get());
  ARROW_RETURN_NOT_OK(filtered.status());
  return AssignColumnIds(ProjectVisible(*filtered, visible));
}

// `value IN (subquery)` as a join condition between the input and the
// subquery's plan `right`: value = column, or for (a, b) IN (SELECT x, y) (a
// struct of as many values as the subquery has columns) a = x AND b = y.
Result<BoundExprPtr> Analyzer::InSubqueryMatch(const ExprPtr& value, const ResolvedPlan& input,
                                               const ResolvedPlan& subquery, const ResolvedPlan& right) const {
  const int width = subquery.schema->num_fields();
  std::vector<ExprPtr> values = {value};
  if (width > 1) {
    const bool is_row = value->kind() == ExprKind::kFunction &&
                        EqualsIgnoreCase(value->As<plan::FunctionExpr>().name, "struct") &&
                        static_cast<int>(value->As<plan::FunctionExpr>().args.size()) == width;
    if (!is_row) return Unsupported("IN subqueries with " + std::to_string(width) + " columns");
    values = value->As<plan::FunctionExpr>().args;
  }
  std::vector<BoundExprPtr> equalities;
  for (int i = 0; i < width; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(values[i], input));
    const int position = plan::ColumnPosition(right, subquery.column_ids[i]);
    const auto& f = right.schema->field(position);
    auto candidate = BoundExpr::Column(input.schema->num_fields() + position, f->type(), f->nullable(), f->name());
    ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("=", {bound, candidate}, ctx_));
    equalities.push_back(std::move(equal));
  }
  return functions::AndAll(equalities, ctx_);
}

Result<ResolvedPtr> Analyzer::FilterWithSubqueries(const ExprPtr& condition, ResolvedPtr input) const {
  std::vector<ExprPtr> conjuncts, rest, with_scalars;
  std::vector<std::pair<const plan::Expr*, bool>> subqueries;  // (IN or EXISTS, negated)
  Conjuncts(condition, &conjuncts);
  for (const auto& conjunct : conjuncts) {
    bool negated = false;
    std::vector<const plan::ScalarSubqueryExpr*> scalars;
    ScalarSubqueries(conjunct, &scalars);
    std::vector<const plan::ExistsExpr*> exists;
    NestedExists(conjunct, &exists);
    if (const plan::Expr* subquery = PredicateSubqueryOf(conjunct, &negated)) {
      subqueries.emplace_back(subquery, negated);
    } else if (!scalars.empty() || !exists.empty()) {
      with_scalars.push_back(conjunct);
    } else {
      rest.push_back(conjunct);
    }
  }
  // The other conjuncts first, right over the input, where the optimizer can
  // push them into joins below (FROM a, b WHERE a.k = b.k AND x IN (...)).
  if (!rest.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(AndOf(rest), *input));
    ARROW_RETURN_NOT_OK(CheckFilterCondition(bound));
    ARROW_ASSIGN_OR_RAISE(input, AssignColumnIds(plan::MakeFilterNode(input, bound)));
  }
  // Then the semi / anti joins, which only drop rows, before the scalar
  // subqueries' outer joins (TPC-H Q20: partsupp IN part first).
  for (const auto& [predicate, negated] : subqueries) {
    const bool is_in = predicate->kind() == ExprKind::kInSubquery;
    const auto& query = is_in ? predicate->As<plan::InSubqueryExpr>().query : predicate->As<plan::ExistsExpr>().query;
    ARROW_ASSIGN_OR_RAISE(auto subquery, ResolveSubquery(query, *input));
    ARROW_ASSIGN_OR_RAISE(auto decorrelated, PullUpCorrelatedPredicates(subquery, ctx_));
    if (decorrelated.aggregated && !is_in) {
      return Unsupported("correlated EXISTS subqueries over an aggregate");
    }
    const ResolvedPtr& right = decorrelated.plan;
    ARROW_ASSIGN_OR_RAISE(auto correlated, CorrelatedJoinCondition(decorrelated.conditions, *input, *right, ctx_));
    std::vector<BoundExprPtr> join_conditions;
    if (is_in) {
      ARROW_ASSIGN_OR_RAISE(auto equal, InSubqueryMatch(predicate->As<plan::InSubqueryExpr>().value, *input,
                                                        *subquery, *right));
      if (negated) {
        ARROW_ASSIGN_OR_RAISE(auto unknown, functions::BindFunctionCall("isnull", {equal}, ctx_));
        ARROW_ASSIGN_OR_RAISE(equal, functions::BindFunctionCall("or", {equal, unknown}, ctx_));
      }
      join_conditions.push_back(equal);
    }
    if (correlated) join_conditions.push_back(correlated);
    BoundExprPtr join_condition;
    if (!join_conditions.empty()) {
      ARROW_ASSIGN_OR_RAISE(join_condition, functions::AndAll(join_conditions, ctx_));
    }
    ARROW_ASSIGN_OR_RAISE(input, AssignColumnIds(plan::MakeSemiJoinNode(
                                     input, right, negated ? plan::JoinType::kLeftAnti : plan::JoinType::kLeftSemi,
                                     join_condition)));
  }
  if (!with_scalars.empty()) {
    ARROW_ASSIGN_OR_RAISE(input, FilterWithScalarSubqueries(with_scalars, input));
  }
  return input;
}

// Each scalar subquery is joined beside the input (a left join: no row gives
// NULL); the conjuncts then read its column, which is projected away afterwards.
Result<ResolvedPtr> Analyzer::FilterWithScalarSubqueries(const std::vector<ExprPtr>& conjuncts,
                                                         ResolvedPtr input) const {
  const int visible = input->schema->num_fields();
  std::vector<const plan::ScalarSubqueryExpr*> scalars;
  std::vector<const plan::ExistsExpr*> exists;
  for (const auto& c : conjuncts) {
    ScalarSubqueries(c, &scalars);
    NestedExists(c, &exists);
  }
  auto joined = JoinScalarSubqueries(scalars, input);
  if (joined.ok()) joined = JoinExistsFlags(exists, *joined);
  auto bound = joined.ok() ? BindExpression(AndOf(conjuncts), **joined) : Result<BoundExprPtr>(joined.status());
  for (const auto* scalar : scalars) precomputed_columns_.erase(scalar);
  for (const auto* e : exists) precomputed_columns_.erase(e);
  ARROW_RETURN_NOT_OK(bound.status());
  ARROW_RETURN_NOT_OK(CheckFilterCondition(*bound));
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr filtered, AssignColumnIds(plan::MakeFilterNode(*joined, *bound)));
  return AssignColumnIds(ProjectVisible(filtered, visible));
}

// SELECT list with scalar subqueries: joined beside the input the same way; the
// projection reads their columns (and `*` still means the input's columns only).
Result<ResolvedPtr> Analyzer::ProjectWithScalarSubqueries(const std::vector<ExprPtr>& expressions,
                                                          ResolvedPtr input) const {
  std::vector<const plan::ScalarSubqueryExpr*> scalars;
  std::vector<const plan::ExistsExpr*> exists;
  for (const auto& e : expressions) {
    ScalarSubqueries(e, &scalars);
    NestedExists(e, &exists);
  }
  auto joined = JoinScalarSubqueries(scalars, input);
  if (joined.ok()) joined = JoinExistsFlags(exists, *joined);
  auto bound = joined.ok() ? BindProjectList(expressions, **joined, nullptr)
                           : Result<std::vector<BoundExprPtr>>(joined.status());
  for (const auto* scalar : scalars) precomputed_columns_.erase(scalar);
  for (const auto* e : exists) precomputed_columns_.erase(e);
  ARROW_RETURN_NOT_OK(bound.status());
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = ResolvedKind::kProject;
  project->schema = SchemaOf(*bound);
  project->children = {*joined};
  project->qualifiers.assign(bound->size(), "");
  for (size_t i = 0; i < bound->size(); ++i) {
    if ((*bound)[i]->kind == plan::BoundKind::kColumnRef) {
      project->qualifiers[i] = (*joined)->qualifiers[(*bound)[i]->column_index];
    }
  }
  project->expressions = std::move(*bound);
  return AssignColumnIds(project);
}

namespace {

/// The value a correlated scalar subquery over an aggregate gives for an outer
/// row without matching rows: its expression over the aggregates of no rows
/// (count is 0, the others NULL). Null when it is NULL (the left join's NULL is
/// then already right).
Result<std::shared_ptr<arrow::Scalar>> ValueOverNoRows(const ResolvedPlan& subquery, const plan::EvalContext& ctx) {
  std::vector<const ResolvedPlan*> projections;
  const ResolvedPlan* node = &subquery;
  while (node->kind == ResolvedKind::kProject) {
    projections.push_back(node);
    node = &node->child();
  }
  if (node->kind != ResolvedKind::kAggregate || !node->grouping.empty()) {
    return Unsupported("correlated scalar subqueries over count that filter or group their aggregate");
  }
  std::map<plan::ColumnId, BoundExprPtr> values;  // column identity -> its value over no rows
  for (size_t a = 0; a < node->aggregates.size(); ++a) {
    const auto& aggregate = node->aggregates[a];
    const bool counts = aggregate.function_name == "count" || aggregate.function_name == "count_if";
    auto value = counts ? arrow::MakeScalar(arrow::int64(), 0).ValueOrDie() : arrow::MakeNullScalar(aggregate.type);
    values[node->column_ids[a]] = BoundExpr::Literal(value, aggregate.name);
  }
  std::function<Result<BoundExprPtr>(const BoundExprPtr&)> substitute =
      [&](const BoundExprPtr& e) -> Result<BoundExprPtr> {
    if (e->kind == plan::BoundKind::kColumnRef) {
      auto it = values.find(e->column_id);
      if (it == values.end()) return Unsupported("correlated scalar subqueries over count with this expression");
      return it->second;
    }
    if (e->args.empty()) return e;
    auto copy = std::make_shared<BoundExpr>(*e);
    for (auto& arg : copy->args) {
      ARROW_ASSIGN_OR_RAISE(arg, substitute(arg));
    }
    return BoundExprPtr(copy);
  };
  for (auto it = projections.rbegin(); it != projections.rend(); ++it) {
    for (size_t i = 0; i < (*it)->expressions.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(values[(*it)->column_ids[i]], substitute((*it)->expressions[i]));
    }
  }
  auto top = values.find(subquery.column_ids[0]);
  if (top == values.end()) return Unsupported("correlated scalar subqueries over count with this expression");
  auto value = plan::EvaluateConstant(*top->second, ctx);
  if (!value.ok()) return Unsupported("correlated scalar subqueries over count with this expression");
  return *value;
}


/// `input` left-joined with `right` on `condition` (none: every row of both): the
/// subquery's columns come after the input's, nullable (no match gives NULL), and
/// names and `*` still mean the input's first `visible` columns.
Result<ResolvedPtr> JoinBeside(const ResolvedPtr& input, const ResolvedPtr& right, const BoundExprPtr& condition,
                               int visible) {
  const int width = input->schema->num_fields();
  auto join = plan::MakeJoinNode(input, right, plan::JoinType::kLeftOuter, condition);
  arrow::FieldVector fields = join->schema->fields();
  for (size_t i = width; i < fields.size(); ++i) {
    fields[i] = fields[i]->WithNullable(true);
    join->qualifiers[i] = "";
  }
  join->schema = arrow::schema(fields);
  join->visible_columns = visible;
  return AssignColumnIds(join);
}

/// Spark's name of a subquery expression's column: scalarsubquery(outer columns),
/// exists(outer columns).
std::string SubqueryName(const std::string& prefix, const std::vector<BoundExprPtr>& conditions) {
  std::vector<std::string> names;
  std::function<void(const BoundExpr&)> visit = [&](const BoundExpr& e) {
    if (e.outer_reference && std::find(names.begin(), names.end(), e.name) == names.end()) names.push_back(e.name);
    for (const auto& arg : e.args) visit(*arg);
  };
  for (const auto& c : conditions) visit(*c);
  std::string out = prefix + "(";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + ")";
}

}  // namespace

ResolvedPtr WithMatchedFlag(const ResolvedPtr& plan) {
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = ResolvedKind::kProject;
  project->children = {plan};
  arrow::FieldVector fields = plan->schema->fields();
  for (int i = 0; i < plan->schema->num_fields(); ++i) {
    const auto& f = plan->schema->field(i);
    auto column = std::make_shared<BoundExpr>(*BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
    column->column_id = plan->column_ids[i];
    project->expressions.push_back(column);
  }
  project->expressions.push_back(BoundExpr::Literal(arrow::MakeScalar(true), "true"));
  fields.push_back(arrow::field("matched", arrow::boolean(), false));
  project->schema = arrow::schema(fields);
  project->column_ids = plan->column_ids;
  project->column_ids.push_back(plan::NewColumnId());
  project->qualifiers = plan->qualifiers;
  project->qualifiers.push_back("");
  return project;
}

// Uncorrelated, a scalar subquery runs once under EnforceSingleRow; correlated,
// it must be an aggregate, grouped by its correlated columns and joined on them,
// and where its value over no rows is not NULL (count), a matched flag picks it.
Result<ResolvedPtr> Analyzer::JoinScalarSubqueries(const std::vector<const plan::ScalarSubqueryExpr*>& scalars,
                                                   ResolvedPtr input) const {
  const int visible = input->visible_columns < 0 ? input->schema->num_fields() : input->visible_columns;
  for (const auto* scalar : scalars) {
    ARROW_ASSIGN_OR_RAISE(auto subquery, ResolveSubquery(scalar->query, *input));
    if (subquery->schema->num_fields() != 1) {
      return AnalysisError("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                           {{"number", std::to_string(subquery->schema->num_fields())}});
    }
    ARROW_ASSIGN_OR_RAISE(auto decorrelated, PullUpCorrelatedPredicates(subquery, ctx_));
    ResolvedPtr right;
    BoundExprPtr condition;
    std::shared_ptr<arrow::Scalar> over_no_rows;
    if (decorrelated.conditions.empty()) {
      auto single = std::make_shared<ResolvedPlan>(*subquery);
      single->kind = ResolvedKind::kSingleRow;
      single->children = {subquery};
      single->expressions.clear();
      single->grouping.clear();
      single->aggregates.clear();
      single->condition = nullptr;
      single->column_ids.clear();
      ARROW_ASSIGN_OR_RAISE(right, AssignColumnIds(single));
    } else {
      if (!decorrelated.aggregated) {
        return Unsupported("correlated scalar subqueries that are not aggregates (one value per outer row)");
      }
      auto value = ValueOverNoRows(*subquery, ctx_);
      if (value.ok()) {
        if ((*value)->is_valid) over_no_rows = *value;
      } else if (decorrelated.counts) {
        return value.status();
      }
      right = over_no_rows ? WithMatchedFlag(decorrelated.plan) : decorrelated.plan;
      ARROW_ASSIGN_OR_RAISE(condition, CorrelatedJoinCondition(decorrelated.conditions, *input, *right, ctx_));
    }
    const int width = input->schema->num_fields();
    ARROW_ASSIGN_OR_RAISE(input, JoinBeside(input, right, condition, visible));
    const int position = width + plan::ColumnPosition(*right, subquery->column_ids[0]);
    const auto& f = input->schema->field(position);
    const std::string name = SubqueryName("scalarsubquery", decorrelated.conditions);
    BoundExprPtr value = BoundExpr::Column(position, f->type(), true, name);
    if (over_no_rows) {
      const int flag = input->schema->num_fields() - 1;
      auto matched = BoundExpr::Column(flag, arrow::boolean(), true, "matched");
      ARROW_ASSIGN_OR_RAISE(auto unmatched, functions::BindFunctionCall("isnull", {matched}, ctx_));
      auto fallback = BoundExpr::Literal(over_no_rows, name);
      ARROW_ASSIGN_OR_RAISE(value, functions::BindFunctionCall("when", {unmatched, fallback, value}, ctx_));
      auto renamed = std::make_shared<BoundExpr>(*value);
      renamed->name = name;
      value = renamed;
    }
    auto named = std::make_shared<BoundExpr>(*value);
    named->auto_alias = true;  // SELECT (SELECT ...): Spark marks the generated name
    precomputed_columns_[scalar] = named;
  }
  return input;
}

namespace {

/// A pulled-up correlated predicate `outer = inner` split into its sides (each
/// side reading only one query), or false.
bool SplitCorrelatedEquality(const BoundExprPtr& c, BoundExprPtr* outer, BoundExprPtr* inner) {
  if (c->kind != plan::BoundKind::kCall || c->function_name != "=" || c->args.size() != 2) return false;
  std::function<bool(const BoundExpr&, bool)> reads_only = [&](const BoundExpr& e, bool outer_side) {
    if (e.kind == plan::BoundKind::kColumnRef) return e.outer_reference == outer_side;
    for (const auto& a : e.args) {
      if (!reads_only(*a, outer_side)) return false;
    }
    return true;
  };
  for (int o = 0; o < 2; ++o) {
    const auto& a = c->args[o];
    const auto& b = c->args[1 - o];
    if (plan::HasOuterReference(*a) && reads_only(*a, true) && reads_only(*b, false)) {
      *outer = a;
      *inner = b;
      return true;
    }
  }
  return false;
}

/// The distinct values of `keys` over `plan`'s rows, each with a matched flag.
Result<ResolvedPtr> DistinctKeysWithFlag(const ResolvedPtr& plan, const std::vector<BoundExprPtr>& keys) {
  auto distinct = std::make_shared<ResolvedPlan>();
  distinct->kind = ResolvedKind::kAggregate;
  distinct->children = {plan};
  distinct->grouping = keys;
  arrow::FieldVector fields;
  for (const auto& k : keys) fields.push_back(arrow::field(k->name, k->type, k->nullable));
  distinct->schema = arrow::schema(fields);
  distinct->qualifiers.assign(fields.size(), "");
  ARROW_ASSIGN_OR_RAISE(auto with_ids, AssignColumnIds(distinct));
  return WithMatchedFlag(with_ids);
}

}  // namespace

// EXISTS where a row's filter needs its truth value (under OR, NOT of a
// disjunction, CASE): Spark's ExistenceJoin, built from a left join on the
// subquery's distinct correlation keys with a matched flag; EXISTS is the flag
// being set (false, never NULL, for an outer row without a match or with a NULL key).
Result<ResolvedPtr> Analyzer::JoinExistsFlags(const std::vector<const plan::ExistsExpr*>& exists,
                                              ResolvedPtr input) const {
  const int visible = input->visible_columns < 0 ? input->schema->num_fields() : input->visible_columns;
  for (const auto* predicate : exists) {
    ARROW_ASSIGN_OR_RAISE(auto subquery, ResolveSubquery(predicate->query, *input));
    ARROW_ASSIGN_OR_RAISE(auto decorrelated, PullUpCorrelatedPredicates(subquery, ctx_));
    if (decorrelated.aggregated) {
      return Unsupported("correlated EXISTS subqueries over an aggregate inside OR or other expressions");
    }
    const ResolvedPtr& inner_plan = decorrelated.plan;
    const std::string name = SubqueryName("exists", decorrelated.conditions);
    std::vector<BoundExprPtr> outer_keys, inner_keys;
    for (const auto& c : decorrelated.conditions) {
      BoundExprPtr outer, inner;
      if (!SplitCorrelatedEquality(c, &outer, &inner)) {
        return Unsupported("correlated EXISTS subqueries inside OR or other expressions whose correlation is not "
                           "`outer column = subquery column`");
      }
      ARROW_ASSIGN_OR_RAISE(auto outer_bound, plan::BindToInput(WithoutOuterMarks(outer), input->column_ids));
      ARROW_ASSIGN_OR_RAISE(auto inner_bound, plan::BindToInput(inner, inner_plan->column_ids));
      outer_keys.push_back(outer_bound);
      inner_keys.push_back(inner_bound);
    }
    const int width = input->schema->num_fields();
    ResolvedPtr right;
    BoundExprPtr condition;
    if (inner_keys.empty()) {
      // Uncorrelated: its first row, if any, beside every row.
      auto first = std::make_shared<ResolvedPlan>();
      first->kind = ResolvedKind::kLimit;
      first->children = {inner_plan};
      first->schema = inner_plan->schema;
      first->qualifiers.assign(inner_plan->schema->num_fields(), "");
      first->limit = 1;
      ARROW_ASSIGN_OR_RAISE(auto first_row, AssignColumnIds(first));
      right = WithMatchedFlag(first_row);
    } else {
      ARROW_ASSIGN_OR_RAISE(right, DistinctKeysWithFlag(inner_plan, inner_keys));
      std::vector<BoundExprPtr> equalities;
      for (size_t k = 0; k < outer_keys.size(); ++k) {
        const auto& f = right->schema->field(static_cast<int>(k));
        auto key = BoundExpr::Column(width + static_cast<int>(k), f->type(), f->nullable(), f->name());
        ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("=", {outer_keys[k], key}, ctx_));
        equalities.push_back(equal);
      }
      ARROW_ASSIGN_OR_RAISE(condition, functions::AndAll(equalities, ctx_));
    }
    ARROW_ASSIGN_OR_RAISE(input, JoinBeside(input, right, condition, visible));
    const int flag = input->schema->num_fields() - 1;
    auto matched = BoundExpr::Column(flag, arrow::boolean(), true, "matched");
    ARROW_ASSIGN_OR_RAISE(auto value, functions::BindFunctionCall("isnotnull", {matched}, ctx_));
    auto named = std::make_shared<BoundExpr>(*value);
    named->name = name;
    named->auto_alias = true;
    precomputed_columns_[predicate] = named;
  }
  return input;
}

}  // namespace sk8::analyzer
