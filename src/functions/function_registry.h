#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plan/bound_expression.h"

/// Function metadata is data: one FunctionInfo per function, read by the analyzer
/// (binding), by SHOW FUNCTIONS / DESCRIBE FUNCTION and by docs. Each category
/// file (arithmetic.cc, comparison.cc, ...) adds its entries at start-up.
namespace sk8::functions {

/// kWindow: functions that exist only over a window (rank, lag, ntile, ...);
/// aggregates also run over windows.
enum class FunctionKind { kScalar, kAggregate, kWindow };

/// How Spark prints a call in a column name.
enum class NameStyle {
  kFunction,  // abs(x), count(1)
  kInfix,     // (a + b)
  kPrefix,    // (- a), (NOT a)
};

using plan::BoundAggregate;
using plan::BoundExprPtr;
using plan::EvalContext;

/// Binds a scalar call: checks and coerces argument types, picks a kernel and
/// returns the bound expression (with Spark's column name).
using ScalarBinder = std::function<Result<BoundExprPtr>(const std::string& called_name,
                                                        std::vector<BoundExprPtr> args,
                                                        const EvalContext& ctx)>;
using AggregateBinder = std::function<Result<BoundAggregate>(
    const std::string& called_name, std::vector<BoundExprPtr> args, bool distinct,
    const EvalContext& ctx)>;

struct FunctionInfo {
  std::string name;                  // canonical name
  std::vector<std::string> aliases;  // other names clients send ("==" for "=")
  FunctionKind kind = FunctionKind::kScalar;
  NameStyle name_style = NameStyle::kFunction;
  std::string sql_symbol;            // printed operator for infix/prefix styles
  std::string usage;                 // one line for DESCRIBE FUNCTION
  bool deterministic = true;
  /// NULL in any argument gives NULL without evaluating the others (Spark's
  /// NullIntolerant, which its NullPropagation rule folds away).
  bool null_intolerant = false;
  /// Evaluating it can raise an error on some row (ANSI overflow, a bad
  /// argument). AND / OR / CASE WHEN keep Spark's row-wise short circuit only
  /// around operands that can fail; the rest are evaluated for the whole batch.
  bool can_fail = true;
  ScalarBinder bind_scalar;
  AggregateBinder bind_aggregate;
  /// kWindow: what the Window operator computes; the analyzer binds the call
  /// (analyzer/window.cc). `pretty_name` is Spark's name of the function in
  /// column names when that differs from `name` (RANK, SQRT, POWER); a call by
  /// an alias is named by the alias (ceiling(x), pow(a, b)).
  plan::WindowFunctionKind window_kind = plan::WindowFunctionKind::kAggregate;
  std::string pretty_name;
};

class FunctionRegistry {
 public:
  static const FunctionRegistry& Instance();

  /// Case-insensitive lookup by name or alias; nullptr when unknown.
  const FunctionInfo* Find(const std::string& name) const;
  const std::vector<FunctionInfo>& functions() const { return functions_; }

  void Add(FunctionInfo info);

