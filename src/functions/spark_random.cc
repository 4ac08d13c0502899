#include "functions/spark_random.h"

#include "functions/strict_math.h"

namespace sk8::functions {
namespace {

uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

uint32_t MixK(uint32_t k) {
  k *= 0xcc9e2d51u;
  k = Rotl(k, 15);
  return k * 0x1b873593u;
}

}  // namespace

uint32_t ScalaBytesHash(const uint8_t* data, int len, uint32_t seed) {
  uint32_t h = seed;
  int i = 0;
  for (; len - i >= 4; i += 4) {
    uint32_t k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (static_cast<uint32_t>(data[i + 3]) << 24);
    h ^= MixK(k);
    h = Rotl(h, 13) * 5 + 0xe6546b64u;
  }
  uint32_t k = 0;
  const int rest = len - i;
  if (rest == 3) k ^= data[i + 2] << 16;
  if (rest >= 2) k ^= data[i + 1] << 8;
  if (rest >= 1) {
    k ^= data[i];
    h ^= MixK(k);
  }
  h ^= static_cast<uint32_t>(len);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

XorShiftRandom::XorShiftRandom(int64_t seed) {
  uint8_t bytes[8];  // the seed big-endian, as ByteBuffer.putLong writes it
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(seed) >> (56 - 8 * i));
  const uint32_t low = ScalaBytesHash(bytes, 8, 0x3c074a61u);  // MurmurHash3.arraySeed
  const uint32_t high = ScalaBytesHash(bytes, 8, low);
  seed_ = (static_cast<uint64_t>(high) << 32) | low;
}

double XorShiftRandom::NextGaussian() {
  if (have_next_gaussian_) {
    have_next_gaussian_ = false;
    return next_gaussian_;
  }
  double v1, v2, s;
  do {
    v1 = 2 * NextDouble() - 1;
    v2 = 2 * NextDouble() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s >= 1 || s == 0);
  const double multiplier = std::sqrt(-2 * StrictLog(s) / s);  // StrictMath.log, as Java
  next_gaussian_ = v2 * multiplier;
  have_next_gaussian_ = true;
  return v1 * multiplier;
}

MersenneTwister::MersenneTwister(int64_t seed) {
  // init_genrand(19650218), then init_by_array({seed >>> 32, seed & 0xffffffff}).
  mt_[0] = 19650218u;
  for (int i = 1; i < kN; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  const uint32_t key[2] = {static_cast<uint32_t>(static_cast<uint64_t>(seed) >> 32),
                           static_cast<uint32_t>(static_cast<uint64_t>(seed))};
  int i = 1, j = 0;
  for (int k = kN; k != 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
    if (j >= 2) j = 0;
  }
  for (int k = kN - 1; k != 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - static_cast<uint32_t>(i);
    ++i;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000u;
  index_ = kN;
}

uint32_t MersenneTwister::Next(int bits) {
  constexpr uint32_t kUpper = 0x80000000u, kLower = 0x7fffffffu, kMatrix = 0x9908b0dfu;
  if (index_ >= kN) {
    int k = 0;
    for (; k < kN - 397; ++k) {
      const uint32_t y = (mt_[k] & kUpper) | (mt_[k + 1] & kLower);
      mt_[k] = mt_[k + 397] ^ (y >> 1) ^ ((y & 1) ? kMatrix : 0);
    }
    for (; k < kN - 1; ++k) {
      const uint32_t y = (mt_[k] & kUpper) | (mt_[k + 1] & kLower);
      mt_[k] = mt_[k + (397 - kN)] ^ (y >> 1) ^ ((y & 1) ? kMatrix : 0);
    }
    const uint32_t y = (mt_[kN - 1] & kUpper) | (mt_[0] & kLower);
    mt_[kN - 1] = mt_[396] ^ (y >> 1) ^ ((y & 1) ? kMatrix : 0);
    index_ = 0;
  }
  uint32_t y = mt_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y >> (32 - bits);
}

int32_t MersenneTwister::NextInt(int32_t n) {
  if ((n & -n) == n) return static_cast<int32_t>((static_cast<int64_t>(n) * static_cast<int64_t>(Next(31))) >> 31);
  int32_t bits, value;
  do {
    bits = static_cast<int32_t>(Next(31));
    value = bits % n;
  } while (static_cast<int64_t>(bits) - value + (n - 1) > INT32_MAX);  // Java's int overflow test
  return value;
}

}  // namespace sk8::functions
