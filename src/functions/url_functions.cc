// URL functions: url_encode / url_decode / try_url_decode (Java's URLEncoder
// and URLDecoder for UTF-8) and parse_url / try_parse_url (the parts
// java.net.URI finds, as Spark's ParseUrl asks for them).
#include <optional>
#include <string>
#include <string_view>

#include "functions/string_util.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

/// URLEncoder.encode(s, UTF-8): letters, digits and .-*_ stay, a space is '+',
/// every other byte %XX.
void UrlEncode(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (IsAlnum(static_cast<char>(c)) || c == '.' || c == '-' || c == '*' || c == '_') {
      out->push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

/// URLDecoder.decode(s, UTF-8): '+' is a space, %XX a byte; false for a '%'
/// without two hex digits (Java's IllegalArgumentException).
bool UrlDecode(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = HexValue(text[i + 1]), low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out->push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

/// The parts of a URI reference as java.net.URI parses it; nullopt for parts
/// it leaves null.
struct UriParts {
  std::optional<std::string_view> scheme, authority, user_info, host, path, query, fragment;
};

/// Characters java.net.URI rejects anywhere (outside IPv6 brackets): spaces,
/// controls, "<>\^`{|}" and a '%' not followed by two hex digits.
bool HasIllegalCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
        c == '{' || c == '|' || c == '}') {
      return true;
    }
    if (c == '%' && (i + 2 >= text.size() || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0)) return true;
  }
  return false;
}

