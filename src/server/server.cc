#include "server/server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <arrow/compute/initialize.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/logging.h"
#include "common/memory_pool.h"
#include "exec/task_scheduler.h"
#include "observability/event_log.h"
#include "observability/http_server.h"
#include "observability/metrics.h"
#include "observability/otlp_exporter.h"

namespace sk8::server {

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

bool ParseMetricsPort(const std::string& text, int* port) {
  if (text == "off" || text == "false" || text == "none") {
    *port = -1;
    return true;
  }
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0 || value > 65535) return false;
  *port = static_cast<int>(value);
  return true;
}

namespace {

/// Point-in-time gauges, refreshed by each scrape from the server's state.
void CollectServerState(SparkConnectServiceImpl& service, observability::ServerMetrics& metrics) {
  using observability::M;
  const auto& memory = ServerMemoryTracker();
  metrics.Get(M::kMemoryUsed).With().Set(static_cast<double>(memory->used()));
  metrics.Get(M::kMemoryPeak).With().Set(static_cast<double>(memory->peak()));
  metrics.Get(M::kMemoryBudget).With().Set(static_cast<double>(memory->limit()));
  metrics.Get(M::kThreads).With().Set(exec::TaskScheduler::Instance().num_threads());
  auto sessions = service.sessions().All();
  metrics.Get(M::kSessionsActive).With().Set(static_cast<double>(sessions.size()));
  // Per-session series exist while their session does: a closed session's
  // usage lives on in the per-user counters.
  auto& cpu = metrics.Get(M::kSessionCpuSeconds);
  auto& scanned = metrics.Get(M::kSessionBytesScanned);
  cpu.Clear();
  scanned.Clear();
  for (const auto& session : sessions) {
    cpu.With({session->session_id(), session->user_id()}).Set(static_cast<double>(session->cpu_nanos()) / 1e9);
    scanned.With({session->session_id(), session->user_id()}).Set(static_cast<double>(session->bytes_scanned()));
  }
}

/// The metrics port: Prometheus text, Spark's executor metrics, and probes.
/// A taken port range is logged, not fatal: the server still serves clients.
std::unique_ptr<observability::HttpServer> StartMetricsPort(const ServerOptions& options,
                                                            const std::atomic<bool>* ready) {
  if (options.metrics_port < 0) return nullptr;
  auto http = std::make_unique<observability::HttpServer>();
  auto& metrics = observability::ServerMetrics::Instance();
  const std::string prometheus_type = "text/plain; version=0.0.4; charset=utf-8";
  http->Handle("/metrics/prometheus", [&metrics, prometheus_type] {
    return observability::HttpResponse{200, prometheus_type, metrics.RenderPrometheus()};
  });
  http->Handle("/metrics/executors/prometheus", [&metrics, prometheus_type] {
    return observability::HttpResponse{200, prometheus_type, metrics.RenderSparkExecutors()};
  });
  http->Handle("/healthz", [] { return observability::HttpResponse{200, "text/plain; charset=utf-8", "ok\n"}; });
  http->Handle("/readyz", [ready] {
    if (ready->load()) return observability::HttpResponse{200, "text/plain; charset=utf-8", "ready\n"};
    return observability::HttpResponse{503, "text/plain; charset=utf-8", "not ready\n"};
  });
  auto bound = http->StartOnFreePort(options.host, options.metrics_port,
                                     options.metrics_port == 0 ? 0 : options.metrics_port_retries);
  if (!bound.ok()) {
    LogWarn("no metrics port: every port tried is taken (set --metrics-port)",
            {{"first_port", std::to_string(options.metrics_port)}, {"error", bound.status().message()}});
    return nullptr;
  }
  if (options.metrics_port != 0 && *bound != options.metrics_port) {
    LogWarn("metrics port taken; using the next free one, as Spark's UI does",
            {{"wanted", std::to_string(options.metrics_port)}, {"port", std::to_string(*bound)}});
  }
  LogInfo("metrics listening", {{"address", options.host + ":" + std::to_string(*bound)},
                                {"metrics_port", std::to_string(*bound)},
                                {"paths", "/metrics/prometheus /metrics/executors/prometheus /healthz /readyz"}});
  return http;
}

std::string UserName() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* entry = getpwuid(geteuid()); entry != nullptr) return entry->pw_name;
  return std::to_string(geteuid());
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

