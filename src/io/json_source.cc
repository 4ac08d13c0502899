#include "io/json_source.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>

#include <arrow/builder.h>

#include "io/line_reader.h"
#include "io/malformed_records.h"
#include "io/text_values.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

// A parsed JSON value. Strings and number texts point into the file's text
// or into the parser's storage (for strings with escapes).
struct JsonValue {
  enum class Kind : uint8_t { kNull, kTrue, kFalse, kInt, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string_view text;
  std::string_view raw;                  // the value's own source text
  std::vector<JsonValue> items;          // array items, object values
  std::vector<std::string_view> keys;    // object keys
};

// JSON as Spark's Jackson parser is configured by default: single-quoted
// strings and NaN / Infinity allowed; comments only with allowComments.
class JsonParser {
 public:
  JsonParser(std::string_view text, bool allow_comments, std::deque<std::string>* storage)
      : text_(text), allow_comments_(allow_comments), storage_(storage) {}

  // One whole value and nothing after it but whitespace.
  bool ParseDocument(JsonValue* out) {
    if (!ParseValue(out, 0)) return false;
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (allow_comments_ && c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (allow_comments_ && c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        const size_t end = text_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else {
        return;
      }
    }
  }

  bool Literal(std::string_view word) {
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  bool ParseValue(JsonValue* out, int depth) {
    if (depth > 1000) return false;
    SkipSpace();
    const size_t start = pos_;
    const bool ok = ParseValueAt(out, depth);
    if (ok) out->raw = text_.substr(start, pos_ - start);
    return ok;
  }

  bool ParseValueAt(JsonValue* out, int depth) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"' || c == '\'') {
      out->kind = JsonValue::Kind::kString;
      return ParseString(&out->text);
    }
    if (Literal("true")) {
      out->kind = JsonValue::Kind::kTrue;
      return true;
    }
    if (Literal("false")) {
      out->kind = JsonValue::Kind::kFalse;
      return true;
    }
    if (Literal("null")) {
      out->kind = JsonValue::Kind::kNull;
      return true;
    }
    return ParseNumber(out);
  }

  bool ParseNumber(JsonValue* out) {
    const size_t start = pos_;
    for (std::string_view special : {"NaN", "Infinity", "+Infinity", "-Infinity"}) {
      if (Literal(special)) {
        out->kind = JsonValue::Kind::kFloat;
        out->text = text_.substr(start, pos_ - start);
        return true;
      }
    }
    auto digit = [&](size_t p) { return p < text_.size() && text_[p] >= '0' && text_[p] <= '9'; };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (!digit(pos_)) return false;
    if (text_[pos_] == '0' && digit(pos_ + 1)) return false;  // no leading zeros
    while (digit(pos_)) ++pos_;
    bool is_float = false;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      ++pos_;
      if (!digit(pos_)) return false;
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digit(pos_)) return false;
      while (digit(pos_)) ++pos_;
    }
    out->kind = is_float ? JsonValue::Kind::kFloat : JsonValue::Kind::kInt;
    out->text = text_.substr(start, pos_ - start);
    return true;
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      *out += static_cast<char>(code);
    } else if (code < 0x800) {
      *out += static_cast<char>(0xC0 | (code >> 6));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      *out += static_cast<char>(0xE0 | (code >> 12));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (code >> 18));
      *out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    *out = value;
    return true;
  }

  bool ParseString(std::string_view* out) {
    const char quote = text_[pos_++];
    const size_t start = pos_;
    // Fast path: no escapes, the value is a view of the text.
    while (pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\\') {
      if (static_cast<unsigned char>(text_[pos_]) < 0x20) return false;  // raw control characters
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == quote) {
      *out = text_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    std::string value(text_.substr(start, pos_ - start));
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= text_.size()) return false;
      c = text_[pos_++];
      switch (c) {
        case '"': value += '"'; break;
        case '\'': value += '\''; break;
        case '\\': value += '\\'; break;
        case '/': value += '/'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'u': {
          uint32_t code;
          if (!Hex4(&code)) return false;
          if (code >= 0xD800 && code < 0xDC00 && text_.compare(pos_, 2, "\\u") == 0) {
            pos_ += 2;
            uint32_t low;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(code, &value);
          break;
        }
        default: return false;
      }
    }
    if (pos_ >= text_.size()) return false;
    ++pos_;
    storage_->push_back(std::move(value));
    *out = storage_->back();
    return true;
  }

  // The items of an array or the members of an object up to `close`,
  // separated by commas; `item` parses one.
  template <typename ParseItem>
  bool ParseSequence(char close, ParseItem item) {
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return true;
    }
    while (true) {
      if (!item()) return false;
      SkipSpace();
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] != close) return false;
      ++pos_;
      return true;
    }
  }

  bool ParseArray(JsonValue* out, int depth) {
    out->kind = JsonValue::Kind::kArray;
    return ParseSequence(']', [&] {
      out->items.emplace_back();
      return ParseValue(&out->items.back(), depth + 1);
    });
  }

  bool ParseObject(JsonValue* out, int depth) {
    out->kind = JsonValue::Kind::kObject;
    return ParseSequence('}', [&] {
      SkipSpace();
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) return false;
      std::string_view key;
      if (!ParseString(&key)) return false;
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return false;
      ++pos_;
      out->keys.push_back(key);
      out->items.emplace_back();
      return ParseValue(&out->items.back(), depth + 1);
    });
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool allow_comments_;
  std::deque<std::string>* storage_;
};

