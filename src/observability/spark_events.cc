#include "observability/spark_events.h"

#include <nlohmann/json.hpp>

namespace sk8::observability::spark_events {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSqlEvent = "org.apache.spark.sql.execution.ui.";

std::string Line(const Json& event) {
  // Error messages may hold any bytes: invalid UTF-8 is replaced, never thrown.
  return event.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json Event(const std::string& name) {
  Json event = Json::object();
  event["Event"] = name;
  return event;
}

int64_t Millis(int64_t unix_nanos) { return unix_nanos / 1000000; }

/// When the query's execute step ran (the whole operation when it never got there).
std::pair<int64_t, int64_t> ExecuteWindow(const ExecutionRecord& record) {
  for (const auto& phase : record.profile.phases) {
    if (phase.name == "execute") return {phase.start_unix_nanos, phase.end_unix_nanos};
  }
  return {record.start_unix_nanos, record.end_unix_nanos};
}

std::string Shortened(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  return text.substr(0, limit) + "...";
}

int64_t CountNodes(const OperatorProfile& node) {
  int64_t n = 1;
  for (const auto& child : node.children) n += CountNodes(child);
  return n;
}

/// sparkPlanInfo of `node` (pre-order accumulator ids) and the rows of each
/// accumulator, for the driver's accumulator updates.
Json PlanInfo(const OperatorProfile& node, int64_t* next_accumulator, std::vector<std::pair<int64_t, int64_t>>* rows) {
  Json info = Json::object();
  info["nodeName"] = node.name;
  info["simpleString"] = node.details.empty() ? node.name : node.name + " " + node.details;
  const int64_t accumulator = (*next_accumulator)++;
  if (node.output_rows >= 0) rows->emplace_back(accumulator, node.output_rows);
  Json children = Json::array();
  for (const auto& child : node.children) children.push_back(PlanInfo(child, next_accumulator, rows));
  info["children"] = std::move(children);
  info["metadata"] = Json::object();
  info["metrics"] = Json::array({Json{{"name", "number of output rows"}, {"accumulatorId", accumulator},
                                      {"metricType", "sum"}}});
  return info;
}

Json StageInfo(const ExecutionRecord& record, const ExecutionIds& ids, int64_t submitted_ms) {
  Json stage = Json::object();
  stage["Stage ID"] = ids.stage;
  stage["Stage Attempt ID"] = 0;
  stage["Stage Name"] = Shortened(record.description, 100);
  stage["Number of Tasks"] = 1;
  stage["RDD Info"] = Json::array();
  stage["Parent IDs"] = Json::array();
  stage["Details"] = record.description;
  if (submitted_ms > 0) stage["Submission Time"] = submitted_ms;
  stage["Accumulables"] = Json::array();
  stage["Resource Profile Id"] = 0;
  stage["Shuffle Push Enabled"] = false;
  stage["Shuffle Push Mergers Count"] = 0;
  return stage;
}

Json TaskInfo(const ExecutionIds& ids, const Application& app, int64_t launch_ms, int64_t finish_ms, bool failed) {
  Json task = Json::object();
  task["Task ID"] = ids.task;
  task["Index"] = 0;
  task["Attempt"] = 0;
  task["Partition ID"] = 0;
  task["Launch Time"] = launch_ms;
  task["Executor ID"] = "driver";
  task["Host"] = app.host;
  task["Locality"] = "PROCESS_LOCAL";
  task["Speculative"] = false;
  task["Getting Result Time"] = 0;
  task["Finish Time"] = finish_ms;
  task["Failed"] = failed;
  task["Killed"] = false;
  task["Accumulables"] = Json::array();
  return task;
}

Json TaskMetrics(const ExecutionRecord& record, int64_t run_ms) {
  Json shuffle_read = {{"Remote Blocks Fetched", 0},    {"Local Blocks Fetched", 0},
                       {"Fetch Wait Time", 0},          {"Remote Bytes Read", 0},
                       {"Remote Bytes Read To Disk", 0}, {"Local Bytes Read", 0},
                       {"Total Records Read", 0},       {"Remote Requests Duration", 0}};
  Json metrics = Json::object();
  metrics["Executor Deserialize Time"] = 0;
  metrics["Executor Deserialize CPU Time"] = 0;
  metrics["Executor Run Time"] = run_ms;
  metrics["Executor CPU Time"] = record.cpu_nanos;
  metrics["Peak Execution Memory"] = record.peak_memory_bytes;
  metrics["Result Size"] = record.bytes_returned;
  metrics["JVM GC Time"] = 0;
  metrics["Result Serialization Time"] = 0;
  metrics["Memory Bytes Spilled"] = 0;
  metrics["Disk Bytes Spilled"] = 0;
  metrics["Shuffle Read Metrics"] = std::move(shuffle_read);
  metrics["Shuffle Write Metrics"] = {{"Shuffle Bytes Written", 0}, {"Shuffle Write Time", 0},
                                      {"Shuffle Records Written", 0}};
  metrics["Input Metrics"] = {{"Bytes Read", record.bytes_read}, {"Records Read", record.rows_read}};
  metrics["Output Metrics"] = {{"Bytes Written", 0}, {"Records Written", 0}};
  metrics["Updated Blocks"] = Json::array();
  return metrics;
}

}  // namespace

std::vector<std::string> ApplicationStartEvents(const Application& app) {
  std::vector<std::string> lines;
  Json log_start = Event("SparkListenerLogStart");
  log_start["Spark Version"] = SK8_SPARK_VERSION;
  lines.push_back(Line(log_start));

  Json profile = Event("SparkListenerResourceProfileAdded");
  profile["Resource Profile Id"] = 0;
  auto request = [](const char* name, int64_t amount) {
    return Json{{"Resource Name", name}, {"Amount", amount}, {"Discovery Script", ""}, {"Vendor", ""}};
  };
  profile["Executor Resource Requests"] = {{"cores", request("cores", app.cores)},
                                           {"memory", request("memory", app.memory_bytes >> 20)},
                                           {"offHeap", request("offHeap", 0)}};
  profile["Task Resource Requests"] = {{"cpus", {{"Resource Name", "cpus"}, {"Amount", 1.0}}}};
  lines.push_back(Line(profile));

  Json executor = Event("SparkListenerExecutorAdded");
  executor["Timestamp"] = app.start_unix_ms;
  executor["Executor ID"] = "driver";
  executor["Executor Info"] = {{"Host", app.host},         {"Total Cores", app.cores}, {"Log Urls", Json::object()},
                               {"Attributes", Json::object()}, {"Resources", Json::object()},
                               {"Resource Profile Id", 0}};
  lines.push_back(Line(executor));

  // The Executors tab reads the executor's memory from its block manager.
  Json block_manager = Event("SparkListenerBlockManagerAdded");
  block_manager["Block Manager ID"] = {{"Executor ID", "driver"}, {"Host", app.host}, {"Port", app.port > 0 ? app.port : 15002}};
  block_manager["Maximum Memory"] = app.memory_bytes;
  block_manager["Timestamp"] = app.start_unix_ms;
  block_manager["Maximum Onheap Memory"] = app.memory_bytes;
  block_manager["Maximum Offheap Memory"] = 0;
  lines.push_back(Line(block_manager));

  Json environment = Event("SparkListenerEnvironmentUpdate");
  environment["JVM Information"] = {{"Java Home", ""}, {"Java Version", "none (sk8 is native)"},
                                    {"Scala Version", "none"}};
  Json properties = Json::object();
  for (const auto& [key, value] : app.properties) properties[key] = value;
  environment["Spark Properties"] = std::move(properties);
  environment["Hadoop Properties"] = Json::object();
  environment["System Properties"] = {{"sk8.version", SK8_VERSION}};
  environment["Metrics Properties"] = Json::object();
  environment["Classpath Entries"] = Json::object();
  lines.push_back(Line(environment));

  Json start = Event("SparkListenerApplicationStart");
  start["App Name"] = app.name;
  start["App ID"] = app.id;
  start["Timestamp"] = app.start_unix_ms;
  start["User"] = app.user;
  lines.push_back(Line(start));
  return lines;
}

std::string ApplicationEnd(int64_t unix_ms) {
  Json end = Event("SparkListenerApplicationEnd");
  end["Timestamp"] = unix_ms;
  end["ExitCode"] = 0;
  return Line(end);
}

int64_t AccumulatorCount(const ExecutionRecord& record) {
  return record.profile.plan ? CountNodes(*record.profile.plan) : 0;
}

namespace {

/// What the start and the end of an execution share: its times and properties.
struct ExecutionFrame {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t launch_ms = 0;
  int64_t finish_ms = 0;
  Json properties;
};

ExecutionFrame Frame(const ExecutionRecord& record, const ExecutionIds& ids, const Application& app) {
  ExecutionFrame frame;
  frame.start_ms = Millis(record.start_unix_nanos);
  frame.end_ms = std::max(frame.start_ms, Millis(record.end_unix_nanos));
  auto [execute_start, execute_end] = ExecuteWindow(record);
  frame.launch_ms = std::max(frame.start_ms, Millis(execute_start));
  frame.finish_ms = std::min(frame.end_ms, std::max(frame.launch_ms, Millis(execute_end)));
  std::string tags_text;
  for (const auto& tag : record.tags) tags_text += (tags_text.empty() ? "" : ",") + tag;
  // The job links itself to the execution through its properties.
  frame.properties = {{"spark.sql.execution.id", std::to_string(ids.execution)},
                      {"spark.sql.execution.root.id", std::to_string(ids.execution)},
                      {"spark.job.description", record.description},
                      {"callSite.short", Shortened(record.description, 100)},
                      {"spark.job.tags", tags_text},
                      {"spark.app.id", app.id},
                      {"spark.app.name", app.name},
                      {"sk8.session.id", record.session_id},
                      {"sk8.operation.id", record.operation_id},
                      {"user", record.user}};
  return frame;
}

}  // namespace

std::vector<std::string> ExecutionStartEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                              const Application& app) {
  std::vector<std::string> lines;
  const ExecutionFrame frame = Frame(record, ids, app);
  // The SQL tab draws sparkPlanInfo; each operator's rows arrive at the end
  // as a driver accumulator update (sk8 has no executors to send them with
  // their tasks).
  int64_t next_accumulator = ids.first_accumulator;
  std::vector<std::pair<int64_t, int64_t>> rows;
  Json plan_info;
  if (record.profile.plan) {
    plan_info = PlanInfo(*record.profile.plan, &next_accumulator, &rows);
  } else {
    plan_info = {{"nodeName", "Execute"},       {"simpleString", "Execute " + Shortened(record.description, 200)},
                 {"children", Json::array()},   {"metadata", Json::object()},
                 {"metrics", Json::array()}};
  }

  Json sql_start = Event(std::string(kSqlEvent) + "SparkListenerSQLExecutionStart");
  sql_start["executionId"] = ids.execution;
  sql_start["rootExecutionId"] = ids.execution;
  sql_start["description"] = record.description;
  sql_start["details"] = "session " + record.session_id + ", operation " + record.operation_id + ", user " +
                         record.user;
  sql_start["physicalPlanDescription"] =
      "== Physical Plan ==\n" + (record.profile.plan_text.empty() ? "(none)\n" : record.profile.plan_text);
  sql_start["sparkPlanInfo"] = std::move(plan_info);
  sql_start["time"] = frame.start_ms;
  sql_start["modifiedConfigs"] = Json::object();
  sql_start["jobTags"] = record.tags;
  sql_start["jobGroupId"] = nullptr;
  lines.push_back(Line(sql_start));

  Json job_start = Event("SparkListenerJobStart");
  job_start["Job ID"] = ids.job;
  job_start["Submission Time"] = frame.launch_ms;
  job_start["Stage Infos"] = Json::array({StageInfo(record, ids, 0)});
  job_start["Stage IDs"] = Json::array({ids.stage});
  job_start["Properties"] = frame.properties;
  lines.push_back(Line(job_start));

  Json stage_submitted = Event("SparkListenerStageSubmitted");
  stage_submitted["Stage Info"] = StageInfo(record, ids, frame.launch_ms);
  stage_submitted["Properties"] = frame.properties;
  lines.push_back(Line(stage_submitted));

  Json task_start = Event("SparkListenerTaskStart");
  task_start["Stage ID"] = ids.stage;
  task_start["Stage Attempt ID"] = 0;
  task_start["Task Info"] = TaskInfo(ids, app, frame.launch_ms, 0, false);
  lines.push_back(Line(task_start));
  return lines;
}

