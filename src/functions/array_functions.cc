// ARRAY functions: construction (array, array_repeat, sequence), lookup
// (array_contains, array_position, element_at, try_element_at, get, size),
// set operations (array_distinct, array_union, array_intersect, array_except,
// arrays_overlap), reshaping (slice, flatten, arrays_zip, array_append /
// prepend / insert / remove / compact), ordering (sort_array, array_sort,
// array_max, array_min) and array_join. Each kernel walks the rows' element
// ranges and names the output elements by index into the input values, so
// one Take builds the result for any element type.
#include <algorithm>
#include <cctype>
#include <numeric>
#include <unordered_set>

#include <arrow/array/concatenate.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;






/// Several arrays concatenated, with where each starts and Spark's ordering over all of them.
struct JoinedValues {
  std::shared_ptr<arrow::Array> all;
  std::vector<int64_t> base;
  ValueOrder order;
};

Result<JoinedValues> Join(const arrow::ArrayVector& arrays) {
  JoinedValues joined;
  int64_t total = 0;
  for (const auto& a : arrays) {
    joined.base.push_back(total);
    total += a->length();
  }
  if (arrays.size() == 1) {
    joined.all = arrays[0];
  } else {
    ARROW_ASSIGN_OR_RAISE(joined.all, arrow::Concatenate(arrays));
  }
  joined.order = MakeValueOrder(*joined.all);
  return joined;
}

Status ArrayFunctionDiffTypes(const std::string& sql_expr, const std::string& function, const plan::BoundExpr& left,
                              const plan::BoundExpr& right) {
  return AnalysisError("DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES",
                       {{"sqlExpr", Quoted(sql_expr)}, {"functionName", "`" + function + "`"},
                        {"dataType", "\"ARRAY\""}, {"leftType", Quoted(types::SqlString(*left.type))},
                        {"rightType", Quoted(types::SqlString(*right.type))}});
}

/// (array, value) arguments: the value cast to the element type or both widened
/// (Spark's findWiderTypeWithoutStringPromotion); ARRAY_FUNCTION_DIFF_TYPES otherwise.
Status CoerceArrayAndValue(const std::string& function, const std::string& sql_expr, std::vector<BoundExprPtr>& args,
                           const EvalContext& ctx) {
  ARROW_RETURN_NOT_OK(RequireArray(sql_expr, 0, *args[0]));
  auto element = ElementType(*args[0]->type);
  auto common = WiderType(element, args[1]->type);
  // Spark's ANSI coercion does not widen a decimal and a float here.
  const bool decimal_float = (element->id() == arrow::Type::DECIMAL128 && types::IsFractional(*args[1]->type)) ||
                             (types::IsFractional(*element) && args[1]->type->id() == arrow::Type::DECIMAL128);
  if (decimal_float) common = nullptr;
  if (!common && !decimal_float && args[1]->type->id() != arrow::Type::NA) {
    auto nested = CommonElementType({element, args[1]->type});
    if (nested && !types::IsStringLike(*nested)) common = nested;
  }
  if (!common) return ArrayFunctionDiffTypes(sql_expr, function, *args[0], *args[1]);
  ARROW_ASSIGN_OR_RAISE(args[0], CoerceTo(args[0], ArrayOf(common, ContainsNull(*args[0]->type)), ctx));
  ARROW_ASSIGN_OR_RAISE(args[1], CoerceTo(args[1], common, ctx));
  return Status::OK();
}

/// Two ARRAY arguments widened to one element type.
Status CoerceTwoArrays(const std::string& function, const std::string& sql_expr, std::vector<BoundExprPtr>& args,
                       const EvalContext& ctx) {
  ARROW_RETURN_NOT_OK(RequireArray(sql_expr, 0, *args[0]));
  ARROW_RETURN_NOT_OK(RequireArray(sql_expr, 1, *args[1]));
  auto common = CommonElementType({ElementType(*args[0]->type), ElementType(*args[1]->type)});
  if (!common) {
    return AnalysisError("DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES",
                         {{"sqlExpr", Quoted(sql_expr)}, {"functionName", "`" + function + "`"},
                          {"arrayType", "\"ARRAY\""}, {"leftType", Quoted(types::SqlString(*args[0]->type))},
                          {"rightType", Quoted(types::SqlString(*args[1]->type))}});
  }
  for (auto& a : args) {
    ARROW_ASSIGN_OR_RAISE(a, CoerceTo(a, ArrayOf(common, ContainsNull(*a->type)), ctx));
  }
  return Status::OK();
}


Result<BoundExprPtr> IntArgument(BoundExprPtr arg, const std::string& sql_expr, int index, const EvalContext& ctx) {
  if (!types::IsIntegral(*arg->type) && arg->type->id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, index, "\"INT\"", *arg);
  }
  return BindCast(std::move(arg), arrow::int32(), plan::CastMode::kDefault, true, ctx);
}

int64_t IntAt(const arrow::Array& a, int64_t i) {
  switch (a.type_id()) {
    case arrow::Type::INT8: return static_cast<const arrow::Int8Array&>(a).Value(i);
    case arrow::Type::INT16: return static_cast<const arrow::Int16Array&>(a).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(a).Value(i);
    default: return static_cast<const arrow::Int64Array&>(a).Value(i);
  }
}

// --- construction -------------------------------------------------------------------

FunctionInfo ArrayFunction() {
  return ScalarInfo("array", "array(expr, ...) - Returns an array with the given elements.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                std::vector<std::shared_ptr<arrow::DataType>> types;
                for (const auto& a : args) types.push_back(a->type);
                auto common = CommonElementType(types);
                const std::string name = CallText(called, args);
                if (!common) {
                  std::string list;
                  for (const auto& a : args) list += (list.empty() ? "" : " or ") + Quoted(types::SqlString(*a->type));
                  return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                                       {{"sqlExpr", Quoted(name)}, {"functionName", "`array`"}, {"dataType", "(" + list + ")"}});
                }
                for (auto& a : args) {
                  ARROW_ASSIGN_OR_RAISE(a, CoerceTo(a, common, ctx));
                }
                auto type = ArrayOf(common, AnyNullable(args));
                return KernelCall("array", name, args, type, false,
                            [type, common](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              arrow::ArrayVector columns;
                              for (const auto& d : a) columns.push_back(ArrayArgument(d, rows));
                              std::shared_ptr<arrow::Array> values;
                              if (columns.empty()) {
                                ARROW_ASSIGN_OR_RAISE(values, arrow::MakeArrayOfNull(common, 0));
                              } else {
                                ARROW_ASSIGN_OR_RAISE(values, arrow::Concatenate(columns));
                              }
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                for (size_t k = 0; k < columns.size(); ++k) out.Add(static_cast<int64_t>(k) * rows + i);
                                out.EndRow();
                              }
                              return out.Finish(type, values, AllScalars(a));
                            });
              });
}

