#include "sql/statement_parser.h"

#include <array>
#include <cstdlib>

#include "types/spark_types.h"

namespace sk8::sql {

using plan::CommandKind;
using plan::CommandPlan;
using plan::PlanPtr;

namespace {

std::shared_ptr<CommandPlan> NewCommand(CommandKind kind) { return std::make_shared<CommandPlan>(kind); }

std::string Trim(std::string text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// Statements other than queries, by their first keyword.
constexpr std::array<std::string_view, 36> kStatementKeywords = {
    "ADD", "ALTER", "ANALYZE", "BEGIN", "CACHE", "CALL", "CLEAR", "COMMENT", "COMMIT", "CREATE", "DECLARE", "DELETE",
    "DESC", "DESCRIBE", "DROP", "EXECUTE", "EXPLAIN", "GRANT", "INSERT", "LIST", "LOAD", "MERGE", "MSCK", "REFRESH",
    "REPAIR", "REPLACE", "RESET", "REVOKE", "ROLLBACK", "SET", "SHOW", "START", "TRUNCATE", "UNCACHE", "UPDATE", "USE"};

}  // namespace

std::optional<std::string_view> PeekStatementKeyword(const TokenStream& tokens) {
  for (std::string_view keyword : kStatementKeywords) {
    if (tokens.PeekKeyword(keyword)) return keyword;
  }
  return std::nullopt;
}

Result<PlanPtr> StatementParser::Parse() {
  if (tokens_.PeekKeyword("CREATE")) return ParseCreate();
  if (tokens_.PeekKeyword("REPLACE") && tokens_.PeekKeyword("TABLE", 1)) {
    tokens_.Advance();
    tokens_.Advance();
    return ParseCreateTable(/*replace=*/true);
  }
  if (tokens_.PeekKeyword("DROP")) return ParseDrop();
  if (tokens_.PeekKeyword("INSERT")) return ParseInsert();
  if (tokens_.PeekKeyword("ALTER")) return ParseAlter();
  if (tokens_.PeekKeyword("SHOW")) return ParseShow();
  if (tokens_.PeekKeyword("DESC") || tokens_.PeekKeyword("DESCRIBE")) return ParseDescribe();
  if (tokens_.PeekKeyword("SET") || tokens_.PeekKeyword("RESET")) return ParseSet();
  if (tokens_.MatchKeyword("EXPLAIN")) {
    // EXPLAIN [LOGICAL | EXTENDED | FORMATTED | COST | CODEGEN] query
    auto command = NewCommand(CommandKind::kExplain);
    for (const char* mode : {"EXTENDED", "FORMATTED", "COST", "CODEGEN", "LOGICAL"}) {
      if (tokens_.MatchKeyword(mode)) {
        command->explain_mode = mode;
        break;
      }
    }
    if (command->explain_mode == "LOGICAL") return UnsupportedSql("EXPLAIN LOGICAL");
    // Another statement (EXPLAIN CREATE TABLE ...) is not explained; anything
    // else parses as a query, so that a typo gets the parser's syntax error.
    if (auto keyword = PeekStatementKeyword(tokens_)) {
      return UnsupportedSql("EXPLAIN of a " + std::string(*keyword) + " statement");
    }
    ARROW_ASSIGN_OR_RAISE(command->query, parse_query_());
    return PlanPtr(command);
  }
  if (tokens_.MatchKeyword("USE")) {
    MatchNamespaceKeyword();
    auto command = NewCommand(CommandKind::kUse);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    return PlanPtr(command);
  }
  if (tokens_.MatchKeyword("TRUNCATE")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("TABLE"));
    auto command = NewCommand(CommandKind::kTruncateTable);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.PeekKeyword("PARTITION")) return UnsupportedSql("TRUNCATE TABLE ... PARTITION");
    return PlanPtr(command);
  }
  return ParseCacheStatements();
}

bool StatementParser::MatchNamespaceKeyword() {
  return tokens_.MatchKeyword("DATABASE") || tokens_.MatchKeyword("SCHEMA") || tokens_.MatchKeyword("NAMESPACE");
}

bool StatementParser::AtQueryStart(size_t ahead) const {
  return tokens_.PeekKeyword("SELECT", ahead) || tokens_.PeekKeyword("WITH", ahead) ||
         tokens_.PeekKeyword("VALUES", ahead) || tokens_.PeekKeyword("FROM", ahead) ||
         tokens_.PeekKeyword("TABLE", ahead) || tokens_.PeekSymbol("(", ahead);
}

