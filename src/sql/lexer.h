#pragma once

#include <string_view>
#include <vector>

#include "common/spark_error.h"
#include "sql/token.h"

namespace sk8::sql {

/// Splits Spark SQL text into tokens, ending with a kEnd token. Comments (-- and
/// nested /* */, including /*+ hints */) are skipped. Characters that start no
/// token become kInvalid tokens, so the parser reports them where Spark does;
/// only an unclosed /* comment fails here (UNCLOSED_BRACKETED_COMMENT).
Result<std::vector<Token>> Tokenize(std::string_view text);

/// Spark's unescaping of a quoted string body: \n, \t, \uXXXX, \ooo (octal),
/// doubled quotes; "\%" and "\_" keep their backslash (for LIKE patterns).
std::string UnescapeStringBody(std::string_view body, char quote);

}  // namespace sk8::sql
