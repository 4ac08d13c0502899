// CombineFilters: Filter(Filter(x, a), b) -> Filter(x, a AND b), as Spark's rule
// does. Besides saving a pass, it gives Spark's answers where they depend on it:
// with an inner `NULL` filter Spark still evaluates (and may fail on) the outer one.
#include "functions/function_registry.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

Result<plan::ResolvedPtr> Combine(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kFilter || node->children[0]->kind != plan::ResolvedKind::kFilter) {
    return node;
  }
  const auto& inner = node->children[0];
  ARROW_ASSIGN_OR_RAISE(auto condition, functions::BindFunctionCall("and", {inner->condition, node->condition}));
  auto combined = std::make_shared<plan::ResolvedPlan>(*node);
  combined->children = inner->children;
  combined->condition = condition;
  return Combine(combined);
}

class CombineFilters final : public NodeRule {
 public:
  const char* name() const override { return "CombineFilters"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override { return Combine(node); }
};

}  // namespace

RulePtr MakeCombineFilters() { return std::make_unique<CombineFilters>(); }

}  // namespace sk8::optimizer
