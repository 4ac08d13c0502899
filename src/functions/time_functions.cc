// Spark's TIME functions: make_time, to_time / try_to_time, time_diff,
// time_trunc, current_time, and the TIME forms of hour / minute / second and
// make_timestamp (date, time[, zone]). Values are types::TimeType(): nanoseconds
// since midnight, whole microseconds (TIME(6)).
#include "functions/time_functions.h"

#include <arrow/builder.h>

#include <cctype>
#include <chrono>
#include <map>

#include "functions/cast.h"
#include "functions/datetime_pattern.h"
#include "functions/datetime_util.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "functions/time_util.h"
#include "functions/time_values.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {

using arrow::Datum;
using plan::BoundExpr;

namespace {

/// A TIME argument: TIME itself, NULL cast to TIME; anything else is
/// DATATYPE_MISMATCH (Spark casts no string to TIME implicitly).
Result<BoundExprPtr> TimeArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx) {
  if (types::IsTime(*arg->type)) return arg;
  if (arg->type->id() == arrow::Type::NA) {
    return BindCast(arg, types::TimeType(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  return UnexpectedInputType(sql_expr, index, "\"TIME\"", *arg);
}

Status FieldOutOfRange(const char* field, const char* valid, int64_t value) {
  return SparkError(SparkExceptionKind::kDateTime, "DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
                    {{"rangeMessage", std::string("Invalid value for ") + field + " (valid values " + valid +
                                          "): " + std::to_string(value)}});
}

// The unit of time_diff / time_trunc: nanoseconds per unit, 0 when unknown.
int64_t TimeUnitNanos(std::string_view unit) {
  std::string upper(unit);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "HOUR") return 3600 * kNanosPerSecond;
  if (upper == "MINUTE") return 60 * kNanosPerSecond;
  if (upper == "SECOND") return kNanosPerSecond;
  if (upper == "MILLISECOND") return 1000000;
  if (upper == "MICROSECOND") return 1000;
  return 0;
}

Status InvalidTimeUnit(const std::string& function, std::string_view unit) {
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.TIME_UNIT",
                    {{"parameter", "`unit`"},
                     {"functionName", "`" + function + "`"},
                     {"invalidValue", "'" + std::string(unit) + "'"}});
}

// make_time(hour, minute, second): the fields checked as java.time's LocalTime.of
// does, whatever spark.sql.ansi.enabled says.
FunctionInfo MakeTime() {
  return DateTimeFunction(
      "make_time", {}, "make_time(hour, minute, second) - Create time from hour, minute and second fields.", 3, 3, "3",
      true,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        for (int i = 0; i < 2; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), name, i, "\"INT\"", ctx));
        }
        ARROW_ASSIGN_OR_RAISE(args[2], CastNumericArgument(args[2], arrow::decimal128(16, 6), name, 2,
                                                           "\"DECIMAL(16,6)\"", ctx));
        auto kernel = std::make_shared<LambdaKernel>(
            [](const std::vector<Datum>& in, int64_t length, const EvalContext&) -> Result<Datum> {
              NumericArg<arrow::Int32Type> hours(in[0]), minutes(in[1]);
              ARROW_ASSIGN_OR_RAISE(Datum micros_datum, DecimalMicros(in[2]));
              NumericArg<arrow::Int64Type> micros(micros_datum);
              const bool scalar = AllScalars(in);
              const int64_t rows = scalar ? 1 : length;
              arrow::Time64Builder builder(types::TimeType(), arrow::default_memory_pool());
              ARROW_RETURN_NOT_OK(builder.Reserve(rows));
              for (int64_t i = 0; i < rows; ++i) {
                if (!hours.IsValid(i) || !minutes.IsValid(i) || !micros.IsValid(i)) {
                  builder.UnsafeAppendNull();
                  continue;
                }
                const int64_t h = hours.Value(i), m = minutes.Value(i), us = micros.Value(i);
                if (h < 0 || h > 23) return FieldOutOfRange("HourOfDay", "0 - 23", h);
                if (m < 0 || m > 59) return FieldOutOfRange("MinuteOfHour", "0 - 59", m);
                const int64_t s = FloorDiv(us, kMicrosPerSecond);
                if (s < 0 || s > 59) return FieldOutOfRange("SecondOfMinute", "0 - 59", s);
                builder.UnsafeAppend(((h * 60 + m) * 60) * kNanosPerSecond + us * 1000);
              }
              return FinishResult(builder.Finish(), scalar);
            });
        return BoundExpr::Call(info.name, kernel, args, types::TimeType(), /*nullable=*/true, name);
      });
}