 private:
  FunctionRegistry() = default;
  std::vector<FunctionInfo> functions_;
  std::map<std::string, size_t> index_;
};

// Registration hooks, one per category file.
void RegisterArithmeticFunctions(FunctionRegistry& registry);
void RegisterComparisonFunctions(FunctionRegistry& registry);
void RegisterLogicalFunctions(FunctionRegistry& registry);
void RegisterCastFunctions(FunctionRegistry& registry);
void RegisterAggregateFunctions(FunctionRegistry& registry);
void RegisterStatisticalAggregateFunctions(FunctionRegistry& registry);
void RegisterConditionalFunctions(FunctionRegistry& registry);
void RegisterDateTimeFieldFunctions(FunctionRegistry& registry);
void RegisterDateTimeArithmeticFunctions(FunctionRegistry& registry);
void RegisterDateTimeFormatFunctions(FunctionRegistry& registry);
void RegisterDateTimeZoneFunctions(FunctionRegistry& registry);
void RegisterIntervalFunctions(FunctionRegistry& registry);
void RegisterStringFunctions(FunctionRegistry& registry);
void RegisterWindowFunctions(FunctionRegistry& registry);
void RegisterMathFunctions(FunctionRegistry& registry);
void RegisterNullFunctions(FunctionRegistry& registry);
void RegisterHashFunctions(FunctionRegistry& registry);
void RegisterBitwiseFunctions(FunctionRegistry& registry);
void RegisterPercentileFunctions(FunctionRegistry& registry);
void RegisterUrlFunctions(FunctionRegistry& registry);
void RegisterJsonFunctions(FunctionRegistry& registry);
void RegisterCsvFunctions(FunctionRegistry& registry);
void RegisterTimestampUnitFunctions(FunctionRegistry& registry);
void RegisterBitmapFunctions(FunctionRegistry& registry);
void RegisterSketchFunctions(FunctionRegistry& registry);
void RegisterTimeFunctions(FunctionRegistry& registry);  // time_functions.cc: the TIME type
void RegisterAesFunctions(FunctionRegistry& registry);   // aes_functions.cc
void RegisterXPathFunctions(FunctionRegistry& registry); // xpath_functions.cc
void RegisterGeoFunctions(FunctionRegistry& registry);   // geo_functions.cc: st_*
void RegisterXmlFunctions(FunctionRegistry& registry);   // xml_functions.cc: to_xml
void RegisterRandomFunctions(FunctionRegistry& registry);
void RegisterApproxAggregateFunctions(FunctionRegistry& registry);
void RegisterTimeWindowFunctions(FunctionRegistry& registry);
void RegisterTextFunctions(FunctionRegistry& registry);
void RegisterReflectFunctions(FunctionRegistry& registry);  // reflect_functions.cc: reflect, java_method

/// Binds a call of a registered scalar function to already bound arguments.
Result<BoundExprPtr> BindFunctionCall(const std::string& name, std::vector<BoundExprPtr> args,
                                      const EvalContext& ctx = {});
/// `bound` (a call of `info`'s function) marked null-intolerant, as `info` says.
BoundExprPtr MarkNullIntolerant(const BoundExprPtr& bound, const FunctionInfo& info);
/// The conjuncts joined by AND, left to right; null for none.
Result<BoundExprPtr> AndAll(const std::vector<BoundExprPtr>& conjuncts, const EvalContext& ctx = {});
/// (a AND b) OR (a AND c) -> a AND (b OR c): the condition with the conjuncts
/// common to all its OR branches factored out, or null when there are none.
Result<BoundExprPtr> FactorCommonConjuncts(const BoundExprPtr& condition);

/// True when evaluating `expr` can raise an error on some row: a call of a
/// function that can fail (FunctionInfo::can_fail), a narrowing cast, or any
/// argument that can. Column references and literals cannot.
bool CanFail(const plan::BoundExpr& expr);

/// grouping(col): bit `shift` of the grouping id `grouping_id` (BIGINT) as a
/// TINYINT, 1 when the row's grouping set leaves the column out.
BoundExprPtr GroupingBit(BoundExprPtr grouping_id, int shift, std::string name);

// DataFrame.na (na_functions.cc).
/// na.fill: `column` with NULLs (and NaNs of FLOAT / DOUBLE) replaced by `value`, of the column's type.
BoundExprPtr FillNulls(BoundExprPtr column, std::shared_ptr<arrow::Scalar> value);
/// na.drop: true for rows where at least `min` of `columns` are neither NULL nor NaN.
BoundExprPtr AtLeastNNonNulls(std::vector<BoundExprPtr> columns, int64_t min);
/// na.replace: `column` with a value equal to a key (compared as `compare_as`)
/// replaced by the key's target (of the column's type), the first key that matches.
BoundExprPtr ReplaceValues(BoundExprPtr column,
                           std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> pairs,
                           std::shared_ptr<arrow::DataType> compare_as);

/// Column name of a call in Spark's style, from the info and the argument names.
std::string CallName(const FunctionInfo& info, const std::string& called_name,
                     const std::vector<BoundExprPtr>& args);

/// Spark's WRONG_NUM_ARGS error: `expected` as Spark prints it ("2", "[1, 2]", "> 1").
Status WrongArgumentCount(const std::string& function, const std::string& expected, size_t actual);

/// `arg` implicitly cast to the numeric type `to` as Spark's type coercion does
/// for a function argument: numbers, decimals, NULL and strings (parsed at run
/// time) are cast; anything else is DATATYPE_MISMATCH with `required_type`
/// (e.g. "\"DOUBLE\"").
Result<BoundExprPtr> CastNumericArgument(BoundExprPtr arg, const std::shared_ptr<arrow::DataType>& to,
                                         const std::string& sql_expr, int param_index,
                                         const std::string& required_type, const EvalContext& ctx);

/// `arg` as STRING: itself when it is one, else implicitly cast (Spark's
/// coercion of an argument that takes a string).
Result<BoundExprPtr> CastStringArgument(BoundExprPtr arg, const EvalContext& ctx);

/// Spark's DATATYPE_MISMATCH error for a call whose argument has the wrong type.
Status UnexpectedInputType(const std::string& sql_expr, int param_index,
                           const std::string& required_type, const plan::BoundExpr& arg);

}  // namespace sk8::functions
