// Formatting: format_number (Java's DecimalFormat, HALF_EVEN), format_string /
// printf (java.util.Formatter's common conversions) and mask. Numbers are
// rounded on their decimal digits as Java shows them (Double.toString), not on
// the binary value, so 0.125 rounds as Java rounds it.
#include <unicode/uchar.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "functions/cast.h"
#include "functions/decimal_arithmetic.h"
#include "functions/string_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

// --- decimal digits -----------------------------------------------------------------

/// A number as decimal digits: value = 0.digits * 10^point, with a sign.
struct DecimalDigits {
  bool negative = false;
  std::string digits;  // no leading zeros; empty for zero
  int point = 0;       // position of the decimal point within `digits`
};

DecimalDigits FromDecimalString(std::string_view text) {
  DecimalDigits d;
  if (!text.empty() && text[0] == '-') {
    d.negative = true;
    text.remove_prefix(1);
  }
  int exponent = 0;
  const size_t e = text.find_first_of("eE");
  if (e != std::string_view::npos) {
    exponent = std::stoi(std::string(text.substr(e + 1)));
    text = text.substr(0, e);
  }
  int point = static_cast<int>(text.size());
  std::string digits;
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '.') {
      point = static_cast<int>(k);
    } else {
      digits += text[k];
    }
  }
  // Drop leading zeros (moving the point) and trailing zeros.
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  point -= static_cast<int>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  d.digits = digits;
  d.point = digits.empty() ? 0 : point + exponent;
  return d;
}

/// Rounds to `fraction` digits after the point: HALF_EVEN (DecimalFormat) or HALF_UP (Formatter).
void RoundDigits(DecimalDigits* d, int fraction, bool half_even) {
  const int keep = d->point + fraction;
  if (keep >= static_cast<int>(d->digits.size())) return;
  if (keep < 0) {
    d->digits.clear();
    d->point = 0;
    return;
  }
  const char first_dropped = d->digits[static_cast<size_t>(keep)];
  const bool more = d->digits.find_first_not_of('0', static_cast<size_t>(keep) + 1) != std::string::npos;
  bool up = first_dropped > '5' || (first_dropped == '5' && (more || !half_even));
  if (first_dropped == '5' && !more && half_even) up = keep > 0 && (d->digits[static_cast<size_t>(keep) - 1] - '0') % 2 == 1;
  d->digits.resize(static_cast<size_t>(keep));
  if (up) {
    int k = keep - 1;
    while (k >= 0 && d->digits[static_cast<size_t>(k)] == '9') d->digits[static_cast<size_t>(k--)] = '0';
    if (k < 0) {
      d->digits.insert(d->digits.begin(), '1');
      ++d->point;
    } else {
      ++d->digits[static_cast<size_t>(k)];
    }
  }
  while (!d->digits.empty() && d->digits.back() == '0') d->digits.pop_back();
  if (d->digits.empty()) d->point = 0;
}

/// The integer and fraction digits of `d` (at least `min_int` / `min_frac` of them).
void SplitDigits(const DecimalDigits& d, int min_int, int min_frac, std::string* int_part, std::string* frac_part) {
  int_part->clear();
  frac_part->clear();
  for (int k = 0; k < d.point; ++k) *int_part += k < static_cast<int>(d.digits.size()) ? d.digits[static_cast<size_t>(k)] : '0';
  for (int k = std::min(d.point, 0); k < 0; ++k) *frac_part += '0';
  for (size_t k = static_cast<size_t>(std::max(d.point, 0)); k < d.digits.size(); ++k) *frac_part += d.digits[k];
  while (static_cast<int>(int_part->size()) < min_int) int_part->insert(int_part->begin(), '0');
  while (static_cast<int>(frac_part->size()) < min_frac) *frac_part += '0';
}

std::string Group(const std::string& digits, int size) {
  if (size <= 0) return digits;
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int k = 0; k < n; ++k) {
    if (k > 0 && (n - k) % size == 0) out += ',';
    out += digits[static_cast<size_t>(k)];
  }
  return out;
}

