// Statistical aggregates: variance, standard deviation, skewness, kurtosis
// (central moments), covariance and correlation. The state and its update and
// merge formulas are Spark's (CentralMomentAgg, Covariance, PearsonCorrelation:
// running means and co-moments, numerically stable), evaluated in the same
// order, so that results agree to the last digit for the same grouping of rows.
#include <cmath>
#include <limits>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundAggregate;
using plan::GroupedAccumulator;

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

/// Appends the per-group results, NULL where `valid` says so.
Result<std::shared_ptr<arrow::Array>> FinishDoubles(const std::vector<double>& values,
                                                    const std::vector<uint8_t>& valid) {
  arrow::DoubleBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(values.data(), static_cast<int64_t>(values.size()), valid.data()));
  return builder.Finish();
}

enum class MomentResult { kVarSamp, kVarPop, kStddevSamp, kStddevPop, kSkewness, kKurtosis, kRegrSXX, kRegrSYY };

/// regr_sxx(y, x) / regr_syy(y, x): the second moment of x (of y) over the rows
/// where neither is NULL (Spark's RegrReplacement of If(y or x NULL, NULL, x)).
constexpr bool IsRegrMoment(MomentResult r) { return r == MomentResult::kRegrSXX || r == MomentResult::kRegrSYY; }

constexpr int MomentOrder(MomentResult r) {
  return r == MomentResult::kSkewness ? 3 : r == MomentResult::kKurtosis ? 4 : 2;
}

/// n, mean and the central moments m2..m4 (as far as `Result` needs) per group.
template <MomentResult Kind>
class CentralMomentAccumulator : public GroupedAccumulator {
 public:
  static constexpr int kOrder = MomentOrder(Kind);

  void Resize(int64_t groups) override {
    n_.resize(groups, 0);
    avg_.resize(groups, 0);
    m2_.resize(groups, 0);
    if constexpr (kOrder >= 3) m3_.resize(groups, 0);
    if constexpr (kOrder >= 4) m4_.resize(groups, 0);
  }
  int64_t MemoryUsage() const override {
    return CapacityBytes(n_) + CapacityBytes(avg_) + CapacityBytes(m2_) + CapacityBytes(m3_) + CapacityBytes(m4_);
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    if constexpr (IsRegrMoment(Kind)) {
      NumericArg<arrow::DoubleType> y(args[0]), x(args[1]);
      const auto& in = Kind == MomentResult::kRegrSXX ? x : y;
      for (int64_t i = 0; i < rows; ++i) {
        if (x.IsValid(i) && y.IsValid(i)) Add(groups[i], in.Value(i));
      }
      return Status::OK();
    }
    NumericArg<arrow::DoubleType> in(args[0]);
    if (in.is_scalar()) {
      if (!in.IsValid(0)) return Status::OK();
      for (int64_t i = 0; i < rows; ++i) Add(groups[i], in.Value(0));
      return Status::OK();
    }
    const double* values = in.values();
    ForEachValid(*in.array(), rows, [&](int64_t i) { Add(groups[i], values[i]); });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const CentralMomentAccumulator&>(other_base);
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      const size_t g = map[i];
      const double n1 = n_[g], n2 = other.n_[from];
      const double new_n = n1 + n2;
      const double delta = other.avg_[from] - avg_[g];
      const double delta_n = new_n == 0.0 ? 0.0 : delta / new_n;
      const double m2_left = m2_[g], m2_right = other.m2_[from];
      double m3_left = 0, m3_right = 0;
      if constexpr (kOrder >= 3) {
        m3_left = m3_[g];
        m3_right = other.m3_[from];
        m3_[g] = m3_left + m3_right + delta_n * delta_n * delta * n1 * n2 * (n1 - n2) +
                 3.0 * delta_n * (n1 * m2_right - n2 * m2_left);
      }
      if constexpr (kOrder >= 4) {
        m4_[g] = m4_[g] + other.m4_[from] +
                 delta_n * delta_n * delta_n * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
                 6.0 * delta_n * delta_n * (n1 * n1 * m2_right + n2 * n2 * m2_left) +
                 4.0 * delta_n * (n1 * m3_right - n2 * m3_left);
      }
      m2_[g] = m2_left + m2_right + delta * delta_n * n1 * n2;
      avg_[g] = avg_[g] + delta_n * n2;
      n_[g] = new_n;
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::vector<double> out(n_.size());
    std::vector<uint8_t> valid(n_.size());
    for (size_t g = 0; g < n_.size(); ++g) {
      out[g] = Evaluate(g);
      valid[g] = !std::isnan(out[g]) || IsNaNResult(g);
    }
    return FinishDoubles(out, valid);
  }
  double m2(size_t g) const { return m2_[g]; }

