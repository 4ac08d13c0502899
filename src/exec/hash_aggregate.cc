// Hash aggregation in two phases: each thread aggregates its morsels into a local
// table of groups (partial); Combine() hands the partials to the global state and
// Finalize() merges them by partition: the top bits of a group's hash pick its
// partition, each partition merges every partial's groups of that partition into
// a table of its own on some thread (ParallelFor), and becomes one output batch,
// so that the pipeline reading the result uses all threads too. Without GROUP BY
// there is exactly one group, even for no input.
#include <algorithm>
#include <mutex>

#include <arrow/compute/api.h>

#include "exec/expression_executor.h"
#include "exec/hash_table.h"
#include "exec/operators.h"
#include "exec/task_scheduler.h"

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
  std::vector<GroupTable> partials;  // one per thread, until Finalize merges them
};

/// Partition bits for `groups` groups (counted over all partials): about 64K
/// groups a partition, and several partitions a thread once there are many.
int PartitionBits(int64_t groups, int threads) {
  constexpr int64_t kGroupsPerPartition = 1 << 16;
  constexpr int kMaxBits = 8;
  if (groups < kGroupsPerPartition) return 0;
  const int64_t wanted = std::max<int64_t>(groups / kGroupsPerPartition, 4 * static_cast<int64_t>(threads));
  int bits = 0;
  while (bits < kMaxBits && (int64_t{1} << bits) < wanted) ++bits;
  return bits;
}

/// A partial table's groups ordered by partition: partition p's are
/// groups[starts[p] .. starts[p + 1]).
struct PartitionedGroups {
  std::vector<uint32_t> groups;
  std::vector<int64_t> starts;
};

PartitionedGroups SplitByPartition(const HashTable& table, int bits) {
  const size_t partitions = size_t{1} << bits;
  PartitionedGroups out;
  out.starts.assign(partitions + 1, 0);
  const uint64_t* hashes = table.hashes();
  const uint32_t n = table.num_groups();
  for (uint32_t g = 0; g < n; ++g) ++out.starts[HashTable::PartitionOf(hashes[g], bits) + 1];
  for (size_t p = 0; p < partitions; ++p) out.starts[p + 1] += out.starts[p];
  out.groups.resize(n);
  std::vector<int64_t> next(out.starts.begin(), out.starts.end() - 1);
  for (uint32_t g = 0; g < n; ++g) out.groups[next[HashTable::PartitionOf(hashes[g], bits)]++] = g;
  return out;
}

class HashAggregate : public BufferedSinkOperator {
 public:
  HashAggregate(OperatorPtr child, std::vector<plan::BoundExprPtr> grouping, std::vector<plan::BoundAggregate> aggregates,
                std::shared_ptr<arrow::Schema> schema)
      : BufferedSinkOperator(std::move(schema), SingleChild(std::move(child))),
        grouping_(std::move(grouping)),
        aggregates_(std::move(aggregates)) {
    for (const auto& g : grouping_) readers_.push_back(g.get());
    for (const auto& a : aggregates_) {
      for (const auto& arg : a.args) readers_.push_back(arg.get());
      readers_.push_back(a.filter.get());
    }
  }

