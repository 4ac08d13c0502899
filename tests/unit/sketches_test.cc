// DataSketches formats (functions/sketches/): sk8's hashes, HLL and theta
// images equal the bytes Spark 4.1 (DataSketches Java) writes for the same
// input, and sk8 reads Spark's images back.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "functions/sketches/hll.h"
#include "functions/sketches/murmur3.h"
#include "functions/sketches/theta.h"

namespace sk8::functions::sketches {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(Murmur3, SeedHashAndLongHash) {
  EXPECT_EQ(SeedHash(kDefaultSeed), 0x93cc);
  EXPECT_EQ(ThetaHash(HashLong(1)), 0x05a186bdcb7df915ULL);
  // 1 and 1.0 hash differently (a long and a double's bits); -0.0 as 0.0.
  EXPECT_NE(ThetaHash(HashLong(1)), ThetaHash(HashDouble(1.0)));
  EXPECT_EQ(ThetaHash(HashDouble(-0.0)), ThetaHash(HashDouble(0.0)));
}

TEST(Hll, ListModeBytesEqualSpark) {
  HllSketch sketch(12);
  for (int64_t v : {1, 2, 2, 3}) sketch.UpdateHash(HashLong(v));
  // Spark: hll_sketch_agg over 1, 2, 3.
  EXPECT_EQ(Hex(sketch.Serialize()),
            "0201070c030003082bf2fb06862ff90d75816607" + std::string(40, '0'));
  EXPECT_EQ(std::llround(sketch.Estimate()), 3);
  EXPECT_EQ(Hex(HllSketch(12).Serialize()), "0201070c03040008" + std::string(64, '0'));
}

TEST(Hll, ModesRoundTripAndEstimate) {
  for (int lg_k : {4, 8, 12}) {
    HllSketch sketch(lg_k);
    for (int64_t v = 0; v < 5000; ++v) sketch.UpdateHash(HashLong(v));
    EXPECT_EQ(sketch.mode(), HllSketch::Mode::kHll);
    auto back = HllSketch::Deserialize(sketch.Serialize());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->Serialize(), sketch.Serialize());
    EXPECT_NEAR(back->Estimate(), 5000, 5000 * 4.0 / std::sqrt(double(1 << lg_k)));
  }
  HllSketch set(12);
  for (int64_t v = 0; v < 100; ++v) set.UpdateHash(HashLong(v));
  EXPECT_EQ(set.mode(), HllSketch::Mode::kSet);
  auto back = HllSketch::Deserialize(set.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->Serialize(), set.Serialize());
  EXPECT_EQ(std::llround(back->Estimate()), 100);
  EXPECT_FALSE(HllSketch::Deserialize(Unhex("01")).has_value());
}

// HLL_4 and HLL_6 images written by DataSketches Java 6.2.0 (HllSketch(lgK, type)
// over the longs 0 .. n - 1) hold the registers sk8's HLL_8 sketch gets.
TEST(Hll, ReadsFourAndSixBitRegisters) {
  struct Case {
    int lg_k;
    int64_t n;
    const char* hex;
  };
  const Case cases[] = {
      {4, 100000,
       "0A01070400080D028F844A423A59FD40000000000050533F000000000000000007000000000000002021120000015230"},
      {5, 40,
       "0A01070500000002D4A79FD34DD44040000000000062304000000000000000000A000000000000001011010301152017040113613320"
       "020600000000000000000000000000000000"},
      {5, 40,
       "0A01070500000006D4A79FD34DD44040000000000062304000000000000000000A00000000000000401004013000015004807004041000"
       "431018C3000802600000"},
  };
  for (const auto& c : cases) {
    auto read = HllSketch::Deserialize(Unhex(c.hex));
    ASSERT_TRUE(read.has_value()) << c.hex;
    HllSketch mine(c.lg_k);
    for (int64_t v = 0; v < c.n; ++v) mine.UpdateHash(HashLong(v));
    EXPECT_EQ(Hex(read->Serialize()).substr(80), Hex(mine.Serialize()).substr(80)) << c.hex;
    EXPECT_EQ(std::llround(read->Estimate()), std::llround(mine.Estimate())) << c.hex;
  }
}

TEST(Hll, UnionOfListsIsTheListOfBoth) {
  HllSketch a(12);
  HllSketch b(12);
  for (int64_t v : {1, 2}) a.UpdateHash(HashLong(v));
  b.UpdateHash(HashLong(3));
  HllUnion u(12);
  u.Update(a);
  u.Update(b);
  EXPECT_EQ(Hex(u.Result().Serialize()), "0201070c030003082bf2fb06862ff90d75816607" + std::string(40, '0'));
}

TEST(Theta, CompactBytesEqualSpark) {
  ThetaUpdateSketch sketch(12);
  for (int64_t v : {1, 2, 2, 3}) sketch.Update(ThetaHash(HashLong(v)));
  const std::string spark = "0104033e011acc930316861af72df7e4558fbe9c3477e9eaefb2e5966badaa3dc0";
  EXPECT_EQ(Hex(sketch.Compact().Serialize()), spark);
  auto back = ThetaCompact::Deserialize(Unhex(spark));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->entries, sketch.Compact().entries);
  EXPECT_EQ(back->Estimate(), 3.0);

  ThetaUpdateSketch one(12);
  one.Update(ThetaHash(HashLong(1)));
  EXPECT_EQ(Hex(one.Compact().Serialize()), "01030300003acc9315f97dcbbd86a105");
  EXPECT_EQ(Hex(ThetaCompact{}.Serialize()), "01030300001e0000");
}

TEST(Theta, EstimationModeRoundTrips) {
  ThetaUpdateSketch sketch(10);
  for (int64_t v = 0; v < 20000; ++v) sketch.Update(ThetaHash(HashLong(v)));
  ThetaUnion u(10);
  u.Update(sketch.Compact());
  ThetaCompact result = u.Result();
  EXPECT_EQ(result.entries.size(), 1024u);
  EXPECT_LT(result.theta, kThetaMax);
  auto back = ThetaCompact::Deserialize(result.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->theta, result.theta);
  EXPECT_EQ(back->entries, result.entries);
  EXPECT_NEAR(back->Estimate(), 20000, 20000 * 0.15);
}

TEST(Theta, SetOperations) {
  auto of = [](std::initializer_list<int64_t> values) {
    ThetaUpdateSketch s(12);
    for (int64_t v : values) s.Update(ThetaHash(HashLong(v)));
    return s.Compact();
  };
  ThetaIntersection x;
  x.Update(of({1, 2, 3}));
  x.Update(of({2, 3, 4}));
  EXPECT_EQ(x.Result().Estimate(), 2.0);
  EXPECT_EQ(ThetaAnotB(of({1, 2, 3}), of({2})).Estimate(), 2.0);
  EXPECT_TRUE(ThetaAnotB(of({1}), of({1})).empty());
}

}  // namespace
}  // namespace sk8::functions::sketches
