#include "exec/expression_executor.h"

#include <arrow/array/concatenate.h>
#include <arrow/array/util.h>
#include <arrow/chunked_array.h>

namespace sk8::exec {

Result<arrow::Datum> Evaluate(const plan::BoundExpr& expr, const arrow::RecordBatch& batch,
                              const plan::EvalContext& ctx) {
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
