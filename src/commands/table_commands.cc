// CREATE TABLE / VIEW, INSERT, DROP TABLE / VIEW, ALTER TABLE, TRUNCATE,
// recoverPartitions, and df.write's saveAsTable / insertInto.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include <arrow/scalar.h>

#include "commands/command_util.h"
#include "io/data_source.h"
#include "io/filesystems.h"
#include "types/spark_types.h"

namespace sk8::commands {

namespace fs = std::filesystem;
using catalog::NormalizeName;
using catalog::TableMetadata;
using catalog::TableType;
using plan::CommandKind;

namespace {

constexpr const char* kDefaultProvider = "parquet";  // spark.sql.sources.default

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SameName(const std::string& a, const std::string& b) { return NormalizeName(a) == NormalizeName(b); }

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + QuoteIdentifier(name);
  return out;
}

Status TableAlreadyExists(const catalog::TableIdentifier& id) {
  return AnalysisError("TABLE_OR_VIEW_ALREADY_EXISTS", {{"relationName", id.Quoted()}});
}

Status RequireDatabase(const CommandContext& ctx, const std::string& database) {
  if (ctx.catalog->warehouse().DatabaseExists(database)) return Status::OK();
  return AnalysisError("SCHEMA_NOT_FOUND",
                       {{"schemaName", QuoteNameParts({catalog::kSessionCatalogName, database})}});
}

plan::ExprPtr Column(const std::string& name) {
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt);
}

plan::ExprPtr Named(plan::ExprPtr expr, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(expr), std::vector<std::string>{name});
}

plan::ExprPtr StoreCast(plan::ExprPtr expr, const std::shared_ptr<arrow::DataType>& type) {
  return std::make_shared<plan::CastExpr>(std::move(expr), type, plan::CastMode::kAnsi);
}

// The query's columns by name, in `schema`'s order.
plan::PlanPtr SelectInOrder(const plan::PlanPtr& query, const arrow::Schema& schema) {
  auto project = plan::MakeUnary<plan::ProjectPlan>(query);
  for (const auto& field : schema.fields()) project->expressions.push_back(Column(field->name()));
  return project;
}

// Spark's store assignment (spark.sql.storeAssignmentPolicy=ANSI): numbers
// to numbers (overflow fails at run time), anything atomic to a string,
// dates and timestamps to each other; a string is not cast to a number.
bool CanStoreAssign(const arrow::DataType& from, const arrow::DataType& to) {
  if (from.Equals(to) || from.id() == arrow::Type::NA) return true;
  // Arrays, maps and structs: their elements (field names and nullability aside).
  if (from.id() == to.id() && (from.id() == arrow::Type::LIST || from.id() == arrow::Type::MAP ||
                               from.id() == arrow::Type::STRUCT)) {
    if (from.num_fields() != to.num_fields()) return false;
    for (int i = 0; i < from.num_fields(); ++i) {
      if (!CanStoreAssign(*from.field(i)->type(), *to.field(i)->type())) return false;
    }
    return true;
  }
  if (types::IsNumeric(from) && types::IsNumeric(to)) return true;
  if (types::IsStringLike(to)) return from.id() != arrow::Type::STRUCT && from.id() != arrow::Type::LIST &&
                                      from.id() != arrow::Type::MAP;
  auto datetime = [](const arrow::DataType& t) {
    return t.id() == arrow::Type::DATE32 || t.id() == arrow::Type::TIMESTAMP;
  };
  return datetime(from) && datetime(to);
}

constexpr const char* kBucketIdColumn = "__sk8_bucket_id";

