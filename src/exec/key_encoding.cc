// Key rows for hashing: columns are written into rows a column at a time, each
// in a loop typed by its width, so there is no per-value type switch or Status
// except for nested types (struct, list, map), which take a recursive slow path.
#include "exec/key_encoding.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <arrow/util/bit_util.h>

#include "types/spark_types.h"

namespace sk8::exec {
namespace {

struct Bytes16 {
  uint64_t lo, hi;
};

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Multiply to 128 bits and fold: mixes every input bit into both the low bits
// (the slot) and the high bits (the tag).
uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kSeed = 0x2d358dccaa6c78a5ULL;
constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;

bool IsBinary(arrow::Type::type id) { return id == arrow::Type::STRING || id == arrow::Type::BINARY; }

Status CheckSerializable(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::STRUCT:
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
    case arrow::Type::FIXED_SIZE_LIST:
      for (const auto& field : type.fields()) ARROW_RETURN_NOT_OK(CheckSerializable(*field->type()));
      return Status::OK();
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
    case arrow::Type::STRING_VIEW:
    case arrow::Type::BINARY_VIEW:
    case arrow::Type::NA:
      return Status::OK();
    default:
      if (arrow::is_fixed_width(type.id()) && type.id() != arrow::Type::DICTIONARY &&
          type.id() != arrow::Type::EXTENSION) {
        return Status::OK();
      }
      return Unsupported("grouping or joining by " + types::SqlString(type));
  }
}

template <typename T>
void AppendRaw(std::string* out, T value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
T NormalizeFloat(T v) {
  if (v == 0) return 0;  // -0.0 groups with 0.0
  if (std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  return v;
}

void AppendBytes(std::string* out, std::string_view bytes) {
  AppendRaw(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes.data(), bytes.size());
}

// The slow path for nested values: [valid byte][value], recursively.
void SerializeValue(const arrow::Array& array, int64_t i, std::string* out);

void SerializeElement(const arrow::Array& array, int64_t i, std::string* out) {
  if (array.IsNull(i)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  SerializeValue(array, i, out);
}

template <typename ListArray>
void SerializeList(const ListArray& list, int64_t i, bool with_length, std::string* out) {
  const int64_t begin = list.value_offset(i), length = list.value_length(i);
  if (with_length) AppendRaw(out, length);
  for (int64_t k = begin; k < begin + length; ++k) SerializeElement(*list.values(), k, out);
}

void SerializeValue(const arrow::Array& array, int64_t i, std::string* out) {
  switch (array.type_id()) {
    case arrow::Type::NA: return;
    case arrow::Type::BOOL: out->push_back(static_cast<const arrow::BooleanArray&>(array).Value(i) ? 1 : 0); return;
    case arrow::Type::FLOAT:
      AppendRaw(out, NormalizeFloat(static_cast<const arrow::FloatArray&>(array).Value(i)));
      return;
    case arrow::Type::DOUBLE:
      AppendRaw(out, NormalizeFloat(static_cast<const arrow::DoubleArray&>(array).Value(i)));
      return;
    case arrow::Type::STRING:
    case arrow::Type::BINARY: AppendBytes(out, static_cast<const arrow::BinaryArray&>(array).GetView(i)); return;
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY:
      AppendBytes(out, static_cast<const arrow::LargeBinaryArray&>(array).GetView(i));
      return;
    case arrow::Type::STRING_VIEW:
    case arrow::Type::BINARY_VIEW:
      AppendBytes(out, static_cast<const arrow::BinaryViewArray&>(array).GetView(i));
      return;
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(array);
      for (int f = 0; f < st.num_fields(); ++f) SerializeElement(*st.field(f), i, out);
      return;
    }
    case arrow::Type::LIST: SerializeList(static_cast<const arrow::ListArray&>(array), i, true, out); return;
    case arrow::Type::LARGE_LIST: SerializeList(static_cast<const arrow::LargeListArray&>(array), i, true, out); return;
    case arrow::Type::FIXED_SIZE_LIST:
      SerializeList(static_cast<const arrow::FixedSizeListArray&>(array), i, false, out);
      return;
    default: {
      // Fixed width (checked by CheckSerializable).
      const auto& data = *array.data();
      const int width = data.type->byte_width();
      out->append(reinterpret_cast<const char*>(data.buffers[1]->data() + (data.offset + i) * width), width);
      return;
    }
  }
}

/// Row addresses: fixed rows are strided, variable ones have offsets.
struct FixedRowsOut {
  uint8_t* base;
  int64_t width;
  uint8_t* operator()(int64_t i) const { return base + i * width; }
};
struct VarRowsOut {
  uint8_t* base;
  const int64_t* offsets;
  uint8_t* operator()(int64_t i) const { return base + offsets[i]; }
};

template <typename T, typename Rows>
void PutValues(const T* values, int64_t n, int32_t offset, Rows rows) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(rows(i) + offset, &values[i], sizeof(T));
}

template <typename T, typename Rows>
void PutFloats(const T* values, int64_t n, int32_t offset, Rows rows) {
  for (int64_t i = 0; i < n; ++i) {
    T v = NormalizeFloat(values[i]);
    std::memcpy(rows(i) + offset, &v, sizeof(T));
  }
}

template <typename Rows>
void PutFixedColumn(const KeyLayout::Column& column, int index, const arrow::ArrayData& data, int64_t n, Rows rows) {
  const int32_t off = column.offset;
  switch (column.kind) {
    case KeyKind::kNull:
      for (int64_t i = 0; i < n; ++i) rows(i)[index / 8] |= static_cast<uint8_t>(1u << (index % 8));
      return;
    case KeyKind::kBool: {
      const uint8_t* bits = data.buffers[1]->data();
      for (int64_t i = 0; i < n; ++i) rows(i)[off] = arrow::bit_util::GetBit(bits, data.offset + i) ? 1 : 0;
      break;
    }
    case KeyKind::kFloat: PutFloats(data.GetValues<float>(1), n, off, rows); break;
    case KeyKind::kDouble: PutFloats(data.GetValues<double>(1), n, off, rows); break;
    case KeyKind::kFixed:
      switch (column.width) {
        case 1: PutValues(data.GetValues<uint8_t>(1), n, off, rows); break;
        case 2: PutValues(data.GetValues<uint16_t>(1), n, off, rows); break;
        case 4: PutValues(data.GetValues<uint32_t>(1), n, off, rows); break;
        case 8: PutValues(data.GetValues<uint64_t>(1), n, off, rows); break;
        case 16:
          PutValues(reinterpret_cast<const Bytes16*>(data.buffers[1]->data()) + data.offset, n, off, rows);
          break;
        default: {
          const uint8_t* values = data.buffers[1]->data() + data.offset * column.width;
          for (int64_t i = 0; i < n; ++i) std::memcpy(rows(i) + off, values + i * column.width, column.width);
        }
      }
      break;
    case KeyKind::kBinary:
    case KeyKind::kNested: return;  // lengths are written with the tail
  }
  if (data.GetNullCount() == 0) return;
  const uint8_t* validity = data.buffers[0]->data();
  for (int64_t i = 0; i < n; ++i) {
    if (!arrow::bit_util::GetBit(validity, data.offset + i)) {
      uint8_t* row = rows(i);
      row[index / 8] |= static_cast<uint8_t>(1u << (index % 8));
      std::memset(row + off, 0, column.width);
    }
  }
}

/// A variable column's bytes per row (empty for NULL).
struct VarColumn {
  // kBinary: offsets, data and validity (null when no NULLs) read directly;
  // Array::IsNull would test the type for unions on every row.
  const int32_t* offsets = nullptr;
  const uint8_t* data = nullptr;
  const uint8_t* validity = nullptr;
  int64_t offset = 0;
  // kNested: serialized values.
  const std::string* nested = nullptr;
  const int64_t* nested_offsets = nullptr;

  void SetBinary(const arrow::ArrayData& array) {
    offsets = array.GetValues<int32_t>(1);
    data = array.buffers[2] ? array.buffers[2]->data() : nullptr;
    validity = array.GetNullCount() > 0 ? array.buffers[0]->data() : nullptr;
    offset = array.offset;
  }
  bool IsNull(int64_t i) const { return validity && !arrow::bit_util::GetBit(validity, offset + i); }
  std::string_view operator()(int64_t i) const {
    if (nested) return std::string_view(nested->data() + nested_offsets[i], nested_offsets[i + 1] - nested_offsets[i]);
    if (IsNull(i)) return std::string_view();
    return std::string_view(reinterpret_cast<const char*>(data) + offsets[i], offsets[i + 1] - offsets[i]);
  }
};

template <int kWords>
void HashFixedRows(const uint8_t* rows, int64_t n, int32_t width, uint64_t* hashes) {
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* row = rows + i * width;
    uint64_t h = kSeed;
    for (int w = 0; w < kWords; ++w) h = Mix(h ^ Load64(row + 8 * w), kMul);
    hashes[i] = h;
  }
}

}  // namespace

