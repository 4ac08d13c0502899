#include "io/json_source.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>

#include <arrow/builder.h>

#include "functions/json_value.h"
#include "io/line_reader.h"
#include "io/malformed_records.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

using functions::CanonicalJsonType;
using functions::CompatibleJsonType;
using functions::FindJsonField;
using functions::InferJsonType;
using functions::JsonConversion;
using functions::JsonParser;
using functions::JsonValue;

using TypePtr = std::shared_ptr<arrow::DataType>;

struct JsonOptions {
  functions::JsonReadOptions read;
  bool multi_line = false;
  ParseMode mode = ParseMode::kPermissive;
  std::string corrupt_column = "_corrupt_record";
  std::string encoding = "UTF-8";
  std::string line_separator;
};

// One record of the input: parsed, or not (then only its text is kept).
struct JsonRecords {
  std::vector<JsonValue> rows;
  std::vector<uint8_t> parsed;
  std::vector<std::string_view> raw;
  std::deque<std::string> storage;
};

// The records of a text: one per line (JSON Lines), or the whole text as one
// value (multiLine); a top-level array of objects stands for its elements.
// Anything else than an object (or such an array) is a malformed record.
void ParseRecords(std::string_view text, const JsonOptions& options, JsonRecords* out) {
  auto add = [&](std::string_view record) {
    JsonValue value;
    JsonParser parser(record, options.read.syntax, &out->storage);
    const bool ok = parser.ParseDocument(&value);
    const bool all_objects = std::all_of(value.items.begin(), value.items.end(), [](const JsonValue& item) {
      return item.kind == JsonValue::Kind::kObject;
    });
    if (ok && value.kind == JsonValue::Kind::kArray && all_objects) {
      for (auto& item : value.items) {
        out->raw.push_back(item.raw);
        out->rows.push_back(std::move(item));
        out->parsed.push_back(1);
      }
      return;
    }
    const bool is_object = ok && value.kind == JsonValue::Kind::kObject;
    out->rows.push_back(std::move(value));
    out->parsed.push_back(is_object);
    out->raw.push_back(record);
  };
  if (options.multi_line) {
    if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) add(text);
    return;
  }
  for (auto line : SplitLines(text, options.line_separator)) {
    if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;  // blank lines are skipped
    add(line);
  }
}

class JsonSource final : public DataSource {
 public:
  JsonSource(JsonOptions options, std::shared_ptr<arrow::Schema> user_schema)
      : options_(std::move(options)), user_schema_(std::move(user_schema)) {}

  std::string format() const override { return "json"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    TypePtr merged = arrow::null();
    for (const auto& path : files) {
      FileSplit whole;
      whole.path = path;
      ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(whole, storage(), options_.encoding, arrow::default_memory_pool()));
      JsonRecords records;
      ParseRecords(text.text, options_, &records);
      for (size_t r = 0; r < records.rows.size(); ++r) {
        TypePtr type;
        if (records.parsed[r]) {
          type = InferJsonType(records.rows[r], options_.read.infer);
        } else if (options_.mode == ParseMode::kPermissive) {
          type = arrow::struct_({arrow::field(options_.corrupt_column, arrow::utf8(), true)});
        } else if (options_.mode == ParseMode::kFailFast) {
          return SparkError(SparkExceptionKind::kInternal, "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                            {{"badRecord", std::string(records.raw[r])}, {"failFastMode", "FAILFAST"}});
        } else {
          continue;
        }
        merged = CompatibleJsonType(merged, type);
      }
    }
    if (merged->id() != arrow::Type::STRUCT) return arrow::schema(arrow::FieldVector{});
    auto canonical = CanonicalJsonType(merged, options_.read.drop_field_if_all_null);
    if (!canonical) return arrow::schema(arrow::FieldVector{});
    return arrow::schema(canonical->fields());
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    return PlanByteRangeSplits(files, storage(), options_.multi_line || !options_.line_separator.empty());
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(split, storage(), options_.encoding, pool));
    JsonRecords records;
    ParseRecords(text.text, options_, &records);
    const auto layout = CorruptRecordLayout::Of(data_schema, options_.corrupt_column);
    const auto rows = static_cast<int64_t>(records.rows.size());
    MalformedRows malformed(rows);
    for (int64_t r = 0; r < rows; ++r) {
      if (!records.parsed[static_cast<size_t>(r)]) malformed.Mark(r);
    }
    std::vector<std::shared_ptr<arrow::Array>> arrays(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = columns[i];
      if (c == layout.corrupt_index) continue;
      const auto& field = data_schema.field(c);
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(pool, field->type(), &builder));
      for (int64_t r = 0; r < rows; ++r) {
        const auto& record = records.rows[static_cast<size_t>(r)];
        const JsonValue* value = records.parsed[static_cast<size_t>(r)] ? FindJsonField(record, field->name()) : nullptr;
        if (value == nullptr) {
          ARROW_RETURN_NOT_OK(builder->AppendNull());
        } else if (options_.read.converter.Append(*value, *field->type(), builder.get()) != JsonConversion::kWhole) {
          malformed.Mark(r);
        }
      }
      ARROW_RETURN_NOT_OK(builder->Finish(&arrays[i]));
    }
    return malformed.Finish(options_.mode, split.path, data_schema, columns, layout, records.raw, std::move(arrays),
                            pool);
  }

 private:
  JsonOptions options_;
  std::shared_ptr<arrow::Schema> user_schema_;
};

}  // namespace

Result<DataSourcePtr> MakeJsonSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                     const SourceContext& context) {
  JsonOptions json;
  ARROW_ASSIGN_OR_RAISE(json.read, functions::JsonReadOptions::From(options, context.session_time_zone));
  json.read.converter.keep_source_text = true;
  ARROW_ASSIGN_OR_RAISE(json.multi_line, options.GetBool("multiLine", false));
  ARROW_ASSIGN_OR_RAISE(json.mode, ParseModeOption(options));
  json.corrupt_column = options.GetOr("columnNameOfCorruptRecord", "_corrupt_record");
  auto encoding = options.Get("encoding");
  if (!encoding) encoding = options.Get("charset");
  json.encoding = encoding.value_or("UTF-8");
  ARROW_RETURN_NOT_OK(CheckEncoding(json.encoding));
  json.line_separator = options.GetOr("lineSep", "");
  return std::make_shared<JsonSource>(std::move(json), std::move(user_schema));
}

}  // namespace sk8::io
