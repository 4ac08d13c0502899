// UNION / INTERSECT / EXCEPT and distinct(): columns are matched by position
// (or by name for unionByName), widened to Spark's common type, named after the
// first input; INTERSECT and EXCEPT are left semi / anti joins on every column
// with null-safe equality, then distinct, as Spark rewrites them. INTERSECT ALL
// and EXCEPT ALL count each row's copies per side over a tagged union and
// replicate the rows that remain (Spark's RewriteIntersectAll / RewriteExceptAll).
// dropDuplicates(subset) keeps the first row of each key (Spark's Deduplicate).
#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "sql/token.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

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

/// UNION ALL of inputs that already have the same column types.
Result<ResolvedPtr> UnionAll(const ResolvedPtr& left, const ResolvedPtr& right) {
  const int width = left->schema->num_fields();
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
  return AssignColumnIds(out);
}

/// `input` and its columns followed by `tags`.
Result<ResolvedPtr> WithTags(const ResolvedPtr& input, const std::vector<BoundExprPtr>& tags) {
  std::vector<BoundExprPtr> exprs;
  for (int i = 0; i < input->schema->num_fields(); ++i) exprs.push_back(ColumnOf(*input, i));
  exprs.insert(exprs.end(), tags.begin(), tags.end());
  return ProjectOver(input, std::move(exprs));
}

BoundExprPtr Int64(int64_t v) { return BoundExpr::Literal(arrow::MakeScalar(v), std::to_string(v)); }
BoundExprPtr Boolean(bool v) { return BoundExpr::Literal(arrow::MakeScalar(v), v ? "true" : "false"); }
BoundExprPtr NullBoolean() { return BoundExpr::Literal(arrow::MakeNullScalar(arrow::boolean()), "NULL"); }

