#include "sql/query_parser.h"

#include <algorithm>
#include <array>
#include <map>
#include <random>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "plan/sql_nodes.h"
#include "sql/in_subquery_value.h"
#include "sql/inline_table.h"
#include "sql/statement_parser.h"

namespace sk8::sql {

using plan::ExprKind;
using plan::ExprPtr;
using plan::PlanPtr;

namespace {

// Spark's built-in table-valued functions other than range() and sql_keywords().
constexpr std::array<std::string_view, 11> kTableValuedFunctions = {
    "explode", "explode_outer", "inline", "inline_outer", "json_tuple", "posexplode", "posexplode_outer",
    "stack", "collations", "variant_explode", "variant_explode_outer"};

// A numeric literal's value (1, 1.5, 1.5D, 2.5BD, -3: a negated one too).
std::optional<double> NumberLiteral(const ExprPtr& expr) {
  if (expr->kind() == ExprKind::kFunction) {
    const auto& call = expr->As<plan::FunctionExpr>();
    if (call.name != "unary_minus") return std::nullopt;
    if (call.args.size() != 1) return std::nullopt;
    auto inner = NumberLiteral(call.args[0]);
    if (!inner) return std::nullopt;
    return -*inner;
  }
  if (expr->kind() != ExprKind::kLiteral) return std::nullopt;
  const auto& value = expr->As<plan::LiteralExpr>().value;
  if (!value->is_valid || (!arrow::is_numeric(value->type->id()) && !arrow::is_decimal(value->type->id()))) {
    return std::nullopt;
  }
  if (value->type->id() == arrow::Type::DECIMAL128) {
    const auto& decimal = static_cast<const arrow::Decimal128Scalar&>(*value);
    return decimal.value.ToDouble(static_cast<const arrow::Decimal128Type&>(*value->type).scale());
  }
  auto as_double = value->CastTo(arrow::float64());
  if (!as_double.ok()) return std::nullopt;
  return static_cast<const arrow::DoubleScalar&>(**as_double).value;
}

std::optional<int64_t> IntegralLiteral(const ExprPtr& expr) {
  if (expr->kind() != ExprKind::kLiteral) return std::nullopt;
  const arrow::Scalar& value = *expr->As<plan::LiteralExpr>().value;
  if (!value.is_valid) return std::nullopt;
  switch (value.type->id()) {
    case arrow::Type::INT8: return static_cast<const arrow::Int8Scalar&>(value).value;
    case arrow::Type::INT16: return static_cast<const arrow::Int16Scalar&>(value).value;
    case arrow::Type::INT32: return static_cast<const arrow::Int32Scalar&>(value).value;
    case arrow::Type::INT64: return static_cast<const arrow::Int64Scalar&>(value).value;
    default: return std::nullopt;
  }
}

// GROUP BY 1 / ORDER BY 1 refer to select-list positions (INT literals only).
std::optional<int64_t> Position(const ExprPtr& expr) {
  if (expr->kind() != ExprKind::kLiteral || expr->As<plan::LiteralExpr>().value->type->id() != arrow::Type::INT32) {
    return std::nullopt;
  }
  return IntegralLiteral(expr);
}

bool HasStar(const std::vector<ExprPtr>& exprs) {
  for (const auto& e : exprs) {
    if (e->kind() == ExprKind::kStar) return true;
  }
  return false;
}

Result<ExprPtr> SelectItemAt(const std::vector<ExprPtr>& select_list, int64_t position, const char* clause) {
  if (HasStar(select_list)) return UnsupportedSql(std::string(clause) + " position with SELECT *");
  if (position < 1 || position > static_cast<int64_t>(select_list.size())) {
    return AnalysisError(std::string(clause) + "_BY_POS_OUT_OF_RANGE",
                         {{"index", std::to_string(position)}, {"size", std::to_string(select_list.size())}});
  }
  return select_list[position - 1];
}

// The sort runs over the select output: an aliased item is referred to by its alias.
ExprPtr SortKeyOf(const ExprPtr& item) {
  if (!plan::IsWrittenAlias(*item)) return item;
  return std::make_shared<plan::ColumnExpr>(item->As<plan::AliasExpr>().names, std::nullopt);
}

ExprPtr Literal(std::shared_ptr<arrow::Scalar> value) { return std::make_shared<plan::LiteralExpr>(std::move(value)); }

template <typename Node>
std::shared_ptr<Node> Over(PlanPtr child) {
  return plan::MakeUnary<Node>(std::move(child));
}

// OVER w: the specification of w in the WINDOW clause (which may name another).
Result<ExprPtr> ResolveNamedWindows(const ExprPtr& expr,
                                    const std::map<std::string, std::shared_ptr<const plan::WindowExpr>>& windows) {
  auto each = [&](const std::vector<ExprPtr>& exprs, bool* changed) -> Result<std::vector<ExprPtr>> {
    std::vector<ExprPtr> out;
    for (const auto& e : exprs) {
      ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveNamedWindows(e, windows));
      *changed |= resolved != e;
      out.push_back(std::move(resolved));
    }
    return out;
  };
  bool changed = false;
  switch (expr->kind()) {
    case ExprKind::kWindow: {
      const auto& window = expr->As<plan::WindowExpr>();
      ARROW_ASSIGN_OR_RAISE(auto function, ResolveNamedWindows(window.function, windows));
      if (window.window_name.empty() && function == window.function) return expr;
      auto out = std::make_shared<plan::WindowExpr>(window);
      out->function = function;
      std::string name = window.window_name;
      for (int depth = 0; !name.empty(); ++depth) {
        auto it = windows.find(ToLowerAscii(name));
        if (it == windows.end() || depth > static_cast<int>(windows.size())) {
          return AnalysisError("MISSING_WINDOW_SPECIFICATION",
                               {{"windowName", name}, {"docroot", "https://spark.apache.org/docs/latest"}});
        }
        name = it->second->window_name;
        if (!name.empty()) continue;
        out->partition_spec = it->second->partition_spec;
        out->order_spec = it->second->order_spec;
        out->frame = it->second->frame;
      }
      out->window_name.clear();
      return ExprPtr(out);
    }
    case ExprKind::kAlias: {
      const auto& alias = expr->As<plan::AliasExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, ResolveNamedWindows(alias.child, windows));
      if (child == alias.child) return expr;
      return ExprPtr(std::make_shared<plan::AliasExpr>(child, alias.names));
    }
    case ExprKind::kCast: {
      const auto& cast = expr->As<plan::CastExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, ResolveNamedWindows(cast.child, windows));
      if (child == cast.child) return expr;
      return ExprPtr(std::make_shared<plan::CastExpr>(child, cast.type, cast.mode, cast.keeps_child_name));
    }
    case ExprKind::kFunction: {
      const auto& call = expr->As<plan::FunctionExpr>();
      ARROW_ASSIGN_OR_RAISE(auto args, each(call.args, &changed));
      if (!changed) return expr;
      auto out = std::make_shared<plan::FunctionExpr>(call);
      out->args = std::move(args);
      return ExprPtr(out);
    }
    default: return expr;
  }
}

}  // namespace

