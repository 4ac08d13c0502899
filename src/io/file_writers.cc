// The format writers of one file each: Parquet (Arrow's writer), CSV, JSON
// Lines and text (written here, with Spark's defaults for writing).
#include <algorithm>
#include <cstdlib>

#include <arrow/builder.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include "functions/cast.h"
#include "functions/time_util.h"
#include "io/file_writer.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

Result<arrow::Compression::type> ParquetCodec(const SourceOptions& options) {
  auto name = Lower(options.Get("compression").value_or(options.GetOr("parquet.compression", "snappy")));
  if (name == "none" || name == "uncompressed") return arrow::Compression::UNCOMPRESSED;
  if (name == "snappy") return arrow::Compression::SNAPPY;
  if (name == "gzip") return arrow::Compression::GZIP;
  if (name == "zstd") return arrow::Compression::ZSTD;
  if (name == "lz4") return arrow::Compression::LZ4_HADOOP;
  if (name == "lz4_raw") return arrow::Compression::LZ4;
  if (name == "brotli") return arrow::Compression::BROTLI;
  return SparkError(SparkExceptionKind::kIllegalArgument, "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION",
                    {{"codecName", name}, {"availableCodecs", "brotli, gzip, lz4, lz4_raw, none, snappy, uncompressed, zstd"}});
}

Status CheckNoCompression(const SourceOptions& options, const std::string& format) {
  auto name = Lower(options.Get("compression").value_or(options.GetOr("codec", "none")));
  if (name == "none" || name == "uncompressed") return Status::OK();
  return Unsupported("writing compressed " + format + " files (compression " + name + ")");
}

Result<std::shared_ptr<arrow::io::FileOutputStream>> OpenOutput(const std::string& path) {
  auto out = arrow::io::FileOutputStream::Open(path);
  if (!out.ok()) return Status::IOError("cannot create ", path, ": ", out.status().message());
  return *out;
}

class ParquetFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(const std::string& path, const std::shared_ptr<arrow::Schema>& schema,
                                                    const SourceOptions& options) {
    ARROW_ASSIGN_OR_RAISE(auto codec, ParquetCodec(options));
    ARROW_ASSIGN_OR_RAISE(auto out, OpenOutput(path));
    // Decimals as INT32 / INT64 where they fit and timestamps in
    // microseconds, as Spark writes them.
    auto properties = parquet::WriterProperties::Builder()
                          .compression(codec)
                          ->enable_store_decimal_as_integer()
                          ->created_by("sk8 (Spark-compatible Parquet writer)")
                          ->build();
    auto arrow_properties = parquet::ArrowWriterProperties::Builder().coerce_timestamps(arrow::TimeUnit::MICRO)->build();
    auto writer = std::make_unique<ParquetFileWriter>();
    ARROW_ASSIGN_OR_RAISE(writer->writer_, parquet::arrow::FileWriter::Open(*schema, arrow::default_memory_pool(), out,
                                                                            properties, arrow_properties));
    return writer;
  }
  Status Write(const arrow::RecordBatch& batch) override { return writer_->WriteRecordBatch(batch); }
  Status Close() override { return writer_->Close(); }

 private:
  std::unique_ptr<parquet::arrow::FileWriter> writer_;
};

// Spark's default text forms of dates and timestamps in CSV and JSON output.
struct DateTimeText {
  std::string session_time_zone;

  Result<std::string> Timestamp(int64_t micros, bool ltz) const {
    int64_t wall = micros;
    if (ltz) {
      ARROW_ASSIGN_OR_RAISE(wall, functions::UtcToLocalMicros(micros, session_time_zone));
    }
    const int64_t days = functions::FloorDiv(wall, functions::kMicrosPerDay);
    const int64_t in_day = wall - days * functions::kMicrosPerDay;
    const int64_t seconds = in_day / functions::kMicrosPerSecond;
    const int64_t millis = (in_day % functions::kMicrosPerSecond) / 1000;
    char text[64];
    std::snprintf(text, sizeof(text), "%sT%02lld:%02lld:%02lld.%03lld",
                  functions::FormatDate(static_cast<int32_t>(days)).c_str(), static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60),
                  static_cast<long long>(millis));
    std::string out = text;
    if (!ltz) return out;
    const int64_t offset = (wall - micros) / functions::kMicrosPerSecond / 60;  // minutes
    if (offset == 0) return out + "Z";
    std::snprintf(text, sizeof(text), "%c%02lld:%02lld", offset < 0 ? '-' : '+',
                  static_cast<long long>(std::llabs(offset) / 60), static_cast<long long>(std::llabs(offset) % 60));
    return out + text;
  }
};

