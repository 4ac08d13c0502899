#include "functions/json_value.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

#include "functions/cast.h"
#include "functions/datetime_pattern.h"
#include "functions/string_util.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {

using TypePtr = std::shared_ptr<arrow::DataType>;

// --- parser -------------------------------------------------------------------

bool JsonParser::ParseDocument(JsonValue* out) {
  if (!ParseValue(out, 0)) return false;
  SkipSpace();
  return pos_ == text_.size();
}

bool JsonParser::ParseFirst(JsonValue* out) { return ParseValue(out, 0); }

bool JsonParser::Blank() {
  SkipSpace();
  return pos_ >= text_.size();
}

void JsonParser::SkipSpace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos_;
    } else if (syntax_.allow_comments && c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (syntax_.allow_comments && c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      const size_t end = text_.find("*/", pos_ + 2);
      pos_ = end == std::string_view::npos ? text_.size() : end + 2;
    } else {
      return;
    }
  }
}

bool JsonParser::Literal(std::string_view word) {
  if (text_.compare(pos_, word.size(), word) != 0) return false;
  pos_ += word.size();
  return true;
}

bool JsonParser::ParseValue(JsonValue* out, int depth) {
  if (depth > 1000) return false;
  SkipSpace();
  const size_t start = pos_;
  const bool ok = ParseValueAt(out, depth);
  if (ok) out->raw = text_.substr(start, pos_ - start);
  return ok;
}

