#include "functions/variant_value.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "functions/cast.h"
#include "functions/json_value.h"
#include "functions/text_values.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {
namespace {

// Basic types (the low two bits of a value's header byte).
constexpr int kPrimitive = 0;
constexpr int kShortString = 1;
constexpr int kObject = 2;
constexpr int kArray = 3;

// Primitive type ids (the header's upper six bits).
enum PrimitiveId : int {
  kNullId = 0,
  kTrueId = 1,
  kFalseId = 2,
  kInt1 = 3,
  kInt2 = 4,
  kInt4 = 5,
  kInt8 = 6,
  kDoubleId = 7,
  kDecimal4 = 8,
  kDecimal8 = 9,
  kDecimal16 = 10,
  kDateId = 11,
  kTimestampId = 12,
  kTimestampNtzId = 13,
  kFloatId = 14,
  kBinaryId = 15,
  kLongStringId = 16,
  kUuidId = 20,
};

constexpr int kVersion = 1;
constexpr size_t kMaxShortString = 63;
constexpr int kMaxDepth = 10000;

uint64_t ReadLe(std::string_view bytes, size_t pos, int width) {
  uint64_t out = 0;
  for (int i = 0; i < width; ++i) {
    out |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[pos + static_cast<size_t>(i)])) << (8 * i);
  }
  return out;
}

/// Bytes needed for an unsigned value up to `max` (Spark's getIntegerSize).
int IntegerSize(uint64_t max) {
  if (max <= 0xFF) return 1;
  if (max <= 0xFFFF) return 2;
  if (max <= 0xFFFFFF) return 3;
  return 4;
}

int PrimitiveSize(int id) {
  switch (id) {
    case kNullId:
    case kTrueId:
    case kFalseId: return 0;
    case kInt1: return 1;
    case kInt2: return 2;
    case kInt4:
    case kDateId:
    case kFloatId: return 4;
    case kInt8:
    case kDoubleId:
    case kTimestampId:
    case kTimestampNtzId: return 8;
    case kDecimal4: return 5;
    case kDecimal8: return 9;
    case kDecimal16: return 17;
    case kUuidId: return 16;
    default: return -1;  // variable (binary, long string) or unknown
  }
}

int Header(std::string_view value) { return static_cast<uint8_t>(value[0]); }

}  // namespace

Status MalformedVariant() { return SparkError(SparkExceptionKind::kRuntime, "MALFORMED_VARIANT"); }

// --- reading -------------------------------------------------------------------------------

VariantKind VariantRef::kind() const {
  const int header = Header(value_);
  switch (header & 3) {
    case kShortString: return VariantKind::kString;
    case kObject: return VariantKind::kObject;
    case kArray: return VariantKind::kArray;
    default: break;
  }
  switch (header >> 2) {
    case kNullId: return VariantKind::kNull;
    case kTrueId:
    case kFalseId: return VariantKind::kBoolean;
    case kInt1:
    case kInt2:
    case kInt4:
    case kInt8: return VariantKind::kLong;
    case kDoubleId: return VariantKind::kDouble;
    case kDecimal4:
    case kDecimal8:
    case kDecimal16: return VariantKind::kDecimal;
    case kDateId: return VariantKind::kDate;
    case kTimestampId: return VariantKind::kTimestamp;
    case kTimestampNtzId: return VariantKind::kTimestampNtz;
    case kFloatId: return VariantKind::kFloat;
    case kBinaryId: return VariantKind::kBinary;
    case kLongStringId: return VariantKind::kString;
    case kUuidId: return VariantKind::kUuid;
    default: return VariantKind::kNull;  // ValidateVariant refuses unknown ids
  }
}

bool VariantRef::boolean() const { return (Header(value_) >> 2) == kTrueId; }

int64_t VariantRef::long_value() const {
  switch (Header(value_) >> 2) {
    case kInt1: return static_cast<int8_t>(ReadLe(value_, 1, 1));
    case kInt2: return static_cast<int16_t>(ReadLe(value_, 1, 2));
    case kInt4: return static_cast<int32_t>(ReadLe(value_, 1, 4));
    default: return static_cast<int64_t>(ReadLe(value_, 1, 8));
  }
}

