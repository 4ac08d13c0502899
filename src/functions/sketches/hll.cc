#include "functions/sketches/hll.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace sk8::functions::sketches {
namespace {

constexpr uint32_t kKeyMask26 = (1u << 26) - 1;
constexpr uint8_t kEmptyFlag = 4;
constexpr uint8_t kCompactFlag = 8;
constexpr uint8_t kOutOfOrderFlag = 16;
constexpr uint8_t kRebuildFlag = 32;
constexpr int kHll8 = 2;  // tgtHllType in the mode byte: HLL_4 = 0, HLL_6 = 1, HLL_8 = 2

double InversePow2(int v) { return std::ldexp(1.0, -v); }

template <typename T>
void Put(std::string* out, size_t at, T value) {
  std::memcpy(out->data() + at, &value, sizeof(T));
}
template <typename T>
T Get(std::string_view in, size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof(T));
  return value;
}

/// Open-addressing probe of DataSketches' coupon hash set: the slot holding
/// `coupon`, or the empty slot where it goes (as ~slot).
int64_t FindSlot(const std::vector<uint32_t>& table, int lg_arr, uint32_t coupon) {
  const uint32_t mask = (1u << lg_arr) - 1;
  uint32_t probe = coupon & mask;
  const uint32_t start = probe;
  do {
    const uint32_t at = table[probe];
    if (at == 0) return ~static_cast<int64_t>(probe);
    if (at == coupon) return probe;
    const uint32_t stride = ((coupon & kKeyMask26) >> lg_arr) | 1;
    probe = (probe + stride) & mask;
  } while (probe != start);
  return ~static_cast<int64_t>(table.size());  // full: never reached below 3/4 load
}

/// H(n), the n-th harmonic number: exact sums for small n, the asymptotic
/// series beyond.
double Harmonic(uint64_t n) {
  if (n < 25) {
    double sum = 0;
    for (uint64_t i = 1; i <= n; ++i) sum += 1.0 / static_cast<double>(i);
    return sum;
  }
  const double x = static_cast<double>(n);
  const double inv_sq = 1.0 / (x * x);
  double sum = std::log(x) + 0.577215664901532860606512090082 + 1.0 / (2.0 * x);
  double pow = inv_sq;
  sum -= pow / 12.0;
  pow *= inv_sq;
  sum += pow / 120.0;
  pow *= inv_sq;
  sum -= pow / 252.0;
  pow *= inv_sq;
  sum += pow / 240.0;
  return sum;
}

}  // namespace

HllSketch::HllSketch(int lg_k) : lg_k_(lg_k), coupons_(8, 0) {}

uint32_t HllSketch::Coupon(const Hash128& hash) {
  const uint32_t addr = static_cast<uint32_t>(hash.h1) & kKeyMask26;
  const int lz = std::countl_zero(hash.h2);
  const uint32_t value = static_cast<uint32_t>(std::min(lz, 62) + 1);
  return (value << 26) | addr;
}

void HllSketch::UpdateCoupon(uint32_t coupon) {
  if (coupon == 0) return;
  switch (mode_) {
    case Mode::kList: {
      for (auto& slot : coupons_) {
        if (slot == coupon) return;
        if (slot == 0) {
          slot = coupon;
          ++count_;
          if (count_ == coupons_.size()) {
            if (lg_k_ < 8) {
              PromoteToHll();
            } else {
              PromoteToSet();
            }
          }
          return;
        }
      }
      return;
    }
    case Mode::kSet: {
      const int64_t at = FindSlot(coupons_, lg_arr_, coupon);
      if (at >= 0) return;
      coupons_[static_cast<size_t>(~at)] = coupon;
      ++count_;
      if (4 * static_cast<uint64_t>(count_) > 3 * coupons_.size()) {
        if (lg_arr_ == lg_k_ - 3) {
          PromoteToHll();
        } else {
          std::vector<uint32_t> old = std::move(coupons_);
          ++lg_arr_;
          coupons_.assign(size_t{1} << lg_arr_, 0);
          for (uint32_t c : old) {
            if (c != 0) coupons_[static_cast<size_t>(~FindSlot(coupons_, lg_arr_, c))] = c;
          }
        }
      }
      return;
    }
    case Mode::kHll: HllUpdate(coupon); return;
  }
}