bool JsonParser::ParseValueAt(JsonValue* out, int depth) {
  if (pos_ >= text_.size()) return false;
  const char c = text_[pos_];
  if (c == '{') return ParseObject(out, depth);
  if (c == '[') return ParseArray(out, depth);
  if (c == '"' || (c == '\'' && syntax_.allow_single_quotes)) {
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

bool JsonParser::ParseNumber(JsonValue* out) {
  const size_t start = pos_;
  if (syntax_.allow_non_numeric_numbers) {
    for (std::string_view special : {"NaN", "Infinity", "+Infinity", "-Infinity"}) {
      if (Literal(special)) {
        out->kind = JsonValue::Kind::kFloat;
        out->text = text_.substr(start, pos_ - start);
        return true;
      }
    }
  }
  auto digit = [&](size_t p) { return p < text_.size() && text_[p] >= '0' && text_[p] <= '9'; };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (!digit(pos_)) return false;
  if (text_[pos_] == '0' && digit(pos_ + 1) && !syntax_.allow_numeric_leading_zeros) return false;
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


bool JsonParser::Hex4(uint32_t* out) {
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

bool JsonParser::ParseString(std::string_view* out) {
  const char quote = text_[pos_++];
  const size_t start = pos_;
  const bool controls = syntax_.allow_unquoted_control_chars;
  // Fast path: no escapes, the value is a view of the text.
  while (pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\\') {
    if (static_cast<unsigned char>(text_[pos_]) < 0x20 && !controls) return false;
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
    if (static_cast<unsigned char>(c) < 0x20 && !controls) return false;
    if (c != '\\') {
      value += c;
      continue;
    }
    if (pos_ >= text_.size()) return false;
    c = text_[pos_++];
    switch (c) {
      case '"': value += '"'; break;
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
      default:
        // Jackson takes \' only inside single-quoted strings (or with
        // allowBackslashEscapingAnyCharacter, any character).
        if ((c == '\'' && syntax_.allow_single_quotes) || syntax_.allow_backslash_escaping_any) {
          value += c;
          break;
        }
        return false;
    }
  }
  if (pos_ >= text_.size()) return false;
  ++pos_;
  storage_->push_back(std::move(value));
  *out = storage_->back();
  return true;
}

// allowUnquotedFieldNames: a name of Java identifier characters.
bool JsonParser::ParseUnquotedName(std::string_view* out) {
  const size_t start = pos_;
  while (pos_ < text_.size()) {
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (!(std::isalnum(c) || c == '_' || c == '$' || c >= 0x80)) break;
    ++pos_;
  }
  if (pos_ == start) return false;
  *out = text_.substr(start, pos_ - start);
  return true;
}

// The items of an array or the members of an object up to `close`,
// separated by commas; `item` parses one.
template <typename ParseItem>
bool JsonParser::ParseSequence(char close, ParseItem item) {
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

bool JsonParser::ParseArray(JsonValue* out, int depth) {
  out->kind = JsonValue::Kind::kArray;
  return ParseSequence(']', [&] {
    out->items.emplace_back();
    return ParseValue(&out->items.back(), depth + 1);
  });
}

bool JsonParser::ParseObject(JsonValue* out, int depth) {
  out->kind = JsonValue::Kind::kObject;
  return ParseSequence('}', [&] {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    std::string_view key;
    const char c = text_[pos_];
    if (c == '"' || (c == '\'' && syntax_.allow_single_quotes)) {
      if (!ParseString(&key)) return false;
    } else if (!syntax_.allow_unquoted_field_names || !ParseUnquotedName(&key)) {
      return false;
    }
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != ':') return false;
    ++pos_;
    out->keys.push_back(key);
    out->items.emplace_back();
    return ParseValue(&out->items.back(), depth + 1);
  });
}

const JsonValue* FindJsonField(const JsonValue& object, std::string_view name) {
  const JsonValue* found = nullptr;
  for (size_t i = 0; i < object.keys.size(); ++i) {
    if (object.keys[i] == name) found = &object.items[i];  // the last of duplicate keys wins
  }
  return found;
}

// --- inference ----------------------------------------------------------------

namespace {

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

TypePtr DecimalFor(const arrow::DataType& t) {
  if (t.id() == arrow::Type::INT64) return arrow::decimal128(20, 0);
  return nullptr;
}

}  // namespace

TypePtr InferJsonType(const JsonValue& v, const JsonInferOptions& options) {
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
    case JsonValue::Kind::kArray: {
      TypePtr element = arrow::null();
      for (const auto& item : v.items) element = CompatibleJsonType(element, InferJsonType(item, options));
      return arrow::list(arrow::field("element", element, true));
    }
    case JsonValue::Kind::kObject: {
      std::map<std::string, TypePtr> fields;  // sorted by name, as Spark sorts them
      for (size_t i = 0; i < v.keys.size(); ++i) {
        auto type = InferJsonType(v.items[i], options);
        auto [it, added] = fields.emplace(std::string(v.keys[i]), type);
        if (!added) it->second = CompatibleJsonType(it->second, type);
      }
      arrow::FieldVector out;
      for (auto& [name, type] : fields) out.push_back(arrow::field(name, type, true));
      return arrow::struct_(out);
    }
  }
  return arrow::utf8();
}

TypePtr CompatibleJsonType(const TypePtr& a, const TypePtr& b) {
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
      if (!added) it->second = CompatibleJsonType(it->second, f->type());
    }
    arrow::FieldVector out;
    for (auto& [name, type] : fields) out.push_back(arrow::field(name, type, true));
    return arrow::struct_(out);
  }
  if (ai == arrow::Type::LIST && bi == arrow::Type::LIST) {
    return arrow::list(arrow::field("element", CompatibleJsonType(a->field(0)->type(), b->field(0)->type()), true));
  }
  return arrow::utf8();
}

TypePtr CanonicalJsonType(const TypePtr& type, bool drop_all_null) {
  switch (type->id()) {
    case arrow::Type::NA: return drop_all_null ? nullptr : arrow::utf8();
    case arrow::Type::LIST: {
      auto element = CanonicalJsonType(type->field(0)->type(), drop_all_null);
      return element ? arrow::list(arrow::field("element", element, true)) : nullptr;
    }
    case arrow::Type::STRUCT: {
      arrow::FieldVector fields;
      for (const auto& f : type->fields()) {
        auto canonical = CanonicalJsonType(f->type(), drop_all_null);
        if (canonical) fields.push_back(arrow::field(f->name(), canonical, true));
      }
      if (fields.empty() && drop_all_null) return nullptr;
      return arrow::struct_(fields);
    }
    default: return type;
  }
}

// --- conversion -----------------------------------------------------------------

// Spark's JacksonParser: a struct field that fails is NULL and the struct
// partial; an array or map fails as a whole when an element fails (elements
// that are partial structs are kept).
bool JsonValueConverter::Fails(const JsonValue& v, const arrow::DataType& type) const {
  using Kind = JsonValue::Kind;
  if (v.kind == Kind::kNull) return false;
  switch (type.id()) {
    case arrow::Type::STRUCT: return v.kind != Kind::kObject;
    case arrow::Type::LIST: return v.kind != Kind::kArray || AnyFails(v.items, *type.field(0)->type());
    case arrow::Type::MAP: {
      const auto& map_type = static_cast<const arrow::MapType&>(type);
      return v.kind != Kind::kObject || map_type.key_type()->id() != arrow::Type::STRING ||
             AnyFails(v.items, *map_type.item_type());
    }
    default: return AnyFails({v}, type);
  }
}

bool JsonValueConverter::AnyFails(const std::vector<JsonValue>& items, const arrow::DataType& type) const {
  const auto id = type.id();
  if (id == arrow::Type::STRUCT || id == arrow::Type::LIST || id == arrow::Type::MAP) {
    for (const auto& item : items) {
      if (Fails(item, type)) return true;
    }
    return false;
  }
  // Primitive elements: one scratch builder for all of them.
  std::unique_ptr<arrow::ArrayBuilder> scratch;
  if (!arrow::MakeBuilder(arrow::default_memory_pool(), type.GetSharedPtr(), &scratch).ok()) return true;
  for (const auto& item : items) {
    if (item.kind != JsonValue::Kind::kNull && !AppendPrimitive(item, type, scratch.get())) return true;
  }
  return false;
}

JsonConversion JsonValueConverter::AppendFields(const JsonValue& v, const arrow::DataType& type,
                                                arrow::StructBuilder* builder, int skip_field) const {
  auto result = JsonConversion::kWhole;
  for (int f = 0; f < type.num_fields(); ++f) {
    if (f == skip_field) continue;
    const auto& child = type.field(f);
    const JsonValue* value = FindJsonField(v, child->name());
    auto* child_builder = builder->field_builder(f);
    if (value == nullptr) {
      if (!child_builder->AppendNull().ok()) return JsonConversion::kFailed;
    } else if (Append(*value, *child->type(), child_builder) != JsonConversion::kWhole) {
      result = JsonConversion::kPartial;
    }
  }
  return result;
}

JsonConversion JsonValueConverter::Append(const JsonValue& v, const arrow::DataType& type,
                                          arrow::ArrayBuilder* builder) const {
  using Kind = JsonValue::Kind;
  auto append_null = [&] {
    (void)builder->AppendNull();
    return JsonConversion::kFailed;
  };
  if (v.kind == Kind::kNull) {
    (void)builder->AppendNull();
    return JsonConversion::kWhole;
  }
  switch (type.id()) {
    case arrow::Type::STRUCT: {
      if (v.kind != Kind::kObject) return append_null();
      auto* struct_builder = static_cast<arrow::StructBuilder*>(builder);
      const auto result = AppendFields(v, type, struct_builder);
      if (!struct_builder->Append().ok()) return JsonConversion::kFailed;
      return result;
    }
    case arrow::Type::LIST: {
      if (Fails(v, type)) return append_null();
      auto* list_builder = static_cast<arrow::ListBuilder*>(builder);
      if (!list_builder->Append().ok()) return JsonConversion::kFailed;
      const auto& element = *type.field(0)->type();
      auto result = JsonConversion::kWhole;
      for (const auto& item : v.items) {
        if (Append(item, element, list_builder->value_builder()) != JsonConversion::kWhole) {
          result = JsonConversion::kPartial;
        }
      }
      return result;
    }
    case arrow::Type::MAP: {
      if (Fails(v, type)) return append_null();
      auto* map_builder = static_cast<arrow::MapBuilder*>(builder);
      if (!map_builder->Append().ok()) return JsonConversion::kFailed;
      const auto& map_type = static_cast<const arrow::MapType&>(type);
      auto result = JsonConversion::kWhole;
      for (size_t i = 0; i < v.keys.size(); ++i) {
        if (!static_cast<arrow::StringBuilder*>(map_builder->key_builder())->Append(v.keys[i]).ok()) {
          return JsonConversion::kFailed;
        }
        if (Append(v.items[i], *map_type.item_type(), map_builder->item_builder()) != JsonConversion::kWhole) {
          result = JsonConversion::kPartial;
        }
      }
      return result;
    }
    default:
      if (AppendPrimitive(v, type, builder)) return JsonConversion::kWhole;
      return append_null();
  }
}

bool JsonValueConverter::AppendPrimitive(const JsonValue& v, const arrow::DataType& type,
                                         arrow::ArrayBuilder* builder) const {
  using Kind = JsonValue::Kind;
  switch (type.id()) {
    case arrow::Type::STRING: {
      if (v.kind == Kind::kString) return static_cast<arrow::StringBuilder*>(builder)->Append(v.text).ok();
      if (keep_source_text) return static_cast<arrow::StringBuilder*>(builder)->Append(v.raw).ok();
      // Another kind reads as its JSON text, as Jackson's generator copies it.
      std::string text;
      AppendJsonValue(v, &text);
      return static_cast<arrow::StringBuilder*>(builder)->Append(text).ok();
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
      return v.kind == Kind::kString && date.ParseDate(v.text, &days) &&
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
      const auto& parser = ltz ? timestamp : timestamp_ntz;
      return v.kind == Kind::kString && parser.ParseTimestamp(v.text, ltz, &micros) &&
             static_cast<arrow::TimestampBuilder*>(builder)->Append(micros).ok();
    }
    case arrow::Type::BINARY: {  // base64, as Jackson's getBinaryValue
      std::string bytes;
      if (v.kind != Kind::kString || !DecodeBase64(v.text, &bytes)) return false;
      return static_cast<arrow::BinaryBuilder*>(builder)->Append(bytes).ok();
    }
    default: return false;
  }
}

Result<JsonReadOptions> JsonReadOptions::From(const SourceOptions& options, const std::string& session_time_zone) {
  JsonReadOptions json;
  ARROW_ASSIGN_OR_RAISE(json.infer.primitives_as_string, options.GetBool("primitivesAsString", false));
  ARROW_ASSIGN_OR_RAISE(json.infer.prefers_decimal, options.GetBool("prefersDecimal", false));
  ARROW_ASSIGN_OR_RAISE(json.drop_field_if_all_null, options.GetBool("dropFieldIfAllNull", false));
  auto& syntax = json.syntax;
  ARROW_ASSIGN_OR_RAISE(syntax.allow_comments, options.GetBool("allowComments", false));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_single_quotes, options.GetBool("allowSingleQuotes", true));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_unquoted_field_names, options.GetBool("allowUnquotedFieldNames", false));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_numeric_leading_zeros, options.GetBool("allowNumericLeadingZeros", false));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_non_numeric_numbers, options.GetBool("allowNonNumericNumbers", true));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_unquoted_control_chars, options.GetBool("allowUnquotedControlChars", false));
  ARROW_ASSIGN_OR_RAISE(syntax.allow_backslash_escaping_any,
                        options.GetBool("allowBackslashEscapingAnyCharacter", false));
  auto& converter = json.converter;
  converter.date.format = options.GetOr("dateFormat", "");
  if (converter.date.format == "yyyy-MM-dd") converter.date.format.clear();
  converter.timestamp.format = options.GetOr("timestampFormat", "");
  converter.timestamp.session_time_zone = options.GetOr("timeZone", session_time_zone);
  converter.timestamp_ntz.format = options.GetOr("timestampNTZFormat", "");
  return json;
}

