#pragma once

#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "plan/bound_expression.h"

namespace sk8::exec {

/// Spark's Dataset.showString layout: header, cells cast to strings (NULL for
/// nulls), cells longer than `truncate` cut with "...", right-aligned when
/// truncating, "only showing top N rows" when more rows exist; or the vertical
/// "-RECORD i-" form. `rows` holds at most num_rows + 1 rows.
Result<std::string> FormatShowString(const std::vector<std::shared_ptr<arrow::RecordBatch>>& rows,
                                     const arrow::Schema& schema, int32_t num_rows, int32_t truncate,
                                     bool vertical, const plan::EvalContext& ctx);

/// Display width of a string: East Asian wide and full-width characters count 2.
int DisplayWidth(const std::string& utf8);

}  // namespace sk8::exec
