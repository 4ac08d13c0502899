#pragma once

#include <arrow/datum.h>
#include <arrow/record_batch.h>

#include "plan/bound_expression.h"

namespace sk8::exec {

/// Evaluates a bound expression over a dense batch. Literals stay scalars so that
/// kernels can take their fast paths; call ToArray() when a full column is needed.
Result<arrow::Datum> Evaluate(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                              const plan::EvalContext& ctx);

/// A datum as an array of `length` rows (scalars are broadcast).
Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& datum, int64_t length);

}  // namespace sk8::exec
