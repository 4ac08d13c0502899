#include "connect/plan_converter.h"

#include <algorithm>
#include <cctype>

#include <arrow/builder.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>
#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include "connect/as_of_join.h"
#include "connect/catalog_converter.h"
#include "connect/type_converter.h"
#include "functions/collection_util.h"
#include "sql/inline_table.h"
#include "sql/parser.h"
#include "types/spark_types.h"

namespace sk8::connect {

namespace proto = spark::connect;
using plan::ExprPtr;
using plan::PlanPtr;

namespace {

std::string OneofName(const google::protobuf::Message& message, int field_number) {
  const auto* field = message.GetDescriptor()->FindFieldByNumber(field_number);
  return field ? field->name() : "field " + std::to_string(field_number);
}

template <typename T>
Result<PlanPtr> Unary(std::shared_ptr<T> node, const proto::Relation& input, const ConvertContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto child, ConvertRelation(input, ctx));
  node->children.push_back(std::move(child));
  return PlanPtr(std::move(node));
}

// DataFrame.scalar() / exists() / isin(df) / lateral subqueries: the client
// sends the subquery DataFrames as WithRelations references and names them by
// plan id in SubqueryExpression. Expression conversion has no context argument,
// so the references in scope are kept per thread while a WithRelations converts
// (scopes nest: a reference may itself hold a WithRelations).
struct ReferenceScope {
  const google::protobuf::RepeatedPtrField<proto::Relation>* references;
  const ConvertContext* ctx;
  const ReferenceScope* parent;
};
thread_local const ReferenceScope* current_reference_scope = nullptr;

class ReferenceScopeGuard {
 public:
  ReferenceScopeGuard(const google::protobuf::RepeatedPtrField<proto::Relation>& references, const ConvertContext& ctx)
      : scope_{&references, &ctx, current_reference_scope} {
    current_reference_scope = &scope_;
  }
  ~ReferenceScopeGuard() { current_reference_scope = scope_.parent; }
  ReferenceScopeGuard(const ReferenceScopeGuard&) = delete;
  ReferenceScopeGuard& operator=(const ReferenceScopeGuard&) = delete;

 private:
  ReferenceScope scope_;
};

Result<PlanPtr> ConvertReferencedPlan(int64_t plan_id) {
  for (const ReferenceScope* scope = current_reference_scope; scope; scope = scope->parent) {
    for (const auto& reference : *scope->references) {
      if (reference.has_common() && reference.common().has_plan_id() && reference.common().plan_id() == plan_id) {
        return ConvertRelation(reference, *scope->ctx);
      }
    }
  }
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.SUBQUERY",
                    {{"parameter", "`plan_id`"}, {"functionName", "`SubqueryExpression`"},
                     {"invalidValue", "no referenced DataFrame with plan id " + std::to_string(plan_id)}});
}

Result<std::vector<ExprPtr>> ConvertExpressions(
    const google::protobuf::RepeatedPtrField<proto::Expression>& expressions) {
  std::vector<ExprPtr> out;
  for (const auto& e : expressions) {
    ARROW_ASSIGN_OR_RAISE(auto converted, ConvertExpression(e));
    out.push_back(std::move(converted));
  }
  return out;
}

Result<std::shared_ptr<arrow::Table>> ReadArrowIpc(const std::string& data) {
  auto buffer = std::make_shared<arrow::Buffer>(reinterpret_cast<const uint8_t*>(data.data()),
                                                static_cast<int64_t>(data.size()));
  auto input = std::make_shared<arrow::io::BufferReader>(buffer);
  auto reader = arrow::ipc::RecordBatchStreamReader::Open(input);
  if (!reader.ok()) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.DATA",
                      {{"parameter", "`data`"}, {"functionName", "`LocalRelation`"},
                       {"invalidValue", "not an Arrow IPC stream: " + reader.status().message()}});
  }
  auto table = (*reader)->ToTable();
  if (!table.ok()) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.DATA",
                      {{"parameter", "`data`"}, {"functionName", "`LocalRelation`"},
                       {"invalidValue", "corrupt Arrow IPC data: " + table.status().message()}});
  }
  // The IPC buffer is the request's memory; copy so the table outlives it.
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  arrow::TableBatchReader batch_reader(**table);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(batch_reader.ReadNext(&batch));
    if (!batch) break;
    ARROW_ASSIGN_OR_RAISE(auto copied, batch->CopyTo(arrow::default_cpu_memory_manager()));
    batches.push_back(copied);
  }
  return arrow::Table::FromRecordBatches((*table)->schema(), batches);
}

Status ApplyDeclaredSchema(const std::string& schema, plan::LocalRelationPlan* node) {
  bool is_json = !schema.empty() && schema.front() == '{';
  ARROW_ASSIGN_OR_RAISE(auto type, is_json ? types::ParseSparkJson(schema) : types::ParseDdlSchema(schema));
  if (type->id() != arrow::Type::STRUCT) {
    // A non-struct schema names one column "value", as Spark does.
    type = arrow::struct_({arrow::field("value", type, true)});
  }
  node->declared_schema = type;
  return Status::OK();
}

Result<std::shared_ptr<const std::string>> FindCachedArtifact(const ConvertContext& ctx, const std::string& hash) {
  std::shared_ptr<const std::string> data;
  if (ctx.find_artifact) data = ctx.find_artifact("cache/" + hash);
  if (!data) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.LOCAL_RELATION",
                      {{"parameter", "`hash`"}, {"functionName", "`ChunkedCachedLocalRelation`"},
                       {"invalidValue", "no cached artifact " + hash + " in this session; re-create the DataFrame"}});
  }
  return data;
}

// createDataFrame of more than spark.sql.session.localRelationCacheThreshold
// bytes: the client uploads Arrow IPC chunks as artifacts and sends their hashes.
Result<PlanPtr> ConvertChunkedCachedRelation(const proto::ChunkedCachedLocalRelation& cached, const ConvertContext& ctx) {
  auto node = std::make_shared<plan::LocalRelationPlan>();
  std::vector<std::shared_ptr<arrow::Table>> tables;
  for (const auto& hash : cached.datahashes()) {
    ARROW_ASSIGN_OR_RAISE(auto data, FindCachedArtifact(ctx, hash));
    ARROW_ASSIGN_OR_RAISE(auto table, ReadArrowIpc(*data));
    tables.push_back(std::move(table));
  }
  if (!tables.empty()) {
    ARROW_ASSIGN_OR_RAISE(node->data, arrow::ConcatenateTables(tables));
  }
  if (cached.has_schemahash()) {
    ARROW_ASSIGN_OR_RAISE(auto schema, FindCachedArtifact(ctx, cached.schemahash()));
    ARROW_RETURN_NOT_OK(ApplyDeclaredSchema(*schema, node.get()));
  }
  return PlanPtr(node);
}

