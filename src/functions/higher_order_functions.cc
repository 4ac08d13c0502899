// Higher-order functions: transform, filter, exists, forall, aggregate /
// reduce, zip_with, map_filter, transform_keys, transform_values,
// map_zip_with and array_sort with a comparator. A lambda body is bound by the
// analyzer over its variables (and the outside values it captures); here it
// runs once per batch over all elements of all rows: the variables are the
// flattened element arrays, each capture is taken to the row of its element.
// aggregate folds element k of every row in step k, so each step is one
// vectorized evaluation too.
#include <algorithm>
#include <map>
#include <unordered_set>

#include <arrow/array/concatenate.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/record_batch.h>
#include <arrow/util/bitmap_ops.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

BatchEvaluator batch_evaluator = nullptr;


enum class Hof {
  kTransform,
  kFilter,
  kExists,
  kForall,
  kAggregate,
  kZipWith,
  kMapFilter,
  kTransformKeys,
  kTransformValues,
  kMapZipWith,
  kArraySort,
};

struct HofSpec {
  const char* name;
  Hof kind;
  /// Per argument position: 0 a value, n > 0 a lambda of up to n variables
  /// (at least `min_vars`).
  std::vector<int> lambda_vars;
  size_t min_args;
};

const std::vector<HofSpec>& Specs() {
  static const std::vector<HofSpec> specs = {
      {"transform", Hof::kTransform, {0, 2}, 2},
      {"filter", Hof::kFilter, {0, 2}, 2},
      {"exists", Hof::kExists, {0, 1}, 2},
      {"forall", Hof::kForall, {0, 1}, 2},
      {"aggregate", Hof::kAggregate, {0, 0, 2, 1}, 3},
      {"reduce", Hof::kAggregate, {0, 0, 2, 1}, 3},
      {"zip_with", Hof::kZipWith, {0, 0, 2}, 3},
      {"map_filter", Hof::kMapFilter, {0, 2}, 2},
      {"transform_keys", Hof::kTransformKeys, {0, 2}, 2},
      {"transform_values", Hof::kTransformValues, {0, 2}, 2},
      {"map_zip_with", Hof::kMapZipWith, {0, 0, 3}, 3},
      {"array_sort", Hof::kArraySort, {0, 2}, 1},
  };
  return specs;
}

const HofSpec* FindSpec(const std::string& name) {
  for (const auto& s : Specs()) {
    if (sql::EqualsIgnoreCase(s.name, name)) return &s;
  }
  return nullptr;
}

std::string LambdaName(const BoundLambda& lambda) {
  std::string out = "lambdafunction(" + lambda.body->name;
  for (size_t v = 0; v < lambda.variables.size(); ++v) out += ", namedlambdavariable()";
  return out + ")";
}

std::string CallName(const std::string& called, const std::vector<HigherOrderArg>& args) {
  std::string out;
  for (char c : called) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + (args[i].lambda ? LambdaName(*args[i].lambda) : args[i].value->name);
  return out + ")";
}

/// Evaluates `lambda` over `n` elements: `variables` (n rows each), then each
/// capture taken at the row `parents[k]` of element k.
Result<std::shared_ptr<arrow::Array>> RunLambda(const BoundLambda& lambda, const arrow::ArrayVector& variables,
                                                const std::vector<Datum>& captures,
                                                const std::shared_ptr<arrow::Int64Array>& parents, int64_t n,
                                                const EvalContext& ctx) {
  if (batch_evaluator == nullptr) return InternalError("no expression evaluator for lambda functions");
  arrow::ArrayVector columns = variables;
  for (const auto& c : captures) {
    if (c.is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(auto broadcast, arrow::MakeArrayFromScalar(*c.scalar(), n));
      columns.push_back(broadcast);
    } else {
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(c, Datum(parents)));
      columns.push_back(taken.make_array());
    }
  }
  arrow::FieldVector fields;
  for (size_t i = 0; i < columns.size(); ++i) fields.push_back(arrow::field("_" + std::to_string(i), columns[i]->type()));
  auto batch = arrow::RecordBatch::Make(arrow::schema(fields), n, columns);
  if (n == 0) return arrow::MakeArrayOfNull(lambda.body->type, 0);
  ARROW_ASSIGN_OR_RAISE(auto result, batch_evaluator(*lambda.body, *batch, ctx));
  if (result.is_scalar()) return arrow::MakeArrayFromScalar(*result.scalar(), n);
  return result.make_array();
}

std::shared_ptr<arrow::Int64Array> Indices(const std::vector<int64_t>& rows) {
  std::vector<int64_t> copy = rows;
  const auto n = static_cast<int64_t>(copy.size());
  return std::make_shared<arrow::Int64Array>(n, arrow::Buffer::FromVector(std::move(copy)));
}

/// The elements of rows [0, rows) of a list (or map) as one flat range.
struct Flattened {
  int64_t first = 0, count = 0;
  std::vector<int64_t> parents;  // row of each element
};

