// Aggregate functions: count, sum, avg, min, max. Each accumulator keeps one
// slot per group, so the same code serves global and grouped aggregation, and
// Merge() gives the partial -> final split of two-phase aggregation.
#include <arrow/builder.h>
#include <arrow/util/bit_util.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundAggregate;
using plan::GroupedAccumulator;

template <typename T>
int64_t CapacityBytes(const std::vector<T>& values) {
  return static_cast<int64_t>(values.capacity() * sizeof(T));
}

/// Calls f(i) for each of `rows` rows of `array` that is not NULL: a plain loop
/// when there are no NULLs.
template <typename F>
void ForEachValid(const arrow::Array& array, int64_t rows, F&& f) {
  if (array.null_count() == 0) {
    for (int64_t i = 0; i < rows; ++i) f(i);
    return;
  }
  const uint8_t* validity = array.null_bitmap_data();
  const int64_t offset = array.offset();
  for (int64_t i = 0; i < rows; ++i) {
    if (arrow::bit_util::GetBit(validity, offset + i)) f(i);
  }
}

/// Calls f(i, group) for the groups a Merge folds: groups[i], or i when `groups` is null.
template <typename F>
void ForEachMerged(const uint32_t* groups, int64_t count, F&& f) {
  if (groups == nullptr) {
    for (int64_t i = 0; i < count; ++i) f(i, static_cast<size_t>(i));
  } else {
    for (int64_t i = 0; i < count; ++i) f(i, static_cast<size_t>(groups[i]));
  }
}

class CountAccumulator : public GroupedAccumulator {
 public:
  void Resize(int64_t n) override { counts_.resize(n, 0); }
  int64_t MemoryUsage() const override { return CapacityBytes(counts_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    int64_t* counts = counts_.data();
    if (args.empty() || args[0].is_scalar()) {
      bool valid = args.empty() || args[0].scalar()->is_valid;
      if (valid) for (int64_t i = 0; i < rows; ++i) ++counts[groups[i]];
      return Status::OK();
    }
    ForEachValid(*args[0].make_array(), rows, [&](int64_t i) { ++counts[groups[i]]; });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const CountAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) { counts_[map[i]] += o.counts_[g]; });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::Int64Builder builder;
    ARROW_RETURN_NOT_OK(builder.AppendValues(counts_));
    return builder.Finish();
  }

 private:
  std::vector<int64_t> counts_;
};

enum class AggOp { kSum, kMin, kMax, kAvg };

Status LongOverflow() {
  return SparkError(SparkExceptionKind::kArithmetic, "ARITHMETIC_OVERFLOW",
                    {{"message", "long overflow"},
                     {"alternative", " Use 'try_sum' to tolerate overflow and return NULL instead."},
                     {"config", "\"spark.sql.ansi.enabled\""}});
}

// Spark orders NaN above all other values.
template <typename T>
bool Less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

// Sum/min/max/avg over a primitive input type In, accumulating in Acc; the
// operation is a template argument so that the per-row loop has no switch.
template <typename InType, typename AccType, AggOp Op>
class NumericAccumulator : public GroupedAccumulator {
 public:
  using In = typename InType::c_type;
  using Acc = typename AccType::c_type;
  static constexpr bool kSums = Op == AggOp::kSum || Op == AggOp::kAvg;

  void Resize(int64_t n) override {
    values_.resize(n, Acc{});
    seen_.resize(n, 0);
    if constexpr (Op == AggOp::kAvg) counts_.resize(n, 0);
  }
  int64_t MemoryUsage() const override {
    return CapacityBytes(values_) + CapacityBytes(seen_) + CapacityBytes(counts_);
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext& ctx) override {
    NumericArg<InType> in(args[0]);
    bool overflow = false;
    if (in.is_scalar()) {
      if (!in.IsValid(0)) return Status::OK();
      const auto v = static_cast<Acc>(in.Value(0));
      for (int64_t i = 0; i < rows; ++i) overflow |= Add(groups[i], v, 1);
    } else {
      const In* values = in.values();
      ForEachValid(*in.array(), rows, [&](int64_t i) { overflow |= Add(groups[i], static_cast<Acc>(values[i]), 1); });
    }
    return overflow && ctx.ansi ? LongOverflow() : Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext& ctx) override {
    const auto& o = static_cast<const NumericAccumulator&>(other);
    bool overflow = false;
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (o.seen_[g]) overflow |= Add(map[i], o.values_[g], Op == AggOp::kAvg ? o.counts_[g] : 0);
    });
    return overflow && ctx.ansi ? LongOverflow() : Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    if constexpr (Op == AggOp::kAvg) {
      arrow::DoubleBuilder builder;
      ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(values_.size())));
      for (size_t g = 0; g < values_.size(); ++g) {
        if (!seen_[g]) {
          builder.UnsafeAppendNull();
        } else {
          builder.UnsafeAppend(static_cast<double>(values_[g]) / static_cast<double>(counts_[g]));
        }
      }
      return builder.Finish();
    }
    arrow::NumericBuilder<AccType> builder;
    ARROW_RETURN_NOT_OK(builder.AppendValues(values_.data(), static_cast<int64_t>(values_.size()), seen_.data()));
    return builder.Finish();
  }

 private:
  /// Folds v (and, for avg, `count` rows) into group g; true on a long overflow.
  bool Add(uint32_t g, Acc v, int64_t count) {
    if constexpr (kSums) {
      // Spark's sums start from 0 (the initial value), so a sum of -0.0 is 0.0.
      seen_[g] = 1;
      if constexpr (Op == AggOp::kAvg) counts_[g] += count;
      if constexpr (std::is_integral_v<Acc>) {
        return __builtin_add_overflow(values_[g], v, &values_[g]);
      } else {
        values_[g] += v;
        return false;
      }
    } else {
      const bool better = Op == AggOp::kMin ? Less(v, values_[g]) : Less(values_[g], v);
      if (!seen_[g] || better) values_[g] = v;
      seen_[g] = 1;
      return false;
    }
  }

  std::vector<Acc> values_;
  std::vector<uint8_t> seen_;
  std::vector<int64_t> counts_;  // avg only
};

