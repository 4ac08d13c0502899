// sk8: a native Spark Connect server. `sk8 serve` answers unmodified Spark
// Connect clients (PySpark, Scala, Go) at sc://host:port.
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "cli/doctor.h"
#include "common/logging.h"
#include "functions/function_registry.h"
#include "io/filesystems.h"
#include "server/server.h"

namespace {

const char* kUsage = R"(sk8 - a native Apache Spark Connect server

Usage:
  sk8 serve [options]     serve Spark Connect clients at sc://HOST:PORT
  sk8 doctor [options]    check a running sk8 and what it depends on (server,
                          versions, settings, memory, event log, metrics,
                          object store, upstream); 'sk8 doctor --help'
  sk8 version             print the sk8 and Spark versions
  sk8 functions           list the function registry: name, kind, deterministic,
                          canonical name (one line per name or alias, tab-separated)
  sk8 --help              this text

Options for serve:
  --host HOST             address to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port PORT             port to listen on (default 15002; 0 picks a free port)
  --log-level LEVEL       debug, info, warn or error (default info)
  --metrics-port PORT     Prometheus metrics and probes over HTTP (default 4040, as
                          Spark's UI; when taken the next free of 4041-4056 is used
                          and logged; 0 picks a free port; 'off' serves none):
                          /metrics/prometheus, /metrics/executors/prometheus,
                          /healthz, /readyz. Same as --conf sk8.metrics.port=PORT
                          or Spark's --conf spark.ui.port=PORT
  --properties-file FILE  Spark settings from a spark-defaults.conf style file
                          ("key value" or "key=value" lines, # comments), as
                          spark-submit reads it; --conf wins over the file
  --conf KEY=VALUE        a Spark setting for the whole server (repeatable), e.g.
                            spark.connect.execute.reattachable.senderMaxStreamDuration=2m
                            spark.connect.execute.reattachable.senderMaxStreamSize=1g
                            spark.connect.execute.reattachable.observerRetryBufferSize=10m
                            spark.connect.execute.manager.detachedTimeout=5m
                            spark.connect.session.manager.defaultSessionTimeout=60m
                            sk8.memory.limit=4g (memory budget of all queries; default
                            60% of RAM or of the container's limit)
                            spark.eventLog.enabled=true, spark.eventLog.dir=file:/path
                            (Spark event logs for the History Server: docs/observability.md)
                            sk8.otel.endpoint=http://collector:4318 (OpenTelemetry traces)
                          other keys become every session's initial configuration
  --upstream URL          hand plans to this Apache Spark Connect server
                          (sc://host:port[/;token=...;use_ssl=true]; conf key
                          sk8.upstream.url); with it, sk8.route (native, upstream
                          or auto, default auto) picks where each plan runs:
                          docs/scale-out.md
  --session-timeout SEC   drop sessions idle this long (default 3600)
  --max-stream-bytes N    end a reattachable result stream after N bytes (default 1 GiB)
  --max-stream-seconds S  ... or after S seconds (default 120); clients reattach

Environment:
  SK8_THREADS             worker threads (default: all cores)

Connect with PySpark:
  from pyspark.sql import SparkSession
  spark = SparkSession.builder.remote("sc://localhost:15002").getOrCreate()
)";

int Fail(const std::string& message) {
  std::fprintf(stderr, "sk8: %s\nRun 'sk8 --help' for usage.\n", message.c_str());
  return 2;
}

bool ParseInt(const char* text, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0';
}

/// A spark-defaults.conf: Java properties, one "key value", "key=value" or
/// "key: value" per line, # and ! comments. Fails on a file it cannot read.
bool ReadPropertiesFile(const std::string& path, std::vector<std::pair<std::string, std::string>>* out,
                        std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "--properties-file " + path + ": " + std::strerror(errno);
    return false;
  }
  auto trim = [](std::string text) {
    size_t begin = text.find_first_not_of(" \t\r\f");
    size_t end = text.find_last_not_of(" \t\r\f");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
  };
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    size_t split = line.find_first_of("=: \t");
    if (split == std::string::npos) {
      out->emplace_back(line, "");
      continue;
    }
    std::string key = line.substr(0, split);
    std::string value = trim(line.substr(split + 1));
    // "key = value": the separator may be padded.
    if (line[split] == ' ' || line[split] == '\t') {
      if (!value.empty() && (value[0] == '=' || value[0] == ':')) value = trim(value.substr(1));
    }
    out->emplace_back(key, value);
  }
  return true;
}