Result<KeyLayout> KeyLayout::Make(const std::vector<std::shared_ptr<arrow::DataType>>& types) {
  KeyLayout layout;
  int32_t offset = static_cast<int32_t>((types.size() + 7) / 8);  // the null bitmask
  for (const auto& type : types) {
    Column column{type, KeyKind::kFixed, 0, offset};
    const auto id = type->id();
    if (id == arrow::Type::NA) {
      column.kind = KeyKind::kNull;
    } else if (id == arrow::Type::BOOL) {
      column.kind = KeyKind::kBool;
      column.width = 1;
    } else if (id == arrow::Type::FLOAT) {
      column.kind = KeyKind::kFloat;
      column.width = 4;
    } else if (id == arrow::Type::DOUBLE) {
      column.kind = KeyKind::kDouble;
      column.width = 8;
    } else if (IsBinary(id)) {
      column.kind = KeyKind::kBinary;
      column.width = 4;
      layout.fixed_ = false;
    } else if (arrow::is_fixed_width(id) && id != arrow::Type::DICTIONARY && id != arrow::Type::EXTENSION &&
               type->byte_width() > 0) {
      column.width = type->byte_width();
    } else {
      ARROW_RETURN_NOT_OK(CheckSerializable(*type));
      column.kind = KeyKind::kNested;
      column.width = 4;
      layout.fixed_ = false;
      layout.has_nested_ = true;
    }
    offset += column.width;
    layout.columns_.push_back(std::move(column));
  }
  layout.row_width_ = layout.fixed_ ? (offset + 7) / 8 * 8 : offset;
  return layout;
}

