// JSON functions: get_json_object, json_tuple (a generator, expanded by the
// analyzer), json_array_length, json_object_keys, from_json, to_json,
// schema_of_json. Parsing, inference, conversion and rendering are the JSON
// data source's own (json_value.h), so a value reads the same from a file and
// from a column.
#include <arrow/array/util.h>
#include <arrow/builder.h>
#include <arrow/scalar.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/json_value.h"
#include "functions/string_util.h"
#include "functions/text_format_args.h"
#include "functions/variant_functions.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;
using TypePtr = std::shared_ptr<arrow::DataType>;

// --- get_json_object ------------------------------------------------------------------

/// One instruction of Spark's JSON path ($.a, $['a'], $[0], $[*], $.*).
struct PathStep {
  enum class Kind { kKey, kSubscript, kWildcard, kIndex, kNamed };
  Kind kind;
  int64_t index = 0;
  std::string name;
};
using JsonPath = std::vector<PathStep>;

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/// Spark's JsonPathParser (Scala parser combinators: string and regex tokens
/// skip leading whitespace, single characters do not); nullopt when invalid.
std::optional<JsonPath> ParseJsonPath(std::string_view text) {
  if (text.empty() || text[0] != '$') return std::nullopt;
  size_t p = 1;
  const size_t n = text.size();
  auto skip = [&](size_t q) {
    while (q < n && IsWhitespace(text[q])) ++q;
    return q;
  };
  JsonPath path;
  while (p < n) {
    const size_t q = skip(p);
    if (text.compare(q, 2, ".*") == 0) {
      path.push_back({PathStep::Kind::kWildcard});
      p = q + 2;
      continue;
    }
    if (text.compare(q, 5, "['*']") == 0) {
      path.push_back({PathStep::Kind::kWildcard});
      p = q + 5;
      continue;
    }
    if (text[p] == '.') {
      size_t start = skip(p + 1), end = start;
      while (end < n && text[end] != '.' && text[end] != '[') ++end;
      if (end == start) return std::nullopt;
      path.push_back({PathStep::Kind::kKey});
      path.push_back({PathStep::Kind::kNamed, 0, std::string(text.substr(start, end - start))});
      p = end;
      continue;
    }
    if (text.compare(q, 2, "['") == 0) {
      size_t start = skip(q + 2), end = start;
      while (end < n && text[end] != '\'') ++end;
      if (end == start) return std::nullopt;
      const size_t close = skip(end);
      if (text.compare(close, 2, "']") != 0) return std::nullopt;
      path.push_back({PathStep::Kind::kKey});
      path.push_back({PathStep::Kind::kNamed, 0, std::string(text.substr(start, end - start))});
      p = close + 2;
      continue;
    }
    if (text[p] == '[') {
      size_t r = p + 1;
      PathStep operand{PathStep::Kind::kWildcard};
      if (r < n && text[r] == '*') {
        ++r;
      } else {
        r = skip(r);
        const size_t start = r;
        while (r < n && text[r] >= '0' && text[r] <= '9') ++r;
        if (r == start || r - start > 18) return std::nullopt;
        operand = {PathStep::Kind::kIndex, std::stoll(std::string(text.substr(start, r - start)))};
      }
      if (r >= n || text[r] != ']') return std::nullopt;
      path.push_back({PathStep::Kind::kSubscript});
      path.push_back(operand);
      p = r + 1;
      continue;
    }
    if (skip(p) == n) break;  // trailing whitespace
    return std::nullopt;
  }
  return path;
}

/// Jackson's generator as GetJsonObject drives it: values separated by commas
/// inside arrays; raw text written as is.
class JsonOutput {
 public:
  void StartArray() {
    BeforeValue();
    out_ += '[';
    first_.push_back(true);
  }
  void EndArray() {
    out_ += ']';
    first_.pop_back();
  }
  void RawValue(std::string_view text) {
    BeforeValue();
    out_ += text;
  }
  void Raw(std::string_view text) { out_ += text; }
  void Copy(const JsonValue& value) {
    BeforeValue();
    AppendJsonValue(value, &out_);
  }
  const std::string& text() const { return out_; }

