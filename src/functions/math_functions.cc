// Math functions: the java.lang.Math family over DOUBLE (sqrt, exp, logarithms,
// trigonometry), abs / positive, ceil / floor, round / bround, greatest / least,
// pmod, div, factorial, width_bucket, pi() and e(). Simple ones are per-row
// bodies vectorized by MakeScalarFunction (scalar_function.h).
#include <arrow/compute/api.h>
#include <arrow/util/string.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/interval_view.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "functions/strict_math.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

constexpr char kDouble[] = "\"DOUBLE\"";

// Calls `f(T{})` with the C++ type of a primitive numeric Arrow type.
template <typename F>
auto WithNumericType(const arrow::DataType& type, F&& f) {
  switch (type.id()) {
    case arrow::Type::INT8: return f(int8_t{});
    case arrow::Type::INT16: return f(int16_t{});
    case arrow::Type::INT32: return f(int32_t{});
    case arrow::Type::INT64: return f(int64_t{});
    case arrow::Type::FLOAT: return f(float{});
    default: return f(double{});
  }
}

bool AnyNullable(const std::vector<BoundExprPtr>& args) {
  for (const auto& a : args) {
    if (a->nullable) return true;
  }
  return false;
}

std::string OverflowMessage(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return "byte overflow";
    case arrow::Type::INT16: return "short overflow";
    case arrow::Type::INT32: return "integer overflow";
    default: return "long overflow";
  }
}

Status Overflow(const std::string& message) {
  return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                    {{"message", message}, {"alternative", ""}, {"config", "\"spark.sql.ansi.enabled\""}});
}

// A call whose value is `value` on every row (pi(), greatest of NULLs): a call,
// not a literal, so that its column is named as Spark names generated ones.
BoundExprPtr ConstantCall(const std::string& function, std::shared_ptr<arrow::Scalar> value, bool nullable,
                          std::string name) {
  auto type = value->type;
  auto kernel = std::make_shared<LambdaKernel>(
      [value](const std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> { return Datum(value); });
  return BoundExpr::Call(function, kernel, {}, type, nullable, std::move(name));
}

FunctionInfo MathInfo(std::string name, std::string pretty_name, std::vector<std::string> aliases) {
  FunctionInfo info;
  info.name = std::move(name);
  info.pretty_name = std::move(pretty_name);
  info.aliases = std::move(aliases);
  info.null_intolerant = true;
  info.can_fail = false;
  return info;
}

// f(x) over DOUBLE: numbers and strings are cast to DOUBLE first.
template <typename Body>
FunctionInfo DoubleFunction(std::string name, std::string pretty_name, std::vector<std::string> aliases, Body body) {
  FunctionInfo info = MathInfo(std::move(name), std::move(pretty_name), std::move(aliases));
  info.bind_scalar = [info_copy = info, body](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::float64(), name, 0, kDouble, ctx));
    // Spark declares these nullable whatever the argument (UnaryMathExpression).
    return BoundExpr::Call(info_copy.name, MakeScalarFunction<double, double>(arrow::float64(), body),
                           std::move(args), arrow::float64(), true, name);
  };
  return info;
}

// A logarithm is NULL where its argument is at or below `asymptote` (Spark's
// UnaryLogExpression).
template <typename Fn>
auto LogBody(Fn fn, double asymptote) {
  return [fn, asymptote](double* out, double x) {
    if (x <= asymptote) return RowResult::kNull;
    *out = fn(x);
    return RowResult::kValue;
  };
}

// f(a, b) over DOUBLE.
template <typename Body>
FunctionInfo DoubleFunction2(std::string name, std::string pretty_name, std::vector<std::string> aliases, Body body) {
  FunctionInfo info = MathInfo(std::move(name), std::move(pretty_name), std::move(aliases));
  info.bind_scalar = [info_copy = info, body](const std::string& called, std::vector<BoundExprPtr> args,
                                              const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::float64(), name, i, kDouble, ctx));
    }
    bool nullable = AnyNullable(args);
    return BoundExpr::Call(info_copy.name, MakeScalarFunction<double, double, double>(arrow::float64(), body),
                           std::move(args), arrow::float64(), nullable, name);
  };
  return info;
}

// log(x) is the natural logarithm, named LOG(E(), x) as Spark rewrites it;
// log(base, x) is NULL when either is <= 0.
FunctionInfo Log() {
  FunctionInfo info = MathInfo("log", "LOG", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() == 1) args.insert(args.begin(), BoundExpr::Literal(arrow::MakeScalar(M_E), "E()"));
    if (args.size() != 2) return WrongArgumentCount(called, "[1, 2]", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::float64(), name, i, kDouble, ctx));
    }
    auto body = [](double* out, double base, double x) {
      if (base <= 0 || x <= 0) return RowResult::kNull;
      *out = base == M_E ? StrictLog(x) : StrictLog(x) / StrictLog(base);
      return RowResult::kValue;
    };
    return BoundExpr::Call(info_copy.name, MakeScalarFunction<double, double, double>(arrow::float64(), body),
                           std::move(args), arrow::float64(), true, name);
  };
  return info;
}

FunctionInfo Constant(std::string name, std::string pretty_name, double value) {
  FunctionInfo info = MathInfo(std::move(name), std::move(pretty_name), {});
  info.bind_scalar = [info_copy = info, value](const std::string& called, std::vector<BoundExprPtr> args,
                                               const EvalContext&) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    return ConstantCall(info_copy.name, arrow::MakeScalar(value), false, CallName(info_copy, called, args));
  };
  return info;
}