/// Row i of a numeric argument as Java would print its digits.
class NumberArg {
 public:
  explicit NumberArg(const Datum& datum) : datum_(datum), type_(datum.type()) {
    if (datum.is_array()) array_ = datum.make_array();
  }
  bool IsValid(int64_t i) const { return array_ ? array_->IsValid(i) : datum_.scalar()->is_valid; }
  bool is_floating() const { return types::IsFractional(*type_); }
  Result<DecimalDigits> Digits(int64_t i) const {
    std::shared_ptr<arrow::Scalar> scalar;
    if (array_) {
      ARROW_ASSIGN_OR_RAISE(scalar, array_->GetScalar(i));
    } else {
      scalar = datum_.scalar();
    }
    switch (type_->id()) {
      case arrow::Type::DOUBLE: return FromDecimalString(FormatJavaDouble(static_cast<const arrow::DoubleScalar&>(*scalar).value));
      // Java widens a float to double before formatting.
      case arrow::Type::FLOAT: return FromDecimalString(FormatJavaDouble(static_cast<const arrow::FloatScalar&>(*scalar).value));
      case arrow::Type::DECIMAL128: return FromDecimalString(scalar->ToString());
      default: {
        ARROW_ASSIGN_OR_RAISE(auto as_long, scalar->CastTo(arrow::int64()));
        return FromDecimalString(std::to_string(static_cast<const arrow::Int64Scalar&>(*as_long).value));
      }
    }
  }
  double AsDouble(int64_t i) const {
    auto scalar = array_ ? *array_->GetScalar(i) : datum_.scalar();
    auto as_double = scalar->CastTo(arrow::float64());
    return as_double.ok() ? static_cast<const arrow::DoubleScalar&>(**as_double).value : 0;
  }

 private:
  Datum datum_;
  std::shared_ptr<arrow::DataType> type_;
  std::shared_ptr<arrow::Array> array_;
};

// --- format_number -------------------------------------------------------------------

/// The parts of a DecimalFormat pattern that format_number uses.
struct NumberPattern {
  int min_int = 1;
  int min_frac = 0;
  int max_frac = 0;
  int grouping = 0;
};

Result<NumberPattern> ParseNumberPattern(std::string_view pattern) {
  NumberPattern p;
  if (pattern.empty()) pattern = "#,###,###,###,###,###,##0";
  const size_t dot = pattern.find('.');
  std::string_view int_part = pattern.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : pattern.substr(dot + 1);
  p.min_int = 0;
  for (char c : int_part) {
    if (c == '0') ++p.min_int;
    if (c != '0' && c != '#' && c != ',') return Unsupported("format_number pattern '" + std::string(pattern) + "'");
  }
  const size_t comma = int_part.rfind(',');
  if (comma != std::string_view::npos) p.grouping = static_cast<int>(int_part.size() - comma - 1);
  for (char c : frac_part) {
    if (c == '0') ++p.min_frac;
    if (c != '0' && c != '#') return Unsupported("format_number pattern '" + std::string(pattern) + "'");
    ++p.max_frac;
  }
  // DecimalFormat turns the last '#' before the point into a '0' when the
  // pattern has no '0' at all ("#.##" prints 0.5 as "0.5").
  if (p.min_int == 0 && p.min_frac == 0) p.min_int = 1;
  return p;
}

std::string FormatWithPattern(DecimalDigits d, const NumberPattern& p) {
  RoundDigits(&d, p.max_frac, /*half_even=*/true);
  std::string int_part, frac_part;
  SplitDigits(d, p.min_int, p.min_frac, &int_part, &frac_part);
  std::string out = d.negative ? "-" : "";
  out += Group(int_part, p.grouping);
  if (!frac_part.empty()) out += "." + frac_part;
  return out;
}

