// MAP and STRUCT functions: map, map_from_arrays, map_from_entries,
// map_concat, str_to_map (building maps: NULL keys and duplicate keys fail as
// in Spark, whose spark.sql.mapKeyDedupPolicy is EXCEPTION), map_keys,
// map_values, map_entries, map_contains_key, struct, named_struct, and
// extract_value (a.b, a[i], m[k], getField / getItem).
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include <arrow/array/concatenate.h>
#include <arrow/builder.h>
#include <arrow/util/bitmap_ops.h>
#include <arrow/util/string.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/kernel_util.h"
#include "functions/string_util.h"
#include "sql/token.h"
#include "types/spark_types.h"

namespace sk8::functions {

namespace {

using arrow::Datum;
using Args = std::vector<Datum>;







/// Builds a map column from picked keys and values (indices into `keys` /
/// `items`), checking Spark's rules: no NULL key, no duplicate key.
class MapByIndices {
 public:
  MapByIndices(int64_t rows, std::shared_ptr<arrow::Array> keys, std::shared_ptr<arrow::Array> items,
               const EvalContext& ctx)
      : keys_(rows),
        items_(rows),
        key_values_(std::move(keys)),
        item_values_(std::move(items)),
        last_win_(ctx.map_key_last_win) {}

  Status Add(int64_t key, int64_t item) {
    if (key < 0 || key_values_->IsNull(key)) return SparkError(SparkExceptionKind::kRuntime, "NULL_MAP_KEY", {});
    scratch_.clear();
    AppendValueKey(*key_values_, key, &scratch_);
    auto [seen, inserted] = seen_.try_emplace(scratch_, keys_.row_size());
    if (!inserted) {
      // spark.sql.mapKeyDedupPolicy=LAST_WIN: the later value replaces the
      // earlier one, which keeps its position.
      if (last_win_) {
        items_.Replace(seen->second, item);
        return Status::OK();
      }
      ARROW_ASSIGN_OR_RAISE(auto scalar, key_values_->GetScalar(key));
      return SparkError(SparkExceptionKind::kRuntime, "DUPLICATED_MAP_KEY",
                        {{"key", ScalarText(*scalar)}, {"mapKeyDedupPolicy", "\"spark.sql.mapKeyDedupPolicy\""}});
    }
    keys_.Add(key);
    items_.Add(item);
    return Status::OK();
  }
  void EndRow() {
    seen_.clear();
    keys_.EndRow();
    items_.EndRow();
  }
  void NullRow() {
    seen_.clear();
    keys_.NullRow();
    items_.NullRow();
  }
  Result<Datum> Finish(const std::shared_ptr<arrow::DataType>& type, bool scalar_output) {
    ARROW_ASSIGN_OR_RAISE(auto keys, keys_.Elements(key_values_));
    ARROW_ASSIGN_OR_RAISE(auto items, items_.Elements(item_values_));
    ARROW_ASSIGN_OR_RAISE(auto list, keys_.Finish(ArrayOf(key_values_->type(), false), key_values_, false));
    const auto& shape = static_cast<const arrow::ListArray&>(*list.make_array());
    auto map = std::make_shared<arrow::MapArray>(type, shape.length(), shape.value_offsets(), keys, items,
                                                 shape.null_bitmap(), shape.null_count());
    return FinishResult(std::shared_ptr<arrow::Array>(map), scalar_output);
  }

 private:
  static std::string ScalarText(const arrow::Scalar& scalar) {
    EvalContext ctx;
    auto text = ScalarToSparkString(scalar, ctx);
    return text.ok() ? *text : scalar.ToString();
  }

