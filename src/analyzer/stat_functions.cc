// DataFrame methods whose answer Spark computes from the data before the plan
// goes on: describe / summary (an aggregate of each statistic as a string, one
// row per statistic), crosstab, freqItems, approxQuantile, sample / randomSplit;
// and the ones that keep the rows (hint, repartition, coalesce, to(schema)).
// Those that need the data run their input through query_runner_ and answer a
// local relation, as Spark Connect's planner does for the stat functions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/quantile_summaries.h"
#include "functions/spark_random.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::BoundExpr;
using plan::BoundExprPtr;
using plan::ExprPtr;
using plan::ResolvedKind;
using plan::ResolvedPlan;
using plan::ResolvedPtr;
using F = plan::StatFunctionPlan::Function;

namespace {

// sample(fraction, seed) keeps the rows Spark keeps for the same seed in one
// partition: Spark's XORShiftRandom (functions/spark_random.h).
using functions::XorShiftRandom;

/// `node` with every spark.range below it read as one partition.
ResolvedPtr WithOnePartition(const ResolvedPtr& node) {
  bool changed = false;
  std::vector<ResolvedPtr> children;
  for (const auto& child : node->children) {
    children.push_back(WithOnePartition(child));
    changed |= children.back() != child;
  }
  const bool split_range = node->kind == ResolvedKind::kRange && node->num_partitions > 1;
  const bool split_table = node->kind == ResolvedKind::kLocalTable && !node->partition_starts.empty();
  if (!changed && !split_range && !split_table) return node;
  auto copy = std::make_shared<ResolvedPlan>(*node);
  copy->children = std::move(children);
  if (split_range) copy->num_partitions = 1;
  copy->partition_starts.clear();
  return copy;
}

/// At most how many rows `node` makes when all its leaves are in memory
/// (createDataFrame, spark.range); files or an unknown bound give INT64_MAX.
int64_t InMemoryRowBound(const ResolvedPlan& node) {
  constexpr int64_t kUnknown = std::numeric_limits<int64_t>::max();
  if (node.kind == ResolvedKind::kLocalTable) return node.table ? node.table->num_rows() : 0;
  if (node.kind == ResolvedKind::kRange) {
    if (node.range_step == 0) return 0;
    const double rows = (static_cast<double>(node.range_end) - node.range_start) / node.range_step;
    return rows <= 0 ? 0 : rows >= 9e18 ? kUnknown : static_cast<int64_t>(rows) + 1;
  }
  if (node.children.empty()) return kUnknown;  // file scans and the rest
  int64_t bound = node.kind == ResolvedKind::kJoin ? 1 : 0;
  for (const auto& child : node.children) {
    const int64_t rows = InMemoryRowBound(*child);
    if (rows == kUnknown) return kUnknown;
    const double combined = node.kind == ResolvedKind::kJoin ? static_cast<double>(bound) * rows
                                                             : static_cast<double>(bound) + rows;
    if (combined >= 9e18) return kUnknown;
    bound = static_cast<int64_t>(combined);
  }
  return bound;
}

// Placing rows in Spark's shuffle partitions runs the input while the plan is
// analyzed: only for inputs that are small and in memory already; others keep
// their rows where they are (same rows, other partition ids).
constexpr int64_t kRepartitionAtAnalysisMaxRows = 1 << 20;

ExprPtr Col(const std::string& name) {
  return std::make_shared<plan::ColumnExpr>(std::vector<std::string>{name}, std::nullopt);
}
ExprPtr Call(const std::string& name, std::vector<ExprPtr> args, bool distinct = false) {
  return std::make_shared<plan::FunctionExpr>(name, std::move(args), distinct);
}
ExprPtr Alias(ExprPtr e, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(e), std::vector<std::string>{name});
}
ExprPtr CastTo(ExprPtr e, std::shared_ptr<arrow::DataType> type, plan::CastMode mode = plan::CastMode::kDefault) {
  return std::make_shared<plan::CastExpr>(std::move(e), std::move(type), mode);
}

bool IsNumeric(const arrow::DataType& type) {
  return functions::NumericRank(type) > 0 || type.id() == arrow::Type::DECIMAL128;
}

