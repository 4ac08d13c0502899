#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/util/bit_run_reader.h>
#include <arrow/util/bitmap_ops.h>

#include "functions/kernel_util.h"

/// Simple scalar functions written once as a per-row body over C++ values and
/// vectorized here (Velox's "simple function" idea): NULL handling through the
/// validity bitmaps, constant (scalar) arguments, a scalar result for scalar
/// inputs, and loops specialised per shape (array / constant) so that the
/// compiler sees plain loads. A NULL in any argument gives NULL without calling
/// the body (the function is null-intolerant).
///
///   // total: never NULL, never fails
///   MakeScalarFunction<double, double>(arrow::float64(), [](double x) { return std::cbrt(x); });
///   // may answer NULL or fail on a row: the body returns a RowResult
///   MakeScalarFunction<int64_t, int64_t>(arrow::int64(),
///       [](int64_t* out, int64_t n) { if (n < 0) return RowResult::kNull; *out = ...; return RowResult::kValue; });
///
/// Errors are built once, for the first failing row, by `on_error(args...)`:
/// no Status is allocated per row.
///
/// Value types: int8_t .. int64_t, float, double and bool (for the Arrow types
/// of that physical layout: DATE is int32_t, TIMESTAMP int64_t), and
/// std::string_view for STRING / BINARY arguments. A std::string result is
/// written into a buffer the template reuses across rows.
namespace sk8::functions {

/// What a body says about one row.
enum class RowResult : uint8_t {
  kValue,      // *out holds the row's value
  kNull,       // the row is NULL
  kError,      // the query fails with on_error(args...)
  kAnsiError,  // fails under ANSI (spark.sql.ansi.enabled), NULL otherwise
};

namespace scalar_function_detail {

template <typename T>
constexpr bool kIsFixedWidth = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

/// Reads one argument (array or scalar) as values of T.
template <typename T>
class Arg;

template <typename T>
class Arg {
  static_assert(kIsFixedWidth<T>, "unsupported argument type of a scalar function");

 public:
  explicit Arg(const arrow::Datum& d) : fixed_(d) {}
  bool is_scalar() const { return fixed_.is_scalar(); }
  bool scalar_valid() const { return fixed_.scalar_valid(); }
  const uint8_t* validity() const { return fixed_.validity(); }
  int64_t offset() const { return fixed_.offset(); }
  auto Constant() const { return [v = fixed_.Value(0)](int64_t) { return v; }; }
  auto Values() const {
    return [values = fixed_.values()](int64_t i) {
      T v;
      std::memcpy(&v, values + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
      return v;
    };
  }
  T Value(int64_t i) const { return fixed_.Value(i); }

 private:
  FixedWidthArg<T> fixed_;
};

/// Shared by the bit-packed and variable-width readers: the scalar or the array.
class ArgBase {
 public:
  explicit ArgBase(const arrow::Datum& d) {
    if (d.is_scalar()) {
      scalar_ = d.scalar();
    } else {
      data_ = d.array();
      validity_ = data_->GetNullCount() > 0 && data_->buffers[0] ? data_->buffers[0]->data() : nullptr;
    }
  }
  bool is_scalar() const { return scalar_ != nullptr; }
  bool scalar_valid() const { return scalar_ && scalar_->is_valid; }
  const uint8_t* validity() const { return validity_; }
  int64_t offset() const { return data_ ? data_->offset : 0; }

