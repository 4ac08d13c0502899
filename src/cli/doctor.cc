#include "cli/doctor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/memory_pool.h"
#include "server/server_conf.h"
#include "spark/connect/base.grpc.pb.h"

namespace sk8::cli {

const char* kDoctorUsage = R"(sk8 doctor - check a running sk8 and what it depends on

Usage:
  sk8 doctor [options]

Checks, each reported as ok, note or PROBLEM with what to do and a runbook
(docs/runbooks/): the server answers Spark Connect; client and server versions;
the effective settings; the memory budget against the machine's (or container's)
memory; the event-log folder is writable (spark.eventLog.dir, when enabled); the
metrics port answers (sk8.metrics.port: the port the server bound); the S3 endpoint is reachable and
credentials are present (spark.hadoop.fs.s3a.endpoint, when set); the upstream
Spark Connect server answers (sk8.upstream.url, when set). Local checks (memory,
folders) describe the machine doctor runs on: run it next to the server, e.g.
`kubectl exec deploy/sk8 -- sk8 doctor`.

Options:
  --url sc://HOST:PORT    the server to check (default sc://127.0.0.1:15002)
  --conf KEY=VALUE        a setting to check as if the server had it (repeatable);
                          wins over the server's value, and is checked even when
                          the server does not answer
  --python PATH           the Python whose PySpark client to check (default python3)
  --timeout SECONDS       per network check (default 5)
  --quick                 only check that the server answers (for health checks)

Exit code: 0 when no problem was found, 1 when one was, 2 for a usage error.
)";

