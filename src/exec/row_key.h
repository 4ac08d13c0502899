#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/array.h>

#include "common/spark_error.h"

namespace sk8::exec {

/// Encodes the key columns of each row into bytes that compare equal exactly when
/// Spark considers the keys equal (NULL = NULL for grouping, NaN = NaN, -0.0 = 0.0).
/// Used for hash grouping; the engine's first, general key path.
Status EncodeRowKeys(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows,
                     std::vector<std::string>* keys);

}  // namespace sk8::exec
