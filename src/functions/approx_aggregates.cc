// Approximate aggregates: approx_count_distinct (Spark's HyperLogLog++ over the
// xxhash64 of each value, seed 42, as HyperLogLogPlusPlusHelper does: 2^p
// registers of the leading-zero run, linear counting below Spark's threshold
// for p, the raw HLL estimate above 5m).
//
// Not yet: between the linear-counting threshold and 5m Spark subtracts a bias
// it interpolates from the HLL++ paper's empirical tables, which sk8 does not
// carry; such an estimate fails with UNSUPPORTED_FEATURE.SK8 instead of giving
// a different number.
//
// histogram_numeric: Spark's NumericHistogram, bins merged as it merges them.
// count_min_sketch: Spark's CountMinSketchImpl and its serialized form.

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <arrow/builder.h>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::GroupedAccumulator;

// Spark's linear-counting thresholds for p = 4 .. 18.
constexpr double kThresholds[] = {10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000,
                                  350000};

class HyperLogLogAccumulator : public GroupedAccumulator {
 public:
  explicit HyperLogLogAccumulator(int p) : p_(p), m_(int64_t{1} << p) {}

  void Resize(int64_t groups) override { registers_.resize(static_cast<size_t>(groups * m_), 0); }
  int64_t MemoryUsage() const override { return CapacityBytes(registers_); }

  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    // args[0]: xxhash64 of the value; args[1]: the value (NULLs are skipped).
    NumericArg<arrow::Int64Type> hash(args[0]);
    if (args[1].is_scalar()) {
      if (!args[1].scalar()->is_valid) return Status::OK();
      for (int64_t i = 0; i < rows; ++i) Add(groups[i], hash.Value(hash.is_scalar() ? 0 : i));
      return Status::OK();
    }
    const auto& values = *args[1].make_array();
    for (int64_t i = 0; i < rows; ++i) {
      if (values.IsValid(i)) Add(groups[i], hash.Value(hash.is_scalar() ? 0 : i));
    }
    return Status::OK();
  }

  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const HyperLogLogAccumulator&>(other_base);
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      uint8_t* to = &registers_[static_cast<size_t>(map[i]) * m_];
      const uint8_t* source = &other.registers_[from * m_];
      for (int64_t r = 0; r < m_; ++r) to[r] = std::max(to[r], source[r]);
    });
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    const int64_t groups = m_ == 0 ? 0 : static_cast<int64_t>(registers_.size()) / m_;
    arrow::Int64Builder builder;
    ARROW_RETURN_NOT_OK(builder.Resize(groups));
    for (int64_t g = 0; g < groups; ++g) {
      ARROW_ASSIGN_OR_RAISE(auto estimate, Estimate(&registers_[static_cast<size_t>(g * m_)]));
      builder.UnsafeAppend(estimate);
    }
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder.Finish(&out));
    return out;
  }

 private:
  void Add(uint32_t g, int64_t hash) {
    const auto x = static_cast<uint64_t>(hash);
    const auto index = static_cast<size_t>(x >> (64 - p_));
    const uint64_t w = (x << p_) | (uint64_t{1} << (p_ - 1));
    const auto run = static_cast<uint8_t>(std::countl_zero(w) + 1);
    uint8_t& reg = registers_[static_cast<size_t>(g) * m_ + index];
    if (run > reg) reg = run;
  }

  Result<int64_t> Estimate(const uint8_t* regs) const {
    double z_inverse = 0;
    double zeros = 0;
    for (int64_t i = 0; i < m_; ++i) {
      z_inverse += 1.0 / static_cast<double>(uint64_t{1} << regs[i]);
      if (regs[i] == 0) zeros += 1;
    }
    const double m = static_cast<double>(m_);
    const double alpha = p_ == 4 ? 0.673 : p_ == 5 ? 0.697 : p_ == 6 ? 0.709 : 0.7213 / (1.0 + 1.079 / m);
    const double e = alpha * m * m * (1.0 / z_inverse);
    if (zeros > 0) {
      const double h = m * std::log(m / zeros);
      if (h <= kThresholds[p_ - 4]) return std::llround(h);
    }
    if (p_ < 19 && e < 5.0 * m) {
      return Unsupported("approx_count_distinct estimates that need HyperLogLog++'s empirical bias correction (" +
                         std::to_string(static_cast<int64_t>(e)) + " with " + std::to_string(m_) +
                         " registers; counts above " + std::to_string(5 * m_) + " or below " +
                         std::to_string(static_cast<int64_t>(kThresholds[p_ - 4])) + " are supported)");
    }
    return std::llround(e);
  }

  int p_;
  int64_t m_;
  std::vector<uint8_t> registers_;
};