// abs keeps its argument's type; the integral minimum overflows (an error under
// ANSI, itself otherwise, as Java's Math.abs). Strings are read as DOUBLE.
FunctionInfo Abs() {
  FunctionInfo info = MathInfo("abs", "", {});
  info.can_fail = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    const auto type = args[0]->type;
    if (types::IsStringLike(*type) || type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
    } else if (!types::IsNumeric(*type)) {
      return UnexpectedInputType(name, 0, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")",
                                 *args[0]);
    }
    const auto out_type = args[0]->type;
    bool nullable = args[0]->nullable;
    if (out_type->id() == arrow::Type::DECIMAL128) {
      auto kernel = std::make_shared<LambdaKernel>([](const std::vector<Datum>& a, int64_t, const EvalContext&) {
        return arrow::compute::CallFunction("abs", {a[0]});
      });
      return BoundExpr::Call(info_copy.name, kernel, std::move(args), out_type, nullable, name);
    }
    const bool ansi = ctx.ansi;
    auto kernel = WithNumericType(*out_type, [&](auto zero) -> std::shared_ptr<plan::ScalarKernel> {
      using T = decltype(zero);
      std::function<Status(T)> overflow = [out_type](T) { return Overflow(OverflowMessage(*out_type)); };
      return MakeScalarFunction<T, T>(
          out_type,
          [ansi](T* out, T v) {
            if constexpr (std::is_integral_v<T>) {
              if (v == std::numeric_limits<T>::min()) {
                if (ansi) return RowResult::kError;
                *out = v;
                return RowResult::kValue;
              }
            }
            *out = v < 0 ? static_cast<T>(-v) : v == 0 ? T{} : v;
            return RowResult::kValue;
          },
          overflow);
    });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), out_type, nullable, name);
  };
  return info;
}

// positive(x), +x: x itself, named (+ x).
FunctionInfo Positive() {
  FunctionInfo info = MathInfo("positive", "", {});
  info.name_style = NameStyle::kPrefix;
  info.sql_symbol = "+";
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    // Spark's UnaryPositive takes NULL and strings as DOUBLE (implicit casts).
    if (types::IsStringLike(*args[0]->type) || args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
    }
    if (!types::IsNumeric(*args[0]->type)) {
      return UnexpectedInputType(name, 0, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")",
                                 *args[0]);
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t, const EvalContext&) -> Result<Datum> { return a[0]; });
    auto type = args[0]->type;
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, nullable, name);
  };
  return info;
}

/// The DECIMAL a number is rounded in by ceil / floor with a scale: integers
/// as Spark's DecimalType.forType, FLOAT as DECIMAL(14, 7), DOUBLE as DECIMAL(30, 15).
std::shared_ptr<arrow::DataType> AsRoundingDecimal(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return arrow::decimal128(3, 0);
    case arrow::Type::INT16: return arrow::decimal128(5, 0);
    case arrow::Type::INT32: return arrow::decimal128(10, 0);
    case arrow::Type::INT64: return arrow::decimal128(20, 0);
    case arrow::Type::FLOAT: return arrow::decimal128(14, 7);
    default: return arrow::decimal128(30, 15);
  }
}

/// ceil / floor(x, scale): x as a DECIMAL rounded up / down to `scale` digits
/// after the point (before it, for a negative scale), typed as Spark's
/// RoundCeil / RoundFloor: DECIMAL(p - s + min(scale, s) + 1, min(scale, s)),
/// or DECIMAL(max(p - s + 1, 1 - scale), 0) for a negative scale.
Result<BoundExprPtr> CeilFloorToScale(const std::string& function, std::string name, std::vector<BoundExprPtr> args,
                                      bool ceil, const EvalContext& ctx) {
  if (args[1]->kind != plan::BoundKind::kLiteral || !types::IsIntegral(*args[1]->type)) {
    return AnalysisError("NON_FOLDABLE_ARGUMENT", {{"funcName", "`" + function + "`"}, {"paramName", "`scale`"},
                                                  {"paramType", "\"INT\""}});
  }
  ARROW_ASSIGN_OR_RAISE(auto scale_datum, arrow::compute::Cast(Datum(args[1]->literal), arrow::int32()));
  if (!scale_datum.scalar()->is_valid) return Unsupported(function + " with a NULL scale");
  const int target = static_cast<const arrow::Int32Scalar&>(*scale_datum.scalar()).value;
  if (types::IsStringLike(*args[0]->type) || args[0]->type->id() == arrow::Type::NA) {
    ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
  }
  if (!types::IsNumeric(*args[0]->type)) {
    return UnexpectedInputType(name, 0, "(\"DECIMAL\" or \"DOUBLE\" or \"BIGINT\")", *args[0]);
  }
  if (args[0]->type->id() != arrow::Type::DECIMAL128) {
    // Spark converts without ANSI's checks here: NaN and infinities give NULL.
    ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], AsRoundingDecimal(*args[0]->type), plan::CastMode::kLegacy,
                                            true, ctx));
  }
  const auto& in = static_cast<const arrow::Decimal128Type&>(*args[0]->type);
  const int p = in.precision(), s = in.scale();
  const int out_scale = target >= 0 ? std::min(target, s) : 0;
  const int out_precision = std::min(38, target >= 0 ? p - s + out_scale + 1 : std::max(p - s + 1, 1 - target));
  auto out_type = std::static_pointer_cast<arrow::Decimal128Type>(arrow::decimal128(out_precision, out_scale));
  // Divide the unscaled value by 10^(s - t), rounding up or down, then scale
  // back up by 10^-t for a negative t.
  const int drop_digits = target >= 0 ? s - out_scale : s - target;
  auto kernel = std::make_shared<LambdaKernel>(
      [ceil, drop_digits, target, s, out_type](const std::vector<Datum>& a, int64_t length,
                                               const EvalContext& c) -> Result<Datum> {
        auto input = a[0].is_scalar() ? *arrow::MakeArrayFromScalar(*a[0].scalar(), 1) : a[0].make_array();
        const auto& values = static_cast<const arrow::Decimal128Array&>(*input);
        arrow::Decimal128Builder out(out_type);
        ARROW_RETURN_NOT_OK(out.Reserve(values.length()));
        for (int64_t i = 0; i < values.length(); ++i) {
          if (values.IsNull(i)) {
            out.UnsafeAppendNull();
            continue;
          }
          arrow::Decimal128 v(values.GetValue(i));
          arrow::Decimal128 rounded;
          if (drop_digits > 38) {
            // |v| < 10^38 <= 10^drop: the quotient is 0, or +-1 rounding away from it.
            rounded = arrow::Decimal128(v.Sign() > 0 && ceil && v != 0 ? 1 : (v.Sign() < 0 && !ceil ? -1 : 0));
          } else {
            auto [quotient, remainder] = *v.Divide(arrow::Decimal128::GetScaleMultiplier(drop_digits));
            if (remainder != 0 && ceil && v.Sign() > 0) quotient += 1;
            if (remainder != 0 && !ceil && v.Sign() < 0) quotient -= 1;
            rounded = quotient;
          }
          bool fits = true;
          if (target < 0 && rounded != 0) {
            if (-target > 38) {
              fits = false;
            } else {
              rounded *= arrow::Decimal128::GetScaleMultiplier(-target);
            }
          }
          fits = fits && rounded.FitsInPrecision(out_type->precision());
          if (!fits) {
            if (c.ansi) {
              return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                                {{"value", v.ToString(s)}, {"precision", std::to_string(out_type->precision())},
                                 {"scale", std::to_string(out_type->scale())},
                                 {"config", "\"spark.sql.ansi.enabled\""}});
            }
            out.UnsafeAppendNull();
            continue;
          }
          out.UnsafeAppend(rounded);
        }
        ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
        if (a[0].is_scalar()) {
          ARROW_ASSIGN_OR_RAISE(auto scalar, result->GetScalar(0));
          return Datum(scalar);
        }
        return Datum(result);
      });
  return BoundExpr::Call(function, kernel, {args[0]}, out_type, true, std::move(name));
}

