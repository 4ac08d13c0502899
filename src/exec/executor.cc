#include "exec/executor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <ctime>

#include <arrow/util/byte_size.h>

#include "exec/operators.h"
#include "exec/physical_planner.h"
#include "exec/ordered_batches.h"
#include "exec/task_scheduler.h"

namespace sk8::exec {
namespace {

/// The root sink: hands batches to the caller in source order as soon as a
/// gap-free prefix is available, so results stream while later morsels run.
class ResultCollector : public PhysicalOperator {
 public:
  ResultCollector(std::shared_ptr<arrow::Schema> schema, const BatchCallback* callback)
      : PhysicalOperator(std::move(schema), {}), callback_(callback) {}

  struct State : GlobalSinkState {
    OrderedBatches batches;
    std::mutex emit_mutex;  // the callback sees batches one at a time, in order
  };

  std::string name() const override { return "Result"; }
  bool IsSink() const override { return true; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<State>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    auto& state = static_cast<State&>(global);
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    state.batches.Add(chunk.batch_index, batch, chunk.last_part);
    std::lock_guard<std::mutex> lock(state.emit_mutex);
    return Emit(state.batches.TakeReadyPrefix());
  }

  Status Finalize(ExecContext&, GlobalSinkState& global) const override {
    auto& state = static_cast<State&>(global);
    std::lock_guard<std::mutex> lock(state.emit_mutex);
    // Sources may skip indices (e.g. an empty range); flush what is left in order.
    ARROW_ASSIGN_OR_RAISE(auto result, Emit(state.batches.TakeAll()));
    (void)result;
    return Status::OK();
  }

 private:
  Result<SinkResult> Emit(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches) const {
    for (const auto& batch : batches) {
      if (batch->num_rows() > 0) ARROW_RETURN_NOT_OK((*callback_)(batch));
    }
    return SinkResult::kNeedMoreInput;
  }

  const BatchCallback* callback_;
};

struct Pipeline {
  const PhysicalOperator* source = nullptr;
  std::vector<const PhysicalOperator*> operators;  // in execution order
  const PhysicalOperator* sink = nullptr;
  std::vector<Pipeline*> dependencies;
};

class PipelineBuilder {
 public:
  Pipeline* NewPipeline(const PhysicalOperator* sink) {
    pipelines_.push_back(std::make_unique<Pipeline>());
    pipelines_.back()->sink = sink;
    return pipelines_.back().get();
  }

  // An operator with two inputs (a join) streams its first input; its second
  // is a sink (the build side) that runs as a pipeline of its own first.
  Status Walk(const PhysicalOperator* op, Pipeline* current) {
    if (op->IsSink()) {
      current->source = op;
      Pipeline* child = NewPipeline(op);
      current->dependencies.push_back(child);
      ARROW_RETURN_NOT_OK(WalkSecondInput(op, child));
      return Walk(op->children()[0].get(), child);
    }
    if (op->reused_sink() != nullptr) {
      current->source = op;
      reuses_.emplace_back(current, op->reused_sink());
      return Status::OK();
    }
    if (op->IsSource()) {
      // A source with inputs (union) reads what their pipelines collected.
      current->source = op;
      for (const auto& input : op->children()) {
        if (!input->IsSink()) return InternalError(op->name() + ": a source's inputs must be sinks");
        Pipeline* pipeline = NewPipeline(input.get());
        current->dependencies.push_back(pipeline);
        ARROW_RETURN_NOT_OK(Walk(input->children()[0].get(), pipeline));
      }
      return Status::OK();
    }
    current->operators.insert(current->operators.begin(), op);
    ARROW_RETURN_NOT_OK(WalkSecondInput(op, current));
    return Walk(op->children()[0].get(), current);
  }

 private:
  Status WalkSecondInput(const PhysicalOperator* op, Pipeline* needing_it) {
    if (op->children().size() == 1) return Status::OK();
    if (op->children().size() != 2 || !op->children()[1]->IsSink()) {
      return InternalError(op->name() + ": operators take one input, or two whose second is a sink");
    }
    const PhysicalOperator* build = op->children()[1].get();
    Pipeline* pipeline = NewPipeline(build);
    needing_it->dependencies.push_back(pipeline);
    return Walk(build->children()[0].get(), pipeline);
  }

