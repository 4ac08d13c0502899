#include "functions/csv_value.h"

#include <limits>

#include "types/spark_types.h"

namespace sk8::functions {
namespace {

bool IsSpace(char c) { return static_cast<unsigned char>(c) <= ' ' && c != '\n' && c != '\r'; }

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

Result<CsvFormat> CsvFormat::From(const SourceOptions& options) {
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
  return format;
}


// Cuts `text` into records as Spark's CSV parser (univocity) does: a field that
// begins with the quote runs to the closing quote (escape + quote inside stands
// for a quote, as does a doubled quote when the escape is the quote; with
// multiLine, line breaks inside are kept); a quote followed by anything but
// the separator or the line end makes the whole field plain text up to the
// separator; other fields run to the separator. Empty lines and comment lines
// are skipped.
void TokenizeCsv(std::string_view text, const CsvFormat& f, CsvRecords* out) {
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

CsvValueRules CsvValueRules::From(const SourceOptions& options, const std::string& session_time_zone) {
  CsvValueRules rules;
  rules.null_value = options.GetOr("nullValue", "");
  rules.empty_value = options.GetOr("emptyValue", "");
  rules.nan_value = options.GetOr("nanValue", "NaN");
  rules.positive_inf = options.GetOr("positiveInf", "Inf");
  rules.negative_inf = options.GetOr("negativeInf", "-Inf");
  rules.date.format = options.GetOr("dateFormat", "");
  rules.timestamp.format = options.GetOr("timestampFormat", "");
  rules.timestamp.session_time_zone = options.GetOr("timeZone", session_time_zone);
  rules.timestamp_ntz.format = options.GetOr("timestampNTZFormat", "");
  if (rules.date.format == "yyyy-MM-dd") rules.date.format.clear();
  return rules;
}

bool CsvValueRules::Append(std::string_view v, const arrow::DataType& type, arrow::ArrayBuilder* builder) const {
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
      if (v == nan_value) {
        x = std::numeric_limits<double>::quiet_NaN();
      } else if (v == positive_inf) {
        x = std::numeric_limits<double>::infinity();
      } else if (v == negative_inf) {
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
      return date.ParseDate(v, &days) && static_cast<arrow::Date32Builder*>(builder)->Append(days).ok();
    }
    case arrow::Type::TIMESTAMP: {
      const bool ltz = types::IsTimestampLtz(type);
      int64_t micros;
      const auto& parser = ltz ? timestamp : timestamp_ntz;
      return parser.ParseTimestamp(v, ltz, &micros) &&
             static_cast<arrow::TimestampBuilder*>(builder)->Append(micros).ok();
    }
    default: return false;
  }
}

// Spark's CSV type inference for one value, given the type so far
// (CSVInferSchema.inferField): integer, long, decimal (integers too large for
// a long), double, date, timestamp, boolean, else string.
CsvTypeInference::Inferred CsvTypeInference::InferFrom(Kind start, std::string_view v, const CsvValueRules& rules) {
  int32_t i32;
  int64_t i64;
  double d;
  bool b;
  switch (start) {
    case Kind::kNull:
    case Kind::kInt:
      if (ParseJavaInt(v, &i32)) return {Kind::kInt};
      [[fallthrough]];
    case Kind::kLong:
      if (ParseJavaLong(v, &i64)) return {Kind::kLong};
      [[fallthrough]];
    case Kind::kDecimal: {
      arrow::Decimal128 unscaled;
      int32_t precision, scale;
      if (ParseBigDecimal(v, &unscaled, &precision, &scale) && scale == 0 && precision <= 38) {
        return {Kind::kDecimal, precision, 0};
      }
    }
      [[fallthrough]];
    case Kind::kDouble:
      if (ParseJavaDouble(v, &d) || v == rules.nan_value || v == rules.positive_inf || v == rules.negative_inf) {
        return {Kind::kDouble};
      }
      [[fallthrough]];
    case Kind::kDate: {
      int32_t days;
      if (rules.date.ParseDate(v, &days, /*lenient=*/false)) return {Kind::kDate};
    }
      [[fallthrough]];
    case Kind::kTimestamp:
      if (rules.timestamp.ParseTimestamp(v, true, &i64)) return {Kind::kTimestamp};
      [[fallthrough]];
    case Kind::kBoolean:
      if (ParseJavaBoolean(v, &b)) return {Kind::kBoolean};
      [[fallthrough]];
    case Kind::kString: return {Kind::kString};
  }
  return {Kind::kString};
}

// compatibleType of CSVInferSchema; nullopt where Spark has none.
std::optional<CsvTypeInference::Inferred> CsvTypeInference::Compatible(Inferred a, Inferred b) {
  if (a.kind == b.kind && a.kind != Kind::kDecimal) return a;
  if (a.kind == Kind::kNull) return b;
  if (b.kind == Kind::kNull) return a;
  auto as_decimal = [](Inferred t) -> std::optional<Inferred> {
    if (t.kind == Kind::kInt) return Inferred{Kind::kDecimal, 10, 0};
    if (t.kind == Kind::kLong) return Inferred{Kind::kDecimal, 20, 0};
    if (t.kind == Kind::kDecimal) return t;
    return std::nullopt;
  };
  auto rank = [](Kind k) { return k == Kind::kInt ? 0 : k == Kind::kLong ? 1 : k == Kind::kDouble ? 2 : -1; };
  if (rank(a.kind) >= 0 && rank(b.kind) >= 0) return rank(a.kind) > rank(b.kind) ? a : b;
  if ((a.kind == Kind::kDecimal || b.kind == Kind::kDecimal)) {
    if (a.kind == Kind::kDouble || b.kind == Kind::kDouble) return Inferred{Kind::kDouble};
    auto x = as_decimal(a), y = as_decimal(b);
    if (!x || !y) return std::nullopt;
    const int32_t scale = std::max(x->scale, y->scale);
    const int32_t range = std::max(x->precision - x->scale, y->precision - y->scale);
    if (range + scale > 38) return Inferred{Kind::kDouble};
    return Inferred{Kind::kDecimal, range + scale, scale};
  }
  if ((a.kind == Kind::kDate && b.kind == Kind::kTimestamp) ||
      (a.kind == Kind::kTimestamp && b.kind == Kind::kDate)) {
    return Inferred{Kind::kTimestamp};
  }
  return std::nullopt;
}

void CsvTypeInference::Add(std::string_view value, const CsvValueRules& rules) {
  auto next = InferFrom(inferred_.kind, value, rules);
  inferred_ = Compatible(inferred_, next).value_or(Inferred{Kind::kString});
}

void CsvTypeInference::Merge(const CsvTypeInference& other) {
  inferred_ = Compatible(inferred_, other.inferred_).value_or(Inferred{Kind::kString});
}

std::shared_ptr<arrow::DataType> CsvTypeInference::type() const {
  const auto& t = inferred_;
  switch (t.kind) {
    case Kind::kInt: return arrow::int32();
    case Kind::kLong: return arrow::int64();
    case Kind::kDecimal: return arrow::decimal128(t.precision, t.scale);
    case Kind::kDouble: return arrow::float64();
    case Kind::kDate: return arrow::date32();
    case Kind::kTimestamp: return types::TimestampType();
    case Kind::kBoolean: return arrow::boolean();
    default: return arrow::utf8();
  }
}


Result<CsvFieldWriter> CsvFieldWriter::From(const SourceOptions& options) {
  CsvFieldWriter writer;
  auto separator = options.Get("sep");
  if (!separator) separator = options.Get("delimiter");
  writer.separator = separator ? (*separator == "\\t" ? "\t" : *separator) : ",";
  auto quote = options.GetOr("quote", "\"");
  writer.quote = quote.empty() ? '\0' : quote[0];
  auto escape = options.GetOr("escape", "\\");
  writer.escape = escape.empty() ? '\0' : escape[0];
  writer.null_value = options.GetOr("nullValue", "");
  writer.empty_value = options.GetOr("emptyValue", writer.quote ? std::string(2, writer.quote) : "");
  ARROW_ASSIGN_OR_RAISE(writer.quote_all, options.GetBool("quoteAll", false));
  ARROW_ASSIGN_OR_RAISE(writer.trim_leading, options.GetBool("ignoreLeadingWhiteSpace", true));
  ARROW_ASSIGN_OR_RAISE(writer.trim_trailing, options.GetBool("ignoreTrailingWhiteSpace", true));
  return writer;
}

void CsvFieldWriter::AppendField(std::string_view value, std::string* out) const {
  auto space = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
  if (trim_leading) {
    while (!value.empty() && space(value.front())) value.remove_prefix(1);
  }
  if (trim_trailing) {
    while (!value.empty() && space(value.back())) value.remove_suffix(1);
  }
  const bool needs_quotes =
      quote != '\0' && (quote_all || value.find(separator) != std::string_view::npos ||
                         value.find(quote) != std::string_view::npos ||
                         value.find_first_of("\r\n") != std::string_view::npos);
  if (!needs_quotes) {
    out->append(value);
    return;
  }
  *out += quote;
  for (char c : value) {
    if (c == quote) *out += escape ? escape : quote;
    *out += c;
  }
  *out += quote;
}

void CsvFieldWriter::AppendValue(std::optional<std::string_view> value, std::string* out) const {
  if (!value) {
    if (quote_all) {
      AppendField(null_value, out);
    } else {
      *out += null_value;
    }
  } else if (value->empty()) {
    *out += empty_value;
  } else {
    AppendField(*value, out);
  }
}

}  // namespace sk8::functions
