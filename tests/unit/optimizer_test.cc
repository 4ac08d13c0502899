// Optimizer rules, each on its own, and the batch runner: column identities
// stay valid through every rewrite (the physical planner can bind them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <arrow/compute/initialize.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <parquet/arrow/writer.h>

#include "analyzer/analyzer.h"
#include "engine/engine.h"
#include "exec/executor.h"
#include "exec/physical_planner.h"
#include "optimizer/cardinality.h"
#include "optimizer/optimizer.h"
#include "optimizer/rule.h"
#include "plan_builders.h"

namespace sk8 {
namespace {

using testing::As;
using testing::Call;
using testing::Col;
using testing::Lit;

plan::PlanPtr Range(int64_t end) { return testing::Range(0, end); }

plan::ResolvedPtr Analyze(const plan::PlanPtr& unresolved) {
  static bool initialized = arrow::compute::Initialize().ok();
  EXPECT_TRUE(initialized);
  analyzer::SessionCatalog catalog;
  analyzer::Analyzer analyzer(&catalog, plan::EvalContext{});
  return analyzer.Resolve(unresolved).ValueOrDie();
}

/// Rows the optimized plan answers, run on 2 threads.
int64_t RowsOf(const plan::ResolvedPlan& optimized) {
  exec::ExecContext ctx;
  ctx.max_threads = 2;
  int64_t rows = 0;
  for (const auto& b : exec::ExecuteToBatches(optimized, ctx).ValueOrDie()) rows += b->num_rows();
  return rows;
}

/// The engine's LocalEvaluator: a plan over the query's own rows, run.
Result<std::shared_ptr<arrow::Table>> RunLocal(const plan::ResolvedPlan& node) {
  exec::ExecContext ctx;
  ARROW_ASSIGN_OR_RAISE(auto batches, exec::ExecuteToBatches(node, ctx));
  if (batches.empty()) return arrow::Table::MakeEmpty(node.schema);
  return arrow::Table::FromRecordBatches(batches[0]->schema(), batches);
}

int CountNodes(const plan::ResolvedPlan& node, plan::ResolvedKind kind) {
  int n = node.kind == kind ? 1 : 0;
  for (const auto& child : node.children) n += CountNodes(*child, kind);
  return n;
}

TEST(Optimizer, CollapseProjectKeepsIdentitiesBindable) {
  // select b + 1 AS c from (select id * 2 AS b from range(10))
  auto inner = plan::MakeUnary<plan::ProjectPlan>(Range(10));
  inner->expressions = {As(Call("*", {Col("id"), Lit(2)}), "b")};
  auto outer = plan::MakeUnary<plan::ProjectPlan>(inner);
  outer->expressions = {As(Call("+", {Col("b"), Lit(1)}), "c")};
  auto analyzed = Analyze(outer);
  auto collapsed = optimizer::MakeCollapseProject()->Apply(analyzed).ValueOrDie();
  EXPECT_EQ(CountNodes(*collapsed, plan::ResolvedKind::kProject), 1);
  EXPECT_EQ(collapsed->column_ids, analyzed->column_ids);  // the output keeps its identity
  EXPECT_TRUE(exec::CreatePhysicalPlan(*collapsed).ok());
}

TEST(Optimizer, UnusedAggregatesArePrunedWithoutRenumbering) {
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(Range(100));
  aggregate->grouping = {As(Call("%", {Col("id"), Lit(3)}), "k")};
  aggregate->aggregates = {As(Call("sum", {Col("id")}), "s"), As(Call("count", {Col("id")}), "n")};
  auto project = plan::MakeUnary<plan::ProjectPlan>(aggregate);
  project->expressions = {Col("k"), Col("n")};
  auto analyzed = Analyze(project);
  // The analyzer puts a projection of the aggregate's output between the two;
  // CollapseProject merges it with ours first, then the aggregates are pruned.
  auto pruned = optimizer::Optimize(analyzed).ValueOrDie();
  ASSERT_EQ(pruned->kind, plan::ResolvedKind::kProject);
  ASSERT_EQ(pruned->child().kind, plan::ResolvedKind::kAggregate);
  EXPECT_EQ(pruned->child().aggregates.size(), 1u);
  EXPECT_EQ(pruned->child().aggregates[0].function_name, "count");
  EXPECT_EQ(pruned->column_ids, analyzed->column_ids);
  EXPECT_TRUE(exec::CreatePhysicalPlan(*pruned).ok());
}

TEST(Optimizer, MixedDistinctAggregatesBecomeJoinedAggregates) {
  // SELECT k, count(DISTINCT id % 5), sum(id), count(DISTINCT id % 7) ... GROUP BY id % 3 AS k
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(Range(100));
  aggregate->grouping = {As(Call("%", {Col("id"), Lit(3)}), "k")};
  auto distinct_of = [](int64_t m) {
    return std::make_shared<plan::FunctionExpr>("count", std::vector<plan::ExprPtr>{Call("%", {Col("id"), Lit(m)})},
                                                /*distinct=*/true);
  };
  aggregate->aggregates = {distinct_of(5), Call("sum", {Col("id")}), distinct_of(7)};
  auto analyzed = Analyze(aggregate);
  auto rewritten = optimizer::MakeRewriteDistinctAggregates()->Apply(analyzed).ValueOrDie();
  // The plain aggregates and each DISTINCT argument list: three aggregates joined on k.
  EXPECT_EQ(CountNodes(*rewritten, plan::ResolvedKind::kJoin), 2);
  EXPECT_EQ(CountNodes(*rewritten, plan::ResolvedKind::kAggregate), 5);
  EXPECT_EQ(rewritten->column_ids, analyzed->column_ids);
  EXPECT_TRUE(rewritten->schema->Equals(*analyzed->schema));
  EXPECT_TRUE(exec::CreatePhysicalPlan(*rewritten).ok());
}

// A rule that lowers a LIMIT by one per application, down to 1.
class CountDownLimit final : public optimizer::NodeRule {
 public:
  explicit CountDownLimit(int* applications) : applications_(applications) {}
  const char* name() const override { return "CountDownLimit"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kLimit || node->limit <= 1) return node;
    ++*applications_;
    auto copy = std::make_shared<plan::ResolvedPlan>(*node);
    copy->limit = node->limit - 1;
    return plan::ResolvedPtr(copy);
  }

