// Time windows for batch queries: window(time, windowDuration[, slideDuration[,
// startTime]]) as the struct<start, end> of the tumbling window holding each
// row's time (Spark's TimeWindowing: the last start at or before the time,
// counted from startTime in steps of the slide), and window_time(window), the
// window's end minus one microsecond.
//
// session_window(time, gap): a row's own session [time, time + gap); grouping by
// it merges each group's overlapping sessions (analyzer/session_window.cc).
//
// Not yet: sliding windows (slideDuration shorter than the window, one row per
// window a time falls in), refused by name.

#include <cctype>
#include <optional>
#include <string_view>

#include <arrow/builder.h>

#include "functions/collection_util.h"
#include "functions/datetime_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/time_window.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

/// Microseconds of an interval string as Spark's window durations take it
/// ("5 seconds", "1 hour 30 minutes", "interval 2 days"); months and years are
/// refused as Spark refuses them.
Result<int64_t> ParseDuration(const std::string& text) {
  auto invalid = [&] {
    return AnalysisError("CANNOT_PARSE_INTERVAL", {{"intervalString", "'" + text + "'"}});
  };
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (!word.empty()) words.push_back(word);
  size_t i = 0;
  if (!words.empty() && words[0] == "interval") i = 1;
  if (i >= words.size()) return invalid();
  __int128 total = 0;
  for (; i < words.size(); i += 2) {
    if (i + 1 >= words.size()) return invalid();
    char* end = nullptr;
    const double value = std::strtod(words[i].c_str(), &end);
    if (end == words[i].c_str() || *end != '\0') return invalid();
    std::string unit = words[i + 1];
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    int64_t scale = 0;
    if (unit == "week") scale = 7LL * 86400 * 1000000;
    else if (unit == "day") scale = 86400LL * 1000000;
    else if (unit == "hour") scale = 3600LL * 1000000;
    else if (unit == "minute") scale = 60LL * 1000000;
    else if (unit == "second") scale = 1000000;
    else if (unit == "millisecond") scale = 1000;
    else if (unit == "microsecond") scale = 1;
    else if (unit == "month" || unit == "year") {
      return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_3231", {{"interval", text}});
    } else {
      return invalid();
    }
    total += static_cast<__int128>(value * static_cast<double>(scale));
  }
  return static_cast<int64_t>(total);
}

/// A duration argument: an interval string literal, or a number of microseconds.
Result<int64_t> DurationArgument(const plan::BoundExpr& arg, const std::string& what) {
  if (arg.kind == plan::BoundKind::kLiteral && arg.literal->is_valid && types::IsIntegral(*arg.type)) {
    ARROW_ASSIGN_OR_RAISE(auto value, arg.literal->CastTo(arrow::int64()));
    return static_cast<const arrow::Int64Scalar&>(*value).value;
  }
  std::string storage;
  bool is_null = false;
  const std::string* text = LiteralString(arg, &storage, &is_null);
  if (text == nullptr || is_null) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", Quoted(arg.name)}, {"inputName", "`" + what + "`"},
                          {"inputType", "\"STRING\""}, {"inputExpr", Quoted(arg.name)}});
  }
  return ParseDuration(*text);
}

std::shared_ptr<arrow::DataType> WindowType(const std::shared_ptr<arrow::DataType>& ts) {
  return arrow::struct_({arrow::field("start", ts, true), arrow::field("end", ts, true)});
}

/// The struct<start, end> column of a window kernel (a scalar for scalar inputs);
/// rows whose `valid` byte is 0 are NULL.
Result<Datum> WindowStructs(const std::shared_ptr<arrow::DataType>& type, arrow::TimestampBuilder* starts,
                            arrow::TimestampBuilder* ends, const std::vector<uint8_t>& valid, bool scalar) {
  ARROW_ASSIGN_OR_RAISE(auto start_array, starts->Finish());
  ARROW_ASSIGN_OR_RAISE(auto end_array, ends->Finish());
  int64_t null_count = 0;
  auto bitmap = BitmapFromBytes(valid, &null_count);
  auto out = std::make_shared<arrow::StructArray>(type, static_cast<int64_t>(valid.size()),
                                                  arrow::ArrayVector{start_array, end_array}, bitmap, null_count);
  return scalar ? Datum(*out->GetScalar(0)) : Datum(out);
}

