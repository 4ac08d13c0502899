// Generate (Spark's Generate of explode / posexplode / inline and their
// _outer forms; stack is planned as inline): each input row once per element
// of its collection, followed by the element's columns. Streaming: a chunk
// becomes one chunk, the input columns taken by row and the element columns
// by element (an outer generator's row without elements gets NULLs).
#include <arrow/compute/api.h>

#include "exec/expression_executor.h"
#include "exec/operators.h"
#include "functions/collection_util.h"

namespace sk8::exec {
namespace {

using Kind = plan::GeneratorSpec::Kind;

class Generate final : public PhysicalOperator {
 public:
  Generate(OperatorPtr child, plan::GeneratorSpec spec, std::shared_ptr<arrow::Schema> schema)
      : PhysicalOperator(std::move(schema), SingleChild(std::move(child))), spec_(std::move(spec)) {}

  std::string name() const override { return "Generate"; }
  std::string details() const override {
    static const char* kNames[] = {"explode", "posexplode", "inline"};
    return std::string(kNames[static_cast<int>(spec_.kind)]) + (spec_.outer ? "_outer" : "") + "(" +
           plan::ToString(*spec_.input) + ")";
  }

  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto dense, chunk->Materialize(ctx.pool));
    const int64_t rows = dense->num_rows();
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*spec_.input, *dense, ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
    const auto& list = static_cast<const arrow::ListArray&>(*array);  // a MapArray is one too
    arrow::Int64Builder parents(ctx.pool);
    arrow::Int32Builder positions(ctx.pool);
    functions::ListByIndices elements(1);
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t n = list.IsValid(i) ? list.value_length(i) : 0;
      if (n == 0 && spec_.outer) {
        ARROW_RETURN_NOT_OK(parents.Append(i));
        ARROW_RETURN_NOT_OK(positions.AppendNull());
        elements.Add(-1);
        continue;
      }
      for (int64_t k = 0; k < n; ++k) {
        ARROW_RETURN_NOT_OK(parents.Append(i));
        ARROW_RETURN_NOT_OK(positions.Append(static_cast<int32_t>(k)));
        elements.Add(list.value_offset(i) + k);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto parent_rows, parents.Finish());
    const int64_t out_rows = parent_rows->length();
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int c = 0; c < dense->num_columns(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(dense->column(c), parent_rows,
                                                             arrow::compute::TakeOptions::Defaults(), &exec_ctx));
      columns.push_back(taken.make_array());
    }
    if (spec_.kind == Kind::kPosExplode) {
      ARROW_ASSIGN_OR_RAISE(auto pos, positions.Finish());
      columns.push_back(pos);
    }
    if (array->type_id() == arrow::Type::MAP) {
      const auto& map = static_cast<const arrow::MapArray&>(*array);
      ARROW_ASSIGN_OR_RAISE(auto keys, elements.Elements(map.keys()));
      ARROW_ASSIGN_OR_RAISE(auto items, elements.Elements(map.items()));
      columns.push_back(keys);
      columns.push_back(items);
    } else {
      ARROW_ASSIGN_OR_RAISE(auto picked, elements.Elements(list.values()));
      if (spec_.kind == Kind::kInline) {
        const auto& structs = static_cast<const arrow::StructArray&>(*picked);
        for (int f = 0; f < structs.num_fields(); ++f) {
          ARROW_ASSIGN_OR_RAISE(auto field, structs.GetFlattenedField(f, ctx.pool));
          columns.push_back(field);
        }
      } else {
        columns.push_back(picked);
      }
    }
    chunk->batch = arrow::RecordBatch::Make(schema(), out_rows, std::move(columns));
    chunk->selection.reset();
    return OperatorResult::kNeedMoreInput;
  }

 private:
  plan::GeneratorSpec spec_;
};

}  // namespace

OperatorPtr MakeGenerate(OperatorPtr child, plan::GeneratorSpec spec, std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<Generate>(std::move(child), std::move(spec), std::move(schema));
}

}  // namespace sk8::exec
