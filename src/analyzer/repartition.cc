// repartition(n) / repartition(n, cols) / repartitionByRange(n, orders): the same
// rows, in the partitions Spark's shuffle would put them in, so that
// spark_partition_id() (and rand(seed), monotonically_increasing_id()) above
// read Spark's partition indices. The rows are computed now and answered as a
// local relation split into partitions, each holding its rows in input order
// (Spark's shuffle reads map outputs in map partition order):
//   round robin (no columns): input partition p starts at
//     XORShiftRandom(p).nextInt(n) and deals its rows out one by one from there
//     (Spark first sorts each input partition by the rows' bytes, which sk8 does
//     not, so which rows go where may differ; how many go where does not);
//   hash: pmod(hash(cols), n), hash being Spark's Murmur3 with seed 42;
//   by id (repartitionById): pmod(the column, n), NULL in partition 0;
//   range: bounds chosen as Spark's RangePartitioner does from a sample, here
//     every row (the same bounds as Spark whenever it samples every row).
#include <algorithm>
#include <map>

#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include "analyzer/analyzer.h"
#include "functions/spark_random.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::ExprPtr;
using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

ExprPtr Call(const std::string& name, std::vector<ExprPtr> args) {
  return std::make_shared<plan::FunctionExpr>(name, std::move(args));
}
ExprPtr Alias(ExprPtr e, const std::string& name) {
  return std::make_shared<plan::AliasExpr>(std::move(e), std::vector<std::string>{name});
}

/// The int column `name` of `table` as values (NULL read as 0).
std::vector<int64_t> Int64Values(const arrow::Table& table, const std::string& name) {
  std::vector<int64_t> out;
  const auto column = table.GetColumnByName(name);
  for (const auto& chunk : column->chunks()) {
    for (int64_t i = 0; i < chunk->length(); ++i) {
      int64_t value = 0;
      if (chunk->IsValid(i)) {
        if (chunk->type_id() == arrow::Type::INT32) {
          value = static_cast<const arrow::Int32Array&>(*chunk).Value(i);
        } else {
          value = static_cast<const arrow::Int64Array&>(*chunk).Value(i);
        }
      }
      out.push_back(value);
    }
  }
  return out;
}