Result<PlanPtr> QueryParser::ParseStatement() {
  PlanPtr plan;
  if (tokens_.PeekKeyword("SHOW") || tokens_.PeekKeyword("DESC") || tokens_.PeekKeyword("DESCRIBE")) {
    ARROW_ASSIGN_OR_RAISE(plan, ParseFunctionCatalogStatement());
  }
  if (!plan) {
    ARROW_ASSIGN_OR_RAISE(plan, StatementParser(tokens_, expressions_, [this] { return ParseQuery(); }).Parse());
  }
  if (!plan) {
    ARROW_RETURN_NOT_OK(RejectUnsupportedStatement());
    ARROW_ASSIGN_OR_RAISE(plan, ParseQuery());
  }
  bool after_semicolon = false;
  while (tokens_.MatchSymbol(";")) after_semicolon = true;
  if (!tokens_.AtEnd()) return tokens_.ExtraInput(after_semicolon);
  ARROW_RETURN_NOT_OK(expressions_.CheckParameters());
  return plan;
}

// SHOW [USER | SYSTEM | ALL] FUNCTIONS [(FROM | IN) ns] [[LIKE] pattern] and
// DESC[RIBE] FUNCTION [EXTENDED] name; null for any other SHOW / DESCRIBE.
Result<PlanPtr> QueryParser::ParseFunctionCatalogStatement() {
  using Query = plan::FunctionCatalogPlan::Query;
  const size_t start = tokens_.position();
  if (tokens_.MatchKeyword("SHOW")) {
    bool user_only = false;
    bool system_only = false;
    if (tokens_.PeekKeyword("FUNCTIONS", 1)) {
      user_only = tokens_.PeekKeyword("USER");
      system_only = tokens_.PeekKeyword("SYSTEM");
      if (!tokens_.MatchKeyword("USER") && !tokens_.MatchKeyword("SYSTEM") && !tokens_.MatchKeyword("ALL")) {
        tokens_.Rewind(start);
        return PlanPtr();
      }
    }
    if (!tokens_.MatchKeyword("FUNCTIONS")) {
      tokens_.Rewind(start);
      return PlanPtr();
    }
    auto node = std::make_shared<plan::FunctionCatalogPlan>(Query::kShow);
    node->user_functions_only = user_only;
    node->system_functions_only = system_only;
    if (tokens_.MatchKeyword("FROM") || tokens_.MatchKeyword("IN")) {
      ARROW_ASSIGN_OR_RAISE(node->database, expressions_.ParseMultipartIdentifier());
    }
    bool like = tokens_.MatchKeyword("LIKE");
    if (tokens_.Peek().kind == TokenKind::kString) {
      node->pattern = tokens_.Advance().value;
    } else if (like || (!tokens_.AtEnd() && !tokens_.PeekSymbol(";"))) {
      // A legacy unquoted pattern names a function.
      ARROW_ASSIGN_OR_RAISE(auto parts, expressions_.ParseMultipartIdentifier());
      node->pattern = parts.back();
    }
    return PlanPtr(node);
  }
  tokens_.Advance();  // DESC or DESCRIBE
  if (!tokens_.MatchKeyword("FUNCTION")) {
    tokens_.Rewind(start);
    return PlanPtr();
  }
  auto node = std::make_shared<plan::FunctionCatalogPlan>(Query::kDescribe);
  node->extended = tokens_.MatchKeyword("EXTENDED");
  const Token& name = tokens_.Peek();
  if (name.kind == TokenKind::kString || name.kind == TokenKind::kSymbol) {
    // A string, or an operator such as + or <=>.
    node->name = tokens_.Advance().value;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto parts, expressions_.ParseMultipartIdentifier());
    node->name = parts.back();
    node->qualifier.assign(parts.begin(), parts.end() - 1);
  }
  return PlanPtr(node);
}

Status QueryParser::RejectUnsupportedStatement() const {
  if (auto keyword = PeekStatementKeyword(tokens_)) return UnsupportedSql(std::string(*keyword) + " statements");
  return Status::OK();
}

Result<PlanPtr> QueryParser::ParseQuery() {
  bool scoped = tokens_.PeekKeyword("WITH");
  if (scoped) {
    ctes_.emplace_back();
    auto status = ParseWithClause();
    if (!status.ok()) {
      ctes_.pop_back();
      return status;
    }
  }
  auto term = ParseSetOperations();
  Result<PlanPtr> result = term.ok() ? ParseQueryOrganization(std::move(*term)) : Result<PlanPtr>(term.status());
  if (scoped) ctes_.pop_back();
  return result;
}

// WITH name [(c1, ...)] AS (query) [, ...]: each name is visible in the
// definitions after it and in the query, where it reads as a subquery alias
// (referenced twice, it is resolved twice: each use has its own columns).
Status QueryParser::ParseWithClause() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("WITH"));
  const bool recursive = tokens_.MatchKeyword("RECURSIVE");
  do {
    ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseIdentifier());
    std::vector<std::string> columns;
    if (tokens_.PeekSymbol("(")) {
      ARROW_ASSIGN_OR_RAISE(columns, expressions_.ParseIdentifierList());
    }
    std::optional<int64_t> max_level;
    if (recursive && tokens_.MatchKeyword("MAX")) {
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("RECURSION"));
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("LEVEL"));
      ARROW_ASSIGN_OR_RAISE(auto level, expressions_.ParseExpression());
      auto value = IntegralLiteral(level);
      if (!value) return UnsupportedSql("MAX RECURSION LEVEL with an expression other than an integer literal");
      max_level = *value;
    }
    tokens_.MatchKeyword("AS");
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    // In a recursive WITH, the definition may read its own name: the rows of
    // the round before.
    std::shared_ptr<plan::RecursiveReferencePlan> self;
    if (recursive) {
      self = std::make_shared<plan::RecursiveReferencePlan>();
      self->name = name;
      ctes_.back().emplace_back(name, self);
    }
    auto parsed = ParseQuery();
    if (recursive) ctes_.back().pop_back();
    ARROW_ASSIGN_OR_RAISE(auto query, std::move(parsed));
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    if (self && ReadsPlan(query, self)) {
      ARROW_ASSIGN_OR_RAISE(query, RecursiveCte(name, std::move(columns), max_level, query, self));
      columns.clear();
    }
    if (!columns.empty()) {
      auto renamed = std::make_shared<plan::ToDFPlan>();
      renamed->column_names = std::move(columns);
      renamed->children = {std::move(query)};
      query = renamed;
    }
    for (const auto& [defined, plan] : ctes_.back()) {
      if (EqualsIgnoreCase(defined, name)) {
        return SparkError(SparkExceptionKind::kParse, "DUPLICATED_CTE_NAMES", {{"duplicateNames", QuoteIdentifier(name)}});
      }
    }
    ctes_.back().emplace_back(std::move(name), std::move(query));
  } while (tokens_.MatchSymbol(","));
  return Status::OK();
}

namespace {

// True when `node` or a plan under it is `target` (plans in expressions not searched).
bool ReadsPlanNode(const PlanPtr& node, const PlanPtr& target) {
  if (node == target) return true;
  for (const auto& child : node->children) {
    if (ReadsPlanNode(child, target)) return true;
  }
  return false;
}

}  // namespace

bool QueryParser::ReadsPlan(const PlanPtr& query, const PlanPtr& target) { return ReadsPlanNode(query, target); }

