#include "exec/data_chunk.h"

#include <arrow/array.h>
#include <arrow/buffer.h>

#include "exec/gather.h"

namespace sk8::exec {

Result<std::shared_ptr<arrow::RecordBatch>> DataChunk::Materialize(arrow::MemoryPool* pool,
                                                                   const std::vector<bool>* needed) const {
  if (!selection || static_cast<int64_t>(selection->size()) == batch->num_rows()) return batch;
  if (selection->empty()) return batch->Slice(0, 0);
  // A contiguous selection is a zero-copy slice.
  const auto& sel = *selection;
  if (sel.back() - sel.front() + 1 == static_cast<int32_t>(sel.size())) {
    return batch->Slice(sel.front(), static_cast<int64_t>(sel.size()));
  }
  return GatherBatch(*batch, sel.data(), static_cast<int64_t>(sel.size()), needed, pool);
}

namespace {

void MarkColumns(const plan::BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == plan::BoundKind::kColumnRef && e.column_index >= 0 &&
      e.column_index < static_cast<int>(used->size())) {
    (*used)[e.column_index] = true;
  }
  for (const auto& arg : e.args) MarkColumns(*arg, used);
}

}  // namespace

std::vector<bool> ReferencedColumns(const std::vector<const plan::BoundExpr*>& expressions, int num_columns) {
  std::vector<bool> used(num_columns, false);
  for (const auto* e : expressions) {
    if (e == nullptr) continue;
    MarkColumns(*e, &used);
  }
  return used;
}

}  // namespace sk8::exec
