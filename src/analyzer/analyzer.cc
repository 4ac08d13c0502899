#include "analyzer/analyzer.h"

#include <functional>
#include <arrow/compute/api.h>
#include <arrow/util/key_value_metadata.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "analyzer/function_catalog.h"
#include "analyzer/session_window.h"
#include "analyzer/within_group.h"
#include "catalog/table_files.h"
#include "plan/sql_nodes.h"
#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/java_regex.h"
#include "functions/kernel_util.h"
#include "io/file_listing.h"
#include "io/data_source.h"
#include "io/file_writer.h"
#include "sql/parser.h"
#include "sql/token.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::PlanKind;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

using sql::EqualsIgnoreCase;

size_t Levenshtein(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1])) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

BoundExprPtr Renamed(const BoundExprPtr& expr, const std::string& name) {
  if (expr->name == name && !expr->auto_alias) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  copy->name = name;
  copy->auto_alias = false;
  return copy;
}

// A select item that is a cast of a named column keeps the column's name
// (col("v").cast("int") and SQL's CAST(v AS INT) are both "v"); nested casts do not.
/// A struct field selected as a column (s.a, s.b.c) is named by its field,
/// though inside an expression it reads "s.a" (Spark's GetStructField.sql).
BoundExprPtr NamedFieldName(BoundExprPtr bound, const std::string& field) {
  const std::string& name = bound->name;
  if (name.size() <= field.size() + 1 || name[name.size() - field.size() - 1] != '.' ||
      !EqualsIgnoreCase(name.substr(name.size() - field.size()), field)) {
    return bound;
  }
  return Renamed(bound, name.substr(name.size() - field.size()));
}

BoundExprPtr KeepCastChildName(const ExprPtr& expr, BoundExprPtr bound) {
  if (expr->kind() == ExprKind::kColumn) {
    const auto& parts = expr->As<plan::ColumnExpr>().name_parts;
    return parts.size() > 1 ? NamedFieldName(std::move(bound), parts.back()) : bound;
  }
  if (expr->kind() != ExprKind::kCast || !expr->As<plan::CastExpr>().keeps_child_name) return bound;
  const auto& child = expr->As<plan::CastExpr>().child;
  std::string name;
  if (child->kind() == ExprKind::kColumn) name = child->As<plan::ColumnExpr>().name_parts.back();
  if (child->kind() == ExprKind::kAlias) name = child->As<plan::AliasExpr>().names.front();
  if (name.empty()) return bound;
  if (child->kind() == ExprKind::kColumn) {
    // Only a top-level column keeps its name (CAST(st.x AS STRING) does not).
    if (bound->kind != plan::BoundKind::kCall || bound->args.empty() ||
        bound->args[0]->kind != plan::BoundKind::kColumnRef) {
      return bound;
    }
    name = bound->args[0]->name;  // the column's own spelling, as resolved
  }
  return Renamed(bound, name);
}

/// A struct() argument as Spark's CreateStruct names its field: a column or an
/// alias by its name, a struct field (s.a) by the field's, anything else colN
/// (marked by an auto-generated name, which the struct function reads).
BoundExprPtr AsStructField(const ExprPtr& arg, BoundExprPtr bound) {
  if (plan::IsWrittenAlias(*arg) || arg->kind() == ExprKind::kColumn) return bound;
  if (bound->auto_alias || bound->kind == plan::BoundKind::kColumnRef) return bound;
  if (bound->function_name == "extract_value" || bound->function_name == "get_struct_field") return bound;
  auto generated = std::make_shared<BoundExpr>(*bound);
  generated->auto_alias = true;
  return generated;
}

BoundExprPtr AutoNamed(const BoundExprPtr& expr) {
  if (expr->auto_alias || expr->kind == plan::BoundKind::kLiteral) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  copy->auto_alias = true;
  return copy;
}

std::shared_ptr<ResolvedPlan> NewNode(ResolvedKind kind, std::shared_ptr<arrow::Schema> schema,
                                      std::vector<ResolvedPtr> children = {}) {
  auto node = std::make_shared<ResolvedPlan>();
  node->kind = kind;
  node->schema = std::move(schema);
  node->qualifiers.assign(node->schema->num_fields(), "");
  for (const auto& child : children) {
    node->plan_ids.insert(node->plan_ids.end(), child->plan_ids.begin(), child->plan_ids.end());
  }
  node->children = std::move(children);
  return node;
}

/// A pass-through node keeps its input's qualifiers.
void InheritQualifiers(ResolvedPlan* node, const ResolvedPlan& input) { node->qualifiers = input.qualifiers; }

std::vector<BoundExprPtr> AllColumns(const ResolvedPlan& input) {
  std::vector<BoundExprPtr> columns;
  for (int i = 0; i < input.schema->num_fields(); ++i) {
    const auto& f = input.schema->field(i);
    columns.push_back(BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
  }
  return columns;
}

// Spark's proposal list: input column names ordered by similarity, at most 5.
std::string SuggestColumns(const std::string& wanted, const ResolvedPlan& input) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (int i = 0; i < input.schema->num_fields(); ++i) {
    std::string name = input.schema->field(i)->name();
    std::string shown = input.qualifiers[i].empty() ? QuoteIdentifier(name)
                                                    : QuoteIdentifier(input.qualifiers[i]) + "." + QuoteIdentifier(name);
    scored.emplace_back(Levenshtein(wanted, name), shown);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (size_t i = 0; i < scored.size() && i < 5; ++i) {
    if (i) out += ", ";
    out += scored[i].second;
  }
  return out;
}

class StructFieldKernel : public plan::ScalarKernel {
 public:
  explicit StructFieldKernel(int index) : index_(index) {}
  Result<arrow::Datum> Execute(const std::vector<arrow::Datum>& args, int64_t, const plan::EvalContext&) const override {
    arrow::compute::StructFieldOptions options({index_});
    return arrow::compute::CallFunction("struct_field", args, &options);
  }

 private:
  int index_;
};

// Replaces SQL expression strings (selectExpr, filter("a > 1")) by their parsed
// form, so that every later step sees ordinary expressions.
Result<ExprPtr> ExpandSqlText(const ExprPtr& expr) {
  switch (expr->kind()) {
    case ExprKind::kSqlText: return sql::ParseExpression(expr->As<plan::SqlTextExpr>().text);
    case ExprKind::kAlias: {
      const auto& alias = expr->As<plan::AliasExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, ExpandSqlText(alias.child));
      if (child == alias.child) return expr;
      return ExprPtr(std::make_shared<plan::AliasExpr>(child, alias.names, alias.metadata_json));
    }
    case ExprKind::kSortOrder: {
      const auto& order = expr->As<plan::SortOrderExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, ExpandSqlText(order.child));
      if (child == order.child) return expr;
      return ExprPtr(std::make_shared<plan::SortOrderExpr>(child, order.ascending, order.nulls_first));
    }
    case ExprKind::kCast: {
      const auto& cast = expr->As<plan::CastExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, ExpandSqlText(cast.child));
      if (child == cast.child) return expr;
      return ExprPtr(std::make_shared<plan::CastExpr>(child, cast.type, cast.mode, cast.keeps_child_name));
    }
    case ExprKind::kFunction: {
      const auto& call = expr->As<plan::FunctionExpr>();
      std::vector<ExprPtr> args;
      bool changed = false;
      for (const auto& a : call.args) {
        ARROW_ASSIGN_OR_RAISE(auto arg, ExpandSqlText(a));
        changed |= arg != a;
        args.push_back(std::move(arg));
      }
      if (!changed) return expr;
      auto out = std::make_shared<plan::FunctionExpr>(call);
      out->args = std::move(args);
      return ExprPtr(out);
    }
    case ExprKind::kWindow: {
      const auto& window = expr->As<plan::WindowExpr>();
      auto out = std::make_shared<plan::WindowExpr>(window);
      ARROW_ASSIGN_OR_RAISE(out->function, ExpandSqlText(window.function));
      for (auto& p : out->partition_spec) {
        ARROW_ASSIGN_OR_RAISE(p, ExpandSqlText(p));
      }
      for (auto& o : out->order_spec) {
        ARROW_ASSIGN_OR_RAISE(o, ExpandSqlText(o));
      }
      return ExprPtr(out);
    }
    default: return expr;
  }
}

Result<std::vector<ExprPtr>> ExpandSqlText(const std::vector<ExprPtr>& exprs);

Result<std::vector<ExprPtr>> ExpandSqlText(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> out;
  for (const auto& e : exprs) {
    ARROW_ASSIGN_OR_RAISE(auto expanded, ExpandSqlText(e));
    out.push_back(std::move(expanded));
  }
  return out;
}

/// What must not be NULL for a row to have its time window: the time of a
/// window(...) call, the session of a session_window(...) call (NULL for a NULL
/// time or a gap that is no positive interval), as read NULL-able.
void TimeWindowColumns(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind != plan::BoundKind::kCall) return;
  if (e->function_name == "window" && !e->args.empty()) out->push_back(e->args[0]);
  if (e->function_name == "session_window") {
    auto session = std::make_shared<BoundExpr>(*e);
    session->nullable = true;  // the column is non-NULL once these rows are gone
    out->push_back(std::move(session));
  }
  for (const auto& a : e->args) TimeWindowColumns(a, out);
}

/// Spark's TimeWindowing / SessionWindowing drop the rows without a window:
/// `input` filtered on TimeWindowColumns of the calls in `exprs` (bound to
/// `input`), or `input` itself when there are none.
Result<ResolvedPtr> FilterNullTimeWindows(ResolvedPtr input, const std::vector<BoundExprPtr>& exprs,
                                          const plan::EvalContext& ctx) {
  std::vector<BoundExprPtr> times;
  for (const auto& e : exprs) TimeWindowColumns(e, &times);
  if (times.empty()) return input;
  std::vector<BoundExprPtr> conjuncts;
  for (auto& t : times) {
    ARROW_ASSIGN_OR_RAISE(auto not_null, functions::BindFunctionCall("isnotnull", {t}, ctx));
    conjuncts.push_back(std::move(not_null));
  }
  ARROW_ASSIGN_OR_RAISE(auto condition, functions::AndAll(conjuncts, ctx));
  auto out = NewNode(ResolvedKind::kFilter, input->schema, {input});
  InheritQualifiers(out.get(), *input);
  out->condition = condition;
  return ResolvedPtr(out);
}

}  // namespace

