#include "io/schema_merge.h"

#include "types/spark_types.h"

namespace sk8::io {

namespace {

Result<std::shared_ptr<arrow::DataType>> MergeTypes(const std::shared_ptr<arrow::DataType>& left,
                                                    const std::shared_ptr<arrow::DataType>& right) {
  if (left->Equals(*right)) return left;
  if (left->id() == arrow::Type::STRUCT && right->id() == arrow::Type::STRUCT) {
    ARROW_ASSIGN_OR_RAISE(auto merged, MergeReadSchemas(*arrow::schema(left->fields()), *arrow::schema(right->fields())));
    return arrow::struct_(merged->fields());
  }
  if (left->id() == arrow::Type::LIST && right->id() == arrow::Type::LIST) {
    ARROW_ASSIGN_OR_RAISE(auto element, MergeTypes(left->field(0)->type(), right->field(0)->type()));
    return arrow::list(left->field(0)->WithType(element));
  }
  return SparkError(SparkExceptionKind::kInternal, "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE",
                    {{"left", "\"" + types::SqlString(*left) + "\""}, {"right", "\"" + types::SqlString(*right) + "\""}});
}

}  // namespace

Result<std::shared_ptr<arrow::Schema>> MergeReadSchemas(const arrow::Schema& left, const arrow::Schema& right) {
  arrow::FieldVector fields = left.fields();
  for (const auto& field : right.fields()) {
    int index = -1;
    for (int i = 0; i < left.num_fields() && index < 0; ++i) {
      if (SameColumnName(left.field(i)->name(), field->name())) index = i;
    }
    if (index < 0) {
      fields.push_back(field);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto type, MergeTypes(fields[index]->type(), field->type()));
    fields[index] = fields[index]->WithType(type);
  }
  return arrow::schema(fields);
}

}  // namespace sk8::io
