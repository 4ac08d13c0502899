// Number formats: to_number / try_to_number (a string read by a format such as
// '$99,999.99' into a DECIMAL of the format's digits) and to_char / to_varchar
// (a number written by one), as Spark's ToNumberParser reads and writes them:
// '0' / '9' digits ('0' first pads with zeros, '9' with spaces), ',' / 'G'
// grouping, '.' / 'D' decimal point, '$', and a sign as S (+/-), MI (-) or PR
// (<...>) at either end. A value whose digits do not fit the format is written
// as '#'s. to_char of dates, timestamps and binary values is date_format, hex,
// base64 or decode, as in Spark.

#include <algorithm>
#include <cctype>

#include <arrow/builder.h>
#include <arrow/util/decimal.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

enum class Sign { kNone, kPlusMinus, kMinus, kBrackets };

/// A parsed number format.
struct NumberFormat {
  std::string text;                  // as written
  Sign leading = Sign::kNone, trailing = Sign::kNone;
  bool dollar = false;
  std::vector<int> groups;           // digits per group before the point (grouping separators between)
  bool leading_zero = false;         // the first digit before the point is '0'
  bool point = false;
  int fraction = 0;                  // digits after the point
  int digits() const {
    int n = fraction;
    for (int g : groups) n += g;
    return n;
  }
  int integer_digits() const { return digits() - fraction; }
};

Status FormatError(const std::string& sub, const std::string& format, MessageParameters extra = {}) {
  extra.emplace_back("format", "'" + format + "'");
  return SparkError(SparkExceptionKind::kAnalysis, "INVALID_FORMAT." + sub, std::move(extra));
}

Result<NumberFormat> ParseFormat(const std::string& written) {
  NumberFormat f;
  f.text = written;
  std::string s = written;
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.empty()) return FormatError("EMPTY", s);
  if (s.find_first_of("09") == std::string::npos) return FormatError("WRONG_NUM_DIGIT", s);
  if (std::count(s.begin(), s.end(), '.') + std::count(s.begin(), s.end(), 'D') > 1) {
    return FormatError("WRONG_NUM_TOKEN", s, {{"token", ". or D"}});
  }
  if (std::count(s.begin(), s.end(), '$') > 1) return FormatError("WRONG_NUM_TOKEN", s, {{"token", "$"}});
  size_t i = 0;
  auto sign_at = [&](size_t at, Sign* sign) -> size_t {
    if (s.compare(at, 2, "MI") == 0) {
      *sign = Sign::kMinus;
      return 2;
    }
    if (s.compare(at, 2, "PR") == 0) {
      *sign = Sign::kBrackets;
      return 2;
    }
    if (at < s.size() && s[at] == 'S') {
      *sign = Sign::kPlusMinus;
      return 1;
    }
    return 0;
  };
  i += sign_at(0, &f.leading);
  if (f.leading == Sign::kBrackets) {
    return FormatError("UNEXPECTED_TOKEN", s, {{"token", "PR"}});
  }
  bool seen_digit = false, seen_point = false;
  int current = 0;
  bool last_was_separator = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '0' || c == '9') {
      if (!seen_digit && !seen_point && c == '0') f.leading_zero = true;
      seen_digit = true;
      last_was_separator = false;
      if (seen_point) {
        ++f.fraction;
      } else {
        ++current;
      }
    } else if (c == ',' || c == 'G') {
      if (seen_point) return FormatError("THOUSANDS_SEPS_MUST_BEFORE_DEC", s);
      if (last_was_separator || !seen_digit) return FormatError("CONT_THOUSANDS_SEPS", s);
      f.groups.push_back(current);
      current = 0;
      last_was_separator = true;
    } else if (c == '.' || c == 'D') {
      if (last_was_separator) return FormatError("CONT_THOUSANDS_SEPS", s);
      seen_point = true;
      f.point = true;
    } else if (c == '$') {
      if (seen_digit) return FormatError("CUR_MUST_BEFORE_DIGIT", s);
      if (seen_point) return FormatError("CUR_MUST_BEFORE_DEC", s);
      f.dollar = true;
    } else {
      const size_t taken = sign_at(i, &f.trailing);
      if (taken == 0 || i + taken != s.size()) {
        return FormatError("UNEXPECTED_TOKEN", s, {{"token", std::string("character '") + c + "''"}});
      }
      break;
    }
  }
  if (last_was_separator) return FormatError("CONT_THOUSANDS_SEPS", s);
  f.groups.push_back(current);
  if (f.leading != Sign::kNone && f.trailing != Sign::kNone) {
    return FormatError("WRONG_NUM_TOKEN", s, {{"token", "S, MI or PR"}});
  }
  return f;
}

