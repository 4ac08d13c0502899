// Bitwise functions: the operators & | ^ ~ << >> >>> (and shiftleft,
// shiftright, shiftrightunsigned by name), bit_count, bit_get / getbit, and the
// aggregates bit_and, bit_or, bit_xor. Spark takes integral types only (shifts
// cast their base to INT unless it is BIGINT), and shifts as Java does: the
// count is taken modulo the width.

#include <bit>
#include <cstdint>
#include <type_traits>

#include <arrow/util/string.h>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

/// Calls f with a zero of the C++ type of an integral Arrow type.
template <typename F>
auto WithIntegralType(const arrow::DataType& type, F&& f) {
  switch (type.id()) {
    case arrow::Type::INT8: return f(int8_t{});
    case arrow::Type::INT16: return f(int16_t{});
    case arrow::Type::INT32: return f(int32_t{});
    default: return f(int64_t{});
  }
}

bool IsIntegralOrNull(const arrow::DataType& type) {
  return types::IsIntegral(type) || type.id() == arrow::Type::NA;
}

FunctionInfo BitwiseInfo(std::string name, std::vector<std::string> aliases, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.usage = std::move(usage);
  info.null_intolerant = true;
  info.can_fail = false;
  return info;
}

/// The type Spark's coercion gives an operand beside a DECIMAL, for its error
/// message: an integer literal takes just its digits, other integral types all
/// the digits they can hold.
std::string TypeBesideDecimal(const plan::BoundExpr& operand) {
  if (!types::IsIntegral(*operand.type)) return types::SqlString(*operand.type);
  if (operand.kind == plan::BoundKind::kLiteral && operand.literal->is_valid) {
    std::string digits = operand.literal->ToString();
    if (!digits.empty() && digits[0] == '-') digits.erase(0, 1);
    return "DECIMAL(" + std::to_string(digits.size()) + ",0)";
  }
  int digits = operand.type->id() == arrow::Type::INT8    ? 3
               : operand.type->id() == arrow::Type::INT16 ? 5
               : operand.type->id() == arrow::Type::INT32 ? 10
                                                          : 20;
  return "DECIMAL(" + std::to_string(digits) + ",0)";
}

/// Spark's error for a bitwise operator over operands that are not both
/// integral, after its coercion (which only widens an integral operand beside a
/// DECIMAL, and NULL to the other side's type): one non-integral type for both
/// (BINARY_OP_WRONG_TYPE), or two different types (BINARY_OP_DIFF_TYPES).
Status BitwiseOperandError(const std::string& name, const std::vector<BoundExprPtr>& args) {
  std::string left = types::SqlString(*args[0]->type), right = types::SqlString(*args[1]->type);
  bool left_decimal = args[0]->type->id() == arrow::Type::DECIMAL128;
  bool right_decimal = args[1]->type->id() == arrow::Type::DECIMAL128;
  if (left_decimal != right_decimal) {
    if (left_decimal) right = TypeBesideDecimal(*args[1]);
    if (right_decimal) left = TypeBesideDecimal(*args[0]);
  }
  if (args[0]->type->id() == arrow::Type::NA) left = right;
  if (args[1]->type->id() == arrow::Type::NA) right = left;
  if (left == right) {
    return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
                         {{"sqlExpr", "\"" + name + "\""},
                          {"inputType", "\"INTEGRAL\""},
                          {"actualDataType", "\"" + left + "\""}});
  }
  return AnalysisError("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
                       {{"sqlExpr", "\"" + name + "\""}, {"left", "\"" + left + "\""}, {"right", "\"" + right + "\""}});
}

enum class BitOp { kAnd, kOr, kXor };

template <BitOp Op, typename T>
T ApplyBitOp(T a, T b) {
  if constexpr (Op == BitOp::kAnd) {
    return static_cast<T>(a & b);
  } else if constexpr (Op == BitOp::kOr) {
    return static_cast<T>(a | b);
  } else {
    return static_cast<T>(a ^ b);
  }
}

