// aes_encrypt, aes_decrypt and try_aes_decrypt through OpenSSL's libcrypto, in
// Spark's layouts: GCM is iv(12) || ciphertext || tag(16), CBC iv(16) ||
// ciphertext (PKCS#7 padding), ECB the padded ciphertext alone. Without an IV
// the encryption draws a random one, as Spark does.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>

#include "functions/string_util.h"

namespace sk8::functions {
namespace {

using arrow::Datum;

constexpr size_t kGcmIvBytes = 12;
constexpr size_t kGcmTagBytes = 16;
constexpr size_t kCbcIvBytes = 16;
// Most of Spark's AES errors name both functions.
constexpr const char* kBothFunctions = "`aes_encrypt`/`aes_decrypt`";

enum class AesMode { kGcm, kCbc, kEcb };

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const EVP_CIPHER* Cipher(AesMode mode, size_t key_bytes) {
  switch (mode) {
    case AesMode::kGcm:
      return key_bytes == 16 ? EVP_aes_128_gcm() : key_bytes == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
    case AesMode::kCbc:
      return key_bytes == 16 ? EVP_aes_128_cbc() : key_bytes == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    case AesMode::kEcb:
      return key_bytes == 16 ? EVP_aes_128_ecb() : key_bytes == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
  }
  return nullptr;
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The failure of a decryption (wrong key, damaged input, bad padding or tag):
// Spark's AES_CRYPTO_ERROR carries the JVM's message, which sk8 words itself.
Status CryptoError(const std::string& detail) {
  return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR",
                    {{"parameter", "`expr`, `key`"}, {"functionName", kBothFunctions}, {"detailMessage", detail}});
}

/// One row: `out` gets the result; a Status for an error of the row.
Status Encrypt(AesMode mode, std::string_view input, std::string_view key, std::string_view iv, std::string_view aad,
               std::string* out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return Status::OutOfMemory("EVP_CIPHER_CTX_new");
  std::string random_iv;
  const size_t iv_bytes = mode == AesMode::kGcm ? kGcmIvBytes : mode == AesMode::kCbc ? kCbcIvBytes : 0;
  if (iv_bytes > 0 && iv.empty()) {
    random_iv.resize(iv_bytes);
    if (RAND_bytes(reinterpret_cast<uint8_t*>(random_iv.data()), static_cast<int>(iv_bytes)) != 1) {
      return Status::IOError("RAND_bytes failed");
    }
    iv = random_iv;
  }
  if (EVP_EncryptInit_ex(ctx.get(), Cipher(mode, key.size()), nullptr, nullptr, nullptr) != 1) {
    return Status::Invalid("EVP_EncryptInit_ex failed");
  }
  if (mode == AesMode::kGcm &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1) {
    return Status::Invalid("EVP_CTRL_GCM_SET_IVLEN failed");
  }
  if (EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), iv_bytes ? Bytes(iv) : nullptr) != 1) {
    return Status::Invalid("EVP_EncryptInit_ex failed");
  }
  int len = 0;
  if (mode == AesMode::kGcm && !aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return Status::Invalid("EVP_EncryptUpdate (aad) failed");
  }
  out->assign(iv.data(), iv_bytes ? iv.size() : 0);
  const size_t start = out->size();
  out->resize(start + input.size() + 32);
  auto* dst = reinterpret_cast<uint8_t*>(out->data()) + start;
  if (EVP_EncryptUpdate(ctx.get(), dst, &len, Bytes(input), static_cast<int>(input.size())) != 1) {
    return Status::Invalid("EVP_EncryptUpdate failed");
  }
  int total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1) return Status::Invalid("EVP_EncryptFinal_ex failed");
  total += len;
  out->resize(start + total);
  if (mode == AesMode::kGcm) {
    uint8_t tag[kGcmTagBytes];
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, tag) != 1) {
      return Status::Invalid("EVP_CTRL_GCM_GET_TAG failed");
    }
    out->append(reinterpret_cast<const char*>(tag), kGcmTagBytes);
  }
  return Status::OK();
}

