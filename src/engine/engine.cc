#include "engine/engine.h"

#include <algorithm>
#include <map>
#include <string>
#include <mutex>

#include "analyzer/analyzer.h"
#include "exec/executor.h"
#include "exec/physical_planner.h"
#include "exec/task_scheduler.h"
#include "io/data_source.h"
#include "optimizer/cardinality.h"
#include "optimizer/optimizer.h"
#include "types/spark_types.h"

namespace sk8::engine {

Result<plan::ResolvedPtr> Analyze(const plan::PlanPtr& unresolved, const QueryContext& ctx) {
  analyzer::Analyzer analyzer(ctx.catalog, ctx.eval);
  analyzer.set_storage_conf(ctx.storage_conf);
  analyzer.set_query_runner([&ctx](const plan::ResolvedPtr& plan) -> Result<std::shared_ptr<arrow::Table>> {
    ARROW_ASSIGN_OR_RAISE(auto optimized, optimizer::Optimize(plan, ctx.eval));
    exec::ExecContext exec_ctx;
    exec_ctx.eval = ctx.eval;
    exec_ctx.cancelled = ctx.cancelled;
    ARROW_ASSIGN_OR_RAISE(auto batches, exec::ExecuteToBatches(*optimized, exec_ctx));
    if (batches.empty()) return arrow::Table::MakeEmpty(optimized->schema);
    return arrow::Table::FromRecordBatches(batches[0]->schema(), batches);
  });
  return analyzer.Resolve(unresolved);
}

namespace {

/// Rows of each sampled row group that a sampled filter is evaluated on.
constexpr int64_t kSampleRowsPerRowGroup = 20000;

/// The fraction of sampled rows that `filter` (a filter over a Parquet scan)
/// keeps. The sample: the first rows of the first and the middle row group of
/// the first and the middle file, only the columns the condition reads (none
/// of them a partition column); the filter runs over them on the calling
/// thread. Other formats have no cheap sample (a split of a CSV file may be
/// all of it).
Result<double> SampleFilter(const plan::ResolvedPlan& filter, const QueryContext& ctx) {
  const plan::ResolvedPlan& scan = filter.child();
  if (scan.format != "parquet" || scan.files.empty() || !scan.data_source || !scan.data_schema) {
    return Status::Invalid("only Parquet scans are sampled");
  }
  std::vector<int> file_columns;
  arrow::FieldVector fields;
  std::vector<plan::ColumnId> ids;
  bool partition_column = false;
  plan::ForEachColumnId(*filter.condition, [&](plan::ColumnId id) {
    const int position = plan::ColumnPosition(scan, id);
    if (position < 0 || static_cast<size_t>(position) >= scan.file_columns.size()) return;
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) return;
    const int column = scan.file_columns[position];
    if (column >= scan.data_schema->num_fields()) partition_column = true;
    file_columns.push_back(column);
    fields.push_back(scan.schema->field(position));
    ids.push_back(id);
  });
  if (ids.empty() || partition_column) return Status::Invalid("not a filter over the files' own columns");
  std::vector<std::string> files{scan.files.front()};
  if (scan.files.size() > 1) files.push_back(scan.files[scan.files.size() / 2]);
  ARROW_ASSIGN_OR_RAISE(auto splits, scan.data_source->PlanSplits(files));
  if (splits.empty()) return Status::Invalid("no row groups");
  std::vector<size_t> picked{0};
  if (splits.size() > 1) picked.push_back(splits.size() / 2);
  auto schema = arrow::schema(fields);
  arrow::RecordBatchVector batches;
  for (size_t s : picked) {
    ARROW_ASSIGN_OR_RAISE(auto batch, scan.data_source->ReadSplit(splits[s], *scan.data_schema, file_columns,
                                                                  arrow::default_memory_pool()));
    // The scan's own names and types for the columns read (the data schema's).
    auto named = arrow::RecordBatch::Make(schema, batch->num_rows(), batch->columns());
    batches.push_back(named->Slice(0, kSampleRowsPerRowGroup));
  }
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, batches));
  if (table->num_rows() == 0) return Status::Invalid("empty sample");
  auto local = std::make_shared<plan::ResolvedPlan>();
  local->kind = plan::ResolvedKind::kLocalTable;
  local->schema = schema;
  local->column_ids = ids;
  local->qualifiers.assign(ids.size(), "");
  local->table = table;
  auto sampled = plan::MakeFilterNode(local, filter.condition);
  exec::ExecContext exec_ctx;
  exec_ctx.eval = ctx.eval;
  exec_ctx.cancelled = ctx.cancelled;
  exec_ctx.max_threads = 1;
  ARROW_ASSIGN_OR_RAISE(auto kept, exec::ExecuteToBatches(*sampled, exec_ctx));
  int64_t kept_rows = 0;
  for (const auto& batch : kept) kept_rows += batch->num_rows();
  return static_cast<double>(kept_rows) / static_cast<double>(table->num_rows());
}

}  // namespace