 private:
  int* applications_;
};

TEST(Optimizer, BatchRunsToAFixedPointWithinItsLimit) {
  auto limit = plan::MakeUnary<plan::LimitPlan>(Range(100));
  limit->limit = 10;
  auto analyzed = Analyze(limit);
  int applications = 0;
  optimizer::RuleBatch batch{"test", /*max_iterations=*/100, {}};
  batch.rules.push_back(std::make_unique<CountDownLimit>(&applications));
  auto result = optimizer::RunBatch(batch, analyzed).ValueOrDie();
  EXPECT_EQ(result->limit, 1);
  EXPECT_EQ(applications, 9);
  optimizer::RuleBatch once{"once", /*max_iterations=*/1, {}};
  once.rules.push_back(std::make_unique<CountDownLimit>(&applications));
  EXPECT_EQ(optimizer::RunBatch(once, analyzed).ValueOrDie()->limit, 9);
}

TEST(Optimizer, LimitZeroRunsNothing) {
  auto limit = plan::MakeUnary<plan::LimitPlan>(Range(5));
  limit->limit = 0;
  auto optimized = optimizer::Optimize(Analyze(limit)).ValueOrDie();
  EXPECT_EQ(optimized->kind, plan::ResolvedKind::kLocalTable);
  EXPECT_EQ(optimized->table->num_rows(), 0);
}

plan::PlanPtr RangeAs(int64_t end, const std::string& name) {
  auto project = plan::MakeUnary<plan::ProjectPlan>(Range(end));
  project->expressions = {As(Col("id"), name)};
  return project;
}

TEST(Optimizer, OrOfAndsOverACommaJoinBecomesAHashJoinWithThatKey) {
  // FROM a, b WHERE (a = b AND a > 1) OR (a = b AND b < 5), as in TPC-H Q19.
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(100, "a"), RangeAs(100, "b")};
  auto filter = plan::MakeUnary<plan::FilterPlan>(join);
  auto equal = Call("=", {Col("a"), Col("b")});
  filter->condition = Call("or", {Call("and", {equal, Call(">", {Col("a"), Lit(1)})}),
                                  Call("and", {equal, Call("<", {Col("b"), Lit(5)})})});
  auto optimized = optimizer::Optimize(Analyze(filter)).ValueOrDie();
  auto physical = exec::CreatePhysicalPlan(*optimized).ValueOrDie();
  std::string explain = exec::ExplainOperators(*physical);
  EXPECT_NE(explain.find("HashJoin (Inner, keys=[a"), std::string::npos) << explain;
  // and it answers: pairs (a, a) with a > 1 or a < 5 -> all 100
  EXPECT_EQ(RowsOf(*optimized), 100);
}

