// Hashing and misc functions: hash (Spark's Murmur3 x86_32, seed 42),
// xxhash64 (XXH64, seed 42), md5, sha1, sha2, crc32, typeof, current_database.
// hash / xxhash64 chain the seed through the columns (NULLs leave it as is)
// and read each type as Spark does: integers up to INT and DATE as an int,
// BIGINT and TIMESTAMP as a long, floats by their bits with -0.0 as 0.0,
// DECIMAL(p <= 18) by its unscaled long, wider decimals by the bytes of the
// unscaled BigInteger, strings and binaries by their bytes.
#include <arrow/compute/api.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <cmath>
#include <cstring>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/kernel_util.h"
#include "functions/scalar_function.h"
#include "functions/spark_function_docs.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Spark's Murmur3_x86_32 (including its treatment of a byte tail: each
// remaining byte is mixed as a whole block).
struct Murmur3 {
  using Hash = int32_t;
  static uint32_t MixK1(uint32_t k1) { return Rotl32(k1 * 0xcc9e2d51u, 15) * 0x1b873593u; }
  static uint32_t MixH1(uint32_t h1, uint32_t k1) { return Rotl32(h1 ^ k1, 13) * 5 + 0xe6546b64u; }
  static int32_t Finish(uint32_t h1, uint32_t length) {
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return static_cast<int32_t>(h1);
  }
  static int32_t Int(int32_t v, int32_t seed) {
    return Finish(MixH1(static_cast<uint32_t>(seed), MixK1(static_cast<uint32_t>(v))), 4);
  }
  static int32_t Long(int64_t v, int32_t seed) {
    uint32_t h1 = MixH1(static_cast<uint32_t>(seed), MixK1(static_cast<uint32_t>(v)));
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32)));
    return Finish(h1, 8);
  }
  static int32_t Bytes(std::string_view bytes, int32_t seed) {
    uint32_t h1 = static_cast<uint32_t>(seed);
    const size_t aligned = bytes.size() - bytes.size() % 4;
    for (size_t i = 0; i < aligned; i += 4) {
      uint32_t word;
      std::memcpy(&word, bytes.data() + i, 4);
      h1 = MixH1(h1, MixK1(word));
    }
    for (size_t i = aligned; i < bytes.size(); ++i) {
      h1 = MixH1(h1, MixK1(static_cast<uint32_t>(static_cast<int32_t>(static_cast<signed char>(bytes[i])))));
    }
    return Finish(h1, static_cast<uint32_t>(bytes.size()));
  }
};

// XXH64 as Spark's XXH64 class computes it.
struct XxHash64 {
  using Hash = int64_t;
  static constexpr uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full, P3 = 0x165667B19E3779F9ull,
                            P4 = 0x85EBCA77C2B2AE63ull, P5 = 0x27D4EB2F165667C5ull;
  static int64_t Finish(uint64_t h) {
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return static_cast<int64_t>(h);
  }
  static uint64_t Round(uint64_t acc, uint64_t input) { return Rotl64(acc + input * P2, 31) * P1; }
  static int64_t Int(int32_t v, int64_t seed) {
    uint64_t h = static_cast<uint64_t>(seed) + P5 + 4;
    h ^= (static_cast<uint64_t>(v) & 0xFFFFFFFFull) * P1;
    h = Rotl64(h, 23) * P2 + P3;
    return Finish(h);
  }
  static int64_t Long(int64_t v, int64_t seed) {
    uint64_t h = static_cast<uint64_t>(seed) + P5 + 8;
    h ^= Round(0, static_cast<uint64_t>(v));
    h = Rotl64(h, 27) * P1 + P4;
    return Finish(h);
  }
  static int64_t Bytes(std::string_view bytes, int64_t seed) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const size_t length = bytes.size();
    size_t i = 0;
    uint64_t h;
    auto read64 = [&](size_t at) {
      uint64_t v;
      std::memcpy(&v, p + at, 8);
      return v;
    };
    const auto s = static_cast<uint64_t>(seed);
    if (length >= 32) {
      uint64_t v1 = s + P1 + P2, v2 = s + P2, v3 = s, v4 = s - P1;
      for (; i + 32 <= length; i += 32) {
        v1 = Round(v1, read64(i));
        v2 = Round(v2, read64(i + 8));
        v3 = Round(v3, read64(i + 16));
        v4 = Round(v4, read64(i + 24));
      }
      h = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
      for (uint64_t v : {v1, v2, v3, v4}) h = (h ^ Round(0, v)) * P1 + P4;
    } else {
      h = s + P5;
    }
    h += length;
    for (; i + 8 <= length; i += 8) h = Rotl64(h ^ Round(0, read64(i)), 27) * P1 + P4;
    if (i + 4 <= length) {
      uint32_t word;
      std::memcpy(&word, p + i, 4);
      h = Rotl64(h ^ (static_cast<uint64_t>(word) * P1), 23) * P2 + P3;
      i += 4;
    }
    for (; i < length; ++i) h = Rotl64(h ^ (static_cast<uint64_t>(p[i]) * P5), 11) * P1;
    return Finish(h);
  }
};

