// VARIANT functions: parse_json, try_parse_json, is_variant_null, variant_get,
// try_variant_get, schema_of_variant, to_variant_object, and CAST to and from
// VARIANT. Values are types::VariantType() columns whose bytes are written and
// read by variant_value.h.
#include <arrow/array/builder_binary.h>
#include <arrow/array/builder_nested.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/builder.h>
#include <arrow/scalar.h>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/datetime_util.h"
#include "functions/json_value.h"
#include "functions/kernel_util.h"
#include "functions/text_format_args.h"
#include "functions/variant_functions.h"
#include "functions/variant_value.h"
#include "sql/token.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;
using TypePtr = std::shared_ptr<arrow::DataType>;

/// Builds a VARIANT column row by row.
class VariantColumnWriter {
 public:
  explicit VariantColumnWriter(int64_t rows) { valid_.reserve(static_cast<size_t>(rows)); }

  Status Append(std::string_view value, std::string_view metadata) {
    valid_.push_back(1);
    ARROW_RETURN_NOT_OK(values_.Append(value));
    return metadata_.Append(metadata);
  }
  Status Append(const VariantBuilder& builder, const std::string& function) {
    ARROW_RETURN_NOT_OK(builder.Finish(function, &value_, &meta_));
    return Append(value_, meta_);
  }
  Status AppendNull() {
    valid_.push_back(0);
    ARROW_RETURN_NOT_OK(values_.AppendEmptyValue());
    return metadata_.AppendEmptyValue();
  }
  Result<std::shared_ptr<arrow::Array>> Finish() {
    ARROW_ASSIGN_OR_RAISE(auto values, values_.Finish());
    ARROW_ASSIGN_OR_RAISE(auto metadata, metadata_.Finish());
    int64_t nulls = 0;
    auto bitmap = BitmapFromBytes(valid_, &nulls);
    return std::make_shared<arrow::StructArray>(types::VariantType(), values->length(),
                                                arrow::ArrayVector{values, metadata}, bitmap, nulls);
  }

 private:
  arrow::BinaryBuilder values_, metadata_;
  std::vector<uint8_t> valid_;
  std::string value_, meta_;
};

/// Reads a VARIANT column; each value is validated before it is read.
class VariantColumnReader {
 public:
  explicit VariantColumnReader(const arrow::Array& array) : array_(array) {
    const auto& variants = static_cast<const arrow::StructArray&>(array);
    values_ = std::static_pointer_cast<arrow::BinaryArray>(variants.field(0));
    metadata_ = std::static_pointer_cast<arrow::BinaryArray>(variants.field(1));
  }
  bool IsNull(int64_t i) const { return array_.IsNull(i); }
  Result<VariantRef> Get(int64_t i) const {
    if (values_->IsNull(i) || metadata_->IsNull(i)) return MalformedVariant();
    VariantRef ref(metadata_->GetView(i), values_->GetView(i));
    ARROW_RETURN_NOT_OK(ValidateVariant(ref.metadata(), values_->GetView(i)));
    return ref;
  }

 private:
  const arrow::Array& array_;
  std::shared_ptr<arrow::BinaryArray> values_, metadata_;
};

/// A VARIANT argument: a NULL literal becomes a NULL VARIANT; any other type is
/// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE.
Status RequireVariant(const std::string& name, int index, BoundExprPtr* arg, const EvalContext& ctx) {
  if (types::IsVariant(*(*arg)->type)) return Status::OK();
  if ((*arg)->type->id() == arrow::Type::NA) {
    ARROW_ASSIGN_OR_RAISE(*arg, BindCast(*arg, types::VariantType(), plan::CastMode::kDefault, /*implicit=*/true, ctx));
    return Status::OK();
  }
  return UnexpectedInputType(name, index, "\"VARIANT\"", **arg);
}

Status InvalidVariantCast(const VariantRef& value, const arrow::DataType& to, const EvalContext& ctx) {
  std::string json;
  ARROW_RETURN_NOT_OK(AppendVariantJson(value, ctx.session_time_zone, &json));
  return SparkError(SparkExceptionKind::kRuntime, "INVALID_VARIANT_CAST",
                    {{"value", json}, {"dataType", Quoted(types::SqlString(to))}});
}

// --- variant to typed values -----------------------------------------------------------

