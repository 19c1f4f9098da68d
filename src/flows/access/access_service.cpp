#include "flows/access/access_service.h"

#include <mutex>

#include "core/text.h"

namespace xb::access {
namespace {

Status ValidateTenantCode(std::string_view code) {
  if (code.empty() || code.size() > 32) return InvalidArgument("code: 1..32 characters", "code");
  for (char c : code) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return InvalidArgument("code: lower-case letters, digits, '-' and '_' only", "code");
  }
  return Status::Ok();
}

events::BusinessEvent KeyEvent(TenantId tenant, std::string type, const ApiKey& key,
                               const std::string& actor, const std::string& request_id,
                               Timestamp at) {
  events::BusinessEvent e;
  e.tenant_id = tenant;
  e.type = std::move(type);
  e.entity = "api_key";
  e.entity_id = key.id.value();
  e.actor = actor;
  e.request_id = request_id;
  e.at = at;
  // The name and role only: never the secret or its hash.
  std::string name;
  for (char c : key.name) {
    if (c == '"' || c == '\\') name += '\\';
    name += c;
  }
  e.payload = "{\"name\":\"" + name + "\",\"role\":\"" + std::string(RoleName(key.role)) + "\"}";
  return e;
}

}  // namespace

AccessService::AccessService(store::Database& db, const Clock& clock, KeyCrypto crypto)
    : db_(db), clock_(clock), crypto_(std::move(crypto)) {}

Result<IssuedKey> AccessService::InsertKey(store::Transaction& tx, TenantId tenant,
                                           std::string name, Role role) {
  name = std::string(Trim(name));
  if (name.empty() || name.size() > 100 || !IsCleanUtf8(name)) {
    return InvalidArgument("name: 1..100 printable characters", "name");
  }
  IssuedKey issued;
  issued.secret = crypto_.new_secret();
  ApiKey key;
  key.tenant_id = tenant;
  key.name = std::move(name);
  key.role = role;
  key.prefix = issued.secret.substr(0, 10);
  key.secret_hash = crypto_.hash(issued.secret);
  key.created_at = clock_.Now();
  XB_ASSIGN_OR_RETURN(issued.key, tx.keys().Insert(std::move(key)));
  return issued;
}

Result<std::optional<IssuedKey>> AccessService::Bootstrap() {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(std::int64_t count, tx->keys().Count());
  if (count > 0) return std::optional<IssuedKey>();
  const TenantId operating(kOperatingTenant);
  auto tenant = tx->tenants().Get(operating);
  if (!tenant.ok()) {
    if (tenant.status().code() != ErrorCode::kNotFound) return tenant.status();
    Tenant t;
    t.code = "default";
    t.name = "Default tenant";
    t.created_at = clock_.Now();
    XB_ASSIGN_OR_RETURN(Tenant created, tx->tenants().Insert(std::move(t)));
    if (created.id != operating) return Internal("the first tenant did not get id 1");
  }
  XB_ASSIGN_OR_RETURN(IssuedKey issued, InsertKey(*tx, operating, "initial admin", Role::kAdmin));
  XB_ASSIGN_OR_RETURN(std::int64_t seq,
                      tx->events().Append(KeyEvent(operating, "api_key.created", issued.key,
                                                   "system", "bootstrap", issued.key.created_at)));
  (void)seq;
  XB_RETURN_IF_ERROR(tx->Commit());
  return std::optional<IssuedKey>(std::move(issued));
}

Result<Principal> AccessService::Authenticate(std::string_view secret) {
  if (secret.empty()) return Unauthenticated("an API key is required (Authorization: Bearer ...)");
  const std::string hash = crypto_.hash(secret);
  {
    std::shared_lock lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end()) return it->second;
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  auto key = tx->keys().FindByHash(hash);
  if (!key.ok()) {
    if (key.status().code() == ErrorCode::kNotFound) return Unauthenticated("unknown API key");
    return key.status();
  }
  if (key->revoked_at) return Unauthenticated("this API key was revoked");
  XB_ASSIGN_OR_RETURN(Tenant tenant, tx->tenants().Get(key->tenant_id));
  if (!tenant.active) return Unauthenticated("this API key's tenant is disabled");
  Principal p{key->tenant_id, key->id, key->role, key->name};
  std::unique_lock lock(mu_);
  cache_[hash] = p;
  return p;
}