/// A column's values as doubles (NULL and NaN left out), from its cast to DOUBLE.
std::vector<double> NonNullDoubles(const arrow::ChunkedArray& column) {
  std::vector<double> out;
  for (const auto& chunk : column.chunks()) {
    const auto& values = static_cast<const arrow::DoubleArray&>(*chunk);
    for (int64_t i = 0; i < values.length(); ++i) {
      if (values.IsValid(i) && !std::isnan(values.Value(i))) out.push_back(values.Value(i));
    }
  }
  return out;
}

Result<std::shared_ptr<arrow::Table>> OneColumnTable(const std::string& name, std::shared_ptr<arrow::Array> values,
                                                     bool nullable = true) {
  return arrow::Table::Make(arrow::schema({arrow::field(name, values->type(), nullable)}), {values});
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveSameRows(const plan::SameRowsPlan& node, ResolvedPtr input) const {
  // repartition(cols) still checks its expressions, as Spark's analysis does.
  for (const auto& e : node.expressions) {
    ExprPtr key = e;
    if (key->kind() == plan::ExprKind::kSortOrder) key = key->As<plan::SortOrderExpr>().child;
    ARROW_RETURN_NOT_OK(Bind(key, *input, nullptr).status());
  }
  // coalesce(1) / repartition(1): one partition, which spark_partition_id(),
  // rand(seed) and monotonically_increasing_id() read (spark.range's split is undone).
  if (node.what == "coalesce 1" || node.what == "repartition 1") return WithOnePartition(input);
  if (node.num_partitions > 1 && InMemoryRowBound(*input) <= kRepartitionAtAnalysisMaxRows) {
    return ResolveRepartition(node, input);
  }
  return input;
}

Result<std::shared_ptr<arrow::Table>> Analyzer::RunForData(const plan::PlanPtr& plan) const {
  if (!query_runner_) return Unsupported("DataFrame statistics here (no query runner)");
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(plan));
  ARROW_ASSIGN_OR_RAISE(auto table, query_runner_(resolved));
  return table->CombineChunks();
}

Result<ResolvedPtr> Analyzer::LocalAnswer(std::shared_ptr<arrow::Table> table) const {
  plan::LocalRelationPlan answer;
  answer.data = std::move(table);
  return ResolveLocalRelation(answer);
}

Result<ResolvedPtr> Analyzer::ResolveSample(const plan::SamplePlan& node, ResolvedPtr input) const {
  if (node.upper - node.lower < -1e-6) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_2128", {});
  }
  plan::PlanPtr source = node.children[0];
  if (node.deterministic_order) {
    // randomSplit: every orderable column ascending, so each split sees the same order.
    auto sorted = plan::MakeUnary<plan::SortPlan>(source);
    for (int i = 0; i < input->schema->num_fields(); ++i) {
      const auto& f = input->schema->field(i);
      if (f->type()->id() == arrow::Type::MAP) continue;
      sorted->order.push_back(std::make_shared<plan::SortOrderExpr>(Col(f->name()), true, true));
    }
    sorted->is_global = false;
    if (!sorted->order.empty()) source = sorted;
  }
  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(source));
  // One partition: Spark seeds each partition's sampler with seed + its index.
  XorShiftRandom random(node.seed);
  arrow::Int64Builder indices;
  const double fraction = node.upper - node.lower;
  for (int64_t row = 0; row < table->num_rows(); ++row) {
    if (!node.with_replacement) {
      if (fraction <= 0) break;
      const double x = random.NextDouble();
      if (x >= node.lower && x < node.upper) ARROW_RETURN_NOT_OK(indices.Append(row));
      continue;
    }
    // With replacement: a Poisson(fraction) number of copies (Knuth's method
    // over the same generator; Spark draws them from commons-math, see docs).
    const double limit = std::exp(-fraction);
    double product = random.NextDouble();
    while (product > limit) {
      ARROW_RETURN_NOT_OK(indices.Append(row));
      product *= random.NextDouble();
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto taken, indices.Finish());
  ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Take(table, taken));
  auto sampled = kept.table();
  // Keep the input's names and nullability.
  ARROW_ASSIGN_OR_RAISE(sampled, sampled->RenameColumns(input->schema->field_names()));
  sampled = arrow::Table::Make(input->schema, sampled->columns(), sampled->num_rows());
  ARROW_ASSIGN_OR_RAISE(auto out, LocalAnswer(sampled));
  auto tagged = std::make_shared<ResolvedPlan>(*out);
  tagged->plan_ids = input->plan_ids;
  return ResolvedPtr(tagged);
}

