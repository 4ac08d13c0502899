// Small builders of unresolved plans and expressions for the unit tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plan/expression.h"
#include "plan/logical_plan.h"

namespace sk8::testing {

inline plan::ExprPtr Col(const std::string& name) {
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt);
}
inline plan::ExprPtr Lit(int64_t v) { return std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(v)); }
inline plan::ExprPtr Call(const std::string& name, std::vector<plan::ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(name, std::move(args));
}
inline plan::ExprPtr As(plan::ExprPtr e, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(e), std::vector<std::string>{name});
}
inline plan::PlanPtr Range(int64_t start, int64_t end, int64_t step = 1) {
  auto node = std::make_shared<plan::RangePlan>();
  node->start = start;
  node->end = end;
  node->step = step;
  return node;
}

}  // namespace sk8::testing
