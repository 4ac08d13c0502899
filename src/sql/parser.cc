#include "sql/parser.h"

namespace sk8::sql {

Result<plan::PlanPtr> ParseQuery(std::string_view) { return Unsupported("SQL queries (spark.sql)"); }

Result<plan::ExprPtr> ParseExpression(std::string_view) { return Unsupported("SQL expression strings"); }

}  // namespace sk8::sql