Result<PlanPtr> ConvertLocalRelation(const proto::LocalRelation& local) {
  auto node = std::make_shared<plan::LocalRelationPlan>();
  if (local.has_data()) {
    ARROW_ASSIGN_OR_RAISE(node->data, ReadArrowIpc(local.data()));
  }
  if (local.has_schema()) {
    ARROW_RETURN_NOT_OK(ApplyDeclaredSchema(local.schema(), node.get()));
  }
  if (!node->data && !node->declared_schema) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.DATA",
                      {{"parameter", "`data`"}, {"functionName", "`LocalRelation`"},
                       {"invalidValue", "neither data nor schema"}});
  }
  return PlanPtr(node);
}

// Older clients (Spark 3.5) still fill fields that 4.x deprecated.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const proto::DataType* DeprecatedArrayElementType(const proto::Expression::Literal::Array& array) {
  return array.has_element_type() ? &array.element_type() : nullptr;
}
const proto::DataType* DeprecatedStructType(const proto::Expression::Literal::Struct& st) {
  return st.has_struct_type() ? &st.struct_type() : nullptr;
}
// The catalog API's function queries; the analyzer answers them from the
// function registry and the catalog. Other catalog calls become commands.
Result<PlanPtr> ConvertCatalog(const proto::Catalog& catalog) {
  using Query = plan::FunctionCatalogPlan::Query;
  // "f", "db.f" or "spark_catalog.db.f", and the deprecated separate database
  // name; an operator ("+", "<=>") is a name of its own.
  auto set_name = [](plan::FunctionCatalogPlan* node, const std::string& name, bool has_db,
                     const std::string& db) -> Status {
    node->name = name;
    auto parts = ParseIdentifier(name);
    if (parts.ok() && parts->size() > 1) {
      node->name = parts->back();
      node->qualifier.assign(parts->begin(), parts->end() - 1);
    }
    if (has_db) {
      ARROW_ASSIGN_OR_RAISE(auto database, ParseIdentifier(db));
      node->qualifier.insert(node->qualifier.begin(), database.begin(), database.end());
    }
    return Status::OK();
  };
  switch (catalog.cat_type_case()) {
    case proto::Catalog::kListFunctions: {
      const auto& list = catalog.list_functions();
      auto node = std::make_shared<plan::FunctionCatalogPlan>(Query::kList);
      if (list.has_db_name()) {
        ARROW_ASSIGN_OR_RAISE(node->database, ParseIdentifier(list.db_name()));
      }
      node->pattern = list.pattern();
      return PlanPtr(node);
    }
    case proto::Catalog::kFunctionExists: {
      const auto& exists = catalog.function_exists();
      auto node = std::make_shared<plan::FunctionCatalogPlan>(Query::kExists);
      ARROW_RETURN_NOT_OK(set_name(node.get(), exists.function_name(), exists.has_db_name(), exists.db_name()));
      return PlanPtr(node);
    }
    case proto::Catalog::kGetFunction: {
      const auto& get = catalog.get_function();
      auto node = std::make_shared<plan::FunctionCatalogPlan>(Query::kGet);
      ARROW_RETURN_NOT_OK(set_name(node.get(), get.function_name(), get.has_db_name(), get.db_name()));
      return PlanPtr(node);
    }
    default: return ConvertCatalogCommand(catalog);
  }
}

// spark.sql(query, args) from clients before 3.5 sent literals in these fields.
Status AddDeprecatedSqlArgs(const proto::SQL& sql, sql::SqlParameters* parameters) {
  for (const auto& [name, value] : sql.args()) {
    ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(value));
    parameters->named.emplace_back(name, std::make_shared<plan::LiteralExpr>(std::move(scalar)));
  }
  for (const auto& value : sql.pos_args()) {
    ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(value));
    parameters->positional.push_back(std::make_shared<plan::LiteralExpr>(std::move(scalar)));
  }
  return Status::OK();
}
const google::protobuf::Map<std::string, std::string>& DeprecatedRenameMap(const proto::WithColumnsRenamed& rename) {
  return rename.rename_columns_map();
}
#pragma GCC diagnostic pop

/// spark.sql(query, args): the values for the query's :name / ? markers.
Status AddSqlArguments(const proto::SQL& sql, sql::SqlParameters* parameters) {
  for (const auto& [name, value] : sql.named_arguments()) {
    ARROW_ASSIGN_OR_RAISE(auto expr, ConvertExpression(value));
    parameters->named.emplace_back(name, std::move(expr));
  }
  for (const auto& value : sql.pos_arguments()) {
    ARROW_ASSIGN_OR_RAISE(auto expr, ConvertExpression(value));
    parameters->positional.push_back(std::move(expr));
  }
  return AddDeprecatedSqlArgs(sql, parameters);
}

}  // namespace

Result<std::vector<std::string>> ParseIdentifier(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  bool in_quotes = false;
  bool quoted_part = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '`') {
        if (i + 1 < text.size() && text[i + 1] == '`') {
          current += '`';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        current += c;
      }
    } else if (c == '`') {
      in_quotes = true;
      quoted_part = true;
    } else if (c == '.') {
      parts.push_back(current);
      current.clear();
      quoted_part = false;
    } else {
      current += c;
    }
  }
  if (in_quotes) {
    return ParseError("PARSE_SYNTAX_ERROR", {{"error", "'" + text + "'"}, {"hint", ": unclosed backquote"}});
  }
  (void)quoted_part;
  parts.push_back(current);
  return parts;
}

