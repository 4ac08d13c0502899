#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <arrow/table.h>

#include "commands/commands.h"
#include "server/session.h"
#include "spark/connect/commands.pb.h"

/// The server's side of commands (commands/commands.h): the session they run
/// in, SET / RESET over the session's configuration, df.write's saveAsTable /
/// insertInto, and a command's answer as the Arrow data of a local relation.
namespace sk8::server {

commands::CommandContext CommandContextFor(Session& session, const std::atomic<bool>* cancelled);

/// Runs the command at the root of `plan` (a SQL statement or a catalog
/// call) and returns the plan of its answer; any other plan is returned as is.
Result<plan::PlanPtr> RunRootCommand(Session& session, const plan::PlanPtr& plan);

/// Runs a command and returns its answer.
Result<std::shared_ptr<arrow::Table>> RunSessionCommand(Session& session, const plan::CommandPlan& command);

/// df.write.saveAsTable(name) / insertInto(name).
Status RunTableWrite(Session& session, const std::atomic<bool>* cancelled,
                     const spark::connect::WriteOperation& write);

/// A table as an Arrow IPC stream (LocalRelation.data).
Result<std::string> ArrowIpcStream(const arrow::Table& table);

}  // namespace sk8::server
