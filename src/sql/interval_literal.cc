#include "sql/interval_literal.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace sk8::sql {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// Day-time fields (Spark's DayTimeIntervalType) and year-month fields.
enum DayTimeField { kDay = 0, kHour = 1, kMinute = 2, kSecond = 3 };
enum YearMonthField { kYear = 0, kMonth = 1 };
const char* const kDayTimeNames[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
const char* const kYearMonthNames[] = {"YEAR", "MONTH"};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Fields(const char* const* names, int start, int end) {
  return start == end ? names[start] : std::string(names[start]) + " TO " + names[end];
}

// Seconds with six fraction digits, trailing zeros dropped (BigDecimal.stripTrailingZeros).
std::string Seconds(int64_t micros) {
  std::string out = (micros < 10 * kMicrosPerSecond ? "0" : "") + std::to_string(micros / kMicrosPerSecond);
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction != 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(fraction));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

// Spark's IntervalUtils.toDayTimeIntervalString (ANSI style).
std::string DayTimeSql(int64_t micros, int start, int end) {
  std::string text = micros < 0 ? "-" : "";
  uint64_t rest = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  auto two = [](uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%02llu", static_cast<unsigned long long>(v));
    return std::string(buf);
  };
  switch (start) {
    case kDay: text += std::to_string(rest / kMicrosPerDay); rest %= kMicrosPerDay; break;
    case kHour: text += two(rest / kMicrosPerHour); rest %= kMicrosPerHour; break;
    case kMinute: text += two(rest / kMicrosPerMinute); rest %= kMicrosPerMinute; break;
    default: text += Seconds(static_cast<int64_t>(rest)); break;
  }
  if (start < kHour && kHour <= end) {
    text += " " + two(rest / kMicrosPerHour);
    rest %= kMicrosPerHour;
  }
  if (start < kMinute && kMinute <= end) {
    text += ":" + two(rest / kMicrosPerMinute);
    rest %= kMicrosPerMinute;
  }
  if (start < kSecond && kSecond <= end) text += ":" + Seconds(static_cast<int64_t>(rest));
  return "INTERVAL '" + text + "' " + Fields(kDayTimeNames, start, end);
}

std::string YearMonthSql(int64_t months, int start, int end) {
  std::string sign = months < 0 ? "-" : "";
  int64_t a = months < 0 ? -months : months;
  std::string text;
  if (start == end) {
    text = sign + std::to_string(start == kYear ? a / 12 : a);
  } else {
    text = sign + std::to_string(a / 12) + "-" + std::to_string(a % 12);
  }
  return "INTERVAL '" + text + "' " + Fields(kYearMonthNames, start, end);
}

Status InvalidInterval(const std::string& source) {
  return ParseError("INVALID_INTERVAL_FORMAT.UNRECOGNIZED_NUMBER", {{"input", source}, {"number", source}});
}

// A decimal number as units of 10^-6: "-1.5" -> -1500000.
bool ParseMicroDecimal(std::string text, int64_t* out, bool* fraction) {
  bool negative = false;
  size_t i = 0;
  while (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    if (text[i] == '-') negative = !negative;
    ++i;
  }
  int64_t whole = 0, frac = 0;
  int digits = 0, frac_digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    if (whole > (INT64_MAX / 10) / kMicrosPerSecond) return false;
    whole = whole * 10 + (text[i] - '0');
  }
  *fraction = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (frac_digits < 6) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      }
      if (text[i] != '0') *fraction = true;
    }
  }
  if (i != text.size() || (digits == 0 && frac_digits == 0)) return false;
  for (int k = frac_digits; k < 6; ++k) frac *= 10;
  int64_t v = whole * kMicrosPerSecond + frac;
  *out = negative ? -v : v;
  return true;
}

}  // namespace

