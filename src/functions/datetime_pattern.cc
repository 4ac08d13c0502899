#include "functions/datetime_pattern.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "functions/time_util.h"
#include "functions/time_zone.h"

namespace sk8::functions {

namespace {

const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kDayNames[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char* const kQuarterNames[] = {"1st quarter", "2nd quarter", "3rd quarter", "4th quarter"};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The "'pattern'" parameter of Spark's pattern errors: the SQL string literal.
std::string QuotedPattern(std::string_view pattern) {
  std::string out = "'";
  for (char c : pattern) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// SimpleDateFormat's letters: a pattern it accepts gets Spark's "upgrade" error.
bool LegacyAccepts(std::string_view pattern) {
  static const std::string_view kLetters = "GyYMLwWDdFEuaHkKhmsSzZX";
  bool quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && std::isalpha(static_cast<unsigned char>(c)) && kLetters.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return !quoted;
}

Status PatternError(std::string_view pattern) {
  if (LegacyAccepts(pattern)) {
    return SparkError(SparkExceptionKind::kUpgrade, "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION",
                      {{"pattern", QuotedPattern(pattern)},
                       {"config", "\"spark.sql.legacy.timeParserPolicy\""},
                       {"docroot", "https://spark.apache.org/docs/latest"}});
  }
  return SparkError(SparkExceptionKind::kRuntime, "INVALID_DATETIME_PATTERN.WITH_SUGGESTION",
                    {{"pattern", QuotedPattern(pattern)}, {"docroot", "https://spark.apache.org/docs/latest"}});
}

// The largest count java.time accepts for a letter (0: not a letter it knows).
int MaxCount(char c) {
  switch (c) {
    case 'G': case 'M': case 'L': case 'E': return 4;  // 5 (narrow) is refused by Spark
    case 'y': return 10;
    case 'd': case 'h': case 'K': case 'k': case 'H': case 'm': case 's': return 2;
    case 'D': return 3;
    case 'Q': case 'q': return 4;
    case 'F': case 'a': return 1;
    case 'S': return 9;
    case 'V': return 2;
    case 'z': case 'O': return 4;
    case 'X': case 'x': case 'Z': return 5;
    default: return 0;
  }
}

void AppendPadded(std::string* out, int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  *out += buf;
}

// "+08:00"-style offsets: java.time's OffsetIdPrinterParser.
void AppendOffset(std::string* out, int32_t offset, bool colon, bool with_minutes, bool optional_minutes,
                  bool seconds, const char* zero) {
  if (offset == 0 && zero != nullptr) {
    *out += zero;
    return;
  }
  int32_t a = std::abs(offset);
  int h = a / 3600, m = a / 60 % 60, s = a % 60;
  *out += offset < 0 ? '-' : '+';
  AppendPadded(out, h, 2);
  if (with_minutes && (!optional_minutes || m != 0 || s != 0)) {
    if (colon) *out += ':';
    AppendPadded(out, m, 2);
    if (seconds && s != 0) {
      if (colon) *out += ':';
      AppendPadded(out, s, 2);
    }
  }
}

// "GMT+8" (O) or "GMT+08:00" (OOOO).
void AppendLocalizedOffset(std::string* out, int32_t offset, bool full) {
  *out += "GMT";
  if (offset == 0) return;
  int32_t a = std::abs(offset);
  *out += offset < 0 ? '-' : '+';
  int h = a / 3600, m = a / 60 % 60, s = a % 60;
  if (full) {
    AppendPadded(out, h, 2);
    *out += ':';
    AppendPadded(out, m, 2);
    if (s) {
      *out += ':';
      AppendPadded(out, s, 2);
    }
  } else {
    *out += std::to_string(h);
    if (m || s) {
      *out += ':';
      AppendPadded(out, m, 2);
    }
    if (s) {
      *out += ':';
      AppendPadded(out, s, 2);
    }
  }
}

std::string LongZoneName(const TimeZone* zone, int64_t utc_seconds) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"UTC", "Coordinated Universal Time"}, {"Etc/UTC", "Coordinated Universal Time"},
      {"GMT", "Greenwich Mean Time"}, {"Z", "Z"}};
  for (const auto& [id, name] : kNames) {
    if (zone->id() == id) return name;
  }
  return zone->ShortName(utc_seconds);
}

}  // namespace

