// DataFrame.transpose(indexColumn): the index column's values become the
// column names and the other columns become rows, as Spark's ResolveTranspose
// does: rows with a NULL index are left out, the rest ordered by the index
// (ascending, ties in input order); the index values cast to STRING name the
// columns; the other columns are cast to their tightest common type; a first
// column `key` (never NULL) holds their names. Spark collects the input while
// analyzing, so the answer is a local relation here too.
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>

#include "analyzer/analyzer.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"

namespace sk8::analyzer {

using plan::ResolvedPlan;
using plan::ResolvedPtr;

namespace {

// spark.sql.transposeMaxValues (its default).
constexpr int64_t kTransposeMaxValues = 500;

/// Spark's findTightestCommonType of two types; nullptr when there is none.
/// Unlike WiderType, decimals of different types and STRING never widen, and an
/// integral type with FLOAT gives DOUBLE.
std::shared_ptr<arrow::DataType> TightestCommonType(const std::shared_ptr<arrow::DataType>& a,
                                                    const std::shared_ptr<arrow::DataType>& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  if (functions::NumericRank(*a) > 0 && functions::NumericRank(*b) > 0) {
    auto wider = functions::WiderNumericType(a, b);
    return wider->id() == arrow::Type::FLOAT ? arrow::float64() : wider;
  }
  const bool nested_a = arrow::is_nested(a->id()), nested_b = arrow::is_nested(b->id());
  if (nested_a && nested_b) return functions::WiderNestedType(a, b);
  return nullptr;
}

/// Scala's DataType.toString, which Spark's index-type error prints
/// ("ArrayType(IntegerType,true)").
std::string ScalaTypeString(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::LIST: {
      const auto& element = *type.field(0);
      return "ArrayType(" + ScalaTypeString(*element.type()) + "," + (element.nullable() ? "true" : "false") + ")";
    }
    case arrow::Type::MAP: {
      const auto& map = static_cast<const arrow::MapType&>(type);
      return "MapType(" + ScalaTypeString(*map.key_type()) + "," + ScalaTypeString(*map.item_type()) + "," +
             (map.item_field()->nullable() ? "true" : "false") + ")";
    }
    case arrow::Type::STRUCT: {
      std::string text = "StructType(";
      for (int i = 0; i < type.num_fields(); ++i) {
        const auto& f = *type.field(i);
        if (i > 0) text += ",";
        text += "StructField(" + f.name() + "," + ScalaTypeString(*f.type()) + "," +
                (f.nullable() ? "true" : "false") + ")";
      }
      return text + ")";
    }
    case arrow::Type::NA: return "NullType";
    case arrow::Type::INT32: return "IntegerType";
    case arrow::Type::INT64: return "LongType";
    case arrow::Type::INT16: return "ShortType";
    case arrow::Type::INT8: return "ByteType";
    case arrow::Type::DOUBLE: return "DoubleType";
    case arrow::Type::FLOAT: return "FloatType";
    case arrow::Type::BOOL: return "BooleanType";
    case arrow::Type::BINARY: return "BinaryType";
    case arrow::Type::DATE32: return "DateType";
    case arrow::Type::STRING: return "StringType";
    default: break;
  }
  if (types::IsTimestampLtz(type)) return "TimestampType";
  if (type.id() == arrow::Type::TIMESTAMP) return "TimestampNTZType";
  if (type.id() == arrow::Type::DECIMAL128) {
    const auto& d = static_cast<const arrow::Decimal128Type&>(type);
    return "DecimalType(" + std::to_string(d.precision()) + "," + std::to_string(d.scale()) + ")";
  }
  return types::SqlString(type);
}

/// Spark's AtomicType: a value with no parts (not an array, map or struct, not VOID).
bool IsAtomic(const arrow::DataType& type) {
  return !arrow::is_nested(type.id()) && type.id() != arrow::Type::NA;
}

Status InvalidIndex(const std::string& reason) {
  return AnalysisError("TRANSPOSE_INVALID_INDEX_COLUMN", {{"reason", reason}});
}

}  // namespace

