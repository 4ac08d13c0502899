// Calendar arithmetic: date_add / date_sub / datediff, add_months,
// months_between, last_day, next_day, trunc / date_trunc, make_date,
// make_timestamp[_ntz|_ltz], make_dt_interval / make_ym_interval, and the
// conversions between dates / timestamps and numbers (unix_date,
// unix_seconds..., date_from_unix_date, timestamp_seconds...).
#include <arrow/builder.h>

#include <cctype>
#include <cmath>

#include "functions/time_functions.h"
#include "functions/cast.h"
#include "functions/datetime_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

int Weekday(int32_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }  // 0 = Monday

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

FunctionInfo DateAddDays(std::string name, std::vector<std::string> aliases, bool subtract, std::string usage) {
  return DateTimeFunction(std::move(name), std::move(aliases), std::move(usage), 2, 2, "2", false,
                          [subtract](const FunctionInfo& info, const std::string& called_text,
                                     std::vector<BoundExprPtr>& args,
                                     const EvalContext& ctx) -> Result<BoundExprPtr> {
                            // dateadd is named date_add, as in Spark (its messages too).
                            const std::string name = info.name + called_text.substr(called_text.find('('));
                            ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
                            ARROW_ASSIGN_OR_RAISE(args[1], IntArgument(name, 1, args[1], ctx));
                            // Spark adds as Java ints: wraps around.
                            auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t>(
                                arrow::date32(), [subtract](int32_t d, int32_t n) {
                                  uint32_t delta = static_cast<uint32_t>(n);
                                  return static_cast<int32_t>(static_cast<uint32_t>(d) + (subtract ? 0u - delta : delta));
                                });
                            bool nullable = args[0]->nullable || args[1]->nullable;
                            return BoundExpr::Call(info.name, kernel, args, arrow::date32(), nullable, name);
                          });
}

FunctionInfo DateDiff() {
  return DateTimeFunction("datediff", {"date_diff"}, "datediff(endDate, startDate) - Returns the number of days from `startDate` to `endDate`.",
                          2, 2, "2", false,
                          [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                            for (int i = 0; i < 2; ++i) {
                              ARROW_ASSIGN_OR_RAISE(args[i], DateArgument(name, i, args[i], ctx));
                            }
                            auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t>(
                                arrow::int32(), [](int32_t end, int32_t start) {
                                  return static_cast<int32_t>(static_cast<uint32_t>(end) - static_cast<uint32_t>(start));
                                });
                            bool nullable = args[0]->nullable || args[1]->nullable;
                            return BoundExpr::Call(info.name, kernel, args, arrow::int32(), nullable, name);
                          });
}

FunctionInfo AddMonths() {
  return DateTimeFunction("add_months", {}, "add_months(start_date, num_months) - Returns the date that is `num_months` after `start_date`.",
                          2, 2, "2", false,
                          [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                            ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
                            ARROW_ASSIGN_OR_RAISE(args[1], IntArgument(name, 1, args[1], ctx));
                            auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t>(
                                arrow::date32(), [](int32_t d, int32_t n) { return AddMonthsToDate(d, n); });
                            bool nullable = args[0]->nullable || args[1]->nullable;
                            return BoundExpr::Call(info.name, kernel, args, arrow::date32(), nullable, name);
                          });
}

// Spark's DateTimeUtils.monthsBetween.
double MonthsBetween(int64_t t1, int64_t t2, bool round_off, const TimeZone* zone) {
  int64_t l1 = zone->UtcToLocalMicros(t1), l2 = zone->UtcToLocalMicros(t2);
  int32_t d1 = static_cast<int32_t>(FloorDiv(l1, kMicrosPerDay)), d2 = static_cast<int32_t>(FloorDiv(l2, kMicrosPerDay));
  int64_t y1, y2;
  int m1, m2, day1, day2;
  CivilDate(d1, &y1, &m1, &day1);
  CivilDate(d2, &y2, &m2, &day2);
  int64_t month_diff = (y1 * 12 + m1) - (y2 * 12 + m2);
  bool last1 = day1 == DaysInMonth(y1, m1), last2 = day2 == DaysInMonth(y2, m2);
  if (day1 == day2 || (last1 && last2)) return static_cast<double>(month_diff);
  // Seconds since local midnight, measured in UTC micros as Spark does.
  int64_t secs1 = (t1 - zone->LocalToUtcMicros(static_cast<int64_t>(d1) * kMicrosPerDay)) / kMicrosPerSecond;
  int64_t secs2 = (t2 - zone->LocalToUtcMicros(static_cast<int64_t>(d2) * kMicrosPerDay)) / kMicrosPerSecond;
  int64_t seconds_diff = static_cast<int64_t>(day1 - day2) * 86400 + secs1 - secs2;
  double diff = static_cast<double>(month_diff) + static_cast<double>(seconds_diff) / (31.0 * 86400);
  if (!round_off) return diff;
  return std::floor(diff * 1e8 + 0.5) / 1e8;  // Java's Math.round(diff * 1e8) / 1e8
}