// A bucketed table's rows with their bucket id, Spark's
// pmod(hash(bucket columns), num_buckets), ordered by bucket id and the sort
// columns, so each bucket's file is written sorted.
plan::PlanPtr WithBucketIds(const plan::PlanPtr& query, const TableMetadata& table) {
  auto project = plan::MakeUnary<plan::ProjectPlan>(query);
  project->expressions.push_back(std::make_shared<plan::StarExpr>(std::vector<std::string>{}));
  std::vector<plan::ExprPtr> columns;
  for (const auto& name : table.bucket_columns) columns.push_back(Column(name));
  auto hash = std::make_shared<plan::FunctionExpr>("hash", std::move(columns));
  auto buckets = std::make_shared<plan::LiteralExpr>(std::make_shared<arrow::Int32Scalar>(table.num_buckets));
  auto id = std::make_shared<plan::FunctionExpr>("pmod", std::vector<plan::ExprPtr>{hash, buckets});
  project->expressions.push_back(std::make_shared<plan::AliasExpr>(id, std::vector<std::string>{kBucketIdColumn}));
  auto sort = plan::MakeUnary<plan::SortPlan>(project);
  sort->order.push_back(Column(kBucketIdColumn));
  for (const auto& name : table.sort_columns) sort->order.push_back(Column(name));
  return sort;
}

// Runs `query` into files at `path`.
Status WriteRows(const plan::PlanPtr& query, const TableMetadata& table, const std::string& path, io::SaveMode mode,
                 std::vector<std::string> partition_by, const CommandContext& ctx) {
  const bool bucketed = table.num_buckets > 0;
  ARROW_ASSIGN_OR_RAISE(auto optimized, engine::AnalyzeAndOptimize(bucketed ? WithBucketIds(query, table) : query,
                                                                     ctx.query, /*to_run=*/true));
  io::WriteSpec spec;
  if (bucketed) spec.bucket_id_column = kBucketIdColumn;
  spec.format = table.provider;
  spec.path = path;
  spec.mode = mode;
  spec.partition_by = std::move(partition_by);
  for (const auto& [k, v] : table.options) spec.options.Set(k, v);
  return engine::ExecuteWrite(*optimized, std::move(spec), ctx.query);
}

Result<TableMetadata> RequireTable(const std::vector<std::string>& name, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto found, ctx.catalog->LookupTable(name));
  if (!found) return TableOrViewNotFound(name);
  return *found;
}

Status ExpectTable(const TableMetadata& table, const std::string& operation) {
  if (table.type != TableType::kView) return Status::OK();
  return AnalysisError("EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE",
                       {{"viewName", catalog::TableIdentifier{table.database, table.name}.Quoted()},
                        {"operation", operation}});
}

catalog::TableIdentifier IdOf(const TableMetadata& table) { return {table.database, table.name}; }