Result<ResolvedPtr> Analyzer::ResolveTranspose(const plan::StatFunctionPlan& node, const ResolvedPlan& input) const {
  const int visible = input.visible_columns < 0 ? input.schema->num_fields() : input.visible_columns;
  // The index: a column of the input (the first one when none is named).
  int index = 0;
  if (!node.expressions.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(node.expressions[0], input));
    if (node.expressions[0]->kind() != plan::ExprKind::kColumn || bound->kind != plan::BoundKind::kColumnRef ||
        bound->column_index < 0 || bound->column_index >= visible) {
      return InvalidIndex("Index column must be an atomic attribute");
    }
    index = bound->column_index;
  }
  if (visible == 0) return InvalidIndex("Index column must be an atomic attribute");
  const auto& index_type = input.schema->field(index)->type();
  if (!IsAtomic(*index_type)) {
    return InvalidIndex("Index column must be of atomic type, but found: " + ScalaTypeString(*index_type));
  }
  // The other columns share their tightest common type (STRING when there are none).
  std::vector<int> values;
  std::shared_ptr<arrow::DataType> common;
  for (int i = 0; i < visible; ++i) {
    if (i == index) continue;
    values.push_back(i);
    const auto& type = input.schema->field(i)->type();
    if (!common) {
      common = type;
      continue;
    }
    auto next = TightestCommonType(common, type);
    if (!next) {
      return AnalysisError("TRANSPOSE_NO_LEAST_COMMON_TYPE", {{"dt1", "\"" + types::SqlString(*common) + "\""},
                                                              {"dt2", "\"" + types::SqlString(*type) + "\""}});
    }
    common = next;
  }
  if (!common) common = arrow::utf8();

  ARROW_ASSIGN_OR_RAISE(auto table, RunForData(node.children[0]));
  // Rows with an index, ordered by it (a stable sort: ties keep the input's order).
  auto index_column = table->column(index);
  ARROW_ASSIGN_OR_RAISE(auto present, arrow::compute::IsValid(index_column));
  ARROW_ASSIGN_OR_RAISE(auto filtered, arrow::compute::Filter(table, present));
  table = filtered.table();
  ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks());
  if (table->num_rows() > kTransposeMaxValues) {
    return AnalysisError("TRANSPOSE_EXCEED_ROW_LIMIT", {{"maxValues", std::to_string(kTransposeMaxValues)},
                                                        {"config", "spark.sql.transposeMaxValues"}});
  }
  arrow::compute::SortOptions ascending({arrow::compute::SortKey(arrow::FieldRef(index))});
  ARROW_ASSIGN_OR_RAISE(auto order, arrow::compute::SortIndices(arrow::Datum(table), ascending));
  ARROW_ASSIGN_OR_RAISE(auto sorted, arrow::compute::Take(table, order));
  table = sorted.table();
  ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks());

  arrow::StringBuilder keys;
  for (int i : values) ARROW_RETURN_NOT_OK(keys.Append(input.schema->field(i)->name()));
  ARROW_ASSIGN_OR_RAISE(auto key_array, keys.Finish());
  arrow::FieldVector fields = {arrow::field("key", arrow::utf8(), false)};
  arrow::ArrayVector arrays = {key_array};
  const int64_t rows = table->num_rows();
  if (rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto names, functions::ToSparkStrings(*table->column(index)->chunk(0), ctx_));
    const auto& name_strings = static_cast<const arrow::StringArray&>(*names);
    // Each value column cast once; output column r takes row r of each.
    std::vector<std::shared_ptr<arrow::Array>> cast_values;
    for (int i : values) {
      ARROW_ASSIGN_OR_RAISE(auto cast,
                            functions::CastDatum(arrow::Datum(table->column(i)->chunk(0)), common, false, ctx_));
      cast_values.push_back(cast.make_array());
    }
    for (int64_t r = 0; r < rows; ++r) {
      fields.push_back(arrow::field(name_strings.GetString(r), common, true));
      arrow::ArrayVector cells;
      for (const auto& column : cast_values) cells.push_back(column->Slice(r, 1));
      std::shared_ptr<arrow::Array> column;
      if (cells.empty()) {
        ARROW_ASSIGN_OR_RAISE(column, arrow::MakeEmptyArray(common));
      } else {
        ARROW_ASSIGN_OR_RAISE(column, arrow::Concatenate(cells));
      }
      arrays.push_back(column);
    }
  }
  return LocalAnswer(arrow::Table::Make(arrow::schema(fields), arrays, static_cast<int64_t>(values.size())));
}

}  // namespace sk8::analyzer
