#include "functions/text_format_args.h"

#include <arrow/scalar.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {

Result<SourceOptions> OptionsArgument(const plan::BoundExpr& arg, const EvalContext& ctx) {
  if (arg.type->id() != arrow::Type::MAP) return AnalysisError("INVALID_OPTIONS.NON_MAP_FUNCTION");
  const auto& map_type = static_cast<const arrow::MapType&>(*arg.type);
  const auto key = map_type.key_type()->id(), item = map_type.item_type()->id();
  if ((key != arrow::Type::STRING && key != arrow::Type::NA) || (item != arrow::Type::STRING && item != arrow::Type::NA)) {
    return AnalysisError("INVALID_OPTIONS.NON_STRING_TYPE", {{"mapType", Quoted(types::SqlString(*arg.type))}});
  }
  auto value = plan::EvaluateConstant(arg, ctx);
  if (!value.ok()) return AnalysisError("INVALID_OPTIONS.NON_MAP_FUNCTION");
  SourceOptions options;
  if (!(*value)->is_valid) return options;
  const auto& entries = static_cast<const arrow::StructArray&>(*static_cast<const arrow::MapScalar&>(**value).value);
  const auto& keys = *entries.field(0);
  const auto& items = *entries.field(1);
  for (int64_t i = 0; i < entries.length(); ++i) {
    if (keys.IsNull(i) || keys.type_id() != arrow::Type::STRING) continue;
    const std::string name(static_cast<const arrow::StringArray&>(keys).GetView(i));
    std::string text;
    if (items.type_id() == arrow::Type::STRING && items.IsValid(i)) {
      text = std::string(static_cast<const arrow::StringArray&>(items).GetView(i));
    }
    options.Set(name, text);
  }
  return options;
}

Result<std::shared_ptr<arrow::DataType>> SchemaArgument(const plan::BoundExpr& arg, const EvalContext& ctx) {
  auto value = plan::EvaluateConstant(arg, ctx);
  if (arg.type->id() != arrow::Type::STRING || !value.ok() || !(*value)->is_valid) {
    return AnalysisError("INVALID_SCHEMA.NON_STRING_LITERAL", {{"inputSchema", Quoted(arg.name)}});
  }
  const std::string text(static_cast<const arrow::StringScalar&>(**value).view());
  if (text.find_first_not_of(" \t\r\n") != std::string::npos && text[text.find_first_not_of(" \t\r\n")] == '{') {
    auto json = types::ParseSparkJson(text);
    if (json.ok()) return json;
  }
  auto ddl = types::ParseDdlSchema(text);
  if (ddl.ok()) return ddl;
  auto json = types::ParseSparkJson(text);
  if (json.ok()) return json;
  // Spark reports the table-schema parser's syntax error, as an AnalysisException.
  const auto* detail = GetSparkError(ddl.status());
  if (detail && detail->error_class() == "PARSE_SYNTAX_ERROR") {
    return AnalysisError(detail->error_class(), detail->parameters());
  }
  return AnalysisError("PARSE_SYNTAX_ERROR", {{"error", "'" + text + "'"}, {"hint", ""}});
}

std::shared_ptr<arrow::DataType> AsNullable(const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& f : type->fields()) fields.push_back(arrow::field(f->name(), AsNullable(f->type()), true));
      return arrow::struct_(fields);
    }
    case arrow::Type::LIST: return arrow::list(arrow::field("element", AsNullable(type->field(0)->type()), true));
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(*type);
      return std::make_shared<arrow::MapType>(map.key_type(), AsNullable(map.item_type()), true);
    }
    default: return type;
  }
}

Result<bool> FailFastMode(const SourceOptions& options, const std::string& function) {
  const auto mode = options.GetOr("mode", "PERMISSIVE");
  if (sql::EqualsIgnoreCase(mode, "FAILFAST")) return true;
  if (sql::EqualsIgnoreCase(mode, "DROPMALFORMED")) {
    return AnalysisError("PARSE_MODE_UNSUPPORTED", {{"funcName", "`" + function + "`"}, {"mode", "DROPMALFORMED"}});
  }
  return false;
}

Status MalformedRecord(const arrow::Array& result, int64_t row, const EvalContext& ctx) {
  std::string text = "[";
  if (result.type_id() == arrow::Type::STRUCT && result.IsValid(row)) {
    const auto& structs = static_cast<const arrow::StructArray&>(result);
    for (int f = 0; f < structs.num_fields(); ++f) {
      if (f) text += ',';
      auto value = structs.field(f)->GetScalar(row);
      if (!value.ok() || !(*value)->is_valid) {
        text += "null";
      } else {
        auto rendered = ScalarToSparkString(**value, ctx);
        text += rendered.ok() ? *rendered : "null";
      }
    }
  } else {
    text += "null";
  }
  text += "]";
  return SparkError(SparkExceptionKind::kInternal, "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                    {{"badRecord", text}, {"failFastMode", "FAILFAST"}});
}

Status CheckStringArgument(const std::string& sql_name, int index, const plan::BoundExpr& arg) {
  const auto id = arg.type->id();
  if (id == arrow::Type::STRING || id == arrow::Type::NA) return Status::OK();
  return UnexpectedInputType(sql_name, index, "\"STRING\"", arg);
}

Result<std::string> FoldableString(const std::string& sql_name, const std::string& input, const plan::BoundExpr& arg,
                                   const EvalContext& ctx) {
  auto value = plan::EvaluateConstant(arg, ctx);
  const auto id = arg.type->id();
  if (!value.ok() || (id != arrow::Type::STRING && id != arrow::Type::NA)) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", Quoted(sql_name)}, {"inputName", "`" + input + "`"},
                          {"inputType", "\"STRING\""}, {"inputExpr", Quoted(arg.name)}});
  }
  if (!(*value)->is_valid) {
    return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_NULL", {{"sqlExpr", Quoted(sql_name)}, {"exprName", input}});
  }
  return std::string(static_cast<const arrow::StringScalar&>(**value).view());
}

BoundExprPtr ConstantCall(const std::string& function, const std::string& name, const BoundExprPtr& input,
                          const std::string& value) {
  auto scalar = std::make_shared<arrow::StringScalar>(value);
  return KernelCall(function, name, {input}, arrow::utf8(), false,
                    [scalar](const std::vector<arrow::Datum>&, int64_t, const EvalContext&) -> Result<arrow::Datum> {
                      return arrow::Datum(scalar);
                    });
}

}  // namespace sk8::functions