// ceil / floor of one argument: BIGINT for integral and floating point values
// (Java's saturating (long) cast; NaN is 0), DECIMAL(p - s + 1, 0) for decimals.
FunctionInfo CeilFloor(std::string name, std::string pretty_name, std::vector<std::string> aliases, bool ceil) {
  FunctionInfo info = MathInfo(std::move(name), std::move(pretty_name), std::move(aliases));
  info.bind_scalar = [info_copy = info, ceil](const std::string& called, std::vector<BoundExprPtr> args,
                                              const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1 && args.size() != 2) return WrongArgumentCount(called, "[1, 2]", args.size());
    if (args.size() == 2) {
      // Spark names the two-argument form as called, in lower case: ceil(x, 1), ceiling(x, 1).
      std::string name = arrow::internal::AsciiToLower(called) + "(" + args[0]->name + ", " + args[1]->name + ")";
      return CeilFloorToScale(info_copy.name, std::move(name), std::move(args), ceil, ctx);
    }
    std::string name = CallName(info_copy, called, args);
    const auto& type = *args[0]->type;
    const bool nullable = true;  // as Spark declares it
    if (type.id() == arrow::Type::DECIMAL128) {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(type);
      auto out_type = arrow::decimal128(std::min(38, decimal.precision() - decimal.scale() + 1), 0);
      auto kernel = std::make_shared<LambdaKernel>(
          [ceil, out_type](const std::vector<Datum>& a, int64_t, const EvalContext& c) -> Result<Datum> {
            arrow::compute::RoundOptions options(0, ceil ? arrow::compute::RoundMode::UP : arrow::compute::RoundMode::DOWN);
            ARROW_ASSIGN_OR_RAISE(auto rounded, arrow::compute::CallFunction("round", {a[0]}, &options));
            return CastDatum(rounded, out_type, true, c);
          });
      return BoundExpr::Call(info_copy.name, kernel, std::move(args), out_type, nullable, name);
    }
    if (types::IsIntegral(type)) {
      ARROW_ASSIGN_OR_RAISE(auto widened, BindCast(args[0], arrow::int64(), plan::CastMode::kDefault, true, ctx));
      auto kernel = std::make_shared<LambdaKernel>(
          [](const std::vector<Datum>& a, int64_t, const EvalContext&) -> Result<Datum> { return a[0]; });
      return BoundExpr::Call(info_copy.name, kernel, {widened}, arrow::int64(), nullable, name);
    }
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::float64(), name, 0,
                                                       "(\"DECIMAL\" or \"DOUBLE\" or \"BIGINT\")", ctx));
    auto body = [ceil](double x) -> int64_t {
      double r = ceil ? std::ceil(x) : std::floor(x);
      if (std::isnan(r)) return 0;
      if (r >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
      if (r <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
      return static_cast<int64_t>(r);
    };
    return BoundExpr::Call(info_copy.name, MakeScalarFunction<int64_t, double>(arrow::int64(), body), std::move(args),
                           arrow::int64(), nullable, name);
  };
  return info;
}

