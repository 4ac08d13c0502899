#pragma once

#include <memory>
#include <vector>

#include <arrow/table.h>

#include "exec/physical_operator.h"
#include "plan/resolved_plan.h"
#include "io/data_source.h"
#include "plan/logical_plan.h"

/// Factories for the physical operators, one file per operator (see
/// docs/adding-an-operator.md).
namespace sk8::exec {

/// Rows per morsel that scans hand to worker threads.
constexpr int64_t kMorselRows = 1 << 16;

OperatorPtr MakeRangeScan(int64_t start, int64_t end, int64_t step, int32_t num_partitions);
/// `partition_starts` (may be empty): the row where each Spark partition starts.
OperatorPtr MakeTableScan(std::shared_ptr<arrow::Table> table, std::vector<int64_t> partition_starts = {});
/// A scan of files through their format's data source: `columns` index
/// `data_schema` (the source's schema), then the partition columns, whose
/// values per file are `partition_values`; `schema` is the operator's output.
struct FileScanSpec {
  io::DataSourcePtr source;
  std::vector<std::string> files;
  std::shared_ptr<arrow::Schema> data_schema;
  std::vector<int> columns;
  std::shared_ptr<arrow::Schema> schema;
  std::vector<std::vector<std::shared_ptr<arrow::Scalar>>> partition_values;
};
OperatorPtr MakeFileScan(FileScanSpec spec);
OperatorPtr MakeFilter(OperatorPtr child, plan::BoundExprPtr condition);
OperatorPtr MakeProjection(OperatorPtr child, std::vector<plan::BoundExprPtr> expressions,
                           std::shared_ptr<arrow::Schema> schema);
OperatorPtr MakeLimit(OperatorPtr child, int64_t limit, int64_t offset);
OperatorPtr MakeTail(OperatorPtr child, int64_t limit);
/// Gathers its input in order into one batch per Spark partition, for the
/// nondeterministic functions above it that number rows within a partition.
OperatorPtr MakePartitionGather(OperatorPtr child);
OperatorPtr MakeHashAggregate(OperatorPtr child, std::vector<plan::BoundExprPtr> grouping,
                              std::vector<plan::BoundAggregate> aggregates, std::shared_ptr<arrow::Schema> schema);
/// ORDER BY; with `top_n` >= 0 only the first top_n rows of the order (a top-N).
OperatorPtr MakeSort(OperatorPtr child, std::vector<plan::BoundSortKey> keys, int64_t top_n = -1);
/// A hash join. Keys are bound to their own side's columns, the residual
/// condition to the left columns followed by the right ones.
struct HashJoinSpec {
  plan::JoinType type = plan::JoinType::kInner;
  std::vector<plan::BoundExprPtr> left_keys, right_keys;
  std::vector<bool> null_safe;     // per key: `<=>` instead of `=`
  plan::BoundExprPtr residual;     // may be null
  std::shared_ptr<arrow::Schema> output_schema;
  int left_width = 0;
  /// Semi / anti join on keys whose left side is much smaller than its right:
  /// the left side is built and marked by the streaming right side, and the
  /// marked (semi) or unmarked (anti) left rows come out at the end.
  bool build_left = false;
};
OperatorPtr MakeHashJoin(OperatorPtr left, OperatorPtr right, HashJoinSpec spec);
/// UNION ALL: every input's rows in turn, with the output schema's names.
OperatorPtr MakeUnion(std::vector<OperatorPtr> inputs, std::shared_ptr<arrow::Schema> schema);
/// Its input's rows, or SCALAR_SUBQUERY_TOO_MANY_ROWS when there are several.
OperatorPtr MakeEnforceSingleRow(OperatorPtr child);
/// The finished output of `original` (a buffered sink planned elsewhere in the
/// same plan, computing an identical subtree), read as a source.
OperatorPtr MakeReusedResult(const PhysicalOperator* original, std::shared_ptr<arrow::Schema> schema);
/// Each input row `count` times (none when NULL or below 1), Spark's replicaterows.
OperatorPtr MakeReplicateRows(OperatorPtr child, plan::BoundExprPtr count);
/// Each input row once per projection (GROUPING SETS), each giving the whole output row.
OperatorPtr MakeExpand(OperatorPtr child, std::vector<std::vector<plan::BoundExprPtr>> projections,
                       std::shared_ptr<arrow::Schema> schema);
/// The first input row (in input order) of each distinct key, NULLs equal to NULLs.
/// Generate: each input row once per element of the generator's collection.
OperatorPtr MakeGenerate(OperatorPtr child, plan::GeneratorSpec spec, std::shared_ptr<arrow::Schema> schema);
OperatorPtr MakeDeduplicate(OperatorPtr child, std::vector<plan::BoundExprPtr> keys);
/// Window functions over the partitions of `partition` (NULLs equal), each
/// sorted by `order`: output = the input's columns, then one per function.
OperatorPtr MakeWindow(OperatorPtr child, std::vector<plan::BoundExprPtr> partition,
                       std::vector<plan::BoundSortKey> order, std::vector<plan::BoundWindowFunction> functions,
                       std::shared_ptr<arrow::Schema> schema);
OperatorPtr MakeShowString(OperatorPtr child, int32_t num_rows, int32_t truncate, bool vertical);

}  // namespace sk8::exec