FunctionInfo ArrayRepeat() {
  return ScalarInfo("array_repeat", "array_repeat(element, count) - Returns the array containing element count times.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("array_repeat", args, 2, 2));
                const std::string name = CallText(called, args);
                ARROW_ASSIGN_OR_RAISE(args[1], IntArgument(args[1], name, 1, ctx));
                auto type = ArrayOf(args[0]->type, args[0]->nullable);
                return KernelCall("array_repeat", name, args, type, args[1]->nullable,
                            [type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto element = ArrayArgument(a[0], rows);
                              auto count = ArrayArgument(a[1], rows);
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (count->IsNull(i)) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t n = IntAt(*count, i); n > 0; --n) out.Add(i);
                                out.EndRow();
                              }
                              return out.Finish(type, element, AllScalars(a));
                            });
              });
}

FunctionInfo Sequence() {
  return ScalarInfo("sequence",
              "sequence(start, stop, step) - Generates an array of elements from start to stop (inclusive), "
              "incrementing by step.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("sequence", args, 2, 3));
                const std::string name = CallText(called, args);
                std::shared_ptr<arrow::DataType> common = arrow::null();
                for (size_t i = 0; i < args.size(); ++i) {
                  if (!types::IsIntegral(*args[i]->type) && args[i]->type->id() != arrow::Type::NA) {
                    return Unsupported("sequence over " + types::SqlString(*args[i]->type) + " values");
                  }
                  common = WiderType(common, args[i]->type);
                }
                if (common->id() == arrow::Type::NA) common = arrow::int32();
                for (auto& a : args) {
                  ARROW_ASSIGN_OR_RAISE(a, BindCast(a, arrow::int64(), plan::CastMode::kDefault, true, ctx));
                }
                auto type = ArrayOf(common, false);
                auto long_type = ArrayOf(arrow::int64(), false);
                auto bound = KernelCall("sequence", name, args, type, AnyNullable(args),
                                  [type, long_type, common](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                                    const int64_t rows = ResultRows(a, length);
                                    arrow::ArrayVector in;
                                    for (const auto& d : a) in.push_back(ArrayArgument(d, rows));
                                    arrow::Int64Builder values;
                                    std::vector<int32_t> offsets = {0};
                                    std::vector<uint8_t> valid(static_cast<size_t>(rows), 1);
                                    for (int64_t i = 0; i < rows; ++i) {
                                      bool null = false;
                                      for (const auto& x : in) null |= x->IsNull(i);
                                      if (null) {
                                        valid[static_cast<size_t>(i)] = 0;
                                        offsets.push_back(offsets.back());
                                        continue;
                                      }
                                      int64_t start = IntAt(*in[0], i), stop = IntAt(*in[1], i);
                                      int64_t step = in.size() > 2 ? IntAt(*in[2], i) : (start <= stop ? 1 : -1);
                                      bool ok = (step > 0 && start <= stop) || (step < 0 && start >= stop) ||
                                                (step == 0 && start == stop);
                                      if (!ok) {
                                        return SparkError(SparkExceptionKind::kIllegalArgument,
                                                          "INVALID_PARAMETER_VALUE.SEQUENCE_WRONG_INPUT_TYPES",
                                                          {{"parameter", "`step`"}, {"functionName", "`sequence`"}});
                                      }
                                      const __int128 count = step == 0 ? 1 : (static_cast<__int128>(stop) - start) / step + 1;
                                      if (count > 2147483632) {
                                        return SparkError(SparkExceptionKind::kRuntime, "COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER",
                                                          {{"numberOfElements", std::to_string(static_cast<int64_t>(count))},
                                                           {"maxRoundedArrayLength", "2147483632"},
                                                           {"functionName", "`sequence`"},
                                                           {"parameter", "`count`"}});
                                      }
                                      for (int64_t k = 0; k < static_cast<int64_t>(count); ++k) {
                                        ARROW_RETURN_NOT_OK(values.Append(start + k * step));
                                      }
                                      offsets.push_back(static_cast<int32_t>(values.length()));
                                    }
                                    ARROW_ASSIGN_OR_RAISE(auto flat, values.Finish());
                                    int64_t nulls = 0;
                                    auto bitmap = BitmapFromBytes(valid, &nulls);
                                    auto list = std::make_shared<arrow::ListArray>(
                                        long_type, rows, arrow::Buffer::FromVector(std::move(offsets)), flat, bitmap, nulls);
                                    Datum out(list);
                                    if (!common->Equals(*arrow::int64())) {
                                      ARROW_ASSIGN_OR_RAISE(out, arrow::compute::Cast(out, arrow::compute::CastOptions::Unsafe(type)));
                                    }
                                    return FinishResult(out.make_array(), AllScalars(a));
                                  });
                return bound;
              });
}

// --- lookup ---------------------------------------------------------------------------

/// array_contains / array_position: the first element equal to the value (Spark's
/// ordering equality), over each row.
enum class LookupKind { kContains, kPosition, kRemove };

