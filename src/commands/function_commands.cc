// CREATE [OR REPLACE] [TEMPORARY] FUNCTION name AS 'class' and DROP
// [TEMPORARY] FUNCTION. A persistent function is kept in the catalog beside the
// tables, as Spark's metastore keeps one without loading its class. A temporary
// function is registered by loading its class at once; sk8 runs no JVM, so it
// answers as Spark does for a class that is not on the classpath.
#include <chrono>

#include "commands/command_util.h"
#include "functions/spark_function_docs.h"
#include "sql/token.h"

namespace sk8::commands {

using plan::CommandKind;

namespace {

// A name of Spark's built-in functions (whether or not sk8 runs it).
bool IsBuiltin(const std::string& name) { return functions::FindSparkFunctionDoc(sql::ToLowerAscii(name)) != nullptr; }

std::string SearchPath(const CommandContext& ctx) {
  return "[`system`.`builtin`, `system`.`session`, " +
         QuoteNameParts({catalog::kSessionCatalogName, ctx.catalog->current_database()}) + "]";
}

Status CreateTemporaryFunction(const plan::CommandPlan& command) {
  const std::string& name = command.name.back();
  if (!command.replace && IsBuiltin(name)) {
    return AnalysisError("ROUTINE_ALREADY_EXISTS", {{"routineName", QuoteIdentifier(name)},
                                                    {"newRoutineType", "routine"},
                                                    {"existingRoutineType", "routine"}});
  }
  return AnalysisError("CANNOT_LOAD_FUNCTION_CLASS",
                       {{"className", command.class_name}, {"functionName", QuoteIdentifier(name)}});
}

Status CreatePersistentFunction(const plan::CommandPlan& command, const CommandContext& ctx) {
  auto& names = *ctx.catalog;
  ARROW_ASSIGN_OR_RAISE(auto id, names.Qualify(command.name));
  ARROW_RETURN_NOT_OK(names.warehouse().GetDatabase(id.database).status());  // SCHEMA_NOT_FOUND
  std::lock_guard<std::mutex> lock(names.warehouse().mutex());
  ARROW_ASSIGN_OR_RAISE(auto existing, names.warehouse().FindFunction(id.database, id.name));
  if (existing && command.if_not_exists) return Status::OK();
  if (existing && !command.replace) {
    return AnalysisError("ROUTINE_ALREADY_EXISTS", {{"routineName", QuoteNameParts({id.database, id.name})},
                                                    {"newRoutineType", "routine"},
                                                    {"existingRoutineType", "routine"}});
  }
  catalog::FunctionMetadata function;
  function.database = id.database;
  function.name = id.name;
  function.class_name = command.class_name;
  function.resources = command.resources;
  function.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return names.warehouse().SaveFunction(function);
}

Status DropTemporaryFunction(const plan::CommandPlan& command) {
  const std::string& name = command.name.back();
  if (IsBuiltin(name)) return AnalysisError("_LEGACY_ERROR_TEMP_1255", {{"functionName", name}});
  // No temporary function can be registered (see CreateTemporaryFunction).
  if (command.if_exists) return Status::OK();
  return AnalysisError("ROUTINE_NOT_FOUND", {{"routineName", QuoteIdentifier(name)}});
}

Status DropPersistentFunction(const plan::CommandPlan& command, const CommandContext& ctx) {
  if (command.name.size() == 1 && IsBuiltin(command.name[0])) {
    return AnalysisError("_LEGACY_ERROR_TEMP_1017",
                         {{"name", command.name[0]},
                          {"cmd", "DROP FUNCTION"},
                          {"hintStr", " Please use fully qualified identifier to drop the persistent function."}});
  }
  auto& names = *ctx.catalog;
  std::lock_guard<std::mutex> lock(names.warehouse().mutex());
  ARROW_ASSIGN_OR_RAISE(auto function, names.LookupFunction(command.name));
  if (!function) {
    if (command.if_exists) return Status::OK();
    return AnalysisError("UNRESOLVED_ROUTINE",
                         {{"routineName", QuoteNameParts(command.name)}, {"searchPath", SearchPath(ctx)}});
  }
  return names.warehouse().DropFunction(function->database, function->name);
}

}  // namespace

Result<TablePtr> RunFunctionCommand(const plan::CommandPlan& command, const CommandContext& ctx) {
  if (command.command == CommandKind::kCreateFunction) {
    ARROW_RETURN_NOT_OK(command.temporary ? CreateTemporaryFunction(command) : CreatePersistentFunction(command, ctx));
  } else {
    ARROW_RETURN_NOT_OK(command.temporary ? DropTemporaryFunction(command) : DropPersistentFunction(command, ctx));
  }
  return NoRows();
}

}  // namespace sk8::commands
