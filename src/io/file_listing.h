#pragma once

#include <memory>
#include <string>

#include <arrow/scalar.h>
#include <arrow/type.h>
#include <vector>

#include "common/spark_error.h"
#include "io/data_source.h"
#include "io/filesystems.h"

/// Turning the paths a user gives (files, directories, globs) into the data
/// files to read, on the local disk or in an object store (io/filesystems.h).
namespace sk8::io {

/// Files under `paths` as Spark lists them: a glob stands for the paths it
/// matches, a directory for the files in it (recursively through partition
/// directories), skipping names that start with "_" or "." (_SUCCESS, .crc
/// files). Options: pathGlobFilter (a glob the file names must match),
/// recursiveFileLookup. A missing path (or a glob matching nothing) is
/// PATH_NOT_FOUND; hdfs:// and the stores sk8 does not read are refused by
/// name. Files come back as s3a://bucket/key or absolute local paths.
Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths,
                                               const SourceOptions& options = {}, const StorageConf& storage = {});

/// Files with the Hive-style partition columns of their directories
/// (`col=value/...` below a directory that was read), as Spark discovers
/// them: values unescaped, typed as Spark infers partition values (int, bigint,
/// decimal, double, date, timestamp, else string; __HIVE_DEFAULT_PARTITION__
/// is NULL; a column's type the widest over its values). None with
/// recursiveFileLookup.
struct ListedFiles {
  std::vector<std::string> files;
  std::shared_ptr<arrow::Schema> partition_schema;                    // no fields: not partitioned
  std::vector<std::vector<std::shared_ptr<arrow::Scalar>>> partition_values;  // per file
};
Result<ListedFiles> ListPartitionedFiles(const std::vector<std::string>& paths, const SourceOptions& options = {},
                                         const StorageConf& storage = {});

/// "file:/abs/path" form Spark uses in messages (PATH_NOT_FOUND); an
/// object-store URI as it is.
std::string QualifiedPath(const std::string& path);
/// "file:///abs/path", the URI form Spark names a file by when reading it fails.
std::string FileUri(const std::string& path);

}  // namespace sk8::io
