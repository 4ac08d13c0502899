#include "functions/collection_util.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <cstring>

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>

#include "functions/cast.h"
#include "functions/kernel_util.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {

std::shared_ptr<arrow::DataType> ArrayOf(std::shared_ptr<arrow::DataType> element, bool contains_null) {
  return arrow::list(arrow::field("element", std::move(element), contains_null));
}

std::shared_ptr<arrow::DataType> MapOf(std::shared_ptr<arrow::DataType> key, std::shared_ptr<arrow::DataType> value,
                                       bool value_contains_null) {
  return std::make_shared<arrow::MapType>(arrow::field("key", std::move(key), false),
                                          arrow::field("value", std::move(value), value_contains_null));
}

const std::shared_ptr<arrow::DataType>& ElementType(const arrow::DataType& array_type) {
  return static_cast<const arrow::ListType&>(array_type).value_type();
}

bool ContainsNull(const arrow::DataType& array_type) {
  return static_cast<const arrow::ListType&>(array_type).value_field()->nullable();
}

std::shared_ptr<arrow::Array> ArrayArgument(const arrow::Datum& datum, int64_t rows) {
  if (datum.is_array()) return datum.make_array();
  return *arrow::MakeArrayFromScalar(*datum.scalar(), rows);
}

std::shared_ptr<arrow::ListArray> ListArgument(const arrow::Datum& datum, int64_t rows) {
  return std::static_pointer_cast<arrow::ListArray>(ArrayArgument(datum, rows));
}

std::shared_ptr<arrow::MapArray> MapArgument(const arrow::Datum& datum, int64_t rows) {
  return std::static_pointer_cast<arrow::MapArray>(ArrayArgument(datum, rows));
}

int64_t ResultRows(const std::vector<arrow::Datum>& args, int64_t length) { return AllScalars(args) ? 1 : length; }

namespace {

template <typename T>
int CompareNumbers(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (a == b) return 0;  // -0.0 = 0.0
    bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  }
  return a < b ? -1 : (a > b ? 1 : 0);
}

template <typename ArrayType>
ValueOrder NumberOrder(const arrow::Array& values) {
  const auto* raw = static_cast<const ArrayType&>(values).raw_values();
  return [raw](int64_t i, int64_t j) { return CompareNumbers(raw[i], raw[j]); };
}

// Orders two positions of possibly-NULL children: NULL first.
int CompareNullable(const arrow::Array& values, const ValueOrder& order, int64_t i, int64_t j) {
  bool ni = values.IsNull(i), nj = values.IsNull(j);
  if (ni || nj) return ni == nj ? 0 : (ni ? -1 : 1);
  return order(i, j);
}

}  // namespace

bool IsOrderable(const arrow::DataType& type) {
  if (types::IsVariant(type)) return false;
  switch (type.id()) {
    case arrow::Type::MAP: return false;
    case arrow::Type::LIST: return IsOrderable(*ElementType(type));
    case arrow::Type::STRUCT:
      for (const auto& f : type.fields()) {
        if (!IsOrderable(*f->type())) return false;
      }
      return true;
    default: return true;
  }
}

