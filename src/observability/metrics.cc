#include "observability/metrics.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace sk8::observability {

namespace {

const std::vector<double> kSecondsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
const std::vector<double> kWaitBuckets = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
const std::vector<double> kBytesBuckets = {1 << 20, 16 << 20, 64 << 20, 256 << 20, 1LL << 30, 4LL << 30, 16LL << 30};

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string LabelText(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out.empty() ? "" : "{" + out + "}";
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

double CpuSeconds(int64_t nanos) { return static_cast<double>(nanos) / 1e9; }

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metric::Series::Observe(double value) {
  if (bounds_ != nullptr) {
    size_t i = 0;
    while (i < bounds_->size() && value > (*bounds_)[i]) ++i;
    if (i < buckets_.size()) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  value_.fetch_add(value, std::memory_order_relaxed);
}

Metric::Series& Metric::With(const std::vector<std::string>& label_values) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = series_[label_values];
  if (!slot) {
    // One slot per bound plus the +Inf bucket.
    const bool histogram = info_.type == MetricType::kHistogram;
    slot = std::make_unique<Series>(histogram ? info_.buckets.size() + 1 : 0);
    if (histogram) slot->bounds_ = &info_.buckets;
  }
  return *slot;
}

void Metric::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  series_.clear();
}

void Metric::Render(std::string* out) const {
  *out += "# HELP " + info_.name + " " + info_.help + "\n";
  *out += "# TYPE " + info_.name + " " + TypeName(info_.type) + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [values, series] : series_) {
    if (info_.type != MetricType::kHistogram) {
      *out += info_.name + LabelText(info_.labels, values) + " " + FormatValue(series->value()) + "\n";
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < series->buckets_.size(); ++i) {
      cumulative += series->buckets_[i].load(std::memory_order_relaxed);
      std::string le = i < info_.buckets.size() ? FormatValue(info_.buckets[i]) : "+Inf";
      *out += info_.name + "_bucket" + LabelText(info_.labels, values, "le", le) + " " + std::to_string(cumulative) +
              "\n";
    }
    *out += info_.name + "_sum" + LabelText(info_.labels, values) + " " + FormatValue(series->value()) + "\n";
    *out += info_.name + "_count" + LabelText(info_.labels, values) + " " +
            std::to_string(series->count_.load(std::memory_order_relaxed)) + "\n";
  }
}

const std::vector<MetricInfo>& ServerMetricInfos() {
  using T = MetricType;
  // Indexed by M: keep the two in the same order.
  static const std::vector<MetricInfo> infos = {
      {"sk8_info", T::kGauge, "sk8 build: version and the Spark version it speaks (always 1)",
       {"version", "spark_version", "application_id"}},
      {"sk8_queries_started_total", T::kCounter, "ExecutePlan operations started (queries and commands)", {}},
      {"sk8_queries_succeeded_total", T::kCounter, "ExecutePlan operations that finished without error", {}},
      {"sk8_queries_failed_total", T::kCounter, "ExecutePlan operations that failed, by Spark error class",
       {"error_class"}},
      {"sk8_query_duration_seconds", T::kHistogram, "Wall time of ExecutePlan operations", {"outcome"},
       kSecondsBuckets},
      {"sk8_rows_read_total", T::kCounter, "Rows produced by scans (files, tables, ranges, local data)", {}},
      {"sk8_bytes_read_total", T::kCounter, "Arrow bytes produced by scans", {}},
      {"sk8_rows_returned_total", T::kCounter, "Rows sent to clients", {}},
      {"sk8_bytes_returned_total", T::kCounter, "Arrow IPC bytes sent to clients", {}},
      {"sk8_cpu_seconds_total", T::kCounter, "CPU time of query execution on all threads", {}},
      {"sk8_memory_used_bytes", T::kGauge, "Memory charged to the server's budget now", {}},
      {"sk8_memory_peak_bytes", T::kGauge, "Highest memory charged to the server's budget since start", {}},
      {"sk8_memory_budget_bytes", T::kGauge, "The server's memory budget (sk8.memory.limit)", {}},
      {"sk8_query_peak_memory_bytes", T::kHistogram, "Peak memory of each query", {}, kBytesBuckets},
      {"sk8_sessions_active", T::kGauge, "Spark Connect sessions open now", {}},
      {"sk8_operations_active", T::kGauge, "ExecutePlan operations running now", {}},
      {"sk8_threads", T::kGauge, "Worker threads of the query engine", {}},
      {"sk8_threads_busy", T::kGauge, "Worker threads running a task now", {}},
      {"sk8_task_queue_wait_seconds", T::kHistogram, "Time a query task waited for a worker thread", {},
       kWaitBuckets},
      {"sk8_session_cpu_seconds_total", T::kCounter, "CPU time of the queries of each open session",
       {"session_id", "user"}},
      {"sk8_session_bytes_scanned_total", T::kCounter, "Bytes scanned by the queries of each open session",
       {"session_id", "user"}},
      {"sk8_user_cpu_seconds_total", T::kCounter, "CPU time of each user's queries", {"user"}},
      {"sk8_user_bytes_scanned_total", T::kCounter, "Bytes scanned by each user's queries", {"user"}},
      {"sk8_user_queries_total", T::kCounter, "ExecutePlan operations of each user, by outcome", {"user", "outcome"}},
      {"sk8_plans_total", T::kCounter, "Plans run, by engine: native (sk8) or upstream (a Spark cluster)",
       {"engine"}},
      {"sk8_uptime_seconds", T::kGauge, "Seconds since the server started", {}},
      {"sk8_telemetry_dropped_total", T::kCounter,
       "Event-log events and trace spans dropped (writer far behind, collector down)", {"kind"}},
  };
  return infos;
}

