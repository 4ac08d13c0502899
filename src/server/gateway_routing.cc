// The scale-out gateway's side of the SparkConnectService: where each plan
// runs (sk8.route), and the calls passed through to the upstream Spark Connect
// server with the client's ids kept (only session ids are rewritten).
#include <regex>

#include "common/logging.h"
#include "connect/plan_converter.h"
#include "engine/engine.h"
#include "gateway/upstream_session.h"
#include "observability/metrics.h"
#include "plan/command.h"
#include "server/error_mapping.h"
#include "server/plan_execution.h"
#include "server/spark_connect_service.h"

namespace sk8::server {

namespace proto = spark::connect;
using gateway::Route;
using gateway::RouteDecision;

namespace {

// A catalog call runs when it is planned, so it is never analyzed twice; sk8
// runs them all. Commands a SQL text turns into (DDL, SHOW, SET) run in sk8 too.
Status DryAnalyzeRelation(Session& session, const proto::Relation& relation) {
  if (relation.rel_type_case() == proto::Relation::kCatalog) return Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto unresolved, connect::ConvertRelation(relation, ConvertContextFor(session)));
  if (plan::IsCommand(unresolved)) return Status::OK();
  return engine::Analyze(unresolved, QueryContextFor(session, nullptr)).status();
}

/// Analyzes the whole plan without running it: what sk8 lacks shows up as
/// UNSUPPORTED (or an unknown Spark function) before anything ran.
Status DryAnalyzePlan(Session& session, const proto::Plan& plan) {
  if (plan.has_root()) return DryAnalyzeRelation(session, plan.root());
  if (!plan.has_command()) return Status::OK();
  const auto& command = plan.command();
  switch (command.command_type_case()) {
    case proto::Command::kSqlCommand:
      return DryAnalyzeRelation(session, SqlCommandRelation(command.sql_command()));
    case proto::Command::kWriteOperation: return DryAnalyzeRelation(session, command.write_operation().input());
    case proto::Command::kCreateDataframeView:
      return DryAnalyzeRelation(session, command.create_dataframe_view().input());
    case proto::Command::kCheckpointCommand:
      return DryAnalyzeRelation(session, command.checkpoint_command().relation());
    case proto::Command::kRemoveCachedRemoteRelationCommand: return Status::OK();
    case proto::Command::kMlCommand:  // sk8 answers the clean_cache every client sends at exit
      if (command.ml_command().has_clean_cache()) return Status::OK();
      return Unsupported("command ml_command");
    default: {  // what RunCommand answers UNSUPPORTED
      const auto* field = command.GetDescriptor()->FindFieldByNumber(command.command_type_case());
      return Unsupported("command " + (field ? field->name() : std::to_string(command.command_type_case())));
    }
  }
}

/// The plan an AnalyzePlan request is about, as a Plan (null: none).
std::optional<proto::Plan> PlanOf(const proto::AnalyzePlanRequest& request) {
  auto wrap = [](const proto::Relation& relation) {
    proto::Plan plan;
    *plan.mutable_root() = relation;
    return plan;
  };
  switch (request.analyze_case()) {
    case proto::AnalyzePlanRequest::kSchema: return request.schema().plan();
    case proto::AnalyzePlanRequest::kExplain: return request.explain().plan();
    case proto::AnalyzePlanRequest::kTreeString: return request.tree_string().plan();
    case proto::AnalyzePlanRequest::kIsLocal: return request.is_local().plan();
    case proto::AnalyzePlanRequest::kIsStreaming: return request.is_streaming().plan();
    case proto::AnalyzePlanRequest::kInputFiles: return request.input_files().plan();
    case proto::AnalyzePlanRequest::kSemanticHash: return request.semantic_hash().plan();
    case proto::AnalyzePlanRequest::kSameSemantics: return request.same_semantics().target_plan();
    case proto::AnalyzePlanRequest::kPersist: return wrap(request.persist().relation());
    case proto::AnalyzePlanRequest::kUnpersist: return wrap(request.unpersist().relation());
    case proto::AnalyzePlanRequest::kGetStorageLevel: return wrap(request.get_storage_level().relation());
    default: return std::nullopt;
  }
}

/// SQL that changes session state, replayed in the upstream session.
bool ChangesSessionState(const std::string& sql) {
  static const std::regex kStateful(R"(^\s*(CREATE\s+(OR\s+REPLACE\s+)?(GLOBAL\s+)?TEMP(ORARY)?\s+VIEW|USE\s|SET\s))",
                                    std::regex::icase | std::regex::optimize);
  return std::regex_search(sql, kStateful);
}

template <typename Request>
void ToUpstream(Request* request, const gateway::UpstreamSession& upstream, const gateway::UpstreamUrl& url) {
  request->set_session_id(upstream.session_id());
  request->clear_client_observed_server_side_session_id();
  if (!url.user_id.empty()) request->mutable_user_context()->set_user_id(url.user_id);
}

template <typename Response>
void FromUpstream(Response* response, const Session& session, gateway::UpstreamSession& upstream) {
  upstream.ObserveServerSideSessionId(response->server_side_session_id());
  response->set_session_id(session.session_id());
  response->set_server_side_session_id(session.server_side_session_id());
}

}  // namespace

