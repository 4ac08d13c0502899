// Text functions: sentences(str[, lang[, country]]), the words of each sentence
// as Java's BreakIterator finds them (sentence instances, then word instances;
// a word is kept when it starts with a letter or digit), here through ICU's
// break iterators for the same locale (line breaks inside a sentence do not
// end it, as in Java's rules); and collation(str), the name of a string's
// collation, and collate(str, name) / SQL's `str COLLATE name`: sk8 compares
// strings by their UTF-8 bytes, Spark's default collation UTF8_BINARY, and
// refuses any other collation (UTF8_LCASE, UNICODE, ICU locales) by name
// rather than answer with byte comparisons.

#include <memory>

#include <arrow/builder.h>
#include <arrow/util/string.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

/// The words of each sentence of `text`.
std::vector<std::vector<std::string>> Sentences(std::string_view text, const icu::Locale& locale) {
  std::vector<std::vector<std::string>> out;
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\r') c = ' ';  // Java's sentence rules do not break at a line end
  }
  const icu::UnicodeString original = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(),
                                                                                    static_cast<int32_t>(text.size())));
  const icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(flat);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> sentences(icu::BreakIterator::createSentenceInstance(locale, status));
  std::unique_ptr<icu::BreakIterator> words(icu::BreakIterator::createWordInstance(locale, status));
  if (U_FAILURE(status)) return out;
  sentences->setText(unicode);
  int32_t start = sentences->first();
  for (int32_t end = sentences->next(); end != icu::BreakIterator::DONE; start = end, end = sentences->next()) {
    icu::UnicodeString sentence(original, start, end - start);
    words->setText(sentence);
    std::vector<std::string> kept;
    int32_t word_start = words->first();
    for (int32_t word_end = words->next(); word_end != icu::BreakIterator::DONE;
         word_start = word_end, word_end = words->next()) {
      const UChar32 first = sentence.char32At(word_start);
      if (!u_isalpha(first) && !u_isdigit(first)) continue;
      std::string word;
      icu::UnicodeString(sentence, word_start, word_end - word_start).toUTF8String(word);
      kept.push_back(std::move(word));
    }
    out.push_back(std::move(kept));
  }
  return out;
}

FunctionInfo SentencesFunction() {
  return ScalarInfo(
      "sentences",
      "sentences(str[, lang[, country]]) - Splits `str` into an array of array of words.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("sentences", args, 1, 3));
        while (args.size() < 3) args.push_back(StringLiteral(""));
        ARROW_RETURN_NOT_OK(CoerceArgs(CallText(called, args), &args, {ArgKind::kString}, ctx));
        const std::string name = CallText(called, args);
        auto words = ArrayOf(arrow::utf8(), false);
        auto type = ArrayOf(words, false);
        return KernelCall("sentences", name, args, type, true,
                          [type, words](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                            const int64_t rows = ResultRows(a, length);
                            StringArg text(a[0]), lang(a[1]), country(a[2]);
                            auto word_builder = std::make_shared<arrow::StringBuilder>();
                            auto sentence_builder =
                                std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), word_builder, words);
                            arrow::ListBuilder out(arrow::default_memory_pool(), sentence_builder, type);
                            for (int64_t i = 0; i < rows; ++i) {
                              std::string_view value;
                              if (!text.Get(i, &value)) {
                                ARROW_RETURN_NOT_OK(out.AppendNull());
                                continue;
                              }
                              std::string_view l, c;
                              icu::Locale locale("en", "US");
                              if (lang.Get(i, &l) && country.Get(i, &c)) {
                                locale = icu::Locale(std::string(l).c_str(), std::string(c).c_str());
                              }
                              ARROW_RETURN_NOT_OK(out.Append());
                              for (const auto& sentence : Sentences(value, locale)) {
                                ARROW_RETURN_NOT_OK(sentence_builder->Append());
                                for (const auto& word : sentence) ARROW_RETURN_NOT_OK(word_builder->Append(word));
                              }
                            }
                            std::shared_ptr<arrow::Array> array;
                            ARROW_RETURN_NOT_OK(out.Finish(&array));
                            return AllScalars(a) ? Datum(*array->GetScalar(0)) : Datum(array);
                          });
      });
}

