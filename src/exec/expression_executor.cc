#include "exec/expression_executor.h"

#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/builder.h>
#include <arrow/chunked_array.h>
#include <arrow/compute/api.h>

#include "exec/data_chunk.h"
#include "exec/gather.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"

namespace sk8::exec {

namespace {

Result<std::shared_ptr<arrow::BooleanArray>> AsBooleans(const arrow::Datum& value, int64_t rows) {
  ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
  return std::static_pointer_cast<arrow::BooleanArray>(array);
}

// The rows `rows` of `batch`, copying only the columns `reader` reads (the
// others become NULL placeholders: a CASE branch or the right side of AND
// rarely reads every column of a wide batch).
Result<std::shared_ptr<arrow::RecordBatch>> TakeRows(const arrow::RecordBatch& batch,
                                                     const std::vector<int64_t>& rows, const plan::BoundExpr& reader) {
  const auto needed = ReferencedColumns({&reader}, batch.num_columns());
  return GatherBatch(batch, rows.data(), static_cast<int64_t>(rows.size()), &needed, arrow::default_memory_pool());
}

// CASE WHEN whose branches cannot fail: every condition and value over the
// whole batch, then one pass picks each row's value (the first true condition;
// NULL counts as false).
Result<arrow::Datum> EvaluateCaseWhenWhole(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                                           const plan::EvalContext& ctx) {
  int64_t rows = batch.num_rows();
  size_t branches = expr.args.size() / 2;
  std::vector<arrow::Datum> values;
  arrow::FieldVector fields;
  arrow::ArrayVector conditions;
  for (size_t b = 0; b < branches; ++b) {
    ARROW_ASSIGN_OR_RAISE(auto cond, Evaluate(*expr.args[2 * b], batch, ctx));
    ARROW_ASSIGN_OR_RAISE(auto cond_array, ToArray(cond, rows));
    conditions.push_back(std::move(cond_array));
    fields.push_back(arrow::field("c" + std::to_string(b), arrow::boolean()));
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*expr.args[2 * b + 1], batch, ctx));
    values.push_back(std::move(value));
  }
  if (expr.args.size() % 2 == 1) {
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*expr.args.back(), batch, ctx));
    values.push_back(std::move(value));
  }
  ARROW_ASSIGN_OR_RAISE(auto cond_struct, arrow::StructArray::Make(conditions, fields));
  std::vector<arrow::Datum> call_args{arrow::Datum(cond_struct)};
  for (auto& v : values) {
    // case_when wants its values in the result type (a literal branch may be typed differently).
    if (!v.type()->Equals(*expr.type)) {
      ARROW_ASSIGN_OR_RAISE(v, arrow::compute::Cast(v, expr.type));
    }
    call_args.push_back(std::move(v));
  }
  return arrow::compute::CallFunction("case_when", call_args);
}

// CASE WHEN: each condition is evaluated only on the rows no earlier branch took,
// and each value only on the rows that chose it (Spark's row-wise semantics).
Result<arrow::Datum> EvaluateCaseWhen(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                                      const plan::EvalContext& ctx) {
  int64_t rows = batch.num_rows();
  size_t branches = expr.args.size() / 2;
  bool has_else = expr.args.size() % 2 == 1;
  // Arrow's case_when takes flat types; nested results keep the row-wise path.
  if (!functions::CanFail(expr) && !arrow::is_nested(expr.type->id())) return EvaluateCaseWhenWhole(expr, batch, ctx);
  std::vector<std::vector<int64_t>> chosen(branches + 1);  // last: ELSE / no match
  std::vector<int64_t> remaining(rows);
  for (int64_t i = 0; i < rows; ++i) remaining[i] = i;
  for (size_t b = 0; b < branches && !remaining.empty(); ++b) {
    ARROW_ASSIGN_OR_RAISE(auto subset, TakeRows(batch, remaining, *expr.args[2 * b]));
    ARROW_ASSIGN_OR_RAISE(auto cond_value, Evaluate(*expr.args[2 * b], *subset, ctx));
    ARROW_ASSIGN_OR_RAISE(auto cond, AsBooleans(cond_value, subset->num_rows()));
    std::vector<int64_t> still;
    for (int64_t k = 0; k < cond->length(); ++k) {
      if (cond->IsValid(k) && cond->Value(k)) {
        chosen[b].push_back(remaining[k]);
      } else {
        still.push_back(remaining[k]);
      }
    }
    remaining = std::move(still);
  }
  chosen[branches] = std::move(remaining);
  // Values per branch, then gathered back into row order.
  arrow::ArrayVector pieces;
  std::vector<int64_t> position(rows, 0);
  int64_t offset = 0;
  for (size_t b = 0; b <= branches; ++b) {
    if (chosen[b].empty()) continue;
    std::shared_ptr<arrow::Array> values;
    bool is_else = b == branches;
    if (is_else && !has_else) {
      ARROW_ASSIGN_OR_RAISE(values, arrow::MakeArrayOfNull(expr.type, static_cast<int64_t>(chosen[b].size())));
    } else {
      const auto& value_expr = is_else ? expr.args.back() : expr.args[2 * b + 1];
      ARROW_ASSIGN_OR_RAISE(auto subset, TakeRows(batch, chosen[b], *value_expr));
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*value_expr, *subset, ctx));
      ARROW_ASSIGN_OR_RAISE(values, ToArray(value, subset->num_rows()));
    }
    for (size_t k = 0; k < chosen[b].size(); ++k) position[chosen[b][k]] = offset + static_cast<int64_t>(k);
    offset += values->length();
    pieces.push_back(std::move(values));
  }
  ARROW_ASSIGN_OR_RAISE(auto all, arrow::Concatenate(pieces));
  arrow::Int64Builder index_builder;
  ARROW_RETURN_NOT_OK(index_builder.AppendValues(position));
  ARROW_ASSIGN_OR_RAISE(auto indices, index_builder.Finish());
  ARROW_ASSIGN_OR_RAISE(auto ordered, arrow::compute::Take(*all, *indices));
  return arrow::Datum(ordered);
}

