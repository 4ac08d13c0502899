// Conditional and NULL functions: coalesce, nvl, ifnull, nvl2, if, nullif,
// isnan, nanvl, equal_null, assert_true, raise_error. (CASE WHEN and IN are in
// conditional.cc, isnull / isnotnull in logical.cc.) Branches are evaluated for
// the whole batch, so none of these may hide an error of an argument: each is
// marked can_fail = false only where its own evaluation cannot fail.
#include <arrow/compute/api.h>

#include <cmath>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

// The common type of values that one result takes (coalesce, if branches):
// WiderType, and a string beside a number read as BIGINT (beside an integral
// type) or DOUBLE, as Spark's ANSI coercion does; nullptr when there is none.
std::shared_ptr<arrow::DataType> CommonValueType(const std::vector<BoundExprPtr>& values) {
  std::shared_ptr<arrow::DataType> common = arrow::null();
  for (const auto& v : values) {
    const auto& type = v->type;
    auto wider = WiderType(common, type);
    if (!wider) {
      bool string_left = types::IsStringLike(*common), string_right = types::IsStringLike(*type);
      const auto& number = string_left ? type : common;
      if (string_left != string_right && types::IsNumeric(*number)) {
        wider = types::IsIntegral(*number) ? arrow::int64() : arrow::float64();
      }
    }
    if (!wider) return nullptr;
    common = wider;
  }
  return common;
}

Status DataDiffTypes(const std::string& sql_expr, const std::string& function,
                     const std::vector<BoundExprPtr>& values) {
  std::string list;
  for (const auto& v : values) list += (list.empty() ? "" : " or ") + ("\"" + types::SqlString(*v->type) + "\"");
  return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                       {{"sqlExpr", "\"" + sql_expr + "\""}, {"functionName", "`" + function + "`"},
                        {"dataType", "(" + list + ")"}});
}

// Casts `values` to their common type; false when there is none.
Result<bool> CastToCommonType(std::vector<BoundExprPtr>& values, const EvalContext& ctx) {
  auto common = CommonValueType(values);
  if (!common) return false;
  for (auto& v : values) {
    ARROW_ASSIGN_OR_RAISE(v, BindCast(v, common, plan::CastMode::kDefault, true, ctx));
  }
  return true;
}

// CASE WHEN conditions[0] THEN values[0] ... ELSE values.back() END named
// `name`: the expression executor evaluates each value only for the rows that
// reach it, as Spark evaluates coalesce / if lazily, so that an argument that
// can fail (CAST('x' AS BIGINT)) fails only where it is used.
Result<BoundExprPtr> LazyCase(const std::vector<BoundExprPtr>& conditions, const std::vector<BoundExprPtr>& values,
                              const std::string& name, bool nullable, const EvalContext& ctx) {
  std::vector<BoundExprPtr> args;
  for (size_t i = 0; i < conditions.size(); ++i) {
    args.push_back(conditions[i]);
    args.push_back(values[i]);
  }
  args.push_back(values.back());
  ARROW_ASSIGN_OR_RAISE(auto bound, BindFunctionCall("when", std::move(args), ctx));
  auto renamed = std::make_shared<BoundExpr>(*bound);
  renamed->name = name;
  renamed->nullable = nullable;
  return BoundExprPtr(renamed);
}

bool AnyCanFail(const std::vector<BoundExprPtr>& args, size_t first) {
  for (size_t i = first; i < args.size(); ++i) {
    if (CanFail(*args[i])) return true;
  }
  return false;
}

FunctionInfo NullInfo(std::string name) {
  FunctionInfo info;
  info.name = std::move(name);
  info.can_fail = false;
  return info;
}

Result<Datum> Coalesce(const std::vector<Datum>& args) {
  if (args.size() == 1) return args[0];
  if (args[0].type()->id() == arrow::Type::NA) return args.back();
  return arrow::compute::CallFunction("coalesce", args);
}