Result<ResolvedPtr> Analyzer::ResolveToSchema(const plan::ToSchemaPlan& node, ResolvedPtr input) const {
  std::vector<BoundExprPtr> exprs;
  for (const auto& field : node.schema->fields()) {
    ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(field->name(), *input));
    const auto& source = input->schema->field(index);
    BoundExprPtr e = BoundExpr::Column(index, source->type(), source->nullable(), source->name());
    if (!source->type()->Equals(*field->type())) {
      ARROW_ASSIGN_OR_RAISE(e, functions::BindCast(e, field->type(), plan::CastMode::kAnsi, /*implicit=*/true, ctx_));
    }
    if (source->nullable() && !field->nullable()) {
      return AnalysisError("NULLABLE_COLUMN_OR_FIELD", {{"name", QuoteIdentifier(field->name())}});
    }
    auto named = std::make_shared<BoundExpr>(*e);
    named->name = field->name();
    named->auto_alias = false;
    exprs.push_back(named);
  }
  auto out = std::make_shared<ResolvedPlan>();
  out->kind = ResolvedKind::kProject;
  out->schema = SchemaOf(exprs);
  out->children = {input};
  out->plan_ids = input->plan_ids;
  out->qualifiers.assign(exprs.size(), "");
  out->expressions = std::move(exprs);
  return ResolvedPtr(out);
}

