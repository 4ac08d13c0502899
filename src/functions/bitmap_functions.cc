// Spark's fixed-size bitmaps (4096 bytes = 32768 bits, bit i is bit i % 8 of
// byte i / 8): bitmap_bucket_number and bitmap_bit_position split a BIGINT into
// a bucket and a position inside it, bitmap_construct_agg sets the positions of
// a group, bitmap_or_agg / bitmap_and_agg combine bitmaps (a shorter input
// counts as zero bytes past its end), bitmap_count counts the set bits.

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include <arrow/builder.h>

#include "common/spark_error.h"
#include "functions/aggregate_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

constexpr int64_t kBitmapBytes = 4096;
constexpr int64_t kBitmapBits = kBitmapBytes * 8;

int64_t BucketNumber(int64_t value) {
  return value > 0 ? 1 + (value - 1) / kBitmapBits : value / kBitmapBits;
}

int64_t BitPosition(int64_t value) {
  // Spark negates before the remainder: (-value) wraps for INT64_MIN as in Java.
  if (value > 0) return (value - 1) % kBitmapBits;
  return static_cast<int64_t>(0 - static_cast<uint64_t>(value)) % kBitmapBits;
}

FunctionInfo BigintToBigint(std::string name, std::string usage, int64_t (*f)(int64_t)) {
  FunctionInfo info;
  info.name = std::move(name);
  info.usage = std::move(usage);
  info.null_intolerant = true;
  info.can_fail = false;
  info.bind_scalar = [info_copy = info, f](const std::string& called, std::vector<BoundExprPtr> args,
                                           const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::int64(), name, 0, "\"BIGINT\"", ctx));
    auto kernel = MakeScalarFunction<int64_t, int64_t>(arrow::int64(), [f](int64_t v) { return f(v); });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), nullable, name);
  };
  return info;
}

FunctionInfo BitmapCount() {
  FunctionInfo info;
  info.name = "bitmap_count";
  info.usage = "bitmap_count(bitmap) - Returns the number of set bits in the child bitmap.";
  info.null_intolerant = true;
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    if (args[0]->type->id() != arrow::Type::BINARY) return UnexpectedInputType(name, 0, "\"BINARY\"", *args[0]);
    auto kernel = MakeScalarFunction<int64_t, std::string_view>(arrow::int64(), [](std::string_view bytes) {
      int64_t count = 0;
      for (char c : bytes) count += std::popcount(static_cast<uint8_t>(c));
      return count;
    });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), nullable, name);
  };
  return info;
}

/// One 4096-byte bitmap per group, in one flat buffer.
class BitmapGroups {
 public:
  void Resize(int64_t n, uint8_t fill) { bytes_.resize(static_cast<size_t>(n * kBitmapBytes), fill); }
  uint8_t* Group(size_t g) { return bytes_.data() + g * kBitmapBytes; }
  const uint8_t* Group(size_t g) const { return bytes_.data() + g * kBitmapBytes; }
  int64_t MemoryUsage() const { return CapacityBytes(bytes_); }
  Result<std::shared_ptr<arrow::Array>> Finish() const {
    arrow::BinaryBuilder builder;
    const int64_t groups = static_cast<int64_t>(bytes_.size()) / kBitmapBytes;
    ARROW_RETURN_NOT_OK(builder.Reserve(groups));
    ARROW_RETURN_NOT_OK(builder.ReserveData(static_cast<int64_t>(bytes_.size())));
    for (int64_t g = 0; g < groups; ++g) {
      ARROW_RETURN_NOT_OK(builder.Append(Group(static_cast<size_t>(g)), kBitmapBytes));
    }
    return builder.Finish();
  }

 private:
  std::vector<uint8_t> bytes_;
};

