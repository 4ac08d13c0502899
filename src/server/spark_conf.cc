#include "server/spark_conf.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "common/memory_pool.h"
#include "gateway/route_policy.h"
#include "server/server_conf.h"

namespace sk8::server {

std::string SystemTimeZone() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) return *tz == ':' ? tz + 1 : tz;
  std::ifstream file("/etc/timezone");
  std::string zone;
  if (file && std::getline(file, zone) && !zone.empty()) return zone;
  return "UTC";
}

const std::vector<ConfEntry>& ConfDefaults() {
  // Spark 4.1 defaults for the keys clients read or users commonly set.
  static const std::vector<ConfEntry> entries = [] {
    static const std::string tz = SystemTimeZone();
    return std::vector<ConfEntry>{
        {"spark.sql.ansi.enabled", "true", false, "ANSI SQL mode: errors instead of NULL on invalid operations."},
        {"spark.sql.caseSensitive", "false", false, "Whether identifiers are case sensitive."},
        {"spark.sql.mapKeyDedupPolicy", "EXCEPTION", false,
         "Duplicate keys in a map: EXCEPTION fails the query, LAST_WIN keeps the last value."},
        {"spark.sql.session.timeZone", tz.c_str(), false, "Session time zone for timestamps."},
        {"spark.sql.timestampType", "TIMESTAMP_LTZ", false, "Default timestamp type."},
        {"spark.sql.shuffle.partitions", "200", false, "Partitions for shuffles (informational in sk8)."},
        {"spark.sql.execution.arrow.maxRecordsPerBatch", "10000", false, "Rows per Arrow batch."},
        {"spark.sql.execution.arrow.useLargeVarTypes", "false", false, "Large Arrow string/binary types."},
        {"spark.sql.execution.arrow.pyspark.selfDestruct.enabled", "false", false, "PySpark toPandas memory mode."},
        {"spark.sql.execution.pandas.convertToArrowArraySafely", "true", false, "Checked pandas to Arrow."},
        {"spark.sql.execution.pandas.inferPandasDictAsMap", "false", false, "Infer pandas dicts as maps."},
        {"spark.sql.execution.pandas.structHandlingMode", "legacy", false, "Struct conversion to pandas."},
        {"spark.sql.execution.pyspark.binaryAsBytes", "true", false, "Binary values as bytes in PySpark."},
        {"spark.sql.execution.pythonUDF.arrow.enabled", "false", false, "Arrow-optimized Python UDFs."},
        {"spark.sql.execution.pythonUDTF.arrow.enabled", "false", false, "Arrow-optimized Python UDTFs."},
        {"spark.sql.pyspark.inferNestedDictAsStruct.enabled", "false", false, "Infer nested dicts as structs."},
        {"spark.sql.pyspark.legacy.inferArrayTypeFromFirstElement.enabled", "false", false, "Legacy array inference."},
        {"spark.sql.pyspark.legacy.inferMapTypeFromFirstPair.enabled", "false", false, "Legacy map inference."},
        {"spark.sql.pyspark.jvmStacktrace.enabled", "false", false, "Show server stack traces in PySpark errors."},
        {"spark.sql.connect.serverStacktrace.enabled", "false", false, "Send server stack traces to clients."},
        {"spark.sql.repl.eagerEval.enabled", "false", false, "Eager evaluation in notebooks."},
        {"spark.sql.repl.eagerEval.maxNumRows", "20", false, "Rows shown by eager evaluation."},
        {"spark.sql.repl.eagerEval.truncate", "20", false, "Cell width of eager evaluation."},
        {"spark.sql.session.localRelationCacheThreshold", "1048576", false,
         "Local relations above this size are uploaded as artifacts."},
        {"spark.sql.session.localRelationChunkSizeRows", "10000", false, "Rows per uploaded chunk."},
        // Read by Spark 4.3 clients before uploading local data; sk8 holds it in memory.
        {"spark.sql.session.localRelationSizeLimit", "4294967296", false,
         "Largest local relation (bytes) a client may upload."},
        {"spark.sql.session.localRelationChunkSizeBytes", "16777216", false, "Bytes per uploaded chunk."},
        {"spark.sql.session.localRelationBatchOfChunksSizeBytes", "1073741824", false, "Bytes per chunk batch."},
        {"spark.connect.session.planCompression.threshold", "10485760", false, "Plans above this are compressed."},
        {"spark.connect.session.planCompression.defaultAlgorithm", "ZSTD", false, "Plan compression codec."},
        {"spark.sql.artifact.isolation.enabled", "false", true, "Artifacts isolated per session."},
        {"spark.sql.warehouse.dir", "spark-warehouse", true, "Warehouse directory for managed tables."},
        {"spark.app.name", "sk8", true, "Application name."},
        {kMemoryLimitKey, nullptr, false,
         "Memory a session's queries may hold (bytes, or 512m, 4g); at most the server's budget.",
         [] { return FormatSparkBytes(ServerMemoryTracker()->limit()); }},
    };
  }();
  return entries;
}

