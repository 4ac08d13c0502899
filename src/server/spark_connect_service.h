#pragma once

#include <chrono>
#include <memory>

#include "server/session.h"
#include "spark/connect/base.grpc.pb.h"

namespace sk8::server {

struct ServiceOptions {
  /// A reattachable stream ends (without ResultComplete) after this many bytes
  /// or this long, and the client reattaches: Spark's senderMaxStreamSize and
  /// senderMaxStreamDuration.
  int64_t max_stream_bytes = 1LL << 30;
  std::chrono::milliseconds max_stream_duration{120000};
};

/// The SparkConnectService: every RPC of Spark 3.5 and 4.x clients.
class SparkConnectServiceImpl final : public spark::connect::SparkConnectService::Service {
 public:
  explicit SparkConnectServiceImpl(ServiceOptions options) : options_(options) {}

  grpc::Status ExecutePlan(grpc::ServerContext* context, const spark::connect::ExecutePlanRequest* request,
                           grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer) override;
  grpc::Status AnalyzePlan(grpc::ServerContext* context, const spark::connect::AnalyzePlanRequest* request,
                           spark::connect::AnalyzePlanResponse* response) override;
  grpc::Status Config(grpc::ServerContext* context, const spark::connect::ConfigRequest* request,
                      spark::connect::ConfigResponse* response) override;
  grpc::Status AddArtifacts(grpc::ServerContext* context,
                            grpc::ServerReader<spark::connect::AddArtifactsRequest>* reader,
                            spark::connect::AddArtifactsResponse* response) override;
  grpc::Status ArtifactStatus(grpc::ServerContext* context, const spark::connect::ArtifactStatusesRequest* request,
                              spark::connect::ArtifactStatusesResponse* response) override;
  grpc::Status Interrupt(grpc::ServerContext* context, const spark::connect::InterruptRequest* request,
                         spark::connect::InterruptResponse* response) override;
  grpc::Status ReattachExecute(grpc::ServerContext* context, const spark::connect::ReattachExecuteRequest* request,
                               grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer) override;
  grpc::Status ReleaseExecute(grpc::ServerContext* context, const spark::connect::ReleaseExecuteRequest* request,
                              spark::connect::ReleaseExecuteResponse* response) override;
  grpc::Status ReleaseSession(grpc::ServerContext* context, const spark::connect::ReleaseSessionRequest* request,
                              spark::connect::ReleaseSessionResponse* response) override;
  grpc::Status FetchErrorDetails(grpc::ServerContext* context,
                                 const spark::connect::FetchErrorDetailsRequest* request,
                                 spark::connect::FetchErrorDetailsResponse* response) override;
  grpc::Status CloneSession(grpc::ServerContext* context, const spark::connect::CloneSessionRequest* request,
                            spark::connect::CloneSessionResponse* response) override;

  SessionManager& sessions() { return sessions_; }
  /// Cancels every running operation (server shutdown).
  void CancelAll();
  /// Drops idle sessions and released-but-forgotten operations.
  void Janitor(std::chrono::seconds session_timeout);

 private:
  grpc::Status StreamResponses(grpc::ServerContext* context,
                               grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer, Session& session,
                               const std::shared_ptr<Operation>& op, int64_t start);

  ServiceOptions options_;
  SessionManager sessions_;
};

/// Spark's StructType.treeString for printSchema.
std::string TreeString(const arrow::Schema& schema, int level);

}  // namespace sk8::server
