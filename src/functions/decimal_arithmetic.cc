#include "functions/decimal_arithmetic.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/util/bit_util.h>
#include <arrow/scalar.h>
#include <arrow/util/decimal.h>

#include <algorithm>
#include <cstring>

#include "functions/kernel_util.h"

namespace sk8::functions {
namespace {

constexpr int kMaxPrecision = 38;
constexpr int kMinimumAdjustedScale = 6;

// Spark's DecimalType.adjustPrecisionScale: keep the integral digits, give up
// fractional ones (down to 6) when the precision exceeds 38.
std::shared_ptr<arrow::DataType> Bounded(int precision, int scale) {
  if (precision <= kMaxPrecision) return arrow::decimal128(precision, scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, kMinimumAdjustedScale);
  int adjusted_scale = std::max(kMaxPrecision - int_digits, min_scale);
  return arrow::decimal128(kMaxPrecision, adjusted_scale);
}

using Int128 = __int128;

// 10^k for k in [0, 38], as native 128-bit integers.
struct PowersOfTen {
  Int128 values[kMaxPrecision + 1];
  constexpr PowersOfTen() : values() {
    values[0] = 1;
    for (int k = 1; k <= kMaxPrecision; ++k) values[k] = values[k - 1] * 10;
  }
};
constexpr PowersOfTen kPowersOfTen;

// v * 10^k; false on overflow.
bool ScaleUp(Int128 v, int32_t k, Int128* out) {
  return k <= kMaxPrecision && !__builtin_mul_overflow(v, kPowersOfTen.values[k], out);
}

// v / 10^k rounded half away from zero, as Decimal256::ReduceScaleBy(k, true).
Int128 ScaleDown(Int128 v, int32_t k) {
  if (k > kMaxPrecision) return 0;
  const Int128 divisor = kPowersOfTen.values[k];
  Int128 quotient = v / divisor, remainder = v % divisor;
  if (remainder < 0) remainder = -remainder;
  if (remainder >= divisor - remainder) quotient += v < 0 ? -1 : 1;
  return quotient;
}

// a op b (add, subtract, multiply) at scale `out_scale` in native 128-bit
// integers; false when an intermediate value would overflow them, and the
// caller takes the 256-bit path. Same answers as that path.
bool TryInt128(DecimalOp op, Int128 a, int32_t a_scale, Int128 b, int32_t b_scale, int32_t out_scale, Int128* out) {
  Int128 result;
  int32_t scale;
  if (op == DecimalOp::kMultiply) {
    if (__builtin_mul_overflow(a, b, &result)) return false;
    scale = a_scale + b_scale;
  } else {
    scale = std::max(a_scale, b_scale);
    if (!ScaleUp(a, scale - a_scale, &a) || !ScaleUp(b, scale - b_scale, &b)) return false;
    if (op == DecimalOp::kAdd ? __builtin_add_overflow(a, b, &result) : __builtin_sub_overflow(a, b, &result)) {
      return false;
    }
  }
  if (out_scale >= scale) return ScaleUp(result, out_scale - scale, out);
  *out = ScaleDown(result, scale - out_scale);
  return true;
}

bool FitsInPrecision(Int128 v, int32_t precision) {
  const Int128 bound = kPowersOfTen.values[precision];
  return v < bound && v > -bound;
}

// The result column, written in place (the builder's appends are out of line).
class DecimalOutput {
 public:
  Status Init(int64_t n) {
    length_ = n;
    ARROW_ASSIGN_OR_RAISE(values_, arrow::AllocateBuffer(n * 16));
    ARROW_ASSIGN_OR_RAISE(validity_, arrow::AllocateBitmap(n));
    std::memset(validity_->mutable_data(), 0xff, validity_->size());
    return Status::OK();
  }
  void Set(int64_t i, Int128 v) { std::memcpy(values_->mutable_data() + i * 16, &v, 16); }
  void SetNull(int64_t i) {
    std::memset(values_->mutable_data() + i * 16, 0, 16);
    arrow::bit_util::ClearBit(validity_->mutable_data(), i);
    ++null_count_;
  }
  std::shared_ptr<arrow::Array> Finish(const std::shared_ptr<arrow::DataType>& type) {
    std::shared_ptr<arrow::Buffer> validity = null_count_ > 0 ? std::move(validity_) : nullptr;
    return arrow::MakeArray(arrow::ArrayData::Make(type, length_, {validity, std::move(values_)}, null_count_));
  }

