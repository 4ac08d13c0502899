// Window: a pipeline breaker. It buffers its input; Finalize numbers the
// partitions with the shared hash table (PARTITION BY keys, NULLs equal),
// groups rows by partition, and then, in parallel (ParallelFor), each task
// takes a run of whole partitions, orders each by the ORDER BY keys, and
// computes every window function of the node over them in one pass. Each
// task's rows become one output batch (input columns, then one per function).
//
// Frames are row ranges [lo, hi) per row. Aggregates read them through the
// aggregate functions' own accumulators: a frame that is the whole partition is
// one group per partition; a growing frame (UNBOUNDED PRECEDING .. x) a running
// prefix; a shrinking one (x .. UNBOUNDED FOLLOWING) a running suffix; any
// other frame is folded row by row (O(rows x frame width), as Spark's sliding
// frame).
#include <arrow/compute/api.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>

#include "exec/expression_executor.h"
#include "exec/hash_table.h"
#include "exec/operators.h"
#include "exec/row_comparator.h"
#include "exec/task_scheduler.h"
#include "types/spark_types.h"

namespace sk8::exec {
namespace {

using plan::BoundWindowFunction;
using plan::WindowBound;
using plan::WindowFunctionKind;

struct WindowSinkState : BufferedSinkState {
  std::mutex mutex;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
};

/// Total order of order-key values for RANGE offsets: NaN above all numbers.
int CompareKeys(long double a, long double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

/// An order key as a number (dates in days, timestamps in microseconds).
Result<std::vector<long double>> KeyValues(const arrow::Array& array) {
  std::vector<long double> out(array.length(), 0);
  auto fill = [&](auto get) {
    for (int64_t i = 0; i < array.length(); ++i) {
      if (array.IsValid(i)) out[i] = get(i);
    }
  };
  switch (array.type_id()) {
#define SK8_KEY_CASE(TYPE_ID, ARRAY)                                                          \
  case arrow::Type::TYPE_ID: {                                                                \
    const auto& typed = static_cast<const arrow::ARRAY&>(array);                              \
    fill([&](int64_t i) { return static_cast<long double>(typed.Value(i)); });                \
    return out;                                                                               \
  }
    SK8_KEY_CASE(INT8, Int8Array)
    SK8_KEY_CASE(INT16, Int16Array)
    SK8_KEY_CASE(INT32, Int32Array)
    SK8_KEY_CASE(INT64, Int64Array)
    SK8_KEY_CASE(FLOAT, FloatArray)
    SK8_KEY_CASE(DOUBLE, DoubleArray)
    SK8_KEY_CASE(DATE32, Date32Array)
    SK8_KEY_CASE(TIMESTAMP, TimestampArray)
#undef SK8_KEY_CASE
    case arrow::Type::DECIMAL128: {
      const auto& typed = static_cast<const arrow::Decimal128Array&>(array);
      const int32_t scale = static_cast<const arrow::Decimal128Type&>(*array.type()).scale();
      fill([&](int64_t i) { return std::stold(arrow::Decimal128(typed.GetValue(i)).ToString(scale)); });
      return out;
    }
    default: return Unsupported("RANGE window frames over " + types::SqlString(*array.type()));
  }
}

/// A RANGE offset in the units of KeyValues for a key of type `key`.
long double OffsetValue(const arrow::Scalar& offset, const arrow::DataType& key) {
  if (offset.type->id() == arrow::Type::DURATION) {
    const auto micros = static_cast<long double>(static_cast<const arrow::DurationScalar&>(offset).value);
    return key.id() == arrow::Type::DATE32 ? micros / 86400000000.0L : micros;
  }
  if (offset.type->id() == arrow::Type::DECIMAL128) {
    const auto& decimal = static_cast<const arrow::Decimal128Scalar&>(offset);
    const int32_t scale = static_cast<const arrow::Decimal128Type&>(*offset.type).scale();
    return std::stold(decimal.value.ToString(scale));
  }
  auto as_double = offset.CastTo(arrow::float64());
  if (!as_double.ok()) return 0;
  return static_cast<long double>(static_cast<const arrow::DoubleScalar&>(**as_double).value);
}

/// One ORDER BY key, decoded for comparisons without a call per value:
/// integers, dates, timestamps and booleans as int64, floating point as double
/// (NaN above all numbers, -0.0 = 0.0), other types through a RowComparator.
struct OrderKey {
  enum class Kind { kInt, kDouble, kOther };
  Kind kind = Kind::kOther;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<uint8_t> valid;  // empty when there are no NULLs
  RowComparator other;
  bool ascending = true;
  bool nulls_first = true;

  int Compare(int64_t a, int64_t b) const {
    if (!valid.empty()) {
      const bool a_null = !valid[a], b_null = !valid[b];
      if (a_null || b_null) {
        if (a_null == b_null) return 0;
        return a_null == nulls_first ? -1 : 1;
      }
    }
    int c;
    switch (kind) {
      case Kind::kInt: c = (ints[a] > ints[b]) - (ints[a] < ints[b]); break;
      case Kind::kDouble: {
        const double x = doubles[a], y = doubles[b];
        const bool xn = std::isnan(x), yn = std::isnan(y);
        c = xn || yn ? (xn == yn ? 0 : (xn ? 1 : -1)) : (x > y) - (x < y);
        break;
      }
      default: c = other(a, b); break;
    }
    return ascending ? c : -c;
  }
};

Result<OrderKey> MakeOrderKey(const std::shared_ptr<arrow::Array>& array, const plan::BoundSortKey& sort_key) {
  OrderKey key;
  key.ascending = sort_key.ascending;
  key.nulls_first = sort_key.nulls_first;
  const int64_t n = array->length();
  if (array->null_count() > 0) {
    key.valid.resize(n);
    for (int64_t i = 0; i < n; ++i) key.valid[i] = array->IsValid(i);
  }
  auto ints = [&](const auto& typed) {
    key.kind = OrderKey::Kind::kInt;
    key.ints.resize(n);
    for (int64_t i = 0; i < n; ++i) key.ints[i] = static_cast<int64_t>(typed.Value(i));
  };
  auto doubles = [&](const auto& typed) {
    key.kind = OrderKey::Kind::kDouble;
    key.doubles.resize(n);
    for (int64_t i = 0; i < n; ++i) key.doubles[i] = static_cast<double>(typed.Value(i));
  };
  switch (array->type_id()) {
    case arrow::Type::INT8: ints(static_cast<const arrow::Int8Array&>(*array)); break;
    case arrow::Type::INT16: ints(static_cast<const arrow::Int16Array&>(*array)); break;
    case arrow::Type::INT32: ints(static_cast<const arrow::Int32Array&>(*array)); break;
    case arrow::Type::INT64: ints(static_cast<const arrow::Int64Array&>(*array)); break;
    case arrow::Type::DATE32: ints(static_cast<const arrow::Date32Array&>(*array)); break;
    case arrow::Type::TIMESTAMP: ints(static_cast<const arrow::TimestampArray&>(*array)); break;
    case arrow::Type::BOOL: ints(static_cast<const arrow::BooleanArray&>(*array)); break;
    case arrow::Type::DECIMAL128: {
      if (static_cast<const arrow::Decimal128Type&>(*array->type()).precision() <= 18) {
        // Unscaled values fit an int64 and order as the decimals do.
        const auto& typed = static_cast<const arrow::Decimal128Array&>(*array);
        key.kind = OrderKey::Kind::kInt;
        key.ints.resize(n);
        for (int64_t i = 0; i < n; ++i) {
          key.ints[i] = static_cast<int64_t>(arrow::Decimal128(typed.GetValue(i)).low_bits());
        }
        break;
      }
      ARROW_ASSIGN_OR_RAISE(key.other, MakeRowComparator(array));
      break;
    }
    case arrow::Type::FLOAT: doubles(static_cast<const arrow::FloatArray&>(*array)); break;
    case arrow::Type::DOUBLE: doubles(static_cast<const arrow::DoubleArray&>(*array)); break;
    default: {
      ARROW_ASSIGN_OR_RAISE(key.other, MakeRowComparator(array));
      break;
    }
  }
  return key;
}

/// The rows of one task: positions [0, size) of its slice of the sorted order,
/// split into partitions, with what the functions need to know about each row.
struct TaskRows {
  int64_t size = 0;
  std::vector<int64_t> partition_of;  // local partition index of each row
  std::vector<int64_t> starts;        // partition p is rows [starts[p], starts[p + 1])
  std::vector<int64_t> peer_start, peer_end;  // rows with equal ORDER BY keys
};

class Window : public BufferedSinkOperator {
 public:
  Window(OperatorPtr child, std::vector<plan::BoundExprPtr> partition, std::vector<plan::BoundSortKey> order,
         std::vector<BoundWindowFunction> functions, std::shared_ptr<arrow::Schema> schema)
      : BufferedSinkOperator(std::move(schema), SingleChild(std::move(child))),
        partition_(std::move(partition)),
        order_(std::move(order)),
        functions_(std::move(functions)) {}

  std::string name() const override { return "Window"; }
  std::string details() const override {
    std::string text = "[";
    for (size_t i = 0; i < functions_.size(); ++i) text += (i ? ", " : "") + functions_[i].name;
    return text + "]";
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<WindowSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<WindowSinkState&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    state.batches.push_back(batch);
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<WindowSinkState&>(global);
    const auto& input_schema = children()[0]->schema();
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(input_schema, state.batches));
    ARROW_ASSIGN_OR_RAISE(auto batch, table->CombineChunksToBatch(ctx.pool));
    state.batches.clear();
    const int64_t rows = batch->num_rows();
    if (rows == 0) return Status::OK();

    // Partition numbers, then the rows grouped by partition (input order within one).
    std::vector<uint32_t> group_ids(rows, 0);
    uint32_t num_partitions = 1;
    if (!partition_.empty()) {
      std::vector<std::shared_ptr<arrow::Array>> keys;
      std::vector<std::shared_ptr<arrow::DataType>> types;
      for (const auto& p : partition_) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*p, *batch, ctx.eval));
        ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
        types.push_back(array->type());
        keys.push_back(std::move(array));
      }
      ARROW_ASSIGN_OR_RAISE(auto table_keys, HashTable::Make(types, ctx.pool));
      ARROW_RETURN_NOT_OK(table_keys->FindOrInsert(keys, rows, group_ids.data()));
      num_partitions = table_keys->num_groups();
    }
    std::vector<int64_t> partition_starts(num_partitions + 1, 0);
    for (int64_t i = 0; i < rows; ++i) ++partition_starts[group_ids[i] + 1];
    for (uint32_t p = 0; p < num_partitions; ++p) partition_starts[p + 1] += partition_starts[p];
    std::vector<int64_t> order(rows);
    {
      std::vector<int64_t> next(partition_starts.begin(), partition_starts.end() - 1);
      for (int64_t i = 0; i < rows; ++i) order[next[group_ids[i]]++] = i;
    }
    ARROW_RETURN_NOT_OK(state.memory.Resize(rows * static_cast<int64_t>(sizeof(int64_t) + sizeof(uint32_t))));
    std::vector<uint32_t>().swap(group_ids);

