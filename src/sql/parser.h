#pragma once

#include <string_view>

#include "common/spark_error.h"
#include "plan/expression.h"
#include "plan/logical_plan.h"
#include "sql/parameters.h"

/// Spark SQL text -> the same unresolved plan the DataFrame API builds, so both
/// share one analyzer, optimizer and executor. Syntax errors are ParseException
/// with Spark's PARSE_SYNTAX_ERROR parameters.
namespace sk8::sql {

/// A query (SELECT ..., VALUES ..., TABLE t, WITH ...), its parameter markers
/// replaced by `parameters`. Parse errors carry Spark's statement context.
Result<plan::PlanPtr> ParseQuery(std::string_view text, const SqlParameters& parameters = {});

/// A single expression, as in selectExpr("a + 1 AS b") or filter("a > 1").
Result<plan::ExprPtr> ParseExpression(std::string_view text);

}  // namespace sk8::sql
