#pragma once

#include <optional>
#include <vector>

#include "plan/logical_plan.h"
#include "sql/expression_parser.h"
#include "sql/token_stream.h"

namespace sk8::sql {

/// Parses one statement into sk8's unresolved plan. A SELECT becomes, bottom
/// up: relation (FROM, or one empty row) -> Filter (WHERE) -> Aggregate (GROUP
/// BY) or Project -> Filter (HAVING) -> Sort (ORDER BY) -> Offset -> Limit.
/// Statements and clauses sk8 cannot run yet are Unsupported("SQL <construct>").
class QueryParser {
 public:
  /// `parameters`: the values of spark.sql(query, args) for the markers, if any.
  explicit QueryParser(TokenStream& tokens, const SqlParameters* parameters = nullptr)
      : tokens_(tokens), expressions_(tokens) {
    expressions_.set_subquery_parser([this]() -> Result<std::shared_ptr<const plan::LogicalPlan>> { return ParseQuery(); });
    expressions_.set_parameters(parameters);
    if (parameters != nullptr && !parameters->relations.empty()) ctes_.push_back(parameters->relations);
  }

  /// A query followed by optional semicolons and the end of input.
  Result<plan::PlanPtr> ParseStatement();

  /// A query block and, for a SELECT, its select list (for ORDER BY positions).
  struct QueryTerm {
    plan::PlanPtr plan;
    std::vector<plan::ExprPtr> select_list;
  };

 private:
  Status RejectUnsupportedStatement() const;
  Result<plan::PlanPtr> ParseFunctionCatalogStatement();
  Status ParseWithClause();
  /// The common table expression named `name` (innermost WITH first), or null.
  plan::PlanPtr FindCte(const std::string& name) const;
  static bool ReadsPlan(const plan::PlanPtr& query, const plan::PlanPtr& target);
  Result<plan::PlanPtr> RecursiveCte(const std::string& name, std::vector<std::string> columns, int64_t max_level,
                                     const plan::PlanPtr& query, const plan::PlanPtr& self);
  Result<plan::PlanPtr> ParseQuery();
  Result<QueryTerm> ParseQueryPrimary();
  Result<QueryTerm> ParseSelect();
  /// GROUP BY: the grouping expressions and, for GROUPING SETS / ROLLUP /
  /// CUBE, the sets (the cartesian product of the items' sets).
  struct GroupByClause {
    std::vector<plan::ExprPtr> grouping;
    std::vector<std::vector<plan::ExprPtr>> sets;
    bool all = false;  // GROUP BY ALL
  };
  Result<plan::PlanPtr> BuildSelectPlan(plan::PlanPtr input, std::vector<plan::ExprPtr> select_list, bool distinct,
                                        std::optional<GroupByClause> grouping, plan::ExprPtr having);
  Result<GroupByClause> ParseGroupBy(const std::vector<plan::ExprPtr>& select_list);
  /// One GROUP BY item's sets: ROLLUP(...), CUBE(...), GROUPING SETS(...), or `expr` (one set).
  Result<std::vector<std::vector<plan::ExprPtr>>> ParseGroupByItem(const std::vector<plan::ExprPtr>& select_list,
                                                                   bool* analytic);
  Result<plan::PlanPtr> ParseQueryOrganization(QueryTerm term);
  Result<plan::ExprPtr> ParseSortItem(const std::vector<plan::ExprPtr>& select_list);
  /// [ASC | DESC] [NULLS FIRST | LAST] after a sort expression.
  Result<plan::ExprPtr> ParseSortDirection(plan::ExprPtr expr);
  /// ORDER BY / SORT BY items; ORDER BY ALL sorts by every select item.
  Result<std::vector<plan::ExprPtr>> ParseSortItems(const std::vector<plan::ExprPtr>& select_list, bool allow_all);
  Result<std::optional<int64_t>> ParseLimitValue(const char* clause);

  Result<plan::PlanPtr> ParseFromClause();
  Result<plan::PlanPtr> ParseLateralViews(plan::PlanPtr relation);
  Result<plan::PlanPtr> ParseLateralRelation();
  Result<plan::PlanPtr> ParseRelation();
  Result<QueryTerm> ParseSetOperations();
  Result<QueryTerm> ParseIntersections();
  Result<plan::PlanPtr> ParseJoins(plan::PlanPtr left);
  Result<plan::PlanPtr> ParseTableValuedFunction(const std::string& name);
  Result<plan::PlanPtr> ParseRange(const std::vector<plan::ExprPtr>& args);
  Result<plan::PlanPtr> ParseInlineTable();
  Result<plan::PlanPtr> ParseRelationAlias(plan::PlanPtr relation);
  Result<plan::PlanPtr> ParsePivot(plan::PlanPtr relation);
  Result<plan::PlanPtr> ParseTableSample(plan::PlanPtr relation);
  Result<plan::PlanPtr> ParseUnpivot(plan::PlanPtr relation);
  Result<std::optional<std::string>> ParseOptionalAlias();

  TokenStream& tokens_;
  ExpressionParser expressions_;
  /// WITH scopes, outermost first: (name, query) in definition order.
  std::vector<std::vector<std::pair<std::string, plan::PlanPtr>>> ctes_;
};

}  // namespace sk8::sql
