#include "sql/literals.h"

#include <arrow/util/decimal.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "sql/token.h"

namespace sk8::sql {

namespace {

constexpr int kMaxDecimalPrecision = 38;

enum class NumberType { kInteger, kTinyInt, kSmallInt, kBigInt, kDecimal, kExponent, kDouble, kFloat, kBigDecimal };

struct NumberParts {
  NumberType type;
  std::string digits;  // the text without its type suffix, with the sign applied
};

NumberParts SplitSuffix(std::string_view text, bool negative) {
  std::string upper = ToUpperAscii(text);
  std::string sign = negative ? "-" : "";
  auto without = [&](size_t n) { return sign + std::string(text.substr(0, text.size() - n)); };
  bool fractional = upper.find_first_of(".E") != std::string::npos;
  if (upper.ends_with("BD")) return {NumberType::kBigDecimal, without(2)};
  switch (upper.back()) {
    case 'D': return {NumberType::kDouble, without(1)};
    case 'F': return {NumberType::kFloat, without(1)};
    case 'L': return {NumberType::kBigInt, without(1)};
    case 'S': return {NumberType::kSmallInt, without(1)};
    case 'Y': return {NumberType::kTinyInt, without(1)};
    default: break;
  }
  if (!fractional) return {NumberType::kInteger, without(0)};
  return {upper.find('E') != std::string::npos ? NumberType::kExponent : NumberType::kDecimal, without(0)};
}

Status OutOfRange(const std::string& raw, const std::string& min, const std::string& max, const char* type_name) {
  return ParseError("INVALID_NUMERIC_LITERAL_RANGE",
                    {{"rawStrippedQualifier", raw}, {"minValue", min}, {"maxValue", max}, {"typeName", type_name}});
}

// Parses a sign and digits into [min, max]; false when out of range.
bool ParseBoundedInteger(const std::string& text, int64_t min, int64_t max, int64_t* out) {
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0' || value < min || value > max) return false;
  *out = value;
  return true;
}

template <typename T>
Result<std::shared_ptr<arrow::Scalar>> BoundedInteger(const std::string& text, const char* type_name) {
  using Limits = std::numeric_limits<T>;
  int64_t value = 0;
  if (!ParseBoundedInteger(text, Limits::min(), Limits::max(), &value)) {
    return OutOfRange(text, std::to_string(Limits::min()), std::to_string(Limits::max()), type_name);
  }
  return arrow::MakeScalar(static_cast<T>(value));
}

// Spark's BigDecimal(text) as DECIMAL(precision, scale): a negative scale
// (1e3BD) is normalized to scale 0, and precision is at least the scale.
Result<std::shared_ptr<arrow::Scalar>> DecimalFromText(const std::string& text) {
  std::string_view rest = text;
  bool negative = !rest.empty() && rest[0] == '-';
  if (negative) rest.remove_prefix(1);
  int64_t exponent = 0;
  if (size_t e = rest.find_first_of("eE"); e != std::string_view::npos) {
    exponent = std::strtoll(std::string(rest.substr(e + 1)).c_str(), nullptr, 10);
    rest = rest.substr(0, e);
  }
  size_t dot = rest.find('.');
  std::string fraction = dot == std::string_view::npos ? "" : std::string(rest.substr(dot + 1));
  std::string unscaled = std::string(rest.substr(0, dot)) + fraction;
  int64_t scale = static_cast<int64_t>(fraction.size()) - exponent;
  if (scale < 0) {
    unscaled.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  unscaled.erase(0, std::min(unscaled.find_first_not_of('0'), unscaled.size()));
  if (unscaled.empty()) unscaled = "0";
  int64_t precision = std::max<int64_t>(static_cast<int64_t>(unscaled.size()), scale);
  if (precision > kMaxDecimalPrecision) {
    return SparkError(SparkExceptionKind::kArithmetic, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
                      {{"precision", std::to_string(precision)}, {"maxPrecision", std::to_string(kMaxDecimalPrecision)}});
  }
  ARROW_ASSIGN_OR_RAISE(auto value, arrow::Decimal128::FromString((negative ? "-" : "") + unscaled));
  return std::make_shared<arrow::Decimal128Scalar>(
      value, arrow::decimal128(static_cast<int32_t>(precision), static_cast<int32_t>(scale)));
}

Result<std::shared_ptr<arrow::Scalar>> IntegerLiteral(const std::string& text) {
  int64_t value = 0;
  if (ParseBoundedInteger(text, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &value)) {
    return arrow::MakeScalar(static_cast<int32_t>(value));
  }
  if (ParseBoundedInteger(text, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &value)) {
    return arrow::MakeScalar(value);
  }
  return DecimalFromText(text);
}

Result<std::shared_ptr<arrow::Scalar>> FloatingLiteral(const std::string& text, bool is_float) {
  double value = std::strtod(text.c_str(), nullptr);
  double max = is_float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  if (std::isinf(value) || std::fabs(value) > max) {
    return is_float ? OutOfRange(text, "-3.4028234663852886E+38", "3.4028234663852886E+38", "float")
                    : OutOfRange(text, "-1.7976931348623157E+308", "1.7976931348623157E+308", "double");
  }
  if (is_float) return arrow::MakeScalar(static_cast<float>(value));
  return arrow::MakeScalar(value);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::shared_ptr<arrow::Scalar>> NumericLiteral(std::string_view text, bool negative) {
  NumberParts parts = SplitSuffix(text, negative);
  switch (parts.type) {
    case NumberType::kInteger: return IntegerLiteral(parts.digits);
    case NumberType::kTinyInt: return BoundedInteger<int8_t>(parts.digits, "tinyint");
    case NumberType::kSmallInt: return BoundedInteger<int16_t>(parts.digits, "smallint");
    case NumberType::kBigInt: return BoundedInteger<int64_t>(parts.digits, "bigint");
    case NumberType::kDecimal:
    case NumberType::kBigDecimal: return DecimalFromText(parts.digits);
    case NumberType::kExponent:
    case NumberType::kDouble: return FloatingLiteral(parts.digits, /*is_float=*/false);
    case NumberType::kFloat: return FloatingLiteral(parts.digits, /*is_float=*/true);
  }
  return InternalError("unknown numeric literal type");
}

Result<std::shared_ptr<arrow::Scalar>> BinaryLiteral(std::string_view hex_digits) {
  std::string digits(hex_digits);
  if (digits.size() % 2 == 1) digits.insert(digits.begin(), '0');
  std::string bytes;
  for (size_t i = 0; i < digits.size(); i += 2) {
    int high = HexValue(digits[i]);
    int low = HexValue(digits[i + 1]);
    if (high < 0 || low < 0) {
      return ParseError("INVALID_TYPED_LITERAL", {{"valueType", "\"X\""}, {"value", "'" + std::string(hex_digits) + "'"}});
    }
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return std::make_shared<arrow::BinaryScalar>(arrow::Buffer::FromString(std::move(bytes)));
}

}  // namespace sk8::sql