// `anchor UNION ALL step` whose step reads `self`: Spark's recursive CTE (the
// anchor named by `columns` when given; the step's rows take its names).
Result<PlanPtr> QueryParser::RecursiveCte(const std::string& name, std::vector<std::string> columns,
                                          std::optional<int64_t> max_level, const PlanPtr& query,
                                          const PlanPtr& self) {
  const bool is_union = query->kind() == plan::PlanKind::kSetOperation &&
                        query->As<plan::SetOperationPlan>().op == plan::SetOperationKind::kUnion &&
                        !query->As<plan::SetOperationPlan>().by_name;
  if (is_union && !query->As<plan::SetOperationPlan>().is_all) {
    return AnalysisError("UNION_NOT_SUPPORTED_IN_RECURSIVE_CTE", {});
  }
  if (!is_union || ReadsPlanNode(query->children[0], self)) return AnalysisError("INVALID_RECURSIVE_CTE", {});
  PlanPtr anchor = query->children[0];
  if (!columns.empty()) {
    auto renamed = std::make_shared<plan::ToDFPlan>();
    renamed->column_names = std::move(columns);
    renamed->children = {std::move(anchor)};
    anchor = renamed;
  }
  auto node = std::make_shared<plan::RecursiveCtePlan>();
  node->name = name;
  node->max_level = max_level;
  node->children = {std::move(anchor), query->children[1]};
  return PlanPtr(node);
}

PlanPtr QueryParser::FindCte(const std::string& name) const {
  for (auto scope = ctes_.rbegin(); scope != ctes_.rend(); ++scope) {
    for (auto it = scope->rbegin(); it != scope->rend(); ++it) {
      if (EqualsIgnoreCase(it->first, name)) return it->second;
    }
  }
  return nullptr;
}

namespace {

QueryParser::QueryTerm SetOperation(plan::SetOperationKind op, bool all, QueryParser::QueryTerm left,
                                    QueryParser::QueryTerm right) {
  auto node = std::make_shared<plan::SetOperationPlan>();
  node->op = op;
  node->is_all = all;
  node->children = {std::move(left.plan), std::move(right.plan)};
  // ORDER BY positions refer to the first query's select list, as in Spark.
  return QueryParser::QueryTerm{std::move(node), std::move(left.select_list)};
}

}  // namespace

// a UNION [ALL|DISTINCT] b, a EXCEPT|MINUS [ALL|DISTINCT] b: left to right, over
// INTERSECT, which binds tighter (Spark's grammar).
Result<QueryParser::QueryTerm> QueryParser::ParseSetOperations() {
  ARROW_ASSIGN_OR_RAISE(auto left, ParseIntersections());
  while (true) {
    plan::SetOperationKind op;
    if (tokens_.MatchClauseKeyword("UNION")) {
      op = plan::SetOperationKind::kUnion;
    } else if (tokens_.MatchClauseKeyword("EXCEPT") || tokens_.MatchClauseKeyword("MINUS")) {
      op = plan::SetOperationKind::kExcept;
    } else {
      return left;
    }
    bool all = tokens_.MatchClauseKeyword("ALL");
    if (!all) tokens_.MatchClauseKeyword("DISTINCT");
    ARROW_ASSIGN_OR_RAISE(auto right, ParseIntersections());
    left = SetOperation(op, all, std::move(left), std::move(right));
  }
}

Result<QueryParser::QueryTerm> QueryParser::ParseIntersections() {
  ARROW_ASSIGN_OR_RAISE(auto left, ParseQueryPrimary());
  while (tokens_.MatchClauseKeyword("INTERSECT")) {
    bool all = tokens_.MatchClauseKeyword("ALL");
    if (!all) tokens_.MatchClauseKeyword("DISTINCT");
    ARROW_ASSIGN_OR_RAISE(auto right, ParseQueryPrimary());
    left = SetOperation(plan::SetOperationKind::kIntersect, all, std::move(left), std::move(right));
  }
  return left;
}

Result<QueryParser::QueryTerm> QueryParser::ParseQueryPrimary() {
  if (tokens_.PeekKeyword("SELECT")) return ParseSelect();
  if (tokens_.MatchKeyword("VALUES")) {
    ARROW_ASSIGN_OR_RAISE(auto table, ParseInlineTable());
    return QueryTerm{std::move(table), {}};
  }
  if (tokens_.PeekKeyword("TABLE") && tokens_.Peek(1).IsIdentifier()) {
    tokens_.Advance();
    auto table = std::make_shared<plan::NamedTablePlan>();
    ARROW_ASSIGN_OR_RAISE(table->name_parts, expressions_.ParseMultipartIdentifier());
    return QueryTerm{std::move(table), {}};
  }
  if (tokens_.PeekKeyword("FROM")) return UnsupportedSql("FROM-first queries");
  if (tokens_.MatchSymbol("(")) {
    ARROW_ASSIGN_OR_RAISE(auto inner, ParseQuery());
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    return QueryTerm{std::move(inner), {}};
  }
  return tokens_.SyntaxError();
}

Result<QueryParser::QueryTerm> QueryParser::ParseSelect() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("SELECT"));
  bool distinct = tokens_.MatchKeyword("DISTINCT");
  if (!distinct && tokens_.PeekKeyword("ALL") && !tokens_.IsStatementEnd(1) && !tokens_.PeekSymbol(",", 1)) {
    tokens_.Advance();
  }
  std::vector<ExprPtr> select_list;
  do {
    ARROW_ASSIGN_OR_RAISE(auto item, expressions_.ParseNamedExpression());
    select_list.push_back(RewriteInSubqueryValues(item, /*conjunct=*/false));
  } while (tokens_.MatchSymbol(","));

  PlanPtr input = OneRowRelation();
  if (tokens_.MatchClauseKeyword("FROM")) {
    ARROW_ASSIGN_OR_RAISE(input, ParseFromClause());
  }
  if (tokens_.MatchClauseKeyword("WHERE")) {
    auto filter = Over<plan::FilterPlan>(input);
    ARROW_ASSIGN_OR_RAISE(auto condition, expressions_.ParseExpression());
    filter->condition = RewriteInSubqueryValues(condition, /*conjunct=*/true);
    input = filter;
  }
  std::optional<GroupByClause> grouping;
  if (tokens_.MatchKeywords({"GROUP", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(grouping, ParseGroupBy(select_list));
  }
  ExprPtr having;
  if (tokens_.MatchClauseKeyword("HAVING")) {
    // An IN value under OR in HAVING stays refused by name: its count subqueries
    // would read the grouping columns from inside the aggregate's input.
    ARROW_ASSIGN_OR_RAISE(having, expressions_.ParseExpression());
  }
  std::map<std::string, std::shared_ptr<const plan::WindowExpr>> named_windows;
  if (tokens_.MatchClauseKeyword("WINDOW")) {
    do {
      ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseIdentifier());
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("AS"));
      auto spec = std::make_shared<plan::WindowExpr>();
      if (tokens_.PeekSymbol("(")) {
        tokens_.Advance();
        ARROW_RETURN_NOT_OK(expressions_.ParseWindowSpecBody(spec.get()));
        ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      } else {
        ARROW_ASSIGN_OR_RAISE(spec->window_name, expressions_.ParseIdentifier());
      }
      named_windows[ToLowerAscii(name)] = std::move(spec);
    } while (tokens_.MatchSymbol(","));
  }
  for (auto& item : select_list) {
    ARROW_ASSIGN_OR_RAISE(item, ResolveNamedWindows(item, named_windows));
  }
  if (having) {
    ARROW_ASSIGN_OR_RAISE(having, ResolveNamedWindows(having, named_windows));
  }
  ARROW_ASSIGN_OR_RAISE(auto plan, BuildSelectPlan(input, select_list, distinct, std::move(grouping), having));
  return QueryTerm{std::move(plan), std::move(select_list)};
}

