// EnforceSingleRow: under a scalar subquery, passes its input's one row (or
// none) and fails with Spark's SCALAR_SUBQUERY_TOO_MANY_ROWS for more.
#include <mutex>

#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct SingleRowState : BufferedSinkState {
  std::mutex mutex;
  int64_t rows = 0;
};

class EnforceSingleRow final : public BufferedSinkOperator {
 public:
  explicit EnforceSingleRow(OperatorPtr child) : BufferedSinkOperator(std::move(child)) {}
  std::string name() const override { return "EnforceSingleRow"; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<SingleRowState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    if (batch->num_rows() == 0) return SinkResult::kNeedMoreInput;
    auto& state = static_cast<SingleRowState&>(global);
    std::lock_guard<std::mutex> lock(state.mutex);
    state.rows += batch->num_rows();
    if (state.rows > 1) return SparkError(SparkExceptionKind::kInternal, "SCALAR_SUBQUERY_TOO_MANY_ROWS", {});
    state.output.push_back(std::move(batch));
    return SinkResult::kNeedMoreInput;
  }
};

}  // namespace

OperatorPtr MakeEnforceSingleRow(OperatorPtr child) { return std::make_unique<EnforceSingleRow>(std::move(child)); }

}  // namespace sk8::exec