using TypePtr = std::shared_ptr<arrow::DataType>;

struct JsonOptions {
  bool primitives_as_string = false;
  bool prefers_decimal = false;
  bool drop_field_if_all_null = false;
  bool allow_comments = false;
  bool multi_line = false;
  ParseMode mode = ParseMode::kPermissive;
  std::string corrupt_column = "_corrupt_record";
  std::string encoding = "UTF-8";
  std::string line_separator;
  DateTimeParser date;
  DateTimeParser timestamp;
  DateTimeParser timestamp_ntz;
};

TypePtr DecimalOrDouble(std::string_view text) {
  arrow::Decimal128 unscaled;
  int32_t precision, scale;
  if (!ParseBigDecimal(text, &unscaled, &precision, &scale)) return arrow::float64();
  if (scale < 0) {  // 1E+3: Spark's DecimalType has no negative scale; BigDecimal's precision counts 1 digit
    precision -= scale;
    scale = 0;
  }
  const int32_t digits = std::max(precision, scale);
  if (digits > 38) return arrow::float64();
  return arrow::decimal128(digits, scale);
}

// Spark's JsonInferSchema.inferField.
TypePtr InferJson(const JsonValue& v, const JsonOptions& options) {
  switch (v.kind) {
    case JsonValue::Kind::kNull: return arrow::null();
    case JsonValue::Kind::kString: return arrow::utf8();
    case JsonValue::Kind::kTrue:
    case JsonValue::Kind::kFalse: return options.primitives_as_string ? arrow::utf8() : arrow::boolean();
    case JsonValue::Kind::kInt: {
      if (options.primitives_as_string) return arrow::utf8();
      int64_t x;
      if (ParseJavaLong(v.text, &x)) return arrow::int64();
      return DecimalOrDouble(v.text);
    }
    case JsonValue::Kind::kFloat:
      if (options.primitives_as_string) return arrow::utf8();
      if (options.prefers_decimal && v.text.find_first_of("NI") == std::string_view::npos) {
        return DecimalOrDouble(v.text);
      }
      return arrow::float64();
    case JsonValue::Kind::kArray: break;
    case JsonValue::Kind::kObject: break;
  }
  return nullptr;  // handled by the caller (needs Compatible)
}

TypePtr Compatible(const TypePtr& a, const TypePtr& b);

TypePtr InferJsonValue(const JsonValue& v, const JsonOptions& options) {
  if (v.kind == JsonValue::Kind::kArray) {
    TypePtr element = arrow::null();
    for (const auto& item : v.items) element = Compatible(element, InferJsonValue(item, options));
    return arrow::list(arrow::field("element", element, true));
  }
  if (v.kind == JsonValue::Kind::kObject) {
    std::map<std::string, TypePtr> fields;  // sorted by name, as Spark sorts them
    for (size_t i = 0; i < v.keys.size(); ++i) {
      auto type = InferJsonValue(v.items[i], options);
      auto [it, added] = fields.emplace(std::string(v.keys[i]), type);
      if (!added) it->second = Compatible(it->second, type);
    }
    arrow::FieldVector out;
    for (auto& [name, type] : fields) out.push_back(arrow::field(name, type, true));
    return arrow::struct_(out);
  }
  return InferJson(v, options);
}

