#include "exec/physical_operator.h"

#include <arrow/device.h>

namespace sk8::exec {

GlobalSinkState* ExecContext::SinkStateOf(const PhysicalOperator* op) {
  std::lock_guard<std::mutex> lock(sink_states_mutex);
  auto it = sink_states.find(op);
  return it == sink_states.end() ? nullptr : it->second.get();
}

Result<std::unique_ptr<GlobalSourceState>> PhysicalOperator::InitSource(ExecContext&) const {
  return InternalError(name() + " is not a source");
}
Result<std::unique_ptr<LocalSourceState>> PhysicalOperator::InitLocalSource(ExecContext&, GlobalSourceState&) const {
  return std::make_unique<LocalSourceState>();
}
Result<SourceResult> PhysicalOperator::GetData(ExecContext&, GlobalSourceState&, LocalSourceState&, DataChunk*) const {
  return InternalError(name() + " is not a source");
}
Result<std::unique_ptr<OperatorState>> PhysicalOperator::InitOperator(ExecContext&) const {
  return std::make_unique<OperatorState>();
}
Result<OperatorResult> PhysicalOperator::Execute(ExecContext&, DataChunk*, OperatorState&) const {
  return InternalError(name() + " is not a streaming operator");
}
Result<std::unique_ptr<GlobalSinkState>> PhysicalOperator::InitGlobalSink(ExecContext&) const {
  return InternalError(name() + " is not a sink");
}
Result<std::unique_ptr<LocalSinkState>> PhysicalOperator::InitLocalSink(ExecContext&, GlobalSinkState&) const {
  return std::make_unique<LocalSinkState>();
}
Result<SinkResult> PhysicalOperator::Sink(ExecContext&, DataChunk&, GlobalSinkState&, LocalSinkState&) const {
  return InternalError(name() + " is not a sink");
}
Status PhysicalOperator::Combine(ExecContext&, GlobalSinkState&, LocalSinkState&) const { return Status::OK(); }
Status PhysicalOperator::Finalize(ExecContext&, GlobalSinkState&) const { return Status::OK(); }

Result<std::unique_ptr<GlobalSourceState>> BufferedSinkOperator::InitSource(ExecContext& ctx) const {
  auto state = std::make_unique<BufferedSourceState>();
  state->sink = dynamic_cast<const BufferedSinkState*>(ctx.SinkStateOf(this));
  if (state->sink == nullptr) return InternalError(name() + ": source read before its sink finished");
  return state;
}

Result<SourceResult> BufferedSinkOperator::GetData(ExecContext&, GlobalSourceState& global, LocalSourceState&,
                                                   DataChunk* out) const {
  auto& state = static_cast<BufferedSourceState&>(global);
  size_t index = state.next.fetch_add(1);
  if (index >= state.sink->output.size()) return SourceResult::kFinished;
  out->batch = state.sink->output[index];
  out->selection.reset();
  out->batch_index = static_cast<int64_t>(index);
  return SourceResult::kHaveMore;
}

namespace {

int64_t DataBytesOutsidePool(const arrow::ArrayData& data, const arrow::MemoryPool* counted) {
  int64_t bytes = 0;
  for (const auto& buffer : data.buffers) {
    if (buffer == nullptr) continue;
    const auto* cpu = dynamic_cast<const arrow::CPUMemoryManager*>(buffer->memory_manager().get());
    if (cpu != nullptr && cpu->pool() == counted) continue;
    bytes += buffer->size();
  }
  for (const auto& child : data.child_data) bytes += DataBytesOutsidePool(*child, counted);
  if (data.dictionary != nullptr) bytes += DataBytesOutsidePool(*data.dictionary, counted);
  return bytes;
}

}  // namespace

int64_t BytesOutsidePool(const arrow::RecordBatch& batch, const arrow::MemoryPool* counted) {
  int64_t bytes = 0;
  for (const auto& column : batch.column_data()) bytes += DataBytesOutsidePool(*column, counted);
  return bytes;
}

Status ReserveBatch(const ExecContext& ctx, const arrow::RecordBatch& batch, MemoryReservation* reservation) {
  return reservation->Grow(BytesOutsidePool(batch, ctx.pool));
}

namespace {
void ExplainInto(const PhysicalOperator& op, int depth, std::string* out) {
  if (depth > 0) *out += std::string((depth - 1) * 3, ' ') + "+- ";
  *out += op.name();
  std::string details = op.details();
  if (!details.empty()) *out += " " + details;
  *out += "\n";
  for (const auto& child : op.children()) ExplainInto(*child, depth + 1, out);
}
}  // namespace

std::string ExplainOperators(const PhysicalOperator& root) {
  std::string out;
  ExplainInto(root, 0, &out);
  return out;
}

}  // namespace sk8::exec
