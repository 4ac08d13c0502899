// Fields of dates and timestamps: year, quarter, month, day, dayofweek,
// dayofyear, weekday, weekofyear, hour, minute, second and EXTRACT(field FROM
// source) / date_part / datepart, with Spark's names and result types.
#include <arrow/builder.h>

#include <cctype>

#include "functions/time_functions.h"
#include "functions/time_values.h"
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

enum class Field {
  kYear, kYearOfWeek, kQuarter, kMonth, kWeek, kDay, kDayOfWeek, kDayOfWeekIso, kWeekday, kDayOfYear,
  kHour, kMinute, kSecond, kSecondWithFraction,
};

bool IsTimeField(Field f) { return f == Field::kHour || f == Field::kMinute || f == Field::kSecond ||
                                   f == Field::kSecondWithFraction; }

int Weekday(int32_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }  // 0 = Monday

// ISO-8601 week of the week-based year, and that year.
void IsoWeek(int32_t days, int* week, int64_t* week_year) {
  int32_t thursday = days - Weekday(days) + 3;
  int64_t y;
  int m, d;
  CivilDate(thursday, &y, &m, &d);
  *week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
  *week_year = y;
}

int32_t DateField(Field field, int32_t days) {
  int64_t y;
  int m, d;
  switch (field) {
    case Field::kDayOfWeek: return (Weekday(days) + 1) % 7 + 1;  // Sunday = 1
    case Field::kDayOfWeekIso: return Weekday(days) + 1;
    case Field::kWeekday: return Weekday(days);
    case Field::kWeek:
    case Field::kYearOfWeek: {
      int week;
      IsoWeek(days, &week, &y);
      return field == Field::kWeek ? week : static_cast<int32_t>(y);
    }
    default: break;
  }
  CivilDate(days, &y, &m, &d);
  switch (field) {
    case Field::kYear: return static_cast<int32_t>(y);
    case Field::kQuarter: return (m - 1) / 3 + 1;
    case Field::kMonth: return m;
    case Field::kDay: return d;
    case Field::kDayOfYear: return days - DaysFromCivil(y, 1, 1) + 1;
    default: return 0;
  }
}

