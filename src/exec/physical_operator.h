#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <arrow/memory_pool.h>
#include <arrow/type.h>

#include "common/memory_pool.h"
#include "exec/data_chunk.h"
#include "exec/operator_row_counts.h"
#include "plan/bound_expression.h"

/// Physical operators are immutable after planning; everything that changes while
/// a query runs lives in state objects (global per query, local per thread), so
/// one plan can run on many threads and be printed by EXPLAIN at any time.
namespace sk8::exec {

class PhysicalOperator;

/// Sink states carry a reservation for what they hold outside the query's
/// Arrow pool; the executor binds it to the query's budget, named after the sink.
struct GlobalSinkState {
  virtual ~GlobalSinkState() = default;
  MemoryReservation memory;
};
struct LocalSinkState {
  virtual ~LocalSinkState() = default;
  MemoryReservation memory;
};
struct GlobalSourceState {
  virtual ~GlobalSourceState() = default;
  /// How many threads may pull from this source at once.
  virtual int MaxThreads() const { return 1; }
};
struct LocalSourceState {
  virtual ~LocalSourceState() = default;
};
struct OperatorState {
  virtual ~OperatorState() = default;
};

/// Everything a running query shares: settings, cancellation, memory, and the
/// finished sink states that later pipelines read from.
struct ExecContext {
  plan::EvalContext eval;
  const std::atomic<bool>* cancelled = nullptr;
  /// Arrow allocations of the query (its QueryMemoryPool when run by the engine).
  arrow::MemoryPool* pool = arrow::default_memory_pool();
  /// The query's budget, which reservations charge; nullptr: counted, not limited.
  MemoryTracker* memory = nullptr;
  int max_threads = 1;
  /// What the query's scans produced (rows, Arrow bytes) and the CPU time of
  /// the threads that ran its pipelines, for metrics and cost attribution.
  std::atomic<int64_t> rows_read{0};
  std::atomic<int64_t> bytes_read{0};
  std::atomic<int64_t> cpu_nanos{0};
  /// Rows per operator (the engine's queries; nullptr: not counted).
  OperatorRowCounts* operator_rows = nullptr;

  std::mutex sink_states_mutex;
  std::map<const PhysicalOperator*, std::unique_ptr<GlobalSinkState>> sink_states;

  bool IsCancelled() const { return cancelled != nullptr && cancelled->load(std::memory_order_relaxed); }
  GlobalSinkState* SinkStateOf(const PhysicalOperator* op);
};

enum class SourceResult { kHaveMore, kFinished };
/// What a streaming operator says after Execute: kNeedMoreInput (the chunk
/// holds its output for this input), kHaveMoreOutput (the chunk holds part of
/// its output; call Execute again with the same input for the rest: a join
/// whose probe rows match many rows, an explode), kFinished (no more input is
/// wanted: a satisfied LIMIT).
enum class OperatorResult { kNeedMoreInput, kHaveMoreOutput, kFinished };
enum class SinkResult { kNeedMoreInput, kFinished };

class PhysicalOperator {
 public:
  PhysicalOperator(std::shared_ptr<arrow::Schema> schema, std::vector<std::unique_ptr<PhysicalOperator>> children)
      : schema_(std::move(schema)), children_(std::move(children)) {}
  /// A unary operator whose output schema is its input's.
  explicit PhysicalOperator(std::unique_ptr<PhysicalOperator> child);
  virtual ~PhysicalOperator() = default;

  virtual std::string name() const = 0;
  /// One line of operator-specific detail for EXPLAIN.
  virtual std::string details() const { return ""; }

  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  const std::vector<std::unique_ptr<PhysicalOperator>>& children() const { return children_; }

  // --- source: produces chunks (scans; sinks also act as sources once finalized)
  virtual bool IsSource() const { return false; }
  /// A source that reads another operator's finished sink (ReusedResult): that
  /// sink's pipeline must run first, once for all its readers.
  virtual const PhysicalOperator* reused_sink() const { return nullptr; }
  virtual Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext& ctx) const;
  virtual Result<std::unique_ptr<LocalSourceState>> InitLocalSource(ExecContext& ctx, GlobalSourceState& global) const;
  virtual Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState& local,
                                       DataChunk* out) const;

  // --- streaming operator: transforms a chunk in place
  virtual Result<std::unique_ptr<OperatorState>> InitOperator(ExecContext& ctx) const;
  virtual Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState& state) const;

  // --- sink: consumes chunks (pipeline breaker)
  virtual bool IsSink() const { return false; }
  virtual Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext& ctx) const;
  virtual Result<std::unique_ptr<LocalSinkState>> InitLocalSink(ExecContext& ctx, GlobalSinkState& global) const;
  virtual Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global,
                                  LocalSinkState& local) const;
  virtual Status Combine(ExecContext& ctx, GlobalSinkState& global, LocalSinkState& local) const;
  virtual Status Finalize(ExecContext& ctx, GlobalSinkState& global) const;

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::unique_ptr<PhysicalOperator>> children_;
};

using OperatorPtr = std::unique_ptr<PhysicalOperator>;

/// The children list of a unary operator.
inline std::vector<OperatorPtr> SingleChild(OperatorPtr child) {
  std::vector<OperatorPtr> children;
  children.push_back(std::move(child));
  return children;
}

inline PhysicalOperator::PhysicalOperator(OperatorPtr child)
    : schema_(child->schema()), children_(SingleChild(std::move(child))) {}

/// A sink that, once finalized, serves a list of batches as its source output.
struct BufferedSinkState : GlobalSinkState {
  std::vector<std::shared_ptr<arrow::RecordBatch>> output;
};
struct BufferedSourceState : GlobalSourceState {
  const BufferedSinkState* sink = nullptr;
  std::atomic<size_t> next{0};
};

/// Base for pipeline breakers whose result is a list of batches.
class BufferedSinkOperator : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  bool IsSource() const override { return true; }
  bool IsSink() const override { return true; }
  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext& ctx) const override;
  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState& local,
                               DataChunk* out) const override;
};

/// Bytes of a batch's buffers that `counted` (the query pool) did not allocate:
/// what a sink must reserve to hold the batch (kernels and scans may allocate
/// from other pools).
int64_t BytesOutsidePool(const arrow::RecordBatch& batch, const arrow::MemoryPool* counted);

/// Reserves what holding `batch` costs beyond the query pool's own count.
Status ReserveBatch(const ExecContext& ctx, const arrow::RecordBatch& batch, MemoryReservation* reservation);

/// Renders an operator tree for EXPLAIN.
std::string ExplainOperators(const PhysicalOperator& root);

}  // namespace sk8::exec
