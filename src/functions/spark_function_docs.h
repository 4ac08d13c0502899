#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

/// Spark's built-in functions as real Spark describes them (recorded into
/// src/functions/spark_functions.json by `scripts/function-coverage record`,
/// compiled into a table): SHOW FUNCTIONS' names in its order, and the class
/// name, usage and extended usage DESCRIBE FUNCTION [EXTENDED] prints.
namespace sk8::functions {

struct SparkFunctionDoc {
  const char* name;
  const char* class_name;  // nullptr for the few operators Spark prints no class for
  const char* usage;
  const char* extended_usage;
};

extern const char kSparkFunctionsVersion[];
/// What version() answers: "<version> <git revision>" of the pinned Spark.
extern const char kSparkVersionString[];
extern const SparkFunctionDoc kSparkFunctionDocs[];
extern const size_t kSparkFunctionDocCount;

/// One row of Spark's sql_keywords(): the keyword, and whether Spark reserves it
/// when spark.sql.ansi.enabled and spark.sql.ansi.enforceReservedKeywords are on
/// (recorded from real Spark into src/functions/spark_sql_keywords.json).
struct SparkSqlKeyword {
  const char* keyword;
  bool reserved;
};
extern const SparkSqlKeyword kSparkSqlKeywords[];
extern const size_t kSparkSqlKeywordCount;

/// Spark's entry for a function name (exact, as SHOW FUNCTIONS lists it; names
/// are lower case); nullptr when Spark has no such built-in function.
const SparkFunctionDoc* FindSparkFunctionDoc(std::string_view name);

/// The rows of DESCRIBE FUNCTION [EXTENDED], as Spark prints them.
std::vector<std::string> DescribeFunctionRows(const SparkFunctionDoc& doc, bool extended);

}  // namespace sk8::functions
