#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/table.h>

#include "plan/expression.h"

/// The unresolved logical plan: engine-neutral, immutable, built by connect/
/// (from protos) and sql/ (from text). The analyzer resolves it once.
namespace sk8::plan {

enum class PlanKind {
  kRange,
  kLocalRelation,
  kProject,
  kFilter,
  kLimit,
  kOffset,
  kAggregate,
  kSort,
  kShowString,
  kSubqueryAlias,
  kToDF,
  kWithColumns,
  kWithColumnsRenamed,
  kDrop,
  kNamedTable,
  kTail,
  kDataSource,
  kJoin,
  kLateralJoin,
  kSetOperation,
  kRecursiveCte,
  kRecursiveReference,
  kDeduplicate,
  kFunctionCatalog,
  kNAFill,
  kNADrop,
  kNAReplace,
  kUnpivot,
  kSameRows,
  kSample,
  kToSchema,
  kStatFunction,
  kCollectMetrics,
  kCommand,  // plan/command.h
};

/// Spark's join types (every name PySpark and SQL accept maps to one of these).
enum class JoinType { kInner, kLeftOuter, kRightOuter, kFullOuter, kLeftSemi, kLeftAnti, kCross };

/// Spark's name for the join type, as in EXPLAIN and error messages ("LeftOuter").
const char* JoinTypeName(JoinType type);
/// True for the join types whose output has only the left side's columns.
inline bool JoinOutputsLeftOnly(JoinType type) { return type == JoinType::kLeftSemi || type == JoinType::kLeftAnti; }

class LogicalPlan;
using PlanPtr = std::shared_ptr<const LogicalPlan>;

class LogicalPlan {
 public:
  explicit LogicalPlan(PlanKind kind) : kind_(kind) {}
  virtual ~LogicalPlan() = default;
  PlanKind kind() const { return kind_; }

  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }

  /// Client-side identity of the DataFrame this node came from (Spark Connect's
  /// plan_id), used to resolve df["col"] references.
  std::optional<int64_t> plan_id;
  std::vector<PlanPtr> children;

 private:
  PlanKind kind_;
};

struct RangePlan : LogicalPlan {
  RangePlan() : LogicalPlan(PlanKind::kRange) {}
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;
  std::optional<int32_t> num_partitions;
};

/// Rows sent by the client (createDataFrame): data already in Arrow.
struct LocalRelationPlan : LogicalPlan {
  LocalRelationPlan() : LogicalPlan(PlanKind::kLocalRelation) {}
  std::shared_ptr<arrow::Table> data;                  // may be null (schema only)
  std::shared_ptr<arrow::DataType> declared_schema;    // struct type, may be null
};

struct ProjectPlan : LogicalPlan {
  ProjectPlan() : LogicalPlan(PlanKind::kProject) {}
  std::vector<ExprPtr> expressions;
};

struct FilterPlan : LogicalPlan {
  FilterPlan() : LogicalPlan(PlanKind::kFilter) {}
  ExprPtr condition;
};

struct LimitPlan : LogicalPlan {
  LimitPlan() : LogicalPlan(PlanKind::kLimit) {}
  int64_t limit = 0;
};

struct OffsetPlan : LogicalPlan {
  OffsetPlan() : LogicalPlan(PlanKind::kOffset) {}
  int64_t offset = 0;
};

struct TailPlan : LogicalPlan {
  TailPlan() : LogicalPlan(PlanKind::kTail) {}
  int64_t limit = 0;
};

struct AggregatePlan : LogicalPlan {
  AggregatePlan() : LogicalPlan(PlanKind::kAggregate) {}
  std::vector<ExprPtr> grouping;
  std::vector<ExprPtr> aggregates;
  /// DataFrame groupBy().agg() outputs the grouping columns, then the aggregates;
  /// SQL's GROUP BY outputs the select list only.
  bool grouping_in_output = true;
  /// GROUPING SETS / ROLLUP / CUBE: the sets of grouping expressions, each
  /// one aggregated (empty: one plain GROUP BY `grouping`). `grouping` lists
  /// the grouping expressions as written (the order of grouping_id's bits).
  std::vector<std::vector<ExprPtr>> grouping_sets;
  /// pivot(column, values): one output column per value and aggregate; no
  /// values: the column's distinct values, sorted (Spark's pivot(column)).
  ExprPtr pivot_column;
  std::vector<ExprPtr> pivot_values;  // literals, or literals AS a name (SQL)
  /// SQL's PIVOT clause: grouped by every input column that neither the
  /// aggregates nor the pivot column read (`grouping` is empty).
  bool pivot_implicit_grouping = false;
};

struct SortPlan : LogicalPlan {
  SortPlan() : LogicalPlan(PlanKind::kSort) {}
  std::vector<ExprPtr> order;  // SortOrderExpr or plain expressions (ascending)
  bool is_global = true;
};

/// df.show(): renders the first rows as Spark's text table.
struct ShowStringPlan : LogicalPlan {
  ShowStringPlan() : LogicalPlan(PlanKind::kShowString) {}
  int32_t num_rows = 20;
  int32_t truncate = 20;
  bool vertical = false;
};

