#pragma once

#include <memory>
#include <string>

#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/compression.h>

#include "io/data_source.h"

/// ORC files read and written with Arrow's ORC adapter, typed as Spark types
/// them. Spark marks a column's Spark type in an ORC type attribute
/// (spark.sql.catalyst.type), which Arrow exposes as field metadata: a
/// TIMESTAMP_NTZ is stored as an ORC bigint marked "timestamp_ntz", a
/// TIMESTAMP as an ORC timestamp (wall clock in UTC, the writer's zone).
namespace sk8::io {

/// The ORC source: the schema of the first file with columns (or all files'
/// columns merged, with mergeSchema), one split per stripe, row counts from
/// the footers, columns matched by name (case-insensitively) and only the
/// needed ones decoded.
Result<DataSourcePtr> MakeOrcSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema);

/// Arrow's type for an ORC column (with its field metadata) -> the type Spark gives it.
std::shared_ptr<arrow::DataType> SparkTypeForOrc(const arrow::Field& field);

/// The ORC codec the write options name (compression, else orc.compress; zstd
/// as Spark 4's spark.sql.orc.compression.codec), and its part-file extension.
struct OrcCodec {
  arrow::Compression::type codec = arrow::Compression::ZSTD;
  std::string extension = ".zstd.orc";
};
Result<OrcCodec> OrcCodecFor(const SourceOptions& options);

/// The schema and rows as Arrow's ORC writer must get them to write what
/// Spark writes: TIMESTAMP as an ORC timestamp, TIMESTAMP_NTZ as a bigint
/// marked "timestamp_ntz".
Result<std::shared_ptr<arrow::Schema>> OrcFileSchema(const arrow::Schema& schema);
Result<std::shared_ptr<arrow::RecordBatch>> ToOrcBatch(const arrow::RecordBatch& batch,
                                                       const std::shared_ptr<arrow::Schema>& orc_schema);

}  // namespace sk8::io