void HllSketch::SetInsert(uint32_t coupon) {
  const int64_t at = FindSlot(coupons_, lg_arr_, coupon);
  if (at < 0) {
    coupons_[static_cast<size_t>(~at)] = coupon;
    ++count_;
  }
}

void HllSketch::PromoteToSet() {
  std::vector<uint32_t> list = std::move(coupons_);
  mode_ = Mode::kSet;
  lg_arr_ = 5;
  count_ = 0;
  coupons_.assign(32, 0);
  for (uint32_t c : list) {
    if (c != 0) UpdateCoupon(c);
  }
}

void HllSketch::PromoteToHll() {
  const double estimate = CouponEstimate();
  std::vector<uint32_t> coupons = std::move(coupons_);
  coupons_.clear();
  mode_ = Mode::kHll;
  lg_arr_ = 0;
  count_ = 0;
  registers_.assign(size_t{1} << lg_k_, 0);
  kxq0_ = static_cast<double>(1u << lg_k_);
  kxq1_ = 0;
  cur_min_ = 0;
  num_at_cur_min_ = 1u << lg_k_;
  ooo_ = false;
  hip_ = 0;
  for (uint32_t c : coupons) {
    if (c != 0) HllUpdate(c);
  }
  hip_ = estimate;
}

void HllSketch::HllUpdate(uint32_t coupon) {
  const uint32_t slot = (coupon & kKeyMask26) & ((1u << lg_k_) - 1);
  const auto value = static_cast<uint8_t>(coupon >> 26);
  const uint8_t current = registers_[slot];
  if (value <= current) return;
  registers_[slot] = value;
  // HIP first, with the kxq sums before this update.
  if (!ooo_) hip_ += static_cast<double>(1u << lg_k_) / (kxq0_ + kxq1_);
  (current < 32 ? kxq0_ : kxq1_) -= InversePow2(current);
  (value < 32 ? kxq0_ : kxq1_) += InversePow2(value);
  if (current == 0) --num_at_cur_min_;
}

void HllSketch::Rebuild() {
  int min = 64;
  uint32_t at_min = 0;
  double kxq0 = 0;
  double kxq1 = 0;
  for (uint8_t v : registers_) {
    if (v < min) {
      min = v;
      at_min = 0;
    }
    if (v == min) ++at_min;
    (v < 32 ? kxq0 : kxq1) += InversePow2(v);
  }
  cur_min_ = min;
  num_at_cur_min_ = at_min;
  kxq0_ = kxq0;
  kxq1_ = kxq1;
}

std::vector<uint32_t> HllSketch::Coupons() const {
  std::vector<uint32_t> out;
  for (uint32_t c : coupons_) {
    if (c != 0) out.push_back(c);
  }
  return out;
}

// The number of distinct items that gives `count_` distinct coupons on
// average: a coupon is one of 2^26 addresses with value v of probability
// 2^-v (v < 63), so E[coupons](n) = sum_c 1 - (1 - p_c)^n, inverted by Newton.
double HllSketch::CouponEstimate() const {
  const double c = count_;
  if (c == 0) return 0;
  const double addresses = 67108864.0;  // 2^26
  double n = c;
  for (int iter = 0; iter < 50; ++iter) {
    double expected = 0;
    double slope = 0;
    for (int v = 1; v <= 63; ++v) {
      const double p = std::ldexp(1.0, -(v < 63 ? v : 62)) / addresses;
      const double log_miss = std::log1p(-p);
      const double miss = std::exp(n * log_miss);
      expected -= addresses * std::expm1(n * log_miss);
      slope -= addresses * miss * log_miss;
    }
    const double step = (expected - c) / slope;
    n -= step;
    if (std::fabs(step) < 1e-9 * n) break;
  }
  return std::max(n, c);
}

