#include <gtest/gtest.h>

#include <sstream>

#include "common/spark_error.h"
#include "plan/sql_nodes.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "types/spark_types.h"

namespace sk8::sql {
namespace {

using plan::ExprKind;
using plan::PlanKind;

// Compact renderings of unresolved trees, so tests read like the SQL they parse.
std::string Render(const plan::ExprPtr& expr);

std::string RenderList(const std::vector<plan::ExprPtr>& exprs) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) out += (i ? ", " : "") + Render(exprs[i]);
  return out;
}

std::string JoinParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

std::string Render(const plan::ExprPtr& expr) {
  switch (expr->kind()) {
    case ExprKind::kLiteral: {
      const auto& value = *expr->As<plan::LiteralExpr>().value;
      return value.ToString() + ":" + types::SimpleString(*value.type);
    }
    case ExprKind::kColumn: return JoinParts(expr->As<plan::ColumnExpr>().name_parts);
    case ExprKind::kStar: {
      const auto& star = expr->As<plan::StarExpr>();
      std::string out = star.target.empty() ? "*" : JoinParts(star.target) + ".*";
      if (const auto* except = dynamic_cast<const plan::StarExceptExpr*>(&star)) {
        for (size_t i = 0; i < except->except.size(); ++i) {
          out += (i ? ", " : " EXCEPT ") + JoinParts(except->except[i]);
        }
      }
      return out;
    }
    case ExprKind::kFunction: {
      const auto& call = expr->As<plan::FunctionExpr>();
      return call.name + "(" + (call.distinct ? "DISTINCT " : "") + RenderList(call.args) + ")";
    }
    case ExprKind::kAlias: {
      const auto& alias = expr->As<plan::AliasExpr>();
      if (const auto* generated = dynamic_cast<const plan::GeneratedNameExpr*>(&alias)) {
        return Render(alias.child) + " AS " + alias.names[0] + " % " + RenderList(generated->named_after);
      }
      return Render(alias.child) + " AS " + JoinParts(alias.names);
    }
    case ExprKind::kCast: {
      const auto& cast = expr->As<plan::CastExpr>();
      std::string mode = cast.mode == plan::CastMode::kTry ? "try_cast" : cast.mode == plan::CastMode::kAnsi ? "ansi_cast" : cast.mode == plan::CastMode::kTypedLiteral ? "typed_literal" : "cast";
      return mode + "(" + Render(cast.child) + " AS " + types::SimpleString(*cast.type) + ")" +
             (cast.keeps_child_name ? "#named" : "");
    }
    case ExprKind::kSortOrder: {
      const auto& order = expr->As<plan::SortOrderExpr>();
      return Render(order.child) + (order.ascending ? " ASC" : " DESC") + (order.nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    case ExprKind::kSqlText: return "sql(" + expr->As<plan::SqlTextExpr>().text + ")";
    case ExprKind::kInSubquery: return Render(expr->As<plan::InSubqueryExpr>().value) + " IN (subquery)";
    case ExprKind::kScalarSubquery: return "(scalar subquery)";
    case ExprKind::kExists: return "EXISTS (subquery)";
    case ExprKind::kWindow: {
      const auto& window = expr->As<plan::WindowExpr>();
      std::string out = Render(window.function) + " OVER (";
      if (!window.window_name.empty()) out += "w=" + window.window_name;
      if (!window.partition_spec.empty()) out += "PARTITION " + RenderList(window.partition_spec);
      if (!window.order_spec.empty()) out += " ORDER " + RenderList(window.order_spec);
      if (window.frame) {
        auto bound = [](const plan::WindowFrameBoundary& b) -> std::string {
          using Kind = plan::WindowFrameBoundary::Kind;
          switch (b.kind) {
            case Kind::kUnboundedPreceding: return "UP";
            case Kind::kUnboundedFollowing: return "UF";
            case Kind::kCurrentRow: return "CR";
            case Kind::kValue: return Render(b.value) + (b.preceding ? " P" : " F");
          }
          return "?";
        };
        out += std::string(window.frame->type == plan::WindowFrameType::kRows ? " ROWS " : " RANGE ") +
               bound(window.frame->lower) + ".." + bound(window.frame->upper);
      }
      return out + ")";
    }
  }
  return "?";
}

std::string Render(const plan::PlanPtr& node) {
  std::string child = node->children.empty() ? "" : " <- " + Render(node->children[0]);
  switch (node->kind()) {
    case PlanKind::kProject: return "Project[" + RenderList(node->As<plan::ProjectPlan>().expressions) + "]" + child;
    case PlanKind::kFilter: return "Filter[" + Render(node->As<plan::FilterPlan>().condition) + "]" + child;
    case PlanKind::kAggregate: {
      const auto& agg = node->As<plan::AggregatePlan>();
      const bool all = dynamic_cast<const plan::GroupByAllPlan*>(&agg) != nullptr;
      return "Aggregate[" + (all ? std::string("ALL") : RenderList(agg.grouping)) + "; " +
             RenderList(agg.aggregates) + "]" + child;
    }
    case PlanKind::kSort: {
      const auto& sort = node->As<plan::SortPlan>();
      return std::string(sort.is_global ? "Sort[" : "LocalSort[") + RenderList(sort.order) + "]" + child;
    }
    case PlanKind::kLimit: return "Limit[" + std::to_string(node->As<plan::LimitPlan>().limit) + "]" + child;
    case PlanKind::kOffset: return "Offset[" + std::to_string(node->As<plan::OffsetPlan>().offset) + "]" + child;
    case PlanKind::kDeduplicate: return "Distinct" + child;
    case PlanKind::kSetOperation:
      return "SetOperation(" + Render(node->children[0]) + ", " + Render(node->children[1]) + ")";
    case PlanKind::kNamedTable: return "Table[" + JoinParts(node->As<plan::NamedTablePlan>().name_parts) + "]";
    case PlanKind::kSubqueryAlias: return "Alias[" + node->As<plan::SubqueryAliasPlan>().alias + "]" + child;
    case PlanKind::kToDF: return "ToDF[" + JoinParts(node->As<plan::ToDFPlan>().column_names) + "]" + child;
    case PlanKind::kRange: {
      const auto& range = node->As<plan::RangePlan>();
      return "Range[" + std::to_string(range.start) + ", " + std::to_string(range.end) + ", " +
             std::to_string(range.step) + (range.num_partitions ? ", " + std::to_string(*range.num_partitions) : "") + "]";
    }
    case PlanKind::kLocalRelation: {
      const auto& table = node->As<plan::LocalRelationPlan>().data;
      std::string fields;
      for (const auto& f : table->schema()->fields()) {
        fields += (fields.empty() ? "" : ", ") + f->name() + ":" + types::SimpleString(*f->type()) + (f->nullable() ? "?" : "");
      }
      return "Local[" + fields + "; " + std::to_string(table->num_rows()) + " rows]";
    }
    case PlanKind::kJoin: {
      const auto& join = node->As<plan::JoinPlan>();
      std::string out = std::string(join.natural ? "Natural" : "") + plan::JoinTypeName(join.join_type) + "Join[";
      if (join.condition) out += Render(join.condition);
      if (!join.using_columns.empty()) out += "USING " + JoinParts(join.using_columns);
      return out + "](" + Render(join.children[0]) + ", " + Render(join.children[1]) + ")";
    }
    default: return "Plan?" + child;
  }
}

std::string Expr(std::string_view text) {
  auto result = ParseExpression(text);
  return result.ok() ? Render(*result) : "ERROR " + result.status().ToString();
}

std::string Query(std::string_view text) {
  auto result = ParseQuery(text);
  return result.ok() ? Render(*result) : "ERROR " + result.status().ToString();
}

/// "CLASS {k=v, ...}" of a failed parse, for comparing with Spark's getCondition
/// and getMessageParameters.
std::string Describe(const Status& status) {
  const SparkErrorDetail* detail = GetSparkError(status);
  if (detail == nullptr) return "no Spark error: " + status.ToString();
  std::string out = detail->error_class() + " {";
  for (size_t i = 0; i < detail->parameters().size(); ++i) {
    out += (i ? ", " : "") + detail->parameters()[i].first + "=" + detail->parameters()[i].second;
  }
  return out + "}";
}

std::string QueryError(std::string_view text, const SqlParameters& parameters = {}) {
  auto result = ParseQuery(text, parameters);
  return result.ok() ? "OK " + Render(*result) : Describe(result.status());
}

std::string ExprError(std::string_view text) {
  auto result = ParseExpression(text);
  return result.ok() ? "OK " + Render(*result) : Describe(result.status());
}

// ---------------------------------------------------------------------------
// Lexer

std::string Tokens(std::string_view text) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return Describe(tokens.status());
  std::string out;
  for (const auto& token : *tokens) {
    if (token.kind == TokenKind::kEnd) break;
    static const char* kKinds[] = {"word", "qid", "str", "num", "bin", "sym", "invalid", "end"};
    out += (out.empty() ? "" : " ") + std::string(kKinds[static_cast<int>(token.kind)]) + ":" + token.value;
  }
  return out;
}

TEST(SqlLexer, WordsNumbersAndSymbols) {
  EXPECT_EQ(Tokens("SELECT a1, _b FROM t"), "word:SELECT word:a1 sym:, word:_b word:FROM word:t");
  EXPECT_EQ(Tokens("1 1L 1.5 .5 1. 1e3 1.5BD 1e-3D 2Y 3S 4F"),
            "num:1 num:1L num:1.5 num:.5 num:1. num:1e3 num:1.5BD num:1e-3D num:2Y num:3S num:4F");
  // Like Spark's lexer: a digit-led word is an identifier; "1.5e" is 1 . 5e.
  EXPECT_EQ(Tokens("1a 0x10 1_000 1.5e"), "word:1a word:0x10 word:1_000 num:1 sym:. word:5e");
  EXPECT_EQ(Tokens("a<=>b<=c<>d!=e==f||g::h->i>>>j"),
            "word:a sym:<=> word:b sym:<= word:c sym:<> word:d sym:!= word:e sym:== word:f sym:|| word:g "
            "sym::: word:h sym:-> word:i sym:>>> word:j");
  EXPECT_EQ(Tokens("a-1"), "word:a sym:- num:1");
}

TEST(SqlLexer, QuotedIdentifiersAndStrings) {
  EXPECT_EQ(Tokens("`a b` `x``y`"), "qid:a b qid:x`y");
  EXPECT_EQ(Tokens(R"('it''s' "dq" 'a\'b' "a""b")"), "str:it's str:dq str:a'b str:a\"b");
  EXPECT_EQ(Tokens(R"('\u0041\101\%\_\z\n')"), "str:AA\\%\\_z\n");
  EXPECT_EQ(Tokens(R"(r'\n' X'0A')"), "str:\\n bin:0A");
}

TEST(SqlLexer, CommentsAndInvalidCharacters) {
  EXPECT_EQ(Tokens("a -- c\n b /* x /* nested */ y */ c /*+ HINT */ d"), "word:a word:b word:c word:d");
  EXPECT_EQ(Tokens("SELECT 'abc"), "word:SELECT invalid:' word:abc");
  EXPECT_EQ(Tokens("@ $a"), "invalid:@ invalid:$ word:a");
  EXPECT_EQ(Tokens("SELECT 1 /* x /* y */"), "UNCLOSED_BRACKETED_COMMENT {}");
}

// ---------------------------------------------------------------------------
// Literals (types verified against Spark 4.1)

TEST(SqlLiterals, NumbersAreTypedAsInSpark) {
  EXPECT_EQ(Expr("1"), "1:int");
  EXPECT_EQ(Expr("1L"), "1:bigint");
  EXPECT_EQ(Expr("1S"), "1:smallint");
  EXPECT_EQ(Expr("1Y"), "1:tinyint");
  EXPECT_EQ(Expr("2147483648"), "2147483648:bigint");
  EXPECT_EQ(Expr("9223372036854775808"), "9223372036854775808:decimal(19,0)");
  EXPECT_EQ(Expr("1.5"), "1.5:decimal(2,1)");
  EXPECT_EQ(Expr(".5"), "0.5:decimal(1,1)");
  EXPECT_EQ(Expr("1."), "1:decimal(1,0)");
  EXPECT_EQ(Expr("0.00"), "0.00:decimal(2,2)");
  EXPECT_EQ(Expr("1.50"), "1.50:decimal(3,2)");
  EXPECT_EQ(Expr("1.5BD"), "1.5:decimal(2,1)");
  EXPECT_EQ(Expr("1e3BD"), "1000:decimal(4,0)");
  EXPECT_EQ(Expr("1.0e0BD"), "1.0:decimal(2,1)");
  EXPECT_EQ(Expr("1e3"), "1000:double");
  EXPECT_EQ(Expr("1.5D"), "1.5:double");
  EXPECT_EQ(Expr("1.5F"), "1.5:float");
  EXPECT_EQ(Expr("00012"), "12:int");
}

TEST(SqlLiterals, NegativeNumbersAreLiterals) {
  EXPECT_EQ(Expr("-1"), "-1:int");
  EXPECT_EQ(Expr("- 1"), "-1:int");
  EXPECT_EQ(Expr("-2147483648"), "-2147483648:int");
  EXPECT_EQ(Expr("-128Y"), "-128:tinyint");
  EXPECT_EQ(Expr("-9223372036854775808L"), "-9223372036854775808:bigint");
  EXPECT_EQ(Expr("-1.5"), "-1.5:decimal(2,1)");
  EXPECT_EQ(Expr("-(1)"), "unary_minus(1:int)");
  EXPECT_EQ(Expr("- -1"), "unary_minus(-1:int)");
  EXPECT_EQ(Expr("-1::string"), "cast(-1:int AS string)");
}

TEST(SqlLiterals, OutOfRangeNumbers) {
  EXPECT_EQ(ExprError("128Y"),
            "INVALID_NUMERIC_LITERAL_RANGE {rawStrippedQualifier=128, minValue=-128, maxValue=127, typeName=tinyint}");
  EXPECT_EQ(ExprError("32768S"),
            "INVALID_NUMERIC_LITERAL_RANGE {rawStrippedQualifier=32768, minValue=-32768, maxValue=32767, typeName=smallint}");
  EXPECT_EQ(ExprError("9223372036854775808L"),
            "INVALID_NUMERIC_LITERAL_RANGE {rawStrippedQualifier=9223372036854775808, minValue=-9223372036854775808, "
            "maxValue=9223372036854775807, typeName=bigint}");
  EXPECT_EQ(ExprError("1e400"),
            "INVALID_NUMERIC_LITERAL_RANGE {rawStrippedQualifier=1e400, minValue=-1.7976931348623157E+308, "
            "maxValue=1.7976931348623157E+308, typeName=double}");
  EXPECT_EQ(ExprError("1e39F"),
            "INVALID_NUMERIC_LITERAL_RANGE {rawStrippedQualifier=1e39, minValue=-3.4028234663852886E+38, "
            "maxValue=3.4028234663852886E+38, typeName=float}");
  EXPECT_EQ(ExprError("9999999999999999999999999999999999999999"),
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION {precision=40, maxPrecision=38}");
}

TEST(SqlLiterals, StringsBooleansNullAndTypedLiterals) {
  EXPECT_EQ(Expr("'a' \"b\" 'c'"), "abc:string");
  EXPECT_EQ(Expr("TRUE"), "true:boolean");
  EXPECT_EQ(Expr("false"), "false:boolean");
  EXPECT_EQ(Expr("NULL"), "null:void");
  EXPECT_EQ(Expr("X'0A'"), "\n:binary");
  EXPECT_EQ(Expr("X'1'"), std::string("\x01", 1) + ":binary");
  EXPECT_EQ(Expr("DATE '2024-01-01'"), "typed_literal(2024-01-01:string AS date)");
  EXPECT_EQ(Expr("TIMESTAMP '2024-01-01 00:00:00'"), "typed_literal(2024-01-01 00:00:00:string AS timestamp)");
  EXPECT_EQ(Expr("timestamp_ntz '2024-01-01'"), "typed_literal(2024-01-01:string AS timestamp_ntz)");
  EXPECT_EQ(ExprError("X'ZZ'"), "INVALID_TYPED_LITERAL {valueType=\"X\", value='ZZ'}");
  EXPECT_EQ(ExprError("foo 'x'"),
            "UNSUPPORTED_TYPED_LITERAL {unsupportedType=\"FOO\", supportedTypes=\"DATE\", \"TIMESTAMP_NTZ\", "
            "\"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", \"X\", \"TIME\"}");
}

// ---------------------------------------------------------------------------
// Expressions

TEST(SqlExpressions, ArithmeticPrecedence) {
  EXPECT_EQ(Expr("1 + 2 * 3"), "+(1:int, *(2:int, 3:int))");
  EXPECT_EQ(Expr("1 - 2 - 3"), "-(-(1:int, 2:int), 3:int)");
  EXPECT_EQ(Expr("2 * (3 + 4)"), "*(2:int, +(3:int, 4:int))");
  EXPECT_EQ(Expr("a % 2 DIV 3 / 4"), "/(div(%(a, 2:int), 3:int), 4:int)");
  EXPECT_EQ(Expr("-a * 2"), "*(unary_minus(a), 2:int)");
  EXPECT_EQ(Expr("+a"), "positive(a)");
  EXPECT_EQ(Expr("~a"), "~(a)");
  EXPECT_EQ(Expr("1 || 2 + 3"), "+(concat(1:int, 2:int), 3:int)");
  EXPECT_EQ(Expr("a & 1 + 1"), "&(a, +(1:int, 1:int))");
  EXPECT_EQ(Expr("a | 1 ^ 2 & 3"), "|(a, ^(1:int, &(2:int, 3:int)))");
  EXPECT_EQ(Expr("a << 1 + 1"), "<<(a, +(1:int, 1:int))");
}

TEST(SqlExpressions, ComparisonsAndBooleans) {
  EXPECT_EQ(Expr("a = 1"), "==(a, 1:int)");
  EXPECT_EQ(Expr("a == 1"), "==(a, 1:int)");
  EXPECT_EQ(Expr("a != 1"), "not(==(a, 1:int))");
  EXPECT_EQ(Expr("a <> 1"), "not(==(a, 1:int))");
  EXPECT_EQ(Expr("a <=> 1"), "<=>(a, 1:int)");
  EXPECT_EQ(Expr("a = 1 = true"), "==(==(a, 1:int), true:boolean)");
  EXPECT_EQ(Expr("1 < 2 = true"), "==(<(1:int, 2:int), true:boolean)");
  EXPECT_EQ(Expr("NOT a = 1"), "not(==(a, 1:int))");
  EXPECT_EQ(Expr("!b"), "not(b)");
  EXPECT_EQ(Expr("b OR NOT b AND c"), "or(b, and(not(b), c))");
  EXPECT_EQ(Expr("NOT NOT b"), "not(not(b))");
}

TEST(SqlExpressions, Predicates) {
  EXPECT_EQ(Expr("a IS NULL"), "isnull(a)");
  EXPECT_EQ(Expr("a IS NOT NULL"), "isnotnull(a)");
  EXPECT_EQ(Expr("a = 1 IS NULL"), "isnull(==(a, 1:int))");
  EXPECT_EQ(Expr("b IS TRUE"), "<=>(b, true:boolean)");
  EXPECT_EQ(Expr("b IS NOT FALSE"), "not(<=>(b, false:boolean))");
  EXPECT_EQ(Expr("b IS UNKNOWN"), "isnull(b)");
  EXPECT_EQ(Expr("a IS DISTINCT FROM 1"), "not(<=>(a, 1:int))");
  EXPECT_EQ(Expr("a IS NOT DISTINCT FROM 1"), "<=>(a, 1:int)");
  EXPECT_EQ(Expr("a BETWEEN 1 AND 2 AND b"), "and(between(a, 1:int, 2:int), b)");
  EXPECT_EQ(Expr("a NOT BETWEEN 1 AND 2"), "not(between(a, 1:int, 2:int))");
  EXPECT_EQ(Expr("a IN (1, 2)"), "in(a, 1:int, 2:int)");
  EXPECT_EQ(Expr("a NOT IN (1)"), "not(in(a, 1:int))");
  EXPECT_EQ(Expr("s LIKE 'x%'"), "like(s, x%:string)");
  EXPECT_EQ(Expr("s NOT LIKE 'x'"), "not(like(s, x:string))");
  EXPECT_EQ(Expr("s ILIKE 'x'"), "ilike(s, x:string)");
  EXPECT_EQ(Expr("s RLIKE 'x'"), "rlike(s, x:string)");
  EXPECT_EQ(Expr("s REGEXP 'x'"), "rlike(s, x:string)");
  EXPECT_EQ(Expr("s LIKE ANY ('a%', 'b')"), "or(or(like(s, a%:string), like(s, b:string)), and(null:void, false:boolean)) AS likeany(%s) % s");
  EXPECT_EQ(Expr("s NOT LIKE ALL ('a')"), "or(not(like(s, a:string)), and(null:void, false:boolean)) AS notlikeall(%s) % s");
  EXPECT_EQ(Expr("s LIKE SOME ('a', NULL)"), "or(like(s, a:string), like(s, null:void))");
  EXPECT_EQ(Expr("s ILIKE ALL ('A', t)"), "and(like(lower(s), lower(A:string)), like(lower(s), lower(t)))");
  EXPECT_EQ(ExprError("s LIKE ANY ()"),
            "_LEGACY_ERROR_TEMP_0064 {msg=Expected something between '(' and ')'.}");
}

TEST(SqlExpressions, NamedArguments) {
  EXPECT_EQ(Expr("mask(s, lowerChar => 'q')"), "mask(s, X:string, q:string, n:string, null:string)");
  EXPECT_EQ(Expr("MASK(str => s, upperChar => 'Q', otherChar => '-')"),
            "MASK(s, Q:string, x:string, n:string, -:string)");
  EXPECT_EQ(ExprError("substr(str => 'a', pos => 1)"), "NAMED_PARAMETERS_NOT_SUPPORTED {functionName=`substr`}");
}

TEST(SqlExpressions, ColumnsFieldsAndStars) {
  EXPECT_EQ(Expr("a"), "a");
  EXPECT_EQ(Expr("t.a"), "t.a");
  EXPECT_EQ(Expr("`a b`.`c`"), "a b.c");
  EXPECT_EQ(Expr("arr[0]"), "extract_value(arr, 0:int)");
  EXPECT_EQ(Expr("m['k'].x"), "extract_value(extract_value(m, k:string), x:string)");
  EXPECT_EQ(Expr("*"), "*");
  EXPECT_EQ(Expr("t.*"), "t.*");
  EXPECT_EQ(Expr("* EXCEPT (a, `b c`.d)"), "* EXCEPT a, b c.d");
  EXPECT_EQ(Expr("1a"), "1a");
}

TEST(SqlExpressions, FunctionCalls) {
  EXPECT_EQ(Expr("abs(a)"), "abs(a)");
  EXPECT_EQ(Expr("ABS(a)"), "ABS(a)");  // the registry resolves names case-insensitively
  EXPECT_EQ(Expr("count(*)"), "count(*)");
  EXPECT_EQ(Expr("count(DISTINCT a, b)"), "count(DISTINCT a, b)");
  EXPECT_EQ(Expr("count(ALL a)"), "count(a)");
  EXPECT_EQ(Expr("f()"), "f()");
  EXPECT_EQ(Expr("`my f`(1)"), "my f(1:int)");
  EXPECT_EQ(Expr("current_date"), "current_date()");
  EXPECT_EQ(Expr("(a, b)"), "struct(a, b)");
  EXPECT_EQ(Expr("extract(YEAR FROM d)"), "extract(YEAR:string, d)");
  EXPECT_EQ(Expr("position('a' IN s)"), "locate(a:string, s, 1:int)");
  EXPECT_EQ(Expr("position('a', s)"), "position(a:string, s)");
  EXPECT_EQ(Expr("substring(s FROM 1 FOR 2)"), "substring(s, 1:int, 2:int)");
  EXPECT_EQ(Expr("substr(s, 1)"), "substr(s, 1:int)");
  EXPECT_EQ(Expr("trim(BOTH 'x' FROM s)"), "trim(x:string, s)");
  EXPECT_EQ(Expr("trim(LEADING FROM s)"), "ltrim(s)");
  EXPECT_EQ(Expr("trim(TRAILING 'x' FROM s)"), "rtrim(x:string, s)");
  EXPECT_EQ(Expr("trim('x' FROM s)"), "trim(x:string, s)");
  EXPECT_EQ(Expr("overlay(s PLACING 'x' FROM 2 FOR 3)"), "overlay(s, x:string, 2:int, 3:int)");
  EXPECT_EQ(Expr("s LIKE 'a!%' ESCAPE '!'"), "like(s, a!%:string, !:string)");
}

TEST(SqlExpressions, CaseAndCast) {
  EXPECT_EQ(Expr("CASE WHEN b THEN 1 ELSE 0 END"), "when(b, 1:int, 0:int)");
  EXPECT_EQ(Expr("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END"), "when(==(a, 1:int), x:string, ==(a, 2:int), y:string)");
  EXPECT_EQ(Expr("CAST(a AS STRING)"), "cast(a AS string)#named");
  EXPECT_EQ(Expr("CAST(a + 1 AS decimal(10, 2))"), "cast(+(a, 1:int) AS decimal(10,2))");
  EXPECT_EQ(Expr("TRY_CAST(s AS INT)"), "try_cast(s AS int)#named");
  EXPECT_EQ(Expr("a::array<array<int>>"), "cast(a AS array<array<int>>)#named");
  EXPECT_EQ(Expr("CAST(a AS struct<x: int, y: map<string, int>>)"), "cast(a AS struct<x:int,y:map<string,int>>)#named");
  EXPECT_EQ(ExprError("CAST(a AS foo)"), "UNSUPPORTED_DATATYPE {typeName=\"FOO\"}");
}

TEST(SqlExpressions, Aliases) {
  EXPECT_EQ(Expr("a + 1 AS b"), "+(a, 1:int) AS b");
  EXPECT_EQ(Expr("a b"), "a AS b");
  EXPECT_EQ(Expr("a AS `x y`"), "a AS x y");
  EXPECT_EQ(Expr("a AS (x, y)"), "a AS x.y");
  EXPECT_EQ(Expr("1 AS from"), "1:int AS from");
  EXPECT_EQ(Expr("1 IS"), "1:int AS IS");  // Spark reads a trailing keyword as an alias
}

TEST(SqlExpressions, IntervalLiterals) {
  auto days = ParseExpression("INTERVAL '90' DAY");
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  auto years = ParseExpression("INTERVAL 1 YEAR");
  ASSERT_TRUE(years.ok()) << years.status().ToString();
}

TEST(SqlExpressions, UnsupportedConstructs) {
  for (const char* text : {"a IN (SELECT 1)", "EXISTS (SELECT 1)", "(SELECT 1)", "INTERVAL '1 day'",
                           "IDENTIFIER('a' || 'b')"}) {
    auto result = ParseExpression(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_TRUE(result.status().IsNotImplemented()) << text << ": " << result.status().ToString();
    EXPECT_NE(result.status().message().find("SQL "), std::string::npos) << text;
  }
}

TEST(SqlExpressions, WindowSpecifications) {
  auto expr = [](const char* text) {
    auto result = ParseExpression(text);
    return result.ok() ? Render(*result) : result.status().ToString();
  };
  EXPECT_EQ(expr("sum(a) OVER ()"), "sum(a) OVER ()");
  EXPECT_EQ(expr("rank() OVER (PARTITION BY k ORDER BY v DESC)"),
            "rank() OVER (PARTITION k ORDER v DESC NULLS LAST)");
  EXPECT_EQ(expr("sum(a) OVER (ORDER BY v ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"),
            "sum(a) OVER ( ORDER v ASC NULLS FIRST ROWS 2:int P..CR)");
  EXPECT_EQ(expr("sum(a) OVER (ORDER BY v RANGE UNBOUNDED PRECEDING)"),
            "sum(a) OVER ( ORDER v ASC NULLS FIRST RANGE UP..CR)");
  EXPECT_EQ(expr("lag(a) IGNORE NULLS OVER w"), "lag(a) OVER (w=w)");
}

// ---------------------------------------------------------------------------
// Queries

TEST(SqlQueries, SelectWithoutFrom) {
  EXPECT_EQ(Query("SELECT 1 + 2"), "Project[+(1:int, 2:int)] <- Local[; 1 rows]");
  EXPECT_EQ(Query("select 1 a, 'x' AS b;"), "Project[1:int AS a, x:string AS b] <- Local[; 1 rows]");
}

TEST(SqlQueries, SelectClauses) {
  EXPECT_EQ(Query("SELECT a, b FROM t WHERE a > 1"), "Project[a, b] <- Filter[>(a, 1:int)] <- Table[t]");
  EXPECT_EQ(Query("SELECT * FROM db.t AS x"), "Project[*] <- Alias[x] <- Table[db.t]");
  EXPECT_EQ(Query("SELECT x.* FROM t x(p, q)"), "Project[x.*] <- Alias[x] <- ToDF[p.q] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t ORDER BY a DESC, b NULLS LAST, c DESC NULLS FIRST"),
            "Sort[a DESC NULLS LAST, b ASC NULLS LAST, c DESC NULLS FIRST] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t SORT BY a"), "LocalSort[a ASC NULLS FIRST] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t LIMIT 2 OFFSET 1"), "Limit[2] <- Offset[1] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t LIMIT ALL"), "Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t LIMIT -1"), "Limit[-1] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT ALL a FROM t"), "Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT * FROM (SELECT a FROM t) s"), "Project[*] <- Alias[s] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("(SELECT 1)"), "Project[1:int] <- Local[; 1 rows]");
  EXPECT_EQ(Query("TABLE t"), "Table[t]");
}