// The big-endian two's-complement bytes of a 128-bit value, as short as Java's
// BigInteger.toByteArray makes them.
std::string MinimalBigEndian(__int128 v) {
  std::string bytes(16, '\0');
  auto u = static_cast<unsigned __int128>(v);
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<char>(static_cast<uint8_t>(u & 0xFF));
    u >>= 8;
  }
  size_t start = 0;
  while (start < 15) {
    auto b = static_cast<uint8_t>(bytes[start]), next = static_cast<uint8_t>(bytes[start + 1]);
    if ((b == 0x00 && !(next & 0x80)) || (b == 0xFF && (next & 0x80))) {
      ++start;
    } else {
      break;
    }
  }
  return bytes.substr(start);
}

// Folds one column into the per-row hashes.
template <typename H>
Status HashColumn(const Datum& column, const arrow::DataType& type, int64_t rows,
                  std::vector<typename H::Hash>& hashes) {
  using Hash = typename H::Hash;
  std::shared_ptr<arrow::Array> array;
  if (column.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*column.scalar(), rows));
  } else {
    array = column.make_array();
  }
  auto each = [&](auto&& hash_row) {
    for (int64_t i = 0; i < rows; ++i) {
      if (array->IsValid(i)) hashes[static_cast<size_t>(i)] = hash_row(i, hashes[static_cast<size_t>(i)]);
    }
  };
  switch (type.id()) {
    case arrow::Type::NA: return Status::OK();
    case arrow::Type::BOOL: {
      const auto& a = static_cast<const arrow::BooleanArray&>(*array);
      each([&](int64_t i, Hash h) { return H::Int(a.Value(i) ? 1 : 0, h); });
      return Status::OK();
    }
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::DATE32: {
      ARROW_ASSIGN_OR_RAISE(auto ints, arrow::compute::Cast(array, arrow::int32()));
      const auto& a = static_cast<const arrow::Int32Array&>(*ints.make_array());
      each([&](int64_t i, Hash h) { return H::Int(a.Value(i), h); });
      return Status::OK();
    }
    case arrow::Type::INT64:
    case arrow::Type::TIME64:
    case arrow::Type::TIMESTAMP: {
      FixedWidthArg<int64_t> a{Datum(array)};
      each([&](int64_t i, Hash h) { return H::Long(a.Value(i), h); });
      return Status::OK();
    }
    case arrow::Type::FLOAT: {
      const auto& a = static_cast<const arrow::FloatArray&>(*array);
      each([&](int64_t i, Hash h) {
        float f = a.Value(i);
        int32_t bits = 0x7fc00000;  // Java's canonical NaN
        if (f == 0.0f) f = 0.0f;
        if (!std::isnan(f)) std::memcpy(&bits, &f, 4);
        return H::Int(bits, h);
      });
      return Status::OK();
    }
    case arrow::Type::DOUBLE: {
      const auto& a = static_cast<const arrow::DoubleArray&>(*array);
      each([&](int64_t i, Hash h) {
        double d = a.Value(i);
        int64_t bits = 0x7ff8000000000000LL;
        if (d == 0.0) d = 0.0;
        if (!std::isnan(d)) std::memcpy(&bits, &d, 8);
        return H::Long(bits, h);
      });
      return Status::OK();
    }
    case arrow::Type::DECIMAL128: {
      const auto& decimal = static_cast<const arrow::Decimal128Type&>(type);
      FixedWidthArg<__int128> a{Datum(array)};
      if (decimal.precision() <= 18) {
        each([&](int64_t i, Hash h) { return H::Long(static_cast<int64_t>(a.Value(i)), h); });
      } else {
        each([&](int64_t i, Hash h) { return H::Bytes(MinimalBigEndian(a.Value(i)), h); });
      }
      return Status::OK();
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      const auto& a = static_cast<const arrow::BinaryArray&>(*array);
      each([&](int64_t i, Hash h) { return H::Bytes(a.GetView(i), h); });
      return Status::OK();
    }
    case arrow::Type::STRUCT: {
      // Spark folds the fields in order into the row's running hash (a NULL field
      // leaves it as it is); a NULL struct leaves it as it is too.
      const auto& structs = static_cast<const arrow::StructArray&>(*array);
      std::vector<Hash> inner = hashes;
      for (int f = 0; f < type.num_fields(); ++f) {
        ARROW_RETURN_NOT_OK(HashColumn<H>(Datum(structs.field(f)), *type.field(f)->type(), rows, inner));
      }
      each([&](int64_t i, Hash) { return inner[static_cast<size_t>(i)]; });
      return Status::OK();
    }
    default: return Unsupported("hashing values of type " + types::SqlString(type));
  }
}