FunctionInfo Window() {
  FunctionInfo info = ScalarInfo(
      "window",
      "window(time_column, window_duration[, slide_duration[, start_time]]) - Bucketize rows into one or more time "
      "windows given a timestamp specifying column. Window starts are inclusive but the window ends are exclusive, "
      "e.g. 12:05 will be in the window [12:05,12:10) but not in [12:00,12:05). Windows can support microsecond "
      "precision. Windows in the order of months are not supported. See 'Window Operations on Event Time' in "
      "Structured Streaming guide doc for detailed explanation and examples.",
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("window", args, 2, 4));
        ARROW_ASSIGN_OR_RAISE(const int64_t window, DurationArgument(*args[1], "windowDuration"));
        int64_t slide = window, start = 0;
        if (args.size() >= 3) {
          ARROW_ASSIGN_OR_RAISE(slide, DurationArgument(*args[2], "slideDuration"));
        }
        if (args.size() == 4) {
          ARROW_ASSIGN_OR_RAISE(start, DurationArgument(*args[3], "startTime"));
        }
        // Spark names the call with its durations in microseconds (and a literal time as its value).
        std::string time_name = args[0]->name;
        for (const char* prefix : {"TIMESTAMP_NTZ '", "TIMESTAMP '"}) {
          const std::string p = prefix;
          if (args[0]->kind == plan::BoundKind::kLiteral && time_name.rfind(p, 0) == 0 && time_name.back() == '\'') {
            time_name = time_name.substr(p.size(), time_name.size() - p.size() - 1);
          }
        }
        const std::string sql = "window(" + time_name + ", " + std::to_string(window) + ", " +
                                std::to_string(slide) + ", " + std::to_string(start) + ")";
        const bool ntz = args[0]->type->Equals(*types::TimestampNtzType());
        if (!ntz && !types::IsTimestampLtz(*args[0]->type)) {
          if (!types::IsStringLike(*args[0]->type) && args[0]->type->id() != arrow::Type::DATE32) {
            return UnexpectedInputType(sql, 0,
                                       "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"STRUCT<start: "
                                       "TIMESTAMP, end: TIMESTAMP>\" or \"STRUCT<start: TIMESTAMP_NTZ, end: "
                                       "TIMESTAMP_NTZ>\")",
                                       *args[0]);
          }
          ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(sql, 0, args[0], ctx));
        }
        if (window <= 0) {
          return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                               {{"sqlExpr", Quoted(sql)}, {"exprName", "`window_duration`"},
                                {"valueRange", "(0, 9223372036854775807]"},
                                {"currentValue", std::to_string(window) + "L"}});
        }
        if (slide <= 0) {
          return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                               {{"sqlExpr", Quoted(sql)}, {"exprName", "`slide_duration`"},
                                {"valueRange", "(0, 9223372036854775807]"},
                                {"currentValue", std::to_string(slide) + "L"}});
        }
        if (slide > window) {
          return AnalysisError("DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION",
                               {{"sqlExpr", Quoted(sql)}, {"leftExprName", "`slide_duration`"},
                                {"leftExprValue", std::to_string(slide) + "L"}, {"constraint", "<="},
                                {"rightExprName", "`window_duration`"},
                                {"rightExprValue", std::to_string(window) + "L"}});
        }
        if (slide != window) {
          return Unsupported("sliding time windows (window with a slideDuration shorter than its windowDuration)");
        }
        auto ts_type = args[0]->type;
        auto type = WindowType(ts_type);
        auto bound = KernelCall(
            "window", "window", {args[0]}, type, false,
            [window, slide, start, type, ts_type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
              const int64_t rows = ResultRows(a, length);
              auto times = ArrayArgument(a[0], rows);
              const auto& ts = static_cast<const arrow::TimestampArray&>(*times);
              arrow::TimestampBuilder starts(ts_type, arrow::default_memory_pool());
              arrow::TimestampBuilder ends(ts_type, arrow::default_memory_pool());
              std::vector<uint8_t> valid(static_cast<size_t>(rows), 1);
              for (int64_t i = 0; i < rows; ++i) {
                if (ts.IsNull(i)) {
                  valid[i] = 0;
                  ARROW_RETURN_NOT_OK(starts.AppendNull());
                  ARROW_RETURN_NOT_OK(ends.AppendNull());
                  continue;
                }
                const int64_t t = ts.Value(i);
                int64_t remainder = (t - start) % slide;
                if (remainder < 0) remainder += slide;
                const int64_t first = t - remainder;
                ARROW_RETURN_NOT_OK(starts.Append(first));
                ARROW_RETURN_NOT_OK(ends.Append(first + window));
              }
              return WindowStructs(type, &starts, &ends, valid, AllScalars(a));
            });
        auto marked = std::make_shared<plan::BoundExpr>(*bound);
        marked->metadata_json = "{\"spark.timeWindow\":true}";  // as Spark's window column carries
        return BoundExprPtr(marked);
      });
  return info;
}