Flattened Flatten(const arrow::ListArray& list) {
  Flattened f;
  const int64_t rows = list.length();
  f.first = rows ? list.value_offset(0) : 0;
  f.count = rows ? list.value_offset(rows) - f.first : 0;
  f.parents.reserve(static_cast<size_t>(f.count));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t e = list.value_offset(i); e < list.value_offset(i + 1); ++e) f.parents.push_back(i);
  }
  return f;
}

/// A list of `rows` rows with `list`'s offsets and validity over new `values`
/// (one per element of the flattened range).
std::shared_ptr<arrow::Array> SameShape(const arrow::ListArray& list, const Flattened& f,
                                        const std::shared_ptr<arrow::DataType>& type,
                                        const std::shared_ptr<arrow::Array>& values) {
  const int64_t rows = list.length();
  std::vector<int32_t> offsets(static_cast<size_t>(rows + 1));
  for (int64_t i = 0; i <= rows; ++i) offsets[static_cast<size_t>(i)] = list.value_offset(i) - static_cast<int32_t>(f.first);
  std::shared_ptr<arrow::Buffer> validity;
  if (list.null_count() > 0) {
    validity = *arrow::internal::CopyBitmap(arrow::default_memory_pool(), list.null_bitmap_data(), list.offset(), rows);
  }
  if (type->id() == arrow::Type::MAP) {
    const auto& entries = static_cast<const arrow::StructArray&>(*values);
    return std::make_shared<arrow::MapArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets)), entries.field(0),
                                             entries.field(1), validity, list.null_count());
  }
  return std::make_shared<arrow::ListArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets)), values, validity,
                                            list.null_count());
}

std::shared_ptr<arrow::Array> IndexColumn(const arrow::ListArray& list, const Flattened& f) {
  std::vector<int32_t> positions;
  positions.reserve(static_cast<size_t>(f.count));
  for (int64_t i = 0; i < list.length(); ++i) {
    for (int32_t k = 0; k < list.value_length(i); ++k) positions.push_back(k);
  }
  const auto n = static_cast<int64_t>(positions.size());
  return std::make_shared<arrow::Int32Array>(n, arrow::Buffer::FromVector(std::move(positions)));
}

bool IsTrue(const arrow::BooleanArray& b, int64_t i) { return b.IsValid(i) && b.Value(i); }

class HigherOrderKernel : public plan::ScalarKernel {
 public:
  HigherOrderKernel(Hof kind, size_t num_values, std::vector<std::shared_ptr<BoundLambda>> lambdas,
                    std::shared_ptr<arrow::DataType> type)
      : kind_(kind), num_values_(num_values), lambdas_(std::move(lambdas)), type_(std::move(type)) {}

  Result<Datum> Execute(const Args& args, int64_t length, const EvalContext& ctx) const override {
    const bool scalar_output = AllScalars(args);
    const int64_t rows = scalar_output ? 1 : length;
    // Each lambda's captures follow the value arguments, lambda by lambda.
    std::vector<std::vector<Datum>> captures;
    size_t next = num_values_;
    for (const auto& l : lambdas_) {
      captures.emplace_back(args.begin() + static_cast<std::ptrdiff_t>(next),
                            args.begin() + static_cast<std::ptrdiff_t>(next + l->captures.size()));
      next += l->captures.size();
    }
    ARROW_ASSIGN_OR_RAISE(auto result, Run(args, rows, captures, ctx));
    return FinishResult(result, scalar_output);
  }

 private:
  Result<std::shared_ptr<arrow::Array>> Run(const Args& args, int64_t rows, const std::vector<std::vector<Datum>>& captures,
                                            const EvalContext& ctx) const {
    switch (kind_) {
      case Hof::kTransform:
      case Hof::kFilter:
      case Hof::kExists:
      case Hof::kForall:
      case Hof::kArraySort: return OverElements(args, rows, captures[0], ctx);
      case Hof::kMapFilter:
      case Hof::kTransformKeys:
      case Hof::kTransformValues: return OverEntries(args, rows, captures[0], ctx);
      case Hof::kAggregate: return Aggregate(args, rows, captures, ctx);
      case Hof::kZipWith: return ZipWith(args, rows, captures[0], ctx);
      case Hof::kMapZipWith: return MapZipWith(args, rows, captures[0], ctx);
    }
    return InternalError("unknown higher-order function");
  }

