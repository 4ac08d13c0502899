#pragma once

#include <functional>
#include <map>

#include "analyzer/catalog.h"
#include "io/storage_conf.h"
#include "plan/bound_expression.h"
#include "plan/logical_plan.h"
#include "plan/resolved_plan.h"

/// Resolves an unresolved plan once for SQL and DataFrames alike: binds names
/// (case-insensitively, as Spark does by default), types, functions and
/// coercions, and assigns Spark's output column names.
namespace sk8::analyzer {

class Analyzer {
 public:
  Analyzer(const SessionCatalog* catalog, plan::EvalContext ctx) : catalog_(catalog), ctx_(std::move(ctx)) {}

  /// Runs a resolved plan to a table: analysis that depends on the data (a
  /// pivot without values takes the column's distinct values) uses it.
  using QueryRunner = std::function<Result<std::shared_ptr<arrow::Table>>(const plan::ResolvedPtr&)>;
  void set_query_runner(QueryRunner runner) { query_runner_ = std::move(runner); }
  /// The session's Hadoop confs, which data sources list and open files with.
  void set_storage_conf(io::StorageConfPtr conf) { storage_conf_ = std::move(conf); }

  /// The resolved plan, every column with its identity (see AssignColumnIds).
  Result<plan::ResolvedPtr> Resolve(const plan::PlanPtr& plan) const;

  /// Binds an expression against the output of `input`.
  Result<plan::BoundExprPtr> BindExpression(const plan::ExprPtr& expr, const plan::ResolvedPlan& input) const;

 private:
  /// An aggregation being bound: its grouping expressions (over the input)
  /// and the aggregate calls found so far; output column g is grouping[g],
  /// then aggregate a is column grouping.size() + a.
  struct AggregateContext {
    std::vector<plan::BoundExprPtr> grouping;
    std::vector<plan::BoundAggregate> aggregates;
    /// Under GROUPING SETS: the position of spark_grouping_id (after the
    /// grouping expressions), which grouping() and grouping_id() read; else -1.
    int grouping_id_index = -1;
  };

  /// Resolves names positionally against each node's input; Resolve() then
  /// gives the columns their identities.
  Result<plan::ResolvedPtr> ResolveNode(const plan::PlanPtr& plan) const;

