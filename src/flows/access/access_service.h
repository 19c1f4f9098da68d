// API keys and tenants: issuing a key (the secret is returned once and only its hash is kept),
// authenticating a presented key (cached, so the hot path does no database read), revoking,
// and creating tenants. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.h"
#include "domain/access/access.h"
#include "flows/store/unit_of_work.h"

namespace xb::access {

// Randomness and hashing, supplied by an adapter (OpenSSL in production).
struct KeyCrypto {
  std::function<std::string()> new_secret;            // a fresh random key, printable
  std::function<std::string(std::string_view)> hash;  // SHA-256 hex of a key
};

struct IssuedKey {
  ApiKey key;
  std::string secret;  // shown to the caller once; never stored, never logged
};

class AccessService {
 public:
  AccessService(store::Database& db, const Clock& clock, KeyCrypto crypto);

  // On a store with no keys: creates the operating tenant (if absent) and an admin key for it.
  // Returns nullopt when keys already exist.
  Result<std::optional<IssuedKey>> Bootstrap();
  // The principal for a presented key; kUnauthenticated when unknown or revoked.
  Result<Principal> Authenticate(std::string_view secret);
  Result<IssuedKey> CreateKey(const Principal& by, TenantId tenant, std::string name, Role role,
                              const std::string& request_id);
  Result<std::vector<ApiKey>> ListKeys(const Principal& by);
  Status RevokeKey(const Principal& by, ApiKeyId id, const std::string& request_id);
  // Creates a tenant and its first admin key.
  Result<std::pair<Tenant, IssuedKey>> CreateTenant(const Principal& by, std::string code,
                                                    std::string name,
                                                    const std::string& request_id);
  Result<std::vector<Tenant>> ListTenants(const Principal& by);
  Result<Tenant> GetTenant(TenantId id);

 private:
  Result<IssuedKey> InsertKey(store::Transaction& tx, TenantId tenant, std::string name, Role role);

  store::Database& db_;
  const Clock& clock_;
  KeyCrypto crypto_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Principal> cache_;  // hash -> principal, live keys only
};

}  // namespace xb::access
