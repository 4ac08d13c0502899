#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/array.h>
#include <arrow/type.h>

#include "common/spark_error.h"
#include "plan/bound_expression.h"

/// The VARIANT functions' hook for the registry and the casts to and from
/// VARIANT that cast.cc and to_json call (variant_functions.cc).
namespace sk8::functions {

class FunctionRegistry;
/// parse_json, try_parse_json, is_variant_null, variant_get, try_variant_get,
/// schema_of_variant, to_variant_object.
void RegisterVariantFunctions(FunctionRegistry& registry);

/// variant_explode / variant_explode_outer (generators, planned by the analyzer
/// as an inline of this array): each row's fields or elements as
/// ARRAY<STRUCT<pos INT, key STRING, value VARIANT>>.
bool IsVariantExplode(const std::string& name);
Result<plan::BoundExprPtr> VariantExplodeAsArray(const std::string& name, std::vector<plan::BoundExprPtr> args,
                                                 const plan::EvalContext& ctx);

/// Spark's VariantGet.cast of each value to `to`: scalars through CAST (a
/// failing one, or an object / array to a scalar type, is INVALID_VARIANT_CAST
/// when `fail`, else NULL), objects to STRUCT / MAP by key, arrays to ARRAY,
/// anything to STRING (objects and arrays as JSON); a variant null is NULL.
Result<std::shared_ptr<arrow::Array>> CastVariantArray(const arrow::Array& variants,
                                                       const std::shared_ptr<arrow::DataType>& to, bool fail,
                                                       const plan::EvalContext& ctx);
/// CAST(x AS VARIANT): the types Spark allows (atomic types and arrays of them).
bool CanCastToVariant(const arrow::DataType& from);
bool CanCastFromVariant(const arrow::DataType& to);
Result<std::shared_ptr<arrow::Array>> CastToVariantArray(const arrow::Array& values, const plan::EvalContext& ctx);
/// to_json(variant): each value's JSON text (AppendVariantJson); NULL stays NULL.
Result<std::shared_ptr<arrow::Array>> VariantJsonTexts(const arrow::Array& variants, const plan::EvalContext& ctx);

}  // namespace sk8::functions