// sum/avg/min/max of DECIMAL: exact 128-bit sums; sum widens the precision by 10
// and avg returns scale + 4 (rounded half up), as Spark types them. Values are
// read and summed as native 128-bit integers (Decimal128's little-endian layout).
template <AggOp Op>
class DecimalAccumulator : public GroupedAccumulator {
 public:
  using Int128 = __int128;
  DecimalAccumulator(int32_t input_scale, std::shared_ptr<arrow::DataType> result_type)
      : input_scale_(input_scale), result_type_(std::move(result_type)) {}

  void Resize(int64_t n) override {
    values_.resize(n, 0);
    seen_.resize(n, 0);
    if constexpr (Op == AggOp::kAvg) counts_.resize(n, 0);
  }
  int64_t MemoryUsage() const override {
    return CapacityBytes(values_) + CapacityBytes(seen_) + CapacityBytes(counts_);
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    if (args[0].is_scalar()) {
      const auto& scalar = static_cast<const arrow::Decimal128Scalar&>(*args[0].scalar());
      if (!scalar.is_valid) return Status::OK();
      const Int128 v = ToInt128(scalar.value);
      for (int64_t i = 0; i < rows; ++i) Add(groups[i], v, 1);
      return Status::OK();
    }
    auto array = args[0].make_array();
    const uint8_t* values = array->data()->buffers[1]->data() + array->offset() * 16;
    ForEachValid(*array, rows, [&](int64_t i) {
      Int128 v;
      std::memcpy(&v, values + i * 16, 16);
      Add(groups[i], v, 1);
    });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const DecimalAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (o.seen_[g]) Add(map[i], o.values_[g], Op == AggOp::kAvg ? o.counts_[g] : 0);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) override {
    const auto& type = static_cast<const arrow::Decimal128Type&>(*result_type_);
    arrow::Decimal128Builder builder(result_type_);
    ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(values_.size())));
    for (size_t g = 0; g < values_.size(); ++g) {
      if (!seen_[g]) {
        builder.UnsafeAppendNull();
        continue;
      }
      arrow::Decimal128 value(static_cast<int64_t>(values_[g] >> 64), static_cast<uint64_t>(values_[g]));
      if constexpr (Op == AggOp::kAvg) {
        // (sum * 10^(result scale - input scale)) / count, rounded half up.
        arrow::Decimal128 scaled = value.IncreaseScaleBy(type.scale() - input_scale_);
        arrow::Decimal128 count(counts_[g]);
        ARROW_ASSIGN_OR_RAISE(auto division, scaled.Divide(count));
        arrow::Decimal128 quotient = division.first;
        if ((arrow::Decimal128::Abs(division.second) * arrow::Decimal128(2)) >= count) {
          quotient += arrow::Decimal128(scaled.Sign() < 0 ? -1 : 1);
        }
        value = quotient;
      }
      if (!value.FitsInPrecision(type.precision())) {
        if (ctx.ansi) {
          return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                            {{"value", value.ToString(type.scale())}, {"precision", std::to_string(type.precision())},
                             {"scale", std::to_string(type.scale())}, {"config", "\"spark.sql.ansi.enabled\""}});
        }
        builder.UnsafeAppendNull();
        continue;
      }
      builder.UnsafeAppend(value);
    }
    return builder.Finish();
  }

 private:
  static Int128 ToInt128(const arrow::Decimal128& d) {
    return static_cast<Int128>(static_cast<unsigned __int128>(d.high_bits()) << 64 | d.low_bits());
  }
  void Add(uint32_t g, Int128 v, int64_t count) {
    if constexpr (Op == AggOp::kSum || Op == AggOp::kAvg) {
      // Wraps like Decimal128's own addition; Finalize's precision check catches overflow.
      values_[g] = static_cast<Int128>(static_cast<unsigned __int128>(values_[g]) + static_cast<unsigned __int128>(v));
      if constexpr (Op == AggOp::kAvg) counts_[g] += count;
    } else {
      const bool better = Op == AggOp::kMin ? v < values_[g] : values_[g] < v;
      if (!seen_[g] || better) values_[g] = v;
    }
    seen_[g] = 1;
  }

  int32_t input_scale_;
  std::shared_ptr<arrow::DataType> result_type_;
  std::vector<Int128> values_;
  std::vector<uint8_t> seen_;
  std::vector<int64_t> counts_;  // avg only
};

