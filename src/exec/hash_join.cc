// Hash join: the build side is collected by HashJoinBuild (a sink, run as its
// own pipeline first) into one batch and a hash table on its keys; the probe
// side streams through HashJoinProbe, which looks each row up and emits the
// joined rows. Full outer joins use FullOuterHashJoin, a sink that probes the
// same way and, once every probe row is seen, adds the build rows nobody matched.
//
// Spark's semantics: NULL keys never match under `=` (they do under `<=>`);
// NaN = NaN and -0.0 = 0.0 (the hash table normalizes them); a residual
// (non-equality) condition decides matches for outer, semi and anti joins too.
//
// Known limit (engine-core issue): one probe chunk yields one output chunk
// however many rows it has.
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>
#include <arrow/table.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <mutex>
#include <string_view>

#include "exec/expression_executor.h"
#include "exec/gather.h"
#include "exec/hash_table.h"
#include "exec/operators.h"
#include "exec/task_scheduler.h"

namespace sk8::exec {
namespace {

using plan::JoinType;

std::string JoinDetails(const HashJoinSpec& spec) {
  std::string out = std::string("(") + plan::JoinTypeName(spec.type);
  if (!spec.left_keys.empty()) {
    out += ", keys=[";
    for (size_t i = 0; i < spec.left_keys.size(); ++i) {
      out += (i ? ", " : "") + plan::ToString(*spec.left_keys[i]) + (spec.null_safe[i] ? " <=> " : " = ") +
             plan::ToString(*spec.right_keys[i]);
    }
    out += "]";
  }
  if (spec.residual) out += ", condition=" + plan::ToString(*spec.residual);
  return out + ")";
}

/// Key columns evaluated over a batch, and which rows can match: `usable[i]`
/// is false for rows whose key has a NULL in a column compared with `=`.
struct JoinKeys {
  std::vector<std::shared_ptr<arrow::Array>> columns;
  std::vector<uint8_t> usable;  // empty: every row