// CREATE TABLE, spark.catalog.createTable, saveAsTable of a new table.
Status CreateTable(const std::vector<std::string>& name, const plan::TableSpec& spec, const plan::PlanPtr& query,
                   bool replace, bool if_not_exists, const CommandContext& ctx) {
  auto& warehouse = ctx.catalog->warehouse();
  ARROW_ASSIGN_OR_RAISE(auto id, ctx.catalog->Qualify(name));
  ARROW_RETURN_NOT_OK(RequireDatabase(ctx, id.database));
  std::lock_guard<std::mutex> lock(warehouse.mutex());
  ARROW_ASSIGN_OR_RAISE(auto existing, warehouse.FindTable(id.database, id.name));
  if (existing) {
    if (if_not_exists) return Status::OK();
    if (!replace) return TableAlreadyExists(id);
  }
  TableMetadata table;
  table.database = id.database;
  table.name = id.name;
  table.provider = spec.provider.empty() ? kDefaultProvider : NormalizeName(spec.provider);
  std::string location = spec.location;
  for (const auto& [k, v] : spec.options) {
    if (SameName(k, "path")) {
      if (location.empty()) location = v;
    } else {
      table.options[k] = v;
    }
  }
  ARROW_RETURN_NOT_OK(io::MakeDataSource(table.provider, io::SourceOptions(), "", io::SourceContext{}).status());
  for (const auto& [k, v] : spec.properties) table.properties[k] = v;
  table.comment = spec.comment;
  table.created_ms = NowMs();
  if (!location.empty() && !io::IsLocalPath(location)) {
    // The catalog keeps its tables' files on the local disk for now.
    return Unsupported("tables located in object stores (" + location +
                       ": spark.read / df.write read and write the path itself)");
  }
  table.type = location.empty() ? TableType::kManaged : TableType::kExternal;
  table.location = location.empty() ? warehouse.DefaultTableLocation(id.database, id.name)
                                    : fs::absolute(io::LocalPath(location)).lexically_normal().string();

  std::shared_ptr<arrow::Schema> schema;
  if (query) {
    if (spec.schema) return Unsupported("CREATE TABLE with both a column list and AS SELECT");
    ARROW_ASSIGN_OR_RAISE(schema, QuerySchema(query, ctx));
    arrow::FieldVector fields;
    for (const auto& f : schema->fields()) fields.push_back(f->WithNullable(true));  // CTAS columns are nullable
    schema = arrow::schema(fields);
  } else if (spec.schema) {
    schema = spec.schema;
  } else {
    std::error_code ec;
    if (table.type == TableType::kManaged || !fs::exists(table.location, ec)) {
      return AnalysisError("UNABLE_TO_INFER_SCHEMA", {{"format", table.provider}});
    }
    auto files = std::make_shared<plan::DataSourcePlan>();
    files->format = table.provider;
    files->paths = {table.location};
    for (const auto& [k, v] : table.options) files->options.emplace_back(k, v);
    ARROW_ASSIGN_OR_RAISE(schema, QuerySchema(files, ctx));
  }
  // Partition columns go last, in PARTITIONED BY order, as Spark orders a table's schema.
  arrow::FieldVector data, partitions;
  for (const auto& column : spec.partition_by) {
    int index = -1;
    for (int i = 0; i < schema->num_fields(); ++i) {
      if (SameName(schema->field(i)->name(), column)) index = i;
    }
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& f : schema->fields()) names.push_back(f->name());
      return AnalysisError("COLUMN_NOT_DEFINED_IN_TABLE", {{"colType", "partition"},
                                                           {"colName", QuoteIdentifier(column)},
                                                           {"tableName", id.Quoted()},
                                                           {"tableCols", QuotedList(names)}});
    }
    partitions.push_back(schema->field(index));
    table.partition_columns.push_back(schema->field(index)->name());
  }
  for (const auto& f : schema->fields()) {
    if (!table.IsPartitionColumn(f->name())) data.push_back(f);
  }
  // bucketBy / sortBy columns, by their names in the schema.
  auto bucket_spec_column = [&](const std::string& column, const char* kind) -> Result<std::string> {
    for (const auto& f : schema->fields()) {
      if (SameName(f->name(), column)) return f->name();
    }
    std::vector<std::string> names;
    for (const auto& f : schema->fields()) names.push_back(f->name());
    return AnalysisError("COLUMN_NOT_DEFINED_IN_TABLE", {{"colType", kind},
                                                         {"colName", QuoteIdentifier(column)},
                                                         {"tableName", id.Quoted()},
                                                         {"tableCols", QuotedList(names)}});
  };
  table.num_buckets = spec.num_buckets;
  for (const auto& column : spec.bucket_by) {
    ARROW_ASSIGN_OR_RAISE(auto found, bucket_spec_column(column, "bucket"));
    table.bucket_columns.push_back(found);
  }
  for (const auto& column : spec.sort_by) {
    ARROW_ASSIGN_OR_RAISE(auto found, bucket_spec_column(column, "sort"));
    table.sort_columns.push_back(found);
  }
  data.insert(data.end(), partitions.begin(), partitions.end());
  table.schema = arrow::schema(data);

  if (existing) ARROW_RETURN_NOT_OK(warehouse.DropTable(*existing));
  if (query) {
    ARROW_RETURN_NOT_OK(WriteRows(SelectInOrder(query, *table.schema), table, table.location,
                                  io::SaveMode::kOverwrite, table.partition_columns, ctx));
    table.partitions = DiscoverPartitions(table);
  } else if (table.type == TableType::kManaged) {
    std::error_code ec;
    fs::create_directories(table.location, ec);
    if (ec) return Status::IOError("cannot create " + table.location + ": " + ec.message());
  }
  return warehouse.SaveTable(table);
}

