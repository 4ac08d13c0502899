#pragma once

#include <arrow/api.h>
#include <arrow/datum.h>

namespace sk8::functions {

/// A year-month interval's values as the int32 months they are stored as, and
/// back (no copy of the values): Arrow's comparison and element-wise min / max
/// kernels have no month_interval variant. Other values are returned as they are.
arrow::Datum MonthsAsInt32(const arrow::Datum& value);
arrow::Datum Int32AsMonths(const arrow::Datum& value);

}  // namespace sk8::functions
