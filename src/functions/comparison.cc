// Comparison operators with Spark semantics: NaN equals NaN and is larger than
// any other value; <=> is null-safe. Mixed types are coerced as Spark does.
#include <arrow/compute/api.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "functions/cast.h"
#include "functions/decimal_arithmetic.h"
#include "functions/function_registry.h"
#include "functions/interval_view.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe, kEqNullSafe };

const char* ArrowFunction(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: case CmpOp::kEqNullSafe: return "equal";
    case CmpOp::kNe: return "not_equal";
    case CmpOp::kLt: return "less";
    case CmpOp::kLe: return "less_equal";
    case CmpOp::kGt: return "greater";
    case CmpOp::kGe: return "greater_equal";
  }
  return "equal";
}

// Spark orders NaN above every other double and treats NaN = NaN as true.
template <typename T>
int CompareFloating(T a, T b) {
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}


// One comparison over two fixed-width arguments whose values compare with
// `three_way` (negative, zero, positive).
template <typename T, typename ThreeWay>
Result<Datum> CompareThreeWay(CmpOp op, const std::vector<Datum>& args, int64_t length, ThreeWay three_way) {
  auto run = [&](auto decide) {
    return BinaryPredicate<T>(args[0], args[1], length, [&](T a, T b) { return decide(three_way(a, b)); });
  };
  switch (op) {
    case CmpOp::kEq: return run([](int c) { return c == 0; });
    case CmpOp::kNe: return run([](int c) { return c != 0; });
    case CmpOp::kLt: return run([](int c) { return c < 0; });
    case CmpOp::kLe: return run([](int c) { return c <= 0; });
    case CmpOp::kGt: return run([](int c) { return c > 0; });
    case CmpOp::kGe: return run([](int c) { return c >= 0; });
    case CmpOp::kEqNullSafe: break;
  }
  return InternalError("null-safe equality has no fixed-width fast path");
}

// The same for values that C++ orders as Spark does (integers, unscaled decimals).
template <typename T>
Result<Datum> CompareOrdered(CmpOp op, const std::vector<Datum>& args, int64_t length) {
  switch (op) {
    case CmpOp::kEq: return BinaryPredicate<T>(args[0], args[1], length, std::equal_to<T>());
    case CmpOp::kNe: return BinaryPredicate<T>(args[0], args[1], length, std::not_equal_to<T>());
    case CmpOp::kLt: return BinaryPredicate<T>(args[0], args[1], length, std::less<T>());
    case CmpOp::kLe: return BinaryPredicate<T>(args[0], args[1], length, std::less_equal<T>());
    case CmpOp::kGt: return BinaryPredicate<T>(args[0], args[1], length, std::greater<T>());
    case CmpOp::kGe: return BinaryPredicate<T>(args[0], args[1], length, std::greater_equal<T>());
    case CmpOp::kEqNullSafe: break;
  }
  return InternalError("null-safe equality has no fixed-width fast path");
}

// a <=> b over doubles / floats, with Spark's NaN = NaN.
template <typename T>
Result<Datum> NullSafeEqualFloating(const std::vector<Datum>& args, int64_t length) {
  FixedWidthArg<T> left(args[0]), right(args[1]);
  bool scalar_output = AllScalars(args);
  int64_t n = scalar_output ? 1 : length;
  arrow::BooleanBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(n));
  for (int64_t i = 0; i < n; ++i) {
    bool lv = left.IsValid(i), rv = right.IsValid(i);
    builder.UnsafeAppend(lv && rv ? CompareFloating(left.Value(i), right.Value(i)) == 0 : lv == rv);
  }
  return FinishResult(builder.Finish(), scalar_output);
}