/// Reads `input` by `f`: the unscaled digits (of precision digits(), scale
/// fraction) and the sign; false when the input does not match.
bool ReadNumber(const NumberFormat& f, std::string_view input, arrow::Decimal128* out) {
  size_t i = 0;
  while (i < input.size() && input[i] == ' ') ++i;
  size_t end = input.size();
  bool negative = false;
  auto take = [&](char c) {
    if (i < end && input[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  auto take_back = [&](char c) {
    if (end > i && input[end - 1] == c) {
      --end;
      return true;
    }
    return false;
  };
  switch (f.leading) {
    case Sign::kPlusMinus:
      if (take('-')) negative = true;
      else take('+');
      break;
    case Sign::kMinus: negative = take('-'); break;
    default: break;
  }
  switch (f.trailing) {
    case Sign::kPlusMinus:
      if (take_back('-')) negative = true;
      else take_back('+');
      break;
    case Sign::kMinus: negative = take_back('-'); break;
    case Sign::kBrackets:
      if (i < end && input[i] == '<') {
        if (!take_back('>')) return false;
        ++i;
        negative = true;
      }
      break;
    default: break;
  }
  if (f.dollar && !take('$')) return false;
  // Digits and grouping separators before the point.
  std::vector<int> groups{0};
  std::string digits;
  while (i < end && (std::isdigit(static_cast<unsigned char>(input[i])) || input[i] == ',')) {
    if (input[i] == ',') {
      groups.push_back(0);
    } else {
      digits.push_back(input[i]);
      ++groups.back();
    }
    ++i;
  }
  if (groups.size() > f.groups.size()) return false;
  for (size_t g = 0; g < groups.size(); ++g) {
    const int allowed = f.groups[f.groups.size() - groups.size() + g];
    if (groups[g] > allowed || (g > 0 && groups[g] == 0)) return false;
  }
  if (static_cast<int>(digits.size()) > f.integer_digits()) return false;
  int fraction = 0;
  if (i < end && input[i] == '.') {
    if (!f.point) return false;
    ++i;
    while (i < end && std::isdigit(static_cast<unsigned char>(input[i]))) {
      digits.push_back(input[i]);
      ++fraction;
      ++i;
    }
    if (fraction > f.fraction) return false;
  }
  if (i != end || digits.empty()) return false;
  for (; fraction < f.fraction; ++fraction) digits.push_back('0');
  arrow::Decimal128 value(0);
  for (char c : digits) value = value * arrow::Decimal128(10) + arrow::Decimal128(c - '0');
  *out = negative ? arrow::Decimal128(-value) : value;
  return true;
}

/// Writes `unscaled` (of `scale`) by `f`, as Spark's ToNumberParser.format.
std::string WriteNumber(const NumberFormat& f, const arrow::Decimal128& unscaled, int32_t scale) {
  const bool negative = unscaled.IsNegative();
  const arrow::Decimal128 magnitude = negative ? arrow::Decimal128(-unscaled) : unscaled;
  std::string text = magnitude.ToIntegerString();
  if (static_cast<int32_t>(text.size()) <= scale) text.insert(0, static_cast<size_t>(scale) + 1 - text.size(), '0');
  std::string before = text.substr(0, text.size() - static_cast<size_t>(scale));
  std::string after = text.substr(text.size() - static_cast<size_t>(scale));
  while (!after.empty() && after.back() == '0') after.pop_back();
  if (before == "0") before.clear();
  const bool overflow = static_cast<int>(before.size()) > f.integer_digits() ||
                        static_cast<int>(after.size()) > f.fraction;
  // A leading sign (or '<') waits for the first digit written (or the point).
  std::string pending;
  switch (f.leading) {
    case Sign::kPlusMinus: pending = negative ? "-" : "+"; break;
    case Sign::kMinus: pending = negative ? "-" : " "; break;
    default: break;
  }
  if (f.trailing == Sign::kBrackets && negative) pending = "<";
  std::string out;
  if (f.dollar) out.push_back('$');
  int pad = f.integer_digits() - static_cast<int>(before.size());
  size_t next = 0;
  auto digit = [&](char c) {
    out += pending;
    pending.clear();
    out.push_back(c);
  };
  for (size_t g = 0; g < f.groups.size(); ++g) {
    if (g > 0) out.push_back(!out.empty() && std::isdigit(static_cast<unsigned char>(out.back())) ? ',' : ' ');
    for (int d = 0; d < f.groups[g]; ++d) {
      if (overflow) {
        digit('#');
      } else if (pad > 0) {
        if (f.leading_zero) {
          digit('0');
        } else {
          out.push_back(' ');
        }
        --pad;
      } else {
        digit(before[next++]);
      }
    }
  }
  if (f.point) {
    if (!pending.empty()) {
      out += pending;
      pending.clear();
    } else if (!out.empty() && out.back() == ' ') {
      out.back() = '0';
    }
    out.push_back('.');
    for (int d = 0; d < f.fraction; ++d) {
      out.push_back(overflow ? '#' : d < static_cast<int>(after.size()) ? after[d] : '0');
    }
  }
  out += pending;
  switch (f.trailing) {
    case Sign::kPlusMinus: out.push_back(negative ? '-' : '+'); break;
    case Sign::kMinus: out.push_back(negative ? '-' : ' '); break;
    case Sign::kBrackets: out += negative ? ">" : "  "; break;
    case Sign::kNone: break;
  }
  return out;
}

Result<NumberFormat> FormatArgument(const std::string& sql, const plan::BoundExpr& arg) {
  if (arg.kind != plan::BoundKind::kLiteral || (!types::IsStringLike(*arg.type) && arg.type->id() != arrow::Type::NA)) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", Quoted(sql)}, {"inputName", "`cast`"}, {"inputType", "\"STRING\""},
                          {"inputExpr", Quoted(arg.name)}});
  }
  if (!arg.literal->is_valid) return ParseFormat("9");  // a NULL format: every result is NULL
  return ParseFormat(std::string(static_cast<const arrow::BaseBinaryScalar&>(*arg.literal).view()));
}