TEST(SqlQueries, Aggregation) {
  EXPECT_EQ(Query("SELECT a, count(*) FROM t GROUP BY a"), "Aggregate[a; a, count(*)] <- Table[t]");
  EXPECT_EQ(Query("SELECT a AS x, sum(b) FROM t GROUP BY 1 HAVING sum(b) > 0"),
            "Filter[>(sum(b), 0:int)] <- Aggregate[a; a AS x, sum(b)] <- Table[t]");
  EXPECT_EQ(Query("SELECT count(*) FROM t"), "Project[count(*)] <- Table[t]");
  EXPECT_EQ(Query("SELECT DISTINCT a, b + 1 FROM t"), "Aggregate[a, +(b, 1:int); ] <- Table[t]");
  EXPECT_EQ(QueryError("SELECT a FROM t GROUP BY 0"), "GROUP_BY_POS_OUT_OF_RANGE {index=0, size=1}");
  EXPECT_EQ(QueryError("SELECT a FROM t GROUP BY 2"), "GROUP_BY_POS_OUT_OF_RANGE {index=2, size=1}");
}

TEST(SqlQueries, OrderByPosition) {
  EXPECT_EQ(Query("SELECT a AS x, b FROM t ORDER BY 1, 2 DESC"),
            "Sort[x ASC NULLS FIRST, b DESC NULLS LAST] <- Project[a AS x, b] <- Table[t]");
  EXPECT_EQ(QueryError("SELECT a FROM t ORDER BY 2"), "ORDER_BY_POS_OUT_OF_RANGE {index=2, size=1}");
  EXPECT_EQ(QueryError("SELECT a FROM t ORDER BY 0"), "ORDER_BY_POS_OUT_OF_RANGE {index=0, size=1}");
}

