#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/type.h>

#include "common/spark_error.h"

/// What the catalog knows about a database or a persistent table or view. Each
/// is kept as a small JSON file in the warehouse (warehouse.h), so it survives
/// a restart of the server.
namespace sk8::catalog {

enum class TableType { kManaged, kExternal, kView };

/// Spark's name for the type: "MANAGED", "EXTERNAL", "VIEW".
const char* TableTypeName(TableType type);

struct TableMetadata {
  std::string database;  // lower case, as Spark's session catalog stores names
  std::string name;      // lower case
  TableType type = TableType::kManaged;
  std::string provider;  // "parquet", "csv", "json", "text"; empty for a view
  /// Data columns, then the partition columns (Spark's table schema order).
  std::shared_ptr<arrow::Schema> schema;
  std::vector<std::string> partition_columns;
  /// Spark's bucket spec (bucketBy / sortBy): files hold rows by
  /// pmod(hash(bucket columns), num_buckets), sorted by the sort columns.
  int num_buckets = 0;  // 0: not bucketed
  std::vector<std::string> bucket_columns, sort_columns;
  std::string location;  // absolute directory of the data
  std::map<std::string, std::string> options;
  std::map<std::string, std::string> properties;
  std::optional<std::string> comment;
  int64_t created_ms = 0;  // milliseconds since the epoch
  std::string view_text;   // a view's query, as written
  /// Partitions a partitioned table reads ("k=1/j=a"), as Spark's metastore
  /// registers them: a write adds its partitions, recoverPartitions those on disk.
  std::vector<std::string> partitions;

  /// The schema without the partition columns (what the files hold).
  std::shared_ptr<arrow::Schema> DataSchema() const;
  std::shared_ptr<arrow::Schema> PartitionSchema() const;
  bool IsPartitionColumn(const std::string& column) const;
};

struct DatabaseMetadata {
  std::string name;  // lower case
  std::string comment;
  std::string location;  // absolute directory
  std::map<std::string, std::string> properties;
};

std::string ToJson(const TableMetadata& table);
Result<TableMetadata> TableFromJson(std::string_view text);
std::string ToJson(const DatabaseMetadata& database);
Result<DatabaseMetadata> DatabaseFromJson(std::string_view text);

}  // namespace sk8::catalog