// coalesce(a, ...), and nvl / ifnull (two arguments): the first non-NULL value.
FunctionInfo CoalesceFunction(std::string name, int arity) {
  FunctionInfo info = NullInfo(std::move(name));
  info.bind_scalar = [info_copy = info, arity](const std::string& called, std::vector<BoundExprPtr> args,
                                               const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (arity < 0 && args.empty()) return WrongArgumentCount(called, "> 0", 0);
    if (arity >= 0 && static_cast<int>(args.size()) != arity) {
      return WrongArgumentCount(called, std::to_string(arity), args.size());
    }
    std::string name = CallName(info_copy, called, args);
    std::vector<BoundExprPtr> original = args;
    ARROW_ASSIGN_OR_RAISE(bool ok, CastToCommonType(args, ctx));
    if (!ok) return DataDiffTypes(name, info_copy.name, original);
    bool nullable = true;
    for (const auto& a : args) nullable &= a->nullable;
    if (AnyCanFail(args, 1)) {
      std::vector<BoundExprPtr> present;
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(auto p, BindFunctionCall("isnotnull", {args[i]}, ctx));
        present.push_back(p);
      }
      return LazyCase(present, args, name, nullable, ctx);
    }
    auto type = args[0]->type;
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t, const EvalContext&) { return Coalesce(a); });
    return BoundExpr::Call("coalesce", kernel, std::move(args), type, nullable, name);
  };
  return info;
}

// The condition of if / nvl2 with NULL read as false, then Arrow's if_else.
Result<Datum> IfElse(const Datum& condition, const Datum& then_value, const Datum& else_value) {
  ARROW_ASSIGN_OR_RAISE(auto known, arrow::compute::CallFunction(
                                        "coalesce", {condition, Datum(std::make_shared<arrow::BooleanScalar>(false))}));
  if (then_value.type()->id() == arrow::Type::NA) return then_value;
  return arrow::compute::CallFunction("if_else", {known, then_value, else_value});
}

// if(condition, a, b), named (IF(condition, a, b)).
FunctionInfo If() {
  FunctionInfo info = NullInfo("if");
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    std::string name = "(IF(" + args[0]->name + ", " + args[1]->name + ", " + args[2]->name + "))";
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::boolean(), plan::CastMode::kDefault, true, ctx));
    } else if (args[0]->type->id() != arrow::Type::BOOL) {
      return UnexpectedInputType(name, 0, "\"BOOLEAN\"", *args[0]);
    }
    std::vector<BoundExprPtr> values = {args[1], args[2]};
    ARROW_ASSIGN_OR_RAISE(bool ok, CastToCommonType(values, ctx));
    if (!ok) return DataDiffTypes(name, "if", {args[1], args[2]});
    args[1] = values[0];
    args[2] = values[1];
    bool nullable = args[1]->nullable || args[2]->nullable;
    if (AnyCanFail(args, 1)) return LazyCase({args[0]}, {args[1], args[2]}, name, nullable, ctx);
    auto type = args[1]->type;
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t, const EvalContext&) { return IfElse(a[0], a[1], a[2]); });
    return BoundExpr::Call("if", kernel, std::move(args), type, nullable, name);
  };
  return info;
}

// nvl2(x, a, b): a where x is not NULL, b otherwise.
FunctionInfo Nvl2() {
  FunctionInfo info = NullInfo("nvl2");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    std::string name = CallName(info_copy, called, args);
    std::vector<BoundExprPtr> values = {args[1], args[2]};
    ARROW_ASSIGN_OR_RAISE(bool ok, CastToCommonType(values, ctx));
    if (!ok) return DataDiffTypes(name, "nvl2", {args[1], args[2]});
    ARROW_ASSIGN_OR_RAISE(auto present, BindFunctionCall("isnotnull", {args[0]}, ctx));
    bool nullable = values[0]->nullable || values[1]->nullable;
    if (AnyCanFail(values, 0)) return LazyCase({present}, values, name, nullable, ctx);
    auto type = values[0]->type;
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t, const EvalContext&) { return IfElse(a[0], a[1], a[2]); });
    return BoundExpr::Call("nvl2", kernel, {present, values[0], values[1]}, type, nullable, name);
  };
  return info;
}

