#pragma once

#include <memory>
#include <string>

#include <arrow/array.h>
#include <arrow/datum.h>

#include "plan/bound_expression.h"
#include "plan/expression.h"

/// Spark's CAST: which conversions exist, ANSI errors vs NULL on bad input, and
/// Spark's text forms of values (Java number formatting, dates, nested types).
namespace sk8::functions {

/// Binds CAST(child AS to). Implicit casts (inserted by type coercion) keep the
/// child's column name; explicit ones are named "CAST(x AS T)".
Result<plan::BoundExprPtr> BindCast(plan::BoundExprPtr child, std::shared_ptr<arrow::DataType> to,
                                    plan::CastMode mode, bool implicit, const plan::EvalContext& ctx);

/// True when a cast from `from` to `to` can fail on some value (under ANSI) or
/// lose it; false for widenings (int to a wider int, float, or a decimal that
/// holds it; decimal to a decimal with as many integer and fraction digits;
/// date to timestamp; anything to string).
bool CastCanFail(const arrow::DataType& from, const arrow::DataType& to);

/// Casts a value (array or scalar) with Spark semantics.
Result<arrow::Datum> CastDatum(const arrow::Datum& value, const std::shared_ptr<arrow::DataType>& to,
                               bool ansi, const plan::EvalContext& ctx);

/// Renders every value of an array the way Spark's CAST(x AS STRING) does;
/// nulls stay null.
/// `for_show` renders top-level binary as hex bytes ("[61 62]"), as show() does;
/// CAST keeps the bytes.
Result<std::shared_ptr<arrow::Array>> ToSparkStrings(const arrow::Array& values,
                                                     const plan::EvalContext& ctx, bool for_show = false);

/// Java's Double.toString / Float.toString ("1.0", "1.0E10", "NaN", "Infinity").
std::string FormatJavaDouble(double value);
std::string FormatJavaFloat(float value);

/// A value as a Spark SQL literal, for error messages and column names
/// ("1", "2147483648L", "'abc'", "DATE '2020-01-01'").
std::string SqlLiteral(const arrow::Scalar& value, const plan::EvalContext& ctx);
/// A literal as Spark names its column ("1", "abc", "NULL", "DATE '2020-01-01'").
std::string LiteralColumnName(const arrow::Scalar& value, const plan::EvalContext& ctx);

/// One value rendered as Spark's string (nulls as "NULL"), for show().
Result<std::string> ScalarToSparkString(const arrow::Scalar& value, const plan::EvalContext& ctx);

}  // namespace sk8::functions
