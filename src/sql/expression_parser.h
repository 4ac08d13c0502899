#pragma once

#include <functional>
#include <optional>

#include <string>
#include <vector>

#include "plan/expression.h"
#include "sql/parameters.h"
#include "sql/token_stream.h"

namespace sk8::sql {

/// Recursive descent over Spark's expression grammar, lowest precedence first:
///   OR < AND < NOT < predicates (BETWEEN, IN, LIKE, IS) < comparisons
///   < | < ^ < & < shifts < + - || < * / % DIV < unary - + ~ < postfix (. [] ::)
/// Operators become FunctionExprs named as the Spark Connect client names them
/// ("+", "==", "and", "in", ...), so SQL and DataFrames share one registry.
class ExpressionParser {
 public:
  explicit ExpressionParser(TokenStream& tokens) : tokens_(tokens) {}

  /// Parses a query at the current token (set by the query parser, which owns
  /// queries); without it, subqueries in expressions are unsupported.
  using SubqueryParser = std::function<Result<std::shared_ptr<const plan::LogicalPlan>>()>;
  void set_subquery_parser(SubqueryParser parser) { parse_subquery_ = std::move(parser); }
  /// The values of the statement's parameter markers (`:name`, `?`).
  void set_parameters(const SqlParameters* parameters) { parameters_ = parameters; }
  /// After a statement: Spark's error for both kinds of markers in one
  /// statement, or for a marker without a value (UNBOUND_SQL_PARAMETER).
  Status CheckParameters() const;

  /// expression [[AS] alias | AS (a, b)]: a select-list item.
  Result<plan::ExprPtr> ParseNamedExpression();
  Result<plan::ExprPtr> ParseExpression();
  /// A comma-separated list of at least one expression.
  Result<std::vector<plan::ExprPtr>> ParseExpressionList();

  /// An identifier: a word (keywords included) or a `quoted` name.
  Result<std::string> ParseIdentifier();
  /// a.b.c
  Result<std::vector<std::string>> ParseMultipartIdentifier();
  /// (a, b, c)
  Result<std::vector<std::string>> ParseIdentifierList();
  /// True when the current token can be an alias without AS (`SELECT a b`).
  bool AtImplicitAlias() const;
  /// IDENTIFIER('a.b') or IDENTIFIER(:param): the name it holds; nullopt (and
  /// nothing consumed) when the tokens are not an IDENTIFIER clause.
  Result<std::optional<std::vector<std::string>>> ParseIdentifierClause();

 private:
  Result<plan::ExprPtr> ParseOr();
  Result<plan::ExprPtr> ParseAnd();
  Result<plan::ExprPtr> ParseNot();
  Result<plan::ExprPtr> ParsePredicated();
  Result<plan::ExprPtr> ParsePredicate(plan::ExprPtr value);
  Result<plan::ExprPtr> ParseIsPredicate(plan::ExprPtr value);
  Result<plan::ExprPtr> ParseInList(plan::ExprPtr value);
  Result<plan::ExprPtr> ParseQuantifiedLike(const std::string& keyword, bool negated, plan::ExprPtr value);
  Result<plan::ExprPtr> ParseParameterMarker();
  Result<plan::ExprPtr> ParseStarExcept(std::vector<std::string> target);
  Result<plan::ExprPtr> ParseBinary(size_t level);
  Result<plan::ExprPtr> ParseUnary();
  Result<plan::ExprPtr> ParsePostfix(plan::ExprPtr base);
  Result<plan::ExprPtr> ParsePrimary();
  Result<plan::ExprPtr> ParseWordPrimary();
  Result<plan::ExprPtr> ParseParenthesized();
  Result<plan::ExprPtr> ParseStringLiteral();
  Result<plan::ExprPtr> ParseTypedLiteral();
  Result<plan::ExprPtr> ParseIntervalLiteral();
  Result<plan::ExprPtr> ParseCase();
  Result<plan::ExprPtr> ParseCast(plan::CastMode mode);
  Result<std::shared_ptr<arrow::DataType>> ParseDataType();
  Result<plan::ExprPtr> ParseFunctionCall(std::string name);
  Result<plan::ExprPtr> ParseSpecialFormCall(const std::string& name);
  /// One argument; `name => value` sets *name.
  Result<plan::ExprPtr> ParseFunctionArgument(std::string* name);
  Status RejectCallSuffixes();
  /// `item [ASC | DESC] [NULLS FIRST | LAST], ...` of ORDER BY in a window or WITHIN GROUP.
  Result<std::vector<plan::ExprPtr>> ParseSortItems();
  Result<plan::ExprPtr> ParseWindowSpec(plan::ExprPtr function);
  Result<plan::WindowFrameBoundary> ParseFrameBoundary();

 public:
  /// The inside of a window specification's parentheses (also the WINDOW
  /// clause's `w AS (...)`).
  Status ParseWindowSpecBody(plan::WindowExpr* window);

 private:

  SubqueryParser parse_subquery_;
  TokenStream& tokens_;
  const SqlParameters* parameters_ = nullptr;
  bool named_markers_ = false;
  size_t positional_markers_ = 0;
  std::string unbound_parameter_;  // the first marker without a value
};

/// True for a token that starts a query (SELECT, WITH, VALUES, TABLE, FROM).
bool StartsQuery(const Token& token);

}  // namespace sk8::sql
