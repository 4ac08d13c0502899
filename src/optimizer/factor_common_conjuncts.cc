// FactorCommonConjuncts (part of Spark's BooleanSimplification):
// (a AND b) OR (a AND c) -> a AND (b OR c), in filter and join conditions. It
// is what lets TPC-H Q19's `p_partkey = l_partkey AND ...` repeated in every OR
// branch become a hash-join key instead of a condition on every pair of rows.
#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;

/// The condition with common conjuncts of its OR branches factored out, or
/// null when there are none.
/// parts[0] <name> parts[1] <name> ..., left to right.
Result<BoundExprPtr> Combine(const char* name, const std::vector<BoundExprPtr>& parts) {
  BoundExprPtr out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(out, functions::BindFunctionCall(name, {out, parts[i]}));
  }
  return out;
}

Result<BoundExprPtr> Factor(const BoundExprPtr& condition) {
  if (!IsBinaryCall(*condition, "or")) return nullptr;
  std::vector<BoundExprPtr> branches;
  FlattenCalls(condition, "or", &branches);
  std::vector<std::vector<BoundExprPtr>> conjuncts(branches.size());
  for (size_t b = 0; b < branches.size(); ++b) {
    if (!IsDeterministic(*branches[b])) return nullptr;
    FlattenCalls(branches[b], "and", &conjuncts[b]);
  }
  std::vector<BoundExprPtr> common;
  for (const auto& candidate : conjuncts[0]) {
    bool everywhere = true;
    for (size_t b = 1; b < branches.size() && everywhere; ++b) {
      bool found = false;
      for (const auto& c : conjuncts[b]) found |= plan::SameExpression(*candidate, *c);
      everywhere = found;
    }
    bool seen = false;
    for (const auto& c : common) seen |= plan::SameExpression(*candidate, *c);
    if (everywhere && !seen) common.push_back(candidate);
  }
  if (common.empty()) return nullptr;
  std::vector<BoundExprPtr> rest_branches;
  for (const auto& branch : conjuncts) {
    std::vector<BoundExprPtr> rest;
    for (const auto& c : branch) {
      bool is_common = false;
      for (const auto& k : common) is_common |= plan::SameExpression(*c, *k);
      if (!is_common) rest.push_back(c);
    }
    if (rest.empty()) return Combine("and", common);  // that branch is just the common part
    ARROW_ASSIGN_OR_RAISE(auto joined, Combine("and", rest));
    rest_branches.push_back(std::move(joined));
  }
  ARROW_ASSIGN_OR_RAISE(auto any_rest, Combine("or", rest_branches));
  common.push_back(std::move(any_rest));
  return Combine("and", common);
}

class FactorCommonConjuncts final : public NodeRule {
 public:
  const char* name() const override { return "BooleanSimplification"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if ((node->kind != plan::ResolvedKind::kFilter && node->kind != plan::ResolvedKind::kJoin) || !node->condition) {
      return node;
    }
    ARROW_ASSIGN_OR_RAISE(auto factored, Factor(node->condition));
    if (!factored) return node;
    auto copy = std::make_shared<plan::ResolvedPlan>(*node);
    copy->condition = std::move(factored);
    return plan::ResolvedPtr(copy);
  }
};

}  // namespace

RulePtr MakeFactorCommonConjuncts() { return std::make_unique<FactorCommonConjuncts>(); }

}  // namespace sk8::optimizer