TypePtr DecimalFor(const arrow::DataType& t) {
  if (t.id() == arrow::Type::INT64) return arrow::decimal128(20, 0);
  return nullptr;
}

// Spark's JsonInferSchema.compatibleType: the tightest common type, decimals
// widened, structs merged by name, arrays by element; otherwise STRING.
TypePtr Compatible(const TypePtr& a, const TypePtr& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  const auto ai = a->id(), bi = b->id();
  if ((ai == arrow::Type::INT64 && bi == arrow::Type::DOUBLE) || (ai == arrow::Type::DOUBLE && bi == arrow::Type::INT64)) {
    return arrow::float64();
  }
  if (ai == arrow::Type::DECIMAL128 || bi == arrow::Type::DECIMAL128) {
    if (ai == arrow::Type::DOUBLE || bi == arrow::Type::DOUBLE) return arrow::float64();
    TypePtr x = ai == arrow::Type::DECIMAL128 ? a : DecimalFor(*a);
    TypePtr y = bi == arrow::Type::DECIMAL128 ? b : DecimalFor(*b);
    if (x && y) {
      const auto& dx = static_cast<const arrow::Decimal128Type&>(*x);
      const auto& dy = static_cast<const arrow::Decimal128Type&>(*y);
      const int32_t scale = std::max(dx.scale(), dy.scale());
      const int32_t range = std::max(dx.precision() - dx.scale(), dy.precision() - dy.scale());
      if (range + scale > 38) return arrow::float64();
      return arrow::decimal128(range + scale, scale);
    }
  }
  if (ai == arrow::Type::STRUCT && bi == arrow::Type::STRUCT) {
    std::map<std::string, TypePtr> fields;
    for (const auto& f : a->fields()) fields[f->name()] = f->type();
    for (const auto& f : b->fields()) {
      auto [it, added] = fields.emplace(f->name(), f->type());
      if (!added) it->second = Compatible(it->second, f->type());
    }
    arrow::FieldVector out;
    for (auto& [name, type] : fields) out.push_back(arrow::field(name, type, true));
    return arrow::struct_(out);
  }
  if (ai == arrow::Type::LIST && bi == arrow::Type::LIST) {
    return arrow::list(arrow::field("element", Compatible(a->field(0)->type(), b->field(0)->type()), true));
  }
  return arrow::utf8();
}

// Spark's canonicalizeType: NULL columns become STRING, or go with
// dropFieldIfAllNull (as do arrays of them and structs left empty).
TypePtr Canonical(const TypePtr& type, bool drop_all_null) {
  switch (type->id()) {
    case arrow::Type::NA: return drop_all_null ? nullptr : arrow::utf8();
    case arrow::Type::LIST: {
      auto element = Canonical(type->field(0)->type(), drop_all_null);
      return element ? arrow::list(arrow::field("element", element, true)) : nullptr;
    }
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& f : type->fields()) {
        auto canonical = Canonical(f->type(), drop_all_null);
        if (canonical) fields.push_back(arrow::field(f->name(), canonical, true));
      }
      if (fields.empty() && drop_all_null) return nullptr;
      return arrow::struct_(fields);
    }
    default: return type;
  }
}

// One record of the input: parsed, or not (then only its text is kept).
struct JsonRecords {
  std::vector<JsonValue> rows;
  std::vector<uint8_t> parsed;
  std::vector<std::string_view> raw;
  std::deque<std::string> storage;
};

