// Scans an in-memory Arrow table (createDataFrame data), morsel by morsel.
#include <algorithm>

#include <arrow/table.h>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct TableSourceState : GlobalSourceState {
  std::vector<std::shared_ptr<arrow::RecordBatch>> morsels;
  std::vector<int32_t> partitions;  // of each morsel (empty: all 0)
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return static_cast<int>(std::max<size_t>(1, morsels.size())); }
};

class TableScan : public PhysicalOperator {
 public:
  TableScan(std::shared_ptr<arrow::Table> table, std::vector<int64_t> partition_starts)
      : PhysicalOperator(table->schema(), {}),
        table_(std::move(table)),
        partition_starts_(std::move(partition_starts)) {}

  std::string name() const override { return "LocalTableScan"; }
  std::string details() const override {
    std::string text = "[";
    for (int i = 0; i < schema()->num_fields(); ++i) text += (i ? ", " : "") + schema()->field(i)->name();
    return text + "]";
  }
  bool IsSource() const override { return true; }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext&) const override {
    auto state = std::make_unique<TableSourceState>();
    if (table_->num_columns() == 0) {
      // A table without columns still has rows (e.g. SELECT 1 without FROM).
      state->morsels.push_back(arrow::RecordBatch::Make(schema(), table_->num_rows(), arrow::ArrayVector{}));
      return state;
    }
    if (!partition_starts_.empty()) {
      // Repartitioned rows: morsels never span two partitions.
      for (size_t p = 0; p + 1 < partition_starts_.size(); ++p) {
        const int64_t end = partition_starts_[p + 1];
        for (int64_t first = partition_starts_[p]; first < end; first += kMorselRows) {
          auto slice = table_->Slice(first, std::min(kMorselRows, end - first));
          ARROW_ASSIGN_OR_RAISE(auto batch, slice->CombineChunksToBatch());
          state->morsels.push_back(std::move(batch));
          state->partitions.push_back(static_cast<int32_t>(p));
        }
      }
      return state;
    }
    arrow::TableBatchReader reader(*table_);
    reader.set_chunksize(kMorselRows);
    std::shared_ptr<arrow::RecordBatch> batch;
    while (true) {
      ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
      if (!batch) break;
      state->morsels.push_back(batch);
    }
    return state;
  }

  Result<SourceResult> GetData(ExecContext&, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<TableSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.morsels.size()) return SourceResult::kFinished;
    out->batch = state.morsels[index];
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    out->partition_index = state.partitions.empty() ? 0 : state.partitions[index];
    return SourceResult::kHaveMore;
  }

 private:
  std::shared_ptr<arrow::Table> table_;
  std::vector<int64_t> partition_starts_;
};

}  // namespace

OperatorPtr MakeTableScan(std::shared_ptr<arrow::Table> table, std::vector<int64_t> partition_starts) {
  return std::make_unique<TableScan>(std::move(table), std::move(partition_starts));
}

}  // namespace sk8::exec