/// A scalar variant value as the Arrow scalar of its Spark type.
std::shared_ptr<arrow::Scalar> VariantScalar(const VariantRef& v) {
  switch (v.kind()) {
    case VariantKind::kBoolean: return std::make_shared<arrow::BooleanScalar>(v.boolean());
    case VariantKind::kLong: return std::make_shared<arrow::Int64Scalar>(v.long_value());
    case VariantKind::kDouble: return std::make_shared<arrow::DoubleScalar>(v.double_value());
    case VariantKind::kFloat: return std::make_shared<arrow::FloatScalar>(v.float_value());
    case VariantKind::kDecimal: {
      int32_t precision, scale;
      const auto unscaled = v.decimal(&precision, &scale);
      return std::make_shared<arrow::Decimal128Scalar>(unscaled, arrow::decimal128(std::max(precision, scale), scale));
    }
    case VariantKind::kString: return std::make_shared<arrow::StringScalar>(std::string(v.string()));
    case VariantKind::kBinary: return std::make_shared<arrow::BinaryScalar>(std::string(v.string()));
    case VariantKind::kDate: return std::make_shared<arrow::Date32Scalar>(v.date());
    case VariantKind::kTimestamp: return std::make_shared<arrow::TimestampScalar>(v.micros(), types::TimestampType());
    case VariantKind::kTimestampNtz:
      return std::make_shared<arrow::TimestampScalar>(v.micros(), types::TimestampNtzType());
    case VariantKind::kUuid: {
      std::string json;
      (void)AppendVariantJson(v, "UTC", &json);
      return std::make_shared<arrow::StringScalar>(json.substr(1, json.size() - 2));
    }
    default: return nullptr;
  }
}

Status AppendRebuilt(const VariantRef& v, arrow::ArrayBuilder* out) {
  VariantBuilder builder;
  builder.AppendVariant(v);
  std::string value, metadata;
  ARROW_RETURN_NOT_OK(builder.Finish("variant_get", &value, &metadata));
  auto* variants = static_cast<arrow::StructBuilder*>(out);
  ARROW_RETURN_NOT_OK(variants->Append());
  ARROW_RETURN_NOT_OK(static_cast<arrow::BinaryBuilder*>(variants->field_builder(0))->Append(value));
  return static_cast<arrow::BinaryBuilder*>(variants->field_builder(1))->Append(metadata);
}

/// Appends `v` converted to `to`: NULL (or INVALID_VARIANT_CAST when `fail`)
/// when it does not convert.
Status AppendConverted(const VariantRef& v, const TypePtr& to, bool fail, const EvalContext& ctx,
                       arrow::ArrayBuilder* out) {
  if (types::IsVariant(*to)) return AppendRebuilt(v, out);
  const VariantKind kind = v.kind();
  if (kind == VariantKind::kNull) return out->AppendNull();
  auto invalid = [&]() -> Status {
    if (fail) return InvalidVariantCast(v, *to, ctx);
    return out->AppendNull();
  };
  if (to->id() == arrow::Type::STRUCT) {
    if (kind != VariantKind::kObject) return invalid();
    auto* builder = static_cast<arrow::StructBuilder*>(out);
    ARROW_RETURN_NOT_OK(builder->Append());
    for (int i = 0; i < to->num_fields(); ++i) {
      auto field = v.Find(to->field(i)->name());
      if (field) {
        ARROW_RETURN_NOT_OK(AppendConverted(*field, to->field(i)->type(), fail, ctx, builder->field_builder(i)));
      } else {
        ARROW_RETURN_NOT_OK(builder->field_builder(i)->AppendNull());
      }
    }
    return Status::OK();
  }
  if (to->id() == arrow::Type::LIST) {
    if (kind != VariantKind::kArray) return invalid();
    auto* builder = static_cast<arrow::ListBuilder*>(out);
    ARROW_RETURN_NOT_OK(builder->Append());
    const int64_t n = v.size();
    for (int64_t i = 0; i < n; ++i) {
      ARROW_RETURN_NOT_OK(AppendConverted(v.element(i), to->field(0)->type(), fail, ctx, builder->value_builder()));
    }
    return Status::OK();
  }
  if (to->id() == arrow::Type::MAP) {
    if (kind != VariantKind::kObject) return invalid();
    const auto& map_type = static_cast<const arrow::MapType&>(*to);
    auto* builder = static_cast<arrow::MapBuilder*>(out);
    ARROW_RETURN_NOT_OK(builder->Append());
    const int64_t n = v.size();
    for (int64_t i = 0; i < n; ++i) {
      ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(builder->key_builder())->Append(v.key(i)));
      ARROW_RETURN_NOT_OK(AppendConverted(v.field(i), map_type.item_type(), fail, ctx, builder->item_builder()));
    }
    return Status::OK();
  }
  if (kind == VariantKind::kObject || kind == VariantKind::kArray) {
    if (to->id() != arrow::Type::STRING) return invalid();
    std::string json;
    ARROW_RETURN_NOT_OK(AppendVariantJson(v, ctx.session_time_zone, &json));
    return static_cast<arrow::StringBuilder*>(out)->Append(json);
  }
  auto scalar = VariantScalar(v);
  if (!scalar) return invalid();
  if (scalar->type->Equals(*to)) return out->AppendScalar(*scalar);
  if (kind == VariantKind::kDecimal && to->id() == arrow::Type::BOOL) {  // a number is true unless zero
    int32_t precision, scale;
    return static_cast<arrow::BooleanBuilder*>(out)->Append(v.decimal(&precision, &scale) != arrow::Decimal128(0));
  }
  if (kind == VariantKind::kDecimal && types::IsTimestampLtz(*to)) {  // seconds, microseconds truncated
    int32_t precision, scale;
    arrow::Decimal128 micros = v.decimal(&precision, &scale);
    micros = scale <= 6 ? micros * arrow::Decimal128::GetScaleMultiplier(6 - scale)
                        : micros / arrow::Decimal128::GetScaleMultiplier(scale - 6);
    if (micros > arrow::Decimal128(INT64_MAX) || micros < arrow::Decimal128(INT64_MIN)) return invalid();
    return static_cast<arrow::TimestampBuilder*>(out)->Append(static_cast<int64_t>(micros));
  }
  auto cast = CastDatum(Datum(scalar), to, /*ansi=*/true, ctx);
  if (!cast.ok() || !cast->scalar()->is_valid) return invalid();
  return out->AppendScalar(*cast->scalar());
}

