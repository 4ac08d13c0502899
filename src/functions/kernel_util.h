#pragma once

#include <cstring>
#include <memory>
#include <vector>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/datum.h>
#include <arrow/scalar.h>

#include "plan/bound_expression.h"

/// Helpers for writing vectorized kernels over arguments that are either arrays
/// or scalars (a literal argument stays a scalar instead of being broadcast).
namespace sk8::functions {

template <typename ArrowType>
class NumericArg {
 public:
  using T = typename ArrowType::c_type;

  explicit NumericArg(const arrow::Datum& datum) {
    if (datum.is_scalar()) {
      const auto& s = *datum.scalar();
      is_scalar_ = true;
      scalar_valid_ = s.is_valid;
      if (s.is_valid) {
        // Scalars of dates/timestamps hold the same physical value type.
        const auto& primitive = static_cast<const arrow::internal::PrimitiveScalarBase&>(s);
        std::memcpy(&scalar_, primitive.data(), sizeof(T));
      }
    } else {
      auto array = datum.make_array();
      // Dates and timestamps are read through their physical integer type.
      const auto& physical = arrow::TypeTraits<ArrowType>::type_singleton();
      if (array->type_id() != physical->id()) array = *array->View(physical);
      array_ = std::static_pointer_cast<arrow::NumericArray<ArrowType>>(array);
      values_ = array_->raw_values();
    }
  }
  bool IsValid(int64_t i) const { return is_scalar_ ? scalar_valid_ : array_->IsValid(i); }
  T Value(int64_t i) const { return is_scalar_ ? scalar_ : values_[i]; }
  bool is_scalar() const { return is_scalar_; }
  /// Arrays only: the values (already offset) and the array.
  const T* values() const { return values_; }
  const arrow::Array* array() const { return array_.get(); }

 private:
  bool is_scalar_ = false;
  bool scalar_valid_ = false;
  T scalar_{};
  std::shared_ptr<arrow::NumericArray<ArrowType>> array_;
  const T* values_ = nullptr;
};

/// True when every argument is a scalar: the result is then a scalar too.
inline bool AllScalars(const std::vector<arrow::Datum>& args) {
  for (const auto& a : args) if (!a.is_scalar()) return false;
  return true;
}

/// Wraps a one-row result into a scalar when all inputs were scalars.
Result<arrow::Datum> FinishResult(Result<std::shared_ptr<arrow::Array>> result, bool scalar_output);

/// A kernel written as a plain function.
class LambdaKernel : public plan::ScalarKernel {
 public:
  using Fn = std::function<Result<arrow::Datum>(const std::vector<arrow::Datum>&, int64_t,
                                                const plan::EvalContext&)>;
  explicit LambdaKernel(Fn fn) : fn_(std::move(fn)) {}
  Result<arrow::Datum> Execute(const std::vector<arrow::Datum>& args, int64_t length,
                               const plan::EvalContext& ctx) const override {
    return fn_(args, length, ctx);
  }

 private:
  Fn fn_;
};

/// Numeric promotion order used by Spark's type coercion for primitive types.
int NumericRank(const arrow::DataType& type);
/// Spark's wider type of two (findWiderTypeForTwo, without string promotion):
/// equal types, NULL with anything, numeric widening, decimals widened to hold
/// both (DOUBLE with a float side); nullptr when there is none.
std::shared_ptr<arrow::DataType> WiderType(const std::shared_ptr<arrow::DataType>& a,
                                           const std::shared_ptr<arrow::DataType>& b);
/// The wider of two primitive numeric types (tinyint < ... < bigint < float < double).
std::shared_ptr<arrow::DataType> WiderNumericType(const std::shared_ptr<arrow::DataType>& a,
                                                  const std::shared_ptr<arrow::DataType>& b);

}  // namespace sk8::functions