Result<std::string> StatementParser::ParseStringLiteral() {
  if (tokens_.Peek().kind != TokenKind::kString) return tokens_.SyntaxError();
  return tokens_.Advance().value;
}

Result<std::string> StatementParser::ParseParenthesizedText() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  const size_t first = tokens_.position();
  int depth = 1;
  while (true) {
    const Token& token = tokens_.Peek();
    if (token.kind == TokenKind::kEnd) return tokens_.MissingClosing(")");
    if (token.IsSymbol("(")) ++depth;
    if (token.IsSymbol(")") && --depth == 0) break;
    tokens_.Advance();
  }
  std::string text = tokens_.SourceSince(first);
  tokens_.Advance();  // ')'
  return text;
}

Result<std::shared_ptr<arrow::Schema>> StatementParser::ParseColumnDefinitions() {
  ARROW_ASSIGN_OR_RAISE(auto text, ParseParenthesizedText());
  ARROW_ASSIGN_OR_RAISE(auto type, types::ParseDdlSchema(text));
  return arrow::schema(type->fields());
}

Result<std::string> StatementParser::ParsePropertyKey() {
  if (tokens_.Peek().kind == TokenKind::kString) return tokens_.Advance().value;
  ARROW_ASSIGN_OR_RAISE(auto parts, expressions_.ParseMultipartIdentifier());
  std::string key;
  for (const auto& part : parts) key += (key.empty() ? "" : ".") + part;
  return key;
}

Result<std::vector<std::pair<std::string, std::string>>> StatementParser::ParsePropertyList() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  std::vector<std::pair<std::string, std::string>> properties;
  do {
    ARROW_ASSIGN_OR_RAISE(auto key, ParsePropertyKey());
    tokens_.MatchSymbol("=");
    const Token& value = tokens_.Peek();
    if (value.kind == TokenKind::kString || value.kind == TokenKind::kNumber || value.kind == TokenKind::kWord) {
      properties.emplace_back(key, value.kind == TokenKind::kString ? value.value : value.text);
      tokens_.Advance();
    } else {
      return tokens_.SyntaxError();
    }
  } while (tokens_.MatchSymbol(","));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  return properties;
}

Status StatementParser::ParseOptionalPattern(CommandPlan* command) {
  bool like = tokens_.MatchKeyword("LIKE");
  if (tokens_.Peek().kind == TokenKind::kString) {
    command->pattern = tokens_.Advance().value;
  } else if (like) {
    return tokens_.SyntaxError();
  }
  return Status::OK();
}

std::string StatementParser::RestOfStatement() {
  const size_t first = tokens_.position();
  while (!tokens_.IsStatementEnd(0)) tokens_.Advance();
  return tokens_.position() == first ? std::string() : Trim(tokens_.SourceSince(first));
}

// CREATE [OR REPLACE] [GLOBAL] [TEMPORARY] VIEW ... | CREATE DATABASE ... | CREATE TABLE ...
Result<PlanPtr> StatementParser::ParseCreate() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("CREATE"));
  bool replace = tokens_.MatchKeywords({"OR", "REPLACE"});
  bool global = tokens_.MatchKeyword("GLOBAL");
  bool temporary = tokens_.MatchKeyword("TEMPORARY") || tokens_.MatchKeyword("TEMP");
  if (tokens_.MatchKeyword("VIEW")) return ParseCreateView(replace, global, temporary);
  if (global || temporary) {
    if (tokens_.PeekKeyword("TABLE")) return UnsupportedSql("CREATE TEMPORARY TABLE");
    if (!global && tokens_.MatchKeyword("FUNCTION")) return ParseCreateFunction(replace, temporary);
    return tokens_.SyntaxError();
  }
  if (!replace && MatchNamespaceKeyword()) {
    auto command = NewCommand(CommandKind::kCreateDatabase);
    command->if_not_exists = tokens_.MatchKeywords({"IF", "NOT", "EXISTS"});
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    while (!tokens_.IsStatementEnd(0)) {
      if (tokens_.MatchKeyword("COMMENT")) {
        ARROW_ASSIGN_OR_RAISE(command->comment, ParseStringLiteral());
      } else if (tokens_.MatchKeyword("LOCATION")) {
        ARROW_ASSIGN_OR_RAISE(command->location, ParseStringLiteral());
      } else if (tokens_.MatchKeywords({"WITH", "DBPROPERTIES"}) || tokens_.MatchKeywords({"WITH", "PROPERTIES"})) {
        ARROW_ASSIGN_OR_RAISE(command->properties, ParsePropertyList());
      } else {
        return tokens_.SyntaxError();
      }
    }
    return PlanPtr(command);
  }
  if (tokens_.MatchKeyword("TABLE")) return ParseCreateTable(replace);
  if (tokens_.PeekKeyword("EXTERNAL")) return UnsupportedSql("CREATE EXTERNAL TABLE (Hive tables)");
  if (tokens_.MatchKeyword("FUNCTION")) return ParseCreateFunction(replace, /*temporary=*/false);
  return tokens_.SyntaxError();
}

