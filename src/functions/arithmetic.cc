// Arithmetic operators: + - * / % and unary minus, with Spark's type coercion
// and ANSI overflow / division-by-zero errors (NULL instead when ANSI is off).
#include <arrow/compute/api.h>

#include <cmath>
#include <limits>

#include "functions/cast.h"
#include "functions/datetime_util.h"
#include "functions/decimal_arithmetic.h"
#include "functions/time_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

enum class ArithOp { kAdd, kSubtract, kMultiply, kDivide, kRemainder };

const char* TryFunctionName(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd: return "try_add";
    case ArithOp::kSubtract: return "try_subtract";
    case ArithOp::kMultiply: return "try_multiply";
    case ArithOp::kDivide: return "try_divide";
    case ArithOp::kRemainder: return "try_mod";
  }
  return "try_add";
}

std::string OverflowWord(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return "byte";
    case arrow::Type::INT16: return "short";
    case arrow::Type::INT32: return "integer";
    default: return "long";
  }
}

Status OverflowError(ArithOp op, const arrow::DataType& type) {
  return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                    {{"message", OverflowWord(type) + " overflow"},
                     {"alternative", std::string(" Use '") + TryFunctionName(op) +
                                         "' to tolerate overflow and return NULL instead."},
                     {"config", "\"spark.sql.ansi.enabled\""}});
}

Status DivideByZero(ArithOp op) {
  return SparkError(SparkExceptionKind::kArithmetic, op == ArithOp::kRemainder ? "REMAINDER_BY_ZERO" : "DIVIDE_BY_ZERO",
                    {{"config", "\"spark.sql.ansi.enabled\""}});
}

// Returns false on overflow (integral types only).
template <typename T>
bool Apply(ArithOp op, T a, T b, T* out) {
  if constexpr (std::is_integral_v<T>) {
    switch (op) {
      case ArithOp::kAdd: return !__builtin_add_overflow(a, b, out);
      case ArithOp::kSubtract: return !__builtin_sub_overflow(a, b, out);
      case ArithOp::kMultiply: return !__builtin_mul_overflow(a, b, out);
      case ArithOp::kDivide: *out = a / b; return true;
      case ArithOp::kRemainder:
        *out = (b == -1) ? 0 : static_cast<T>(a % b);  // MIN % -1 is 0, not a trap
        return true;
    }
  } else {
    switch (op) {
      case ArithOp::kAdd: *out = a + b; return true;
      case ArithOp::kSubtract: *out = a - b; return true;
      case ArithOp::kMultiply: *out = a * b; return true;
      case ArithOp::kDivide: *out = a / b; return true;
      case ArithOp::kRemainder: *out = std::fmod(a, b); return true;
    }
  }
  return true;
}

