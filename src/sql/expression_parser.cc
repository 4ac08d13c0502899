#include "sql/expression_parser.h"

#include <algorithm>
#include <array>

#include "sql/lexer.h"
#include "plan/sql_nodes.h"
#include "sql/interval_literal.h"
#include "sql/literals.h"
#include "types/spark_types.h"

namespace sk8::sql {

using plan::ExprKind;
using plan::ExprPtr;

namespace {

ExprPtr Call(std::string name, std::vector<ExprPtr> args, bool distinct = false) {
  return std::make_shared<plan::FunctionExpr>(std::move(name), std::move(args), distinct);
}
ExprPtr Not(ExprPtr child) { return Call("not", {std::move(child)}); }
ExprPtr Literal(std::shared_ptr<arrow::Scalar> value) { return std::make_shared<plan::LiteralExpr>(std::move(value)); }
ExprPtr StringLiteral(std::string value) { return Literal(std::make_shared<arrow::StringScalar>(std::move(value))); }

// Spark SQL's CAST of a column keeps the column's name (Spark 4.1: CAST(a AS
// STRING) is named "a"); a cast of any other expression is named CAST(... AS ...).
ExprPtr Cast(ExprPtr child, std::shared_ptr<arrow::DataType> type, plan::CastMode mode) {
  bool keeps_name = child->kind() == ExprKind::kColumn;
  return std::make_shared<plan::CastExpr>(std::move(child), std::move(type), mode, keeps_name);
}

struct BinaryOperator {
  std::string_view token;     // a symbol, or a keyword when is_keyword
  bool is_keyword;
  std::string_view function;  // the FunctionExpr name
  bool negated;               // != and <> are NOT (a = b) in Spark
};

// Binary operator levels, lowest precedence first; all are left-associative.
const std::vector<std::vector<BinaryOperator>> kBinaryLevels = {
    {{"=", false, "==", false},
     {"==", false, "==", false},
     {"<>", false, "==", true},
     {"!=", false, "==", true},
     {"<", false, "<", false},
     {"<=", false, "<=", false},
     {">", false, ">", false},
     {">=", false, ">=", false},
     {"<=>", false, "<=>", false}},
    {{"|", false, "|", false}},
    {{"^", false, "^", false}},
    {{"&", false, "&", false}},
    {{"<<", false, "<<", false}, {">>", false, ">>", false}, {">>>", false, ">>>", false}},
    {{"+", false, "+", false}, {"-", false, "-", false}, {"||", false, "concat", false}},
    {{"*", false, "*", false}, {"/", false, "/", false}, {"%", false, "%", false}, {"DIV", true, "div", false}},
};

// Words that end a select item or relation instead of naming it (`SELECT a FROM`
// does not alias a as FROM), unless they are the statement's last token.
constexpr std::array<std::string_view, 48> kNonAliasKeywords = {
    // clauses (Spark 4.1 has no QUALIFY: the word is an alias there)
    "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "WINDOW", "CLUSTER", "DISTRIBUTE",
    "SORT", "UNION", "EXCEPT", "INTERSECT", "MINUS", "LATERAL", "PIVOT", "UNPIVOT", "TABLESAMPLE",
    // joins
    "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "SEMI", "ANTI", "ON", "USING",
    // operators and expression syntax
    "AND", "OR", "NOT", "IS", "IN", "LIKE", "ILIKE", "RLIKE", "REGEXP", "BETWEEN", "DIV", "WHEN", "THEN", "ELSE",
    "END", "FOR", "OVER", "FILTER"};

bool IsNonAliasKeyword(const Token& token, const Token& next) {
  // ORDER, GROUP, ... start a clause only together with BY.
  for (std::string_view keyword : {"ORDER", "GROUP", "SORT", "CLUSTER", "DISTRIBUTE"}) {
    if (token.IsKeyword(keyword)) return next.IsKeyword("BY");
  }
  for (std::string_view keyword : kNonAliasKeywords) {
    if (token.IsKeyword(keyword)) return true;
  }
  return false;
}

// Spark functions whose parameters may be named (their FunctionSignature):
// the names in order and the values of omitted optional ones.
struct NamedSignature {
  std::string_view function;
  std::vector<std::string_view> parameters;
  size_t required;
  std::function<std::vector<ExprPtr>()> defaults;  // of parameters[required..]
};

const std::vector<NamedSignature>& NamedSignatures() {
  static const std::vector<NamedSignature> kSignatures = {
      {"mask", {"str", "upperChar", "lowerChar", "digitChar", "otherChar"}, 1, [] {
         return std::vector<ExprPtr>{StringLiteral("X"), StringLiteral("x"), StringLiteral("n"),
                                     Literal(arrow::MakeNullScalar(arrow::utf8()))};
       }}};
  return kSignatures;
}

// f(a, name => b): the arguments in the function's parameter order, omitted
// optional ones filled in (Spark then names the call by all of them).
Result<std::vector<ExprPtr>> NamedArgumentsInOrder(const std::string& function, std::vector<ExprPtr> args,
                                                   const std::vector<std::string>& names) {
  const NamedSignature* signature = nullptr;
  for (const auto& s : NamedSignatures()) {
    if (EqualsIgnoreCase(s.function, function)) signature = &s;
  }
  if (signature == nullptr) {
    return AnalysisError("NAMED_PARAMETERS_NOT_SUPPORTED", {{"functionName", QuoteIdentifier(ToLowerAscii(function))}});
  }
  const auto& parameters = signature->parameters;
  std::vector<ExprPtr> ordered(parameters.size());
  size_t position = 0;
  for (; position < args.size() && names[position].empty(); ++position) {
    if (position >= parameters.size()) return UnsupportedSql("too many arguments for " + function);
    ordered[position] = args[position];
  }
  for (size_t i = position; i < args.size(); ++i) {
    if (names[i].empty()) return UnsupportedSql("positional arguments after named ones");
    auto it = std::find_if(parameters.begin(), parameters.end(),
                           [&](std::string_view p) { return EqualsIgnoreCase(p, names[i]); });
    if (it == parameters.end() || ordered[it - parameters.begin()]) {
      return UnsupportedSql("argument " + names[i] + " of " + function);
    }
    ordered[it - parameters.begin()] = args[i];
  }
  const std::vector<ExprPtr> defaults = signature->defaults();
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i]) continue;
    if (i < signature->required) return UnsupportedSql("calls of " + function + " without " + std::string(parameters[i]));
    ordered[i] = defaults[i - signature->required];
  }
  return ordered;
}

// A qualified function name as the call carries it: db.f (the analyzer splits it).
std::string JoinNameParts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ".") + part;
  return out;
}

}  // namespace

bool StartsQuery(const Token& token) {
  return token.IsKeyword("SELECT") || token.IsKeyword("WITH") || token.IsKeyword("VALUES") ||
         token.IsKeyword("TABLE") || token.IsKeyword("FROM");
}

// ---------------------------------------------------------------------------
// Names and aliases