double VariantRef::double_value() const {
  const uint64_t bits = ReadLe(value_, 1, 8);
  double out;
  std::memcpy(&out, &bits, sizeof(out));
  return out;
}

float VariantRef::float_value() const {
  const auto bits = static_cast<uint32_t>(ReadLe(value_, 1, 4));
  float out;
  std::memcpy(&out, &bits, sizeof(out));
  return out;
}

arrow::Decimal128 VariantRef::decimal(int32_t* precision, int32_t* scale) const {
  const int id = Header(value_) >> 2;
  *scale = static_cast<uint8_t>(value_[1]);
  arrow::Decimal128 unscaled;
  if (id == kDecimal4) {
    unscaled = arrow::Decimal128(static_cast<int32_t>(ReadLe(value_, 2, 4)));
  } else if (id == kDecimal8) {
    unscaled = arrow::Decimal128(static_cast<int64_t>(ReadLe(value_, 2, 8)));
  } else {
    unscaled = arrow::Decimal128(static_cast<int64_t>(ReadLe(value_, 10, 8)), ReadLe(value_, 2, 8));
  }
  // Spark reads a variant decimal without trailing zeros (1.50 is 1.5, DECIMAL(2,1)).
  const arrow::Decimal128 ten(10);
  while (*scale > 0 && unscaled % ten == arrow::Decimal128(0)) {
    unscaled /= ten;
    --*scale;
  }
  std::string digits = unscaled.ToIntegerString();
  *precision = static_cast<int32_t>(digits.size()) - (digits[0] == '-' ? 1 : 0);
  return unscaled;
}

std::string_view VariantRef::string() const {
  const int header = Header(value_);
  if ((header & 3) == kShortString) return value_.substr(1, static_cast<size_t>(header >> 2));
  return value_.substr(5, ReadLe(value_, 1, 4));
}

int32_t VariantRef::date() const { return static_cast<int32_t>(ReadLe(value_, 1, 4)); }
int64_t VariantRef::micros() const { return static_cast<int64_t>(ReadLe(value_, 1, 8)); }
std::string_view VariantRef::uuid() const { return value_.substr(1, 16); }

VariantRef::Container VariantRef::container() const {
  const int header = Header(value_);
  const int vh = header >> 2;
  Container c{};
  bool large;
  if ((header & 3) == kObject) {
    c.offset_size = (vh & 3) + 1;
    c.id_size = ((vh >> 2) & 3) + 1;
    large = ((vh >> 4) & 1) != 0;
  } else {
    c.offset_size = (vh & 3) + 1;
    c.id_size = 0;
    large = ((vh >> 2) & 1) != 0;
  }
  const int num_size = large ? 4 : 1;
  c.size = static_cast<int64_t>(ReadLe(value_, 1, num_size));
  c.ids = 1 + static_cast<size_t>(num_size);
  c.offsets = c.ids + static_cast<size_t>(c.size * c.id_size);
  c.data = c.offsets + static_cast<size_t>((c.size + 1) * c.offset_size);
  return c;
}

int64_t VariantRef::size() const { return container().size; }

std::string_view VariantRef::DictionaryKey(uint32_t id) const {
  const int offset_size = ((static_cast<uint8_t>(metadata_[0]) >> 6) & 3) + 1;
  const uint64_t dict_size = ReadLe(metadata_, 1, offset_size);
  const size_t offsets = 1 + static_cast<size_t>(offset_size);
  const size_t strings = offsets + static_cast<size_t>((dict_size + 1) * static_cast<uint64_t>(offset_size));
  const uint64_t begin = ReadLe(metadata_, offsets + id * static_cast<size_t>(offset_size), offset_size);
  const uint64_t end = ReadLe(metadata_, offsets + (id + 1) * static_cast<size_t>(offset_size), offset_size);
  return metadata_.substr(strings + begin, end - begin);
}

std::string_view VariantRef::key(int64_t i) const {
  const Container c = container();
  const auto id = static_cast<uint32_t>(ReadLe(value_, c.ids + static_cast<size_t>(i * c.id_size), c.id_size));
  return DictionaryKey(id);
}

VariantRef VariantRef::field(int64_t i) const {
  const Container c = container();
  const uint64_t offset = ReadLe(value_, c.offsets + static_cast<size_t>(i * c.offset_size), c.offset_size);
  return VariantRef(metadata_, value_.substr(c.data + offset));
}

