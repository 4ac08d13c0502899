#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "functions/function_registry.h"

/// Shared by the date/time function files (datetime_*.cc): Spark's implicit
/// casts of date/time arguments and small calendar helpers.
namespace sk8::functions {

class TimeZone;

/// A DATE argument: strings, NULL and timestamps are cast to DATE as Spark's
/// implicit casts do; anything else is DATATYPE_MISMATCH ("DATE").
Result<BoundExprPtr> DateArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx);
/// A TIMESTAMP argument: TIMESTAMP_NTZ is kept when `keep_ntz`, else cast;
/// DATE, strings and NULL are cast to TIMESTAMP.
Result<BoundExprPtr> TimestampArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx,
                                       bool keep_ntz = false);
/// An INT argument from INT / SMALLINT / TINYINT / strings / NULL (Spark's
/// TypeCollection(IntegerType, ShortType, ByteType)); BIGINT is refused.
Result<BoundExprPtr> IntArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx);
/// A STRING argument (strings and NULL; others are DATATYPE_MISMATCH).
Result<BoundExprPtr> StringArgument(const std::string& sql_expr, int index, BoundExprPtr arg, const EvalContext& ctx);

/// `cast` as a call of `function` named `name` (to_date(s), date(s)): a call,
/// not a folded literal, so that the column is marked as auto-named.
BoundExprPtr CastCall(const std::string& function, BoundExprPtr cast, std::string name);

/// The session time zone of a bind context.
Result<const TimeZone*> SessionZone(const EvalContext& ctx);

/// The literal string value of an argument, or nullptr when it is not a literal
/// (or is NULL: `*is_null` then says so).
const std::string* LiteralString(const plan::BoundExpr& arg, std::string* storage, bool* is_null = nullptr);


}  // namespace sk8::functions

namespace sk8::functions {

/// The binder of a date/time function: `args` already counted against
/// [min_args, max_args]; `name` is Spark's column name of the call.
using DateTimeBinder = std::function<Result<BoundExprPtr>(const FunctionInfo& info, const std::string& name,
                                                          std::vector<BoundExprPtr>& args, const EvalContext& ctx)>;

/// A registry entry of a null-intolerant date/time function taking
/// min_args..max_args arguments (`expected` as Spark prints it: "2", "[2, 3]").
FunctionInfo DateTimeFunction(std::string name, std::vector<std::string> aliases, std::string usage, size_t min_args,
                              size_t max_args, std::string expected, bool can_fail, DateTimeBinder bind);

/// The argument's values as int64 micros of a DECIMAL(p, 6) (seconds with
/// six fraction digits), array or scalar.
Result<arrow::Datum> DecimalMicros(const arrow::Datum& decimal);

/// Spark's DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION for java.time's range message.
Status FieldOutOfBounds(const std::string& range_message);

/// java.time's check of a date: "" when valid, else its message
/// ("Invalid value for MonthOfYear (valid values 1 - 12): 13").
std::string CheckDate(int64_t year, int64_t month, int64_t day);

}  // namespace sk8::functions

namespace sk8::functions {

/// `a + b` / `a - b` where an operand is a DATE or TIMESTAMP and the other an
/// ANSI interval (or both dates / timestamps for `-`), with Spark's result
/// type and name; null when the operands are no such pair. `infix_name` is
/// the call's "(a - b)" name.
Result<BoundExprPtr> BindDateTimeArithmetic(bool subtract, std::vector<BoundExprPtr>& args, const std::string& infix_name,
                                            const EvalContext& ctx);

}  // namespace sk8::functions
