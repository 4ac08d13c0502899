#include "server/server_conf.h"

#include "gateway/route_policy.h"
#include "gateway/upstream_url.h"

#include <cctype>
#include <charconv>

namespace sk8::server {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Splits "  120s " into 120 and "s".
bool SplitNumber(std::string_view text, int64_t* number, std::string* suffix) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *number);
  if (ec != std::errc() || end == text.data() || *number < 0) return false;
  *suffix = Lower(text.substr(static_cast<size_t>(end - text.data())));
  return true;
}

Status BadValue(const std::string& key, const std::string& value, const char* type) {
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.TYPE_MISMATCH",
                    {{"confName", "\"" + key + "\""}, {"confValue", "\"" + value + "\""}, {"confType", type}});
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseSparkDuration(std::string_view text,
                                                            std::chrono::milliseconds bare_unit) {
  int64_t n = 0;
  std::string suffix;
  if (!SplitNumber(text, &n, &suffix)) return std::nullopt;
  using std::chrono::milliseconds;
  if (suffix.empty()) return milliseconds(n * bare_unit.count());
  if (suffix == "us") return milliseconds(n / 1000);
  if (suffix == "ms") return milliseconds(n);
  if (suffix == "s") return milliseconds(n * 1000);
  if (suffix == "m" || suffix == "min") return milliseconds(n * 60 * 1000);
  if (suffix == "h") return milliseconds(n * 3600 * 1000);
  if (suffix == "d") return milliseconds(n * 86400 * 1000);
  return std::nullopt;
}

std::optional<int64_t> ParseSparkBytes(std::string_view text) {
  int64_t n = 0;
  std::string suffix;
  if (!SplitNumber(text, &n, &suffix)) return std::nullopt;
  static const std::pair<const char*, int> kUnits[] = {{"", 0},  {"b", 0},   {"k", 10},  {"kb", 10}, {"m", 20},
                                                       {"mb", 20}, {"g", 30}, {"gb", 30}, {"t", 40}, {"tb", 40},
                                                       {"p", 50}, {"pb", 50}};
  for (const auto& [name, shift] : kUnits) {
    if (suffix == name) {
      if (shift > 0 && n > (INT64_MAX >> shift)) return std::nullopt;
      return n << shift;
    }
  }
  return std::nullopt;
}

Status ConnectServerConf::Set(const std::string& key, const std::string& value) {
  auto duration = [&](std::chrono::milliseconds* out) -> Status {
    auto parsed = ParseSparkDuration(value, std::chrono::milliseconds(1));
    if (!parsed) return BadValue(key, value, "\"time (e.g. 500ms, 30s, 2m)\"");
    *out = *parsed;
    return Status::OK();
  };
  auto bytes = [&](int64_t* out) -> Status {
    auto parsed = ParseSparkBytes(value);
    if (!parsed) return BadValue(key, value, "\"bytes (e.g. 300k, 10m, 1g)\"");
    *out = *parsed;
    return Status::OK();
  };
  if (key == "spark.connect.execute.reattachable.senderMaxStreamSize") return bytes(&sender_max_stream_bytes);
  if (key == "spark.connect.execute.reattachable.senderMaxStreamDuration") {
    return duration(&sender_max_stream_duration);
  }
  if (key == "spark.connect.execute.reattachable.observerRetryBufferSize") return bytes(&retry_buffer_bytes);
  if (key == "spark.connect.execute.manager.detachedTimeout") return duration(&detached_timeout);
  if (key == "spark.connect.execute.manager.maintenanceInterval") return duration(&maintenance_interval);
  if (key == "spark.connect.session.manager.defaultSessionTimeout") return duration(&session_timeout);
  if (key == "sk8.memory.limit") {
    ARROW_RETURN_NOT_OK(bytes(&memory_limit));
    if (memory_limit <= 0) return BadValue(key, value, "\"bytes (e.g. 512m, 4g)\"");
    return Status::OK();
  }
  if (key == "sk8.upstream.url") {
    ARROW_ASSIGN_OR_RAISE(auto url, gateway::ParseUpstreamUrl(value));
    upstream_url = value;
    // Readable with spark.conf.get (sk8 doctor checks it), without the token.
    session_defaults[key] = url.ToDisplayString();
    return Status::OK();
  }
  if (key == gateway::kRouteKey && !gateway::ParseRoute(value)) {
    return BadValue(key, value, "\"native, upstream or auto\"");
  }
  session_defaults[key] = value;
  return Status::OK();
}

}  // namespace sk8::server
