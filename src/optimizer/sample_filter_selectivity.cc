// SampleFilterSelectivity (sk8's own): a filter over a large file scan whose
// condition statistics cannot estimate (`p_name LIKE '%green%'`,
// `o_orderstatus = 'F'`, `l_receiptdate > l_commitdate`) is run over a sample
// of the files' rows, and the fraction it keeps replaces the fixed guess for
// the estimates that order joins and choose build sides. A fixed 25% for
// Q9's LIKE (5% in fact) kept a 15-million-row orders table as a build side;
// measured, the few joined lineitems are built and orders streams past them.
// Small tables are measured too (the sample is then all of it: Q21's one
// nation of 25). A sample that cannot be read leaves the estimate as it was.
#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

using plan::BoundKind;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;


/// A comparison of a column with a literal: the file's min / max estimate it.
bool IsRangeComparison(const plan::BoundExpr& e) {
  if (e.kind != BoundKind::kCall || e.args.size() != 2) return false;
  const std::string& f = e.function_name;
  if (f != "<" && f != "<=" && f != ">" && f != ">=") return false;
  const auto a = e.args[0]->kind, b = e.args[1]->kind;
  return (a == BoundKind::kColumnRef && b == BoundKind::kLiteral) ||
         (a == BoundKind::kLiteral && b == BoundKind::kColumnRef);
}

bool WorthSampling(const ResolvedPlan& node) {
  if (node.kind != ResolvedKind::kFilter || node.sampled_selectivity >= 0 || !node.condition) return false;
  const ResolvedPlan& scan = node.child();
  if (scan.kind != ResolvedKind::kFileScan || scan.file_rows == 0) return false;
  if (!IsDeterministic(*node.condition)) return false;
  std::vector<plan::BoundExprPtr> conjuncts;
  plan::SplitConjuncts(node.condition, &conjuncts);
  for (const auto& c : conjuncts) {
    if (!IsRangeComparison(*c)) return true;
  }
  return false;
}

class SampleFilterSelectivity final : public NodeRule {
 public:
  explicit SampleFilterSelectivity(FilterSampler sample) : sample_(std::move(sample)) {}
  const char* name() const override { return "SampleFilterSelectivity"; }

 protected:
  Result<ResolvedPtr> RewriteNode(const ResolvedPtr& node) const override {
    if (!WorthSampling(*node)) return node;
    auto kept = sample_(*node);
    if (!kept.ok()) return node;
    auto measured = std::make_shared<ResolvedPlan>(*node);
    measured->sampled_selectivity = *kept;
    return ResolvedPtr(measured);
  }

 private:
  FilterSampler sample_;
};

}  // namespace

RulePtr MakeSampleFilterSelectivity(FilterSampler sample) {
  return std::make_unique<SampleFilterSelectivity>(std::move(sample));
}

}  // namespace sk8::optimizer