// Rounds the decimal text of a double (Java's Double.toString, as Scala's
// BigDecimal(d) reads it) to `scale` digits after the point.
double RoundDecimalText(double x, int scale, bool half_even) {
  if (std::isnan(x) || std::isinf(x)) return x;
  if (x == 0) return 0.0;  // a BigDecimal has no negative zero
  std::string text = FormatJavaDouble(x);
  bool negative = text[0] == '-';
  if (negative) text = text.substr(1);
  int exponent = 0;
  if (auto e = text.find('E'); e != std::string::npos) {
    exponent = std::atoi(text.c_str() + e + 1);
    text = text.substr(0, e);
  }
  auto point = text.find('.');
  std::string digits = text.substr(0, point) + (point == std::string::npos ? "" : text.substr(point + 1));
  int int_digits = static_cast<int>(point == std::string::npos ? text.size() : point) + exponent;
  // Value = 0.digits * 10^int_digits; keep int_digits + scale digits.
  int keep = int_digits + scale;
  if (keep >= static_cast<int>(digits.size())) return x;
  if (keep < 0) return 0.0;
  std::string kept = digits.substr(0, static_cast<size_t>(keep));
  std::string rest = digits.substr(static_cast<size_t>(keep));
  bool round_up;
  if (rest[0] > '5') {
    round_up = true;
  } else if (rest[0] < '5') {
    round_up = false;
  } else {
    bool beyond = rest.find_first_not_of('0', 1) != std::string::npos;
    bool odd = !kept.empty() && (kept.back() - '0') % 2 == 1;
    round_up = !half_even || beyond || odd;
  }
  if (round_up) {
    int i = static_cast<int>(kept.size()) - 1;
    for (; i >= 0 && kept[i] == '9'; --i) kept[i] = '0';
    if (i >= 0) {
      ++kept[i];
    } else {
      kept.insert(kept.begin(), '1');
      ++int_digits;
    }
  }
  if (kept.find_first_not_of('0') == std::string::npos) return 0.0;
  std::string out = (negative ? "-0." : "0.") + kept + "e" + std::to_string(int_digits);
  return std::strtod(out.c_str(), nullptr);
}

// An integral value rounded to 10^-scale (scale < 0), HALF_UP or HALF_EVEN.
__int128 RoundIntegral(__int128 v, int scale, bool half_even) {
  __int128 unit = 1;
  for (int i = 0; i < -scale && i < 38; ++i) unit *= 10;
  __int128 magnitude = v < 0 ? -v : v;
  __int128 low = magnitude % unit, base = magnitude - low;
  bool up = 2 * low > unit || (2 * low == unit && (!half_even || (base / unit) % 2 == 1));
  __int128 r = up ? base + unit : base;
  return v < 0 ? -r : r;
}

// round / bround(x[, scale]): HALF_UP / HALF_EVEN; the scale is a constant.
FunctionInfo Round(std::string name, bool half_even) {
  FunctionInfo info = MathInfo(std::move(name), "", {});
  info.can_fail = true;
  info.bind_scalar = [info_copy = info, half_even](const std::string& called, std::vector<BoundExprPtr> args,
                                                   const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() == 1) args.push_back(BoundExpr::Literal(arrow::MakeScalar(int32_t{0}), "0"));
    if (args.size() != 2) return WrongArgumentCount(called, "[1, 2]", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[1]->kind != plan::BoundKind::kLiteral) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", "\"" + name + "\""}, {"inputName", "`scale`"},
                            {"inputType", "\"" + types::SqlString(*args[1]->type) + "\""},
                            {"inputExpr", "\"" + args[1]->name + "\""}});
    }
    if (!types::IsIntegral(*args[1]->type)) return UnexpectedInputType(name, 1, "\"INT\"", *args[1]);
    ARROW_ASSIGN_OR_RAISE(auto scale_datum, arrow::compute::Cast(Datum(args[1]->literal), arrow::int32()));
    const auto& scale_scalar = *scale_datum.scalar();
    if (!scale_scalar.is_valid) return Unsupported(info_copy.name + " with a NULL scale");
    const int scale = static_cast<const arrow::Int32Scalar&>(scale_scalar).value;
    if (types::IsStringLike(*args[0]->type) || args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
    }
    const auto type = args[0]->type;
    const bool nullable = true;  // as Spark declares it
    if (type->id() == arrow::Type::DECIMAL128) {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(*type);
      if (scale < 0) return Unsupported(info_copy.name + " of a DECIMAL to a negative scale");
      int new_scale = std::min(scale, decimal.scale());
      auto out_type = arrow::decimal128(std::min(38, decimal.precision() - decimal.scale() + new_scale + 1), new_scale);
      auto mode = half_even ? arrow::compute::RoundMode::HALF_TO_EVEN : arrow::compute::RoundMode::HALF_TOWARDS_INFINITY;
      auto kernel = std::make_shared<LambdaKernel>(
          [new_scale, mode, out_type](const std::vector<Datum>& a, int64_t, const EvalContext& c) -> Result<Datum> {
            arrow::compute::RoundOptions options(new_scale, mode);
            ARROW_ASSIGN_OR_RAISE(auto rounded, arrow::compute::CallFunction("round", {a[0]}, &options));
            return CastDatum(rounded, out_type, true, c);
          });
      return BoundExpr::Call(info_copy.name, kernel, {args[0]}, out_type, nullable, name);
    }
    if (!types::IsNumeric(*type)) return UnexpectedInputType(name, 0, "\"NUMERIC\"", *args[0]);
    const bool ansi = ctx.ansi;
    auto kernel = WithNumericType(*type, [&](auto zero) -> std::shared_ptr<plan::ScalarKernel> {
      using T = decltype(zero);
      if constexpr (std::is_floating_point_v<T>) {
        return MakeScalarFunction<T, T>(type, [scale, half_even](T x) {
          return static_cast<T>(RoundDecimalText(static_cast<double>(x), scale, half_even));
        });
      } else {
        std::function<Status(T)> overflow = [](T) { return Overflow("Overflow"); };
        return MakeScalarFunction<T, T>(
            type,
            [scale, half_even, ansi](T* out, T v) {
              if (scale >= 0) {
                *out = v;
                return RowResult::kValue;
              }
              __int128 r = RoundIntegral(v, scale, half_even);
              if (r < std::numeric_limits<T>::min() || r > std::numeric_limits<T>::max()) {
                if (ansi) return RowResult::kError;
              }
              *out = static_cast<T>(static_cast<uint64_t>(static_cast<int64_t>(r)));  // wraps, as Java does
              return RowResult::kValue;
            },
            overflow);
      }
    });
    return BoundExpr::Call(info_copy.name, kernel, {args[0]}, type, nullable, name);
  };
  return info;
}

