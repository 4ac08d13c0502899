#include "sql/inline_table.h"

#include <arrow/array/builder_base.h>
#include <arrow/compute/api.h>

#include <algorithm>

#include "sql/token_stream.h"

namespace sk8::sql {

namespace {

using arrow::DataType;
using arrow::Type;

// Spark's numeric precedence for widening: tinyint < smallint < int < bigint < float < double.
int NumericRank(const DataType& type) {
  switch (type.id()) {
    case Type::INT8: return 1;
    case Type::INT16: return 2;
    case Type::INT32: return 3;
    case Type::INT64: return 4;
    case Type::FLOAT: return 5;
    case Type::DOUBLE: return 6;
    default: return 0;
  }
}

// An integral type as the decimal that holds all its values (Spark's DecimalType.forType).
std::shared_ptr<DataType> IntegralAsDecimal(const DataType& type) {
  switch (type.id()) {
    case Type::INT8: return arrow::decimal128(3, 0);
    case Type::INT16: return arrow::decimal128(5, 0);
    case Type::INT32: return arrow::decimal128(10, 0);
    default: return arrow::decimal128(20, 0);
  }
}

std::shared_ptr<DataType> WiderDecimal(const arrow::Decimal128Type& a, const arrow::Decimal128Type& b) {
  int32_t scale = std::max(a.scale(), b.scale());
  int32_t integral = std::max(a.precision() - a.scale(), b.precision() - b.scale());
  return arrow::decimal128(std::min(38, integral + scale), std::min(scale, 38));
}

// Spark's wider common type for two value types (no string promotion), or null.
std::shared_ptr<DataType> WiderType(const std::shared_ptr<DataType>& a, const std::shared_ptr<DataType>& b) {
  if (a->Equals(*b) || b->id() == Type::NA) return a;
  if (a->id() == Type::NA) return b;
  bool a_decimal = a->id() == Type::DECIMAL128;
  bool b_decimal = b->id() == Type::DECIMAL128;
  if (a_decimal || b_decimal) {
    const auto& other = a_decimal ? b : a;
    if (NumericRank(*other) >= 5) return arrow::float64();
    if (NumericRank(*other) == 0 && !(a_decimal && b_decimal)) return nullptr;
    auto left = a_decimal ? a : IntegralAsDecimal(*a);
    auto right = b_decimal ? b : IntegralAsDecimal(*b);
    return WiderDecimal(static_cast<const arrow::Decimal128Type&>(*left),
                        static_cast<const arrow::Decimal128Type&>(*right));
  }
  if (NumericRank(*a) > 0 && NumericRank(*b) > 0) return NumericRank(*a) >= NumericRank(*b) ? a : b;
  return nullptr;
}

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
      type = WiderType(type, row[c]->type);
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

}  // namespace sk8::sql
