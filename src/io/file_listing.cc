#include "io/file_listing.h"

#include <fnmatch.h>
#include <glob.h>

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

std::string FileUri(const std::string& path) { return "file://" + QualifiedPath(path).substr(5); }

namespace {

bool Hidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

bool HasGlob(const std::string& path) { return path.find_first_of("*?[{") != std::string::npos; }

// The paths a Hadoop-style glob matches, sorted ({a,b} alternatives too).
std::vector<std::string> ExpandGlob(const std::string& pattern) {
  std::vector<std::string> matches;
  glob_t result{};
  if (glob(pattern.c_str(), GLOB_BRACE | GLOB_NOSORT, nullptr, &result) == 0) {
    for (size_t i = 0; i < result.gl_pathc; ++i) matches.emplace_back(result.gl_pathv[i]);
  }
  globfree(&result);
  std::sort(matches.begin(), matches.end());
  return matches;
}

Status RefuseScheme(const std::string& raw) {
  const std::string scheme = raw.substr(0, raw.find("://"));
  if (scheme == "hdfs" || scheme == "viewfs" || scheme == "webhdfs") {
    return Unsupported("reading " + scheme +
                       ":// paths (sk8 reads local files; run the job on a real Spark cluster through the "
                       "Spark Connect gateway: sk8 serve --upstream sc://<spark-connect-host>:15002)");
  }
  return Unsupported("reading from " + scheme + ":// paths");
}

}  // namespace

Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths, const SourceOptions& options) {
  ARROW_ASSIGN_OR_RAISE(const bool recursive, options.GetBool("recursiveFileLookup", false));
  const auto name_filter = options.Get("pathGlobFilter");
  auto keep = [&](const fs::path& file) {
    return !name_filter || fnmatch(name_filter->c_str(), file.filename().c_str(), FNM_PERIOD) == 0;
  };
  std::vector<std::string> files;
  for (const auto& raw : paths) {
    if (raw.find("://") != std::string::npos && raw.rfind("file://", 0) != 0) return RefuseScheme(raw);
    std::string local = raw.rfind("file://", 0) == 0 ? raw.substr(7) : (raw.rfind("file:", 0) == 0 ? raw.substr(5) : raw);
    std::vector<std::string> matched{local};
    if (HasGlob(local)) matched = ExpandGlob(local);
    if (matched.empty()) return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(raw)}});
    for (const auto& path : matched) {
      std::error_code ec;
      fs::file_status status = fs::status(path, ec);
      if (ec || !fs::exists(status)) return AnalysisError("PATH_NOT_FOUND", {{"path", QualifiedPath(path)}});
      if (fs::is_regular_file(status)) {
        if (keep(path)) files.push_back(path);
        continue;
      }
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (Hidden(it->path())) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && keep(it->path())) found.push_back(it->path().string());
      }
      if (ec) return Status::IOError("cannot list " + path + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    }
  }
  (void)recursive;  // directories are listed recursively either way; it only turns off partition discovery
  return files;
}

}  // namespace sk8::io
