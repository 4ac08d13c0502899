#pragma once

#include <array>
#include <cmath>
#include <cstdint>

/// The random generators Spark's nondeterministic functions use, so that a seed
/// gives Spark's values: XORShiftRandom (rand, randn, uniform, randstr: a
/// java.util.Random whose next(bits) is an xorshift over a seed scrambled by
/// Scala's MurmurHash3.bytesHash) and commons-math3's MersenneTwister (uuid,
/// shuffle).
namespace sk8::functions {

/// Scala's MurmurHash3.bytesHash of `len` bytes with `seed`.
uint32_t ScalaBytesHash(const uint8_t* data, int len, uint32_t seed);

class XorShiftRandom {
 public:
  explicit XorShiftRandom(int64_t seed);
  /// java.util.Random.nextInt(): next(32).
  int32_t NextInt() { return static_cast<int32_t>(Next(32)); }
  /// java.util.Random.nextInt(bound), bound > 0.
  int32_t NextInt(int32_t bound) {
    int32_t r = static_cast<int32_t>(Next(31));
    const int32_t m = bound - 1;
    if ((bound & m) == 0) return static_cast<int32_t>((static_cast<int64_t>(bound) * r) >> 31);
    for (int32_t u = r; static_cast<int64_t>(u) - (r = u % bound) + m > INT32_MAX; u = static_cast<int32_t>(Next(31))) {
    }
    return r;
  }
  /// java.util.Random.nextDouble().
  double NextDouble() {
    const int64_t a = Next(26);
    const int64_t b = Next(27);
    return static_cast<double>((a << 27) + b) * 0x1.0p-53;
  }
  /// java.util.Random.nextGaussian(): the polar method, two values per draw.
  double NextGaussian();

 private:
  int64_t Next(int bits) {
    uint64_t next = seed_ ^ (seed_ << 21);
    next ^= next >> 35;
    next ^= next << 4;
    seed_ = next;
    return static_cast<int64_t>(next & ((uint64_t{1} << bits) - 1));
  }
  uint64_t seed_;
  bool have_next_gaussian_ = false;
  double next_gaussian_ = 0;
};

/// commons-math3 MersenneTwister(long seed): MT19937 seeded by init_by_array
/// with the seed's high and low words.
class MersenneTwister {
 public:
  explicit MersenneTwister(int64_t seed);
  /// next(bits): the tempered 32-bit output's top `bits` bits.
  uint32_t Next(int bits);
  /// BitsStreamGenerator.nextInt(n), 0 <= value < n.
  int32_t NextInt(int32_t n);
  /// BitsStreamGenerator.nextLong(): two 32-bit outputs, high first.
  int64_t NextLong() {
    const uint64_t high = Next(32);
    const uint64_t low = Next(32);
    return static_cast<int64_t>((high << 32) | low);
  }

 private:
  static constexpr int kN = 624;
  std::array<uint32_t, kN> mt_{};
  int index_ = kN;
};

}  // namespace sk8::functions