VariantRef VariantRef::element(int64_t i) const { return field(i); }

std::optional<VariantRef> VariantRef::Find(std::string_view name) const {
  int64_t lo = 0, hi = size() - 1;
  while (lo <= hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const int cmp = key(mid).compare(name);
    if (cmp == 0) return field(mid);
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return std::nullopt;
}

std::string_view VariantRef::bytes() const {
  const int header = Header(value_);
  switch (header & 3) {
    case kShortString: return value_.substr(0, 1 + static_cast<size_t>(header >> 2));
    case kObject:
    case kArray: {
      const Container c = container();
      const uint64_t end = ReadLe(value_, c.offsets + static_cast<size_t>(c.size * c.offset_size), c.offset_size);
      return value_.substr(0, c.data + end);
    }
    default: break;
  }
  const int id = header >> 2;
  if (id == kBinaryId || id == kLongStringId) return value_.substr(0, 5 + ReadLe(value_, 1, 4));
  return value_.substr(0, 1 + static_cast<size_t>(PrimitiveSize(id)));
}

// --- validation ----------------------------------------------------------------------------

namespace {

bool ValidValue(std::string_view value, uint64_t dict_size, int depth) {
  if (value.empty() || depth > kMaxDepth) return false;
  const int header = Header(value);
  const int basic = header & 3;
  if (basic == kShortString) return value.size() >= 1 + static_cast<size_t>(header >> 2);
  if (basic == kPrimitive) {
    const int id = header >> 2;
    if (id == kBinaryId || id == kLongStringId) return value.size() >= 5 && value.size() - 5 >= ReadLe(value, 1, 4);
    const int size = PrimitiveSize(id);
    return size >= 0 && value.size() >= 1 + static_cast<size_t>(size);
  }
  const int vh = header >> 2;
  const bool object = basic == kObject;
  const bool large = object ? ((vh >> 4) & 1) != 0 : ((vh >> 2) & 1) != 0;
  const int num_size = large ? 4 : 1;
  const int offset_size = (vh & 3) + 1;
  const int id_size = object ? ((vh >> 2) & 3) + 1 : 0;
  if (value.size() < 1 + static_cast<size_t>(num_size)) return false;
  const uint64_t n = ReadLe(value, 1, num_size);
  const uint64_t header_size = 1 + static_cast<uint64_t>(num_size) + n * static_cast<uint64_t>(id_size) +
                               (n + 1) * static_cast<uint64_t>(offset_size);
  if (header_size > value.size()) return false;
  const size_t ids = 1 + static_cast<size_t>(num_size);
  const size_t offsets = ids + static_cast<size_t>(n) * static_cast<size_t>(id_size);
  const uint64_t data_size = ReadLe(value, offsets + static_cast<size_t>(n) * static_cast<size_t>(offset_size), offset_size);
  if (data_size > value.size() - header_size) return false;
  const std::string_view data = value.substr(static_cast<size_t>(header_size), static_cast<size_t>(data_size));
  for (uint64_t i = 0; i < n; ++i) {
    if (object && ReadLe(value, ids + static_cast<size_t>(i) * static_cast<size_t>(id_size), id_size) >= dict_size) {
      return false;
    }
    const uint64_t offset = ReadLe(value, offsets + static_cast<size_t>(i) * static_cast<size_t>(offset_size), offset_size);
    if (offset >= data_size || !ValidValue(data.substr(static_cast<size_t>(offset)), dict_size, depth + 1)) return false;
  }
  return true;
}

}  // namespace

Status ValidateVariant(std::string_view metadata, std::string_view value) {
  if (metadata.empty() || (static_cast<uint8_t>(metadata[0]) & 0x0F) != kVersion) return MalformedVariant();
  const int offset_size = ((static_cast<uint8_t>(metadata[0]) >> 6) & 3) + 1;
  if (metadata.size() < 1 + static_cast<size_t>(offset_size)) return MalformedVariant();
  const uint64_t dict_size = ReadLe(metadata, 1, offset_size);
  const uint64_t strings = 1 + static_cast<uint64_t>(offset_size) + (dict_size + 1) * static_cast<uint64_t>(offset_size);
  if (strings > metadata.size()) return MalformedVariant();
  uint64_t previous = 0;
  for (uint64_t i = 0; i <= dict_size; ++i) {
    const uint64_t offset = ReadLe(metadata, 1 + static_cast<size_t>((i + 1) * static_cast<uint64_t>(offset_size)), offset_size);
    if (offset < previous || offset > metadata.size() - strings) return MalformedVariant();
    previous = offset;
  }
  if (!ValidValue(value, dict_size, 0)) return MalformedVariant();
  return Status::OK();
}

// --- building ------------------------------------------------------------------------------

void VariantBuilder::AppendLittleEndian(uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) value_.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void VariantBuilder::AppendPrimitiveHeader(int type_id) { value_.push_back(static_cast<char>(type_id << 2)); }

void VariantBuilder::AppendNull() { AppendPrimitiveHeader(kNullId); }
void VariantBuilder::AppendBoolean(bool value) { AppendPrimitiveHeader(value ? kTrueId : kFalseId); }

void VariantBuilder::AppendLong(int64_t value) {
  if (value >= INT8_MIN && value <= INT8_MAX) {
    AppendPrimitiveHeader(kInt1);
    AppendLittleEndian(static_cast<uint64_t>(value), 1);
  } else if (value >= INT16_MIN && value <= INT16_MAX) {
    AppendPrimitiveHeader(kInt2);
    AppendLittleEndian(static_cast<uint64_t>(value), 2);
  } else if (value >= INT32_MIN && value <= INT32_MAX) {
    AppendPrimitiveHeader(kInt4);
    AppendLittleEndian(static_cast<uint64_t>(value), 4);
  } else {
    AppendPrimitiveHeader(kInt8);
    AppendLittleEndian(static_cast<uint64_t>(value), 8);
  }
}

void VariantBuilder::AppendDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  AppendPrimitiveHeader(kDoubleId);
  AppendLittleEndian(bits, 8);
}