template <typename H>
FunctionInfo HashFunction(std::string name, std::shared_ptr<arrow::DataType> out_type) {
  FunctionInfo info;
  info.name = std::move(name);
  info.can_fail = false;
  info.bind_scalar = [info_copy = info, out_type](const std::string& called, std::vector<BoundExprPtr> args,
                                                  const EvalContext&) -> Result<BoundExprPtr> {
    if (args.empty()) return WrongArgumentCount(called, "> 0", 0);
    std::string name = CallName(info_copy, called, args);
    for (const auto& a : args) {
      if (types::ContainsVariant(*a->type)) {
        return AnalysisError("DATATYPE_MISMATCH.HASH_VARIANT_TYPE",
                             {{"sqlExpr", "\"" + name + "\""}, {"functionName", "`" + info_copy.name + "`"}});
      }
    }
    std::vector<std::shared_ptr<arrow::DataType>> types;
    for (const auto& a : args) types.push_back(a->type);
    auto kernel = std::make_shared<LambdaKernel>(
        [types, out_type](const std::vector<Datum>& a, int64_t length, const EvalContext&) -> Result<Datum> {
          const bool scalar_output = AllScalars(a);
          const int64_t rows = scalar_output ? 1 : length;
          std::vector<typename H::Hash> hashes(static_cast<size_t>(rows), 42);
          for (size_t c = 0; c < a.size(); ++c) ARROW_RETURN_NOT_OK(HashColumn<H>(a[c], *types[c], rows, hashes));
          arrow::NumericBuilder<typename arrow::CTypeTraits<typename H::Hash>::ArrowType> builder;
          ARROW_RETURN_NOT_OK(builder.AppendValues(hashes));
          return FinishResult(builder.Finish(), scalar_output);
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), out_type, false, name);
  };
  return info;
}

// The argument of a digest: BINARY, or a string read as its bytes.
Result<BoundExprPtr> BinaryArgument(BoundExprPtr arg, const std::string& name, const EvalContext& ctx) {
  if (arg->type->id() == arrow::Type::BINARY) return arg;
  if (!types::IsStringLike(*arg->type) && arg->type->id() != arrow::Type::NA) {
    return UnexpectedInputType(name, 0, "\"BINARY\"", *arg);
  }
  return BindCast(std::move(arg), arrow::binary(), plan::CastMode::kDefault, true, ctx);
}

// Lower-case hex of an OpenSSL digest of `bytes`.
bool HexDigest(const EVP_MD* md, std::string_view bytes, std::string* out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, md, nullptr) != 1) return false;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < size; ++i) {
    out->push_back(kHex[digest[i] >> 4]);
    out->push_back(kHex[digest[i] & 15]);
  }
  return true;
}

FunctionInfo Digest(std::string name, const EVP_MD* (*md)(), std::vector<std::string> aliases = {}) {
  FunctionInfo info;
  info.name = std::move(name);
  info.aliases = std::move(aliases);
  info.null_intolerant = true;
  info.can_fail = false;
  info.bind_scalar = [info_copy = info, md](const std::string& called, std::vector<BoundExprPtr> args,
                                            const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], BinaryArgument(args[0], name, ctx));
    auto kernel = MakeScalarFunction<std::string, std::string_view>(
        arrow::utf8(), [digest = md()](std::string* out, std::string_view bytes) {
          return HexDigest(digest, bytes, out) ? RowResult::kValue : RowResult::kNull;
        });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), nullable, name);
  };
  return info;
}

