#include "functions/sketches/kll.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace sk8::functions::sketches {
namespace {

constexpr uint8_t kFamily = 15;
constexpr uint8_t kEmptyFlag = 1;
constexpr uint8_t kLevelZeroSortedFlag = 2;
constexpr uint8_t kSingleItemFlag = 4;

template <typename V>
void Append(std::string* out, V value) {
  char bytes[sizeof(V)];
  std::memcpy(bytes, &value, sizeof(V));
  out->append(bytes, sizeof(V));
}
template <typename V>
V Get(std::string_view in, size_t at) {
  V value;
  std::memcpy(&value, in.data() + at, sizeof(V));
  return value;
}

// round(k * (2/3)^depth), computed in integers as DataSketches does.
uint64_t CapacityAux(uint64_t k, int depth) {
  if (depth > 30) {
    const int half = depth / 2;
    return CapacityAux(CapacityAux(k, half), depth - half);
  }
  uint64_t pow3 = 1;
  for (int i = 0; i < depth; ++i) pow3 *= 3;
  const uint64_t tmp = ((k << 1) << depth) / pow3;
  return (tmp + 1) >> 1;
}

template <typename T>
bool IsNaN(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  return false;
}

/// Keeps every other item of the sorted run [start, start + length), odd or
/// even at random, in its upper half (up) or lower half (down).
template <typename T>
void HalveUp(std::vector<T>& buf, uint32_t start, uint32_t length, int offset) {
  const uint32_t half = length / 2;
  int64_t j = static_cast<int64_t>(start) + length - 1 - offset;
  for (int64_t i = static_cast<int64_t>(start) + length - 1; i >= static_cast<int64_t>(start + half); --i) {
    buf[static_cast<size_t>(i)] = buf[static_cast<size_t>(j)];
    j -= 2;
  }
}
template <typename T>
void HalveDown(std::vector<T>& buf, uint32_t start, uint32_t length, int offset) {
  const uint32_t half = length / 2;
  uint32_t j = start + static_cast<uint32_t>(offset);
  for (uint32_t i = start; i < start + half; ++i) {
    buf[i] = buf[j];
    j += 2;
  }
}

/// Merges the sorted runs buf[a, a + na) and buf[b, b + nb) into buf[out, ...),
/// where out <= a and the output never overtakes the runs' unread items.
template <typename T>
void MergeRuns(std::vector<T>& buf, uint32_t a, uint32_t na, uint32_t b, uint32_t nb, uint32_t out) {
  std::vector<T> left(buf.begin() + a, buf.begin() + a + na);
  std::vector<T> right(buf.begin() + b, buf.begin() + b + nb);
  std::merge(left.begin(), left.end(), right.begin(), right.end(), buf.begin() + out);
}

}  // namespace

uint32_t KllLevelCapacity(int k, int num_levels, int height, int m) {
  const int depth = num_levels - height - 1;
  return static_cast<uint32_t>(std::max<uint64_t>(static_cast<uint64_t>(m), CapacityAux(static_cast<uint64_t>(k), depth)));
}

uint32_t KllTotalCapacity(int k, int m, int num_levels) {
  uint32_t total = 0;
  for (int h = 0; h < num_levels; ++h) total += KllLevelCapacity(k, num_levels, h, m);
  return total;
}

template <typename T>
KllSketch<T>::KllSketch(int k) : k_(k), min_k_(k), levels_{static_cast<uint32_t>(k), static_cast<uint32_t>(k)},
                                 items_(static_cast<size_t>(k)) {}

template <typename T>
int KllSketch<T>::RandomBit() {
  random_ += 0x9e3779b97f4a7c15ULL;
  uint64_t z = random_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<int>((z ^ (z >> 31)) & 1);
}

template <typename T>
void KllSketch<T>::Update(T item) {
  if (IsNaN(item)) return;
  if (n_ == 0) {
    min_ = max_ = item;
  } else {
    min_ = std::min(min_, item);
    max_ = std::max(max_, item);
  }
  if (levels_[0] == 0) CompressWhileUpdating();
  ++n_;
  level_zero_sorted_ = false;
  --levels_[0];
  items_[levels_[0]] = item;
}

template <typename T>
void KllSketch<T>::AddEmptyTopLevel() {
  const int num_levels = NumLevels();
  const uint32_t delta = KllLevelCapacity(k_, num_levels + 1, 0, kM);
  std::vector<T> items(items_.size() + delta);
  std::copy(items_.begin(), items_.end(), items.begin() + delta);
  items_ = std::move(items);
  for (auto& l : levels_) l += delta;
  levels_.push_back(static_cast<uint32_t>(items_.size()));
}

