// Text <-> date/time through Spark's datetime patterns (datetime_pattern.h):
// date_format, from_unixtime, to_date, to_timestamp[_ltz|_ntz],
// try_to_timestamp, unix_timestamp / to_unix_timestamp.
#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "functions/cast.h"
#include "functions/datetime_pattern.h"
#include "functions/datetime_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

/// The compiled pattern of each row: a literal pattern is compiled once, a
/// column of patterns recompiles only when the text changes.
class PatternCache {
 public:
  PatternCache(bool for_parsing, std::shared_ptr<const DateTimePattern> fixed)
      : for_parsing_(for_parsing), fixed_(std::move(fixed)) {}
  Result<const DateTimePattern*> Get(std::string_view text) {
    if (fixed_) return fixed_.get();
    if (!current_ || text != current_text_) {
      ARROW_ASSIGN_OR_RAISE(current_, DateTimePattern::Compile(text, for_parsing_));
      current_text_ = std::string(text);
    }
    return current_.get();
  }

 private:
  bool for_parsing_;
  std::shared_ptr<const DateTimePattern> fixed_;
  std::shared_ptr<const DateTimePattern> current_;
  std::string current_text_;
};

/// A literal pattern compiled at bind time; its error (if any) is kept for run
/// time, where Spark raises it.
struct BoundPattern {
  std::shared_ptr<const DateTimePattern> pattern;
  Status error;
};

BoundPattern CompileLiteralPattern(const plan::BoundExpr& arg, bool for_parsing) {
  std::string storage;
  const std::string* text = LiteralString(arg, &storage);
  BoundPattern out;
  if (text == nullptr) return out;
  auto compiled = DateTimePattern::Compile(*text, for_parsing);
  if (compiled.ok()) {
    out.pattern = *compiled;
  } else {
    out.error = compiled.status();
  }
  return out;
}

BoundExprPtr PatternLiteral(const char* pattern) {
  return BoundExpr::Literal(arrow::MakeScalar(std::string(pattern)), pattern);
}

// ---------------------------------------------------------------------------
// Formatting

/// date_format(ts, fmt) and from_unixtime(seconds, fmt): `seconds` says the
/// first argument is BIGINT seconds rather than TIMESTAMP micros.
std::shared_ptr<plan::ScalarKernel> FormatKernel(const TimeZone* zone, bool ntz, bool seconds, BoundPattern bound) {
  return std::make_shared<LambdaKernel>([=](const std::vector<Datum>& in, int64_t length,
                                            const EvalContext&) -> Result<Datum> {
    ARROW_RETURN_NOT_OK(bound.error);
    NumericArg<arrow::Int64Type> values(in[0]);
    StringArg patterns(in[1]);
    PatternCache cache(false, bound.pattern);
    bool scalar = AllScalars(in);
    int64_t rows = scalar ? 1 : length;
    StringColumnWriter out(rows, rows * 20);
    std::string text;
    for (int64_t i = 0; i < rows; ++i) {
      std::string_view pattern_text;
      if (!values.IsValid(i) || !patterns.Get(i, &pattern_text)) {
        out.AppendNull();
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(const DateTimePattern* pattern, cache.Get(pattern_text));
      int64_t micros = values.Value(i);
      if (seconds) micros = micros * kMicrosPerSecond;
      int64_t utc = ntz ? zone->LocalToUtcMicros(micros) : micros;
      int64_t utc_seconds = FloorDiv(utc, kMicrosPerSecond);
      int32_t offset = zone->OffsetAtUtc(utc_seconds);
      int64_t local = ntz ? micros : utc + static_cast<int64_t>(offset) * kMicrosPerSecond;
      text.clear();
      pattern->Format(local, offset, zone, utc_seconds, &text);
      out.Append(text);
    }
    return out.Finish(scalar);
  });
}

FunctionInfo DateFormat() {
  return DateTimeFunction(
      "date_format", {}, "date_format(timestamp, fmt) - Converts `timestamp` to a value of string in the format specified by the date format `fmt`.",
      2, 2, "2", true,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(name, 0, args[0], ctx, /*keep_ntz=*/true));
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        bool ntz = !types::IsTimestampLtz(*args[0]->type);
        auto kernel = FormatKernel(zone, ntz, false, CompileLiteralPattern(*args[1], false));
        bool nullable = args[0]->nullable || args[1]->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::utf8(), nullable, name);
      });
}

FunctionInfo FromUnixtime() {
  return DateTimeFunction(
      "from_unixtime", {}, "from_unixtime(unix_time[, fmt]) - Returns `unix_time` in the specified `fmt`.", 1, 2,
      "[1, 2]", true,
      [](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        if (args.size() == 1) args.push_back(PatternLiteral(kDefaultTimestampPattern));
        std::string name = CallName(info, info.name, args);
        ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::int64(), name, 0, "\"BIGINT\"", ctx));
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        auto kernel = FormatKernel(zone, false, true, CompileLiteralPattern(*args[1], false));
        return BoundExpr::Call(info.name, kernel, args, arrow::utf8(), true, name);
      });
}

// ---------------------------------------------------------------------------
// Parsing

