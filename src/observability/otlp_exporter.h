#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/spark_error.h"
#include "observability/execution_record.h"
#include "observability/trace_spans.h"

namespace sk8::observability {

/// http://host:port[/path] of an OTLP/HTTP collector; the path defaults to
/// /v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT's does.
struct OtlpEndpoint {
  std::string host;
  int port = 4318;
  std::string path = "/v1/traces";
  static Result<OtlpEndpoint> Parse(const std::string& url);
};

/// Sends query spans to an OTLP/HTTP collector as JSON, in batches, from a
/// thread of its own: a query only appends to a queue. A collector that is
/// down or slow costs dropped spans (counted in sk8_telemetry_dropped_total),
/// never a slower query.
class TraceExporter {
 public:
  TraceExporter(OtlpEndpoint endpoint, std::string service_name);
  ~TraceExporter();
  TraceExporter(const TraceExporter&) = delete;
  TraceExporter& operator=(const TraceExporter&) = delete;

  void Record(const ExecutionRecord& record);
  /// Sends what is queued (a short wait at most) and stops the thread.
  void Close();

  int64_t dropped_spans() const;
  int64_t exported_spans() const;

 private:
  void Loop();
  Status Post(const std::string& body);
  void Drop(size_t spans);

  const OtlpEndpoint endpoint_;
  const std::string service_name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Span> pending_;
  bool closing_ = false;
  int64_t dropped_ = 0;
  int64_t exported_ = 0;
  std::chrono::steady_clock::time_point last_warning_{};
  std::thread thread_;
};

}  // namespace sk8::observability
