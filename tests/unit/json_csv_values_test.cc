// The JSON / CSV value module shared by the data sources and the JSON / CSV
// functions: parsing with Spark's Jackson features, rendering, inference and
// conversion with partial results. End-to-end answers are checked against real
// Spark in tests/pyspark/test_json_functions.py.
#include <deque>

#include <arrow/builder.h>
#include <gtest/gtest.h>

#include "functions/csv_value.h"
#include "functions/json_value.h"

namespace sk8 {
namespace {

using functions::JsonParser;
using functions::JsonSyntax;
using functions::JsonValue;

bool Parse(std::string_view text, const JsonSyntax& syntax, JsonValue* value, std::deque<std::string>* storage) {
  JsonParser parser(text, syntax, storage);
  return parser.ParseDocument(value);
}

TEST(JsonValues, ParserFeaturesFollowSparkOptions) {
  std::deque<std::string> storage;
  JsonValue v;
  EXPECT_TRUE(Parse("{'a':1}", JsonSyntax{}, &v, &storage));  // single quotes by default
  EXPECT_FALSE(Parse("{a:1}", JsonSyntax{}, &v, &storage));
  JsonSyntax unquoted;
  unquoted.allow_unquoted_field_names = true;
  EXPECT_TRUE(Parse("{a:1}", unquoted, &v, &storage));
  EXPECT_FALSE(Parse("{\"a\":01}", JsonSyntax{}, &v, &storage));
  EXPECT_FALSE(Parse("/*x*/ 1", JsonSyntax{}, &v, &storage));
  JsonSyntax comments;
  comments.allow_comments = true;
  EXPECT_TRUE(Parse("/*x*/ 1 // end", comments, &v, &storage));
  JsonSyntax no_nan;
  no_nan.allow_non_numeric_numbers = false;
  EXPECT_TRUE(Parse("NaN", JsonSyntax{}, &v, &storage));
  EXPECT_FALSE(Parse("NaN", no_nan, &v, &storage));
  EXPECT_FALSE(Parse("\"a\tb\"", JsonSyntax{}, &v, &storage));
  JsonSyntax controls;
  controls.allow_unquoted_control_chars = true;
  EXPECT_TRUE(Parse("\"a\tb\"", controls, &v, &storage));
}

TEST(JsonValues, RenderingAsJacksonCopiesAValue) {
  std::deque<std::string> storage;
  JsonValue v;
  ASSERT_TRUE(Parse(R"({ "a" : [1e10, 2.50, -0, 12345678901234567890], "b": "\u00e9\n" })", JsonSyntax{}, &v, &storage));
  std::string out;
  functions::AppendJsonValue(v, &out);
  EXPECT_EQ(out, "{\"a\":[1.0E10,2.5,0,12345678901234567890],\"b\":\"\xC3\xA9\\n\"}");
  EXPECT_EQ(functions::PrettyJson(R"({"a":1,"b":[1,2],"c":{}})"), "{\n  \"a\" : 1,\n  \"b\" : [ 1, 2 ],\n  \"c\" : { }\n}");
}

TEST(JsonValues, InferenceWidensAndSortsFields) {
  std::deque<std::string> storage;
  JsonValue v;
  ASSERT_TRUE(Parse(R"([{"b":1,"a":null},{"b":1.5,"c":"x"}])", JsonSyntax{}, &v, &storage));
  auto type = functions::CanonicalJsonType(functions::InferJsonType(v, {}), false);
  EXPECT_EQ(type->ToString(), "list<element: struct<a: string, b: double, c: string>>");
}

TEST(JsonValues, StructFieldsConvertPartially) {
  std::deque<std::string> storage;
  JsonValue v;
  ASSERT_TRUE(Parse(R"({"a":"x","b":[1,"y"],"c":2})", JsonSyntax{}, &v, &storage));
  auto type = arrow::struct_({arrow::field("a", arrow::int32()), arrow::field("b", arrow::list(arrow::int32())),
                              arrow::field("c", arrow::int64())});
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ASSERT_TRUE(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder).ok());
  functions::JsonValueConverter converter;
  EXPECT_EQ(converter.Append(v, *type, builder.get()), functions::JsonConversion::kPartial);
  std::shared_ptr<arrow::Array> out;
  ASSERT_TRUE(builder->Finish(&out).ok());
  // The failed INT and the array with a bad element are NULL; c is kept.
  EXPECT_EQ(out->GetScalar(0).ValueOrDie()->ToString(), "{a:int32 = null, b:list<item: int32> = null, c:int64 = 2}");
}

TEST(CsvValues, TokenizeAndInfer) {
  functions::CsvFormat format;
  functions::CsvRecords records;
  functions::TokenizeCsv("1,\"a,b\",,2024-01-02", format, &records);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records.width(0), 4u);
  EXPECT_EQ(records.fields[1], "a,b");
  functions::CsvValueRules rules;
  EXPECT_FALSE(rules.Value(records.fields[2], records.quoted[2]).has_value());
  functions::CsvTypeInference first, last;
  first.Add(records.fields[0], rules);
  last.Add(records.fields[3], rules);
  EXPECT_EQ(first.type()->ToString(), "int32");
  EXPECT_EQ(last.type()->ToString(), "date32[day]");
  first.Add("1.5", rules);
  EXPECT_EQ(first.type()->ToString(), "double");
  functions::CsvFieldWriter writer;
  std::string line;
  writer.AppendValue(std::string_view("x,\"y"), &line);
  EXPECT_EQ(line, "\"x,\\\"y\"");
}

}  // namespace
}  // namespace sk8
