#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

/// Tokens of Spark SQL text, as the lexer produces them.
namespace sk8::sql {

enum class TokenKind {
  kWord,              // identifier or keyword (keywords are words; the parser decides)
  kQuotedIdentifier,  // `name`
  kString,            // '...' or "..." (value is unescaped)
  kNumber,            // 1, 1L, 1.5, 1e3, 1.5BD ... (value is the text; typed by literals.h)
  kBinary,            // X'0A' (value is the hex digits)
  kSymbol,            // operators and punctuation
  kInvalid,           // a character that starts no token (unclosed quote, '@', ...)
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // as written, for error messages
  std::string value;  // identifier name, unescaped string, operator, number text
  size_t begin = 0;   // byte offsets in the statement
  size_t end = 0;

  bool IsKeyword(std::string_view keyword) const;
  bool IsSymbol(std::string_view symbol) const { return kind == TokenKind::kSymbol && value == symbol; }
  bool IsIdentifier() const { return kind == TokenKind::kWord || kind == TokenKind::kQuotedIdentifier; }
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToUpperAscii(std::string_view text);
std::string ToLowerAscii(std::string_view text);
/// Appends the UTF-8 form of a code point.
void AppendUtf8(uint32_t code_point, std::string* out);

}  // namespace sk8::sql
