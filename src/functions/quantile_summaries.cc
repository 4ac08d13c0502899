#include "functions/quantile_summaries.h"

#include <algorithm>
#include <cmath>

namespace sk8::functions {

void QuantileSummaries::Insert(double x) {
  head_.push_back(x);
  if (head_.size() >= kHeadSize) {
    InsertHead();
    if (sampled_.size() >= kCompressThreshold) Compress();
  }
}

void QuantileSummaries::Compress() {
  InsertHead();
  sampled_ = CompressSamples(sampled_, 2 * relative_error_ * static_cast<double>(count_));
}

std::optional<double> QuantileSummaries::Query(double quantile) const {
  if (sampled_.empty()) return std::nullopt;
  if (quantile <= relative_error_) return sampled_.front().value;
  if (quantile >= 1 - relative_error_) return sampled_.back().value;
  const int64_t rank = static_cast<int64_t>(std::ceil(quantile * static_cast<double>(count_)));
  int64_t max_span = 0;
  for (const auto& s : sampled_) max_span = std::max(max_span, s.delta + s.g);
  const int64_t target_error = max_span / 2;
  int64_t min_rank = 0;
  for (size_t i = 0; i + 1 < sampled_.size(); ++i) {
    min_rank += sampled_[i].g;
    const int64_t max_rank = min_rank + sampled_[i].delta;
    if (max_rank - target_error <= rank && rank <= min_rank + target_error) return sampled_[i].value;
  }
  return sampled_.back().value;
}

void QuantileSummaries::InsertHead() {
  if (head_.empty()) return;
  std::sort(head_.begin(), head_.end());
  std::vector<Stats> merged;
  size_t sample = 0;
  for (size_t op = 0; op < head_.size(); ++op) {
    const double current = head_[op];
    while (sample < sampled_.size() && sampled_[sample].value <= current) merged.push_back(sampled_[sample++]);
    ++count_;
    const bool edge = merged.empty() || (sample == sampled_.size() && op == head_.size() - 1);
    const int64_t delta =
        edge ? 0 : static_cast<int64_t>(std::floor(2 * relative_error_ * static_cast<double>(count_)));
    merged.push_back({current, 1, delta});
  }
  while (sample < sampled_.size()) merged.push_back(sampled_[sample++]);
  sampled_ = std::move(merged);
  head_.clear();
}

std::vector<QuantileSummaries::Stats> QuantileSummaries::CompressSamples(const std::vector<Stats>& samples,
                                                                       double threshold) {
  if (samples.empty()) return {};
  std::vector<Stats> reversed;
  Stats head = samples.back();
  for (int64_t i = static_cast<int64_t>(samples.size()) - 2; i >= 1; --i) {
    const Stats& sample = samples[i];
    if (static_cast<double>(sample.g + head.g + head.delta) < threshold) {
      head.g += sample.g;
    } else {
      reversed.push_back(head);
      head = sample;
    }
  }
  reversed.push_back(head);
  if (samples.front().value <= head.value && samples.size() > 1) reversed.push_back(samples.front());
  return {reversed.rbegin(), reversed.rend()};
}

}  // namespace sk8::functions