FunctionInfo MonthsBetweenFunction() {
  return DateTimeFunction(
      "months_between", {},
      "months_between(timestamp1, timestamp2[, roundOff]) - Returns the number of months between `timestamp1` and `timestamp2`.",
      2, 3, "[2, 3]", false,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        for (int i = 0; i < 2; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], TimestampArgument(name, i, args[i], ctx));
        }
        std::string display = name;
        if (args.size() == 2) {
          args.push_back(BoundExpr::Literal(std::make_shared<arrow::BooleanScalar>(true), "true"));
          display = "months_between(" + args[0]->name + ", " + args[1]->name + ", true)";
        } else if (args[2]->type->id() != arrow::Type::BOOL) {
          if (args[2]->type->id() != arrow::Type::NA) return UnexpectedInputType(name, 2, "\"BOOLEAN\"", *args[2]);
          ARROW_ASSIGN_OR_RAISE(args[2], BindCast(args[2], arrow::boolean(), plan::CastMode::kDefault, true, ctx));
        }
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        auto kernel = MakeScalarFunction<double, int64_t, int64_t, bool>(
            arrow::float64(), [zone](int64_t a, int64_t b, bool round) { return MonthsBetween(a, b, round, zone); });
        bool nullable = args[0]->nullable || args[1]->nullable || args[2]->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::float64(), nullable, display);
      });
}

FunctionInfo LastDay() {
  return DateTimeFunction("last_day", {}, "last_day(date) - Returns the last day of the month which the date belongs to.",
                          1, 1, "1", false,
                          [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                            ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
                            auto kernel = MakeScalarFunction<int32_t, int32_t>(arrow::date32(), [](int32_t d) {
                              int64_t y;
                              int m, day;
                              CivilDate(d, &y, &m, &day);
                              return d + DaysInMonth(y, m) - day;
                            });
                            return BoundExpr::Call(info.name, kernel, args, arrow::date32(), args[0]->nullable, name);
                          });
}

// Spark's DateTimeUtils.getDayOfWeekFromString: 0 = Monday, -1 when unknown.
int DayOfWeekFromString(std::string_view text) {
  static const char* const kNames[][3] = {{"MO", "MON", "MONDAY"}, {"TU", "TUE", "TUESDAY"}, {"WE", "WED", "WEDNESDAY"},
                                          {"TH", "THU", "THURSDAY"}, {"FR", "FRI", "FRIDAY"}, {"SA", "SAT", "SATURDAY"},
                                          {"SU", "SUN", "SUNDAY"}};
  std::string upper = Upper(text);
  for (int d = 0; d < 7; ++d) {
    for (const char* name : kNames[d]) {
      if (upper == name) return d;
    }
  }
  return -1;
}

FunctionInfo NextDay() {
  return DateTimeFunction(
      "next_day", {}, "next_day(start_date, day_of_week) - Returns the first date which is later than `start_date` and named as indicated.",
      2, 2, "2", true,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        auto kernel = MakeScalarFunction<int32_t, int32_t, std::string_view>(
            arrow::date32(),
            [](int32_t* out, int32_t d, std::string_view day) {
              int target = DayOfWeekFromString(day);
              if (target < 0) return RowResult::kAnsiError;
              int delta = (target - Weekday(d) + 7) % 7;
              *out = d + (delta == 0 ? 7 : delta);
              return RowResult::kValue;
            },
            std::function<Status(int32_t, std::string_view)>([](int32_t, std::string_view day) {
              return SparkError(SparkExceptionKind::kIllegalArgument, "ILLEGAL_DAY_OF_WEEK", {{"string", std::string(day)}});
            }));
        return BoundExpr::Call(info.name, kernel, args, arrow::date32(), true, name);
      });
}

// Spark's truncation levels (DateTimeUtils.parseTruncLevel); -1 when unknown.
enum TruncLevel { kMicrosecond, kMillisecond, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

int ParseTruncLevel(std::string_view text) {
  static const std::pair<const char*, int> kLevels[] = {
      {"MICROSECOND", kMicrosecond}, {"MILLISECOND", kMillisecond}, {"SECOND", kSecond}, {"MINUTE", kMinute},
      {"HOUR", kHour}, {"DAY", kDay}, {"DD", kDay}, {"WEEK", kWeek}, {"MON", kMonth}, {"MONTH", kMonth},
      {"MM", kMonth}, {"QUARTER", kQuarter}, {"YEAR", kYear}, {"YYYY", kYear}, {"YY", kYear}};
  std::string upper = Upper(text);
  for (const auto& [name, level] : kLevels) {
    if (upper == name) return level;
  }
  return -1;
}

int32_t TruncDate(int32_t d, int level) {
  int64_t y;
  int m, day;
  CivilDate(d, &y, &m, &day);
  switch (level) {
    case kWeek: return d - Weekday(d);
    case kMonth: return d - day + 1;
    case kQuarter: return DaysFromCivil(y, static_cast<unsigned>((m - 1) / 3 * 3 + 1), 1);
    default: return DaysFromCivil(y, 1, 1);
  }
}

FunctionInfo Trunc() {
  return DateTimeFunction(
      "trunc", {}, "trunc(date, fmt) - Returns `date` with the time portion of the day truncated to the unit specified by the format model `fmt`.",
      2, 2, "2", false,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        auto kernel = MakeScalarFunction<int32_t, int32_t, std::string_view>(
            arrow::date32(), [](int32_t* out, int32_t d, std::string_view format) {
              int level = ParseTruncLevel(format);
              if (level < kWeek) return RowResult::kNull;
              *out = TruncDate(d, level);
              return RowResult::kValue;
            });
        return BoundExpr::Call(info.name, kernel, args, arrow::date32(), true, name);
      });
}

// The instant of a wall-clock time, keeping `preferred` offset when it is
// valid there (java.time's ZonedDateTime.truncatedTo).
int64_t LocalToUtcPreferring(const TimeZone* zone, int64_t local_micros, int32_t preferred) {
  int64_t utc = local_micros - static_cast<int64_t>(preferred) * kMicrosPerSecond;
  if (zone->OffsetAtUtc(FloorDiv(utc, kMicrosPerSecond)) == preferred) return utc;
  return zone->LocalToUtcMicros(local_micros);
}

