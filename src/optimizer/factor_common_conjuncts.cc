// FactorCommonConjuncts (part of Spark's BooleanSimplification):
// (a AND b) OR (a AND c) -> a AND (b OR c), in filter and join conditions. It
// is what lets TPC-H Q19's `p_partkey = l_partkey AND ...` repeated in every OR
// branch become a hash-join key instead of a condition on every pair of rows.
#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class FactorCommonConjuncts final : public NodeRule {
 public:
  const char* name() const override { return "BooleanSimplification"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if ((node->kind != plan::ResolvedKind::kFilter && node->kind != plan::ResolvedKind::kJoin) || !node->condition) {
      return node;
    }
    ARROW_ASSIGN_OR_RAISE(auto factored, functions::FactorCommonConjuncts(node->condition));
    if (!factored) return node;
    auto copy = std::make_shared<plan::ResolvedPlan>(*node);
    copy->condition = std::move(factored);
    return plan::ResolvedPtr(copy);
  }
};

}  // namespace

RulePtr MakeFactorCommonConjuncts() { return std::make_unique<FactorCommonConjuncts>(); }

}  // namespace sk8::optimizer