// to_time(str[, format]) and try_to_time: the text as Spark's TIME text (no
// format) or by a datetime pattern; unparsable text is CANNOT_PARSE_TIME (NULL
// for try_to_time) whatever spark.sql.ansi.enabled says.
FunctionInfo ToTime(bool try_mode) {
  const std::string function = try_mode ? "try_to_time" : "to_time";
  return DateTimeFunction(
      function, {},
      function + "(str[, format]) - Parses the `str` expression with the `format` expression to a time.", 1, 2,
      "[1, 2]", !try_mode,
      [try_mode](const FunctionInfo& info, std::string name, std::vector<BoundExprPtr>& args,
                 const EvalContext& ctx) -> Result<BoundExprPtr> {
        if (try_mode) {
          // Spark names the call by the to_time it replaces.
          name = "try_to_time(" + CallName(info, "to_time", args) + ")";
        }
        for (size_t i = 0; i < args.size(); ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], StringArgument(name, static_cast<int>(i), args[i], ctx));
        }
        auto kernel = std::make_shared<LambdaKernel>(
            [try_mode](const std::vector<Datum>& in, int64_t length, const EvalContext&) -> Result<Datum> {
              StringArg text(in[0]);
              std::unique_ptr<StringArg> formats;
              if (in.size() == 2) formats = std::make_unique<StringArg>(in[1]);
              std::map<std::string, std::shared_ptr<const DateTimePattern>, std::less<>> patterns;
              const bool scalar = AllScalars(in);
              const int64_t rows = scalar ? 1 : length;
              arrow::Time64Builder builder(types::TimeType(), arrow::default_memory_pool());
              ARROW_RETURN_NOT_OK(builder.Reserve(rows));
              for (int64_t i = 0; i < rows; ++i) {
                if (!text.IsValid(i) || (formats && !formats->IsValid(i))) {
                  builder.UnsafeAppendNull();
                  continue;
                }
                const std::string_view value = text.View(i);
                int64_t nanos = 0;
                bool ok = false;
                std::string_view format = "HH:mm:ss.SSSSSS";
                if (!formats) {
                  ok = ParseTime(value, &nanos);
                } else {
                  format = formats->View(i);
                  auto found = patterns.find(format);
                  if (found == patterns.end()) {
                    auto compiled = DateTimePattern::Compile(format, /*for_parsing=*/true);
                    if (!compiled.ok()) {
                      if (try_mode) {
                        builder.UnsafeAppendNull();
                        continue;
                      }
                      return compiled.status();
                    }
                    found = patterns.emplace(std::string(format), *compiled).first;
                  }
                  ParsedDateTime parsed;
                  std::string error;
                  ok = found->second->Parse(value, &parsed, &error);
                  if (ok) {
                    const auto& t = parsed.local;
                    nanos = ((t.hour * 60LL + t.minute) * 60 + t.second) * kNanosPerSecond + t.nanos;
                    nanos -= nanos % 1000;  // TIME(6)
                  }
                }
                if (ok) {
                  builder.UnsafeAppend(nanos);
                } else if (try_mode) {
                  builder.UnsafeAppendNull();
                } else {
                  return SparkError(SparkExceptionKind::kDateTime, "CANNOT_PARSE_TIME",
                                    {{"input", "'" + std::string(value) + "'"},
                                     {"format", "'" + std::string(format) + "'"}});
                }
              }
              return FinishResult(builder.Finish(), scalar);
            });
        return BoundExpr::Call(info.name, kernel, args, types::TimeType(), /*nullable=*/true, name);
      });
}

