#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/api.h>

#include "common/spark_error.h"
#include "exec/key_encoding.h"

namespace sk8::exec {

/// Growable memory from an arrow::MemoryPool, so that the pool sees (and may
/// refuse) the hash table's big allocations.
class PoolBuffer {
 public:
  explicit PoolBuffer(arrow::MemoryPool* pool) : pool_(pool) {}
  /// At least `bytes` of capacity, keeping the contents; grows by doubling.
  Status Reserve(int64_t bytes);
  /// Exactly `bytes` of fresh, zeroed memory (contents dropped).
  Status ResetZeroed(int64_t bytes);
  uint8_t* data() const { return buffer_ ? buffer_->mutable_data() : nullptr; }
  int64_t capacity() const { return buffer_ ? buffer_->capacity() : 0; }

 private:
  arrow::MemoryPool* pool_;
  std::unique_ptr<arrow::ResizableBuffer> buffer_;
};

/// The hash table of aggregation, distinct and hash joins: distinct key rows
/// (see KeyLayout), each given a dense group id in insertion order.
///
/// Open addressing with linear probing over a power-of-two slot array, kept at
/// most half full. A slot holds the upper 32 bits of the key's hash (a tag that
/// rejects most mismatches without touching the key) and the group id + 1
/// (0: empty). Keys live in group order, a fixed-size row each when every key
/// column is fixed width (compared as u64 words), else in an arena with offsets.
///
/// Grouping equality: NULL = NULL, NaN = NaN, -0.0 = 0.0. A join skips rows
/// whose `=` keys have a NULL before asking the table.
class HashTable {
 public:
  static constexpr uint32_t kNoGroup = UINT32_MAX;

  static Result<std::unique_ptr<HashTable>> Make(const std::vector<std::shared_ptr<arrow::DataType>>& key_types,
                                                 arrow::MemoryPool* pool);
  ~HashTable();

  /// Group id of each of the first `num_rows` rows of `keys`, adding new keys.
  Status FindOrInsert(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows, uint32_t* group_ids);
  /// Group id of each row, or kNoGroup; thread-safe (`scratch` belongs to the caller).
  Status Find(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows, EncodedKeys* scratch,
              uint32_t* group_ids) const;
  /// Slots for `num_groups` groups without rehashing (a join's build side knows
  /// its row count), at least `slots_per_group` slots each (2: the usual load of
  /// one half; more keeps lookups that miss from walking occupied slots).
  Status Reserve(int64_t num_groups, int slots_per_group = 2);
  /// Adds `other`'s keys: its group g becomes this table's group_map[g].
  Status Merge(const HashTable& other, uint32_t* group_map);
  /// Adds `other`'s groups `groups[0 .. count)`: groups[i] becomes this table's
  /// group_map[i] (a partition of a table merges on its own thread).
  Status MergeGroups(const HashTable& other, const uint32_t* groups, int64_t count, uint32_t* group_map);

  /// The key row layout: a caller that encodes once (EncodeKeys) and then
  /// inserts or looks up each partition's rows in its own table.
  const KeyLayout& layout() const { return layout_; }
  /// Adds the encoded rows `rows[0 .. count)` of `keys` (all rows when null);
  /// group_ids[i] is the group of rows[i]. Values of nested key columns are not
  /// kept, so such a table cannot give back its Keys() (a join never asks).
  Status InsertEncoded(const EncodedKeys& keys, const uint32_t* rows, int64_t count, uint32_t* group_ids);

  /// Looks encoded rows up in the table of their partition (`tables` share one
  /// layout; partition p's groups are numbered from group_base[p]), in one
  /// pass with the same prefetching as Find; thread-safe.
  static void FindInPartitions(const std::vector<std::unique_ptr<HashTable>>& tables, int bits,
                               const uint32_t* group_base, const EncodedKeys& keys, int64_t num_rows,
                               uint32_t* group_ids);

  /// Partitions by hash: the top `bits` bits of a group's hash (the slots use
  /// the low bits, so a partition's table still spreads over all its slots).
  static uint32_t PartitionOf(uint64_t hash, int bits) {
    return bits == 0 ? 0 : static_cast<uint32_t>(hash >> (64 - bits));
  }
  /// The hash of each group (groups 0 .. num_groups() - 1).
  const uint64_t* hashes() const { return reinterpret_cast<const uint64_t*>(hashes_.data()); }

  uint32_t num_groups() const { return num_groups_; }
  /// The key columns of groups 0 .. num_groups() - 1, decoded a column at a time.
  Result<std::vector<std::shared_ptr<arrow::Array>>> Keys() const;
  /// Bytes held (slots, keys, hashes).
  int64_t MemoryUsage() const;

 private:
  HashTable(KeyLayout layout, arrow::MemoryPool* pool);

  template <typename Eq, typename Source>
  Status InsertRows(const Source& source, int64_t num_rows, uint32_t* group_ids, std::vector<int64_t>* new_rows);
  template <typename Eq, typename Source>
  void FindRows(const Source& source, int64_t num_rows, uint32_t* group_ids) const;

  /// A fresh slot array of `capacity` (a power of two) slots, refilled from the stored hashes.
  Status Rehash(uint64_t capacity);
  template <typename Rows>
  Rows Stored() const;  // the table's key rows, as FixedRows or VarRows
  template <typename Eq>
  Status AppendGroup(const uint8_t* row, int64_t size, uint64_t hash);
  Status MergeRows(const HashTable& other, const uint32_t* groups, int64_t count, uint32_t* group_map);
  Status KeepNestedValues(const std::vector<std::shared_ptr<arrow::Array>>& keys, const std::vector<int64_t>& rows);

  KeyLayout layout_;
  arrow::MemoryPool* pool_;
  uint64_t mask_ = 0;         // slot count - 1
  uint32_t grow_at_ = 0;      // group count that triggers doubling the slots
  uint32_t num_groups_ = 0;
  int64_t key_bytes_ = 0;     // used bytes of keys_
  PoolBuffer slots_;          // uint64_t: tag << 32 | (group id + 1)
  PoolBuffer keys_;           // group rows
  PoolBuffer key_offsets_;    // int64_t per group + 1 (variable layout)
  PoolBuffer hashes_;         // uint64_t per group: rehashing without the keys
  EncodedKeys scratch_;
  // kNested columns' values, per column in chunks in group order (nullptr for others).
  std::vector<std::vector<std::shared_ptr<arrow::Array>>> nested_values_;
};

}  // namespace sk8::exec
