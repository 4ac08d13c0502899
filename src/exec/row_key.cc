#include "exec/row_key.h"

#include <cmath>
#include <cstring>

#include "types/spark_types.h"

namespace sk8::exec {
namespace {

template <typename T>
void AppendRaw(std::string* out, T value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

Status AppendValue(const arrow::Array& array, int64_t i, std::string* out) {
  if (array.IsNull(i)) {
    out->push_back('\0');
    return Status::OK();
  }
  out->push_back('\1');
  switch (array.type_id()) {
    case arrow::Type::BOOL: out->push_back(static_cast<const arrow::BooleanArray&>(array).Value(i) ? 1 : 0); break;
    case arrow::Type::INT8: AppendRaw(out, static_cast<const arrow::Int8Array&>(array).Value(i)); break;
    case arrow::Type::INT16: AppendRaw(out, static_cast<const arrow::Int16Array&>(array).Value(i)); break;
    case arrow::Type::INT32: AppendRaw(out, static_cast<const arrow::Int32Array&>(array).Value(i)); break;
    case arrow::Type::DATE32: AppendRaw(out, static_cast<const arrow::Date32Array&>(array).Value(i)); break;
    case arrow::Type::INT64: AppendRaw(out, static_cast<const arrow::Int64Array&>(array).Value(i)); break;
    case arrow::Type::TIMESTAMP: AppendRaw(out, static_cast<const arrow::TimestampArray&>(array).Value(i)); break;
    case arrow::Type::FLOAT: {
      float v = static_cast<const arrow::FloatArray&>(array).Value(i);
      if (std::isnan(v)) v = NAN;
      if (v == 0) v = 0;
      AppendRaw(out, v);
      break;
    }
    case arrow::Type::DOUBLE: {
      double v = static_cast<const arrow::DoubleArray&>(array).Value(i);
      if (std::isnan(v)) v = NAN;
      if (v == 0) v = 0;
      AppendRaw(out, v);
      break;
    }
    case arrow::Type::DECIMAL128: {
      const auto& dec = static_cast<const arrow::Decimal128Array&>(array);
      out->append(reinterpret_cast<const char*>(dec.GetValue(i)), 16);
      break;
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      auto view = static_cast<const arrow::BinaryArray&>(array).GetView(i);
      AppendRaw(out, static_cast<uint32_t>(view.size()));
      out->append(view.data(), view.size());
      break;
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(array);
      for (int f = 0; f < st.num_fields(); ++f) ARROW_RETURN_NOT_OK(AppendValue(*st.field(f), i, out));
      break;
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(array);
      AppendRaw(out, list.value_length(i));
      for (int64_t k = list.value_offset(i); k < list.value_offset(i) + list.value_length(i); ++k) {
        ARROW_RETURN_NOT_OK(AppendValue(*list.values(), k, out));
      }
      break;
    }
    default:
      return Unsupported("grouping by " + types::SqlString(*array.type()));
  }
  return Status::OK();
}

}  // namespace

Status EncodeRowKeys(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows,
                     std::vector<std::string>* keys) {
  keys->assign(num_rows, std::string());
  for (const auto& column : columns) {
    for (int64_t i = 0; i < num_rows; ++i) ARROW_RETURN_NOT_OK(AppendValue(*column, i, &(*keys)[i]));
  }
  return Status::OK();
}

}  // namespace sk8::exec
