#include "catalog/session_catalog.h"

#include <algorithm>
#include <cctype>

#include "sql/parser.h"
#include "types/spark_types.h"

namespace sk8::catalog {

std::string NormalizeName(const std::string& name) {
  std::string out = name;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string TableIdentifier::Quoted() const { return QuoteNameParts({kSessionCatalogName, database, name}); }

SessionCatalog::SessionCatalog(std::shared_ptr<SharedCatalog> shared)
    : shared_(shared ? std::move(shared) : std::make_shared<SharedCatalog>(kDefaultWarehouseDir)) {}

void SessionCatalog::CreateTempView(const std::string& name, plan::PlanPtr plan, bool replace) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!replace && temp_views_.count(NormalizeName(name))) return;
  temp_views_[NormalizeName(name)] = std::move(plan);
}

bool SessionCatalog::DropTempView(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return temp_views_.erase(NormalizeName(name)) > 0;
}

plan::PlanPtr SessionCatalog::LookupTempView(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = temp_views_.find(NormalizeName(name));
  return it == temp_views_.end() ? nullptr : it->second;
}

std::vector<std::string> SessionCatalog::TempViewNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, _] : temp_views_) names.push_back(name);
  return names;
}

std::string SessionCatalog::current_database() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_database_;
}

Result<std::string> SessionCatalog::DatabaseName(const std::vector<std::string>& parts) const {
  if (parts.size() == 2 && NormalizeName(parts[0]) == kSessionCatalogName) return NormalizeName(parts[1]);
  if (parts.size() != 1) {
    return AnalysisError("REQUIRES_SINGLE_PART_NAMESPACE",
                         {{"sessionCatalog", kSessionCatalogName}, {"namespace", QuoteNameParts(parts)}});
  }
  return NormalizeName(parts[0]);
}

Status SessionCatalog::SetCurrentDatabase(const std::vector<std::string>& name) {
  ARROW_ASSIGN_OR_RAISE(auto database, DatabaseName(name));
  if (!warehouse().DatabaseExists(database)) {
    return AnalysisError("SCHEMA_NOT_FOUND", {{"schemaName", QuoteNameParts({kSessionCatalogName, database})}});
  }
  std::lock_guard<std::mutex> lock(mutex_);
  current_database_ = database;
  return Status::OK();
}

Result<TableIdentifier> SessionCatalog::Qualify(const std::vector<std::string>& parts) const {
  switch (parts.size()) {
    case 1: return TableIdentifier{current_database(), NormalizeName(parts[0])};
    case 2: return TableIdentifier{NormalizeName(parts[0]), NormalizeName(parts[1])};
    case 3:
      if (NormalizeName(parts[0]) == kSessionCatalogName) {
        return TableIdentifier{NormalizeName(parts[1]), NormalizeName(parts[2])};
      }
      break;
    default: break;
  }
  return AnalysisError("REQUIRES_SINGLE_PART_NAMESPACE",
                       {{"sessionCatalog", kSessionCatalogName},
                        {"namespace", QuoteNameParts(std::vector<std::string>(parts.begin(), parts.end() - 1))}});
}

Result<std::optional<FunctionMetadata>> SessionCatalog::LookupFunction(const std::vector<std::string>& parts) const {
  ARROW_ASSIGN_OR_RAISE(auto id, Qualify(parts));
  if (!warehouse().DatabaseExists(id.database)) return std::optional<FunctionMetadata>();
  return warehouse().FindFunction(id.database, id.name);
}

bool SessionCatalog::IsTemporaryView(const std::vector<std::string>& parts) const {
  if (parts.size() == 1) return LookupTempView(parts[0]) != nullptr;
  if (parts.size() == 2 && NormalizeName(parts[0]) == kGlobalTempDatabase) {
    return global_temp_views().Find(NormalizeName(parts[1])) != nullptr;
  }
  return false;
}

Result<std::optional<TableMetadata>> SessionCatalog::LookupTable(const std::vector<std::string>& parts) const {
  auto id = Qualify(parts);
  if (!id.ok() || !warehouse().DatabaseExists(id->database)) return std::optional<TableMetadata>();
  return warehouse().FindTable(id->database, id->name);
}

Result<plan::PlanPtr> SessionCatalog::LookupRelation(const std::vector<std::string>& parts) const {
  {
    std::string key = CacheKey(parts);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cached_.find(key);
    if (it != cached_.end()) return it->second.second;
  }
  if (parts.size() == 1) {
    if (auto view = LookupTempView(parts[0])) return view;
  }
  if (parts.size() == 2 && NormalizeName(parts[0]) == kGlobalTempDatabase) {
    return global_temp_views().Find(NormalizeName(parts[1]));
  }
  ARROW_ASSIGN_OR_RAISE(auto table, LookupTable(parts));
  if (!table) return plan::PlanPtr();
  if (table->type == TableType::kView) {
    // A view reads as its query under the column names it was created with.
    ARROW_ASSIGN_OR_RAISE(auto query, sql::ParseQuery(table->view_text));
    auto named = plan::MakeUnary<plan::ToDFPlan>(query);
    for (const auto& f : table->schema->fields()) named->column_names.push_back(f->name());
    return plan::PlanPtr(named);
  }
  return TableScanPlan(*table);
}

void SessionCatalog::Cache(const std::string& key, std::vector<std::string> name, plan::PlanPtr rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_[key] = {std::move(name), std::move(rows)};
}

std::vector<std::vector<std::string>> SessionCatalog::CachedNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::vector<std::string>> out;
  for (const auto& [key, entry] : cached_) out.push_back(entry.first);
  return out;
}

void SessionCatalog::Uncache(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_.erase(key);
}

std::string SessionCatalog::CacheKey(const std::vector<std::string>& parts) const {
  if (parts.size() == 1 && LookupTempView(parts[0])) return QuoteIdentifier(NormalizeName(parts[0]));
  if (parts.size() == 2 && NormalizeName(parts[0]) == kGlobalTempDatabase) {
    return QuoteNameParts({kGlobalTempDatabase, NormalizeName(parts[1])});
  }
  auto id = Qualify(parts);
  return id.ok() ? id->Quoted() : QuoteNameParts(parts);
}

bool SessionCatalog::IsCached(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_.count(key) > 0;
}

void SessionCatalog::ClearCache() {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_.clear();
}

plan::PlanPtr TableScanPlan(const TableMetadata& table) {
  auto scan = std::make_shared<plan::DataSourcePlan>();
  scan->format = table.provider;
  scan->paths = {table.location};
  for (const auto& [k, v] : table.options) {
    if (NormalizeName(k) != "path") scan->options.emplace_back(k, v);
  }
  scan->user_schema = types::ToSparkJson(*arrow::struct_(table.DataSchema()->fields()));
  if (!table.partition_columns.empty()) {
    scan->partition_schema = types::ToSparkJson(*arrow::struct_(table.PartitionSchema()->fields()));
    scan->partitions = table.partitions;
  }
  scan->missing_ok = true;
  return scan;
}

}  // namespace sk8::catalog
