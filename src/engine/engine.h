#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "analyzer/catalog.h"
#include "common/memory_pool.h"
#include "exec/executor.h"
#include "io/file_writer.h"
#include "observability/query_profile.h"
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
  /// The budget the query draws from (its session's, below the server's);
  /// nullptr: the server's budget directly.
  std::shared_ptr<MemoryTracker> memory;
  /// The session's Hadoop confs (s3a endpoint, credentials) that file reads and
  /// writes open their paths with; null: none.
  io::StorageConfPtr storage_conf;
  /// Steps (analyze, optimize, execute) are timed into this when set (traces).
  std::vector<observability::QueryPhase>* phases = nullptr;
  /// Count each operator's rows into QueryMemoryStats::plan (event log,
  /// traces); off, a query pays nothing for it.
  bool profile_operators = false;
  /// With profile_operators: called with the physical plan (no rows yet) and its
  /// EXPLAIN text just before it runs.
  std::function<void(std::shared_ptr<const observability::OperatorProfile>, std::string)> on_plan;
};

/// What a query's memory came to: its peak (Arrow allocations and
/// reservations together) and the limit it ran under.
struct QueryMemoryStats {
  int64_t peak_bytes = 0;
  int64_t limit_bytes = 0;
  /// What its scans produced (rows, Arrow bytes) and its threads' CPU time.
  int64_t rows_read = 0;
  int64_t bytes_read = 0;
  int64_t cpu_nanos = 0;
  /// With QueryContext::profile_operators: the operators that ran, with their
  /// rows, and their EXPLAIN text.
  std::shared_ptr<const observability::OperatorProfile> plan;
  std::string plan_text;
};

/// Names, types, functions and column identities resolved, not yet optimized
/// (what Spark's Dataset.isLocal and similar questions look at).
Result<plan::ResolvedPtr> Analyze(const plan::PlanPtr& unresolved, const QueryContext& ctx);

/// Analyzed and optimized: the plan that runs. With `to_run` (ExecutePlan, not a
/// schema or EXPLAIN request) Spark's planning-time evaluation happens too:
/// projections over the query's own rows run, failing constants fail the query.
Result<plan::ResolvedPtr> AnalyzeAndOptimize(const plan::PlanPtr& unresolved, const QueryContext& ctx,
                                             bool to_run = false);

/// df.explain(mode): Spark's modes.
enum class ExplainMode { kSimple, kExtended, kCodegen, kCost, kFormatted };

/// Spark-style EXPLAIN text of an optimized plan: the physical operators; in
/// extended mode the parsed, analyzed (`analyzed`, with its schema line; sk8
/// prints the analyzed plan as the parsed one) and optimized plans first; in
/// cost mode the optimized plan with each node's estimated statistics; in
/// formatted mode the operator tree, then each operator's output and arguments;
/// codegen mode reports no generated subtrees (sk8 generates no code).
Result<std::string> Explain(const plan::ResolvedPlan& optimized, ExplainMode mode,
                            const plan::ResolvedPlan* analyzed = nullptr);

/// Runs an optimized plan on the shared worker pool; result batches reach
/// `on_batch` in output order as soon as each is ready. The query gets a
/// memory pool of its own under `ctx.memory`; `stats` (optional) receives its peak.
Status Execute(const plan::ResolvedPlan& optimized, const QueryContext& ctx, const exec::BatchCallback& on_batch,
               QueryMemoryStats* stats = nullptr);

/// df.write: runs an optimized plan into files as `spec` says (format, path,
/// mode, partitionBy, options), through a staging directory committed only
/// when every row is written; nothing runs with mode ignore and an existing path.
Status ExecuteWrite(const plan::ResolvedPlan& optimized, io::WriteSpec spec, const QueryContext& ctx,
                    QueryMemoryStats* stats = nullptr);

}  // namespace sk8::engine
