// XPath 1.0 over XML strings through libxml2: xpath (the matched nodes' values),
// xpath_boolean, xpath_string and the numeric forms (xpath_number / _double,
// _float, _int, _long, _short: the number() of the result narrowed as Java's
// casts do). The path is a constant compiled once per batch; the XML text is
// parsed per row with no network access and no entity expansion.
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <arrow/builder.h>

#include <cmath>
#include <cstdlib>
#include <string_view>
#include <limits>
#include <memory>

#include "functions/string_util.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

enum class XPathResult { kNodes, kBoolean, kString, kDouble, kFloat, kInt, kLong, kShort };

// libxml2 reports errors through callbacks that print to stderr by default; the
// functions turn them into statuses instead.
void IgnoreXmlError(void*, const char*, ...) {}
void IgnoreStructuredError(void*, xmlErrorPtr) {}

void QuietLibxml() {
  static const bool initialized = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialized;
  // Per thread in libxml2: set on every call.
  xmlSetGenericErrorFunc(nullptr, IgnoreXmlError);
  xmlSetStructuredErrorFunc(nullptr, IgnoreStructuredError);
}

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ContextFree {
  void operator()(xmlXPathContext* ctx) const { xmlXPathFreeContext(ctx); }
};
struct ObjectFree {
  void operator()(xmlXPathObject* obj) const { xmlXPathFreeObject(obj); }
};
struct CompFree {
  void operator()(xmlXPathCompExpr* comp) const { xmlXPathFreeCompExpr(comp); }
};

// Spark raises java.lang.RuntimeException for these, with no error class.
Status XmlError(const std::string& message) { return Status::ExecutionError(message); }

// Java's (int) / (long) of a double: NaN is 0, out-of-range values saturate.
template <typename T>
T JavaNarrow(double v) {
  if (std::isnan(v)) return 0;
  if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  if (v <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  return static_cast<T>(v);
}

// The value of a node as Java's Node.getNodeValue: the text of text, CDATA,
// comment, processing-instruction and attribute nodes; NULL for elements and
// documents.
bool NodeValue(xmlNode* node, std::string* out) {
  switch (node->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
    case XML_ATTRIBUTE_NODE: {
      xmlChar* content = xmlNodeGetContent(node);
      out->assign(content ? reinterpret_cast<const char*>(content) : "");
      xmlFree(content);
      return true;
    }
    default: return false;
  }
}

// XPath 1.0's number() of a string: optional whitespace, an optional minus,
// digits with an optional point, optional whitespace; anything else (an
// exponent too, which libxml2 would read) is NaN.
double XPathStringNumber(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t b = 0, e = s.size();
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  s = s.substr(b, e - b);
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      ++digits;
    } else if (s[i] == '.' && !point) {
      point = true;
    } else {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (digits == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(std::string(s).c_str(), nullptr);
}

// number() of a result: numbers and booleans as libxml2 has them, strings and
// node-sets (their first node's string value) by XPath 1.0's grammar.
double XPathNumber(xmlXPathObject* result) {
  if (result->type == XPATH_NUMBER || result->type == XPATH_BOOLEAN) return xmlXPathCastToNumber(result);
  xmlChar* s = xmlXPathCastToString(result);
  const double value = XPathStringNumber(s ? reinterpret_cast<const char*>(s) : "");
  xmlFree(s);
  return value;
}

std::shared_ptr<arrow::DataType> ResultType(XPathResult kind) {
  switch (kind) {
    case XPathResult::kNodes: return arrow::list(arrow::field("element", arrow::utf8(), true));
    case XPathResult::kBoolean: return arrow::boolean();
    case XPathResult::kString: return arrow::utf8();
    case XPathResult::kDouble: return arrow::float64();
    case XPathResult::kFloat: return arrow::float32();
    case XPathResult::kInt: return arrow::int32();
    case XPathResult::kLong: return arrow::int64();
    case XPathResult::kShort: return arrow::int16();
  }
  return arrow::null();
}

Result<Datum> EvaluateXPath(XPathResult kind, const std::string& path, const std::vector<Datum>& args, int64_t length) {
  QuietLibxml();
  StringArg xml(args[0]);
  const int64_t rows = OutputRows(args, length);
  const auto type = ResultType(kind);
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
  std::unique_ptr<xmlXPathCompExpr, CompFree> compiled;
  std::string value;
  for (int64_t i = 0; i < rows; ++i) {
    if (!xml.IsValid(i) || xml.View(i).empty()) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    if (!compiled) {
      compiled.reset(xmlXPathCompile(reinterpret_cast<const xmlChar*>(path.c_str())));
      if (!compiled) return XmlError("Invalid XPath '" + path + "'");
    }
    const std::string_view text = xml.View(i);
    std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                                                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    if (!doc) return XmlError("Error loading expression '" + path + "'");
    std::unique_ptr<xmlXPathContext, ContextFree> ctx(xmlXPathNewContext(doc.get()));
    if (!ctx) return Status::OutOfMemory("xmlXPathNewContext");
    ctx->node = reinterpret_cast<xmlNode*>(doc.get());  // paths start at the document, as Java's XPath
    std::unique_ptr<xmlXPathObject, ObjectFree> result(xmlXPathCompiledEval(compiled.get(), ctx.get()));
    if (!result) return XmlError("Error loading expression '" + path + "'");
    switch (kind) {
      case XPathResult::kNodes: {
        if (result->type != XPATH_NODESET) return XmlError("Error loading expression '" + path + "'");
        auto* list = static_cast<arrow::ListBuilder*>(builder.get());
        auto* strings = static_cast<arrow::StringBuilder*>(list->value_builder());
        ARROW_RETURN_NOT_OK(list->Append());
        const xmlNodeSet* nodes = result->nodesetval;
        for (int k = 0; nodes && k < nodes->nodeNr; ++k) {
          if (NodeValue(nodes->nodeTab[k], &value)) {
            ARROW_RETURN_NOT_OK(strings->Append(value));
          } else {
            ARROW_RETURN_NOT_OK(strings->AppendNull());
          }
        }
        break;
      }
      case XPathResult::kBoolean:
        ARROW_RETURN_NOT_OK(
            static_cast<arrow::BooleanBuilder*>(builder.get())->Append(xmlXPathCastToBoolean(result.get()) != 0));
        break;
      case XPathResult::kString: {
        xmlChar* s = xmlXPathCastToString(result.get());
        ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(builder.get())
                                ->Append(s ? reinterpret_cast<const char*>(s) : ""));
        xmlFree(s);
        break;
      }
      default: {
        const double number = XPathNumber(result.get());
        switch (kind) {
          case XPathResult::kDouble:
            ARROW_RETURN_NOT_OK(static_cast<arrow::DoubleBuilder*>(builder.get())->Append(number));
            break;
          case XPathResult::kFloat:
            ARROW_RETURN_NOT_OK(static_cast<arrow::FloatBuilder*>(builder.get())->Append(static_cast<float>(number)));
            break;
          case XPathResult::kInt:
            ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder*>(builder.get())->Append(JavaNarrow<int32_t>(number)));
            break;
          case XPathResult::kLong:
            ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder*>(builder.get())->Append(JavaNarrow<int64_t>(number)));
            break;
          default:  // Java's (short) of a double: through int, then the low 16 bits
            ARROW_RETURN_NOT_OK(static_cast<arrow::Int16Builder*>(builder.get())
                                    ->Append(static_cast<int16_t>(static_cast<uint16_t>(
                                        static_cast<uint32_t>(JavaNarrow<int32_t>(number))))));
            break;
        }
      }
    }
  }
  std::shared_ptr<arrow::Array> out;
  ARROW_RETURN_NOT_OK(builder->Finish(&out));
  return FinishResult(out, AllScalars(args));
}