TEST(Optimizer, ReorderJoinAvoidsACrossProductAndKeepsTheColumnOrder) {
  // FROM a, b, c WHERE a = c AND b = c: written order needs a x b; reordered
  // (a, c, b) every join has a key. SELECT * still sees a, b, c in that order.
  auto ab = std::make_shared<plan::JoinPlan>();
  ab->children = {RangeAs(50, "a"), RangeAs(50, "b")};
  auto abc = std::make_shared<plan::JoinPlan>();
  abc->children = {ab, RangeAs(50, "c")};
  auto filter = plan::MakeUnary<plan::FilterPlan>(abc);
  filter->condition = Call("and", {Call("=", {Col("a"), Col("c")}), Call("=", {Col("b"), Col("c")})});
  auto analyzed = Analyze(filter);
  auto optimized = optimizer::Optimize(analyzed).ValueOrDie();
  auto physical = exec::CreatePhysicalPlan(*optimized).ValueOrDie();
  std::string explain = exec::ExplainOperators(*physical);
  EXPECT_EQ(explain.find("Cross"), std::string::npos) << explain;
  ASSERT_EQ(optimized->schema->num_fields(), 3);
  EXPECT_EQ(optimized->schema->field(0)->name(), "a");
  EXPECT_EQ(optimized->schema->field(1)->name(), "b");
  EXPECT_EQ(optimized->schema->field(2)->name(), "c");
  EXPECT_EQ(RowsOf(*optimized), 50);
}

TEST(Optimizer, ReorderJoinProbesTheLargestRelationAndBuildsTheSmallest) {
  // FROM small, big WHERE small = big: the big range is probed (left), the
  // small one built (right); the output keeps the written column order.
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(10, "small"), RangeAs(100000, "big")};
  auto filter = plan::MakeUnary<plan::FilterPlan>(join);
  filter->condition = Call("=", {Col("small"), Col("big")});
  auto optimized = optimizer::Optimize(Analyze(filter)).ValueOrDie();
  auto physical = exec::CreatePhysicalPlan(*optimized).ValueOrDie();
  std::string explain = exec::ExplainOperators(*physical);
  EXPECT_NE(explain.find("keys=[big"), std::string::npos) << explain;
  ASSERT_EQ(optimized->schema->num_fields(), 2);
  EXPECT_EQ(optimized->schema->field(0)->name(), "small");
}

TEST(Cardinality, EstimatesFromRowCountsSelectivitiesAndKeyDomains) {
  auto big = Analyze(RangeAs(1000000, "k"));
  EXPECT_EQ(optimizer::EstimateRows(*big), 1000000);
  auto filter = plan::MakeUnary<plan::FilterPlan>(RangeAs(1000, "a"));
  filter->condition = Call("=", {Col("a"), Lit(7)});
  EXPECT_NEAR(optimizer::EstimateRows(*Analyze(filter)), 100, 1e-6);  // equality: 10%
  // A foreign key joined to a filtered primary key keeps the filter's share.
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(1000000, "fk"), filter};
  auto joined = plan::MakeUnary<plan::FilterPlan>(join);
  joined->condition = Call("=", {Col("fk"), Col("a")});
  auto optimized = optimizer::Optimize(Analyze(joined)).ValueOrDie();
  const plan::ResolvedPlan* node = optimized.get();
  while (node->kind != plan::ResolvedKind::kJoin) node = &node->child();
  EXPECT_NEAR(optimizer::EstimateRows(*node), 100000, 1);
}

