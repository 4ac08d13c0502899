// Nondeterministic functions: rand / random, randn, uniform, randstr, uuid,
// shuffle, spark_partition_id, monotonically_increasing_id. Spark evaluates
// them row by row in each partition with a generator seeded by seed + partition
// index; the executor hands them each partition's rows as one batch, in order,
// with EvalContext::partition_index (exec/partition_gather.cc), so a kernel
// starts its generator once per call and gives Spark's values for the same
// seed. A call without a seed gets a random one when bound, shown in the column
// name as Spark shows it (rand(-1588846976812800119)).

#include <mutex>
#include <optional>
#include <random>

#include <arrow/builder.h>

#include "functions/cast.h"
#include "functions/collection_util.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/spark_random.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using Args = std::vector<Datum>;

int64_t RandomSeed() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  return static_cast<int64_t>(engine());
}

bool IsIntOrBigint(const arrow::DataType& type) {
  return type.id() == arrow::Type::INT32 || type.id() == arrow::Type::INT64;
}

/// The value of an INT / BIGINT / NULL literal (NULL reads as 0, as in Spark).
int64_t LiteralLong(const plan::BoundExpr& arg) {
  const auto& scalar = *arg.literal;
  if (!scalar.is_valid) return 0;
  if (scalar.type->id() == arrow::Type::INT32) return static_cast<const arrow::Int32Scalar&>(scalar).value;
  if (scalar.type->id() == arrow::Type::INT64) return static_cast<const arrow::Int64Scalar&>(scalar).value;
  if (scalar.type->id() == arrow::Type::INT16) return static_cast<const arrow::Int16Scalar&>(scalar).value;
  if (scalar.type->id() == arrow::Type::INT8) return static_cast<const arrow::Int8Scalar&>(scalar).value;
  return 0;
}

bool IsLiteral(const plan::BoundExpr& arg) { return arg.kind == plan::BoundKind::kLiteral; }

/// The seed argument of rand / randn / uniform / randstr: an INT or BIGINT
/// literal (or NULL, which seeds 0).
Result<int64_t> SeedArgument(const std::string& sql_expr, int index, const plan::BoundExpr& seed,
                             bool unfoldable_is_seed_error) {
  if (!IsIntOrBigint(*seed.type) && seed.type->id() != arrow::Type::NA) {
    return UnexpectedInputType(sql_expr, index, "(\"INT\" or \"BIGINT\")", seed);
  }
  if (!IsLiteral(seed)) {
    if (unfoldable_is_seed_error) {
      return AnalysisError("SEED_EXPRESSION_IS_UNFOLDABLE",
                           {{"seedExpr", Quoted(seed.name)}, {"exprWithSeed", Quoted(sql_expr)}});
    }
    return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                         {{"sqlExpr", Quoted(sql_expr)}, {"inputName", "`seed`"},
                          {"inputType", "integer or floating-point"}, {"inputExpr", Quoted(seed.name)}});
  }
  return LiteralLong(seed);
}

/// The seed of uuid / shuffle: Spark wants a long literal (INVALID_PARAMETER_VALUE.LONG);
/// NULL asks for a random one.
Result<int64_t> LongLiteralSeed(const std::string& function, const plan::BoundExpr& seed) {
  if (!IsLiteral(seed) || (!types::IsIntegral(*seed.type) && seed.type->id() != arrow::Type::NA)) {
    return SparkError(SparkExceptionKind::kAnalysis, "INVALID_PARAMETER_VALUE.LONG",
                      {{"parameter", "`seed`"}, {"functionName", "`" + function + "`"},
                       {"invalidValue", Quoted(seed.name)}});
  }
  if (!seed.literal->is_valid) return RandomSeed();
  return LiteralLong(seed);
}

BoundExprPtr Nondeterministic(BoundExprPtr bound) {
  auto copy = std::make_shared<plan::BoundExpr>(*bound);
  copy->deterministic = false;
  return copy;
}

Result<Datum> DoubleColumn(int64_t length, const std::function<double()>& next) {
  arrow::DoubleBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Resize(length));
  for (int64_t i = 0; i < length; ++i) builder.UnsafeAppend(next());
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return Datum(array);
}

