#include "sql/parser.h"

#include <algorithm>
#include <cctype>

#include "sql/expression_parser.h"
#include "sql/lexer.h"
#include "sql/query_parser.h"
#include "sql/token_stream.h"

namespace sk8::sql {

namespace {

// A ParseException without a position (syntax errors carry theirs) ends with
// the statement, as Spark's does: "...\n== SQL ==\n<statement>".
Status WithStatementText(const Status& status, std::string_view text) {
  const SparkErrorDetail* detail = GetSparkError(status);
  if (detail == nullptr || detail->kind() != SparkExceptionKind::kParse || status.message().starts_with("\n")) {
    return status;
  }
  return Status(status.code(), "\n" + status.message() + "\n== SQL ==\n" + std::string(text), status.detail());
}

template <typename T>
Result<T> WithStatementText(Result<T> result, std::string_view text) {
  if (result.ok()) return result;
  return WithStatementText(result.status(), text);
}

}  // namespace

Result<plan::PlanPtr> ParseQuery(std::string_view text, const SqlParameters& parameters) {
  // Only a blank statement is "empty"; a lone comment is a syntax error in Spark.
  bool blank = std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  if (blank) return WithSyntaxErrorPosition(ParseError("PARSE_EMPTY_STATEMENT"), text, text.size());
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return WithStatementText(tokens.status(), text);
  TokenStream stream(text, std::move(*tokens));
  QueryParser parser(stream, &parameters);
  return WithStatementText(parser.ParseStatement(), text);
}

Result<plan::ExprPtr> ParseExpression(std::string_view text) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return WithStatementText(tokens.status(), text);
  TokenStream stream(text, std::move(*tokens));
  ExpressionParser parser(stream);
  auto expr = parser.ParseNamedExpression();
  if (expr.ok() && !stream.AtEnd()) expr = stream.ExtraInput(/*after_semicolon=*/false);
  if (expr.ok()) {
    if (Status unbound = parser.CheckParameters(); !unbound.ok()) expr = unbound;
  }
  return WithStatementText(std::move(expr), text);
}

}  // namespace sk8::sql
