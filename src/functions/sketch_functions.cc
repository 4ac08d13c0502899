// Spark's DataSketches functions: HLL (hll_sketch_agg, hll_union_agg,
// hll_sketch_estimate, hll_union) and theta (theta_sketch_agg, theta_union_agg,
// theta_intersection_agg, theta_sketch_estimate, theta_union,
// theta_intersection, theta_difference). Sketches are BINARY values in Apache
// DataSketches' serialized formats (functions/sketches/), so that sk8 reads
// Spark's sketches and Spark reads sk8's. Items are hashed as DataSketches'
// Java update methods hash what Spark gives them: INT and BIGINT as a long,
// FLOAT and DOUBLE as a double, STRING as UTF-8 bytes, BINARY as bytes,
// ARRAY<INT> / ARRAY<BIGINT> as their elements' bytes; empty strings, binaries
// and arrays are skipped.

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/scalar.h>
#include <arrow/util/string.h>

#include "common/spark_error.h"
#include "functions/aggregate_util.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "functions/cast.h"
#include "functions/sketches/hll.h"
#include "functions/sketches/kll.h"
#include "functions/sketches/theta.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;
using sketches::Hash128;
using sketches::HllSketch;
using sketches::HllUnion;
using sketches::ThetaCompact;
using sketches::ThetaIntersection;
using sketches::ThetaUnion;
using sketches::ThetaUpdateSketch;

std::string Backticked(const std::string& function) { return "`" + function + "`"; }

Status RuntimeError(const std::string& error_class, MessageParameters params) {
  return SparkError(SparkExceptionKind::kRuntime, error_class, std::move(params));
}

Status InvalidHll(const std::string& function) {
  return RuntimeError("HLL_INVALID_INPUT_SKETCH_BUFFER", {{"function", Backticked(function)}});
}
Status InvalidTheta(const std::string& function) {
  return RuntimeError("THETA_INVALID_INPUT_SKETCH_BUFFER", {{"function", Backticked(function)}});
}

int64_t JavaRound(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

Result<HllSketch> ReadHll(std::string_view bytes, const std::string& function) {
  auto sketch = HllSketch::Deserialize(bytes);
  if (!sketch) return InvalidHll(function);
  return std::move(*sketch);
}

Result<ThetaCompact> ReadTheta(std::string_view bytes, const std::string& function) {
  auto sketch = ThetaCompact::Deserialize(bytes);
  if (!sketch) return InvalidTheta(function);
  return std::move(*sketch);
}

bool ReadsColumnsOf(const plan::BoundExpr& expr) {
  if (expr.kind == plan::BoundKind::kColumnRef) return true;
  for (const auto& a : expr.args) {
    if (ReadsColumnsOf(*a)) return true;
  }
  return false;
}

/// The constant INT argument `args[index]` (lgConfigK, lgNomEntries): Spark
/// wants the INT type at analysis, a constant when the aggregate runs (NULL
/// counts as 0), in [min, max].
struct IntParam {
  std::string not_constant_class;
  std::string out_of_range_class;
  int min;
  int max;
};

Result<int> ConstantInt(const std::vector<BoundExprPtr>& args, size_t index, const std::string& sql_expr,
                        const std::string& function, const IntParam& param, const EvalContext& ctx) {
  const auto& arg = *args[index];
  if (arg.type->id() != arrow::Type::INT32 && arg.type->id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, static_cast<int>(index), "\"INT\"", arg);
  }
  if (ReadsColumnsOf(arg)) return RuntimeError(param.not_constant_class, {{"function", Backticked(function)}});
  ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(arg, ctx));
  int v = 0;
  if (value->is_valid && value->type->id() == arrow::Type::INT32) v = static_cast<const arrow::Int32Scalar&>(*value).value;
  if (v < param.min || v > param.max) {
    return RuntimeError(param.out_of_range_class, {{"function", Backticked(function)},
                                                   {"min", std::to_string(param.min)},
                                                   {"max", std::to_string(param.max)},
                                                   {"value", std::to_string(v)}});
  }
  return v;
}

const IntParam kLgConfigK{"HLL_K_MUST_BE_CONSTANT", "HLL_INVALID_LG_K", HllSketch::kMinLgK, HllSketch::kMaxLgK};
const IntParam kLgNomEntries{"THETA_LG_NOM_ENTRIES_MUST_BE_CONSTANT", "THETA_INVALID_LG_NOM_ENTRIES",
                             ThetaUpdateSketch::kMinLgNom, ThetaUpdateSketch::kMaxLgNom};

/// A constant BOOLEAN argument (allowDifferentLgConfigK); NULL is false.
Result<bool> ConstantBool(const std::vector<BoundExprPtr>& args, size_t index, const std::string& sql_expr,
                          const EvalContext& ctx) {
  const auto& arg = *args[index];
  if (arg.type->id() != arrow::Type::BOOL && arg.type->id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, static_cast<int>(index), "\"BOOLEAN\"", arg);
  }
  ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(arg, ctx));
  return value->is_valid && value->type->id() == arrow::Type::BOOL &&
         static_cast<const arrow::BooleanScalar&>(*value).value;
}

/// Spark's column name of an aggregate call: "f(a, 12)", "f(DISTINCT a, 12)".
std::string AggregateCallName(const std::string& called, const std::vector<BoundExprPtr>& args, bool distinct) {
  if (!distinct) return CallText(called, args);
  return DistinctCallName(arrow::internal::AsciiToLower(called), args);
}

BoundExprPtr IntLiteral(int v) { return BoundExpr::Literal(arrow::MakeScalar(v), std::to_string(v)); }
BoundExprPtr BoolLiteral(bool v) { return BoundExpr::Literal(arrow::MakeScalar(v), v ? "true" : "false"); }

