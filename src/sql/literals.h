#pragma once

#include <memory>
#include <string_view>

#include <arrow/scalar.h>

#include "common/spark_error.h"

/// Typing of SQL literal tokens exactly as Spark's parser types them.
namespace sk8::sql {

/// A numeric literal token: 1 -> INT (BIGINT, then DECIMAL(p,0) when too big),
/// 1L BIGINT, 1S SMALLINT, 1Y TINYINT, 1.5 DECIMAL(2,1), 1e3 DOUBLE, 1.5D DOUBLE,
/// 1.5F FLOAT, 1.5BD DECIMAL. `negative` applies a leading minus before the
/// range checks, so -128Y and -9223372036854775808L are valid as in Spark.
Result<std::shared_ptr<arrow::Scalar>> NumericLiteral(std::string_view text, bool negative);

/// X'0A1' -> binary; an odd digit count gets a leading zero nibble as in Spark.
Result<std::shared_ptr<arrow::Scalar>> BinaryLiteral(std::string_view hex_digits);

}  // namespace sk8::sql
