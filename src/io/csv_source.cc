#include "io/csv_source.h"

#include <deque>

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "io/file_listing.h"
#include "io/line_reader.h"
#include "io/malformed_records.h"
#include "io/text_values.h"
#include "types/spark_types.h"

namespace sk8::io {
namespace {

struct CsvFormat {
  std::string separator = ",";
  char quote = '"';  // '\0': no quoting
  char escape = '\\';
  char comment = '\0';  // '\0': no comment lines
  bool ignore_leading_space = false;
  bool ignore_trailing_space = false;
  bool multi_line = false;
};

// Records cut into fields, flat: record i's fields are
// fields[starts[i] .. starts[i + 1]).
struct CsvRecords {
  std::vector<std::string_view> fields;
  std::vector<uint8_t> quoted;
  std::vector<uint32_t> starts{0};
  std::vector<std::string_view> raw;  // each record's text, for corrupt-record columns
  std::deque<std::string> storage;   // values that unescaping changed

  size_t size() const { return raw.size(); }
  size_t width(size_t record) const { return starts[record + 1] - starts[record]; }
};

bool IsSpace(char c) { return static_cast<unsigned char>(c) <= ' ' && c != '\n' && c != '\r'; }

// Cuts `text` into records as Spark's CSV parser (univocity) does: a field that
// begins with the quote runs to the closing quote (escape + quote inside stands
// for a quote, as does a doubled quote when the escape is the quote; with
// multiLine, line breaks inside are kept); a quote followed by anything but
// the separator or the line end makes the whole field plain text up to the
// separator; other fields run to the separator. Empty lines and comment lines
// are skipped.
void Tokenize(std::string_view text, const CsvFormat& f, CsvRecords* out) {
  const size_t n = text.size();
  size_t pos = 0;
  auto at_line_end = [&](size_t p) { return p >= n || text[p] == '\n' || text[p] == '\r'; };
  auto skip_line_end = [&](size_t p) {
    if (p < n && text[p] == '\r') ++p;
    if (p < n && text[p] == '\n') ++p;
    return p;
  };
  auto at_separator = [&](size_t p) { return text.compare(p, f.separator.size(), f.separator) == 0; };
  while (pos < n) {
    const size_t record_start = pos;
    if (at_line_end(pos) || (f.comment != '\0' && text[pos] == f.comment)) {
      // An empty line, or a comment line: skipped.
      while (!at_line_end(pos)) ++pos;
      pos = skip_line_end(pos);
      continue;
    }
    while (true) {
      size_t p = pos;
      if (f.ignore_leading_space) {
        while (p < n && IsSpace(text[p])) ++p;
      }
      if (f.quote != '\0' && p < n && text[p] == f.quote) {
        const size_t field_start = p;
        bool unquoted = false;
        std::string value;
        ++p;
        while (p < n) {
          const char c = text[p];
          if (c == f.escape && f.escape != f.quote && p + 1 < n && text[p + 1] == f.quote) {
            value += f.quote;
            p += 2;
          } else if (c == f.quote) {
            if (f.escape == f.quote && p + 1 < n && text[p + 1] == f.quote) {
              value += f.quote;
              p += 2;
              continue;
            }
            size_t after = p + 1;
            while (after < n && IsSpace(text[after]) && !at_separator(after)) ++after;
            if (after >= n || at_line_end(after) || at_separator(after)) {
              p = after;
              break;
            }
            // A quote inside the value that is not its end: the field reads
            // as unquoted text up to the separator (univocity's STOP_AT_DELIMITER).
            unquoted = true;
            break;
          } else if (!f.multi_line && (c == '\n' || c == '\r')) {
            break;
          } else {
            value += c;
            ++p;
          }
        }
        if (unquoted) {
          size_t end = field_start;
          while (end < n && !at_line_end(end) && !at_separator(end)) ++end;
          std::string_view raw = text.substr(field_start, end - field_start);
          if (f.ignore_trailing_space) {
            while (!raw.empty() && IsSpace(raw.back())) raw.remove_suffix(1);
          }
          out->fields.push_back(raw);
          out->quoted.push_back(0);
          p = end;
        } else {
          out->storage.push_back(std::move(value));
          out->fields.push_back(out->storage.back());
          out->quoted.push_back(1);
        }
      } else {
        size_t end = p;
        while (end < n && !at_line_end(end) && !at_separator(end)) ++end;
        std::string_view value = text.substr(p, end - p);
        if (f.ignore_trailing_space) {
          while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
        }
        out->fields.push_back(value);
        out->quoted.push_back(0);
        p = end;
      }
      if (p < n && !at_line_end(p) && at_separator(p)) {
        pos = p + f.separator.size();
        continue;
      }
      pos = p;
      break;
    }
    size_t record_end = pos;
    pos = skip_line_end(pos);
    out->raw.push_back(text.substr(record_start, record_end - record_start));
    out->starts.push_back(static_cast<uint32_t>(out->fields.size()));
  }
}

// How the values of a field read: Spark's nullValue / emptyValue rules.
struct CsvValueRules {
  std::string null_value;
  std::string empty_value;
  std::string nan_value = "NaN";
  std::string positive_inf = "Inf";
  std::string negative_inf = "-Inf";
  DateTimeParser date;
  DateTimeParser timestamp;
  DateTimeParser timestamp_ntz;

