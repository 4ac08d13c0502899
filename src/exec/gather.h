#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/api.h>

#include "common/spark_error.h"

namespace sk8::exec {

/// Rows `indices[0 .. count)` of `array`, in that order, as a new array (a
/// filter's selection, a join's matches). A negative int64 index gives a NULL
/// row (a join side without a match); int32 indices are never negative.
///
/// Fixed-width, boolean and string/binary columns are copied here directly,
/// runs of consecutive indices with one memcpy (a selective filter keeps long
/// runs); other types go through Arrow's Take.
Result<std::shared_ptr<arrow::Array>> GatherRows(const std::shared_ptr<arrow::Array>& array, const int32_t* indices,
                                                 int64_t count, arrow::MemoryPool* pool);
Result<std::shared_ptr<arrow::Array>> GatherRows(const std::shared_ptr<arrow::Array>& array, const int64_t* indices,
                                                 int64_t count, arrow::MemoryPool* pool);

/// Rows `indices[0 .. count)` of each column of `batch` that `needed` marks
/// (every column when null); the others become NULL-typed placeholders, for a
/// caller that evaluates expressions reading only the marked columns.
Result<std::shared_ptr<arrow::RecordBatch>> GatherBatch(const arrow::RecordBatch& batch, const int32_t* indices,
                                                        int64_t count, const std::vector<bool>* needed,
                                                        arrow::MemoryPool* pool);
Result<std::shared_ptr<arrow::RecordBatch>> GatherBatch(const arrow::RecordBatch& batch, const int64_t* indices,
                                                        int64_t count, const std::vector<bool>* needed,
                                                        arrow::MemoryPool* pool);

}  // namespace sk8::exec