std::shared_ptr<plan::ScalarKernel> FieldKernel(Field field, const TimeZone* zone, bool ntz) {
  if (!IsTimeField(field)) {
    return MakeScalarFunction<int32_t, int32_t>(arrow::int32(), [field](int32_t days) { return DateField(field, days); });
  }
  auto local = [zone, ntz](int64_t micros) { return ntz ? micros : zone->UtcToLocalMicros(micros); };
  if (field == Field::kSecondWithFraction) {
    return std::make_shared<LambdaKernel>([local](const std::vector<Datum>& args, int64_t length,
                                                  const EvalContext&) -> Result<Datum> {
      NumericArg<arrow::Int64Type> ts(args[0]);
      bool scalar = AllScalars(args);
      int64_t rows = scalar ? 1 : length;
      arrow::Decimal128Builder builder(arrow::decimal128(8, 6));
      ARROW_RETURN_NOT_OK(builder.Reserve(rows));
      for (int64_t i = 0; i < rows; ++i) {
        if (!ts.IsValid(i)) {
          builder.UnsafeAppendNull();
          continue;
        }
        int64_t micros_of_minute = local(ts.Value(i)) - FloorDiv(local(ts.Value(i)), 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
        builder.UnsafeAppend(arrow::Decimal128(micros_of_minute));
      }
      return FinishResult(builder.Finish(), scalar);
    });
  }
  return MakeScalarFunction<int32_t, int64_t>(arrow::int32(), [field, local](int64_t micros) {
    int64_t secs = FloorDiv(local(micros), kMicrosPerSecond);
    int64_t of_day = secs - FloorDiv(secs, 86400) * 86400;
    switch (field) {
      case Field::kHour: return static_cast<int32_t>(of_day / 3600);
      case Field::kMinute: return static_cast<int32_t>(of_day / 60 % 60);
      default: return static_cast<int32_t>(of_day % 60);
    }
  });
}

/// The call of `field` over `source` (DATE for date fields, a timestamp for time fields).
Result<BoundExprPtr> BindField(const std::string& function, Field field, BoundExprPtr source, const std::string& name,
                               int index, const EvalContext& ctx) {
  std::shared_ptr<arrow::DataType> type = field == Field::kSecondWithFraction ? arrow::decimal128(8, 6) : arrow::int32();
  if (!IsTimeField(field)) {
    ARROW_ASSIGN_OR_RAISE(source, DateArgument(name, index, source, ctx));
    bool nullable = source->nullable;
    return BoundExpr::Call(function, FieldKernel(field, nullptr, false), {source}, type, nullable, name);
  }
  if (types::IsTime(*source->type) &&
      (field == Field::kHour || field == Field::kMinute || field == Field::kSecond)) {
    const int64_t unit = field == Field::kHour ? 3600 * kNanosPerSecond
                         : field == Field::kMinute ? 60 * kNanosPerSecond : kNanosPerSecond;
    return BindTimeField(function, unit, source, name);
  }
  ARROW_ASSIGN_OR_RAISE(source, TimestampArgument(name, index, source, ctx, /*keep_ntz=*/true));
  ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
  bool ntz = !types::IsTimestampLtz(*source->type);
  bool nullable = source->nullable;
  return BoundExpr::Call(function, FieldKernel(field, zone, ntz), {source}, type, nullable, name);
}

FunctionInfo FieldFunction(std::string name, std::vector<std::string> aliases, Field field, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.usage = std::move(usage);
  info.can_fail = false;
  info.null_intolerant = true;
  info.bind_scalar = [field, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                               const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    return BindField(info_copy.name, field, args[0], name, 0, ctx);
  };
  return info;
}

// dayname / monthname: "Wed", "Feb".
FunctionInfo NameFunction(std::string name, bool month, std::string usage) {
  return DateTimeFunction(std::move(name), {}, std::move(usage), 1, 1, "1", false,
                          [month](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                                  const EvalContext& ctx) -> Result<BoundExprPtr> {
                            ARROW_ASSIGN_OR_RAISE(args[0], DateArgument(name, 0, args[0], ctx));
                            auto kernel = MakeScalarFunction<std::string, int32_t>(arrow::utf8(), [month](int32_t days) {
                              static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
                              static const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
                              return std::string(month ? kMonths[DateField(Field::kMonth, days) - 1] : kDays[Weekday(days)]);
                            });
                            return BoundExpr::Call(info.name, kernel, args, arrow::utf8(), args[0]->nullable, name);
                          });
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

bool ParseExtractField(const std::string& text, Field* field) {
  static const std::pair<const char*, Field> kFields[] = {
      {"YEAR", Field::kYear},       {"Y", Field::kYear},          {"YEARS", Field::kYear},
      {"YR", Field::kYear},         {"YRS", Field::kYear},        {"YEAROFWEEK", Field::kYearOfWeek},
      {"QUARTER", Field::kQuarter}, {"QTR", Field::kQuarter},     {"MONTH", Field::kMonth},
      {"MON", Field::kMonth},       {"MONS", Field::kMonth},      {"MONTHS", Field::kMonth},
      {"WEEK", Field::kWeek},       {"W", Field::kWeek},          {"WEEKS", Field::kWeek},
      {"DAY", Field::kDay},         {"D", Field::kDay},           {"DAYS", Field::kDay},
      {"DAYOFWEEK", Field::kDayOfWeek}, {"DOW", Field::kDayOfWeek}, {"DAYOFWEEK_ISO", Field::kDayOfWeekIso},
      {"DOW_ISO", Field::kDayOfWeekIso}, {"DOY", Field::kDayOfYear}, {"HOUR", Field::kHour},
      {"H", Field::kHour},          {"HOURS", Field::kHour},      {"HR", Field::kHour},
      {"HRS", Field::kHour},        {"MINUTE", Field::kMinute},   {"M", Field::kMinute},
      {"MIN", Field::kMinute},      {"MINS", Field::kMinute},     {"MINUTES", Field::kMinute},
      {"SECOND", Field::kSecondWithFraction}, {"S", Field::kSecondWithFraction},
      {"SEC", Field::kSecondWithFraction}, {"SECONDS", Field::kSecondWithFraction},
      {"SECS", Field::kSecondWithFraction}};
  std::string upper = Upper(text);
  for (const auto& [name, f] : kFields) {
    if (upper == name) {
      *field = f;
      return true;
    }
  }
  return false;
}

// extract(field FROM source) and date_part(field, source) / datepart: the field
// is a string literal (the SQL parser passes EXTRACT's keyword as one).
FunctionInfo Extract(std::string name, std::vector<std::string> aliases, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.usage = std::move(usage);
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string storage;
    const std::string* text = LiteralString(*args[0], &storage);
    std::string lower = called;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (text == nullptr) {
      return AnalysisError("NON_FOLDABLE_ARGUMENT", {{"funcName", "`" + lower + "`"}, {"paramName", "`field`"},
                                                      {"paramType", "\"STRING\""}});
    }
    std::string name = lower == "date_part" ? "date_part(" + *text + ", " + args[1]->name + ")"
                                            : lower + "(" + *text + " FROM " + args[1]->name + ")";
    Field field;
    if (!ParseExtractField(*text, &field)) {
      return AnalysisError("INVALID_EXTRACT_FIELD", {{"field", QuoteIdentifier(*text)}, {"expr", "\"" + args[1]->name + "\""}});
    }
    if (args[1]->type->id() == arrow::Type::DURATION || args[1]->type->id() == arrow::Type::INTERVAL_MONTHS) {
      return Unsupported("EXTRACT of fields from INTERVAL values");
    }
    return BindField(info_copy.name, field, args[1], name, 1, ctx);
  };
  return info;
}

}  // namespace

