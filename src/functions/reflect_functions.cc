// reflect / java_method / try_reflect: Spark calls a static Java method by
// name. sk8 has no JVM; it answers the methods people call this way that are
// pure functions of their arguments (java.util.UUID.fromString,
// scala.Predef.require) with Java's results, and names any other method in an
// UNSUPPORTED error instead of guessing.
#include <cstdio>

#include "functions/function_registry.h"
#include "functions/string_util.h"

namespace sk8::functions {
namespace {

// java.util.UUID.fromString(s).toString(): five '-'-separated hex fields
// (each at most its width in digits, as Java 17 checks), printed canonically.
bool ParseJavaUuid(std::string_view text, std::string* canonical) {
  if (text.size() > 36) return false;
  const int widths[5] = {8, 4, 4, 4, 12};
  uint64_t fields[5] = {};
  size_t start = 0;
  for (int f = 0; f < 5; ++f) {
    const size_t end = f < 4 ? text.find('-', start) : text.size();
    if (end == std::string_view::npos || end == start || end - start > static_cast<size_t>(widths[f])) return false;
    for (size_t i = start; i < end; ++i) {
      const char c = text[i];
      int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (digit < 0) return false;
      fields[f] = fields[f] * 16 + static_cast<uint64_t>(digit);
    }
    start = end + 1;
  }
  char out[37];
  std::snprintf(out, sizeof(out), "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(fields[0]),
                static_cast<unsigned long long>(fields[1]), static_cast<unsigned long long>(fields[2]),
                static_cast<unsigned long long>(fields[3]), static_cast<unsigned long long>(fields[4]));
  canonical->assign(out, 36);
  return true;
}

// A Java exception thrown by the method: reflect fails with it, try_reflect gives NULL.
Result<bool> Thrown(bool is_try, const std::string& exception) {
  if (is_try) return false;
  return SparkError(SparkExceptionKind::kInternal, "INTERNAL_ERROR",
                    {{"message", "java.lang.reflect.InvocationTargetException: " + exception}});
}

FunctionInfo ReflectFunction(const std::string& name, const std::vector<std::string>& aliases, bool is_try) {
  auto spec = Spec(name,
                   name + "(class, method[, arg1[, arg2 ..]]) - Calls a method with reflection" +
                       (is_try ? "; NULL when the method throws." : "."),
                   2, SIZE_MAX, {ArgKind::kString, ArgKind::kString, ArgKind::kAny}, arrow::utf8());
  spec.aliases = aliases;
  spec.can_fail = !is_try;
  spec.null_intolerant = false;
  spec.nullable = AlwaysNullable;
  spec.make_kernel = [name, is_try](const std::vector<BoundExprPtr>& args,
                                    const EvalContext&) -> Result<StringKernelFn> {
    std::string class_name, method;
    if (!LiteralString(*args[0], &class_name) || !LiteralString(*args[1], &method)) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", "\"" + name + "\""}, {"inputName", "`class`"},
                            {"inputType", "\"STRING\""}, {"inputExpr", "\"" + args[0]->name + "\""}});
    }
    const size_t extra = args.size() - 2;
    if (class_name == "java.util.UUID" && method == "fromString" && extra == 1 &&
        args[2]->type->id() == arrow::Type::STRING) {
      return StringKernelFn([is_try](const std::vector<arrow::Datum>& values, int64_t length, const EvalContext&) {
        return MapStrings({values[2]}, length, arrow::utf8(), [&](std::string_view text, std::string* out) {
          if (ParseJavaUuid(text, out)) return Result<bool>(true);
          return Thrown(is_try, "java.lang.IllegalArgumentException: Invalid UUID string: " + std::string(text));
        });
      });
    }
    if (class_name == "scala.Predef" && method == "require" && extra == 1 &&
        args[2]->type->id() == arrow::Type::BOOL) {
      return StringKernelFn([is_try](const std::vector<arrow::Datum>& values, int64_t length,
                                     const EvalContext&) -> Result<arrow::Datum> {
        const int64_t rows = OutputRows(values, length);
        StringColumnWriter out(rows, 4 * rows);
        auto condition = values[2];
        for (int64_t i = 0; i < rows; ++i) {
          std::shared_ptr<arrow::Scalar> value;
          if (condition.is_scalar()) {
            value = condition.scalar();
          } else {
            ARROW_ASSIGN_OR_RAISE(value, condition.make_array()->GetScalar(i));
          }
          // Java passes a NULL Boolean as false after unboxing: the requirement fails.
          const bool holds = value->is_valid && static_cast<const arrow::BooleanScalar&>(*value).value;
          if (holds) {
            out.data() += "null";  // String.valueOf of the Unit result
            out.CommitAppended();
            continue;
          }
          ARROW_ASSIGN_OR_RAISE(bool produced, Thrown(is_try, "java.lang.IllegalArgumentException: requirement failed"));
          if (!produced) out.AppendNull();
        }
        return out.Finish(AllScalars(values), arrow::utf8());
      });
    }
    return Unsupported(name + " of " + class_name + "." + method + " (sk8 runs no JVM; it answers "
                       "java.util.UUID.fromString and scala.Predef.require)");
  };
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterReflectFunctions(FunctionRegistry& registry) {
  registry.Add(ReflectFunction("reflect", {}, /*is_try=*/false));
  registry.Add(ReflectFunction("java_method", {}, /*is_try=*/false));
  registry.Add(ReflectFunction("try_reflect", {}, /*is_try=*/true));
}

}  // namespace sk8::functions
