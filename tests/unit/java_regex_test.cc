#include "functions/java_regex.h"

#include <gtest/gtest.h>

namespace sk8::functions {
namespace {

std::string Translate(const char* pattern) {
  auto result = TranslateJavaRegex(pattern);
  return result.ok() ? *result : "ERROR: " + result.status().message();
}

TEST(JavaRegex, TranslatesWhatRe2SpellsDifferently) {
  EXPECT_EQ(Translate("(\\d+)-(\\d+)"), "(\\d+)-(\\d+)");
  EXPECT_EQ(Translate("(?<year>\\d{4})"), "(?P<year>\\d{4})");
  EXPECT_EQ(Translate("\\u00e9"), "\\x{00e9}");
  EXPECT_EQ(Translate("\\p{Alpha}+"), "[a-zA-Z]+");
  EXPECT_EQ(Translate("[\\p{Digit}x]"), "[0-9x]");
  EXPECT_EQ(Translate("\\P{Lower}"), "[^a-z]");
  EXPECT_EQ(Translate("(?iu)abc"), "(?i)abc");
  EXPECT_EQ(Translate("\\Q(a+)\\E"), "\\Q(a+)\\E");
  EXPECT_EQ(Translate("[(?=]"), "[(?=]");  // inside a class these are plain characters
}

TEST(JavaRegex, NamesJavaOnlyFeatures) {
  for (const char* pattern : {"(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "a*+", "a++", "(?>a)",
                              "[a-z&&[^b]]", "\\k<x>", "(?x)a b", "\\Z"}) {
    auto result = TranslateJavaRegex(pattern);
    ASSERT_FALSE(result.ok()) << pattern;
    EXPECT_TRUE(result.status().IsNotImplemented()) << pattern;
    EXPECT_NE(result.status().message().find("Java regex feature"), std::string::npos) << pattern;
  }
}

TEST(JavaRegex, FindLoopMovesPastEmptyMatches) {
  auto regex = *JavaRegex::Compile("x*", "regexp_count");
  ASSERT_TRUE(regex->status().ok());
  std::vector<re2::StringPiece> groups;
  int count = 0;
  ForEachMatch(*regex, "abc", &groups, [&](const std::vector<re2::StringPiece>&) { return ++count > 0; });
  EXPECT_EQ(count, 4);  // before a, b, c and at the end, as Java's Matcher.find
}

TEST(JavaRegex, InvalidPatternIsReportedWhenUsed) {
  auto regex = JavaRegex::Compile("(", "regexp_replace");
  ASSERT_TRUE(regex.ok());
  EXPECT_FALSE((*regex)->status().ok());
  EXPECT_NE((*regex)->status().ToString().find("INVALID_PARAMETER_VALUE.PATTERN"), std::string::npos);
}

TEST(JavaRegex, ReplacementGroupsAsJava) {
  auto regex = *JavaRegex::Compile("(a)(b)", "regexp_replace");
  auto replacement = JavaReplacement::Parse("[$2$1\\$$12]", *regex);
  ASSERT_TRUE(replacement.ok());
  std::vector<re2::StringPiece> groups;
  ASSERT_TRUE(regex->Find("ab", 0, &groups));
  std::string out;
  replacement->AppendTo(groups, &out);
  EXPECT_EQ(out, "[ba$a2]");  // $12 is group 1 then '2': there is no group 12
  EXPECT_FALSE(JavaReplacement::Parse("$3", *regex).ok());
}

}  // namespace
}  // namespace sk8::functions
