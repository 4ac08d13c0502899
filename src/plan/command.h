#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/type.h>

#include "plan/logical_plan.h"

/// Commands: SQL statements that change or describe the catalog and the
/// session (CREATE TABLE, INSERT, SHOW TABLES, SET, ...) and the Spark Connect
/// catalog API's calls (spark.catalog.listTables(), ...). Like Spark's command
/// plans they run once, when submitted, and their result is a local relation.
namespace sk8::plan {

enum class CommandKind {
  // SQL statements
  kCreateDatabase,
  kDropDatabase,
  kUse,
  kCreateView,
  kCreateTable,
  kInsert,
  kDropTable,
  kDropView,
  kAlterTableRename,
  kAlterTableAddColumns,
  kAlterTableSetProperties,
  kTruncateTable,
  kShowDatabases,
  kShowTables,
  kShowViews,
  kShowColumns,
  kShowCreateTable,
  kShowTblProperties,
  kDescribeTable,
  kDescribeDatabase,
  kDescribeQuery,
  kExplain,
  kSet,
  kReset,
  kCacheTable,
  kUncacheTable,
  kRefreshTable,
  kClearCache,
  kRecoverPartitions,
  // the Spark Connect catalog API (answers shaped as pyspark.sql.catalog reads them)
  kCurrentDatabase,
  kSetCurrentDatabase,
  kListDatabases,
  kListTables,
  kListColumns,
  kGetDatabase,
  kGetTable,
  kDatabaseExists,
  kTableExists,
  kIsCached,
  kDropTempView,
  kDropGlobalTempView,
  kCurrentCatalog,
  kSetCurrentCatalog,
  kListCatalogs,
  kRefreshByPath,
};

/// What CREATE TABLE, spark.catalog.createTable and saveAsTable say about a table.
struct TableSpec {
  std::shared_ptr<arrow::Schema> schema;  // null: from the query (AS SELECT) or the files
  std::string provider;                   // empty: spark.sql.sources.default (parquet)
  std::vector<std::string> partition_by;
  int num_buckets = 0;  // bucketBy / CLUSTERED BY; 0: not bucketed
  std::vector<std::string> bucket_by, sort_by;
  std::string location;  // empty: a managed table in the warehouse
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::pair<std::string, std::string>> properties;
  std::optional<std::string> comment;
};

struct CommandPlan : LogicalPlan {
  explicit CommandPlan(CommandKind k) : LogicalPlan(PlanKind::kCommand), command(k) {}
  CommandKind command;
  /// The table, view or database named, as written (one to three parts).
  std::vector<std::string> name;
  std::vector<std::string> new_name;  // RENAME TO
  bool if_exists = false;
  bool if_not_exists = false;
  bool replace = false;    // OR REPLACE
  bool temporary = false;  // TEMPORARY VIEW
  bool global = false;     // GLOBAL TEMPORARY VIEW
  bool extended = false;   // DESCRIBE EXTENDED, SET -v
  bool cascade = false;    // DROP DATABASE ... CASCADE
  bool overwrite = false;  // INSERT OVERWRITE
  /// AS SELECT, INSERT's rows, DESCRIBE QUERY, CREATE VIEW, CACHE TABLE ... AS.
  PlanPtr query;
  std::string query_text;  // the view's SQL text, as Spark keeps it
  /// EXPLAIN [EXTENDED | FORMATTED | COST | CODEGEN]: the mode's keyword, "" for the simple mode.
  std::string explain_mode;
  TableSpec table;
  std::shared_ptr<arrow::Schema> columns;  // ADD COLUMNS; a view's column list
  /// INSERT ... PARTITION (k = v, k2): static values (a literal) and dynamic ones (null).
  std::vector<std::pair<std::string, ExprPtr>> partition;
  std::vector<std::string> insert_columns;  // INSERT INTO t (a, b)
  std::optional<std::string> pattern;       // SHOW ... LIKE, listTables(pattern)
  std::vector<std::string> database;        // SHOW TABLES IN db, listTables(dbName)
  std::optional<std::string> key;           // SET key [= value], RESET key, SHOW TBLPROPERTIES t (key)
  std::optional<std::string> value;
  std::string path;                         // refreshByPath
  std::optional<std::string> comment;       // CREATE DATABASE ... COMMENT
  std::string location;                     // CREATE DATABASE ... LOCATION
  std::vector<std::pair<std::string, std::string>> properties;  // DBPROPERTIES, SET TBLPROPERTIES
};

/// True for a command plan (the root of a statement that runs when submitted).
inline bool IsCommand(const PlanPtr& plan) { return plan && plan->kind() == PlanKind::kCommand; }

}  // namespace sk8::plan
