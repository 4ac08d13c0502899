#include "common/memory_pool.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <vector>

namespace sk8 {

// ---------------------------------------------------------------------------
// MemoryTracker

MemoryTracker::MemoryTracker(std::string label, int64_t limit, std::shared_ptr<MemoryTracker> parent)
    : label_(std::move(label)), limit_(limit), parent_(std::move(parent)) {}

MemoryTracker::~MemoryTracker() {
  // Whatever is still charged here leaves the ancestors' books with this level.
  if (parent_ != nullptr && used() > 0) parent_->Release(used());
}

bool MemoryTracker::ConsumeHere(int64_t bytes) {
  int64_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (bytes > 0 && now > limit()) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    return false;
  }
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return true;
}

const MemoryTracker* MemoryTracker::TryConsume(int64_t bytes) {
  if (bytes <= 0) return nullptr;
  for (MemoryTracker* level = this; level != nullptr; level = level->parent_.get()) {
    if (level->ConsumeHere(bytes)) continue;
    for (MemoryTracker* undo = this; undo != level; undo = undo->parent_.get()) {
      undo->used_.fetch_sub(bytes, std::memory_order_relaxed);
    }
    return level;
  }
  return nullptr;
}

void MemoryTracker::Release(int64_t bytes) {
  if (bytes <= 0) return;
  for (MemoryTracker* level = this; level != nullptr; level = level->parent_.get()) {
    level->used_.fetch_sub(bytes, std::memory_order_relaxed);
  }
}

int64_t MemoryTracker::EffectiveLimit() const {
  int64_t limit = kNoMemoryLimit;
  for (const MemoryTracker* level = this; level != nullptr; level = level->parent_.get()) {
    limit = std::min(limit, level->limit());
  }
  return limit;
}

namespace {

int64_t ReadLimitFile(const char* path) {
  std::ifstream file(path);
  std::string text;
  if (!file || !(file >> text) || text == "max") return kNoMemoryLimit;
  try {
    return std::stoll(text);
  } catch (...) {
    return kNoMemoryLimit;
  }
}

}  // namespace

