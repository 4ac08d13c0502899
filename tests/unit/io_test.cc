// io/: byte-range splits read every line exactly once, whatever the split size;
// text values parse as the JVM parses them; Parquet columns decode to the
// values written, whichever encoding and page layout the writer chose; ORC
// stripes are splits that decode only the requested columns, by name.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include <arrow/adapters/orc/adapter.h>
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include "io/file_writer.h"
#include "io/line_reader.h"
#include "io/parquet_source.h"
#include "functions/text_values.h"
#include "types/spark_types.h"

namespace sk8 {
namespace {

std::string TempFile(const std::string& name, const std::string& text) {
  const auto path =
      (std::filesystem::temp_directory_path() / ("sk8_io_" + std::to_string(::getpid()) + "_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(LineSplits, EveryLineIsReadByExactlyOneSplit) {
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    std::string line(static_cast<size_t>(i % 13), static_cast<char>('a' + i % 26));
    line += std::to_string(i);
    expected.push_back(line);
    text += line + (i % 3 == 0 ? "\r\n" : "\n");
  }
  text += "last-without-newline";
  expected.push_back("last-without-newline");
  const auto path = TempFile("lines.txt", text);
  for (int64_t split_bytes : {1, 2, 7, 64, 1000, 1 << 20}) {
    auto splits = io::PlanByteRangeSplits({path}, {}, /*whole_files=*/false, split_bytes).ValueOrDie();
    std::vector<std::string> lines;
    for (const auto& split : splits) {
      auto read = io::ReadSplitText(split, {}, "UTF-8", arrow::default_memory_pool()).ValueOrDie();
      for (auto line : io::SplitLines(read.text)) lines.emplace_back(line);
    }
    EXPECT_EQ(lines, expected) << "split_bytes " << split_bytes;
  }
  std::filesystem::remove(path);
}

TEST(TextValues, ParseAsTheJvmDoes) {
  int32_t i;
  EXPECT_TRUE(functions::ParseJavaInt("-2147483648", &i));
  EXPECT_EQ(i, INT32_MIN);
  EXPECT_FALSE(functions::ParseJavaInt("2147483648", &i));
  EXPECT_FALSE(functions::ParseJavaInt(" 1", &i));
  EXPECT_FALSE(functions::ParseJavaInt("1.0", &i));
  double d;
  EXPECT_TRUE(functions::ParseJavaDouble(" 1.5d ", &d));
  EXPECT_EQ(d, 1.5);
  EXPECT_TRUE(functions::ParseJavaDouble("-Infinity", &d));
  EXPECT_FALSE(functions::ParseJavaDouble("1e", &d));
  EXPECT_FALSE(functions::ParseJavaDouble(".", &d));
  arrow::Decimal128 x;
  EXPECT_TRUE(functions::ParseDecimalAs("12.345", 5, 2, &x));
  EXPECT_EQ(x.ToString(2), "12.35");  // half up
  EXPECT_FALSE(functions::ParseDecimalAs("1234.5", 5, 2, &x));
  functions::DateTimeParser parser;
  parser.format = "dd/MM/yyyy HH:mm";
  int64_t micros;
  EXPECT_TRUE(parser.ParseTimestamp("05/01/2024 10:20", false, &micros));
  EXPECT_EQ(micros, (19727LL * 86400 + 10 * 3600 + 20 * 60) * 1000000);
  EXPECT_FALSE(parser.ParseTimestamp("31/02/2024 10:20", false, &micros));
}

// A table of every type the flat decoder handles plus one it leaves to
// parquet::arrow (int8), with nulls, NaN, empty strings and repeated values.
std::shared_ptr<arrow::Table> ParquetTestTable(int64_t rows) {
  arrow::Int32Builder i32;
  arrow::Int64Builder i64;
  arrow::DoubleBuilder f64;
  arrow::FloatBuilder f32;
  arrow::Date32Builder date;
  arrow::Decimal128Builder dec9(arrow::decimal128(9, 2)), dec15(arrow::decimal128(15, 2));
  arrow::StringBuilder str, str_required;
  arrow::BinaryBuilder bin;
  arrow::Int8Builder i8;
  for (int64_t r = 0; r < rows; ++r) {
    const bool null = r % 7 == 3;
    EXPECT_TRUE((null ? i32.AppendNull() : i32.Append(static_cast<int32_t>(r * 31 - 5000))).ok());
    EXPECT_TRUE(i64.Append(r * 1000003 - (int64_t{1} << 40)).ok());
    EXPECT_TRUE((r % 11 == 0 ? f64.Append(std::nan("")) : null ? f64.AppendNull() : f64.Append(r / 3.0)).ok());
    EXPECT_TRUE(f32.Append(static_cast<float>(-r) / 7).ok());
    EXPECT_TRUE((null ? date.AppendNull() : date.Append(static_cast<int32_t>(r % 20000 - 3000))).ok());
    EXPECT_TRUE((null ? dec9.AppendNull() : dec9.Append(arrow::Decimal128(r * 17 - 99999))).ok());
    EXPECT_TRUE(dec15.Append(arrow::Decimal128(-r * 123456789)).ok());
    const std::string text = r % 5 == 0 ? "" : std::string(static_cast<size_t>(r % 13), static_cast<char>('a' + r % 26));
    EXPECT_TRUE((r % 9 == 4 ? str.AppendNull() : str.Append(r % 3 == 0 ? "repeated" : text + std::to_string(r))).ok());
    EXPECT_TRUE(str_required.Append(r % 4 == 0 ? "AIR" : "MAIL").ok());
    EXPECT_TRUE((null ? bin.AppendNull() : bin.Append(text)).ok());
    EXPECT_TRUE(i8.Append(static_cast<int8_t>(r % 100)).ok());
  }
  auto finish = [](arrow::ArrayBuilder& builder) { return builder.Finish().ValueOrDie(); };
  auto schema = arrow::schema({arrow::field("i32", arrow::int32()), arrow::field("i64", arrow::int64(), false),
                               arrow::field("f64", arrow::float64()), arrow::field("f32", arrow::float32(), false),
                               arrow::field("date", arrow::date32()), arrow::field("dec9", arrow::decimal128(9, 2)),
                               arrow::field("dec15", arrow::decimal128(15, 2), false), arrow::field("str", arrow::utf8()),
                               arrow::field("str_required", arrow::utf8(), false), arrow::field("bin", arrow::binary()),
                               arrow::field("i8", arrow::int8(), false)});
  return arrow::Table::Make(schema, {finish(i32), finish(i64), finish(f64), finish(f32), finish(date), finish(dec9),
                                     finish(dec15), finish(str), finish(str_required), finish(bin), finish(i8)});
}

TEST(ParquetSource, DecodesTheValuesWrittenWhateverTheEncoding) {
  const int64_t rows = 20000;
  auto table = ParquetTestTable(rows);
  struct Layout {
    std::string name;
    std::shared_ptr<parquet::WriterProperties> properties;
  };
  const std::vector<Layout> layouts = {
      {"plain", parquet::WriterProperties::Builder().disable_dictionary()->enable_store_decimal_as_integer()->build()},
      {"dictionary", parquet::WriterProperties::Builder().enable_store_decimal_as_integer()->build()},
      // Small pages, and a dictionary that overflows: later pages fall back to plain.
      {"small pages", parquet::WriterProperties::Builder()
                          .data_pagesize(512)
                          ->dictionary_pagesize_limit(256)
                          ->enable_store_decimal_as_integer()
                          ->build()},
      // Decimals as FIXED_LEN_BYTE_ARRAY: left to parquet::arrow.
      {"decimal bytes", parquet::WriterProperties::Builder().build()},
  };
  for (const auto& layout : layouts) {
    const auto path = TempFile("flat.parquet", "");
    auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 7000, layout.properties).ok());
    ASSERT_TRUE(out->Close().ok());
    auto source = io::MakeParquetSource({}, nullptr).ValueOrDie();
    auto schema = source->InferSchema({path}).ValueOrDie();
    auto splits = source->PlanSplits({path}).ValueOrDie();
    ASSERT_EQ(splits.size(), 3u) << layout.name;
    std::vector<int> columns(static_cast<size_t>(schema->num_fields()));
    for (size_t c = 0; c < columns.size(); ++c) columns[c] = static_cast<int>(columns.size() - 1 - c);  // reversed
    int64_t offset = 0;
    for (const auto& split : splits) {
      auto batch = source->ReadSplit(split, *schema, columns, arrow::default_memory_pool()).ValueOrDie();
      ASSERT_TRUE(batch->ValidateFull().ok()) << layout.name;
      for (size_t c = 0; c < columns.size(); ++c) {
        auto expected = table->column(columns[c])->Slice(offset, batch->num_rows());
        auto actual = batch->column(static_cast<int>(c));
        ASSERT_EQ(expected->num_chunks(), 1);
        EXPECT_TRUE(actual->Equals(*expected->chunk(0), arrow::EqualOptions().nans_equal(true)))
            << layout.name << " column " << schema->field(columns[c])->name() << " rows from " << offset;
        EXPECT_EQ(actual->null_count(), expected->chunk(0)->null_count());
      }
      offset += batch->num_rows();
    }
    EXPECT_EQ(offset, rows);
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace sk8

namespace sk8 {
namespace {

// An ORC file of `rows` rows in stripes of about `stripe_bytes`, written by
// Arrow's ORC writer: id bigint, name string (NULL every 7th row), x double.
std::string WriteOrcFile(const std::string& name, int64_t rows, int64_t stripe_bytes) {
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  arrow::DoubleBuilder xs;
  for (int64_t i = 0; i < rows; ++i) {
    EXPECT_TRUE(ids.Append(i).ok());
    EXPECT_TRUE((i % 7 == 0 ? names.AppendNull() : names.Append("n" + std::to_string(i % 100))).ok());
    EXPECT_TRUE(xs.Append(static_cast<double>(i) / 4).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                               arrow::field("x", arrow::float64())});
  auto batch = arrow::RecordBatch::Make(schema, rows, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie(),
                                                       xs.Finish().ValueOrDie()});
  const auto path = TempFile(name, "");
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  arrow::adapters::orc::WriteOptions options;
  options.stripe_size = stripe_bytes;
  options.batch_size = 1000;
  auto writer = arrow::adapters::orc::ORCFileWriter::Open(out.get(), options).ValueOrDie();
  EXPECT_TRUE(writer->Write(*batch).ok());
  EXPECT_TRUE(writer->Close().ok());
  EXPECT_TRUE(out->Close().ok());
  return path;
}

TEST(OrcSource, StripesAreSplitsAndOnlyTheRequestedColumnsAreRead) {
  constexpr int64_t kRows = 60000;
  const auto path = WriteOrcFile("stripes.orc", kRows, 64 * 1024);
  auto source = io::MakeDataSource("orc", {}, "", {}).ValueOrDie();
  auto schema = source->InferSchema({path}).ValueOrDie();
  ASSERT_EQ(schema->ToString(), "id: int64\nname: string\nx: double");
  auto splits = source->PlanSplits({path}).ValueOrDie();
  ASSERT_GT(splits.size(), 1u);
  int64_t rows = 0, nulls = 0;
  for (const auto& split : splits) {
    // Requested out of file order; the batch follows the request.
    auto batch = source->ReadSplit(split, *schema, {1, 0}, arrow::default_memory_pool()).ValueOrDie();
    ASSERT_EQ(batch->num_columns(), 2);
    EXPECT_EQ(batch->schema()->field(0)->name(), "name");
    EXPECT_EQ(batch->num_rows(), split.num_rows);
    const auto& ids = static_cast<const arrow::Int64Array&>(*batch->column(1));
    for (int64_t r = 0; r < batch->num_rows(); ++r) EXPECT_EQ(ids.Value(r), rows + r);
    nulls += batch->column(0)->null_count();
    rows += batch->num_rows();
    // Counting only: no column decoded, the stripe's row count.
    auto counted = source->ReadSplit(split, *schema, {}, arrow::default_memory_pool()).ValueOrDie();
    EXPECT_EQ(counted->num_rows(), split.num_rows);
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(nulls, (kRows + 6) / 7);
  EXPECT_EQ(source->ReadStatistics({path}).ValueOrDie().rows, kRows);
  std::filesystem::remove(path);
}

TEST(OrcSource, MatchesColumnsByNameAndReadsMissingOnesAsNull) {
  const auto path = WriteOrcFile("by_name.orc", 10, 1 << 20);
  auto source = io::MakeDataSource("orc", {}, "X DOUBLE, missing INT, ID BIGINT", {}).ValueOrDie();
  auto schema = source->InferSchema({path}).ValueOrDie();
  auto splits = source->PlanSplits({path}).ValueOrDie();
  ASSERT_EQ(splits.size(), 1u);
  auto batch = source->ReadSplit(splits[0], *schema, {0, 1, 2}, arrow::default_memory_pool()).ValueOrDie();
  ASSERT_EQ(batch->num_rows(), 10);
  EXPECT_EQ(static_cast<const arrow::DoubleArray&>(*batch->column(0)).Value(3), 0.75);
  EXPECT_EQ(batch->column(1)->null_count(), 10);
  EXPECT_EQ(static_cast<const arrow::Int64Array&>(*batch->column(2)).Value(9), 9);
  std::filesystem::remove(path);
}

TEST(OrcSource, SparkTimestampTypesRoundTripThroughTheWriter) {
  // TIMESTAMP_NTZ goes out as a bigint marked timestamp_ntz, TIMESTAMP as an ORC timestamp.
  auto schema = arrow::schema({arrow::field("ts", types::TimestampType()), arrow::field("ntz", types::TimestampNtzType())});
  arrow::TimestampBuilder ts(types::TimestampType(), arrow::default_memory_pool());
  arrow::TimestampBuilder ntz(types::TimestampNtzType(), arrow::default_memory_pool());
  ASSERT_TRUE(ts.Append(1704164645123456).ok());
  ASSERT_TRUE(ntz.Append(-1).ok());
  ASSERT_TRUE(ts.AppendNull().ok());
  ASSERT_TRUE(ntz.Append(0).ok());
  auto batch = arrow::RecordBatch::Make(schema, 2, {ts.Finish().ValueOrDie(), ntz.Finish().ValueOrDie()});
  const auto path = TempFile("timestamps.orc", "");
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  auto writer = io::MakeFormatWriter("orc", out, schema, {}, "UTC").ValueOrDie();
  ASSERT_TRUE(writer->Write(*batch).ok());
  ASSERT_TRUE(writer->Close().ok());
  auto source = io::MakeDataSource("orc", {}, "", {}).ValueOrDie();
  auto read_schema = source->InferSchema({path}).ValueOrDie();
  ASSERT_TRUE(read_schema->Equals(*schema)) << read_schema->ToString();
  auto splits = source->PlanSplits({path}).ValueOrDie();
  ASSERT_EQ(splits.size(), 1u);
  auto back = source->ReadSplit(splits[0], *read_schema, {0, 1}, arrow::default_memory_pool()).ValueOrDie();
  EXPECT_TRUE(back->Equals(*batch)) << back->ToString();
  std::filesystem::remove(path);
}

TEST(OrcSource, AFileThatIsNotOrcIsNamedInTheError) {
  const auto path = TempFile("garbage.orc", std::string(300, 'x'));
  auto source = io::MakeDataSource("orc", {}, "", {}).ValueOrDie();
  auto schema = source->InferSchema({path});
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().ToString().find("CANNOT_READ_FILE_FOOTER"), std::string::npos) << schema.status();
  EXPECT_NE(schema.status().ToString().find("garbage.orc"), std::string::npos) << schema.status();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sk8
