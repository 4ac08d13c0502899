#include "functions/cast.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>
#include <arrow/visit_type_inline.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "functions/cast_internal.h"
#include "functions/function_registry.h"
#include "functions/time_util.h"
#include "functions/time_values.h"
#include "functions/variant_functions.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {

using arrow::Datum;
using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::CastMode;
using plan::EvalContext;

// ---------------------------------------------------------------------------
// Java number formatting

namespace {

// Java prints the shortest digits that round-trip, in plain notation for
// 1e-3 <= |v| < 1e7 and as d.dddE<n> otherwise, always with a fractional digit.
// Since Java prints two digits anyway when one would do, it then picks the
// two-digit decimal closest to the value (Double.toString's javadoc: "length 1
// or 2"): Double.MIN_VALUE is 4.9E-324, not 5.0E-324.
template <typename T>
std::string FormatJavaFloating(T value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  if (sci.find('.') == std::string::npos) {  // one significant digit: try the closest two
    char two[64];
    auto two_res = std::to_chars(two, two + sizeof(two), value, std::chars_format::scientific, 1);
    T back{};
    auto parsed = std::from_chars(two, two_res.ptr, back);
    if (parsed.ec == std::errc() && back == value) sci.assign(two, two_res.ptr);
  }
  // sci looks like "-1.2345e+05"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  double magnitude = std::fabs(static_cast<double>(value));
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(int_part.size()) < exponent + 1) int_part += '0';
      std::string frac = digits.size() > static_cast<size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      out = int_part + "." + frac;
    } else {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    std::string frac = digits.size() > 1 ? digits.substr(1) : "0";
    out = digits.substr(0, 1) + "." + frac + "E" + std::to_string(exponent);
  }
  return negative ? "-" + out : out;
}

}  // namespace

std::string FormatJavaDouble(double value) { return FormatJavaFloating(value); }
std::string FormatJavaFloat(float value) { return FormatJavaFloating(value); }

// ---------------------------------------------------------------------------
// Values to Spark strings