// Spark orders NaN above every other double.
template <typename T>
bool Greater(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return !std::isnan(b);
    if (std::isnan(b)) return false;
  }
  return a > b;
}

// greatest / least: the largest / smallest non-NULL argument, NULL when all are.
FunctionInfo GreatestLeast(std::string name, bool greatest) {
  FunctionInfo info = MathInfo(std::move(name), "", {});
  info.null_intolerant = false;
  info.bind_scalar = [info_copy = info, greatest](const std::string& called, std::vector<BoundExprPtr> args,
                                                  const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() < 2) return WrongArgumentCount(called, "> 1", args.size());
    std::string name = CallName(info_copy, called, args);
    std::shared_ptr<arrow::DataType> common = arrow::null();
    for (const auto& a : args) {
      common = common ? WiderType(common, a->type) : nullptr;
    }
    if (!common) {
      std::string list;
      for (const auto& a : args) list += (list.empty() ? "" : ", ") + ("\"" + types::SqlString(*a->type) + "\"");
      return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES", {{"sqlExpr", "\"" + name + "\""},
                                                                  {"functionName", "`" + info_copy.name + "`"},
                                                                  {"dataType", "[" + list + "]"}});
    }
    bool nullable = true;
    for (auto& a : args) {
      ARROW_ASSIGN_OR_RAISE(a, BindCast(a, common, plan::CastMode::kDefault, true, ctx));
      nullable &= a->nullable;
    }
    if (common->id() == arrow::Type::NA) {
      return ConstantCall(info_copy.name, arrow::MakeNullScalar(arrow::null()), true, name);
    }
    if (NumericRank(*common) == 0) {
      // Other orderable types through Arrow's element-wise min / max (NULLs skipped).
      auto kernel = std::make_shared<LambdaKernel>(
          [greatest](const std::vector<Datum>& a, int64_t, const EvalContext&) -> Result<Datum> {
            arrow::compute::ElementWiseAggregateOptions options(/*skip_nulls=*/true);
            std::vector<Datum> values;  // year-month intervals as their int32 months
            for (const auto& v : a) values.push_back(MonthsAsInt32(v));
            ARROW_ASSIGN_OR_RAISE(
                Datum result,
                arrow::compute::CallFunction(greatest ? "max_element_wise" : "min_element_wise", values, &options));
            return a[0].type()->id() == arrow::Type::INTERVAL_MONTHS ? Int32AsMonths(result) : result;
          });
      return BoundExpr::Call(info_copy.name, kernel, std::move(args), common, nullable, name);
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [greatest, common](const std::vector<Datum>& a, int64_t length, const EvalContext&) -> Result<Datum> {
          return WithNumericType(*common, [&](auto zero) -> Result<Datum> {
            using T = decltype(zero);
            const bool scalar_output = AllScalars(a);
            const int64_t rows = scalar_output ? 1 : length;
            std::vector<FixedWidthArg<T>> inputs;
            for (const auto& d : a) inputs.emplace_back(d);
            arrow::NumericBuilder<typename arrow::CTypeTraits<T>::ArrowType> builder(common,
                                                                                      arrow::default_memory_pool());
            ARROW_RETURN_NOT_OK(builder.Reserve(rows));
            for (int64_t i = 0; i < rows; ++i) {
              bool found = false;
              T best{};
              for (const auto& in : inputs) {
                if (!in.IsValid(i)) continue;
                T v = in.Value(i);
                if (!found || (greatest ? Greater(v, best) : Greater(best, v))) best = v;
                found = true;
              }
              if (found) {
                builder.UnsafeAppend(best);
              } else {
                builder.UnsafeAppendNull();
              }
            }
            return FinishResult(builder.Finish(), scalar_output);
          });
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), common, nullable, name);
  };
  return info;
}

Status DivisionByZero(const char* error_class) {
  return SparkError(SparkExceptionKind::kArithmetic, error_class, {{"config", "\"spark.sql.ansi.enabled\""}});
}

// pmod(a, b): the remainder with b's sign made positive, in the wider type.
FunctionInfo Pmod() {
  FunctionInfo info = MathInfo("pmod", "", {});
  info.can_fail = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      if (types::IsStringLike(*args[i]->type)) {
        ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], arrow::float64(), plan::CastMode::kDefault, true, ctx));
      }
      if (args[i]->type->id() == arrow::Type::DECIMAL128) return Unsupported("pmod of DECIMAL values");
      if (NumericRank(*args[i]->type) == 0 && args[i]->type->id() != arrow::Type::NA) {
        return UnexpectedInputType(name, i, "\"NUMERIC\"", *args[i]);
      }
    }
    auto type = WiderType(args[0]->type, args[1]->type);
    if (type->id() == arrow::Type::NA) type = arrow::float64();
    for (auto& a : args) {
      ARROW_ASSIGN_OR_RAISE(a, BindCast(a, type, plan::CastMode::kDefault, true, ctx));
    }
    const bool ansi = ctx.ansi;
    auto kernel = WithNumericType(*type, [&](auto zero) -> std::shared_ptr<plan::ScalarKernel> {
      using T = decltype(zero);
      std::function<Status(T, T)> by_zero = [](T, T) { return DivisionByZero("REMAINDER_BY_ZERO"); };
      return MakeScalarFunction<T, T, T>(
          type,
          [ansi](T* out, T a, T b) {
            if (b == 0) return ansi ? RowResult::kError : RowResult::kNull;
            if constexpr (std::is_integral_v<T>) {
              if (b == -1) {
                *out = 0;
                return RowResult::kValue;
              }
              T r = static_cast<T>(a % b);
              *out = r < 0 ? static_cast<T>((r + b) % b) : r;
            } else {
              T r = std::fmod(a, b);
              *out = r < 0 ? std::fmod(r + b, b) : r;
            }
            return RowResult::kValue;
          },
          by_zero);
    });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, true, name);
  };
  return info;
}