TEST(SqlQueries, RangeFunction) {
  EXPECT_EQ(Query("SELECT * FROM range(3)"), "Project[*] <- Range[0, 3, 1]");
  EXPECT_EQ(Query("SELECT id FROM range(-3, 0) r"), "Project[id] <- Alias[r] <- Range[-3, 0, 1]");
  EXPECT_EQ(Query("SELECT * FROM RANGE(1, 10, 2, 3)"), "Project[*] <- Range[1, 10, 2, 3]");
  EXPECT_EQ(QueryError("SELECT * FROM range()"),
            "WRONG_NUM_ARGS.WITHOUT_SUGGESTION {functionName=`range`, expectedNum=[1, 2, 3, 4], actualNum=0, "
            "docroot=https://spark.apache.org/docs/latest}");
  EXPECT_EQ(QueryError("SELECT * FROM foo(1)"), "UNRESOLVABLE_TABLE_VALUED_FUNCTION {name=`foo`}");
}

TEST(SqlQueries, InlineTables) {
  EXPECT_EQ(Query("VALUES (1, 'x'), (2, 'y')"), "Local[col1:int, col2:string; 2 rows]");
  EXPECT_EQ(Query("VALUES 1, 2"), "Local[col1:int; 2 rows]");
  EXPECT_EQ(Query("SELECT * FROM VALUES (1, 2) AS v(p, q)"), "Project[*] <- Alias[v] <- Local[p:int, q:int; 1 rows]");
  EXPECT_EQ(Query("VALUES (1), (2L)"), "Local[col1:bigint; 2 rows]");
  EXPECT_EQ(Query("VALUES (1.5), (2)"), "Local[col1:decimal(11,1); 2 rows]");
  EXPECT_EQ(Query("VALUES (1.5), (2.25D)"), "Local[col1:double; 2 rows]");
  EXPECT_EQ(Query("VALUES (1Y), (2S)"), "Local[col1:smallint; 2 rows]");
  EXPECT_EQ(Query("VALUES (1L), (1.5F)"), "Local[col1:float; 2 rows]");
  EXPECT_EQ(Query("VALUES (1, NULL), (NULL, 2)"), "Local[col1:int?, col2:int?; 2 rows]");
  EXPECT_EQ(Query("VALUES (NULL)"), "Local[col1:void?; 1 rows]");
  EXPECT_EQ(QueryError("VALUES (1, 2), (3)"),
            "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH {expectedNumCols=2, actualNumCols=1, rowIndex=1}");
  EXPECT_EQ(QueryError("VALUES (1, 2) AS t(a)"),
            "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH {expectedNumCols=1, actualNumCols=2, rowIndex=0}");
  EXPECT_EQ(QueryError("VALUES (true), (1)"), "INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE {colName=`col1`}");
}

