// Searching in strings: instr, locate / position, substring_index, split_part,
// find_in_set, elt, levenshtein (with a threshold) and soundex. Positions are
// characters from 1 (UTF8String's rules); the searches run over bytes, which is
// exact for UTF-8, and convert a byte offset to characters only on a match.
#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

/// An INT column from `value(i)` where every argument of row i is valid.
template <typename ValueFn>
Result<Datum> IntPerRow(const std::vector<Datum>& args, int64_t length, const std::vector<StringArg>& strings,
                        const std::vector<NumericArg<arrow::Int32Type>>& ints, ValueFn&& value) {
  const int64_t rows = OutputRows(args, length);
  arrow::Int32Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(rows));
  for (int64_t i = 0; i < rows; ++i) {
    bool valid = true;
    for (const auto& s : strings) valid &= s.IsValid(i);
    for (const auto& n : ints) valid &= n.IsValid(i);
    if (valid) {
      builder.UnsafeAppend(value(i));
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return FinishResult(builder.Finish(), AllScalars(args));
}

/// 1-based character position of `needle` in `text` at or after character
/// `from` (0-based); 0 when absent. An empty needle is found at 1 (UTF8String.indexOf).
int32_t CharPosition(std::string_view text, std::string_view needle, int64_t from) {
  if (needle.empty()) return 1;
  const size_t start = ByteOffsetOfChar(text, from);
  const size_t at = text.find(needle, start);
  if (at == std::string_view::npos) return 0;
  return static_cast<int32_t>(NumChars(text.substr(0, at)) + 1);
}

// --- instr / locate ---------------------------------------------------------------

FunctionInfo Instr() {
  auto spec = Spec("instr", "instr(str, substr) - Returns the (1-based) index of the first occurrence of `substr`.", 2,
                   2, {ArgKind::kString}, arrow::int32());
  spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    std::vector<StringArg> s = {StringArg(args[0]), StringArg(args[1])};
    return IntPerRow(args, length, s, {}, [&](int64_t i) { return CharPosition(s[0].View(i), s[1].View(i), 0); });
  });
  return MakeStringFunction(std::move(spec));
}

/// locate(substr, str[, pos]) and position(...): 0 for a position below 1.
FunctionInfo Locate() {
  auto spec = Spec("locate", "locate(substr, str[, pos]) - Returns the position of the first occurrence of `substr` "
                             "in `str` after position `pos` (1-based).",
                   2, 3, {ArgKind::kString, ArgKind::kString, ArgKind::kInt}, arrow::int32());
  spec.aliases = {"position"};
  spec.defaults = {IntLiteral(1)};
  spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    std::vector<StringArg> s = {StringArg(args[0]), StringArg(args[1])};
    std::vector<NumericArg<arrow::Int32Type>> pos = {NumericArg<arrow::Int32Type>(args[2])};
    return IntPerRow(args, length, s, pos, [&](int64_t i) {
      const int32_t p = pos[0].Value(i);
      return p < 1 ? 0 : CharPosition(s[1].View(i), s[0].View(i), p - 1);
    });
  });
  return MakeStringFunction(std::move(spec));
}

// --- substring_index / split_part ---------------------------------------------------------

/// UTF8String.subStringIndex: the text before the count-th delimiter (from the
/// end for a negative count); occurrences may overlap.
std::string_view SubstringIndex(std::string_view text, std::string_view delim, int32_t count) {
  if (delim.empty() || count == 0) return {};
  if (count > 0) {
    size_t idx = std::string_view::npos;
    for (; count > 0; --count) {
      idx = text.find(delim, idx == std::string_view::npos ? 0 : idx + 1);
      if (idx == std::string_view::npos) return text;
    }
    return text.substr(0, idx);
  }
  if (delim.size() > text.size()) return text;
  size_t idx = text.size() - delim.size() + 1;
  for (; count < 0; ++count) {
    if (idx == 0) return text;
    idx = text.rfind(delim, idx - 1);
    if (idx == std::string_view::npos) return text;
  }
  return text.substr(idx + delim.size());
}

Result<Datum> SubstringIndexKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), delim(args[1]);
  NumericArg<arrow::Int32Type> count(args[2]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !delim.IsValid(i) || !count.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    out.Append(SubstringIndex(text.View(i), delim.View(i), count.Value(i)));
  }
  return out.Finish(AllScalars(args));
}