  Result<std::shared_ptr<arrow::Array>> OverElements(const Args& args, int64_t rows, const std::vector<Datum>& captures,
                                                     const EvalContext& ctx) const {
    auto list = ListArgument(args[0], rows);
    auto f = Flatten(*list);
    auto elements = list->values()->Slice(f.first, f.count);
    const auto& lambda = *lambdas_[0];
    auto parents = Indices(f.parents);
    if (kind_ == Hof::kArraySort) return SortWithComparator(*list, f, elements, captures, ctx);
    arrow::ArrayVector vars = {elements};
    if (lambda.variables.size() > 1) vars.push_back(IndexColumn(*list, f));
    ARROW_ASSIGN_OR_RAISE(auto out, RunLambda(lambda, vars, captures, parents, f.count, ctx));
    if (kind_ == Hof::kTransform) {
      if (!out->type()->Equals(*ElementType(*type_))) {
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(out, ElementType(*type_)));
        out = cast.make_array();
      }
      return SameShape(*list, f, type_, out);
    }
    const auto& keep = static_cast<const arrow::BooleanArray&>(*out);
    if (kind_ == Hof::kFilter) {
      ListByIndices picked(rows);
      int64_t k = 0;
      for (int64_t i = 0; i < rows; ++i) {
        if (list->IsNull(i)) {
          k += list->value_length(i);
          picked.NullRow();
          continue;
        }
        for (int64_t e = 0; e < list->value_length(i); ++e, ++k) {
          if (IsTrue(keep, k)) picked.Add(k);
        }
        picked.EndRow();
      }
      ARROW_ASSIGN_OR_RAISE(auto result, picked.Finish(type_, elements, false));
      return result.make_array();
    }
    // exists / forall, three-valued: a NULL from the predicate counts when nothing decides.
    const bool exists = kind_ == Hof::kExists;
    arrow::BooleanBuilder builder;
    int64_t k = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t n = list->value_length(i);
      if (list->IsNull(i)) {
        k += n;
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      bool decided = false, saw_null = false;
      for (int64_t e = 0; e < n; ++e, ++k) {
        if (keep.IsNull(k)) {
          saw_null = true;
        } else if (keep.Value(k) == exists) {
          decided = true;
        }
      }
      if (decided) {
        ARROW_RETURN_NOT_OK(builder.Append(exists));
      } else if (saw_null) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(builder.Append(!exists));
      }
    }
    return builder.Finish();
  }

  // array_sort(array, (left, right) -> int): every ordered pair of a row's
  // elements compared in one evaluation, then a stable sort reading the answers.
  Result<std::shared_ptr<arrow::Array>> SortWithComparator(const arrow::ListArray& list, const Flattened& f,
                                                           const std::shared_ptr<arrow::Array>& elements,
                                                           const std::vector<Datum>& captures,
                                                           const EvalContext& ctx) const {
    std::vector<int64_t> left, right, parents;
    int64_t pairs = 0;
    for (int64_t i = 0; i < list.length(); ++i) pairs += list.value_length(i) * list.value_length(i);
    if (pairs > (int64_t{1} << 24)) return Unsupported("array_sort with a comparator over arrays this long");
    std::vector<int64_t> pair_base(static_cast<size_t>(list.length()));
    int64_t k0 = 0;
    for (int64_t i = 0; i < list.length(); ++i) {
      pair_base[static_cast<size_t>(i)] = static_cast<int64_t>(left.size());
      const int64_t n = list.value_length(i);
      for (int64_t a = 0; a < n; ++a) {
        for (int64_t b = 0; b < n; ++b) {
          left.push_back(k0 + a);
          right.push_back(k0 + b);
          parents.push_back(i);
        }
      }
      k0 += n;
    }
    ARROW_ASSIGN_OR_RAISE(auto l, arrow::compute::Take(elements, Datum(Indices(left))));
    ARROW_ASSIGN_OR_RAISE(auto r, arrow::compute::Take(elements, Datum(Indices(right))));
    ARROW_ASSIGN_OR_RAISE(auto answers, RunLambda(*lambdas_[0], {l.make_array(), r.make_array()}, captures,
                                                  Indices(parents), static_cast<int64_t>(left.size()), ctx));
    const auto& cmp = static_cast<const arrow::Int32Array&>(*answers);
    if (cmp.null_count() > 0) return SparkError(SparkExceptionKind::kRuntime, "COMPARATOR_RETURNS_NULL", {});
    ListByIndices out(list.length());
    std::vector<int64_t> order;
    int64_t k = 0;
    for (int64_t i = 0; i < list.length(); ++i) {
      const int64_t n = list.value_length(i);
      if (list.IsNull(i)) {
        k += n;
        out.NullRow();
        continue;
      }
      order.resize(static_cast<size_t>(n));
      for (int64_t e = 0; e < n; ++e) order[static_cast<size_t>(e)] = e;
      const int64_t base = pair_base[static_cast<size_t>(i)];
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return cmp.Value(base + a * n + b) < 0; });
      for (int64_t e : order) out.Add(k + e);
      k += n;
      out.EndRow();
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish(type_, elements, false));
    return result.make_array();
  }

  Result<std::shared_ptr<arrow::Array>> OverEntries(const Args& args, int64_t rows, const std::vector<Datum>& captures,
                                                    const EvalContext& ctx) const {
    auto map = MapArgument(args[0], rows);
    auto f = Flatten(*map);
    auto keys = map->keys()->Slice(f.first, f.count);
    auto items = map->items()->Slice(f.first, f.count);
    ARROW_ASSIGN_OR_RAISE(auto out, RunLambda(*lambdas_[0], {keys, items}, captures, Indices(f.parents), f.count, ctx));
    const auto& map_type = static_cast<const arrow::MapType&>(*type_);
    if (kind_ == Hof::kTransformValues || kind_ == Hof::kTransformKeys) {
      const bool new_keys = kind_ == Hof::kTransformKeys;
      const auto& target = new_keys ? map_type.key_type() : map_type.item_type();
      if (!out->type()->Equals(*target)) {
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(out, target));
        out = cast.make_array();
      }
      if (new_keys) ARROW_RETURN_NOT_OK(CheckKeys(*map, *out));
      auto entries = std::make_shared<arrow::StructArray>(map_type.value_type(), f.count,
                                                          arrow::ArrayVector{new_keys ? out : keys, new_keys ? items : out});
      return SameShape(*map, f, type_, entries);
    }
    const auto& keep = static_cast<const arrow::BooleanArray&>(*out);
    ListByIndices picked(rows);
    int64_t k = 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (map->IsNull(i)) {
        k += map->value_length(i);
        picked.NullRow();
        continue;
      }
      for (int64_t e = 0; e < map->value_length(i); ++e, ++k) {
        if (IsTrue(keep, k)) picked.Add(k);
      }
      picked.EndRow();
    }
    auto entries = std::make_shared<arrow::StructArray>(map_type.value_type(), f.count, arrow::ArrayVector{keys, items});
    ARROW_ASSIGN_OR_RAISE(auto result, picked.Finish(type_, entries, false));
    return result.make_array();
  }

  // transform_keys: NULL keys and duplicate keys fail, as when building a map.
  static Status CheckKeys(const arrow::MapArray& map, const arrow::Array& keys) {
    std::unordered_set<std::string> seen;
    std::string key;
    int64_t k = 0;
    for (int64_t i = 0; i < map.length(); ++i) {
      seen.clear();
      for (int64_t e = 0; e < map.value_length(i); ++e, ++k) {
        if (map.IsNull(i)) continue;
        if (keys.IsNull(k)) return SparkError(SparkExceptionKind::kRuntime, "NULL_MAP_KEY", {});
        key.clear();
        AppendValueKey(keys, k, &key);
        if (!seen.insert(key).second) {
          ARROW_ASSIGN_OR_RAISE(auto scalar, keys.GetScalar(k));
          EvalContext ctx;
          ARROW_ASSIGN_OR_RAISE(auto text, ScalarToSparkString(*scalar, ctx));
          return SparkError(SparkExceptionKind::kRuntime, "DUPLICATED_MAP_KEY",
                            {{"key", text}, {"mapKeyDedupPolicy", "\"spark.sql.mapKeyDedupPolicy\""}});
        }
      }
    }
    return Status::OK();
  }

  // aggregate(array, zero, merge[, finish]): step k folds element k of every row still that long.
  Result<std::shared_ptr<arrow::Array>> Aggregate(const Args& args, int64_t rows,
                                                  const std::vector<std::vector<Datum>>& captures,
                                                  const EvalContext& ctx) const {
    auto list = ListArgument(args[0], rows);
    const auto& merge = *lambdas_[0];
    auto zero = ArrayArgument(args[1], rows);
    if (!zero->type()->Equals(*merge.body->type)) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(zero, merge.body->type));
      zero = cast.make_array();
    }
    std::shared_ptr<arrow::Array> acc = zero;
    const auto& values = list->values();
    for (int64_t step = 0;; ++step) {
      std::vector<int64_t> active, elements;
      for (int64_t i = 0; i < rows; ++i) {
        if (list->IsValid(i) && list->value_length(i) > step) {
          active.push_back(i);
          elements.push_back(list->value_offset(i) + step);
        }
      }
      if (active.empty()) break;
      auto active_rows = Indices(active);
      ARROW_ASSIGN_OR_RAISE(auto acc_in, arrow::compute::Take(acc, Datum(active_rows)));
      ARROW_ASSIGN_OR_RAISE(auto element, arrow::compute::Take(values, Datum(Indices(elements))));
      ARROW_ASSIGN_OR_RAISE(auto folded, RunLambda(merge, {acc_in.make_array(), element.make_array()}, captures[0],
                                                   active_rows, static_cast<int64_t>(active.size()), ctx));
      if (!folded->type()->Equals(*acc->type())) {
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(folded, acc->type()));
        folded = cast.make_array();
      }
      // The new accumulators of the active rows, the old ones elsewhere.
      ARROW_ASSIGN_OR_RAISE(auto both, arrow::Concatenate({acc, folded}));
      std::vector<int64_t> pick(static_cast<size_t>(rows));
      for (int64_t i = 0; i < rows; ++i) pick[static_cast<size_t>(i)] = i;
      for (size_t a = 0; a < active.size(); ++a) pick[static_cast<size_t>(active[a])] = rows + static_cast<int64_t>(a);
      ARROW_ASSIGN_OR_RAISE(auto merged, arrow::compute::Take(both, Datum(Indices(pick))));
      acc = merged.make_array();
    }
    // NULL where the array is NULL; the finish runs only over the other rows (as
    // Spark, which never calls it for a NULL array: acc.sum / acc.count cannot fail there).
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < rows; ++i) {
      if (list->IsValid(i)) kept.push_back(i);
    }
    ListByIndices result(rows);
    if (lambdas_.size() > 1) {
      auto kept_rows = Indices(kept);
      ARROW_ASSIGN_OR_RAISE(auto kept_acc, arrow::compute::Take(acc, Datum(kept_rows)));
      ARROW_ASSIGN_OR_RAISE(acc, RunLambda(*lambdas_[1], {kept_acc.make_array()}, captures[1], kept_rows,
                                           static_cast<int64_t>(kept.size()), ctx));
      for (int64_t i = 0, k = 0; i < rows; ++i) result.Add(list->IsNull(i) ? -1 : k++);
    } else {
      for (int64_t i = 0; i < rows; ++i) result.Add(list->IsNull(i) ? -1 : i);
    }
    if (!acc->type()->Equals(*type_)) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(acc, type_));
      acc = cast.make_array();
    }
    return result.Elements(acc);
  }

  Result<std::shared_ptr<arrow::Array>> ZipWith(const Args& args, int64_t rows, const std::vector<Datum>& captures,
                                                const EvalContext& ctx) const {
    auto a = ListArgument(args[0], rows), b = ListArgument(args[1], rows);
    ListByIndices left(rows), right(rows);
    std::vector<int64_t> parents;
    std::vector<int32_t> offsets = {0};
    std::vector<uint8_t> valid(static_cast<size_t>(rows), 1);
    for (int64_t i = 0; i < rows; ++i) {
      int64_t n = 0;
      if (a->IsNull(i) || b->IsNull(i)) {
        valid[static_cast<size_t>(i)] = 0;
      } else {
        n = std::max(a->value_length(i), b->value_length(i));
      }
      for (int64_t k = 0; k < n; ++k) {
        left.Add(k < a->value_length(i) ? a->value_offset(i) + k : -1);
        right.Add(k < b->value_length(i) ? b->value_offset(i) + k : -1);
        parents.push_back(i);
      }
      offsets.push_back(offsets.back() + static_cast<int32_t>(n));
    }
    ARROW_ASSIGN_OR_RAISE(auto l, left.Elements(a->values()));
    ARROW_ASSIGN_OR_RAISE(auto r, right.Elements(b->values()));
    const auto n = static_cast<int64_t>(parents.size());
    ARROW_ASSIGN_OR_RAISE(auto out, RunLambda(*lambdas_[0], {l, r}, captures, Indices(parents), n, ctx));
    if (!out->type()->Equals(*ElementType(*type_))) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(out, ElementType(*type_)));
      out = cast.make_array();
    }
    int64_t nulls = 0;
    auto bitmap = BitmapFromBytes(valid, &nulls);
    return std::make_shared<arrow::ListArray>(type_, rows, arrow::Buffer::FromVector(std::move(offsets)), out, bitmap,
                                              nulls);
  }

  // map_zip_with(m1, m2, (k, v1, v2) -> v): every key of either map (m1's
  // order, then m2's new keys) with both values (NULL where a map lacks it).
  Result<std::shared_ptr<arrow::Array>> MapZipWith(const Args& args, int64_t rows, const std::vector<Datum>& captures,
                                                   const EvalContext& ctx) const {
    auto a = MapArgument(args[0], rows), b = MapArgument(args[1], rows);
    ARROW_ASSIGN_OR_RAISE(auto all_keys, arrow::Concatenate({a->keys(), b->keys()}));
    const int64_t bbase = a->keys()->length();
    ListByIndices keys(rows), left(rows), right(rows), shape(rows);
    std::vector<int64_t> parents;
    std::string key;
    for (int64_t i = 0; i < rows; ++i) {
      if (a->IsNull(i) || b->IsNull(i)) {
        shape.NullRow();
        continue;
      }
      std::vector<std::pair<std::string, int64_t>> seen;  // key -> slot
      std::vector<int64_t> slot_left, slot_right, slot_key;
      auto slot_of = [&](int64_t e) {
        key.clear();
        AppendValueKey(*all_keys, e, &key);
        for (const auto& [k, s] : seen) {
          if (k == key) return s;
        }
        seen.emplace_back(key, static_cast<int64_t>(slot_key.size()));
        slot_key.push_back(e);
        slot_left.push_back(-1);
        slot_right.push_back(-1);
        return static_cast<int64_t>(slot_key.size()) - 1;
      };
      for (int64_t e = a->value_offset(i); e < a->value_offset(i + 1); ++e) slot_left[static_cast<size_t>(slot_of(e))] = e;
      for (int64_t e = b->value_offset(i); e < b->value_offset(i + 1); ++e) {
        slot_right[static_cast<size_t>(slot_of(bbase + e))] = e;
      }
      for (size_t s = 0; s < slot_key.size(); ++s) {
        keys.Add(slot_key[s]);
        left.Add(slot_left[s]);
        right.Add(slot_right[s]);
        shape.Add(static_cast<int64_t>(parents.size()));
        parents.push_back(i);
      }
      shape.EndRow();
    }
    ARROW_ASSIGN_OR_RAISE(auto k, keys.Elements(all_keys));
    ARROW_ASSIGN_OR_RAISE(auto l, left.Elements(a->items()));
    ARROW_ASSIGN_OR_RAISE(auto r, right.Elements(b->items()));
    const auto n = static_cast<int64_t>(parents.size());
    ARROW_ASSIGN_OR_RAISE(auto out, RunLambda(*lambdas_[0], {k, l, r}, captures, Indices(parents), n, ctx));
    const auto& map_type = static_cast<const arrow::MapType&>(*type_);
    if (!out->type()->Equals(*map_type.item_type())) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(out, map_type.item_type()));
      out = cast.make_array();
    }
    auto entries = std::make_shared<arrow::StructArray>(map_type.value_type(), n, arrow::ArrayVector{k, out});
    ARROW_ASSIGN_OR_RAISE(auto result, shape.Finish(type_, entries, false));
    return result.make_array();
  }

  Hof kind_;
  size_t num_values_;
  std::vector<std::shared_ptr<BoundLambda>> lambdas_;
  std::shared_ptr<arrow::DataType> type_;
};