namespace {

constexpr const char* kRunbooks = "docs/runbooks/";

enum class Level { kOk, kNote, kProblem };

struct Finding {
  Level level;
  std::string check;
  std::string message;
  std::string fix;      // what to do (problems and notes)
  std::string runbook;  // page under docs/runbooks/
};

struct Endpoint {
  std::string host;
  int port = 0;
  bool tls = false;
  std::string token;
};

struct Options {
  std::string url = "sc://127.0.0.1:15002";
  std::map<std::string, std::string> confs;
  std::string python = "python3";
  std::chrono::milliseconds timeout{5000};
  bool quick = false;
};

// ---------------------------------------------------------------------------
// Parsing

bool ParseInt(const std::string& text, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(text.c_str(), &end, 10);
  return end != text.c_str() && *end == '\0';
}

/// sc://host:port[/;key=value;...] as Spark Connect clients read it.
std::optional<Endpoint> ParseSparkConnectUrl(const std::string& url, std::string* error) {
  const std::string prefix = "sc://";
  if (url.compare(0, prefix.size(), prefix) != 0) {
    *error = "'" + url + "' is not a Spark Connect URL (sc://host:port)";
    return std::nullopt;
  }
  std::string rest = url.substr(prefix.size());
  std::string params;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    params = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  Endpoint endpoint;
  endpoint.port = 15002;
  // [v6::address]:port or host:port; the port is optional.
  size_t host_end = !rest.empty() && rest.front() == '[' ? rest.find(']') : 0;
  if (host_end == std::string::npos) {
    *error = "'" + url + "' has an unclosed [";
    return std::nullopt;
  }
  size_t colon = rest.find(':', host_end);
  if (colon != std::string::npos) {
    long long port = 0;
    if (!ParseInt(rest.substr(colon + 1), &port) || port <= 0 || port > 65535) {
      *error = "'" + url + "' has no valid port";
      return std::nullopt;
    }
    endpoint.port = static_cast<int>(port);
    rest = rest.substr(0, colon);
  }
  if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) {
    *error = "'" + url + "' has no host";
    return std::nullopt;
  }
  endpoint.host = rest;
  size_t start = 0;
  while (start < params.size()) {
    size_t end = params.find(';', start);
    std::string param = params.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? params.size() : end + 1;
    size_t eq = param.find('=');
    if (eq == std::string::npos) continue;
    std::string key = param.substr(0, eq), value = param.substr(eq + 1);
    if (key == "token") endpoint.token = value;
    if (key == "use_ssl") endpoint.tls = value == "true";
  }
  return endpoint;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.compare(0, 4, "127.") == 0;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

/// Values of keys that hold credentials are never printed.
bool IsSecretKey(const std::string& key) {
  std::string k = Lower(key);
  for (const char* word : {"secret", "password", "token", "access.key", "credential", "session.key"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Network probes

/// Connects over TCP within the timeout; "" on success, else why not.
std::string TcpConnect(const std::string& host, int port, std::chrono::milliseconds timeout, int* fd_out = nullptr) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses);
  if (rc != 0) return std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
  std::string error = "no address";
  for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int result = connect(fd, a->ai_addr, a->ai_addrlen);
    if (result != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int ready = poll(&p, 1, static_cast<int>(timeout.count()));
      if (ready == 0) {
        error = "no answer within " + std::to_string(timeout.count()) + " ms";
        close(fd);
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof(so_error);
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      result = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (result == 0) {
      freeaddrinfo(addresses);
      if (fd_out) {
        *fd_out = fd;
      } else {
        close(fd);
      }
      return "";
    }
    error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(addresses);
  return error;
}

/// GET `path` over plain HTTP; the status line, or "" with `error` set.
std::string HttpStatusLine(const std::string& host, int port, const std::string& path,
                           std::chrono::milliseconds timeout, std::string* error) {
  int fd = -1;
  *error = TcpConnect(host, port, timeout, &fd);
  if (!error->empty()) return "";
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: sk8-doctor\r\n\r\n";
  (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[512];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (response.find("\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) break;
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  size_t eol = response.find("\r\n");
  if (eol == std::string::npos || response.compare(0, 5, "HTTP/") != 0) {
    *error = response.empty() ? "no HTTP answer" : "the answer is not HTTP";
    return "";
  }
  return response.substr(0, eol);
}

std::string NewUuid() {
  std::random_device device;
  std::mt19937_64 random(device());
  uint64_t hi = random(), lo = random();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

/// A Spark Connect client session of its own, for the checks' few calls.
class ConnectClient {
 public:
  ConnectClient(const Endpoint& endpoint, std::chrono::milliseconds timeout)
      : endpoint_(endpoint), timeout_(timeout), session_id_(NewUuid()) {
    auto credentials = endpoint.tls ? grpc::SslCredentials({}) : grpc::InsecureChannelCredentials();
    std::string target = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    stub_ = spark::connect::SparkConnectService::NewStub(
        grpc::CreateChannel(target + ":" + std::to_string(endpoint.port), credentials));
  }

  /// The server's Spark version, or a gRPC error.
  grpc::Status SparkVersion(std::string* version) {
    spark::connect::AnalyzePlanRequest request;
    Fill(&request);
    request.mutable_spark_version();
    spark::connect::AnalyzePlanResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    grpc::Status status = stub_->AnalyzePlan(&context, request, &response);
    if (status.ok()) *version = response.spark_version().version();
    return status;
  }

  grpc::Status AllConfs(std::map<std::string, std::string>* confs) {
    spark::connect::ConfigRequest request;
    Fill(&request);
    request.mutable_operation()->mutable_get_all();
    spark::connect::ConfigResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    grpc::Status status = stub_->Config(&context, request, &response);
    for (const auto& pair : response.pairs()) {
      if (pair.has_value()) (*confs)[pair.key()] = pair.value();
    }
    return status;
  }

  void Release() {
    spark::connect::ReleaseSessionRequest request;
    Fill(&request);
    spark::connect::ReleaseSessionResponse response;
    grpc::ClientContext context;
    Prepare(&context);
    (void)stub_->ReleaseSession(&context, request, &response);
  }

 private:
  template <typename Request>
  void Fill(Request* request) {
    request->set_session_id(session_id_);
    request->mutable_user_context()->set_user_id("sk8-doctor");
    request->set_client_type("sk8-doctor");
  }
  void Prepare(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + timeout_);
    if (!endpoint_.token.empty()) context->AddMetadata("authorization", "Bearer " + endpoint_.token);
  }

  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::string session_id_;
  std::unique_ptr<spark::connect::SparkConnectService::Stub> stub_;
};

std::string Describe(const Endpoint& e) { return e.host + ":" + std::to_string(e.port); }

/// Whether a Spark Connect server answers at `endpoint`: ok, or the finding that
/// tells nothing listens (down, wrong port) from something else listening.
std::optional<Finding> CheckAnswers(const std::string& check, const Endpoint& endpoint,
                                    std::chrono::milliseconds timeout, const std::string& runbook,
                                    const std::string& what, std::string* spark_version) {
  std::string tcp = TcpConnect(endpoint.host, endpoint.port, timeout);
  if (!tcp.empty()) {
    return Finding{Level::kProblem, check, "no " + what + " listens at " + Describe(endpoint) + ": " + tcp,
                   "start it, or fix the host and port (Spark Connect's port is 15002 unless set "
                   "otherwise); in Kubernetes check the pod is Ready and the Service's port",
                   runbook};
  }
  ConnectClient client(endpoint, timeout);
  auto started = std::chrono::steady_clock::now();
  grpc::Status status = client.SparkVersion(spark_version);
  if (!status.ok()) {
    return Finding{Level::kProblem, check,
                   "something listens at " + Describe(endpoint) + " but does not answer Spark Connect (" +
                       status.error_message() + ")",
                   "this is probably the wrong port (or TLS: add ;use_ssl=true to the URL); the Spark "
                   "Connect port is 15002 unless set otherwise",
                   runbook};
  }
  client.Release();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return Finding{Level::kOk, check,
                 what + " answers at " + Describe(endpoint) + " (Spark " + *spark_version + ", " +
                     std::to_string(ms.count()) + " ms)",
                 "", ""};
}

// ---------------------------------------------------------------------------
// The checks

class Doctor {
 public:
  explicit Doctor(Options options) : options_(std::move(options)) {}

  int Run() {
    std::string error;
    auto endpoint = ParseSparkConnectUrl(options_.url, &error);
    if (!endpoint) {
      std::fprintf(stderr, "sk8 doctor: %s\n", error.c_str());
      return 2;
    }
    server_ = *endpoint;
    local_ = IsLoopback(server_.host);
    if (!options_.quick) std::printf("sk8 doctor: %s\n\n", options_.url.c_str());
    bool answers = CheckServer();
    if (options_.quick) {
      const Finding& f = findings_.back();
      std::printf("%s\n", f.message.c_str());
      return f.level == Level::kProblem ? 1 : 0;
    }
    if (answers) CheckVersions();
    ReportConfs();
    CheckMemory();
    CheckEventLog();
    CheckMetrics();
    CheckObjectStore();
    CheckUpstream();
    return Print();
  }

 private:
  void Add(Level level, std::string check, std::string message, std::string fix = "", std::string runbook = "") {
    findings_.push_back({level, std::move(check), std::move(message), std::move(fix), std::move(runbook)});
  }

  std::optional<std::string> Conf(const std::string& key) const {
    auto it = confs_.find(key);
    if (it == confs_.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }

  /// A local check (memory, folders) means something only next to the server.
  bool Remote(const std::string& check, const std::string& what) {
    if (local_) return false;
    Add(Level::kNote, check, what + " not checked: the server is not on this machine",
        "run sk8 doctor next to the server (kubectl exec deploy/sk8 -- sk8 doctor)");
    return true;
  }

  bool CheckServer() {
    std::string version;
    auto finding = CheckAnswers("server", server_, options_.timeout, "server-down.md", "Spark Connect server",
                                &version);
    findings_.push_back(*finding);
    if (finding->level != Level::kOk) {
      confs_ = options_.confs;
      return false;
    }
    server_spark_version_ = version;
    ConnectClient client(server_, options_.timeout);
    grpc::Status status = client.AllConfs(&confs_);
    client.Release();
    if (!status.ok()) {
      Add(Level::kProblem, "settings", "cannot read the server's settings: " + status.error_message(),
          "check the server's log", "server-down.md");
    }
    for (const auto& [key, value] : options_.confs) confs_[key] = value;
    return true;
  }

  void CheckVersions() {
    std::string mine = SK8_SPARK_VERSION;
    if (server_spark_version_ != mine) {
      Add(Level::kNote, "versions",
          "the server speaks Spark " + server_spark_version_ + ", this sk8 doctor Spark " + mine,
          "use the doctor of the server's image (kubectl exec ... -- sk8 doctor)", "client-version-mismatch.md");
    }
    std::string command = "'" + options_.python +
                          "' -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null";
    std::string client;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char line[128];
      if (std::fgets(line, sizeof(line), pipe)) client = line;
      pclose(pipe);
    }
    while (!client.empty() && std::isspace(static_cast<unsigned char>(client.back()))) client.pop_back();
    if (client.empty()) {
      Add(Level::kOk, "versions",
          "server: Spark " + server_spark_version_ + " protocol; no PySpark next to " + options_.python +
              " to compare");
      return;
    }
    int major = std::atoi(client.c_str());
    size_t dot = client.find('.');
    int minor = dot == std::string::npos ? 0 : std::atoi(client.c_str() + dot + 1);
    bool tested = (major == 3 && minor == 5) || (major == 4 && minor <= 3);
    if (major < 3 || (major == 3 && minor < 4)) {
      Add(Level::kProblem, "versions",
          "PySpark " + client + " has no Spark Connect client (it came with Spark 3.4)",
          "install pyspark[connect] 4.1 (the server's version) or 3.5 / 4.0 - 4.3", "client-version-mismatch.md");
    } else if (!tested) {
      Add(Level::kNote, "versions",
          "PySpark " + client + " is not among the tested clients (3.5, 4.0 - 4.3); the server speaks Spark " +
              server_spark_version_,
          "prefer a tested client; report what fails", "client-version-mismatch.md");
    } else {
      Add(Level::kOk, "versions", "PySpark " + client + " client, server Spark " + server_spark_version_);
    }
  }

  void ReportConfs() {
    std::string shown;
    for (const auto& [key, value] : confs_) {
      bool relevant = key.compare(0, 4, "sk8.") == 0 || key.compare(0, 15, "spark.eventLog.") == 0 ||
                      key.compare(0, 13, "spark.hadoop.") == 0 || key.compare(0, 14, "spark.connect.") == 0 ||
                      key == "spark.sql.session.timeZone" || key == "spark.sql.ansi.enabled";
      if (!relevant) continue;
      shown += "\n" + std::string(25, ' ') + key + " = " + (IsSecretKey(key) ? std::string("(set, not shown)") : value);
    }
    Add(Level::kOk, "settings",
        std::string(options_.confs.empty() ? "effective" : "effective (with doctor's --conf)") + " settings:" +
            (shown.empty() ? " none read" : shown));
  }

  void CheckMemory() {
    auto budget_text = Conf("sk8.memory.limit");
    if (!budget_text) return;  // server down and no --conf: nothing to compare
    if (Remote("memory", "memory budget " + *budget_text + ":")) return;
    auto budget = server::ParseSparkBytes(*budget_text);
    int64_t machine = MachineMemoryBytes();
    if (!budget || machine <= 0 || machine == kNoMemoryLimit) {
      Add(Level::kNote, "memory", "cannot compare the budget " + *budget_text + " with this machine's memory");
      return;
    }
    std::string numbers = "budget " + FormatBytesForHumans(*budget) + " of " + FormatBytesForHumans(machine) +
                          " (machine or container limit)";
    if (*budget > machine / 10 * 9) {
      Add(Level::kProblem, "memory", numbers + ": over 90%, queries can be killed by the kernel before "
                                               "the budget stops them",
          "lower sk8.memory.limit to about 60% of the limit (the default), or raise the container's limit",
          "out-of-memory-budget.md");
    } else if (*budget < (256LL << 20)) {
      Add(Level::kNote, "memory", numbers + ": under 256 MiB, most joins and sorts will not fit",
          "raise sk8.memory.limit (or the container's limit)", "out-of-memory-budget.md");
    } else {
      Add(Level::kOk, "memory", numbers);
    }
  }

  void CheckEventLog() {
    bool enabled = Lower(Conf("spark.eventLog.enabled").value_or("false")) == "true";
    if (!enabled) return;
    std::string dir = Conf("spark.eventLog.dir").value_or("file:/tmp/spark-events");
    std::string path;
    if (dir.compare(0, 5, "file:") == 0) {
      path = dir.substr(5);
      while (path.compare(0, 2, "//") == 0) path = path.substr(1);
    } else if (!dir.empty() && dir.front() == '/') {
      path = dir;
    } else {
      Add(Level::kNote, "event log", "spark.eventLog.dir " + dir + " is not a local folder: not checked",
          "check the bucket with the object-store settings", "storage-credentials.md");
      return;
    }
    if (Remote("event log", "spark.eventLog.dir " + dir)) return;
    const std::string fix =
        "create the folder and make it writable by the server's user (in Kubernetes: the event-log volume "
        "and fsGroup), or point spark.eventLog.dir elsewhere";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      Add(Level::kProblem, "event log", "spark.eventLog.dir " + path + " does not exist", fix, "event-log.md");
      return;
    }
    if (!std::filesystem::is_directory(path, ec)) {
      Add(Level::kProblem, "event log", "spark.eventLog.dir " + path + " is not a folder", fix, "event-log.md");
      return;
    }
    std::string probe = path + "/.sk8-doctor-" + std::to_string(getpid());
    int fd = open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
      Add(Level::kProblem, "event log",
          "spark.eventLog.dir " + path + " is not writable: " + std::strerror(errno), fix, "event-log.md");
      return;
    }
    close(fd);
    unlink(probe.c_str());
    Add(Level::kOk, "event log", "spark.eventLog.dir " + path + " is writable");
  }

  void CheckMetrics() {
    auto port_text = Conf("sk8.metrics.port");
    if (!port_text) return;
    long long port = 0;
    if (!ParseInt(*port_text, &port) || port <= 0 || port > 65535 || port == server_.port) {
      Add(Level::kProblem, "metrics", "sk8.metrics.port " + *port_text + " is not a free port number",
          "set a port 1-65535 other than the Spark Connect port", "server-down.md");
      return;
    }
    std::string error;
    std::string status = HttpStatusLine(server_.host, static_cast<int>(port), "/metrics/prometheus",
                                        options_.timeout, &error);
    if (status.empty()) {
      Add(Level::kProblem, "metrics",
          "the metrics port " + server_.host + ":" + *port_text + " does not answer HTTP: " + error,
          "check sk8.metrics.port (sk8 serve --metrics-port; 'off' serves none) and the server's "
          "'metrics listening' log line; Prometheus "
          "scrapes will fail until it answers",
          "server-down.md");
    } else {
      Add(Level::kOk, "metrics", "metrics port " + *port_text + " answers: " + status);
    }
  }

  void CheckObjectStore() {
    auto endpoint = Conf("spark.hadoop.fs.s3a.endpoint");
    if (!endpoint) return;
    std::string host = *endpoint;
    bool tls = true;
    if (host.compare(0, 7, "http://") == 0) {
      tls = false;
      host = host.substr(7);
    } else if (host.compare(0, 8, "https://") == 0) {
      host = host.substr(8);
    }
    if (size_t slash = host.find('/'); slash != std::string::npos) host = host.substr(0, slash);
    int port = tls ? 443 : 80;
    if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
      long long p = 0;
      if (ParseInt(host.substr(colon + 1), &p) && p > 0 && p <= 65535) port = static_cast<int>(p);
      host = host.substr(0, colon);
    }
    std::string where = host + ":" + std::to_string(port);
    std::string error;
    std::string reach;
    if (tls) {
      error = TcpConnect(host, port, options_.timeout);
      reach = error.empty() ? "accepts connections" : "";
    } else {
      reach = HttpStatusLine(host, port, "/", options_.timeout, &error);
      if (!reach.empty()) reach = "answers " + reach;
    }
    if (!error.empty()) {
      Add(Level::kProblem, "object store",
          "cannot reach the S3 endpoint " + where + " (spark.hadoop.fs.s3a.endpoint): " + error,
          "check the endpoint's host and port, DNS, and that the network allows it (NetworkPolicy egress, "
          "security groups, proxy)",
          "storage-credentials.md");
      return;
    }
    Add(Level::kOk, "object store", "S3 endpoint " + where + " " + reach);
    CheckCredentials();
  }

  void CheckCredentials() {
    auto env = [](const char* name) {
      const char* v = std::getenv(name);
      return v != nullptr && *v != '\0';
    };
    bool conf_key = Conf("spark.hadoop.fs.s3a.access.key").has_value();
    bool conf_secret = Conf("spark.hadoop.fs.s3a.secret.key").has_value();
    if (conf_key != conf_secret) {
      Add(Level::kProblem, "credentials",
          "only one of spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key is set",
          "set both, or neither (to use the environment or the cloud identity)", "storage-credentials.md");
      return;
    }
    if (env("AWS_ACCESS_KEY_ID") != env("AWS_SECRET_ACCESS_KEY")) {
      Add(Level::kProblem, "credentials", "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
          "set both (the chart takes them from one Secret)", "storage-credentials.md");
      return;
    }
    if (const char* token_file = std::getenv("AWS_WEB_IDENTITY_TOKEN_FILE"); token_file && *token_file) {
      if (access(token_file, R_OK) != 0) {
        Add(Level::kProblem, "credentials",
            std::string("AWS_WEB_IDENTITY_TOKEN_FILE ") + token_file + " is not readable: " + std::strerror(errno),
            "check the service account's IRSA annotation and the pod's projected token volume",
            "storage-credentials.md");
        return;
      }
      Add(Level::kOk, "credentials", "web identity (IRSA) token present");
      return;
    }
    if (conf_key || env("AWS_ACCESS_KEY_ID")) {
      Add(Level::kOk, "credentials",
          std::string("access key from ") + (conf_key ? "spark.hadoop.fs.s3a.access.key" : "AWS_ACCESS_KEY_ID"));
      return;
    }
    Add(Level::kNote, "credentials", "no S3 credentials found: only public buckets can be read",
        "set the chart's objectStore.credentials, or the service account's cloud identity",
        "storage-credentials.md");
  }

  void CheckUpstream() {
    auto url = Conf("sk8.upstream.url");
    if (!url) return;
    std::string error;
    auto endpoint = ParseSparkConnectUrl(*url, &error);
    if (!endpoint) {
      Add(Level::kProblem, "upstream", "sk8.upstream.url: " + error, "set sc://host:port", "upstream-down.md");
      return;
    }
    std::string version;
    auto finding = CheckAnswers("upstream", *endpoint, options_.timeout, "upstream-down.md",
                                "upstream Spark Connect server", &version);
    if (finding->level == Level::kProblem) {
      finding->fix = "plans that sk8 sends upstream fail until it answers: check the upstream's pod and "
                     "Service, and sk8.upstream.url";
    }
    findings_.push_back(*finding);
  }

  int Print() const {
    int problems = 0, notes = 0;
    for (const auto& f : findings_) {
      const char* level = f.level == Level::kOk ? "ok" : f.level == Level::kNote ? "note" : "PROBLEM";
      problems += f.level == Level::kProblem;
      notes += f.level == Level::kNote;
      std::printf("  %-8s %-13s %s\n", level, f.check.c_str(), f.message.c_str());
      if (!f.fix.empty()) std::printf("  %-8s %-13s what to do: %s\n", "", "", f.fix.c_str());
      if (!f.runbook.empty()) std::printf("  %-8s %-13s runbook: %s%s\n", "", "", kRunbooks, f.runbook.c_str());
    }
    std::printf("\n%d problem%s, %d note%s\n", problems, problems == 1 ? "" : "s", notes, notes == 1 ? "" : "s");
    return problems > 0 ? 1 : 0;
  }

  Options options_;
  Endpoint server_;
  bool local_ = true;
  std::string server_spark_version_;
  std::map<std::string, std::string> confs_;
  std::vector<Finding> findings_;
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "sk8 doctor: %s\nRun 'sk8 doctor --help' for usage.\n", message.c_str());
  return 2;
}

}  // namespace

int RunDoctor(const std::vector<std::string>& args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (arg == "--url") {
      const std::string* v = value();
      if (!v) return UsageError("--url needs sc://HOST:PORT");
      options.url = *v;
    } else if (arg == "--conf") {
      const std::string* v = value();
      size_t eq = v ? v->find('=') : std::string::npos;
      if (eq == std::string::npos || eq == 0) return UsageError("--conf needs KEY=VALUE");
      options.confs[v->substr(0, eq)] = v->substr(eq + 1);
    } else if (arg == "--python") {
      const std::string* v = value();
      if (!v) return UsageError("--python needs a path");
      options.python = *v;
    } else if (arg == "--timeout") {
      const std::string* v = value();
      long long seconds = 0;
      if (!v || !ParseInt(*v, &seconds) || seconds <= 0) return UsageError("--timeout needs seconds > 0");
      options.timeout = std::chrono::milliseconds(seconds * 1000);
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kDoctorUsage, stdout);
      return 0;
    } else {
      return UsageError("unknown option '" + arg + "'");
    }
  }
  return Doctor(std::move(options)).Run();
}

}  // namespace sk8::cli
