// Decorrelation of subqueries (Spark's PullupCorrelatedPredicates): the
// predicates of a subquery that read the enclosing query's columns (outer
// references) are taken out of the subquery's plan and returned, so that the
// caller can make them the condition of a join between the enclosing query and
// the now uncorrelated subquery (semi / anti join for EXISTS and IN, left outer
// join for scalar subqueries).
//
// Through a projection, the columns the pulled predicates read are added to its
// output; through an aggregate, the inner side of each pulled equality becomes
// a grouping key, so the aggregate yields one row per value of the enclosing
// query's columns (what a scalar subquery over an aggregate means per outer row).
#include <limits>

#include "analyzer/analyzer.h"
#include "functions/function_registry.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ColumnId;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

Status UnsupportedCorrelation(const std::string& where) {
  return Unsupported("correlated subqueries that read the outer query's columns " + where);
}


/// A reference to `node`'s output column at `position`, keeping its identity.
BoundExprPtr ColumnOf(const ResolvedPlan& node, int position) {
  const auto& f = node.schema->field(position);
  auto column = std::make_shared<BoundExpr>(*BoundExpr::Column(position, f->type(), f->nullable(), f->name()));
  column->column_id = node.column_ids[position];
  return column;
}

/// The identities of the subquery's own columns that `conditions` read.
std::vector<ColumnId> InnerColumnsRead(const std::vector<BoundExprPtr>& conditions) {
  std::vector<ColumnId> ids;
  std::function<void(const BoundExpr&)> visit = [&](const BoundExpr& e) {
    if (e.kind == plan::BoundKind::kColumnRef && !e.outer_reference &&
        std::find(ids.begin(), ids.end(), e.column_id) == ids.end()) {
      ids.push_back(e.column_id);
    }
    for (const auto& arg : e.args) visit(*arg);
  };
  for (const auto& c : conditions) visit(*c);
  return ids;
}

Result<BoundExprPtr> Rebind(const BoundExprPtr& expr, const ResolvedPlan& input) {
  return plan::BindToInput(expr, input.column_ids);
}

class PredicatePullUp {
 public:
  explicit PredicatePullUp(const plan::EvalContext& ctx) : ctx_(ctx) {}

  Result<DecorrelatedSubquery> Run(const ResolvedPtr& subquery) {
    DecorrelatedSubquery out;
    ARROW_ASSIGN_OR_RAISE(out.plan, Pull(subquery, &out.conditions));
    out.aggregated = aggregated_;
    out.counts = counts_;
    return out;
  }

 private:
  Result<ResolvedPtr> Pull(const ResolvedPtr& node, std::vector<BoundExprPtr>* pulled) {
    if (!PlanReadsOuterColumns(*node)) return node;
    switch (node->kind) {
      case ResolvedKind::kFilter: return PullFromFilter(*node, pulled);
      case ResolvedKind::kProject: return PullThroughProject(*node, pulled);
      case ResolvedKind::kAggregate: return PullThroughAggregate(*node, pulled);
      case ResolvedKind::kJoin: return PullFromJoin(*node, pulled);
      case ResolvedKind::kLimit: return PullThroughLimit(*node, pulled);
      case ResolvedKind::kSort: {
        if (NodeReadsOuterColumns(*node)) return UnsupportedCorrelation("in ORDER BY");
        ARROW_ASSIGN_OR_RAISE(auto child, Pull(node->children[0], pulled));
        auto out = std::make_shared<ResolvedPlan>(*node);
        out->children = {child};
        out->schema = child->schema;
        out->column_ids = child->column_ids;
        out->qualifiers = child->qualifiers;
        for (auto& key : out->sort_keys) {
          ARROW_ASSIGN_OR_RAISE(key.expr, Rebind(key.expr, *child));
        }
        return ResolvedPtr(out);
      }
      default: return UnsupportedCorrelation("below a LIMIT, set operation or other operator that changes rows");
    }
  }

  Result<ResolvedPtr> PullFromFilter(const ResolvedPlan& node, std::vector<BoundExprPtr>* pulled) {
    ARROW_ASSIGN_OR_RAISE(auto child, Pull(node.children[0], pulled));
    ARROW_ASSIGN_OR_RAISE(auto kept, SplitOffCorrelated(node.condition, *child, pulled));
    return kept ? ResolvedPtr(plan::MakeFilterNode(child, kept)) : child;
  }