Status LambdaArgumentMismatch(const std::string& name, size_t expected, size_t actual) {
  return AnalysisError("INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH",
                       {{"expectedNumArgs", std::to_string(expected)}, {"actualNumArgs", std::to_string(actual)}});
}

}  // namespace

void SetBatchEvaluator(BatchEvaluator evaluator) { batch_evaluator = evaluator; }

bool IsHigherOrderFunction(const std::string& name) { return FindSpec(name) != nullptr; }

Result<std::vector<LambdaVariable>> LambdaVariables(const std::string& name, size_t position, size_t num_variables,
                                                    const std::vector<HigherOrderArg>& before) {
  const HofSpec* spec = FindSpec(name);
  if (spec == nullptr || position >= spec->lambda_vars.size() || spec->lambda_vars[position] == 0) {
    return AnalysisError("INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION",
                         {{"class", "org.apache.spark.sql.catalyst.expressions." + name}});
  }
  const auto& input = before.empty() ? nullptr : before[0].value;
  if (!input) return InternalError("a lambda before its array");
  const std::string call = name + "(" + input->name + ", ...)";
  auto mismatch = [&](size_t wanted) { return LambdaArgumentMismatch(name, num_variables, wanted); };
  std::vector<LambdaVariable> vars;
  const bool over_map = spec->kind == Hof::kMapFilter || spec->kind == Hof::kTransformKeys ||
                        spec->kind == Hof::kTransformValues || spec->kind == Hof::kMapZipWith;
  if (over_map) {
    if (input->type->id() != arrow::Type::MAP) return UnexpectedInputType(call, 0, "\"MAP\"", *input);
  } else if (input->type->id() != arrow::Type::LIST) {
    return UnexpectedInputType(call, 0, "\"ARRAY\"", *input);
  }
  switch (spec->kind) {
    case Hof::kTransform:
    case Hof::kFilter:
      if (num_variables < 1 || num_variables > 2) return mismatch(1);
      vars.push_back({ElementType(*input->type), ContainsNull(*input->type)});
      if (num_variables == 2) vars.push_back({arrow::int32(), false});
      return vars;
    case Hof::kExists:
    case Hof::kForall:
      if (num_variables != 1) return mismatch(1);
      vars.push_back({ElementType(*input->type), ContainsNull(*input->type)});
      return vars;
    case Hof::kArraySort:
      if (num_variables != 2) return mismatch(2);
      vars.push_back({ElementType(*input->type), ContainsNull(*input->type)});
      vars.push_back(vars[0]);
      return vars;
    case Hof::kAggregate:
      if (position == 2) {
        if (num_variables != 2) return mismatch(2);
        vars.push_back({before[1].value->type, true});
        vars.push_back({ElementType(*input->type), ContainsNull(*input->type)});
      } else {
        if (num_variables != 1) return mismatch(1);
        vars.push_back({before[2].lambda->body->type, true});
      }
      return vars;
    case Hof::kZipWith: {
      if (num_variables != 2) return mismatch(2);
      if (before[1].value->type->id() != arrow::Type::LIST) return UnexpectedInputType(call, 1, "\"ARRAY\"", *before[1].value);
      vars.push_back({ElementType(*input->type), true});
      vars.push_back({ElementType(*before[1].value->type), true});
      return vars;
    }
    case Hof::kMapFilter:
    case Hof::kTransformKeys:
    case Hof::kTransformValues: {
      if (num_variables != 2) return mismatch(2);
      const auto& map = static_cast<const arrow::MapType&>(*input->type);
      vars.push_back({map.key_type(), false});
      vars.push_back({map.item_type(), map.item_field()->nullable()});
      return vars;
    }
    case Hof::kMapZipWith: {
      if (num_variables != 3) return mismatch(3);
      const auto& m1 = static_cast<const arrow::MapType&>(*input->type);
      if (before[1].value->type->id() != arrow::Type::MAP) return UnexpectedInputType(call, 1, "\"MAP\"", *before[1].value);
      const auto& m2 = static_cast<const arrow::MapType&>(*before[1].value->type);
      if (!m1.key_type()->Equals(*m2.key_type())) {
        return AnalysisError("DATATYPE_MISMATCH.MAP_ZIP_WITH_DIFF_TYPES",
                             {{"sqlExpr", Quoted(call)}, {"functionName", "`map_zip_with`"},
                              {"leftType", Quoted(types::SqlString(*m1.key_type()))},
                              {"rightType", Quoted(types::SqlString(*m2.key_type()))}});
      }
      vars.push_back({m1.key_type(), false});
      vars.push_back({m1.item_type(), true});
      vars.push_back({m2.item_type(), true});
      return vars;
    }
  }
  return InternalError("unknown higher-order function");
}

