// WITH RECURSIVE, as Spark's UnionLoop answers it: the anchor's rows, then the
// step run over the previous round's rows until a round adds none. sk8 runs
// the rounds while analyzing (through the query runner, as a pivot without
// values does) and answers the accumulated rows as a local relation, so the
// rest of the query plans over known rows.
#include <arrow/table.h>

#include "analyzer/analyzer.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::analyzer {
namespace {

// A round's rows in the anchor's columns: its names, every column nullable;
// the step's types must be the anchor's (Spark merges no INT with BIGINT here).
Result<std::shared_ptr<arrow::Table>> Conform(const std::shared_ptr<arrow::Table>& rows,
                                              const std::shared_ptr<arrow::Schema>& schema) {
  if (rows->num_columns() != schema->num_fields()) {
    return AnalysisError("NUM_COLUMNS_MISMATCH", {{"operator", "UNION"},
                                                  {"firstNumColumns", std::to_string(schema->num_fields())},
                                                  {"invalidOrdinalNum", "second"},
                                                  {"invalidNumColumns", std::to_string(rows->num_columns())}});
  }
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (int c = 0; c < rows->num_columns(); ++c) {
    auto column = rows->column(c);
    if (!column->type()->Equals(*schema->field(c)->type())) {
      return SparkError(SparkExceptionKind::kInternal, "CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE",
                        {{"left", "\"" + types::SqlString(*schema->field(c)->type()) + "\""},
                         {"right", "\"" + types::SqlString(*column->type()) + "\""}});
    }
    columns.push_back(std::move(column));
  }
  return arrow::Table::Make(schema, std::move(columns), rows->num_rows());
}

}  // namespace

Result<plan::ResolvedPtr> Analyzer::ResolveRecursiveCte(const plan::RecursiveCtePlan& node) const {
  if (!query_runner_) return Unsupported("recursive common table expressions here (no query runner)");
  ARROW_ASSIGN_OR_RAISE(auto anchor, RunForData(node.children[0]));
  arrow::FieldVector fields;
  for (const auto& f : anchor->schema()->fields()) fields.push_back(f->WithNullable(true));
  auto schema = arrow::schema(std::move(fields));
  ARROW_ASSIGN_OR_RAISE(anchor, Conform(anchor, schema));
  std::vector<std::shared_ptr<arrow::Table>> rounds = {anchor};
  const std::string key = sql::ToLowerAscii(node.name);
  auto previous = recursion_rows_.find(key);
  const std::shared_ptr<arrow::Table> outer = previous == recursion_rows_.end() ? nullptr : previous->second;
  std::shared_ptr<arrow::Table> last = anchor;
  Status status;
  const int64_t level_limit = node.max_level.value_or(ctx_.cte_recursion_level_limit);
  for (int64_t level = 1; last->num_rows() > 0; ++level) {
    recursion_rows_[key] = last;
    auto step = RunForData(node.children[1]);
    if (!step.ok()) {
      status = step.status();
      break;
    }
    auto conformed = Conform(*step, schema);
    if (!conformed.ok()) {
      status = conformed.status();
      break;
    }
    last = *conformed;
    if (last->num_rows() == 0) break;
    if (level_limit >= 0 && level >= level_limit) {
      status = SparkError(SparkExceptionKind::kInternal, "RECURSION_LEVEL_LIMIT_EXCEEDED",
                          {{"levelLimit", std::to_string(level_limit)}});
      break;
    }
    rounds.push_back(last);
  }
  if (outer) {
    recursion_rows_[key] = outer;  // an enclosing CTE of the same name resumes
  } else {
    recursion_rows_.erase(key);
  }
  ARROW_RETURN_NOT_OK(status);
  ARROW_ASSIGN_OR_RAISE(auto all, arrow::ConcatenateTables(rounds));
  ARROW_ASSIGN_OR_RAISE(all, all->CombineChunks());
  return LocalAnswer(std::move(all));
}

Result<plan::ResolvedPtr> Analyzer::ResolveRecursiveReference(const plan::RecursiveReferencePlan& node) const {
  auto rows = recursion_rows_.find(sql::ToLowerAscii(node.name));
  if (rows == recursion_rows_.end()) return AnalysisError("INVALID_RECURSIVE_CTE", {});
  return LocalAnswer(rows->second);
}

}  // namespace sk8::analyzer
