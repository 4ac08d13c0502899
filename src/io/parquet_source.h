#pragma once

#include <memory>

#include <arrow/type.h>

#include "io/data_source.h"

/// Parquet files read with Arrow's Parquet reader, typed as Spark types them.
namespace sk8::io {

/// The Parquet source: the schema of the first file (as Spark without
/// mergeSchema), one split per row group carrying the file's parsed footer,
/// row counts and min / max from the footers, columns matched by name
/// (case-insensitively, as Spark's default spark.sql.caseSensitive=false).
Result<DataSourcePtr> MakeParquetSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema);

/// Arrow's type for a Parquet column -> the type Spark gives it.
std::shared_ptr<arrow::DataType> SparkTypeForParquet(const std::shared_ptr<arrow::DataType>& type);

}  // namespace sk8::io
