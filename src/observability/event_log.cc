#include "observability/event_log.h"

#include <chrono>
#include <optional>

#include "common/logging.h"
#include "observability/metrics.h"

namespace sk8::observability {

namespace {

/// What the writer may hold before records are dropped: a stalled disk must not
/// grow the server's memory without bound.
constexpr int64_t kMaxPendingBytes = 64LL << 20;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// A setting the server cannot start with: said plainly, at startup.
Status BadValue(const std::string& key, const std::string& value, const std::string& what) {
  return Status::Invalid(key, "=", value, ": ", what);
}

Result<bool> Bool(const std::map<std::string, std::string>& conf, const std::string& key, bool fallback) {
  auto it = conf.find(key);
  if (it == conf.end()) return fallback;
  const std::string value = Lower(it->second);
  if (value == "true") return true;
  if (value == "false") return false;
  return BadValue(key, it->second, "true or false");
}

/// Spark's byte strings ("128m", "10k"); a bare number is bytes.
std::optional<int64_t> Bytes(const std::string& text) {
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = Lower(text.substr(used));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "k" || unit == "kb") shift = 10;
  if (unit == "m" || unit == "mb") shift = 20;
  if (unit == "g" || unit == "gb") shift = 30;
  if (shift < 0 || n < 0) return std::nullopt;
  return n << shift;
}

}  // namespace

Result<EventLogOptions> EventLogOptions::FromConf(const std::map<std::string, std::string>& conf) {
  EventLogOptions options;
  ARROW_ASSIGN_OR_RAISE(options.enabled, Bool(conf, "spark.eventLog.enabled", false));
  ARROW_ASSIGN_OR_RAISE(options.rolling, Bool(conf, "spark.eventLog.rolling.enabled", options.rolling));
  ARROW_ASSIGN_OR_RAISE(options.compress, Bool(conf, "spark.eventLog.compress", options.compress));
  if (auto it = conf.find("spark.app.name"); it != conf.end() && !it->second.empty()) options.app_name = it->second;
  if (auto it = conf.find("spark.eventLog.rolling.maxFileSize"); it != conf.end()) {
    auto bytes = Bytes(it->second);
    // Spark asks for 10m at least; sk8 takes smaller files too (tests roll with them).
    if (!bytes || *bytes < 1024) return BadValue(it->first, it->second, "bytes, at least 1k (e.g. 128m)");
    options.max_file_bytes = *bytes;
  }
  if (auto it = conf.find("spark.eventLog.compression.codec"); it != conf.end() && options.compress) {
    if (Lower(it->second) != "zstd") {
      return BadValue(it->first, it->second,
                      "sk8 writes zstd only (Spark 4's default codec); set zstd or spark.eventLog.compress=false");
    }
  }
  if (auto it = conf.find("spark.eventLog.dir"); it != conf.end()) {
    std::string dir = it->second;
    if (dir.rfind("file:", 0) == 0) {
      dir = dir.substr(5);
      while (dir.rfind("//", 0) == 0) dir = dir.substr(1);
    } else if (dir.find("://") != std::string::npos) {
      options.local = false;
    }
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    options.dir = dir;
  }
  return options;
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const EventLogOptions& options, spark_events::Application app) {
  if (app.start_unix_ms == 0) app.start_unix_ms = UnixNanosNow() / 1000000;
  // Spark's id for an application of a local master.
  if (app.id.empty()) app.id = "local-" + std::to_string(app.start_unix_ms);
  if (app.name.empty()) app.name = options.app_name;
  EventLogLayout layout;
  layout.dir = options.dir;
  layout.app_id = app.id;
  layout.rolling = options.rolling;
  layout.max_file_bytes = options.max_file_bytes;
  layout.compress = options.compress;
  ARROW_ASSIGN_OR_RAISE(auto files, EventLogFiles::Create(layout));
  // The start events are written now: a server that dies before its first
  // query still shows in the History Server.
  ARROW_RETURN_NOT_OK(files->Append(spark_events::ApplicationStartEvents(app)));
  return std::unique_ptr<EventLog>(new EventLog(std::move(app), std::move(files)));
}

