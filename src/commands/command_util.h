#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <arrow/table.h>

#include "commands/commands.h"

/// What the command families share: building answer tables, Spark's errors
/// for missing and existing tables, and the families' entry points.
namespace sk8::commands {

using TablePtr = std::shared_ptr<arrow::Table>;

/// One value of an answer row: NULL, a string, a boolean or a list of strings.
using Cell = std::variant<std::monostate, std::string, bool, std::vector<std::string>>;

/// Rows of an answer, built into an Arrow table of string, boolean and
/// array<string> columns.
class ResultTable {
 public:
  explicit ResultTable(arrow::FieldVector fields) : fields_(std::move(fields)) {}
  void Add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  Result<TablePtr> Finish() const;

 private:
  arrow::FieldVector fields_;
  std::vector<std::vector<Cell>> rows_;
};

/// The answer of a command that returns no rows (and no columns).
Result<TablePtr> NoRows();
/// A one-row answer of one column named "value" (the catalog API's scalars).
Result<TablePtr> ValueRow(Cell value);

/// TABLE_OR_VIEW_NOT_FOUND for a name as written.
Status TableOrViewNotFound(const std::vector<std::string>& name);
/// "file:/abs/path", as Spark shows locations.
std::string LocationUri(const std::string& path);

/// The schema a query produces (analyzed in the command's session).
Result<std::shared_ptr<arrow::Schema>> QuerySchema(const plan::PlanPtr& query, const CommandContext& ctx);

/// Partition directories under a table's location ("k=1/j=a"), as on disk.
std::vector<std::string> DiscoverPartitions(const catalog::TableMetadata& table);

/// A cached relation's rows read again (after a write to its table).
Status RefreshCached(const std::vector<std::string>& name, const CommandContext& ctx);

/// The families, one file each.
Result<TablePtr> RunDatabaseCommand(const plan::CommandPlan& command, const CommandContext& ctx);
Result<TablePtr> RunTableCommand(const plan::CommandPlan& command, const CommandContext& ctx);
Result<TablePtr> RunDescribeCommand(const plan::CommandPlan& command, const CommandContext& ctx);
Result<TablePtr> RunFunctionCommand(const plan::CommandPlan& command, const CommandContext& ctx);
Result<TablePtr> RunCatalogApiCommand(const plan::CommandPlan& command, const CommandContext& ctx);

}  // namespace sk8::commands