// a div b: integral division of BIGINTs.
FunctionInfo IntegralDivide() {
  FunctionInfo info = MathInfo("div", "", {});
  info.name_style = NameStyle::kInfix;
  info.sql_symbol = "div";
  info.can_fail = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      if (args[i]->type->id() == arrow::Type::DECIMAL128 || types::IsFractional(*args[i]->type)) {
        return Unsupported("div of non-integral values");
      }
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int64(), name, i, "\"BIGINT\"", ctx));
    }
    const bool ansi = ctx.ansi;
    std::function<Status(int64_t, int64_t)> error = [](int64_t, int64_t b) {
      return b == 0 ? DivisionByZero("DIVIDE_BY_ZERO") : Overflow("long overflow");
    };
    auto kernel = MakeScalarFunction<int64_t, int64_t, int64_t>(
        arrow::int64(),
        [ansi](int64_t* out, int64_t a, int64_t b) {
          if (b == 0) return ansi ? RowResult::kError : RowResult::kNull;
          if (a == std::numeric_limits<int64_t>::min() && b == -1) {
            if (ansi) return RowResult::kError;
            *out = a;
            return RowResult::kValue;
          }
          *out = a / b;
          return RowResult::kValue;
        },
        error);
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), true, name);
  };
  return info;
}

// factorial(n) for 0 <= n <= 20, NULL otherwise.
FunctionInfo Factorial() {
  FunctionInfo info = MathInfo("factorial", "", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::int32(), name, 0, "\"INT\"", ctx));
    auto kernel = MakeScalarFunction<int64_t, int32_t>(arrow::int64(), [](int64_t* out, int32_t n) {
      if (n < 0 || n > 20) return RowResult::kNull;
      int64_t f = 1;
      for (int32_t k = 2; k <= n; ++k) f *= k;
      *out = f;
      return RowResult::kValue;
    });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), true, name);
  };
  return info;
}

// width_bucket(value, min, max, n): the bucket of `value` among n equal-width
// buckets between min and max (0 below, n + 1 above); NULL for a bad layout.
FunctionInfo WidthBucket() {
  FunctionInfo info = MathInfo("width_bucket", "", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 4) return WrongArgumentCount(called, "4", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 3; ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::float64(), name, i, kDouble, ctx));
    }
    ARROW_ASSIGN_OR_RAISE(args[3], CastNumericArgument(args[3], arrow::int64(), name, 3, "\"BIGINT\"", ctx));
    auto kernel = MakeScalarFunction<int64_t, double, double, double, int64_t>(
        arrow::int64(), [](int64_t* out, double value, double min, double max, int64_t buckets) {
          if (buckets <= 0 || buckets == std::numeric_limits<int64_t>::max() || std::isnan(value) || min == max ||
              std::isnan(min) || std::isinf(min) || std::isnan(max) || std::isinf(max)) {
            return RowResult::kNull;
          }
          const double lower = std::min(min, max), upper = std::max(min, max);
          if (min < max) {
            *out = value < lower    ? 0
                   : value >= upper ? buckets + 1
                                    : static_cast<int64_t>(static_cast<double>(buckets) * (value - lower) /
                                                           (upper - lower)) + 1;
          } else {
            *out = value > upper    ? 0
                   : value <= lower ? buckets + 1
                                    : static_cast<int64_t>(static_cast<double>(buckets) * (upper - value) /
                                                           (upper - lower)) + 1;
          }
          return RowResult::kValue;
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), true, name);
  };
  return info;
}

// try_add & co.: the operator with ANSI errors turned into NULL, named try_add(a, b).
FunctionInfo TryArithmetic(std::string name, std::string op) {
  FunctionInfo info = MathInfo(std::move(name), "", {});
  info.null_intolerant = false;
  info.bind_scalar = [info_copy = info, op](const std::string& called, std::vector<BoundExprPtr> args,
                                            const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    EvalContext lenient = ctx;
    lenient.ansi = false;
    // DATE + n, n + DATE and DATE - n are date_add / date_sub, as Spark resolves them.
    const bool date0 = args[0]->type->id() == arrow::Type::DATE32, date1 = args[1]->type->id() == arrow::Type::DATE32;
    std::string target = op;
    if (op == "+" && date0 && types::IsIntegral(*args[1]->type)) target = "date_add";
    if (op == "+" && date1 && types::IsIntegral(*args[0]->type)) {
      std::swap(args[0], args[1]);
      target = "date_add";
    }
    if (op == "-" && date0 && types::IsIntegral(*args[1]->type)) target = "date_sub";
    ARROW_ASSIGN_OR_RAISE(auto bound, BindFunctionCall(target, std::move(args), lenient));
    if (bound->kind != plan::BoundKind::kCall) return bound;
    auto inner = bound->kernel;
    auto kernel = std::make_shared<LambdaKernel>(
        [inner](const std::vector<Datum>& a, int64_t length, const EvalContext& c) {
          EvalContext without_ansi = c;
          without_ansi.ansi = false;
          return inner->Execute(a, length, without_ansi);
        });
    return BoundExpr::Call(info_copy.name, kernel, bound->args, bound->type, true, name);
  };
  return info;
}

