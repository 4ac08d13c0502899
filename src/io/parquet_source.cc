#include "io/parquet_source.h"

#include <algorithm>
#include <cmath>

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/table.h>
#include <arrow/util/key_value_metadata.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/exception.h>
#include <parquet/statistics.h>

#include "io/file_listing.h"
#include "io/filesystems.h"
#include "io/schema_merge.h"
#include "io/parquet_flat_reader.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

// Spark fails the job with this as the cause (a SparkException naming the file).
Status CannotReadFooter(const std::string& path) {
  return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER",
                    {{"path", QualifiedPath(path)}});
}

Result<std::unique_ptr<parquet::arrow::FileReader>> OpenParquet(const std::string& path, const StorageConf& storage,
                                                                 arrow::MemoryPool* pool = arrow::default_memory_pool()) {
  auto input = OpenInputFile(path, storage, pool);
  if (!input.ok()) {
    if (GetSparkError(input.status())) return input.status();  // the store's own error
    return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(path)}});
  }
  try {
    auto reader = parquet::arrow::OpenFile(*input, pool);
    if (!reader.ok()) return CannotReadFooter(path);
    return std::move(*reader);
  } catch (const parquet::ParquetException&) {
    return CannotReadFooter(path);
  }
}

// Files written through Arrow keep an "ARROW:schema" entry that makes Arrow's
// reader restore the writer's in-memory types: string_view columns (as
// tpchgen and Polars write them) then decode value by value into views that
// the scan must cast back to Spark's STRING. Spark reads only Parquet's own
// logical types; without the entry Arrow does the same and decodes strings
// straight into STRING. The footer is the scan's own parsed copy.
void ForgetStoredArrowSchema(parquet::FileMetaData& metadata) {
  const auto& entries = metadata.key_value_metadata();
  if (entries && entries->Contains("ARROW:schema")) {
    ARROW_UNUSED(const_cast<arrow::KeyValueMetadata&>(*entries).Delete("ARROW:schema"));
  }
}

}  // namespace

std::shared_ptr<arrow::DataType> SparkTypeForParquet(const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::UINT8: return arrow::int16();
    case arrow::Type::UINT16: return arrow::int32();
    case arrow::Type::UINT32: return arrow::int64();
    case arrow::Type::UINT64: return arrow::decimal128(20, 0);
    case arrow::Type::HALF_FLOAT: return arrow::float32();
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW: return arrow::utf8();
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::FIXED_SIZE_BINARY: return arrow::binary();
    case arrow::Type::DATE64: return arrow::date32();
    case arrow::Type::DECIMAL32:
    case arrow::Type::DECIMAL64: {
      const auto& dec = static_cast<const arrow::DecimalType&>(*type);
      return arrow::decimal128(dec.precision(), dec.scale());
    }
    case arrow::Type::TIMESTAMP: {
      // Instants (isAdjustedToUTC) are Spark TIMESTAMP; local times TIMESTAMP_NTZ.
      const auto& ts = static_cast<const arrow::TimestampType&>(*type);
      return ts.timezone().empty() ? types::TimestampNtzType() : types::TimestampType();
    }
    case arrow::Type::DICTIONARY:
      return SparkTypeForParquet(static_cast<const arrow::DictionaryType&>(*type).value_type());
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
      return arrow::list(arrow::field("element", SparkTypeForParquet(type->field(0)->type()), true));
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& f : type->fields()) fields.push_back(arrow::field(f->name(), SparkTypeForParquet(f->type()), true));
      return arrow::struct_(fields);
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      return std::make_shared<arrow::MapType>(arrow::field("key", SparkTypeForParquet(map.key_type()), false),
                                              arrow::field("value", SparkTypeForParquet(map.item_type()), true));
    }
    default: return type;
  }
}

