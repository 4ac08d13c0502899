// GROUPING SETS / ROLLUP / CUBE and pivot, as Spark resolves them.
//
// Grouping sets (Spark's ResolveGroupingAnalytics): an Expand node below the
// aggregate gives each input row once per set: the input's columns as they
// are (aggregates read those), then each grouping expression, NULL where the
// set leaves it out, and spark_grouping_id, whose bit (n - 1 - i) is set when
// the set leaves out expression i. One aggregate then groups by the Expand's
// grouping columns and the id, so the sets' groups never mix. grouping(col)
// and grouping_id() read the id.
//
// Unpivot (melt) reuses the Expand: one projection per value column.
//
// Pivot (Spark's ResolvePivot): each aggregate once per pivot value, counting
// only the rows whose pivot column is (null-safely) equal to the value.
#include <algorithm>

#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "plan/sql_nodes.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

int FindGrouping(const std::vector<BoundExprPtr>& grouping, size_t count, const BoundExpr& expr) {
  for (size_t g = 0; g < count; ++g) {
    if (plan::SameExpression(*grouping[g], expr)) return static_cast<int>(g);
  }
  return -1;
}

BoundExprPtr Nullable(const BoundExprPtr& expr) {
  if (expr->nullable) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  copy->nullable = true;
  return copy;
}

std::string NameList(const std::vector<BoundExprPtr>& exprs, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? ", " : "") + exprs[i]->name;
  return out;
}

}  // namespace

Result<ResolvedPtr> Analyzer::ExpandGroupingSets(const std::vector<std::vector<ExprPtr>>& sets, ResolvedPtr input,
                                                 AggregateContext* agg,
                                                 std::vector<BoundExprPtr>* node_grouping) const {
  // The grouping expressions, each once; those only named in a set join them.
  std::vector<BoundExprPtr> grouping;
  for (const auto& g : agg->grouping) {
    if (FindGrouping(grouping, grouping.size(), *g) < 0) grouping.push_back(g);
  }
  std::vector<std::vector<int>> members;
  for (const auto& set : sets) {
    auto& indices = members.emplace_back();
    for (const auto& e : set) {
      ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, *input, nullptr));
      int index = FindGrouping(grouping, grouping.size(), *bound);
      if (index < 0) {
        index = static_cast<int>(grouping.size());
        grouping.push_back(bound);
      }
      indices.push_back(index);
    }
  }
  constexpr size_t kMaxGroupingColumns = 64;  // bits of spark_grouping_id (BIGINT)
  if (grouping.size() >= kMaxGroupingColumns) {
    return AnalysisError("GROUPING_SIZE_LIMIT_EXCEEDED", {{"maxSize", std::to_string(kMaxGroupingColumns - 1)}});
  }
  const int width = input->schema->num_fields();
  const size_t n = grouping.size();
  arrow::FieldVector fields = input->schema->fields();
  for (const auto& g : grouping) fields.push_back(arrow::field(g->name, g->type, true));
  fields.push_back(arrow::field("spark_grouping_id", arrow::int64(), false));
  auto expand = std::make_shared<ResolvedPlan>();
  expand->kind = ResolvedKind::kExpand;
  expand->schema = arrow::schema(fields);
  expand->children = {input};
  expand->plan_ids = input->plan_ids;
  expand->qualifiers = input->qualifiers;
  expand->qualifiers.resize(fields.size(), "");
  // The grouping columns are found through the input's columns, never by name.
  expand->visible_columns = input->visible_columns < 0 ? width : input->visible_columns;
  for (const auto& indices : members) {
    auto& projection = expand->expand_projections.emplace_back();
    for (int i = 0; i < width; ++i) {
      const auto& f = input->schema->field(i);
      projection.push_back(BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
    }
    int64_t grouping_id = 0;
    for (size_t g = 0; g < n; ++g) {
      if (std::find(indices.begin(), indices.end(), static_cast<int>(g)) != indices.end()) {
        projection.push_back(grouping[g]);
        continue;
      }
      grouping_id |= int64_t{1} << (n - 1 - g);
      projection.push_back(BoundExpr::Literal(arrow::MakeNullScalar(grouping[g]->type), "NULL"));
    }
    projection.push_back(BoundExpr::Literal(arrow::MakeScalar(grouping_id), std::to_string(grouping_id)));
  }
  agg->grouping.clear();
  node_grouping->clear();
  for (size_t g = 0; g < n; ++g) {
    agg->grouping.push_back(Nullable(grouping[g]));
    node_grouping->push_back(BoundExpr::Column(width + static_cast<int>(g), grouping[g]->type, true, grouping[g]->name));
  }
  agg->grouping_id_index = static_cast<int>(n);
  // A stand-in no expression matches: the id is not a grouping expression to bind to.
  agg->grouping.push_back(BoundExpr::Literal(arrow::MakeScalar(int64_t{0}), "spark_grouping_id"));
  node_grouping->push_back(BoundExpr::Column(width + static_cast<int>(n), arrow::int64(), false, "spark_grouping_id"));
  return ResolvedPtr(expand);
}

