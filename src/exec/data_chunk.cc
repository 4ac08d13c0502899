#include "exec/data_chunk.h"

#include <arrow/array.h>
#include <arrow/buffer.h>
#include <arrow/compute/api.h>

namespace sk8::exec {

Result<std::shared_ptr<arrow::RecordBatch>> DataChunk::Materialize(arrow::MemoryPool* pool) const {
  if (!selection || static_cast<int64_t>(selection->size()) == batch->num_rows()) return batch;
  if (selection->empty()) return batch->Slice(0, 0);
  // A contiguous selection is a zero-copy slice.
  const auto& sel = *selection;
  if (sel.back() - sel.front() + 1 == static_cast<int32_t>(sel.size())) {
    return batch->Slice(sel.front(), static_cast<int64_t>(sel.size()));
  }
  auto buffer = arrow::Buffer::Wrap(sel.data(), sel.size());
  auto indices = std::make_shared<arrow::Int32Array>(static_cast<int64_t>(sel.size()), buffer);
  arrow::compute::ExecContext exec_ctx(pool);
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(batch, indices, arrow::compute::TakeOptions::Defaults(), &exec_ctx));
  return taken.record_batch();
}

}  // namespace sk8::exec