  bool Usable(int64_t i) const { return usable.empty() || usable[i] != 0; }
};

Result<JoinKeys> EvaluateKeys(const std::vector<plan::BoundExprPtr>& keys, const std::vector<bool>& null_safe,
                              const arrow::RecordBatch& batch, const plan::EvalContext& eval) {
  JoinKeys out;
  const int64_t n = batch.num_rows();
  for (size_t k = 0; k < keys.size(); ++k) {
    ARROW_ASSIGN_OR_RAISE(auto datum, Evaluate(*keys[k], batch, eval));
    ARROW_ASSIGN_OR_RAISE(auto array, ToArray(datum, n));
    if (!null_safe[k] && array->null_count() > 0) {
      if (out.usable.empty()) out.usable.assign(n, 1);
      for (int64_t i = 0; i < n; ++i) out.usable[i] &= array->IsValid(i) ? 1 : 0;
    }
    out.columns.push_back(std::move(array));
  }
  return out;
}

/// The build rows by key, partitioned by the top bits of the key hash so that
/// the build runs on all threads: each 64K-row chunk is evaluated, encoded and
/// split by partition on some thread, then each partition fills a HashTable of
/// its own. Group ids are global (partition p's groups start at group_base_[p]),
/// and the rows of group g are rows_[starts_[g] .. starts_[g + 1]), in input
/// order. Rows whose `=` keys have a NULL never match and are left out.
class JoinHashTable {
 public:
  Status Build(ExecContext& ctx, const std::vector<plan::BoundExprPtr>& key_exprs, const std::vector<bool>& null_safe,
               const arrow::RecordBatch& batch) {
    const int64_t num_rows = batch.num_rows();
    if (num_rows >= static_cast<int64_t>(UINT32_MAX)) return Unsupported("a hash join build side of 4 billion rows");
    constexpr int64_t kRowsPerChunk = 64 * 1024;  // keeps a chunk's encoded rows in cache
    const int64_t num_chunks = std::max<int64_t>(1, (num_rows + kRowsPerChunk - 1) / kRowsPerChunk);
    bits_ = num_rows < 2 * kRowsPerChunk ? 0 : std::min(6, static_cast<int>(std::bit_width(static_cast<uint64_t>(num_chunks))));
    const int64_t partitions = int64_t{1} << bits_;
    std::vector<std::shared_ptr<arrow::DataType>> types;
    for (const auto& key : key_exprs) types.push_back(key->type);
    tables_.resize(partitions);
    for (auto& table : tables_) {
      ARROW_ASSIGN_OR_RAISE(table, HashTable::Make(types, ctx.pool));
    }
    // 1. Per chunk: keys encoded, usable rows (chunk-relative) ordered by partition.
    struct Chunk {
      EncodedKeys keys;
      std::vector<uint32_t> rows;
      std::vector<int64_t> starts;  // partition p: rows[starts[p] .. starts[p + 1])
    };
    std::vector<Chunk> chunks(num_chunks);
    ARROW_RETURN_NOT_OK(ParallelFor(num_chunks, ctx.max_threads, [&](int64_t c) -> Status {
      const int64_t offset = c * kRowsPerChunk;
      const int64_t length = std::min(kRowsPerChunk, num_rows - offset);
      auto slice = batch.Slice(offset, length);
      ARROW_ASSIGN_OR_RAISE(auto keys, EvaluateKeys(key_exprs, null_safe, *slice, ctx.eval));
      Chunk& chunk = chunks[c];
      ARROW_RETURN_NOT_OK(tables_[0]->layout().CheckTypes(keys.columns));
      ARROW_RETURN_NOT_OK(EncodeKeys(tables_[0]->layout(), keys.columns, length, &chunk.keys));
      chunk.starts.assign(partitions + 1, 0);
      const uint64_t* hashes = chunk.keys.hashes.data();
      for (int64_t i = 0; i < length; ++i) {
        if (keys.Usable(i)) ++chunk.starts[HashTable::PartitionOf(hashes[i], bits_) + 1];
      }
      for (int64_t p = 0; p < partitions; ++p) chunk.starts[p + 1] += chunk.starts[p];
      chunk.rows.resize(chunk.starts[partitions]);
      std::vector<int64_t> next(chunk.starts.begin(), chunk.starts.end() - 1);
      for (int64_t i = 0; i < length; ++i) {
        if (keys.Usable(i)) chunk.rows[next[HashTable::PartitionOf(hashes[i], bits_)]++] = static_cast<uint32_t>(i);
      }
      return Status::OK();
    }, ctx.cancelled));
    // 2. Per partition: its rows inserted, in input order, then grouped by key.
    std::vector<std::vector<uint32_t>> part_starts(partitions), part_rows(partitions);
    ARROW_RETURN_NOT_OK(ParallelFor(partitions, ctx.max_threads, [&](int64_t p) -> Status {
      int64_t count = 0;
      for (const auto& chunk : chunks) count += chunk.starts[p + 1] - chunk.starts[p];
      HashTable& table = *tables_[p];
      // Build keys are mostly distinct. A table that stays in the core's cache
      // gets a lower load: most probes of a small build side miss (a filtered
      // dimension), and a miss then mostly meets an empty slot at once.
      constexpr int64_t kCacheResidentGroups = 1 << 15;
      ARROW_RETURN_NOT_OK(table.Reserve(count, count <= kCacheResidentGroups ? 8 : 2));
      std::vector<uint32_t> groups(count), rows(count);
      int64_t filled = 0;
      for (int64_t c = 0; c < num_chunks; ++c) {
        const Chunk& chunk = chunks[c];
        const int64_t n = chunk.starts[p + 1] - chunk.starts[p];
        const uint32_t* selected = chunk.rows.data() + chunk.starts[p];
        ARROW_RETURN_NOT_OK(table.InsertEncoded(chunk.keys, selected, n, groups.data() + filled));
        for (int64_t i = 0; i < n; ++i) rows[filled + i] = static_cast<uint32_t>(c * kRowsPerChunk + selected[i]);
        filled += n;
      }
      auto& starts = part_starts[p];
      starts.assign(static_cast<size_t>(table.num_groups()) + 1, 0);
      for (int64_t i = 0; i < count; ++i) ++starts[groups[i] + 1];
      for (uint32_t g = 0; g < table.num_groups(); ++g) starts[g + 1] += starts[g];
      auto& grouped = part_rows[p];
      grouped.resize(count);
      std::vector<uint32_t> next(starts.begin(), starts.end() - 1);
      for (int64_t i = 0; i < count; ++i) grouped[next[groups[i]]++] = rows[i];
      return Status::OK();
    }, ctx.cancelled));
    chunks.clear();
    // 3. The partitions' indexes side by side, with global group ids.
    group_base_.assign(partitions + 1, 0);
    std::vector<int64_t> row_base(partitions + 1, 0);
    for (int64_t p = 0; p < partitions; ++p) {
      group_base_[p + 1] = group_base_[p] + tables_[p]->num_groups();
      row_base[p + 1] = row_base[p] + static_cast<int64_t>(part_rows[p].size());
    }
    starts_.resize(static_cast<size_t>(group_base_[partitions]) + 1);
    rows_.resize(row_base[partitions]);
    starts_[group_base_[partitions]] = static_cast<uint32_t>(row_base[partitions]);
    return ParallelFor(partitions, ctx.max_threads, [&](int64_t p) {
      for (uint32_t g = 0; g < tables_[p]->num_groups(); ++g) {
        starts_[group_base_[p] + g] = static_cast<uint32_t>(row_base[p] + part_starts[p][g]);
      }
      std::copy(part_rows[p].begin(), part_rows[p].end(), rows_.begin() + row_base[p]);
      part_rows[p] = {};
      return Status::OK();
    }, ctx.cancelled);
  }