void VariantBuilder::AppendFloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  AppendPrimitiveHeader(kFloatId);
  AppendLittleEndian(bits, 4);
}

void VariantBuilder::AppendDecimal(const arrow::Decimal128& unscaled, int32_t precision, int32_t scale) {
  const auto low = unscaled.low_bits();
  if (scale <= 9 && precision <= 9) {
    AppendPrimitiveHeader(kDecimal4);
    value_.push_back(static_cast<char>(scale));
    AppendLittleEndian(low, 4);
  } else if (scale <= 18 && precision <= 18) {
    AppendPrimitiveHeader(kDecimal8);
    value_.push_back(static_cast<char>(scale));
    AppendLittleEndian(low, 8);
  } else {
    AppendPrimitiveHeader(kDecimal16);
    value_.push_back(static_cast<char>(scale));
    AppendLittleEndian(low, 8);
    AppendLittleEndian(static_cast<uint64_t>(unscaled.high_bits()), 8);
  }
}

void VariantBuilder::AppendString(std::string_view value) {
  if (value.size() <= kMaxShortString) {
    value_.push_back(static_cast<char>((value.size() << 2) | kShortString));
  } else {
    AppendPrimitiveHeader(kLongStringId);
    AppendLittleEndian(value.size(), 4);
  }
  value_.append(value);
}

void VariantBuilder::AppendBinary(std::string_view value) {
  AppendPrimitiveHeader(kBinaryId);
  AppendLittleEndian(value.size(), 4);
  value_.append(value);
}

void VariantBuilder::AppendDate(int32_t days) {
  AppendPrimitiveHeader(kDateId);
  AppendLittleEndian(static_cast<uint32_t>(days), 4);
}

void VariantBuilder::AppendTimestamp(int64_t micros, bool ntz) {
  AppendPrimitiveHeader(ntz ? kTimestampNtzId : kTimestampId);
  AppendLittleEndian(static_cast<uint64_t>(micros), 8);
}

uint32_t VariantBuilder::AddKey(std::string_view key) {
  auto [it, added] = ids_.try_emplace(std::string(key), static_cast<uint32_t>(keys_.size()));
  if (added) keys_.emplace_back(key);
  return it->second;
}

