#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/type.h>

#include "common/spark_error.h"
#include "functions/text_values.h"

/// CSV as Spark reads and writes it (univocity with Spark's CSVOptions),
/// shared by the CSV data source (io/csv_source.cc, DataFrameWriter.csv) and
/// the CSV functions (csv_functions.cc: from_csv, to_csv, schema_of_csv): one
/// tokenizer, one type inference (CSVInferSchema), one conversion of field
/// texts to typed values (UnivocityParser) and one field writer.
namespace sk8::functions {

struct CsvFormat {
  std::string separator = ",";
  char quote = '"';  // '\0': no quoting
  char escape = '\\';
  char comment = '\0';  // '\0': no comment lines
  bool ignore_leading_space = false;
  bool ignore_trailing_space = false;
  bool multi_line = false;

  /// sep / delimiter, quote, escape, comment, ignore{Leading,Trailing}WhiteSpace,
  /// multiLine.
  static Result<CsvFormat> From(const SourceOptions& options);
};

/// Records cut into fields, flat: record i's fields are
/// fields[starts[i] .. starts[i + 1]).
struct CsvRecords {
  std::vector<std::string_view> fields;
  std::vector<uint8_t> quoted;
  std::vector<uint32_t> starts{0};
  std::vector<std::string_view> raw;  // each record's text, for corrupt-record columns
  std::deque<std::string> storage;    // values that unescaping changed

  size_t size() const { return raw.size(); }
  size_t width(size_t record) const { return starts[record + 1] - starts[record]; }
};

/// Cuts `text` into records as Spark's CSV parser (univocity) does.
void TokenizeCsv(std::string_view text, const CsvFormat& format, CsvRecords* out);

/// How the values of a field read: Spark's nullValue / emptyValue rules, the
/// special doubles and the date / timestamp formats.
struct CsvValueRules {
  std::string null_value;
  std::string empty_value;
  std::string nan_value = "NaN";
  std::string positive_inf = "Inf";
  std::string negative_inf = "-Inf";
  DateTimeParser date;
  DateTimeParser timestamp;
  DateTimeParser timestamp_ntz;

  static CsvValueRules From(const SourceOptions& options, const std::string& session_time_zone);

  /// The value as Spark's parser hands it over: an empty unquoted field is the
  /// null value, an empty quoted one the empty value; nullopt means NULL.
  std::optional<std::string_view> Value(std::string_view field, bool quoted) const {
    std::string_view value = field;
    if (field.empty()) value = quoted ? std::string_view(empty_value) : std::string_view(null_value);
    if (value == null_value) return std::nullopt;
    return value;
  }

  /// Appends `value` converted as Spark's CSV parser converts to `type`; false
  /// (nothing appended) when it does not convert.
  bool Append(std::string_view value, const arrow::DataType& type, arrow::ArrayBuilder* builder) const;
};

/// Spark's CSV type inference (CSVInferSchema): a column's type so far, widened
/// by each value.
class CsvTypeInference {
 public:
  enum class Kind { kNull, kInt, kLong, kDecimal, kDouble, kDate, kTimestamp, kBoolean, kString };

  /// The type after seeing `value` (inferField + compatibleType).
  void Add(std::string_view value, const CsvValueRules& rules);
  /// Merges another column's inference (compatibleType).
  void Merge(const CsvTypeInference& other);
  /// The Spark type: STRING when nothing was seen.
  std::shared_ptr<arrow::DataType> type() const;

 private:
  struct Inferred {
    Kind kind = Kind::kNull;
    int32_t precision = 0, scale = 0;  // kDecimal
  };
  static Inferred InferFrom(Kind start, std::string_view value, const CsvValueRules& rules);
  static std::optional<Inferred> Compatible(Inferred a, Inferred b);
  Inferred inferred_;
};

/// Writes fields as univocity writes them: trimmed, quoted when they hold the
/// separator, a quote or a line break (or always with quoteAll), inner quotes
/// escaped; NULL as nullValue, "" as emptyValue.
struct CsvFieldWriter {
  std::string separator = ",";
  char quote = '"';
  char escape = '\\';
  std::string null_value;
  std::string empty_value = "\"\"";
  bool quote_all = false;
  bool trim_leading = true;
  bool trim_trailing = true;

  static Result<CsvFieldWriter> From(const SourceOptions& options);
  void AppendField(std::string_view value, std::string* out) const;
  /// A value (nullopt for NULL) as the writer puts it in a record.
  void AppendValue(std::optional<std::string_view> value, std::string* out) const;
};

}  // namespace sk8::functions