FunctionInfo XPathFunction(const std::string& name, XPathResult kind, const std::string& usage) {
  StringFunctionSpec spec = Spec(name, usage, 2, 2, {ArgKind::kString, ArgKind::kString}, ResultType(kind));
  spec.nullable = AlwaysNullable;
  spec.can_fail = true;
  spec.make_kernel = [name, kind](const std::vector<BoundExprPtr>& args,
                                  const EvalContext&) -> Result<StringKernelFn> {
    const auto& path_arg = *args[1];
    if (path_arg.kind != plan::BoundKind::kLiteral) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"inputName", "`path`"},
                            {"inputType", "\"STRING\""},
                            {"inputExpr", "\"" + path_arg.name + "\""},
                            {"sqlExpr", "\"" + name + "(" + args[0]->name + ", " + path_arg.name + ")\""}});
    }
    std::string path;
    const bool has_path = LiteralString(path_arg, &path);
    return StringKernelFn([kind, path, has_path](const std::vector<Datum>& in, int64_t length,
                                                 const EvalContext&) -> Result<Datum> {
      if (!has_path) {  // a NULL path: every row NULL
        return Datum(arrow::MakeNullScalar(ResultType(kind)));
      }
      return EvaluateXPath(kind, path, in, length);
    });
  };
  spec.null_intolerant = false;
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterXPathFunctions(FunctionRegistry& registry) {
  registry.Add(XPathFunction("xpath", XPathResult::kNodes,
                             "xpath(xml, xpath) - Returns a string array of values within the nodes of xml that match "
                             "the XPath expression."));
  registry.Add(XPathFunction("xpath_boolean", XPathResult::kBoolean,
                             "xpath_boolean(xml, xpath) - Returns true if the XPath expression evaluates to true, or if "
                             "a matching node is found."));
  registry.Add(XPathFunction("xpath_double", XPathResult::kDouble,
                             "xpath_double(xml, xpath) - Returns a double value, the value zero if no match is found, "
                             "or NaN if a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_number", XPathResult::kDouble,
                             "xpath_number(xml, xpath) - Returns a double value, the value zero if no match is found, "
                             "or NaN if a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_float", XPathResult::kFloat,
                             "xpath_float(xml, xpath) - Returns a float value, the value zero if no match is found, or "
                             "NaN if a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_int", XPathResult::kInt,
                             "xpath_int(xml, xpath) - Returns an integer value, or the value zero if no match is found, "
                             "or a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_long", XPathResult::kLong,
                             "xpath_long(xml, xpath) - Returns a long integer value, or the value zero if no match is "
                             "found, or a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_short", XPathResult::kShort,
                             "xpath_short(xml, xpath) - Returns a short integer value, or the value zero if no match "
                             "is found, or a match is found but the value is non-numeric."));
  registry.Add(XPathFunction("xpath_string", XPathResult::kString,
                             "xpath_string(xml, xpath) - Returns the text contents of the first xml node that matches "
                             "the XPath expression."));
}

}  // namespace sk8::functions