Result<ResolvedPtr> Analyzer::ResolveSummary(const std::vector<std::string>& requested, plan::PlanPtr source,
                                             const ResolvedPlan& input) const {
  static const std::vector<std::string> kDefault = {"count", "mean", "stddev", "min", "25%", "50%", "75%", "max"};
  const std::vector<std::string>& stats = requested.empty() ? kDefault : requested;
  std::vector<double> percentiles;
  for (const auto& s : stats) {
    if (s.empty() || s.back() != '%') continue;
    char* end = nullptr;
    const std::string number = s.substr(0, s.size() - 1);
    const double p = std::strtod(number.c_str(), &end) / 100.0;
    if (number.empty() || end != number.c_str() + number.size()) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "UNRECOGNIZED_STATISTIC", {{"stats", "'" + s + "'"}});
    }
    if (p < 0 || p > 1) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "UNRECOGNIZED_STATISTIC", {{"stats", "'" + s + "'"}});
    }
    percentiles.push_back(p);
  }
  // Numeric and string columns; strings count as doubles for mean, stddev
  // and percentiles (try_cast).
  std::vector<int> columns;
  const int visible = input.visible_columns < 0 ? input.schema->num_fields() : input.visible_columns;
  for (int i = 0; i < visible; ++i) {
    const auto& type = *input.schema->field(i)->type();
    if (IsNumeric(type) || type.id() == arrow::Type::STRING) columns.push_back(i);
  }
  arrow::StringBuilder names;
  for (const auto& s : stats) ARROW_RETURN_NOT_OK(names.Append(s));
  ARROW_ASSIGN_OR_RAISE(auto stat_names, names.Finish());
  if (columns.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto table, OneColumnTable("summary", stat_names));
    return LocalAnswer(table);
  }
  auto casted = [&](int i) {
    const auto& f = input.schema->field(i);
    ExprPtr c = Col(f->name());
    return f->type()->id() == arrow::Type::STRING ? CastTo(c, arrow::float64(), plan::CastMode::kTry) : c;
  };
  // Percentiles as Spark's percentile_approx (accuracy 10000) computes them,
  // in the column's type (strings: DOUBLE).
  std::vector<std::vector<std::shared_ptr<arrow::Scalar>>> percentile_values(columns.size());
  if (!percentiles.empty()) {
    auto values = plan::MakeUnary<plan::ProjectPlan>(source);
    for (size_t c = 0; c < columns.size(); ++c) {
      values->expressions.push_back(Alias(CastTo(casted(columns[c]), arrow::float64()), "v" + std::to_string(c)));
    }
    ARROW_ASSIGN_OR_RAISE(auto table, RunForData(values));
    for (size_t c = 0; c < columns.size(); ++c) {
      functions::QuantileSummaries summary(1.0 / 10000);
      for (double v : NonNullDoubles(*table->column(static_cast<int>(c)))) summary.Insert(v);
      summary.Compress();
      const auto& field = input.schema->field(columns[c]);
      auto type = field->type()->id() == arrow::Type::STRING ? arrow::float64() : field->type();
      for (double p : percentiles) {
        auto q = summary.Query(p);
        std::shared_ptr<arrow::Scalar> value = arrow::MakeNullScalar(type);
        if (q) {
          // ApproximatePercentile answers in the input's type (Double.toInt and friends truncate).
          arrow::Datum as_double(std::make_shared<arrow::DoubleScalar>(*q));
          if (types::IsIntegral(*type)) as_double = arrow::Datum(std::make_shared<arrow::DoubleScalar>(std::trunc(*q)));
          ARROW_ASSIGN_OR_RAISE(auto cast, functions::CastDatum(as_double, type, false, ctx_));
          value = cast.scalar();
        }
        percentile_values[c].push_back(value);
      }
    }
  }
  // One aggregate computes every (column, statistic) as a string.
  auto aggregate = plan::MakeUnary<plan::AggregatePlan>(source);
  for (size_t c = 0; c < columns.size(); ++c) {
    const auto& f = input.schema->field(columns[c]);
    size_t next_percentile = 0;
    for (size_t s = 0; s < stats.size(); ++s) {
      std::string stat = stats[s];
      std::transform(stat.begin(), stat.end(), stat.begin(), [](unsigned char ch) { return std::tolower(ch); });
      ExprPtr value;
      if (stat == "count") {
        value = Call("count", {Col(f->name())});
      } else if (stat == "count_distinct") {
        value = Call("count", {Col(f->name())}, /*distinct=*/true);
      } else if (stat == "mean") {
        value = Call("avg", {casted(columns[c])});
      } else if (stat == "stddev") {
        value = Call("stddev", {casted(columns[c])});
      } else if (stat == "min" || stat == "max") {
        value = Call(stat, {Col(f->name())});
      } else if (!stat.empty() && stat.back() == '%') {
        value = std::make_shared<plan::LiteralExpr>(percentile_values[c][next_percentile++]);
      } else if (stat == "approx_count_distinct") {
        return Unsupported("summary statistic approx_count_distinct");
      } else {
        return SparkError(SparkExceptionKind::kIllegalArgument, "UNRECOGNIZED_STATISTIC",
                          {{"stats", "'" + stats[s] + "'"}});
      }
      aggregate->aggregates.push_back(
          Alias(CastTo(value, arrow::utf8()), "s" + std::to_string(c) + "_" + std::to_string(s)));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto stats_row, Resolve(aggregate));
  // Then one row per statistic: its name and each column's value.
  arrow::FieldVector fields = {arrow::field("summary", arrow::utf8(), true)};
  for (int i : columns) fields.push_back(arrow::field(input.schema->field(i)->name(), arrow::utf8(), true));
  auto expand = std::make_shared<ResolvedPlan>();
  expand->kind = ResolvedKind::kExpand;
  expand->schema = arrow::schema(fields);
  expand->children = {stats_row};
  expand->qualifiers.assign(fields.size(), "");
  for (size_t s = 0; s < stats.size(); ++s) {
    auto& projection = expand->expand_projections.emplace_back();
    projection.push_back(BoundExpr::Literal(arrow::MakeScalar(stats[s]), "'" + stats[s] + "'"));
    for (size_t c = 0; c < columns.size(); ++c) {
      const int index = static_cast<int>(c * stats.size() + s);
      projection.push_back(BoundExpr::Column(index, arrow::utf8(), true, stats_row->schema->field(index)->name()));
    }
  }
  return ResolvedPtr(expand);
}

