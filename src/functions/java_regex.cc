#include "functions/java_regex.h"

#include <cctype>
#include <map>

namespace sk8::functions {
namespace {

Status JavaOnly(const std::string& feature, std::string_view pattern) {
  return Unsupported("the Java regex feature " + feature + " (in '" + std::string(pattern) +
                     "'): RE2 has no equivalent");
}

/// Java's POSIX classes (ASCII only unless UNICODE_CHARACTER_CLASS), as the
/// inside of an RE2 character class.
const std::map<std::string, std::string, std::less<>>& PosixClasses() {
  static const std::map<std::string, std::string, std::less<>> classes = {
      {"Lower", "a-z"},
      {"Upper", "A-Z"},
      {"ASCII", "\\x00-\\x7F"},
      {"Alpha", "a-zA-Z"},
      {"Digit", "0-9"},
      {"Alnum", "a-zA-Z0-9"},
      {"Punct", "!-/:-@\\[-`{-~"},
      {"Graph", "!-~"},
      {"Print", " -~"},
      {"Blank", " \\t"},
      {"Cntrl", "\\x00-\\x1F\\x7F"},
      {"XDigit", "0-9a-fA-F"},
      {"Space", " \\t\\n\\x0B\\f\\r"},
  };
  return classes;
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

Result<std::string> TranslateJavaRegex(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 8);
  bool in_class = false;
  size_t class_start = 0;  // position in `p` just after the class's '[' (and '^')
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    const char next = i + 1 < p.size() ? p[i + 1] : '\0';
    if (c == '\\') {
      if (i + 1 >= p.size()) {
        out += c;  // RE2 rejects a trailing backslash as Java does
        continue;
      }
      if (next == 'Q') {  // \Q...\E quotes verbatim; RE2 knows it
        const size_t end = p.find("\\E", i + 2);
        const size_t stop = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      if (!in_class && next >= '1' && next <= '9') return JavaOnly("backreferences (\\" + std::string(1, next) + ")", p);
      if (next == 'k') return JavaOnly("named backreferences (\\k<name>)", p);
      if (next == 'u' && i + 5 < p.size() && IsHex(p[i + 2]) && IsHex(p[i + 3]) && IsHex(p[i + 4]) &&
          IsHex(p[i + 5])) {
        out += "\\x{" + std::string(p.substr(i + 2, 4)) + "}";
        i += 5;
        continue;
      }
      if (next == 'e') {
        out += "\\x1B";
        ++i;
        continue;
      }
      if (next == 'Z' || next == 'G' || next == 'R' || next == 'X' || next == 'h' || next == 'H' || next == 'V' ||
          next == 'c' || next == 'N' || (next == 'b' && i + 2 < p.size() && p[i + 2] == '{')) {
        return JavaOnly("\\" + std::string(1, next), p);
      }
      if ((next == 'p' || next == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
        const size_t close = p.find('}', i + 3);
        if (close != std::string_view::npos) {
          std::string_view name = p.substr(i + 3, close - i - 3);
          if (name.substr(0, 2) == "Is") name.remove_prefix(2);
          auto it = PosixClasses().find(name);
          if (it != PosixClasses().end()) {
            if (in_class && next == 'P') return JavaOnly("\\P{" + std::string(name) + "} inside a class", p);
            out += in_class ? it->second : (next == 'P' ? "[^" : "[") + it->second + "]";
            i = close;
            continue;
          }
          if (name.substr(0, 2) == "In" || name.substr(0, 4) == "java") {
            return JavaOnly("\\p{" + std::string(name) + "}", p);
          }
        }
      }
      out += c;
      out += next;
      ++i;
      continue;
    }
    if (in_class) {
      if (c == '[') return JavaOnly("nested character classes (unions)", p);
      if (c == '&' && next == '&') return JavaOnly("character class intersections (&&)", p);
      if (c == ']' && i != class_start) in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (next == '^') {
        out += next;
        ++i;
      }
      class_start = i + 1;
      continue;
    }
    if (c == '(' && next == '?') {
      const char kind = i + 2 < p.size() ? p[i + 2] : '\0';
      const char after = i + 3 < p.size() ? p[i + 3] : '\0';
      if (kind == '=' || kind == '!') return JavaOnly("lookahead (?" + std::string(1, kind) + "...)", p);
      if (kind == '<' && (after == '=' || after == '!')) {
        return JavaOnly("lookbehind (?<" + std::string(1, after) + "...)", p);
      }
      if (kind == '>') return JavaOnly("atomic groups (?>...)", p);
      if (kind == '<') {  // a named group: RE2 spells it (?P<name>...)
        out += "(?P<";
        i += 2;
        continue;
      }
      // Inline flags: RE2 has i, m and s; Java's u (Unicode case folding) is
      // what RE2 does anyway; x, d and U have no RE2 equivalent.
      size_t k = i + 2;
      std::string flags;
      for (; k < p.size() && (std::isalpha(static_cast<unsigned char>(p[k])) || p[k] == '-'); ++k) {
        const char f = p[k];
        if (f == 'x' || f == 'd' || f == 'U') return JavaOnly("the inline flag (?" + std::string(1, f) + ")", p);
        if (f != 'u') flags += f;
      }
      if (k < p.size() && (p[k] == ')' || p[k] == ':')) {
        if (flags.empty() || flags == "-") {
          out += p[k] == ')' ? "" : "(?:";
        } else {
          out += "(?" + flags + p[k];
        }
        i = k;
        continue;
      }
    }
    if ((c == '*' || c == '+' || c == '?' || c == '}') && next == '+') {
      return JavaOnly("possessive quantifiers (" + std::string(1, c) + "+)", p);
    }
    out += c;
  }
  return out;
}

Result<std::shared_ptr<const JavaRegex>> JavaRegex::Compile(std::string_view pattern, const std::string& function) {
  ARROW_ASSIGN_OR_RAISE(std::string translated, TranslateJavaRegex(pattern));
  auto regex = std::make_shared<JavaRegex>();
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  regex->re_ = std::make_unique<re2::RE2>(translated, options);
  if (!regex->re_->ok()) {
    regex->status_ = SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.PATTERN",
                                {{"parameter", "`regexp`"}, {"functionName", "`" + function + "`"},
                                 {"value", "'" + std::string(pattern) + "'"}});
  }
  return std::shared_ptr<const JavaRegex>(std::move(regex));
}

bool JavaRegex::Find(std::string_view text, size_t from, std::vector<re2::StringPiece>* groups) const {
  groups->resize(static_cast<size_t>(re_->NumberOfCapturingGroups()) + 1);
  return re_->Match(re2::StringPiece(text.data(), text.size()), from, text.size(), re2::RE2::UNANCHORED,
                    groups->data(), static_cast<int>(groups->size()));
}

Result<JavaReplacement> JavaReplacement::Parse(std::string_view r, const JavaRegex& regex) {
  JavaReplacement out;
  auto literal = [&]() -> std::string& {
    if (out.pieces_.empty() || out.pieces_.back().group >= 0) out.pieces_.push_back({});
    return out.pieces_.back().text;
  };
  auto bad = [&](const std::string& why) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PATTERN",
                      {{"parameter", "`rep`"}, {"functionName", "`regexp_replace`"},
                       {"value", "'" + std::string(r) + "' (" + why + ")"}});
  };
  const int group_count = regex.groups();
  for (size_t i = 0; i < r.size(); ++i) {
    const char c = r[i];
    if (c == '\\') {
      if (++i >= r.size()) return bad("character to be escaped is missing");
      literal() += r[i];
    } else if (c == '$') {
      if (++i >= r.size()) return bad("group index is missing");
      int group;
      if (r[i] == '{') {
        const size_t close = r.find('}', i);
        if (close == std::string_view::npos) return bad("named capturing group is missing trailing '}'");
        const std::string name(r.substr(i + 1, close - i - 1));
        const auto& names = regex.re().NamedCapturingGroups();
        auto it = names.find(name);
        if (it == names.end()) return bad("no group with name {" + name + "}");
        group = it->second;
        i = close;
      } else {
        if (!std::isdigit(static_cast<unsigned char>(r[i]))) return bad("illegal group reference");
        group = r[i] - '0';
        if (group > group_count) return bad("no group " + std::to_string(group));
        // Java reads further digits while they still name an existing group.
        while (i + 1 < r.size() && std::isdigit(static_cast<unsigned char>(r[i + 1]))) {
          const int longer = group * 10 + (r[i + 1] - '0');
          if (longer > group_count) break;
          group = longer;
          ++i;
        }
      }
      out.pieces_.push_back({std::string(), group});
    } else {
      literal() += c;
    }
  }
  return out;
}

void JavaReplacement::AppendTo(const std::vector<re2::StringPiece>& groups, std::string* out) const {
  for (const auto& piece : pieces_) {
    if (piece.group < 0) {
      out->append(piece.text);
    } else if (static_cast<size_t>(piece.group) < groups.size() && groups[piece.group].data() != nullptr) {
      out->append(groups[piece.group].data(), groups[piece.group].size());
    }
  }
}

}  // namespace sk8::functions