Result<Datum> Compare(CmpOp op, const arrow::DataType& type, const std::vector<Datum>& args, int64_t length) {
  if (type.id() == arrow::Type::INTERVAL_MONTHS) {
    // Arrow orders no month_interval: compare the int32 months.
    return Compare(op, *arrow::int32(), {MonthsAsInt32(args[0]), MonthsAsInt32(args[1])}, length);
  }
  if (op != CmpOp::kEqNullSafe) {
    switch (type.id()) {
      case arrow::Type::DOUBLE: return CompareThreeWay<double>(op, args, length, [](double a, double b) { return CompareFloating(a, b); });
      case arrow::Type::FLOAT: return CompareThreeWay<float>(op, args, length, [](float a, float b) { return CompareFloating(a, b); });
      // Both sides have the same precision and scale: compare the unscaled integers.
      case arrow::Type::DECIMAL128: return CompareOrdered<__int128>(op, args, length);
      default: break;
    }
  } else if (type.id() == arrow::Type::DOUBLE) {
    return NullSafeEqualFloating<double>(args, length);
  } else if (type.id() == arrow::Type::FLOAT) {
    return NullSafeEqualFloating<float>(args, length);
  }
  if (type.id() == arrow::Type::NA) {
    if (op == CmpOp::kEqNullSafe) return Datum(std::make_shared<arrow::BooleanScalar>(true));
    return Datum(arrow::MakeNullScalar(arrow::boolean()));
  }
  ARROW_ASSIGN_OR_RAISE(Datum result, arrow::compute::CallFunction(ArrowFunction(op), {args[0], args[1]}));
  if (op != CmpOp::kEqNullSafe) return result;
  // a <=> b: both null -> true, one null -> false, else a = b.
  ARROW_ASSIGN_OR_RAISE(Datum left_null, arrow::compute::IsNull(args[0]));
  ARROW_ASSIGN_OR_RAISE(Datum right_null, arrow::compute::IsNull(args[1]));
  ARROW_ASSIGN_OR_RAISE(Datum both_null, arrow::compute::And(left_null, right_null));
  ARROW_ASSIGN_OR_RAISE(Datum filled, arrow::compute::CallFunction("coalesce",
                                                                   {result, Datum(std::make_shared<arrow::BooleanScalar>(false))}));
  return arrow::compute::Or(both_null, filled);
}

bool Orderable(const arrow::DataType& t) {
  if (types::ContainsVariant(t)) return false;
  switch (t.id()) {
    case arrow::Type::MAP: return false;
    default: return true;
  }
}

FunctionInfo ComparisonFunction(std::string name, std::vector<std::string> aliases, std::string symbol, CmpOp op) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.name_style = NameStyle::kInfix;
  info.sql_symbol = std::move(symbol);
  info.usage = "expr1 " + info.sql_symbol + " expr2 - Compares two values.";
  info.null_intolerant = op != CmpOp::kEqNullSafe;
  info.can_fail = false;
  info.bind_scalar = [op, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                            const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return InternalError(info_copy.name + " takes two arguments");
    std::string name = CallName(info_copy, called, args);
    auto common = ComparisonType(args[0]->type, args[1]->type);
    if (!common) {
      return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
                           {{"sqlExpr", "\"" + name + "\""},
                            {"left", "\"" + types::SqlString(*args[0]->type) + "\""},
                            {"right", "\"" + types::SqlString(*args[1]->type) + "\""}});
    }
    if (!Orderable(*common)) {
      return AnalysisError("DATATYPE_MISMATCH.INVALID_ORDERING_TYPE",
                           {{"sqlExpr", "\"" + name + "\""}, {"functionName", "`" + info_copy.sql_symbol + "`"},
                            {"dataType", "\"" + types::SqlString(*common) + "\""}});
    }
    for (auto& arg : args) {
      ARROW_ASSIGN_OR_RAISE(arg, BindCast(arg, common, plan::CastMode::kDefault, /*implicit=*/true, ctx));
    }
    bool nullable = op == CmpOp::kEqNullSafe ? false : (args[0]->nullable || args[1]->nullable);
    auto kernel = std::make_shared<LambdaKernel>(
        [op, common](const std::vector<Datum>& a, int64_t length, const EvalContext&) {
          return Compare(op, *common, a, length);
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::boolean(), nullable, name);
  };
  return info;
}

