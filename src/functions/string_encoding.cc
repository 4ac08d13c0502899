// Characters and bytes: ascii, chr / char, base64 / unbase64 (Java's MIME
// coder, as Spark: 76-character lines, characters outside the alphabet
// skipped), encode / decode with Spark's charsets, to_binary / try_to_binary,
// is_valid_utf8 / make_valid_utf8 / validate_utf8 / try_validate_utf8 and
// luhn_check.
#include <array>

#include "functions/string_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

/// A column of one fixed-width value per row from `row(i)` where `valid(i)`.
template <typename ArrowType, typename ValidFn, typename RowFn>
Result<Datum> MapToValues(const std::vector<Datum>& args, int64_t length, ValidFn&& valid, RowFn&& row) {
  const int64_t rows = OutputRows(args, length);
  typename arrow::TypeTraits<ArrowType>::BuilderType builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(rows));
  for (int64_t i = 0; i < rows; ++i) {
    if (valid(i)) {
      builder.UnsafeAppend(row(i));
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return FinishResult(builder.Finish(), AllScalars(args));
}

// --- ascii / chr --------------------------------------------------------------

Result<Datum> AsciiKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  StringArg text(args[0]);
  return MapToValues<arrow::Int32Type>(
      args, length, [&](int64_t i) { return text.IsValid(i); },
      [&](int64_t i) {
        std::string_view v = text.View(i);
        if (v.empty()) return int32_t{0};
        size_t at = 0;
        return DecodeUtf8(v, &at);
      });
}

/// chr(n): the character n mod 256 (Latin-1); '' for a negative n.
Result<Datum> ChrKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  NumericArg<arrow::Int64Type> code(args[0]);
  StringColumnWriter out(rows, rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!code.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    if (code.Value(i) >= 0) AppendUtf8(static_cast<int32_t>(code.Value(i) & 0xFF), &out.data());
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

// --- base64 ---------------------------------------------------------------------

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Java's MIME encoder: padded, lines of 76 characters separated by CRLF.
void EncodeBase64(std::string_view bytes, std::string* out) {
  size_t line = 0;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    if (line == 76) {
      out->append("\r\n");
      line = 0;
    }
    uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    if (n > 1) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (n > 2) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out->push_back(kBase64Alphabet[(chunk >> 18) & 63]);
    out->push_back(kBase64Alphabet[(chunk >> 12) & 63]);
    out->push_back(n > 1 ? kBase64Alphabet[(chunk >> 6) & 63] : '=');
    out->push_back(n > 2 ? kBase64Alphabet[chunk & 63] : '=');
    line += 4;
  }
}

const std::array<int8_t, 256>& Base64Values() {
  static const auto table = [] {
    std::array<int8_t, 256> t;
    t.fill(-1);
    for (int k = 0; k < 64; ++k) t[static_cast<unsigned char>(kBase64Alphabet[k])] = static_cast<int8_t>(k);
    return t;
  }();
  return table;
}

}  // namespace

bool DecodeBase64(std::string_view text, std::string* out) {
  const auto& values = Base64Values();
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const int8_t v = values[static_cast<unsigned char>(c)];
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out->push_back(static_cast<char>(bits >> 16));
      out->push_back(static_cast<char>(bits >> 8));
      out->push_back(static_cast<char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) return false;
  if (count == 2) out->push_back(static_cast<char>(bits >> 4));
  if (count == 3) {
    out->push_back(static_cast<char>(bits >> 10));
    out->push_back(static_cast<char>(bits >> 2));
  }
  return true;
}

