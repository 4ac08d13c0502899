#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

/// MurmurHash3 x64 128-bit (Austin Appleby's public-domain algorithm), the hash
/// every Apache DataSketches sketch applies to its input, little-endian bytes.
namespace sk8::functions::sketches {

struct Hash128 {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
};

Hash128 Murmur3(const void* data, size_t size, uint64_t seed);

/// DataSketches' default update seed.
inline constexpr uint64_t kDefaultSeed = 9001;

/// The 16-bit hash of a seed that theta sketches carry to refuse mixing seeds.
uint16_t SeedHash(uint64_t seed);

/// A datum as DataSketches hashes it: a BIGINT as its 8 bytes, a DOUBLE as the
/// bits of its canonical value (-0.0 as 0.0, one NaN).
Hash128 HashLong(int64_t value, uint64_t seed = kDefaultSeed);
Hash128 HashDouble(double value, uint64_t seed = kDefaultSeed);
inline Hash128 HashBytes(std::string_view bytes, uint64_t seed = kDefaultSeed) {
  return Murmur3(bytes.data(), bytes.size(), seed);
}

}  // namespace sk8::functions::sketches
