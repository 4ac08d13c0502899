#include "functions/string_util.h"

#include "functions/cast.h"
#include "types/spark_types.h"

namespace sk8::functions {

std::vector<std::string_view> Utf8Chars(std::string_view text) {
  std::vector<std::string_view> chars;
  chars.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = std::min<size_t>(Utf8CharBytes(static_cast<unsigned char>(text[i])), text.size() - i);
    chars.push_back(text.substr(i, n));
    i += n;
  }
  return chars;
}

int32_t DecodeUtf8(std::string_view text, size_t* i) {
  const auto lead = static_cast<unsigned char>(text[*i]);
  const int n = Utf8CharBytes(lead);
  if (n == 1 || *i + n > text.size()) {
    ++*i;
    return lead < 0x80 ? lead : 0xFFFD;
  }
  int32_t cp = lead & (0x7F >> n);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[*i + k]) & 0x3F);
  *i += n;
  return cp;
}

Status CheckArgCount(const std::string& function, size_t actual, size_t min, size_t max) {
  if (actual >= min && actual <= max) return Status::OK();
  std::string expected = min == max ? std::to_string(min)
                         : max == SIZE_MAX ? "> " + std::to_string(min - 1)
                                           : "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                       {{"functionName", "`" + function + "`"}, {"expectedNum", expected},
                        {"actualNum", std::to_string(actual)}, {"docroot", "https://spark.apache.org/docs/latest"}});
}

namespace {
bool IsNested(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::STRUCT:
    case arrow::Type::MAP: return true;
    default: return false;
  }
}
}  // namespace

Status CoerceArgs(const std::string& sql_name, std::vector<BoundExprPtr>* args, const std::vector<ArgKind>& kinds,
                  const EvalContext& ctx) {
  for (size_t i = 0; i < args->size(); ++i) {
    auto& arg = (*args)[i];
    const ArgKind kind = kinds.empty() ? ArgKind::kAny : kinds[std::min(i, kinds.size() - 1)];
    const auto& type = *arg->type;
    const bool is_string = types::IsStringLike(type);
    const bool is_binary = type.id() == arrow::Type::BINARY;
    std::shared_ptr<arrow::DataType> target;
    switch (kind) {
      case ArgKind::kAny: continue;
      case ArgKind::kString:
        if (is_string) continue;
        if (IsNested(type)) return UnexpectedInputType(sql_name, static_cast<int>(i), "\"STRING\"", *arg);
        target = arrow::utf8();
        break;
      case ArgKind::kStringOrBinary:
        if (is_string || is_binary) continue;
        if (IsNested(type)) {
          return UnexpectedInputType(sql_name, static_cast<int>(i), "(\"STRING\" or \"BINARY\")", *arg);
        }
        target = arrow::utf8();
        break;
      case ArgKind::kStringOrArray:
        if (is_string) continue;
        if (type.id() == arrow::Type::LIST && types::IsStringLike(*type.field(0)->type())) continue;
        if (IsNested(type)) {
          return UnexpectedInputType(sql_name, static_cast<int>(i), "(\"ARRAY<STRING>\" or \"STRING\")", *arg);
        }
        target = arrow::utf8();
        break;
      case ArgKind::kBinary:
        if (is_binary) continue;
        if (!is_string && type.id() != arrow::Type::NA) {
          return UnexpectedInputType(sql_name, static_cast<int>(i), "\"BINARY\"", *arg);
        }
        target = arrow::binary();
        break;
      case ArgKind::kInt:
      case ArgKind::kLong: {
        const bool is_int = kind == ArgKind::kInt;
        if (type.id() == (is_int ? arrow::Type::INT32 : arrow::Type::INT64)) continue;
        if (!types::IsNumeric(type) && !is_string && type.id() != arrow::Type::NA) {
          return UnexpectedInputType(sql_name, static_cast<int>(i), is_int ? "\"INT\"" : "\"BIGINT\"", *arg);
        }
        target = is_int ? arrow::int32() : arrow::int64();
        break;
      }
    }
    ARROW_ASSIGN_OR_RAISE(arg, BindCast(arg, target, plan::CastMode::kDefault, /*implicit=*/true, ctx));
  }
  return Status::OK();
}

bool LiteralString(const plan::BoundExpr& arg, std::string* out) {
  if (arg.kind != plan::BoundKind::kLiteral || !arg.literal->is_valid) return false;
  if (!types::IsStringLike(*arg.literal->type) && arg.literal->type->id() != arrow::Type::BINARY) return false;
  *out = std::string(static_cast<const arrow::BaseBinaryScalar&>(*arg.literal).view());
  return true;
}

BoundExprPtr StringLiteral(const std::string& value) {
  return plan::BoundExpr::Literal(std::make_shared<arrow::StringScalar>(value), value);
}

BoundExprPtr IntLiteral(int32_t value) {
  return plan::BoundExpr::Literal(arrow::MakeScalar(value), std::to_string(value));
}

StringFunctionSpec Spec(std::string name, std::string usage, size_t min_args, size_t max_args,
                        std::vector<ArgKind> kinds, std::shared_ptr<arrow::DataType> result_type) {
  StringFunctionSpec spec;
  spec.name = std::move(name);
  spec.usage = std::move(usage);
  spec.min_args = min_args;
  spec.max_args = max_args;
  spec.kinds = std::move(kinds);
  spec.result_type = std::move(result_type);
  return spec;
}

FunctionInfo MakeStringFunction(StringFunctionSpec spec) {
  FunctionInfo info;
  info.name = spec.name;
  info.aliases = spec.aliases;
  info.usage = spec.usage;
  info.can_fail = spec.can_fail;
  info.null_intolerant = spec.null_intolerant;
  info.bind_scalar = [spec = std::move(spec), info_copy = info](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext& ctx) -> Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(spec.name, args.size(), spec.min_args, spec.max_args));
    for (size_t i = args.size(); i - spec.min_args < spec.defaults.size() && i < spec.max_args; ++i) {
      args.push_back(spec.defaults[i - spec.min_args]);
    }
    std::string name = spec.column_name ? spec.column_name(called, args) : CallName(info_copy, called, args);
    ARROW_RETURN_NOT_OK(CoerceArgs(name, &args, spec.kinds, ctx));
    ARROW_ASSIGN_OR_RAISE(auto fn, spec.make_kernel(args, ctx));
    bool nullable = false;
    if (spec.nullable) {
      nullable = spec.nullable(args);
    } else {
      for (const auto& a : args) nullable |= a->nullable;
    }
    return plan::BoundExpr::Call(spec.name, std::make_shared<LambdaKernel>(std::move(fn)), std::move(args),
                                 spec.result_type, nullable, name);
  };
  return info;
}

}  // namespace sk8::functions