ValueOrder MakeValueOrder(const arrow::Array& values) {
  switch (values.type_id()) {
    case arrow::Type::BOOL: {
      const auto& b = static_cast<const arrow::BooleanArray&>(values);
      return [&b](int64_t i, int64_t j) { return static_cast<int>(b.Value(i)) - static_cast<int>(b.Value(j)); };
    }
    case arrow::Type::INT8: return NumberOrder<arrow::Int8Array>(values);
    case arrow::Type::INT16: return NumberOrder<arrow::Int16Array>(values);
    case arrow::Type::INT32:
    case arrow::Type::DATE32: return NumberOrder<arrow::Int32Array>(values);
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME64:
    case arrow::Type::DURATION: return NumberOrder<arrow::Int64Array>(values);
    case arrow::Type::INTERVAL_MONTHS: return NumberOrder<arrow::Int32Array>(values);
    case arrow::Type::FLOAT: return NumberOrder<arrow::FloatArray>(values);
    case arrow::Type::DOUBLE: return NumberOrder<arrow::DoubleArray>(values);
    case arrow::Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::Decimal128Array&>(values);
      return [&d](int64_t i, int64_t j) {
        arrow::Decimal128 a(d.GetValue(i)), b(d.GetValue(j));
        return a < b ? -1 : (b < a ? 1 : 0);
      };
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      const auto& s = static_cast<const arrow::BinaryArray&>(values);
      return [&s](int64_t i, int64_t j) {
        int c = s.GetView(i).compare(s.GetView(j));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      };
    }
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(values);
      auto inner = MakeValueOrder(*list.values());
      return [&list, inner](int64_t i, int64_t j) {
        const auto& elements = *list.values();
        int64_t a = list.value_offset(i), an = list.value_length(i);
        int64_t b = list.value_offset(j), bn = list.value_length(j);
        for (int64_t k = 0; k < std::min(an, bn); ++k) {
          int c = CompareNullable(elements, inner, a + k, b + k);
          if (c) return c;
        }
        return an < bn ? -1 : (an > bn ? 1 : 0);
      };
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(values);
      std::vector<ValueOrder> fields;
      for (int f = 0; f < st.num_fields(); ++f) fields.push_back(MakeValueOrder(*st.field(f)));
      return [&st, fields](int64_t i, int64_t j) {
        for (size_t f = 0; f < fields.size(); ++f) {
          int c = CompareNullable(*st.field(static_cast<int>(f)), fields[f], i, j);
          if (c) return c;
        }
        return 0;
      };
    }
    default: return [](int64_t, int64_t) { return 0; };
  }
}

void AppendValueKey(const arrow::Array& values, int64_t i, std::string* key) {
  auto append = [key](const void* p, size_t n) { key->append(static_cast<const char*>(p), n); };
  switch (values.type_id()) {
    case arrow::Type::FLOAT: {
      float v = static_cast<const arrow::FloatArray&>(values).Value(i);
      if (std::isnan(v)) v = std::numeric_limits<float>::quiet_NaN();
      append(&v, sizeof v);
      return;
    }
    case arrow::Type::DOUBLE: {
      double v = static_cast<const arrow::DoubleArray&>(values).Value(i);
      if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
      append(&v, sizeof v);
      return;
    }
    case arrow::Type::BOOL: key->push_back(static_cast<const arrow::BooleanArray&>(values).Value(i) ? 1 : 0); return;
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      auto view = static_cast<const arrow::BinaryArray&>(values).GetView(i);
      uint32_t n = static_cast<uint32_t>(view.size());
      append(&n, sizeof n);
      key->append(view);
      return;
    }
    case arrow::Type::LIST:
    case arrow::Type::MAP: {
      const auto& list = static_cast<const arrow::ListArray&>(values);
      uint32_t n = static_cast<uint32_t>(list.value_length(i));
      append(&n, sizeof n);
      const auto& elements = *list.values();
      for (int64_t k = list.value_offset(i); k < list.value_offset(i + 1); ++k) {
        key->push_back(elements.IsNull(k) ? 0 : 1);
        if (elements.IsValid(k)) AppendValueKey(elements, k, key);
      }
      return;
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(values);
      for (int f = 0; f < st.num_fields(); ++f) {
        // A field's child starts at the struct's own offset.
        const auto& child = *st.field(f);
        key->push_back(child.IsNull(i) ? 0 : 1);
        if (child.IsValid(i)) AppendValueKey(child, i, key);
      }
      return;
    }
    case arrow::Type::NA: return;
    default: {
      // Fixed-width values: their bytes.
      const auto& fixed = static_cast<const arrow::FixedWidthType&>(*values.type());
      const int width = fixed.bit_width() / 8;
      const auto* data = values.data()->buffers[1]->data() + (values.offset() + i) * width;
      append(data, static_cast<size_t>(width));
    }
  }
}