bool ContainsAggregate(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kFunction: {
      const auto& call = expr.As<plan::FunctionExpr>();
      const auto* info = functions::FunctionRegistry::Instance().Find(call.name);
      if (info && info->kind == functions::FunctionKind::kAggregate) return true;
      for (const auto& a : call.args) if (ContainsAggregate(*a)) return true;
      return false;
    }
    case ExprKind::kAlias: return ContainsAggregate(*expr.As<plan::AliasExpr>().child);
    case ExprKind::kCast: return ContainsAggregate(*expr.As<plan::CastExpr>().child);
    case ExprKind::kSortOrder: return ContainsAggregate(*expr.As<plan::SortOrderExpr>().child);
    case ExprKind::kWindow: {
      // The window function itself aggregates over the frame, not the query's groups.
      const auto& window = expr.As<plan::WindowExpr>();
      if (window.function->kind() == ExprKind::kFunction) {
        for (const auto& a : window.function->As<plan::FunctionExpr>().args) if (ContainsAggregate(*a)) return true;
      }
      for (const auto& p : window.partition_spec) if (ContainsAggregate(*p)) return true;
      for (const auto& o : window.order_spec) if (ContainsAggregate(*o)) return true;
      return false;
    }
    default: return false;
  }
}

namespace {

// Whether an expression reads a column other than inside an aggregate's arguments.
bool ReadsColumnOutsideAggregates(const Expr& expr) {
  switch (expr.kind()) {
    case ExprKind::kColumn:
    case ExprKind::kStar: return true;
    case ExprKind::kFunction: {
      const auto& call = expr.As<plan::FunctionExpr>();
      const auto* info = functions::FunctionRegistry::Instance().Find(call.name);
      if (info && info->kind == functions::FunctionKind::kAggregate) return false;
      return std::any_of(call.args.begin(), call.args.end(),
                         [](const ExprPtr& a) { return ReadsColumnOutsideAggregates(*a); });
    }
    case ExprKind::kAlias: return ReadsColumnOutsideAggregates(*expr.As<plan::AliasExpr>().child);
    case ExprKind::kCast: return ReadsColumnOutsideAggregates(*expr.As<plan::CastExpr>().child);
    default: return false;
  }
}

}  // namespace

std::shared_ptr<arrow::Schema> SchemaOf(const std::vector<BoundExprPtr>& exprs) {
  static const auto kAutoAlias = arrow::key_value_metadata({"__autoGeneratedAlias"}, {"true"});
  arrow::FieldVector fields;
  for (const auto& e : exprs) {
    auto metadata = e->auto_alias ? kAutoAlias : nullptr;
    if (!e->metadata_column.empty()) metadata = arrow::key_value_metadata({"__metadata_col"}, {e->metadata_column});
    if (!e->metadata_json.empty()) metadata = arrow::key_value_metadata({plan::kSparkMetadataJsonKey}, {e->metadata_json});
    fields.push_back(arrow::field(e->name, e->type, e->nullable, metadata));
  }
  return arrow::schema(fields);
}

Result<BoundExprPtr> Analyzer::BindExpression(const ExprPtr& expr, const ResolvedPlan& input) const {
  return Bind(expr, input, nullptr);
}

namespace {

/// The node that a DataFrame with this plan id became: the lowest node carrying
/// the id (ids accumulate upwards). Null when the input does not contain it.
const ResolvedPlan* FindDataFrame(const ResolvedPlan& node, int64_t plan_id) {
  if (std::find(node.plan_ids.begin(), node.plan_ids.end(), plan_id) == node.plan_ids.end()) return nullptr;
  for (const auto& child : node.children) {
    if (const ResolvedPlan* found = FindDataFrame(*child, plan_id)) return found;
  }
  return &node;
}

}  // namespace

Result<BoundExprPtr> Analyzer::BindColumn(const plan::ColumnExpr& column, const ResolvedPlan& input) const {
  const auto& parts = column.name_parts;
  if (parts.empty()) return InternalError("empty column reference");
  // df["x"]: resolve x in the DataFrame it names, then find that column (by
  // identity) in the input; this is what tells df1["x"] from df2["x"] after a join.
  if (column.plan_id && !input.column_ids.empty()) {
    const ResolvedPlan* frame = FindDataFrame(input, *column.plan_id);
    if (frame != nullptr && frame != &input && frame->column_ids.size() == static_cast<size_t>(frame->schema->num_fields())) {
      plan::ColumnExpr unqualified(parts, std::nullopt);
      auto in_frame = BindColumn(unqualified, *frame);
      if (in_frame.ok() && (*in_frame)->kind == plan::BoundKind::kColumnRef) {
        plan::ColumnId id = frame->column_ids[(*in_frame)->column_index];
        for (int i = 0; i < input.schema->num_fields(); ++i) {
          if (input.column_ids[i] != id) continue;
          const auto& field = input.schema->field(i);
          return BoundExpr::Column(i, field->type(), field->nullable(), field->name());
        }
      }
    }
  }
  // Candidates: (qualifier.)name, then nested struct fields for the rest.
  struct Match {
    int index;
    size_t consumed;
  };
  std::vector<Match> matches;
  // Visible columns first; hidden ones (after a USING join) only when no visible one matches.
  const int width = input.schema->num_fields();
  const int visible = input.visible_columns < 0 ? width : input.visible_columns;
  for (auto [begin, end] : {std::pair{0, visible}, std::pair{visible, width}}) {
    for (int i = begin; i < end && matches.empty(); ++i) {
      if (parts.size() < 2 || input.qualifiers[i].empty() || !EqualsIgnoreCase(input.qualifiers[i], parts[0])) continue;
      for (int j = i; j < end; ++j) {
        if (EqualsIgnoreCase(input.qualifiers[j], parts[0]) && EqualsIgnoreCase(input.schema->field(j)->name(), parts[1])) {
          matches.push_back({j, 2});
        }
      }
    }
    for (int i = begin; i < end && matches.empty(); ++i) {
      if (!EqualsIgnoreCase(input.schema->field(i)->name(), parts[0])) continue;
      for (int j = i; j < end; ++j) {
        if (EqualsIgnoreCase(input.schema->field(j)->name(), parts[0])) matches.push_back({j, 1});
      }
    }
    if (!matches.empty()) break;
  }
  std::string full_name;
  for (size_t i = 0; i < parts.size(); ++i) full_name += (i ? "." : "") + parts[i];
  if (matches.empty()) {
    if (parts.size() == 1 && parts[0] == "*") return InternalError("star in column position");
    // Without any column to propose (SELECT missing_column), Spark's message has no suggestion.
    if (input.schema->num_fields() == 0) {
      return AnalysisError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", {{"objectName", QuoteNameParts(parts)}});
    }
    return AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION",
                         {{"objectName", QuoteNameParts(parts)}, {"proposal", SuggestColumns(parts.back(), input)}});
  }
  if (matches.size() > 1) {
    std::string candidates;
    for (const auto& m : matches) {
      std::vector<std::string> name{input.schema->field(m.index)->name()};
      if (!input.qualifiers[m.index].empty()) name.insert(name.begin(), input.qualifiers[m.index]);
      candidates += (candidates.empty() ? "" : ", ") + QuoteNameParts(name);
    }
    return AnalysisError("AMBIGUOUS_REFERENCE", {{"name", QuoteNameParts(parts)}, {"referenceNames", "[" + candidates + "]"}});
  }
  const auto& field = input.schema->field(matches[0].index);
  BoundExprPtr result = BoundExpr::Column(matches[0].index, field->type(), field->nullable(), field->name());
  if (parts.size() == matches[0].consumed && field->HasMetadata()) {
    // The column keeps the metadata alias(metadata=...) gave it.
    auto json = field->metadata()->Get(plan::kSparkMetadataJsonKey);
    if (json.ok()) {
      auto with_metadata = std::make_shared<BoundExpr>(*result);
      with_metadata->metadata_json = *json;
      result = with_metadata;
    }
  }
  if (matches[0].index >= visible && parts.size() == matches[0].consumed) {
    auto hidden = std::make_shared<BoundExpr>(*result);
    hidden->metadata_column = field->name();
    result = hidden;
  }
  for (size_t p = matches[0].consumed; p < parts.size(); ++p) {
    if (result->type->id() == arrow::Type::LIST &&
        static_cast<const arrow::ListType&>(*result->type).value_type()->id() == arrow::Type::STRUCT) {
      // arr.f over an array of structs: the field of every element.
      auto field = BoundExpr::Literal(std::make_shared<arrow::StringScalar>(parts[p]), parts[p]);
      ARROW_ASSIGN_OR_RAISE(auto extracted, functions::BindFunctionCall("extract_value", {result, field}, ctx_));
      const auto& st = static_cast<const arrow::ListType&>(*result->type).value_type();
      std::string name = parts[p];
      for (const auto& f : st->fields()) {
        if (EqualsIgnoreCase(f->name(), parts[p])) name = f->name();
      }
      result = Renamed(extracted, name);
      continue;
    }
    if (result->type->id() != arrow::Type::STRUCT) {
      return AnalysisError("INVALID_EXTRACT_BASE_FIELD_TYPE",
                           {{"base", "\"" + result->name + "\""}, {"other", "\"" + types::SqlString(*result->type) + "\""}});
    }
    const auto& st = static_cast<const arrow::StructType&>(*result->type);
    int found = -1;
    for (int f = 0; f < st.num_fields(); ++f) {
      if (EqualsIgnoreCase(st.field(f)->name(), parts[p])) found = f;
    }
    if (found < 0) {
      std::string fields;
      for (int f = 0; f < st.num_fields(); ++f) fields += (f ? ", " : "") + QuoteIdentifier(st.field(f)->name());
      return AnalysisError("FIELD_NOT_FOUND", {{"fieldName", QuoteIdentifier(parts[p])}, {"fields", fields}});
    }
    auto child_field = st.field(found);
    // Spark's GetStructField reads "s.a" inside an expression; a selected field
    // alone is named "a" (NamedFieldName).
    result = BoundExpr::Call("get_struct_field", std::make_shared<StructFieldKernel>(found), {result},
                             child_field->type(), result->nullable || child_field->nullable(),
                             result->name + "." + child_field->name());
  }
  return result;
}

