#include "io/parquet_flat_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <arrow/buffer.h>
#include <arrow/buffer_builder.h>
#include <arrow/util/bit_util.h>
#include <parquet/column_reader.h>
#include <parquet/schema.h>
#include <parquet/types.h>

namespace sk8::io {
namespace {

// Values decoded per call; a call never crosses a page, so string values
// point into the current page until the next call.
constexpr int64_t kBatchValues = 32768;

// The Arrow type a flat leaf decodes to here, or null if this reader leaves it
// to parquet::arrow.
std::shared_ptr<arrow::DataType> DecodedType(const parquet::ColumnDescriptor& descr) {
  const auto& logical = descr.logical_type();
  const bool plain = !logical || logical->is_none();
  auto signed_int = [&](int bits) {
    if (plain) return true;
    if (!logical->is_int()) return false;
    const auto& integer = static_cast<const parquet::IntLogicalType&>(*logical);
    return integer.is_signed() && integer.bit_width() == bits;
  };
  auto decimal = [&]() -> std::shared_ptr<arrow::DataType> {
    const auto& dec = static_cast<const parquet::DecimalLogicalType&>(*logical);
    return arrow::decimal128(dec.precision(), dec.scale());
  };
  switch (descr.physical_type()) {
    case parquet::Type::INT32:
      if (!plain && logical->is_date()) return arrow::date32();
      if (!plain && logical->is_decimal()) return decimal();
      return signed_int(32) ? arrow::int32() : nullptr;
    case parquet::Type::INT64:
      if (!plain && logical->is_decimal()) return decimal();
      return signed_int(64) ? arrow::int64() : nullptr;
    case parquet::Type::FLOAT: return plain ? arrow::float32() : nullptr;
    case parquet::Type::DOUBLE: return plain ? arrow::float64() : nullptr;
    case parquet::Type::BYTE_ARRAY:
      if (plain) return arrow::binary();
      return logical->is_string() ? arrow::utf8() : nullptr;
    default: return nullptr;
  }
}

Status ShortColumn(const parquet::ColumnDescriptor& descr, int64_t got, int64_t rows) {
  return Status::IOError("Parquet column ", descr.path()->ToDotString(), " holds ", got, " values where its row group has ",
                         rows, " rows");
}

// The validity bitmap of an optional column, filled batch by batch.
class Validity {
 public:
  Status Init(bool optional, int64_t rows, arrow::MemoryPool* pool) {
    if (!optional) return Status::OK();
    ARROW_ASSIGN_OR_RAISE(bitmap_, arrow::AllocateEmptyBitmap(rows, pool));
    return Status::OK();
  }
  void Set(int64_t row, bool valid) {
    if (valid) {
      arrow::bit_util::SetBit(bitmap_->mutable_data(), row);
    } else {
      ++null_count_;
    }
  }
  std::shared_ptr<arrow::Buffer> bitmap() const { return null_count_ > 0 ? bitmap_ : nullptr; }
  int64_t null_count() const { return null_count_; }

