#include "exec/operator_row_counts.h"

#include "exec/physical_operator.h"

namespace sk8::exec {

OperatorRowCounts::OperatorRowCounts(const PhysicalOperator& root) { Add(root); }

void OperatorRowCounts::Add(const PhysicalOperator& op) {
  counts_.emplace(&op, std::make_unique<Counts>());
  for (const auto& child : op.children()) Add(*child);
}

void OperatorRowCounts::Produced(const PhysicalOperator* op, int64_t rows) {
  auto it = counts_.find(op);
  if (it == counts_.end()) return;  // the executor's own result collector
  it->second->produced.fetch_add(rows, std::memory_order_relaxed);
  if (!it->second->produced_any.load(std::memory_order_relaxed)) it->second->produced_any = true;
}

void OperatorRowCounts::Sunk(const PhysicalOperator* op, int64_t rows) {
  auto it = counts_.find(op);
  if (it == counts_.end()) return;
  it->second->sunk.fetch_add(rows, std::memory_order_relaxed);
  if (!it->second->sunk_any.load(std::memory_order_relaxed)) it->second->sunk_any = true;
}

observability::OperatorProfile OperatorRowCounts::Profile(const PhysicalOperator& root) const {
  observability::OperatorProfile node;
  node.name = root.name();
  node.details = root.details();
  if (auto it = counts_.find(&root); it != counts_.end()) {
    const Counts& counts = *it->second;
    // A sink read by no pipeline (a join's build side) shows what it holds.
    if (counts.produced_any.load()) {
      node.output_rows = counts.produced.load();
    } else if (counts.sunk_any.load()) {
      node.output_rows = counts.sunk.load();
    }
  }
  for (const auto& child : root.children()) node.children.push_back(Profile(*child));
  return node;
}

}  // namespace sk8::exec