// --- typed values to variant -------------------------------------------------------------

/// Appends value `i` of `array` (not NULL) to `builder`; structs and maps as
/// objects (to_variant_object), NULL elements as variant nulls.
Status AppendAsVariant(const arrow::Array& array, int64_t i, VariantBuilder* builder) {
  if (array.IsNull(i)) {
    builder->AppendNull();
    return Status::OK();
  }
  if (types::IsVariant(*array.type())) {
    VariantColumnReader reader(array);
    ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
    builder->AppendVariant(v);
    return Status::OK();
  }
  switch (array.type_id()) {
    case arrow::Type::BOOL: builder->AppendBoolean(static_cast<const arrow::BooleanArray&>(array).Value(i)); break;
    case arrow::Type::INT8: builder->AppendLong(static_cast<const arrow::Int8Array&>(array).Value(i)); break;
    case arrow::Type::INT16: builder->AppendLong(static_cast<const arrow::Int16Array&>(array).Value(i)); break;
    case arrow::Type::INT32: builder->AppendLong(static_cast<const arrow::Int32Array&>(array).Value(i)); break;
    case arrow::Type::INT64: builder->AppendLong(static_cast<const arrow::Int64Array&>(array).Value(i)); break;
    case arrow::Type::FLOAT: builder->AppendFloat(static_cast<const arrow::FloatArray&>(array).Value(i)); break;
    case arrow::Type::DOUBLE: builder->AppendDouble(static_cast<const arrow::DoubleArray&>(array).Value(i)); break;
    case arrow::Type::DECIMAL128: {
      const arrow::Decimal128 unscaled(static_cast<const arrow::Decimal128Array&>(array).GetValue(i));
      const auto scale = static_cast<const arrow::Decimal128Type&>(*array.type()).scale();
      std::string digits = unscaled.ToIntegerString();
      const auto precision = static_cast<int32_t>(digits.size()) - (digits[0] == '-' ? 1 : 0);
      builder->AppendDecimal(unscaled, precision, scale);
      break;
    }
    case arrow::Type::STRING: builder->AppendString(static_cast<const arrow::StringArray&>(array).GetView(i)); break;
    case arrow::Type::BINARY: builder->AppendBinary(static_cast<const arrow::BinaryArray&>(array).GetView(i)); break;
    case arrow::Type::DATE32: builder->AppendDate(static_cast<const arrow::Date32Array&>(array).Value(i)); break;
    case arrow::Type::TIMESTAMP:
      builder->AppendTimestamp(static_cast<const arrow::TimestampArray&>(array).Value(i),
                               !types::IsTimestampLtz(*array.type()));
      break;
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(array);
      const size_t start = builder->position();
      std::vector<uint32_t> offsets;
      const auto values = list.values();
      for (int64_t k = list.value_offset(i); k < list.value_offset(i + 1); ++k) {
        offsets.push_back(static_cast<uint32_t>(builder->position() - start));
        ARROW_RETURN_NOT_OK(AppendAsVariant(*values, k, builder));
      }
      builder->FinishArray(start, offsets);
      break;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapArray&>(array);
      const auto& keys = static_cast<const arrow::StringArray&>(*map.keys());
      const size_t start = builder->position();
      std::vector<VariantBuilder::Field> fields;
      for (int64_t k = map.value_offset(i); k < map.value_offset(i + 1); ++k) {
        fields.push_back({builder->AddKey(keys.GetView(k)), static_cast<uint32_t>(builder->position() - start)});
        ARROW_RETURN_NOT_OK(AppendAsVariant(*map.items(), k, builder));
      }
      if (!builder->FinishObject(start, &fields)) return InternalError("duplicate key in a map");
      break;
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(array);
      const size_t start = builder->position();
      std::vector<VariantBuilder::Field> fields;
      for (int f = 0; f < st.num_fields(); ++f) {
        fields.push_back({builder->AddKey(st.type()->field(f)->name()),
                          static_cast<uint32_t>(builder->position() - start)});
        ARROW_RETURN_NOT_OK(AppendAsVariant(*st.field(f), i, builder));
      }
      if (!builder->FinishObject(start, &fields)) {
        return SparkError(SparkExceptionKind::kRuntime, "VARIANT_DUPLICATE_KEY", {{"key", "`" + std::string() + "`"}});
      }
      break;
    }
    default: return Unsupported("VARIANT values of type " + types::SqlString(*array.type()));
  }
  return Status::OK();
}

