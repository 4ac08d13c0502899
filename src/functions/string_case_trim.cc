// Case mapping (upper / ucase, lower / lcase, initcap), lengths (length /
// char_length / character_length, octet_length, bit_length), trimming (trim,
// ltrim, rtrim, btrim, with or without the characters to trim) and reverse.
// ASCII batches take a byte-wise path over the whole data buffer; other text is
// mapped with ICU's full Unicode case mapping, as Java's String does (ß upper
// is SS).
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>

#include <array>

#include "functions/string_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

enum class CaseMapping { kUpper, kLower };

/// ICU's case mapping of one UTF-8 string with the root locale (Java's
/// toUpperCase / toLowerCase without a Turkish or Lithuanian locale).
void MapCaseIcu(const UCaseMap* map, CaseMapping mapping, std::string_view text, std::string* out) {
  const size_t start = out->size();
  int32_t capacity = static_cast<int32_t>(text.size() * 3 + 4);
  for (int attempt = 0; attempt < 2; ++attempt) {
    out->resize(start + static_cast<size_t>(capacity));
    UErrorCode status = U_ZERO_ERROR;
    auto fn = mapping == CaseMapping::kUpper ? ucasemap_utf8ToUpper : ucasemap_utf8ToLower;
    int32_t n = fn(map, out->data() + start, capacity, text.data(), static_cast<int32_t>(text.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      capacity = n;
      continue;
    }
    out->resize(start + (U_SUCCESS(status) ? static_cast<size_t>(n) : 0));
    if (U_FAILURE(status)) out->append(text);
    return;
  }
}

UCaseMap* RootCaseMap() {
  // Thread-safe for the mapping calls once opened (ICU's UCaseMap is read-only then).
  static UCaseMap* map = [] {
    UErrorCode status = U_ZERO_ERROR;
    return ucasemap_open("", U_TITLECASE_NO_BREAK_ADJUSTMENT | U_TITLECASE_NO_LOWERCASE, &status);
  }();
  return map;
}

/// Title case of the first character (ß is Ss) without lowercasing the rest.
void TitleCaseChar(std::string_view ch, std::string* out) {
  if (ch.size() == 1) {
    out->push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch[0]))));
    return;
  }
  char buffer[32];
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = ucasemap_utf8ToTitle(RootCaseMap(), buffer, sizeof(buffer), ch.data(), static_cast<int32_t>(ch.size()),
                                   &status);
  if (U_FAILURE(status)) {
    out->append(ch);
  } else {
    out->append(buffer, static_cast<size_t>(n));
  }
}

/// Spark's initcap: the lower-cased string with the first character of every
/// word (after a space) in title case.
void InitCap(std::string_view text, std::string* out) {
  std::string lower;
  MapCaseIcu(RootCaseMap(), CaseMapping::kLower, text, &lower);
  bool word_start = true;
  for (size_t i = 0; i < lower.size();) {
    size_t n = std::min<size_t>(Utf8CharBytes(static_cast<unsigned char>(lower[i])), lower.size() - i);
    std::string_view ch(lower.data() + i, n);
    if (word_start) {
      TitleCaseChar(ch, out);
    } else {
      out->append(ch);
    }
    word_start = ch == " ";
    i += n;
  }
}

