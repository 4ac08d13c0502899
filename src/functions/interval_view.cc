#include "functions/interval_view.h"

#include <cstring>

namespace sk8::functions {
namespace {

arrow::Datum Relabel(const arrow::Datum& value, arrow::Type::type from, const std::shared_ptr<arrow::DataType>& to) {
  if (value.type() == nullptr || value.type()->id() != from) return value;
  if (value.is_scalar()) {
    const auto& s = static_cast<const arrow::internal::PrimitiveScalarBase&>(*value.scalar());
    if (!s.is_valid) return arrow::Datum(arrow::MakeNullScalar(to));
    int32_t months;
    std::memcpy(&months, s.data(), sizeof(months));
    if (to->id() == arrow::Type::INT32) return arrow::Datum(std::make_shared<arrow::Int32Scalar>(months));
    return arrow::Datum(std::make_shared<arrow::MonthIntervalScalar>(months));
  }
  auto data = value.array()->Copy();
  data->type = to;
  return arrow::Datum(std::move(data));
}

}  // namespace

arrow::Datum MonthsAsInt32(const arrow::Datum& value) {
  return Relabel(value, arrow::Type::INTERVAL_MONTHS, arrow::int32());
}

arrow::Datum Int32AsMonths(const arrow::Datum& value) {
  return Relabel(value, arrow::Type::INT32, arrow::month_interval());
}

}  // namespace sk8::functions