Result<BoundExprPtr> Analyzer::BindFunction(const plan::FunctionExpr& written, const ResolvedPlan& input,
                                            AggregateContext* agg) const {
  const auto& registry = functions::FunctionRegistry::Instance();
  if (IsWindowOnlyFunction(written.name)) return WindowFunctionWithoutOver(written, input);
  const functions::FunctionInfo* info = registry.Find(written.name);
  if (info == nullptr) return UnknownFunctionError(written.name, catalog_);
  ARROW_RETURN_NOT_OK(CheckCallableByName(info->name, catalog_));
  ARROW_ASSIGN_OR_RAISE(auto ordered_set, ResolveWithinGroup(written, info->name));
  const plan::FunctionExpr& call = ordered_set ? *ordered_set : written;
  if (info->name == "current_database" && call.args.empty() && catalog_ != nullptr) {
    // The session's database (USE db), known when the query is analyzed, as Spark's.
    auto database = std::make_shared<BoundExpr>(
        *BoundExpr::Literal(arrow::MakeScalar(catalog_->current_database()), "current_schema()"));
    database->auto_alias = true;
    return BoundExprPtr(database);
  }
  if (info->name == "grouping" || info->name == "grouping_id") return BindGroupingCall(call, input, agg);
  if (functions::FindGenerator(call.name) && windows_ == nullptr) {
    // A select list binds with a window scope; anywhere else a generator is outside SELECT.
    return AnalysisError("UNSUPPORTED_GENERATOR.OUTSIDE_SELECT", {{"plan", call.name}});
  }
  if (HasLambdaArgument(call)) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindHigherOrder(call, input, agg));
    return AutoNamed(bound);
  }
  if (call.filter && info->kind != functions::FunctionKind::kAggregate) {
    return AnalysisError("INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
                         {{"prettyName", QuoteIdentifier(info->name)}, {"syntax", "\"FILTER CLAUSE\""}});
  }
  if (info->kind == functions::FunctionKind::kAggregate) {
    if (agg == nullptr) {
      return InternalError("aggregate function " + call.name + " outside an aggregation");
    }
    std::vector<BoundExprPtr> args;
    for (const auto& a : call.args) {
      if (a->kind() == ExprKind::kStar && info->name == "count") {
        // count(*) is count(1) in Spark.
        args.push_back(BoundExpr::Literal(arrow::MakeScalar(int32_t{1}), "1"));
        continue;
      }
      if (ContainsAggregate(*a)) {
        return AnalysisError("NESTED_AGGREGATE_FUNCTION", {});
      }
      ARROW_ASSIGN_OR_RAISE(auto bound, Bind(a, input, nullptr));
      args.push_back(std::move(bound));
    }
    // fn(x) IGNORE NULLS is fn(x, true) (first, last, any_value).
    if (call.ignore_nulls) args.push_back(BoundExpr::Literal(arrow::MakeScalar(true), "true"));
    ARROW_ASSIGN_OR_RAISE(auto aggregate, info->bind_aggregate(call.name, std::move(args), call.distinct, ctx_));
    for (const auto& a : aggregate.args) {
      if (!plan::IsDeterministic(*a)) {  // sum(rand()): Spark refuses it
        return AnalysisError("AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION",
                             {{"sqlExpr", "\"" + aggregate.name + "\""}});
      }
    }
    if (call.filter) {
      if (ContainsAggregate(*call.filter)) return AnalysisError("NESTED_AGGREGATE_FUNCTION", {});
      ARROW_ASSIGN_OR_RAISE(aggregate.filter, Bind(call.filter, input, nullptr));
      if (aggregate.filter->type->id() != arrow::Type::BOOL) {
        return AnalysisError("INVALID_AGGREGATE_FILTER.NOT_BOOLEAN", {{"filterExpr", "\"" + aggregate.filter->name + "\""}});
      }
      aggregate.name += " FILTER (WHERE " + aggregate.filter->name + ")";
    }
    int index = static_cast<int>(agg->grouping.size() + agg->aggregates.size());
    auto ref = BoundExpr::Column(index, aggregate.type, aggregate.nullable, aggregate.name);
    agg->aggregates.push_back(std::move(aggregate));
    return AutoNamed(ref);
  }
  std::vector<BoundExprPtr> args;
  for (const auto& a : call.args) {
    if (a->kind() == ExprKind::kStar) {  // hash(*), concat(t.*): every (matching) column
      ARROW_ASSIGN_OR_RAISE(auto columns, BindProjectList({a}, input, agg));
      args.insert(args.end(), columns.begin(), columns.end());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(a, input, agg));
    if (info->name == "struct") bound = AsStructField(a, std::move(bound));
    args.push_back(std::move(bound));
  }
  // NULL op x is NULL whatever x is: the optimizer's NullPropagation (in
  // ConstantFolding) makes it so, after projections over the query's own rows
  // have run, as in Spark.
  std::vector<std::string> alias_children;  // struct(x AS y) reads "struct(x AS y)"
  if (info->name == "struct") {
    for (const auto& a : call.args) {
      if (!plan::IsWrittenAlias(*a)) continue;
      ARROW_ASSIGN_OR_RAISE(auto child, Bind(a->As<plan::AliasExpr>().child, input, agg));
      alias_children.push_back(child->name);
    }
  }
  const std::vector<std::string> arg_names = [&] {
    std::vector<std::string> names;
    for (const auto& a : args) names.push_back(a->name);
    return names;
  }();
  ARROW_ASSIGN_OR_RAISE(auto bound, info->bind_scalar(call.name, std::move(args), ctx_));
  if (!alias_children.empty() && call.args.size() == arg_names.size()) {
    std::string name = call.name + "(";
    for (size_t i = 0, k = 0; i < arg_names.size(); ++i) {
      name += i ? ", " : "";
      name += plan::IsWrittenAlias(*call.args[i]) ? alias_children[k++] + " AS " + arg_names[i] : arg_names[i];
    }
    auto renamed = std::make_shared<BoundExpr>(*bound);
    renamed->name = name + ")";
    bound = renamed;
  }
  if (info->null_intolerant) bound = functions::MarkNullIntolerant(bound, *info);
  if (!info->deterministic && bound->deterministic) {  // the optimizer must not fold, merge or reorder it
    auto marked = std::make_shared<BoundExpr>(*bound);
    marked->deterministic = false;
    bound = marked;
  }
  // a[0], m[k], s.f, window(...), window_time(...) and session_window(...) (Spark's
  // TimeWindowing / SessionWindowing): no generated alias.
  if (info->name == "extract_value" || info->name == "window" || info->name == "window_time" ||
      info->name == "session_window") {
    return bound;
  }
  return AutoNamed(bound);
}

/// s.a (s.a.b, ...) where the struct s is a grouping expression: the field read
/// from the group's column; null when no grouping expression is under it.
BoundExprPtr FieldOfGroup(const BoundExprPtr& bound, const std::vector<BoundExprPtr>& grouping) {
  if (bound->kind != plan::BoundKind::kCall || bound->function_name != "get_struct_field" || bound->args.empty()) {
    return nullptr;
  }
  const auto& base = bound->args[0];
  BoundExprPtr rebased;
  for (size_t g = 0; g < grouping.size() && !rebased; ++g) {
    const auto& group = grouping[g];
    if (plan::SameExpression(*group, *base)) {
      rebased = BoundExpr::Column(static_cast<int>(g), group->type, group->nullable, base->name);
    }
  }
  if (!rebased) rebased = FieldOfGroup(base, grouping);
  if (!rebased) return nullptr;
  auto field = std::make_shared<BoundExpr>(*bound);
  field->args[0] = std::move(rebased);
  return field;
}