  // The value as Spark's parser hands it over: an empty unquoted field is the
  // null value, an empty quoted one the empty value; nullopt means NULL.
  std::optional<std::string_view> Value(std::string_view field, bool quoted) const {
    std::string_view value = field;
    if (field.empty()) value = quoted ? std::string_view(empty_value) : std::string_view(null_value);
    if (value == null_value) return std::nullopt;
    return value;
  }
};

// Spark's CSV type inference for one value, given the type so far
// (CSVInferSchema.inferField): integer, long, decimal (integers too large for
// a long), double, date, timestamp, boolean, else string.
enum class Inferred { kNull, kInt, kLong, kDecimal, kDouble, kDate, kTimestamp, kBoolean, kString };

struct InferredType {
  Inferred kind = Inferred::kNull;
  int32_t precision = 0, scale = 0;  // kDecimal
};

InferredType InferFrom(Inferred start, std::string_view v, const CsvValueRules& rules) {
  int32_t i32;
  int64_t i64;
  double d;
  bool b;
  switch (start) {
    case Inferred::kNull:
    case Inferred::kInt:
      if (ParseJavaInt(v, &i32)) return {Inferred::kInt};
      [[fallthrough]];
    case Inferred::kLong:
      if (ParseJavaLong(v, &i64)) return {Inferred::kLong};
      [[fallthrough]];
    case Inferred::kDecimal: {
      arrow::Decimal128 unscaled;
      int32_t precision, scale;
      if (ParseBigDecimal(v, &unscaled, &precision, &scale) && scale == 0 && precision <= 38) {
        return {Inferred::kDecimal, precision, 0};
      }
    }
      [[fallthrough]];
    case Inferred::kDouble:
      if (ParseJavaDouble(v, &d) || v == rules.nan_value || v == rules.positive_inf || v == rules.negative_inf) {
        return {Inferred::kDouble};
      }
      [[fallthrough]];
    case Inferred::kDate: {
      int32_t days;
      if (rules.date.ParseDate(v, &days, /*lenient=*/false)) return {Inferred::kDate};
    }
      [[fallthrough]];
    case Inferred::kTimestamp:
      if (rules.timestamp.ParseTimestamp(v, true, &i64)) return {Inferred::kTimestamp};
      [[fallthrough]];
    case Inferred::kBoolean:
      if (ParseJavaBoolean(v, &b)) return {Inferred::kBoolean};
      [[fallthrough]];
    case Inferred::kString: return {Inferred::kString};
  }
  return {Inferred::kString};
}

// compatibleType of CSVInferSchema; nullopt where Spark has none.
std::optional<InferredType> Compatible(InferredType a, InferredType b) {
  if (a.kind == b.kind && a.kind != Inferred::kDecimal) return a;
  if (a.kind == Inferred::kNull) return b;
  if (b.kind == Inferred::kNull) return a;
  auto as_decimal = [](InferredType t) -> std::optional<InferredType> {
    if (t.kind == Inferred::kInt) return InferredType{Inferred::kDecimal, 10, 0};
    if (t.kind == Inferred::kLong) return InferredType{Inferred::kDecimal, 20, 0};
    if (t.kind == Inferred::kDecimal) return t;
    return std::nullopt;
  };
  auto rank = [](Inferred k) { return k == Inferred::kInt ? 0 : k == Inferred::kLong ? 1 : k == Inferred::kDouble ? 2 : -1; };
  if (rank(a.kind) >= 0 && rank(b.kind) >= 0) return rank(a.kind) > rank(b.kind) ? a : b;
  if ((a.kind == Inferred::kDecimal || b.kind == Inferred::kDecimal)) {
    if (a.kind == Inferred::kDouble || b.kind == Inferred::kDouble) return InferredType{Inferred::kDouble};
    auto x = as_decimal(a), y = as_decimal(b);
    if (!x || !y) return std::nullopt;
    const int32_t scale = std::max(x->scale, y->scale);
    const int32_t range = std::max(x->precision - x->scale, y->precision - y->scale);
    if (range + scale > 38) return InferredType{Inferred::kDouble};
    return InferredType{Inferred::kDecimal, range + scale, scale};
  }
  if ((a.kind == Inferred::kDate && b.kind == Inferred::kTimestamp) ||
      (a.kind == Inferred::kTimestamp && b.kind == Inferred::kDate)) {
    return InferredType{Inferred::kTimestamp};
  }
  return std::nullopt;
}

std::shared_ptr<arrow::DataType> ArrowTypeOf(InferredType t) {
  switch (t.kind) {
    case Inferred::kInt: return arrow::int32();
    case Inferred::kLong: return arrow::int64();
    case Inferred::kDecimal: return arrow::decimal128(t.precision, t.scale);
    case Inferred::kDouble: return arrow::float64();
    case Inferred::kDate: return arrow::date32();
    case Inferred::kTimestamp: return types::TimestampType();
    case Inferred::kBoolean: return arrow::boolean();
    default: return arrow::utf8();
  }
}

// Header names made safe as Spark does: empty -> _c<i>; duplicates (ignoring
// case) get their position appended.
std::vector<std::string> SafeHeader(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    if (name.empty()) {
      out.push_back("_c" + std::to_string(i));
      continue;
    }
    size_t same = 0;
    for (const auto& other : names) same += SameColumnName(other, name) ? 1 : 0;
    out.push_back(same > 1 ? name + std::to_string(i) : name);
  }
  return out;
}

class CsvSource final : public DataSource {
 public:
  CsvSource(CsvFormat format, CsvValueRules rules, bool header, bool infer_schema, ParseMode mode,
            std::string corrupt_column, std::string encoding, std::shared_ptr<arrow::Schema> user_schema)
      : format_(std::move(format)),
        rules_(std::move(rules)),
        header_(header),
        infer_schema_(infer_schema),
        mode_(mode),
        corrupt_column_(std::move(corrupt_column)),
        encoding_(std::move(encoding)),
        user_schema_(std::move(user_schema)) {}

