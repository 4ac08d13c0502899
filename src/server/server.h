#pragma once

#include <chrono>
#include <string>

#include "common/spark_error.h"
#include "server/spark_connect_service.h"

namespace sk8::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 15002;
  /// Largest request accepted, like Spark's spark.connect.grpc.maxInboundMessageSize.
  int max_inbound_bytes = 128 * 1024 * 1024;
  /// The metrics and probe port (/metrics/prometheus, /healthz, /readyz), as
  /// Spark's UI port: when taken, the next ones up to `metrics_port_retries`
  /// are tried. 0 picks a free port; -1 (`--metrics-port off`) serves none.
  int metrics_port = 4040;
  int metrics_port_retries = 16;
  /// Spark settings of the whole server (`--conf`), with Spark's defaults.
  ConnectServerConf connect;
};

/// `--metrics-port` / sk8.metrics.port: a port number or "off" (-1).
bool ParseMetricsPort(const std::string& text, int* port);

/// Serves Spark Connect until SIGINT/SIGTERM, then cancels running operations
/// and returns. Prints one "ready" log line once the port accepts connections.
Status RunServer(const ServerOptions& options);

}  // namespace sk8::server