bool VariantBuilder::FinishObject(size_t start, std::vector<Field>* fields) {
  std::sort(fields->begin(), fields->end(),
            [this](const Field& a, const Field& b) { return keys_[a.id] < keys_[b.id]; });
  uint32_t max_id = 0;
  for (size_t i = 0; i < fields->size(); ++i) {
    if (i > 0 && (*fields)[i - 1].id == (*fields)[i].id) return false;
    max_id = std::max(max_id, (*fields)[i].id);
  }
  const size_t n = fields->size();
  const size_t data_size = value_.size() - start;
  const bool large = n > 0xFF;
  const int num_size = large ? 4 : 1;
  const int id_size = IntegerSize(max_id);
  const int offset_size = IntegerSize(data_size);
  std::string header;
  header.push_back(static_cast<char>((((large ? 1 : 0) << 4) | ((id_size - 1) << 2) | (offset_size - 1)) << 2 | kObject));
  std::swap(header, value_);
  AppendLittleEndian(n, num_size);
  for (const auto& f : *fields) AppendLittleEndian(f.id, id_size);
  for (const auto& f : *fields) AppendLittleEndian(f.offset, offset_size);
  AppendLittleEndian(data_size, offset_size);
  std::swap(header, value_);
  value_.insert(start, header);
  return true;
}

void VariantBuilder::FinishArray(size_t start, const std::vector<uint32_t>& offsets) {
  const size_t n = offsets.size();
  const size_t data_size = value_.size() - start;
  const bool large = n > 0xFF;
  const int num_size = large ? 4 : 1;
  const int offset_size = IntegerSize(data_size);
  std::string header;
  header.push_back(static_cast<char>((((large ? 1 : 0) << 2) | (offset_size - 1)) << 2 | kArray));
  std::swap(header, value_);
  AppendLittleEndian(n, num_size);
  for (uint32_t offset : offsets) AppendLittleEndian(offset, offset_size);
  AppendLittleEndian(data_size, offset_size);
  std::swap(header, value_);
  value_.insert(start, header);
}

void VariantBuilder::AppendVariant(const VariantRef& value) {
  switch (value.kind()) {
    case VariantKind::kObject: {
      const size_t start = position();
      std::vector<Field> fields;
      const int64_t n = value.size();
      fields.reserve(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        fields.push_back({AddKey(value.key(i)), static_cast<uint32_t>(position() - start)});
        AppendVariant(value.field(i));
      }
      FinishObject(start, &fields);
      return;
    }
    case VariantKind::kArray: {
      const size_t start = position();
      std::vector<uint32_t> offsets;
      const int64_t n = value.size();
      offsets.reserve(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        offsets.push_back(static_cast<uint32_t>(position() - start));
        AppendVariant(value.element(i));
      }
      FinishArray(start, offsets);
      return;
    }
    default: value_.append(value.bytes());
  }
}

Status VariantBuilder::Finish(const std::string& function, std::string* value, std::string* metadata) const {
  uint64_t strings = 0;
  for (const auto& key : keys_) strings += key.size();
  const uint64_t n = keys_.size();
  const uint64_t max_size = std::max(strings, n);
  const int offset_size = IntegerSize(max_size);
  const uint64_t metadata_size = 1 + static_cast<uint64_t>(offset_size) * (n + 2) + strings;
  if (value_.size() > kVariantSizeLimit || max_size > kVariantSizeLimit || metadata_size > kVariantSizeLimit) {
    return SparkError(SparkExceptionKind::kRuntime, "VARIANT_SIZE_LIMIT",
                      {{"sizeLimit", "16.0 MiB"}, {"functionName", "`" + function + "`"}});
  }
  metadata->clear();
  metadata->reserve(static_cast<size_t>(metadata_size));
  auto put = [&](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) metadata->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  metadata->push_back(static_cast<char>(kVersion | ((offset_size - 1) << 6)));
  put(n, offset_size);
  uint64_t offset = 0;
  put(0, offset_size);
  for (const auto& key : keys_) {
    offset += key.size();
    put(offset, offset_size);
  }
  for (const auto& key : keys_) metadata->append(key);
  *value = value_;
  return Status::OK();
}

// --- JSON ----------------------------------------------------------------------------------