/// INTERSECT ALL / EXCEPT ALL of inputs with the same column types. Per distinct
/// row (NULLs equal), INTERSECT ALL keeps min(copies left, copies right) copies,
/// EXCEPT ALL copies left - copies right when positive: the copies are counted by
/// an aggregate over the union of both sides, each row tagged with its side, and
/// replicated that many times.
Result<ResolvedPtr> SetOperationAll(SetOperationKind op, const ResolvedPtr& left, const ResolvedPtr& right,
                                    const plan::EvalContext& ctx) {
  const int width = left->schema->num_fields();
  const bool intersect = op == SetOperationKind::kIntersect;
  ResolvedPtr tagged_left, tagged_right;
  if (intersect) {
    ARROW_ASSIGN_OR_RAISE(tagged_left, WithTags(left, {Boolean(true), NullBoolean()}));
    ARROW_ASSIGN_OR_RAISE(tagged_right, WithTags(right, {NullBoolean(), Boolean(true)}));
  } else {
    ARROW_ASSIGN_OR_RAISE(tagged_left, WithTags(left, {Int64(1)}));
    ARROW_ASSIGN_OR_RAISE(tagged_right, WithTags(right, {Int64(-1)}));
  }
  ARROW_ASSIGN_OR_RAISE(auto unioned, UnionAll(tagged_left, tagged_right));

  auto aggregate = std::make_shared<ResolvedPlan>();
  aggregate->kind = ResolvedKind::kAggregate;
  aggregate->plan_ids = left->plan_ids;
  aggregate->children = {unioned};
  arrow::FieldVector fields;
  for (int i = 0; i < width; ++i) {
    aggregate->grouping.push_back(ColumnOf(*unioned, i));
    fields.push_back(unioned->schema->field(i));
  }
  const auto* info = functions::FunctionRegistry::Instance().Find(intersect ? "count" : "sum");
  if (info == nullptr) return InternalError("no count / sum aggregate");
  for (int tag = width; tag < unioned->schema->num_fields(); ++tag) {
    ARROW_ASSIGN_OR_RAISE(auto agg, info->bind_aggregate(info->name, {ColumnOf(*unioned, tag)}, false, ctx));
    fields.push_back(arrow::field(agg.name, agg.type, agg.nullable));
    aggregate->aggregates.push_back(std::move(agg));
  }
  aggregate->schema = arrow::schema(fields);
  aggregate->qualifiers.assign(fields.size(), "");
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr counted, AssignColumnIds(aggregate));

  // Rows with copies to keep, and how many.
  BoundExprPtr condition, copies;
  if (intersect) {
    auto left_copies = ColumnOf(*counted, width);
    auto right_copies = ColumnOf(*counted, width + 1);
    ARROW_ASSIGN_OR_RAISE(auto in_left, functions::BindFunctionCall(">=", {left_copies, Int64(1)}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto in_right, functions::BindFunctionCall(">=", {right_copies, Int64(1)}, ctx));
    ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall("and", {in_left, in_right}, ctx));
    ARROW_ASSIGN_OR_RAISE(auto more_left, functions::BindFunctionCall(">", {left_copies, right_copies}, ctx));
    ARROW_ASSIGN_OR_RAISE(copies, functions::BindFunctionCall("when", {more_left, right_copies, left_copies}, ctx));
  } else {
    copies = ColumnOf(*counted, width);
    ARROW_ASSIGN_OR_RAISE(condition, functions::BindFunctionCall(">", {copies, Int64(0)}, ctx));
  }
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr kept, AssignColumnIds(plan::MakeFilterNode(counted, condition)));
  std::vector<BoundExprPtr> with_copies;
  for (int i = 0; i < width; ++i) with_copies.push_back(ColumnOf(*kept, i));
  auto named_copies = std::make_shared<BoundExpr>(*copies);
  named_copies->name = "copies";
  with_copies.push_back(named_copies);
  ARROW_ASSIGN_OR_RAISE(auto projected, ProjectOver(kept, std::move(with_copies)));

  auto replicate = std::make_shared<ResolvedPlan>();
  replicate->kind = ResolvedKind::kReplicateRows;
  replicate->schema = projected->schema;
  replicate->qualifiers = projected->qualifiers;
  replicate->plan_ids = left->plan_ids;
  replicate->children = {projected};
  replicate->replicate_count = ColumnOf(*projected, width);
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr replicated, AssignColumnIds(replicate));

  // Spark's Intersect output is nullable only where both sides are; Except's is the left side's.
  std::vector<BoundExprPtr> outputs;
  for (int i = 0; i < width; ++i) {
    auto column = std::make_shared<BoundExpr>(*ColumnOf(*replicated, i));
    column->nullable = left->schema->field(i)->nullable() && (!intersect || right->schema->field(i)->nullable());
    outputs.push_back(std::move(column));
  }
  return ProjectOver(replicated, std::move(outputs));
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
  // Spark names INTERSECT ALL / EXCEPT ALL in its errors, but UNION ALL as UNION.
  const bool all = node.is_all && node.op != SetOperationKind::kUnion;
  const std::string op_name = std::string(OperatorName(node.op)) + (all ? " ALL" : "");
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
  if (node.op != SetOperationKind::kUnion || !node.is_all) {
    // Spark compares rows of INTERSECT / EXCEPT / UNION (distinct), which VARIANT values cannot be.
    for (const auto& f : left->schema->fields()) {
      if (!types::ContainsVariant(*f->type())) continue;
      return AnalysisError("UNSUPPORTED_FEATURE.SET_OPERATION_ON_VARIANT_TYPE",
                           {{"colName", QuoteIdentifier(f->name())},
                            {"dataType", "\"" + types::SqlString(*f->type()) + "\""}});
    }
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
    ARROW_ASSIGN_OR_RAISE(ResolvedPtr unioned, UnionAll(left, right));
    return node.is_all ? unioned : Distinct(unioned);
  }
  if (node.is_all) return SetOperationAll(node.op, left, right, ctx_);
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
  auto join = plan::MakeSemiJoinNode(
      left, right, node.op == SetOperationKind::kIntersect ? plan::JoinType::kLeftSemi : plan::JoinType::kLeftAnti,
      condition);
  // Semi / anti: the left columns only; INTERSECT's nullable only where both sides are (as Spark's Intersect).
  arrow::FieldVector fields;
  for (int i = 0; i < width; ++i) {
    const auto& f = left->schema->field(i);
    const bool both = node.op != SetOperationKind::kIntersect || right->schema->field(i)->nullable();
    fields.push_back(f->WithNullable(f->nullable() && both));
  }
  join->schema = arrow::schema(fields);
  ARROW_ASSIGN_OR_RAISE(ResolvedPtr joined, AssignColumnIds(join));
  return Distinct(joined);
}

Result<ResolvedPtr> Analyzer::ResolveDeduplicate(const plan::DeduplicatePlan& node, ResolvedPtr input) const {
  if (node.columns.empty()) return Distinct(input);
  auto dedup = std::make_shared<ResolvedPlan>();
  dedup->kind = ResolvedKind::kDeduplicate;
  dedup->schema = input->schema;
  dedup->qualifiers = input->qualifiers;
  dedup->plan_ids = input->plan_ids;
  dedup->visible_columns = input->visible_columns;
  dedup->children = {input};
  // Every column of a given name is a key (Spark resolves each name against all of them).
  for (const auto& name : node.columns) {
    bool found = false;
    for (int i = 0; i < input->schema->num_fields(); ++i) {
      if (!sql::EqualsIgnoreCase(input->schema->field(i)->name(), name)) continue;
      dedup->grouping.push_back(ColumnOf(*input, i));
      found = true;
    }
    if (!found) {
      // Spark Connect's planner rejects the relation before analysis, as an internal error.
      return SparkError(SparkExceptionKind::kInvalidPlanInput, "INTERNAL_ERROR",
                        {{"message", "Invalid deduplicate column " + name}});
    }
  }
  return AssignColumnIds(dedup);
}

}  // namespace sk8::analyzer