FunctionInfo FormatNumber() {
  StringFunctionSpec spec = Spec("format_number", "format_number(expr1, expr2) - Formats `expr1` like '#,###,###.##', "
                                                  "rounded to `expr2` decimal places (HALF_EVEN), or with the "
                                                  "DecimalFormat pattern `expr2`.",
                                 2, 2, {ArgKind::kAny}, arrow::utf8());
  spec.nullable = AlwaysNullable;
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    const bool by_pattern = types::IsStringLike(*args[1]->type);
    return [by_pattern](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      NumberArg number(args[0]);
      StringArg pattern_arg(by_pattern ? args[1] : Datum(std::make_shared<arrow::StringScalar>("")));
      std::optional<NumericArg<arrow::Int32Type>> places;
      if (!by_pattern) places.emplace(args[1]);
      StringColumnWriter out(rows);
      std::optional<NumberPattern> pattern;
      std::string pattern_text;
      int32_t pattern_places = -1;
      for (int64_t i = 0; i < rows; ++i) {
        const bool valid = number.IsValid(i) && (by_pattern ? pattern_arg.IsValid(i) : places->IsValid(i));
        if (!valid || (!by_pattern && places->Value(i) < 0)) {
          out.AppendNull();
          continue;
        }
        if (by_pattern && (!pattern || pattern_arg.View(i) != pattern_text)) {
          pattern_text = std::string(pattern_arg.View(i));
          ARROW_ASSIGN_OR_RAISE(pattern, ParseNumberPattern(pattern_text));
        } else if (!by_pattern && places->Value(i) != pattern_places) {
          pattern_places = places->Value(i);
          pattern = NumberPattern{1, pattern_places, pattern_places, 3};
        }
        ARROW_ASSIGN_OR_RAISE(auto digits, number.Digits(i));
        out.Append(FormatWithPattern(std::move(digits), *pattern));
      }
      return out.Finish(AllScalars(args));
    };
  };
  FunctionInfo info = MakeStringFunction(spec);
  // The number must be numeric, the second argument an INT or a pattern.
  auto bind = info.bind_scalar;
  info.bind_scalar = [bind](const std::string& called, std::vector<BoundExprPtr> args,
                            const EvalContext& ctx) -> Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount("format_number", args.size(), 2, 2));
    const std::string name = CallName(FunctionInfo{.name = "format_number"}, called, args);
    if (!types::IsNumeric(*args[0]->type) && args[0]->type->id() != arrow::Type::NA) {
      return UnexpectedInputType(name, 0, "\"NUMERIC\"", *args[0]);
    }
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
    }
    if (!types::IsStringLike(*args[1]->type)) {
      if (!types::IsIntegral(*args[1]->type) && args[1]->type->id() != arrow::Type::NA) {
        return UnexpectedInputType(name, 1, "(\"INT\" or \"STRING\")", *args[1]);
      }
      ARROW_ASSIGN_OR_RAISE(args[1], BindCast(args[1], arrow::int32(), plan::CastMode::kDefault, true, ctx));
    }
    return bind(called, std::move(args), ctx);
  };
  return info;
}

// --- format_string -------------------------------------------------------------------

/// One argument of format_string as java.util.Formatter sees it.
class FormatArg {
 public:
  explicit FormatArg(const Datum& datum) : datum_(datum), number_(datum) {
    const auto id = datum.type()->id();
    is_string_ = types::IsStringLike(*datum.type());
    if (is_string_) text_.emplace(datum);
    is_bool_ = id == arrow::Type::BOOL;
    is_number_ = types::IsNumeric(*datum.type());
    is_integral_ = types::IsIntegral(*datum.type());
    if (datum.is_array()) array_ = datum.make_array();
  }
  bool IsNull(int64_t i) const { return array_ ? array_->IsNull(i) : !datum_.scalar()->is_valid; }
  bool is_string() const { return is_string_; }
  bool is_bool() const { return is_bool_; }
  bool is_number() const { return is_number_; }
  bool is_integral() const { return is_integral_; }
  std::string_view Text(int64_t i) const { return text_->View(i); }
  const NumberArg& number() const { return number_; }
  int64_t Integer(int64_t i) const {
    auto scalar = array_ ? *array_->GetScalar(i) : datum_.scalar();
    auto as_long = scalar->CastTo(arrow::int64());
    return as_long.ok() ? static_cast<const arrow::Int64Scalar&>(**as_long).value : 0;
  }
  std::string TypeName() const { return types::SqlString(*datum_.type()); }
  int bits() const { return datum_.type()->id() == arrow::Type::INT64 ? 64 : datum_.type()->id() == arrow::Type::INT16 ? 16 : datum_.type()->id() == arrow::Type::INT8 ? 8 : 32; }
  bool Bool(int64_t i) const {
    auto scalar = array_ ? *array_->GetScalar(i) : datum_.scalar();
    return static_cast<const arrow::BooleanScalar&>(*scalar).value;
  }
  /// Java's String.valueOf of the value (%s).
  Result<std::string> ToJavaString(int64_t i, const EvalContext& ctx) const {
    if (is_string_) return std::string(Text(i));
    auto scalar = array_ ? *array_->GetScalar(i) : datum_.scalar();
    return ScalarToSparkString(*scalar, ctx);
  }

