// Ordered-set aggregates: fn(args) WITHIN GROUP (ORDER BY key [ASC | DESC]).
#include "analyzer/within_group.h"

#include <string>
#include <utility>
#include <vector>

#include <arrow/scalar.h>

#include "functions/function_registry.h"

namespace sk8::analyzer {
namespace {

/// Which aggregates take WITHIN GROUP: percentile_cont / percentile_disc need
/// it; mode, listagg and string_agg take it in Spark, not yet in sk8.
enum class WithinGroup { kNone, kNotYet, kRequired };

WithinGroup WithinGroupOf(const std::string& name) {
  if (name == "percentile_cont" || name == "percentile_disc") return WithinGroup::kRequired;
  if (name == "mode" || name == "listagg" || name == "string_agg") return WithinGroup::kNotYet;
  return WithinGroup::kNone;
}

}  // namespace

Result<std::shared_ptr<const plan::FunctionExpr>> ResolveWithinGroup(const plan::FunctionExpr& call,
                                                                     const std::string& name) {
  std::vector<const plan::SortOrderExpr*> orderings;
  std::vector<plan::ExprPtr> args;
  for (const auto& a : call.args) {
    if (a->kind() == plan::ExprKind::kSortOrder) {
      orderings.push_back(&a->As<plan::SortOrderExpr>());
    } else {
      args.push_back(a);
    }
  }
  const WithinGroup kind = WithinGroupOf(name);
  const std::string function = QuoteIdentifier(name);
  if (orderings.empty()) {
    if (kind == WithinGroup::kRequired) {
      if (args.size() != 1) return functions::WrongArgumentCount(call.name, "1", args.size());
      return AnalysisError("INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING", {{"funcName", function}});
    }
    return std::shared_ptr<const plan::FunctionExpr>();
  }
  if (kind == WithinGroup::kNone) {
    return AnalysisError("INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                         {{"prettyName", function}, {"syntax", "WITHIN GROUP (ORDER BY ...)"}});
  }
  if (kind == WithinGroup::kNotYet) return Unsupported("WITHIN GROUP (ORDER BY ...) for " + name);
  if (call.distinct) {
    return AnalysisError("INVALID_WITHIN_GROUP_EXPRESSION.DISTINCT_UNSUPPORTED", {{"funcName", function}});
  }
  if (args.size() != 1) return functions::WrongArgumentCount(call.name, "1", args.size());
  if (orderings.size() != 1) {
    return AnalysisError("INVALID_WITHIN_GROUP_EXPRESSION.WRONG_NUM_ORDERINGS",
                         {{"funcName", function}, {"expectedNum", "1"}, {"actualNum", std::to_string(orderings.size())}});
  }
  auto rewritten = std::make_shared<plan::FunctionExpr>(call);
  rewritten->args = {orderings[0]->child, args[0],
                     std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(!orderings[0]->ascending))};
  return std::shared_ptr<const plan::FunctionExpr>(std::move(rewritten));
}

}  // namespace sk8::analyzer