 protected:
  std::shared_ptr<arrow::Scalar> scalar_;
  std::shared_ptr<arrow::ArrayData> data_;
  const uint8_t* validity_ = nullptr;
};

template <>
class Arg<bool> : public ArgBase {
 public:
  using ArgBase::ArgBase;
  auto Constant() const {
    return [v = scalar_valid() && static_cast<const arrow::BooleanScalar&>(*scalar_).value](int64_t) { return v; };
  }
  auto Values() const {
    return [bits = data_->buffers[1]->data(), offset = data_->offset](int64_t i) {
      return arrow::bit_util::GetBit(bits, offset + i);
    };
  }
  bool Value(int64_t i) const { return is_scalar() ? Constant()(i) : Values()(i); }
};

/// STRING / BINARY with 32-bit offsets.
template <>
class Arg<std::string_view> : public ArgBase {
 public:
  using ArgBase::ArgBase;
  auto Constant() const {
    std::string_view v;
    if (scalar_valid()) v = static_cast<const arrow::BaseBinaryScalar&>(*scalar_).view();
    return [v](int64_t) { return v; };
  }
  auto Values() const {
    return [offsets = data_->GetValues<int32_t>(1), chars = data_->buffers[2] ? data_->buffers[2]->data() : nullptr](
               int64_t i) {
      return std::string_view(reinterpret_cast<const char*>(chars) + offsets[i],
                              static_cast<size_t>(offsets[i + 1] - offsets[i]));
    };
  }
  std::string_view Value(int64_t i) const { return is_scalar() ? Constant()(i) : Values()(i); }
};

/// Calls `loop(accessors...)` with one accessor per argument: a constant for a
/// scalar, a plain array read otherwise. Up to three arguments get one loop per
/// shape; more share a loop that asks each argument per row.
template <size_t I, typename Args, typename Loop, typename... Accessors>
void WithAccessors(const Args& args, Loop& loop, Accessors... accessors) {
  if constexpr (I == std::tuple_size_v<Args>) {
    loop(accessors...);
  } else if constexpr (std::tuple_size_v<Args> > 3) {
    const auto& arg = std::get<I>(args);
    WithAccessors<I + 1>(args, loop, accessors..., [&arg](int64_t i) { return arg.Value(i); });
  } else {
    const auto& arg = std::get<I>(args);
    if (arg.is_scalar()) {
      WithAccessors<I + 1>(args, loop, accessors..., arg.Constant());
    } else {
      WithAccessors<I + 1>(args, loop, accessors..., arg.Values());
    }
  }
}

/// Runs `row(i)` for every row that is valid in `validity` (all rows when null),
/// in runs of consecutive valid rows; stops at the first error.
template <typename Row>
Status ForEachValidRow(const uint8_t* validity, int64_t length, Row&& row) {
  auto run_rows = [&](int64_t begin, int64_t count) -> Status {
    for (int64_t i = begin; i < begin + count; ++i) {
      if constexpr (std::is_same_v<decltype(row(i)), Status>) {
        ARROW_RETURN_NOT_OK(row(i));
      } else {
        row(i);
      }
    }
    return Status::OK();
  };
  if (validity == nullptr) return run_rows(0, length);
  arrow::internal::SetBitRunReader runs(validity, 0, length);
  for (auto run = runs.NextRun(); run.length != 0; run = runs.NextRun()) {
    ARROW_RETURN_NOT_OK(run_rows(run.position, run.length));
  }
  return Status::OK();
}

}  // namespace scalar_function_detail

/// The vectorized kernel of a per-row body `Body` with result type `Out` and
/// argument types `In...`; see the top of this file. Made by MakeScalarFunction.
template <typename Out, typename Body, typename... In>
class ScalarFunctionKernel : public plan::ScalarKernel {
  static constexpr bool kTotal = std::is_invocable_r_v<Out, Body, In...> && !std::is_invocable_v<Body, Out*, In...>;
  using Args = std::tuple<scalar_function_detail::Arg<In>...>;

 public:
  using ErrorFn = std::function<Status(In...)>;

  ScalarFunctionKernel(std::shared_ptr<arrow::DataType> out_type, Body body, ErrorFn on_error)
      : out_type_(std::move(out_type)), body_(std::move(body)), on_error_(std::move(on_error)) {}