template <typename ArrowType>
Result<Datum> ExecuteBinary(ArithOp op, const std::vector<Datum>& args, int64_t length,
                            const plan::EvalContext& ctx) {
  using T = typename ArrowType::c_type;
  NumericArg<ArrowType> left(args[0]);
  NumericArg<ArrowType> right(args[1]);
  bool scalar_output = AllScalars(args);
  int64_t n = scalar_output ? 1 : length;
  auto type = arrow::TypeTraits<ArrowType>::type_singleton();
  arrow::NumericBuilder<ArrowType> builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(n));
  const bool checks_zero = op == ArithOp::kDivide || op == ArithOp::kRemainder;
  for (int64_t i = 0; i < n; ++i) {
    if (!left.IsValid(i) || !right.IsValid(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    T a = left.Value(i), b = right.Value(i);
    if (checks_zero && b == 0) {
      if (ctx.ansi) return DivideByZero(op);
      builder.UnsafeAppendNull();
      continue;
    }
    T out{};
    if (!Apply(op, a, b, &out)) {
      if (ctx.ansi) return OverflowError(op, *type);
      builder.UnsafeAppendNull();
      continue;
    }
    builder.UnsafeAppend(out);
  }
  return FinishResult(builder.Finish(), scalar_output);
}

Result<Datum> DispatchBinary(ArithOp op, const arrow::DataType& type, const std::vector<Datum>& args,
                             int64_t length, const plan::EvalContext& ctx) {
  switch (type.id()) {
    case arrow::Type::INT8: return ExecuteBinary<arrow::Int8Type>(op, args, length, ctx);
    case arrow::Type::INT16: return ExecuteBinary<arrow::Int16Type>(op, args, length, ctx);
    case arrow::Type::INT32: return ExecuteBinary<arrow::Int32Type>(op, args, length, ctx);
    case arrow::Type::INT64: return ExecuteBinary<arrow::Int64Type>(op, args, length, ctx);
    case arrow::Type::FLOAT: return ExecuteBinary<arrow::FloatType>(op, args, length, ctx);
    case arrow::Type::DOUBLE: return ExecuteBinary<arrow::DoubleType>(op, args, length, ctx);
    default: return Unsupported("arithmetic on " + types::SqlString(type));
  }
}

template <typename ArrowType>
Result<Datum> ExecuteNegate(const std::vector<Datum>& args, int64_t length, const plan::EvalContext& ctx) {
  using T = typename ArrowType::c_type;
  NumericArg<ArrowType> in(args[0]);
  bool scalar_output = AllScalars(args);
  int64_t n = scalar_output ? 1 : length;
  arrow::NumericBuilder<ArrowType> builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(n));
  for (int64_t i = 0; i < n; ++i) {
    if (!in.IsValid(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    T v = in.Value(i);
    if constexpr (std::is_integral_v<T>) {
      if (v == std::numeric_limits<T>::min()) {
        if (ctx.ansi) {
          return OverflowError(ArithOp::kSubtract, *arrow::TypeTraits<ArrowType>::type_singleton());
        }
        builder.UnsafeAppend(v);
        continue;
      }
    }
    builder.UnsafeAppend(static_cast<T>(-v));
  }
  return FinishResult(builder.Finish(), scalar_output);
}

// The DECIMAL an operand takes in decimal arithmetic. Integer literals take
// just the digits they have (Spark's DecimalType.fromLiteral): `price * 3`
// multiplies by DECIMAL(1,0), not DECIMAL(10,0).
std::shared_ptr<arrow::DataType> OperandDecimalType(const BoundExpr& operand, const BoundExpr& other) {
  if (operand.type->id() == arrow::Type::NA) return AsDecimalType(other.type);
  if (operand.kind == plan::BoundKind::kLiteral && operand.literal->is_valid && types::IsIntegral(*operand.type)) {
    auto value = arrow::compute::Cast(arrow::Datum(operand.literal), arrow::int64());
    if (value.ok()) {
      int64_t v = static_cast<const arrow::Int64Scalar&>(*value->scalar()).value;
      std::string digits = std::to_string(v < 0 ? -(v + 1) + 1 : v);
      if (v == INT64_MIN) digits = "9223372036854775808";
      return arrow::decimal128(static_cast<int32_t>(digits.size()), 0);
    }
  }
  return AsDecimalType(operand.type);
}

// DATE / TIMESTAMP +/- INTERVAL and DATE / TIMESTAMP differences: datetime_arithmetic.cc.
Result<BoundExprPtr> BindDateInterval(ArithOp op, std::vector<BoundExprPtr>& args, const std::string& name,
                                      const EvalContext& ctx) {
  if (op != ArithOp::kAdd && op != ArithOp::kSubtract) return BoundExprPtr();
  return BindDateTimeArithmetic(op == ArithOp::kSubtract, args, name, ctx);
}

bool IsNumericOrNull(const arrow::DataType& t) {
  return NumericRank(t) > 0 || t.id() == arrow::Type::NA || t.id() == arrow::Type::DECIMAL128;
}

FunctionInfo BinaryArithmetic(std::string name, std::vector<std::string> aliases, std::string symbol, ArithOp op,
                              std::string usage, NameStyle style = NameStyle::kInfix) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.name_style = style;
  info.sql_symbol = std::move(symbol);
  info.usage = std::move(usage);
  info.null_intolerant = true;
  const std::string sql_symbol = info.sql_symbol;
  info.bind_scalar = [op, sql_symbol, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) {
      return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                           {{"functionName", "`" + called + "`"}, {"expectedNum", "2"},
                            {"actualNum", std::to_string(args.size())}, {"docroot", "https://spark.apache.org/docs/latest"}});
    }
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(auto date_math, BindDateInterval(op, args, name, ctx));
    if (date_math) return date_math;
    // Spark's ANSI coercion reads a string beside a number as BIGINT (beside an
    // integral type) or DOUBLE (beside a fractional or decimal one); text that is
    // no such number fails at run time (CAST_INVALID_INPUT).
    for (int i = 0; i < 2; ++i) {
      const auto& other = *args[1 - i]->type;
      bool number = NumericRank(other) > 0 || other.id() == arrow::Type::DECIMAL128;
      if (types::IsStringLike(*args[i]->type) && number) {
        bool fractional = types::IsFractional(other) || other.id() == arrow::Type::DECIMAL128;
        ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], fractional ? arrow::float64() : arrow::int64(),
                                                plan::CastMode::kDefault, /*implicit=*/true, ctx));
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (!IsNumericOrNull(*args[i]->type)) {
        std::string required = op == ArithOp::kDivide ? "(\"DOUBLE\" or \"DECIMAL\")" : "\"NUMERIC\"";
        if (args[0]->type->Equals(*args[1]->type) || args[1 - i]->type->id() == arrow::Type::NA) {
          return UnexpectedInputType(name, i, required, *args[i]);
        }
        return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
                             {{"sqlExpr", "\"" + name + "\""},
                              {"left", "\"" + types::SqlString(*args[0]->type) + "\""},
                              {"right", "\"" + types::SqlString(*args[1]->type) + "\""}});
      }
    }
    bool decimal = args[0]->type->id() == arrow::Type::DECIMAL128 || args[1]->type->id() == arrow::Type::DECIMAL128;
    bool floating = types::IsFractional(*args[0]->type) || types::IsFractional(*args[1]->type);
    if (decimal && !floating) {
      // DECIMAL with DECIMAL or integral operands: exact decimal arithmetic.
      auto left_type = OperandDecimalType(*args[0], *args[1]);
      auto right_type = OperandDecimalType(*args[1], *args[0]);
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], left_type, plan::CastMode::kDefault, true, ctx));
      ARROW_ASSIGN_OR_RAISE(args[1], BindCast(args[1], right_type, plan::CastMode::kDefault, true, ctx));
      DecimalOp dop = op == ArithOp::kAdd        ? DecimalOp::kAdd
                      : op == ArithOp::kSubtract ? DecimalOp::kSubtract
                      : op == ArithOp::kMultiply ? DecimalOp::kMultiply
                      : op == ArithOp::kDivide   ? DecimalOp::kDivide
                                                 : DecimalOp::kRemainder;
      auto result_type = DecimalResultType(dop, static_cast<const arrow::Decimal128Type&>(*left_type),
                                           static_cast<const arrow::Decimal128Type&>(*right_type));
      auto kernel = std::make_shared<LambdaKernel>(
          [dop, result_type](const std::vector<Datum>& a, int64_t length, const EvalContext& c) {
            return EvaluateDecimal(dop, a, length, result_type, c);
          });
      // + - * fail loudly under ANSI instead of yielding NULL; / and % are always nullable.
      bool decimal_nullable = args[0]->nullable || args[1]->nullable || !ctx.ansi || op == ArithOp::kDivide ||
                              op == ArithOp::kRemainder;
      return BoundExpr::Call(info_copy.name, kernel, std::move(args), result_type, decimal_nullable, name);
    }
    for (auto& arg : args) {
      if (arg->type->id() == arrow::Type::DECIMAL128) {
        ARROW_ASSIGN_OR_RAISE(arg, BindCast(arg, arrow::float64(), plan::CastMode::kDefault, true, ctx));
      }
    }
    std::shared_ptr<arrow::DataType> type;
    if (args[0]->type->id() == arrow::Type::NA && args[1]->type->id() == arrow::Type::NA) {
      type = op == ArithOp::kDivide ? arrow::float64() : arrow::float64();
    } else {
      type = WiderNumericType(args[0]->type, args[1]->type);
    }
    if (op == ArithOp::kDivide) type = arrow::float64();
    for (auto& arg : args) {
      ARROW_ASSIGN_OR_RAISE(arg, BindCast(arg, type, plan::CastMode::kDefault, /*implicit=*/true, ctx));
    }
    bool nullable = args[0]->nullable || args[1]->nullable || op == ArithOp::kDivide ||
                    op == ArithOp::kRemainder || !ctx.ansi;
    auto kernel = std::make_shared<LambdaKernel>(
        [op, type](const std::vector<Datum>& a, int64_t length, const EvalContext& c) {
          return DispatchBinary(op, *type, a, length, c);
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, nullable, name);
  };
  return info;
}

}  // namespace

