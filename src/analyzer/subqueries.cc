// Subquery predicates in WHERE: `x IN (SELECT y ...)` becomes a left semi join
// on x = y, and `x NOT IN (SELECT y ...)` a left anti join on
// (x = y) OR isnull(x = y), Spark's null-aware rewrite (a NULL among the y, or
// a NULL x when there is any y, keeps the row out). Correlated subqueries (that
// read the outer query's columns) are not decorrelated yet and say so.
#include "analyzer/analyzer.h"
#include "functions/function_registry.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

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

/// The IN subquery of a conjunct `x IN (...)` or `NOT x IN (...)`, or null.
const plan::InSubqueryExpr* InSubqueryOf(const ExprPtr& conjunct, bool* negated) {
  *negated = false;
  const plan::Expr* e = conjunct.get();
  if (e->kind() == ExprKind::kFunction) {
    const auto& call = e->As<plan::FunctionExpr>();
    if (call.name == "not" && call.args.size() == 1) {
      *negated = true;
      e = call.args[0].get();
    }
  }
  return e->kind() == ExprKind::kInSubquery ? &e->As<plan::InSubqueryExpr>() : nullptr;
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

bool HasSubqueryConjunct(const ExprPtr& condition) {
  std::vector<ExprPtr> conjuncts;
  Conjuncts(condition, &conjuncts);
  bool negated;
  for (const auto& c : conjuncts) {
    std::vector<const plan::ScalarSubqueryExpr*> scalars;
    ScalarSubqueries(c, &scalars);
    if (InSubqueryOf(c, &negated) || !scalars.empty()) return true;
  }
  return false;
}

// The subquery's plan; a correlated one (reading the outer query's columns,
// which it cannot resolve on its own) says UNSUPPORTED by name.
Result<ResolvedPtr> Analyzer::ResolveUncorrelated(const plan::PlanPtr& query, const char* kind) const {
  auto subquery = ResolveNode(query);
  if (!subquery.ok()) {
    const SparkErrorDetail* detail = GetSparkError(subquery.status());
    if (detail && detail->error_class().rfind("UNRESOLVED_COLUMN", 0) == 0) {
      return Unsupported(std::string("correlated ") + kind +
                         " subqueries (the subquery reads the outer query's columns)");
    }
  }
  return subquery;
}

Result<ResolvedPtr> Analyzer::ResolveSubqueryFilter(const ExprPtr& condition, const plan::PlanPtr& child) const {
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr input, ResolveNode(child));
  std::vector<ExprPtr> conjuncts, rest, with_scalars;
  std::vector<std::pair<const plan::InSubqueryExpr*, bool>> subqueries;  // (IN, negated)
  Conjuncts(condition, &conjuncts);
  for (const auto& conjunct : conjuncts) {
    bool negated = false;
    std::vector<const plan::ScalarSubqueryExpr*> scalars;
    ScalarSubqueries(conjunct, &scalars);
    if (const plan::InSubqueryExpr* in = InSubqueryOf(conjunct, &negated)) {
      subqueries.emplace_back(in, negated);
    } else if (!scalars.empty()) {
      with_scalars.push_back(conjunct);
    } else {
      rest.push_back(conjunct);
    }
  }
  // The other conjuncts first, right over the input, where the optimizer can
  // push them into joins below (FROM a, b WHERE a.k = b.k AND x IN (...)).
  if (!rest.empty()) {
    ExprPtr remaining = rest[0];
    for (size_t i = 1; i < rest.size(); ++i) {
      remaining = std::make_shared<plan::FunctionExpr>("and", std::vector<ExprPtr>{remaining, rest[i]});
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(remaining, *input));
    ARROW_RETURN_NOT_OK(CheckFilterCondition(bound));
    ARROW_ASSIGN_OR_RAISE(input, AssignColumnIds(plan::MakeFilterNode(input, bound)));
  }
  if (!with_scalars.empty()) {
    ARROW_ASSIGN_OR_RAISE(input, FilterWithScalarSubqueries(with_scalars, input));
  }
  for (const auto& [in, negated] : subqueries) {
    auto subquery = ResolveUncorrelated(in->query, "IN");
    ARROW_RETURN_NOT_OK(subquery.status());
    if ((*subquery)->schema->num_fields() != 1) {
      return Unsupported("IN subqueries with " + std::to_string((*subquery)->schema->num_fields()) + " columns");
    }
    ARROW_ASSIGN_OR_RAISE(auto value, BindExpression(in->value, *input));
    const int width = input->schema->num_fields();
    const auto& f = (*subquery)->schema->field(0);
    auto candidate = BoundExpr::Column(width, f->type(), f->nullable(), f->name());
    ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("=", {value, candidate}, ctx_));
    BoundExprPtr join_condition = equal;
    if (negated) {
      ARROW_ASSIGN_OR_RAISE(auto unknown, functions::BindFunctionCall("isnull", {equal}, ctx_));
      ARROW_ASSIGN_OR_RAISE(join_condition, functions::BindFunctionCall("or", {equal, unknown}, ctx_));
    }
    auto join = plan::MakeJoinNode(input, *subquery, negated ? plan::JoinType::kLeftAnti : plan::JoinType::kLeftSemi,
                                   join_condition);
    join->schema = input->schema;  // semi / anti: the input's columns only
    join->qualifiers = input->qualifiers;
    join->column_ids.clear();
    ARROW_ASSIGN_OR_RAISE(input, AssignColumnIds(join));
  }
  return input;
}