  /// The group of each probe row's key, or HashTable::kNoGroup.
  Status Find(const JoinKeys& keys, int64_t num_rows, uint32_t* groups) const {
    const HashTable& first = *tables_[0];
    ARROW_RETURN_NOT_OK(first.layout().CheckTypes(keys.columns));
    EncodedKeys encoded;
    ARROW_RETURN_NOT_OK(EncodeKeys(first.layout(), keys.columns, num_rows, &encoded));
    HashTable::FindInPartitions(tables_, bits_, group_base_.data(), encoded, num_rows, groups);
    return Status::OK();
  }
  const uint32_t* RowsBegin(uint32_t group) const { return rows_.data() + starts_[group]; }
  const uint32_t* RowsEnd(uint32_t group) const { return rows_.data() + starts_[group + 1]; }
  /// Bytes of the row index (the tables' buffers come from the query pool).
  int64_t IndexBytes() const {
    return static_cast<int64_t>((starts_.capacity() + rows_.capacity()) * sizeof(uint32_t));
  }

 private:
  int bits_ = 0;
  std::vector<std::unique_ptr<HashTable>> tables_;
  std::vector<uint32_t> group_base_;
  std::vector<uint32_t> starts_;
  std::vector<uint32_t> rows_;
};

struct BuildState : GlobalSinkState {
  std::mutex mutex;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  std::shared_ptr<arrow::RecordBatch> rows;  // every build row, once finalized
  JoinHashTable table;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;  // full outer: build rows some probe row matched
};

/// Collects the build side and indexes it on its keys.
class HashJoinBuild final : public PhysicalOperator {
 public:
  HashJoinBuild(OperatorPtr child, std::vector<plan::BoundExprPtr> keys, std::vector<bool> null_safe)
      : PhysicalOperator(std::move(child)), keys_(std::move(keys)), null_safe_(std::move(null_safe)) {}

  std::string name() const override { return "HashJoinBuild"; }
  bool IsSink() const override { return true; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<BuildState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    ARROW_ASSIGN_OR_RAISE(auto batch, chunk.Materialize(ctx.pool));
    if (batch->num_rows() == 0) return SinkResult::kNeedMoreInput;
    auto& state = static_cast<BuildState&>(global);
    ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *batch, &state.memory));
    std::lock_guard<std::mutex> lock(state.mutex);
    state.batches.push_back(std::move(batch));
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<BuildState&>(global);
    // One batch of every build row, concatenated a column per task.
    int64_t num_rows = 0;
    for (const auto& batch : state.batches) num_rows += batch->num_rows();
    std::vector<std::shared_ptr<arrow::Array>> columns(schema()->num_fields());
    ARROW_RETURN_NOT_OK(ParallelFor(static_cast<int64_t>(columns.size()), ctx.max_threads, [&](int64_t c) -> Status {
      const auto& type = schema()->field(static_cast<int>(c))->type();
      if (state.batches.empty()) {
        ARROW_ASSIGN_OR_RAISE(columns[c], arrow::MakeEmptyArray(type, ctx.pool));
        return Status::OK();
      }
      arrow::ArrayVector parts;
      for (const auto& batch : state.batches) parts.push_back(batch->column(static_cast<int>(c)));
      ARROW_ASSIGN_OR_RAISE(columns[c], arrow::Concatenate(parts, ctx.pool));
      return Status::OK();
    }, ctx.cancelled));
    state.rows = arrow::RecordBatch::Make(schema(), num_rows, std::move(columns));
    state.batches.clear();
    if (!keys_.empty()) ARROW_RETURN_NOT_OK(state.table.Build(ctx, keys_, null_safe_, *state.rows));
    // The tables' buffers come from the query pool; the row index does not.
    ARROW_RETURN_NOT_OK(state.memory.Resize(state.table.IndexBytes()));
    state.matched = std::make_unique<std::atomic<uint8_t>[]>(state.rows->num_rows());
    return Status::OK();
  }

