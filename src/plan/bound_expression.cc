#include "plan/bound_expression.h"

#include <arrow/array.h>
#include <arrow/scalar.h>

namespace sk8::plan {

BoundExprPtr BoundExpr::Column(int index, std::shared_ptr<arrow::DataType> type, bool nullable,
                               std::string name) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kColumnRef;
  e->column_index = index;
  e->type = std::move(type);
  e->nullable = nullable;
  e->name = std::move(name);
  return e;
}

BoundExprPtr BoundExpr::Literal(std::shared_ptr<arrow::Scalar> value, std::string name) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kLiteral;
  e->type = value->type;
  e->nullable = !value->is_valid;
  e->literal = std::move(value);
  e->name = std::move(name);
  return e;
}

BoundExprPtr BoundExpr::Call(std::string function, std::shared_ptr<const ScalarKernel> kernel,
                             std::vector<BoundExprPtr> args, std::shared_ptr<arrow::DataType> type,
                             bool nullable, std::string name) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundKind::kCall;
  e->function_name = std::move(function);
  e->kernel = std::move(kernel);
  e->args = std::move(args);
  e->type = std::move(type);
  e->nullable = nullable;
  e->name = std::move(name);
  return e;
}

std::string ToString(const BoundExpr& expr) {
  switch (expr.kind) {
    case BoundKind::kColumnRef:
      return expr.name + "#" + std::to_string(expr.column_id >= 0 ? expr.column_id : expr.column_index);
    case BoundKind::kLiteral: return expr.name;
    case BoundKind::kCall:
      // Spark's SQL form of the call, e.g. "(id % 3)" or "CAST(a AS INT)".
      return expr.name;
  }
  return expr.name;
}

bool SameExpression(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || !a.type->Equals(*b.type) || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case BoundKind::kColumnRef:
      if (a.outer_reference != b.outer_reference) return false;
      if (a.column_id >= 0 || b.column_id >= 0) return a.column_id == b.column_id;
      return a.column_index == b.column_index;
    case BoundKind::kLiteral: return a.literal->Equals(*b.literal);
    case BoundKind::kCall:
      // The name carries what the arguments do not (a cast's or a function's form).
      if (a.function_name != b.function_name || a.name != b.name) return false;
      for (size_t i = 0; i < a.args.size(); ++i) {
        if (!SameExpression(*a.args[i], *b.args[i])) return false;
      }
      return true;
  }
  return false;
}

Result<BoundExprPtr> BindToInput(const BoundExprPtr& expr, const std::vector<int64_t>& input_ids) {
  if (expr->kind == BoundKind::kColumnRef) {
    if (expr->column_id < 0 || expr->outer_reference) return expr;  // already positional / not this input's
    for (size_t i = 0; i < input_ids.size(); ++i) {
      if (input_ids[i] != expr->column_id) continue;
      if (expr->column_index == static_cast<int>(i)) return expr;
      auto copy = std::make_shared<BoundExpr>(*expr);
      copy->column_index = static_cast<int>(i);
      return BoundExprPtr(copy);
    }
    return InternalError("column " + expr->name + "#" + std::to_string(expr->column_id) +
                         " is not in the input of the operator that reads it");
  }
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args) {
    ARROW_ASSIGN_OR_RAISE(arg, BindToInput(arg, input_ids));
  }
  return BoundExprPtr(copy);
}

void SplitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>* out) {
  if (expr->kind == BoundKind::kCall && expr->function_name == "and" && expr->args.size() == 2) {
    SplitConjuncts(expr->args[0], out);
    SplitConjuncts(expr->args[1], out);
    return;
  }
  out->push_back(expr);
}

Result<std::shared_ptr<arrow::Scalar>> EvaluateConstant(const BoundExpr& expr, const EvalContext& ctx) {
  if (expr.kind == BoundKind::kLiteral) return expr.literal;
  if (expr.kind != BoundKind::kCall || !expr.kernel) return InternalError(expr.name + " is not a constant");
  std::vector<arrow::Datum> args;
  for (const auto& arg : expr.args) {
    ARROW_ASSIGN_OR_RAISE(auto value, EvaluateConstant(*arg, ctx));
    args.emplace_back(std::move(value));
  }
  ARROW_ASSIGN_OR_RAISE(auto result, expr.kernel->Execute(args, 1, ctx));
  if (result.is_scalar()) return result.scalar();
  if (result.is_array() && result.length() == 1) return result.make_array()->GetScalar(0);
  return InternalError(expr.name + " did not evaluate to one value");
}

bool IsBinaryCall(const BoundExpr& e, const char* name) {
  return e.kind == BoundKind::kCall && e.function_name == name && e.args.size() == 2;
}

void FlattenCalls(const BoundExprPtr& e, const char* name, std::vector<BoundExprPtr>* out) {
  if (IsBinaryCall(*e, name)) {
    FlattenCalls(e->args[0], name, out);
    FlattenCalls(e->args[1], name, out);
    return;
  }
  out->push_back(e);
}

bool IsDeterministic(const BoundExpr& expr) {
  if (!expr.deterministic) return false;
  for (const auto& arg : expr.args) {
    if (!IsDeterministic(*arg)) return false;
  }
  return true;
}

bool HasOuterReference(const BoundExpr& expr) {
  if (expr.outer_reference) return true;
  for (const auto& arg : expr.args) {
    if (HasOuterReference(*arg)) return true;
  }
  return false;
}

void ForEachColumnId(const BoundExpr& expr, const std::function<void(int64_t)>& visit) {
  if (expr.kind == BoundKind::kColumnRef) visit(expr.column_id);
  for (const auto& arg : expr.args) ForEachColumnId(*arg, visit);
}

}  // namespace sk8::plan
