#include "functions/time_zone.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "functions/time_util.h"

namespace sk8::functions {

// A POSIX TZ rule "STD<off>DST[<off>],Mm.w.d[/time],Mm.w.d[/time]": the zone's
// offsets for years past its last compiled transition (TZif files stop at 2037).
struct TimeZone::Rule {
  struct Date {
    int month = 0, week = 0, weekday = 0;
    int32_t time = 7200;  // seconds after local midnight
  };
  int32_t std_offset = 0, dst_offset = 0;
  std::string std_name, dst_name;
  Date start, end;
  bool has_dst = false;

  // Local seconds of the rule's date in a year.
  static int64_t LocalSeconds(int64_t year, const Date& date) {
    int32_t first = DaysFromCivil(year, static_cast<unsigned>(date.month), 1);
    int weekday_of_first = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    int day = 1 + ((date.weekday - weekday_of_first + 7) % 7) + (date.week - 1) * 7;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int last = kDays[date.month - 1] + (date.month == 2 && leap ? 1 : 0);
    while (day > last) day -= 7;
    return (static_cast<int64_t>(first) + day - 1) * 86400 + date.time;
  }

  bool DstAt(int64_t utc_seconds) const {
    if (!has_dst) return false;
    int64_t year = CivilYear(FloorDiv(utc_seconds + std_offset, 86400));
    int64_t start_utc = LocalSeconds(year, start) - std_offset;
    int64_t end_utc = LocalSeconds(year, end) - dst_offset;
    if (start_utc < end_utc) return utc_seconds >= start_utc && utc_seconds < end_utc;
    return !(utc_seconds >= end_utc && utc_seconds < start_utc);
  }

