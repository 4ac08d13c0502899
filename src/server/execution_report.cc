#include "server/execution_report.h"

#include "server/error_mapping.h"
#include "server/plan_execution.h"

namespace sk8::server {

namespace proto = spark::connect;

namespace {

std::string FieldName(const google::protobuf::Message& message, int number) {
  const auto* field = message.GetDescriptor()->FindFieldByNumber(number);
  return field != nullptr ? field->name() : std::to_string(number);
}

/// The SQL text when there is one, else what kind of operation it was.
std::string Describe(const proto::Plan& raw) {
  proto::Plan plan;
  if (!DecodePlan(raw, &plan).ok()) return "ExecutePlan";
  if (plan.has_root()) {
    const auto& root = plan.root();
    if (root.has_sql()) return root.sql().query();
    return "DataFrame " + FieldName(root, root.rel_type_case());
  }
  const auto& command = plan.command();
  if (command.has_sql_command()) {
    proto::Relation relation = SqlCommandRelation(command.sql_command());
    if (relation.has_sql()) return relation.sql().query();
  }
  if (command.has_write_operation()) {
    const auto& write = command.write_operation();
    if (write.has_path()) return "write " + write.source() + " " + write.path();
    if (write.has_table()) return "write table " + write.table().table_name();
  }
  return "command " + FieldName(command, command.command_type_case());
}

}  // namespace

namespace {

observability::ExecutionRecord BaseRecord(Session& session, Operation& op, const proto::Plan& plan,
                                          int64_t start_unix_nanos) {
  observability::ExecutionRecord record;
  record.operation_id = op.operation_id();
  record.session_id = session.session_id();
  record.user = session.user_id();
  record.description = Describe(plan);
  record.tags = op.tags();
  record.start_unix_nanos = start_unix_nanos;
  // Until it ends: now (the start events take the job's submission from it).
  record.end_unix_nanos = observability::UnixNanosNow();
  return record;
}

}  // namespace

void ReportStarts(const QueryObservers& observers, Session& session, Operation& op, const proto::Plan& plan,
                  int64_t start_unix_nanos) {
  if (observers.event_log == nullptr) return;
  // Runs on the operation's thread while `session`, `op` and `plan` are alive.
  op.profile().on_plan_start = [log = observers.event_log, &session, &op, &plan, start_unix_nanos] {
    observability::ExecutionRecord record = BaseRecord(session, op, plan, start_unix_nanos);
    record.profile.plan = op.profile().plan;
    record.profile.plan_text = op.profile().plan_text;
    log->Started(record);
  };
}

void ReportExecution(const QueryObservers& observers, Session& session, Operation& op, const proto::Plan& plan,
                     const Status& status, int64_t start_unix_nanos) {
  op.profile().on_plan_start = nullptr;
  if (!observers.any() || (status.ok() && !op.profile().executed)) return;
  observability::ExecutionRecord record = BaseRecord(session, op, plan, start_unix_nanos);
  record.succeeded = status.ok();
  if (!status.ok()) {
    const Status spark_status = WithSparkDetails(status);
    const SparkErrorDetail* detail = GetSparkError(spark_status);
    record.error_class = detail->error_class();
    record.error_type = detail->JvmClassHierarchy().front();
    record.error_message = spark_status.message();
  }
  record.profile = op.profile();
  const auto& counters = op.counters();
  record.rows_read = counters.rows_read.load();
  record.bytes_read = counters.bytes_read.load();
  record.rows_returned = counters.rows_returned.load();
  record.bytes_returned = counters.bytes_returned.load();
  record.cpu_nanos = counters.cpu_nanos.load();
  record.peak_memory_bytes = op.peak_memory_bytes();
  if (observers.event_log != nullptr) observers.event_log->Record(record);
  if (observers.tracer != nullptr) observers.tracer->Record(record);
}

}  // namespace sk8::server
