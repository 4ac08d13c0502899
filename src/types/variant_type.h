#pragma once

#include <memory>

#include <arrow/type.h>

/// Spark VARIANT on Arrow: struct<value: binary, metadata: binary>, the
/// metadata field tagged {"variant": "true"}, the layout Spark Connect sends and
/// PySpark's VariantVal reads. The bytes are the Parquet Variant encoding
/// (functions/variant_value.h).
namespace sk8::types {

std::shared_ptr<arrow::DataType> VariantType();
bool IsVariant(const arrow::DataType& type);
/// A VARIANT anywhere in `type` (Spark cannot order, group or compare those).
bool ContainsVariant(const arrow::DataType& type);

}  // namespace sk8::types
