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
Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan, const plan::EvalContext& ctx = {},
                                   const LocalEvaluator& evaluate_local = nullptr);

}  // namespace sk8::optimizer