  ListByIndices keys_, items_;
  std::shared_ptr<arrow::Array> key_values_, item_values_;
  bool last_win_;
  std::unordered_map<std::string, int64_t> seen_;  // key -> its position in the row
  std::string scratch_;
};

Status RequireKeyType(const std::string& name, const std::string& function, const arrow::DataType& key) {
  if (IsOrderable(key)) return Status::OK();
  return AnalysisError("DATATYPE_MISMATCH.INVALID_MAP_KEY_TYPE", {{"sqlExpr", Quoted(name)}, {"keyType", Quoted(types::SqlString(key))}});
}

FunctionInfo MapFunction() {
  return ScalarInfo("map", "map(key0, value0, key1, value1, ...) - Creates a map with the given key/value pairs.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                const std::string name = CallText(called, args);
                if (args.size() % 2 != 0) {
                  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                                       {{"functionName", "`map`"}, {"expectedNum", "2n (n > 0)"},
                                        {"actualNum", std::to_string(args.size())},
                                        {"docroot", "https://spark.apache.org/docs/latest"}});
                }
                std::vector<std::shared_ptr<arrow::DataType>> key_types, value_types;
                for (size_t i = 0; i < args.size(); i += 2) {
                  key_types.push_back(args[i]->type);
                  value_types.push_back(args[i + 1]->type);
                }
                auto key = CommonElementType(key_types);
                auto value = CommonElementType(value_types);
                auto diff = [&](const char* cls, size_t first) {
                  std::string list;
                  for (size_t i = first; i < args.size(); i += 2) {
                    list += (list.empty() ? "" : ", ") + Quoted(types::SqlString(*args[i]->type));
                  }
                  return AnalysisError(cls, {{"sqlExpr", Quoted(name)}, {"functionName", "`map`"}, {"dataType", "[" + list + "]"}});
                };
                if (!key) return diff("DATATYPE_MISMATCH.CREATE_MAP_KEY_DIFF_TYPES", 0);
                if (!value) return diff("DATATYPE_MISMATCH.CREATE_MAP_VALUE_DIFF_TYPES", 1);
                ARROW_RETURN_NOT_OK(RequireKeyType(name, "map", *key));
                bool value_nullable = false;
                for (size_t i = 0; i < args.size(); i += 2) {
                  ARROW_ASSIGN_OR_RAISE(args[i], CoerceTo(args[i], key, ctx));
                  ARROW_ASSIGN_OR_RAISE(args[i + 1], CoerceTo(args[i + 1], value, ctx));
                  value_nullable |= args[i + 1]->nullable;
                }
                auto type = MapOf(key, value, value_nullable);
                auto bound = KernelCall("map", name, args, type, false,
                                  [type, key, value](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                                    const int64_t rows = ResultRows(a, length);
                                    arrow::ArrayVector keys, values;
                                    for (size_t i = 0; i < a.size(); i += 2) {
                                      keys.push_back(ArrayArgument(a[i], rows));
                                      values.push_back(ArrayArgument(a[i + 1], rows));
                                    }
                                    std::shared_ptr<arrow::Array> all_keys, all_values;
                                    if (keys.empty()) {
                                      ARROW_ASSIGN_OR_RAISE(all_keys, arrow::MakeArrayOfNull(key, 0));
                                      ARROW_ASSIGN_OR_RAISE(all_values, arrow::MakeArrayOfNull(value, 0));
                                    } else {
                                      ARROW_ASSIGN_OR_RAISE(all_keys, arrow::Concatenate(keys));
                                      ARROW_ASSIGN_OR_RAISE(all_values, arrow::Concatenate(values));
                                    }
                                    MapByIndices out(rows, all_keys, all_values, ctx);
                                    for (int64_t i = 0; i < rows; ++i) {
                                      for (size_t k = 0; k < keys.size(); ++k) {
                                        ARROW_RETURN_NOT_OK(out.Add(static_cast<int64_t>(k) * rows + i, static_cast<int64_t>(k) * rows + i));
                                      }
                                      out.EndRow();
                                    }
                                    return out.Finish(type, AllScalars(a));
                                  });
                return bound;
              }, /*can_fail=*/true);
}

FunctionInfo MapFromArrays() {
  return ScalarInfo("map_from_arrays",
              "map_from_arrays(keys, values) - Creates a map with a pair of the given key/value arrays. All elements "
              "in keys should not be null",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("map_from_arrays", args, 2, 2));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
                ARROW_RETURN_NOT_OK(RequireArray(name, 1, *args[1]));
                auto type = MapOf(ElementType(*args[0]->type), ElementType(*args[1]->type), ContainsNull(*args[1]->type));
                return KernelCall("map_from_arrays", name, args, type, AnyNullable(args),
                            [type](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto keys = ListArgument(a[0], rows), values = ListArgument(a[1], rows);
                              MapByIndices out(rows, keys->values(), values->values(), ctx);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (keys->IsNull(i) || values->IsNull(i)) {
                                  out.NullRow();
                                  continue;
                                }
                                if (keys->value_length(i) != values->value_length(i)) {
                                  return SparkError(SparkExceptionKind::kRuntime, "MAP_FROM_ARRAYS_DIFFERENT_LENGTHS", {});
                                }
                                for (int64_t k = 0; k < keys->value_length(i); ++k) {
                                  ARROW_RETURN_NOT_OK(out.Add(keys->value_offset(i) + k, values->value_offset(i) + k));
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, AllScalars(a));
                            });
              }, true);
}

