#pragma once

#include <string>
#include <vector>

#include "functions/function_registry.h"

/// Functions of Spark's TIME type (time_functions.cc) that other date/time files
/// reach for when an argument is a TIME.
namespace sk8::functions {

/// hour / minute / second of a TIME value: `unit_nanos` is 3600e9, 60e9 or 1e9.
Result<BoundExprPtr> BindTimeField(const std::string& function, int64_t unit_nanos, BoundExprPtr source,
                                   const std::string& name);

/// make_timestamp / make_timestamp_ltz / make_timestamp_ntz / try_make_timestamp
/// of (date, time[, timezone]).
Result<BoundExprPtr> BindMakeTimestampFromTime(const std::string& function, const std::string& name, bool ntz,
                                               bool try_mode, std::vector<BoundExprPtr>& args, const EvalContext& ctx);

}  // namespace sk8::functions
