#include <gtest/gtest.h>

#include <arrow/builder.h>

#include <cmath>

#include "common/spark_error.h"
#include "functions/cast.h"
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