Result<std::string> ExpressionParser::ParseIdentifier() {
  if (!tokens_.Peek().IsIdentifier()) return tokens_.SyntaxError();
  return tokens_.Advance().value;
}

Result<std::vector<std::string>> ExpressionParser::ParseMultipartIdentifier() {
  std::vector<std::string> parts;
  do {
    ARROW_ASSIGN_OR_RAISE(auto part, ParseIdentifier());
    parts.push_back(std::move(part));
  } while (tokens_.MatchSymbol("."));
  return parts;
}

Result<std::vector<std::string>> ExpressionParser::ParseIdentifierList() {
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  std::vector<std::string> names;
  do {
    ARROW_ASSIGN_OR_RAISE(auto name, ParseIdentifier());
    names.push_back(std::move(name));
  } while (tokens_.MatchSymbol(","));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  return names;
}

bool ExpressionParser::AtImplicitAlias() const {
  const Token& token = tokens_.Peek();
  if (token.kind == TokenKind::kQuotedIdentifier) return true;
  return token.kind == TokenKind::kWord && (tokens_.IsStatementEnd(1) || !IsNonAliasKeyword(token, tokens_.Peek(1)));
}

Result<ExprPtr> ExpressionParser::ParseNamedExpression() {
  ARROW_ASSIGN_OR_RAISE(auto expr, ParseExpression());
  bool explicit_alias = tokens_.PeekKeyword("AS") && (tokens_.Peek(1).IsIdentifier() || tokens_.PeekSymbol("(", 1));
  if (explicit_alias) {
    tokens_.Advance();
    if (tokens_.PeekSymbol("(")) {
      ARROW_ASSIGN_OR_RAISE(auto names, ParseIdentifierList());
      return std::make_shared<plan::AliasExpr>(expr, std::move(names));
    }
  } else if (!AtImplicitAlias()) {
    return expr;
  }
  ARROW_ASSIGN_OR_RAISE(auto name, ParseIdentifier());
  return std::make_shared<plan::AliasExpr>(expr, std::vector<std::string>{std::move(name)});
}

Result<std::vector<ExprPtr>> ExpressionParser::ParseExpressionList() {
  std::vector<ExprPtr> list;
  do {
    ARROW_ASSIGN_OR_RAISE(auto expr, ParseExpression());
    list.push_back(std::move(expr));
  } while (tokens_.MatchSymbol(","));
  return list;
}

// IDENTIFIER('name') names a column, table or function by a string (Spark's
// identifier clause, for names that arrive as parameters).
Result<std::optional<std::vector<std::string>>> ExpressionParser::ParseIdentifierClause() {
  using Name = std::optional<std::vector<std::string>>;
  if (!tokens_.PeekKeyword("IDENTIFIER") || !tokens_.PeekSymbol("(", 1)) return Name();
  const Token& argument = tokens_.Peek(2);
  const bool marker = argument.IsSymbol("?") || (argument.IsSymbol(":") && tokens_.Peek(3).IsIdentifier());
  if (argument.kind != TokenKind::kString && !marker) return Name();
  tokens_.Advance();
  tokens_.Advance();
  ARROW_ASSIGN_OR_RAISE(auto value, ParseExpression());
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  if (!unbound_parameter_.empty()) return CheckParameters();  // IDENTIFIER(:name) without a value
  if (value->kind() != ExprKind::kLiteral || value->As<plan::LiteralExpr>().value->type->id() != arrow::Type::STRING ||
      !value->As<plan::LiteralExpr>().value->is_valid) {
    return UnsupportedSql("IDENTIFIER with an argument other than a string literal or parameter");
  }
  std::string text(static_cast<const arrow::StringScalar&>(*value->As<plan::LiteralExpr>().value).view());
  ARROW_ASSIGN_OR_RAISE(auto name_tokens, Tokenize(text));
  TokenStream name_stream(text, std::move(name_tokens));
  ARROW_ASSIGN_OR_RAISE(auto parts, ExpressionParser(name_stream).ParseMultipartIdentifier());
  if (!name_stream.AtEnd()) return name_stream.SyntaxError();
  return Name(std::move(parts));
}

// The star `target.*` just read, and its `EXCEPT (a, t.b)` if one follows;
// `* EXCEPT (SELECT ...)` is a set operation.
Result<ExprPtr> ExpressionParser::ParseStarExcept(std::vector<std::string> target) {
  if (!tokens_.PeekKeyword("EXCEPT") || !tokens_.PeekSymbol("(", 1) || StartsQuery(tokens_.Peek(2))) {
    return std::make_shared<plan::StarExpr>(std::move(target));
  }
  tokens_.Advance();
  tokens_.Advance();
  std::vector<std::vector<std::string>> names;
  do {
    ARROW_ASSIGN_OR_RAISE(auto parts, ParseMultipartIdentifier());
    names.push_back(std::move(parts));
  } while (tokens_.MatchSymbol(","));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  return std::make_shared<plan::StarExceptExpr>(std::move(target), std::move(names));
}

// ---------------------------------------------------------------------------
// Parameter markers: `:name` and `?` take the values spark.sql(query, args)
// sent. A marker without a value reads as NULL until the statement is parsed;
// CheckParameters then reports it (Spark reports it at analysis, after any
// syntax error). An unbound `?` is named by its character offset: _7.

Result<ExprPtr> ExpressionParser::ParseParameterMarker() {
  const Token& marker = tokens_.Advance();
  std::string name;
  const ExprPtr* value = nullptr;
  if (marker.IsSymbol("?")) {
    name = "_" + std::to_string(tokens_.CharacterOffset(marker));
    const size_t index = positional_markers_++;
    if (parameters_ != nullptr && index < parameters_->positional.size()) value = &parameters_->positional[index];
  } else {
    name = tokens_.Advance().value;
    named_markers_ = true;
    if (parameters_ != nullptr) {
      for (const auto& [given, given_value] : parameters_->named) {
        if (given == name) value = &given_value;
      }
    }
  }
  if (value != nullptr) return *value;
  if (unbound_parameter_.empty()) unbound_parameter_ = name;
  return Literal(std::make_shared<arrow::NullScalar>());
}

