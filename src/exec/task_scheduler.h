#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sk8::exec