SparkConnectServiceImpl::SparkConnectServiceImpl(ConnectServerConf conf)
    : conf_(std::move(conf)), sessions_(conf_.session_defaults) {
  if (conf_.upstream_url.empty()) return;
  auto url = gateway::ParseUpstreamUrl(conf_.upstream_url);  // checked by ConnectServerConf::Set
  if (url.ok()) upstream_ = std::make_unique<gateway::UpstreamClient>(*url);
}

Route SparkConnectServiceImpl::RouteOf(Session& session) const {
  if (!upstream_) return Route::kNative;
  auto value = session.conf().GetOption(gateway::kRouteKey);
  if (!value) return Route::kAuto;  // an upstream is there to be used
  return gateway::ParseRoute(*value).value_or(Route::kAuto);
}

RouteDecision SparkConnectServiceImpl::DecideRoute(Session& session, const proto::Plan& raw,
                                                   const std::string& operation_id) {
  RouteDecision decision;
  switch (RouteOf(session)) {
    case Route::kNative: decision = {false, "route=native", "sk8.route=native"}; break;
    case Route::kUpstream: decision = {true, "route=upstream", "sk8.route=upstream"}; break;
    case Route::kAuto: {
      proto::Plan plan;
      Status decoded = DecodePlan(raw, &plan);
      if (!decoded.ok()) {
        decision = {false, "user_error", "the plan cannot be decoded; sk8 answers the error"};
        break;
      }
      int64_t max_bytes = 0;
      if (auto value = session.conf().GetOption(gateway::kMaxNativeBytesKey)) {
        max_bytes = ParseSparkBytes(*value).value_or(0);
      }
      int64_t input_bytes = max_bytes > 0 ? gateway::EstimateInputBytes(plan) : -1;
      decision = gateway::DecideAuto(DryAnalyzePlan(session, plan), input_bytes, max_bytes);
      break;
    }
  }
  // Schema and EXPLAIN requests come often: their decisions are logged at debug.
  auto level = operation_id.empty() ? LogLevel::kDebug : LogLevel::kInfo;
  Log(level, "route", {{"session", session.session_id()},
                       {"operation", operation_id.empty() ? "analyze" : operation_id},
                       {"runs", decision.upstream ? "upstream" : "native"},
                       {"reason", decision.reason},
                       {"detail", decision.detail},
                       {"upstream", upstream_->url().ToDisplayString()}});
  return decision;
}

Status SparkConnectServiceImpl::SyncUpstream(Session& session, gateway::UpstreamSession& upstream,
                                             const proto::UserContext& user, const std::string& client_type,
                                             const proto::Plan* plan) {
  proto::UserContext upstream_user = user;
  if (!upstream_->url().user_id.empty()) upstream_user.set_user_id(upstream_->url().user_id);
  auto artifacts = [&session](const std::string& name) { return session.FindArtifact(name); };
  return upstream.Sync(*upstream_, upstream_user, client_type, artifacts, plan);
}