Status ExpressionParser::CheckParameters() const {
  if (named_markers_ && positional_markers_ > 0) {
    return AnalysisError("INVALID_QUERY_MIXED_QUERY_PARAMETERS");
  }
  if (!unbound_parameter_.empty()) return AnalysisError("UNBOUND_SQL_PARAMETER", {{"name", unbound_parameter_}});
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Boolean levels: OR < AND < NOT < predicates

Result<ExprPtr> ExpressionParser::ParseExpression() { return ParseOr(); }

Result<ExprPtr> ExpressionParser::ParseOr() {
  ARROW_ASSIGN_OR_RAISE(auto left, ParseAnd());
  while (tokens_.MatchClauseKeyword("OR")) {
    ARROW_ASSIGN_OR_RAISE(auto right, ParseAnd());
    left = Call("or", {left, right});
  }
  return left;
}

Result<ExprPtr> ExpressionParser::ParseAnd() {
  ARROW_ASSIGN_OR_RAISE(auto left, ParseNot());
  while (tokens_.MatchClauseKeyword("AND")) {
    ARROW_ASSIGN_OR_RAISE(auto right, ParseNot());
    left = Call("and", {left, right});
  }
  return left;
}

Result<ExprPtr> ExpressionParser::ParseNot() {
  if (tokens_.MatchClauseKeyword("NOT") || tokens_.MatchSymbol("!")) {
    ARROW_ASSIGN_OR_RAISE(auto operand, ParseNot());
    return Not(operand);
  }
  // EXISTS (SELECT ...); exists(array, x -> ...) is a function.
  if (tokens_.PeekKeyword("EXISTS") && tokens_.PeekSymbol("(", 1) && StartsQuery(tokens_.Peek(2))) {
    if (!parse_subquery_) return UnsupportedSql("EXISTS subqueries");
    tokens_.Advance();
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto query, parse_subquery_());
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    return ExprPtr(std::make_shared<plan::ExistsExpr>(std::move(query)));
  }
  return ParsePredicated();
}

Result<ExprPtr> ExpressionParser::ParsePredicated() {
  ARROW_ASSIGN_OR_RAISE(auto value, ParseBinary(0));
  return ParsePredicate(std::move(value));
}

bool IsNegatablePredicate(const Token& token) {
  return token.IsKeyword("BETWEEN") || token.IsKeyword("IN") || token.IsKeyword("LIKE") || token.IsKeyword("ILIKE") ||
         token.IsKeyword("RLIKE") || token.IsKeyword("REGEXP");
}

// At most one predicate follows a value, as in Spark's grammar.
Result<ExprPtr> ExpressionParser::ParsePredicate(ExprPtr value) {
  bool negated = tokens_.PeekClauseKeyword("NOT") && IsNegatablePredicate(tokens_.Peek(1));
  if (negated) {
    tokens_.Advance();
  } else if (!(IsNegatablePredicate(tokens_.Peek()) || tokens_.PeekKeyword("IS")) || tokens_.IsStatementEnd(1)) {
    return value;
  }
  std::string keyword = ToUpperAscii(tokens_.Advance().value);
  ExprPtr result;
  if (keyword == "IS") return ParseIsPredicate(std::move(value));
  if (keyword == "BETWEEN") {
    ARROW_ASSIGN_OR_RAISE(auto low, ParseBinary(0));
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("AND"));
    ARROW_ASSIGN_OR_RAISE(auto high, ParseBinary(0));
    result = Call("between", {value, low, high});  // functions/comparison.cc
  } else if (keyword == "IN") {
    ARROW_ASSIGN_OR_RAISE(result, ParseInList(std::move(value)));
  } else {
    // RLIKE ANY (...) is no quantifier in Spark: any(...) is the aggregate.
    if ((keyword == "LIKE" || keyword == "ILIKE") &&
        (tokens_.PeekKeyword("ANY") || tokens_.PeekKeyword("ALL") || tokens_.PeekKeyword("SOME")) &&
        tokens_.PeekSymbol("(", 1)) {
      return ParseQuantifiedLike(keyword, negated, std::move(value));
    }
    ARROW_ASSIGN_OR_RAISE(auto pattern, ParseBinary(0));
    std::string function = keyword == "LIKE" ? "like" : keyword == "ILIKE" ? "ilike" : "rlike";
    std::vector<ExprPtr> args = {std::move(value), std::move(pattern)};
    if (function != "rlike" && tokens_.MatchClauseKeyword("ESCAPE")) {  // the escape character, a string
      ARROW_ASSIGN_OR_RAISE(auto escape, ParsePrimary());
      args.push_back(std::move(escape));
    }
    result = Call(function, std::move(args));
  }
  return negated ? Not(result) : result;
}

// a [NOT] LIKE | ILIKE ANY | SOME | ALL (p1, p2, ...): the LIKEs of each pattern
// ORed (ANY) or ANDed (ALL), NOT applied to each, as Spark evaluates them; ILIKE
// compares lower-cased text. Spark names the expression likeany(a) (likeall,
// notlikeany, notlikeall) when every pattern is a non-null string literal, and
// by the ORs / ANDs themselves otherwise.
Result<ExprPtr> ExpressionParser::ParseQuantifiedLike(const std::string& keyword, bool negated, ExprPtr value) {
  const bool all = tokens_.Advance().IsKeyword("ALL");
  tokens_.Advance();  // (
  if (tokens_.PeekSymbol(")")) {
    return ParseError("_LEGACY_ERROR_TEMP_0064", {{"msg", "Expected something between '(' and ')'."}});
  }
  ARROW_ASSIGN_OR_RAISE(auto patterns, ParseExpressionList());
  if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
  bool literal_patterns = true;
  for (const auto& pattern : patterns) {
    literal_patterns &= pattern->kind() == ExprKind::kLiteral &&
                        pattern->As<plan::LiteralExpr>().value->type->id() == arrow::Type::STRING &&
                        pattern->As<plan::LiteralExpr>().value->is_valid;
  }
  if (keyword == "ILIKE") value = Call("lower", {value});
  ExprPtr result;
  for (auto& pattern : patterns) {
    if (keyword == "ILIKE") pattern = Call("lower", {pattern});
    ExprPtr like = Call("like", {value, pattern});
    if (negated) like = Not(like);
    result = result ? Call(all ? "and" : "or", {result, like}) : like;
  }
  if (!literal_patterns) return result;
  // Spark types LikeAny / LikeAll nullable whatever the input; `NULL AND false`
  // is FALSE and nullable, so ORing it keeps the value and gives that type.
  result = Call("or", {result, Call("and", {Literal(std::make_shared<arrow::NullScalar>()), Literal(arrow::MakeScalar(false))})});
  return std::make_shared<plan::GeneratedNameExpr>(
      result, std::string(negated ? "not" : "") + (all ? "likeall(%s)" : "likeany(%s)"), std::vector<ExprPtr>{value});
}

// IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x, written as Spark
// rewrites them: IS TRUE is (a <=> true), IS DISTINCT FROM is NOT (a <=> b).
Result<ExprPtr> ExpressionParser::ParseIsPredicate(ExprPtr value) {
  bool negated = tokens_.MatchKeyword("NOT");
  if (tokens_.MatchKeyword("NULL")) return Call(negated ? "isnotnull" : "isnull", {std::move(value)});
  if (tokens_.MatchKeyword("UNKNOWN")) {
    // Spark names IS UNKNOWN as IS NULL, but IS NOT UNKNOWN as written.
    if (!negated) return Call("isnull", {std::move(value)});
    return ExprPtr(std::make_shared<plan::GeneratedNameExpr>(Call("isnotnull", {value}), "(%s IS NOT UNKNOWN)",
                                                             std::vector<ExprPtr>{value}));
  }
  if (tokens_.PeekKeyword("TRUE") || tokens_.PeekKeyword("FALSE")) {
    bool truth = tokens_.Advance().IsKeyword("TRUE");
    ExprPtr same = Call("<=>", {std::move(value), Literal(arrow::MakeScalar(truth))});
    return negated ? Not(same) : same;
  }
  if (tokens_.MatchKeywords({"DISTINCT", "FROM"})) {
    ARROW_ASSIGN_OR_RAISE(auto other, ParseBinary(0));
    ExprPtr same = Call("<=>", {std::move(value), std::move(other)});
    return negated ? same : Not(same);
  }
  return tokens_.SyntaxError();
}