FunctionInfo ToNumber(const std::string& name, bool try_mode) {
  FunctionInfo info = ScalarInfo(
      name,
      name + "(expr, fmt) - Convert string 'expr' to a number based on the string format 'fmt'." +
          (try_mode ? " Returns NULL if the string 'expr' does not match the expected format." : ""),
      [name, try_mode](const std::string& called, std::vector<BoundExprPtr> args,
                       const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount(name, args, 2, 2));
        const std::string sql = CallText(called, args);
        if (!types::IsStringLike(*args[0]->type)) {
          ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(auto format, FormatArgument(sql, *args[1]));
        const bool null_format = !args[1]->literal->is_valid;
        auto type = arrow::decimal128(std::max(format.digits(), 1), format.fraction);
        const bool nullable = try_mode || args[0]->nullable || null_format;
        return KernelCall(name, sql, args, type, nullable,
                          [format, type, try_mode, null_format](const Args& a, int64_t length,
                                                                const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            StringArg input(a[0]);
                            arrow::Decimal128Builder out(type);
                            for (int64_t i = 0; i < rows; ++i) {
                              std::string_view value;
                              arrow::Decimal128 number;
                              if (null_format || !input.Get(i, &value)) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                              } else if (ReadNumber(format, value, &number)) {
                                ARROW_RETURN_NOT_OK(out.Append(number));
                              } else if (try_mode) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                              } else {
                                return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_FORMAT.MISMATCH_INPUT",
                                                  {{"inputType", "\"STRING\""}, {"input", std::string(value)},
                                                   {"format", format.text}});
                              }
                            }
                            std::shared_ptr<arrow::Array> array;
                            ARROW_RETURN_NOT_OK(out.Finish(&array));
                            return AllScalars(a) ? Datum(*array->GetScalar(0)) : Datum(array);
                          });
      },
      /*can_fail=*/!try_mode);
  return info;
}