TEST(Optimizer, ConstantFoldingEvaluatesLiteralCallsOnceAndKeepsFailingOnes) {
  // SELECT id + (2 * 3) AS a, 1 / 0 AS b: 2 * 3 folds; 1 / 0 (ANSI) stays a call.
  auto project = plan::MakeUnary<plan::ProjectPlan>(Range(3));
  project->expressions = {As(Call("+", {Col("id"), Call("*", {Lit(2), Lit(3)})}), "a"),
                          As(Call("/", {Lit(1), Lit(0)}), "b")};
  auto analyzed = Analyze(project);
  auto folded = optimizer::MakeConstantFolding(plan::EvalContext{})->Apply(analyzed).ValueOrDie();
  ASSERT_EQ(folded->kind, plan::ResolvedKind::kProject);
  const auto& sum = *folded->expressions[0];
  ASSERT_EQ(sum.kind, plan::BoundKind::kCall);
  EXPECT_EQ(sum.args[1]->kind, plan::BoundKind::kLiteral);
  EXPECT_EQ(sum.args[1]->name, analyzed->expressions[0]->args[1]->name);  // "(2 * 3)" names the column part
  EXPECT_EQ(folded->expressions[1]->kind, plan::BoundKind::kCall);
  EXPECT_EQ(folded->schema->field(0)->name(), "a");
}

TEST(Optimizer, RaiseConstantErrorsFailsOnlyOutsideConditionalBranches) {
  // SELECT 1 / 0 FROM range(0) fails while planning, as in Spark ...
  auto failing = plan::MakeUnary<plan::ProjectPlan>(Range(0));
  failing->expressions = {As(Call("/", {Lit(1), Lit(0)}), "b")};
  ASSERT_TRUE(optimizer::Optimize(Analyze(failing)).ok());  // to describe it (schema, EXPLAIN): no error
  auto status = optimizer::Optimize(Analyze(failing), plan::EvalContext{}, RunLocal).status();
  ASSERT_FALSE(status.ok());
  ASSERT_NE(GetSparkError(status), nullptr);
  EXPECT_EQ(GetSparkError(status)->error_class(), "DIVIDE_BY_ZERO");
  // ... but not in a CASE branch, which may never be taken.
  auto guarded = plan::MakeUnary<plan::ProjectPlan>(Range(3));
  guarded->expressions = {As(Call("when", {Call(">", {Col("id"), Lit(5)}), Call("/", {Lit(1), Lit(0)})}), "b")};
  auto optimized = optimizer::Optimize(Analyze(guarded), plan::EvalContext{}, RunLocal);
  ASSERT_TRUE(optimized.ok()) << optimized.status().ToString();
  EXPECT_EQ(RowsOf(**optimized), 3);
}

TEST(Optimizer, FalseFilterEmptiesTheJoinAboveIt) {
  // range(10) WHERE (1 = 0), inner-joined with range(1000): no rows, and no join left.
  auto filter = plan::MakeUnary<plan::FilterPlan>(RangeAs(10, "a"));
  filter->condition = Call("=", {Lit(1), Lit(0)});
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {filter, RangeAs(1000, "b")};
  auto optimized = optimizer::Optimize(Analyze(join)).ValueOrDie();
  EXPECT_EQ(CountNodes(*optimized, plan::ResolvedKind::kJoin), 0);
  EXPECT_EQ(optimized->kind, plan::ResolvedKind::kLocalTable);
  EXPECT_EQ(optimized->schema->num_fields(), 2);
  EXPECT_EQ(RowsOf(*optimized), 0);
}

TEST(Optimizer, TrueFilterGoes) {
  auto filter = plan::MakeUnary<plan::FilterPlan>(Range(10));
  filter->condition = Call("=", {Lit(1), Lit(1)});
  auto optimized = optimizer::Optimize(Analyze(filter)).ValueOrDie();
  EXPECT_EQ(CountNodes(*optimized, plan::ResolvedKind::kFilter), 0);
  EXPECT_EQ(RowsOf(*optimized), 10);
}

}  // namespace
}  // namespace sk8

