#include "server/error_mapping.h"

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/session.h"

namespace sk8::server {

Status WithSparkDetails(const Status& status) {
  if (status.ok() || GetSparkError(status) != nullptr) return status;
  if (status.IsCancelled()) return SparkError(SparkExceptionKind::kRuntime, "OPERATION_CANCELED");
  LogError("internal error", {{"status", status.ToString()}});
  return InternalError(status.ToString());
}

grpc::Status ToGrpcStatus(const Status& raw, Session* session) {
  Status status = WithSparkDetails(raw);
  const SparkErrorDetail* detail = GetSparkError(status);
  google::rpc::ErrorInfo info;
  info.set_reason(detail->JvmClassHierarchy().front());
  info.set_domain("org.apache.spark");
  auto& metadata = *info.mutable_metadata();
  metadata["classes"] = nlohmann::json(detail->JvmClassHierarchy()).dump();
  // A plain JVM exception (no error class) has no class or parameters to decode.
  const bool classless = detail->error_class().empty();
  if (!classless) metadata["errorClass"] = detail->error_class();
  if (!detail->sql_state().empty()) metadata["sqlState"] = detail->sql_state();
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [k, v] : detail->parameters()) params[k] = v;
  std::string params_json = params.dump();
  if (params_json.size() <= 1024 && !classless) metadata["messageParameters"] = params_json;
  if (session != nullptr) metadata["errorId"] = session->RememberError(status);

  google::rpc::Status rpc_status;
  rpc_status.set_code(grpc::StatusCode::INTERNAL);
  std::string message = status.message();
  constexpr size_t kMaxMessage = 2048;  // keep trailers small, as Spark does
  if (message.size() > kMaxMessage) message = message.substr(0, kMaxMessage);
  rpc_status.set_message(message);
  rpc_status.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::INTERNAL, message, rpc_status.SerializeAsString());
}

void FillErrorDetails(const Status& raw, spark::connect::FetchErrorDetailsResponse* response) {
  Status status = WithSparkDetails(raw);
  const SparkErrorDetail* detail = GetSparkError(status);
  auto* error = response->add_errors();
  for (const auto& cls : detail->JvmClassHierarchy()) error->add_error_type_hierarchy(cls);
  error->set_message(status.message());
  auto* throwable = error->mutable_spark_throwable();
  if (!detail->error_class().empty()) {
    throwable->set_error_class(detail->error_class());
    for (const auto& [k, v] : detail->parameters()) (*throwable->mutable_message_parameters())[k] = v;
  }
  if (!detail->sql_state().empty()) throwable->set_sql_state(detail->sql_state());
  response->set_root_error_idx(0);
}

}  // namespace sk8::server
