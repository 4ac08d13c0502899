// Pattern matching: LIKE / ILIKE (with ESCAPE) on a matcher of their own, and
// the Java-regex functions on RE2 (java_regex.h): rlike / regexp /
// regexp_like, regexp_replace (from a position), regexp_extract,
// regexp_extract_all, regexp_count, regexp_instr, regexp_substr, split. A
// literal pattern is compiled once when the call is bound; a pattern from a
// column is compiled when it changes from one row to the next.
#include <algorithm>
#include <arrow/builder.h>

#include "functions/java_regex.h"
#include "functions/string_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

// --- LIKE -------------------------------------------------------------------------

/// A LIKE pattern as literal runs and wildcards ('_' one character, '%' any).
class LikePattern {
 public:
  /// Spark's escape rules (StringUtils.escapeLikeRegex): the escape character
  /// quotes '_', '%' or itself; anything else after it, or nothing, is an error.
  static Result<LikePattern> Parse(std::string_view pattern, char escape) {
    LikePattern out;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const char c = pattern[i];
      if (c == escape) {
        if (i + 1 >= pattern.size()) {
          return AnalysisError("INVALID_FORMAT.ESC_AT_THE_END", {{"format", SqlQuoted(pattern)}});
        }
        const char next = pattern[++i];
        if (next != '_' && next != '%' && next != escape) {
          return AnalysisError("INVALID_FORMAT.ESC_IN_THE_MIDDLE",
                               {{"format", SqlQuoted(pattern)}, {"char", SqlQuoted(std::string_view(&next, 1))}});
        }
        out.AddLiteral(next);
      } else if (c == '_' || c == '%') {
        out.tokens_.push_back({c == '_' ? Kind::kOne : Kind::kAny, {}});
      } else {
        out.AddLiteral(c);
      }
    }
    out.Classify();
    return out;
  }

  bool Matches(std::string_view text) const {
    switch (shape_) {
      case Shape::kEquals: return text == literal_;
      case Shape::kPrefix: return text.substr(0, literal_.size()) == literal_;
      case Shape::kSuffix: return text.size() >= literal_.size() && text.substr(text.size() - literal_.size()) == literal_;
      case Shape::kContains: return text.find(literal_) != std::string_view::npos;
      case Shape::kSegments: return MatchSegments(text);
      case Shape::kGeneral: return MatchGeneral(text);
    }
    return false;
  }

 private:
  enum class Kind { kLiteral, kOne, kAny };
  struct Token {
    Kind kind;
    std::string text;
  };
  enum class Shape { kEquals, kPrefix, kSuffix, kContains, kSegments, kGeneral };

  static std::string SqlQuoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    return out + "'";
  }

  void AddLiteral(char c) {
    if (tokens_.empty() || tokens_.back().kind != Kind::kLiteral) tokens_.push_back({Kind::kLiteral, {}});
    tokens_.back().text += c;
  }

  /// 'abc', 'abc%', '%abc', '%abc%' need no general matcher.
  void Classify() {
    auto is = [&](size_t k, Kind kind) { return k < tokens_.size() && tokens_[k].kind == kind; };
    const size_t n = tokens_.size();
    shape_ = Shape::kGeneral;
    if (n == 0) {
      shape_ = Shape::kEquals;
    } else if (n == 1 && is(0, Kind::kLiteral)) {
      shape_ = Shape::kEquals;
    } else if (n == 1 && is(0, Kind::kAny)) {
      shape_ = Shape::kPrefix;  // '%': every string starts with ''
    } else if (n == 2 && is(0, Kind::kLiteral) && is(1, Kind::kAny)) {
      shape_ = Shape::kPrefix;
    } else if (n == 2 && is(0, Kind::kAny) && is(1, Kind::kLiteral)) {
      shape_ = Shape::kSuffix;
    } else if (n == 3 && is(0, Kind::kAny) && is(1, Kind::kLiteral) && is(2, Kind::kAny)) {
      shape_ = Shape::kContains;
    }
    for (const auto& t : tokens_) {
      if (t.kind == Kind::kLiteral) literal_ = t.text;
    }
    // Literals and '%' only ('%special%requests%'): each literal found with a
    // substring search after the previous one; the leftmost match is always
    // right when no '_' has to land on a character.
    if (shape_ == Shape::kGeneral &&
        std::none_of(tokens_.begin(), tokens_.end(), [](const Token& t) { return t.kind == Kind::kOne; })) {
      shape_ = Shape::kSegments;
    }
  }

  bool MatchSegments(std::string_view text) const {
    size_t t = 0;
    const size_t n = tokens_.size();
    for (size_t k = 0; k < n; ++k) {
      const Token& token = tokens_[k];
      if (token.kind != Kind::kLiteral) continue;
      const std::string& literal = token.text;
      if (k == 0) {  // anchored at the start
        if (text.substr(0, literal.size()) != literal) return false;
        t = literal.size();
      } else if (k == n - 1) {  // anchored at the end, after what is matched
        return text.size() >= t + literal.size() && text.substr(text.size() - literal.size()) == literal;
      } else {
        const size_t at = text.find(literal, t);
        if (at == std::string_view::npos) return false;
        t = at + literal.size();
      }
    }
    // The pattern ends with '%' (or is all '%'): anything may follow; a pattern
    // of literals only is kEquals and never gets here.
    return true;
  }

  /// Wildcard matching with one backtracking point (the last '%'): linear in
  /// practice, at worst text length times pattern length.
  bool MatchGeneral(std::string_view text) const {
    size_t t = 0, k = 0;
    size_t star_k = SIZE_MAX, star_t = 0;
    auto char_bytes = [&](size_t at) {
      return std::min<size_t>(Utf8CharBytes(static_cast<unsigned char>(text[at])), text.size() - at);
    };
    while (t < text.size() || k < tokens_.size()) {
      if (k < tokens_.size()) {
        const Token& token = tokens_[k];
        if (token.kind == Kind::kAny) {
          star_k = k++;
          star_t = t;
          continue;
        }
        if (t < text.size()) {
          if (token.kind == Kind::kOne) {
            t += char_bytes(t);
            ++k;
            continue;
          }
          if (text.substr(t, token.text.size()) == token.text) {
            t += token.text.size();
            ++k;
            continue;
          }
        }
      }
      if (star_k == SIZE_MAX || star_t >= text.size()) return false;
      star_t += char_bytes(star_t);
      t = star_t;
      k = star_k + 1;
    }
    return true;
  }

  std::vector<Token> tokens_;
  Shape shape_ = Shape::kGeneral;
  std::string literal_;
};

