// Aggregate functions: count, sum, avg, min, max. Each accumulator keeps one
// slot per group, so the same code serves global and grouped aggregation, and
// Merge() gives the partial -> final split of two-phase aggregation.
#include <arrow/builder.h>
#include <arrow/util/bit_util.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundAggregate;
using plan::GroupedAccumulator;

bool IsValidAt(const Datum& datum, int64_t i) {
  return datum.is_scalar() ? datum.scalar()->is_valid : datum.array()->IsValid(i);
}

class CountAccumulator : public GroupedAccumulator {
 public:
  void Resize(int64_t n) override { counts_.resize(n, 0); }
  int64_t MemoryUsage() const override { return CapacityBytes(counts_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    int64_t* counts = counts_.data();
    if (args.size() > 1) {  // count(a, b, ...): the rows where none is NULL
      for (int64_t i = 0; i < rows; ++i) {
        bool valid = true;
        for (const auto& arg : args) valid = valid && IsValidAt(arg, i);
        if (valid) ++counts[groups[i]];
      }
      return Status::OK();
    }
    // One group (a global count, df.count()): every row is group 0.
    const bool one_group = counts_.size() == 1;
    if (args.empty() || args[0].is_scalar()) {
      bool valid = args.empty() || args[0].scalar()->is_valid;
      if (!valid) return Status::OK();
      if (one_group) {
        counts[0] += rows;
        return Status::OK();
      }
      for (int64_t i = 0; i < rows; ++i) ++counts[groups[i]];
      return Status::OK();
    }
    auto array = args[0].make_array();
    if (one_group) {
      counts[0] += std::min<int64_t>(rows, array->length()) - array->Slice(0, rows)->null_count();
      return Status::OK();
    }
    ForEachValid(*array, rows, [&](int64_t i) { ++counts[groups[i]]; });
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

 protected:
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

  /// try_sum: a group whose sum overflows is NULL instead of an error.
  explicit NumericAccumulator(bool null_on_overflow = false) : null_on_overflow_(null_on_overflow) {}

  void Resize(int64_t n) override {
    values_.resize(n, Acc{});
    seen_.resize(n, 0);
    if (null_on_overflow_) overflowed_.resize(n, 0);
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
      if (null_on_overflow_ && o.overflowed_[g]) overflowed_[map[i]] = 1;
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
    if (null_on_overflow_) {
      for (size_t g = 0; g < seen_.size(); ++g) seen_[g] = seen_[g] && !overflowed_[g];
    }
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
        const bool overflow = __builtin_add_overflow(values_[g], v, &values_[g]);
        if (overflow && null_on_overflow_) {
          overflowed_[g] = 1;
          return false;
        }
        return overflow;
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

  bool null_on_overflow_;
  std::vector<Acc> values_;
  std::vector<uint8_t> seen_;
  std::vector<int64_t> counts_;  // avg only
  std::vector<uint8_t> overflowed_;  // null_on_overflow_ only
};

/// try_sum / try_avg of DECIMAL: the accumulator run as without ANSI, where an
/// overflowing group is NULL instead of an error.
class NullOnOverflowAccumulator : public GroupedAccumulator {
 public:
  explicit NullOnOverflowAccumulator(std::unique_ptr<GroupedAccumulator> inner) : inner_(std::move(inner)) {}
  void Resize(int64_t n) override { inner_->Resize(n); }
  int64_t MemoryUsage() const override { return inner_->MemoryUsage(); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext& ctx) override {
    return inner_->Update(args, groups, rows, Lenient(ctx));
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext& ctx) override {
    return inner_->Merge(*static_cast<const NullOnOverflowAccumulator&>(other).inner_, groups, map, count,
                         Lenient(ctx));
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) override {
    return inner_->Finalize(Lenient(ctx));
  }

 private:
  static EvalContext Lenient(const EvalContext& ctx) {
    EvalContext lenient = ctx;
    lenient.ansi = false;
    return lenient;
  }
  std::unique_ptr<GroupedAccumulator> inner_;
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
      bool fits = true;
      std::string shown;  // the value an overflow error names
      if constexpr (Op == AggOp::kAvg) {
        // Spark sums into DECIMAL(p + 10, s) (at most 38 digits): a sum beyond
        // that overflows. Then (sum * 10^(result scale - input scale)) / count,
        // rounded half up, in 256 bits (the scaled sum may need more than 128).
        fits = value.FitsInPrecision(std::min(38, type.precision() + 6));
        arrow::Decimal256 scaled = arrow::Decimal256(value).IncreaseScaleBy(type.scale() - input_scale_);
        arrow::Decimal256 count(counts_[g]);
        ARROW_ASSIGN_OR_RAISE(auto division, scaled.Divide(count));
        arrow::Decimal256 quotient = division.first;
        if ((arrow::Decimal256::Abs(division.second) * arrow::Decimal256(2)) >= count) {
          quotient += arrow::Decimal256(scaled.Sign() < 0 ? -1 : 1);
        }
        fits = fits && quotient.FitsInPrecision(type.precision());
        if (!fits) shown = quotient.ToString(type.scale());
        const auto& words = quotient.little_endian_array();
        value = arrow::Decimal128(static_cast<int64_t>(words[1]), words[0]);
      }
      if (!fits || !value.FitsInPrecision(type.precision())) {
        if (ctx.ansi) {
          return SparkError(SparkExceptionKind::kArithmetic, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
                            {{"value", shown.empty() ? value.ToString(type.scale()) : shown}, {"precision", std::to_string(type.precision())},
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
FactoryKernel::Factory NumericFactory(const arrow::DataType& in, AggOp op, bool null_on_overflow = false) {
  const bool n = null_on_overflow;
  switch (in.id()) {
    case arrow::Type::INT8: return ForOp<Numeric<arrow::Int8Type, AccType>::template Accumulator>(op, n);
    case arrow::Type::INT16: return ForOp<Numeric<arrow::Int16Type, AccType>::template Accumulator>(op, n);
    case arrow::Type::INT32:
    case arrow::Type::DATE32: return ForOp<Numeric<arrow::Int32Type, AccType>::template Accumulator>(op, n);
    case arrow::Type::INT64:
    case arrow::Type::TIME64:
    case arrow::Type::TIMESTAMP: return ForOp<Numeric<arrow::Int64Type, AccType>::template Accumulator>(op, n);
    case arrow::Type::FLOAT: return ForOp<Numeric<arrow::FloatType, AccType>::template Accumulator>(op, n);
    default: return ForOp<Numeric<arrow::DoubleType, AccType>::template Accumulator>(op, n);
  }
}

/// sum / avg / min / max; `try_mode` (try_sum, try_avg): NULL where the sum overflows.
FunctionInfo Aggregate(std::string name, std::string usage, AggOp op, bool try_mode = false) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [op, try_mode, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
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
      auto factory = ForOp<DecimalAccumulator>(op, scale, result_type);
      if (try_mode) {
        factory = [factory] { return std::make_unique<NullOnOverflowAccumulator>(factory()); };
      }
      agg.kernel = std::make_shared<FactoryKernel>(std::move(factory));
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
        agg.kernel = std::make_shared<FactoryKernel>(NumericFactory<arrow::Int64Type>(*in, op, try_mode));
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
        case arrow::Type::TIME64:
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

// count_if(cond): the rows where `cond` is true (count's state and merge).
class CountIfAccumulator : public CountAccumulator {
 public:
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    int64_t* counts = counts_.data();
    if (args[0].is_scalar()) {
      const auto& s = static_cast<const arrow::BooleanScalar&>(*args[0].scalar());
      if (s.is_valid && s.value) for (int64_t i = 0; i < rows; ++i) ++counts[groups[i]];
      return Status::OK();
    }
    auto array = std::static_pointer_cast<arrow::BooleanArray>(args[0].make_array());
    ForEachValid(*array, rows, [&](int64_t i) { counts[groups[i]] += array->Value(i) ? 1 : 0; });
    return Status::OK();
  }
};

// bool_and / every (IsAnd) and bool_or / some / any: NULLs are skipped; NULL
// for a group without values.
template <bool IsAnd>
class BoolAccumulator : public GroupedAccumulator {
 public:
  void Resize(int64_t n) override {
    values_.resize(n, IsAnd ? 1 : 0);
    seen_.resize(n, 0);
  }
  int64_t MemoryUsage() const override { return CapacityBytes(values_) + CapacityBytes(seen_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    if (args[0].is_scalar()) {
      const auto& s = static_cast<const arrow::BooleanScalar&>(*args[0].scalar());
      if (s.is_valid) for (int64_t i = 0; i < rows; ++i) Add(groups[i], s.value);
      return Status::OK();
    }
    auto array = std::static_pointer_cast<arrow::BooleanArray>(args[0].make_array());
    ForEachValid(*array, rows, [&](int64_t i) { Add(groups[i], array->Value(i)); });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const BoolAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (o.seen_[g]) Add(map[i], o.values_[g] != 0);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::BooleanBuilder builder;
    ARROW_RETURN_NOT_OK(builder.AppendValues(values_.data(), static_cast<int64_t>(values_.size()), seen_.data()));
    return builder.Finish();
  }

 private:
  void Add(uint32_t g, bool v) {
    values_[g] = IsAnd ? (values_[g] && v) : (values_[g] || v);
    seen_[g] = 1;
  }
  std::vector<uint8_t> values_;
  std::vector<uint8_t> seen_;
};

/// Per group one value of any type, kept as a scalar (first, last, any_value,
/// min_by, max_by pick a row; they copy a value only when the pick changes).
class PickedValues {
 public:
  void Resize(int64_t n) { values_.resize(n); }
  int64_t MemoryUsage() const { return CapacityBytes(values_); }
  void Set(size_t g, const arrow::Array& array, int64_t row) {
    auto scalar = array.GetScalar(row);
    values_[g] = scalar.ok() ? *scalar : nullptr;
  }
  void Set(size_t g, std::shared_ptr<arrow::Scalar> value) { values_[g] = std::move(value); }
  const std::shared_ptr<arrow::Scalar>& Get(size_t g) const { return values_[g]; }
  /// One value per group (NULL where none was picked or the value is NULL).
  Result<std::shared_ptr<arrow::Array>> Finish(const std::shared_ptr<arrow::DataType>& type) const {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
    for (const auto& v : values_) {
      if (v && v->is_valid) {
        ARROW_RETURN_NOT_OK(builder->AppendScalar(*v));
      } else {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
      }
    }
    return builder->Finish();
  }

 private:
  std::vector<std::shared_ptr<arrow::Scalar>> values_;
};

// first / first_value / any_value (IsLast false) and last / last_value: the
// value of the first or last row a group sees, NULLs skipped with ignoreNulls.
template <bool IsLast>
class PickRowAccumulator : public GroupedAccumulator {
 public:
  PickRowAccumulator(std::shared_ptr<arrow::DataType> type, bool ignore_nulls)
      : type_(std::move(type)), ignore_nulls_(ignore_nulls) {}
  void Resize(int64_t n) override {
    values_.Resize(n);
    seen_.resize(n, 0);
  }
  int64_t MemoryUsage() const override { return values_.MemoryUsage() + CapacityBytes(seen_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    if (args[0].is_scalar()) {
      const auto& scalar = args[0].scalar();
      if (ignore_nulls_ && !scalar->is_valid) return Status::OK();
      for (int64_t i = 0; i < rows; ++i) {
        if (IsLast || !seen_[groups[i]]) values_.Set(groups[i], scalar);
        seen_[groups[i]] = 1;
      }
      return Status::OK();
    }
    auto array = args[0].make_array();
    if constexpr (IsLast) {
      // Each group's last row of the chunk, then one copy per group.
      last_row_.assign(seen_.size(), -1);
      for (int64_t i = 0; i < rows; ++i) {
        if (!ignore_nulls_ || array->IsValid(i)) last_row_[groups[i]] = i;
      }
      for (size_t g = 0; g < last_row_.size(); ++g) {
        if (last_row_[g] < 0) continue;
        values_.Set(g, *array, last_row_[g]);
        seen_[g] = 1;
      }
    } else {
      for (int64_t i = 0; i < rows; ++i) {
        const uint32_t g = groups[i];
        if (seen_[g] || (ignore_nulls_ && array->IsNull(i))) continue;
        values_.Set(g, *array, i);
        seen_[g] = 1;
      }
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const PickRowAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      if (!o.seen_[g] || (!IsLast && seen_[map[i]])) return;
      values_.Set(map[i], o.values_.Get(g));
      seen_[map[i]] = 1;
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override { return values_.Finish(type_); }

 private:
  std::shared_ptr<arrow::DataType> type_;
  bool ignore_nulls_;
  PickedValues values_;
  std::vector<uint8_t> seen_;
  std::vector<int64_t> last_row_;
};

/// An ordering key of min_by / max_by: numbers, dates and timestamps as
/// doubles (NaN above all), strings as bytes.
struct OrderingKey {
  double number = 0;
  std::string text;
};

Result<std::vector<OrderingKey>> ReadOrderingKeys(const std::shared_ptr<arrow::Array>& keys,
                                                  std::vector<uint8_t>* valid) {
  const int64_t rows = keys->length();
  std::vector<OrderingKey> out(rows);
  valid->assign(rows, 0);
  if (keys->type_id() == arrow::Type::STRING) {
    const auto& strings = static_cast<const arrow::StringArray&>(*keys);
    for (int64_t i = 0; i < rows; ++i) {
      if (strings.IsNull(i)) continue;
      out[i].text = std::string(strings.GetView(i));
      (*valid)[i] = 1;
    }
    return out;
  }
  std::shared_ptr<arrow::Array> numbers = keys;
  if (keys->type_id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(numbers, keys->View(arrow::int32()));
  } else if (keys->type_id() == arrow::Type::TIMESTAMP) {
    ARROW_ASSIGN_OR_RAISE(numbers, keys->View(arrow::int64()));
  }
  ARROW_ASSIGN_OR_RAISE(auto as_double, CastDatum(numbers, arrow::float64(), false, EvalContext{}));
  auto doubles = std::static_pointer_cast<arrow::DoubleArray>(as_double.make_array());
  for (int64_t i = 0; i < rows; ++i) {
    if (doubles->IsNull(i)) continue;
    out[i].number = doubles->Value(i);
    (*valid)[i] = 1;
  }
  return out;
}

// min_by(value, key) / max_by(value, key): the value of the row with the
// smallest / largest key (the first such row on ties); rows with a NULL key are skipped.
template <bool IsMax>
class PickByAccumulator : public GroupedAccumulator {
 public:
  PickByAccumulator(std::shared_ptr<arrow::DataType> type, bool string_key)
      : type_(std::move(type)), string_key_(string_key) {}
  void Resize(int64_t n) override {
    values_.Resize(n);
    keys_.resize(n);
    seen_.resize(n, 0);
  }
  int64_t MemoryUsage() const override {
    return values_.MemoryUsage() + CapacityBytes(keys_) + CapacityBytes(seen_);
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    ARROW_ASSIGN_OR_RAISE(auto value_array, arrow::MakeArrayFromScalar(*ScalarOr(args[0]), rows));
    if (args[0].is_array()) value_array = args[0].make_array();
    ARROW_ASSIGN_OR_RAISE(auto key_array, arrow::MakeArrayFromScalar(*ScalarOr(args[1]), rows));
    if (args[1].is_array()) key_array = args[1].make_array();
    std::vector<uint8_t> valid;
    ARROW_ASSIGN_OR_RAISE(auto keys, ReadOrderingKeys(key_array, &valid));
    for (int64_t i = 0; i < rows; ++i) {
      if (!valid[i]) continue;
      const uint32_t g = groups[i];
      if (seen_[g] && !Better(keys[i], keys_[g])) continue;
      keys_[g] = std::move(keys[i]);
      values_.Set(g, *value_array, i);
      seen_[g] = 1;
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const PickByAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      const uint32_t to = map[i];
      if (!o.seen_[g] || (seen_[to] && !Better(o.keys_[g], keys_[to]))) return;
      keys_[to] = o.keys_[g];
      values_.Set(to, o.values_.Get(g));
      seen_[to] = 1;
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override { return values_.Finish(type_); }

 private:
  static std::shared_ptr<arrow::Scalar> ScalarOr(const Datum& d) {
    return d.is_scalar() ? d.scalar() : arrow::MakeNullScalar(d.type());
  }
  bool Better(const OrderingKey& candidate, const OrderingKey& current) const {
    if (string_key_) return IsMax ? candidate.text > current.text : candidate.text < current.text;
    return IsMax ? Less(current.number, candidate.number) : Less(candidate.number, current.number);
  }
  std::shared_ptr<arrow::DataType> type_;
  bool string_key_;
  PickedValues values_;
  std::vector<OrderingKey> keys_;
  std::vector<uint8_t> seen_;
};

/// A boolean literal argument (first's ignoreNulls); Spark's error otherwise.
Result<bool> BooleanLiteralArg(const BoundExprPtr& arg, const std::string& function, const std::string& sql_expr,
                               const EvalContext& ctx) {
  auto value = plan::EvaluateConstant(*arg, ctx);
  if (arg->type->id() != arrow::Type::BOOL || !value.ok()) {
    return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                         {{"sqlExpr", "\"" + sql_expr + "\""}, {"paramIndex", "second"},
                          {"requiredType", "\"BOOLEAN\""}, {"inputSql", "\"" + arg->name + "\""},
                          {"inputType", "\"" + types::SqlString(*arg->type) + "\""}});
  }
  return (*value)->is_valid && static_cast<const arrow::BooleanScalar&>(**value).value;
}

FunctionInfo AggregateInfo(std::string name, std::vector<std::string> aliases, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  return info;
}

/// count_if, bool_and, bool_or: one BOOLEAN argument.
template <typename Accumulator>
FunctionInfo BooleanAggregate(std::string name, std::vector<std::string> aliases, std::string usage,
                              std::shared_ptr<arrow::DataType> result, bool nullable) {
  FunctionInfo info = AggregateInfo(std::move(name), std::move(aliases), std::move(usage));
  info.bind_aggregate = [info_copy = info, result, nullable](const std::string& called, std::vector<BoundExprPtr> args,
                                                             bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 1) return WrongArgs(called, args.size(), "1");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    if (args[0]->type->id() == arrow::Type::NA || types::IsStringLike(*args[0]->type)) {
      ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::boolean(), plan::CastMode::kDefault, true, ctx));
    }
    if (args[0]->type->id() != arrow::Type::BOOL) return UnexpectedInputType(agg.name, 0, "\"BOOLEAN\"", *args[0]);
    agg.distinct = distinct;
    agg.type = result;
    agg.nullable = nullable;
    agg.kernel = MakeFactoryKernel<Accumulator>();
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// first / last / any_value(value[, ignoreNulls]).
template <bool IsLast>
FunctionInfo PickRowAggregate(std::string name, std::vector<std::string> aliases, std::string usage) {
  FunctionInfo info = AggregateInfo(std::move(name), std::move(aliases), std::move(usage));
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    bool ignore_nulls = false;
    std::string lower = called;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (args.size() == 2) {
      ARROW_ASSIGN_OR_RAISE(ignore_nulls, BooleanLiteralArg(args[1], lower, lower + "(" + args[0]->name + ")", ctx));
      args.pop_back();
    }
    agg.name = AggregateName(info_copy, called, args, distinct);
    agg.distinct = distinct;
    agg.type = args[0]->type;
    agg.nullable = true;
    auto type = agg.type;
    agg.kernel = MakeFactoryKernel<PickRowAccumulator<IsLast>>(type, ignore_nulls);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// min_by / max_by(value, ordering).
template <bool IsMax>
FunctionInfo PickByAggregate(std::string name, std::string usage) {
  FunctionInfo info = AggregateInfo(std::move(name), {}, std::move(usage));
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext&) -> Result<BoundAggregate> {
    if (args.size() != 2) return WrongArgs(called, args.size(), "2");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    const auto& key = *args[1]->type;
    const bool string_key = key.id() == arrow::Type::STRING;
    const bool number_key = NumericRank(key) > 0 || key.id() == arrow::Type::DATE32 ||
                            key.id() == arrow::Type::TIMESTAMP || key.id() == arrow::Type::DECIMAL128;
    if (!string_key && !number_key) return Unsupported(info_copy.name + " ordered by " + types::SqlString(key));
    agg.distinct = distinct;
    agg.type = args[0]->type;
    agg.nullable = true;
    auto type = agg.type;
    agg.kernel = MakeFactoryKernel<PickByAccumulator<IsMax>>(type, string_key);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

class GroupingBitKernel : public plan::ScalarKernel {
 public:
  explicit GroupingBitKernel(int shift) : shift_(shift) {}
  Result<Datum> Execute(const std::vector<Datum>& args, int64_t length, const EvalContext&) const override {
    NumericArg<arrow::Int64Type> ids(args[0]);
    arrow::Int8Builder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(length));
    for (int64_t i = 0; i < length; ++i) builder.UnsafeAppend(static_cast<int8_t>((ids.Value(i) >> shift_) & 1));
    ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
    return Datum(out);
  }

 private:
  int shift_;
};

/// grouping() and grouping_id() bind in an aggregation over grouping sets
/// (analyzer/grouping_sets.cc); anywhere else they are Spark's error.
FunctionInfo GroupingFunction(std::string name, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [](const std::string&, std::vector<BoundExprPtr>, bool,
                           const EvalContext&) -> Result<BoundAggregate> {
    return AnalysisError("UNSUPPORTED_GROUPING_EXPRESSION", {});
  };
  return info;
}

}  // namespace

Status WrongArgs(const std::string& name, size_t got, const std::string& expected) {
  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                       {{"functionName", "`" + name + "`"}, {"expectedNum", expected},
                        {"actualNum", std::to_string(got)}, {"docroot", "https://spark.apache.org/docs/latest"}});
}

std::string DistinctCallName(const std::string& function, const std::vector<BoundExprPtr>& args) {
  std::string out = function + "(DISTINCT ";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i]->name;
  return out + ")";
}

std::string AggregateName(const FunctionInfo& info, const std::string& called, const std::vector<BoundExprPtr>& args,
                          bool distinct) {
  if (!distinct) return CallName(info, called, args);
  std::string lower = called;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return DistinctCallName(lower, args);
}

Status CastArgToDouble(std::vector<BoundExprPtr>* args, size_t index, const std::string& sql_expr,
                       const EvalContext& ctx) {
  auto& arg = (*args)[index];
  const auto& type = *arg->type;
  if (type.id() == arrow::Type::DOUBLE) return Status::OK();
  if (type.id() != arrow::Type::NA && !types::IsStringLike(type) && NumericRank(type) == 0 &&
      type.id() != arrow::Type::DECIMAL128) {
    return UnexpectedInputType(sql_expr, static_cast<int>(index), "\"DOUBLE\"", *arg);
  }
  ARROW_ASSIGN_OR_RAISE(arg, BindCast(arg, arrow::float64(), plan::CastMode::kDefault, true, ctx));
  return Status::OK();
}

namespace {

/// regr_* take numbers (strings are cast to DOUBLE as Spark's implicit casts do).
Status CheckRegrArgs(const FunctionInfo& info, const std::string& called, std::vector<BoundExprPtr>* args,
                     const EvalContext& ctx) {
  if (args->size() != 2) return WrongArgs(called, args->size(), "2");
  const std::string sql_expr = CallName(info, called, *args);
  for (size_t i = 0; i < args->size(); ++i) {
    const auto& type = *(*args)[i]->type;
    if (NumericRank(type) == 0 && type.id() != arrow::Type::DECIMAL128) {
      ARROW_RETURN_NOT_OK(CastArgToDouble(args, i, sql_expr, ctx));
    }
  }
  return Status::OK();
}

/// regr_count(y, x): Spark's count(y, x), the rows where neither is NULL.
FunctionInfo RegrCount() {
  FunctionInfo info;
  info.name = "regr_count";
  info.kind = FunctionKind::kAggregate;
  info.usage = "regr_count(y, x) - Returns the number of non-null number pairs in a group, where `y` is the "
               "dependent variable and `x` is the independent variable.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    ARROW_RETURN_NOT_OK(CheckRegrArgs(info_copy, called, &args, ctx));
    std::string name = AggregateName(info_copy, called, args, distinct);
    const FunctionInfo* count = FunctionRegistry::Instance().Find("count");
    ARROW_ASSIGN_OR_RAISE(BoundAggregate agg, count->bind_aggregate("count", std::move(args), distinct, ctx));
    agg.function_name = info_copy.name;
    agg.name = std::move(name);
    return agg;
  };
  return info;
}

/// regr_avgx(y, x) / regr_avgy(y, x): Spark's avg(IF(y IS NOT NULL AND x IS NOT
/// NULL, x, NULL)), so the result type is avg's for that argument.
FunctionInfo RegrAverage(std::string name, size_t averaged, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info, averaged](const std::string& called, std::vector<BoundExprPtr> args,
                                                     bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    ARROW_RETURN_NOT_OK(CheckRegrArgs(info_copy, called, &args, ctx));
    std::string name = AggregateName(info_copy, called, args, distinct);
    ARROW_ASSIGN_OR_RAISE(auto y_present, BindFunctionCall("isnotnull", {args[0]}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto x_present, BindFunctionCall("isnotnull", {args[1]}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto both, AndAll({y_present, x_present}, ctx));
    const BoundExprPtr& value = args[averaged];
    auto null_value = plan::BoundExpr::Literal(arrow::MakeNullScalar(value->type), "NULL");
    ARROW_ASSIGN_OR_RAISE(auto guarded, BindFunctionCall("if", {both, value, null_value}, ctx));
    const FunctionInfo* avg = FunctionRegistry::Instance().Find("avg");
    ARROW_ASSIGN_OR_RAISE(BoundAggregate agg, avg->bind_aggregate("avg", {guarded}, distinct, ctx));
    agg.function_name = info_copy.name;
    agg.name = std::move(name);
    return agg;
  };
  return info;
}

}  // namespace

BoundExprPtr GroupingBit(BoundExprPtr grouping_id, int shift, std::string name) {
  return plan::BoundExpr::Call("grouping", std::make_shared<GroupingBitKernel>(shift), {std::move(grouping_id)},
                               arrow::int8(), false, std::move(name));
}

void RegisterAggregateFunctions(FunctionRegistry& registry) {
  registry.Add(GroupingFunction("grouping", "grouping(col) - indicates whether a specified column in a GROUP BY is "
                                            "aggregated or not, returns 1 for aggregated or 0 for not aggregated in "
                                            "the result set."));
  registry.Add(GroupingFunction("grouping_id", "grouping_id([col1[, col2 ..]]) - returns the level of grouping, "
                                               "equals to `(grouping(c1) << (n-1)) + (grouping(c2) << (n-2)) + ... + "
                                               "grouping(cn)`"));
  FunctionInfo count;
  count.name = "count";
  count.kind = FunctionKind::kAggregate;
  count.usage = "count(*) - Returns the total number of retrieved rows, including rows containing null.";
  count.bind_aggregate = [info = count](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                        const EvalContext&) -> Result<BoundAggregate> {
    if (args.empty()) return WrongArgs("count", 0, "1");
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
  registry.Add(RegrCount());
  registry.Add(RegrAverage("regr_avgx", 1,
                           "regr_avgx(y, x) - Returns the average of the independent variable for non-null pairs in a "
                           "group, where `y` is the dependent variable and `x` is the independent variable."));
  registry.Add(RegrAverage("regr_avgy", 0,
                           "regr_avgy(y, x) - Returns the average of the dependent variable for non-null pairs in a "
                           "group, where `y` is the dependent variable and `x` is the independent variable."));
  registry.Add(Aggregate("sum", "sum(expr) - Returns the sum calculated from values of a group.", AggOp::kSum));
  FunctionInfo avg = Aggregate("avg", "avg(expr) - Returns the mean calculated from values of a group.", AggOp::kAvg);
  avg.aliases.push_back("mean");
  registry.Add(std::move(avg));
  registry.Add(Aggregate("try_sum",
                         "try_sum(expr) - Returns the sum calculated from values of a group and the result is null on "
                         "overflow.",
                         AggOp::kSum, /*try_mode=*/true));
  registry.Add(Aggregate("try_avg",
                         "try_avg(expr) - Returns the mean calculated from values of a group and the result is null "
                         "on overflow.",
                         AggOp::kAvg, /*try_mode=*/true));
  registry.Add(Aggregate("min", "min(expr) - Returns the minimum value of `expr`.", AggOp::kMin));
  registry.Add(Aggregate("max", "max(expr) - Returns the maximum value of `expr`.", AggOp::kMax));
  registry.Add(BooleanAggregate<CountIfAccumulator>(
      "count_if", {}, "count_if(expr) - Returns the number of `TRUE` values for the expression.", arrow::int64(), false));
  registry.Add(BooleanAggregate<BoolAccumulator<true>>(
      "bool_and", {"every"}, "bool_and(expr) - Returns true if all values of `expr` are true.", arrow::boolean(), true));
  registry.Add(BooleanAggregate<BoolAccumulator<false>>(
      "bool_or", {"some", "any"}, "bool_or(expr) - Returns true if at least one value of `expr` is true.",
      arrow::boolean(), true));
  registry.Add(PickRowAggregate<false>("first", {"first_value"},
                                       "first(expr[, isIgnoreNull]) - Returns the first value of `expr` for a group of "
                                       "rows. If `isIgnoreNull` is true, returns only non-null values."));
  registry.Add(PickRowAggregate<true>("last", {"last_value"},
                                      "last(expr[, isIgnoreNull]) - Returns the last value of `expr` for a group of "
                                      "rows. If `isIgnoreNull` is true, returns only non-null values"));
  registry.Add(PickRowAggregate<false>("any_value", {},
                                       "any_value(expr[, isIgnoreNull]) - Returns some value of `expr` for a group of "
                                       "rows. If `isIgnoreNull` is true, returns only non-null values."));
  registry.Add(PickByAggregate<false>("min_by", "min_by(x, y) - Returns the value of `x` associated with the minimum "
                                                "value of `y`."));
  registry.Add(PickByAggregate<true>("max_by", "max_by(x, y) - Returns the value of `x` associated with the maximum "
                                               "value of `y`."));
}

}  // namespace sk8::functions