int64_t TruncTimestamp(int64_t micros, int level, const TimeZone* zone) {
  switch (level) {
    case kMicrosecond: return micros;
    case kMillisecond: return micros - (micros - FloorDiv(micros, 1000) * 1000);
    case kSecond: return FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
    case kMinute:
    case kHour:
    case kDay: {
      int32_t offset = zone->OffsetAtUtc(FloorDiv(micros, kMicrosPerSecond));
      int64_t local = micros + static_cast<int64_t>(offset) * kMicrosPerSecond;
      int64_t unit = level == kMinute ? 60 * kMicrosPerSecond : (level == kHour ? 3600 * kMicrosPerSecond : kMicrosPerDay);
      return LocalToUtcPreferring(zone, FloorDiv(local, unit) * unit, offset);
    }
    default: {
      int32_t day = static_cast<int32_t>(FloorDiv(zone->UtcToLocalMicros(micros), kMicrosPerDay));
      return zone->LocalToUtcMicros(static_cast<int64_t>(TruncDate(day, level)) * kMicrosPerDay);
    }
  }
}

FunctionInfo DateTrunc() {
  return DateTimeFunction(
      "date_trunc", {}, "date_trunc(fmt, ts) - Returns timestamp `ts` truncated to the unit specified by the format model `fmt`.",
      2, 2, "2", false,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], StringArgument(name, 0, args[0], ctx));
        ARROW_ASSIGN_OR_RAISE(args[1], TimestampArgument(name, 1, args[1], ctx));
        ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
        auto kernel = MakeScalarFunction<int64_t, std::string_view, int64_t>(
            types::TimestampType(), [zone](int64_t* out, std::string_view format, int64_t micros) {
              int level = ParseTruncLevel(format);
              if (level < 0) return RowResult::kNull;
              *out = TruncTimestamp(micros, level, zone);
              return RowResult::kValue;
            });
        return BoundExpr::Call(info.name, kernel, args, types::TimestampType(), true, name);
      });
}

FunctionInfo MakeDate() {
  return DateTimeFunction(
      "make_date", {}, "make_date(year, month, day) - Create date from year, month and day fields.", 3, 3, "3", true,
      [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        for (int i = 0; i < 3; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), name, i, "\"INT\"", ctx));
        }
        auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t, int32_t>(
            arrow::date32(),
            [](int32_t* out, int32_t y, int32_t m, int32_t d) {
              if (!CheckDate(y, m, d).empty()) return RowResult::kAnsiError;
              *out = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
              return RowResult::kValue;
            },
            std::function<Status(int32_t, int32_t, int32_t)>(
                [](int32_t y, int32_t m, int32_t d) { return FieldOutOfBounds(CheckDate(y, m, d)); }));
        // Under ANSI a bad date fails, so the result is NULL only for NULL input.
        bool nullable = !ctx.ansi || args[0]->nullable || args[1]->nullable || args[2]->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::date32(), nullable, name);
      });
}

// make_timestamp's fields to a wall-clock time; "" or java.time's message.
std::string MakeLocalMicros(int32_t y, int32_t mo, int32_t d, int32_t h, int32_t mi, int64_t sec_micros,
                            int64_t* local, bool* bad_fraction) {
  *bad_fraction = false;
  std::string error = CheckDate(y, mo, d);
  if (!error.empty()) return error;
  auto range = [](const char* field, const char* valid, int64_t v) {
    return std::string("Invalid value for ") + field + " (valid values " + valid + "): " + std::to_string(v);
  };
  if (h < 0 || h > 23) return range("HourOfDay", "0 - 23", h);
  if (mi < 0 || mi > 59) return range("MinuteOfHour", "0 - 59", mi);
  int64_t seconds = FloorDiv(sec_micros, kMicrosPerSecond);
  int64_t fraction = sec_micros - seconds * kMicrosPerSecond;
  if (seconds == 60 && fraction != 0) {
    *bad_fraction = true;
    return "fraction";
  }
  if (seconds < 0 || seconds > 60) return range("SecondOfMinute", "0 - 59", seconds);
  *local = static_cast<int64_t>(DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * kMicrosPerDay +
           (h * 3600LL + mi * 60LL + seconds) * kMicrosPerSecond + fraction;
  return "";
}

std::string DecimalText(int64_t micros) {
  // Seconds with their fraction, trailing zeros dropped (Java's BigDecimal of the DECIMAL(16, 6)).
  std::string text = std::to_string(micros / kMicrosPerSecond);
  int64_t frac = std::abs(micros % kMicrosPerSecond);
  if (micros < 0 && micros > -kMicrosPerSecond) text = "-" + text;
  if (frac == 0) return text;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(frac));
  std::string digits = buf;
  while (digits.back() == '0') digits.pop_back();
  return text + "." + digits;
}