// The records of a text: one per line (JSON Lines), or the whole text as one
// value (multiLine); a top-level array of objects stands for its elements.
// Anything else than an object (or such an array) is a malformed record.
void ParseRecords(std::string_view text, const JsonOptions& options, JsonRecords* out) {
  auto add = [&](std::string_view record) {
    JsonValue value;
    JsonParser parser(record, options.allow_comments, &out->storage);
    const bool ok = parser.ParseDocument(&value);
    const bool all_objects = std::all_of(value.items.begin(), value.items.end(), [](const JsonValue& item) {
      return item.kind == JsonValue::Kind::kObject;
    });
    if (ok && value.kind == JsonValue::Kind::kArray && all_objects) {
      for (auto& item : value.items) {
        out->raw.push_back(item.raw);
        out->rows.push_back(std::move(item));
        out->parsed.push_back(1);
      }
      return;
    }
    const bool is_object = ok && value.kind == JsonValue::Kind::kObject;
    out->rows.push_back(std::move(value));
    out->parsed.push_back(is_object);
    out->raw.push_back(record);
  };
  if (options.multi_line) {
    if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) add(text);
    return;
  }
  for (auto line : SplitLines(text, options.line_separator)) {
    if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;  // blank lines are skipped
    add(line);
  }
}

const JsonValue* FindField(const JsonValue& object, std::string_view name) {
  const JsonValue* found = nullptr;
  for (size_t i = 0; i < object.keys.size(); ++i) {
    if (object.keys[i] == name) found = &object.items[i];  // the last of duplicate keys wins
  }
  return found;
}

class JsonSource final : public DataSource {
 public:
  JsonSource(JsonOptions options, std::shared_ptr<arrow::Schema> user_schema)
      : options_(std::move(options)), user_schema_(std::move(user_schema)) {}

