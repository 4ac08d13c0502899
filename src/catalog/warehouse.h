#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/table_metadata.h"
#include "plan/logical_plan.h"

/// The server-wide part of the catalog: databases and persistent tables and
/// views in a warehouse directory (spark.sql.warehouse.dir), and the global
/// temporary views (database `global_temp`).
///
/// Layout, as Spark's: the default database is the warehouse directory itself,
/// another database `db` is `<warehouse>/db.db`; a managed table `t` keeps its
/// files in `<database>/t`. Beside them sk8 keeps its metadata as JSON files
/// (`<warehouse>/db.sk8-database.json`, `<database>/t.sk8-table.json`,
/// `<database>/f.sk8-function.json` for a persistent function), read
/// on every lookup, so there is no other state to lose or to load at start.
/// Names are stored in lower case, as Spark's session catalog does.
namespace sk8::catalog {

constexpr const char* kDefaultDatabase = "default";
constexpr const char* kGlobalTempDatabase = "global_temp";
constexpr const char* kSessionCatalogName = "spark_catalog";

class Warehouse {
 public:
  /// `root`: the warehouse directory (made absolute; created on first write).
  explicit Warehouse(const std::string& root);
  const std::string& root() const { return root_; }

  bool DatabaseExists(const std::string& database) const;
  /// SCHEMA_NOT_FOUND when there is none.
  Result<DatabaseMetadata> GetDatabase(const std::string& database) const;
  std::vector<DatabaseMetadata> ListDatabases() const;  // sorted by name
  /// SCHEMA_ALREADY_EXISTS unless `if_not_exists`.
  Status CreateDatabase(DatabaseMetadata database, bool if_not_exists);
  /// SCHEMA_NOT_EMPTY when it has tables or functions and not `cascade`.
  Status DropDatabase(const std::string& database, bool cascade);

  /// The table or view, or nullopt (the database must exist).
  Result<std::optional<TableMetadata>> FindTable(const std::string& database, const std::string& name) const;
  /// Names of the tables and views of a database, sorted.
  Result<std::vector<std::string>> ListTables(const std::string& database) const;
  /// Where a managed table's files go.
  std::string DefaultTableLocation(const std::string& database, const std::string& name) const;
  /// Writes the metadata (a new table, or a changed one).
  Status SaveTable(const TableMetadata& table);
  /// Removes the metadata, and a managed table's files.
  Status DropTable(const TableMetadata& table);

  /// The persistent function, or nullopt (the database must exist).
  Result<std::optional<FunctionMetadata>> FindFunction(const std::string& database, const std::string& name) const;
  /// Names of the persistent functions of a database, sorted.
  Result<std::vector<std::string>> ListFunctions(const std::string& database) const;
  Status SaveFunction(const FunctionMetadata& function);
  Status DropFunction(const std::string& database, const std::string& name);

  /// Serializes catalog changes that check, then write (CREATE, RENAME).
  std::mutex& mutex() { return mutex_; }

 private:
  std::string DatabaseLocation(const std::string& database) const;
  std::string DatabaseFile(const std::string& database) const;
  std::string TableFile(const std::string& database, const std::string& name) const;
  std::string FunctionFile(const std::string& database, const std::string& name) const;
  /// Names of the files of a database's directory that end in `suffix`, without it, sorted.
  Result<std::vector<std::string>> ListMetadataFiles(const std::string& database, std::string_view suffix) const;

  const std::string root_;
  std::mutex mutex_;
};

/// Views shared by every session of the server, in database `global_temp`.
class GlobalTempViews {
 public:
  void Create(const std::string& name, plan::PlanPtr plan);
  bool Drop(const std::string& name);
  plan::PlanPtr Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted

 private:
  mutable std::mutex mutex_;
  std::map<std::string, plan::PlanPtr> views_;
};

/// What all sessions of a server share.
struct SharedCatalog {
  explicit SharedCatalog(const std::string& warehouse_dir) : warehouse(warehouse_dir) {}
  Warehouse warehouse;
  GlobalTempViews global_temp_views;
};

/// spark.sql.warehouse.dir's default: `spark-warehouse` in the working directory.
constexpr const char* kWarehouseDirKey = "spark.sql.warehouse.dir";
constexpr const char* kDefaultWarehouseDir = "spark-warehouse";

}  // namespace sk8::catalog