FunctionInfo Like(bool case_insensitive) {
  FunctionInfo info;
  info.name = case_insensitive ? "ilike" : "like";
  info.can_fail = false;
  info.null_intolerant = true;
  info.usage = case_insensitive ? "str ILIKE pattern[ ESCAPE escape] - true if `str` matches `pattern` ignoring case."
                                : "str LIKE pattern[ ESCAPE escape] - true if `str` matches `pattern` (_ and %).";
  info.bind_scalar = [case_insensitive](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    const std::string function = case_insensitive ? "ilike" : "like";
    ARROW_RETURN_NOT_OK(CheckArgCount(function, args.size(), 2, 3));
    char escape = '\\';
    std::string escape_text = "\\";
    if (args.size() == 3) {
      if (!LiteralString(*args[2], &escape_text) || escape_text.size() != 1) {
        return AnalysisError("INVALID_ESCAPE_CHAR", {{"sqlExpr", "\"" + args[2]->name + "\""}});
      }
      escape = escape_text[0];
    }
    std::string name;
    if (case_insensitive) {
      name = "ilike(" + args[0]->name + ", " + args[1]->name + ")";
    } else {
      name = args[0]->name + " LIKE " + args[1]->name;
      if (args.size() == 3 && escape != '\\') name += " ESCAPE '" + escape_text + "'";
    }
    args.resize(2);
    ARROW_RETURN_NOT_OK(CoerceArgs(name, &args, {ArgKind::kString}, ctx));
    std::optional<LikePattern> constant;
    std::string pattern_text;
    if (LiteralString(*args[1], &pattern_text)) {
      if (case_insensitive) {
        std::string lower;
        LowerCaseUtf8(pattern_text, &lower);
        pattern_text = std::move(lower);
      }
      ARROW_ASSIGN_OR_RAISE(constant, LikePattern::Parse(pattern_text, escape));
    }
    auto kernel = std::make_shared<LambdaKernel>(
        [constant, escape, case_insensitive](const std::vector<Datum>& a, int64_t length,
                                             const EvalContext&) -> Result<Datum> {
          const int64_t rows = OutputRows(a, length);
          StringArg text(a[0]), pattern(a[1]);
          std::optional<LikePattern> current = constant;
          std::string current_text, lowered;
          bool have_current = constant.has_value();
          arrow::BooleanBuilder builder;
          ARROW_RETURN_NOT_OK(builder.Reserve(rows));
          for (int64_t i = 0; i < rows; ++i) {
            if (!text.IsValid(i) || !pattern.IsValid(i)) {
              builder.UnsafeAppendNull();
              continue;
            }
            if (!constant && (!have_current || pattern.View(i) != current_text)) {
              current_text = std::string(pattern.View(i));
              std::string parsed_text = current_text;
              if (case_insensitive) {
                parsed_text.clear();
                LowerCaseUtf8(current_text, &parsed_text);
              }
              ARROW_ASSIGN_OR_RAISE(current, LikePattern::Parse(parsed_text, escape));
              have_current = true;
            }
            if (case_insensitive) {
              lowered.clear();
              LowerCaseUtf8(text.View(i), &lowered);
              builder.UnsafeAppend(current->Matches(lowered));
            } else {
              builder.UnsafeAppend(current->Matches(text.View(i)));
            }
          }
          return FinishResult(builder.Finish(), AllScalars(a));
        });
    const bool nullable = args[0]->nullable || args[1]->nullable;
    return plan::BoundExpr::Call(function, kernel, std::move(args), arrow::boolean(), nullable, name);
  };
  return info;
}