Result<ExprPtr> ExpressionParser::ParseInList(ExprPtr value) {
  // Spark reports an empty list at its opening parenthesis.
  if (!tokens_.PeekSymbol("(") || tokens_.PeekSymbol(")", 1)) return tokens_.SyntaxError();
  if (StartsQuery(tokens_.Peek(1))) {
    if (!parse_subquery_) return UnsupportedSql("IN subqueries");
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto query, parse_subquery_());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    return ExprPtr(std::make_shared<plan::InSubqueryExpr>(std::move(value), std::move(query)));
  }
  tokens_.Advance();
  ARROW_ASSIGN_OR_RAISE(auto list, ParseExpressionList());
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  list.insert(list.begin(), std::move(value));
  return Call("in", std::move(list));
}

// ---------------------------------------------------------------------------
// Value levels: comparisons, bitwise, shifts, additive, multiplicative, unary

Result<ExprPtr> ExpressionParser::ParseBinary(size_t level) {
  if (level == kBinaryLevels.size()) return ParseUnary();
  ARROW_ASSIGN_OR_RAISE(auto left, ParseBinary(level + 1));
  while (true) {
    const BinaryOperator* matched = nullptr;
    for (const auto& op : kBinaryLevels[level]) {
      bool found = op.is_keyword ? tokens_.PeekClauseKeyword(op.token) : tokens_.PeekSymbol(op.token);
      if (found) matched = &op;
    }
    if (matched == nullptr) return left;
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto right, ParseBinary(level + 1));
    left = Call(std::string(matched->function), {left, right});
    if (matched->negated) left = Not(left);
  }
}

Result<ExprPtr> ExpressionParser::ParseUnary() {
  if (tokens_.PeekSymbol("-") && tokens_.Peek(1).kind == TokenKind::kNumber) {
    // -1 is the literal -1 (typed after negation: -2147483648 is an INT), not negative(1).
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto value, NumericLiteral(tokens_.Advance().value, /*negative=*/true));
    return ParsePostfix(Literal(std::move(value)));
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kUnary = {
      {{"-", "unary_minus"}, {"+", "positive"}, {"~", "~"}}};
  for (const auto& [symbol, function] : kUnary) {
    if (tokens_.MatchSymbol(symbol)) {
      ARROW_ASSIGN_OR_RAISE(auto operand, ParseUnary());
      return Call(std::string(function), {operand});
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto primary, ParsePrimary());
  return ParsePostfix(std::move(primary));
}

// a.b (a nested field, or a name part while the base is a column), a[i], a::type,
// a COLLATE name, v:path.
namespace {

/// One key of a variant path as variant_get reads it: `.key`, or `['key']` /
/// `["key"]` when the key holds '.' or '['.
void AppendPathKey(const std::string& key, std::string* path) {
  if (key.find_first_of(".[") == std::string::npos) {
    *path += "." + key;
  } else if (key.find('\'') == std::string::npos) {
    *path += "['" + key + "']";
  } else {
    *path += "[\"" + key + "\"]";
  }
}

/// Spark's semi-structured extraction `v:a.b[0]['c']` (after the ':'):
/// variant_get(v, '$.a.b[0].c') named after its last key.
Result<ExprPtr> ParseVariantExtraction(TokenStream& tokens, ExprPtr base) {
  std::string path = "$";
  std::optional<std::string> name;
  bool first = true;
  while (true) {
    if (tokens.MatchSymbol("[")) {
      const Token& t = tokens.Advance();
      if (t.kind == TokenKind::kString) {
        AppendPathKey(t.value, &path);
        name = t.value;
      } else if (t.kind == TokenKind::kNumber && t.value.find_first_not_of("0123456789") == std::string::npos) {
        path += "[" + t.value + "]";
      } else {
        return tokens.SyntaxError();
      }
      if (!tokens.MatchSymbol("]")) return tokens.MissingClosing("]");
    } else if ((first || tokens.MatchSymbol(".")) && tokens.Peek().IsIdentifier()) {
      const std::string key = tokens.Advance().value;
      AppendPathKey(key, &path);
      name = key;
    } else if (first) {
      return tokens.SyntaxError();
    } else {
      break;
    }
    first = false;
    if (!tokens.PeekSymbol("[") && !(tokens.PeekSymbol(".") && tokens.Peek(1).IsIdentifier())) break;
  }
  ExprPtr call = Call("variant_get", {std::move(base), StringLiteral(path)});
  if (!name) return call;
  return ExprPtr(std::make_shared<plan::AliasExpr>(std::move(call), std::vector<std::string>{*name}));
}

}  // namespace

Result<ExprPtr> ExpressionParser::ParsePostfix(ExprPtr base) {
  bool variant_path = false;  // base is a v:path extraction, whose name a '::' cast keeps
  while (true) {
    if (tokens_.PeekSymbol(":") && (tokens_.Peek(1).IsIdentifier() || tokens_.PeekSymbol("[", 1))) {
      tokens_.Advance();
      ARROW_ASSIGN_OR_RAISE(base, ParseVariantExtraction(tokens_, std::move(base)));
      variant_path = true;
      continue;
    }
    if (tokens_.PeekSymbol(".") && tokens_.PeekSymbol("*", 1)) {
      if (base->kind() != ExprKind::kColumn) return UnsupportedSql("<expression>.* on a non-column");
      tokens_.Advance();
      tokens_.Advance();
      return ParseStarExcept(base->As<plan::ColumnExpr>().name_parts);
    }
    if (tokens_.MatchSymbol(".")) {
      ARROW_ASSIGN_OR_RAISE(auto field, ParseIdentifier());
      if (tokens_.PeekSymbol("(")) {
        // db.f(...): a call of a qualified function name (the analyzer looks it up).
        if (base->kind() != ExprKind::kColumn) return tokens_.SyntaxError();
        auto parts = base->As<plan::ColumnExpr>().name_parts;
        parts.push_back(std::move(field));
        ARROW_ASSIGN_OR_RAISE(base, ParseFunctionCall(JoinNameParts(parts)));
        continue;
      }
      if (base->kind() == ExprKind::kColumn) {
        auto parts = base->As<plan::ColumnExpr>().name_parts;
        parts.push_back(std::move(field));
        base = std::make_shared<plan::ColumnExpr>(std::move(parts), std::nullopt);
      } else {
        base = Call("extract_value", {base, StringLiteral(std::move(field))});
      }
    } else if (tokens_.MatchSymbol("[")) {
      ARROW_ASSIGN_OR_RAISE(auto index, ParseExpression());
      if (!tokens_.MatchSymbol("]")) return tokens_.MissingClosing("]");
      base = Call("extract_value", {base, index});
    } else if (tokens_.MatchSymbol("::")) {
      ARROW_ASSIGN_OR_RAISE(auto type, ParseDataType());
      if (variant_path) {
        base = std::make_shared<plan::CastExpr>(base, std::move(type), plan::CastMode::kDefault, /*keep_name=*/true);
      } else {
        base = Cast(base, std::move(type), plan::CastMode::kDefault);
      }
    } else if (tokens_.PeekKeyword("COLLATE") && tokens_.Peek(1).IsIdentifier()) {
      tokens_.Advance();
      ARROW_ASSIGN_OR_RAISE(auto collation, ParseIdentifier());
      base = Call("collate", {base, StringLiteral(std::move(collation))});  // s COLLATE name
    } else {
      return base;
    }
  }
}

// ---------------------------------------------------------------------------
// Primaries

Result<ExprPtr> ExpressionParser::ParsePrimary() {
  const Token& token = tokens_.Peek();
  switch (token.kind) {
    case TokenKind::kNumber: {
      ARROW_ASSIGN_OR_RAISE(auto value, NumericLiteral(tokens_.Advance().value, /*negative=*/false));
      return Literal(std::move(value));
    }
    case TokenKind::kString: return ParseStringLiteral();
    case TokenKind::kBinary: {
      ARROW_ASSIGN_OR_RAISE(auto value, BinaryLiteral(tokens_.Advance().value));
      return Literal(std::move(value));
    }
    case TokenKind::kQuotedIdentifier: {
      std::string name = tokens_.Advance().value;
      if (tokens_.PeekSymbol("(")) return ParseFunctionCall(std::move(name));
      return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{std::move(name)}, std::nullopt);
    }
    case TokenKind::kWord: return ParseWordPrimary();
    case TokenKind::kSymbol:
      if (token.IsSymbol("(")) return ParseParenthesized();
      if (tokens_.MatchSymbol("*")) return ParseStarExcept({});
      if (token.IsSymbol("?") || (token.IsSymbol(":") && tokens_.Peek(1).IsIdentifier())) return ParseParameterMarker();
      return tokens_.SyntaxError();
    default: return tokens_.SyntaxError();
  }
}

