#include "catalog/name_pattern.h"

namespace sk8::catalog {

Result<NamePattern> NamePattern::Compile(const std::string& pattern) {
  NamePattern out;
  size_t begin = 0;
  std::string trimmed = pattern;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  while (begin <= trimmed.size()) {
    size_t end = trimmed.find('|', begin);
    if (end == std::string::npos) end = trimmed.size();
    std::string regex;
    for (char c : trimmed.substr(begin, end - begin)) regex += c == '*' ? std::string(".*") : std::string(1, c);
    try {
      out.alternatives_.emplace_back(regex, std::regex::icase | std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return Unsupported("a name pattern that is no regular expression: " + pattern);
    }
    begin = end + 1;
  }
  return out;
}

bool NamePattern::Matches(const std::string& name) const {
  for (const auto& regex : alternatives_) {
    if (std::regex_match(name, regex)) return true;
  }
  return false;
}

}  // namespace sk8::catalog
