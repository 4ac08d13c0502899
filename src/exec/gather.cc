// GatherRows: the rows of a column at given indices, without Arrow's generic
// Take machinery (kernel dispatch, bounds checks, one element at a time) for
// the types that dominate scans and joins.
#include "exec/gather.h"

#include <cstring>

#include <arrow/compute/api.h>
#include <arrow/util/bit_util.h>

namespace sk8::exec {
namespace {

/// Calls `run(output_position, first_index, length)` for each run of
/// consecutive non-negative indices, and `null_row(output_position)` for each
/// negative index.
template <typename Index, typename Run, typename NullRow>
void ForEachRun(const Index* indices, int64_t count, Run&& run, NullRow&& null_row) {
  int64_t i = 0;
  while (i < count) {
    const Index first = indices[i];
    if (first < 0) {
      null_row(i);
      ++i;
      continue;
    }
    int64_t j = i + 1;
    while (j < count && indices[j] == first + static_cast<Index>(j - i)) ++j;
    run(i, static_cast<int64_t>(first), j - i);
    i = j;
  }
}

/// The validity of the gathered rows; nullptr when every row is valid.
template <typename Index>
Result<std::shared_ptr<arrow::Buffer>> GatherValidity(const arrow::ArrayData& data, const Index* indices,
                                                      int64_t count, arrow::MemoryPool* pool, int64_t* null_count) {
  const uint8_t* source = data.GetNullCount() > 0 ? data.buffers[0]->data() : nullptr;
  // A selection (int32) never holds -1; only a join's matches (int64) do.
  bool any_negative = false;
  if constexpr (sizeof(Index) == 8) {
    for (int64_t i = 0; i < count && !any_negative; ++i) any_negative = indices[i] < 0;
  }
  *null_count = 0;
  if (source == nullptr && !any_negative) return nullptr;
  ARROW_ASSIGN_OR_RAISE(auto bitmap, arrow::AllocateBitmap(count, pool));
  uint8_t* out = bitmap->mutable_data();
  int64_t nulls = 0;
  for (int64_t i = 0; i < count; ++i) {
    const Index index = indices[i];
    const bool valid = index >= 0 && (source == nullptr || arrow::bit_util::GetBit(source, data.offset + index));
    arrow::bit_util::SetBitTo(out, i, valid);
    nulls += !valid;
  }
  *null_count = nulls;
  if (nulls == 0) return nullptr;
  return bitmap;
}

template <typename T, typename Index>
void GatherFixed(const uint8_t* source, const Index* indices, int64_t count, uint8_t* out_bytes) {
  const T* values = reinterpret_cast<const T*>(source);
  T* out = reinterpret_cast<T*>(out_bytes);
  ForEachRun(
      indices, count,
      [&](int64_t at, int64_t first, int64_t length) {
        if (length >= 8) {
          std::memcpy(out + at, values + first, static_cast<size_t>(length) * sizeof(T));
        } else {
          for (int64_t k = 0; k < length; ++k) out[at + k] = values[first + k];
        }
      },
      [&](int64_t at) { std::memset(static_cast<void*>(out + at), 0, sizeof(T)); });
}

struct Bytes16 {
  uint64_t words[2];
};

template <typename Index>
Result<std::shared_ptr<arrow::Array>> GatherFixedWidth(const arrow::ArrayData& data, int byte_width,
                                                       const Index* indices, int64_t count, arrow::MemoryPool* pool) {
  int64_t null_count = 0;
  ARROW_ASSIGN_OR_RAISE(auto validity, GatherValidity(data, indices, count, pool, &null_count));
  ARROW_ASSIGN_OR_RAISE(auto values, arrow::AllocateBuffer(count * byte_width, pool));
  const uint8_t* source = data.buffers[1]->data() + data.offset * byte_width;
  uint8_t* out = values->mutable_data();
  switch (byte_width) {
    case 1: GatherFixed<uint8_t>(source, indices, count, out); break;
    case 2: GatherFixed<uint16_t>(source, indices, count, out); break;
    case 4: GatherFixed<uint32_t>(source, indices, count, out); break;
    case 8: GatherFixed<uint64_t>(source, indices, count, out); break;
    case 16: GatherFixed<Bytes16>(source, indices, count, out); break;
    default:
      ForEachRun(
          indices, count,
          [&](int64_t at, int64_t first, int64_t length) {
            std::memcpy(out + at * byte_width, source + first * byte_width, static_cast<size_t>(length) * byte_width);
          },
          [&](int64_t at) { std::memset(out + at * byte_width, 0, byte_width); });
  }
  return arrow::MakeArray(arrow::ArrayData::Make(data.type, count, {std::move(validity), std::move(values)},
                                                 null_count));
}

template <typename Index>
Result<std::shared_ptr<arrow::Array>> GatherBoolean(const arrow::ArrayData& data, const Index* indices, int64_t count,
                                                    arrow::MemoryPool* pool) {
  int64_t null_count = 0;
  ARROW_ASSIGN_OR_RAISE(auto validity, GatherValidity(data, indices, count, pool, &null_count));
  ARROW_ASSIGN_OR_RAISE(auto values, arrow::AllocateEmptyBitmap(count, pool));
  const uint8_t* source = data.buffers[1]->data();
  uint8_t* out = values->mutable_data();
  for (int64_t i = 0; i < count; ++i) {
    if (indices[i] >= 0 && arrow::bit_util::GetBit(source, data.offset + indices[i])) arrow::bit_util::SetBit(out, i);
  }
  return arrow::MakeArray(arrow::ArrayData::Make(data.type, count, {std::move(validity), std::move(values)},
                                                 null_count));
}

template <typename Offset, typename Index>
Result<std::shared_ptr<arrow::Array>> GatherBinary(const arrow::ArrayData& data, const Index* indices, int64_t count,
                                                   arrow::MemoryPool* pool) {
  int64_t null_count = 0;
  ARROW_ASSIGN_OR_RAISE(auto validity, GatherValidity(data, indices, count, pool, &null_count));
  const Offset* offsets = data.GetValues<Offset>(1);
  const uint8_t* chars = data.buffers[2] ? data.buffers[2]->data() : nullptr;
  ARROW_ASSIGN_OR_RAISE(auto out_offsets_buffer, arrow::AllocateBuffer((count + 1) * sizeof(Offset), pool));
  auto* out_offsets = reinterpret_cast<Offset*>(out_offsets_buffer->mutable_data());
  // Offsets first (the total size follows), then the characters run by run.
  int64_t total = 0;
  out_offsets[0] = 0;
  for (int64_t i = 0; i < count; ++i) {
    const Index index = indices[i];
    if (index >= 0) total += offsets[index + 1] - offsets[index];
    out_offsets[i + 1] = static_cast<Offset>(total);
  }
  if constexpr (sizeof(Offset) == 4) {
    if (total > INT32_MAX) return arrow::Status::CapacityError("gathered strings exceed 2 GiB in one batch");
  }
  ARROW_ASSIGN_OR_RAISE(auto out_chars, arrow::AllocateBuffer(total, pool));
  uint8_t* out = out_chars->mutable_data();
  ForEachRun(
      indices, count,
      [&](int64_t at, int64_t first, int64_t length) {
        const Offset begin = offsets[first];
        const auto bytes = static_cast<size_t>(offsets[first + length] - begin);
        if (bytes > 0) std::memcpy(out + out_offsets[at], chars + begin, bytes);
      },
      [](int64_t) {});
  return arrow::MakeArray(arrow::ArrayData::Make(
      data.type, count, {std::move(validity), std::move(out_offsets_buffer), std::move(out_chars)}, null_count));
}

template <typename Index>
Result<std::shared_ptr<arrow::Array>> TakeFallback(const std::shared_ptr<arrow::Array>& array, const Index* indices,
                                                   int64_t count, arrow::MemoryPool* pool) {
  using IndexType = std::conditional_t<sizeof(Index) == 4, arrow::Int32Type, arrow::Int64Type>;
  arrow::NumericBuilder<IndexType> builder(pool);
  ARROW_RETURN_NOT_OK(builder.Reserve(count));
  for (int64_t i = 0; i < count; ++i) {
    if (indices[i] < 0) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(indices[i]);
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto index_array, builder.Finish());
  arrow::compute::ExecContext exec_ctx(pool);
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(array, index_array, arrow::compute::TakeOptions::Defaults(),
                                                         &exec_ctx));
  return taken.make_array();
}

template <typename Index>
Result<std::shared_ptr<arrow::Array>> Gather(const std::shared_ptr<arrow::Array>& array, const Index* indices,
                                             int64_t count, arrow::MemoryPool* pool) {
  const arrow::ArrayData& data = *array->data();
  switch (data.type->id()) {
    case arrow::Type::NA: return arrow::MakeArrayOfNull(data.type, count, pool);
    case arrow::Type::BOOL: return GatherBoolean(data, indices, count, pool);
    case arrow::Type::STRING:
    case arrow::Type::BINARY: return GatherBinary<int32_t>(data, indices, count, pool);
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY: return GatherBinary<int64_t>(data, indices, count, pool);
    case arrow::Type::DICTIONARY:
    case arrow::Type::EXTENSION: return TakeFallback(array, indices, count, pool);
    default: break;
  }
  const auto* fixed = dynamic_cast<const arrow::FixedWidthType*>(data.type.get());
  if (fixed != nullptr && fixed->bit_width() % 8 == 0 && fixed->bit_width() > 0 && data.buffers.size() == 2) {
    return GatherFixedWidth(data, fixed->bit_width() / 8, indices, count, pool);
  }
  return TakeFallback(array, indices, count, pool);
}

template <typename Index>
Result<std::shared_ptr<arrow::RecordBatch>> GatherColumns(const arrow::RecordBatch& batch, const Index* indices,
                                                          int64_t count, const std::vector<bool>* needed,
                                                          arrow::MemoryPool* pool) {
  std::vector<std::shared_ptr<arrow::Array>> columns(batch.num_columns());
  std::shared_ptr<arrow::Schema> schema = batch.schema();
  for (int c = 0; c < batch.num_columns(); ++c) {
    if (needed != nullptr && !(*needed)[c]) {
      // Not read by the caller: a placeholder of NULLs costs nothing to build.
      columns[c] = std::make_shared<arrow::NullArray>(count);
      ARROW_ASSIGN_OR_RAISE(schema, schema->SetField(c, schema->field(c)->WithType(arrow::null())));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(columns[c], Gather(batch.column(c), indices, count, pool));
  }
  return arrow::RecordBatch::Make(std::move(schema), count, std::move(columns));
}

}  // namespace

Result<std::shared_ptr<arrow::RecordBatch>> GatherBatch(const arrow::RecordBatch& batch, const int32_t* indices,
                                                        int64_t count, const std::vector<bool>* needed,
                                                        arrow::MemoryPool* pool) {
  return GatherColumns(batch, indices, count, needed, pool);
}

Result<std::shared_ptr<arrow::RecordBatch>> GatherBatch(const arrow::RecordBatch& batch, const int64_t* indices,
                                                        int64_t count, const std::vector<bool>* needed,
                                                        arrow::MemoryPool* pool) {
  return GatherColumns(batch, indices, count, needed, pool);
}

Result<std::shared_ptr<arrow::Array>> GatherRows(const std::shared_ptr<arrow::Array>& array, const int32_t* indices,
                                                 int64_t count, arrow::MemoryPool* pool) {
  return Gather(array, indices, count, pool);
}

Result<std::shared_ptr<arrow::Array>> GatherRows(const std::shared_ptr<arrow::Array>& array, const int64_t* indices,
                                                 int64_t count, arrow::MemoryPool* pool) {
  return Gather(array, indices, count, pool);
}

}  // namespace sk8::exec
