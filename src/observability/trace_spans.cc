#include "observability/trace_spans.h"

#include <random>

#include <nlohmann/json.hpp>

namespace sk8::observability {

namespace {

std::string RandomHex(size_t bytes) {
  thread_local std::mt19937_64 random(std::random_device{}());
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  while (out.size() < bytes * 2) {
    uint64_t value = random();
    for (int i = 0; i < 16 && out.size() < bytes * 2; ++i, value >>= 4) out += kDigits[value & 15];
  }
  return out;
}

SpanAttribute Text(std::string key, std::string value) {
  return SpanAttribute{std::move(key), std::move(value), 0, false};
}
SpanAttribute Int(std::string key, int64_t value) { return SpanAttribute{std::move(key), "", value, true}; }

void AddOperators(const OperatorProfile& node, const Span& parent, int64_t start, int64_t end,
                  std::vector<Span>* spans) {
  Span span;
  span.trace_id = parent.trace_id;
  span.span_id = RandomHex(8);
  span.parent_span_id = parent.span_id;
  span.name = node.name;
  span.start_unix_nanos = start;
  span.end_unix_nanos = end;
  span.attributes.push_back(Text("sk8.operator", node.name));
  if (!node.details.empty()) span.attributes.push_back(Text("sk8.operator.details", node.details.substr(0, 1000)));
  if (node.output_rows >= 0) span.attributes.push_back(Int("sk8.operator.output_rows", node.output_rows));
  spans->push_back(span);
  for (const auto& child : node.children) AddOperators(child, span, start, end, spans);
}

}  // namespace

std::vector<Span> QuerySpans(const ExecutionRecord& record) {
  std::vector<Span> spans;
  Span root;
  root.trace_id = RandomHex(16);
  root.span_id = RandomHex(8);
  root.name = "ExecutePlan";
  root.kind = 2;
  root.start_unix_nanos = record.start_unix_nanos;
  root.end_unix_nanos = record.end_unix_nanos;
  root.attributes = {Text("sk8.operation_id", record.operation_id),
                     Text("sk8.session_id", record.session_id),
                     Text("enduser.id", record.user),
                     Text("sk8.status", record.succeeded ? "succeeded" : "failed"),
                     Text("db.query.text", record.description.substr(0, 4000)),
                     Int("sk8.rows_read", record.rows_read),
                     Int("sk8.bytes_read", record.bytes_read),
                     Int("sk8.rows_returned", record.rows_returned),
                     Int("sk8.cpu_nanos", record.cpu_nanos),
                     Int("sk8.peak_memory_bytes", record.peak_memory_bytes)};
  if (record.succeeded) {
    root.status_code = 1;
  } else {
    root.status_code = 2;
    root.status_message = record.error_message.substr(0, 4000);
    root.attributes.push_back(Text("error.type", record.error_class));
  }
  spans.push_back(root);
  for (const auto& phase : record.profile.phases) {
    Span span;
    span.trace_id = root.trace_id;
    span.span_id = RandomHex(8);
    span.parent_span_id = root.span_id;
    span.name = phase.name;
    span.start_unix_nanos = phase.start_unix_nanos;
    span.end_unix_nanos = phase.end_unix_nanos;
    spans.push_back(span);
    if (phase.name == "execute" && record.profile.plan) {
      AddOperators(*record.profile.plan, span, phase.start_unix_nanos, phase.end_unix_nanos, &spans);
    }
  }
  return spans;
}

std::string OtlpJson(const std::vector<Span>& spans, const std::string& service_name) {
  using Json = nlohmann::ordered_json;
  auto attribute = [](const SpanAttribute& a) {
    // OTLP's JSON mapping writes 64-bit integers as strings.
    Json value = a.is_int ? Json{{"intValue", std::to_string(a.int_value)}} : Json{{"stringValue", a.string_value}};
    return Json{{"key", a.key}, {"value", value}};
  };
  Json encoded = Json::array();
  for (const auto& span : spans) {
    Json s = Json::object();
    s["traceId"] = span.trace_id;
    s["spanId"] = span.span_id;
    if (!span.parent_span_id.empty()) s["parentSpanId"] = span.parent_span_id;
    s["name"] = span.name;
    s["kind"] = span.kind;
    s["startTimeUnixNano"] = std::to_string(span.start_unix_nanos);
    s["endTimeUnixNano"] = std::to_string(span.end_unix_nanos);
    Json attributes = Json::array();
    for (const auto& a : span.attributes) attributes.push_back(attribute(a));
    s["attributes"] = std::move(attributes);
    Json status = {{"code", span.status_code}};
    if (!span.status_message.empty()) status["message"] = span.status_message;
    s["status"] = std::move(status);
    encoded.push_back(std::move(s));
  }
  Json request = {
      {"resourceSpans",
       Json::array({{{"resource", {{"attributes", Json::array({attribute(Text("service.name", service_name))})}}},
                     {"scopeSpans",
                      Json::array({{{"scope", {{"name", "sk8"}, {"version", SK8_VERSION}}}, {"spans", encoded}}})}}})}};
  return request.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sk8::observability
