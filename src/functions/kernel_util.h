#pragma once

#include <cstring>
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/datum.h>
#include <arrow/scalar.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/bitmap_ops.h>

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

/// A fixed-width argument (array or scalar) read as values of T, whose size is
/// the type's physical width: int64 for BIGINT / TIMESTAMP, __int128 for
/// DECIMAL(p <= 38), double ... Values are read unaligned (Arrow slices need
/// not be aligned to 16 bytes).
template <typename T>
class FixedWidthArg {
 public:
  explicit FixedWidthArg(const arrow::Datum& datum) {
    if (datum.is_scalar()) {
      const auto& s = *datum.scalar();
      is_scalar_ = true;
      scalar_valid_ = s.is_valid;
      if (s.is_valid) std::memcpy(&scalar_, static_cast<const arrow::internal::PrimitiveScalarBase&>(s).data(), sizeof(T));
    } else {
      const auto& data = *datum.array();
      offset_ = data.offset;
      values_ = data.buffers[1]->data() + data.offset * static_cast<int64_t>(sizeof(T));
      validity_ = data.GetNullCount() > 0 && data.buffers[0] ? data.buffers[0]->data() : nullptr;
    }
  }
  bool is_scalar() const { return is_scalar_; }
  /// False only for a null scalar; arrays answer per row through validity().
  bool scalar_valid() const { return scalar_valid_; }
  /// The array's validity bitmap (bit `offset()` is row 0), or null when no row is null.
  const uint8_t* validity() const { return validity_; }
  int64_t offset() const { return offset_; }
  /// Arrays only: the first row's bytes.
  const uint8_t* values() const { return values_; }
  bool IsValid(int64_t i) const {
    return is_scalar_ ? scalar_valid_ : validity_ == nullptr || arrow::bit_util::GetBit(validity_, offset_ + i);
  }
  T Value(int64_t i) const {
    if (is_scalar_) return scalar_;
    T v;
    std::memcpy(&v, values_ + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
  }

 private:
  bool is_scalar_ = false;
  bool scalar_valid_ = false;
  T scalar_{};
  const uint8_t* values_ = nullptr;
  const uint8_t* validity_ = nullptr;
  int64_t offset_ = 0;
};

/// A boolean column from `predicate(i)` for rows [0, length) of two
/// fixed-width arguments, NULL where either is NULL (a null scalar gives a null
/// scalar). The loop has no branch on validity: the result's validity is the
/// AND of the inputs' bitmaps. A scalar result when both are scalars.
template <typename T, typename Predicate>
Result<arrow::Datum> BinaryPredicate(const arrow::Datum& left_datum, const arrow::Datum& right_datum, int64_t length,
                                     Predicate&& predicate) {
  FixedWidthArg<T> left(left_datum), right(right_datum);
  if ((left.is_scalar() && !left.scalar_valid()) || (right.is_scalar() && !right.scalar_valid())) {
    return arrow::Datum(arrow::MakeNullScalar(arrow::boolean()));
  }
  if (left.is_scalar() && right.is_scalar()) {
    return arrow::Datum(std::make_shared<arrow::BooleanScalar>(predicate(left.Value(0), right.Value(0))));
  }
  ARROW_ASSIGN_OR_RAISE(auto bits, arrow::AllocateBitmap(length));
  uint8_t* out = bits->mutable_data();
  // One loop per shape (array-array, array-scalar, scalar-array), so that the
  // compiler sees plain loads and can vectorize.
  auto array_values = [](const FixedWidthArg<T>& arg) {
    return [values = arg.values()](int64_t i) {
      T v;
      std::memcpy(&v, values + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
      return v;
    };
  };
  auto constant = [](T v) { return [v](int64_t) { return v; }; };
  auto fill = [&](auto left_at, auto right_at) {
    int64_t i = 0;
    for (; i + 8 <= length; i += 8) {
      uint8_t byte = 0;
      for (int b = 0; b < 8; ++b) byte |= static_cast<uint8_t>(predicate(left_at(i + b), right_at(i + b))) << b;
      out[i / 8] = byte;
    }
    if (i < length) {
      uint8_t byte = 0;
      for (int b = 0; i + b < length; ++b) byte |= static_cast<uint8_t>(predicate(left_at(i + b), right_at(i + b))) << b;
      out[i / 8] = byte;
    }
  };
  if (left.is_scalar()) {
    fill(constant(left.Value(0)), array_values(right));
  } else if (right.is_scalar()) {
    fill(array_values(left), constant(right.Value(0)));
  } else {
    fill(array_values(left), array_values(right));
  }
  std::shared_ptr<arrow::Buffer> validity;
  const uint8_t* lv = left.validity();
  const uint8_t* rv = right.validity();
  if (lv && rv) {
    ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::BitmapAnd(arrow::default_memory_pool(), lv, left.offset(), rv,
                                                               right.offset(), length, 0));
  } else if (lv || rv) {
    ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(), lv ? lv : rv,
                                                                lv ? left.offset() : right.offset(), length));
  }
  return arrow::Datum(std::make_shared<arrow::BooleanArray>(length, std::move(bits), std::move(validity)));
}

/// Spark's `a = b` for two arguments of one type (NaN = NaN, 0.0 = -0.0);
/// NULL where either is NULL. Defined with the comparison operators.
Result<arrow::Datum> SparkEqual(const arrow::Datum& a, const arrow::Datum& b, const arrow::DataType& type,
                                int64_t length);

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

