#pragma once

#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// KLL quantile sketches in Apache DataSketches' layout (KllLongsSketch,
/// KllFloatsSketch, KllDoublesSketch): levels of items of weight 2^level in
/// one array, level 0 (unsorted, filled downwards) first; a full level is
/// sorted and halved into the level above, keeping the odd or the even items
/// at random (so sketches past the exact range are random, as in Spark).
/// Serialize writes the compact image Spark returns (toByteArray).
namespace sk8::functions::sketches {

template <typename T>
class KllSketch {
 public:
  static constexpr int kMinK = 8;
  static constexpr int kMaxK = 65535;
  static constexpr int kM = 8;

  explicit KllSketch(int k = 200);

  void Update(T item);
  /// Folds `other` in (DataSketches' merge: its level 0 item by item, then
  /// the higher levels level by level, compacting what overflows).
  void Merge(const KllSketch& other);

  int k() const { return k_; }
  uint64_t n() const { return n_; }
  bool empty() const { return n_ == 0; }
  /// Bytes held (items and level boundaries), for memory accounting.
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(items_.capacity() * sizeof(T) + levels_.capacity() * sizeof(uint32_t));
  }
  /// Quantile of a normalized rank in [0, 1] and rank of a quantile, both
  /// with DataSketches' INCLUSIVE criterion. Not for empty sketches.
  T Quantile(double rank) const;
  double Rank(T quantile) const;

  std::string Serialize() const;
  static std::optional<KllSketch> Deserialize(std::string_view bytes);
  /// Java's KllSketch.toString(): the summary Spark's kll_sketch_to_string
  /// returns; `render` writes an item as Java prints it.
  std::string ToString(const std::string& class_name, std::string (*render)(T)) const;

 private:
  int NumLevels() const { return static_cast<int>(levels_.size()) - 1; }
  uint32_t NumRetained() const { return levels_.back() - levels_[0]; }
  void CompressWhileUpdating();
  void AddEmptyTopLevel();
  /// The retained items sorted, with their weights (2^level).
  std::vector<std::pair<T, uint64_t>> SortedView() const;
  int RandomBit();

  int k_;
  int min_k_;
  uint64_t n_ = 0;
  bool level_zero_sorted_ = false;
  std::vector<uint32_t> levels_;  // numLevels + 1 boundaries into items_
  std::vector<T> items_;
  T min_{};
  T max_{};
  uint64_t random_ = 0x6b6c6c;  // splitmix64 state: which half a compaction keeps
};

/// Capacity of level `height` of a sketch with `num_levels` levels.
uint32_t KllLevelCapacity(int k, int num_levels, int height, int m);
uint32_t KllTotalCapacity(int k, int m, int num_levels);

extern template class KllSketch<int64_t>;
extern template class KllSketch<float>;
extern template class KllSketch<double>;

}  // namespace sk8::functions::sketches
