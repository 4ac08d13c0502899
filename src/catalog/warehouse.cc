#include "catalog/warehouse.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sk8::catalog {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTableSuffix = ".sk8-table.json";
constexpr std::string_view kDatabaseSuffix = ".sk8-database.json";
constexpr std::string_view kFunctionSuffix = ".sk8-function.json";

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Written beside, then renamed over: a reader never sees half a file.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + temp);
    out << text;
    if (!out.flush()) return Status::IOError("cannot write " + temp);
  }
  fs::rename(temp, path, ec);
  if (ec) return Status::IOError("cannot rename " + temp + ": " + ec.message());
  return Status::OK();
}

Status SchemaNotFound(const std::string& database) {
  return AnalysisError("SCHEMA_NOT_FOUND", {{"schemaName", QuoteNameParts({kSessionCatalogName, database})}});
}

}  // namespace

Warehouse::Warehouse(const std::string& root) : root_(fs::absolute(fs::path(root)).lexically_normal().string()) {}

std::string Warehouse::DatabaseFile(const std::string& database) const {
  return (fs::path(root_) / (database + std::string(kDatabaseSuffix))).string();
}

std::string Warehouse::DatabaseLocation(const std::string& database) const {
  if (database == kDefaultDatabase) return root_;
  auto file = ReadFile(DatabaseFile(database));
  if (file.ok()) {
    auto metadata = DatabaseFromJson(*file);
    if (metadata.ok() && !metadata->location.empty()) return metadata->location;
  }
  return (fs::path(root_) / (database + ".db")).string();
}

std::string Warehouse::TableFile(const std::string& database, const std::string& name) const {
  return (fs::path(DatabaseLocation(database)) / (name + std::string(kTableSuffix))).string();
}

std::string Warehouse::FunctionFile(const std::string& database, const std::string& name) const {
  return (fs::path(DatabaseLocation(database)) / (name + std::string(kFunctionSuffix))).string();
}

bool Warehouse::DatabaseExists(const std::string& database) const {
  if (database == kDefaultDatabase) return true;
  std::error_code ec;
  return fs::exists(DatabaseFile(database), ec);
}

Result<DatabaseMetadata> Warehouse::GetDatabase(const std::string& database) const {
  if (database == kDefaultDatabase) return DatabaseMetadata{kDefaultDatabase, "default database", root_, {}};
  if (!DatabaseExists(database)) return SchemaNotFound(database);
  ARROW_ASSIGN_OR_RAISE(auto text, ReadFile(DatabaseFile(database)));
  return DatabaseFromJson(text);
}

std::vector<DatabaseMetadata> Warehouse::ListDatabases() const {
  std::vector<DatabaseMetadata> out;
  out.push_back(DatabaseMetadata{kDefaultDatabase, "default database", root_, {}});
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (!EndsWith(file, kDatabaseSuffix)) continue;
    auto database = GetDatabase(file.substr(0, file.size() - kDatabaseSuffix.size()));
    if (database.ok()) out.push_back(*database);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Status Warehouse::CreateDatabase(DatabaseMetadata database, bool if_not_exists) {
  if (DatabaseExists(database.name)) {
    if (if_not_exists) return Status::OK();
    return AnalysisError("SCHEMA_ALREADY_EXISTS", {{"schemaName", QuoteIdentifier(database.name)}});
  }
  if (database.location.empty()) database.location = (fs::path(root_) / (database.name + ".db")).string();
  database.location = fs::absolute(fs::path(database.location)).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(database.location, ec);
  if (ec) return Status::IOError("cannot create " + database.location + ": " + ec.message());
  return WriteFileAtomically(DatabaseFile(database.name), ToJson(database));
}

Status Warehouse::DropDatabase(const std::string& database, bool cascade) {
  ARROW_ASSIGN_OR_RAISE(auto metadata, GetDatabase(database));
  ARROW_ASSIGN_OR_RAISE(auto tables, ListTables(database));
  ARROW_ASSIGN_OR_RAISE(auto functions, ListFunctions(database));
  if ((!tables.empty() || !functions.empty()) && !cascade) {
    return AnalysisError("SCHEMA_NOT_EMPTY", {{"schemaName", QuoteIdentifier(database)}});
  }
  for (const auto& name : tables) {
    ARROW_ASSIGN_OR_RAISE(auto table, FindTable(database, name));
    if (table) ARROW_RETURN_NOT_OK(DropTable(*table));
  }
  for (const auto& name : functions) ARROW_RETURN_NOT_OK(DropFunction(database, name));
  std::error_code ec;
  fs::remove(DatabaseFile(database), ec);
  fs::remove_all(metadata.location, ec);
  return Status::OK();
}

Result<std::optional<TableMetadata>> Warehouse::FindTable(const std::string& database, const std::string& name) const {
  std::string file = TableFile(database, name);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<TableMetadata>();
  ARROW_ASSIGN_OR_RAISE(auto text, ReadFile(file));
  ARROW_ASSIGN_OR_RAISE(auto table, TableFromJson(text));
  return std::optional<TableMetadata>(std::move(table));
}

Result<std::vector<std::string>> Warehouse::ListMetadataFiles(const std::string& database,
                                                               std::string_view suffix) const {
  if (!DatabaseExists(database)) return SchemaNotFound(database);
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(DatabaseLocation(database), ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (EndsWith(file, suffix)) out.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> Warehouse::ListTables(const std::string& database) const {
  return ListMetadataFiles(database, kTableSuffix);
}

std::string Warehouse::DefaultTableLocation(const std::string& database, const std::string& name) const {
  return (fs::path(DatabaseLocation(database)) / name).string();
}

Status Warehouse::SaveTable(const TableMetadata& table) {
  return WriteFileAtomically(TableFile(table.database, table.name), ToJson(table));
}

Status Warehouse::DropTable(const TableMetadata& table) {
  std::error_code ec;
  fs::remove(TableFile(table.database, table.name), ec);
  if (ec) return Status::IOError("cannot remove the metadata of " + table.name + ": " + ec.message());
  if (table.type == TableType::kManaged && !table.location.empty()) fs::remove_all(table.location, ec);
  return Status::OK();
}

Result<std::optional<FunctionMetadata>> Warehouse::FindFunction(const std::string& database,
                                                                 const std::string& name) const {
  std::string file = FunctionFile(database, name);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<FunctionMetadata>();
  ARROW_ASSIGN_OR_RAISE(auto text, ReadFile(file));
  ARROW_ASSIGN_OR_RAISE(auto function, FunctionFromJson(text));
  return std::optional<FunctionMetadata>(std::move(function));
}

Result<std::vector<std::string>> Warehouse::ListFunctions(const std::string& database) const {
  return ListMetadataFiles(database, kFunctionSuffix);
}

Status Warehouse::SaveFunction(const FunctionMetadata& function) {
  return WriteFileAtomically(FunctionFile(function.database, function.name), ToJson(function));
}

Status Warehouse::DropFunction(const std::string& database, const std::string& name) {
  std::error_code ec;
  fs::remove(FunctionFile(database, name), ec);
  if (ec) return Status::IOError("cannot remove the metadata of function " + name + ": " + ec.message());
  return Status::OK();
}

void GlobalTempViews::Create(const std::string& name, plan::PlanPtr plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  views_[name] = std::move(plan);
}

bool GlobalTempViews::Drop(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return views_.erase(name) > 0;
}

plan::PlanPtr GlobalTempViews::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : it->second;
}

std::vector<std::string> GlobalTempViews::Names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, _] : views_) out.push_back(name);
  return out;
}

}  // namespace sk8::catalog
