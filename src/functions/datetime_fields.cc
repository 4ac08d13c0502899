// Fields of a date: year, quarter, month, day (dayofmonth) and EXTRACT(field
// FROM date), with Spark's names and INT results.
#include <arrow/compute/api.h>

#include <cctype>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

/// Arrow's component kernel ("year", "month", ...) for a field name Spark accepts.
const char* ArrowComponent(const std::string& field) {
  static const std::pair<const char*, const char*> kFields[] = {
      {"YEAR", "year"},      {"Y", "year"},         {"YEARS", "year"},    {"YR", "year"},       {"YRS", "year"},
      {"QUARTER", "quarter"}, {"QTR", "quarter"},   {"MONTH", "month"},   {"MON", "month"},     {"MONS", "month"},
      {"MONTHS", "month"},   {"DAY", "day"},        {"D", "day"},         {"DAYS", "day"},      {"DAYOFMONTH", "day"}};
  std::string upper = Upper(field);
  for (const auto& [name, component] : kFields) {
    if (upper == name) return component;
  }
  return nullptr;
}

std::shared_ptr<plan::ScalarKernel> ComponentKernel(const char* component) {
  return std::make_shared<LambdaKernel>([component](const std::vector<Datum>& args, int64_t,
                                                    const EvalContext&) -> Result<Datum> {
    const Datum& date = args.back();
    ARROW_ASSIGN_OR_RAISE(Datum value, arrow::compute::CallFunction(component, {date}));
    return arrow::compute::Cast(value, arrow::int32());
  });
}

/// A DATE argument, or a STRING cast to DATE as Spark's implicit casts do.
Result<BoundExprPtr> DateArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx) {
  if (arg->type->id() == arrow::Type::DATE32) return arg;
  if (types::IsStringLike(*arg->type) || arg->type->id() == arrow::Type::NA) {
    return BindCast(arg, arrow::date32(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  if (arg->type->id() == arrow::Type::TIMESTAMP) return Unsupported("date fields of TIMESTAMP values");
  return UnexpectedInputType(sql_expr, index, "\"DATE\"", *arg);
}

FunctionInfo DateField(std::string name, std::vector<std::string> aliases, const char* component) {
  FunctionInfo info;
  info.name = std::move(name);
  info.can_fail = false;
  info.aliases = std::move(aliases);
  info.usage = info.name + "(date) - Returns the " + component + " component of the date.";
  info.null_intolerant = true;
  info.bind_scalar = [component, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                                   const EvalContext& ctx) -> Result<BoundExprPtr> {
    std::string name = CallName(info_copy, called, args);
    if (args.size() != 1) {
      return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                           {{"functionName", "`" + info_copy.name + "`"}, {"expectedNum", "1"},
                            {"actualNum", std::to_string(args.size())}, {"docroot", "https://spark.apache.org/docs/latest"}});
    }
    ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, ComponentKernel(component), std::move(args), arrow::int32(), nullable, name);
  };
  return info;
}

FunctionInfo Extract() {
  FunctionInfo info;
  info.name = "extract";
  info.can_fail = false;
  info.usage = "extract(field FROM source) - Extracts a part of the date.";
  info.bind_scalar = [](const std::string&, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2 || args[0]->kind != plan::BoundKind::kLiteral || !args[0]->literal->is_valid ||
        !types::IsStringLike(*args[0]->literal->type)) {
      return InternalError("extract takes a field name and a source");
    }
    std::string field = static_cast<const arrow::StringScalar&>(*args[0]->literal).value->ToString();
    std::string name = "extract(" + field + " FROM " + args[1]->name + ")";
    const char* component = ArrowComponent(field);
    if (component == nullptr) {
      return AnalysisError("INVALID_EXTRACT_FIELD", {{"field", QuoteIdentifier(field)}, {"expr", "\"" + args[1]->name + "\""}});
    }
    ARROW_ASSIGN_OR_RAISE(args[1], DateArgument(name, 1, args[1], ctx));
    bool nullable = args[1]->nullable;
    return BoundExpr::Call("extract", ComponentKernel(component), std::move(args), arrow::int32(), nullable, name);
  };
  return info;
}

}  // namespace

void RegisterDateTimeFieldFunctions(FunctionRegistry& registry) {
  registry.Add(DateField("year", {}, "year"));
  registry.Add(DateField("quarter", {}, "quarter"));
  registry.Add(DateField("month", {}, "month"));
  registry.Add(DateField("day", {"dayofmonth"}, "day"));
  registry.Add(Extract());
}

}  // namespace sk8::functions