FunctionInfo Negation(std::string name, NameStyle style, std::string usage);

void RegisterArithmeticFunctions(FunctionRegistry& registry) {
  registry.Add(BinaryArithmetic("+", {"add"}, "+", ArithOp::kAdd, "expr1 + expr2 - Returns `expr1`+`expr2`."));
  registry.Add(BinaryArithmetic("-", {"subtract"}, "-", ArithOp::kSubtract, "expr1 - expr2 - Returns `expr1`-`expr2`."));
  registry.Add(BinaryArithmetic("*", {"multiply"}, "*", ArithOp::kMultiply, "expr1 * expr2 - Returns `expr1`*`expr2`."));
  registry.Add(BinaryArithmetic("/", {"divide"}, "/", ArithOp::kDivide, "expr1 / expr2 - Returns `expr1`/`expr2`. It always performs floating point division."));
  registry.Add(BinaryArithmetic("%", {}, "%", ArithOp::kRemainder, "expr1 % expr2 - Returns the remainder after `expr1`/`expr2`."));
  // mod(a, b) is a % b named as a function call.
  registry.Add(BinaryArithmetic("mod", {}, "%", ArithOp::kRemainder, "mod(expr1, expr2) - Returns the remainder after `expr1`/`expr2`.",
                                NameStyle::kFunction));

  // -col in the DataFrame API is named "negative(a)"; SQL's -a is "(- a)".
  registry.Add(Negation("negative", NameStyle::kFunction, "negative(expr) - Returns the negated value of `expr`."));
  registry.Add(Negation("unary_minus", NameStyle::kPrefix, "- expr - Returns the negated value of `expr`."));
}

