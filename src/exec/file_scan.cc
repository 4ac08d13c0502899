// File scan: one morsel per split of the data source (a Parquet row group, a
// byte range of a CSV / JSON / text file), read in parallel by the workers.
#include "exec/operators.h"
#include "io/data_source.h"

namespace sk8::exec {
namespace {

struct FileSourceState : GlobalSourceState {
  std::vector<io::FileSplit> splits;
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return static_cast<int>(std::max<size_t>(1, splits.size())); }
};

class FileScan : public PhysicalOperator {
 public:
  FileScan(FileScanSpec spec)
      : PhysicalOperator(spec.schema, {}), spec_(std::move(spec)) {}

  std::string name() const override { return "FileScan " + spec_.source->format(); }
  std::string details() const override {
    std::string text = "[";
    for (int i = 0; i < schema()->num_fields(); ++i) text += (i ? ", " : "") + schema()->field(i)->name();
    return text + "] " + std::to_string(spec_.files.size()) + " file(s)";
  }
  bool IsSource() const override { return true; }

  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext&) const override {
    auto state = std::make_unique<FileSourceState>();
    ARROW_ASSIGN_OR_RAISE(state->splits, spec_.source->PlanSplits(spec_.files));
    return state;
  }

  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<FileSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.splits.size()) return SourceResult::kFinished;
    ARROW_ASSIGN_OR_RAISE(auto batch,
                          spec_.source->ReadSplit(state.splits[index], *spec_.data_schema, spec_.columns, ctx.pool));
    // The source names its fields as the data schema does; the plan's names
    // (the same columns) are what the operators above expect.
    out->batch = arrow::RecordBatch::Make(schema(), batch->num_rows(), batch->columns());
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    return SourceResult::kHaveMore;
  }

 private:
  FileScanSpec spec_;
};

}  // namespace

OperatorPtr MakeFileScan(FileScanSpec spec) { return std::make_unique<FileScan>(std::move(spec)); }

}  // namespace sk8::exec
