// API-key randomness and hashing with OpenSSL: 32 random bytes as "xbk_" + base62, SHA-256 hex.
#pragma once

#include <string>
#include <string_view>

#include "flows/access/access_service.h"

namespace xb::crypto {

std::string NewApiKeySecret();
std::string Sha256Hex(std::string_view data);
access::KeyCrypto OpenSslKeyCrypto();

}  // namespace xb::crypto