namespace sk8 {
namespace {

TEST(Optimizer, OrOverBothSidesFiltersEachSideBeforeTheJoin) {
  // FROM a, b WHERE a = b AND ((a = 1 AND b < 5) OR (a = 2 AND b > 0)), as in
  // TPC-H Q7: each side is filtered by what the OR implies for it.
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(100, "a"), RangeAs(100, "b")};
  auto filter = plan::MakeUnary<plan::FilterPlan>(join);
  auto either = Call("or", {Call("and", {Call("=", {Col("a"), Lit(1)}), Call("<", {Col("b"), Lit(5)})}),
                            Call("and", {Call("=", {Col("a"), Lit(2)}), Call(">", {Col("b"), Lit(0)})})});
  filter->condition = Call("and", {Call("=", {Col("a"), Col("b")}), either});
  auto optimized = optimizer::Optimize(Analyze(filter)).ValueOrDie();
  std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
  EXPECT_NE(explain.find("Filter ((a = 1) OR (a = 2))"), std::string::npos) << explain;
  EXPECT_NE(explain.find("Filter ((b < 5) OR (b > 0))"), std::string::npos) << explain;
  EXPECT_EQ(RowsOf(*optimized), 2);  // (1, 1) and (2, 2)
}

TEST(Optimizer, ReorderJoinJoinsASnowflakeArmIntoItsNeighbourFirst) {
  // FROM fact, dim, sub WHERE fact = dim AND dim = sub AND sub < 3: sub hangs
  // off dim only, so dim JOIN sub is built as one side and fact probes it once.
  auto fd = std::make_shared<plan::JoinPlan>();
  fd->children = {RangeAs(100000, "fact"), RangeAs(1000, "dim")};
  auto fds = std::make_shared<plan::JoinPlan>();
  fds->children = {fd, RangeAs(1000, "sub")};
  auto filter = plan::MakeUnary<plan::FilterPlan>(fds);
  filter->condition = Call("and", {Call("and", {Call("=", {Col("fact"), Col("dim")}), Call("=", {Col("dim"), Col("sub")})}),
                                   Call("<", {Col("sub"), Lit(3)})});
  auto optimized = optimizer::Optimize(Analyze(filter)).ValueOrDie();
  std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
  // One join at the top probed by fact, whose build side is itself a join.
  const auto top = explain.find("HashJoin (Inner, keys=[fact");
  ASSERT_NE(top, std::string::npos) << explain;
  EXPECT_NE(explain.find("HashJoinBuild", top), std::string::npos) << explain;
  EXPECT_NE(explain.find("HashJoin (Inner", explain.find("HashJoinBuild", top)), std::string::npos) << explain;
  ASSERT_EQ(optimized->schema->num_fields(), 3);
  EXPECT_EQ(optimized->schema->field(0)->name(), "fact");
  EXPECT_EQ(RowsOf(*optimized), 3);
}

TEST(Optimizer, OuterJoinConditionOnTheOptionalSideFiltersItFirst) {
  // a LEFT JOIN b ON a = b AND b > 5: b is filtered before the join, a is not.
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(10, "a"), RangeAs(10, "b")};
  join->join_type = plan::JoinType::kLeftOuter;
  join->condition = Call("and", {Call("=", {Col("a"), Col("b")}), Call(">", {Col("b"), Lit(5)})});
  auto optimized = optimizer::Optimize(Analyze(join)).ValueOrDie();
  std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
  EXPECT_NE(explain.find("Filter (b > 5)"), std::string::npos) << explain;
  EXPECT_EQ(RowsOf(*optimized), 10);  // every row of a is kept
}

