#pragma once

#include <memory>
#include <string>

#include <arrow/array.h>
#include <arrow/type.h>

#include "functions/function_registry.h"
#include "functions/text_values.h"

/// The arguments the JSON and CSV functions share (json_functions.cc,
/// csv_functions.cc): the options map, the schema string, the parse mode, and
/// Spark's errors for them.
namespace sk8::functions {

/// The options map (map('mode', 'FAILFAST', ...)): a constant MAP<STRING, STRING>.
Result<SourceOptions> OptionsArgument(const plan::BoundExpr& arg, const EvalContext& ctx);
/// The schema argument: a constant string, DDL ("a INT", "array<int>") or
/// Spark's JSON form; as Spark, INVALID_SCHEMA.NON_STRING_LITERAL otherwise.
Result<std::shared_ptr<arrow::DataType>> SchemaArgument(const plan::BoundExpr& arg, const EvalContext& ctx);
/// The type with every field, element and value nullable (Spark's asNullable).
std::shared_ptr<arrow::DataType> AsNullable(const std::shared_ptr<arrow::DataType>& type);
/// The parse mode of from_json / from_csv: true for FAILFAST; PERMISSIVE for
/// the default and any unknown name; DROPMALFORMED is PARSE_MODE_UNSUPPORTED.
Result<bool> FailFastMode(const SourceOptions& options, const std::string& function);
/// FAILFAST's error, naming row `row` of `result` as Spark prints its partial result.
Status MalformedRecord(const arrow::Array& result, int64_t row, const EvalContext& ctx);
/// A STRING argument that Spark does not cast (ExpectsInputTypes STRING).
Status CheckStringArgument(const std::string& sql_name, int index, const plan::BoundExpr& arg);
/// The constant string argument `input` of schema_of_json / schema_of_csv.
Result<std::string> FoldableString(const std::string& sql_name, const std::string& input, const plan::BoundExpr& arg,
                                   const EvalContext& ctx);
/// A call over the constant `input` whose value is `value`, computed at
/// analysis (schema_of_json / schema_of_csv are foldable): named and typed as
/// Spark's call, never NULL.
BoundExprPtr ConstantCall(const std::string& function, const std::string& name, const BoundExprPtr& input,
                          const std::string& value);

}  // namespace sk8::functions