 private:
  std::shared_ptr<arrow::Buffer> bitmap_;
  int64_t null_count_ = 0;
};

// Reads the column batch by batch: `place(row, levels, defs, values_read)`
// gets each batch's definition levels (null when the column is required) after
// its values were decoded into `values_at(row)`.
template <typename PType, typename ValuesAt, typename Place>
Status ReadBatches(parquet::TypedColumnReader<PType>& reader, int64_t rows, bool optional, ValuesAt&& values_at,
                   Place&& place) {
  std::vector<int16_t> defs(optional ? static_cast<size_t>(std::min(rows, kBatchValues)) : 0);
  int64_t row = 0;
  while (row < rows) {
    int64_t values_read = 0;
    const int64_t want = std::min(rows - row, kBatchValues);
    const int64_t levels =
        reader.ReadBatch(want, optional ? defs.data() : nullptr, nullptr, values_at(row), &values_read);
    if (levels <= 0) return ShortColumn(*reader.descr(), row, rows);
    place(row, levels, optional ? defs.data() : nullptr, values_read);
    row += levels;
  }
  return Status::OK();
}

// INT32 / INT64 / FLOAT / DOUBLE / DATE: decoded in place into the result;
// an optional column's values are then spread to their rows back to front.
template <typename PType>
Result<std::shared_ptr<arrow::Array>> DecodeFixed(parquet::TypedColumnReader<PType>& reader,
                                                  const std::shared_ptr<arrow::DataType>& type, int64_t rows,
                                                  bool optional, arrow::MemoryPool* pool) {
  using T = typename PType::c_type;
  ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(rows * static_cast<int64_t>(sizeof(T)), pool));
  T* out = reinterpret_cast<T*>(data->mutable_data());
  Validity validity;
  ARROW_RETURN_NOT_OK(validity.Init(optional, rows, pool));
  ARROW_RETURN_NOT_OK(ReadBatches(
      reader, rows, optional, [&](int64_t row) { return out + row; },
      [&](int64_t row, int64_t levels, const int16_t* defs, int64_t values_read) {
        if (defs == nullptr) return;
        int64_t value = values_read;
        for (int64_t i = levels - 1; i >= 0; --i) {
          const bool valid = defs[i] > 0;
          out[row + i] = valid ? out[row + --value] : T{};
          validity.Set(row + i, valid);
        }
      }));
  return arrow::MakeArray(arrow::ArrayData::Make(type, rows, {validity.bitmap(), std::move(data)}, validity.null_count()));
}

// Decimals stored as INT32 / INT64 unscaled values, widened to Decimal128.
template <typename PType>
Result<std::shared_ptr<arrow::Array>> DecodeDecimal(parquet::TypedColumnReader<PType>& reader,
                                                    const std::shared_ptr<arrow::DataType>& type, int64_t rows,
                                                    bool optional, arrow::MemoryPool* pool) {
  using T = typename PType::c_type;
  ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(rows * 16, pool));
  auto* out = reinterpret_cast<int64_t*>(data->mutable_data());  // little-endian (low, high) words
  std::vector<T> values(static_cast<size_t>(std::min(rows, kBatchValues)));
  Validity validity;
  ARROW_RETURN_NOT_OK(validity.Init(optional, rows, pool));
  ARROW_RETURN_NOT_OK(ReadBatches(
      reader, rows, optional, [&](int64_t) { return values.data(); },
      [&](int64_t row, int64_t levels, const int16_t* defs, int64_t) {
        if (defs == nullptr) {  // required: one value per row, a loop the compiler vectorizes
          int64_t* words = out + 2 * row;
          for (int64_t i = 0; i < levels; ++i) {
            const auto unscaled = static_cast<int64_t>(values[i]);
            words[2 * i] = unscaled;
            words[2 * i + 1] = unscaled >> 63;
          }
          return;
        }
        int64_t value = 0;
        for (int64_t i = 0; i < levels; ++i) {
          const bool valid = defs == nullptr || defs[i] > 0;
          const int64_t unscaled = valid ? static_cast<int64_t>(values[value++]) : 0;
          out[2 * (row + i)] = unscaled;
          out[2 * (row + i) + 1] = unscaled >> 63;
          if (defs != nullptr) validity.Set(row + i, valid);
        }
      }));
  return arrow::MakeArray(arrow::ArrayData::Make(type, rows, {validity.bitmap(), std::move(data)}, validity.null_count()));
}