Result<std::shared_ptr<arrow::Array>> ToVariantColumn(const arrow::Array& values, const std::string& function) {
  VariantColumnWriter out(values.length());
  for (int64_t i = 0; i < values.length(); ++i) {
    if (values.IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    VariantBuilder builder;
    ARROW_RETURN_NOT_OK(AppendAsVariant(values, i, &builder));
    ARROW_RETURN_NOT_OK(out.Append(builder, function));
  }
  return out.Finish();
}

bool AtomicForVariant(const arrow::DataType& t) {
  switch (t.id()) {
    case arrow::Type::NA:
    case arrow::Type::BOOL:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE:
    case arrow::Type::DECIMAL128:
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP: return true;
    default: return false;
  }
}

/// Types a variant's values go into or come from: atomic types (VOID when
/// `allow_void`), VARIANT, and arrays, string-keyed maps and structs of them.
bool VariantCompatible(const arrow::DataType& t, bool allow_void) {
  if (types::IsVariant(t)) return true;
  switch (t.id()) {
    case arrow::Type::NA: return allow_void;
    case arrow::Type::LIST: return VariantCompatible(*t.field(0)->type(), allow_void);
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(t);
      return map.key_type()->id() == arrow::Type::STRING && VariantCompatible(*map.item_type(), allow_void);
    }
    case arrow::Type::STRUCT:
      if (types::IsGeo(t)) return false;
      for (const auto& f : t.fields()) {
        if (!VariantCompatible(*f->type(), allow_void)) return false;
      }
      return true;
    default: return AtomicForVariant(t);
  }
}

// --- parse_json ----------------------------------------------------------------------------

/// Jackson's default JsonFactory, which Spark's parse_json uses.
JsonSyntax ParseJsonSyntax() {
  JsonSyntax syntax;
  syntax.allow_single_quotes = false;
  syntax.allow_non_numeric_numbers = false;
  return syntax;
}

