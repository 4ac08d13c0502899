// The format writers of one file each: Parquet (Arrow's writer), CSV, JSON
// Lines, ORC (Arrow's ORC adapter) and text (written here, with Spark's defaults for writing).
#include <algorithm>
#include <cstdlib>

#include <arrow/adapters/orc/adapter.h>
#include <arrow/builder.h>
#include <arrow/io/interfaces.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include "functions/cast.h"
#include "functions/csv_value.h"
#include "functions/json_value.h"
#include "functions/time_util.h"
#include "io/file_writer.h"
#include "io/orc_source.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

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

class ParquetFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(std::shared_ptr<arrow::io::OutputStream> out, const std::shared_ptr<arrow::Schema>& schema,
                                                    const SourceOptions& options) {
    ARROW_ASSIGN_OR_RAISE(auto codec, ParquetCodec(options));
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

class OrcFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(std::shared_ptr<arrow::io::OutputStream> out,
                                                    const std::shared_ptr<arrow::Schema>& schema,
                                                    const SourceOptions& options) {
    ARROW_ASSIGN_OR_RAISE(auto codec, OrcCodecFor(options));
    auto writer = std::make_unique<OrcFileWriter>();
    ARROW_ASSIGN_OR_RAISE(writer->schema_, OrcFileSchema(*schema));
    writer->out_ = std::move(out);
    arrow::adapters::orc::WriteOptions write_options;
    write_options.compression = codec.codec;
    ARROW_ASSIGN_OR_RAISE(writer->writer_, arrow::adapters::orc::ORCFileWriter::Open(writer->out_.get(), write_options));
    return writer;
  }
  Status Write(const arrow::RecordBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto orc_batch, ToOrcBatch(batch, schema_));
    wrote_schema_ = true;
    return writer_->Write(*orc_batch);
  }
  Status Close() override {
    if (!wrote_schema_) {
      // An empty result still writes its schema (Arrow's writer writes one at the first batch).
      ARROW_ASSIGN_OR_RAISE(auto empty, arrow::RecordBatch::MakeEmpty(schema_));
      ARROW_RETURN_NOT_OK(writer_->Write(*empty));
    }
    ARROW_RETURN_NOT_OK(writer_->Close());
    return out_->Close();
  }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::unique_ptr<arrow::adapters::orc::ORCFileWriter> writer_;
  bool wrote_schema_ = false;
};

class CsvFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(std::shared_ptr<arrow::io::OutputStream> out, const std::shared_ptr<arrow::Schema>& schema,
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
    auto writer = std::make_unique<CsvFileWriter>();
    writer->out_ = std::move(out);
    ARROW_ASSIGN_OR_RAISE(writer->fields_, functions::CsvFieldWriter::From(options));
    writer->line_separator_ = options.GetOr("lineSep", "\n");
    ARROW_ASSIGN_OR_RAISE(writer->datetime_, functions::ReadJsonWriteOptions(options, time_zone, true));
    ARROW_ASSIGN_OR_RAISE(const bool header, options.GetBool("header", false));
    if (header) {
      std::string line;
      for (int i = 0; i < schema->num_fields(); ++i) {
        if (i) line += writer->fields_.separator;
        writer->fields_.AppendField(schema->field(i)->name(), &line);
      }
      line += writer->line_separator_;
      ARROW_RETURN_NOT_OK(writer->out_->Write(line));
    }
    return writer;
  }

  Status Write(const arrow::RecordBatch& batch) override {
    std::vector<std::shared_ptr<arrow::Array>> texts;
    for (const auto& column : batch.columns()) {
      ARROW_ASSIGN_OR_RAISE(auto text, functions::DateTimeTexts(*column, datetime_));
      texts.push_back(text);
    }
    std::string out;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < texts.size(); ++c) {
        if (c) out += fields_.separator;
        const auto& text = static_cast<const arrow::StringArray&>(*texts[c]);
        fields_.AppendValue(text.IsNull(r) ? std::nullopt : std::optional<std::string_view>(text.GetView(r)), &out);
      }
      out += line_separator_;
    }
    return out_->Write(out);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::shared_ptr<arrow::io::OutputStream> out_;
  functions::CsvFieldWriter fields_;
  std::string line_separator_;
  functions::JsonWriteOptions datetime_;
};

class JsonFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(std::shared_ptr<arrow::io::OutputStream> out, const SourceOptions& options,
                                                    const std::string& time_zone) {
    ARROW_RETURN_NOT_OK(CheckNoCompression(options, "JSON"));
    auto writer = std::make_unique<JsonFileWriter>();
    writer->out_ = std::move(out);
    ARROW_ASSIGN_OR_RAISE(writer->datetime_, functions::ReadJsonWriteOptions(options, time_zone, true));
    writer->line_separator_ = options.GetOr("lineSep", "\n");
    return writer;
  }

  Status Write(const arrow::RecordBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto rows, batch.ToStructArray());
    std::vector<std::string> objects;
    ARROW_RETURN_NOT_OK(functions::JsonTexts(*rows, datetime_, &objects));
    std::string out;
    for (const auto& object : objects) out += object + line_separator_;
    return out_->Write(out);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::shared_ptr<arrow::io::OutputStream> out_;
  std::string line_separator_;
  functions::JsonWriteOptions datetime_;
};

class TextFileWriter final : public FormatWriter {
 public:
  static Result<std::unique_ptr<FormatWriter>> Open(std::shared_ptr<arrow::io::OutputStream> out, const std::shared_ptr<arrow::Schema>& schema,
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
    writer->out_ = std::move(out);
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
  std::shared_ptr<arrow::io::OutputStream> out_;
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
  if (name == "orc") {
    ARROW_ASSIGN_OR_RAISE(auto codec, OrcCodecFor(options));
    return codec.extension;
  }
  if (name == "avro" || name == "xml") return Unsupported("writing the " + name + " format");
  return SparkError(SparkExceptionKind::kClassNotFound, "DATA_SOURCE_NOT_FOUND", {{"provider", format}});
}

Result<std::unique_ptr<FormatWriter>> MakeFormatWriter(const std::string& format,
                                                       std::shared_ptr<arrow::io::OutputStream> out,
                                                       const std::shared_ptr<arrow::Schema>& schema,
                                                       const SourceOptions& options,
                                                       const std::string& session_time_zone) {
  const auto name = Lower(format);
  for (const auto& field : schema->fields()) {
    // Spark writes VARIANT to Parquet shredded by the values' types: not written yet.
    if (types::ContainsVariant(*field->type())) {
      return Unsupported("writing VARIANT columns to " + name + " files (column " + field->name() + ")");
    }
  }
  if (name == "parquet") return ParquetFileWriter::Open(std::move(out), schema, options);
  if (name == "csv") return CsvFileWriter::Open(std::move(out), schema, options, session_time_zone);
  if (name == "json") return JsonFileWriter::Open(std::move(out), options, session_time_zone);
  if (name == "text") return TextFileWriter::Open(std::move(out), schema, options);
  if (name == "orc") return OrcFileWriter::Open(std::move(out), schema, options);
  return PartFileExtension(format, options).status();
}

}  // namespace sk8::io
