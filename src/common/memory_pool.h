#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/memory_pool.h>

#include "common/spark_error.h"

/// Memory accounting: a tree of budgets (the server, each session, each query),
/// an Arrow MemoryPool that charges a query's allocations to its budget, and
/// reservations for memory that Arrow's allocators do not see (hash tables,
/// accumulators, sort indices). Past a budget an allocation fails with Spark's
/// UNABLE_TO_ACQUIRE_MEMORY, naming the operator and the limit.
namespace sk8 {

constexpr int64_t kNoMemoryLimit = std::numeric_limits<int64_t>::max();

/// One node of the budget tree. Bytes are charged here and at every ancestor,
/// or nowhere: a charge that would take any level past its limit is refused.
class MemoryTracker {
 public:
  /// `label` names the level in errors ("query", "session", "server").
  MemoryTracker(std::string label, int64_t limit, std::shared_ptr<MemoryTracker> parent = nullptr);
  ~MemoryTracker();
  MemoryTracker(const MemoryTracker&) = delete;
  MemoryTracker& operator=(const MemoryTracker&) = delete;

  /// Charges `bytes` (>= 0) here and above. On refusal nothing is charged and the
  /// level whose limit would be passed is returned; nullptr means success.
  const MemoryTracker* TryConsume(int64_t bytes);
  void Release(int64_t bytes);

  const std::string& label() const { return label_; }
  int64_t limit() const { return limit_.load(std::memory_order_relaxed); }
  void set_limit(int64_t limit) { limit_.store(limit, std::memory_order_relaxed); }
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  const std::shared_ptr<MemoryTracker>& parent() const { return parent_; }
  /// The smallest limit on the way to the root: what this level may really use.
  int64_t EffectiveLimit() const;

 private:
  bool ConsumeHere(int64_t bytes);

  const std::string label_;
  std::atomic<int64_t> limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
  const std::shared_ptr<MemoryTracker> parent_;
};

/// The server-wide budget, the root of every session's and query's tracker.
/// Its limit is sk8.memory.limit of `sk8 serve` (DefaultServerMemoryLimit()).
const std::shared_ptr<MemoryTracker>& ServerMemoryTracker();

/// The physical memory, or the cgroup's (container's) memory limit when lower;
/// kNoMemoryLimit when neither is known.
int64_t MachineMemoryBytes();

/// 60% of MachineMemoryBytes().
int64_t DefaultServerMemoryLimit();

/// Names, on this thread, what is allocating (an operator), for errors. The
/// executor sets it around each operator call; scopes nest.
class MemoryScope {
 public:
  explicit MemoryScope(std::string what);
  ~MemoryScope();
  MemoryScope(const MemoryScope&) = delete;
  MemoryScope& operator=(const MemoryScope&) = delete;
  /// The innermost scope's name, or "" outside any.
  static std::string_view Current();

 private:
  const std::string what_;
  std::string_view previous_;
};

/// The UNABLE_TO_ACQUIRE_MEMORY error (StatusCode::OutOfMemory) for `requested`
/// bytes refused at `refused`'s level while `what` was allocating.
Status MemoryLimitExceeded(const MemoryTracker& refused, int64_t requested, std::string_view what);

/// Arrow allocations of one query, charged to its tracker. Wraps another pool
/// (Arrow's default) that does the real allocating.
class QueryMemoryPool final : public arrow::MemoryPool {
 public:
  explicit QueryMemoryPool(std::shared_ptr<MemoryTracker> tracker,
                           arrow::MemoryPool* backing = arrow::default_memory_pool());

  using arrow::MemoryPool::Allocate;
  using arrow::MemoryPool::Free;
  using arrow::MemoryPool::Reallocate;
  Status Allocate(int64_t size, int64_t alignment, uint8_t** out) override;
  Status Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) override;
  void Free(uint8_t* buffer, int64_t size, int64_t alignment) override;
  void ReleaseUnused() override { backing_->ReleaseUnused(); }

  int64_t bytes_allocated() const override { return bytes_.load(std::memory_order_relaxed); }
  int64_t max_memory() const override { return max_bytes_.load(std::memory_order_relaxed); }
  int64_t total_bytes_allocated() const override { return total_bytes_.load(std::memory_order_relaxed); }
  int64_t num_allocations() const override { return allocations_.load(std::memory_order_relaxed); }
  std::string backend_name() const override { return backing_->backend_name(); }

  MemoryTracker& tracker() const { return *tracker_; }

 private:
  Status Charge(int64_t bytes);

  const std::shared_ptr<MemoryTracker> tracker_;
  arrow::MemoryPool* const backing_;
  std::atomic<int64_t> bytes_{0};
  std::atomic<int64_t> max_bytes_{0};
  std::atomic<int64_t> total_bytes_{0};
  std::atomic<int64_t> allocations_{0};
};

/// Keeps a finished query's pool alive while Arrow buffers it allocated are
/// still referenced elsewhere (their Free must find it); pools whose bytes
/// all came back are dropped on later calls.
void RetireQueryPool(std::shared_ptr<QueryMemoryPool> pool);

/// Memory an operator holds outside Arrow's allocators, counted in the same
/// budget as its query's Arrow allocations. Released when destroyed. Without a
/// tracker (tests that build an ExecContext by hand) it only counts.
class MemoryReservation {
 public:
  MemoryReservation() = default;
  MemoryReservation(MemoryTracker* tracker, std::string owner) : tracker_(tracker), owner_(std::move(owner)) {}
  ~MemoryReservation() { Free(); }
  MemoryReservation(MemoryReservation&& other) noexcept;
  MemoryReservation& operator=(MemoryReservation&& other) noexcept;

  /// Adds `bytes`, or fails with UNABLE_TO_ACQUIRE_MEMORY naming the owner.
  Status Grow(int64_t bytes);
  /// Adds `bytes` if the budget allows; false otherwise (the place where an
  /// operator would spill).
  bool TryGrow(int64_t bytes);
  void Shrink(int64_t bytes);
  /// Grows or shrinks to exactly `bytes` (for sizes recomputed after each chunk).
  Status Resize(int64_t bytes);
  void Free() { Shrink(size()); }
  int64_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  MemoryTracker* tracker_ = nullptr;
  std::string owner_;
  std::atomic<int64_t> size_{0};
};

/// "1.5 GiB", "512.0 MiB", "300 bytes": sizes for people.
std::string FormatBytesForHumans(int64_t bytes);
/// Spark's byte string in the largest unit that divides exactly: "4g", "1536m", "1000".
std::string FormatSparkBytes(int64_t bytes);

}  // namespace sk8