FunctionInfo WindowTime() {
  return ScalarInfo(
      "window_time",
      "window_time(window_column) - Extract the time value from time/session window column which can be used for "
      "event time value of window. The extracted time is (window.end - 1) which reflects the fact that the the "
      "aggregating windows have exclusive upper bound - [start, end) See 'Window Operations on Event Time' in "
      "Structured Streaming guide doc for detailed explanation and examples.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("window_time", args, 1, 1));
        const std::string sql = CallText(called, args);
        const auto& type = *args[0]->type;
        const bool window_struct = type.id() == arrow::Type::STRUCT && type.num_fields() == 2 &&
                                   type.field(0)->name() == "start" && type.field(1)->name() == "end" &&
                                   type.field(1)->type()->id() == arrow::Type::TIMESTAMP;
        if (!window_struct) {
          return UnexpectedInputType(sql, 0, "\"STRUCT<start: TIMESTAMP, end: TIMESTAMP>\"", *args[0]);
        }
        auto ts_type = type.field(1)->type();
        return KernelCall("window_time", sql, args, ts_type, true,
                          [ts_type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            auto windows = ArrayArgument(a[0], rows);
                            const auto& structs = static_cast<const arrow::StructArray&>(*windows);
                            const auto& ends = static_cast<const arrow::TimestampArray&>(*structs.field(1));
                            arrow::TimestampBuilder out(ts_type, arrow::default_memory_pool());
                            for (int64_t i = 0; i < rows; ++i) {
                              if (structs.IsNull(i) || ends.IsNull(i)) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                              } else {
                                ARROW_RETURN_NOT_OK(out.Append(ends.Value(i) - 1));
                              }
                            }
                            ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
                            return AllScalars(a) ? Datum(*array->GetScalar(0)) : Datum(array);
                          });
      });
}

std::string_view StringAt(const arrow::Array& array, int64_t i) {
  if (array.type_id() == arrow::Type::LARGE_STRING) return static_cast<const arrow::LargeStringArray&>(array).GetView(i);
  return static_cast<const arrow::StringArray&>(array).GetView(i);
}

/// A session gap as Spark's session_window reads a string: its microseconds, or
/// nullopt when the text is no interval (Spark's row then has no session).
/// Months and years would need calendar arithmetic: refused by name.
Result<std::optional<int64_t>> SessionGap(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("month") != std::string::npos || lower.find("year") != std::string::npos) {
    return Unsupported("session_window with a gap in months or years");
  }
  auto parsed = ParseDuration(lower);
  if (parsed.ok()) return std::optional<int64_t>(*parsed);
  return std::optional<int64_t>();
}