 private:
  Datum datum_;
  NumberArg number_;
  std::optional<StringArg> text_;
  std::shared_ptr<arrow::Array> array_;
  bool is_string_ = false, is_bool_ = false, is_number_ = false, is_integral_ = false;
};

Status FormatError(const std::string& message) {
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PATTERN",
                    {{"parameter", "`strfmt`"}, {"functionName", "`format_string`"}, {"value", message}});
}

void Pad(std::string* text, int width, bool left_justify, char fill = ' ') {
  const int64_t chars = NumChars(*text);
  if (width <= chars) return;
  std::string padding(static_cast<size_t>(width - chars), fill);
  *text = left_justify ? *text + padding : padding + *text;
}

/// One conversion of a format string, with its flags.
struct Conversion {
  int arg_index = -1;  // explicit n$ (1-based), else -1
  std::string flags;
  int width = -1;
  int precision = -1;
  char kind = 's';
  bool Has(char flag) const { return flags.find(flag) != std::string::npos; }
};

std::string WithSign(std::string digits, bool negative, const Conversion& c) {
  if (c.Has(',')) {
    const size_t dot = digits.find('.');
    digits = Group(digits.substr(0, dot), 3) + (dot == std::string::npos ? "" : digits.substr(dot));
  }
  std::string sign = negative ? (c.Has('(') ? "(" : "-") : c.Has('+') ? "+" : c.Has(' ') ? " " : "";
  std::string suffix = negative && c.Has('(') ? ")" : "";
  if (c.Has('0') && c.width > 0) {
    while (static_cast<int>(sign.size() + digits.size() + suffix.size()) < c.width) digits.insert(digits.begin(), '0');
  }
  return sign + digits + suffix;
}

