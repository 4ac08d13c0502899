// Lambda functions of higher-order calls (transform(a, x -> x + 1)): each
// lambda's body binds in a scope where its variables resolve first; a name
// that is not a variable resolves outside (an enclosing lambda's scope, else
// the input) and becomes a capture, a value the call computes over its input
// and the kernel takes to each element's row. The body reads variables and
// captures by position, so it evaluates over the flattened elements alone.
#include <set>

#include "analyzer/analyzer.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "sql/token.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::ResolvedPlan;

struct Analyzer::LambdaScope {
  std::vector<std::string> names;
  std::vector<functions::LambdaVariable> variables;
  std::vector<BoundExprPtr> captures;
};

namespace {

bool IsLambda(const plan::Expr& e) {
  return e.kind() == ExprKind::kFunction && sql::EqualsIgnoreCase(e.As<plan::FunctionExpr>().name, "lambdafunction");
}

BoundExprPtr Positional(int index, const std::shared_ptr<arrow::DataType>& type, bool nullable, const std::string& name) {
  return BoundExpr::Column(index, type, nullable, name);
}

/// Spark names a call whose argument type is wrong with its lambda unbound
/// (`transform(id, lambdafunction(x, x))`): the error's sqlExpr is rewritten so
/// when the lambda's body is a name.
Status NameUnresolvedCall(const Status& status, const plan::FunctionExpr& call,
                          const std::vector<functions::HigherOrderArg>& bound, const plan::FunctionExpr& lambda) {
  const SparkErrorDetail* detail = GetSparkError(status);
  if (detail == nullptr || detail->error_class() != "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE" ||
      lambda.args[0]->kind() != ExprKind::kColumn) {
    return status;
  }
  auto name_of = [](const plan::Expr& e) {
    std::string out;
    for (const auto& p : e.As<plan::ColumnExpr>().name_parts) out += (out.empty() ? "" : ".") + p;
    return out;
  };
  std::string text = sql::ToLowerAscii(call.name) + "(";
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i].value) return status;
    text += (i ? ", " : "") + bound[i].value->name;
  }
  text += ", lambdafunction(" + name_of(*lambda.args[0]);
  for (size_t v = 1; v < lambda.args.size(); ++v) text += ", " + name_of(*lambda.args[v]);
  text += "))";
  MessageParameters params = detail->parameters();
  for (auto& [key, value] : params) {
    if (key == "sqlExpr") value = "\"" + text + "\"";
  }
  return AnalysisError(detail->error_class(), std::move(params));
}

}  // namespace

bool HasLambdaArgument(const plan::FunctionExpr& call) {
  for (const auto& a : call.args) {
    if (IsLambda(*a)) return true;
  }
  return false;
}

Result<BoundExprPtr> Analyzer::BindHigherOrder(const plan::FunctionExpr& call, const ResolvedPlan& input,
                                               AggregateContext* agg) const {
  std::vector<functions::HigherOrderArg> args;
  for (size_t i = 0; i < call.args.size(); ++i) {
    const auto& a = call.args[i];
    if (!IsLambda(*a)) {
      ARROW_ASSIGN_OR_RAISE(auto value, Bind(a, input, agg));
      args.push_back({std::move(value), nullptr});
      continue;
    }
    if (args.empty()) {
      return AnalysisError("INVALID_LAMBDA_FUNCTION_CALL.PARAMETER_DOES_NOT_ACCEPT_LAMBDA_FUNCTION", {});
    }
    const auto& lambda = a->As<plan::FunctionExpr>();
    LambdaScope scope;
    std::set<std::string> seen;
    for (size_t v = 1; v < lambda.args.size(); ++v) {
      if (lambda.args[v]->kind() != ExprKind::kColumn) return InternalError("a lambda variable that is not a name");
      const auto& parts = lambda.args[v]->As<plan::ColumnExpr>().name_parts;
      std::string name = parts.back();
      std::string lower;
      for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!seen.insert(lower).second) {
        std::string names;
        for (size_t w = 1; w < lambda.args.size(); ++w) {
          names += (w > 1 ? ", " : "") + QuoteIdentifier(lambda.args[w]->As<plan::ColumnExpr>().name_parts.back());
        }
        return AnalysisError("INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES",
                             {{"args", names}, {"caseSensitiveConfig", "\"spark.sql.caseSensitive\""}});
      }
      scope.names.push_back(std::move(name));
    }
    auto variables = functions::LambdaVariables(call.name, i, scope.names.size(), args);
    if (!variables.ok()) return NameUnresolvedCall(variables.status(), call, args, lambda);
    scope.variables = std::move(*variables);
    lambda_scopes_.push_back(&scope);
    auto body = Bind(lambda.args[0], input, agg);
    lambda_scopes_.pop_back();
    ARROW_RETURN_NOT_OK(body.status());
    auto bound = std::make_shared<functions::BoundLambda>();
    bound->body = *body;
    bound->variables = scope.names;
    bound->captures = std::move(scope.captures);
    args.push_back({nullptr, std::move(bound)});
  }
  return functions::BindHigherOrderCall(call.name, std::move(args), ctx_);
}

Result<BoundExprPtr> Analyzer::BindInLambda(const ExprPtr& expr, const ResolvedPlan& input, AggregateContext* agg,
                                            size_t depth) const {
  LambdaScope& scope = *lambda_scopes_[depth];
  const auto& column = expr->As<plan::ColumnExpr>();
  const auto& parts = column.name_parts;
  if (!column.plan_id) {
    for (size_t k = 0; k < scope.names.size(); ++k) {
      if (!sql::EqualsIgnoreCase(parts[0], scope.names[k])) continue;
      const auto& var = scope.variables[k];
      // Spark names every lambda variable so in column names.
      BoundExprPtr ref = Positional(static_cast<int>(k), var.type, var.nullable, "namedlambdavariable()");
      for (size_t p = 1; p < parts.size(); ++p) {
        auto field = BoundExpr::Literal(std::make_shared<arrow::StringScalar>(parts[p]), parts[p]);
        ARROW_ASSIGN_OR_RAISE(ref, functions::BindFunctionCall("extract_value", {ref, field}, ctx_));
      }
      return ref;
    }
  }
  // Not this lambda's variable: resolved outside and captured.
  BoundExprPtr outer;
  if (depth == 0) {
    std::vector<LambdaScope*> saved;
    saved.swap(lambda_scopes_);
    auto bound = Bind(expr, input, agg);
    saved.swap(lambda_scopes_);
    ARROW_ASSIGN_OR_RAISE(outer, std::move(bound));
  } else {
    ARROW_ASSIGN_OR_RAISE(outer, BindInLambda(expr, input, agg, depth - 1));
  }
  size_t slot = scope.captures.size();
  for (size_t c = 0; c < scope.captures.size(); ++c) {
    const auto& known = *scope.captures[c];
    if (known.kind == outer->kind && known.name == outer->name && known.column_index == outer->column_index) slot = c;
  }
  if (slot == scope.captures.size()) scope.captures.push_back(outer);
  return Positional(static_cast<int>(scope.names.size() + slot), outer->type, outer->nullable, outer->name);
}

}  // namespace sk8::analyzer
