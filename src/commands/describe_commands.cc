// SHOW TABLES / VIEWS / COLUMNS / CREATE TABLE / TBLPROPERTIES and
// DESCRIBE TABLE / QUERY, with Spark's output columns.
#include <ctime>

#include "catalog/name_pattern.h"
#include "commands/command_util.h"
#include "engine/engine.h"
#include "types/spark_types.h"

namespace sk8::commands {

using catalog::NormalizeName;
using catalog::TableMetadata;
using catalog::TableType;
using plan::CommandKind;

namespace {

arrow::FieldVector DescribeFields() {
  return {arrow::field("col_name", arrow::utf8(), false), arrow::field("data_type", arrow::utf8(), false),
          arrow::field("comment", arrow::utf8(), true)};
}

void AddColumns(const arrow::Schema& schema, ResultTable* answer) {
  for (const auto& f : schema.fields()) answer->Add({f->name(), types::SimpleString(*f->type()), std::monostate()});
}

// The database SHOW TABLES / VIEWS lists: IN db, else the current one.
Result<std::string> ListedDatabase(const plan::CommandPlan& command, const CommandContext& ctx) {
  if (command.database.empty()) return ctx.catalog->current_database();
  return ctx.catalog->DatabaseName(command.database);
}

// SHOW TABLES / SHOW VIEWS: the database's tables (or views), then the
// global temporary views when the database is global_temp, then the
// session's temporary views.
Result<TablePtr> ShowTables(const plan::CommandPlan& command, const CommandContext& ctx) {
  const bool views_only = command.command == CommandKind::kShowViews;
  auto& names = *ctx.catalog;
  ARROW_ASSIGN_OR_RAISE(auto database, ListedDatabase(command, ctx));
  std::optional<catalog::NamePattern> pattern;
  if (command.pattern) {
    ARROW_ASSIGN_OR_RAISE(pattern, catalog::NamePattern::Compile(*command.pattern));
  }
  auto matches = [&](const std::string& name) { return !pattern || pattern->Matches(name); };
  ResultTable answer({arrow::field("namespace", arrow::utf8(), false),
                      arrow::field(views_only ? "viewName" : "tableName", arrow::utf8(), false),
                      arrow::field("isTemporary", arrow::boolean(), false)});
  if (database == catalog::kGlobalTempDatabase) {
    for (const auto& name : names.global_temp_views().Names()) {
      if (matches(name)) answer.Add({database, name, true});
    }
  } else {
    ARROW_ASSIGN_OR_RAISE(auto table_names, names.warehouse().ListTables(database));
    for (const auto& name : table_names) {
      if (!matches(name)) continue;
      if (views_only) {
        ARROW_ASSIGN_OR_RAISE(auto table, names.warehouse().FindTable(database, name));
        if (!table || table->type != TableType::kView) continue;
      }
      answer.Add({database, name, false});
    }
  }
  for (const auto& name : names.TempViewNames()) {
    if (matches(name)) answer.Add({std::string(), name, true});
  }
  return answer.Finish();
}

// The columns of a relation: a table's from its metadata, a view's from its query.
Result<std::shared_ptr<arrow::Schema>> RelationSchema(const std::vector<std::string>& name, const CommandContext& ctx,
                                                      std::optional<TableMetadata>* table) {
  if (!ctx.catalog->IsTemporaryView(name)) {
    ARROW_ASSIGN_OR_RAISE(*table, ctx.catalog->LookupTable(name));
    if (*table) return (*table)->schema;
  }
  ARROW_ASSIGN_OR_RAISE(auto relation, ctx.catalog->LookupRelation(name));
  if (!relation) return TableOrViewNotFound(name);
  return QuerySchema(relation, ctx);
}

std::string FormatTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buffer;
}

Result<TablePtr> DescribeTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  std::optional<TableMetadata> table;
  ARROW_ASSIGN_OR_RAISE(auto schema, RelationSchema(command.name, ctx, &table));
  if (command.key) {  // DESCRIBE t column
    for (const auto& f : schema->fields()) {
      if (NormalizeName(f->name()) != NormalizeName(*command.key)) continue;
      ResultTable column({arrow::field("info_name", arrow::utf8(), false),
                          arrow::field("info_value", arrow::utf8(), false)});
      column.Add({std::string("col_name"), *command.key});
      column.Add({std::string("data_type"), types::SimpleString(*f->type())});
      column.Add({std::string("comment"), std::string("NULL")});  // sk8 keeps no column comments
      return column.Finish();
    }
    return AnalysisError("COLUMN_NOT_FOUND", {{"colName", QuoteIdentifier(*command.key)},
                                              {"caseSensitiveConfig", "\"spark.sql.caseSensitive\""}});
  }
  ResultTable answer(DescribeFields());
  if (!table) {
    AddColumns(*schema, &answer);
    return answer.Finish();
  }
  AddColumns(*table->schema, &answer);
  if (!table->partition_columns.empty()) {
    answer.Add({std::string("# Partition Information"), std::string(), std::string()});
    answer.Add({std::string("# col_name"), std::string("data_type"), std::string("comment")});
    AddColumns(*table->PartitionSchema(), &answer);
  }
  if (!command.extended) return answer.Finish();
  auto row = [&](const std::string& name, const std::string& value) { answer.Add({name, value, std::string()}); };
  answer.Add({std::string(), std::string(), std::string()});
  answer.Add({std::string("# Detailed Table Information"), std::string(), std::string()});
  row("Catalog", catalog::kSessionCatalogName);
  row("Database", table->database);
  row("Table", table->name);
  row("Created Time", FormatTime(table->created_ms));
  row("Last Access", "UNKNOWN");
  row("Type", catalog::TableTypeName(table->type));
  if (table->type == TableType::kView) {
    row("View Text", table->view_text);
  } else {
    row("Provider", table->provider);
  }
  if (table->num_buckets > 0) {
    auto quoted = [](const std::vector<std::string>& names) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + QuoteIdentifier(n);
      return "[" + list + "]";
    };
    row("Num Buckets", std::to_string(table->num_buckets));
    row("Bucket Columns", quoted(table->bucket_columns));
    row("Sort Columns", quoted(table->sort_columns));
  }
  if (table->comment) row("Comment", *table->comment);
  if (!table->properties.empty()) {
    std::string properties;
    for (const auto& [k, v] : table->properties) properties += (properties.empty() ? "" : ", ") + k + "=" + v;
    row("Table Properties", "[" + properties + "]");
  }
  if (table->type != TableType::kView) row("Location", LocationUri(table->location));
  if (!table->partition_columns.empty()) row("Partition Provider", "Catalog");
  return answer.Finish();
}

