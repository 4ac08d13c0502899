#include "io/orc_source.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <arrow/adapters/orc/adapter.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <arrow/util/key_value_metadata.h>

#include "io/file_listing.h"
#include "io/filesystems.h"
#include "io/schema_merge.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

namespace orc = arrow::adapters::orc;

constexpr const char* kCatalystType = "spark.sql.catalyst.type";

// Spark fails the job with this as the cause (a SparkException naming the file).
Status CannotReadFooter(const std::string& path) {
  return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER",
                    {{"path", QualifiedPath(path)}});
}

Status CannotReadFile(const std::string& path) {
  return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.NO_HINT", {{"path", FileUri(path)}});
}

// An opened file, or null for an empty (0-byte) file, which Spark skips.
Result<std::unique_ptr<orc::ORCFileReader>> OpenOrc(const std::string& path, const StorageConf& storage,
                                                    arrow::MemoryPool* pool) {
  // Read, not memory-mapped (as the Parquet source: a truncated mapped file is a SIGBUS).
  auto input = OpenInputFile(path, storage, pool);
  if (!input.ok()) {
    if (GetSparkError(input.status())) return input.status();  // the store's own error
    return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(path)}});
  }
  auto size = (*input)->GetSize();
  if (size.ok() && *size == 0) return nullptr;
  try {
    auto reader = orc::ORCFileReader::Open(*input, pool);
    if (!reader.ok()) return CannotReadFooter(path);
    return std::move(*reader);
  } catch (const std::exception&) {
    return CannotReadFooter(path);
  }
}

std::string CatalystType(const arrow::Field& field) {
  if (!field.metadata()) return "";
  auto value = field.metadata()->Get(kCatalystType);
  return value.ok() ? *value : "";
}

Result<std::shared_ptr<arrow::Schema>> FileSparkSchema(orc::ORCFileReader& reader, const std::string& path) {
  auto schema = reader.ReadSchema();
  if (!schema.ok()) return CannotReadFooter(path);
  arrow::FieldVector fields;
  for (const auto& f : (*schema)->fields()) fields.push_back(arrow::field(f->name(), SparkTypeForOrc(*f), true));
  return arrow::schema(fields);
}

int FindField(const arrow::Schema& schema, const std::string& name) {
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (SameColumnName(schema.field(i)->name(), name)) return i;
  }
  return -1;
}

class OrcSource final : public DataSource {
 public:
  OrcSource(std::shared_ptr<arrow::Schema> user_schema, bool merge_schema)
      : user_schema_(std::move(user_schema)), merge_schema_(merge_schema) {}

  std::string format() const override { return "orc"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    std::shared_ptr<arrow::Schema> merged;
    for (const auto& path : files) {
      ARROW_ASSIGN_OR_RAISE(auto reader, OpenOrc(path, storage(), arrow::default_memory_pool()));
      if (!reader) continue;
      ARROW_ASSIGN_OR_RAISE(auto schema, FileSparkSchema(*reader, path));
      if (schema->num_fields() == 0) continue;  // Spark skips files without columns
      if (!merge_schema_) return schema;
      if (!merged) {
        merged = schema;
      } else {
        ARROW_ASSIGN_OR_RAISE(merged, MergeReadSchemas(*merged, *schema));
      }
    }
    if (!merged) return AnalysisError("UNABLE_TO_INFER_SCHEMA", {{"format", "ORC"}});
    return merged;
  }