Result<std::shared_ptr<arrow::Scalar>> ConvertLiteral(const proto::Expression::Literal& literal) {
  using L = proto::Expression::Literal;
  switch (literal.literal_type_case()) {
    case L::kNull: {
      ARROW_ASSIGN_OR_RAISE(auto type, FromProtoType(literal.null()));
      return arrow::MakeNullScalar(type);
    }
    case L::kBinary: return std::make_shared<arrow::BinaryScalar>(arrow::Buffer::FromString(literal.binary()));
    case L::kBoolean: return std::make_shared<arrow::BooleanScalar>(literal.boolean());
    case L::kByte: return std::make_shared<arrow::Int8Scalar>(static_cast<int8_t>(literal.byte()));
    case L::kShort: return std::make_shared<arrow::Int16Scalar>(static_cast<int16_t>(literal.short_()));
    case L::kInteger: return std::make_shared<arrow::Int32Scalar>(literal.integer());
    case L::kLong: return std::make_shared<arrow::Int64Scalar>(literal.long_());
    case L::kFloat: return std::make_shared<arrow::FloatScalar>(literal.float_());
    case L::kDouble: return std::make_shared<arrow::DoubleScalar>(literal.double_());
    case L::kString: return std::make_shared<arrow::StringScalar>(literal.string());
    case L::kDate: return std::make_shared<arrow::Date32Scalar>(literal.date());
    case L::kTimestamp: return std::make_shared<arrow::TimestampScalar>(literal.timestamp(), types::TimestampType());
    case L::kTimestampNtz:
      return std::make_shared<arrow::TimestampScalar>(literal.timestamp_ntz(), types::TimestampNtzType());
    case L::kDayTimeInterval:
      return std::make_shared<arrow::DurationScalar>(literal.day_time_interval(), arrow::TimeUnit::MICRO);
    case L::kYearMonthInterval: return std::make_shared<arrow::MonthIntervalScalar>(literal.year_month_interval());
    case L::kDecimal: {
      arrow::Decimal128 value;
      int32_t precision = 0, scale = 0;
      auto status = arrow::Decimal128::FromString(literal.decimal().value(), &value, &precision, &scale);
      if (!status.ok()) {
        return SparkError(SparkExceptionKind::kNumberFormat, "INVALID_DECIMAL_FORMAT",  // not a Spark class today
                          {{"value", literal.decimal().value()}});
      }
      // Like Spark: the value's own precision and scale, widened to the ones sent.
      int32_t target_scale = scale;
      if (literal.decimal().has_scale()) target_scale = std::max(scale, literal.decimal().scale());
      if (target_scale != scale) {
        ARROW_ASSIGN_OR_RAISE(value, value.Rescale(scale, target_scale));
        precision += target_scale - scale;
        scale = target_scale;
      }
      if (literal.decimal().has_precision()) precision = std::max(precision, literal.decimal().precision());
      precision = std::max(precision, scale);
      if (precision == 0) precision = 1;
      if (precision > 38) {
        return SparkError(SparkExceptionKind::kArithmetic, "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
                          {{"precision", std::to_string(precision)}, {"maxPrecision", "38"}});
      }
      return std::make_shared<arrow::Decimal128Scalar>(value, arrow::decimal128(precision, scale));
    }
    case L::kArray: {
      std::vector<std::shared_ptr<arrow::Scalar>> elements;
      for (const auto& e : literal.array().elements()) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(e));
        elements.push_back(std::move(scalar));
      }
      std::shared_ptr<arrow::DataType> element_type;
      if (literal.has_data_type() && literal.data_type().has_array()) {
        ARROW_ASSIGN_OR_RAISE(element_type, FromProtoType(literal.data_type().array().element_type()));
      } else if (DeprecatedArrayElementType(literal.array())) {
        ARROW_ASSIGN_OR_RAISE(element_type, FromProtoType(*DeprecatedArrayElementType(literal.array())));
      } else if (!elements.empty()) {
        element_type = elements[0]->type;
      } else {
        element_type = arrow::null();
      }
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), element_type, &builder));
      for (const auto& e : elements) {
        if (!e->is_valid) {
          ARROW_RETURN_NOT_OK(builder->AppendNull());
        } else {
          ARROW_RETURN_NOT_OK(builder->AppendScalar(*e));
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto values, builder->Finish());
      return std::make_shared<arrow::ListScalar>(values, arrow::list(arrow::field("element", element_type, true)));
    }
    case L::kStruct: {
      std::vector<std::shared_ptr<arrow::Scalar>> fields;
      std::vector<std::string> names;
      const proto::DataType* struct_type = nullptr;
      if (literal.has_data_type() && literal.data_type().has_struct_()) struct_type = &literal.data_type();
      if (!struct_type) struct_type = DeprecatedStructType(literal.struct_());
      for (int i = 0; i < literal.struct_().elements_size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(literal.struct_().elements(i)));
        fields.push_back(std::move(scalar));
        names.push_back(struct_type && i < struct_type->struct_().fields_size() ? struct_type->struct_().fields(i).name()
                                                                               : "col" + std::to_string(i + 1));
      }
      ARROW_ASSIGN_OR_RAISE(auto scalar, arrow::StructScalar::Make(fields, names));
      return std::static_pointer_cast<arrow::Scalar>(scalar);
    }
    case L::kMap: return Unsupported("map literals");
    case L::kCalendarInterval: return Unsupported("CALENDAR INTERVAL literals");
    case L::kSpecializedArray: return Unsupported("specialized array literals");
    case L::kTime:
      if (literal.time().has_precision() && literal.time().precision() != 6) {
        return Unsupported("TIME(" + std::to_string(literal.time().precision()) + ") literals (precisions other than 6)");
      }
      return std::make_shared<arrow::Time64Scalar>(literal.time().nano(), types::TimeType());
    case L::LITERAL_TYPE_NOT_SET: break;
  }
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.LITERAL",
                    {{"parameter", "`literal`"}, {"functionName", "`Literal`"}, {"invalidValue", "<unset>"}});
}

