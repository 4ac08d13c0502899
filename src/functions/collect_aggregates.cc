// collect_list / array_agg and collect_set: a group's non-NULL values as an
// ARRAY; listagg / string_agg: those values joined by a delimiter; mode: a group's most frequent value. Accumulators keep the input chunks they saw and, per group, which
// rows of which chunk belong to it; Finalize picks them with one Take. Merge
// adopts the other accumulator's chunks, so the final phase copies no values.
#include <unordered_map>
#include <unordered_set>

#include <arrow/compute/api_vector.h>

#include <arrow/array/concatenate.h>

#include "functions/aggregate_util.h"
#include "functions/cast.h"
#include "functions/collection_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::GroupedAccumulator;

/// The input chunks an accumulator keeps, so that Finalize can pick values
/// from them with one Take (rows are named by chunk and row).
class KeptChunks {
 public:
  /// Keeps `chunk`; its index.
  uint32_t Add(std::shared_ptr<arrow::Array> chunk) {
    chunks_.push_back(std::move(chunk));
    return static_cast<uint32_t>(chunks_.size() - 1);
  }
  /// Takes over `other`'s chunks (unless it is this); the index its first one now has.
  uint32_t Adopt(const KeptChunks& other) {
    if (&other == this) return 0;
    const auto base = static_cast<uint32_t>(chunks_.size());
    chunks_.insert(chunks_.end(), other.chunks_.begin(), other.chunks_.end());
    return base;
  }
  const arrow::Array& at(uint32_t chunk) const { return *chunks_[chunk]; }
  int64_t MemoryUsage() const {
    int64_t bytes = 0;
    for (const auto& c : chunks_) bytes += c->length() * 16;
    return bytes;
  }
  /// All chunks as one array of `type`, and where each chunk starts in it.
  Result<std::shared_ptr<arrow::Array>> Concatenated(const std::shared_ptr<arrow::DataType>& type,
                                                     std::vector<int64_t>* starts) const {
    int64_t total = 0;
    for (const auto& c : chunks_) {
      starts->push_back(total);
      total += c->length();
    }
    if (chunks_.empty()) return arrow::MakeArrayOfNull(type, 0);
    return arrow::Concatenate(chunks_);
  }

 private:
  arrow::ArrayVector chunks_;
};

class CollectAccumulator : public GroupedAccumulator {
 public:
  CollectAccumulator(std::shared_ptr<arrow::DataType> element, bool distinct)
      : element_(std::move(element)), distinct_(distinct) {}

  void Resize(int64_t n) override {
    rows_.resize(static_cast<size_t>(n));
    if (distinct_) keys_.resize(static_cast<size_t>(n));
  }
  int64_t MemoryUsage() const override {
    return NestedCapacityBytes(rows_) + chunks_.MemoryUsage();
  }

  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    auto values = ArrayArgument(args[0], rows);
    if (values->type_id() == arrow::Type::NA) return Status::OK();  // NULLs only: nothing to collect
    const uint32_t chunk = chunks_.Add(values);
    ForEachValid(*values, rows, [&](int64_t i) { Add(groups[i], {chunk, i}, *values); });
    return Status::OK();
  }

  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const CollectAccumulator&>(other);
    const uint32_t chunk_base = chunks_.Adopt(o.chunks_);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      const auto from = o.rows_[g];  // a copy: `other` may be this accumulator
      for (const auto& [chunk, row] : from) {
        Add(map[i], {chunk + chunk_base, row}, chunks_.at(chunk + chunk_base));
      }
    });
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::vector<int64_t> base;
    ARROW_ASSIGN_OR_RAISE(auto all, chunks_.Concatenated(element_, &base));
    ListByIndices out(static_cast<int64_t>(rows_.size()));
    for (const auto& group : rows_) {
      for (const auto& [chunk, row] : group) out.Add(base[chunk] + row);
      out.EndRow();
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish(ArrayOf(element_, false), all, false));
    return result.make_array();
  }

 private:
  struct Ref {
    uint32_t chunk;
    int64_t row;
  };

  void Add(uint32_t group, Ref ref, const arrow::Array& values) {
    if (distinct_) {
      key_.clear();
      AppendValueKey(values, ref.row, &key_);
      if (!keys_[group].insert(key_).second) return;
    }
    rows_[group].push_back(ref);
  }

  std::shared_ptr<arrow::DataType> element_;
  bool distinct_;
  KeptChunks chunks_;
  std::vector<std::vector<Ref>> rows_;
  std::vector<std::unordered_set<std::string>> keys_;
  std::string key_;
};