Result<BoundExprPtr> Analyzer::Bind(const ExprPtr& expr, const ResolvedPlan& input, AggregateContext* agg) const {
  if (auto it = precomputed_columns_.find(expr.get()); it != precomputed_columns_.end()) return it->second;
  if (!lambda_scopes_.empty() && expr->kind() == ExprKind::kColumn) {
    return BindInLambda(expr, input, agg, lambda_scopes_.size() - 1);
  }
  if (agg != nullptr && lambda_scopes_.empty() && expr->kind() != ExprKind::kLiteral && !plan::IsWrittenAlias(*expr) &&
      expr->kind() != ExprKind::kWindow && !ContainsAggregate(*expr)) {
    // Outside aggregate calls, an expression must be a grouping expression.
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(expr, input, nullptr));
    for (size_t g = 0; g < agg->grouping.size(); ++g) {
      const auto& group = agg->grouping[g];
      if (plan::SameExpression(*group, *bound)) {
        auto column = BoundExpr::Column(static_cast<int>(g), group->type, group->nullable, bound->name);
        if (bound->metadata_json.empty()) return column;
        auto with_metadata = std::make_shared<BoundExpr>(*column);  // session_window's {"spark.sessionWindow": true}
        with_metadata->metadata_json = bound->metadata_json;
        return BoundExprPtr(with_metadata);
      }
    }
    if (expr->kind() == ExprKind::kColumn && bound->outer_reference) {
      // An enclosing query's column outside an aggregate call (Spark names the
      // whole select item; sk8 the column).
      return AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE",
                           {{"sqlExprs", "\"" + bound->name + "\""}});
    }
    if (expr->kind() == ExprKind::kColumn) {
      if (auto field = FieldOfGroup(bound, agg->grouping)) return field;  // session_window.start
      return AnalysisError("MISSING_AGGREGATION", {{"expression", "\"" + bound->name + "\""},
                                                   {"expressionAnyValue", "\"any_value(" + bound->name + ")\""}});
    }
    if (bound->kind == plan::BoundKind::kLiteral) return bound;
    // e.g. (a + 1) where a is grouped: bind the parts in aggregate context.
  }
  switch (expr->kind()) {
    case ExprKind::kLiteral: {
      const auto& lit = expr->As<plan::LiteralExpr>();
      return BoundExpr::Literal(lit.value, functions::LiteralColumnName(*lit.value, ctx_));
    }
    case ExprKind::kColumn: {
      auto bound = BindColumn(expr->As<plan::ColumnExpr>(), input);
      if (bound.ok() || outer_scopes_.empty()) return bound;
      const SparkErrorDetail* detail = GetSparkError(bound.status());
      if (!detail || detail->error_class().rfind("UNRESOLVED_COLUMN", 0) != 0) return bound;
      // In a subquery, a name the subquery cannot resolve may be the enclosing
      // query's column (a correlated subquery), innermost query first.
      for (auto scope = outer_scopes_.rbegin(); scope != outer_scopes_.rend(); ++scope) {
        auto outer = BindColumn(expr->As<plan::ColumnExpr>(), **scope);
        if (!outer.ok() || (*outer)->kind != plan::BoundKind::kColumnRef ||
            (*scope)->column_ids.size() != static_cast<size_t>((*scope)->schema->num_fields())) {
          continue;
        }
        auto reference = std::make_shared<BoundExpr>(**outer);
        reference->outer_reference = true;
        reference->column_id = (*scope)->column_ids[reference->column_index];
        return BoundExprPtr(reference);
      }
      return bound;
    }
    case ExprKind::kStar:
      return AnalysisError("INVALID_USAGE_OF_STAR_OR_REGEX", {{"elem", "'*'"}, {"prettyName", "expression"}});
    case ExprKind::kFunction: return BindFunction(expr->As<plan::FunctionExpr>(), input, agg);
    case ExprKind::kAlias: {
      const auto& alias = expr->As<plan::AliasExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, Bind(alias.child, input, agg));
      if (alias.names.size() != 1) return Unsupported("multi-name alias");
      const auto* generated = dynamic_cast<const plan::GeneratedNameExpr*>(&alias);
      if (generated == nullptr) {
        auto renamed = Renamed(child, alias.names[0]);
        if (alias.metadata_json.empty()) return renamed;
        auto with_metadata = std::make_shared<BoundExpr>(*renamed);
        with_metadata->metadata_json = alias.metadata_json;
        return BoundExprPtr(with_metadata);
      }
      std::string name = alias.names[0];
      size_t at = 0;
      for (const auto& part : generated->named_after) {
        ARROW_ASSIGN_OR_RAISE(auto bound, Bind(part, input, agg));
        at = name.find("%s", at);
        if (at == std::string::npos) break;
        name.replace(at, 2, bound->name);
        at += bound->name.size();
      }
      return AutoNamed(Renamed(child, name));
    }
    case ExprKind::kCast: {
      const auto& cast = expr->As<plan::CastExpr>();
      ARROW_ASSIGN_OR_RAISE(auto child, Bind(cast.child, input, agg));
      ARROW_ASSIGN_OR_RAISE(auto bound, functions::BindCast(child, cast.type, cast.mode, /*implicit=*/false, ctx_));
      return AutoNamed(bound);
    }
    case ExprKind::kSortOrder: return Bind(expr->As<plan::SortOrderExpr>().child, input, agg);
    case ExprKind::kSqlText: {
      ARROW_ASSIGN_OR_RAISE(auto parsed, sql::ParseExpression(expr->As<plan::SqlTextExpr>().text));
      return Bind(parsed, input, agg);
    }
    case ExprKind::kWindow: return BindWindow(expr->As<plan::WindowExpr>(), input, agg);
    case ExprKind::kInSubquery:
      return Unsupported("IN subqueries other than as a WHERE or HAVING conjunct");
    case ExprKind::kExists:
      return Unsupported("EXISTS subqueries other than as a WHERE or HAVING conjunct");
    case ExprKind::kScalarSubquery:
      return Unsupported("scalar subqueries outside SELECT, WHERE and HAVING (in ORDER BY, GROUP BY, ...)");
  }
  return InternalError("unknown expression kind");
}

Result<std::vector<BoundExprPtr>> Analyzer::ExpandStructStar(const std::vector<std::string>& target,
                                                             const ResolvedPlan& input, int visible) const {
  // `s.*` where no relation is called s: the fields of the struct column s, each
  // named by its field (Spark's UnresolvedStar on a struct).
  auto column = BindColumn(plan::ColumnExpr(target, std::nullopt), input);
  if (column.ok() && (*column)->type->id() != arrow::Type::STRUCT) {
    std::string parts;
    for (const auto& part : target) parts += (parts.empty() ? "" : ", ") + part;
    return AnalysisError("_LEGACY_ERROR_TEMP_1050", {{"attributes", "List(" + parts + ")"}});
  }
  if (!column.ok()) {
    std::string target_sql, columns;
    for (const auto& part : target) target_sql += (target_sql.empty() ? "" : ".") + QuoteIdentifier(part);
    for (int i = 0; i < visible; ++i) {
      columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(input.schema->field(i)->name());
    }
    return AnalysisError("CANNOT_RESOLVE_STAR_EXPAND", {{"targetString", target_sql}, {"columns", columns}});
  }
  std::vector<BoundExprPtr> out;
  for (const auto& field : (*column)->type->fields()) {
    std::vector<std::string> path = target;
    path.push_back(field->name());
    ARROW_ASSIGN_OR_RAISE(auto bound, BindColumn(plan::ColumnExpr(path, std::nullopt), input));
    out.push_back(NamedFieldName(std::move(bound), field->name()));
  }
  return out;
}

Result<std::vector<BoundExprPtr>> Analyzer::BindProjectList(const std::vector<ExprPtr>& exprs,
                                                            const ResolvedPlan& input, AggregateContext* agg) const {
  std::vector<BoundExprPtr> out;
  for (const auto& e : exprs) {
    if (e->kind() == ExprKind::kStar) {
      const auto& star = e->As<plan::StarExpr>();
      // * EXCEPT (a, b): the named columns are left out (each must resolve).
      std::vector<int> excluded;
      if (const auto* except = dynamic_cast<const plan::StarExceptExpr*>(&star)) {
        for (const auto& name : except->except) {
          ARROW_ASSIGN_OR_RAISE(auto column, BindColumn(plan::ColumnExpr(name, std::nullopt), input));
          if (column->kind != plan::BoundKind::kColumnRef) return Unsupported("SELECT * EXCEPT of a nested field");
          excluded.push_back(column->column_index);
        }
      }
      std::unique_ptr<re2::RE2> regex;
      if (!star.regex.empty()) {
        ARROW_ASSIGN_OR_RAISE(auto translated, functions::TranslateJavaRegex(star.regex));
        re2::RE2::Options options;
        options.set_case_sensitive(false);
        options.set_log_errors(false);
        regex = std::make_unique<re2::RE2>(translated, options);
        if (!regex->ok()) {
          return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.PATTERN",
                            {{"parameter", "`regexp`"}, {"functionName", "`colRegex`"}, {"value", star.regex}});
        }
      }
      const int visible = input.visible_columns < 0 ? input.schema->num_fields() : input.visible_columns;
      bool qualifier_matched = false;
      for (int i = 0; i < visible; ++i) {
        if (!star.target.empty() && !EqualsIgnoreCase(input.qualifiers[i], star.target.back())) continue;
        qualifier_matched = true;
        if (std::find(excluded.begin(), excluded.end(), i) != excluded.end()) continue;
        const auto& f = input.schema->field(i);
        if (regex && !re2::RE2::FullMatch(f->name(), *regex)) continue;
        out.push_back(BoundExpr::Column(i, f->type(), f->nullable(), f->name()));
      }
      if (!star.target.empty() && !qualifier_matched) {
        ARROW_ASSIGN_OR_RAISE(auto fields, ExpandStructStar(star.target, input, visible));
        out.insert(out.end(), fields.begin(), fields.end());
      }
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, input, agg));
    out.push_back(KeepCastChildName(e, std::move(bound)));
  }
  return out;
}

Result<ResolvedPtr> Analyzer::ResolveRange(const plan::RangePlan& node) const {
  if (node.step == 0) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "FAILED_FUNCTION_CALL",
                      {{"funcName", "`range`"}});
  }
  auto out = NewNode(ResolvedKind::kRange, arrow::schema({arrow::field("id", arrow::int64(), false)}));
  out->range_start = node.start;
  out->range_end = node.end;
  out->range_step = node.step;
  out->num_partitions = node.num_partitions.value_or(0);
  return out;
}