TEST(SqlQueries, InlineTableValues) {
  auto result = ParseQuery("VALUES (1.5), (2)");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& table = (*result)->As<plan::LocalRelationPlan>().data;
  EXPECT_EQ(table->column(0)->chunk(0)->ToString(), "[\n  1.5,\n  2.0\n]");
}

// Spark 4.1's answers for these statements (error class and parameters).
TEST(SqlQueries, SyntaxErrorsMatchSpark) {
  auto syntax = [](const std::string& error, const std::string& hint = "") {
    return "PARSE_SYNTAX_ERROR {error=" + error + ", hint=" + hint + "}";
  };
  EXPECT_EQ(QueryError("SELEC 1"), syntax("'SELEC'"));
  EXPECT_EQ(QueryError("SELECT 1 +"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT (1"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT a b c FROM t"), syntax("'c'"));
  EXPECT_EQ(QueryError("SELECT a b c"), syntax("'c'", ": extra input 'c'"));
  EXPECT_EQ(QueryError("SELECT"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT 1,"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT f("), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT 1)"), syntax("')'", ": extra input ')'"));
  EXPECT_EQ(QueryError("SELECT 1 2"), syntax("'2'", ": extra input '2'"));
  EXPECT_EQ(QueryError("SELECT 1 2 3"), syntax("'2'"));
  EXPECT_EQ(QueryError("SELECT CAST(1 AS)"), syntax("')'"));
  EXPECT_EQ(QueryError("SELECT 'abc"), syntax("'''"));
  EXPECT_EQ(QueryError("SELECT `abc"), syntax("'`'"));
  EXPECT_EQ(QueryError("SELECT @"), syntax("'@'"));
  EXPECT_EQ(QueryError("SELECT $a"), syntax("'$'"));
  EXPECT_EQ(QueryError("SELECT a FROM t WHERE a = = 1"), syntax("'='"));
  EXPECT_EQ(QueryError("SELECT 1 FROM t t2 t3"), syntax("'t3'", ": extra input 't3'"));
  EXPECT_EQ(QueryError("SELECT 1 FROM t x y z"), syntax("'y'"));
  EXPECT_EQ(QueryError("SELECT 1; SELECT 2"), syntax("'SELECT'", ": extra input 'SELECT'"));
  EXPECT_EQ(QueryError("SELECT 1 FROM (SELECT 2"), syntax("end of input", ": missing ')'"));
  EXPECT_EQ(QueryError("SELECT 1 FROM (SELECT 2 WHERE"), syntax("end of input", ": missing ')'"));
  EXPECT_EQ(QueryError("SELECT 1 FROM (SELECT 2 3"), syntax("'3'"));
  EXPECT_EQ(QueryError("SELECT a[1 FROM t"), syntax("'FROM'", ": missing ']'"));
  EXPECT_EQ(QueryError("SELECT f(1 FROM t"), syntax("'FROM'"));
  EXPECT_EQ(QueryError("SELECT CAST(1 AS INT FROM t"), syntax("'FROM'"));
  EXPECT_EQ(QueryError("SELECT 1 BETWEEN 0"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT 1 IN ()"), syntax("'('"));
  EXPECT_EQ(QueryError("SELECT 1 NOT IN"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT , 1"), syntax("','"));
  EXPECT_EQ(QueryError("SELECT 1 FROM t GROUP BY"), syntax("end of input"));
  EXPECT_EQ(QueryError("SELECT * FROM t OFFSET 1 LIMIT 2"), syntax("'LIMIT'"));
  EXPECT_EQ(QueryError("SELECT 1 AS 2"), syntax("'2'", ": extra input '2'"));
  EXPECT_EQ(QueryError("select * fro t"), syntax("'t'", ": extra input 't'"));
  EXPECT_EQ(QueryError("SELECT a FROM t ORDER a"), syntax("'a'", ": extra input 'a'"));
  EXPECT_EQ(QueryError("SELECT 1 FROM t WHERE a IN (1) IN (true)"), syntax("'IN'"));
  EXPECT_EQ(QueryError(";"), syntax("';'"));
  EXPECT_EQ(QueryError("-- only a comment"), syntax("end of input"));
  EXPECT_EQ(QueryError("  "), "PARSE_EMPTY_STATEMENT {}");
  EXPECT_EQ(QueryError("SELECT 1 /* x"), "UNCLOSED_BRACKETED_COMMENT {}");
}

// Spark 4.1's messages: the position, and the statement with a marker under it.
TEST(SqlQueries, SyntaxErrorMessagesShowThePosition) {
  auto message = [](std::string_view text) { return ParseQuery(text).status().message(); };
  EXPECT_EQ(message("SELEC 1"),
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n"
            "== SQL ==\nSELEC 1\n^^^\n");
  EXPECT_EQ(message("SELECT a FROM\n  range(3)\n  WHERE id >"),
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 3, pos 12)\n\n"
            "== SQL ==\nSELECT a FROM\n  range(3)\n  WHERE id >\n------------^^^\n");
  EXPECT_EQ(message("SELECT 1\nFROM t t2 t3\n"),
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 't3': extra input 't3'. SQLSTATE: 42601 (line 2, pos 10)"
            "\n\n== SQL ==\nSELECT 1\nFROM t t2 t3\n----------^^^\n");
  EXPECT_EQ(message("SELECT 'é' ++ "),
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 (line 1, pos 14)\n\n"
            "== SQL ==\nSELECT 'é' ++ \n--------------^^^\n");
  EXPECT_EQ(message("SELECT 1 FROM t WHERE a = = 1 AND b\nLIMIT 1"),
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 1, pos 26)\n\n"
            "== SQL ==\nSELECT 1 FROM t WHERE a = = 1 AND b\n--------------------------^^^\nLIMIT 1\n");
  EXPECT_EQ(message("SELECT 1 /* unclosed"),
            "\n[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of "
            "the comment. SQLSTATE: 42601\n== SQL ==\nSELECT 1 /* unclosed");
}

TEST(SqlQueries, ResultClauses) {
  EXPECT_EQ(Query("SELECT DISTINCT * FROM t"), "Distinct <- Project[*] <- Table[t]");
  EXPECT_EQ(Query("SELECT * EXCEPT (a, t.b) FROM t"), "Project[* EXCEPT a, t.b] <- Table[t]");
  EXPECT_EQ(Query("SELECT t.* EXCEPT (a) FROM t"), "Project[t.* EXCEPT a] <- Table[t]");
  EXPECT_EQ(Query("SELECT * EXCEPT (SELECT 1)"),
            "SetOperation(Project[*] <- Local[; 1 rows], Project[1:int] <- Local[; 1 rows])");
  EXPECT_EQ(Query("SELECT a, sum(b) FROM t GROUP BY ALL"), "Aggregate[ALL; a, sum(b)] <- Table[t]");
  EXPECT_EQ(Query("SELECT a, b AS c FROM t ORDER BY ALL DESC"),
            "Sort[a DESC NULLS LAST, c DESC NULLS LAST] <- Project[a, b AS c] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t CLUSTER BY a"), "LocalSort[a ASC NULLS FIRST] <- Project[a] <- Table[t]");
  EXPECT_EQ(Query("SELECT a FROM t DISTRIBUTE BY a SORT BY b DESC"),
            "LocalSort[a ASC NULLS FIRST, b DESC NULLS LAST] <- Project[a] <- Table[t]");
  EXPECT_EQ(QueryError("SELECT a FROM t ORDER BY a SORT BY a"),
            "UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES {}");
  EXPECT_EQ(QueryError("SELECT a FROM t CLUSTER BY a DISTRIBUTE BY a"),
            "UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES {}");
  EXPECT_EQ(QueryError("SELECT a, row_number() OVER (ORDER BY a) AS r FROM t QUALIFY r = 1"),
            "PARSE_SYNTAX_ERROR {error='r', hint=}");  // QUALIFY is the alias of t
}

TEST(SqlQueries, ParameterMarkers) {
  SqlParameters named;
  named.named = {{"a", std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int32_t{5}))}};
  SqlParameters positional;
  positional.positional = {std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int64_t{7}))};
  auto query = [](std::string_view text, const SqlParameters& parameters) {
    auto result = ParseQuery(text, parameters);
    return result.ok() ? Render(*result) : Describe(result.status());
  };
  EXPECT_EQ(query("SELECT :a + 1", named), "Project[+(5:int, 1:int)] <- Local[; 1 rows]");
  EXPECT_EQ(query("SELECT ? AS x", positional), "Project[7:bigint AS x] <- Local[; 1 rows]");
  EXPECT_EQ(query("SELECT :b", named), "UNBOUND_SQL_PARAMETER {name=b}");
  EXPECT_EQ(query("SELECT 1, ?", named), "UNBOUND_SQL_PARAMETER {name=_10}");
  EXPECT_EQ(query("SELECT :a, ?", {}), "INVALID_QUERY_MIXED_QUERY_PARAMETERS {}");
  EXPECT_EQ(query("SELECT :a +", named), "PARSE_SYNTAX_ERROR {error=end of input, hint=}");
  SqlParameters table;
  table.named = {{"t", std::make_shared<plan::LiteralExpr>(std::make_shared<arrow::StringScalar>("db.tab"))}};
  EXPECT_EQ(query("SELECT IDENTIFIER('c') FROM IDENTIFIER(:t)", table), "Project[c] <- Table[db.tab]");
  EXPECT_EQ(query("SELECT IDENTIFIER('abs')(-1) FROM IDENTIFIER('range')(2)", {}),
            "Project[abs(-1:int)] <- Range[0, 2, 1]");
}