 private:
  void BeforeValue() {
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  std::string out_;
  std::vector<bool> first_;
};

enum class WriteStyle { kRaw, kQuoted, kFlatten };

/// Spark's GetJsonObjectEvaluator.evaluatePath over a parsed value.
bool EvaluatePath(const JsonValue& v, JsonOutput* g, WriteStyle style, const PathStep* path, const PathStep* end) {
  using Kind = JsonValue::Kind;
  using Step = PathStep::Kind;
  const size_t left = static_cast<size_t>(end - path);
  if (left == 0) {
    if (v.kind == Kind::kString && style == WriteStyle::kRaw) {
      g->Raw(v.text);
      return true;
    }
    if (v.kind == Kind::kArray && style == WriteStyle::kFlatten) {
      bool dirty = false;
      for (const auto& item : v.items) dirty |= EvaluatePath(item, g, style, path, end);
      return dirty;
    }
    g->Copy(v);
    return true;
  }
  if (v.kind == Kind::kObject && path[0].kind == Step::kKey) {
    if (left < 2) return false;
    const auto& field = path[1];
    for (size_t i = 0; i < v.keys.size(); ++i) {
      const bool match = field.kind == Step::kWildcard || (field.kind == Step::kNamed && v.keys[i] == field.name);
      if (!match) continue;
      if (field.kind == Step::kNamed && v.items[i].kind == Kind::kNull) continue;
      if (EvaluatePath(v.items[i], g, style, path + 2, end)) return true;
    }
    return false;
  }
  if (v.kind != Kind::kArray || path[0].kind != Step::kSubscript || left < 2) return false;
  const auto& operand = path[1];
  if (operand.kind == Step::kWildcard) {
    if (left >= 4 && path[2].kind == Step::kSubscript && path[3].kind == Step::kWildcard) {
      // Hive's non-structure-preserving double wildcard.
      bool dirty = false;
      g->StartArray();
      for (const auto& item : v.items) dirty |= EvaluatePath(item, g, WriteStyle::kFlatten, path + 4, end);
      g->EndArray();
      return dirty;
    }
    if (style != WriteStyle::kQuoted) {
      // One match is written without the enclosing array, as Hive does.
      const WriteStyle next = style == WriteStyle::kRaw ? WriteStyle::kQuoted : WriteStyle::kFlatten;
      JsonOutput buffer;
      buffer.StartArray();
      int dirty = 0;
      for (const auto& item : v.items) dirty += EvaluatePath(item, &buffer, next, path + 2, end) ? 1 : 0;
      buffer.EndArray();
      const std::string& text = buffer.text();
      if (dirty > 1) {
        g->RawValue(text);
      } else if (dirty == 1) {
        g->RawValue(std::string_view(text).substr(1, text.size() - 2));
      }
      return dirty > 0;
    }
    bool dirty = false;
    g->StartArray();
    for (const auto& item : v.items) dirty |= EvaluatePath(item, g, WriteStyle::kQuoted, path + 2, end);
    g->EndArray();
    return dirty;
  }
  if (operand.kind != Step::kIndex) return false;
  if (operand.index < 0 || operand.index >= static_cast<int64_t>(v.items.size())) return false;
  const bool wildcard_next = left >= 4 && path[2].kind == Step::kSubscript && path[3].kind == Step::kWildcard;
  return EvaluatePath(v.items[static_cast<size_t>(operand.index)], g, wildcard_next ? WriteStyle::kQuoted : style,
                      path + 2, end);
}

/// The parser of get_json_object, json_tuple, json_array_length and
/// json_object_keys (Spark's SharedFactory, as Hive): raw control characters
/// and single quotes allowed; NaN and Infinity not.
JsonSyntax SharedFactorySyntax() {
  JsonSyntax syntax;
  syntax.allow_unquoted_control_chars = true;
  syntax.allow_non_numeric_numbers = false;
  return syntax;
}

std::optional<std::string> GetJsonObject(std::string_view json, const JsonPath& path) {
  std::deque<std::string> storage;
  JsonValue value;
  JsonParser parser(json, SharedFactorySyntax(), &storage);
  if (!parser.ParseFirst(&value)) return std::nullopt;
  JsonOutput out;
  if (!EvaluatePath(value, &out, WriteStyle::kRaw, path.data(), path.data() + path.size())) return std::nullopt;
  return out.text();
}

FunctionInfo GetJsonObjectFunction() {
  auto spec = Spec("get_json_object", "get_json_object(json_txt, path) - Extracts a json object from `path`.", 2, 2,
                   {ArgKind::kString, ArgKind::kString}, arrow::utf8());
  spec.nullable = AlwaysNullable;
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    std::string literal;
    std::optional<JsonPath> fixed;
    const bool constant = LiteralString(*args[1], &literal);
    if (constant) fixed = ParseJsonPath(literal);
    return StringKernelFn([constant, fixed](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(a, length);
      StringArg json(a[0]), paths(a[1]);
      StringColumnWriter out(rows, 0);
      std::string last_text;
      std::optional<JsonPath> last;
      for (int64_t i = 0; i < rows; ++i) {
        if (!json.IsValid(i) || !paths.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        const std::optional<JsonPath>* path = &fixed;
        if (!constant) {
          if (i == 0 || paths.View(i) != last_text) {
            last_text = std::string(paths.View(i));
            last = ParseJsonPath(last_text);
          }
          path = &last;
        }
        auto value = *path ? GetJsonObject(json.View(i), **path) : std::nullopt;
        if (value) {
          out.Append(*value);
        } else {
          out.AppendNull();
        }
      }
      return out.Finish(AllScalars(a), arrow::utf8());
    });
  };
  return MakeStringFunction(std::move(spec));
}

// --- json_array_length, json_object_keys ------------------------------------------------

/// The first JSON value of a text, or false when it does not parse.
bool ParseFirstJson(std::string_view text, JsonValue* value, std::deque<std::string>* storage,
                    const JsonSyntax& syntax = SharedFactorySyntax()) {
  JsonParser parser(text, syntax, storage);
  return parser.ParseFirst(value);
}

FunctionInfo JsonArrayLength() {
  return ScalarInfo(
      "json_array_length", "json_array_length(jsonArray) - Returns the number of elements in the outermost JSON array.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("json_array_length", args, 1, 1));
        const std::string name = CallText(called, args);
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 0, *args[0]));
        ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
        return KernelCall("json_array_length", name, args, arrow::int32(), true,
                          [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            StringArg json(a[0]);
                            arrow::Int32Builder out;
                            ARROW_RETURN_NOT_OK(out.Reserve(rows));
                            for (int64_t i = 0; i < rows; ++i) {
                              std::deque<std::string> storage;
                              JsonValue value;
                              if (json.IsValid(i) && ParseFirstJson(json.View(i), &value, &storage) &&
                                  value.kind == JsonValue::Kind::kArray) {
                                out.UnsafeAppend(static_cast<int32_t>(value.items.size()));
                              } else {
                                out.UnsafeAppendNull();
                              }
                            }
                            return FinishResult(out.Finish(), AllScalars(a));
                          });
      });
}