/// a & b, a | b, a ^ b: both operands widened to their common integral type; a
/// string beside an integral operand is read as BIGINT.
template <BitOp Op>
FunctionInfo BinaryBitwise(std::string symbol, std::string usage) {
  FunctionInfo info = BitwiseInfo(symbol, {}, std::move(usage));
  info.name_style = NameStyle::kInfix;
  info.sql_symbol = std::move(symbol);
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    for (int i = 0; i < 2; ++i) {
      if (types::IsStringLike(*args[i]->type) && types::IsIntegral(*args[1 - i]->type)) {
        ARROW_ASSIGN_OR_RAISE(args[i], BindCast(args[i], arrow::int64(), plan::CastMode::kDefault, true, ctx));
      }
    }
    if (!IsIntegralOrNull(*args[0]->type) || !IsIntegralOrNull(*args[1]->type)) {
      return BitwiseOperandError(name, args);
    }
    auto type = WiderType(args[0]->type, args[1]->type);
    if (type->id() == arrow::Type::NA) type = arrow::int32();
    for (auto& a : args) {
      ARROW_ASSIGN_OR_RAISE(a, BindCast(a, type, plan::CastMode::kDefault, true, ctx));
    }
    auto kernel = WithIntegralType(*type, [&](auto zero) {
      using T = decltype(zero);
      return MakeScalarFunction<T, T, T>(type, [](T a, T b) { return ApplyBitOp<Op>(a, b); });
    });
    bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, nullable, name);
  };
  return info;
}

/// ~a: named "~a" (no parentheses, no space), of a's integral type.
FunctionInfo BitwiseNot() {
  FunctionInfo info = BitwiseInfo("~", {}, "~ expr - Returns the result of bitwise NOT of `expr`.");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = "~" + args[0]->name;
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int32(), plan::CastMode::kDefault, true, ctx));
    }
    if (!types::IsIntegral(*args[0]->type)) return UnexpectedInputType(name, 0, "\"INTEGRAL\"", *args[0]);
    auto type = args[0]->type;
    auto kernel = WithIntegralType(*type, [&](auto zero) {
      using T = decltype(zero);
      return MakeScalarFunction<T, T>(type, [](T a) { return static_cast<T>(~a); });
    });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, nullable, name);
  };
  return info;
}

enum class Shift { kLeft, kRight, kRightUnsigned };

template <Shift Kind, typename T>
T ApplyShift(T base, int32_t count) {
  using Unsigned = std::make_unsigned_t<T>;
  const int bits = static_cast<int>(sizeof(T) * 8);
  const int n = count & (bits - 1);  // Java's shifts take the count modulo the width
  if constexpr (Kind == Shift::kLeft) {
    return static_cast<T>(static_cast<Unsigned>(base) << n);
  } else if constexpr (Kind == Shift::kRight) {
    return static_cast<T>(base >> n);
  } else {
    return static_cast<T>(static_cast<Unsigned>(base) >> n);
  }
}

/// `arg` implicitly cast to INT (numbers and strings; strings fail at run time
/// on text that is no number), or DATATYPE_MISMATCH naming `required`.
Result<BoundExprPtr> CastToInt(BoundExprPtr arg, const std::string& name, int index, const std::string& required,
                               const EvalContext& ctx) {
  const auto& type = *arg->type;
  bool castable = type.id() == arrow::Type::NA || NumericRank(type) > 0 || type.id() == arrow::Type::DECIMAL128 ||
                  types::IsStringLike(type);
  if (!castable) return UnexpectedInputType(name, index, required, *arg);
  return BindCast(std::move(arg), arrow::int32(), plan::CastMode::kDefault, true, ctx);
}

/// shiftleft(base, n) and base << n (likewise right, unsigned right): the base
/// is INT or BIGINT (narrower types and other numbers are cast to INT), the
/// count an INT.
template <Shift Kind>
FunctionInfo ShiftFunction(std::string name, std::string symbol, std::string usage) {
  FunctionInfo info = BitwiseInfo(std::move(name), {}, std::move(usage));
  if (!symbol.empty()) {
    info.name_style = NameStyle::kInfix;
    info.sql_symbol = std::move(symbol);
  }
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    const auto base_type = args[0]->type->id();
    if (base_type != arrow::Type::INT32 && base_type != arrow::Type::INT64) {
      ARROW_ASSIGN_OR_RAISE(args[0], CastToInt(args[0], name, 0, "(\"INT\" or \"BIGINT\")", ctx));
    }
    ARROW_ASSIGN_OR_RAISE(args[1], CastToInt(args[1], name, 1, "\"INT\"", ctx));
    auto type = args[0]->type;
    auto kernel = WithIntegralType(*type, [&](auto zero) {
      using T = decltype(zero);
      return MakeScalarFunction<T, T, int32_t>(type, [](T base, int32_t n) { return ApplyShift<Kind>(base, n); });
    });
    bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), type, nullable, name);
  };
  return info;
}