Result<ResolvedPtr> Analyzer::ResolveDataSource(const plan::DataSourcePlan& node) const {
  io::SourceContext context;
  context.session_time_zone = ctx_.session_time_zone;
  context.storage = storage_conf_;
  static const io::StorageConf kNoConf;
  const io::StorageConf& storage = context.storage ? *context.storage : kNoConf;
  io::SourceOptions options(node.options);
  ARROW_ASSIGN_OR_RAISE(auto source, io::MakeDataSource(node.format, options, node.user_schema, context));
  io::ListedFiles listed;
  bool missing = false;
  if (node.missing_ok) {
    ARROW_ASSIGN_OR_RAISE(auto where, io::ResolvePath(node.paths.front(), storage));
    auto info = where.fs->GetFileInfo(where.path);
    if (!info.ok()) return io::StoreError(where, node.paths.front(), info.status());
    missing = info->type() == arrow::fs::FileType::NotFound;
  }
  if (missing) {
    listed.partition_schema = arrow::schema(arrow::FieldVector{});
  } else {
    ARROW_ASSIGN_OR_RAISE(listed, io::ListPartitionedFiles(node.paths, options, storage));
  }
  if (!node.partition_schema.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto declared, types::ParseSparkJson(node.partition_schema));
    const auto* registered = node.partitions ? &*node.partitions : nullptr;
    ARROW_ASSIGN_OR_RAISE(listed, catalog::TableFiles(listed, io::LocalPath(node.paths.front()),
                                                      *arrow::schema(declared->fields()), registered));
  }
  ARROW_ASSIGN_OR_RAISE(auto data_schema, source->InferSchema(listed.files));
  // Partition columns follow the data columns, unless the files hold them too.
  arrow::FieldVector fields = data_schema->fields();
  std::vector<int> columns;
  for (int i = 0; i < data_schema->num_fields(); ++i) columns.push_back(i);
  for (int p = 0; p < listed.partition_schema->num_fields(); ++p) {
    const auto& field = listed.partition_schema->field(p);
    if (data_schema->GetFieldIndex(field->name()) >= 0) continue;
    fields.push_back(field);
    columns.push_back(data_schema->num_fields() + p);
  }
  auto schema = arrow::schema(fields);
  auto out = NewNode(ResolvedKind::kFileScan, schema);
  out->format = source->format();
  out->data_source = source;
  out->data_schema = data_schema;
  out->files = std::move(listed.files);
  out->file_columns = std::move(columns);
  out->file_partition_values = std::move(listed.partition_values);
  ARROW_ASSIGN_OR_RAISE(auto stats, source->ReadStatistics(out->files));
  out->file_rows = stats.rows;
  for (const auto& r : stats.ranges) out->file_column_ranges.push_back({r.known, r.min, r.max});
  return out;
}

Result<ResolvedPtr> Analyzer::ResolveLocalRelation(const plan::LocalRelationPlan& node) const {
  std::shared_ptr<arrow::Table> table = node.data;
  if (node.declared_schema) {
    const auto& declared = *node.declared_schema;
    arrow::FieldVector fields = declared.fields();
    if (!table) {
      ARROW_ASSIGN_OR_RAISE(table, arrow::Table::MakeEmpty(arrow::schema(fields)));
    } else {
      if (table->num_columns() != static_cast<int>(fields.size())) {
        return AnalysisError("AXIS_LENGTH_MISMATCH", {{"expectedLength", std::to_string(fields.size())},
                                                      {"actualLength", std::to_string(table->num_columns())}});
      }
      std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
      for (int i = 0; i < table->num_columns(); ++i) {
        auto column = table->column(i);
        if (!column->type()->Equals(*fields[i]->type())) {
          arrow::ArrayVector chunks;
          for (const auto& chunk : column->chunks()) {
            ARROW_ASSIGN_OR_RAISE(auto cast, functions::CastDatum(chunk, fields[i]->type(), true, ctx_));
            chunks.push_back(cast.make_array());
          }
          column = std::make_shared<arrow::ChunkedArray>(chunks, fields[i]->type());
        }
        columns.push_back(column);
      }
      table = arrow::Table::Make(arrow::schema(fields), columns, table->num_rows());
    }
  }
  if (!table) return InternalError("local relation without data or schema");
  // Spark stores client-sent timestamps as instants; Arrow data from the client
  // carries the session zone, which sk8 normalizes to UTC.
  arrow::FieldVector fields;
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  bool changed = false;
  for (int i = 0; i < table->num_columns(); ++i) {
    auto field = table->schema()->field(i);
    auto column = table->column(i);
    if (field->type()->id() == arrow::Type::TIMESTAMP) {
      const auto& ts = static_cast<const arrow::TimestampType&>(*field->type());
      auto target = ts.timezone().empty() ? types::TimestampNtzType() : types::TimestampType();
      if (!ts.Equals(*target)) {
        arrow::compute::CastOptions options = arrow::compute::CastOptions::Unsafe(target);
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(column, options));
        column = cast.chunked_array();
        field = field->WithType(target);
        changed = true;
      }
    } else if (field->type()->id() == arrow::Type::LARGE_STRING) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(column, arrow::utf8()));
      column = cast.chunked_array();
      field = field->WithType(arrow::utf8());
      changed = true;
    }
    fields.push_back(field);
    columns.push_back(column);
  }
  if (changed) table = arrow::Table::Make(arrow::schema(fields), columns, table->num_rows());
  auto out = NewNode(ResolvedKind::kLocalTable, table->schema());
  out->table = table;
  return out;
}

/// A USING join's projection extended with the hidden per-side key columns (as
/// hidden outputs), so that a select above it can name them; `input` itself
/// when it has none.
Result<ResolvedPtr> WithHiddenJoinColumns(const ResolvedPtr& input) {
  if (input->kind != ResolvedKind::kProject || input->hidden_join_columns.empty()) return input;
  const ResolvedPlan& join = input->child();
  auto extended = std::make_shared<ResolvedPlan>(*input);
  extended->visible_columns = input->schema->num_fields();
  extended->hidden_join_columns.clear();
  arrow::FieldVector fields = input->schema->fields();
  for (int position : input->hidden_join_columns) {
    const auto& f = join.schema->field(position);
    auto ref = std::make_shared<BoundExpr>(*BoundExpr::Column(position, f->type(), f->nullable(), f->name()));
    ref->column_id = join.column_ids[position];
    extended->expressions.push_back(std::move(ref));
    fields.push_back(f);
    extended->qualifiers.push_back(join.qualifiers[position]);
    extended->column_ids.push_back(join.column_ids[position]);
  }
  extended->schema = arrow::schema(fields);
  return ResolvedPtr(extended);
}

Result<ResolvedPtr> Analyzer::ResolveProject(const plan::ProjectPlan& node, ResolvedPtr input) const {
  ARROW_ASSIGN_OR_RAISE(auto expressions, ExpandSqlText(node.expressions));
  bool has_aggregate = false;
  for (const auto& e : expressions) has_aggregate |= ContainsAggregate(*e);
  if (has_aggregate) return ResolveAggregate({}, expressions, input, /*grouping_in_output=*/false);
  if (HasGenerator(expressions)) return ResolveGenerate(expressions, input);
  for (const auto& e : expressions) {
    std::vector<const plan::ScalarSubqueryExpr*> scalars;
    std::vector<const plan::ExistsExpr*> exists;
    ScalarSubqueries(e, &scalars);
    NestedExists(e, &exists);
    if (!scalars.empty() || !exists.empty()) return ProjectWithScalarSubqueries(expressions, input);
  }
  ARROW_ASSIGN_OR_RAISE(input, WithHiddenJoinColumns(input));
  WindowContext windows;
  std::vector<BoundExprPtr> exprs;
  {
    WindowScope scope(this, &windows);
    ARROW_ASSIGN_OR_RAISE(exprs, BindProjectList(expressions, *input, nullptr));
  }
  ARROW_ASSIGN_OR_RAISE(input, FilterNullTimeWindows(input, exprs, ctx_));
  ARROW_ASSIGN_OR_RAISE(input, PlanWindows(input, windows, &exprs));
  auto out = NewNode(ResolvedKind::kProject, SchemaOf(exprs), {input});
  // Columns passed through unchanged keep their qualifier.
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (exprs[i]->kind == plan::BoundKind::kColumnRef) out->qualifiers[i] = input->qualifiers[exprs[i]->column_index];
  }
  out->expressions = std::move(exprs);
  return out;
}

Result<ResolvedPtr> Analyzer::ResolveAggregatePlan(const plan::AggregatePlan& node, ResolvedPtr input,
                                                   const std::vector<ExprPtr>& hidden) const {
  if (node.pivot_column && node.pivot_implicit_grouping) {
    auto grouped = std::make_shared<plan::AggregatePlan>(node);
    ARROW_ASSIGN_OR_RAISE(grouped->grouping, PivotGrouping(node, *input));
    ARROW_ASSIGN_OR_RAISE(auto outputs, PivotAggregates(*grouped, *input));
    return ResolveAggregate(grouped->grouping, outputs, input, node.grouping_in_output, hidden);
  }
  if (node.pivot_column) {
    ARROW_ASSIGN_OR_RAISE(auto outputs, PivotAggregates(node, *input));
    return ResolveAggregate(node.grouping, outputs, input, node.grouping_in_output, hidden);
  }
  if (dynamic_cast<const plan::GroupByAllPlan*>(&node) != nullptr) {
    // Spark's ResolveGroupByAll: the select items without aggregates, unaliased.
    ARROW_ASSIGN_OR_RAISE(auto outputs, ExpandSqlText(node.aggregates));
    std::vector<ExprPtr> grouping;
    for (const auto& output : outputs) {
      if (ContainsAggregate(*output)) {
        // a + sum(b): neither a grouping expression nor an aggregate.
        if (ReadsColumnOutsideAggregates(*output)) return AnalysisError("UNRESOLVED_ALL_IN_GROUP_BY");
        continue;
      }
      grouping.push_back(plan::IsWrittenAlias(*output) ? output->As<plan::AliasExpr>().child : output);
    }
    return ResolveAggregate(grouping, outputs, input, node.grouping_in_output, hidden);
  }
  return ResolveAggregate(node.grouping, node.aggregates, input, node.grouping_in_output, hidden, node.grouping_sets);
}