FunctionInfo Lookup(const std::string& function, LookupKind kind, std::string usage) {
  return ScalarInfo(function, std::move(usage),
              [function, kind](const std::string& called, std::vector<BoundExprPtr> args,
                               const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount(function, args, 2, 2));
                const std::string name = CallText(called, args);
                if (args[1]->type->id() == arrow::Type::NA && kind != LookupKind::kRemove &&
                    args[0]->type->id() == arrow::Type::LIST) {
                  return AnalysisError("DATATYPE_MISMATCH.NULL_TYPE",
                                       {{"sqlExpr", Quoted(name)}, {"functionName", "`" + function + "`"}});
                }
                ARROW_RETURN_NOT_OK(CoerceArrayAndValue(function, name, args, ctx));
                std::shared_ptr<arrow::DataType> type = kind == LookupKind::kContains   ? arrow::boolean()
                                                        : kind == LookupKind::kPosition ? arrow::int64()
                                                                                        : args[0]->type;
                bool nullable = AnyNullable(args) || (kind == LookupKind::kContains && ContainsNull(*args[0]->type));
                return KernelCall(function, name, args, type, nullable,
                            [kind, type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              auto value = ArrayArgument(a[1], rows);
                              ARROW_ASSIGN_OR_RAISE(auto joined, Join({list->values(), value}));
                              const auto& elements = *list->values();
                              const int64_t value_base = joined.base[1];
                              if (kind == LookupKind::kRemove) {
                                ListByIndices out(rows);
                                for (int64_t i = 0; i < rows; ++i) {
                                  if (list->IsNull(i) || value->IsNull(i)) {
                                    out.NullRow();
                                    continue;
                                  }
                                  for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                    if (elements.IsNull(e) || joined.order(e, value_base + i) != 0) out.Add(e);
                                  }
                                  out.EndRow();
                                }
                                return out.Finish(type, list->values(), AllScalars(a));
                              }
                              std::unique_ptr<arrow::ArrayBuilder> builder;
                              ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
                              for (int64_t i = 0; i < rows; ++i) {
                                if (list->IsNull(i) || value->IsNull(i)) {
                                  ARROW_RETURN_NOT_OK(builder->AppendNull());
                                  continue;
                                }
                                int64_t found = 0;
                                bool saw_null = false;
                                for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                  if (elements.IsNull(e)) {
                                    saw_null = true;
                                  } else if (joined.order(e, value_base + i) == 0) {
                                    found = e - list->value_offset(i) + 1;
                                    break;
                                  }
                                }
                                if (kind == LookupKind::kPosition) {
                                  ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder&>(*builder).Append(found));
                                } else if (found == 0 && saw_null) {
                                  ARROW_RETURN_NOT_OK(builder->AppendNull());
                                } else {
                                  ARROW_RETURN_NOT_OK(static_cast<arrow::BooleanBuilder&>(*builder).Append(found > 0));
                                }
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, builder->Finish());
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

// element_at (1-based, negative from the end), try_element_at, get (0-based)
// and a[i] (0-based) over arrays; element_at / try_element_at / a[key] also
// over maps, where they look up a key.
enum class IndexBase { kOneBased, kZeroBased };

struct ElementAtSpec {
  std::string function;
  IndexBase base;
  bool ansi_errors;  // out of bounds fails under ANSI (element_at, a[i])
  bool bracket;      // named a[i]
};

Result<Datum> ArrayElementAt(const ElementAtSpec& spec, const std::shared_ptr<arrow::DataType>& type, const Args& a,
                             int64_t length, const EvalContext& ctx) {
  const int64_t rows = ResultRows(a, length);
  auto list = ListArgument(a[0], rows);
  auto index = ArrayArgument(a[1], rows);
  ListByIndices picks(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (list->IsNull(i) || index->IsNull(i)) {
      picks.Add(-1);
      continue;
    }
    int64_t n = list->value_length(i);
    int64_t k = IntAt(*index, i);
    int64_t position;
    if (spec.base == IndexBase::kOneBased) {
      if (k == 0) {
        return SparkError(SparkExceptionKind::kRuntime, "INVALID_INDEX_OF_ZERO", {});
      }
      position = k > 0 ? k - 1 : n + k;
    } else {
      position = k;
    }
    if (position < 0 || position >= n) {
      if (spec.ansi_errors && ctx.ansi) {
        if (spec.bracket) {
          return SparkError(SparkExceptionKind::kArrayIndexOutOfBounds, "INVALID_ARRAY_INDEX",
                            {{"indexValue", std::to_string(k)}, {"arraySize", std::to_string(n)}});
        }
        return SparkError(SparkExceptionKind::kArrayIndexOutOfBounds, "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
                          {{"indexValue", std::to_string(k)}, {"arraySize", std::to_string(n)}});
      }
      picks.Add(-1);
      continue;
    }
    picks.Add(list->value_offset(i) + position);
  }
  ARROW_ASSIGN_OR_RAISE(auto values, picks.Elements(list->values()));
  (void)type;
  return FinishResult(values, AllScalars(a));
}

Result<Datum> MapValueAt(const Args& a, int64_t length) {
  const int64_t rows = ResultRows(a, length);
  auto map = MapArgument(a[0], rows);
  auto key = ArrayArgument(a[1], rows);
  ARROW_ASSIGN_OR_RAISE(auto joined, Join({map->keys(), key}));
  ListByIndices picks(rows);
  for (int64_t i = 0; i < rows; ++i) {
    int64_t found = -1;
    if (map->IsValid(i) && key->IsValid(i)) {
      for (int64_t e = map->value_offset(i); e < map->value_offset(i + 1); ++e) {
        if (joined.order(e, joined.base[1] + i) == 0) {
          found = e;
          break;
        }
      }
    }
    picks.Add(found);
  }
  ARROW_ASSIGN_OR_RAISE(auto values, picks.Elements(map->items()));
  return FinishResult(values, AllScalars(a));
}

FunctionInfo ElementAt(ElementAtSpec spec, std::string usage) {
  return ScalarInfo(spec.function, std::move(usage),
              [spec](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount(spec.function, args, 2, 2));
                std::string name = spec.bracket ? args[0]->name + "[" + args[1]->name + "]" : CallText(called, args);
                if (args[0]->type->id() == arrow::Type::MAP && !(spec.base == IndexBase::kZeroBased && !spec.bracket)) {
                  const auto& map = static_cast<const arrow::MapType&>(*args[0]->type);
                  auto key_type = map.key_type();
                  if (!WiderType(key_type, args[1]->type)) {
                    return AnalysisError("DATATYPE_MISMATCH.MAP_FUNCTION_DIFF_TYPES",
                                         {{"sqlExpr", Quoted(name)}, {"functionName", "`" + spec.function + "`"},
                                          {"dataType", "\"MAP\""}, {"leftType", Quoted(types::SqlString(*args[0]->type))},
                                          {"rightType", Quoted(types::SqlString(*args[1]->type))}});
                  }
                  ARROW_ASSIGN_OR_RAISE(args[1], CoerceTo(args[1], key_type, ctx));
                  return KernelCall(spec.function, name, args, map.item_type(), true,
                              [](const Args& a, int64_t length, const EvalContext&) { return MapValueAt(a, length); });
                }
                if (args[0]->type->id() != arrow::Type::LIST) {
                  if (spec.bracket && args[0]->type->id() == arrow::Type::STRUCT) {
                    return InternalError("struct field access by an expression");
                  }
                  return UnexpectedInputType(name, 0, spec.function == "get" ? "\"ARRAY\"" : "(\"ARRAY\" or \"MAP\")",
                                             *args[0]);
                }
                if (!types::IsIntegral(*args[1]->type) && args[1]->type->id() != arrow::Type::NA) {
                  if (spec.bracket) {
                    return AnalysisError("INVALID_EXTRACT_FIELD_TYPE", {{"extraction", Quoted(args[1]->name)}});
                  }
                  return UnexpectedInputType(name, 1, "\"INT\"", *args[1]);
                }
                ARROW_ASSIGN_OR_RAISE(args[1], BindCast(args[1], arrow::int32(), plan::CastMode::kDefault, true, ctx));
                auto type = ElementType(*args[0]->type);
                bool nullable = true;
                auto bound = KernelCall(spec.function, name, args, type, nullable,
                                  [spec, type](const Args& a, int64_t length, const EvalContext& ctx) {
                                    return ArrayElementAt(spec, type, a, length, ctx);
                                  });
                return bound;
              });
}