FunctionInfo SessionWindow() {
  return ScalarInfo(
      "session_window",
      "session_window(time_column, gap_duration) - Generates session window given a timestamp specifying column and "
      "gap duration. See 'Types of time windows' in Structured Streaming guide doc for detailed explanation and "
      "examples.",
      // A row's own session, [time, time + gap): NULL when the time is NULL or the
      // gap is no positive interval (Spark drops those rows). Grouping by it merges
      // the overlapping sessions of each group first (analyzer/session_window.cc).
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("session_window", args, 2, 2));
        const std::string sql = "session_window(" + args[0]->name + ", " + args[1]->name + ")";
        const bool ntz = args[0]->type->Equals(*types::TimestampNtzType());
        if (!ntz && !types::IsTimestampLtz(*args[0]->type)) {
          if (!types::IsStringLike(*args[0]->type) && args[0]->type->id() != arrow::Type::DATE32 &&
              args[0]->type->id() != arrow::Type::NA) {
            return UnexpectedInputType(sql, 0,
                                       "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"STRUCT<start: "
                                       "TIMESTAMP, end: TIMESTAMP>\" or \"STRUCT<start: TIMESTAMP_NTZ, end: "
                                       "TIMESTAMP_NTZ>\")",
                                       *args[0]);
          }
          ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(sql, 0, args[0], ctx));
        }
        if (!types::IsStringLike(*args[1]->type) && args[1]->type->id() != arrow::Type::NA) {
          return Unsupported("session_window with a gap of type " + types::SqlString(*args[1]->type) +
                             " (sk8 takes interval strings)");
        }
        // A literal gap is parsed once.
        std::optional<int64_t> constant_gap;
        bool gap_is_constant = false;
        std::string storage;
        bool is_null = false;
        if (const std::string* text = LiteralString(*args[1], &storage, &is_null)) {
          gap_is_constant = true;
          if (!is_null) {
            ARROW_ASSIGN_OR_RAISE(constant_gap, SessionGap(*text));
          }
        } else if (args[1]->type->id() == arrow::Type::NA) {
          gap_is_constant = true;
        }
        auto ts_type = args[0]->type;
        auto type = WindowType(ts_type);
        auto bound = KernelCall(
            "session_window", "session_window", {args[0], args[1]}, type, false,
            [gap_is_constant, constant_gap, type, ts_type](const Args& a, int64_t length,
                                                           const EvalContext&) -> Result<Datum> {
              const int64_t rows = ResultRows(a, length);
              auto times = ArrayArgument(a[0], rows);
              const auto& ts = static_cast<const arrow::TimestampArray&>(*times);
              std::shared_ptr<arrow::Array> gaps;
              if (!gap_is_constant) gaps = ArrayArgument(a[1], rows);
              arrow::TimestampBuilder starts(ts_type, arrow::default_memory_pool());
              arrow::TimestampBuilder ends(ts_type, arrow::default_memory_pool());
              std::vector<uint8_t> valid(static_cast<size_t>(rows), 1);
              for (int64_t i = 0; i < rows; ++i) {
                std::optional<int64_t> gap = constant_gap;
                if (gaps && !gaps->IsNull(i)) {
                  ARROW_ASSIGN_OR_RAISE(gap, SessionGap(StringAt(*gaps, i)));
                } else if (gaps) {
                  gap.reset();
                }
                if (ts.IsNull(i) || !gap || *gap <= 0) {
                  valid[i] = 0;
                  ARROW_RETURN_NOT_OK(starts.AppendNull());
                  ARROW_RETURN_NOT_OK(ends.AppendNull());
                  continue;
                }
                ARROW_RETURN_NOT_OK(starts.Append(ts.Value(i)));
                ARROW_RETURN_NOT_OK(ends.Append(ts.Value(i) + *gap));
              }
              return WindowStructs(type, &starts, &ends, valid, AllScalars(a));
            });
        auto marked = std::make_shared<plan::BoundExpr>(*bound);
        marked->metadata_json = std::string(kSessionWindowMetadata);
        return BoundExprPtr(marked);
      });
}

}  // namespace

void RegisterTimeWindowFunctions(FunctionRegistry& registry) {
  registry.Add(Window());
  registry.Add(WindowTime());
  registry.Add(SessionWindow());
}

}  // namespace sk8::functions