Status KeyLayout::CheckTypes(const std::vector<std::shared_ptr<arrow::Array>>& keys) const {
  if (keys.size() != columns_.size()) return InternalError("key column count differs from the hash table's");
  for (size_t c = 0; c < keys.size(); ++c) {
    const auto& expected = *columns_[c].type;
    const auto& got = *keys[c]->type();
    bool same = got.id() == expected.id() &&
                (columns_[c].kind != KeyKind::kFixed || got.byte_width() == expected.byte_width());
    if (!same) {
      return InternalError("key column " + std::to_string(c) + " is " + got.ToString() + ", the hash table's " +
                           expected.ToString());
    }
  }
  return Status::OK();
}

uint64_t HashFixedRow(const uint8_t* row, int32_t width) {
  uint64_t h = kSeed;
  for (int32_t w = 0; w < width; w += 8) h = Mix(h ^ Load64(row + w), kMul);
  return h;
}

uint64_t HashVarRow(const uint8_t* row, int64_t size) {
  uint64_t h = Mix(kSeed ^ static_cast<uint64_t>(size), kMul);
  int64_t w = 0;
  for (; w + 8 <= size; w += 8) h = Mix(h ^ Load64(row + w), kMul);
  if (w < size) {
    uint64_t tail = 0;  // a byte loop: memcpy of a variable size is a call
    for (int64_t k = 0; w + k < size; ++k) tail |= static_cast<uint64_t>(row[w + k]) << (8 * k);
    h = Mix(h ^ tail, kMul);
  }
  return h;
}

