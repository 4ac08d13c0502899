#include "functions/function_registry.h"

#include <algorithm>
#include <cctype>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/variant_functions.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

const FunctionRegistry& FunctionRegistry::Instance() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterArithmeticFunctions(*r);
    RegisterComparisonFunctions(*r);
    RegisterLogicalFunctions(*r);
    RegisterCastFunctions(*r);
    RegisterAggregateFunctions(*r);
    RegisterStatisticalAggregateFunctions(*r);
    RegisterConditionalFunctions(*r);
    RegisterDateTimeFieldFunctions(*r);
    RegisterDateTimeArithmeticFunctions(*r);
    RegisterDateTimeFormatFunctions(*r);
    RegisterDateTimeZoneFunctions(*r);
    RegisterIntervalFunctions(*r);
    RegisterStringFunctions(*r);
    RegisterWindowFunctions(*r);
    RegisterMathFunctions(*r);
    RegisterNullFunctions(*r);
    RegisterHashFunctions(*r);
    RegisterBitwiseFunctions(*r);
    RegisterPercentileFunctions(*r);
    RegisterUrlFunctions(*r);
    RegisterJsonFunctions(*r);
    RegisterCsvFunctions(*r);
    RegisterTimestampUnitFunctions(*r);
    RegisterBitmapFunctions(*r);
    RegisterSketchFunctions(*r);
    RegisterTimeFunctions(*r);
    RegisterAesFunctions(*r);
    RegisterXPathFunctions(*r);
    RegisterGeoFunctions(*r);
    RegisterVariantFunctions(*r);
    RegisterXmlFunctions(*r);
    RegisterArrayFunctions(*r);
    RegisterMapStructFunctions(*r);
    RegisterCollectAggregates(*r);
    RegisterHigherOrderFunctions(*r);
    RegisterGeneratorFunctions(*r);
    RegisterRandomFunctions(*r);
    RegisterApproxAggregateFunctions(*r);
    RegisterTimeWindowFunctions(*r);
    RegisterTextFunctions(*r);
    RegisterReflectFunctions(*r);
    // SQL forms Spark lists as functions that no call by name reaches (the
    // analyzer answers Spark's error for a call: CheckCallableByName).
    for (const char* form : {"case", "||", "range", "sql_keywords"}) {
      FunctionInfo info;
      info.name = form;
      info.can_fail = false;
      r->Add(std::move(info));
    }
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Add(FunctionInfo info) {
  size_t slot = functions_.size();
  index_[Lower(info.name)] = slot;
  for (const auto& alias : info.aliases) index_[Lower(alias)] = slot;
  functions_.push_back(std::move(info));
}

const FunctionInfo* FunctionRegistry::Find(const std::string& name) const {
  auto it = index_.find(Lower(name));
  return it == index_.end() ? nullptr : &functions_[it->second];
}

std::string CallName(const FunctionInfo& info, const std::string& called_name,
                     const std::vector<BoundExprPtr>& args) {
  switch (info.name_style) {
    case NameStyle::kInfix:
      if (args.size() == 2) {
        return "(" + args[0]->name + " " + info.sql_symbol + " " + args[1]->name + ")";
      }
      break;
    case NameStyle::kPrefix:
      if (args.size() == 1) return "(" + info.sql_symbol + " " + args[0]->name + ")";
      break;
    case NameStyle::kFunction: break;
  }
  const bool canonical = Lower(called_name) == Lower(info.name);
  std::string out = (canonical && !info.pretty_name.empty() ? info.pretty_name : Lower(called_name)) + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += args[i]->name;
  }
  return out + ")";
}

Status UnexpectedInputType(const std::string& sql_expr, int param_index,
                           const std::string& required_type, const plan::BoundExpr& arg) {
  static const char* kOrdinals[] = {"first", "second", "third", "fourth", "fifth"};
  std::string ordinal = param_index < 5 ? kOrdinals[param_index] : std::to_string(param_index + 1) + "th";
  return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                       {{"sqlExpr", "\"" + sql_expr + "\""},
                        {"paramIndex", ordinal},
                        {"requiredType", required_type},
                        {"inputSql", "\"" + arg.name + "\""},
                        {"inputType", "\"" + types::SqlString(*arg.type) + "\""}});
}

Status WrongArgumentCount(const std::string& function, const std::string& expected, size_t actual) {
  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                       {{"functionName", "`" + Lower(function) + "`"}, {"expectedNum", expected},
                        {"actualNum", std::to_string(actual)}, {"docroot", "https://spark.apache.org/docs/latest"}});
}

Result<BoundExprPtr> CastNumericArgument(BoundExprPtr arg, const std::shared_ptr<arrow::DataType>& to,
                                         const std::string& sql_expr, int param_index,
                                         const std::string& required_type, const EvalContext& ctx) {
  const auto& type = *arg->type;
  if (!types::IsNumeric(type) && !types::IsStringLike(type) && type.id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, param_index, required_type, *arg);
  }
  return BindCast(std::move(arg), to, plan::CastMode::kDefault, /*implicit=*/true, ctx);
}

Result<BoundExprPtr> CastStringArgument(BoundExprPtr arg, const EvalContext& ctx) {
  if (types::IsStringLike(*arg->type)) return arg;
  return BindCast(std::move(arg), arrow::utf8(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
}

Result<BoundExprPtr> BindFunctionCall(const std::string& name, std::vector<BoundExprPtr> args,
                                      const EvalContext& ctx) {
  const FunctionInfo* info = FunctionRegistry::Instance().Find(name);
  if (info == nullptr || !info->bind_scalar) return InternalError("no scalar function '" + name + "' is registered");
  ARROW_ASSIGN_OR_RAISE(auto bound, info->bind_scalar(name, std::move(args), ctx));
  return info->null_intolerant ? MarkNullIntolerant(bound, *info) : bound;
}

BoundExprPtr MarkNullIntolerant(const BoundExprPtr& bound, const FunctionInfo& info) {
  if (bound->kind != plan::BoundKind::kCall || bound->function_name != info.name || bound->null_intolerant) {
    return bound;
  }
  auto copy = std::make_shared<plan::BoundExpr>(*bound);
  copy->null_intolerant = true;
  return copy;
}

bool CanFail(const plan::BoundExpr& expr) {
  if (expr.kind != plan::BoundKind::kCall) return false;
  if (expr.function_name == "cast" || expr.function_name == "implicit_cast") {
    if (CastCanFail(*expr.args[0]->type, *expr.type)) return true;
  } else {
    const FunctionInfo* info = FunctionRegistry::Instance().Find(expr.function_name);
    if (info == nullptr || info->can_fail) return true;
  }
  for (const auto& arg : expr.args) {
    if (CanFail(*arg)) return true;
  }
  return false;
}

Result<BoundExprPtr> AndAll(const std::vector<BoundExprPtr>& conjuncts, const EvalContext& ctx) {
  if (conjuncts.empty()) return nullptr;
  BoundExprPtr out = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(out, BindFunctionCall("and", {out, conjuncts[i]}, ctx));
  }
  return out;
}

}  // namespace sk8::functions