FunctionInfo Negation(std::string name, NameStyle style, std::string usage) {
  FunctionInfo negative;
  negative.name = std::move(name);
  negative.name_style = style;
  negative.sql_symbol = "-";
  negative.usage = std::move(usage);
  negative.null_intolerant = true;
  negative.bind_scalar = [info = negative](const std::string& called, std::vector<BoundExprPtr> args,
                                           const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return InternalError("negative takes one argument");
    std::string name = CallName(info, called, args);
    const auto& type = args[0]->type;
    if (type->id() == arrow::Type::DECIMAL128) {
      // Same precision and scale; a negated decimal always fits.
      auto kernel = std::make_shared<LambdaKernel>(
          [](const std::vector<Datum>& a, int64_t, const EvalContext&) -> Result<Datum> {
            return arrow::compute::CallFunction("negate", {a[0]});
          });
      if (args[0]->kind == plan::BoundKind::kLiteral) {
        ARROW_ASSIGN_OR_RAISE(auto folded, arrow::compute::CallFunction("negate", {Datum(args[0]->literal)}));
        return BoundExpr::Literal(folded.scalar(), name);
      }
      bool nullable = args[0]->nullable;
      return BoundExpr::Call(info.name, kernel, std::move(args), type, nullable, name);
    }
    if (NumericRank(*type) == 0) return UnexpectedInputType(name, 0, "\"NUMERIC\"", *args[0]);
    // Fold negated literals; the name stays "negative(1)" as in Spark.
    if (args[0]->kind == plan::BoundKind::kLiteral) {
      EvalContext c = ctx;
      auto folded = [&]() -> Result<Datum> {
        switch (type->id()) {
          case arrow::Type::INT8: return ExecuteNegate<arrow::Int8Type>({Datum(args[0]->literal)}, 1, c);
          case arrow::Type::INT16: return ExecuteNegate<arrow::Int16Type>({Datum(args[0]->literal)}, 1, c);
          case arrow::Type::INT32: return ExecuteNegate<arrow::Int32Type>({Datum(args[0]->literal)}, 1, c);
          case arrow::Type::INT64: return ExecuteNegate<arrow::Int64Type>({Datum(args[0]->literal)}, 1, c);
          case arrow::Type::FLOAT: return ExecuteNegate<arrow::FloatType>({Datum(args[0]->literal)}, 1, c);
          default: return ExecuteNegate<arrow::DoubleType>({Datum(args[0]->literal)}, 1, c);
        }
      }();
      if (folded.ok()) return BoundExpr::Literal(folded->scalar(), name);
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [type](const std::vector<Datum>& a, int64_t length, const EvalContext& c) -> Result<Datum> {
          switch (type->id()) {
            case arrow::Type::INT8: return ExecuteNegate<arrow::Int8Type>(a, length, c);
            case arrow::Type::INT16: return ExecuteNegate<arrow::Int16Type>(a, length, c);
            case arrow::Type::INT32: return ExecuteNegate<arrow::Int32Type>(a, length, c);
            case arrow::Type::INT64: return ExecuteNegate<arrow::Int64Type>(a, length, c);
            case arrow::Type::FLOAT: return ExecuteNegate<arrow::FloatType>(a, length, c);
            default: return ExecuteNegate<arrow::DoubleType>(a, length, c);
          }
        });
    return BoundExpr::Call(info.name, kernel, std::move(args), type, true, name);
  };
  return negative;
}

}  // namespace sk8::functions