Result<IssuedKey> AccessService::CreateKey(const Principal& by, TenantId tenant, std::string name,
                                           Role role, const std::string& request_id) {
  XB_RETURN_IF_ERROR(Authorize(by, Action::kManageKeys));
  if (tenant != by.tenant_id) XB_RETURN_IF_ERROR(Authorize(by, Action::kManageTenants));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(Tenant t, tx->tenants().Get(tenant));
  (void)t;
  XB_ASSIGN_OR_RETURN(IssuedKey issued, InsertKey(*tx, tenant, std::move(name), role));
  XB_ASSIGN_OR_RETURN(std::int64_t seq,
                      tx->events().Append(KeyEvent(tenant, "api_key.created", issued.key,
                                                   by.Actor(), request_id, issued.key.created_at)));
  (void)seq;
  XB_RETURN_IF_ERROR(tx->Commit());
  return issued;
}

Result<std::vector<ApiKey>> AccessService::ListKeys(const Principal& by) {
  XB_RETURN_IF_ERROR(Authorize(by, Action::kManageKeys));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->keys().List(by.tenant_id);
}

Status AccessService::RevokeKey(const Principal& by, ApiKeyId id, const std::string& request_id) {
  XB_RETURN_IF_ERROR(Authorize(by, Action::kManageKeys));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(ApiKey key, tx->keys().Get(by.tenant_id, id));
  if (key.revoked_at) return Status::Ok();
  const Timestamp now = clock_.Now();
  XB_RETURN_IF_ERROR(tx->keys().Revoke(by.tenant_id, id, now));
  XB_ASSIGN_OR_RETURN(std::int64_t seq,
                      tx->events().Append(KeyEvent(by.tenant_id, "api_key.revoked", key, by.Actor(),
                                                   request_id, now)));
  (void)seq;
  XB_RETURN_IF_ERROR(tx->Commit());
  std::unique_lock lock(mu_);
  cache_.erase(key.secret_hash);
  return Status::Ok();
}

Result<std::pair<Tenant, IssuedKey>> AccessService::CreateTenant(const Principal& by,
                                                                 std::string code, std::string name,
                                                                 const std::string& request_id) {
  XB_RETURN_IF_ERROR(Authorize(by, Action::kManageTenants));
  XB_RETURN_IF_ERROR(ValidateTenantCode(code));
  name = std::string(Trim(name));
  if (name.empty() || name.size() > 200) return InvalidArgument("name: is required", "name");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  Tenant t;
  t.code = std::move(code);
  t.name = std::move(name);
  t.created_at = clock_.Now();
  XB_ASSIGN_OR_RETURN(Tenant created, tx->tenants().Insert(std::move(t)));
  XB_ASSIGN_OR_RETURN(IssuedKey issued, InsertKey(*tx, created.id, "initial admin", Role::kAdmin));
  events::BusinessEvent e;
  e.tenant_id = by.tenant_id;
  e.type = "tenant.created";
  e.entity = "tenant";
  e.entity_id = created.id.value();
  e.actor = by.Actor();
  e.request_id = request_id;
  e.at = created.created_at;
  e.payload = "{\"code\":\"" + created.code + "\"}";
  XB_ASSIGN_OR_RETURN(std::int64_t seq, tx->events().Append(std::move(e)));
  (void)seq;
  XB_RETURN_IF_ERROR(tx->Commit());
  return std::make_pair(std::move(created), std::move(issued));
}

Result<std::vector<Tenant>> AccessService::ListTenants(const Principal& by) {
  XB_RETURN_IF_ERROR(Authorize(by, Action::kManageTenants));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->tenants().List();
}

Result<Tenant> AccessService::GetTenant(TenantId id) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->tenants().Get(id);
}

}  // namespace xb::access