EventLog::EventLog(spark_events::Application app, std::unique_ptr<EventLogFiles> files)
    : app_(std::move(app)), files_(std::move(files)) {
  writer_ = std::thread([this] { WriterLoop(); });
}

EventLog::~EventLog() { Close(); }

std::string EventLog::path() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return files_->path();
}

int64_t EventLog::dropped_events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

spark_events::ExecutionIds EventLog::NextIds(const ExecutionRecord& record) {
  spark_events::ExecutionIds ids = next_ids_;
  ++next_ids_.execution;
  ++next_ids_.job;
  ++next_ids_.stage;
  ++next_ids_.task;
  next_ids_.first_accumulator += spark_events::AccumulatorCount(record);
  return ids;
}

void EventLog::Drop(size_t events) {
  dropped_ += static_cast<int64_t>(events);
  ServerMetrics::Instance().Get(M::kTelemetryDropped).With({"event_log"}).Add(static_cast<double>(events));
}

void EventLog::Started(const ExecutionRecord& record) {
  spark_events::ExecutionIds ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;  // its end is dropped (and counted) too
    ids = NextIds(record);
    running_[record.operation_id] = ids;
  }
  Enqueue(spark_events::ExecutionStartEvents(record, ids, app_));
}

void EventLog::Record(const ExecutionRecord& record) {
  spark_events::ExecutionIds ids;
  bool started = false;
  bool closing = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing = closing_;
    if (auto it = running_.find(record.operation_id); it != running_.end()) {
      ids = it->second;
      started = true;
      running_.erase(it);
    } else {
      ids = NextIds(record);
    }
  }
  // The JSON is built outside the lock, on the finished operation's thread.
  auto lines = started ? spark_events::ExecutionEndEvents(record, ids, app_)
                       : spark_events::ExecutionEvents(record, ids, app_);
  if (closing) {
    // An operation that ended while the server stopped: the log has its end.
    std::lock_guard<std::mutex> lock(mutex_);
    Drop(lines.size());
    return;
  }
  Enqueue(std::move(lines));
}

void EventLog::Enqueue(std::vector<std::string> lines) {
  int64_t bytes = 0;
  for (const auto& line : lines) bytes += static_cast<int64_t>(line.size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_ || pending_bytes_ + bytes > kMaxPendingBytes) {
      Drop(lines.size());
      return;
    }
    pending_bytes_ += bytes;
    for (auto& line : lines) pending_.push_back(std::move(line));
  }
  wake_.notify_one();
}

void EventLog::WriterLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return closing_ || !pending_.empty(); });
    if (pending_.empty() && closing_) return;
    std::vector<std::string> batch;
    batch.swap(pending_);
    pending_bytes_ = 0;
    lock.unlock();
    // Each operation's events reach the OS as soon as it ends (Spark flushes at
    // each job's end too), so a crash loses none of the finished ones.
    Status written = files_->Append(batch);
    lock.lock();
    if (!written.ok()) {
      Drop(batch.size());
      if (!write_failed_) LogError("cannot write the event log", {{"error", written.ToString()}});
      write_failed_ = true;
    }
  }
}

void EventLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || closing_) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  Status status = files_->Append({spark_events::ApplicationEnd(UnixNanosNow() / 1000000)});
  if (status.ok()) status = files_->Finish();
  if (!status.ok()) {
    LogError("cannot finish the event log", {{"error", status.ToString()}, {"path", files_->path()}});
    return;
  }
  LogInfo("event log written", {{"path", files_->path()}, {"app_id", app_.id},
                                {"dropped_events", std::to_string(dropped_)}});
}

}  // namespace sk8::observability
