#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/table.h>

#include "catalog/session_catalog.h"
#include "engine/engine.h"
#include "io/file_writer.h"
#include "plan/command.h"

/// Running commands (plan/command.h): the catalog's DDL, INSERT, SHOW and
/// DESCRIBE, and the Spark Connect catalog API. A command runs once, when it
/// is submitted, against the session's catalog; the queries it contains (AS
/// SELECT, INSERT's rows) run through the engine facade, and its answer is a
/// table with Spark's output columns (no columns for most DDL).
namespace sk8::commands {

struct CommandContext {
  catalog::SessionCatalog* catalog = nullptr;
  /// For the queries a command runs; its catalog is the same one.
  engine::QueryContext query;
};

Result<std::shared_ptr<arrow::Table>> RunCommand(const plan::CommandPlan& command, const CommandContext& ctx);

/// A plan whose root is a command runs it and becomes its answer (a local
/// relation), as Spark Connect runs a catalog call when it plans it.
Result<plan::PlanPtr> RunCommandsIn(const plan::PlanPtr& plan, const CommandContext& ctx);

/// df.write.saveAsTable(name): creates the table from the query's rows, or
/// by `mode` appends to, replaces or leaves an existing one.
Status SaveAsTable(const std::vector<std::string>& name, const plan::PlanPtr& query, io::SaveMode mode,
                   plan::TableSpec spec, const CommandContext& ctx);
/// df.write.insertInto(name, overwrite): the query's columns by position.
Status InsertInto(const std::vector<std::string>& name, const plan::PlanPtr& query, bool overwrite,
                  const CommandContext& ctx);

}  // namespace sk8::commands
