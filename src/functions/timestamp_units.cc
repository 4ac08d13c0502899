// timestampadd(unit, quantity, ts) and timestampdiff(unit, start, end), as
// Spark's DateTimeUtils.timestampAdd / timestampDiff: timestampadd adds units
// up to HOUR as exact durations and DAY .. YEAR on the wall clock of the
// session time zone (UTC for TIMESTAMP_NTZ); timestampdiff counts every unit
// between the two wall-clock times (java.time's LocalDateTime.until).
#include <arrow/util/string.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/datetime_util.h"
#include "functions/kernel_util.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;

enum class Unit { kMicrosecond, kMillisecond, kSecond, kMinute, kHour, kDay, kDayOfYear, kWeek, kMonth, kQuarter, kYear };

/// The unit's length in microseconds for the exact ones; 0 for calendar units.
int64_t MicrosOf(Unit unit) {
  switch (unit) {
    case Unit::kMicrosecond: return 1;
    case Unit::kMillisecond: return 1000;
    case Unit::kSecond: return 1000 * 1000;
    case Unit::kMinute: return 60LL * 1000 * 1000;
    case Unit::kHour: return 3600LL * 1000 * 1000;
    default: return 0;
  }
}

Result<Unit> ParseUnit(const plan::BoundExpr& arg, const std::string& function, bool day_of_year) {
  std::string text;
  bool is_null = false;
  const std::string* unit = LiteralString(arg, &text, &is_null);
  const std::string upper = unit ? arrow::internal::AsciiToUpper(*unit) : "";
  static const std::pair<const char*, Unit> kUnits[] = {
      {"MICROSECOND", Unit::kMicrosecond}, {"MILLISECOND", Unit::kMillisecond}, {"SECOND", Unit::kSecond},
      {"MINUTE", Unit::kMinute},           {"HOUR", Unit::kHour},               {"DAY", Unit::kDay},
      {"DAYOFYEAR", Unit::kDayOfYear},     {"WEEK", Unit::kWeek},               {"MONTH", Unit::kMonth},
      {"QUARTER", Unit::kQuarter},         {"YEAR", Unit::kYear}};
  for (const auto& [name, value] : kUnits) {
    if (upper == name && (day_of_year || value != Unit::kDayOfYear)) return value;
  }
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.DATETIME_UNIT",
                    {{"functionName", "`" + arrow::internal::AsciiToUpper(function) + "`"},
                     {"parameter", "`unit`"},
                     {"invalidValue", "'" + (unit ? *unit : arg.name) + "'"}});
}

/// Wall-clock micros <-> instant micros in `zone` (none for TIMESTAMP_NTZ).
int64_t ToLocal(const TimeZone* zone, int64_t micros) { return zone ? zone->UtcToLocalMicros(micros) : micros; }
int64_t ToInstant(const TimeZone* zone, int64_t micros) { return zone ? zone->LocalToUtcMicros(micros) : micros; }

/// LocalDateTime.plus(quantity, unit) for the calendar units.
int64_t AddOnWallClock(int64_t local, Unit unit, int64_t quantity) {
  const int64_t days = FloorDiv(local, kMicrosPerDay);
  const int64_t time_of_day = local - days * kMicrosPerDay;
  int64_t new_days = days;
  switch (unit) {
    case Unit::kDay:
    case Unit::kDayOfYear: new_days = days + quantity; break;
    case Unit::kWeek: new_days = days + quantity * 7; break;
    case Unit::kMonth: new_days = AddMonthsToDate(static_cast<int32_t>(days), quantity); break;
    case Unit::kQuarter: new_days = AddMonthsToDate(static_cast<int32_t>(days), quantity * 3); break;
    default: new_days = AddMonthsToDate(static_cast<int32_t>(days), quantity * 12); break;
  }
  return new_days * kMicrosPerDay + time_of_day;
}

/// LocalDateTime.until(end, unit) for the calendar units: whole units, the
/// end's day moved one towards the start when its time of day is not reached.
int64_t UntilOnWallClock(int64_t start, int64_t end, Unit unit) {
  const int64_t start_days = FloorDiv(start, kMicrosPerDay), end_days_raw = FloorDiv(end, kMicrosPerDay);
  const int64_t start_time = start - start_days * kMicrosPerDay, end_time = end - end_days_raw * kMicrosPerDay;
  int64_t end_days = end_days_raw;
  if (end_days > start_days && end_time < start_time) --end_days;
  if (end_days < start_days && end_time > start_time) ++end_days;
  if (unit == Unit::kDay) return end_days - start_days;
  if (unit == Unit::kWeek) return (end_days - start_days) / 7;
  int64_t y1, y2;
  int m1, d1, m2, d2;
  CivilDate(static_cast<int32_t>(start_days), &y1, &m1, &d1);
  CivilDate(static_cast<int32_t>(end_days), &y2, &m2, &d2);
  const int64_t packed1 = (y1 * 12 + m1 - 1) * 32 + d1, packed2 = (y2 * 12 + m2 - 1) * 32 + d2;
  const int64_t months = (packed2 - packed1) / 32;
  if (unit == Unit::kMonth) return months;
  if (unit == Unit::kQuarter) return months / 3;
  return months / 12;
}