 private:
  std::vector<plan::BoundExprPtr> keys_;
  std::vector<bool> null_safe_;
};

/// What probing one chunk decided: pairs of (probe row, build row), with -1 on
/// the build side for a probe row kept without a match (outer joins).
struct ProbeResult {
  std::vector<int64_t> probe_rows;
  std::vector<int64_t> build_rows;
};

/// Where the probing of one input chunk stands: its keys' groups, computed
/// once, and the first probe row not yet joined. A chunk whose rows match many
/// build rows is joined over several calls, each output about kMaxOutputRows.
struct ProbeCursor {
  JoinKeys keys;
  std::vector<uint32_t> groups;
  int64_t next_row = 0;
};

/// Output rows a probe aims at per call (a probe row's matches are never split).
constexpr size_t kMaxOutputRows = 64 * 1024;

/// The probing shared by the streaming and the full outer join.
class Prober {
 public:
  Prober(const HashJoinSpec& spec, bool probe_is_left, std::shared_ptr<arrow::Schema> output)
      : spec_(spec), probe_is_left_(probe_is_left), output_(std::move(output)) {}

  const HashJoinSpec& spec() const { return spec_; }

  /// Probes rows [cursor->next_row, ...) of `probe` until about
  /// kMaxOutputRows pairs are formed (whole probe rows at a time) and
  /// advances the cursor; the caller probes again while next_row < rows.
  Result<std::shared_ptr<arrow::RecordBatch>> Probe(ExecContext& ctx, const arrow::RecordBatch& probe,
                                                    BuildState& build, ProbeCursor* cursor) const {
    const auto& probe_keys = probe_is_left_ ? spec_.left_keys : spec_.right_keys;
    const int64_t rows = probe.num_rows();
    if (cursor->next_row == 0) ARROW_RETURN_NOT_OK(ComputeGroups(ctx, probe, build, cursor));  // once per chunk
    const JoinKeys& keys = cursor->keys;
    const std::vector<uint32_t>& groups = cursor->groups;
    const int64_t start = cursor->next_row;
    int64_t n = rows;  // rows [start, n) are probed in this call
    if (plan::JoinOutputsLeftOnly(spec_.type) && !spec_.residual && !probe_keys.empty()) {
      // A semi / anti join on keys alone asks only whether a key is present:
      // no pairs are formed.
      const bool want = spec_.type == JoinType::kLeftSemi;
      ProbeResult out;
      out.probe_rows.reserve(static_cast<size_t>(n - start));
      cursor->next_row = n;
      for (int64_t i = start; i < n; ++i) {
        bool found = keys.Usable(i) && groups[i] != HashTable::kNoGroup;
        if (found == want) out.probe_rows.push_back(i);
      }
      return Assemble(ctx, probe, *build.rows, out);
    }
    ARROW_ASSIGN_OR_RAISE(ProbeResult candidates, Candidates(ctx, probe, build, cursor));
    return Finish(ctx, probe, build, start, cursor->next_row, std::move(candidates));
  }

  /// Marks the build rows that some row of `probe` matches (keys and residual),
  /// for a join whose output is the build side's marked or unmarked rows.
  Status MarkMatchedBuildRows(ExecContext& ctx, const arrow::RecordBatch& probe, BuildState& build) const {
    ProbeCursor cursor;
    do {
      if (cursor.next_row == 0) ARROW_RETURN_NOT_OK(ComputeGroups(ctx, probe, build, &cursor));
      ARROW_ASSIGN_OR_RAISE(ProbeResult candidates, Candidates(ctx, probe, build, &cursor));
      for (int64_t j : candidates.build_rows) build.matched[j].store(1, std::memory_order_relaxed);
    } while (cursor.next_row < probe.num_rows());
    return Status::OK();
  }

  /// Build rows that no probe row matched, with NULLs on the probe side.
  Result<std::shared_ptr<arrow::RecordBatch>> UnmatchedBuildRows(ExecContext& ctx, const BuildState& build) const {
    ProbeResult out;
    for (int64_t j = 0; j < build.rows->num_rows(); ++j) {
      if (!build.matched[j].load(std::memory_order_relaxed)) {
        out.probe_rows.push_back(-1);
        out.build_rows.push_back(j);
      }
    }
    if (out.build_rows.empty()) return nullptr;
    ARROW_ASSIGN_OR_RAISE(auto no_probe, arrow::RecordBatch::MakeEmpty(ProbeSchema()));
    return Assemble(ctx, *no_probe, *build.rows, out);
  }

