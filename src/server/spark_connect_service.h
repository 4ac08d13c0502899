#pragma once

#include <chrono>
#include <memory>

#include "server/server_conf.h"
#include "server/session.h"
#include "spark/connect/base.grpc.pb.h"

namespace sk8::server {

/// The SparkConnectService: every RPC of Spark 3.5 and 4.x clients.
class SparkConnectServiceImpl final : public spark::connect::SparkConnectService::Service {
 public:
  explicit SparkConnectServiceImpl(ConnectServerConf conf) : conf_(conf), sessions_(conf_.session_defaults) {}

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
  /// Abandons operations detached for longer than detachedTimeout and drops
  /// sessions idle for longer than the session timeout.
  void Janitor();

 private:
  grpc::Status StreamResponses(grpc::ServerContext* context,
                               grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer, Session& session,
                               const std::shared_ptr<Operation>& op, int64_t start);

  const ConnectServerConf conf_;
  int trim_rounds_left_ = 0;  // Janitor() only (one thread)
  int64_t last_memory_in_use_ = 0;  // Janitor() only: the server's tracked bytes at its last pass
  SessionManager sessions_;
};

/// Spark's StructType.treeString for printSchema.
std::string TreeString(const arrow::Schema& schema, int level);

}  // namespace sk8::server