Result<IntervalLiteralValue> MultiUnitInterval(const std::vector<IntervalPart>& parts, const std::string& source) {
  int64_t months = 0, micros = 0;
  int ym_start = 9, ym_end = -1, dt_start = 9, dt_end = -1;
  for (const auto& part : parts) {
    std::string unit = Upper(part.unit);
    if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
    int64_t value;  // in millionths
    bool fraction;
    if (!ParseMicroDecimal(part.value, &value, &fraction)) return InvalidInterval(part.value);
    auto whole = [&]() -> Result<int64_t> {
      if (fraction) {
        return ParseError("INVALID_INTERVAL_FORMAT.INVALID_FRACTION", {{"input", part.value + " " + part.unit},
                                                                       {"unit", part.unit}});
      }
      return value / kMicrosPerSecond;
    };
    if (unit == "YEAR" || unit == "MONTH") {
      ARROW_ASSIGN_OR_RAISE(int64_t n, whole());
      int field = unit == "YEAR" ? kYear : kMonth;
      months += field == kYear ? n * 12 : n;
      ym_start = std::min(ym_start, field);
      ym_end = std::max(ym_end, field);
      continue;
    }
    int field;
    int64_t scale;  // micros per unit
    if (unit == "WEEK") {
      field = kDay;
      scale = 7 * kMicrosPerDay;
    } else if (unit == "DAY") {
      field = kDay;
      scale = kMicrosPerDay;
    } else if (unit == "HOUR") {
      field = kHour;
      scale = kMicrosPerHour;
    } else if (unit == "MINUTE") {
      field = kMinute;
      scale = kMicrosPerMinute;
    } else if (unit == "SECOND") {
      field = kSecond;
      scale = kMicrosPerSecond;
    } else if (unit == "MILLISECOND") {
      field = kSecond;
      scale = 1000;
    } else if (unit == "MICROSECOND") {
      field = kSecond;
      scale = 1;
    } else {
      return ParseError("INVALID_INTERVAL_FORMAT.INVALID_UNIT", {{"input", source}, {"unit", part.unit}});
    }
    if (field != kSecond) {
      ARROW_ASSIGN_OR_RAISE(int64_t n, whole());
      micros += n * scale;
    } else {
      micros += static_cast<int64_t>(static_cast<__int128>(value) * scale / kMicrosPerSecond);
    }
    dt_start = std::min(dt_start, field);
    dt_end = std::max(dt_end, field);
  }
  if (ym_end >= 0 && dt_end >= 0) return ParseError("_LEGACY_ERROR_TEMP_0029", {{"literal", source}});
  if (ym_end >= 0) {
    return IntervalLiteralValue{std::make_shared<arrow::MonthIntervalScalar>(static_cast<int32_t>(months)),
                                YearMonthSql(months, ym_start, ym_end)};
  }
  return IntervalLiteralValue{std::make_shared<arrow::DurationScalar>(micros, arrow::TimeUnit::MICRO),
                              DayTimeSql(micros, dt_start, dt_end)};
}

Result<IntervalLiteralValue> UnitToUnitInterval(const std::string& text, const std::string& from_unit,
                                                const std::string& to_unit) {
  std::string from = Upper(from_unit), to = Upper(to_unit);
  auto bad = [&]() {
    return ParseError("INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING",
                      {{"input", text}, {"intervalStr", "interval"},
                       {"supportedFormat", "`[+|-]d h`, `INTERVAL [+|-]'[+|-]d h' DAY TO HOUR`"},
                       {"typeName", "interval " + Upper(from_unit) + " to " + Upper(to_unit)}});
  };
  size_t i = 0;
  bool negative = false;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  // Numbers separated by the form's separators.
  std::vector<std::string> numbers(1);
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      numbers.back() += c;
    } else if (c == ':' || c == '-' || c == ' ') {
      numbers.emplace_back();
    } else {
      return bad();
    }
  }
  if (from == "YEAR" && to == "MONTH") {
    if (numbers.size() != 2) return bad();
    int64_t months = std::stoll("0" + numbers[0]) * 12 + std::stoll("0" + numbers[1]);
    if (negative) months = -months;
    return IntervalLiteralValue{std::make_shared<arrow::MonthIntervalScalar>(static_cast<int32_t>(months)),
                                YearMonthSql(months, kYear, kMonth)};
  }
  int start = -1, end = -1;
  for (int f = 0; f < 4; ++f) {
    if (from == kDayTimeNames[f]) start = f;
    if (to == kDayTimeNames[f]) end = f;
  }
  if (start < 0 || end <= start || numbers.size() != static_cast<size_t>(end - start + 1)) return bad();
  static const int64_t kScale[] = {kMicrosPerDay, kMicrosPerHour, kMicrosPerMinute, kMicrosPerSecond};
  int64_t micros = 0;
  for (int f = start; f <= end; ++f) {
    const std::string& n = numbers[static_cast<size_t>(f - start)];
    if (n.empty()) return bad();
    if (f == kSecond) {
      int64_t v;
      bool fraction;
      if (!ParseMicroDecimal(n, &v, &fraction)) return bad();
      micros += v;
    } else {
      if (n.find('.') != std::string::npos) return bad();
      micros += std::stoll(n) * kScale[f];
    }
  }
  if (negative) micros = -micros;
  return IntervalLiteralValue{std::make_shared<arrow::DurationScalar>(micros, arrow::TimeUnit::MICRO),
                              DayTimeSql(micros, start, end)};
}

}  // namespace sk8::sql
