#include "functions/kernel_util.h"

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

}  // namespace sk8::functions