Result<PlanPtr> QueryParser::BuildSelectPlan(PlanPtr input, std::vector<ExprPtr> select_list, bool distinct,
                                             std::optional<GroupByClause> grouping, ExprPtr having) {
  PlanPtr plan;
  // SELECT DISTINCT ... GROUP BY: the grouped rows (after HAVING), then duplicates removed.
  const bool distinct_groups = grouping && distinct;
  if (grouping) {
    // The select list alone is the output: grouping columns are not prepended
    // as they are for DataFrame groupBy().agg().
    std::shared_ptr<plan::AggregatePlan> aggregate =
        grouping->all ? Over<plan::GroupByAllPlan>(input) : Over<plan::AggregatePlan>(input);
    aggregate->grouping = std::move(grouping->grouping);
    aggregate->grouping_sets = std::move(grouping->sets);
    aggregate->aggregates = std::move(select_list);
    aggregate->grouping_in_output = false;
    plan = aggregate;
  } else if (distinct && std::any_of(select_list.begin(), select_list.end(),
                                     [](const ExprPtr& e) { return plan::ContainsWindow(*e); })) {
    // Windows are computed first; DISTINCT then removes duplicate rows.
    if (having) return UnsupportedSql("SELECT DISTINCT with HAVING");
    auto project = Over<plan::ProjectPlan>(input);
    project->expressions = std::move(select_list);
    plan = Over<plan::DeduplicatePlan>(project);
  } else if (distinct) {
    if (having) return UnsupportedSql("SELECT DISTINCT with HAVING");
    if (HasStar(select_list)) {
      // SELECT DISTINCT *: the star's columns are known only after analysis.
      auto project = Over<plan::ProjectPlan>(input);
      project->expressions = std::move(select_list);
      return PlanPtr(Over<plan::DeduplicatePlan>(project));
    }
    // SELECT DISTINCT a, b is a grouping on the select list (Spark's own rewrite).
    auto aggregate = Over<plan::AggregatePlan>(input);
    aggregate->grouping = std::move(select_list);
    plan = aggregate;
  } else {
    auto project = Over<plan::ProjectPlan>(input);
    project->expressions = std::move(select_list);
    plan = project;
  }
  if (having) {
    auto filter = Over<plan::FilterPlan>(plan);
    filter->condition = std::move(having);
    plan = filter;
  }
  if (distinct_groups) plan = Over<plan::DeduplicatePlan>(plan);
  return plan;
}

Result<QueryParser::GroupByClause> QueryParser::ParseGroupBy(const std::vector<ExprPtr>& select_list) {
  GroupByClause clause;
  if (tokens_.PeekKeyword("ALL") &&
      (tokens_.IsStatementEnd(1) || tokens_.Peek(1).kind == TokenKind::kWord || tokens_.PeekSymbol(")", 1))) {
    tokens_.Advance();
    clause.all = true;
    return clause;
  }
  std::vector<std::vector<ExprPtr>> sets{{}};
  bool analytic = false;
  do {
    ARROW_ASSIGN_OR_RAISE(auto item_sets, ParseGroupByItem(select_list, &analytic));
    for (const auto& set : item_sets) clause.grouping.insert(clause.grouping.end(), set.begin(), set.end());
    std::vector<std::vector<ExprPtr>> product;
    for (const auto& prefix : sets) {
      for (const auto& set : item_sets) {
        auto combined = prefix;
        combined.insert(combined.end(), set.begin(), set.end());
        product.push_back(std::move(combined));
      }
    }
    sets = std::move(product);
  } while (tokens_.MatchSymbol(","));
  if (tokens_.PeekKeyword("WITH") && (tokens_.PeekKeyword("ROLLUP", 1) || tokens_.PeekKeyword("CUBE", 1))) {
    tokens_.Advance();
    const bool rollup = tokens_.Advance().IsKeyword("ROLLUP");
    if (analytic) return UnsupportedSql("WITH ROLLUP / WITH CUBE after GROUPING SETS, ROLLUP or CUBE");
    clause.sets = rollup ? plan::RollupSets(clause.grouping) : plan::CubeSets(clause.grouping);
    return clause;
  }
  if (analytic) clause.sets = std::move(sets);
  return clause;
}

Result<std::vector<std::vector<ExprPtr>>> QueryParser::ParseGroupByItem(const std::vector<ExprPtr>& select_list,
                                                                        bool* analytic) {
  // A parenthesized list of expressions; `()` is the empty one.
  auto parse_list = [&]() -> Result<std::vector<ExprPtr>> {
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    std::vector<ExprPtr> exprs;
    if (tokens_.MatchSymbol(")")) return exprs;
    ARROW_ASSIGN_OR_RAISE(exprs, expressions_.ParseExpressionList());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    return exprs;
  };
  if (tokens_.PeekKeyword("GROUPING") && tokens_.PeekKeyword("SETS", 1)) {
    tokens_.Advance();
    tokens_.Advance();
    *analytic = true;
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    std::vector<std::vector<ExprPtr>> sets;
    do {
      if (tokens_.PeekSymbol("(")) {
        ARROW_ASSIGN_OR_RAISE(auto set, parse_list());
        sets.push_back(std::move(set));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto expr, expressions_.ParseExpression());
        sets.push_back({std::move(expr)});
      }
    } while (tokens_.MatchSymbol(","));
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    return sets;
  }
  if ((tokens_.PeekKeyword("ROLLUP") || tokens_.PeekKeyword("CUBE")) && tokens_.PeekSymbol("(", 1)) {
    const bool rollup = tokens_.Advance().IsKeyword("ROLLUP");
    *analytic = true;
    ARROW_ASSIGN_OR_RAISE(auto exprs, parse_list());
    return rollup ? plan::RollupSets(exprs) : plan::CubeSets(exprs);
  }
  ARROW_ASSIGN_OR_RAISE(auto expr, expressions_.ParseExpression());
  if (std::optional<int64_t> position = Position(expr)) {
    ARROW_ASSIGN_OR_RAISE(auto item, SelectItemAt(select_list, *position, "GROUP"));
    expr = plan::IsWrittenAlias(*item) ? item->As<plan::AliasExpr>().child : item;
  }
  return std::vector<std::vector<ExprPtr>>{{std::move(expr)}};
}

// ---------------------------------------------------------------------------
// ORDER BY, LIMIT, OFFSET