// sha2(bytes, bits): SHA-224/256/384/512 (0 means 256); NULL for other lengths.
FunctionInfo Sha2() {
  FunctionInfo info;
  info.name = "sha2";
  info.null_intolerant = true;
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], BinaryArgument(args[0], name, ctx));
    ARROW_ASSIGN_OR_RAISE(args[1], CastNumericArgument(args[1], arrow::int32(), name, 1, "\"INT\"", ctx));
    auto kernel = MakeScalarFunction<std::string, std::string_view, int32_t>(
        arrow::utf8(), [](std::string* out, std::string_view bytes, int32_t bits) {
          const EVP_MD* md = bits == 224             ? EVP_sha224()
                             : bits == 256 || bits == 0 ? EVP_sha256()
                             : bits == 384           ? EVP_sha384()
                             : bits == 512           ? EVP_sha512()
                                                     : nullptr;
          return md && HexDigest(md, bytes, out) ? RowResult::kValue : RowResult::kNull;
        });
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::utf8(), true, name);
  };
  return info;
}

FunctionInfo Crc32() {
  FunctionInfo info;
  info.name = "crc32";
  info.null_intolerant = true;
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    std::string name = CallName(info_copy, called, args);
    ARROW_ASSIGN_OR_RAISE(args[0], BinaryArgument(args[0], name, ctx));
    auto kernel = MakeScalarFunction<int64_t, std::string_view>(arrow::int64(), [](std::string_view bytes) {
      return static_cast<int64_t>(
          crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
    });
    bool nullable = args[0]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, std::move(args), arrow::int64(), nullable, name);
  };
  return info;
}

BoundExprPtr ConstantString(const std::string& function, std::string value, std::string name) {
  auto scalar = arrow::MakeScalar(std::move(value));
  auto kernel = std::make_shared<LambdaKernel>(
      [scalar](const std::vector<Datum>&, int64_t, const EvalContext&) -> Result<Datum> { return Datum(scalar); });
  return BoundExpr::Call(function, kernel, {}, arrow::utf8(), false, std::move(name));
}

// typeof(x): the type's simple string, known when the call is bound.
FunctionInfo TypeOf() {
  FunctionInfo info;
  info.name = "typeof";
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext&) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    return ConstantString(info_copy.name, types::SimpleString(*args[0]->type), CallName(info_copy, called, args));
  };
  return info;
}

// current_catalog(): sk8's one catalog, named as Spark's session catalog.
FunctionInfo CurrentCatalog() {
  FunctionInfo info;
  info.name = "current_catalog";
  info.usage = "current_catalog() - Returns the current catalog.";
  info.can_fail = false;
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext&) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    return ConstantString("current_catalog", "spark_catalog", "current_catalog()");
  };
  return info;
}

// current_database() / current_schema(): sk8 has only the default database.
FunctionInfo CurrentDatabase() {
  FunctionInfo info;
  info.name = "current_database";
  info.aliases = {"current_schema"};
  info.can_fail = false;
  info.bind_scalar = [](const std::string& called, std::vector<BoundExprPtr> args,
                        const EvalContext&) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    return ConstantString("current_database", "default", "current_schema()");
  };
  return info;
}

// version(): the Spark version sk8 answers as, with its git revision.
FunctionInfo Version() {
  FunctionInfo info;
  info.name = "version";
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext&) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    return ConstantString(info_copy.name, kSparkVersionString, CallName(info_copy, called, args));
  };
  return info;
}

// current_user() / user() / session_user(): the user id the client sent.
FunctionInfo CurrentUser() {
  FunctionInfo info;
  info.name = "current_user";
  info.aliases = {"user", "session_user"};
  info.can_fail = false;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (!args.empty()) return WrongArgumentCount(called, "0", args.size());
    return ConstantString(info_copy.name, ctx.current_user, CallName(info_copy, called, args));
  };
  return info;
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry& registry) {
  registry.Add(HashFunction<Murmur3>("hash", arrow::int32()));
  registry.Add(HashFunction<XxHash64>("xxhash64", arrow::int64()));
  registry.Add(Digest("md5", EVP_md5));
  registry.Add(Digest("sha1", EVP_sha1, {"sha"}));
  registry.Add(Sha2());
  registry.Add(Crc32());
  registry.Add(TypeOf());
  registry.Add(CurrentDatabase());
  registry.Add(CurrentCatalog());
  registry.Add(Version());
  registry.Add(CurrentUser());
}

}  // namespace sk8::functions
