#pragma once

#include <memory>

#include "io/data_source.h"

namespace sk8::io {

/// spark.read.json: JSON Lines (or whole files with multiLine), schema
/// inference of nested records as Spark does (fields sorted by name, types
/// widened), primitivesAsString, prefersDecimal, dropFieldIfAllNull,
/// allowComments, modes as for CSV, a user schema.
Result<DataSourcePtr> MakeJsonSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                     const SourceContext& context);

}  // namespace sk8::io