// CREATE [OR REPLACE] [TEMPORARY] FUNCTION [IF NOT EXISTS] name AS 'class'
//   [USING (JAR | FILE | ARCHIVE) 'uri', ...]: a function registered by class name.
Result<PlanPtr> StatementParser::ParseCreateFunction(bool replace, bool temporary) {
  auto command = NewCommand(CommandKind::kCreateFunction);
  command->replace = replace;
  command->temporary = temporary;
  command->if_not_exists = tokens_.MatchKeywords({"IF", "NOT", "EXISTS"});
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  if (!tokens_.MatchKeyword("AS")) {
    if (tokens_.PeekSymbol("(") || tokens_.PeekKeyword("RETURNS")) {
      return UnsupportedSql("SQL functions (CREATE FUNCTION ... RETURN)");
    }
    return tokens_.SyntaxError();
  }
  ARROW_ASSIGN_OR_RAISE(command->class_name, ParseStringLiteral());
  if (tokens_.MatchKeyword("USING")) {
    do {
      if (tokens_.Peek().kind != TokenKind::kWord) return tokens_.SyntaxError();
      std::string type = ToLowerAscii(tokens_.Advance().value);
      ARROW_ASSIGN_OR_RAISE(auto uri, ParseStringLiteral());
      if (type != "jar" && type != "file" && type != "archive") {
        return ParseError("_LEGACY_ERROR_TEMP_0035",
                          {{"message", "CREATE FUNCTION with resource type '" + type + "'"}});
      }
      command->resources.emplace_back(std::move(type), std::move(uri));
    } while (tokens_.MatchSymbol(","));
  }
  if (!tokens_.IsStatementEnd(0)) return tokens_.SyntaxError();
  // Spark's parser checks these, in this order.
  if (replace && command->if_not_exists) {
    return ParseError("INVALID_SQL_SYNTAX.CREATE_ROUTINE_WITH_IF_NOT_EXISTS_AND_REPLACE");
  }
  if (temporary && command->name.size() > 1) {
    std::vector<std::string> database(command->name.begin(), command->name.end() - 1);
    return ParseError("INVALID_SQL_SYNTAX.CREATE_TEMP_FUNC_WITH_DATABASE", {{"database", QuoteNameParts(database)}});
  }
  if (temporary && command->if_not_exists) return ParseError("INVALID_SQL_SYNTAX.CREATE_TEMP_FUNC_WITH_IF_NOT_EXISTS");
  return PlanPtr(command);
}

Result<PlanPtr> StatementParser::ParseCreateView(bool replace, bool global, bool temporary) {
  if (global && !temporary) return tokens_.SyntaxError();
  auto command = NewCommand(CommandKind::kCreateView);
  command->replace = replace;
  command->global = global;
  command->temporary = temporary;
  command->if_not_exists = tokens_.MatchKeywords({"IF", "NOT", "EXISTS"});
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  std::vector<std::string> columns;
  if (tokens_.MatchSymbol("(")) {
    do {
      ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseIdentifier());
      columns.push_back(std::move(column));
      if (tokens_.MatchKeyword("COMMENT")) ARROW_RETURN_NOT_OK(ParseStringLiteral().status());
    } while (tokens_.MatchSymbol(","));
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  }
  while (!tokens_.PeekKeyword("AS")) {
    if (tokens_.MatchKeyword("COMMENT")) {
      ARROW_ASSIGN_OR_RAISE(command->comment, ParseStringLiteral());
    } else if (tokens_.MatchKeyword("TBLPROPERTIES")) {
      ARROW_ASSIGN_OR_RAISE(command->properties, ParsePropertyList());
    } else {
      return tokens_.SyntaxError();
    }
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("AS"));
  const size_t first = tokens_.position();
  ARROW_ASSIGN_OR_RAISE(auto query, parse_query_());
  command->query_text = tokens_.SourceSince(first);
  if (!columns.empty()) {
    auto renamed = plan::MakeUnary<plan::ToDFPlan>(query);
    renamed->column_names = columns;
    query = renamed;
  }
  command->query = std::move(query);
  return PlanPtr(command);
}

// CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name [(columns)] [USING format]
// [OPTIONS (...)] [PARTITIONED BY (...)] [CLUSTERED BY (...) [SORTED BY (...)]
// INTO n BUCKETS] [LOCATION '...'] [COMMENT '...'] [TBLPROPERTIES (...)] [[AS] query]
Result<PlanPtr> StatementParser::ParseCreateTable(bool replace) {
  auto command = NewCommand(CommandKind::kCreateTable);
  command->replace = replace;
  command->if_not_exists = tokens_.MatchKeywords({"IF", "NOT", "EXISTS"});
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  auto& spec = command->table;
  if (tokens_.PeekSymbol("(") && !AtQueryStart(1)) {
    ARROW_ASSIGN_OR_RAISE(spec.schema, ParseColumnDefinitions());
  }
  while (!tokens_.IsStatementEnd(0) && !AtQueryStart() && !tokens_.PeekKeyword("AS")) {
    if (tokens_.MatchKeyword("USING")) {
      ARROW_ASSIGN_OR_RAISE(auto parts, expressions_.ParseMultipartIdentifier());
      for (const auto& part : parts) spec.provider += (spec.provider.empty() ? "" : ".") + part;
    } else if (tokens_.MatchKeyword("OPTIONS")) {
      ARROW_ASSIGN_OR_RAISE(spec.options, ParsePropertyList());
    } else if (tokens_.MatchKeywords({"PARTITIONED", "BY"})) {
      ARROW_ASSIGN_OR_RAISE(spec.partition_by, expressions_.ParseIdentifierList());
    } else if (tokens_.MatchKeyword("LOCATION")) {
      ARROW_ASSIGN_OR_RAISE(spec.location, ParseStringLiteral());
    } else if (tokens_.MatchKeyword("COMMENT")) {
      ARROW_ASSIGN_OR_RAISE(spec.comment, ParseStringLiteral());
    } else if (tokens_.MatchKeyword("TBLPROPERTIES")) {
      ARROW_ASSIGN_OR_RAISE(spec.properties, ParsePropertyList());
    } else if (tokens_.MatchKeywords({"CLUSTERED", "BY"})) {
      // CLUSTERED BY (a, ...) [SORTED BY (b [ASC], ...)] INTO n BUCKETS
      ARROW_ASSIGN_OR_RAISE(spec.bucket_by, expressions_.ParseIdentifierList());
      if (tokens_.MatchKeywords({"SORTED", "BY"})) {
        ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
        do {
          ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseIdentifier());
          if (tokens_.PeekKeyword("DESC")) return UnsupportedSql("SORTED BY ... DESC (Spark sorts buckets ascending)");
          tokens_.MatchKeyword("ASC");
          spec.sort_by.push_back(std::move(column));
        } while (tokens_.MatchSymbol(","));
        ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      }
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("INTO"));
      if (tokens_.Peek().kind != TokenKind::kNumber) return tokens_.SyntaxError();
      spec.num_buckets = std::atoi(tokens_.Advance().value.c_str());
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("BUCKETS"));
    } else if (tokens_.PeekKeyword("CLUSTER")) {
      return UnsupportedSql("CREATE TABLE with CLUSTER BY (clustering)");
    } else if (tokens_.PeekKeyword("STORED") || tokens_.PeekKeyword("ROW")) {
      return UnsupportedSql("CREATE TABLE of a Hive format (STORED AS / ROW FORMAT)");
    } else {
      return tokens_.SyntaxError();
    }
  }
  if (tokens_.MatchKeyword("AS") || AtQueryStart()) {
    ARROW_ASSIGN_OR_RAISE(command->query, parse_query_());
  }
  return PlanPtr(command);
}