Status EncodeKeys(const KeyLayout& layout, const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t n,
                  EncodedKeys* out) {
  const auto& columns = layout.columns();
  out->num_rows = n;
  out->hashes.resize(n);
  const int32_t width = layout.row_width();
  if (layout.fixed()) {
    out->bytes.assign(static_cast<size_t>(n) * width, 0);
    FixedRowsOut rows{out->bytes.data(), width};
    for (size_t c = 0; c < columns.size(); ++c) {
      PutFixedColumn(columns[c], static_cast<int>(c), *keys[c]->data(), n, rows);
    }
    uint64_t* hashes = out->hashes.data();
    switch (width / 8) {
      case 1: HashFixedRows<1>(out->bytes.data(), n, width, hashes); break;
      case 2: HashFixedRows<2>(out->bytes.data(), n, width, hashes); break;
      case 3: HashFixedRows<3>(out->bytes.data(), n, width, hashes); break;
      case 4: HashFixedRows<4>(out->bytes.data(), n, width, hashes); break;
      default:
        for (int64_t i = 0; i < n; ++i) hashes[i] = HashFixedRow(out->bytes.data() + i * width, width);
    }
    return Status::OK();
  }

  // Variable rows: the tail's size per row, a column at a time, then the offsets.
  std::vector<VarColumn> var(columns.size());
  size_t nested = 0;
  out->nested_bytes.resize(columns.size());
  out->nested_offsets.resize(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].kind == KeyKind::kBinary) {
      var[c].SetBinary(*keys[c]->data());
    } else if (columns[c].kind == KeyKind::kNested) {
      auto& bytes = out->nested_bytes[c];
      auto& offsets = out->nested_offsets[c];
      bytes.clear();
      offsets.resize(n + 1);
      offsets[0] = 0;
      const arrow::Array& array = *keys[c];
      for (int64_t i = 0; i < n; ++i) {
        if (array.IsValid(i)) SerializeValue(array, i, &bytes);
        offsets[i + 1] = static_cast<int64_t>(bytes.size());
      }
      var[c].nested = &bytes;
      var[c].nested_offsets = offsets.data();
      ++nested;
    }
  }
  auto& offsets = out->offsets;
  offsets.assign(n + 1, width);
  offsets[0] = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].kind != KeyKind::kBinary && columns[c].kind != KeyKind::kNested) continue;
    for (int64_t i = 0; i < n; ++i) offsets[i + 1] += static_cast<int64_t>(var[c](i).size());
  }
  for (int64_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  out->bytes.assign(offsets[n], 0);
  VarRowsOut rows{out->bytes.data(), offsets.data()};
  for (size_t c = 0; c < columns.size(); ++c) {
    PutFixedColumn(columns[c], static_cast<int>(c), *keys[c]->data(), n, rows);
  }
  std::vector<int64_t> cursor(n);
  for (int64_t i = 0; i < n; ++i) cursor[i] = offsets[i] + width;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].kind != KeyKind::kBinary && columns[c].kind != KeyKind::kNested) continue;
    const int32_t off = columns[c].offset;
    const int index = static_cast<int>(c);
    for (int64_t i = 0; i < n; ++i) {
      uint8_t* row = rows(i);
      if (var[c].IsNull(i)) {
        row[index / 8] |= static_cast<uint8_t>(1u << (index % 8));
        continue;
      }
      std::string_view value = var[c](i);
      auto size = static_cast<uint32_t>(value.size());
      std::memcpy(row + off, &size, 4);
      std::memcpy(out->bytes.data() + cursor[i], value.data(), size);
      cursor[i] += size;
    }
  }
  for (int64_t i = 0; i < n; ++i) out->hashes[i] = HashVarRow(rows(i), offsets[i + 1] - offsets[i]);
  return Status::OK();
}

namespace {

template <typename T>
std::shared_ptr<arrow::Buffer> GatherValues(const std::vector<const uint8_t*>& rows, int32_t offset,
                                            std::shared_ptr<arrow::Buffer> buffer) {
  T* out = reinterpret_cast<T*>(buffer->mutable_data());
  for (size_t i = 0; i < rows.size(); ++i) std::memcpy(&out[i], rows[i] + offset, sizeof(T));
  return buffer;
}

}  // namespace