// INSERT INTO / OVERWRITE and insertInto: the query's columns by position
// (or to the listed columns), cast as Spark's store assignment casts them.
// Whether `query` reads the table `id` by its name (Spark refuses to overwrite it).
bool ReadsTable(const plan::PlanPtr& query, const catalog::TableIdentifier& id, const CommandContext& ctx) {
  if (!query) return false;
  if (query->kind() == plan::PlanKind::kNamedTable) {
    const auto& parts = static_cast<const plan::NamedTablePlan&>(*query).name_parts;
    if (ctx.catalog->IsTemporaryView(parts)) return false;
    auto read = ctx.catalog->LookupTable(parts);
    return read.ok() && *read && IdOf(**read).Quoted() == id.Quoted();
  }
  for (const auto& child : query->children) {
    if (ReadsTable(child, id, ctx)) return true;
  }
  return false;
}

Status InsertRows(const std::vector<std::string>& name, const plan::PlanPtr& query, bool overwrite,
                  const std::vector<std::string>& columns,
                  const std::vector<std::pair<std::string, plan::ExprPtr>>& partition, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto found, ctx.catalog->LookupTable(name));
  if (!found) {
    if (ctx.catalog->IsTemporaryView(name)) return Unsupported("INSERT INTO a temporary view");
    return TableOrViewNotFound(name);
  }
  TableMetadata table = *found;
  ARROW_RETURN_NOT_OK(ExpectTable(table, "INSERT"));
  const auto id = IdOf(table);
  if (overwrite && ReadsTable(query, id, ctx)) {
    return AnalysisError("UNSUPPORTED_OVERWRITE.TABLE", {{"table", id.Quoted()}});
  }
  ARROW_ASSIGN_OR_RAISE(auto source, QuerySchema(query, ctx));

  std::map<std::string, plan::ExprPtr> static_values;
  for (const auto& [column, value] : partition) {
    if (!table.IsPartitionColumn(column)) {
      return AnalysisError("NON_PARTITION_COLUMN", {{"columnName", QuoteIdentifier(column)}});
    }
    if (value) static_values[NormalizeName(column)] = value;
  }
  std::vector<std::string> targets;
  if (!columns.empty()) {
    targets = columns;
  } else {
    for (const auto& f : table.schema->fields()) {
      if (!static_values.count(NormalizeName(f->name()))) targets.push_back(f->name());
    }
  }
  if (source->num_fields() != static_cast<int>(targets.size())) {
    std::vector<std::string> data;
    for (const auto& f : source->fields()) data.push_back(f->name());
    return AnalysisError(source->num_fields() > static_cast<int>(targets.size())
                             ? "INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS"
                             : "INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS",
                         {{"tableName", id.Quoted()}, {"tableColumns", QuotedList(targets)}, {"dataColumns", QuotedList(data)}});
  }
  // Positional slots first, so that the query's own names (duplicates too) do not matter.
  auto renamed = plan::MakeUnary<plan::ToDFPlan>(query);
  for (int i = 0; i < source->num_fields(); ++i) renamed->column_names.push_back("__sk8_insert_" + std::to_string(i));
  auto project = plan::MakeUnary<plan::ProjectPlan>(renamed);
  for (const auto& field : table.schema->fields()) {
    plan::ExprPtr expr;
    auto fixed = static_values.find(NormalizeName(field->name()));
    if (fixed != static_values.end()) {
      expr = StoreCast(fixed->second, field->type());
    } else {
      int slot = -1;
      for (size_t j = 0; j < targets.size(); ++j) {
        if (SameName(targets[j], field->name())) slot = static_cast<int>(j);
      }
      if (slot < 0) {
        expr = StoreCast(std::make_shared<plan::LiteralExpr>(arrow::MakeNullScalar(arrow::null())), field->type());
      } else {
        const auto& from = *source->field(slot)->type();
        if (!CanStoreAssign(from, *field->type())) {
          return AnalysisError("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST",
                               {{"tableName", id.Quoted()},
                                {"colName", QuoteIdentifier(field->name())},
                                {"srcType", "\"" + types::SqlString(from) + "\""},
                                {"targetType", "\"" + types::SqlString(*field->type()) + "\""}});
        }
        expr = Column(renamed->column_names[slot]);
        if (!from.Equals(*field->type())) expr = StoreCast(expr, field->type());
      }
    }
    project->expressions.push_back(Named(expr, field->name()));
  }

  const auto before = DiscoverPartitions(table);
  bool static_overwrite = overwrite && !table.partition_columns.empty() &&
                          static_values.size() == table.partition_columns.size();
  std::string written_partition;
  if (static_overwrite) {
    // INSERT OVERWRITE ... PARTITION (k = v): only that partition is replaced.
    for (const auto& column : table.partition_columns) {
      const auto& value = static_values[NormalizeName(column)];
      if (value->kind() != plan::ExprKind::kLiteral) return Unsupported("a PARTITION value that is no literal");
      const auto& scalar = *value->As<plan::LiteralExpr>().value;
      std::string text = scalar.is_valid ? scalar.ToString() : "__HIVE_DEFAULT_PARTITION__";
      written_partition += (written_partition.empty() ? "" : "/") + column + "=" + io::EscapePartitionValue(text);
    }
    // The partition's old files go first, then its rows are appended.
    std::error_code ec;
    fs::remove_all(fs::path(table.location) / written_partition, ec);
    if (ec) return Status::IOError("cannot replace partition " + written_partition + ": " + ec.message());
    ARROW_RETURN_NOT_OK(
        WriteRows(project, table, table.location, io::SaveMode::kAppend, table.partition_columns, ctx));
  } else {
    ARROW_RETURN_NOT_OK(WriteRows(project, table, table.location,
                                  overwrite ? io::SaveMode::kOverwrite : io::SaveMode::kAppend,
                                  table.partition_columns, ctx));
  }
  if (table.partition_columns.empty()) return RefreshCached(name, ctx);
  // Registered: those still on disk, and those this write made.
  const auto after = DiscoverPartitions(table);
  std::set<std::string> on_disk(after.begin(), after.end()), earlier(before.begin(), before.end());
  std::set<std::string> registered;
  for (const auto& p : table.partitions) {
    if (on_disk.count(p)) registered.insert(p);
  }
  for (const auto& p : after) {
    if (!earlier.count(p) || p == written_partition) registered.insert(p);
  }
  if (overwrite && !static_overwrite) registered = on_disk;
  table.partitions.assign(registered.begin(), registered.end());
  {
    std::lock_guard<std::mutex> lock(ctx.catalog->warehouse().mutex());
    ARROW_RETURN_NOT_OK(ctx.catalog->warehouse().SaveTable(table));
  }
  return RefreshCached(name, ctx);
}

