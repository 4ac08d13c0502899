// ReusedResult: the output of an identical subtree that the query computes
// elsewhere (Spark's ReusedExchange / ReuseSubquery). TPC-H Q15's view
// `revenue0`, referenced by the query and by its scalar subquery, aggregates
// lineitem once. It reads the original sink's finished batches; the executor
// makes its pipeline depend on the original's, which runs once.
#include "exec/operators.h"

namespace sk8::exec {
namespace {

class ReusedResult final : public PhysicalOperator {
 public:
  ReusedResult(const PhysicalOperator* original, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), {}), original_(original) {}

  std::string name() const override { return "ReusedResult"; }
  std::string details() const override { return "(" + original_->name() + " " + original_->details() + ")"; }
  const PhysicalOperator* reused_sink() const override { return original_; }

  bool IsSource() const override { return true; }
  Result<std::unique_ptr<GlobalSourceState>> InitSource(ExecContext& ctx) const override {
    return original_->InitSource(ctx);
  }
  Result<std::unique_ptr<LocalSourceState>> InitLocalSource(ExecContext& ctx,
                                                            GlobalSourceState& global) const override {
    return original_->InitLocalSource(ctx, global);
  }
  Result<SourceResult> GetData(ExecContext& ctx, GlobalSourceState& global, LocalSourceState& local,
                               DataChunk* out) const override {
    return original_->GetData(ctx, global, local, out);
  }

 private:
  const PhysicalOperator* original_;
};

}  // namespace

OperatorPtr MakeReusedResult(const PhysicalOperator* original, std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<ReusedResult>(original, std::move(schema));
}

}  // namespace sk8::exec
