#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/scalar.h>

#include "common/spark_error.h"

/// Spark's ANSI interval literals: INTERVAL 1 DAY 2 HOURS, INTERVAL '-3' MONTH,
/// INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '1-2' YEAR TO MONTH. A
/// year-month interval is a month count (arrow month_interval), a day-time one
/// microseconds (arrow duration(us)); the literal's Spark name keeps its fields
/// ("INTERVAL '03' HOUR"), which the Arrow types do not.
namespace sk8::sql {

struct IntervalLiteralValue {
  std::shared_ptr<arrow::Scalar> value;
  std::string name;  // Spark's SQL text of the literal, its column name
};

/// One `value unit` of the multi-unit form; value keeps its sign ("-3", "1.5").
struct IntervalPart {
  std::string value;
  std::string unit;
};

/// INTERVAL v1 u1 [v2 u2 ...]; `source` is the literal's text for errors.
Result<IntervalLiteralValue> MultiUnitInterval(const std::vector<IntervalPart>& parts, const std::string& source);
/// INTERVAL 'text' FROM TO TO.
Result<IntervalLiteralValue> UnitToUnitInterval(const std::string& text, const std::string& from, const std::string& to);

}  // namespace sk8::sql