// ORDER BY | CLUSTER BY | DISTRIBUTE BY [SORT BY] | SORT BY, then LIMIT and
// OFFSET. On one node SORT BY sorts; DISTRIBUTE BY and CLUSTER BY have no
// partitions to spread rows over, so they sort by their keys (which keeps each
// key's rows together and checks the names), CLUSTER BY as Spark's local sort.
Result<PlanPtr> QueryParser::ParseQueryOrganization(QueryTerm term) {
  PlanPtr plan = std::move(term.plan);
  std::vector<ExprPtr> order, cluster, distribute, sort;
  if (tokens_.MatchKeywords({"ORDER", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(order, ParseSortItems(term.select_list, /*allow_all=*/true));
  }
  if (tokens_.MatchKeywords({"CLUSTER", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(cluster, expressions_.ParseExpressionList());
  }
  if (tokens_.MatchKeywords({"DISTRIBUTE", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(distribute, expressions_.ParseExpressionList());
  }
  if (tokens_.MatchKeywords({"SORT", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(sort, ParseSortItems(term.select_list, /*allow_all=*/false));
  }
  const int clauses = !order.empty() + !cluster.empty() + !distribute.empty() + !sort.empty();
  if (clauses > 1 && !(clauses == 2 && !distribute.empty() && !sort.empty())) {
    return ParseError("UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES");
  }
  for (auto* keys : {&cluster, &distribute}) {
    for (auto& key : *keys) key = std::make_shared<plan::SortOrderExpr>(key, /*asc=*/true, /*nf=*/true);
  }
  if (!distribute.empty() && !sort.empty()) {
    // DISTRIBUTE BY k SORT BY s: each k's rows sorted by s, as one sort by (k, s)
    // (one sort over the select, so both may name columns it does not output).
    distribute.insert(distribute.end(), sort.begin(), sort.end());
    sort.clear();
  }
  for (auto* items : {&distribute, &cluster, &sort, &order}) {
    if (items->empty()) continue;
    auto node = Over<plan::SortPlan>(plan);
    node->is_global = items == &order;
    node->order = std::move(*items);
    plan = node;
  }
  if (tokens_.PeekClauseKeyword("WINDOW")) return UnsupportedSql("WINDOW clauses");
  std::optional<int64_t> limit, offset;
  if (tokens_.MatchClauseKeyword("LIMIT")) {
    ARROW_ASSIGN_OR_RAISE(limit, ParseLimitValue("LIMIT"));
  }
  if (tokens_.MatchClauseKeyword("OFFSET")) {
    ARROW_ASSIGN_OR_RAISE(offset, ParseLimitValue("OFFSET"));
  }
  // LIMIT n OFFSET m returns rows m+1 .. m+n: the offset applies first.
  if (offset) {
    auto node = Over<plan::OffsetPlan>(plan);
    node->offset = *offset;
    plan = node;
  }
  if (limit) {
    auto node = Over<plan::LimitPlan>(plan);
    node->limit = *limit;
    plan = node;
  }
  return plan;
}

Result<std::vector<ExprPtr>> QueryParser::ParseSortItems(const std::vector<ExprPtr>& select_list, bool allow_all) {
  std::vector<ExprPtr> items;
  if (allow_all && tokens_.PeekKeyword("ALL") &&
      (tokens_.IsStatementEnd(1) || tokens_.Peek(1).kind == TokenKind::kWord || tokens_.PeekSymbol(")", 1))) {
    // ORDER BY ALL [ASC | DESC] [NULLS ...]: every select item, in order.
    tokens_.Advance();
    if (select_list.empty()) return UnsupportedSql("ORDER BY ALL over VALUES, TABLE or a parenthesized query");
    ARROW_ASSIGN_OR_RAISE(auto direction, ParseSortDirection(Literal(arrow::MakeScalar(int32_t{1}))));
    const auto& template_order = direction->As<plan::SortOrderExpr>();
    for (size_t position = 1; position <= select_list.size(); ++position) {
      ARROW_ASSIGN_OR_RAISE(auto item, SelectItemAt(select_list, static_cast<int64_t>(position), "ORDER"));
      items.push_back(std::make_shared<plan::SortOrderExpr>(SortKeyOf(item), template_order.ascending,
                                                            template_order.nulls_first));
    }
    return items;
  }
  do {
    ARROW_ASSIGN_OR_RAISE(auto item, ParseSortItem(select_list));
    items.push_back(std::move(item));
  } while (tokens_.MatchSymbol(","));
  return items;
}

Result<ExprPtr> QueryParser::ParseSortItem(const std::vector<ExprPtr>& select_list) {
  ARROW_ASSIGN_OR_RAISE(auto expr, expressions_.ParseExpression());
  if (std::optional<int64_t> position = Position(expr)) {
    if (select_list.empty() || HasStar(select_list)) {
      // The columns are known after analysis, which reads the position then.
      expr = std::make_shared<plan::OrdinalExpr>(static_cast<int32_t>(*position));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto item, SelectItemAt(select_list, *position, "ORDER"));
      expr = SortKeyOf(item);
    }
  }
  return ParseSortDirection(std::move(expr));
}

Result<ExprPtr> QueryParser::ParseSortDirection(ExprPtr expr) {
  bool ascending = true;
  if (tokens_.MatchKeyword("DESC")) {
    ascending = false;
  } else {
    tokens_.MatchKeyword("ASC");
  }
  bool nulls_first = ascending;  // Spark's default: NULLS FIRST ascending, NULLS LAST descending
  if (tokens_.MatchKeyword("NULLS")) {
    if (tokens_.MatchKeyword("FIRST")) {
      nulls_first = true;
    } else if (tokens_.MatchKeyword("LAST")) {
      nulls_first = false;
    } else {
      return tokens_.SyntaxError();
    }
  }
  return std::make_shared<plan::SortOrderExpr>(std::move(expr), ascending, nulls_first);
}

Result<std::optional<int64_t>> QueryParser::ParseLimitValue(const char* clause) {
  if (std::string_view(clause) == "LIMIT" && tokens_.MatchKeyword("ALL")) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto expr, expressions_.ParseExpression());
  std::optional<int64_t> value = Position(expr);  // an INT literal
  if (!value) return UnsupportedSql(std::string(clause) + " with an expression other than an INT literal");
  return value;
}

// ---------------------------------------------------------------------------
// FROM

// FROM a [JOIN b ...] [, c [JOIN d ...]]: comma-separated relations are joined
// without a condition (the WHERE clause usually supplies it), left to right.
Result<PlanPtr> QueryParser::ParseFromClause() {
  ARROW_ASSIGN_OR_RAISE(auto relation, ParseRelation());
  ARROW_ASSIGN_OR_RAISE(relation, ParseJoins(std::move(relation)));
  while (tokens_.MatchSymbol(",")) {
    if (tokens_.PeekClauseKeyword("LATERAL") && !tokens_.PeekKeyword("VIEW", 1)) {
      // FROM a, LATERAL (...): an inner lateral join with everything before it.
      tokens_.Advance();
      ARROW_ASSIGN_OR_RAISE(auto subquery, ParseLateralRelation());
      auto lateral = std::make_shared<plan::LateralJoinPlan>();
      lateral->subquery = std::move(subquery);
      lateral->children = {std::move(relation)};
      ARROW_ASSIGN_OR_RAISE(relation, ParseJoins(std::move(lateral)));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto right, ParseRelation());
    ARROW_ASSIGN_OR_RAISE(right, ParseJoins(std::move(right)));
    auto join = std::make_shared<plan::JoinPlan>();
    join->join_type = plan::JoinType::kInner;
    join->children = {std::move(relation), std::move(right)};
    relation = join;
  }
  ARROW_ASSIGN_OR_RAISE(relation, ParseLateralViews(std::move(relation)));
  if (tokens_.PeekClauseKeyword("PIVOT")) {
    ARROW_ASSIGN_OR_RAISE(relation, ParsePivot(std::move(relation)));
  }
  if (tokens_.PeekClauseKeyword("UNPIVOT")) {
    ARROW_ASSIGN_OR_RAISE(relation, ParseUnpivot(std::move(relation)));
  }
  return relation;
}

// PIVOT (agg [AS a], ... FOR column IN (value [AS v], ...)): grouped by every
// other column of the relation (those no aggregate and not the pivot column
// read), one output column per value and aggregate.
Result<PlanPtr> QueryParser::ParsePivot(PlanPtr relation) {
  tokens_.Advance();  // PIVOT
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  auto pivot = Over<plan::AggregatePlan>(std::move(relation));
  pivot->pivot_implicit_grouping = true;
  do {
    ARROW_ASSIGN_OR_RAISE(auto aggregate, expressions_.ParseNamedExpression());
    pivot->aggregates.push_back(std::move(aggregate));
  } while (tokens_.MatchSymbol(","));
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("FOR"));
  if (tokens_.MatchSymbol("(")) {
    // FOR (a, b) IN ((1, 'x') AS p, ...): the pivot column is struct(a, b), each
    // value a struct of constants.
    std::vector<ExprPtr> columns;
    do {
      ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseMultipartIdentifier());
      columns.push_back(std::make_shared<plan::ColumnExpr>(std::move(column), std::nullopt));
    } while (tokens_.MatchSymbol(","));
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    pivot->pivot_column = std::make_shared<plan::FunctionExpr>("struct", std::move(columns));
  } else {
    ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseMultipartIdentifier());
    pivot->pivot_column = std::make_shared<plan::ColumnExpr>(std::move(column), std::nullopt);
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("IN"));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  do {
    ARROW_ASSIGN_OR_RAISE(auto value, expressions_.ParseExpression());
    if (tokens_.PeekKeyword("AS") || expressions_.AtImplicitAlias()) {
      tokens_.MatchKeyword("AS");
      ARROW_ASSIGN_OR_RAISE(auto alias, expressions_.ParseIdentifier());
      value = std::make_shared<plan::AliasExpr>(std::move(value), std::vector<std::string>{alias});
    }
    pivot->pivot_values.push_back(std::move(value));
  } while (tokens_.MatchSymbol(","));
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  return PlanPtr(pivot);
}

// UNPIVOT [INCLUDE | EXCLUDE NULLS] (value FOR name IN (column [AS alias], ...))
// [[AS] alias]: each row once per listed column, as (the other columns, name,
// value); rows whose value is NULL are left out unless INCLUDE NULLS. With
// several value columns, ((v1, v2) FOR name IN ((a, b) [AS alias], ...)), a row
// is left out when all its values are NULL.
Result<PlanPtr> QueryParser::ParseUnpivot(PlanPtr relation) {
  tokens_.Advance();  // UNPIVOT
  bool include_nulls = false;
  if (tokens_.MatchKeyword("INCLUDE")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("NULLS"));
    include_nulls = true;
  } else if (tokens_.MatchKeyword("EXCLUDE")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("NULLS"));
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  auto unpivot = Over<plan::SqlUnpivotPlan>(std::move(relation));
  unpivot->ids_are_the_rest = true;
  const bool several = tokens_.MatchSymbol("(");
  if (several) {
    do {
      ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseIdentifier());
      unpivot->value_columns.push_back(std::move(name));
    } while (tokens_.MatchSymbol(","));
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  } else {
    ARROW_ASSIGN_OR_RAISE(unpivot->value_column, expressions_.ParseIdentifier());
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("FOR"));
  ARROW_ASSIGN_OR_RAISE(unpivot->variable_column, expressions_.ParseIdentifier());
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("IN"));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  auto parse_column = [&]() -> Result<ExprPtr> {
    ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseMultipartIdentifier());
    return ExprPtr(std::make_shared<plan::ColumnExpr>(std::move(name), std::nullopt));
  };
  auto parse_alias = [&]() -> Result<std::optional<std::string>> {
    if (!tokens_.PeekKeyword("AS") && !expressions_.AtImplicitAlias()) return std::nullopt;
    tokens_.MatchKeyword("AS");
    ARROW_ASSIGN_OR_RAISE(auto alias, expressions_.ParseIdentifier());
    return std::optional<std::string>(std::move(alias));
  };
  do {
    // Several value columns take groups (a, b); one value column takes columns.
    if (several != tokens_.PeekSymbol("(")) return tokens_.SyntaxError(several ? ": missing '('" : "");
    std::vector<ExprPtr> group;
    if (several) {
      tokens_.Advance();
      do {
        ARROW_ASSIGN_OR_RAISE(auto column, parse_column());
        group.push_back(std::move(column));
      } while (tokens_.MatchSymbol(","));
      if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    } else {
      ARROW_ASSIGN_OR_RAISE(auto column, parse_column());
      group.push_back(std::move(column));
    }
    ARROW_ASSIGN_OR_RAISE(auto alias, parse_alias());
    if (several) {
      unpivot->value_groups.push_back(std::move(group));
      unpivot->group_names.push_back(alias.value_or(""));
    } else {
      if (alias) group[0] = std::make_shared<plan::AliasExpr>(group[0], std::vector<std::string>{*alias});
      unpivot->values.push_back(std::move(group[0]));
    }
  } while (tokens_.MatchSymbol(","));
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  PlanPtr result = unpivot;
  if (!include_nulls) {
    std::vector<ExprPtr> outputs;
    for (const auto& name : several ? unpivot->value_columns : std::vector<std::string>{unpivot->value_column}) {
      outputs.push_back(std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt));
    }
    ExprPtr value = outputs.size() == 1 ? outputs[0] : std::make_shared<plan::FunctionExpr>("coalesce", outputs);
    auto filter = Over<plan::FilterPlan>(std::move(result));
    filter->condition = std::make_shared<plan::FunctionExpr>("isnotnull", std::vector<ExprPtr>{value});
    result = filter;
  }
  return ParseRelationAlias(std::move(result));
}