namespace {

// The mean of the raw HLL estimate over n distinct items, to second order,
// with each of the k registers the maximum of a Poisson(n / k) number of
// geometric values: P(register <= v) = exp(-(n / k) 2^-v).
double MeanRawEstimate(double n, double k, double factor) {
  const double lambda = n / k;
  double m1 = 0;
  double m2 = 0;
  double previous = 0;
  for (int v = 0; v < 64; ++v) {
    const double cdf = v == 63 ? 1.0 : std::exp(-lambda * std::ldexp(1.0, -v));
    const double p = cdf - previous;
    previous = cdf;
    m1 += p * std::ldexp(1.0, -v);
    m2 += p * std::ldexp(1.0, -2 * v);
  }
  const double mean = k * m1;
  const double variance = k * (m2 - m1 * m1);
  return factor * k * k / mean * (1 + variance / (mean * mean));
}

}  // namespace

// DataSketches corrects the raw estimate of an out-of-order sketch with an
// empirical table (the mean raw estimate measured at many cardinalities),
// which sk8 does not copy: it inverts the modelled mean raw estimate instead.
// The model is close where the correction matters (a few K), and never
// raises the raw estimate, whose bias past that is below 0.02%.
double HllSketch::CompositeEstimate() const {
  const double k = static_cast<double>(1u << lg_k_);
  double factor = 0.7213 / (1.0 + 1.079 / k);
  if (lg_k_ == 4) factor = 0.673;
  if (lg_k_ == 5) factor = 0.697;
  if (lg_k_ == 6) factor = 0.709;
  const double raw = factor * k * k / (kxq0_ + kxq1_);
  double adjusted = 0;
  if (raw > MeanRawEstimate(0, k, factor)) {
    double lo = 1e-9;
    double hi = 1e22;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
      const double mid = std::sqrt(lo * hi);
      (MeanRawEstimate(mid, k, factor) < raw ? lo : hi) = mid;
    }
    adjusted = std::min(raw, (lo + hi) / 2);
  }
  if (adjusted > 3 * k) return adjusted;
  const uint32_t unhit = cur_min_ == 0 ? num_at_cur_min_ : 0;
  const double linear =
      unhit == 0 ? k * std::log(k / 0.5) : k * (Harmonic(1u << lg_k_) - Harmonic(unhit));
  double crossover = 0.64;
  if (lg_k_ == 4) crossover = 0.718;
  if (lg_k_ == 5) crossover = 0.672;
  return (adjusted + linear) / 2 > crossover * k ? adjusted : linear;
}

double HllSketch::Estimate() const {
  if (mode_ != Mode::kHll) return CouponEstimate();
  return ooo_ ? CompositeEstimate() : hip_;
}

std::string HllSketch::Serialize() const {
  const uint8_t mode_byte = static_cast<uint8_t>((kHll8 << 2) | static_cast<int>(mode_));
  if (mode_ == Mode::kHll) {
    std::string out(40 + registers_.size(), '\0');
    out[0] = 10;
    out[1] = 1;
    out[2] = 7;
    out[3] = static_cast<char>(lg_k_);
    out[4] = 0;
    out[5] = static_cast<char>(ooo_ ? kOutOfOrderFlag : 0);
    out[6] = static_cast<char>(cur_min_);
    out[7] = static_cast<char>(mode_byte);
    Put(&out, 8, hip_);
    Put(&out, 16, kxq0_);
    Put(&out, 24, kxq1_);
    Put(&out, 32, num_at_cur_min_);
    Put(&out, 36, uint32_t{0});
    std::memcpy(out.data() + 40, registers_.data(), registers_.size());
    return out;
  }
  const bool set = mode_ == Mode::kSet;
  const size_t start = set ? 12 : 8;
  std::string out(start + 4 * coupons_.size(), '\0');
  out[0] = static_cast<char>(set ? 3 : 2);
  out[1] = 1;
  out[2] = 7;
  out[3] = static_cast<char>(lg_k_);
  out[4] = static_cast<char>(lg_arr_);
  out[5] = static_cast<char>(count_ == 0 ? kEmptyFlag : 0);
  out[6] = static_cast<char>(set ? 0 : count_);
  out[7] = static_cast<char>(mode_byte);
  if (set) Put(&out, 8, count_);
  std::memcpy(out.data() + start, coupons_.data(), 4 * coupons_.size());
  return out;
}

