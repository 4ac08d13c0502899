#pragma once

#include <map>
#include <memory>
#include <string>

namespace sk8::io {

/// The Hadoop configuration a session reads and writes files with: its confs
/// named "spark.hadoop.fs.*" or "fs.*", keyed without the "spark.hadoop."
/// prefix ("fs.s3a.endpoint"). io/filesystems.h lists the keys it reads.
using StorageConf = std::map<std::string, std::string>;
using StorageConfPtr = std::shared_ptr<const StorageConf>;

}  // namespace sk8::io
