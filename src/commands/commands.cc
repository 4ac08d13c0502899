#include <arrow/builder.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <mutex>

#include "commands/command_util.h"

namespace sk8::commands {

namespace fs = std::filesystem;
using plan::CommandKind;

Result<TablePtr> ResultTable::Finish() const {
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (size_t c = 0; c < fields_.size(); ++c) {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), fields_[c]->type(), &builder));
    for (const auto& row : rows_) {
      const Cell& cell = row[c];
      if (std::holds_alternative<std::monostate>(cell)) {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
      } else if (const auto* text = std::get_if<std::string>(&cell)) {
        ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder&>(*builder).Append(*text));
      } else if (const auto* flag = std::get_if<bool>(&cell)) {
        ARROW_RETURN_NOT_OK(static_cast<arrow::BooleanBuilder&>(*builder).Append(*flag));
      } else {
        auto& list = static_cast<arrow::ListBuilder&>(*builder);
        ARROW_RETURN_NOT_OK(list.Append());
        auto& values = static_cast<arrow::StringBuilder&>(*list.value_builder());
        for (const auto& v : std::get<std::vector<std::string>>(cell)) ARROW_RETURN_NOT_OK(values.Append(v));
      }
    }
    std::shared_ptr<arrow::Array> array;
    ARROW_RETURN_NOT_OK(builder->Finish(&array));
    columns.push_back(std::move(array));
  }
  return arrow::Table::Make(arrow::schema(fields_), columns, static_cast<int64_t>(rows_.size()));
}

Result<TablePtr> NoRows() { return ResultTable({}).Finish(); }

Result<TablePtr> ValueRow(Cell value) {
  auto type = std::holds_alternative<bool>(value) ? arrow::boolean() : arrow::utf8();
  ResultTable table({arrow::field("value", type, /*nullable=*/!std::holds_alternative<bool>(value))});
  table.Add({std::move(value)});
  return table.Finish();
}

Status TableOrViewNotFound(const std::vector<std::string>& name) {
  return AnalysisError("TABLE_OR_VIEW_NOT_FOUND", {{"relationName", QuoteNameParts(name)}});
}

std::string LocationUri(const std::string& path) { return "file:" + path; }

Result<std::shared_ptr<arrow::Schema>> QuerySchema(const plan::PlanPtr& query, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto resolved, engine::Analyze(query, ctx.query));
  return resolved->schema;
}

std::vector<std::string> DiscoverPartitions(const catalog::TableMetadata& table) {
  std::vector<std::string> found;
  std::function<void(const fs::path&, size_t, const std::string&)> walk = [&](const fs::path& dir, size_t level,
                                                                               const std::string& prefix) {
    if (level == table.partition_columns.size()) {
      found.push_back(prefix);
      return;
    }
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_directory(ec)) continue;
      std::string name = it->path().filename().string();
      size_t eq = name.find('=');
      if (eq == std::string::npos ||
          catalog::NormalizeName(name.substr(0, eq)) != catalog::NormalizeName(table.partition_columns[level])) {
        continue;
      }
      names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) walk(dir / name, level + 1, prefix.empty() ? name : prefix + "/" + name);
  };
  if (!table.partition_columns.empty()) walk(fs::path(table.location), 0, "");
  return found;
}

namespace {

// Runs a relation and keeps its rows as a local relation (what CACHE TABLE
// keeps; Spark's cache is in memory too).
Result<plan::PlanPtr> Materialize(const plan::PlanPtr& relation, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto optimized, engine::AnalyzeAndOptimize(relation, ctx.query, /*to_run=*/true));
  std::mutex mutex;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  ARROW_RETURN_NOT_OK(engine::Execute(*optimized, ctx.query, [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
    std::lock_guard<std::mutex> lock(mutex);
    batches.push_back(batch);
    return Status::OK();
  }));
  auto local = std::make_shared<plan::LocalRelationPlan>();
  ARROW_ASSIGN_OR_RAISE(local->data, arrow::Table::FromRecordBatches(optimized->schema, batches));
  return plan::PlanPtr(local);
}

Status CacheRelation(const std::vector<std::string>& name, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  const std::string key = names.CacheKey(name);
  names.Uncache(key);
  ARROW_ASSIGN_OR_RAISE(auto relation, names.LookupRelation(name));
  if (!relation) return TableOrViewNotFound(name);
  ARROW_ASSIGN_OR_RAISE(auto rows, Materialize(relation, ctx));
  names.Cache(key, name, std::move(rows));
  return Status::OK();
}

}  // namespace