Result<ResolvedPtr> Analyzer::ResolveCrosstab(const plan::StatFunctionPlan& node, const ResolvedPlan& input) const {
  const std::string& col1 = node.columns[0];
  const std::string& col2 = node.columns[1];
  auto counts = plan::MakeUnary<plan::AggregatePlan>(node.children[0]);
  counts->grouping = {Col(col1), Col(col2)};
  counts->aggregates = {Call("count", {std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int32_t{1}))})};
  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(counts));
  // Values as Spark's cleanElement renders them: toString, NULL as "null".
  auto as_strings = [&](int column) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& chunk : table->column(column)->chunks()) {
      ARROW_ASSIGN_OR_RAISE(auto strings, functions::ToSparkStrings(*chunk, ctx_));
      const auto& s = static_cast<const arrow::StringArray&>(*strings);
      for (int64_t i = 0; i < s.length(); ++i) out.push_back(s.IsNull(i) ? "null" : s.GetString(i));
    }
    return out;
  };
  ARROW_ASSIGN_OR_RAISE(auto firsts, as_strings(0));
  ARROW_ASSIGN_OR_RAISE(auto seconds, as_strings(1));
  std::vector<int64_t> count_values;
  for (const auto& chunk : table->column(2)->chunks()) {
    const auto& counts_chunk = static_cast<const arrow::Int64Array&>(*chunk);
    for (int64_t i = 0; i < counts_chunk.length(); ++i) count_values.push_back(counts_chunk.Value(i));
  }
  std::vector<std::string> headers = seconds;
  std::sort(headers.begin(), headers.end());
  headers.erase(std::unique(headers.begin(), headers.end()), headers.end());
  if (headers.size() >= 10000) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_2111",
                      {{"col2", col2}, {"columnSize", std::to_string(headers.size())}});
  }
  std::map<std::string, size_t> header_index;
  for (size_t i = 0; i < headers.size(); ++i) header_index[headers[i]] = i;
  // Rows in order of first appearance of the first column's value.
  std::vector<std::string> row_keys;
  std::map<std::string, std::vector<int64_t>> cells;
  for (size_t r = 0; r < firsts.size(); ++r) {
    auto [it, inserted] = cells.try_emplace(firsts[r], std::vector<int64_t>(headers.size(), 0));
    if (inserted) row_keys.push_back(firsts[r]);
    it->second[header_index[seconds[r]]] = count_values[r];
  }
  arrow::StringBuilder keys;
  for (const auto& k : row_keys) ARROW_RETURN_NOT_OK(keys.Append(k));
  arrow::FieldVector fields = {arrow::field(col1 + "_" + col2, arrow::utf8(), true)};
  arrow::ArrayVector arrays;
  ARROW_ASSIGN_OR_RAISE(auto key_array, keys.Finish());
  arrays.push_back(key_array);
  for (size_t h = 0; h < headers.size(); ++h) {
    std::string name = headers[h];
    name.erase(std::remove(name.begin(), name.end(), '`'), name.end());
    fields.push_back(arrow::field(name, arrow::int64(), false));  // na.fill(0.0) makes them non-null
    arrow::Int64Builder column;
    for (const auto& k : row_keys) ARROW_RETURN_NOT_OK(column.Append(cells[k][h]));
    ARROW_ASSIGN_OR_RAISE(auto array, column.Finish());
    arrays.push_back(array);
  }
  (void)input;
  return LocalAnswer(arrow::Table::Make(arrow::schema(fields), arrays, static_cast<int64_t>(row_keys.size())));
}

