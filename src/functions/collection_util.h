#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <arrow/array.h>
#include <arrow/datum.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "functions/function_registry.h"
#include "functions/kernel_util.h"

/// Shared pieces of the ARRAY / MAP / STRUCT functions: Spark's types on Arrow
/// (containsNull is the list field's nullability, valueContainsNull the map
/// item's), Spark's ordering and equality of values of any type, and building
/// a list column by picking elements of existing value arrays (one Take, so no
/// kernel per element type).
namespace sk8::functions {

/// Spark's ARRAY<element> with containsNull; MAP<key, value> with valueContainsNull.
std::shared_ptr<arrow::DataType> ArrayOf(std::shared_ptr<arrow::DataType> element, bool contains_null);
std::shared_ptr<arrow::DataType> MapOf(std::shared_ptr<arrow::DataType> key, std::shared_ptr<arrow::DataType> value,
                                       bool value_contains_null);
/// The element type of an ARRAY type and whether it may hold NULLs.
const std::shared_ptr<arrow::DataType>& ElementType(const arrow::DataType& array_type);
bool ContainsNull(const arrow::DataType& array_type);

/// A list argument (array or scalar) as a list array of `rows` rows.
std::shared_ptr<arrow::ListArray> ListArgument(const arrow::Datum& datum, int64_t rows);
std::shared_ptr<arrow::MapArray> MapArgument(const arrow::Datum& datum, int64_t rows);
/// Any argument as an array of `rows` rows.
std::shared_ptr<arrow::Array> ArrayArgument(const arrow::Datum& datum, int64_t rows);
/// Rows of the result: 1 when every argument is a scalar.
int64_t ResultRows(const std::vector<arrow::Datum>& args, int64_t length);

/// Spark's ordering of the non-NULL values of one array (SQLOrderingUtil):
/// NaN above every number and equal to itself, -0.0 equal to 0.0, strings and
/// binaries bytewise, arrays and structs element by element (NULL first).
/// Maps have no ordering (IsOrderable).
using ValueOrder = std::function<int(int64_t, int64_t)>;
ValueOrder MakeValueOrder(const arrow::Array& values);
bool IsOrderable(const arrow::DataType& type);

/// Appends bytes that identify the value at `i` (non-NULL), for hashing: equal
/// keys exactly for values Spark's hash sets find equal (NaN = NaN; -0.0 and
/// 0.0 stay apart, as in array_distinct).
void AppendValueKey(const arrow::Array& values, int64_t i, std::string* key);

/// Builds a list column by naming, row by row, elements of `values` (an index,
/// or -1 for a NULL element).
class ListByIndices {
 public:
  explicit ListByIndices(int64_t rows) : validity_(static_cast<size_t>(rows), 1) { offsets_.reserve(rows + 1); offsets_.push_back(0); }
  void Add(int64_t index) { indices_.push_back(index); }
  void EndRow() { offsets_.push_back(static_cast<int32_t>(indices_.size())); }
  void NullRow() {
    validity_[offsets_.size() - 1] = 0;
    ++null_count_;
    EndRow();
  }
  int64_t row_size() const { return static_cast<int64_t>(indices_.size()) - offsets_.back(); }
  /// Names another element at `position` of the current row.
  void Replace(int64_t position, int64_t index) { indices_[static_cast<size_t>(offsets_.back() + position)] = index; }
  /// The list column (a scalar when `scalar_output`) of type `type`, whose
  /// element type is `values`'s.
  Result<arrow::Datum> Finish(const std::shared_ptr<arrow::DataType>& type, const std::shared_ptr<arrow::Array>& values,
                              bool scalar_output);
  /// The picked elements alone, as a flat array.
  Result<std::shared_ptr<arrow::Array>> Elements(const std::shared_ptr<arrow::Array>& values) const;
  std::vector<int32_t>& offsets() { return offsets_; }

