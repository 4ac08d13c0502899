#include "catalog/table_files.h"

#include <arrow/compute/api.h>

#include <filesystem>
#include <set>

#include "catalog/session_catalog.h"

namespace sk8::catalog {

namespace fs = std::filesystem;

Result<io::ListedFiles> TableFiles(const io::ListedFiles& listed, const std::string& root,
                                   const arrow::Schema& partition_schema,
                                   const std::vector<std::string>* registered) {
  io::ListedFiles out;
  out.partition_schema = arrow::schema(partition_schema.fields());
  std::set<std::string> allowed;
  if (registered) allowed.insert(registered->begin(), registered->end());
  const fs::path base = fs::absolute(root).lexically_normal();
  // Where each declared column is among the inferred ones (case-insensitive).
  std::vector<int> inferred_index;
  for (const auto& declared : partition_schema.fields()) {
    int index = -1;
    for (int i = 0; i < listed.partition_schema->num_fields(); ++i) {
      if (NormalizeName(listed.partition_schema->field(i)->name()) == NormalizeName(declared->name())) index = i;
    }
    inferred_index.push_back(index);
  }
  for (size_t f = 0; f < listed.files.size(); ++f) {
    std::string directory =
        fs::absolute(listed.files[f]).lexically_normal().parent_path().lexically_relative(base).generic_string();
    if (registered && !allowed.count(directory)) continue;
    std::vector<std::shared_ptr<arrow::Scalar>> values;
    for (int c = 0; c < partition_schema.num_fields(); ++c) {
      const auto& type = partition_schema.field(c)->type();
      std::shared_ptr<arrow::Scalar> value = arrow::MakeNullScalar(type);
      int i = inferred_index[c];
      if (i >= 0 && f < listed.partition_values.size() && listed.partition_values[f][i] &&
          listed.partition_values[f][i]->is_valid) {
        auto cast = arrow::compute::Cast(arrow::Datum(listed.partition_values[f][i]), type);
        if (cast.ok()) value = cast->scalar();
      }
      values.push_back(std::move(value));
    }
    out.files.push_back(listed.files[f]);
    out.partition_values.push_back(std::move(values));
  }
  return out;
}

}  // namespace sk8::catalog
