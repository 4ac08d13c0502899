// Boolean logic (three-valued, as SQL and Spark define it) and null tests.
#include <arrow/compute/api.h>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

Result<std::vector<BoundExprPtr>> RequireBooleans(const std::string& name, std::vector<BoundExprPtr> args,
                                                  const EvalContext& ctx) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], arrow::boolean(), plan::CastMode::kDefault, true, ctx));
    } else if (args[i]->type->id() != arrow::Type::BOOL) {
      return UnexpectedInputType(name, static_cast<int>(i), "\"BOOLEAN\"", *args[i]);
    }
  }
  return args;
}

FunctionInfo Logical(std::string name, std::string symbol, NameStyle style, std::string arrow_function) {
  FunctionInfo info;
  info.name = std::move(name);
  info.name_style = style;
  info.sql_symbol = std::move(symbol);
  info.usage = info.name + " - Logical " + info.sql_symbol + ".";
  info.can_fail = false;
  info.bind_scalar = [fn = std::move(arrow_function), info_copy = info](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext& ctx) -> Result<BoundExprPtr> {
    size_t expected = info_copy.name_style == NameStyle::kPrefix ? 1 : 2;
    if (args.size() != expected) return InternalError(info_copy.name + ": wrong number of arguments");
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args, RequireBooleans(name, std::move(args), ctx));
    bool nullable = false;
    for (const auto& a : args) nullable |= a->nullable;
    auto kernel = std::make_shared<LambdaKernel>(
        [fn](const std::vector<Datum>& a, int64_t, const EvalContext&) { return arrow::compute::CallFunction(fn, a); });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::boolean(), nullable, name);
  };
  return info;
}

FunctionInfo NullTest(std::string name, std::string arrow_function) {
  FunctionInfo info;
  info.name = std::move(name);
  info.usage = info.name + "(expr) - Tests whether `expr` is null.";
  info.can_fail = false;
  info.bind_scalar = [fn = std::move(arrow_function), info_copy = info](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != 1) return InternalError(info_copy.name + " takes one argument");
    // Spark names these "(a IS NULL)" / "(a IS NOT NULL)".
    std::string name = "(" + args[0]->name + (info_copy.name == "isnull" ? " IS NULL)" : " IS NOT NULL)");
    auto kernel = std::make_shared<LambdaKernel>(
        [fn](const std::vector<Datum>& a, int64_t, const EvalContext&) { return arrow::compute::CallFunction(fn, a); });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::boolean(), false, name);
  };
  return info;
}

}  // namespace

void RegisterLogicalFunctions(FunctionRegistry& registry) {
  registry.Add(Logical("and", "AND", NameStyle::kInfix, "and_kleene"));
  registry.Add(Logical("or", "OR", NameStyle::kInfix, "or_kleene"));
  registry.Add(Logical("not", "NOT", NameStyle::kPrefix, "invert"));
  registry.Add(NullTest("isnull", "is_null"));
  registry.Add(NullTest("isnotnull", "is_valid"));
}

}  // namespace sk8::functions
