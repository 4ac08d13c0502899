#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/spark_error.h"
#include "sql/token.h"

namespace sk8::sql {

/// A cursor over the tokens of one statement, shared by the query and
/// expression parsers, and the one place that builds Spark's syntax errors.
class TokenStream {
 public:
  TokenStream(std::string_view source, std::vector<Token> tokens);

  const Token& Peek(size_t ahead = 0) const;
  const Token& Advance();
  size_t position() const { return index_; }
  /// Back to an earlier position, for the few constructs that need a second look.
  void Rewind(size_t position) { index_ = position; }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  /// The statement ends at `ahead` (end of input or ';').
  bool IsStatementEnd(size_t ahead) const;

  bool PeekKeyword(std::string_view keyword, size_t ahead = 0) const { return Peek(ahead).IsKeyword(keyword); }
  bool PeekSymbol(std::string_view symbol, size_t ahead = 0) const { return Peek(ahead).IsSymbol(symbol); }
  bool MatchKeyword(std::string_view keyword);
  /// Consumes a keyword sequence such as GROUP BY only when all of it is there.
  bool MatchKeywords(std::initializer_list<std::string_view> keywords);
  bool MatchSymbol(std::string_view symbol);
  Status ExpectKeyword(std::string_view keyword);
  Status ExpectSymbol(std::string_view symbol);

  /// A keyword that continues an expression or a query (AND, IS, FROM, ...).
  /// As the last word of a statement Spark's parser reads such a word as an
  /// alias instead ("SELECT 1 FROM" selects 1 AS `FROM`), so it is not one here.
  bool PeekClauseKeyword(std::string_view keyword, size_t ahead = 0) const;
  bool MatchClauseKeyword(std::string_view keyword);

  /// The character (not byte) offset of a token in the statement, as Spark counts.
  size_t CharacterOffset(const Token& token) const;
  /// The source text from token `first` up to the end of the previous token.
  std::string SourceSince(size_t first) const;

  /// PARSE_SYNTAX_ERROR at the current token, as Spark reports it.
  Status SyntaxError(std::string hint = "") const;
  /// A missing closing bracket: Spark's hint ": missing ')'" when the current
  /// token could follow the bracket.
  Status MissingClosing(std::string_view symbol) const;
  /// Tokens left after a complete statement. Spark hints ": extra input 'x'"
  /// when dropping that one token would end the statement.
  Status ExtraInput(bool after_semicolon) const;

 private:
  std::string_view source_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
};

/// A parse error with Spark's position and statement context in its message
/// ("... (line 1, pos 7)" and the statement with a marker under the position).
Status WithSyntaxErrorPosition(const Status& status, std::string_view source, size_t offset);

/// Unsupported("SQL <construct>"): a valid construct sk8 does not run yet.
Status UnsupportedSql(const std::string& construct);

}  // namespace sk8::sql