TEST(Optimizer, AggregateJoinedOnItsKeyIsReducedToTheOtherSidesKeys) {
  // SELECT ... FROM (SELECT f, count(*) FROM fact GROUP BY f) g [LEFT] JOIN dim
  // ON f = d WHERE d = 7 (written dim first): only dim's few keys need a group,
  // so fact is semi-joined with the filtered dim before it is aggregated.
  for (auto type : {plan::JoinType::kInner, plan::JoinType::kLeftOuter}) {
    auto aggregate = plan::MakeUnary<plan::AggregatePlan>(RangeAs(1000000, "f"));
    aggregate->grouping = {Col("f")};
    aggregate->aggregates = {As(Call("count", {Lit(1)}), "n")};
    auto dim = plan::MakeUnary<plan::FilterPlan>(RangeAs(100000, "d"));
    dim->condition = Call("=", {Col("d"), Lit(7)});
    auto join = std::make_shared<plan::JoinPlan>();
    join->children = {dim, aggregate};
    join->join_type = type;
    join->condition = Call("=", {Col("d"), Col("f")});
    auto optimized = optimizer::Optimize(Analyze(join)).ValueOrDie();
    std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
    const auto aggregate_at = explain.find("HashAggregate (keys=[f");
    ASSERT_NE(aggregate_at, std::string::npos) << explain;
    EXPECT_NE(explain.find("HashJoin (LeftSemi, keys=[f", aggregate_at), std::string::npos) << explain;
    EXPECT_EQ(RowsOf(*optimized), 1);  // (7, 7, 1)
  }
  // A full outer join keeps every group: nothing changes.
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(RangeAs(1000000, "f"));
  aggregate->grouping = {Col("f")};
  aggregate->aggregates = {As(Call("count", {Lit(1)}), "n")};
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {RangeAs(1000, "d"), aggregate};
  join->join_type = plan::JoinType::kFullOuter;
  join->condition = Call("=", {Col("d"), Col("f")});
  auto optimized = optimizer::Optimize(Analyze(join)).ValueOrDie();
  std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
  EXPECT_EQ(explain.find("LeftSemi"), std::string::npos) << explain;
}

}  // namespace
}  // namespace sk8

namespace sk8 {
namespace {

TEST(Cardinality, RangeFiltersOverParquetUseTheFootersMinAndMax) {
  // d in [0, 1000) in 4 row groups; d >= 100 AND d < 300 keeps about 20%.
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < 1000; ++i) ASSERT_TRUE(builder.Append(i).ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("d", arrow::int64())}), {builder.Finish().ValueOrDie()});
  const auto path = (std::filesystem::temp_directory_path() / ("sk8_ranges_" + std::to_string(::getpid()) + ".parquet")).string();
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 250).ok());
  ASSERT_TRUE(out->Close().ok());
  auto source = std::make_shared<plan::DataSourcePlan>();
  source->format = "parquet";
  source->paths = {path};
  auto filter = plan::MakeUnary<plan::FilterPlan>(source);
  filter->condition = Call("and", {Call(">=", {Col("d"), Lit(100)}), Call("<", {Col("d"), Lit(300)})});
  EXPECT_NEAR(optimizer::EstimateRows(*Analyze(filter)), 1000 * 200.0 / 999, 1);
  // Outside the range: nothing (at least one row, as every estimate).
  auto none = plan::MakeUnary<plan::FilterPlan>(source);
  none->condition = Call(">", {Col("d"), Lit(5000)});
  EXPECT_NEAR(optimizer::EstimateRows(*Analyze(none)), 1, 1e-9);
  std::filesystem::remove(path);
}


