#pragma once

#include <memory>

#include <arrow/type.h>

#include "io/data_source.h"

namespace sk8::io {

/// Spark's merge of two files' read schemas (mergeSchema): `right`'s new
/// columns after `left`'s, matched by name case-insensitively, structs and
/// arrays merged element by element; other type differences are
/// CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE.
Result<std::shared_ptr<arrow::Schema>> MergeReadSchemas(const arrow::Schema& left, const arrow::Schema& right);

}  // namespace sk8::io
