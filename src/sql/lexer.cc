#include "sql/lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sk8::sql {

namespace {

// Longest first, so that "<=>" wins over "<=" and "<".
constexpr std::array<std::string_view, 35> kSymbols = {
    "<=>", ">>>", "<=", ">=", "<>", "!=", "==", "<<", ">>", "||", "::", "->", "=>", "=", "<", ">", "+", "-",
    "*",   "/",   "%",  "~",  "&",  "|",  "^",  "!",  "(",  ")",  "[",  "]",  ",",  ".",  ";", ":", "?"};

bool IsWordChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;  // bytes >= 0x80: UTF-8 letters
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ParseHex(std::string_view digits, uint32_t* value) {
  *value = 0;
  for (char c : digits) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    *value = *value * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                                                                                             : std::tolower(c) - 'a' + 10);
  }
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      ARROW_RETURN_NOT_OK(SkipSpaceAndComments());
      if (pos_ >= text_.size()) break;
      tokens.push_back(NextToken());
    }
    Token end;
    end.begin = end.end = text_.size();
    tokens.push_back(end);
    return tokens;
  }

 private:
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  Status SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        ARROW_RETURN_NOT_OK(SkipBracketedComment());
      } else {
        break;
      }
    }
    return Status::OK();
  }

  // Bracketed comments nest in Spark.
  Status SkipBracketedComment() {
    int depth = 0;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '/' && At(pos_ + 1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (text_[pos_] == '*' && At(pos_ + 1) == '/') {
        pos_ += 2;
        if (--depth == 0) return Status::OK();
      } else {
        ++pos_;
      }
    }
    return ParseError("UNCLOSED_BRACKETED_COMMENT");
  }

  Token NextToken() {
    char c = text_[pos_];
    if (c == '\'' || c == '"') return QuotedString(pos_, pos_ + 1, /*raw=*/false);
    if (c == '`') return BackquotedIdentifier();
    if (IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1)))) return NumberOrWord();
    if (IsWordChar(c)) return WordOrPrefixedString();
    return Symbol();
  }

  Token Make(TokenKind kind, size_t begin, size_t end, std::string value) const {
    Token t;
    t.kind = kind;
    t.text = std::string(text_.substr(begin, end - begin));
    t.value = std::move(value);
    t.begin = begin;
    t.end = end;
    return t;
  }

  // An unterminated quote is one invalid character; lexing resumes after it.
  Token InvalidChar(size_t at) {
    pos_ = at + 1;
    return Make(TokenKind::kInvalid, at, at + 1, std::string(1, text_[at]));
  }

  // 'text' or "text"; body_start follows the opening quote (after an r prefix).
  Token QuotedString(size_t begin, size_t body_start, bool raw) {
    char quote = text_[body_start - 1];
    size_t i = body_start;
    while (i < text_.size()) {
      if (text_[i] == '\\' && !raw) {
        i += 2;
      } else if (text_[i] == quote && At(i + 1) == quote && !raw) {
        i += 2;  // doubled quote
      } else if (text_[i] == quote) {
        break;
      } else {
        ++i;
      }
    }
    if (i >= text_.size()) return InvalidChar(body_start - 1);
    std::string_view body = text_.substr(body_start, i - body_start);
    pos_ = i + 1;
    return Make(TokenKind::kString, begin, pos_, raw ? std::string(body) : UnescapeStringBody(body, quote));
  }

  Token BackquotedIdentifier() {
    size_t begin = pos_;
    std::string name;
    size_t i = pos_ + 1;
    while (i < text_.size()) {
      if (text_[i] == '`' && At(i + 1) == '`') {
        name.push_back('`');
        i += 2;
      } else if (text_[i] == '`') {
        pos_ = i + 1;
        return Make(TokenKind::kQuotedIdentifier, begin, pos_, std::move(name));
      } else {
        name.push_back(text_[i++]);
      }
    }
    return InvalidChar(begin);
  }

  // End of a well-formed numeric literal starting at `begin` (Spark's
  // INTEGER/DECIMAL/EXPONENT/BIGINT/.../BIGDECIMAL rules), or npos. Like Spark,
  // a literal directly followed by a letter, digit or '_' is not a number.
  size_t ScanNumber(size_t begin) const {
    size_t i = begin;
    while (IsDigit(At(i))) ++i;
    bool integral = true;
    if (At(i) == '.') {
      integral = false;
      ++i;
      while (IsDigit(At(i))) ++i;
    }
    if ((At(i) == 'e' || At(i) == 'E') &&
        (IsDigit(At(i + 1)) || ((At(i + 1) == '+' || At(i + 1) == '-') && IsDigit(At(i + 2))))) {
      integral = false;
      i += 2;
      while (IsDigit(At(i))) ++i;
    }
    char s = static_cast<char>(std::toupper(static_cast<unsigned char>(At(i))));
    if (s == 'B' && std::toupper(static_cast<unsigned char>(At(i + 1))) == 'D') {
      i += 2;
    } else if (s == 'D' || s == 'F' || (integral && (s == 'L' || s == 'S' || s == 'Y'))) {
      ++i;
    }
    return IsWordChar(At(i)) ? std::string_view::npos : i;
  }

  Token NumberOrWord() {
    size_t begin = pos_;
    size_t end = ScanNumber(begin);
    if (end != std::string_view::npos) {
      pos_ = end;
      return Make(TokenKind::kNumber, begin, end, std::string(text_.substr(begin, end - begin)));
    }
    if (text_[begin] == '.') return Symbol();
    // Spark's IDENTIFIER may start with a digit ("1a"); an all-digit prefix is a number.
    size_t i = begin;
    while (IsWordChar(At(i))) ++i;
    bool all_digits = std::all_of(text_.begin() + begin, text_.begin() + i, IsDigit);
    pos_ = i;
    std::string word(text_.substr(begin, i - begin));
    return Make(all_digits ? TokenKind::kNumber : TokenKind::kWord, begin, i, word);
  }

  Token WordOrPrefixedString() {
    size_t begin = pos_;
    size_t i = begin;
    while (IsWordChar(At(i))) ++i;
    std::string_view word = text_.substr(begin, i - begin);
    if (EqualsIgnoreCase(word, "X") && At(i) == '\'') {
      size_t close = text_.find('\'', i + 1);
      if (close == std::string_view::npos) return InvalidChar(i);
      pos_ = close + 1;
      return Make(TokenKind::kBinary, begin, pos_, std::string(text_.substr(i + 1, close - i - 1)));
    }
    if (EqualsIgnoreCase(word, "R") && (At(i) == '\'' || At(i) == '"')) return QuotedString(begin, i + 1, /*raw=*/true);
    pos_ = i;
    return Make(TokenKind::kWord, begin, i, std::string(word));
  }

  Token Symbol() {
    size_t begin = pos_;
    for (std::string_view symbol : kSymbols) {
      if (text_.substr(begin, symbol.size()) == symbol) {
        pos_ = begin + symbol.size();
        return Make(TokenKind::kSymbol, begin, pos_, std::string(symbol));
      }
    }
    // One UTF-8 character that starts no token.
    size_t end = begin + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    pos_ = end;
    return Make(TokenKind::kInvalid, begin, end, std::string(text_.substr(begin, end - begin)));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string UnescapeStringBody(std::string_view body, char quote) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == quote && i + 1 < body.size() && body[i + 1] == quote) {
      out.push_back(quote);
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char n = body[i + 1];
    uint32_t cp = 0;
    if (n == 'u' && i + 5 < body.size() && ParseHex(body.substr(i + 2, 4), &cp)) {
      AppendUtf8(cp, &out);
      i += 5;
    } else if (n == 'U' && i + 9 < body.size() && ParseHex(body.substr(i + 2, 8), &cp)) {
      AppendUtf8(cp, &out);
      i += 9;
    } else if (i + 3 < body.size() && n >= '0' && n <= '3' && body[i + 2] >= '0' && body[i + 2] <= '7' &&
               body[i + 3] >= '0' && body[i + 3] <= '7') {
      AppendUtf8(static_cast<uint32_t>((n - '0') * 64 + (body[i + 2] - '0') * 8 + (body[i + 3] - '0')), &out);
      i += 3;
    } else {
      switch (n) {
        case '0': out.push_back('\0'); break;
        case 'b': out.push_back('\b'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'Z': out.push_back('\x1A'); break;
        case '%': out += "\\%"; break;  // kept escaped for LIKE
        case '_': out += "\\_"; break;
        default: out.push_back(n); break;
      }
      ++i;
    }
  }
  return out;
}

Result<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

}  // namespace sk8::sql
