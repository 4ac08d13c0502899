#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "observability/execution_record.h"

/// Spark's listener events as the JSON lines of an event log, in the shapes
/// Spark 4's JsonProtocol writes (and so its History Server reads). sk8 is one
/// application whose one executor is the driver; each ExecutePlan operation is a
/// SQL execution with one job of one stage of one task.
namespace sk8::observability::spark_events {

struct Application {
  std::string id;    // local-<millis>
  std::string name;  // spark.app.name
  std::string user;
  std::string host;
  int port = 15002;  // the Spark Connect port (the History Server wants one above 0)
  int64_t start_unix_ms = 0;
  int cores = 1;
  int64_t memory_bytes = 0;  // the server's memory budget
  /// spark.* settings of the server, shown on the Environment tab.
  std::map<std::string, std::string> properties;
};

/// The events of the application's start, in order: SparkListenerLogStart,
/// ResourceProfileAdded, ExecutorAdded, BlockManagerAdded, EnvironmentUpdate,
/// ApplicationStart.
std::vector<std::string> ApplicationStartEvents(const Application& app);
std::string ApplicationEnd(int64_t unix_ms);

/// Ids of the events of one execution; accumulator ids from `first_accumulator`
/// on, AccumulatorCount(record) of them.
struct ExecutionIds {
  int64_t execution = 0;
  int64_t job = 0;
  int64_t stage = 0;
  int64_t task = 0;
  int64_t first_accumulator = 0;
};
int64_t AccumulatorCount(const ExecutionRecord& record);

/// A running execution: SQLExecutionStart (the plan as sparkPlanInfo, each
/// operator's rows an accumulator), JobStart, StageSubmitted, TaskStart.
std::vector<std::string> ExecutionStartEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                              const Application& app);
/// Its end, with the same ids and plan shape: TaskEnd, StageCompleted, JobEnd,
/// DriverAccumUpdates (the rows), SQLExecutionEnd; failed when the record
/// failed, with its error.
std::vector<std::string> ExecutionEndEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                            const Application& app);
/// Both, for an execution reported only once it ended.
std::vector<std::string> ExecutionEvents(const ExecutionRecord& record, const ExecutionIds& ids,
                                         const Application& app);

}  // namespace sk8::observability::spark_events