struct DateTimePattern::Token {
  char letter = 0;  // 0: literal text; '[' / ']': optional section
  int count = 0;
  std::string literal;
  bool year_of_era = false;  // 'y' with an era in the pattern; else the proleptic year
  // Parsing width of a number.
  int min_width = 1, max_width = 19;
  bool IsNumber() const {
    switch (letter) {
      case 'y': case 'd': case 'D': case 'h': case 'K': case 'k': case 'H': case 'm': case 's': case 'S': case 'F':
        return true;
      case 'M': case 'L': case 'Q': case 'q': return count <= 2;
      default: return false;
    }
  }
  bool FixedWidth() const { return IsNumber() && min_width == max_width; }
};

DateTimePattern::DateTimePattern() = default;
DateTimePattern::~DateTimePattern() = default;

LocalDateTime LocalDateTime::FromMicros(int64_t local_micros) {
  LocalDateTime t;
  int64_t days = FloorDiv(local_micros, kMicrosPerDay);
  int64_t rem = local_micros - days * kMicrosPerDay;
  CivilDate(static_cast<int32_t>(days), &t.year, &t.month, &t.day);
  int64_t secs = rem / kMicrosPerSecond;
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.nanos = static_cast<int32_t>(rem % kMicrosPerSecond * 1000);
  return t;
}

int64_t LocalDateTime::ToMicros() const {
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMicrosPerDay + ((hour * 60LL + minute) * 60 + second) * kMicrosPerSecond + nanos / 1000;
}

Result<std::shared_ptr<const DateTimePattern>> DateTimePattern::Compile(std::string_view pattern, bool for_parsing) {
  auto compiled = std::make_shared<DateTimePattern>();
  bool has_era = false;
  {
    bool quoted = false;
    for (char c : pattern) {
      if (c == '\'') quoted = !quoted;
      if (!quoted && c == 'G') has_era = true;
    }
  }
  int depth = 0;
  size_t i = 0;
  const size_t n = pattern.size();
  auto add_literal = [&](std::string text) {
    if (!compiled->tokens_.empty() && compiled->tokens_.back().letter == 0) {
      compiled->tokens_.back().literal += text;
    } else {
      Token t;
      t.literal = std::move(text);
      compiled->tokens_.push_back(std::move(t));
    }
  };
  while (i < n) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < n && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      std::string text;
      size_t j = i + 1;
      bool closed = false;
      while (j < n) {
        if (pattern[j] == '\'') {
          if (j + 1 < n && pattern[j + 1] == '\'') {
            text += '\'';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        text += pattern[j++];
      }
      if (!closed) return PatternError(pattern);
      add_literal(std::move(text));
      i = j + 1;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < n && pattern[j] == c) ++j;
      int count = static_cast<int>(j - i);
      i = j;
      if (c == 'e' || c == 'c') {
        return SparkError(SparkExceptionKind::kIllegalArgument,
                          "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN", {{"c", std::string(1, c)}});
      }
      if (c == 'A' || c == 'n' || c == 'N' || c == 'p') {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER",
                          {{"pattern", std::string(pattern)}, {"c", std::string(1, c)}});
      }
      bool parse_refused = for_parsing && std::strchr("EFqQ", c) != nullptr;
      if (parse_refused && !LegacyAccepts(pattern)) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER",
                          {{"pattern", std::string(pattern)}, {"c", std::string(1, c)}});
      }
      int max = MaxCount(c);
      if ((c == 'Q' || c == 'q') && count > max) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_DATETIME_PATTERN.LENGTH",
                          {{"pattern", std::string(pattern)}});
      }
      if (max == 0 || count > max || parse_refused || (c == 'V' && count != 2) ||
          (c == 'O' && count != 1 && count != 4)) {
        return PatternError(pattern);
      }
      Token t;
      t.letter = c == 'L' ? 'M' : (c == 'q' ? 'Q' : c);
      t.count = count;
      t.year_of_era = c == 'y' && has_era;
      if (std::strchr("XxZzOV", c)) compiled->has_zone_ = true;
      // Parsing widths (java.time's appendValue forms for each count).
      if (c == 'y') {
        t.min_width = count == 2 ? 2 : count;
        t.max_width = count == 2 ? 2 : 19;
      } else if (c == 'D') {
        t.min_width = count;
        t.max_width = count == 1 ? 19 : 3;
      } else if (c == 'S') {
        t.min_width = 1;
        t.max_width = count;
      } else if (count == 2) {
        t.min_width = t.max_width = 2;
      }
      compiled->tokens_.push_back(std::move(t));
      continue;
    }
    if (c == '#' || c == '{' || c == '}') return PatternError(pattern);
    if (c == '[' || c == ']') {
      depth += c == '[' ? 1 : -1;
      if (depth < 0) return PatternError(pattern);
      Token t;
      t.letter = c;
      compiled->tokens_.push_back(std::move(t));
      ++i;
      continue;
    }
    add_literal(std::string(1, c));
    ++i;
  }
  return compiled;
}