Result<double> RelativeSd(const plan::BoundExpr& arg) {
  if (arg.kind == plan::BoundKind::kLiteral && arg.literal->is_valid) {
    if (arg.type->id() == arrow::Type::DOUBLE) return static_cast<const arrow::DoubleScalar&>(*arg.literal).value;
    if (arg.type->id() == arrow::Type::DECIMAL128) {
      const auto& d = static_cast<const arrow::Decimal128Scalar&>(*arg.literal);
      const auto& type = static_cast<const arrow::Decimal128Type&>(*arg.type);
      return d.value.ToDouble(type.scale());
    }
  }
  return AnalysisError("_LEGACY_ERROR_TEMP_1104");
}

FunctionInfo ApproxCountDistinct() {
  FunctionInfo info;
  info.name = "approx_count_distinct";
  info.kind = FunctionKind::kAggregate;
  info.usage =
      "approx_count_distinct(expr[, relativeSD]) - Returns the estimated cardinality by HyperLogLog++. `relativeSD` "
      "defines the maximum relative standard deviation allowed.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, {args[0]}, distinct);
    double rsd = 0.05;
    if (args.size() == 2) {
      ARROW_ASSIGN_OR_RAISE(rsd, RelativeSd(*args[1]));
    }
    const int p = static_cast<int>(std::ceil(2.0 * std::log(1.106 / rsd) / std::log(2.0)));
    if (p < 4) {
      return AnalysisError("FAILED_FUNCTION_CALL", {{"funcName", "`approx_count_distinct`"}});
    }
    if (p > 18) {
      return Unsupported("approx_count_distinct with a relativeSD below 0.0022 (more than 2^18 registers)");
    }
    ARROW_ASSIGN_OR_RAISE(auto hash, BindFunctionCall("xxhash64", {args[0]}, ctx));
    agg.distinct = distinct;
    agg.type = arrow::int64();
    agg.nullable = false;
    agg.kernel = MakeFactoryKernel<HyperLogLogAccumulator>(p);
    agg.args = {hash, args[0]};
    return agg;
  };
  return info;
}


/// java.util.Random (the 48-bit LCG), for the histogram's ties.
class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) : seed_((static_cast<uint64_t>(seed) ^ 0x5DEECE66Dull) & kMask) {}
  double NextDouble() {
    const int64_t a = Next(26);
    const int64_t b = Next(27);
    return static_cast<double>((a << 27) + b) * 0x1.0p-53;
  }

 private:
  static constexpr uint64_t kMask = (uint64_t{1} << 48) - 1;
  int64_t Next(int bits) {
    seed_ = (seed_ * 0x5DEECE66Dull + 0xBull) & kMask;
    return static_cast<int64_t>(seed_ >> (48 - bits));
  }
  uint64_t seed_;
};

/// Spark's NumericHistogram (Ben-Haim and Tom-Tov): bins (x, count) sorted by x;
/// a new value joins its bin or becomes one, and while there are too many bins
/// the two closest merge into their weighted mean (ties broken by a
/// java.util.Random seeded 31183, per histogram).
struct Histogram {
  std::vector<std::pair<double, double>> bins;
  JavaRandom random{31183};

  void Add(double v, size_t max_bins) {
    size_t bin = 0;
    for (size_t l = 0, r = bins.size(); l < r;) {
      bin = (l + r) / 2;
      if (bins[bin].first > v) {
        r = bin;
      } else if (bins[bin].first < v) {
        l = ++bin;
      } else {
        break;
      }
    }
    if (bin < bins.size() && bins[bin].first == v) {
      bins[bin].second += 1;
      return;
    }
    bins.insert(bins.begin() + static_cast<std::ptrdiff_t>(bin), {v, 1.0});
    if (bins.size() > max_bins) Trim(max_bins);
  }