Status RequireBinary(const std::vector<BoundExprPtr>& args, size_t index, const std::string& sql_expr) {
  if (args[index]->type->id() == arrow::Type::BINARY) return Status::OK();
  return UnexpectedInputType(sql_expr, static_cast<int>(index), "\"BINARY\"", *args[index]);
}

/// `datum` as an array of `rows` rows.
Result<std::shared_ptr<arrow::Array>> AsArray(const Datum& datum, int64_t rows) {
  if (datum.is_scalar()) return arrow::MakeArrayFromScalar(*datum.scalar(), rows);
  return datum.make_array();
}

/// Row i of `array` hashed as DataSketches hashes the item; nothing for NULL
/// and for the empty strings, binaries and arrays DataSketches skips.
std::optional<Hash128> HashItem(const arrow::Array& array, int64_t i) {
  if (array.IsNull(i)) return std::nullopt;
  switch (array.type_id()) {
    case arrow::Type::INT32: return sketches::HashLong(static_cast<const arrow::Int32Array&>(array).Value(i));
    case arrow::Type::INT64: return sketches::HashLong(static_cast<const arrow::Int64Array&>(array).Value(i));
    case arrow::Type::FLOAT: return sketches::HashDouble(static_cast<const arrow::FloatArray&>(array).Value(i));
    case arrow::Type::DOUBLE: return sketches::HashDouble(static_cast<const arrow::DoubleArray&>(array).Value(i));
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      std::string_view v = static_cast<const arrow::BinaryArray&>(array).GetView(i);
      if (v.empty()) return std::nullopt;
      return sketches::HashBytes(v);
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(array);
      const auto values = list.values();
      const int64_t start = list.value_offset(i);
      const int64_t length = list.value_length(i);
      if (length == 0) return std::nullopt;
      std::string bytes;
      const bool wide = values->type_id() == arrow::Type::INT64;
      for (int64_t j = start; j < start + length; ++j) {
        // A NULL element hashes as 0, as Spark's toIntArray / toLongArray gives it.
        const uint64_t v =
            values->IsNull(j) ? 0
            : wide            ? static_cast<uint64_t>(static_cast<const arrow::Int64Array&>(*values).Value(j))
                              : static_cast<uint32_t>(static_cast<const arrow::Int32Array&>(*values).Value(j));
        for (int b = 0; b < (wide ? 8 : 4); ++b) bytes.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
      }
      return sketches::HashBytes(bytes);
    }
    default: return std::nullopt;
  }
}

/// One sketch state per group. A Policy gives the State type and how a row
/// updates it, how a state merges another and its final bytes.
template <typename Policy>
class SketchAccumulator : public plan::GroupedAccumulator {
  using State = typename Policy::State;

 public:
  explicit SketchAccumulator(Policy policy) : policy_(std::move(policy)) {}
  void Resize(int64_t n) override {
    while (static_cast<int64_t>(states_.size()) < n) {
      states_.push_back(policy_.Make());
      state_bytes_ += Policy::Bytes(states_.back());
    }
  }
  // The states' bytes are tracked as they change: MemoryUsage runs after every batch.
  int64_t MemoryUsage() const override {
    return static_cast<int64_t>(states_.capacity() * sizeof(State)) + state_bytes_;
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    ARROW_ASSIGN_OR_RAISE(auto array, AsArray(args[0], rows));
    for (int64_t i = 0; i < rows; ++i) {
      if (array->IsNull(i)) continue;
      State& state = states_[groups[i]];
      const int64_t before = Policy::Bytes(state);
      ARROW_RETURN_NOT_OK(policy_.Update(&state, *array, i));
      state_bytes_ += Policy::Bytes(state) - before;
    }
    return Status::OK();
  }
  Status Merge(const plan::GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const SketchAccumulator&>(other);
    Status status;
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (!status.ok()) return;
      const State from = o.states_[g];  // a copy: `other` may be this accumulator
      State& state = states_[map[i]];
      const int64_t before = Policy::Bytes(state);
      status = policy_.Merge(&state, from);
      state_bytes_ += Policy::Bytes(state) - before;
    });
    return status;
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::BinaryBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(states_.size())));
    for (auto& s : states_) {
      ARROW_ASSIGN_OR_RAISE(std::string bytes, policy_.Finish(s));
      ARROW_RETURN_NOT_OK(builder.Append(bytes));
    }
    return builder.Finish();
  }

 private:
  Policy policy_;
  std::vector<State> states_;
  int64_t state_bytes_ = 0;
};

template <typename Policy>
std::shared_ptr<FactoryKernel> PolicyKernel(Policy policy) {
  return std::make_shared<FactoryKernel>([policy] { return std::make_unique<SketchAccumulator<Policy>>(policy); });
}

// --- HLL ----------------------------------------------------------------------

/// hll_sketch_agg: a group's items; partial sketches merge through a union,
/// as Spark merges its aggregation buffers.
struct HllSketchPolicy {
  struct State {
    HllSketch sketch;
  };
  int lg_k;
  State Make() const { return {HllSketch(lg_k)}; }
  static int64_t Bytes(const State& s) { return s.sketch.MemoryBytes(); }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    if (auto hash = HashItem(array, i)) s->sketch.UpdateHash(*hash);
    return Status::OK();
  }
  Status Merge(State* s, const State& from) const {
    HllUnion u(lg_k);
    u.Update(s->sketch);
    u.Update(from.sketch);
    s->sketch = u.Result();
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const { return s.sketch.Serialize(); }
};