Result<std::vector<std::shared_ptr<arrow::Array>>> DecodeKeys(const KeyLayout& layout,
                                                              const std::vector<const uint8_t*>& rows,
                                                              arrow::MemoryPool* pool) {
  const auto& columns = layout.columns();
  const auto n = static_cast<int64_t>(rows.size());
  std::vector<std::shared_ptr<arrow::Array>> out(columns.size());
  std::vector<int64_t> tail;  // per row: where the next variable column's bytes start
  if (!layout.fixed()) tail.assign(n, layout.row_width());
  for (size_t c = 0; c < columns.size(); ++c) {
    const auto& column = columns[c];
    const int index = static_cast<int>(c);
    if (column.kind == KeyKind::kNull) {
      ARROW_ASSIGN_OR_RAISE(out[c], arrow::MakeArrayOfNull(column.type, n, pool));
      continue;
    }
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) nulls += (rows[i][index / 8] >> (index % 8)) & 1;
    std::shared_ptr<arrow::Buffer> validity;
    if (nulls > 0) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::AllocateBitmap(n, pool));
      uint8_t* bits = validity->mutable_data();
      for (int64_t i = 0; i < n; ++i) arrow::bit_util::SetBitTo(bits, i, !((rows[i][index / 8] >> (index % 8)) & 1));
    }
    const int32_t off = column.offset;
    if (column.kind == KeyKind::kNested) {
      // Values kept aside by the hash table; skip the bytes.
      for (int64_t i = 0; i < n; ++i) {
        uint32_t size;
        std::memcpy(&size, rows[i] + off, 4);
        tail[i] += size;
      }
      continue;
    }
    if (column.kind == KeyKind::kBinary) {
      int64_t total = 0;
      for (int64_t i = 0; i < n; ++i) {
        uint32_t size;
        std::memcpy(&size, rows[i] + off, 4);
        total += size;
      }
      if (total > std::numeric_limits<int32_t>::max()) {
        return arrow::Status::CapacityError("grouping keys of more than 2 GiB in one column");
      }
      ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::AllocateBuffer((n + 1) * sizeof(int32_t), pool));
      ARROW_ASSIGN_OR_RAISE(auto data, arrow::AllocateBuffer(total, pool));
      auto* offs = reinterpret_cast<int32_t*>(offsets->mutable_data());
      uint8_t* bytes = data->mutable_data();
      int32_t pos = 0;
      for (int64_t i = 0; i < n; ++i) {
        uint32_t size;
        std::memcpy(&size, rows[i] + off, 4);
        offs[i] = pos;
        std::memcpy(bytes + pos, rows[i] + tail[i], size);
        tail[i] += size;
        pos += static_cast<int32_t>(size);
      }
      offs[n] = pos;
      out[c] = arrow::MakeArray(arrow::ArrayData::Make(
          column.type, n, {std::move(validity), std::move(offsets), std::move(data)}, nulls));
      continue;
    }
    std::shared_ptr<arrow::Buffer> values;
    if (column.kind == KeyKind::kBool) {
      ARROW_ASSIGN_OR_RAISE(values, arrow::AllocateBitmap(n, pool));
      uint8_t* bits = values->mutable_data();
      for (int64_t i = 0; i < n; ++i) arrow::bit_util::SetBitTo(bits, i, rows[i][off] != 0);
    } else {
      ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> buffer, arrow::AllocateBuffer(n * column.width, pool));
      switch (column.width) {
        case 1: values = GatherValues<uint8_t>(rows, off, std::move(buffer)); break;
        case 2: values = GatherValues<uint16_t>(rows, off, std::move(buffer)); break;
        case 4: values = GatherValues<uint32_t>(rows, off, std::move(buffer)); break;
        case 8: values = GatherValues<uint64_t>(rows, off, std::move(buffer)); break;
        case 16: values = GatherValues<Bytes16>(rows, off, std::move(buffer)); break;
        default: {
          for (int64_t i = 0; i < n; ++i) {
            std::memcpy(buffer->mutable_data() + i * column.width, rows[i] + off, column.width);
          }
          values = std::move(buffer);
        }
      }
    }
    out[c] = arrow::MakeArray(arrow::ArrayData::Make(column.type, n, {std::move(validity), std::move(values)}, nulls));
  }
  return out;
}

}  // namespace sk8::exec
