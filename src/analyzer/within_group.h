#pragma once

#include <memory>
#include <string>

#include "common/spark_error.h"
#include "plan/expression.h"

namespace sk8::analyzer {

/// SQL's `fn(args) WITHIN GROUP (ORDER BY key [ASC | DESC], ...)` reaches the
/// analyzer as fn(SortOrder(key), ..., args) (sql/expression_parser.cc).
/// `call` (of the registry's function `name`) checked as Spark checks the clause
/// (INVALID_WITHIN_GROUP_EXPRESSION.*, FUNCTION_WITH_UNSUPPORTED_SYNTAX) and
/// turned into arguments: percentile_cont(p) WITHIN GROUP (ORDER BY x DESC) is
/// percentile_cont(x, p, true) for the registry's binder. Null when `call`
/// binds as written (no clause, and the function needs none).
Result<std::shared_ptr<const plan::FunctionExpr>> ResolveWithinGroup(const plan::FunctionExpr& call,
                                                                     const std::string& name);

}  // namespace sk8::analyzer
