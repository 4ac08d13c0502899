#include "exec/task_scheduler.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "common/memory_pool.h"
#include "observability/metrics.h"

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
    queue_.emplace_back(std::chrono::steady_clock::now(), std::move(task));
  }
  cv_.notify_one();
}

void TaskScheduler::WorkerLoop() {
  auto& metrics = observability::ServerMetrics::Instance();
  while (true) {
    std::function<void()> task;
    std::chrono::steady_clock::time_point queued;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      queued = queue_.front().first;
      task = std::move(queue_.front().second);
      queue_.pop_front();
    }
    metrics.TaskDequeued(std::chrono::duration<double>(std::chrono::steady_clock::now() - queued).count());
    metrics.WorkerBusy(1);
    task();
    metrics.WorkerBusy(-1);
  }
}

namespace {

/// What ParallelFor's runners share; owned jointly, so that a worker that starts
/// after the caller returned finds no task left and touches nothing else.
struct ParallelTasks {
  std::function<Status(int64_t)> task;
  int64_t num_tasks = 0;
  const std::atomic<bool>* cancelled = nullptr;
  std::string scope;  // the caller's MemoryScope, for errors raised by workers
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::condition_variable done_cv;
  int64_t done = 0;  // tasks claimed and finished (or skipped)
  Status first_error;

  void Run() {
    MemoryScope memory_scope(scope);
    while (true) {
      const int64_t index = next.fetch_add(1);
      if (index >= num_tasks) return;
      Status status;
      if (failed.load(std::memory_order_relaxed) ||
          (cancelled != nullptr && cancelled->load(std::memory_order_relaxed))) {
        status = Status::OK();  // skipped: the caller reports the failure or cancellation
      } else {
        status = task(index);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok() && first_error.ok()) {
        first_error = status;
        failed = true;
      }
      if (++done == num_tasks) done_cv.notify_all();
    }
  }
};

}  // namespace

Status ParallelFor(int64_t num_tasks, int max_threads, const std::function<Status(int64_t)>& task,
                   const std::atomic<bool>* cancelled) {
  if (num_tasks <= 0) return Status::OK();
  auto shared = std::make_shared<ParallelTasks>();
  shared->task = task;
  shared->num_tasks = num_tasks;
  shared->cancelled = cancelled;
  shared->scope = std::string(MemoryScope::Current());
  const int64_t helpers = std::min<int64_t>(num_tasks, std::max(1, max_threads)) - 1;
  for (int64_t i = 0; i < helpers; ++i) TaskScheduler::Instance().Submit([shared] { shared->Run(); });
  shared->Run();
  std::unique_lock<std::mutex> lock(shared->mutex);
  shared->done_cv.wait(lock, [&] { return shared->done == num_tasks; });
  ARROW_RETURN_NOT_OK(shared->first_error);
  if (cancelled != nullptr && cancelled->load()) return Status::Cancelled("operation cancelled");
  return Status::OK();
}

}  // namespace sk8::exec
