#include "connect/catalog_converter.h"

#include "connect/plan_converter.h"
#include "connect/type_converter.h"
#include "plan/command.h"

namespace sk8::connect {

namespace proto = spark::connect;
using plan::CommandKind;

Result<plan::PlanPtr> ConvertCatalogCommand(const proto::Catalog& catalog) {
  std::shared_ptr<plan::CommandPlan> command;
  auto make = [&](CommandKind kind) { command = std::make_shared<plan::CommandPlan>(kind); };
  // A table name and the deprecated separate database name.
  auto table_name = [&](const std::string& name, bool has_db, const std::string& db) -> Status {
    ARROW_ASSIGN_OR_RAISE(command->name, ParseIdentifier(name));
    if (has_db) {
      ARROW_ASSIGN_OR_RAISE(command->database, ParseIdentifier(db));
    }
    return Status::OK();
  };
  switch (catalog.cat_type_case()) {
    case proto::Catalog::kCurrentDatabase: make(CommandKind::kCurrentDatabase); break;
    case proto::Catalog::kSetCurrentDatabase:
      make(CommandKind::kSetCurrentDatabase);
      ARROW_RETURN_NOT_OK(table_name(catalog.set_current_database().db_name(), false, ""));
      break;
    case proto::Catalog::kListDatabases:
      make(CommandKind::kListDatabases);
      if (catalog.list_databases().has_pattern()) command->pattern = catalog.list_databases().pattern();
      break;
    case proto::Catalog::kListTables: {
      const auto& list = catalog.list_tables();
      make(CommandKind::kListTables);
      if (list.has_db_name()) {
        ARROW_ASSIGN_OR_RAISE(command->database, ParseIdentifier(list.db_name()));
      }
      if (list.has_pattern()) command->pattern = list.pattern();
      break;
    }
    case proto::Catalog::kListColumns: {
      const auto& list = catalog.list_columns();
      make(CommandKind::kListColumns);
      ARROW_RETURN_NOT_OK(table_name(list.table_name(), list.has_db_name(), list.db_name()));
      break;
    }
    case proto::Catalog::kGetDatabase:
      make(CommandKind::kGetDatabase);
      ARROW_RETURN_NOT_OK(table_name(catalog.get_database().db_name(), false, ""));
      break;
    case proto::Catalog::kGetTable: {
      const auto& get = catalog.get_table();
      make(CommandKind::kGetTable);
      ARROW_RETURN_NOT_OK(table_name(get.table_name(), get.has_db_name(), get.db_name()));
      break;
    }
    case proto::Catalog::kDatabaseExists:
      make(CommandKind::kDatabaseExists);
      ARROW_RETURN_NOT_OK(table_name(catalog.database_exists().db_name(), false, ""));
      break;
    case proto::Catalog::kTableExists: {
      const auto& exists = catalog.table_exists();
      make(CommandKind::kTableExists);
      ARROW_RETURN_NOT_OK(table_name(exists.table_name(), exists.has_db_name(), exists.db_name()));
      break;
    }
    case proto::Catalog::kCreateTable:
    case proto::Catalog::kCreateExternalTable: {
      make(CommandKind::kCreateTable);
      const bool external = catalog.cat_type_case() == proto::Catalog::kCreateExternalTable;
      const auto& create = catalog.create_table();
      const auto& legacy = catalog.create_external_table();
      ARROW_RETURN_NOT_OK(table_name(external ? legacy.table_name() : create.table_name(), false, ""));
      auto& spec = command->table;
      bool has_path = external ? legacy.has_path() : create.has_path();
      if (has_path) spec.location = external ? legacy.path() : create.path();
      bool has_source = external ? legacy.has_source() : create.has_source();
      if (has_source) spec.provider = external ? legacy.source() : create.source();
      if (!external && create.has_description()) spec.comment = create.description();
      bool has_schema = external ? legacy.has_schema() : create.has_schema();
      if (has_schema) {
        ARROW_ASSIGN_OR_RAISE(auto type, FromProtoType(external ? legacy.schema() : create.schema()));
        if (type->id() != arrow::Type::STRUCT) return Unsupported("createTable with a schema that is no struct");
        spec.schema = arrow::schema(type->fields());
      }
      for (const auto& [k, v] : external ? legacy.options() : create.options()) spec.options.emplace_back(k, v);
      break;
    }
    case proto::Catalog::kDropTempView:
      make(CommandKind::kDropTempView);
      command->name = {catalog.drop_temp_view().view_name()};
      break;
    case proto::Catalog::kDropGlobalTempView:
      make(CommandKind::kDropGlobalTempView);
      command->name = {catalog.drop_global_temp_view().view_name()};
      break;
    case proto::Catalog::kRecoverPartitions:
      make(CommandKind::kRecoverPartitions);
      ARROW_RETURN_NOT_OK(table_name(catalog.recover_partitions().table_name(), false, ""));
      break;
    case proto::Catalog::kIsCached:
      make(CommandKind::kIsCached);
      ARROW_RETURN_NOT_OK(table_name(catalog.is_cached().table_name(), false, ""));
      break;
    case proto::Catalog::kCacheTable:
      make(CommandKind::kCacheTable);
      ARROW_RETURN_NOT_OK(table_name(catalog.cache_table().table_name(), false, ""));
      break;
    case proto::Catalog::kUncacheTable:
      make(CommandKind::kUncacheTable);
      ARROW_RETURN_NOT_OK(table_name(catalog.uncache_table().table_name(), false, ""));
      break;
    case proto::Catalog::kClearCache: make(CommandKind::kClearCache); break;
    case proto::Catalog::kRefreshTable:
      make(CommandKind::kRefreshTable);
      ARROW_RETURN_NOT_OK(table_name(catalog.refresh_table().table_name(), false, ""));
      break;
    case proto::Catalog::kRefreshByPath:
      make(CommandKind::kRefreshByPath);
      command->path = catalog.refresh_by_path().path();
      break;
    case proto::Catalog::kCurrentCatalog: make(CommandKind::kCurrentCatalog); break;
    case proto::Catalog::kSetCurrentCatalog:
      make(CommandKind::kSetCurrentCatalog);
      command->name = {catalog.set_current_catalog().catalog_name()};
      break;
    case proto::Catalog::kListCatalogs:
      make(CommandKind::kListCatalogs);
      if (catalog.list_catalogs().has_pattern()) command->pattern = catalog.list_catalogs().pattern();
      break;
    default: return Unsupported("catalog call " + std::to_string(catalog.cat_type_case()));
  }
  return plan::PlanPtr(command);
}

}  // namespace sk8::connect