// LATERAL VIEW [OUTER] generator(args) table [AS] c1, c2, ...: the relation's
// rows, each with the generator's (as `SELECT *, generator(args) AS (c1, c2)`;
// OUTER is the generator's _outer form).
Result<PlanPtr> QueryParser::ParseLateralViews(PlanPtr relation) {
  while (tokens_.PeekClauseKeyword("LATERAL") && tokens_.PeekKeyword("VIEW", 1)) {
    tokens_.Advance();
    tokens_.Advance();
    const bool outer = tokens_.MatchKeyword("OUTER");
    ARROW_ASSIGN_OR_RAISE(auto generator, expressions_.ParseExpression());
    if (generator->kind() != plan::ExprKind::kFunction) return tokens_.SyntaxError();
    auto call = std::make_shared<plan::FunctionExpr>(generator->As<plan::FunctionExpr>());
    if (outer) call->name += "_outer";
    ARROW_ASSIGN_OR_RAISE(auto table, expressions_.ParseIdentifier());
    (void)table;  // the generated columns are not qualified by it yet
    std::vector<std::string> columns;
    if (tokens_.MatchKeyword("AS") || expressions_.AtImplicitAlias()) {
      do {
        ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseIdentifier());
        columns.push_back(std::move(column));
      } while (tokens_.MatchSymbol(","));
    }
    plan::ExprPtr item = call;
    if (!columns.empty()) item = std::make_shared<plan::AliasExpr>(item, std::move(columns));
    auto project = Over<plan::ProjectPlan>(std::move(relation));
    project->expressions = {std::make_shared<plan::StarExpr>(std::vector<std::string>{}), item};
    relation = project;
  }
  return relation;
}

// The relation after LATERAL: `(query) [alias]` or a table-valued function
// `tvf(args) [alias [(columns)]]`, which may read the columns before it.
Result<PlanPtr> QueryParser::ParseLateralRelation() {
  if (tokens_.PeekSymbol("(") && StartsQuery(tokens_.Peek(1))) return ParseRelation();
  if (tokens_.Peek().IsIdentifier() && tokens_.PeekSymbol("(", 1)) {
    return ParseTableValuedFunction(tokens_.Advance().value);
  }
  return tokens_.SyntaxError();
}