enum class ParseTarget { kTimestamp, kTimestampNtz, kDate, kUnixSeconds };

struct ParseOptions {
  ParseTarget target;
  bool try_mode = false;           // try_to_timestamp: NULL, never an error
  std::string suggested_function;  // CANNOT_PARSE_TIMESTAMP's `func`
  const TimeZone* zone = nullptr;
};

std::shared_ptr<plan::ScalarKernel> ParseKernel(ParseOptions options, BoundPattern bound) {
  return std::make_shared<LambdaKernel>([options, bound](const std::vector<Datum>& in, int64_t length,
                                                         const EvalContext& ctx) -> Result<Datum> {
    ARROW_RETURN_NOT_OK(bound.error);
    StringArg texts(in[0]);
    StringArg patterns(in[1]);
    PatternCache cache(true, bound.pattern);
    bool scalar = AllScalars(in);
    int64_t rows = scalar ? 1 : length;
    arrow::Int64Builder values;
    ARROW_RETURN_NOT_OK(values.Reserve(rows));
    ParsedDateTime parsed;
    std::string error;
    for (int64_t i = 0; i < rows; ++i) {
      std::string_view text, pattern_text;
      if (!texts.Get(i, &text) || !patterns.Get(i, &pattern_text)) {
        values.UnsafeAppendNull();
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(const DateTimePattern* pattern, cache.Get(pattern_text));
      if (!pattern->Parse(text, &parsed, &error)) {
        if (options.try_mode || !ctx.ansi) {
          values.UnsafeAppendNull();
          continue;
        }
        return SparkError(SparkExceptionKind::kDateTime, "CANNOT_PARSE_TIMESTAMP",
                          {{"message", error}, {"func", "`" + options.suggested_function + "`"}});
      }
      int64_t local = parsed.local.ToMicros();
      if (options.target == ParseTarget::kTimestampNtz) {
        values.UnsafeAppend(local);
        continue;
      }
      int64_t utc;
      if (parsed.has_offset) {
        utc = local - static_cast<int64_t>(parsed.offset_seconds) * kMicrosPerSecond;
      } else {
        utc = (parsed.zone ? parsed.zone : options.zone)->LocalToUtcMicros(local);
      }
      switch (options.target) {
        case ParseTarget::kDate:
          values.UnsafeAppend(FloorDiv(options.zone->UtcToLocalMicros(utc), kMicrosPerDay));
          break;
        case ParseTarget::kUnixSeconds: values.UnsafeAppend(utc / kMicrosPerSecond); break;  // Java's long division
        default: values.UnsafeAppend(utc); break;
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto array, values.Finish());
    std::shared_ptr<arrow::DataType> type;
    switch (options.target) {
      case ParseTarget::kDate: {
        ARROW_ASSIGN_OR_RAISE(auto narrowed, arrow::compute::Cast(*array, arrow::int32()));
        ARROW_ASSIGN_OR_RAISE(array, narrowed->View(arrow::date32()));
        break;
      }
      case ParseTarget::kTimestamp: {
        ARROW_ASSIGN_OR_RAISE(array, array->View(types::TimestampType()));
        break;
      }
      case ParseTarget::kTimestampNtz: {
        ARROW_ASSIGN_OR_RAISE(array, array->View(types::TimestampNtzType()));
        break;
      }
      case ParseTarget::kUnixSeconds: break;
    }
    return FinishResult(array, scalar);
  });
}

std::shared_ptr<arrow::DataType> TargetType(ParseTarget target) {
  switch (target) {
    case ParseTarget::kDate: return arrow::date32();
    case ParseTarget::kTimestampNtz: return types::TimestampNtzType();
    case ParseTarget::kUnixSeconds: return arrow::int64();
    default: return types::TimestampType();
  }
}

/// A non-string first argument (or a call without a pattern): the cast to the
/// target type, named as the call.
Result<BoundExprPtr> CastAsCall(const std::string& function, BoundExprPtr arg, ParseTarget target, bool try_mode,
                                const std::string& name, const EvalContext& ctx) {
  auto mode = try_mode ? plan::CastMode::kTry : plan::CastMode::kDefault;
  ARROW_ASSIGN_OR_RAISE(auto cast, BindCast(std::move(arg), TargetType(target), mode, /*implicit=*/false, ctx));
  return CastCall(function, cast, name);
}

/// to_date / to_timestamp / to_timestamp_ltz / to_timestamp_ntz / try_to_timestamp.
FunctionInfo ToDateTime(std::string name, ParseTarget target, bool try_mode, std::string suggested, std::string usage) {
  return DateTimeFunction(
      std::move(name), {}, std::move(usage), 1, 2, "[1, 2]", !try_mode,
      [target, try_mode, suggested](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                                    const EvalContext& ctx) -> Result<BoundExprPtr> {
        const auto& type = *args[0]->type;
        if (args.size() == 2) {
          ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        }
        if (args.size() == 1 || !(types::IsStringLike(type) || type.id() == arrow::Type::NA)) {
          if (args.size() == 2 && type.id() != arrow::Type::DATE32 && type.id() != arrow::Type::TIMESTAMP) {
            return UnexpectedInputType(name, 0, "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")", *args[0]);
          }
          return CastAsCall(info.name, args[0], target, try_mode, name, ctx);
        }
        ARROW_ASSIGN_OR_RAISE(args[0], StringArgument(name, 0, args[0], ctx));
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        ParseOptions options{target, try_mode, suggested, zone};
        auto kernel = ParseKernel(options, CompileLiteralPattern(*args[1], true));
        // Under ANSI a bad text fails, so the result is NULL only for NULL input.
        bool nullable = try_mode || !ctx.ansi || args[0]->nullable || args[1]->nullable;
        return BoundExpr::Call(info.name, kernel, args, TargetType(target), nullable, name);
      });
}

/// unix_timestamp / to_unix_timestamp: seconds since the epoch of a string
/// (parsed with the pattern), a DATE (its start in the session zone) or a timestamp.
FunctionInfo UnixTimestamp(std::string name, size_t min_args) {
  return DateTimeFunction(
      name, {}, name + "(timeExp[, fmt]) - Returns the UNIX timestamp of current or specified time.", min_args, 2,
      min_args == 0 ? "[0, 1, 2]" : "[1, 2]", true,
      [](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        if (args.empty()) {
          ARROW_ASSIGN_OR_RAISE(auto now, BindFunctionCall("current_timestamp", {}, ctx));
          args.push_back(now);
        }
        if (args.size() == 1) args.push_back(PatternLiteral(kDefaultTimestampPattern));
        std::string name = CallName(info, info.name, args);
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        const auto& type = *args[0]->type;
        if (types::IsStringLike(type) || type.id() == arrow::Type::NA) {
          ARROW_ASSIGN_OR_RAISE(args[0], StringArgument(name, 0, args[0], ctx));
          ParseOptions options{ParseTarget::kUnixSeconds, false, "try_to_timestamp", zone};
          auto kernel = ParseKernel(options, CompileLiteralPattern(*args[1], true));
          bool nullable = !ctx.ansi || args[0]->nullable || args[1]->nullable;
          return BoundExpr::Call(info.name, kernel, args, arrow::int64(), nullable, name);
        }
        if (type.id() == arrow::Type::DATE32) {
          ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(name, 0, args[0], ctx));
        } else if (type.id() != arrow::Type::TIMESTAMP) {
          return UnexpectedInputType(name, 0, "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")", *args[0]);
        }
        auto kernel = std::make_shared<LambdaKernel>([](const std::vector<Datum>& in, int64_t length,
                                                        const EvalContext&) -> Result<Datum> {
          NumericArg<arrow::Int64Type> micros(in[0]);
          bool scalar = AllScalars({in[0]});
          int64_t rows = scalar ? 1 : length;
          arrow::Int64Builder builder;
          ARROW_RETURN_NOT_OK(builder.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            if (micros.IsValid(i)) {
              builder.UnsafeAppend(micros.Value(i) / kMicrosPerSecond);  // truncated, as Spark divides
            } else {
              builder.UnsafeAppendNull();
            }
          }
          return FinishResult(builder.Finish(), scalar);
        });
        bool nullable = args[0]->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::int64(), nullable, name);
      });
}

}  // namespace

