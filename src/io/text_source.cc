#include "io/text_source.h"

#include <arrow/builder.h>

#include "io/line_reader.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

class TextSource final : public DataSource {
 public:
  TextSource(std::shared_ptr<arrow::Schema> schema, bool whole_text, std::string line_separator, std::string encoding)
      : schema_(std::move(schema)),
        whole_text_(whole_text),
        line_separator_(std::move(line_separator)),
        encoding_(std::move(encoding)) {}

  std::string format() const override { return "text"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>&) const override { return schema_; }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    // A custom separator may not be "\n", which the byte ranges cut at.
    return PlanByteRangeSplits(files, storage(), whole_text_ || !line_separator_.empty());
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(split, storage(), encoding_, pool));
    arrow::StringBuilder builder(pool);
    if (whole_text_) {
      ARROW_RETURN_NOT_OK(builder.Append(text.text));
    } else {
      for (auto line : SplitLines(text.text, line_separator_)) ARROW_RETURN_NOT_OK(builder.Append(line));
    }
    ARROW_ASSIGN_OR_RAISE(auto values, builder.Finish());
    arrow::FieldVector fields;
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (int c : columns) {
      fields.push_back(data_schema.field(c));
      arrays.push_back(values);
    }
    return arrow::RecordBatch::Make(arrow::schema(fields), values->length(), arrays);
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  bool whole_text_;
  std::string line_separator_;
  std::string encoding_;
};

}  // namespace

Result<DataSourcePtr> MakeTextSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema) {
  auto schema = user_schema ? user_schema : arrow::schema({arrow::field("value", arrow::utf8(), true)});
  if (schema->num_fields() != 1 || schema->field(0)->type()->id() != arrow::Type::STRING) {
    return SparkError(SparkExceptionKind::kAnalysis, "_LEGACY_ERROR_TEMP_1281",
                      {{"schemaType", "struct<" + schema->field(0)->name() + ":" +
                                          types::SimpleString(*schema->field(0)->type()) + ">"}});
  }
  ARROW_ASSIGN_OR_RAISE(const bool whole_text, options.GetBool("wholetext", false));
  auto encoding = options.GetOr("encoding", "UTF-8");
  ARROW_RETURN_NOT_OK(CheckEncoding(encoding));
  return std::make_shared<TextSource>(schema, whole_text, options.GetOr("lineSep", ""), encoding);
}

}  // namespace sk8::io