namespace {
const ConfEntry* FindEntry(const std::string& key) {
  for (const auto& e : ConfDefaults()) {
    if (key == e.key) return &e;
  }
  return nullptr;
}
}  // namespace

SparkConf::SparkConf() = default;

SparkConf::SparkConf(std::map<std::string, std::string> server_values) : values_(std::move(server_values)) {}

std::optional<std::string> SparkConf::GetOption(const std::string& key) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = values_.find(key);
    if (it != values_.end()) return it->second;
  }
  const ConfEntry* entry = FindEntry(key);
  if (entry && entry->computed_default) return entry->computed_default();
  if (entry && entry->default_value) return std::string(entry->default_value);
  return std::nullopt;
}

Result<std::string> SparkConf::Get(const std::string& key) const {
  auto value = GetOption(key);
  if (!value) {
    return SparkError(SparkExceptionKind::kNoSuchElement, "SQL_CONF_NOT_FOUND", {{"sqlConf", "\"" + key + "\""}});
  }
  return *value;
}

Status SparkConf::Set(const std::string& key, const std::string& value) {
  const ConfEntry* entry = FindEntry(key);
  if (entry && entry->is_static) {
    return AnalysisError("CANNOT_MODIFY_STATIC_CONFIG", {{"key", "\"" + key + "\""}});
  }
  if (key == "spark.sql.ansi.enabled" || key == "spark.sql.caseSensitive") {
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != "true" && lower != "false") {
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.TYPE_MISMATCH",
                        {{"confName", "\"" + key + "\""}, {"confValue", "\"" + value + "\""}, {"confType", "\"boolean\""}});
    }
    std::lock_guard<std::mutex> lock(mutex_);
    values_[key] = lower;
    return Status::OK();
  }
  if (key == gateway::kRouteKey && !gateway::ParseRoute(value)) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.REQUIREMENT",
                      {{"confName", "\"" + key + "\""}, {"confValue", value},
                       {"confRequirement", "sk8.route is native, upstream or auto."}});
  }
  if (key == gateway::kMaxNativeBytesKey && !ParseSparkBytes(value)) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.TYPE_MISMATCH",
                      {{"confName", "\"" + key + "\""}, {"confValue", "\"" + value + "\""},
                       {"confType", "\"bytes (e.g. 512m, 4g)\""}});
  }
  if (key == kMemoryLimitKey) {
    auto bytes = ParseSparkBytes(value);
    if (!bytes || *bytes <= 0) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.TYPE_MISMATCH",
                        {{"confName", "\"" + key + "\""}, {"confValue", "\"" + value + "\""},
                         {"confType", "\"bytes (e.g. 512m, 4g)\""}});
    }
    int64_t server = ServerMemoryTracker()->limit();
    if (*bytes > server) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_CONF_VALUE.REQUIREMENT",
                        {{"confName", "\"" + key + "\""}, {"confValue", value},
                         {"confRequirement", "A session's memory limit cannot exceed the server's budget (" +
                                                 FormatSparkBytes(server) +
                                                 ", set by `sk8 serve --conf sk8.memory.limit=...`)."}});
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  values_[key] = value;
  return Status::OK();
}

void SparkConf::Unset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_.erase(key);
}

bool SparkConf::IsModifiable(const std::string& key) const {
  const ConfEntry* entry = FindEntry(key);
  return entry != nullptr && !entry->is_static;
}

std::vector<std::pair<std::string, std::string>> SparkConf::GetAll(const std::string& prefix) const {
  std::map<std::string, std::string> all;
  for (const auto& e : ConfDefaults()) {
    if (e.computed_default) {
      all[e.key] = e.computed_default();
    } else if (e.default_value) {
      all[e.key] = e.default_value;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [k, v] : values_) all[k] = v;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : all) {
    if (k.compare(0, prefix.size(), prefix) == 0) out.emplace_back(k, v);
  }
  return out;
}

std::string SparkConf::session_time_zone() const {
  return GetOption("spark.sql.session.timeZone").value_or("UTC");
}

int64_t SparkConf::memory_limit() const {
  int64_t server = ServerMemoryTracker()->limit();
  auto value = GetOption(kMemoryLimitKey);
  auto bytes = value ? ParseSparkBytes(*value) : std::nullopt;
  return bytes && *bytes > 0 ? std::min(*bytes, server) : server;
}

bool SparkConf::ansi_enabled() const { return GetOption("spark.sql.ansi.enabled").value_or("true") == "true"; }

}  // namespace sk8::server
