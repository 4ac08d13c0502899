#include "server/plan_execution.h"

#include <zstd.h>

#include "common/logging.h"
#include "connect/plan_converter.h"
#include "connect/type_converter.h"
#include "engine/engine.h"
#include "observability/metrics.h"
#include "plan/command.h"
#include "server/arrow_results.h"
#include "server/catalog_commands.h"
#include "spark/connect/ml.pb.h"

namespace sk8::server {

namespace proto = spark::connect;

connect::ConvertContext ConvertContextFor(Session& session) {
  connect::ConvertContext ctx;
  ctx.find_artifact = [&session](const std::string& name) { return session.FindArtifact(name); };
  ctx.find_cached_relation = [&session](const std::string& id) { return session.FindCachedRelation(id); };
  return ctx;
}

// Hadoop confs as a Spark session hands them to its filesystems: fs.* and
// spark.hadoop.fs.* (the latter wins: Spark copies spark.hadoop.* confs into
// every Hadoop configuration it makes).
namespace {
io::StorageConfPtr StorageConfOf(const SparkConf& conf) {
  auto storage = std::make_shared<io::StorageConf>();
  for (const auto& [key, value] : conf.GetAll("fs.")) (*storage)[key] = value;
  for (const auto& [key, value] : conf.GetAll("spark.hadoop.fs.")) (*storage)[key.substr(13)] = value;
  if (storage->empty()) return nullptr;
  return storage;
}
}  // namespace

engine::QueryContext QueryContextFor(Session& session, const std::atomic<bool>* cancelled) {
  engine::QueryContext ctx;
  ctx.catalog = &session.catalog();
  ctx.eval = session.MakeEvalContext();
  ctx.storage_conf = StorageConfOf(session.conf());
  ctx.cancelled = cancelled;
  return ctx;
}

Result<plan::ResolvedPtr> AnalyzeRelation(Session& session, const proto::Relation& relation, PlanStage stage,
                                          std::vector<observability::QueryPhase>* phases) {
  plan::PlanPtr unresolved;
  {
    observability::PhaseTimer timer(phases, "parse");
    ARROW_ASSIGN_OR_RAISE(unresolved, connect::ConvertRelation(relation, ConvertContextFor(session)));
  }
  // A catalog call runs when it is planned, as in Spark Connect.
  ARROW_ASSIGN_OR_RAISE(unresolved, RunRootCommand(session, unresolved));
  auto ctx = QueryContextFor(session, nullptr);
  ctx.phases = phases;
  if (stage == PlanStage::kAnalyzed) return engine::Analyze(unresolved, ctx);
  return engine::AnalyzeAndOptimize(unresolved, ctx, /*to_run=*/stage == PlanStage::kToRun);
}

Status DecodePlan(const proto::Plan& plan, proto::Plan* decoded) {
  if (plan.op_type_case() != proto::Plan::kCompressedOperation) {
    *decoded = plan;
    return Status::OK();
  }
  const auto& compressed = plan.compressed_operation();
  if (compressed.compression_codec() != proto::COMPRESSION_CODEC_ZSTD) {
    return Unsupported("plan compression codec " + proto::CompressionCodec_Name(compressed.compression_codec()));
  }
  const std::string& data = compressed.data();
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  constexpr unsigned long long kMaxPlanBytes = 1ULL << 30;
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxPlanBytes) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PLAN",
                      {{"parameter", "`compressed_operation`"}, {"functionName", "`ExecutePlan`"},
                       {"invalidValue", "not a zstd frame with a known size"}});
  }
  std::string raw(size, '\0');
  size_t written = ZSTD_decompress(raw.data(), raw.size(), data.data(), data.size());
  if (ZSTD_isError(written)) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PLAN",
                      {{"parameter", "`compressed_operation`"}, {"functionName", "`ExecutePlan`"},
                       {"invalidValue", ZSTD_getErrorName(written)}});
  }
  bool ok = false;
  if (compressed.op_type() == proto::Plan::CompressedOperation::OP_TYPE_RELATION) {
    ok = decoded->mutable_root()->ParseFromString(raw);
  } else if (compressed.op_type() == proto::Plan::CompressedOperation::OP_TYPE_COMMAND) {
    ok = decoded->mutable_command()->ParseFromString(raw);
  }
  if (!ok) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PLAN",
                      {{"parameter", "`compressed_operation`"}, {"functionName", "`ExecutePlan`"},
                       {"invalidValue", "undecodable plan"}});
  }
  return Status::OK();
}

