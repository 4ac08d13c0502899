#include "optimizer/rule.h"

#include "common/logging.h"

namespace sk8::optimizer {

Result<plan::ResolvedPtr> TransformUp(const plan::ResolvedPtr& plan, const NodeRewrite& rewrite) {
  std::vector<plan::ResolvedPtr> children;
  bool changed = false;
  for (const auto& child : plan->children) {
    ARROW_ASSIGN_OR_RAISE(auto rewritten, TransformUp(child, rewrite));
    changed |= rewritten != child;
    children.push_back(std::move(rewritten));
  }
  if (!changed) return rewrite(plan);
  auto copy = std::make_shared<plan::ResolvedPlan>(*plan);
  copy->children = std::move(children);
  return rewrite(copy);
}

Result<plan::ResolvedPtr> RunBatch(const RuleBatch& batch, plan::ResolvedPtr plan) {
  for (int iteration = 0; iteration < batch.max_iterations; ++iteration) {
    bool changed = false;
    for (const auto& rule : batch.rules) {
      ARROW_ASSIGN_OR_RAISE(auto rewritten, rule->Apply(plan));
      changed |= rewritten != plan;
      plan = std::move(rewritten);
    }
    if (!changed) return plan;
  }
  if (batch.max_iterations > 1) {
    LogWarn("optimizer batch stopped before a fixed point",
            {{"batch", batch.name}, {"iterations", std::to_string(batch.max_iterations)}});
  }
  return plan;
}

bool ReadsOnly(const plan::BoundExpr& e, const std::unordered_set<plan::ColumnId>& ids) {
  bool any = false, outside = false;
  plan::ForEachColumnId(e, [&](plan::ColumnId id) { (ids.count(id) ? any : outside) = true; });
  return any && !outside;
}

plan::ResolvedPtr WithChild(const plan::ResolvedPlan& node, size_t index, plan::ResolvedPtr child) {
  auto copy = std::make_shared<plan::ResolvedPlan>(node);
  copy->children[index] = std::move(child);
  return copy;
}

}  // namespace sk8::optimizer