// make_timestamp / make_timestamp_ltz (instants: the fields are wall-clock time
// in the session zone or the optional zone argument) and make_timestamp_ntz.
FunctionInfo MakeTimestamp(std::string name, bool ntz, bool with_zone, bool try_mode = false) {
  return DateTimeFunction(
      name, {},
      name + "(year, month, day, hour, min, sec" + (with_zone ? "[, timezone]" : "") +
          ") - Create timestamp from year, month, day, hour, min, sec and timezone fields.",
      2, with_zone ? 7 : 6, with_zone ? "[2, 3, 6, 7]" : "[2, 6]", true,
      [ntz, try_mode, with_zone](const FunctionInfo& info, std::string name, std::vector<BoundExprPtr>& args,
                                 const EvalContext& ctx) -> Result<BoundExprPtr> {
        if (args.size() == 2 || (args.size() == 3 && with_zone)) {
          // (date, time[, timezone]); make_timestamp_ltz is named make_timestamp.
          const std::string called = info.name == "make_timestamp_ltz" ? "make_timestamp" : info.name;
          return BindMakeTimestampFromTime(info.name, CallName(info, called, args), ntz, try_mode, args, ctx);
        }
        if (args.size() < 6) return WrongArgumentCount(info.name, with_zone ? "[2, 3, 6, 7]" : "[2, 6]", args.size());
        for (int i = 0; i < 5; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), name, i, "\"INT\"", ctx));
        }
        ARROW_ASSIGN_OR_RAISE(args[5], CastNumericArgument(args[5], arrow::decimal128(16, 6), name, 5,
                                                           "\"DECIMAL(16,6)\"", ctx));
        if (args.size() == 7) {
          ARROW_ASSIGN_OR_RAISE(args[6], StringArgument(name, 6, args[6], ctx));
        }
        ARROW_ASSIGN_OR_RAISE(const TimeZone* session, SessionZone(ctx));
        auto type = ntz ? types::TimestampNtzType() : types::TimestampType();
        auto kernel = std::make_shared<LambdaKernel>([session, ntz, type, try_mode](const std::vector<Datum>& in, int64_t length,
                                                                          const EvalContext& ectx) -> Result<Datum> {
          std::vector<NumericArg<arrow::Int32Type>> fields;
          for (int i = 0; i < 5; ++i) fields.emplace_back(in[i]);
          ARROW_ASSIGN_OR_RAISE(Datum sec_datum, DecimalMicros(in[5]));
          NumericArg<arrow::Int64Type> secs(sec_datum);
          std::unique_ptr<StringArg> zones;
          if (in.size() == 7) zones = std::make_unique<StringArg>(in[6]);
          bool scalar = AllScalars(in);
          int64_t rows = scalar ? 1 : length;
          arrow::TimestampBuilder builder(type, arrow::default_memory_pool());
          ARROW_RETURN_NOT_OK(builder.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            bool valid = secs.IsValid(i) && (!zones || zones->IsValid(i));
            for (const auto& f : fields) valid = valid && f.IsValid(i);
            if (!valid) {
              builder.UnsafeAppendNull();
              continue;
            }
            int64_t local = 0;
            bool bad_fraction = false;
            std::string error = MakeLocalMicros(fields[0].Value(i), fields[1].Value(i), fields[2].Value(i),
                                                fields[3].Value(i), fields[4].Value(i), secs.Value(i), &local, &bad_fraction);
            if (!error.empty()) {
              if (!ectx.ansi || try_mode) {
                builder.UnsafeAppendNull();
                continue;
              }
              if (bad_fraction) {
                return SparkError(SparkExceptionKind::kDateTime, "INVALID_FRACTION_OF_SECOND",
                                  {{"secAndMicros", DecimalText(secs.Value(i))}});
              }
              return FieldOutOfBounds(error);
            }
            if (ntz) {
              builder.UnsafeAppend(local);
              continue;
            }
            const TimeZone* zone = session;
            if (zones) {
              ARROW_ASSIGN_OR_RAISE(zone, TimeZone::Find(std::string(zones->View(i))));
            }
            builder.UnsafeAppend(zone->LocalToUtcMicros(local));
          }
          return FinishResult(builder.Finish(), scalar);
        });
        bool nullable = try_mode || !ctx.ansi;
        for (const auto& a : args) nullable = nullable || a->nullable;
        if (info.name == "try_make_timestamp" && args.size() == 7) {
          // Spark names try_make_timestamp (not the _ltz form) by its first six arguments.
          std::vector<BoundExprPtr> shown(args.begin(), args.begin() + 6);
          name = CallName(info, info.name, shown);
        }
        return BoundExpr::Call(info.name, kernel, args, type, nullable, name);
      });
}

FunctionInfo MakeYmInterval() {
  FunctionInfo info = DateTimeFunction(
      "make_ym_interval", {}, "make_ym_interval([years[, months]]) - Make year-month interval from years, months.", 0, 2,
      "[0, 1, 2]", true,
      [](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        while (args.size() < 2) args.push_back(BoundExpr::Literal(std::make_shared<arrow::Int32Scalar>(0), "0"));
        for (int i = 0; i < 2; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), info.name, i, "\"INT\"", ctx));
        }
        std::string name = CallName(info, info.name, args);
        auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t>(
            arrow::month_interval(),
            [](int32_t* out, int32_t years, int32_t months) {
              int64_t total = static_cast<int64_t>(years) * 12 + months;
              if (total > INT32_MAX || total < INT32_MIN) return RowResult::kError;
              *out = static_cast<int32_t>(total);
              return RowResult::kValue;
            },
            std::function<Status(int32_t, int32_t)>([](int32_t, int32_t) {
              return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                                {{"message", "integer overflow"}, {"alternative", ""}, {"config", "\"spark.sql.ansi.enabled\""}});
            }));
        bool nullable = args[0]->nullable || args[1]->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::month_interval(), nullable, name);
      });
  return info;
}