namespace {

proto::ExecutePlanResponse NewResponse(Session& session, Operation& op) {
  proto::ExecutePlanResponse response;
  response.set_session_id(session.session_id());
  response.set_server_side_session_id(session.server_side_session_id());
  response.set_operation_id(op.operation_id());
  return response;
}

/// Step times go to the operation's profile when an event log or tracer wants them.
std::vector<observability::QueryPhase>* PhasesOf(Operation& op) {
  return op.profile().collect ? &op.profile().phases : nullptr;
}

/// The engine context of a query the operation runs, profiled when wanted.
engine::QueryContext RunContextFor(Session& session, Operation& op) {
  auto query = QueryContextFor(session, op.cancelled_flag());
  query.memory = session.QueryMemory();
  query.phases = PhasesOf(op);
  query.profile_operators = op.profile().collect;
  if (op.profile().collect) {
    query.on_plan = [&op](std::shared_ptr<const observability::OperatorProfile> plan, std::string text) {
      auto& profile = op.profile();
      if (profile.plan_started) return;
      profile.plan_started = true;
      profile.plan = std::move(plan);
      profile.plan_text = std::move(text);
      if (profile.on_plan_start) profile.on_plan_start();
    };
  }
  return query;
}

/// A query ran on sk8's engine: its scans and CPU time count for the operation.
void CountQuery(Operation& op, engine::QueryMemoryStats& stats) {
  auto& profile = op.profile();
  profile.executed = true;
  if (stats.plan && !profile.plan_counted) {
    profile.plan_counted = true;
    profile.plan = std::move(stats.plan);
    profile.plan_text = std::move(stats.plan_text);
  }
  auto& counters = op.counters();
  counters.rows_read += stats.rows_read;
  counters.bytes_read += stats.bytes_read;
  counters.cpu_nanos += stats.cpu_nanos;
  observability::ServerMetrics::Instance().PlanRun("native");
}

/// Runs `resolved` on sk8's engine with the session's memory budget and keeps
/// every batch (small results: observed metrics, local checkpoints).
Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ExecuteToBatches(const plan::ResolvedPlan& resolved,
                                                                          Session& session, Operation& op) {
  auto query = RunContextFor(session, op);
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  engine::QueryMemoryStats stats;
  Status executed = engine::Execute(
      resolved, query,
      [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
        batches.push_back(batch);
        return Status::OK();
      },
      &stats);
  CountQuery(op, stats);
  ARROW_RETURN_NOT_OK(executed);
  return batches;
}

/// A metric's value as the Literal the client decodes (ObservedMetrics.values).
Status ToLiteral(const arrow::Scalar& value, proto::Expression::Literal* out) {
  if (!value.is_valid) {
    return connect::ToProtoType(*value.type, out->mutable_null());
  }
  switch (value.type->id()) {
    case arrow::Type::BOOL: out->set_boolean(static_cast<const arrow::BooleanScalar&>(value).value); break;
    case arrow::Type::INT8: out->set_byte(static_cast<const arrow::Int8Scalar&>(value).value); break;
    case arrow::Type::INT16: out->set_short_(static_cast<const arrow::Int16Scalar&>(value).value); break;
    case arrow::Type::INT32: out->set_integer(static_cast<const arrow::Int32Scalar&>(value).value); break;
    case arrow::Type::INT64: out->set_long_(static_cast<const arrow::Int64Scalar&>(value).value); break;
    case arrow::Type::FLOAT: out->set_float_(static_cast<const arrow::FloatScalar&>(value).value); break;
    case arrow::Type::DOUBLE: out->set_double_(static_cast<const arrow::DoubleScalar&>(value).value); break;
    case arrow::Type::STRING: out->set_string(static_cast<const arrow::StringScalar&>(value).ToString()); break;
    case arrow::Type::DATE32: out->set_date(static_cast<const arrow::Date32Scalar&>(value).value); break;
    case arrow::Type::DECIMAL128: {
      const auto& decimal = static_cast<const arrow::Decimal128Scalar&>(value);
      const auto& type = static_cast<const arrow::Decimal128Type&>(*value.type);
      out->mutable_decimal()->set_value(decimal.value.ToString(type.scale()));
      out->mutable_decimal()->set_precision(type.precision());
      out->mutable_decimal()->set_scale(type.scale());
      break;
    }
    default: return Unsupported("observed metrics of type " + value.type->ToString());
  }
  return Status::OK();
}

void FindCollectMetrics(const plan::PlanPtr& node, std::vector<const plan::CollectMetricsPlan*>* out) {
  if (node->kind() == plan::PlanKind::kCollectMetrics) out->push_back(&node->As<plan::CollectMetricsPlan>());
  for (const auto& child : node->children) FindCollectMetrics(child, out);
}

/// observe(): each observation's metrics, aggregated over the rows that
/// reach it, sent after the query's rows as Spark sends them.
Status SendObservedMetrics(Session& session, Operation& op, const proto::Relation& relation) {
  ARROW_ASSIGN_OR_RAISE(auto unresolved, connect::ConvertRelation(relation, ConvertContextFor(session)));
  std::vector<const plan::CollectMetricsPlan*> observations;
  FindCollectMetrics(unresolved, &observations);
  for (const auto* observation : observations) {
    auto aggregate = plan::MakeUnary<plan::AggregatePlan>(observation->children[0]);
    aggregate->aggregates = observation->metrics;
    auto query = QueryContextFor(session, op.cancelled_flag());
    query.memory = session.QueryMemory();
    ARROW_ASSIGN_OR_RAISE(auto resolved, engine::AnalyzeAndOptimize(aggregate, query, /*to_run=*/true));
    ARROW_ASSIGN_OR_RAISE(auto batches, ExecuteToBatches(*resolved, session, op));
    auto response = NewResponse(session, op);
    auto* metrics = response.add_observed_metrics();
    metrics->set_name(observation->name);
    if (observation->plan_id) metrics->set_plan_id(*observation->plan_id);
    for (const auto& batch : batches) {
      if (batch->num_rows() == 0) continue;
      for (int c = 0; c < batch->num_columns(); ++c) {
        ARROW_ASSIGN_OR_RAISE(auto value, batch->column(c)->GetScalar(0));
        metrics->add_keys(batch->schema()->field(c)->name());
        ARROW_RETURN_NOT_OK(ToLiteral(*value, metrics->add_values()));
      }
      break;
    }
    op.Append(std::move(response));
  }
  return Status::OK();
}

Status RunRelation(Session& session, Operation& op, const proto::Relation& relation) {
  ARROW_ASSIGN_OR_RAISE(auto resolved, AnalyzeRelation(session, relation, PlanStage::kToRun, PhasesOf(op)));
  plan::EvalContext eval = session.MakeEvalContext();
  {
    auto response = NewResponse(session, op);
    ARROW_RETURN_NOT_OK(connect::SchemaToProto(*resolved->schema, response.mutable_schema()));
    op.Append(std::move(response));
  }
  int64_t rows_sent = 0;
  bool sent_any = false;
  auto send = [&](const std::shared_ptr<arrow::RecordBatch>& batch) -> Status {
    ARROW_ASSIGN_OR_RAISE(auto pieces, SerializeForClient(batch, eval.session_time_zone, kMaxArrowResponseBytes));
    for (auto& piece : pieces) {
      auto response = NewResponse(session, op);
      auto* arrow_batch = response.mutable_arrow_batch();
      arrow_batch->set_row_count(piece.rows);
      arrow_batch->set_data(std::move(piece.data));
      arrow_batch->set_start_offset(rows_sent);
      rows_sent += piece.rows;
      op.counters().rows_returned += piece.rows;
      op.counters().bytes_returned += static_cast<int64_t>(arrow_batch->data().size());
      op.Append(std::move(response));
      sent_any = true;
    }
    return Status::OK();
  };
  auto query = RunContextFor(session, op);
  engine::QueryMemoryStats memory;
  Status executed = engine::Execute(*resolved, query, send, &memory);
  op.set_peak_memory_bytes(memory.peak_bytes);
  CountQuery(op, memory);
  ARROW_RETURN_NOT_OK(executed);
  if (!sent_any) {
    // An empty result still carries its Arrow schema, as Spark sends it.
    ARROW_ASSIGN_OR_RAISE(auto empty, arrow::RecordBatch::MakeEmpty(resolved->schema));
    ARROW_RETURN_NOT_OK(send(empty));
  }
  return SendObservedMetrics(session, op, relation);
}

Status RunWrite(Session& session, Operation& op, const proto::WriteOperation& write) {
  if (write.clustering_columns_size() > 0) return Unsupported("clusterBy in df.write");
  if (write.sort_column_names_size() > 0 && !write.has_bucket_by()) return AnalysisError("SORT_BY_WITHOUT_BUCKETING");
  op.profile().executed = true;
  if (write.has_table()) return RunTableWrite(session, op.cancelled_flag(), write);
  // Only saveAsTable writes buckets (Spark's refusal for save()).
  if (write.has_bucket_by()) return AnalysisError("_LEGACY_ERROR_TEMP_1312", {{"operation", "save"}});
  if (!write.has_path()) return Unsupported("df.write.save() without a path");
  ARROW_ASSIGN_OR_RAISE(auto resolved, AnalyzeRelation(session, write.input(), PlanStage::kToRun, PhasesOf(op)));
  io::WriteSpec spec;
  if (write.has_source()) spec.format = write.source();
  spec.path = write.path();
  switch (write.mode()) {
    case proto::WriteOperation::SAVE_MODE_APPEND: spec.mode = io::SaveMode::kAppend; break;
    case proto::WriteOperation::SAVE_MODE_OVERWRITE: spec.mode = io::SaveMode::kOverwrite; break;
    case proto::WriteOperation::SAVE_MODE_IGNORE: spec.mode = io::SaveMode::kIgnore; break;
    default: spec.mode = io::SaveMode::kErrorIfExists; break;
  }
  spec.partition_by.assign(write.partitioning_columns().begin(), write.partitioning_columns().end());
  for (const auto& [k, v] : write.options()) spec.options.Set(k, v);
  auto query = RunContextFor(session, op);
  engine::QueryMemoryStats stats;
  Status written = engine::ExecuteWrite(*resolved, std::move(spec), query, &stats);
  op.set_peak_memory_bytes(stats.peak_bytes);
  CountQuery(op, stats);
  return written;
}

Status RunCommand(Session& session, Operation& op, const proto::Command& command) {
  switch (command.command_type_case()) {
    case proto::Command::kSqlCommand: {
      proto::Relation relation = SqlCommandRelation(command.sql_command());
      // Commands run now; their answer goes back as a local relation.
      ARROW_ASSIGN_OR_RAISE(auto unresolved, connect::ConvertRelation(relation, ConvertContextFor(session)));
      if (plan::IsCommand(unresolved)) {
        op.profile().executed = true;
        ARROW_ASSIGN_OR_RAISE(auto answer, RunSessionCommand(session, unresolved->As<plan::CommandPlan>()));
        ARROW_ASSIGN_OR_RAISE(auto data, ArrowIpcStream(*answer));
        auto response = NewResponse(session, op);
        response.mutable_sql_command_result()->mutable_relation()->mutable_local_relation()->set_data(std::move(data));
        op.Append(std::move(response));
        return Status::OK();
      }
      // Queries are returned as a relation for the client to run lazily (as
      // Spark does); analyzing now reports syntax and name errors eagerly.
      ARROW_RETURN_NOT_OK(AnalyzeRelation(session, relation).status());
      auto response = NewResponse(session, op);
      *response.mutable_sql_command_result()->mutable_relation() = relation;
      op.Append(std::move(response));
      return Status::OK();
    }
    case proto::Command::kWriteOperation: return RunWrite(session, op, command.write_operation());
    case proto::Command::kCreateDataframeView: {
      const auto& view = command.create_dataframe_view();
      ARROW_ASSIGN_OR_RAISE(auto unresolved, connect::ConvertRelation(view.input(), ConvertContextFor(session)));
      ARROW_RETURN_NOT_OK(engine::Analyze(unresolved, QueryContextFor(session, nullptr)).status());
      auto& global_views = session.catalog().global_temp_views();
      const std::string global_name = catalog::NormalizeName(view.name());
      bool exists = view.is_global() ? global_views.Find(global_name) != nullptr
                                     : session.catalog().LookupTempView(view.name()) != nullptr;
      if (!view.replace() && exists) {
        return AnalysisError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", {{"relationName", QuoteIdentifier(view.name())}});
      }
      if (view.is_global()) {
        global_views.Create(global_name, unresolved);
      } else {
        session.catalog().CreateTempView(view.name(), unresolved, true);
      }
      return Status::OK();
    }
    case proto::Command::kCheckpointCommand: {
      // checkpoint / localCheckpoint: the rows are materialized now and kept
      // for the session (eager or not: sk8 has no lineage to truncate lazily).
      const auto& checkpoint = command.checkpoint_command();
      ARROW_ASSIGN_OR_RAISE(auto resolved,
                            AnalyzeRelation(session, checkpoint.relation(), PlanStage::kToRun, PhasesOf(op)));
      ARROW_ASSIGN_OR_RAISE(auto batches, ExecuteToBatches(*resolved, session, op));
      auto node = std::make_shared<plan::LocalRelationPlan>();
      ARROW_ASSIGN_OR_RAISE(node->data, arrow::Table::FromRecordBatches(resolved->schema, batches));
      const std::string id = session.PutCachedRelation(node);
      auto response = NewResponse(session, op);
      response.mutable_checkpoint_command_result()->mutable_relation()->set_relation_id(id);
      op.Append(std::move(response));
      return Status::OK();
    }
    case proto::Command::kMlCommand:
      // PySpark sends clean_cache when a session stops (and at exit). sk8
      // caches no ML objects: nothing to remove, and no failure to count.
      if (command.ml_command().has_clean_cache()) {
        auto response = NewResponse(session, op);
        response.mutable_ml_command_result()->mutable_param()->set_integer(0);
        op.Append(std::move(response));
        return Status::OK();
      }
      return Unsupported("command ml_command");
    case proto::Command::kRemoveCachedRemoteRelationCommand:
      session.RemoveCachedRelation(command.remove_cached_remote_relation_command().relation().relation_id());
      return Status::OK();
    case proto::Command::COMMAND_TYPE_NOT_SET:
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.COMMAND",
                        {{"parameter", "`command`"}, {"functionName", "`ExecutePlan`"}, {"invalidValue", "<unset>"}});
    default: {
      const auto* field = command.GetDescriptor()->FindFieldByNumber(command.command_type_case());
      return Unsupported("command " + (field ? field->name() : std::to_string(command.command_type_case())));
    }
  }
}

}  // namespace

