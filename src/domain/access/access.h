// Who may call the system: tenants, roles, API keys (stored only as hashes) and the principal a
// request acts as. Also the remembered idempotency keys that make a retried create harmless.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::access {

struct Tenant {
  TenantId id;
  std::string code;
  std::string name;
  bool active = true;
  Timestamp created_at;
};

enum class Role {
  kAdmin,
  kBuyer,
  kPlanner,
  kWarehouseOperator,
  kDevice,
  kCustomsBroker,
  kReadOnly
};
std::span<const std::string_view> EnumChoices(Role);
std::optional<Role> RoleFromName(std::string_view name);
std::string_view RoleName(Role role);

// What a request wants to do. Reads of master data are open to every role of the tenant.
enum class Action {
  kReadMasterData,
  kWriteCatalog,      // SKUs
  kWriteSuppliers,    // suppliers, brands
  kWriteChannels,     // sales channels
  kWriteCarriers,     // carriers
  kWriteWarehouses,   // warehouses and bins
  kManageKeys,        // create, list, revoke API keys of the tenant
  kReadAudit,         // the business event log
  kManageTenants,     // create tenants: admins of the operating tenant only
  kReadSourcing,      // evaluation and procurement reads: every role but devices
  kWriteEvaluation,   // indicator trees, weights, bands, scores
  kWriteProcurement,  // price lists, purchase orders, receipts
  kReadInventory,     // stock, movements, lots, reservations: every role but devices
  kWriteInventory,    // lots, count adjustments, holds and releases
  kReserve,           // reserve stock for orders, release and confirm reservations
  kOperateWarehouse,  // scanner-terminal events on warehouse tasks: admins, operators, devices
  kReadOrders,        // consumer orders, declarations, returns, rule tables: every role but devices
  kWriteOrders,       // take, import and cancel consumer orders, request returns: admins, planners
  kOperateCustoms,    // customs receipts, rules, positive list, declaration cancels, account books,
                      // quota lookups of an identity: admins and customs brokers
};
bool RoleAllows(Role role, Action action);

struct ApiKeyTag {};
using ApiKeyId = Id<ApiKeyTag>;

struct ApiKey {
  ApiKeyId id;
  TenantId tenant_id;
  std::string name;
  Role role = Role::kReadOnly;
  std::string prefix;       // first characters of the key, shown to tell keys apart
  std::string secret_hash;  // SHA-256 of the whole key, hex; the key itself is never stored
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
};

// The identity a request acts as.
struct Principal {
  TenantId tenant_id;
  ApiKeyId key_id;
  Role role = Role::kReadOnly;
  std::string key_name;
  // "key:12": how the audit trail names the actor (never the key itself).
  std::string Actor() const { return "key:" + std::to_string(key_id.value()); }
};

// The tenant created on first start; its admins may create further tenants.
inline constexpr std::int64_t kOperatingTenant = 1;

// Ok when `principal` may do `action`; PermissionDenied naming the role otherwise.
Status Authorize(const Principal& principal, Action action);

class TenantStore {
 public:
  virtual ~TenantStore() = default;
  virtual Result<Tenant> Insert(Tenant tenant) = 0;  // kAlreadyExists on a taken code
  virtual Result<Tenant> Get(TenantId id) = 0;
  virtual Result<std::vector<Tenant>> List() = 0;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  virtual Result<ApiKey> Insert(ApiKey key) = 0;
  virtual Result<ApiKey> FindByHash(std::string_view secret_hash) = 0;  // revoked ones too
  virtual Result<ApiKey> Get(TenantId tenant, ApiKeyId id) = 0;
  virtual Result<std::vector<ApiKey>> List(TenantId tenant) = 0;
  virtual Status Revoke(TenantId tenant, ApiKeyId id, Timestamp at) = 0;
  virtual Result<std::int64_t> Count() = 0;
};

// A create request remembered by its Idempotency-Key: a retry with the same key and the same
// body gets the resource the first one made.
struct IdempotencyRecord {
  TenantId tenant_id;
  std::string key;
  std::string request_hash;
  std::string resource_kind;
  std::int64_t resource_id = 0;
  Timestamp created_at;
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  virtual Result<std::optional<IdempotencyRecord>> Find(TenantId tenant, std::string_view key) = 0;
  // kAlreadyExists when the key was recorded meanwhile (a concurrent retry won).
  virtual Status Insert(const IdempotencyRecord& record) = 0;
};

}  // namespace xb::access
