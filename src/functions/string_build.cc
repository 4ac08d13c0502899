// Functions that build strings from pieces: concat, concat_ws, lpad, rpad,
// repeat, space, left, right, replace, overlay, translate. Lengths and
// positions count characters (UTF8String's rules), not bytes.
#include <unordered_map>

#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

// --- concat / concat_ws -----------------------------------------------------------

/// Strings or binaries end to end (the layout is the same), typed `type`.
Result<Datum> ConcatBytes(const std::vector<Datum>& args, int64_t length, const std::shared_ptr<arrow::DataType>& type) {
  const int64_t rows = OutputRows(args, length);
  std::vector<StringArg> parts;
  parts.reserve(args.size());
  int64_t bytes = 0;
  for (const auto& a : args) {
    parts.emplace_back(a);
    bytes += static_cast<int64_t>(parts.back().AllBytes(rows).size()) * (a.is_scalar() ? rows : 1);
  }
  StringColumnWriter out(rows, bytes);
  for (int64_t i = 0; i < rows; ++i) {
    bool valid = true;
    for (const auto& p : parts) valid &= p.IsValid(i);
    if (!valid) {
      out.AppendNull();
      continue;
    }
    for (const auto& p : parts) out.data().append(p.View(i));
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args), type);
}

Result<Datum> ConcatKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  return ConcatBytes(args, length, arrow::utf8());
}

/// concat of strings, of binaries (all arguments BINARY) or of arrays (all
/// arguments arrays of one type).
FunctionInfo Concat() {
  auto spec = Spec("concat", "concat(col1, col2, ..., colN) - Returns the concatenation of col1, col2, ..., colN.", 0,
                   SIZE_MAX, {ArgKind::kString}, arrow::utf8());
  spec.make_kernel = FixedKernel(ConcatKernel);
  FunctionInfo info = MakeStringFunction(spec);
  auto bind_strings = info.bind_scalar;
  info.bind_scalar = [bind_strings, info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                                      const EvalContext& ctx) -> Result<BoundExprPtr> {
    auto all = [&](arrow::Type::type id) {
      if (args.empty()) return false;
      for (const auto& a : args) {
        if (a->type->id() != id) return false;
      }
      return true;
    };
    std::shared_ptr<arrow::DataType> type;
    StringKernelFn kernel;
    if (all(arrow::Type::BINARY)) {
      type = arrow::binary();
      kernel = [](const std::vector<Datum>& a, int64_t length, const EvalContext&) {
        return ConcatBytes(a, length, arrow::binary());
      };
    } else if (all(arrow::Type::LIST)) {
      type = args[0]->type;
      for (const auto& a : args) {
        if (!a->type->Equals(*type)) return Unsupported("concat of arrays of different element types");
      }
      kernel = [type](const std::vector<Datum>& a, int64_t length, const EvalContext&) {
        return ConcatLists(a, length, type);
      };
    } else {
      return bind_strings(called, std::move(args), ctx);
    }
    bool nullable = false;
    for (const auto& a : args) nullable |= a->nullable;
    std::string name = CallName(info_copy, called, args);
    return plan::BoundExpr::Call("concat", std::make_shared<LambdaKernel>(std::move(kernel)), std::move(args), type,
                                 nullable, name);
  };
  return info;
}

