// to_xml(struct[, options]): a struct as Spark's XML text. Fields named with the
// attribute prefix "_" are attributes of the row element, "_VALUE" its text;
// NULL fields and elements are left out; arrays repeat their element (arrays of
// arrays nest <item> elements); maps write an element per key; four spaces of
// indentation per level. Options other than rowTag and value types Spark
// formats through patterns (timestamps) answer UNSUPPORTED.
#include <arrow/array.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/kernel_util.h"
#include "functions/text_format_args.h"
#include "functions/time_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

constexpr const char* kValueTag = "_VALUE";
constexpr char kAttributePrefix = '_';

void EscapeText(std::string_view text, bool attribute, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '&') {
      *out += "&amp;";
    } else if (c == '<') {
      *out += "&lt;";
    } else if (c == '"' && attribute) {
      *out += "&quot;";
    } else if (c == '>' && i >= 2 && text[i - 1] == ']' && text[i - 2] == ']') {
      *out += "&gt;";  // "]]>" may not appear in text
    } else {
      *out += c;
    }
  }
}

/// The text of a non-null atomic value; UNSUPPORTED for types whose text
/// Spark writes through options sk8 does not read yet.
Status AtomicText(const arrow::Array& array, int64_t i, std::string* out) {
  switch (array.type_id()) {
    case arrow::Type::BOOL: *out = static_cast<const arrow::BooleanArray&>(array).Value(i) ? "true" : "false"; break;
    case arrow::Type::INT8: *out = std::to_string(static_cast<const arrow::Int8Array&>(array).Value(i)); break;
    case arrow::Type::INT16: *out = std::to_string(static_cast<const arrow::Int16Array&>(array).Value(i)); break;
    case arrow::Type::INT32: *out = std::to_string(static_cast<const arrow::Int32Array&>(array).Value(i)); break;
    case arrow::Type::INT64: *out = std::to_string(static_cast<const arrow::Int64Array&>(array).Value(i)); break;
    case arrow::Type::FLOAT: *out = FormatJavaFloat(static_cast<const arrow::FloatArray&>(array).Value(i)); break;
    case arrow::Type::DOUBLE: *out = FormatJavaDouble(static_cast<const arrow::DoubleArray&>(array).Value(i)); break;
    case arrow::Type::DECIMAL128: {
      const auto& type = static_cast<const arrow::Decimal128Type&>(*array.type());
      *out = arrow::Decimal128(static_cast<const arrow::Decimal128Array&>(array).GetValue(i)).ToString(type.scale());
      break;
    }
    case arrow::Type::STRING: *out = std::string(static_cast<const arrow::StringArray&>(array).GetView(i)); break;
    case arrow::Type::DATE32: *out = FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i)); break;
    default: return Unsupported("to_xml of " + types::SqlString(*array.type()) + " values");
  }
  return Status::OK();
}

class XmlWriter {
 public:
  explicit XmlWriter(std::string* out) : out_(out) {}

  /// An element `name` for the non-null struct value `row` of `array`.
  Status Struct(const std::string& name, const arrow::StructArray& array, int64_t row, int level) {
    const auto& type = *array.type();
    *out_ += "<" + name;
    std::string text;
    bool has_text = false;
    std::vector<int> children;
    for (int f = 0; f < type.num_fields(); ++f) {
      const std::string& field = type.field(f)->name();
      const auto& values = *array.field(f);
      const int64_t k = row;  // field() is already offset like its parent
      if (field == kValueTag) {
        if (values.IsValid(k)) {
          ARROW_RETURN_NOT_OK(AtomicText(values, k, &text));
          has_text = true;
        }
      } else if (!field.empty() && field[0] == kAttributePrefix) {
        if (values.IsValid(k)) {
          std::string value;
          ARROW_RETURN_NOT_OK(AtomicText(values, k, &value));
          *out_ += " " + field.substr(1) + "=\"";
          EscapeText(value, true, out_);
          *out_ += "\"";
        }
      } else {
        children.push_back(f);
      }
    }
    const size_t opened = out_->size();
    *out_ += ">";
    if (has_text) EscapeText(text, false, out_);
    const size_t before_children = out_->size();
    for (int f : children) {
      ARROW_RETURN_NOT_OK(Field(type.field(f)->name(), *array.field(f), row, level + 1));
    }
    const bool wrote_children = out_->size() != before_children;
    if (!has_text && !wrote_children) {
      out_->resize(opened);
      *out_ += "/>";
      return Status::OK();
    }
    if (wrote_children) NewLine(level);
    *out_ += "</" + name + ">";
    return Status::OK();
  }