Status RefreshCached(const std::vector<std::string>& name, const CommandContext& ctx) {
  if (!ctx.catalog->IsCached(ctx.catalog->CacheKey(name))) return Status::OK();
  return CacheRelation(name, ctx);
}

namespace {

// CACHE / UNCACHE / REFRESH TABLE, CLEAR CACHE and the catalog API's calls.
// A cached relation reads its kept rows until it is refreshed (REFRESH TABLE,
// refreshByPath, or a write to the table through sk8).
Result<TablePtr> RunCacheCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  switch (command.command) {
    case CommandKind::kClearCache:
      names.ClearCache();
      return NoRows();
    case CommandKind::kRefreshByPath:
      for (const auto& name : names.CachedNames()) ARROW_RETURN_NOT_OK(CacheRelation(name, ctx));
      return NoRows();
    default: break;
  }
  if (command.command == CommandKind::kCacheTable && command.query) {
    ARROW_RETURN_NOT_OK(QuerySchema(command.query, ctx).status());
    if (command.name.size() != 1) {
      return AnalysisError("TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS", {{"actualName", QuoteNameParts(command.name)}});
    }
    names.CreateTempView(command.name[0], command.query, /*replace=*/true);
  }
  ARROW_ASSIGN_OR_RAISE(auto relation, names.LookupRelation(command.name));
  if (!relation) {
    if (command.if_exists) return NoRows();
    return TableOrViewNotFound(command.name);
  }
  const std::string key = names.CacheKey(command.name);
  switch (command.command) {
    case CommandKind::kCacheTable: ARROW_RETURN_NOT_OK(CacheRelation(command.name, ctx)); return NoRows();
    case CommandKind::kUncacheTable: names.Uncache(key); return NoRows();
    case CommandKind::kIsCached: return ValueRow(names.IsCached(key));
    default: ARROW_RETURN_NOT_OK(RefreshCached(command.name, ctx)); return NoRows();  // REFRESH TABLE
  }
}

}  // namespace

Result<TablePtr> RunCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  if (ctx.catalog == nullptr) return InternalError("a command without a session catalog");
  switch (command.command) {
    case CommandKind::kCreateDatabase:
    case CommandKind::kDropDatabase:
    case CommandKind::kUse:
    case CommandKind::kShowDatabases:
    case CommandKind::kDescribeDatabase:
      return RunDatabaseCommand(command, ctx);
    case CommandKind::kCreateView:
    case CommandKind::kCreateTable:
    case CommandKind::kInsert:
    case CommandKind::kDropTable:
    case CommandKind::kDropView:
    case CommandKind::kAlterTableRename:
    case CommandKind::kAlterTableAddColumns:
    case CommandKind::kAlterTableSetProperties:
    case CommandKind::kTruncateTable:
    case CommandKind::kRecoverPartitions:
      return RunTableCommand(command, ctx);
    case CommandKind::kShowTables:
    case CommandKind::kShowViews:
    case CommandKind::kShowColumns:
    case CommandKind::kShowCreateTable:
    case CommandKind::kShowTblProperties:
    case CommandKind::kDescribeTable:
    case CommandKind::kDescribeQuery:
    case CommandKind::kExplain:
      return RunDescribeCommand(command, ctx);
    case CommandKind::kCacheTable:
    case CommandKind::kUncacheTable:
    case CommandKind::kRefreshTable:
    case CommandKind::kClearCache:
    case CommandKind::kIsCached:
    case CommandKind::kRefreshByPath:
      return RunCacheCommand(command, ctx);
    case CommandKind::kCreateFunction:
    case CommandKind::kDropFunction:
      return RunFunctionCommand(command, ctx);
    case CommandKind::kSet:
    case CommandKind::kReset:
      return InternalError("SET and RESET are run by the session");
    default:
      return RunCatalogApiCommand(command, ctx);
  }
}

Result<plan::PlanPtr> RunCommandsIn(const plan::PlanPtr& plan, const CommandContext& ctx) {
  if (!plan::IsCommand(plan)) return plan;
  const auto& command = plan->As<plan::CommandPlan>();
  ARROW_ASSIGN_OR_RAISE(auto answer, RunCommand(command, ctx));
  if (command.command == CommandKind::kCreateTable) {
    // spark.catalog.createTable returns the new table's DataFrame.
    auto table = std::make_shared<plan::NamedTablePlan>();
    table->name_parts = command.name;
    return plan::PlanPtr(table);
  }
  auto local = std::make_shared<plan::LocalRelationPlan>();
  local->data = std::move(answer);
  return plan::PlanPtr(local);
}

}  // namespace sk8::commands
