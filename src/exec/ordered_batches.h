#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <arrow/record_batch.h>

namespace sk8::exec {

/// Batches keyed by their source morsel position. Workers finish morsels out of
/// order; sinks that must keep Spark's row order (results, limit, tail, show) add
/// batches here and read them back in order. Thread-safe.
class OrderedBatches {
 public:
  using BatchPtr = std::shared_ptr<arrow::RecordBatch>;

  /// Adds a batch of morsel `index` (one of its parts, in order, when an
  /// operator split it; `last_part` on the last); returns the rows now in the
  /// gap-free prefix (morsels 0..k all complete).
  int64_t Add(int64_t index, BatchPtr batch, bool last_part = true);
  /// Removes and returns the prefix batches not taken yet, in order.
  std::vector<BatchPtr> TakeReadyPrefix();
  /// Removes and returns every remaining batch in order (once all morsels ran).
  std::vector<BatchPtr> TakeAll();

 private:
  std::mutex mutex_;
  struct Morsel {
    std::vector<BatchPtr> parts;
    bool complete = false;
  };
  std::map<int64_t, Morsel> batches_;
  int64_t next_expected_ = 0;  // first index not yet in the gap-free prefix
  int64_t next_to_take_ = 0;   // first index not yet handed out by TakeReadyPrefix
  int64_t prefix_rows_ = 0;
};

}  // namespace sk8::exec
