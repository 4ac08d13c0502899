#include "functions/datetime_util.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/util/decimal.h>

#include <algorithm>

#include "functions/cast.h"
#include "functions/kernel_util.h"
#include "functions/time_util.h"
#include "functions/time_zone.h"
#include "types/spark_types.h"

namespace sk8::functions {

Result<BoundExprPtr> DateArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx) {
  const auto id = arg->type->id();
  if (id == arrow::Type::DATE32) return arg;
  if (types::IsStringLike(*arg->type) || id == arrow::Type::NA || id == arrow::Type::TIMESTAMP) {
    return BindCast(arg, arrow::date32(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  return UnexpectedInputType(sql_expr, index, "\"DATE\"", *arg);
}

Result<BoundExprPtr> TimestampArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx,
                                       bool keep_ntz) {
  const auto id = arg->type->id();
  if (types::IsTimestampLtz(*arg->type)) return arg;
  if (id == arrow::Type::TIMESTAMP && keep_ntz) return arg;
  if (types::IsStringLike(*arg->type) || id == arrow::Type::NA || id == arrow::Type::DATE32 ||
      id == arrow::Type::TIMESTAMP) {
    return BindCast(arg, types::TimestampType(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  return UnexpectedInputType(sql_expr, index, keep_ntz ? "\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\"" : "\"TIMESTAMP\"",
                             *arg);
}

Result<BoundExprPtr> IntArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx) {
  const auto id = arg->type->id();
  if (id == arrow::Type::INT32) return arg;
  if (id == arrow::Type::INT8 || id == arrow::Type::INT16 || id == arrow::Type::NA || types::IsStringLike(*arg->type)) {
    return BindCast(arg, arrow::int32(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  return UnexpectedInputType(sql_expr, index, "(\"INT\" or \"SMALLINT\" or \"TINYINT\")", *arg);
}

Result<BoundExprPtr> StringArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx) {
  if (types::IsStringLike(*arg->type)) return arg;
  if (arg->type->id() == arrow::Type::NA) {
    return BindCast(arg, arrow::utf8(), plan::CastMode::kDefault, /*implicit=*/true, ctx);
  }
  return UnexpectedInputType(sql_expr, index, "\"STRING\"", *arg);
}

BoundExprPtr CastCall(const std::string& function, BoundExprPtr cast, std::string name) {
  auto identity = std::make_shared<LambdaKernel>(
      [](const std::vector<arrow::Datum>& in, int64_t, const EvalContext&) -> Result<arrow::Datum> { return in[0]; });
  auto type = cast->type;
  bool nullable = cast->nullable;
  return plan::BoundExpr::Call(function, identity, {std::move(cast)}, type, nullable, std::move(name));
}

Result<const TimeZone*> SessionZone(const EvalContext& ctx) { return TimeZone::Find(ctx.session_time_zone); }

const std::string* LiteralString(const plan::BoundExpr& arg, std::string* storage, bool* is_null) {
  if (is_null) *is_null = false;
  if (arg.kind != plan::BoundKind::kLiteral) return nullptr;
  if (!arg.literal->is_valid) {
    if (is_null) *is_null = true;
    return nullptr;
  }
  if (!types::IsStringLike(*arg.literal->type)) return nullptr;
  *storage = static_cast<const arrow::BaseBinaryScalar&>(*arg.literal).view();
  return storage;
}

}  // namespace sk8::functions

namespace sk8::functions {

FunctionInfo DateTimeFunction(std::string name, std::vector<std::string> aliases, std::string usage, size_t min_args,
                              size_t max_args, std::string expected, bool can_fail, DateTimeBinder bind) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.usage = std::move(usage);
  info.can_fail = can_fail;
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info, min_args, max_args, expected, bind](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() < min_args || args.size() > max_args) return WrongArgumentCount(called, expected, args.size());
    std::string name = CallName(info_copy, called, args);
    return bind(info_copy, name, args, ctx);
  };
  return info;
}

Result<arrow::Datum> DecimalMicros(const arrow::Datum& decimal) {
  auto value_of = [](const uint8_t* bytes) {
    arrow::Decimal128 d(bytes);
    return static_cast<int64_t>(d.low_bits());  // |seconds| < 10^12: fits
  };
  if (decimal.is_scalar()) {
    const auto& s = static_cast<const arrow::Decimal128Scalar&>(*decimal.scalar());
    if (!s.is_valid) return arrow::Datum(arrow::MakeNullScalar(arrow::int64()));
    return arrow::Datum(std::make_shared<arrow::Int64Scalar>(static_cast<int64_t>(s.value.low_bits())));
  }
  const auto& array = static_cast<const arrow::Decimal128Array&>(*decimal.make_array());
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(array.length()));
  for (int64_t i = 0; i < array.length(); ++i) {
    if (array.IsNull(i)) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(value_of(array.GetValue(i)));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
  return arrow::Datum(out);
}

Status FieldOutOfBounds(const std::string& range_message) {
  return SparkError(SparkExceptionKind::kDateTime, "DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION",
                    {{"rangeMessage", range_message}, {"ansiConfig", "\"spark.sql.ansi.enabled\""}});
}

std::string CheckDate(int64_t year, int64_t month, int64_t day) {
  auto range = [](const char* field, const char* valid, int64_t v) {
    return std::string("Invalid value for ") + field + " (valid values " + valid + "): " + std::to_string(v);
  };
  if (year < -999999999 || year > 999999999) return range("Year", "-999999999 - 999999999", year);
  if (month < 1 || month > 12) return range("MonthOfYear", "1 - 12", month);
  if (day < 1 || day > 31) return range("DayOfMonth", "1 - 28/31", day);
  if (day > DaysInMonth(year, static_cast<int>(month))) {
    if (day == 29) return "Invalid date 'February 29' as '" + std::to_string(year) + "' is not a leap year";
    static const char* kNames[] = {"JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
                                   "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
    return std::string("Invalid date '") + kNames[month - 1] + " " + std::to_string(day) + "'";
  }
  return "";
}

}  // namespace sk8::functions
