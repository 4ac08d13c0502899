#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/spark_error.h"

/// Session configuration with Spark's keys and defaults. The defaults are data
/// (kConfDefaults) so that SET, spark.conf.get and the docs read one table.
namespace sk8::server {

struct ConfEntry {
  const char* key;
  const char* default_value;  // nullptr: no default (optional conf)
  bool is_static;             // static confs cannot be changed per session
  const char* doc;
  std::string (*computed_default)() = nullptr;  // a default known only at run time
};

/// The memory budget: server-wide from `sk8 serve --conf`, lowered per session.
constexpr const char* kMemoryLimitKey = "sk8.memory.limit";

const std::vector<ConfEntry>& ConfDefaults();

class SparkConf {
 public:
  SparkConf();
  /// Starts from the server-wide settings (`sk8 serve --conf`).
  explicit SparkConf(std::map<std::string, std::string> server_values);

  /// Value or SQL_CONF_NOT_FOUND (like Spark for unknown keys without default).
  Result<std::string> Get(const std::string& key) const;
  std::optional<std::string> GetOption(const std::string& key) const;
  Status Set(const std::string& key, const std::string& value);
  void Unset(const std::string& key);
  bool IsModifiable(const std::string& key) const;
  /// Explicitly set values and defaults, sorted by key, filtered by prefix.
  std::vector<std::pair<std::string, std::string>> GetAll(const std::string& prefix) const;

  std::string session_time_zone() const;
  bool ansi_enabled() const;
  /// sk8.memory.limit in bytes, never above the server's budget.
  int64_t memory_limit() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> values_;
};

/// The machine's time zone id, Spark's default for spark.sql.session.timeZone.
std::string SystemTimeZone();

}  // namespace sk8::server
