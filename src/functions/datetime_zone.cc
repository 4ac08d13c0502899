// The clock and time zones: current_date, current_timestamp / now,
// localtimestamp, current_timezone, from_utc_timestamp / to_utc_timestamp and
// convert_timezone.
#include <arrow/builder.h>

#include <chrono>

#include "functions/cast.h"
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

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A call that answers one value fixed when the query is analyzed (Spark
/// computes the current time once per query).
BoundExprPtr ConstantCall(const std::string& function, std::shared_ptr<arrow::Scalar> value, std::string name) {
  auto type = value->type;
  auto kernel = std::make_shared<LambdaKernel>(
      [value](const std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> { return Datum(value); });
  return BoundExpr::Call(function, kernel, {}, type, false, std::move(name));
}

enum class Clock { kDate, kTimestamp, kLocalTimestamp, kTimeZone };

FunctionInfo ClockFunction(std::string name, std::vector<std::string> aliases, Clock clock, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.usage = std::move(usage);
  info.can_fail = false;
  info.bind_scalar = [clock, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                               const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    std::string name = info_copy.name + "()";  // curdate() is named current_date(), as in Spark
    ARROW_ASSIGN_OR_RAISE(const TimeZone* zone, SessionZone(ctx));
    int64_t now = NowMicros();
    std::shared_ptr<arrow::Scalar> value;
    switch (clock) {
      case Clock::kDate:
        value = std::make_shared<arrow::Date32Scalar>(
            static_cast<int32_t>(FloorDiv(zone->UtcToLocalMicros(now), kMicrosPerDay)));
        break;
      case Clock::kTimestamp: value = std::make_shared<arrow::TimestampScalar>(now, types::TimestampType()); break;
      case Clock::kLocalTimestamp:
        value = std::make_shared<arrow::TimestampScalar>(zone->UtcToLocalMicros(now), types::TimestampNtzType());
        break;
      case Clock::kTimeZone: value = arrow::MakeScalar(ctx.session_time_zone); break;
    }
    return ConstantCall(info_copy.name, value, name);
  };
  return info;
}

/// Zones named by a string argument, looked up once per distinct name.
class ZoneCache {
 public:
  Result<const TimeZone*> Get(std::string_view id) {
    if (zone_ == nullptr || id != id_) {
      ARROW_ASSIGN_OR_RAISE(zone_, TimeZone::Find(std::string(id)));
      id_ = std::string(id);
    }
    return zone_;
  }

 private:
  std::string id_;
  const TimeZone* zone_ = nullptr;
};

/// Rows of (micros, zone name) -> micros, NULL where either is NULL.
template <typename Convert>
std::shared_ptr<plan::ScalarKernel> ZoneKernel(std::shared_ptr<arrow::DataType> type, Convert convert) {
  return std::make_shared<LambdaKernel>([type, convert](const std::vector<Datum>& in, int64_t length,
                                                        const EvalContext&) -> Result<Datum> {
    // Arguments: [zone, ...,] micros last.
    const size_t zones = in.size() - 1;
    std::vector<StringArg> names;
    for (size_t z = 0; z < zones; ++z) names.emplace_back(in[z]);
    NumericArg<arrow::Int64Type> micros(in.back());
    std::vector<ZoneCache> caches(zones);
    bool scalar = AllScalars(in);
    int64_t rows = scalar ? 1 : length;
    arrow::TimestampBuilder builder(type, arrow::default_memory_pool());
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    std::vector<const TimeZone*> found(zones);
    for (int64_t i = 0; i < rows; ++i) {
      bool valid = micros.IsValid(i);
      for (size_t z = 0; z < zones && valid; ++z) {
        std::string_view id;
        valid = names[z].Get(i, &id);
        if (valid) {
          ARROW_ASSIGN_OR_RAISE(found[z], caches[z].Get(id));
        }
      }
      if (!valid) {
        builder.UnsafeAppendNull();
        continue;
      }
      builder.UnsafeAppend(convert(micros.Value(i), found));
    }
    return FinishResult(builder.Finish(), scalar);
  });
}

// from_utc_timestamp(ts, tz): the wall-clock time in tz of the instant read as
// UTC; to_utc_timestamp(ts, tz): the reverse (Spark's convertTz).
FunctionInfo UtcConversion(std::string name, bool from_utc, std::string usage) {
  return DateTimeFunction(
      std::move(name), {}, std::move(usage), 2, 2, "2", true,
      [from_utc](const FunctionInfo& info, const std::string& name, std::vector<BoundExprPtr>& args,
                 const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_ASSIGN_OR_RAISE(args[0], TimestampArgument(name, 0, args[0], ctx));
        ARROW_ASSIGN_OR_RAISE(args[1], StringArgument(name, 1, args[1], ctx));
        auto kernel = ZoneKernel(types::TimestampType(), [from_utc](int64_t micros, const std::vector<const TimeZone*>& z) {
          return from_utc ? z[0]->UtcToLocalMicros(micros) : z[0]->LocalToUtcMicros(micros);
        });
        bool nullable = args[0]->nullable || args[1]->nullable;
        // The kernel reads [zone, micros].
        std::vector<BoundExprPtr> ordered = {args[1], args[0]};
        auto call = BoundExpr::Call(info.name, kernel, ordered, types::TimestampType(), nullable, name);
        return call;
      });
}

FunctionInfo ConvertTimezone() {
  return DateTimeFunction(
      "convert_timezone", {},
      "convert_timezone([sourceTz, ]targetTz, sourceTs) - Converts the timestamp without time zone `sourceTs` from the `sourceTz` time zone to `targetTz`.",
      2, 3, "[2, 3]", true,
      [](const FunctionInfo& info, const std::string&, std::vector<BoundExprPtr>& args,
         const EvalContext& ctx) -> Result<BoundExprPtr> {
        if (args.size() == 2) {
          ARROW_ASSIGN_OR_RAISE(auto session, BindFunctionCall("current_timezone", {}, ctx));
          args.insert(args.begin(), session);
        }
        std::string name = CallName(info, info.name, args);
        for (int i = 0; i < 2; ++i) {
          ARROW_ASSIGN_OR_RAISE(args[i], StringArgument(name, i, args[i], ctx));
        }
        if (args[2]->type->id() != arrow::Type::TIMESTAMP || types::IsTimestampLtz(*args[2]->type)) {
          if (types::IsNumeric(*args[2]->type) || args[2]->type->id() == arrow::Type::BOOL) {
            return UnexpectedInputType(name, 2, "\"TIMESTAMP_NTZ\"", *args[2]);
          }
          ARROW_ASSIGN_OR_RAISE(args[2], BindCast(args[2], types::TimestampNtzType(), plan::CastMode::kDefault, true, ctx));
        }
        auto kernel = ZoneKernel(types::TimestampNtzType(), [](int64_t micros, const std::vector<const TimeZone*>& z) {
          return z[1]->UtcToLocalMicros(z[0]->LocalToUtcMicros(micros));
        });
        bool nullable = args[0]->nullable || args[1]->nullable || args[2]->nullable;
        return BoundExpr::Call(info.name, kernel, args, types::TimestampNtzType(), nullable, name);
      });
}

}  // namespace

void RegisterDateTimeZoneFunctions(FunctionRegistry& registry) {
  registry.Add(ClockFunction("current_date", {"curdate"}, Clock::kDate,
                             "current_date() - Returns the current date at the start of query evaluation."));
  registry.Add(ClockFunction("current_timestamp", {}, Clock::kTimestamp,
                             "current_timestamp() - Returns the current timestamp at the start of query evaluation."));
  registry.Add(ClockFunction("now", {}, Clock::kTimestamp,
                             "now() - Returns the current timestamp at the start of query evaluation."));
  registry.Add(ClockFunction("localtimestamp", {}, Clock::kLocalTimestamp,
                             "localtimestamp() - Returns the current timestamp without time zone at the start of query evaluation."));
  registry.Add(ClockFunction("current_timezone", {}, Clock::kTimeZone,
                             "current_timezone() - Returns the current session local timezone."));
  registry.Add(UtcConversion("from_utc_timestamp", true,
                             "from_utc_timestamp(timestamp, timezone) - Given a timestamp like '2017-07-14 02:40:00.0', interprets it as a time in UTC, and renders that time as a timestamp in the given time zone."));
  registry.Add(UtcConversion("to_utc_timestamp", false,
                             "to_utc_timestamp(timestamp, timezone) - Given a timestamp like '2017-07-14 02:40:00.0', interprets it as a time in the given time zone, and renders that time as a timestamp in UTC."));
  registry.Add(ConvertTimezone());
}

}  // namespace sk8::functions