FunctionInfo JsonObjectKeys() {
  return ScalarInfo(
      "json_object_keys", "json_object_keys(json_object) - Returns all the keys of the outermost JSON object as an array.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("json_object_keys", args, 1, 1));
        const std::string name = CallText(called, args);
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 0, *args[0]));
        ARROW_ASSIGN_OR_RAISE(args[0], CastStringArgument(args[0], ctx));
        auto type = arrow::list(arrow::field("element", arrow::utf8(), true));
        return KernelCall("json_object_keys", name, args, type, true,
                          [type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            StringArg json(a[0]);
                            arrow::ListBuilder out(arrow::default_memory_pool(), std::make_shared<arrow::StringBuilder>(),
                                                   type);
                            auto* keys = static_cast<arrow::StringBuilder*>(out.value_builder());
                            for (int64_t i = 0; i < rows; ++i) {
                              std::deque<std::string> storage;
                              JsonValue value;
                              if (json.IsValid(i) && ParseFirstJson(json.View(i), &value, &storage) &&
                                  value.kind == JsonValue::Kind::kObject) {
                                ARROW_RETURN_NOT_OK(out.Append());
                                for (auto key : value.keys) ARROW_RETURN_NOT_OK(keys->Append(key));
                              } else {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                              }
                            }
                            return FinishResult(out.Finish(), AllScalars(a));
                          });
      });
}

// --- schema_of_json ---------------------------------------------------------------------