  void Trim(size_t max_bins) {
    while (bins.size() > max_bins) {
      double smallest = bins[1].first - bins[0].first;
      size_t at = 0;
      int ties = 1;
      for (size_t i = 1; i + 1 < bins.size(); ++i) {
        const double diff = bins[i + 1].first - bins[i].first;
        if (diff < smallest) {
          smallest = diff;
          at = i;
          ties = 1;
        } else if (diff == smallest) {
          const double draw = random.NextDouble();
          if (draw <= 1.0 / ++ties) at = i;
        }
      }
      const double d = bins[at].second + bins[at + 1].second;
      double x = bins[at].first;
      x *= bins[at].second / d;
      x += bins[at + 1].first / d * bins[at + 1].second;
      bins[at] = {x, d};
      bins.erase(bins.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    }
  }
};

class HistogramAccumulator : public GroupedAccumulator {
 public:
  HistogramAccumulator(size_t max_bins, std::shared_ptr<arrow::DataType> x_type, std::shared_ptr<arrow::DataType> type)
      : max_bins_(max_bins), x_type_(std::move(x_type)), type_(std::move(type)) {}

  void Resize(int64_t groups) override { groups_.resize(static_cast<size_t>(groups)); }
  int64_t MemoryUsage() const override {
    int64_t bytes = CapacityBytes(groups_);
    for (const auto& h : groups_) bytes += static_cast<int64_t>(h.bins.capacity() * sizeof(h.bins[0]));
    return bytes;
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    NumericArg<arrow::DoubleType> in(args[0]);
    if (in.is_scalar()) {
      if (!in.IsValid(0)) return Status::OK();
      for (int64_t i = 0; i < rows; ++i) groups_[groups[i]].Add(in.Value(0), max_bins_);
      return Status::OK();
    }
    const double* values = in.values();
    ForEachValid(*in.array(), rows, [&](int64_t i) { groups_[groups[i]].Add(values[i], max_bins_); });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const HistogramAccumulator&>(other_base);
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      const auto source = other.groups_[from].bins;  // a copy: `other` may be this accumulator
      auto& to = groups_[map[i]];
      if (source.empty()) return;
      if (to.bins.empty()) {
        to.bins = source;
        return;
      }
      to.bins.insert(to.bins.end(), source.begin(), source.end());
      std::stable_sort(to.bins.begin(), to.bins.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      to.Trim(max_bins_);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) override {
    arrow::DoubleBuilder xs, ys;
    std::vector<int32_t> offsets{0};
    std::vector<uint8_t> valid;
    for (const auto& h : groups_) {
      for (const auto& [x, y] : h.bins) {
        ARROW_RETURN_NOT_OK(xs.Append(x));
        ARROW_RETURN_NOT_OK(ys.Append(y));
      }
      offsets.push_back(static_cast<int32_t>(xs.length()));
      valid.push_back(h.bins.empty() ? 0 : 1);
    }
    ARROW_ASSIGN_OR_RAISE(auto x_doubles, xs.Finish());
    ARROW_ASSIGN_OR_RAISE(auto y_array, ys.Finish());
    std::shared_ptr<arrow::Array> x_array = x_doubles;
    if (x_type_->id() != arrow::Type::DOUBLE) {
      ARROW_ASSIGN_OR_RAISE(auto cast, CastDatum(Datum(x_doubles), x_type_, /*ansi=*/false, ctx));
      x_array = cast.make_array();
    }
    const auto& element = static_cast<const arrow::ListType&>(*type_).value_type();
    auto structs = std::make_shared<arrow::StructArray>(element, x_array->length(),
                                                        arrow::ArrayVector{x_array, y_array});
    int64_t null_count = 0;
    auto bitmap = BitmapFromBytes(valid, &null_count);
    auto offset_buffer = arrow::Buffer::FromVector(std::move(offsets));
    return std::make_shared<arrow::ListArray>(type_, static_cast<int64_t>(groups_.size()), offset_buffer, structs,
                                              bitmap, null_count);
  }

 private:
  size_t max_bins_;
  std::shared_ptr<arrow::DataType> x_type_, type_;
  std::vector<Histogram> groups_;
};

FunctionInfo HistogramNumeric() {
  FunctionInfo info;
  info.name = "histogram_numeric";
  info.kind = FunctionKind::kAggregate;
  info.usage =
      "histogram_numeric(expr, nb) - Computes a histogram on numeric 'expr' using nb bins. The return value is an "
      "array of (x,y) pairs representing the centers of the histogram's bins. As the value of 'nb' is increased, the "
      "histogram approximation gets finer-grained, but may yield artifacts around outliers. In practice, 20-40 "
      "histogram bins appear to work well, with more bins being required for skewed or smaller datasets. Note that "
      "this function creates a histogram with non-uniform bin widths. It offers no guarantees in terms of the mean-"
      "squared-error of the histogram, but in practice is comparable to the histograms produced by the R/S-Plus "
      "statistical computing packages. Note: the output type of the 'x' field in the return value is propagated "
      "from the input value consumed in the aggregate function.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 2) return WrongArgs(called, args.size(), "2");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    const auto& nb = *args[1];
    if (!types::IsIntegral(*nb.type)) {
      return UnexpectedInputType(agg.name, 1, "\"INT\"", nb);
    }
    if (nb.kind != plan::BoundKind::kLiteral) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", Quoted(agg.name)}, {"inputName", "`nb`"}, {"inputType", "\"INT\""},
                            {"inputExpr", Quoted(nb.name)}});
    }
    ARROW_ASSIGN_OR_RAISE(auto nb_scalar, nb.literal->CastTo(arrow::int64()));
    const int64_t bins = nb_scalar->is_valid ? static_cast<const arrow::Int64Scalar&>(*nb_scalar).value : 0;
    if (bins < 2 || bins > INT32_MAX) {
      return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                           {{"sqlExpr", Quoted(agg.name)}, {"exprName", "nb"}, {"valueRange", "[2, 2147483647]"},
                            {"currentValue", std::to_string(bins)}});
    }
    std::shared_ptr<arrow::DataType> x_type = args[0]->type;
    if (!types::IsNumeric(*x_type)) x_type = arrow::float64();
    ARROW_RETURN_NOT_OK(CastArgToDouble(&args, 0, agg.name, ctx));
    auto element = arrow::struct_({arrow::field("x", x_type, true), arrow::field("y", arrow::float64(), true)});
    agg.type = ArrayOf(element, true);
    agg.distinct = distinct;
    agg.nullable = true;
    agg.kernel = MakeFactoryKernel<HistogramAccumulator>(static_cast<size_t>(bins), x_type, agg.type);
    agg.args = {args[0]};
    return agg;
  };
  return info;
}

