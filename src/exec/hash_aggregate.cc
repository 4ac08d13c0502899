// Hash aggregation in two phases: each thread aggregates its morsels into a local
// table of groups (partial), then Combine() merges the partials into the global
// table (final). Without GROUP BY there is exactly one group, even for no input.
#include <mutex>

#include "exec/expression_executor.h"
#include "exec/hash_table.h"
#include "exec/operators.h"

namespace sk8::exec {
namespace {

struct GroupTable {
  std::unique_ptr<HashTable> keys;  // null without GROUP BY
  std::vector<std::unique_ptr<plan::GroupedAccumulator>> accumulators;
  uint32_t num_groups = 0;
};

/// What a table holds outside the query pool: the accumulators' slots (the
/// hash table's buffers and the key builders allocate from the pool).
int64_t GroupTableBytes(const GroupTable& table) {
  int64_t bytes = 0;
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
        keys.push_back(std::move(array));
      }
      // The table groups -0.0 with 0.0 and all NaNs together, and gives back 0.0 / NaN.
      ARROW_RETURN_NOT_OK(table.keys->FindOrInsert(keys, rows, group_ids.data()));
      table.num_groups = table.keys->num_groups();
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
      ARROW_RETURN_NOT_OK(global.table.keys->Merge(*local.keys, mapping.data()));
      global.table.num_groups = global.table.keys->num_groups();
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
    if (table.keys) {
      ARROW_ASSIGN_OR_RAISE(columns, table.keys->Keys());
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
    if (!grouping_.empty()) {
      std::vector<std::shared_ptr<arrow::DataType>> types;
      for (const auto& g : grouping_) types.push_back(g->type);
      ARROW_ASSIGN_OR_RAISE(table->keys, HashTable::Make(types, ctx.pool));
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