Result<ResolvedPtr> Analyzer::ResolveFreqItems(const plan::StatFunctionPlan& node, const ResolvedPlan& input) const {
  if (node.support < 1e-4 || node.support > 1.0) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_2112",
                      {{"support", std::to_string(node.support)}});
  }
  const size_t size = static_cast<size_t>(1 / node.support);
  auto values = plan::MakeUnary<plan::ProjectPlan>(node.children[0]);
  for (const auto& c : node.columns) values->expressions.push_back(Col(c));
  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(values));
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (int c = 0; c < table->num_columns(); ++c) {
    // Karp et al.'s counting, as Spark's FreqItemCounter: at most `size`
    // candidates; a new value when full lowers every count.
    std::vector<std::pair<std::shared_ptr<arrow::Scalar>, int64_t>> counts;
    const auto& column = *table->column(c);
    for (int64_t r = 0; r < column.length(); ++r) {
      ARROW_ASSIGN_OR_RAISE(auto value, column.GetScalar(r));
      auto found = std::find_if(counts.begin(), counts.end(), [&](const auto& e) { return e.first->Equals(*value); });
      if (found != counts.end()) {
        ++found->second;
      } else if (counts.size() < size) {
        counts.emplace_back(value, 1);
      } else {
        int64_t min = counts.empty() ? 0 : counts[0].second;
        for (const auto& e : counts) min = std::min(min, e.second);
        const int64_t decrement = 1 - min >= 0 ? min : 1;
        if (1 - min >= 0) counts.emplace_back(value, 1);
        std::vector<std::pair<std::shared_ptr<arrow::Scalar>, int64_t>> kept;
        for (auto& e : counts) {
          if (1 - min >= 0 && e.second <= min) continue;
          kept.emplace_back(e.first, e.second - decrement);
        }
        counts = std::move(kept);
      }
    }
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), column.type(), &builder));
    for (const auto& e : counts) ARROW_RETURN_NOT_OK(builder->AppendScalar(*e.first));
    ARROW_ASSIGN_OR_RAISE(auto items, builder->Finish());
    arrow::Int32Builder offsets;
    ARROW_RETURN_NOT_OK(offsets.AppendValues({0, static_cast<int32_t>(items->length())}));
    ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
    ARROW_ASSIGN_OR_RAISE(auto list, arrow::ListArray::FromArrays(*offset_array, *items));
    fields.push_back(arrow::field(node.columns[c] + "_freqItems", list->type(), false));
    arrays.push_back(list);
  }
  (void)input;
  return LocalAnswer(arrow::Table::Make(arrow::schema(fields), arrays, 1));
}

Result<ResolvedPtr> Analyzer::ResolveApproxQuantile(const plan::StatFunctionPlan& node,
                                                    const ResolvedPlan& input) const {
  if (node.relative_error < 0) {
    return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_2115",
                      {{"relativeError", std::to_string(node.relative_error)}});
  }
  auto values = plan::MakeUnary<plan::ProjectPlan>(node.children[0]);
  for (const auto& c : node.columns) {
    ARROW_ASSIGN_OR_RAISE(int index, NamedColumn(c, input));
    const auto& type = input.schema->field(index)->type();
    if (!IsNumeric(*type)) {
      return SparkError(SparkExceptionKind::kIllegalArgument, "UNSUPPORTED_DATA_TYPE_FOR_QUANTILE",
                        {{"colName", c}, {"dataType", types::SqlString(*type)}});
    }
    values->expressions.push_back(CastTo(Col(c), arrow::float64()));
  }
  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(values));
  auto inner = arrow::list(arrow::field("element", arrow::float64(), true));
  arrow::ListBuilder outer(arrow::default_memory_pool(), std::make_shared<arrow::ListBuilder>(
                                                             arrow::default_memory_pool(),
                                                             std::make_shared<arrow::DoubleBuilder>(), inner),
                           arrow::list(arrow::field("element", inner, true)));
  auto* per_column = static_cast<arrow::ListBuilder*>(outer.value_builder());
  auto* doubles = static_cast<arrow::DoubleBuilder*>(per_column->value_builder());
  ARROW_RETURN_NOT_OK(outer.Append());
  for (int c = 0; c < table->num_columns(); ++c) {
    functions::QuantileSummaries summary(node.relative_error);
    for (double v : NonNullDoubles(*table->column(c))) summary.Insert(v);
    summary.Compress();
    ARROW_RETURN_NOT_OK(per_column->Append());
    for (double p : node.probabilities) {
      if (p < 0 || p > 1) {
        return SparkError(SparkExceptionKind::kIllegalArgument, "_LEGACY_ERROR_TEMP_2116", {{"p", std::to_string(p)}});
      }
      auto q = summary.Query(p);
      if (q) ARROW_RETURN_NOT_OK(doubles->Append(*q));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto result, outer.Finish());
  ARROW_ASSIGN_OR_RAISE(auto table_out, OneColumnTable("approx_quantile", result));
  return LocalAnswer(table_out);
}