FunctionInfo Collect(std::string name, std::vector<std::string> aliases, bool set, std::string usage) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.can_fail = false;
  info.bind_aggregate = [info_copy = info, set](const std::string& called, std::vector<BoundExprPtr> args,
                                                bool distinct, const EvalContext&) -> Result<BoundAggregate> {
    if (args.size() != 1) return WrongArgs(called, args.size(), "1");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    // array_agg is named collect_list in Spark's column names.
    agg.name = AggregateName(info_copy, info_copy.name, args, distinct);
    if (set && !IsOrderable(*args[0]->type)) {
      return AnalysisError("DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE",
                           {{"sqlExpr", "\"" + agg.name + "\""}, {"functionName", "`collect_set`"},
                            {"dataType", "\"" + types::SqlString(*args[0]->type) + "\""}});
    }
    agg.distinct = distinct;
    agg.type = ArrayOf(args[0]->type, false);
    agg.nullable = false;
    agg.kernel = MakeFactoryKernel<CollectAccumulator>(args[0]->type, set || distinct);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// listagg(x[, delimiter]): the collected values of a group joined, NULL for none.
class ListAggAccumulator : public CollectAccumulator {
 public:
  ListAggAccumulator(std::shared_ptr<arrow::DataType> element, bool distinct, std::string delimiter)
      : CollectAccumulator(element, distinct), binary_(element->id() == arrow::Type::BINARY),
        delimiter_(std::move(delimiter)) {}

  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) override {
    ARROW_ASSIGN_OR_RAISE(auto lists, CollectAccumulator::Finalize(ctx));
    const auto& list = static_cast<const arrow::ListArray&>(*lists);
    const auto& values = static_cast<const arrow::BinaryArray&>(*list.values());
    std::unique_ptr<arrow::ArrayBuilder> builder;
    if (binary_) {
      builder = std::make_unique<arrow::BinaryBuilder>();
    } else {
      builder = std::make_unique<arrow::StringBuilder>();
    }
    auto& out = static_cast<arrow::BinaryBuilder&>(*builder);
    std::string joined;
    for (int64_t g = 0; g < list.length(); ++g) {
      if (list.value_length(g) == 0) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      joined.clear();
      for (int64_t i = list.value_offset(g); i < list.value_offset(g + 1); ++i) {
        if (i > list.value_offset(g)) joined += delimiter_;
        joined.append(values.GetView(i));
      }
      ARROW_RETURN_NOT_OK(out.Append(joined));
    }
    return builder->Finish();
  }

 private:
  bool binary_;
  std::string delimiter_;
};

FunctionInfo ListAgg(std::string name) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = info.name + "(expr[, delimiter]) - Returns the concatenation of non-NULL input values, separated by "
               "the delimiter.";
  info.can_fail = false;
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    if (args.size() == 1) args.push_back(plan::BoundExpr::Literal(arrow::MakeNullScalar(arrow::null()), "NULL"));
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    // Strings and binaries are joined as they are; anything else as a string.
    for (auto& a : args) {
      if (a->type->id() != arrow::Type::BINARY && a->type->id() != arrow::Type::NA && !types::IsStringLike(*a->type)) {
        ARROW_ASSIGN_OR_RAISE(a, BindCast(a, arrow::utf8(), plan::CastMode::kDefault, /*implicit=*/true, ctx));
      }
    }
    const auto& delimiter = args[1];
    bool reads_columns = false;
    plan::ForEachColumnId(*delimiter, [&](int64_t) { reads_columns = true; });
    if (delimiter->kind == plan::BoundKind::kColumnRef || reads_columns || !plan::IsDeterministic(*delimiter)) {
      return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                           {{"sqlExpr", "\"" + agg.name + "\""}, {"inputName", "`delimiter`"},
                            {"inputType", "\"STRING\""}, {"inputExpr", "\"" + delimiter->name + "\""}});
    }
    const bool binary = args[0]->type->id() == arrow::Type::BINARY;
    if (delimiter->type->id() != arrow::Type::NA && (delimiter->type->id() == arrow::Type::BINARY) != binary) {
      return AnalysisError("DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                           {{"sqlExpr", "\"" + agg.name + "\""}, {"functionName", "`listagg`"},
                            {"dataType", "(\"BINARY\" or \"STRING\")"}});
    }
    std::string separator;
    ARROW_ASSIGN_OR_RAISE(auto value, plan::EvaluateConstant(*delimiter, ctx));
    if (value->is_valid && delimiter->type->id() != arrow::Type::NA) {
      separator = std::string(static_cast<const arrow::BaseBinaryScalar&>(*value).view());
    }
    agg.distinct = distinct;
    agg.type = binary ? arrow::binary() : arrow::utf8();
    agg.nullable = true;
    agg.kernel = MakeFactoryKernel<ListAggAccumulator>(args[0]->type, distinct, separator);
    args.pop_back();
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

/// mode(x[, deterministic]): per group, each distinct value's count and first
/// row (in the chunks it keeps, as CollectAccumulator does). Among values of
/// equal count it answers the lowest: what Spark guarantees with
/// deterministic = true, and one of the answers it may give without.
class ModeAccumulator : public GroupedAccumulator {
 public:
  explicit ModeAccumulator(std::shared_ptr<arrow::DataType> type) : type_(std::move(type)) {}