Result<plan::ResolvedPtr> AnalyzeAndOptimize(const plan::PlanPtr& unresolved, const QueryContext& ctx,
                                             bool to_run) {
  plan::ResolvedPtr analyzed;
  {
    observability::PhaseTimer timer(ctx.phases, "analyze");
    ARROW_ASSIGN_OR_RAISE(analyzed, Analyze(unresolved, ctx));
  }
  observability::PhaseTimer timer(ctx.phases, "optimize");
  // EXPLAIN samples too, so that it shows the plan that runs.
  // Once per distinct filter: a query may filter the same files the same way
  // twice (Q21 reads lineitem WHERE l_receiptdate > l_commitdate in two places).
  auto sampled = std::make_shared<std::map<std::string, double>>();
  optimizer::FilterSampler sample_filter = [&ctx, sampled](const plan::ResolvedPlan& filter) -> Result<double> {
    std::string key = plan::CanonicalString(filter);
    if (auto it = sampled->find(key); it != sampled->end()) return it->second;
    ARROW_ASSIGN_OR_RAISE(double kept, SampleFilter(filter, ctx));
    sampled->emplace(std::move(key), kept);
    return kept;
  };
  if (!to_run) return optimizer::Optimize(analyzed, ctx.eval, nullptr, sample_filter);
  // Projections and filters over the query's own rows run while it is planned
  // (Spark's ConvertToLocalRelation): small inputs, one thread, the server's budget.
  optimizer::LocalEvaluator evaluate_local =
      [&ctx](const plan::ResolvedPlan& node) -> Result<std::shared_ptr<arrow::Table>> {
    exec::ExecContext exec_ctx;
    exec_ctx.eval = ctx.eval;
    exec_ctx.cancelled = ctx.cancelled;
    exec_ctx.max_threads = 1;
    ARROW_ASSIGN_OR_RAISE(auto batches, exec::ExecuteToBatches(node, exec_ctx));
    if (batches.empty()) return arrow::Table::MakeEmpty(node.schema);
    return arrow::Table::FromRecordBatches(batches[0]->schema(), batches);
  };
  return optimizer::Optimize(analyzed, ctx.eval, evaluate_local, sample_filter);
}

namespace {

std::string SchemaLine(const arrow::Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields()) {
    std::string type = types::SqlString(*f->type());
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    out += (out.empty() ? "" : ", ") + f->name() + ": " + type;
  }
  return out;
}

/// Each line of the plan's tree (one per node, in pre-order) with Spark's
/// Statistics(sizeInBytes=..., rowCount=...) from the estimates.
void AppendWithStatistics(const plan::ResolvedPlan& node, const std::vector<std::string>& lines, size_t* line,
                          std::string* out) {
  if (*line >= lines.size()) return;
  const double rows = optimizer::EstimateRows(node);
  int64_t row_bytes = 8;
  for (const auto& f : node.schema->fields()) row_bytes += f->type()->byte_width() > 0 ? f->type()->byte_width() : 20;
  const auto size = static_cast<int64_t>(rows * static_cast<double>(row_bytes));
  *out += lines[(*line)++] + ", Statistics(sizeInBytes=" + std::to_string(size) + " B, rowCount=" +
          std::to_string(static_cast<int64_t>(rows)) + ")\n";
  for (const auto& child : node.children) AppendWithStatistics(*child, lines, line, out);
}

/// Spark's formatted tree: each operator's name and its number, in pre-order.
void NumberOperators(const exec::PhysicalOperator& op, int depth, std::vector<const exec::PhysicalOperator*>* ops,
                     std::string* out) {
  ops->push_back(&op);
  if (depth > 0) *out += std::string((depth - 1) * 3, ' ') + "+- ";
  *out += op.name() + " (" + std::to_string(ops->size()) + ")\n";
  for (const auto& child : op.children()) NumberOperators(*child, depth + 1, ops, out);
}

bool HasExchange(const exec::PhysicalOperator& op) {
  if (op.name().find("Join") != std::string::npos || op.name().find("Aggregate") != std::string::npos) return true;
  for (const auto& child : op.children()) {
    if (HasExchange(*child)) return true;
  }
  return false;
}

std::vector<std::string> Lines(const std::string& text);