/// split_part: the part-th piece of `text` split at `delim` (from the end when
/// negative), '' past the end; the whole text is one piece for an empty delimiter.
Result<Datum> SplitPartKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), delim(args[1]);
  NumericArg<arrow::Int32Type> part(args[2]);
  StringColumnWriter out(rows);
  std::vector<std::string_view> pieces;
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !delim.IsValid(i) || !part.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    const int32_t n = part.Value(i);
    if (n == 0) return SparkError(SparkExceptionKind::kRuntime, "INVALID_INDEX_OF_ZERO", {});
    std::string_view v = text.View(i), d = delim.View(i);
    pieces.clear();
    if (d.empty()) {
      pieces.push_back(v);
    } else {
      size_t from = 0;
      for (size_t at = v.find(d); at != std::string_view::npos; at = v.find(d, from)) {
        pieces.push_back(v.substr(from, at - from));
        from = at + d.size();
      }
      pieces.push_back(v.substr(from));
    }
    const int64_t index = n > 0 ? n - 1 : static_cast<int64_t>(pieces.size()) + n;
    out.Append(index >= 0 && index < static_cast<int64_t>(pieces.size()) ? pieces[static_cast<size_t>(index)]
                                                                          : std::string_view{});
  }
  return out.Finish(AllScalars(args));
}

// --- find_in_set / elt -----------------------------------------------------------------

/// 1-based index of `word` in the comma-separated `list`; 0 when absent or when
/// `word` holds a comma.
int32_t FindInSet(std::string_view word, std::string_view list) {
  if (word.find(',') != std::string_view::npos) return 0;
  int32_t index = 1;
  size_t from = 0;
  while (true) {
    const size_t comma = list.find(',', from);
    const std::string_view item = list.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    if (item == word) return index;
    if (comma == std::string_view::npos) return 0;
    from = comma + 1;
    ++index;
  }
}

FunctionInfo Elt() {
  auto spec = Spec("elt", "elt(n, input1, input2, ...) - Returns the `n`-th input, e.g., returns `input2` when `n` is 2.",
                   2, SIZE_MAX, {ArgKind::kInt, ArgKind::kString}, arrow::utf8());
  spec.null_intolerant = false;
  spec.can_fail = true;
  spec.nullable = AlwaysNullable;
  spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext& ctx) -> Result<Datum> {
    const int64_t rows = OutputRows(args, length);
    NumericArg<arrow::Int32Type> index(args[0]);
    std::vector<StringArg> inputs;
    for (size_t k = 1; k < args.size(); ++k) inputs.emplace_back(args[k]);
    const int64_t count = static_cast<int64_t>(inputs.size());
    StringColumnWriter out(rows);
    for (int64_t i = 0; i < rows; ++i) {
      if (!index.IsValid(i)) {
        out.AppendNull();
        continue;
      }
      const int32_t n = index.Value(i);
      if (n < 1 || n > count) {
        if (ctx.ansi) {
          return SparkError(SparkExceptionKind::kArrayIndexOutOfBounds, "INVALID_ARRAY_INDEX",
                            {{"indexValue", std::to_string(n)}, {"arraySize", std::to_string(count)}});
        }
        out.AppendNull();
        continue;
      }
      const StringArg& chosen = inputs[static_cast<size_t>(n - 1)];
      if (chosen.IsValid(i)) {
        out.Append(chosen.View(i));
      } else {
        out.AppendNull();
      }
    }
    return out.Finish(AllScalars(args));
  });
  return MakeStringFunction(std::move(spec));
}

// --- levenshtein / soundex ---------------------------------------------------------------

/// Edit distance in characters; with a threshold, -1 once it is exceeded.
int32_t Levenshtein(std::string_view a, std::string_view b, std::optional<int32_t> threshold,
                    std::vector<std::string_view>* a_chars, std::vector<std::string_view>* b_chars,
                    std::vector<int32_t>* row) {
  const bool ascii = IsAscii(a) && IsAscii(b);
  size_t n = a.size(), m = b.size();
  if (!ascii) {
    *a_chars = Utf8Chars(a);
    *b_chars = Utf8Chars(b);
    n = a_chars->size();
    m = b_chars->size();
  }
  auto same = [&](size_t i, size_t j) { return ascii ? a[i] == b[j] : (*a_chars)[i] == (*b_chars)[j]; };
  row->resize(m + 1);
  for (size_t j = 0; j <= m; ++j) (*row)[j] = static_cast<int32_t>(j);
  for (size_t i = 1; i <= n; ++i) {
    int32_t diagonal = (*row)[0];
    (*row)[0] = static_cast<int32_t>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int32_t above = (*row)[j];
      (*row)[j] = std::min({above + 1, (*row)[j - 1] + 1, diagonal + (same(i - 1, j - 1) ? 0 : 1)});
      diagonal = above;
    }
  }
  const int32_t distance = (*row)[m];
  return threshold && distance > *threshold ? -1 : distance;
}

