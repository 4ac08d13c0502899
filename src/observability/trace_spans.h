#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observability/execution_record.h"

/// OpenTelemetry spans of a query and their OTLP/HTTP JSON encoding
/// (opentelemetry-proto's ExportTraceServiceRequest in its JSON mapping).
namespace sk8::observability {

struct SpanAttribute {
  std::string key;
  std::string string_value;
  int64_t int_value = 0;
  bool is_int = false;
};

struct Span {
  std::string trace_id;        // 32 hex digits
  std::string span_id;         // 16 hex digits
  std::string parent_span_id;  // empty for a root
  std::string name;
  int kind = 1;  // SPAN_KIND_INTERNAL; 2: SERVER
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
  std::vector<SpanAttribute> attributes;
  int status_code = 0;  // 0 unset, 1 ok, 2 error
  std::string status_message;
};

/// The spans of one operation: the root "ExecutePlan" (operation, session,
/// user, status, rows), a child per step (parse, analyze, optimize, execute),
/// and under execute the operator tree with each operator's rows. sk8 runs
/// operators fused in pipelines, so an operator's span covers the execute step.
std::vector<Span> QuerySpans(const ExecutionRecord& record);

/// One ExportTraceServiceRequest of `spans` from service `service_name`.
std::string OtlpJson(const std::vector<Span>& spans, const std::string& service_name);

}  // namespace sk8::observability
