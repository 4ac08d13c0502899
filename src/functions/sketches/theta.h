#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "functions/sketches/murmur3.h"

/// Theta sketches in Apache DataSketches' layout: a sample of 63-bit item
/// hashes below a threshold theta (the fraction of the hash space sampled).
/// A compact sketch is the sorted sample, serialized as DataSketches'
/// compressed image (serial version 4: deltas of the sorted hashes bit-packed)
/// or, for empty, single-entry and zero-entry sketches, version 3, as Java's
/// CompactSketch.toByteArrayCompressed writes them.
namespace sk8::functions::sketches {

inline constexpr uint64_t kThetaMax = 0x7fffffffffffffffULL;

struct ThetaCompact {
  uint64_t theta = kThetaMax;
  std::vector<uint64_t> entries;  // ascending

  /// DataSketches' empty rule: no entries and nothing sampled away.
  bool empty() const { return entries.empty() && theta == kThetaMax; }
  double Estimate() const;
  std::string Serialize() const;
  static std::optional<ThetaCompact> Deserialize(std::string_view bytes);
};

/// The hash a theta sketch keeps of an item (0 is never kept).
inline uint64_t ThetaHash(const Hash128& hash) { return hash.h1 >> 1; }

/// DataSketches' QuickSelect update sketch: keeps every hash below theta until
/// it holds more than 15/16 of 2 * 2^lgNom, then theta drops to the
/// (2^lgNom + 1)-th smallest and the sample to the 2^lgNom below it.
class ThetaUpdateSketch {
 public:
  static constexpr int kMinLgNom = 4;
  static constexpr int kMaxLgNom = 26;
  explicit ThetaUpdateSketch(int lg_nom = 12) : lg_nom_(lg_nom) {}
  void Update(uint64_t hash);
  uint64_t theta() const { return theta_; }
  ThetaCompact Compact() const;
  int64_t MemoryUsage() const { return static_cast<int64_t>(table_.capacity() * sizeof(uint64_t)); }

 private:
  /// Inserts into the open-addressing table (0 marks an empty slot); false
  /// when the hash is there already.
  bool Insert(uint64_t hash);
  void Resize(int lg_size);
  void Rebuild();
  int lg_nom_;
  uint64_t theta_ = kThetaMax;
  int lg_size_ = 0;  // 0: no table yet
  uint32_t count_ = 0;
  std::vector<uint64_t> table_;
};

class ThetaUnion {
 public:
  explicit ThetaUnion(int lg_nom = 12) : lg_nom_(lg_nom), gadget_(lg_nom) {}
  void Update(const ThetaCompact& sketch);
  ThetaCompact Result() const;
  int64_t MemoryUsage() const { return gadget_.MemoryUsage(); }

 private:
  int lg_nom_;
  ThetaUpdateSketch gadget_;
  uint64_t union_theta_ = kThetaMax;
  bool empty_ = true;
};

/// The intersection of the sketches given so far (none: `has_result` false).
class ThetaIntersection {
 public:
  void Update(const ThetaCompact& sketch);
  bool has_result() const { return has_result_; }
  int64_t MemoryUsage() const { return static_cast<int64_t>(entries_.capacity() * sizeof(uint64_t)); }
  ThetaCompact Result() const;

 private:
  bool has_result_ = false;
  bool empty_ = false;
  uint64_t theta_ = kThetaMax;
  std::vector<uint64_t> entries_;
};

/// The items of `a` not in `b`.
ThetaCompact ThetaAnotB(const ThetaCompact& a, const ThetaCompact& b);

}  // namespace sk8::functions::sketches