namespace {

/// A JSON number written with digits, '-' and '.' only as a decimal, when it
/// has at most 38 digits and a scale of at most 38 (Spark's tryParseDecimal).
bool AppendJsonDecimal(std::string_view text, VariantBuilder* builder) {
  std::string digits;
  bool negative = false;
  int32_t scale = 0;
  bool fraction = false;
  for (char c : text) {
    if (c == '-') {
      negative = true;
    } else if (c == '.') {
      fraction = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (fraction) ++scale;
    } else {
      return false;
    }
  }
  const size_t first = digits.find_first_not_of('0');
  const auto precision = static_cast<int32_t>(first == std::string::npos ? 1 : digits.size() - first);
  if (precision > 38 || scale > 38) return false;
  const std::string significant = first == std::string::npos ? "0" : digits.substr(first);
  arrow::Decimal128 unscaled;
  if (!arrow::Decimal128::FromString((negative ? "-" : "") + significant, &unscaled, nullptr).ok()) return false;
  builder->AppendDecimal(unscaled, precision, scale);
  return true;
}

}  // namespace

bool AppendJsonToVariant(const JsonValue& json, VariantBuilder* builder) {
  switch (json.kind) {
    case JsonValue::Kind::kNull: builder->AppendNull(); return true;
    case JsonValue::Kind::kTrue: builder->AppendBoolean(true); return true;
    case JsonValue::Kind::kFalse: builder->AppendBoolean(false); return true;
    case JsonValue::Kind::kString: builder->AppendString(json.text); return true;
    case JsonValue::Kind::kInt: {
      int64_t value;
      if (ParseJavaLong(json.text, &value)) {
        builder->AppendLong(value);
        return true;
      }
      [[fallthrough]];
    }
    case JsonValue::Kind::kFloat: {
      if (AppendJsonDecimal(json.text, builder)) return true;
      double value = 0;
      if (!ParseJavaDouble(json.text, &value)) value = std::strtod(std::string(json.text).c_str(), nullptr);
      builder->AppendDouble(value);
      return true;
    }
    case JsonValue::Kind::kArray: {
      const size_t start = builder->position();
      std::vector<uint32_t> offsets;
      offsets.reserve(json.items.size());
      for (const auto& item : json.items) {
        offsets.push_back(static_cast<uint32_t>(builder->position() - start));
        if (!AppendJsonToVariant(item, builder)) return false;
      }
      builder->FinishArray(start, offsets);
      return true;
    }
    case JsonValue::Kind::kObject: {
      const size_t start = builder->position();
      std::vector<VariantBuilder::Field> fields;
      fields.reserve(json.items.size());
      for (size_t i = 0; i < json.items.size(); ++i) {
        fields.push_back({builder->AddKey(json.keys[i]), static_cast<uint32_t>(builder->position() - start)});
        if (!AppendJsonToVariant(json.items[i], builder)) return false;
      }
      return builder->FinishObject(start, &fields);
    }
  }
  return false;
}

namespace {

/// A decimal (trailing zeros already stripped) as Java's BigDecimal.toPlainString().
std::string PlainDecimal(const arrow::Decimal128& unscaled, int32_t scale) {
  std::string digits = unscaled.ToIntegerString();
  const bool negative = digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (negative ? "-" : "") + digits;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out->push_back('=');
  }
}

/// "yyyy-MM-dd HH:mm:ss[.ffffff]" of local microseconds, the fraction without trailing zeros.
std::string LocalDateTime(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  char clock[32];
  std::snprintf(clock, sizeof(clock), " %02d:%02d:%02d", static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60));
  std::string text = FormatDate(static_cast<int32_t>(days)) + clock;
  if (fraction != 0) {
    char digits[8];
    std::snprintf(digits, sizeof(digits), "%06d", static_cast<int>(fraction));
    std::string f = digits;
    f.erase(f.find_last_not_of('0') + 1);
    text += "." + f;
  }
  return text;
}

std::string OffsetText(int32_t offset_seconds) {
  const char sign = offset_seconds < 0 ? '-' : '+';
  const int32_t magnitude = std::abs(offset_seconds);
  char text[16];
  std::snprintf(text, sizeof(text), "%c%02d:%02d", sign, magnitude / 3600, magnitude / 60 % 60);
  std::string out = text;
  if (magnitude % 60 != 0) {
    std::snprintf(text, sizeof(text), ":%02d", magnitude % 60);
    out += text;
  }
  return out;
}