Result<ExprPtr> ConvertExpression(const proto::Expression& e) {
  using E = proto::Expression;
  switch (e.expr_type_case()) {
    case E::kLiteral: {
      ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(e.literal()));
      return ExprPtr(std::make_shared<plan::LiteralExpr>(std::move(scalar)));
    }
    case E::kUnresolvedAttribute: {
      const auto& attr = e.unresolved_attribute();
      ARROW_ASSIGN_OR_RAISE(auto parts, ParseIdentifier(attr.unparsed_identifier()));
      if (parts.size() == 1 && parts[0] == "*") return ExprPtr(std::make_shared<plan::StarExpr>(std::vector<std::string>{}));
      std::optional<int64_t> plan_id;
      if (attr.has_plan_id()) plan_id = attr.plan_id();
      return ExprPtr(std::make_shared<plan::ColumnExpr>(std::move(parts), plan_id));
    }
    case E::kUnresolvedStar: {
      std::vector<std::string> target;
      if (e.unresolved_star().has_unparsed_target()) {
        ARROW_ASSIGN_OR_RAISE(target, ParseIdentifier(e.unresolved_star().unparsed_target()));
        if (!target.empty() && target.back() == "*") target.pop_back();
      }
      return ExprPtr(std::make_shared<plan::StarExpr>(std::move(target)));
    }
    case E::kUnresolvedRegex: {
      // colRegex: `regex` or qualifier.`regex` selects columns; anything else is a name.
      const std::string& name = e.unresolved_regex().col_name();
      if (name.size() > 2 && name.back() == '`') {
        const size_t open = name.rfind('`', name.size() - 2);
        if (open != std::string::npos && (open == 0 || (open > 1 && name[open - 1] == '.'))) {
          std::vector<std::string> target;
          if (open > 0) {
            ARROW_ASSIGN_OR_RAISE(target, ParseIdentifier(name.substr(0, open - 1)));
          }
          return ExprPtr(std::make_shared<plan::StarExpr>(std::move(target), name.substr(open + 1, name.size() - open - 2)));
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto parts, ParseIdentifier(name));
      std::optional<int64_t> plan_id;
      if (e.unresolved_regex().has_plan_id()) plan_id = e.unresolved_regex().plan_id();
      return ExprPtr(std::make_shared<plan::ColumnExpr>(std::move(parts), plan_id));
    }
    case E::kUnresolvedFunction: {
      const auto& f = e.unresolved_function();
      if (f.is_user_defined_function()) return Unsupported("user-defined function " + f.function_name());
      ARROW_ASSIGN_OR_RAISE(auto args, ConvertExpressions(f.arguments()));
      return ExprPtr(std::make_shared<plan::FunctionExpr>(f.function_name(), std::move(args), f.is_distinct()));
    }
    case E::kCallFunction: {
      ARROW_ASSIGN_OR_RAISE(auto args, ConvertExpressions(e.call_function().arguments()));
      return ExprPtr(std::make_shared<plan::FunctionExpr>(e.call_function().function_name(), std::move(args)));
    }
    case E::kLambdaFunction: {
      // lambdafunction(body, variables...), as the SQL parser writes x -> body.
      const auto& lambda = e.lambda_function();
      std::vector<ExprPtr> args;
      ARROW_ASSIGN_OR_RAISE(auto body, ConvertExpression(lambda.function()));
      args.push_back(std::move(body));
      for (const auto& v : lambda.arguments()) {
        std::vector<std::string> parts(v.name_parts().begin(), v.name_parts().end());
        args.push_back(std::make_shared<plan::ColumnExpr>(std::move(parts), std::nullopt));
      }
      return ExprPtr(std::make_shared<plan::FunctionExpr>("lambdafunction", std::move(args)));
    }
    case E::kUnresolvedNamedLambdaVariable: {
      const auto& v = e.unresolved_named_lambda_variable();
      std::vector<std::string> parts(v.name_parts().begin(), v.name_parts().end());
      return ExprPtr(std::make_shared<plan::ColumnExpr>(std::move(parts), std::nullopt));
    }
    case E::kUnresolvedExtractValue: {
      ARROW_ASSIGN_OR_RAISE(auto child, ConvertExpression(e.unresolved_extract_value().child()));
      ARROW_ASSIGN_OR_RAISE(auto extraction, ConvertExpression(e.unresolved_extract_value().extraction()));
      return ExprPtr(std::make_shared<plan::FunctionExpr>("extract_value", std::vector<ExprPtr>{child, extraction}));
    }
    case E::kExpressionString:
      return ExprPtr(std::make_shared<plan::SqlTextExpr>(e.expression_string().expression()));
    case E::kAlias: {
      ARROW_ASSIGN_OR_RAISE(auto child, ConvertExpression(e.alias().expr()));
      std::vector<std::string> names(e.alias().name().begin(), e.alias().name().end());
      return ExprPtr(std::make_shared<plan::AliasExpr>(std::move(child), std::move(names),
                                                       e.alias().has_metadata() ? e.alias().metadata() : ""));
    }
    case E::kCast: {
      const auto& cast = e.cast();
      ARROW_ASSIGN_OR_RAISE(auto child, ConvertExpression(cast.expr()));
      std::shared_ptr<arrow::DataType> type;
      if (cast.has_type()) {
        ARROW_ASSIGN_OR_RAISE(type, FromProtoType(cast.type()));
      } else {
        ARROW_ASSIGN_OR_RAISE(type, types::ParseDdlType(cast.type_str()));
      }
      plan::CastMode mode = plan::CastMode::kDefault;
      switch (cast.eval_mode()) {
        case E::Cast::EVAL_MODE_LEGACY: mode = plan::CastMode::kLegacy; break;
        case E::Cast::EVAL_MODE_ANSI: mode = plan::CastMode::kAnsi; break;
        case E::Cast::EVAL_MODE_TRY: mode = plan::CastMode::kTry; break;
        default: break;
      }
      bool named = child->kind() == plan::ExprKind::kColumn || child->kind() == plan::ExprKind::kAlias;
      return ExprPtr(std::make_shared<plan::CastExpr>(std::move(child), std::move(type), mode, named));
    }
    case E::kSortOrder: {
      const auto& order = e.sort_order();
      ARROW_ASSIGN_OR_RAISE(auto child, ConvertExpression(order.child()));
      bool ascending = order.direction() != E::SortOrder::SORT_DIRECTION_DESCENDING;
      bool nulls_first = ascending;
      if (order.null_ordering() == E::SortOrder::SORT_NULLS_FIRST) nulls_first = true;
      if (order.null_ordering() == E::SortOrder::SORT_NULLS_LAST) nulls_first = false;
      return ExprPtr(std::make_shared<plan::SortOrderExpr>(std::move(child), ascending, nulls_first));
    }
    case E::kWindow: {
      const auto& window = e.window();
      auto node = std::make_shared<plan::WindowExpr>();
      ARROW_ASSIGN_OR_RAISE(node->function, ConvertExpression(window.window_function()));
      ARROW_ASSIGN_OR_RAISE(node->partition_spec, ConvertExpressions(window.partition_spec()));
      for (const auto& order : window.order_spec()) {
        E sort;
        *sort.mutable_sort_order() = order;
        ARROW_ASSIGN_OR_RAISE(auto converted, ConvertExpression(sort));
        node->order_spec.push_back(std::move(converted));
      }
      if (window.has_frame_spec()) {
        const auto& frame = window.frame_spec();
        plan::WindowFrame converted;
        converted.type = frame.frame_type() == E::Window::WindowFrame::FRAME_TYPE_RANGE ? plan::WindowFrameType::kRange
                                                                                     : plan::WindowFrameType::kRows;
        auto boundary = [](const E::Window::WindowFrame::FrameBoundary& b,
                           bool lower) -> Result<plan::WindowFrameBoundary> {
          plan::WindowFrameBoundary out;
          if (b.has_value()) {
            out.kind = plan::WindowFrameBoundary::Kind::kValue;
            ARROW_ASSIGN_OR_RAISE(out.value, ConvertExpression(b.value()));
          } else if (b.has_unbounded() && b.unbounded()) {
            out.kind = lower ? plan::WindowFrameBoundary::Kind::kUnboundedPreceding
                             : plan::WindowFrameBoundary::Kind::kUnboundedFollowing;
          } else {
            out.kind = plan::WindowFrameBoundary::Kind::kCurrentRow;
          }
          return out;
        };
        ARROW_ASSIGN_OR_RAISE(converted.lower, boundary(frame.lower(), true));
        ARROW_ASSIGN_OR_RAISE(converted.upper, boundary(frame.upper(), false));
        node->frame = std::move(converted);
      }
      return ExprPtr(node);
    }
    case E::kUpdateFields: {
      // Column.withField / dropFields: update_fields(struct, 'a.b'[, value]).
      const auto& update = e.update_fields();
      ARROW_ASSIGN_OR_RAISE(auto target, ConvertExpression(update.struct_expression()));
      std::vector<ExprPtr> args = {std::move(target), std::make_shared<plan::LiteralExpr>(
                                                          std::make_shared<arrow::StringScalar>(update.field_name()))};
      if (update.has_value_expression()) {
        ARROW_ASSIGN_OR_RAISE(auto value, ConvertExpression(update.value_expression()));
        args.push_back(std::move(value));
      }
      return ExprPtr(std::make_shared<plan::FunctionExpr>("update_fields", std::move(args)));
    }
    case E::kSubqueryExpression: {
      const auto& subquery = e.subquery_expression();
      ARROW_ASSIGN_OR_RAISE(auto query, ConvertReferencedPlan(subquery.plan_id()));
      using S = proto::SubqueryExpression;
      switch (subquery.subquery_type()) {
        case S::SUBQUERY_TYPE_SCALAR: return ExprPtr(std::make_shared<plan::ScalarSubqueryExpr>(std::move(query)));
        case S::SUBQUERY_TYPE_EXISTS: return ExprPtr(std::make_shared<plan::ExistsExpr>(std::move(query)));
        case S::SUBQUERY_TYPE_IN: {
          ARROW_ASSIGN_OR_RAISE(auto values, ConvertExpressions(subquery.in_subquery_values()));
          if (values.empty()) {
            return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.SUBQUERY",
                              {{"parameter", "`in_subquery_values`"}, {"functionName", "`SubqueryExpression`"},
                               {"invalidValue", "no values"}});
          }
          // Several values compare column by column, as SQL's (a, b) IN (SELECT x, y).
          ExprPtr value = values.size() == 1 ? values[0] : std::make_shared<plan::FunctionExpr>("struct", std::move(values));
          return ExprPtr(std::make_shared<plan::InSubqueryExpr>(std::move(value), std::move(query)));
        }
        case S::SUBQUERY_TYPE_TABLE_ARG: return Unsupported("table arguments (DataFrame.asTable) to table-valued functions");
        default: return Unsupported("subquery expression type " + std::to_string(subquery.subquery_type()));
      }
    }
    case E::EXPR_TYPE_NOT_SET:
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.EXPRESSION",
                        {{"parameter", "`expression`"}, {"functionName", "`Expression`"}, {"invalidValue", "<unset>"}});
    default: return Unsupported("expression " + OneofName(e, e.expr_type_case()));
  }
}