  std::string format() const override { return "csv"; }

  Result<std::shared_ptr<arrow::Schema>> InferSchema(const std::vector<std::string>& files) const override {
    if (user_schema_) return user_schema_;
    // The first record of the first file with one gives the width (and names).
    std::vector<std::string> names;
    std::vector<InferredType> types;
    bool have_first = false;
    for (const auto& path : files) {
      FileSplit whole;
      whole.path = path;
      ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(whole, encoding_, arrow::default_memory_pool()));
      CsvRecords records;
      Tokenize(text.text, format_, &records);
      size_t first_data = 0;
      if (!have_first && records.size() > 0) {
        have_first = true;
        for (size_t i = 0; i < records.width(0); ++i) {
          names.push_back(header_ ? std::string(records.fields[records.starts[0] + i]) : "_c" + std::to_string(i));
        }
        types.assign(names.size(), InferredType{});
      }
      if (header_ && records.size() > 0) first_data = 1;
      if (!infer_schema_) continue;
      std::vector<InferredType> file_types(names.size());
      for (size_t r = first_data; r < records.size(); ++r) {
        for (size_t c = 0; c < names.size() && c < records.width(r); ++c) {
          const size_t k = records.starts[r] + c;
          auto value = rules_.Value(records.fields[k], records.quoted[k]);
          if (!value || value->empty()) continue;
          auto next = InferFrom(file_types[c].kind, *value, rules_);
          file_types[c] = Compatible(file_types[c], next).value_or(InferredType{Inferred::kString});
        }
      }
      for (size_t c = 0; c < names.size(); ++c) {
        types[c] = Compatible(types[c], file_types[c]).value_or(InferredType{Inferred::kString});
      }
    }
    if (!have_first) return arrow::schema(arrow::FieldVector{});  // Spark: an empty schema for empty input
    if (header_) names = SafeHeader(names);
    arrow::FieldVector fields;
    for (size_t c = 0; c < names.size(); ++c) {
      fields.push_back(arrow::field(names[c], infer_schema_ ? ArrowTypeOf(types[c]) : arrow::utf8(), true));
    }
    return arrow::schema(fields);
  }

  Result<std::vector<FileSplit>> PlanSplits(const std::vector<std::string>& files) const override {
    return PlanByteRangeSplits(files, format_.multi_line);
  }