 private:
  void Add(uint32_t g, double x) {
    const double new_n = n_[g] + 1.0;
    const double delta = x - avg_[g];
    const double delta_n = delta / new_n;
    const double new_m2 = m2_[g] + delta * (delta - delta_n);
    if constexpr (kOrder >= 3) {
      const double delta2 = delta * delta;
      const double delta_n2 = delta_n * delta_n;
      const double new_m3 = m3_[g] - 3.0 * delta_n * new_m2 + delta * (delta2 - delta_n2);
      if constexpr (kOrder >= 4) {
        m4_[g] = m4_[g] - 4.0 * delta_n * new_m3 - 6.0 * delta_n2 * new_m2 +
                 delta * (delta * delta2 - delta_n * delta_n2);
      }
      m3_[g] = new_m3;
    }
    m2_[g] = new_m2;
    avg_[g] = avg_[g] + delta_n;
    n_[g] = new_n;
  }
  /// The result, NaN for NULL (IsNaNResult tells a real NaN apart).
  double Evaluate(size_t g) const {
    const double n = n_[g];
    if (n == 0.0) return kNull;
    switch (Kind) {
      case MomentResult::kVarPop: return m2_[g] / n;
      case MomentResult::kStddevPop: return std::sqrt(m2_[g] / n);
      case MomentResult::kVarSamp: return n == 1.0 ? kNull : m2_[g] / (n - 1.0);
      case MomentResult::kStddevSamp: return n == 1.0 ? kNull : std::sqrt(m2_[g] / (n - 1.0));
      case MomentResult::kSkewness:
        if (m2_[g] == 0.0) return kNull;
        return std::sqrt(n) * m3_[g] / std::sqrt(m2_[g] * m2_[g] * m2_[g]);
      case MomentResult::kKurtosis:
        if (m2_[g] == 0.0) return kNull;
        return n * m4_[g] / (m2_[g] * m2_[g]) - 3.0;
      case MomentResult::kRegrSXX:
      case MomentResult::kRegrSYY: return m2_[g];
    }
    return kNull;
  }
  /// A NaN result that is a value (NaN inputs), not Spark's NULL for too few rows.
  bool IsNaNResult(size_t g) const {
    const double n = n_[g];
    if (n == 0.0) return false;
    if ((Kind == MomentResult::kVarSamp || Kind == MomentResult::kStddevSamp) && n == 1.0) return false;
    if ((Kind == MomentResult::kSkewness || Kind == MomentResult::kKurtosis) && m2_[g] == 0.0) return false;
    return true;
  }

  std::vector<double> n_, avg_, m2_, m3_, m4_;
};

enum class CoMomentResult { kCovarPop, kCovarSamp, kCorr, kRegrSXY, kRegrR2 };

/// n, the means of x and y and their co-moment (and, for corr, each one's
/// second moment) per group; rows where either is NULL are skipped.
template <CoMomentResult Kind>
class CoMomentAccumulator : public GroupedAccumulator {
 public:
  static constexpr bool kCorr = Kind == CoMomentResult::kCorr || Kind == CoMomentResult::kRegrR2;