namespace {

Status AppendValueString(const arrow::Array& array, int64_t i, const EvalContext& ctx,
                         bool nested, std::string* out);

Status AppendValueString(const arrow::Array& array, int64_t i, const EvalContext& ctx,
                         bool nested, std::string* out) {
  if (array.IsNull(i)) {
    *out += "NULL";
    return Status::OK();
  }
  if (types::IsVariant(*array.type())) {
    ARROW_ASSIGN_OR_RAISE(auto json, VariantJsonTexts(*array.Slice(i, 1), ctx));
    *out += static_cast<const arrow::StringArray&>(*json).GetView(0);
    return Status::OK();
  }
  switch (array.type_id()) {
    case arrow::Type::BOOL:
      *out += static_cast<const arrow::BooleanArray&>(array).Value(i) ? "true" : "false";
      break;
    case arrow::Type::INT8: *out += std::to_string(static_cast<const arrow::Int8Array&>(array).Value(i)); break;
    case arrow::Type::INT16: *out += std::to_string(static_cast<const arrow::Int16Array&>(array).Value(i)); break;
    case arrow::Type::INT32: *out += std::to_string(static_cast<const arrow::Int32Array&>(array).Value(i)); break;
    case arrow::Type::INT64: *out += std::to_string(static_cast<const arrow::Int64Array&>(array).Value(i)); break;
    case arrow::Type::FLOAT: *out += FormatJavaFloat(static_cast<const arrow::FloatArray&>(array).Value(i)); break;
    case arrow::Type::DOUBLE: *out += FormatJavaDouble(static_cast<const arrow::DoubleArray&>(array).Value(i)); break;
    case arrow::Type::DECIMAL128: {
      const auto& dec = static_cast<const arrow::Decimal128Array&>(array);
      const auto& type = static_cast<const arrow::Decimal128Type&>(*array.type());
      *out += arrow::Decimal128(dec.GetValue(i)).ToString(type.scale());
      break;
    }
    case arrow::Type::STRING: *out += static_cast<const arrow::StringArray&>(array).GetView(i); break;
    case arrow::Type::LARGE_STRING: *out += static_cast<const arrow::LargeStringArray&>(array).GetView(i); break;
    case arrow::Type::BINARY: {
      // Spark renders binary as hex bytes in brackets: [01 FF]
      auto view = static_cast<const arrow::BinaryArray&>(array).GetView(i);
      *out += "[";
      static const char* kHex = "0123456789ABCDEF";
      for (size_t k = 0; k < view.size(); ++k) {
        if (k) *out += ' ';
        unsigned char c = static_cast<unsigned char>(view[k]);
        *out += kHex[c >> 4];
        *out += kHex[c & 15];
      }
      *out += "]";
      break;
    }
    case arrow::Type::DATE32:
      *out += FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i));
      break;
    case arrow::Type::TIME64: *out += FormatTime(static_cast<const arrow::Time64Array&>(array).Value(i)); break;
    case arrow::Type::TIMESTAMP: {
      int64_t micros = static_cast<const arrow::TimestampArray&>(array).Value(i);
      if (types::IsTimestampLtz(*array.type())) {
        ARROW_ASSIGN_OR_RAISE(micros, UtcToLocalMicros(micros, ctx.session_time_zone));
      }
      *out += FormatTimestamp(micros);
      break;
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(array);
      auto values = list.values();
      *out += "[";
      for (int64_t k = list.value_offset(i); k < list.value_offset(i) + list.value_length(i); ++k) {
        if (k != list.value_offset(i)) *out += ", ";
        ARROW_RETURN_NOT_OK(AppendValueString(*values, k, ctx, true, out));
      }
      *out += "]";
      break;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(array);
      *out += "{";
      for (int64_t k = map.value_offset(i); k < map.value_offset(i) + map.value_length(i); ++k) {
        if (k != map.value_offset(i)) *out += ", ";
        ARROW_RETURN_NOT_OK(AppendValueString(*map.keys(), k, ctx, true, out));
        *out += " -> ";
        ARROW_RETURN_NOT_OK(AppendValueString(*map.items(), k, ctx, true, out));
      }
      *out += "}";
      break;
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(array);
      *out += "{";
      for (int f = 0; f < st.num_fields(); ++f) {
        if (f) *out += ", ";
        ARROW_RETURN_NOT_OK(AppendValueString(*st.field(f), i, ctx, true, out));
      }
      *out += "}";
      break;
    }
    case arrow::Type::NA: *out += "NULL"; break;
    case arrow::Type::INTERVAL_MONTHS: {
      // A year-month interval in Spark's ANSI style: INTERVAL '-1-2' YEAR TO MONTH.
      const int64_t months = static_cast<const arrow::MonthIntervalArray&>(array).Value(i);
      const int64_t magnitude = months < 0 ? -months : months;
      *out += "INTERVAL '" + std::string(months < 0 ? "-" : "") + std::to_string(magnitude / 12) + "-" +
              std::to_string(magnitude % 12) + "' YEAR TO MONTH";
      break;
    }
    case arrow::Type::INTERVAL_MONTH_DAY_NANO: {
      // A calendar interval as Spark's CalendarInterval.toString writes it:
      // "1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds", zero units left out.
      const auto v = static_cast<const arrow::MonthDayNanoIntervalArray&>(array).GetValue(i);
      const int64_t micros = v.nanoseconds / 1000;
      if (v.months == 0 && v.days == 0 && micros == 0) {
        *out += "0 seconds";
        break;
      }
      std::string text;
      auto unit = [&](int64_t value, const char* name) {
        if (value != 0) text += std::to_string(value) + " " + name + " ";
      };
      unit(v.months / 12, "years");
      unit(v.months % 12, "months");
      unit(v.days, "days");
      unit(micros / 3600000000LL, "hours");
      unit(micros % 3600000000LL / 60000000LL, "minutes");
      const int64_t rest = micros % 60000000LL;
      if (rest != 0) {
        const uint64_t magnitude = rest < 0 ? 0 - static_cast<uint64_t>(rest) : static_cast<uint64_t>(rest);
        std::string seconds = std::to_string(magnitude / 1000000);
        if (magnitude % 1000000 != 0) {
          char digits[8];
          std::snprintf(digits, sizeof(digits), "%06llu", static_cast<unsigned long long>(magnitude % 1000000));
          std::string f = digits;
          f.erase(f.find_last_not_of('0') + 1);
          seconds += "." + f;
        }
        text += std::string(rest < 0 ? "-" : "") + seconds + " seconds ";
      }
      text.pop_back();
      *out += text;
      break;
    }
    case arrow::Type::DURATION: {
      // A day-time interval (microseconds): INTERVAL '-1 02:03:04.5' DAY TO SECOND,
      // the fraction without trailing zeros.
      const int64_t micros = static_cast<const arrow::DurationArray&>(array).Value(i);
      const uint64_t magnitude = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
      const uint64_t seconds = magnitude / 1000000, fraction = magnitude % 1000000;
      char clock[64];
      std::snprintf(clock, sizeof(clock), "%llu %02llu:%02llu:%02llu", static_cast<unsigned long long>(seconds / 86400),
                    static_cast<unsigned long long>(seconds / 3600 % 24),
                    static_cast<unsigned long long>(seconds / 60 % 60), static_cast<unsigned long long>(seconds % 60));
      std::string text = clock;
      if (fraction != 0) {
        char digits[8];
        std::snprintf(digits, sizeof(digits), "%06llu", static_cast<unsigned long long>(fraction));
        std::string f = digits;
        f.erase(f.find_last_not_of('0') + 1);
        text += "." + f;
      }
      *out += "INTERVAL '" + std::string(micros < 0 ? "-" : "") + text + "' DAY TO SECOND";
      break;
    }
    default:
      return Unsupported("rendering values of type " + array.type()->ToString() + " as strings");
  }
  (void)nested;
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<arrow::Array>> ToSparkStrings(const arrow::Array& values, const EvalContext& ctx,
                                                     bool for_show) {
  if (types::IsVariant(*values.type())) {
    // show() prints a variant's JSON ("str", null); CAST gives a string's text and NULL for a variant null.
    return for_show ? VariantJsonTexts(values, ctx) : CastVariantArray(values, arrow::utf8(), false, ctx);
  }
  if (!for_show && values.type_id() == arrow::Type::BINARY) {
    ARROW_ASSIGN_OR_RAISE(auto as_string, values.View(arrow::utf8()));
    return as_string;
  }
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(values.length()));
  std::string text;
  for (int64_t i = 0; i < values.length(); ++i) {
    if (values.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    text.clear();
    ARROW_RETURN_NOT_OK(AppendValueString(values, i, ctx, false, &text));
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return builder.Finish();
}

Result<std::string> ScalarToSparkString(const arrow::Scalar& value, const EvalContext& ctx) {
  if (!value.is_valid) return std::string("NULL");
  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(value, 1));
  std::string out;
  ARROW_RETURN_NOT_OK(AppendValueString(*array, 0, ctx, false, &out));
  return out;
}

std::string SqlLiteral(const arrow::Scalar& value, const EvalContext& ctx) {
  if (!value.is_valid) return "NULL";
  auto text = ScalarToSparkString(value, ctx);
  std::string s = text.ok() ? *text : value.ToString();
  switch (value.type->id()) {
    case arrow::Type::INT8: return s + "Y";
    case arrow::Type::INT16: return s + "S";
    case arrow::Type::INT64: return s + "L";
    case arrow::Type::DOUBLE: return s + "D";
    case arrow::Type::FLOAT: return s + "F";
    case arrow::Type::DECIMAL128: return s + "BD";
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING: {
      std::string quoted = "'";
      for (char c : s) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
      }
      return quoted + "'";
    }
    case arrow::Type::DATE32: return "DATE '" + s + "'";
    case arrow::Type::TIME64: return "TIME '" + s + "'";
    case arrow::Type::TIMESTAMP:
      return (types::IsTimestampLtz(*value.type) ? "TIMESTAMP '" : "TIMESTAMP_NTZ '") + s + "'";
    case arrow::Type::BINARY: {
      std::string hex = "X'";
      for (char c : s) if (c != '[' && c != ']' && c != ' ') hex += c;
      return hex + "'";
    }
    default: return s;
  }
}

