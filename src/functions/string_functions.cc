// String functions: startswith, endswith, contains (also Column.startswith & co.);
// substring / substr(str, pos[, len]) with Spark's rules
// (UTF8String.substringSQL): positions count characters from 1, 0 means 1, a
// negative position counts from the end, and a window that starts before the
// string is cut, not shifted (substring('abc', -5, 3) is '').
#include <arrow/builder.h>

#include <limits>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {

std::string_view SubstringSql(std::string_view text, int32_t pos, int32_t length) {
  const int64_t num_chars = NumChars(text);
  int64_t start = pos > 0 ? pos - 1 : pos < 0 ? num_chars + pos : 0;
  const int64_t end = std::clamp<int64_t>(start + length, std::numeric_limits<int32_t>::min(),
                                          std::numeric_limits<int32_t>::max());
  start = std::max<int64_t>(start, 0);
  if (start >= end || start >= num_chars) return {};
  const size_t begin = ByteOffsetOfChar(text, start);
  const size_t stop = ByteOffsetOfChar(text, std::min(end, num_chars));
  return text.substr(begin, stop - begin);
}

namespace {

using arrow::Datum;
using plan::BoundExpr;

Result<Datum> SubstringKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]);
  NumericArg<arrow::Int32Type> pos(args[1]);
  NumericArg<arrow::Int32Type> len(args[2]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !pos.IsValid(i) || !len.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    out.Append(SubstringSql(text.View(i), pos.Value(i), len.Value(i)));
  }
  return out.Finish(AllScalars(args));
}

FunctionInfo Substring() {
  FunctionInfo info;
  info.name = "substring";
  info.can_fail = false;
  info.aliases = {"substr"};
  info.usage =
      "substring(str, pos[, len]) - Returns the substring of `str` that starts at `pos` and is of length `len`.";
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(info_copy.name, args.size(), 2, 3));
    if (args.size() == 2) {  // Spark fills in the length, also in the column name
      args.push_back(BoundExpr::Literal(arrow::MakeScalar(std::numeric_limits<int32_t>::max()), "2147483647"));
    }
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() == arrow::Type::BINARY) return Unsupported("substring of BINARY values");
    // Spark casts any number (and a string) to INT here, as its implicit casts do.
    ARROW_RETURN_NOT_OK(CoerceArgs(name, &args, {ArgKind::kString, ArgKind::kInt}, ctx));
    bool nullable = false;
    for (const auto& a : args) nullable |= a->nullable;
    return BoundExpr::Call(info_copy.name, std::make_shared<LambdaKernel>(SubstringKernel), std::move(args),
                           arrow::utf8(), nullable, name);
  };
  return info;
}

enum class StringMatch { kStartsWith, kEndsWith, kContains };

bool Matches(StringMatch kind, std::string_view text, std::string_view pattern) {
  switch (kind) {
    case StringMatch::kStartsWith: return text.substr(0, pattern.size()) == pattern;
    case StringMatch::kEndsWith:
      return text.size() >= pattern.size() && text.substr(text.size() - pattern.size()) == pattern;
    case StringMatch::kContains: return text.find(pattern) != std::string_view::npos;
  }
  return false;
}

std::shared_ptr<plan::ScalarKernel> StringMatchKernel(StringMatch kind) {
  return std::make_shared<LambdaKernel>([kind](const std::vector<Datum>& args, int64_t length,
                                               const EvalContext&) -> Result<Datum> {
    const int64_t rows = OutputRows(args, length);
    StringArg text(args[0]), pattern(args[1]);
    arrow::BooleanBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    for (int64_t i = 0; i < rows; ++i) {
      if (!text.IsValid(i) || !pattern.IsValid(i)) {
        builder.UnsafeAppendNull();
      } else {
        builder.UnsafeAppend(Matches(kind, text.View(i), pattern.View(i)));
      }
    }
    return FinishResult(builder.Finish(), AllScalars(args));
  });
}

FunctionInfo StringPredicate(std::string name, StringMatch kind, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.can_fail = false;
  info.usage = std::move(usage);
  info.null_intolerant = true;
  info.bind_scalar = [kind, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                              const EvalContext& ctx) -> Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(info_copy.name, args.size(), 2, 2));
    std::string name = CallName(info_copy, called, args);
    // Two binaries are compared as bytes; otherwise both are strings.
    const bool binary = args[0]->type->id() == arrow::Type::BINARY && args[1]->type->id() == arrow::Type::BINARY;
    if (!binary) ARROW_RETURN_NOT_OK(CoerceArgs(name, &args, {ArgKind::kString}, ctx));
    // Spark's binary versions are StaticInvoke calls, nullable whatever their input.
    const bool nullable = binary || args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(info_copy.name, StringMatchKernel(kind), std::move(args), arrow::boolean(), nullable, name);
  };
  return info;
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& registry) {
  RegisterStringCaseTrimFunctions(registry);
  RegisterStringBuildFunctions(registry);
  RegisterStringSearchFunctions(registry);
  RegisterStringEncodingFunctions(registry);
  RegisterStringFormatFunctions(registry);
  RegisterRegexFunctions(registry);
  registry.Add(Substring());
  registry.Add(StringPredicate("startswith", StringMatch::kStartsWith,
                               "startswith(left, right) - Returns true if `left` starts with `right`."));
  registry.Add(StringPredicate("endswith", StringMatch::kEndsWith,
                               "endswith(left, right) - Returns true if `left` ends with `right`."));
  registry.Add(StringPredicate("contains", StringMatch::kContains,
                               "contains(left, right) - Returns true if `right` is found inside `left`."));
}

}  // namespace sk8::functions