  std::string format() const override { return "json"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    TypePtr merged = arrow::null();
    for (const auto& path : files) {
      FileSplit whole;
      whole.path = path;
      ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(whole, options_.encoding, arrow::default_memory_pool()));
      JsonRecords records;
      ParseRecords(text.text, options_, &records);
      for (size_t r = 0; r < records.rows.size(); ++r) {
        TypePtr type;
        if (records.parsed[r]) {
          type = InferJsonValue(records.rows[r], options_);
        } else if (options_.mode == ParseMode::kPermissive) {
          type = arrow::struct_({arrow::field(options_.corrupt_column, arrow::utf8(), true)});
        } else if (options_.mode == ParseMode::kFailFast) {
          return SparkError(SparkExceptionKind::kInternal, "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
                            {{"badRecord", std::string(records.raw[r])}, {"failFastMode", "FAILFAST"}});
        } else {
          continue;
        }
        merged = Compatible(merged, type);
      }
    }
    if (merged->id() != arrow::Type::STRUCT) return arrow::schema(arrow::FieldVector{});
    auto canonical = Canonical(merged, options_.drop_field_if_all_null);
    if (!canonical) return arrow::schema(arrow::FieldVector{});
    return arrow::schema(canonical->fields());
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    return PlanByteRangeSplits(files, options_.multi_line || !options_.line_separator.empty());
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(split, options_.encoding, pool));
    JsonRecords records;
    ParseRecords(text.text, options_, &records);
    const auto layout = CorruptRecordLayout::Of(data_schema, options_.corrupt_column);
    const auto rows = static_cast<int64_t>(records.rows.size());
    MalformedRows malformed(rows);
    for (int64_t r = 0; r < rows; ++r) {
      if (!records.parsed[static_cast<size_t>(r)]) malformed.Mark(r);
    }
    std::vector<std::shared_ptr<arrow::Array>> arrays(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = columns[i];
      if (c == layout.corrupt_index) continue;
      const auto& field = data_schema.field(c);
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(pool, field->type(), &builder));
      for (int64_t r = 0; r < rows; ++r) {
        const auto& record = records.rows[static_cast<size_t>(r)];
        const JsonValue* value = records.parsed[static_cast<size_t>(r)] ? FindField(record, field->name()) : nullptr;
        if (value == nullptr) {
          ARROW_RETURN_NOT_OK(builder->AppendNull());
        } else if (!AppendOrNull(*value, *field->type(), builder.get())) {
          malformed.Mark(r);
        }
      }
      ARROW_RETURN_NOT_OK(builder->Finish(&arrays[i]));
    }
    return malformed.Finish(options_.mode, split.path, data_schema, columns, layout, records.raw, std::move(arrays),
                            pool);
  }

 private:
  // Appends one slot: `v` converted, or NULL when it does not convert (then false).
  bool AppendOrNull(const JsonValue& v, const arrow::DataType& type, arrow::ArrayBuilder* builder) const {
    const int64_t before = builder->length();
    const bool converted = Append(v, type, builder);
    if (builder->length() == before && !builder->AppendNull().ok()) return false;
    return converted;
  }

  // Appends `v` converted to `type` as Spark's JacksonParser converts it;
  // false (nothing appended) when it does not convert.
  bool Append(const JsonValue& v, const arrow::DataType& type, arrow::ArrayBuilder* builder) const {
    using Kind = JsonValue::Kind;
    if (v.kind == Kind::kNull) return builder->AppendNull().ok();
    switch (type.id()) {
      case arrow::Type::STRING: {
        // A value of another kind reads as its JSON text, as written.
        return static_cast<arrow::StringBuilder*>(builder)->Append(v.kind == Kind::kString ? v.text : v.raw).ok();
      }
      case arrow::Type::INT8:
      case arrow::Type::INT16:
      case arrow::Type::INT32:
      case arrow::Type::INT64: {
        int64_t x;
        if (v.kind != Kind::kInt || !ParseJavaLong(v.text, &x)) return false;
        switch (type.id()) {
          case arrow::Type::INT8:
            return x >= -128 && x <= 127 && static_cast<arrow::Int8Builder*>(builder)->Append(static_cast<int8_t>(x)).ok();
          case arrow::Type::INT16:
            return x >= -32768 && x <= 32767 &&
                   static_cast<arrow::Int16Builder*>(builder)->Append(static_cast<int16_t>(x)).ok();
          case arrow::Type::INT32:
            return x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max() &&
                   static_cast<arrow::Int32Builder*>(builder)->Append(static_cast<int32_t>(x)).ok();
          default: return static_cast<arrow::Int64Builder*>(builder)->Append(x).ok();
        }
      }
      case arrow::Type::FLOAT:
      case arrow::Type::DOUBLE: {
        double x;
        if (v.kind == Kind::kInt || v.kind == Kind::kFloat) {
          std::string_view t = v.text;
          if (t == "+Infinity") t = "Infinity";
          if (!ParseJavaDouble(t, &x)) return false;
        } else if (v.kind == Kind::kString && (v.text == "NaN" || v.text == "Infinity" || v.text == "+Infinity" ||
                                               v.text == "-Infinity" || v.text == "+INF" || v.text == "INF" ||
                                               v.text == "-INF")) {
          x = v.text == "NaN" ? std::numeric_limits<double>::quiet_NaN()
              : v.text[0] == '-' ? -std::numeric_limits<double>::infinity()
                                 : std::numeric_limits<double>::infinity();
        } else {
          return false;
        }
        if (type.id() == arrow::Type::FLOAT) {
          return static_cast<arrow::FloatBuilder*>(builder)->Append(static_cast<float>(x)).ok();
        }
        return static_cast<arrow::DoubleBuilder*>(builder)->Append(x).ok();
      }
      case arrow::Type::DECIMAL128: {
        if (v.kind != Kind::kInt && v.kind != Kind::kFloat && v.kind != Kind::kString) return false;
        const auto& dec = static_cast<const arrow::Decimal128Type&>(type);
        arrow::Decimal128 x;
        return ParseDecimalAs(v.text, dec.precision(), dec.scale(), &x) &&
               static_cast<arrow::Decimal128Builder*>(builder)->Append(x).ok();
      }
      case arrow::Type::BOOL:
        if (v.kind != Kind::kTrue && v.kind != Kind::kFalse) return false;
        return static_cast<arrow::BooleanBuilder*>(builder)->Append(v.kind == Kind::kTrue).ok();
      case arrow::Type::DATE32: {
        int32_t days;
        return v.kind == Kind::kString && options_.date.ParseDate(v.text, &days) &&
               static_cast<arrow::Date32Builder*>(builder)->Append(days).ok();
      }
      case arrow::Type::TIMESTAMP: {
        const bool ltz = types::IsTimestampLtz(type);
        int64_t micros;
        if (v.kind == Kind::kInt && ltz) {  // seconds since the epoch
          int64_t seconds;
          if (!ParseJavaLong(v.text, &seconds)) return false;
          return static_cast<arrow::TimestampBuilder*>(builder)->Append(seconds * 1000000).ok();
        }
        const auto& parser = ltz ? options_.timestamp : options_.timestamp_ntz;
        return v.kind == Kind::kString && parser.ParseTimestamp(v.text, ltz, &micros) &&
               static_cast<arrow::TimestampBuilder*>(builder)->Append(micros).ok();
      }
      case arrow::Type::STRUCT: {
        if (v.kind != Kind::kObject) return false;
        auto* struct_builder = static_cast<arrow::StructBuilder*>(builder);
        bool ok = true;
        for (int f = 0; f < type.num_fields(); ++f) {
          const auto& child = type.field(f);
          const JsonValue* value = FindField(v, child->name());
          auto* child_builder = struct_builder->field_builder(f);
          if (value == nullptr) {
            if (!child_builder->AppendNull().ok()) return false;
          } else {
            ok = AppendOrNull(*value, *child->type(), child_builder) && ok;
          }
        }
        // A field that did not convert still leaves the struct whole (its slot NULL).
        return struct_builder->Append().ok() && ok;
      }
      case arrow::Type::LIST: {
        if (v.kind != Kind::kArray) return false;
        auto* list_builder = static_cast<arrow::ListBuilder*>(builder);
        if (!list_builder->Append().ok()) return false;
        bool ok = true;
        const auto& element = *type.field(0)->type();
        for (const auto& item : v.items) {
          ok = AppendOrNull(item, element, list_builder->value_builder()) && ok;
        }
        return ok;
      }
      case arrow::Type::MAP: {
        if (v.kind != Kind::kObject || type.field(0)->type()->field(0)->type()->id() != arrow::Type::STRING) {
          return false;
        }
        auto* map_builder = static_cast<arrow::MapBuilder*>(builder);
        if (!map_builder->Append().ok()) return false;
        const auto& map_type = static_cast<const arrow::MapType&>(type);
        bool ok = true;
        for (size_t i = 0; i < v.keys.size(); ++i) {
          if (!static_cast<arrow::StringBuilder*>(map_builder->key_builder())->Append(v.keys[i]).ok()) return false;
          ok = AppendOrNull(v.items[i], *map_type.item_type(), map_builder->item_builder()) && ok;
        }
        return ok;
      }
      default: return false;
    }
  }

  JsonOptions options_;
  std::shared_ptr<arrow::Schema> user_schema_;
};

}  // namespace