  Result<SourceStatistics> ReadStatistics(const std::vector<std::string>& files) const override {
    constexpr size_t kMaxFooters = 64;
    SourceStatistics stats;
    stats.rows = 0;
    const size_t read = std::min(files.size(), kMaxFooters);
    for (size_t i = 0; i < read; ++i) {
      ARROW_ASSIGN_OR_RAISE(auto reader, OpenOrc(files[i], storage(), arrow::default_memory_pool()));
      if (reader) stats.rows += reader->NumberOfRows();
    }
    if (read > 0) {
      stats.rows = static_cast<int64_t>(static_cast<double>(stats.rows) * static_cast<double>(files.size()) /
                                        static_cast<double>(read));
    }
    return stats;
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    std::vector<FileSplit> splits;
    for (const auto& path : files) {
      ARROW_ASSIGN_OR_RAISE(auto reader, OpenOrc(path, storage(), arrow::default_memory_pool()));
      if (!reader) continue;
      // A stripe is the unit of parallel work, as a row group is for Parquet.
      for (int64_t s = 0; s < reader->NumberOfStripes(); ++s) {
        const auto info = reader->GetStripeInformation(s);
        FileSplit split;
        split.path = path;
        split.row_group = static_cast<int>(s);
        split.offset = info.offset;
        split.length = info.length;
        split.num_rows = info.num_rows;
        splits.push_back(std::move(split));
      }
    }
    return splits;
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto reader, OpenOrc(split.path, storage(), pool));
    if (!reader) return CannotReadFile(split.path);
    auto file_schema = reader->ReadSchema();
    if (!file_schema.ok()) return CannotReadFile(split.path);
    // Only the requested columns' streams are decoded; those a file lacks read as NULL.
    std::vector<int> include;
    for (int c : columns) {
      const int index = FindField(**file_schema, data_schema.field(c)->name());
      if (index >= 0 && std::find(include.begin(), include.end(), index) == include.end()) include.push_back(index);
    }
    std::sort(include.begin(), include.end());
    int64_t rows = split.num_rows;
    std::shared_ptr<arrow::RecordBatch> stripe;
    if (!include.empty()) {
      try {
        auto read = reader->ReadStripe(split.row_group, include);
        if (!read.ok()) return CannotReadFile(split.path);
        stripe = std::move(*read);
      } catch (const std::exception&) {
        return CannotReadFile(split.path);
      }
      rows = stripe->num_rows();
    }
    arrow::compute::ExecContext exec_ctx(pool);
    arrow::FieldVector fields;
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (int c : columns) {
      const auto& field = data_schema.field(c);
      const auto& target = field->type();
      fields.push_back(field);
      const int index = stripe ? FindField(*stripe->schema(), field->name()) : -1;
      if (index < 0) {
        ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(target, rows, pool));
        arrays.push_back(std::move(nulls));
        continue;
      }
      auto array = stripe->column(index);
      if (!array->type()->Equals(*target)) {
        // The file's column as Spark types it first (a bigint marked
        // timestamp_ntz is a TIMESTAMP_NTZ), then the scan's type.
        const auto spark_type = SparkTypeForOrc(*stripe->schema()->field(index));
        auto cast = arrow::compute::Cast(array, spark_type, arrow::compute::CastOptions::Unsafe(), &exec_ctx);
        if (cast.ok() && !spark_type->Equals(*target)) {
          cast = arrow::compute::Cast(*cast, target, arrow::compute::CastOptions::Unsafe(), &exec_ctx);
        }
        if (!cast.ok()) {
          return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.NO_HINT",
                            {{"path", FileUri(split.path)}});
        }
        array = cast->make_array();
      }
      arrays.push_back(std::move(array));
    }
    return arrow::RecordBatch::Make(arrow::schema(std::move(fields)), rows, std::move(arrays));
  }

 private:
  std::shared_ptr<arrow::Schema> user_schema_;
  bool merge_schema_;
};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::shared_ptr<arrow::KeyValueMetadata> Marked(const char* spark_type) {
  return arrow::key_value_metadata({kCatalystType}, {spark_type});
}

// The type Arrow's ORC writer gets for a Spark type (see OrcFileSchema), with
// the type attributes Spark writes (strings and timestamps marked).
std::shared_ptr<arrow::Field> OrcWriteField(const std::shared_ptr<arrow::Field>& field) {
  const auto& type = field->type();
  switch (type->id()) {
    case arrow::Type::STRING: return field->WithMetadata(Marked("string"));
    case arrow::Type::TIMESTAMP: {
      const auto& ts = static_cast<const arrow::TimestampType&>(*type);
      if (ts.timezone().empty()) {
        return arrow::field(field->name(), arrow::int64(), field->nullable(), Marked("timestamp_ntz"));
      }
      // An ORC timestamp (Arrow's writer makes a "timestamp with local time
      // zone", which Spark cannot read, of a zoned type).
      return arrow::field(field->name(), arrow::timestamp(ts.unit()), field->nullable(), Marked("timestamp"));
    }
    case arrow::Type::LIST:
      return arrow::field(field->name(), arrow::list(OrcWriteField(type->field(0))), field->nullable());
    case arrow::Type::STRUCT: {
      arrow::FieldVector children;
      for (const auto& child : type->fields()) children.push_back(OrcWriteField(child));
      return arrow::field(field->name(), arrow::struct_(children), field->nullable());
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      return arrow::field(field->name(),
                          std::make_shared<arrow::MapType>(OrcWriteField(map.key_field()),
                                                           OrcWriteField(map.item_field())),
                          field->nullable());
    }
    default: return field;
  }
}

}  // namespace