void RegisterDateTimeFieldFunctions(FunctionRegistry& registry) {
  registry.Add(FieldFunction("year", {}, Field::kYear, "year(date) - Returns the year component of the date/timestamp."));
  registry.Add(FieldFunction("quarter", {}, Field::kQuarter,
                             "quarter(date) - Returns the quarter of the year for date, in the range 1 to 4."));
  registry.Add(FieldFunction("month", {}, Field::kMonth, "month(date) - Returns the month component of the date/timestamp."));
  registry.Add(FieldFunction("day", {}, Field::kDay, "day(date) - Returns the day of month of the date/timestamp."));
  registry.Add(FieldFunction("dayofmonth", {}, Field::kDay,
                             "dayofmonth(date) - Returns the day of month of the date/timestamp."));
  registry.Add(FieldFunction("dayofweek", {}, Field::kDayOfWeek,
                             "dayofweek(date) - Returns the day of the week for date/timestamp (1 = Sunday, ..., 7 = Saturday)."));
  registry.Add(FieldFunction("dayofyear", {}, Field::kDayOfYear,
                             "dayofyear(date) - Returns the day of year of the date/timestamp."));
  registry.Add(FieldFunction("weekday", {}, Field::kWeekday,
                             "weekday(date) - Returns the day of the week for date/timestamp (0 = Monday, ..., 6 = Sunday)."));
  registry.Add(FieldFunction("weekofyear", {}, Field::kWeek,
                             "weekofyear(date) - Returns the week of the year of the given date (ISO 8601 weeks)."));
  registry.Add(FieldFunction("hour", {}, Field::kHour, "hour(timestamp) - Returns the hour component of the string/timestamp."));
  registry.Add(FieldFunction("minute", {}, Field::kMinute,
                             "minute(timestamp) - Returns the minute component of the string/timestamp."));
  registry.Add(FieldFunction("second", {}, Field::kSecond,
                             "second(timestamp) - Returns the second component of the string/timestamp."));
  registry.Add(NameFunction("dayname", false, "dayname(date) - Returns the three-letter abbreviated day name from the given date."));
  registry.Add(NameFunction("monthname", true, "monthname(date) - Returns the three-letter abbreviated month name from the given date."));
  registry.Add(Extract("extract", {}, "extract(field FROM source) - Extracts a part of the date/timestamp or interval source."));
  registry.Add(Extract("date_part", {"datepart"},
                       "date_part(field, source) - Extracts a part of the date/timestamp or interval source."));
}

}  // namespace sk8::functions