struct SubqueryAliasPlan : LogicalPlan {
  SubqueryAliasPlan() : LogicalPlan(PlanKind::kSubqueryAlias) {}
  std::string alias;
};

struct ToDFPlan : LogicalPlan {
  ToDFPlan() : LogicalPlan(PlanKind::kToDF) {}
  std::vector<std::string> column_names;
};

/// withColumn / withColumns: AliasExpr per new or replaced column.
struct WithColumnsPlan : LogicalPlan {
  WithColumnsPlan() : LogicalPlan(PlanKind::kWithColumns) {}
  std::vector<ExprPtr> aliases;
};

struct WithColumnsRenamedPlan : LogicalPlan {
  WithColumnsRenamedPlan() : LogicalPlan(PlanKind::kWithColumnsRenamed) {}
  std::vector<std::pair<std::string, std::string>> renames;
};

struct DropPlan : LogicalPlan {
  DropPlan() : LogicalPlan(PlanKind::kDrop) {}
  std::vector<ExprPtr> columns;
  std::vector<std::string> column_names;
};

struct NamedTablePlan : LogicalPlan {
  NamedTablePlan() : LogicalPlan(PlanKind::kNamedTable) {}
  std::vector<std::string> name_parts;
};

/// spark.read...load(paths): files of a format.
struct DataSourcePlan : LogicalPlan {
  DataSourcePlan() : LogicalPlan(PlanKind::kDataSource) {}
  std::string format;  // lower case: "parquet", "csv", ...
  std::vector<std::string> paths;
  std::vector<std::pair<std::string, std::string>> options;
  std::string user_schema;  // DDL or JSON, empty when none
  /// A catalog table's files (catalog::TableScanPlan): the directory may not
  /// exist yet (no rows), the partition columns have the types the table
  /// declares (Spark JSON of a struct), and only the registered partitions
  /// (directories such as "k=1") are read.
  bool missing_ok = false;
  std::string partition_schema;
  std::optional<std::vector<std::string>> partitions;
};

/// ROLLUP(e1, ..., en): the sets (e1..en), (e1..en-1), ..., ().
std::vector<std::vector<ExprPtr>> RollupSets(const std::vector<ExprPtr>& exprs);
/// CUBE(e1, ..., en): every subset, in Spark's order ((e1, e2), (e1), (e2), ()).
std::vector<std::vector<ExprPtr>> CubeSets(const std::vector<ExprPtr>& exprs);

/// Convenience for building plans: a node with one child.
template <typename T>
std::shared_ptr<T> MakeUnary(PlanPtr child) {
  auto node = std::make_shared<T>();
  node->children.push_back(std::move(child));
  return node;
}

/// left JOIN right: children = {left, right}. `condition` may be null (cross
/// join, or a join whose condition comes only from `using_columns`).
struct JoinPlan : LogicalPlan {
  JoinPlan() : LogicalPlan(PlanKind::kJoin) {}
  JoinType join_type = JoinType::kInner;
  ExprPtr condition;
  std::vector<std::string> using_columns;  // USING (a, b) / df.join(other, ["a", "b"])
  bool natural = false;                    // NATURAL JOIN: using every common column
};

/// left [INNER | LEFT OUTER | CROSS] JOIN LATERAL subquery [ON condition]
/// (DataFrame.lateralJoin, SQL `LATERAL (...)` / `LATERAL tvf(...)`): the subquery
/// may read left's columns, so it is not a child: children = {left}.
struct LateralJoinPlan : LogicalPlan {
  LateralJoinPlan() : LogicalPlan(PlanKind::kLateralJoin) {}
  PlanPtr subquery;
  JoinType join_type = JoinType::kInner;  // kInner, kLeftOuter or kCross
  ExprPtr condition;
};

enum class SetOperationKind { kUnion, kIntersect, kExcept };

/// left UNION / INTERSECT / EXCEPT right: children = {left, right}.
struct SetOperationPlan : LogicalPlan {
  SetOperationPlan() : LogicalPlan(PlanKind::kSetOperation) {}
  SetOperationKind op = SetOperationKind::kUnion;
  bool is_all = false;                 // UNION ALL / INTERSECT ALL / EXCEPT ALL
  bool by_name = false;                // unionByName
  bool allow_missing_columns = false;  // unionByName(allowMissingColumns=True)
};

/// WITH RECURSIVE name AS (anchor UNION ALL step): the anchor's rows, then the
/// step's, run over the rows of the round before (the step reads them through
/// a RecursiveReferencePlan of the same name) until a round adds none.
struct RecursiveCtePlan : LogicalPlan {
  RecursiveCtePlan() : LogicalPlan(PlanKind::kRecursiveCte) {}
  std::string name;
  int64_t max_level = 100;  // MAX RECURSION LEVEL n (spark.sql.cteRecursionLevelLimit's default)
};

/// The step's reference to its own recursive CTE: the previous round's rows.
struct RecursiveReferencePlan : LogicalPlan {
  RecursiveReferencePlan() : LogicalPlan(PlanKind::kRecursiveReference) {}
  std::string name;
};