int Serve(const std::vector<std::string>& args) {
  sk8::server::ServerOptions options;
  // spark-submit's order: the properties file first, --conf over it.
  std::vector<std::pair<std::string, std::string>> confs;
  std::vector<std::pair<std::string, std::string>> file_confs;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const char* { return i + 1 < args.size() ? args[++i].c_str() : nullptr; };
    long long number = 0;
    if (arg == "--host") {
      const char* v = value();
      if (!v) return Fail("--host needs a value");
      options.host = v;
    } else if (arg == "--port") {
      const char* v = value();
      if (!v || !ParseInt(v, &number) || number < 0 || number > 65535) return Fail("--port needs a number 0-65535");
      options.port = static_cast<int>(number);
    } else if (arg == "--metrics-port") {
      const char* v = value();
      if (!v || !sk8::server::ParseMetricsPort(v, &options.metrics_port)) {
        return Fail("--metrics-port needs a port number 0-65535 or 'off'");
      }
    } else if (arg == "--log-level") {
      const char* v = value();
      sk8::LogLevel level;
      if (!v || !sk8::ParseLogLevel(v, &level)) return Fail("--log-level needs debug, info, warn or error");
      sk8::SetLogLevel(level);
    } else if (arg == "--session-timeout") {
      const char* v = value();
      if (!v || !ParseInt(v, &number) || number <= 0) return Fail("--session-timeout needs seconds > 0");
      options.connect.session_timeout = std::chrono::seconds(number);
    } else if (arg == "--max-stream-bytes") {
      const char* v = value();
      if (!v || !ParseInt(v, &number) || number <= 0) return Fail("--max-stream-bytes needs bytes > 0");
      options.connect.sender_max_stream_bytes = number;
    } else if (arg == "--max-stream-seconds") {
      const char* v = value();
      if (!v || !ParseInt(v, &number) || number <= 0) return Fail("--max-stream-seconds needs seconds > 0");
      options.connect.sender_max_stream_duration = std::chrono::seconds(number);
    } else if (arg == "--upstream") {
      const char* v = value();
      if (!v) return Fail("--upstream needs sc://host:port");
      auto status = options.connect.Set("sk8.upstream.url", v);
      if (!status.ok()) return Fail("--upstream: " + status.message());
    } else if (arg == "--conf") {
      const char* v = value();
      std::string pair = v ? v : "";
      size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) return Fail("--conf needs KEY=VALUE");
      confs.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
    } else if (arg == "--properties-file") {
      const char* v = value();
      if (!v) return Fail("--properties-file needs a file");
      std::string error;
      if (!ReadPropertiesFile(v, &file_confs, &error)) return Fail(error);
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      return Fail("unknown option '" + arg + "'");
    }
  }
  file_confs.insert(file_confs.end(), confs.begin(), confs.end());
  for (const auto& [key, conf_value] : file_confs) {
    const std::string pair = key + "=" + conf_value;
    if (key == "sk8.metrics.port" || key == "spark.ui.port") {
      // spark.ui.port too: Spark serves /metrics/executors/prometheus on its UI port.
      if (!sk8::server::ParseMetricsPort(conf_value, &options.metrics_port)) {
        return Fail("--conf " + pair + ": a port number 0-65535 or 'off'");
      }
      if (key == "sk8.metrics.port") continue;
    }
    auto status = options.connect.Set(key, conf_value);
    if (!status.ok()) return Fail("--conf " + pair + ": " + status.message());
  }
  auto status = sk8::server::RunServer(options);
  sk8::io::FinalizeFileSystems();  // the AWS SDK shuts down before static destructors run
  if (!status.ok()) {
    sk8::LogError("server failed", {{"error", status.ToString()}});
    return 1;
  }
  return 0;
}

// The registry as data, for scripts/function-coverage.
int ListFunctions() {
  using sk8::functions::FunctionKind;
  for (const auto& info : sk8::functions::FunctionRegistry::Instance().functions()) {
    const char* kind = info.kind == FunctionKind::kAggregate ? "aggregate"
                       : info.kind == FunctionKind::kWindow  ? "window"
                                                             : "scalar";
    std::vector<std::string> names = {info.name};
    names.insert(names.end(), info.aliases.begin(), info.aliases.end());
    for (const auto& name : names) {
      std::printf("%s\t%s\t%s\t%s\n", name.c_str(), kind, info.deterministic ? "true" : "false", info.name.c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("sk8 %s (Spark Connect protocol of Apache Spark %s)\n", SK8_VERSION, SK8_SPARK_VERSION);
    return 0;
  }
  if (args[0] == "functions") return ListFunctions();
  if (args[0] == "serve") return Serve({args.begin() + 1, args.end()});
  if (args[0] == "doctor") return sk8::cli::RunDoctor({args.begin() + 1, args.end()});
  return Fail("unknown command '" + args[0] + "'");
}
