#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/spark_error.h"

/// Spark's datetime patterns (sql-ref-datetime-pattern: yyyy, MM, dd, HH, mm,
/// ss, SSS, a, E, MMM, XXX, z, VV, '...', [optional]) compiled once into a
/// token list that date_format, from_unixtime, to_date, to_timestamp and
/// unix_timestamp share. Formatting follows java.time's DateTimeFormatter
/// output; parsing follows its STRICT resolution with Spark's changes (y read
/// as the proleptic year 'u', 1..n fraction digits for S...S, case-insensitive
/// text, defaults 1970-01-01 00:00:00 for missing fields).
namespace sk8::functions {

class TimeZone;

/// Calendar fields of a wall-clock time (proleptic Gregorian).
struct LocalDateTime {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int32_t nanos = 0;

  static LocalDateTime FromMicros(int64_t local_micros);
  int64_t ToMicros() const;
};

/// What a parse found: the wall-clock time, and a zone or offset when the
/// pattern had one (then the text names an instant).
struct ParsedDateTime {
  LocalDateTime local;
  bool has_offset = false;
  int32_t offset_seconds = 0;
  const TimeZone* zone = nullptr;  // VV / z: resolved per instant
};

class DateTimePattern {
 public:
  DateTimePattern();
  ~DateTimePattern();

  /// Compiles `pattern`; the error is Spark's (INVALID_DATETIME_PATTERN...,
  /// INCONSISTENT_BEHAVIOR_CROSS_VERSION...). Parsing forbids a few letters
  /// that formatting allows (E, F, q, Q, ...), as Spark does.
  static Result<std::shared_ptr<const DateTimePattern>> Compile(std::string_view pattern, bool for_parsing);

  /// Appends the wall-clock time `local_micros` (whose instant has offset
  /// `offset_seconds` in `zone`) formatted by the pattern.
  void Format(int64_t local_micros, int32_t offset_seconds, const TimeZone* zone, int64_t utc_seconds,
              std::string* out) const;

  /// Parses `text`; false with java.time's message ("Text '...' could not be
  /// parsed at index 5") in `error`.
  bool Parse(std::string_view text, ParsedDateTime* out, std::string* error) const;

  /// The pattern reads or writes a zone or an offset (X, x, Z, O, z, VV).
  bool has_zone() const { return has_zone_; }

  struct Token;

 private:
  std::vector<Token> tokens_;
  bool has_zone_ = false;
};

/// Spark's default timestamp pattern of unix_timestamp / from_unixtime.
inline constexpr const char* kDefaultTimestampPattern = "yyyy-MM-dd HH:mm:ss";

}  // namespace sk8::functions
