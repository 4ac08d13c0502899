#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <arrow/array.h>

#include "common/spark_error.h"

namespace sk8::exec {

/// Compares two non-null rows of one key column (<0, 0, >0) with Spark's
/// ordering: NaN above every number and equal to NaN, -0.0 equal to 0.0.
using RowComparator = std::function<int(int64_t, int64_t)>;

/// A comparator over the rows of `array` (ORDER BY and window keys).
Result<RowComparator> MakeRowComparator(const std::shared_ptr<arrow::Array>& array);

}  // namespace sk8::exec