Result<TablePtr> CreateView(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  ARROW_ASSIGN_OR_RAISE(auto schema, QuerySchema(command.query, ctx));
  if (command.temporary) {
    std::string name = command.name.back();
    bool global_name = command.name.size() == 2 && SameName(command.name[0], catalog::kGlobalTempDatabase);
    if (command.name.size() != 1 && !(command.global && global_name)) {
      return AnalysisError("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", {{"actualName", QuoteNameParts(command.name)}});
    }
    bool exists = command.global ? names.global_temp_views().Find(NormalizeName(name)) != nullptr
                                 : names.LookupTempView(name) != nullptr;
    if (exists && !command.replace) {
      if (command.if_not_exists) return NoRows();
      std::vector<std::string> quoted = command.global ? std::vector<std::string>{catalog::kGlobalTempDatabase, name}
                                                       : std::vector<std::string>{name};
      return AnalysisError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", {{"relationName", QuoteNameParts(quoted)}});
    }
    if (command.global) {
      names.global_temp_views().Create(NormalizeName(name), command.query);
    } else {
      names.CreateTempView(name, command.query, /*replace=*/true);
    }
    return NoRows();
  }
  ARROW_ASSIGN_OR_RAISE(auto id, names.Qualify(command.name));
  ARROW_RETURN_NOT_OK(RequireDatabase(ctx, id.database));
  std::lock_guard<std::mutex> lock(names.warehouse().mutex());
  ARROW_ASSIGN_OR_RAISE(auto existing, names.warehouse().FindTable(id.database, id.name));
  if (existing) {
    if (command.if_not_exists) return NoRows();
    if (!command.replace) return TableAlreadyExists(id);
    if (existing->type != TableType::kView) {
      return AnalysisError("EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE",
                           {{"tableName", id.Quoted()}, {"operation", "CREATE OR REPLACE VIEW"}});
    }
  }
  TableMetadata view;
  view.database = id.database;
  view.name = id.name;
  view.type = TableType::kView;
  view.schema = schema;
  view.view_text = command.query_text;
  view.comment = command.comment;
  for (const auto& [k, v] : command.properties) view.properties[k] = v;
  view.created_ms = NowMs();
  ARROW_RETURN_NOT_OK(names.warehouse().SaveTable(view));
  return NoRows();
}

