#include "server/spark_connect_service.h"

#include <functional>
#include <set>

#include <malloc.h>
#include <arrow/memory_pool.h>
#include <zlib.h>

#include <thread>

#include "common/logging.h"
#include "connect/type_converter.h"
#include "engine/engine.h"
#include "observability/metrics.h"
#include "plan/resolved_plan.h"
#include "server/error_mapping.h"
#include "server/plan_execution.h"
#include "types/spark_types.h"

namespace sk8::server {

namespace proto = spark::connect;

namespace {

Status OperationAbandoned(const std::string& operation_id) {
  return SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.OPERATION_ABANDONED", {{"handle", operation_id}});
}

const std::string* ObservedId(bool has, const std::string& value) { return has ? &value : nullptr; }

template <typename Request>
Result<std::shared_ptr<Session>> SessionFor(SessionManager& sessions, const Request& request, bool create) {
  const std::string* observed = ObservedId(request.has_client_observed_server_side_session_id(),
                                           request.client_observed_server_side_session_id());
  const std::string& user = request.user_context().user_id();
  return create ? sessions.GetOrCreate(user, request.session_id(), observed)
                : sessions.Get(user, request.session_id(), observed);
}

void AppendTree(const arrow::DataType& type, const std::string& prefix, int depth, int level, std::string* out);

/// An ExecutePlan ended: its outcome (Spark's error class when it failed),
/// time, rows and bytes go to the server's metrics and its session's usage.
void RecordQuery(Session& session, Operation& op, const Status& status, std::chrono::nanoseconds elapsed) {
  const auto& counters = op.counters();
  observability::QueryRecord record;
  record.user = session.user_id();
  record.session_id = session.session_id();
  record.succeeded = status.ok();
  if (!status.ok()) {
    const Status spark_status = status.IsCancelled() || GetSparkError(status) != nullptr
                                    ? status
                                    : InternalError(status.ToString());
    const SparkErrorDetail* detail = GetSparkError(spark_status);
    record.error_class = detail != nullptr ? detail->error_class() : "OPERATION_CANCELED";
  }
  record.seconds = std::chrono::duration<double>(elapsed).count();
  record.rows_read = counters.rows_read.load();
  record.bytes_read = counters.bytes_read.load();
  record.rows_returned = counters.rows_returned.load();
  record.bytes_returned = counters.bytes_returned.load();
  record.cpu_nanos = counters.cpu_nanos.load();
  record.peak_memory_bytes = op.peak_memory_bytes();
  session.AddUsage(record.cpu_nanos, record.bytes_read);
  observability::ServerMetrics::Instance().QueryFinished(record);
}

void AppendField(const std::string& name, const arrow::DataType& type, const std::string& suffix,
                 const std::string& prefix, int depth, int level, std::string* out) {
  if (level > 0 && depth > level) return;
  std::string type_name;
  switch (type.id()) {
    case arrow::Type::STRUCT: type_name = "struct"; break;
    case arrow::Type::LIST: type_name = "array"; break;
    case arrow::Type::MAP: type_name = "map"; break;
    default: type_name = types::JsonTypeName(type);
  }
  *out += prefix + "-- " + name + ": " + type_name + suffix + "\n";
  AppendTree(type, prefix + "    |", depth + 1, level, out);
}

void AppendTree(const arrow::DataType& type, const std::string& prefix, int depth, int level, std::string* out) {
  if (level > 0 && depth > level) return;
  switch (type.id()) {
    case arrow::Type::STRUCT:
      for (const auto& f : type.fields()) {
        AppendField(f->name(), *f->type(), " (nullable = " + std::string(f->nullable() ? "true" : "false") + ")",
                    prefix, depth, level, out);
      }
      break;
    case arrow::Type::LIST: {
      const auto& element = type.field(0);
      AppendField("element", *element->type(),
                  " (containsNull = " + std::string(element->nullable() ? "true" : "false") + ")", prefix, depth,
                  level, out);
      break;
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      AppendField("key", *map.key_type(), "", prefix, depth, level, out);
      AppendField("value", *map.item_type(),
                  " (valueContainsNull = " + std::string(map.item_field()->nullable() ? "true" : "false") + ")",
                  prefix, depth, level, out);
      break;
    }
    default: break;
  }
}

}  // namespace

std::string TreeString(const arrow::Schema& schema, int level) {
  std::string out = "root\n";
  AppendTree(*arrow::struct_(schema.fields()), " |", 1, level, &out);
  return out;
}

// ---------------------------------------------------------------------------
// ExecutePlan / ReattachExecute / ReleaseExecute

grpc::Status SparkConnectServiceImpl::StreamResponses(grpc::ServerContext* context,
                                                      grpc::ServerWriter<proto::ExecutePlanResponse>* writer,
                                                      Session& session, const std::shared_ptr<Operation>& op,
                                                      int64_t start) {
  // Spark reads these as server settings; sk8 also lets a session lower them.
  int64_t max_bytes = conf_.sender_max_stream_bytes;
  auto max_duration = conf_.sender_max_stream_duration;
  if (auto v = session.conf().GetOption("spark.connect.execute.reattachable.senderMaxStreamSize")) {
    if (auto parsed = ParseSparkBytes(*v)) max_bytes = *parsed;
  }
  if (auto v = session.conf().GetOption("spark.connect.execute.reattachable.senderMaxStreamDuration")) {
    if (auto parsed = ParseSparkDuration(*v, std::chrono::milliseconds(1))) max_duration = *parsed;
  }
  const int64_t ticket = op->Attach();
  struct DetachOnExit {
    Operation& op;
    int64_t ticket;
    ~DetachOnExit() { op.Detach(ticket); }
  } detach_on_exit{*op, ticket};
  // A non-reattachable operation cannot outlive its only stream.
  auto drop_unreattachable = [&] {
    if (op->reattachable()) return;
    op->Cancel();
    session.RemoveOperation(op->operation_id());
  };
  auto began = std::chrono::steady_clock::now();
  int64_t sent_bytes = 0;
  int64_t index = start;
  while (true) {
    proto::ExecutePlanResponse response;
    Status error;
    auto state = op->Next(ticket, index, std::chrono::milliseconds(100), &response, &error);
    switch (state) {
      case Operation::NextState::kWaiting:
        if (context->IsCancelled()) {
          drop_unreattachable();
          return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled the stream");
        }
        continue;
      case Operation::NextState::kResponse: {
        bool complete = response.has_result_complete();
        sent_bytes += static_cast<int64_t>(response.ByteSizeLong());
        if (!writer->Write(response)) {
          drop_unreattachable();
          return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
        }
        ++index;
        if (!op->reattachable()) op->ReleaseBefore(index);
        if (complete) {
          if (!op->reattachable()) session.RemoveOperation(op->operation_id());
          return grpc::Status::OK;
        }
        bool too_big = max_bytes > 0 && sent_bytes >= max_bytes;
        bool too_long = max_duration.count() > 0 && std::chrono::steady_clock::now() - began >= max_duration;
        if (op->reattachable() && (too_big || too_long)) {
          return grpc::Status::OK;  // the client reattaches from the last response it saw
        }
        continue;
      }
      case Operation::NextState::kFinished:
        return grpc::Status::OK;
      case Operation::NextState::kDetached:  // a newer ReattachExecute took over
        return ToGrpcStatus(error, &session);
      case Operation::NextState::kFailed:
        if (!op->reattachable()) session.RemoveOperation(op->operation_id());
        return ToGrpcStatus(error, &session);
    }
  }
}

grpc::Status SparkConnectServiceImpl::ExecutePlan(grpc::ServerContext* context,
                                                  const proto::ExecutePlanRequest* request,
                                                  grpc::ServerWriter<proto::ExecutePlanResponse>* writer) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/true);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  std::shared_ptr<Session> session = *session_result;
  std::string operation_id = request->has_operation_id() ? request->operation_id() : NewUuid();
  if (!IsUuid(operation_id)) return ToGrpcStatus(InvalidHandleFormat(operation_id), session.get());
  bool reattachable = false;
  for (const auto& option : request->request_options()) {
    if (option.has_reattach_options()) reattachable = option.reattach_options().reattachable();
  }
  if (session->WasAbandoned(operation_id)) return ToGrpcStatus(OperationAbandoned(operation_id), session.get());
  if (upstream_) {
    // The whole plan goes one way before anything runs: never half an answer from each.
    auto decision = DecideRoute(*session, request->plan(), operation_id);
    if (decision.upstream) return ExecuteUpstream(context, *request, writer, session, operation_id, reattachable);
    RecordSessionState(*session, request->plan());
  }
  std::vector<std::string> tags(request->tags().begin(), request->tags().end());
  auto op = std::make_shared<Operation>(operation_id, tags, reattachable,
                                        OperationLimits{conf_.retry_buffer_bytes, conf_.detached_timeout});
  if (auto status = session->AddOperation(op); !status.ok()) return ToGrpcStatus(status, session.get());

  LogDebug("execute", {{"session", session->session_id()}, {"operation", operation_id}});
  // The operation runs on its own thread so that it survives a dropped stream.
  observability::ServerMetrics::Instance().QueryStarted();
  op->profile().collect = observers_.any();
  std::thread([session, op, request_copy = *request, observers = observers_] {
    auto began = std::chrono::steady_clock::now();
    const int64_t began_unix = observability::UnixNanosNow();
    ReportStarts(observers, *session, *op, request_copy.plan(), began_unix);
    Status status = RunExecutePlan(*session, *op, request_copy);
    RecordQuery(*session, *op, status, std::chrono::steady_clock::now() - began);
    if (status.ok()) {
      proto::ExecutePlanResponse done;
      done.set_session_id(session->session_id());
      done.set_server_side_session_id(session->server_side_session_id());
      done.set_operation_id(op->operation_id());
      done.mutable_result_complete();
      op->Append(std::move(done));
    }
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
    LogInfo("operation finished", {{"session", session->session_id()},
                                   {"operation", op->operation_id()},
                                   {"ms", std::to_string(millis.count())},
                                   {"peak_memory_bytes", std::to_string(op->peak_memory_bytes())},
                                   {"server_memory_in_use_bytes", std::to_string(ServerMemoryTracker()->used())},
                                   {"status", status.ok() ? "ok" : status.message().substr(0, 200)}});
    op->Finish(status);
    // After Finish: the client has its answer before the event log's JSON is built.
    ReportExecution(observers, *session, *op, request_copy.plan(), status, began_unix);
  }).detach();
  return StreamResponses(context, writer, *session, op, 0);
}

