#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/command.h"
#include "sql/expression_parser.h"
#include "sql/token_stream.h"

namespace sk8::sql {

/// Statements other than queries: the catalog's DDL (CREATE / DROP / ALTER
/// DATABASE, TABLE, VIEW), INSERT, TRUNCATE, SHOW, DESCRIBE, USE, SET / RESET,
/// CACHE / UNCACHE / REFRESH. Each becomes a plan::CommandPlan. Queries inside
/// them (AS SELECT, INSERT's rows) are read by the query parser.
/// The first keyword of a statement other than a query (CREATE, SHOW, ...)
/// when the next token is one; nullopt otherwise.
std::optional<std::string_view> PeekStatementKeyword(const TokenStream& tokens);

class StatementParser {
 public:
  using QueryParserFn = std::function<Result<plan::PlanPtr>()>;
  StatementParser(TokenStream& tokens, ExpressionParser& expressions, QueryParserFn parse_query)
      : tokens_(tokens), expressions_(expressions), parse_query_(std::move(parse_query)) {}

  /// The command at the current token, or null (nothing consumed) when the
  /// statement is no command read here.
  Result<plan::PlanPtr> Parse();

 private:
  using Command = std::shared_ptr<plan::CommandPlan>;
  Result<plan::PlanPtr> ParseCreate();
  Result<plan::PlanPtr> ParseCreateView(bool replace, bool global, bool temporary);
  Result<plan::PlanPtr> ParseCreateTable(bool replace);
  Result<plan::PlanPtr> ParseCreateFunction(bool replace, bool temporary);
  Result<plan::PlanPtr> ParseDrop();
  Result<plan::PlanPtr> ParseInsert();
  Result<plan::PlanPtr> ParseAlter();
  Result<plan::PlanPtr> ParseShow();
  Result<plan::PlanPtr> ParseDescribe();
  Result<plan::PlanPtr> ParseSet();
  Result<plan::PlanPtr> ParseCacheStatements();

  /// DATABASE | SCHEMA | NAMESPACE.
  bool MatchNamespaceKeyword();
  /// The text between a '(' (current token) and its ')', both consumed.
  Result<std::string> ParseParenthesizedText();
  /// Column definitions "(a INT NOT NULL COMMENT 'x', ...)" as a schema.
  Result<std::shared_ptr<arrow::Schema>> ParseColumnDefinitions();
  /// (key [=] value, ...) of OPTIONS, TBLPROPERTIES, DBPROPERTIES.
  Result<std::vector<std::pair<std::string, std::string>>> ParsePropertyList();
  Result<std::string> ParsePropertyKey();
  Result<std::string> ParseStringLiteral();
  /// [LIKE] 'pattern' at the end of SHOW.
  Status ParseOptionalPattern(plan::CommandPlan* command);
  /// The rest of the statement's text (SET's key and value).
  std::string RestOfStatement();
  bool AtQueryStart(size_t ahead = 0) const;

  TokenStream& tokens_;
  ExpressionParser& expressions_;
  QueryParserFn parse_query_;
};

}  // namespace sk8::sql
