#pragma once

#include <atomic>
#include <string>

#include "analyzer/catalog.h"
#include "exec/executor.h"
#include "plan/logical_plan.h"
#include "plan/resolved_plan.h"

/// The engine facade: what the server (or any other front end) calls. An
/// unresolved plan goes in (from Spark Connect protos or SQL text); analyzed,
/// optimized and physical plans, EXPLAIN text and result batches come out. The
/// layers below (analyzer, optimizer, exec) are not called from outside it.
namespace sk8::engine {

/// What a query needs from the session it runs in.
struct QueryContext {
  const analyzer::SessionCatalog* catalog = nullptr;
  plan::EvalContext eval;
  /// Set when the query is interrupted; the executor checks it between morsels.
  const std::atomic<bool>* cancelled = nullptr;
};

/// Names, types, functions and column identities resolved, not yet optimized
/// (what Spark's Dataset.isLocal and similar questions look at).
Result<plan::ResolvedPtr> Analyze(const plan::PlanPtr& unresolved, const QueryContext& ctx);

/// Analyzed and optimized: the plan that runs.
Result<plan::ResolvedPtr> AnalyzeAndOptimize(const plan::PlanPtr& unresolved, const QueryContext& ctx);

enum class ExplainMode { kSimple, kExtended };

/// Spark-style EXPLAIN text of an optimized plan: the physical operators, and in
/// extended mode the optimized logical plan first.
Result<std::string> Explain(const plan::ResolvedPlan& optimized, ExplainMode mode);

/// Runs an optimized plan on the shared worker pool; result batches reach
/// `on_batch` in output order as soon as each is ready.
Status Execute(const plan::ResolvedPlan& optimized, const QueryContext& ctx, const exec::BatchCallback& on_batch);

}  // namespace sk8::engine