grpc::Status SparkConnectServiceImpl::ReattachExecute(grpc::ServerContext* context,
                                                      const proto::ReattachExecuteRequest* request,
                                                      grpc::ServerWriter<proto::ExecutePlanResponse>* writer) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/false);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  if (!IsUuid(request->operation_id())) return ToGrpcStatus(InvalidHandleFormat(request->operation_id()), session.get());
  if (auto upstream = session->started_upstream(); upstream && upstream->HasOperation(request->operation_id())) {
    return ReattachUpstream(context, *request, writer, session);
  }
  auto op = session->FindOperation(request->operation_id());
  if (!op && session->WasAbandoned(request->operation_id())) {
    return ToGrpcStatus(OperationAbandoned(request->operation_id()), session.get());
  }
  if (!op) {
    return ToGrpcStatus(SparkError(SparkExceptionKind::kSql, "INVALID_HANDLE.OPERATION_NOT_FOUND",
                                   {{"handle", request->operation_id()}}),
                        session.get());
  }
  if (!op->reattachable()) {
    return ToGrpcStatus(SparkError(SparkExceptionKind::kSql, "INVALID_CURSOR.NOT_REATTACHABLE"), session.get());
  }
  int64_t start = op->first_buffered();
  if (request->has_last_response_id()) {
    auto position = op->PositionAfter(request->last_response_id());
    if (!position.ok()) return ToGrpcStatus(position.status(), session.get());
    start = *position;
  }
  return StreamResponses(context, writer, *session, op, start);
}