FunctionInfo MapFromEntries() {
  return ScalarInfo("map_from_entries", "map_from_entries(arrayOfEntries) - Returns a map created from the given array of entries.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("map_from_entries", args, 1, 1));
                const std::string name = CallText(called, args);
                const auto& t = *args[0]->type;
                if (t.id() != arrow::Type::LIST || ElementType(t)->id() != arrow::Type::STRUCT ||
                    ElementType(t)->num_fields() != 2) {
                  return UnexpectedInputType(name, 0, "\"ARRAY\" of pair \"STRUCT\"", *args[0]);
                }
                const auto& entry = *ElementType(t);
                auto type = MapOf(entry.field(0)->type(), entry.field(1)->type(), entry.field(1)->nullable());
                return KernelCall("map_from_entries", name, args, type, args[0]->nullable || ContainsNull(t),
                            [type](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto list = ListArgument(a[0], rows);
                              const auto& entries = static_cast<const arrow::StructArray&>(*list->values());
                              auto keys = entries.field(0), values = entries.field(1);
                              MapByIndices out(rows, keys, values, ctx);
                              for (int64_t i = 0; i < rows; ++i) {
                                bool null = list->IsNull(i);
                                for (int64_t e = list->value_offset(i); !null && e < list->value_offset(i + 1); ++e) {
                                  null = entries.IsNull(e);
                                }
                                if (null) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t e = list->value_offset(i); e < list->value_offset(i + 1); ++e) {
                                  ARROW_RETURN_NOT_OK(out.Add(e, e));
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, AllScalars(a));
                            });
              }, true);
}

FunctionInfo MapConcat() {
  return ScalarInfo("map_concat", "map_concat(map, ...) - Returns the union of all the given maps",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                const std::string name = CallText(called, args);
                std::vector<std::shared_ptr<arrow::DataType>> types;
                for (size_t k = 0; k < args.size(); ++k) {
                  ARROW_RETURN_NOT_OK(RequireMap(name, static_cast<int>(k), *args[k]));
                  types.push_back(args[k]->type);
                }
                auto type = args.empty() ? MapOf(arrow::utf8(), arrow::utf8(), false) : CommonElementType(types);
                if (!type) {
                  std::string list;
                  for (const auto& a : args) list += (list.empty() ? "" : ", ") + Quoted(types::SqlString(*a->type));
                  return AnalysisError("DATATYPE_MISMATCH.MAP_CONCAT_DIFF_TYPES",
                                       {{"sqlExpr", Quoted(name)}, {"functionName", "`map_concat`"}, {"dataType", "[" + list + "]"}});
                }
                for (auto& a : args) {
                  ARROW_ASSIGN_OR_RAISE(a, CoerceTo(a, type, ctx));
                }
                return KernelCall("map_concat", name, args, type, AnyNullable(args),
                            [type](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              const auto& map_type = static_cast<const arrow::MapType&>(*type);
                              std::vector<std::shared_ptr<arrow::MapArray>> maps;
                              arrow::ArrayVector keys, items;
                              std::vector<int64_t> base;
                              int64_t total = 0;
                              for (const auto& d : a) {
                                maps.push_back(MapArgument(d, rows));
                                keys.push_back(maps.back()->keys());
                                items.push_back(maps.back()->items());
                                base.push_back(total);
                                total += keys.back()->length();
                              }
                              std::shared_ptr<arrow::Array> all_keys, all_items;
                              if (keys.empty()) {
                                ARROW_ASSIGN_OR_RAISE(all_keys, arrow::MakeArrayOfNull(map_type.key_type(), 0));
                                ARROW_ASSIGN_OR_RAISE(all_items, arrow::MakeArrayOfNull(map_type.item_type(), 0));
                              } else {
                                ARROW_ASSIGN_OR_RAISE(all_keys, arrow::Concatenate(keys));
                                ARROW_ASSIGN_OR_RAISE(all_items, arrow::Concatenate(items));
                              }
                              MapByIndices out(rows, all_keys, all_items, ctx);
                              for (int64_t i = 0; i < rows; ++i) {
                                bool null = false;
                                for (const auto& m : maps) null |= m->IsNull(i);
                                if (null) {
                                  out.NullRow();
                                  continue;
                                }
                                for (size_t k = 0; k < maps.size(); ++k) {
                                  for (int64_t e = maps[k]->value_offset(i); e < maps[k]->value_offset(i + 1); ++e) {
                                    ARROW_RETURN_NOT_OK(out.Add(base[k] + e, base[k] + e));
                                  }
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, AllScalars(a));
                            });
              }, true);
}

enum class MapPart { kKeys, kValues, kEntries };

