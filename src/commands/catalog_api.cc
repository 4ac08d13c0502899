// The Spark Connect catalog API (spark.catalog.*): answers with the columns
// pyspark.sql.connect.catalog reads (Database, Table, Column rows, scalars).
#include <algorithm>

#include "catalog/name_pattern.h"
#include "commands/command_util.h"
#include "types/spark_types.h"

namespace sk8::commands {

using catalog::TableMetadata;
using catalog::TableType;
using plan::CommandKind;

namespace {

Result<std::optional<catalog::NamePattern>> OptionalPattern(const plan::CommandPlan& command) {
  if (!command.pattern) return std::optional<catalog::NamePattern>();
  ARROW_ASSIGN_OR_RAISE(auto pattern, catalog::NamePattern::Compile(*command.pattern));
  return std::optional<catalog::NamePattern>(std::move(pattern));
}

arrow::FieldVector TableFields() {
  return {arrow::field("name", arrow::utf8()),        arrow::field("catalog", arrow::utf8()),
          arrow::field("namespace", arrow::list(arrow::utf8())), arrow::field("description", arrow::utf8()),
          arrow::field("tableType", arrow::utf8()),   arrow::field("isTemporary", arrow::boolean(), false)};
}

std::vector<Cell> TableRow(const TableMetadata& table) {
  Cell description = table.comment ? Cell(*table.comment) : Cell(std::monostate());
  return {table.name, std::string(catalog::kSessionCatalogName), std::vector<std::string>{table.database},
          description, std::string(catalog::TableTypeName(table.type)), false};
}

std::vector<Cell> TempViewRow(const std::string& name, bool global) {
  Cell ns = global ? Cell(std::vector<std::string>{catalog::kGlobalTempDatabase}) : Cell(std::vector<std::string>{});
  return {name, std::monostate(), ns, std::monostate(), std::string("TEMPORARY"), true};
}

Result<TablePtr> DatabaseRows(const std::vector<catalog::DatabaseMetadata>& databases) {
  ResultTable answer({arrow::field("name", arrow::utf8()), arrow::field("catalog", arrow::utf8()),
                      arrow::field("description", arrow::utf8()), arrow::field("locationUri", arrow::utf8())});
  for (const auto& d : databases) {
    answer.Add({d.name, std::string(catalog::kSessionCatalogName), d.comment, LocationUri(d.location)});
  }
  return answer.Finish();
}

// A table name as the catalog API takes it: "t", "db.t", "spark_catalog.db.t"
// (parsed as a multi-part identifier), or a name and a database.
Result<std::vector<std::string>> NameParts(const plan::CommandPlan& command) {
  std::vector<std::string> parts = command.name;
  if (!command.database.empty()) parts.insert(parts.begin(), command.database.begin(), command.database.end());
  return parts;
}

Result<TablePtr> ListTables(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  std::string database = names.current_database();
  if (!command.database.empty()) {
    ARROW_ASSIGN_OR_RAISE(database, names.DatabaseName(command.database));
  }
  ARROW_ASSIGN_OR_RAISE(auto pattern, OptionalPattern(command));
  auto matches = [&](const std::string& name) { return !pattern || pattern->Matches(name); };
  ResultTable answer(TableFields());
  if (database == catalog::kGlobalTempDatabase) {
    for (const auto& name : names.global_temp_views().Names()) {
      if (matches(name)) answer.Add(TempViewRow(name, true));
    }
  } else {
    ARROW_ASSIGN_OR_RAISE(auto table_names, names.warehouse().ListTables(database));
    for (const auto& name : table_names) {
      if (!matches(name)) continue;
      ARROW_ASSIGN_OR_RAISE(auto table, names.warehouse().FindTable(database, name));
      if (table) answer.Add(TableRow(*table));
    }
  }
  for (const auto& name : names.TempViewNames()) {
    if (matches(name)) answer.Add(TempViewRow(name, false));
  }
  return answer.Finish();
}

Result<TablePtr> GetTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto parts, NameParts(command));
  ResultTable answer(TableFields());
  auto& names = *ctx.catalog;
  if (parts.size() == 1 && names.LookupTempView(parts[0])) {
    answer.Add(TempViewRow(catalog::NormalizeName(parts[0]), false));
  } else if (names.IsTemporaryView(parts)) {
    answer.Add(TempViewRow(catalog::NormalizeName(parts[1]), true));
  } else {
    ARROW_ASSIGN_OR_RAISE(auto table, names.LookupTable(parts));
    if (!table) return TableOrViewNotFound(parts);
    answer.Add(TableRow(*table));
  }
  return answer.Finish();
}