  /// Moves the conjuncts of `condition` that read outer columns to `pulled`;
  /// the rest, bound to `input`, is returned (null when nothing is left).
  Result<BoundExprPtr> SplitOffCorrelated(const BoundExprPtr& condition, const ResolvedPlan& input,
                                          std::vector<BoundExprPtr>* pulled) {
    std::vector<BoundExprPtr> conjuncts, kept;
    if (condition) plan::SplitConjuncts(condition, &conjuncts);
    for (size_t i = 0; i < conjuncts.size(); ++i) {
      const BoundExprPtr c = conjuncts[i];
      if (plan::HasOuterReference(*c)) {
        // (k = outer.k AND a) OR (k = outer.k AND b): the correlation is the
        // common part (TPC-DS q41); the rest can stay below.
        ARROW_ASSIGN_OR_RAISE(auto factored, functions::FactorCommonConjuncts(c));
        if (factored) {
          plan::SplitConjuncts(factored, &conjuncts);
          continue;
        }
        pulled->push_back(c);
      } else {
        ARROW_ASSIGN_OR_RAISE(auto rebound, Rebind(c, input));
        kept.push_back(std::move(rebound));
      }
    }
    return functions::AndAll(kept, ctx_);
  }

  Result<ResolvedPtr> PullThroughProject(const ResolvedPlan& node, std::vector<BoundExprPtr>* pulled) {
    if (NodeReadsOuterColumns(node)) return UnsupportedCorrelation("in the SELECT list");
    ARROW_ASSIGN_OR_RAISE(auto child, Pull(node.children[0], pulled));
    auto out = std::make_shared<ResolvedPlan>(node);
    out->children = {child};
    for (auto& e : out->expressions) {
      ARROW_ASSIGN_OR_RAISE(e, Rebind(e, *child));
    }
    // The pulled predicates read columns below: pass them through.
    arrow::FieldVector fields = node.schema->fields();
    for (ColumnId id : InnerColumnsRead(*pulled)) {
      if (plan::ColumnPosition(*out, id) >= 0) continue;
      int position = plan::ColumnPosition(*child, id);
      if (position < 0) return InternalError("a correlated predicate reads a column its subquery does not have");
      out->expressions.push_back(ColumnOf(*child, position));
      fields.push_back(child->schema->field(position));
      out->column_ids.push_back(id);
      out->qualifiers.push_back(child->qualifiers[position]);
    }
    if (out->visible_columns < 0) out->visible_columns = node.schema->num_fields();
    out->schema = arrow::schema(fields);
    return ResolvedPtr(out);
  }

  // Each pulled predicate must be `inner column = outer expression`: the inner
  // column becomes a grouping key, so the predicate can be checked above.
  Result<ResolvedPtr> PullThroughAggregate(const ResolvedPlan& node, std::vector<BoundExprPtr>* pulled) {
    if (NodeReadsOuterColumns(node)) return UnsupportedCorrelation("in an aggregate or GROUP BY");
    std::vector<BoundExprPtr> below;
    ARROW_ASSIGN_OR_RAISE(auto child, Pull(node.children[0], &below));
    auto out = std::make_shared<ResolvedPlan>(node);
    out->children = {child};
    for (auto& g : out->grouping) {
      ARROW_ASSIGN_OR_RAISE(g, Rebind(g, *child));
    }
    for (auto& a : out->aggregates) {
      for (auto& arg : a.args) {
        ARROW_ASSIGN_OR_RAISE(arg, Rebind(arg, *child));
      }
      if (a.function_name == "count" || a.function_name == "count_if") counts_ = true;
    }
    arrow::FieldVector fields = node.schema->fields();
    for (const auto& predicate : below) {
      const BoundExpr* inner = InnerEqualitySide(*predicate);
      if (inner == nullptr) {
        return UnsupportedCorrelation("in a predicate other than `column = outer column` below an aggregate");
      }
      bool grouped = false;
      for (const auto& g : out->grouping) grouped |= g->kind == plan::BoundKind::kColumnRef && g->column_id == inner->column_id;
      if (grouped) continue;
      int position = plan::ColumnPosition(*child, inner->column_id);
      if (position < 0) return InternalError("a correlated predicate reads a column its subquery does not have");
      const size_t at = out->grouping.size();
      out->grouping.push_back(ColumnOf(*child, position));
      fields.insert(fields.begin() + static_cast<std::ptrdiff_t>(at), child->schema->field(position));
      out->column_ids.insert(out->column_ids.begin() + static_cast<std::ptrdiff_t>(at), inner->column_id);
      out->qualifiers.insert(out->qualifiers.begin() + static_cast<std::ptrdiff_t>(at), child->qualifiers[position]);
      aggregated_ = true;
    }
    out->schema = arrow::schema(fields);
    pulled->insert(pulled->end(), below.begin(), below.end());
    return ResolvedPtr(out);
  }