// --- rendering --------------------------------------------------------------------

void AppendJsonString(std::string_view text, std::string* out) {
  *out += '"';
  for (char c : text) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04X", static_cast<unsigned>(c));
          *out += buf;
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

void AppendJsonValue(const JsonValue& v, std::string* out) {
  using Kind = JsonValue::Kind;
  switch (v.kind) {
    case Kind::kNull: *out += "null"; return;
    case Kind::kTrue: *out += "true"; return;
    case Kind::kFalse: *out += "false"; return;
    case Kind::kString: AppendJsonString(v.text, out); return;
    case Kind::kInt: {
      int64_t x;
      if (ParseJavaLong(v.text, &x)) {
        *out += std::to_string(x);
      } else {
        *out += v.text;  // a BigInteger keeps its digits
      }
      return;
    }
    case Kind::kFloat: {
      // Jackson reads a float as a double and writes Double.toString;
      // non-finite values as quoted strings.
      std::string_view t = v.text == "+Infinity" ? std::string_view("Infinity") : v.text;
      double x = 0;
      ParseJavaDouble(t, &x);
      if (std::isfinite(x)) {
        *out += FormatJavaDouble(x);
      } else {
        AppendJsonString(FormatJavaDouble(x), out);
      }
      return;
    }
    case Kind::kArray: {
      *out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) *out += ',';
        AppendJsonValue(v.items[i], out);
      }
      *out += ']';
      return;
    }
    case Kind::kObject: {
      *out += '{';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) *out += ',';
        AppendJsonString(v.keys[i], out);
        *out += ':';
        AppendJsonValue(v.items[i], out);
      }
      *out += '}';
      return;
    }
  }
}