namespace {

/// Base64 strictly (to_binary(s, 'base64')): only the alphabet, padding at the end.
bool DecodeBase64Strict(std::string_view text, std::string* out) {
  const auto& values = Base64Values();
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  if (text.size() - end > 2) return false;
  for (size_t k = 0; k < end; ++k) {
    if (values[static_cast<unsigned char>(text[k])] < 0) return false;
  }
  return DecodeBase64(text, out);
}

// --- charsets ------------------------------------------------------------------------

enum class Charset { kUtf8, kUsAscii, kIso88591, kUtf16, kUtf16Be, kUtf16Le, kUtf32 };

constexpr const char* kCharsetNames = "iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, utf-32, utf-8";

bool ParseCharset(std::string_view name, Charset* out) {
  const std::string lower = sql::ToLowerAscii(name);
  static const std::pair<const char*, Charset> kNames[] = {
      {"utf-8", Charset::kUtf8},       {"us-ascii", Charset::kUsAscii}, {"iso-8859-1", Charset::kIso88591},
      {"utf-16", Charset::kUtf16},     {"utf-16be", Charset::kUtf16Be}, {"utf-16le", Charset::kUtf16Le},
      {"utf-32", Charset::kUtf32}};
  for (const auto& [n, c] : kNames) {
    if (lower == n) {
      *out = c;
      return true;
    }
  }
  return false;
}

Status BadCharset(const std::string& function, std::string_view name) {
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.CHARSET",
                    {{"functionName", "`" + function + "`"}, {"parameter", "`charset`"},
                     {"charset", std::string(name)}, {"charsets", kCharsetNames}});
}

Status MalformedCoding(const std::string& function, std::string_view charset) {
  return SparkError(SparkExceptionKind::kRuntime, "MALFORMED_CHARACTER_CODING",
                    {{"function", "`" + function + "`"}, {"charset", std::string(charset)}});
}

void PutUnit(uint32_t unit, int bytes, bool big_endian, std::string* out) {
  for (int k = 0; k < bytes; ++k) {
    const int shift = big_endian ? 8 * (bytes - 1 - k) : 8 * k;
    out->push_back(static_cast<char>((unit >> shift) & 0xFF));
  }
}

/// UTF-8 text in `charset`; false when a character has no encoding there.
bool EncodeText(std::string_view text, Charset charset, std::string* out) {
  if (charset == Charset::kUtf8) {
    out->append(text);
    return true;
  }
  // Java's UTF-16 encoder writes a big-endian byte-order mark first.
  if (charset == Charset::kUtf16) PutUnit(0xFEFF, 2, true, out);
  for (size_t i = 0; i < text.size();) {
    const int32_t cp = DecodeUtf8(text, &i);
    switch (charset) {
      case Charset::kUsAscii:
      case Charset::kIso88591:
        if (cp >= (charset == Charset::kUsAscii ? 0x80 : 0x100)) return false;
        out->push_back(static_cast<char>(cp));
        break;
      case Charset::kUtf32: PutUnit(static_cast<uint32_t>(cp), 4, true, out); break;
      default: {
        const bool big_endian = charset != Charset::kUtf16Le;
        if (cp >= 0x10000) {
          const uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
          PutUnit(0xD800 + (v >> 10), 2, big_endian, out);
          PutUnit(0xDC00 + (v & 0x3FF), 2, big_endian, out);
        } else {
          PutUnit(static_cast<uint32_t>(cp), 2, big_endian, out);
        }
      }
    }
  }
  return true;
}

uint32_t GetUnit(std::string_view bytes, size_t at, int n, bool big_endian) {
  uint32_t v = 0;
  for (int k = 0; k < n; ++k) {
    const uint32_t b = static_cast<unsigned char>(bytes[at + k]);
    v |= big_endian ? b << (8 * (n - 1 - k)) : b << (8 * k);
  }
  return v;
}

/// Bytes in `charset` as UTF-8; false for bytes that are not valid there.
bool DecodeText(std::string_view bytes, Charset charset, std::string* out) {
  switch (charset) {
    case Charset::kUtf8: out->append(bytes); return true;
    case Charset::kUsAscii:
    case Charset::kIso88591:
      for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (charset == Charset::kUsAscii && b >= 0x80) return false;
        AppendUtf8(b, out);
      }
      return true;
    case Charset::kUtf32:
      if (bytes.size() % 4) return false;
      for (size_t at = 0; at < bytes.size(); at += 4) AppendUtf8(static_cast<int32_t>(GetUnit(bytes, at, 4, true)), out);
      return true;
    default: break;
  }
  bool big_endian = charset != Charset::kUtf16Le;
  size_t at = 0;
  if (charset == Charset::kUtf16 && bytes.size() >= 2) {  // a byte-order mark picks the order
    const uint32_t mark = GetUnit(bytes, 0, 2, true);
    if (mark == 0xFEFF || mark == 0xFFFE) {
      big_endian = mark == 0xFEFF;
      at = 2;
    }
  }
  if ((bytes.size() - at) % 2) return false;
  for (; at < bytes.size(); at += 2) {
    uint32_t unit = GetUnit(bytes, at, 2, big_endian);
    if (unit >= 0xD800 && unit < 0xDC00 && at + 3 < bytes.size()) {
      const uint32_t low = GetUnit(bytes, at + 2, 2, big_endian);
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      at += 2;
    }
    AppendUtf8(static_cast<int32_t>(unit), out);
  }
  return true;
}