void SparkConnectServiceImpl::RecordSessionState(Session& session, const proto::Plan& raw) {
  proto::Plan plan;
  if (!DecodePlan(raw, &plan).ok()) return;
  auto upstream = session.upstream();
  if (plan.has_command()) {
    const auto& command = plan.command();
    if (command.has_create_dataframe_view()) {
      upstream->RecordStateCommand(command);
    } else if (command.has_sql_command()) {
      auto relation = SqlCommandRelation(command.sql_command());
      if (relation.has_sql() && ChangesSessionState(relation.sql().query())) upstream->RecordStateCommand(command);
    }
    return;
  }
  if (plan.has_root() && plan.root().has_catalog() && plan.root().catalog().has_set_current_database()) {
    proto::Command use;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // The field Spark 3.5 and 4.x servers both read.
    use.mutable_sql_command()->set_sql("USE " + QuoteIdentifier(plan.root().catalog().set_current_database().db_name()));
#pragma GCC diagnostic pop
    upstream->RecordStateCommand(std::move(use));
  }
}

grpc::Status SparkConnectServiceImpl::UpstreamStatus(const grpc::Status& status, Session* session) {
  if (auto failure = upstream_->TransportFailure(status)) {
    LogWarn("upstream call failed", {{"upstream", upstream_->url().ToDisplayString()},
                                     {"grpc_code", std::to_string(status.error_code())},
                                     {"error", status.error_message()}});
    return ToGrpcStatus(*failure, session);
  }
  return status;  // Spark's error, with its details, as Spark sent it
}

grpc::Status SparkConnectServiceImpl::ExecuteUpstream(grpc::ServerContext* context,
                                                      const proto::ExecutePlanRequest& request,
                                                      grpc::ServerWriter<proto::ExecutePlanResponse>* writer,
                                                      const std::shared_ptr<Session>& session,
                                                      const std::string& operation_id, bool reattachable) {
  auto upstream = session->upstream();
  proto::Plan decoded;
  const proto::Plan* plan = DecodePlan(request.plan(), &decoded).ok() ? &decoded : nullptr;
  if (auto status = SyncUpstream(*session, *upstream, request.user_context(), request.client_type(), plan);
      !status.ok()) {
    return ToGrpcStatus(status, session.get());
  }
  proto::ExecutePlanRequest forwarded = request;
  ToUpstream(&forwarded, *upstream, upstream_->url());
  forwarded.set_operation_id(operation_id);  // the client's, so that reattach and interrupt find it
  upstream->AddOperation(operation_id);
  observability::ServerMetrics::Instance().PlanRun("upstream");  // sk8_plans_total{engine="upstream"}
  grpc::ClientContext upstream_context;
  upstream_->Prepare(&upstream_context, std::nullopt);
  auto reader = upstream_->stub().ExecutePlan(&upstream_context, forwarded);
  bool complete = false;
  grpc::Status status = gateway::ForwardResponseStream(
      context, writer, &upstream_context, reader.get(),
      [&](proto::ExecutePlanResponse* response) { FromUpstream(response, *session, *upstream); }, &complete);
  if (!reattachable) upstream->RemoveOperation(operation_id);
  if (status.ok() && !complete && !reattachable) {
    // Never a partial answer presented as complete.
    return ToGrpcStatus(upstream_->Unreachable("the result stream ended before ResultComplete"), session.get());
  }
  return UpstreamStatus(status, session.get());
}

grpc::Status SparkConnectServiceImpl::ReattachUpstream(grpc::ServerContext* context,
                                                       const proto::ReattachExecuteRequest& request,
                                                       grpc::ServerWriter<proto::ExecutePlanResponse>* writer,
                                                       const std::shared_ptr<Session>& session) {
  auto upstream = session->upstream();
  proto::ReattachExecuteRequest forwarded = request;
  ToUpstream(&forwarded, *upstream, upstream_->url());
  grpc::ClientContext upstream_context;
  upstream_->Prepare(&upstream_context, std::nullopt);
  auto reader = upstream_->stub().ReattachExecute(&upstream_context, forwarded);
  bool complete = false;
  grpc::Status status = gateway::ForwardResponseStream(
      context, writer, &upstream_context, reader.get(),
      [&](proto::ExecutePlanResponse* response) { FromUpstream(response, *session, *upstream); }, &complete);
  return UpstreamStatus(status, session.get());
}