std::string LiteralColumnName(const arrow::Scalar& value, const EvalContext& ctx) {
  if (!value.is_valid) return "NULL";
  auto id = value.type->id();
  if (types::IsNumeric(*value.type) || id == arrow::Type::STRING || id == arrow::Type::LARGE_STRING ||
      id == arrow::Type::BOOL) {
    auto text = ScalarToSparkString(value, ctx);
    return text.ok() ? *text : value.ToString();
  }
  return SqlLiteral(value, ctx);
}

// ---------------------------------------------------------------------------
// Casting

namespace {

}  // namespace

namespace internal {

Status CastOverflowError(const arrow::Scalar& value, const arrow::DataType& from, const arrow::DataType& to,
                    const EvalContext& ctx) {
  return SparkError(SparkExceptionKind::kArithmetic, "CAST_OVERFLOW",
                    {{"value", SqlLiteral(value, ctx)},
                     {"sourceType", "\"" + types::SqlString(from) + "\""},
                     {"targetType", "\"" + types::SqlString(to) + "\""},
                     {"ansiConfig", "\"spark.sql.ansi.enabled\""}});
}

Status CastInvalidInputError(std::string_view text, const arrow::DataType& from, const arrow::DataType& to) {
  std::string quoted = "'";
  quoted += text;
  quoted += "'";
  // Spark raises this from different exception classes by target type.
  SparkExceptionKind kind = SparkExceptionKind::kNumberFormat;
  if (to.id() == arrow::Type::DATE32 || to.id() == arrow::Type::TIMESTAMP || to.id() == arrow::Type::TIME64) {
    kind = SparkExceptionKind::kDateTime;
  }
  if (to.id() == arrow::Type::BOOL) kind = SparkExceptionKind::kRuntime;
  return SparkError(kind, "CAST_INVALID_INPUT",
                    {{"expression", quoted},
                     {"sourceType", "\"" + types::SqlString(from) + "\""},
                     {"targetType", "\"" + types::SqlString(to) + "\""},
                     {"ansiConfig", "\"spark.sql.ansi.enabled\""}});
}

std::string_view TrimSparkSpaces(std::string_view s) {
  // Spark trims ASCII whitespace and control characters (<= ' ') on both ends.
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

}  // namespace internal

namespace {

using internal::CastInvalidInputError;
using internal::CastOverflowError;
using internal::TrimSparkSpaces;

// Spark's UTF8String.toLong (ANSI): optional sign, digits, and an optional
// fractional part that is dropped; anything else is invalid.
bool ParseSparkIntegral(std::string_view s, int64_t min, int64_t max, bool allow_fraction, int64_t* out) {
  s = TrimSparkSpaces(s);
  if (s.empty()) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return false;
  }
  // Accumulate negatively to cover min values.
  int64_t result = 0;
  bool any_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') break;
    if (c < '0' || c > '9') return false;
    any_digit = true;
    int digit = c - '0';
    if (result < (std::numeric_limits<int64_t>::min() + digit) / 10) return false;
    result = result * 10 - digit;
  }
  if (i < s.size()) {  // fractional part: legacy mode drops it, ANSI rejects it
    if (!allow_fraction) return false;
    ++i;
    for (; i < s.size(); ++i) if (s[i] < '0' || s[i] > '9') return false;
  }
  if (!any_digit && i == s.size() && s.find('.') == std::string_view::npos) return false;
  if (!negative) {
    if (result == std::numeric_limits<int64_t>::min()) return false;
    result = -result;
  }
  if (result < min || result > max) return false;
  *out = result;
  return true;
}

bool ParseSparkDouble(std::string_view s, double* out) {
  s = TrimSparkSpaces(s);
  if (s.empty()) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view body = lower;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") {
    *out = negative ? -INFINITY : INFINITY;
    return true;
  }
  if (body == "nan") {
    *out = NAN;
    return true;
  }
  // Java accepts a trailing d/f type suffix.
  if (!body.empty() && (body.back() == 'd' || body.back() == 'f')) body.remove_suffix(1);
  double value = 0;
  auto res = std::from_chars(body.data(), body.data() + body.size(), value);
  if (res.ec != std::errc() || res.ptr != body.data() + body.size()) return false;
  *out = negative ? -value : value;
  return true;
}

bool ParseSparkBoolean(std::string_view s, bool* out) {
  s = TrimSparkSpaces(s);
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "t" || lower == "true" || lower == "y" || lower == "yes" || lower == "1") {
    *out = true;
    return true;
  }
  if (lower == "f" || lower == "false" || lower == "n" || lower == "no" || lower == "0") {
    *out = false;
    return true;
  }
  return false;
}

template <typename ArrowType>
using CType = typename ArrowType::c_type;