// time_diff(unit, start, end): whole units from start to end, truncated toward
// zero; time_trunc(unit, time): the time truncated to the unit.
FunctionInfo TimeUnitFunction(bool diff) {
  const std::string function = diff ? "time_diff" : "time_trunc";
  const std::string usage =
      diff ? "time_diff(unit, start, end) - Gets the difference between the times in the specified units."
           : "time_trunc(unit, time) - Returns `time` truncated to the `unit`.";
  const size_t count = diff ? 3 : 2;
  return DateTimeFunction(
      function, {}, usage, count, count, std::to_string(count), true,
      [diff, function](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                       const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], StringArgument(name, 0, args[0], ctx));
        for (size_t i = 1; i < args.size(); ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], TimeArgument(name, static_cast<int>(i), args[i], ctx));
        }
        auto type = diff ? arrow::int64() : types::TimeType();
        auto kernel = std::make_shared<LambdaKernel>(
            [diff, function, type](const std::vector<Datum>& in, int64_t length, const EvalContext&) -> Result<Datum> {
              StringArg units(in[0]);
              std::vector<FixedWidthArg<int64_t>> times;
              for (size_t k = 1; k < in.size(); ++k) times.emplace_back(in[k]);
              auto valid = [&](const FixedWidthArg<int64_t>& t, int64_t i) {
                if (t.is_scalar()) return t.scalar_valid();
                return t.validity() == nullptr || arrow::bit_util::GetBit(t.validity(), t.offset() + i);
              };
              const bool scalar = AllScalars(in);
              const int64_t rows = scalar ? 1 : length;
              std::unique_ptr<arrow::ArrayBuilder> builder;
              ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
              ARROW_RETURN_NOT_OK(builder->Reserve(rows));
              auto* ints = static_cast<arrow::Int64Builder*>(builder.get());
              auto* out_times = static_cast<arrow::Time64Builder*>(builder.get());
              std::string_view last_unit;
              int64_t unit_nanos = 0;
              for (int64_t i = 0; i < rows; ++i) {
                bool ok = units.IsValid(i);
                for (const auto& t : times) ok = ok && valid(t, i);
                if (!ok) {
                  ARROW_RETURN_NOT_OK(builder->AppendNull());
                  continue;
                }
                const std::string_view unit = units.View(i);
                if (unit_nanos == 0 || unit != last_unit) {
                  unit_nanos = TimeUnitNanos(unit);
                  if (unit_nanos == 0) return InvalidTimeUnit(function, unit);
                  last_unit = unit;
                }
                if (diff) {
                  ints->UnsafeAppend((times[1].Value(i) - times[0].Value(i)) / unit_nanos);
                } else {
                  const int64_t t = times[0].Value(i);
                  out_times->UnsafeAppend(t - t % unit_nanos);
                }
              }
              std::shared_ptr<arrow::Array> result;
              ARROW_RETURN_NOT_OK(builder->Finish(&result));
              return FinishResult(result, scalar);
            });
        return BoundExpr::Call(info.name, kernel, args, type, /*nullable=*/true, name);
      });
}

// The clock of one query: Spark evaluates every current_time() of a query at the
// same instant. The binds of one query share their EvalContext, so calls bound
// within a second under the same context reuse the first reading (sk8 has no
// query start time in the context yet).
int64_t QueryNowMicros(const EvalContext& ctx) {
  thread_local const EvalContext* last_ctx = nullptr;
  thread_local int64_t last_now = 0;
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (last_ctx != &ctx || now - last_now > kMicrosPerSecond || now < last_now) {
    last_ctx = &ctx;
    last_now = now;
  }
  return last_now;
}

// current_time([precision]): the session zone's wall-clock time when the query
// is analyzed, one value for the whole query.
FunctionInfo CurrentTime() {
  FunctionInfo info;
  info.name = "current_time";
  info.usage = "current_time([precision]) - Returns the current time at the start of query evaluation.";
  info.can_fail = false;
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() > 1) return WrongArgumentCount(called, "[0, 1]", args.size());
    int64_t precision = 6;
    if (!args.empty()) {
      const auto& arg = *args[0];
      if (arg.kind != plan::BoundKind::kLiteral || !types::IsIntegral(*arg.type) || !arg.literal->is_valid) {
        return UnexpectedInputType("current_time(" + arg.name + ")", 0, "\"INT\"", arg);
      }
      switch (arg.type->id()) {
        case arrow::Type::INT8: precision = static_cast<const arrow::Int8Scalar&>(*arg.literal).value; break;
        case arrow::Type::INT16: precision = static_cast<const arrow::Int16Scalar&>(*arg.literal).value; break;
        case arrow::Type::INT32: precision = static_cast<const arrow::Int32Scalar&>(*arg.literal).value; break;
        default: precision = static_cast<const arrow::Int64Scalar&>(*arg.literal).value; break;
      }
    }
    if (precision < 0 || precision > 6) {
      return SparkError(SparkExceptionKind::kInternal, "UNSUPPORTED_TIME_PRECISION",
                        {{"precision", std::to_string(precision)}});
    }
    if (precision != 6) return Unsupported("current_time(" + std::to_string(precision) + ") (TIME precisions other than 6)");
    ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
    const int64_t now = QueryNowMicros(ctx);
    const int64_t local = zone->UtcToLocalMicros(now);
    const int64_t nanos = (local - FloorDiv(local, kMicrosPerDay) * kMicrosPerDay) * 1000;
    auto value = std::make_shared<arrow::Time64Scalar>(nanos, types::TimeType());
    auto kernel = std::make_shared<LambdaKernel>(
        [value](const std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> { return Datum(value); });
    return BoundExpr::Call("current_time", kernel, {}, types::TimeType(), false, "current_time(6)");
  };
  return info;
}