 public:
  /// After the walk: a pipeline that reads a reused result depends on the
  /// pipeline that fills it (which may have been walked after it).
  Status ResolveReuses() {
    for (const auto& [reader, sink] : reuses_) {
      auto filling = std::find_if(pipelines_.begin(), pipelines_.end(), [&](const auto& p) { return p->sink == sink; });
      if (filling == pipelines_.end()) return InternalError("a reused result has no pipeline computing it");
      reader->dependencies.push_back(filling->get());
    }
    return Status::OK();
  }

 private:
  std::vector<std::unique_ptr<Pipeline>> pipelines_;
  std::vector<std::pair<Pipeline*, const PhysicalOperator*>> reuses_;
};

// Spark evaluates a stage row by row, so when several rows (or several
// expressions) would fail, the first failing row decides which error the user
// sees. A failed chunk is replayed one row at a time to report that error.
Status FirstRowError(ExecContext& ctx, const Pipeline& pipeline, const DataChunk& source_chunk,
                     GlobalSinkState& sink_state, LocalSinkState& local_sink, const Status& original) {
  auto dense = source_chunk.Materialize(ctx.pool);
  if (!dense.ok()) return original;
  std::vector<std::unique_ptr<OperatorState>> op_states;
  for (const auto* op : pipeline.operators) {
    auto state = op->InitOperator(ctx);
    if (!state.ok()) return original;
    op_states.push_back(std::move(*state));
  }
  for (int64_t row = 0; row < (*dense)->num_rows(); ++row) {
    DataChunk one;
    one.batch = (*dense)->Slice(row, 1);
    one.batch_index = source_chunk.batch_index;
    for (size_t i = 0; i < pipeline.operators.size(); ++i) {
      auto result = pipeline.operators[i]->Execute(ctx, &one, *op_states[i]);
      if (!result.ok()) return result.status();
    }
    // The sink's state no longer matters: the query fails either way.
    auto sunk = pipeline.sink->Sink(ctx, one, sink_state, local_sink);
    if (!sunk.ok()) return sunk.status();
  }
  return original;
}

bool IsRowError(const Status& status) {
  const SparkErrorDetail* detail = GetSparkError(status);
  return detail != nullptr && detail->kind() != SparkExceptionKind::kInternal &&
         detail->kind() != SparkExceptionKind::kAnalysis && detail->kind() != SparkExceptionKind::kUnsupported &&
         detail->kind() != SparkExceptionKind::kOutOfMemory;
}

/// One worker's share of a pipeline: its local source, operator and sink
/// states, kept between time slices so that a pool worker can put the
/// pipeline aside and come back to it after other queries had their turn.
class PipelineWorker {
 public:
  PipelineWorker(ExecContext& ctx, const Pipeline& pipeline, GlobalSourceState& source_state,
                 GlobalSinkState& sink_state, std::atomic<bool>& finished)
      : ctx_(ctx), pipeline_(pipeline), source_state_(source_state), sink_state_(sink_state), finished_(finished) {}

  /// Pulls morsels through the pipeline until the source is drained (true)
  /// or `deadline` has passed (false: call again to go on).
  Result<bool> RunUntil(std::chrono::steady_clock::time_point deadline) {
    const int64_t cpu_before = ThreadCpuNanos();
    auto result = RunSlice(deadline);
    ctx_.cpu_nanos.fetch_add(ThreadCpuNanos() - cpu_before, std::memory_order_relaxed);
    return result;
  }

  /// Hands the local sink's state to the global one, once the source is drained.
  Status Finish() {
    if (!local_sink_) return Status::OK();  // never ran: nothing to combine
    MemoryScope scope(pipeline_.sink->name());
    return pipeline_.sink->Combine(ctx_, sink_state_, *local_sink_);
  }

 private:
  static int64_t ThreadCpuNanos() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
  }

  /// A leaf source reads data (files, tables, ranges): what it produces is
  /// what the query read. Sinks acting as sources and unions re-read rows.
  bool ReadsData() const {
    const PhysicalOperator* source = pipeline_.source;
    return !source->IsSink() && source->reused_sink() == nullptr && source->children().empty();
  }

