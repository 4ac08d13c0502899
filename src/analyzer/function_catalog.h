#pragma once

#include <memory>

#include <arrow/table.h>

#include "analyzer/catalog.h"
#include "common/spark_error.h"
#include "plan/logical_plan.h"

namespace sk8::analyzer {

/// The answer of SHOW FUNCTIONS, DESCRIBE FUNCTION or a catalog function query,
/// from the function registry: Spark's built-in functions that sk8 runs, with
/// Spark's own names, class names and usage texts (functions/spark_function_docs.h),
/// and the persistent functions of `catalog` (null: none).
Result<std::shared_ptr<arrow::Table>> AnswerFunctionCatalog(const plan::FunctionCatalogPlan& query,
                                                            const SessionCatalog* catalog);

/// The error of a call to a function the registry does not run: a persistent
/// function's class cannot be loaded (sk8 runs no JVM), as Spark reports a
/// class missing from its classpath (CANNOT_LOAD_FUNCTION_CLASS); any other
/// name is UNRESOLVED_ROUTINE.
Status UnknownFunctionError(const std::string& name, const SessionCatalog* catalog);
/// Spark lists some SQL forms among its functions (SHOW FUNCTIONS, DESCRIBE
/// FUNCTION, functionExists) that a call by name does not reach: `case` and `||`
/// answer ROUTINE_NOT_FOUND (Spark looks for a persistent function of that name),
/// the table functions `range` and `sql_keywords` UNRESOLVED_ROUTINE. OK for the
/// registry's other functions (`name` as the registry spells it).
Status CheckCallableByName(const std::string& name, const SessionCatalog* catalog);

}  // namespace sk8::analyzer