Result<TablePtr> DropTableOrView(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  const bool drop_view = command.command == CommandKind::kDropView;
  names.Uncache(names.CacheKey(command.name));
  if (command.name.size() == 1 && names.DropTempView(command.name[0])) return NoRows();
  if (command.name.size() == 2 && SameName(command.name[0], catalog::kGlobalTempDatabase)) {
    if (names.global_temp_views().Drop(NormalizeName(command.name[1])) || command.if_exists) return NoRows();
    return TableOrViewNotFound(command.name);
  }
  std::lock_guard<std::mutex> lock(names.warehouse().mutex());
  ARROW_ASSIGN_OR_RAISE(auto found, names.LookupTable(command.name));
  if (!found) {
    if (command.if_exists) return NoRows();
    // DROP names the table it looked for in full.
    auto id = names.Qualify(command.name);
    return AnalysisError("TABLE_OR_VIEW_NOT_FOUND",
                         {{"relationName", id.ok() ? id->Quoted() : QuoteNameParts(command.name)}});
  }
  const auto id = IdOf(*found);
  const bool is_view = found->type == TableType::kView;
  if (drop_view != is_view) {
    return AnalysisError("WRONG_COMMAND_FOR_OBJECT_TYPE",
                         {{"alternative", drop_view ? "DROP TABLE" : "DROP VIEW"},
                          {"foundType", catalog::TableTypeName(found->type)},
                          {"objectName", std::string(catalog::kSessionCatalogName) + "." + id.database + "." + id.name},
                          {"operation", drop_view ? "DROP VIEW" : "DROP TABLE"},
                          {"requiredType", drop_view ? "VIEW" : "EXTERNAL or MANAGED"}});
  }
  names.Uncache(id.Quoted());
  ARROW_RETURN_NOT_OK(names.warehouse().DropTable(*found));
  return NoRows();
}