std::vector<std::string> ExecutionEndEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                            const Application& app) {
  std::vector<std::string> lines;
  const ExecutionFrame frame = Frame(record, ids, app);
  const bool failed = !record.succeeded;
  int64_t next_accumulator = ids.first_accumulator;
  std::vector<std::pair<int64_t, int64_t>> rows;
  if (record.profile.plan) PlanInfo(*record.profile.plan, &next_accumulator, &rows);

  Json task_end = Event("SparkListenerTaskEnd");
  task_end["Stage ID"] = ids.stage;
  task_end["Stage Attempt ID"] = 0;
  task_end["Task Type"] = "ResultTask";
  if (failed) {
    task_end["Task End Reason"] = {{"Reason", "ExceptionFailure"},
                                   {"Class Name", record.error_type},
                                   {"Description", record.error_message},
                                   {"Stack Trace", Json::array()},
                                   {"Full Stack Trace", record.error_type + ": " + record.error_message},
                                   {"Accumulator Updates", Json::array()}};
  } else {
    task_end["Task End Reason"] = {{"Reason", "Success"}};
  }
  task_end["Task Info"] = TaskInfo(ids, app, frame.launch_ms, frame.finish_ms, failed);
  task_end["Task Metrics"] = TaskMetrics(record, frame.finish_ms - frame.launch_ms);
  lines.push_back(Line(task_end));

  Json stage_completed = Event("SparkListenerStageCompleted");
  Json stage = StageInfo(record, ids, frame.launch_ms);
  stage["Completion Time"] = frame.finish_ms;
  if (failed) stage["Failure Reason"] = record.error_message;
  stage_completed["Stage Info"] = std::move(stage);
  stage_completed["Properties"] = Json::object();
  lines.push_back(Line(stage_completed));

  Json job_end = Event("SparkListenerJobEnd");
  job_end["Job ID"] = ids.job;
  job_end["Completion Time"] = frame.finish_ms;
  if (failed) {
    job_end["Job Result"] = {{"Result", "JobFailed"},
                             {"Exception", {{"Message", record.error_message}, {"Stack Trace", Json::array()}}}};
  } else {
    job_end["Job Result"] = {{"Result", "JobSucceeded"}};
  }
  lines.push_back(Line(job_end));

  // Before SQLExecutionEnd: the History Server keeps them for running executions only.
  if (!rows.empty()) {
    Json updates = Event(std::string(kSqlEvent) + "SparkListenerDriverAccumUpdates");
    updates["executionId"] = ids.execution;
    Json pairs = Json::array();
    for (const auto& [id, value] : rows) pairs.push_back(Json::array({id, value}));
    updates["accumUpdates"] = std::move(pairs);
    lines.push_back(Line(updates));
  }

  Json sql_end = Event(std::string(kSqlEvent) + "SparkListenerSQLExecutionEnd");
  sql_end["executionId"] = ids.execution;
  sql_end["time"] = frame.end_ms;
  sql_end["errorMessage"] = failed ? record.error_message : "";
  lines.push_back(Line(sql_end));
  return lines;
}

std::vector<std::string> ExecutionEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                         const Application& app) {
  auto lines = ExecutionStartEvents(record, ids, app);
  for (auto& line : ExecutionEndEvents(record, ids, app)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace sk8::observability::spark_events
