#include "functions/sketches/murmur3.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace sk8::functions::sketches {
namespace {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

uint64_t Mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint64_t ScrambleK1(uint64_t k) { return std::rotl(k * kC1, 31) * kC2; }
uint64_t ScrambleK2(uint64_t k) { return std::rotl(k * kC2, 33) * kC1; }

uint64_t LoadLE(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

Hash128 Murmur3(const void* data, size_t size, uint64_t seed) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  uint64_t h1 = seed;
  uint64_t h2 = seed;
  const size_t blocks = size / 16;
  for (size_t b = 0; b < blocks; ++b) {
    uint64_t k1 = LoadLE(bytes + b * 16, 8);
    uint64_t k2 = LoadLE(bytes + b * 16 + 8, 8);
    h1 ^= ScrambleK1(k1);
    h1 = std::rotl(h1, 27) + h2;
    h1 = h1 * 5 + 0x52dce729;
    h2 ^= ScrambleK2(k2);
    h2 = std::rotl(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495ab5;
  }
  const uint8_t* tail = bytes + blocks * 16;
  const size_t rest = size & 15;
  if (rest > 8) h2 ^= ScrambleK2(LoadLE(tail + 8, rest - 8));
  if (rest > 0) h1 ^= ScrambleK1(LoadLE(tail, rest < 8 ? rest : 8));
  h1 ^= size;
  h2 ^= size;
  h1 += h2;
  h2 += h1;
  h1 = Mix(h1);
  h2 = Mix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

uint16_t SeedHash(uint64_t seed) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(seed >> (8 * i));
  return static_cast<uint16_t>(Murmur3(bytes, 8, 0).h1 & 0xffff);
}

Hash128 HashLong(int64_t value, uint64_t seed) {
  uint8_t bytes[8];
  const auto u = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(u >> (8 * i));
  return Murmur3(bytes, 8, seed);
}

Hash128 HashDouble(double value, uint64_t seed) {
  if (value == 0.0) value = 0.0;
  if (std::isnan(value)) return HashLong(0x7ff8000000000000LL, seed);
  return HashLong(std::bit_cast<int64_t>(value), seed);
}

}  // namespace sk8::functions::sketches
