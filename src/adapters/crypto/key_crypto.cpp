#include "adapters/crypto/key_crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>

namespace xb::crypto {

std::string NewApiKeySecret() {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::array<unsigned char, 64> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  std::string out = "xbk_";
  // 40 characters, each from a byte below 248 (= 4 × 62) so that every symbol is equally likely.
  for (unsigned char b : bytes) {
    if (b >= 248) continue;
    out += kAlphabet[b % 62];
    if (out.size() == 44) break;
  }
  if (out.size() < 44) return NewApiKeySecret();
  return out;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up on every digest, which
  // costs more than hashing a key.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (kSha256 == nullptr ||
      EVP_Digest(data.data(), data.size(), md.data(), &len, kSha256, nullptr) != 1) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

access::KeyCrypto OpenSslKeyCrypto() { return {&NewApiKeySecret, &Sha256Hex}; }

}  // namespace xb::crypto