/// Spark's spark.redaction.regex default, (?i)secret|password|token|access[.]?key:
/// such settings reach the event log's Environment tab as Spark shows them.
bool Redacted(const std::string& key) {
  std::string lower = key;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"secret", "password", "token", "accesskey", "access.key"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

/// spark.eventLog.enabled: this run's event log, its start written. An
/// unwritable folder stops the server, as it stops Spark's SparkContext.
Result<std::unique_ptr<observability::EventLog>> OpenEventLog(const ConnectServerConf& conf, int port) {
  ARROW_ASSIGN_OR_RAISE(auto options, observability::EventLogOptions::FromConf(conf.session_defaults));
  if (!options.enabled) return nullptr;
  if (!options.local) {
    // The cloud presets name a bucket; refusing to start there would take the
    // service down for want of its logs. Said loudly instead.
    LogWarn("spark.eventLog.dir is not a local folder: no event log is written (sk8 writes local folders "
            "only; mount the bucket, e.g. with its CSI driver, and point spark.eventLog.dir at the mount)",
            {{"spark.eventLog.dir", conf.session_defaults.at("spark.eventLog.dir")}});
    return nullptr;
  }
  observability::spark_events::Application app;
  app.name = options.app_name;
  app.user = UserName();
  app.host = HostName();
  app.port = port;
  app.cores = exec::TaskScheduler::Instance().num_threads();
  app.memory_bytes = ServerMemoryTracker()->limit();
  for (const auto& [key, value] : conf.session_defaults) {
    if (key.rfind("spark.", 0) == 0) app.properties[key] = Redacted(key) ? "*********(redacted)" : value;
  }
  app.start_unix_ms = observability::UnixNanosNow() / 1000000;
  app.id = "local-" + std::to_string(app.start_unix_ms);
  app.properties["spark.app.id"] = app.id;
  app.properties["spark.app.name"] = app.name;
  app.properties["spark.app.startTime"] = std::to_string(app.start_unix_ms);
  app.properties["spark.driver.host"] = app.host;
  app.properties["spark.executor.id"] = "driver";
  app.properties["spark.master"] = "local[" + std::to_string(app.cores) + "]";
  auto log = observability::EventLog::Open(options, app);
  if (!log.ok()) {
    return Status::IOError("spark.eventLog.enabled is true but the event log cannot be written: ",
                           log.status().message());
  }
  LogInfo("event log", {{"path", (*log)->path()}, {"app_id", (*log)->app_id()}});
  observability::ServerMetrics::Instance().SetApplication((*log)->app_id(), (*log)->app_name());
  return log;
}

/// sk8.otel.endpoint (or OpenTelemetry's own environment variables): the
/// collector query spans go to.
Result<std::unique_ptr<observability::TraceExporter>> OpenTracer(const ConnectServerConf& conf) {
  std::string url;
  bool from_conf = false;
  if (auto it = conf.session_defaults.find("sk8.otel.endpoint"); it != conf.session_defaults.end()) {
    url = it->second;
    from_conf = true;
  } else if (const char* env = std::getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); env != nullptr && *env) {
    url = env;
  } else if (const char* base = std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); base != nullptr && *base) {
    url = std::string(base);
    if (!url.empty() && url.back() == '/') url.pop_back();
    url += "/v1/traces";
  }
  if (url.empty() || url == "off" || url == "none") return nullptr;
  auto endpoint = observability::OtlpEndpoint::Parse(url);
  if (!endpoint.ok()) {
    if (from_conf) return Status::Invalid("sk8.otel.endpoint=", url, ": not http://host:port[/path] (sk8 sends "
                                          "OTLP/HTTP JSON; https is not supported, use a local collector)");
    // An environment meant for other programs does not stop the server.
    LogWarn("OTEL_EXPORTER_OTLP_ENDPOINT is not http://host:port: no traces", {{"endpoint", url}});
    return nullptr;
  }
  std::string service = "sk8";
  if (const char* name = std::getenv("OTEL_SERVICE_NAME"); name != nullptr && *name) service = name;
  LogInfo("tracing", {{"endpoint", url}, {"service", service}});
  return std::make_unique<observability::TraceExporter>(*endpoint, service);
}

}  // namespace

