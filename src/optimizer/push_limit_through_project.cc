// PushLimitThroughProject (Spark: LimitPushDown): Limit(Project(x)) ->
// Project(Limit(x)), so the projection runs only on the rows returned. Safe
// because a deterministic projection maps rows one to one.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

plan::ResolvedPtr Push(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kLimit || node->children.empty()) return node;
  const auto& child = node->children[0];
  if (child->kind != plan::ResolvedKind::kProject) return node;
  for (const auto& e : child->expressions) {
    if (!IsDeterministic(*e)) return node;
  }
  const auto& below = child->children[0];
  auto limit = std::make_shared<plan::ResolvedPlan>(*node);
  limit->children = {below};
  limit->schema = below->schema;
  limit->column_ids = below->column_ids;
  limit->qualifiers = below->qualifiers;
  auto project = std::make_shared<plan::ResolvedPlan>(*child);
  project->children = {Push(limit)};
  return project;
}

class PushLimitThroughProject final : public NodeRule {
 public:
  const char* name() const override { return "LimitPushDown"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override { return Push(node); }
};

}  // namespace

RulePtr MakePushLimitThroughProject() { return std::make_unique<PushLimitThroughProject>(); }

}  // namespace sk8::optimizer
