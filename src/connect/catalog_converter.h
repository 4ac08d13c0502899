#pragma once

#include "common/spark_error.h"
#include "plan/logical_plan.h"
#include "spark/connect/catalog.pb.h"

namespace sk8::connect {

/// The catalog API's calls on databases, tables and the cache
/// (spark.catalog.listTables(), createTable(), ...) as commands
/// (plan/command.h), which run when the relation is planned.
Result<plan::PlanPtr> ConvertCatalogCommand(const spark::connect::Catalog& catalog);

}  // namespace sk8::connect
