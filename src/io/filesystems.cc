#include "io/filesystems.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include <arrow/filesystem/localfs.h>
#include <arrow/filesystem/s3fs.h>
#include <arrow/io/file.h>

namespace sk8::io {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string SchemeOf(const std::string& path) {
  const auto at = path.find("://");
  if (at == std::string::npos || at == 0) return "";
  const std::string scheme = path.substr(0, at);
  // A scheme is letters, digits, '+', '-', '.'; anything else is a local name holding "://".
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  return Lower(scheme);
}

std::optional<std::string> ConfValue(const StorageConf& conf, const std::string& key) {
  auto it = conf.find(key);
  if (it == conf.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool ConfTrue(const StorageConf& conf, const std::string& key, bool fallback) {
  auto value = ConfValue(conf, key);
  return value ? Lower(*value) == "true" : fallback;
}

// Hadoop durations in milliseconds: "5000", or with a unit ("5s", "200ms", "1m").
double ConfSeconds(const StorageConf& conf, const std::string& key, double fallback) {
  auto value = ConfValue(conf, key);
  if (!value) return fallback;
  char* end = nullptr;
  const double number = std::strtod(value->c_str(), &end);
  if (end == value->c_str() || number <= 0) return fallback;
  const std::string unit = Lower(std::string(end));
  if (unit == "s") return number;
  if (unit == "m") return number * 60;
  return number / 1000;  // "" and "ms"
}

struct Stores {
  std::mutex mutex;
  bool s3_initialized = false;
  std::map<std::string, std::shared_ptr<arrow::fs::FileSystem>> by_options;
};

Stores& TheStores() {
  static auto* stores = new Stores();  // lives to exit: FinalizeFileSystems empties it
  return *stores;
}

const std::shared_ptr<arrow::fs::FileSystem>& LocalFs() {
  static const auto* local = new std::shared_ptr<arrow::fs::FileSystem>(std::make_shared<arrow::fs::LocalFileSystem>());
  return *local;
}

// The S3 options of a session's confs, and a text naming the store for errors.
Result<arrow::fs::S3Options> S3OptionsFrom(const StorageConf& conf, std::string* where) {
  arrow::fs::S3Options options;
  const auto access_key = ConfValue(conf, "fs.s3a.access.key");
  const auto secret_key = ConfValue(conf, "fs.s3a.secret.key");
  if (access_key && secret_key) {
    options = arrow::fs::S3Options::FromAccessKey(*access_key, *secret_key,
                                                  ConfValue(conf, "fs.s3a.session.token").value_or(""));
  } else if (access_key || secret_key) {
    return Status::Invalid("fs.s3a.access.key and fs.s3a.secret.key must be set together");
  } else {
    options = arrow::fs::S3Options::Defaults();  // AWS environment variables, profile, instance role
  }
  const bool ssl = ConfTrue(conf, "fs.s3a.connection.ssl.enabled", true);
  options.scheme = ssl ? "https" : "http";
  if (auto endpoint = ConfValue(conf, "fs.s3a.endpoint")) {
    std::string host = *endpoint;
    if (host.rfind("http://", 0) == 0) {
      options.scheme = "http";
      host = host.substr(7);
    } else if (host.rfind("https://", 0) == 0) {
      options.scheme = "https";
      host = host.substr(8);
    }
    while (!host.empty() && host.back() == '/') host.pop_back();
    options.endpoint_override = host;
    *where = "endpoint " + options.scheme + "://" + host;
  } else {
    *where = "AWS S3";
  }
  // Without a region the AWS SDK may ask the EC2 metadata service, which
  // hangs off EC2; Hadoop's S3A defaults to us-east-1 too.
  const char* env_region = std::getenv("AWS_REGION");
  if (env_region == nullptr || *env_region == '\0') env_region = std::getenv("AWS_DEFAULT_REGION");
  options.region = ConfValue(conf, "fs.s3a.endpoint.region")
                       .value_or(ConfValue(conf, "fs.s3a.region")
                                     .value_or(env_region && *env_region ? env_region : "us-east-1"));
  *where += (options.endpoint_override.empty() ? " in region " : " (region ") + options.region +
            (options.endpoint_override.empty() ? "" : ")");
  // Hadoop's default is virtual-host style; with an endpoint of its own (MinIO,
  // moto, Ceph), Arrow's default path style is what such servers expect, so
  // only an explicit false asks for virtual hosts.
  if (auto path_style = ConfValue(conf, "fs.s3a.path.style.access")) {
    options.force_virtual_addressing = Lower(*path_style) != "true";
  }
  // An unreachable store fails within seconds, not minutes.
  options.connect_timeout = ConfSeconds(conf, "fs.s3a.connection.establish.timeout", 5);
  options.request_timeout = ConfSeconds(conf, "fs.s3a.connection.timeout", 60);
  int64_t attempts = 3;
  if (auto text = ConfValue(conf, "fs.s3a.attempts.maximum")) attempts = std::max(1L, std::atol(text->c_str()));
  options.retry_strategy = arrow::fs::S3RetryStrategy::GetAwsStandardRetryStrategy(attempts);
  // Written files appear only when closed; directories are never marked.
  options.allow_bucket_creation = false;
  options.allow_bucket_deletion = false;
  return options;
}

Result<std::shared_ptr<arrow::fs::FileSystem>> S3For(const StorageConf& conf, std::string* where) {
  auto& stores = TheStores();
  std::lock_guard<std::mutex> lock(stores.mutex);
  // The AWS SDK is initialized before any of its objects (the credential
  // providers of the options) is made.
  if (!stores.s3_initialized) {
    ARROW_RETURN_NOT_OK(arrow::fs::EnsureS3Initialized());
    stores.s3_initialized = true;
  }
  ARROW_ASSIGN_OR_RAISE(auto options, S3OptionsFrom(conf, where));
  // The cache key: every option that changes the connection (the secret
  // stays in memory only, as part of the key).
  std::string key = options.scheme + "|" + options.endpoint_override + "|" + options.region + "|" +
                    (options.force_virtual_addressing ? "v" : "p") + "|" + std::to_string(options.connect_timeout) +
                    "|" + std::to_string(options.request_timeout) + "|" + options.GetAccessKey() + "|" +
                    options.GetSecretKey() + "|" + options.GetSessionToken() + "|" +
                    ConfValue(conf, "fs.s3a.attempts.maximum").value_or("");
  if (auto it = stores.by_options.find(key); it != stores.by_options.end()) return it->second;
  ARROW_ASSIGN_OR_RAISE(auto s3, arrow::fs::S3FileSystem::Make(options));
  stores.by_options.emplace(key, s3);
  return s3;
}

}  // namespace

bool IsLocalPath(const std::string& path) {
  const auto scheme = SchemeOf(path);
  return scheme.empty() || scheme == "file";
}

Result<ResolvedPath> ResolvePath(const std::string& path, const StorageConf& conf) {
  ResolvedPath out;
  const std::string scheme = SchemeOf(path);
  if (scheme.empty() || scheme == "file") {
    std::string local = path;
    if (local.rfind("file://", 0) == 0) local = local.substr(7);
    else if (local.rfind("file:", 0) == 0) local = local.substr(5);
    std::error_code ec;
    auto absolute = std::filesystem::absolute(local, ec);
    out.fs = LocalFs();
    out.path = ec ? local : absolute.lexically_normal().string();
    while (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
    out.where = "the local disk";
    return out;
  }
  if (scheme == "s3a" || scheme == "s3" || scheme == "s3n") {
    std::string rest = path.substr(scheme.size() + 3);
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || rest.front() == '/') return Status::Invalid("an ", scheme, ":// path names no bucket: ", path);
    ARROW_ASSIGN_OR_RAISE(out.fs, S3For(conf, &out.where));
    out.path = rest;
    out.uri_prefix = scheme + "://";
    out.local = false;
    return out;
  }
  if (scheme == "hdfs" || scheme == "viewfs" || scheme == "webhdfs") {
    return Unsupported("reading and writing " + scheme +
                       ":// paths (sk8 reads local files and object stores; run the job on a real Spark cluster "
                       "through the Spark Connect gateway: sk8 serve --upstream sc://<spark-connect-host>:15002)");
  }
  if (scheme == "gs" || scheme == "abfs" || scheme == "abfss" || scheme == "wasb" || scheme == "wasbs") {
    return Unsupported("reading and writing " + scheme +
                       ":// paths (sk8 reads local files, s3a:// and s3://; the gateway to real Spark, sk8 serve "
                       "--upstream, reads the others)");
  }
  return Unsupported("reading and writing " + scheme + ":// paths");
}

Status StoreError(const ResolvedPath& where, const std::string& uri, const Status& cause) {
  if (where.local) return cause;
  std::string message = "cannot access " + uri + " at " + where.where + ": " + cause.message() +
                        ". Check spark.hadoop.fs.s3a.endpoint (and path.style.access), that the bucket exists, "
                        "and the credentials (spark.hadoop.fs.s3a.access.key / secret.key or the AWS "
                        "environment).";
  auto detail = std::make_shared<SparkErrorDetail>(SparkExceptionKind::kRuntime, "OBJECT_STORE_ERROR.SK8",
                                                   MessageParameters{{"path", uri}, {"store", where.where},
                                                                     {"cause", cause.message()}},
                                                   "58030");
  return Status(arrow::StatusCode::IOError, "[OBJECT_STORE_ERROR.SK8] " + message + " SQLSTATE: 58030",
                std::move(detail));
}

Status CheckBucket(const ResolvedPath& where, const std::string& uri) {
  if (where.local) return Status::OK();
  const std::string bucket = where.path.substr(0, where.path.find('/'));
  auto info = where.fs->GetFileInfo(bucket);
  if (!info.ok()) return StoreError(where, uri, info.status());
  if (info->type() == arrow::fs::FileType::NotFound) {
    return StoreError(where, uri, Status::IOError("bucket '", bucket, "' does not exist"));
  }
  return Status::OK();
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInputFile(const std::string& path, const StorageConf& conf,
                                                                   arrow::MemoryPool* pool) {
  ARROW_ASSIGN_OR_RAISE(auto where, ResolvePath(path, conf));
  if (where.local) {
    // Read, not memory-mapped, into the query's pool.
    ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::ReadableFile::Open(where.path, pool));
    return file;
  }
  auto file = where.fs->OpenInputFile(where.path);
  if (!file.ok()) return StoreError(where, path, file.status());
  return *file;
}

Result<int64_t> FileSize(const std::string& path, const StorageConf& conf) {
  ARROW_ASSIGN_OR_RAISE(auto where, ResolvePath(path, conf));
  auto info = where.fs->GetFileInfo(where.path);
  if (!info.ok()) return StoreError(where, path, info.status());
  if (info->type() != arrow::fs::FileType::File) return Status::IOError("not a file: ", path);
  return info->size();
}

void FinalizeFileSystems() {
  auto& stores = TheStores();
  std::lock_guard<std::mutex> lock(stores.mutex);
  stores.by_options.clear();
  if (stores.s3_initialized) {
    ARROW_UNUSED(arrow::fs::FinalizeS3());
    stores.s3_initialized = false;
  }
}

}  // namespace sk8::io
