#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/spark_error.h"
#include "observability/event_log_files.h"
#include "observability/execution_record.h"
#include "observability/spark_events.h"

/// Spark event logs that the real Spark History Server reads. One application
/// per server run (not per session): the History Server lists applications,
/// and a server's sessions come and go by the thousand; one application keeps
/// its list short and matches Spark Connect's own server, whose sessions share
/// one SparkContext. Sessions are in each execution's details and job tags.
namespace sk8::observability {

/// spark.eventLog.* as Spark reads them, with Spark 4's defaults.
struct EventLogOptions {
  bool enabled = false;                   // spark.eventLog.enabled
  std::string dir = "/tmp/spark-events";  // spark.eventLog.dir (file: URI or path)
  bool rolling = true;                    // spark.eventLog.rolling.enabled
  int64_t max_file_bytes = 128LL << 20;   // spark.eventLog.rolling.maxFileSize
  bool compress = true;                   // spark.eventLog.compress
  std::string app_name = "sk8";           // spark.app.name
  /// False for a bucket URI (s3a://, gs://, abfss://): sk8 writes local folders
  /// only, so such a log is not written (the server says so at start).
  bool local = true;

  /// From the server's settings; Invalid, naming the setting, for a value Spark
  /// would refuse and for a codec sk8 cannot write (all but zstd).
  static Result<EventLogOptions> FromConf(const std::map<std::string, std::string>& conf);
};

class EventLog {
 public:
  /// Opens this run's log and writes the application's start; IOError naming
  /// the folder when it cannot be written (Spark's SparkContext fails to start
  /// then too). `app.id` and `app.start_unix_ms` are filled in when empty.
  static Result<std::unique_ptr<EventLog>> Open(const EventLogOptions& options, spark_events::Application app);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  /// An operation's plan starts running (`record` has its plan, no outcome):
  /// queues the execution's start, so a long query shows as running and a
  /// crash leaves it so.
  void Started(const ExecutionRecord& record);
  /// Queues the events of one finished operation (its end, or all of them when
  /// it never reported a start) and wakes the writer: the caller never waits
  /// for the disk. Dropped (and counted) when the writer is far behind or the
  /// log is closed.
  void Record(const ExecutionRecord& record);
  /// Writes SparkListenerApplicationEnd, drains the queue and renames the files
  /// to their finished names. Later records are dropped.
  void Close();

  const std::string& app_id() const { return app_.id; }
  const std::string& app_name() const { return app_.name; }
  /// The in-progress file or folder.
  std::string path() const;
  int64_t dropped_events() const;

 private:
  EventLog(spark_events::Application app, std::unique_ptr<EventLogFiles> files);
  void WriterLoop();
  void Enqueue(std::vector<std::string> lines);
  void Drop(size_t events);  // with mutex_ held
  spark_events::ExecutionIds NextIds(const ExecutionRecord& record);  // with mutex_ held

  const spark_events::Application app_;
  std::unique_ptr<EventLogFiles> files_;  // the writer thread's, after Open

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> pending_;
  int64_t pending_bytes_ = 0;
  bool closing_ = false;
  bool closed_ = false;
  int64_t dropped_ = 0;
  bool write_failed_ = false;
  spark_events::ExecutionIds next_ids_;
  /// Executions started and not ended, by operation id.
  std::map<std::string, spark_events::ExecutionIds> running_;
  std::thread writer_;
};

}  // namespace sk8::observability