// BYTE_ARRAY: each batch's bytes are sized first and copied into one buffer.
Result<std::shared_ptr<arrow::Array>> DecodeBinary(parquet::TypedColumnReader<parquet::ByteArrayType>& reader,
                                                   const std::shared_ptr<arrow::DataType>& type, int64_t rows,
                                                   bool optional, arrow::MemoryPool* pool) {
  ARROW_ASSIGN_OR_RAISE(auto offsets_buffer, arrow::AllocateBuffer((rows + 1) * 4, pool));
  auto* offsets = reinterpret_cast<int32_t*>(offsets_buffer->mutable_data());
  offsets[0] = 0;
  arrow::BufferBuilder bytes(pool);
  std::vector<parquet::ByteArray> values(static_cast<size_t>(std::min(rows, kBatchValues)));
  Validity validity;
  ARROW_RETURN_NOT_OK(validity.Init(optional, rows, pool));
  Status status;
  ARROW_RETURN_NOT_OK(ReadBatches(
      reader, rows, optional, [&](int64_t) { return values.data(); },
      [&](int64_t row, int64_t levels, const int16_t* defs, int64_t values_read) {
        if (!status.ok()) return;
        int64_t batch_bytes = 0;
        for (int64_t v = 0; v < values_read; ++v) batch_bytes += values[v].len;
        if (bytes.length() + batch_bytes > std::numeric_limits<int32_t>::max()) {
          status = Status::CapacityError("a Parquet row group's column ", reader.descr()->path()->ToDotString(),
                                         " holds more than 2 GiB of strings");
          return;
        }
        status = bytes.Reserve(batch_bytes);
        if (!status.ok()) return;
        int64_t value = 0;
        for (int64_t i = 0; i < levels; ++i) {
          const bool valid = defs == nullptr || defs[i] > 0;
          if (valid) {
            const auto& v = values[value++];
            bytes.UnsafeAppend(v.ptr, v.len);
          }
          offsets[row + i + 1] = static_cast<int32_t>(bytes.length());
          if (defs != nullptr) validity.Set(row + i, valid);
        }
      }));
  ARROW_RETURN_NOT_OK(status);
  ARROW_ASSIGN_OR_RAISE(auto data, bytes.Finish());
  return arrow::MakeArray(arrow::ArrayData::Make(type, rows, {validity.bitmap(), std::move(offsets_buffer), std::move(data)},
                                                 validity.null_count()));
}

}  // namespace

bool CanDecodeFlat(const parquet::ColumnDescriptor& descr, const arrow::DataType& target) {
  if (descr.max_repetition_level() != 0 || descr.max_definition_level() > 1) return false;
  if (descr.path()->ToDotVector().size() != 1) return false;  // a struct's field
  auto decoded = DecodedType(descr);
  return decoded != nullptr && decoded->Equals(target);
}

Result<std::shared_ptr<arrow::Array>> DecodeFlatColumn(parquet::RowGroupReader& row_group, int leaf,
                                                       const std::shared_ptr<arrow::DataType>& target, int64_t rows,
                                                       arrow::MemoryPool* pool) {
  auto column = row_group.Column(leaf);
  const bool optional = column->descr()->max_definition_level() > 0;
  const bool decimal = target->id() == arrow::Type::DECIMAL128;
  switch (column->type()) {
    case parquet::Type::INT32: {
      auto& reader = static_cast<parquet::Int32Reader&>(*column);
      return decimal ? DecodeDecimal(reader, target, rows, optional, pool)
                     : DecodeFixed(reader, target, rows, optional, pool);
    }
    case parquet::Type::INT64: {
      auto& reader = static_cast<parquet::Int64Reader&>(*column);
      return decimal ? DecodeDecimal(reader, target, rows, optional, pool)
                     : DecodeFixed(reader, target, rows, optional, pool);
    }
    case parquet::Type::FLOAT:
      return DecodeFixed(static_cast<parquet::FloatReader&>(*column), target, rows, optional, pool);
    case parquet::Type::DOUBLE:
      return DecodeFixed(static_cast<parquet::DoubleReader&>(*column), target, rows, optional, pool);
    case parquet::Type::BYTE_ARRAY:
      return DecodeBinary(static_cast<parquet::ByteArrayReader&>(*column), target, rows, optional, pool);
    default: return Status::NotImplemented("flat decoding of Parquet column ", column->descr()->path()->ToDotString());
  }
}

}  // namespace sk8::io
