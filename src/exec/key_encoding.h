#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/api.h>

#include "common/spark_error.h"

namespace sk8::exec {

/// How one key column is stored in an encoded key row.
enum class KeyKind : uint8_t {
  kNull,    // NullType: no bytes, always NULL
  kBool,    // one byte, 0 or 1
  kFloat,   // 4 bytes, -0.0 stored as 0.0 and every NaN as the same NaN
  kDouble,  // 8 bytes, normalized like kFloat
  kFixed,   // `width` raw bytes (ints, dates, timestamps, decimals)
  kBinary,  // string / binary: u32 length in the fixed part, bytes in the tail
  kNested,  // struct / list / map / other variable types: a serialized value in the tail
};

/// The byte layout of encoded key rows: rows compare equal exactly when Spark
/// considers the keys equal for grouping (NULL = NULL, NaN = NaN, -0.0 = 0.0).
///
/// A row is [null bitmask][fixed part of each column at a static offset][tail].
/// When every column is fixed width there is no tail and every row has
/// row_width() bytes (a multiple of 8, so rows compare as u64 words); otherwise
/// variable columns keep a u32 length in the fixed part and their bytes in the
/// tail, in column order.
class KeyLayout {
 public:
  struct Column {
    std::shared_ptr<arrow::DataType> type;
    KeyKind kind;
    int32_t width;   // bytes in the fixed part (4, the length, for kBinary / kNested)
    int32_t offset;  // of the fixed part in the row
  };

  static Result<KeyLayout> Make(const std::vector<std::shared_ptr<arrow::DataType>>& types);

  const std::vector<Column>& columns() const { return columns_; }
  bool fixed() const { return fixed_; }
  bool has_nested() const { return has_nested_; }
  /// Bytes before the tail: every row's size when fixed() (padded to 8).
  int32_t row_width() const { return row_width_; }
  /// The key types must match the layout's column for column (a join's probe side).
  Status CheckTypes(const std::vector<std::shared_ptr<arrow::Array>>& keys) const;

 private:
  std::vector<Column> columns_;
  bool fixed_ = true;
  bool has_nested_ = false;
  int32_t row_width_ = 0;
};

/// One batch of key rows, encoded. Kept by its user across batches so that its
/// buffers are reused.
struct EncodedKeys {
  int64_t num_rows = 0;
  std::vector<uint8_t> bytes;     // the rows back to back
  std::vector<int64_t> offsets;   // variable layout: row i is bytes[offsets[i], offsets[i + 1])
  std::vector<uint64_t> hashes;   // of each row
  // Scratch for kNested columns: each row's serialized value.
  std::vector<std::string> nested_bytes;
  std::vector<std::vector<int64_t>> nested_offsets;
};

/// Encodes and hashes `num_rows` rows of `keys` (one array per layout column),
/// a column at a time.
Status EncodeKeys(const KeyLayout& layout, const std::vector<std::shared_ptr<arrow::Array>>& keys,
                  int64_t num_rows, EncodedKeys* out);

/// Hash of an encoded row (the same for equal rows of any batch or table).
uint64_t HashFixedRow(const uint8_t* row, int32_t width);
uint64_t HashVarRow(const uint8_t* row, int64_t size);

/// Decodes the non-nested key columns of `rows` (pointers to encoded rows), a
/// column at a time; kNested columns come back as nullptr (the hash table keeps
/// their values aside).
Result<std::vector<std::shared_ptr<arrow::Array>>> DecodeKeys(const KeyLayout& layout,
                                                              const std::vector<const uint8_t*>& rows,
                                                              arrow::MemoryPool* pool);

}  // namespace sk8::exec