/// Both timestamps in one type: TIMESTAMP_NTZ only when both are.
Result<std::shared_ptr<arrow::DataType>> CommonTimestampType(std::vector<BoundExprPtr>& args, size_t first,
                                                             const std::string& name, const EvalContext& ctx) {
  bool all_ntz = true;
  for (size_t i = first; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], TimestampArgument(name, static_cast<int>(i), args[i], ctx, /*keep_ntz=*/true));
    all_ntz = all_ntz && !types::IsTimestampLtz(*args[i]->type);
  }
  if (!all_ntz) {
    for (size_t i = first; i < args.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(args[i], TimestampArgument(name, static_cast<int>(i), args[i], ctx, /*keep_ntz=*/false));
    }
  }
  return args[first]->type;
}

FunctionInfo TimestampAdd() {
  FunctionInfo info;
  info.name = "timestampadd";
  info.usage = "timestampadd(unit, quantity, timestamp) - Adds the specified number of units to the given timestamp.";
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    ARROW_ASSIGN_OR_RAISE(Unit unit, ParseUnit(*args[0], "timestampadd", /*day_of_year=*/true));
    const std::string name = CallText("timestampadd", args);
    if (!types::IsIntegral(*args[1]->type) && args[1]->type->id() != arrow::Type::NA) {
      return UnexpectedInputType(name, 1, "\"BIGINT\"", *args[1]);
    }
    ARROW_ASSIGN_OR_RAISE(args[1], BindCast(args[1], arrow::int64(), plan::CastMode::kDefault, true, ctx));
    ARROW_ASSIGN_OR_RAISE(auto type, CommonTimestampType(args, 2, name, ctx));
    const bool ntz = !types::IsTimestampLtz(*type);
    auto kernel = std::make_shared<LambdaKernel>(
        [unit, ntz, type](const std::vector<Datum>& a, int64_t length, const EvalContext& c) -> Result<Datum> {
          const TimeZone* zone = nullptr;
          if (!ntz) {
            ARROW_ASSIGN_OR_RAISE(zone, SessionZone(c));
          }
          const int64_t rows = AllScalars(a) ? 1 : length;
          NumericArg<arrow::Int64Type> quantity(a[1]), ts(a[2]);
          arrow::TimestampBuilder out(type, arrow::default_memory_pool());
          ARROW_RETURN_NOT_OK(out.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            if (!quantity.IsValid(i) || !ts.IsValid(i)) {
              out.UnsafeAppendNull();
              continue;
            }
            const int64_t micros = MicrosOf(unit);
            const int64_t q = quantity.Value(i), t = ts.Value(i);
            int64_t result;
            if (micros > 0) {
              int64_t delta;
              if (__builtin_mul_overflow(q, micros, &delta) || __builtin_add_overflow(t, delta, &result)) {
                return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                                  {{"message", "long overflow"}, {"alternative", ""},
                                   {"config", "\"spark.sql.ansi.enabled\""}});
              }
            } else {
              result = ToInstant(zone, AddOnWallClock(ToLocal(zone, t), unit, q));
            }
            out.UnsafeAppend(result);
          }
          ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
          return FinishResult(array, AllScalars(a));
        });
    return BoundExpr::Call(info_copy.name, kernel, {args[0], args[1], args[2]}, type,
                           args[1]->nullable || args[2]->nullable, name);
  };
  return info;
}

FunctionInfo TimestampDiff() {
  FunctionInfo info;
  info.name = "timestampdiff";
  info.usage = "timestampdiff(unit, startTimestamp, endTimestamp) - Gets the difference between the timestamps in "
               "the specified units by truncating the fraction part.";
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 3) return WrongArgumentCount(called, "3", args.size());
    ARROW_ASSIGN_OR_RAISE(Unit unit, ParseUnit(*args[0], "timestampdiff", /*day_of_year=*/false));
    const std::string name = CallText("timestampdiff", args);
    ARROW_ASSIGN_OR_RAISE(auto type, CommonTimestampType(args, 1, name, ctx));
    const bool ntz = !types::IsTimestampLtz(*type);
    auto kernel = std::make_shared<LambdaKernel>(
        [unit, ntz](const std::vector<Datum>& a, int64_t length, const EvalContext& c) -> Result<Datum> {
          const TimeZone* zone = nullptr;
          if (!ntz) {
            ARROW_ASSIGN_OR_RAISE(zone, SessionZone(c));
          }
          const int64_t rows = AllScalars(a) ? 1 : length;
          NumericArg<arrow::Int64Type> start(a[1]), end(a[2]);
          arrow::Int64Builder out;
          ARROW_RETURN_NOT_OK(out.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            if (!start.IsValid(i) || !end.IsValid(i)) {
              out.UnsafeAppendNull();
              continue;
            }
            const int64_t micros = MicrosOf(unit);
            const int64_t s = start.Value(i), e = end.Value(i);
            const int64_t local_start = ToLocal(zone, s), local_end = ToLocal(zone, e);
            out.UnsafeAppend(micros > 0 ? (local_end - local_start) / micros
                                        : UntilOnWallClock(local_start, local_end, unit));
          }
          ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
          return FinishResult(array, AllScalars(a));
        });
    return BoundExpr::Call(info_copy.name, kernel, {args[0], args[1], args[2]}, arrow::int64(),
                           args[1]->nullable || args[2]->nullable, name);
  };
  return info;
}

}  // namespace

void RegisterTimestampUnitFunctions(FunctionRegistry& registry) {
  registry.Add(TimestampAdd());
  registry.Add(TimestampDiff());
}

}  // namespace sk8::functions