/// A concat_ws argument: a string, or an array of strings whose elements are
/// all appended (NULL elements skipped, as NULL strings are).
class StringsArg {
 public:
  explicit StringsArg(const Datum& datum) {
    if (datum.type()->id() != arrow::Type::LIST) {
      text_.emplace(datum);
      return;
    }
    is_list_ = true;
    if (datum.is_scalar()) {
      const auto& scalar = static_cast<const arrow::ListScalar&>(*datum.scalar());
      scalar_list_ = scalar.is_valid;
      if (scalar.is_valid) values_.emplace(Datum(scalar.value));
      scalar_length_ = scalar.is_valid ? scalar.value->length() : 0;
    } else {
      list_ = std::static_pointer_cast<arrow::ListArray>(datum.make_array());
      values_.emplace(Datum(list_->values()));
    }
  }
  /// Calls `append(view)` for each non-NULL string of row i.
  template <typename Append>
  void ForEach(int64_t i, Append&& append) const {
    if (!is_list_) {
      if (text_->IsValid(i)) append(text_->View(i));
      return;
    }
    int64_t begin = 0, end = scalar_length_;
    if (list_) {
      if (list_->IsNull(i)) return;
      begin = list_->value_offset(i);
      end = list_->value_offset(i + 1);
    } else if (!scalar_list_) {
      return;
    }
    for (int64_t k = begin; k < end; ++k) {
      if (values_->IsValid(k)) append(values_->View(k));
    }
  }

 private:
  std::optional<StringArg> text_;
  bool is_list_ = false;
  bool scalar_list_ = false;
  int64_t scalar_length_ = 0;
  std::shared_ptr<arrow::ListArray> list_;
  std::optional<StringArg> values_;
};

/// concat_ws skips NULL values (but not a NULL separator).
Result<Datum> ConcatWsKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg separators(args[0]);
  std::vector<StringsArg> parts;
  for (size_t k = 1; k < args.size(); ++k) parts.emplace_back(args[k]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!separators.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    std::string_view separator = separators.View(i);
    bool first = true;
    for (const auto& part : parts) {
      part.ForEach(i, [&](std::string_view value) {
        if (!first) out.data().append(separator);
        out.data().append(value);
        first = false;
      });
    }
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

FunctionInfo ConcatWs() {
  auto spec = Spec("concat_ws", "concat_ws(sep[, str | array(str)]+) - Returns the concatenation of the strings "
                                "separated by `sep`, skipping null values.",
                   1, SIZE_MAX, {ArgKind::kString, ArgKind::kStringOrArray}, arrow::utf8());
  spec.null_intolerant = false;
  spec.nullable = [](const std::vector<BoundExprPtr>& args) { return args[0]->nullable; };
  spec.make_kernel = FixedKernel(ConcatWsKernel);
  return MakeStringFunction(std::move(spec));
}

// --- padding, repeat, space -----------------------------------------------------------

/// Appends `count` characters taken cyclically from `pad`.
void AppendPadding(std::string_view pad, int64_t count, std::string* out) {
  if (IsAscii(pad)) {
    for (int64_t k = 0; k < count; ++k) out->push_back(pad[static_cast<size_t>(k) % pad.size()]);
    return;
  }
  auto chars = Utf8Chars(pad);
  for (int64_t k = 0; k < count; ++k) out->append(chars[static_cast<size_t>(k) % chars.size()]);
}

/// UTF8String.lpad / rpad: cut to `len` characters, or padded up to it (an
/// empty pad leaves a shorter string as it is).
Result<Datum> PadKernel(bool left, const std::vector<Datum>& args, int64_t length) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), pad(args[2]);
  NumericArg<arrow::Int32Type> len(args[1]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !len.IsValid(i) || !pad.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    std::string_view v = text.View(i), p = pad.View(i);
    const int64_t target = std::max<int32_t>(len.Value(i), 0);
    const int64_t chars = NumChars(v);
    if (target <= chars || p.empty()) {
      out.Append(v.substr(0, ByteOffsetOfChar(v, target)));
      continue;
    }
    if (!left) out.data().append(v);
    AppendPadding(p, target - chars, &out.data());
    if (left) out.data().append(v);
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

FunctionInfo Pad(bool left) {
  std::string name = left ? "lpad" : "rpad";
  auto spec = Spec(name,
                   name + "(str, len[, pad]) - Returns `str`, " + (left ? "left" : "right") +
                       "-padded with `pad` (a space) to a length of `len` characters, or cut to `len`.",
                   2, 3, {ArgKind::kString, ArgKind::kInt, ArgKind::kString}, arrow::utf8());
  spec.defaults = {StringLiteral(" ")};
  spec.make_kernel = FixedKernel([left](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    return PadKernel(left, args, length);
  });
  return MakeStringFunction(std::move(spec));
}

Result<Datum> RepeatKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]);
  NumericArg<arrow::Int32Type> times(args[1]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !times.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    std::string_view v = text.View(i);
    const int64_t n = std::max<int32_t>(times.Value(i), 0);
    if (static_cast<int64_t>(v.size()) * n > std::numeric_limits<int32_t>::max()) {
      return Status::CapacityError("repeat: the result exceeds 2 GiB");
    }
    for (int64_t k = 0; k < n; ++k) out.data().append(v);
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

Result<Datum> SpaceKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  NumericArg<arrow::Int32Type> count(args[0]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!count.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    out.data().append(static_cast<size_t>(std::max<int32_t>(count.Value(i), 0)), ' ');
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

// --- left / right -------------------------------------------------------------------

/// left(str, n) is substring(str, 1, n), right(str, n) is substring(str, -n);
/// n <= 0 gives ''.
Result<Datum> LeftRightKernel(bool left, const std::vector<Datum>& args, int64_t length) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]);
  NumericArg<arrow::Int32Type> count(args[1]);
  StringColumnWriter out(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !count.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    const int32_t n = count.Value(i);
    if (n <= 0) {
      out.Append({});
    } else if (left) {
      out.Append(SubstringSql(text.View(i), 1, n));
    } else {
      out.Append(SubstringSql(text.View(i), -n, std::numeric_limits<int32_t>::max()));
    }
  }
  return out.Finish(AllScalars(args));
}

