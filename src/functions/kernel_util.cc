#include "functions/kernel_util.h"

#include <arrow/util/string.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "functions/decimal_arithmetic.h"
#include "types/spark_types.h"

namespace sk8::functions {

Result<arrow::Datum> FinishResult(Result<std::shared_ptr<arrow::Array>> result, bool scalar_output) {
  ARROW_ASSIGN_OR_RAISE(auto array, std::move(result));
  if (scalar_output) {
    ARROW_ASSIGN_OR_RAISE(auto scalar, array->GetScalar(0));
    return arrow::Datum(scalar);
  }
  return arrow::Datum(array);
}

Result<arrow::Datum> StringColumnWriter::Finish(bool scalar_output, const std::shared_ptr<arrow::DataType>& type) {
  if (data_.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::CapacityError("string column larger than 2 GiB");
  }
  const int64_t length = static_cast<int64_t>(offsets_.size()) - 1;
  // The buffers take over the vectors' storage: no copy.
  auto offsets = arrow::Buffer::FromVector(std::move(offsets_));
  auto data = arrow::Buffer::FromString(std::move(data_));
  std::shared_ptr<arrow::Buffer> validity;
  if (null_count_ > 0) validity = arrow::Buffer::FromVector(std::move(validity_));
  auto array_data = arrow::ArrayData::Make(type, length, {std::move(validity), std::move(offsets), std::move(data)},
                                           null_count_);
  auto array = arrow::MakeArray(array_data);
  if (scalar_output) {
    ARROW_ASSIGN_OR_RAISE(auto scalar, array->GetScalar(0));
    return arrow::Datum(scalar);
  }
  return arrow::Datum(array);
}

int NumericRank(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return 1;
    case arrow::Type::INT16: return 2;
    case arrow::Type::INT32: return 3;
    case arrow::Type::INT64: return 4;
    case arrow::Type::FLOAT: return 5;
    case arrow::Type::DOUBLE: return 6;
    default: return 0;
  }
}

std::shared_ptr<arrow::DataType> WiderNumericType(const std::shared_ptr<arrow::DataType>& a,
                                                  const std::shared_ptr<arrow::DataType>& b) {
  return NumericRank(*a) >= NumericRank(*b) ? a : b;
}

std::shared_ptr<arrow::DataType> WiderType(const std::shared_ptr<arrow::DataType>& a,
                                           const std::shared_ptr<arrow::DataType>& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  if (NumericRank(*a) && NumericRank(*b)) return WiderNumericType(a, b);
  bool a_decimal = a->id() == arrow::Type::DECIMAL128, b_decimal = b->id() == arrow::Type::DECIMAL128;
  if ((a_decimal || NumericRank(*a)) && (b_decimal || NumericRank(*b))) {
    if (types::IsFractional(*a) || types::IsFractional(*b)) return arrow::float64();
    const auto& x = static_cast<const arrow::Decimal128Type&>(*AsDecimalType(a));
    const auto& y = static_cast<const arrow::Decimal128Type&>(*AsDecimalType(b));
    int scale = std::max(x.scale(), y.scale());
    int int_digits = std::max(x.precision() - x.scale(), y.precision() - y.scale());
    // Past 38 digits the integral digits are kept and the scale gives way
    // (Spark 4's DecimalType.boundedPreferIntegralDigits).
    if (int_digits + scale > 38) scale = 38 - int_digits;
    return arrow::decimal128(int_digits + scale, scale);
  }
  return WiderNestedType(a, b);
}

std::shared_ptr<arrow::DataType> WiderNestedType(const std::shared_ptr<arrow::DataType>& a,
                                                 const std::shared_ptr<arrow::DataType>& b) {
  // Nested types widen field by field (Spark's findTypeForComplex): ARRAY<VOID>
  // (array()) and ARRAY<INT> give ARRAY<INT>; a field may hold NULL if either may.
  auto wider_field = [](const std::shared_ptr<arrow::Field>& x,
                        const std::shared_ptr<arrow::Field>& y) -> std::shared_ptr<arrow::Field> {
    auto type = WiderType(x->type(), y->type());
    return type ? x->WithType(type)->WithNullable(x->nullable() || y->nullable()) : nullptr;
  };
  if (a->id() != b->id()) return nullptr;
  switch (a->id()) {
    case arrow::Type::LIST: {
      auto element = wider_field(a->field(0), b->field(0));
      return element ? arrow::list(element) : nullptr;
    }
    case arrow::Type::MAP: {
      const auto& x = static_cast<const arrow::MapType&>(*a);
      const auto& y = static_cast<const arrow::MapType&>(*b);
      auto key = wider_field(x.key_field(), y.key_field());
      auto item = wider_field(x.item_field(), y.item_field());
      if (!key || !item) return nullptr;
      return std::make_shared<arrow::MapType>(key->WithNullable(false), item);
    }
    case arrow::Type::STRUCT: {
      if (a->num_fields() != b->num_fields()) return nullptr;
      arrow::FieldVector fields;
      for (int i = 0; i < a->num_fields(); ++i) {
        if (!arrow::internal::AsciiEqualsCaseInsensitive(a->field(i)->name(), b->field(i)->name())) return nullptr;
        auto field = wider_field(a->field(i), b->field(i));
        if (!field) return nullptr;
        fields.push_back(std::move(field));
      }
      return arrow::struct_(std::move(fields));
    }
    default: return nullptr;
  }
}

}  // namespace sk8::functions
