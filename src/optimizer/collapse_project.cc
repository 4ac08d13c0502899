// CollapseProject: Project(Project(x)) -> Project(x), unless that would compute
// an expression of the lower projection twice or move a non-deterministic one
// (Spark's CollapseProject makes the same checks).
#include <algorithm>
#include <unordered_map>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;

// Replaces references to the lower projection's columns by the expressions
// that compute them (keeping the references' names).
BoundExprPtr Substitute(const BoundExprPtr& e, const plan::ResolvedPlan& lower) {
  if (e->kind == plan::BoundKind::kColumnRef) {
    auto it = std::find(lower.column_ids.begin(), lower.column_ids.end(), e->column_id);
    if (it == lower.column_ids.end()) return e;
    auto inlined = std::make_shared<BoundExpr>(*lower.expressions[it - lower.column_ids.begin()]);
    inlined->name = e->name;
    inlined->auto_alias = e->auto_alias;
    return inlined;
  }
  if (e->args.empty()) return e;
  auto copy = std::make_shared<BoundExpr>(*e);
  for (auto& a : copy->args) a = Substitute(a, lower);
  return copy;
}

plan::ResolvedPtr Collapse(const plan::ResolvedPtr& node) {
  if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kProject) {
    return node;
  }
  const auto& lower = node->children[0];
  std::unordered_map<plan::ColumnId, int> uses;
  for (const auto& e : node->expressions) {
    plan::ForEachColumnId(*e, [&](plan::ColumnId id) { ++uses[id]; });
  }
  for (size_t i = 0; i < lower->expressions.size(); ++i) {
    const auto& below = lower->expressions[i];
    bool cheap = below->kind != plan::BoundKind::kCall;
    if (!IsDeterministic(*below) || (!cheap && uses[lower->column_ids[i]] > 1)) return node;
  }
  auto merged = std::make_shared<plan::ResolvedPlan>(*node);
  merged->children = lower->children;
  for (auto& e : merged->expressions) e = Substitute(e, *lower);
  return Collapse(merged);
}

class CollapseProject final : public NodeRule {
 public:
  const char* name() const override { return "CollapseProject"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override { return Collapse(node); }
};

}  // namespace

RulePtr MakeCollapseProject() { return std::make_unique<CollapseProject>(); }

}  // namespace sk8::optimizer