/// size / cardinality (arrays and maps) and array_size (arrays only, NULL for
/// NULL whatever spark.sql.legacy.sizeOfNull says).
FunctionInfo Size(const std::string& function, bool array_size = false) {
  return ScalarInfo(function,
                    array_size ? "array_size(expr) - Returns the size of an array. The function returns null for null "
                                 "input."
                               : function + "(expr) - Returns the size of an array or a map.",
              [function, array_size](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount(function, args, 1, 1));
                const std::string name = CallText(called, args);
                if (array_size && args[0]->type->id() != arrow::Type::LIST) {
                  return UnexpectedInputType(name, 0, "\"ARRAY\"", *args[0]);
                }
                if (args[0]->type->id() != arrow::Type::LIST && args[0]->type->id() != arrow::Type::MAP) {
                  return UnexpectedInputType(name, 0, "(\"ARRAY\" or \"MAP\")", *args[0]);
                }
                // spark.sql.legacy.sizeOfNull (true) gives -1 for NULL, but not under ANSI.
                const bool legacy = !ctx.ansi && !array_size;
                return KernelCall(function, name, args, arrow::int32(), !legacy && args[0]->nullable,
                            [legacy](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = std::static_pointer_cast<arrow::ListArray>(ArrayArgument(a[0], rows));
                              arrow::Int32Builder out;
                              ARROW_RETURN_NOT_OK(out.Reserve(rows));
                              for (int64_t i = 0; i < rows; ++i) {
                                if (list->IsNull(i)) {
                                  if (legacy) {
                                    out.UnsafeAppend(-1);
                                  } else {
                                    out.UnsafeAppendNull();
                                  }
                                } else {
                                  out.UnsafeAppend(list->value_length(i));
                                }
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

// --- set operations ------------------------------------------------------------------

enum class SetOp { kDistinct, kUnion, kIntersect, kExcept };

Result<Datum> SetOperation(SetOp op, const std::shared_ptr<arrow::DataType>& type, const Args& a, int64_t length) {
  const int64_t rows = ResultRows(a, length);
  auto left = ListArgument(a[0], rows);
  auto right = op == SetOp::kDistinct ? left : ListArgument(a[1], rows);
  ARROW_ASSIGN_OR_RAISE(auto joined, Join({left->values(), right->values()}));
  const auto& all = *joined.all;
  const int64_t rbase = joined.base[1];
  ListByIndices out(rows);
  std::unordered_set<std::string> seen, other;
  std::string key;
  auto key_of = [&](int64_t e) -> const std::string& {
    key.clear();
    if (all.IsNull(e)) {
      key = "\xff";  // NULL: one key of its own
    } else {
      key.push_back('\0');
      AppendValueKey(all, e, &key);
    }
    return key;
  };
  for (int64_t i = 0; i < rows; ++i) {
    if (left->IsNull(i) || right->IsNull(i)) {
      out.NullRow();
      continue;
    }
    seen.clear();
    other.clear();
    if (op == SetOp::kIntersect || op == SetOp::kExcept) {
      for (int64_t e = right->value_offset(i); e < right->value_offset(i + 1); ++e) other.insert(key_of(rbase + e));
    }
    auto emit = [&](int64_t e) {
      const std::string& k = key_of(e);
      bool keep = op == SetOp::kIntersect ? other.count(k) > 0 : op == SetOp::kExcept ? other.count(k) == 0 : true;
      if (keep && seen.insert(k).second) out.Add(e);
    };
    for (int64_t e = left->value_offset(i); e < left->value_offset(i + 1); ++e) emit(e);
    if (op == SetOp::kUnion) {
      for (int64_t e = right->value_offset(i); e < right->value_offset(i + 1); ++e) emit(rbase + e);
    }
    out.EndRow();
  }
  return out.Finish(type, joined.all, AllScalars(a));
}

FunctionInfo SetFunction(const std::string& function, SetOp op, std::string usage) {
  return ScalarInfo(function, std::move(usage),
              [function, op](const std::string& called, std::vector<BoundExprPtr> args,
                             const EvalContext& ctx) -> Result<BoundExprPtr> {
                const size_t n = op == SetOp::kDistinct ? 1 : 2;
                ARROW_RETURN_NOT_OK(CheckCount(function, args, n, n));
                const std::string name = CallText(called, args);
                if (n == 1) {
                  ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                } else {
                  ARROW_RETURN_NOT_OK(CoerceTwoArrays(function, name, args, ctx));
                }
                bool contains_null = ContainsNull(*args[0]->type);
                if (op == SetOp::kUnion) contains_null |= ContainsNull(*args[1]->type);
                if (op == SetOp::kIntersect) contains_null &= ContainsNull(*args[1]->type);
                auto type = ArrayOf(ElementType(*args[0]->type), contains_null);
                return KernelCall(function, name, args, type, AnyNullable(args),
                            [op, type](const Args& a, int64_t length, const EvalContext&) {
                              return SetOperation(op, type, a, length);
                            });
              });
}

FunctionInfo ArraysOverlap() {
  return ScalarInfo("arrays_overlap",
              "arrays_overlap(a1, a2) - Returns true if a1 contains at least a non-null element present also in a2.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("arrays_overlap", args, 2, 2));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(CoerceTwoArrays("arrays_overlap", name, args, ctx));
                bool nullable = AnyNullable(args) || ContainsNull(*args[0]->type) || ContainsNull(*args[1]->type);
                return KernelCall("arrays_overlap", name, args, arrow::boolean(), nullable,
                            [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto left = ListArgument(a[0], rows), right = ListArgument(a[1], rows);
                              ARROW_ASSIGN_OR_RAISE(auto joined, Join({left->values(), right->values()}));
                              const auto& all = *joined.all;
                              arrow::BooleanBuilder out;
                              std::unordered_set<std::string> keys;
                              std::string key;
                              for (int64_t i = 0; i < rows; ++i) {
                                if (left->IsNull(i) || right->IsNull(i)) {
                                  ARROW_RETURN_NOT_OK(out.AppendNull());
                                  continue;
                                }
                                keys.clear();
                                bool saw_null = false, found = false;
                                for (int64_t e = left->value_offset(i); e < left->value_offset(i + 1); ++e) {
                                  if (all.IsNull(e)) {
                                    saw_null = true;
                                    continue;
                                  }
                                  key.clear();
                                  AppendValueKey(all, e, &key);
                                  keys.insert(key);
                                }
                                for (int64_t e = right->value_offset(i); e < right->value_offset(i + 1) && !found; ++e) {
                                  int64_t r = joined.base[1] + e;
                                  if (all.IsNull(r)) {
                                    saw_null = true;
                                    continue;
                                  }
                                  key.clear();
                                  AppendValueKey(all, r, &key);
                                  found = keys.count(key) > 0;
                                }
                                bool both_nonempty = left->value_length(i) > 0 && right->value_length(i) > 0;
                                if (!found && saw_null && both_nonempty) {
                                  ARROW_RETURN_NOT_OK(out.AppendNull());
                                } else {
                                  ARROW_RETURN_NOT_OK(out.Append(found));
                                }
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

// --- reshaping -----------------------------------------------------------------------

FunctionInfo Slice() {
  return ScalarInfo("slice",
              "slice(x, start, length) - Subsets array x starting from index start (array indices start at 1, or "
              "starting from the end if start is negative) with the specified length.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("slice", args, 3, 3));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                ARROW_ASSIGN_OR_RAISE(args[1], IntArgument(args[1], name, 1, ctx));
                ARROW_ASSIGN_OR_RAISE(args[2], IntArgument(args[2], name, 2, ctx));
                auto type = args[0]->type;
                auto bound = KernelCall("slice", name, args, type, AnyNullable(args),
                                  [type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                                    const int64_t rows = ResultRows(a, length);
                                    auto list = ListArgument(a[0], rows);
                                    auto start = ArrayArgument(a[1], rows), count = ArrayArgument(a[2], rows);
                                    ListByIndices out(rows);
                                    for (int64_t i = 0; i < rows; ++i) {
                                      if (list->IsNull(i) || start->IsNull(i) || count->IsNull(i)) {
                                        out.NullRow();
                                        continue;
                                      }
                                      int64_t s = IntAt(*start, i), c = IntAt(*count, i), n = list->value_length(i);
                                      if (s == 0) {
                                        return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.START",
                                                          {{"parameter", "`start`"}, {"functionName", "`slice`"}});
                                      }
                                      if (c < 0) {
                                        return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.LENGTH",
                                                          {{"parameter", "`length`"}, {"functionName", "`slice`"},
                                                           {"length", std::to_string(c)}});
                                      }
                                      int64_t from = s > 0 ? s - 1 : n + s;
                                      if (from >= 0 && from < n) {
                                        for (int64_t k = from; k < std::min(n, from + c); ++k) out.Add(list->value_offset(i) + k);
                                      }
                                      out.EndRow();
                                    }
                                    return out.Finish(type, list->values(), AllScalars(a));
                                  });
                return bound;
              });
}

FunctionInfo Flatten() {
  return ScalarInfo("flatten", "flatten(arrayOfArrays) - Transforms an array of arrays into a single array.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("flatten", args, 1, 1));
                const std::string name = CallText(called, args);
                if (args[0]->type->id() != arrow::Type::LIST ||
                    ElementType(*args[0]->type)->id() != arrow::Type::LIST) {
                  return UnexpectedInputType(name, 0, "\"ARRAY\" of \"ARRAY\"", *args[0]);
                }
                auto type = ElementType(*args[0]->type);
                bool nullable = args[0]->nullable || ContainsNull(*args[0]->type);
                return KernelCall("flatten", name, args, type, nullable,
                            [type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto outer = ListArgument(a[0], rows);
                              const auto& inner = static_cast<const arrow::ListArray&>(*outer->values());
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                bool null = outer->IsNull(i);
                                for (int64_t e = outer->value_offset(i); !null && e < outer->value_offset(i + 1); ++e) {
                                  null = inner.IsNull(e);
                                }
                                if (null) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t e = outer->value_offset(i); e < outer->value_offset(i + 1); ++e) {
                                  for (int64_t k = inner.value_offset(e); k < inner.value_offset(e + 1); ++k) out.Add(k);
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, inner.values(), AllScalars(a));
                            });
              });
}

FunctionInfo ArraysZip() {
  return ScalarInfo("arrays_zip",
              "arrays_zip(a1, a2, ...) - Returns a merged array of structs in which the N-th struct contains all "
              "N-th values of input arrays.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                const std::string name = CallText(called, args);
                arrow::FieldVector fields;
                for (size_t k = 0; k < args.size(); ++k) {
                  ARROW_RETURN_NOT_OK(RequireArray(name, static_cast<int>(k), *args[k]));
                  // Spark names a field after a column (or a struct field) argument, else by position.
                  bool named = args[k]->kind == plan::BoundKind::kColumnRef ||
                               (args[k]->kind == plan::BoundKind::kCall && args[k]->function_name == "get_struct_field");
                  fields.push_back(arrow::field(named ? args[k]->name : std::to_string(k), ElementType(*args[k]->type), true));
                }
                auto element = arrow::struct_(fields);
                auto type = ArrayOf(element, false);
                return KernelCall("arrays_zip", name, args, type, AnyNullable(args),
                            [type, element](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              std::vector<std::shared_ptr<arrow::ListArray>> lists;
                              for (const auto& d : a) lists.push_back(ListArgument(d, rows));
                              std::vector<ListByIndices> picks(lists.size(), ListByIndices(0));
                              std::vector<int32_t> offsets = {0};
                              std::vector<uint8_t> valid(static_cast<size_t>(rows), 1);
                              std::vector<std::vector<int64_t>> indices(lists.size());
                              for (int64_t i = 0; i < rows; ++i) {
                                bool null = false;
                                int64_t n = 0;
                                for (const auto& l : lists) {
                                  null |= l->IsNull(i);
                                  if (!l->IsNull(i)) n = std::max<int64_t>(n, l->value_length(i));
                                }
                                if (null) {
                                  valid[static_cast<size_t>(i)] = 0;
                                  n = 0;
                                }
                                for (int64_t k = 0; k < n; ++k) {
                                  for (size_t c = 0; c < lists.size(); ++c) {
                                    picks[c].Add(k < lists[c]->value_length(i) ? lists[c]->value_offset(i) + k : -1);
                                  }
                                }
                                offsets.push_back(offsets.back() + static_cast<int32_t>(n));
                              }
                              arrow::ArrayVector children;
                              for (size_t c = 0; c < lists.size(); ++c) {
                                ARROW_ASSIGN_OR_RAISE(auto child, picks[c].Elements(lists[c]->values()));
                                children.push_back(child);
                              }
                              const int64_t total = offsets.back();
                              auto structs = std::make_shared<arrow::StructArray>(element, total, children);
                              int64_t nulls = 0;
                              auto bitmap = BitmapFromBytes(valid, &nulls);
                              auto list = std::make_shared<arrow::ListArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets)),
                                                                             structs, bitmap, nulls);
                              return FinishResult(std::shared_ptr<arrow::Array>(list), AllScalars(a));
                            });
              });
}

enum class InsertKind { kAppend, kPrepend, kInsert };

FunctionInfo ArrayInsert(const std::string& function, InsertKind kind, std::string usage) {
  return ScalarInfo(function, std::move(usage),
              [function, kind](const std::string& called, std::vector<BoundExprPtr> args,
                               const EvalContext& ctx) -> Result<BoundExprPtr> {
                const size_t n = kind == InsertKind::kInsert ? 3 : 2;
                ARROW_RETURN_NOT_OK(CheckCount(function, args, n, n));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                if (kind == InsertKind::kInsert) {
                  ARROW_ASSIGN_OR_RAISE(args[1], IntArgument(args[1], name, 1, ctx));
                }
                auto& value = args.back();
                auto element = ElementType(*args[0]->type);
                auto common = CommonElementType({element, value->type});
                if (!common || (types::IsStringLike(*common) && !types::IsStringLike(*element) &&
                                element->id() != arrow::Type::NA)) {
                  return ArrayFunctionDiffTypes(name, function, *args[0], *value);
                }
                ARROW_ASSIGN_OR_RAISE(args[0], CoerceTo(args[0], ArrayOf(common, ContainsNull(*args[0]->type)), ctx));
                ARROW_ASSIGN_OR_RAISE(value, CoerceTo(value, common, ctx));
                auto type = ArrayOf(common, ContainsNull(*args[0]->type) || value->nullable ||
                                                (kind == InsertKind::kInsert));
                bool nullable = args[0]->nullable || (kind == InsertKind::kInsert && args[1]->nullable);
                return KernelCall(function, name, args, type, nullable,
                            [kind, type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              auto value = ArrayArgument(a.back(), rows);
                              auto position = kind == InsertKind::kInsert ? ArrayArgument(a[1], rows) : nullptr;
                              ARROW_ASSIGN_OR_RAISE(auto joined, Join({list->values(), value}));
                              const int64_t vbase = joined.base[1];
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (list->IsNull(i) || (position && position->IsNull(i))) {
                                  out.NullRow();
                                  continue;
                                }
                                const int64_t off = list->value_offset(i), n = list->value_length(i);
                                const int64_t v = value->IsNull(i) ? -1 : vbase + i;
                                if (kind == InsertKind::kPrepend) out.Add(v);
                                if (kind != InsertKind::kInsert) {
                                  for (int64_t k = 0; k < n; ++k) out.Add(off + k);
                                  if (kind == InsertKind::kAppend) out.Add(v);
                                  out.EndRow();
                                  continue;
                                }
                                int64_t pos = IntAt(*position, i);
                                if (pos == 0) {
                                  return SparkError(SparkExceptionKind::kRuntime, "INVALID_INDEX_OF_ZERO", {});
                                }
                                // 0-based slot; negative positions count from the end (-1: after the last).
                                int64_t slot = pos > 0 ? pos - 1 : n + pos + 1;
                                if (slot < 0) {
                                  out.Add(v);
                                  for (int64_t k = slot; k < 0; ++k) out.Add(-1);
                                  for (int64_t k = 0; k < n; ++k) out.Add(off + k);
                                } else {
                                  for (int64_t k = 0; k < std::min(slot, n); ++k) out.Add(off + k);
                                  for (int64_t k = n; k < slot; ++k) out.Add(-1);
                                  out.Add(v);
                                  for (int64_t k = slot; k < n; ++k) out.Add(off + k);
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, joined.all, AllScalars(a));
                            });
              });
}

FunctionInfo ArrayCompact() {
  return ScalarInfo("array_compact", "array_compact(array) - Removes null values from the array.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("array_compact", args, 1, 1));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                auto type = ArrayOf(ElementType(*args[0]->type), false);
                return KernelCall("array_compact", name, args, type, args[0]->nullable,
                            [type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              const auto& values = *list->values();
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (list->IsNull(i)) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                  if (values.IsValid(e)) out.Add(e);
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, list->values(), AllScalars(a));
                            });
              });
}

