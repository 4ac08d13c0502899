// Hash aggregation in two phases: each thread aggregates its morsels into a local
// table of groups (partial), then Combine() merges the partials into the global
// table (final). Without GROUP BY there is exactly one group, even for no input.
#include <arrow/builder.h>

#include <cmath>
#include <limits>
#include <unordered_map>

#include "exec/expression_executor.h"
#include "exec/operators.h"
#include "exec/row_key.h"

namespace sk8::exec {
namespace {

template <typename ArrowType>
std::shared_ptr<arrow::Array> NormalizeFloats(const std::shared_ptr<arrow::Array>& array) {
  using T = typename ArrowType::c_type;
  const auto& typed = static_cast<const arrow::NumericArray<ArrowType>&>(*array);
  bool needed = false;
  for (int64_t i = 0; i < typed.length() && !needed; ++i) {
    T v = typed.Value(i);
    needed = (v == 0 && std::signbit(v)) || std::isnan(v);
  }
  if (!needed) return array;
  arrow::NumericBuilder<ArrowType> builder;
  (void)builder.Reserve(typed.length());
  for (int64_t i = 0; i < typed.length(); ++i) {
    if (typed.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    T v = typed.Value(i);
    if (v == 0) v = 0;
    if (std::isnan(v)) v = std::numeric_limits<T>::quiet_NaN();
    builder.UnsafeAppend(v);
  }
  return *builder.Finish();
}

Result<std::shared_ptr<arrow::Array>> NormalizeFloatingKeys(const std::shared_ptr<arrow::Array>& array) {
  switch (array->type_id()) {
    case arrow::Type::DOUBLE: return NormalizeFloats<arrow::DoubleType>(array);
    case arrow::Type::FLOAT: return NormalizeFloats<arrow::FloatType>(array);
    default: return array;
  }
}

struct GroupTable {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::unique_ptr<arrow::ArrayBuilder>> key_builders;  // first row of each group
  std::vector<std::unique_ptr<plan::GroupedAccumulator>> accumulators;
  uint32_t num_groups = 0;
};

/// What a table holds outside the query pool (its key builders use the pool):
/// map nodes and buckets, and the accumulators' slots.
int64_t GroupTableBytes(const GroupTable& table) {
  constexpr int64_t kBytesPerGroup = 64;  // a map node: encoded key, id, hash, link
  int64_t bytes = static_cast<int64_t>(table.ids.size()) * kBytesPerGroup +
                  static_cast<int64_t>(table.ids.bucket_count() * sizeof(void*));
  for (const auto& accumulator : table.accumulators) bytes += accumulator->MemoryUsage();
  return bytes;
}

struct AggregateLocalState : LocalSinkState {
  GroupTable table;
};

struct AggregateGlobalState : BufferedSinkState {
  std::mutex mutex;
  GroupTable table;
};

class HashAggregate : public BufferedSinkOperator {
 public:
  HashAggregate(OperatorPtr child, std::vector<plan::BoundExprPtr> grouping, std::vector<plan::BoundAggregate> aggregates,
                std::shared_ptr<arrow::Schema> schema)
      : BufferedSinkOperator(std::move(schema), SingleChild(std::move(child))),
        grouping_(std::move(grouping)),
        aggregates_(std::move(aggregates)) {}

  std::string name() const override { return "HashAggregate"; }
  std::string details() const override {
    std::string text = "(keys=[";
    for (size_t i = 0; i < grouping_.size(); ++i) text += (i ? ", " : "") + plan::ToString(*grouping_[i]);
    text += "], functions=[";
    for (size_t i = 0; i < aggregates_.size(); ++i) text += (i ? ", " : "") + aggregates_[i].name;
    return text + "])";
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext& ctx) const override {
    auto state = std::make_unique<AggregateGlobalState>();
    ARROW_RETURN_NOT_OK(InitTable(ctx, &state->table));
    return state;
  }
  Result<std::unique_ptr<LocalSinkState>> InitLocalSink(ExecContext& ctx, GlobalSinkState&) const override {
    auto state = std::make_unique<AggregateLocalState>();
    ARROW_RETURN_NOT_OK(InitTable(ctx, &state->table));
    return state;
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState&, LocalSinkState& local) const override {
    auto& table = static_cast<AggregateLocalState&>(local).table;
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    int64_t rows = batch->num_rows();
    std::vector<uint32_t> group_ids(rows, 0);
    if (!grouping_.empty()) {
      std::vector<std::shared_ptr<arrow::Array>> keys;
      for (const auto& g : grouping_) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*g, *batch, ctx.eval));
        ARROW_ASSIGN_OR_RAISE(auto array, ToArray(value, rows));
        // Spark groups -0.0 with 0.0 and all NaNs together, and outputs 0.0 / NaN.
        ARROW_ASSIGN_OR_RAISE(array, NormalizeFloatingKeys(array));
        keys.push_back(std::move(array));
      }
      std::vector<std::string> encoded;
      ARROW_RETURN_NOT_OK(EncodeRowKeys(keys, rows, &encoded));
      for (int64_t i = 0; i < rows; ++i) {
        auto [it, inserted] = table.ids.try_emplace(std::move(encoded[i]), table.num_groups);
        if (inserted) {
          for (size_t k = 0; k < keys.size(); ++k) {
            ARROW_RETURN_NOT_OK(table.key_builders[k]->AppendArraySlice(*keys[k]->data(), i, 1));
          }
          ++table.num_groups;
        }
        group_ids[i] = it->second;
      }
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      std::vector<arrow::Datum> args;
      for (const auto& arg : aggregates_[a].args) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*arg, *batch, ctx.eval));
        args.push_back(std::move(value));
      }
      table.accumulators[a]->Resize(table.num_groups);
      ARROW_RETURN_NOT_OK(table.accumulators[a]->Update(args, group_ids.data(), rows, ctx.eval));
    }
    ARROW_RETURN_NOT_OK(local.memory.Resize(GroupTableBytes(table)));
    return SinkResult::kNeedMoreInput;
  }

  Status Combine(ExecContext& ctx, GlobalSinkState& global_state, LocalSinkState& local_state) const override {
    auto& global = static_cast<AggregateGlobalState&>(global_state);
    auto& local = static_cast<AggregateLocalState&>(local_state).table;
    std::lock_guard<std::mutex> lock(global.mutex);
    std::vector<uint32_t> mapping(local.num_groups, 0);
    if (!grouping_.empty()) {
      std::vector<std::shared_ptr<arrow::Array>> local_keys;
      for (auto& builder : local.key_builders) {
        ARROW_ASSIGN_OR_RAISE(auto keys, builder->Finish());
        local_keys.push_back(std::move(keys));
      }
      for (auto& [key, local_id] : local.ids) {
        auto [it, inserted] = global.table.ids.try_emplace(key, global.table.num_groups);
        if (inserted) {
          for (size_t k = 0; k < local_keys.size(); ++k) {
            ARROW_RETURN_NOT_OK(global.table.key_builders[k]->AppendArraySlice(*local_keys[k]->data(), local_id, 1));
          }
          ++global.table.num_groups;
        }
        mapping[local_id] = it->second;
      }
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      global.table.accumulators[a]->Resize(global.table.num_groups);
      local.accumulators[a]->Resize(local.num_groups);
      ARROW_RETURN_NOT_OK(global.table.accumulators[a]->Merge(*local.accumulators[a], mapping.data(), ctx.eval));
    }
    return global.memory.Resize(GroupTableBytes(global.table));
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global_state) const override {
    auto& global = static_cast<AggregateGlobalState&>(global_state);
    auto& table = global.table;
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (auto& builder : table.key_builders) {
      ARROW_ASSIGN_OR_RAISE(auto keys, builder->Finish());
      columns.push_back(std::move(keys));
    }
    for (auto& accumulator : table.accumulators) {
      accumulator->Resize(table.num_groups);
      ARROW_ASSIGN_OR_RAISE(auto values, accumulator->Finalize(ctx.eval));
      columns.push_back(std::move(values));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i]->type()->Equals(*schema()->field(static_cast<int>(i))->type())) {
        ARROW_ASSIGN_OR_RAISE(auto data, columns[i]->View(schema()->field(static_cast<int>(i))->type()));
        columns[i] = data;
      }
    }
    global.output.push_back(arrow::RecordBatch::Make(schema(), table.num_groups, columns));
    return ReserveBatch(ctx, *global.output.back(), &global.memory);
  }

 private:
  Status InitTable(ExecContext& ctx, GroupTable* table) const {
    for (const auto& g : grouping_) {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      ARROW_RETURN_NOT_OK(arrow::MakeBuilder(ctx.pool, g->type, &builder));
      table->key_builders.push_back(std::move(builder));
    }
    for (const auto& a : aggregates_) table->accumulators.push_back(a.kernel->MakeAccumulator());
    if (grouping_.empty()) table->num_groups = 1;
    for (auto& acc : table->accumulators) acc->Resize(table->num_groups);
    return Status::OK();
  }

  std::vector<plan::BoundExprPtr> grouping_;
  std::vector<plan::BoundAggregate> aggregates_;
};

}  // namespace

OperatorPtr MakeHashAggregate(OperatorPtr child, std::vector<plan::BoundExprPtr> grouping,
                              std::vector<plan::BoundAggregate> aggregates, std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<HashAggregate>(std::move(child), std::move(grouping), std::move(aggregates), std::move(schema));
}

}  // namespace sk8::exec