grpc::Status SparkConnectServiceImpl::ReleaseExecute(grpc::ServerContext*, const proto::ReleaseExecuteRequest* request,
                                                     proto::ReleaseExecuteResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/false);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  response->set_operation_id(request->operation_id());
  if (auto upstream = session->started_upstream(); upstream && upstream->HasOperation(request->operation_id())) {
    if (request->has_release_all()) upstream->RemoveOperation(request->operation_id());
    proto::ReleaseExecuteRequest forwarded = *request;
    forwarded.set_session_id(upstream->session_id());
    forwarded.clear_client_observed_server_side_session_id();
    if (!upstream_->url().user_id.empty()) forwarded.mutable_user_context()->set_user_id(upstream_->url().user_id);
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
    proto::ReleaseExecuteResponse ignored;
    grpc::Status status = upstream_->stub().ReleaseExecute(&upstream_context, forwarded, &ignored);
    // A gone upstream has nothing left to release.
    if (upstream_->TransportFailure(status)) return grpc::Status::OK;
    return status;
  }
  auto op = session->FindOperation(request->operation_id());
  if (!op) return grpc::Status::OK;  // already gone: releasing is idempotent
  if (request->has_release_all()) {
    if (!op->finished()) op->Cancel();
    op->ReleaseAll();
    session->RemoveOperation(op->operation_id());
  } else if (request->has_release_until()) {
    op->ReleaseUntil(request->release_until().response_id());
  }
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------
// AnalyzePlan

namespace {

/// EXPLAIN of a persisted plan as Spark shows it: read from its in-memory
/// relation (sk8 recomputes it, but the shape is Spark's).
std::string PersistedExplain(const std::string& text, const arrow::Schema& schema, const proto::StorageLevel& level) {
  const std::string header = "== Physical Plan ==\n";
  std::string columns = "[";
  for (int i = 0; i < schema.num_fields(); ++i) columns += (i ? ", " : "") + schema.field(i)->name();
  columns += "]";
  std::string flags;
  if (level.use_disk()) flags += "disk, ";
  if (level.use_memory()) flags += "memory, ";
  if (level.use_off_heap()) flags += "offheap, ";
  if (level.deserialized()) flags += "deserialized, ";
  std::string out = header + "InMemoryTableScan " + columns + "\n   +- InMemoryRelation " + columns + ", StorageLevel(" +
                    flags + std::to_string(level.replication()) + " replicas)\n";
  std::string plan = text.rfind(header, 0) == 0 ? text.substr(header.size()) : text;
  bool first = true;
  size_t start = 0;
  while (start < plan.size()) {
    size_t end = plan.find('\n', start);
    if (end == std::string::npos) end = plan.size();
    out += std::string(first ? "         +- " : "            ") + plan.substr(start, end - start) + "\n";
    first = false;
    start = end + 1;
  }
  return out;
}

}  // namespace