FunctionInfo MakeDtInterval() {
  return DateTimeFunction(
      "make_dt_interval", {}, "make_dt_interval([days[, hours[, mins[, secs]]]]) - Make DayTimeIntervalType duration from days, hours, mins and secs.",
      0, 4, "[0, 1, 2, 3, 4]", true,
      [](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        while (args.size() < 3) args.push_back(BoundExpr::Literal(std::make_shared<arrow::Int32Scalar>(0), "0"));
        if (args.size() < 4) {
          args.push_back(BoundExpr::Literal(std::make_shared<arrow::Decimal128Scalar>(arrow::Decimal128(0),
                                                                                      arrow::decimal128(18, 6)),
                                            "0.000000"));
        }
        for (int i = 0; i < 3; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), info.name, i, "\"INT\"", ctx));
        }
        ARROW_ASSIGN_OR_RAISE(args[3], CastNumericArgument(args[3], arrow::decimal128(18, 6), info.name, 3,
                                                           "\"DECIMAL(18,6)\"", ctx));
        std::string name = CallName(info, info.name, args);
        auto type = arrow::duration(arrow::TimeUnit::MICRO);
        auto kernel = std::make_shared<LambdaKernel>([type](const std::vector<Datum>& in, int64_t length,
                                                            const EvalContext&) -> Result<Datum> {
          NumericArg<arrow::Int32Type> days(in[0]), hours(in[1]), mins(in[2]);
          ARROW_ASSIGN_OR_RAISE(Datum sec_datum, DecimalMicros(in[3]));
          NumericArg<arrow::Int64Type> secs(sec_datum);
          bool scalar = AllScalars(in);
          int64_t rows = scalar ? 1 : length;
          arrow::DurationBuilder builder(type, arrow::default_memory_pool());
          ARROW_RETURN_NOT_OK(builder.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            if (!days.IsValid(i) || !hours.IsValid(i) || !mins.IsValid(i) || !secs.IsValid(i)) {
              builder.UnsafeAppendNull();
              continue;
            }
            __int128 total = static_cast<__int128>(days.Value(i)) * kMicrosPerDay +
                             static_cast<__int128>(hours.Value(i)) * 3600 * kMicrosPerSecond +
                             static_cast<__int128>(mins.Value(i)) * 60 * kMicrosPerSecond + secs.Value(i);
            if (total > INT64_MAX || total < INT64_MIN) {
              return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                                {{"message", "long overflow"}, {"alternative", ""}, {"config", "\"spark.sql.ansi.enabled\""}});
            }
            builder.UnsafeAppend(static_cast<int64_t>(total));
          }
          return FinishResult(builder.Finish(), scalar);
        });
        bool nullable = false;
        for (const auto& a : args) nullable = nullable || a->nullable;
        return BoundExpr::Call(info.name, kernel, args, type, nullable, name);
      });
}

// make_interval / try_make_interval: a CALENDAR INTERVAL (Arrow's month_day_nano:
// months, days, and the time as nanoseconds, whole microseconds as in Spark).
FunctionInfo MakeInterval(bool try_mode) {
  const std::string name = try_mode ? "try_make_interval" : "make_interval";
  return DateTimeFunction(
      name, {},
      name + "([years[, months[, weeks[, days[, hours[, mins[, secs]]]]]]]) - Make interval from years, months, "
             "weeks, days, hours, mins and secs.",
      0, 7, "[0, 1, 2, 3, 4, 5, 6, 7]", true,
      [try_mode](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
                 const EvalContext& ctx) -> Result<BoundExprPtr> {
        while (args.size() < 6) args.push_back(BoundExpr::Literal(std::make_shared<arrow::Int32Scalar>(0), "0"));
        if (args.size() < 7) {
          args.push_back(BoundExpr::Literal(
              std::make_shared<arrow::Decimal128Scalar>(arrow::Decimal128(0), arrow::decimal128(18, 6)), "0"));
        }
        for (int i = 0; i < 6; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], CastNumericArgument(args[i], arrow::int32(), info.name, i, "\"INT\"", ctx));
        }
        ARROW_ASSIGN_OR_RAISE(args[6], CastNumericArgument(args[6], arrow::decimal128(18, 6), info.name, 6,
                                                           "\"DECIMAL(18,6)\"", ctx));
        std::string name = CallName(info, info.name, args);
        const bool fail = !try_mode && ctx.ansi;
        auto kernel = std::make_shared<LambdaKernel>([fail](const std::vector<Datum>& in, int64_t length,
                                                            const EvalContext&) -> Result<Datum> {
          std::vector<NumericArg<arrow::Int32Type>> parts;
          for (int i = 0; i < 6; ++i) parts.emplace_back(in[i]);
          ARROW_ASSIGN_OR_RAISE(Datum sec_datum, DecimalMicros(in[6]));
          NumericArg<arrow::Int64Type> secs(sec_datum);
          const bool scalar = AllScalars(in);
          const int64_t rows = scalar ? 1 : length;
          arrow::MonthDayNanoIntervalBuilder builder;
          ARROW_RETURN_NOT_OK(builder.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            bool valid = secs.IsValid(i);
            for (const auto& p : parts) valid = valid && p.IsValid(i);
            if (!valid) {
              builder.UnsafeAppendNull();
              continue;
            }
            const int64_t months = int64_t{parts[0].Value(i)} * 12 + parts[1].Value(i);
            const int64_t days = int64_t{parts[2].Value(i)} * 7 + parts[3].Value(i);
            const __int128 micros = static_cast<__int128>(parts[4].Value(i)) * 3600 * kMicrosPerSecond +
                                    static_cast<__int128>(parts[5].Value(i)) * 60 * kMicrosPerSecond + secs.Value(i);
            const bool int_overflow = months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN;
            // Arrow keeps the time in nanoseconds: past 2^63 ns (about 292 years of
            // hours, minutes and seconds) this is an overflow, where Spark's
            // microseconds still hold it.
            const bool long_overflow = micros > INT64_MAX / 1000 || micros < INT64_MIN / 1000;
            if (int_overflow || long_overflow) {
              if (fail) {
                return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                                  {{"message", int_overflow ? "integer overflow" : "long overflow"},
                                   {"alternative", ""},
                                   {"config", "\"spark.sql.ansi.enabled\""}});
              }
              builder.UnsafeAppendNull();
              continue;
            }
            builder.UnsafeAppend(arrow::MonthDayNanoIntervalType::MonthDayNanos{
                static_cast<int32_t>(months), static_cast<int32_t>(days), static_cast<int64_t>(micros) * 1000});
          }
          return FinishResult(builder.Finish(), scalar);
        });
        bool nullable = try_mode || !ctx.ansi;
        for (const auto& a : args) nullable = nullable || a->nullable;
        return BoundExpr::Call(info.name, kernel, args, arrow::month_day_nano_interval(), nullable, name);
      });
}

