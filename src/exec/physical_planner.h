#pragma once

#include "exec/physical_operator.h"
#include "plan/resolved_plan.h"

namespace sk8::exec {

/// Turns an optimized logical plan into physical operators. Logical plans name
/// columns by identity; here each expression is bound to the positions of its
/// operator's input (plan::BindToInput), which is all the operators read.
Result<OperatorPtr> CreatePhysicalPlan(const plan::ResolvedPlan& plan);

}  // namespace sk8::exec