grpc::Status SparkConnectServiceImpl::AnalyzePlan(grpc::ServerContext*, const proto::AnalyzePlanRequest* request,
                                                  proto::AnalyzePlanResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/true);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  std::string route_note;
  if (upstream_) {
    if (auto routed = RouteAnalyze(*request, response, session, &route_note)) return *routed;
  }

  auto analyze_plan = [&](const proto::Plan& raw, PlanStage stage = PlanStage::kOptimized) -> Result<plan::ResolvedPtr> {
    proto::Plan plan;
    ARROW_RETURN_NOT_OK(DecodePlan(raw, &plan));
    if (!plan.has_root()) return Unsupported("analyzing commands");
    return AnalyzeRelation(*session, plan.root(), stage);
  };

  Status status;
  switch (request->analyze_case()) {
    case proto::AnalyzePlanRequest::kSchema: {
      auto resolved = analyze_plan(request->schema().plan());
      status = resolved.status();
      if (status.ok()) {
        status = connect::SchemaToProto(*(*resolved)->schema, response->mutable_schema()->mutable_schema());
      }
      break;
    }
    case proto::AnalyzePlanRequest::kExplain: {
      auto resolved = analyze_plan(request->explain().plan());
      status = resolved.status();
      if (status.ok()) {
        using Explain = proto::AnalyzePlanRequest::Explain;
        auto mode = engine::ExplainMode::kSimple;
        plan::ResolvedPtr analyzed;
        switch (request->explain().explain_mode()) {
          case Explain::EXPLAIN_MODE_EXTENDED: {
            mode = engine::ExplainMode::kExtended;
            auto before = analyze_plan(request->explain().plan(), PlanStage::kAnalyzed);
            if (before.ok()) analyzed = *before;
            break;
          }
          case Explain::EXPLAIN_MODE_CODEGEN: mode = engine::ExplainMode::kCodegen; break;
          case Explain::EXPLAIN_MODE_COST: mode = engine::ExplainMode::kCost; break;
          case Explain::EXPLAIN_MODE_FORMATTED: mode = engine::ExplainMode::kFormatted; break;
          default: break;
        }
        auto text = engine::Explain(**resolved, mode, analyzed.get());
        status = text.status();
        if (status.ok() && mode == engine::ExplainMode::kSimple) {
          auto before = analyze_plan(request->explain().plan(), PlanStage::kAnalyzed);
          auto level = before.ok() ? session->FindStorageLevel(plan::CanonicalString(**before)) : std::nullopt;
          if (level) *text = PersistedExplain(*text, *(*resolved)->schema, *level);
        }
        if (status.ok()) response->mutable_explain()->set_explain_string(*text);
      }
      break;
    }
    case proto::AnalyzePlanRequest::kTreeString: {
      auto resolved = analyze_plan(request->tree_string().plan());
      status = resolved.status();
      if (status.ok()) {
        int level = request->tree_string().has_level() ? request->tree_string().level() : 0;
        response->mutable_tree_string()->set_tree_string(TreeString(*(*resolved)->schema, level));
      }
      break;
    }
    case proto::AnalyzePlanRequest::kIsLocal: {
      // Spark answers from the analyzed plan, before optimization.
      auto resolved = analyze_plan(request->is_local().plan(), PlanStage::kAnalyzed);
      status = resolved.status();
      if (status.ok()) response->mutable_is_local()->set_is_local((*resolved)->kind == plan::ResolvedKind::kLocalTable);
      break;
    }
    case proto::AnalyzePlanRequest::kIsStreaming: {
      auto resolved = analyze_plan(request->is_streaming().plan());
      status = resolved.status();
      if (status.ok()) response->mutable_is_streaming()->set_is_streaming(false);
      break;
    }
    case proto::AnalyzePlanRequest::kInputFiles: {
      auto resolved = analyze_plan(request->input_files().plan());
      status = resolved.status();
      if (status.ok()) {
        // The files the plan's scans read, as Spark lists them (file: URIs), each once.
        auto* files = response->mutable_input_files();
        std::set<std::string> seen;
        std::function<void(const plan::ResolvedPlan&)> collect = [&](const plan::ResolvedPlan& node) {
          for (const auto& file : node.files) {
            std::string uri = !file.empty() && file[0] == '/' ? "file://" + file : file;
            if (seen.insert(uri).second) files->add_files(uri);
          }
          for (const auto& child : node.children) collect(*child);
        };
        collect(**resolved);
      }
      break;
    }
    case proto::AnalyzePlanRequest::kSparkVersion:
      response->mutable_spark_version()->set_version(SK8_SPARK_VERSION);
      break;
    case proto::AnalyzePlanRequest::kDdlParse: {
      auto type = types::ParseDdlSchema(request->ddl_parse().ddl_string());
      status = type.status();
      if (status.ok()) status = connect::ToProtoType(**type, response->mutable_ddl_parse()->mutable_parsed());
      break;
    }
    case proto::AnalyzePlanRequest::kSameSemantics: {
      auto left = analyze_plan(request->same_semantics().target_plan());
      auto right = analyze_plan(request->same_semantics().other_plan());
      status = left.ok() ? right.status() : left.status();
      if (status.ok()) {
        response->mutable_same_semantics()->set_result(plan::CanonicalString(**left) == plan::CanonicalString(**right));
      }
      break;
    }
    case proto::AnalyzePlanRequest::kSemanticHash: {
      auto resolved = analyze_plan(request->semantic_hash().plan());
      status = resolved.status();
      if (status.ok()) {
        auto hash = std::hash<std::string>{}(plan::CanonicalString(**resolved));
        response->mutable_semantic_hash()->set_result(static_cast<int32_t>(hash));
      }
      break;
    }
    case proto::AnalyzePlanRequest::kPersist: {
      // sk8 keeps no cached data yet: a persisted plan is recomputed (same
      // answers); its storage level is remembered for storageLevel.
      auto resolved = AnalyzeRelation(*session, request->persist().relation(), PlanStage::kAnalyzed);
      status = resolved.status();
      if (status.ok()) {
        proto::StorageLevel level;
        if (request->persist().has_storage_level()) {
          level = request->persist().storage_level();
        } else {  // Dataset.persist(): MEMORY_AND_DISK
          level.set_use_disk(true);
          level.set_use_memory(true);
          level.set_deserialized(true);
          level.set_replication(1);
        }
        session->SetStorageLevel(plan::CanonicalString(**resolved), level);
        response->mutable_persist();
      }
      break;
    }
    case proto::AnalyzePlanRequest::kUnpersist: {
      auto resolved = AnalyzeRelation(*session, request->unpersist().relation(), PlanStage::kAnalyzed);
      if (resolved.ok()) session->SetStorageLevel(plan::CanonicalString(**resolved), std::nullopt);
      response->mutable_unpersist();
      break;
    }
    case proto::AnalyzePlanRequest::kGetStorageLevel: {
      auto resolved = AnalyzeRelation(*session, request->get_storage_level().relation(), PlanStage::kAnalyzed);
      status = resolved.status();
      if (status.ok()) {
        auto* level = response->mutable_get_storage_level()->mutable_storage_level();
        auto found = session->FindStorageLevel(plan::CanonicalString(**resolved));
        if (found) {
          *level = *found;
        } else {  // StorageLevel.NONE
          level->set_replication(1);
        }
      }
      break;
    }
    case proto::AnalyzePlanRequest::kJsonToDdl: {
      auto type = types::ParseSparkJson(request->json_to_ddl().json_string());
      status = type.status();
      if (status.ok()) {
        std::string ddl;
        for (const auto& f : (*type)->fields()) {
          if (!ddl.empty()) ddl += ",";
          ddl += QuoteIdentifier(f->name()) + " " + types::SqlString(*f->type());
          if (!f->nullable()) ddl += " NOT NULL";
        }
        response->mutable_json_to_ddl()->set_ddl_string(ddl);
      }
      break;
    }
    default:
      status = Unsupported("AnalyzePlan request " + std::to_string(request->analyze_case()));
  }
  if (!status.ok()) return ToGrpcStatus(status, session.get());
  if (!route_note.empty() && response->has_explain()) {
    response->mutable_explain()->set_explain_string(response->explain().explain_string() + route_note);
  }
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------
// Config