namespace {

/// The least common type of one value column of an unpivot (Spark's
/// UNPIVOT_VALUE_DATA_TYPE_MISMATCH when there is none); `nullable` when any is.
Result<std::shared_ptr<arrow::DataType>> UnpivotValueType(const std::vector<BoundExprPtr>& values, bool* nullable) {
  std::shared_ptr<arrow::DataType> type = values[0]->type;
  for (const auto& v : values) {
    *nullable = *nullable || v->nullable;
    if (v->type->Equals(*type)) continue;
    auto wider = functions::WiderType(type, v->type);
    if (!wider) {
      // Spark lists the values by type name: "INT" (`n`), "STRING" (`s`).
      std::vector<std::string> listed;
      for (const auto& each : values) {
        listed.push_back("\"" + types::SqlString(*each->type) + "\" (" + QuoteIdentifier(each->name) + ")");
      }
      std::sort(listed.begin(), listed.end());
      std::string types;
      for (const auto& each : listed) types += (types.empty() ? "" : ", ") + each;
      return AnalysisError("UNPIVOT_VALUE_DATA_TYPE_MISMATCH", {{"types", types}});
    }
    type = wider;
  }
  return type;
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveUnpivot(const plan::UnpivotPlan& node, ResolvedPtr input) const {
  std::vector<BoundExprPtr> ids;
  for (const auto& e : node.ids) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, *input, nullptr));
    ids.push_back(std::move(bound));
  }
  // The value columns, as groups (one column each unless SQL's UNPIVOT ((v1, v2) ...)).
  const auto* sql = dynamic_cast<const plan::SqlUnpivotPlan*>(&node);
  const bool several = sql != nullptr && !sql->value_groups.empty();
  const std::vector<std::string> value_names = several ? sql->value_columns : std::vector<std::string>{node.value_column};
  std::vector<std::vector<BoundExprPtr>> groups;
  std::vector<std::string> group_names;
  for (size_t g = 0; several && g < sql->value_groups.size(); ++g) {
    auto& group = groups.emplace_back();
    std::string joined;
    for (const auto& e : sql->value_groups[g]) {
      ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, *input, nullptr));
      joined += (joined.empty() ? "" : "_") + bound->name;
      group.push_back(std::move(bound));
    }
    group_names.push_back(sql->group_names[g].empty() ? joined : sql->group_names[g]);
  }
  for (const auto& e : node.values) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, *input, nullptr));
    group_names.push_back(bound->name);
    groups.push_back({std::move(bound)});
  }
  const int visible = input->visible_columns < 0 ? input->schema->num_fields() : input->visible_columns;
  if (node.ids_are_the_rest) {
    // SQL's UNPIVOT: the ids are the columns that are no value.
    std::vector<bool> is_value(input->schema->num_fields(), false);
    for (const auto& group : groups) {
      for (const auto& bound : group) {
        if (bound->kind == plan::BoundKind::kColumnRef && bound->column_index >= 0) is_value[bound->column_index] = true;
      }
    }
    for (int i = 0; i < visible; ++i) {
      if (is_value[i]) continue;
      const auto& f = input->schema->field(i);
      ids.push_back(BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
    }
  }
  if (groups.empty()) {
    // Every column that is no id.
    for (int i = 0; i < visible; ++i) {
      bool is_id = false;
      for (const auto& id : ids) is_id |= id->kind == plan::BoundKind::kColumnRef && id->column_index == i;
      if (is_id) continue;
      const auto& f = input->schema->field(i);
      group_names.push_back(f->name());
      groups.push_back({BoundExpr::Column(i, f->type(), f->nullable(), f->name())});
    }
  }
  if (groups.empty()) return AnalysisError("UNPIVOT_REQUIRES_VALUE_COLUMNS", {});
  for (const auto& group : groups) {
    if (group.size() != value_names.size()) {
      return AnalysisError("UNPIVOT_VALUE_SIZE_MISMATCH", {{"names", std::to_string(value_names.size())}});
    }
  }
  // Each value column's least common type.
  std::vector<std::shared_ptr<arrow::DataType>> value_types;
  arrow::FieldVector fields;
  for (const auto& id : ids) fields.push_back(arrow::field(id->name, id->type, id->nullable));
  fields.push_back(arrow::field(node.variable_column, arrow::utf8(), false));
  for (size_t j = 0; j < value_names.size(); ++j) {
    std::vector<BoundExprPtr> column;
    for (const auto& group : groups) column.push_back(group[j]);
    bool nullable = false;
    ARROW_ASSIGN_OR_RAISE(auto type, UnpivotValueType(column, &nullable));
    value_types.push_back(type);
    fields.push_back(arrow::field(value_names[j], type, nullable));
  }
  auto expand = std::make_shared<ResolvedPlan>();
  expand->kind = ResolvedKind::kExpand;
  expand->schema = arrow::schema(fields);
  expand->children = {input};
  expand->plan_ids = input->plan_ids;
  expand->qualifiers.assign(fields.size(), "");
  for (size_t g = 0; g < groups.size(); ++g) {
    auto& projection = expand->expand_projections.emplace_back(ids);
    projection.push_back(BoundExpr::Literal(arrow::MakeScalar(group_names[g]), "'" + group_names[g] + "'"));
    for (size_t j = 0; j < value_names.size(); ++j) {
      BoundExprPtr value = groups[g][j];
      if (!value->type->Equals(*value_types[j])) {
        ARROW_ASSIGN_OR_RAISE(value, functions::BindCast(value, value_types[j], plan::CastMode::kDefault,
                                                         /*implicit=*/true, ctx_));
      }
      projection.push_back(value);
    }
  }
  return ResolvedPtr(expand);
}