Result<TablePtr> RenameTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  if (command.name.size() == 1 && names.LookupTempView(command.name[0])) {
    if (command.new_name.size() != 1) {
      return AnalysisError("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", {{"actualName", QuoteNameParts(command.new_name)}});
    }
    if (names.LookupTempView(command.new_name[0])) {
      return AnalysisError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", {{"relationName", QuoteNameParts(command.new_name)}});
    }
    auto view = names.LookupTempView(command.name[0]);
    names.DropTempView(command.name[0]);
    names.CreateTempView(command.new_name[0], view, /*replace=*/true);
    return NoRows();
  }
  auto& warehouse = names.warehouse();
  std::lock_guard<std::mutex> lock(warehouse.mutex());
  ARROW_ASSIGN_OR_RAISE(auto table, RequireTable(command.name, ctx));
  catalog::TableIdentifier target{table.database, NormalizeName(command.new_name.back())};
  if (command.new_name.size() > 1) {
    ARROW_ASSIGN_OR_RAISE(target, names.Qualify(command.new_name));
  }
  if (target.database != table.database) return Unsupported("renaming a table into another database");
  ARROW_ASSIGN_OR_RAISE(auto clash, warehouse.FindTable(target.database, target.name));
  if (clash) return TableAlreadyExists(target);
  TableMetadata renamed = table;
  renamed.name = target.name;
  if (table.type == TableType::kManaged) {
    renamed.location = warehouse.DefaultTableLocation(target.database, target.name);
    std::error_code ec;
    if (fs::exists(table.location, ec)) fs::rename(table.location, renamed.location, ec);
    if (ec) return Status::IOError("cannot rename " + table.location + ": " + ec.message());
  }
  ARROW_RETURN_NOT_OK(warehouse.SaveTable(renamed));
  names.Uncache(IdOf(table).Quoted());
  // The old entry goes without its files (they moved, or belong to an external table).
  table.type = TableType::kExternal;
  return warehouse.DropTable(table).ok() ? NoRows() : Result<TablePtr>(Status::IOError("cannot rename " + table.name));
}

Result<TablePtr> AlterTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& warehouse = ctx.catalog->warehouse();
  std::lock_guard<std::mutex> lock(warehouse.mutex());
  ARROW_ASSIGN_OR_RAISE(auto table, RequireTable(command.name, ctx));
  switch (command.command) {
    case CommandKind::kAlterTableAddColumns: {
      ARROW_RETURN_NOT_OK(ExpectTable(table, "ALTER TABLE ... ADD COLUMNS"));
      arrow::FieldVector data = table.DataSchema()->fields();
      for (const auto& f : command.columns->fields()) {
        if (table.schema->GetFieldIndex(f->name()) >= 0 ||
            std::any_of(data.begin(), data.end(), [&](const auto& d) { return SameName(d->name(), f->name()); })) {
          return AnalysisError("COLUMN_ALREADY_EXISTS", {{"columnName", QuoteIdentifier(f->name())}});
        }
        data.push_back(f);
      }
      // The partition schema kept alive while its fields are read (a temporary's
      // fields in a range-for were the crash that had ADD COLUMNS refused).
      const auto partition_schema = table.PartitionSchema();
      for (const auto& f : partition_schema->fields()) data.push_back(f);
      table.schema = arrow::schema(data);
      break;
    }
    case CommandKind::kAlterTableSetProperties:
      for (const auto& [k, v] : command.properties) table.properties[k] = v;
      break;
    case CommandKind::kRecoverPartitions:
      if (table.partition_columns.empty()) {
        return AnalysisError("NOT_A_PARTITIONED_TABLE", {{"operation", "`ALTER TABLE RECOVER PARTITIONS`"},
                                                         {"tableIdentWithDB", IdOf(table).Quoted()}});
      }
      table.partitions = DiscoverPartitions(table);
      break;
    default: return InternalError("not an ALTER TABLE command");
  }
  ARROW_RETURN_NOT_OK(warehouse.SaveTable(table));
  ARROW_RETURN_NOT_OK(RefreshCached(command.name, ctx));
  return NoRows();
}

Result<TablePtr> TruncateTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto table, RequireTable(command.name, ctx));
  ARROW_RETURN_NOT_OK(ExpectTable(table, "TRUNCATE TABLE"));
  if (table.type == TableType::kExternal) return Unsupported("TRUNCATE TABLE of an external table");
  std::error_code ec;
  for (fs::directory_iterator it(table.location, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code remove_error;
    fs::remove_all(it->path(), remove_error);
    if (remove_error) return Status::IOError("cannot remove " + it->path().string() + ": " + remove_error.message());
  }
  ARROW_RETURN_NOT_OK(RefreshCached(command.name, ctx));
  return NoRows();
}

}  // namespace