Result<ResolvedPtr> Analyzer::ResolveStatFunction(const plan::StatFunctionPlan& node, ResolvedPtr input) const {
  switch (node.function) {
    case F::kDescribe: {
      // describe(cols) is select(cols).summary(count, mean, stddev, min, max).
      plan::PlanPtr source = node.children[0];
      ResolvedPtr selected = input;
      if (!node.columns.empty()) {
        auto project = plan::MakeUnary<plan::ProjectPlan>(source);
        for (const auto& c : node.columns) project->expressions.push_back(Col(c));
        ARROW_ASSIGN_OR_RAISE(selected, Resolve(project));
        source = project;
      }
      return ResolveSummary({"count", "mean", "stddev", "min", "max"}, source, *selected);
    }
    case F::kSummary: return ResolveSummary(node.statistics, node.children[0], *input);
    case F::kCrosstab: return ResolveCrosstab(node, *input);
    case F::kFreqItems: return ResolveFreqItems(node, *input);
    case F::kApproxQuantile: return ResolveApproxQuantile(node, *input);
    case F::kTranspose: return ResolveTranspose(node, *input);
    case F::kSampleBy: return ResolveSampleBy(node, *input);
  }
  return InternalError("unknown stat function");
}

}  // namespace sk8::analyzer

namespace sk8::analyzer {

Result<ResolvedPtr> Analyzer::ResolveSampleBy(const plan::StatFunctionPlan& node, const ResolvedPlan& input) const {
  bool in_range = true;
  std::string shown;  // as Scala prints the Map
  for (const auto& [stratum, fraction] : node.fractions) {
    in_range &= fraction >= 0.0 && fraction <= 1.0;
    ARROW_ASSIGN_OR_RAISE(auto as_array, arrow::MakeArrayFromScalar(*stratum, 1));
    ARROW_ASSIGN_OR_RAISE(auto text, functions::ToSparkStrings(*as_array, ctx_));
    const auto& strings = static_cast<const arrow::StringArray&>(*text);
    shown += (shown.empty() ? "" : ", ") + (strings.IsNull(0) ? "null" : strings.GetString(0)) + " -> " +
             functions::FormatJavaDouble(fraction);
  }
  if (!in_range) {
    // Spark's `require`: a plain IllegalArgumentException without an error class.
    return SparkError(SparkExceptionKind::kIllegalArgument, "",
                      {{"message", "requirement failed: Fractions must be in [0, 1], but got Map(" + shown + ")."}});
  }
  // Spark keeps a row when rand(seed) < its stratum's fraction (0 for the rest),
  // one draw per row; a stratum matches as a JVM value does: a number any
  // numeric value equal to it, a string only strings, a boolean only booleans.
  ARROW_ASSIGN_OR_RAISE(auto strata, BindExpression(node.expressions[0], input));
  auto kind_of = [](const arrow::DataType& type) {
    if (IsNumeric(type)) return 1;
    if (type.id() == arrow::Type::STRING) return 2;
    if (type.id() == arrow::Type::BOOL) return 3;
    return 0;
  };
  const int strata_kind = kind_of(*strata->type);
  std::vector<ExprPtr> branches;
  for (const auto& [stratum, fraction] : node.fractions) {
    if (!stratum->is_valid || kind_of(*stratum->type) != strata_kind || strata_kind == 0) continue;
    branches.push_back(Call("=", {node.expressions[0], std::make_shared<plan::LiteralExpr>(stratum)}));
    branches.push_back(std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(fraction)));
  }
  branches.push_back(std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(0.0)));
  ExprPtr threshold = branches.size() == 1 ? branches[0] : Call("when", std::move(branches));
  auto random = Call("rand", {std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(node.seed))});
  auto filter = plan::MakeUnary<plan::FilterPlan>(node.children[0]);
  filter->condition = Call("<", {random, threshold});
  return Resolve(filter);
}

}  // namespace sk8::analyzer