/// rand(seed) or randn(seed): a DOUBLE per row, never NULL.
BoundExprPtr RandCall(const std::string& function, int64_t seed, bool gaussian, const std::string& name) {
  auto bound = KernelCall(function, name, {}, arrow::float64(), false,
                          [seed, gaussian](const Args&, int64_t length, const EvalContext& ctx) -> Result<Datum> {
                            XorShiftRandom random(seed + ctx.partition_index);
                            if (gaussian) return DoubleColumn(length, [&] { return random.NextGaussian(); });
                            return DoubleColumn(length, [&] { return random.NextDouble(); });
                          });
  return Nondeterministic(bound);
}

FunctionInfo Rand(const std::string& name, bool gaussian, std::string usage) {
  FunctionInfo info = ScalarInfo(
      name, std::move(usage),
      [name, gaussian](const std::string&, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount(name, args, 0, 1));
        // Spark names rand and its alias random alike: rand(seed).
        int64_t seed = 0;
        std::string shown;
        if (args.empty()) {
          seed = RandomSeed();
          shown = std::to_string(seed);
        } else {
          const std::string sql = name + "(" + args[0]->name + ")";
          ARROW_ASSIGN_OR_RAISE(seed, SeedArgument(sql, 0, *args[0], /*unfoldable_is_seed_error=*/true));
          shown = args[0]->name;
        }
        return RandCall(name, seed, gaussian, name + "(" + shown + ")");
      },
      /*can_fail=*/true);  // so CASE WHEN evaluates it only on the rows that reach it, as Spark draws
  info.deterministic = false;
  return info;
}

/// uniform(min, max[, seed]): min + (max - min) * rand(seed), in the type of
/// the bounds (Spark's Uniform is replaced by exactly that expression).
std::shared_ptr<arrow::DataType> UniformType(const arrow::DataType& min, const arrow::DataType& max,
                                             const std::shared_ptr<arrow::DataType>& min_type,
                                             const std::shared_ptr<arrow::DataType>& max_type) {
  const bool integral = types::IsIntegral(min) && types::IsIntegral(max);
  if (integral) return NumericRank(min) >= NumericRank(max) ? min_type : max_type;
  if (min.id() == arrow::Type::DOUBLE || max.id() == arrow::Type::DOUBLE) return arrow::float64();
  if (min.id() == arrow::Type::FLOAT || max.id() == arrow::Type::FLOAT) return arrow::float32();
  if (max.id() == arrow::Type::DECIMAL128) return max_type;
  return min_type;
}