TEST(Optimizer, SampledFilterSelectivityBuildsTheFewJoinedRows) {
  // fact (200K rows, k = i % 1000, tag 'rare' on 1 row in 100) joined to dim
  // (15K rows): WHERE tag = 'rare' keeps 2K fact rows, but the fixed guess for
  // an equality (10%) says 20K, more than dim. Measured on a sample, the
  // filtered fact rows are the fewer, so they are built and dim probes them.
  const auto dir = std::filesystem::temp_directory_path() / ("sk8_sample_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::shared_ptr<arrow::Table>& table) {
    const auto path = (dir / (name + ".parquet")).string();
    auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
    EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 50000).ok());
    EXPECT_TRUE(out->Close().ok());
    return path;
  };
  arrow::Int64Builder keys, dim_keys;
  arrow::StringBuilder tags;
  for (int64_t i = 0; i < 200000; ++i) {
    ASSERT_TRUE(keys.Append(i % 1000).ok());
    ASSERT_TRUE(tags.Append(i % 100 == 0 ? "rare" : "common").ok());
  }
  for (int64_t i = 0; i < 15000; ++i) ASSERT_TRUE(dim_keys.Append(i).ok());
  auto fact_path = write("fact", arrow::Table::Make(arrow::schema({arrow::field("k", arrow::int64()),
                                                                    arrow::field("tag", arrow::utf8())}),
                                                     {keys.Finish().ValueOrDie(), tags.Finish().ValueOrDie()}));
  auto dim_path = write("dim", arrow::Table::Make(arrow::schema({arrow::field("d", arrow::int64())}),
                                                   {dim_keys.Finish().ValueOrDie()}));
  auto scan = [](const std::string& path) {
    auto source = std::make_shared<plan::DataSourcePlan>();
    source->format = "parquet";
    source->paths = {path};
    return source;
  };
  auto filtered = plan::MakeUnary<plan::FilterPlan>(scan(fact_path));
  filtered->condition = Call("=", {Col("tag"), std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(std::string("rare")))});
  auto join = std::make_shared<plan::JoinPlan>();
  join->children = {filtered, scan(dim_path)};
  auto filter = plan::MakeUnary<plan::FilterPlan>(join);
  filter->condition = Call("=", {Col("k"), Col("d")});
  ASSERT_TRUE(arrow::compute::Initialize().ok());
  analyzer::SessionCatalog catalog;
  engine::QueryContext ctx;
  ctx.catalog = &catalog;
  auto optimized = engine::AnalyzeAndOptimize(filter, ctx, /*to_run=*/true).ValueOrDie();
  const plan::ResolvedPlan* node = optimized.get();
  while (node->kind != plan::ResolvedKind::kJoin) node = &node->child();
  // Probed (left): dim's scan; built (right): the filtered fact rows, measured.
  EXPECT_EQ(node->child(0).kind, plan::ResolvedKind::kFileScan) << plan::ExplainString(*optimized);
  ASSERT_EQ(node->child(1).kind, plan::ResolvedKind::kFilter) << plan::ExplainString(*optimized);
  EXPECT_EQ(optimized->schema->field(0)->name(), "k");  // the written column order
  EXPECT_EQ(RowsOf(*optimized), 2000);
  std::filesystem::remove_all(dir);
}

TEST(PhysicalPlanner, AnIdenticalAggregateIsComputedOnceAndReused) {
  // (SELECT id % 3 AS k, sum(id) AS s ...) x (the same) x (sum(id * 2) AS s):
  // the second is the first's result; the third differs only in its argument,
  // behind the same names, and is computed.
  auto aggregate_of = [](plan::ExprPtr summed) {
    auto aggregate = plan::MakeUnary<plan::AggregatePlan>(Range(100000));
    aggregate->grouping = {As(Call("%", {Col("id"), Lit(3)}), "k")};
    aggregate->aggregates = {As(Call("sum", {summed}), "s")};
    return aggregate;
  };
  auto first = std::make_shared<plan::JoinPlan>();
  first->children = {aggregate_of(Col("id")), aggregate_of(Col("id"))};
  auto both = std::make_shared<plan::JoinPlan>();
  both->children = {first, aggregate_of(Call("*", {Col("id"), Lit(2)}))};
  auto optimized = optimizer::Optimize(Analyze(both)).ValueOrDie();
  std::string explain = exec::ExplainOperators(*exec::CreatePhysicalPlan(*optimized).ValueOrDie());
  const auto reused = explain.find("ReusedResult");
  ASSERT_NE(reused, std::string::npos) << explain;
  EXPECT_EQ(explain.find("ReusedResult", reused + 1), std::string::npos) << explain;
  for (int threads : {1, 3}) {
    exec::ExecContext ctx;
    ctx.max_threads = threads;
    auto batches = exec::ExecuteToBatches(*optimized, ctx).ValueOrDie();
    auto table = arrow::Table::FromRecordBatches(optimized->schema, batches).ValueOrDie();
    ASSERT_EQ(table->num_rows(), 27);
    auto total = [&](int column) {
      int64_t sum = 0;
      for (const auto& chunk : table->column(column)->chunks()) {
        const auto& values = static_cast<const arrow::Int64Array&>(*chunk);
        for (int64_t i = 0; i < values.length(); ++i) sum += values.Value(i);
      }
      return sum;
    };
    // Each s appears 9 times (once per row of the other two sides).
    EXPECT_EQ(total(1), 9 * (int64_t{99999} * 100000 / 2));
    EXPECT_EQ(total(3), 9 * (int64_t{99999} * 100000 / 2));
    EXPECT_EQ(total(5), 9 * (int64_t{99999} * 100000));
  }
}

}  // namespace
}  // namespace sk8