 private:
  Status ComputeGroups(ExecContext& ctx, const arrow::RecordBatch& probe, BuildState& build,
                       ProbeCursor* cursor) const {
    const auto& probe_keys = probe_is_left_ ? spec_.left_keys : spec_.right_keys;
    ARROW_ASSIGN_OR_RAISE(cursor->keys, EvaluateKeys(probe_keys, spec_.null_safe, probe, ctx.eval));
    cursor->groups.clear();
    if (!probe_keys.empty()) {
      cursor->groups.resize(probe.num_rows());
      ARROW_RETURN_NOT_OK(build.table.Find(cursor->keys, probe.num_rows(), cursor->groups.data()));
    }
    return Status::OK();
  }

  /// Candidate pairs of the probe rows from cursor->next_row on: equal keys,
  /// or every pair when there are no keys, that pass the residual condition.
  /// Stops after about kMaxOutputRows pairs (whole probe rows) and moves the
  /// cursor past the rows it joined.
  Result<ProbeResult> Candidates(ExecContext& ctx, const arrow::RecordBatch& probe, BuildState& build,
                                 ProbeCursor* cursor) const {
    const JoinKeys& keys = cursor->keys;
    const std::vector<uint32_t>& groups = cursor->groups;
    const int64_t start = cursor->next_row;
    int64_t n = probe.num_rows();
    const int64_t build_rows = build.rows->num_rows();
    // The residual condition is applied a block of pairs at a time, so that only the
    // pairs that survive it are held (a nested loop can have billions).
    constexpr size_t kPairsPerBlock = 1 << 20;
    ProbeResult candidates, block;
    // Most equi-joins find about one build row per probe row: sized once, the
    // pair lists do not grow (and copy) row by row.
    const size_t expected_pairs = std::min<size_t>(kPairsPerBlock, static_cast<size_t>(n) + 16);
    block.probe_rows.reserve(expected_pairs);
    block.build_rows.reserve(expected_pairs);
    auto flush = [&]() -> Status {
      if (block.probe_rows.empty()) return Status::OK();
      if (spec_.residual) {
        ARROW_ASSIGN_OR_RAISE(block, ApplyResidual(ctx, probe, build, block));
      }
      if (candidates.probe_rows.empty()) {
        candidates = std::move(block);
      } else {
        candidates.probe_rows.insert(candidates.probe_rows.end(), block.probe_rows.begin(), block.probe_rows.end());
        candidates.build_rows.insert(candidates.build_rows.end(), block.build_rows.begin(), block.build_rows.end());
      }
      block = ProbeResult{};
      block.probe_rows.reserve(expected_pairs);
      block.build_rows.reserve(expected_pairs);
      return ctx.IsCancelled() ? Status::Cancelled("operation cancelled") : Status::OK();
    };
    for (int64_t i = start; i < n; ++i) {
      if (spec_.left_keys.empty()) {
        for (int64_t j = 0; j < build_rows; ++j) {
          block.probe_rows.push_back(i);
          block.build_rows.push_back(j);
          if (block.probe_rows.size() >= kPairsPerBlock) ARROW_RETURN_NOT_OK(flush());
        }
      } else if (keys.Usable(i) && groups[i] != HashTable::kNoGroup) {
        for (const uint32_t* j = build.table.RowsBegin(groups[i]); j != build.table.RowsEnd(groups[i]); ++j) {
          block.probe_rows.push_back(i);
          block.build_rows.push_back(*j);
        }
        if (block.probe_rows.size() >= kPairsPerBlock) ARROW_RETURN_NOT_OK(flush());
      }
      // Enough output for one chunk: the rest of the probe rows in the next call.
      if (candidates.probe_rows.size() + block.probe_rows.size() >= kMaxOutputRows) n = i + 1;
    }
    cursor->next_row = n;
    ARROW_RETURN_NOT_OK(flush());
    return candidates;
  }