/// upper / lower / initcap over a whole column.
StringKernelFn CaseKernel(const std::string& function) {
  return [function](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
    const int64_t rows = OutputRows(args, length);
    StringArg text(args[0]);
    if (text.is_scalar() && !text.scalar_valid()) return Datum(arrow::MakeNullScalar(arrow::utf8()));
    const std::string_view all = text.AllBytes(rows);
    StringColumnWriter out(rows, static_cast<int64_t>(all.size()));
    const bool initcap = function == "initcap";
    if (IsAscii(all)) {
      // One byte per character: map the bytes in place, offsets stay the same.
      std::string& data = out.data();
      for (int64_t i = 0; i < rows; ++i) {
        if (!text.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        std::string_view v = text.View(i);
        const size_t start = data.size();
        data.resize(start + v.size());
        char* dst = data.data() + start;
        if (function == "upper") {
          for (size_t k = 0; k < v.size(); ++k) dst[k] = static_cast<char>(v[k] >= 'a' && v[k] <= 'z' ? v[k] - 32 : v[k]);
        } else {
          for (size_t k = 0; k < v.size(); ++k) dst[k] = static_cast<char>(v[k] >= 'A' && v[k] <= 'Z' ? v[k] + 32 : v[k]);
          if (initcap) {
            for (size_t k = 0; k < v.size(); ++k) {
              if ((k == 0 || dst[k - 1] == ' ') && dst[k] >= 'a' && dst[k] <= 'z') dst[k] = static_cast<char>(dst[k] - 32);
            }
          }
        }
        out.CommitAppended();
      }
    } else {
      for (int64_t i = 0; i < rows; ++i) {
        if (!text.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        if (initcap) {
          InitCap(text.View(i), &out.data());
        } else {
          MapCaseIcu(RootCaseMap(), function == "upper" ? CaseMapping::kUpper : CaseMapping::kLower, text.View(i),
                     &out.data());
        }
        out.CommitAppended();
      }
    }
    return out.Finish(AllScalars(args));
  };
}

FunctionInfo CaseFunction(const std::string& name, std::vector<std::string> aliases, std::string usage) {
  StringFunctionSpec spec;
  spec.name = name;
  spec.aliases = std::move(aliases);
  spec.usage = std::move(usage);
  spec.kinds = {ArgKind::kString};
  spec.result_type = arrow::utf8();
  spec.make_kernel = [name](const std::vector<BoundExprPtr>&, const EvalContext&) -> Result<StringKernelFn> {
    return CaseKernel(name);
  };
  return MakeStringFunction(std::move(spec));
}

// --- lengths ----------------------------------------------------------------

enum class LengthUnit { kChars, kBytes, kBits };

FunctionInfo LengthFunction(const std::string& name, std::vector<std::string> aliases, LengthUnit unit,
                            std::string usage) {
  StringFunctionSpec spec;
  spec.name = name;
  spec.aliases = std::move(aliases);
  spec.usage = std::move(usage);
  spec.kinds = {ArgKind::kStringOrBinary};
  spec.result_type = arrow::int32();
  spec.make_kernel = [unit](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    // A binary's length is its bytes.
    const LengthUnit effective = unit == LengthUnit::kChars && args[0]->type->id() == arrow::Type::BINARY
                                     ? LengthUnit::kBytes
                                     : unit;
    return [effective](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      StringArg text(args[0]);
      if (text.is_scalar() && !text.scalar_valid()) return Datum(arrow::MakeNullScalar(arrow::int32()));
      ARROW_ASSIGN_OR_RAISE(auto values, arrow::AllocateBuffer(rows * static_cast<int64_t>(sizeof(int32_t))));
      auto* out = reinterpret_cast<int32_t*>(values->mutable_data());
      // Bytes come straight from the offsets; characters from the bytes that
      // do not continue a UTF-8 sequence.
      for (int64_t i = 0; i < rows; ++i) {
        std::string_view v = text.View(i);
        int64_t n = effective == LengthUnit::kChars ? NumChars(v) : static_cast<int64_t>(v.size());
        out[i] = static_cast<int32_t>(effective == LengthUnit::kBits ? n * 8 : n);
      }
      std::shared_ptr<arrow::Buffer> validity;
      int64_t null_count = 0;
      if (!text.is_scalar()) {
        const auto& data = *args[0].array();
        if (data.GetNullCount() > 0) {
          ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(),
                                                                      data.buffers[0]->data(), data.offset, rows));
          null_count = data.GetNullCount();
        }
      }
      auto array = arrow::MakeArray(
          arrow::ArrayData::Make(arrow::int32(), rows, {std::move(validity), std::move(values)}, null_count));
      return FinishResult(array, AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

// --- trim ---------------------------------------------------------------------

enum class TrimSide { kBoth, kLeading, kTrailing };

/// The characters to trim as a set: a byte table for ASCII, a list otherwise.
class TrimSet {
 public:
  explicit TrimSet(std::string_view chars) {
    ascii_ = IsAscii(chars);
    if (ascii_) {
      for (char c : chars) table_[static_cast<unsigned char>(c)] = true;
    } else {
      chars_ = Utf8Chars(chars);
    }
  }
  /// Bytes of the character at the start of `text` when it is to be trimmed, else 0.
  size_t MatchFront(std::string_view text) const {
    if (ascii_) return table_[static_cast<unsigned char>(text[0])] ? 1 : 0;
    for (auto c : chars_) {
      if (text.substr(0, c.size()) == c) return c.size();
    }
    return 0;
  }
  size_t MatchBack(std::string_view text) const {
    if (ascii_) return table_[static_cast<unsigned char>(text.back())] ? 1 : 0;
    for (auto c : chars_) {
      if (text.size() >= c.size() && text.substr(text.size() - c.size()) == c) return c.size();
    }
    return 0;
  }

 private:
  bool ascii_ = true;
  std::array<bool, 256> table_{};
  std::vector<std::string_view> chars_;
};

std::string_view Trim(std::string_view text, const TrimSet& set, TrimSide side) {
  if (side != TrimSide::kTrailing) {
    while (!text.empty()) {
      size_t n = set.MatchFront(text);
      if (n == 0) break;
      text.remove_prefix(n);
    }
  }
  if (side != TrimSide::kLeading) {
    while (!text.empty()) {
      size_t n = set.MatchBack(text);
      if (n == 0) break;
      text.remove_suffix(n);
    }
  }
  return text;
}

Result<Datum> TrimKernel(TrimSide side, const std::vector<Datum>& args, int64_t length) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]);
  const bool has_chars = args.size() > 1;
  StringArg chars(has_chars ? args[1] : Datum(std::make_shared<arrow::StringScalar>(" ")));
  std::optional<TrimSet> constant_set;
  if (chars.is_scalar() && chars.scalar_valid()) constant_set.emplace(chars.View(0));
  StringColumnWriter out(rows, static_cast<int64_t>(text.AllBytes(rows).size()));
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !chars.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    if (constant_set) {
      out.Append(Trim(text.View(i), *constant_set, side));
    } else {
      out.Append(Trim(text.View(i), TrimSet(chars.View(i)), side));
    }
  }
  return out.Finish(AllScalars(args));
}