// unix_date / date_from_unix_date: DATE <-> days since the epoch.
FunctionInfo UnixDate() {
  return DateTimeFunction("unix_date", {}, "unix_date(date) - Returns the number of days since 1970-01-01.", 1, 1, "1",
                          false,
                          [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                            ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
                            auto kernel = MakeScalarFunction<int32_t, int32_t>(arrow::int32(), [](int32_t d) { return d; });
                            return BoundExpr::Call(info.name, kernel, args, arrow::int32(), args[0]->nullable, name);
                          });
}

FunctionInfo DateFromUnixDate() {
  return DateTimeFunction("date_from_unix_date", {}, "date_from_unix_date(days) - Create date from the number of days since 1970-01-01.",
                          1, 1, "1", false,
                          [](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                            // IntegerType with implicit casts: any number is cast to INT.
                            if (types::IsNumeric(*args[0]->type) && args[0]->type->id() != arrow::Type::INT32) {
                              ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int32(), plan::CastMode::kDefault,
                                                                      /*implicit=*/true, ctx));
                            }
                            ARROW_ASSIGN_OR_RAISE(args[0], IntArgument(name, 0, args[0], ctx));
                            auto kernel = MakeScalarFunction<int32_t, int32_t>(arrow::date32(), [](int32_t d) { return d; });
                            return BoundExpr::Call(info.name, kernel, args, arrow::date32(), args[0]->nullable, name);
                          });
}

// unix_seconds / unix_millis / unix_micros: a TIMESTAMP as a count since the epoch.
FunctionInfo UnixUnits(std::string name, int64_t unit) {
  return DateTimeFunction(name, {}, name + "(timestamp) - Returns the number of units since 1970-01-01 00:00:00 UTC.", 1, 1,
                          "1", false,
                          [unit](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                                 const EvalContext& ctx) -> Result<BoundExprPtr> {
                            if (args[0]->type->id() == arrow::Type::TIMESTAMP && !types::IsTimestampLtz(*args[0]->type)) {
                              return UnexpectedInputType(name, 0, "\"TIMESTAMP\"", *args[0]);
                            }
                            ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(name, 0, args[0], ctx));
                            auto kernel = MakeScalarFunction<int64_t, int64_t>(
                                arrow::int64(), [unit](int64_t micros) { return FloorDiv(micros, unit); });
                            return BoundExpr::Call(info.name, kernel, args, arrow::int64(), args[0]->nullable, name);
                          });
}

Status LongOverflow() {
  return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                    {{"message", "long overflow"}, {"alternative", ""}, {"config", "\"spark.sql.ansi.enabled\""}});
}

// timestamp_seconds / timestamp_millis / timestamp_micros: a count since the epoch as a TIMESTAMP.
FunctionInfo TimestampFromUnits(std::string name, int64_t unit, bool fractional) {
  return DateTimeFunction(
      name, {}, name + "(n) - Creates timestamp from the number of units since UTC epoch.", 1, 1, "1", true,
      [unit, fractional](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                         const EvalContext& ctx) -> Result<BoundExprPtr> {
        const auto& type = *args[0]->type;
        auto out = types::TimestampType();
        if (types::IsIntegral(type) || type.id() == arrow::Type::NA) {
          ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int64(), plan::CastMode::kDefault, true, ctx));
          auto kernel = MakeScalarFunction<int64_t, int64_t>(
              out,
              [unit](int64_t* result, int64_t v) {
                if (__builtin_mul_overflow(v, unit, result)) return RowResult::kError;
                return RowResult::kValue;
              },
              std::function<Status(int64_t)>([](int64_t) { return LongOverflow(); }));
          return BoundExpr::Call(info.name, kernel, args, out, args[0]->nullable, name);
        }
        if (!fractional || !types::IsNumeric(type)) {
          return UnexpectedInputType(name, 0, fractional ? "\"NUMERIC\"" : "\"INTEGRAL\"", *args[0]);
        }
        // FLOAT / DOUBLE / DECIMAL seconds: NaN and infinities are NULL.
        bool nullable = args[0]->nullable || types::IsFractional(type);
        ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
        auto kernel = MakeScalarFunction<int64_t, double>(
            out,
            [](int64_t* result, double v) {
              if (std::isnan(v) || std::isinf(v)) return RowResult::kNull;
              double micros = v * 1e6;
              if (micros >= 9.2233720368547758e18 || micros < -9.2233720368547758e18) return RowResult::kError;
              *result = static_cast<int64_t>(micros);
              return RowResult::kValue;
            },
            std::function<Status(double)>([](double) { return LongOverflow(); }));
        return BoundExpr::Call(info.name, kernel, args, out, nullable, name);
      });
}

}  // namespace