FunctionInfo CollationFunction() {
  return ScalarInfo(
      "collation", "collation(expr) - Returns the collation name of a given expression.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("collation", args, 1, 1));
        const std::string name = CallText(called, args);
        if (!types::IsStringLike(*args[0]->type) && args[0]->type->id() != arrow::Type::NA) {
          return UnexpectedInputType(name, 0, "\"STRING\"", *args[0]);
        }
        // Spark replaces the call by the name of the argument type's collation.
        return KernelCall("collation", name, {}, arrow::utf8(), false,
                          [](const Args&, int64_t rows, const EvalContext&) -> Result<Datum> {
                            ARROW_ASSIGN_OR_RAISE(auto array,
                                                  arrow::MakeArrayFromScalar(
                                                      arrow::StringScalar("SYSTEM.BUILTIN.UTF8_BINARY"), rows));
                            return Datum(array);
                          });
      });
}

FunctionInfo CollateFunction() {
  return ScalarInfo(
      "collate", "collate(expr, collationName) - Marks a given expression with the specified collation.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("collate", args, 2, 2));
        std::string collation;
        if (!LiteralString(*args[1], &collation)) {
          return AnalysisError("NON_FOLDABLE_ARGUMENT", {{"funcName", "`collate`"},
                                                        {"paramName", "`collationName`"},
                                                        {"paramType", "\"STRING\""}});
        }
        const std::string name = "collate(" + args[0]->name + ", " + collation + ")";
        BoundExprPtr value = args[0];
        if (value->type->id() == arrow::Type::NA) {
          ARROW_ASSIGN_OR_RAISE(value, BindCast(value, arrow::utf8(), plan::CastMode::kDefault, true, ctx));
        } else if (!types::IsStringLike(*value->type)) {
          return UnexpectedInputType(name, 0, "\"STRING\"", *value);
        }
        if (arrow::internal::AsciiToUpper(collation) != "UTF8_BINARY") {
          return Unsupported("collation " + arrow::internal::AsciiToUpper(collation) +
                             " (sk8 compares strings as UTF8_BINARY, Spark's default collation, only)");
        }
        auto renamed = std::make_shared<plan::BoundExpr>(*value);
        renamed->name = name;
        renamed->auto_alias = true;  // a generated name, also for a literal
        return BoundExprPtr(std::move(renamed));
      });
}

/// input_file_name() / input_file_block_start() / input_file_block_length(): ''
/// and -1 for rows that come from no file (the analyzer refuses them over files).
FunctionInfo InputFileFunction(const std::string& name, std::shared_ptr<arrow::DataType> type,
                               std::shared_ptr<arrow::Scalar> value, std::string usage) {
  FunctionInfo info = ScalarInfo(
      name, std::move(usage),
      [name, type, value](const std::string&, std::vector<BoundExprPtr> args,
                          const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount(name, args, 0, 0));
        auto bound = KernelCall(name, name + "()", {}, type, false,
                                [value](const Args&, int64_t rows, const EvalContext&) -> Result<Datum> {
                                  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*value, rows));
                                  return Datum(array);
                                });
        auto marked = std::make_shared<plan::BoundExpr>(*bound);
        marked->deterministic = false;  // Spark's InputFileName is nondeterministic: never folded
        return BoundExprPtr(marked);
      });
  info.deterministic = false;
  return info;
}

}  // namespace

void RegisterNumberFormatFunctions(FunctionRegistry& registry);  // number_format_functions.cc

void RegisterTextFunctions(FunctionRegistry& registry) {
  RegisterNumberFormatFunctions(registry);
  registry.Add(SentencesFunction());
  registry.Add(CollationFunction());
  registry.Add(CollateFunction());
  registry.Add(InputFileFunction("input_file_name", arrow::utf8(), std::make_shared<arrow::StringScalar>(""),
                                 "input_file_name() - Returns the name of the file being read, or empty string if "
                                 "not available."));
  registry.Add(InputFileFunction("input_file_block_start", arrow::int64(), std::make_shared<arrow::Int64Scalar>(-1),
                                 "input_file_block_start() - Returns the start offset of the block being read, or -1 "
                                 "if not available."));
  registry.Add(InputFileFunction("input_file_block_length", arrow::int64(),
                                 std::make_shared<arrow::Int64Scalar>(-1),
                                 "input_file_block_length() - Returns the length of the block being read, or -1 if "
                                 "not available."));
}

}  // namespace sk8::functions