  static int64_t CivilYear(int64_t days) {
    // Inverse of DaysFromCivil for the year only.
    int64_t year = 1970 + FloorDiv(days * 400, 146097);
    while (DaysFromCivil(year, 1, 1) > days) --year;
    while (DaysFromCivil(year + 1, 1, 1) <= days) ++year;
    return year;
  }
};

namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Done() const { return pos_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  bool Match(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool Number(int64_t* out, int max_digits = 9) {
    int n = 0;
    int64_t v = 0;
    while (!Done() && std::isdigit(static_cast<unsigned char>(Peek())) && n < max_digits) {
      v = v * 10 + (s_[pos_++] - '0');
      ++n;
    }
    *out = v;
    return n > 0;
  }
  // A zone abbreviation: letters, or <...> with any characters.
  bool Name(std::string* out) {
    size_t start = pos_;
    if (Match('<')) {
      while (!Done() && Peek() != '>') ++pos_;
      *out = std::string(s_.substr(start + 1, pos_ - start - 1));
      return Match('>');
    }
    while (!Done() && std::isalpha(static_cast<unsigned char>(Peek()))) ++pos_;
    *out = std::string(s_.substr(start, pos_ - start));
    return out->size() >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool Time(int32_t* out) {
    int sign = Match('-') ? -1 : (Match('+'), 1);
    int64_t h, m = 0, sec = 0;
    if (!Number(&h, 3)) return false;
    if (Match(':') && !Number(&m, 2)) return false;
    if (Match(':') && !Number(&sec, 2)) return false;
    *out = static_cast<int32_t>(sign * (h * 3600 + m * 60 + sec));
    return true;
  }
  std::string_view Rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::shared_ptr<const TimeZone::Rule> ParsePosixRule(std::string_view text) {
  Reader r(text);
  auto rule = std::make_shared<TimeZone::Rule>();
  int32_t offset;
  if (!r.Name(&rule->std_name) || !r.Time(&offset)) return nullptr;
  rule->std_offset = -offset;  // POSIX offsets are west-positive
  if (r.Done()) return rule;
  if (!r.Name(&rule->dst_name)) return nullptr;
  rule->dst_offset = rule->std_offset + 3600;
  if (r.Peek() != ',') {
    if (!r.Time(&offset)) return nullptr;
    rule->dst_offset = -offset;
  }
  for (TimeZone::Rule::Date* date : {&rule->start, &rule->end}) {
    int64_t m, w, d;
    if (!r.Match(',') || !r.Match('M') || !r.Number(&m, 2) || !r.Match('.') || !r.Number(&w, 1) || !r.Match('.') ||
        !r.Number(&d, 1)) {
      return nullptr;  // Julian-day forms: no zone in use today has them
    }
    *date = {static_cast<int>(m), static_cast<int>(w), static_cast<int>(d), 7200};
    if (r.Match('/') && !r.Time(&date->time)) return nullptr;
  }
  rule->has_dst = true;
  return r.Done() ? rule : nullptr;
}

int64_t ReadBigEndian(const std::string& data, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// Java's ZoneId.SHORT_IDS.
const std::map<std::string, std::string>& ShortIds() {
  static const std::map<std::string, std::string> kIds = {
      {"ACT", "Australia/Darwin"},   {"AET", "Australia/Sydney"},      {"AGT", "America/Argentina/Buenos_Aires"},
      {"ART", "Africa/Cairo"},       {"AST", "America/Anchorage"},     {"BET", "America/Sao_Paulo"},
      {"BST", "Asia/Dhaka"},         {"CAT", "Africa/Harare"},         {"CNT", "America/St_Johns"},
      {"CST", "America/Chicago"},    {"CTT", "Asia/Shanghai"},         {"EAT", "Africa/Addis_Ababa"},
      {"ECT", "Europe/Paris"},       {"IET", "America/Indiana/Indianapolis"}, {"IST", "Asia/Kolkata"},
      {"JST", "Asia/Tokyo"},         {"MIT", "Pacific/Apia"},          {"NET", "Asia/Yerevan"},
      {"NST", "Pacific/Auckland"},   {"PLT", "Asia/Karachi"},          {"PNT", "America/Phoenix"},
      {"PRT", "America/Puerto_Rico"}, {"PST", "America/Los_Angeles"},  {"SST", "Pacific/Guadalcanal"},
      {"VST", "Asia/Ho_Chi_Minh"},   {"EST", "-05:00"},                {"MST", "-07:00"},
      {"HST", "-10:00"}};
  return kIds;
}

// java.time.ZoneOffset.of: +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss (|offset| <= 18:00).
bool ParseOffset(std::string_view s, int32_t* seconds) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return false;
  auto digits = [&](size_t pos, int64_t* v) {
    if (pos + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])) ||
        !std::isdigit(static_cast<unsigned char>(s[pos + 1]))) {
      return false;
    }
    *v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  int64_t h = 0, m = 0, sec = 0;
  switch (s.size()) {
    case 2:
      if (!std::isdigit(static_cast<unsigned char>(s[1]))) return false;
      h = s[1] - '0';
      break;
    case 3: if (!digits(1, &h)) return false; break;
    case 5: if (!digits(1, &h) || !digits(3, &m)) return false; break;
    case 6: if (!digits(1, &h) || s[3] != ':' || !digits(4, &m)) return false; break;
    case 7: if (!digits(1, &h) || !digits(3, &m) || !digits(5, &sec)) return false; break;
    case 9:
      if (!digits(1, &h) || s[3] != ':' || !digits(4, &m) || s[6] != ':' || !digits(7, &sec)) return false;
      break;
    default: return false;
  }
  if (h > 18 || m > 59 || sec > 59) return false;
  int64_t total = h * 3600 + m * 60 + sec;
  if (total > 18 * 3600) return false;
  *seconds = static_cast<int32_t>(s[0] == '-' ? -total : total);
  return true;
}

// java.time's id of a ZoneOffset: "Z" for zero, else +hh:mm[:ss].
std::string OffsetId(int32_t seconds) {
  if (seconds == 0) return "Z";
  int32_t a = std::abs(seconds);
  char buf[16];
  if (a % 60 != 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d:%02d", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  }
  return buf;
}

// Spark pads "+h:mm" to "+0h:mm" and "+hh:m" to "+hh:0m" before ZoneId.of.
std::string SparkZoneIdText(std::string id) {
  for (size_t i = 0; i + 2 < id.size(); ++i) {
    if ((id[i] == '+' || id[i] == '-') && std::isdigit(static_cast<unsigned char>(id[i + 1])) && id[i + 2] == ':') {
      id.insert(i + 1, "0");
      break;
    }
  }
  size_t n = id.size();
  if (n >= 5 && std::isdigit(static_cast<unsigned char>(id[n - 1])) && id[n - 2] == ':' &&
      std::isdigit(static_cast<unsigned char>(id[n - 3])) && std::isdigit(static_cast<unsigned char>(id[n - 4])) &&
      (id[n - 5] == '+' || id[n - 5] == '-')) {
    id.insert(n - 1, "0");
  }
  return id;
}

bool ValidRegionId(const std::string& id) {
  // java.time's ZoneRegion id pattern, and no path tricks into the zoneinfo tree.
  if (id.empty() || id.find("..") != std::string::npos || id[0] == '/' || id.rfind("posix", 0) == 0 ||
      id.rfind("right", 0) == 0 || id == "localtime" || id == "posixrules" || id == "Factory") {
    return false;
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+' && c != '.' &&
        c != '~') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<TimeZone> TimeZone::Fixed(std::string id, int32_t offset) {
  std::unique_ptr<TimeZone> zone(new TimeZone());
  zone->id_ = std::move(id);
  zone->periods_.push_back({offset, false, zone->id_});
  return zone;
}

std::unique_ptr<TimeZone> TimeZone::Load(const std::string& id) {
  if (!ValidRegionId(id)) return nullptr;
  std::ifstream file("/usr/share/zoneinfo/" + id, std::ios::binary);
  if (!file) return nullptr;
  std::stringstream buffer;
  buffer << file.rdbuf();
  std::string data = buffer.str();
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return nullptr;
  auto counts = [&](size_t header) {
    std::array<int64_t, 6> c{};
    for (int i = 0; i < 6; ++i) c[i] = ReadBigEndian(data, header + 20 + 4 * i, 4);
    return c;
  };
  // Skip the 32-bit block and read the 64-bit one (version 2+).
  size_t header = 0;
  int time_size = 4;
  auto c = counts(0);
  if (data[4] >= '2') {
    header = 44 + c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < header + 44) return nullptr;
    c = counts(header);
    time_size = 8;
  }
  const int64_t isut = c[0], isstd = c[1], leaps = c[2], times = c[3], types = c[4], chars = c[5];
  size_t pos = header + 44;
  size_t needed = pos + times * time_size + times + types * 6 + chars + leaps * (time_size + 4) + isstd + isut;
  if (data.size() < needed || types == 0) return nullptr;
  std::unique_ptr<TimeZone> zone(new TimeZone());
  zone->id_ = id;
  for (int64_t i = 0; i < times; ++i) zone->transitions_.push_back(ReadBigEndian(data, pos + i * time_size, time_size));
  pos += times * time_size;
  for (int64_t i = 0; i < times; ++i) zone->after_.push_back(static_cast<unsigned char>(data[pos + i]));
  pos += times;
  size_t abbreviations = pos + types * 6;
  for (int64_t i = 0; i < types; ++i) {
    int32_t offset = static_cast<int32_t>(ReadBigEndian(data, pos + i * 6, 4));
    bool dst = data[pos + i * 6 + 4] != 0;
    size_t index = static_cast<unsigned char>(data[pos + i * 6 + 5]);
    std::string name = index < static_cast<size_t>(chars) ? std::string(data.c_str() + abbreviations + index) : "";
    zone->periods_.push_back({offset, dst, name});
  }
  pos = needed;
  if (time_size == 8 && pos < data.size() && data[pos] == '\n') {
    size_t end = data.find('\n', pos + 1);
    if (end != std::string::npos) zone->rule_ = ParsePosixRule(std::string_view(data).substr(pos + 1, end - pos - 1));
  }
  if (zone->rule_ && !zone->rule_->has_dst) zone->rule_ = nullptr;  // the last period holds
  return zone;
}

const TimeZone* TimeZone::TryFind(const std::string& raw_id) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TimeZone>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(raw_id);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<TimeZone> zone;
  std::string id = SparkZoneIdText(raw_id);
  auto short_id = ShortIds().find(id);
  if (short_id != ShortIds().end()) id = short_id->second;
  int32_t offset = 0;
  if (id == "Z") {
    zone = Fixed("Z", 0);
  } else if (id[0] == '+' || id[0] == '-') {
    if (ParseOffset(id, &offset)) zone = Fixed(OffsetId(offset), offset);
  } else if (id == "UTC" || id == "GMT" || id == "UT") {
    zone = Fixed(id, 0);
  } else if ((id.rfind("UTC", 0) == 0 || id.rfind("GMT", 0) == 0) && (id[3] == '+' || id[3] == '-')) {
    if (ParseOffset(id.substr(3), &offset)) zone = Fixed(id.substr(0, 3) + (offset == 0 ? "" : OffsetId(offset)), offset);
  } else if (id.rfind("UT", 0) == 0 && id.size() > 2 && (id[2] == '+' || id[2] == '-')) {
    if (ParseOffset(id.substr(2), &offset)) zone = Fixed("UT" + (offset == 0 ? "" : OffsetId(offset)), offset);
  } else {
    zone = Load(id);
  }
  const TimeZone* out = zone.get();
  cache.emplace(raw_id, std::move(zone));
  return out;
}

Result<const TimeZone*> TimeZone::Find(const std::string& id) {
  const TimeZone* zone = TryFind(id);
  if (zone == nullptr) {
    return SparkError(SparkExceptionKind::kDateTime, "INVALID_TIMEZONE", {{"timeZone", id}});
  }
  return zone;
}

const TimeZone::Period& TimeZone::PeriodAt(int64_t utc_seconds) const {
  if (transitions_.empty()) return periods_[initial_];
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) {
    // Before the first transition: the first non-DST period, as zic intends.
    for (const auto& p : periods_) if (!p.dst) return p;
    return periods_[0];
  }
  return periods_[after_[static_cast<size_t>(it - transitions_.begin()) - 1]];
}

int32_t TimeZone::OffsetAtUtc(int64_t utc_seconds) const {
  if (rule_ && (transitions_.empty() || utc_seconds >= transitions_.back())) {
    return rule_->DstAt(utc_seconds) ? rule_->dst_offset : rule_->std_offset;
  }
  return PeriodAt(utc_seconds).offset;
}

std::string TimeZone::ShortName(int64_t utc_seconds) const {
  if (rule_ && (transitions_.empty() || utc_seconds >= transitions_.back())) {
    return rule_->DstAt(utc_seconds) ? rule_->dst_name : rule_->std_name;
  }
  return PeriodAt(utc_seconds).abbreviation;
}

int32_t TimeZone::OffsetAtLocal(int64_t local_seconds) const {
  if (fixed()) return periods_[0].offset;
  // The offsets in effect a day before and after; a local time is valid under
  // an offset when that offset holds at the instant it names.
  int32_t before = OffsetAtUtc(local_seconds - 86400);
  int32_t after = OffsetAtUtc(local_seconds + 86400);
  bool before_valid = OffsetAtUtc(local_seconds - before) == before;
  bool after_valid = OffsetAtUtc(local_seconds - after) == after;
  if (before_valid) return before;  // unique, or the earlier offset of an overlap
  if (after_valid) return after;
  return before;  // in a gap: later by the gap's length
}

int64_t TimeZone::UtcToLocalMicros(int64_t utc_micros) const {
  if (fixed()) return utc_micros + static_cast<int64_t>(periods_[0].offset) * kMicrosPerSecond;
  return utc_micros + static_cast<int64_t>(OffsetAtUtc(FloorDiv(utc_micros, kMicrosPerSecond))) * kMicrosPerSecond;
}

int64_t TimeZone::LocalToUtcMicros(int64_t local_micros) const {
  if (fixed()) return local_micros - static_cast<int64_t>(periods_[0].offset) * kMicrosPerSecond;
  return local_micros - static_cast<int64_t>(OffsetAtLocal(FloorDiv(local_micros, kMicrosPerSecond))) * kMicrosPerSecond;
}

}  // namespace sk8::functions
