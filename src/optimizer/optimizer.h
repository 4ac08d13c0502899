#pragma once

#include <functional>
#include <memory>

#include <arrow/table.h>

#include "plan/resolved_plan.h"

/// Rule-based rewrites of resolved plans. Rules must keep Spark's answers
/// (values, order where Spark defines one, and errors) unchanged.
namespace sk8::optimizer {

/// Runs a plan whose input is a table of the query's own rows, to a table of its
/// result: the executor, which lives in a layer above, given by the engine.
using LocalEvaluator = std::function<Result<std::shared_ptr<arrow::Table>>(const plan::ResolvedPlan&)>;

/// Runs the rule batches (rule.h) over an analyzed plan; `ctx` holds the
/// session settings that evaluating constants depends on (time zone, ANSI).
/// `evaluate_local` is given when the plan is to run (not only to describe its
/// schema or EXPLAIN it): then, as Spark does while it optimizes, projections
/// and filters over the query's own rows run (ConvertToLocalRelation) and a
/// failing constant fails the query (ConstantFolding).
/// The fraction of a sample of a file scan's rows that a filter keeps: `filter`
/// is a filter directly over a kFileScan. Given by the engine (it reads files).
using FilterSampler = std::function<Result<double>(const plan::ResolvedPlan& filter)>;

/// `sample_filter`, when given, measures the selectivity of filters over large
/// scans that statistics cannot estimate (LIKE, string equality, comparisons of
/// two columns) before joins are ordered (SampleFilterSelectivity).
Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan, const plan::EvalContext& ctx = {},
                                   const LocalEvaluator& evaluate_local = nullptr,
                                   const FilterSampler& sample_filter = nullptr);

}  // namespace sk8::optimizer
