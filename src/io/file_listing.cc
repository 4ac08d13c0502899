#include "io/file_listing.h"

#include <algorithm>
#include <filesystem>

namespace sk8::io {

namespace fs = std::filesystem;

std::string QualifiedPath(const std::string& path) {
  std::string local = path.rfind("file:", 0) == 0 ? path.substr(5) : path;
  std::error_code ec;
  fs::path absolute = fs::absolute(local, ec);
  return "file:" + (ec ? local : absolute.lexically_normal().string());
}

namespace {

bool Hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

}  // namespace

Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& raw : paths) {
    if (raw.find("://") != std::string::npos && raw.rfind("file://", 0) != 0) {
      return Unsupported("reading from " + raw.substr(0, raw.find("://") + 3) + " paths");
    }
    std::string local = raw.rfind("file://", 0) == 0 ? raw.substr(7) : (raw.rfind("file:", 0) == 0 ? raw.substr(5) : raw);
    std::error_code ec;
    fs::file_status status = fs::status(local, ec);
    if (ec || !fs::exists(status)) {
      return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(raw)}});
    }
    if (fs::is_regular_file(status)) {
      files.push_back(local);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(local, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (Hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path().string());
    }
    if (ec) return Status::IOError("cannot list " + local + ": " + ec.message());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace sk8::io
