// File scan: one morsel per split of the data source (a Parquet row group, a
// byte range of a CSV / JSON / text file), read in parallel by the workers.
#include <unordered_map>

#include <arrow/array/util.h>

#include "exec/operators.h"
#include "io/data_source.h"

namespace sk8::exec {
namespace {

struct FileSourceState : GlobalSourceState {
  std::vector<io::FileSplit> splits;
  std::vector<size_t> split_file;  // the index in the scan's files of each split's file
  std::atomic<size_t> next{0};
  int MaxThreads() const override { return static_cast<int>(std::max<size_t>(1, splits.size())); }
};

class FileScan : public PhysicalOperator {
 public:
  explicit FileScan(FileScanSpec spec) : PhysicalOperator(spec.schema, {}), spec_(std::move(spec)) {
    for (int c : spec_.columns) {
      if (c < spec_.data_schema->num_fields()) data_columns_.push_back(c);
    }
  }

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
    if (!spec_.partition_values.empty()) {
      std::unordered_map<std::string, size_t> index;
      for (size_t f = 0; f < spec_.files.size(); ++f) index.emplace(spec_.files[f], f);
      for (const auto& split : state->splits) state->split_file.push_back(index.at(split.path));
    }
    return state;
  }

  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState&,
                               DataChunk* out) const override {
    auto& state = static_cast<FileSourceState&>(global);
    size_t index = state.next.fetch_add(1);
    if (index >= state.splits.size()) return SourceResult::kFinished;
    ARROW_ASSIGN_OR_RAISE(auto batch,
                          spec_.source->ReadSplit(state.splits[index], *spec_.data_schema, data_columns_, ctx.pool));
    // The source names its fields as the data schema does; the plan's names
    // (the same columns) are what the operators above expect. Partition
    // columns are the file's values, repeated.
    std::vector<std::shared_ptr<arrow::Array>> columns;
    int next_data = 0;
    for (int c : spec_.columns) {
      const int width = spec_.data_schema->num_fields();
      if (c < width) {
        columns.push_back(batch->column(next_data++));
        continue;
      }
      const auto& value = spec_.partition_values[state.split_file[index]][static_cast<size_t>(c - width)];
      ARROW_ASSIGN_OR_RAISE(auto repeated, arrow::MakeArrayFromScalar(*value, batch->num_rows(), ctx.pool));
      columns.push_back(std::move(repeated));
    }
    out->batch = arrow::RecordBatch::Make(schema(), batch->num_rows(), std::move(columns));
    out->selection.reset();
    out->batch_index = static_cast<int64_t>(index);
    return SourceResult::kHaveMore;
  }

 private:
  FileScanSpec spec_;
  std::vector<int> data_columns_;  // the columns read from the files
};

}  // namespace

OperatorPtr MakeFileScan(FileScanSpec spec) { return std::make_unique<FileScan>(std::move(spec)); }

}  // namespace sk8::exec