namespace {

// Jackson's DefaultPrettyPrinter: objects one member a line ("key" : value),
// two spaces per level; arrays on one line ([ 1, 2 ]).
void AppendPretty(const JsonValue& v, int depth, std::string* out) {
  using Kind = JsonValue::Kind;
  if (v.kind == Kind::kObject) {
    if (v.items.empty()) {
      *out += "{ }";
      return;
    }
    *out += '{';
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) *out += ',';
      *out += '\n';
      out->append(static_cast<size_t>(2 * (depth + 1)), ' ');
      AppendJsonString(v.keys[i], out);
      *out += " : ";
      AppendPretty(v.items[i], depth + 1, out);
    }
    *out += '\n';
    out->append(static_cast<size_t>(2 * depth), ' ');
    *out += '}';
    return;
  }
  if (v.kind == Kind::kArray) {
    if (v.items.empty()) {
      *out += "[ ]";
      return;
    }
    *out += "[ ";
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) *out += ", ";
      AppendPretty(v.items[i], depth, out);
    }
    *out += " ]";
    return;
  }
  out->append(v.raw);
}

}  // namespace

std::string PrettyJson(std::string_view compact) {
  std::deque<std::string> storage;
  JsonValue value;
  JsonParser parser(compact, JsonSyntax{}, &storage);
  if (!parser.ParseDocument(&value)) return std::string(compact);
  std::string out;
  AppendPretty(value, 0, &out);
  return out;
}