proto::Relation SqlCommandRelation(const proto::SqlCommand& sql) {
  proto::Relation relation;
  if (sql.has_input()) return sql.input();
  // Spark 3.5 clients send the query in the (now deprecated) fields.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  auto* query = relation.mutable_sql();
  query->set_query(sql.sql());
  for (const auto& [k, v] : sql.args()) (*query->mutable_args())[k] = v;
  for (const auto& v : sql.pos_args()) *query->add_pos_args() = v;
  for (const auto& [k, v] : sql.named_arguments()) (*query->mutable_named_arguments())[k] = v;
  for (const auto& v : sql.pos_arguments()) *query->add_pos_arguments() = v;
#pragma GCC diagnostic pop
  return relation;
}

Status RunExecutePlan(Session& session, Operation& op, const proto::ExecutePlanRequest& request) {
  proto::Plan plan;
  ARROW_RETURN_NOT_OK(DecodePlan(request.plan(), &plan));
  switch (plan.op_type_case()) {
    case proto::Plan::kRoot: return RunRelation(session, op, plan.root());
    case proto::Plan::kCommand: return RunCommand(session, op, plan.command());
    default:
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PLAN",
                        {{"parameter", "`plan`"}, {"functionName", "`ExecutePlan`"}, {"invalidValue", "<unset>"}});
  }
}

}  // namespace sk8::server