const std::vector<std::string>& SparkExecutorMetricNames() {
  static const std::vector<std::string> names = {
      "spark_info",
      "metrics_executor_rddBlocks",
      "metrics_executor_memoryUsed_bytes",
      "metrics_executor_diskUsed_bytes",
      "metrics_executor_totalCores",
      "metrics_executor_maxTasks",
      "metrics_executor_activeTasks",
      "metrics_executor_failedTasks_total",
      "metrics_executor_completedTasks_total",
      "metrics_executor_totalTasks_total",
      "metrics_executor_totalDuration_seconds_total",
      "metrics_executor_totalGCTime_seconds_total",
      "metrics_executor_totalInputBytes_bytes_total",
      "metrics_executor_totalShuffleRead_bytes_total",
      "metrics_executor_totalShuffleWrite_bytes_total",
      "metrics_executor_maxMemory_bytes",
      "metrics_executor_usedOnHeapStorageMemory_bytes",
      "metrics_executor_usedOffHeapStorageMemory_bytes",
      "metrics_executor_totalOnHeapStorageMemory_bytes",
      "metrics_executor_totalOffHeapStorageMemory_bytes",
  };
  return names;
}

ServerMetrics& ServerMetrics::Instance() {
  static ServerMetrics* metrics = new ServerMetrics();  // lives for the process
  return *metrics;
}

ServerMetrics::ServerMetrics()
    : started_unix_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count()) {
  static_assert(static_cast<size_t>(M::kTelemetryDropped) + 1 == static_cast<size_t>(M::kCount));
  for (const auto& info : ServerMetricInfos()) metrics_.push_back(std::make_unique<Metric>(info));
  // Series that exist from the start, so that rate() and dashboards see zeros
  // rather than no data before the first query.
  for (M m : {M::kQueriesStarted, M::kQueriesSucceeded, M::kRowsRead, M::kBytesRead, M::kRowsReturned,
              M::kBytesReturned, M::kCpuSeconds, M::kTaskQueueWait, M::kQueryPeakMemory}) {
    Get(m).With();
  }
  for (const char* outcome : {"succeeded", "failed"}) Get(M::kQueryDuration).With({outcome});
  for (const char* engine : {"native", "upstream"}) Get(M::kPlans).With({engine});
  app_id_ = "sk8-" + std::to_string(started_unix_ms_);
  app_name_ = "sk8";
}

void ServerMetrics::SetApplication(const std::string& app_id, const std::string& app_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  app_id_ = app_id;
  app_name_ = app_name;
}

std::pair<std::string, std::string> ServerMetrics::Application() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {app_id_, app_name_};
}

void ServerMetrics::PlanRun(const std::string& engine) { Get(M::kPlans).With({engine}).Add(1); }