// --- ordering ------------------------------------------------------------------------

Status RequireOrderable(const std::string& name, const std::string& function, const plan::BoundExpr& arg) {
  if (IsOrderable(*ElementType(*arg.type))) return Status::OK();
  return AnalysisError("DATATYPE_MISMATCH.INVALID_ORDERING_TYPE",
                       {{"sqlExpr", Quoted(name)}, {"functionName", "`" + function + "`"},
                        {"dataType", Quoted(types::SqlString(*arg.type))}});
}

/// Each row's elements sorted (stable), NULLs first or last.
Result<Datum> SortLists(const Datum& arg, int64_t length, bool scalar_output, bool ascending, bool nulls_first) {
  const int64_t rows = scalar_output ? 1 : length;
  auto list = ListArgument(arg, rows);
  const auto& values = *list->values();
  auto order = MakeValueOrder(values);
  ListByIndices out(rows);
  std::vector<int64_t> row;
  for (int64_t i = 0; i < rows; ++i) {
    if (list->IsNull(i)) {
      out.NullRow();
      continue;
    }
    row.clear();
    int64_t nulls = 0;
    for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
      if (values.IsNull(e)) {
        ++nulls;
      } else {
        row.push_back(e);
      }
    }
    std::stable_sort(row.begin(), row.end(),
                     [&](int64_t x, int64_t y) { return ascending ? order(x, y) < 0 : order(x, y) > 0; });
    if (nulls_first) {
      for (int64_t k = 0; k < nulls; ++k) out.Add(-1);
    }
    for (int64_t e : row) out.Add(e);
    if (!nulls_first) {
      for (int64_t k = 0; k < nulls; ++k) out.Add(-1);
    }
    out.EndRow();
  }
  return out.Finish(list->type(), list->values(), scalar_output);
}

