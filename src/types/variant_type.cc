#include "types/variant_type.h"

#include <arrow/util/key_value_metadata.h>

namespace sk8::types {

std::shared_ptr<arrow::DataType> VariantType() {
  static auto type = arrow::struct_(
      {arrow::field("value", arrow::binary(), false),
       arrow::field("metadata", arrow::binary(), false, arrow::key_value_metadata({"variant"}, {"true"}))});
  return type;
}
bool IsVariant(const arrow::DataType& type) {
  if (type.id() != arrow::Type::STRUCT || type.num_fields() != 2) return false;
  const auto& metadata = type.field(1);
  if (type.field(0)->name() != "value" || metadata->name() != "metadata" || !metadata->HasMetadata()) return false;
  auto value = metadata->metadata()->Get("variant");
  return value.ok() && *value == "true";
}

bool ContainsVariant(const arrow::DataType& type) {
  if (IsVariant(type)) return true;
  for (const auto& f : type.fields()) {
    if (ContainsVariant(*f->type())) return true;
  }
  return false;
}

}  // namespace sk8::types