/// Spark names trim(s, chars) as its SQL form TRIM(BOTH chars FROM s); btrim keeps its call form.
FunctionInfo TrimFunction(const std::string& name, TrimSide side, std::string usage) {
  StringFunctionSpec spec;
  spec.name = name;
  spec.usage = std::move(usage);
  spec.max_args = 2;
  spec.kinds = {ArgKind::kString};
  spec.result_type = arrow::utf8();
  if (name != "btrim") {
    const char* keyword = side == TrimSide::kBoth ? "BOTH" : side == TrimSide::kLeading ? "LEADING" : "TRAILING";
    spec.column_name = [keyword](const std::string& called, const std::vector<BoundExprPtr>& args) {
      if (args.size() == 1) return sql::ToLowerAscii(called) + "(" + args[0]->name + ")";
      return std::string("TRIM(") + keyword + " " + args[0]->name + " FROM " + args[1]->name + ")";
    };
  }
  // trim(chars, str) takes the characters first (Spark's StringTrim(trimStr, srcStr)
  // constructor); btrim(str, chars) takes the string first.
  const bool chars_first = name != "btrim";
  spec.make_kernel = [side, chars_first](const std::vector<BoundExprPtr>&,
                                         const EvalContext&) -> Result<StringKernelFn> {
    return [side, chars_first](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      if (chars_first && args.size() == 2) return TrimKernel(side, {args[1], args[0]}, length);
      return TrimKernel(side, args, length);
    };
  };
  return MakeStringFunction(std::move(spec));
}

// --- reverse --------------------------------------------------------------------

