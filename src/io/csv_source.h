#pragma once

#include <memory>

#include "io/data_source.h"

namespace sk8::io {

/// spark.read.csv with Spark's options and defaults (header, inferSchema, sep,
/// quote, escape, comment, nullValue, emptyValue, nanValue, positiveInf,
/// negativeInf, dateFormat, timestampFormat, timestampNTZFormat, encoding,
/// multiLine, lineSep, mode, columnNameOfCorruptRecord,
/// ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, samplingRatio 1 only).
/// Parsed here, not with Arrow's CSV reader: Spark's quoting, null and
/// malformed-record rules differ from Arrow's.
Result<DataSourcePtr> MakeCsvSource(const SourceOptions& options, std::shared_ptr<arrow::Schema> user_schema,
                                    const SourceContext& context);

}  // namespace sk8::io
