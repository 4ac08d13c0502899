#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/api.h>

#include "common/spark_error.h"
#include "plan/bound_expression.h"

namespace sk8::exec {

/// A batch flowing through a pipeline. A filter marks the rows that survive in
/// `selection` instead of copying; operators that need dense input call
/// Materialize(). `batch_index` is the source morsel's position, kept so that
/// order-sensitive sinks (results, limit) can restore the input order.
struct DataChunk {
  std::shared_ptr<arrow::RecordBatch> batch;
  std::shared_ptr<std::vector<int32_t>> selection;  // null: all rows
  int64_t batch_index = 0;
  /// False for all but the last of the chunks an operator splits one input
  /// into (kHaveMoreOutput): they share the batch_index and reach the sink in
  /// order, so an ordered sink knows the morsel is complete at the last one.
  bool last_part = true;
  /// Spark's partition of these rows (spark.range(..., numPartitions) splits its
  /// rows into Spark's partitions; every other source is partition 0). Read by
  /// the nondeterministic functions (rand, monotonically_increasing_id, ...)
  /// through EvalContext::partition_index.
  int32_t partition_index = 0;

  int64_t num_rows() const {
    if (!batch) return 0;
    return selection ? static_cast<int64_t>(selection->size()) : batch->num_rows();
  }
  /// The selected rows as a dense batch (the batch itself when nothing is
  /// filtered); a copy is allocated from `pool` (the query's). With `needed`,
  /// only the columns marked there are copied; the others become NULL-typed
  /// placeholders, for a caller that evaluates expressions reading only those.
  Result<std::shared_ptr<arrow::RecordBatch>> Materialize(arrow::MemoryPool* pool = arrow::default_memory_pool(),
                                                          const std::vector<bool>* needed = nullptr) const;
};

/// The input columns (of `num_columns`) that `expressions` read, for Materialize.
std::vector<bool> ReferencedColumns(const std::vector<const plan::BoundExpr*>& expressions, int num_columns);

}  // namespace sk8::exec