  Result<std::shared_ptr<arrow::RecordBatch>> ReadSplit(const FileSplit& split, const arrow::Schema& data_schema,
                                                        const std::vector<int>& columns,
                                                        arrow::MemoryPool* pool) const override {
    ARROW_ASSIGN_OR_RAISE(auto text, ReadSplitText(split, encoding_, pool));
    CsvRecords records;
    Tokenize(text.text, format_, &records);
    const size_t first = header_ && text.starts_file && records.size() > 0 ? 1 : 0;
    const auto layout = CorruptRecordLayout::Of(data_schema, corrupt_column_);
    const int64_t rows = static_cast<int64_t>(records.size() - first);
    MalformedRows malformed(rows);
    for (int64_t r = 0; r < rows; ++r) {
      if (records.width(first + r) != static_cast<size_t>(layout.data_width)) malformed.Mark(r);
    }
    std::vector<std::shared_ptr<arrow::Array>> arrays(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = columns[i];
      if (c == layout.corrupt_index) continue;
      ARROW_ASSIGN_OR_RAISE(arrays[i], Convert(records, first, layout.data_position[c], data_schema.field(c)->type(),
                                               &malformed, pool));
    }
    std::vector<std::string_view> raw(records.raw.begin() + static_cast<std::ptrdiff_t>(first), records.raw.end());
    return malformed.Finish(mode_, split.path, data_schema, columns, layout, raw, std::move(arrays), pool);
  }

 private:
  // One column's values at `position` of each record, converted to `type`;
  // values that do not convert are NULL and mark their row malformed.
  Result<std::shared_ptr<arrow::Array>> Convert(const CsvRecords& records, size_t first, int position,
                                                const std::shared_ptr<arrow::DataType>& type, MalformedRows* malformed,
                                                arrow::MemoryPool* pool) const {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(pool, type, &builder));
    const int64_t rows = static_cast<int64_t>(records.size() - first);
    ARROW_RETURN_NOT_OK(builder->Reserve(rows));
    for (int64_t r = 0; r < rows; ++r) {
      const size_t record = first + static_cast<size_t>(r);
      std::optional<std::string_view> value;
      if (position >= 0 && static_cast<size_t>(position) < records.width(record)) {
        const size_t k = records.starts[record] + static_cast<size_t>(position);
        value = rules_.Value(records.fields[k], records.quoted[k]);
      }
      if (!value) {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
        continue;
      }
      if (!AppendValue(*value, *type, builder.get())) {
        malformed->Mark(r);
        ARROW_RETURN_NOT_OK(builder->AppendNull());
      }
    }
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder->Finish(&out));
    return out;
  }

  // Appends `v` converted as Spark's CSV parser converts to `type`; false when it does not.
  bool AppendValue(std::string_view v, const arrow::DataType& type, arrow::ArrayBuilder* builder) const {
    switch (type.id()) {
      case arrow::Type::STRING: return static_cast<arrow::StringBuilder*>(builder)->Append(v).ok();
      case arrow::Type::INT8:
      case arrow::Type::INT16:
      case arrow::Type::INT32: {
        int32_t x;
        if (!ParseJavaInt(v, &x)) return false;
        if (type.id() == arrow::Type::INT8) {
          return x >= -128 && x <= 127 && static_cast<arrow::Int8Builder*>(builder)->Append(static_cast<int8_t>(x)).ok();
        }
        if (type.id() == arrow::Type::INT16) {
          return x >= -32768 && x <= 32767 &&
                 static_cast<arrow::Int16Builder*>(builder)->Append(static_cast<int16_t>(x)).ok();
        }
        return static_cast<arrow::Int32Builder*>(builder)->Append(x).ok();
      }
      case arrow::Type::INT64: {
        int64_t x;
        return ParseJavaLong(v, &x) && static_cast<arrow::Int64Builder*>(builder)->Append(x).ok();
      }
      case arrow::Type::FLOAT:
      case arrow::Type::DOUBLE: {
        double x;
        if (v == rules_.nan_value) {
          x = std::numeric_limits<double>::quiet_NaN();
        } else if (v == rules_.positive_inf) {
          x = std::numeric_limits<double>::infinity();
        } else if (v == rules_.negative_inf) {
          x = -std::numeric_limits<double>::infinity();
        } else if (!ParseJavaDouble(v, &x)) {
          return false;
        }
        if (type.id() == arrow::Type::FLOAT) {
          return static_cast<arrow::FloatBuilder*>(builder)->Append(static_cast<float>(x)).ok();
        }
        return static_cast<arrow::DoubleBuilder*>(builder)->Append(x).ok();
      }
      case arrow::Type::DECIMAL128: {
        const auto& dec = static_cast<const arrow::Decimal128Type&>(type);
        std::string digits;
        for (char ch : v) {
          if (ch != ',') digits += ch;  // Spark's decimal parser drops grouping commas
        }
        arrow::Decimal128 x;
        return ParseDecimalAs(digits, dec.precision(), dec.scale(), &x) &&
               static_cast<arrow::Decimal128Builder*>(builder)->Append(x).ok();
      }
      case arrow::Type::BOOL: {
        bool x;
        return ParseJavaBoolean(v, &x) && static_cast<arrow::BooleanBuilder*>(builder)->Append(x).ok();
      }
      case arrow::Type::DATE32: {
        int32_t days;
        return rules_.date.ParseDate(v, &days) && static_cast<arrow::Date32Builder*>(builder)->Append(days).ok();
      }
      case arrow::Type::TIMESTAMP: {
        const bool ltz = types::IsTimestampLtz(type);
        int64_t micros;
        const auto& parser = ltz ? rules_.timestamp : rules_.timestamp_ntz;
        return parser.ParseTimestamp(v, ltz, &micros) &&
               static_cast<arrow::TimestampBuilder*>(builder)->Append(micros).ok();
      }
      default: return false;
    }
  }

  CsvFormat format_;
  CsvValueRules rules_;
  bool header_;
  bool infer_schema_;
  ParseMode mode_;
  std::string corrupt_column_;
  std::string encoding_;
  std::shared_ptr<arrow::Schema> user_schema_;
};