Status RunServer(const ServerOptions& options) {
  auto started = std::chrono::steady_clock::now();
  // malloc_trim() cannot shrink the top of glibc's per-thread arenas, and by default
  // there are 8 per core: the memory of finished or abandoned operations stays
  // resident there (up to ~150 MiB measured on 2 cores). One arena per core keeps
  // contention low and lets the janitor's trim give that memory back.
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  if (options.connect.memory_limit > 0) ServerMemoryTracker()->set_limit(options.connect.memory_limit);
  ARROW_ASSIGN_OR_RAISE(auto event_log, OpenEventLog(options.connect, options.port));
  ARROW_ASSIGN_OR_RAISE(auto tracer, OpenTracer(options.connect));
  std::atomic<bool> ready{false};
  auto metrics_http = StartMetricsPort(options, &ready);
  ConnectServerConf service_conf = options.connect;
  // Sessions read the port really bound (sk8 doctor checks it there).
  if (metrics_http) service_conf.session_defaults["sk8.metrics.port"] = std::to_string(metrics_http->port());
  SparkConnectServiceImpl service(service_conf);
  service.SetObservers(QueryObservers{event_log.get(), tracer.get()});
  observability::ServerMetrics::Instance().SetCollector(
      [&service](observability::ServerMetrics& metrics) { CollectServerState(service, metrics); });

  // grpc.health.v1.Health answers SERVING while the server runs: Kubernetes'
  // gRPC probes (the Helm chart's) ask it.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  std::string address = options.host + ":" + std::to_string(options.port);
  int bound_port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_inbound_bytes);
  builder.SetMaxSendMessageSize(-1);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return Status::IOError("cannot listen on " + address + " (is the port in use? try --port)");
  }
  auto ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  LogInfo("sk8 ready", {{"address", options.host + ":" + std::to_string(bound_port)},
                        {"threads", std::to_string(exec::TaskScheduler::Instance().num_threads())},
                        {"spark_version", SK8_SPARK_VERSION},
                        {"memory_limit", FormatBytesForHumans(ServerMemoryTracker()->limit())},
                        {"startup_ms", std::to_string(ready_ms.count())}});

  ready = true;
  // An upstream that is down at start is reported now, in the log, instead
  // of at the first plan that needs it; sk8 serves native plans either way.
  std::thread upstream_check;
  if (auto* upstream = service.upstream()) {
    upstream_check = std::thread([upstream] {
      auto status = upstream->CheckReachable(std::chrono::seconds(5));
      if (status.ok()) {
        LogInfo("upstream Spark Connect server reachable", {{"upstream", upstream->url().ToDisplayString()}});
      } else {
        LogWarn("upstream Spark Connect server not reachable", {{"error", status.message()}});
      }
    });
  }

  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto last_janitor = std::chrono::steady_clock::now();
  // Spark's maintenanceInterval, but often enough for short timeouts set in tests.
  const auto& connect = options.connect;
  auto janitor_interval = std::clamp(std::min({connect.maintenance_interval, connect.detached_timeout / 2,
                                               connect.session_timeout / 2}),
                                     std::chrono::milliseconds(100), std::chrono::milliseconds(30000));
  while (!g_stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - last_janitor > janitor_interval) {
      service.Janitor();
      last_janitor = std::chrono::steady_clock::now();
    }
  }
  ready = false;  // /readyz turns away new traffic while running operations end
  LogInfo("shutting down: cancelling running operations");
  service.CancelAll();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server->Wait();
  observability::ServerMetrics::Instance().SetCollector(nullptr);  // `service` ends with this scope
  if (metrics_http) metrics_http->Stop();
  if (upstream_check.joinable()) upstream_check.join();
  // The event log gets its end and its finished name; operations still
  // unwinding may report later, so both objects live on (closed) until exit.
  if (event_log) event_log->Close();
  if (tracer) tracer->Close();
  (void)event_log.release();
  (void)tracer.release();
  LogInfo("sk8 stopped");
  // Executions run on detached threads; one still unwinding can hold a lock
  // that teardown (this service's destructor, the process's static
  // destructors) then waits for: under load, a test saw the server hang here
  // after SIGTERM. Nothing durable is left to write, so teardown gets a few
  // seconds and then the process ends anyway.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    std::fflush(nullptr);
    std::_Exit(0);
  }).detach();
  return Status::OK();
}

}  // namespace sk8::server