template <typename T>
void KllSketch<T>::CompressWhileUpdating() {
  int level = 0;
  while (levels_[level + 1] - levels_[level] < KllLevelCapacity(k_, NumLevels(), level, kM)) ++level;
  if (level == NumLevels() - 1) AddEmptyTopLevel();
  const uint32_t raw_beg = levels_[level];
  const uint32_t raw_end = levels_[level + 1];
  const uint32_t pop_above = levels_[level + 2] - raw_end;
  const uint32_t raw_pop = raw_end - raw_beg;
  const bool odd = (raw_pop & 1) != 0;
  const uint32_t adj_beg = odd ? raw_beg + 1 : raw_beg;
  const uint32_t adj_pop = odd ? raw_pop - 1 : raw_pop;
  const uint32_t half = adj_pop / 2;
  if (level == 0) std::sort(items_.begin() + adj_beg, items_.begin() + adj_beg + adj_pop);
  if (pop_above == 0) {
    HalveUp(items_, adj_beg, adj_pop, RandomBit());
  } else {
    HalveDown(items_, adj_beg, adj_pop, RandomBit());
    MergeRuns(items_, adj_beg, half, raw_end, pop_above, adj_beg + half);
  }
  levels_[level + 1] -= half;
  if (odd) {
    levels_[level] = levels_[level + 1] - 1;
    items_[levels_[level]] = items_[raw_beg];
  } else {
    levels_[level] = levels_[level + 1];
  }
  if (level > 0) {
    const uint32_t amount = raw_beg - levels_[0];
    std::copy_backward(items_.begin() + levels_[0], items_.begin() + levels_[0] + amount,
                       items_.begin() + levels_[0] + half + amount);
    for (int l = 0; l < level; ++l) levels_[l] += half;
  }
}

template <typename T>
void KllSketch<T>::Merge(const KllSketch& other) {
  if (other.empty()) return;
  const uint64_t final_n = n_ + other.n_;
  const T other_min = other.min_;
  const T other_max = other.max_;
  for (uint32_t i = other.levels_[0]; i < other.levels_[1]; ++i) Update(other.items_[i]);
  if (other.NumLevels() > 1) {
    const int my_levels = NumLevels();
    const int provisional = std::max(my_levels, other.NumLevels());
    // Work arrays: level 0 is ours, each higher level ours and theirs merged.
    std::vector<T> work;
    std::vector<uint32_t> in_levels(static_cast<size_t>(provisional) + 2, 0);
    work.insert(work.end(), items_.begin() + levels_[0], items_.begin() + levels_[1]);
    in_levels[1] = static_cast<uint32_t>(work.size());
    for (int l = 1; l < provisional; ++l) {
      std::vector<T> merged;
      std::vector<T> mine;
      std::vector<T> theirs;
      if (l < my_levels) mine.assign(items_.begin() + levels_[l], items_.begin() + levels_[l + 1]);
      if (l < other.NumLevels()) {
        theirs.assign(other.items_.begin() + other.levels_[l], other.items_.begin() + other.levels_[l + 1]);
      }
      std::merge(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(merged));
      work.insert(work.end(), merged.begin(), merged.end());
      in_levels[l + 1] = static_cast<uint32_t>(work.size());
    }
    // General compression: from the bottom, halve each level that is over its
    // capacity while the whole sketch is over its own.
    int num_levels = provisional;
    uint32_t count = static_cast<uint32_t>(work.size());
    uint32_t target = KllTotalCapacity(k_, kM, num_levels);
    work.resize(work.size() + 1);
    std::vector<T> out(work.size());
    std::vector<uint32_t> out_levels(in_levels.size() + 64, 0);
    in_levels.resize(in_levels.size() + 64, 0);
    for (int level = 0;; ++level) {
      if (level == num_levels - 1) in_levels[level + 2] = in_levels[level + 1];
      const uint32_t raw_beg = in_levels[level];
      const uint32_t raw_lim = in_levels[level + 1];
      const uint32_t raw_pop = raw_lim - raw_beg;
      if (count < target || raw_pop < KllLevelCapacity(k_, num_levels, level, kM)) {
        std::copy(work.begin() + raw_beg, work.begin() + raw_lim, out.begin() + out_levels[level]);
        out_levels[level + 1] = out_levels[level] + raw_pop;
      } else {
        const uint32_t pop_above = in_levels[level + 2] - raw_lim;
        const bool odd = (raw_pop & 1) != 0;
        const uint32_t adj_beg = odd ? raw_beg + 1 : raw_beg;
        const uint32_t adj_pop = odd ? raw_pop - 1 : raw_pop;
        const uint32_t half = adj_pop / 2;
        if (odd) {
          out[out_levels[level]] = work[raw_beg];
          out_levels[level + 1] = out_levels[level] + 1;
        } else {
          out_levels[level + 1] = out_levels[level];
        }
        if (level == 0 && !level_zero_sorted_) std::sort(work.begin() + adj_beg, work.begin() + adj_beg + adj_pop);
        if (pop_above == 0) {
          HalveUp(work, adj_beg, adj_pop, RandomBit());
        } else {
          HalveDown(work, adj_beg, adj_pop, RandomBit());
          MergeRuns(work, adj_beg, half, raw_lim, pop_above, adj_beg + half);
        }
        count -= half;
        in_levels[level + 1] -= half;
        if (level == num_levels - 1) {
          ++num_levels;
          target += KllLevelCapacity(k_, num_levels, 0, kM);
        }
      }
      if (level == num_levels - 1) break;
    }
    std::vector<T> items(target);
    const uint32_t free_space = target - count;
    std::copy(out.begin() + out_levels[0], out.begin() + out_levels[0] + count, items.begin() + free_space);
    std::vector<uint32_t> levels(static_cast<size_t>(num_levels) + 1);
    for (int l = 0; l <= num_levels; ++l) levels[l] = out_levels[l] - out_levels[0] + free_space;
    items_ = std::move(items);
    levels_ = std::move(levels);
  }
  n_ = final_n;
  if (other.NumLevels() > 1) min_k_ = std::min(min_k_, other.min_k_);
  min_ = std::min(min_, other_min);
  max_ = std::max(max_, other_max);
}

