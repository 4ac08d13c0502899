// CASE WHEN (the client's `when`), IN and LIKE. CASE WHEN is evaluated lazily by
// the expression executor (each branch only for the rows that reach it), so a
// guarded `CASE WHEN x <> 0 THEN 1 / x END` never divides by zero.
#include <cstring>

#include <arrow/compute/api.h>
#include <arrow/util/bitmap_ops.h>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

// The common type of CASE branches / IN values: equal types, NULLs, or numbers
// widened; anything else is DATATYPE_MISMATCH.
std::shared_ptr<arrow::DataType> CommonType(const std::vector<BoundExprPtr>& values) {
  std::shared_ptr<arrow::DataType> common;
  for (const auto& v : values) {
    if (v->type->id() == arrow::Type::NA) continue;
    if (!common) {
      common = v->type;
    } else {
      common = WiderType(common, v->type);
      if (!common) return nullptr;
    }
  }
  return common ? common : arrow::null();
}

class NotDirectlyCallable : public plan::ScalarKernel {
 public:
  Result<Datum> Execute(const std::vector<Datum>&, int64_t, const EvalContext&) const override {
    return InternalError("CASE WHEN is evaluated by the expression executor");
  }
};

FunctionInfo CaseWhen() {
  FunctionInfo info;
  info.name = "when";
  info.can_fail = false;
  info.aliases = {"casewhen"};
  info.usage = "CASE WHEN expr1 THEN expr2 [WHEN expr3 THEN expr4]* [ELSE expr5] END";
  info.bind_scalar = [](const std::string&, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() < 2) return InternalError("CASE WHEN needs a condition and a value");
    bool has_else = args.size() % 2 == 1;
    std::string name = "CASE";
    std::vector<BoundExprPtr> values;
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
      name += " WHEN " + args[i]->name + " THEN " + args[i + 1]->name;
      values.push_back(args[i + 1]);
    }
    if (has_else) {
      name += " ELSE " + args.back()->name;
      values.push_back(args.back());
    }
    name += " END";
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
      if (args[i]->type->id() == arrow::Type::NA) {
        ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], arrow::boolean(), plan::CastMode::kDefault, true, ctx));
      } else if (args[i]->type->id() != arrow::Type::BOOL) {
        return UnexpectedInputType(name, static_cast<int>(i), "\"BOOLEAN\"", *args[i]);
      }
    }
    auto type = CommonType(values);
    if (!type) {
      return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                           {{"sqlExpr", "\"" + name + "\""}, {"functionName", "`casewhen`"},
                            {"dataType", "[" + types::SqlString(*values[0]->type) + ", ...]"}});
    }
    bool nullable = !has_else;
    for (size_t i = 1; i < args.size(); i += 2) {
      ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], type, plan::CastMode::kDefault, true, ctx));
      nullable |= args[i]->nullable;
    }
    if (has_else) {
      ARROW_ASSIGN_OR_RAISE(args.back(), BindCast(args.back(), type, plan::CastMode::kDefault, true, ctx));
      nullable |= args.back()->nullable;
    }
    return BoundExpr::Call("when", std::make_shared<NotDirectlyCallable>(), std::move(args), type, nullable, name);
  };
  return info;
}

// x IN (v1, v2, ...): TRUE on a match, NULL when x is NULL or no match but a NULL
// in the list, FALSE otherwise.
Result<Datum> EvaluateIn(const std::vector<Datum>& args, int64_t length) {
  bool scalar_output = AllScalars(args);
  int64_t n = scalar_output ? 1 : length;
  arrow::BooleanBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(n));
  std::vector<std::shared_ptr<arrow::BooleanArray>> comparisons;
  for (size_t i = 1; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(Datum eq, SparkEqual(args[0], args[i], *args[0].type(), n));
    std::shared_ptr<arrow::Array> array;
    if (eq.is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*eq.scalar(), n));
    } else {
      array = eq.make_array();
    }
    comparisons.push_back(std::static_pointer_cast<arrow::BooleanArray>(array));
  }
  for (int64_t r = 0; r < n; ++r) {
    bool any_true = false, any_null = false;
    for (const auto& c : comparisons) {
      if (c->IsNull(r)) {
        any_null = true;
      } else if (c->Value(r)) {
        any_true = true;
        break;
      }
    }
    if (any_true) {
      builder.UnsafeAppend(true);
    } else if (any_null) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(false);
    }
  }
  return FinishResult(builder.Finish(), scalar_output);
}

// The list of an IN as one array when every item is a literal and the type
// compares by its bits (not floating point: Spark's IN has NaN = NaN and
// 0.0 = -0.0); nullptr otherwise.
Result<std::shared_ptr<arrow::Array>> LiteralValueSet(const std::vector<BoundExprPtr>& args,
                                                      const arrow::DataType& type) {
  if (arrow::is_floating(type.id()) || type.id() == arrow::Type::NA || arrow::is_nested(type.id())) return nullptr;
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), args[0]->type, &builder));
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i]->kind != plan::BoundKind::kLiteral || !args[i]->literal->type->Equals(*args[0]->type)) return nullptr;
    ARROW_RETURN_NOT_OK(builder->AppendScalar(*args[i]->literal));
  }
  std::shared_ptr<arrow::Array> values;
  ARROW_RETURN_NOT_OK(builder->Finish(&values));
  return values;
}