Result<ResolvedPtr> Analyzer::ResolveAggregate(const std::vector<ExprPtr>& raw_grouping,
                                               const std::vector<ExprPtr>& raw_outputs, ResolvedPtr input,
                                               bool grouping_in_output, const std::vector<ExprPtr>& hidden,
                                               const std::vector<std::vector<ExprPtr>>& grouping_sets) const {
  ARROW_ASSIGN_OR_RAISE(auto grouping, ExpandSqlText(raw_grouping));
  ARROW_ASSIGN_OR_RAISE(auto outputs, ExpandSqlText(raw_outputs));
  ARROW_ASSIGN_OR_RAISE(auto hidden_exprs, ExpandSqlText(hidden));
  outputs.insert(outputs.end(), hidden_exprs.begin(), hidden_exprs.end());
  if (!grouping_in_output) {
    // SQL allows GROUP BY <select-list alias>: use the aliased expression.
    for (auto& g : grouping) {
      if (g->kind() != ExprKind::kColumn || g->As<plan::ColumnExpr>().name_parts.size() != 1) continue;
      if (Bind(g, *input, nullptr).ok()) continue;
      const std::string& wanted = g->As<plan::ColumnExpr>().name_parts[0];
      for (const auto& o : outputs) {
        if (o->kind() == ExprKind::kAlias && EqualsIgnoreCase(o->As<plan::AliasExpr>().names[0], wanted)) {
          g = o->As<plan::AliasExpr>().child;
        }
      }
    }
  }
  AggregateContext agg;
  for (const auto& g : grouping) {
    if (ContainsAggregate(*g)) return AnalysisError("GROUP_BY_AGGREGATE", {{"sqlExpr", "aggregate"}});
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(g, *input, nullptr));
    if (types::ContainsVariant(*bound->type)) {
      return AnalysisError("GROUP_EXPRESSION_TYPE_IS_NOT_ORDERABLE",
                           {{"sqlExpr", "\"" + bound->name + "\""},
                            {"dataType", "\"" + types::SqlString(*bound->type) + "\""}});
    }
    agg.grouping.push_back(std::move(bound));
  }
  for (size_t g = 0; g < agg.grouping.size() && grouping_sets.empty(); ++g) {
    if (agg.grouping[g]->kind == plan::BoundKind::kCall && agg.grouping[g]->function_name == "session_window") {
      // Merge each group's sessions first (session_window.cc), then group by them.
      const auto selected_end = outputs.end() - static_cast<std::ptrdiff_t>(hidden_exprs.size());
      auto merged = MergeSessions(grouping, g, std::vector<ExprPtr>(outputs.begin(), selected_end), hidden_exprs);
      for (const auto& step : merged.steps) {
        plan::ProjectPlan project;
        project.expressions = {std::make_shared<plan::StarExpr>(std::vector<std::string>{}), step};
        ARROW_ASSIGN_OR_RAISE(input, ResolveProject(project, input));
      }
      return ResolveAggregate(merged.grouping, merged.outputs, input, grouping_in_output, merged.hidden);
    }
  }
  // Under grouping sets the aggregate reads an Expand of the input, whose
  // first columns are the input's (so expressions bind to it as to the input).
  std::vector<BoundExprPtr> node_grouping;
  if (!grouping_sets.empty()) {
    ARROW_ASSIGN_OR_RAISE(input, ExpandGroupingSets(grouping_sets, input, &agg, &node_grouping));
  }
  std::vector<BoundExprPtr> final_exprs;
  if (grouping_in_output) {
    const size_t shown = agg.grouping_id_index < 0 ? agg.grouping.size() : static_cast<size_t>(agg.grouping_id_index);
    for (size_t g = 0; g < shown; ++g) {
      const auto& group = agg.grouping[g];
      auto column = BoundExpr::Column(static_cast<int>(g), group->type, group->nullable, group->name);
      if (!group->metadata_json.empty()) {  // window(...)'s {"spark.timeWindow": true}
        auto with_metadata = std::make_shared<BoundExpr>(*column);
        with_metadata->metadata_json = group->metadata_json;
        column = with_metadata;
      }
      final_exprs.push_back(g < grouping.size() ? KeepCastChildName(grouping[g], std::move(column)) : column);
    }
  }
  WindowContext windows;
  {
    WindowScope scope(this, &windows);
    for (const auto& e : outputs) {
      ARROW_ASSIGN_OR_RAISE(auto bound, Bind(e, *input, &agg));
      final_exprs.push_back(KeepCastChildName(e, std::move(bound)));
    }
  }
  // The aggregate node outputs groups then aggregate values; a projection on
  // top computes the requested expressions over them.
  arrow::FieldVector fields;
  for (const auto& g : agg.grouping) fields.push_back(arrow::field(g->name, g->type, g->nullable));
  for (const auto& a : agg.aggregates) fields.push_back(arrow::field(a.name, a.type, a.nullable));
  if (grouping_sets.empty()) {
    ARROW_ASSIGN_OR_RAISE(input, FilterNullTimeWindows(input, agg.grouping, ctx_));
  }
  auto aggregate = NewNode(ResolvedKind::kAggregate, arrow::schema(fields), {input});
  aggregate->grouping = node_grouping.empty() ? agg.grouping : node_grouping;
  aggregate->aggregates = agg.aggregates;
  // Grouping columns keep their qualifier (HAVING and correlated subqueries
  // may still name them o.a), as Spark's attributes do.
  for (size_t g = 0; g < agg.grouping.size(); ++g) {
    if (agg.grouping[g]->kind == plan::BoundKind::kColumnRef) {
      aggregate->qualifiers[g] = input->qualifiers[agg.grouping[g]->column_index];
    }
  }
  // Windows over the aggregation's output (rank() OVER (ORDER BY sum(x))).
  ARROW_ASSIGN_OR_RAISE(auto windowed, PlanWindows(aggregate, windows, &final_exprs));
  auto project = NewNode(ResolvedKind::kProject, SchemaOf(final_exprs), {windowed});
  for (size_t i = 0; i < final_exprs.size(); ++i) {
    if (final_exprs[i]->kind == plan::BoundKind::kColumnRef) {
      project->qualifiers[i] = windowed->qualifiers[final_exprs[i]->column_index];
    }
  }
  project->expressions = std::move(final_exprs);
  return project;
}

Result<ResolvedPtr> Analyzer::ResolveWithColumns(const plan::WithColumnsPlan& node, ResolvedPtr input) const {
  if (HasGenerator(node.aliases)) {
    // withColumn("e", explode(a)): the columns, then the generator's.
    std::vector<ExprPtr> list = {std::make_shared<plan::StarExpr>(std::vector<std::string>{})};
    list.insert(list.end(), node.aliases.begin(), node.aliases.end());
    return ResolveGenerate(list, input);
  }
  std::vector<BoundExprPtr> exprs = AllColumns(*input);
  WindowContext windows;
  WindowScope scope(this, &windows);
  for (const auto& alias_expr : node.aliases) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Bind(alias_expr, *input, nullptr));
    bool replaced = false;
    for (auto& existing : exprs) {
      if (EqualsIgnoreCase(existing->name, bound->name)) {
        existing = bound;
        replaced = true;
      }
    }
    if (!replaced) exprs.push_back(bound);
  }
  ARROW_ASSIGN_OR_RAISE(input, FilterNullTimeWindows(input, exprs, ctx_));
  ARROW_ASSIGN_OR_RAISE(input, PlanWindows(input, windows, &exprs));
  auto out = NewNode(ResolvedKind::kProject, SchemaOf(exprs), {input});
  out->expressions = std::move(exprs);
  return out;
}

Result<ResolvedPtr> Analyzer::ResolveWithHidden(const plan::PlanPtr& child, const std::vector<ExprPtr>& extra) const {
  if (child->kind() == PlanKind::kFilter) {
    // ORDER BY over HAVING: the aggregate below the filter computes them, grouping
    // columns only (Spark cannot resolve an aggregate there either).
    for (const auto& e : extra) {
      if (ContainsAggregate(*e)) return nullptr;
    }
    return ResolveFilter(child->As<plan::FilterPlan>(), extra);
  }
  if (child->kind() == PlanKind::kAggregate) {
    const auto& aggregate = child->As<plan::AggregatePlan>();
    ARROW_ASSIGN_OR_RAISE(auto input, ResolveNode(child->children[0]));
    return ResolveAggregatePlan(aggregate, input, extra);
  }
  if (child->kind() == PlanKind::kProject) {
    const auto& project = child->As<plan::ProjectPlan>();
    ARROW_ASSIGN_OR_RAISE(auto input, ResolveNode(child->children[0]));
    ARROW_ASSIGN_OR_RAISE(auto expressions, ExpandSqlText(project.expressions));
    bool has_aggregate = false;
    for (const auto& e : expressions) has_aggregate |= ContainsAggregate(*e);
    if (has_aggregate) return ResolveAggregate({}, expressions, input, false, extra);
    expressions.insert(expressions.end(), extra.begin(), extra.end());
    plan::ProjectPlan widened;
    widened.expressions = std::move(expressions);
    return ResolveProject(widened, input);
  }
  return nullptr;
}

// Drops the hidden columns again: a projection of the first `visible` columns.
ResolvedPtr ProjectVisible(const ResolvedPtr& input, int visible) {
  std::vector<BoundExprPtr> exprs;
  for (int i = 0; i < visible; ++i) {
    const auto& f = input->schema->field(i);
    auto column = BoundExpr::Column(i, f->type(), f->nullable(), f->name());
    exprs.push_back(column);
  }
  auto fields = input->schema->fields();
  fields.resize(visible);
  auto out = NewNode(ResolvedKind::kProject, arrow::schema(fields), {input});
  for (int i = 0; i < visible; ++i) out->qualifiers[i] = input->qualifiers[i];
  out->expressions = std::move(exprs);
  return out;
}

