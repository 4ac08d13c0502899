#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <arrow/type.h>
#include <arrow/util/decimal.h>

#include "common/spark_error.h"

/// Spark's VARIANT values in the Parquet Variant binary encoding: a metadata
/// string (version byte, key dictionary) and a value string (a header byte per
/// value: primitive, short string, object, array). `VariantBuilder` writes them
/// as Spark's VariantBuilder does (keys numbered by first use, an object's
/// field list sorted by key while its values stay in written order, the
/// smallest integer width, JSON numbers as decimals when they fit), so the bytes
/// equal Spark's and PySpark's VariantVal compares them equal. `VariantRef`
/// reads them; `ValidateVariant` checks bytes from outside (a client, a file)
/// once before they are read.
namespace sk8::functions {

/// Spark's limit on a variant's value and on its metadata.
constexpr size_t kVariantSizeLimit = 16 * 1024 * 1024;

/// The logical types of variant values (Spark's VariantUtil.Type).
enum class VariantKind : uint8_t {
  kNull,
  kBoolean,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,
  kTimestampNtz,
  kUuid,
  kObject,
  kArray,
};

/// One value inside a variant: `value` starts at the value's header byte (and
/// may run past its end); `metadata` is the whole variant's.
class VariantRef {
 public:
  VariantRef(std::string_view metadata, std::string_view value) : metadata_(metadata), value_(value) {}

  VariantKind kind() const;
  bool is_null() const { return kind() == VariantKind::kNull; }
  bool boolean() const;
  int64_t long_value() const;
  double double_value() const;
  float float_value() const;
  /// The unscaled value, its scale and Java BigDecimal's precision (digits),
  /// trailing zeros of the fraction stripped as Spark reads it.
  arrow::Decimal128 decimal(int32_t* precision, int32_t* scale) const;
  std::string_view string() const;  // STRING and BINARY bytes
  int32_t date() const;
  int64_t micros() const;  // TIMESTAMP / TIMESTAMP_NTZ
  std::string_view uuid() const;  // 16 bytes

  /// Fields of an object, elements of an array.
  int64_t size() const;
  /// An object's i-th field, in key order.
  std::string_view key(int64_t i) const;
  VariantRef field(int64_t i) const;
  /// An object's field by key (binary search: fields are sorted by key).
  std::optional<VariantRef> Find(std::string_view key) const;
  VariantRef element(int64_t i) const;

  /// The bytes of this value alone.
  std::string_view bytes() const;
  std::string_view metadata() const { return metadata_; }

 private:
  struct Container {
    int64_t size;
    int id_size;
    int offset_size;
    size_t ids;      // position of the id list (objects)
    size_t offsets;  // position of the offset list
    size_t data;     // position of the first value
  };
  Container container() const;
  std::string_view DictionaryKey(uint32_t id) const;

  std::string_view metadata_;
  std::string_view value_;
};

/// MALFORMED_VARIANT unless `metadata` and `value` are well-formed variant
/// bytes (every header, size and offset inside its bounds).
Status ValidateVariant(std::string_view metadata, std::string_view value);
Status MalformedVariant();

class VariantBuilder {
 public:
  void AppendNull();
  void AppendBoolean(bool value);
  /// The smallest of INT1 / INT2 / INT4 / INT8 that holds `value`.
  void AppendLong(int64_t value);
  void AppendDouble(double value);
  void AppendFloat(float value);
  /// DECIMAL4 / 8 / 16 by the larger of `precision` (digits) and `scale`.
  void AppendDecimal(const arrow::Decimal128& unscaled, int32_t precision, int32_t scale);
  void AppendString(std::string_view value);
  void AppendBinary(std::string_view value);
  void AppendDate(int32_t days);
  void AppendTimestamp(int64_t micros, bool ntz);
  /// A copy of `value`, its object keys numbered in this builder's dictionary
  /// (Spark's appendVariant: what variant_get returns).
  void AppendVariant(const VariantRef& value);

  /// Objects and arrays: note position(), append the fields / elements (each
  /// one's offset is position() - start before it is appended), then finish.
  struct Field {
    uint32_t id;
    uint32_t offset;
  };
  size_t position() const { return value_.size(); }
  uint32_t AddKey(std::string_view key);
  /// False (nothing written) when two fields have the same key.
  bool FinishObject(size_t start, std::vector<Field>* fields);
  void FinishArray(size_t start, const std::vector<uint32_t>& offsets);

  /// The value and metadata bytes; VARIANT_SIZE_LIMIT (naming `function`)
  /// when either is larger than 16 MiB.
  Status Finish(const std::string& function, std::string* value, std::string* metadata) const;

 private:
  void AppendPrimitiveHeader(int type_id);
  void AppendLittleEndian(uint64_t value, int bytes);

  std::string value_;
  std::vector<std::string> keys_;
  std::unordered_map<std::string, uint32_t> ids_;
};

struct JsonValue;
/// A parsed JSON value as a variant (Spark's VariantBuilder.buildJson):
/// integers as LONG when they fit, other numbers as DECIMAL when written with
/// digits, '-' and '.' only and at most 38 digits, else DOUBLE. False on a
/// duplicate key.
bool AppendJsonToVariant(const JsonValue& json, VariantBuilder* builder);

/// Spark's VariantUtil.toJson: objects in key order, decimals without trailing
/// zeros, doubles as Java prints them (non-finite ones quoted), dates and
/// timestamps quoted (timestamps in `time_zone`), binary as base64.
Status AppendVariantJson(const VariantRef& value, const std::string& time_zone, std::string* out);

/// Spark's SchemaOfVariant: the SQL type of a value (OBJECT<...> for objects,
/// ARRAY of the merged element type), as an Arrow type with VARIANT where
/// types do not merge; objects are structs whose fields are marked as objects
/// by `VariantSchemaSql`.
std::shared_ptr<arrow::DataType> VariantSchema(const VariantRef& value);
/// Spark's SchemaOfVariant.mergeSchema.
std::shared_ptr<arrow::DataType> MergeVariantSchema(const std::shared_ptr<arrow::DataType>& a,
                                                    const std::shared_ptr<arrow::DataType>& b);
/// The SQL text schema_of_variant prints: STRUCT as OBJECT.
std::string VariantSchemaSql(const arrow::DataType& type);

}  // namespace sk8::functions