FunctionInfo LeftRight(bool left) {
  std::string name = left ? "left" : "right";
  auto spec = Spec(name,
                   name + "(str, len) - Returns the " + (left ? "leftmost" : "rightmost") +
                       " `len` characters of `str`; '' when `len` is not positive.",
                   2, 2, {ArgKind::kString, ArgKind::kInt}, arrow::utf8());
  spec.make_kernel = FixedKernel([left](const std::vector<Datum>& args, int64_t length, const EvalContext&) {
    return LeftRightKernel(left, args, length);
  });
  return MakeStringFunction(std::move(spec));
}

// --- replace / overlay / translate ------------------------------------------------------

Result<Datum> ReplaceKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), search(args[1]), replacement(args[2]);
  StringColumnWriter out(rows, static_cast<int64_t>(text.AllBytes(rows).size()));
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !search.IsValid(i) || !replacement.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    std::string_view v = text.View(i), s = search.View(i), r = replacement.View(i);
    if (s.empty()) {
      out.Append(v);
      continue;
    }
    std::string& data = out.data();
    size_t from = 0;
    for (size_t at = v.find(s); at != std::string_view::npos; at = v.find(s, from)) {
      data.append(v.substr(from, at - from));
      data.append(r);
      from = at + s.size();
    }
    data.append(v.substr(from));
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

/// overlay(input, replace, pos, len): the characters before `pos`, `replace`,
/// then the input from `pos + len` (len < 0: the replacement's length).
Result<Datum> OverlayKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), replacement(args[1]);
  NumericArg<arrow::Int32Type> pos(args[2]), len(args[3]);
  StringColumnWriter out(rows);
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !replacement.IsValid(i) || !pos.IsValid(i) || !len.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    std::string_view v = text.View(i), r = replacement.View(i);
    const int64_t p = pos.Value(i);
    const int64_t skip = len.Value(i) >= 0 ? len.Value(i) : NumChars(r);
    const auto clamp = [](int64_t x) { return static_cast<int32_t>(std::clamp<int64_t>(x, INT32_MIN, kMax)); };
    out.data().append(SubstringSql(v, 1, clamp(p - 1)));
    out.data().append(r);
    out.data().append(SubstringSql(v, clamp(p + skip), kMax));
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