void DateTimePattern::Format(int64_t local_micros, int32_t offset, const TimeZone* zone, int64_t utc_seconds,
                             std::string* out) const {
  LocalDateTime t = LocalDateTime::FromMicros(local_micros);
  int64_t days = FloorDiv(local_micros, kMicrosPerDay);
  int day_of_week = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 0 = Monday (1970-01-01 was a Thursday)
  for (const Token& token : tokens_) {
    const int n = token.count;
    switch (token.letter) {
      case 0: *out += token.literal; break;
      case '[': case ']': break;
      case 'G': *out += t.year > 0 ? (n == 4 ? "Anno Domini" : "AD") : (n == 4 ? "Before Christ" : "BC"); break;
      case 'y': {
        int64_t year = token.year_of_era ? (t.year > 0 ? t.year : 1 - t.year) : t.year;
        if (n == 2) {
          AppendPadded(out, ((year % 100) + 100) % 100, 2);
          break;
        }
        if (year < 0) {
          *out += '-';
          year = -year;
        } else if (n >= 4 && std::to_string(year).size() > static_cast<size_t>(n)) {
          *out += '+';
        }
        AppendPadded(out, year, n == 1 ? 1 : n);
        break;
      }
      case 'M':
        if (n >= 3) {
          std::string name = kMonthNames[t.month - 1];
          *out += n == 3 ? name.substr(0, 3) : name;
        } else {
          AppendPadded(out, t.month, n);
        }
        break;
      case 'Q': {
        int q = (t.month - 1) / 3 + 1;
        if (n == 3) {
          *out += "Q" + std::to_string(q);
        } else if (n == 4) {
          *out += kQuarterNames[q - 1];
        } else {
          AppendPadded(out, q, n);
        }
        break;
      }
      case 'd': AppendPadded(out, t.day, n); break;
      case 'D': AppendPadded(out, days - DaysFromCivil(t.year, 1, 1) + 1, n); break;
      case 'F': AppendPadded(out, (t.day - 1) % 7 + 1, n); break;
      case 'E': {
        std::string name = kDayNames[day_of_week];
        *out += n == 4 ? name : name.substr(0, 3);
        break;
      }
      case 'a': *out += t.hour < 12 ? "AM" : "PM"; break;
      case 'h': AppendPadded(out, t.hour % 12 == 0 ? 12 : t.hour % 12, n); break;
      case 'K': AppendPadded(out, t.hour % 12, n); break;
      case 'k': AppendPadded(out, t.hour == 0 ? 24 : t.hour, n); break;
      case 'H': AppendPadded(out, t.hour, n); break;
      case 'm': AppendPadded(out, t.minute, n); break;
      case 's': AppendPadded(out, t.second, n); break;
      case 'S': {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "%09d", t.nanos);
        out->append(buf, static_cast<size_t>(n));
        break;
      }
      case 'V': *out += zone ? zone->id() : "Z"; break;
      case 'z':
        if (zone == nullptr) {
          AppendOffset(out, offset, true, true, false, true, "Z");
        } else {
          *out += n == 4 ? LongZoneName(zone, utc_seconds) : zone->ShortName(utc_seconds);
        }
        break;
      case 'O': AppendLocalizedOffset(out, offset, n == 4); break;
      case 'X':
      case 'x': {
        if (token.letter == 'x' && offset == 0) {
          // x prints zero as +00, +0000, +00:00 ...
          static const char* kZeros[] = {"+00", "+0000", "+00:00", "+0000", "+00:00"};
          *out += kZeros[n - 1];
          break;
        }
        const char* zero = token.letter == 'X' ? "Z" : nullptr;
        switch (n) {
          case 1: AppendOffset(out, offset, false, true, true, false, zero); break;
          case 2: AppendOffset(out, offset, false, true, false, false, zero); break;
          case 3: AppendOffset(out, offset, true, true, false, false, zero); break;
          case 4: AppendOffset(out, offset, false, true, false, true, zero); break;
          default: AppendOffset(out, offset, true, true, false, true, zero); break;
        }
        break;
      }
      case 'Z':
        if (n <= 3) {
          AppendOffset(out, offset, false, true, false, false, nullptr);
        } else if (n == 4) {
          AppendLocalizedOffset(out, offset, true);
        } else {
          AppendOffset(out, offset, true, true, false, true, "Z");
        }
        break;
      default: break;
    }
  }
}