grpc::Status SparkConnectServiceImpl::Config(grpc::ServerContext*, const proto::ConfigRequest* request,
                                             proto::ConfigResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/true);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  if (upstream_ && RouteOf(*session) == gateway::Route::kUpstream) {
    if (auto forwarded = ConfigUpstream(*request, response, session)) return *forwarded;
  }
  auto& conf = session->conf();
  const auto& op = request->operation();
  auto add = [&](const std::string& key, const std::optional<std::string>& value) {
    auto* pair = response->add_pairs();
    pair->set_key(key);
    if (value) pair->set_value(*value);
  };
  Status status;
  switch (op.op_type_case()) {
    case proto::ConfigRequest::Operation::kSet: {
      // Builder options (appName, master, ...) arrive as silent sets: a key the
      // session may not change is then skipped instead of failing the session.
      bool silent = op.set().has_silent() && op.set().silent();
      for (const auto& pair : op.set().pairs()) {
        status = conf.Set(pair.key(), pair.value());
        if (status.ok() && upstream_) session->upstream()->RecordConf(pair.key(), pair.value(), false);
        if (!status.ok() && silent) {
          LogDebug("ignored silent config set", {{"key", pair.key()}, {"error", status.message()}});
          status = Status::OK();
        }
        if (!status.ok()) break;
      }
      break;
    }
    case proto::ConfigRequest::Operation::kGet:
      for (const auto& key : op.get().keys()) {
        auto value = conf.Get(key);
        if (!value.ok()) {
          status = value.status();
          break;
        }
        add(key, *value);
      }
      break;
    case proto::ConfigRequest::Operation::kGetWithDefault:
      for (const auto& pair : op.get_with_default().pairs()) {
        auto value = conf.GetOption(pair.key());
        add(pair.key(), value ? value : (pair.has_value() ? std::optional<std::string>(pair.value()) : std::nullopt));
      }
      break;
    case proto::ConfigRequest::Operation::kGetOption:
      for (const auto& key : op.get_option().keys()) add(key, conf.GetOption(key));
      break;
    case proto::ConfigRequest::Operation::kGetAll: {
      std::string prefix = op.get_all().has_prefix() ? op.get_all().prefix() : "";
      for (const auto& [key, value] : conf.GetAll(prefix)) add(key.substr(prefix.size()), value);
      break;
    }
    case proto::ConfigRequest::Operation::kUnset:
      for (const auto& key : op.unset().keys()) {
        conf.Unset(key);
        if (upstream_) session->upstream()->RecordConf(key, std::nullopt, false);
      }
      break;
    case proto::ConfigRequest::Operation::kIsModifiable:
      for (const auto& key : op.is_modifiable().keys()) add(key, conf.IsModifiable(key) ? "true" : "false");
      break;
    default:
      status = SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.CONFIG",
                          {{"parameter", "`operation`"}, {"functionName", "`Config`"}, {"invalidValue", "<unset>"}});
  }
  if (!status.ok()) return ToGrpcStatus(status, session.get());
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------
// Artifacts