FunctionInfo SchemaOfJson() {
  return ScalarInfo(
      "schema_of_json", "schema_of_json(json[, options]) - Returns schema in the DDL format of JSON string.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("schema_of_json", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        ARROW_ASSIGN_OR_RAISE(auto text, FoldableString(name, "json", *args[0], ctx));
        SourceOptions options;
        if (args.size() > 1) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[1], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(auto json, JsonReadOptions::From(options, ctx.session_time_zone));
        std::deque<std::string> storage;
        JsonValue value;
        if (!ParseFirstJson(text, &value, &storage, json.syntax)) {
          return SparkError(SparkExceptionKind::kRuntime, "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                            {{"badRecord", text}, {"failFastMode", "FAILFAST"}});
        }
        // SchemaOfJson: the root value's type, canonicalized as the data source does.
        auto type = InferJsonType(value, json.infer);
        TypePtr out;
        if (type->id() == arrow::Type::STRUCT) {
          out = CanonicalJsonType(type, json.drop_field_if_all_null);
          if (!out) out = arrow::struct_(arrow::FieldVector{});
        } else if (type->id() == arrow::Type::LIST && type->field(0)->type()->id() == arrow::Type::STRUCT) {
          auto element = CanonicalJsonType(type->field(0)->type(), json.drop_field_if_all_null);
          out = arrow::list(arrow::field("element", element ? element : arrow::struct_(arrow::FieldVector{}), true));
        } else {
          out = CanonicalJsonType(type, json.drop_field_if_all_null);
          if (!out) out = arrow::utf8();
        }
        return ConstantCall("schema_of_json", name, args[0], types::SqlString(*out));
      });
}

// --- from_json --------------------------------------------------------------------------

struct FromJsonPlan {
  TypePtr type;
  JsonReadOptions options;
  bool fail_fast = false;
  int corrupt_field = -1;  // a STRING field of a struct schema named columnNameOfCorruptRecord
};

/// Converts each row's text to `plan.type` (JsonToStructs).
Result<Datum> FromJsonKernel(const FromJsonPlan& plan, const Args& a, int64_t length, const EvalContext& ctx) {
  const int64_t rows = ResultRows(a, length);
  StringArg json(a[0]);
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), plan.type, &builder));
  const auto& type = *plan.type;
  const auto& converter = plan.options.converter;
  const bool is_struct = type.id() == arrow::Type::STRUCT;
  for (int64_t i = 0; i < rows; ++i) {
    if (!json.IsValid(i)) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    const std::string_view text = json.View(i);
    std::deque<std::string> storage;
    JsonValue value;
    JsonParser parser(text, plan.options.syntax, &storage);
    if (parser.Blank()) {  // no token at all: NULL, not a bad record
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    JsonParser first(text, plan.options.syntax, &storage);
    const bool parsed = first.ParseFirst(&value);
    auto result = JsonConversion::kFailed;
    if (is_struct) {
      auto* structs = static_cast<arrow::StructBuilder*>(builder.get());
      if (parsed && value.kind == JsonValue::Kind::kObject) {
        result = converter.AppendFields(value, type, structs, plan.corrupt_field);
      } else {
        for (int f = 0; f < type.num_fields(); ++f) {
          if (f != plan.corrupt_field) ARROW_RETURN_NOT_OK(structs->field_builder(f)->AppendNull());
        }
      }
      if (plan.corrupt_field >= 0) {
        auto* corrupt = static_cast<arrow::StringBuilder*>(structs->field_builder(plan.corrupt_field));
        if (result == JsonConversion::kWhole) {
          ARROW_RETURN_NOT_OK(corrupt->AppendNull());
        } else {
          ARROW_RETURN_NOT_OK(corrupt->Append(text));
        }
      }
      ARROW_RETURN_NOT_OK(structs->Append());
    } else if (parsed && type.id() == arrow::Type::LIST && value.kind == JsonValue::Kind::kObject &&
               type.field(0)->type()->id() == arrow::Type::STRUCT) {
      // One object for an array of structs: an array of that one struct.
      auto* lists = static_cast<arrow::ListBuilder*>(builder.get());
      ARROW_RETURN_NOT_OK(lists->Append());
      result = converter.Append(value, *type.field(0)->type(), lists->value_builder());
    } else if (parsed && value.kind != JsonValue::Kind::kNull) {
      result = converter.Append(value, type, builder.get());
    } else {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
    }
    if (result != JsonConversion::kWhole && plan.fail_fast) {
      if (is_struct && parsed && value.kind == JsonValue::Kind::kArray) {
        return SparkError(SparkExceptionKind::kRuntime, "MALFORMED_RECORD_IN_PARSING.CANNOT_PARSE_JSON_ARRAYS_AS_STRUCTS",
                          {{"badRecord", std::string(text)}, {"failFastMode", "FAILFAST"}});
      }
      std::shared_ptr<arrow::Array> so_far;
      ARROW_RETURN_NOT_OK(builder->Finish(&so_far));
      return MalformedRecord(*so_far, so_far->length() - 1, ctx);
    }
  }
  return FinishResult(builder->Finish(), AllScalars(a));
}