namespace {

// One row group's min / max of a leaf column as doubles, or false.
bool ChunkRange(const parquet::ColumnChunkMetaData& chunk, const parquet::ColumnDescriptor& descr, double* lo,
                double* hi) {
  auto stats = chunk.statistics();
  if (!stats || !stats->HasMinMax()) return false;
  const auto& logical = descr.logical_type();
  const bool decimal = logical && logical->is_decimal();
  const bool plain = !logical || logical->is_none() || logical->is_int() || logical->is_date() || decimal;
  if (!plain) return false;  // timestamps, strings, ...: not compared by value here
  double scale = decimal ? std::pow(10.0, static_cast<const parquet::DecimalLogicalType&>(*logical).scale()) : 1.0;
  switch (descr.physical_type()) {
    case parquet::Type::INT32: {
      const auto& typed = static_cast<const parquet::Int32Statistics&>(*stats);
      *lo = typed.min() / scale;
      *hi = typed.max() / scale;
      return true;
    }
    case parquet::Type::INT64: {
      const auto& typed = static_cast<const parquet::Int64Statistics&>(*stats);
      *lo = static_cast<double>(typed.min()) / scale;
      *hi = static_cast<double>(typed.max()) / scale;
      return true;
    }
    case parquet::Type::FLOAT: {
      const auto& typed = static_cast<const parquet::FloatStatistics&>(*stats);
      *lo = typed.min();
      *hi = typed.max();
      return !decimal;
    }
    case parquet::Type::DOUBLE: {
      const auto& typed = static_cast<const parquet::DoubleStatistics&>(*stats);
      *lo = typed.min();
      *hi = typed.max();
      return !decimal;
    }
    default: return false;
  }
}

// Rows of the files (past `max_footers` files, estimated from the first ones by
// count) and per-column ranges (flat schemas of one shape only), in one pass.
Result<SourceStatistics> ReadParquetStats(const std::vector<std::string>& files, const StorageConf& storage,
                                          size_t max_footers) {
  SourceStatistics stats;
  stats.rows = 0;
  const size_t read = std::min(files.size(), max_footers);
  bool ranges_known = read == files.size() && read > 0;  // ranges need every file's footer
  for (size_t i = 0; i < read; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto reader, OpenParquet(files[i], storage));
    auto metadata = reader->parquet_reader()->metadata();
    stats.rows += metadata->num_rows();
    if (!ranges_known) continue;
    const auto* schema = metadata->schema();
    const bool first = i == 0;
    if (schema->num_columns() != schema->group_node()->field_count() ||  // nested
        (!first && static_cast<int>(stats.ranges.size()) != schema->num_columns())) {  // files of other shapes
      ranges_known = false;
      continue;
    }
    if (first) stats.ranges.assign(schema->num_columns(), ColumnRange{metadata->num_row_groups() > 0, 0, 0});
    for (int c = 0; c < schema->num_columns(); ++c) {
      auto& range = stats.ranges[c];
      for (int rg = 0; rg < metadata->num_row_groups() && range.known; ++rg) {
        double lo, hi;
        if (!ChunkRange(*metadata->RowGroup(rg)->ColumnChunk(c), *schema->Column(c), &lo, &hi)) {
          range.known = false;
          break;
        }
        const bool empty_so_far = first && rg == 0;
        range.min = empty_so_far ? lo : std::min(range.min, lo);
        range.max = empty_so_far ? hi : std::max(range.max, hi);
      }
    }
  }
  if (!ranges_known) stats.ranges.clear();
  if (read > 0) {
    stats.rows = static_cast<int64_t>(static_cast<double>(stats.rows) * static_cast<double>(files.size()) /
                                      static_cast<double>(read));
  }
  return stats;
}


// The leaf column indices under a field of the file schema, in order.
void CollectLeaves(const parquet::arrow::SchemaField& field, std::vector<int>* leaves) {
  if (field.column_index >= 0) leaves->push_back(field.column_index);
  for (const auto& child : field.children) CollectLeaves(child, leaves);
}