// A column's values as text (NULL stays NULL): Spark's CAST AS STRING, with
// timestamps in the writers' ISO form.
Result<std::shared_ptr<arrow::Array>> ValueTexts(const arrow::Array& column, const DateTimeText& datetime) {
  if (column.type_id() != arrow::Type::TIMESTAMP) {
    plan::EvalContext ctx;
    ctx.session_time_zone = datetime.session_time_zone;
    return functions::ToSparkStrings(column, ctx);
  }
  const auto& timestamps = static_cast<const arrow::TimestampArray&>(column);
  const bool ltz = types::IsTimestampLtz(*column.type());
  arrow::StringBuilder builder;
  for (int64_t i = 0; i < column.length(); ++i) {
    if (column.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto text, datetime.Timestamp(timestamps.Value(i), ltz));
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return builder.Finish();
}

class CsvFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(const std::string& path, const std::shared_ptr<arrow::Schema>& schema,
                                                    const SourceOptions& options, const std::string& time_zone) {
    for (const auto& field : schema->fields()) {
      const auto id = field->type()->id();
      if (id == arrow::Type::LIST || id == arrow::Type::STRUCT || id == arrow::Type::MAP || id == arrow::Type::BINARY) {
        return AnalysisError("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                             {{"columnName", "`" + field->name() + "`"},
                              {"columnType", "\"" + types::SqlString(*field->type()) + "\""},
                              {"format", "CSV"}});
      }
    }
    ARROW_RETURN_NOT_OK(CheckNoCompression(options, "CSV"));
    if (options.Get("dateFormat") || options.Get("timestampFormat")) {
      return Unsupported("dateFormat / timestampFormat when writing CSV");
    }
    auto writer = std::make_unique<CsvFileWriter>();
    ARROW_ASSIGN_OR_RAISE(writer->out_, OpenOutput(path));
    auto separator = options.Get("sep");
    if (!separator) separator = options.Get("delimiter");
    writer->separator_ = separator ? (*separator == "\\t" ? "\t" : *separator) : ",";
    auto quote = options.GetOr("quote", "\"");
    writer->quote_ = quote.empty() ? '\0' : quote[0];
    auto escape = options.GetOr("escape", "\\");
    writer->escape_ = escape.empty() ? '\0' : escape[0];
    writer->null_value_ = options.GetOr("nullValue", "");
    writer->empty_value_ = options.GetOr("emptyValue", writer->quote_ ? std::string(2, writer->quote_) : "");
    ARROW_ASSIGN_OR_RAISE(writer->quote_all_, options.GetBool("quoteAll", false));
    ARROW_ASSIGN_OR_RAISE(writer->trim_leading_, options.GetBool("ignoreLeadingWhiteSpace", true));
    ARROW_ASSIGN_OR_RAISE(writer->trim_trailing_, options.GetBool("ignoreTrailingWhiteSpace", true));
    writer->line_separator_ = options.GetOr("lineSep", "\n");
    writer->datetime_.session_time_zone = time_zone;
    ARROW_ASSIGN_OR_RAISE(const bool header, options.GetBool("header", false));
    if (header) {
      std::string line;
      for (int i = 0; i < schema->num_fields(); ++i) {
        if (i) line += writer->separator_;
        writer->AppendField(schema->field(i)->name(), &line);
      }
      line += writer->line_separator_;
      ARROW_RETURN_NOT_OK(writer->out_->Write(line));
    }
    return writer;
  }

  Status Write(const arrow::RecordBatch& batch) override {
    std::vector<std::shared_ptr<arrow::Array>> texts;
    for (const auto& column : batch.columns()) {
      ARROW_ASSIGN_OR_RAISE(auto text, ValueTexts(*column, datetime_));
      texts.push_back(text);
    }
    std::string out;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < texts.size(); ++c) {
        if (c) out += separator_;
        const auto& text = static_cast<const arrow::StringArray&>(*texts[c]);
        if (text.IsNull(r)) {
          if (quote_all_) {
            AppendField(null_value_, &out);
          } else {
            out += null_value_;
          }
        } else if (text.GetView(r).empty()) {
          out += empty_value_;
        } else {
          AppendField(text.GetView(r), &out);
        }
      }
      out += line_separator_;
    }
    return out_->Write(out);
  }

  Status Close() override { return out_->Close(); }

 private:
  // A value as univocity writes it: trimmed, and quoted when it holds the
  // separator, a quote, a line break (or always with quoteAll), inner quotes
  // escaped.
  void AppendField(std::string_view value, std::string* out) const {
    auto space = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
    if (trim_leading_) {
      while (!value.empty() && space(value.front())) value.remove_prefix(1);
    }
    if (trim_trailing_) {
      while (!value.empty() && space(value.back())) value.remove_suffix(1);
    }
    const bool needs_quotes =
        quote_ != '\0' && (quote_all_ || value.find(separator_) != std::string_view::npos ||
                           value.find(quote_) != std::string_view::npos ||
                           value.find_first_of("\r\n") != std::string_view::npos);
    if (!needs_quotes) {
      out->append(value);
      return;
    }
    *out += quote_;
    for (char c : value) {
      if (c == quote_) *out += escape_ ? escape_ : quote_;
      *out += c;
    }
    *out += quote_;
  }

  std::shared_ptr<arrow::io::FileOutputStream> out_;
  std::string separator_;
  char quote_ = '"';
  char escape_ = '\\';
  std::string null_value_;
  std::string empty_value_;
  bool quote_all_ = false;
  bool trim_leading_ = true;
  bool trim_trailing_ = true;
  std::string line_separator_;
  DateTimeText datetime_;
};