// --- Java regex functions ---------------------------------------------------------

/// The compiled pattern of each row: the literal one, or the row's, compiled
/// again only when it differs from the previous row's.
class PatternSource {
 public:
  PatternSource(std::shared_ptr<const JavaRegex> constant, std::string function)
      : constant_(std::move(constant)), function_(std::move(function)) {}

  Result<const JavaRegex*> Get(std::string_view pattern) {
    if (constant_) {
      ARROW_RETURN_NOT_OK(constant_->status());
      return constant_.get();
    }
    if (!current_ || pattern != current_text_) {
      ARROW_ASSIGN_OR_RAISE(current_, JavaRegex::Compile(pattern, function_));
      current_text_ = std::string(pattern);
    }
    ARROW_RETURN_NOT_OK(current_->status());
    return current_.get();
  }

 private:
  std::shared_ptr<const JavaRegex> constant_;
  std::string function_;
  std::shared_ptr<const JavaRegex> current_;
  std::string current_text_;
};

/// The regex of a literal pattern argument (null for a column or NULL).
Result<std::shared_ptr<const JavaRegex>> ConstantRegex(const plan::BoundExpr& pattern, const std::string& function) {
  std::string text;
  if (!LiteralString(pattern, &text)) return std::shared_ptr<const JavaRegex>();
  return JavaRegex::Compile(text, function);
}

/// The spec of a regex function: string subject and pattern, then `extra` arguments.
StringFunctionSpec RegexSpec(std::string name, std::string usage, size_t min_args, size_t max_args,
                             std::shared_ptr<arrow::DataType> result) {
  auto spec = Spec(std::move(name), std::move(usage), min_args, max_args,
                   {ArgKind::kString, ArgKind::kString, ArgKind::kInt}, std::move(result));
  spec.can_fail = true;
  return spec;
}

