#include "functions/text_values.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "functions/time_util.h"

namespace sk8::functions {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

template <typename T>
bool ParseJavaIntegral(std::string_view text, T* out) {
  if (text.empty()) return false;
  size_t pos = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  if (pos == text.size()) return false;
  // Accumulate negatively so that the minimum value fits.
  T value = 0;
  const T min = std::numeric_limits<T>::min();
  for (; pos < text.size(); ++pos) {
    if (!IsDigit(text[pos])) return false;
    const T digit = static_cast<T>(text[pos] - '0');
    if (value < (min + digit) / 10) return false;
    value = static_cast<T>(value * 10 - digit);
  }
  if (!negative) {
    if (value == min) return false;
    value = static_cast<T>(-value);
  }
  *out = value;
  return true;
}

// digits [. digits] [e [sign] digits], with a digit before or after the point
// (the unsigned forms both Double.parseDouble and BigDecimal take).
bool IsPlainNumber(std::string_view text) {
  size_t i = 0, mantissa_digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++mantissa_digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == text.size();
}

std::string_view TrimJava(std::string_view text) {
  // String.trim: code points <= ' ' at both ends.
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> SourceOptions::Get(std::string_view name) const {
  // The last setting wins, as in Spark's case-insensitive option map.
  for (auto it = options_.rbegin(); it != options_.rend(); ++it) {
    if (EqualsIgnoreCase(it->first, name)) return it->second;
  }
  return std::nullopt;
}

std::string SourceOptions::GetOr(std::string_view name, std::string fallback) const {
  auto value = Get(name);
  return value ? *value : std::move(fallback);
}

Result<bool> SourceOptions::GetBool(std::string_view name, bool fallback) const {
  auto value = Get(name);
  if (!value) return fallback;
  if (EqualsIgnoreCase(*value, "true")) return true;
  if (EqualsIgnoreCase(*value, "false")) return false;
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.BOOLEAN",
                    {{"parameter", std::string(name)}, {"functionName", "`option`"}, {"invalidValue", *value}});
}

void SourceOptions::Set(std::string name, std::string value) { options_.emplace_back(std::move(name), std::move(value)); }


bool ParseJavaInt(std::string_view text, int32_t* out) { return ParseJavaIntegral(text, out); }
bool ParseJavaLong(std::string_view text, int64_t* out) { return ParseJavaIntegral(text, out); }

bool ParseJavaDouble(std::string_view raw, double* out) {
  std::string_view text = TrimJava(raw);
  if (text.empty()) return false;
  size_t pos = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  std::string_view rest = text.substr(pos);
  if (rest == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (rest == "Infinity") {
    *out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (!rest.empty() && (rest.back() == 'd' || rest.back() == 'D' || rest.back() == 'f' || rest.back() == 'F')) {
    rest.remove_suffix(1);
  }
  if (!IsPlainNumber(rest)) return false;
  std::string copy(rest);
  double value = std::strtod(copy.c_str(), nullptr);
  *out = negative ? -value : value;
  return true;
}

bool ParseBigDecimal(std::string_view text, arrow::Decimal128* unscaled, int32_t* precision, int32_t* scale) {
  // BigDecimal's grammar: [sign] digits [. digits] [e [sign] digits]; Arrow's
  // parser takes the same forms but also whitespace-free "inf" / "nan", which
  // BigDecimal does not.
  if (text.empty()) return false;
  if (!IsPlainNumber(text.substr((text[0] == '-' || text[0] == '+') ? 1 : 0))) return false;
  return arrow::Decimal128::FromString(text, unscaled, precision, scale).ok();
}

bool ParseDecimalAs(std::string_view text, int32_t precision, int32_t scale, arrow::Decimal128* out) {
  arrow::Decimal128 value;
  int32_t p, s;
  if (!ParseBigDecimal(text, &value, &p, &s)) return false;
  if (s < scale) {
    auto rescaled = value.Rescale(s, scale);
    if (!rescaled.ok()) return false;
    value = *rescaled;
  } else if (s > scale) {
    value = value.ReduceScaleBy(s - scale, /*round=*/true);
  }
  if (!value.FitsInPrecision(precision)) return false;
  *out = value;
  return true;
}

bool ParseJavaBoolean(std::string_view text, bool* out) {
  auto equals = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
    }
    return true;
  };
  if (equals("true")) {
    *out = true;
    return true;
  }
  if (equals("false")) {
    *out = false;
    return true;
  }
  return false;
}

namespace {

// A datetime pattern applied to text: the fields it names, or false.
struct PatternFields {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  bool pm = false, has_am_pm = false;
  bool has_offset = false;
  int64_t offset_seconds = 0;
};

bool ReadNumber(std::string_view text, size_t* pos, size_t min_digits, size_t max_digits, int64_t* out) {
  size_t start = *pos, n = 0;
  int64_t value = 0;
  while (*pos < text.size() && n < max_digits && IsDigit(text[*pos])) {
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
    ++n;
  }
  if (n < min_digits) {
    *pos = start;
    return false;
  }
  *out = value;
  return true;
}

bool ApplyPattern(std::string_view pattern, std::string_view text, PatternFields* f) {
  size_t p = 0, t = 0;
  while (p < pattern.size()) {
    const char c = pattern[p];
    if (c == '\'') {  // quoted literal; '' is a quote
      size_t close = pattern.find('\'', p + 1);
      if (close == std::string_view::npos) return false;
      std::string_view literal = close == p + 1 ? std::string_view("'") : pattern.substr(p + 1, close - p - 1);
      if (text.substr(t, literal.size()) != literal) return false;
      t += literal.size();
      p = close + 1;
      continue;
    }
    size_t run = 1;
    while (p + run < pattern.size() && pattern[p + run] == c) ++run;
    p += run;
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      for (size_t k = 0; k < run; ++k, ++t) {
        if (t >= text.size() || text[t] != c) return false;
      }
      continue;
    }
    // Adjacent numeric fields (yyyyMMdd) read exactly their width.
    const bool next_is_number = p < pattern.size() && std::isalpha(static_cast<unsigned char>(pattern[p]));
    switch (c) {
      case 'y':
      case 'u':
        if (run == 2) {
          int64_t yy;
          if (!ReadNumber(text, &t, 2, 2, &yy)) return false;
          f->year = 2000 + yy;
        } else if (!ReadNumber(text, &t, run, next_is_number ? run : 9, &f->year)) {
          return false;
        }
        break;
      case 'M':
      case 'L':
        if (!ReadNumber(text, &t, run, run == 1 ? 2 : 2, &f->month)) return false;
        break;
      case 'd':
        if (!ReadNumber(text, &t, run, 2, &f->day)) return false;
        break;
      case 'H':
      case 'h':
      case 'k':
      case 'K':
        if (!ReadNumber(text, &t, run, 2, &f->hour)) return false;
        break;
      case 'm':
        if (!ReadNumber(text, &t, run, 2, &f->minute)) return false;
        break;
      case 's':
        if (!ReadNumber(text, &t, run, 2, &f->second)) return false;
        break;
      case 'S': {
        size_t start = t;
        int64_t fraction;
        if (!ReadNumber(text, &t, 1, std::max<size_t>(run, 1), &fraction)) return false;
        size_t digits = t - start;
        int64_t micros = fraction;
        for (size_t k = digits; k < 6; ++k) micros *= 10;
        for (size_t k = 6; k < digits; ++k) micros /= 10;
        f->micros = micros;
        break;
      }
      case 'a': {
        std::string_view marker = text.substr(t, 2);
        if (marker == "AM" || marker == "am") {
          f->pm = false;
        } else if (marker == "PM" || marker == "pm") {
          f->pm = true;
        } else {
          return false;
        }
        f->has_am_pm = true;
        t += 2;
        break;
      }
      case 'X':
      case 'Z':
      case 'x': {
        if (t < text.size() && text[t] == 'Z' && c == 'X') {
          ++t;
          f->has_offset = true;
          break;
        }
        if (t >= text.size() || (text[t] != '+' && text[t] != '-')) return false;
        const int sign = text[t] == '-' ? -1 : 1;
        ++t;
        int64_t oh, om = 0;
        if (!ReadNumber(text, &t, 2, 2, &oh)) return false;
        if (t < text.size() && text[t] == ':') ++t;
        ReadNumber(text, &t, 2, 2, &om);
        f->has_offset = true;
        f->offset_seconds = sign * (oh * 3600 + om * 60);
        break;
      }
      default: return false;  // text fields (MMM, EEE, zone names) are not read yet
    }
  }
  return t == text.size();
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool HasZoneSuffix(std::string_view text) {
  if (!text.empty() && text.back() == 'Z') return true;
  const size_t time = text.find_first_of("T ");
  return time != std::string_view::npos && text.find_first_of("+-", time) != std::string_view::npos;
}

}  // namespace

bool DateTimeParser::ParseDate(std::string_view text, int32_t* days, bool lenient) const {
  if (format.empty()) {
    // yyyy-MM-dd first; then Spark's fallback to its lenient date forms.
    PatternFields f;
    if (ApplyPattern("yyyy-MM-dd", text, &f) && ValidDate(f.year, f.month, f.day)) {
      *days = functions::DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
      return true;
    }
    return lenient && functions::ParseDate(text, days);
  }
  PatternFields f;
  if (!ApplyPattern(format, text, &f) || !ValidDate(f.year, f.month, f.day)) return false;
  *days = functions::DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  return true;
}

bool DateTimeParser::ParseTimestamp(std::string_view text, bool to_utc, int64_t* micros) const {
  int64_t value;
  bool has_zone;
  if (format.empty()) {
    if (!functions::ParseTimestamp(text, &value)) return false;
    has_zone = HasZoneSuffix(text);
  } else {
    PatternFields f;
    if (!ApplyPattern(format, text, &f) || !ValidDate(f.year, f.month, f.day)) return false;
    if (f.has_am_pm) f.hour = f.hour % 12 + (f.pm ? 12 : 0);
    if (f.hour > 23 || f.minute > 59 || f.second > 59) return false;
    const int64_t days =
        functions::DaysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
    value = days * functions::kMicrosPerDay +
            ((f.hour * 60 + f.minute) * 60 + f.second - f.offset_seconds) * functions::kMicrosPerSecond + f.micros;
    has_zone = f.has_offset;
  }
  if (to_utc && !has_zone) {
    auto utc = functions::LocalToUtcMicros(value, session_time_zone);
    if (!utc.ok()) return false;
    value = *utc;
  }
  *micros = value;
  return true;
}

}  // namespace sk8::functions