Result<arrow::Datum> ListByIndices::Finish(const std::shared_ptr<arrow::DataType>& type,
                                           const std::shared_ptr<arrow::Array>& values, bool scalar_output) {
  ARROW_ASSIGN_OR_RAISE(auto elements, Elements(values));
  const int64_t rows = static_cast<int64_t>(offsets_.size()) - 1;
  validity_.resize(static_cast<size_t>(rows), 1);
  int64_t nulls = 0;
  auto bitmap = BitmapFromBytes(validity_, &nulls);
  std::shared_ptr<arrow::Array> list;
  if (type->id() == arrow::Type::MAP) {
    list = std::make_shared<arrow::MapArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets_)), elements,
                                             bitmap, nulls);
  } else {
    list = std::make_shared<arrow::ListArray>(type, rows, arrow::Buffer::FromVector(std::move(offsets_)), elements,
                                              bitmap, nulls);
  }
  return FinishResult(list, scalar_output);
}

Result<std::shared_ptr<arrow::Array>> ListByIndices::Elements(const std::shared_ptr<arrow::Array>& values) const {
  const auto count = static_cast<int64_t>(indices_.size());
  std::vector<uint8_t> valid(indices_.size());
  std::vector<int64_t> safe(indices_.size());
  for (size_t k = 0; k < indices_.size(); ++k) {
    valid[k] = indices_[k] >= 0;
    safe[k] = std::max<int64_t>(indices_[k], 0);
  }
  int64_t nulls = 0;
  auto bitmap = BitmapFromBytes(valid, &nulls);
  auto index_array = std::make_shared<arrow::Int64Array>(count, arrow::Buffer::FromVector(std::move(safe)), bitmap,
                                                         nulls);
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(arrow::Datum(values), arrow::Datum(index_array)));
  return taken.make_array();
}

std::shared_ptr<arrow::Buffer> BitmapFromBytes(const std::vector<uint8_t>& valid, int64_t* null_count) {
  const auto n = static_cast<int64_t>(valid.size());
  *null_count = 0;
  for (uint8_t v : valid) *null_count += v ? 0 : 1;
  if (*null_count == 0) return nullptr;
  std::vector<uint8_t> bits(static_cast<size_t>(arrow::bit_util::BytesForBits(n)), 0);
  for (int64_t i = 0; i < n; ++i) {
    if (valid[static_cast<size_t>(i)]) arrow::bit_util::SetBit(bits.data(), i);
  }
  return arrow::Buffer::FromVector(std::move(bits));
}

Status RequireArray(const std::string& sql_expr, int param_index, const plan::BoundExpr& arg) {
  if (arg.type->id() == arrow::Type::LIST) return Status::OK();
  return UnexpectedInputType(sql_expr, param_index, "\"ARRAY\"", arg);
}

Status RequireMap(const std::string& sql_expr, int param_index, const plan::BoundExpr& arg) {
  if (arg.type->id() == arrow::Type::MAP) return Status::OK();
  return UnexpectedInputType(sql_expr, param_index, "\"MAP\"", arg);
}

namespace {

std::shared_ptr<arrow::DataType> CommonOfTwo(const std::shared_ptr<arrow::DataType>& a,
                                             const std::shared_ptr<arrow::DataType>& b) {
  if (a->id() == arrow::Type::NA) return b;
  if (b->id() == arrow::Type::NA) return a;
  if (a->id() == arrow::Type::LIST && b->id() == arrow::Type::LIST) {
    auto element = CommonOfTwo(ElementType(*a), ElementType(*b));
    return element ? ArrayOf(element, ContainsNull(*a) || ContainsNull(*b)) : nullptr;
  }
  if (a->id() == arrow::Type::MAP && b->id() == arrow::Type::MAP) {
    const auto& x = static_cast<const arrow::MapType&>(*a);
    const auto& y = static_cast<const arrow::MapType&>(*b);
    auto key = CommonOfTwo(x.key_type(), y.key_type());
    auto value = CommonOfTwo(x.item_type(), y.item_type());
    if (!key || !value) return nullptr;
    return MapOf(key, value, x.item_field()->nullable() || y.item_field()->nullable());
  }
  if (a->id() == arrow::Type::STRUCT && b->id() == arrow::Type::STRUCT) {
    if (a->num_fields() != b->num_fields()) return nullptr;
    arrow::FieldVector fields;
    for (int f = 0; f < a->num_fields(); ++f) {
      auto type = CommonOfTwo(a->field(f)->type(), b->field(f)->type());
      if (!type) return nullptr;
      fields.push_back(arrow::field(a->field(f)->name(), type, a->field(f)->nullable() || b->field(f)->nullable()));
    }
    return arrow::struct_(fields);
  }
  auto wider = WiderType(a, b);
  if (wider) return wider;
  // A string beside an atomic value: Spark's findWiderCommonType promotes to STRING.
  bool sa = types::IsStringLike(*a), sb = types::IsStringLike(*b);
  if (sa != sb && !arrow::is_nested((sa ? b : a)->id()) && (sa ? b : a)->id() != arrow::Type::BINARY) {
    return arrow::utf8();
  }
  return nullptr;
}

}  // namespace