// time(expr): CAST(expr AS TIME), named by its argument as Spark's cast aliases
// are, and a call (an auto-named column) even for a literal.
FunctionInfo TimeCast() {
  FunctionInfo info;
  info.name = "time";
  info.usage = "time(expr) - Casts the value `expr` to the target data type `time`.";
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    const std::string name = args[0]->name;
    ARROW_ASSIGN_OR_RAISE(auto cast, BindCast(args[0], types::TimeType(), plan::CastMode::kDefault,
                                              /*implicit=*/true, ctx));
    return CastCall("time", cast, name);
  };
  return info;
}

}  // namespace

Result<BoundExprPtr> BindTimeField(const std::string& function, int64_t unit_nanos, BoundExprPtr source,
                                   const std::string& name) {
  auto kernel = MakeScalarFunction<int32_t, int64_t>(arrow::int32(), [unit_nanos](int64_t nanos) {
    const int64_t whole = nanos / unit_nanos;
    return static_cast<int32_t>(unit_nanos == 3600 * kNanosPerSecond ? whole : whole % 60);
  });
  const bool nullable = source->nullable;
  return BoundExpr::Call(function, kernel, {std::move(source)}, arrow::int32(), nullable, name);
}

Result<BoundExprPtr> BindMakeTimestampFromTime(const std::string& function, const std::string& name, bool ntz,
                                               bool try_mode, std::vector<BoundExprPtr>& args, const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
  ARROW_ASSIGN_OR_RAISE(args[1], TimeArgument(name, 1, args[1], ctx));
  if (args.size() == 3) {
    ARROW_ASSIGN_OR_RAISE(args[2], StringArgument(name, 2, args[2], ctx));
  }
  ARROW_ASSIGN_OR_RAISE(const TimeZone* session, SessionZone(ctx));
  auto type = ntz ? types::TimestampNtzType() : types::TimestampType();
  auto kernel = std::make_shared<LambdaKernel>(
      [session, ntz, type, try_mode](const std::vector<Datum>& in, int64_t length, const EvalContext&) -> Result<Datum> {
        NumericArg<arrow::Int32Type> dates(in[0]);
        FixedWidthArg<int64_t> times(in[1]);
        std::unique_ptr<StringArg> zones;
        if (in.size() == 3) zones = std::make_unique<StringArg>(in[2]);
        const bool scalar = AllScalars(in);
        const int64_t rows = scalar ? 1 : length;
        auto time_valid = [&](int64_t i) {
          if (times.is_scalar()) return times.scalar_valid();
          return times.validity() == nullptr || arrow::bit_util::GetBit(times.validity(), times.offset() + i);
        };
        arrow::TimestampBuilder builder(type, arrow::default_memory_pool());
        ARROW_RETURN_NOT_OK(builder.Reserve(rows));
        for (int64_t i = 0; i < rows; ++i) {
          if (!dates.IsValid(i) || !time_valid(i) || (zones && !zones->IsValid(i))) {
            builder.UnsafeAppendNull();
            continue;
          }
          const int64_t local = int64_t{dates.Value(i)} * kMicrosPerDay + times.Value(i) / 1000;
          if (ntz) {
            builder.UnsafeAppend(local);
            continue;
          }
          const TimeZone* zone = session;
          if (zones) {
            auto found = TimeZone::Find(std::string(zones->View(i)));
            if (!found.ok()) {
              if (try_mode) {
                builder.UnsafeAppendNull();
                continue;
              }
              return found.status();
            }
            zone = *found;
          }
          builder.UnsafeAppend(zone->LocalToUtcMicros(local));
        }
        return FinishResult(builder.Finish(), scalar);
      });
  bool nullable = ntz;
  for (const auto& a : args) nullable = nullable || a->nullable;
  return BoundExpr::Call(function, kernel, args, type, nullable, name);
}

void RegisterTimeFunctions(FunctionRegistry& registry) {
  registry.Add(MakeTime());
  registry.Add(ToTime(false));
  registry.Add(ToTime(true));
  registry.Add(TimeUnitFunction(true));
  registry.Add(TimeUnitFunction(false));
  registry.Add(CurrentTime());
  registry.Add(TimeCast());
}

}  // namespace sk8::functions
