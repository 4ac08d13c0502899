#pragma once

#include <string>
#include <utility>
#include <vector>

#include "plan/expression.h"
#include "plan/logical_plan.h"

namespace sk8::sql {

/// The values spark.sql(query, args) binds to the query's parameter markers:
/// `:name` (a dict of args) or `?` (a list), each a literal or a constructor
/// call such as array(1, 2).
struct SqlParameters {
  std::vector<std::pair<std::string, plan::ExprPtr>> named;
  std::vector<plan::ExprPtr> positional;
  /// spark.sql("... {df} ...", df=df): the DataFrames the query names, each
  /// visible by its name as a common table expression of the whole statement.
  std::vector<std::pair<std::string, plan::PlanPtr>> relations;

  bool empty() const { return named.empty() && positional.empty(); }
};

}  // namespace sk8::sql
