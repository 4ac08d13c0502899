#include "functions/sketches/theta.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace sk8::functions::sketches {
namespace {

constexpr uint8_t kReadOnly = 2;
constexpr uint8_t kEmpty = 4;
constexpr uint8_t kCompact = 8;
constexpr uint8_t kOrdered = 16;
constexpr uint8_t kSingleItem = 32;
constexpr uint8_t kCompactFamily = 3;

template <typename T>
void Append(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}
template <typename T>
T Get(std::string_view in, size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof(T));
  return value;
}

/// Writes `bits`-bit values most significant bit first, as DataSketches packs them.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  void Write(uint64_t value, int bits) {
    for (int b = bits - 1; b >= 0; --b) {
      if (used_ == 0) out_->push_back('\0');
      if ((value >> b) & 1) out_->back() = static_cast<char>(out_->back() | (0x80 >> used_));
      used_ = (used_ + 1) & 7;
    }
  }

 private:
  std::string* out_;
  int used_ = 0;
};

}  // namespace

double ThetaCompact::Estimate() const {
  if (theta == kThetaMax) return static_cast<double>(entries.size());
  return static_cast<double>(entries.size()) / (static_cast<double>(theta) / static_cast<double>(kThetaMax));
}

std::string ThetaCompact::Serialize() const {
  std::string out;
  const uint16_t seed_hash = SeedHash(kDefaultSeed);
  if (empty()) return std::string("\x01\x03\x03\x00\x00\x1e\x00\x00", 8);
  const uint8_t flags = kReadOnly | kCompact | kOrdered;
  const bool estimating = theta < kThetaMax;
  if (entries.empty()) {
    // Version 3: count, p and theta.
    out = {3, 3, kCompactFamily, 0, 0, static_cast<char>(flags)};
    Append(&out, seed_hash);
    Append(&out, uint32_t{0});
    Append(&out, 1.0f);
    Append(&out, theta);
    return out;
  }
  if (entries.size() == 1 && !estimating) {
    out = {1, 3, kCompactFamily, 0, 0, static_cast<char>(flags | kSingleItem)};
    Append(&out, seed_hash);
    Append(&out, entries[0]);
    return out;
  }
  uint64_t ored = 0;
  uint64_t previous = 0;
  for (uint64_t e : entries) {
    ored |= e - previous;
    previous = e;
  }
  const int entry_bits = 64 - std::countl_zero(ored);
  const auto count = static_cast<uint32_t>(entries.size());
  const int count_bytes = (32 - std::countl_zero(count) + 7) / 8;
  out = {static_cast<char>(estimating ? 2 : 1), 4, kCompactFamily, static_cast<char>(entry_bits),
         static_cast<char>(count_bytes), static_cast<char>(flags)};
  Append(&out, seed_hash);
  if (estimating) Append(&out, theta);
  for (int i = 0; i < count_bytes; ++i) out.push_back(static_cast<char>((count >> (8 * i)) & 0xff));
  BitWriter writer(&out);
  previous = 0;
  for (uint64_t e : entries) {
    writer.Write(e - previous, entry_bits);
    previous = e;
  }
  return out;
}

std::optional<ThetaCompact> ThetaCompact::Deserialize(std::string_view in) {
  if (in.size() < 8) return std::nullopt;
  const auto pre_longs = static_cast<uint8_t>(in[0]);
  const auto version = static_cast<uint8_t>(in[1]);
  const auto family = static_cast<uint8_t>(in[2]);
  const auto flags = static_cast<uint8_t>(in[5]);
  const auto seed_hash = Get<uint16_t>(in, 6);
  if (family != kCompactFamily) return std::nullopt;
  ThetaCompact sketch;
  if (version == 3) {
    if ((flags & kEmpty) != 0) return sketch;
    if (seed_hash != SeedHash(kDefaultSeed)) return std::nullopt;
    if (pre_longs == 1) {
      if (in.size() < 16) return std::nullopt;
      sketch.entries.push_back(Get<uint64_t>(in, 8));
      return sketch;
    }
    if ((pre_longs != 2 && pre_longs != 3) || in.size() < 8u * pre_longs) return std::nullopt;
    const auto count = Get<uint32_t>(in, 8);
    if (pre_longs == 3) sketch.theta = Get<uint64_t>(in, 16);
    const size_t start = 8u * pre_longs;
    if (in.size() < start + 8 * static_cast<size_t>(count)) return std::nullopt;
    sketch.entries.resize(count);
    if (count > 0) std::memcpy(sketch.entries.data(), in.data() + start, 8 * static_cast<size_t>(count));
    if ((flags & kOrdered) == 0) std::sort(sketch.entries.begin(), sketch.entries.end());
    return sketch;
  }
  if (version != 4 || (pre_longs != 1 && pre_longs != 2)) return std::nullopt;
  if (seed_hash != SeedHash(kDefaultSeed)) return std::nullopt;
  const int entry_bits = static_cast<uint8_t>(in[3]);
  const int count_bytes = static_cast<uint8_t>(in[4]);
  if (entry_bits < 1 || entry_bits > 64 || count_bytes < 1 || count_bytes > 4) return std::nullopt;
  size_t at = 8;
  if (pre_longs == 2) {
    if (in.size() < 16) return std::nullopt;
    sketch.theta = Get<uint64_t>(in, 8);
    at = 16;
  }
  if (in.size() < at + count_bytes) return std::nullopt;
  uint32_t count = 0;
  for (int i = 0; i < count_bytes; ++i) count |= static_cast<uint32_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  at += count_bytes;
  const uint64_t total_bits = static_cast<uint64_t>(count) * entry_bits;
  if (in.size() < at + (total_bits + 7) / 8) return std::nullopt;
  sketch.entries.reserve(count);
  uint64_t bit = 0;
  uint64_t previous = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t delta = 0;
    for (int b = 0; b < entry_bits; ++b, ++bit) {
      const auto byte = static_cast<uint8_t>(in[at + bit / 8]);
      delta = (delta << 1) | ((byte >> (7 - bit % 8)) & 1);
    }
    previous += delta;
    sketch.entries.push_back(previous);
  }
  return sketch;
}