  Result<plan::ResolvedPtr> ResolveRange(const plan::RangePlan& node) const;
  Result<plan::ResolvedPtr> ResolveLocalRelation(const plan::LocalRelationPlan& node) const;
  /// spark.read: the format's data source lists the files and gives their schema.
  Result<plan::ResolvedPtr> ResolveDataSource(const plan::DataSourcePlan& node) const;
  Result<plan::ResolvedPtr> ResolveProject(const plan::ProjectPlan& node, plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveAggregate(const std::vector<plan::ExprPtr>& grouping,
                                             const std::vector<plan::ExprPtr>& outputs,
                                             plan::ResolvedPtr input, bool grouping_in_output,
                                             const std::vector<plan::ExprPtr>& hidden = {},
                                             const std::vector<std::vector<plan::ExprPtr>>& grouping_sets = {}) const;
  /// An Aggregate node of the unresolved plan (with its grouping sets or
  /// pivot), `hidden` expressions computed as extra outputs.
  Result<plan::ResolvedPtr> ResolveAggregatePlan(const plan::AggregatePlan& node, plan::ResolvedPtr input,
                                                 const std::vector<plan::ExprPtr>& hidden = {}) const;
  // Grouping sets and pivot (grouping_sets.cc).
  /// An Expand node over `input` giving one copy of each row per grouping set;
  /// `agg->grouping` (bound to `input`) becomes the deduplicated, nullable
  /// grouping expressions plus spark_grouping_id, and `node_grouping` what the
  /// aggregate groups by: the Expand's columns for them.
  Result<plan::ResolvedPtr> ExpandGroupingSets(const std::vector<std::vector<plan::ExprPtr>>& sets,
                                               plan::ResolvedPtr input, AggregateContext* agg,
                                               std::vector<plan::BoundExprPtr>* node_grouping) const;
  /// grouping(col) / grouping_id(cols...) in an aggregation over grouping sets.
  Result<plan::BoundExprPtr> BindGroupingCall(const plan::FunctionExpr& call, const plan::ResolvedPlan& input,
                                              const AggregateContext* agg) const;
  /// SQL's PIVOT: every input column that neither the aggregates nor the pivot column read.
  Result<std::vector<plan::ExprPtr>> PivotGrouping(const plan::AggregatePlan& node, const plan::ResolvedPlan& input) const;
  /// pivot(col, values).agg(...): the aggregates, one per value and aggregate,
  /// each counting only the rows of its value, named as Spark names them.
  Result<std::vector<plan::ExprPtr>> PivotAggregates(const plan::AggregatePlan& node,
                                                     const plan::ResolvedPlan& input) const;
  /// pivot(col) without values: the column's distinct values, sorted, run through query_runner_.
  Result<std::vector<plan::ExprPtr>> DistinctPivotValues(const plan::AggregatePlan& node) const;
  /// Filter and Sort may refer to what their input does not output (HAVING
  /// count(*) > 1, ORDER BY a column that was not selected): such references are
  /// computed as hidden columns below them and projected away above.
  /// With `extra`, the filter's output is followed by them as hidden columns (null
  /// when the filter's child cannot carry them).
  Result<plan::ResolvedPtr> ResolveFilter(const plan::FilterPlan& node,
                                          const std::vector<plan::ExprPtr>& extra = {}) const;
  Result<plan::ResolvedPtr> ResolveSort(const plan::SortPlan& node) const;
  /// The child of a Filter/Sort resolved with `extra` expressions appended as
  /// hidden output columns, or null when the child cannot carry them.
  Result<plan::ResolvedPtr> ResolveWithHidden(const plan::PlanPtr& child, const std::vector<plan::ExprPtr>& extra) const;
  /// JOIN LATERAL: decorrelated into an ordinary join, see lateral_join.cc.
  Result<plan::ResolvedPtr> ResolveLateralJoin(const plan::LateralJoinPlan& node, plan::ResolvedPtr left) const;
  Result<plan::ResolvedPtr> ResolveJoin(const plan::JoinPlan& node, plan::ResolvedPtr left,
                                        plan::ResolvedPtr right) const;
  Result<plan::ResolvedPtr> ResolveSetOperation(const plan::SetOperationPlan& node, plan::ResolvedPtr left,
                                                plan::ResolvedPtr right) const;
  // DataFrame.na (na_functions.cc).
  Result<plan::ResolvedPtr> ResolveNAFill(const plan::NAFillPlan& node, plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveNADrop(const plan::NADropPlan& node, plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveNAReplace(const plan::NAReplacePlan& node, plan::ResolvedPtr input) const;
  /// unpivot / melt: an Expand with one projection per value column.
  Result<plan::ResolvedPtr> ResolveUnpivot(const plan::UnpivotPlan& node, plan::ResolvedPtr input) const;
  // DataFrame methods answered from the data or keeping the rows (stat_functions.cc).
  Result<plan::ResolvedPtr> ResolveSameRows(const plan::SameRowsPlan& node, plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveSample(const plan::SamplePlan& node, plan::ResolvedPtr input) const;
  /// repartition(n[, cols]) / repartitionByRange(n, cols): Spark's partitions (repartition.cc).
  Result<plan::ResolvedPtr> ResolveRepartition(const plan::SameRowsPlan& node, const plan::ResolvedPtr& input) const;
  Result<plan::ResolvedPtr> ResolveToSchema(const plan::ToSchemaPlan& node, plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveStatFunction(const plan::StatFunctionPlan& node, plan::ResolvedPtr input) const;
  /// summary(stats) of `input` (the resolved `source`): a row per statistic.
  Result<plan::ResolvedPtr> ResolveSummary(const std::vector<std::string>& stats, plan::PlanPtr source,
                                           const plan::ResolvedPlan& input) const;
  Result<plan::ResolvedPtr> ResolveCrosstab(const plan::StatFunctionPlan& node, const plan::ResolvedPlan& input) const;
  Result<plan::ResolvedPtr> ResolveFreqItems(const plan::StatFunctionPlan& node, const plan::ResolvedPlan& input) const;
  Result<plan::ResolvedPtr> ResolveApproxQuantile(const plan::StatFunctionPlan& node,
                                                  const plan::ResolvedPlan& input) const;
  /// transpose(indexColumn): see transpose.cc.
  Result<plan::ResolvedPtr> ResolveTranspose(const plan::StatFunctionPlan& node, const plan::ResolvedPlan& input) const;
  Result<plan::ResolvedPtr> ResolveSampleBy(const plan::StatFunctionPlan& node, const plan::ResolvedPlan& input) const;
  /// WITH RECURSIVE: the anchor's rows and every round of the step, as a local relation.
  Result<plan::ResolvedPtr> ResolveRecursiveCte(const plan::RecursiveCtePlan& node) const;
  Result<plan::ResolvedPtr> ResolveRecursiveReference(const plan::RecursiveReferencePlan& node) const;
  /// Runs `plan` through query_runner_: its rows, in one chunk per column.
  Result<std::shared_ptr<arrow::Table>> RunForData(const plan::PlanPtr& plan) const;
  /// A local relation of `table`, resolved.
  Result<plan::ResolvedPtr> LocalAnswer(std::shared_ptr<arrow::Table> table) const;
  /// The position of the input column a DataFrame method names.
  Result<int> NamedColumn(const std::string& name, const plan::ResolvedPlan& input) const;
  Result<plan::ResolvedPtr> ResolveDeduplicate(const plan::DeduplicatePlan& node, plan::ResolvedPtr input) const;
  /// WHERE with subquery conjuncts (IN, EXISTS, scalar): joins, see subqueries.cc.
  Result<plan::ResolvedPtr> ResolveSubqueryFilter(const plan::ExprPtr& condition, const plan::PlanPtr& child) const;
  Result<plan::ResolvedPtr> ResolveHavingWithSubqueries(const plan::ExprPtr& condition,
                                                        const plan::PlanPtr& child) const;
  Result<plan::ResolvedPtr> FilterWithSubqueries(const plan::ExprPtr& condition, plan::ResolvedPtr input) const;
  Result<plan::BoundExprPtr> InSubqueryMatch(const plan::ExprPtr& value, const plan::ResolvedPlan& input,
                                             const plan::ResolvedPlan& subquery, const plan::ResolvedPlan& right) const;
  /// A subquery's plan; names it cannot resolve may be `outer`'s columns.
  Result<plan::ResolvedPtr> ResolveSubquery(const plan::PlanPtr& query, const plan::ResolvedPlan& outer) const;
  Result<plan::ResolvedPtr> FilterWithScalarSubqueries(const std::vector<plan::ExprPtr>& conjuncts,
                                                       plan::ResolvedPtr input) const;
  /// Joins each scalar subquery beside `input` and records, in
  /// precomputed_columns_, the expression over the result that gives its value
  /// (the caller erases the entries once it has bound what reads them).
  Result<plan::ResolvedPtr> JoinScalarSubqueries(const std::vector<const plan::ScalarSubqueryExpr*>& scalars,
                                                 plan::ResolvedPtr input) const;
  /// Joins, for each EXISTS, a flag beside `input` telling whether the row has a
  /// match, and records its value in precomputed_columns_ (as JoinScalarSubqueries).
  Result<plan::ResolvedPtr> JoinExistsFlags(const std::vector<const plan::ExistsExpr*>& exists,
                                            plan::ResolvedPtr input) const;
  /// A projection whose list holds scalar subqueries (SELECT (SELECT ...)).
  Result<plan::ResolvedPtr> ProjectWithScalarSubqueries(const std::vector<plan::ExprPtr>& expressions,
                                                        plan::ResolvedPtr input) const;
  Result<plan::ResolvedPtr> ResolveWithColumns(const plan::WithColumnsPlan& node, plan::ResolvedPtr input) const;
  /// A select list with a generator (explode(a), ...): a Generate node over
  /// `input` and the projection of the list over it (generate.cc).
  Result<plan::ResolvedPtr> ResolveGenerate(const std::vector<plan::ExprPtr>& expressions, plan::ResolvedPtr input) const;
  /// A Generate node for one generator call over `below`, its arguments bound to `scope`.
  Result<plan::ResolvedPtr> GenerateNode(const plan::FunctionExpr& call, const plan::AliasExpr* alias,
                                         const plan::ResolvedPlan& scope, plan::ResolvedPtr below) const;

  // Lambda functions of higher-order calls (higher_order.cc).
  struct LambdaScope;
  /// transform(a, x -> ...) and the other calls that take lambdas.
  Result<plan::BoundExprPtr> BindHigherOrder(const plan::FunctionExpr& call, const plan::ResolvedPlan& input,
                                             AggregateContext* agg) const;
  /// A name inside the lambda of lambda_scopes_[depth]: its variable, or a
  /// value from outside that the lambda captures.
  Result<plan::BoundExprPtr> BindInLambda(const plan::ExprPtr& expr, const plan::ResolvedPlan& input,
                                          AggregateContext* agg, size_t depth) const;

  Result<plan::BoundExprPtr> Bind(const plan::ExprPtr& expr, const plan::ResolvedPlan& input,
                                  AggregateContext* agg) const;
  Result<plan::BoundExprPtr> BindColumn(const plan::ColumnExpr& column, const plan::ResolvedPlan& input) const;
  Result<plan::BoundExprPtr> BindFunction(const plan::FunctionExpr& call, const plan::ResolvedPlan& input,
                                          AggregateContext* agg) const;

  /// Expressions of a projection list, with `*` expanded and output names set.
  /// `s.*` for a struct column s: its fields; CANNOT_RESOLVE_STAR_EXPAND otherwise.
  Result<std::vector<plan::BoundExprPtr>> ExpandStructStar(const std::vector<std::string>& target,
                                                           const plan::ResolvedPlan& input, int visible) const;
  Result<std::vector<plan::BoundExprPtr>> BindProjectList(const std::vector<plan::ExprPtr>& exprs,
                                                          const plan::ResolvedPlan& input,
                                                          AggregateContext* agg) const;

  // Window expressions (window.cc).
  struct WindowContext {
    struct Entry {
      std::vector<plan::BoundExprPtr> partition;
      std::vector<plan::BoundSortKey> order;
      plan::BoundWindowFunction function;
      std::string spec_key;  // equal for equal partitioning and ordering
    };
    std::vector<Entry> entries;
  };
  /// Sets where window expressions go for a scope, restoring the previous place.
  class WindowScope {
   public:
    WindowScope(const Analyzer* analyzer, WindowContext* context)
        : analyzer_(analyzer), saved_(analyzer->windows_) {
      analyzer_->windows_ = context;
    }
    ~WindowScope() { analyzer_->windows_ = saved_; }
    WindowScope(const WindowScope&) = delete;
    WindowScope& operator=(const WindowScope&) = delete;

   private:
    const Analyzer* analyzer_;
    WindowContext* saved_;
  };
  /// A reference to the column a Window node will compute for `window`, whose
  /// parts are bound to `input` (in aggregate context when `agg` is set).
  Result<plan::BoundExprPtr> BindWindow(const plan::WindowExpr& window, const plan::ResolvedPlan& input,
                                        AggregateContext* agg) const;
  /// Window nodes over `input` computing what `context` collected, one per
  /// partitioning and ordering; `exprs` are pointed at their columns.
  Result<plan::ResolvedPtr> PlanWindows(plan::ResolvedPtr input, WindowContext& context,
                                        std::vector<plan::BoundExprPtr>* exprs) const;
  Status WindowFunctionWithoutOver(const plan::FunctionExpr& call, const plan::ResolvedPlan& input) const;

  const SessionCatalog* catalog_;
  plan::EvalContext ctx_;
  io::StorageConfPtr storage_conf_;
  QueryRunner query_runner_;
  /// Where window expressions go while a select list binds (null: not allowed).
  mutable WindowContext* windows_ = nullptr;
  /// Expressions already computed as input columns while a condition binds:
  /// scalar subqueries (joined in beside the input) and, under HAVING with
  /// subqueries, the aggregates (computed by the aggregation) -> column index.
  mutable std::map<const plan::Expr*, plan::BoundExprPtr> precomputed_columns_;
  /// While a subquery resolves: the inputs of the queries around it, outermost
  /// first, where names it cannot resolve are looked up (correlation).
  mutable std::vector<const plan::ResolvedPlan*> outer_scopes_;
  /// While a lambda body binds: the lambdas around it, outermost first.
  mutable std::vector<LambdaScope*> lambda_scopes_;
  /// While a recursive CTE runs its step: the previous round's rows, by the
  /// CTE's lower-cased name (what its RecursiveReferencePlan reads).
  mutable std::map<std::string, std::shared_ptr<arrow::Table>> recursion_rows_;
};

/// Gives every output column of `plan` an identity and makes every column
/// reference carry the identity of the input column it reads: leaves and
/// computed columns get new identities; pass-through columns keep theirs.
/// Columns that already have identities keep them, so it can run after each
/// node is resolved (references by DataFrame, df["x"], need them) and again
/// at the end.
Result<plan::ResolvedPtr> AssignColumnIds(const plan::ResolvedPtr& plan);
/// `expr`, bound by position to an input whose columns have `input_ids`, with
/// each reference carrying its column's identity.
Result<plan::BoundExprPtr> WithColumnIds(const plan::BoundExprPtr& expr, const std::vector<plan::ColumnId>& input_ids);

/// True when one of `node`'s own expressions (not its children's) reads the
/// enclosing query's columns (an outer reference).
bool NodeReadsOuterColumns(const plan::ResolvedPlan& node);
/// True when `node` or a node below it reads the enclosing query's columns.
bool PlanReadsOuterColumns(const plan::ResolvedPlan& node);

/// A correlated subquery with its correlated predicates taken out (see
/// decorrelate.cc): `conditions` read `plan`'s columns and the enclosing
/// query's (outer references), both by identity.
struct DecorrelatedSubquery {
  plan::ResolvedPtr plan;
  std::vector<plan::BoundExprPtr> conditions;
  /// The predicates went through an aggregate, whose grouping they extended.
  bool aggregated = false;
  /// That aggregate counts rows (gives 0, not NULL, for no rows).
  bool counts = false;
};
Result<DecorrelatedSubquery> PullUpCorrelatedPredicates(const plan::ResolvedPtr& subquery,
                                                        const plan::EvalContext& ctx);
/// `expr` with its outer references read as ordinary columns (of the outer query).
plan::BoundExprPtr WithoutOuterMarks(const plan::BoundExprPtr& expr);
/// The pulled predicates as a join condition over `outer`'s columns, then
/// `subquery`'s (null when there are none).
Result<plan::BoundExprPtr> CorrelatedJoinCondition(const std::vector<plan::BoundExprPtr>& conditions,
                                                   const plan::ResolvedPlan& outer,
                                                   const plan::ResolvedPlan& subquery, const plan::EvalContext& ctx);

/// True when a top-level conjunct of `condition` is [NOT] IN / EXISTS (subquery)
/// or holds a scalar subquery.
bool HasSubqueryConjunct(const plan::ExprPtr& condition);
/// `plan` with one more column, TRUE on every row: after a left join it tells
/// matched rows (TRUE) from unmatched ones (NULL).
plan::ResolvedPtr WithMatchedFlag(const plan::ResolvedPtr& plan);
/// A projection of the first `visible` columns of `input` (drops helper columns).
plan::ResolvedPtr ProjectVisible(const plan::ResolvedPtr& input, int visible);
/// DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN unless the condition is BOOLEAN.
Status CheckFilterCondition(const plan::BoundExprPtr& condition);

/// Distinct rows of `input` (an aggregate grouping on every column).
Result<plan::ResolvedPtr> Distinct(const plan::ResolvedPtr& input);

/// Every scalar subquery inside `e`, outermost first.
void ScalarSubqueries(const plan::ExprPtr& e, std::vector<const plan::ScalarSubqueryExpr*>* out);
/// Every EXISTS inside `e` (in SELECT, under OR, ...), outermost first.
void NestedExists(const plan::ExprPtr& e, std::vector<const plan::ExistsExpr*>* out);

/// True for functions that only exist over a window (rank, lag, ntile, ...).
bool IsWindowOnlyFunction(const std::string& name);

/// True when a select item is a generator call (explode, inline, stack, ...).
bool HasGenerator(const std::vector<plan::ExprPtr>& exprs);
/// True when a call has a lambda argument (x -> ...).
bool HasLambdaArgument(const plan::FunctionExpr& call);

/// True when the expression contains a call to an aggregate function.
bool ContainsAggregate(const plan::Expr& expr);

/// Builds a schema from bound expressions (their names, types, nullability).
std::shared_ptr<arrow::Schema> SchemaOf(const std::vector<plan::BoundExprPtr>& exprs);

}  // namespace sk8::analyzer