  void Resize(int64_t n) override { counts_.resize(static_cast<size_t>(n)); }
  int64_t MemoryUsage() const override {
    int64_t bytes = chunks_.MemoryUsage();
    for (const auto& group : counts_) bytes += static_cast<int64_t>(group.size()) * 64;
    return bytes;
  }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    auto values = ArrayArgument(args[0], rows);
    if (values->type_id() == arrow::Type::NA) return Status::OK();
    const uint32_t chunk = chunks_.Add(values);
    ForEachValid(*values, rows, [&](int64_t i) { Count(groups[i], {chunk, i, 1}, *values); });
    return Status::OK();
  }
  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const ModeAccumulator&>(other);
    const uint32_t chunk_base = chunks_.Adopt(o.chunks_);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      const auto from = o.counts_[g];  // a copy: `other` may be this accumulator
      for (const auto& [key, entry] : from) {
        Entry moved = entry;
        moved.chunk += chunk_base;
        Count(map[i], moved, chunks_.at(moved.chunk));
      }
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::vector<int64_t> base;
    ARROW_ASSIGN_OR_RAISE(auto all, chunks_.Concatenated(type_, &base));
    arrow::Int64Builder picks;
    for (const auto& group : counts_) {
      int64_t best = 0;
      std::vector<int64_t> tied;
      for (const auto& [key, entry] : group) {
        if (entry.count > best) tied.clear();
        if (entry.count >= best) {
          best = entry.count;
          tied.push_back(base[entry.chunk] + entry.row);
        }
      }
      if (tied.empty()) {
        ARROW_RETURN_NOT_OK(picks.AppendNull());
        continue;
      }
      int64_t pick = tied.front();
      if (tied.size() > 1) {
        arrow::Int64Builder candidates;
        ARROW_RETURN_NOT_OK(candidates.AppendValues(tied));
        ARROW_ASSIGN_OR_RAISE(auto indices, candidates.Finish());
        ARROW_ASSIGN_OR_RAISE(Datum taken, arrow::compute::Take(all, indices));
        ARROW_ASSIGN_OR_RAISE(auto order, arrow::compute::SortIndices(*taken.make_array()));
        pick = tied[static_cast<size_t>(static_cast<const arrow::UInt64Array&>(*order).Value(0))];
      }
      ARROW_RETURN_NOT_OK(picks.Append(pick));
    }
    ARROW_ASSIGN_OR_RAISE(auto indices, picks.Finish());
    ARROW_ASSIGN_OR_RAISE(Datum result, arrow::compute::Take(all, indices));
    return result.make_array();
  }

 private:
  struct Entry {
    uint32_t chunk;
    int64_t row;
    int64_t count;
  };
  void Count(uint32_t group, Entry entry, const arrow::Array& values) {
    key_.clear();
    AppendValueKey(values, entry.row, &key_);
    auto [it, inserted] = counts_[group].try_emplace(key_, entry);
    if (!inserted) it->second.count += entry.count;
  }

  std::shared_ptr<arrow::DataType> type_;
  KeptChunks chunks_;
  std::vector<std::unordered_map<std::string, Entry>> counts_;
  std::string key_;
};

FunctionInfo Mode() {
  FunctionInfo info;
  info.name = "mode";
  info.kind = FunctionKind::kAggregate;
  info.usage = "mode(col[, deterministic]) - Returns the most frequent value for the values within `col`. NULL "
               "values are ignored. If all the values are NULL, or there are 0 rows, returns NULL.";
  info.bind_aggregate = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args, bool distinct,
                                           const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.empty() || args.size() > 2) return WrongArgs(called, args.size(), "[1, 2]");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, {args[0]}, distinct);
    if (args.size() == 2) {
      if (args[1]->kind != plan::BoundKind::kLiteral || args[1]->type->id() != arrow::Type::BOOL) {
        return AnalysisError("NON_FOLDABLE_ARGUMENT", {{"funcName", "`mode`"}, {"paramName", "`deterministic`"},
                                                      {"paramType", "\"BOOLEAN\""}});
      }
      const auto& flag = static_cast<const arrow::BooleanScalar&>(*args[1]->literal);
      // Spark 4 names the deterministic form as the ordered-set aggregate it is.
      if (flag.is_valid && flag.value) agg.name = "mode() WITHIN GROUP (ORDER BY " + args[0]->name + " DESC)";
      args.pop_back();
    }
    agg.distinct = distinct;
    agg.type = args[0]->type;
    agg.nullable = true;
    agg.kernel = MakeFactoryKernel<ModeAccumulator>(args[0]->type);
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterCollectAggregates(FunctionRegistry& registry) {
  registry.Add(Mode());
  registry.Add(ListAgg("listagg"));
  registry.Add(ListAgg("string_agg"));
  registry.Add(Collect("collect_list", {"array_agg"}, false,
                       "collect_list(expr) - Collects and returns a list of non-unique elements."));
  registry.Add(Collect("collect_set", {}, true, "collect_set(expr) - Collects and returns a set of unique elements."));
}

}  // namespace sk8::functions