FunctionInfo ParseJson(const std::string& function, bool try_mode) {
  return ScalarInfo(
      function,
      function + "(jsonStr) - Parse a JSON string as a Variant value. " +
          (try_mode ? "Return NULL when the string is not valid JSON value."
                    : "Throw an exception when the string is not valid JSON value."),
      [function, try_mode](const std::string& called, std::vector<BoundExprPtr> args,
                           const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount(function, args, 1, 1));
        const std::string name = CallText(called, args);
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 0, *args[0]));
        const bool nullable = try_mode || args[0]->nullable;
        return KernelCall(function, name, args, types::VariantType(), nullable,
                          [function, try_mode](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            if (a[0].type()->id() == arrow::Type::NA) {
                              return FinishResult(arrow::MakeArrayOfNull(types::VariantType(), rows), AllScalars(a));
                            }
                            StringArg json(a[0]);
                            VariantColumnWriter out(rows);
                            const JsonSyntax syntax = ParseJsonSyntax();
                            for (int64_t i = 0; i < rows; ++i) {
                              if (!json.IsValid(i)) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                                continue;
                              }
                              const std::string_view text = json.View(i);
                              std::deque<std::string> storage;
                              JsonValue value;
                              JsonParser parser(text, syntax, &storage);
                              VariantBuilder builder;
                              if (!parser.ParseFirst(&value) || !AppendJsonToVariant(value, &builder)) {
                                if (try_mode) {
                                  ARROW_RETURN_NOT_OK(out.AppendNull());
                                  continue;
                                }
                                return SparkError(SparkExceptionKind::kInternal,
                                                  "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                                                  {{"badRecord", std::string(text)}, {"failFastMode", "FAILFAST"}});
                              }
                              ARROW_RETURN_NOT_OK(out.Append(builder, "parse_json"));
                            }
                            return FinishResult(out.Finish(), AllScalars(a));
                          });
      },
      /*can_fail=*/!try_mode);
}

// --- is_variant_null ---------------------------------------------------------------------

FunctionInfo IsVariantNull() {
  return ScalarInfo(
      "is_variant_null",
      "is_variant_null(expr) - Check if a variant value is a variant null. Returns true if and only if the input is a "
      "variant null and false otherwise (including in the case of SQL NULL).",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("is_variant_null", args, 1, 1));
        const std::string name = CallText(called, args);
        ARROW_RETURN_NOT_OK(RequireVariant(name, 0, &args[0], ctx));
        return KernelCall("is_variant_null", name, args, arrow::boolean(), false,
                          [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            VariantColumnReader reader(*values);
                            arrow::BooleanBuilder out;
                            ARROW_RETURN_NOT_OK(out.Reserve(rows));
                            for (int64_t i = 0; i < rows; ++i) {
                              if (reader.IsNull(i)) {
                                out.UnsafeAppend(false);
                                continue;
                              }
                              ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
                              out.UnsafeAppend(v.is_null());
                            }
                            return FinishResult(out.Finish(), AllScalars(a));
                          });
      });
}

// --- variant_get ---------------------------------------------------------------------------

/// One step of a variant extraction path: a key or an array index.
struct PathStep {
  bool is_key;
  std::string key;
  int64_t index = 0;
};

