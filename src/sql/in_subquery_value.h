#pragma once

#include "plan/expression.h"

namespace sk8::sql {

/// `x IN (subquery)` where Spark uses it as a value (a select item, inside CASE,
/// under OR) rather than as a WHERE / HAVING conjunct, which the analyzer turns
/// into a semi / anti join. The value is spelled with scalar subqueries (counts
/// of matching rows), with Spark's answer (see in_subquery_value.cc).
/// `conjunct`: `e` is a WHERE condition, whose top-level IN conjuncts (and
/// their negations) stay as they are.
plan::ExprPtr RewriteInSubqueryValues(const plan::ExprPtr& e, bool conjunct);

}  // namespace sk8::sql