  Result<bool> RunSlice(std::chrono::steady_clock::time_point deadline) {
    if (!local_sink_) ARROW_RETURN_NOT_OK(Init());
    const bool reads_data = ReadsData();
    DataChunk chunk;
    while (!finished_.load(std::memory_order_relaxed)) {
      if (ctx_.IsCancelled()) return Status::Cancelled("operation cancelled");
      if (std::chrono::steady_clock::now() >= deadline) return false;
      Result<SourceResult> produced;
      {
        MemoryScope scope(pipeline_.source->name());
        produced = pipeline_.source->GetData(ctx_, source_state_, *local_source_, &chunk);
      }
      ARROW_RETURN_NOT_OK(produced.status());
      if (*produced == SourceResult::kFinished) break;
      if (ctx_.operator_rows != nullptr) ctx_.operator_rows->Produced(pipeline_.source, chunk.num_rows());
      if (reads_data && chunk.batch != nullptr) {
        ctx_.rows_read.fetch_add(chunk.num_rows(), std::memory_order_relaxed);
        // Referenced bytes, so that a slice of a larger table counts its part only.
        auto bytes = arrow::util::ReferencedBufferSize(*chunk.batch);
        if (bytes.ok()) ctx_.bytes_read.fetch_add(*bytes, std::memory_order_relaxed);
      }
      ARROW_RETURN_NOT_OK(Push(chunk));
    }
    return true;
  }

  Status Init() {
    ARROW_ASSIGN_OR_RAISE(local_source_, pipeline_.source->InitLocalSource(ctx_, source_state_));
    for (const auto* op : pipeline_.operators) {
      ARROW_ASSIGN_OR_RAISE(auto state, op->InitOperator(ctx_));
      op_states_.push_back(std::move(state));
    }
    ARROW_ASSIGN_OR_RAISE(local_sink_, pipeline_.sink->InitLocalSink(ctx_, sink_state_));
    local_sink_->memory = MemoryReservation(ctx_.memory, pipeline_.sink->name());
    if (auto* rows = ctx_.operator_rows) {
      // Zero, not "never ran", for the operators of a pipeline that gets no rows.
      rows->Produced(pipeline_.source, 0);
      for (const auto* op : pipeline_.operators) rows->Produced(op, 0);
      rows->Sunk(pipeline_.sink, 0);
    }
    return Status::OK();
  }

  Status Push(DataChunk& chunk) {
    DataChunk source_chunk = chunk;  // shares buffers; kept to replay a failure
    bool stop = false;
    Status status = PushFrom(0, chunk, &stop);
    if (!status.ok()) {
      if (IsRowError(status)) return FirstRowError(ctx_, pipeline_, source_chunk, sink_state_, *local_sink_, status);
      return status;
    }
    if (stop) finished_ = true;
    return Status::OK();
  }

  /// Runs `chunk` through operators from `first` on and into the sink; an
  /// operator that has more output for the same input is called again, each
  /// part going through the rest of the pipeline before the next.
  Status PushFrom(size_t first, DataChunk& chunk, bool* stop) {
    for (size_t i = first; i < pipeline_.operators.size(); ++i) {
      MemoryScope scope(pipeline_.operators[i]->name());
      const DataChunk input = chunk;
      ARROW_ASSIGN_OR_RAISE(auto result, pipeline_.operators[i]->Execute(ctx_, &chunk, *op_states_[i]));
      while (result == OperatorResult::kHaveMoreOutput) {
        chunk.last_part = false;  // more parts of this morsel follow
        if (ctx_.operator_rows != nullptr) ctx_.operator_rows->Produced(pipeline_.operators[i], chunk.num_rows());
        ARROW_RETURN_NOT_OK(PushFrom(i + 1, chunk, stop));
        if (*stop || ctx_.IsCancelled()) return Status::OK();
        chunk = input;
        ARROW_ASSIGN_OR_RAISE(result, pipeline_.operators[i]->Execute(ctx_, &chunk, *op_states_[i]));
      }
      chunk.last_part = input.last_part;
      if (ctx_.operator_rows != nullptr) ctx_.operator_rows->Produced(pipeline_.operators[i], chunk.num_rows());
      if (result == OperatorResult::kFinished) *stop = true;
    }
    if (ctx_.operator_rows != nullptr) ctx_.operator_rows->Sunk(pipeline_.sink, chunk.num_rows());
    MemoryScope scope(pipeline_.sink->name());
    ARROW_ASSIGN_OR_RAISE(auto sunk, pipeline_.sink->Sink(ctx_, chunk, sink_state_, *local_sink_));
    if (sunk == SinkResult::kFinished) *stop = true;
    return Status::OK();
  }

