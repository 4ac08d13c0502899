// RemoveIdentityProject (Spark: RemoveNoopOperators): a projection that outputs
// exactly its input (same column identities, names, types, order) is a no-op;
// removing it lets neighbouring operators meet (filters combine).
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class RemoveIdentityProject final : public NodeRule {
 public:
  const char* name() const override { return "RemoveNoopOperators"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kProject) return node;
    const auto& input = node->children[0];
    if (node->column_ids != input->column_ids || !node->schema->Equals(*input->schema, /*check_metadata=*/true)) {
      return node;
    }
    auto replacement = std::make_shared<plan::ResolvedPlan>(*input);
    replacement->plan_ids.insert(replacement->plan_ids.end(), node->plan_ids.begin(), node->plan_ids.end());
    return plan::ResolvedPtr(replacement);
  }
};

}  // namespace

RulePtr MakeRemoveIdentityProject() { return std::make_unique<RemoveIdentityProject>(); }

}  // namespace sk8::optimizer
