#include "exec/hash_table.h"

#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>
#include <arrow/util/byte_size.h>

#include <cstring>

#include <sys/mman.h>

namespace sk8::exec {

namespace {

// Big tables are touched at random: transparent huge pages (where the kernel
// leaves them to madvise) save most page faults and TLB misses. Advice only.
void AdviseHugePages(uint8_t* data, int64_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHugePage = 2 << 20;
  const auto address = reinterpret_cast<uintptr_t>(data);
  const uintptr_t begin = (address + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (address + static_cast<uintptr_t>(bytes)) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

}  // namespace

Status PoolBuffer::Reserve(int64_t bytes) {
  if (bytes <= capacity()) return Status::OK();
  const int64_t target = std::max<int64_t>(bytes, 2 * capacity());
  ARROW_ASSIGN_OR_RAISE(std::unique_ptr<arrow::ResizableBuffer> grown, arrow::AllocateResizableBuffer(target, pool_));
  AdviseHugePages(grown->mutable_data(), target);
  if (buffer_) std::memcpy(grown->mutable_data(), buffer_->data(), buffer_->capacity());
  buffer_ = std::move(grown);
  return Status::OK();
}

Status PoolBuffer::ResetZeroed(int64_t bytes) {
  buffer_.reset();
  ARROW_ASSIGN_OR_RAISE(buffer_, arrow::AllocateResizableBuffer(bytes, pool_));
  AdviseHugePages(buffer_->mutable_data(), bytes);
  std::memset(buffer_->mutable_data(), 0, bytes);
  return Status::OK();
}

namespace {

constexpr uint64_t kInitialSlots = 256;
// Rows ahead whose slot is prefetched: a big table is a cache miss per row, and
// the misses of several rows overlap only if their loads are issued early.
constexpr int64_t kPrefetchDistance = 32;

/// Encoded rows read in place: a batch's or a table's.
struct FixedRows {
  const uint8_t* base;
  int64_t width;
  const uint64_t* hashes;
  const uint8_t* Row(int64_t i) const { return base + i * width; }
  int64_t Size(int64_t) const { return width; }
};
struct VarRows {
  const uint8_t* base;
  const int64_t* offsets;
  const uint64_t* hashes;
  const uint8_t* Row(int64_t i) const { return base + offsets[i]; }
  int64_t Size(int64_t i) const { return offsets[i + 1] - offsets[i]; }
};

/// Row equality: fixed rows as kWords u64 words (0: any width), variable ones by size and bytes.
template <int kWords>
struct FixedEq {
  using Rows = FixedRows;
  static bool Equal(const uint8_t* a, int64_t, const uint8_t* b, int64_t size) {
    if constexpr (kWords == 0) {
      return std::memcmp(a, b, size) == 0;
    } else {
      uint64_t diff = 0;
      for (int w = 0; w < kWords; ++w) {
        uint64_t x, y;
        std::memcpy(&x, a + 8 * w, 8);
        std::memcpy(&y, b + 8 * w, 8);
        diff |= x ^ y;
      }
      return diff == 0;
    }
  }
  static void Copy(uint8_t* to, const uint8_t* from, int64_t size) {
    if constexpr (kWords == 0) {
      std::memcpy(to, from, size);
    } else {
      std::memcpy(to, from, 8 * kWords);  // a constant size: a few moves, no call
    }
  }
};
struct VarEq {
  using Rows = VarRows;
  static bool Equal(const uint8_t* a, int64_t a_size, const uint8_t* b, int64_t b_size) {
    if (a_size != b_size) return false;
    // Keys are mostly short: words inline rather than a memcmp call.
    int64_t w = 0;
    for (; w + 8 <= b_size; w += 8) {
      uint64_t x, y;
      std::memcpy(&x, a + w, 8);
      std::memcpy(&y, b + w, 8);
      if (x != y) return false;
    }
    for (; w < b_size; ++w) {
      if (a[w] != b[w]) return false;
    }
    return true;
  }
  static void Copy(uint8_t* to, const uint8_t* from, int64_t size) { std::memcpy(to, from, size); }
};

/// Issues the loads of rows ahead: the slot and the key of row i + distance, and the stored key of
/// the slot of row i + distance / 4 (its slot was prefetched before). Inlined:
/// as a call, GCC would drop it as free of side effects.
template <typename Source, typename Rows>
[[gnu::always_inline]] inline void PrefetchAhead(const Source& source, const Rows& stored, const uint64_t* slots,
                                                 uint64_t mask, int64_t i, int64_t num_rows) {
  if (i + kPrefetchDistance < num_rows) {
    __builtin_prefetch(&slots[source.hashes[i + kPrefetchDistance] & mask]);
    // The incoming key itself: rows picked by partition are scattered over their chunk.
    __builtin_prefetch(source.Row(i + kPrefetchDistance));
  }
  if (i + kPrefetchDistance / 4 < num_rows) {
    const uint64_t slot = slots[source.hashes[i + kPrefetchDistance / 4] & mask];
    if (slot != 0) __builtin_prefetch(stored.Row(static_cast<uint32_t>(slot) - 1));
  }
}

}  // namespace

HashTable::HashTable(KeyLayout layout, arrow::MemoryPool* pool)
    : layout_(std::move(layout)), pool_(pool), slots_(pool), keys_(pool), key_offsets_(pool), hashes_(pool) {
  nested_values_.resize(layout_.columns().size());
}

HashTable::~HashTable() = default;

Result<std::unique_ptr<HashTable>> HashTable::Make(const std::vector<std::shared_ptr<arrow::DataType>>& key_types,
                                                   arrow::MemoryPool* pool) {
  ARROW_ASSIGN_OR_RAISE(auto layout, KeyLayout::Make(key_types));
  std::unique_ptr<HashTable> table(new HashTable(std::move(layout), pool));
  if (!table->layout_.fixed()) {
    ARROW_RETURN_NOT_OK(table->key_offsets_.Reserve(sizeof(int64_t)));
    reinterpret_cast<int64_t*>(table->key_offsets_.data())[0] = 0;
  }
  ARROW_RETURN_NOT_OK(table->Rehash(kInitialSlots));
  return table;
}

Status HashTable::Rehash(uint64_t capacity) {
  ARROW_RETURN_NOT_OK(slots_.ResetZeroed(static_cast<int64_t>(capacity * sizeof(uint64_t))));
  mask_ = capacity - 1;
  grow_at_ = static_cast<uint32_t>(std::min<uint64_t>(capacity / 2, kNoGroup - 1));
  auto* slots = reinterpret_cast<uint64_t*>(slots_.data());
  const auto* hashes = reinterpret_cast<const uint64_t*>(hashes_.data());
  for (uint32_t g = 0; g < num_groups_; ++g) {
    if (g + kPrefetchDistance < num_groups_) __builtin_prefetch(&slots[hashes[g + kPrefetchDistance] & mask_]);
    uint64_t idx = hashes[g] & mask_;
    while (slots[idx] != 0) idx = (idx + 1) & mask_;
    slots[idx] = (hashes[g] >> 32 << 32) | (static_cast<uint64_t>(g) + 1);
  }
  return Status::OK();
}

template <typename Eq>
Status HashTable::AppendGroup(const uint8_t* row, int64_t size, uint64_t hash) {
  if (num_groups_ >= kNoGroup - 1) return arrow::Status::CapacityError("more than 4 billion groups in a hash table");
  if ((static_cast<int64_t>(num_groups_) + 1) * static_cast<int64_t>(sizeof(uint64_t)) > hashes_.capacity()) {
    ARROW_RETURN_NOT_OK(hashes_.Reserve((static_cast<int64_t>(num_groups_) + 1) * sizeof(uint64_t)));
  }
  if (key_bytes_ + size > keys_.capacity()) ARROW_RETURN_NOT_OK(keys_.Reserve(key_bytes_ + size));
  reinterpret_cast<uint64_t*>(hashes_.data())[num_groups_] = hash;
  Eq::Copy(keys_.data() + key_bytes_, row, size);
  key_bytes_ += size;
  if (!layout_.fixed()) {
    ARROW_RETURN_NOT_OK(key_offsets_.Reserve((static_cast<int64_t>(num_groups_) + 2) * sizeof(int64_t)));
    reinterpret_cast<int64_t*>(key_offsets_.data())[num_groups_ + 1] = key_bytes_;
  }
  ++num_groups_;
  return Status::OK();
}

template <typename Rows>
Rows HashTable::Stored() const {
  const auto* hashes = reinterpret_cast<const uint64_t*>(hashes_.data());
  if constexpr (std::is_same_v<Rows, FixedRows>) {
    return FixedRows{keys_.data(), layout_.row_width(), hashes};
  } else {
    return VarRows{keys_.data(), reinterpret_cast<const int64_t*>(key_offsets_.data()), hashes};
  }
}

namespace {

/// The slot that holds the key of a row, or the empty slot where it belongs.
template <typename Eq, typename Rows>
[[gnu::always_inline]] inline uint64_t FindSlot(const uint64_t* slots, uint64_t mask, const Rows& stored,
                                                uint64_t hash, const uint8_t* row, int64_t size) {
  const uint64_t tag = hash >> 32;
  for (uint64_t idx = hash & mask;; idx = (idx + 1) & mask) {
    const uint64_t slot = slots[idx];
    if (slot == 0) return idx;
    if ((slot >> 32) == tag) {
      const auto g = static_cast<uint32_t>(slot) - 1;
      if (Eq::Equal(stored.Row(g), stored.Size(g), row, size)) return idx;
    }
  }
}

}  // namespace

template <typename Eq, typename Source>
Status HashTable::InsertRows(const Source& source, int64_t num_rows, uint32_t* group_ids,
                             std::vector<int64_t>* new_rows) {
  auto* slots = reinterpret_cast<uint64_t*>(slots_.data());
  auto stored = Stored<typename Eq::Rows>();
  for (int64_t i = 0; i < num_rows; ++i) {
    PrefetchAhead(source, stored, slots, mask_, i, num_rows);
    const uint64_t hash = source.hashes[i];
    const uint8_t* row = source.Row(i);
    const int64_t size = source.Size(i);
    uint64_t idx = FindSlot<Eq>(slots, mask_, stored, hash, row, size);
    if (slots[idx] == 0) {
      if (num_groups_ >= grow_at_) {
        ARROW_RETURN_NOT_OK(Rehash(2 * (mask_ + 1)));
        slots = reinterpret_cast<uint64_t*>(slots_.data());
        idx = FindSlot<Eq>(slots, mask_, stored, hash, row, size);
      }
      const uint64_t group = num_groups_;
      ARROW_RETURN_NOT_OK(AppendGroup<Eq>(row, size, hash));
      slots[idx] = (hash >> 32 << 32) | (group + 1);
      stored = Stored<typename Eq::Rows>();
      if (new_rows) new_rows->push_back(i);
    }
    group_ids[i] = static_cast<uint32_t>(slots[idx]) - 1;
  }
  return Status::OK();
}

template <typename Eq, typename Source>
void HashTable::FindRows(const Source& source, int64_t num_rows, uint32_t* group_ids) const {
  const auto* slots = reinterpret_cast<const uint64_t*>(slots_.data());
  const auto stored = Stored<typename Eq::Rows>();
  for (int64_t i = 0; i < num_rows; ++i) {
    PrefetchAhead(source, stored, slots, mask_, i, num_rows);
    const uint64_t slot = slots[FindSlot<Eq>(slots, mask_, stored, source.hashes[i], source.Row(i), source.Size(i))];
    group_ids[i] = slot == 0 ? kNoGroup : static_cast<uint32_t>(slot) - 1;
  }
}

namespace {

/// Calls `run` with the row equality that fits the layout and the rows it reads.
template <typename Run>
auto WithEq(const KeyLayout& layout, const uint8_t* base, const int64_t* offsets, const uint64_t* hashes, Run run) {
  if (!layout.fixed()) return run(VarEq{}, VarRows{base, offsets, hashes});
  FixedRows rows{base, layout.row_width(), hashes};
  switch (layout.row_width() / 8) {
    case 1: return run(FixedEq<1>{}, rows);
    case 2: return run(FixedEq<2>{}, rows);
    case 3: return run(FixedEq<3>{}, rows);
    case 4: return run(FixedEq<4>{}, rows);
    default: return run(FixedEq<0>{}, rows);
  }
}

}  // namespace

Status HashTable::FindOrInsert(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows,
                               uint32_t* group_ids) {
  ARROW_RETURN_NOT_OK(layout_.CheckTypes(keys));
  ARROW_RETURN_NOT_OK(EncodeKeys(layout_, keys, num_rows, &scratch_));
  std::vector<int64_t> new_rows;
  std::vector<int64_t>* track = layout_.has_nested() ? &new_rows : nullptr;
  ARROW_RETURN_NOT_OK(WithEq(layout_, scratch_.bytes.data(), scratch_.offsets.data(), scratch_.hashes.data(),
                             [&](auto eq, const auto& rows) {
                               return InsertRows<decltype(eq)>(rows, num_rows, group_ids, track);
                             }));
  if (track) ARROW_RETURN_NOT_OK(KeepNestedValues(keys, new_rows));
  return Status::OK();
}

Status HashTable::Find(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows, EncodedKeys* scratch,
                       uint32_t* group_ids) const {
  ARROW_RETURN_NOT_OK(layout_.CheckTypes(keys));
  ARROW_RETURN_NOT_OK(EncodeKeys(layout_, keys, num_rows, scratch));
  WithEq(layout_, scratch->bytes.data(), scratch->offsets.data(), scratch->hashes.data(),
         [&](auto eq, const auto& rows) { FindRows<decltype(eq)>(rows, num_rows, group_ids); });
  return Status::OK();
}

Status HashTable::Reserve(int64_t num_groups, int slots_per_group) {
  num_groups = std::min<int64_t>(num_groups, kNoGroup - 1);
  uint64_t capacity = mask_ + 1;
  while (capacity < static_cast<uint64_t>(num_groups) * slots_per_group) capacity *= 2;
  if (capacity == mask_ + 1) return Status::OK();
  // The groups' hashes and (fixed-width) keys too, so that they are not copied as they grow.
  ARROW_RETURN_NOT_OK(hashes_.Reserve(num_groups * static_cast<int64_t>(sizeof(uint64_t))));
  if (layout_.fixed()) ARROW_RETURN_NOT_OK(keys_.Reserve(num_groups * layout_.row_width()));
  return Rehash(capacity);
}

Status HashTable::Merge(const HashTable& other, uint32_t* group_map) {
  // At least as many groups as the larger table: grow once instead of step by step.
  ARROW_RETURN_NOT_OK(Reserve(std::max(num_groups_, other.num_groups_)));
  return MergeRows(other, nullptr, other.num_groups_, group_map);
}

Status HashTable::MergeGroups(const HashTable& other, const uint32_t* groups, int64_t count, uint32_t* group_map) {
  ARROW_RETURN_NOT_OK(Reserve(static_cast<int64_t>(num_groups_) + count));
  return MergeRows(other, groups, count, group_map);
}

namespace {

/// Some of a table's rows, `groups[i]` as row i, with their hashes gathered so
/// that prefetching reads them in order.
template <typename Rows>
struct SelectedRows {
  Rows rows;
  const uint32_t* selected;
  const uint64_t* hashes;
  const uint8_t* Row(int64_t i) const { return rows.Row(selected[i]); }
  int64_t Size(int64_t i) const { return rows.Size(selected[i]); }
};

std::vector<uint64_t> GatherHashes(const uint64_t* hashes, const uint32_t* selected, int64_t count) {
  std::vector<uint64_t> out(count);
  for (int64_t i = 0; i < count; ++i) out[i] = hashes[selected[i]];
  return out;
}

}  // namespace

Status HashTable::InsertEncoded(const EncodedKeys& keys, const uint32_t* rows, int64_t count, uint32_t* group_ids) {
  if (count == 0) return Status::OK();
  std::vector<uint64_t> gathered;
  if (rows != nullptr) gathered = GatherHashes(keys.hashes.data(), rows, count);
  return WithEq(layout_, keys.bytes.data(), keys.offsets.data(), keys.hashes.data(), [&](auto eq, const auto& all) {
    using Eq = decltype(eq);
    if (rows == nullptr) return InsertRows<Eq>(all, count, group_ids, nullptr);
    SelectedRows<std::decay_t<decltype(all)>> selected{all, rows, gathered.data()};
    return InsertRows<Eq>(selected, count, group_ids, nullptr);
  });
}

void HashTable::FindInPartitions(const std::vector<std::unique_ptr<HashTable>>& tables, int bits,
                                 const uint32_t* group_base, const EncodedKeys& keys, int64_t num_rows,
                                 uint32_t* group_ids) {
  const HashTable& first = *tables[0];
  WithEq(first.layout_, keys.bytes.data(), keys.offsets.data(), keys.hashes.data(), [&](auto eq, const auto& rows) {
    using Eq = decltype(eq);
    using Rows = typename Eq::Rows;
    // Each partition's slots and rows, looked up once per call, not per row.
    struct Partition {
      const uint64_t* slots;
      uint64_t mask;
      Rows stored;
      uint32_t base;
    };
    std::vector<Partition> partitions;
    partitions.reserve(tables.size());
    for (size_t p = 0; p < tables.size(); ++p) {
      const HashTable& t = *tables[p];
      partitions.push_back({reinterpret_cast<const uint64_t*>(t.slots_.data()), t.mask_, t.Stored<Rows>(),
                            group_base[p]});
    }
    for (int64_t i = 0; i < num_rows; ++i) {
      if (i + kPrefetchDistance < num_rows) {
        const uint64_t ahead = rows.hashes[i + kPrefetchDistance];
        const Partition& t = partitions[PartitionOf(ahead, bits)];
        __builtin_prefetch(&t.slots[ahead & t.mask]);
      }
      if (i + kPrefetchDistance / 4 < num_rows) {
        const uint64_t ahead = rows.hashes[i + kPrefetchDistance / 4];
        const Partition& t = partitions[PartitionOf(ahead, bits)];
        const uint64_t slot = t.slots[ahead & t.mask];
        if (slot != 0) __builtin_prefetch(t.stored.Row(static_cast<uint32_t>(slot) - 1));
      }
      const uint64_t hash = rows.hashes[i];
      const Partition& t = partitions[PartitionOf(hash, bits)];
      const uint64_t slot = t.slots[FindSlot<Eq>(t.slots, t.mask, t.stored, hash, rows.Row(i), rows.Size(i))];
      group_ids[i] = slot == 0 ? kNoGroup : t.base + static_cast<uint32_t>(slot) - 1;
    }
  });
}

Status HashTable::MergeRows(const HashTable& other, const uint32_t* groups, int64_t count, uint32_t* group_map) {
  if (count == 0) return Status::OK();
  std::vector<int64_t> new_groups;
  std::vector<int64_t>* track = layout_.has_nested() ? &new_groups : nullptr;
  std::vector<uint64_t> gathered;
  if (groups != nullptr) gathered = GatherHashes(other.hashes(), groups, count);
  ARROW_RETURN_NOT_OK(WithEq(layout_, other.keys_.data(), reinterpret_cast<const int64_t*>(other.key_offsets_.data()),
                             other.hashes(), [&](auto eq, const auto& rows) {
                               using Eq = decltype(eq);
                               if (groups == nullptr) return InsertRows<Eq>(rows, count, group_map, track);
                               using Rows = std::decay_t<decltype(rows)>;
                               SelectedRows<Rows> selected{rows, groups, gathered.data()};
                               return InsertRows<Eq>(selected, count, group_map, track);
                             }));
  if (!track) return Status::OK();
  if (groups != nullptr) {
    for (auto& g : new_groups) g = groups[g];  // rows of `other`, as KeepNestedValues takes them
  }
  std::vector<std::shared_ptr<arrow::Array>> other_values(nested_values_.size());
  for (size_t c = 0; c < nested_values_.size(); ++c) {
    if (layout_.columns()[c].kind != KeyKind::kNested) continue;
    ARROW_ASSIGN_OR_RAISE(other_values[c], arrow::Concatenate(other.nested_values_[c], pool_));
  }
  return KeepNestedValues(other_values, new_groups);
}

Status HashTable::KeepNestedValues(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                   const std::vector<int64_t>& rows) {
  if (rows.empty()) return Status::OK();
  auto indices = std::make_shared<arrow::Int64Array>(static_cast<int64_t>(rows.size()),
                                                     arrow::Buffer::Wrap(rows.data(), rows.size()));
  arrow::compute::ExecContext ctx(pool_);
  for (size_t c = 0; c < nested_values_.size(); ++c) {
    if (layout_.columns()[c].kind != KeyKind::kNested) continue;
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(keys[c], indices, arrow::compute::TakeOptions::Defaults(),
                                                           &ctx));
    nested_values_[c].push_back(taken.make_array());
  }
  return Status::OK();
}

Result<std::vector<std::shared_ptr<arrow::Array>>> HashTable::Keys() const {
  std::vector<const uint8_t*> rows(num_groups_);
  if (layout_.fixed()) {
    const auto stored = Stored<FixedRows>();
    for (uint32_t g = 0; g < num_groups_; ++g) rows[g] = stored.Row(g);
  } else {
    const auto stored = Stored<VarRows>();
    for (uint32_t g = 0; g < num_groups_; ++g) rows[g] = stored.Row(g);
  }
  ARROW_ASSIGN_OR_RAISE(auto columns, DecodeKeys(layout_, rows, pool_));
  for (size_t c = 0; c < columns.size(); ++c) {
    if (layout_.columns()[c].kind != KeyKind::kNested) continue;
    if (nested_values_[c].empty()) {
      ARROW_ASSIGN_OR_RAISE(columns[c], arrow::MakeEmptyArray(layout_.columns()[c].type, pool_));
    } else {
      ARROW_ASSIGN_OR_RAISE(columns[c], arrow::Concatenate(nested_values_[c], pool_));
    }
  }
  return columns;
}

int64_t HashTable::MemoryUsage() const {
  int64_t bytes = slots_.capacity() + keys_.capacity() + key_offsets_.capacity() + hashes_.capacity();
  for (const auto& chunks : nested_values_) {
    for (const auto& chunk : chunks) bytes += arrow::util::TotalBufferSize(*chunk->data());
  }
  return bytes;
}

}  // namespace sk8::exec
