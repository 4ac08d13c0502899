#pragma once

#include <string>
#include <vector>

#include "common/spark_error.h"
#include "io/data_source.h"

/// Turning the paths a user gives (files, directories, globs) into the data
/// files to read. Local filesystem for now; object stores plug in here.
namespace sk8::io {

/// Files under `paths` as Spark lists them: a glob stands for the paths it
/// matches, a directory for the files in it (recursively through partition
/// directories), skipping names that start with "_" or "." (_SUCCESS, .crc
/// files). Options: pathGlobFilter (a glob the file names must match),
/// recursiveFileLookup. A missing path (or a glob matching nothing) is
/// PATH_NOT_FOUND; hdfs:// and object stores are refused by name.
Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths,
                                               const SourceOptions& options = {});

/// "file:/abs/path" form Spark uses in messages (PATH_NOT_FOUND).
std::string QualifiedPath(const std::string& path);
/// "file:///abs/path", the URI form Spark names a file by when reading it fails.
std::string FileUri(const std::string& path);

}  // namespace sk8::io
