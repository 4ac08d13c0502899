#pragma once

#include <memory>

#include "io/data_source.h"

namespace sk8::io {

/// spark.read.text: one `value` STRING row per line (lineSep, or \n, \r\n,
/// \r), or one row per file with wholetext.
Result<DataSourcePtr> MakeTextSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema);

}  // namespace sk8::io