  void Resize(int64_t groups) override {
    n_.resize(groups, 0);
    x_avg_.resize(groups, 0);
    y_avg_.resize(groups, 0);
    ck_.resize(groups, 0);
    if constexpr (kCorr) {
      x_mk_.resize(groups, 0);
      y_mk_.resize(groups, 0);
    }
  }
  int64_t MemoryUsage() const override {
    return CapacityBytes(n_) + CapacityBytes(x_avg_) + CapacityBytes(y_avg_) + CapacityBytes(ck_) +
           CapacityBytes(x_mk_) + CapacityBytes(y_mk_);
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    NumericArg<arrow::DoubleType> x(args[0]), y(args[1]);
    for (int64_t i = 0; i < rows; ++i) {
      if (x.IsValid(i) && y.IsValid(i)) Add(groups[i], x.Value(i), y.Value(i));
    }
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const CoMomentAccumulator&>(other_base);
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      const size_t g = map[i];
      const double n1 = n_[g], n2 = other.n_[from];
      const double new_n = n1 + n2;
      const double dx = other.x_avg_[from] - x_avg_[g];
      const double dx_n = new_n == 0.0 ? 0.0 : dx / new_n;
      const double dy = other.y_avg_[from] - y_avg_[g];
      const double dy_n = new_n == 0.0 ? 0.0 : dy / new_n;
      ck_[g] = ck_[g] + other.ck_[from] + dx * dy_n * n1 * n2;
      if constexpr (kCorr) {
        x_mk_[g] = x_mk_[g] + other.x_mk_[from] + dx * dx_n * n1 * n2;
        y_mk_[g] = y_mk_[g] + other.y_mk_[from] + dy * dy_n * n1 * n2;
      }
      x_avg_[g] = x_avg_[g] + dx_n * n2;
      y_avg_[g] = y_avg_[g] + dy_n * n2;
      n_[g] = new_n;
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) override {
    std::vector<double> out(n_.size(), 0.0);
    std::vector<uint8_t> valid(n_.size(), 0);
    for (size_t g = 0; g < n_.size(); ++g) {
      const double n = n_[g];
      if (n == 0.0) continue;
      if (Kind == CoMomentResult::kCovarPop) {
        out[g] = ck_[g] / n;
      } else if (Kind == CoMomentResult::kRegrSXY) {
        out[g] = ck_[g];
      } else if (Kind == CoMomentResult::kRegrR2) {
        // regr_r2(y, x) is Spark's PearsonCorrelation(y, x): x_mk_ is y's moment.
        if (x_mk_[g] == 0.0) continue;
        if (y_mk_[g] == 0.0) {
          out[g] = 1.0;
        } else {
          const double corr = ck_[g] / std::sqrt(x_mk_[g] * y_mk_[g]);
          out[g] = corr * corr;
        }
      } else if (n == 1.0) {
        continue;
      } else if (Kind == CoMomentResult::kCovarSamp) {
        out[g] = ck_[g] / (n - 1.0);
      } else {
        // Spark divides with its `/`: by zero (a constant column) that is
        // ANSI's DIVIDE_BY_ZERO, NULL otherwise.
        const double divisor = std::sqrt(x_mk_[g] * y_mk_[g]);
        if (divisor == 0.0) {
          if (ctx.ansi) {
            return SparkError(SparkExceptionKind::kArithmetic, "DIVIDE_BY_ZERO",
                              {{"config", "\"spark.sql.ansi.enabled\""}});
          }
          continue;
        }
        out[g] = ck_[g] / divisor;
      }
      valid[g] = 1;
    }
    return FinishDoubles(out, valid);
  }
  size_t num_groups() const { return n_.size(); }
  double ck(size_t g) const { return ck_[g]; }
  double x_avg(size_t g) const { return x_avg_[g]; }
  double y_avg(size_t g) const { return y_avg_[g]; }