  /// The output rows of probe rows [start, n) from their candidate pairs.
  Result<std::shared_ptr<arrow::RecordBatch>> Finish(ExecContext& ctx, const arrow::RecordBatch& probe,
                                                     BuildState& build, int64_t start, int64_t n,
                                                     ProbeResult candidates) const {
    if (spec_.type == JoinType::kFullOuter) {
      for (int64_t j : candidates.build_rows) build.matched[j].store(1, std::memory_order_relaxed);
    }
    ProbeResult out;
    switch (spec_.type) {
      case JoinType::kInner:
      case JoinType::kCross:
        out = std::move(candidates);
        break;
      case JoinType::kLeftOuter:
      case JoinType::kRightOuter:
      case JoinType::kFullOuter: {
        // Pairs are grouped by probe row in order; rows without any get -1.
        out.probe_rows.reserve(candidates.probe_rows.size() + static_cast<size_t>(n - start));
        out.build_rows.reserve(candidates.probe_rows.size() + static_cast<size_t>(n - start));
        size_t p = 0;
        for (int64_t i = start; i < n; ++i) {
          bool any = false;
          while (p < candidates.probe_rows.size() && candidates.probe_rows[p] == i) {
            out.probe_rows.push_back(i);
            out.build_rows.push_back(candidates.build_rows[p]);
            ++p;
            any = true;
          }
          if (!any) {
            out.probe_rows.push_back(i);
            out.build_rows.push_back(-1);
          }
        }
        break;
      }
      case JoinType::kLeftSemi:
      case JoinType::kLeftAnti: {
        std::vector<uint8_t> matched(n, 0);
        for (int64_t i : candidates.probe_rows) matched[i] = 1;
        bool want = spec_.type == JoinType::kLeftSemi;
        for (int64_t i = start; i < n; ++i) {
          if (static_cast<bool>(matched[i]) == want) out.probe_rows.push_back(i);
        }
        break;
      }
    }
    return Assemble(ctx, probe, *build.rows, out);
  }

  std::shared_ptr<arrow::Schema> ProbeSchema() const {
    // The probe side's schema is the output's fields that are not the build's.
    const int left = spec_.left_width;
    arrow::FieldVector fields;
    const auto& all = output_->fields();
    if (probe_is_left_) {
      fields.assign(all.begin(), all.begin() + left);
    } else {
      fields.assign(all.begin() + left, all.end());
    }
    return arrow::schema(fields);
  }

  /// The left columns then the right ones, gathered at the given rows (-1: NULLs).
  Result<std::vector<std::shared_ptr<arrow::Array>>> TakeColumns(ExecContext& ctx, const arrow::RecordBatch& probe,
                                                                 const arrow::RecordBatch& build,
                                                                 const ProbeResult& rows, bool with_build) const {
    const int64_t length = static_cast<int64_t>(rows.probe_rows.size());
    auto take = [&](const arrow::RecordBatch& side, const std::vector<int64_t>& index,
                    std::vector<std::shared_ptr<arrow::Array>>* out) -> Status {
      for (int c = 0; c < side.num_columns(); ++c) {
        if (side.num_rows() == 0) {
          ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(side.column(c)->type(), length, ctx.pool));
          out->push_back(std::move(nulls));
          continue;
        }
        ARROW_ASSIGN_OR_RAISE(auto taken, GatherRows(side.column(c), index.data(), length, ctx.pool));
        out->push_back(std::move(taken));
      }
      return Status::OK();
    };
    std::vector<std::shared_ptr<arrow::Array>> columns;
    const arrow::RecordBatch& left = probe_is_left_ ? probe : build;
    const arrow::RecordBatch& right = probe_is_left_ ? build : probe;
    const auto& left_index = probe_is_left_ ? rows.probe_rows : rows.build_rows;
    const auto& right_index = probe_is_left_ ? rows.build_rows : rows.probe_rows;
    ARROW_RETURN_NOT_OK(take(left, left_index, &columns));
    if (with_build) ARROW_RETURN_NOT_OK(take(right, right_index, &columns));
    return columns;
  }

  Result<ProbeResult> ApplyResidual(ExecContext& ctx, const arrow::RecordBatch& probe, const BuildState& build,
                                    const ProbeResult& candidates) const {
    ARROW_ASSIGN_OR_RAISE(auto columns, TakeColumns(ctx, probe, *build.rows, candidates, /*with_build=*/true));
    arrow::FieldVector fields;
    for (const auto& c : columns) fields.push_back(arrow::field("", c->type()));
    auto pairs = arrow::RecordBatch::Make(arrow::schema(fields), static_cast<int64_t>(candidates.probe_rows.size()),
                                          columns);
    ARROW_ASSIGN_OR_RAISE(auto datum, Evaluate(*spec_.residual, *pairs, ctx.eval));
    ARROW_ASSIGN_OR_RAISE(auto array, ToArray(datum, pairs->num_rows()));
    const auto& keep = static_cast<const arrow::BooleanArray&>(*array);
    ProbeResult out;
    for (int64_t p = 0; p < keep.length(); ++p) {
      if (keep.IsValid(p) && keep.Value(p)) {
        out.probe_rows.push_back(candidates.probe_rows[p]);
        out.build_rows.push_back(candidates.build_rows[p]);
      }
    }
    return out;
  }

  Result<std::shared_ptr<arrow::RecordBatch>> Assemble(ExecContext& ctx, const arrow::RecordBatch& probe,
                                                       const arrow::RecordBatch& build, const ProbeResult& rows) const {
    bool with_build = !plan::JoinOutputsLeftOnly(spec_.type);
    ARROW_ASSIGN_OR_RAISE(auto columns, TakeColumns(ctx, probe, build, rows, with_build));
    return arrow::RecordBatch::Make(output_, static_cast<int64_t>(rows.probe_rows.size()), std::move(columns));
  }

  HashJoinSpec spec_;
  bool probe_is_left_;
  std::shared_ptr<arrow::Schema> output_;
};