Result<std::string> FormatOne(const Conversion& c, const FormatArg* arg, int64_t i, const EvalContext& ctx) {
  std::string text;
  const char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(c.kind)));
  const bool is_null = arg == nullptr || arg->IsNull(i);
  if (kind == 'b') {
    text = is_null ? "false" : arg->is_bool() ? (arg->Bool(i) ? "true" : "false") : "true";
    if (c.precision >= 0) text = text.substr(0, static_cast<size_t>(c.precision));
  } else if (is_null) {
    text = "null";
    if (c.precision >= 0) text = text.substr(0, static_cast<size_t>(c.precision));
  } else if (kind == 's') {
    ARROW_ASSIGN_OR_RAISE(text, arg->ToJavaString(i, ctx));
    if (c.precision >= 0) text = std::string(SubstringSql(text, 1, c.precision));
  } else if (kind == 'd' || kind == 'x' || kind == 'o') {
    if (!arg->is_integral()) return FormatError(std::string(1, c.kind) + " != " + arg->TypeName());
    const int64_t v = arg->Integer(i);
    if (kind == 'd') {
      const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      text = WithSign(std::to_string(magnitude), v < 0, c);
    } else {
      // Java prints negative numbers in two's complement of the argument's width.
      const int bits = arg->bits();
      const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
      const uint64_t u = static_cast<uint64_t>(v) & mask;
      char buffer[32];
      std::snprintf(buffer, sizeof(buffer), kind == 'x' ? "%llx" : "%llo", static_cast<unsigned long long>(u));
      text = buffer;
      if (c.Has('#')) text = (kind == 'x' ? "0x" : "0") + text;
      if (c.Has('0') && c.width > 0) {
        while (static_cast<int>(text.size()) < c.width) text.insert(text.begin(), '0');
      }
    }
  } else if (kind == 'f' || kind == 'e') {
    if (!arg->is_number() || arg->is_integral()) return FormatError(std::string(1, c.kind) + " != " + arg->TypeName());
    const int precision = c.precision < 0 ? 6 : c.precision;
    const double value = arg->number().AsDouble(i);
    if (std::isnan(value) || std::isinf(value)) {
      text = std::isnan(value) ? "NaN" : value > 0 ? (c.Has('+') ? "+Infinity" : "Infinity") : "-Infinity";
    } else {
      ARROW_ASSIGN_OR_RAISE(DecimalDigits d, arg->number().Digits(i));
      if (kind == 'f') {
        RoundDigits(&d, precision, /*half_even=*/false);
        std::string int_part, frac_part;
        SplitDigits(d, 1, precision, &int_part, &frac_part);
        text = WithSign(int_part + (precision > 0 ? "." + frac_part : ""), d.negative, c);
      } else {
        int exponent = d.digits.empty() ? 0 : d.point - 1;
        DecimalDigits scaled = d;
        scaled.point = d.digits.empty() ? 0 : 1;
        RoundDigits(&scaled, precision, /*half_even=*/false);
        if (scaled.point > 1) {  // rounding carried into a new digit
          scaled.point = 1;
          ++exponent;
        }
        std::string int_part, frac_part;
        SplitDigits(scaled, 1, precision, &int_part, &frac_part);
        char exp_text[16];
        std::snprintf(exp_text, sizeof(exp_text), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        text = WithSign(int_part + (precision > 0 ? "." + frac_part : "") + exp_text, d.negative, c);
      }
    }
  } else if (kind == 'c') {
    if (!arg->is_integral()) return FormatError("c != " + arg->TypeName());
    text.clear();
    AppendUtf8(static_cast<int32_t>(arg->Integer(i)), &text);
  } else {
    return Unsupported("format_string conversion %" + std::string(1, c.kind));
  }
  if (std::isupper(static_cast<unsigned char>(c.kind))) {
    std::string upper;
    for (char ch : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    text = upper;
  }
  Pad(&text, c.width, c.Has('-'));
  return text;
}

/// java.util.Formatter.format over the arguments of row i.
Result<std::string> JavaFormat(std::string_view format, const std::vector<FormatArg>& args, int64_t i,
                               const EvalContext& ctx) {
  std::string out;
  int next_arg = 0;
  for (size_t k = 0; k < format.size(); ++k) {
    if (format[k] != '%') {
      out += format[k];
      continue;
    }
    Conversion c;
    size_t j = k + 1;
    // [argument_index$][flags][width][.precision]conversion
    size_t digits_end = j;
    while (digits_end < format.size() && std::isdigit(static_cast<unsigned char>(format[digits_end]))) ++digits_end;
    if (digits_end < format.size() && format[digits_end] == '$' && digits_end > j) {
      c.arg_index = std::stoi(std::string(format.substr(j, digits_end - j)));
      j = digits_end + 1;
    }
    while (j < format.size() && std::string_view("-#+ 0,(").find(format[j]) != std::string_view::npos) {
      c.flags += format[j++];
    }
    if (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
      size_t end = j;
      while (end < format.size() && std::isdigit(static_cast<unsigned char>(format[end]))) ++end;
      c.width = std::stoi(std::string(format.substr(j, end - j)));
      j = end;
    }
    if (j < format.size() && format[j] == '.') {
      size_t end = ++j;
      while (end < format.size() && std::isdigit(static_cast<unsigned char>(format[end]))) ++end;
      if (end == j) return FormatError(std::string(format));
      c.precision = std::stoi(std::string(format.substr(j, end - j)));
      j = end;
    }
    if (j >= format.size()) return FormatError(std::string(format));
    c.kind = format[j];
    k = j;
    if (c.kind == '%') {
      std::string percent = "%";
      Pad(&percent, c.width, c.Has('-'));
      out += percent;
      continue;
    }
    if (c.kind == 'n') {
      out += '\n';
      continue;
    }
    const int index = c.arg_index > 0 ? c.arg_index - 1 : next_arg++;
    if (index >= static_cast<int>(args.size())) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PATTERN",
                        {{"parameter", "`strfmt`"}, {"functionName", "`format_string`"},
                         {"value", "Format specifier '%" + std::string(1, c.kind) + "'"}});
    }
    ARROW_ASSIGN_OR_RAISE(auto piece, FormatOne(c, &args[static_cast<size_t>(index)], i, ctx));
    out += piece;
  }
  return out;
}