Result<PlanPtr> StatementParser::ParseDrop() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("DROP"));
  std::shared_ptr<CommandPlan> command;
  if (MatchNamespaceKeyword()) {
    command = NewCommand(CommandKind::kDropDatabase);
  } else if (tokens_.MatchKeyword("TABLE")) {
    command = NewCommand(CommandKind::kDropTable);
  } else if (tokens_.MatchKeyword("VIEW")) {
    command = NewCommand(CommandKind::kDropView);
  } else if (tokens_.PeekKeyword("FUNCTION") ||
             (tokens_.PeekKeyword("TEMPORARY") && tokens_.PeekKeyword("FUNCTION", 1))) {
    command = NewCommand(CommandKind::kDropFunction);
    command->temporary = tokens_.MatchKeyword("TEMPORARY");
    tokens_.Advance();  // FUNCTION
  } else {
    return tokens_.SyntaxError();
  }
  command->if_exists = tokens_.MatchKeywords({"IF", "EXISTS"});
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  if (command->command == CommandKind::kDropDatabase) {
    command->cascade = tokens_.MatchKeyword("CASCADE");
    if (!command->cascade) tokens_.MatchKeyword("RESTRICT");
  } else if (command->command == CommandKind::kDropTable) {
    tokens_.MatchKeyword("PURGE");
  } else if (command->command == CommandKind::kDropFunction && command->temporary && command->name.size() > 1) {
    return ParseError("INVALID_SQL_SYNTAX.MULTI_PART_NAME",
                      {{"statement", "DROP TEMPORARY FUNCTION"}, {"name", QuoteNameParts(command->name)}});
  }
  return PlanPtr(command);
}

// INSERT (INTO | OVERWRITE) [TABLE] name [PARTITION (k [= v], ...)] [(columns)] query
Result<PlanPtr> StatementParser::ParseInsert() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("INSERT"));
  auto command = NewCommand(CommandKind::kInsert);
  command->overwrite = tokens_.MatchKeyword("OVERWRITE");
  if (!command->overwrite) ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("INTO"));
  if (tokens_.PeekKeyword("DIRECTORY") || tokens_.PeekKeyword("LOCAL")) return UnsupportedSql("INSERT OVERWRITE DIRECTORY");
  tokens_.MatchKeyword("TABLE");
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  if (tokens_.MatchKeyword("PARTITION")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    do {
      ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseIdentifier());
      plan::ExprPtr value;
      if (tokens_.MatchSymbol("=")) {
        ARROW_ASSIGN_OR_RAISE(value, expressions_.ParseExpression());
      }
      command->partition.emplace_back(std::move(column), std::move(value));
    } while (tokens_.MatchSymbol(","));
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  }
  if (tokens_.MatchKeywords({"IF", "NOT", "EXISTS"})) return UnsupportedSql("INSERT OVERWRITE ... IF NOT EXISTS");
  if (tokens_.PeekKeyword("BY") && tokens_.PeekKeyword("NAME", 1)) return UnsupportedSql("INSERT ... BY NAME");
  if (tokens_.PeekSymbol("(") && !AtQueryStart(1)) {
    ARROW_ASSIGN_OR_RAISE(command->insert_columns, expressions_.ParseIdentifierList());
  }
  ARROW_ASSIGN_OR_RAISE(command->query, parse_query_());
  return PlanPtr(command);
}

Result<PlanPtr> StatementParser::ParseAlter() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("ALTER"));
  bool view = tokens_.MatchKeyword("VIEW");
  if (!view) ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("TABLE"));
  ARROW_ASSIGN_OR_RAISE(auto name, expressions_.ParseMultipartIdentifier());
  std::shared_ptr<CommandPlan> command;
  if (tokens_.MatchKeywords({"RENAME", "TO"})) {
    command = NewCommand(CommandKind::kAlterTableRename);
    ARROW_ASSIGN_OR_RAISE(command->new_name, expressions_.ParseMultipartIdentifier());
  } else if (!view && (tokens_.MatchKeywords({"ADD", "COLUMNS"}) || tokens_.MatchKeywords({"ADD", "COLUMN"}))) {
    command = NewCommand(CommandKind::kAlterTableAddColumns);
    if (tokens_.PeekSymbol("(")) {
      ARROW_ASSIGN_OR_RAISE(command->columns, ParseColumnDefinitions());
    } else {
      ARROW_ASSIGN_OR_RAISE(auto type, types::ParseDdlSchema(RestOfStatement()));
      command->columns = arrow::schema(type->fields());
    }
  } else if (tokens_.MatchKeywords({"SET", "TBLPROPERTIES"})) {
    command = NewCommand(CommandKind::kAlterTableSetProperties);
    ARROW_ASSIGN_OR_RAISE(command->properties, ParsePropertyList());
  } else if (!view && tokens_.MatchKeywords({"RECOVER", "PARTITIONS"})) {
    command = NewCommand(CommandKind::kRecoverPartitions);
  } else {
    return UnsupportedSql(std::string(view ? "ALTER VIEW" : "ALTER TABLE") + " ... " + tokens_.Peek().text);
  }
  command->name = std::move(name);
  return PlanPtr(command);
}