FunctionInfo MapParts(const std::string& function, MapPart part, std::string usage) {
  return ScalarInfo(function, std::move(usage),
              [function, part](const std::string& called, std::vector<BoundExprPtr> args,
                               const EvalContext&) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount(function, args, 1, 1));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireMap(name, 0, *args[0]));
                const auto& map = static_cast<const arrow::MapType&>(*args[0]->type);
                std::shared_ptr<arrow::DataType> type;
                switch (part) {
                  case MapPart::kKeys: type = ArrayOf(map.key_type(), true); break;  // Spark's MapKeys: containsNull
                  case MapPart::kValues: type = ArrayOf(map.item_type(), map.item_field()->nullable()); break;
                  case MapPart::kEntries:
                    type = ArrayOf(arrow::struct_({arrow::field("key", map.key_type(), false),
                                                   arrow::field("value", map.item_type(), map.item_field()->nullable())}),
                                   false);
                    break;
                }
                return KernelCall(function, name, args, type, args[0]->nullable,
                            [part, type](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto m = MapArgument(a[0], rows);
                              std::shared_ptr<arrow::Array> values;
                              if (part == MapPart::kKeys) values = m->keys();
                              if (part == MapPart::kValues) values = m->items();
                              if (part == MapPart::kEntries) {
                                const auto& element = ElementType(*type);
                                values = std::make_shared<arrow::StructArray>(element, m->keys()->length(),
                                                                              arrow::ArrayVector{m->keys(), m->items()});
                              }
                              ListByIndices out(rows);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (m->IsNull(i)) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t e = m->value_offset(i); e < m->value_offset(i + 1); ++e) out.Add(e);
                                out.EndRow();
                              }
                              return out.Finish(type, values, AllScalars(a));
                            });
              });
}

FunctionInfo MapContainsKey() {
  return ScalarInfo("map_contains_key", "map_contains_key(map, key) - Returns true if the map contains the key.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("map_contains_key", args, 2, 2));
                const std::string name = CallText(called, args);
                ARROW_RETURN_NOT_OK(RequireMap(name, 0, *args[0]));
                const auto& map = static_cast<const arrow::MapType&>(*args[0]->type);
                auto key = WiderType(map.key_type(), args[1]->type);
                if (!key) {
                  return AnalysisError("DATATYPE_MISMATCH.MAP_FUNCTION_DIFF_TYPES",
                                       {{"sqlExpr", Quoted(name)}, {"functionName", "`map_contains_key`"},
                                        {"dataType", "\"MAP\""}, {"leftType", Quoted(types::SqlString(*args[0]->type))},
                                        {"rightType", Quoted(types::SqlString(*args[1]->type))}});
                }
                ARROW_ASSIGN_OR_RAISE(args[0], CoerceTo(args[0], MapOf(key, map.item_type(), map.item_field()->nullable()), ctx));
                ARROW_ASSIGN_OR_RAISE(args[1], CoerceTo(args[1], key, ctx));
                return KernelCall("map_contains_key", name, args, arrow::boolean(), AnyNullable(args),
                            [](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto m = MapArgument(a[0], rows);
                              auto k = ArrayArgument(a[1], rows);
                              std::shared_ptr<arrow::Array> all;
                              ARROW_ASSIGN_OR_RAISE(all, arrow::Concatenate({m->keys(), k}));
                              auto order = MakeValueOrder(*all);
                              const int64_t kbase = m->keys()->length();
                              arrow::BooleanBuilder out;
                              for (int64_t i = 0; i < rows; ++i) {
                                if (m->IsNull(i) || k->IsNull(i)) {
                                  ARROW_RETURN_NOT_OK(out.AppendNull());
                                  continue;
                                }
                                bool found = false;
                                for (int64_t e = m->value_offset(i); e < m->value_offset(i + 1) && !found; ++e) {
                                  found = order(e, kbase + i) == 0;
                                }
                                ARROW_RETURN_NOT_OK(out.Append(found));
                              }
                              ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
                              return FinishResult(result, AllScalars(a));
                            });
              });
}

/// Splits `text` at each occurrence of `delimiter` (a literal string).
std::vector<std::string_view> SplitLiteral(std::string_view text, std::string_view delimiter) {
  std::vector<std::string_view> parts;
  if (delimiter.empty()) {
    for (size_t i = 0; i < text.size(); ++i) parts.push_back(text.substr(i, 1));
    return parts;
  }
  size_t start = 0;
  while (true) {
    size_t at = text.find(delimiter, start);
    if (at == std::string_view::npos) break;
    parts.push_back(text.substr(start, at - start));
    start = at + delimiter.size();
  }
  parts.push_back(text.substr(start));
  return parts;
}

bool IsRegexLiteral(std::string_view s) { return s.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos; }