FunctionInfo ToChar(const std::string& name, std::vector<std::string> aliases) {
  FunctionInfo info = ScalarInfo(
      name,
      name + "(expr, format) - Convert `expr` to a string based on the `format`. Throws an exception if the "
             "conversion fails.",
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("to_char", args, 2, 2));
        const std::string sql = CallText("to_char", args);
        const auto& type = *args[0]->type;
        if (type.id() == arrow::Type::DATE32 || type.id() == arrow::Type::TIMESTAMP) {
          return BindFunctionCall("date_format", std::move(args), ctx);
        }
        if (type.id() == arrow::Type::BINARY) {
          std::string storage;
          const auto* literal = args[1]->kind == plan::BoundKind::kLiteral && args[1]->literal->is_valid
                                    ? &static_cast<const arrow::StringScalar&>(*args[1]->literal) : nullptr;
          std::string fmt = literal ? std::string(literal->view()) : "";
          for (char& c : fmt) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (fmt == "hex") return BindFunctionCall("hex", {args[0]}, ctx);
          if (fmt == "base64") return BindFunctionCall("base64", {args[0]}, ctx);
          return BindFunctionCall("decode", std::move(args), ctx);
        }
        if (type.id() == arrow::Type::NA) {
          ARROW_RETURN_NOT_OK(FormatArgument(sql, *args[1]).status());
          return KernelCall("to_char", sql, args, arrow::utf8(), true,
                            [](const Args&, int64_t rows, const EvalContext&) -> Result<Datum> {
                              ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(arrow::utf8(), rows));
                              return Datum(nulls);
                            });
        }
        if (!types::IsNumeric(type)) return UnexpectedInputType(sql, 0, "\"DECIMAL\"", *args[0]);
        ARROW_ASSIGN_OR_RAISE(auto format, FormatArgument(sql, *args[1]));
        const bool null_format = !args[1]->literal->is_valid;
        bool nullable = args[0]->nullable || null_format;
        if (type.id() != arrow::Type::DECIMAL128) {
          auto to = types::IsIntegral(type) ? arrow::decimal128(20, 0) : arrow::decimal128(38, 18);
          nullable |= !types::IsIntegral(type);
          ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], to, plan::CastMode::kDefault, true, ctx));
        }
        const int32_t scale = static_cast<const arrow::Decimal128Type&>(*args[0]->type).scale();
        return KernelCall("to_char", sql, args, arrow::utf8(), nullable,
                          [format, scale, null_format](const Args& a, int64_t length,
                                                       const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            const auto& decimals = static_cast<const arrow::Decimal128Array&>(*values);
                            StringColumnWriter out(rows);
                            for (int64_t i = 0; i < rows; ++i) {
                              if (null_format || decimals.IsNull(i)) {
                                out.AppendNull();
                                continue;
                              }
                              out.Append(WriteNumber(format, arrow::Decimal128(decimals.GetValue(i)), scale));
                            }
                            return out.Finish(AllScalars(a));
                          });
      });
  info.aliases = std::move(aliases);
  return info;
}

}  // namespace

void RegisterNumberFormatFunctions(FunctionRegistry& registry) {
  registry.Add(ToNumber("to_number", false));
  registry.Add(ToNumber("try_to_number", true));
  registry.Add(ToChar("to_char", {"to_varchar"}));
}

}  // namespace sk8::functions