Result<PlanPtr> StatementParser::ParseShow() {
  const size_t start = tokens_.position();
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("SHOW"));
  if (tokens_.IsStatementEnd(0)) return tokens_.SyntaxError();  // SHOW of nothing
  std::shared_ptr<CommandPlan> command;
  if (tokens_.MatchKeyword("DATABASES") || tokens_.MatchKeyword("SCHEMAS") || tokens_.MatchKeyword("NAMESPACES")) {
    command = NewCommand(CommandKind::kShowDatabases);
    if (tokens_.MatchKeyword("FROM") || tokens_.MatchKeyword("IN")) {
      ARROW_ASSIGN_OR_RAISE(command->database, expressions_.ParseMultipartIdentifier());
    }
    ARROW_RETURN_NOT_OK(ParseOptionalPattern(command.get()));
  } else if (tokens_.PeekKeyword("TABLES") || tokens_.PeekKeyword("VIEWS")) {
    command = NewCommand(tokens_.PeekKeyword("VIEWS") ? CommandKind::kShowViews : CommandKind::kShowTables);
    tokens_.Advance();
    if (tokens_.PeekKeyword("EXTENDED")) return UnsupportedSql("SHOW TABLE EXTENDED");
    if (tokens_.MatchKeyword("FROM") || tokens_.MatchKeyword("IN")) {
      ARROW_ASSIGN_OR_RAISE(command->database, expressions_.ParseMultipartIdentifier());
    }
    ARROW_RETURN_NOT_OK(ParseOptionalPattern(command.get()));
  } else if (tokens_.MatchKeyword("COLUMNS")) {
    command = NewCommand(CommandKind::kShowColumns);
    if (!tokens_.MatchKeyword("FROM") && !tokens_.MatchKeyword("IN")) return tokens_.SyntaxError();
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.MatchKeyword("FROM") || tokens_.MatchKeyword("IN")) {
      ARROW_ASSIGN_OR_RAISE(command->database, expressions_.ParseMultipartIdentifier());
    }
  } else if (tokens_.MatchKeywords({"CREATE", "TABLE"})) {
    command = NewCommand(CommandKind::kShowCreateTable);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.PeekKeyword("AS")) return UnsupportedSql("SHOW CREATE TABLE ... AS SERDE");
  } else if (tokens_.MatchKeyword("TBLPROPERTIES")) {
    command = NewCommand(CommandKind::kShowTblProperties);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.MatchSymbol("(")) {
      ARROW_ASSIGN_OR_RAISE(command->key, ParsePropertyKey());
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    }
  } else {
    tokens_.Rewind(start);
    return PlanPtr();
  }
  return PlanPtr(command);
}

// DESC[RIBE] [QUERY] query | DESC[RIBE] DATABASE [EXTENDED] db |
// DESC[RIBE] [TABLE] [EXTENDED | FORMATTED] name
Result<PlanPtr> StatementParser::ParseDescribe() {
  tokens_.Advance();  // DESC or DESCRIBE
  if (tokens_.MatchKeyword("QUERY") || (AtQueryStart() && !tokens_.PeekKeyword("TABLE") && !tokens_.PeekSymbol("("))) {
    auto command = NewCommand(CommandKind::kDescribeQuery);
    ARROW_ASSIGN_OR_RAISE(command->query, parse_query_());
    return PlanPtr(command);
  }
  if (MatchNamespaceKeyword()) {
    auto command = NewCommand(CommandKind::kDescribeDatabase);
    command->extended = tokens_.MatchKeyword("EXTENDED");
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    return PlanPtr(command);
  }
  tokens_.MatchKeyword("TABLE");
  auto command = NewCommand(CommandKind::kDescribeTable);
  command->extended = tokens_.MatchKeyword("EXTENDED") || tokens_.MatchKeyword("FORMATTED");
  ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
  if (tokens_.PeekKeyword("PARTITION")) return UnsupportedSql("DESCRIBE TABLE ... PARTITION");
  if (!tokens_.IsStatementEnd(0)) {
    // DESCRIBE t [t.]column: that column's name (as written), type and comment.
    if (command->extended) return UnsupportedSql("DESCRIBE EXTENDED of one column");
    ARROW_ASSIGN_OR_RAISE(auto column, expressions_.ParseMultipartIdentifier());
    command->key = column.back();
  }
  return PlanPtr(command);
}