namespace {

struct ParseState {
  std::string_view text;
  size_t pos = 0;
  // Fields found; -1 when absent.
  int64_t year = INT64_MIN, year_of_era = INT64_MIN;
  int era = -1, month = -1, day = -1, day_of_year = -1, hour = -1, hour_ampm = -1, clock_hour_ampm = -1,
      clock_hour = -1, ampm = -1, minute = -1, second = -1;
  int32_t nanos = -1;
  bool has_offset = false;
  int32_t offset = 0;
  const TimeZone* zone = nullptr;
};

bool MatchText(ParseState& s, std::string_view word) {
  if (s.text.size() - s.pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s.text[s.pos + i])) != std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  s.pos += word.size();
  return true;
}

size_t DigitRun(const ParseState& s) {
  size_t n = 0;
  while (s.pos + n < s.text.size() && std::isdigit(static_cast<unsigned char>(s.text[s.pos + n]))) ++n;
  return n;
}

bool ParseFixedDigits(ParseState& s, int digits, int64_t* out) {
  if (DigitRun(s) < static_cast<size_t>(digits)) return false;
  int64_t v = 0;
  for (int i = 0; i < digits; ++i) v = v * 10 + (s.text[s.pos++] - '0');
  *out = v;
  return true;
}

// +HH, +HHMM, +HH:MM, +HH:MM:SS (and "Z" when allowed): an offset in seconds.
bool ParseOffset(ParseState& s, bool allow_z, int32_t* out) {
  if (allow_z && s.pos < s.text.size() && (s.text[s.pos] == 'Z' || s.text[s.pos] == 'z')) {
    ++s.pos;
    *out = 0;
    return true;
  }
  if (s.pos >= s.text.size() || (s.text[s.pos] != '+' && s.text[s.pos] != '-')) return false;
  int sign = s.text[s.pos] == '-' ? -1 : 1;
  size_t start = s.pos++;
  int64_t h, m = 0, sec = 0;
  if (!ParseFixedDigits(s, 2, &h)) {
    s.pos = start;
    return false;
  }
  bool colon = s.pos < s.text.size() && s.text[s.pos] == ':';
  if (colon) ++s.pos;
  if (!ParseFixedDigits(s, 2, &m)) {
    if (colon) --s.pos;
  } else {
    bool colon2 = s.pos < s.text.size() && s.text[s.pos] == ':';
    if (colon2 == colon) {
      size_t before = s.pos;
      if (colon2) ++s.pos;
      if (!ParseFixedDigits(s, 2, &sec)) s.pos = before;
    }
  }
  if (h > 18 || m > 59 || sec > 59) return false;
  *out = static_cast<int32_t>(sign * (h * 3600 + m * 60 + sec));
  return true;
}

