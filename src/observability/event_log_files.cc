#include "observability/event_log_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sk8::observability {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

std::string Suffix(const EventLogLayout& layout) { return layout.compress ? ".zstd" : ""; }

}  // namespace

Result<std::unique_ptr<EventLogFiles>> EventLogFiles::Create(const EventLogLayout& layout) {
  struct stat info {};
  if (::stat(layout.dir.c_str(), &info) != 0) {
    return Status::IOError("event log folder " + layout.dir + " does not exist: create it, or point " +
                           "spark.eventLog.dir elsewhere (" + std::strerror(errno) + ")");
  }
  if (!S_ISDIR(info.st_mode)) return Status::IOError("event log folder " + layout.dir + " is not a folder");
  std::unique_ptr<EventLogFiles> files(new EventLogFiles(layout));
  // Spark's permissions: the History Server's group may read (rwxrwx---).
  if (layout.rolling) {
    files->path_ = layout.dir + "/eventlog_v2_" + layout.app_id;
    if (::mkdir(files->path_.c_str(), 0770) != 0) {
      return Status::IOError("cannot write to the event log folder " + layout.dir + " (spark.eventLog.dir): " +
                             "creating " + files->path_ + ": " + std::strerror(errno));
    }
    files->status_file_ = files->path_ + "/appstatus_" + layout.app_id + ".inprogress";
    int fd = ::open(files->status_file_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0660);
    if (fd < 0) return Errno("cannot create", files->status_file_);
    ::close(fd);
  } else {
    files->path_ = layout.dir + "/" + layout.app_id + Suffix(layout) + ".inprogress";
  }
  if (layout.compress) {
    files->zstd_ = ZSTD_createCCtx();
    if (files->zstd_ == nullptr) return Status::OutOfMemory("zstd context");
    // Spark's spark.io.compression.zstd.level default.
    ZSTD_CCtx_setParameter(files->zstd_, ZSTD_c_compressionLevel, 1);
  }
  Status opened = files->OpenEventFile();
  if (!opened.ok()) {
    return Status::IOError("cannot write to the event log folder " + layout.dir + " (spark.eventLog.dir): " +
                           opened.message());
  }
  return files;
}

EventLogFiles::~EventLogFiles() {
  if (fd_ >= 0) ::close(fd_);
  if (zstd_ != nullptr) ZSTD_freeCCtx(zstd_);
}

Status EventLogFiles::OpenEventFile() {
  std::string file = path_;
  if (layout_.rolling) {
    file = path_ + "/events_" + std::to_string(++file_index_) + "_" + layout_.app_id + Suffix(layout_);
  }
  int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_APPEND | O_CLOEXEC, 0660);
  if (fd < 0) return Errno("cannot create", file);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  file_bytes_ = 0;
  return Status::OK();
}

Status EventLogFiles::WriteAll(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write the event log", path_);
    done += static_cast<size_t>(n);
  }
  file_bytes_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

Status EventLogFiles::Append(const std::vector<std::string>& lines) {
  if (finished_ || lines.empty()) return Status::OK();
  // The next file starts at an event boundary, as Spark's rolling writer's do.
  if (layout_.rolling && file_bytes_ > 0 && file_bytes_ >= layout_.max_file_bytes) {
    ARROW_RETURN_NOT_OK(OpenEventFile());
  }
  std::string text;
  for (const auto& line : lines) {
    text += line;
    text += '\n';
  }
  if (zstd_ == nullptr) return WriteAll(text);
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  size_t size = ZSTD_compress2(zstd_, frame.data(), frame.size(), text.data(), text.size());
  if (ZSTD_isError(size)) return Status::IOError("zstd: ", ZSTD_getErrorName(size));
  frame.resize(size);
  return WriteAll(frame);
}

Status EventLogFiles::Finish() {
  if (finished_) return Status::OK();
  finished_ = true;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (layout_.rolling) {
    std::string done = path_ + "/appstatus_" + layout_.app_id;
    if (::rename(status_file_.c_str(), done.c_str()) != 0) return Errno("cannot rename", status_file_);
    return Status::OK();
  }
  const std::string suffix = ".inprogress";
  std::string done = path_.substr(0, path_.size() - suffix.size());
  if (::rename(path_.c_str(), done.c_str()) != 0) return Errno("cannot rename", path_);
  path_ = done;
  return Status::OK();
}

}  // namespace sk8::observability
