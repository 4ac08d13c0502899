#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sk8 {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

/// Structured logs: one JSON object per line on stderr, so that log shippers and
/// `jq` can read them. Fields are key/value strings.
using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogLevel(LogLevel level);
bool ParseLogLevel(std::string_view text, LogLevel* level);
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});

inline void LogInfo(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kInfo, message, fields);
}
inline void LogWarn(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kWarn, message, fields);
}
inline void LogError(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kError, message, fields);
}
inline void LogDebug(std::string_view message, const LogFields& fields = {}) {
  Log(LogLevel::kDebug, message, fields);
}

}  // namespace sk8
