#pragma once

#include <regex>
#include <string>
#include <vector>

#include "common/spark_error.h"

namespace sk8::catalog {

/// Spark's name patterns (StringUtils.filterPattern), as SHOW TABLES LIKE,
/// SHOW FUNCTIONS LIKE and the catalog API's pattern arguments read them:
/// alternatives split at '|', '*' matches any text, the rest is a regular
/// expression, matched case-insensitively against the whole name.
class NamePattern {
 public:
  static Result<NamePattern> Compile(const std::string& pattern);
  bool Matches(const std::string& name) const;

 private:
  std::vector<std::regex> alternatives_;
};

}  // namespace sk8::catalog
