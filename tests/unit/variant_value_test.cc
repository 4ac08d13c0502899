// The VARIANT binary encoding (functions/variant_value.h): bytes equal to what
// real Spark 4.1 answers for the same JSON (recorded with parse_json), reading,
// validation of foreign bytes, JSON rendering and schemas. End-to-end answers are
// checked against real Spark in tests/pyspark/test_variant_functions.py.
#include <deque>

#include <gtest/gtest.h>

#include "functions/json_value.h"
#include "functions/variant_value.h"

namespace sk8 {
namespace {

using functions::VariantBuilder;
using functions::VariantKind;
using functions::VariantRef;

struct Encoded {
  std::string value;
  std::string metadata;
};

Encoded Encode(std::string_view json) {
  std::deque<std::string> storage;
  functions::JsonValue parsed;
  functions::JsonParser parser(json, functions::JsonSyntax{}, &storage);
  EXPECT_TRUE(parser.ParseDocument(&parsed)) << json;
  VariantBuilder builder;
  EXPECT_TRUE(functions::AppendJsonToVariant(parsed, &builder)) << json;
  Encoded out;
  EXPECT_TRUE(builder.Finish("parse_json", &out.value, &out.metadata).ok());
  return out;
}

std::string Json(const Encoded& e) {
  std::string out;
  EXPECT_TRUE(functions::AppendVariantJson(VariantRef(e.metadata, e.value), "UTC", &out).ok());
  return out;
}

TEST(VariantValue, BytesEqualSparks) {
  // parse_json('{"b":1,"a":[1,2.5,"x",null,true]}') on Spark 4.1.3.
  const auto e = Encode(R"({"b":1,"a":[1,2.5,"x",null,true]})");
  EXPECT_EQ(e.metadata, std::string("\x01\x02\x00\x01\x02" "ba", 7));
  EXPECT_EQ(e.value, std::string("\x02\x02\x01\x00\x02\x00\x16\x0c\x01\x03\x05\x00\x02\x08\x0a\x0b\x0c\x0c\x01"
                                 "\x20\x01\x19\x00\x00\x00\x05x\x00\x04",
                                 29));
  EXPECT_EQ(Encode("300").value, std::string("\x10\x2c\x01", 3));                 // INT2
  EXPECT_EQ(Encode("1.50").value, std::string("\x20\x02\x96\x00\x00\x00", 6));     // DECIMAL4, scale 2
  EXPECT_EQ(Encode("1e3").value, std::string("\x1c\x00\x00\x00\x00\x00\x40\x8f\x40", 9));  // DOUBLE
  EXPECT_EQ(Encode("{}").value, std::string("\x02\x00\x00", 3));
  EXPECT_EQ(Encode("[]").metadata, std::string("\x01\x00\x00", 3));
}

TEST(VariantValue, ReadsAndRenders) {
  const auto e = Encode(R"({"b":{"y":1,"x":[1,{"k":"v"}]},"a":2,"é":3.25,"c":null})");
  EXPECT_EQ(Json(e), R"({"a":2,"b":{"x":[1,{"k":"v"}],"y":1},"c":null,"é":3.25})");
  VariantRef root(e.metadata, e.value);
  ASSERT_EQ(root.kind(), VariantKind::kObject);
  auto b = root.Find("b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->Find("y")->long_value(), 1);
  EXPECT_FALSE(root.Find("zz").has_value());
  EXPECT_EQ(Json(Encode("[1.0E300, 1e400, -0.0, 12345678901234567890]")),
            R"([1.0E300,"Infinity",0,12345678901234567890])");
}

TEST(VariantValue, DuplicateKeysAndValidation) {
  std::deque<std::string> storage;
  functions::JsonValue parsed;
  functions::JsonParser parser(R"({"a":1,"a":2})", functions::JsonSyntax{}, &storage);
  ASSERT_TRUE(parser.ParseDocument(&parsed));
  VariantBuilder builder;
  EXPECT_FALSE(functions::AppendJsonToVariant(parsed, &builder));

  const auto e = Encode(R"({"a":[1,2,3]})");
  EXPECT_TRUE(functions::ValidateVariant(e.metadata, e.value).ok());
  for (size_t cut = 0; cut < e.value.size(); ++cut) {
    EXPECT_FALSE(functions::ValidateVariant(e.metadata, e.value.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(functions::ValidateVariant("\x02\x00\x00", e.value).ok());  // version 2
}

TEST(VariantValue, Schemas) {
  auto schema = [](std::string_view json) {
    auto e = Encode(json);
    return functions::VariantSchemaSql(*functions::VariantSchema(VariantRef(e.metadata, e.value)));
  };
  EXPECT_EQ(schema("[1,2.55]"), "ARRAY<DECIMAL(22,2)>");
  EXPECT_EQ(schema("[1.5, 1e2]"), "ARRAY<DOUBLE>");
  EXPECT_EQ(schema(R"([1,"a"])"), "ARRAY<VARIANT>");
  EXPECT_EQ(schema(R"({"b":true,"a b":null})"), "OBJECT<`a b`: VOID, b: BOOLEAN>");
}

}  // namespace
}  // namespace sk8