/// hll_union_agg: the union of a group's sketches, at the lgConfigK of its
/// first sketch.
struct HllUnionPolicy {
  struct State {
    std::optional<HllUnion> u;
    int lg_k = 0;
  };
  bool allow_different;
  State Make() const { return {}; }
  static int64_t Bytes(const State& s) { return s.u ? s.u->MemoryBytes() : 0; }
  Status Add(State* s, const HllSketch& sketch) const {
    if (!s->u) {
      s->u.emplace(sketch.lg_k());
      s->lg_k = sketch.lg_k();
    } else if (!allow_different && sketch.lg_k() != s->lg_k) {
      return RuntimeError("HLL_UNION_DIFFERENT_LG_K", {{"left", std::to_string(s->lg_k)},
                                                       {"right", std::to_string(sketch.lg_k())},
                                                       {"function", Backticked("hll_union_agg")}});
    }
    s->u->Update(sketch);
    return Status::OK();
  }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    ARROW_ASSIGN_OR_RAISE(auto sketch,
                          ReadHll(static_cast<const arrow::BinaryArray&>(array).GetView(i), "hll_union_agg"));
    return Add(s, sketch);
  }
  Status Merge(State* s, const State& from) const {
    if (!from.u) return Status::OK();
    return Add(s, from.u->Result());
  }
  Result<std::string> Finish(const State& s) const {
    return s.u ? s.u->Result().Serialize() : HllSketch(12).Serialize();
  }
};

FunctionInfo HllSketchAgg() {
  FunctionInfo info;
  info.name = "hll_sketch_agg";
  info.kind = FunctionKind::kAggregate;
  info.usage =
      "hll_sketch_agg(expr, lgConfigK) - Returns the HllSketch's updatable binary representation. `lgConfigK` "
      "(optional) the log-base-2 of K, with K is the number of buckets or slots for the HllSketch.";
  info.bind_aggregate = [](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    if (args.size() == 1) args.push_back(IntLiteral(12));
    BoundAggregate agg;
    agg.function_name = "hll_sketch_agg";
    agg.name = AggregateCallName(called, args, distinct);
    const auto id = args[0]->type->id();
    if (id != arrow::Type::INT32 && id != arrow::Type::INT64 && id != arrow::Type::STRING &&
        id != arrow::Type::BINARY && id != arrow::Type::NA) {
      return UnexpectedInputType(agg.name, 0, "(\"INT\" or \"BIGINT\" or \"STRING\" or \"BINARY\")", *args[0]);
    }
    ARROW_ASSIGN_OR_RAISE(int lg_k, ConstantInt(args, 1, agg.name, "hll_sketch_agg", kLgConfigK, ctx));
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    agg.kernel = PolicyKernel(HllSketchPolicy{lg_k});
    args.resize(1);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

FunctionInfo HllUnionAgg() {
  FunctionInfo info;
  info.name = "hll_union_agg";
  info.kind = FunctionKind::kAggregate;
  info.usage =
      "hll_union_agg(expr, allowDifferentLgConfigK) - Returns the estimated number of unique values. "
      "`allowDifferentLgConfigK` (optional) Allow sketches with different lgConfigK values to be unioned (defaults "
      "to false).";
  info.bind_aggregate = [](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    if (args.size() == 1) args.push_back(BoolLiteral(false));
    BoundAggregate agg;
    agg.function_name = "hll_union_agg";
    agg.name = AggregateCallName(called, args, distinct);
    ARROW_RETURN_NOT_OK(RequireBinary(args, 0, agg.name));
    ARROW_ASSIGN_OR_RAISE(bool allow, ConstantBool(args, 1, agg.name, ctx));
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    agg.kernel = PolicyKernel(HllUnionPolicy{allow});
    args.resize(1);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

FunctionInfo HllSketchEstimate() {
  FunctionInfo info;
  info.name = "hll_sketch_estimate";
  info.usage =
      "hll_sketch_estimate(expr) - Returns the estimated number of unique values given the binary representation "
      "of a Datasketches HllSketch.";
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, 0, name));
    auto kernel = MakeScalarFunction<int64_t, std::string_view>(
        arrow::int64(),
        [](int64_t* out, std::string_view bytes) {
          auto sketch = HllSketch::Deserialize(bytes);
          if (!sketch) return RowResult::kError;
          *out = JavaRound(sketch->Estimate());
          return RowResult::kValue;
        },
        std::function<Status(std::string_view)>(
            [](std::string_view bytes) { return ReadHll(bytes, "hll_sketch_estimate").status(); }));
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), nullable, name);
  };
  return info;
}

Result<std::string> HllUnionBytes(std::string_view a, std::string_view b, bool allow) {
  ARROW_ASSIGN_OR_RAISE(auto left, ReadHll(a, "hll_union"));
  ARROW_ASSIGN_OR_RAISE(auto right, ReadHll(b, "hll_union"));
  if (!allow && left.lg_k() != right.lg_k()) {
    return RuntimeError("HLL_UNION_DIFFERENT_LG_K", {{"left", std::to_string(left.lg_k())},
                                                     {"right", std::to_string(right.lg_k())},
                                                     {"function", Backticked("hll_union")}});
  }
  HllUnion u(std::min(left.lg_k(), right.lg_k()));
  u.Update(left);
  u.Update(right);
  return u.Result().Serialize();
}

FunctionInfo HllUnionFunction() {
  FunctionInfo info;
  info.name = "hll_union";
  info.usage =
      "hll_union(first, second, allowDifferentLgConfigK) - Merges two binary representations of Datasketches "
      "HllSketch objects, using a Datasketches Union object. Set allowDifferentLgConfigK to true to allow unions of "
      "sketches with different lgConfigK values (defaults to false).";
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() < 2 || args.size() > 3) return WrongArgumentCount(called, "[2, 3]", args.size());
    if (args.size() == 2) args.push_back(BoolLiteral(false));
    std::string name = CallText(called, args);
    for (size_t i = 0; i < 2; ++i) {
      if (args[i]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, i, name));
    }
    ARROW_ASSIGN_OR_RAISE(bool allow, ConstantBool(args, 2, name, ctx));
    auto kernel = MakeScalarFunction<std::string, std::string_view, std::string_view>(
        arrow::binary(),
        [allow](std::string* out, std::string_view a, std::string_view b) {
          auto bytes = HllUnionBytes(a, b, allow);
          if (!bytes.ok()) return RowResult::kError;
          *out = std::move(*bytes);
          return RowResult::kValue;
        },
        std::function<Status(std::string_view, std::string_view)>(
            [allow](std::string_view a, std::string_view b) { return HllUnionBytes(a, b, allow).status(); }));
    bool nullable = args[0]->nullable || args[1]->nullable;
    args.resize(2);
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::binary(), nullable, name);
  };
  return info;
}