// bitmap_construct_agg: sets bit `position` of the group's bitmap; positions
// outside [0, 32768) fail the query.
class ConstructAccumulator : public plan::GroupedAccumulator {
 public:
  void Resize(int64_t n) override { bitmaps_.Resize(n, 0); }
  int64_t MemoryUsage() const override { return bitmaps_.MemoryUsage(); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    FixedWidthArg<int64_t> in(args[0]);
    for (int64_t i = 0; i < rows; ++i) {
      if (!in.IsValid(i)) continue;
      int64_t pos = in.Value(i);
      if (pos < 0 || pos >= kBitmapBits) {
        return SparkError(SparkExceptionKind::kArrayIndexOutOfBounds, "INVALID_BITMAP_POSITION",
                          {{"bitPosition", std::to_string(pos)},
                           {"bitmapNumBits", std::to_string(kBitmapBits)},
                           {"bitmapNumBytes", std::to_string(kBitmapBytes)}});
      }
      bitmaps_.Group(groups[i])[pos / 8] |= static_cast<uint8_t>(1u << (pos % 8));
    }
    return Status::OK();
  }
  Status Merge(const plan::GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const ConstructAccumulator&>(other);
    ForEachMerged(groups, count, [&](int64_t i, size_t g) {
      const uint8_t* from = o.bitmaps_.Group(g);
      uint8_t* to = bitmaps_.Group(map[i]);
      for (int64_t b = 0; b < kBitmapBytes; ++b) to[b] |= from[b];
    });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override { return bitmaps_.Finish(); }

 private:
  BitmapGroups bitmaps_;
};

// bitmap_or_agg / bitmap_and_agg over BINARY bitmaps. AND starts from all ones
// (the answer of a group without values); bytes past a shorter input count as 0.
template <bool kAnd>
class CombineAccumulator : public plan::GroupedAccumulator {
 public:
  void Resize(int64_t n) override { bitmaps_.Resize(n, kAnd ? 0xff : 0); }
  int64_t MemoryUsage() const override { return bitmaps_.MemoryUsage(); }
  Status Update(const std::vector<Datum>& args, const uint32_t* groups, int64_t rows, const EvalContext&) override {
    StringArg in(args[0]);
    std::string_view bytes;
    for (int64_t i = 0; i < rows; ++i) {
      if (in.Get(i, &bytes)) Combine(bitmaps_.Group(groups[i]), reinterpret_cast<const uint8_t*>(bytes.data()),
                                     static_cast<int64_t>(bytes.size()));
    }
    return Status::OK();
  }
  Status Merge(const plan::GroupedAccumulator& other, const uint32_t* groups, const uint32_t* map, int64_t count,
               const EvalContext&) override {
    const auto& o = static_cast<const CombineAccumulator&>(other);
    ForEachMerged(groups, count,
                  [&](int64_t i, size_t g) { Combine(bitmaps_.Group(map[i]), o.bitmaps_.Group(g), kBitmapBytes); });
    return Status::OK();
  }
  Result<std::shared_ptr<arrow::Array>> Finalize(const EvalContext&) override { return bitmaps_.Finish(); }

 private:
  static void Combine(uint8_t* to, const uint8_t* from, int64_t size) {
    const int64_t n = size < kBitmapBytes ? size : kBitmapBytes;
    for (int64_t b = 0; b < n; ++b) to[b] = kAnd ? (to[b] & from[b]) : (to[b] | from[b]);
    if (kAnd) {
      for (int64_t b = n; b < kBitmapBytes; ++b) to[b] = 0;
    }
  }
  BitmapGroups bitmaps_;
};

template <typename Accumulator>
FunctionInfo BitmapAggregate(std::string name, std::string usage, bool binary_input) {
  FunctionInfo info;
  info.name = std::move(name);
  info.kind = FunctionKind::kAggregate;
  info.usage = std::move(usage);
  info.bind_aggregate = [info_copy = info, binary_input](const std::string& called, std::vector<BoundExprPtr> args,
                                                         bool distinct, const EvalContext& ctx) -> Result<BoundAggregate> {
    if (args.size() != 1) return WrongArgs(called, args.size(), "1");
    BoundAggregate agg;
    agg.function_name = info_copy.name;
    agg.name = AggregateName(info_copy, called, args, distinct);
    if (binary_input) {
      if (args[0]->type->id() != arrow::Type::BINARY) return UnexpectedInputType(agg.name, 0, "\"BINARY\"", *args[0]);
    } else {
      ARROW_ASSIGN_OR_RAISE(args[0], CastNumericArgument(args[0], arrow::int64(), agg.name, 0, "\"BIGINT\"", ctx));
    }
    agg.distinct = distinct;
    agg.type = arrow::binary();
    agg.nullable = false;
    agg.kernel = MakeFactoryKernel<Accumulator>();
    agg.args = std::move(args);
    return agg;
  };
  return info;
}

}  // namespace

void RegisterBitmapFunctions(FunctionRegistry& registry) {
  registry.Add(BigintToBigint("bitmap_bucket_number",
                              "bitmap_bucket_number(child) - Returns the bucket number for the given input child "
                              "expression.",
                              &BucketNumber));
  registry.Add(BigintToBigint("bitmap_bit_position",
                              "bitmap_bit_position(child) - Returns the bit position for the given input child "
                              "expression.",
                              &BitPosition));
  registry.Add(BitmapCount());
  registry.Add(BitmapAggregate<ConstructAccumulator>(
      "bitmap_construct_agg",
      "bitmap_construct_agg(child) - Returns a bitmap with the positions of the bits set from all the values from the "
      "child expression. The child expression will most likely be bitmap_bit_position().",
      false));
  registry.Add(BitmapAggregate<CombineAccumulator<false>>(
      "bitmap_or_agg",
      "bitmap_or_agg(child) - Returns a bitmap that is the bitwise OR of all of the bitmaps from the child expression. "
      "The input should be bitmaps created from bitmap_construct_agg().",
      true));
  registry.Add(BitmapAggregate<CombineAccumulator<true>>(
      "bitmap_and_agg",
      "bitmap_and_agg(child) - Returns a bitmap that is the bitwise AND of all of the bitmaps from the child "
      "expression. The input should be bitmaps created from bitmap_construct_agg().",
      true));
}

}  // namespace sk8::functions
