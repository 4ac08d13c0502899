// ConstantFolding (Spark's rule of that name): a deterministic call whose
// arguments are all literals is evaluated once, here, and becomes a literal
// with the call's name and type (so `DATE '1993-07-01' + INTERVAL 3 MONTH` is
// not recomputed for every batch). A call that fails (1 / 0 under ANSI) stays
// as it is; RaiseConstantErrors reports it once columns are pruned. As Spark's
// NullPropagation, a null-intolerant call with a NULL literal argument becomes
// NULL without evaluating the others.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

class ConstantFolding final : public NodeRule {
 public:
  explicit ConstantFolding(plan::EvalContext ctx) : ctx_(std::move(ctx)) {}
  const char* name() const override { return "ConstantFolding"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    bool changed = false;
    auto fold = [&](const BoundExprPtr& e) {
      if (!e) return e;
      BoundExprPtr folded = Fold(e);
      changed |= folded != e;
      return folded;
    };
    auto copy = std::make_shared<ResolvedPlan>(*node);
    for (auto& e : copy->expressions) e = fold(e);
    copy->condition = fold(copy->condition);
    for (auto& g : copy->grouping) g = fold(g);
    for (auto& a : copy->aggregates) {
      for (auto& arg : a.args) arg = fold(arg);
    }
    for (auto& k : copy->sort_keys) k.expr = fold(k.expr);
    return changed ? ResolvedPtr(copy) : node;
  }

 private:
  BoundExprPtr Fold(const BoundExprPtr& e) const {
    if (e->kind != plan::BoundKind::kCall) return e;
    std::vector<BoundExprPtr> args;
    bool args_changed = false, all_literal = true;
    for (const auto& arg : e->args) {
      args.push_back(Fold(arg));
      args_changed |= args.back() != arg;
      all_literal &= args.back()->kind == plan::BoundKind::kLiteral;
    }
    BoundExprPtr current = e;
    if (args_changed) {
      auto copy = std::make_shared<BoundExpr>(*e);
      copy->args = args;
      current = copy;
    }
    if (e->null_intolerant) {
      // NullPropagation: NULL op x is NULL, and x is never evaluated.
      for (const auto& arg : args) {
        if (arg->kind == plan::BoundKind::kLiteral && arg->literal && !arg->literal->is_valid) {
          auto null_value = std::make_shared<BoundExpr>(*BoundExpr::Literal(arrow::MakeNullScalar(e->type), e->name));
          null_value->auto_alias = e->auto_alias;
          return null_value;
        }
      }
    }
    if (!all_literal || !e->deterministic || !e->kernel) return current;
    auto value = plan::EvaluateConstant(*current, ctx_);
    if (!value.ok()) return current;  // fails at run time, where a row reaches it
    std::shared_ptr<arrow::Scalar> scalar = *value;
    if (!scalar->type->Equals(*e->type)) return current;
    auto literal = std::make_shared<BoundExpr>(*e);
    literal->kind = plan::BoundKind::kLiteral;
    literal->literal = std::move(scalar);
    literal->nullable = !literal->literal->is_valid;
    literal->args.clear();
    literal->kernel = nullptr;
    literal->function_name.clear();
    return literal;
  }

  plan::EvalContext ctx_;
};

}  // namespace

RulePtr MakeConstantFolding(const plan::EvalContext& ctx) { return std::make_unique<ConstantFolding>(ctx); }

}  // namespace sk8::optimizer