/// Spark's Murmur3_x86_32.hashUnsafeBytes: whole 4-byte words, then each
/// remaining (signed) byte mixed as a word of its own.
int32_t SparkMurmur3Bytes(const uint8_t* data, int64_t len, int32_t seed) {
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  auto mix_k = [&](uint32_t k) { return rotl(k * 0xcc9e2d51u, 15) * 0x1b873593u; };
  auto mix_h = [&](uint32_t h, uint32_t k) { return rotl(h ^ k, 13) * 5 + 0xe6546b64u; };
  uint32_t h = static_cast<uint32_t>(seed);
  const int64_t aligned = len - len % 4;
  for (int64_t i = 0; i < aligned; i += 4) {
    const uint32_t word = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (static_cast<uint32_t>(data[i + 3]) << 24);
    h = mix_h(h, mix_k(word));
  }
  for (int64_t i = aligned; i < len; ++i) {
    h = mix_h(h, mix_k(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(data[i])))));
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

/// java.util.Random(seed).nextInt(bound) draws, for the sketch's hash multipliers.
std::vector<int64_t> SketchHashMultipliers(int64_t seed, int depth) {
  constexpr uint64_t kMask = (uint64_t{1} << 48) - 1;
  uint64_t state = (static_cast<uint64_t>(seed) ^ 0x5DEECE66Dull) & kMask;
  auto next31 = [&] {
    state = (state * 0x5DEECE66Dull + 0xBull) & kMask;
    return static_cast<int32_t>(state >> 17);
  };
  constexpr int32_t kBound = INT32_MAX;
  std::vector<int64_t> out;
  for (int i = 0; i < depth; ++i) {
    int32_t r = next31();
    for (int32_t u = r; static_cast<int64_t>(u) - (r = u % kBound) + (kBound - 1) > INT32_MAX; u = next31()) {
    }
    out.push_back(r);
  }
  return out;
}

/// count_min_sketch(col, eps, confidence, seed): Spark's CountMinSketchImpl,
/// serialized as its writeTo does (version, total count, depth, width, the hash
/// multipliers, then the table row by row, all big-endian).
class CountMinSketchAccumulator : public GroupedAccumulator {
 public:
  CountMinSketchAccumulator(int depth, int width, std::vector<int64_t> hash_a, bool binary)
      : depth_(depth), width_(width), hash_a_(std::move(hash_a)), binary_(binary) {}