// --- theta --------------------------------------------------------------------

/// theta_sketch_agg: a QuickSelect sketch of a group's items; the result goes
/// through a union (as Spark's final aggregation does), which keeps at most
/// 2^lgNomEntries hashes.
struct ThetaSketchPolicy {
  struct State {
    ThetaUpdateSketch sketch;
    std::shared_ptr<ThetaUnion> merged;  // after a Merge
  };
  int lg_nom;
  State Make() const { return {ThetaUpdateSketch(lg_nom), nullptr}; }
  static int64_t Bytes(const State& s) { return s.sketch.MemoryUsage() + (s.merged ? s.merged->MemoryUsage() : 0); }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    if (auto hash = HashItem(array, i)) s->sketch.Update(sketches::ThetaHash(*hash));
    return Status::OK();
  }
  ThetaCompact Current(const State& s) const {
    ThetaUnion u(lg_nom);
    if (s.merged) u = *s.merged;
    u.Update(s.sketch.Compact());
    return u.Result();
  }
  Status Merge(State* s, const State& from) const {
    auto u = std::make_shared<ThetaUnion>(lg_nom);
    u->Update(Current(*s));
    u->Update(Current(from));
    s->merged = std::move(u);
    s->sketch = ThetaUpdateSketch(lg_nom);
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const { return Current(s).Serialize(); }
};

struct ThetaUnionPolicy {
  struct State {
    ThetaUnion u;
  };
  int lg_nom;
  State Make() const { return {ThetaUnion(lg_nom)}; }
  static int64_t Bytes(const State& s) { return s.u.MemoryUsage(); }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    ARROW_ASSIGN_OR_RAISE(auto sketch,
                          ReadTheta(static_cast<const arrow::BinaryArray&>(array).GetView(i), "theta_union_agg"));
    s->u.Update(sketch);
    return Status::OK();
  }
  Status Merge(State* s, const State& from) const {
    s->u.Update(from.u.Result());
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const { return s.u.Result().Serialize(); }
};

struct ThetaIntersectionPolicy {
  struct State {
    ThetaIntersection x;
  };
  State Make() const { return {}; }
  static int64_t Bytes(const State& s) { return s.x.MemoryUsage(); }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    ARROW_ASSIGN_OR_RAISE(auto sketch, ReadTheta(static_cast<const arrow::BinaryArray&>(array).GetView(i),
                                                 "theta_intersection_agg"));
    s->x.Update(sketch);
    return Status::OK();
  }
  Status Merge(State* s, const State& from) const {
    if (from.x.has_result()) s->x.Update(from.x.Result());
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const {
    if (!s.x.has_result()) {
      // DataSketches refuses the intersection of no sketches (the infinite set).
      return Status::Invalid(
          "theta_intersection_agg over no sketches: the intersection of no sets is not a sketch (Spark fails the "
          "same way)");
    }
    return s.x.Result().Serialize();
  }
};

template <typename Policy>
FunctionInfo ThetaAggregate(std::string name, std::string usage, bool sketch_input, bool has_lg_nom) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [fn = info.name, sketch_input, has_lg_nom](const std::string& called,
                                                                  std::vector<BoundExprPtr> args, bool distinct,
                                                                  const EvalContext& ctx) -> Result<BoundAggregate> {
    const size_t max_args = has_lg_nom ? 2 : 1;
    if (args.empty() || args.size() > max_args) {
      return WrongArgs(called, args.size(), has_lg_nom ? "[1, 2]" : "1");
    }
    if (has_lg_nom && args.size() == 1) args.push_back(IntLiteral(12));
    BoundAggregate agg;
    agg.function_name = fn;
    agg.name = AggregateCallName(called, args, distinct);
    if (sketch_input) {
      ARROW_RETURN_NOT_OK(RequireBinary(args, 0, agg.name));
    } else {
      const auto& type = *args[0]->type;
      bool ok = false;
      switch (type.id()) {
        case arrow::Type::INT32:
        case arrow::Type::INT64:
        case arrow::Type::FLOAT:
        case arrow::Type::DOUBLE:
        case arrow::Type::STRING:
        case arrow::Type::BINARY:
        case arrow::Type::NA: ok = true; break;
        case arrow::Type::LIST: {
          const auto element = static_cast<const arrow::ListType&>(type).value_type()->id();
          ok = element == arrow::Type::INT32 || element == arrow::Type::INT64;
          break;
        }
        default: break;
      }
      if (!ok) {
        return UnexpectedInputType(agg.name, 0,
                                   "(\"ARRAY<INT>\" or \"ARRAY<BIGINT>\" or \"BINARY\" or \"DOUBLE\" or \"FLOAT\" or "
                                   "\"INT\" or \"BIGINT\" or \"STRING\")",
                                   *args[0]);
      }
    }
    int lg_nom = 12;
    if (has_lg_nom) {
      ARROW_ASSIGN_OR_RAISE(lg_nom, ConstantInt(args, 1, agg.name, fn, kLgNomEntries, ctx));
    }
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    if constexpr (std::is_same_v<Policy, ThetaIntersectionPolicy>) {
      agg.kernel = PolicyKernel(Policy{});
    } else {
      agg.kernel = PolicyKernel(Policy{lg_nom});
    }
    args.resize(1);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

FunctionInfo ThetaSketchEstimate() {
  FunctionInfo info;
  info.name = "theta_sketch_estimate";
  info.usage =
      "theta_sketch_estimate(expr) - Returns the estimated number of unique values given the binary representation "
      "of a Datasketches ThetaSketch.";
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, 0, name));
    auto kernel = MakeScalarFunction<int64_t, std::string_view>(
        arrow::int64(),
        [](int64_t* out, std::string_view bytes) {
          auto sketch = ThetaCompact::Deserialize(bytes);
          if (!sketch) return RowResult::kError;
          *out = JavaRound(sketch->Estimate());
          return RowResult::kValue;
        },
        std::function<Status(std::string_view)>([](std::string_view) { return InvalidTheta("theta_sketch_estimate"); }));
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), nullable, name);
  };
  return info;
}

