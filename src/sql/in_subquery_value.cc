#include "sql/in_subquery_value.h"

#include "plan/logical_plan.h"
#include "plan/sql_nodes.h"

namespace sk8::sql {

namespace {

using plan::ExprKind;
using plan::ExprPtr;
using plan::PlanPtr;

ExprPtr Call(std::string name, std::vector<ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(std::move(name), std::move(args));
}
ExprPtr Literal(std::shared_ptr<arrow::Scalar> value) { return std::make_shared<plan::LiteralExpr>(std::move(value)); }

// The subquery's one column under names no outer query uses, so that the
// comparison with x reads x from the enclosing query (a correlation).
constexpr const char* kAlias = "__in_subquery";
constexpr const char* kColumn = "__in_value";

ExprPtr ValueColumn() { return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{kAlias, kColumn}, std::nullopt); }

// Whether the subquery has a row [where condition]: coalesce((SELECT count(1)
// FROM subquery WHERE condition) > 0, false), which is never NULL.
ExprPtr AnyRow(const PlanPtr& values, const ExprPtr& condition) {
  PlanPtr input = values;
  if (condition) {
    auto filter = plan::MakeUnary<plan::FilterPlan>(input);
    filter->condition = condition;
    input = filter;
  }
  auto project = plan::MakeUnary<plan::ProjectPlan>(input);
  project->expressions = {Call("count", {Literal(arrow::MakeScalar(int32_t{1}))})};
  ExprPtr count = std::make_shared<plan::ScalarSubqueryExpr>(project);
  return Call("coalesce", {Call(">", {count, Literal(arrow::MakeScalar(int64_t{0}))}), Literal(arrow::MakeScalar(false))});
}

// Spark answers x IN (subquery) as a value with an existence join: TRUE when a
// row equals x, else FALSE (never NULL); NOT IN is null-aware: FALSE also when x
// is NULL (and there are rows) or a row is NULL. The answer is typed nullable
// when x is, as Spark's (`(x = x) AND false` is FALSE, nullable with x).
ExprPtr InSubqueryValue(const plan::InSubqueryExpr& in, bool negated) {
  auto renamed = plan::MakeUnary<plan::ToDFPlan>(in.query);
  renamed->column_names = {kColumn};
  auto values = plan::MakeUnary<plan::SubqueryAliasPlan>(renamed);
  values->alias = kAlias;
  ExprPtr found = AnyRow(values, Call("==", {ValueColumn(), in.value}));
  if (negated) {
    ExprPtr null_value = Call("and", {Call("isnull", {in.value}), AnyRow(values, nullptr)});
    ExprPtr null_row = AnyRow(values, Call("isnull", {ValueColumn()}));
    found = Call("not", {Call("or", {Call("or", {found, null_value}), null_row})});
  }
  ExprPtr typed = Call("and", {Call("==", {in.value, in.value}), Literal(arrow::MakeScalar(false))});
  return std::make_shared<plan::GeneratedNameExpr>(
      Call("or", {found, typed}), negated ? "(NOT (%s IN (listquery())))" : "(%s IN (listquery()))",
      std::vector<ExprPtr>{in.value});
}

bool IsPredicateSubquery(const ExprPtr& e) {
  if (e->kind() == ExprKind::kInSubquery || e->kind() == ExprKind::kExists) return true;
  if (e->kind() != ExprKind::kFunction) return false;
  const auto& call = e->As<plan::FunctionExpr>();
  return call.name == "not" && call.args.size() == 1 &&
         (call.args[0]->kind() == ExprKind::kInSubquery || call.args[0]->kind() == ExprKind::kExists);
}

}  // namespace

ExprPtr RewriteInSubqueryValues(const ExprPtr& e, bool conjunct) {
  if (conjunct && IsPredicateSubquery(e)) return e;
  switch (e->kind()) {
    case ExprKind::kInSubquery: return InSubqueryValue(e->As<plan::InSubqueryExpr>(), /*negated=*/false);
    case ExprKind::kFunction: {
      const auto& call = e->As<plan::FunctionExpr>();
      if (call.name == "not" && call.args.size() == 1 && call.args[0]->kind() == ExprKind::kInSubquery) {
        return InSubqueryValue(call.args[0]->As<plan::InSubqueryExpr>(), /*negated=*/true);
      }
      const bool and_conjuncts = conjunct && call.name == "and";
      std::vector<ExprPtr> args;
      bool changed = false;
      for (const auto& arg : call.args) {
        args.push_back(RewriteInSubqueryValues(arg, and_conjuncts));
        changed |= args.back() != arg;
      }
      if (!changed) return e;
      auto copy = std::make_shared<plan::FunctionExpr>(call);
      copy->args = std::move(args);
      return copy;
    }
    case ExprKind::kAlias: {
      const auto& alias = e->As<plan::AliasExpr>();
      ExprPtr child = RewriteInSubqueryValues(alias.child, false);
      if (child == alias.child) return e;
      if (const auto* generated = dynamic_cast<const plan::GeneratedNameExpr*>(&alias)) {
        return std::make_shared<plan::GeneratedNameExpr>(child, alias.names[0], generated->named_after);
      }
      return std::make_shared<plan::AliasExpr>(child, alias.names);
    }
    case ExprKind::kCast: {
      const auto& cast = e->As<plan::CastExpr>();
      ExprPtr child = RewriteInSubqueryValues(cast.child, false);
      if (child == cast.child) return e;
      auto copy = std::make_shared<plan::CastExpr>(cast);
      copy->child = child;
      return copy;
    }
    default: return e;
  }
}

}  // namespace sk8::sql