  std::string name() const override { return "HashAggregate"; }
  std::string details() const override {
    std::string text = "(keys=[";
    for (size_t i = 0; i < grouping_.size(); ++i) text += (i ? ", " : "") + plan::ToString(*grouping_[i]);
    text += "], functions=[";
    for (size_t i = 0; i < aggregates_.size(); ++i) text += (i ? ", " : "") + aggregates_[i].name;
    return text + "])";
  }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<AggregateGlobalState>();
  }
  Result<std::unique_ptr<LocalSinkState>> InitLocalSink(ExecContext& ctx, GlobalSinkState&) const override {
    auto state = std::make_unique<AggregateLocalState>();
    ARROW_RETURN_NOT_OK(InitTable(ctx, &state->table));
    return state;
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState&, LocalSinkState& local) const override {
    auto& table = static_cast<AggregateLocalState&>(local).table;
    std::vector<bool> needed;
    if (chunk.selection) needed = ReferencedColumns(readers_, chunk.batch->num_columns());
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool, chunk.selection ? &needed : nullptr));
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
    std::vector<uint32_t> filtered_groups;
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      std::vector<arrow::Datum> args;
      for (const auto& arg : aggregates_[a].args) {
        ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(*arg, *batch, ctx.eval));
        args.push_back(std::move(value));
      }
      table.accumulators[a]->Resize(table.num_groups);
      const uint32_t* groups = group_ids.data();
      int64_t kept_rows = rows;
      if (aggregates_[a].filter) {
        ARROW_ASSIGN_OR_RAISE(kept_rows, KeepFiltered(ctx, *aggregates_[a].filter, *batch, group_ids, &args,
                                                      &filtered_groups));
        groups = filtered_groups.data();
      }
      ARROW_RETURN_NOT_OK(table.accumulators[a]->Update(args, groups, kept_rows, ctx.eval));
    }
    ARROW_RETURN_NOT_OK(local.memory.Resize(GroupTableBytes(table)));
    return SinkResult::kNeedMoreInput;
  }

  Status Combine(ExecContext&, GlobalSinkState& global_state, LocalSinkState& local_state) const override {
    auto& global = static_cast<AggregateGlobalState&>(global_state);
    auto& local = static_cast<AggregateLocalState&>(local_state);
    std::lock_guard<std::mutex> lock(global.mutex);
    // The partial outlives its thread's state: its reservation moves to the global one.
    ARROW_RETURN_NOT_OK(global.memory.Grow(GroupTableBytes(local.table)));
    global.partials.push_back(std::move(local.table));
    return Status::OK();
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global_state) const override {
    auto& global = static_cast<AggregateGlobalState&>(global_state);
    if (grouping_.empty()) {
      GroupTable table;
      ARROW_RETURN_NOT_OK(InitTable(ctx, &table));
      const uint32_t only_group = 0;
      for (auto& partial : global.partials) {
        for (size_t a = 0; a < aggregates_.size(); ++a) {
          ARROW_RETURN_NOT_OK(table.accumulators[a]->Merge(*partial.accumulators[a], nullptr, &only_group, 1, ctx.eval));
        }
      }
      global.partials.clear();
      ARROW_ASSIGN_OR_RAISE(auto batch, Output(ctx, &table));
      global.output.push_back(std::move(batch));
      return global.memory.Resize(BytesOutsidePool(*global.output.back(), ctx.pool));
    }
    int64_t total_groups = 0;
    for (const auto& partial : global.partials) total_groups += partial.num_groups;
    const int bits = PartitionBits(total_groups, ctx.max_threads);
    const int64_t partitions = int64_t{1} << bits;
    std::vector<PartitionedGroups> splits(global.partials.size());
    ARROW_RETURN_NOT_OK(ParallelFor(static_cast<int64_t>(splits.size()), ctx.max_threads, [&](int64_t t) {
      splits[t] = SplitByPartition(*global.partials[t].keys, bits);
      return Status::OK();
    }, ctx.cancelled));
    std::mutex memory_mutex;  // guards global.memory
    global.output.resize(partitions);
    ARROW_RETURN_NOT_OK(ParallelFor(partitions, ctx.max_threads, [&](int64_t p) -> Status {
      GroupTable table;
      ARROW_RETURN_NOT_OK(InitTable(ctx, &table));
      int64_t groups = 0;
      for (const auto& split : splits) groups += split.starts[p + 1] - split.starts[p];
      ARROW_RETURN_NOT_OK(table.keys->Reserve(groups));
      std::vector<uint32_t> mapping;
      for (size_t t = 0; t < splits.size(); ++t) {
        const uint32_t* selected = splits[t].groups.data() + splits[t].starts[p];
        const int64_t count = splits[t].starts[p + 1] - splits[t].starts[p];
        if (count == 0) continue;
        mapping.resize(count);
        const GroupTable& partial = global.partials[t];
        ARROW_RETURN_NOT_OK(table.keys->MergeGroups(*partial.keys, selected, count, mapping.data()));
        table.num_groups = table.keys->num_groups();
        for (size_t a = 0; a < aggregates_.size(); ++a) {
          table.accumulators[a]->Resize(table.num_groups);
          ARROW_RETURN_NOT_OK(
              table.accumulators[a]->Merge(*partial.accumulators[a], selected, mapping.data(), count, ctx.eval));
        }
      }
      {
        std::lock_guard<std::mutex> lock(memory_mutex);
        ARROW_RETURN_NOT_OK(global.memory.Grow(GroupTableBytes(table)));
      }
      ARROW_ASSIGN_OR_RAISE(global.output[p], Output(ctx, &table));
      // The partition's accumulators go with this task; its batch stays.
      const int64_t delta = BytesOutsidePool(*global.output[p], ctx.pool) - GroupTableBytes(table);
      std::lock_guard<std::mutex> lock(memory_mutex);
      if (delta < 0) {
        global.memory.Shrink(-delta);
        return Status::OK();
      }
      return global.memory.Grow(delta);
    }, ctx.cancelled));
    global.partials.clear();
    // Empty partitions are dropped; an aggregate of no rows still has one (empty) batch.
    std::erase_if(global.output, [](const auto& batch) { return batch->num_rows() == 0; });
    if (global.output.empty()) {
      GroupTable table;
      ARROW_RETURN_NOT_OK(InitTable(ctx, &table));
      ARROW_ASSIGN_OR_RAISE(auto batch, Output(ctx, &table));
      global.output.push_back(std::move(batch));
    }
    int64_t held = 0;
    for (const auto& batch : global.output) held += BytesOutsidePool(*batch, ctx.pool);
    return global.memory.Resize(held);
  }

 private:
  /// An aggregate's FILTER (WHERE ...): keeps the arguments' and the group
  /// ids' rows where `filter` is true; returns how many rows remain.
  static Result<int64_t> KeepFiltered(ExecContext& ctx, const plan::BoundExpr& filter, const arrow::RecordBatch& batch,
                                      const std::vector<uint32_t>& group_ids, std::vector<arrow::Datum>* args,
                                      std::vector<uint32_t>* kept_groups) {
    const int64_t rows = batch.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto value, Evaluate(filter, batch, ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto mask_array, ToArray(value, rows));
    const auto& mask = static_cast<const arrow::BooleanArray&>(*mask_array);
    arrow::Int32Builder indices(ctx.pool);
    ARROW_RETURN_NOT_OK(indices.Reserve(rows));
    kept_groups->clear();
    for (int64_t i = 0; i < rows; ++i) {
      if (mask.IsValid(i) && mask.Value(i)) {
        indices.UnsafeAppend(static_cast<int32_t>(i));
        kept_groups->push_back(group_ids[i]);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto taken_indices, indices.Finish());
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    for (auto& arg : *args) {
      if (arg.is_scalar()) continue;
      ARROW_ASSIGN_OR_RAISE(arg, arrow::compute::Take(arg, taken_indices, arrow::compute::TakeOptions::Defaults(),
                                                      &exec_ctx));
    }
    return static_cast<int64_t>(kept_groups->size());
  }

  /// The groups of a table as a batch: keys, then each aggregate's result.
  Result<std::shared_ptr<arrow::RecordBatch>> Output(ExecContext& ctx, GroupTable* table) const {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    if (table->keys) {
      ARROW_ASSIGN_OR_RAISE(columns, table->keys->Keys());
    }
    for (auto& accumulator : table->accumulators) {
      accumulator->Resize(table->num_groups);
      ARROW_ASSIGN_OR_RAISE(auto values, accumulator->Finalize(ctx.eval));
      columns.push_back(std::move(values));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i]->type()->Equals(*schema()->field(static_cast<int>(i))->type())) {
        ARROW_ASSIGN_OR_RAISE(auto data, columns[i]->View(schema()->field(static_cast<int>(i))->type()));
        columns[i] = data;
      }
    }
    return arrow::RecordBatch::Make(schema(), table->num_groups, columns);
  }

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
  std::vector<const plan::BoundExpr*> readers_;  // what Sink evaluates over its input
};

}  // namespace

OperatorPtr MakeHashAggregate(OperatorPtr child, std::vector<plan::BoundExprPtr> grouping,
                              std::vector<plan::BoundAggregate> aggregates, std::shared_ptr<arrow::Schema> schema) {
  return std::make_unique<HashAggregate>(std::move(child), std::move(grouping), std::move(aggregates), std::move(schema));
}

}  // namespace sk8::exec
