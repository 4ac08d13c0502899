#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/scalar.h>
#include <arrow/type.h>

/// Unresolved expressions: what a client or SQL text asked for, before names and
/// types are known. Immutable; the analyzer turns them into BoundExpr trees.
namespace sk8::plan {

enum class ExprKind { kLiteral, kColumn, kStar, kFunction, kAlias, kCast, kSortOrder, kSqlText, kInSubquery, kScalarSubquery, kExists,
                      kWindow };

class LogicalPlan;

class Expr;
using ExprPtr = std::shared_ptr<const Expr>;

class Expr {
 public:
  explicit Expr(ExprKind kind) : kind_(kind) {}
  virtual ~Expr() = default;
  ExprKind kind() const { return kind_; }

  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }

 private:
  ExprKind kind_;
};

struct LiteralExpr : Expr {
  explicit LiteralExpr(std::shared_ptr<arrow::Scalar> v) : Expr(ExprKind::kLiteral), value(std::move(v)) {}
  std::shared_ptr<arrow::Scalar> value;  // typed; a null scalar of type null is Spark's NULL
};

/// A column reference: `a`, `t.a`, `s.field`; plan_id ties it to a DataFrame.
struct ColumnExpr : Expr {
  ColumnExpr(std::vector<std::string> parts, std::optional<int64_t> id)
      : Expr(ExprKind::kColumn), name_parts(std::move(parts)), plan_id(id) {}
  std::vector<std::string> name_parts;
  std::optional<int64_t> plan_id;
};

/// `*` or `t.*`.
struct StarExpr : Expr {
  explicit StarExpr(std::vector<std::string> t, std::string r = "")
      : Expr(ExprKind::kStar), target(std::move(t)), regex(std::move(r)) {}
  std::vector<std::string> target;
  /// df.colRegex("`pattern`"): only the columns whose whole name the Java
  /// pattern matches (case-insensitively); empty: every column.
  std::string regex;
};

/// A call by name: operators (`+`, `==`, `and`) and functions (`abs`, `count`).
struct FunctionExpr : Expr {
  FunctionExpr(std::string n, std::vector<ExprPtr> a, bool d = false)
      : Expr(ExprKind::kFunction), name(std::move(n)), args(std::move(a)), distinct(d) {}
  std::string name;
  std::vector<ExprPtr> args;
  bool distinct;
  /// SQL's `fn(...) IGNORE NULLS` (first, last, nth_value, lag, lead).
  bool ignore_nulls = false;
  /// An aggregate's `FILTER (WHERE condition)`: only rows where it is true count.
  ExprPtr filter;
};

struct AliasExpr : Expr {
  AliasExpr(ExprPtr c, std::vector<std::string> n, std::string metadata = "")
      : Expr(ExprKind::kAlias), child(std::move(c)), names(std::move(n)), metadata_json(std::move(metadata)) {}
  ExprPtr child;
  std::vector<std::string> names;
  /// Column.alias(..., metadata=...) / withMetadata: the field metadata (a JSON object).
  std::string metadata_json;
};

/// kTypedLiteral is SQL's DATE '2024-01-01' / TIMESTAMP '...': an ANSI cast of
/// a string constant that must fold to a (non-null) literal at analysis.
enum class CastMode { kDefault, kLegacy, kAnsi, kTry, kTypedLiteral };

struct CastExpr : Expr {
  CastExpr(ExprPtr c, std::shared_ptr<arrow::DataType> t, CastMode m, bool keep_name = false)
      : Expr(ExprKind::kCast), child(std::move(c)), type(std::move(t)), mode(m), keeps_child_name(keep_name) {}
  ExprPtr child;
  std::shared_ptr<arrow::DataType> type;
  CastMode mode;
  /// Column.cast in the DataFrame API keeps the name of a named child
  /// (col("v").cast("int") is still "v"); SQL's CAST(v AS INT) does not.
  bool keeps_child_name;
};

struct SortOrderExpr : Expr {
  SortOrderExpr(ExprPtr c, bool asc, bool nf)
      : Expr(ExprKind::kSortOrder), child(std::move(c)), ascending(asc), nulls_first(nf) {}
  ExprPtr child;
  bool ascending;
  bool nulls_first;
};

/// SQL expression text (selectExpr, filter("a > 1")), parsed by the analyzer.
struct SqlTextExpr : Expr {
  explicit SqlTextExpr(std::string t) : Expr(ExprKind::kSqlText), text(std::move(t)) {}
  std::string text;
};

/// value IN (SELECT ...): the subquery's one column holds the candidates.
struct InSubqueryExpr : Expr {
  InSubqueryExpr(ExprPtr v, std::shared_ptr<const LogicalPlan> q)
      : Expr(ExprKind::kInSubquery), value(std::move(v)), query(std::move(q)) {}
  ExprPtr value;
  std::shared_ptr<const LogicalPlan> query;
};

/// (SELECT ...) used as a value: one column, at most one row (NULL for none).
struct ScalarSubqueryExpr : Expr {
  explicit ScalarSubqueryExpr(std::shared_ptr<const LogicalPlan> q)
      : Expr(ExprKind::kScalarSubquery), query(std::move(q)) {}
  std::shared_ptr<const LogicalPlan> query;
};

/// EXISTS (SELECT ...): true when the subquery has a row.
struct ExistsExpr : Expr {
  explicit ExistsExpr(std::shared_ptr<const LogicalPlan> q) : Expr(ExprKind::kExists), query(std::move(q)) {}
  std::shared_ptr<const LogicalPlan> query;
};

enum class WindowFrameType { kRows, kRange };

/// One end of a window frame as written: UNBOUNDED PRECEDING / FOLLOWING, CURRENT
/// ROW, or an offset (`n PRECEDING` in SQL, a signed literal from a client).
struct WindowFrameBoundary {
  enum class Kind { kUnboundedPreceding, kUnboundedFollowing, kCurrentRow, kValue };
  Kind kind = Kind::kCurrentRow;
  ExprPtr value;           // kValue
  bool preceding = false;  // kValue written `value PRECEDING`: the offset is -value
};

struct WindowFrame {
  WindowFrameType type = WindowFrameType::kRows;
  WindowFrameBoundary lower, upper;
};

/// fn(...) OVER (PARTITION BY ... ORDER BY ... frame), or OVER w for a window
/// of the query's WINDOW clause (`window_name`, resolved by the SQL parser).
struct WindowExpr : Expr {
  WindowExpr() : Expr(ExprKind::kWindow) {}
  ExprPtr function;
  std::vector<ExprPtr> partition_spec;
  std::vector<ExprPtr> order_spec;  // SortOrderExpr
  std::optional<WindowFrame> frame;  // none: Spark's default for the function
  std::string window_name;
};

/// True when `expr` holds a window expression (outside subqueries).
inline bool ContainsWindow(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kWindow: return true;
    case ExprKind::kFunction:
      for (const auto& a : expr.As<FunctionExpr>().args) {
        if (ContainsWindow(*a)) return true;
      }
      return false;
    case ExprKind::kAlias: return ContainsWindow(*expr.As<AliasExpr>().child);
    case ExprKind::kCast: return ContainsWindow(*expr.As<CastExpr>().child);
    case ExprKind::kSortOrder: return ContainsWindow(*expr.As<SortOrderExpr>().child);
    default: return false;
  }
}

}  // namespace sk8::plan