/// One row; false when the input does not decrypt (the caller words the error).
bool Decrypt(AesMode mode, std::string_view input, std::string_view key, std::string_view aad, std::string* out,
             std::string* detail) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  const size_t iv_bytes = mode == AesMode::kGcm ? kGcmIvBytes : mode == AesMode::kCbc ? kCbcIvBytes : 0;
  const size_t tag_bytes = mode == AesMode::kGcm ? kGcmTagBytes : 0;
  if (input.size() < iv_bytes + tag_bytes) {
    *detail = "Invalid buffer arguments";
    return false;
  }
  std::string_view iv = input.substr(0, iv_bytes);
  std::string_view body = input.substr(iv_bytes, input.size() - iv_bytes - tag_bytes);
  std::string tag(input.substr(input.size() - tag_bytes));
  if (EVP_DecryptInit_ex(ctx.get(), Cipher(mode, key.size()), nullptr, nullptr, nullptr) != 1) return false;
  if (mode == AesMode::kGcm &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv_bytes), nullptr) != 1) {
    return false;
  }
  if (EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), iv_bytes ? Bytes(iv) : nullptr) != 1) return false;
  int len = 0;
  if (mode == AesMode::kGcm && !aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  out->resize(body.size() + 32);
  auto* dst = reinterpret_cast<uint8_t*>(out->data());
  if (EVP_DecryptUpdate(ctx.get(), dst, &len, Bytes(body), static_cast<int>(body.size())) != 1) {
    *detail = "Decryption failed";
    return false;
  }
  int total = len;
  if (mode == AesMode::kGcm &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) != 1) {
    return false;
  }
  if (EVP_DecryptFinal_ex(ctx.get(), dst + total, &len) != 1) {
    *detail = mode == AesMode::kGcm ? "Tag mismatch" : "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.";
    return false;
  }
  total += len;
  out->resize(total);
  return true;
}

/// The row's mode after Spark's checks of mode, padding, key, IV and AAD.
Result<AesMode> CheckArguments(const std::string& function, std::string_view key, std::string_view mode_text,
                               std::string_view padding_text, std::string_view iv, bool has_iv, std::string_view aad) {
  if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
    return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.AES_KEY_LENGTH",
                      {{"parameter", "`key`"},
                       {"functionName", kBothFunctions},
                       {"actualLength", std::to_string(key.size())}});
  }
  const std::string mode = Upper(mode_text), padding = Upper(padding_text);
  AesMode result;
  if (mode == "GCM" && (padding == "NONE" || padding == "DEFAULT")) {
    result = AesMode::kGcm;
  } else if (mode == "CBC" && (padding == "PKCS" || padding == "DEFAULT")) {
    result = AesMode::kCbc;
  } else if (mode == "ECB" && (padding == "PKCS" || padding == "DEFAULT")) {
    result = AesMode::kEcb;
  } else {
    return SparkError(SparkExceptionKind::kRuntime, "UNSUPPORTED_FEATURE.AES_MODE",
                      {{"mode", std::string(mode_text)},
                       {"padding", std::string(padding_text)},
                       {"functionName", kBothFunctions}});
  }
  if (has_iv && !iv.empty()) {
    if (result == AesMode::kEcb) {
      return SparkError(SparkExceptionKind::kRuntime, "UNSUPPORTED_FEATURE.AES_MODE_IV",
                        {{"mode", std::string(mode_text)}, {"functionName", "`" + function + "`"}});
    }
    const size_t want = result == AesMode::kGcm ? kGcmIvBytes : kCbcIvBytes;
    if (iv.size() != want) {
      return SparkError(SparkExceptionKind::kRuntime, "INVALID_PARAMETER_VALUE.AES_IV_LENGTH",
                        {{"parameter", "`iv`"},
                         {"functionName", kBothFunctions},
                         {"mode", std::string(mode_text)},
                         {"actualLength", std::to_string(iv.size())}});
    }
  }
  if (!aad.empty() && result != AesMode::kGcm) {
    return SparkError(SparkExceptionKind::kRuntime, "UNSUPPORTED_FEATURE.AES_MODE_AAD",
                      {{"mode", std::string(mode_text)}, {"functionName", "`" + function + "`"}});
  }
  return result;
}