// Spark reads a keyword that ends the statement as an alias.
TEST(SqlQueries, TrailingKeywordsAreAliases) {
  EXPECT_EQ(Query("SELECT 1 FROM"), "Project[1:int AS FROM] <- Local[; 1 rows]");
  EXPECT_EQ(Query("SELECT * FROM"), "Project[* AS FROM] <- Local[; 1 rows]");
  EXPECT_EQ(Query("SELECT 1 FROM t WHERE"), "Project[1:int] <- Alias[WHERE] <- Table[t]");
  EXPECT_EQ(Query("SELECT 1 FROM t AS"), "Project[1:int] <- Alias[AS] <- Table[t]");
  EXPECT_EQ(Query("SELECT 1 UNION"), "Project[1:int AS UNION] <- Local[; 1 rows]");
  EXPECT_EQ(Query("SELECT 1;;"), "Project[1:int] <- Local[; 1 rows]");
}

TEST(SqlQueries, Joins) {
  EXPECT_EQ(Query("SELECT 1 FROM t JOIN u ON t.a = u.a"),
            "Project[1:int] <- InnerJoin[==(t.a, u.a)](Table[t], Table[u])");
  EXPECT_EQ(Query("SELECT 1 FROM t x LEFT OUTER JOIN u USING (a, b)"),
            "Project[1:int] <- LeftOuterJoin[USING a.b](Alias[x] <- Table[t], Table[u])");
  EXPECT_EQ(Query("SELECT 1 FROM t, u, v"),
            "Project[1:int] <- InnerJoin[](InnerJoin[](Table[t], Table[u]), Table[v])");
  EXPECT_EQ(Query("SELECT 1 FROM t NATURAL FULL JOIN u CROSS JOIN v"),
            "Project[1:int] <- CrossJoin[](NaturalFullOuterJoin[](Table[t], Table[u]), Table[v])");
  EXPECT_EQ(Query("SELECT 1 FROM t LEFT SEMI JOIN u ON t.a = u.a"),
            "Project[1:int] <- LeftSemiJoin[==(t.a, u.a)](Table[t], Table[u])");
  EXPECT_NE(QueryError("SELECT 1 FROM t LEFT u").find("PARSE_SYNTAX_ERROR"), std::string::npos);
}