Status CheckFilterCondition(const BoundExprPtr& condition) {
  if (condition->type->id() != arrow::Type::BOOL) {
    return AnalysisError("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN",
                         {{"sqlExpr", "\"" + condition->name + "\""}, {"filter", "\"" + condition->name + "\""},
                          {"type", "\"" + types::SqlString(*condition->type) + "\""}});
  }
  return Status::OK();
}

Result<ResolvedPtr> Analyzer::ResolveFilter(const plan::FilterPlan& node, const std::vector<ExprPtr>& extra) const {
  ARROW_ASSIGN_OR_RAISE(auto condition_expr, ExpandSqlText(node.condition));
  if (plan::ContainsWindow(*condition_expr)) {
    const bool having = node.children[0]->kind() == PlanKind::kAggregate;
    return AnalysisError("_LEGACY_ERROR_TEMP_1034", {{"clauseName", having ? "HAVING" : "WHERE"}});
  }
  auto make_filter = [&](ResolvedPtr input, BoundExprPtr condition) -> Result<ResolvedPtr> {
    if (condition->type->id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(condition, functions::BindCast(condition, arrow::boolean(), plan::CastMode::kDefault, true, ctx_));
    }
    ARROW_RETURN_NOT_OK(CheckFilterCondition(condition));
    auto out = NewNode(ResolvedKind::kFilter, input->schema, {input});
    InheritQualifiers(out.get(), *input);
    out->condition = condition;
    return ResolvedPtr(out);
  };
  // The condition computed as the last hidden column of the widened child, the
  // filter on it, and the condition column dropped again (the extras stay).
  auto filter_on_hidden = [&](const std::vector<ExprPtr>& hidden) -> Result<ResolvedPtr> {
    ARROW_ASSIGN_OR_RAISE(auto widened, ResolveWithHidden(node.children[0], hidden));
    if (!widened) return nullptr;
    int visible = widened->schema->num_fields() - 1;
    const auto& f = widened->schema->field(visible);
    ARROW_ASSIGN_OR_RAISE(auto filtered,
                          make_filter(widened, BoundExpr::Column(visible, f->type(), f->nullable(), f->name())));
    return ProjectVisible(filtered, visible);
  };
  std::vector<ExprPtr> with_condition = extra;
  with_condition.push_back(condition_expr);
  const auto& child = node.children[0];
  if (HasSubqueryConjunct(condition_expr)) {
    if (!extra.empty()) return nullptr;  // cannot carry hidden columns (yet)
    if (!ContainsAggregate(*condition_expr)) return ResolveSubqueryFilter(condition_expr, child);
    return ResolveHavingWithSubqueries(condition_expr, child);
  }
  if (!ContainsAggregate(*condition_expr)) {
    ResolvedPtr input;
    if (extra.empty()) {
      ARROW_ASSIGN_OR_RAISE(input, ResolveNode(child));
    } else {
      ARROW_ASSIGN_OR_RAISE(input, ResolveWithHidden(child, extra));
      if (!input) return nullptr;
    }
    auto condition = Bind(condition_expr, *input, nullptr);
    if (condition.ok()) return make_filter(input, *condition);
    ARROW_ASSIGN_OR_RAISE(auto filtered, filter_on_hidden(with_condition));
    if (!filtered && extra.empty()) return condition.status();
    return filtered;
  }
  // HAVING with aggregates: computed by the aggregation as a hidden column.
  ARROW_ASSIGN_OR_RAISE(auto filtered, filter_on_hidden(with_condition));
  if (!filtered && extra.empty()) return AnalysisError("WHERE_CONDITION_NOT_DETERMINISTIC_OR_AGGREGATE_FUNCTION", {});
  return filtered;
}

Result<ResolvedPtr> Analyzer::ResolveSort(const plan::SortPlan& node) const {
  const auto& child = node.children[0];
  ARROW_ASSIGN_OR_RAISE(auto input, ResolveNode(child));
  std::vector<ExprPtr> key_exprs;
  std::vector<plan::BoundSortKey> keys;
  bool all_bound = true;
  for (const auto& o : node.order) {
    ARROW_ASSIGN_OR_RAISE(auto expanded, ExpandSqlText(o));
    if (plan::ContainsWindow(*expanded)) {
      return AnalysisError("UNSUPPORTED_EXPR_FOR_OPERATOR", {{"invalidExprSqls", "window functions in ORDER BY"}});
    }
    plan::BoundSortKey key;
    ExprPtr inner = expanded;
    if (expanded->kind() == ExprKind::kSortOrder) {
      const auto& so = expanded->As<plan::SortOrderExpr>();
      key.ascending = so.ascending;
      key.nulls_first = so.nulls_first;
      inner = so.child;
    }
    if (const auto* ordinal = dynamic_cast<const plan::OrdinalExpr*>(inner.get())) {
      // ORDER BY 2 over SELECT *: the position in the (expanded) input.
      const int visible = input->visible_columns < 0 ? input->schema->num_fields() : input->visible_columns;
      if (ordinal->position < 1 || ordinal->position > visible) {
        return AnalysisError("ORDER_BY_POS_OUT_OF_RANGE",
                             {{"index", std::to_string(ordinal->position)}, {"size", std::to_string(visible)}});
      }
      const auto& f = input->schema->field(ordinal->position - 1);
      inner = std::make_shared<plan::ColumnExpr>(std::vector<std::string>{f->name()}, std::nullopt);
      key.expr = BoundExpr::Column(ordinal->position - 1, f->type(), f->nullable(), f->name());
      key_exprs.push_back(inner);
      keys.push_back(key);
      continue;
    }
    key_exprs.push_back(inner);
    keys.push_back(key);
    if (!ContainsAggregate(*inner)) {
      auto bound = Bind(inner, *input, nullptr);
      if (bound.ok()) {
        keys.back().expr = *bound;
        continue;
      }
      if (GetSparkError(bound.status()) == nullptr ||
          GetSparkError(bound.status())->error_class().rfind("UNRESOLVED_COLUMN", 0) != 0) {
        return bound.status();
      }
    }
    all_bound = false;
  }
  ResolvedPtr sort_input = input;
  int visible = input->schema->num_fields();
  if (!all_bound) {
    // Keys that the input does not output are computed below as hidden columns;
    // the keys bound already (select aliases among them) keep their columns, which
    // the widened child outputs first.
    std::vector<ExprPtr> hidden;
    std::vector<size_t> hidden_keys;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (keys[k].expr) continue;
      hidden.push_back(key_exprs[k]);
      hidden_keys.push_back(k);
    }
    ARROW_ASSIGN_OR_RAISE(auto widened, ResolveWithHidden(child, hidden));
    if (!widened) {
      // Not resolvable through the child: report the first column the input lacks.
      std::function<Status(const ExprPtr&)> check = [&](const ExprPtr& e) -> Status {
        switch (e->kind()) {
          case ExprKind::kColumn: return Bind(e, *input, nullptr).status();
          case ExprKind::kFunction:
            for (const auto& a : e->As<plan::FunctionExpr>().args) ARROW_RETURN_NOT_OK(check(a));
            return Status::OK();
          case ExprKind::kAlias: return check(e->As<plan::AliasExpr>().child);
          case ExprKind::kCast: return check(e->As<plan::CastExpr>().child);
          default: return Bind(e, *input, nullptr).status();
        }
      };
      for (const auto& e : hidden) ARROW_RETURN_NOT_OK(check(e));
      return InternalError("sort keys failed to resolve");
    }
    sort_input = widened;
    for (size_t h = 0; h < hidden_keys.size(); ++h) {
      int index = visible + static_cast<int>(h);
      const auto& f = widened->schema->field(index);
      keys[hidden_keys[h]].expr = BoundExpr::Column(index, f->type(), f->nullable(), f->name());
    }
  }
  for (const auto& key : keys) {
    if (!types::ContainsVariant(*key.expr->type)) continue;
    return AnalysisError("DATATYPE_MISMATCH.INVALID_ORDERING_TYPE",
                         {{"sqlExpr", "\"" + key.expr->name + (key.ascending ? " ASC" : " DESC") +
                                          (key.nulls_first ? " NULLS FIRST" : " NULLS LAST") + "\""},
                          {"functionName", "`sortorder`"},
                          {"dataType", "\"" + types::SqlString(*key.expr->type) + "\""}});
  }
  auto out = NewNode(ResolvedKind::kSort, sort_input->schema, {sort_input});
  InheritQualifiers(out.get(), *sort_input);
  out->sort_keys = std::move(keys);
  if (sort_input == input) return ResolvedPtr(out);
  return ProjectVisible(out, visible);
}