FunctionInfo Uniform() {
  FunctionInfo info = ScalarInfo(
      "uniform",
      "uniform(min, max[, seed]) - Returns a random value with independent and identically distributed (i.i.d.) "
      "values with the specified range of numbers. The random seed is optional. The provided numbers specifying the "
      "minimum and maximum values of the range must be constant. If both of these numbers are integers, then the "
      "result will also be an integer. Otherwise if one or both of these are floating-point numbers, then the result "
      "will also be a floating-point number.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("uniform", args, 2, 3));
        const std::string name = CallText(called, args);
        static const char* kNames[] = {"`min`", "`max`"};
        for (int i = 0; i < 2; ++i) {
          const auto& type = *args[i]->type;
          if (!types::IsNumeric(type) && type.id() != arrow::Type::NA) {
            return UnexpectedInputType(name, i, "\"NUMERIC\"", *args[i]);
          }
          if (!IsLiteral(*args[i])) {
            return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                                 {{"sqlExpr", Quoted(name)}, {"inputName", kNames[i]},
                                  {"inputType", "integer or floating-point"}, {"inputExpr", Quoted(args[i]->name)}});
          }
        }
        int64_t seed = 0;
        if (args.size() == 3) {
          ARROW_ASSIGN_OR_RAISE(seed, SeedArgument(name, 2, *args[2], /*unfoldable_is_seed_error=*/false));
        } else {
          seed = RandomSeed();
        }
        const auto& min = args[0];
        const auto& max = args[1];
        if (min->type->id() == arrow::Type::NA || max->type->id() == arrow::Type::NA) {
          // NULL, though Spark reports the column as not nullable.
          return Nondeterministic(KernelCall("uniform", name, {}, arrow::float64(), false,
                                             [](const Args&, int64_t rows, const EvalContext&) -> Result<Datum> {
                                               ARROW_ASSIGN_OR_RAISE(auto nulls,
                                                                     arrow::MakeArrayOfNull(arrow::float64(), rows));
                                               return Datum(nulls);
                                             }));
        }
        auto type = UniformType(*min->type, *max->type, min->type, max->type);
        ARROW_ASSIGN_OR_RAISE(auto low, BindCast(min, arrow::float64(), plan::CastMode::kDefault, true, ctx));
        ARROW_ASSIGN_OR_RAISE(auto high, BindCast(max, arrow::float64(), plan::CastMode::kDefault, true, ctx));
        ARROW_ASSIGN_OR_RAISE(auto span, BindFunctionCall("-", {high, low}, ctx));
        auto random = RandCall("rand", seed, false, "rand(" + std::to_string(seed) + ")");
        ARROW_ASSIGN_OR_RAISE(auto scaled, BindFunctionCall("*", {span, random}, ctx));
        ARROW_ASSIGN_OR_RAISE(auto value, BindFunctionCall("+", {low, scaled}, ctx));
        if (!value->type->Equals(*type)) {
          ARROW_ASSIGN_OR_RAISE(value, BindCast(value, type, plan::CastMode::kDefault, true, ctx));
        }
        auto copy = std::make_shared<plan::BoundExpr>(*value);
        copy->name = name;
        copy->nullable = false;
        copy->deterministic = false;
        return BoundExprPtr(copy);
      },
      /*can_fail=*/true);  // drawn only on the rows a CASE WHEN branch reaches
  info.deterministic = false;
  return info;
}

FunctionInfo RandStr() {
  FunctionInfo info = ScalarInfo(
      "randstr",
      "randstr(length[, seed]) - Returns a string of the specified length whose characters are chosen uniformly at "
      "random from the following pool of characters: 0-9, a-z, A-Z. The random seed is optional. The string length "
      "must be a constant two-byte or four-byte integer (SMALLINT or INT, respectively).",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext& ctx) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("randstr", args, 1, 2));
        std::string name = CallText(called, args);
        if (types::IsStringLike(*args[0]->type)) {
          ARROW_ASSIGN_OR_RAISE(args[0], BindCast(args[0], arrow::int32(), plan::CastMode::kDefault, true, ctx));
        }
        if (!types::IsIntegral(*args[0]->type) && args[0]->type->id() != arrow::Type::NA) {
          return UnexpectedInputType(name, 0, "\"INT\"", *args[0]);
        }
        std::optional<int64_t> length;
        if (IsLiteral(*args[0])) {
          length = LiteralLong(*args[0]);
        } else if (args[0]->kind == plan::BoundKind::kCall && args[0]->args.size() == 1 && IsLiteral(*args[0]->args[0])) {
          // '5' cast to INT: a constant too.
          ARROW_ASSIGN_OR_RAISE(auto value, args[0]->kernel->Execute({Datum(args[0]->args[0]->literal)}, 1, ctx));
          if (value.is_scalar()) {
            length = value.scalar()->is_valid ? static_cast<const arrow::Int32Scalar&>(*value.scalar()).value : 0;
          }
        }
        if (!length) {
          return AnalysisError("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                               {{"sqlExpr", Quoted(name)}, {"inputName", "`length`"}, {"inputType", "integer"},
                                {"inputExpr", Quoted(args[0]->name)}});
        }
        int64_t seed = 0;
        if (args.size() == 2) {
          ARROW_ASSIGN_OR_RAISE(seed, SeedArgument(name, 1, *args[1], /*unfoldable_is_seed_error=*/false));
        } else {
          seed = RandomSeed();
        }
        const int64_t chars = *length;
        auto bound = KernelCall(
            "randstr", name, {}, arrow::utf8(), false,
            [chars, seed](const Args&, int64_t rows, const EvalContext& ctx) -> Result<Datum> {
              if (chars < 0) {
                return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.LENGTH",
                                  {{"parameter", "`length`"}, {"functionName", "`randstr`"},
                                   {"length", std::to_string(chars)}});
              }
              XorShiftRandom random(seed + ctx.partition_index);
              StringColumnWriter out(rows, rows * chars);
              std::string value(static_cast<size_t>(chars), ' ');
              for (int64_t r = 0; r < rows; ++r) {
                for (int64_t i = 0; i < chars; ++i) {
                  const int32_t num = std::abs(random.NextInt() % 62);
                  value[i] = static_cast<char>(num < 10 ? '0' + num : num < 36 ? 'a' + num - 10 : 'A' + num - 36);
                }
                out.Append(value);
              }
              return out.Finish(false);
            });
        return Nondeterministic(bound);
      },
      /*can_fail=*/true);
  info.deterministic = false;
  return info;
}