namespace {

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    *out += kAlphabet[(n >> 18) & 63];
    *out += kAlphabet[(n >> 12) & 63];
    *out += kAlphabet[(n >> 6) & 63];
    *out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    *out += kAlphabet[(n >> 18) & 63];
    *out += kAlphabet[(n >> 12) & 63];
    *out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    *out += '=';
  }
}

// Spark's default forms: yyyy-MM-dd'T'HH:mm:ss.SSSXXX for TIMESTAMP (in the
// session zone), without the offset for TIMESTAMP_NTZ.
Result<std::string> DefaultTimestampText(int64_t micros, bool ltz, const std::string& zone) {
  int64_t wall = micros;
  if (ltz) {
    ARROW_ASSIGN_OR_RAISE(wall, UtcToLocalMicros(micros, zone));
  }
  const int64_t days = FloorDiv(wall, kMicrosPerDay);
  const int64_t in_day = wall - days * kMicrosPerDay;
  const int64_t seconds = in_day / kMicrosPerSecond;
  const int64_t millis = (in_day % kMicrosPerSecond) / 1000;
  char text[64];
  std::snprintf(text, sizeof(text), "%sT%02lld:%02lld:%02lld.%03lld", FormatDate(static_cast<int32_t>(days)).c_str(),
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60), static_cast<long long>(millis));
  std::string out = text;
  if (!ltz) return out;
  const int64_t offset = (wall - micros) / kMicrosPerSecond / 60;  // minutes
  if (offset == 0) return out + "Z";
  std::snprintf(text, sizeof(text), "%c%02lld:%02lld", offset < 0 ? '-' : '+',
                static_cast<long long>(std::llabs(offset) / 60), static_cast<long long>(std::llabs(offset) % 60));
  return out + text;
}