  void Resize(int64_t groups) override {
    total_.resize(static_cast<size_t>(groups), 0);
    table_.resize(static_cast<size_t>(groups) * depth_ * width_, 0);
  }
  int64_t MemoryUsage() const override { return CapacityBytes(total_) + CapacityBytes(table_); }

  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    auto values = args[0].is_scalar() ? nullptr : args[0].make_array();
    std::shared_ptr<arrow::Array> one;
    if (values == nullptr) {
      ARROW_ASSIGN_OR_RAISE(one, arrow::MakeArrayFromScalar(*args[0].scalar(), 1));
    }
    const auto& array = values ? *values : *one;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t at = values ? i : 0;
      if (array.IsNull(at)) continue;
      if (binary_) {
        std::string_view bytes = array.type_id() == arrow::Type::STRING
                                     ? static_cast<const arrow::StringArray&>(array).GetView(at)
                                     : static_cast<const arrow::BinaryArray&>(array).GetView(at);
        AddBytes(groups[i], bytes);
      } else {
        AddLong(groups[i], static_cast<const arrow::Int64Array&>(array).Value(at));
      }
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const CountMinSketchAccumulator&>(other_base);
    const size_t cells = static_cast<size_t>(depth_) * width_;
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      const size_t g = map[i];
      total_[g] += other.total_[from];
      for (size_t c = 0; c < cells; ++c) table_[g * cells + c] += other.table_[from * cells + c];
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    arrow::BinaryBuilder builder;
    const size_t cells = static_cast<size_t>(depth_) * width_;
    std::string bytes;
    auto put32 = [&](uint32_t v) {
      for (int s = 24; s >= 0; s -= 8) bytes.push_back(static_cast<char>((v >> s) & 0xFF));
    };
    auto put64 = [&](uint64_t v) {
      for (int s = 56; s >= 0; s -= 8) bytes.push_back(static_cast<char>((v >> s) & 0xFF));
    };
    for (size_t g = 0; g < total_.size(); ++g) {
      bytes.clear();
      put32(1);
      put64(static_cast<uint64_t>(total_[g]));
      put32(static_cast<uint32_t>(depth_));
      put32(static_cast<uint32_t>(width_));
      for (int64_t a : hash_a_) put64(static_cast<uint64_t>(a));
      for (size_t c = 0; c < cells; ++c) put64(static_cast<uint64_t>(table_[g * cells + c]));
      ARROW_RETURN_NOT_OK(builder.Append(bytes));
    }
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder.Finish(&out));
    return out;
  }

 private:
  void AddLong(uint32_t g, int64_t item) {
    const size_t base = static_cast<size_t>(g) * depth_ * width_;
    for (int i = 0; i < depth_; ++i) {
      auto hash = static_cast<int64_t>(static_cast<uint64_t>(hash_a_[i]) * static_cast<uint64_t>(item));
      hash += hash >> 32;
      hash &= (int64_t{1} << 31) - 1;
      table_[base + static_cast<size_t>(i) * width_ + static_cast<int32_t>(hash) % width_] += 1;
    }
    total_[g] += 1;
  }
  void AddBytes(uint32_t g, std::string_view item) {
    const auto* data = reinterpret_cast<const uint8_t*>(item.data());
    const int32_t hash1 = SparkMurmur3Bytes(data, static_cast<int64_t>(item.size()), 0);
    const int32_t hash2 = SparkMurmur3Bytes(data, static_cast<int64_t>(item.size()), hash1);
    const size_t base = static_cast<size_t>(g) * depth_ * width_;
    for (int i = 0; i < depth_; ++i) {
      const auto combined = static_cast<int32_t>(static_cast<uint32_t>(hash1) +
                                                 static_cast<uint32_t>(i) * static_cast<uint32_t>(hash2));
      const int32_t bucket = std::abs(combined % width_);
      table_[base + static_cast<size_t>(i) * width_ + bucket] += 1;
    }
    total_[g] += 1;
  }

  int depth_, width_;
  std::vector<int64_t> hash_a_;
  bool binary_;
  std::vector<int64_t> total_;
  std::vector<int64_t> table_;
};