Result<BoundExprPtr> Analyzer::BindGroupingCall(const plan::FunctionExpr& call, const ResolvedPlan& input,
                                                const AggregateContext* agg) const {
  if (agg == nullptr || agg->grouping_id_index < 0) return AnalysisError("UNSUPPORTED_GROUPING_EXPRESSION", {});
  const size_t n = static_cast<size_t>(agg->grouping_id_index);
  const bool is_grouping = sql::EqualsIgnoreCase(call.name, "grouping");
  std::vector<BoundExprPtr> args;
  for (const auto& a : call.args) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(a, input, nullptr));
    args.push_back(std::move(bound));
  }
  auto grouping_id = BoundExpr::Column(agg->grouping_id_index, arrow::int64(), false, "spark_grouping_id");
  if (is_grouping) {
    if (args.size() != 1) {
      return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                           {{"functionName", "`grouping`"}, {"expectedNum", "1"},
                            {"actualNum", std::to_string(args.size())},
                            {"docroot", "https://spark.apache.org/docs/latest"}});
    }
    const int index = FindGrouping(agg->grouping, n, *args[0]);
    if (index < 0) {
      return AnalysisError("GROUPING_COLUMN_MISMATCH",
                           {{"grouping", args[0]->name}, {"groupingColumns", NameList(agg->grouping, n)}});
    }
    auto bit = functions::GroupingBit(grouping_id, static_cast<int>(n) - 1 - index, "grouping(" + args[0]->name + ")");
    auto named = std::make_shared<BoundExpr>(*bit);
    named->auto_alias = true;
    return BoundExprPtr(named);
  }
  bool matches = args.empty() || args.size() == n;
  for (size_t i = 0; matches && i < args.size(); ++i) {
    matches = plan::SameExpression(*args[i], *agg->grouping[i]);
  }
  if (!matches) {
    return AnalysisError("GROUPING_ID_COLUMN_MISMATCH",
                         {{"groupingIdColumn", NameList(args, args.size())},
                          {"groupByColumns", NameList(agg->grouping, n)}});
  }
  auto id = std::make_shared<BoundExpr>(*grouping_id);
  id->name = "grouping_id(" + NameList(args, args.size()) + ")";
  id->auto_alias = true;
  return BoundExprPtr(id);
}

