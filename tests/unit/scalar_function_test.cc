// The scalar-function template (functions/scalar_function.h): NULLs, constant
// arguments, bodies that answer NULL or fail, ANSI, strings and booleans.
#include <gtest/gtest.h>

#include <arrow/builder.h>

#include <cmath>

#include "common/spark_error.h"
#include "functions/scalar_function.h"

namespace sk8::functions {
namespace {

std::shared_ptr<arrow::Array> Doubles(std::vector<std::optional<double>> values, int64_t slice_offset = 0) {
  arrow::DoubleBuilder builder;
  for (int64_t i = 0; i < slice_offset; ++i) EXPECT_TRUE(builder.Append(-1).ok());
  for (const auto& v : values) EXPECT_TRUE((v ? builder.Append(*v) : builder.AppendNull()).ok());
  auto array = *builder.Finish();
  return array->Slice(slice_offset);
}

std::string Render(const arrow::Datum& d) {
  return d.is_scalar() ? d.scalar()->ToString() : d.make_array()->ToString();
}

TEST(ScalarFunction, TotalBodyOverArraysConstantsAndNulls) {
  auto pow = MakeScalarFunction<double, double, double>(arrow::float64(),
                                                        [](double a, double b) { return std::pow(a, b); });
  plan::EvalContext ctx;
  auto bases = Doubles({2, std::nullopt, 3}, /*slice_offset=*/3);
  auto exponents = Doubles({3, 1, std::nullopt});
  auto both = pow->Execute({bases, exponents}, 3, ctx);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(Render(*both), Render(Doubles({8, std::nullopt, std::nullopt})));

  auto constant_exponent = pow->Execute({bases, arrow::Datum(2.0)}, 3, ctx);
  ASSERT_TRUE(constant_exponent.ok());
  EXPECT_EQ(Render(*constant_exponent), Render(Doubles({4, std::nullopt, 9})));

  auto null_constant = pow->Execute({bases, arrow::Datum(arrow::MakeNullScalar(arrow::float64()))}, 3, ctx);
  ASSERT_TRUE(null_constant.ok());
  EXPECT_EQ(null_constant->make_array()->null_count(), 3);

  auto scalars = pow->Execute({arrow::Datum(2.0), arrow::Datum(10.0)}, 5, ctx);
  ASSERT_TRUE(scalars.ok());
  ASSERT_TRUE(scalars->is_scalar());
  EXPECT_EQ(static_cast<const arrow::DoubleScalar&>(*scalars->scalar()).value, 1024.0);
}

TEST(ScalarFunction, RowResultsNullAndAnsiErrors) {
  auto checked_log = MakeScalarFunction<double, double>(
      arrow::float64(),
      [](double* out, double x) {
        if (x == 0) return RowResult::kNull;
        if (x < 0) return RowResult::kAnsiError;
        *out = std::log(x);
        return RowResult::kValue;
      },
      std::function<Status(double)>([](double x) {
        return SparkError(SparkExceptionKind::kArithmetic, "TEST_ERROR", {{"value", std::to_string(x)}});
      }));
  plan::EvalContext ansi_off;
  ansi_off.ansi = false;
  auto input = Doubles({1, 0, std::nullopt, -1});
  auto lenient = checked_log->Execute({input}, 4, ansi_off);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(Render(*lenient), Render(Doubles({0, std::nullopt, std::nullopt, std::nullopt})));

  auto strict = checked_log->Execute({input}, 4, plan::EvalContext{});
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().ToString().find("TEST_ERROR"), std::string::npos);
}

TEST(ScalarFunction, StringsInAndOut) {
  auto twice = MakeScalarFunction<std::string, std::string_view, bool>(
      arrow::utf8(), [](std::string* out, std::string_view s, bool upper) {
        if (s.empty()) return RowResult::kNull;
        out->append(s).append(s);
        if (upper) for (auto& c : *out) c = static_cast<char>(std::toupper(c));
        return RowResult::kValue;
      });
  arrow::StringBuilder builder;
  ASSERT_TRUE(builder.AppendValues({"ab", "", "c"}).ok());
  ASSERT_TRUE(builder.AppendNull().ok());
  auto strings = *builder.Finish();
  auto result = twice->Execute({strings, arrow::Datum(true)}, 4, plan::EvalContext{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Render(*result), "[\n  \"ABAB\",\n  null,\n  \"CC\",\n  null\n]");

  auto is_long = MakeScalarFunction<bool, std::string_view>(arrow::boolean(),
                                                            [](std::string_view s) { return s.size() > 1; });
  auto flags = is_long->Execute({strings}, 4, plan::EvalContext{});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(Render(*flags), "[\n  true,\n  false,\n  false,\n  null\n]");
}

}  // namespace
}  // namespace sk8::functions
