#include "engine/engine.h"

#include <mutex>

#include "analyzer/analyzer.h"
#include "exec/executor.h"
#include "exec/physical_planner.h"
#include "exec/task_scheduler.h"
#include "optimizer/optimizer.h"

namespace sk8::engine {

Result<plan::ResolvedPtr> Analyze(const plan::PlanPtr& unresolved, const QueryContext& ctx) {
  analyzer::Analyzer analyzer(ctx.catalog, ctx.eval);
  return analyzer.Resolve(unresolved);
}

Result<plan::ResolvedPtr> AnalyzeAndOptimize(const plan::PlanPtr& unresolved, const QueryContext& ctx,
                                             bool to_run) {
  ARROW_ASSIGN_OR_RAISE(auto analyzed, Analyze(unresolved, ctx));
  if (!to_run) return optimizer::Optimize(analyzed, ctx.eval);
  // Projections and filters over the query's own rows run while it is planned
  // (Spark's ConvertToLocalRelation): small inputs, one thread, the server's budget.
  optimizer::LocalEvaluator evaluate_local =
      [&ctx](const plan::ResolvedPlan& node) -> Result<std::shared_ptr<arrow::Table>> {
    exec::ExecContext exec_ctx;
    exec_ctx.eval = ctx.eval;
    exec_ctx.cancelled = ctx.cancelled;
    exec_ctx.max_threads = 1;
    ARROW_ASSIGN_OR_RAISE(auto batches, exec::ExecuteToBatches(node, exec_ctx));
    if (batches.empty()) return arrow::Table::MakeEmpty(node.schema);
    return arrow::Table::FromRecordBatches(batches[0]->schema(), batches);
  };
  return optimizer::Optimize(analyzed, ctx.eval, evaluate_local);
}

Result<std::string> Explain(const plan::ResolvedPlan& optimized, ExplainMode mode) {
  ARROW_ASSIGN_OR_RAISE(auto physical, exec::CreatePhysicalPlan(optimized));
  std::string text = "== Physical Plan ==\n" + exec::ExplainOperators(*physical);
  if (mode == ExplainMode::kExtended) {
    text = "== Optimized Logical Plan ==\n" + plan::ExplainString(optimized) + "\n" + text;
  }
  return text;
}

Status Execute(const plan::ResolvedPlan& optimized, const QueryContext& ctx, const exec::BatchCallback& on_batch,
               QueryMemoryStats* stats) {
  ARROW_ASSIGN_OR_RAISE(auto root, exec::CreatePhysicalPlan(optimized));
  // The query's own budget: as large as the one it draws from, so that one
  // query alone is refused at its own level and its peak is its own.
  std::shared_ptr<MemoryTracker> parent = ctx.memory ? ctx.memory : ServerMemoryTracker();
  auto tracker = std::make_shared<MemoryTracker>("query", parent->limit(), parent);
  auto pool = std::make_shared<QueryMemoryPool>(tracker);
  Status status;
  {
    exec::ExecContext exec_ctx;
    exec_ctx.eval = ctx.eval;
    exec_ctx.cancelled = ctx.cancelled;
    exec_ctx.max_threads = exec::TaskScheduler::Instance().num_threads();
    exec_ctx.pool = pool.get();
    exec_ctx.memory = tracker.get();
    status = exec::ExecuteOperators(*root, exec_ctx, on_batch);
  }  // sink states (and their reservations) are gone here
  if (stats != nullptr) *stats = QueryMemoryStats{tracker->peak(), tracker->EffectiveLimit()};
  RetireQueryPool(std::move(pool));
  return status;
}

Status ExecuteWrite(const plan::ResolvedPlan& optimized, io::WriteSpec spec, const QueryContext& ctx,
                    QueryMemoryStats* stats) {
  if (spec.session_time_zone.empty()) spec.session_time_zone = ctx.eval.session_time_zone;
  ARROW_ASSIGN_OR_RAISE(auto writer, io::DatasetWriter::Open(std::move(spec), optimized.schema));
  if (writer->skipped()) return Status::OK();
  std::mutex mutex;  // the writer's files take one batch at a time
  ARROW_RETURN_NOT_OK(Execute(
      optimized, ctx,
      [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
        std::lock_guard<std::mutex> lock(mutex);
        return writer->Write(batch);
      },
      stats));
  return writer->Commit();
}

}  // namespace sk8::engine