// Each scalar subquery (uncorrelated) runs once under EnforceSingleRow and is
// joined beside the input (a left join without condition: no row gives NULL);
// the conjuncts then read its column, which is projected away afterwards.
Result<ResolvedPtr> Analyzer::FilterWithScalarSubqueries(const std::vector<ExprPtr>& conjuncts,
                                                         ResolvedPtr input) const {
  const int visible = input->schema->num_fields();
  std::vector<const plan::ScalarSubqueryExpr*> scalars;
  for (const auto& c : conjuncts) ScalarSubqueries(c, &scalars);
  for (const auto* scalar : scalars) {
    auto subquery = ResolveUncorrelated(scalar->query, "scalar");
    ARROW_RETURN_NOT_OK(subquery.status());
    if ((*subquery)->schema->num_fields() != 1) {
      return AnalysisError("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
                           {{"number", std::to_string((*subquery)->schema->num_fields())}});
    }
    auto single = std::make_shared<ResolvedPlan>(**subquery);
    single->kind = ResolvedKind::kSingleRow;
    single->children = {*subquery};
    single->expressions.clear();
    single->grouping.clear();
    single->aggregates.clear();
    single->condition = nullptr;
    single->column_ids.clear();
    ARROW_ASSIGN_OR_RAISE(ResolvedPtr one_row, AssignColumnIds(single));
    auto join = plan::MakeJoinNode(input, one_row, plan::JoinType::kLeftOuter, nullptr);
    arrow::FieldVector fields = join->schema->fields();
    fields.back() = fields.back()->WithNullable(true);  // a subquery without rows gives NULL
    join->schema = arrow::schema(fields);
    join->qualifiers.back() = "";
    join->visible_columns = visible;  // names in the conditions still mean the input's columns
    ARROW_ASSIGN_OR_RAISE(input, AssignColumnIds(join));
    scalar_subquery_columns_[scalar] = input->schema->num_fields() - 1;
  }
  ExprPtr all = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    all = std::make_shared<plan::FunctionExpr>("and", std::vector<ExprPtr>{all, conjuncts[i]});
  }
  auto bound = BindExpression(all, *input);
  for (const auto* scalar : scalars) scalar_subquery_columns_.erase(scalar);
  ARROW_RETURN_NOT_OK(bound.status());
  ARROW_RETURN_NOT_OK(CheckFilterCondition(*bound));
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr filtered, AssignColumnIds(plan::MakeFilterNode(input, *bound)));
  return AssignColumnIds(ProjectVisible(filtered, visible));
}

}  // namespace sk8::analyzer