// AND / OR evaluate their right side only for rows the left side does not
// decide (like Spark's row-at-a-time short circuit), so `false AND 1/0` and
// `true OR 1/0` raise nothing.
Result<arrow::Datum> EvaluateConjunction(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                                         const plan::EvalContext& ctx) {
  const bool is_and = expr.function_name == "and";
  int64_t rows = batch.num_rows();
  ARROW_ASSIGN_OR_RAISE(auto left_value, Evaluate(*expr.args[0], batch, ctx));
  if (!functions::CanFail(*expr.args[1])) {
    // Nothing to guard: both sides over the whole batch, combined bitwise.
    ARROW_ASSIGN_OR_RAISE(auto right_value, Evaluate(*expr.args[1], batch, ctx));
    return arrow::compute::CallFunction(is_and ? "and_kleene" : "or_kleene", {left_value, right_value});
  }
  ARROW_ASSIGN_OR_RAISE(auto left, AsBooleans(left_value, rows));
  std::vector<int64_t> undecided;
  for (int64_t i = 0; i < rows; ++i) {
    bool decided = left->IsValid(i) && left->Value(i) == !is_and;  // false for AND, true for OR
    if (!decided) undecided.push_back(i);
  }
  if (undecided.empty()) return arrow::Datum(left);
  std::shared_ptr<arrow::BooleanArray> right;
  if (static_cast<int64_t>(undecided.size()) == rows) {
    ARROW_ASSIGN_OR_RAISE(auto right_value, Evaluate(*expr.args[1], batch, ctx));
    ARROW_ASSIGN_OR_RAISE(right, AsBooleans(right_value, rows));
  } else {
    ARROW_ASSIGN_OR_RAISE(auto subset, TakeRows(batch, undecided, *expr.args[1]));
    ARROW_ASSIGN_OR_RAISE(auto right_value, Evaluate(*expr.args[1], *subset, ctx));
    ARROW_ASSIGN_OR_RAISE(auto partial, AsBooleans(right_value, static_cast<int64_t>(undecided.size())));
    // Rows the left side decided get a neutral right value.
    arrow::BooleanBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    size_t next = 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (next < undecided.size() && undecided[next] == i) {
        if (partial->IsValid(static_cast<int64_t>(next))) {
          builder.UnsafeAppend(partial->Value(static_cast<int64_t>(next)));
        } else {
          builder.UnsafeAppendNull();
        }
        ++next;
      } else {
        builder.UnsafeAppend(is_and);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto full, builder.Finish());
    right = std::static_pointer_cast<arrow::BooleanArray>(full);
  }
  return arrow::compute::CallFunction(is_and ? "and_kleene" : "or_kleene", {left, right});
}