/// A string or binary argument (array or scalar) read through Arrow's offsets
/// and data buffers: no per-row virtual call or shared_ptr copy.
class StringArg {
 public:
  explicit StringArg(const arrow::Datum& datum) {
    if (datum.is_scalar()) {
      const auto& s = *datum.scalar();
      is_scalar_ = true;
      scalar_valid_ = s.is_valid;
      if (s.is_valid) scalar_ = static_cast<const arrow::BaseBinaryScalar&>(s).view();
    } else {
      const auto& data = *datum.array();
      offset_ = data.offset;
      if (data.buffers.size() < 3) {  // not a string or binary array (a NullArray): every row NULL
        all_null_ = true;
        return;
      }
      offsets_ = data.GetValues<int32_t>(1);
      chars_ = data.buffers[2] ? reinterpret_cast<const char*>(data.buffers[2]->data()) : "";
      validity_ = data.GetNullCount() > 0 && data.buffers[0] ? data.buffers[0]->data() : nullptr;
    }
  }
  bool is_scalar() const { return is_scalar_; }
  /// False only for a null scalar.
  bool scalar_valid() const { return scalar_valid_; }
  bool IsValid(int64_t i) const {
    if (is_scalar_) return scalar_valid_;
    return !all_null_ && (validity_ == nullptr || arrow::bit_util::GetBit(validity_, offset_ + i));
  }
  std::string_view View(int64_t i) const {
    if (is_scalar_) return scalar_;
    return {chars_ + offsets_[i], static_cast<size_t>(offsets_[i + 1] - offsets_[i])};
  }
  /// Row i's value; false when it is NULL.
  bool Get(int64_t i, std::string_view* out) const {
    if (!IsValid(i)) return false;
    *out = View(i);
    return true;
  }
  /// Arrays only: the bytes of rows [0, rows) as one range (for whole-batch scans).
  std::string_view AllBytes(int64_t rows) const {
    if (is_scalar_ || all_null_) return scalar_;
    return {chars_ + offsets_[0], static_cast<size_t>(offsets_[rows] - offsets_[0])};
  }
  /// Arrays only: the offsets of rows [0, rows], already sliced.
  const int32_t* offsets() const { return offsets_; }

 private:
  bool is_scalar_ = false;
  bool scalar_valid_ = false;
  bool all_null_ = false;
  std::string_view scalar_;
  const int32_t* offsets_ = nullptr;
  const char* chars_ = nullptr;
  const uint8_t* validity_ = nullptr;
  int64_t offset_ = 0;
};

/// Builds a string (or binary) column straight into its offsets, data and
/// validity buffers. The validity bitmap is only materialized once a NULL is
/// appended.
class StringColumnWriter {
 public:
  explicit StringColumnWriter(int64_t rows, int64_t data_bytes_hint = 0) : rows_(rows) {
    offsets_.reserve(static_cast<size_t>(rows) + 1);
    offsets_.push_back(0);
    data_.reserve(static_cast<size_t>(std::max<int64_t>(data_bytes_hint, 0)));
  }
  void Append(std::string_view value) {
    data_.append(value);
    offsets_.push_back(static_cast<int32_t>(data_.size()));
  }
  /// Appends a value written in place by the caller into `data()` (after
  /// growing it); only the offset is recorded.
  void CommitAppended() { offsets_.push_back(static_cast<int32_t>(data_.size())); }
  std::string& data() { return data_; }
  void AppendNull() {
    if (validity_.empty()) validity_.assign(static_cast<size_t>(arrow::bit_util::BytesForBits(rows_)), 0xFF);
    arrow::bit_util::ClearBit(validity_.data(), static_cast<int64_t>(offsets_.size()) - 1);
    ++null_count_;
    offsets_.push_back(static_cast<int32_t>(data_.size()));
  }
  /// The column (a scalar of it when `scalar_output`), typed `type` (utf8 or binary).
  Result<arrow::Datum> Finish(bool scalar_output, const std::shared_ptr<arrow::DataType>& type = arrow::utf8());

 private:
  int64_t rows_;
  std::vector<int32_t> offsets_;
  std::string data_;
  std::vector<uint8_t> validity_;
  int64_t null_count_ = 0;
};

/// Numeric promotion order used by Spark's type coercion for primitive types.
int NumericRank(const arrow::DataType& type);
/// Spark's wider type of two (findWiderTypeForTwo, without string promotion):
/// equal types, NULL with anything, numeric widening, decimals widened to hold
/// both (DOUBLE with a float side); nullptr when there is none.
std::shared_ptr<arrow::DataType> WiderType(const std::shared_ptr<arrow::DataType>& a,
                                           const std::shared_ptr<arrow::DataType>& b);
/// The type both sides of a comparison (and IN's value and list) are cast to: Spark's
/// ANSI coercion, WiderType plus string promotion (a string read as the other side's
/// type, as BIGINT against an integral one); nullptr when there is none.
std::shared_ptr<arrow::DataType> ComparisonType(const std::shared_ptr<arrow::DataType>& a,
                                                const std::shared_ptr<arrow::DataType>& b);
/// WiderType of two arrays, maps or structs (same shape), element by element.
std::shared_ptr<arrow::DataType> WiderNestedType(const std::shared_ptr<arrow::DataType>& a,
                                                 const std::shared_ptr<arrow::DataType>& b);
/// The wider of two primitive numeric types (tinyint < ... < bigint < float < double).
std::shared_ptr<arrow::DataType> WiderNumericType(const std::shared_ptr<arrow::DataType>& a,
                                                  const std::shared_ptr<arrow::DataType>& b);

}  // namespace sk8::functions