Result<ExprPtr> ExpressionParser::ParseWordPrimary() {
  const Token& word = tokens_.Peek();
  const Token& next = tokens_.Peek(1);
  if (word.IsKeyword("TRUE") || word.IsKeyword("FALSE")) {
    return Literal(arrow::MakeScalar(tokens_.Advance().IsKeyword("TRUE")));
  }
  if (word.IsKeyword("NULL")) {
    tokens_.Advance();
    return Literal(std::make_shared<arrow::NullScalar>());
  }
  if (word.IsKeyword("CASE")) return ParseCase();
  if (word.IsKeyword("CAST") && next.IsSymbol("(")) return ParseCast(plan::CastMode::kDefault);
  if (word.IsKeyword("TRY_CAST") && next.IsSymbol("(")) return ParseCast(plan::CastMode::kTry);
  if (next.kind == TokenKind::kString && !word.IsKeyword("INTERVAL")) return ParseTypedLiteral();
  if (word.IsKeyword("INTERVAL") && (next.kind == TokenKind::kNumber || next.kind == TokenKind::kString ||
                                     next.IsSymbol("-") || next.IsSymbol("+"))) {
    return ParseIntervalLiteral();
  }
  if (next.IsSymbol("->")) return UnsupportedSql("lambda functions");
  ARROW_ASSIGN_OR_RAISE(auto identifier, ParseIdentifierClause());
  if (identifier) {  // IDENTIFIER('t.c') is a column, IDENTIFIER('abs')(x) a call
    if (!tokens_.PeekSymbol("(")) return std::make_shared<plan::ColumnExpr>(std::move(*identifier), std::nullopt);
    return ParseFunctionCall(JoinNameParts(*identifier));
  }
  std::string name = tokens_.Advance().value;
  if (tokens_.PeekSymbol("(")) return ParseFunctionCall(std::move(name));
  // Spark's parameterless datetime/user functions.
  for (std::string_view function : {"CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER"}) {
    if (EqualsIgnoreCase(name, function)) return Call(ToLowerAscii(function), {});
  }
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{std::move(name)}, std::nullopt);
}

// (expr), a row constructor (a, b), or a scalar subquery.
Result<ExprPtr> ExpressionParser::ParseParenthesized() {
  if (StartsQuery(tokens_.Peek(1))) {
    if (!parse_subquery_) return UnsupportedSql("scalar subqueries");
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto query, parse_subquery_());
    if (!tokens_.MatchSymbol(")")) return tokens_.MissingClosing(")");
    return ExprPtr(std::make_shared<plan::ScalarSubqueryExpr>(std::move(query)));
  }
  tokens_.Advance();
  ARROW_ASSIGN_OR_RAISE(auto expr, ParseExpression());
  if (tokens_.MatchSymbol(",")) {
    ARROW_ASSIGN_OR_RAISE(auto rest, ParseExpressionList());
    rest.insert(rest.begin(), expr);
    expr = Call("struct", std::move(rest));
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  if (tokens_.PeekSymbol("->")) return UnsupportedSql("lambda functions");
  return expr;
}

// Adjacent string literals concatenate: 'a' "b" is 'ab'.
Result<ExprPtr> ExpressionParser::ParseStringLiteral() {
  std::string value;
  while (tokens_.Peek().kind == TokenKind::kString) value += tokens_.Advance().value;
  return StringLiteral(std::move(value));
}

