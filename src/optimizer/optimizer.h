#pragma once

#include "plan/resolved_plan.h"

/// Rule-based rewrites of resolved plans. Rules must keep Spark's answers
/// (values, order where Spark defines one, and errors) unchanged.
namespace sk8::optimizer {

/// Runs the rule batches (rule.h) over an analyzed plan; `ctx` holds the
/// session settings that evaluating constants depends on (time zone, ANSI).
Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan, const plan::EvalContext& ctx = {});

}  // namespace sk8::optimizer