// SET | SET -v | SET key | SET key = value | RESET [key]; keys and values are
// the statement's text, as Spark reads them.
Result<PlanPtr> StatementParser::ParseSet() {
  if (tokens_.MatchKeyword("RESET")) {
    auto command = NewCommand(CommandKind::kReset);
    std::string key = RestOfStatement();
    if (!key.empty()) command->key = key;
    return PlanPtr(command);
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("SET"));
  auto command = NewCommand(CommandKind::kSet);
  if (tokens_.MatchKeywords({"TIME", "ZONE"})) {
    command->key = "spark.sql.session.timeZone";
    if (tokens_.Peek().kind != TokenKind::kString) return UnsupportedSql("SET TIME ZONE other than a string");
    command->value = tokens_.Advance().value;
    return PlanPtr(command);
  }
  if (tokens_.PeekKeyword("VAR") || tokens_.PeekKeyword("VARIABLE")) return UnsupportedSql("SET VARIABLE");
  if (tokens_.PeekSymbol("-") && tokens_.Peek(1).IsKeyword("v") && tokens_.IsStatementEnd(2)) {
    tokens_.Advance();
    tokens_.Advance();
    command->extended = true;
    return PlanPtr(command);
  }
  if (tokens_.IsStatementEnd(0)) return PlanPtr(command);
  const size_t first = tokens_.position();
  while (!tokens_.IsStatementEnd(0) && !tokens_.PeekSymbol("=")) tokens_.Advance();
  command->key = Trim(tokens_.SourceSince(first));
  if (tokens_.MatchSymbol("=")) command->value = RestOfStatement();
  return PlanPtr(command);
}

Result<PlanPtr> StatementParser::ParseCacheStatements() {
  if (tokens_.MatchKeyword("CACHE")) {
    tokens_.MatchKeyword("LAZY");
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("TABLE"));
    auto command = NewCommand(CommandKind::kCacheTable);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.MatchKeyword("OPTIONS")) ARROW_RETURN_NOT_OK(ParsePropertyList().status());
    if (tokens_.MatchKeyword("AS") || AtQueryStart()) {
      ARROW_ASSIGN_OR_RAISE(command->query, parse_query_());
    }
    return PlanPtr(command);
  }
  if (tokens_.MatchKeyword("UNCACHE")) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("TABLE"));
    auto command = NewCommand(CommandKind::kUncacheTable);
    command->if_exists = tokens_.MatchKeywords({"IF", "EXISTS"});
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    return PlanPtr(command);
  }
  if (tokens_.MatchKeywords({"CLEAR", "CACHE"})) return PlanPtr(NewCommand(CommandKind::kClearCache));
  if (tokens_.MatchKeyword("REFRESH")) {
    if (tokens_.PeekKeyword("FUNCTION")) return UnsupportedSql("REFRESH FUNCTION");
    if (tokens_.Peek().kind == TokenKind::kString) {
      auto command = NewCommand(CommandKind::kRefreshByPath);
      command->path = tokens_.Advance().value;
      return PlanPtr(command);
    }
    tokens_.MatchKeyword("TABLE");
    auto command = NewCommand(CommandKind::kRefreshTable);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    return PlanPtr(command);
  }
  if (tokens_.MatchKeywords({"MSCK", "REPAIR"})) {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("TABLE"));
    auto command = NewCommand(CommandKind::kRecoverPartitions);
    ARROW_ASSIGN_OR_RAISE(command->name, expressions_.ParseMultipartIdentifier());
    if (tokens_.MatchKeyword("ADD") || tokens_.MatchKeyword("SYNC")) ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("PARTITIONS"));
    if (tokens_.PeekKeyword("DROP")) return UnsupportedSql("MSCK REPAIR TABLE ... DROP PARTITIONS");
    return PlanPtr(command);
  }
  return PlanPtr();
}

}  // namespace sk8::sql
