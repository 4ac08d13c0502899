#pragma once

#include <memory>

#include <arrow/type.h>

#include "common/spark_error.h"
#include "spark/connect/types.pb.h"

/// Spark Connect DataType protos <-> the engine's Arrow types.
namespace sk8::connect {

Result<std::shared_ptr<arrow::DataType>> FromProtoType(const spark::connect::DataType& proto);
Status ToProtoType(const arrow::DataType& type, spark::connect::DataType* proto);
/// A schema as the struct DataType Spark sends for AnalyzePlan.schema.
Status SchemaToProto(const arrow::Schema& schema, spark::connect::DataType* proto);

}  // namespace sk8::connect
