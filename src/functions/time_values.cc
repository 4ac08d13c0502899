#include "functions/time_values.h"

#include <arrow/builder.h>

#include "functions/cast_internal.h"
#include "types/spark_types.h"

namespace sk8::functions {

std::string FormatTime(int64_t nanos) {
  const int64_t seconds = nanos / kNanosPerSecond;
  const int64_t fraction = nanos % kNanosPerSecond / 1000;  // TIME(6): microseconds
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  std::string text = buf;
  if (fraction != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(fraction));
    std::string digits = buf;
    digits.erase(digits.find_last_not_of('0') + 1);
    text += digits;
  }
  return text;
}

namespace {

// One or two digits of a field; false when there are none or more than two.
bool ReadField(std::string_view text, size_t* pos, int* value) {
  size_t start = *pos;
  int v = 0;
  while (*pos < text.size() && *pos - start < 3 && text[*pos] >= '0' && text[*pos] <= '9') {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  const size_t digits = *pos - start;
  if (digits == 0 || digits > 2) return false;
  *value = v;
  return true;
}

}  // namespace

bool ParseTime(std::string_view text, int64_t* nanos) {
  text = internal::TrimSparkSpaces(text);
  size_t pos = 0;
  if (!text.empty() && text[0] == 'T') pos = 1;
  int hour = 0, minute = 0, second = 0;
  if (!ReadField(text, &pos, &hour)) return false;
  if (pos >= text.size() || text[pos] != ':') return false;
  ++pos;
  if (!ReadField(text, &pos, &minute)) return false;
  int64_t fraction = 0;
  if (pos < text.size()) {
    if (text[pos] != ':') return false;
    ++pos;
    if (!ReadField(text, &pos, &second)) return false;
    if (pos < text.size()) {
      if (text[pos] != '.') return false;
      ++pos;
      int64_t scale = 100000000;  // nanoseconds of the first fraction digit
      for (; pos < text.size(); ++pos) {
        if (text[pos] < '0' || text[pos] > '9') return false;
        fraction += (text[pos] - '0') * scale;
        scale /= 10;
      }
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  fraction -= fraction % 1000;  // TIME(6)
  *nanos = ((hour * 60LL + minute) * 60 + second) * kNanosPerSecond + fraction;
  return true;
}

Result<std::shared_ptr<arrow::Array>> CastStringToTime(const arrow::StringArray& in, bool ansi) {
  arrow::Time64Builder builder(types::TimeType(), arrow::default_memory_pool());
  ARROW_RETURN_NOT_OK(builder.Reserve(in.length()));
  for (int64_t i = 0; i < in.length(); ++i) {
    int64_t nanos = 0;
    if (in.IsNull(i)) {
      builder.UnsafeAppendNull();
    } else if (ParseTime(in.GetView(i), &nanos)) {
      builder.UnsafeAppend(nanos);
    } else if (ansi) {
      return internal::CastInvalidInputError(in.GetView(i), *in.type(), *types::TimeType());
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return builder.Finish();
}

Result<std::shared_ptr<arrow::Array>> CastTimeToNumber(const arrow::Array& in, const std::shared_ptr<arrow::DataType>& to,
                                                       bool ansi, const plan::EvalContext& ctx) {
  const auto& times = static_cast<const arrow::Time64Array&>(in);
  if (to->id() == arrow::Type::DECIMAL128) {
    // Seconds with their microseconds, as DECIMAL(11, 6), then Spark's decimal cast.
    arrow::Decimal128Builder builder(arrow::decimal128(11, 6));
    ARROW_RETURN_NOT_OK(builder.Reserve(in.length()));
    for (int64_t i = 0; i < in.length(); ++i) {
      if (times.IsNull(i)) {
        builder.UnsafeAppendNull();
      } else {
        builder.UnsafeAppend(arrow::Decimal128(times.Value(i) / 1000));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto micros, builder.Finish());
    return internal::CastToDecimal(*micros, to, ansi, ctx);
  }
  int64_t max = INT64_MAX;
  switch (to->id()) {
    case arrow::Type::INT8: max = INT8_MAX; break;
    case arrow::Type::INT16: max = INT16_MAX; break;
    case arrow::Type::INT32: max = INT32_MAX; break;
    case arrow::Type::INT64: break;
    default: return Unsupported("CAST from TIME(6) to " + types::SqlString(*to));
  }
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), to, &builder));
  ARROW_RETURN_NOT_OK(builder->Reserve(in.length()));
  for (int64_t i = 0; i < in.length(); ++i) {
    if (times.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    const int64_t seconds = times.Value(i) / kNanosPerSecond;
    if (seconds > max) {
      if (ansi) {
        ARROW_ASSIGN_OR_RAISE(auto value, in.GetScalar(i));
        return internal::CastOverflowError(*value, *in.type(), *to, ctx);
      }
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    std::shared_ptr<arrow::Scalar> value;
    switch (to->id()) {
      case arrow::Type::INT8: value = std::make_shared<arrow::Int8Scalar>(static_cast<int8_t>(seconds)); break;
      case arrow::Type::INT16: value = std::make_shared<arrow::Int16Scalar>(static_cast<int16_t>(seconds)); break;
      case arrow::Type::INT32: value = std::make_shared<arrow::Int32Scalar>(static_cast<int32_t>(seconds)); break;
      default: value = std::make_shared<arrow::Int64Scalar>(seconds); break;
    }
    ARROW_RETURN_NOT_OK(builder->AppendScalar(*value));
  }
  return builder->Finish();
}

}  // namespace sk8::functions