void AppendFloating(double value, bool is_float, std::string* out) {
  const std::string text = is_float ? FormatJavaFloat(static_cast<float>(value)) : FormatJavaDouble(value);
  if (std::isfinite(value)) {
    *out += text;
  } else {
    *out += "\"" + text + "\"";
  }
}

}  // namespace

Status AppendVariantJson(const VariantRef& value, const std::string& time_zone, std::string* out) {
  switch (value.kind()) {
    case VariantKind::kNull: *out += "null"; break;
    case VariantKind::kBoolean: *out += value.boolean() ? "true" : "false"; break;
    case VariantKind::kLong: *out += std::to_string(value.long_value()); break;
    case VariantKind::kDouble: AppendFloating(value.double_value(), false, out); break;
    case VariantKind::kFloat: AppendFloating(value.float_value(), true, out); break;
    case VariantKind::kDecimal: {
      int32_t precision, scale;
      const auto unscaled = value.decimal(&precision, &scale);
      *out += PlainDecimal(unscaled, scale);
      break;
    }
    case VariantKind::kString: AppendJsonString(value.string(), out); break;
    case VariantKind::kBinary:
      out->push_back('"');
      AppendBase64(value.string(), out);
      out->push_back('"');
      break;
    case VariantKind::kDate: *out += "\"" + FormatDate(value.date()) + "\""; break;
    case VariantKind::kTimestamp: {
      ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, TimeZone::Find(time_zone));
      const int64_t micros = value.micros();
      int64_t seconds = micros / 1000000;
      if (micros % 1000000 < 0) --seconds;
      const int32_t offset = zone->OffsetAtUtc(seconds);
      *out += "\"" + LocalDateTime(micros + int64_t{offset} * 1000000) + OffsetText(offset) + "\"";
      break;
    }
    case VariantKind::kTimestampNtz: *out += "\"" + LocalDateTime(value.micros()) + "\""; break;
    case VariantKind::kUuid: {
      static const char* kHex = "0123456789abcdef";
      const auto bytes = value.uuid();
      *out += '"';
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *out += '-';
        *out += kHex[static_cast<uint8_t>(bytes[i]) >> 4];
        *out += kHex[static_cast<uint8_t>(bytes[i]) & 15];
      }
      *out += '"';
      break;
    }
    case VariantKind::kObject: {
      out->push_back('{');
      const int64_t n = value.size();
      for (int64_t i = 0; i < n; ++i) {
        if (i) out->push_back(',');
        AppendJsonString(value.key(i), out);
        out->push_back(':');
        ARROW_RETURN_NOT_OK(AppendVariantJson(value.field(i), time_zone, out));
      }
      out->push_back('}');
      break;
    }
    case VariantKind::kArray: {
      out->push_back('[');
      const int64_t n = value.size();
      for (int64_t i = 0; i < n; ++i) {
        if (i) out->push_back(',');
        ARROW_RETURN_NOT_OK(AppendVariantJson(value.element(i), time_zone, out));
      }
      out->push_back(']');
      break;
    }
  }
  return Status::OK();
}

// --- schema --------------------------------------------------------------------------------

std::shared_ptr<arrow::DataType> VariantSchema(const VariantRef& value) {
  switch (value.kind()) {
    case VariantKind::kNull: return arrow::null();
    case VariantKind::kBoolean: return arrow::boolean();
    case VariantKind::kLong: return arrow::int64();
    case VariantKind::kDouble: return arrow::float64();
    case VariantKind::kFloat: return arrow::float32();
    case VariantKind::kDecimal: {
      int32_t precision, scale;
      value.decimal(&precision, &scale);
      return arrow::decimal128(std::max(precision, scale), scale);
    }
    case VariantKind::kString:
    case VariantKind::kUuid: return arrow::utf8();
    case VariantKind::kBinary: return arrow::binary();
    case VariantKind::kDate: return arrow::date32();
    case VariantKind::kTimestamp: return types::TimestampType();
    case VariantKind::kTimestampNtz: return types::TimestampNtzType();
    case VariantKind::kObject: {
      arrow::FieldVector fields;
      const int64_t n = value.size();
      for (int64_t i = 0; i < n; ++i) {
        fields.push_back(arrow::field(std::string(value.key(i)), VariantSchema(value.field(i))));
      }
      return arrow::struct_(fields);
    }
    case VariantKind::kArray: {
      std::shared_ptr<arrow::DataType> element = arrow::null();
      const int64_t n = value.size();
      for (int64_t i = 0; i < n; ++i) element = MergeVariantSchema(element, VariantSchema(value.element(i)));
      return arrow::list(arrow::field("element", element));
    }
  }
  return types::VariantType();
}