// DATE '2024-01-01', TIMESTAMP '...', TIMESTAMP_NTZ '...', X'...'.
Result<ExprPtr> ExpressionParser::ParseTypedLiteral() {
  std::string type_name = ToUpperAscii(tokens_.Advance().value);
  ARROW_ASSIGN_OR_RAISE(auto text_expr, ParseStringLiteral());
  const auto& text = text_expr->As<plan::LiteralExpr>().value;
  std::shared_ptr<arrow::DataType> type;
  if (type_name == "DATE") {
    type = arrow::date32();
  } else if (type_name == "TIMESTAMP" || type_name == "TIMESTAMP_LTZ") {
    type = types::TimestampType();
  } else if (type_name == "TIMESTAMP_NTZ") {
    type = types::TimestampNtzType();
  } else if (type_name == "X") {
    ARROW_ASSIGN_OR_RAISE(auto bytes, BinaryLiteral(static_cast<const arrow::StringScalar&>(*text).view()));
    return Literal(std::move(bytes));
  } else if (type_name == "TIME") {
    type = types::TimeType();
  } else if (type_name == "INTERVAL") {
    return UnsupportedSql(type_name + " literals");
  } else {
    return ParseError("UNSUPPORTED_TYPED_LITERAL",
                      {{"unsupportedType", "\"" + type_name + "\""},
                       {"supportedTypes", R"("DATE", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP", "INTERVAL", "X", "TIME")"}});
  }
  // The text is converted when the query is analyzed: a TIMESTAMP needs the
  // session time zone, and date parsing lives with the cast functions.
  return std::make_shared<plan::CastExpr>(text_expr, type, plan::CastMode::kTypedLiteral, /*keep_name=*/false);
}

// INTERVAL [+|-]<n> <unit> [<n> <unit> ...] (numbers or strings; units YEAR ..
// MICROSECOND, plural too) and INTERVAL '<text>' <unit> TO <unit>: a
// year-month or day-time interval named as Spark names it (sql/interval_literal.h).
Result<ExprPtr> ExpressionParser::ParseIntervalLiteral() {
  static constexpr std::array<std::string_view, 9> kUnits = {"YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE",
                                                            "SECOND", "MILLISECOND", "MICROSECOND"};
  auto is_unit = [](const Token& token) {
    if (token.kind != TokenKind::kWord) return false;
    std::string word = ToUpperAscii(token.value);
    if (word.size() > 1 && word.back() == 'S') word.pop_back();
    return std::find(kUnits.begin(), kUnits.end(), word) != kUnits.end();
  };
  const size_t start = tokens_.position();
  tokens_.Advance();  // INTERVAL
  std::vector<IntervalPart> parts;
  bool string_value = false;
  while (true) {
    size_t signs = 0;
    while (tokens_.Peek(signs).IsSymbol("-") || tokens_.Peek(signs).IsSymbol("+")) ++signs;
    const Token& value = tokens_.Peek(signs);
    if ((value.kind != TokenKind::kNumber && value.kind != TokenKind::kString) || !is_unit(tokens_.Peek(signs + 1))) break;
    std::string sign;
    for (size_t k = 0; k < signs; ++k) {
      if (tokens_.Advance().IsSymbol("-")) sign = sign.empty() ? "-" : "";
    }
    string_value = tokens_.Peek().kind == TokenKind::kString;
    std::string text = sign + tokens_.Advance().value;
    parts.push_back({std::move(text), tokens_.Advance().value});
    if (parts.size() == 1 && tokens_.PeekKeyword("TO")) {
      if (!string_value) return tokens_.SyntaxError();
      tokens_.Advance();
      if (tokens_.Peek().kind != TokenKind::kWord) return tokens_.SyntaxError();
      std::string to = tokens_.Advance().value;
      ARROW_ASSIGN_OR_RAISE(auto interval, UnitToUnitInterval(parts[0].value, parts[0].unit, to));
      return Call("interval_literal", {Literal(interval.value), StringLiteral(interval.name)});
    }
  }
  if (parts.empty() && tokens_.Peek().kind != TokenKind::kString) {
    // INTERVAL 1 FORTNIGHT: a number takes one of the units.
    while (tokens_.PeekSymbol("-") || tokens_.PeekSymbol("+")) tokens_.Advance();
    tokens_.Advance();
    return tokens_.SyntaxError();
  }
  if (parts.empty()) return UnsupportedSql("INTERVAL literals without units (INTERVAL '<text>')");
  ARROW_ASSIGN_OR_RAISE(auto interval, MultiUnitInterval(parts, tokens_.SourceSince(start)));
  return Call("interval_literal", {Literal(interval.value), StringLiteral(interval.name)});
}

// CASE [operand] WHEN c THEN v ... [ELSE e] END, as the client's "when"
// function: args c1, v1, c2, v2, ..., [e]. CASE x WHEN v compares with (x = v).
Result<ExprPtr> ExpressionParser::ParseCase() {
  tokens_.Advance();
  ExprPtr operand;
  if (!tokens_.PeekKeyword("WHEN")) {
    ARROW_ASSIGN_OR_RAISE(operand, ParseExpression());
  }
  std::vector<ExprPtr> args;
  do {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("WHEN"));
    ARROW_ASSIGN_OR_RAISE(auto condition, ParseExpression());
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("THEN"));
    ARROW_ASSIGN_OR_RAISE(auto value, ParseExpression());
    args.push_back(operand ? Call("==", {operand, condition}) : condition);
    args.push_back(value);
  } while (tokens_.PeekKeyword("WHEN"));
  if (tokens_.MatchKeyword("ELSE")) {
    ARROW_ASSIGN_OR_RAISE(auto otherwise, ParseExpression());
    args.push_back(otherwise);
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("END"));
  return Call("when", std::move(args));
}

Result<ExprPtr> ExpressionParser::ParseCast(plan::CastMode mode) {
  tokens_.Advance();
  tokens_.Advance();  // (
  ARROW_ASSIGN_OR_RAISE(auto child, ParseExpression());
  if (mode == plan::CastMode::kDefault && (tokens_.PeekSymbol(",") || tokens_.PeekSymbol(")"))) {
    // cast(a, b) without AS: a call of Spark's `cast` function by name (WRONG_NUM_ARGS).
    std::vector<ExprPtr> args{std::move(child)};
    while (tokens_.MatchSymbol(",")) {
      ARROW_ASSIGN_OR_RAISE(auto arg, ParseExpression());
      args.push_back(std::move(arg));
    }
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    return Call("cast", std::move(args));
  }
  ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("AS"));
  ARROW_ASSIGN_OR_RAISE(auto type, ParseDataType());
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  return Cast(std::move(child), std::move(type), mode);
}

// A type name with its parameters (decimal(10, 2), array<struct<a: int>>,
// interval day to second); the source text goes to the DDL type parser.
Result<std::shared_ptr<arrow::DataType>> ExpressionParser::ParseDataType() {
  size_t start = tokens_.position();
  if (tokens_.Peek().kind != TokenKind::kWord) return tokens_.SyntaxError();
  bool interval = tokens_.Advance().IsKeyword("INTERVAL");
  static constexpr std::array<std::string_view, 7> kIntervalWords = {"YEAR", "MONTH",  "DAY", "HOUR",
                                                                      "MINUTE", "SECOND", "TO"};
  while (interval && std::any_of(kIntervalWords.begin(), kIntervalWords.end(),
                                 [&](std::string_view w) { return tokens_.PeekKeyword(w); })) {
    tokens_.Advance();
  }
  if (tokens_.PeekSymbol("(") || tokens_.PeekSymbol("<")) {
    // Nesting depth; >> and >>> close two and three angle brackets.
    int depth = 0;
    do {
      const Token& token = tokens_.Peek();
      if (token.kind == TokenKind::kEnd) return tokens_.SyntaxError();
      if (token.IsSymbol("(") || token.IsSymbol("<")) ++depth;
      if (token.IsSymbol(")") || token.IsSymbol(">")) --depth;
      if (token.IsSymbol(">>")) depth -= 2;
      if (token.IsSymbol(">>>")) depth -= 3;
      tokens_.Advance();
    } while (depth > 0);
  }
  return types::ParseDdlType(tokens_.SourceSince(start));
}

// ---------------------------------------------------------------------------
// Function calls

