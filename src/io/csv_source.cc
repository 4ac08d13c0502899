#include "io/csv_source.h"

#include <deque>

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "functions/csv_value.h"
#include "io/file_listing.h"
#include "io/line_reader.h"
#include "io/malformed_records.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

using functions::CsvFormat;
using functions::CsvRecords;
using functions::CsvTypeInference;
using functions::CsvValueRules;
using functions::TokenizeCsv;

// Header names made safe as Spark does: empty -> _c<i>; duplicates (ignoring
// case) get their position appended.
std::vector<std::string> SafeHeader(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    if (name.empty()) {
      out.push_back("_c" + std::to_string(i));
      continue;
    }
    size_t same = 0;
    for (const auto& other : names) same += SameColumnName(other, name) ? 1 : 0;
    out.push_back(same > 1 ? name + std::to_string(i) : name);
  }
  return out;
}

class CsvSource final : public DataSource {
 public:
  CsvSource(CsvFormat format, CsvValueRules rules, bool header, bool infer_schema, ParseMode mode,
            std::string corrupt_column, std::string encoding, std::shared_ptr<arrow::Schema> user_schema)
      : format_(std::move(format)),
        rules_(std::move(rules)),
        header_(header),
        infer_schema_(infer_schema),
        mode_(mode),
        corrupt_column_(std::move(corrupt_column)),
        encoding_(std::move(encoding)),
        user_schema_(std::move(user_schema)) {}

  std::string format() const override { return "csv"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    // The first record of the first file with one gives the width (and names).
    std::vector<std::string> names;
    std::vector<CsvTypeInference> types;
    bool have_first = false;
    for (const auto& path : files) {
      FileSplit whole;
      whole.path = path;
      ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(whole, storage(), encoding_, arrow::default_memory_pool()));
      CsvRecords records;
      TokenizeCsv(text.text, format_, &records);
      size_t first_data = 0;
      if (!have_first && records.size() > 0) {
        have_first = true;
        for (size_t i = 0; i < records.width(0); ++i) {
          names.push_back(header_ ? std::string(records.fields[records.starts[0] + i]) : "_c" + std::to_string(i));
        }
        types.assign(names.size(), CsvTypeInference{});
      }
      if (header_ && records.size() > 0) first_data = 1;
      if (!infer_schema_) continue;
      std::vector<CsvTypeInference> file_types(names.size());
      for (size_t r = first_data; r < records.size(); ++r) {
        for (size_t c = 0; c < names.size() && c < records.width(r); ++c) {
          const size_t k = records.starts[r] + c;
          auto value = rules_.Value(records.fields[k], records.quoted[k]);
          if (!value || value->empty()) continue;
          file_types[c].Add(*value, rules_);
        }
      }
      for (size_t c = 0; c < names.size(); ++c) {
        types[c].Merge(file_types[c]);
      }
    }
    if (!have_first) return arrow::schema(arrow::FieldVector{});  // Spark: an empty schema for empty input
    if (header_) names = SafeHeader(names);
    arrow::FieldVector fields;
    for (size_t c = 0; c < names.size(); ++c) {
      fields.push_back(arrow::field(names[c], infer_schema_ ? types[c].type() : arrow::utf8(), true));
    }
    return arrow::schema(fields);
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    return PlanByteRangeSplits(files, storage(), format_.multi_line);
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(split, storage(), encoding_, pool));
    CsvRecords records;
    TokenizeCsv(text.text, format_, &records);
    const size_t first = header_ && text.starts_file && records.size() > 0 ? 1 : 0;
    const auto layout = CorruptRecordLayout::Of(data_schema, corrupt_column_);
    const int64_t rows = static_cast<int64_t>(records.size() - first);
    MalformedRows malformed(rows);
    for (int64_t r = 0; r < rows; ++r) {
      if (records.width(first + r) != static_cast<size_t>(layout.data_width)) malformed.Mark(r);
    }
    std::vector<std::shared_ptr<arrow::Array>> arrays(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = columns[i];
      if (c == layout.corrupt_index) continue;
      ARROW_ASSIGN_OR_RAISE(arrays[i], Convert(records, first, layout.data_position[c], data_schema.field(c)->type(),
                                               &malformed, pool));
    }
    std::vector<std::string_view> raw(records.raw.begin() + static_cast<std::ptrdiff_t>(first), records.raw.end());
    return malformed.Finish(mode_, split.path, data_schema, columns, layout, raw, std::move(arrays), pool);
  }

 private:
  // One column's values at `position` of each record, converted to `type`;
  // values that do not convert are NULL and mark their row malformed.
  Result<std::shared_ptr<arrow::Array>> Convert(const CsvRecords& records, size_t first, int position,
                                                const std::shared_ptr<arrow::DataType>& type, MalformedRows* malformed,
                                                arrow::MemoryPool* pool) const {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(pool, type, &builder));
    const int64_t rows = static_cast<int64_t>(records.size() - first);
    ARROW_RETURN_NOT_OK(builder->Reserve(rows));
    for (int64_t r = 0; r < rows; ++r) {
      const size_t record = first + static_cast<size_t>(r);
      std::optional<std::string_view> value;
      if (position >= 0 && static_cast<size_t>(position) < records.width(record)) {
        const size_t k = records.starts[record] + static_cast<size_t>(position);
        value = rules_.Value(records.fields[k], records.quoted[k]);
      }
      if (!value) {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
        continue;
      }
      if (!rules_.Append(*value, *type, builder.get())) {
        malformed->Mark(r);
        ARROW_RETURN_NOT_OK(builder->AppendNull());
      }
    }
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder->Finish(&out));
    return out;
  }

  CsvFormat format_;
  CsvValueRules rules_;
  bool header_;
  bool infer_schema_;
  ParseMode mode_;
  std::string corrupt_column_;
  std::string encoding_;
  std::shared_ptr<arrow::Schema> user_schema_;
};

}  // namespace

Result<DataSourcePtr> MakeCsvSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                    const SourceContext& context) {
  ARROW_ASSIGN_OR_RAISE(auto format, CsvFormat::From(options));
  auto rules = CsvValueRules::From(options, context.session_time_zone);
  ARROW_ASSIGN_OR_RAISE(const bool header, options.GetBool("header", false));
  ARROW_ASSIGN_OR_RAISE(const bool infer_schema, options.GetBool("inferSchema", false));
  ARROW_ASSIGN_OR_RAISE(const auto mode, ParseModeOption(options));
  auto encoding = options.Get("encoding");
  if (!encoding) encoding = options.Get("charset");
  ARROW_RETURN_NOT_OK(CheckEncoding(encoding.value_or("UTF-8")));
  return std::make_shared<CsvSource>(std::move(format), std::move(rules), header, infer_schema, mode,
                                     options.GetOr("columnNameOfCorruptRecord", "_corrupt_record"),
                                     encoding.value_or("UTF-8"), std::move(user_schema));
}

}  // namespace sk8::io