namespace {

std::shared_ptr<arrow::DataType> MergeDecimals(const arrow::Decimal128Type& a, const arrow::Decimal128Type& b) {
  const int32_t scale = std::max(a.scale(), b.scale());
  const int32_t range = std::max(a.precision() - a.scale(), b.precision() - b.scale());
  if (range + scale > 38) return arrow::float64();
  return arrow::decimal128(range + scale, scale);
}

}  // namespace

std::shared_ptr<arrow::DataType> MergeVariantSchema(const std::shared_ptr<arrow::DataType>& a,
                                                    const std::shared_ptr<arrow::DataType>& b) {
  if (a->Equals(*b, /*check_metadata=*/true)) return a;
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  const auto ida = a->id(), idb = b->id();
  const bool a_number = ida == arrow::Type::INT64 || ida == arrow::Type::DECIMAL128 || ida == arrow::Type::DOUBLE;
  const bool b_number = idb == arrow::Type::INT64 || idb == arrow::Type::DECIMAL128 || idb == arrow::Type::DOUBLE;
  if (a_number && b_number) {
    if (ida == arrow::Type::DOUBLE || idb == arrow::Type::DOUBLE) return arrow::float64();
    const auto as_decimal = [](const std::shared_ptr<arrow::DataType>& t) {
      return t->id() == arrow::Type::INT64 ? arrow::decimal128(20, 0) : t;
    };
    return MergeDecimals(static_cast<const arrow::Decimal128Type&>(*as_decimal(a)),
                         static_cast<const arrow::Decimal128Type&>(*as_decimal(b)));
  }
  if (types::IsVariant(*a) || types::IsVariant(*b)) return types::VariantType();
  if (ida == arrow::Type::STRUCT && idb == arrow::Type::STRUCT) {
    // Both field lists are sorted by name: merge them in order.
    arrow::FieldVector fields;
    int i = 0, j = 0;
    while (i < a->num_fields() || j < b->num_fields()) {
      if (j >= b->num_fields() || (i < a->num_fields() && a->field(i)->name() < b->field(j)->name())) {
        fields.push_back(a->field(i++));
      } else if (i >= a->num_fields() || b->field(j)->name() < a->field(i)->name()) {
        fields.push_back(b->field(j++));
      } else {
        fields.push_back(arrow::field(a->field(i)->name(), MergeVariantSchema(a->field(i)->type(), b->field(j)->type())));
        ++i;
        ++j;
      }
    }
    return arrow::struct_(fields);
  }
  if (ida == arrow::Type::LIST && idb == arrow::Type::LIST) {
    return arrow::list(arrow::field("element", MergeVariantSchema(a->field(0)->type(), b->field(0)->type())));
  }
  return types::VariantType();
}

namespace {

std::string QuoteFieldIfNeeded(const std::string& name) {
  bool plain = !name.empty();
  bool all_digits = true;
  for (char c : name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word) plain = false;
    if (c < '0' || c > '9') all_digits = false;
  }
  if (plain && !all_digits) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

}  // namespace

std::string VariantSchemaSql(const arrow::DataType& type) {
  if (types::IsVariant(type)) return "VARIANT";
  switch (type.id()) {
    case arrow::Type::STRUCT: {
      std::string out = "OBJECT<";
      for (int i = 0; i < type.num_fields(); ++i) {
        if (i) out += ", ";
        out += QuoteFieldIfNeeded(type.field(i)->name()) + ": " + VariantSchemaSql(*type.field(i)->type());
      }
      return out + ">";
    }
    case arrow::Type::LIST: return "ARRAY<" + VariantSchemaSql(*type.field(0)->type()) + ">";
    default: return types::SqlString(type);
  }
}

}  // namespace sk8::functions
