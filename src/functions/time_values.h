#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/array.h>

#include "common/spark_error.h"
#include "plan/bound_expression.h"

/// Spark's TIME values (types::TimeType(): nanoseconds since midnight, TIME(6)
/// keeps whole microseconds): their text forms and casts, shared by the cast
/// functions and time_functions.cc.
namespace sk8::functions {

constexpr int64_t kNanosPerSecond = 1000000000;
constexpr int64_t kNanosPerDay = 86400 * kNanosPerSecond;

/// "HH:mm:ss[.ffffff]" with trailing fraction zeros dropped, as Spark shows TIME.
std::string FormatTime(int64_t nanos);

/// Spark's TIME text: optional 'T', [h]h:[m]m[:[s]s[.fraction]], surrounding
/// whitespace ignored; the fraction is truncated to microseconds.
bool ParseTime(std::string_view text, int64_t* nanos);

/// CAST(string AS TIME): CAST_INVALID_INPUT under ANSI, NULL otherwise.
Result<std::shared_ptr<arrow::Array>> CastStringToTime(const arrow::StringArray& in, bool ansi);

/// CAST(time AS integral / decimal): whole seconds since midnight (decimals keep
/// the fraction); CAST_OVERFLOW under ANSI when the seconds do not fit.
Result<std::shared_ptr<arrow::Array>> CastTimeToNumber(const arrow::Array& in, const std::shared_ptr<arrow::DataType>& to,
                                                       bool ansi, const plan::EvalContext& ctx);

}  // namespace sk8::functions