  ExecContext& ctx_;
  const Pipeline& pipeline_;
  GlobalSourceState& source_state_;
  GlobalSinkState& sink_state_;
  std::atomic<bool>& finished_;
  std::unique_ptr<LocalSourceState> local_source_;
  std::vector<std::unique_ptr<OperatorState>> op_states_;
  std::unique_ptr<LocalSinkState> local_sink_;
};

/// How long a pool worker stays on one pipeline before it goes to the back of
/// the queue: pool workers take turns between running queries, so a small
/// query's tasks wait at most a slice behind a large one's.
constexpr std::chrono::milliseconds kTimeSlice{20};

Status RunPipeline(ExecContext& ctx, Pipeline& pipeline, std::unique_ptr<GlobalSinkState>* sink_state_out) {
  for (Pipeline* dependency : pipeline.dependencies) {
    if (ctx.SinkStateOf(dependency->sink) != nullptr) continue;  // already run for another reader
    std::unique_ptr<GlobalSinkState> state;
    ARROW_RETURN_NOT_OK(RunPipeline(ctx, *dependency, &state));
    std::lock_guard<std::mutex> lock(ctx.sink_states_mutex);
    ctx.sink_states[dependency->sink] = std::move(state);
  }
  MemoryScope sink_scope(pipeline.sink->name());
  ARROW_ASSIGN_OR_RAISE(auto sink_state, pipeline.sink->InitGlobalSink(ctx));
  sink_state->memory = MemoryReservation(ctx.memory, pipeline.sink->name());
  std::unique_ptr<GlobalSourceState> source_state;
  {
    MemoryScope scope(pipeline.source->name());
    ARROW_ASSIGN_OR_RAISE(source_state, pipeline.source->InitSource(ctx));
  }
  int workers = std::max(1, std::min(ctx.max_threads, source_state->MaxThreads()));

  std::atomic<bool> finished{false};
  std::mutex mutex;
  std::condition_variable done_cv;
  int remaining = workers;
  Status first_error;
  auto done = [&](const Status& status) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!status.ok()) {
      if (first_error.ok()) first_error = status;
      finished = true;
    }
    if (--remaining == 0) done_cv.notify_all();
  };
  std::vector<std::unique_ptr<PipelineWorker>> pool_workers;
  for (int i = 1; i < workers; ++i) {
    pool_workers.push_back(std::make_unique<PipelineWorker>(ctx, pipeline, *source_state, *sink_state, finished));
  }
  // A pool task runs a slice, then either finishes its worker or queues itself
  // again behind whatever other queries have queued meanwhile.
  std::function<void(PipelineWorker*)> run_slice = [&](PipelineWorker* worker) {
    auto drained = worker->RunUntil(std::chrono::steady_clock::now() + kTimeSlice);
    if (drained.ok() && !*drained) {
      TaskScheduler::Instance().Submit([&run_slice, worker] { run_slice(worker); });
      return;
    }
    done(drained.ok() ? worker->Finish() : drained.status());
  };
  for (auto& worker : pool_workers) {
    TaskScheduler::Instance().Submit([&run_slice, w = worker.get()] { run_slice(w); });
  }
  {
    // The calling thread is worker 0; it has no one to take turns with.
    PipelineWorker caller(ctx, pipeline, *source_state, *sink_state, finished);
    auto drained = caller.RunUntil(std::chrono::steady_clock::time_point::max());
    done(drained.ok() ? caller.Finish() : drained.status());
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    done_cv.wait(lock, [&] { return remaining == 0; });
  }
  ARROW_RETURN_NOT_OK(first_error);
  if (ctx.IsCancelled()) return Status::Cancelled("operation cancelled");
  ARROW_RETURN_NOT_OK(pipeline.sink->Finalize(ctx, *sink_state));
  *sink_state_out = std::move(sink_state);
  return Status::OK();
}

}  // namespace

Status ExecuteOperators(const PhysicalOperator& root, ExecContext& ctx, const BatchCallback& on_batch) {
  ResultCollector collector(root.schema(), &on_batch);
  PipelineBuilder builder;
  Pipeline* top = builder.NewPipeline(&collector);
  ARROW_RETURN_NOT_OK(builder.Walk(&root, top));
  ARROW_RETURN_NOT_OK(builder.ResolveReuses());
  std::unique_ptr<GlobalSinkState> state;
  return RunPipeline(ctx, *top, &state);
}

Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ExecuteToBatches(const plan::ResolvedPlan& plan,
                                                                          ExecContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto root, CreatePhysicalPlan(plan));
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  ARROW_RETURN_NOT_OK(ExecuteOperators(*root, ctx, [&](const std::shared_ptr<arrow::RecordBatch>& batch) {
    batches.push_back(batch);
    return Status::OK();
  }));
  return batches;
}

}  // namespace sk8::exec
