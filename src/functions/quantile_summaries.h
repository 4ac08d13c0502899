#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace sk8::functions {

/// Spark's QuantileSummaries (Greenwald-Khanna with a head buffer), so that
/// approxQuantile, summary's percentiles and percentile_approx pick the values
/// Spark picks for the same sequence of inserted values.
class QuantileSummaries {
 public:
  explicit QuantileSummaries(double relative_error) : relative_error_(relative_error) {}

  void Insert(double x);
  /// Folds the head buffer into the samples and merges close samples.
  void Compress();
  /// The value at `quantile` (0..1), or nothing when no value was inserted.
  /// Requires Compress() first.
  std::optional<double> Query(double quantile) const;

 private:
  struct Stats {
    double value;
    int64_t g;
    int64_t delta;
  };
  static constexpr size_t kHeadSize = 50000;
  static constexpr size_t kCompressThreshold = 10000;

  void InsertHead();
  static std::vector<Stats> CompressSamples(const std::vector<Stats>& samples, double threshold);

  double relative_error_;
  std::vector<Stats> sampled_;
  std::vector<double> head_;
  int64_t count_ = 0;
};

}  // namespace sk8::functions