/// Java's Double.toString for the simple values of error messages, with Spark's D suffix.
std::string DoubleSql(double v) {
  char text[64];
  if (v == std::floor(v) && std::fabs(v) < 1e7) {
    std::snprintf(text, sizeof(text), "%.1f", v);
  } else {
    std::snprintf(text, sizeof(text), "%.17g", v);
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(text, sizeof(text), "%.*g", precision, v);
      if (std::strtod(text, nullptr) == v) break;
    }
  }
  return std::string(text) + "D";
}

FunctionInfo CountMinSketch() {
  FunctionInfo info;
  info.name = "count_min_sketch";
  info.kind = FunctionKind::kAggregate;
  info.usage =
      "count_min_sketch(col, eps, confidence, seed) - Returns a count-min sketch of a column with the given esp, "
      "confidence and seed. The result is an array of bytes, which can be deserialized to a `CountMinSketch` before "
      "usage. Count-min sketch is a probabilistic data structure used for cardinality estimation using sub-linear "
      "space.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 4) return WrongArgs(called, args.size(), "4");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    const auto& type = *args[0]->type;
    const bool binary = types::IsStringLike(type) || type.id() == arrow::Type::BINARY;
    if (!binary && !types::IsIntegral(type)) {
      return UnexpectedInputType(agg.name, 0, "(\"INTEGRAL\" or \"STRING\" or \"BINARY\")", *args[0]);
    }
    static const char* kNames[] = {"", "`eps`", "`confidence`", "`seed`"};
    double values[3] = {0, 0, 0};
    for (int i = 1; i <= 2; ++i) {
      if (args[i]->type->id() != arrow::Type::DOUBLE) return UnexpectedInputType(agg.name, i, "\"DOUBLE\"", *args[i]);
      if (args[i]->kind != plan::BoundKind::kLiteral) {
        return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                             {{"sqlExpr", Quoted(agg.name)}, {"inputName", kNames[i]}, {"inputType", "\"DOUBLE\""},
                              {"inputExpr", Quoted(args[i]->name)}});
      }
      values[i] = args[i]->literal->is_valid ? static_cast<const arrow::DoubleScalar&>(*args[i]->literal).value : 0;
    }
    if (args[3]->type->id() != arrow::Type::INT32 && args[3]->type->id() != arrow::Type::INT64) {
      return UnexpectedInputType(agg.name, 3, "(\"INT\" or \"BIGINT\")", *args[3]);
    }
    if (args[3]->kind != plan::BoundKind::kLiteral) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", Quoted(agg.name)}, {"inputName", "`seed`"}, {"inputType", "\"BIGINT\""},
                            {"inputExpr", Quoted(args[3]->name)}});
    }
    const double eps = values[1], confidence = values[2];
    if (eps <= 0) {
      return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                           {{"sqlExpr", Quoted(agg.name)}, {"exprName", "eps"},
                            {"valueRange", "(0.0, 1.7976931348623157E308]"}, {"currentValue", DoubleSql(eps)}});
    }
    if (confidence <= 0 || confidence >= 1) {
      return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                           {{"sqlExpr", Quoted(agg.name)}, {"exprName", "confidence"}, {"valueRange", "(0.0, 1.0]"},
                            {"currentValue", DoubleSql(confidence)}});
    }
    ARROW_ASSIGN_OR_RAISE(auto seed_scalar, args[3]->literal->CastTo(arrow::int64()));
    // CountMinSketch.create takes an int seed: a BIGINT keeps its low 32 bits.
    const int64_t seed = seed_scalar->is_valid
                             ? static_cast<int32_t>(static_cast<const arrow::Int64Scalar&>(*seed_scalar).value)
                             : 0;
    const int width = static_cast<int>(std::ceil(2 / eps));
    const int depth = static_cast<int>(std::ceil(-std::log(1 - confidence) / std::log(2)));
    BoundExprPtr input = args[0];
    if (!binary && input->type->id() != arrow::Type::INT64) {
      ARROW_ASSIGN_OR_RAISE(input, BindCast(input, arrow::int64(), plan::CastMode::kDefault, true, ctx));
    }
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    agg.kernel = MakeFactoryKernel<CountMinSketchAccumulator>(depth, width, SketchHashMultipliers(seed, depth), binary);
    agg.args = {input};
    return agg;
  };
  return info;
}

}  // namespace

void RegisterApproxAggregateFunctions(FunctionRegistry& registry) { registry.Add(ApproxCountDistinct());
  registry.Add(HistogramNumeric());
  registry.Add(CountMinSketch());
}

}  // namespace sk8::functions
