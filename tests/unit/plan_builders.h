// Small builders of unresolved plans and expressions for the unit tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <arrow/compute/initialize.h>

#include "analyzer/analyzer.h"
#include "exec/executor.h"
#include "optimizer/optimizer.h"
#include "plan/expression.h"
#include "plan/logical_plan.h"

namespace sk8::testing {

inline plan::ExprPtr Col(const std::string& name) {
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt);
}
inline plan::ExprPtr Lit(int64_t v) { return std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(v)); }
inline plan::ExprPtr Call(const std::string& name, std::vector<plan::ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(name, std::move(args));
}
inline plan::ExprPtr As(plan::ExprPtr e, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(e), std::vector<std::string>{name});
}
/// An array of `values` (nullopt: NULL) made by an Arrow builder.
template <typename Builder, typename T>
std::shared_ptr<arrow::Array> ArrayOf(const std::vector<std::optional<T>>& values) {
  Builder builder;
  for (const auto& v : values) {
    if (v) {
      EXPECT_TRUE(builder.Append(*v).ok());
    } else {
      EXPECT_TRUE(builder.AppendNull().ok());
    }
  }
  return builder.Finish().ValueOrDie();
}

inline plan::PlanPtr Range(int64_t start, int64_t end, int64_t step = 1) {
  auto node = std::make_shared<plan::RangePlan>();
  node->start = start;
  node->end = end;
  node->step = step;
  return node;
}

/// Analyzes, optimizes and runs `unresolved` on `threads` workers; the result
/// batches in output order, and the output schema in `schema`.
inline std::vector<std::shared_ptr<arrow::RecordBatch>> RunToBatches(const plan::PlanPtr& unresolved, int threads,
                                                                     std::shared_ptr<arrow::Schema>* schema = nullptr) {
  static bool initialized = arrow::compute::Initialize().ok();
  EXPECT_TRUE(initialized);
  analyzer::SessionCatalog catalog;
  analyzer::Analyzer analyzer(&catalog, plan::EvalContext{});
  auto resolved = analyzer.Resolve(unresolved);
  EXPECT_TRUE(resolved.ok()) << resolved.status().ToString();
  if (!resolved.ok()) return {};
  auto optimized = optimizer::Optimize(*resolved).ValueOrDie();
  if (schema) *schema = optimized->schema;
  exec::ExecContext ctx;
  ctx.max_threads = threads;
  auto batches = exec::ExecuteToBatches(*optimized, ctx);
  EXPECT_TRUE(batches.ok()) << batches.status().ToString();
  return batches.ok() ? *batches : std::vector<std::shared_ptr<arrow::RecordBatch>>{};
}

}  // namespace sk8::testing