namespace {

/// `expr` with every aggregate call's rows restricted to `condition` (ANDed
/// with a FILTER it already has); window expressions are left alone. With
/// `skip_nulls`, first / last ignore NULLs, as Spark's pivot makes them.
ExprPtr RestrictAggregates(const ExprPtr& expr, const ExprPtr& condition, bool skip_nulls) {
  switch (expr->kind()) {
    case plan::ExprKind::kFunction: {
      const auto& call = expr->As<plan::FunctionExpr>();
      const auto* info = functions::FunctionRegistry::Instance().Find(call.name);
      auto copy = std::make_shared<plan::FunctionExpr>(call);
      if (info != nullptr && info->kind == functions::FunctionKind::kAggregate) {
        copy->filter = call.filter ? std::make_shared<plan::FunctionExpr>("and", std::vector<ExprPtr>{call.filter, condition})
                                   : condition;
        if (skip_nulls && (info->name == "first" || info->name == "last")) copy->ignore_nulls = true;
        return copy;
      }
      for (auto& a : copy->args) a = RestrictAggregates(a, condition, skip_nulls);
      return copy;
    }
    case plan::ExprKind::kAlias: {
      const auto& alias = expr->As<plan::AliasExpr>();
      return std::make_shared<plan::AliasExpr>(RestrictAggregates(alias.child, condition, skip_nulls), alias.names);
    }
    case plan::ExprKind::kCast: {
      const auto& cast = expr->As<plan::CastExpr>();
      return std::make_shared<plan::CastExpr>(RestrictAggregates(cast.child, condition, skip_nulls), cast.type,
                                              cast.mode, cast.keeps_child_name);
    }
    default: return expr;
  }
}

/// Spark's PivotFirst handles aggregates of these result types: it aggregates
/// per (group, value) first, so a value without rows gives NULL even for count.
bool PivotFirstSupports(const arrow::DataType& type) {
  return type.id() == arrow::Type::BOOL || type.id() == arrow::Type::DECIMAL128 || functions::NumericRank(type) > 0;
}

}  // namespace

Result<std::vector<ExprPtr>> Analyzer::DistinctPivotValues(const plan::AggregatePlan& node) const {
  // Spark's pivot(column): the column's distinct values, at most
  // spark.sql.pivotMaxValues of them, sorted (NULL first).
  constexpr int64_t kMaxValues = 10000;
  if (!query_runner_) return Unsupported("pivot without a list of values here");
  auto distinct = plan::MakeUnary<plan::AggregatePlan>(node.children[0]);
  distinct->grouping = {node.pivot_column};
  auto limited = plan::MakeUnary<plan::LimitPlan>(distinct);
  limited->limit = kMaxValues + 1;
  // Sorted by the distinct values' own column: a nested field (sales.course)
  // is no longer reachable by its path there.
  ARROW_ASSIGN_OR_RAISE(auto distinct_resolved, Resolve(distinct));
  ExprPtr pivot_output = std::make_shared<plan::ColumnExpr>(
      std::vector<std::string>{distinct_resolved->schema->field(0)->name()}, std::nullopt);
  auto sorted = plan::MakeUnary<plan::SortPlan>(limited);
  sorted->order = {std::make_shared<plan::SortOrderExpr>(pivot_output, true, true)};
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(sorted));
  ARROW_ASSIGN_OR_RAISE(auto table, query_runner_(resolved));
  if (table->num_rows() > kMaxValues) {
    return AnalysisError("_LEGACY_ERROR_TEMP_1324", {{"pivotColumn", (*resolved).schema->field(0)->name()},
                                                     {"maxValues", std::to_string(kMaxValues)},
                                                     {"config", "spark.sql.pivotMaxValues"}});
  }
  std::vector<ExprPtr> values;
  const auto& column = *table->column(0);
  for (int64_t i = 0; i < table->num_rows(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto value, column.GetScalar(i));
    values.push_back(std::make_shared<plan::LiteralExpr>(std::move(value)));
  }
  return values;
}

