#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "common/spark_error.h"
#include "functions/text_values.h"
#include "io/storage_conf.h"

/// The data-source interface: one class per file format (Parquet, CSV, JSON,
/// text) that the analyzer and the executor's file scan call without knowing
/// the format. A source infers the Spark schema of its files, gives statistics
/// for the optimizer where the format keeps them, cuts the files into splits
/// (units of parallel work, smaller than a file where the format allows) and
/// reads a split's columns into an Arrow batch.
namespace sk8::io {

/// spark.read options (case-insensitive names): shared with the JSON / CSV functions.
using functions::SourceOptions;

/// A part of a file to read. `offset` / `length` are a byte range for formats
/// read by lines (length < 0: to the end), or `row_group` for Parquet;
/// `format_state` is what the source keeps between listing and reading (a
/// Parquet file's parsed footer, shared by its row groups).
struct FileSplit {
  std::string path;
  int64_t offset = 0;
  int64_t length = -1;
  int row_group = -1;
  int64_t num_rows = -1;  // when the format knows it
  std::shared_ptr<const void> format_state;
};

/// The smallest and largest value of a column, in the column's units as a
/// double (decimals scaled, dates in days since the epoch).
struct ColumnRange {
  bool known = false;
  double min = 0;
  double max = 0;
};

/// What a format's metadata says for the optimizer's estimates.
struct SourceStatistics {
  int64_t rows = -1;                 // -1: unknown
  std::vector<ColumnRange> ranges;   // per column of the data schema; empty: none
};

class DataSource {
 public:
  virtual ~DataSource() = default;

  /// Lower-case format name ("parquet", "csv", ...), for EXPLAIN and errors.
  virtual std::string format() const = 0;

  /// The Spark schema of the data in `files` (all columns nullable), or the
  /// user's schema when one was given.
  virtual Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const = 0;

  /// Row counts and value ranges of the files, when the format stores them.
  virtual Result<SourceStatistics> ReadStatistics(const std::vector<std::string>& files) const;

  /// The units of parallel work over `files`, in file order.
  virtual Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const = 0;

  /// Reads one split: the `columns` (indices into `data_schema`, the schema
  /// InferSchema gave) as a batch whose fields are data_schema's fields at
  /// those positions. Formats with named columns match them by name in each
  /// file (a column a file lacks reads as NULL). Allocates from `pool`.
  virtual Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split,
                                                                const arrow::Schema& data_schema,
                                                                const std::vector<int>& columns,
                                                                arrow::MemoryPool* pool) const = 0;

  /// The session's Hadoop confs the source opens its files with (s3a:// endpoint,
  /// credentials; io/filesystems.h), bound by MakeDataSource.
  const StorageConf& storage() const;

 private:
  friend Result<std::shared_ptr<const DataSource>> BindStorage(std::shared_ptr<const DataSource> source,
                                                               StorageConfPtr storage);
  StorageConfPtr storage_;
};

using DataSourcePtr = std::shared_ptr<const DataSource>;

/// Column names match case-insensitively (spark.sql.caseSensitive=false).
bool SameColumnName(std::string_view a, std::string_view b);

/// Settings of the session a source reads for.
struct SourceContext {
  std::string session_time_zone = "UTC";
  StorageConfPtr storage;  // null: no Hadoop confs
};

/// The source for `format` ("parquet", "csv", "json", "text"; any case) with
/// spark.read's options and the user's schema (DDL or Spark JSON, empty for
/// none). An unknown format is Spark's DATA_SOURCE_NOT_FOUND.
Result<DataSourcePtr> MakeDataSource(const std::string& format, SourceOptions options,
                                     const std::string& user_schema, const SourceContext& context);

/// The schema the user gave (DDL "a INT, b STRING" or Spark's JSON form), all
/// columns nullable, or null when `text` is empty.
Result<std::shared_ptr<arrow::Schema>> ParseUserSchema(const std::string& text);

}  // namespace sk8::io