/// bit_count(expr): the set bits of an integral value sign-extended to 64 bits
/// (bit_count(-1Y) is 64, as Java's Long.bitCount), or 1 / 0 for a boolean.
FunctionInfo BitCount() {
  FunctionInfo info = BitwiseInfo("bit_count", {},
                                  "bit_count(expr) - Returns the number of bits that are set in the argument expr as "
                                  "an unsigned 64-bit integer, or NULL if the argument is NULL.");
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int64(), plan::CastMode::kDefault, true, ctx));
    }
    std::shared_ptr<plan::ScalarKernel> kernel;
    if (args[0]->type->id() == arrow::Type::BOOL) {
      kernel = MakeScalarFunction<int32_t, bool>(arrow::int32(), [](bool b) { return b ? 1 : 0; });
    } else if (types::IsIntegral(*args[0]->type)) {
      kernel = WithIntegralType(*args[0]->type, [&](auto zero) {
        using T = decltype(zero);
        return MakeScalarFunction<int32_t, T>(arrow::int32(), [](T v) {
          return static_cast<int32_t>(std::popcount(static_cast<uint64_t>(static_cast<int64_t>(v))));
        });
      });
    } else {
      return UnexpectedInputType(name, 0, "(\"INTEGRAL\" or \"BOOLEAN\")", *args[0]);
    }
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int32(), nullable, name);
  };
  return info;
}

/// bit_get(expr, pos) / getbit: bit `pos` (0 = least significant) as a
/// TINYINT; a position outside the value's width fails.
FunctionInfo BitGet() {
  FunctionInfo info = BitwiseInfo("bit_get", {"getbit"},
                                  "bit_get(expr, pos) - Returns the value of the bit (0 or 1) at the specified "
                                  "position. The positions are numbered from right to left, starting at zero.");
  info.can_fail = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int32(), plan::CastMode::kDefault, true, ctx));
    }
    if (!types::IsIntegral(*args[0]->type)) return UnexpectedInputType(name, 0, "\"INTEGRAL\"", *args[0]);
    ARROW_ASSIGN_OR_RAISE(args[1], CastToInt(args[1], name, 1, "\"INT\"", ctx));
    std::string function = "`" + arrow::internal::AsciiToLower(called) + "`";
    auto kernel = WithIntegralType(*args[0]->type, [&](auto zero) {
      using T = decltype(zero);
      constexpr int32_t kBits = static_cast<int32_t>(sizeof(T) * 8);
      std::function<Status(T, int32_t)> out_of_range = [function](T, int32_t pos) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE",
                          {{"parameter", "`pos`"},
                           {"functionName", function},
                           {"upper", std::to_string(kBits)},
                           {"invalidValue", std::to_string(pos)}});
      };
      return MakeScalarFunction<int8_t, T, int32_t>(
          arrow::int8(),
          [](int8_t* out, T value, int32_t pos) {
            if (pos < 0 || pos >= kBits) return RowResult::kError;
            *out = static_cast<int8_t>((static_cast<uint64_t>(static_cast<int64_t>(value)) >> pos) & 1);
            return RowResult::kValue;
          },
          out_of_range);
    });
    bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int8(), nullable, name);
  };
  return info;
}

// ---------------------------------------------------------------------------
// bit_and, bit_or, bit_xor: NULLs skipped; NULL for a group without values.

template <typename ArrowType, BitOp Op>
class BitAccumulator : public plan::GroupedAccumulator {
  using T = typename ArrowType::c_type;