Result<ResolvedPtr> Analyzer::ResolveNode(const plan::PlanPtr& node) const {
  if (node->kind() == PlanKind::kRecursiveCte) {
    ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveRecursiveCte(node->As<plan::RecursiveCtePlan>()));
    return AssignColumnIds(resolved);
  }
  if (node->kind() == PlanKind::kRecursiveReference) {
    ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveRecursiveReference(node->As<plan::RecursiveReferencePlan>()));
    return AssignColumnIds(resolved);
  }
  if (node->kind() == PlanKind::kFilter || node->kind() == PlanKind::kSort) {
    ARROW_ASSIGN_OR_RAISE(auto resolved, node->kind() == PlanKind::kFilter
                                             ? ResolveFilter(node->As<plan::FilterPlan>())
                                             : ResolveSort(node->As<plan::SortPlan>()));
    if (!node->plan_id) return AssignColumnIds(resolved);
    auto tagged = std::make_shared<ResolvedPlan>(*resolved);
    tagged->plan_ids.push_back(*node->plan_id);
    return AssignColumnIds(tagged);
  }
  std::vector<ResolvedPtr> inputs;
  for (const auto& child : node->children) {
    ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveNode(child));
    inputs.push_back(std::move(resolved));
  }
  ResolvedPtr result;
  switch (node->kind()) {
    case PlanKind::kRange: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveRange(node->As<plan::RangePlan>()));
      break;
    }
    case PlanKind::kLocalRelation: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveLocalRelation(node->As<plan::LocalRelationPlan>()));
      break;
    }
    case PlanKind::kCommand:
      return Unsupported("a command (DDL, SHOW, SET, ...) inside a query");
    case PlanKind::kRecursiveCte:
    case PlanKind::kRecursiveReference:
      return InternalError("recursive CTE nodes are resolved before their children");
    case PlanKind::kFunctionCatalog: {
      plan::LocalRelationPlan answer;
      ARROW_ASSIGN_OR_RAISE(answer.data, AnswerFunctionCatalog(node->As<plan::FunctionCatalogPlan>(), catalog_));
      ARROW_ASSIGN_OR_RAISE(result, ResolveLocalRelation(answer));
      break;
    }
    case PlanKind::kProject: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveProject(node->As<plan::ProjectPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kFilter:
    case PlanKind::kSort:
      return InternalError("filter and sort are resolved before their children");
    case PlanKind::kLimit:
    case PlanKind::kOffset:
    case PlanKind::kTail: {
      auto kind = node->kind() == PlanKind::kTail ? ResolvedKind::kTail : ResolvedKind::kLimit;
      auto out = NewNode(kind, inputs[0]->schema, {inputs[0]});
      InheritQualifiers(out.get(), *inputs[0]);
      if (node->kind() == PlanKind::kLimit) {
        int64_t limit = node->As<plan::LimitPlan>().limit;
        if (limit < 0) {
          return AnalysisError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE",
                               {{"name", "limit"}, {"expr", "\"" + std::to_string(limit) + "\""},
                                {"v", std::to_string(limit)}});
        }
        out->limit = limit;
      } else if (node->kind() == PlanKind::kOffset) {
        out->offset = node->As<plan::OffsetPlan>().offset;
      } else {
        out->limit = node->As<plan::TailPlan>().limit;
      }
      result = out;
      break;
    }
    case PlanKind::kAggregate: {
      const auto& aggregate = node->As<plan::AggregatePlan>();
      ARROW_ASSIGN_OR_RAISE(result, ResolveAggregatePlan(aggregate, inputs[0]));
      break;
    }
    case PlanKind::kShowString: {
      const auto& show = node->As<plan::ShowStringPlan>();
      auto out = NewNode(ResolvedKind::kShowString, arrow::schema({arrow::field("show_string", arrow::utf8(), false)}),
                         {inputs[0]});
      out->show_rows = show.num_rows;
      out->show_truncate = show.truncate;
      out->show_vertical = show.vertical;
      result = out;
      break;
    }
    case PlanKind::kSetOperation: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveSetOperation(node->As<plan::SetOperationPlan>(), inputs[0], inputs[1]));
      break;
    }
    case PlanKind::kDeduplicate: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveDeduplicate(node->As<plan::DeduplicatePlan>(), inputs[0]));
      break;
    }
    case PlanKind::kUnpivot: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveUnpivot(node->As<plan::UnpivotPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kSameRows: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveSameRows(node->As<plan::SameRowsPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kSample: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveSample(node->As<plan::SamplePlan>(), inputs[0]));
      break;
    }
    case PlanKind::kToSchema: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveToSchema(node->As<plan::ToSchemaPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kCollectMetrics: {
      // The rows pass; the metrics run beside the query (see server/plan_execution.cc).
      result = inputs[0];
      break;
    }
    case PlanKind::kStatFunction: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveStatFunction(node->As<plan::StatFunctionPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kNAFill: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveNAFill(node->As<plan::NAFillPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kNADrop: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveNADrop(node->As<plan::NADropPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kNAReplace: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveNAReplace(node->As<plan::NAReplacePlan>(), inputs[0]));
      break;
    }
    case PlanKind::kJoin: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveJoin(node->As<plan::JoinPlan>(), inputs[0], inputs[1]));
      break;
    }
    case PlanKind::kLateralJoin: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveLateralJoin(node->As<plan::LateralJoinPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kSubqueryAlias: {
      auto out = std::make_shared<ResolvedPlan>(*inputs[0]);
      out->qualifiers.assign(out->schema->num_fields(), node->As<plan::SubqueryAliasPlan>().alias);
      result = out;
      break;
    }
    case PlanKind::kToDF: {
      const auto& names = node->As<plan::ToDFPlan>().column_names;
      if (static_cast<int>(names.size()) != inputs[0]->schema->num_fields()) {
        return AnalysisError("INVALID_COLUMN_NAMES_COUNT_MISMATCH",  // Spark 4: toDF count mismatch
                             {{"expected", std::to_string(inputs[0]->schema->num_fields())},
                              {"actual", std::to_string(names.size())}});
      }
      auto exprs = AllColumns(*inputs[0]);
      for (size_t i = 0; i < exprs.size(); ++i) exprs[i] = Renamed(exprs[i], names[i]);
      auto out = NewNode(ResolvedKind::kProject, SchemaOf(exprs), {inputs[0]});
      out->expressions = std::move(exprs);
      result = out;
      break;
    }
    case PlanKind::kWithColumns: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveWithColumns(node->As<plan::WithColumnsPlan>(), inputs[0]));
      break;
    }
    case PlanKind::kWithColumnsRenamed: {
      auto exprs = AllColumns(*inputs[0]);
      for (const auto& [from, to] : node->As<plan::WithColumnsRenamedPlan>().renames) {
        for (auto& e : exprs) if (EqualsIgnoreCase(e->name, from)) e = Renamed(e, to);
      }
      auto out = NewNode(ResolvedKind::kProject, SchemaOf(exprs), {inputs[0]});
      InheritQualifiers(out.get(), *inputs[0]);
      out->expressions = std::move(exprs);
      result = out;
      break;
    }
    case PlanKind::kDrop: {
      const auto& drop = node->As<plan::DropPlan>();
      std::vector<bool> dropped(inputs[0]->schema->num_fields(), false);
      for (const auto& name : drop.column_names) {
        for (int i = 0; i < inputs[0]->schema->num_fields(); ++i) {
          if (EqualsIgnoreCase(inputs[0]->schema->field(i)->name(), name)) dropped[i] = true;
        }
      }
      for (const auto& c : drop.columns) {
        auto bound = Bind(c, *inputs[0], nullptr);
        if (bound.ok() && (*bound)->kind == plan::BoundKind::kColumnRef) dropped[(*bound)->column_index] = true;
        // A column that is not there is no error; one that names two is (Spark's AMBIGUOUS_REFERENCE).
        const auto* error = bound.ok() ? nullptr : GetSparkError(bound.status());
        if (error && error->error_class() == "AMBIGUOUS_REFERENCE") return bound.status();
      }
      std::vector<BoundExprPtr> exprs;
      auto all = AllColumns(*inputs[0]);
      for (size_t i = 0; i < all.size(); ++i) if (!dropped[i]) exprs.push_back(all[i]);
      auto out = NewNode(ResolvedKind::kProject, SchemaOf(exprs), {inputs[0]});
      out->expressions = std::move(exprs);
      result = out;
      break;
    }
    case PlanKind::kDataSource: {
      ARROW_ASSIGN_OR_RAISE(result, ResolveDataSource(node->As<plan::DataSourcePlan>()));
      break;
    }
    case PlanKind::kNamedTable: {
      const auto& parts = node->As<plan::NamedTablePlan>().name_parts;
      plan::PlanPtr view;
      if (catalog_) {
        ARROW_ASSIGN_OR_RAISE(view, catalog_->LookupRelation(parts));
      }
      if (!view) {
        return AnalysisError("TABLE_OR_VIEW_NOT_FOUND", {{"relationName", QuoteNameParts(parts)}});
      }
      ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveNode(view));
      auto out = std::make_shared<ResolvedPlan>(*resolved);
      out->qualifiers.assign(out->schema->num_fields(), parts.back());
      result = out;
      break;
    }
  }
  if (!result) return InternalError("plan node not resolved");
  if (node->plan_id) {
    auto tagged = std::make_shared<ResolvedPlan>(*result);
    tagged->plan_ids.push_back(*node->plan_id);
    result = tagged;
  }
  return AssignColumnIds(result);
}

namespace {

bool CallsInputFile(const BoundExprPtr& e) {
  if (!e || e->kind != plan::BoundKind::kCall) return false;
  if (e->function_name.rfind("input_file_", 0) == 0) return true;
  return std::any_of(e->args.begin(), e->args.end(), CallsInputFile);
}

/// input_file_name() and input_file_block_start / _length answer only for rows
/// that do not come from files ('' and -1, as in Spark); over a file scan sk8
/// does not know the row's file yet, so such a query is refused.
Status CheckInputFileCalls(const ResolvedPlan& node, bool* calls, bool* scans) {
  *scans |= node.kind == ResolvedKind::kFileScan;
  for (const auto& e : node.expressions) *calls |= CallsInputFile(e);
  for (const auto& e : node.grouping) *calls |= CallsInputFile(e);
  *calls |= CallsInputFile(node.condition);
  for (const auto& a : node.aggregates) {
    for (const auto& e : a.args) *calls |= CallsInputFile(e);
  }
  for (const auto& k : node.sort_keys) *calls |= CallsInputFile(k.expr);
  for (const auto& child : node.children) ARROW_RETURN_NOT_OK(CheckInputFileCalls(*child, calls, scans));
  return Status::OK();
}

}  // namespace

Result<ResolvedPtr> Analyzer::Resolve(const plan::PlanPtr& plan) const {
  ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveNode(plan));
  bool calls = false, scans = false;
  ARROW_RETURN_NOT_OK(CheckInputFileCalls(*resolved, &calls, &scans));
  if (calls && scans) return Unsupported("input_file_name / input_file_block_start / input_file_block_length over files");
  return AssignColumnIds(resolved);
}

}  // namespace sk8::analyzer