FunctionInfo Uuid() {
  FunctionInfo info = ScalarInfo(
      "uuid",
      "uuid() - Returns an universally unique identifier (UUID) string. The value is returned as a canonical UUID "
      "36-character string.",
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("uuid", args, 0, 1));
        int64_t seed = 0;
        if (args.empty()) {
          seed = RandomSeed();
        } else {
          ARROW_ASSIGN_OR_RAISE(seed, LongLiteralSeed("UUID", *args[0]));
        }
        auto bound = KernelCall("uuid", "uuid()", {}, arrow::utf8(), false,
                                [seed](const Args&, int64_t rows, const EvalContext& ctx) -> Result<Datum> {
                                  MersenneTwister random(seed + ctx.partition_index);
                                  StringColumnWriter out(rows, rows * 36);
                                  static const char* kHex = "0123456789abcdef";
                                  char text[36];
                                  for (int64_t r = 0; r < rows; ++r) {
                                    uint64_t most = static_cast<uint64_t>(random.NextLong());
                                    uint64_t least = static_cast<uint64_t>(random.NextLong());
                                    most = (most & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
                                    least = (least | 0x8000000000000000ull) & 0xBFFFFFFFFFFFFFFFull;
                                    int pos = 0;
                                    for (int i = 0; i < 32; ++i) {
                                      if (i == 8 || i == 12 || i == 16 || i == 20) text[pos++] = '-';
                                      const uint64_t word = i < 16 ? most : least;
                                      text[pos++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
                                    }
                                    out.Append(std::string_view(text, 36));
                                  }
                                  return out.Finish(false);
                                });
        return Nondeterministic(bound);
      },
      /*can_fail=*/true);  // drawn only on the rows a CASE WHEN branch reaches
  info.deterministic = false;
  return info;
}

FunctionInfo Shuffle() {
  FunctionInfo info = ScalarInfo(
      "shuffle", "shuffle(array) - Returns a random permutation of the given array.",
      [](const std::string& called, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("shuffle", args, 1, 2));
        const std::string name = CallText(called, {args[0]});
        if (args[0]->type->id() == arrow::Type::NA) {  // shuffle(NULL): a NULL ARRAY<VOID>
          auto type = ArrayOf(arrow::null(), true);
          return Nondeterministic(KernelCall("shuffle", name, {}, type, true,
                                             [type](const Args&, int64_t rows, const EvalContext&) -> Result<Datum> {
                                               ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(type, rows));
                                               return Datum(nulls);
                                             }));
        }
        ARROW_RETURN_NOT_OK(RequireArray(name, 0, *args[0]));
        int64_t seed = 0;
        if (args.size() == 2) {
          ARROW_ASSIGN_OR_RAISE(seed, LongLiteralSeed("shuffle", *args[1]));
        } else {
          seed = RandomSeed();
        }
        auto type = args[0]->type;
        const bool nullable = args[0]->nullable;
        auto bound = KernelCall("shuffle", name, {args[0]}, type, nullable,
                                [seed, type](const Args& a, int64_t rows, const EvalContext& ctx) -> Result<Datum> {
                                  MersenneTwister random(seed + ctx.partition_index);
                                  auto list = ListArgument(a[0], rows);
                                  ListByIndices out(rows);
                                  std::vector<int64_t> indices;
                                  for (int64_t i = 0; i < rows; ++i) {
                                    if (list->IsNull(i)) {
                                      out.NullRow();
                                      continue;
                                    }
                                    const int64_t n = list->value_length(i);
                                    // The "inside-out" Fisher-Yates shuffle, as Spark's RandomIndicesGenerator.
                                    indices.resize(static_cast<size_t>(n));
                                    for (int64_t k = 0; k < n; ++k) {
                                      const int64_t j = random.NextInt(static_cast<int32_t>(k + 1));
                                      if (j != k) indices[k] = indices[j];
                                      indices[j] = k;
                                    }
                                    for (int64_t k = 0; k < n; ++k) out.Add(list->value_offset(i) + indices[k]);
                                    out.EndRow();
                                  }
                                  return out.Finish(type, list->values(), false);
                                });
        return Nondeterministic(bound);
      },
      /*can_fail=*/true);  // drawn only on the rows a CASE WHEN branch reaches
  info.deterministic = false;
  return info;
}