FunctionInfo StrToMap() {
  return ScalarInfo("str_to_map",
              "str_to_map(text[, pairDelim[, keyValueDelim]]) - Creates a map after splitting the text into key/value "
              "pairs using delimiters. Default delimiters are ',' for `pairDelim` and ':' for `keyValueDelim`. Both "
              "`pairDelim` and `keyValueDelim` are treated as regular expressions.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("str_to_map", args, 1, 3));
                if (args.size() < 2) args.push_back(plan::BoundExpr::Literal(std::make_shared<arrow::StringScalar>(","), ","));
                if (args.size() < 3) args.push_back(plan::BoundExpr::Literal(std::make_shared<arrow::StringScalar>(":"), ":"));
                const std::string name = CallText(called, args);
                for (auto& a : args) {
                  ARROW_ASSIGN_OR_RAISE(a, CastStringArgument(a, ctx));
                }
                // Spark's delimiters are Java regular expressions; sk8 splits at
                // plain strings (any without regex metacharacters) and says so for others.
                auto check_delimiter = [](std::string_view delimiter) -> Status {
                  if (IsRegexLiteral(delimiter)) return Status::OK();
                  return Unsupported("str_to_map with a regular expression delimiter ('" + std::string(delimiter) + "')");
                };
                for (size_t k = 1; k < 3; ++k) {
                  const auto& lit = args[k]->literal;
                  if (args[k]->kind == plan::BoundKind::kLiteral && lit->is_valid) {
                    ARROW_RETURN_NOT_OK(check_delimiter(static_cast<const arrow::StringScalar&>(*lit).view()));
                  }
                }
                auto type = MapOf(arrow::utf8(), arrow::utf8(), true);
                const bool nullable = args[0]->nullable || args[1]->nullable || args[2]->nullable;
                return KernelCall("str_to_map", name, args, type, nullable,
                            [type, check_delimiter](const Args& a, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                              const int64_t rows = ResultRows(a, length);
                              auto text = std::static_pointer_cast<arrow::StringArray>(ArrayArgument(a[0], rows));
                              // Per-row delimiters (columns or expressions); a NULL one makes the row NULL.
                              auto pairs = std::static_pointer_cast<arrow::StringArray>(ArrayArgument(a[1], rows));
                              auto kvs = std::static_pointer_cast<arrow::StringArray>(ArrayArgument(a[2], rows));
                              auto row_valid = [&](int64_t i) { return text->IsValid(i) && pairs->IsValid(i) && kvs->IsValid(i); };
                              arrow::StringBuilder keys, values;
                              std::vector<std::pair<int64_t, int64_t>> row_ranges;
                              for (int64_t i = 0; i < rows; ++i) {
                                int64_t begin = keys.length();
                                if (row_valid(i)) {
                                  const auto pair = pairs->GetView(i);
                                  const auto kv = kvs->GetView(i);
                                  ARROW_RETURN_NOT_OK(check_delimiter(pair));
                                  ARROW_RETURN_NOT_OK(check_delimiter(kv));
                                  for (auto p : SplitLiteral(text->GetView(i), pair)) {
                                    size_t at = kv.empty() ? (p.empty() ? std::string_view::npos : 1) : p.find(kv);
                                    if (at == std::string_view::npos) {
                                      ARROW_RETURN_NOT_OK(keys.Append(p));
                                      ARROW_RETURN_NOT_OK(values.AppendNull());
                                    } else {
                                      ARROW_RETURN_NOT_OK(keys.Append(p.substr(0, at)));
                                      ARROW_RETURN_NOT_OK(values.Append(p.substr(at + kv.size())));
                                    }
                                  }
                                }
                                row_ranges.emplace_back(begin, keys.length());
                              }
                              ARROW_ASSIGN_OR_RAISE(auto all_keys, keys.Finish());
                              ARROW_ASSIGN_OR_RAISE(auto all_values, values.Finish());
                              MapByIndices out(rows, all_keys, all_values, ctx);
                              for (int64_t i = 0; i < rows; ++i) {
                                if (!row_valid(i)) {
                                  out.NullRow();
                                  continue;
                                }
                                for (int64_t e = row_ranges[i].first; e < row_ranges[i].second; ++e) {
                                  ARROW_RETURN_NOT_OK(out.Add(e, e));
                                }
                                out.EndRow();
                              }
                              return out.Finish(type, AllScalars(a));
                            });
              }, true);
}

// --- structs ---------------------------------------------------------------------------