template <typename T>
std::vector<std::pair<T, uint64_t>> KllSketch<T>::SortedView() const {
  std::vector<std::pair<T, uint64_t>> view;
  for (int l = 0; l < NumLevels(); ++l) {
    for (uint32_t i = levels_[l]; i < levels_[l + 1]; ++i) view.emplace_back(items_[i], uint64_t{1} << l);
  }
  std::stable_sort(view.begin(), view.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Past the exact range the true min and max may have been compacted away:
  // they take one unit of weight from the smallest and the largest entry.
  if (NumLevels() > 1 && !view.empty()) {
    if (view.front().first != min_) {
      if (--view.front().second == 0) view.erase(view.begin());
      view.insert(view.begin(), {min_, 1});
    }
    if (view.back().first != max_) {
      if (--view.back().second == 0) view.pop_back();
      view.emplace_back(max_, 1);
    }
  }
  return view;
}

template <typename T>
T KllSketch<T>::Quantile(double rank) const {
  const auto view = SortedView();
  double natural = rank * static_cast<double>(n_);
  if (n_ <= 10000000) natural = std::round(natural * 1e7) / 1e7;
  const auto target = static_cast<uint64_t>(std::ceil(natural));
  uint64_t cumulative = 0;
  for (const auto& [item, weight] : view) {
    cumulative += weight;
    if (cumulative >= target) return item;
  }
  return view.back().first;
}

template <typename T>
double KllSketch<T>::Rank(T quantile) const {
  uint64_t weight = 0;
  for (const auto& [item, w] : SortedView()) {
    if (item <= quantile) weight += w;
  }
  return static_cast<double>(weight) / static_cast<double>(n_);
}

template <typename T>
std::string KllSketch<T>::Serialize() const {
  std::string out;
  const auto k_lo = static_cast<char>(k_ & 0xff);
  const auto k_hi = static_cast<char>((k_ >> 8) & 0xff);
  if (n_ == 0) return std::string{2, 1, static_cast<char>(kFamily), static_cast<char>(kEmptyFlag), k_lo, k_hi, kM, 0};
  if (n_ == 1) {
    out = {2, 2, static_cast<char>(kFamily), static_cast<char>(kSingleItemFlag), k_lo, k_hi, kM, 0};
    Append(&out, items_[levels_[0]]);
    return out;
  }
  out = {5, 1, static_cast<char>(kFamily), static_cast<char>(level_zero_sorted_ ? kLevelZeroSortedFlag : 0), k_lo,
         k_hi, kM, 0};
  Append(&out, n_);
  Append(&out, static_cast<uint16_t>(min_k_));
  out.push_back(static_cast<char>(NumLevels()));
  out.push_back(0);
  for (int l = 0; l < NumLevels(); ++l) Append(&out, levels_[l]);
  Append(&out, min_);
  Append(&out, max_);
  for (uint32_t i = levels_[0]; i < levels_.back(); ++i) Append(&out, items_[i]);
  return out;
}

template <typename T>
std::optional<KllSketch<T>> KllSketch<T>::Deserialize(std::string_view in) {
  if (in.size() < 8) return std::nullopt;
  const auto pre_ints = static_cast<uint8_t>(in[0]);
  const auto version = static_cast<uint8_t>(in[1]);
  const auto flags = static_cast<uint8_t>(in[3]);
  const int k = Get<uint16_t>(in, 4);
  if (static_cast<uint8_t>(in[2]) != kFamily || k < kMinK || static_cast<uint8_t>(in[6]) != kM) return std::nullopt;
  KllSketch sketch(k);
  if (pre_ints == 2 && version == 1 && (flags & kEmptyFlag) != 0) return sketch;
  if (pre_ints == 2 && version == 2 && (flags & kSingleItemFlag) != 0) {
    if (in.size() < 8 + sizeof(T)) return std::nullopt;
    sketch.Update(Get<T>(in, 8));
    return sketch;
  }
  if (pre_ints != 5 || version != 1 || in.size() < 20) return std::nullopt;
  const auto n = Get<uint64_t>(in, 8);
  const int min_k = Get<uint16_t>(in, 16);
  const int num_levels = static_cast<uint8_t>(in[18]);
  if (num_levels < 1 || num_levels > 61 || min_k < kMinK || min_k > k) return std::nullopt;
  size_t at = 20;
  if (in.size() < at + 4 * static_cast<size_t>(num_levels) + 2 * sizeof(T)) return std::nullopt;
  const uint32_t capacity = KllTotalCapacity(k, kM, num_levels);
  std::vector<uint32_t> levels;
  for (int l = 0; l < num_levels; ++l, at += 4) levels.push_back(Get<uint32_t>(in, at));
  levels.push_back(capacity);
  for (int l = 0; l < num_levels; ++l) {
    if (levels[l] > levels[l + 1]) return std::nullopt;
  }
  const uint32_t retained = capacity - levels[0];
  sketch.min_ = Get<T>(in, at);
  sketch.max_ = Get<T>(in, at + sizeof(T));
  at += 2 * sizeof(T);
  if (in.size() < at + retained * sizeof(T)) return std::nullopt;
  sketch.items_.assign(capacity, T{});
  for (uint32_t i = 0; i < retained; ++i) sketch.items_[levels[0] + i] = Get<T>(in, at + i * sizeof(T));
  sketch.levels_ = std::move(levels);
  sketch.n_ = n;
  sketch.min_k_ = min_k;
  sketch.level_zero_sorted_ = (flags & kLevelZeroSortedFlag) != 0;
  return sketch;
}

template <typename T>
std::string KllSketch<T>::ToString(const std::string& class_name, std::string (*render)(T)) const {
  auto percent = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f%%", v * 100);
    return std::string(buf);
  };
  const double eps = 2.296 / std::pow(static_cast<double>(min_k_), 0.9723);
  const double eps_pmf = 2.446 / std::pow(static_cast<double>(min_k_), 0.9433);
  const uint32_t capacity = levels_.back();
  const size_t item = sizeof(T);
  const size_t updatable = 20 + 4 * levels_.size() + 2 * item + capacity * item;
  const size_t compact = n_ == 0 ? 8 : n_ == 1 ? 8 + item : 20 + 4 * (levels_.size() - 1) + (2 + NumRetained()) * item;
  std::string out = "\n### Kll" + class_name + " Summary:\n";
  auto line = [&](const char* label, const std::string& value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "   %-23s: ", label);
    out += buf + value + "\n";
  };
  line("K", std::to_string(k_));
  line("Dynamic min K", std::to_string(min_k_));
  line("M", std::to_string(kM));
  line("N", std::to_string(n_));
  line("Epsilon", percent(eps));
  line("Epsilon PMF", percent(eps_pmf));
  line("Empty", n_ == 0 ? "true" : "false");
  line("Estimation Mode", NumLevels() > 1 ? "true" : "false");
  line("Levels", std::to_string(NumLevels()));
  line("Level 0 Sorted", level_zero_sorted_ ? "true" : "false");
  line("Capacity Items", std::to_string(capacity));
  line("Retained Items", std::to_string(NumRetained()));
  line("Free Space", std::to_string(levels_[0]));
  line("ReadOnly", "false");
  line("Updatable Storage Bytes", std::to_string(updatable));
  line("Compact Storage Bytes", std::to_string(compact));
  line("Min Item", n_ == 0 ? "NaN" : render(min_));
  line("Max Item", n_ == 0 ? "NaN" : render(max_));
  out += "### End sketch summary\n";
  return out;
}

template class KllSketch<int64_t>;
template class KllSketch<float>;
template class KllSketch<double>;

}  // namespace sk8::functions::sketches
