// collect_list / array_agg and collect_set: a group's non-NULL values as an
// ARRAY. Accumulators keep the input chunks they saw and, per group, which
// rows of which chunk belong to it; Finalize picks them with one Take. Merge
// adopts the other accumulator's chunks, so the final phase copies no values.
#include <unordered_set>

#include <arrow/array/concatenate.h>

#include "functions/aggregate_util.h"
#include "functions/collection_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::GroupedAccumulator;

class CollectAccumulator : public GroupedAccumulator {
 public:
  CollectAccumulator(std::shared_ptr<arrow::DataType> element, bool distinct)
      : element_(std::move(element)), distinct_(distinct) {}

  void Resize(int64_t n) override {
    rows_.resize(static_cast<size_t>(n));
    if (distinct_) keys_.resize(static_cast<size_t>(n));
  }
  int64_t MemoryUsage() const override {
    int64_t bytes = CapacityBytes(rows_);
    for (const auto& r : rows_) bytes += CapacityBytes(r);
    for (const auto& c : chunks_) bytes += c->length() * 16;
    return bytes;
  }

  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    auto values = ArrayArgument(args[0], rows);
    if (values->type_id() == arrow::Type::NA) return Status::OK();  // NULLs only: nothing to collect
    const auto chunk = static_cast<uint32_t>(chunks_.size());
    chunks_.push_back(values);
    ForEachValid(*values, rows, [&](int64_t i) { Add(groups[i], {chunk, i}, *values); });
    return Status::OK();
  }

  Status Merge(const GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const CollectAccumulator&>(other);
    uint32_t chunk_base = 0;
    if (&o != this) {
      chunk_base = static_cast<uint32_t>(chunks_.size());
      chunks_.insert(chunks_.end(), o.chunks_.begin(), o.chunks_.end());
    }
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      const auto from = o.rows_[g];  // a copy: `other` may be this accumulator
      for (const auto& [chunk, row] : from) {
        Add(map[i], {chunk + chunk_base, row}, *chunks_[chunk + chunk_base]);
      }
    });
    return Status::OK();
  }

  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override {
    std::vector<int64_t> base;
    int64_t total = 0;
    for (const auto& c : chunks_) {
      base.push_back(total);
      total += c->length();
    }
    std::shared_ptr<arrow::Array> all;
    if (chunks_.empty()) {
      ARROW_ASSIGN_OR_RAISE(all, arrow::MakeArrayOfNull(element_, 0));
    } else {
      ARROW_ASSIGN_OR_RAISE(all, arrow::Concatenate(chunks_));
    }
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
  arrow::ArrayVector chunks_;
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

}  // namespace

void RegisterCollectAggregates(FunctionRegistry& registry) {
  registry.Add(Collect("collect_list", {"array_agg"}, false,
                       "collect_list(expr) - Collects and returns a list of non-unique elements."));
  registry.Add(Collect("collect_set", {}, true, "collect_set(expr) - Collects and returns a set of unique elements."));
}

}  // namespace sk8::functions
