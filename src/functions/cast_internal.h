#pragma once

#include <memory>

#include <arrow/array.h>

#include "plan/bound_expression.h"

/// Cast routines shared by cast.cc and its per-type-family files.
namespace sk8::functions::internal {

/// Anything numeric, boolean-free, or a string -> DECIMAL(p, s), rounding half up
/// like Spark; out-of-range values raise NUMERIC_VALUE_OUT_OF_RANGE under ANSI.
Result<std::shared_ptr<arrow::Array>> CastToDecimal(const arrow::Array& input,
                                                    const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                    const plan::EvalContext& ctx);
/// DECIMAL -> integral (truncating toward zero) or floating point.
Result<std::shared_ptr<arrow::Array>> CastFromDecimal(const arrow::Array& input,
                                                      const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                      const plan::EvalContext& ctx);

Status CastOverflowError(const arrow::Scalar& value, const arrow::DataType& from, const arrow::DataType& to,
                         const plan::EvalContext& ctx);
Status CastInvalidInputError(std::string_view text, const arrow::DataType& from, const arrow::DataType& to);
std::string_view TrimSparkSpaces(std::string_view text);

}  // namespace sk8::functions::internal
