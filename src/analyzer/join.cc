// Resolving joins: the condition binds against the left columns followed by the
// right ones; USING columns become equalities plus Spark's merged key columns;
// outer joins make the other side's columns nullable.
#include <arrow/compute/api.h>

#include "analyzer/analyzer.h"
#include "functions/function_registry.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::JoinType;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

std::shared_ptr<arrow::Field> Nullable(const std::shared_ptr<arrow::Field>& f) {
  return f->nullable() ? f : f->WithNullable(true);
}

/// coalesce(a, b) for the merged key of a full outer USING join.
class CoalesceKernel : public plan::ScalarKernel {
 public:
  Result<arrow::Datum> Execute(const std::vector<arrow::Datum>& args, int64_t, const plan::EvalContext&) const override {
    return arrow::compute::CallFunction("coalesce", args);
  }
};

/// The expression with every column reference marked nullable (an outer join's
/// output of that column may be NULL).
BoundExprPtr WithNullable(const BoundExprPtr& e) {
  auto copy = std::make_shared<BoundExpr>(*e);
  if (copy->kind == plan::BoundKind::kColumnRef) copy->nullable = true;
  for (auto& a : copy->args) a = WithNullable(a);
  if (copy->kind == plan::BoundKind::kCall) copy->nullable = true;
  return copy;
}

int FindUsingColumn(const ResolvedPlan& side, const std::string& name) {
  for (int i = 0; i < side.schema->num_fields(); ++i) {
    if (sql::EqualsIgnoreCase(side.schema->field(i)->name(), name)) return i;
  }
  return -1;
}