Result<DataSourcePtr> MakeJsonSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                     const SourceContext& context) {
  JsonOptions json;
  ARROW_ASSIGN_OR_RAISE(json.primitives_as_string, options.GetBool("primitivesAsString", false));
  ARROW_ASSIGN_OR_RAISE(json.prefers_decimal, options.GetBool("prefersDecimal", false));
  ARROW_ASSIGN_OR_RAISE(json.drop_field_if_all_null, options.GetBool("dropFieldIfAllNull", false));
  ARROW_ASSIGN_OR_RAISE(json.allow_comments, options.GetBool("allowComments", false));
  ARROW_ASSIGN_OR_RAISE(json.multi_line, options.GetBool("multiLine", false));
  ARROW_ASSIGN_OR_RAISE(json.mode, ParseModeOption(options));
  json.corrupt_column = options.GetOr("columnNameOfCorruptRecord", "_corrupt_record");
  auto encoding = options.Get("encoding");
  if (!encoding) encoding = options.Get("charset");
  json.encoding = encoding.value_or("UTF-8");
  ARROW_RETURN_NOT_OK(CheckEncoding(json.encoding));
  json.line_separator = options.GetOr("lineSep", "");
  json.date.format = options.GetOr("dateFormat", "");
  if (json.date.format == "yyyy-MM-dd") json.date.format.clear();
  json.timestamp.format = options.GetOr("timestampFormat", "");
  json.timestamp.session_time_zone = options.GetOr("timeZone", context.session_time_zone);
  json.timestamp_ntz.format = options.GetOr("timestampNTZFormat", "");
  return std::make_shared<JsonSource>(std::move(json), std::move(user_schema));
}

}  // namespace sk8::io
