#pragma once

#include <memory>

#include <arrow/type.h>

#include "plan/bound_expression.h"

/// DECIMAL + - * / % with Spark's result types (DecimalPrecision with
/// allowPrecisionLoss) and exact arithmetic rounded HALF_UP.
namespace sk8::functions {

enum class DecimalOp { kAdd, kSubtract, kMultiply, kDivide, kRemainder };

/// The DECIMAL an integral operand is widened to (int -> DECIMAL(10,0), ...),
/// or the decimal type itself.
std::shared_ptr<arrow::DataType> AsDecimalType(const std::shared_ptr<arrow::DataType>& type);

/// Spark's result type of `a op b` for decimal operands.
std::shared_ptr<arrow::DataType> DecimalResultType(DecimalOp op, const arrow::Decimal128Type& a,
                                                   const arrow::Decimal128Type& b);

/// Evaluates the operation on two decimal arguments (arrays or scalars).
Result<arrow::Datum> EvaluateDecimal(DecimalOp op, const std::vector<arrow::Datum>& args, int64_t length,
                                     const std::shared_ptr<arrow::DataType>& result_type,
                                     const plan::EvalContext& ctx);

}  // namespace sk8::functions