// min/max of strings.
class StringMinMaxAccumulator : public GroupedAccumulator {
 public:
  explicit StringMinMaxAccumulator(bool is_max) : is_max_(is_max) {}
  void Resize(int64_t n) override {
    values_.resize(n);
    seen_.resize(n, 0);
  }
  // Long strings also hold heap bytes; the slots are what grows with the groups.
  int64_t MemoryUsage() const override { return CapacityBytes(values_) + CapacityBytes(seen_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    if (args[0].is_scalar()) {
      const auto& s = *args[0].scalar();
      if (!s.is_valid) return Status::OK();
      std::string v = static_cast<const arrow::StringScalar&>(s).value->ToString();
      for (int64_t i = 0; i < rows; ++i) Add(groups[i], v);
      return Status::OK();
    }
    auto array = std::static_pointer_cast<arrow::StringArray>(args[0].make_array());
    for (int64_t i = 0; i < rows; ++i) {
      if (array->IsValid(i)) Add(groups[i], array->GetView(i));
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const StringMinMaxAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (o.seen_[g]) Add(map[i], o.values_[g]);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::StringBuilder builder;
    for (size_t g = 0; g < values_.size(); ++g) {
      if (seen_[g]) {
        ARROW_RETURN_NOT_OK(builder.Append(values_[g]));
      } else {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      }
    }
    return builder.Finish();
  }

 private:
  void Add(uint32_t g, std::string_view v) {
    if (!seen_[g] || (is_max_ ? v > values_[g] : v < values_[g])) values_[g] = std::string(v);
    seen_[g] = 1;
  }
  bool is_max_;
  std::vector<std::string> values_;
  std::vector<uint8_t> seen_;
};

class FactoryKernel : public plan::AggregateKernel {
 public:
  using Factory = std::function<std::unique_ptr<GroupedAccumulator>()>;
  explicit FactoryKernel(Factory f) : factory_(std::move(f)) {}
  std::unique_ptr<GroupedAccumulator> MakeAccumulator() const override { return factory_(); }

 private:
  Factory factory_;
};

/// The accumulator class of `op`, instantiated per operation.
template <template <AggOp> class Accumulator, typename... Args>
FactoryKernel::Factory ForOp(AggOp op, Args... args) {
  switch (op) {
    case AggOp::kSum: return [=] { return std::make_unique<Accumulator<AggOp::kSum>>(args...); };
    case AggOp::kAvg: return [=] { return std::make_unique<Accumulator<AggOp::kAvg>>(args...); };
    case AggOp::kMin: return [=] { return std::make_unique<Accumulator<AggOp::kMin>>(args...); };
    case AggOp::kMax: break;
  }
  return [=] { return std::make_unique<Accumulator<AggOp::kMax>>(args...); };
}

template <typename InType, typename AccType>
struct Numeric {
  template <AggOp Op>
  using Accumulator = NumericAccumulator<InType, AccType, Op>;
};

// Accumulator for a primitive type (via its physical integer/float type).
template <typename AccType>
FactoryKernel::Factory NumericFactory(const arrow::DataType& in, AggOp op) {
  switch (in.id()) {
    case arrow::Type::INT8: return ForOp<Numeric<arrow::Int8Type, AccType>::template Accumulator>(op);
    case arrow::Type::INT16: return ForOp<Numeric<arrow::Int16Type, AccType>::template Accumulator>(op);
    case arrow::Type::INT32:
    case arrow::Type::DATE32: return ForOp<Numeric<arrow::Int32Type, AccType>::template Accumulator>(op);
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP: return ForOp<Numeric<arrow::Int64Type, AccType>::template Accumulator>(op);
    case arrow::Type::FLOAT: return ForOp<Numeric<arrow::FloatType, AccType>::template Accumulator>(op);
    default: return ForOp<Numeric<arrow::DoubleType, AccType>::template Accumulator>(op);
  }
}

Status WrongArgs(const std::string& name, size_t got, const std::string& expected) {
  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                       {{"functionName", "`" + name + "`"}, {"expectedNum", expected},
                        {"actualNum", std::to_string(got)}, {"docroot", "https://spark.apache.org/docs/latest"}});
}

/// Spark's column name of an aggregate over distinct values: "count(DISTINCT x)".
std::string DistinctCallName(const std::string& function, const std::vector<BoundExprPtr>& args) {
  std::string out = function + "(DISTINCT ";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i]->name;
  return out + ")";
}