std::shared_ptr<arrow::DataType> CommonElementType(const std::vector<std::shared_ptr<arrow::DataType>>& types) {
  std::shared_ptr<arrow::DataType> common = arrow::null();
  for (const auto& t : types) {
    common = CommonOfTwo(common, t);
    if (!common) return nullptr;
  }
  return common;
}

Result<BoundExprPtr> CoerceTo(BoundExprPtr arg, const std::shared_ptr<arrow::DataType>& to, const EvalContext& ctx) {
  if (arg->type->Equals(*to)) return arg;
  if (!arrow::is_nested(to->id())) return BindCast(std::move(arg), to, plan::CastMode::kDefault, true, ctx);
  auto kernel = std::make_shared<LambdaKernel>(
      [to](const std::vector<arrow::Datum>& a, int64_t length, const EvalContext& ctx) -> Result<arrow::Datum> {
        if (a[0].is_scalar() && !a[0].scalar()->is_valid) return arrow::Datum(arrow::MakeNullScalar(to));
        const bool atomic_elements = to->id() == arrow::Type::LIST && !arrow::is_nested(ElementType(*to)->id());
        if (!atomic_elements) return arrow::compute::Cast(a[0], arrow::compute::CastOptions::Safe(to));
        // Elements as Spark casts them (numbers to text as Java prints them, ...).
        auto list = ListArgument(a[0], a[0].is_scalar() ? 1 : length);
        ARROW_ASSIGN_OR_RAISE(auto values, CastDatum(list->values(), ElementType(*to), ctx.ansi, ctx));
        auto out = std::make_shared<arrow::ListArray>(to, list->length(), list->value_offsets(), values.make_array(),
                                                      list->null_bitmap(), list->null_count(), list->offset());
        return FinishResult(std::shared_ptr<arrow::Array>(out), a[0].is_scalar());
      });
  auto name = arg->name;
  bool nullable = arg->nullable;
  return plan::BoundExpr::Call("implicit_cast", kernel, {std::move(arg)}, to, nullable, name);
}


std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string CallText(const std::string& called, const std::vector<BoundExprPtr>& args,
                     const std::vector<std::string>& extra) {
  std::string out;
  for (char c : called) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i]->name;
  for (const auto& e : extra) out += ", " + e;
  return out + ")";
}

FunctionInfo ScalarInfo(std::string name, std::string usage, ScalarBinder bind, bool can_fail) {
  FunctionInfo info;
  info.name = std::move(name);
  info.usage = std::move(usage);
  info.bind_scalar = std::move(bind);
  info.can_fail = can_fail;
  return info;
}

BoundExprPtr KernelCall(const std::string& function, std::string name, std::vector<BoundExprPtr> args,
                        std::shared_ptr<arrow::DataType> type, bool nullable, LambdaKernel::Fn fn) {
  return plan::BoundExpr::Call(function, std::make_shared<LambdaKernel>(std::move(fn)), std::move(args),
                               std::move(type), nullable, std::move(name));
}

bool AnyNullable(const std::vector<BoundExprPtr>& args) {
  for (const auto& a : args) {
    if (a->nullable) return true;
  }
  return false;
}

Status CheckCount(const std::string& function, const std::vector<BoundExprPtr>& args, size_t min, size_t max) {
  if (args.size() >= min && args.size() <= max) return Status::OK();
  std::string expected = min == max ? std::to_string(min) : "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  return WrongArgumentCount(function, expected, args.size());
}

}  // namespace sk8::functions
