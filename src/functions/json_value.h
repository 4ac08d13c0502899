#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/type.h>

#include "common/spark_error.h"
#include "functions/text_values.h"

/// JSON as Spark reads and writes it, shared by the JSON data source
/// (io/json_source.cc, DataFrameWriter.json) and the JSON functions
/// (json_functions.cc: from_json, to_json, get_json_object, ...): one parser
/// (Jackson as Spark configures it), one schema inference (JsonInferSchema),
/// one conversion of parsed values to typed columns (JacksonParser) and one
/// rendering of values as JSON text (JacksonGenerator).
namespace sk8::functions {

class DateTimePattern;
class TimeZone;

/// A parsed JSON value. Strings and number texts point into the parsed text or
/// into the parser's storage (strings with escapes).
struct JsonValue {
  enum class Kind : uint8_t { kNull, kTrue, kFalse, kInt, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string_view text;               // string contents, number text
  std::string_view raw;                // the value's own source text
  std::vector<JsonValue> items;        // array items, object values
  std::vector<std::string_view> keys;  // object keys
};

/// Jackson's parser features that Spark's JSON options switch on or off.
struct JsonSyntax {
  bool allow_comments = false;
  bool allow_single_quotes = true;
  bool allow_unquoted_field_names = false;
  bool allow_numeric_leading_zeros = false;
  bool allow_non_numeric_numbers = true;
  bool allow_unquoted_control_chars = false;
  bool allow_backslash_escaping_any = false;
};

class JsonParser {
 public:
  JsonParser(std::string_view text, const JsonSyntax& syntax, std::deque<std::string>* storage)
      : text_(text), syntax_(syntax), storage_(storage) {}

  /// One whole value and nothing after it but whitespace.
  bool ParseDocument(JsonValue* out);
  /// The first value, ignoring what follows it (as Spark's functions read
  /// only the tokens they need); false also for a text without any value.
  bool ParseFirst(JsonValue* out);
  /// True when the text holds nothing but whitespace (and comments).
  bool Blank();

 private:
  void SkipSpace();
  bool Literal(std::string_view word);
  bool ParseValue(JsonValue* out, int depth);
  bool ParseValueAt(JsonValue* out, int depth);
  bool ParseNumber(JsonValue* out);
  bool Hex4(uint32_t* out);
  bool ParseString(std::string_view* out);
  bool ParseUnquotedName(std::string_view* out);
  template <typename ParseItem>
  bool ParseSequence(char close, ParseItem item);
  bool ParseArray(JsonValue* out, int depth);
  bool ParseObject(JsonValue* out, int depth);

  std::string_view text_;
  size_t pos_ = 0;
  JsonSyntax syntax_;
  std::deque<std::string>* storage_;
};

/// The value of `name` in an object (the last of duplicate keys); null when absent.
const JsonValue* FindJsonField(const JsonValue& object, std::string_view name);

// --- schema inference (Spark's JsonInferSchema) -----------------------------

struct JsonInferOptions {
  bool primitives_as_string = false;
  bool prefers_decimal = false;
};

/// The type of one value (inferField): objects as structs with fields sorted by
/// name, NULL for nulls (canonicalized later).
std::shared_ptr<arrow::DataType> InferJsonType(const JsonValue& value, const JsonInferOptions& options);
/// compatibleType: the tightest common type, decimals widened, structs merged
/// by name, arrays by element; otherwise STRING.
std::shared_ptr<arrow::DataType> CompatibleJsonType(const std::shared_ptr<arrow::DataType>& a,
                                                    const std::shared_ptr<arrow::DataType>& b);
/// canonicalizeType: NULL becomes STRING, or is dropped with `drop_all_null`
/// (as are arrays of it and structs left empty); null when dropped.
std::shared_ptr<arrow::DataType> CanonicalJsonType(const std::shared_ptr<arrow::DataType>& type, bool drop_all_null);

// --- parsed values to typed columns (Spark's JacksonParser) ------------------

/// How a value converted: whole, partly (a struct with fields that did not
/// convert, which are NULL: Spark's partial results), or not at all (NULL).
enum class JsonConversion { kWhole, kPartial, kFailed };

struct JsonValueConverter {
  DateTimeParser date;
  DateTimeParser timestamp;
  DateTimeParser timestamp_ntz;
  /// A non-string value read as STRING keeps its source text (files, where
  /// Spark's parser sees the source), or is re-rendered compact (from_json).
  bool keep_source_text = false;