FunctionInfo Aggregate(std::string name, std::string usage, AggOp op) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [op, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                               bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 1) return WrongArgs(info_copy.name, args.size(), "1");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = distinct ? DistinctCallName(info_copy.name, args) : CallName(info_copy, called, args);
    agg.distinct = distinct;
    agg.nullable = true;
    auto in = args[0]->type;
    if (in->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
      in = args[0]->type;
    }
    if (in->id() == arrow::Type::DECIMAL128) {
      const auto& dec = static_cast<const arrow::Decimal128Type&>(*in);
      int32_t precision = dec.precision(), scale = dec.scale();
      if (op == AggOp::kSum) {
        agg.type = arrow::decimal128(std::min(38, precision + 10), scale);
      } else if (op == AggOp::kAvg) {
        agg.type = arrow::decimal128(std::min(38, precision + 4), std::min(38, scale + 4));
      } else {
        agg.type = in;
      }
      auto result_type = agg.type;
      agg.kernel = std::make_shared<FactoryKernel>(ForOp<DecimalAccumulator>(op, scale, result_type));
    } else if (op == AggOp::kSum || op == AggOp::kAvg) {
      if (types::IsStringLike(*in)) {
        ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::float64(), plan::CastMode::kDefault, true, ctx));
        in = args[0]->type;
      }
      if (NumericRank(*in) == 0) {
        return UnexpectedInputType(agg.name, 0, "\"NUMERIC\" or \"ANSI INTERVAL\"", *args[0]);
      }
      bool integral = types::IsIntegral(*in);
      if (op == AggOp::kAvg) {
        agg.type = arrow::float64();
        agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::DoubleType>(*in, op));
      } else if (integral) {
        agg.type = arrow::int64();
        agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int64Type>(*in, op));
      } else {
        agg.type = arrow::float64();
        agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::DoubleType>(*in, op));
      }
    } else {
      agg.type = in;
      switch (in->id()) {
        case arrow::Type::INT8: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int8Type>(*in, op)); break;
        case arrow::Type::INT16: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int16Type>(*in, op)); break;
        case arrow::Type::INT32:
        case arrow::Type::DATE32: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int32Type>(*in, op)); break;
        case arrow::Type::INT64:
        case arrow::Type::TIMESTAMP: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int64Type>(*in, op)); break;
        case arrow::Type::FLOAT: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::FloatType>(*in, op)); break;
        case arrow::Type::DOUBLE: agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::DoubleType>(*in, op)); break;
        case arrow::Type::STRING: {
          bool is_max = op == AggOp::kMax;
          agg.kernel = std::make_shared<FactoryKernel>([is_max] { return std::make_unique<StringMinMaxAccumulator>(is_max); });
          break;
        }
        default: return Unsupported(info_copy.name + " over " + types::SqlString(*in));
      }
    }
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry& registry) {
  FunctionInfo count;
  count.name = "count";
  count.kind = FunctionKind::kAggregate;
  count.usage = "count(*) - Returns the total number of retrieved rows, including rows containing null.";
  count.bind_aggregate = [info = count](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                        const EvalContext&) -> Result<BoundAggregate> {
    if (args.empty()) return WrongArgs("count", 0, "1");
    if (args.size() > 1) return Unsupported("count with several arguments");
    BoundAggregate agg;
    agg.function_name = "count";
    agg.name = distinct ? DistinctCallName("count", args) : CallName(info, called, args);
    agg.distinct = distinct;
    agg.type = arrow::int64();
    agg.nullable = false;
    agg.kernel = std::make_shared<FactoryKernel>([] { return std::make_unique<CountAccumulator>(); });
    agg.args = std::move(args);
    return agg;
  };
  registry.Add(std::move(count));
  registry.Add(Aggregate("sum", "sum(expr) - Returns the sum calculated from values of a group.", AggOp::kSum));
  FunctionInfo avg = Aggregate("avg", "avg(expr) - Returns the mean calculated from values of a group.", AggOp::kAvg);
  avg.aliases.push_back("mean");
  registry.Add(std::move(avg));
  registry.Add(Aggregate("min", "min(expr) - Returns the minimum value of `expr`.", AggOp::kMin));
  registry.Add(Aggregate("max", "max(expr) - Returns the maximum value of `expr`.", AggOp::kMax));
}

}  // namespace sk8::functions