int FindField(const parquet::arrow::SchemaManifest& manifest, const std::string& name) {
  for (size_t i = 0; i < manifest.schema_fields.size(); ++i) {
    if (SameColumnName(manifest.schema_fields[i].field->name(), name)) return static_cast<int>(i);
  }
  return -1;
}

class ParquetSource final : public DataSource {
 public:
  ParquetSource(std::shared_ptr<arrow::Schema> user_schema, bool merge_schema)
      : user_schema_(std::move(user_schema)), merge_schema_(merge_schema) {}

  std::string format() const override { return "parquet"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    if (files.empty()) return AnalysisError("UNABLE_TO_INFER_SCHEMA", {{"format", "Parquet"}});
    // mergeSchema: every file's columns, the first file's first.
    std::shared_ptr<arrow::Schema> merged;
    for (size_t i = 0; i < (merge_schema_ ? files.size() : 1); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto reader, OpenParquet(files[i], storage()));
      // Spark 4.1 writes VARIANT columns shredded (metadata, value, typed_value
      // per path): not read yet, rather than read as a plain struct.
      const auto& root = *reader->parquet_reader()->metadata()->schema()->group_node();
      for (int c = 0; c < root.field_count(); ++c) {
        const auto& logical = root.field(c)->logical_type();
        if (logical && logical->is_variant()) {
          return Unsupported("reading Parquet VARIANT columns (column " + root.field(c)->name() + " of " + files[i] +
                             ")");
        }
      }
      std::shared_ptr<arrow::Schema> file_schema;
      ARROW_RETURN_NOT_OK(reader->GetSchema(&file_schema));
      arrow::FieldVector fields;
      for (const auto& f : file_schema->fields()) {
        fields.push_back(arrow::field(f->name(), SparkTypeForParquet(f->type()), /*nullable=*/true));
      }
      auto schema = arrow::schema(fields);
      if (merged) {
        ARROW_ASSIGN_OR_RAISE(merged, MergeReadSchemas(*merged, *schema));
      } else {
        merged = schema;
      }
    }
    return merged;
  }

  Result<SourceStatistics> ReadStatistics(const std::vector<std::string>& files) const override {
    ARROW_ASSIGN_OR_RAISE(auto stats, ReadParquetStats(files, storage(), /*max_footers=*/64));
    if (user_schema_ || merge_schema_) stats.ranges.clear();  // ranges follow the first file's columns
    return stats;
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    std::vector<FileSplit> splits;
    for (const auto& path : files) {
      ARROW_ASSIGN_OR_RAISE(auto reader, OpenParquet(path, storage()));
      auto metadata = reader->parquet_reader()->metadata();
      ForgetStoredArrowSchema(*metadata);
      for (int rg = 0; rg < metadata->num_row_groups(); ++rg) {
        FileSplit split;
        split.path = path;
        split.row_group = rg;
        split.num_rows = metadata->RowGroup(rg)->num_rows();
        split.format_state = metadata;
        splits.push_back(std::move(split));
      }
    }
    return splits;
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    // Read, not memory-mapped: a mapped file truncated by another process would
    // kill the server (SIGBUS), and mapped pages would count in its RSS.
    auto input = OpenInputFile(split.path, storage(), pool);
    if (!input.ok()) {
      if (GetSparkError(input.status())) return input.status();
      return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(split.path)}});
    }
    auto metadata = std::const_pointer_cast<parquet::FileMetaData>(
        std::static_pointer_cast<const parquet::FileMetaData>(split.format_state));
    std::shared_ptr<arrow::Table> table;
    std::vector<int> table_column(columns.size(), -1);  // per requested column; -1: not in this file
    std::vector<int> flat_leaf(columns.size(), -1);     // ... or its leaf, when decoded here
    std::vector<std::shared_ptr<arrow::Array>> flat_arrays(columns.size());
    int64_t rows = 0;
    try {
      std::unique_ptr<parquet::arrow::FileReader> reader;
      ARROW_RETURN_NOT_OK(parquet::arrow::FileReader::Make(
          pool, parquet::ParquetFileReader::Open(*input, parquet::ReaderProperties(pool), metadata),
          parquet::default_arrow_reader_properties(), &reader));
      // Flat columns are decoded here; the others through parquet::arrow.
      std::vector<int> leaves;
      int read = 0;
      const auto* file_schema = metadata->schema();
      for (size_t i = 0; i < columns.size(); ++i) {
        const auto& field = data_schema.field(columns[i]);
        const int index = FindField(reader->manifest(), field->name());
        if (index < 0) continue;
        const auto& schema_field = reader->manifest().schema_fields[index];
        if (schema_field.column_index >= 0 &&
            CanDecodeFlat(*file_schema->Column(schema_field.column_index), *field->type())) {
          flat_leaf[i] = schema_field.column_index;
          continue;
        }
        CollectLeaves(schema_field, &leaves);
        table_column[i] = read++;
      }
      if (!leaves.empty()) ARROW_RETURN_NOT_OK(reader->ReadRowGroup(split.row_group, leaves, &table));
      auto row_group = reader->parquet_reader()->RowGroup(split.row_group);
      rows = row_group->metadata()->num_rows();
      for (size_t i = 0; i < columns.size(); ++i) {
        if (flat_leaf[i] < 0) continue;
        auto decoded = DecodeFlatColumn(*row_group, flat_leaf[i], data_schema.field(columns[i])->type(), rows, pool);
        if (!decoded.ok()) {
          return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.NO_HINT", {{"path", FileUri(split.path)}});
        }
        flat_arrays[i] = std::move(*decoded);
      }
    } catch (const parquet::ParquetException&) {
      return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.NO_HINT", {{"path", FileUri(split.path)}});
    }
    if (table) {
      ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks(pool));
    }
    arrow::compute::ExecContext exec_ctx(pool);
    arrow::FieldVector fields;
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto& field = data_schema.field(columns[i]);
      const auto& target = field->type();
      fields.push_back(field);
      if (flat_arrays[i]) {
        arrays.push_back(std::move(flat_arrays[i]));
        continue;
      }
      if (table_column[i] < 0) {
        ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(target, rows, pool));
        arrays.push_back(std::move(nulls));
        continue;
      }
      const auto& chunks = table->column(table_column[i]);
      std::shared_ptr<arrow::Array> array;
      if (chunks->num_chunks() == 0) {
        ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayOfNull(target, 0, pool));
      } else {
        array = chunks->chunk(0);
      }
      if (!array->type()->Equals(*target)) {
        if (user_schema_ && !SparkTypeForParquet(array->type())->Equals(*target)) {
          return SparkError(SparkExceptionKind::kInternal, "FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH",
                            {{"path", FileUri(split.path)},
                             {"column", "[" + field->name() + "]"},
                             {"expectedType", types::SimpleString(*target)},
                             {"actualType", types::SimpleString(*SparkTypeForParquet(array->type()))}});
        }
        ARROW_ASSIGN_OR_RAISE(auto cast,
                              arrow::compute::Cast(array, target, arrow::compute::CastOptions::Unsafe(), &exec_ctx));
        array = cast.make_array();
      }
      arrays.push_back(std::move(array));
    }
    return arrow::RecordBatch::Make(arrow::schema(std::move(fields)), rows,
                                    std::move(arrays));
  }

 private:
  std::shared_ptr<arrow::Schema> user_schema_;
  bool merge_schema_;
};

}  // namespace

Result<DataSourcePtr> MakeParquetSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema) {
  ARROW_ASSIGN_OR_RAISE(const bool merge_schema, options.GetBool("mergeSchema", false));
  return std::make_shared<ParquetSource>(std::move(user_schema), merge_schema);
}

}  // namespace sk8::io