FunctionInfo LevenshteinFunction() {
  auto spec = Spec("levenshtein", "levenshtein(str1, str2[, threshold]) - Returns the Levenshtein distance between the "
                                  "two given strings; -1 when it exceeds `threshold`.",
                   2, 3, {ArgKind::kString, ArgKind::kString, ArgKind::kInt}, arrow::int32());
  spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    std::vector<StringArg> s = {StringArg(args[0]), StringArg(args[1])};
    std::vector<NumericArg<arrow::Int32Type>> limit;
    if (args.size() > 2) limit.emplace_back(args[2]);
    std::vector<std::string_view> a_chars, b_chars;
    std::vector<int32_t> row;
    return IntPerRow(args, length, s, limit, [&](int64_t i) {
      std::optional<int32_t> threshold;
      if (!limit.empty()) threshold = limit[0].Value(i);
      return Levenshtein(s[0].View(i), s[1].View(i), threshold, &a_chars, &b_chars, &row);
    });
  });
  return MakeStringFunction(std::move(spec));
}

/// American Soundex as UTF8String.soundex: text that does not start with an
/// ASCII letter is returned as it is; H and W do not separate equal codes.
void Soundex(std::string_view text, std::string* out) {
  static constexpr char kCodes[] = "01230127022455012623017202";  // A..Z, 7 = H/W
  auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
  if (text.empty()) return;
  const char first = upper(text[0]);
  if (first < 'A' || first > 'Z') {
    out->append(text);
    return;
  }
  char code[4] = {first, '0', '0', '0'};
  int written = 1;
  char last = kCodes[first - 'A'];
  for (size_t k = 1; k < text.size() && written < 4; ++k) {
    const char c = upper(text[k]);
    if (c < 'A' || c > 'Z') {
      last = '0';
      continue;
    }
    const char current = kCodes[c - 'A'];
    if (current == '7') continue;
    if (current != '0' && current != last) code[written++] = current;
    last = current;
  }
  out->append(code, 4);
}

}  // namespace

void RegisterStringSearchFunctions(FunctionRegistry& registry) {
  registry.Add(Instr());
  registry.Add(Locate());
  {
    auto spec = Spec("substring_index", "substring_index(str, delim, count) - Returns the substring from `str` before "
                                        "`count` occurrences of the delimiter `delim` (after, from the right, for a "
                                        "negative count).",
                     3, 3, {ArgKind::kString, ArgKind::kString, ArgKind::kInt}, arrow::utf8());
    spec.make_kernel = FixedKernel(SubstringIndexKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("split_part", "split_part(str, delimiter, partNum) - Splits `str` by `delimiter` and returns the "
                                   "requested part (1-based; negative from the end; '' past the end).",
                     3, 3, {ArgKind::kString, ArgKind::kString, ArgKind::kInt}, arrow::utf8());
    spec.can_fail = true;
    spec.nullable = AlwaysNullable;
    spec.make_kernel = FixedKernel(SplitPartKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("find_in_set", "find_in_set(str, str_array) - Returns the index (1-based) of `str` in the "
                                    "comma-delimited list `str_array`; 0 when absent or when `str` holds a comma.",
                     2, 2, {ArgKind::kString}, arrow::int32());
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      std::vector<StringArg> s = {StringArg(args[0]), StringArg(args[1])};
      return IntPerRow(args, length, s, {}, [&](int64_t i) { return FindInSet(s[0].View(i), s[1].View(i)); });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  registry.Add(Elt());
  registry.Add(LevenshteinFunction());
  {
    auto spec = Spec("soundex", "soundex(str) - Returns Soundex code of the string.", 1, 1, {ArgKind::kString},
                     arrow::utf8());
    spec.make_kernel = FixedKernel([](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
      return MapStrings(args, length, arrow::utf8(), [](std::string_view v, std::string* out) -> Result<bool> {
        Soundex(v, out);
        return true;
      });
    });
    registry.Add(MakeStringFunction(std::move(spec)));
  }
}

}  // namespace sk8::functions
