#include "types/spark_types.h"
#include "types/variant_type.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <arrow/util/key_value_metadata.h>
#include <nlohmann/json.hpp>

namespace sk8::types {

std::shared_ptr<arrow::DataType> TimestampType() {
  static auto type = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  return type;
}
std::shared_ptr<arrow::DataType> TimestampNtzType() {
  static auto type = arrow::timestamp(arrow::TimeUnit::MICRO);
  return type;
}

std::shared_ptr<arrow::DataType> TimeType() {
  static auto type = arrow::time64(arrow::TimeUnit::NANO);
  return type;
}
bool IsTime(const arrow::DataType& type) { return type.id() == arrow::Type::TIME64; }

namespace {
bool IsGeoKind(const arrow::DataType& type, const char* kind) {
  if (type.id() != arrow::Type::STRUCT || type.num_fields() != 2) return false;
  const auto& wkb = type.field(1);
  if (wkb->name() != "wkb" || !wkb->HasMetadata()) return false;
  auto value = wkb->metadata()->Get(kind);
  return value.ok() && *value == "true";
}
}  // namespace

std::shared_ptr<arrow::DataType> GeoType(bool geography, int32_t srid) {
  auto metadata = arrow::key_value_metadata({geography ? "geography" : "geometry", "srid"},
                                            {"true", std::to_string(srid)});
  return arrow::struct_({arrow::field("srid", arrow::int32(), false),
                         arrow::field("wkb", arrow::binary(), false, metadata)});
}
bool IsGeometry(const arrow::DataType& type) { return IsGeoKind(type, "geometry"); }
bool IsGeography(const arrow::DataType& type) { return IsGeoKind(type, "geography"); }
int32_t GeoTypeSrid(const arrow::DataType& type) {
  auto value = type.field(1)->metadata()->Get("srid");
  return value.ok() ? std::stoi(*value) : kMixedSrid;
}

bool IsTimestampLtz(const arrow::DataType& type) {
  return type.id() == arrow::Type::TIMESTAMP &&
         !static_cast<const arrow::TimestampType&>(type).timezone().empty();
}

bool IsIntegral(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64: return true;
    default: return false;
  }
}
bool IsFractional(const arrow::DataType& type) {
  return type.id() == arrow::Type::FLOAT || type.id() == arrow::Type::DOUBLE;
}
bool IsNumeric(const arrow::DataType& type) {
  return IsIntegral(type) || IsFractional(type) || type.id() == arrow::Type::DECIMAL128;
}
bool IsStringLike(const arrow::DataType& type) {
  return type.id() == arrow::Type::STRING || type.id() == arrow::Type::LARGE_STRING;
}

namespace {

std::string ToUpper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}
std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* IntervalUnitName(int unit) {
  static const char* kNames[] = {"day", "hour", "minute", "second"};
  return kNames[unit];
}

std::string QuoteIfNeeded(const std::string& name) {
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
  return plain ? name : QuoteIdentifier(name);
}

}  // namespace

std::string SimpleString(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::NA: return "void";
    case arrow::Type::BOOL: return "boolean";
    case arrow::Type::INT8: return "tinyint";
    case arrow::Type::INT16: return "smallint";
    case arrow::Type::INT32: return "int";
    case arrow::Type::INT64: return "bigint";
    case arrow::Type::FLOAT: return "float";
    case arrow::Type::DOUBLE: return "double";
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING: return "string";
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY: return "binary";
    case arrow::Type::DATE32: return "date";
    case arrow::Type::TIMESTAMP: return IsTimestampLtz(type) ? "timestamp" : "timestamp_ntz";
    case arrow::Type::TIME64: return "time(6)";
    case arrow::Type::DURATION: return "interval day to second";
    case arrow::Type::INTERVAL_MONTHS: return "interval year to month";
    case arrow::Type::INTERVAL_MONTH_DAY_NANO: return "interval";  // CalendarIntervalType
    case arrow::Type::DECIMAL128: {
      const auto& dec = static_cast<const arrow::Decimal128Type&>(type);
      return "decimal(" + std::to_string(dec.precision()) + "," + std::to_string(dec.scale()) + ")";
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
      return "array<" + SimpleString(*type.field(0)->type()) + ">";
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      return "map<" + SimpleString(*map.key_type()) + "," + SimpleString(*map.item_type()) + ">";
    }
    case arrow::Type::STRUCT: {
      if (IsVariant(type)) return "variant";
      if (IsGeo(type)) {
        const int32_t srid = GeoTypeSrid(type);
        return std::string(IsGeography(type) ? "geography(" : "geometry(") +
               (srid == kMixedSrid ? "any" : std::to_string(srid)) + ")";
      }
      std::string out = "struct<";
      for (int i = 0; i < type.num_fields(); ++i) {
        if (i) out += ",";
        out += QuoteIfNeeded(type.field(i)->name()) + ":" + SimpleString(*type.field(i)->type());
      }
      return out + ">";
    }
    default: return type.ToString();
  }
}

