#include "functions/decimal_arithmetic.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include <arrow/util/bit_util.h>
#include <arrow/util/bitmap_ops.h>

#include "functions/kernel_util.h"

namespace sk8::functions {
namespace {

constexpr int kMaxPrecision = 38;
constexpr int kMinimumAdjustedScale = 6;
// Significant digits of Spark's Decimal multiplication (MathContext(39, DOWN)).
constexpr int kSparkMultiplyDigits = 39;

// Spark's DecimalType.adjustPrecisionScale: keep the integral digits, give up
// fractional ones (down to 6) when the precision exceeds 38.
std::shared_ptr<arrow::DataType> Bounded(int precision, int scale) {
  if (precision <= kMaxPrecision) return arrow::decimal128(precision, scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, kMinimumAdjustedScale);
  int adjusted_scale = std::max(kMaxPrecision - int_digits, min_scale);
  return arrow::decimal128(kMaxPrecision, adjusted_scale);
}

// One operand's value at row i (arrays or scalars).
class DecimalArg {
 public:
  explicit DecimalArg(const arrow::Datum& d) {
    if (d.is_scalar()) {
      const auto& s = static_cast<const arrow::Decimal128Scalar&>(*d.scalar());
      scalar_valid_ = s.is_valid;
      if (s.is_valid) scalar_ = s.value;
      scalar_.ToBytes(scalar_bytes_);
      scale_ = static_cast<const arrow::Decimal128Type&>(*d.type()).scale();
      precision_ = static_cast<const arrow::Decimal128Type&>(*d.type()).precision();
    } else {
      array_ = std::static_pointer_cast<arrow::Decimal128Array>(d.make_array());
      scale_ = static_cast<const arrow::Decimal128Type&>(*array_->type()).scale();
      precision_ = static_cast<const arrow::Decimal128Type&>(*array_->type()).precision();
    }
  }
  int32_t precision() const { return precision_; }
  bool is_scalar() const { return !array_; }
  /// Arrays only: the first row's 16 bytes.
  const uint8_t* raw() const { return array_->raw_values(); }
  bool IsValid(int64_t i) const { return array_ ? array_->IsValid(i) : scalar_valid_; }
  bool HasNulls() const { return array_ ? array_->null_count() > 0 : !scalar_valid_; }
  /// Row i as a 128-bit integer (little-endian two's complement, as Arrow stores it).
  __int128 Int128At(int64_t i) const {
    __int128 v;
    std::memcpy(&v, array_ ? array_->raw_values() + 16 * i : scalar_bytes_, 16);
    return v;
  }
  arrow::Decimal128 Value128(int64_t i) const { return array_ ? arrow::Decimal128(array_->GetValue(i)) : scalar_; }
  arrow::Decimal256 Value(int64_t i) const { return arrow::Decimal256(Value128(i)); }
  int32_t scale() const { return scale_; }
  /// The number of bits of the largest magnitude among the rows (NULL slots
  /// included: they may hold any bits, which only makes the bound looser).
  int MagnitudeBits(int64_t length) const {
    unsigned __int128 largest = 0;
    const int64_t rows = array_ ? length : 1;
    for (int64_t i = 0; i < rows; ++i) {
      const __int128 v = Int128At(i);
      // |v| as unsigned; -2^127 maps to 2^127 without overflow.
      const auto magnitude = v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
      largest |= magnitude;  // same highest bit as the maximum
    }
    const auto high = static_cast<uint64_t>(largest >> 64);
    if (high != 0) return 128 - __builtin_clzll(high);
    const auto low = static_cast<uint64_t>(largest);
    return low == 0 ? 0 : 64 - __builtin_clzll(low);
  }