bool ThetaUpdateSketch::Insert(uint64_t hash) {
  if (lg_size_ == 0) Resize(5);
  const uint64_t mask = (uint64_t{1} << lg_size_) - 1;
  uint64_t at = hash & mask;
  // An odd stride from the bits above the index visits every slot.
  const uint64_t stride = ((hash >> lg_size_) & 0x7f) * 2 + 1;
  while (table_[at] != 0) {
    if (table_[at] == hash) return false;
    at = (at + stride) & mask;
  }
  table_[at] = hash;
  ++count_;
  return true;
}

void ThetaUpdateSketch::Resize(int lg_size) {
  std::vector<uint64_t> old = std::move(table_);
  table_.assign(size_t{1} << lg_size, 0);
  lg_size_ = lg_size;
  count_ = 0;
  for (uint64_t h : old) {
    if (h != 0) Insert(h);
  }
}

void ThetaUpdateSketch::Update(uint64_t hash) {
  if (hash == 0 || hash >= theta_) return;
  if (!Insert(hash)) return;
  // DataSketches' thresholds: the table doubles (up to 2 * 2^lgNom) at half
  // full; at its largest it is rebuilt past 15/16.
  if (lg_size_ <= lg_nom_) {
    if (count_ > (uint32_t{1} << lg_size_) / 2) Resize(lg_size_ + 1);
  } else if (count_ > static_cast<uint32_t>(std::floor(15.0 / 16.0 * std::ldexp(1.0, lg_size_)))) {
    Rebuild();
  }
}

void ThetaUpdateSketch::Rebuild() {
  std::vector<uint64_t> all;
  all.reserve(count_);
  for (uint64_t h : table_) {
    if (h != 0) all.push_back(h);
  }
  const size_t k = size_t{1} << lg_nom_;
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
  theta_ = all[k];
  std::fill(table_.begin(), table_.end(), 0);
  count_ = 0;
  for (uint64_t h : all) {
    if (h < theta_) Insert(h);
  }
}

ThetaCompact ThetaUpdateSketch::Compact() const {
  ThetaCompact out;
  out.theta = theta_;
  out.entries.reserve(count_);
  for (uint64_t h : table_) {
    if (h != 0) out.entries.push_back(h);
  }
  std::sort(out.entries.begin(), out.entries.end());
  return out;
}

void ThetaUnion::Update(const ThetaCompact& sketch) {
  if (sketch.empty()) return;
  empty_ = false;
  union_theta_ = std::min(union_theta_, sketch.theta);
  for (uint64_t h : sketch.entries) {
    if (h >= union_theta_ || h >= gadget_.theta()) break;
    gadget_.Update(h);
  }
  union_theta_ = std::min(union_theta_, gadget_.theta());
}

ThetaCompact ThetaUnion::Result() const {
  if (empty_) return {};
  ThetaCompact all = gadget_.Compact();
  ThetaCompact out;
  out.theta = std::min(union_theta_, all.theta);
  for (uint64_t h : all.entries) {
    if (h < out.theta) out.entries.push_back(h);
  }
  const size_t k = size_t{1} << lg_nom_;
  if (out.entries.size() > k) {
    out.theta = out.entries[k];
    out.entries.resize(k);
  }
  return out;
}

void ThetaIntersection::Update(const ThetaCompact& sketch) {
  if (!has_result_) {
    has_result_ = true;
    empty_ = sketch.empty();
    theta_ = sketch.theta;
    entries_ = sketch.entries;
    return;
  }
  empty_ = empty_ || sketch.empty();
  theta_ = std::min(theta_, sketch.theta);
  std::vector<uint64_t> kept;
  std::set_intersection(entries_.begin(), entries_.end(), sketch.entries.begin(), sketch.entries.end(),
                        std::back_inserter(kept));
  kept.erase(std::lower_bound(kept.begin(), kept.end(), theta_), kept.end());
  entries_ = std::move(kept);
}

ThetaCompact ThetaIntersection::Result() const {
  ThetaCompact out;
  if (empty_) return out;
  out.theta = theta_;
  out.entries = entries_;
  out.entries.erase(std::lower_bound(out.entries.begin(), out.entries.end(), theta_), out.entries.end());
  return out;
}

ThetaCompact ThetaAnotB(const ThetaCompact& a, const ThetaCompact& b) {
  if (a.empty() || b.empty()) return a;
  ThetaCompact out;
  out.theta = std::min(a.theta, b.theta);
  for (uint64_t h : a.entries) {
    if (h >= out.theta) break;
    if (!std::binary_search(b.entries.begin(), b.entries.end(), h)) out.entries.push_back(h);
  }
  return out;
}

}  // namespace sk8::functions::sketches
