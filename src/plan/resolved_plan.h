#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/table.h>
#include <arrow/type.h>

#include "plan/bound_expression.h"
#include "plan/logical_plan.h"

/// The resolved logical plan: every node knows its output schema (Spark's names,
/// types, nullability). The optimizer rewrites it; exec/ turns it into operators.
namespace sk8::io {
class DataSource;
}  // namespace sk8::io

namespace sk8::plan {

enum class ResolvedKind {
  kRange,
  kLocalTable,
  kProject,
  kFilter,
  kLimit,
  kAggregate,
  kSort,
  kShowString,
  kTail,
  kFileScan,
  kJoin,
  kUnion,
  kSingleRow,
  kReplicateRows,
  kDeduplicate,
  kWindow,
  kExpand,
  kGenerate,
};

/// The smallest and largest value of a column, as a double in the column's
/// units (decimals scaled, dates in days), from file statistics.
struct ValueRange {
  bool known = false;
  double min = 0;
  double max = 0;
};

/// kGenerate: what a generator makes of each input row (Spark's Generate).
/// stack is planned as inline over an array of structs.
struct GeneratorSpec {
  enum class Kind { kExplode, kPosExplode, kInline };
  Kind kind = Kind::kExplode;
  /// explode_outer, ...: a NULL or empty collection still gives one row, of NULLs.
  bool outer = false;
  /// The ARRAY or MAP exploded (inline: an ARRAY of STRUCTs), over the input.
  BoundExprPtr input;
};

struct ResolvedPlan;
using ResolvedPtr = std::shared_ptr<const ResolvedPlan>;

/// The identity of a column (Spark's ExprId): given once by the analyzer to each
/// column a node produces and kept by every node that passes it through, so
/// rewrites never renumber references.
using ColumnId = int64_t;
ColumnId NewColumnId();

struct ResolvedPlan {
  ResolvedKind kind;
  std::shared_ptr<arrow::Schema> schema;
  /// Identity of each output column (parallel to `schema`).
  std::vector<ColumnId> column_ids;
  std::vector<ResolvedPtr> children;
  /// Plan ids of the DataFrames whose columns this node's output still carries.
  std::vector<int64_t> plan_ids;
  /// Qualifier (table or subquery alias) of each output column, "" when none.
  std::vector<std::string> qualifiers;