Result<ExprPtr> ExpressionParser::ParseFunctionCall(std::string name) {
  ARROW_ASSIGN_OR_RAISE(auto special, ParseSpecialFormCall(name));
  if (special) return special;
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
  std::vector<ExprPtr> args;
  bool distinct = false;
  if (!tokens_.MatchSymbol(")")) {
    bool quantifier = !tokens_.PeekSymbol(")", 1) && !tokens_.PeekSymbol(",", 1);
    if (quantifier && tokens_.MatchKeyword("DISTINCT")) {
      distinct = true;
    } else if (quantifier) {
      tokens_.MatchKeyword("ALL");
    }
    std::vector<std::string> names;  // of named arguments (`name => value`), "" for positional ones
    // struct(a AS x, b y): Spark's grammar gives struct named expressions.
    const bool named_items = EqualsIgnoreCase(name, "struct") && !distinct;
    do {
      names.emplace_back();
      if (named_items && !(tokens_.PeekSymbol("*") && (tokens_.PeekSymbol(")", 1) || tokens_.PeekSymbol(",", 1)))) {
        ARROW_ASSIGN_OR_RAISE(auto arg, ParseNamedExpression());
        args.push_back(std::move(arg));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto arg, ParseFunctionArgument(&names.back()));
      args.push_back(std::move(arg));
    } while (tokens_.MatchSymbol(","));
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    if (std::any_of(names.begin(), names.end(), [](const std::string& n) { return !n.empty(); })) {
      ARROW_ASSIGN_OR_RAISE(args, NamedArgumentsInOrder(name, std::move(args), names));
    }
  }
  if (tokens_.PeekKeyword("WITHIN") && tokens_.PeekKeyword("GROUP", 1)) {
    // WITHIN GROUP (ORDER BY ...): the orderings go first, as SortOrder
    // arguments no call can be written with (analyzer/within_group.cc).
    tokens_.Advance();
    tokens_.Advance();
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("("));
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("ORDER"));
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("BY"));
    ARROW_ASSIGN_OR_RAISE(auto orderings, ParseSortItems());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    args.insert(args.begin(), orderings.begin(), orderings.end());
  }
  bool ignore_nulls = false;
  if ((tokens_.PeekKeyword("IGNORE") || tokens_.PeekKeyword("RESPECT")) && tokens_.PeekKeyword("NULLS", 1)) {
    ignore_nulls = tokens_.Advance().IsKeyword("IGNORE");
    tokens_.Advance();
    // Spark parses first_value(x) IGNORE NULLS as first(x) (and names it so).
    if (ignore_nulls && EqualsIgnoreCase(name, "first_value")) name = "first";
    if (ignore_nulls && EqualsIgnoreCase(name, "last_value")) name = "last";
  }
  ExprPtr filter;
  if (tokens_.PeekKeyword("FILTER") && tokens_.PeekSymbol("(", 1)) {
    tokens_.Advance();
    tokens_.Advance();
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("WHERE"));
    ARROW_ASSIGN_OR_RAISE(filter, ParseExpression());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  }
  ARROW_RETURN_NOT_OK(RejectCallSuffixes());
  auto call = std::make_shared<plan::FunctionExpr>(std::move(name), std::move(args), distinct);
  call->ignore_nulls = ignore_nulls;
  call->filter = std::move(filter);
  if (tokens_.MatchClauseKeyword("OVER")) return ParseWindowSpec(std::move(call));
  return ExprPtr(std::move(call));
}

// OVER w | OVER ([PARTITION BY ...] [ORDER BY ...] [ROWS | RANGE frame]).
Result<ExprPtr> ExpressionParser::ParseWindowSpec(ExprPtr function) {
  auto window = std::make_shared<plan::WindowExpr>();
  window->function = std::move(function);
  if (!tokens_.PeekSymbol("(")) {
    ARROW_ASSIGN_OR_RAISE(window->window_name, ParseIdentifier());
    return ExprPtr(std::move(window));
  }
  tokens_.Advance();
  ARROW_RETURN_NOT_OK(ParseWindowSpecBody(window.get()));
  ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
  return ExprPtr(std::move(window));
}

Status ExpressionParser::ParseWindowSpecBody(plan::WindowExpr* window) {
  if (tokens_.Peek().IsIdentifier() && !tokens_.PeekKeyword("PARTITION") && !tokens_.PeekKeyword("DISTRIBUTE") &&
      !tokens_.PeekKeyword("ORDER") && !tokens_.PeekKeyword("SORT") && !tokens_.PeekKeyword("ROWS") &&
      !tokens_.PeekKeyword("RANGE")) {
    return UnsupportedSql("a window specification based on a named window");
  }
  if (tokens_.MatchKeywords({"PARTITION", "BY"}) || tokens_.MatchKeywords({"DISTRIBUTE", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(window->partition_spec, ParseExpressionList());
  }
  if (tokens_.MatchKeywords({"ORDER", "BY"}) || tokens_.MatchKeywords({"SORT", "BY"})) {
    ARROW_ASSIGN_OR_RAISE(window->order_spec, ParseSortItems());
  }
  if (tokens_.PeekKeyword("ROWS") || tokens_.PeekKeyword("RANGE")) {
    plan::WindowFrame frame;
    frame.type = tokens_.Advance().IsKeyword("RANGE") ? plan::WindowFrameType::kRange : plan::WindowFrameType::kRows;
    if (tokens_.MatchKeyword("BETWEEN")) {
      ARROW_ASSIGN_OR_RAISE(frame.lower, ParseFrameBoundary());
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("AND"));
      ARROW_ASSIGN_OR_RAISE(frame.upper, ParseFrameBoundary());
    } else {
      // ROWS n PRECEDING is ROWS BETWEEN n PRECEDING AND CURRENT ROW.
      ARROW_ASSIGN_OR_RAISE(frame.lower, ParseFrameBoundary());
    }
    window->frame = std::move(frame);
  }
  return Status::OK();
}

Result<plan::WindowFrameBoundary> ExpressionParser::ParseFrameBoundary() {
  plan::WindowFrameBoundary boundary;
  using Kind = plan::WindowFrameBoundary::Kind;
  if (tokens_.MatchKeywords({"CURRENT", "ROW"})) {
    boundary.kind = Kind::kCurrentRow;
    return boundary;
  }
  if (tokens_.PeekKeyword("UNBOUNDED") && (tokens_.PeekKeyword("PRECEDING", 1) || tokens_.PeekKeyword("FOLLOWING", 1))) {
    tokens_.Advance();
    boundary.kind = tokens_.Advance().IsKeyword("PRECEDING") ? Kind::kUnboundedPreceding : Kind::kUnboundedFollowing;
    return boundary;
  }
  boundary.kind = Kind::kValue;
  // The offset is a value expression: PRECEDING / FOLLOWING end it.
  ARROW_ASSIGN_OR_RAISE(boundary.value, ParseBinary(0));
  if (tokens_.MatchKeyword("PRECEDING")) {
    boundary.preceding = true;
  } else {
    ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("FOLLOWING"));
  }
  return boundary;
}

