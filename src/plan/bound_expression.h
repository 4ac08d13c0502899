#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/datum.h>
#include <arrow/type.h>

#include "common/spark_error.h"

/// Resolved expressions: every name bound to an input column index, every type
/// known, every function bound to a kernel. Immutable and shareable by threads.
namespace sk8::plan {

/// Per-query settings that change how expressions evaluate.
struct EvalContext {
  std::string session_time_zone = "UTC";
  bool ansi = true;  // spark.sql.ansi.enabled (Spark 4 default)
};

/// A vectorized scalar function body. Arguments are arrays of `length` rows or
/// scalars; the result has the bound expression's type.
class ScalarKernel {
 public:
  virtual ~ScalarKernel() = default;
  virtual Result<arrow::Datum> Execute(const std::vector<arrow::Datum>& args, int64_t length,
                                       const EvalContext& ctx) const = 0;
};

enum class BoundKind { kColumnRef, kLiteral, kCall };

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

struct BoundExpr {
  BoundKind kind;
  std::shared_ptr<arrow::DataType> type;
  bool nullable = true;
  /// Spark's name for this expression's column, e.g. "(id % 2)" or "CAST(a AS INT)".
  std::string name;

  int column_index = -1;                     // kColumnRef
  std::shared_ptr<arrow::Scalar> literal;    // kLiteral
  std::string function_name;                 // kCall
  std::shared_ptr<const ScalarKernel> kernel;
  std::vector<BoundExprPtr> args;
  bool deterministic = true;

  static BoundExprPtr Column(int index, std::shared_ptr<arrow::DataType> type, bool nullable,
                             std::string name);
  static BoundExprPtr Literal(std::shared_ptr<arrow::Scalar> value, std::string name);
  static BoundExprPtr Call(std::string function, std::shared_ptr<const ScalarKernel> kernel,
                           std::vector<BoundExprPtr> args, std::shared_ptr<arrow::DataType> type,
                           bool nullable, std::string name);
};

/// Accumulates one aggregate function over many groups (one group when there is
/// no GROUP BY). Partial per thread, merged at the end: two-phase by design.
class GroupedAccumulator {
 public:
  virtual ~GroupedAccumulator() = default;
  virtual void Resize(int64_t num_groups) = 0;
  /// Adds rows; group_ids[i] names the group of row i (all < current size).
  virtual Status Update(const std::vector<arrow::Datum>& args, const uint32_t* group_ids,
                        int64_t num_rows, const EvalContext& ctx) = 0;
  /// Folds `other` into this; other's group g goes to this group group_map[g].
  virtual Status Merge(GroupedAccumulator& other, const uint32_t* group_map, const EvalContext& ctx) = 0;
  virtual Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext& ctx) = 0;
};

class AggregateKernel {
 public:
  virtual ~AggregateKernel() = default;
  virtual std::unique_ptr<GroupedAccumulator> MakeAccumulator() const = 0;
};

struct BoundAggregate {
  std::string function_name;
  std::shared_ptr<const AggregateKernel> kernel;
  std::vector<BoundExprPtr> args;
  bool distinct = false;
  std::shared_ptr<arrow::DataType> type;
  bool nullable = true;
  std::string name;
};

struct BoundSortKey {
  BoundExprPtr expr;
  bool ascending = true;
  bool nulls_first = true;
};

/// Renders a bound expression for EXPLAIN.
std::string ToString(const BoundExpr& expr);

}  // namespace sk8::plan
