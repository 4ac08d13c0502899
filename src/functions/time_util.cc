#include "functions/time_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "functions/time_zone.h"

namespace sk8::functions {

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian), as Spark uses.
int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

static void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  if (y > 9999) {
    std::snprintf(buf, sizeof(buf), "+%lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else if (y < 0) {
    std::snprintf(buf, sizeof(buf), "-%04lld-%02u-%02u", static_cast<long long>(-y), m, d);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  return buf;
}

std::string FormatTimestamp(int64_t wall_micros) {
  int64_t days = FloorDiv(wall_micros, kMicrosPerDay);
  int64_t rem = wall_micros - days * kMicrosPerDay;
  int64_t secs = rem / kMicrosPerSecond;
  int64_t micros = rem % kMicrosPerSecond;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s %02lld:%02lld:%02lld", FormatDate(static_cast<int32_t>(days)).c_str(),
                static_cast<long long>(secs / 3600), static_cast<long long>((secs / 60) % 60),
                static_cast<long long>(secs % 60));
  std::string out = buf;
  if (micros != 0) {
    char frac[16];
    std::snprintf(frac, sizeof(frac), ".%06lld", static_cast<long long>(micros));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

namespace {

bool ParseDigits(std::string_view s, size_t* pos, int min_digits, int max_digits, int64_t* value) {
  int count = 0;
  int64_t v = 0;
  while (*pos < s.size() && std::isdigit(static_cast<unsigned char>(s[*pos])) && count < max_digits) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++count;
  }
  if (count < min_digits) return false;
  *value = v;
  return true;
}

bool ValidDay(int64_t y, int64_t m, int64_t d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

// Parses the date prefix; *pos ends after it.
bool ParseDatePart(std::string_view s, size_t* pos, int32_t* days) {
  int64_t y, m = 1, d = 1;
  if (!ParseDigits(s, pos, 4, 6, &y)) return false;
  if (*pos < s.size() && s[*pos] == '-') {
    ++*pos;
    if (!ParseDigits(s, pos, 1, 2, &m)) return false;
    if (*pos < s.size() && s[*pos] == '-') {
      ++*pos;
      if (!ParseDigits(s, pos, 1, 2, &d)) return false;
    }
  }
  if (!ValidDay(y, m, d)) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

bool ParseDate(std::string_view text, int32_t* days) {
  size_t pos = 0;
  if (!ParseDatePart(text, &pos, days)) return false;
  return pos == text.size() || text[pos] == ' ' || text[pos] == 'T';
}

bool ParseTimestamp(std::string_view s, int64_t* wall_micros) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(s, &pos, &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, micros = 0;
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    ++pos;
    if (!ParseDigits(s, &pos, 1, 2, &h)) return false;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ParseDigits(s, &pos, 1, 2, &mi)) return false;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!ParseDigits(s, &pos, 1, 2, &sec)) return false;
        if (pos < s.size() && s[pos] == '.') {
          ++pos;
          int digits = 0;
          while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
          }
          for (int k = digits; k < 6; ++k) micros *= 10;
        }
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  int64_t offset_seconds = 0;
  // Spark also reads "2021-01-03 08:00:00 +02:00" (a space before the offset).
  if (pos + 1 < s.size() && s[pos] == ' ' && (s[pos + 1] == '+' || s[pos + 1] == '-' || s[pos + 1] == 'Z')) ++pos;
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh, om = 0;
      if (!ParseDigits(s, &pos, 1, 2, &oh)) return false;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !ParseDigits(s, &pos, 2, 2, &om)) return false;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
  }
  if (pos != s.size()) return false;
  *wall_micros = days * kMicrosPerDay + ((h * 60 + mi) * 60 + sec - offset_seconds) * kMicrosPerSecond + micros;
  return true;
}

Result<int64_t> UtcToLocalMicros(int64_t utc_micros, const std::string& zone) {
  ARROW_ASSIGN_OR_RAISE(const TimeZone* tz, TimeZone::Find(zone));
  return tz->UtcToLocalMicros(utc_micros);
}

Result<int64_t> LocalToUtcMicros(int64_t wall_micros, const std::string& zone) {
  ARROW_ASSIGN_OR_RAISE(const TimeZone* tz, TimeZone::Find(zone));
  return tz->LocalToUtcMicros(wall_micros);
}

void CivilDate(int32_t days, int64_t* year, int* month, int* day) {
  unsigned m, d;
  CivilFromDays(days, year, &m, &d);
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

int DaysInMonth(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

int32_t AddMonthsToDate(int32_t days, int64_t months) {
  int64_t y;
  int m, d;
  CivilDate(days, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  int64_t ny = FloorDiv(total, 12);
  int nm = static_cast<int>(total - ny * 12 + 1);
  int nd = std::min(d, DaysInMonth(ny, nm));
  return DaysFromCivil(ny, static_cast<unsigned>(nm), static_cast<unsigned>(nd));
}

}  // namespace sk8::functions
