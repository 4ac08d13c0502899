#pragma once

#include <map>
#include <memory>
#include <string>

#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>
#include <arrow/memory_pool.h>

#include "common/spark_error.h"
#include "io/storage_conf.h"

/// Where a path's bytes live: the local disk or an object store (s3a:// and
/// s3:// through Arrow's S3FileSystem). Listing, every reader and the writers
/// open paths only through here, so none of them knows which store a file is in.
namespace sk8::io {

/// The StorageConf keys read for s3a:// and s3:// paths (all optional):
///   fs.s3a.endpoint                  http://host:port, https://host, or host[:port]
///   fs.s3a.endpoint.region / fs.s3a.region
///   fs.s3a.path.style.access         true: path-style; false: virtual-host style
///   fs.s3a.access.key / secret.key / session.token
///                                    else the AWS environment / profile chain
///   fs.s3a.connection.ssl.enabled    the scheme of an endpoint given as host:port
///   fs.s3a.connection.establish.timeout (ms), fs.s3a.connection.timeout (ms;
///                                    Arrow applies it on Windows and macOS only)
///   fs.s3a.attempts.maximum

/// A path resolved to its filesystem: `path` is the path inside `fs`
/// ("bucket/key" for S3, an absolute path on the local disk); `uri_prefix`
/// turns such a path back into the user's form ("s3a://", "" for local files).
struct ResolvedPath {
  std::shared_ptr<arrow::fs::FileSystem> fs;
  std::string path;
  std::string uri_prefix;
  bool local = true;
  /// For messages: where the store is ("endpoint http://127.0.0.1:9000").
  std::string where;

  /// The user-facing form of a path inside `fs`.
  std::string Uri(const std::string& inner) const { return uri_prefix + inner; }
};

/// Whether `path` names a local file (a bare path or file:).
bool IsLocalPath(const std::string& path);

/// The filesystem of `path` with the session's `conf`. Object-store
/// filesystems are cached per option set. hdfs://, gs://, abfs[s]:// and
/// wasb[s]:// are refused by name (UNSUPPORTED).
Result<ResolvedPath> ResolvePath(const std::string& path, const StorageConf& conf);

/// `path` for reading at random offsets; local reads allocate from `pool`.
Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInputFile(const std::string& path, const StorageConf& conf,
                                                                   arrow::MemoryPool* pool);

/// The size of the file at `path`, or PATH_NOT_FOUND.
Result<int64_t> FileSize(const std::string& path, const StorageConf& conf);

/// A clear error for a failed object-store call on `uri`: what failed, the
/// store's address and what to check (endpoint, credentials, bucket).
Status StoreError(const ResolvedPath& where, const std::string& uri, const Status& cause);

/// For a path found missing: a StoreError when its bucket is missing too (a
/// wrong bucket name or endpoint is told apart from a missing key), else OK.
Status CheckBucket(const ResolvedPath& where, const std::string& uri);

/// Releases the cached object-store filesystems and shuts the AWS SDK down
/// (once, at server exit).
void FinalizeFileSystems();

}  // namespace sk8::io
