#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <parquet/metadata.h>

#include "common/spark_error.h"

/// Parquet files read with Arrow's Parquet reader, typed as Spark types them.
namespace sk8::io {

/// One unit of parallel work: a row group of a file. It carries the file's
/// parsed footer (shared by the file's row groups), so that reading it does
/// not parse the footer again.
struct ParquetFragment {
  std::string path;
  int row_group = 0;
  int64_t num_rows = 0;
  std::shared_ptr<parquet::FileMetaData> metadata;
};

/// The Spark schema of a set of Parquet files (taken from the first file, as
/// Spark does without mergeSchema): every column nullable, Spark types.
Result<std::shared_ptr<arrow::Schema>> InferParquetSchema(const std::vector<std::string>& files);

/// The smallest and largest value of a column over files, from their footers'
/// statistics, in the column's units as a double (decimals scaled, dates in
/// days since the epoch); `known` only when every row group of every file has
/// them. For the optimizer's range selectivities.
struct ColumnRange {
  bool known = false;
  double min = 0;
  double max = 0;
};

/// What the footers say for the optimizer's estimates, read in one pass.
struct ParquetStats {
  /// Rows in the files; past `max_footers` files, estimated from the first ones (by count).
  int64_t rows = 0;
  /// One range per column of the file schema (flat schemas; nested ones give
  /// none); none at all past `max_footers` files.
  std::vector<ColumnRange> ranges;
};
Result<ParquetStats> ReadParquetStats(const std::vector<std::string>& files, size_t max_footers = 64);

/// The row groups of the files, in file order.
Result<std::vector<ParquetFragment>> ListParquetFragments(const std::vector<std::string>& files);

/// Reads one fragment's `columns` (indices into the file schema) and converts it
/// to `schema` (the Spark schema of those columns).
/// Batches are allocated from `pool` (the query's).
Result<std::shared_ptr<arrow::RecordBatch>> ReadParquetFragment(
    const ParquetFragment& fragment, const std::vector<int>& columns, const std::shared_ptr<arrow::Schema>& schema,
    arrow::MemoryPool* pool = arrow::default_memory_pool());

/// Arrow's type for a Parquet column -> the type Spark gives it.
std::shared_ptr<arrow::DataType> SparkTypeForParquet(const std::shared_ptr<arrow::DataType>& type);

}  // namespace sk8::io