  // LIMIT n [over ORDER BY] per outer row: the first n rows of each group of
  // the correlated columns (Spark's row_number() <= n rewrite). Each pulled
  // predicate must be `inner column = outer expression`, the column a
  // partition key.
  Result<ResolvedPtr> PullThroughLimit(const ResolvedPlan& node, std::vector<BoundExprPtr>* pulled) {
    if (NodeReadsOuterColumns(node) || node.offset != 0 || node.limit < 0) {
      return UnsupportedCorrelation("below a LIMIT with OFFSET");
    }
    const ResolvedPlan* below = &node.child();
    std::vector<plan::BoundSortKey> order;
    if (below->kind == ResolvedKind::kSort) {
      if (NodeReadsOuterColumns(*below)) return UnsupportedCorrelation("in ORDER BY");
      order = below->sort_keys;
      below = &below->child();
    }
    std::vector<BoundExprPtr> inner_pulled;
    ARROW_ASSIGN_OR_RAISE(auto child, Pull(node.child().kind == ResolvedKind::kSort ? node.child().children[0]
                                                                                  : node.children[0],
                                           &inner_pulled));
    auto window = std::make_shared<ResolvedPlan>();
    window->kind = ResolvedKind::kWindow;
    window->children = {child};
    for (const auto& predicate : inner_pulled) {
      const BoundExpr* inner = InnerEqualitySide(*predicate);
      if (inner == nullptr) {
        return UnsupportedCorrelation("in a predicate other than `column = outer column` below a LIMIT");
      }
      const int position = plan::ColumnPosition(*child, inner->column_id);
      if (position < 0) return InternalError("a correlated predicate reads a column its subquery does not have");
      window->grouping.push_back(ColumnOf(*child, position));
    }
    for (auto& key : order) {
      ARROW_ASSIGN_OR_RAISE(key.expr, Rebind(key.expr, *child));
    }
    window->sort_keys = std::move(order);
    plan::BoundWindowFunction row_number;
    row_number.kind = plan::WindowFunctionKind::kRowNumber;
    row_number.function_name = "row_number";
    row_number.name = "row_number()";
    row_number.type = arrow::int32();
    row_number.nullable = false;
    row_number.lower.kind = plan::WindowBound::Kind::kUnboundedPreceding;
    row_number.upper.kind = plan::WindowBound::Kind::kCurrentRow;
    window->window_functions = {row_number};
    arrow::FieldVector fields = child->schema->fields();
    fields.push_back(arrow::field(row_number.name, arrow::int32(), false));
    window->schema = arrow::schema(fields);
    window->column_ids = child->column_ids;
    window->column_ids.push_back(plan::NewColumnId());
    window->qualifiers = child->qualifiers;
    window->qualifiers.push_back("");
    const int rank = child->schema->num_fields();
    auto rank_column = ColumnOf(*window, rank);
    const int64_t limit = std::min<int64_t>(node.limit, std::numeric_limits<int32_t>::max());
    auto bound = BoundExpr::Literal(arrow::MakeScalar(arrow::int32(), static_cast<int32_t>(limit)).ValueOrDie(), "n");
    ARROW_ASSIGN_OR_RAISE(auto within, functions::BindFunctionCall("<=", {rank_column, bound}, ctx_));
    auto filter = plan::MakeFilterNode(window, within);
    // Back to the child's columns (the rank was only for the filter).
    auto project = std::make_shared<ResolvedPlan>();
    project->kind = ResolvedKind::kProject;
    project->children = {filter};
    for (int i = 0; i < rank; ++i) project->expressions.push_back(ColumnOf(*child, i));
    project->schema = child->schema;
    project->column_ids = child->column_ids;
    project->qualifiers = child->qualifiers;
    pulled->insert(pulled->end(), inner_pulled.begin(), inner_pulled.end());
    return ResolvedPtr(project);
  }

