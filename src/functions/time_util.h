#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/spark_error.h"

/// Calendar helpers for Spark's DATE (days since 1970-01-01) and TIMESTAMP
/// (microseconds since the epoch, UTC) values.
namespace sk8::functions {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// "yyyy-MM-dd".
std::string FormatDate(int32_t days);
/// "yyyy-MM-dd HH:mm:ss[.ffffff]" with trailing fraction zeros dropped.
std::string FormatTimestamp(int64_t wall_micros);

/// Spark's date text forms: yyyy, yyyy-[m]m, yyyy-[m]m-[d]d, optionally followed
/// by 'T' or ' ' and anything.
bool ParseDate(std::string_view text, int32_t* days);
/// Spark's timestamp text forms, as wall-clock micros (no zone applied);
/// a trailing 'Z' or offset is applied to yield UTC.
bool ParseTimestamp(std::string_view text, int64_t* wall_micros);

/// Wall-clock time in `zone` for an instant, and back (time_zone.h: IANA zones,
/// offsets, Java's short ids; a time in a DST gap moves forward).
Result<int64_t> UtcToLocalMicros(int64_t utc_micros, const std::string& zone);
Result<int64_t> LocalToUtcMicros(int64_t wall_micros, const std::string& zone);

int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
/// Year, month (1..12) and day (1..31) of a DATE.
void CivilDate(int32_t days, int64_t* year, int* month, int* day);
int DaysInMonth(int64_t year, int month);
/// java.time's LocalDate.plusMonths: the day clamps to the month's end.
int32_t AddMonthsToDate(int32_t days, int64_t months);

}  // namespace sk8::functions
