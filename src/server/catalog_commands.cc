#include "server/catalog_commands.h"

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>

#include "commands/command_util.h"
#include "connect/plan_converter.h"
#include "server/plan_execution.h"

namespace sk8::server {

namespace proto = spark::connect;
using plan::CommandKind;

namespace {

// SET [key [= value]] / SET -v / RESET [key]: Spark's SetCommand and ResetCommand.
Result<std::shared_ptr<arrow::Table>> RunSettingsCommand(Session& session, const plan::CommandPlan& command) {
  auto& conf = session.conf();
  if (command.command == CommandKind::kReset) {
    if (command.key) {
      conf.Unset(*command.key);
    } else {
      for (const auto& [key, value] : conf.GetAll("spark.sql.")) {
        if (conf.IsModifiable(key)) conf.Unset(key);
      }
    }
    return commands::NoRows();
  }
  arrow::FieldVector fields = {arrow::field("key", arrow::utf8(), false), arrow::field("value", arrow::utf8(), false)};
  if (command.extended) {
    fields.push_back(arrow::field("meaning", arrow::utf8(), false));
    fields.push_back(arrow::field("Since version", arrow::utf8(), false));
    commands::ResultTable answer(fields);
    for (const auto& entry : ConfDefaults()) {
      auto value = conf.GetOption(entry.key);
      answer.Add({std::string(entry.key), value.value_or("<undefined>"), std::string(entry.doc), std::string()});
    }
    return answer.Finish();
  }
  commands::ResultTable answer(fields);
  if (!command.key) {
    for (const auto& [key, value] : conf.GetAll("")) answer.Add({key, value});
  } else if (command.value) {
    ARROW_RETURN_NOT_OK(conf.Set(*command.key, *command.value));
    answer.Add({*command.key, *command.value});
  } else {
    answer.Add({*command.key, conf.GetOption(*command.key).value_or("<undefined>")});
  }
  return answer.Finish();
}

}  // namespace

commands::CommandContext CommandContextFor(Session& session, const std::atomic<bool>* cancelled) {
  commands::CommandContext ctx;
  ctx.catalog = &session.catalog();
  ctx.query = QueryContextFor(session, cancelled);
  ctx.query.memory = session.QueryMemory();
  return ctx;
}

Result<std::shared_ptr<arrow::Table>> RunSessionCommand(Session& session, const plan::CommandPlan& command) {
  if (command.command == CommandKind::kSet || command.command == CommandKind::kReset) {
    return RunSettingsCommand(session, command);
  }
  return commands::RunCommand(command, CommandContextFor(session, nullptr));
}

Result<plan::PlanPtr> RunRootCommand(Session& session, const plan::PlanPtr& plan) {
  if (!plan::IsCommand(plan)) return plan;
  const auto& command = plan->As<plan::CommandPlan>();
  if (command.command == CommandKind::kSet || command.command == CommandKind::kReset) {
    auto local = std::make_shared<plan::LocalRelationPlan>();
    ARROW_ASSIGN_OR_RAISE(local->data, RunSettingsCommand(session, command));
    return plan::PlanPtr(local);
  }
  return commands::RunCommandsIn(plan, CommandContextFor(session, nullptr));
}

Status RunTableWrite(Session& session, const std::atomic<bool>* cancelled, const proto::WriteOperation& write) {
  ARROW_ASSIGN_OR_RAISE(auto name, connect::ParseIdentifier(write.table().table_name()));
  ARROW_ASSIGN_OR_RAISE(auto query, connect::ConvertRelation(write.input(), ConvertContextFor(session)));
  auto ctx = CommandContextFor(session, cancelled);
  const bool insert = write.table().save_method() == proto::WriteOperation::SaveTable::TABLE_SAVE_METHOD_INSERT_INTO;
  if (insert) {
    if (write.has_bucket_by()) return AnalysisError("_LEGACY_ERROR_TEMP_1312", {{"operation", "insertInto"}});
    if (!write.partitioning_columns().empty()) return Unsupported("insertInto with partitionBy");
    return commands::InsertInto(name, query, write.mode() == proto::WriteOperation::SAVE_MODE_OVERWRITE, ctx);
  }
  io::SaveMode mode = io::SaveMode::kErrorIfExists;
  switch (write.mode()) {
    case proto::WriteOperation::SAVE_MODE_APPEND: mode = io::SaveMode::kAppend; break;
    case proto::WriteOperation::SAVE_MODE_OVERWRITE: mode = io::SaveMode::kOverwrite; break;
    case proto::WriteOperation::SAVE_MODE_IGNORE: mode = io::SaveMode::kIgnore; break;
    default: break;
  }
  plan::TableSpec spec;
  if (write.has_source()) spec.provider = write.source();
  spec.partition_by.assign(write.partitioning_columns().begin(), write.partitioning_columns().end());
  for (const auto& [k, v] : write.options()) spec.options.emplace_back(k, v);
  if (write.has_bucket_by()) {
    spec.num_buckets = write.bucket_by().num_buckets();
    spec.bucket_by.assign(write.bucket_by().bucket_column_names().begin(), write.bucket_by().bucket_column_names().end());
    spec.sort_by.assign(write.sort_column_names().begin(), write.sort_column_names().end());
  }
  return commands::SaveAsTable(name, query, mode, std::move(spec), ctx);
}

Result<std::string> ArrowIpcStream(const arrow::Table& table) {
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, table.schema()));
  ARROW_RETURN_NOT_OK(writer->WriteTable(table));
  ARROW_RETURN_NOT_OK(writer->Close());
  ARROW_ASSIGN_OR_RAISE(auto buffer, sink->Finish());
  return buffer->ToString();
}

}  // namespace sk8::server
