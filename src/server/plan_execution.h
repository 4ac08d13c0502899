#pragma once

#include "connect/plan_converter.h"
#include "engine/engine.h"
#include "plan/resolved_plan.h"
#include "server/session.h"
#include "spark/connect/base.pb.h"

namespace sk8::server {

/// Size of one ArrowBatch response: well under clients' 128 MiB message limit,
/// and small enough that results start flowing early.
constexpr int64_t kMaxArrowResponseBytes = 4 << 20;

/// What converting protos may look up in this session (cached artifacts).
connect::ConvertContext ConvertContextFor(Session& session);

/// The engine's view of a session: its catalog, settings and cancellation flag.
engine::QueryContext QueryContextFor(Session& session, const std::atomic<bool>* cancelled);

/// kToRun: optimized to run, with what Spark evaluates while it optimizes
/// (engine::AnalyzeAndOptimize's `to_run`); kOptimized: to describe (schema, EXPLAIN).
enum class PlanStage { kAnalyzed, kOptimized, kToRun };

/// Protos -> unresolved plan -> analyzed (and by default optimized) plan, in a
/// session's context, through the engine facade.
/// `phases` (optional) receives the time of each step (traces).
Result<plan::ResolvedPtr> AnalyzeRelation(Session& session, const spark::connect::Relation& relation,
                                          PlanStage stage = PlanStage::kOptimized,
                                          std::vector<observability::QueryPhase>* phases = nullptr);

/// Runs an ExecutePlan request, appending its responses to `op` (schema, Arrow
/// batches, command results); the caller appends ResultComplete.
Status RunExecutePlan(Session& session, Operation& op, const spark::connect::ExecutePlanRequest& request);

/// The query of a SqlCommand as a Relation (Spark 3.5 clients use the deprecated fields).
spark::connect::Relation SqlCommandRelation(const spark::connect::SqlCommand& sql);

/// Decodes a Plan, decompressing Plan.compressed_operation (zstd) when used.
Status DecodePlan(const spark::connect::Plan& plan, spark::connect::Plan* decoded);

}  // namespace sk8::server
