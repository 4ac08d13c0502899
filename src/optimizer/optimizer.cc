#include "optimizer/optimizer.h"

#include "optimizer/rule.h"

namespace sk8::optimizer {

namespace {

/// The fixed batches, in two parts: before joins are ordered, and from join
/// ordering on (the per-query filter sampling runs between them).
struct FixedBatches {
  std::vector<RuleBatch> before_join_order;
  std::vector<RuleBatch> from_join_order;
};

FixedBatches MakeBatches() {
  FixedBatches fixed;
  std::vector<RuleBatch>& batches = fixed.before_join_order;
  RuleBatch distinct{"Distinct Aggregates", /*max_iterations=*/1, {}};
  distinct.rules.push_back(MakeRewriteDistinctAggregates());
  batches.push_back(std::move(distinct));
  // Spark's operatorOptimizationBatch: pushdown and simplification to a fixed point.
  auto operator_optimization = [](std::string name) {
    RuleBatch rewrite{std::move(name), /*max_iterations=*/100, {}};
    rewrite.rules.push_back(MakeRemoveIdentityProject());
    rewrite.rules.push_back(MakeCollapseProject());
    rewrite.rules.push_back(MakePruneUnusedAggregates());
    rewrite.rules.push_back(MakeCombineFilters());
    rewrite.rules.push_back(MakeFactorCommonConjuncts());
    rewrite.rules.push_back(MakePushPredicateThroughJoin());
    rewrite.rules.push_back(MakePushSemiJoinThroughJoin());
    rewrite.rules.push_back(MakePruneFilters());
    rewrite.rules.push_back(MakePushLimitThroughProject());
    return rewrite;
  };
  batches.push_back(operator_optimization("Operator Optimization"));
  // Filters implied by ORs over both sides of a join, once (they would be
  // derived again from the kept condition), then pushed down like any other.
  RuleBatch infer{"Infer Filters", /*max_iterations=*/1, {}};
  infer.rules.push_back(MakeInferFiltersFromDisjunctions());
  batches.push_back(std::move(infer));
  batches.push_back(operator_optimization("Operator Optimization after Inferring Filters"));
  // After predicates sit in join conditions; once, so it never undoes itself.
  std::vector<RuleBatch>& later = fixed.from_join_order;
  RuleBatch reorder{"Join Reorder", /*max_iterations=*/1, {}};
  reorder.rules.push_back(MakeReorderJoin());
  reorder.rules.push_back(MakeCollapseProject());  // the order-restoring projection, under a select
  reorder.rules.push_back(MakeRemoveIdentityProject());
  later.push_back(std::move(reorder));
  // Once the joins are in their final order (it may pick a smaller key source).
  RuleBatch reduce{"Reduce Aggregates", /*max_iterations=*/1, {}};
  reduce.rules.push_back(MakeReduceAggregateByJoinKeys());
  later.push_back(std::move(reduce));
  RuleBatch pruning{"Column Pruning", /*max_iterations=*/1, {}};
  pruning.rules.push_back(MakePruneColumns());
  later.push_back(std::move(pruning));
  return fixed;
}

}  // namespace

Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan, const plan::EvalContext& ctx,
                                   const LocalEvaluator& evaluate_local, const FilterSampler& sample_filter) {
  static const FixedBatches fixed = MakeBatches();
  // The batches that depend on the session's settings are made per query.
  // First, as Spark's "LocalRelation early" batch, projections and filters over
  // the query's own rows run, and operators over no rows become empty; then
  // constant folding.
  RuleBatch local_early{"LocalRelation early", /*max_iterations=*/1, {}};
  if (evaluate_local) local_early.rules.push_back(MakeConvertToLocalRelation(evaluate_local));
  local_early.rules.push_back(MakePropagateEmptyRelation());
  ARROW_ASSIGN_OR_RAISE(plan::ResolvedPtr current, RunBatch(local_early, plan));
  RuleBatch folding{"Constant Folding", /*max_iterations=*/1, {}};
  folding.rules.push_back(MakeConstantFolding(ctx));
  ARROW_ASSIGN_OR_RAISE(current, RunBatch(folding, current));
  for (const auto& batch : fixed.before_join_order) {
    ARROW_ASSIGN_OR_RAISE(current, RunBatch(batch, current));
  }
  if (sample_filter) {
    // Measured selectivities first: the join order and build sides depend on them.
    RuleBatch sampling{"Sample Filters", /*max_iterations=*/1, {}};
    sampling.rules.push_back(MakeSampleFilterSelectivity(sample_filter));
    ARROW_ASSIGN_OR_RAISE(current, RunBatch(sampling, current));
  }
  for (const auto& batch : fixed.from_join_order) {
    ARROW_ASSIGN_OR_RAISE(current, RunBatch(batch, current));
  }
  // Filters now sit right above the scans they can prune.
  RuleBatch partitions{"Partition Pruning", /*max_iterations=*/1, {}};
  partitions.rules.push_back(MakePrunePartitions(ctx));
  ARROW_ASSIGN_OR_RAISE(current, RunBatch(partitions, current));
  // Once unused columns are gone, the constant errors Spark raises while it
  // optimizes; then what filters made empty empties what depends on it.
  RuleBatch local{"LocalRelation", /*max_iterations=*/1, {}};
  if (evaluate_local) local.rules.push_back(MakeRaiseConstantErrors(ctx));
  local.rules.push_back(MakePropagateEmptyRelation());
  return RunBatch(local, current);
}

}  // namespace sk8::optimizer
