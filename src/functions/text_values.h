#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/array.h>
#include <arrow/memory_pool.h>
#include <arrow/type.h>
#include <arrow/util/decimal.h>

#include "common/spark_error.h"

/// Text values of CSV / JSON files parsed as Spark parses them (the JVM's
/// Integer.parseInt, Double.parseDouble, BigDecimal, Scala's toBoolean), for
/// schema inference and conversion to typed columns.
namespace sk8::functions {

/// Options of a text format (spark.read / DataFrameWriter options, or the
/// options map of from_json, to_csv, ...): names are case-insensitive, as in Spark.
class SourceOptions {
 public:
  SourceOptions() = default;
  explicit SourceOptions(std::vector<std::pair<std::string, std::string>> options) : options_(std::move(options)) {}
  std::optional<std::string> Get(std::string_view name) const;
  std::string GetOr(std::string_view name, std::string fallback) const;
  /// "true" / "false" (any case); anything else is Spark's error for a bad boolean option.
  Result<bool> GetBool(std::string_view name, bool fallback) const;
  void Set(std::string name, std::string value);

 private:
  std::vector<std::pair<std::string, std::string>> options_;
};

bool ParseJavaInt(std::string_view text, int32_t* out);
bool ParseJavaLong(std::string_view text, int64_t* out);
/// Double.parseDouble: surrounding whitespace, "NaN", "Infinity", a trailing
/// f / d suffix are accepted.
bool ParseJavaDouble(std::string_view text, double* out);
/// new java.math.BigDecimal(text): its unscaled value, precision and scale.
bool ParseBigDecimal(std::string_view text, arrow::Decimal128* unscaled, int32_t* precision, int32_t* scale);
/// `text` as a DECIMAL(precision, scale), rounded half up; false when it does not fit.
bool ParseDecimalAs(std::string_view text, int32_t precision, int32_t scale, arrow::Decimal128* out);
/// "true" / "false" in any case.
bool ParseJavaBoolean(std::string_view text, bool* out);

/// Date and timestamp text: with `format` empty, Spark's default forms
/// (yyyy-MM-dd, ISO-8601 timestamps with an optional zone); otherwise a
/// datetime pattern (y, M, d, H, h, m, s, S, a, literal text in quotes).
struct DateTimeParser {
  std::string format;
  std::string session_time_zone = "UTC";
  /// `lenient`: without a format, also Spark's fallback forms ("2024-1-5",
  /// a date followed by a time), as reading converts but inference does not.
  bool ParseDate(std::string_view text, int32_t* days, bool lenient = true) const;
  /// Microseconds since the epoch; `to_utc` for TIMESTAMP (a value without a
  /// zone is in the session's), false for TIMESTAMP_NTZ (the wall clock).
  bool ParseTimestamp(std::string_view text, bool to_utc, int64_t* micros) const;
};

}  // namespace sk8::functions
