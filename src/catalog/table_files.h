#pragma once

#include <string>
#include <vector>

#include <arrow/type.h>

#include "io/file_listing.h"

namespace sk8::catalog {

/// A partitioned catalog table's files as Spark reads them through its
/// metastore: only the registered partitions (`registered`, directories
/// relative to `root` such as "k=1/j=a"; null: every one found), with each
/// partition value typed as the table declares its column (not as inferred
/// from the directory name).
Result<io::ListedFiles> TableFiles(const io::ListedFiles& listed, const std::string& root,
                                   const arrow::Schema& partition_schema,
                                   const std::vector<std::string>* registered);

}  // namespace sk8::catalog