int64_t MachineMemoryBytes() {
  int64_t physical = kNoMemoryLimit;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) physical = static_cast<int64_t>(pages) * page_size;
  // A container's limit is what the kernel enforces: cgroup v2, then v1.
  int64_t cgroup = std::min(ReadLimitFile("/sys/fs/cgroup/memory.max"),
                            ReadLimitFile("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
  return std::min(physical, cgroup);
}

int64_t DefaultServerMemoryLimit() {
  int64_t total = MachineMemoryBytes();
  if (total == kNoMemoryLimit) return kNoMemoryLimit;
  return total / 10 * 6;
}

const std::shared_ptr<MemoryTracker>& ServerMemoryTracker() {
  static const std::shared_ptr<MemoryTracker> server =
      std::make_shared<MemoryTracker>("server", DefaultServerMemoryLimit());
  return server;
}

// ---------------------------------------------------------------------------
// MemoryScope

namespace {
thread_local std::string_view t_memory_scope;
}  // namespace

MemoryScope::MemoryScope(std::string what) : what_(std::move(what)), previous_(t_memory_scope) {
  t_memory_scope = what_;
}
MemoryScope::~MemoryScope() { t_memory_scope = previous_; }
std::string_view MemoryScope::Current() { return t_memory_scope; }

// ---------------------------------------------------------------------------
// Errors and formatting

std::string FormatBytesForHumans(int64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string FormatSparkBytes(int64_t bytes) {
  static const std::pair<const char*, int> kUnits[] = {{"p", 50}, {"t", 40}, {"g", 30}, {"m", 20}, {"k", 10}};
  for (const auto& [suffix, shift] : kUnits) {
    int64_t unit = int64_t{1} << shift;
    if (bytes > 0 && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes);
}

Status MemoryLimitExceeded(const MemoryTracker& refused, int64_t requested, std::string_view what) {
  std::string limit_text = refused.limit() == kNoMemoryLimit ? "no limit" : FormatBytesForHumans(refused.limit());
  std::string whose;
  if (refused.label() == "server") {
    whose = "the server's memory budget (sk8.memory.limit of sk8 serve, shared by all sessions)";
  } else if (refused.label() == "session") {
    whose = "the session's memory limit (sk8.memory.limit, shared by the session's running queries)";
  } else {
    whose = "the query's memory limit (sk8.memory.limit)";
  }
  std::string hint = std::string(what.empty() ? "The query" : what) + " needed " + FormatBytesForHumans(requested) +
                     " more while " + FormatBytesForHumans(refused.used()) + " of " + limit_text + " were in use: " +
                     whose + " is reached. Raise sk8.memory.limit (spark.conf.set(\"sk8.memory.limit\", \"4g\"), " +
                     "up to the server's budget set by `sk8 serve --conf sk8.memory.limit=...`) or reduce the data " +
                     "the query holds at once (filter or aggregate earlier, fewer groups, a smaller join side).";
  MessageParameters params{{"requestedBytes", std::to_string(requested)}, {"receivedBytes", "0"}};
  // Spark's message, then what sk8 knows about the operator and the limit.
  std::string message = FormatSparkMessage("UNABLE_TO_ACQUIRE_MEMORY", params);
  size_t sql_state = message.rfind(" SQLSTATE: ");
  message.insert(sql_state == std::string::npos ? message.size() : sql_state, " " + hint);
  auto detail = std::make_shared<SparkErrorDetail>(SparkExceptionKind::kOutOfMemory, "UNABLE_TO_ACQUIRE_MEMORY",
                                                   std::move(params), "53200");
  return Status(arrow::StatusCode::OutOfMemory, std::move(message), std::move(detail));
}

// ---------------------------------------------------------------------------
// QueryMemoryPool

QueryMemoryPool::QueryMemoryPool(std::shared_ptr<MemoryTracker> tracker, arrow::MemoryPool* backing)
    : tracker_(std::move(tracker)), backing_(backing) {}

Status QueryMemoryPool::Charge(int64_t bytes) {
  if (const MemoryTracker* refused = tracker_->TryConsume(bytes)) {
    return MemoryLimitExceeded(*refused, bytes, MemoryScope::Current());
  }
  int64_t now = bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = max_bytes_.load(std::memory_order_relaxed);
  while (now > peak && !max_bytes_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return Status::OK();
}

Status QueryMemoryPool::Allocate(int64_t size, int64_t alignment, uint8_t** out) {
  ARROW_RETURN_NOT_OK(Charge(size));
  Status status = backing_->Allocate(size, alignment, out);
  if (!status.ok()) {
    bytes_.fetch_sub(size, std::memory_order_relaxed);
    tracker_->Release(size);
    return status;
  }
  total_bytes_.fetch_add(size, std::memory_order_relaxed);
  allocations_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status QueryMemoryPool::Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) {
  int64_t growth = new_size - old_size;
  if (growth > 0) ARROW_RETURN_NOT_OK(Charge(growth));
  Status status = backing_->Reallocate(old_size, new_size, alignment, ptr);
  if (!status.ok()) {
    if (growth > 0) {
      bytes_.fetch_sub(growth, std::memory_order_relaxed);
      tracker_->Release(growth);
    }
    return status;
  }
  if (growth < 0) {
    bytes_.fetch_add(growth, std::memory_order_relaxed);
    tracker_->Release(-growth);
  } else {
    total_bytes_.fetch_add(growth, std::memory_order_relaxed);
  }
  allocations_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

void QueryMemoryPool::Free(uint8_t* buffer, int64_t size, int64_t alignment) {
  backing_->Free(buffer, size, alignment);
  bytes_.fetch_sub(size, std::memory_order_relaxed);
  tracker_->Release(size);
}

void RetireQueryPool(std::shared_ptr<QueryMemoryPool> pool) {
  static std::mutex mutex;
  static std::vector<std::shared_ptr<QueryMemoryPool>> retired;
  std::lock_guard<std::mutex> lock(mutex);
  std::erase_if(retired, [](const auto& p) { return p->bytes_allocated() == 0; });
  if (pool != nullptr && pool->bytes_allocated() != 0) retired.push_back(std::move(pool));
}

// ---------------------------------------------------------------------------
// MemoryReservation

MemoryReservation::MemoryReservation(MemoryReservation&& other) noexcept
    : tracker_(other.tracker_), owner_(std::move(other.owner_)), size_(other.size_.exchange(0)) {}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& other) noexcept {
  if (this != &other) {
    Free();
    tracker_ = other.tracker_;
    owner_ = std::move(other.owner_);
    size_ = other.size_.exchange(0);
  }
  return *this;
}

bool MemoryReservation::TryGrow(int64_t bytes) {
  if (bytes <= 0) return true;
  if (tracker_ != nullptr && tracker_->TryConsume(bytes) != nullptr) return false;
  size_.fetch_add(bytes, std::memory_order_relaxed);
  return true;
}

Status MemoryReservation::Grow(int64_t bytes) {
  if (bytes <= 0) return Status::OK();
  if (tracker_ != nullptr) {
    if (const MemoryTracker* refused = tracker_->TryConsume(bytes)) {
      return MemoryLimitExceeded(*refused, bytes, owner_.empty() ? MemoryScope::Current() : owner_);
    }
  }
  size_.fetch_add(bytes, std::memory_order_relaxed);
  return Status::OK();
}

void MemoryReservation::Shrink(int64_t bytes) {
  bytes = std::min(bytes, size());
  if (bytes <= 0) return;
  size_.fetch_sub(bytes, std::memory_order_relaxed);
  if (tracker_ != nullptr) tracker_->Release(bytes);
}

Status MemoryReservation::Resize(int64_t bytes) {
  int64_t delta = bytes - size();
  if (delta > 0) return Grow(delta);
  Shrink(-delta);
  return Status::OK();
}

}  // namespace sk8
