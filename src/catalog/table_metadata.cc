#include "catalog/table_metadata.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "types/spark_types.h"

namespace sk8::catalog {

namespace {

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Status Corrupt(const std::string& what) { return Status::IOError("unreadable catalog file: " + what); }

TableType TypeFromName(const std::string& name) {
  if (name == "EXTERNAL") return TableType::kExternal;
  if (name == "VIEW") return TableType::kView;
  return TableType::kManaged;
}

}  // namespace

const char* TableTypeName(TableType type) {
  switch (type) {
    case TableType::kManaged: return "MANAGED";
    case TableType::kExternal: return "EXTERNAL";
    case TableType::kView: return "VIEW";
  }
  return "MANAGED";
}

bool TableMetadata::IsPartitionColumn(const std::string& column) const {
  return std::any_of(partition_columns.begin(), partition_columns.end(),
                     [&](const std::string& p) { return SameName(p, column); });
}

std::shared_ptr<arrow::Schema> TableMetadata::DataSchema() const {
  arrow::FieldVector fields;
  for (const auto& f : schema->fields()) {
    if (!IsPartitionColumn(f->name())) fields.push_back(f);
  }
  return arrow::schema(fields);
}

std::shared_ptr<arrow::Schema> TableMetadata::PartitionSchema() const {
  arrow::FieldVector fields;
  for (const auto& p : partition_columns) {
    for (const auto& f : schema->fields()) {
      if (SameName(f->name(), p)) fields.push_back(f);
    }
  }
  return arrow::schema(fields);
}

std::string ToJson(const TableMetadata& table) {
  nlohmann::ordered_json j;
  j["database"] = table.database;
  j["name"] = table.name;
  j["type"] = TableTypeName(table.type);
  j["provider"] = table.provider;
  j["schema"] = nlohmann::ordered_json::parse(types::ToSparkJson(*arrow::struct_(table.schema->fields())));
  j["partitionColumns"] = table.partition_columns;
  if (table.num_buckets > 0) {
    j["numBuckets"] = table.num_buckets;
    j["bucketColumns"] = table.bucket_columns;
    j["sortColumns"] = table.sort_columns;
  }
  j["location"] = table.location;
  j["options"] = table.options;
  j["properties"] = table.properties;
  if (table.comment) j["comment"] = *table.comment;
  j["createdMs"] = table.created_ms;
  if (table.type == TableType::kView) j["viewText"] = table.view_text;
  j["partitions"] = table.partitions;
  return j.dump(1);
}

Result<TableMetadata> TableFromJson(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corrupt("not a JSON object");
  TableMetadata table;
  try {
    table.database = j.at("database").get<std::string>();
    table.name = j.at("name").get<std::string>();
    table.type = TypeFromName(j.at("type").get<std::string>());
    table.provider = j.value("provider", "");
    ARROW_ASSIGN_OR_RAISE(auto type, types::ParseSparkJson(j.at("schema").dump()));
    table.schema = arrow::schema(type->fields());
    table.partition_columns = j.value("partitionColumns", std::vector<std::string>{});
    table.num_buckets = j.value("numBuckets", 0);
    table.bucket_columns = j.value("bucketColumns", std::vector<std::string>{});
    table.sort_columns = j.value("sortColumns", std::vector<std::string>{});
    table.location = j.value("location", "");
    table.options = j.value("options", std::map<std::string, std::string>{});
    table.properties = j.value("properties", std::map<std::string, std::string>{});
    if (j.contains("comment")) table.comment = j.at("comment").get<std::string>();
    table.created_ms = j.value("createdMs", int64_t{0});
    table.view_text = j.value("viewText", "");
    table.partitions = j.value("partitions", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(e.what());
  }
  return table;
}

std::string ToJson(const DatabaseMetadata& database) {
  nlohmann::ordered_json j;
  j["name"] = database.name;
  j["comment"] = database.comment;
  j["location"] = database.location;
  j["properties"] = database.properties;
  return j.dump(1);
}

Result<DatabaseMetadata> DatabaseFromJson(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corrupt("not a JSON object");
  DatabaseMetadata database;
  try {
    database.name = j.at("name").get<std::string>();
    database.comment = j.value("comment", "");
    database.location = j.value("location", "");
    database.properties = j.value("properties", std::map<std::string, std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(e.what());
  }
  return database;
}

}  // namespace sk8::catalog
