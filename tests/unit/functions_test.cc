#include <gtest/gtest.h>

#include <arrow/builder.h>

#include <cmath>
#include <random>

#include "common/spark_error.h"
#include "functions/cast.h"
#include "functions/decimal_arithmetic.h"
#include "functions/time_util.h"
#include "types/spark_types.h"

namespace sk8 {
namespace {

TEST(JavaFormatting, DoublesLikeJava) {
  EXPECT_EQ(functions::FormatJavaDouble(1.0), "1.0");
  EXPECT_EQ(functions::FormatJavaDouble(0.1), "0.1");
  EXPECT_EQ(functions::FormatJavaDouble(1e10), "1.0E10");
  EXPECT_EQ(functions::FormatJavaDouble(1e-5), "1.0E-5");
  EXPECT_EQ(functions::FormatJavaDouble(123456789.123), "1.23456789123E8");
  EXPECT_EQ(functions::FormatJavaDouble(1234567.0), "1234567.0");
  EXPECT_EQ(functions::FormatJavaDouble(0.001), "0.001");
  EXPECT_EQ(functions::FormatJavaDouble(-0.0), "-0.0");
  EXPECT_EQ(functions::FormatJavaDouble(std::nan("")), "NaN");
  EXPECT_EQ(functions::FormatJavaDouble(-INFINITY), "-Infinity");
  EXPECT_EQ(functions::FormatJavaFloat(1.1f), "1.1");
}

TEST(TimeUtil, DatesAndTimestamps) {
  int32_t days = 0;
  ASSERT_TRUE(functions::ParseDate("2024-1-2", &days));
  EXPECT_EQ(functions::FormatDate(days), "2024-01-02");
  ASSERT_TRUE(functions::ParseDate("2024", &days));
  EXPECT_EQ(functions::FormatDate(days), "2024-01-01");
  EXPECT_FALSE(functions::ParseDate("2024-02-30", &days));
  EXPECT_EQ(functions::FormatDate(-1), "1969-12-31");
  int64_t micros = 0;
  ASSERT_TRUE(functions::ParseTimestamp("2024-01-02 03:04:05.5", &micros));
  EXPECT_EQ(functions::FormatTimestamp(micros), "2024-01-02 03:04:05.5");
  ASSERT_TRUE(functions::ParseTimestamp("2024-01-02T03:04:05Z", &micros));
  EXPECT_EQ(functions::FormatTimestamp(micros), "2024-01-02 03:04:05");
}

TEST(SparkTypes, DdlRoundTrip) {
  auto type = types::ParseDdlType("array<struct<a:int,b:decimal(10,2)>>");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  EXPECT_EQ(types::SimpleString(**type), "array<struct<a:int,b:decimal(10,2)>>");
  auto schema = types::ParseDdlSchema("a INT, b STRING NOT NULL");
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)->num_fields(), 2);
  EXPECT_FALSE((*schema)->field(1)->nullable());
  EXPECT_EQ(types::SqlString(*arrow::int64()), "BIGINT");
  auto bad = types::ParseDdlType("array<int");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(GetSparkError(bad.status())->error_class(), "PARSE_SYNTAX_ERROR");
}

TEST(SparkTypes, JsonSchema) {
  auto type = types::ParseSparkJson(
      R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}}]})");
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(types::ToSparkJson(**type),
            R"({"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}}]})");
}

TEST(SparkErrors, MessagesFromSparkTemplates) {
  Status status = AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", {{"objectName", "`x`"}, {"proposal", "`id`"}});
  EXPECT_EQ(status.message(),
            "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `x` cannot be "
            "resolved. Did you mean one of the following? [`id`]. SQLSTATE: 42703");
  EXPECT_EQ(GetSparkError(status)->sql_state(), "42703");
}

TEST(Cast, StringsToIntegersFollowSpark) {
  arrow::StringBuilder builder;
  ASSERT_TRUE(builder.AppendValues({" 12 ", "+3", "0012", "-2147483648"}).ok());
  auto input = builder.Finish().ValueOrDie();
  plan::EvalContext ctx;
  auto result = functions::CastDatum(input, arrow::int32(), true, ctx);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto values = std::static_pointer_cast<arrow::Int32Array>(result->make_array());
  EXPECT_EQ(values->Value(0), 12);
  EXPECT_EQ(values->Value(1), 3);
  EXPECT_EQ(values->Value(2), 12);
  EXPECT_EQ(values->Value(3), -2147483648);
  arrow::StringBuilder bad;
  ASSERT_TRUE(bad.Append("abc").ok());
  auto failed = functions::CastDatum(bad.Finish().ValueOrDie(), arrow::int32(), true, ctx);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(GetSparkError(failed.status())->error_class(), "CAST_INVALID_INPUT");
}

}  // namespace
}  // namespace sk8