std::string RangeError(const char* field, const char* range, int64_t value) {
  return std::string("Invalid value for ") + field + " (valid values " + range + "): " + std::to_string(value);
}

}  // namespace

bool DateTimePattern::Parse(std::string_view text, ParsedDateTime* out, std::string* error) const {
  ParseState s;
  s.text = text;
  auto fail_at = [&](size_t index) {
    *error = "Text '" + std::string(text) + "' could not be parsed at index " + std::to_string(index);
    return false;
  };
  // Optional sections: on a mismatch inside one, rewind to its start and skip it.
  std::vector<std::pair<size_t, size_t>> optional_starts;  // (token index, text position)
  for (size_t k = 0; k < tokens_.size(); ++k) {
    const Token& t = tokens_[k];
    const size_t start = s.pos;
    bool ok = true;
    switch (t.letter) {
      case '[': optional_starts.emplace_back(k, s.pos); continue;
      case ']':
        if (!optional_starts.empty()) optional_starts.pop_back();
        continue;
      case 0: ok = MatchText(s, t.literal); break;
      case 'G':
        if (MatchText(s, t.count == 4 ? "Anno Domini" : "AD")) {
          s.era = 1;
        } else if (MatchText(s, t.count == 4 ? "Before Christ" : "BC")) {
          s.era = 0;
        } else {
          ok = false;
        }
        break;
      case 'a':
        if (MatchText(s, "AM")) {
          s.ampm = 0;
        } else if (MatchText(s, "PM")) {
          s.ampm = 1;
        } else {
          ok = false;
        }
        break;
      case 'M':
        if (t.count >= 3) {
          ok = false;
          for (int m = 0; m < 12 && !ok; ++m) {
            std::string name = kMonthNames[m];
            if (MatchText(s, t.count == 3 ? name.substr(0, 3) : name)) {
              s.month = m + 1;
              ok = true;
            }
          }
          break;
        }
        [[fallthrough]];
      default: {
        if (t.IsNumber()) {
          // Adjacent value parsing: a variable-width number leaves the digits
          // of fixed-width numbers right after it to them.
          size_t reserved = 0;
          if (!t.FixedWidth()) {
            for (size_t j = k + 1; j < tokens_.size() && tokens_[j].FixedWidth(); ++j) reserved += tokens_[j].max_width;
          }
          bool negative = false;
          if (t.letter == 'y' && !t.year_of_era && t.count != 2 && s.pos < text.size() &&
              (text[s.pos] == '-' || text[s.pos] == '+')) {
            negative = text[s.pos] == '-';
            ++s.pos;
          }
          size_t run = DigitRun(s);
          size_t take = std::min<size_t>(static_cast<size_t>(t.max_width), run >= reserved ? run - reserved : 0);
          // java.time's strict EXCEEDS_PAD years: more digits than letters need a sign.
          bool signed_year = s.pos > start;
          if (take < static_cast<size_t>(t.min_width) ||
              (t.letter == 'y' && t.count >= 4 && take > static_cast<size_t>(t.count) && !signed_year)) {
            s.pos = start;
            ok = false;
            break;
          }
          int64_t v = 0;
          if (t.letter == 'S') {
            for (size_t d = 0; d < 9; ++d) v = v * 10 + (d < take ? text[s.pos + d] - '0' : 0);
            s.pos += take;
            s.nanos = static_cast<int32_t>(v);
            break;
          }
          if (!ParseFixedDigits(s, static_cast<int>(take), &v)) {
            ok = false;
            break;
          }
          if (negative) v = -v;
          switch (t.letter) {
            case 'y':
              if (t.count == 2) v += 2000;
              if (t.year_of_era) {
                s.year_of_era = v;
              } else {
                s.year = v;
              }
              break;
            case 'M': s.month = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'd': s.day = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'D': s.day_of_year = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'H': s.hour = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'h': s.clock_hour_ampm = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'K': s.hour_ampm = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'k': s.clock_hour = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 'm': s.minute = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            case 's': s.second = static_cast<int>(std::min<int64_t>(v, INT32_MAX)); break;
            default: break;
          }
          break;
        }
        switch (t.letter) {
          case 'X':
          case 'x':
          case 'Z': {
            int32_t offset = 0;
            if (t.letter == 'Z' && t.count == 4) {
              ok = MatchText(s, "GMT");
              if (ok && !ParseOffset(s, false, &offset)) offset = 0;
            } else {
              ok = ParseOffset(s, t.letter == 'X' || (t.letter == 'Z' && t.count == 5), &offset);
            }
            if (ok) {
              s.has_offset = true;
              s.offset = offset;
            }
            break;
          }
          case 'O': {
            int32_t offset = 0;
            ok = MatchText(s, "GMT");
            if (ok && s.pos < text.size() && (text[s.pos] == '+' || text[s.pos] == '-')) {
              int sign = text[s.pos] == '-' ? -1 : 1;
              ++s.pos;
              int64_t h = 0, m = 0;
              size_t run = std::min<size_t>(DigitRun(s), 2);
              ok = run > 0 && ParseFixedDigits(s, static_cast<int>(run), &h);
              if (ok && s.pos < text.size() && text[s.pos] == ':') {
                ++s.pos;
                ok = ParseFixedDigits(s, 2, &m);
              }
              offset = static_cast<int32_t>(sign * (h * 3600 + m * 60));
            }
            if (ok) {
              s.has_offset = true;
              s.offset = offset;
            }
            break;
          }
          case 'V':
          case 'z': {
            size_t end = s.pos;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '/' ||
                                         text[end] == '_' || (t.letter == 'V' && std::strchr("+-:", text[end])))) {
              ++end;
            }
            const TimeZone* zone = end > s.pos ? TimeZone::TryFind(std::string(text.substr(s.pos, end - s.pos))) : nullptr;
            ok = zone != nullptr;
            if (ok) {
              s.zone = zone;
              s.pos = end;
            }
            break;
          }
          default: ok = false; break;
        }
      }
    }
    if (!ok) {
      if (optional_starts.empty()) return fail_at(start);
      // Skip to the end of the innermost optional section.
      auto [open, position] = optional_starts.back();
      optional_starts.pop_back();
      s.pos = position;
      int depth = 0;
      size_t j = open;
      for (; j < tokens_.size(); ++j) {
        if (tokens_[j].letter == '[') ++depth;
        if (tokens_[j].letter == ']' && --depth == 0) break;
      }
      k = j;
    }
  }
  if (s.pos != text.size()) {
    *error = "Text '" + std::string(text) + "' could not be parsed, unparsed text found at index " + std::to_string(s.pos);
    return false;
  }
  // Resolve as java.time's STRICT resolver does, with Spark's defaults.
  auto resolve_error = [&](const std::string& why) {
    *error = "Text '" + std::string(text) + "' could not be parsed: " + why;
    return false;
  };
  LocalDateTime& r = out->local;
  r = LocalDateTime();
  if (s.year_of_era != INT64_MIN) {
    if (s.year_of_era < 1) return resolve_error(RangeError("YearOfEra", "1 - 999999999/1000000000", s.year_of_era));
    r.year = s.era == 0 ? 1 - s.year_of_era : s.year_of_era;
  } else if (s.year != INT64_MIN) {
    if (s.year > 999999999 || s.year < -999999999) return resolve_error(RangeError("Year", "-999999999 - 999999999", s.year));
    r.year = s.year;
  }
  if (s.month != -1 && (s.month < 1 || s.month > 12)) return resolve_error(RangeError("MonthOfYear", "1 - 12", s.month));
  if (s.day != -1 && (s.day < 1 || s.day > 31)) return resolve_error(RangeError("DayOfMonth", "1 - 28/31", s.day));
  if (s.month != -1) r.month = s.month;
  if (s.day != -1) r.day = s.day;
  if (s.day_of_year != -1 && s.month == -1 && s.day == -1) {
    if (s.day_of_year < 1 || s.day_of_year > 366) {
      return resolve_error(RangeError("DayOfYear", "1 - 365/366", s.day_of_year));
    }
    if (s.day_of_year == 366 && !IsLeap(r.year)) {
      return resolve_error("Invalid date 'DayOfYear 366' as '" + std::to_string(r.year) + "' is not a leap year");
    }
    int64_t days = DaysFromCivil(r.year, 1, 1) + s.day_of_year - 1;
    CivilDate(static_cast<int32_t>(days), &r.year, &r.month, &r.day);
  }
  if (r.day > DaysInMonth(r.year, r.month)) {
    if (r.day == 29) {
      return resolve_error("Invalid date 'February 29' as '" + std::to_string(r.year) + "' is not a leap year");
    }
    std::string month = kMonthNames[r.month - 1];
    std::transform(month.begin(), month.end(), month.begin(), [](unsigned char c) { return std::toupper(c); });
    return resolve_error("Invalid date '" + month + " " + std::to_string(r.day) + "'");
  }
  if (s.hour != -1 && s.hour > 23) return resolve_error(RangeError("HourOfDay", "0 - 23", s.hour));
  if (s.clock_hour != -1 && (s.clock_hour < 1 || s.clock_hour > 24)) {
    return resolve_error(RangeError("ClockHourOfDay", "1 - 24", s.clock_hour));
  }
  if (s.clock_hour_ampm != -1 && (s.clock_hour_ampm < 1 || s.clock_hour_ampm > 12)) {
    return resolve_error(RangeError("ClockHourOfAmPm", "1 - 12", s.clock_hour_ampm));
  }
  if (s.hour_ampm != -1 && s.hour_ampm > 11) return resolve_error(RangeError("HourOfAmPm", "0 - 11", s.hour_ampm));
  if (s.minute != -1 && s.minute > 59) return resolve_error(RangeError("MinuteOfHour", "0 - 59", s.minute));
  if (s.second != -1 && s.second > 59) return resolve_error(RangeError("SecondOfMinute", "0 - 59", s.second));
  if (s.hour != -1) {
    r.hour = s.hour;
  } else if (s.clock_hour != -1) {
    r.hour = s.clock_hour % 24;
  } else {
    int half = s.clock_hour_ampm != -1 ? s.clock_hour_ampm % 12 : s.hour_ampm;
    if (half != -1) {
      r.hour = half + (s.ampm == 1 ? 12 : 0);
    } else if (s.ampm == 1) {
      r.hour = 12;
    }
  }
  if (s.minute != -1) r.minute = s.minute;
  if (s.second != -1) r.second = s.second;
  if (s.nanos != -1) r.nanos = s.nanos;
  out->has_offset = s.has_offset;
  out->offset_seconds = s.offset;
  out->zone = s.zone;
  return true;
}

}  // namespace sk8::functions