namespace {

// The column references written in `e` (lambda variables included: they do
// not bind to the input and are skipped by the caller).
void CollectColumnExprs(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (!e) return;
  switch (e->kind()) {
    case plan::ExprKind::kColumn: out->push_back(e); break;
    case plan::ExprKind::kFunction: {
      const auto& call = e->As<plan::FunctionExpr>();
      for (const auto& a : call.args) CollectColumnExprs(a, out);
      CollectColumnExprs(call.filter, out);
      break;
    }
    case plan::ExprKind::kAlias: CollectColumnExprs(e->As<plan::AliasExpr>().child, out); break;
    case plan::ExprKind::kCast: CollectColumnExprs(e->As<plan::CastExpr>().child, out); break;
    case plan::ExprKind::kSortOrder: CollectColumnExprs(e->As<plan::SortOrderExpr>().child, out); break;
    default: break;
  }
}

}  // namespace

Result<std::vector<ExprPtr>> Analyzer::PivotGrouping(const plan::AggregatePlan& node, const ResolvedPlan& input) const {
  std::vector<ExprPtr> written;
  CollectColumnExprs(node.pivot_column, &written);
  for (const auto& a : node.aggregates) CollectColumnExprs(a, &written);
  const int visible = input.visible_columns < 0 ? input.schema->num_fields() : input.visible_columns;
  std::vector<bool> read(input.schema->num_fields(), false);
  for (const auto& column : written) {
    auto bound = Bind(column, input, nullptr);
    if (bound.ok() && (*bound)->kind == plan::BoundKind::kColumnRef && (*bound)->column_index >= 0) {
      read[(*bound)->column_index] = true;
    }
  }
  std::vector<ExprPtr> grouping;
  for (int i = 0; i < visible; ++i) {
    if (read[i]) continue;
    std::vector<std::string> parts;
    if (!input.qualifiers[i].empty()) parts.push_back(input.qualifiers[i]);
    parts.push_back(input.schema->field(i)->name());
    grouping.push_back(std::make_shared<plan::ColumnExpr>(std::move(parts), std::nullopt));
  }
  return grouping;
}

