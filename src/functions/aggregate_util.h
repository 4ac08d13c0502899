#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <arrow/array.h>
#include <arrow/util/bit_util.h>

#include "functions/function_registry.h"

/// Pieces shared by the aggregate function files (aggregates.cc,
/// statistical_aggregates.cc): accumulator loops, kernels, naming and errors.
namespace sk8::functions {

template <typename T>
int64_t CapacityBytes(const std::vector<T>& values) {
  return static_cast<int64_t>(values.capacity() * sizeof(T));
}
/// CapacityBytes of per-group vectors: the outer vector and each group's.
template <typename T>
int64_t NestedCapacityBytes(const std::vector<std::vector<T>>& groups) {
  int64_t bytes = CapacityBytes(groups);
  for (const auto& group : groups) bytes += CapacityBytes(group);
  return bytes;
}

/// Calls f(i) for each of `rows` rows of `array` that is not NULL: a plain loop
/// when there are no NULLs.
template <typename F>
void ForEachValid(const arrow::Array& array, int64_t rows, F&& f) {
  if (array.null_count() == 0) {
    for (int64_t i = 0; i < rows; ++i) f(i);
    return;
  }
  const uint8_t* validity = array.null_bitmap_data();
  const int64_t offset = array.offset();
  for (int64_t i = 0; i < rows; ++i) {
    if (arrow::bit_util::GetBit(validity, offset + i)) f(i);
  }
}

/// Calls f(i, group) for the groups a Merge folds: groups[i], or i when `groups` is null.
template <typename F>
void ForEachMerged(const uint32_t* groups, int64_t count, F&& f) {
  if (groups == nullptr) {
    for (int64_t i = 0; i < count; ++i) f(i, static_cast<size_t>(i));
  } else {
    for (int64_t i = 0; i < count; ++i) f(i, static_cast<size_t>(groups[i]));
  }
}

/// An aggregate kernel that makes its accumulators with a factory.
class FactoryKernel : public plan::AggregateKernel {
 public:
  using Factory = std::function<std::unique_ptr<plan::GroupedAccumulator>()>;
  explicit FactoryKernel(Factory f) : factory_(std::move(f)) {}
  std::unique_ptr<plan::GroupedAccumulator> MakeAccumulator() const override { return factory_(); }

 private:
  Factory factory_;
};

template <typename Accumulator, typename... Args>
std::shared_ptr<FactoryKernel> MakeFactoryKernel(Args... args) {
  return std::make_shared<FactoryKernel>([=] { return std::make_unique<Accumulator>(args...); });
}

/// Spark's WRONG_NUM_ARGS for `name` called with `got` arguments.
Status WrongArgs(const std::string& name, size_t got, const std::string& expected);

/// Spark's column name of an aggregate over distinct values: "count(DISTINCT x)".
std::string DistinctCallName(const std::string& function, const std::vector<BoundExprPtr>& args);

/// The aggregate's column name: `called(args)`, with DISTINCT when it is.
std::string AggregateName(const FunctionInfo& info, const std::string& called, const std::vector<BoundExprPtr>& args,
                          bool distinct);

/// `args[index]` implicitly cast to DOUBLE as Spark's numeric aggregates take it
/// (numbers, strings, NULL); other types are DATATYPE_MISMATCH naming `sql_expr`.
Status CastArgToDouble(std::vector<BoundExprPtr>* args, size_t index, const std::string& sql_expr,
                       const EvalContext& ctx);

}  // namespace sk8::functions
