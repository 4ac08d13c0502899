// The worker pool takes turns between queries: a pool worker runs a pipeline
// for a time slice, then queues it again behind other queries' work, so a
// query started while a long one holds every pool worker still gets pool
// workers before the long one ends (not only its own calling thread).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <arrow/api.h>

#include "exec/executor.h"
#include "exec/operators.h"
#include "exec/task_scheduler.h"

namespace sk8 {
namespace {

/// A source of `morsels` one-row chunks, each taking about a millisecond
/// (sleeping, so the test does not depend on how busy the cores are); it
/// records which threads produced its chunks while `other_running` was set.
class SlowSource : public exec::PhysicalOperator {
 public:
  struct Observed {
    std::mutex mutex;
    std::set<std::thread::id> threads_while_other_runs;
  };
  SlowSource(int64_t morsels, const std::atomic<bool>* other_running, Observed* observed)
      : PhysicalOperator(arrow::schema({arrow::field("x", arrow::int64())}), {}),
        morsels_(morsels), other_running_(other_running), observed_(observed) {}

  struct State : exec::GlobalSourceState {
    std::atomic<int64_t> next{0};
    int MaxThreads() const override { return 8; }
  };
  std::string name() const override { return "SlowSource"; }
  bool IsSource() const override { return true; }
  Result<std::unique_ptr<exec::GlobalSourceState>> InitSource(exec::ExecContext&) const override {
    return std::make_unique<State>();
  }
  Result<exec::SourceResult> GetData(exec::ExecContext&, exec::GlobalSourceState& global, exec::LocalSourceState&,
                                     exec::DataChunk* out) const override {
    auto& state = static_cast<State&>(global);
    const int64_t index = state.next.fetch_add(1);
    if (index >= morsels_) return exec::SourceResult::kFinished;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (observed_ && other_running_ && other_running_->load()) {
      std::lock_guard<std::mutex> lock(observed_->mutex);
      observed_->threads_while_other_runs.insert(std::this_thread::get_id());
    }
    arrow::Int64Builder builder;
    ARROW_RETURN_NOT_OK(builder.Append(index));
    ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
    out->batch = arrow::RecordBatch::Make(schema(), 1, {array});
    out->selection.reset();
    out->batch_index = index;
    return exec::SourceResult::kHaveMore;
  }

 private:
  int64_t morsels_;
  const std::atomic<bool>* other_running_;
  Observed* observed_;
};

int64_t RunToCount(const exec::PhysicalOperator& root, int threads) {
  exec::ExecContext ctx;
  ctx.max_threads = threads;
  int64_t rows = 0;
  auto status = exec::ExecuteOperators(root, ctx, [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
    rows += batch->num_rows();
    return Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows;
}

TEST(Scheduler, AQueryStartedDuringALongOneGetsPoolWorkersBeforeItEnds) {
  const int pool = exec::TaskScheduler::Instance().num_threads();
  std::atomic<bool> long_running{true};
  // Long: every pool worker plus its own thread, for well over a second.
  SlowSource long_source(/*morsels=*/1500 * (pool + 1), nullptr, nullptr);
  std::atomic<int64_t> long_rows{0};
  std::thread long_query([&] {
    long_rows = RunToCount(long_source, pool + 1);
    long_running = false;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the long one holds the pool
  ASSERT_TRUE(long_running.load());
  SlowSource::Observed observed;
  SlowSource short_source(/*morsels=*/300, &long_running, &observed);
  EXPECT_EQ(RunToCount(short_source, pool + 1), 300);
  long_query.join();
  EXPECT_EQ(long_rows.load(), 1500 * (pool + 1));
  // Its own thread and at least one pool worker produced chunks while the long query ran.
  EXPECT_GE(observed.threads_while_other_runs.size(), 2u);
}

}  // namespace
}  // namespace sk8