// nullif(a, b): NULL where a = b, a otherwise (in a's type).
FunctionInfo NullIf() {
  FunctionInfo info = NullInfo("nullif");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(auto equal, BindFunctionCall("=", {args[0], args[1]}, ctx));
    auto type = args[0]->type;
    auto kernel = std::make_shared<LambdaKernel>(
        [type](const std::vector<Datum>& a, int64_t, const EvalContext&) {
          return IfElse(a[1], Datum(arrow::MakeNullScalar(type)), a[0]);
        });
    return BoundExpr::Call("nullif", kernel, {args[0], equal}, type, true, name);
  };
  return info;
}

// equal_null(a, b): a <=> b under its own name.
FunctionInfo EqualNull() {
  FunctionInfo info = NullInfo("equal_null");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(auto bound, BindFunctionCall("<=>", std::move(args), ctx));
    auto renamed = std::make_shared<BoundExpr>(*bound);
    renamed->name = name;
    return BoundExprPtr(renamed);
  };
  return info;
}

// isnan(x): x is NaN; false for NULL. Numbers and strings are read as DOUBLE.
FunctionInfo IsNan() {
  FunctionInfo info = NullInfo("isnan");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::float64(), name, 0, "\"DOUBLE\"", ctx));
    auto is_nan = MakeScalarFunction<bool, double>(arrow::boolean(), [](double x) { return std::isnan(x); });
    auto kernel = std::make_shared<LambdaKernel>(
        [is_nan](const std::vector<Datum>& a, int64_t length, const EvalContext& c) -> Result<Datum> {
          ARROW_ASSIGN_OR_RAISE(auto nan, is_nan->Execute(a, length, c));
          return arrow::compute::CallFunction("coalesce", {nan, Datum(std::make_shared<arrow::BooleanScalar>(false))});
        });
    return BoundExpr::Call("isnan", kernel, std::move(args), arrow::boolean(), false, name);
  };
  return info;
}

// nanvl(a, b): b where a is NaN, a otherwise (DOUBLE).
FunctionInfo Nanvl() {
  FunctionInfo info = NullInfo("nanvl");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::float64(), name, i,
                                                         "(\"DOUBLE\" or \"FLOAT\")", ctx));
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t length, const EvalContext& c) -> Result<Datum> {
          static const auto is_nan =
              MakeScalarFunction<bool, double>(arrow::boolean(), [](double x) { return std::isnan(x); });
          ARROW_ASSIGN_OR_RAISE(auto nan, is_nan->Execute({a[0]}, length, c));
          return IfElse(nan, a[1], a[0]);
        });
    bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call("nanvl", kernel, std::move(args), arrow::float64(), nullable, name);
  };
  return info;
}

Status UserRaisedException(const std::string& message) {
  return SparkError(SparkExceptionKind::kRuntime, "USER_RAISED_EXCEPTION", {{"errorMessage", message}});
}

// Fails with the first row's message where `fails(i)` holds; a NULL result (VOID).
template <typename Fails>
Result<Datum> RaiseWhere(const Datum& message, int64_t rows, Fails&& fails) {
  for (int64_t i = 0; i < rows; ++i) {
    if (!fails(i)) continue;
    std::shared_ptr<arrow::Scalar> text;
    if (message.is_scalar()) {
      text = message.scalar();
    } else {
      ARROW_ASSIGN_OR_RAISE(text, message.make_array()->GetScalar(i));
    }
    return UserRaisedException(text->is_valid ? static_cast<const arrow::BaseBinaryScalar&>(*text).ToString()
                                              : "null");
  }
  return Datum(arrow::MakeNullScalar(arrow::null()));
}