// joinRelation*: [NATURAL] [INNER | CROSS | LEFT [OUTER|SEMI|ANTI] | RIGHT [OUTER] |
// FULL [OUTER] | SEMI | ANTI] JOIN relationPrimary [ON expr | USING (a, ...)].
Result<PlanPtr> QueryParser::ParseJoins(PlanPtr left) {
  while (true) {
    bool natural = tokens_.MatchClauseKeyword("NATURAL");
    std::optional<plan::JoinType> type;
    bool joined = false;  // the word JOIN itself was read
    if (tokens_.MatchClauseKeyword("JOIN")) {
      type = plan::JoinType::kInner;
      joined = true;
    } else if (tokens_.MatchClauseKeyword("INNER")) {
      type = plan::JoinType::kInner;
    } else if (tokens_.MatchClauseKeyword("CROSS")) {
      type = plan::JoinType::kCross;
    } else if (tokens_.MatchClauseKeyword("LEFT")) {
      if (tokens_.MatchClauseKeyword("SEMI")) {
        type = plan::JoinType::kLeftSemi;
      } else if (tokens_.MatchClauseKeyword("ANTI")) {
        type = plan::JoinType::kLeftAnti;
      } else {
        tokens_.MatchClauseKeyword("OUTER");
        type = plan::JoinType::kLeftOuter;
      }
    } else if (tokens_.MatchClauseKeyword("RIGHT")) {
      tokens_.MatchClauseKeyword("OUTER");
      type = plan::JoinType::kRightOuter;
    } else if (tokens_.MatchClauseKeyword("FULL")) {
      tokens_.MatchClauseKeyword("OUTER");
      type = plan::JoinType::kFullOuter;
    } else if (tokens_.MatchClauseKeyword("SEMI")) {
      type = plan::JoinType::kLeftSemi;
    } else if (tokens_.MatchClauseKeyword("ANTI")) {
      type = plan::JoinType::kLeftAnti;
    }
    if (!type) {
      if (natural) return tokens_.SyntaxError();
      return left;
    }
    // After INNER, CROSS, LEFT [OUTER], ... the word JOIN must follow.
    if (!joined && !tokens_.MatchClauseKeyword("JOIN")) return tokens_.SyntaxError();
    if (tokens_.PeekClauseKeyword("LATERAL")) {
      tokens_.Advance();
      if (*type != plan::JoinType::kInner && *type != plan::JoinType::kCross && *type != plan::JoinType::kLeftOuter) {
        // Spark names the join type in SQL words: RIGHT OUTER, FULL OUTER, LEFT SEMI, LEFT ANTI.
        const char* name = *type == plan::JoinType::kRightOuter  ? "RIGHT OUTER"
                           : *type == plan::JoinType::kFullOuter ? "FULL OUTER"
                           : *type == plan::JoinType::kLeftSemi  ? "LEFT SEMI"
                                                                 : "LEFT ANTI";
        return ParseError("INVALID_LATERAL_JOIN_TYPE", {{"joinType", name}});
      }
      if (natural) return UnsupportedSql("NATURAL JOIN LATERAL");
      ARROW_ASSIGN_OR_RAISE(auto subquery, ParseLateralRelation());
      auto lateral = std::make_shared<plan::LateralJoinPlan>();
      lateral->subquery = std::move(subquery);
      lateral->join_type = *type;
      if (tokens_.MatchClauseKeyword("ON")) {
        ARROW_ASSIGN_OR_RAISE(lateral->condition, expressions_.ParseExpression());
      } else if (tokens_.PeekClauseKeyword("USING")) {
        return ParseError("UNSUPPORTED_FEATURE.LATERAL_JOIN_USING");
      }
      lateral->children = {std::move(left)};
      left = lateral;
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto right, ParseRelation());
    auto join = std::make_shared<plan::JoinPlan>();
    join->join_type = *type;
    join->natural = natural;
    if (!natural && tokens_.MatchKeyword("ON")) {  // JOIN t ON (end): the condition is missing
      ARROW_ASSIGN_OR_RAISE(join->condition, expressions_.ParseExpression());
    } else if (!natural && tokens_.MatchClauseKeyword("USING")) {
      ARROW_ASSIGN_OR_RAISE(join->using_columns, expressions_.ParseIdentifierList());
    }
    join->children = {std::move(left), std::move(right)};
    left = join;
  }
}

Result<PlanPtr> QueryParser::ParseRelation() {
  if (tokens_.PeekSymbol("(")) {
    size_t depth = 1;  // ((SELECT ...)) is a query, ((a JOIN b) JOIN c) a relation
    while (tokens_.PeekSymbol("(", depth)) ++depth;
    if (!StartsQuery(tokens_.Peek(depth))) {
      // (a JOIN b ON ...) [alias]: a relation with its joins, as one relation.
      tokens_.Advance();
      ARROW_ASSIGN_OR_RAISE(auto nested, ParseRelation());
      ARROW_ASSIGN_OR_RAISE(nested, ParseJoins(std::move(nested)));
      if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
      ARROW_ASSIGN_OR_RAISE(nested, ParseTableSample(std::move(nested)));
      return ParseRelationAlias(std::move(nested));
    }
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto subquery, ParseQuery());
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    ARROW_ASSIGN_OR_RAISE(subquery, ParseTableSample(std::move(subquery)));
    return ParseRelationAlias(std::move(subquery));
  }
  if (tokens_.MatchKeyword("VALUES")) return ParseInlineTable();
  if (tokens_.PeekKeyword("LATERAL") && !tokens_.PeekKeyword("VIEW", 1)) {
    tokens_.Advance();  // FROM LATERAL (...): nothing before it to read
    return ParseLateralRelation();
  }
  ARROW_ASSIGN_OR_RAISE(auto identifier, expressions_.ParseIdentifierClause());
  if (identifier && tokens_.PeekSymbol("(")) {  // IDENTIFIER('range')(3)
    if (identifier->size() > 1) return UnsupportedSql("qualified table-valued function names");
    return ParseTableValuedFunction(identifier->back());
  }
  if (!identifier && tokens_.Peek().IsIdentifier() && tokens_.PeekSymbol("(", 1)) {
    return ParseTableValuedFunction(tokens_.Advance().value);
  }
  auto table = std::make_shared<plan::NamedTablePlan>();
  if (identifier) {
    table->name_parts = std::move(*identifier);
  } else {
    ARROW_ASSIGN_OR_RAISE(table->name_parts, expressions_.ParseMultipartIdentifier());
  }
  PlanPtr relation = table;
  if (table->name_parts.size() == 1) {
    if (PlanPtr cte = FindCte(table->name_parts[0])) {
      auto aliased = std::make_shared<plan::SubqueryAliasPlan>();
      aliased->alias = table->name_parts[0];
      aliased->children = {cte};
      relation = aliased;
    }
  }
  ARROW_ASSIGN_OR_RAISE(relation, ParseTableSample(std::move(relation)));
  return ParseRelationAlias(std::move(relation));
}