// bin(n): n's two's-complement bits without leading zeros (Long.toBinaryString).
FunctionInfo Bin() {
  FunctionInfo info = MathInfo("bin", "", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::int64(), name, 0, "\"BIGINT\"", ctx));
    auto kernel = MakeScalarFunction<std::string, int64_t>(arrow::utf8(), [](int64_t n) {
      auto bits = static_cast<uint64_t>(n);
      std::string out;
      do {
        out.insert(out.begin(), static_cast<char>('0' + (bits & 1)));
        bits >>= 1;
      } while (bits != 0);
      return out;
    });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), nullable, name);
  };
  return info;
}

constexpr char kHexDigits[] = "0123456789ABCDEF";

// hex(x): upper-case hex of a BIGINT (two's complement) or of the bytes of a
// string or binary value.
FunctionInfo Hex() {
  FunctionInfo info = MathInfo("hex", "", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    bool nullable = args[0]->nullable;
    if (types::IsStringLike(*args[0]->type) || args[0]->type->id() == arrow::Type::BINARY) {
      auto kernel = MakeScalarFunction<std::string, std::string_view>(arrow::utf8(), [](std::string_view bytes) {
        std::string out;
        out.reserve(bytes.size() * 2);
        for (unsigned char c : bytes) {
          out += kHexDigits[c >> 4];
          out += kHexDigits[c & 15];
        }
        return out;
      });
      return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), nullable, name);
    }
    if (!types::IsIntegral(*args[0]->type) && args[0]->type->id() != arrow::Type::NA) {
      return UnexpectedInputType(name, 0, "(\"BIGINT\" or \"BINARY\" or \"STRING\")", *args[0]);
    }
    ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int64(), plan::CastMode::kDefault, true, ctx));
    auto kernel = MakeScalarFunction<std::string, int64_t>(arrow::utf8(), [](int64_t n) {
      auto bits = static_cast<uint64_t>(n);
      std::string out;
      do {
        out.insert(out.begin(), kHexDigits[bits & 15]);
        bits >>= 4;
      } while (bits != 0);
      return out;
    });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), nullable, name);
  };
  return info;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unhex(s): the bytes of hex text (an odd length reads a leading 0); NULL when
// a character is no hex digit.
FunctionInfo Unhex() {
  FunctionInfo info = MathInfo("unhex", "", {});
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
    auto kernel = MakeScalarFunction<std::string, std::string_view>(
        arrow::binary(), [](std::string* out, std::string_view text) {
          size_t i = 0;
          if (text.size() % 2 == 1) {
            int low = HexValue(text[0]);
            if (low < 0) return RowResult::kNull;
            out->push_back(static_cast<char>(low));
            i = 1;
          }
          for (; i < text.size(); i += 2) {
            int high = HexValue(text[i]), low = HexValue(text[i + 1]);
            if (high < 0 || low < 0) return RowResult::kNull;
            out->push_back(static_cast<char>(high << 4 | low));
          }
          return RowResult::kValue;
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::binary(), true, name);
  };
  return info;
}

int DigitValue(char c, int radix) {
  int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
  return v < radix ? v : -1;
}

// conv(num, from_base, to_base) as Spark's NumberConverter: the (space-trimmed) digits up to the
// first one invalid in from_base, read as an unsigned 64-bit number (a leading
// '-' negates it); a negative to_base prints a signed result. Overflow is an
// error under ANSI and all ones otherwise.
FunctionInfo Conv() {
  FunctionInfo info = MathInfo("conv", "", {});
  info.can_fail = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
    for (int i = 1; i < 3; ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), name, i, "\"INT\"", ctx));
    }
    const bool ansi = ctx.ansi;
    std::function<Status(std::string_view, int32_t, int32_t)> overflow = [](std::string_view, int32_t, int32_t) {
      return Overflow("Overflow in function conv()");
    };
    auto kernel = MakeScalarFunction<std::string, std::string_view, int32_t, int32_t>(
        arrow::utf8(),
        [ansi](std::string* out, std::string_view text, int32_t from, int32_t to) {
          while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
          while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
          if (from < 2 || from > 36 || std::abs(to) < 2 || std::abs(to) > 36 || text.empty()) return RowResult::kNull;
          bool negative = text[0] == '-';
          uint64_t value = 0;
          const uint64_t bound = (~uint64_t{0} - static_cast<uint64_t>(from)) / static_cast<uint64_t>(from);
          for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
            int digit = DigitValue(text[i], from);
            if (digit < 0) break;
            if (value >= bound && (~uint64_t{0} - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(from) < value) {
              if (ansi) return RowResult::kError;
              value = ~uint64_t{0};
              break;
            }
            value = value * static_cast<uint64_t>(from) + static_cast<uint64_t>(digit);
          }
          auto signed_value = static_cast<int64_t>(value);
          if (negative && to > 0) signed_value = signed_value < 0 ? -1 : -signed_value;
          bool print_minus = false;
          if (to < 0 && signed_value < 0) {
            signed_value = -signed_value;
            print_minus = true;
          } else if (to < 0 && negative) {
            print_minus = true;
          }
          auto magnitude = static_cast<uint64_t>(signed_value);
          const auto radix = static_cast<uint64_t>(std::abs(to));
          std::string digits;
          do {
            digits.insert(digits.begin(), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[magnitude % radix]);
            magnitude /= radix;
          } while (magnitude != 0);
          if (print_minus) digits.insert(digits.begin(), '-');
          *out = std::move(digits);
          return RowResult::kValue;
        },
        overflow);
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), true, name);
  };
  return info;
}

