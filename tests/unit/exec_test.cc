// Executor tests: the same plan on one thread and on many must give the same
// answer, in the same order where Spark defines one.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/initialize.h>

#include "analyzer/analyzer.h"
#include "exec/executor.h"
#include "exec/show_string.h"
#include "optimizer/optimizer.h"
#include "plan_builders.h"

namespace sk8 {
namespace {

using testing::Call;
using testing::Col;
using testing::Lit;
using testing::Range;

std::shared_ptr<arrow::Table> RunPlan(const plan::PlanPtr& unresolved, int threads) {
  std::shared_ptr<arrow::Schema> schema;
  auto batches = testing::RunToBatches(unresolved, threads, &schema);
  return arrow::Table::FromRecordBatches(schema, batches).ValueOrDie();
}

TEST(Executor, FilterCountSerialAndParallel) {
  // count(id) where id % 7 = 0 over 1M rows: many morsels, several workers.
  auto filter = plan::MakeUnary<plan::FilterPlan>(Range(0, 1000000));
  filter->condition = Call("==", {Call("%", {Col("id"), Lit(7)}), Lit(0)});
  auto project = plan::MakeUnary<plan::ProjectPlan>(filter);
  project->expressions = {Call("count", {Col("id")}), Call("sum", {Col("id")})};
  for (int threads : {1, 2, 8}) {
    auto table = RunPlan(project, threads);
    ASSERT_EQ(table->num_rows(), 1);
    EXPECT_EQ(table->column(0)->GetScalar(0).ValueOrDie()->ToString(), "142858");
    EXPECT_EQ(table->column(1)->GetScalar(0).ValueOrDie()->ToString(), "71428928571");
    EXPECT_EQ(table->schema()->field(0)->name(), "count(id)");
  }
}

TEST(Executor, LimitKeepsSourceOrderOnManyThreads) {
  auto limit = plan::MakeUnary<plan::LimitPlan>(Range(0, 1000000));
  limit->limit = 70000;  // more than one morsel
  for (int threads : {1, 4}) {
    auto table = RunPlan(limit, threads);
    ASSERT_EQ(table->num_rows(), 70000);
    auto ids = std::static_pointer_cast<arrow::Int64Array>(table->CombineChunks().ValueOrDie()->column(0)->chunk(0));
    for (int64_t i = 0; i < ids->length(); ++i) ASSERT_EQ(ids->Value(i), i);
  }
}

TEST(Executor, GroupByMergesPartials) {
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(Range(0, 300000));
  aggregate->grouping = {Call("%", {Col("id"), Lit(3)})};
  aggregate->aggregates = {Call("count", {Col("id")})};
  auto sort = plan::MakeUnary<plan::SortPlan>(aggregate);
  sort->order = {Col("(id % 3)")};
  for (int threads : {1, 3}) {
    auto table = RunPlan(sort, threads)->CombineChunks().ValueOrDie();
    ASSERT_EQ(table->num_rows(), 3);
    for (int g = 0; g < 3; ++g) {
      EXPECT_EQ(table->column(0)->GetScalar(g).ValueOrDie()->ToString(), std::to_string(g));
      EXPECT_EQ(table->column(1)->GetScalar(g).ValueOrDie()->ToString(), "100000");
    }
  }
}

/// The rows of a result, sorted (an aggregate's output order is not defined).
std::vector<std::string> SortedRows(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches) {
  std::vector<std::string> rows;
  for (const auto& batch : batches) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < batch->num_columns(); ++c) row += batch->column(c)->GetScalar(r).ValueOrDie()->ToString() + "|";
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST(Executor, PartitionedAggregateMergeAgreesOnOneAndManyThreads) {
  // Many groups (several partitions, several output batches), a skewed group
  // (every even id), all-NULL keys, and a filter that leaves no rows.
  const int64_t n = 600000;
  auto skewed = plan::MakeUnary<plan::AggregatePlan>(Range(0, n));
  skewed->grouping = {Call("*", {Col("id"), Call("%", {Col("id"), Lit(2)})})};  // every even id is group 0
  skewed->aggregates = {Call("count", {Col("id")}), Call("max", {Col("id")})};
  auto nulls = plan::MakeUnary<plan::AggregatePlan>(Range(0, n));
  auto null_long = std::make_shared<plan::LiteralExpr>(arrow::MakeNullScalar(arrow::int64()));
  nulls->grouping = {Call("+", {Col("id"), null_long})};
  nulls->aggregates = {Call("count", {Col("id")})};
  auto empty_input = plan::MakeUnary<plan::FilterPlan>(Range(0, n));
  empty_input->condition = Call("<", {Col("id"), Lit(0)});
  auto empty = plan::MakeUnary<plan::AggregatePlan>(empty_input);
  empty->grouping = {Col("id")};
  empty->aggregates = {Call("count", {Col("id")})};

  auto one = testing::RunToBatches(skewed, 1), many = testing::RunToBatches(skewed, 4);
  EXPECT_GT(many.size(), 1u);  // partitions become batches for the next pipeline
  auto rows = SortedRows(one);
  ASSERT_EQ(rows.size(), static_cast<size_t>(n / 2 + 1));
  EXPECT_EQ(rows, SortedRows(many));
  EXPECT_NE(std::find(rows.begin(), rows.end(), "0|300000|599998|"), rows.end());
  for (int threads : {1, 4}) {
    EXPECT_EQ(SortedRows(testing::RunToBatches(nulls, threads)), (std::vector<std::string>{"null|600000|"}));
    EXPECT_TRUE(SortedRows(testing::RunToBatches(empty, threads)).empty());
  }
}

/// fn(args) OVER (PARTITION BY partition ORDER BY order [ROWS BETWEEN lower AND upper]).
plan::ExprPtr Over(plan::ExprPtr function, std::vector<plan::ExprPtr> partition, std::vector<plan::ExprPtr> order,
                   std::optional<std::pair<int64_t, int64_t>> rows = std::nullopt) {
  auto window = std::make_shared<plan::WindowExpr>();
  window->function = std::move(function);
  window->partition_spec = std::move(partition);
  for (auto& o : order) window->order_spec.push_back(std::make_shared<plan::SortOrderExpr>(o, true, true));
  if (rows) {
    plan::WindowFrame frame;
    frame.lower.kind = frame.upper.kind = plan::WindowFrameBoundary::Kind::kValue;
    frame.lower.value = Lit(rows->first);
    frame.upper.value = Lit(rows->second);
    window->frame = frame;
  }
  return window;
}

TEST(Executor, WindowAgreesOnOneAndManyThreads) {
  // Several partitions (tasks of whole partitions on several threads) and one
  // large partition (sorted by all threads, then merged).
  const int64_t n = 300000;
  auto group = Call("%", {Col("id"), Lit(5)});
  auto descending = std::make_shared<plan::SortOrderExpr>(Col("id"), false, false);
  auto project = plan::MakeUnary<plan::ProjectPlan>(Range(0, n));
  auto row_number = std::make_shared<plan::WindowExpr>();
  row_number->function = Call("row_number", {});
  row_number->partition_spec = {group};
  row_number->order_spec = {descending};
  project->expressions = {
      Col("id"), row_number, Over(Call("sum", {Col("id")}), {group}, {Col("id")}, std::make_pair(-2, 2)),
      Over(Call("lag", {Col("id"), Lit(3)}), {group}, {Col("id")}),
      Over(Call("rank", {}), {}, {Call("%", {Col("id"), Lit(1000)})}),
      Over(Call("count", {Col("id")}), {}, {})};
  auto one = SortedRows(testing::RunToBatches(project, 1));
  ASSERT_EQ(one.size(), static_cast<size_t>(n));
  for (int threads : {2, 4}) EXPECT_EQ(SortedRows(testing::RunToBatches(project, threads)), one);
  // id 299999 is the last of group 4: row_number 1 in descending order; its
  // frame holds ids 299989, 299994, 299999; lag 3 is 299984; 300 ids share its
  // id % 1000, 299700 come before them.
  EXPECT_NE(std::find(one.begin(), one.end(), "299999|1|899982|299984|299701|300000|"), one.end());
  // id 0: the first of group 0, no row 3 before it.
  EXPECT_NE(std::find(one.begin(), one.end(), "0|60000|15|null|1|300000|"), one.end());
}

TEST(Executor, RangeWithNegativeStepAndEmptyRange) {
  auto table = RunPlan(Range(10, 0, -3), 2)->CombineChunks().ValueOrDie();
  ASSERT_EQ(table->num_rows(), 4);  // 10, 7, 4, 1
  EXPECT_EQ(table->column(0)->GetScalar(3).ValueOrDie()->ToString(), "1");
  EXPECT_EQ(RunPlan(Range(5, 5), 2)->num_rows(), 0);
}

TEST(ShowString, MatchesSparkLayout) {
  arrow::Int64Builder ids;
  ASSERT_TRUE(ids.AppendValues({1, 22}).ok());
  arrow::StringBuilder names;
  ASSERT_TRUE(names.Append("a much longer name here").ok());
  ASSERT_TRUE(names.AppendNull().ok());
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto batch = arrow::RecordBatch::Make(schema, 2, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
  auto text = exec::FormatShowString({batch}, *schema, 1, 20, false, plan::EvalContext{}).ValueOrDie();
  EXPECT_EQ(text,
            "+---+--------------------+\n"
            "| id|                name|\n"
            "+---+--------------------+\n"
            "|  1|a much longer nam...|\n"
            "+---+--------------------+\n"
            "only showing top 1 row");
  auto vertical = exec::FormatShowString({batch}, *schema, 20, 0, true, plan::EvalContext{}).ValueOrDie();
  EXPECT_EQ(vertical.substr(0, vertical.find('\n')), "-RECORD 0-----------------------");
}

}  // namespace
}  // namespace sk8