Result<TablePtr> RunTableCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  switch (command.command) {
    case CommandKind::kCreateTable:
      if (command.replace) {
        // REPLACE TABLE needs a v2 catalog; Spark's session catalog refuses it.
        ARROW_ASSIGN_OR_RAISE(auto id, ctx.catalog->Qualify(command.name));
        return AnalysisError("UNSUPPORTED_FEATURE.TABLE_OPERATION",
                             {{"tableName", id.Quoted()},
                              {"operation", command.query ? "REPLACE TABLE AS SELECT" : "REPLACE TABLE"}});
      }
      ARROW_RETURN_NOT_OK(
          CreateTable(command.name, command.table, command.query, command.replace, command.if_not_exists, ctx));
      return NoRows();
    case CommandKind::kCreateView: return CreateView(command, ctx);
    case CommandKind::kInsert:
      ARROW_RETURN_NOT_OK(
          InsertRows(command.name, command.query, command.overwrite, command.insert_columns, command.partition, ctx));
      return NoRows();
    case CommandKind::kDropTable:
    case CommandKind::kDropView: return DropTableOrView(command, ctx);
    case CommandKind::kAlterTableRename: return RenameTable(command, ctx);
    case CommandKind::kTruncateTable: return TruncateTable(command, ctx);
    default: return AlterTable(command, ctx);
  }
}

namespace {

// Spark's BucketSpec text: "2 buckets, bucket columns: [a], sort columns: [b]".
std::string BucketSpecText(int num_buckets, const std::vector<std::string>& bucket_by,
                           const std::vector<std::string>& sort_by) {
  if (num_buckets <= 0) return "not bucketed";
  auto list = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return "[" + out + "]";
  };
  return std::to_string(num_buckets) + " buckets, bucket columns: " + list(bucket_by) +
         (sort_by.empty() ? "" : ", sort columns: " + list(sort_by));
}

// An append through saveAsTable names the table's bucketing, or none for a table without.
Status CheckSameBuckets(const TableMetadata& table, const plan::TableSpec& spec) {
  auto same = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), SameName);
  };
  if (table.num_buckets == spec.num_buckets && same(table.bucket_columns, spec.bucket_by) &&
      same(table.sort_columns, spec.sort_by)) {
    return Status::OK();
  }
  return AnalysisError("_LEGACY_ERROR_TEMP_1164",
                       {{"tableName", std::string(catalog::kSessionCatalogName) + "." + table.database + "." + table.name},
                        {"existingBucketString", BucketSpecText(table.num_buckets, table.bucket_columns, table.sort_columns)},
                        {"specifiedBucketString", BucketSpecText(spec.num_buckets, spec.bucket_by, spec.sort_by)}});
}

}  // namespace

Status SaveAsTable(const std::vector<std::string>& name, const plan::PlanPtr& query, io::SaveMode mode,
                   plan::TableSpec spec, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto found, ctx.catalog->LookupTable(name));
  if (!found) return CreateTable(name, spec, query, /*replace=*/false, /*if_not_exists=*/false, ctx);
  switch (mode) {
    case io::SaveMode::kIgnore: return Status::OK();
    case io::SaveMode::kErrorIfExists: return TableAlreadyExists(IdOf(*found));
    case io::SaveMode::kOverwrite:
      if (spec.provider.empty()) spec.provider = found->provider;
      return CreateTable(name, spec, query, /*replace=*/true, /*if_not_exists=*/false, ctx);
    case io::SaveMode::kAppend: {
      // saveAsTable appends by column name (insertInto goes by position).
      ARROW_RETURN_NOT_OK(ExpectTable(*found, "saveAsTable"));
      ARROW_RETURN_NOT_OK(CheckSameBuckets(*found, spec));
      return InsertRows(name, SelectInOrder(query, *found->schema), /*overwrite=*/false, {}, {}, ctx);
    }
  }
  return Status::OK();
}

Status InsertInto(const std::vector<std::string>& name, const plan::PlanPtr& query, bool overwrite,
                  const CommandContext& ctx) {
  return InsertRows(name, query, overwrite, {}, {}, ctx);
}

}  // namespace sk8::commands
