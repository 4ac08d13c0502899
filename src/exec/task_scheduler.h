#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/spark_error.h"

namespace sk8::exec {

/// A fixed pool of worker threads shared by all queries. Pipelines submit one
/// task per worker slot; each task pulls morsels until its source is drained.
class TaskScheduler {
 public:
  static TaskScheduler& Instance();

  explicit TaskScheduler(int num_threads);
  ~TaskScheduler();

  int num_threads() const { return static_cast<int>(threads_.size()); }
  void Submit(std::function<void()> task);

 private:
  void WorkerLoop();

  std::mutex mutex_;
  std::condition_variable cv_;
  // Each task with when it was queued, for the queue-wait metric.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// Runs task(0) .. task(num_tasks - 1) on the calling thread and up to
/// `max_threads` - 1 pool workers, which pull task indices until none are left;
/// returns the first error (later tasks are skipped once one fails or
/// `cancelled` is set). The caller never waits for a worker to start: when the
/// pool is busy it runs every task itself, so calling this from a pool worker
/// cannot deadlock. This is how a sink's Finalize uses all threads (merging
/// partitions of a hash table, building a join's index).
Status ParallelFor(int64_t num_tasks, int max_threads, const std::function<Status(int64_t)>& task,
                   const std::atomic<bool>* cancelled = nullptr);

}  // namespace sk8::exec