    // ORDER BY keys over the input rows.
    std::vector<std::shared_ptr<arrow::Array>> key_arrays;
    std::vector<OrderKey> order_keys;
    int64_t key_bytes = 0;
    for (const auto& key : order_) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*key.expr, *batch, ctx.eval));
      ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
      ARROW_ASSIGN_OR_RAISE(auto order_key, MakeOrderKey(array, key));
      key_bytes += static_cast<int64_t>(order_key.ints.size() * 8 + order_key.doubles.size() * 8 + order_key.valid.size());
      key_arrays.push_back(std::move(array));
      order_keys.push_back(std::move(order_key));
    }
    ARROW_RETURN_NOT_OK(state.memory.Grow(key_bytes));
    std::vector<long double> range_keys;
    bool needs_range_keys = false;
    for (const auto& f : functions_) {
      needs_range_keys |= f.range_frame && (f.lower.kind == WindowBound::Kind::kOffset ||
                                            f.upper.kind == WindowBound::Kind::kOffset);
    }
    if (needs_range_keys && !key_arrays.empty()) {
      ARROW_ASSIGN_OR_RAISE(range_keys, KeyValues(*key_arrays[0]));
    }

    // Tasks: runs of whole partitions of about rows / (4 x threads) rows.
    const int threads = std::max(1, ctx.max_threads);
    const int64_t target = std::max<int64_t>(4096, rows / (4 * static_cast<int64_t>(threads)) + 1);
    std::vector<std::pair<uint32_t, uint32_t>> tasks;  // partitions [first, last)
    for (uint32_t p = 0; p < num_partitions;) {
      uint32_t q = p + 1;
      while (q < num_partitions && partition_starts[q + 1] - partition_starts[p] <= target) ++q;
      tasks.emplace_back(p, q);
      p = q;
    }
    Shared shared{ctx, state.memory, batch, partition_starts, order, key_arrays, order_keys, range_keys};
    ARROW_RETURN_NOT_OK(SortLargePartitions(shared, threads));
    std::vector<std::shared_ptr<arrow::RecordBatch>> outputs(tasks.size());
    ARROW_RETURN_NOT_OK(ParallelFor(
        static_cast<int64_t>(tasks.size()), threads,
        [&](int64_t t) -> Status {
          ARROW_ASSIGN_OR_RAISE(outputs[t], RunTask(shared, tasks[t].first, tasks[t].second));
          return Status::OK();
        },
        ctx.cancelled));
    // Morsel-sized batches, so that the pipeline reading them uses every thread
    // even when one partition holds most rows.
    for (const auto& output : outputs) {
      for (int64_t offset = 0; offset < output->num_rows(); offset += kMorselRows) {
        state.output.push_back(output->Slice(offset, kMorselRows));
      }
    }
    state.memory.Free();
    return Status::OK();
  }

 private:
  /// What all tasks read (and write: `order`, each task its own range).
  struct Shared {
    ExecContext& ctx;
    MemoryReservation& memory;  // the sink's; tasks add what they hold while they run
    const std::shared_ptr<arrow::RecordBatch>& batch;
    const std::vector<int64_t>& partition_starts;
    std::vector<int64_t>& order;
    const std::vector<std::shared_ptr<arrow::Array>>& keys;
    const std::vector<OrderKey>& order_keys;
    const std::vector<long double>& range_keys;
    /// Partitions already sorted (by SortLargePartitions), by partition index.
    std::vector<uint8_t> sorted;
  };

  /// <0, 0, >0: input row a sorts before, with, after b.
  static int CompareRows(const Shared& s, int64_t a, int64_t b) {
    for (const auto& key : s.order_keys) {
      if (const int c = key.Compare(a, b); c != 0) return c;
    }
    return 0;
  }

  /// A row to sort: the first ORDER BY key folded into an integer that orders
  /// as the key does (direction included), so most comparisons read only the
  /// entry; ties go to the remaining keys.
  struct SortEntry {
    int32_t null_rank;  // 0: NULL first, 1: a value, 2: NULL last
    int64_t key;
    int64_t row;
  };

  static int64_t FoldedKey(const OrderKey& key, int64_t row) {
    int64_t folded;
    if (key.kind == OrderKey::Kind::kInt) {
      folded = key.ints[row];
    } else {
      double value = key.doubles[row];
      if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();  // one NaN, above +inf
      if (value == 0) value = 0;                                                 // -0.0 = 0.0
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      bits = (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
      folded = static_cast<int64_t>(bits ^ (uint64_t{1} << 63));
    }
    return key.ascending ? folded : ~folded;
  }

  /// Sorts rows [ps, pe) of the order by the ORDER BY keys (stable), on up to
  /// `threads` threads: chunks each on one, then merged pairwise, the merges of
  /// a round in parallel.
  Status SortRows(Shared& s, int64_t ps, int64_t pe, int threads, std::vector<SortEntry>* scratch) const {
    const int64_t size = pe - ps;
    const OrderKey& first_key = s.order_keys[0];
    const bool folded = first_key.kind != OrderKey::Kind::kOther;
    std::vector<SortEntry>& entries = *scratch;
    entries.resize(size);
    for (int64_t i = 0; i < size; ++i) {
      const int64_t row = s.order[ps + i];
      SortEntry& e = entries[i];
      e.row = row;
      e.key = 0;
      e.null_rank = 1;
      if (!folded) continue;
      if (!first_key.valid.empty() && !first_key.valid[row]) {
        e.null_rank = first_key.nulls_first ? 0 : 2;
      } else {
        e.key = FoldedKey(first_key, row);
      }
    }
    const size_t rest = folded ? 1 : 0;
    const auto less = [&](const SortEntry& a, const SortEntry& b) {
      if (a.null_rank != b.null_rank) return a.null_rank < b.null_rank;
      if (a.key != b.key) return a.key < b.key;
      for (size_t k = rest; k < s.order_keys.size(); ++k) {
        if (const int c = s.order_keys[k].Compare(a.row, b.row); c != 0) return c < 0;
      }
      return false;
    };
    if (threads < 2 || size < (int64_t{1} << 16)) {
      std::stable_sort(entries.begin(), entries.end(), less);
    } else {
      const int64_t chunks = 2 * threads;
      const int64_t width = (size + chunks - 1) / chunks;
      auto first = entries.begin();
      ARROW_RETURN_NOT_OK(ParallelFor(
          chunks, threads,
          [&](int64_t c) -> Status {
            const int64_t from = std::min(size, c * width), to = std::min(size, (c + 1) * width);
            std::stable_sort(first + from, first + to, less);
            return Status::OK();
          },
          s.ctx.cancelled));
      for (int64_t run = width; run < size; run *= 2) {
        const int64_t pairs = (size + 2 * run - 1) / (2 * run);
        ARROW_RETURN_NOT_OK(ParallelFor(
            pairs, threads,
            [&](int64_t i) -> Status {
              const int64_t from = i * 2 * run, middle = std::min(size, from + run), to = std::min(size, from + 2 * run);
              std::inplace_merge(first + from, first + middle, first + to, less);
              return Status::OK();
            },
            s.ctx.cancelled));
      }
    }
    for (int64_t i = 0; i < size; ++i) s.order[ps + i] = entries[i].row;
    return Status::OK();
  }

  /// A partition larger than a thread's share is sorted by all threads first.
  Status SortLargePartitions(Shared& s, int threads) const {
    const int64_t rows = s.partition_starts.back();
    const size_t partitions = s.partition_starts.size() - 1;
    s.sorted.assign(partitions, 0);
    if (order_.empty() || threads < 2) return Status::OK();
    for (size_t p = 0; p < partitions; ++p) {
      const int64_t ps = s.partition_starts[p], pe = s.partition_starts[p + 1], size = pe - ps;
      if (size < (int64_t{1} << 16) || size * threads < rows) continue;
      ARROW_RETURN_NOT_OK(s.memory.Grow(size * static_cast<int64_t>(sizeof(SortEntry))));
      std::vector<SortEntry> scratch;
      Status sorted = SortRows(s, ps, pe, threads, &scratch);
      s.memory.Shrink(size * static_cast<int64_t>(sizeof(SortEntry)));
      ARROW_RETURN_NOT_OK(sorted);
      s.sorted[p] = 1;
    }
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::RecordBatch>> RunTask(Shared& s, uint32_t first, uint32_t last) const {
    const int64_t begin = s.partition_starts[first], end = s.partition_starts[last];
    TaskRows rows;
    rows.size = end - begin;
    // What the task holds besides Arrow buffers: per-row positions, frames and
    // sources, about 12 words a row, while it runs.
    const int64_t task_bytes = rows.size * 12 * static_cast<int64_t>(sizeof(int64_t));
    ARROW_RETURN_NOT_OK(s.memory.Grow(task_bytes));
    struct Release {
      MemoryReservation& memory;
      int64_t bytes;
      ~Release() { memory.Shrink(bytes); }
    } release{s.memory, task_bytes};
    rows.partition_of.resize(rows.size);
    std::vector<SortEntry> sort_scratch;
    for (uint32_t p = first; p < last; ++p) {
      const int64_t ps = s.partition_starts[p], pe = s.partition_starts[p + 1];
      if (!order_.empty() && !s.sorted[p] && pe - ps > 1) {
        ARROW_RETURN_NOT_OK(SortRows(s, ps, pe, /*threads=*/1, &sort_scratch));
      }
      rows.starts.push_back(ps - begin);
      for (int64_t r = ps; r < pe; ++r) rows.partition_of[r - begin] = p - first;
    }
    rows.starts.push_back(rows.size);
    const int64_t* positions = s.order.data() + begin;
    rows.peer_start.resize(rows.size);
    rows.peer_end.resize(rows.size);
    for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
      const int64_t ps = rows.starts[p], pe = rows.starts[p + 1];
      int64_t group = ps;
      for (int64_t r = ps; r < pe; ++r) {
        if (r > ps && CompareRows(s, positions[r - 1], positions[r]) != 0) {
          for (int64_t q = group; q < r; ++q) rows.peer_end[q] = r;
          group = r;
        }
        rows.peer_start[r] = group;
      }
      for (int64_t q = group; q < pe; ++q) rows.peer_end[q] = pe;
    }

    arrow::compute::ExecContext exec_ctx(s.ctx.pool);
    arrow::Int64Builder index_builder(s.ctx.pool);
    ARROW_RETURN_NOT_OK(index_builder.AppendValues(positions, rows.size));
    ARROW_ASSIGN_OR_RAISE(auto indices, index_builder.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(s.batch, indices, arrow::compute::TakeOptions::NoBoundsCheck(),
                                                           &exec_ctx));
    auto sorted = taken.record_batch();
    std::vector<std::shared_ptr<arrow::Array>> columns = sorted->columns();
    for (const auto& function : functions_) {
      ARROW_ASSIGN_OR_RAISE(auto column, Compute(s, function, rows, positions, *sorted));
      // An aggregate over TIMESTAMP / DATE values may finish in the values'
      // physical integer type: read it as the function's declared type.
      if (function.type && column->type_id() != function.type->id() && column->type()->byte_width() > 0 &&
          column->type()->byte_width() == function.type->byte_width()) {
        ARROW_ASSIGN_OR_RAISE(column, column->View(function.type));
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(schema(), rows.size, std::move(columns));
  }

  /// Each row's frame [lo, hi) in task positions.
  void Frames(const Shared& s, const BoundWindowFunction& f, const TaskRows& rows, const int64_t* positions,
              std::vector<int64_t>* lo, std::vector<int64_t>* hi) const {
    lo->resize(rows.size);
    hi->resize(rows.size);
    const bool ascending = order_.empty() || order_[0].ascending;
    long double lower_offset = 0, upper_offset = 0;
    if (f.range_frame && f.lower.value) lower_offset = OffsetValue(*f.lower.value, *s.keys[0]->type());
    if (f.range_frame && f.upper.value) upper_offset = OffsetValue(*f.upper.value, *s.keys[0]->type());
    for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
      const int64_t ps = rows.starts[p], pe = rows.starts[p + 1];
      // For RANGE offsets: the partition's rows whose key is not NULL.
      int64_t ns = ps, ne = pe;
      if (f.range_frame && !s.keys.empty()) {
        const auto& key = *s.keys[0];
        while (ns < ne && key.IsNull(positions[ns])) ++ns;
        while (ne > ns && key.IsNull(positions[ne - 1])) --ne;
      }
      for (int64_t r = ps; r < pe; ++r) {
        auto position = [&](const WindowBound& b, bool is_lower, long double offset) -> int64_t {
          switch (b.kind) {
            case WindowBound::Kind::kUnboundedPreceding: return ps;
            case WindowBound::Kind::kUnboundedFollowing: return pe;
            case WindowBound::Kind::kCurrentRow:
              if (f.range_frame) return is_lower ? rows.peer_start[r] : rows.peer_end[r];
              return is_lower ? r : r + 1;
            case WindowBound::Kind::kOffset: break;
          }
          if (!f.range_frame) {
            // Offsets may be as large as a BIGINT: saturate instead of overflowing.
            const __int128 at = static_cast<__int128>(r) + b.rows + (is_lower ? 0 : 1);
            return static_cast<int64_t>(std::clamp<__int128>(at, ps, pe));
          }
          if (s.keys[0]->IsNull(positions[r])) return is_lower ? rows.peer_start[r] : rows.peer_end[r];
          const long double x = s.range_keys[positions[r]];
          const long double bound = ascending ? x + offset : x - offset;
          // Lower: the first row not before `bound`; upper: the first row after it.
          auto it = std::partition_point(positions + ns, positions + ne, [&](int64_t row) {
            const int c = CompareKeys(s.range_keys[row], bound) * (ascending ? 1 : -1);
            return is_lower ? c < 0 : c <= 0;
          });
          return it - positions;
        };
        int64_t l = position(f.lower, true, lower_offset);
        int64_t h = position(f.upper, false, upper_offset);
        (*lo)[r] = l;
        (*hi)[r] = std::max(l, h);
      }
    }
  }

  Result<std::shared_ptr<arrow::Array>> Compute(const Shared& s, const BoundWindowFunction& f, const TaskRows& rows,
                                                const int64_t* positions, const arrow::RecordBatch& sorted) const {
    const int64_t n = rows.size;
    switch (f.kind) {
      case WindowFunctionKind::kRowNumber:
      case WindowFunctionKind::kRank:
      case WindowFunctionKind::kDenseRank:
      case WindowFunctionKind::kNtile: {
        arrow::Int32Builder builder(s.ctx.pool);
        ARROW_RETURN_NOT_OK(builder.Reserve(n));
        for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
          const int64_t ps = rows.starts[p], pe = rows.starts[p + 1], size = pe - ps;
          int64_t dense = 0;
          for (int64_t r = ps; r < pe; ++r) {
            int64_t value = 0;
            if (f.kind == WindowFunctionKind::kRowNumber) {
              value = r - ps + 1;
            } else if (f.kind == WindowFunctionKind::kRank) {
              value = rows.peer_start[r] - ps + 1;
            } else if (f.kind == WindowFunctionKind::kDenseRank) {
              if (rows.peer_start[r] == r) ++dense;
              value = dense;
            } else {
              // The first size % buckets buckets hold one row more.
              const int64_t buckets = f.offset, base = size / buckets, extra = size % buckets, i = r - ps;
              value = i < extra * (base + 1) ? i / (base + 1) + 1 : extra + (i - extra * (base + 1)) / base + 1;
            }
            builder.UnsafeAppend(static_cast<int32_t>(value));
          }
        }
        return builder.Finish();
      }
      case WindowFunctionKind::kPercentRank:
      case WindowFunctionKind::kCumeDist: {
        arrow::DoubleBuilder builder(s.ctx.pool);
        ARROW_RETURN_NOT_OK(builder.Reserve(n));
        for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
          const int64_t ps = rows.starts[p], pe = rows.starts[p + 1], size = pe - ps;
          for (int64_t r = ps; r < pe; ++r) {
            double value;
            if (f.kind == WindowFunctionKind::kPercentRank) {
              value = size <= 1 ? 0.0 : static_cast<double>(rows.peer_start[r] - ps) / static_cast<double>(size - 1);
            } else {
              value = static_cast<double>(rows.peer_end[r] - ps) / static_cast<double>(size);
            }
            builder.UnsafeAppend(value);
          }
        }
        return builder.Finish();
      }
      case WindowFunctionKind::kLag:
      case WindowFunctionKind::kFirstValue:
      case WindowFunctionKind::kLastValue:
      case WindowFunctionKind::kNthValue: return ComputeValue(s, f, rows, positions, sorted);
      case WindowFunctionKind::kAggregate: return ComputeAggregate(s, f, rows, positions, sorted);
    }
    return InternalError("unknown window function");
  }

  /// lag/lead, first/last/nth_value: which row's value each row gets.
  Result<std::shared_ptr<arrow::Array>> ComputeValue(const Shared& s, const BoundWindowFunction& f,
                                                     const TaskRows& rows, const int64_t* positions,
                                                     const arrow::RecordBatch& sorted) const {
    const int64_t n = rows.size;
    ARROW_ASSIGN_OR_RAISE(auto value_datum, Evaluate(*f.args[0], sorted, s.ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto values, ToArray(value_datum, n));
    // Per partition: the positions of non-NULL values, for IGNORE NULLS.
    std::vector<int64_t> non_null;       // positions, partition by partition
    std::vector<int64_t> non_null_before;  // non-NULL rows of the row's partition before it
    std::vector<int64_t> partition_first;  // index in non_null of each partition's first
    if (f.ignore_nulls) {
      non_null_before.resize(n);
      for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
        const int64_t ps = rows.starts[p], pe = rows.starts[p + 1];
        partition_first.push_back(static_cast<int64_t>(non_null.size()));
        for (int64_t r = ps; r < pe; ++r) {
          non_null_before[r] = static_cast<int64_t>(non_null.size()) - partition_first.back();
          if (values->IsValid(r)) non_null.push_back(r);
        }
      }
      partition_first.push_back(static_cast<int64_t>(non_null.size()));
    }
    std::vector<int64_t> lo, hi;
    if (f.kind != WindowFunctionKind::kLag) Frames(s, f, rows, positions, &lo, &hi);
    // -1: NULL; n + r: the default value of row r.
    std::vector<int64_t> source(n, -1);
    bool uses_default = false;
    for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
      const int64_t ps = rows.starts[p], pe = rows.starts[p + 1];
      const int64_t first = f.ignore_nulls ? partition_first[p] : 0;
      const int64_t count = f.ignore_nulls ? partition_first[p + 1] - first : 0;
      // Non-NULL values of the partition before row j (j may be its end).
      auto before = [&](int64_t j) { return j >= pe ? count : non_null_before[j]; };
      for (int64_t r = ps; r < pe; ++r) {
        int64_t& out = source[r];
        switch (f.kind) {
          case WindowFunctionKind::kLag: {
            if (f.offset == 0) {
              out = r;
            } else if (!f.ignore_nulls) {
              const int64_t j = r + f.offset;
              out = j >= ps && j < pe ? j : n + r;
            } else {
              // The |offset|-th non-NULL value before (lag) or after (lead) the row.
              const int64_t k = f.offset < 0 ? before(r) + f.offset : before(r + 1) + f.offset - 1;
              out = k >= 0 && k < count ? non_null[first + k] : n + r;
            }
            uses_default |= out >= n;
            break;
          }
          case WindowFunctionKind::kFirstValue:
            if (lo[r] >= hi[r]) break;
            if (!f.ignore_nulls) {
              out = lo[r];
            } else if (before(lo[r]) < count && non_null[first + before(lo[r])] < hi[r]) {
              out = non_null[first + before(lo[r])];
            }
            break;
          case WindowFunctionKind::kLastValue:
            if (lo[r] >= hi[r]) break;
            if (!f.ignore_nulls) {
              out = hi[r] - 1;
            } else if (before(hi[r]) > 0 && non_null[first + before(hi[r]) - 1] >= lo[r]) {
              out = non_null[first + before(hi[r]) - 1];
            }
            break;
          case WindowFunctionKind::kNthValue:
            if (!f.ignore_nulls) {
              if (lo[r] + f.offset - 1 < hi[r]) out = lo[r] + f.offset - 1;
            } else {
              const int64_t k = before(lo[r]) + f.offset - 1;
              if (k < count && non_null[first + k] < hi[r]) out = non_null[first + k];
            }
            break;
          default: break;
        }
      }
    }
    std::shared_ptr<arrow::Array> source_values = values;
    if (uses_default) {
      ARROW_ASSIGN_OR_RAISE(auto default_datum, Evaluate(*f.args[1], sorted, s.ctx.eval));
      ARROW_ASSIGN_OR_RAISE(auto defaults, ToArray(default_datum, n));
      if (!defaults->type()->Equals(*values->type())) {
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(defaults, values->type()));
        defaults = cast.make_array();
      }
      ARROW_ASSIGN_OR_RAISE(source_values, arrow::Concatenate({values, defaults}, s.ctx.pool));
    }
    return TakeRows(s, source_values, source);
  }

  /// values[source[i]] for each i, NULL where source[i] < 0.
  static Result<std::shared_ptr<arrow::Array>> TakeRows(const Shared& s, const std::shared_ptr<arrow::Array>& values,
                                                        const std::vector<int64_t>& source) {
    arrow::Int64Builder builder(s.ctx.pool);
    ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(source.size())));
    for (int64_t index : source) {
      if (index < 0) {
        builder.UnsafeAppendNull();
      } else {
        builder.UnsafeAppend(index);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, builder.Finish());
    arrow::compute::ExecContext exec_ctx(s.ctx.pool);
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(values, indices, arrow::compute::TakeOptions::NoBoundsCheck(),
                                                           &exec_ctx));
    return taken.make_array();
  }

  /// An aggregate over each row's frame, with the aggregate's own accumulators.
  Result<std::shared_ptr<arrow::Array>> ComputeAggregate(const Shared& s, const BoundWindowFunction& f,
                                                         const TaskRows& rows, const int64_t* positions,
                                                         const arrow::RecordBatch& sorted) const {
    const int64_t n = rows.size;
    const auto& eval = s.ctx.eval;
    std::vector<arrow::Datum> args;
    for (const auto& arg : f.aggregate.args) {
      ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*arg, sorted, eval));
      args.push_back(std::move(value));
    }
    std::vector<uint32_t> each_row(n);
    std::iota(each_row.begin(), each_row.end(), 0u);
    const bool from_start = f.lower.kind == WindowBound::Kind::kUnboundedPreceding;
    const bool to_end = f.upper.kind == WindowBound::Kind::kUnboundedFollowing;
    auto accumulator = f.aggregate.kernel->MakeAccumulator();
    std::vector<int64_t> source(n);
    // The accumulators' groups (one a row) count while this function runs.
    struct Reserved {
      MemoryReservation& memory;
      int64_t bytes = 0;
      Status Set(int64_t now) {
        if (now > bytes) ARROW_RETURN_NOT_OK(memory.Grow(now - bytes));
        if (now < bytes) memory.Shrink(bytes - now);
        bytes = now;
        return Status::OK();
      }
      ~Reserved() { memory.Shrink(bytes); }
    } reserved{s.memory};
    if (from_start && to_end) {
      // One value per partition.
      std::vector<uint32_t> groups(n);
      for (int64_t r = 0; r < n; ++r) groups[r] = static_cast<uint32_t>(rows.partition_of[r]);
      accumulator->Resize(static_cast<int64_t>(rows.starts.size()) - 1);
      ARROW_RETURN_NOT_OK(accumulator->Update(args, groups.data(), n, eval));
      ARROW_ASSIGN_OR_RAISE(auto values, accumulator->Finalize(eval));
      for (int64_t r = 0; r < n; ++r) source[r] = rows.partition_of[r];
      return TakeRows(s, values, source);
    }
    std::vector<int64_t> lo, hi;
    Frames(s, f, rows, positions, &lo, &hi);
    // Group r starts as row r's value alone; group n stays empty (an empty frame).
    accumulator->Resize(n + 1);
    ARROW_RETURN_NOT_OK(reserved.Set(accumulator->MemoryUsage()));
    ARROW_RETURN_NOT_OK(accumulator->Update(args, each_row.data(), n, eval));
    if (from_start || to_end) {
      // Running prefixes (group r = rows partition start .. r) or suffixes
      // (group r = rows r .. partition end), folded in place.
      for (size_t p = 0; p + 1 < rows.starts.size(); ++p) {
        const int64_t ps = rows.starts[p], pe = rows.starts[p + 1];
        if (from_start) {
          for (int64_t r = ps + 1; r < pe; ++r) {
            const uint32_t from = static_cast<uint32_t>(r - 1), to = static_cast<uint32_t>(r);
            ARROW_RETURN_NOT_OK(accumulator->Merge(*accumulator, &from, &to, 1, eval));
          }
        } else {
          for (int64_t r = pe - 2; r >= ps; --r) {
            const uint32_t from = static_cast<uint32_t>(r + 1), to = static_cast<uint32_t>(r);
            ARROW_RETURN_NOT_OK(accumulator->Merge(*accumulator, &from, &to, 1, eval));
          }
        }
      }
      for (int64_t r = 0; r < n; ++r) {
        if (lo[r] >= hi[r]) {
          source[r] = n;
        } else {
          source[r] = from_start ? hi[r] - 1 : lo[r];
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto values, accumulator->Finalize(eval));
      return TakeRows(s, values, source);
    }
    // Sliding frames: each row's frame folded into its own group, in row order.
    auto frames = f.aggregate.kernel->MakeAccumulator();
    frames->Resize(n);
    ARROW_RETURN_NOT_OK(reserved.Set(accumulator->MemoryUsage() + frames->MemoryUsage()));
    std::vector<uint32_t> target;
    for (int64_t r = 0; r < n; ++r) {
      const int64_t width = hi[r] - lo[r];
      if (width <= 0) continue;
      target.assign(width, static_cast<uint32_t>(r));
      ARROW_RETURN_NOT_OK(frames->Merge(*accumulator, each_row.data() + lo[r], target.data(), width, eval));
    }
    return frames->Finalize(eval);
  }

  std::vector<plan::BoundExprPtr> partition_;
  std::vector<plan::BoundSortKey> order_;
  std::vector<BoundWindowFunction> functions_;
};

}  // namespace

OperatorPtr MakeWindow(OperatorPtr child, std::vector<plan::BoundExprPtr> partition,
                       std::vector<plan::BoundSortKey> order, std::vector<BoundWindowFunction> functions,
                       std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<Window>(std::move(child), std::move(partition), std::move(order), std::move(functions),
                                  std::move(schema));
}

}  // namespace sk8::exec