grpc::Status SparkConnectServiceImpl::AddArtifacts(grpc::ServerContext*,
                                                   grpc::ServerReader<proto::AddArtifactsRequest>* reader,
                                                   proto::AddArtifactsResponse* response) {
  proto::AddArtifactsRequest request;
  std::shared_ptr<Session> session;
  std::string chunked_name, chunked_data;
  int64_t chunks_left = 0;
  bool chunked_crc_ok = true;
  auto crc_ok = [](const proto::AddArtifactsRequest::ArtifactChunk& chunk) {
    uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(chunk.data().data()), static_cast<uInt>(chunk.data().size()));
    return static_cast<int64_t>(crc) == chunk.crc();
  };
  auto summarize = [&](const std::string& name, bool ok) {
    auto* summary = response->add_artifacts();
    summary->set_name(name);
    summary->set_is_crc_successful(ok);
  };
  std::vector<proto::AddArtifactsRequest> received;  // for the upstream under route=upstream
  while (reader->Read(&request)) {
    if (upstream_) received.push_back(request);
    if (!session) {
      auto session_result = SessionFor(sessions_, request, /*create=*/true);
      if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
      session = *session_result;
    }
    switch (request.payload_case()) {
      case proto::AddArtifactsRequest::kBatch:
        for (const auto& artifact : request.batch().artifacts()) {
          bool ok = crc_ok(artifact.data());
          if (ok) session->PutArtifact(artifact.name(), artifact.data().data());
          summarize(artifact.name(), ok);
        }
        break;
      case proto::AddArtifactsRequest::kBeginChunk:
        chunked_name = request.begin_chunk().name();
        chunked_data = request.begin_chunk().initial_chunk().data();
        chunked_crc_ok = crc_ok(request.begin_chunk().initial_chunk());
        chunks_left = request.begin_chunk().num_chunks() - 1;
        if (chunks_left <= 0) {
          if (chunked_crc_ok) session->PutArtifact(chunked_name, std::move(chunked_data));
          summarize(chunked_name, chunked_crc_ok);
        }
        break;
      case proto::AddArtifactsRequest::kChunk:
        if (chunks_left <= 0) {
          return ToGrpcStatus(SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.ARTIFACT",
                                         {{"parameter", "`chunk`"}, {"functionName", "`AddArtifacts`"},
                                          {"invalidValue", "chunk without begin_chunk"}}),
                              session.get());
        }
        chunked_crc_ok = chunked_crc_ok && crc_ok(request.chunk());
        chunked_data += request.chunk().data();
        if (--chunks_left == 0) {
          if (chunked_crc_ok) session->PutArtifact(chunked_name, std::move(chunked_data));
          summarize(chunked_name, chunked_crc_ok);
        }
        break;
      default: break;
    }
  }
  if (session) {
    response->set_session_id(session->session_id());
    response->set_server_side_session_id(session->server_side_session_id());
  }
  if (session && upstream_ && RouteOf(*session) == gateway::Route::kUpstream) {
    // Kept in sk8 too, so that a later native plan finds them.
    auto upstream = session->upstream();
    if (auto status = SyncUpstream(*session, *upstream, received.front().user_context(),
                                   received.front().client_type(), nullptr);
        !status.ok()) {
      return ToGrpcStatus(status, session.get());
    }
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
    proto::AddArtifactsResponse upstream_response;
    auto writer = upstream_->stub().AddArtifacts(&upstream_context, &upstream_response);
    for (auto& forwarded : received) {
      forwarded.set_session_id(upstream->session_id());
      forwarded.clear_client_observed_server_side_session_id();
      if (!writer->Write(forwarded)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return UpstreamStatus(status, session.get());
    *response = upstream_response;
    response->set_session_id(session->session_id());
    response->set_server_side_session_id(session->server_side_session_id());
  }
  return grpc::Status::OK;
}

grpc::Status SparkConnectServiceImpl::ArtifactStatus(grpc::ServerContext*, const proto::ArtifactStatusesRequest* request,
                                                     proto::ArtifactStatusesResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/true);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  if (upstream_ && RouteOf(*session) == gateway::Route::kUpstream) {
    auto upstream = session->upstream();
    proto::ArtifactStatusesRequest forwarded = *request;
    forwarded.set_session_id(upstream->session_id());
    forwarded.clear_client_observed_server_side_session_id();
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
    grpc::Status status = upstream_->stub().ArtifactStatus(&upstream_context, forwarded, response);
    response->set_session_id(session->session_id());
    response->set_server_side_session_id(session->server_side_session_id());
    return UpstreamStatus(status, session.get());
  }
  for (const auto& name : request->names()) {
    (*response->mutable_statuses())[name].set_exists(session->FindArtifact(name) != nullptr);
  }
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------
// Interrupt, sessions, errors

grpc::Status SparkConnectServiceImpl::Interrupt(grpc::ServerContext*, const proto::InterruptRequest* request,
                                                proto::InterruptResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/true);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  for (auto& op : session->Operations()) {
    bool match = false;
    switch (request->interrupt_type()) {
      case proto::InterruptRequest::INTERRUPT_TYPE_ALL: match = true; break;
      case proto::InterruptRequest::INTERRUPT_TYPE_TAG:
        for (const auto& tag : op->tags()) match |= tag == request->operation_tag();
        break;
      case proto::InterruptRequest::INTERRUPT_TYPE_OPERATION_ID:
        match = op->operation_id() == request->operation_id();
        break;
      default:
        return ToGrpcStatus(SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.INTERRUPT_TYPE",
                                       {{"parameter", "`interrupt_type`"}, {"functionName", "`Interrupt`"},
                                        {"invalidValue", "unspecified"}}),
                            session.get());
    }
    if (match && !op->finished()) {
      op->Cancel();
      response->add_interrupted_ids(op->operation_id());
    }
  }
  // The session's operations running upstream hear the same interrupt.
  auto upstream = upstream_ ? session->started_upstream() : nullptr;
  bool by_id = request->interrupt_type() == proto::InterruptRequest::INTERRUPT_TYPE_OPERATION_ID;
  if (upstream && (!by_id || upstream->HasOperation(request->operation_id()))) {
    proto::InterruptRequest forwarded = *request;
    forwarded.set_session_id(upstream->session_id());
    forwarded.clear_client_observed_server_side_session_id();
    if (!upstream_->url().user_id.empty()) forwarded.mutable_user_context()->set_user_id(upstream_->url().user_id);
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, std::chrono::seconds(10));
    proto::InterruptResponse upstream_response;
    grpc::Status status = upstream_->stub().Interrupt(&upstream_context, forwarded, &upstream_response);
    if (upstream_->TransportFailure(status)) {
      // Nothing runs on an upstream that is gone; sk8's own operations were interrupted.
      LogWarn("interrupt not delivered upstream", {{"upstream", upstream_->url().ToDisplayString()},
                                                   {"error", status.error_message()}});
      return grpc::Status::OK;
    }
    if (!status.ok()) return status;
    for (const auto& id : upstream_response.interrupted_ids()) response->add_interrupted_ids(id);
  }
  return grpc::Status::OK;
}