BuildState* BuildStateOf(ExecContext& ctx, const PhysicalOperator* build) {
  return static_cast<BuildState*>(ctx.SinkStateOf(build));
}

/// Streams the probe side (inner, outer on the probe side, semi, anti, cross).
class HashJoinProbe final : public PhysicalOperator {
 public:
  HashJoinProbe(std::vector<OperatorPtr> children, HashJoinSpec spec, bool probe_is_left)
      : PhysicalOperator(spec.output_schema, std::move(children)), prober_(spec, probe_is_left, spec.output_schema) {}

  std::string name() const override { return "BroadcastHashJoin"; }
  std::string details() const override { return JoinDetails(prober_.spec()); }

  struct State : OperatorState {
    std::shared_ptr<arrow::RecordBatch> probe;  // the input chunk being joined
    ProbeCursor cursor;
  };

  Result<std::unique_ptr<OperatorState>> InitOperator(ExecContext&) const override {
    return std::make_unique<State>();
  }

  // Called again with the same input while it answers kHaveMoreOutput.
  Result<OperatorResult> Execute(ExecContext& ctx, DataChunk* chunk, OperatorState& op_state) const override {
    BuildState* build = BuildStateOf(ctx, children()[1].get());
    if (build == nullptr) return InternalError("hash join probed before its build side finished");
    auto& state = static_cast<State&>(op_state);
    if (!state.probe) {
      ARROW_ASSIGN_OR_RAISE(state.probe, chunk->Materialize(ctx.pool));
      state.cursor.next_row = 0;
    }
    ARROW_ASSIGN_OR_RAISE(chunk->batch, prober_.Probe(ctx, *state.probe, *build, &state.cursor));
    chunk->selection.reset();
    if (state.cursor.next_row < state.probe->num_rows()) return OperatorResult::kHaveMoreOutput;
    state.probe.reset();
    return OperatorResult::kNeedMoreInput;
  }

 private:
  Prober prober_;
};

struct FullOuterState : BufferedSinkState {
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::shared_ptr<arrow::RecordBatch>>> indexed;
};

/// Full outer join: probes like HashJoinProbe, buffering its output, then adds
/// the unmatched build rows once the whole probe side has been seen.
class FullOuterHashJoin final : public BufferedSinkOperator {
 public:
  FullOuterHashJoin(std::vector<OperatorPtr> children, HashJoinSpec spec)
      : BufferedSinkOperator(spec.output_schema, std::move(children)),
        prober_(spec, /*probe_is_left=*/true, spec.output_schema) {}

  std::string name() const override { return "BroadcastHashJoin"; }
  std::string details() const override { return JoinDetails(prober_.spec()); }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<FullOuterState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState& global, LocalSinkState&) const override {
    BuildState* build = BuildStateOf(ctx, children()[1].get());
    if (build == nullptr) return InternalError("hash join probed before its build side finished");
    ARROW_ASSIGN_OR_RAISE(auto probe, chunk.Materialize(ctx.pool));
    auto& state = static_cast<FullOuterState&>(global);
    ProbeCursor cursor;
    arrow::RecordBatchVector pieces;
    do {
      ARROW_ASSIGN_OR_RAISE(auto joined, prober_.Probe(ctx, *probe, *build, &cursor));
      ARROW_RETURN_NOT_OK(ReserveBatch(ctx, *joined, &state.memory));
      pieces.push_back(std::move(joined));
    } while (cursor.next_row < probe->num_rows());
    std::lock_guard<std::mutex> lock(state.mutex);
    for (auto& piece : pieces) state.indexed.emplace_back(chunk.batch_index, std::move(piece));
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<FullOuterState&>(global);
    std::stable_sort(state.indexed.begin(), state.indexed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [index, batch] : state.indexed) {
      if (batch->num_rows() > 0) state.output.push_back(std::move(batch));
    }
    state.indexed.clear();
    BuildState* build = BuildStateOf(ctx, children()[1].get());
    if (build == nullptr) return InternalError("hash join finished before its build side");
    ARROW_ASSIGN_OR_RAISE(auto unmatched, prober_.UnmatchedBuildRows(ctx, *build));
    if (unmatched) state.output.push_back(std::move(unmatched));
    return Status::OK();
  }

 private:
  Prober prober_;
};