Result<ExprPtr> ExpressionParser::ParseFunctionArgument(std::string* name) {
  if (tokens_.PeekSymbol("*") && (tokens_.PeekSymbol(")", 1) || tokens_.PeekSymbol(",", 1))) {
    tokens_.Advance();
    return std::make_shared<plan::StarExpr>(std::vector<std::string>{});  // count(*)
  }
  // A lambda function, x -> body or (x, y) -> body: lambdafunction(body, x, y).
  std::vector<std::string> variables;
  size_t head = 0;  // tokens before the arrow
  if (tokens_.Peek().IsIdentifier() && tokens_.PeekSymbol("->", 1)) {
    variables.push_back(tokens_.Peek().value);
    head = 1;
  } else if (tokens_.PeekSymbol("(")) {
    std::vector<std::string> names;
    for (size_t k = 1; tokens_.Peek(k).IsIdentifier(); k += 2) {
      names.push_back(tokens_.Peek(k).value);
      if (tokens_.PeekSymbol(")", k + 1) && tokens_.PeekSymbol("->", k + 2)) {
        variables = std::move(names);
        head = k + 2;
        break;
      }
      if (!tokens_.PeekSymbol(",", k + 1)) break;
    }
  }
  if (!variables.empty()) {
    for (size_t k = 0; k < head; ++k) tokens_.Advance();
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol("->"));
    ARROW_ASSIGN_OR_RAISE(auto body, ParseExpression());
    std::vector<ExprPtr> args{std::move(body)};
    for (auto& v : variables) {
      args.push_back(std::make_shared<plan::ColumnExpr>(std::vector<std::string>{std::move(v)}, std::nullopt));
    }
    return Call("lambdafunction", std::move(args));
  }
  if (tokens_.Peek().IsIdentifier() && tokens_.PeekSymbol("=>", 1)) {
    *name = tokens_.Advance().value;
    tokens_.Advance();
  }
  return ParseExpression();
}

Result<std::vector<ExprPtr>> ExpressionParser::ParseSortItems() {
  std::vector<ExprPtr> items;
  do {
    ARROW_ASSIGN_OR_RAISE(auto item, ParseExpression());
    bool ascending = !tokens_.MatchKeyword("DESC");
    if (ascending) tokens_.MatchKeyword("ASC");
    bool nulls_first = ascending;
    if (tokens_.MatchKeyword("NULLS")) {
      if (tokens_.MatchKeyword("FIRST")) {
        nulls_first = true;
      } else {
        ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("LAST"));
        nulls_first = false;
      }
    }
    items.push_back(std::make_shared<plan::SortOrderExpr>(std::move(item), ascending, nulls_first));
  } while (tokens_.MatchSymbol(","));
  return items;
}

// Clauses after a call in a place Spark's grammar does not take them.
Status ExpressionParser::RejectCallSuffixes() {
  if (tokens_.PeekKeyword("WITHIN") && tokens_.PeekKeyword("GROUP", 1)) return UnsupportedSql("WITHIN GROUP");
  return Status::OK();
}

// Calls with keyword syntax: EXTRACT(f FROM e), POSITION(a IN b),
// SUBSTRING(s FROM p [FOR l]), TRIM([BOTH | LEADING | TRAILING] [c] FROM s),
// OVERLAY(s PLACING r FROM p [FOR l]). Returns
// nullptr (tokens untouched) when the call uses the ordinary syntax.
Result<ExprPtr> ExpressionParser::ParseSpecialFormCall(const std::string& called_name) {
  std::string name = ToLowerAscii(called_name);
  size_t start = tokens_.position();
  tokens_.Advance();  // (
  if (name == "extract" && tokens_.Peek().IsIdentifier() && tokens_.PeekKeyword("FROM", 1)) {
    std::string field = ToUpperAscii(tokens_.Advance().value);
    tokens_.Advance();
    ARROW_ASSIGN_OR_RAISE(auto source, ParseExpression());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    return Call("extract", {StringLiteral(field), source});
  }
  if (name == "trim" && (tokens_.PeekKeyword("BOTH") || tokens_.PeekKeyword("LEADING") ||
                         tokens_.PeekKeyword("TRAILING"))) {
    // TRIM(BOTH | LEADING | TRAILING [chars] FROM str) is trim / ltrim / rtrim([chars, ]str).
    std::string side = ToUpperAscii(tokens_.Advance().value);
    std::string function = side == "BOTH" ? "trim" : side == "LEADING" ? "ltrim" : "rtrim";
    std::vector<ExprPtr> args;
    if (!tokens_.MatchKeyword("FROM")) {
      ARROW_ASSIGN_OR_RAISE(auto chars, ParseExpression());
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("FROM"));
      args.push_back(std::move(chars));
    }
    ARROW_ASSIGN_OR_RAISE(auto source, ParseExpression());
    ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
    args.push_back(std::move(source));  // trim(chars, str): the characters come first
    return Call(function, std::move(args));
  }
  if (name == "position" || name == "substring" || name == "substr" || name == "trim" || name == "overlay") {
    // POSITION's operands are value expressions, so IN is not read as a predicate.
    ARROW_ASSIGN_OR_RAISE(auto first, name == "position" ? ParseBinary(0) : ParseExpression());
    if (name == "position" && tokens_.MatchKeyword("IN")) {
      ARROW_ASSIGN_OR_RAISE(auto text, ParseBinary(0));
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      return Call("locate", {first, text, Literal(arrow::MakeScalar(int32_t{1}))});
    }
    if ((name == "substring" || name == "substr") && tokens_.MatchKeyword("FROM")) {
      std::vector<ExprPtr> args = {first};
      ARROW_ASSIGN_OR_RAISE(auto position, ParseExpression());
      args.push_back(position);
      if (tokens_.MatchKeyword("FOR")) {
        ARROW_ASSIGN_OR_RAISE(auto length, ParseExpression());
        args.push_back(length);
      }
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      return Call("substring", std::move(args));
    }
    if (name == "trim" && tokens_.MatchKeyword("FROM")) {  // TRIM(chars FROM str)
      ARROW_ASSIGN_OR_RAISE(auto source, ParseExpression());
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      return Call("trim", {first, source});
    }
    if (name == "overlay" && tokens_.MatchKeyword("PLACING")) {  // OVERLAY(s PLACING r FROM p [FOR l])
      std::vector<ExprPtr> args = {first};
      ARROW_ASSIGN_OR_RAISE(auto replacement, ParseExpression());
      args.push_back(std::move(replacement));
      ARROW_RETURN_NOT_OK(tokens_.ExpectKeyword("FROM"));
      ARROW_ASSIGN_OR_RAISE(auto position, ParseExpression());
      args.push_back(std::move(position));
      if (tokens_.MatchKeyword("FOR")) {
        ARROW_ASSIGN_OR_RAISE(auto length, ParseExpression());
        args.push_back(std::move(length));
      }
      ARROW_RETURN_NOT_OK(tokens_.ExpectSymbol(")"));
      return Call("overlay", std::move(args));
    }
  }
  tokens_.Rewind(start);
  return nullptr;
}

}  // namespace sk8::sql
