#pragma once

#include <string>
#include <vector>

#include "common/spark_error.h"

/// Turning the paths a user gives (files, directories, globs later) into the data
/// files to read. Local filesystem for now; object stores plug in here.
namespace sk8::io {

/// Files under `paths` as Spark lists them: a directory stands for the files in it
/// (recursively through partition directories), skipping names that start with
/// "_" or "." (_SUCCESS, .crc files). A missing path is PATH_NOT_FOUND.
Result<std::vector<std::string>> ListDataFiles(const std::vector<std::string>& paths);

/// "file:/abs/path" form Spark uses in messages.
std::string QualifiedPath(const std::string& path);

}  // namespace sk8::io