grpc::Status SparkConnectServiceImpl::ReleaseSession(grpc::ServerContext*, const proto::ReleaseSessionRequest* request,
                                                     proto::ReleaseSessionResponse* response) {
  auto released = sessions_.Release(request->user_context().user_id(), request->session_id());
  response->set_session_id(request->session_id());
  if (auto upstream = released.ok() && upstream_ ? (*released)->started_upstream() : nullptr) {
    // Best effort: the upstream also expires idle sessions itself.
    proto::ReleaseSessionRequest forwarded = *request;
    forwarded.set_session_id(upstream->session_id());
    if (!upstream_->url().user_id.empty()) forwarded.mutable_user_context()->set_user_id(upstream_->url().user_id);
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, std::chrono::seconds(5));
    proto::ReleaseSessionResponse ignored;
    upstream_->stub().ReleaseSession(&upstream_context, forwarded, &ignored);
  }
  if (released.ok()) {
    response->set_server_side_session_id((*released)->server_side_session_id());
    LogInfo("session released", {{"session", request->session_id()}});
  }
  // Releasing an unknown session is not an error for the client.
  return grpc::Status::OK;
}

grpc::Status SparkConnectServiceImpl::FetchErrorDetails(grpc::ServerContext*,
                                                        const proto::FetchErrorDetailsRequest* request,
                                                        proto::FetchErrorDetailsResponse* response) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/false);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  auto session = *session_result;
  response->set_session_id(session->session_id());
  response->set_server_side_session_id(session->server_side_session_id());
  if (auto status = session->FindError(request->error_id())) {
    FillErrorDetails(*status, response);
  } else if (auto upstream = upstream_ ? session->started_upstream() : nullptr) {
    // An error id sk8 never issued is the upstream's: Spark's details as they are.
    proto::FetchErrorDetailsRequest forwarded = *request;
    forwarded.set_session_id(upstream->session_id());
    forwarded.clear_client_observed_server_side_session_id();
    if (!upstream_->url().user_id.empty()) forwarded.mutable_user_context()->set_user_id(upstream_->url().user_id);
    grpc::ClientContext upstream_context;
    upstream_->Prepare(&upstream_context, gateway::kUpstreamCallTimeout);
    grpc::Status status = upstream_->stub().FetchErrorDetails(&upstream_context, forwarded, response);
    response->set_session_id(session->session_id());
    response->set_server_side_session_id(session->server_side_session_id());
    return UpstreamStatus(status, session.get());
  }
  return grpc::Status::OK;
}

