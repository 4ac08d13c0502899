#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "common/spark_error.h"

/// A small HTTP/1.1 server for metrics and probes: GET only, one request per
/// connection, answered on its own thread. Plain sockets: scrapes and probes
/// are a few requests a second, and this keeps the server free of a web stack.
namespace sk8::observability {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse()>;

  HttpServer() = default;
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Registers the handler of a path (before Start).
  void Handle(const std::string& path, Handler handler) { handlers_[path] = std::move(handler); }

  /// Listens on host:port (0: a free port) and starts serving. IOError when
  /// the port is taken.
  Status Start(const std::string& host, int port);
  /// Spark's UI port search: `first`, then up to `retries` following ports
  /// (spark.port.maxRetries). Returns the port bound.
  Result<int> StartOnFreePort(const std::string& host, int first, int retries);
  void Stop();
  int port() const { return port_; }

 private:
  void Serve();
  void Answer(int fd);

  std::map<std::string, Handler> handlers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sk8::observability