FunctionInfo FromJson() {
  return ScalarInfo(
      "from_json",
      "from_json(jsonStr, schema[, options]) - Returns a struct value with the given `jsonStr` and `schema`.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("from_json", args, 2, 3));
        std::string name = CallText(called, {args[0]});
        ARROW_ASSIGN_OR_RAISE(auto schema, SchemaArgument(*args[1], ctx));
        const auto id = schema->id();
        if (id != arrow::Type::STRUCT && id != arrow::Type::LIST && id != arrow::Type::MAP) {
          return AnalysisError("DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                               {{"sqlExpr", Quoted(name)}, {"schema", Quoted(types::SqlString(*schema))}});
        }
        if (id == arrow::Type::MAP &&
            static_cast<const arrow::MapType&>(*schema).key_type()->id() != arrow::Type::STRING) {
          return AnalysisError("DATATYPE_MISMATCH.INVALID_JSON_MAP_KEY_TYPE",
                               {{"sqlExpr", Quoted(name)}, {"schema", Quoted(types::SqlString(*schema))}});
        }
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 0, *args[0]));
        SourceOptions options;
        if (args.size() > 2) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[2], ctx));
        }
        auto plan = std::make_shared<FromJsonPlan>();
        plan->type = AsNullable(schema);
        ARROW_ASSIGN_OR_RAISE(plan->options, JsonReadOptions::From(options, ctx.session_time_zone));
        ARROW_ASSIGN_OR_RAISE(plan->fail_fast, FailFastMode(options, "from_json"));
        if (id == arrow::Type::STRUCT) {
          const auto corrupt = options.GetOr("columnNameOfCorruptRecord", "_corrupt_record");
          const int index = static_cast<const arrow::StructType&>(*plan->type).GetFieldIndex(corrupt);
          if (index >= 0 && plan->type->field(index)->type()->id() == arrow::Type::STRING) plan->corrupt_field = index;
        }
        // Spark names a MAP result by its entries.
        if (id == arrow::Type::MAP) name = "entries";
        ARROW_ASSIGN_OR_RAISE(auto json, CastStringArgument(args[0], ctx));
        return KernelCall("from_json", name, {json}, plan->type, true,
                          [plan](const Args& a, int64_t length, const EvalContext& ctx) {
                            return FromJsonKernel(*plan, a, length, ctx);
                          });
      },
      /*can_fail=*/true);
}

// --- to_json ----------------------------------------------------------------------------

