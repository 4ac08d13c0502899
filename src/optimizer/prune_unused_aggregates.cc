// PruneUnusedAggregates (part of Spark's ColumnPruning): aggregates whose
// results nobody reads are not computed, so their errors (an overflowing sum)
// do not surface either, as in Spark.
#include <unordered_set>

#include "optimizer/rule.h"

namespace sk8::optimizer {
namespace {

class PruneUnusedAggregates final : public NodeRule {
 public:
  const char* name() const override { return "ColumnPruning(aggregates)"; }

 protected:
  Result<plan::ResolvedPtr> RewriteNode(const plan::ResolvedPtr& node) const override {
    if (node->kind != plan::ResolvedKind::kProject || node->children[0]->kind != plan::ResolvedKind::kAggregate) {
      return node;
    }
    const auto& aggregate = node->children[0];
    const size_t groups = aggregate->grouping.size();
    std::unordered_set<plan::ColumnId> used;
    for (const auto& e : node->expressions) {
      plan::ForEachColumnId(*e, [&](plan::ColumnId id) { used.insert(id); });
    }
    auto pruned = std::make_shared<plan::ResolvedPlan>(*aggregate);
    pruned->aggregates.clear();
    pruned->column_ids.assign(aggregate->column_ids.begin(), aggregate->column_ids.begin() + groups);
    arrow::FieldVector fields(aggregate->schema->fields().begin(), aggregate->schema->fields().begin() + groups);
    for (size_t a = 0; a < aggregate->aggregates.size(); ++a) {
      plan::ColumnId id = aggregate->column_ids[groups + a];
      if (!used.count(id)) continue;
      pruned->aggregates.push_back(aggregate->aggregates[a]);
      pruned->column_ids.push_back(id);
      fields.push_back(aggregate->schema->field(static_cast<int>(groups + a)));
    }
    if (pruned->aggregates.size() == aggregate->aggregates.size()) return node;
    pruned->schema = arrow::schema(fields);
    pruned->qualifiers.assign(fields.size(), "");
    auto project = std::make_shared<plan::ResolvedPlan>(*node);
    project->children = {pruned};
    return plan::ResolvedPtr(project);
  }
};

}  // namespace

RulePtr MakePruneUnusedAggregates() { return std::make_unique<PruneUnusedAggregates>(); }

}  // namespace sk8::optimizer
