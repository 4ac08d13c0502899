// PrunePartitions (Spark's PruneFileSourcePartitions): a filter's conjuncts
// that read only partition columns of the file scan below it are evaluated on
// each file's partition values, and files they reject are not read. The
// filter stays (it is exact on the rows that remain).
#include <unordered_map>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

// `expr` with the partition columns in `values` replaced by their literals.
plan::BoundExprPtr Substitute(const plan::BoundExprPtr& expr,
                              const std::unordered_map<plan::ColumnId, std::shared_ptr<arrow::Scalar>>& values) {
  if (expr->kind == plan::BoundKind::kColumnRef) {
    auto it = values.find(expr->column_id);
    return it == values.end() ? expr : plan::BoundExpr::Literal(it->second, expr->name);
  }
  if (expr->kind != plan::BoundKind::kCall) return expr;
  auto copy = std::make_shared<plan::BoundExpr>(*expr);
  for (auto& arg : copy->args) arg = Substitute(arg, values);
  return copy;
}

class PrunePartitions final : public NodeRule {
 public:
  explicit PrunePartitions(plan::EvalContext ctx) : ctx_(std::move(ctx)) {}
  const char* name() const override { return "PrunePartitions"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kFilter || !node->condition) return node;
    const auto& scan = node->children[0];
    if (scan->kind != plan::ResolvedKind::kFileScan || scan->file_partition_values.empty() || !scan->data_schema) {
      return node;
    }
    const int data_width = scan->data_schema->num_fields();
    std::unordered_set<plan::ColumnId> partition_ids;
    std::vector<std::pair<plan::ColumnId, size_t>> partition_columns;  // id, index among partition values
    for (size_t i = 0; i < scan->file_columns.size(); ++i) {
      if (scan->file_columns[i] < data_width) continue;
      partition_ids.insert(scan->column_ids[i]);
      partition_columns.emplace_back(scan->column_ids[i], static_cast<size_t>(scan->file_columns[i] - data_width));
    }
    std::vector<plan::BoundExprPtr> conjuncts, pruning;
    plan::SplitConjuncts(node->condition, &conjuncts);
    for (const auto& conjunct : conjuncts) {
      if (IsDeterministic(*conjunct) && ReadsOnly(*conjunct, partition_ids)) pruning.push_back(conjunct);
    }
    if (pruning.empty()) return node;
    auto pruned = std::make_shared<plan::ResolvedPlan>(*scan);
    pruned->files.clear();
    pruned->file_partition_values.clear();
    for (size_t f = 0; f < scan->files.size(); ++f) {
      std::unordered_map<plan::ColumnId, std::shared_ptr<arrow::Scalar>> values;
      for (const auto& [id, index] : partition_columns) values[id] = scan->file_partition_values[f][index];
      bool keep = true;
      for (const auto& conjunct : pruning) {
        auto value = plan::EvaluateConstant(*Substitute(conjunct, values), ctx_);
        // A value that fails to evaluate keeps the file: the filter decides (and raises) at run time.
        if (value.ok() && (!(*value)->is_valid || ((*value)->type->id() == arrow::Type::BOOL &&
                                                   !static_cast<const arrow::BooleanScalar&>(**value).value))) {
          keep = false;
          break;
        }
      }
      if (!keep) continue;
      pruned->files.push_back(scan->files[f]);
      pruned->file_partition_values.push_back(scan->file_partition_values[f]);
    }
    if (pruned->files.size() == scan->files.size()) return node;
    auto filter = std::make_shared<plan::ResolvedPlan>(*node);
    filter->children[0] = pruned;
    return filter;
  }

 private:
  plan::EvalContext ctx_;
};

}  // namespace

RulePtr MakePrunePartitions(const plan::EvalContext& ctx) { return std::make_unique<PrunePartitions>(ctx); }

}  // namespace sk8::optimizer
