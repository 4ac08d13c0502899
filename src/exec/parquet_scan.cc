// Parquet scan: one morsel per row group, read in parallel by the workers.
#include "exec/operators.h"
#include "io/parquet_source.h"

namespace sk8::exec {
namespace {

struct ParquetSourceState : GlobalSourceState {
  std::vector<io::ParquetFragment> fragments;
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return static_cast<int>(std::max<size_t>(1, fragments.size())); }
};

class ParquetScan : public PhysicalOperator {
 public:
  ParquetScan(std::vector<std::string> files, std::vector<int> file_columns, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), {}), files_(std::move(files)), file_columns_(std::move(file_columns)) {}

  std::string name() const override { return "FileScan parquet"; }
  std::string details() const override {
    std::string text = "[";
    for (int i = 0; i < schema()->num_fields(); ++i) text += (i ? ", " : "") + schema()->field(i)->name();
    return text + "] " + std::to_string(files_.size()) + " file(s)";
  }
  bool IsSource() const override { return true; }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext&) const override {
    auto state = std::make_unique<ParquetSourceState>();
    ARROW_ASSIGN_OR_RAISE(state->fragments, io::ListParquetFragments(files_));
    return state;
  }

  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<ParquetSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.fragments.size()) return SourceResult::kFinished;
    ARROW_ASSIGN_OR_RAISE(out->batch, io::ReadParquetFragment(state.fragments[index], file_columns_, schema(), ctx.pool));
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    return SourceResult::kHaveMore;
  }

 private:
  std::vector<std::string> files_;
  std::vector<int> file_columns_;
};

}  // namespace

OperatorPtr MakeParquetScan(std::vector<std::string> files, std::vector<int> file_columns,
                            std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<ParquetScan>(std::move(files), std::move(file_columns), std::move(schema));
}

}  // namespace sk8::exec