FunctionInfo FormatString() {
  StringFunctionSpec spec = Spec("format_string", "format_string(strfmt, obj, ...) - Returns a formatted string from "
                                                  "printf-style format strings.",
                                 1, SIZE_MAX, {ArgKind::kString, ArgKind::kAny}, arrow::utf8());
  spec.aliases = {"printf"};
  spec.can_fail = true;
  spec.null_intolerant = false;
  spec.nullable = [](const std::vector<BoundExprPtr>& args) { return args[0]->nullable; };
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    for (size_t k = 1; k < args.size(); ++k) {
      const auto& type = *args[k]->type;
      if (!types::IsStringLike(type) && !types::IsNumeric(type) && type.id() != arrow::Type::BOOL &&
          type.id() != arrow::Type::NA) {
        return Unsupported("format_string of a " + types::SqlString(type) + " argument");
      }
    }
    return [](const std::vector<Datum>& args, int64_t length, const EvalContext& ctx) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      StringArg format(args[0]);
      std::vector<FormatArg> values;
      for (size_t k = 1; k < args.size(); ++k) values.emplace_back(args[k]);
      StringColumnWriter out(rows);
      for (int64_t i = 0; i < rows; ++i) {
        if (!format.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(auto text, JavaFormat(format.View(i), values, i, ctx));
        out.Append(text);
      }
      return out.Finish(AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

// --- mask -----------------------------------------------------------------------------

FunctionInfo Mask() {
  StringFunctionSpec spec = Spec("mask", "mask(input[, upperChar, lowerChar, digitChar, otherChar]) - Masks the given "
                                         "string value (NULL keeps that class of characters).",
                                 1, 5, {ArgKind::kString}, arrow::utf8());
  auto null_string = plan::BoundExpr::Literal(arrow::MakeNullScalar(arrow::utf8()), "NULL");
  spec.defaults = {StringLiteral("X"), StringLiteral("x"), StringLiteral("n"), null_string};
  spec.null_intolerant = false;
  // Spark: NULL may come from any argument, the NULL default of otherChar too.
  spec.nullable = [](const std::vector<BoundExprPtr>& args) {
    return args.size() < 5 || std::any_of(args.begin(), args.end(), [](const BoundExprPtr& a) { return a->nullable; });
  };
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    static const char* kNames[] = {"upperChar", "lowerChar", "digitChar", "otherChar"};
    std::array<std::optional<std::string>, 4> replacements;
    std::string call = "mask(";
    for (size_t k = 0; k < args.size(); ++k) call += (k ? ", " : "") + args[k]->name;
    call += ")";
    for (size_t k = 1; k < 5; ++k) {
      const auto& arg = *args[k];
      if (arg.kind != plan::BoundKind::kLiteral) {
        return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                             {{"sqlExpr", "\"" + call + "\""}, {"inputName", std::string("`") + kNames[k - 1] + "`"},
                              {"inputType", "\"STRING\""}, {"inputExpr", "\"" + arg.name + "\""}});
      }
      std::string value;
      if (!LiteralString(arg, &value)) continue;
      if (NumChars(value) != 1) {
        return AnalysisError("DATATYPE_MISMATCH.INPUT_SIZE_NOT_ONE",
                             {{"sqlExpr", "\"" + call + "\""}, {"exprName", kNames[k - 1]}});
      }
      replacements[k - 1] = value;
    }
    return [replacements](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::utf8(), [&](std::string_view v, std::string* out) -> Result<bool> {
        for (size_t k = 0; k < v.size();) {
          const size_t start = k;
          const int32_t cp = DecodeUtf8(v, &k);
          const int cls = u_isupper(cp) ? 0 : u_islower(cp) ? 1 : u_isdigit(cp) ? 2 : 3;
          if (replacements[static_cast<size_t>(cls)]) {
            out->append(*replacements[static_cast<size_t>(cls)]);
          } else {
            out->append(v.substr(start, k - start));
          }
        }
        return true;
      });
    };
  };
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterStringFormatFunctions(FunctionRegistry& registry) {
  registry.Add(FormatNumber());
  registry.Add(FormatString());
  registry.Add(Mask());
}

}  // namespace sk8::functions
