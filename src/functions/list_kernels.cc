// The ARRAY forms of concat and reverse: both pick elements of the inputs'
// value arrays by index (one Take over the concatenated values), so any
// element type works without a kernel per type.
#include <arrow/array/concatenate.h>
#include <arrow/compute/api_vector.h>

#include "functions/string_util.h"

namespace sk8::functions {
namespace {

std::shared_ptr<arrow::ListArray> AsListArray(const arrow::Datum& datum, int64_t length) {
  if (datum.is_array()) return std::static_pointer_cast<arrow::ListArray>(datum.make_array());
  auto array = arrow::MakeArrayFromScalar(*datum.scalar(), length);
  return std::static_pointer_cast<arrow::ListArray>(*array);
}

/// A list column whose row i holds `values[indices of row i]`.
Result<arrow::Datum> ListFromIndices(const std::shared_ptr<arrow::DataType>& type, const arrow::Datum& values,
                                     std::vector<int32_t> offsets, std::vector<int64_t> indices,
                                     std::shared_ptr<arrow::Buffer> validity, int64_t null_count, bool scalar_output) {
  const auto count = static_cast<int64_t>(indices.size());  // read before the vector is moved
  auto index_array = std::make_shared<arrow::Int64Array>(count, arrow::Buffer::FromVector(std::move(indices)));
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(values, arrow::Datum(index_array)));
  const int64_t rows = static_cast<int64_t>(offsets.size()) - 1;
  auto list = std::make_shared<arrow::ListArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets)),
                                                 taken.make_array(), std::move(validity), null_count);
  return FinishResult(std::shared_ptr<arrow::Array>(list), scalar_output);
}

}  // namespace

Result<arrow::Datum> ConcatLists(const std::vector<arrow::Datum>& args, int64_t length,
                                 const std::shared_ptr<arrow::DataType>& type) {
  const bool scalar_output = AllScalars(args);
  const int64_t rows = scalar_output ? 1 : length;
  std::vector<std::shared_ptr<arrow::ListArray>> lists;
  arrow::ArrayVector values;
  std::vector<int64_t> base;  // where each input's values start in the concatenation
  int64_t total = 0;
  for (const auto& a : args) {
    lists.push_back(AsListArray(a, rows));
    values.push_back(lists.back()->values());
    base.push_back(total);
    total += lists.back()->values()->length();
  }
  ARROW_ASSIGN_OR_RAISE(auto all_values, arrow::Concatenate(values));
  std::vector<int32_t> offsets = {0};
  std::vector<int64_t> indices;
  std::vector<uint8_t> validity(static_cast<size_t>(arrow::bit_util::BytesForBits(rows)), 0xFF);
  int64_t null_count = 0;
  for (int64_t i = 0; i < rows; ++i) {
    bool valid = true;
    for (const auto& l : lists) valid &= l->IsValid(i);
    if (valid) {
      for (size_t k = 0; k < lists.size(); ++k) {
        for (int64_t e = lists[k]->value_offset(i); e < lists[k]->value_offset(i + 1); ++e) indices.push_back(base[k] + e);
      }
    } else {
      arrow::bit_util::ClearBit(validity.data(), i);
      ++null_count;
    }
    offsets.push_back(static_cast<int32_t>(indices.size()));
  }
  return ListFromIndices(type, arrow::Datum(all_values), std::move(offsets), std::move(indices),
                         null_count ? arrow::Buffer::FromVector(std::move(validity)) : nullptr, null_count,
                         scalar_output);
}

Result<arrow::Datum> ReverseLists(const arrow::Datum& arg, int64_t length) {
  const bool scalar_output = arg.is_scalar();
  const int64_t rows = scalar_output ? 1 : length;
  auto list = AsListArray(arg, rows);
  std::vector<int32_t> offsets = {0};
  std::vector<int64_t> indices;
  for (int64_t i = 0; i < rows; ++i) {
    if (list->IsValid(i)) {
      for (int64_t e = list->value_offset(i + 1); e-- > list->value_offset(i);) indices.push_back(e);
    }
    offsets.push_back(static_cast<int32_t>(indices.size()));
  }
  std::shared_ptr<arrow::Buffer> validity;
  if (list->null_count() > 0) {
    ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(), list->null_bitmap_data(),
                                                                list->offset(), rows));
  }
  return ListFromIndices(list->type(), arrow::Datum(list->values()), std::move(offsets), std::move(indices),
                         std::move(validity), list->null_count(), scalar_output);
}

}  // namespace sk8::functions
