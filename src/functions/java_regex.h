#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "common/spark_error.h"

/// Spark's regex functions take java.util.regex patterns; sk8 runs them on RE2.
/// The common syntax is the same. What differs is translated here (Java's
/// `(?<name>...)`, `\uXXXX`, `\e`, POSIX `\p{Alpha}` classes, `$1` in
/// replacements); what RE2 cannot do (backreferences, lookaround, possessive
/// quantifiers, atomic groups, class intersections) fails by name instead of
/// answering differently.
namespace sk8::functions {

/// The RE2 form of a Java pattern; UNSUPPORTED_FEATURE naming the Java
/// feature when RE2 has no equivalent.
Result<std::string> TranslateJavaRegex(std::string_view pattern);

/// A Java pattern compiled once for RE2. A pattern RE2 rejects is kept with
/// its error (Spark raises INVALID_PARAMETER_VALUE.PATTERN when the pattern is
/// first used, not when the query is analyzed).
class JavaRegex {
 public:
  /// `function`: Spark's name of the calling function, for errors.
  static Result<std::shared_ptr<const JavaRegex>> Compile(std::string_view pattern, const std::string& function);

  /// OK, or Spark's INVALID_PARAMETER_VALUE.PATTERN for a pattern RE2 rejected.
  const Status& status() const { return status_; }
  const re2::RE2& re() const { return *re_; }
  int groups() const { return re_->NumberOfCapturingGroups(); }

  /// Java's Matcher.find from byte `from`: the next match (group 0 and the
  /// capturing groups in `groups`, at least one) within text; false when none.
  bool Find(std::string_view text, size_t from, std::vector<re2::StringPiece>* groups) const;

 private:
  Status status_;
  std::unique_ptr<re2::RE2> re_;
};

/// Calls `on_match(groups)` for each match of Java's find loop over `text`
/// (an empty match moves the next search one character on); stops when it returns false.
template <typename OnMatch>
void ForEachMatch(const JavaRegex& regex, std::string_view text, std::vector<re2::StringPiece>* groups,
                  OnMatch&& on_match) {
  size_t from = 0;
  while (from <= text.size() && regex.Find(text, from, groups)) {
    const size_t start = static_cast<size_t>((*groups)[0].data() - text.data());
    const size_t end = start + (*groups)[0].size();
    if (!on_match(*groups)) return;
    if (end == start) {
      if (end >= text.size()) return;
      const auto lead = static_cast<unsigned char>(text[end]);
      from = end + (lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4);
    } else {
      from = end;
    }
  }
}

/// A Java replacement string (Matcher.appendReplacement): `$n` and `${name}`
/// name groups, a backslash quotes the next character.
class JavaReplacement {
 public:
  /// Spark's error for a reference to a group the pattern does not have.
  static Result<JavaReplacement> Parse(std::string_view replacement, const JavaRegex& regex);
  void AppendTo(const std::vector<re2::StringPiece>& groups, std::string* out) const;
  /// No group references: the replacement is `literal()`.
  bool is_literal() const { return pieces_.size() <= 1 && (pieces_.empty() || pieces_[0].group < 0); }

 private:
  struct Piece {
    std::string text;
    int group = -1;  // >= 0: a group reference
  };
  std::vector<Piece> pieces_;
};

}  // namespace sk8::functions
