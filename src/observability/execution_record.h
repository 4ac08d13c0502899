#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "observability/query_profile.h"

namespace sk8::observability {

/// One finished ExecutePlan operation, as the event log and the tracer see it.
struct ExecutionRecord {
  std::string operation_id;
  std::string session_id;
  std::string user;
  /// What ran, for people: the SQL text, or the kind of DataFrame operation.
  std::string description;
  std::vector<std::string> tags;
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
  bool succeeded = true;
  std::string error_class;    // when failed
  std::string error_message;  // when failed: Spark's message, with its error class
  std::string error_type;     // when failed: the JVM exception class a Spark client sees
  QueryProfile profile;
  int64_t rows_read = 0;
  int64_t bytes_read = 0;
  int64_t rows_returned = 0;
  int64_t bytes_returned = 0;
  int64_t cpu_nanos = 0;
  int64_t peak_memory_bytes = 0;
};

}  // namespace sk8::observability