FunctionInfo SortArray() {
  return ScalarInfo("sort_array",
              "sort_array(array[, ascendingOrder]) - Sorts the input array in ascending or descending order according "
              "to the natural ordering of the array elements.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("sort_array", args, 1, 2));
                if (args.size() == 1) args.push_back(plan::BoundExpr::Literal(arrow::MakeScalar(true), "true"));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                ARROW_RETURN_NOT_OK(RequireOrderable(name, "sort_array", *args[0]));
                if (args[1]->kind != plan::BoundKind::kLiteral || args[1]->type->id() != arrow::Type::BOOL) {
                  if (args[1]->type->id() != arrow::Type::BOOL) {
                    return UnexpectedInputType(name, 1, "\"BOOLEAN\"", *args[1]);
                  }
                  return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                                       {{"sqlExpr", Quoted(name)}, {"inputName", "`ascendingOrder`"},
                                        {"inputType", "\"BOOLEAN\""}, {"inputExpr", Quoted(args[1]->name)}});
                }
                const auto& literal = static_cast<const arrow::BooleanScalar&>(*args[1]->literal);
                const bool ascending = !literal.is_valid || literal.value;
                auto type = args[0]->type;
                return KernelCall("sort_array", name, args, type, args[0]->nullable,
                            [ascending](const Args& a, int64_t length, const EvalContext&) {
                              return SortLists(a[0], length, a[0].is_scalar(), ascending, ascending);
                            });
              });
}

}  // namespace

