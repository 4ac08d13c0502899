#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "optimizer/optimizer.h"
#include "plan/resolved_plan.h"

/// The optimizer's rule framework, after Spark's RuleExecutor: a rule rewrites
/// a whole plan; rules are grouped in batches; a batch runs its rules in order,
/// again and again, until the plan stops changing (a fixed point) or its
/// iteration limit is reached. One rule per file (see docs/architecture.md).
namespace sk8::optimizer {

class Rule {
 public:
  virtual ~Rule() = default;
  /// Spark's name for the rule where there is one (EXPLAIN and logs show it).
  virtual const char* name() const = 0;
  /// The rewritten plan, or `plan` itself (the same pointer) when nothing changed.
  virtual Result<plan::ResolvedPtr> Apply(const plan::ResolvedPtr& plan) const = 0;
};

using RulePtr = std::unique_ptr<const Rule>;

struct RuleBatch {
  std::string name;
  /// 1: run once; more: until a fixed point, at most this many passes.
  int max_iterations = 1;
  std::vector<RulePtr> rules;
};

using NodeRewrite = std::function<Result<plan::ResolvedPtr>(const plan::ResolvedPtr&)>;

/// Applies `rewrite` to every node, children first (Spark's transformUp). A node
/// is copied only when one of its children changed; unchanged subtrees keep
/// their pointers, which is how a batch sees it has reached a fixed point.
Result<plan::ResolvedPtr> TransformUp(const plan::ResolvedPtr& plan, const NodeRewrite& rewrite);

/// A rule that looks at one node at a time, children first.
class NodeRule : public Rule {
 public:
  Result<plan::ResolvedPtr> Apply(const plan::ResolvedPtr& plan) const override {
    return TransformUp(plan, [this](const plan::ResolvedPtr& node) { return RewriteNode(node); });
  }

 protected:
  /// The node rewritten, or `node` itself when the rule does not apply.
  virtual Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const = 0;
};

/// Runs a batch on `plan`.
Result<plan::ResolvedPtr> RunBatch(const RuleBatch& batch, plan::ResolvedPtr plan);

/// An empty table with `like`'s output (schema, identities, qualifiers).
Result<plan::ResolvedPtr> MakeEmptyRelation(const plan::ResolvedPlan& like);

using plan::FlattenCalls;
using plan::IsBinaryCall;
using plan::IsDeterministic;
/// True when every column `e` reads is one of `ids` (and it reads at least one).
bool ReadsOnly(const plan::BoundExpr& e, const std::unordered_set<plan::ColumnId>& ids);

/// A copy of `node` whose child `index` is `child`.
plan::ResolvedPtr WithChild(const plan::ResolvedPlan& node, size_t index, plan::ResolvedPtr child);


// The rules, one per file.
RulePtr MakeRemoveIdentityProject();   // remove_identity_project.cc
RulePtr MakeCollapseProject();         // collapse_project.cc
RulePtr MakePruneUnusedAggregates();   // prune_unused_aggregates.cc
RulePtr MakeCombineFilters();          // combine_filters.cc
RulePtr MakePropagateEmptyRelation();  // propagate_empty_relation.cc
RulePtr MakePruneFilters();            // prune_filters.cc
RulePtr MakeConvertToLocalRelation(LocalEvaluator evaluate);  // convert_to_local_relation.cc
RulePtr MakePushLimitThroughProject(); // push_limit_through_project.cc
RulePtr MakePruneColumns();            // prune_columns.cc
RulePtr MakePushPredicateThroughJoin(); // push_predicate_through_join.cc
RulePtr MakeFactorCommonConjuncts();   // factor_common_conjuncts.cc
RulePtr MakeReorderJoin();             // reorder_join.cc
RulePtr MakeRewriteDistinctAggregates(); // rewrite_distinct_aggregates.cc
RulePtr MakePushSemiJoinThroughJoin(); // push_semi_join_through_join.cc
RulePtr MakeInferFiltersFromDisjunctions(); // infer_filters_from_disjunctions.cc
RulePtr MakeReduceAggregateByJoinKeys(); // reduce_aggregate_by_join_keys.cc
RulePtr MakeSampleFilterSelectivity(FilterSampler sample);  // sample_filter_selectivity.cc
RulePtr MakeConstantFolding(const plan::EvalContext& ctx);  // constant_folding.cc
/// Skips the files whose partition values a filter above their scan rejects.
RulePtr MakePrunePartitions(const plan::EvalContext& ctx);  // prune_partitions.cc
/// Raises the error of a failing constant call outside conditional branches.
RulePtr MakeRaiseConstantErrors(const plan::EvalContext& ctx);  // raise_constant_errors.cc

}  // namespace sk8::optimizer