/// RangePartitioner's bounds over every row (weight 1 each), as ranks of the
/// sorted keys; a row's partition is the number of bounds below its rank.
std::vector<int32_t> RangePartitions(const std::vector<int64_t>& ranks, int32_t n) {
  std::map<int64_t, int64_t> rows_per_rank;
  for (int64_t r : ranks) ++rows_per_rank[r];
  std::vector<int64_t> bounds;
  const double step = static_cast<double>(ranks.size()) / n;
  double cumulative = 0, target = step;
  for (const auto& [rank, count] : rows_per_rank) {
    // Spark walks the sorted rows one by one: only the first of equal keys may be a bound.
    for (int64_t k = 0; k < count && static_cast<int32_t>(bounds.size()) < n - 1; ++k) {
      cumulative += 1;
      if (cumulative >= target && (bounds.empty() || rank > bounds.back())) {
        bounds.push_back(rank);
        target += step;
      }
    }
  }
  std::vector<int32_t> out;
  out.reserve(ranks.size());
  for (int64_t r : ranks) {
    out.push_back(static_cast<int32_t>(std::lower_bound(bounds.begin(), bounds.end(), r) - bounds.begin()));
  }
  return out;
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveRepartition(const plan::SameRowsPlan& node, const ResolvedPtr& input) const {
  const int32_t n = node.num_partitions;
  const int visible = input->visible_columns < 0 ? input->schema->num_fields() : input->visible_columns;
  std::vector<ExprPtr> orders;
  for (const auto& e : node.expressions) {
    orders.push_back(e->kind() == plan::ExprKind::kSortOrder ? e
                                                              : std::make_shared<plan::SortOrderExpr>(e, true, true));
  }
  // The input's columns, then what decides each row's partition.
  auto project = plan::MakeUnary<plan::ProjectPlan>(node.children[0]);
  project->expressions.push_back(std::make_shared<plan::StarExpr>(std::vector<std::string>{}));
  project->expressions.push_back(Alias(Call("spark_partition_id", {}), "__sk8_input_partition"));
  project->expressions.push_back(Alias(Call("monotonically_increasing_id", {}), "__sk8_position"));
  plan::PlanPtr source = project;
  if (node.by_id) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(node.expressions[0], *input));
    if (bound->type->id() != arrow::Type::INT32) {
      return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                           {{"sqlExpr", "\"direct_shuffle_partition_id(" + bound->name + ")\""},
                            {"paramIndex", "first"},
                            {"requiredType", "\"INT\""},
                            {"inputSql", "\"" + bound->name + "\""},
                            {"inputType", "\"" + types::SqlString(*bound->type) + "\""}});
    }
    auto n_literal = std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(n));
    auto zero = std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(int32_t{0}));
    project->expressions.push_back(Alias(Call("coalesce", {Call("pmod", {node.expressions[0], n_literal}), zero}),
                                         "__sk8_partition"));
  } else if (!node.by_range && !node.expressions.empty()) {
    auto hash = Call("hash", node.expressions);
    project->expressions.push_back(
        Alias(Call("pmod", {hash, std::make_shared<plan::LiteralExpr>(arrow::MakeScalar(n))}), "__sk8_partition"));
  } else if (node.by_range) {
    auto ranked = plan::MakeUnary<plan::ProjectPlan>(project);
    ranked->expressions.push_back(std::make_shared<plan::StarExpr>(std::vector<std::string>{}));
    auto window = std::make_shared<plan::WindowExpr>();
    window->function = Call("dense_rank", {});
    window->order_spec = orders;
    ranked->expressions.push_back(Alias(window, "__sk8_rank"));
    source = ranked;
  }
  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(source));
  // Back in input order (a window sorts its rows).
  const auto positions = Int64Values(*table, "__sk8_position");
  std::vector<int64_t> order(positions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return positions[a] < positions[b]; });

  std::vector<int32_t> partition(order.size());
  if (!node.expressions.empty() && !node.by_range) {
    const auto values = Int64Values(*table, "__sk8_partition");
    for (size_t i = 0; i < order.size(); ++i) partition[i] = static_cast<int32_t>(values[order[i]]);
  } else if (node.by_range) {
    const auto ranks = Int64Values(*table, "__sk8_rank");
    std::vector<int64_t> in_order;
    for (int64_t row : order) in_order.push_back(ranks[row]);
    partition = RangePartitions(in_order, n);
  } else {
    const auto inputs = Int64Values(*table, "__sk8_input_partition");
    std::map<int64_t, int64_t> position;  // per input partition
    for (size_t i = 0; i < order.size(); ++i) {
      const int64_t p = inputs[order[i]];
      auto it = position.find(p);
      if (it == position.end()) {
        functions::XorShiftRandom random(p);
        it = position.emplace(p, random.NextInt(n)).first;
      }
      it->second += 1;
      partition[i] = static_cast<int32_t>(((it->second % n) + n) % n);
    }
  }
  // Rows grouped by partition, each group in input order.
  std::vector<int64_t> starts(static_cast<size_t>(n) + 1, 0);
  for (int32_t p : partition) ++starts[p + 1];
  for (int32_t p = 0; p < n; ++p) starts[p + 1] += starts[p];
  std::vector<int64_t> next(starts.begin(), starts.end() - 1);
  std::vector<int64_t> taken(order.size());
  for (size_t i = 0; i < order.size(); ++i) taken[next[partition[i]]++] = order[i];
  arrow::Int64Builder indices;
  ARROW_RETURN_NOT_OK(indices.AppendValues(taken));
  ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
  std::vector<int> columns;
  for (int i = 0; i < visible; ++i) columns.push_back(i);
  ARROW_ASSIGN_OR_RAISE(auto selected, table->SelectColumns(columns));
  ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Take(selected, index_array));
  arrow::FieldVector fields(input->schema->fields().begin(), input->schema->fields().begin() + visible);
  auto rows = arrow::Table::Make(arrow::schema(fields), kept.table()->columns(), static_cast<int64_t>(taken.size()));
  ARROW_ASSIGN_OR_RAISE(auto out, LocalAnswer(rows));
  auto partitioned = std::make_shared<ResolvedPlan>(*out);
  partitioned->plan_ids = input->plan_ids;
  partitioned->partition_starts = std::move(starts);
  return ResolvedPtr(partitioned);
}

}  // namespace sk8::analyzer
