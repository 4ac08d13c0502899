// Hash join through analyzer, optimizer, planner and executor: one thread and
// many give the same rows; NULL keys never match under `=` but do under `<=>`;
// NaN matches NaN and -0.0 matches 0.0 (Spark normalizes join keys); a skewed
// key and a few million probe rows; empty sides.
#include <gtest/gtest.h>

#include <arrow/api.h>
#include <arrow/compute/initialize.h>

#include <algorithm>
#include <cmath>

#include "analyzer/analyzer.h"
#include "exec/executor.h"
#include "optimizer/optimizer.h"
#include "plan_builders.h"

namespace sk8 {
namespace {

using testing::Call;
using testing::Col;

plan::PlanPtr Local(const std::string& name, const std::shared_ptr<arrow::Array>& values) {
  auto node = std::make_shared<plan::LocalRelationPlan>();
  node->data = arrow::Table::Make(arrow::schema({arrow::field(name, values->type())}), {values});
  return node;
}

plan::PlanPtr Join(plan::PlanPtr left, plan::PlanPtr right, plan::JoinType type, plan::ExprPtr condition) {
  auto join = std::make_shared<plan::JoinPlan>();
  join->join_type = type;
  join->condition = std::move(condition);
  join->children = {std::move(left), std::move(right)};
  return join;
}

/// The result rows as sorted strings (join output order is not defined).
std::vector<std::string> RunRows(const plan::PlanPtr& unresolved, int threads) {
  std::vector<std::string> rows;
  for (const auto& batch : testing::RunToBatches(unresolved, threads)) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < batch->num_columns(); ++c) {
        row += (c ? "|" : "") + batch->column(c)->GetScalar(r).ValueOrDie()->ToString();
      }
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::shared_ptr<arrow::Array> Doubles(const std::vector<std::optional<double>>& values) {
  return testing::ArrayOf<arrow::DoubleBuilder>(values);
}

std::shared_ptr<arrow::Array> Longs(int64_t n, const std::function<std::optional<int64_t>(int64_t)>& value) {
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < n; ++i) {
    auto v = value(i);
    if (v) {
      EXPECT_TRUE(builder.Append(*v).ok());
    } else {
      EXPECT_TRUE(builder.AppendNull().ok());
    }
  }
  return builder.Finish().ValueOrDie();
}

TEST(HashJoin, NanAndNegativeZeroKeysMatchNullsOnlyNullSafe) {
  const double nan = std::nan("");
  auto left = Local("a", Doubles({nan, -0.0, 1.0, std::nullopt}));
  auto right = Local("b", Doubles({nan, 0.0, std::nullopt}));
  auto equal = RunRows(Join(left, right, plan::JoinType::kInner, Call("=", {Col("a"), Col("b")})), 2);
  EXPECT_EQ(equal, (std::vector<std::string>{"-0|0", "nan|nan"}));
  auto null_safe = RunRows(Join(left, right, plan::JoinType::kInner, Call("<=>", {Col("a"), Col("b")})), 2);
  EXPECT_EQ(null_safe, (std::vector<std::string>{"-0|0", "nan|nan", "null|null"}));
  auto anti = RunRows(Join(left, right, plan::JoinType::kLeftAnti, Call("=", {Col("a"), Col("b")})), 2);
  EXPECT_EQ(anti, (std::vector<std::string>{"1", "null"}));
}

TEST(HashJoin, AllNullKeysMatchNothingButOuterSidesKeepTheirRows) {
  auto left = Local("a", Longs(3, [](int64_t) { return std::nullopt; }));
  auto right = Local("b", Longs(2, [](int64_t) { return std::nullopt; }));
  auto condition = Call("=", {Col("a"), Col("b")});
  EXPECT_TRUE(RunRows(Join(left, right, plan::JoinType::kInner, condition), 2).empty());
  EXPECT_EQ(RunRows(Join(left, right, plan::JoinType::kFullOuter, condition), 2).size(), 5u);
  EXPECT_EQ(RunRows(Join(left, right, plan::JoinType::kRightOuter, condition), 2).size(), 2u);
}

TEST(HashJoin, SkewedKeyAndMillionsOfProbeRowsSerialAndParallel) {
  // 2M probe rows, 90% of them on key 0; the build side has key 0 twice.
  const int64_t n = 2000000;
  auto left = Local("a", Longs(n, [](int64_t i) -> std::optional<int64_t> { return i % 10 == 0 ? i : 0; }));
  auto right = Local("b", Longs(1002, [](int64_t i) -> std::optional<int64_t> { return i < 2 ? 0 : (i - 1) * 10; }));
  auto join = Join(left, right, plan::JoinType::kInner, Call("=", {Col("a"), Col("b")}));
  auto counted = std::make_shared<plan::ProjectPlan>();
  counted->expressions = {Call("count", {Col("a")})};
  counted->children = {join};
  auto one = RunRows(counted, 1);
  auto many = RunRows(counted, 4);
  EXPECT_EQ(one, many);
  // key 0: 1,800,000 probe rows (and row 0) x 2 build rows; keys 10..10000: one each.
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], std::to_string((1800000 + 1) * 2 + 1000));
}

TEST(HashJoin, EmptySides) {
  auto empty = Local("a", Longs(0, [](int64_t) { return std::nullopt; }));
  auto some = Local("b", Longs(3, [](int64_t i) -> std::optional<int64_t> { return i; }));
  auto condition = Call("=", {Col("a"), Col("b")});
  EXPECT_TRUE(RunRows(Join(empty, some, plan::JoinType::kInner, condition), 2).empty());
  EXPECT_TRUE(RunRows(Join(empty, some, plan::JoinType::kLeftOuter, condition), 2).empty());
  EXPECT_EQ(RunRows(Join(empty, some, plan::JoinType::kFullOuter, condition), 2),
            (std::vector<std::string>{"null|0", "null|1", "null|2"}));
  auto right_empty = Local("c", Longs(0, [](int64_t) { return std::nullopt; }));
  EXPECT_EQ(RunRows(Join(some, right_empty, plan::JoinType::kLeftAnti, Call("=", {Col("b"), Col("c")})), 2),
            (std::vector<std::string>{"0", "1", "2"}));
}

}  // namespace
}  // namespace sk8