  /// The inner column of a pulled predicate `inner column = outer expression`, or null.
  static const BoundExpr* InnerEqualitySide(const BoundExpr& predicate) {
    if (predicate.kind != plan::BoundKind::kCall || predicate.args.size() != 2 ||
        (predicate.function_name != "=" && predicate.function_name != "<=>")) {
      return nullptr;
    }
    for (int side = 0; side < 2; ++side) {
      const auto& a = predicate.args[side];
      const auto& b = predicate.args[1 - side];
      if (a->kind == plan::BoundKind::kColumnRef && !a->outer_reference && InnerColumnsRead({b}).empty()) {
        return a.get();
      }
    }
    return nullptr;
  }

  Result<ResolvedPtr> PullFromJoin(const ResolvedPlan& node, std::vector<BoundExprPtr>* pulled) {
    if (node.join_type != plan::JoinType::kInner && node.join_type != plan::JoinType::kCross) {
      return UnsupportedCorrelation("below an outer, semi or anti join");
    }
    ARROW_ASSIGN_OR_RAISE(auto left, Pull(node.children[0], pulled));
    ARROW_ASSIGN_OR_RAISE(auto right, Pull(node.children[1], pulled));
    auto join = plan::MakeJoinNode(left, right, node.join_type, nullptr);
    ARROW_ASSIGN_OR_RAISE(join->condition, SplitOffCorrelated(node.condition, *join, pulled));
    return ResolvedPtr(join);
  }

  const plan::EvalContext& ctx_;
  bool aggregated_ = false;
  bool counts_ = false;
};


}  // namespace

bool NodeReadsOuterColumns(const ResolvedPlan& node) {
  auto reads = [](const BoundExprPtr& e) { return e && plan::HasOuterReference(*e); };
  if (reads(node.condition) || reads(node.generator.input)) return true;
  for (const auto& e : node.expressions) {
    if (reads(e)) return true;
  }
  for (const auto& g : node.grouping) {
    if (reads(g)) return true;
  }
  for (const auto& a : node.aggregates) {
    for (const auto& arg : a.args) {
      if (reads(arg)) return true;
    }
  }
  for (const auto& k : node.sort_keys) {
    if (reads(k.expr)) return true;
  }
  return false;
}

bool PlanReadsOuterColumns(const ResolvedPlan& node) {
  if (NodeReadsOuterColumns(node)) return true;
  for (const auto& child : node.children) {
    if (PlanReadsOuterColumns(*child)) return true;
  }
  return false;
}

BoundExprPtr WithoutOuterMarks(const BoundExprPtr& expr) {
  if (!plan::HasOuterReference(*expr)) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  copy->outer_reference = false;
  for (auto& arg : copy->args) arg = WithoutOuterMarks(arg);
  return copy;
}

Result<DecorrelatedSubquery> PullUpCorrelatedPredicates(const ResolvedPtr& subquery, const plan::EvalContext& ctx) {
  return PredicatePullUp(ctx).Run(subquery);
}

Result<BoundExprPtr> CorrelatedJoinCondition(const std::vector<BoundExprPtr>& conditions, const ResolvedPlan& outer,
                                             const ResolvedPlan& subquery, const plan::EvalContext& ctx) {
  std::vector<ColumnId> both = outer.column_ids;
  both.insert(both.end(), subquery.column_ids.begin(), subquery.column_ids.end());
  std::vector<BoundExprPtr> bound;
  for (const auto& c : conditions) {
    auto rebound = plan::BindToInput(WithoutOuterMarks(c), both);
    if (!rebound.ok()) return UnsupportedCorrelation("of a query more than one level out");
    bound.push_back(*rebound);
  }
  if (bound.empty()) return BoundExprPtr();
  return functions::AndAll(bound, ctx);
}

}  // namespace sk8::analyzer
