// DataFrame.na: fill, drop and replace, with Spark's rules for which columns a
// value applies to (DataFrameNaFunctions): a number fills / replaces numeric
// columns, a string string columns, a boolean boolean columns; a dict of fill
// values names its columns; NaN counts as missing in FLOAT / DOUBLE columns.
#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

enum class ValueKind { kNumeric, kString, kBoolean, kOther };

ValueKind KindOf(const arrow::DataType& type) {
  if (type.id() == arrow::Type::BOOL) return ValueKind::kBoolean;
  if (type.id() == arrow::Type::STRING) return ValueKind::kString;
  if (functions::NumericRank(type) > 0 || type.id() == arrow::Type::DECIMAL128) return ValueKind::kNumeric;
  return ValueKind::kOther;
}

std::vector<BoundExprPtr> ColumnsOf(const ResolvedPlan& input) {
  std::vector<BoundExprPtr> columns;
  const int visible = input.visible_columns < 0 ? input.schema->num_fields() : input.visible_columns;
  for (int i = 0; i < visible; ++i) {
    const auto& f = input.schema->field(i);
    columns.push_back(BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
  }
  return columns;
}

ResolvedPtr ProjectOver(const ResolvedPtr& input, std::vector<BoundExprPtr> exprs) {
  auto out = std::make_shared<ResolvedPlan>();
  out->kind = ResolvedKind::kProject;
  arrow::FieldVector fields;
  for (const auto& e : exprs) fields.push_back(arrow::field(e->name, e->type, e->nullable));
  out->schema = arrow::schema(fields);
  out->children = {input};
  out->plan_ids = input->plan_ids;
  for (const auto& e : exprs) {
    out->qualifiers.push_back(e->kind == plan::BoundKind::kColumnRef ? input->qualifiers[e->column_index] : "");
  }
  out->expressions = std::move(exprs);
  return out;
}

}  // namespace

Result<int> Analyzer::NamedColumn(const std::string& name, const ResolvedPlan& input) const {
  ARROW_ASSIGN_OR_RAISE(auto bound, BindColumn(plan::ColumnExpr({name}, std::nullopt), input));
  if (bound->kind != plan::BoundKind::kColumnRef) return Unsupported("na functions over nested field " + name);
  return bound->column_index;
}

Result<ResolvedPtr> Analyzer::ResolveNAFill(const plan::NAFillPlan& node, ResolvedPtr input) const {
  auto exprs = ColumnsOf(*input);
  // Column position -> the value it is filled with.
  std::vector<std::shared_ptr<arrow::Scalar>> fill(exprs.size());
  if (node.values.size() == 1) {
    const ValueKind kind = KindOf(*node.values[0]->type);
    if (kind == ValueKind::kOther) return Unsupported("fillna with a value of type " + node.values[0]->type->ToString());
    std::vector<bool> chosen(exprs.size(), node.columns.empty());
    for (const auto& name : node.columns) {
      ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(name, *input));
      if (index < static_cast<int>(chosen.size())) chosen[index] = true;
    }
    for (size_t i = 0; i < exprs.size(); ++i) {
      if (chosen[i] && KindOf(*exprs[i]->type) == kind) fill[i] = node.values[0];
    }
  } else {
    if (node.values.size() != node.columns.size()) {
      return InternalError("fillna with " + std::to_string(node.values.size()) + " values for " +
                           std::to_string(node.columns.size()) + " columns");
    }
    for (size_t c = 0; c < node.columns.size(); ++c) {
      ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(node.columns[c], *input));
      if (index < static_cast<int>(fill.size())) fill[index] = node.values[c];
    }
  }
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (!fill[i]) continue;
    // lit(value).cast(column type), as Spark's fillCol.
    ARROW_ASSIGN_OR_RAISE(auto value, functions::CastDatum(arrow::Datum(fill[i]), exprs[i]->type, ctx_.ansi, ctx_));
    // A fractional value cast to an integral column is nullable in Spark
    // (Cast.forceNullable), and so is the filled column.
    const bool narrowing = (fill[i]->type->id() == arrow::Type::DOUBLE || fill[i]->type->id() == arrow::Type::FLOAT) &&
                           types::IsIntegral(*exprs[i]->type);
    exprs[i] = functions::FillNulls(exprs[i], value.scalar());
    if (narrowing) {
      auto nullable = std::make_shared<BoundExpr>(*exprs[i]);
      nullable->nullable = true;
      exprs[i] = nullable;
    }
  }
  return ProjectOver(input, std::move(exprs));
}

Result<ResolvedPtr> Analyzer::ResolveNADrop(const plan::NADropPlan& node, ResolvedPtr input) const {
  std::vector<BoundExprPtr> columns;
  if (node.columns.empty()) {
    columns = ColumnsOf(*input);
  } else {
    for (const auto& name : node.columns) {
      ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(name, *input));
      const auto& f = input->schema->field(index);
      columns.push_back(BoundExpr::Column(index, f->type(), f->nullable(), f->name()));
    }
  }
  const int64_t min = node.min_non_nulls ? *node.min_non_nulls : static_cast<int64_t>(columns.size());
  auto out = std::make_shared<ResolvedPlan>(*MakeFilterNode(input, functions::AtLeastNNonNulls(columns, min)));
  out->plan_ids = input->plan_ids;
  out->column_ids.clear();
  return ResolvedPtr(out);
}

Result<ResolvedPtr> Analyzer::ResolveNAReplace(const plan::NAReplacePlan& node, ResolvedPtr input) const {
  if (node.replacements.empty()) return input;
  // The first old value's kind decides the columns; numbers compare as DOUBLE.
  const ValueKind kind = KindOf(*node.replacements[0].first->type);
  if (kind == ValueKind::kOther) return Unsupported("replace of values of type " + node.replacements[0].first->type->ToString());
  const auto compare_as = kind == ValueKind::kNumeric ? arrow::float64()
                          : kind == ValueKind::kString ? arrow::utf8() : arrow::boolean();
  auto exprs = ColumnsOf(*input);
  std::vector<bool> chosen(exprs.size(), node.columns.empty());
  for (const auto& name : node.columns) {
    if (name == "*") {
      chosen.assign(exprs.size(), true);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(name, *input));
    if (index < static_cast<int>(chosen.size())) chosen[index] = true;
  }
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (!chosen[i] || KindOf(*exprs[i]->type) != kind) continue;
    // A map from old to new values: a repeated old value keeps its last new value.
    std::vector<std::pair<std::shared_ptr<arrow::Scalar>, std::shared_ptr<arrow::Scalar>>> pairs;
    for (const auto& [from, to] : node.replacements) {
      ARROW_ASSIGN_OR_RAISE(auto key, functions::CastDatum(arrow::Datum(from), compare_as, false, ctx_));
      std::shared_ptr<arrow::Scalar> target = arrow::MakeNullScalar(exprs[i]->type);
      if (to->is_valid) {
        ARROW_ASSIGN_OR_RAISE(auto cast, functions::CastDatum(arrow::Datum(to), exprs[i]->type, ctx_.ansi, ctx_));
        target = cast.scalar();
      }
      bool replaced = false;
      for (auto& pair : pairs) {
        if (pair.first->Equals(*key.scalar())) {
          pair.second = target;
          replaced = true;
        }
      }
      if (!replaced) pairs.emplace_back(key.scalar(), target);
    }
    exprs[i] = functions::ReplaceValues(exprs[i], std::move(pairs), compare_as);
  }
  return ProjectOver(input, std::move(exprs));
}

}  // namespace sk8::analyzer
