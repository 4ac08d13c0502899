// UNION / INTERSECT / EXCEPT and distinct(): columns are matched by position
// (or by name for unionByName), widened to Spark's common type, named after the
// first input; INTERSECT and EXCEPT are left semi / anti joins on every column
// with null-safe equality, then distinct, as Spark rewrites them.
#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

namespace {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using plan::SetOperationKind;

const char* OperatorName(SetOperationKind op) {
  switch (op) {
    case SetOperationKind::kUnion: return "UNION";
    case SetOperationKind::kIntersect: return "INTERSECT";
    case SetOperationKind::kExcept: return "EXCEPT";
  }
  return "?";
}

BoundExprPtr ColumnOf(const ResolvedPlan& input, int i) {
  const auto& f = input.schema->field(i);
  return BoundExpr::Column(i, f->type(), f->nullable(), f->name());
}

/// A projection of `input` computing `exprs` (names as given).
Result<ResolvedPtr> ProjectOver(const ResolvedPtr& input, std::vector<BoundExprPtr> exprs) {
  auto project = std::make_shared<ResolvedPlan>();
  project->kind = ResolvedKind::kProject;
  project->schema = SchemaOf(exprs);
  project->expressions = std::move(exprs);
  project->qualifiers.assign(project->schema->num_fields(), "");
  project->plan_ids = input->plan_ids;
  project->children = {input};
  return AssignColumnIds(project);
}

/// `input` with its columns cast to `types` (a projection only when one differs).
Result<ResolvedPtr> CastTo(const ResolvedPtr& input, const std::vector<std::shared_ptr<arrow::DataType>>& types,
                           const plan::EvalContext& ctx) {
  bool same = true;
  for (int i = 0; i < input->schema->num_fields(); ++i) same &= input->schema->field(i)->type()->Equals(*types[i]);
  if (same) return input;
  std::vector<BoundExprPtr> exprs;
  for (int i = 0; i < input->schema->num_fields(); ++i) {
    auto column = ColumnOf(*input, i);
    if (!column->type->Equals(*types[i])) {
      ARROW_ASSIGN_OR_RAISE(auto cast, functions::BindCast(column, types[i], plan::CastMode::kDefault,
                                                           /*implicit=*/true, ctx));
      auto named = std::make_shared<BoundExpr>(*cast);
      named->name = column->name;
      column = named;
    }
    exprs.push_back(std::move(column));
  }
  return ProjectOver(input, std::move(exprs));
}

/// unionByName: the right side's columns in the left side's order (and, with
/// allowMissingColumns, NULLs for the columns either side lacks).
Result<std::pair<ResolvedPtr, ResolvedPtr>> AlignByName(const ResolvedPtr& left, const ResolvedPtr& right,
                                                        bool allow_missing) {
  std::vector<BoundExprPtr> left_exprs, right_exprs;
  for (int i = 0; i < left->schema->num_fields(); ++i) {
    const auto& name = left->schema->field(i)->name();
    left_exprs.push_back(ColumnOf(*left, i));
    int found = -1;
    for (int j = 0; j < right->schema->num_fields() && found < 0; ++j) {
      if (sql::EqualsIgnoreCase(right->schema->field(j)->name(), name)) found = j;
    }
    if (found >= 0) {
      right_exprs.push_back(ColumnOf(*right, found));
    } else if (allow_missing) {
      right_exprs.push_back(BoundExpr::Literal(arrow::MakeNullScalar(left->schema->field(i)->type()), name));
    } else {
      std::string columns;
      for (const auto& f : right->schema->fields()) columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(f->name());
      return AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION",
                           {{"objectName", QuoteIdentifier(name)}, {"proposal", columns}});
    }
  }
  for (int j = 0; j < right->schema->num_fields(); ++j) {
    const auto& name = right->schema->field(j)->name();
    bool in_left = false;
    for (const auto& f : left->schema->fields()) in_left |= sql::EqualsIgnoreCase(f->name(), name);
    if (in_left) continue;
    if (!allow_missing) {
      return AnalysisError("NUM_COLUMNS_MISMATCH",
                           {{"operator", "UNION"}, {"firstNumColumns", std::to_string(left->schema->num_fields())},
                            {"invalidOrdinalNum", "second"},
                            {"invalidNumColumns", std::to_string(right->schema->num_fields())}});
    }
    left_exprs.push_back(BoundExpr::Literal(arrow::MakeNullScalar(right->schema->field(j)->type()), name));
    right_exprs.push_back(ColumnOf(*right, j));
  }
  ARROW_ASSIGN_OR_RAISE(auto new_left, ProjectOver(left, std::move(left_exprs)));
  ARROW_ASSIGN_OR_RAISE(auto new_right, ProjectOver(right, std::move(right_exprs)));
  return std::make_pair(new_left, new_right);
}

}  // namespace

