#include "io/json_source.h"

namespace sk8::io {

Result<DataSourcePtr> MakeJsonSource(const SourceOptions&, std::shared_ptr<arrow::Schema>, const SourceContext&) {
  return Unsupported("reading the json format");
}

}  // namespace sk8::io