/// update_fields(struct, 'a.b'[, value]) (Column.withField / dropFields): the
/// struct with field a.b set to value (replacing every field of that name, or
/// added last) or, without a value, dropped; NULL where the struct is NULL.
/// Consecutive updates read as one call, as Spark names them.
FunctionInfo UpdateFields() {
  return ScalarInfo("update_fields", "update_fields(struct, field[, value]) - Sets or drops a field of a struct.",
              [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                ARROW_RETURN_NOT_OK(CheckCount("update_fields", args, 2, 3));
                const bool drop = args.size() == 2;
                std::string path_text;
                if (!LiteralString(*args[1], &path_text)) return Unsupported("update_fields with a non-literal field name");
                const BoundExprPtr& target = args[0];
                const bool merged = target->kind == plan::BoundKind::kCall && target->function_name == "update_fields";
                auto call_name = [&](const BoundExprPtr& value) {
                  const std::string operation = value ? "WithField(" + value->name + ")" : "dropfield()";
                  return merged ? target->name.substr(0, target->name.size() - 1) + ", " + operation + ")"
                                : "update_fields(" + target->name + ", " + operation + ")";
                };
                std::string name = call_name(drop ? nullptr : args[2]);
                if (target->type->id() != arrow::Type::STRUCT) {
                  return AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                                       {{"sqlExpr", Quoted(name)}, {"paramIndex", "first"},
                                        {"inputSql", Quoted(target->name)}, {"inputType", Quoted(types::SqlString(*target->type))},
                                        {"requiredType", "\"STRUCT\""}});
                }
                const size_t dot = path_text.find('.');
                const std::string field = path_text.substr(0, dot);
                BoundExprPtr value = drop ? nullptr : args[2];
                const auto& fields = target->type->fields();
                if (dot != std::string::npos) {
                  // a.b: update field a (a struct) in turn.
                  int found = -1;
                  for (int f = 0; f < static_cast<int>(fields.size()); ++f) {
                    if (arrow::internal::AsciiEqualsCaseInsensitive(fields[f]->name(), field)) found = f;
                  }
                  if (found < 0 && drop) return target;  // nothing to drop
                  BoundExprPtr inner;
                  if (found >= 0) {
                    ARROW_ASSIGN_OR_RAISE(inner, BindFunctionCall("extract_value", {target, StringLiteral(fields[found]->name())}, ctx));
                  } else {
                    return AnalysisError("FIELD_NOT_FOUND", {{"fieldName", QuoteIdentifier(field)}, {"fields", ""}});
                  }
                  std::vector<BoundExprPtr> inner_args = {inner, StringLiteral(path_text.substr(dot + 1))};
                  if (!drop) inner_args.push_back(args[2]);
                  ARROW_ASSIGN_OR_RAISE(value, BindFunctionCall("update_fields", std::move(inner_args), ctx));
                }
                // A nested update names the inner call as its value, as Spark does.
                if (dot != std::string::npos && value) name = call_name(value);
                // The result's fields: each input field (or the new value where the name matches), then the new one.
                arrow::FieldVector out_fields;
                std::vector<int> sources;  // input field index, or -1 for the value
                bool replaced = false;
                for (int f = 0; f < static_cast<int>(fields.size()); ++f) {
                  if (!arrow::internal::AsciiEqualsCaseInsensitive(fields[f]->name(), field)) {
                    out_fields.push_back(fields[f]);
                    sources.push_back(f);
                  } else if (value) {
                    out_fields.push_back(arrow::field(dot == std::string::npos ? field : fields[f]->name(), value->type,
                                                      value->nullable));
                    sources.push_back(-1);
                    replaced = true;
                  }
                }
                if (value && !replaced) {
                  out_fields.push_back(arrow::field(field, value->type, value->nullable));
                  sources.push_back(-1);
                }
                if (out_fields.empty()) {
                  return AnalysisError("DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS", {{"sqlExpr", Quoted(name)}});
                }
                auto type = arrow::struct_(out_fields);
                std::vector<BoundExprPtr> call_args = {target};
                if (value) call_args.push_back(value);
                auto kernel = std::make_shared<LambdaKernel>(
                    [type, sources](const Args& a, int64_t length, const EvalContext&) -> Result<Datum> {
                      const int64_t rows = ResultRows(a, length);
                      auto input = ArrayArgument(a[0], rows);
                      const auto& data = *input->data();
                      std::shared_ptr<arrow::Array> value;
                      if (a.size() > 1) value = ArrayArgument(a[1], rows);
                      arrow::ArrayVector children;
                      for (int source : sources) {
                        if (source < 0) {
                          children.push_back(value);
                        } else {
                          children.push_back(arrow::MakeArray(data.child_data[source])->Slice(data.offset, rows));
                        }
                      }
                      std::shared_ptr<arrow::Buffer> validity;
                      if (input->null_count() > 0) {
                        ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(),
                                                                                    input->null_bitmap_data(),
                                                                                    input->offset(), rows));
                      }
                      auto out = std::make_shared<arrow::StructArray>(type, rows, children, validity, input->null_count());
                      return FinishResult(std::shared_ptr<arrow::Array>(out), AllScalars(a));
                    });
                return plan::BoundExpr::Call("update_fields", kernel, std::move(call_args), type, target->nullable, name);
              });
}