  Result<arrow::Datum> Execute(const std::vector<arrow::Datum>& datums, int64_t length,
                               const plan::EvalContext& ctx) const override {
    Args args = MakeArgs(datums, std::index_sequence_for<In...>{});
    bool any_null_scalar = false, all_scalars = true;
    std::apply([&](const auto&... a) { ((any_null_scalar |= a.is_scalar() && !a.scalar_valid()), ...); }, args);
    std::apply([&](const auto&... a) { ((all_scalars &= a.is_scalar()), ...); }, args);
    if (any_null_scalar) {
      if (all_scalars) return arrow::Datum(arrow::MakeNullScalar(out_type_));
      ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(out_type_, length));
      return arrow::Datum(nulls);
    }
    const int64_t rows = all_scalars ? 1 : length;
    ARROW_ASSIGN_OR_RAISE(auto validity, CombinedValidity(args, rows));
    ARROW_ASSIGN_OR_RAISE(auto result, Compute(args, rows, std::move(validity), ctx));
    if (!all_scalars) return arrow::Datum(std::move(result));
    ARROW_ASSIGN_OR_RAISE(auto scalar, result->GetScalar(0));
    return arrow::Datum(std::move(scalar));
  }

 private:
  template <size_t... I>
  static Args MakeArgs(const std::vector<arrow::Datum>& datums, std::index_sequence<I...>) {
    return Args(scalar_function_detail::Arg<In>(datums[I])...);
  }

  /// The AND of the arguments' validity bitmaps (null when no row is NULL).
  static Result<std::shared_ptr<arrow::Buffer>> CombinedValidity(const Args& args, int64_t rows) {
    std::shared_ptr<arrow::Buffer> combined;
    Status status;
    std::apply(
        [&](const auto&... a) {
          auto add = [&](const uint8_t* bits, int64_t offset) {
            if (bits == nullptr || !status.ok()) return;
            auto next = combined ? arrow::internal::BitmapAnd(arrow::default_memory_pool(), combined->data(), 0,
                                                              bits, offset, rows, 0)
                                 : arrow::internal::CopyBitmap(arrow::default_memory_pool(), bits, offset, rows);
            if (next.ok()) {
              combined = *std::move(next);
            } else {
              status = next.status();
            }
          };
          (add(a.validity(), a.offset()), ...);
        },
        args);
    ARROW_RETURN_NOT_OK(status);
    return combined;
  }

  /// Turns a failing row into the query's error, or into NULL (kAnsiError without ANSI).
  Status RowError(RowResult outcome, const Args& args, int64_t i, const plan::EvalContext& ctx) const {
    if (outcome == RowResult::kAnsiError && !ctx.ansi) return Status::OK();
    if (!on_error_) return InternalError("a scalar function failed without an error message");
    return std::apply([&](const auto&... a) { return on_error_(a.Value(a.is_scalar() ? 0 : i)...); }, args);
  }

  Result<std::shared_ptr<arrow::Array>> Compute(const Args& args, int64_t rows,
                                                std::shared_ptr<arrow::Buffer> validity,
                                                const plan::EvalContext& ctx) const {
    if constexpr (std::is_same_v<Out, std::string>) {
      return ComputeStrings(args, rows, validity, ctx);
    } else {
      return ComputeFixed(args, rows, std::move(validity), ctx);
    }
  }