/// Spark plans a query with exchanges (joins, aggregates) adaptively and shows
/// it under an AdaptiveSparkPlan root; so does sk8's EXPLAIN.
std::string AdaptiveRoot(const exec::PhysicalOperator& root, const std::string& operators) {
  if (!HasExchange(root)) return operators;
  std::string out = "AdaptiveSparkPlan isFinalPlan=false\n";
  bool first = true;
  for (const auto& line : Lines(operators)) {
    out += (first ? "+- " : "   ") + line + "\n";
    first = false;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

Result<std::string> Explain(const plan::ResolvedPlan& optimized, ExplainMode mode, const plan::ResolvedPlan* analyzed) {
  ARROW_ASSIGN_OR_RAISE(auto physical, exec::CreatePhysicalPlan(optimized));
  const std::string operators = AdaptiveRoot(*physical, exec::ExplainOperators(*physical));
  switch (mode) {
    case ExplainMode::kSimple: return "== Physical Plan ==\n" + operators;
    case ExplainMode::kExtended: {
      const plan::ResolvedPlan& before = analyzed ? *analyzed : optimized;
      const std::string analyzed_text = plan::ExplainString(before);
      return "== Parsed Logical Plan ==\n" + analyzed_text + "\n== Analyzed Logical Plan ==\n" +
             SchemaLine(*before.schema) + "\n" + analyzed_text + "\n== Optimized Logical Plan ==\n" +
             plan::ExplainString(optimized) + "\n== Physical Plan ==\n" + operators;
    }
    case ExplainMode::kCodegen: return std::string("Found 0 WholeStageCodegen subtrees.\n");
    case ExplainMode::kCost: {
      std::string text = "== Optimized Logical Plan ==\n";
      size_t line = 0;
      AppendWithStatistics(optimized, Lines(plan::ExplainString(optimized)), &line, &text);
      return text + "\n== Physical Plan ==\n" + operators;
    }
    case ExplainMode::kFormatted: {
      std::vector<const exec::PhysicalOperator*> ops;
      std::string text = "== Physical Plan ==\n";
      NumberOperators(*physical, 0, &ops, &text);
      text += "\n";
      for (size_t i = 0; i < ops.size(); ++i) {
        const auto& schema = *ops[i]->schema();
        text += "\n(" + std::to_string(i + 1) + ") " + ops[i]->name() + "\nOutput [" +
                std::to_string(schema.num_fields()) + "]: [";
        for (int f = 0; f < schema.num_fields(); ++f) text += (f ? ", " : "") + schema.field(f)->name();
        text += "]\n";
        if (!ops[i]->details().empty()) text += "Arguments: " + ops[i]->details() + "\n";
      }
      return text + "\n";
    }
  }
  return InternalError("unknown explain mode");
}

Status Execute(const plan::ResolvedPlan& optimized, const QueryContext& ctx, const exec::BatchCallback& on_batch,
               QueryMemoryStats* stats) {
  observability::PhaseTimer timer(ctx.phases, "execute");
  ARROW_ASSIGN_OR_RAISE(auto root, exec::CreatePhysicalPlan(optimized));
  std::unique_ptr<exec::OperatorRowCounts> rows;
  if (ctx.profile_operators) {
    rows = std::make_unique<exec::OperatorRowCounts>(*root);
    if (ctx.on_plan) {
      ctx.on_plan(std::make_shared<observability::OperatorProfile>(rows->Profile(*root)),
                  AdaptiveRoot(*root, exec::ExplainOperators(*root)));
    }
  }
  // The query's own budget: as large as the one it draws from, so that one
  // query alone is refused at its own level and its peak is its own.
  std::shared_ptr<MemoryTracker> parent = ctx.memory ? ctx.memory : ServerMemoryTracker();
  auto tracker = std::make_shared<MemoryTracker>("query", parent->limit(), parent);
  auto pool = std::make_shared<QueryMemoryPool>(tracker);
  Status status;
  QueryMemoryStats result;
  {
    exec::ExecContext exec_ctx;
    exec_ctx.eval = ctx.eval;
    exec_ctx.cancelled = ctx.cancelled;
    exec_ctx.max_threads = exec::TaskScheduler::Instance().num_threads();
    exec_ctx.pool = pool.get();
    exec_ctx.memory = tracker.get();
    exec_ctx.operator_rows = rows.get();
    status = exec::ExecuteOperators(*root, exec_ctx, on_batch);
    result.rows_read = exec_ctx.rows_read.load();
    result.bytes_read = exec_ctx.bytes_read.load();
    result.cpu_nanos = exec_ctx.cpu_nanos.load();
  }  // sink states (and their reservations) are gone here
  if (rows) {
    result.plan = std::make_shared<observability::OperatorProfile>(rows->Profile(*root));
    result.plan_text = AdaptiveRoot(*root, exec::ExplainOperators(*root));
  }
  result.peak_bytes = tracker->peak();
  result.limit_bytes = tracker->EffectiveLimit();
  if (stats != nullptr) *stats = result;
  RetireQueryPool(std::move(pool));
  return status;
}

Status ExecuteWrite(const plan::ResolvedPlan& optimized, io::WriteSpec spec, const QueryContext& ctx,
                    QueryMemoryStats* stats) {
  if (spec.session_time_zone.empty()) spec.session_time_zone = ctx.eval.session_time_zone;
  if (!spec.storage) spec.storage = ctx.storage_conf;
  ARROW_ASSIGN_OR_RAISE(auto writer, io::DatasetWriter::Open(std::move(spec), optimized.schema));
  if (writer->skipped()) return Status::OK();
  std::mutex mutex;  // the writer's files take one batch at a time
  ARROW_RETURN_NOT_OK(Execute(
      optimized, ctx,
      [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
        std::lock_guard<std::mutex> lock(mutex);
        return writer->Write(batch);
      },
      stats));
  return writer->Commit();
}

}  // namespace sk8::engine
