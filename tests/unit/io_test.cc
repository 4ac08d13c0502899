// io/: byte-range splits read every line exactly once, whatever the split size;
// text values parse as the JVM parses them.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "io/line_reader.h"
#include "io/text_values.h"

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
    auto splits = io::PlanByteRangeSplits({path}, /*whole_files=*/false, split_bytes).ValueOrDie();
    std::vector<std::string> lines;
    for (const auto& split : splits) {
      auto read = io::ReadSplitText(split, "UTF-8", arrow::default_memory_pool()).ValueOrDie();
      for (auto line : io::SplitLines(read.text)) lines.emplace_back(line);
    }
    EXPECT_EQ(lines, expected) << "split_bytes " << split_bytes;
  }
  std::filesystem::remove(path);
}

TEST(TextValues, ParseAsTheJvmDoes) {
  int32_t i;
  EXPECT_TRUE(io::ParseJavaInt("-2147483648", &i));
  EXPECT_EQ(i, INT32_MIN);
  EXPECT_FALSE(io::ParseJavaInt("2147483648", &i));
  EXPECT_FALSE(io::ParseJavaInt(" 1", &i));
  EXPECT_FALSE(io::ParseJavaInt("1.0", &i));
  double d;
  EXPECT_TRUE(io::ParseJavaDouble(" 1.5d ", &d));
  EXPECT_EQ(d, 1.5);
  EXPECT_TRUE(io::ParseJavaDouble("-Infinity", &d));
  EXPECT_FALSE(io::ParseJavaDouble("1e", &d));
  EXPECT_FALSE(io::ParseJavaDouble(".", &d));
  arrow::Decimal128 x;
  EXPECT_TRUE(io::ParseDecimalAs("12.345", 5, 2, &x));
  EXPECT_EQ(x.ToString(2), "12.35");  // half up
  EXPECT_FALSE(io::ParseDecimalAs("1234.5", 5, 2, &x));
  io::DateTimeParser parser;
  parser.format = "dd/MM/yyyy HH:mm";
  int64_t micros;
  EXPECT_TRUE(parser.ParseTimestamp("05/01/2024 10:20", false, &micros));
  EXPECT_EQ(micros, (19727LL * 86400 + 10 * 3600 + 20 * 60) * 1000000);
  EXPECT_FALSE(parser.ParseTimestamp("31/02/2024 10:20", false, &micros));
}

}  // namespace
}  // namespace sk8