std::string SqlString(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: return "ARRAY<" + SqlString(*type.field(0)->type()) + ">";
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      return "MAP<" + SqlString(*map.key_type()) + ", " + SqlString(*map.item_type()) + ">";
    }
    case arrow::Type::STRUCT: {
      if (IsGeo(type) || IsVariant(type)) return ToUpper(SimpleString(type));
      std::string out = "STRUCT<";
      for (int i = 0; i < type.num_fields(); ++i) {
        if (i) out += ", ";
        out += QuoteIfNeeded(type.field(i)->name()) + ": " + SqlString(*type.field(i)->type());
        if (!type.field(i)->nullable()) out += " NOT NULL";
      }
      return out + ">";
    }
    case arrow::Type::DURATION: return "INTERVAL DAY TO SECOND";
    case arrow::Type::INTERVAL_MONTHS: return "INTERVAL YEAR TO MONTH";
    default: return ToUpper(SimpleString(type));
  }
}

std::string JsonTypeName(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8: return "byte";
    case arrow::Type::INT16: return "short";
    case arrow::Type::INT32: return "integer";
    case arrow::Type::INT64: return "long";
    case arrow::Type::NA: return "void";
    default: return SimpleString(type);
  }
}

namespace {
nlohmann::ordered_json ToJsonValue(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      nlohmann::ordered_json j;
      j["type"] = "array";
      j["elementType"] = ToJsonValue(*type.field(0)->type());
      j["containsNull"] = type.field(0)->nullable();
      return j;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      nlohmann::ordered_json j;
      j["type"] = "map";
      j["keyType"] = ToJsonValue(*map.key_type());
      j["valueType"] = ToJsonValue(*map.item_type());
      j["valueContainsNull"] = map.item_field()->nullable();
      return j;
    }
    case arrow::Type::STRUCT: {
      if (IsGeo(type) || IsVariant(type)) return JsonTypeName(type);
      nlohmann::ordered_json j;
      j["type"] = "struct";
      j["fields"] = nlohmann::ordered_json::array();
      for (const auto& field : type.fields()) {
        nlohmann::ordered_json f;
        f["name"] = field->name();
        f["type"] = ToJsonValue(*field->type());
        f["nullable"] = field->nullable();
        f["metadata"] = nlohmann::ordered_json::object();
        j["fields"].push_back(std::move(f));
      }
      return j;
    }
    default: return JsonTypeName(type);
  }
}
}  // namespace

std::string ToSparkJson(const arrow::DataType& type) { return ToJsonValue(type).dump(); }