// The loop every string -> X cast shares: parse each value; a malformed one is
// CAST_INVALID_INPUT under ANSI and NULL otherwise.
template <typename Builder, typename Value, typename Parse>
Result<std::shared_ptr<arrow::Array>> CastStrings(const arrow::StringArray& in,
                                                  const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                  Builder builder, Parse parse) {
  ARROW_RETURN_NOT_OK(builder.Reserve(in.length()));
  for (int64_t i = 0; i < in.length(); ++i) {
    Value v{};
    if (in.IsNull(i)) {
      builder.UnsafeAppendNull();
    } else if (parse(in.GetView(i), &v)) {
      builder.UnsafeAppend(v);
    } else if (ansi) {
      return CastInvalidInputError(in.GetView(i), *in.type(), *to);
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return builder.Finish();
}

template <typename OutType>
Result<std::shared_ptr<arrow::Array>> CastStringToIntegral(const arrow::StringArray& in,
                                                           const std::shared_ptr<arrow::DataType>& to,
                                                           bool ansi) {
  using T = CType<OutType>;
  return CastStrings<arrow::NumericBuilder<OutType>, T>(
      in, to, ansi, arrow::NumericBuilder<OutType>(), [ansi](std::string_view text, T* out) {
        int64_t v;
        if (!ParseSparkIntegral(text, std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                                /*allow_fraction=*/!ansi, &v)) {
          return false;
        }
        *out = static_cast<T>(v);
        return true;
      });
}

template <typename OutType>
Result<std::shared_ptr<arrow::Array>> CastStringToFloating(const arrow::StringArray& in,
                                                           const std::shared_ptr<arrow::DataType>& to,
                                                           bool ansi) {
  using T = CType<OutType>;
  return CastStrings<arrow::NumericBuilder<OutType>, T>(in, to, ansi, arrow::NumericBuilder<OutType>(),
                                                        [](std::string_view text, T* out) {
                                                          double v;
                                                          if (!ParseSparkDouble(text, &v)) return false;
                                                          *out = static_cast<T>(v);
                                                          return true;
                                                        });
}

Result<std::shared_ptr<arrow::Array>> CastStringToBoolean(const arrow::StringArray& in, bool ansi) {
  return CastStrings<arrow::BooleanBuilder, bool>(in, arrow::boolean(), ansi, arrow::BooleanBuilder(),
                                                  ParseSparkBoolean);
}

Result<std::shared_ptr<arrow::Array>> CastStringToDate(const arrow::StringArray& in, bool ansi) {
  return CastStrings<arrow::Date32Builder, int32_t>(
      in, arrow::date32(), ansi, arrow::Date32Builder(),
      [](std::string_view text, int32_t* days) { return ParseDate(TrimSparkSpaces(text), days); });
}

Result<std::shared_ptr<arrow::Array>> CastStringToTimestamp(const arrow::StringArray& in,
                                                            const std::shared_ptr<arrow::DataType>& to,
                                                            bool ansi, const EvalContext& ctx) {
  arrow::TimestampBuilder builder(to, arrow::default_memory_pool());
  ARROW_RETURN_NOT_OK(builder.Reserve(in.length()));
  bool ltz = types::IsTimestampLtz(*to);
  for (int64_t i = 0; i < in.length(); ++i) {
    int64_t micros;
    if (in.IsNull(i)) {
      builder.UnsafeAppendNull();
    } else if (ParseTimestamp(TrimSparkSpaces(in.GetView(i)), &micros)) {
      if (ltz) {
        ARROW_ASSIGN_OR_RAISE(micros, LocalToUtcMicros(micros, ctx.session_time_zone));
      }
      builder.UnsafeAppend(micros);
    } else if (ansi) {
      return CastInvalidInputError(in.GetView(i), *in.type(), *to);
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return builder.Finish();
}

// Numeric to numeric with Spark's rules: integral narrowing and floating to
// integral overflow raise CAST_OVERFLOW under ANSI (NULL otherwise); floating to
// integral truncates toward zero.
template <typename InType, typename OutType>
Result<std::shared_ptr<arrow::Array>> CastNumeric(const arrow::Array& input,
                                                  const std::shared_ptr<arrow::DataType>& to,
                                                  bool ansi, const EvalContext& ctx) {
  using In = CType<InType>;
  using Out = CType<OutType>;
  const auto& in = static_cast<const arrow::NumericArray<InType>&>(input);
  arrow::NumericBuilder<OutType> builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(in.length()));
  for (int64_t i = 0; i < in.length(); ++i) {
    if (in.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    In v = in.Value(i);
    if constexpr (std::is_integral_v<Out>) {
      bool fits;
      if constexpr (std::is_floating_point_v<In>) {
        fits = !std::isnan(v) && v > static_cast<In>(std::numeric_limits<Out>::min()) - 1 &&
               v < static_cast<In>(std::numeric_limits<Out>::max()) + 1;
        if constexpr (sizeof(Out) == 8) {
          // 2^63 is exactly representable; anything at or above it does not fit.
          fits = !std::isnan(v) && v >= -9223372036854775808.0 && v < 9223372036854775808.0;
        }
      } else {
        fits = static_cast<int64_t>(v) >= static_cast<int64_t>(std::numeric_limits<Out>::min()) &&
               static_cast<int64_t>(v) <= static_cast<int64_t>(std::numeric_limits<Out>::max());
      }
      if (!fits) {
        if (ansi) {
          ARROW_ASSIGN_OR_RAISE(auto scalar, in.GetScalar(i));
          return CastOverflowError(*scalar, *input.type(), *to, ctx);
        }
        // Legacy Spark wraps integral narrowing; floating saturates.
        if constexpr (std::is_floating_point_v<In>) {
          if (std::isnan(v)) {
            builder.UnsafeAppend(0);
          } else {
            builder.UnsafeAppend(v > 0 ? std::numeric_limits<Out>::max() : std::numeric_limits<Out>::min());
          }
        } else {
          builder.UnsafeAppend(static_cast<Out>(v));
        }
        continue;
      }
    }
    builder.UnsafeAppend(static_cast<Out>(v));
  }
  return builder.Finish();
}

template <typename InType>
Result<std::shared_ptr<arrow::Array>> CastNumericFrom(const arrow::Array& input,
                                                      const std::shared_ptr<arrow::DataType>& to,
                                                      bool ansi, const EvalContext& ctx) {
  switch (to->id()) {
    case arrow::Type::INT8: return CastNumeric<InType, arrow::Int8Type>(input, to, ansi, ctx);
    case arrow::Type::INT16: return CastNumeric<InType, arrow::Int16Type>(input, to, ansi, ctx);
    case arrow::Type::INT32: return CastNumeric<InType, arrow::Int32Type>(input, to, ansi, ctx);
    case arrow::Type::INT64: return CastNumeric<InType, arrow::Int64Type>(input, to, ansi, ctx);
    case arrow::Type::FLOAT: return CastNumeric<InType, arrow::FloatType>(input, to, ansi, ctx);
    case arrow::Type::DOUBLE: return CastNumeric<InType, arrow::DoubleType>(input, to, ansi, ctx);
    default: return Unsupported("cast from " + types::SqlString(*input.type()) + " to " + types::SqlString(*to));
  }
}

bool IsPrimitiveNumeric(const arrow::DataType& t) { return types::IsIntegral(t) || types::IsFractional(t); }

Result<std::shared_ptr<arrow::Array>> CastArray(const std::shared_ptr<arrow::Array>& input,
                                                const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                const EvalContext& ctx);

namespace {

bool IsNested(const arrow::DataType& type) {
  return type.id() == arrow::Type::LIST || type.id() == arrow::Type::MAP || type.id() == arrow::Type::STRUCT;
}

/// An array, map or struct cast element by element to the same kind of type
/// (ARRAY<VOID> to ARRAY<INT> when a UNION or VALUES widens them). The children
/// are cast whole: offsets and validity stay as they are.
Result<std::shared_ptr<arrow::Array>> CastNested(const std::shared_ptr<arrow::Array>& input,
                                                 const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                 const EvalContext& ctx) {
  const auto& data = *input->data();
  switch (to->id()) {
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(*input);
      ARROW_ASSIGN_OR_RAISE(auto values, CastArray(list.values(), to->field(0)->type(), ansi, ctx));
      return std::make_shared<arrow::ListArray>(to, list.length(), list.value_offsets(), values, list.null_bitmap(),
                                                list.null_count(), list.offset());
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(*input);
      const auto& map_type = static_cast<const arrow::MapType&>(*to);
      ARROW_ASSIGN_OR_RAISE(auto keys, CastArray(map.keys(), map_type.key_type(), ansi, ctx));
      ARROW_ASSIGN_OR_RAISE(auto items, CastArray(map.items(), map_type.item_type(), ansi, ctx));
      return std::make_shared<arrow::MapArray>(to, map.length(), map.value_offsets(), keys, items, map.null_bitmap(),
                                               map.null_count(), map.offset());
    }
    default: {
      arrow::ArrayVector children;
      for (int i = 0; i < to->num_fields(); ++i) {
        ARROW_ASSIGN_OR_RAISE(auto child,
                              CastArray(arrow::MakeArray(data.child_data[i]), to->field(i)->type(), ansi, ctx));
        children.push_back(std::move(child));
      }
      return std::make_shared<arrow::StructArray>(to, data.length, children, input->null_bitmap(),
                                                  input->null_count(), data.offset);
    }
  }
}

}  // namespace

Result<std::shared_ptr<arrow::Array>> CastArray(const std::shared_ptr<arrow::Array>& input,
                                                const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                const EvalContext& ctx) {
  const auto& from = *input->type();
  if (from.Equals(*to)) return input;
  if (from.id() == arrow::Type::NA) return arrow::MakeArrayOfNull(to, input->length());
  if (types::IsVariant(from) && !types::IsVariant(*to)) return CastVariantArray(*input, to, ansi, ctx);
  if (types::IsVariant(*to) && !types::IsVariant(from)) return CastToVariantArray(*input, ctx);
  if (to->id() == arrow::Type::STRING) return ToSparkStrings(*input, ctx);
  if (from.id() == to->id() && IsNested(from)) return CastNested(input, to, ansi, ctx);
  if (from.id() == arrow::Type::STRING) {
    const auto& strings = static_cast<const arrow::StringArray&>(*input);
    switch (to->id()) {
      case arrow::Type::INT8: return CastStringToIntegral<arrow::Int8Type>(strings, to, ansi);
      case arrow::Type::INT16: return CastStringToIntegral<arrow::Int16Type>(strings, to, ansi);
      case arrow::Type::INT32: return CastStringToIntegral<arrow::Int32Type>(strings, to, ansi);
      case arrow::Type::INT64: return CastStringToIntegral<arrow::Int64Type>(strings, to, ansi);
      case arrow::Type::FLOAT: return CastStringToFloating<arrow::FloatType>(strings, to, ansi);
      case arrow::Type::DOUBLE: return CastStringToFloating<arrow::DoubleType>(strings, to, ansi);
      case arrow::Type::BOOL: return CastStringToBoolean(strings, ansi);
      case arrow::Type::DATE32: return CastStringToDate(strings, ansi);
      case arrow::Type::TIMESTAMP: return CastStringToTimestamp(strings, to, ansi, ctx);
      case arrow::Type::TIME64: return CastStringToTime(strings, ansi);
      case arrow::Type::BINARY: {
        ARROW_ASSIGN_OR_RAISE(auto data, input->View(arrow::binary()));
        return data;
      }
      default: break;
    }
  }
  if (IsPrimitiveNumeric(from) && IsPrimitiveNumeric(*to)) {
    switch (from.id()) {
      case arrow::Type::INT8: return CastNumericFrom<arrow::Int8Type>(*input, to, ansi, ctx);
      case arrow::Type::INT16: return CastNumericFrom<arrow::Int16Type>(*input, to, ansi, ctx);
      case arrow::Type::INT32: return CastNumericFrom<arrow::Int32Type>(*input, to, ansi, ctx);
      case arrow::Type::INT64: return CastNumericFrom<arrow::Int64Type>(*input, to, ansi, ctx);
      case arrow::Type::FLOAT: return CastNumericFrom<arrow::FloatType>(*input, to, ansi, ctx);
      case arrow::Type::DOUBLE: return CastNumericFrom<arrow::DoubleType>(*input, to, ansi, ctx);
      default: break;
    }
  }
  if (from.id() == arrow::Type::BOOL && IsPrimitiveNumeric(*to)) {
    ARROW_ASSIGN_OR_RAISE(Datum cast, arrow::compute::Cast(Datum(input), to));
    return cast.make_array();
  }
  if (IsPrimitiveNumeric(from) && to->id() == arrow::Type::BOOL) {
    ARROW_ASSIGN_OR_RAISE(Datum zero, arrow::compute::Cast(Datum(arrow::MakeScalar(0)), input->type()));
    ARROW_ASSIGN_OR_RAISE(Datum result, arrow::compute::CallFunction("not_equal", {input, zero}));
    return result.make_array();
  }
  if (from.id() == arrow::Type::TIME64 && (types::IsIntegral(*to) || to->id() == arrow::Type::DECIMAL128)) {
    return CastTimeToNumber(*input, to, ansi, ctx);
  }
  bool date_time = (from.id() == arrow::Type::DATE32 || from.id() == arrow::Type::TIMESTAMP) &&
                   (to->id() == arrow::Type::DATE32 || to->id() == arrow::Type::TIMESTAMP);
  if (to->id() == arrow::Type::DECIMAL128 && (types::IsNumeric(from) || from.id() == arrow::Type::STRING)) {
    return internal::CastToDecimal(*input, to, ansi, ctx);
  }
  if (from.id() == arrow::Type::DECIMAL128 && IsPrimitiveNumeric(*to)) {
    return internal::CastFromDecimal(*input, to, ansi, ctx);
  }
  if (from.id() == arrow::Type::TIMESTAMP && IsPrimitiveNumeric(*to)) {
    // Seconds since the epoch: floor for integers, fractional for floating point.
    const auto& ts = static_cast<const arrow::TimestampArray&>(*input);
    if (types::IsFractional(*to)) {
      arrow::DoubleBuilder builder;
      for (int64_t i = 0; i < ts.length(); ++i) {
        if (ts.IsNull(i)) {
          ARROW_RETURN_NOT_OK(builder.AppendNull());
        } else {
          ARROW_RETURN_NOT_OK(builder.Append(static_cast<double>(ts.Value(i)) / kMicrosPerSecond));
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto doubles, builder.Finish());
      return CastArray(doubles, to, ansi, ctx);
    }
    arrow::Int64Builder builder;
    for (int64_t i = 0; i < ts.length(); ++i) {
      if (ts.IsNull(i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(builder.Append(FloorDiv(ts.Value(i), kMicrosPerSecond)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto seconds, builder.Finish());
    return CastArray(seconds, to, ansi, ctx);
  }
  if (IsPrimitiveNumeric(from) && types::IsTimestampLtz(*to)) {
    ARROW_ASSIGN_OR_RAISE(auto as_double, CastArray(input, arrow::float64(), ansi, ctx));
    const auto& seconds = static_cast<const arrow::DoubleArray&>(*as_double);
    arrow::TimestampBuilder builder(to, arrow::default_memory_pool());
    for (int64_t i = 0; i < seconds.length(); ++i) {
      double micros = std::floor(seconds.Value(i) * kMicrosPerSecond);
      if (seconds.IsNull(i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else if (!std::isfinite(micros) || std::fabs(micros) >= 9.2e18) {
        if (ansi) {
          ARROW_ASSIGN_OR_RAISE(auto scalar, input->GetScalar(i));
          return CastOverflowError(*scalar, from, *to, ctx);
        }
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(builder.Append(static_cast<int64_t>(micros)));
      }
    }
    return builder.Finish();
  }
  if (date_time) {
    if (from.id() == arrow::Type::DATE32 && types::IsTimestampLtz(*to)) {
      // Midnight of that day in the session time zone.
      const auto& dates = static_cast<const arrow::Date32Array&>(*input);
      arrow::TimestampBuilder builder(to, arrow::default_memory_pool());
      for (int64_t i = 0; i < dates.length(); ++i) {
        if (dates.IsNull(i)) {
          ARROW_RETURN_NOT_OK(builder.AppendNull());
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(int64_t utc, LocalToUtcMicros(int64_t{dates.Value(i)} * kMicrosPerDay,
                                                            ctx.session_time_zone));
        ARROW_RETURN_NOT_OK(builder.Append(utc));
      }
      return builder.Finish();
    }
    if (types::IsTimestampLtz(from) && to->id() == arrow::Type::DATE32) {
      const auto& ts = static_cast<const arrow::TimestampArray&>(*input);
      arrow::Date32Builder builder;
      for (int64_t i = 0; i < ts.length(); ++i) {
        if (ts.IsNull(i)) {
          ARROW_RETURN_NOT_OK(builder.AppendNull());
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(int64_t local, UtcToLocalMicros(ts.Value(i), ctx.session_time_zone));
        ARROW_RETURN_NOT_OK(builder.Append(static_cast<int32_t>(FloorDiv(local, kMicrosPerDay))));
      }
      return builder.Finish();
    }
    if (from.id() == arrow::Type::TIMESTAMP && to->id() == arrow::Type::TIMESTAMP &&
        types::IsTimestampLtz(from) != types::IsTimestampLtz(*to)) {
      // TIMESTAMP_NTZ is a wall-clock time: to TIMESTAMP it is read in the
      // session time zone, and a TIMESTAMP becomes its wall-clock time there.
      const bool to_ltz = types::IsTimestampLtz(*to);
      const auto& ts = static_cast<const arrow::TimestampArray&>(*input);
      arrow::TimestampBuilder builder(to, arrow::default_memory_pool());
      ARROW_RETURN_NOT_OK(builder.Reserve(ts.length()));
      for (int64_t i = 0; i < ts.length(); ++i) {
        if (ts.IsNull(i)) {
          builder.UnsafeAppendNull();
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(int64_t micros, to_ltz ? LocalToUtcMicros(ts.Value(i), ctx.session_time_zone)
                                                     : UtcToLocalMicros(ts.Value(i), ctx.session_time_zone));
        builder.UnsafeAppend(micros);
      }
      return builder.Finish();
    }
    arrow::compute::CastOptions options = arrow::compute::CastOptions::Unsafe(to);
    ARROW_ASSIGN_OR_RAISE(Datum cast, arrow::compute::Cast(Datum(input), options));
    return cast.make_array();
  }
  return Unsupported("CAST from " + types::SqlString(from) + " to " + types::SqlString(*to));
}

bool CanCast(const arrow::DataType& from, const arrow::DataType& to) {
  if (types::IsVariant(from) || types::IsVariant(to)) {
    if (from.id() == arrow::Type::NA) return true;
    return types::IsVariant(from) ? CanCastFromVariant(to) : CanCastToVariant(from);
  }
  if (types::IsGeo(from) || types::IsGeo(to)) {
    // GEOMETRY / GEOGRAPHY: only to the same kind (Spark's casts between SRIDs are not done here).
    return from.id() == arrow::Type::NA || (from.Equals(to, /*check_metadata=*/true));
  }
  if (from.Equals(to) || from.id() == arrow::Type::NA || to.id() == arrow::Type::STRING) return true;
  auto atomic = [](const arrow::DataType& t) {
    return types::IsNumeric(t) || t.id() == arrow::Type::BOOL || t.id() == arrow::Type::STRING ||
           t.id() == arrow::Type::DATE32 || t.id() == arrow::Type::TIMESTAMP || t.id() == arrow::Type::TIME64;
  };
  if (from.id() == arrow::Type::STRING) return atomic(to) || to.id() == arrow::Type::BINARY;
  if (types::IsNumeric(from) && (types::IsNumeric(to) || to.id() == arrow::Type::BOOL)) return true;
  if (from.id() == arrow::Type::BOOL && types::IsNumeric(to)) return true;
  if ((from.id() == arrow::Type::DATE32 || from.id() == arrow::Type::TIMESTAMP) &&
      (to.id() == arrow::Type::DATE32 || to.id() == arrow::Type::TIMESTAMP)) {
    return true;
  }
  if (from.id() == arrow::Type::TIMESTAMP && types::IsNumeric(to)) return true;
  if (types::IsNumeric(from) && types::IsTimestampLtz(to)) return true;
  if (from.id() == arrow::Type::TIME64) return types::IsIntegral(to) || to.id() == arrow::Type::DECIMAL128;
  if (from.id() == to.id() && (from.id() == arrow::Type::LIST || from.id() == arrow::Type::MAP ||
                               from.id() == arrow::Type::STRUCT)) {
    if (from.num_fields() != to.num_fields()) return false;
    for (int i = 0; i < from.num_fields(); ++i) {
      if (!CanCast(*from.field(i)->type(), *to.field(i)->type())) return false;
    }
    return true;
  }
  return false;
}

// Spark's Cast.forceNullable: conversions that may produce NULL (or fail) even
// for non-null input mark the column nullable.
bool ForceNullable(const arrow::DataType& from, const arrow::DataType& to) {
  if (from.id() == arrow::Type::NA) return false;
  if (types::IsVariant(from)) return !types::IsVariant(to);
  if (from.id() == arrow::Type::STRING && to.id() == arrow::Type::BINARY) return false;
  if (from.id() == arrow::Type::STRING) return true;
  if (to.id() == arrow::Type::STRING) return false;
  // TIME to a narrower integral type or a decimal may overflow.
  if (from.id() == arrow::Type::TIME64) return to.id() != arrow::Type::INT64 && to.id() != arrow::Type::INT32;
  if (types::IsFractional(from) && to.id() == arrow::Type::TIMESTAMP) return true;
  if (from.id() == arrow::Type::TIMESTAMP && to.id() == arrow::Type::DATE32) return false;
  if (to.id() == arrow::Type::DATE32) return true;
  if (from.id() == arrow::Type::DATE32 && to.id() == arrow::Type::TIMESTAMP) return false;
  if (from.id() == arrow::Type::DATE32) return true;
  if (to.id() == arrow::Type::DECIMAL128) {
    // Safe only when every value of `from` fits the target precision.
    const auto& dec = static_cast<const arrow::Decimal128Type&>(to);
    int digits = 0;
    switch (from.id()) {
      case arrow::Type::INT8: digits = 3; break;
      case arrow::Type::INT16: digits = 5; break;
      case arrow::Type::INT32: digits = 10; break;
      case arrow::Type::INT64: digits = 20; break;
      case arrow::Type::DECIMAL128: {
        // Safe when wider, or when the integral part gains a digit (rounding the
        // fraction then cannot overflow): Spark's canNullSafeCastToDecimal.
        const auto& in = static_cast<const arrow::Decimal128Type&>(from);
        const int to_integral = dec.precision() - dec.scale(), from_integral = in.precision() - in.scale();
        const bool wider = to_integral >= from_integral && dec.scale() >= in.scale();
        return !wider && to_integral <= from_integral;
      }
      case arrow::Type::BOOL: return false;
      default: return true;
    }
    return dec.precision() - dec.scale() < digits;
  }
  // DECIMAL is a fractional type to Spark too.
  if ((types::IsFractional(from) || from.id() == arrow::Type::DECIMAL128) && types::IsIntegral(to)) return true;
  return false;
}

class CastKernel : public plan::ScalarKernel {
 public:
  CastKernel(std::shared_ptr<arrow::DataType> to, CastMode mode) : to_(std::move(to)), mode_(mode) {}

  Result<Datum> Execute(const std::vector<Datum>& args, int64_t length, const EvalContext& ctx) const override {
    // A variant that does not convert fails unless this is TRY_CAST, with or
    // without ANSI (Spark's Cast passes evalMode != TRY to VariantGet.cast).
    bool ansi = types::IsVariant(*args[0].type()) ? mode_ != CastMode::kTry
                                                    : mode_ == CastMode::kAnsi || (mode_ == CastMode::kDefault && ctx.ansi);
    return CastDatum(args[0], to_, ansi, ctx);
  }

 private:
  std::shared_ptr<arrow::DataType> to_;
  CastMode mode_;
};

}  // namespace

Result<Datum> CastDatum(const Datum& value, const std::shared_ptr<arrow::DataType>& to, bool ansi,
                        const EvalContext& ctx) {
  if (value.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*value.scalar(), 1));
    ARROW_ASSIGN_OR_RAISE(auto cast, CastArray(array, to, ansi, ctx));
    ARROW_ASSIGN_OR_RAISE(auto scalar, cast->GetScalar(0));
    return Datum(scalar);
  }
  ARROW_ASSIGN_OR_RAISE(auto cast, CastArray(value.make_array(), to, ansi, ctx));
  return Datum(cast);
}

Result<BoundExprPtr> BindCast(BoundExprPtr child, std::shared_ptr<arrow::DataType> to, CastMode mode,
                              bool implicit, const EvalContext& ctx) {
  if (child->type->Equals(*to) && implicit) return child;
  std::string name = implicit ? child->name
                              : std::string(mode == CastMode::kTry ? "TRY_CAST(" : "CAST(") + child->name +
                                    " AS " + types::SqlString(*to) + ")";
  if (!CanCast(*child->type, *to)) {
    return AnalysisError("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
                         {{"sqlExpr", "\"" + name + "\""},
                          {"srcType", "\"" + types::SqlString(*child->type) + "\""},
                          {"targetType", "\"" + types::SqlString(*to) + "\""}});
  }
  if (mode == CastMode::kTypedLiteral) {
    auto folded = child->kind == plan::BoundKind::kLiteral ? CastDatum(Datum(child->literal), to, true, ctx)
                                                           : Result<Datum>(Status::Invalid("not a literal"));
    if (!folded.ok()) {
      std::string text = child->literal ? child->literal->ToString() : child->name;
      return ParseError("INVALID_TYPED_LITERAL",
                        {{"valueType", "\"" + (types::IsTime(*to) ? std::string("TIME") : types::SqlString(*to)) + "\""},
                         {"value", "'" + text + "'"}});
    }
    return BoundExpr::Literal(folded->scalar(), LiteralColumnName(*folded->scalar(), ctx));
  }
  bool nullable = mode == CastMode::kTry || child->nullable || ForceNullable(*child->type, *to);
  if (child->kind == plan::BoundKind::kLiteral) {
    // Fold literal casts now so that bad literals fail at analysis, like Spark's
    // constant folding does at optimization.
    bool ansi = mode == CastMode::kAnsi || (mode == CastMode::kDefault && ctx.ansi);
    auto folded = CastDatum(Datum(child->literal), to, ansi, ctx);
    if (folded.ok()) {
      // The column keeps the cast's nullability: Spark folds constants only
      // after the schema is fixed.
      auto lit = std::make_shared<BoundExpr>(*BoundExpr::Literal(folded->scalar(), name));
      lit->nullable = nullable;
      return BoundExprPtr(lit);
    }
  }
  return BoundExpr::Call(implicit ? "implicit_cast" : "cast", std::make_shared<CastKernel>(to, mode),
                         {child}, to, nullable, name);
}

namespace {
// Decimal digits an integer type needs for its widest value (Spark's
// DecimalType.forType: BYTE 3, SHORT 5, INT 10, LONG 20).
int IntegerDigits(arrow::Type::type id) {
  switch (id) {
    case arrow::Type::INT8: return 3;
    case arrow::Type::INT16: return 5;
    case arrow::Type::INT32: return 10;
    case arrow::Type::INT64: return 20;
    default: return 0;
  }
}
}  // namespace

bool CastCanFail(const arrow::DataType& from, const arrow::DataType& to) {
  if (from.Equals(to) || to.id() == arrow::Type::STRING) return false;
  int from_digits = IntegerDigits(from.id());
  if (from_digits > 0) {
    if (IntegerDigits(to.id()) >= from_digits) return false;
    if (to.id() == arrow::Type::DOUBLE || to.id() == arrow::Type::FLOAT) return false;
    if (to.id() == arrow::Type::DECIMAL128) {
      const auto& d = static_cast<const arrow::Decimal128Type&>(to);
      return d.precision() - d.scale() < from_digits;
    }
    return true;
  }
  if (from.id() == arrow::Type::DECIMAL128 && to.id() == arrow::Type::DECIMAL128) {
    const auto& f = static_cast<const arrow::Decimal128Type&>(from);
    const auto& t = static_cast<const arrow::Decimal128Type&>(to);
    return t.scale() < f.scale() || t.precision() - t.scale() < f.precision() - f.scale();
  }
  if (from.id() == arrow::Type::FLOAT && to.id() == arrow::Type::DOUBLE) return false;
  if (from.id() == arrow::Type::DATE32 && to.id() == arrow::Type::TIMESTAMP) return false;
  return true;
}

namespace {

// int(x), double(x), date(x), ...: Spark's cast aliases, CAST(x AS type) named
// by the argument alone (double('NaN') is the column "NaN").
FunctionInfo CastAlias(std::string name, std::shared_ptr<arrow::DataType> type) {
  FunctionInfo info;
  info.name = std::move(name);
  info.usage = info.name + "(expr) - Casts the value `expr` to the target data type `" + info.name + "`.";
  info.bind_scalar = [type](const std::string& called, std::vector<BoundExprPtr> args,
                            const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = args[0]->name;
    ARROW_ASSIGN_OR_RAISE(auto cast, BindCast(args[0], type, plan::CastMode::kDefault, /*implicit=*/false, ctx));
    auto renamed = std::make_shared<BoundExpr>(*cast);
    renamed->name = std::move(name);
    renamed->auto_alias = true;  // a generated name, also when the cast folds to a literal
    return BoundExprPtr(std::move(renamed));
  };
  return info;
}

}  // namespace

void RegisterCastFunctions(FunctionRegistry& registry) {
  // CAST(x AS type) itself is bound by the analyzer (BindCast); these are its named forms.
  registry.Add(CastAlias("boolean", arrow::boolean()));
  registry.Add(CastAlias("tinyint", arrow::int8()));
  registry.Add(CastAlias("smallint", arrow::int16()));
  registry.Add(CastAlias("int", arrow::int32()));
  registry.Add(CastAlias("bigint", arrow::int64()));
  registry.Add(CastAlias("float", arrow::float32()));
  registry.Add(CastAlias("double", arrow::float64()));
  registry.Add(CastAlias("decimal", arrow::decimal128(10, 0)));
  registry.Add(CastAlias("string", arrow::utf8()));
  registry.Add(CastAlias("binary", arrow::binary()));
  registry.Add(CastAlias("date", arrow::date32()));
  registry.Add(CastAlias("timestamp", types::TimestampType()));
  // cast(x) by name: Spark's registry row takes no arguments (its SQL form is CAST(x AS type)).
  FunctionInfo cast;
  cast.name = "cast";
  cast.usage = "cast(expr AS type) - Casts the value `expr` to the target data type `type`.";
  cast.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext&) -> Result<BoundExprPtr> {
    return WrongArgumentCount(called, "0", args.size());
  };
  registry.Add(std::move(cast));
}

}  // namespace sk8::functions