grpc::Status SparkConnectServiceImpl::AnalyzeUpstream(const proto::AnalyzePlanRequest& request,
                                                      proto::AnalyzePlanResponse* response,
                                                      const std::shared_ptr<Session>& session,
                                                      const std::string& route_note) {
  auto upstream = session->upstream();
  std::optional<proto::Plan> plan = PlanOf(request);
  proto::Plan decoded;
  const proto::Plan* sync_plan = plan && DecodePlan(*plan, &decoded).ok() ? &decoded : nullptr;
  if (auto status = SyncUpstream(*session, *upstream, request.user_context(), request.client_type(), sync_plan);
      !status.ok()) {
    return ToGrpcStatus(status, session.get());
  }
  proto::AnalyzePlanRequest forwarded = request;
  ToUpstream(&forwarded, *upstream, upstream_->url());
  grpc::ClientContext upstream_context;
  upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
  grpc::Status status = upstream_->stub().AnalyzePlan(&upstream_context, forwarded, response);
  FromUpstream(response, *session, *upstream);
  if (status.ok() && response->has_explain() && !route_note.empty()) {
    response->mutable_explain()->set_explain_string(response->explain().explain_string() + route_note);
  }
  return UpstreamStatus(status, session.get());
}

std::optional<grpc::Status> SparkConnectServiceImpl::ConfigUpstream(const proto::ConfigRequest& request,
                                                     proto::ConfigResponse* response,
                                                     const std::shared_ptr<Session>& session) {
  // sk8's own keys (sk8.route, ...) live in sk8; everything else is the
  // upstream session's, whose answers (Spark's defaults) the client gets.
  auto upstream = session->upstream();
  const auto& op = request.operation();
  auto is_sk8 = [](const std::string& key) { return key.rfind("sk8.", 0) == 0; };
  proto::ConfigRequest forwarded = request;
  if (op.has_set()) {
    auto* pairs = forwarded.mutable_operation()->mutable_set()->mutable_pairs();
    pairs->Clear();
    for (const auto& pair : op.set().pairs()) {
      if (is_sk8(pair.key())) {
        if (auto status = session->conf().Set(pair.key(), pair.value()); !status.ok()) {
          return ToGrpcStatus(status, session.get());
        }
      } else {
        *pairs->Add() = pair;
        upstream->RecordConf(pair.key(), pair.value(), /*already_upstream=*/true);
      }
    }
  } else if (op.has_unset()) {
    for (const auto& key : op.unset().keys()) {
      if (is_sk8(key)) session->conf().Unset(key);
    }
  } else {
    bool local = false;
    for (const auto& key : op.get().keys()) local |= is_sk8(key);
    for (const auto& key : op.get_option().keys()) local |= is_sk8(key);
    for (const auto& pair : op.get_with_default().pairs()) local |= is_sk8(pair.key());
    if (local) return std::nullopt;
  }
  if (auto status = SyncUpstream(*session, *upstream, request.user_context(), request.client_type(), nullptr);
      !status.ok()) {
    return ToGrpcStatus(status, session.get());
  }
  ToUpstream(&forwarded, *upstream, upstream_->url());
  grpc::ClientContext upstream_context;
  upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
  grpc::Status status = upstream_->stub().Config(&upstream_context, forwarded, response);
  FromUpstream(response, *session, *upstream);
  return UpstreamStatus(status, session.get());
}

std::optional<grpc::Status> SparkConnectServiceImpl::RouteAnalyze(const proto::AnalyzePlanRequest& request,
                                                                  proto::AnalyzePlanResponse* response,
                                                                  const std::shared_ptr<Session>& session,
                                                                  std::string* native_note) {
  Route route = RouteOf(*session);
  if (route == Route::kNative) return std::nullopt;
  std::optional<proto::Plan> plan = PlanOf(request);
  RouteDecision decision{true, "route=upstream", "sk8.route=upstream"};
  if (route == Route::kAuto) {
    if (!plan) return std::nullopt;  // spark_version, DDL parsing: sk8 answers
    decision = DecideRoute(*session, *plan, "");
  }
  // EXPLAIN says where the plan runs and why.
  std::string note = "\n== sk8 route ==\n" +
                     (decision.upstream ? "upstream " + upstream_->url().ToDisplayString() : std::string("native (sk8)")) +
                     ": " + decision.detail + "\n";
  if (decision.upstream) return AnalyzeUpstream(request, response, session, note);
  *native_note = note;
  return std::nullopt;
}

}  // namespace sk8::server