/// Builds a list<string> column row by row.
class StringListWriter {
 public:
  explicit StringListWriter(bool contains_null)
      : type_(arrow::list(arrow::field("element", arrow::utf8(), contains_null))),
        values_(std::make_shared<arrow::StringBuilder>()),
        lists_(arrow::default_memory_pool(), values_, type_) {}
  Status StartRow() { return lists_.Append(); }
  Status AppendNull() { return lists_.AppendNull(); }
  Status Add(std::string_view value) { return values_->Append(value); }
  Result<Datum> Finish(bool scalar_output) {
    std::shared_ptr<arrow::Array> array;
    ARROW_RETURN_NOT_OK(lists_.Finish(&array));
    return FinishResult(array, scalar_output);
  }

 private:
  std::shared_ptr<arrow::DataType> type_;
  std::shared_ptr<arrow::StringBuilder> values_;
  arrow::ListBuilder lists_;
};

/// Runs `row(i, text, regex)` over the rows whose subject, pattern and
/// (optional) third argument are valid; `on_null(i)` for the others.
template <typename RowFn, typename NullFn>
Status ForRegexRows(const std::vector<Datum>& args, int64_t rows, PatternSource* patterns, RowFn&& row,
                    NullFn&& on_null) {
  StringArg text(args[0]), pattern(args[1]);
  std::optional<NumericArg<arrow::Int32Type>> third;
  if (args.size() > 2 && args[2].type()->id() == arrow::Type::INT32) third.emplace(args[2]);
  for (int64_t i = 0; i < rows; ++i) {
    if (!text.IsValid(i) || !pattern.IsValid(i) || (third && !third->IsValid(i))) {
      ARROW_RETURN_NOT_OK(on_null(i));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(const JavaRegex* regex, patterns->Get(pattern.View(i)));
    ARROW_RETURN_NOT_OK(row(i, text.View(i), *regex, third ? third->Value(i) : 0));
  }
  return Status::OK();
}

/// An INT column from `value(text, regex, third argument)` over the valid rows.
template <typename ValueFn>
Result<Datum> RegexInts(const std::vector<Datum>& args, int64_t rows, PatternSource* patterns, ValueFn&& value) {
  arrow::Int32Builder out;
  ARROW_RETURN_NOT_OK(out.Reserve(rows));
  ARROW_RETURN_NOT_OK(ForRegexRows(
      args, rows, patterns,
      [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t third) -> Status {
        ARROW_ASSIGN_OR_RAISE(int32_t v, value(text, regex, third));
        out.UnsafeAppend(v);
        return Status::OK();
      },
      [&](int64_t) {
        out.UnsafeAppendNull();
        return Status::OK();
      }));
  return FinishResult(out.Finish(), AllScalars(args));
}

Status GroupIndexError(const std::string& function, int32_t index, int group_count) {
  return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
                    {{"parameter", "`idx`"}, {"functionName", "`" + function + "`"},
                     {"groupCount", std::to_string(group_count)}, {"groupIndex", std::to_string(index)}});
}

std::string_view GroupText(const re2::StringPiece& group) {
  return group.data() == nullptr ? std::string_view{} : std::string_view(group.data(), group.size());
}