FunctionInfo PartitionId() {
  FunctionInfo info = ScalarInfo(
      "spark_partition_id", "spark_partition_id() - Returns the current partition id.",
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("spark_partition_id", args, 0, 0));
        auto bound = KernelCall("spark_partition_id", "SPARK_PARTITION_ID()", {}, arrow::int32(), false,
                                [](const Args&, int64_t rows, const EvalContext& ctx) -> Result<Datum> {
                                  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(
                                                                        arrow::Int32Scalar(ctx.partition_index), rows));
                                  return Datum(array);
                                });
        return Nondeterministic(bound);
      });
  info.deterministic = false;
  return info;
}

FunctionInfo MonotonicallyIncreasingId() {
  FunctionInfo info = ScalarInfo(
      "monotonically_increasing_id",
      "monotonically_increasing_id() - Returns monotonically increasing 64-bit integers. The generated ID is "
      "guaranteed to be monotonically increasing and unique, but not consecutive. The current implementation puts "
      "the partition ID in the upper 31 bits, and the lower 33 bits represent the record number within each "
      "partition. The assumption is that the data frame has less than 1 billion partitions, and each partition has "
      "less than 8 billion records. The function is non-deterministic because its result depends on partition IDs.",
      [](const std::string&, std::vector<BoundExprPtr> args, const EvalContext&) -> Result<BoundExprPtr> {
        ARROW_RETURN_NOT_OK(CheckCount("monotonically_increasing_id", args, 0, 0));
        auto bound = KernelCall("monotonically_increasing_id", "monotonically_increasing_id()", {}, arrow::int64(),
                                false, [](const Args&, int64_t rows, const EvalContext& ctx) -> Result<Datum> {
                                  arrow::Int64Builder builder;
                                  ARROW_RETURN_NOT_OK(builder.Resize(rows));
                                  const int64_t base = static_cast<int64_t>(ctx.partition_index) << 33;
                                  for (int64_t i = 0; i < rows; ++i) builder.UnsafeAppend(base + i);
                                  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
                                  return Datum(array);
                                });
        return Nondeterministic(bound);
      },
      /*can_fail=*/true);  // drawn only on the rows a CASE WHEN branch reaches
  info.deterministic = false;
  return info;
}

}  // namespace

void RegisterRandomFunctions(FunctionRegistry& registry) {
  auto rand = Rand("rand", false,
                   "rand([seed]) - Returns a random value with independent and identically distributed (i.i.d.) "
                   "uniformly distributed values in [0, 1).");
  rand.aliases = {"random"};
  registry.Add(std::move(rand));
  registry.Add(Rand("randn", true,
                    "randn([seed]) - Returns a random value with independent and identically distributed (i.i.d.) "
                    "values drawn from the standard normal distribution."));
  registry.Add(Uniform());
  registry.Add(RandStr());
  registry.Add(Uuid());
  registry.Add(Shuffle());
  registry.Add(PartitionId());
  registry.Add(MonotonicallyIncreasingId());
}

}  // namespace sk8::functions
