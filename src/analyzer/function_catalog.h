#pragma once

#include <memory>

#include <arrow/table.h>

#include "common/spark_error.h"
#include "plan/logical_plan.h"

namespace sk8::analyzer {

/// The answer of SHOW FUNCTIONS, DESCRIBE FUNCTION or a catalog function query,
/// from the function registry: Spark's built-in functions that sk8 runs, with
/// Spark's own names, class names and usage texts (functions/spark_function_docs.h).
Result<std::shared_ptr<arrow::Table>> AnswerFunctionCatalog(const plan::FunctionCatalogPlan& query);

}  // namespace sk8::analyzer