 private:
  void Add(uint32_t g, double x, double y) {
    const double new_n = n_[g] + 1.0;
    const double dx = x - x_avg_[g];
    const double dx_n = dx / new_n;
    const double dy = y - y_avg_[g];
    const double dy_n = dy / new_n;
    const double new_x_avg = x_avg_[g] + dx_n;
    const double new_y_avg = y_avg_[g] + dy_n;
    ck_[g] = ck_[g] + dx * (y - new_y_avg);
    if constexpr (kCorr) {
      x_mk_[g] = x_mk_[g] + dx * (x - new_x_avg);
      y_mk_[g] = y_mk_[g] + dy * (y - new_y_avg);
    }
    x_avg_[g] = new_x_avg;
    y_avg_[g] = new_y_avg;
    n_[g] = new_n;
  }

  std::vector<double> n_, x_avg_, y_avg_, ck_, x_mk_, y_mk_;
};

/// regr_slope(y, x) and regr_intercept(y, x), as Spark computes them: the
/// co-moment of (x, y) and the second moment of x, over the rows where neither
/// is NULL.
template <bool kIntercept>
class RegrLineAccumulator : public GroupedAccumulator {
 public:
  void Resize(int64_t groups) override {
    covar_.Resize(groups);
    var_x_.Resize(groups);
  }
  int64_t MemoryUsage() const override { return covar_.MemoryUsage() + var_x_.MemoryUsage(); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows,
                const EvalContext& ctx) override {
    ARROW_RETURN_NOT_OK(covar_.Update({args[1], args[0]}, groups, rows, ctx));
    return var_x_.Update(args, groups, rows, ctx);
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext& ctx) override {
    const auto& other = static_cast<const RegrLineAccumulator&>(other_base);
    ARROW_RETURN_NOT_OK(covar_.Merge(other.covar_, groups, map, count, ctx));
    return var_x_.Merge(other.var_x_, groups, map, count, ctx);
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    const size_t groups = covar_.num_groups();
    std::vector<double> out(groups, 0.0);
    std::vector<uint8_t> valid(groups, 0);
    for (size_t g = 0; g < groups; ++g) {
      const double m2 = var_x_.m2(g);
      if (m2 == 0.0) continue;
      out[g] = kIntercept ? covar_.y_avg(g) - covar_.ck(g) / m2 * covar_.x_avg(g) : covar_.ck(g) / m2;
      valid[g] = 1;
    }
    return FinishDoubles(out, valid);
  }

 private:
  CoMomentAccumulator<CoMomentResult::kCovarPop> covar_;
  CentralMomentAccumulator<MomentResult::kRegrSXX> var_x_;
};