/// encode(str, charset) / decode(bin, charset); a constant charset is checked
/// when the kernel is made.
FunctionInfo CharsetFunction(bool encode) {
  std::string name = encode ? "encode" : "decode";
  auto spec = Spec(name,
                   encode ? "encode(str, charset) - Encodes `str` into a binary using `charset`."
                          : "decode(bin, charset) - Decodes `bin` into a string using `charset`.",
                   2, 2, {encode ? ArgKind::kString : ArgKind::kBinary, ArgKind::kString},
                   encode ? arrow::binary() : arrow::utf8());
  spec.can_fail = true;
  spec.nullable = AlwaysNullable;
  spec.make_kernel = [name, encode](const std::vector<BoundExprPtr>& args,
                                    const EvalContext&) -> Result<StringKernelFn> {
    std::string charset_name;
    Charset charset;
    if (LiteralString(*args[1], &charset_name) && !ParseCharset(charset_name, &charset)) {
      return BadCharset(name, charset_name);
    }
    return [name, encode](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      StringArg text(args[0]), charset_arg(args[1]);
      StringColumnWriter out(rows);
      for (int64_t i = 0; i < rows; ++i) {
        if (!text.IsValid(i) || !charset_arg.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        Charset charset;
        if (!ParseCharset(charset_arg.View(i), &charset)) return BadCharset(name, charset_arg.View(i));
        const bool ok = encode ? EncodeText(text.View(i), charset, &out.data())
                               : DecodeText(text.View(i), charset, &out.data());
        if (!ok) return MalformedCoding(name, charset_arg.View(i));
        out.CommitAppended();
      }
      return out.Finish(AllScalars(args), encode ? arrow::binary() : arrow::utf8());
    };
  };
  FunctionInfo info = MakeStringFunction(std::move(spec));
  if (!encode) {
    // decode(expr, search, result, ..., default) is Spark's CASE-like form.
    auto bind_charset = info.bind_scalar;
    info.bind_scalar = [bind_charset](const std::string& called, std::vector<BoundExprPtr> args,
                                      const EvalContext& ctx) -> Result<BoundExprPtr> {
      if (args.size() > 2) return Unsupported("decode(expr, search, result, ...) (the CASE-like form of decode)");
      return bind_charset(called, std::move(args), ctx);
    };
  }
  return info;
}

// --- to_binary -------------------------------------------------------------------------

enum class BinaryFormat { kHex, kUtf8, kBase64 };

bool DecodeHex(std::string_view text, std::string* out) {
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t k = 0;
  if (text.size() % 2) {  // an odd count: the first digit is a byte of its own
    const int d = digit(text[0]);
    if (d < 0) return false;
    out->push_back(static_cast<char>(d));
    k = 1;
  }
  for (; k < text.size(); k += 2) {
    const int hi = digit(text[k]), lo = digit(text[k + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

FunctionInfo ToBinary(bool try_mode) {
  std::string name = try_mode ? "try_to_binary" : "to_binary";
  auto spec = Spec(name,
                   name + "(str[, fmt]) - Converts `str` to a binary using `fmt` ('hex', 'utf-8', 'utf8' or "
                          "'base64'; 'hex' by default)" +
                       (try_mode ? ", NULL when it cannot." : "."),
                   1, 2, {ArgKind::kString}, arrow::binary());
  spec.can_fail = !try_mode;
  // Spark's replacements: Unhex and Encode are always nullable, UnBase64 as its input.
  spec.nullable = [try_mode](const std::vector<BoundExprPtr>& args) {
    std::string format;
    const bool base64 = args.size() > 1 && LiteralString(*args[1], &format) && sql::ToLowerAscii(format) == "base64";
    return try_mode || !base64 || args[0]->nullable;
  };
  spec.make_kernel = [name, try_mode](const std::vector<BoundExprPtr>& args,
                                      const EvalContext&) -> Result<StringKernelFn> {
    BinaryFormat format = BinaryFormat::kHex;
    std::string format_text = "hex";
    if (args.size() > 1) {
      const bool null_format = args[1]->kind == plan::BoundKind::kLiteral && !args[1]->literal->is_valid;
      if (!null_format && !LiteralString(*args[1], &format_text)) {
        return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                             {{"sqlExpr", "\"" + name + "\""}, {"inputName", "`fmt`"},
                              {"inputType", "\"STRING\""}, {"inputExpr", "\"" + args[1]->name + "\""}});
      }
      const std::string lower = sql::ToLowerAscii(format_text);
      if (null_format) {
        format_text = "";
      } else if (lower == "hex") {
        format = BinaryFormat::kHex;
      } else if (lower == "utf-8" || lower == "utf8") {
        format = BinaryFormat::kUtf8;
      } else if (lower == "base64") {
        format = BinaryFormat::kBase64;
      } else {
        std::string call = name + "(" + args[0]->name + ", " + args[1]->name + ")";
        return AnalysisError("DATATYPE_MISMATCH.INVALID_ARG_VALUE",
                             {{"sqlExpr", "\"" + call + "\""}, {"inputName", "fmt"},
                              {"inputValue", "'" + format_text + "'"}, {"requireType", "case-insensitive \"STRING\""},
                              {"validValues", "'hex', 'utf-8', 'utf8', or 'base64'"}});
      }
    }
    const bool null_format = args.size() > 1 && format_text.empty();
    const std::string upper = sql::ToUpperAscii(format_text);
    return [format, null_format, try_mode, upper](const std::vector<Datum>& args, int64_t length,
                                                  const EvalContext&) -> Result<Datum> {
      if (null_format) return Datum(arrow::MakeNullScalar(arrow::binary()));
      return MapStrings(args, length, arrow::binary(), [&](std::string_view text, std::string* out) -> Result<bool> {
        bool ok = format == BinaryFormat::kUtf8 ? (out->append(text), true)
                  : format == BinaryFormat::kHex ? DecodeHex(text, out)
                                                 : DecodeBase64Strict(text, out);
        if (ok || try_mode) return ok;
        return SparkError(SparkExceptionKind::kIllegalArgument, "CONVERSION_INVALID_INPUT",
                          {{"str", "'" + std::string(text) + "'"}, {"fmt", "'" + upper + "'"},
                           {"targetType", "\"BINARY\""}, {"suggestion", "`try_to_binary`"}});
      });
    };
  };
  spec.column_name = [name](const std::string&, const std::vector<BoundExprPtr>& args) {
    std::string out = name + "(" + args[0]->name;
    for (size_t i = 1; i < args.size(); ++i) out += ", " + args[i]->name;
    return out + ")";
  };
  return MakeStringFunction(std::move(spec));
}

// --- UTF-8 validity ------------------------------------------------------------------

/// Length of the valid UTF-8 sequence at text[i], or 0 (overlong forms,
/// surrogates and code points past U+10FFFF are invalid, as in Java).
size_t ValidSequenceAt(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t k) { return i + k < text.size() && (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;
    if (b0 == 0xED && b1 >= 0xA0) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;
    if (b0 == 0xF4 && b1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

bool IsValidUtf8(std::string_view text) {
  if (IsAscii(text)) return true;
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequenceAt(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

/// Each invalid byte becomes U+FFFD.
void MakeValidUtf8(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequenceAt(text, i);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");
      ++i;
    } else {
      out->append(text.substr(i, n));
      i += n;
    }
  }
}

enum class Utf8Check { kMakeValid, kValidate, kTryValidate };

FunctionInfo Utf8Function(const std::string& name, Utf8Check check, std::string usage) {
  auto spec = Spec(name, std::move(usage), 1, 1, {ArgKind::kString}, arrow::utf8());
  spec.can_fail = check == Utf8Check::kValidate;
  spec.nullable = AlwaysNullable;
  spec.make_kernel = FixedKernel([check](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    return MapStrings(args, length, arrow::utf8(), [check](std::string_view text, std::string* out) -> Result<bool> {
      if (check == Utf8Check::kMakeValid) {
        MakeValidUtf8(text, out);
        return true;
      }
      if (IsValidUtf8(text)) {
        out->append(text);
        return true;
      }
      if (check == Utf8Check::kTryValidate) return false;
      std::string shown;
      static const char* kHex = "0123456789ABCDEF";
      for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        shown += "\\x";
        shown += kHex[b >> 4];
        shown += kHex[b & 15];
      }
      return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_UTF8_STRING", {{"str", shown}});
    });
  });
  return MakeStringFunction(std::move(spec));
}

/// luhn_check: the Luhn checksum of a string of digits (false for anything else or '').
bool LuhnCheck(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    const char c = digits[k];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

}  // namespace

void RegisterStringEncodingFunctions(FunctionRegistry& registry) {
  {
    auto spec = Spec("ascii", "ascii(str) - Returns the numeric value of the first character of `str`.", 1, 1,
                     {ArgKind::kString}, arrow::int32());
    spec.make_kernel = FixedKernel(AsciiKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("chr", "chr(expr) - Returns the ASCII character having the binary equivalent to `expr` (mod 256).",
                     1, 1, {ArgKind::kLong}, arrow::utf8());
    spec.aliases = {"char"};
    spec.make_kernel = FixedKernel(ChrKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("base64", "base64(bin) - Converts `bin` to a base 64 string.", 1, 1, {ArgKind::kBinary},
                     arrow::utf8());
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::utf8(), [](std::string_view bytes, std::string* out) -> Result<bool> {
        EncodeBase64(bytes, out);
        return true;
      });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("unbase64", "unbase64(str) - Converts `str` from a base 64 string to binary.", 1, 1,
                     {ArgKind::kString}, arrow::binary());
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::binary(), [](std::string_view text, std::string* out) -> Result<bool> {
        if (DecodeBase64(text, out)) return true;
        return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.BASE64",
                          {{"functionName", "`unbase64`"}, {"parameter", "`str`"}});
      });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  registry.Add(CharsetFunction(true));
  registry.Add(CharsetFunction(false));
  registry.Add(ToBinary(false));
  registry.Add(ToBinary(true));
  {
    auto spec = Spec("is_valid_utf8", "is_valid_utf8(str) - Returns true if `str` is a valid UTF-8 string.", 1, 1,
                     {ArgKind::kString}, arrow::boolean());
    spec.nullable = AlwaysNullable;
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      StringArg text(args[0]);
      return MapToValues<arrow::BooleanType>(
          args, length, [&](int64_t i) { return text.IsValid(i); }, [&](int64_t i) { return IsValidUtf8(text.View(i)); });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  registry.Add(Utf8Function("make_valid_utf8", Utf8Check::kMakeValid,
                            "make_valid_utf8(str) - Replaces each invalid UTF-8 byte of `str` with U+FFFD."));
  registry.Add(Utf8Function("validate_utf8", Utf8Check::kValidate,
                            "validate_utf8(str) - Returns `str` if it is valid UTF-8, else an error."));
  registry.Add(Utf8Function("try_validate_utf8", Utf8Check::kTryValidate,
                            "try_validate_utf8(str) - Returns `str` if it is valid UTF-8, else NULL."));
  {
    auto spec = Spec("luhn_check", "luhn_check(str) - Checks that a string of digits is valid per the Luhn algorithm.",
                     1, 1, {ArgKind::kString}, arrow::boolean());
    spec.nullable = AlwaysNullable;
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      StringArg text(args[0]);
      return MapToValues<arrow::BooleanType>(
          args, length, [&](int64_t i) { return text.IsValid(i); }, [&](int64_t i) { return LuhnCheck(text.View(i)); });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
}

}  // namespace sk8::functions
