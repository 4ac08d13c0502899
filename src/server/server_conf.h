#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/spark_error.h"

/// Server-wide Spark settings (`sk8 serve --conf key=value`), read with Spark's
/// units: "2m", "500ms" for times and "10m", "1g" for sizes.
namespace sk8::server {

/// Spark's time string ("120s", "2m", "500ms", "1h"); a bare number is in `bare_unit`.
std::optional<std::chrono::milliseconds> ParseSparkDuration(std::string_view text,
                                                            std::chrono::milliseconds bare_unit);
/// Spark's byte string ("300k", "10m", "1g"), binary units; a bare number is bytes.
std::optional<int64_t> ParseSparkBytes(std::string_view text);

/// Spark Connect server settings sk8 honours, with Spark's defaults.
struct ConnectServerConf {
  /// spark.connect.execute.reattachable.senderMaxStreamSize (0: unlimited).
  int64_t sender_max_stream_bytes = 1LL << 30;
  /// spark.connect.execute.reattachable.senderMaxStreamDuration (0: unlimited).
  std::chrono::milliseconds sender_max_stream_duration{2 * 60 * 1000};
  /// spark.connect.execute.reattachable.observerRetryBufferSize.
  int64_t retry_buffer_bytes = 10LL << 20;
  /// spark.connect.execute.manager.detachedTimeout.
  std::chrono::milliseconds detached_timeout{5 * 60 * 1000};
  /// spark.connect.execute.manager.maintenanceInterval.
  std::chrono::milliseconds maintenance_interval{30 * 1000};
  /// spark.connect.session.manager.defaultSessionTimeout.
  std::chrono::milliseconds session_timeout{60 * 60 * 1000};
  /// sk8.memory.limit: the server-wide memory budget (0: DefaultServerMemoryLimit()).
  int64_t memory_limit = 0;
  /// sk8.upstream.url (`sk8 serve --upstream`): the Spark Connect server plans
  /// may be handed to (sc://host:port[/;token=...;use_ssl=true]); empty: none.
  std::string upstream_url;
  /// Every other key: initial values of each session's configuration.
  std::map<std::string, std::string> session_defaults;

  /// Takes one `key=value`; INVALID_CONF_VALUE for a value of the wrong kind.
  Status Set(const std::string& key, const std::string& value);
};

}  // namespace sk8::server
