// CREATE / DROP DATABASE, USE, SHOW DATABASES, DESCRIBE DATABASE.
#include "catalog/name_pattern.h"
#include "commands/command_util.h"

namespace sk8::commands {

using plan::CommandKind;

namespace {

Result<TablePtr> ShowDatabases(const plan::CommandPlan& command, const CommandContext& ctx) {
  std::optional<catalog::NamePattern> pattern;
  if (command.pattern) {
    ARROW_ASSIGN_OR_RAISE(pattern, catalog::NamePattern::Compile(*command.pattern));
  }
  ResultTable answer({arrow::field("namespace", arrow::utf8(), false)});
  for (const auto& database : ctx.catalog->warehouse().ListDatabases()) {
    if (!pattern || pattern->Matches(database.name)) answer.Add({database.name});
  }
  return answer.Finish();
}

Result<TablePtr> DescribeDatabase(const plan::CommandPlan& command, const CommandContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto name, ctx.catalog->DatabaseName(command.name));
  ARROW_ASSIGN_OR_RAISE(auto database, ctx.catalog->warehouse().GetDatabase(name));
  ResultTable answer({arrow::field("info_name", arrow::utf8(), false), arrow::field("info_value", arrow::utf8(), false)});
  answer.Add({std::string("Catalog Name"), std::string(catalog::kSessionCatalogName)});
  answer.Add({std::string("Namespace Name"), database.name});
  answer.Add({std::string("Comment"), database.comment});
  answer.Add({std::string("Location"), LocationUri(database.location)});
  if (command.extended) {
    std::string properties;
    for (const auto& [k, v] : database.properties) properties += (properties.empty() ? "(" : ",(") + k + "," + v + ")";
    answer.Add({std::string("Properties"), properties.empty() ? std::string() : "(" + properties + ")"});
  }
  return answer.Finish();
}

}  // namespace

Result<TablePtr> RunDatabaseCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  switch (command.command) {
    case CommandKind::kCreateDatabase: {
      ARROW_ASSIGN_OR_RAISE(auto name, names.DatabaseName(command.name));
      catalog::DatabaseMetadata database;
      database.name = name;
      database.comment = command.comment.value_or("");
      database.location = command.location;
      for (const auto& [k, v] : command.properties) database.properties[k] = v;
      std::lock_guard<std::mutex> lock(names.warehouse().mutex());
      ARROW_RETURN_NOT_OK(names.warehouse().CreateDatabase(std::move(database), command.if_not_exists));
      return NoRows();
    }
    case CommandKind::kDropDatabase: {
      ARROW_ASSIGN_OR_RAISE(auto name, names.DatabaseName(command.name));
      if (name == catalog::kDefaultDatabase) {
        return AnalysisError("UNSUPPORTED_FEATURE.DROP_DATABASE", {{"database", QuoteIdentifier(name)}});
      }
      std::lock_guard<std::mutex> lock(names.warehouse().mutex());
      if (!names.warehouse().DatabaseExists(name) && command.if_exists) return NoRows();
      ARROW_RETURN_NOT_OK(names.warehouse().DropDatabase(name, command.cascade));
      return NoRows();
    }
    case CommandKind::kUse:
      ARROW_RETURN_NOT_OK(names.SetCurrentDatabase(command.name));
      return NoRows();
    case CommandKind::kShowDatabases: return ShowDatabases(command, ctx);
    case CommandKind::kDescribeDatabase: return DescribeDatabase(command, ctx);
    default: return InternalError("not a database command");
  }
}

}  // namespace sk8::commands