  /// The value `row` of `values` as elements named `name` at `level` (none for NULL).
  Status Field(const std::string& name, const arrow::Array& values, int64_t row, int level) {
    if (values.IsNull(row)) return Status::OK();
    switch (values.type_id()) {
      case arrow::Type::LIST: {
        const auto& list = static_cast<const arrow::ListArray&>(values);
        const auto& elements = *list.values();
        for (int64_t k = list.value_offset(row); k < list.value_offset(row + 1); ++k) {
          if (elements.IsNull(k)) continue;
          if (elements.type_id() == arrow::Type::LIST) {
            // An array inside an array: one element holding <item>s.
            NewLine(level);
            *out_ += "<" + name + ">";
            const size_t before = out_->size();
            ARROW_RETURN_NOT_OK(Field("item", elements, k, level + 1));
            if (out_->size() == before) {
              out_->resize(before - 1);
              *out_ += "/>";
              continue;
            }
            NewLine(level);
            *out_ += "</" + name + ">";
          } else {
            ARROW_RETURN_NOT_OK(Field(name, elements, k, level));
          }
        }
        return Status::OK();
      }
      case arrow::Type::STRUCT:
        NewLine(level);
        return Struct(name, static_cast<const arrow::StructArray&>(values), row, level);
      case arrow::Type::MAP: {
        const auto& map = static_cast<const arrow::MapArray&>(values);
        NewLine(level);
        *out_ += "<" + name + ">";
        const size_t before = out_->size();
        for (int64_t k = map.value_offset(row); k < map.value_offset(row + 1); ++k) {
          std::string key;
          ARROW_RETURN_NOT_OK(AtomicText(*map.keys(), k, &key));
          ARROW_RETURN_NOT_OK(Field(key, *map.items(), k, level + 1));
        }
        if (out_->size() == before) {
          out_->resize(before - 1);
          *out_ += "/>";
          return Status::OK();
        }
        NewLine(level);
        *out_ += "</" + name + ">";
        return Status::OK();
      }
      default: {
        std::string text;
        ARROW_RETURN_NOT_OK(AtomicText(values, row, &text));
        NewLine(level);
        *out_ += "<" + name + ">";
        EscapeText(text, false, out_);
        *out_ += "</" + name + ">";
        return Status::OK();
      }
    }
  }

 private:
  void NewLine(int level) {
    *out_ += "\n";
    out_->append(static_cast<size_t>(level) * 4, ' ');
  }

  std::string* out_;
};

FunctionInfo ToXml() {
  return ScalarInfo(
      "to_xml", "to_xml(expr[, options]) - Returns a XML string with a given struct value",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("to_xml", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        if (args[0]->type->id() != arrow::Type::STRUCT || types::IsGeo(*args[0]->type)) {
          return UnexpectedInputType(name, 0, "\"STRUCT\"", *args[0]);
        }
        std::string row_tag = "ROW";
        if (args.size() > 1) {
          ARROW_ASSIGN_OR_RAISE(auto options, OptionsArgument(*args[1], ctx));
          row_tag = options.GetOr("rowTag", "ROW");
          // Options that change the text are not read yet.
          for (const char* option : {"indent", "attributePrefix", "valueTag", "nullValue", "arrayElementName",
                                     "rootTag", "declaration", "timestampFormat", "timestampNTZFormat",
                                     "dateFormat", "compression", "locale", "timeZone"}) {
            if (options.Get(option)) return Unsupported(std::string("the to_xml option ") + option);
          }
        }
        return KernelCall("to_xml", name, {args[0]}, arrow::utf8(), true,
                          [row_tag](const std::vector<Datum>& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const bool scalar = AllScalars(a);
                            const int64_t rows = scalar ? 1 : length;
                            std::shared_ptr<arrow::Array> values;
                            if (a[0].is_scalar()) {
                              ARROW_ASSIGN_OR_RAISE(values, arrow::MakeArrayFromScalar(*a[0].scalar(), 1));
                            } else {
                              values = a[0].make_array();
                            }
                            const auto& structs = static_cast<const arrow::StructArray&>(*values);
                            StringColumnWriter out(rows, 0);
                            std::string text;
                            XmlWriter writer(&text);
                            for (int64_t i = 0; i < rows; ++i) {
                              if (structs.IsNull(i)) {
                                out.AppendNull();
                                continue;
                              }
                              text.clear();
                              ARROW_RETURN_NOT_OK(writer.Struct(row_tag, structs, i, 0));
                              out.Append(text);
                            }
                            return out.Finish(scalar, arrow::utf8());
                          });
      },
      /*can_fail=*/true);
}

}  // namespace

void RegisterXmlFunctions(FunctionRegistry& registry) { registry.Add(ToXml()); }

}  // namespace sk8::functions