/// A left semi / anti join with its (smaller) left side built: the right side
/// streams through and marks the left rows it matches (keys and residual);
/// then the marked rows (semi) or the others (anti) come out, in build order.
class LeftBuiltSemiJoin final : public BufferedSinkOperator {
 public:
  LeftBuiltSemiJoin(std::vector<OperatorPtr> children, HashJoinSpec spec)
      : BufferedSinkOperator(spec.output_schema, std::move(children)),
        prober_(spec, /*probe_is_left=*/false, spec.output_schema) {}

  std::string name() const override { return "BroadcastHashJoin"; }
  std::string details() const override { return JoinDetails(prober_.spec()) + ", left side built"; }

  Result<std::unique_ptr<GlobalSinkState>> InitGlobalSink(ExecContext&) const override {
    return std::make_unique<BufferedSinkState>();
  }

  Result<SinkResult> Sink(ExecContext& ctx, DataChunk& chunk, GlobalSinkState&, LocalSinkState&) const override {
    BuildState* build = BuildStateOf(ctx, children()[1].get());
    if (build == nullptr) return InternalError("hash join probed before its build side finished");
    ARROW_ASSIGN_OR_RAISE(auto probe, chunk.Materialize(ctx.pool));
    ARROW_RETURN_NOT_OK(prober_.MarkMatchedBuildRows(ctx, *probe, *build));
    return SinkResult::kNeedMoreInput;
  }

  Status Finalize(ExecContext& ctx, GlobalSinkState& global) const override {
    auto& state = static_cast<BufferedSinkState&>(global);
    BuildState* build = BuildStateOf(ctx, children()[1].get());
    if (build == nullptr) return InternalError("hash join finished before its build side");
    const bool want = prober_.spec().type == JoinType::kLeftSemi;
    const int64_t rows = build->rows->num_rows();
    arrow::compute::ExecContext exec_ctx(ctx.pool);
    for (int64_t begin = 0; begin < rows; begin += static_cast<int64_t>(kMaxOutputRows)) {
      const int64_t end = std::min(rows, begin + static_cast<int64_t>(kMaxOutputRows));
      arrow::Int64Builder indices(ctx.pool);
      for (int64_t j = begin; j < end; ++j) {
        if ((build->matched[j].load(std::memory_order_relaxed) != 0) == want) ARROW_RETURN_NOT_OK(indices.Append(j));
      }
      if (indices.length() == 0) continue;
      ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
      ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(build->rows, index_array,
                                                             arrow::compute::TakeOptions::Defaults(), &exec_ctx));
      auto batch = taken.record_batch();
      ARROW_ASSIGN_OR_RAISE(batch, batch->ReplaceSchema(schema()));
      state.output.push_back(std::move(batch));
    }
    return Status::OK();
  }

 private:
  Prober prober_;
};

}  // namespace

OperatorPtr MakeHashJoin(OperatorPtr left, OperatorPtr right, HashJoinSpec spec) {
  if (spec.build_left && plan::JoinOutputsLeftOnly(spec.type) && !spec.left_keys.empty()) {
    auto build = std::make_unique<HashJoinBuild>(std::move(left), spec.left_keys, spec.null_safe);
    std::vector<OperatorPtr> children;
    children.push_back(std::move(right));
    children.push_back(std::move(build));
    return std::make_unique<LeftBuiltSemiJoin>(std::move(children), std::move(spec));
  }
  // The build side is the right one, except for a right outer join, whose
  // unmatched rows must stream: there the left side is built and the right probes.
  const bool probe_is_left = spec.type != JoinType::kRightOuter;
  OperatorPtr probe = probe_is_left ? std::move(left) : std::move(right);
  OperatorPtr build_input = probe_is_left ? std::move(right) : std::move(left);
  auto build_keys = probe_is_left ? spec.right_keys : spec.left_keys;
  auto build = std::make_unique<HashJoinBuild>(std::move(build_input), std::move(build_keys), spec.null_safe);
  std::vector<OperatorPtr> children;
  children.push_back(std::move(probe));
  children.push_back(std::move(build));
  if (spec.type == JoinType::kFullOuter) return std::make_unique<FullOuterHashJoin>(std::move(children), spec);
  return std::make_unique<HashJoinProbe>(std::move(children), spec, probe_is_left);
}

}  // namespace sk8::exec