/// distinct() / dropDuplicates(): rows that differ in `columns` (all when empty).
struct DeduplicatePlan : LogicalPlan {
  DeduplicatePlan() : LogicalPlan(PlanKind::kDeduplicate) {}
  std::vector<std::string> columns;
};

/// Questions about the built-in functions: SHOW FUNCTIONS, DESCRIBE FUNCTION and
/// the catalog API's listFunctions / functionExists / getFunction. The analyzer
/// answers them from the function registry as a local relation.
struct FunctionCatalogPlan : LogicalPlan {
  enum class Query { kShow, kDescribe, kList, kExists, kGet };
  explicit FunctionCatalogPlan(Query q) : LogicalPlan(PlanKind::kFunctionCatalog), query(q) {}
  Query query;
  /// kShow / kList: Spark's name pattern ('*' any text, '|' between
  /// alternatives, case-insensitive); empty lists every function.
  std::string pattern;
  /// kShow: SHOW USER FUNCTIONS lists no built-in function.
  bool user_functions_only = false;
  /// kDescribe / kExists / kGet: the function's name, as written.
  std::string name;
  bool extended = false;  // DESCRIBE FUNCTION EXTENDED
};

/// na.fill / fillna: one value for `columns` (all when empty) of its kind,
/// or a value per column (a dict).
struct NAFillPlan : LogicalPlan {
  NAFillPlan() : LogicalPlan(PlanKind::kNAFill) {}
  std::vector<std::string> columns;
  std::vector<std::shared_ptr<arrow::Scalar>> values;
};

/// na.drop / dropna: the rows with at least `min_non_nulls` values in `columns`
/// (all when empty) that are neither NULL nor NaN (none: every one of them).
struct NADropPlan : LogicalPlan {
  NADropPlan() : LogicalPlan(PlanKind::kNADrop) {}
  std::vector<std::string> columns;
  std::optional<int32_t> min_non_nulls;
};

/// na.replace / replace: values of `columns` (all when empty) equal to an old
/// value become its new value.
struct NAReplacePlan : LogicalPlan {
  NAReplacePlan() : LogicalPlan(PlanKind::kNAReplace) {}
  std::vector<std::string> columns;
  std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> replacements;
};

/// unpivot / melt: each row once per value column, as (ids..., the value
/// column's name, its value); `values` empty: every column that is no id.
struct UnpivotPlan : LogicalPlan {
  UnpivotPlan() : LogicalPlan(PlanKind::kUnpivot) {}
  std::vector<ExprPtr> ids;
  std::vector<ExprPtr> values;
  std::string variable_column;
  std::string value_column;
  /// SQL's UNPIVOT clause: the ids are every input column not in `values`.
  bool ids_are_the_rest = false;
};

/// hint / repartition / coalesce / repartitionByRange: the same rows (sk8 has
/// no partitions a user could observe); `what` names it for EXPLAIN.
struct SameRowsPlan : LogicalPlan {
  SameRowsPlan() : LogicalPlan(PlanKind::kSameRows) {}
  std::string what;
  std::vector<ExprPtr> expressions;  // repartition(cols) / repartitionByRange: must resolve
};

/// sample / randomSplit: the rows whose uniform draw falls in [lower, upper),
/// Spark's Bernoulli cell sampler; with replacement each row a Poisson number
/// of times. `deterministic_order` (randomSplit) sorts the input by every
/// orderable column first, as Spark Connect does.
struct SamplePlan : LogicalPlan {
  SamplePlan() : LogicalPlan(PlanKind::kSample) {}
  double lower = 0;
  double upper = 1;
  bool with_replacement = false;
  int64_t seed = 0;
  bool deterministic_order = false;
};

/// df.to(schema): the input's columns by name, cast to the schema's types.
struct ToSchemaPlan : LogicalPlan {
  ToSchemaPlan() : LogicalPlan(PlanKind::kToSchema) {}
  std::shared_ptr<arrow::DataType> schema;  // struct
};

/// DataFrame.stat functions whose answer Spark computes from the data:
/// describe, summary, crosstab, freqItems, approxQuantile.
struct StatFunctionPlan : LogicalPlan {
  enum class Function { kDescribe, kSummary, kCrosstab, kFreqItems, kApproxQuantile };
  explicit StatFunctionPlan(Function f) : LogicalPlan(PlanKind::kStatFunction), function(f) {}
  Function function;
  std::vector<std::string> columns;     // describe, crosstab (2), freqItems, approxQuantile
  std::vector<std::string> statistics;  // summary
  std::vector<double> probabilities;    // approxQuantile
  double relative_error = 0;            // approxQuantile
  double support = 0.01;                // freqItems
};

/// observe(name, metrics...): the input's rows; the metrics (aggregates over
/// them) are computed when the plan runs and reach the client by name.
struct CollectMetricsPlan : LogicalPlan {
  CollectMetricsPlan() : LogicalPlan(PlanKind::kCollectMetrics) {}
  std::string name;
  std::vector<ExprPtr> metrics;
};

}  // namespace sk8::plan