// ---------------------------------------------------------------------------
// DDL parsing
namespace {

struct Token {
  enum Kind { kIdent, kQuoted, kNumber, kSymbol, kString, kEnd } kind;
  std::string text;
  size_t pos;
};

class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) {}

  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      unsigned char c = text_[i];
      if (std::isspace(c)) {
        ++i;
      } else if (std::isalpha(c) || c == '_') {
        size_t start = i;
        while (i < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[i])) || text_[i] == '_')) ++i;
        tokens_.push_back({Token::kIdent, std::string(text_.substr(start, i - start)), start});
      } else if (std::isdigit(c)) {
        size_t start = i;
        while (i < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[i])) || text_[i] == '_')) ++i;
        std::string word(text_.substr(start, i - start));
        bool all_digits = std::all_of(word.begin(), word.end(), [](unsigned char d) { return std::isdigit(d); });
        tokens_.push_back({all_digits ? Token::kNumber : Token::kIdent, word, start});
      } else if (c == '`') {
        size_t start = i++;
        std::string name;
        while (true) {
          if (i >= text_.size()) return SyntaxError(start);
          if (text_[i] == '`') {
            if (i + 1 < text_.size() && text_[i + 1] == '`') {
              name += '`';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          name += text_[i++];
        }
        tokens_.push_back({Token::kQuoted, name, start});
      } else if (c == '\'' || c == '"') {
        size_t start = i++;
        std::string value;
        while (i < text_.size() && text_[i] != static_cast<char>(c)) {
          if (text_[i] == '\\' && i + 1 < text_.size()) ++i;
          value += text_[i++];
        }
        if (i >= text_.size()) return SyntaxError(start);
        ++i;
        tokens_.push_back({Token::kString, value, start});
      } else if (std::string_view("<>(),:").find(static_cast<char>(c)) != std::string_view::npos) {
        tokens_.push_back({Token::kSymbol, std::string(1, static_cast<char>(c)), i});
        ++i;
      } else {
        return SyntaxError(i);
      }
    }
    tokens_.push_back({Token::kEnd, "", text_.size()});
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::DataType>> ParseSingleType() {
    ARROW_ASSIGN_OR_RAISE(auto type, ParseType());
    if (Peek().kind != Token::kEnd) return SyntaxError(Peek());
    return type;
  }

  // "a INT, b STRING NOT NULL COMMENT 'x'"
  Result<std::shared_ptr<arrow::DataType>> ParseTableSchema() {
    arrow::FieldVector fields;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto field, ParseField());
      fields.push_back(field);
      if (IsSymbol(",")) {
        ++pos_;
        continue;
      }
      break;
    }
    if (Peek().kind != Token::kEnd) return SyntaxError(Peek());
    return arrow::struct_(fields);
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool IsSymbol(const char* s) const { return Peek().kind == Token::kSymbol && Peek().text == s; }
  bool IsWord(const char* w) const { return Peek().kind == Token::kIdent && ToLower(Peek().text) == w; }

  // While tokenizing (no tokens yet at `offset`): the character there.
  Status SyntaxError(size_t offset) const {
    if (pos_ < tokens_.size()) return SyntaxError(Peek());
    const std::string near = offset < text_.size() ? "'" + std::string(1, text_[offset]) + "'" : "end of input";
    return ParseError("PARSE_SYNTAX_ERROR", {{"error", near}, {"hint", ""}});
  }
  Status SyntaxError(const Token& token) const {
    std::string near = token.kind == Token::kEnd ? "end of input" : "'" + token.text + "'";
    return ParseError("PARSE_SYNTAX_ERROR", {{"error", near}, {"hint", ""}});
  }

  Status Expect(const char* symbol) {
    if (!IsSymbol(symbol)) return SyntaxError(Peek());
    ++pos_;
    return Status::OK();
  }

  Result<int> ParseInt() {
    if (Peek().kind != Token::kNumber) return SyntaxError(Peek());
    int value = std::stoi(tokens_[pos_++].text);
    return value;
  }

  Result<std::shared_ptr<arrow::Field>> ParseField() {
    const Token& name_token = Peek();
    if (name_token.kind != Token::kIdent && name_token.kind != Token::kQuoted) return SyntaxError(name_token);
    std::string name = name_token.text;
    ++pos_;
    if (IsSymbol(":")) ++pos_;
    ARROW_ASSIGN_OR_RAISE(auto type, ParseType());
    bool nullable = true;
    if (IsWord("not")) {
      ++pos_;
      if (!IsWord("null")) return SyntaxError(Peek());
      ++pos_;
      nullable = false;
    }
    if (IsWord("comment")) {
      ++pos_;
      if (Peek().kind != Token::kString) return SyntaxError(Peek());
      ++pos_;
    }
    return arrow::field(name, type, nullable);
  }

  Result<std::shared_ptr<arrow::DataType>> ParseType() {
    const Token& token = Peek();
    if (token.kind != Token::kIdent) return SyntaxError(token);
    std::string word = ToLower(token.text);
    ++pos_;
    if (word == "boolean" || word == "bool") return arrow::boolean();
    if (word == "tinyint" || word == "byte") return arrow::int8();
    if (word == "smallint" || word == "short") return arrow::int16();
    if (word == "int" || word == "integer") return arrow::int32();
    if (word == "bigint" || word == "long") return arrow::int64();
    if (word == "float" || word == "real") return arrow::float32();
    if (word == "double") return arrow::float64();
    if (word == "string") return arrow::utf8();
    if (word == "binary") return arrow::binary();
    if (word == "date") return arrow::date32();
    if (word == "timestamp" || word == "timestamp_ltz") return TimestampType();
    if (word == "timestamp_ntz") return TimestampNtzType();
    if (word == "void") return arrow::null();
    if (word == "variant") return VariantType();
    if (word == "time") {
      int precision = 6;
      if (IsSymbol("(")) {
        ++pos_;
        ARROW_ASSIGN_OR_RAISE(precision, ParseInt());
        ARROW_RETURN_NOT_OK(Expect(")"));
      }
      if (precision < 0 || precision > 6) {
        // Spark raises it as a plain SparkException.
        return SparkError(SparkExceptionKind::kInternal, "UNSUPPORTED_TIME_PRECISION",
                          {{"precision", std::to_string(precision)}});
      }
      if (IsWord("without")) {  // TIME WITHOUT TIME ZONE
        ++pos_;
        if (!IsWord("time")) return SyntaxError(Peek());
        ++pos_;
        if (!IsWord("zone")) return SyntaxError(Peek());
        ++pos_;
      }
      if (precision != 6) return Unsupported("TIME(" + std::to_string(precision) + ") (precisions other than 6)");
      return TimeType();
    }
    if (word == "char" || word == "varchar" || word == "character") {
      ARROW_RETURN_NOT_OK(Expect("("));
      ARROW_RETURN_NOT_OK(ParseInt().status());
      ARROW_RETURN_NOT_OK(Expect(")"));
      return arrow::utf8();
    }
    if (word == "decimal" || word == "dec" || word == "numeric") {
      int precision = 10, scale = 0;
      if (IsSymbol("(")) {
        ++pos_;
        ARROW_ASSIGN_OR_RAISE(precision, ParseInt());
        if (IsSymbol(",")) {
          ++pos_;
          ARROW_ASSIGN_OR_RAISE(scale, ParseInt());
        }
        ARROW_RETURN_NOT_OK(Expect(")"));
      }
      if (precision < 1 || precision > 38 || scale > precision) {
        return AnalysisError("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
                             {{"precision", std::to_string(precision)}, {"maxPrecision", "38"}});
      }
      return arrow::decimal128(precision, scale);
    }
    if (word == "interval") return ParseIntervalQualifier();
    if (word == "array") {
      ARROW_RETURN_NOT_OK(Expect("<"));
      ARROW_ASSIGN_OR_RAISE(auto element, ParseType());
      ARROW_RETURN_NOT_OK(Expect(">"));
      return arrow::list(arrow::field("element", element, true));
    }
    if (word == "map") {
      ARROW_RETURN_NOT_OK(Expect("<"));
      ARROW_ASSIGN_OR_RAISE(auto key, ParseType());
      ARROW_RETURN_NOT_OK(Expect(","));
      ARROW_ASSIGN_OR_RAISE(auto value, ParseType());
      ARROW_RETURN_NOT_OK(Expect(">"));
      return std::make_shared<arrow::MapType>(key, value);
    }
    if (word == "struct") {
      ARROW_RETURN_NOT_OK(Expect("<"));
      arrow::FieldVector fields;
      if (!IsSymbol(">")) {
        while (true) {
          ARROW_ASSIGN_OR_RAISE(auto field, ParseField());
          fields.push_back(field);
          if (IsSymbol(",")) {
            ++pos_;
            continue;
          }
          break;
        }
      }
      ARROW_RETURN_NOT_OK(Expect(">"));
      return arrow::struct_(fields);
    }
    return ParseError("UNSUPPORTED_DATATYPE", {{"typeName", "\"" + ToUpper(token.text) + "\""}});
  }

  // interval day [to second], interval year [to month], ...
  Result<std::shared_ptr<arrow::DataType>> ParseIntervalQualifier() {
    auto unit_of = [&](const std::string& w) -> int {
      if (w == "year" || w == "month") return 100;
      for (int i = 0; i < 4; ++i) if (w == IntervalUnitName(i)) return i;
      return -1;
    };
    if (Peek().kind != Token::kIdent) return SyntaxError(Peek());
    std::string start = ToLower(Peek().text);
    int start_unit = unit_of(start);
    if (start_unit < 0) return SyntaxError(Peek());
    ++pos_;
    if (IsWord("to")) {
      ++pos_;
      if (Peek().kind != Token::kIdent || unit_of(ToLower(Peek().text)) < 0) return SyntaxError(Peek());
      ++pos_;
    }
    if (start_unit == 100) return arrow::month_interval();
    return arrow::duration(arrow::TimeUnit::MICRO);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

Result<std::shared_ptr<arrow::DataType>> FromJsonValue(const nlohmann::json& j) {
  if (j.is_string()) {
    std::string name = j.get<std::string>();
    if (name == "null") return arrow::null();
    DdlParser parser(name);
    ARROW_RETURN_NOT_OK(parser.Tokenize());
    return parser.ParseSingleType();
  }
  if (!j.is_object() || !j.contains("type")) {
    return ParseError("INVALID_JSON_DATA_TYPE", {{"invalidType", j.dump()}});
  }
  std::string kind = j["type"].get<std::string>();
  if (kind == "array") {
    ARROW_ASSIGN_OR_RAISE(auto element, FromJsonValue(j["elementType"]));
    return arrow::list(arrow::field("element", element, j.value("containsNull", true)));
  }
  if (kind == "map") {
    ARROW_ASSIGN_OR_RAISE(auto key, FromJsonValue(j["keyType"]));
    ARROW_ASSIGN_OR_RAISE(auto value, FromJsonValue(j["valueType"]));
    return std::make_shared<arrow::MapType>(
        arrow::field("key", key, false),
        arrow::field("value", value, j.value("valueContainsNull", true)));
  }
  if (kind == "struct") {
    arrow::FieldVector fields;
    for (const auto& f : j["fields"]) {
      ARROW_ASSIGN_OR_RAISE(auto type, FromJsonValue(f["type"]));
      fields.push_back(arrow::field(f["name"].get<std::string>(), type, f.value("nullable", true)));
    }
    return arrow::struct_(fields);
  }
  if (kind == "udt") {
    return Unsupported("user-defined type " + j.value("pyClass", j.value("class", std::string("?"))));
  }
  return ParseError("INVALID_JSON_DATA_TYPE", {{"invalidType", j.dump()}});
}

}  // namespace

Result<std::shared_ptr<arrow::DataType>> ParseDdlType(std::string_view text) {
  DdlParser parser(text);
  ARROW_RETURN_NOT_OK(parser.Tokenize());
  return parser.ParseSingleType();
}

Result<std::shared_ptr<arrow::DataType>> ParseDdlSchema(std::string_view text) {
  {
    DdlParser parser(text);
    ARROW_RETURN_NOT_OK(parser.Tokenize());
    auto schema = parser.ParseTableSchema();
    if (schema.ok()) return schema;
  }
  return ParseDdlType(text);
}

Result<std::shared_ptr<arrow::DataType>> ParseSparkJson(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return ParseError("INVALID_JSON_DATA_TYPE", {{"invalidType", std::string(text)}});
  }
  return FromJsonValue(j);
}

}  // namespace sk8::types