/// between(x, low, high), SQL's `x BETWEEN low AND high`: (x >= low) AND
/// (x <= high), named between(x, low, high) as Spark 4.1 names it.
FunctionInfo Between() {
  FunctionInfo info;
  info.name = "between";
  info.usage = "input [NOT] between lower AND upper - evaluate if `input` is [not] in between `lower` and `upper`";
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    std::string name = "between(" + args[0]->name + ", " + args[1]->name + ", " + args[2]->name + ")";
    // Spark evaluates the input once (With / CommonExpressionRef): its type
    // errors name it commonexpressionref().
    auto input = std::make_shared<BoundExpr>(*args[0]);
    input->name = "commonexpressionref()";
    ARROW_ASSIGN_OR_RAISE(auto low, BindFunctionCall(">=", {input, args[1]}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto high, BindFunctionCall("<=", {input, args[2]}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto both, BindFunctionCall("and", {low, high}, ctx));
    auto renamed = std::make_shared<BoundExpr>(*both);
    renamed->name = std::move(name);
    return BoundExprPtr(std::move(renamed));
  };
  return info;
}

}  // namespace

std::shared_ptr<arrow::DataType> ComparisonType(const std::shared_ptr<arrow::DataType>& a,
                                                const std::shared_ptr<arrow::DataType>& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  // Numbers and decimals: the narrowest type holding both (DOUBLE with a float side).
  if (auto wider = WiderType(a, b)) return wider;
  // A string compared with an integral value is read as BIGINT on both sides
  // (Spark's ANSI PromoteStrings), whatever the integral width.
  auto integral = [](const arrow::DataType& t) {
    return t.id() == arrow::Type::INT8 || t.id() == arrow::Type::INT16 || t.id() == arrow::Type::INT32 ||
           t.id() == arrow::Type::INT64;
  };
  if ((types::IsStringLike(*a) && integral(*b)) || (types::IsStringLike(*b) && integral(*a))) return arrow::int64();
  if (types::IsStringLike(*a) && !types::IsStringLike(*b)) return b;
  if (types::IsStringLike(*b) && !types::IsStringLike(*a)) return a;
  if (a->id() == arrow::Type::DATE32 && b->id() == arrow::Type::TIMESTAMP) return b;
  if (b->id() == arrow::Type::DATE32 && a->id() == arrow::Type::TIMESTAMP) return a;
  if (a->id() == arrow::Type::TIMESTAMP && b->id() == arrow::Type::TIMESTAMP) return types::TimestampType();
  return nullptr;
}

Result<Datum> SparkEqual(const Datum& a, const Datum& b, const arrow::DataType& type, int64_t length) {
  return Compare(CmpOp::kEq, type, {a, b}, length);
}

void RegisterComparisonFunctions(FunctionRegistry& registry) {
  registry.Add(Between());
  registry.Add(ComparisonFunction("=", {"==", "equal_to"}, "=", CmpOp::kEq));
  registry.Add(ComparisonFunction("!=", {"<>", "not_equal"}, "!=", CmpOp::kNe));
  registry.Add(ComparisonFunction("<", {"less_than"}, "<", CmpOp::kLt));
  registry.Add(ComparisonFunction("<=", {"less_than_or_equal"}, "<=", CmpOp::kLe));
  registry.Add(ComparisonFunction(">", {"greater_than"}, ">", CmpOp::kGt));
  registry.Add(ComparisonFunction(">=", {"greater_than_or_equal"}, ">=", CmpOp::kGe));
  registry.Add(ComparisonFunction("<=>", {"eqnullsafe", "equal_null_safe"}, "<=>", CmpOp::kEqNullSafe));
}

}  // namespace sk8::functions