void AppendJsonString(std::string_view text, std::string* out) {
  *out += '"';
  for (char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04X", static_cast<unsigned>(c));
          *out += buf;
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

// Every value of a column as a JSON fragment ("" for NULL), nested types by
// their children's fragments.
Status JsonFragments(const arrow::Array& column, const DateTimeText& datetime, bool omit_null_fields,
                     std::vector<std::string>* out) {
  const auto n = static_cast<size_t>(column.length());
  out->assign(n, std::string());
  switch (column.type_id()) {
    case arrow::Type::STRUCT: {
      const auto& structs = static_cast<const arrow::StructArray&>(column);
      std::vector<std::vector<std::string>> children(static_cast<size_t>(column.num_fields()));
      for (int f = 0; f < column.num_fields(); ++f) {
        ARROW_ASSIGN_OR_RAISE(auto child, structs.GetFlattenedField(f));
        ARROW_RETURN_NOT_OK(JsonFragments(*child, datetime, omit_null_fields, &children[static_cast<size_t>(f)]));
      }
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string object = "{";
        bool first = true;
        for (int f = 0; f < column.num_fields(); ++f) {
          const auto& value = children[static_cast<size_t>(f)][r];
          if (value.empty() && omit_null_fields) continue;
          if (!first) object += ',';
          first = false;
          AppendJsonString(column.type()->field(f)->name(), &object);
          object += ':';
          object += value.empty() ? "null" : value;
        }
        (*out)[r] = object + "}";
      }
      return Status::OK();
    }
    case arrow::Type::LIST: {
      const auto& lists = static_cast<const arrow::ListArray&>(column);
      std::vector<std::string> values;
      ARROW_RETURN_NOT_OK(JsonFragments(*lists.values(), datetime, omit_null_fields, &values));
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string array = "[";
        for (int64_t i = lists.value_offset(static_cast<int64_t>(r)); i < lists.value_offset(static_cast<int64_t>(r) + 1); ++i) {
          if (array.size() > 1) array += ',';
          const auto& value = values[static_cast<size_t>(i)];
          array += value.empty() ? "null" : value;
        }
        (*out)[r] = array + "]";
      }
      return Status::OK();
    }
    case arrow::Type::MAP: {
      const auto& maps = static_cast<const arrow::MapArray&>(column);
      plan::EvalContext ctx;
      ctx.session_time_zone = datetime.session_time_zone;
      ARROW_ASSIGN_OR_RAISE(auto keys, functions::ToSparkStrings(*maps.keys(), ctx));
      std::vector<std::string> items;
      ARROW_RETURN_NOT_OK(JsonFragments(*maps.items(), datetime, omit_null_fields, &items));
      const auto& key_texts = static_cast<const arrow::StringArray&>(*keys);
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string object = "{";
        for (int64_t i = maps.value_offset(static_cast<int64_t>(r)); i < maps.value_offset(static_cast<int64_t>(r) + 1); ++i) {
          if (object.size() > 1) object += ',';
          AppendJsonString(key_texts.GetView(i), &object);
          object += ':';
          const auto& value = items[static_cast<size_t>(i)];
          object += value.empty() ? "null" : value;
        }
        (*out)[r] = object + "}";
      }
      return Status::OK();
    }
    default: break;
  }
  ARROW_ASSIGN_OR_RAISE(auto texts, ValueTexts(column, datetime));
  const auto& strings = static_cast<const arrow::StringArray&>(*texts);
  const auto id = column.type_id();
  const bool quoted = id == arrow::Type::STRING || id == arrow::Type::DATE32 || id == arrow::Type::TIMESTAMP ||
                      id == arrow::Type::BINARY;
  for (size_t r = 0; r < n; ++r) {
    if (strings.IsNull(static_cast<int64_t>(r))) continue;
    auto text = strings.GetView(static_cast<int64_t>(r));
    const bool special = (id == arrow::Type::DOUBLE || id == arrow::Type::FLOAT) &&
                         (text == "NaN" || text == "Infinity" || text == "-Infinity");
    if (quoted || special) {
      AppendJsonString(text, &(*out)[r]);
    } else {
      (*out)[r] = std::string(text);
    }
  }
  return Status::OK();
}

class JsonFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(const std::string& path, const SourceOptions& options,
                                                    const std::string& time_zone) {
    ARROW_RETURN_NOT_OK(CheckNoCompression(options, "JSON"));
    if (options.Get("dateFormat") || options.Get("timestampFormat")) {
      return Unsupported("dateFormat / timestampFormat when writing JSON");
    }
    auto writer = std::make_unique<JsonFileWriter>();
    ARROW_ASSIGN_OR_RAISE(writer->out_, OpenOutput(path));
    ARROW_ASSIGN_OR_RAISE(writer->omit_null_fields_, options.GetBool("ignoreNullFields", true));
    writer->line_separator_ = options.GetOr("lineSep", "\n");
    writer->datetime_.session_time_zone = time_zone;
    return writer;
  }

  Status Write(const arrow::RecordBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto rows, batch.ToStructArray());
    std::vector<std::string> objects;
    ARROW_RETURN_NOT_OK(JsonFragments(*rows, datetime_, omit_null_fields_, &objects));
    std::string out;
    for (const auto& object : objects) out += object + line_separator_;
    return out_->Write(out);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::shared_ptr<arrow::io::FileOutputStream> out_;
  bool omit_null_fields_ = true;
  std::string line_separator_;
  DateTimeText datetime_;
};

class TextFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(const std::string& path, const std::shared_ptr<arrow::Schema>& schema,
                                                    const SourceOptions& options) {
    if (schema->num_fields() != 1) {
      return AnalysisError("_LEGACY_ERROR_TEMP_1250", {{"numColumns", std::to_string(schema->num_fields())}});
    }
    if (schema->field(0)->type()->id() != arrow::Type::STRING) {
      return AnalysisError("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                           {{"columnName", "`" + schema->field(0)->name() + "`"},
                            {"columnType", "\"" + types::SqlString(*schema->field(0)->type()) + "\""},
                            {"format", "Text"}});
    }
    ARROW_RETURN_NOT_OK(CheckNoCompression(options, "text"));
    auto writer = std::make_unique<TextFileWriter>();
    ARROW_ASSIGN_OR_RAISE(writer->out_, OpenOutput(path));
    writer->line_separator_ = options.GetOr("lineSep", "\n");
    return writer;
  }

  Status Write(const arrow::RecordBatch& batch) override {
    const auto& values = static_cast<const arrow::StringArray&>(*batch.column(0));
    std::string out;
    for (int64_t r = 0; r < values.length(); ++r) {
      if (!values.IsNull(r)) out += values.GetView(r);
      out += line_separator_;
    }
    return out_->Write(out);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::shared_ptr<arrow::io::FileOutputStream> out_;
  std::string line_separator_;
};

}  // namespace

Result<std::string> PartFileExtension(const std::string& format, const SourceOptions& options) {
  const auto name = Lower(format);
  if (name == "parquet") {
    ARROW_ASSIGN_OR_RAISE(auto codec, ParquetCodec(options));
    switch (codec) {
      case arrow::Compression::UNCOMPRESSED: return std::string(".parquet");
      case arrow::Compression::SNAPPY: return std::string(".snappy.parquet");
      case arrow::Compression::GZIP: return std::string(".gz.parquet");
      case arrow::Compression::ZSTD: return std::string(".zstd.parquet");
      case arrow::Compression::BROTLI: return std::string(".br.parquet");
      case arrow::Compression::LZ4_HADOOP: return std::string(".lz4hadoop.parquet");
      default: return std::string(".lz4raw.parquet");
    }
  }
  if (name == "csv") return std::string(".csv");
  if (name == "json") return std::string(".json");
  if (name == "text") return std::string(".txt");
  if (name == "orc" || name == "avro" || name == "xml") return Unsupported("writing the " + name + " format");
  return SparkError(SparkExceptionKind::kClassNotFound, "DATA_SOURCE_NOT_FOUND", {{"provider", format}});
}

Result<std::unique_ptr<FormatWriter>> MakeFormatWriter(const std::string& format, const std::string& path,
                                                       const std::shared_ptr<arrow::Schema>& schema,
                                                       const SourceOptions& options,
                                                       const std::string& session_time_zone) {
  const auto name = Lower(format);
  if (name == "parquet") return ParquetFileWriter::Open(path, schema, options);
  if (name == "csv") return CsvFileWriter::Open(path, schema, options, session_time_zone);
  if (name == "json") return JsonFileWriter::Open(path, options, session_time_zone);
  if (name == "text") return TextFileWriter::Open(path, schema, options);
  return PartFileExtension(format, options).status();
}

}  // namespace sk8::io
