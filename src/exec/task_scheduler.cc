#include "exec/task_scheduler.h"

#include <algorithm>
#include <cstdlib>

namespace sk8::exec {

TaskScheduler& TaskScheduler::Instance() {
  static TaskScheduler* scheduler = [] {
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (const char* env = std::getenv("SK8_THREADS")) threads = std::max(1, std::atoi(env));
    return new TaskScheduler(threads);  // lives for the process; workers never join at exit
  }();
  return *scheduler;
}

TaskScheduler::TaskScheduler(int num_threads) {
  for (int i = 0; i < num_threads; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

TaskScheduler::~TaskScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void TaskScheduler::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void TaskScheduler::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace sk8::exec