void ServerMetrics::QueryStarted() {
  Get(M::kQueriesStarted).With().Add(1);
  active_queries_.fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::QueryFinished(const QueryRecord& r) {
  active_queries_.fetch_sub(1, std::memory_order_relaxed);
  const char* outcome = r.succeeded ? "succeeded" : "failed";
  if (r.succeeded) {
    Get(M::kQueriesSucceeded).With().Add(1);
    completed_queries_.fetch_add(1, std::memory_order_relaxed);
  } else {
    Get(M::kQueriesFailed).With({r.error_class}).Add(1);
    failed_queries_.fetch_add(1, std::memory_order_relaxed);
  }
  Get(M::kQueryDuration).With({outcome}).Observe(r.seconds);
  Get(M::kRowsRead).With().Add(static_cast<double>(r.rows_read));
  Get(M::kBytesRead).With().Add(static_cast<double>(r.bytes_read));
  Get(M::kRowsReturned).With().Add(static_cast<double>(r.rows_returned));
  Get(M::kBytesReturned).With().Add(static_cast<double>(r.bytes_returned));
  Get(M::kCpuSeconds).With().Add(CpuSeconds(r.cpu_nanos));
  if (r.peak_memory_bytes > 0) Get(M::kQueryPeakMemory).With().Observe(static_cast<double>(r.peak_memory_bytes));
  Get(M::kUserCpuSeconds).With({r.user}).Add(CpuSeconds(r.cpu_nanos));
  Get(M::kUserBytesScanned).With({r.user}).Add(static_cast<double>(r.bytes_read));
  Get(M::kUserQueries).With({r.user, outcome}).Add(1);
  query_nanos_.fetch_add(static_cast<int64_t>(r.seconds * 1e9), std::memory_order_relaxed);
  bytes_read_.fetch_add(r.bytes_read, std::memory_order_relaxed);
  bytes_returned_.fetch_add(r.bytes_returned, std::memory_order_relaxed);
}

void ServerMetrics::TaskDequeued(double wait_seconds) {
  // The unlabeled series never moves: keep it instead of a map lookup per task.
  static Metric::Series& series = Get(M::kTaskQueueWait).With();
  series.Observe(wait_seconds);
}

void ServerMetrics::SetCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(mutex_);
  collector_ = std::move(collector);
}

void ServerMetrics::Collect() {
  Collector collector;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    collector = collector_;
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Get(M::kUptime).With().Set(static_cast<double>(now_ms - started_unix_ms_) / 1000.0);
  Get(M::kThreadsBusy).With().Set(busy_workers_.load(std::memory_order_relaxed));
  Get(M::kOperationsActive).With().Set(static_cast<double>(active_queries()));
  auto [app_id, app_name] = Application();
  Get(M::kInfo).Clear();
#ifdef SK8_VERSION
  Get(M::kInfo).With({SK8_VERSION, SK8_SPARK_VERSION, app_id}).Set(1);
#else
  Get(M::kInfo).With({"unknown", "unknown", app_id}).Set(1);
#endif
  if (collector) collector(*this);
}

std::string ServerMetrics::RenderPrometheus() {
  std::lock_guard<std::mutex> lock(render_mutex_);
  Collect();
  std::string out;
  for (const auto& metric : metrics_) metric->Render(&out);
  return out;
}

std::string ServerMetrics::RenderSparkExecutors() {
  std::lock_guard<std::mutex> lock(render_mutex_);
  Collect();
  auto [app_id, app_name] = Application();
  std::string labels = "{application_id=\"" + EscapeLabelValue(app_id) + "\", application_name=\"" +
                       EscapeLabelValue(app_name) + "\", executor_id=\"driver\"}";
  auto gauge = [&](M m) { return Get(m).With().value(); };
  const double threads = gauge(M::kThreads);
  const double completed = static_cast<double>(completed_queries_.load(std::memory_order_relaxed));
  const double failed = static_cast<double>(failed_queries_.load(std::memory_order_relaxed));
  const double active = static_cast<double>(active_queries());
  std::string out;
#ifdef SK8_SPARK_VERSION
  out += "spark_info{version=\"" SK8_SPARK_VERSION "\", revision=\"sk8\"} 1.0\n";
#else
  out += "spark_info{version=\"unknown\", revision=\"sk8\"} 1.0\n";
#endif
  // Spark's ExecutorSummary fields; sk8 runs every query as one task of its one executor.
  const std::vector<std::pair<std::string, double>> values = {
      {"rddBlocks", 0},
      {"memoryUsed_bytes", gauge(M::kMemoryUsed)},
      {"diskUsed_bytes", 0},
      {"totalCores", threads},
      {"maxTasks", threads},
      {"activeTasks", active},
      {"failedTasks_total", failed},
      {"completedTasks_total", completed},
      {"totalTasks_total", completed + failed + active},
      {"totalDuration_seconds_total", static_cast<double>(query_nanos_.load(std::memory_order_relaxed)) / 1e9},
      {"totalGCTime_seconds_total", 0},
      {"totalInputBytes_bytes_total", static_cast<double>(bytes_read_.load(std::memory_order_relaxed))},
      {"totalShuffleRead_bytes_total", 0},
      {"totalShuffleWrite_bytes_total", 0},
      {"maxMemory_bytes", gauge(M::kMemoryBudget)},
      // No JVM heap: all of sk8's memory is "off-heap" (Arrow and native buffers).
      {"usedOnHeapStorageMemory_bytes", 0},
      {"usedOffHeapStorageMemory_bytes", gauge(M::kMemoryUsed)},
      {"totalOnHeapStorageMemory_bytes", 0},
      {"totalOffHeapStorageMemory_bytes", gauge(M::kMemoryBudget)},
  };
  for (const auto& [name, value] : values) {
    out += "metrics_executor_" + name + labels + " " + FormatValue(value) + "\n";
  }
  return out;
}

}  // namespace sk8::observability