/// Spark's VariantPathParser: `$`, then `.key`, `['key']`, `["key"]` or `[index]`.
std::optional<std::vector<PathStep>> ParseVariantPath(std::string_view path) {
  if (path.empty() || path[0] != '$') return std::nullopt;
  std::vector<PathStep> steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = i + 1;
      while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
      if (end == i + 1) return std::nullopt;
      steps.push_back({true, std::string(path.substr(i + 1, end - i - 1))});
      i = end;
    } else if (path[i] == '[') {
      if (i + 1 < path.size() && (path[i + 1] == '\'' || path[i + 1] == '"')) {
        const char quote = path[i + 1];
        const size_t close = path.find(quote, i + 2);
        if (close == std::string_view::npos || close + 1 >= path.size() || path[close + 1] != ']') return std::nullopt;
        steps.push_back({true, std::string(path.substr(i + 2, close - i - 2))});
        i = close + 2;
      } else {
        size_t end = i + 1;
        int64_t index = 0;
        while (end < path.size() && path[end] >= '0' && path[end] <= '9') {
          if (index > (INT32_MAX - (path[end] - '0')) / 10) return std::nullopt;
          index = index * 10 + (path[end] - '0');
          ++end;
        }
        if (end == i + 1 || end >= path.size() || path[end] != ']') return std::nullopt;
        steps.push_back({false, "", index});
        i = end + 1;
      }
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

std::optional<VariantRef> FollowPath(VariantRef v, const std::vector<PathStep>& path) {
  for (const auto& step : path) {
    if (step.is_key) {
      if (v.kind() != VariantKind::kObject) return std::nullopt;
      auto field = v.Find(step.key);
      if (!field) return std::nullopt;
      v = *field;
    } else {
      if (v.kind() != VariantKind::kArray || step.index >= v.size()) return std::nullopt;
      v = v.element(step.index);
    }
  }
  return v;
}

Status InvalidPath(const std::string& path, const std::string& function) {
  return SparkError(SparkExceptionKind::kRuntime, "INVALID_VARIANT_GET_PATH",
                    {{"path", path}, {"functionName", "`" + function + "`"}});
}

FunctionInfo VariantGet(const std::string& function, bool try_mode) {
  return ScalarInfo(
      function,
      function +
          "(v, path[, type]) - Extracts a sub-variant from `v` according to `path`, and then cast the sub-variant to "
          "`type`. When `type` is omitted, it is default to `variant`. " +
          (try_mode ? "Returns null if the path does not exist or the cast fails."
                    : "Returns null if the path does not exist. Throws an exception if the cast fails."),
      [function, try_mode](const std::string& called, std::vector<BoundExprPtr> args,
                           const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount(function, args, 2, 3));
        // Spark names the call by the variant and the path (the type is not a child).
        const std::string name = CallText(called, {args[0], args[1]});
        ARROW_RETURN_NOT_OK(RequireVariant(name, 0, &args[0], ctx));
        ARROW_RETURN_NOT_OK(CheckStringArgument(name, 1, *args[1]));
        // A constant path is parsed once (and a bad one refused here); a path
        // column is parsed row by row.
        std::string literal_path;
        bool null_path = false;
        std::optional<std::vector<PathStep>> fixed;
        const bool constant = LiteralString(*args[1], &literal_path, &null_path) != nullptr || null_path;
        if (constant && !null_path) {
          fixed = ParseVariantPath(literal_path);
          if (!fixed) return InvalidPath(literal_path, function);
        }
        TypePtr to = types::VariantType();
        if (args.size() == 3) {
          ARROW_ASSIGN_OR_RAISE(auto type_text, FoldableString(name, "type", *args[2], ctx));
          ARROW_ASSIGN_OR_RAISE(to, types::ParseDdlType(type_text));
          if (!CanCastFromVariant(*to)) {
            return AnalysisError("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
                                 {{"sqlExpr", Quoted(name)},
                                  {"srcType", "\"VARIANT\""},
                                  {"targetType", Quoted(types::SqlString(*to))}});
          }
        }
        return KernelCall(
            function, name, args, to, true,
            [fixed, constant, null_path, to, try_mode, function](const Args& a, int64_t length,
                                                                 const EvalContext& ctx) -> Result<Datum> {
              const int64_t rows = ResultRows(a, length);
              auto values = ArrayArgument(a[0], rows);
              VariantColumnReader reader(*values);
              StringArg paths(a[1]);
              std::unique_ptr<arrow::ArrayBuilder> out;
              ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), to, &out));
              std::optional<std::vector<PathStep>> row_path;
              for (int64_t i = 0; i < rows; ++i) {
                if (reader.IsNull(i) || null_path || (!constant && !paths.IsValid(i))) {
                  ARROW_RETURN_NOT_OK(out->AppendNull());
                  continue;
                }
                if (!constant) {
                  row_path = ParseVariantPath(paths.View(i));
                  if (!row_path) return InvalidPath(std::string(paths.View(i)), function);
                }
                const auto& path = constant ? *fixed : *row_path;
                ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
                auto found = FollowPath(v, path);
                if (!found) {
                  ARROW_RETURN_NOT_OK(out->AppendNull());
                  continue;
                }
                ARROW_RETURN_NOT_OK(AppendConverted(*found, to, !try_mode, ctx, out.get()));
              }
              return FinishResult(out->Finish(), AllScalars(a));
            });
      },
      /*can_fail=*/true);
}

// --- schema_of_variant ---------------------------------------------------------------------

FunctionInfo SchemaOfVariant() {
  return ScalarInfo(
      "schema_of_variant", "schema_of_variant(v) - Returns schema in the SQL format of a variant.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("schema_of_variant", args, 1, 1));
        const std::string name = CallText(called, args);
        ARROW_RETURN_NOT_OK(RequireVariant(name, 0, &args[0], ctx));
        return KernelCall("schema_of_variant", name, args, arrow::utf8(), args[0]->nullable,
                          [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            VariantColumnReader reader(*values);
                            arrow::StringBuilder out;
                            for (int64_t i = 0; i < rows; ++i) {
                              if (reader.IsNull(i)) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                                continue;
                              }
                              ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
                              ARROW_RETURN_NOT_OK(out.Append(VariantSchemaSql(*VariantSchema(v))));
                            }
                            return FinishResult(out.Finish(), AllScalars(a));
                          });
      });
}

// --- schema_of_variant_agg ----------------------------------------------------------------

