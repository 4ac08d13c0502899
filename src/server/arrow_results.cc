#include "server/arrow_results.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <arrow/util/byte_size.h>

#include "types/spark_types.h"

namespace sk8::server {

std::shared_ptr<arrow::Schema> ClientSchema(const arrow::Schema& schema, const std::string& zone) {
  arrow::FieldVector fields;
  for (const auto& f : schema.fields()) {
    if (types::IsTimestampLtz(*f->type())) {
      fields.push_back(f->WithType(arrow::timestamp(arrow::TimeUnit::MICRO, zone)));
    } else {
      fields.push_back(f);
    }
  }
  return arrow::schema(fields);
}

namespace {

Result<std::string> WriteIpc(const std::shared_ptr<arrow::RecordBatch>& batch) {
  ARROW_ASSIGN_OR_RAISE(auto sink, arrow::io::BufferOutputStream::Create());
  ARROW_ASSIGN_OR_RAISE(auto writer, arrow::ipc::MakeStreamWriter(sink, batch->schema()));
  ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  ARROW_RETURN_NOT_OK(writer->Close());
  ARROW_ASSIGN_OR_RAISE(auto buffer, sink->Finish());
  return buffer->ToString();
}

}  // namespace

Result<std::vector<IpcPiece>> SerializeForClient(const std::shared_ptr<arrow::RecordBatch>& input,
                                                 const std::string& zone, int64_t max_bytes) {
  auto schema = ClientSchema(*input->schema(), zone);
  std::shared_ptr<arrow::RecordBatch> batch = input;
  if (!schema->Equals(*input->schema())) {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int i = 0; i < input->num_columns(); ++i) {
      const auto& column = input->column(i);
      if (!column->type()->Equals(*schema->field(i)->type())) {
        ARROW_ASSIGN_OR_RAISE(auto relabelled, column->View(schema->field(i)->type()));
        columns.push_back(relabelled);
      } else {
        columns.push_back(column);
      }
    }
    batch = arrow::RecordBatch::Make(schema, input->num_rows(), columns);
  }
  std::vector<IpcPiece> pieces;
  int64_t total_size = arrow::util::TotalBufferSize(*batch);
  int64_t rows = batch->num_rows();
  int64_t rows_per_piece = rows;
  if (total_size > max_bytes && rows > 1) {
    rows_per_piece = std::max<int64_t>(1, rows * max_bytes / total_size);
  }
  if (rows == 0) {
    ARROW_ASSIGN_OR_RAISE(auto data, WriteIpc(batch));
    pieces.push_back({std::move(data), 0});
    return pieces;
  }
  for (int64_t offset = 0; offset < rows; offset += rows_per_piece) {
    auto slice = batch->Slice(offset, std::min(rows_per_piece, rows - offset));
    ARROW_ASSIGN_OR_RAISE(auto data, WriteIpc(slice));
    pieces.push_back({std::move(data), slice->num_rows()});
  }
  return pieces;
}

}  // namespace sk8::server