FunctionInfo Reverse() {
  StringFunctionSpec spec;
  spec.name = "reverse";
  spec.usage = "reverse(str) - Returns the string with its characters in reverse order.";
  spec.kinds = {ArgKind::kString};
  spec.result_type = arrow::utf8();
  spec.make_kernel = [](const std::vector<BoundExprPtr>&, const EvalContext&) -> Result<StringKernelFn> {
    return [](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::utf8(), [](std::string_view v, std::string* data) -> Result<bool> {
        const size_t start = data->size();
        data->resize(start + v.size());
        // Characters are copied whole from the back, so multi-byte ones keep their bytes' order.
        size_t write = start + v.size();
        for (size_t k = 0; k < v.size();) {
          size_t n = std::min<size_t>(Utf8CharBytes(static_cast<unsigned char>(v[k])), v.size() - k);
          write -= n;
          std::memcpy(data->data() + write, v.data() + k, n);
          k += n;
        }
        return true;
      });
    };
  };
  FunctionInfo info = MakeStringFunction(spec);
  // reverse of an array reverses its elements.
  auto bind_string = info.bind_scalar;
  info.bind_scalar = [bind_string, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                                     const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1 || args[0]->type->id() != arrow::Type::LIST) return bind_string(called, std::move(args), ctx);
    auto type = args[0]->type;
    const bool nullable = args[0]->nullable;
    std::string name = CallName(info_copy, called, args);
    auto kernel = std::make_shared<LambdaKernel>(
        [](const std::vector<Datum>& a, int64_t length, const EvalContext&) { return ReverseLists(a[0], length); });
    return plan::BoundExpr::Call("reverse", kernel, std::move(args), type, nullable, name);
  };
  return info;
}

/// quote(str): `str` in single quotes, each single quote in it after a backslash.
FunctionInfo Quote() {
  auto spec = Spec("quote", "quote(str) - Returns `str` enclosed by single quotes and each instance of single quote "
                            "in it is preceded by a backslash.",
                   1, 1, {ArgKind::kString}, arrow::utf8());
  spec.nullable = AlwaysNullable;  // a StaticInvoke in Spark
  spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    return MapStrings(args, length, arrow::utf8(), [](std::string_view v, std::string* data) -> Result<bool> {
      *data += '\'';
      for (char c : v) {
        if (c == '\'') *data += '\\';
        *data += c;
      }
      *data += '\'';
      return true;
    });
  });
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void LowerCaseUtf8(std::string_view text, std::string* out) {
  if (IsAscii(text)) {
    for (char c : text) out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return;
  }
  MapCaseIcu(RootCaseMap(), CaseMapping::kLower, text, out);
}

void RegisterStringCaseTrimFunctions(FunctionRegistry& registry) {
  registry.Add(CaseFunction("upper", {"ucase"}, "upper(str) - Returns `str` with all characters changed to uppercase."));
  registry.Add(CaseFunction("lower", {"lcase"}, "lower(str) - Returns `str` with all characters changed to lowercase."));
  registry.Add(CaseFunction("initcap", {},
                            "initcap(str) - Returns `str` with the first letter of each word in uppercase."));
  registry.Add(LengthFunction("length", {"char_length", "character_length", "len"}, LengthUnit::kChars,
                              "length(expr) - Returns the character length of string data or number of bytes of "
                              "binary data."));
  registry.Add(LengthFunction("octet_length", {}, LengthUnit::kBytes,
                              "octet_length(expr) - Returns the byte length of string data or number of bytes of "
                              "binary data."));
  registry.Add(LengthFunction("bit_length", {}, LengthUnit::kBits,
                              "bit_length(expr) - Returns the bit length of string data or number of bits of binary "
                              "data."));
  registry.Add(TrimFunction("trim", TrimSide::kBoth,
                            "trim([trimStr, ]str) - Removes the leading and trailing `trimStr` (space) characters."));
  registry.Add(TrimFunction("ltrim", TrimSide::kLeading,
                            "ltrim([trimStr, ]str) - Removes the leading `trimStr` (space) characters."));
  registry.Add(TrimFunction("rtrim", TrimSide::kTrailing,
                            "rtrim([trimStr, ]str) - Removes the trailing `trimStr` (space) characters."));
  registry.Add(TrimFunction("btrim", TrimSide::kBoth,
                            "btrim(str[, trimStr]) - Removes the leading and trailing `trimStr` (space) characters."));
  registry.Add(Reverse());
  registry.Add(Quote());
}

}  // namespace sk8::functions