Result<Datum> MakeStruct(const std::shared_ptr<arrow::DataType>& type, const Args& a, int64_t length) {
  const int64_t rows = ResultRows(a, length);
  arrow::ArrayVector children;
  for (const auto& d : a) children.push_back(ArrayArgument(d, rows));
  auto st = std::make_shared<arrow::StructArray>(type, rows, children);
  return FinishResult(std::shared_ptr<arrow::Array>(st), AllScalars(a));
}

/// The field name Spark gives a struct() argument: a column's (or alias's) name,
/// else colN (the analyzer marks those arguments' names as generated).
std::string StructFieldName(const plan::BoundExpr& arg, size_t index) {
  if (arg.kind == plan::BoundKind::kColumnRef) return arg.name;
  if (arg.auto_alias) return "col" + std::to_string(index + 1);
  const bool field = arg.function_name == "get_struct_field" ||
                     (arg.function_name == "extract_value" && arg.args[0]->type->id() == arrow::Type::STRUCT);
  if (field) return arg.name.substr(arg.name.rfind('.') + 1);  // s.a: the field's name
  if (arg.function_name == "extract_value" && arg.args[0]->type->id() == arrow::Type::MAP &&
      arg.args[1]->kind == plan::BoundKind::kLiteral && types::IsStringLike(*arg.args[1]->type)) {
    return arg.args[1]->name;  // m['k']: the key
  }
  if (arg.function_name == "extract_value") return "col" + std::to_string(index + 1);  // a[0], m[1]
  return arg.name;
}

FunctionInfo StructFunction() {
  return ScalarInfo("struct", "struct(col1, col2, col3, ...) - Creates a struct with the given field values.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
                arrow::FieldVector fields;
                for (size_t i = 0; i < args.size(); ++i) {
                  fields.push_back(arrow::field(StructFieldName(*args[i], i), args[i]->type, args[i]->nullable));
                }
                auto type = arrow::struct_(fields);
                return KernelCall("struct", CallText(called, args), args, type, false,
                            [type](const Args& a, int64_t length, const EvalContext&) { return MakeStruct(type, a, length); });
              });
}

FunctionInfo NamedStruct() {
  return ScalarInfo("named_struct", "named_struct(name1, val1, name2, val2, ...) - Creates a struct with the given field names and values.",
              [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
                const std::string name = CallText(called, args);
                if (args.empty() || args.size() % 2 != 0) {
                  return AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                                       {{"functionName", "`named_struct`"}, {"expectedNum", "2n (n > 0)"},
                                        {"actualNum", std::to_string(args.size())},
                                        {"docroot", "https://spark.apache.org/docs/latest"}});
                }
                arrow::FieldVector fields;
                std::vector<BoundExprPtr> values;
                for (size_t i = 0; i < args.size(); i += 2) {
                  const auto& n = args[i];
                  if (n->kind != plan::BoundKind::kLiteral || !types::IsStringLike(*n->type) || !n->literal->is_valid) {
                    return AnalysisError("DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING",
                                         {{"sqlExpr", Quoted(name)}, {"inputExprs", "[" + Quoted(n->name) + "]"}});
                  }
                  fields.push_back(arrow::field(std::string(static_cast<const arrow::StringScalar&>(*n->literal).view()),
                                                args[i + 1]->type, args[i + 1]->nullable));
                  values.push_back(args[i + 1]);
                }
                auto type = arrow::struct_(fields);
                // Only the values are evaluated; the name keeps all arguments.
                return KernelCall("named_struct", name, values, type, false,
                            [type](const Args& a, int64_t length, const EvalContext&) { return MakeStruct(type, a, length); });
              });
}

