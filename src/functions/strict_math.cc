#include "functions/strict_math.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace sk8::functions {
namespace {

int32_t High(double x) { return static_cast<int32_t>(std::bit_cast<uint64_t>(x) >> 32); }
uint32_t Low(double x) { return static_cast<uint32_t>(std::bit_cast<uint64_t>(x)); }
double WithHigh(double x, int32_t high) {
  return std::bit_cast<double>((static_cast<uint64_t>(static_cast<uint32_t>(high)) << 32) | Low(x));
}

constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

}  // namespace

double StrictExp(double x) {
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kOverflow = 7.09782712893383973096e+02;
  constexpr double kUnderflow = -7.45133219101941108420e+02;
  constexpr double kTwoM1000 = 9.33263618503218878990e-302;
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08;
  int32_t hx = High(x);
  const int sign = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | Low(x)) != 0) return x + x;  // NaN
      return sign == 0 ? x : 0.0;
    }
    if (x > kOverflow) return HUGE_VAL;
    if (x < kUnderflow) return 0.0;
  }
  double hi = 0, lo = 0;
  int k = 0;
  if (hx > 0x3fd62e42) {  // |x| > ln2 / 2
    if (hx < 0x3FF0A2B2) {  // and < 1.5 ln2
      hi = sign ? x + kLn2Hi : x - kLn2Hi;
      lo = sign ? -kLn2Lo : kLn2Lo;
      k = 1 - sign - sign;
    } else {
      k = static_cast<int>(kInvLn2 * x + (sign ? -0.5 : 0.5));
      const double t = k;
      hi = x - t * kLn2Hi;
      lo = t * kLn2Lo;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {  // |x| < 2^-28
    return 1.0 + x;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return WithHigh(y, High(y) + (k << 20));
  y = WithHigh(y, High(y) + ((k + 1000) << 20));
  return y * kTwoM1000;
}

double StrictLog(double x) {
  constexpr double kTwo54 = 1.80143985094819840000e+16;
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                   Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  int32_t hx = High(x);
  const uint32_t lx = Low(x);
  int k = 0;
  if (hx < 0x00100000) {  // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) == 0) return -HUGE_VAL;
    if (hx < 0) return std::nan("");
    k -= 54;
    x *= kTwo54;
    hx = High(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  x = WithHigh(x, hx | (i ^ 0x3ff00000));  // x or x / 2 in [sqrt(2)/2, sqrt(2))
  k += i >> 20;
  const double f = x - 1.0;
  const double dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {  // |f| < 2^-20
    if (f == 0.0) return k == 0 ? 0.0 : dk * kLn2Hi + dk * kLn2Lo;
    const double r = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - r;
    return dk * kLn2Hi - ((r - dk * kLn2Lo) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const int32_t j = 0x6b851 - hx;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const double r = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + r));
    return dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
  }
  if (k == 0) return f - s * (f - r);
  return dk * kLn2Hi - ((s * (f - r) - dk * kLn2Lo) - f);
}

double StrictCosh(double x) {
  const int32_t ix = High(x) & 0x7fffffff;
  if (ix >= 0x7ff00000) return x * x;
  const double ax = std::fabs(x);
  if (ix < 0x3fd62e43) {  // |x| < ln2 / 2: 1 + expm1(|x|)^2 / (2 exp(|x|))
    const double t = std::expm1(ax);
    const double w = 1.0 + t;
    if (ix < 0x3c800000) return w;
    return 1.0 + (t * t) / (w + w);
  }
  if (ix < 0x40360000) {  // |x| < 22
    const double t = StrictExp(ax);
    return 0.5 * t + 0.5 / t;
  }
  if (ix < 0x40862E42) return 0.5 * StrictExp(ax);
  const uint32_t lx = Low(x);
  if (ix < 0x408633CE || (ix == 0x408633ce && lx <= 0x8fb9f87du)) {
    const double w = StrictExp(0.5 * ax);
    const double t = 0.5 * w;
    return t * w;
  }
  return HUGE_VAL;
}

}  // namespace sk8::functions