std::shared_ptr<arrow::DataType> SparkTypeForOrc(const arrow::Field& field) {
  const auto& type = field.type();
  switch (type->id()) {
    case arrow::Type::INT64:
      return CatalystType(field) == "timestamp_ntz" ? types::TimestampNtzType() : type;
    case arrow::Type::TIMESTAMP: return types::TimestampType();  // ORC timestamp and timestamp with local time zone
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW: return arrow::utf8();
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::FIXED_SIZE_BINARY: return arrow::binary();
    case arrow::Type::DATE64: return arrow::date32();
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
      return arrow::list(arrow::field("element", SparkTypeForOrc(*type->field(0)), true));
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& f : type->fields()) fields.push_back(arrow::field(f->name(), SparkTypeForOrc(*f), true));
      return arrow::struct_(fields);
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      return std::make_shared<arrow::MapType>(arrow::field("key", SparkTypeForOrc(*map.key_field()), false),
                                              arrow::field("value", SparkTypeForOrc(*map.item_field()), true));
    }
    default: return type;
  }
}

Result<OrcCodec> OrcCodecFor(const SourceOptions& options) {
  const auto name = Lower(options.Get("compression").value_or(options.GetOr("orc.compress", "zstd")));
  if (name == "none" || name == "uncompressed") return OrcCodec{arrow::Compression::UNCOMPRESSED, ".orc"};
  if (name == "snappy") return OrcCodec{arrow::Compression::SNAPPY, ".snappy.orc"};
  if (name == "zlib") return OrcCodec{arrow::Compression::GZIP, ".zlib.orc"};  // Arrow's GZIP is ORC's ZLIB
  if (name == "lz4") return OrcCodec{arrow::Compression::LZ4, ".lz4.orc"};
  if (name == "zstd") return OrcCodec{arrow::Compression::ZSTD, ".zstd.orc"};
  if (name == "lzo" || name == "brotli") return Unsupported("writing ORC files compressed with " + name);
  return SparkError(SparkExceptionKind::kIllegalArgument, "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION",
                    {{"codecName", name}, {"availableCodecs", "brotli, uncompressed, lz4, lzo, snappy, zlib, none, zstd"}});
}

Result<std::shared_ptr<arrow::Schema>> OrcFileSchema(const arrow::Schema& schema) {
  arrow::FieldVector fields;
  for (const auto& field : schema.fields()) {
    const auto id = field->type()->id();
    if (id == arrow::Type::NA || id == arrow::Type::INTERVAL_MONTHS || id == arrow::Type::DURATION ||
        id == arrow::Type::INTERVAL_DAY_TIME || id == arrow::Type::INTERVAL_MONTH_DAY_NANO) {
      return AnalysisError("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                           {{"columnName", "`" + field->name() + "`"},
                            {"columnType", "\"" + types::SqlString(*field->type()) + "\""},
                            {"format", "ORC"}});
    }
    fields.push_back(OrcWriteField(field));
  }
  return arrow::schema(fields);
}

Result<std::shared_ptr<arrow::RecordBatch>> ToOrcBatch(const arrow::RecordBatch& batch,
                                                       const std::shared_ptr<arrow::Schema>& orc_schema) {
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (int c = 0; c < batch.num_columns(); ++c) {
    auto array = batch.column(c);
    const auto& target = orc_schema->field(c)->type();
    if (!array->type()->Equals(*target)) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(array, target, arrow::compute::CastOptions::Unsafe()));
      array = cast.make_array();
    }
    arrays.push_back(std::move(array));
  }
  return arrow::RecordBatch::Make(orc_schema, batch.num_rows(), std::move(arrays));
}

Result<DataSourcePtr> MakeOrcSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema) {
  ARROW_ASSIGN_OR_RAISE(const bool merge_schema, options.GetBool("mergeSchema", false));
  return std::make_shared<OrcSource>(std::move(user_schema), merge_schema);
}

}  // namespace sk8::io