 public:
  void Resize(int64_t n) override {
    values_.resize(n, Op == BitOp::kAnd ? static_cast<T>(~T{0}) : T{0});
    seen_.resize(n, 0);
  }
  int64_t MemoryUsage() const override { return CapacityBytes(values_) + CapacityBytes(seen_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    FixedWidthArg<T> in(args[0]);
    if (in.is_scalar()) {
      if (in.scalar_valid()) {
        for (int64_t i = 0; i < rows; ++i) Add(groups[i], in.Value(0));
      }
      return Status::OK();
    }
    for (int64_t i = 0; i < rows; ++i) {
      if (in.IsValid(i)) Add(groups[i], in.Value(i));
    }
    return Status::OK();
  }
  Status Merge(const plan::GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const BitAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (o.seen_[g]) Add(map[i], o.values_[g]);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::NumericBuilder<ArrowType> builder;
    ARROW_RETURN_NOT_OK(builder.AppendValues(values_.data(), static_cast<int64_t>(values_.size()), seen_.data()));
    return builder.Finish();
  }

 private:
  void Add(uint32_t g, T v) {
    values_[g] = ApplyBitOp<Op>(values_[g], v);
    seen_[g] = 1;
  }
  std::vector<T> values_;
  std::vector<uint8_t> seen_;
};

template <BitOp Op>
FunctionInfo BitAggregate(std::string name, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 1) return WrongArgs(called, args.size(), "1");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    if (args[0]->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int32(), plan::CastMode::kDefault, true, ctx));
    }
    if (!types::IsIntegral(*args[0]->type)) return UnexpectedInputType(agg.name, 0, "\"INTEGRAL\"", *args[0]);
    agg.distinct = distinct;
    agg.type = args[0]->type;
    agg.nullable = true;
    switch (agg.type->id()) {
      case arrow::Type::INT8: agg.kernel = MakeFactoryKernel<BitAccumulator<arrow::Int8Type, Op>>(); break;
      case arrow::Type::INT16: agg.kernel = MakeFactoryKernel<BitAccumulator<arrow::Int16Type, Op>>(); break;
      case arrow::Type::INT32: agg.kernel = MakeFactoryKernel<BitAccumulator<arrow::Int32Type, Op>>(); break;
      default: agg.kernel = MakeFactoryKernel<BitAccumulator<arrow::Int64Type, Op>>(); break;
    }
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterBitwiseFunctions(FunctionRegistry& registry) {
  registry.Add(BinaryBitwise<BitOp::kAnd>("&", "expr1 & expr2 - Returns the result of bitwise AND of `expr1` and `expr2`."));
  registry.Add(BinaryBitwise<BitOp::kOr>("|", "expr1 | expr2 - Returns the result of bitwise OR of `expr1` and `expr2`."));
  registry.Add(BinaryBitwise<BitOp::kXor>(
      "^", "expr1 ^ expr2 - Returns the result of bitwise exclusive OR of `expr1` and `expr2`."));
  registry.Add(BitwiseNot());
  // By name the shifts print as calls, shiftleft(a, 1); as operators as (a << 1).
  registry.Add(ShiftFunction<Shift::kLeft>("shiftleft", "", "base shiftleft exp - Bitwise left shift."));
  registry.Add(ShiftFunction<Shift::kLeft>("<<", "<<", "base << exp - Bitwise left shift."));
  registry.Add(ShiftFunction<Shift::kRight>("shiftright", "", "base shiftright expr - Bitwise (signed) right shift."));
  registry.Add(ShiftFunction<Shift::kRight>(">>", ">>", "base >> expr - Bitwise (signed) right shift."));
  registry.Add(ShiftFunction<Shift::kRightUnsigned>("shiftrightunsigned", "",
                                                    "base shiftrightunsigned expr - Bitwise unsigned right shift."));
  registry.Add(ShiftFunction<Shift::kRightUnsigned>(">>>", ">>>", "base >>> expr - Bitwise unsigned right shift."));
  registry.Add(BitCount());
  registry.Add(BitGet());
  registry.Add(BitAggregate<BitOp::kAnd>(
      "bit_and", "bit_and(expr) - Returns the bitwise AND of all non-null input values, or null if none."));
  registry.Add(BitAggregate<BitOp::kOr>(
      "bit_or", "bit_or(expr) - Returns the bitwise OR of all non-null input values, or null if none."));
  registry.Add(BitAggregate<BitOp::kXor>(
      "bit_xor", "bit_xor(expr) - Returns the bitwise XOR of all non-null input values, or null if none."));
}

}  // namespace sk8::functions