enum class ThetaSetOp { kUnion, kIntersection, kDifference };

Result<std::string> ThetaSetBytes(ThetaSetOp op, const std::string& fn, int lg_nom, std::string_view a,
                                  std::string_view b) {
  ARROW_ASSIGN_OR_RAISE(auto left, ReadTheta(a, fn));
  ARROW_ASSIGN_OR_RAISE(auto right, ReadTheta(b, fn));
  switch (op) {
    case ThetaSetOp::kUnion: {
      ThetaUnion u(lg_nom);
      u.Update(left);
      u.Update(right);
      return u.Result().Serialize();
    }
    case ThetaSetOp::kIntersection: {
      ThetaIntersection x;
      x.Update(left);
      x.Update(right);
      return x.Result().Serialize();
    }
    case ThetaSetOp::kDifference: return sketches::ThetaAnotB(left, right).Serialize();
  }
  return Status::Invalid("unknown theta set operation");
}

FunctionInfo ThetaSetFunction(std::string name, ThetaSetOp op, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.usage = std::move(usage);
  info.null_intolerant = true;
  info.bind_scalar = [fn = info.name, op](const std::string& called, std::vector<BoundExprPtr> args,
                                          const EvalContext& ctx) -> Result<BoundExprPtr> {
    const bool has_lg_nom = op == ThetaSetOp::kUnion;
    if (has_lg_nom ? (args.size() < 2 || args.size() > 3) : args.size() != 2) {
      return WrongArgumentCount(called, has_lg_nom ? "[2, 3]" : "2", args.size());
    }
    if (has_lg_nom && args.size() == 2) args.push_back(IntLiteral(12));
    std::string name = CallText(called, args);
    for (size_t i = 0; i < 2; ++i) {
      if (args[i]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, i, name));
    }
    int lg_nom = 12;
    if (has_lg_nom) {
      ARROW_ASSIGN_OR_RAISE(lg_nom, ConstantInt(args, 2, name, fn, kLgNomEntries, ctx));
    }
    auto kernel = MakeScalarFunction<std::string, std::string_view, std::string_view>(
        arrow::binary(),
        [op, fn, lg_nom](std::string* out, std::string_view a, std::string_view b) {
          auto bytes = ThetaSetBytes(op, fn, lg_nom, a, b);
          if (!bytes.ok()) return RowResult::kError;
          *out = std::move(*bytes);
          return RowResult::kValue;
        },
        std::function<Status(std::string_view, std::string_view)>(
            [op, fn, lg_nom](std::string_view a, std::string_view b) {
              return ThetaSetBytes(op, fn, lg_nom, a, b).status();
            }));
    bool nullable = args[0]->nullable || args[1]->nullable;
    args.resize(2);
    return BoundExpr::Call(fn, kernel, std::move(args), arrow::binary(), nullable, name);
  };
  return info;
}


// --- KLL ----------------------------------------------------------------------

/// One KLL family (bigint, float, double): the item type, what the aggregate
/// takes, how items print.
template <typename T>
struct KllKind;

template <>
struct KllKind<int64_t> {
  static constexpr const char* kSuffix = "bigint";
  static constexpr const char* kClass = "KllLongsSketch";
  static constexpr const char* kInputTypes = "(\"TINYINT\" or \"INT\" or \"BIGINT\" or \"SMALLINT\")";
  static std::shared_ptr<arrow::DataType> Type() { return arrow::int64(); }
  static bool Accepts(arrow::Type::type id) {
    return id == arrow::Type::INT8 || id == arrow::Type::INT16 || id == arrow::Type::INT32 || id == arrow::Type::INT64;
  }
  static std::string Render(int64_t v) { return std::to_string(v); }
};

template <>
struct KllKind<float> {
  static constexpr const char* kSuffix = "float";
  static constexpr const char* kClass = "KllFloatsSketch";
  static constexpr const char* kInputTypes = "\"FLOAT\"";
  static std::shared_ptr<arrow::DataType> Type() { return arrow::float32(); }
  static bool Accepts(arrow::Type::type id) { return id == arrow::Type::FLOAT; }
  static std::string Render(float v) { return FormatJavaFloat(v); }
};

template <>
struct KllKind<double> {
  static constexpr const char* kSuffix = "double";
  static constexpr const char* kClass = "KllDoublesSketch";
  static constexpr const char* kInputTypes = "(\"FLOAT\" or \"DOUBLE\")";
  static std::shared_ptr<arrow::DataType> Type() { return arrow::float64(); }
  static bool Accepts(arrow::Type::type id) { return id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE; }
  static std::string Render(double v) { return FormatJavaDouble(v); }
};

/// The ARRAY (of non-NULL elements) the KLL queries answer for an array of probes.
std::shared_ptr<arrow::DataType> ListOf(const std::shared_ptr<arrow::DataType>& element) {
  return arrow::list(arrow::field("element", element, false));
}

Status InvalidKll(const std::string& function) {
  return RuntimeError("KLL_INVALID_INPUT_SKETCH_BUFFER", {{"function", Backticked(function)}});
}

