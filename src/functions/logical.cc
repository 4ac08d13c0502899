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

// Spark's (ANSI) type coercion for boolean operands: NULL, and a string beside
// a boolean (AND / OR) or alone (NOT), is cast to BOOLEAN; the cast fails at
// run time on text that is no boolean (CAST_INVALID_INPUT). Two operands of
// one other type, or of two types without a common one, are type errors.
Result<std::vector<BoundExprPtr>> RequireBooleans(const std::string& name, std::vector<BoundExprPtr> args,
                                                  const EvalContext& ctx) {
  bool has_boolean = args.size() == 1;
  for (const auto& a : args) has_boolean |= a->type->id() == arrow::Type::BOOL;
  if (args.size() == 2 && !has_boolean && args[0]->type->id() != arrow::Type::NA &&
      args[1]->type->id() != arrow::Type::NA) {
    if (args[0]->type->Equals(*args[1]->type)) {
      return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
                           {{"sqlExpr", "\"" + name + "\""},
                            {"inputType", "\"BOOLEAN\""},
                            {"actualDataType", "\"" + types::SqlString(*args[0]->type) + "\""}});
    }
  }
  if (args.size() == 2 && args[0]->type->id() != arrow::Type::NA && args[1]->type->id() != arrow::Type::NA &&
      !args[0]->type->Equals(*args[1]->type) &&
      !(has_boolean && (types::IsStringLike(*args[0]->type) || types::IsStringLike(*args[1]->type)))) {
    return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
                         {{"sqlExpr", "\"" + name + "\""},
                          {"left", "\"" + types::SqlString(*args[0]->type) + "\""},
                          {"right", "\"" + types::SqlString(*args[1]->type) + "\""}});
  }
  for (size_t i = 0; i < args.size(); ++i) {
    bool castable = args[i]->type->id() == arrow::Type::NA || (has_boolean && types::IsStringLike(*args[i]->type));
    if (castable) {
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
  FunctionInfo negation = Logical("not", "NOT", NameStyle::kPrefix, "invert");
  negation.aliases.push_back("!");  // SQL's !a, printed (NOT a)
  registry.Add(std::move(negation));
  registry.Add(NullTest("isnull", "is_null"));
  registry.Add(NullTest("isnotnull", "is_valid"));
}

namespace {

/// parts[0] <name> parts[1] <name> ..., left to right.
Result<BoundExprPtr> Combine(const char* name, const std::vector<BoundExprPtr>& parts) {
  BoundExprPtr out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(out, functions::BindFunctionCall(name, {out, parts[i]}));
  }
  return out;
}

}  // namespace

Result<BoundExprPtr> FactorCommonConjuncts(const BoundExprPtr& condition) {
  if (!plan::IsBinaryCall(*condition, "or")) return nullptr;
  std::vector<BoundExprPtr> branches;
  plan::FlattenCalls(condition, "or", &branches);
  std::vector<std::vector<BoundExprPtr>> conjuncts(branches.size());
  for (size_t b = 0; b < branches.size(); ++b) {
    if (!plan::IsDeterministic(*branches[b])) return nullptr;
    plan::FlattenCalls(branches[b], "and", &conjuncts[b]);
  }
  std::vector<BoundExprPtr> common;
  for (const auto& candidate : conjuncts[0]) {
    bool everywhere = true;
    for (size_t b = 1; b < branches.size() && everywhere; ++b) {
      bool found = false;
      for (const auto& c : conjuncts[b]) found |= plan::SameExpression(*candidate, *c);
      everywhere = found;
    }
    bool seen = false;
    for (const auto& c : common) seen |= plan::SameExpression(*candidate, *c);
    if (everywhere && !seen) common.push_back(candidate);
  }
  if (common.empty()) return nullptr;
  std::vector<BoundExprPtr> rest_branches;
  for (const auto& branch : conjuncts) {
    std::vector<BoundExprPtr> rest;
    for (const auto& c : branch) {
      bool is_common = false;
      for (const auto& k : common) is_common |= plan::SameExpression(*c, *k);
      if (!is_common) rest.push_back(c);
    }
    if (rest.empty()) return Combine("and", common);  // that branch is just the common part
    ARROW_ASSIGN_OR_RAISE(auto joined, Combine("and", rest));
    rest_branches.push_back(std::move(joined));
  }
  ARROW_ASSIGN_OR_RAISE(auto any_rest, Combine("or", rest_branches));
  common.push_back(std::move(any_rest));
  return Combine("and", common);
}

}  // namespace sk8::functions
