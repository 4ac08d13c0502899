// Sort (orderBy): buffers its input, then orders row indices with Spark's
// rules (NaN above all numbers; nulls first for ascending by default).
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

class Sort : public BufferedSinkOperator {
 public:
  Sort(OperatorPtr child, std::vector<plan::BoundSortKey> keys)
      : BufferedSinkOperator(std::move(child)), keys_(std::move(keys)) {}

  std::string name() const override { return "Sort"; }
  std::string details() const override {
    std::string text = "[";
    for (size_t i = 0; i < keys_.size(); ++i) {
      text += (i ? ", " : "") + keys_[i].expr->name + (keys_[i].ascending ? " ASC" : " DESC") +
              (keys_[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    return text + "]";
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<SortSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<SortSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
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
    std::vector<std::shared_ptr<arrow::Array>> key_arrays;
    std::vector<RowComparator> comparators;
    for (const auto& key : keys_) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*key.expr, *batch, ctx.eval));
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
      ARROW_ASSIGN_OR_RAISE(auto comparator, MakeRowComparator(array));
      key_arrays.push_back(array);
      comparators.push_back(std::move(comparator));
    }
    std::vector<int64_t> order(rows);
    for (int64_t i = 0; i < rows; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        bool a_null = key_arrays[k]->IsNull(a), b_null = key_arrays[k]->IsNull(b);
        if (a_null || b_null) {
          if (a_null == b_null) continue;
          return a_null == keys_[k].nulls_first;
        }
        int c = comparators[k](a, b);
        if (c != 0) return keys_[k].ascending ? c < 0 : c > 0;
      }
      return false;
    });
    arrow::Int64Builder builder(ctx.pool);
    ARROW_RETURN_NOT_OK(builder.AppendValues(order));
    ARROW_ASSIGN_OR_RAISE(auto indices, builder.Finish());
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    ARROW_ASSIGN_OR_RAISE(auto sorted,
                          arrow::compute::Take(batch, indices, arrow::compute::TakeOptions::Defaults(), &exec_ctx));
    state.output.push_back(sorted.record_batch());
    state.memory.Free();
    return Status::OK();
  }

 private:
  std::vector<plan::BoundSortKey> keys_;
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

OperatorPtr MakeSort(OperatorPtr child, std::vector<plan::BoundSortKey> keys) {
  return std::make_unique<Sort>(std::move(child), std::move(keys));
}

}  // namespace sk8::exec
