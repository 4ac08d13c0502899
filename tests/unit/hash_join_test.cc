// Hash join through analyzer, optimizer, planner and executor: one thread and
// many give the same rows; NULL keys never match under `=` but do under `<=>`;
// NaN matches NaN and -0.0 matches 0.0 (Spark normalizes join keys); a skewed
// key and a few million probe rows; empty sides.
#include <gtest/gtest.h>

#include <arrow/api.h>
#include <arrow/compute/initialize.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

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

TEST(HashJoin, PartitionedBuildMatchesAReferenceForEveryJoinType) {
  // Both sides large enough for a build in several hash partitions, with NULL
  // keys and a skewed key (7) on both sides; counts checked against maps.
  const int64_t n = 300000;
  auto left_key = [](int64_t i) -> std::optional<int64_t> {
    if (i % 997 == 0) return std::nullopt;
    return i % 101 == 0 ? 7 : i % 150000;
  };
  auto right_key = [](int64_t i) -> std::optional<int64_t> {
    if (i % 1009 == 0) return std::nullopt;
    return i % 1013 == 0 ? 7 : (i * 3) % 200000;
  };
  std::unordered_map<int64_t, int64_t> left_count, right_count;
  int64_t left_nulls = 0, right_nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (auto k = left_key(i)) ++left_count[*k]; else ++left_nulls;
    if (auto k = right_key(i)) ++right_count[*k]; else ++right_nulls;
  }
  int64_t inner = 0, left_matched = 0, right_matched = 0;
  for (const auto& [k, c] : left_count) {
    auto it = right_count.find(k);
    if (it == right_count.end()) continue;
    inner += c * it->second;
    left_matched += c;
    right_matched += it->second;
  }
  const struct {
    plan::JoinType type;
    const char* op;
    int64_t rows;
  } cases[] = {
      {plan::JoinType::kInner, "=", inner},
      {plan::JoinType::kInner, "<=>", inner + left_nulls * right_nulls},
      {plan::JoinType::kLeftOuter, "=", inner + n - left_matched},
      {plan::JoinType::kRightOuter, "=", inner + n - right_matched},
      {plan::JoinType::kFullOuter, "=", inner + 2 * n - left_matched - right_matched},
      {plan::JoinType::kLeftSemi, "=", left_matched},
      {plan::JoinType::kLeftAnti, "=", n - left_matched},
  };
  auto left = Local("a", Longs(n, left_key));
  auto right = Local("b", Longs(n, right_key));
  for (const auto& c : cases) {
    auto counted = std::make_shared<plan::ProjectPlan>();
    counted->expressions = {Call("count", {testing::Lit(1)})};
    counted->children = {Join(left, right, c.type, Call(c.op, {Col("a"), Col("b")}))};
    for (int threads : {1, 4}) {
      EXPECT_EQ(RunRows(counted, threads), (std::vector<std::string>{std::to_string(c.rows)}))
          << plan::JoinTypeName(c.type) << " " << c.op << " on " << threads << " threads";
    }
  }
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

namespace sk8 {
namespace {

TEST(HashJoin, OneProbeChunkMatchingManyRowsComesOutInBoundedChunks) {
  // The probe side of an outer join is its preserved side: 2,000 rows (one
  // chunk), ids 0..999 matching 500 rows each of the other side's 500,000,
  // ids 1000..1999 none: 501,000 rows, delivered in chunks of about 64K rows
  // (whole probe rows each), the same on one thread and many.
  auto aliased = [](int64_t end, const std::string& alias) {
    auto node = std::make_shared<plan::SubqueryAliasPlan>();
    node->alias = alias;
    node->children = {testing::Range(0, end)};
    return node;
  };
  auto qualified = [](const std::string& table) {
    return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{table, "id"}, std::nullopt);
  };
  auto many_matches = Call("=", {qualified("small"), Call("%", {qualified("big"), testing::Lit(1000)})});
  auto left_outer = Join(aliased(2000, "small"), aliased(500000, "big"), plan::JoinType::kLeftOuter, many_matches);
  auto right_outer = Join(aliased(500000, "big"), aliased(2000, "small"), plan::JoinType::kRightOuter, many_matches);
  for (const auto& join : {left_outer, right_outer}) {
    for (int threads : {1, 3}) {
      int64_t rows = 0;
      int64_t largest = 0;
      for (const auto& batch : testing::RunToBatches(join, threads)) {
        rows += batch->num_rows();
        largest = std::max(largest, batch->num_rows());
      }
      EXPECT_EQ(rows, 501000) << threads;
      EXPECT_LE(largest, 64 * 1024 + 500) << threads;
    }
  }
}

}  // namespace
}  // namespace sk8

namespace sk8 {
namespace {

TEST(HashJoin, SemiAndAntiJoinsBuildingTheirSmallLeftSideMatchABruteForceAnswer) {
  // 300 left rows (keys 0..149 twice, every 7th NULL) against 20,000 right rows
  // (keys 0..99, each 200 times, with a value): the left side is the smaller,
  // so it is built and the right side streams. With and without a residual.
  auto left = Local("a", Longs(300, [](int64_t i) -> std::optional<int64_t> {
    if (i % 7 == 0) return std::nullopt;
    return i % 150;
  }));
  arrow::Int64Builder keys, values;
  for (int64_t i = 0; i < 20000; ++i) {
    ASSERT_TRUE(keys.Append(i % 100).ok());
    ASSERT_TRUE(values.Append(i / 100).ok());  // 0..199
  }
  auto right_table = arrow::Table::Make(arrow::schema({arrow::field("b", arrow::int64()), arrow::field("w", arrow::int64())}),
                                        {keys.Finish().ValueOrDie(), values.Finish().ValueOrDie()});
  auto right = std::make_shared<plan::LocalRelationPlan>();
  right->data = right_table;
  auto key_only = Call("=", {Col("a"), Col("b")});
  // residual: some right row of the key has w > 2a (true for a < 100 only when 2a < 199)
  auto with_residual = Call("and", {key_only, Call(">", {Col("w"), Call("*", {Col("a"), testing::Lit(2)})})});
  for (auto type : {plan::JoinType::kLeftSemi, plan::JoinType::kLeftAnti}) {
    for (const auto& condition : {key_only, with_residual}) {
      std::vector<std::string> expected;
      for (int64_t i = 0; i < 300; ++i) {
        bool matched = false;
        if (i % 7 != 0) {
          const int64_t a = i % 150;
          matched = a < 100 && (condition == key_only || 199 > 2 * a);
        }
        if (matched == (type == plan::JoinType::kLeftSemi)) {
          expected.push_back(i % 7 == 0 ? "null" : std::to_string(i % 150));
        }
      }
      std::sort(expected.begin(), expected.end());
      for (int threads : {1, 3}) {
        EXPECT_EQ(RunRows(Join(left, right, type, condition), threads), expected)
            << plan::JoinTypeName(type) << " threads=" << threads;
      }
    }
  }
}

}  // namespace
}  // namespace sk8