Result<std::string> PatternText(const DateTimePattern& pattern, int64_t micros, bool ntz, const std::string& zone_id) {
  ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, TimeZone::Find(zone_id));
  const int64_t utc = ntz ? zone->LocalToUtcMicros(micros) : micros;
  const int64_t utc_seconds = FloorDiv(utc, kMicrosPerSecond);
  const int32_t offset = zone->OffsetAtUtc(utc_seconds);
  const int64_t local = ntz ? micros : utc + static_cast<int64_t>(offset) * kMicrosPerSecond;
  std::string text;
  pattern.Format(local, offset, zone, utc_seconds, &text);
  return text;
}

}  // namespace

Result<JsonWriteOptions> ReadJsonWriteOptions(const SourceOptions& options, const std::string& session_time_zone,
                                              bool ignore_null_fields) {
  JsonWriteOptions out;
  out.session_time_zone = options.GetOr("timeZone", session_time_zone);
  ARROW_ASSIGN_OR_RAISE(out.ignore_null_fields, options.GetBool("ignoreNullFields", ignore_null_fields));
  ARROW_ASSIGN_OR_RAISE(out.pretty, options.GetBool("pretty", false));
  if (auto format = options.Get("dateFormat")) {
    ARROW_ASSIGN_OR_RAISE(out.date_format, DateTimePattern::Compile(*format, false));
  }
  if (auto format = options.Get("timestampFormat")) {
    ARROW_ASSIGN_OR_RAISE(out.timestamp_format, DateTimePattern::Compile(*format, false));
  }
  if (auto format = options.Get("timestampNTZFormat")) {
    ARROW_ASSIGN_OR_RAISE(out.timestamp_ntz_format, DateTimePattern::Compile(*format, false));
  }
  return out;
}