std::optional<HllSketch> HllSketch::Deserialize(std::string_view in) {
  if (in.size() < 8) return std::nullopt;
  const auto pre_ints = static_cast<uint8_t>(in[0]);
  const auto lg_k = static_cast<uint8_t>(in[3]);
  const auto lg_arr = static_cast<uint8_t>(in[4]);
  const auto flags = static_cast<uint8_t>(in[5]);
  const auto mode_byte = static_cast<uint8_t>(in[7]);
  const int mode = mode_byte & 3;
  const int tgt = (mode_byte >> 2) & 3;
  if (in[1] != 1 || in[2] != 7 || lg_k < kMinLgK || lg_k > kMaxLgK || mode > 2 || tgt > 2) return std::nullopt;
  HllSketch sketch(lg_k);
  const bool compact = (flags & kCompactFlag) != 0;
  if (mode == 0 || mode == 1) {
    if (pre_ints != (mode == 0 ? 2 : 3)) return std::nullopt;
    if ((flags & kEmptyFlag) != 0) return sketch;
    const size_t start = mode == 0 ? 8 : 12;
    if (in.size() < start) return std::nullopt;
    const uint32_t count = mode == 0 ? static_cast<uint8_t>(in[6]) : Get<uint32_t>(in, 8);
    if (lg_arr > 26) return std::nullopt;
    const size_t stored = compact ? count : (size_t{1} << lg_arr);
    if (in.size() < start + 4 * stored) return std::nullopt;
    if (mode == 1 && !compact && lg_arr >= 5 && lg_arr <= lg_k - 3 && 4 * uint64_t{count} <= 3 * stored) {
      // An updatable SET keeps its table as it is (its probe order).
      sketch.mode_ = Mode::kSet;
      sketch.lg_arr_ = lg_arr;
      sketch.coupons_.resize(stored);
      std::memcpy(sketch.coupons_.data(), in.data() + start, 4 * stored);
      sketch.count_ = 0;
      for (uint32_t c : sketch.coupons_) sketch.count_ += c != 0;
      return sketch;
    }
    for (size_t i = 0; i < stored; ++i) {
      const auto c = Get<uint32_t>(in, start + 4 * i);
      if (c != 0) sketch.UpdateCoupon(c);
    }
    return sketch;
  }
  if (pre_ints != 10 || in.size() < 40) return std::nullopt;
  const size_t k = size_t{1} << lg_k;
  sketch.mode_ = Mode::kHll;
  sketch.lg_arr_ = 0;
  sketch.coupons_.clear();
  sketch.registers_.assign(k, 0);
  sketch.ooo_ = (flags & kOutOfOrderFlag) != 0;
  sketch.hip_ = Get<double>(in, 8);
  const auto* data = reinterpret_cast<const uint8_t*>(in.data());
  if (tgt == kHll8) {
    if (in.size() < 40 + k) return std::nullopt;
    std::memcpy(sketch.registers_.data(), data + 40, k);
    sketch.cur_min_ = static_cast<uint8_t>(in[6]);
    sketch.kxq0_ = Get<double>(in, 16);
    sketch.kxq1_ = Get<double>(in, 24);
    sketch.num_at_cur_min_ = Get<uint32_t>(in, 32);
    if ((flags & kRebuildFlag) != 0) sketch.Rebuild();
    return sketch;
  }
  // HLL_4 and HLL_6 registers become HLL_8 ones, as DataSketches converts
  // them: curMin 0, numAtCurMin the empty registers, the kxq sums recomputed.
  if (tgt == 1) {
    // HLL_6: 6-bit values packed from the least significant bit.
    const size_t bytes = k * 3 / 4 + 1;
    if (in.size() < 40 + bytes) return std::nullopt;
    for (size_t slot = 0; slot < k; ++slot) {
      const size_t bit = slot * 6;
      const unsigned word = data[40 + bit / 8] | (bit / 8 + 1 < bytes ? data[40 + bit / 8 + 1] << 8 : 0);
      sketch.registers_[slot] = static_cast<uint8_t>((word >> (bit % 8)) & 0x3f);
    }
  } else {
    // HLL_4: nibbles relative to curMin (low nibble for even slots); 15 sends
    // the slot to the exceptions map that follows, (value << 26) | slot ints.
    const size_t bytes = k / 2;
    if (in.size() < 40 + bytes) return std::nullopt;
    const int cur_min = static_cast<uint8_t>(in[6]);
    const auto aux_count = Get<uint32_t>(in, 36);
    std::vector<bool> in_aux(k, false);
    for (size_t slot = 0; slot < k; ++slot) {
      const uint8_t byte = data[40 + slot / 2];
      const int nibble = (slot & 1) ? byte >> 4 : byte & 15;
      if (nibble == 15) {
        in_aux[slot] = true;
      } else {
        sketch.registers_[slot] = static_cast<uint8_t>(nibble + cur_min);
      }
    }
    if (aux_count > 0) {
      const size_t start = 40 + bytes;
      const size_t ints = compact ? aux_count : (size_t{1} << std::min<int>(lg_arr, 26));
      if (in.size() < start + 4 * ints) return std::nullopt;
      for (size_t i = 0; i < ints; ++i) {
        const auto pair = Get<uint32_t>(in, start + 4 * i);
        if (pair == 0) continue;
        const size_t slot = (pair & kKeyMask26) & (k - 1);
        sketch.registers_[slot] = static_cast<uint8_t>(pair >> 26);
        in_aux[slot] = false;
      }
    }
    for (size_t slot = 0; slot < k; ++slot) {
      if (in_aux[slot]) return std::nullopt;  // an exception the map does not hold
    }
  }
  sketch.Rebuild();
  uint32_t zeros = 0;
  for (uint8_t v : sketch.registers_) zeros += v == 0;
  sketch.cur_min_ = 0;
  sketch.num_at_cur_min_ = zeros;
  return sketch;
}