  /// Appends `value` converted to `type` (NULL when it fails).
  JsonConversion Append(const JsonValue& value, const arrow::DataType& type, arrow::ArrayBuilder* builder) const;
  /// An object's fields into a struct builder's children (not the struct's own
  /// slot), by name; `skip_field` (-1: none) is left for the caller to fill.
  JsonConversion AppendFields(const JsonValue& object, const arrow::DataType& type, arrow::StructBuilder* builder,
                              int skip_field = -1) const;

 private:
  /// True when `value` would convert to NULL (not even partly).
  bool Fails(const JsonValue& value, const arrow::DataType& type) const;
  /// True when one of an array's or map's elements fails (which fails them all).
  bool AnyFails(const std::vector<JsonValue>& items, const arrow::DataType& type) const;
  bool AppendPrimitive(const JsonValue& value, const arrow::DataType& type, arrow::ArrayBuilder* builder) const;
};

/// Spark's JSON reading options (JSONOptions): parser features, inference
/// and the date / timestamp formats of conversion.
struct JsonReadOptions {
  JsonSyntax syntax;
  JsonInferOptions infer;
  bool drop_field_if_all_null = false;
  JsonValueConverter converter;

  static Result<JsonReadOptions> From(const SourceOptions& options, const std::string& session_time_zone);
};

// --- rendering ---------------------------------------------------------------

/// `text` as a JSON string literal, escaped as Jackson escapes it.
void AppendJsonString(std::string_view text, std::string* out);
/// A parsed value re-rendered as Jackson's generator copies it: compact,
/// numbers normalized (2.50 -> 2.5, 1e10 -> 1.0E10).
void AppendJsonValue(const JsonValue& value, std::string* out);
/// Compact JSON text re-indented as Jackson's default pretty printer does.
std::string PrettyJson(std::string_view compact);

/// How typed values render as JSON (Spark's JacksonGenerator): dates and
/// timestamps by pattern (default: ISO forms, timestamps in the session zone),
/// binary as base64, NaN and infinities as strings.
struct JsonWriteOptions {
  std::string session_time_zone = "UTC";
  bool pretty = false;
  bool ignore_null_fields = true;
  std::shared_ptr<const DateTimePattern> date_format;          // null: yyyy-MM-dd
  std::shared_ptr<const DateTimePattern> timestamp_format;     // null: yyyy-MM-dd'T'HH:mm:ss.SSSXXX
  std::shared_ptr<const DateTimePattern> timestamp_ntz_format;  // null: yyyy-MM-dd'T'HH:mm:ss.SSS
};

/// `options` (timestampFormat, dateFormat, timestampNTZFormat, ignoreNullFields
/// with the session's default `ignore_null_fields`, pretty) compiled; Spark's
/// pattern errors.
Result<JsonWriteOptions> ReadJsonWriteOptions(const SourceOptions& options, const std::string& session_time_zone,
                                              bool ignore_null_fields);

/// Every value of a column as JSON text; NULL values give an empty text.
Status JsonTexts(const arrow::Array& column, const JsonWriteOptions& options, std::vector<std::string>* out);

/// A date / timestamp column's values as text by `pattern` (null: Spark's
/// default forms of the JSON and CSV writers); NULL stays NULL. Other columns
/// as CAST(x AS STRING).
Result<std::shared_ptr<arrow::Array>> DateTimeTexts(const arrow::Array& column, const JsonWriteOptions& options);

}  // namespace sk8::functions
