#include "gateway/upstream_url.h"

#include <algorithm>
#include <cctype>

namespace sk8::gateway {

namespace {

Status BadUrl(const std::string& text, const std::string& why) {
  return Status::Invalid("sk8.upstream.url '" + text + "': " + why +
                         " (expected sc://host:port[/;token=...;use_ssl=true])");
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::string UpstreamUrl::ToDisplayString() const {
  return "sc://" + target() + (use_ssl ? "/;use_ssl=true" : "");
}

Result<UpstreamUrl> ParseUpstreamUrl(const std::string& text) {
  constexpr std::string_view kScheme = "sc://";
  if (text.rfind(kScheme, 0) != 0) return BadUrl(text, "it must start with sc://");
  std::string rest = text.substr(kScheme.size());
  std::string params;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    params = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  UpstreamUrl url;
  size_t colon = rest.rfind(':');
  url.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (url.host.empty()) return BadUrl(text, "no host");
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) {
      return BadUrl(text, "the port is not a number");
    }
    url.port = std::stoi(port);
    if (url.port <= 0 || url.port > 65535) return BadUrl(text, "the port is not in 1-65535");
  }
  // Parameters: ";key=value" pairs after the slash (the leading ';' is optional).
  size_t start = 0;
  while (start < params.size()) {
    size_t end = params.find(';', start);
    if (end == std::string::npos) end = params.size();
    std::string pair = params.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string::npos) return BadUrl(text, "parameter '" + pair + "' has no value");
    std::string key = Lower(pair.substr(0, eq));
    std::string value = pair.substr(eq + 1);
    if (key == "token") {
      url.token = value;
      url.use_ssl = true;  // Spark's clients never send a token in clear text
    } else if (key == "use_ssl") {
      url.use_ssl = Lower(value) == "true";
    } else if (key == "user_id") {
      url.user_id = value;
    }
    // Other parameters (user_agent, session_id, ...) are the client's business.
  }
  return url;
}

}  // namespace sk8::gateway