 private:
  std::shared_ptr<arrow::Decimal128Array> array_;
  arrow::Decimal128 scalar_;
  uint8_t scalar_bytes_[16] = {};
  bool scalar_valid_ = false;
  int32_t scale_ = 0;
  int32_t precision_ = 38;
};

arrow::Decimal256 Rescale(const arrow::Decimal256& v, int32_t from, int32_t to) {
  if (from == to) return v;
  return from < to ? v.IncreaseScaleBy(to - from) : v.ReduceScaleBy(from - to, /*round=*/true);
}

arrow::Decimal256 Minus(const arrow::Decimal256& a, const arrow::Decimal256& b) {
  arrow::Decimal256 result = a;
  result -= b;
  return result;
}

// Integer division rounded half away from zero (Java's HALF_UP).
arrow::Decimal256 DivideHalfUp(const arrow::Decimal256& a, const arrow::Decimal256& b) {
  arrow::Decimal256 q = a / b;
  arrow::Decimal256 r = Minus(a, q * b);
  arrow::Decimal256 twice = r + r;
  if (twice.IsNegative()) twice.Negate();
  arrow::Decimal256 divisor = b;
  if (divisor.IsNegative()) divisor.Negate();
  if (!(twice < divisor)) q += arrow::Decimal256((a.IsNegative() != b.IsNegative()) ? -1 : 1);
  return q;
}

}  // namespace

std::shared_ptr<arrow::DataType> AsDecimalType(const std::shared_ptr<arrow::DataType>& type) {
  switch (type->id()) {
    case arrow::Type::INT8: return arrow::decimal128(3, 0);
    case arrow::Type::INT16: return arrow::decimal128(5, 0);
    case arrow::Type::INT32: return arrow::decimal128(10, 0);
    case arrow::Type::INT64: return arrow::decimal128(20, 0);
    default: return type;
  }
}

std::shared_ptr<arrow::DataType> DecimalResultType(DecimalOp op, const arrow::Decimal128Type& a,
                                                   const arrow::Decimal128Type& b) {
  int p1 = a.precision(), s1 = a.scale(), p2 = b.precision(), s2 = b.scale();
  switch (op) {
    case DecimalOp::kAdd:
    case DecimalOp::kSubtract: {
      int scale = std::max(s1, s2);
      return Bounded(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case DecimalOp::kMultiply: return Bounded(p1 + p2 + 1, s1 + s2);
    case DecimalOp::kDivide: {
      int scale = std::max(kMinimumAdjustedScale, s1 + p2 + 1);
      return Bounded(p1 - s1 + s2 + scale, scale);
    }
    case DecimalOp::kRemainder: {
      int scale = std::max(s1, s2);
      return Bounded(std::min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
  return arrow::decimal128(kMaxPrecision, 0);
}

namespace {

// One row with 256-bit intermediates (exact for every operand of up to 38
// digits); nullopt means NULL (ANSI off: overflow and division by zero).
Result<std::optional<arrow::Decimal128>> ComputeRow(DecimalOp op, arrow::Decimal256 a, arrow::Decimal256 b,
                                                    int32_t left_scale, int32_t right_scale,
                                                    const arrow::Decimal128Type& out_type, const plan::EvalContext& ctx) {
  const int32_t out_scale = out_type.scale();
  arrow::Decimal256 result;
  switch (op) {
    case DecimalOp::kAdd:
    case DecimalOp::kSubtract: {
      int32_t common = std::max(left_scale, right_scale);
      a = Rescale(a, left_scale, common);
      b = Rescale(b, right_scale, common);
      result = Rescale(op == DecimalOp::kAdd ? arrow::Decimal256(a + b) : Minus(a, b), common, out_scale);
      break;
    }
    case DecimalOp::kMultiply: {
      // Spark multiplies with a 39-digit MathContext (rounding down), then
      // rounds half up to the result's scale.
      arrow::Decimal256 product = a * b;
      int32_t scale = left_scale + right_scale;
      arrow::Decimal256 magnitude = arrow::Decimal256::Abs(product);
      int digits = 0;
      while (digits < 77 && !(magnitude < arrow::Decimal256::GetScaleMultiplier(digits))) ++digits;
      if (digits > kSparkMultiplyDigits) {
        const int32_t drop = digits - kSparkMultiplyDigits;
        product = product / arrow::Decimal256::GetScaleMultiplier(drop);
        scale -= drop;
      }
      if (scale < 0 && out_scale - scale + kSparkMultiplyDigits > 76) {
        // Far too large for any decimal: report it as Spark prints it.
        if (!ctx.ansi) return std::nullopt;
        return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                          {{"value", product.ToIntegerString() + std::string(-scale, '0')},
                           {"precision", std::to_string(out_type.precision())},
                           {"scale", std::to_string(out_scale)}, {"config", "\"spark.sql.ansi.enabled\""}});
      }
      if (scale < out_scale && !Rescale(product, scale, out_scale).FitsInPrecision(out_type.precision())) {
        if (!ctx.ansi) return std::nullopt;
        std::string value = scale >= 0 ? product.ToString(scale) : product.ToIntegerString() + std::string(-scale, '0');
        return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                          {{"value", value}, {"precision", std::to_string(out_type.precision())},
                           {"scale", std::to_string(out_scale)}, {"config", "\"spark.sql.ansi.enabled\""}});
      }
      result = Rescale(product, scale, out_scale);
      break;
    }
    case DecimalOp::kDivide:
    case DecimalOp::kRemainder: {
      if (b == arrow::Decimal256(0)) {
        if (!ctx.ansi) return std::nullopt;
        return SparkError(SparkExceptionKind::kArithmetic,
                          op == DecimalOp::kDivide ? "DIVIDE_BY_ZERO" : "REMAINDER_BY_ZERO",
                          {{"config", "\"spark.sql.ansi.enabled\""}});
      }
      if (op == DecimalOp::kDivide) {
        // a / b at scale s: (a * 10^(s - s1 + s2)) / b, rounded half up.
        int32_t shift = out_scale - left_scale + right_scale;
        arrow::Decimal256 numerator = shift >= 0 ? a.IncreaseScaleBy(shift) : a;
        arrow::Decimal256 denominator = shift >= 0 ? b : b.IncreaseScaleBy(-shift);
        result = DivideHalfUp(numerator, denominator);
      } else {
        int32_t common = std::max(left_scale, right_scale);
        a = Rescale(a, left_scale, common);
        b = Rescale(b, right_scale, common);
        result = Rescale(Minus(a, (a / b) * b), common, out_scale);
      }
      break;
    }
  }
  if (!result.FitsInPrecision(out_type.precision())) {
    if (!ctx.ansi) return std::nullopt;
    return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                      {{"value", result.ToString(out_scale)}, {"precision", std::to_string(out_type.precision())},
                       {"scale", std::to_string(out_scale)}, {"config", "\"spark.sql.ansi.enabled\""}});
  }
  const auto& words = result.little_endian_array();
  return arrow::Decimal128(static_cast<int64_t>(words[1]), words[0]);
}

using Int128 = __int128;

const Int128* PowersOfTen() {
  static const auto* powers = [] {
    auto* p = new Int128[39];
    p[0] = 1;
    for (int i = 1; i <= 38; ++i) p[i] = p[i - 1] * 10;
    return p;
  }();
  return powers;
}

Int128 ToInt128(const arrow::Decimal128& v) {
  return static_cast<Int128>(static_cast<unsigned __int128>(static_cast<uint64_t>(v.high_bits())) << 64 |
                             v.low_bits());
}

// Add, subtract and multiply whose result scale is the operands' natural one
// (no rounding): 128-bit integer arithmetic with overflow checks; false when
// the row must take the 256-bit path (an overflow, or a result too wide).
bool ComputeRowInt128(DecimalOp op, Int128 a, Int128 b, int32_t left_scale, int32_t right_scale, int32_t precision,
                      Int128* out) {
  const Int128* pow10 = PowersOfTen();
  Int128 r;
  if (op == DecimalOp::kMultiply) {
    if (__builtin_mul_overflow(a, b, &r)) return false;
  } else {
    const int32_t common = std::max(left_scale, right_scale);
    if (__builtin_mul_overflow(a, pow10[common - left_scale], &a)) return false;
    if (__builtin_mul_overflow(b, pow10[common - right_scale], &b)) return false;
    if (op == DecimalOp::kAdd ? __builtin_add_overflow(a, b, &r) : __builtin_sub_overflow(a, b, &r)) return false;
  }
  if (r >= pow10[precision] || r <= -pow10[precision]) return false;
  *out = r;
  return true;
}

}  // namespace

Result<arrow::Datum> EvaluateDecimal(DecimalOp op, const std::vector<arrow::Datum>& args, int64_t length,
                                     const std::shared_ptr<arrow::DataType>& result_type,
                                     const plan::EvalContext& ctx) {
  DecimalArg left(args[0]), right(args[1]);
  const auto& out_type = static_cast<const arrow::Decimal128Type&>(*result_type);
  const int32_t out_scale = out_type.scale();
  const bool scalar_output = AllScalars(args);
  const int64_t n = scalar_output ? 1 : length;
  const bool int128_path =
      (op == DecimalOp::kMultiply && out_scale == left.scale() + right.scale()) ||
      ((op == DecimalOp::kAdd || op == DecimalOp::kSubtract) && out_scale == std::max(left.scale(), right.scale()));
  ARROW_ASSIGN_OR_RAISE(auto values, arrow::AllocateBuffer(n * 16));
  ARROW_ASSIGN_OR_RAISE(auto validity, arrow::AllocateBitmap(n));
  auto* out = reinterpret_cast<Int128*>(values->mutable_data());
  uint8_t* bits = validity->mutable_data();
  int64_t null_count = 0;
  const bool no_nulls = !left.HasNulls() && !right.HasNulls();
  // Operands whose digits cannot overflow 128 bits on this operation: plain
  // integer arithmetic in a tight loop; a row past the result's precision
  // takes the general path below (Spark's rounding, overflow error or NULL).
  const int32_t common = std::max(left.scale(), right.scale());
  bool cannot_overflow =
      int128_path && (op == DecimalOp::kMultiply
                          ? left.precision() + right.precision() <= 38
                          : std::max(left.precision() - left.scale(), right.precision() - right.scale()) + common + 1 <= 38);
  // A product whose declared precision exceeds 38 digits (TPC-H Q1's
  // price * (1 - discount) * (1 + tax): DECIMAL(38,6)) still fits 128 bits
  // when the values at hand are small enough: checked on this batch.
  bool narrow = left.precision() <= 18 && right.precision() <= 18;
  if (!cannot_overflow && int128_path && op == DecimalOp::kMultiply) {
    const int left_bits = left.MagnitudeBits(n), right_bits = right.MagnitudeBits(n);
    cannot_overflow = left_bits + right_bits <= 126;
    narrow = left_bits <= 63 && right_bits <= 63;
  }
  std::vector<int64_t> general_rows;
  int64_t first_general = n;  // rows from here on take the general loop
  if (cannot_overflow) {
    const Int128* pow10 = PowersOfTen();
    const Int128 bound = pow10[out_type.precision()];
    const Int128 left_factor = op == DecimalOp::kMultiply ? 1 : pow10[common - left.scale()];
    const Int128 right_factor = op == DecimalOp::kMultiply ? 1 : pow10[common - right.scale()];
    auto run = [&](auto left_at, auto right_at) {
      for (int64_t i = 0; i < n; ++i) {
        const Int128 a = left_at(i), b = right_at(i);
        // Unsigned: a NULL slot may hold any bits, and wrapping is defined.
        using U = unsigned __int128;
        U u;
        switch (op) {
          case DecimalOp::kMultiply:
            // Both within 18 digits: one 64 x 64 -> 128-bit multiply.
            u = narrow ? U(static_cast<Int128>(static_cast<int64_t>(a)) * static_cast<int64_t>(b)) : U(a) * U(b);
            break;
          case DecimalOp::kAdd: u = U(a) * U(left_factor) + U(b) * U(right_factor); break;
          default: u = U(a) * U(left_factor) - U(b) * U(right_factor); break;
        }
        const Int128 r = static_cast<Int128>(u);
        out[i] = r;
        if (r >= bound || r <= -bound) general_rows.push_back(i);
      }
    };
    auto array_at = [](const uint8_t* raw) {
      return [raw](int64_t i) {
        Int128 v;
        std::memcpy(&v, raw + 16 * i, 16);
        return v;
      };
    };
    auto constant = [](Int128 v) { return [v](int64_t) { return v; }; };
    if (left.is_scalar() && right.is_scalar()) {
      run(constant(left.Int128At(0)), constant(right.Int128At(0)));
    } else if (left.is_scalar()) {
      run(constant(left.Int128At(0)), array_at(right.raw()));
    } else if (right.is_scalar()) {
      run(array_at(left.raw()), constant(right.Int128At(0)));
    } else {
      run(array_at(left.raw()), array_at(right.raw()));
    }
    std::memset(bits, 0xFF, arrow::bit_util::BytesForBits(n));
    if (!no_nulls) {
      for (int64_t i = 0; i < n; ++i) {
        if (!left.IsValid(i) || !right.IsValid(i)) {
          arrow::bit_util::ClearBit(bits, i);
          out[i] = 0;
          ++null_count;
        }
      }
    }
    first_general = n;
  } else {
    first_general = 0;
  }
  // One row through the exact int128 path, else Spark's rounding / overflow
  // rules on 256 bits (NULL or an error past the precision). Its validity bit
  // is already set.
  auto general_row = [&](int64_t i) -> Status {
    if (int128_path && ComputeRowInt128(op, left.Int128At(i), right.Int128At(i), left.scale(), right.scale(),
                                        out_type.precision(), &out[i])) {
      return Status::OK();
    }
    ARROW_ASSIGN_OR_RAISE(auto value, ComputeRow(op, left.Value(i), right.Value(i), left.scale(), right.scale(),
                                                 out_type, ctx));
    if (!value) {
      arrow::bit_util::ClearBit(bits, i);
      out[i] = 0;
      ++null_count;
    } else {
      out[i] = ToInt128(*value);
    }
    return Status::OK();
  };
  for (int64_t i : general_rows) {
    if (no_nulls || (left.IsValid(i) && right.IsValid(i))) ARROW_RETURN_NOT_OK(general_row(i));  // else already NULL
  }
  for (int64_t i = first_general; i < n; ++i) {
    if (!no_nulls && (!left.IsValid(i) || !right.IsValid(i))) {
      arrow::bit_util::ClearBit(bits, i);
      out[i] = 0;
      ++null_count;
      continue;
    }
    arrow::bit_util::SetBit(bits, i);
    ARROW_RETURN_NOT_OK(general_row(i));
  }
  auto data = arrow::ArrayData::Make(result_type, n,
                                     {null_count > 0 ? std::shared_ptr<arrow::Buffer>(std::move(validity)) : nullptr,
                                      std::shared_ptr<arrow::Buffer>(std::move(values))},
                                     null_count);
  return FinishResult(arrow::MakeArray(data), scalar_output);
}

}  // namespace sk8::functions
