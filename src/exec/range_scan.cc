// spark.range(start, end, step): generates ids morsel by morsel, in parallel.
#include <arrow/builder.h>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

/// A morsel: rows [first, first + count) of the range, in Spark's partition.
struct RangeMorsel {
  int64_t first;
  int64_t count;
  int32_t partition;
};

struct RangeSourceState : GlobalSourceState {
  int64_t total_rows = 0;
  std::atomic<int64_t> next_morsel{0};
  /// With numPartitions > 1: the morsels, none across a partition's end.
  std::vector<RangeMorsel> morsels;
  int MaxThreads() const override {
    return static_cast<int>(std::min<int64_t>(64, (total_rows + kMorselRows - 1) / kMorselRows));
  }
};

class RangeScan : public PhysicalOperator {
 public:
  RangeScan(int64_t start, int64_t end, int64_t step, int32_t num_partitions)
      : PhysicalOperator(arrow::schema({arrow::field("id", arrow::int64(), false)}), {}),
        start_(start), end_(end), step_(step), num_partitions_(num_partitions) {}

  std::string name() const override { return "Range"; }
  std::string details() const override {
    std::string text = "(" + std::to_string(start_) + ", " + std::to_string(end_) + ", step=" + std::to_string(step_);
    if (num_partitions_ > 0) text += ", splits=" + std::to_string(num_partitions_);
    return text + ")";
  }
  bool IsSource() const override { return true; }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext&) const override {
    auto state = std::make_unique<RangeSourceState>();
    state->total_rows = NumRows();
    if (num_partitions_ > 1) {
      // Spark's Range: partition i holds rows [i * n / p, (i + 1) * n / p).
      const __int128 n = state->total_rows;
      for (int32_t p = 0; p < num_partitions_; ++p) {
        const auto begin = static_cast<int64_t>(n * p / num_partitions_);
        const auto end = static_cast<int64_t>(n * (p + 1) / num_partitions_);
        for (int64_t first = begin; first < end; first += kMorselRows) {
          state->morsels.push_back({first, std::min(kMorselRows, end - first), p});
        }
      }
    }
    return state;
  }

  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<RangeSourceState&>(global);
    int64_t morsel = state.next_morsel.fetch_add(1);
    int64_t first = morsel * kMorselRows;
    int64_t count = 0;
    int32_t partition = 0;
    if (num_partitions_ > 1 && state.total_rows > 0) {
      if (morsel >= static_cast<int64_t>(state.morsels.size())) return SourceResult::kFinished;
      first = state.morsels[morsel].first;
      count = state.morsels[morsel].count;
      partition = state.morsels[morsel].partition;
    } else {
      if (first >= state.total_rows || (state.total_rows == 0 && morsel > 0)) return SourceResult::kFinished;
      count = std::min(kMorselRows, state.total_rows - first);
    }
    arrow::Int64Builder builder(ctx.pool);
    ARROW_RETURN_NOT_OK(builder.Resize(count));
    // Values wrap like Spark's Long arithmetic would for huge ranges.
    uint64_t value = static_cast<uint64_t>(start_) + static_cast<uint64_t>(first) * static_cast<uint64_t>(step_);
    for (int64_t i = 0; i < count; ++i) {
      builder.UnsafeAppend(static_cast<int64_t>(value));
      value += static_cast<uint64_t>(step_);
    }
    ARROW_ASSIGN_OR_RAISE(auto ids, builder.Finish());
    out->batch = arrow::RecordBatch::Make(schema(), count, {ids});
    out->selection.reset();
    out->batch_index = morsel;
    out->partition_index = partition;
    return SourceResult::kHaveMore;
  }

 private:
  int64_t NumRows() const {
    if ((step_ > 0 && start_ >= end_) || (step_ < 0 && start_ <= end_)) return 0;
    // Exact in 128 bits: ceil((end - start) / step).
    __int128 span = static_cast<__int128>(end_) - start_;
    __int128 rows = span / step_ + (span % step_ != 0 ? 1 : 0);
    return static_cast<int64_t>(rows);
  }

  int64_t start_, end_, step_;
  int32_t num_partitions_;
};

}  // namespace

OperatorPtr MakeRangeScan(int64_t start, int64_t end, int64_t step, int32_t num_partitions) {
  return std::make_unique<RangeScan>(start, end, step, num_partitions);
}

}  // namespace sk8::exec
