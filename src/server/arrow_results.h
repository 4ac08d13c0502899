#pragma once

#include <memory>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "common/spark_error.h"

namespace sk8::server {

/// One ArrowBatch message: an Arrow IPC stream (schema + one batch) and its rows.
struct IpcPiece {
  std::string data;
  int64_t rows = 0;
};

/// Serializes a batch as IPC streams of at most about `max_bytes` each, split by
/// rows, so no response exceeds the client's message limit. Timestamp columns
/// are labelled with the session zone, as Spark sends them.
Result<std::vector<IpcPiece>> SerializeForClient(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                 const std::string& session_time_zone, int64_t max_bytes);

/// The result schema as clients expect it (timestamps in the session zone).
std::shared_ptr<arrow::Schema> ClientSchema(const arrow::Schema& schema, const std::string& session_time_zone);

}  // namespace sk8::server