 private:
  std::vector<int32_t> offsets_;
  std::vector<int64_t> indices_;
  std::vector<uint8_t> validity_;
  int64_t null_count_ = 0;
};

/// Validity bitmap (null when all valid) from one byte per row.
std::shared_ptr<arrow::Buffer> BitmapFromBytes(const std::vector<uint8_t>& valid, int64_t* null_count);

/// An argument that must be an ARRAY: DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE otherwise.
Status RequireArray(const std::string& sql_expr, int param_index, const plan::BoundExpr& arg);
Status RequireMap(const std::string& sql_expr, int param_index, const plan::BoundExpr& arg);

/// The common type of `types` for values that go into one collection (Spark's
/// findWiderCommonType over atomic and nested types); nullptr when none.
std::shared_ptr<arrow::DataType> CommonElementType(const std::vector<std::shared_ptr<arrow::DataType>>& types);
/// `arg` cast to `to`; nested types (arrays, maps, structs of other element
/// types or nullability) are converted by Arrow's cast.
Result<BoundExprPtr> CoerceTo(BoundExprPtr arg, const std::shared_ptr<arrow::DataType>& to, const EvalContext& ctx);


// --- binders ----------------------------------------------------------------------------

/// "\"text\"", as error parameters quote SQL and types.
std::string Quoted(const std::string& text);
/// Spark's column name of a call: its lower-case name, then the arguments' names.
/// `extra`: arguments Spark shows after the given ones (defaults it fills in).
std::string CallText(const std::string& called, const std::vector<BoundExprPtr>& args,
                     const std::vector<std::string>& extra = {});
/// A scalar function's metadata (can_fail as given) with its binder.
FunctionInfo ScalarInfo(std::string name, std::string usage, ScalarBinder bind, bool can_fail = false);
/// A call of `function` named `name` whose kernel is `fn`.
BoundExprPtr KernelCall(const std::string& function, std::string name, std::vector<BoundExprPtr> args,
                        std::shared_ptr<arrow::DataType> type, bool nullable, LambdaKernel::Fn fn);
bool AnyNullable(const std::vector<BoundExprPtr>& args);
/// Spark's WRONG_NUM_ARGS unless `min` <= args.size() <= `max`.
Status CheckCount(const std::string& function, const std::vector<BoundExprPtr>& args, size_t min, size_t max);

// --- higher-order functions (higher_order_functions.cc) ---------------------------

/// A bound lambda function: `body` reads, by position, the lambda's variables
/// and then the values it captures from outside (`captures`, expressions over
/// the call's input); its column references carry no identities.
struct BoundLambda {
  BoundExprPtr body;
  std::vector<std::string> variables;
  std::vector<BoundExprPtr> captures;
};

/// One argument of a higher-order function call: a value or a lambda.
struct HigherOrderArg {
  BoundExprPtr value;
  std::shared_ptr<BoundLambda> lambda;
};

/// True for functions that take lambda arguments (transform, filter, ...).
bool IsHigherOrderFunction(const std::string& name);
/// The variables' types and nullability of the lambda at argument `position`
/// of `name`, given the arguments before it; Spark's errors for a lambda with
/// the wrong number of variables or where none is taken.
struct LambdaVariable {
  std::shared_ptr<arrow::DataType> type;
  bool nullable = true;
};
Result<std::vector<LambdaVariable>> LambdaVariables(const std::string& name, size_t position, size_t num_variables,
                                                    const std::vector<HigherOrderArg>& before);
/// Binds a higher-order call: its arguments are the value arguments, then every
/// lambda's captures; the kernel runs the lambdas over the flattened elements.
Result<BoundExprPtr> BindHigherOrderCall(const std::string& called, std::vector<HigherOrderArg> args,
                                         const EvalContext& ctx);
/// base[key] over an ARRAY (0-based index) or a MAP (a key).
Result<BoundExprPtr> BindBracketAccess(const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx);
/// base.field / base[key]: a struct's field, an array of structs' field of each
/// element, else BindBracketAccess.
Result<BoundExprPtr> BindExtractValue(std::vector<BoundExprPtr> args, const EvalContext& ctx, bool dotted);
/// array_sort(array) without a comparator.
Result<BoundExprPtr> BindDefaultArraySort(const std::string& called, std::vector<BoundExprPtr> args);

/// The executor's evaluation of an expression over a batch, which lambda
/// bodies run through (registered by exec/ at start-up: functions/ is below it).
using BatchEvaluator = Result<arrow::Datum> (*)(const plan::BoundExpr&, const arrow::RecordBatch&, const EvalContext&);
void SetBatchEvaluator(BatchEvaluator evaluator);

// --- generators (the analyzer plans them as a Generate node) ----------------------------

enum class GeneratorKind { kExplode, kPosExplode, kInline, kStack, kJsonTuple };
struct GeneratorInfo {
  GeneratorKind kind;
  bool outer;
};
/// explode, explode_outer, posexplode(_outer), inline(_outer), stack, json_tuple; null otherwise.
const GeneratorInfo* FindGenerator(const std::string& name);
/// json_tuple(json, f1, ..., fn) as an ARRAY of one STRUCT<c0, ..., cn-1> (STRING
/// fields) per row, for an inline generator to expand (json_functions.cc).
Result<BoundExprPtr> JsonTupleAsArray(const std::string& name, std::vector<BoundExprPtr> args, const EvalContext& ctx);

// Registration hooks (function_registry.cc calls them).
void RegisterArrayFunctions(FunctionRegistry& registry);
void RegisterMapStructFunctions(FunctionRegistry& registry);
void RegisterCollectAggregates(FunctionRegistry& registry);
void RegisterHigherOrderFunctions(FunctionRegistry& registry);
void RegisterGeneratorFunctions(FunctionRegistry& registry);

}  // namespace sk8::functions