bool IsIpv4(std::string_view host) {
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!IsDigit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

/// RFC 2396 hostname: dot-separated labels of letters, digits and inner '-',
/// the last one starting with a letter, an optional trailing dot.
bool IsHostname(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  size_t start = 0;
  std::string_view label;
  while (true) {
    size_t dot = host.find('.', start);
    label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return IsAlpha(label.front());
}

/// userinfo@host:port, as a server-based authority; false when it is not one
/// (java.net.URI then keeps it as a registry-based authority, without a host).
bool ParseServer(std::string_view authority, UriParts* parts) {
  std::string_view rest = authority;
  std::optional<std::string_view> user_info;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    user_info = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = rest.substr(0, close + 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest = {};
  }
  if (!rest.empty()) {  // ":port"
    for (char c : rest.substr(1)) {
      if (!IsDigit(c)) return false;
    }
  }
  if (host.front() != '[' && !IsIpv4(host) && !IsHostname(host)) return false;
  parts->user_info = user_info;
  parts->host = host;
  return true;
}

/// java.net.URI's parse; nullopt when it would throw URISyntaxException.
std::optional<UriParts> ParseUri(std::string_view text) {
  if (HasIllegalCharacter(text)) return std::nullopt;
  UriParts parts;
  if (size_t hash = text.find('#'); hash != std::string_view::npos) {
    parts.fragment = text.substr(hash + 1);
    if (parts.fragment->find('#') != std::string_view::npos) return std::nullopt;
    text = text.substr(0, hash);
  }
  size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0 && IsAlpha(text[0])) {
    bool scheme = true;
    for (size_t i = 1; i < colon; ++i) {
      const char c = text[i];
      scheme = scheme && (IsAlnum(c) || c == '+' || c == '-' || c == '.');
    }
    if (scheme) {
      parts.scheme = text.substr(0, colon);
      text = text.substr(colon + 1);
      if (text.empty()) return std::nullopt;       // "Expected scheme-specific part"
      if (text.front() != '/') return parts;       // opaque: mailto:a@b.c
    }
  } else if (colon != std::string_view::npos && colon == 0) {
    return std::nullopt;  // "Expected scheme name"
  }
  if (size_t question = text.find('?'); question != std::string_view::npos) {
    parts.query = text.substr(question + 1);
    text = text.substr(0, question);
  }
  if (text.substr(0, 2) == "//") {
    text = text.substr(2);
    size_t slash = text.find('/');
    std::string_view authority = text.substr(0, slash);
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
    if (authority.empty()) {
      if (text.empty() && !parts.query) return std::nullopt;  // "Expected authority"
    } else {
      parts.authority = authority;
      ParseServer(authority, &parts);
    }
  }
  parts.path = text;
  return parts;
}

/// Spark's ParseUrl: the named part (case-sensitive), or a query parameter.
std::optional<std::string> UrlPart(const UriParts& uri, std::string_view part,
                                   std::optional<std::string_view> key) {
  if (key) {
    if (part != "QUERY" || !uri.query) return std::nullopt;
    // (&|^)key=([^&]*): the first parameter of that name.
    std::string_view query = *uri.query;
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
      if (pair.size() > key->size() && pair.substr(0, key->size()) == *key && pair[key->size()] == '=') {
        return std::string(pair.substr(key->size() + 1));
      }
      if (amp == std::string_view::npos) break;
      start = amp + 1;
    }
    return std::nullopt;
  }
  auto value = [](const std::optional<std::string_view>& v) -> std::optional<std::string> {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  if (part == "HOST") return value(uri.host);
  if (part == "PATH") return value(uri.path);
  if (part == "QUERY") return value(uri.query);
  if (part == "REF") return value(uri.fragment);
  if (part == "PROTOCOL") return value(uri.scheme);
  if (part == "AUTHORITY") return value(uri.authority);
  if (part == "USERINFO") return value(uri.user_info);
  if (part == "FILE") {
    if (!uri.path) return std::nullopt;
    std::string file(*uri.path);
    if (uri.query) file += "?" + std::string(*uri.query);
    return file;
  }
  return std::nullopt;
}

FunctionInfo UrlDecodeFunction(bool try_mode) {
  const std::string name = try_mode ? "try_url_decode" : "url_decode";
  auto spec = Spec(name,
                   name + "(str) - Decodes a `str` in 'application/x-www-form-urlencoded' format using a specific "
                          "encoding scheme." +
                       (try_mode ? std::string(" Returns NULL if the input cannot be decoded.") : std::string()),
                   1, 1, {ArgKind::kString}, arrow::utf8());
  spec.can_fail = !try_mode;
  if (try_mode) spec.nullable = AlwaysNullable;
  spec.make_kernel = FixedKernel([try_mode](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    return MapStrings(args, length, arrow::utf8(), [try_mode](std::string_view text, std::string* out) -> Result<bool> {
      if (UrlDecode(text, out)) return true;
      if (try_mode) return false;
      return SparkError(SparkExceptionKind::kIllegalArgument, "CANNOT_DECODE_URL", {{"url", std::string(text)}});
    });
  });
  return MakeStringFunction(std::move(spec));
}

FunctionInfo ParseUrlFunction(bool try_mode) {
  const std::string name = try_mode ? "try_parse_url" : "parse_url";
  auto spec = Spec(name, name + "(url, partToExtract[, key]) - Extracts a part from a URL.", 2, 3,
                   {ArgKind::kString, ArgKind::kString, ArgKind::kString}, arrow::utf8());
  spec.nullable = AlwaysNullable;
  spec.can_fail = !try_mode;
  spec.make_kernel = FixedKernel([try_mode](const std::vector<Datum>& args, int64_t length,
                                            const EvalContext& ctx) -> Result<Datum> {
    const int64_t rows = OutputRows(args, length);
    StringArg url(args[0]), part(args[1]);
    std::optional<StringArg> key;
    if (args.size() > 2) key.emplace(args[2]);
    StringColumnWriter out(rows, 0);
    for (int64_t i = 0; i < rows; ++i) {
      if (!url.IsValid(i) || !part.IsValid(i) || (key && !key->IsValid(i))) {
        out.AppendNull();
        continue;
      }
      auto uri = ParseUri(url.View(i));
      if (!uri) {
        // Spark fails under ANSI (parse_url); try_parse_url and legacy mode give NULL.
        if (!try_mode && ctx.ansi) {
          return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_URL",
                            {{"url", std::string(url.View(i))}});
        }
        out.AppendNull();
        continue;
      }
      auto value = UrlPart(*uri, part.View(i), key ? std::optional<std::string_view>(key->View(i)) : std::nullopt);
      if (!value) {
        out.AppendNull();
        continue;
      }
      out.data() += *value;
      out.CommitAppended();
    }
    return out.Finish(AllScalars(args), arrow::utf8());
  });
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterUrlFunctions(FunctionRegistry& registry) {
  {
    auto spec = Spec("url_encode",
                     "url_encode(str) - Translates a string into 'application/x-www-form-urlencoded' format using a "
                     "specific encoding scheme.",
                     1, 1, {ArgKind::kString}, arrow::utf8());
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::utf8(), [](std::string_view text, std::string* out) -> Result<bool> {
        UrlEncode(text, out);
        return true;
      });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  registry.Add(UrlDecodeFunction(false));
  registry.Add(UrlDecodeFunction(true));
  registry.Add(ParseUrlFunction(false));
  registry.Add(ParseUrlFunction(true));
}

}  // namespace sk8::functions