void RegisterDateTimeArithmeticFunctions(FunctionRegistry& registry) {
  registry.Add(DateAddDays("date_add", {"dateadd"}, false,
                           "date_add(start_date, num_days) - Returns the date that is `num_days` after `start_date`."));
  registry.Add(DateAddDays("date_sub", {}, true,
                           "date_sub(start_date, num_days) - Returns the date that is `num_days` before `start_date`."));
  registry.Add(DateDiff());
  registry.Add(AddMonths());
  registry.Add(MonthsBetweenFunction());
  registry.Add(LastDay());
  registry.Add(NextDay());
  registry.Add(Trunc());
  registry.Add(DateTrunc());
  registry.Add(MakeDate());
  registry.Add(MakeTimestamp("make_timestamp", false, true));
  registry.Add(MakeTimestamp("make_timestamp_ltz", false, true));
  registry.Add(MakeTimestamp("make_timestamp_ntz", true, false));
  registry.Add(MakeTimestamp("try_make_timestamp", false, true, true));
  registry.Add(MakeTimestamp("try_make_timestamp_ltz", false, true, true));
  registry.Add(MakeTimestamp("try_make_timestamp_ntz", true, false, true));
  registry.Add(MakeYmInterval());
  registry.Add(MakeDtInterval());
  registry.Add(MakeInterval(false));
  registry.Add(MakeInterval(true));
  registry.Add(UnixDate());
  registry.Add(DateFromUnixDate());
  registry.Add(UnixUnits("unix_seconds", kMicrosPerSecond));
  registry.Add(UnixUnits("unix_millis", 1000));
  registry.Add(UnixUnits("unix_micros", 1));
  registry.Add(TimestampFromUnits("timestamp_seconds", kMicrosPerSecond, true));
  registry.Add(TimestampFromUnits("timestamp_millis", 1000, false));
  registry.Add(TimestampFromUnits("timestamp_micros", 1, false));
}

}  // namespace sk8::functions

// ---------------------------------------------------------------------------
// +/- between dates, timestamps and ANSI intervals (called by the arithmetic
// binder for operands of those types).