namespace sk8 {
namespace {

// Decimal + - * take native 128-bit integers when they can and 256-bit ones
// when an intermediate would overflow: both agree with arithmetic on
// arrow::Decimal256 (rescaled HALF_UP, NULL when out of precision, ANSI off).
TEST(DecimalArithmetic, NativeAndWidePathsAgree) {
  struct Case {
    functions::DecimalOp op;
    int p1, s1, p2, s2;
  };
  using functions::DecimalOp;
  const Case cases[] = {{DecimalOp::kAdd, 15, 2, 16, 4},       {DecimalOp::kSubtract, 10, 0, 38, 10},
                        {DecimalOp::kMultiply, 15, 2, 16, 2},  {DecimalOp::kMultiply, 38, 10, 38, 10},
                        {DecimalOp::kMultiply, 38, 0, 38, 37}, {DecimalOp::kAdd, 38, 0, 38, 38}};
  std::mt19937_64 rng(11);
  plan::EvalContext ctx;
  ctx.ansi = false;
  for (const auto& c : cases) {
    auto t1 = arrow::decimal128(c.p1, c.s1), t2 = arrow::decimal128(c.p2, c.s2);
    auto out = functions::DecimalResultType(c.op, static_cast<const arrow::Decimal128Type&>(*t1),
                                            static_cast<const arrow::Decimal128Type&>(*t2));
    const auto& out_type = static_cast<const arrow::Decimal128Type&>(*out);
    auto random = [&](int precision) {
      // Small and large magnitudes of both signs, below 10^precision.
      int digits = static_cast<int>(rng() % precision) + 1;
      arrow::Decimal128 v(static_cast<int64_t>(rng() % 10));
      for (int d = 1; d < digits; ++d) {
        v = v * arrow::Decimal128(10) + arrow::Decimal128(static_cast<int64_t>(rng() % 10));
      }
      return rng() % 2 ? v : arrow::Decimal128(0) - v;
    };
    arrow::Decimal128Builder a(t1), b(t2);
    std::vector<arrow::Decimal128> av, bv;
    for (int i = 0; i < 2000; ++i) {
      av.push_back(random(c.p1));
      bv.push_back(random(c.p2));
      ASSERT_TRUE(a.Append(av.back()).ok());
      ASSERT_TRUE(b.Append(bv.back()).ok());
    }
    auto result = functions::EvaluateDecimal(c.op, {a.Finish().ValueOrDie(), b.Finish().ValueOrDie()}, 2000, out, ctx);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    auto values = std::static_pointer_cast<arrow::Decimal128Array>(result->make_array());
    for (int i = 0; i < 2000; ++i) {
      arrow::Decimal256 x(av[i]), y(bv[i]), expected;
      int scale = std::max(c.s1, c.s2);
      if (c.op == functions::DecimalOp::kMultiply) {
        expected = x * y;
        scale = c.s1 + c.s2;
      } else {
        x = x.IncreaseScaleBy(scale - c.s1);
        y = y.IncreaseScaleBy(scale - c.s2);
        if (c.op == functions::DecimalOp::kSubtract) y.Negate();
        expected = x + y;
      }
      expected = out_type.scale() >= scale ? expected.IncreaseScaleBy(out_type.scale() - scale)
                                           : expected.ReduceScaleBy(scale - out_type.scale(), true);
      if (!expected.FitsInPrecision(out_type.precision())) {
        ASSERT_TRUE(values->IsNull(i)) << i;
        continue;
      }
      ASSERT_TRUE(values->IsValid(i)) << i;
      EXPECT_EQ(arrow::Decimal256(arrow::Decimal128(values->GetValue(i))), expected)
          << av[i].ToString(c.s1) << " op " << bv[i].ToString(c.s2);
    }
  }
}

}  // namespace
}  // namespace sk8
