#include "io/data_source.h"

#include <algorithm>
#include <cctype>

#include "io/csv_source.h"
#include "io/json_source.h"
#include "io/orc_source.h"
#include "io/parquet_source.h"
#include "io/text_source.h"
#include "types/spark_types.h"

namespace sk8::io {

bool SameColumnName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const StorageConf& DataSource::storage() const {
  static const StorageConf kNone;
  return storage_ ? *storage_ : kNone;
}

// Every format opens its files through the same filesystem layer: the source
// is made, then given the session's confs (the object is not const until here).
Result<std::shared_ptr<const DataSource>> BindStorage(std::shared_ptr<const DataSource> source,
                                                      StorageConfPtr storage) {
  std::const_pointer_cast<DataSource>(source)->storage_ = std::move(storage);
  return source;
}

Result<SourceStatistics> DataSource::ReadStatistics(const std::vector<std::string>&) const {
  return SourceStatistics{};
}

Result<std::shared_ptr<arrow::Schema>> ParseUserSchema(const std::string& text) {
  if (text.empty()) return nullptr;
  // Spark's JSON form starts with '{'; anything else is DDL.
  const auto first = text.find_first_not_of(" \t\r\n");
  std::shared_ptr<arrow::DataType> type;
  if (first != std::string::npos && text[first] == '{') {
    ARROW_ASSIGN_OR_RAISE(type, types::ParseSparkJson(text));
  } else {
    ARROW_ASSIGN_OR_RAISE(type, types::ParseDdlSchema(text));
  }
  if (type->id() != arrow::Type::STRUCT) return Status::Invalid("a read schema must be a struct: ", text);
  arrow::FieldVector fields;
  for (const auto& f : type->fields()) fields.push_back(f->WithNullable(true));  // as Spark reads files
  return arrow::schema(std::move(fields));
}

namespace {

Result<DataSourcePtr> MakeFormatSource(const std::string& format, SourceOptions options,
                                       const std::string& user_schema, const SourceContext& context) {
  std::string name = format;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseUserSchema(user_schema));
  if (name == "parquet") return MakeParquetSource(options, std::move(schema));
  if (name == "csv") return MakeCsvSource(options, std::move(schema), context);
  if (name == "json") return MakeJsonSource(options, std::move(schema), context);
  if (name == "text") return MakeTextSource(options, std::move(schema));
  if (name == "orc") return MakeOrcSource(options, std::move(schema));
  if (name == "avro" || name == "xml" || name == "binaryfile" || name == "jdbc") {
    return Unsupported("reading the " + name + " format");
  }
  return SparkError(SparkExceptionKind::kClassNotFound, "DATA_SOURCE_NOT_FOUND", {{"provider", format}});
}

}  // namespace

Result<DataSourcePtr> MakeDataSource(const std::string& format, SourceOptions options, const std::string& user_schema,
                                     const SourceContext& context) {
  ARROW_ASSIGN_OR_RAISE(auto source, MakeFormatSource(format, std::move(options), user_schema, context));
  return BindStorage(std::move(source), context.storage);
}

}  // namespace sk8::io
