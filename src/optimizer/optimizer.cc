#include "optimizer/optimizer.h"

namespace sk8::optimizer {
namespace {

bool IsDeterministic(const plan::BoundExpr& e) {
  if (!e.deterministic) return false;
  for (const auto& a : e.args) {
    if (!IsDeterministic(*a)) return false;
  }
  return true;
}

// Limit(Project(x)) -> Project(Limit(x)): the projection then runs only on the
// rows that are returned. Safe because a projection maps rows one to one.
plan::ResolvedPtr PushLimitThroughProject(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kLimit || node->children.empty()) return node;
  const auto& child = node->children[0];
  if (child->kind != plan::ResolvedKind::kProject) return node;
  for (const auto& e : child->expressions) {
    if (!IsDeterministic(*e)) return node;
  }
  auto limit = std::make_shared<plan::ResolvedPlan>(*node);
  limit->children = {child->children[0]};
  limit->schema = child->children[0]->schema;
  limit->qualifiers = child->children[0]->qualifiers;
  auto project = std::make_shared<plan::ResolvedPlan>(*child);
  project->children = {PushLimitThroughProject(limit)};
  return project;
}

plan::ResolvedPtr Rewrite(const plan::ResolvedPtr& node) {
  auto copy = std::make_shared<plan::ResolvedPlan>(*node);
  for (auto& child : copy->children) child = Rewrite(child);
  return PushLimitThroughProject(copy);
}

}  // namespace

Result<plan::ResolvedPtr> Optimize(const plan::ResolvedPtr& plan) { return Rewrite(plan); }

}  // namespace sk8::optimizer