/// product(x): the product of the non-NULL values as DOUBLE, NULL for none
/// (Spark's Product: coalesce(product, 1.0) * x per row, product * product to merge).
class ProductAccumulator : public GroupedAccumulator {
 public:
  void Resize(int64_t groups) override {
    product_.resize(groups, 1.0);
    seen_.resize(groups, 0);
  }
  int64_t MemoryUsage() const override { return CapacityBytes(product_) + CapacityBytes(seen_); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    NumericArg<arrow::DoubleType> in(args[0]);
    if (in.is_scalar()) {
      if (!in.IsValid(0)) return Status::OK();
      for (int64_t i = 0; i < rows; ++i) Add(groups[i], in.Value(0));
      return Status::OK();
    }
    const double* values = in.values();
    ForEachValid(*in.array(), rows, [&](int64_t i) { Add(groups[i], values[i]); });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other_base, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& other = static_cast<const ProductAccumulator&>(other_base);
    ForEachMerged(groups, count, [&](int64_t i, size_t from) {
      if (!other.seen_[from]) return;
      const double value = other.product_[from];
      Add(map[i], value);
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::vector<uint8_t> valid(seen_.begin(), seen_.end());
    return FinishDoubles(product_, valid);
  }

 private:
  void Add(size_t g, double x) {
    product_[g] = seen_[g] ? product_[g] * x : x;
    seen_[g] = 1;
  }
  std::vector<double> product_;
  std::vector<uint8_t> seen_;
};

template <typename Accumulator>
FunctionInfo DoubleAggregate(std::string name, std::vector<std::string> aliases, size_t arity, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info, arity](const std::string& called, std::vector<BoundExprPtr> args,
                                                  bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != arity) return WrongArgs(called, args.size(), std::to_string(arity));
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    for (size_t i = 0; i < args.size(); ++i) ARROW_RETURN_NOT_OK(CastArgToDouble(&args, i, agg.name, ctx));
    agg.distinct = distinct;
    agg.type = arrow::float64();
    agg.nullable = true;
    agg.kernel = MakeFactoryKernel<Accumulator>();
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterStatisticalAggregateFunctions(FunctionRegistry& registry) {
  using M = MomentResult;
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kStddevSamp>>(
      "stddev_samp", {"stddev", "std"}, 1,
      "stddev_samp(expr) - Returns the sample standard deviation calculated from values of a group."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kStddevPop>>(
      "stddev_pop", {}, 1, "stddev_pop(expr) - Returns the population standard deviation calculated from values of a group."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kVarSamp>>(
      "var_samp", {"variance"}, 1, "var_samp(expr) - Returns the sample variance calculated from values of a group."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kVarPop>>(
      "var_pop", {}, 1, "var_pop(expr) - Returns the population variance calculated from values of a group."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kSkewness>>(
      "skewness", {}, 1, "skewness(expr) - Returns the skewness value calculated from values of a group."));
  registry.Add(DoubleAggregate<ProductAccumulator>(
      "product", {}, 1, "product(expr) - Returns the product calculated from values of a group."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kKurtosis>>(
      "kurtosis", {}, 1, "kurtosis(expr) - Returns the kurtosis value calculated from values of a group."));
  registry.Add(DoubleAggregate<CoMomentAccumulator<CoMomentResult::kCovarPop>>(
      "covar_pop", {}, 2, "covar_pop(expr1, expr2) - Returns the population covariance of a set of number pairs."));
  registry.Add(DoubleAggregate<CoMomentAccumulator<CoMomentResult::kCovarSamp>>(
      "covar_samp", {}, 2, "covar_samp(expr1, expr2) - Returns the sample covariance of a set of number pairs."));
  registry.Add(DoubleAggregate<CoMomentAccumulator<CoMomentResult::kCorr>>(
      "corr", {}, 2, "corr(expr1, expr2) - Returns Pearson coefficient of correlation between a set of number pairs."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kRegrSXX>>(
      "regr_sxx", {}, 2,
      "regr_sxx(y, x) - Returns REGR_COUNT(y, x) * VAR_POP(x) for non-null pairs in a group, where `y` is the "
      "dependent variable and `x` is the independent variable."));
  registry.Add(DoubleAggregate<CentralMomentAccumulator<M::kRegrSYY>>(
      "regr_syy", {}, 2,
      "regr_syy(y, x) - Returns REGR_COUNT(y, x) * VAR_POP(y) for non-null pairs in a group, where `y` is the "
      "dependent variable and `x` is the independent variable."));
  registry.Add(DoubleAggregate<CoMomentAccumulator<CoMomentResult::kRegrSXY>>(
      "regr_sxy", {}, 2,
      "regr_sxy(y, x) - Returns REGR_COUNT(y, x) * COVAR_POP(y, x) for non-null pairs in a group, where `y` is the "
      "dependent variable and `x` is the independent variable."));
  registry.Add(DoubleAggregate<CoMomentAccumulator<CoMomentResult::kRegrR2>>(
      "regr_r2", {}, 2,
      "regr_r2(y, x) - Returns the coefficient of determination for non-null pairs in a group, where `y` is the "
      "dependent variable and `x` is the independent variable."));
  registry.Add(DoubleAggregate<RegrLineAccumulator<false>>(
      "regr_slope", {}, 2,
      "regr_slope(y, x) - Returns the slope of the linear regression line for non-null pairs in a group, where `y` "
      "is the dependent variable and `x` is the independent variable."));
  registry.Add(DoubleAggregate<RegrLineAccumulator<true>>(
      "regr_intercept", {}, 2,
      "regr_intercept(y, x) - Returns the intercept of the univariate linear regression line for non-null pairs in "
      "a group, where `y` is the dependent variable and `x` is the independent variable."));
}

}  // namespace sk8::functions