constexpr double kRadiansToDegrees = 57.29577951308232;
constexpr double kDegreesToRadians = 0.017453292519943295;

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  auto unary = [&](const char* name, const char* pretty, std::vector<std::string> aliases, double (*fn)(double)) {
    registry.Add(DoubleFunction(name, pretty, std::move(aliases), fn));
  };
  unary("sqrt", "SQRT", {}, [](double x) { return std::sqrt(x); });
  unary("cbrt", "CBRT", {}, [](double x) { return std::cbrt(x); });
  unary("exp", "EXP", {}, [](double x) { return StrictExp(x); });  // Spark: StrictMath.exp
  unary("expm1", "EXPM1", {}, [](double x) { return std::expm1(x); });
  unary("sin", "SIN", {}, [](double x) { return std::sin(x); });
  unary("cos", "COS", {}, [](double x) { return std::cos(x); });
  unary("tan", "TAN", {}, [](double x) { return std::tan(x); });
  unary("asin", "ASIN", {}, [](double x) { return std::asin(x); });
  unary("acos", "ACOS", {}, [](double x) { return std::acos(x); });
  unary("atan", "ATAN", {}, [](double x) { return std::atan(x); });
  unary("sinh", "SINH", {}, [](double x) { return std::sinh(x); });
  unary("cosh", "COSH", {}, [](double x) { return StrictCosh(x); });  // Math.cosh is StrictMath.cosh
  unary("tanh", "TANH", {}, [](double x) { return std::tanh(x); });
  // Spark's formulas (Acosh, Asinh, Atanh, Cot, Csc, Sec), not the C library's
  // functions: the last bits follow the formula.
  unary("acosh", "ACOSH", {}, [](double x) {
    static const double kLarge = std::sqrt(std::numeric_limits<double>::max());
    if (x >= kLarge) return std::log(2.0) + std::log(x);  // x * x would overflow
    if (x < 1.0) return std::numeric_limits<double>::quiet_NaN();
    return std::log(x + std::sqrt(x * x - 1.0));
  });
  unary("asinh", "ASINH", {}, [](double x) {
    static const double kLarge = std::sqrt(std::numeric_limits<double>::max()) - 1.0;
    if (std::fabs(x) >= kLarge) return std::copysign(std::log(2.0) + std::log(std::fabs(x)), x);
    return std::log(x + std::sqrt(x * x + 1.0));
  });
  unary("atanh", "ATANH", {}, [](double x) { return 0.5 * (std::log1p(x) - std::log1p(-x)); });
  unary("cot", "COT", {}, [](double x) { return 1 / std::tan(x); });
  unary("csc", "CSC", {}, [](double x) { return 1 / std::sin(x); });
  unary("sec", "SEC", {}, [](double x) { return 1 / std::cos(x); });
  unary("degrees", "DEGREES", {}, [](double x) { return x * kRadiansToDegrees; });
  unary("radians", "RADIANS", {}, [](double x) { return x * kDegreesToRadians; });
  unary("rint", "", {}, [](double x) { return std::nearbyint(x); });
  unary("signum", "SIGNUM", {"sign"}, [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; });
  registry.Add(DoubleFunction("ln", "", {}, LogBody([](double x) { return StrictLog(x); }, 0)));
  registry.Add(DoubleFunction("log10", "LOG10", {}, LogBody([](double x) { return std::log10(x); }, 0)));
  // Spark divides natural logarithms (not std::log2: the last bit differs).
  registry.Add(DoubleFunction("log2", "LOG2", {}, LogBody([](double x) { return StrictLog(x) / StrictLog(2.0); }, 0)));
  registry.Add(DoubleFunction("log1p", "LOG1P", {}, LogBody([](double x) { return std::log1p(x); }, -1)));
  registry.Add(Log());
  registry.Add(DoubleFunction2("power", "POWER", {"pow"}, [](double a, double b) { return std::pow(a, b); }));
  registry.Add(DoubleFunction2("atan2", "ATAN2", {}, [](double y, double x) { return std::atan2(y + 0.0, x + 0.0); }));
  registry.Add(DoubleFunction2("hypot", "HYPOT", {}, [](double a, double b) { return std::hypot(a, b); }));
  registry.Add(Constant("pi", "PI", M_PI));
  registry.Add(Constant("e", "E", M_E));
  registry.Add(Abs());
  registry.Add(Positive());
  registry.Add(CeilFloor("ceil", "CEIL", {"ceiling"}, true));
  registry.Add(CeilFloor("floor", "FLOOR", {}, false));
  registry.Add(Round("round", false));
  registry.Add(Round("bround", true));
  registry.Add(GreatestLeast("greatest", true));
  registry.Add(GreatestLeast("least", false));
  registry.Add(Pmod());
  registry.Add(IntegralDivide());
  registry.Add(Factorial());
  registry.Add(WidthBucket());
  registry.Add(Bin());
  registry.Add(Hex());
  registry.Add(Unhex());
  registry.Add(Conv());
  registry.Add(TryArithmetic("try_add", "+"));
  registry.Add(TryArithmetic("try_subtract", "-"));
  registry.Add(TryArithmetic("try_multiply", "*"));
  registry.Add(TryArithmetic("try_divide", "/"));
  registry.Add(TryArithmetic("try_mod", "%"));
}

}  // namespace sk8::functions