Result<PlanPtr> ConvertRelation(const proto::Relation& r, const ConvertContext& ctx) {
  using R = proto::Relation;
  Result<PlanPtr> result;
  switch (r.rel_type_case()) {
    case R::kRange: {
      auto node = std::make_shared<plan::RangePlan>();
      node->start = r.range().has_start() ? r.range().start() : 0;
      node->end = r.range().end();
      node->step = r.range().step();
      if (r.range().has_num_partitions()) node->num_partitions = r.range().num_partitions();
      result = PlanPtr(node);
      break;
    }
    case R::kLocalRelation: result = ConvertLocalRelation(r.local_relation()); break;
    case R::kChunkedCachedLocalRelation:
      result = ConvertChunkedCachedRelation(r.chunked_cached_local_relation(), ctx);
      break;
    case R::kCachedLocalRelation: {
      ARROW_ASSIGN_OR_RAISE(auto data, FindCachedArtifact(ctx, r.cached_local_relation().hash()));
      proto::LocalRelation local;
      if (!local.ParseFromString(*data)) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.LOCAL_RELATION",
                          {{"parameter", "`hash`"}, {"functionName", "`CachedLocalRelation`"},
                           {"invalidValue", "the cached artifact is not a LocalRelation"}});
      }
      result = ConvertLocalRelation(local);
      break;
    }
    case R::kProject: {
      auto node = std::make_shared<plan::ProjectPlan>();
      ARROW_ASSIGN_OR_RAISE(node->expressions, ConvertExpressions(r.project().expressions()));
      if (!r.project().has_input()) {
        // select without a DataFrame (e.g. spark.sql-less literals): one empty row.
        node->children.push_back(sql::OneRowRelation());
        result = PlanPtr(node);
      } else {
        result = Unary(node, r.project().input(), ctx);
      }
      break;
    }
    case R::kJoin: {
      const auto& join = r.join();
      auto node = std::make_shared<plan::JoinPlan>();
      using J = proto::Join;
      switch (join.join_type()) {
        case J::JOIN_TYPE_INNER: node->join_type = plan::JoinType::kInner; break;
        case J::JOIN_TYPE_FULL_OUTER: node->join_type = plan::JoinType::kFullOuter; break;
        case J::JOIN_TYPE_LEFT_OUTER: node->join_type = plan::JoinType::kLeftOuter; break;
        case J::JOIN_TYPE_RIGHT_OUTER: node->join_type = plan::JoinType::kRightOuter; break;
        case J::JOIN_TYPE_LEFT_ANTI: node->join_type = plan::JoinType::kLeftAnti; break;
        case J::JOIN_TYPE_LEFT_SEMI: node->join_type = plan::JoinType::kLeftSemi; break;
        case J::JOIN_TYPE_CROSS: node->join_type = plan::JoinType::kCross; break;
        default:
          return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.JOIN_TYPE",
                            {{"parameter", "`join_type`"}, {"functionName", "`Join`"},
                             {"invalidValue", J::JoinType_Name(join.join_type())}});
      }
      if (join.has_join_condition()) {
        ARROW_ASSIGN_OR_RAISE(node->condition, ConvertExpression(join.join_condition()));
      }
      node->using_columns.assign(join.using_columns().begin(), join.using_columns().end());
      ARROW_ASSIGN_OR_RAISE(auto left, ConvertRelation(join.left(), ctx));
      ARROW_ASSIGN_OR_RAISE(auto right, ConvertRelation(join.right(), ctx));
      node->children = {std::move(left), std::move(right)};
      result = PlanPtr(node);
      break;
    }
    case R::kAsOfJoin: {
      ARROW_ASSIGN_OR_RAISE(result, ConvertAsOfJoin(r.as_of_join(), ctx));
      break;
    }
    case R::kSetOp: {
      const auto& set_op = r.set_op();
      auto node = std::make_shared<plan::SetOperationPlan>();
      switch (set_op.set_op_type()) {
        case proto::SetOperation::SET_OP_TYPE_UNION: node->op = plan::SetOperationKind::kUnion; break;
        case proto::SetOperation::SET_OP_TYPE_INTERSECT: node->op = plan::SetOperationKind::kIntersect; break;
        case proto::SetOperation::SET_OP_TYPE_EXCEPT: node->op = plan::SetOperationKind::kExcept; break;
        default: return Unsupported("set operation " + proto::SetOperation::SetOpType_Name(set_op.set_op_type()));
      }
      node->is_all = set_op.has_is_all() && set_op.is_all();
      node->by_name = set_op.has_by_name() && set_op.by_name();
      node->allow_missing_columns = set_op.has_allow_missing_columns() && set_op.allow_missing_columns();
      ARROW_ASSIGN_OR_RAISE(auto left, ConvertRelation(set_op.left_input(), ctx));
      ARROW_ASSIGN_OR_RAISE(auto right, ConvertRelation(set_op.right_input(), ctx));
      node->children = {std::move(left), std::move(right)};
      result = PlanPtr(node);
      break;
    }
    case R::kDeduplicate: {
      const auto& dedup = r.deduplicate();
      if (dedup.has_within_watermark() && dedup.within_watermark()) {
        // Spark's UnsupportedOperationChecker: batch DataFrames have no watermark.
        return AnalysisError("_LEGACY_ERROR_TEMP_3102",
                             {{"msg", "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets"}});
      }
      auto node = std::make_shared<plan::DeduplicatePlan>();
      if (!(dedup.has_all_columns_as_keys() && dedup.all_columns_as_keys())) {
        node->columns.assign(dedup.column_names().begin(), dedup.column_names().end());
      }
      result = Unary(node, dedup.input(), ctx);
      break;
    }
    case R::kFilter: {
      auto node = std::make_shared<plan::FilterPlan>();
      ARROW_ASSIGN_OR_RAISE(node->condition, ConvertExpression(r.filter().condition()));
      result = Unary(node, r.filter().input(), ctx);
      break;
    }
    case R::kLimit: {
      auto node = std::make_shared<plan::LimitPlan>();
      node->limit = r.limit().limit();
      result = Unary(node, r.limit().input(), ctx);
      break;
    }
    case R::kOffset: {
      auto node = std::make_shared<plan::OffsetPlan>();
      node->offset = r.offset().offset();
      result = Unary(node, r.offset().input(), ctx);
      break;
    }
    case R::kTail: {
      auto node = std::make_shared<plan::TailPlan>();
      node->limit = r.tail().limit();
      result = Unary(node, r.tail().input(), ctx);
      break;
    }
    case R::kAggregate: {
      const auto& agg = r.aggregate();
      auto node = std::make_shared<plan::AggregatePlan>();
      ARROW_ASSIGN_OR_RAISE(node->grouping, ConvertExpressions(agg.grouping_expressions()));
      ARROW_ASSIGN_OR_RAISE(node->aggregates, ConvertExpressions(agg.aggregate_expressions()));
      switch (agg.group_type()) {
        case proto::Aggregate::GROUP_TYPE_UNSPECIFIED:
        case proto::Aggregate::GROUP_TYPE_GROUPBY: break;
        case proto::Aggregate::GROUP_TYPE_ROLLUP: node->grouping_sets = plan::RollupSets(node->grouping); break;
        case proto::Aggregate::GROUP_TYPE_CUBE: node->grouping_sets = plan::CubeSets(node->grouping); break;
        case proto::Aggregate::GROUP_TYPE_GROUPING_SETS:
          for (const auto& set : agg.grouping_sets()) {
            ARROW_ASSIGN_OR_RAISE(auto exprs, ConvertExpressions(set.grouping_set()));
            node->grouping_sets.push_back(std::move(exprs));
          }
          break;
        case proto::Aggregate::GROUP_TYPE_PIVOT: {
          ARROW_ASSIGN_OR_RAISE(node->pivot_column, ConvertExpression(agg.pivot().col()));
          for (const auto& value : agg.pivot().values()) {
            ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(value));
            node->pivot_values.push_back(std::make_shared<plan::LiteralExpr>(std::move(scalar)));
          }
          break;
        }
        default: return Unsupported("aggregate group type " + proto::Aggregate::GroupType_Name(agg.group_type()));
      }
      result = Unary(node, agg.input(), ctx);
      break;
    }
    case R::kSort: {
      auto node = std::make_shared<plan::SortPlan>();
      for (const auto& order : r.sort().order()) {
        proto::Expression wrapper;
        *wrapper.mutable_sort_order() = order;
        ARROW_ASSIGN_OR_RAISE(auto converted, ConvertExpression(wrapper));
        node->order.push_back(std::move(converted));
      }
      node->is_global = !r.sort().has_is_global() || r.sort().is_global();
      result = Unary(node, r.sort().input(), ctx);
      break;
    }
    case R::kShowString: {
      auto node = std::make_shared<plan::ShowStringPlan>();
      node->num_rows = r.show_string().num_rows();
      node->truncate = r.show_string().truncate();
      node->vertical = r.show_string().vertical();
      result = Unary(node, r.show_string().input(), ctx);
      break;
    }
    case R::kSubqueryAlias: {
      auto node = std::make_shared<plan::SubqueryAliasPlan>();
      node->alias = r.subquery_alias().alias();
      result = Unary(node, r.subquery_alias().input(), ctx);
      break;
    }
    case R::kToDf: {
      auto node = std::make_shared<plan::ToDFPlan>();
      node->column_names.assign(r.to_df().column_names().begin(), r.to_df().column_names().end());
      result = Unary(node, r.to_df().input(), ctx);
      break;
    }
    case R::kWithColumns: {
      auto node = std::make_shared<plan::WithColumnsPlan>();
      for (const auto& alias : r.with_columns().aliases()) {
        proto::Expression wrapper;
        *wrapper.mutable_alias() = alias;
        ARROW_ASSIGN_OR_RAISE(auto converted, ConvertExpression(wrapper));
        node->aliases.push_back(std::move(converted));
      }
      result = Unary(node, r.with_columns().input(), ctx);
      break;
    }
    case R::kWithColumnsRenamed: {
      auto node = std::make_shared<plan::WithColumnsRenamedPlan>();
      for (const auto& [from, to] : DeprecatedRenameMap(r.with_columns_renamed())) node->renames.emplace_back(from, to);
      for (const auto& rename : r.with_columns_renamed().renames()) {
        node->renames.emplace_back(rename.col_name(), rename.new_col_name());
      }
      result = Unary(node, r.with_columns_renamed().input(), ctx);
      break;
    }
    case R::kCorr:
    case R::kCov: {
      // df.stat.corr / cov: one row with Spark's aggregate over both columns as DOUBLE.
      const bool is_corr = r.rel_type_case() == R::kCorr;
      const auto& col1 = is_corr ? r.corr().col1() : r.cov().col1();
      const auto& col2 = is_corr ? r.corr().col2() : r.cov().col2();
      if (is_corr && r.corr().has_method() && r.corr().method() != "pearson") {
        return Unsupported("correlation method " + r.corr().method());
      }
      // Spark's StatFunctions take NULL as 0.0.
      auto as_double = [](const std::string& name) -> ExprPtr {
        ExprPtr value = std::make_shared<plan::CastExpr>(
            std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt), arrow::float64(),
            plan::CastMode::kDefault);
        auto is_null = std::make_shared<plan::FunctionExpr>("isnull", std::vector<ExprPtr>{value});
        auto zero = std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(0.0));
        return std::make_shared<plan::FunctionExpr>("when", std::vector<ExprPtr>{is_null, zero, value});
      };
      auto node = std::make_shared<plan::ProjectPlan>();
      node->expressions.push_back(std::make_shared<plan::FunctionExpr>(
          is_corr ? "corr" : "covar_samp", std::vector<ExprPtr>{as_double(col1), as_double(col2)}));
      result = Unary(node, is_corr ? r.corr().input() : r.cov().input(), ctx);
      break;
    }
    case R::kHint: {
      auto node = std::make_shared<plan::SameRowsPlan>();
      node->what = "hint " + r.hint().name();
      result = Unary(node, r.hint().input(), ctx);
      break;
    }
    case R::kRepartition: {
      auto node = std::make_shared<plan::SameRowsPlan>();
      const bool shuffle = !r.repartition().has_shuffle() || r.repartition().shuffle();
      node->what = (shuffle ? "repartition " : "coalesce ") + std::to_string(r.repartition().num_partitions());
      if (shuffle) node->num_partitions = r.repartition().num_partitions();
      result = Unary(node, r.repartition().input(), ctx);
      break;
    }
    case R::kRepartitionByExpression: {
      const auto& repartition = r.repartition_by_expression();
      auto node = std::make_shared<plan::SameRowsPlan>();
      node->what = "repartition by expression";
      for (const auto& e : repartition.partition_exprs()) {
        // repartitionById(n, col): direct_shuffle_partition_id(col) names each row's partition.
        const bool direct = e.has_direct_shuffle_partition_id();
        ARROW_ASSIGN_OR_RAISE(auto converted, ConvertExpression(direct ? e.direct_shuffle_partition_id().child() : e));
        node->expressions.push_back(std::move(converted));
        node->by_id |= direct;
      }
      if (repartition.has_num_partitions()) node->num_partitions = repartition.num_partitions();
      // repartitionByRange sends sort orders.
      node->by_range = std::any_of(node->expressions.begin(), node->expressions.end(),
                                   [](const ExprPtr& e) { return e->kind() == plan::ExprKind::kSortOrder; });
      result = Unary(node, repartition.input(), ctx);
      break;
    }
    case R::kSample: {
      const auto& sample = r.sample();
      auto node = std::make_shared<plan::SamplePlan>();
      node->lower = sample.lower_bound();
      node->upper = sample.upper_bound();
      node->with_replacement = sample.has_with_replacement() && sample.with_replacement();
      node->seed = sample.has_seed() ? sample.seed() : 0;
      node->deterministic_order = sample.deterministic_order();
      result = Unary(node, sample.input(), ctx);
      break;
    }
    case R::kToSchema: {
      auto node = std::make_shared<plan::ToSchemaPlan>();
      ARROW_ASSIGN_OR_RAISE(node->schema, FromProtoType(r.to_schema().schema()));
      result = Unary(node, r.to_schema().input(), ctx);
      break;
    }
    case R::kDescribe: {
      using F = plan::StatFunctionPlan::Function;
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kDescribe);
      node->columns.assign(r.describe().cols().begin(), r.describe().cols().end());
      result = Unary(node, r.describe().input(), ctx);
      break;
    }
    case R::kSummary: {
      using F = plan::StatFunctionPlan::Function;
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kSummary);
      node->statistics.assign(r.summary().statistics().begin(), r.summary().statistics().end());
      result = Unary(node, r.summary().input(), ctx);
      break;
    }
    case R::kCrosstab: {
      using F = plan::StatFunctionPlan::Function;
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kCrosstab);
      node->columns = {r.crosstab().col1(), r.crosstab().col2()};
      result = Unary(node, r.crosstab().input(), ctx);
      break;
    }
    case R::kFreqItems: {
      using F = plan::StatFunctionPlan::Function;
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kFreqItems);
      node->columns.assign(r.freq_items().cols().begin(), r.freq_items().cols().end());
      if (r.freq_items().has_support()) node->support = r.freq_items().support();
      result = Unary(node, r.freq_items().input(), ctx);
      break;
    }
    case R::kApproxQuantile: {
      using F = plan::StatFunctionPlan::Function;
      const auto& quantile = r.approx_quantile();
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kApproxQuantile);
      node->columns.assign(quantile.cols().begin(), quantile.cols().end());
      node->probabilities.assign(quantile.probabilities().begin(), quantile.probabilities().end());
      node->relative_error = quantile.relative_error();
      result = Unary(node, quantile.input(), ctx);
      break;
    }
    case R::kTranspose: {
      using F = plan::StatFunctionPlan::Function;
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kTranspose);
      ARROW_ASSIGN_OR_RAISE(node->expressions, ConvertExpressions(r.transpose().index_columns()));
      result = Unary(node, r.transpose().input(), ctx);
      break;
    }
    case R::kSampleBy: {
      using F = plan::StatFunctionPlan::Function;
      const auto& sample_by = r.sample_by();
      auto node = std::make_shared<plan::StatFunctionPlan>(F::kSampleBy);
      ARROW_ASSIGN_OR_RAISE(auto strata, ConvertExpression(sample_by.col()));
      node->expressions.push_back(std::move(strata));
      for (const auto& fraction : sample_by.fractions()) {
        ARROW_ASSIGN_OR_RAISE(auto stratum, ConvertLiteral(fraction.stratum()));
        node->fractions.emplace_back(std::move(stratum), fraction.fraction());
      }
      node->seed = sample_by.has_seed() ? sample_by.seed() : 0;
      result = Unary(node, sample_by.input(), ctx);
      break;
    }
    case R::kCachedRemoteRelation: {
      const std::string& id = r.cached_remote_relation().relation_id();
      plan::PlanPtr cached = ctx.find_cached_relation ? ctx.find_cached_relation(id) : nullptr;
      if (!cached) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_HANDLE.SESSION_NOT_FOUND",  // as Spark: unknown id
                          {{"handle", id}});
      }
      // A fresh node per use: the plan id of this DataFrame must not stick to the shared one.
      auto node = std::make_shared<plan::LocalRelationPlan>(cached->As<plan::LocalRelationPlan>());
      node->plan_id.reset();
      result = PlanPtr(node);
      break;
    }
    case R::kMapPartitions: return Unsupported("mapInPandas / mapInArrow (Python UDFs)");
    case R::kCollectMetrics: {
      auto node = std::make_shared<plan::CollectMetricsPlan>();
      node->name = r.collect_metrics().name();
      ARROW_ASSIGN_OR_RAISE(node->metrics, ConvertExpressions(r.collect_metrics().metrics()));
      result = Unary(node, r.collect_metrics().input(), ctx);
      break;
    }
    case R::kUnpivot: {
      auto node = std::make_shared<plan::UnpivotPlan>();
      ARROW_ASSIGN_OR_RAISE(node->ids, ConvertExpressions(r.unpivot().ids()));
      if (r.unpivot().has_values()) {
        ARROW_ASSIGN_OR_RAISE(node->values, ConvertExpressions(r.unpivot().values().values()));
      }
      node->variable_column = r.unpivot().variable_column_name();
      node->value_column = r.unpivot().value_column_name();
      result = Unary(node, r.unpivot().input(), ctx);
      break;
    }
    case R::kFillNa: {
      auto node = std::make_shared<plan::NAFillPlan>();
      node->columns.assign(r.fill_na().cols().begin(), r.fill_na().cols().end());
      for (const auto& value : r.fill_na().values()) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, ConvertLiteral(value));
        node->values.push_back(std::move(scalar));
      }
      result = Unary(node, r.fill_na().input(), ctx);
      break;
    }
    case R::kDropNa: {
      auto node = std::make_shared<plan::NADropPlan>();
      node->columns.assign(r.drop_na().cols().begin(), r.drop_na().cols().end());
      if (r.drop_na().has_min_non_nulls()) node->min_non_nulls = r.drop_na().min_non_nulls();
      result = Unary(node, r.drop_na().input(), ctx);
      break;
    }
    case R::kReplace: {
      auto node = std::make_shared<plan::NAReplacePlan>();
      node->columns.assign(r.replace().cols().begin(), r.replace().cols().end());
      for (const auto& replacement : r.replace().replacements()) {
        ARROW_ASSIGN_OR_RAISE(auto old_value, ConvertLiteral(replacement.old_value()));
        ARROW_ASSIGN_OR_RAISE(auto new_value, ConvertLiteral(replacement.new_value()));
        node->replacements.emplace_back(std::move(old_value), std::move(new_value));
      }
      result = Unary(node, r.replace().input(), ctx);
      break;
    }
    case R::kDrop: {
      auto node = std::make_shared<plan::DropPlan>();
      ARROW_ASSIGN_OR_RAISE(node->columns, ConvertExpressions(r.drop().columns()));
      node->column_names.assign(r.drop().column_names().begin(), r.drop().column_names().end());
      result = Unary(node, r.drop().input(), ctx);
      break;
    }
    case R::kLateralJoin: {
      const auto& lateral = r.lateral_join();
      auto node = std::make_shared<plan::LateralJoinPlan>();
      using J = proto::Join;
      switch (lateral.join_type()) {
        case J::JOIN_TYPE_INNER: node->join_type = plan::JoinType::kInner; break;
        case J::JOIN_TYPE_LEFT_OUTER: node->join_type = plan::JoinType::kLeftOuter; break;
        case J::JOIN_TYPE_CROSS: node->join_type = plan::JoinType::kCross; break;
        default:
          return SparkError(SparkExceptionKind::kAnalysis, "UNSUPPORTED_JOIN_TYPE",
                            {{"typ", J::JoinType_Name(lateral.join_type())},
                             {"supported", "'inner', 'leftouter', 'left', 'left_outer', 'cross'"}});
      }
      if (lateral.has_join_condition()) {
        ARROW_ASSIGN_OR_RAISE(node->condition, ConvertExpression(lateral.join_condition()));
      }
      ARROW_ASSIGN_OR_RAISE(node->subquery, ConvertRelation(lateral.right(), ctx));
      result = Unary(node, lateral.left(), ctx);
      break;
    }
    case R::kUnresolvedTableValuedFunction: {
      // spark.tvf.explode(...) and the other generators: the generator over one row.
      const auto& tvf = r.unresolved_table_valued_function();
      std::string name = tvf.function_name();
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (name == "sql_keywords") {
        ARROW_ASSIGN_OR_RAISE(result, sql::SqlKeywordsTable(static_cast<size_t>(tvf.arguments_size())));
        break;
      }
      if (!functions::FindGenerator(name)) return Unsupported("table-valued function " + name + "()");
      ARROW_ASSIGN_OR_RAISE(auto args, ConvertExpressions(tvf.arguments()));
      auto node = std::make_shared<plan::ProjectPlan>();
      node->expressions = {std::make_shared<plan::FunctionExpr>(name, std::move(args))};
      node->children.push_back(sql::OneRowRelation());
      result = PlanPtr(node);
      break;
    }
    case R::kSql: {
      sql::SqlParameters parameters;
      ARROW_RETURN_NOT_OK(AddSqlArguments(r.sql(), &parameters));
      result = sql::ParseQuery(r.sql().query(), parameters);
      break;
    }
    case R::kCatalog: {
      ARROW_ASSIGN_OR_RAISE(result, ConvertCatalog(r.catalog()));
      break;
    }
    case R::kWithRelations: {
      // spark.sql(...) from 4.x clients may wrap the query with referenced DataFrames.
      const auto& with = r.with_relations();
      if (with.references_size() == 0) {
        result = ConvertRelation(with.root(), ctx);
        break;
      }
      if (!with.root().has_sql()) {
        // Subquery DataFrames, named by plan id in the root's SubqueryExpressions.
        ReferenceScopeGuard scope(with.references(), ctx);
        result = ConvertRelation(with.root(), ctx);
        break;
      }
      // spark.sql("SELECT * FROM {df}", df=df): each DataFrame comes as a
      // SubqueryAlias named as the query names it.
      sql::SqlParameters parameters;
      for (const auto& reference : with.references()) {
        if (!reference.has_subquery_alias()) return Unsupported("with_relations reference without an alias");
        ARROW_ASSIGN_OR_RAISE(auto plan, ConvertRelation(reference, ctx));
        parameters.relations.emplace_back(reference.subquery_alias().alias(), std::move(plan));
      }
      ARROW_RETURN_NOT_OK(AddSqlArguments(with.root().sql(), &parameters));
      result = sql::ParseQuery(with.root().sql().query(), parameters);
      break;
    }
    case R::kRead: {
      if (r.read().is_streaming()) return Unsupported("streaming reads (readStream)");
      if (r.read().has_data_source()) {
        const auto& source = r.read().data_source();
        auto node = std::make_shared<plan::DataSourcePlan>();
        node->format = source.has_format() ? source.format() : "parquet";  // spark.sql.sources.default
        std::transform(node->format.begin(), node->format.end(), node->format.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        node->paths.assign(source.paths().begin(), source.paths().end());
        for (const auto& [k, v] : source.options()) node->options.emplace_back(k, v);
        if (source.has_schema()) node->user_schema = source.schema();
        if (!source.predicates().empty()) return Unsupported("JDBC predicates in spark.read");
        result = PlanPtr(node);
        break;
      }
      auto node = std::make_shared<plan::NamedTablePlan>();
      ARROW_ASSIGN_OR_RAISE(node->name_parts, ParseIdentifier(r.read().named_table().unparsed_identifier()));
      result = PlanPtr(node);
      break;
    }
    case R::REL_TYPE_NOT_SET:
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.RELATION",
                        {{"parameter", "`relation`"}, {"functionName", "`Relation`"}, {"invalidValue", "<unset>"}});
    default: return Unsupported("relation " + OneofName(r, r.rel_type_case()));
  }
  ARROW_RETURN_NOT_OK(result.status());
  if (r.has_common() && r.common().has_plan_id()) {
    // Plans are immutable once built; the id is attached while this node is new.
    auto node = std::const_pointer_cast<plan::LogicalPlan>(*result);
    node->plan_id = r.common().plan_id();
  }
  return result;
}

}  // namespace sk8::connect
