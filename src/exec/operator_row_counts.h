#pragma once

#include <atomic>
#include <memory>
#include <unordered_map>

#include "observability/query_profile.h"

namespace sk8::exec {

class PhysicalOperator;

/// Rows each operator of a running plan produced, for the Spark UI's SQL tab
/// and traces. Every counter exists before the query starts, so counting is a
/// relaxed atomic add per chunk: no lock, no allocation.
class OperatorRowCounts {
 public:
  explicit OperatorRowCounts(const PhysicalOperator& root);

  /// `op` produced a chunk of `rows` (a source's GetData, an operator's Execute).
  void Produced(const PhysicalOperator* op, int64_t rows);
  /// `op`, a sink, took in a chunk of `rows`.
  void Sunk(const PhysicalOperator* op, int64_t rows);

  /// The plan under `root` with each operator's rows.
  observability::OperatorProfile Profile(const PhysicalOperator& root) const;

 private:
  struct Counts {
    std::atomic<int64_t> produced{0};
    std::atomic<int64_t> sunk{0};
    std::atomic<bool> produced_any{false};
    std::atomic<bool> sunk_any{false};
  };
  void Add(const PhysicalOperator& op);
  std::unordered_map<const PhysicalOperator*, std::unique_ptr<Counts>> counts_;
};

}  // namespace sk8::exec