// TABLESAMPLE (x PERCENT | n ROWS | BUCKET x OUT OF y) [REPEATABLE (seed)]:
// Spark's Bernoulli sample of the fraction (BUCKET x OUT OF y: x / y), or the
// first n rows.
Result<PlanPtr> QueryParser::ParseTableSample(PlanPtr relation) {
  if (!tokens_.PeekClauseKeyword("TABLESAMPLE")) return relation;
  tokens_.Advance();
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  auto sample = Over<plan::SamplePlan>(relation);
  PlanPtr result = sample;
  if (tokens_.MatchKeyword("BUCKET")) {
    ARROW_ASSIGN_OR_RAISE(auto numerator, expressions_.ParseExpression());
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("OUT"));
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("OF"));
    ARROW_ASSIGN_OR_RAISE(auto denominator, expressions_.ParseExpression());
    if (tokens_.PeekKeyword("ON")) return UnsupportedSql("TABLESAMPLE (BUCKET x OUT OF y ON ...)");
    auto x = IntegralLiteral(numerator), y = IntegralLiteral(denominator);
    if (!x || !y) return UnsupportedSql("TABLESAMPLE (BUCKET ...) with an expression other than an integer literal");
    if (*x > *y) {
      return ParseError("_LEGACY_ERROR_TEMP_0064",
                        {{"msg", "Sampling fraction (" + functions::FormatJavaDouble(static_cast<double>(*x) / *y) +
                                     ") must be on interval [0, 1]"}});
    }
    // Spark samples the fraction x / y (no hashing into buckets).
    sample->upper = static_cast<double>(*x) / *y;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto amount, expressions_.ParseExpression());
    if (tokens_.MatchKeyword("ROWS")) {
      auto rows = IntegralLiteral(amount);
      if (!rows) return UnsupportedSql("TABLESAMPLE (n ROWS) with an expression other than an integer literal");
      auto limit = Over<plan::LimitPlan>(relation);
      limit->limit = *rows;
      result = limit;
    } else if (tokens_.MatchKeyword("PERCENT")) {
      auto percent = NumberLiteral(amount);
      if (!percent) return UnsupportedSql("TABLESAMPLE (x PERCENT) with an expression other than a number");
      const double fraction = *percent / 100.0;
      if (fraction < 0 || fraction > 1) {
        return ParseError("_LEGACY_ERROR_TEMP_0064",
                          {{"msg", "Sampling fraction (" + functions::FormatJavaDouble(fraction) + ") must be on interval [0, 1]"}});
      }
      sample->upper = fraction;
    } else {
      return UnsupportedSql("TABLESAMPLE by byte length");
    }
  }
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  if (tokens_.MatchKeyword("REPEATABLE")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    ARROW_ASSIGN_OR_RAISE(auto seed, expressions_.ParseExpression());
    auto value = IntegralLiteral(seed);
    if (!value) return UnsupportedSql("REPEATABLE with an expression other than an integer literal");
    sample->seed = *value;
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  } else {
    // Spark draws a seed per query when none is given.
    sample->seed = static_cast<int64_t>(std::random_device{}() % 1000);
  }
  return result;
}

Result<PlanPtr> QueryParser::ParseTableValuedFunction(const std::string& name) {
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  std::vector<ExprPtr> args;
  if (!tokens_.PeekSymbol(")")) {
    ARROW_ASSIGN_OR_RAISE(args, expressions_.ParseExpressionList());
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  std::string lower = ToLowerAscii(name);
  if (functions::FindGenerator(lower)) {
    // explode(...), inline(...), stack(...) as a table: the generator over one
    // row (arguments may read a LATERAL join's left columns).
    auto project = plan::MakeUnary<plan::ProjectPlan>(OneRowRelation());
    project->expressions = {std::make_shared<plan::FunctionExpr>(name, std::move(args))};
    return ParseRelationAlias(std::move(project));
  }
  if (lower == "sql_keywords") {
    ARROW_ASSIGN_OR_RAISE(auto keywords, SqlKeywordsTable(args.size()));
    return ParseRelationAlias(std::move(keywords));
  }
  if (lower != "range") {
    for (std::string_view known : kTableValuedFunctions) {
      if (lower == known) return UnsupportedSql("table-valued function " + lower + "()");
    }
    return AnalysisError("UNRESOLVABLE_TABLE_VALUED_FUNCTION", {{"name", QuoteIdentifier(name)}});
  }
  ARROW_ASSIGN_OR_RAISE(auto range, ParseRange(args));
  return ParseRelationAlias(std::move(range));
}

// range(end), range(start, end), range(start, end, step), range(start, end, step, numPartitions).
Result<PlanPtr> QueryParser::ParseRange(const std::vector<ExprPtr>& args) {
  if (args.empty() || args.size() > 4) {
    return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                         {{"functionName", "`range`"}, {"expectedNum", "[1, 2, 3, 4]"},
                          {"actualNum", std::to_string(args.size())}, {"docroot", "https://spark.apache.org/docs/latest"}});
  }
  std::vector<int64_t> values;
  for (const auto& arg : args) {
    std::optional<int64_t> value = IntegralLiteral(arg);
    if (!value) return UnsupportedSql("range() with arguments other than integer literals");
    values.push_back(*value);
  }
  auto range = std::make_shared<plan::RangePlan>();
  if (values.size() == 1) {
    range->end = values[0];
  } else {
    range->start = values[0];
    range->end = values[1];
  }
  if (values.size() >= 3) range->step = values[2];
  if (values.size() == 4) range->num_partitions = static_cast<int32_t>(values[3]);
  return range;
}

// VALUES row, row ... [[AS] alias [(c1, c2)]]; a row is (e1, e2) or a single e.
Result<PlanPtr> QueryParser::ParseInlineTable() {
  std::vector<std::vector<ExprPtr>> rows;
  do {
    if (tokens_.MatchSymbol("(")) {
      ARROW_ASSIGN_OR_RAISE(auto row, expressions_.ParseExpressionList());
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      rows.push_back(std::move(row));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto value, expressions_.ParseExpression());
      rows.push_back({std::move(value)});
    }
  } while (tokens_.MatchSymbol(","));
  ARROW_ASSIGN_OR_RAISE(auto alias, ParseOptionalAlias());
  std::vector<std::string> column_names;
  if (alias && tokens_.PeekSymbol("(")) {
    ARROW_ASSIGN_OR_RAISE(column_names, expressions_.ParseIdentifierList());
  }
  ARROW_ASSIGN_OR_RAISE(auto table, BuildInlineTable(rows, column_names));
  if (!alias) return table;
  auto aliased = Over<plan::SubqueryAliasPlan>(std::move(table));
  aliased->alias = std::move(*alias);
  return aliased;
}

// [AS] alias [(c1, c2, ...)]: column names rename the relation's columns.
Result<PlanPtr> QueryParser::ParseRelationAlias(PlanPtr relation) {
  ARROW_ASSIGN_OR_RAISE(auto alias, ParseOptionalAlias());
  if (!alias) return relation;
  if (tokens_.PeekSymbol("(")) {
    auto renamed = Over<plan::ToDFPlan>(std::move(relation));
    ARROW_ASSIGN_OR_RAISE(renamed->column_names, expressions_.ParseIdentifierList());
    relation = renamed;
  }
  auto aliased = Over<plan::SubqueryAliasPlan>(std::move(relation));
  aliased->alias = std::move(*alias);
  return aliased;
}

Result<std::optional<std::string>> QueryParser::ParseOptionalAlias() {
  if (tokens_.PeekKeyword("AS") && tokens_.Peek(1).IsIdentifier()) tokens_.Advance();
  else if (!expressions_.AtImplicitAlias()) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseIdentifier());
  return name;
}

}  // namespace sk8::sql
