#include "sql/parser.h"

#include <algorithm>
#include <cctype>

#include "sql/expression_parser.h"
#include "sql/lexer.h"
#include "sql/query_parser.h"
#include "sql/token_stream.h"

namespace sk8::sql {

Result<plan::PlanPtr> ParseQuery(std::string_view text) {
  // Only a blank statement is "empty"; a lone comment is a syntax error in Spark.
  bool blank = std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  if (blank) return ParseError("PARSE_EMPTY_STATEMENT");
  ARROW_ASSIGN_OR_RAISE(auto tokens, Tokenize(text));
  TokenStream stream(text, std::move(tokens));
  return QueryParser(stream).ParseStatement();
}

Result<plan::ExprPtr> ParseExpression(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, Tokenize(text));
  TokenStream stream(text, std::move(tokens));
  ARROW_ASSIGN_OR_RAISE(auto expr, ExpressionParser(stream).ParseNamedExpression());
  if (!stream.AtEnd()) return stream.ExtraInput(/*after_semicolon=*/false);
  return expr;
}

}  // namespace sk8::sql