class FieldKernel : public plan::ScalarKernel {
 public:
  explicit FieldKernel(int index) : index_(index) {}
  Result<Datum> Execute(const Args& a, int64_t length, const EvalContext&) const override {
    if (a[0].is_scalar()) {
      const auto& st = static_cast<const arrow::StructScalar&>(*a[0].scalar());
      if (!st.is_valid) {
        return Datum(arrow::MakeNullScalar(st.type->field(index_)->type()));
      }
      return Datum(st.value[static_cast<size_t>(index_)]);
    }
    if (a[0].type()->id() == arrow::Type::LIST) {
      // An array of structs: the field of every element, as an array.
      auto list = ListArgument(a[0], length);
      const auto& structs = static_cast<const arrow::StructArray&>(*list->values());
      ARROW_ASSIGN_OR_RAISE(auto field, structs.GetFlattenedField(index_));
      auto type = ArrayOf(field->type(), true);
      auto out = std::make_shared<arrow::ListArray>(type, list->length(), list->value_offsets(), field,
                                                    list->null_bitmap(), list->null_count(), list->offset());
      return Datum(std::shared_ptr<arrow::Array>(out));
    }
    auto st = std::static_pointer_cast<arrow::StructArray>(a[0].make_array());
    ARROW_ASSIGN_OR_RAISE(auto field, st->GetFlattenedField(index_));
    return Datum(field);
  }

 private:
  int index_;
};

}  // namespace

/// base.field, base[key], base[index]: a struct's field (by a string literal,
/// case-insensitively), an array of structs' field of each element, an array's
/// element (0-based), a map's value.
Result<BoundExprPtr> BindExtractValue(std::vector<BoundExprPtr> args, const EvalContext& ctx, bool dotted) {
  const auto& base = args[0];
  const auto& key = args[1];
  const bool struct_like = base->type->id() == arrow::Type::STRUCT ||
                           (base->type->id() == arrow::Type::LIST && ElementType(*base->type)->id() == arrow::Type::STRUCT &&
                            types::IsStringLike(*key->type));
  if (struct_like) {
    if (key->kind != plan::BoundKind::kLiteral || !types::IsStringLike(*key->type) || !key->literal->is_valid) {
      return AnalysisError("INVALID_EXTRACT_FIELD_TYPE", {{"extraction", Quoted(key->name)}});
    }
    std::string wanted(static_cast<const arrow::StringScalar&>(*key->literal).view());
    const bool over_array = base->type->id() == arrow::Type::LIST;
    const auto& st = over_array ? *ElementType(*base->type) : *base->type;
    int found = -1;
    for (int f = 0; f < st.num_fields(); ++f) {
      if (found < 0 && sql::EqualsIgnoreCase(st.field(f)->name(), wanted)) found = f;
    }
    if (found < 0) {
      std::string fields;
      for (int f = 0; f < st.num_fields(); ++f) fields += (f ? ", " : "") + ("`" + st.field(f)->name() + "`");
      return AnalysisError("FIELD_NOT_FOUND", {{"fieldName", "`" + wanted + "`"}, {"fields", fields}});
    }
    const auto& field = st.field(found);
    auto type = over_array ? ArrayOf(field->type(), ContainsNull(*base->type) || field->nullable()) : field->type();
    std::string name = base->name + "." + field->name();
    (void)dotted;
    return plan::BoundExpr::Call("get_struct_field", std::make_shared<FieldKernel>(found), {base}, type,
                                 base->nullable || field->nullable(), name);
  }
  if (base->type->id() != arrow::Type::LIST && base->type->id() != arrow::Type::MAP) {
    return AnalysisError("INVALID_EXTRACT_BASE_FIELD_TYPE",
                         {{"base", Quoted(base->name)}, {"other", Quoted(types::SqlString(*base->type))}});
  }
  return BindBracketAccess("extract_value", std::move(args), ctx);
}

void RegisterMapStructFunctions(FunctionRegistry& registry) {
  registry.Add(MapFunction());
  registry.Add(MapFromArrays());
  registry.Add(MapFromEntries());
  registry.Add(MapConcat());
  registry.Add(MapParts("map_keys", MapPart::kKeys, "map_keys(map) - Returns an unordered array containing the keys of the map."));
  registry.Add(MapParts("map_values", MapPart::kValues, "map_values(map) - Returns an unordered array containing the values of the map."));
  registry.Add(MapParts("map_entries", MapPart::kEntries, "map_entries(map) - Returns an unordered array of all entries in the given map."));
  registry.Add(MapContainsKey());
  registry.Add(StrToMap());
  registry.Add(UpdateFields());
  registry.Add(StructFunction());
  registry.Add(NamedStruct());
  FunctionInfo extract;
  extract.name = "extract_value";
  extract.usage = "expr[key], expr.field - A struct's field, an array's element (0-based) or a map's value.";
  extract.bind_scalar = [](const std::string&, std::vector<BoundExprPtr> args,
                           const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount("extract_value", "2", args.size());
    return BindExtractValue(std::move(args), ctx, false);
  };
  registry.Add(extract);
}

}  // namespace sk8::functions
