#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/warehouse.h"
#include "plan/logical_plan.h"

/// Names a session can see, looked up as Spark's SessionCatalog does: a
/// one-part name is a temporary view of the session, else a table or view of
/// the current database; `global_temp.v` is a global temporary view;
/// `db.t` and `spark_catalog.db.t` name a table or view of a database.
/// Thread-safe: operations of one session may run at once.
namespace sk8::catalog {

/// A table's database and name, lower case.
struct TableIdentifier {
  std::string database;
  std::string name;
  /// `spark_catalog`.`db`.`t`, as Spark's messages name a table.
  std::string Quoted() const;
};

class SessionCatalog {
 public:
  /// `shared`: the server's databases, tables and global views; null gives the
  /// session a catalog of its own over ./spark-warehouse (tests, tools).
  explicit SessionCatalog(std::shared_ptr<SharedCatalog> shared = nullptr);

  /// Registers or replaces a temporary view (stored unresolved, like Spark).
  void CreateTempView(const std::string& name, plan::PlanPtr plan, bool replace);
  bool DropTempView(const std::string& name);
  /// nullptr when there is no such view (names are case-insensitive).
  plan::PlanPtr LookupTempView(const std::string& name) const;
  std::vector<std::string> TempViewNames() const;  // lower case, sorted

  std::string current_database() const;
  /// SCHEMA_NOT_FOUND for a database that does not exist.
  Status SetCurrentDatabase(const std::vector<std::string>& name);

  Warehouse& warehouse() { return shared_->warehouse; }
  const Warehouse& warehouse() const { return shared_->warehouse; }
  GlobalTempViews& global_temp_views() { return shared_->global_temp_views; }
  const GlobalTempViews& global_temp_views() const { return shared_->global_temp_views; }

  /// The database a one- or two-part name (or `spark_catalog`.`db`) means.
  Result<std::string> DatabaseName(const std::vector<std::string>& parts) const;
  /// The table a name means: `t` in the current database, `db.t`, `spark_catalog.db.t`.
  Result<TableIdentifier> Qualify(const std::vector<std::string>& parts) const;

  /// What a relation name reads: a temporary view's plan, a global temporary
  /// view's, a persistent view's query or a table's files; null when the name
  /// matches none (the caller raises TABLE_OR_VIEW_NOT_FOUND).
  Result<plan::PlanPtr> LookupRelation(const std::vector<std::string>& parts) const;
  /// True when `parts` names a temporary view (one part) or a global one.
  bool IsTemporaryView(const std::vector<std::string>& parts) const;
  /// The persistent table or view a name means, or nullopt.
  Result<std::optional<TableMetadata>> LookupTable(const std::vector<std::string>& parts) const;

  /// The persistent function a name means (`f` in the current database, `db.f`,
  /// `spark_catalog.db.f`), or nullopt (also when its database does not exist).
  Result<std::optional<FunctionMetadata>> LookupFunction(const std::vector<std::string>& parts) const;

  /// CACHE TABLE / spark.catalog.cacheTable: the relation's rows, kept as a
  /// local relation that reads of the name return until it is uncached or
  /// refreshed. Keys: CacheKey().
  void Cache(const std::string& key, std::vector<std::string> name, plan::PlanPtr rows);
  /// The names cached (as given to Cache), to refresh them.
  std::vector<std::vector<std::string>> CachedNames() const;
  void Uncache(const std::string& key);
  bool IsCached(const std::string& key) const;
  void ClearCache();
  /// The cache's key of a relation name: `v` for a temporary view,
  /// `global_temp`.`v`, else `spark_catalog`.`db`.`t`.
  std::string CacheKey(const std::vector<std::string>& parts) const;

 private:
  std::shared_ptr<SharedCatalog> shared_;
  mutable std::mutex mutex_;
  std::map<std::string, plan::PlanPtr> temp_views_;
  std::string current_database_ = kDefaultDatabase;
  std::map<std::string, std::pair<std::vector<std::string>, plan::PlanPtr>> cached_;
};

/// A plan that reads a catalog table's files (its format, location, schema,
/// partition columns and registered partitions).
plan::PlanPtr TableScanPlan(const TableMetadata& table);

/// Lower case, as Spark's catalog keeps names.
std::string NormalizeName(const std::string& name);

}  // namespace sk8::catalog
