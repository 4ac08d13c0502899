// CAST to and from DECIMAL with Spark's rounding (HALF_UP) and range rules.
#include <arrow/builder.h>
#include <arrow/util/decimal.h>

#include <cmath>
#include <limits>

#include "functions/cast.h"
#include "functions/cast_internal.h"
#include "types/spark_types.h"

namespace sk8::functions::internal {
namespace {

Status OutOfRange(const arrow::Decimal128& value, int32_t value_scale, const arrow::Decimal128Type& to) {
  return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                    {{"value", value.ToString(value_scale)},
                     {"precision", std::to_string(to.precision())},
                     {"scale", std::to_string(to.scale())},
                     {"config", "\"spark.sql.ansi.enabled\""}});
}

// Brings `value` (at `scale`) to the target scale, rounding half away from zero.
arrow::Decimal128 ToScale(const arrow::Decimal128& value, int32_t scale, int32_t target) {
  if (scale == target) return value;
  if (scale < target) return value.IncreaseScaleBy(target - scale);
  return value.ReduceScaleBy(scale - target, /*round=*/true);
}

}  // namespace

Result<std::shared_ptr<arrow::Array>> CastToDecimal(const arrow::Array& input,
                                                    const std::shared_ptr<arrow::DataType>& to_type, bool ansi,
                                                    const plan::EvalContext& ctx) {
  const auto& to = static_cast<const arrow::Decimal128Type&>(*to_type);
  arrow::Decimal128Builder builder(to_type);
  ARROW_RETURN_NOT_OK(builder.Reserve(input.length()));
  for (int64_t i = 0; i < input.length(); ++i) {
    if (input.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    arrow::Decimal128 value;
    int32_t scale = 0;
    bool parsed = true;
    switch (input.type_id()) {
      case arrow::Type::INT8: value = static_cast<const arrow::Int8Array&>(input).Value(i); break;
      case arrow::Type::INT16: value = static_cast<const arrow::Int16Array&>(input).Value(i); break;
      case arrow::Type::INT32: value = static_cast<const arrow::Int32Array&>(input).Value(i); break;
      case arrow::Type::INT64: value = static_cast<const arrow::Int64Array&>(input).Value(i); break;
      case arrow::Type::DECIMAL128: {
        const auto& dec = static_cast<const arrow::Decimal128Array&>(input);
        value = arrow::Decimal128(dec.GetValue(i));
        scale = static_cast<const arrow::Decimal128Type&>(*input.type()).scale();
        break;
      }
      case arrow::Type::FLOAT:
      case arrow::Type::DOUBLE: {
        // Spark goes through the double's shortest decimal text (BigDecimal(d)).
        double d = input.type_id() == arrow::Type::FLOAT ? static_cast<const arrow::FloatArray&>(input).Value(i)
                                                         : static_cast<const arrow::DoubleArray&>(input).Value(i);
        if (!std::isfinite(d)) {
          parsed = false;
          break;
        }
        std::string text = input.type_id() == arrow::Type::FLOAT
                               ? FormatJavaFloat(static_cast<float>(d))
                               : FormatJavaDouble(d);
        int32_t precision = 0;
        parsed = arrow::Decimal128::FromString(text, &value, &precision, &scale).ok();
        break;
      }
      case arrow::Type::STRING: {
        auto text = TrimSparkSpaces(static_cast<const arrow::StringArray&>(input).GetView(i));
        int32_t precision = 0;
        if (!arrow::Decimal128::FromString(text, &value, &precision, &scale).ok()) {
          if (ansi) return CastInvalidInputError(static_cast<const arrow::StringArray&>(input).GetView(i), *input.type(), to);
          builder.UnsafeAppendNull();
          continue;
        }
        break;
      }
      default:
        return Unsupported("CAST from " + types::SqlString(*input.type()) + " to " + types::SqlString(to));
    }
    if (!parsed) {
      if (ansi) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, input.GetScalar(i));
        return CastOverflowError(*scalar, *input.type(), to, ctx);
      }
      builder.UnsafeAppendNull();
      continue;
    }
    if (scale < 0) {
      value = value.IncreaseScaleBy(-scale);
      scale = 0;
    }
    // Values too wide to rescale safely are out of range for any DECIMAL(38).
    arrow::Decimal128 scaled = ToScale(value, scale, to.scale());
    bool fits = scaled.FitsInPrecision(to.precision()) && (to.scale() <= scale || value.FitsInPrecision(38 - (to.scale() - scale)));
    if (!fits) {
      if (ansi) return OutOfRange(value, scale, to);
      builder.UnsafeAppendNull();
      continue;
    }
    builder.UnsafeAppend(scaled);
  }
  return builder.Finish();
}

Result<std::shared_ptr<arrow::Array>> CastFromDecimal(const arrow::Array& input,
                                                      const std::shared_ptr<arrow::DataType>& to, bool ansi,
                                                      const plan::EvalContext& ctx) {
  const auto& dec = static_cast<const arrow::Decimal128Array&>(input);
  int32_t scale = static_cast<const arrow::Decimal128Type&>(*input.type()).scale();
  if (types::IsFractional(*to)) {
    arrow::DoubleBuilder builder;
    for (int64_t i = 0; i < dec.length(); ++i) {
      if (dec.IsNull(i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(builder.Append(arrow::Decimal128(dec.GetValue(i)).ToDouble(scale)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto doubles, builder.Finish());
    if (to->id() == arrow::Type::DOUBLE) return doubles;
    ARROW_ASSIGN_OR_RAISE(auto cast, CastDatum(doubles, to, ansi, ctx));
    return cast.make_array();
  }
  // Integral: truncate toward zero, range-check, then narrow (always in range).
  int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  switch (to->id()) {
    case arrow::Type::INT8: lo = INT8_MIN; hi = INT8_MAX; break;
    case arrow::Type::INT16: lo = INT16_MIN; hi = INT16_MAX; break;
    case arrow::Type::INT32: lo = INT32_MIN; hi = INT32_MAX; break;
    case arrow::Type::INT64: break;
    default: return Unsupported("CAST from " + types::SqlString(*input.type()) + " to " + types::SqlString(*to));
  }
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < dec.length(); ++i) {
    if (dec.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    arrow::Decimal128 whole = arrow::Decimal128(dec.GetValue(i)).ReduceScaleBy(scale, /*round=*/false);
    if (whole < arrow::Decimal128(lo) || whole > arrow::Decimal128(hi)) {
      if (ansi) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, dec.GetScalar(i));
        return CastOverflowError(*scalar, *input.type(), *to, ctx);
      }
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(builder.Append(static_cast<int64_t>(whole.low_bits())));
  }
  ARROW_ASSIGN_OR_RAISE(auto longs, builder.Finish());
  if (to->id() == arrow::Type::INT64) return longs;
  ARROW_ASSIGN_OR_RAISE(auto narrowed, CastDatum(longs, to, ansi, ctx));
  return narrowed.make_array();
}

}  // namespace sk8::functions::internal