Status UnresolvedUsingColumn(const std::string& name, const char* side_name, const ResolvedPlan& side) {
  std::string columns;
  for (int i = 0; i < side.schema->num_fields(); ++i) {
    columns += (i ? ", " : "") + QuoteIdentifier(side.schema->field(i)->name());
  }
  return AnalysisError("UNRESOLVED_USING_COLUMN_FOR_JOIN",
                       {{"colName", QuoteIdentifier(name)}, {"side", side_name}, {"suggestion", columns}});
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveJoin(const plan::JoinPlan& node, ResolvedPtr left, ResolvedPtr right) const {
  const JoinType type = node.join_type;
  // What the condition sees: the left columns, then the right ones.
  auto combined = plan::MakeJoinNode(left, right, type, nullptr);
  const int left_width = left->schema->num_fields();

  // USING (k, ...) and NATURAL: equalities on the named columns of both sides.
  std::vector<std::string> using_columns = node.using_columns;
  if (node.natural) {
    for (const auto& f : left->schema->fields()) {
      if (FindUsingColumn(*right, f->name()) >= 0) using_columns.push_back(f->name());
    }
  }
  std::vector<std::pair<int, int>> using_pairs;  // (left index, right index)
  std::vector<BoundExprPtr> using_common;        // each pair's `=` operands, coerced to one type
  BoundExprPtr condition;
  for (const auto& name : using_columns) {
    int l = FindUsingColumn(*left, name);
    if (l < 0) return UnresolvedUsingColumn(name, "left", *left);
    int r = FindUsingColumn(*right, name);
    if (r < 0) return UnresolvedUsingColumn(name, "right", *right);
    using_pairs.emplace_back(l, r);
    const auto& lf = left->schema->field(l);
    const auto& rf = right->schema->field(r);
    auto lref = BoundExpr::Column(l, lf->type(), lf->nullable(), lf->name());
    auto rref = BoundExpr::Column(left_width + r, rf->type(), rf->nullable(), rf->name());
    ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("=", {lref, rref}, ctx_));
    if (equal->args.size() == 2) {
      using_common.push_back(equal->args[0]);
      using_common.push_back(equal->args[1]);
    } else {
      using_common.push_back(lref);
      using_common.push_back(rref);
    }
    if (condition) {
      ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall("and", {condition, equal}, ctx_));
    } else {
      condition = equal;
    }
  }
  if (node.condition) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(node.condition, *combined));
    if (bound->type->id() != arrow::Type::BOOL) {
      return AnalysisError("JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE",
                           {{"joinCondition", "\"" + bound->name + "\""},
                            {"conditionType", "\"" + types::SqlString(*bound->type) + "\""}});
    }
    if (condition) {
      ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall("and", {condition, bound}, ctx_));
    } else {
      condition = bound;
    }
  }

  // The join itself: left columns, then right ones; outer sides nullable.
  auto join = plan::MakeJoinNode(left, right, type == JoinType::kCross && condition ? JoinType::kInner : type,
                                 condition);
  const bool left_nullable = type == JoinType::kRightOuter || type == JoinType::kFullOuter;
  const bool right_nullable = type == JoinType::kLeftOuter || type == JoinType::kFullOuter;
  arrow::FieldVector fields;
  for (const auto& f : left->schema->fields()) fields.push_back(left_nullable ? Nullable(f) : f);
  join->qualifiers = left->qualifiers;
  if (!plan::JoinOutputsLeftOnly(type)) {
    for (const auto& f : right->schema->fields()) fields.push_back(right_nullable ? Nullable(f) : f);
    join->qualifiers.insert(join->qualifiers.end(), right->qualifiers.begin(), right->qualifiers.end());
  }
  join->schema = arrow::schema(fields);
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr resolved_join, AssignColumnIds(join));
  if (using_pairs.empty()) return resolved_join;

  // Spark's USING output: the keys once (the left's, the right's for a right
  // join, coalesced for a full join), then the other left and right columns.
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> qualifiers;
  std::vector<bool> is_key_left(left_width, false), is_key_right(right->schema->num_fields(), false);
  auto column = [&](int index) {
    const auto& f = join->schema->field(index);
    return BoundExpr::Column(index, f->type(), f->nullable(), f->name());
  };
  for (size_t k = 0; k < using_pairs.size(); ++k) {
    const auto [l, r] = using_pairs[k];
    is_key_left[l] = true;
    is_key_right[r] = true;
    if (type == JoinType::kRightOuter) {
      exprs.push_back(column(left_width + r));
      qualifiers.push_back(join->qualifiers[left_width + r]);
    } else if (type == JoinType::kFullOuter) {
      // coalesce of the two sides, in the type their equality compared them in
      // (the `=` operands, casts included, now read the join's nullable output).
      auto lkey = WithNullable(using_common[2 * k]), rkey = WithNullable(using_common[2 * k + 1]);
      auto merged = BoundExpr::Call("coalesce", std::make_shared<CoalesceKernel>(), {lkey, rkey}, lkey->type,
                                    true, left->schema->field(l)->name());
      exprs.push_back(merged);
      qualifiers.push_back("");
    } else {
      exprs.push_back(column(l));
      qualifiers.push_back(join->qualifiers[l]);
    }
  }
  for (int i = 0; i < left_width; ++i) {
    if (is_key_left[i]) continue;
    exprs.push_back(column(i));
    qualifiers.push_back(join->qualifiers[i]);
  }
  if (!plan::JoinOutputsLeftOnly(type)) {
    for (int i = 0; i < right->schema->num_fields(); ++i) {
      if (is_key_right[i]) continue;
      exprs.push_back(column(left_width + i));
      qualifiers.push_back(join->qualifiers[left_width + i]);
    }
  }
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = ResolvedKind::kProject;
  project->schema = SchemaOf(exprs);
  project->expressions = std::move(exprs);
  project->qualifiers = std::move(qualifiers);
  project->children = {resolved_join};
  project->plan_ids = join->plan_ids;
  for (const auto& [l, r] : using_pairs) {
    project->hidden_join_columns.push_back(l);
    if (!plan::JoinOutputsLeftOnly(type)) project->hidden_join_columns.push_back(left_width + r);
  }
  return AssignColumnIds(project);
}

}  // namespace sk8::analyzer