void HllUnion::Update(const HllSketch& src) {
  if (src.empty()) return;
  HllSketch& dst = gadget_;
  if (src.mode_ != HllSketch::Mode::kHll) {
    if (dst.empty() && src.lg_k_ == dst.lg_k_) {
      dst = src;
    } else {
      for (uint32_t c : src.Coupons()) dst.UpdateCoupon(c);
    }
    return;
  }
  // src is in HLL mode: the gadget becomes a copy of it (downsampled to
  // lg_max_k), then takes the gadget's old coupons or registers.
  auto copy_or_downsample = [&](const HllSketch& s, int lg_k) {
    if (s.lg_k_ <= lg_k) return s;
    HllSketch out(lg_k);
    out.mode_ = HllSketch::Mode::kHll;
    out.coupons_.clear();
    out.lg_arr_ = 0;
    out.registers_.assign(size_t{1} << lg_k, 0);
    const uint32_t mask = (1u << lg_k) - 1;
    for (size_t i = 0; i < s.registers_.size(); ++i) {
      uint8_t& r = out.registers_[i & mask];
      r = std::max(r, s.registers_[i]);
    }
    out.Rebuild();
    out.hip_ = s.hip_;
    out.ooo_ = s.ooo_;
    return out;
  };
  if (dst.empty()) {
    gadget_ = copy_or_downsample(src, lg_max_k_);
    return;
  }
  if (dst.mode_ != HllSketch::Mode::kHll) {
    std::vector<uint32_t> old = dst.Coupons();
    HllSketch merged = copy_or_downsample(src, lg_max_k_);
    for (uint32_t c : old) merged.HllUpdate(c);
    gadget_ = std::move(merged);
    return;
  }
  if (src.lg_k_ < dst.lg_k_) gadget_ = copy_or_downsample(dst, src.lg_k_);
  const uint32_t mask = (1u << gadget_.lg_k_) - 1;
  for (size_t i = 0; i < src.registers_.size(); ++i) {
    uint8_t& r = gadget_.registers_[i & mask];
    r = std::max(r, src.registers_[i]);
  }
  gadget_.Rebuild();
  gadget_.ooo_ = true;
  gadget_.hip_ = 0;
}

HllSketch HllUnion::Result() const { return gadget_; }

}  // namespace sk8::functions::sketches
