#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "functions/sketches/murmur3.h"

/// An HLL sketch in Apache DataSketches' layout: LIST and SET modes keep the
/// 32-bit coupons (a 26-bit address and a 6-bit register value) of the first
/// distinct items, HLL mode one register per bucket (HLL_8: a byte each) with
/// the HIP estimator. Serialize writes the updatable image Spark's
/// hll_sketch_agg returns (Java's toUpdatableByteArray); Deserialize reads the
/// updatable and compact images of LIST, SET and HLL (4, 6 or 8 bit) sketches.
namespace sk8::functions::sketches {

class HllSketch {
 public:
  enum class Mode : uint8_t { kList = 0, kSet = 1, kHll = 2 };
  static constexpr int kMinLgK = 4;
  static constexpr int kMaxLgK = 21;

  explicit HllSketch(int lg_k = 12);

  /// The coupon of a hashed item.
  static uint32_t Coupon(const Hash128& hash);
  void UpdateHash(const Hash128& hash) { UpdateCoupon(Coupon(hash)); }
  void UpdateCoupon(uint32_t coupon);

  int lg_k() const { return lg_k_; }
  Mode mode() const { return mode_; }
  bool empty() const { return mode_ != Mode::kHll && count_ == 0; }
  bool out_of_order() const { return ooo_; }
  double Estimate() const;
  /// Bytes held (coupons or registers), for memory accounting.
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(coupons_.capacity() * sizeof(uint32_t) + registers_.capacity());
  }

  std::string Serialize() const;
  /// Null when `bytes` is not an HLL sketch image. HLL_4 and HLL_6 images
  /// (DataSketches' other register widths) are read into HLL_8 registers.
  static std::optional<HllSketch> Deserialize(std::string_view bytes);

  /// The coupons of a LIST / SET sketch, in array order.
  std::vector<uint32_t> Coupons() const;

 private:
  friend class HllUnion;
  void PromoteToSet();
  void PromoteToHll();
  void HllUpdate(uint32_t coupon);
  void SetInsert(uint32_t coupon);
  /// curMin, numAtCurMin and the kxq sums recomputed from the registers.
  void Rebuild();
  double CouponEstimate() const;
  double CompositeEstimate() const;

  int lg_k_;
  Mode mode_ = Mode::kList;
  int lg_arr_ = 3;
  std::vector<uint32_t> coupons_;  // LIST: filled in order; SET: open addressing
  uint32_t count_ = 0;
  std::vector<uint8_t> registers_;  // HLL mode
  double hip_ = 0;
  double kxq0_ = 0;
  double kxq1_ = 0;
  int cur_min_ = 0;
  uint32_t num_at_cur_min_ = 0;
  bool ooo_ = false;
};

/// DataSketches' HLL union: a gadget sketch that takes sketches of any lgK up
/// to its own (larger ones are downsampled) and answers an HLL_8 sketch.
class HllUnion {
 public:
  explicit HllUnion(int lg_max_k) : lg_max_k_(lg_max_k), gadget_(lg_max_k) {}
  void Update(const HllSketch& sketch);
  HllSketch Result() const;
  int64_t MemoryBytes() const { return gadget_.MemoryBytes(); }

 private:
  int lg_max_k_;
  HllSketch gadget_;
};

}  // namespace sk8::functions::sketches