namespace {

/// Spark's DataType.equalsStructurally(a, b, ignoreNullability = true).
bool SameIgnoringNullability(const arrow::DataType& a, const arrow::DataType& b) {
  if (a.id() != b.id() || a.num_fields() != b.num_fields()) return false;
  if (a.num_fields() == 0) return a.Equals(b);
  for (int i = 0; i < a.num_fields(); ++i) {
    if (a.id() == arrow::Type::STRUCT && a.field(i)->name() != b.field(i)->name()) return false;
    if (!SameIgnoringNullability(*a.field(i)->type(), *b.field(i)->type())) return false;
  }
  return true;
}

}  // namespace

Result<BoundExprPtr> BindHigherOrderCall(const std::string& called, std::vector<HigherOrderArg> args,
                                         const EvalContext& ctx) {
  const HofSpec* spec = FindSpec(called);
  if (spec == nullptr) return InternalError(called + " is not a higher-order function");
  const size_t max_args = spec->lambda_vars.size();
  if (args.size() < spec->min_args || args.size() > max_args) {
    std::string expected = spec->min_args == max_args ? std::to_string(max_args)
                                                      : "[" + std::to_string(spec->min_args) + ", " + std::to_string(max_args) + "]";
    return WrongArgumentCount(called, expected, args.size());
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const bool wants_lambda = spec->lambda_vars[i] > 0;
    if (wants_lambda && !args[i].lambda) {
      return Unsupported(std::string(spec->name) + " with a non-lambda function argument");
    }
    if (!wants_lambda && args[i].lambda) {
      return AnalysisError("INVALID_LAMBDA_FUNCTION_CALL.PARAMETER_DOES_NOT_ACCEPT_LAMBDA_FUNCTION", {});
    }
  }
  if (spec->kind == Hof::kArraySort && args.size() == 1) {
    return BindDefaultArraySort(called, {args[0].value});
  }
  std::string name = CallName(called, args);
  if (spec->kind == Hof::kAggregate && args.size() == 3) {
    // Spark shows the default finish, the identity.
    name.pop_back();
    name += ", lambdafunction(namedlambdavariable(), namedlambdavariable()))";
  }
  std::vector<BoundExprPtr> values;
  std::vector<std::shared_ptr<BoundLambda>> lambdas;
  for (auto& a : args) {
    if (a.lambda) {
      lambdas.push_back(a.lambda);
    } else {
      values.push_back(a.value);
    }
  }
  const auto& input = values[0];
  const auto& body = *lambdas[0]->body;
  std::shared_ptr<arrow::DataType> type;
  bool nullable = input->nullable;
  // A lambda of the wrong type: Spark names the whole lambda and its body's type.
  auto wrong_lambda = [&](const BoundLambda& l, const char* index, const std::string& required) -> Status {
    return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                         {{"sqlExpr", Quoted(name)}, {"paramIndex", index}, {"requiredType", required},
                          {"inputSql", Quoted(LambdaName(l))}, {"inputType", Quoted(types::SqlString(*l.body->type))}});
  };
  auto require_boolean = [&](const BoundLambda& l, int) -> Status {
    if (l.body->type->id() == arrow::Type::BOOL) return Status::OK();
    return wrong_lambda(l, "second", "\"BOOLEAN\"");
  };
  switch (spec->kind) {
    case Hof::kTransform: type = ArrayOf(body.type, body.nullable); break;
    case Hof::kFilter:
      ARROW_RETURN_NOT_OK(require_boolean(*lambdas[0], 1));
      type = input->type;
      break;
    case Hof::kExists:
    case Hof::kForall:
      ARROW_RETURN_NOT_OK(require_boolean(*lambdas[0], 1));
      type = arrow::boolean();
      // Spark: NULL only from a NULL array or a predicate that can be NULL (three-valued logic).
      nullable = nullable || body.nullable;
      break;
    case Hof::kArraySort:
      if (body.type->id() != arrow::Type::INT32) return wrong_lambda(*lambdas[0], "second", "\"INT\"");
      type = input->type;
      break;
    case Hof::kAggregate: {
      auto& zero = values[1];
      if (!body.type->Equals(*zero->type) && zero->type->id() != arrow::Type::NA) {
        // Spark compares the start and the merge's result ignoring nullability
        // (struct(0 AS count, ...) against struct(acc.count + 1 AS count, ...)).
        if (!SameIgnoringNullability(*body.type, *zero->type)) {
          return wrong_lambda(*lambdas[0], "third", Quoted(types::SqlString(*zero->type)));
        }
        // The accumulator keeps the start's type, as in Spark: the merge's result is cast to it.
        ARROW_ASSIGN_OR_RAISE(lambdas[0]->body, CoerceTo(lambdas[0]->body, zero->type, ctx));
      }
      type = lambdas.size() > 1 ? lambdas[1]->body->type : lambdas[0]->body->type;
      nullable = true;
      break;
    }
    case Hof::kZipWith:
      type = ArrayOf(body.type, body.nullable);
      nullable = input->nullable || values[1]->nullable;
      break;
    case Hof::kMapFilter:
      ARROW_RETURN_NOT_OK(require_boolean(*lambdas[0], 1));
      type = input->type;
      break;
    case Hof::kTransformKeys: {
      const auto& map = static_cast<const arrow::MapType&>(*input->type);
      type = MapOf(body.type, map.item_type(), map.item_field()->nullable());
      break;
    }
    case Hof::kTransformValues: {
      const auto& map = static_cast<const arrow::MapType&>(*input->type);
      type = MapOf(map.key_type(), body.type, body.nullable);
      break;
    }
    case Hof::kMapZipWith: {
      const auto& map = static_cast<const arrow::MapType&>(*input->type);
      type = MapOf(map.key_type(), body.type, body.nullable);
      nullable = input->nullable || values[1]->nullable;
      break;
    }
  }
  const size_t num_values = values.size();
  std::vector<BoundExprPtr> call_args = values;
  for (const auto& l : lambdas) call_args.insert(call_args.end(), l->captures.begin(), l->captures.end());
  auto kernel = std::make_shared<HigherOrderKernel>(spec->kind, num_values, lambdas, type);
  auto bound = std::make_shared<plan::BoundExpr>(
      *plan::BoundExpr::Call(spec->name, kernel, std::move(call_args), type, nullable, name));
  for (const auto& l : lambdas) bound->deterministic &= l->body->deterministic;
  (void)ctx;
  return BoundExprPtr(bound);
}

