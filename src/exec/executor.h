#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <arrow/record_batch.h>

#include "exec/physical_operator.h"
#include "exec/physical_planner.h"
#include "plan/resolved_plan.h"

namespace sk8::exec {

/// Called with result batches in output order, as soon as each is ready.
using BatchCallback = std::function<Status(const std::shared_ptr<arrow::RecordBatch>&)>;

/// Runs a physical plan: splits it into pipelines at breakers and runs each on
/// the shared worker pool, children first, then streams the root's output.
Status ExecuteOperators(const PhysicalOperator& root, ExecContext& ctx, const BatchCallback& on_batch);

/// Plans and runs a resolved plan, collecting all result batches.
Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ExecuteToBatches(const plan::ResolvedPlan& plan,
                                                                          ExecContext& ctx);

}  // namespace sk8::exec