/// translate: each character of `from` maps to the character at the same place
/// in `to`, or is removed when `to` is shorter; the first mapping of a character wins.
class Translation {
 public:
  Translation(std::string_view from, std::string_view to) {
    auto from_chars = Utf8Chars(from), to_chars = Utf8Chars(to);
    for (size_t k = 0; k < from_chars.size(); ++k) {
      std::optional<std::string_view> target;
      if (k < to_chars.size()) target = to_chars[k];
      map_.emplace(from_chars[k], target);
    }
  }
  void Apply(std::string_view text, std::string* out) const {
    for (size_t k = 0; k < text.size();) {
      size_t n = std::min<size_t>(Utf8CharBytes(static_cast<unsigned char>(text[k])), text.size() - k);
      std::string_view ch = text.substr(k, n);
      auto it = map_.find(ch);
      if (it == map_.end()) {
        out->append(ch);
      } else if (it->second) {
        out->append(*it->second);
      }
      k += n;
    }
  }

 private:
  std::unordered_map<std::string_view, std::optional<std::string_view>> map_;
};

Result<Datum> TranslateKernel(const std::vector<Datum>& args, int64_t length, const EvalContext&) {
  const int64_t rows = OutputRows(args, length);
  StringArg text(args[0]), from(args[1]), to(args[2]);
  std::optional<Translation> constant;
  if (from.is_scalar() && to.is_scalar() && from.scalar_valid() && to.scalar_valid()) {
    constant.emplace(from.View(0), to.View(0));
  }
  StringColumnWriter out(rows, static_cast<int64_t>(text.AllBytes(rows).size()));
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !from.IsValid(i) || !to.IsValid(i)) {
      out.AppendNull();
      continue;
    }
    if (constant) {
      constant->Apply(text.View(i), &out.data());
    } else {
      Translation(from.View(i), to.View(i)).Apply(text.View(i), &out.data());
    }
    out.CommitAppended();
  }
  return out.Finish(AllScalars(args));
}

}  // namespace

void RegisterStringBuildFunctions(FunctionRegistry& registry) {
  registry.Add(Concat());
  registry.Add(ConcatWs());
  registry.Add(Pad(true));
  registry.Add(Pad(false));
  {
    auto spec = Spec("repeat", "repeat(str, n) - Returns the string which repeats `str` `n` times.", 2, 2,
                     {ArgKind::kString, ArgKind::kInt}, arrow::utf8());
    spec.make_kernel = FixedKernel(RepeatKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("space", "space(n) - Returns a string of `n` spaces.", 1, 1, {ArgKind::kInt}, arrow::utf8());
    spec.make_kernel = FixedKernel(SpaceKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  registry.Add(LeftRight(true));
  registry.Add(LeftRight(false));
  {
    auto spec = Spec("replace", "replace(str, search[, replace]) - Replaces all occurrences of `search` with `replace`.",
                     2, 3, {ArgKind::kString}, arrow::utf8());
    spec.defaults = {StringLiteral("")};
    spec.make_kernel = FixedKernel(ReplaceKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("overlay", "overlay(input, replace, pos[, len]) - Replaces `input` with `replace` that starts at "
                                "`pos` and is of length `len`.",
                     3, 4, {ArgKind::kString, ArgKind::kString, ArgKind::kInt, ArgKind::kInt}, arrow::utf8());
    spec.defaults = {IntLiteral(-1)};
    spec.make_kernel = FixedKernel(OverlayKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
  {
    auto spec = Spec("translate", "translate(input, from, to) - Translates the characters of `input` in `from` to "
                                  "the ones at the same place in `to`.",
                     3, 3, {ArgKind::kString}, arrow::utf8());
    spec.make_kernel = FixedKernel(TranslateKernel);
    registry.Add(MakeStringFunction(std::move(spec)));
  }
}

}  // namespace sk8::functions