/// array_sort(array) without a comparator: ascending, NULLs last (the
/// comparator form is in higher_order_functions.cc).
Result<BoundExprPtr> BindDefaultArraySort(const std::string& called, std::vector<BoundExprPtr> args) {
  const std::string& arg_name = args[0]->name;
  // Spark names the call with its default comparator.
  const std::string v = "namedlambdavariable()";
  const std::string name = "array_sort(" + arg_name + ", lambdafunction((IF(((" + v + " IS NULL) AND (" + v +
                           " IS NULL)), 0, (IF((" + v + " IS NULL), 1, (IF((" + v + " IS NULL), -1, (IF((" + v + " < " +
                           v + "), -1, (IF((" + v + " > " + v + "), 1, 0)))))))))), " + v + ", " + v + "))";
  (void)called;
  ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
  ARROW_RETURN_NOT_OK(RequireOrderable(name, "array_sort", *args[0]));
  auto type = args[0]->type;
  bool nullable = args[0]->nullable;
  return KernelCall("array_sort", name, std::move(args), type, nullable,
              [](const Args& a, int64_t length, const EvalContext&) {
                return SortLists(a[0], length, a[0].is_scalar(), true, false);
              });
}

namespace {

FunctionInfo ArrayExtreme(const std::string& function, bool max) {
  return ScalarInfo(function, function + "(array) - Returns the " + (max ? "maximum" : "minimum") +
                            " value in the array. NaN is greater than any non-NaN elements for double/float type. "
                            "NULL elements are skipped.",
              [function, max](const std::string& called, std::vector<BoundExprPtr> args,
                              const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount(function, args, 1, 1));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                ARROW_RETURN_NOT_OK(RequireOrderable(name, function, *args[0]));
                auto type = ElementType(*args[0]->type);
                return KernelCall(function, name, args, type, true,
                            [max](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              const auto& values = *list->values();
                              auto order = MakeValueOrder(values);
                              ListByIndices picks(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                int64_t best = -1;
                                if (list->IsValid(i)) {
                                  for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                    if (values.IsNull(e)) continue;
                                    if (best < 0 || (max ? order(e, best) > 0 : order(e, best) < 0)) best = e;
                                  }
                                }
                                picks.Add(best);
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, picks.Elements(list->values()));
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

FunctionInfo ArrayJoin() {
  return ScalarInfo("array_join",
              "array_join(array, delimiter[, nullReplacement]) - Concatenates the elements of the given array using "
              "the delimiter and an optional string to replace nulls.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("array_join", args, 2, 3));
                const std::string name = CallText(called, args);
                if (args[0]->type->id() != arrow::Type::LIST || arrow::is_nested(ElementType(*args[0]->type)->id()) ||
                    ElementType(*args[0]->type)->id() == arrow::Type::BINARY) {
                  return UnexpectedInputType(name, 0, "\"ARRAY<STRING>\"", *args[0]);
                }
                if (!types::IsStringLike(*ElementType(*args[0]->type))) {
                  // Spark's implicit cast of the elements to STRING.
                  ARROW_ASSIGN_OR_RAISE(args[0], CoerceTo(args[0], ArrayOf(arrow::utf8(), ContainsNull(*args[0]->type)), ctx));
                }
                for (size_t k = 1; k < args.size(); ++k) {
                  ARROW_ASSIGN_OR_RAISE(args[k], CastStringArgument(args[k], ctx));
                }
                return KernelCall("array_join", name, args, arrow::utf8(), AnyNullable(args),
                            [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              const auto& values = static_cast<const arrow::StringArray&>(*list->values());
                              auto delimiter = std::static_pointer_cast<arrow::StringArray>(ArrayArgument(a[1], rows));
                              std::shared_ptr<arrow::StringArray> replacement;
                              if (a.size() > 2) replacement = std::static_pointer_cast<arrow::StringArray>(ArrayArgument(a[2], rows));
                              arrow::StringBuilder out;
                              std::string text;
                              for (int64_t i = 0; i < rows; ++i) {
                                if (list->IsNull(i) || delimiter->IsNull(i) || (replacement && replacement->IsNull(i))) {
                                  ARROW_RETURN_NOT_OK(out.AppendNull());
                                  continue;
                                }
                                text.clear();
                                bool first = true;
                                for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                  if (values.IsNull(e) && !replacement) continue;
                                  if (!first) text += delimiter->GetView(i);
                                  first = false;
                                  text += values.IsNull(e) ? replacement->GetView(i) : values.GetView(e);
                                }
                                ARROW_RETURN_NOT_OK(out.Append(text));
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

}  // namespace

Result<BoundExprPtr> BindBracketAccess(const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) {
  static const FunctionInfo info = ElementAt({"extract_value", IndexBase::kZeroBased, true, true}, "");
  return info.bind_scalar(called, std::move(args), ctx);
}

void RegisterArrayFunctions(FunctionRegistry& registry) {
  registry.Add(ArrayFunction());
  registry.Add(ArrayRepeat());
  registry.Add(Sequence());
  registry.Add(Lookup("array_contains", LookupKind::kContains,
                      "array_contains(array, value) - Returns true if the array contains the value."));
  registry.Add(Lookup("array_position", LookupKind::kPosition,
                      "array_position(array, element) - Returns the (1-based) index of the first matching element of "
                      "the array as long, or 0 if no match is found."));
  registry.Add(Lookup("array_remove", LookupKind::kRemove,
                      "array_remove(array, element) - Remove all elements that equal to element from array."));
  auto element_at = ElementAt({"element_at", IndexBase::kOneBased, true, false},
                              "element_at(array, index) - Returns element of array at given (1-based) index. "
                              "element_at(map, key) - Returns value for given key.");
  element_at.can_fail = true;
  registry.Add(element_at);
  auto try_element_at = ElementAt({"try_element_at", IndexBase::kOneBased, false, false},
                                  "try_element_at(array, index) - Returns element of array at given (1-based) index; "
                                  "NULL when the index is out of bounds. try_element_at(map, key) - Returns value for "
                                  "given key, or NULL if the key is not contained in the map.");
  try_element_at.can_fail = true;
  registry.Add(try_element_at);
  registry.Add(ElementAt({"get", IndexBase::kZeroBased, false, false},
                         "get(array, index) - Returns element of array at given (0-based) index. If the index points "
                         "outside of the array boundaries, then this function returns NULL."));
  registry.Add(Size("size"));
  registry.Add(Size("cardinality"));
  registry.Add(Size("array_size", /*array_size=*/true));
  registry.Add(SetFunction("array_distinct", SetOp::kDistinct,
                           "array_distinct(array) - Removes duplicate values from the array."));
  registry.Add(SetFunction("array_union", SetOp::kUnion,
                           "array_union(array1, array2) - Returns an array of the elements in the union of array1 and "
                           "array2, without duplicates."));
  registry.Add(SetFunction("array_intersect", SetOp::kIntersect,
                           "array_intersect(array1, array2) - Returns an array of the elements in the intersection of "
                           "array1 and array2, without duplicates."));
  registry.Add(SetFunction("array_except", SetOp::kExcept,
                           "array_except(array1, array2) - Returns an array of the elements in array1 but not in "
                           "array2, without duplicates."));
  registry.Add(ArraysOverlap());
  auto slice = Slice();
  slice.can_fail = true;
  registry.Add(slice);
  registry.Add(Flatten());
  registry.Add(ArraysZip());
  registry.Add(ArrayInsert("array_append", InsertKind::kAppend,
                           "array_append(array, element) - Add the element at the end of the array passed as first "
                           "argument."));
  registry.Add(ArrayInsert("array_prepend", InsertKind::kPrepend,
                           "array_prepend(array, element) - Add the element at the beginning of the array passed as "
                           "first argument."));
  auto insert = ArrayInsert("array_insert", InsertKind::kInsert,
                            "array_insert(x, pos, val) - Places val into index pos of array x.");
  insert.can_fail = true;
  registry.Add(insert);
  registry.Add(ArrayCompact());
  registry.Add(SortArray());
  registry.Add(ArrayExtreme("array_max", true));
  registry.Add(ArrayExtreme("array_min", false));
  registry.Add(ArrayJoin());
}

}  // namespace sk8::functions