Result<ResolvedPtr> Distinct(const ResolvedPtr& input) {
  auto aggregate = std::make_shared<ResolvedPlan>();
  aggregate->kind = ResolvedKind::kAggregate;
  aggregate->schema = input->schema;
  aggregate->qualifiers = input->qualifiers;
  aggregate->plan_ids = input->plan_ids;
  aggregate->children = {input};
  for (int i = 0; i < input->schema->num_fields(); ++i) aggregate->grouping.push_back(ColumnOf(*input, i));
  return AssignColumnIds(aggregate);
}

Result<ResolvedPtr> Analyzer::ResolveSetOperation(const plan::SetOperationPlan& node, ResolvedPtr left,
                                                  ResolvedPtr right) const {
  const char* op_name = OperatorName(node.op);
  if (node.is_all && node.op != SetOperationKind::kUnion) {
    return Unsupported(std::string(op_name) + " ALL (intersectAll / exceptAll)");
  }
  if (node.by_name) {
    ARROW_ASSIGN_OR_RAISE(auto aligned, AlignByName(left, right, node.allow_missing_columns));
    left = aligned.first;
    right = aligned.second;
  }
  const int width = left->schema->num_fields();
  if (right->schema->num_fields() != width) {
    return AnalysisError("NUM_COLUMNS_MISMATCH",
                         {{"operator", op_name}, {"firstNumColumns", std::to_string(width)},
                          {"invalidOrdinalNum", "second"},
                          {"invalidNumColumns", std::to_string(right->schema->num_fields())}});
  }
  std::vector<std::shared_ptr<arrow::DataType>> types;
  for (int i = 0; i < width; ++i) {
    auto wider = functions::WiderType(left->schema->field(i)->type(), right->schema->field(i)->type());
    if (!wider) {
      return AnalysisError("INCOMPATIBLE_COLUMN_TYPE",
                           {{"operator", op_name}, {"columnOrdinalNumber", i == 0 ? "first" : std::to_string(i + 1) + "th"},
                            {"tableOrdinalNumber", "second"},
                            {"dataType1", "\"" + types::SqlString(*right->schema->field(i)->type()) + "\""},
                            {"dataType2", "\"" + types::SqlString(*left->schema->field(i)->type()) + "\""},
                            {"hint", ""}});
    }
    types.push_back(wider);
  }
  ARROW_ASSIGN_OR_RAISE(left, CastTo(left, types, ctx_));
  ARROW_ASSIGN_OR_RAISE(right, CastTo(right, types, ctx_));

  if (node.op == SetOperationKind::kUnion) {
    auto out = std::make_shared<ResolvedPlan>();
    out->kind = ResolvedKind::kUnion;
    arrow::FieldVector fields;
    for (int i = 0; i < width; ++i) {
      const auto& f = left->schema->field(i);
      fields.push_back(f->WithNullable(f->nullable() || right->schema->field(i)->nullable()));
    }
    out->schema = arrow::schema(fields);
    out->qualifiers.assign(width, "");
    out->plan_ids = left->plan_ids;
    out->plan_ids.insert(out->plan_ids.end(), right->plan_ids.begin(), right->plan_ids.end());
    out->children = {left, right};
    ARROW_ASSIGN_OR_RAISE(ResolvedPtr unioned, AssignColumnIds(out));
    return node.is_all ? unioned : Distinct(unioned);
  }
  // INTERSECT / EXCEPT: left rows with (without) an equal row on the right,
  // NULLs equal to NULLs, then distinct.
  BoundExprPtr condition;
  for (int i = 0; i < width; ++i) {
    auto l = ColumnOf(*left, i);
    const auto& rf = right->schema->field(i);
    auto r = BoundExpr::Column(width + i, rf->type(), rf->nullable(), rf->name());
    ARROW_ASSIGN_OR_RAISE(auto equal, functions::BindFunctionCall("<=>", {l, r}, ctx_));
    if (condition) {
      ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall("and", {condition, equal}, ctx_));
    } else {
      condition = equal;
    }
  }
  auto join = plan::MakeJoinNode(
      left, right, node.op == SetOperationKind::kIntersect ? plan::JoinType::kLeftSemi : plan::JoinType::kLeftAnti,
      condition);
  join->schema = left->schema;  // semi / anti: the left columns only
  join->qualifiers = left->qualifiers;
  join->column_ids.clear();
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr joined, AssignColumnIds(join));
  return Distinct(joined);
}

Result<ResolvedPtr> Analyzer::ResolveDeduplicate(const plan::DeduplicatePlan& node, ResolvedPtr input) const {
  if (!node.columns.empty()) return Unsupported("dropDuplicates on a subset of columns");
  return Distinct(input);
}

}  // namespace sk8::analyzer
