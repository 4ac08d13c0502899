#pragma once
// Decodes flat Parquet columns (top-level, not repeated) of one row group
// straight into the engine's Arrow arrays, through parquet's column readers.
//
// Why not parquet::arrow's reader for these: it appends strings one by one
// through a builder and turns INT64 decimals into Decimal128 through a
// big-endian byte conversion per value; on TPC-H those two were a sixth of
// all CPU. Here a page's values are decoded into a flat buffer once and
// copied or widened in tight loops. Columns it cannot decode (nested, INT96,
// timestamps, booleans, anything whose Spark type differs from the decoded
// one) stay on parquet::arrow's reader.

#include <memory>

#include <arrow/array.h>
#include <parquet/file_reader.h>

#include "common/spark_error.h"

namespace sk8::io {

/// Whether DecodeFlatColumn decodes this leaf as `target` exactly.
bool CanDecodeFlat(const parquet::ColumnDescriptor& descr, const arrow::DataType& target);

/// The `rows` values of leaf column `leaf` of `row_group`, as `target`.
/// Requires CanDecodeFlat. Throws parquet::ParquetException on corrupt data,
/// as parquet's readers do; returns an error if the row group holds fewer
/// values than it says.
Result<std::shared_ptr<arrow::Array>> DecodeFlatColumn(parquet::RowGroupReader& row_group, int leaf,
                                                       const std::shared_ptr<arrow::DataType>& target, int64_t rows,
                                                       arrow::MemoryPool* pool);

}  // namespace sk8::io
