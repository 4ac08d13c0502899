#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zstd.h>

#include "common/spark_error.h"

namespace sk8::observability {

/// Where and how one application's event log is written: Spark's two layouts.
/// Single file: <dir>/<appId>[.zstd].inprogress, renamed to <dir>/<appId>[.zstd]
/// at the end. Rolling (Spark 4's default): <dir>/eventlog_v2_<appId>/ holding
/// events_<N>_<appId>[.zstd] files, a new one past `max_file_bytes`, and an
/// appstatus_<appId>.inprogress marker renamed to appstatus_<appId> at the end.
struct EventLogLayout {
  std::string dir;  // a local folder
  std::string app_id;
  bool rolling = true;
  int64_t max_file_bytes = 128LL << 20;
  bool compress = true;  // zstd, Spark's default codec
};

/// The files of one event log. Not thread-safe: the event log's writer thread
/// owns it.
class EventLogFiles {
 public:
  /// Creates the in-progress files; IOError naming the folder when it cannot.
  static Result<std::unique_ptr<EventLogFiles>> Create(const EventLogLayout& layout);
  ~EventLogFiles();
  EventLogFiles(const EventLogFiles&) = delete;
  EventLogFiles& operator=(const EventLogFiles&) = delete;

  /// Writes `lines` (one JSON event each) to the OS: after it returns, a crash
  /// of the server leaves them readable. Compressed, each call is one zstd frame.
  Status Append(const std::vector<std::string>& lines);
  /// Closes the files and gives them their finished names.
  Status Finish();
  /// The file or folder the History Server lists.
  const std::string& path() const { return path_; }

 private:
  explicit EventLogFiles(EventLogLayout layout) : layout_(std::move(layout)) {}
  Status OpenEventFile();
  Status WriteAll(const std::string& bytes);

  EventLogLayout layout_;
  std::string path_;         // single: the in-progress file; rolling: the folder
  std::string status_file_;  // rolling: appstatus_<appId>.inprogress
  int fd_ = -1;
  int file_index_ = 0;       // rolling: N of events_<N>_<appId>
  int64_t file_bytes_ = 0;
  ZSTD_CCtx* zstd_ = nullptr;
  bool finished_ = false;
};

}  // namespace sk8::observability
