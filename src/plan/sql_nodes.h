#pragma once

#include <string>
#include <vector>

#include "plan/expression.h"
#include "plan/logical_plan.h"

/// Unresolved nodes that only Spark SQL text produces: refinements of the
/// general nodes (same kinds), which the analyzer recognizes where it resolves
/// those kinds; the DataFrame API never builds them.
namespace sk8::plan {

/// `* EXCEPT (a, t.b)` / `t.* EXCEPT (...)`: a star that leaves the named
/// columns out (each must resolve).
struct StarExceptExpr : StarExpr {
  StarExceptExpr(std::vector<std::string> target, std::vector<std::vector<std::string>> e)
      : StarExpr(std::move(target)), except(std::move(e)) {}
  std::vector<std::vector<std::string>> except;
};

/// A name Spark generates for an expression SQL spells with others: the
/// template names[0] with each %s replaced by the name of the next of
/// `named_after` (`a LIKE ANY ('x%')`, ORed LIKEs, is likeany(a); `a BETWEEN 1
/// AND 2` is between(a, 1, 2)). Marked auto-generated, as Spark's.
struct GeneratedNameExpr : AliasExpr {
  GeneratedNameExpr(ExprPtr child, std::string name_template, std::vector<ExprPtr> after)
      : AliasExpr(std::move(child), {std::move(name_template)}), named_after(std::move(after)) {}
  std::vector<ExprPtr> named_after;
};

/// An alias written with AS (not a generated name, which stands for its
/// expression: GROUP BY 1 and matching a grouping keep it).
inline bool IsWrittenAlias(const Expr& expr) {
  return expr.kind() == ExprKind::kAlias && dynamic_cast<const GeneratedNameExpr*>(&expr) == nullptr;
}

/// ORDER BY <position> where the select list's columns are known only after
/// analysis (SELECT *, VALUES, TABLE t, a parenthesized query): the sort input's
/// column at that 1-based position.
struct OrdinalExpr : LiteralExpr {
  explicit OrdinalExpr(int32_t position) : LiteralExpr(arrow::MakeScalar(position)), position(position) {}
  int32_t position;
};

/// GROUP BY ALL: the grouping is the select items without aggregate functions
/// (`grouping` is empty until the analyzer fills it in; Spark's ResolveGroupByAll).
struct GroupByAllPlan : AggregatePlan {};

/// UNPIVOT as SQL writes it. With several value columns, ((v1, v2) FOR k IN
/// ((a, b) [AS n], ...)): their names and the column groups (each gives one row
/// per input row, named by its alias in `group_names`, "" for a_b); `values` and
/// `value_column` then stay empty.
struct SqlUnpivotPlan : UnpivotPlan {
  std::vector<std::string> value_columns;
  std::vector<std::vector<ExprPtr>> value_groups;
  std::vector<std::string> group_names;
};

}  // namespace sk8::plan