FunctionInfo ToJson() {
  return ScalarInfo(
      "to_json", "to_json(expr[, options]) - Returns a JSON string with a given struct value",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("to_json", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        const auto id = args[0]->type->id();
        if (types::IsVariant(*args[0]->type)) {
          return KernelCall("to_json", name, {args[0]}, arrow::utf8(), true,
                            [](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              return FinishResult(VariantJsonTexts(*ArrayArgument(a[0], rows), ctx), AllScalars(a));
                            });
        }
        if (id != arrow::Type::STRUCT && id != arrow::Type::LIST && id != arrow::Type::MAP) {
          return AnalysisError("DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                               {{"sqlExpr", Quoted(name)}, {"schema", Quoted(types::SqlString(*args[0]->type))}});
        }
        SourceOptions options;
        if (args.size() > 1) {
          ARROW_ASSIGN_OR_RAISE(options, OptionsArgument(*args[1], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(auto write, ReadJsonWriteOptions(options, ctx.session_time_zone, true));
        const bool zone_given = options.Get("timeZone").has_value();
        return KernelCall("to_json", name, {args[0]}, arrow::utf8(), true,
                          [write, zone_given](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            auto options = write;
                            if (!zone_given) options.session_time_zone = ctx.session_time_zone;
                            std::vector<std::string> texts;
                            ARROW_RETURN_NOT_OK(JsonTexts(*values, options, &texts));
                            StringColumnWriter out(rows, 0);
                            for (int64_t i = 0; i < rows; ++i) {
                              if (values->IsNull(i)) {
                                out.AppendNull();
                              } else if (options.pretty) {
                                out.Append(PrettyJson(texts[static_cast<size_t>(i)]));
                              } else {
                                out.Append(texts[static_cast<size_t>(i)]);
                              }
                            }
                            return out.Finish(AllScalars(a), arrow::utf8());
                          });
      },
      /*can_fail=*/true);
}

}  // namespace

// --- json_tuple -------------------------------------------------------------------------

Result<BoundExprPtr> JsonTupleAsArray(const std::string& name, std::vector<BoundExprPtr> args, const EvalContext& ctx) {
  if (args.size() < 2) return WrongArgumentCount("json_tuple", "> 1", args.size());
  for (const auto& arg : args) {
    if (arg->type->id() != arrow::Type::STRING) {
      return AnalysisError("DATATYPE_MISMATCH.NON_STRING_TYPE",
                           {{"sqlExpr", Quoted(name)}, {"funcName", "`json_tuple`"}});
    }
  }
  arrow::FieldVector fields;
  for (size_t i = 1; i < args.size(); ++i) fields.push_back(arrow::field("c" + std::to_string(i - 1), arrow::utf8(), true));
  auto row_type = arrow::struct_(fields);
  auto type = arrow::list(arrow::field("element", row_type, false));
  return KernelCall("json_tuple", name, std::move(args), type, false,
                    [type, row_type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                      const int64_t rows = ResultRows(a, length);
                      StringArg json(a[0]);
                      std::vector<StringArg> names;
                      for (size_t k = 1; k < a.size(); ++k) names.emplace_back(a[k]);
                      const size_t width = names.size();
                      std::vector<StringColumnWriter> columns;
                      for (size_t k = 0; k < width; ++k) columns.emplace_back(rows, 0);
                      std::vector<std::optional<std::string>> row(width);
                      for (int64_t i = 0; i < rows; ++i) {
                        std::fill(row.begin(), row.end(), std::nullopt);
                        std::deque<std::string> storage;
                        JsonValue value;
                        if (json.IsValid(i) && ParseFirstJson(json.View(i), &value, &storage) &&
                            value.kind == JsonValue::Kind::kObject) {
                          // A later non-null value of a repeated key wins; strings unquoted.
                          for (size_t f = 0; f < value.keys.size(); ++f) {
                            const auto& item = value.items[f];
                            if (item.kind == JsonValue::Kind::kNull) continue;
                            for (size_t k = 0; k < width; ++k) {
                              if (!names[k].IsValid(i) || names[k].View(i) != value.keys[f]) continue;
                              std::string text;
                              if (item.kind == JsonValue::Kind::kString) {
                                text = std::string(item.text);
                              } else {
                                AppendJsonValue(item, &text);
                              }
                              row[k] = std::move(text);
                            }
                          }
                        }
                        for (size_t k = 0; k < width; ++k) {
                          if (row[k]) {
                            columns[k].Append(*row[k]);
                          } else {
                            columns[k].AppendNull();
                          }
                        }
                      }
                      arrow::ArrayVector children;
                      for (auto& column : columns) {
                        ARROW_ASSIGN_OR_RAISE(auto child, column.Finish(false, arrow::utf8()));
                        children.push_back(child.make_array());
                      }
                      ARROW_ASSIGN_OR_RAISE(auto structs, arrow::StructArray::Make(children, row_type->fields()));
                      // One row per input row: a list of length 1 each.
                      arrow::Int32Builder offsets;
                      ARROW_RETURN_NOT_OK(offsets.Reserve(rows + 1));
                      for (int64_t i = 0; i <= rows; ++i) offsets.UnsafeAppend(static_cast<int32_t>(i));
                      std::shared_ptr<arrow::Array> offset_array;
                      ARROW_RETURN_NOT_OK(offsets.Finish(&offset_array));
                      return FinishResult(arrow::ListArray::FromArrays(type, *offset_array, *structs), AllScalars(a));
                    });
}

void RegisterJsonFunctions(FunctionRegistry& registry) {
  registry.Add(GetJsonObjectFunction());
  registry.Add(JsonArrayLength());
  registry.Add(JsonObjectKeys());
  registry.Add(SchemaOfJson());
  registry.Add(FromJson());
  registry.Add(ToJson());
}

}  // namespace sk8::functions
