// Memory accounting: the budget tree (server > session > query), the query's
// Arrow pool, reservations, and a query that runs out of its budget.
#include <gtest/gtest.h>

#include <arrow/buffer.h>

#include "common/memory_pool.h"
#include "engine/engine.h"
#include "plan_builders.h"

namespace sk8 {
namespace {

using testing::Call;
using testing::Col;
using testing::Lit;
using testing::Range;

TEST(MemoryTracker, ChargesEveryLevelOrNone) {
  auto server = std::make_shared<MemoryTracker>("server", 1000);
  auto session = std::make_shared<MemoryTracker>("session", 600, server);
  auto query = std::make_shared<MemoryTracker>("query", 500, session);
  auto other = std::make_shared<MemoryTracker>("query", 500, session);

  EXPECT_EQ(query->TryConsume(400), nullptr);
  EXPECT_EQ(query->used(), 400);
  EXPECT_EQ(session->used(), 400);
  EXPECT_EQ(server->used(), 400);
  // Past the query's own limit: refused there, nothing charged anywhere.
  EXPECT_EQ(query->TryConsume(200), query.get());
  EXPECT_EQ(query->used(), 400);
  EXPECT_EQ(server->used(), 400);
  // The other query fits its own limit but not the session's.
  EXPECT_EQ(other->TryConsume(300), session.get());
  EXPECT_EQ(other->used(), 0);
  EXPECT_EQ(session->used(), 400);
  EXPECT_EQ(other->TryConsume(200), nullptr);
  EXPECT_EQ(query->EffectiveLimit(), 500);

  query->Release(400);
  EXPECT_EQ(query->used(), 0);
  EXPECT_EQ(query->peak(), 400);
  EXPECT_EQ(session->used(), 200);
  EXPECT_EQ(session->peak(), 600);
  other.reset();  // a level that goes away gives back what it still holds
  EXPECT_EQ(session->used(), 0);
  EXPECT_EQ(server->used(), 0);
}

TEST(QueryMemoryPool, CountsPeakAndRefusesPastTheBudget) {
  auto session = std::make_shared<MemoryTracker>("session", 1 << 20);
  auto tracker = std::make_shared<MemoryTracker>("query", 1 << 20, session);
  QueryMemoryPool pool(tracker);
  {
    auto a = arrow::AllocateBuffer(300 << 10, &pool).ValueOrDie();
    auto b = arrow::AllocateResizableBuffer(100 << 10, &pool).ValueOrDie();
    ASSERT_TRUE(b->Resize(400 << 10).ok());
    EXPECT_EQ(pool.bytes_allocated(), 700 << 10);
    EXPECT_EQ(session->used(), 700 << 10);

    MemoryScope scope("HashAggregate");
    auto refused = arrow::AllocateBuffer(400 << 10, &pool);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.status().IsOutOfMemory());
    const SparkErrorDetail* detail = GetSparkError(refused.status());
    ASSERT_NE(detail, nullptr);
    EXPECT_EQ(detail->error_class(), "UNABLE_TO_ACQUIRE_MEMORY");
    EXPECT_EQ(detail->sql_state(), "53200");
    EXPECT_EQ(detail->JvmClassHierarchy().front(), "org.apache.spark.memory.SparkOutOfMemoryError");
    EXPECT_EQ(detail->parameters().front(), (std::pair<std::string, std::string>{"requestedBytes", "409600"}));
    const std::string& message = refused.status().message();
    EXPECT_EQ(message.rfind("[UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 409600 bytes of memory, got 0.", 0), 0u)
        << message;
    EXPECT_NE(message.find("HashAggregate"), std::string::npos) << message;
    EXPECT_NE(message.find("sk8.memory.limit"), std::string::npos) << message;
    EXPECT_NE(message.find("1.0 MiB"), std::string::npos) << message;
    EXPECT_EQ(pool.bytes_allocated(), 700 << 10);  // a refusal charges nothing
  }
  EXPECT_EQ(pool.bytes_allocated(), 0);
  EXPECT_EQ(pool.max_memory(), 700 << 10);
  EXPECT_EQ(session->used(), 0);
  EXPECT_EQ(tracker->peak(), 700 << 10);
}

TEST(MemoryReservation, GrowShrinkAndReleaseOnDestruction) {
  auto tracker = std::make_shared<MemoryTracker>("query", 1000);
  {
    MemoryReservation table(tracker.get(), "HashJoinBuild");
    ASSERT_TRUE(table.Grow(600).ok());
    EXPECT_FALSE(table.TryGrow(500));  // where spilling would start
    EXPECT_EQ(table.size(), 600);
    auto status = table.Grow(500);
    ASSERT_TRUE(status.IsOutOfMemory());
    EXPECT_NE(status.message().find("HashJoinBuild"), std::string::npos);
    table.Shrink(100);
    EXPECT_EQ(tracker->used(), 500);
    ASSERT_TRUE(table.Resize(800).ok());
    EXPECT_EQ(tracker->used(), 800);
    MemoryReservation moved = std::move(table);
    EXPECT_EQ(moved.size(), 800);
    EXPECT_EQ(tracker->used(), 800);
    ASSERT_TRUE(moved.Resize(100).ok());
    EXPECT_EQ(tracker->used(), 100);
  }
  EXPECT_EQ(tracker->used(), 0);
  EXPECT_EQ(tracker->peak(), 800);

  MemoryReservation unbound;  // no tracker: counts only
  EXPECT_TRUE(unbound.Grow(int64_t{1} << 40).ok());
}

TEST(MemoryFormat, SparkAndHumanUnits) {
  EXPECT_EQ(FormatSparkBytes(int64_t{4} << 30), "4g");
  EXPECT_EQ(FormatSparkBytes(int64_t{1536} << 20), "1536m");
  EXPECT_EQ(FormatSparkBytes(1000), "1000");
  EXPECT_EQ(FormatBytesForHumans(512), "512 bytes");
  EXPECT_EQ(FormatBytesForHumans(int64_t{3} << 29), "1.5 GiB");
  EXPECT_GT(DefaultServerMemoryLimit(), 0);
}

/// A groupBy with a million groups under `limit` bytes for its session.
Status RunManyGroups(const std::shared_ptr<MemoryTracker>& session, engine::QueryMemoryStats* stats) {
  static bool initialized = arrow::compute::Initialize().ok();
  EXPECT_TRUE(initialized);
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(Range(0, 3000000));
  aggregate->grouping = {Call("%", {Col("id"), Lit(1000000)})};
  aggregate->aggregates = {Call("count", {Col("id")}), Call("sum", {Col("id")})};
  analyzer::SessionCatalog catalog;
  engine::QueryContext ctx;
  ctx.catalog = &catalog;
  ctx.memory = session;
  ARROW_ASSIGN_OR_RAISE(auto optimized, engine::AnalyzeAndOptimize(aggregate, ctx));
  int64_t rows = 0;
  ARROW_RETURN_NOT_OK(engine::Execute(
      *optimized, ctx,
      [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
        rows += batch->num_rows();
        return Status::OK();
      },
      stats));
  EXPECT_EQ(rows, 1000000);
  return Status::OK();
}

TEST(QueryMemory, AQueryPastItsBudgetFailsAndGivesEverythingBack) {
  auto session = std::make_shared<MemoryTracker>("session", 1 << 20, ServerMemoryTracker());
  engine::QueryMemoryStats stats;
  Status status = RunManyGroups(session, &stats);
  ASSERT_TRUE(status.IsOutOfMemory()) << status.ToString();
  const SparkErrorDetail* detail = GetSparkError(status);
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->error_class(), "UNABLE_TO_ACQUIRE_MEMORY");
  // Whichever operator allocated last is named: the aggregate's table, or the
  // scan's next morsel once the table holds most of the budget.
  EXPECT_TRUE(status.message().find("HashAggregate needed") != std::string::npos ||
              status.message().find("Range needed") != std::string::npos)
      << status.message();
  EXPECT_EQ(session->used(), 0);
  EXPECT_LE(stats.peak_bytes, 1 << 20);
  EXPECT_EQ(stats.limit_bytes, 1 << 20);

  // The same session, its limit raised: the query answers, and its peak shows.
  session->set_limit(int64_t{1} << 30);
  ASSERT_TRUE(RunManyGroups(session, &stats).ok());
  EXPECT_GT(stats.peak_bytes, 1 << 20);
  EXPECT_EQ(session->used(), 0);
  EXPECT_EQ(ServerMemoryTracker()->used(), 0);
}

}  // namespace
}  // namespace sk8