/// IN over a few non-NULL string literals (TPC-H's `l_shipmode IN ('MAIL',
/// 'SHIP')`): comparing each value with each literal, length first, costs less
/// than hashing it for a set lookup. NULL in, NULL out.
constexpr int64_t kMaxLinearInStrings = 8;

class SmallStringInKernel final : public plan::ScalarKernel {
 public:
  explicit SmallStringInKernel(const arrow::StringArray& values) {
    for (int64_t i = 0; i < values.length(); ++i) literals_.emplace_back(values.GetView(i));
  }

  Result<Datum> Execute(const std::vector<Datum>& args, int64_t, const EvalContext&) const override {
    if (args[0].is_scalar()) {
      const auto& scalar = static_cast<const arrow::StringScalar&>(*args[0].scalar());
      if (!scalar.is_valid) return Datum(std::make_shared<arrow::BooleanScalar>());
      return Datum(std::make_shared<arrow::BooleanScalar>(Contains(scalar.view())));
    }
    const auto& input = *args[0].array();
    const arrow::StringArray strings(args[0].array());
    const int64_t n = input.length;
    ARROW_ASSIGN_OR_RAISE(auto bits, arrow::AllocateBitmap(n));
    uint8_t* out = bits->mutable_data();
    std::memset(out, 0, arrow::bit_util::BytesForBits(n));
    for (int64_t i = 0; i < n; ++i) {
      if (Contains(strings.GetView(i))) arrow::bit_util::SetBit(out, i);
    }
    std::shared_ptr<arrow::Buffer> validity;
    if (input.GetNullCount() > 0) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(),
                                                                  input.buffers[0]->data(), input.offset, n));
    }
    return Datum(arrow::ArrayData::Make(arrow::boolean(), n, {std::move(validity), std::move(bits)},
                                        input.GetNullCount()));
  }

 private:
  bool Contains(std::string_view value) const {
    for (const auto& literal : literals_) {
      if (value.size() == literal.size() && std::memcmp(value.data(), literal.data(), value.size()) == 0) return true;
    }
    return false;
  }

  std::vector<std::string> literals_;
};

FunctionInfo In() {
  FunctionInfo info;
  info.name = "in";
  info.can_fail = false;
  info.usage = "expr1 IN (expr2, expr3, ...) - Returns true if `expr1` equals any value.";
  info.bind_scalar = [](const std::string&, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.empty()) return InternalError("IN needs a value");
    std::string name = "(" + args[0]->name + " IN (";
    for (size_t i = 1; i < args.size(); ++i) name += (i > 1 ? ", " : "") + args[i]->name;
    name += "))";
    // Each list value meets the value as in `value = element` (strings promoted).
    std::shared_ptr<arrow::DataType> type = args[0]->type;
    for (size_t i = 1; i < args.size() && type; ++i) type = ComparisonType(type, args[i]->type);
    if (!type) {
      return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                           {{"sqlExpr", "\"" + name + "\""}, {"functionName", "`in`"},
                            {"dataType", "[" + types::SqlString(*args[0]->type) + ", ...]"}});
    }
    bool nullable = false;
    for (auto& a : args) {
      ARROW_ASSIGN_OR_RAISE(a, BindCast(a, type, plan::CastMode::kDefault, true, ctx));
      nullable |= a->nullable;
    }
    ARROW_ASSIGN_OR_RAISE(auto value_set, LiteralValueSet(args, *type));
    if (value_set && value_set->type_id() == arrow::Type::STRING && value_set->null_count() == 0 &&
        value_set->length() <= kMaxLinearInStrings) {
      auto kernel = std::make_shared<SmallStringInKernel>(static_cast<const arrow::StringArray&>(*value_set));
      return BoundExpr::Call("in", kernel, std::move(args), arrow::boolean(), nullable, name);
    }
    if (value_set) {
      // A list of literals: one hash lookup per row. INCONCLUSIVE gives SQL's
      // answer: NULL for a NULL value, and for no match when the list holds a NULL.
      auto options = std::make_shared<arrow::compute::SetLookupOptions>(
          value_set, arrow::compute::SetLookupOptions::INCONCLUSIVE);
      auto kernel = std::make_shared<LambdaKernel>(
          [options](const std::vector<Datum>& a, int64_t, const EvalContext&) {
            return arrow::compute::CallFunction("is_in", {a[0]}, options.get());
          });
      return BoundExpr::Call("in", kernel, std::move(args), arrow::boolean(), nullable, name);
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t length, const EvalContext&) { return EvaluateIn(a, length); });
    return BoundExpr::Call("in", kernel, std::move(args), arrow::boolean(), nullable, name);
  };
  return info;
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry& registry) {
  registry.Add(CaseWhen());
  registry.Add(In());
}

}  // namespace sk8::functions
