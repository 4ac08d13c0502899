#pragma once

#include <string>
#include <vector>

#include "common/spark_error.h"
#include "plan/expression.h"
#include "plan/logical_plan.h"

namespace sk8::sql {

/// VALUES rows as a LocalRelationPlan, evaluated at parse time as Spark does
/// for literal rows: columns col1, col2, ... (or `column_names` from an alias
/// list), each typed by widening its values' types (INT and BIGINT give
/// BIGINT, DECIMAL and INT a wider DECIMAL, NULL takes the other type).
/// Rows of anything but literals are UNSUPPORTED.
Result<plan::PlanPtr> BuildInlineTable(const std::vector<std::vector<plan::ExprPtr>>& rows,
                                       const std::vector<std::string>& column_names);

/// The one-row, zero-column relation of a SELECT without FROM.
plan::PlanPtr OneRowRelation();

/// sql_keywords() (SQL's FROM sql_keywords(), spark.tvf.sql_keywords()): Spark's
/// keywords (recorded from real Spark into src/functions/spark_sql_keywords.json),
/// as a local relation; WRONG_NUM_ARGS for any argument.
Result<plan::PlanPtr> SqlKeywordsTable(size_t argument_count);

}  // namespace sk8::sql