// assert_true(condition[, message]): NULL, or USER_RAISED_EXCEPTION where the
// condition is false or NULL.
FunctionInfo AssertTrue() {
  FunctionInfo info = NullInfo("assert_true");
  info.can_fail = true;
  info.deterministic = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.empty() || args.size() > 2) return WrongArgumentCount(called, "[1, 2]", args.size());
    if (args.size() == 1) {
      std::string message = "'" + args[0]->name + "' is not true!";
      args.push_back(BoundExpr::Literal(arrow::MakeScalar(message), message));
    }
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() != arrow::Type::BOOL) return UnexpectedInputType(name, 0, "\"BOOLEAN\"", *args[0]);
    ARROW_ASSIGN_OR_RAISE(args[1], CastStringArgument(args[1], ctx));
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t length, const EvalContext&) -> Result<Datum> {
          if (a[0].is_scalar()) {
            const auto& c = static_cast<const arrow::BooleanScalar&>(*a[0].scalar());
            return RaiseWhere(a[1], 1, [&](int64_t) { return !c.is_valid || !c.value; });
          }
          auto conditions = std::static_pointer_cast<arrow::BooleanArray>(a[0].make_array());
          return RaiseWhere(a[1], length, [&](int64_t i) { return conditions->IsNull(i) || !conditions->Value(i); });
        });
    return BoundExpr::Call("assert_true", kernel, std::move(args), arrow::null(), true, name);
  };
  return info;
}

// raise_error(message): always USER_RAISED_EXCEPTION.
FunctionInfo RaiseError() {
  FunctionInfo info = NullInfo("raise_error");
  info.can_fail = true;
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    // Spark 4 names the call as the RaiseError it builds.
    std::string name = "raise_error(USER_RAISED_EXCEPTION, map(errorMessage, " + args[0]->name + "))";
    ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t length, const EvalContext&) -> Result<Datum> {
          return RaiseWhere(a[0], a[0].is_scalar() ? 1 : length, [](int64_t) { return true; });
        });
    return BoundExpr::Call("raise_error", kernel, std::move(args), arrow::null(), true, name);
  };
  return info;
}

/// zeroifnull(x) is Spark's nvl(x, 0) and nullifzero(x) its nullif(x, 0), named
/// after themselves.
FunctionInfo WithZero(const std::string& function, const std::string& replacement, std::string usage) {
  FunctionInfo info = NullInfo(function);
  info.usage = std::move(usage);
  info.bind_scalar = [info_copy = info, replacement](const std::string& called, std::vector<BoundExprPtr> args,
                                                     const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    auto zero = BoundExpr::Literal(arrow::MakeScalar(int32_t{0}), "0");
    ARROW_ASSIGN_OR_RAISE(auto bound, BindFunctionCall(replacement, {args[0], zero}, ctx));
    auto renamed = std::make_shared<BoundExpr>(*bound);
    renamed->name = std::move(name);
    return renamed;
  };
  return info;
}

}  // namespace

void RegisterNullFunctions(FunctionRegistry& registry) {
  registry.Add(WithZero("zeroifnull", "nvl", "zeroifnull(expr) - Returns zero if `expr` is equal to null, or `expr` "
                                             "otherwise."));
  registry.Add(WithZero("nullifzero", "nullif", "nullifzero(expr) - Returns null if `expr` is equal to zero, or "
                                                "`expr` otherwise."));
  registry.Add(CoalesceFunction("coalesce", -1));
  registry.Add(CoalesceFunction("nvl", 2));
  registry.Add(CoalesceFunction("ifnull", 2));
  registry.Add(If());
  registry.Add(Nvl2());
  registry.Add(NullIf());
  registry.Add(EqualNull());
  registry.Add(IsNan());
  registry.Add(Nanvl());
  registry.Add(AssertTrue());
  registry.Add(RaiseError());
}

}  // namespace sk8::functions