TEST(SqlExpressions, LambdaFunctions) {
  EXPECT_EQ(Expr("transform(a, x -> x + 1)"), "transform(a, lambdafunction(+(x, 1:int), x))");
  EXPECT_EQ(Expr("zip_with(a, b, (x, y) -> x)"), "zip_with(a, b, lambdafunction(x, x, y))");
  EXPECT_EQ(Expr("f((x))"), "f(x)");
}

TEST(SqlQueries, LateralViewSelectsTheGenerator) {
  EXPECT_TRUE(ParseQuery("SELECT c FROM t LATERAL VIEW OUTER explode(a) x AS c").ok());
  EXPECT_TRUE(ParseQuery("SELECT k, v FROM t LATERAL VIEW explode(m) x k, v WHERE k > 1").ok());
}

TEST(SqlQueries, PivotAndUnpivotOverSeveralColumns) {
  EXPECT_TRUE(ParseQuery("SELECT * FROM t PIVOT (sum(v) FOR (a, b) IN ((1, 'x') AS p, (2, 'y')))").ok());
  EXPECT_TRUE(ParseQuery("SELECT * FROM t UNPIVOT ((v1, v2) FOR k IN ((a, b) AS ab, (c, d)))").ok());
  EXPECT_TRUE(ParseQuery("SELECT * FROM t UNPIVOT INCLUDE NULLS ((v1, v2) FOR k IN ((a, b), (c, d)))").ok());
  // Groups need several value columns, and several value columns need groups.
  EXPECT_FALSE(ParseQuery("SELECT * FROM t UNPIVOT (v FOR k IN ((a, b), (c, d)))").ok());
  EXPECT_FALSE(ParseQuery("SELECT * FROM t UNPIVOT ((v1, v2) FOR k IN ((a, b), c))").ok());
}