  Result<std::shared_ptr<arrow::Array>> ComputeFixed(const Args& args, int64_t rows,
                                                     std::shared_ptr<arrow::Buffer> validity,
                                                     const plan::EvalContext& ctx) const {
    constexpr bool kBits = std::is_same_v<Out, bool>;
    const int64_t value_bytes = kBits ? arrow::bit_util::BytesForBits(rows) : rows * static_cast<int64_t>(sizeof(Out));
    ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> values, arrow::AllocateBuffer(value_bytes));
    std::memset(values->mutable_data(), 0, static_cast<size_t>(value_bytes));
    uint8_t* out = values->mutable_data();
    auto store = [out](int64_t i, Out v) {
      if constexpr (kBits) {
        arrow::bit_util::SetBitTo(out, i, v);
      } else {
        std::memcpy(out + i * static_cast<int64_t>(sizeof(Out)), &v, sizeof(Out));
      }
    };
    // Rows a body turns NULL clear their bit in a copy of the inputs' validity.
    std::shared_ptr<arrow::Buffer> result_validity = validity;
    uint8_t* mutable_validity = nullptr;
    auto set_null = [&](int64_t i) -> Status {
      if (mutable_validity == nullptr) {
        if (validity) {
          ARROW_ASSIGN_OR_RAISE(result_validity,
                                arrow::internal::CopyBitmap(arrow::default_memory_pool(), validity->data(), 0, rows));
        } else {
          ARROW_ASSIGN_OR_RAISE(result_validity, arrow::AllocateBitmap(rows));
          arrow::bit_util::SetBitsTo(result_validity->mutable_data(), 0, rows, true);
        }
        mutable_validity = result_validity->mutable_data();
      }
      arrow::bit_util::ClearBit(mutable_validity, i);
      return Status::OK();
    };
    const uint8_t* valid_rows = validity ? validity->data() : nullptr;
    Status status;
    auto loop = [&](auto... at) {
      if constexpr (kTotal) {
        status = scalar_function_detail::ForEachValidRow(valid_rows, rows,
                                                         [&](int64_t i) { store(i, static_cast<Out>(body_(at(i)...))); });
      } else {
        status = scalar_function_detail::ForEachValidRow(valid_rows, rows, [&](int64_t i) -> Status {
          Out v{};
          RowResult outcome = body_(&v, at(i)...);
          if (outcome == RowResult::kValue) {
            store(i, v);
            return Status::OK();
          }
          if (outcome != RowResult::kNull) ARROW_RETURN_NOT_OK(RowError(outcome, args, i, ctx));
          return set_null(i);
        });
      }
    };
    scalar_function_detail::WithAccessors<0>(args, loop);
    ARROW_RETURN_NOT_OK(status);
    auto data = arrow::ArrayData::Make(out_type_, rows, {std::move(result_validity), std::move(values)},
                                       arrow::kUnknownNullCount);
    return arrow::MakeArray(data);
  }

  Result<std::shared_ptr<arrow::Array>> ComputeStrings(const Args& args, int64_t rows,
                                                       const std::shared_ptr<arrow::Buffer>& validity,
                                                       const plan::EvalContext& ctx) const {
    std::unique_ptr<arrow::ArrayBuilder> untyped;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), out_type_, &untyped));
    auto& builder = static_cast<arrow::BaseBinaryBuilder<arrow::BinaryType>&>(*untyped);
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    const uint8_t* valid_rows = validity ? validity->data() : nullptr;
    std::string value;
    Status status;
    auto loop = [&](auto... at) {
      status = [&]() -> Status {
        for (int64_t i = 0; i < rows; ++i) {
          if (valid_rows && !arrow::bit_util::GetBit(valid_rows, i)) {
            builder.UnsafeAppendNull();
            continue;
          }
          value.clear();
          if constexpr (kTotal) {
            value = body_(at(i)...);
          } else {
            RowResult outcome = body_(&value, at(i)...);
            if (outcome != RowResult::kValue) {
              if (outcome != RowResult::kNull) ARROW_RETURN_NOT_OK(RowError(outcome, args, i, ctx));
              builder.UnsafeAppendNull();
              continue;
            }
          }
          ARROW_RETURN_NOT_OK(builder.Append(value));
        }
        return Status::OK();
      }();
    };
    scalar_function_detail::WithAccessors<0>(args, loop);
    ARROW_RETURN_NOT_OK(status);
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder.Finish(&out));
    return out;
  }

  std::shared_ptr<arrow::DataType> out_type_;
  Body body_;
  ErrorFn on_error_;
};

/// A kernel from a per-row body; `out_type` is the Arrow type of the result
/// (its physical layout is `Out`). `on_error` builds the error of a row whose
/// body answered kError (or kAnsiError under ANSI).
template <typename Out, typename... In, typename Body>
std::shared_ptr<plan::ScalarKernel> MakeScalarFunction(std::shared_ptr<arrow::DataType> out_type, Body body,
                                                       std::function<Status(In...)> on_error = {}) {
  return std::make_shared<ScalarFunctionKernel<Out, Body, In...>>(std::move(out_type), std::move(body),
                                                                   std::move(on_error));
}

}  // namespace sk8::functions
