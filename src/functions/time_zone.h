#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/spark_error.h"

/// Time zones as Spark (java.time) resolves them: region ids from the IANA
/// database (the system's compiled files under /usr/share/zoneinfo), fixed
/// offsets ("+08:00", "GMT+8", "UTC-3:30", "Z") and Java's three-letter short
/// ids ("PST", "EST"). Offsets are looked up per instant; a wall-clock time in
/// a DST gap moves forward by the gap and one in an overlap takes the earlier
/// offset, as java.time's ZonedDateTime.of does.
namespace sk8::functions {

class TimeZone {
 public:
  /// Spark's DateTimeUtils.getZoneId: "+h:mm" and "+hh:m" forms are padded,
  /// then java.time's ZoneId.of with SHORT_IDS. Zones are loaded once and cached.
  /// Fails with Spark's INVALID_TIMEZONE-style error text in the Status message.
  static Result<const TimeZone*> Find(const std::string& id);
  /// As Find, but nullptr when the id is not a zone.
  static const TimeZone* TryFind(const std::string& id);

  /// Offset from UTC in seconds at an instant (seconds since the epoch).
  int32_t OffsetAtUtc(int64_t utc_seconds) const;
  /// Offset to subtract from a wall-clock time (seconds since the local epoch).
  int32_t OffsetAtLocal(int64_t local_seconds) const;
  /// The zone's short name at an instant ("PST", "CEST", "UTC"), Java's 'z'.
  std::string ShortName(int64_t utc_seconds) const;
  /// The zone's id ("America/Los_Angeles", "+08:00", "UTC").
  const std::string& id() const { return id_; }
  bool fixed() const { return transitions_.empty() && !rule_; }

  int64_t UtcToLocalMicros(int64_t utc_micros) const;
  int64_t LocalToUtcMicros(int64_t local_micros) const;

  struct Rule;  // a POSIX TZ string's yearly DST rule (after the last transition)

 private:
  struct Period {
    int32_t offset;
    bool dst;
    std::string abbreviation;
  };
  TimeZone() = default;
  static std::unique_ptr<TimeZone> Fixed(std::string id, int32_t offset);
  static std::unique_ptr<TimeZone> Load(const std::string& id);
  /// Index into periods_ in effect at an instant.
  const Period& PeriodAt(int64_t utc_seconds) const;

  std::string id_;
  std::vector<int64_t> transitions_;  // instants where periods change, ascending
  std::vector<int32_t> after_;        // period index after each transition
  std::vector<Period> periods_;
  int32_t initial_ = 0;               // period before the first transition
  std::shared_ptr<const Rule> rule_;  // the footer's rule, past the last transition
};

}  // namespace sk8::functions