TEST(SqlExpressions, QualifiedFunctionNames) {
  EXPECT_EQ(Expr("db.f(1)"), "db.f(1:int)");
  EXPECT_EQ(Expr("spark_catalog.db.f(x)"), "spark_catalog.db.f(x)");
}

TEST(SqlQueries, UnsupportedConstructsAreNamed) {
  for (const char* text :
       {"SHOW PARTITIONS t", "CREATE TABLE x (a INT) STORED AS ORC", "EXPLAIN CREATE TABLE x (a INT)",
        "DESCRIBE EXTENDED t a", "FROM t SELECT a",
        "SELECT * FROM t TABLESAMPLE (100M)",
        "SELECT * FROM collations()", "SELECT a FROM t LIMIT a",
        "SELECT * FROM range(a)"}) {
    auto result = ParseQuery(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_TRUE(result.status().IsNotImplemented()) << text << ": " << result.status().ToString();
  }
  EXPECT_NE(ParseQuery("SHOW PARTITIONS t").status().message().find("SQL SHOW statements"), std::string::npos);
}

TEST(SqlQueries, CommandsParseToCommandPlans) {
  for (const char* text : {"SHOW TABLES", "CREATE TABLE x (a INT) USING parquet PARTITIONED BY (a)",
                           "INSERT INTO t VALUES (1)", "DESCRIBE t", "DESCRIBE t a", "SET a = 1", "USE db",
                           "CACHE TABLE t", "ALTER TABLE t ADD COLUMNS (b INT)",
                           "CREATE OR REPLACE TEMP VIEW v AS SELECT 1", "DROP TABLE IF EXISTS t"}) {
    auto result = ParseQuery(text);
    ASSERT_TRUE(result.ok()) << text << ": " << result.status().ToString();
    EXPECT_EQ((*result)->kind(), plan::PlanKind::kCommand) << text;
  }
}

}  // namespace
}  // namespace sk8::sql