template <typename T>
Result<sketches::KllSketch<T>> ReadKll(std::string_view bytes, const std::string& function) {
  auto sketch = sketches::KllSketch<T>::Deserialize(bytes);
  if (!sketch) return InvalidKll(function);
  return std::move(*sketch);
}

/// The optional constant k of the KLL aggregates, checked at analysis as Spark does.
Result<std::optional<int>> KllK(const std::vector<BoundExprPtr>& args, const std::string& sql_expr,
                                const std::string& function, const EvalContext& ctx) {
  if (args.size() < 2) return std::optional<int>();
  const auto& arg = *args[1];
  if (!types::IsIntegral(*arg.type) && arg.type->id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, 1, "\"INT\"", arg);
  }
  if (ReadsColumnsOf(arg)) {
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", "\"" + sql_expr + "\""}, {"inputName", "k"}, {"inputType", "int"},
                          {"inputExpr", arg.name}});
  }
  ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(arg, ctx));
  int64_t k = 0;
  if (value->is_valid) {
    ARROW_ASSIGN_OR_RAISE(auto as_long, value->CastTo(arrow::int64()));
    k = static_cast<const arrow::Int64Scalar&>(*as_long).value;
  }
  if (k < sketches::KllSketch<double>::kMinK || k > sketches::KllSketch<double>::kMaxK) {
    const std::string hint = "[KLL_SKETCH_K_OUT_OF_RANGE] For function " + Backticked(function) +
                             ", the k parameter must be between 8 and 65535 (inclusive), but got " +
                             std::to_string(k) + ". SQLSTATE: 22003";
    return AnalysisError("DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT",
                         {{"sqlExpr", "\"" + sql_expr + "\""}, {"msg", hint}, {"hint", ""}});
  }
  return std::optional<int>(static_cast<int>(k));
}

template <typename T>
struct KllSketchPolicy {
  using State = sketches::KllSketch<T>;
  int k;
  State Make() const { return State(k); }
  static int64_t Bytes(const State& s) { return s.MemoryBytes(); }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    if constexpr (std::is_same_v<T, int64_t>) {
      s->Update(static_cast<const arrow::Int64Array&>(array).Value(i));
    } else if constexpr (std::is_same_v<T, float>) {
      s->Update(static_cast<const arrow::FloatArray&>(array).Value(i));
    } else {
      s->Update(static_cast<const arrow::DoubleArray&>(array).Value(i));
    }
    return Status::OK();
  }
  Status Merge(State* s, const State& from) const {
    s->Merge(from);
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const { return s.Serialize(); }
};

template <typename T>
struct KllMergePolicy {
  struct State {
    std::shared_ptr<sketches::KllSketch<T>> sketch;
  };
  std::optional<int> k;
  std::string function;
  State Make() const { return {}; }
  static int64_t Bytes(const State& s) { return s.sketch ? s.sketch->MemoryBytes() : 0; }
  void Add(State* s, const sketches::KllSketch<T>& sketch) const {
    if (!s->sketch) {
      s->sketch = std::make_shared<sketches::KllSketch<T>>(k ? *k : sketch.k());
    } else if (s->sketch.use_count() > 1) {
      s->sketch = std::make_shared<sketches::KllSketch<T>>(*s->sketch);
    }
    s->sketch->Merge(sketch);
  }
  Status Update(State* s, const arrow::Array& array, int64_t i) const {
    ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKll<T>(static_cast<const arrow::BinaryArray&>(array).GetView(i), function));
    Add(s, sketch);
    return Status::OK();
  }
  Status Merge(State* s, const State& from) const {
    if (from.sketch) Add(s, *from.sketch);
    return Status::OK();
  }
  Result<std::string> Finish(const State& s) const {
    return s.sketch ? s.sketch->Serialize() : sketches::KllSketch<T>(k ? *k : 200).Serialize();
  }
};

template <typename T>
FunctionInfo KllAggregate(bool merge) {
  using Kind = KllKind<T>;
  FunctionInfo info;
  info.name = std::string(merge ? "kll_merge_agg_" : "kll_sketch_agg_") + Kind::kSuffix;
  info.kind = FunctionKind::kAggregate;
  info.usage = merge ? info.name + "(expr[, k]) - Merges binary KLL sketch representations and returns the merged sketch."
                     : info.name + "(expr[, k]) - Returns the KLL sketch of the values in the column.";
  info.bind_aggregate = [fn = info.name, merge](const std::string& called, std::vector<BoundExprPtr> args,
                                                bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    BoundAggregate agg;
    agg.function_name = fn;
    agg.name = AggregateCallName(called, args, distinct);
    if (merge) {
      ARROW_RETURN_NOT_OK(RequireBinary(args, 0, agg.name));
    } else {
      const auto id = args[0]->type->id();
      if (!Kind::Accepts(id) && id != arrow::Type::NA) {
        return UnexpectedInputType(agg.name, 0, Kind::kInputTypes, *args[0]);
      }
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], Kind::Type(), plan::CastMode::kDefault, true, ctx));
    }
    ARROW_ASSIGN_OR_RAISE(auto k, KllK(args, agg.name, fn, ctx));
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    if (merge) {
      agg.kernel = PolicyKernel(KllMergePolicy<T>{k, fn});
    } else {
      agg.kernel = PolicyKernel(KllSketchPolicy<T>{k ? *k : 200});
    }
    args.resize(1);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// The KLL functions of one sketch argument (to_string, get_n, merge):