/// Per group, the merged schema of its variants (VOID before any).
class SchemaOfVariantAccumulator : public plan::GroupedAccumulator {
 public:
  void Resize(int64_t num_groups) override { schemas_.resize(static_cast<size_t>(num_groups), arrow::null()); }
  Status Update(const std::vector<Datum>& args, const uint32_t* group_ids, int64_t num_rows,
                const EvalContext&) override {
    auto values = ArrayArgument(args[0], num_rows);
    VariantColumnReader reader(*values);
    for (int64_t i = 0; i < num_rows; ++i) {
      if (reader.IsNull(i)) continue;
      ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
      auto& schema = schemas_[group_ids[i]];
      schema = MergeVariantSchema(schema, VariantSchema(v));
    }
    return Status::OK();
  }
  Status Merge(const plan::GroupedAccumulator& other, const uint32_t* groups, const uint32_t* group_map,
               int64_t count, const EvalContext&) override {
    const auto& o = static_cast<const SchemaOfVariantAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      auto& schema = schemas_[group_map[i]];
      schema = MergeVariantSchema(schema, o.schemas_[g]);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::StringBuilder out;
    for (const auto& schema : schemas_) ARROW_RETURN_NOT_OK(out.Append(VariantSchemaSql(*schema)));
    return out.Finish();
  }
  int64_t MemoryUsage() const override { return CapacityBytes(schemas_); }

 private:
  std::vector<TypePtr> schemas_;
};

FunctionInfo SchemaOfVariantAgg() {
  FunctionInfo info;
  info.name = "schema_of_variant_agg";
  info.kind = FunctionKind::kAggregate;
  info.usage = "schema_of_variant_agg(v) - Returns the merged schema in the SQL format of a variant column.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<plan::BoundAggregate> {
    if (args.size() != 1) return WrongArgs(called, args.size(), "1");
    plan::BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    ARROW_RETURN_NOT_OK(RequireVariant(agg.name, 0, &args[0], ctx));
    agg.kernel = MakeFactoryKernel<SchemaOfVariantAccumulator>();
    agg.args = std::move(args);
    agg.distinct = distinct;
    agg.type = arrow::utf8();
    agg.nullable = false;
    return agg;
  };
  return info;
}

// --- to_variant_object ---------------------------------------------------------------------

FunctionInfo ToVariantObject() {
  return ScalarInfo(
      "to_variant_object",
      "to_variant_object(expr) - Convert a nested input (array/map/struct) into a variant where maps and structs are "
      "converted to variant objects which are unordered unlike SQL structs. Input maps can only have string keys.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("to_variant_object", args, 1, 1));
        const std::string name = CallText(called, args);
        const auto& type = *args[0]->type;
        const bool nested = type.id() == arrow::Type::LIST || type.id() == arrow::Type::MAP ||
                            (type.id() == arrow::Type::STRUCT && !types::IsVariant(type));
        if (!nested || !VariantCompatible(type, /*allow_void=*/true)) {
          return AnalysisError("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
                               {{"sqlExpr", Quoted(name)},
                                {"srcType", Quoted(types::SqlString(type))},
                                {"targetType", "\"VARIANT\""}});
        }
        return KernelCall("to_variant_object", name, args, types::VariantType(), args[0]->nullable,
                          [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto values = ArrayArgument(a[0], rows);
                            return FinishResult(ToVariantColumn(*values, "to_variant_object"), AllScalars(a));
                          });
      },
      /*can_fail=*/true);
}

// --- variant_explode ---------------------------------------------------------------------

TypePtr VariantExplodeType() {
  static auto type = arrow::list(arrow::field(
      "element",
      arrow::struct_({arrow::field("pos", arrow::int32(), false), arrow::field("key", arrow::utf8()),
                      arrow::field("value", types::VariantType(), false)}),
      false));
  return type;
}

