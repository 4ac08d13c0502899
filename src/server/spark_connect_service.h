#pragma once

#include <chrono>
#include <memory>

#include "gateway/route_policy.h"
#include "gateway/upstream_client.h"
#include "server/execution_report.h"
#include "server/server_conf.h"
#include "server/session.h"
#include "spark/connect/base.grpc.pb.h"

namespace sk8::server {

/// The SparkConnectService: every RPC of Spark 3.5 and 4.x clients.
class SparkConnectServiceImpl final : public spark::connect::SparkConnectService::Service {
 public:
  explicit SparkConnectServiceImpl(ConnectServerConf conf);

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
  /// The upstream Spark Connect server (sk8.upstream.url), or null.
  gateway::UpstreamClient* upstream() { return upstream_.get(); }
  /// The event log and tracer finished operations are reported to (before serving).
  void SetObservers(QueryObservers observers) { observers_ = observers; }

 private:
  grpc::Status StreamResponses(grpc::ServerContext* context,
                               grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer, Session& session,
                               const std::shared_ptr<Operation>& op, int64_t start);

  // The scale-out gateway (gateway_routing.cc): where a plan runs, and the
  // calls passed through to the upstream Spark Connect server.
  gateway::Route RouteOf(Session& session) const;
  gateway::RouteDecision DecideRoute(Session& session, const spark::connect::Plan& plan,
                                     const std::string& operation_id);
  Status SyncUpstream(Session& session, gateway::UpstreamSession& upstream,
                      const spark::connect::UserContext& user, const std::string& client_type,
                      const spark::connect::Plan* plan);
  /// After a command ran in sk8: remembers what the upstream session must replay.
  void RecordSessionState(Session& session, const spark::connect::Plan& plan);
  grpc::Status ExecuteUpstream(grpc::ServerContext* context, const spark::connect::ExecutePlanRequest& request,
                               grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer,
                               const std::shared_ptr<Session>& session, const std::string& operation_id,
                               bool reattachable);
  grpc::Status ReattachUpstream(grpc::ServerContext* context, const spark::connect::ReattachExecuteRequest& request,
                                grpc::ServerWriter<spark::connect::ExecutePlanResponse>* writer,
                                const std::shared_ptr<Session>& session);
  /// AnalyzePlan under sk8.route: the upstream's answer, or nullopt for sk8 to
  /// answer (then `native_note` is what EXPLAIN adds about the route).
  std::optional<grpc::Status> RouteAnalyze(const spark::connect::AnalyzePlanRequest& request,
                                           spark::connect::AnalyzePlanResponse* response,
                                           const std::shared_ptr<Session>& session, std::string* native_note);
  grpc::Status AnalyzeUpstream(const spark::connect::AnalyzePlanRequest& request,
                               spark::connect::AnalyzePlanResponse* response, const std::shared_ptr<Session>& session,
                               const std::string& route_note);
  /// nullopt: a read of sk8's own keys, answered by sk8.
  std::optional<grpc::Status> ConfigUpstream(const spark::connect::ConfigRequest& request,
                                             spark::connect::ConfigResponse* response,
                                             const std::shared_ptr<Session>& session);
  /// An upstream call's failure as the client's status: Spark's errors unchanged,
  /// the upstream's unavailability as sk8's clear error.
  grpc::Status UpstreamStatus(const grpc::Status& status, Session* session);

  const ConnectServerConf conf_;
  std::unique_ptr<gateway::UpstreamClient> upstream_;
  int trim_rounds_left_ = 0;  // Janitor() only (one thread)
  int64_t last_memory_in_use_ = 0;  // Janitor() only: the server's tracked bytes at its last pass
  SessionManager sessions_;
  QueryObservers observers_;
};

/// Spark's StructType.treeString for printSchema.
std::string TreeString(const arrow::Schema& schema, int level);

}  // namespace sk8::server