void RegisterDateTimeFormatFunctions(FunctionRegistry& registry) {
  registry.Add(DateFormat());
  registry.Add(FromUnixtime());
  registry.Add(ToDateTime("to_date", ParseTarget::kDate, false, "try_to_date",
                          "to_date(date_str[, fmt]) - Parses the `date_str` expression with the `fmt` expression to a date."));
  registry.Add(ToDateTime("try_to_date", ParseTarget::kDate, true, "try_to_date",
                          "try_to_date(date_str[, fmt]) - Parses the `date_str` expression with the `fmt` expression to a date; NULL on invalid input."));
  registry.Add(ToDateTime("to_timestamp", ParseTarget::kTimestamp, false, "try_to_timestamp",
                          "to_timestamp(timestamp_str[, fmt]) - Parses the `timestamp_str` expression with the `fmt` expression to a timestamp."));
  registry.Add(ToDateTime("to_timestamp_ltz", ParseTarget::kTimestamp, false, "try_to_timestamp",
                          "to_timestamp_ltz(timestamp_str[, fmt]) - Parses the `timestamp_str` expression with the `fmt` expression to a timestamp with local time zone."));
  registry.Add(ToDateTime("to_timestamp_ntz", ParseTarget::kTimestampNtz, false, "try_to_timestamp",
                          "to_timestamp_ntz(timestamp_str[, fmt]) - Parses the `timestamp_str` expression with the `fmt` expression to a timestamp without time zone."));
  registry.Add(ToDateTime("try_to_timestamp", ParseTarget::kTimestamp, true, "try_to_timestamp",
                          "try_to_timestamp(timestamp_str[, fmt]) - Parses the `timestamp_str` expression with the `fmt` expression to a timestamp; NULL on invalid input."));
  registry.Add(UnixTimestamp("unix_timestamp", 0));
  registry.Add(UnixTimestamp("to_unix_timestamp", 1));
}

}  // namespace sk8::functions