grpc::Status SparkConnectServiceImpl::CloneSession(grpc::ServerContext*, const proto::CloneSessionRequest* request,
                                                   proto::CloneSessionResponse*) {
  auto session_result = SessionFor(sessions_, *request, /*create=*/false);
  if (!session_result.ok()) return ToGrpcStatus(session_result.status(), nullptr);
  return ToGrpcStatus(Unsupported("CloneSession"), session_result->get());
}

void SparkConnectServiceImpl::CancelAll() {
  for (auto& session : sessions_.All()) {
    for (auto& op : session->Operations()) op->Cancel();
  }
}

void SparkConnectServiceImpl::Janitor() {
  size_t abandoned = 0;
  for (auto& session : sessions_.All()) {
    for (auto& op : session->Operations()) {
      if (!op->DetachedLongerThan(conf_.detached_timeout)) continue;
      LogInfo("operation abandoned: no client attached within spark.connect.execute.manager.detachedTimeout",
              {{"session", session->session_id()},
               {"operation", op->operation_id()},
               {"buffered_bytes", std::to_string(op->buffered_bytes())}});
      session->AbandonOperation(op);
      ++abandoned;
    }
  }
  // Freed responses sit in malloc's free lists; give the pages back so that the
  // process size follows what is really held. Cancelled executions finish (and
  // free their memory) a little later, so trim for a few more rounds too.
  // Also whenever much was freed since the last pass: abandoned executions that
  // finish late (a loaded machine) free their memory after the rounds started
  // by their abandonment have run out.
  constexpr int kTrimRounds = 20;
  constexpr int64_t kTrimAfterFreedBytes = int64_t{64} << 20;
  const int64_t in_use = ServerMemoryTracker()->used();
  if (abandoned > 0 || last_memory_in_use_ - in_use >= kTrimAfterFreedBytes) trim_rounds_left_ = kTrimRounds;
  last_memory_in_use_ = in_use;
  if (trim_rounds_left_ > 0) {
    --trim_rounds_left_;
    malloc_trim(0);
    arrow::default_memory_pool()->ReleaseUnused();  // Arrow's allocator keeps freed pages too
  }
  auto session_timeout = std::chrono::duration_cast<std::chrono::seconds>(conf_.session_timeout);
  size_t expired = sessions_.ExpireIdle(session_timeout);
  if (expired > 0) LogInfo("expired idle sessions", {{"count", std::to_string(expired)}});
}

}  // namespace sk8::server