  // kRange
  int64_t range_start = 0, range_end = 0, range_step = 1;
  int32_t num_partitions = 0;
  // kLocalTable
  std::shared_ptr<arrow::Table> table;
  // kLocalTable after repartition: partition p holds rows [partition_starts[p],
  // partition_starts[p + 1]) (empty: one partition), read by spark_partition_id().
  std::vector<int64_t> partition_starts;
  // kProject
  std::vector<BoundExprPtr> expressions;
  // kFilter; kJoin (over the left columns, then the right ones; may be null)
  BoundExprPtr condition;
  // kFilter over a file scan: the fraction of a sample of the files' rows that
  // `condition` kept, measured while optimizing (-1: not measured).
  double sampled_selectivity = -1;
  // kProject made for a USING join: positions in its input (the join) of the
  // per-side key columns it does not output. Spark keeps them as hidden columns
  // that a later select may still name (df1["k"], t1.k).
  std::vector<int> hidden_join_columns;
  // Analyzer-internal: only the first `visible_columns` outputs are seen by `*`
  // and found first by name; the rest are hidden columns (-1: all visible).
  int visible_columns = -1;
  // kSingleRow: its child's rows, or SCALAR_SUBQUERY_TOO_MANY_ROWS for more than one.
  // kUnion: the rows of every child in turn (UNION ALL); children already have
  // the output's column types, in the output's order.
  // kJoin: children = {left, right}; output = left columns, then right columns
  // (left only for semi and anti joins), outer sides made nullable
  JoinType join_type = JoinType::kInner;
  // kLimit (offset, then limit; limit < 0 means none), kTail
  int64_t limit = -1;
  int64_t offset = 0;
  // kReplicateRows (Spark's Generate of replicaterows): each row of its child
  // `replicate_count` times (none for NULL or < 1); output = the child's columns
  BoundExprPtr replicate_count;
  // kDeduplicate: the first row (in input order) of each distinct `grouping`
  // key, NULLs equal; output = the child's columns
  // kAggregate: output = grouping columns, then aggregates
  std::vector<BoundExprPtr> grouping;
  std::vector<BoundAggregate> aggregates;
  // kSort; kWindow: the order within a partition
  std::vector<BoundSortKey> sort_keys;
  // kWindow: output = the child's columns, then one column per function, which
  // are computed over the rows of each partition (`grouping`: PARTITION BY,
  // NULLs equal) in `sort_keys` order
  std::vector<BoundWindowFunction> window_functions;
  // kExpand (Spark's Expand, under GROUPING SETS / ROLLUP / CUBE): every input
  // row once per projection, each projection computing the whole output
  // (the input's columns, the grouping columns with the set's absent ones
  // NULL, and spark_grouping_id)
  std::vector<std::vector<BoundExprPtr>> expand_projections;
  // kGenerate: output = the child's columns, then the generator's (posexplode:
  // pos first; a map's key and value; inline: the struct's fields), one row
  // per element
  GeneratorSpec generator;
  // kFileScan: data files read through their format's source; file_columns
  // index data_schema (the source's schema of the files), then past its end
  // the partition columns, whose values per file are file_partition_values
  std::string format;
  std::shared_ptr<const io::DataSource> data_source;
  std::shared_ptr<arrow::Schema> data_schema;
  std::vector<std::string> files;
  std::vector<int> file_columns;
  std::vector<std::vector<std::shared_ptr<arrow::Scalar>>> file_partition_values;
  /// Rows in the files, from their footers (-1: unknown); for cardinality estimates.
  int64_t file_rows = -1;
  /// Per column of data_schema: its value range from footer statistics.
  std::vector<ValueRange> file_column_ranges;
  // kShowString
  int32_t show_rows = 20;
  int32_t show_truncate = 20;
  bool show_vertical = false;

  const ResolvedPlan& child(size_t i = 0) const { return *children[i]; }
};

/// A join of `left` and `right` whose output is the left columns, then the right
/// ones, as they are (callers adjust nullability or drop the right side).
std::shared_ptr<ResolvedPlan> MakeJoinNode(const ResolvedPtr& left, const ResolvedPtr& right, JoinType type,
                                           BoundExprPtr condition);
/// A left semi or anti join of `left` and `right`: its output is `left`'s
/// columns (names, identities, qualifiers), as they are.
std::shared_ptr<ResolvedPlan> MakeSemiJoinNode(const ResolvedPtr& left, const ResolvedPtr& right, JoinType type,
                                               BoundExprPtr condition);
/// The position of the column with identity `id` in `node`'s output, or -1.
int ColumnPosition(const ResolvedPlan& node, ColumnId id);
/// A filter of `child`'s rows on `condition` (bound by column identity).
std::shared_ptr<ResolvedPlan> MakeFilterNode(const ResolvedPtr& child, BoundExprPtr condition);
/// A projection of `child`'s columns at `positions`, in that order, keeping
/// their identities, names and qualifiers.
std::shared_ptr<ResolvedPlan> MakeColumnProjectNode(const ResolvedPtr& child, const std::vector<int>& positions);

/// Spark-like indented tree for EXPLAIN and tree_string (columns as name#id).
std::string ExplainString(const ResolvedPlan& plan);
/// ExplainString with column identities renumbered by first appearance, so two
/// analyses of the same query compare equal (sameSemantics, semanticHash).
std::string CanonicalString(const ResolvedPlan& plan);
/// `text` with every `#<id>` renumbered by first appearance.
std::string RenumberColumnIds(const std::string& text);

}  // namespace sk8::plan
