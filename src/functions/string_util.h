#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "sql/token.h"

/// Shared pieces of the string function files (string_case_trim.cc,
/// string_search.cc, string_format.cc, regex_functions.cc): UTF-8 character
/// arithmetic (Spark counts characters, not bytes) and the argument checks and
/// implicit casts of Spark's string functions.
namespace sk8::functions {

// --- UTF-8 -----------------------------------------------------------------

/// Bytes of the UTF-8 sequence that starts with `lead` (1 for a stray byte, as
/// Spark's UTF8String.numBytesForFirstByte).
inline int Utf8CharBytes(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
}

/// True when no byte has its high bit set (every character is one byte).
inline bool IsAscii(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size(), i = 0;
  uint64_t any = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    any |= word;
  }
  for (; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return (any & 0x8080808080808080ULL) == 0;
}

/// Characters in a UTF-8 string (bytes that do not continue a sequence).
inline int64_t NumChars(std::string_view text) {
  int64_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// Byte offset of character `chars` (its size when past the end).
inline size_t ByteOffsetOfChar(std::string_view text, int64_t chars) {
  size_t i = 0;
  for (int64_t seen = 0; i < text.size() && seen < chars; ++seen) i += Utf8CharBytes(static_cast<unsigned char>(text[i]));
  return std::min(i, text.size());
}

/// Splits a UTF-8 string into its characters (views into `text`).
std::vector<std::string_view> Utf8Chars(std::string_view text);

/// Decodes the code point at `text[i]` and advances `i` (U+FFFD for a bad sequence).
int32_t DecodeUtf8(std::string_view text, size_t* i);
using sql::AppendUtf8;

/// Java's String.toLowerCase (full Unicode mapping, root locale), appended to `out`.
void LowerCaseUtf8(std::string_view text, std::string* out);

/// Spark's substring(text, pos, length) over characters (UTF8String.substringSQL):
/// positions from 1, 0 as 1, negative from the end, a window cut at the start.
std::string_view SubstringSql(std::string_view text, int32_t pos, int32_t length);

/// Java's MIME base64 decoder: characters outside the alphabet are skipped, '='
/// ends the input; false when the last group is a single character (Java throws).
bool DecodeBase64(std::string_view text, std::string* out);

// --- binding ---------------------------------------------------------------

/// Spark's WRONG_NUM_ARGS.WITHOUT_SUGGESTION unless min <= actual <= max
/// (max = SIZE_MAX: any number from min).
Status CheckArgCount(const std::string& function, size_t actual, size_t min, size_t max);

/// What a parameter of a string function accepts, with Spark's implicit casts.
enum class ArgKind {
  kString,          // STRING; other atomic values are cast to it
  kStringOrBinary,  // STRING or BINARY kept as is; other atomic values cast to STRING
  kBinary,          // BINARY; STRING is cast to it
  kStringOrArray,   // STRING or ARRAY<STRING> (concat_ws); other atomic values cast to STRING
  kInt,             // INT; numbers and strings are cast to it
  kLong,            // BIGINT; numbers and strings are cast to it
  kAny,             // left as it is
};

/// Casts `args` as `kinds` say (the last kind repeats for further arguments);
/// a nested type where a string is wanted answers Spark's DATATYPE_MISMATCH.
Status CoerceArgs(const std::string& sql_name, std::vector<BoundExprPtr>* args, const std::vector<ArgKind>& kinds,
                  const EvalContext& ctx);

/// A literal argument's string value; nullopt for a NULL or a non-literal.
bool LiteralString(const plan::BoundExpr& arg, std::string* out);

/// The kernel signature of the string functions.
using StringKernelFn =
    std::function<Result<arrow::Datum>(const std::vector<arrow::Datum>&, int64_t rows, const EvalContext&)>;

/// A FunctionInfo for the common shape: between `min_args` and `max_args`
/// arguments coerced as `kinds`, missing trailing ones filled from `defaults`
/// (Spark names them in the column name too), a fixed result type, NULL in any
/// argument gives NULL. `make_kernel` sees the bound arguments (to specialize on
/// literals) and returns the kernel function.
struct StringFunctionSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::string usage;
  size_t min_args = 1;
  size_t max_args = 1;
  std::vector<ArgKind> kinds;
  std::vector<BoundExprPtr> defaults;  // for arguments min_args.. (in order)
  std::shared_ptr<arrow::DataType> result_type;
  bool can_fail = false;
  bool null_intolerant = true;
  std::function<Result<StringKernelFn>(const std::vector<BoundExprPtr>& args, const EvalContext& ctx)> make_kernel;
  /// Result nullability when it is not "any argument is nullable".
  std::function<bool(const std::vector<BoundExprPtr>& args)> nullable;
  /// Column name when it is not `called(arg, ...)` (Spark's prettyName differs).
  std::function<std::string(const std::string& called, const std::vector<BoundExprPtr>& args)> column_name;
};
FunctionInfo MakeStringFunction(StringFunctionSpec spec);

/// A spec with the common fields set.
StringFunctionSpec Spec(std::string name, std::string usage, size_t min_args, size_t max_args,
                        std::vector<ArgKind> kinds, std::shared_ptr<arrow::DataType> result_type);

/// A `make_kernel` for a kernel that needs no specialization at bind time.
template <typename Fn>
auto FixedKernel(Fn fn) {
  return [fn](const std::vector<BoundExprPtr>&, const EvalContext&) -> Result<StringKernelFn> { return fn; };
}

/// Spark's functions built on StaticInvoke are nullable whatever their input.
inline bool AlwaysNullable(const std::vector<BoundExprPtr>&) { return true; }

/// A literal argument for defaults: Spark shows it in the column name as `name`.
BoundExprPtr StringLiteral(const std::string& value);
BoundExprPtr IntLiteral(int32_t value);

/// The result has as many rows as the input unless every argument is a scalar.
inline int64_t OutputRows(const std::vector<arrow::Datum>& args, int64_t length) {
  return AllScalars(args) ? 1 : length;
}

/// A string or binary column from a one-string-argument function:
/// `row(value, &out)` appends row i's result to `out` and returns true, false
/// to make the row NULL, or an error. NULL in, NULL out.
template <typename RowFn>
Result<arrow::Datum> MapStrings(const std::vector<arrow::Datum>& args, int64_t length,
                                const std::shared_ptr<arrow::DataType>& type, RowFn&& row) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]);
  StringColumnWriter out(rows, static_cast<int64_t>(text.AllBytes(rows).size()));
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    const size_t start = out.data().size();
    ARROW_ASSIGN_OR_RAISE(bool valid, row(text.View(i), &out.data()));
    if (valid) {
      out.CommitAppended();
    } else {
      out.data().resize(start);
      out.AppendNull();
    }
  }
  return out.Finish(AllScalars(args), type);
}

// --- arrays (concat and reverse also take them) -----------------------------------

/// concat over ARRAY arguments of one type: NULL when any is NULL.
Result<arrow::Datum> ConcatLists(const std::vector<arrow::Datum>& args, int64_t length,
                                 const std::shared_ptr<arrow::DataType>& type);
/// reverse of an ARRAY: its elements in reverse order.
Result<arrow::Datum> ReverseLists(const arrow::Datum& arg, int64_t length);

// Registration hooks of the string category files, called by RegisterStringFunctions.
void RegisterStringCaseTrimFunctions(FunctionRegistry& registry);
void RegisterStringBuildFunctions(FunctionRegistry& registry);
void RegisterStringSearchFunctions(FunctionRegistry& registry);
void RegisterStringEncodingFunctions(FunctionRegistry& registry);
void RegisterStringFormatFunctions(FunctionRegistry& registry);
void RegisterRegexFunctions(FunctionRegistry& registry);

}  // namespace sk8::functions