/// `body` maps the sketches of a row to its value.
template <typename T, typename Out>
FunctionInfo KllScalar(const std::string& stem, size_t sketches_in, std::shared_ptr<arrow::DataType> out_type,
                       std::string usage,
                       std::function<Result<Out>(const std::vector<std::string_view>&, const std::string&)> body) {
  FunctionInfo info;
  info.name = stem + KllKind<T>::kSuffix;
  info.usage = std::move(usage);
  info.null_intolerant = true;
  info.bind_scalar = [fn = info.name, sketches_in, out_type, body](
                         const std::string& called, std::vector<BoundExprPtr> args,
                         const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != sketches_in) return WrongArgumentCount(called, std::to_string(sketches_in), args.size());
    std::string name = CallText(called, args);
    for (size_t i = 0; i < sketches_in; ++i) {
      if (args[i]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, i, name));
    }
    std::shared_ptr<plan::ScalarKernel> kernel;
    if (sketches_in == 1) {
      kernel = MakeScalarFunction<Out, std::string_view>(
          out_type,
          [fn, body](Out* out, std::string_view a) {
            auto r = body({a}, fn);
            if (!r.ok()) return RowResult::kError;
            *out = std::move(*r);
            return RowResult::kValue;
          },
          std::function<Status(std::string_view)>([fn, body](std::string_view a) { return body({a}, fn).status(); }));
    } else {
      kernel = MakeScalarFunction<Out, std::string_view, std::string_view>(
          out_type,
          [fn, body](Out* out, std::string_view a, std::string_view b) {
            auto r = body({a, b}, fn);
            if (!r.ok()) return RowResult::kError;
            *out = std::move(*r);
            return RowResult::kValue;
          },
          std::function<Status(std::string_view, std::string_view)>(
              [fn, body](std::string_view a, std::string_view b) { return body({a, b}, fn).status(); }));
    }
    const bool nullable = AnyNullable(args);
    return BoundExpr::Call(fn, kernel, std::move(args), out_type, nullable, name);
  };
  return info;
}

/// kll_sketch_get_quantile_* (rank -> item) and kll_sketch_get_rank_* (item ->
/// rank): the second argument is a constant, one value or an array of them.
template <typename T>
FunctionInfo KllQuery(bool quantile) {
  using Kind = KllKind<T>;
  FunctionInfo info;
  info.name = std::string(quantile ? "kll_sketch_get_quantile_" : "kll_sketch_get_rank_") + Kind::kSuffix;
  info.usage = quantile ? info.name + "(sketch, rank) - Returns the quantile at the given rank (or ranks)."
                        : info.name + "(sketch, quantile) - Returns the normalized rank of the given quantile (or quantiles).";
  info.null_intolerant = true;
  info.bind_scalar = [fn = info.name, quantile](const std::string& called, std::vector<BoundExprPtr> args,
                                                const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallText(called, args);
    if (args[0]->type->id() != arrow::Type::NA) ARROW_RETURN_NOT_OK(RequireBinary(args, 0, name));
    // The probe values: DOUBLE ranks or items of the sketch's type.
    const auto probe_type = quantile ? arrow::float64() : Kind::Type();
    const bool is_array = args[1]->type->id() == arrow::Type::LIST;
    const std::string required = quantile ? "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")"
                                          : std::string("(\"") + types::SqlString(*Kind::Type()) + "\" or \"ARRAY<" +
                                                types::SqlString(*Kind::Type()) + ">\")";
    const auto& elem = is_array ? static_cast<const arrow::ListType&>(*args[1]->type).value_type() : args[1]->type;
    const bool numeric = types::IsNumeric(*elem) || elem->id() == arrow::Type::NA ||
                         (!is_array && types::IsStringLike(*elem));
    if (!numeric) return UnexpectedInputType(name, 1, required, *args[1]);
    if (ReadsColumnsOf(*args[1])) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", "\"" + name + "\""},
                            {"inputName", quantile ? "`rank`" : "`quantile`"},
                            {"inputType", "\"" + types::SqlString(*probe_type) + "\""},
                            {"inputExpr", "\"" + args[1]->name + "\""}});
    }
    ARROW_ASSIGN_OR_RAISE(
        auto probe_arg, BindCast(args[1], is_array ? arrow::list(probe_type) : probe_type, plan::CastMode::kDefault, true, ctx));
    ARROW_ASSIGN_OR_RAISE(auto probe, plan::EvaluateConstant(*probe_arg, ctx));
    std::vector<std::optional<double>> ranks;
    std::vector<std::optional<T>> items;
    bool probe_null = !probe->is_valid;
    auto take = [&](const arrow::Scalar& s) {
      if (!s.is_valid) {
        ranks.push_back(std::nullopt);
        items.push_back(std::nullopt);
      } else if (quantile) {
        ranks.push_back(static_cast<const arrow::DoubleScalar&>(s).value);
      } else {
        items.push_back(static_cast<const typename arrow::CTypeTraits<T>::ScalarType&>(s).value);
      }
    };
    if (!probe_null) {
      if (is_array) {
        const auto& list = static_cast<const arrow::ListScalar&>(*probe);
        for (int64_t i = 0; i < list.value->length(); ++i) {
          ARROW_ASSIGN_OR_RAISE(auto s, list.value->GetScalar(i));
          take(*s);
        }
      } else {
        take(*probe);
      }
    }
    for (const auto& r : ranks) {
      if (r && (*r < 0 || *r > 1 || std::isnan(*r))) {
        return RuntimeError("KLL_SKETCH_INVALID_QUANTILE_RANGE", {{"functionName", Backticked(fn)}});
      }
    }
    const auto value_type = quantile ? Kind::Type() : arrow::float64();
    const auto out_type = is_array ? ListOf(value_type) : value_type;
    const size_t count = quantile ? ranks.size() : items.size();
    auto kernel = [fn, quantile, ranks, items, is_array, probe_null, value_type, count](
                      const std::vector<Datum>& in, int64_t length, const EvalContext&) -> Result<Datum> {
      StringArg sketches_in(in[0]);
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(),
                                             is_array ? ListOf(value_type) : value_type, &builder));
      arrow::ArrayBuilder* values = is_array ? static_cast<arrow::ListBuilder&>(*builder).value_builder() : builder.get();
      auto append_value = [&](const sketches::KllSketch<T>& sketch, size_t j) -> Status {
        if (quantile) {
          if (!ranks[j]) return values->AppendNull();
          const T q = sketch.Quantile(*ranks[j]);
          if constexpr (std::is_same_v<T, int64_t>) return static_cast<arrow::Int64Builder*>(values)->Append(q);
          if constexpr (std::is_same_v<T, float>) return static_cast<arrow::FloatBuilder*>(values)->Append(q);
          if constexpr (std::is_same_v<T, double>) return static_cast<arrow::DoubleBuilder*>(values)->Append(q);
        }
        if (!items[j]) return values->AppendNull();
        return static_cast<arrow::DoubleBuilder*>(values)->Append(sketch.Rank(*items[j]));
      };
      for (int64_t i = 0; i < length; ++i) {
        std::string_view bytes;
        if (probe_null || !sketches_in.Get(i, &bytes)) {
          ARROW_RETURN_NOT_OK(builder->AppendNull());
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKll<T>(bytes, fn));
        if (sketch.empty()) return InvalidKll(fn);
        if (is_array) {
          ARROW_RETURN_NOT_OK(static_cast<arrow::ListBuilder&>(*builder).Append());
          for (size_t j = 0; j < count; ++j) ARROW_RETURN_NOT_OK(append_value(sketch, j));
        } else {
          ARROW_RETURN_NOT_OK(append_value(sketch, 0));
        }
      }
      std::shared_ptr<arrow::Array> out;
      ARROW_RETURN_NOT_OK(builder->Finish(&out));
      return Datum(out);
    };
    const bool nullable = args[0]->nullable || probe_arg->nullable || probe_null;
    args[1] = probe_arg;
    return KernelCall(fn, name, std::move(args), out_type, nullable, kernel);
  };
  return info;
}

