#include "exec/physical_planner.h"

#include <algorithm>

#include "exec/operators.h"

namespace sk8::exec {

namespace {

using plan::BoundExprPtr;

Result<std::vector<BoundExprPtr>> BindAll(const std::vector<BoundExprPtr>& exprs, const std::vector<int64_t>& ids) {
  std::vector<BoundExprPtr> out;
  out.reserve(exprs.size());
  for (const auto& e : exprs) {
    ARROW_ASSIGN_OR_RAISE(auto bound, plan::BindToInput(e, ids));
    out.push_back(std::move(bound));
  }
  return out;
}

}  // namespace

Result<OperatorPtr> CreatePhysicalPlan(const plan::ResolvedPlan& node) {
  std::vector<OperatorPtr> children;
  for (const auto& child : node.children) {
    ARROW_ASSIGN_OR_RAISE(auto op, CreatePhysicalPlan(*child));
    children.push_back(std::move(op));
  }
  static const std::vector<int64_t> kNoInput;
  const auto& input_ids = node.children.empty() ? kNoInput : node.child().column_ids;
  switch (node.kind) {
    case plan::ResolvedKind::kRange:
      return MakeRangeScan(node.range_start, node.range_end, node.range_step, node.num_partitions);
    case plan::ResolvedKind::kLocalTable: return MakeTableScan(node.table);
    case plan::ResolvedKind::kFileScan: return MakeParquetScan(node.files, node.file_columns, node.schema);
    case plan::ResolvedKind::kProject: {
      ARROW_ASSIGN_OR_RAISE(auto expressions, BindAll(node.expressions, input_ids));
      return MakeProjection(std::move(children[0]), std::move(expressions), node.schema);
    }
    case plan::ResolvedKind::kFilter: {
      ARROW_ASSIGN_OR_RAISE(auto condition, plan::BindToInput(node.condition, input_ids));
      return MakeFilter(std::move(children[0]), std::move(condition));
    }
    case plan::ResolvedKind::kLimit: return MakeLimit(std::move(children[0]), node.limit, node.offset);
    case plan::ResolvedKind::kTail: return MakeTail(std::move(children[0]), node.limit);
    case plan::ResolvedKind::kAggregate: {
      ARROW_ASSIGN_OR_RAISE(auto grouping, BindAll(node.grouping, input_ids));
      auto aggregates = node.aggregates;
      for (auto& aggregate : aggregates) {
        ARROW_ASSIGN_OR_RAISE(aggregate.args, BindAll(aggregate.args, input_ids));
      }
      return MakeHashAggregate(std::move(children[0]), std::move(grouping), std::move(aggregates), node.schema);
    }
    case plan::ResolvedKind::kSort: {
      auto keys = node.sort_keys;
      for (auto& key : keys) {
        ARROW_ASSIGN_OR_RAISE(key.expr, plan::BindToInput(key.expr, input_ids));
      }
      return MakeSort(std::move(children[0]), std::move(keys));
    }
    case plan::ResolvedKind::kShowString: {
      // Only num_rows + 1 rows are needed: one more tells whether to print the footer.
      auto limited = MakeLimit(std::move(children[0]), static_cast<int64_t>(std::max(node.show_rows, 0)) + 1, 0);
      return MakeShowString(std::move(limited), node.show_rows, node.show_truncate, node.show_vertical);
    }
  }
  return InternalError("no physical operator for plan node");
}

}  // namespace sk8::exec