Result<std::shared_ptr<arrow::Array>> DateTimeTexts(const arrow::Array& column, const JsonWriteOptions& options) {
  const auto id = column.type_id();
  if (id == arrow::Type::DATE32 && options.date_format) {
    const auto& dates = static_cast<const arrow::Date32Array&>(column);
    arrow::StringBuilder builder;
    for (int64_t i = 0; i < column.length(); ++i) {
      if (column.IsNull(i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto text, PatternText(*options.date_format, dates.Value(i) * kMicrosPerDay, true,
                                                   options.session_time_zone));
      ARROW_RETURN_NOT_OK(builder.Append(text));
    }
    return builder.Finish();
  }
  if (id != arrow::Type::TIMESTAMP) {
    plan::EvalContext ctx;
    ctx.session_time_zone = options.session_time_zone;
    return ToSparkStrings(column, ctx);
  }
  const auto& timestamps = static_cast<const arrow::TimestampArray&>(column);
  const bool ltz = types::IsTimestampLtz(*column.type());
  const auto& pattern = ltz ? options.timestamp_format : options.timestamp_ntz_format;
  arrow::StringBuilder builder;
  for (int64_t i = 0; i < column.length(); ++i) {
    if (column.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    std::string text;
    if (pattern) {
      ARROW_ASSIGN_OR_RAISE(text, PatternText(*pattern, timestamps.Value(i), !ltz, options.session_time_zone));
    } else {
      ARROW_ASSIGN_OR_RAISE(text, DefaultTimestampText(timestamps.Value(i), ltz, options.session_time_zone));
    }
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return builder.Finish();
}

Status JsonTexts(const arrow::Array& column, const JsonWriteOptions& options, std::vector<std::string>* out) {
  const auto n = static_cast<size_t>(column.length());
  out->assign(n, std::string());
  switch (column.type_id()) {
    case arrow::Type::STRUCT: {
      const auto& structs = static_cast<const arrow::StructArray&>(column);
      std::vector<std::vector<std::string>> children(static_cast<size_t>(column.num_fields()));
      for (int f = 0; f < column.num_fields(); ++f) {
        ARROW_ASSIGN_OR_RAISE(auto child, structs.GetFlattenedField(f));
        ARROW_RETURN_NOT_OK(JsonTexts(*child, options, &children[static_cast<size_t>(f)]));
      }
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string object = "{";
        bool first = true;
        for (int f = 0; f < column.num_fields(); ++f) {
          const auto& value = children[static_cast<size_t>(f)][r];
          if (value.empty() && options.ignore_null_fields) continue;
          if (!first) object += ',';
          first = false;
          AppendJsonString(column.type()->field(f)->name(), &object);
          object += ':';
          object += value.empty() ? "null" : value;
        }
        (*out)[r] = object + "}";
      }
      return Status::OK();
    }
    case arrow::Type::LIST: {
      const auto& lists = static_cast<const arrow::ListArray&>(column);
      std::vector<std::string> values;
      ARROW_RETURN_NOT_OK(JsonTexts(*lists.values(), options, &values));
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string array = "[";
        const auto row = static_cast<int64_t>(r);
        for (int64_t i = lists.value_offset(row); i < lists.value_offset(row + 1); ++i) {
          if (array.size() > 1) array += ',';
          const auto& value = values[static_cast<size_t>(i)];
          array += value.empty() ? "null" : value;
        }
        (*out)[r] = array + "]";
      }
      return Status::OK();
    }
    case arrow::Type::MAP: {
      const auto& maps = static_cast<const arrow::MapArray&>(column);
      ARROW_ASSIGN_OR_RAISE(auto keys, DateTimeTexts(*maps.keys(), options));
      std::vector<std::string> items;
      ARROW_RETURN_NOT_OK(JsonTexts(*maps.items(), options, &items));
      const auto& key_texts = static_cast<const arrow::StringArray&>(*keys);
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string object = "{";
        const auto row = static_cast<int64_t>(r);
        for (int64_t i = maps.value_offset(row); i < maps.value_offset(row + 1); ++i) {
          if (object.size() > 1) object += ',';
          AppendJsonString(key_texts.GetView(i), &object);
          object += ':';
          const auto& value = items[static_cast<size_t>(i)];
          object += value.empty() ? "null" : value;
        }
        (*out)[r] = object + "}";
      }
      return Status::OK();
    }
    case arrow::Type::BINARY: {
      const auto& binary = static_cast<const arrow::BinaryArray&>(column);
      for (size_t r = 0; r < n; ++r) {
        if (column.IsNull(static_cast<int64_t>(r))) continue;
        std::string encoded;
        AppendBase64(binary.GetView(static_cast<int64_t>(r)), &encoded);
        AppendJsonString(encoded, &(*out)[r]);
      }
      return Status::OK();
    }
    case arrow::Type::NA: return Status::OK();
    default: break;
  }
  ARROW_ASSIGN_OR_RAISE(auto texts, DateTimeTexts(column, options));
  const auto& strings = static_cast<const arrow::StringArray&>(*texts);
  const auto id = column.type_id();
  const bool number = types::IsNumeric(*column.type()) || id == arrow::Type::BOOL;
  for (size_t r = 0; r < n; ++r) {
    if (strings.IsNull(static_cast<int64_t>(r))) continue;
    auto text = strings.GetView(static_cast<int64_t>(r));
    const bool special = (id == arrow::Type::DOUBLE || id == arrow::Type::FLOAT) &&
                         (text == "NaN" || text == "Infinity" || text == "-Infinity");
    if (!number || special) {
      AppendJsonString(text, &(*out)[r]);
    } else {
      (*out)[r] = std::string(text);
    }
  }
  return Status::OK();
}

}  // namespace sk8::functions