// The kernel of all three: args are input, key, mode, padding, then iv and aad
// (encrypt) or aad (decrypt). try_aes_decrypt answers NULL for any failure.
StringKernelFn AesKernel(bool encrypt, bool try_mode, std::string function) {
  return [encrypt, try_mode, function](const std::vector<Datum>& args, int64_t length,
                                       const EvalContext&) -> Result<Datum> {
    std::vector<StringArg> in;
    in.reserve(args.size());
    for (const auto& a : args) in.emplace_back(a);
    const int64_t rows = OutputRows(args, length);
    StringColumnWriter writer(rows);
    std::string value, detail;
    for (int64_t i = 0; i < rows; ++i) {
      bool valid = true;
      for (const auto& a : in) valid = valid && a.IsValid(i);
      if (!valid) {
        writer.AppendNull();
        continue;
      }
      const std::string_view iv = encrypt ? in[4].View(i) : std::string_view();
      const std::string_view aad = in[encrypt ? 5 : 4].View(i);
      auto mode = CheckArguments(function, in[1].View(i), in[2].View(i), in[3].View(i), iv, encrypt, aad);
      Status status;
      if (!mode.ok()) {
        status = mode.status();
      } else if (encrypt) {
        status = Encrypt(*mode, in[0].View(i), in[1].View(i), iv, aad, &value);
      } else if (!Decrypt(*mode, in[0].View(i), in[1].View(i), aad, &value, &detail)) {
        status = CryptoError(detail.empty() ? "Decryption failed" : detail);
      }
      if (!status.ok()) {
        if (try_mode) {
          writer.AppendNull();
          continue;
        }
        return status;
      }
      writer.Append(value);
    }
    return writer.Finish(rows == 1 && AllScalars(args), arrow::binary());
  };
}

FunctionInfo AesFunction(const std::string& name, bool encrypt, bool try_mode) {
  const std::string usage =
      encrypt ? "aes_encrypt(expr, key[, mode[, padding[, iv[, aad]]]]) - Returns an encrypted value of `expr` using "
                "AES in given `mode` with the specified `padding`."
              : name + "(expr, key[, mode[, padding[, aad]]]) - Returns a decrypted value of `expr` using AES in "
                       "`mode` with `padding`.";
  const size_t max_args = encrypt ? 6 : 5;
  StringFunctionSpec spec = Spec(name, usage, 2, max_args,
                                 encrypt ? std::vector<ArgKind>{ArgKind::kBinary, ArgKind::kBinary, ArgKind::kString,
                                                                ArgKind::kString, ArgKind::kBinary, ArgKind::kBinary}
                                         : std::vector<ArgKind>{ArgKind::kBinary, ArgKind::kBinary, ArgKind::kString,
                                                                ArgKind::kString, ArgKind::kBinary},
                                 arrow::binary());
  spec.defaults = {StringLiteral("GCM"), StringLiteral("DEFAULT"), StringLiteral("")};
  if (encrypt) spec.defaults.push_back(StringLiteral(""));
  spec.can_fail = !try_mode;
  spec.nullable = AlwaysNullable;
  spec.make_kernel = FixedKernel(AesKernel(encrypt, try_mode, encrypt ? "aes_encrypt" : "aes_decrypt"));
  return MakeStringFunction(std::move(spec));
}

}  // namespace

void RegisterAesFunctions(FunctionRegistry& registry) {
  registry.Add(AesFunction("aes_encrypt", true, false));
  registry.Add(AesFunction("aes_decrypt", false, false));
  registry.Add(AesFunction("try_aes_decrypt", false, true));
}

}  // namespace sk8::functions