// Spark's SHOW CREATE TABLE text of a data source table or a view.
Result<TablePtr> ShowCreateTable(const plan::CommandPlan& command, const CommandContext& ctx) {
  if (ctx.catalog->IsTemporaryView(command.name)) {
    return AnalysisError("EXPECT_PERMANENT_VIEW_NOT_TEMP", {{"viewName", QuoteNameParts(command.name)},
                                                            {"operation", "SHOW CREATE TABLE"}});
  }
  ARROW_ASSIGN_OR_RAISE(auto found, ctx.catalog->LookupTable(command.name));
  if (!found) return TableOrViewNotFound(command.name);
  const TableMetadata& table = *found;
  auto properties = [&](const std::map<std::string, std::string>& map) {
    std::string out;
    for (const auto& [k, v] : map) out += (out.empty() ? "(\n  '" : ",\n  '") + k + "' = '" + v + "'";
    return out + ")\n";
  };
  std::string text = std::string(table.type == TableType::kView ? "CREATE VIEW " : "CREATE TABLE ") +
                     catalog::kSessionCatalogName + "." + table.database + "." + table.name + " (\n  ";
  const auto& columns = table.schema;
  for (int i = 0; i < columns->num_fields(); ++i) {
    const auto& f = columns->field(i);
    if (i > 0) text += ",\n  ";
    text += f->name();
    if (table.type != TableType::kView) {
      text += " " + types::SqlString(*f->type());
      if (!f->nullable()) text += " NOT NULL";
    }
  }
  text += ")\n";
  if (table.type == TableType::kView) {
    if (table.comment) text += "COMMENT '" + *table.comment + "'\n";
    if (!table.properties.empty()) text += "TBLPROPERTIES " + properties(table.properties);
    text += "AS " + table.view_text + "\n";
  } else {
    text += "USING " + table.provider + "\n";
    if (!table.options.empty()) text += "OPTIONS " + properties(table.options);
    if (!table.partition_columns.empty()) {
      std::string list;
      for (const auto& p : table.partition_columns) list += (list.empty() ? "" : ", ") + p;
      text += "PARTITIONED BY (" + list + ")\n";
    }
    if (table.num_buckets > 0) {
      auto list = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
      };
      text += "CLUSTERED BY (" + list(table.bucket_columns) + ")\n";
      if (!table.sort_columns.empty()) text += "SORTED BY (" + list(table.sort_columns) + ")\n";
      text += "INTO " + std::to_string(table.num_buckets) + " BUCKETS\n";
    }
    if (table.type == TableType::kExternal) text += "LOCATION '" + LocationUri(table.location) + "'\n";
    if (table.comment) text += "COMMENT '" + *table.comment + "'\n";
    if (!table.properties.empty()) text += "TBLPROPERTIES " + properties(table.properties);
  }
  ResultTable answer({arrow::field("createtab_stmt", arrow::utf8(), false)});
  answer.Add({text});
  return answer.Finish();
}