/// Each row's fields / elements (pos, key or NULL, value with the row's
/// metadata); an empty list for anything else, SQL NULL included.
Result<Datum> VariantEntries(const Args& a, int64_t length) {
  const int64_t rows = ResultRows(a, length);
  auto values = ArrayArgument(a[0], rows);
  VariantColumnReader reader(*values);
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), VariantExplodeType(), &builder));
  auto* list = static_cast<arrow::ListBuilder*>(builder.get());
  auto* entry = static_cast<arrow::StructBuilder*>(list->value_builder());
  auto* pos = static_cast<arrow::Int32Builder*>(entry->field_builder(0));
  auto* key = static_cast<arrow::StringBuilder*>(entry->field_builder(1));
  auto* variant = static_cast<arrow::StructBuilder*>(entry->field_builder(2));
  auto* value = static_cast<arrow::BinaryBuilder*>(variant->field_builder(0));
  auto* metadata = static_cast<arrow::BinaryBuilder*>(variant->field_builder(1));
  for (int64_t i = 0; i < rows; ++i) {
    ARROW_RETURN_NOT_OK(list->Append());
    if (reader.IsNull(i)) continue;
    ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
    const VariantKind kind = v.kind();
    if (kind != VariantKind::kObject && kind != VariantKind::kArray) continue;
    const int64_t n = v.size();
    for (int64_t k = 0; k < n; ++k) {
      ARROW_RETURN_NOT_OK(entry->Append());
      ARROW_RETURN_NOT_OK(pos->Append(static_cast<int32_t>(k)));
      if (kind == VariantKind::kObject) {
        ARROW_RETURN_NOT_OK(key->Append(v.key(k)));
      } else {
        ARROW_RETURN_NOT_OK(key->AppendNull());
      }
      ARROW_RETURN_NOT_OK(variant->Append());
      ARROW_RETURN_NOT_OK(value->Append(v.field(k).bytes()));
      ARROW_RETURN_NOT_OK(metadata->Append(v.metadata()));
    }
  }
  return FinishResult(builder->Finish(), AllScalars(a));
}

}  // namespace

// --- casts ---------------------------------------------------------------------------------

Result<std::shared_ptr<arrow::Array>> CastVariantArray(const arrow::Array& variants, const TypePtr& to, bool fail,
                                                       const EvalContext& ctx) {
  VariantColumnReader reader(variants);
  const bool as_string = to->id() == arrow::Type::STRING;
  std::unique_ptr<arrow::ArrayBuilder> out;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), to, &out));
  for (int64_t i = 0; i < variants.length(); ++i) {
    if (reader.IsNull(i)) {
      ARROW_RETURN_NOT_OK(out->AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
    if (as_string && v.kind() == VariantKind::kString) {
      ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(out.get())->Append(v.string()));
      continue;
    }
    ARROW_RETURN_NOT_OK(AppendConverted(v, to, fail, ctx, out.get()));
  }
  return out->Finish();
}

bool CanCastToVariant(const arrow::DataType& from) {
  if (from.id() == arrow::Type::LIST) return CanCastToVariant(*from.field(0)->type());
  return types::IsVariant(from) || AtomicForVariant(from);
}

bool CanCastFromVariant(const arrow::DataType& to) { return VariantCompatible(to, /*allow_void=*/false); }

Result<std::shared_ptr<arrow::Array>> CastToVariantArray(const arrow::Array& values, const EvalContext&) {
  return ToVariantColumn(values, "cast");
}

/// to_json(variant): Spark's VariantUtil.toJson.
Result<std::shared_ptr<arrow::Array>> VariantJsonTexts(const arrow::Array& variants, const EvalContext& ctx) {
  VariantColumnReader reader(variants);
  arrow::StringBuilder out;
  std::string json;
  for (int64_t i = 0; i < variants.length(); ++i) {
    if (reader.IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto v, reader.Get(i));
    json.clear();
    ARROW_RETURN_NOT_OK(AppendVariantJson(v, ctx.session_time_zone, &json));
    ARROW_RETURN_NOT_OK(out.Append(json));
  }
  return out.Finish();
}

bool IsVariantExplode(const std::string& name) {
  return sql::EqualsIgnoreCase(name, "variant_explode") || sql::EqualsIgnoreCase(name, "variant_explode_outer");
}

Result<BoundExprPtr> VariantExplodeAsArray(const std::string& name, std::vector<BoundExprPtr> args,
                                           const EvalContext& ctx) {
  if (args.size() != 1) return WrongArgumentCount("variant_explode", "1", args.size());
  ARROW_RETURN_NOT_OK(RequireVariant(name, 0, &args[0], ctx));
  return KernelCall("variant_explode", name, args, VariantExplodeType(), false,
                    [](const Args& a, int64_t length, const EvalContext&) { return VariantEntries(a, length); });
}

void RegisterVariantFunctions(FunctionRegistry& registry) {
  registry.Add(ParseJson("parse_json", false));
  registry.Add(ParseJson("try_parse_json", true));
  registry.Add(IsVariantNull());
  registry.Add(VariantGet("variant_get", false));
  registry.Add(VariantGet("try_variant_get", true));
  registry.Add(SchemaOfVariant());
  registry.Add(SchemaOfVariantAgg());
  registry.Add(ToVariantObject());
}

}  // namespace sk8::functions
