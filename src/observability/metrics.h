#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

/// Server metrics in Prometheus' text format: families of counters, gauges and
/// histograms with labels. A family's name, type, help and label names are data
/// (MetricInfo), so /metrics/prometheus, the docs and the tests read one list.
namespace sk8::observability {

enum class MetricType { kCounter, kGauge, kHistogram };

struct MetricInfo {
  std::string name;
  MetricType type;
  std::string help;
  std::vector<std::string> labels;
  std::vector<double> buckets = {};  // histograms: upper bounds, ascending (+Inf is implied)
};

/// One family. Series are created on first use and never move, so a caller may
/// keep a Series& for the hot path; updates are lock-free atomics.
class Metric {
 public:
  class Series {
   public:
    explicit Series(size_t buckets) : buckets_(buckets) {}
    void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
    void Set(double value) { value_.store(value, std::memory_order_relaxed); }
    void Observe(double value);
    double value() const { return value_.load(std::memory_order_relaxed); }

   private:
    friend class Metric;
    std::atomic<double> value_{0};  // counters and gauges; histograms: the sum
    std::atomic<uint64_t> count_{0};
    std::vector<std::atomic<uint64_t>> buckets_;  // per bucket, not cumulative
    const std::vector<double>* bounds_ = nullptr;
  };

  explicit Metric(MetricInfo info) : info_(std::move(info)) {}
  const MetricInfo& info() const { return info_; }

  /// The series with these label values (one per label name, in order).
  Series& With(const std::vector<std::string>& label_values = {});
  /// Drops every series (gauges recomputed at each scrape).
  void Clear();
  /// Appends # HELP, # TYPE and one line per series (histograms: _bucket, _sum, _count).
  void Render(std::string* out) const;

 private:
  const MetricInfo info_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

/// sk8's own metrics (sk8_*). Each enumerator indexes kServerMetricInfos.
enum class M {
  kInfo,
  kQueriesStarted,
  kQueriesSucceeded,
  kQueriesFailed,
  kQueryDuration,
  kRowsRead,
  kBytesRead,
  kRowsReturned,
  kBytesReturned,
  kCpuSeconds,
  kMemoryUsed,
  kMemoryPeak,
  kMemoryBudget,
  kQueryPeakMemory,
  kSessionsActive,
  kOperationsActive,
  kThreads,
  kThreadsBusy,
  kTaskQueueWait,
  kSessionCpuSeconds,
  kSessionBytesScanned,
  kUserCpuSeconds,
  kUserBytesScanned,
  kUserQueries,
  kPlans,
  kUptime,
  kTelemetryDropped,
  kCount
};

/// The metadata of every sk8_* family, in the order they are served.
const std::vector<MetricInfo>& ServerMetricInfos();

/// Names of the families /metrics/executors/prometheus serves (Spark's).
const std::vector<std::string>& SparkExecutorMetricNames();

/// What one finished ExecutePlan did, for the per-query, per-session and per-user series.
struct QueryRecord {
  std::string user;
  std::string session_id;
  bool succeeded = true;
  std::string error_class;  // when failed
  double seconds = 0;
  int64_t rows_read = 0;
  int64_t bytes_read = 0;
  int64_t rows_returned = 0;
  int64_t bytes_returned = 0;
  int64_t cpu_nanos = 0;
  int64_t peak_memory_bytes = 0;
};

/// The process-wide registry. The server registers a collector that refreshes
/// point-in-time gauges (memory, sessions) just before each scrape.
class ServerMetrics {
 public:
  static ServerMetrics& Instance();

  Metric& Get(M metric) { return *metrics_[static_cast<size_t>(metric)]; }

  /// Names the application in spark_info's and the executor metrics' labels
  /// (the event log's application, when there is one).
  void SetApplication(const std::string& app_id, const std::string& app_name);
  std::pair<std::string, std::string> Application() const;
  /// A plan ran on `engine`: "native" (sk8's engine) or "upstream" (a Spark cluster).
  void PlanRun(const std::string& engine);
  void QueryStarted();
  void QueryFinished(const QueryRecord& record);
  /// A pool task waited this long in the scheduler's queue; worker threads busy.
  void TaskDequeued(double wait_seconds);
  void WorkerBusy(int delta) { busy_workers_.fetch_add(delta, std::memory_order_relaxed); }
  /// Tasks (queries) running now and finished so far, for the executor view.
  int64_t active_queries() const { return active_queries_.load(std::memory_order_relaxed); }

  using Collector = std::function<void(ServerMetrics&)>;
  void SetCollector(Collector collector);

  /// /metrics/prometheus.
  std::string RenderPrometheus();
  /// /metrics/executors/prometheus: Spark 4's executor summary names, sk8 as the
  /// one executor "driver".
  std::string RenderSparkExecutors();

 private:
  ServerMetrics();
  void Collect();

  std::vector<std::unique_ptr<Metric>> metrics_;
  std::atomic<int> busy_workers_{0};
  std::atomic<int64_t> active_queries_{0};
  std::atomic<int64_t> completed_queries_{0};
  std::atomic<int64_t> failed_queries_{0};
  std::atomic<int64_t> query_nanos_{0};
  std::atomic<int64_t> bytes_read_{0};
  std::atomic<int64_t> bytes_returned_{0};
  const int64_t started_unix_ms_;
  mutable std::mutex mutex_;  // application names, collector
  std::mutex render_mutex_;   // one scrape at a time: Collect() clears and refills gauges
  std::string app_id_;
  std::string app_name_;
  Collector collector_;
};

/// Prometheus label value escaping (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view value);

}  // namespace sk8::observability