Result<TablePtr> ListColumns(const plan::CommandPlan& command, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto parts, NameParts(command));
  auto& names = *ctx.catalog;
  std::optional<TableMetadata> table;
  std::shared_ptr<arrow::Schema> schema;
  if (!names.IsTemporaryView(parts)) {
    ARROW_ASSIGN_OR_RAISE(table, names.LookupTable(parts));
  }
  if (table) {
    schema = table->schema;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto relation, names.LookupRelation(parts));
    if (!relation) return TableOrViewNotFound(parts);
    ARROW_ASSIGN_OR_RAISE(schema, QuerySchema(relation, ctx));
  }
  ResultTable answer({arrow::field("name", arrow::utf8()), arrow::field("description", arrow::utf8()),
                      arrow::field("dataType", arrow::utf8()), arrow::field("nullable", arrow::boolean(), false),
                      arrow::field("isPartition", arrow::boolean(), false),
                      arrow::field("isBucket", arrow::boolean(), false),
                      arrow::field("isCluster", arrow::boolean(), false)});
  for (const auto& f : schema->fields()) {
    bool partition = table && table->IsPartitionColumn(f->name());
    bool bucket = table && std::find(table->bucket_columns.begin(), table->bucket_columns.end(), f->name()) !=
                               table->bucket_columns.end();
    answer.Add({f->name(), std::monostate(), types::SimpleString(*f->type()), f->nullable(), partition, bucket, false});
  }
  return answer.Finish();
}

}  // namespace

Result<TablePtr> RunCatalogApiCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  switch (command.command) {
    case CommandKind::kCurrentDatabase: return ValueRow(names.current_database());
    case CommandKind::kSetCurrentDatabase:
      ARROW_RETURN_NOT_OK(names.SetCurrentDatabase(command.name));
      return NoRows();
    case CommandKind::kCurrentCatalog: return ValueRow(std::string(catalog::kSessionCatalogName));
    case CommandKind::kSetCurrentCatalog:
      if (command.name.size() != 1 || catalog::NormalizeName(command.name[0]) != catalog::kSessionCatalogName) {
        return AnalysisError("CATALOG_NOT_FOUND", {{"catalogName", QuoteNameParts(command.name)},
                                                   {"config", "\"spark.sql.catalog." + command.name[0] + "\""}});
      }
      return NoRows();
    case CommandKind::kListCatalogs: {
      ARROW_ASSIGN_OR_RAISE(auto pattern, OptionalPattern(command));
      ResultTable answer({arrow::field("name", arrow::utf8()), arrow::field("description", arrow::utf8())});
      if (!pattern || pattern->Matches(catalog::kSessionCatalogName)) {
        answer.Add({std::string(catalog::kSessionCatalogName), std::monostate()});
      }
      return answer.Finish();
    }
    case CommandKind::kListDatabases: {
      ARROW_ASSIGN_OR_RAISE(auto pattern, OptionalPattern(command));
      std::vector<catalog::DatabaseMetadata> databases;
      for (auto& d : names.warehouse().ListDatabases()) {
        if (!pattern || pattern->Matches(d.name)) databases.push_back(std::move(d));
      }
      return DatabaseRows(databases);
    }
    case CommandKind::kGetDatabase: {
      ARROW_ASSIGN_OR_RAISE(auto name, names.DatabaseName(command.name));
      ARROW_ASSIGN_OR_RAISE(auto database, names.warehouse().GetDatabase(name));
      return DatabaseRows({database});
    }
    case CommandKind::kDatabaseExists: {
      auto name = names.DatabaseName(command.name);
      return ValueRow(name.ok() && names.warehouse().DatabaseExists(*name));
    }
    case CommandKind::kListTables: return ListTables(command, ctx);
    case CommandKind::kGetTable: return GetTable(command, ctx);
    case CommandKind::kTableExists: {
      ARROW_ASSIGN_OR_RAISE(auto parts, NameParts(command));
      ARROW_ASSIGN_OR_RAISE(auto relation, names.LookupRelation(parts));
      return ValueRow(relation != nullptr);
    }
    case CommandKind::kListColumns: return ListColumns(command, ctx);
    case CommandKind::kDropTempView: {
      bool dropped = names.DropTempView(command.name.back());
      return ValueRow(dropped);
    }
    case CommandKind::kDropGlobalTempView:
      return ValueRow(names.global_temp_views().Drop(catalog::NormalizeName(command.name.back())));
    default: return Unsupported("catalog command " + std::to_string(static_cast<int>(command.command)));
  }
}

}  // namespace sk8::commands
