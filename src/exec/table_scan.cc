// Scans an in-memory Arrow table (createDataFrame data), morsel by morsel.
#include <arrow/table.h>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct TableSourceState : GlobalSourceState {
  std::vector<std::shared_ptr<arrow::RecordBatch>> morsels;
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return static_cast<int>(std::max<size_t>(1, morsels.size())); }
};

class TableScan : public PhysicalOperator {
 public:
  explicit TableScan(std::shared_ptr<arrow::Table> table)
      : PhysicalOperator(table->schema(), {}), table_(std::move(table)) {}

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
    return SourceResult::kHaveMore;
  }

 private:
  std::shared_ptr<arrow::Table> table_;
};

}  // namespace

OperatorPtr MakeTableScan(std::shared_ptr<arrow::Table> table) { return std::make_unique<TableScan>(std::move(table)); }

}  // namespace sk8::exec