namespace sk8::functions {
namespace {

bool IsYearMonth(const arrow::DataType& t) { return t.id() == arrow::Type::INTERVAL_MONTHS; }
bool IsDayTime(const arrow::DataType& t) { return t.id() == arrow::Type::DURATION; }
bool IsTimestamp(const arrow::DataType& t) { return t.id() == arrow::Type::TIMESTAMP; }
bool IsDate(const arrow::DataType& t) { return t.id() == arrow::Type::DATE32; }

// A day-time interval whose only field is DAY (Spark's DayTimeIntervalType(DAY,
// DAY)); the Arrow type keeps no fields, the literal's Spark name does.
bool IsDaysOnly(const plan::BoundExpr& e) {
  const std::string& n = e.name;
  return e.kind == plan::BoundKind::kLiteral && n.rfind("INTERVAL '", 0) == 0 && n.size() > 5 &&
         n.compare(n.size() - 5, 5, "' DAY") == 0;
}

Status IntervalOverflow() {
  return SparkError(SparkExceptionKind::kArithmetic, "DATETIME_OVERFLOW", {{"operation", "add interval"}});
}

}  // namespace

Result<BoundExprPtr> BindDateTimeArithmetic(bool subtract, std::vector<BoundExprPtr>& args, const std::string& infix_name,
                                            const EvalContext& ctx) {
  const auto& t0 = *args[0]->type;
  const auto& t1 = *args[1]->type;
  auto interval = [](const arrow::DataType& t) { return IsYearMonth(t) || IsDayTime(t); };
  auto datetime = [](const arrow::DataType& t) { return IsDate(t) || IsTimestamp(t); };
  // TIME +/- a day-time interval and TIME - TIME (INTERVAL HOUR TO SECOND): not yet.
  if ((types::IsTime(t0) && (IsDayTime(t1) || types::IsTime(t1))) || (types::IsTime(t1) && IsDayTime(t0))) {
    return Unsupported("TIME arithmetic (" + infix_name + ")");
  }
  // DATE - DATE, TIMESTAMP - TIMESTAMP (and mixed): a day-time interval.
  if (subtract && datetime(t0) && datetime(t1)) {
    bool days = IsDate(t0) && IsDate(t1);
    std::vector<BoundExprPtr> operands = args;
    if (!days) {
      auto common = types::IsTimestampLtz(t0) || types::IsTimestampLtz(t1) || IsDate(t0) || IsDate(t1)
                        ? types::TimestampType()
                        : types::TimestampNtzType();
      if (IsTimestamp(t0) && IsTimestamp(t1) && !types::IsTimestampLtz(t0) && !types::IsTimestampLtz(t1)) {
        common = types::TimestampNtzType();
      }
      for (auto& op : operands) {
        ARROW_ASSIGN_OR_RAISE(op, BindCast(op, common, plan::CastMode::kDefault, true, ctx));
      }
    }
    auto type = arrow::duration(arrow::TimeUnit::MICRO);
    std::shared_ptr<plan::ScalarKernel> kernel;
    if (days) {
      kernel = MakeScalarFunction<int64_t, int32_t, int32_t>(
          type, [](int32_t a, int32_t b) { return (static_cast<int64_t>(a) - b) * kMicrosPerDay; });
    } else {
      kernel = MakeScalarFunction<int64_t, int64_t, int64_t>(
          type,
          [](int64_t* out, int64_t a, int64_t b) {
            return __builtin_sub_overflow(a, b, out) ? RowResult::kError : RowResult::kValue;
          },
          std::function<Status(int64_t, int64_t)>([](int64_t, int64_t) { return IntervalOverflow(); }));
    }
    bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(subtract ? "subtract" : "add", kernel, operands, type, nullable, infix_name);
  }
  // datetime +/- interval (and interval + datetime).
  int date_side = datetime(t0) && interval(t1) ? 0 : (!subtract && interval(t0) && datetime(t1) ? 1 : -1);
  if (date_side < 0) return BoundExprPtr();
  BoundExprPtr base = args[date_side], amount = args[1 - date_side];
  const char* symbol = subtract ? " - " : " + ";
  std::string name = base->name + symbol + amount->name;
  bool nullable = base->nullable || amount->nullable;
  ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
  if (IsDate(*base->type) && IsYearMonth(*amount->type)) {
    auto kernel = MakeScalarFunction<int32_t, int32_t, int32_t>(
        arrow::date32(), [subtract](int32_t d, int32_t m) { return AddMonthsToDate(d, subtract ? -int64_t{m} : m); });
    return BoundExpr::Call("date_add_interval", kernel, {base, amount}, arrow::date32(), nullable, name);
  }
  if (IsDate(*base->type) && IsDaysOnly(*amount)) {
    std::string days = "extractansiintervaldays(" + amount->name + ")";
    name = "date_add(" + base->name + ", " + (subtract ? "(- " + days + ")" : days) + ")";
    auto kernel = MakeScalarFunction<int32_t, int32_t, int64_t>(arrow::date32(), [subtract](int32_t d, int64_t micros) {
      int64_t n = micros / kMicrosPerDay;
      return static_cast<int32_t>(d + (subtract ? -n : n));
    });
    return BoundExpr::Call("date_add_interval", kernel, {base, amount}, arrow::date32(), nullable, name);
  }
  if (IsDate(*base->type)) {
    ARROW_ASSIGN_OR_RAISE(base, BindCast(base, types::TimestampType(), plan::CastMode::kDefault, true, ctx));
  }
  auto type = base->type;
  const bool ltz = types::IsTimestampLtz(*type);
  std::shared_ptr<plan::ScalarKernel> kernel;
  if (IsYearMonth(*amount->type)) {
    kernel = MakeScalarFunction<int64_t, int64_t, int32_t>(type, [subtract, ltz, zone](int64_t micros, int32_t months) {
      int64_t local = ltz ? zone->UtcToLocalMicros(micros) : micros;
      int64_t day = FloorDiv(local, kMicrosPerDay);
      int64_t time = local - day * kMicrosPerDay;
      int64_t shifted = static_cast<int64_t>(AddMonthsToDate(static_cast<int32_t>(day), subtract ? -int64_t{months} : months)) *
                            kMicrosPerDay + time;
      return ltz ? zone->LocalToUtcMicros(shifted) : shifted;
    });
  } else {
    // Spark (timestampAddDayTime) adds the interval's whole days to the
    // wall-clock date in the session zone (a day across a DST change is 23 or
    // 25 hours) and the rest as elapsed time.
    kernel = MakeScalarFunction<int64_t, int64_t, int64_t>(
        type,
        [subtract, ltz, zone](int64_t* out, int64_t micros, int64_t delta) {
          if (subtract) {
            if (delta == INT64_MIN) return RowResult::kError;
            delta = -delta;
          }
          int64_t days = delta / kMicrosPerDay;
          int64_t rest = delta - days * kMicrosPerDay;
          int64_t shifted = micros;
          if (days != 0 && ltz) {
            int32_t offset = zone->OffsetAtUtc(FloorDiv(micros, kMicrosPerSecond));
            int64_t local = micros + static_cast<int64_t>(offset) * kMicrosPerSecond + days * kMicrosPerDay;
            shifted = LocalToUtcPreferring(zone, local, offset);
          } else if (__builtin_add_overflow(micros, days * kMicrosPerDay, &shifted)) {
            return RowResult::kError;
          }
          return __builtin_add_overflow(shifted, rest, out) ? RowResult::kError : RowResult::kValue;
        },
        std::function<Status(int64_t, int64_t)>([](int64_t, int64_t) { return IntervalOverflow(); }));
  }
  return BoundExpr::Call("timestamp_add_interval", kernel, {base, amount}, type, nullable, name);
}

// INTERVAL literals come from the SQL parser as interval_literal(value, name):
// the value with Spark's name of the literal, which carries its fields.
FunctionInfo IntervalLiteral() {
  FunctionInfo info;
  info.name = "interval_literal";
  info.can_fail = false;
  info.bind_scalar = [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
    std::string storage;
    const std::string* name = args.size() == 2 ? LiteralString(*args[1], &storage) : nullptr;
    if (name == nullptr || args[0]->kind != plan::BoundKind::kLiteral) {
      return InternalError("interval_literal takes a literal and its name");
    }
    return BoundExpr::Literal(args[0]->literal, *name);
  };
  return info;
}

void RegisterIntervalFunctions(FunctionRegistry& registry) { registry.Add(IntervalLiteral()); }

}  // namespace sk8::functions
