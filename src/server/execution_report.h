#pragma once

#include "common/spark_error.h"
#include "observability/event_log.h"
#include "observability/execution_record.h"
#include "observability/otlp_exporter.h"
#include "server/session.h"
#include "spark/connect/base.pb.h"

namespace sk8::server {

/// Where finished ExecutePlan operations go besides the metrics: the Spark event
/// log and the trace collector. Either may be null; both outlive every operation.
struct QueryObservers {
  observability::EventLog* event_log = nullptr;
  observability::TraceExporter* tracer = nullptr;
  bool any() const { return event_log != nullptr || tracer != nullptr; }
};

/// What a finished operation did, for `observers`: its plan with operator rows,
/// step times, outcome (Spark's error message when it failed) and counters.
/// Skips what Spark would not show as an execution (a lazily returned SQL query).
/// Sets `op`'s profile to report its start (plan about to run) to the event log.
void ReportStarts(const QueryObservers& observers, Session& session, Operation& op,
                  const spark::connect::Plan& plan, int64_t start_unix_nanos);

void ReportExecution(const QueryObservers& observers, Session& session, Operation& op,
                     const spark::connect::Plan& plan, const Status& status, int64_t start_unix_nanos);

}  // namespace sk8::server
