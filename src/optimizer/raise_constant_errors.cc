// The errors of Spark's ConstantFolding: Spark evaluates every constant
// expression while it optimizes, and one that fails (CAST('x' AS INT), 1 / 0)
// fails the query then, with or without rows to reach it, unless it sits in a
// branch of a conditional expression (CASE WHEN, coalesce), which may never be
// taken. ConstantFolding here keeps a failing call as it is; this rule, run
// after column pruning (so an unused column does not fail, as in Spark), raises
// the error of each such call outside conditional branches. (Over the query's
// own rows ConvertToLocalRelation has already run projections and filters.)
#include <optional>

#include <arrow/scalar.h>

#include "common/spark_error.h"
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundExpr;
using plan::BoundKind;

bool IsConditional(const BoundExpr& e) { return e.function_name == "when" || e.function_name == "coalesce"; }

bool HasColumn(const BoundExpr& e) {
  if (e.kind == BoundKind::kColumnRef) return true;
  for (const auto& a : e.args) {
    if (HasColumn(*a)) return true;
  }
  return false;
}

bool AllLiteral(const BoundExpr& e) {
  for (const auto& a : e.args) {
    if (a->kind != BoundKind::kLiteral) return false;
  }
  return true;
}

std::optional<bool> LiteralBool(const BoundExpr& e) {
  if (e.kind != BoundKind::kLiteral || !e.literal || !e.literal->is_valid ||
      e.literal->type->id() != arrow::Type::BOOL) {
    return std::nullopt;
  }
  return static_cast<const arrow::BooleanScalar&>(*e.literal).value;
}

// A user error (a Spark error class other than an internal one) of evaluating
// the call `e` whose arguments are literals; OK when it evaluates or when the
// failure is not the user's (a kernel that cannot run on scalars alone).
Status EvaluationError(const BoundExpr& e, const plan::EvalContext& ctx) {
  auto value = plan::EvaluateConstant(e, ctx);
  if (value.ok()) return Status::OK();
  const SparkErrorDetail* detail = GetSparkError(value.status());
  if (detail == nullptr || detail->kind() == SparkExceptionKind::kInternal ||
      detail->kind() == SparkExceptionKind::kUnsupported) {
    return Status::OK();
  }
  return value.status();
}

// The first error of a constant call in `e` that Spark would raise at planning.
Status Check(const BoundExpr& e, const plan::EvalContext& ctx) {
  if (e.kind != BoundKind::kCall || !e.deterministic) return Status::OK();
  const bool constant = !HasColumn(e);
  if (IsConditional(e)) {
    // A conditional with columns: its branches may never run. A constant one
    // runs the branch its literal conditions choose, as Spark evaluates it.
    if (!constant || e.function_name != "when") return Status::OK();
    size_t pairs = e.args.size() / 2;
    for (size_t b = 0; b < pairs; ++b) {
      auto cond = LiteralBool(*e.args[2 * b]);
      if (!cond.has_value() && e.args[2 * b]->kind != BoundKind::kLiteral) {
        return Check(*e.args[2 * b], ctx);  // an unfolded condition: its own error first
      }
      if (cond.value_or(false)) return Check(*e.args[2 * b + 1], ctx);
    }
    return e.args.size() % 2 == 1 ? Check(*e.args.back(), ctx) : Status::OK();
  }
  if (e.function_name == "and" || e.function_name == "or") {
    ARROW_RETURN_NOT_OK(Check(*e.args[0], ctx));
    auto left = LiteralBool(*e.args[0]);
    if (left.has_value() && *left == (e.function_name == "or")) return Status::OK();  // decided
    return Check(*e.args[1], ctx);
  }
  if (constant && AllLiteral(e) && e.kernel) return EvaluationError(e, ctx);
  for (const auto& a : e.args) ARROW_RETURN_NOT_OK(Check(*a, ctx));
  return Status::OK();
}

Status CheckNode(const plan::ResolvedPlan& node, const plan::EvalContext& ctx) {
  auto check = [&](const plan::BoundExprPtr& e) { return e ? Check(*e, ctx) : Status::OK(); };
  for (const auto& e : node.expressions) ARROW_RETURN_NOT_OK(check(e));
  ARROW_RETURN_NOT_OK(check(node.condition));
  for (const auto& g : node.grouping) ARROW_RETURN_NOT_OK(check(g));
  for (const auto& a : node.aggregates) {
    for (const auto& arg : a.args) ARROW_RETURN_NOT_OK(check(arg));
  }
  for (const auto& k : node.sort_keys) ARROW_RETURN_NOT_OK(check(k.expr));
  return check(node.replicate_count);
}

class RaiseConstantErrors final : public NodeRule {
 public:
  explicit RaiseConstantErrors(plan::EvalContext ctx) : ctx_(std::move(ctx)) {}
  const char* name() const override { return "ConstantFolding(errors)"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    ARROW_RETURN_NOT_OK(CheckNode(*node, ctx_));
    return node;
  }

 private:
  plan::EvalContext ctx_;
};

}  // namespace

RulePtr MakeRaiseConstantErrors(const plan::EvalContext& ctx) { return std::make_unique<RaiseConstantErrors>(ctx); }

}  // namespace sk8::optimizer