Result<TablePtr> ShowTblProperties(const plan::CommandPlan& command, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto found, ctx.catalog->LookupTable(command.name));
  if (!found) return TableOrViewNotFound(command.name);
  ResultTable answer({arrow::field("key", arrow::utf8(), false), arrow::field("value", arrow::utf8(), false)});
  if (command.key) {
    auto it = found->properties.find(*command.key);
    std::string quoted = catalog::TableIdentifier{found->database, found->name}.Quoted();
    answer.Add({*command.key, it != found->properties.end()
                                  ? it->second
                                  : "Table " + quoted + " does not have property: " + *command.key});
  } else {
    for (const auto& [k, v] : found->properties) answer.Add({k, v});
  }
  return answer.Finish();
}

// EXPLAIN [EXTENDED | FORMATTED | COST | CODEGEN] query: one row with the
// plan text, as df.explain(mode) prints it. A query that fails to plan gives
// Spark's "Error occurred during query planning" rows, not an error.
Result<std::shared_ptr<arrow::Table>> ExplainQuery(const plan::CommandPlan& command, const CommandContext& ctx) {
  ResultTable answer({arrow::field("plan", arrow::utf8())});
  auto mode = engine::ExplainMode::kSimple;
  if (command.explain_mode == "EXTENDED") mode = engine::ExplainMode::kExtended;
  if (command.explain_mode == "FORMATTED") mode = engine::ExplainMode::kFormatted;
  if (command.explain_mode == "COST") mode = engine::ExplainMode::kCost;
  if (command.explain_mode == "CODEGEN") mode = engine::ExplainMode::kCodegen;
  auto text = [&]() -> Result<std::string> {
    plan::ResolvedPtr analyzed;
    if (mode == engine::ExplainMode::kExtended) {
      ARROW_ASSIGN_OR_RAISE(analyzed, engine::Analyze(command.query, ctx.query));
    }
    // Planned as for running it: a constant that fails (1/0) fails planning, as in Spark.
    ARROW_ASSIGN_OR_RAISE(auto optimized, engine::AnalyzeAndOptimize(command.query, ctx.query, /*to_run=*/true));
    ARROW_ASSIGN_OR_RAISE(auto text, engine::Explain(*optimized, mode, analyzed.get()));
    // Spark's text ends with an empty line (but for the extended mode's).
    if (mode != engine::ExplainMode::kExtended && !text.empty() && text.back() == '\n' && (text.size() < 2 || text[text.size() - 2] != '\n')) text += '\n';
    return text;
  }();
  if (text.ok()) {
    answer.Add({*text});
    return answer.Finish();
  }
  if (!GetSparkError(text.status())) return text.status();  // not a planning error of the query
  answer.Add({std::string("Error occurred during query planning: ")});
  std::string message = text.status().message();
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    answer.Add({message.substr(start, end - start)});
    start = end + 1;
  }
  return answer.Finish();
}

}  // namespace

Result<TablePtr> RunDescribeCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  switch (command.command) {
    case CommandKind::kShowTables:
    case CommandKind::kShowViews: return ShowTables(command, ctx);
    case CommandKind::kShowColumns: {
      std::vector<std::string> name = command.name;
      if (!command.database.empty()) name.insert(name.begin(), command.database.begin(), command.database.end());
      std::optional<TableMetadata> table;
      ARROW_ASSIGN_OR_RAISE(auto schema, RelationSchema(name, ctx, &table));
      ResultTable answer({arrow::field("col_name", arrow::utf8(), false)});
      for (const auto& f : schema->fields()) answer.Add({f->name()});
      return answer.Finish();
    }
    case CommandKind::kShowCreateTable: return ShowCreateTable(command, ctx);
    case CommandKind::kShowTblProperties: return ShowTblProperties(command, ctx);
    case CommandKind::kDescribeTable: return DescribeTable(command, ctx);
    case CommandKind::kDescribeQuery: {
      ARROW_ASSIGN_OR_RAISE(auto schema, QuerySchema(command.query, ctx));
      ResultTable answer(DescribeFields());
      AddColumns(*schema, &answer);
      return answer.Finish();
    }
    case CommandKind::kExplain: return ExplainQuery(command, ctx);
    default: return InternalError("not a SHOW or DESCRIBE command");
  }
}

}  // namespace sk8::commands