Result<std::vector<ExprPtr>> Analyzer::PivotAggregates(const plan::AggregatePlan& node,
                                                       const ResolvedPlan& input) const {
  ARROW_ASSIGN_OR_RAISE(auto pivot, Bind(node.pivot_column, input, nullptr));
  std::vector<ExprPtr> values = node.pivot_values;
  if (values.empty()) {
    ARROW_ASSIGN_OR_RAISE(values, DistinctPivotValues(node));
  }
  // The aggregates bound once for their names (several: value_name) and types.
  std::vector<BoundExprPtr> bound_aggregates;
  AggregateContext context;
  for (const auto& g : node.grouping) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(g, input, nullptr));
    context.grouping.push_back(std::move(bound));
  }
  bool pivot_first = true;
  for (const auto& a : node.aggregates) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(a, input, &context));
    pivot_first = pivot_first && PivotFirstSupports(*bound->type);
    bound_aggregates.push_back(std::move(bound));
  }
  std::vector<ExprPtr> outputs;
  for (const auto& written_value : values) {
    // SQL: `value AS name` names the value's columns; `-1` is a constant too.
    std::optional<std::string> value_alias;
    ExprPtr value_expr = written_value;
    if (value_expr->kind() == plan::ExprKind::kAlias) {
      value_alias = value_expr->As<plan::AliasExpr>().names.front();
      value_expr = value_expr->As<plan::AliasExpr>().child;
    }
    std::shared_ptr<arrow::Scalar> literal;
    if (value_expr->kind() == plan::ExprKind::kLiteral) {
      literal = value_expr->As<plan::LiteralExpr>().value;
    } else {
      auto bound_value = Bind(value_expr, input, nullptr);
      bool foldable = bound_value.ok();
      if (foldable) plan::ForEachColumnId(**bound_value, [&](int64_t) { foldable = false; });
      if (!foldable) return AnalysisError("NON_LITERAL_PIVOT_VALUES", {{"expression", "\"value\""}});
      ARROW_ASSIGN_OR_RAISE(literal, plan::EvaluateConstant(**bound_value, ctx_));
    }
    auto literal_bound = BoundExpr::Literal(literal, "value");
    ARROW_ASSIGN_OR_RAISE(auto cast, functions::BindCast(literal_bound, pivot->type, plan::CastMode::kDefault,
                                                         /*implicit=*/true, ctx_));
    ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(*cast, ctx_));
    std::string value_name = "null";
    if (value_alias) {
      value_name = *value_alias;
    } else if (value->is_valid) {
      ARROW_ASSIGN_OR_RAISE(auto text, functions::CastDatum(arrow::Datum(value), arrow::utf8(), false, ctx_));
      value_name = static_cast<const arrow::StringScalar&>(*text.scalar()).value->ToString();
    }
    ExprPtr condition = std::make_shared<plan::FunctionExpr>(
        "<=>", std::vector<ExprPtr>{node.pivot_column, std::make_shared<plan::LiteralExpr>(value)});
    if (node.pivot_column->kind() == plan::ExprKind::kFunction && value->is_valid &&
        value->type->id() == arrow::Type::STRUCT &&
        node.pivot_column->As<plan::FunctionExpr>().name == "struct") {
      // SQL's FOR (a, b) IN ((1, 'x'), ...): a <=> 1 AND b <=> 'x', field by field.
      const auto& columns = node.pivot_column->As<plan::FunctionExpr>().args;
      const auto& fields = static_cast<const arrow::StructScalar&>(*value).value;
      for (size_t i = 0; i < columns.size() && i < fields.size(); ++i) {
        ExprPtr same = std::make_shared<plan::FunctionExpr>(
            "<=>", std::vector<ExprPtr>{columns[i], std::make_shared<plan::LiteralExpr>(fields[i])});
        condition = i == 0 ? same
                           : std::make_shared<plan::FunctionExpr>("and", std::vector<ExprPtr>{condition, same});
      }
    }
    for (size_t a = 0; a < node.aggregates.size(); ++a) {
      std::string name = node.aggregates.size() == 1 ? value_name : value_name + "_" + bound_aggregates[a]->name;
      const auto& aggregate = node.aggregates[a];
      ExprPtr unaliased = aggregate->kind() == plan::ExprKind::kAlias ? aggregate->As<plan::AliasExpr>().child : aggregate;
      ExprPtr restricted = RestrictAggregates(unaliased, condition, !pivot_first);
      if (pivot_first && !bound_aggregates[a]->nullable) {
        // count(...) of a value without rows: NULL, as PivotFirst has no row for it.
        auto rows = std::make_shared<plan::FunctionExpr>(
            "count", std::vector<ExprPtr>{std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int32_t{1}))});
        rows->filter = condition;
        auto any = std::make_shared<plan::FunctionExpr>(
            ">", std::vector<ExprPtr>{rows, std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int64_t{0}))});
        restricted = std::make_shared<plan::FunctionExpr>("when", std::vector<ExprPtr>{any, restricted});
      }
      outputs.push_back(std::make_shared<plan::AliasExpr>(restricted, std::vector<std::string>{name}));
    }
  }
  return outputs;
}

}  // namespace sk8::analyzer