// A null-intolerant binary call (a + b, a < b) evaluates its second argument
// only on the rows where the first is not NULL, as Spark does row by row: the
// second's errors (a % 0) do not surface where the result is NULL anyway. Only
// a second argument that can fail (functions::CanFail) needs it; only a first
// argument with NULLs makes the difference.
Result<arrow::Datum> EvaluateNullIntolerantBinary(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                                                  const plan::EvalContext& ctx) {
  int64_t rows = batch.num_rows();
  ARROW_ASSIGN_OR_RAISE(auto left, Evaluate(*expr.args[0], batch, ctx));
  if (left.is_scalar() && !left.scalar()->is_valid) return arrow::Datum(arrow::MakeNullScalar(expr.type));
  arrow::Datum right;
  std::shared_ptr<arrow::Array> left_array;
  if (!left.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(left_array, ToArray(left, rows));
  }
  if (left_array && left_array->null_count() > 0) {
    std::vector<int64_t> valid;
    valid.reserve(static_cast<size_t>(rows - left_array->null_count()));
    for (int64_t i = 0; i < rows; ++i) {
      if (left_array->IsValid(i)) valid.push_back(i);
    }
    ARROW_ASSIGN_OR_RAISE(auto subset, TakeRows(batch, valid, *expr.args[1]));
    ARROW_ASSIGN_OR_RAISE(auto partial_value, Evaluate(*expr.args[1], *subset, ctx));
    ARROW_ASSIGN_OR_RAISE(auto partial, ToArray(partial_value, subset->num_rows()));
    // Back to the batch's rows: NULL where the first argument is NULL.
    arrow::Int64Builder index_builder;
    ARROW_RETURN_NOT_OK(index_builder.Reserve(rows));
    int64_t next = 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (left_array->IsValid(i)) {
        index_builder.UnsafeAppend(next++);
      } else {
        index_builder.UnsafeAppendNull();
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, index_builder.Finish());
    ARROW_ASSIGN_OR_RAISE(right, arrow::compute::Take(*partial, *indices));
  } else {
    ARROW_ASSIGN_OR_RAISE(right, Evaluate(*expr.args[1], batch, ctx));
  }
  return expr.kernel->Execute({left, right}, rows, ctx);
}

}  // namespace

Result<arrow::Datum> Evaluate(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                              const plan::EvalContext& ctx) {
  if (batch.num_rows() == 0 && expr.kind != plan::BoundKind::kColumnRef) {
    // Nothing to compute: in particular no error from constant sub-expressions.
    ARROW_ASSIGN_OR_RAISE(auto empty, arrow::MakeArrayOfNull(expr.type, 0));
    return arrow::Datum(empty);
  }
  if (expr.kind == plan::BoundKind::kCall && (expr.function_name == "and" || expr.function_name == "or") &&
      expr.args.size() == 2) {
    return EvaluateConjunction(expr, batch, ctx);
  }
  if (expr.kind == plan::BoundKind::kCall && expr.function_name == "when") return EvaluateCaseWhen(expr, batch, ctx);
  if (expr.kind == plan::BoundKind::kCall && expr.null_intolerant && expr.args.size() == 2 &&
      expr.args[1]->kind == plan::BoundKind::kCall && functions::CanFail(*expr.args[1])) {
    return EvaluateNullIntolerantBinary(expr, batch, ctx);
  }
  switch (expr.kind) {
    case plan::BoundKind::kColumnRef:
      return arrow::Datum(batch.column(expr.column_index));
    case plan::BoundKind::kLiteral:
      return arrow::Datum(expr.literal);
    case plan::BoundKind::kCall: {
      std::vector<arrow::Datum> args;
      args.reserve(expr.args.size());
      for (const auto& arg : expr.args) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*arg, batch, ctx));
        args.push_back(std::move(value));
      }
      ARROW_ASSIGN_OR_RAISE(auto result, expr.kernel->Execute(args, batch.num_rows(), ctx));
      return result;
    }
  }
  return InternalError("unknown bound expression");
}

// Higher-order functions (functions/, below exec/) evaluate lambda bodies here.
const bool kLambdaEvaluatorRegistered = (functions::SetBatchEvaluator(&Evaluate), true);

Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& datum, int64_t length) {
  if (datum.is_scalar()) return arrow::MakeArrayFromScalar(*datum.scalar(), length);
  if (datum.is_array()) return datum.make_array();
  if (datum.is_chunked_array()) {
    const auto& chunked = datum.chunked_array();
    if (chunked->num_chunks() == 1) return chunked->chunk(0);
    return arrow::Concatenate(chunked->chunks());
  }
  return InternalError("unexpected datum kind");
}

}  // namespace sk8::exec
