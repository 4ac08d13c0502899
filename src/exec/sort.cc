// Sort (orderBy): buffers its input, then orders row indices with Spark's
// rules (NaN above all numbers; nulls first for ascending by default). Under a
// LIMIT it is a top-N that buffers only each chunk's first rows.
#include <arrow/compute/api.h>
#include <arrow/table.h>

#include <algorithm>
#include <cmath>

#include "exec/expression_executor.h"
#include "exec/operators.h"
#include "exec/row_comparator.h"
#include "types/spark_types.h"

namespace sk8::exec {
namespace {

struct SortSinkState : BufferedSinkState {
  std::mutex mutex;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
};

// The row order of `batch` by `keys`: all rows (stable: ties keep their input
// order), or with `top_n` >= 0 only the first top_n of that order.
Result<std::vector<int64_t>> OrderRows(const arrow::RecordBatch& batch, const std::vector<plan::BoundSortKey>& keys,
                                       int64_t top_n, const plan::EvalContext& eval) {
  int64_t rows = batch.num_rows();
  std::vector<std::shared_ptr<arrow::Array>> key_arrays;
  std::vector<RowComparator> comparators;
  for (const auto& key : keys) {
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*key.expr, batch, eval));
    ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
    ARROW_ASSIGN_OR_RAISE(auto comparator, MakeRowComparator(array));
    key_arrays.push_back(array);
    comparators.push_back(std::move(comparator));
  }
  std::vector<int64_t> order(rows);
  for (int64_t i = 0; i < rows; ++i) order[i] = i;
  // Ties go to the earlier row, which makes the order total: a partial sort's
  // prefix is then the stable sort's.
  auto before = [&](int64_t a, int64_t b) {
    for (size_t k = 0; k < keys.size(); ++k) {
      bool a_null = key_arrays[k]->IsNull(a), b_null = key_arrays[k]->IsNull(b);
      if (a_null || b_null) {
        if (a_null == b_null) continue;
        return a_null == keys[k].nulls_first;
      }
      int c = comparators[k](a, b);
      if (c != 0) return keys[k].ascending ? c < 0 : c > 0;
    }
    return a < b;
  };
  if (top_n >= 0 && top_n < rows) {
    std::partial_sort(order.begin(), order.begin() + top_n, order.end(), before);
    order.resize(static_cast<size_t>(top_n));
  } else {
    std::stable_sort(order.begin(), order.end(), before);  // fewer comparisons than std::sort
  }
  return order;
}

Result<std::shared_ptr<arrow::RecordBatch>> TakeInOrder(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                        const std::vector<int64_t>& order, ExecContext& ctx) {
  arrow::Int64Builder builder(ctx.pool);
  ARROW_RETURN_NOT_OK(builder.AppendValues(order));
  ARROW_ASSIGN_OR_RAISE(auto indices, builder.Finish());
  arrow::compute::ExecContext exec_ctx(ctx.pool);
  ARROW_ASSIGN_OR_RAISE(auto taken,
                        arrow::compute::Take(batch, indices, arrow::compute::TakeOptions::Defaults(), &exec_ctx));
  return taken.record_batch();
}

// ORDER BY; with `top_n` >= 0 (a LIMIT above it: limit + offset rows) a top-N:
// each input chunk keeps only its first top_n rows, so the buffer stays small.
class Sort : public BufferedSinkOperator {
 public:
  Sort(OperatorPtr child, std::vector<plan::BoundSortKey> keys, int64_t top_n)
      : BufferedSinkOperator(std::move(child)), keys_(std::move(keys)), top_n_(top_n) {}

  std::string name() const override { return top_n_ >= 0 ? "TopN" : "Sort"; }
  std::string details() const override {
    std::string text = "[";
    for (size_t i = 0; i < keys_.size(); ++i) {
      text += (i ? ", " : "") + keys_[i].expr->name + (keys_[i].ascending ? " ASC" : " DESC") +
              (keys_[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    text += "]";
    if (top_n_ >= 0) text += ", " + std::to_string(top_n_) + " rows";
    return text;
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<SortSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<SortSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    if (top_n_ >= 0 && batch->num_rows() > top_n_) {
      ARROW_ASSIGN_OR_RAISE(auto order, OrderRows(*batch, keys_, top_n_, ctx.eval));
      ARROW_ASSIGN_OR_RAISE(batch, TakeInOrder(batch, order, ctx));
    }
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    state.batches.push_back(batch);
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<SortSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema(), state.batches));
    ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks(ctx.pool));
    ARROW_ASSIGN_OR_RAISE(auto batch, table->CombineChunksToBatch(ctx.pool));
    state.batches.clear();
    int64_t rows = batch->num_rows();
    // The input now lives in `batch` (query pool); hold the row order instead.
    ARROW_RETURN_NOT_OK(state.memory.Resize(rows * static_cast<int64_t>(sizeof(int64_t))));
    ARROW_ASSIGN_OR_RAISE(auto order, OrderRows(*batch, keys_, top_n_, ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto sorted, TakeInOrder(batch, order, ctx));
    state.output.push_back(std::move(sorted));
    state.memory.Free();
    return Status::OK();
  }

 private:
  std::vector<plan::BoundSortKey> keys_;
  int64_t top_n_;
};

}  // namespace

namespace {

template <typename T>
int CompareValues(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  }
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

Result<RowComparator> MakeRowComparator(const std::shared_ptr<arrow::Array>& array) {
  switch (array->type_id()) {
#define SK8_NUMERIC_CASE(TYPE_ID, ARRAY)                                                        \
  case arrow::Type::TYPE_ID: {                                                                  \
    auto typed = std::static_pointer_cast<arrow::ARRAY>(array);                                 \
    return RowComparator([typed](int64_t a, int64_t b) { return CompareValues(typed->Value(a), typed->Value(b)); }); \
  }
    SK8_NUMERIC_CASE(INT8, Int8Array)
    SK8_NUMERIC_CASE(INT16, Int16Array)
    SK8_NUMERIC_CASE(INT32, Int32Array)
    SK8_NUMERIC_CASE(INT64, Int64Array)
    SK8_NUMERIC_CASE(FLOAT, FloatArray)
    SK8_NUMERIC_CASE(DOUBLE, DoubleArray)
    SK8_NUMERIC_CASE(DATE32, Date32Array)
    SK8_NUMERIC_CASE(TIMESTAMP, TimestampArray)
    SK8_NUMERIC_CASE(TIME64, Time64Array)
    SK8_NUMERIC_CASE(INTERVAL_MONTHS, MonthIntervalArray)
    SK8_NUMERIC_CASE(DURATION, DurationArray)
    SK8_NUMERIC_CASE(BOOL, BooleanArray)
#undef SK8_NUMERIC_CASE
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      auto typed = std::static_pointer_cast<arrow::BinaryArray>(array);
      return RowComparator([typed](int64_t a, int64_t b) { return typed->GetView(a).compare(typed->GetView(b)); });
    }
    case arrow::Type::DECIMAL128: {
      auto typed = std::static_pointer_cast<arrow::Decimal128Array>(array);
      return RowComparator([typed](int64_t a, int64_t b) {
        arrow::Decimal128 x(typed->GetValue(a)), y(typed->GetValue(b));
        return x < y ? -1 : (y < x ? 1 : 0);
      });
    }
    default: return Unsupported("ORDER BY on " + types::SqlString(*array->type()));
  }
}

OperatorPtr MakeSort(OperatorPtr child, std::vector<plan::BoundSortKey> keys, int64_t top_n) {
  return std::make_unique<Sort>(std::move(child), std::move(keys), top_n);
}

}  // namespace sk8::exec