// A one-character option ("" means none, as '\u0000' in Spark).
Result<char> CharOption(const SourceOptions& options, std::string_view name, char fallback) {
  auto value = options.Get(name);
  if (!value) return fallback;
  if (value->empty()) return '\0';
  if (value->size() == 1) return (*value)[0];
  if (*value == "\\t") return '\t';
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.CHARSET",
                    {{"parameter", std::string(name)}, {"functionName", "`csv`"}, {"charset", *value}});
}

}  // namespace

Result<DataSourcePtr> MakeCsvSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                    const SourceContext& context) {
  CsvFormat format;
  auto separator = options.Get("sep");
  if (!separator) separator = options.Get("delimiter");
  if (separator) {
    if (separator->empty()) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_3237", {});
    }
    format.separator = *separator == "\\t" ? "\t" : *separator;
  }
  ARROW_ASSIGN_OR_RAISE(format.quote, CharOption(options, "quote", '"'));
  ARROW_ASSIGN_OR_RAISE(format.escape, CharOption(options, "escape", '\\'));
  ARROW_ASSIGN_OR_RAISE(format.comment, CharOption(options, "comment", '\0'));
  ARROW_ASSIGN_OR_RAISE(format.ignore_leading_space, options.GetBool("ignoreLeadingWhiteSpace", false));
  ARROW_ASSIGN_OR_RAISE(format.ignore_trailing_space, options.GetBool("ignoreTrailingWhiteSpace", false));
  ARROW_ASSIGN_OR_RAISE(format.multi_line, options.GetBool("multiLine", false));
  CsvValueRules rules;
  rules.null_value = options.GetOr("nullValue", "");
  rules.empty_value = options.GetOr("emptyValue", "");
  rules.nan_value = options.GetOr("nanValue", "NaN");
  rules.positive_inf = options.GetOr("positiveInf", "Inf");
  rules.negative_inf = options.GetOr("negativeInf", "-Inf");
  rules.date.format = options.GetOr("dateFormat", "");
  rules.timestamp.format = options.GetOr("timestampFormat", "");
  rules.timestamp.session_time_zone = options.GetOr("timeZone", context.session_time_zone);
  rules.timestamp_ntz.format = options.GetOr("timestampNTZFormat", "");
  if (rules.date.format == "yyyy-MM-dd") rules.date.format.clear();
  ARROW_ASSIGN_OR_RAISE(const bool header, options.GetBool("header", false));
  ARROW_ASSIGN_OR_RAISE(const bool infer_schema, options.GetBool("inferSchema", false));
  ARROW_ASSIGN_OR_RAISE(const auto mode, ParseModeOption(options));
  auto encoding = options.Get("encoding");
  if (!encoding) encoding = options.Get("charset");
  ARROW_RETURN_NOT_OK(CheckEncoding(encoding.value_or("UTF-8")));
  return std::make_shared<CsvSource>(std::move(format), std::move(rules), header, infer_schema, mode,
                                     options.GetOr("columnNameOfCorruptRecord", "_corrupt_record"),
                                     encoding.value_or("UTF-8"), std::move(user_schema));
}

}  // namespace sk8::io