namespace {

FunctionInfo HigherOrderInfo(const HofSpec& spec, std::string usage) {
  FunctionInfo info;
  info.name = spec.name;
  info.usage = std::move(usage);
  info.can_fail = true;
  // Calls with lambdas bind through the analyzer (BindHigherOrderCall).
  info.bind_scalar = [name = std::string(spec.name)](const std::string& called, std::vector<BoundExprPtr> args,
                                                      const EvalContext& ctx) -> Result<BoundExprPtr> {
    std::vector<HigherOrderArg> wrapped;
    for (auto& a : args) wrapped.push_back({std::move(a), nullptr});
    return BindHigherOrderCall(called, std::move(wrapped), ctx);
  };
  return info;
}

}  // namespace

void RegisterHigherOrderFunctions(FunctionRegistry& registry) {
  static const std::map<std::string, std::string> kUsage = {
      {"transform", "transform(expr, func) - Transforms elements in an array using the function."},
      {"filter", "filter(expr, func) - Filters the input array using the given predicate."},
      {"exists", "exists(expr, pred) - Tests whether a predicate holds for one or more elements in the array."},
      {"forall", "forall(expr, pred) - Tests whether a predicate holds for all elements in the array."},
      {"aggregate",
       "aggregate(expr, start, merge, finish) - Applies a binary operator to an initial state and all elements in the "
       "array, and reduces this to a single state. The final state is converted into the final result by applying a "
       "finish function."},
      {"reduce",
       "reduce(expr, start, merge, finish) - Applies a binary operator to an initial state and all elements in the "
       "array, and reduces this to a single state. The final state is converted into the final result by applying a "
       "finish function."},
      {"zip_with", "zip_with(left, right, func) - Merges the two given arrays, element-wise, into a single array using "
                   "function."},
      {"map_filter", "map_filter(expr, func) - Filters entries in a map using the function."},
      {"transform_keys", "transform_keys(expr, func) - Transforms elements in a map using the function."},
      {"transform_values", "transform_values(expr, func) - Transforms values in the map using the function."},
      {"map_zip_with", "map_zip_with(map1, map2, function) - Merges two given maps into a single map by applying "
                       "function to the pair of values with the same key."},
      {"array_sort", "array_sort(expr, func) - Sorts the input array."},
  };
  for (const auto& spec : Specs()) {
    auto info = HigherOrderInfo(spec, kUsage.at(spec.name));
    if (spec.kind == Hof::kArraySort) info.can_fail = false;
    registry.Add(info);
  }
}

}  // namespace sk8::functions