template <typename T>
void RegisterKll(FunctionRegistry& registry) {
  using Kind = KllKind<T>;
  registry.Add(KllAggregate<T>(false));
  registry.Add(KllAggregate<T>(true));
  registry.Add(KllScalar<T, std::string>(
      "kll_sketch_to_string_", 1, arrow::utf8(), "Returns a string with human readable summary information about the KLL sketch.",
      [](const std::vector<std::string_view>& in, const std::string& fn) -> Result<std::string> {
        ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKll<T>(in[0], fn));
        return sketch.ToString(Kind::kClass, &Kind::Render);
      }));
  registry.Add(KllScalar<T, int64_t>(
      "kll_sketch_get_n_", 1, arrow::int64(), "Returns the number of items collected in the KLL sketch.",
      [](const std::vector<std::string_view>& in, const std::string& fn) -> Result<int64_t> {
        ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKll<T>(in[0], fn));
        return static_cast<int64_t>(sketch.n());
      }));
  registry.Add(KllScalar<T, std::string>(
      "kll_sketch_merge_", 2, arrow::binary(), "Merges two KLL sketches into one.",
      [](const std::vector<std::string_view>& in, const std::string& fn) -> Result<std::string> {
        ARROW_ASSIGN_OR_RAISE(auto left, ReadKll<T>(in[0], fn));
        ARROW_ASSIGN_OR_RAISE(auto right, ReadKll<T>(in[1], fn));
        left.Merge(right);
        return left.Serialize();
      }));
  registry.Add(KllQuery<T>(true));
  registry.Add(KllQuery<T>(false));
}

}  // namespace

void RegisterSketchFunctions(FunctionRegistry& registry) {
  RegisterKll<int64_t>(registry);
  RegisterKll<float>(registry);
  RegisterKll<double>(registry);
  registry.Add(HllSketchAgg());
  registry.Add(HllUnionAgg());
  registry.Add(HllSketchEstimate());
  registry.Add(HllUnionFunction());
  registry.Add(ThetaAggregate<ThetaSketchPolicy>(
      "theta_sketch_agg",
      "theta_sketch_agg(expr, lgNomEntries) - Returns the ThetaSketch compact binary representation. `lgNomEntries` "
      "(optional) is the log-base-2 of nominal entries, with nominal entries deciding the number buckets or slots "
      "for the ThetaSketch.",
      false, true));
  registry.Add(ThetaAggregate<ThetaUnionPolicy>(
      "theta_union_agg",
      "theta_union_agg(expr, lgNomEntries) - Returns the ThetaSketch's Compact binary representation. "
      "`lgNomEntries` (optional) the log-base-2 of Nominal Entries, with Nominal Entries deciding the number "
      "buckets or slots for the ThetaSketch.",
      true, true));
  registry.Add(ThetaAggregate<ThetaIntersectionPolicy>(
      "theta_intersection_agg",
      "theta_intersection_agg(expr) - Returns the ThetaSketch's Compact binary representation by intersecting all "
      "the Theta sketches in the input column.",
      true, false));
  registry.Add(ThetaSketchEstimate());
  registry.Add(ThetaSetFunction("theta_union", ThetaSetOp::kUnion,
                                "theta_union(first, second, lgNomEntries) - Merges two binary representations of "
                                "Datasketches ThetaSketch objects using a ThetaSketch Union object."));
  registry.Add(ThetaSetFunction("theta_intersection", ThetaSetOp::kIntersection,
                                "theta_intersection(first, second) - Returns the ThetaSketch's Compact binary "
                                "representation by intersecting two binary representations of Datasketches "
                                "ThetaSketch objects using a ThetaSketch Intersect object."));
  registry.Add(ThetaSetFunction("theta_difference", ThetaSetOp::kDifference,
                                "theta_difference(first, second) - Subtracts two binary representations of "
                                "Datasketches ThetaSketch objects using a ThetaSketch AnotB object."));
}

}  // namespace sk8::functions