 private:
  int64_t length_ = 0, null_count_ = 0;
  std::shared_ptr<arrow::Buffer> values_, validity_;
};

// One operand's value at row i (arrays or scalars).
class DecimalArg {
 public:
  explicit DecimalArg(const arrow::Datum& d) {
    if (d.is_scalar()) {
      const auto& s = static_cast<const arrow::Decimal128Scalar&>(*d.scalar());
      scalar_valid_ = s.is_valid;
      if (s.is_valid) scalar_ = s.value;
      scale_ = static_cast<const arrow::Decimal128Type&>(*d.type()).scale();
    } else {
      array_ = std::static_pointer_cast<arrow::Decimal128Array>(d.make_array());
      scale_ = static_cast<const arrow::Decimal128Type&>(*array_->type()).scale();
    }
  }
  bool IsValid(int64_t i) const { return array_ ? array_->IsValid(i) : scalar_valid_; }
  arrow::Decimal256 Value(int64_t i) const {
    return arrow::Decimal256(array_ ? arrow::Decimal128(array_->GetValue(i)) : scalar_);
  }
  Int128 NativeValue(int64_t i) const {
    Int128 v;
    if (array_) {
      std::memcpy(&v, array_->GetValue(i), sizeof(v));  // little-endian, as Decimal128 stores it
    } else {
      v = static_cast<Int128>(static_cast<unsigned __int128>(scalar_.high_bits()) << 64 | scalar_.low_bits());
    }
    return v;
  }
  int32_t scale() const { return scale_; }

 private:
  std::shared_ptr<arrow::Decimal128Array> array_;
  arrow::Decimal128 scalar_;
  bool scalar_valid_ = false;
  int32_t scale_ = 0;
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

Result<arrow::Datum> EvaluateDecimal(DecimalOp op, const std::vector<arrow::Datum>& args, int64_t length,
                                     const std::shared_ptr<arrow::DataType>& result_type,
                                     const plan::EvalContext& ctx) {
  DecimalArg left(args[0]), right(args[1]);
  const auto& out_type = static_cast<const arrow::Decimal128Type&>(*result_type);
  int32_t out_scale = out_type.scale();
  bool scalar_output = AllScalars(args);
  int64_t n = scalar_output ? 1 : length;
  DecimalOutput output;
  ARROW_RETURN_NOT_OK(output.Init(n));
  for (int64_t i = 0; i < n; ++i) {
    if (!left.IsValid(i) || !right.IsValid(i)) {
      output.SetNull(i);
      continue;
    }
    if (op == DecimalOp::kAdd || op == DecimalOp::kSubtract || op == DecimalOp::kMultiply) {
      Int128 native;
      if (TryInt128(op, left.NativeValue(i), left.scale(), right.NativeValue(i), right.scale(), out_scale, &native) &&
          FitsInPrecision(native, out_type.precision())) {
        output.Set(i, native);
        continue;
      }
    }
    arrow::Decimal256 a = left.Value(i), b = right.Value(i);
    arrow::Decimal256 result;
    switch (op) {
      case DecimalOp::kAdd:
      case DecimalOp::kSubtract: {
        int32_t common = std::max(left.scale(), right.scale());
        a = Rescale(a, left.scale(), common);
        b = Rescale(b, right.scale(), common);
        result = Rescale(op == DecimalOp::kAdd ? arrow::Decimal256(a + b) : Minus(a, b), common, out_scale);
        break;
      }
      case DecimalOp::kMultiply:
        result = Rescale(a * b, left.scale() + right.scale(), out_scale);
        break;
      case DecimalOp::kDivide:
      case DecimalOp::kRemainder: {
        if (b == arrow::Decimal256(0)) {
          if (!ctx.ansi) {
            output.SetNull(i);
            continue;
          }
          return SparkError(SparkExceptionKind::kArithmetic,
                            op == DecimalOp::kDivide ? "DIVIDE_BY_ZERO" : "REMAINDER_BY_ZERO",
                            {{"config", "\"spark.sql.ansi.enabled\""}});
        }
        if (op == DecimalOp::kDivide) {
          // a / b at scale s: (a * 10^(s - s1 + s2)) / b, rounded half up.
          int32_t shift = out_scale - left.scale() + right.scale();
          arrow::Decimal256 numerator = shift >= 0 ? a.IncreaseScaleBy(shift) : a;
          arrow::Decimal256 denominator = shift >= 0 ? b : b.IncreaseScaleBy(-shift);
          result = DivideHalfUp(numerator, denominator);
        } else {
          int32_t common = std::max(left.scale(), right.scale());
          a = Rescale(a, left.scale(), common);
          b = Rescale(b, right.scale(), common);
          result = Rescale(Minus(a, (a / b) * b), common, out_scale);
        }
        break;
      }
    }
    if (!result.FitsInPrecision(out_type.precision())) {
      if (!ctx.ansi) {
        output.SetNull(i);
        continue;
      }
      return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                        {{"value", result.ToString(out_scale)}, {"precision", std::to_string(out_type.precision())},
                         {"scale", std::to_string(out_scale)}, {"config", "\"spark.sql.ansi.enabled\""}});
    }
    const auto& words = result.little_endian_array();
    output.Set(i, static_cast<Int128>(static_cast<unsigned __int128>(words[1]) << 64 | words[0]));
  }
  return FinishResult(output.Finish(result_type), scalar_output);
}

}  // namespace sk8::functions
