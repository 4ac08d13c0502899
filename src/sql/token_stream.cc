#include "sql/token_stream.h"

#include <algorithm>
#include <vector>

namespace sk8::sql {

namespace {

std::string Describe(const Token& token) {
  return token.kind == TokenKind::kEnd ? "end of input" : "'" + token.text + "'";
}

// Characters (not bytes) from the start of the line to `offset`, as Spark counts.
size_t CharactersBefore(std::string_view line) {
  size_t count = 0;
  for (unsigned char c : line) count += (c & 0xC0) != 0x80;
  return count;
}

}  // namespace

Status WithSyntaxErrorPosition(const Status& status, std::string_view source, size_t offset) {
  offset = std::min(offset, source.size());
  const size_t line_start = offset == 0 ? 0 : source.rfind('\n', offset - 1) + 1;  // npos + 1 is 0
  const size_t line = 1 + std::count(source.begin(), source.begin() + offset, '\n');
  const size_t pos = CharactersBefore(source.substr(line_start, offset - line_start));
  // Spark's ParseException message: the statement's lines up to the error's
  // (trailing empty lines dropped, as Java's split does), a marker under it, the rest.
  std::vector<std::string_view> lines;
  for (size_t begin = 0; begin <= source.size();) {
    size_t end = std::min(source.find('\n', begin), source.size());
    lines.push_back(source.substr(begin, end - begin));
    begin = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string message = "\n" + status.message() + " (line " + std::to_string(line) + ", pos " + std::to_string(pos) +
                        ")\n\n== SQL ==\n";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == line) message += std::string(pos, '-') + "^^^\n";
    message += std::string(lines[i]) + "\n";
  }
  if (line >= lines.size()) message += std::string(pos, '-') + "^^^\n";
  return Status(status.code(), std::move(message), status.detail());
}

namespace {

Status SyntaxErrorAt(std::string_view source, const Token& token, std::string hint) {
  Status error = ParseError("PARSE_SYNTAX_ERROR", {{"error", Describe(token)}, {"hint", std::move(hint)}});
  return WithSyntaxErrorPosition(error, source, token.begin);
}

}  // namespace

TokenStream::TokenStream(std::string_view source, std::vector<Token> tokens)
    : source_(source), tokens_(std::move(tokens)) {}

const Token& TokenStream::Peek(size_t ahead) const {
  size_t at = index_ + ahead;
  return at < tokens_.size() ? tokens_[at] : tokens_.back();  // the last token is kEnd
}

const Token& TokenStream::Advance() {
  const Token& token = Peek();
  if (index_ + 1 < tokens_.size()) ++index_;
  return token;
}

bool TokenStream::IsStatementEnd(size_t ahead) const {
  return Peek(ahead).kind == TokenKind::kEnd || PeekSymbol(";", ahead);
}

bool TokenStream::MatchKeyword(std::string_view keyword) {
  if (!PeekKeyword(keyword)) return false;
  Advance();
  return true;
}

bool TokenStream::MatchKeywords(std::initializer_list<std::string_view> keywords) {
  size_t ahead = 0;
  for (std::string_view keyword : keywords) {
    if (!PeekKeyword(keyword, ahead++)) return false;
  }
  for (size_t i = 0; i < keywords.size(); ++i) Advance();
  return true;
}

bool TokenStream::MatchSymbol(std::string_view symbol) {
  if (!PeekSymbol(symbol)) return false;
  Advance();
  return true;
}

Status TokenStream::ExpectKeyword(std::string_view keyword) {
  return MatchKeyword(keyword) ? Status::OK() : SyntaxError();
}

Status TokenStream::ExpectSymbol(std::string_view symbol) {
  return MatchSymbol(symbol) ? Status::OK() : SyntaxError();
}

bool TokenStream::PeekClauseKeyword(std::string_view keyword, size_t ahead) const {
  return PeekKeyword(keyword, ahead) && !IsStatementEnd(ahead + 1);
}

bool TokenStream::MatchClauseKeyword(std::string_view keyword) {
  if (!PeekClauseKeyword(keyword)) return false;
  Advance();
  return true;
}

size_t TokenStream::CharacterOffset(const Token& token) const {
  return CharactersBefore(source_.substr(0, std::min(token.begin, source_.size())));
}

std::string TokenStream::SourceSince(size_t first) const {
  if (first >= index_) return "";
  size_t begin = tokens_[first].begin;
  size_t end = tokens_[index_ - 1].end;
  return std::string(source_.substr(begin, end - begin));
}

Status TokenStream::SyntaxError(std::string hint) const { return SyntaxErrorAt(source_, Peek(), std::move(hint)); }

Status TokenStream::MissingClosing(std::string_view symbol) const {
  const Token& token = Peek();
  bool can_follow = IsStatementEnd(0) || token.IsSymbol(",") || token.IsSymbol(")") ||
                    (token.kind == TokenKind::kWord && !token.IsKeyword("AS"));
  return SyntaxError(can_follow ? ": missing '" + std::string(symbol) + "'" : "");
}

Status TokenStream::ExtraInput(bool after_semicolon) const {
  bool hint = after_semicolon || IsStatementEnd(1);
  return SyntaxError(hint ? ": extra input '" + Peek().text + "'" : "");
}

Status UnsupportedSql(const std::string& construct) { return Unsupported("SQL " + construct); }

}  // namespace sk8::sql
