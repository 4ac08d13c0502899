#include "io/malformed_records.h"

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "io/file_listing.h"

namespace sk8::io {

Result<ParseMode> ParseModeOption(const SourceOptions& options) {
  const auto mode = options.GetOr("mode", "PERMISSIVE");
  if (SameColumnName(mode, "DROPMALFORMED")) return ParseMode::kDropMalformed;
  if (SameColumnName(mode, "FAILFAST")) return ParseMode::kFailFast;
  return ParseMode::kPermissive;
}

CorruptRecordLayout CorruptRecordLayout::Of(const arrow::Schema& data_schema, const std::string& corrupt_column) {
  CorruptRecordLayout layout;
  for (int i = 0; i < data_schema.num_fields(); ++i) {
    const auto& field = data_schema.field(i);
    if (layout.corrupt_index < 0 && field->name() == corrupt_column && field->type()->id() == arrow::Type::STRING) {
      layout.corrupt_index = i;
      layout.data_position.push_back(-1);
      continue;
    }
    layout.data_position.push_back(layout.data_width++);
  }
  return layout;
}

Result<std::shared_ptr<arrow::RecordBatch>> MalformedRows::Finish(
    ParseMode mode, const std::string& path, const arrow::Schema& data_schema, const std::vector<int>& columns,
    const CorruptRecordLayout& layout, const std::vector<std::string_view>& raw,
    std::vector<std::shared_ptr<arrow::Array>> arrays, arrow::MemoryPool* pool) const {
  const auto rows = static_cast<int64_t>(malformed_.size());
  if (any_ && mode == ParseMode::kFailFast) {
    // Spark's SparkException around MALFORMED_RECORD_IN_PARSING, naming the file.
    return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.NO_HINT", {{"path", FileUri(path)}});
  }
  arrow::FieldVector fields;
  for (size_t i = 0; i < columns.size(); ++i) {
    fields.push_back(data_schema.field(columns[i]));
    if (columns[i] != layout.corrupt_index) continue;
    arrow::StringBuilder builder(pool);
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    for (int64_t r = 0; r < rows; ++r) {
      if (malformed_[static_cast<size_t>(r)]) {
        ARROW_RETURN_NOT_OK(builder.Append(raw[static_cast<size_t>(r)]));
      } else {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      }
    }
    ARROW_RETURN_NOT_OK(builder.Finish(&arrays[i]));
  }
  auto batch = arrow::RecordBatch::Make(arrow::schema(std::move(fields)), rows, std::move(arrays));
  if (!any_ || mode != ParseMode::kDropMalformed) return batch;
  arrow::BooleanBuilder keep(pool);
  ARROW_RETURN_NOT_OK(keep.Reserve(rows));
  for (auto m : malformed_) keep.UnsafeAppend(m == 0);
  ARROW_ASSIGN_OR_RAISE(auto mask, keep.Finish());
  arrow::compute::ExecContext exec_ctx(pool);
  ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Filter(batch, mask, arrow::compute::FilterOptions::Defaults(), &exec_ctx));
  return kept.record_batch();
}

}  // namespace sk8::io
