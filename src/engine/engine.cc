#include "engine/engine.h"

#include "analyzer/analyzer.h"
#include "exec/physical_planner.h"
#include "exec/task_scheduler.h"
#include "optimizer/optimizer.h"

namespace sk8::engine {

Result<plan::ResolvedPtr> Analyze(const plan::PlanPtr& unresolved, const QueryContext& ctx) {
  analyzer::Analyzer analyzer(ctx.catalog, ctx.eval);
  return analyzer.Resolve(unresolved);
}

Result<plan::ResolvedPtr> AnalyzeAndOptimize(const plan::PlanPtr& unresolved, const QueryContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto analyzed, Analyze(unresolved, ctx));
  return optimizer::Optimize(analyzed);
}

Result<std::string> Explain(const plan::ResolvedPlan& optimized, ExplainMode mode) {
  ARROW_ASSIGN_OR_RAISE(auto physical, exec::CreatePhysicalPlan(optimized));
  std::string text = "== Physical Plan ==\n" + exec::ExplainOperators(*physical);
  if (mode == ExplainMode::kExtended) {
    text = "== Optimized Logical Plan ==\n" + plan::ExplainString(optimized) + "\n" + text;
  }
  return text;
}

Status Execute(const plan::ResolvedPlan& optimized, const QueryContext& ctx, const exec::BatchCallback& on_batch) {
  ARROW_ASSIGN_OR_RAISE(auto root, exec::CreatePhysicalPlan(optimized));
  exec::ExecContext exec_ctx;
  exec_ctx.eval = ctx.eval;
  exec_ctx.cancelled = ctx.cancelled;
  exec_ctx.max_threads = exec::TaskScheduler::Instance().num_threads();
  return exec::ExecuteOperators(*root, exec_ctx, on_batch);
}

}  // namespace sk8::engine
