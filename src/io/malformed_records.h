#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/array.h>
#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include "io/data_source.h"

/// Spark's parse modes for text formats (CSV, JSON): what happens to a record
/// that does not parse or convert.
namespace sk8::io {

enum class ParseMode { kPermissive, kDropMalformed, kFailFast };

/// The `mode` option (any case; anything else is PERMISSIVE, as in Spark).
Result<ParseMode> ParseModeOption(const SourceOptions& options);

/// Where the corrupt-record column (columnNameOfCorruptRecord, a STRING
/// column of the schema) sits, and the position of every other column among
/// the values a record carries.
struct CorruptRecordLayout {
  int corrupt_index = -1;          // in the data schema; -1: none
  int data_width = 0;              // columns a record carries
  std::vector<int> data_position;  // per data-schema column; -1 for the corrupt column
  static CorruptRecordLayout Of(const arrow::Schema& data_schema, const std::string& corrupt_column);
};

/// The malformed rows of a batch being read, and the mode applied at the end.
class MalformedRows {
 public:
  explicit MalformedRows(int64_t rows) : malformed_(static_cast<size_t>(rows), 0) {}
  void Mark(int64_t row) {
    malformed_[static_cast<size_t>(row)] = 1;
    any_ = true;
  }

  /// The batch of `columns` (`arrays` holds the converted ones; the corrupt
  /// column's slot is filled here): PERMISSIVE keeps every row and puts the
  /// text of malformed ones in the corrupt column, DROPMALFORMED drops them,
  /// FAILFAST fails on the first with Spark's error naming the file.
  Result<std::shared_ptr<arrow::RecordBatch>> Finish(ParseMode mode, const std::string& path,
                                                     const arrow::Schema& data_schema, const std::vector<int>& columns,
                                                     const CorruptRecordLayout& layout,
                                                     const std::vector<std::string_view>& raw,
                                                     std::vector<std::shared_ptr<arrow::Array>> arrays,
                                                     arrow::MemoryPool* pool) const;

 private:
  std::vector<uint8_t> malformed_;
  bool any_ = false;
};

}  // namespace sk8::io
