#include "sql/inline_table.h"

#include <arrow/array/builder_base.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>

#include <algorithm>

#include "functions/kernel_util.h"
#include "functions/spark_function_docs.h"
#include "sql/token_stream.h"

namespace sk8::sql {

namespace {

using arrow::DataType;
using arrow::Type;

Result<std::shared_ptr<arrow::Array>> BuildColumn(const std::vector<std::shared_ptr<arrow::Scalar>>& values,
                                                  const std::shared_ptr<DataType>& type) {
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
  for (const auto& value : values) {
    if (!value->is_valid) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(arrow::Datum(value), type));
    ARROW_RETURN_NOT_OK(builder->AppendScalar(*cast.scalar()));
  }
  return builder->Finish();
}

// Spark's check that every row has as many values as the first (or as the names).
Status CheckRowWidths(const std::vector<std::vector<plan::ExprPtr>>& rows, size_t width) {
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != width) {
      return ParseError("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", {{"expectedNumCols", std::to_string(width)},
                                                                      {"actualNumCols", std::to_string(rows[r].size())},
                                                                      {"rowIndex", std::to_string(r)}});
    }
  }
  return Status::OK();
}

bool AllLiterals(const std::vector<std::vector<plan::ExprPtr>>& rows) {
  for (const auto& row : rows) {
    for (const auto& cell : row) {
      if (cell->kind() != plan::ExprKind::kLiteral) return false;
    }
  }
  return true;
}

std::string ColumnName(const std::vector<std::string>& column_names, size_t c) {
  return column_names.empty() ? "col" + std::to_string(c + 1) : column_names[c];
}

// Rows holding expressions (CAST(5 AS TINYINT), double('NaN'), current_date()):
// one projection of a single row per VALUES row, joined by UNION ALL, so that
// the analyzer binds and evaluates them and the union widens the column types
// as the inline table's coercion does.
plan::PlanPtr ExpressionRows(const std::vector<std::vector<plan::ExprPtr>>& rows,
                             const std::vector<std::string>& column_names) {
  plan::PlanPtr result;
  for (const auto& row : rows) {
    auto project = plan::MakeUnary<plan::ProjectPlan>(OneRowRelation());
    for (size_t c = 0; c < row.size(); ++c) {
      project->expressions.push_back(
          std::make_shared<plan::AliasExpr>(row[c], std::vector<std::string>{ColumnName(column_names, c)}));
    }
    if (!result) {
      result = project;
      continue;
    }
    auto union_all = std::make_shared<plan::SetOperationPlan>();
    union_all->op = plan::SetOperationKind::kUnion;
    union_all->is_all = true;
    union_all->children = {std::move(result), std::move(project)};
    result = std::move(union_all);
  }
  return result;
}

}  // namespace

Result<plan::PlanPtr> BuildInlineTable(const std::vector<std::vector<plan::ExprPtr>>& rows,
                                       const std::vector<std::string>& column_names) {
  size_t width = column_names.empty() ? rows.front().size() : column_names.size();
  ARROW_RETURN_NOT_OK(CheckRowWidths(rows, width));
  if (!AllLiterals(rows)) return ExpressionRows(rows, column_names);
  std::vector<std::vector<std::shared_ptr<arrow::Scalar>>> values;
  for (const auto& row : rows) {
    std::vector<std::shared_ptr<arrow::Scalar>> literals;
    for (const auto& cell : row) literals.push_back(cell->As<plan::LiteralExpr>().value);
    values.push_back(std::move(literals));
  }
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (size_t c = 0; c < width; ++c) {
    std::string name = ColumnName(column_names, c);
    std::shared_ptr<DataType> type = arrow::null();
    bool nullable = false;
    std::vector<std::shared_ptr<arrow::Scalar>> column;
    for (const auto& row : values) {
      type = functions::WiderType(type, row[c]->type);
      if (!type) return ParseError("INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE", {{"colName", QuoteIdentifier(name)}});
      nullable |= !row[c]->is_valid;
      column.push_back(row[c]);
    }
    ARROW_ASSIGN_OR_RAISE(auto array, BuildColumn(column, type));
    fields.push_back(arrow::field(name, type, nullable));
    columns.push_back(std::move(array));
  }
  auto node = std::make_shared<plan::LocalRelationPlan>();
  node->data = arrow::Table::Make(arrow::schema(fields), columns, static_cast<int64_t>(values.size()));
  return node;
}

plan::PlanPtr OneRowRelation() {
  auto node = std::make_shared<plan::LocalRelationPlan>();
  node->data = arrow::Table::Make(arrow::schema({}), std::vector<std::shared_ptr<arrow::ChunkedArray>>{}, 1);
  return node;
}

Result<plan::PlanPtr> SqlKeywordsTable(size_t argument_count) {
  if (argument_count != 0) {
    return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                         {{"functionName", "`sql_keywords`"}, {"expectedNum", "0"},
                          {"actualNum", std::to_string(argument_count)}, {"docroot", "https://spark.apache.org/docs/latest"}});
  }
  // Spark marks a keyword reserved only under ANSI mode with
  // spark.sql.ansi.enforceReservedKeywords on (off by default); sk8 answers the
  // default: none reserved.
  arrow::StringBuilder keywords;
  arrow::BooleanBuilder reserved;
  for (size_t i = 0; i < functions::kSparkSqlKeywordCount; ++i) {
    ARROW_RETURN_NOT_OK(keywords.Append(functions::kSparkSqlKeywords[i].keyword));
    ARROW_RETURN_NOT_OK(reserved.Append(false));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(2);
  ARROW_RETURN_NOT_OK(keywords.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(reserved.Finish(&columns[1]));
  auto node = std::make_shared<plan::LocalRelationPlan>();
  node->data = arrow::Table::Make(arrow::schema({arrow::field("keyword", arrow::utf8(), /*nullable=*/false),
                                                 arrow::field("reserved", arrow::boolean(), /*nullable=*/false)}),
                                  columns);
  return plan::PlanPtr(std::move(node));
}

}  // namespace sk8::sql