FunctionInfo RLike() {
  auto spec = RegexSpec("rlike", "rlike(str, regexp) - Returns true if `str` matches `regexp` (a Java regex).", 2, 2,
                        arrow::boolean());
  spec.aliases = {"regexp", "regexp_like"};
  spec.column_name = [](const std::string& called, const std::vector<BoundExprPtr>& args) {
    return sql::ToUpperAscii(called) + "(" + args[0]->name + ", " + args[1]->name + ")";
  };
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    ARROW_ASSIGN_OR_RAISE(auto constant, ConstantRegex(*args[1], "rlike"));
    return [constant](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      PatternSource patterns(constant, "rlike");
      arrow::BooleanBuilder builder;
      ARROW_RETURN_NOT_OK(builder.Reserve(rows));
      ARROW_RETURN_NOT_OK(ForRegexRows(
          args, rows, &patterns,
          [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t) {
            builder.UnsafeAppend(re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), regex.re()));
            return Status::OK();
          },
          [&](int64_t) {
            builder.UnsafeAppendNull();
            return Status::OK();
          }));
      return FinishResult(builder.Finish(), AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

/// regexp_replace(str, regexp, rep[, position]): matching starts at character
/// `position` (the text before it is kept; '^' matches there, as Java's region).
FunctionInfo RegexpReplace() {
  auto spec = RegexSpec("regexp_replace", "regexp_replace(str, regexp, rep[, position]) - Replaces all substrings of "
                                          "`str` that match `regexp` with `rep` ($n names group n).",
                        3, 4, arrow::utf8());
  spec.kinds = {ArgKind::kString, ArgKind::kString, ArgKind::kString, ArgKind::kInt};
  spec.defaults = {IntLiteral(1)};
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    if (args[3]->kind == plan::BoundKind::kLiteral && args[3]->literal->is_valid) {
      const int32_t position = static_cast<const arrow::Int32Scalar&>(*args[3]->literal).value;
      if (position <= 0) {
        std::string call = "regexp_replace(";
        for (size_t i = 0; i < args.size(); ++i) call += (i ? ", " : "") + args[i]->name;
        return AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                             {{"sqlExpr", "\"" + call + ")\""}, {"exprName", "position"},
                             {"valueRange", "(0, 2147483647]"}, {"currentValue", std::to_string(position)}});
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto constant, ConstantRegex(*args[1], "regexp_replace"));
    return [constant](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      PatternSource patterns(constant, "regexp_replace");
      StringArg text(args[0]), pattern(args[1]), replacement(args[2]);
      NumericArg<arrow::Int32Type> position(args[3]);
      StringColumnWriter out(rows, static_cast<int64_t>(text.AllBytes(rows).size()));
      std::vector<re2::StringPiece> groups;
      std::optional<JavaReplacement> parsed;
      const JavaRegex* parsed_for = nullptr;
      std::string parsed_text;
      for (int64_t i = 0; i < rows; ++i) {
        if (!text.IsValid(i) || !pattern.IsValid(i) || !replacement.IsValid(i) || !position.IsValid(i)) {
          out.AppendNull();
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(const JavaRegex* regex, patterns.Get(pattern.View(i)));
        if (!parsed || parsed_for != regex || replacement.View(i) != parsed_text) {
          parsed_text = std::string(replacement.View(i));
          ARROW_ASSIGN_OR_RAISE(parsed, JavaReplacement::Parse(parsed_text, *regex));
          parsed_for = regex;
        }
        std::string_view v = text.View(i);
        // Java's rule: a start past the last character leaves the text as it is.
        const int64_t skip = static_cast<int64_t>(position.Value(i)) - 1;
        if (skip < 0 || (skip != 0 && skip >= NumChars(v))) {
          out.Append(v);
          continue;
        }
        const size_t start = ByteOffsetOfChar(v, skip);
        std::string& data = out.data();
        data.append(v.substr(0, start));
        std::string_view region = v.substr(start);
        size_t copied = 0;
        ForEachMatch(*regex, region, &groups, [&](const std::vector<re2::StringPiece>& g) {
          const size_t match_start = static_cast<size_t>(g[0].data() - region.data());
          data.append(region.substr(copied, match_start - copied));
          parsed->AppendTo(g, &data);
          copied = match_start + g[0].size();
          return true;
        });
        data.append(region.substr(copied));
        out.CommitAppended();
      }
      return out.Finish(AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

/// regexp_extract / regexp_extract_all / regexp_instr: group `idx` of the
/// first (or every) match; '' (or 0) when there is none.
enum class ExtractKind { kFirst, kAll, kInstr };

FunctionInfo RegexpExtract(ExtractKind kind) {
  const std::string name = kind == ExtractKind::kFirst ? "regexp_extract"
                           : kind == ExtractKind::kAll ? "regexp_extract_all"
                                                       : "regexp_instr";
  auto result = kind == ExtractKind::kFirst ? arrow::utf8()
                : kind == ExtractKind::kAll ? arrow::list(arrow::field("element", arrow::utf8(), true))
                                            : arrow::int32();
  std::string usage = kind == ExtractKind::kFirst
                          ? "regexp_extract(str, regexp[, idx]) - Extracts group `idx` of the first match of `regexp`."
                      : kind == ExtractKind::kAll
                          ? "regexp_extract_all(str, regexp[, idx]) - Extracts group `idx` of every match of `regexp`."
                          : "regexp_instr(str, regexp[, idx]) - Returns the position (1-based) of the first match of "
                            "`regexp`, 0 when there is none.";
  auto spec = RegexSpec(name, std::move(usage), 2, 3, result);
  spec.defaults = {IntLiteral(kind == ExtractKind::kInstr ? 0 : 1)};
  spec.make_kernel = [name, kind](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    ARROW_ASSIGN_OR_RAISE(auto constant, ConstantRegex(*args[1], name));
    return [constant, name, kind](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      PatternSource patterns(constant, name);
      std::vector<re2::StringPiece> groups;
      auto check_index = [&](const JavaRegex& regex, int32_t idx) -> Status {
        if (idx < 0 || idx > regex.groups()) return GroupIndexError(name, idx, regex.groups());
        return Status::OK();
      };
      if (kind == ExtractKind::kAll) {
        StringListWriter out(true);
        ARROW_RETURN_NOT_OK(ForRegexRows(
            args, rows, &patterns,
            [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t idx) -> Status {
              ARROW_RETURN_NOT_OK(check_index(regex, idx));
              ARROW_RETURN_NOT_OK(out.StartRow());
              Status status;
              ForEachMatch(regex, text, &groups, [&](const std::vector<re2::StringPiece>& g) {
                status = out.Add(GroupText(g[static_cast<size_t>(idx)]));
                return status.ok();
              });
              return status;
            },
            [&](int64_t) { return out.AppendNull(); }));
        return out.Finish(AllScalars(args));
      }
      if (kind == ExtractKind::kInstr) {
        return RegexInts(args, rows, &patterns,
                         [&](std::string_view text, const JavaRegex& regex, int32_t idx) -> Result<int32_t> {
                           ARROW_RETURN_NOT_OK(check_index(regex, idx));
                           // Spark checks `idx` but answers where the whole match starts.
                           if (!regex.Find(text, 0, &groups)) return 0;
                           const size_t at = static_cast<size_t>(groups[0].data() - text.data());
                           return static_cast<int32_t>(NumChars(text.substr(0, at)) + 1);
                         });
      }
      StringColumnWriter out(rows);
      ARROW_RETURN_NOT_OK(ForRegexRows(
          args, rows, &patterns,
          [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t idx) -> Status {
            ARROW_RETURN_NOT_OK(check_index(regex, idx));
            out.Append(regex.Find(text, 0, &groups) ? GroupText(groups[static_cast<size_t>(idx)]) : std::string_view{});
            return Status::OK();
          },
          [&](int64_t) {
            out.AppendNull();
            return Status::OK();
          }));
      return out.Finish(AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

/// regexp_count (matches, as Java's find loop) and regexp_substr (the first
/// match, NULL when none).
FunctionInfo RegexpCountOrSubstr(bool count) {
  const std::string name = count ? "regexp_count" : "regexp_substr";
  auto spec = RegexSpec(name,
                        count ? "regexp_count(str, regexp) - Returns how many times `regexp` matches in `str`."
                              : "regexp_substr(str, regexp) - Returns the first substring that matches `regexp`, "
                                "NULL when none.",
                        2, 2, count ? arrow::int32() : arrow::utf8());
  if (!count) spec.nullable = AlwaysNullable;
  spec.make_kernel = [name, count](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    ARROW_ASSIGN_OR_RAISE(auto constant, ConstantRegex(*args[1], name));
    return [constant, name, count](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      PatternSource patterns(constant, name);
      std::vector<re2::StringPiece> groups;
      if (count) {
        return RegexInts(args, rows, &patterns, [&](std::string_view text, const JavaRegex& regex, int32_t) {
          int32_t n = 0;
          ForEachMatch(regex, text, &groups, [&](const std::vector<re2::StringPiece>&) { return ++n > 0; });
          return Result<int32_t>(n);
        });
      }
      StringColumnWriter out(rows);
      ARROW_RETURN_NOT_OK(ForRegexRows(
          args, rows, &patterns,
          [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t) {
            if (regex.Find(text, 0, &groups)) {
              out.Append(GroupText(groups[0]));
            } else {
              out.AppendNull();
            }
            return Status::OK();
          },
          [&](int64_t) {
            out.AppendNull();
            return Status::OK();
          }));
      return out.Finish(AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

/// split(str, regex[, limit]) as UTF8String.split / Java's String.split: at
/// most `limit` pieces when positive; an empty pattern splits into characters.
void SplitText(std::string_view text, const JavaRegex& regex, int32_t limit, std::vector<re2::StringPiece>* groups,
               std::vector<std::string_view>* pieces) {
  pieces->clear();
  if (!text.empty() && regex.re().pattern().empty()) {
    auto chars = Utf8Chars(text);
    const size_t n = limit > 0 && static_cast<size_t>(limit) < chars.size() ? static_cast<size_t>(limit) : chars.size();
    for (size_t k = 0; k + 1 < n; ++k) pieces->push_back(chars[k]);
    const size_t rest = static_cast<size_t>(chars[n - 1].data() - text.data());
    pieces->push_back(text.substr(rest));
    return;
  }
  size_t index = 0;
  bool matched = false;
  ForEachMatch(regex, text, groups, [&](const std::vector<re2::StringPiece>& g) {
    if (limit > 0 && pieces->size() >= static_cast<size_t>(limit) - 1) return false;
    const size_t start = static_cast<size_t>(g[0].data() - text.data());
    const size_t end = start + g[0].size();
    matched = true;
    if (start == 0 && end == 0) return true;  // no empty leading piece for a zero-width match at 0
    pieces->push_back(text.substr(index, start - index));
    index = end;
    return true;
  });
  if (!matched) {
    pieces->push_back(text);
    return;
  }
  pieces->push_back(text.substr(index));
  if (limit == 0) {
    while (pieces->size() > 1 && pieces->back().empty()) pieces->pop_back();
  }
}

FunctionInfo Split() {
  auto spec = RegexSpec("split", "split(str, regex[, limit]) - Splits `str` around occurrences that match `regex` "
                                 "and returns an array with a length of at most `limit`.",
                        2, 3, arrow::list(arrow::field("element", arrow::utf8(), false)));
  spec.defaults = {IntLiteral(-1)};
  spec.make_kernel = [](const std::vector<BoundExprPtr>& args, const EvalContext&) -> Result<StringKernelFn> {
    ARROW_ASSIGN_OR_RAISE(auto constant, ConstantRegex(*args[1], "split"));
    return [constant](const std::vector<Datum>& args, int64_t length, const EvalContext&) -> Result<Datum> {
      const int64_t rows = OutputRows(args, length);
      PatternSource patterns(constant, "split");
      std::vector<re2::StringPiece> groups;
      std::vector<std::string_view> pieces;
      StringListWriter out(false);
      ARROW_RETURN_NOT_OK(ForRegexRows(
          args, rows, &patterns,
          [&](int64_t, std::string_view text, const JavaRegex& regex, int32_t limit) -> Status {
            SplitText(text, regex, limit, &groups, &pieces);
            ARROW_RETURN_NOT_OK(out.StartRow());
            for (auto piece : pieces) ARROW_RETURN_NOT_OK(out.Add(piece));
            return Status::OK();
          },
          [&](int64_t) { return out.AppendNull(); }));
      return out.Finish(AllScalars(args));
    };
  };
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& registry) {
  registry.Add(Like(false));
  registry.Add(Like(true));
  registry.Add(RLike());
  registry.Add(RegexpReplace());
  registry.Add(RegexpExtract(ExtractKind::kFirst));
  registry.Add(RegexpExtract(ExtractKind::kAll));
  registry.Add(RegexpExtract(ExtractKind::kInstr));
  registry.Add(RegexpCountOrSubstr(true));
  registry.Add(RegexpCountOrSubstr(false));
  registry.Add(Split());
}

}  // namespace sk8::functions
