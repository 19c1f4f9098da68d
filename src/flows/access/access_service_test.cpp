#include "flows/access/access_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "adapters/memory/memory_database.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::access {
namespace {

constexpr std::int64_t kStart = 1'764'059'400'000'000;  // 2025-11-25T08:30:00Z

// Secrets "xbk_test_0001", "xbk_test_0002", ...; the "hash" is a readable, reversible tag.
struct FakeCrypto {
  std::shared_ptr<int> counter = std::make_shared<int>(0);
  KeyCrypto Make() const {
    auto n = counter;
    return KeyCrypto{[n] {
                       std::string digits = std::to_string(++*n);
                       return "xbk_test_" + std::string(4 - digits.size(), '0') + digits;
                     },
                     [](std::string_view key) { return "hash(" + std::string(key) + ")"; }};
  }
};

class AccessServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = memory::NewMemoryDatabase();
    svc_ = std::make_unique<AccessService>(*db_, clock_, crypto_.Make());
  }

  // Bootstraps and returns the principal of the initial admin key.
  Principal BootstrapAdmin() {
    auto boot = svc_->Bootstrap();
    EXPECT_TRUE(boot.ok()) << boot.status().ToString();
    EXPECT_TRUE(boot.ok() && boot->has_value());
    if (!boot.ok() || !boot->has_value()) return {};
    auto p = svc_->Authenticate((*boot)->secret);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Principal{};
  }

  std::vector<events::BusinessEvent> Events(TenantId tenant) {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto r = (*tx)->events().List(tenant, events::EventQuery{});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<events::BusinessEvent>{};
  }

  FakeClock clock_{Timestamp::FromMicros(kStart)};
  FakeCrypto crypto_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AccessService> svc_;
};

TEST_F(AccessServiceTest, BootstrapCreatesTheOperatingTenantAndAnAdminKey) {
  auto boot = svc_->Bootstrap();
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  ASSERT_TRUE(boot->has_value());
  const IssuedKey& issued = **boot;
  EXPECT_EQ(issued.secret, "xbk_test_0001");
  EXPECT_EQ(issued.key.tenant_id, TenantId(kOperatingTenant));
  EXPECT_EQ(issued.key.role, Role::kAdmin);
  EXPECT_EQ(issued.key.name, "initial admin");
  EXPECT_EQ(issued.key.prefix, "xbk_test_0");
  EXPECT_EQ(issued.key.secret_hash, "hash(xbk_test_0001)");
  EXPECT_EQ(issued.key.created_at.micros(), kStart);
  EXPECT_FALSE(issued.key.revoked_at.has_value());
  EXPECT_TRUE(issued.key.id.assigned());

  auto tenant = svc_->GetTenant(TenantId(kOperatingTenant));
  ASSERT_TRUE(tenant.ok()) << tenant.status().ToString();
  EXPECT_EQ(tenant->code, "default");
  EXPECT_TRUE(tenant->active);

  const auto events = Events(TenantId(kOperatingTenant));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].type, "api_key.created");
  EXPECT_EQ(events[0].actor, "system");
  EXPECT_EQ(events[0].payload, R"({"name":"initial admin","role":"admin"})");
}

TEST_F(AccessServiceTest, BootstrapHappensOnlyOnce) {
  auto first = svc_->Bootstrap();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  auto second = svc_->Bootstrap();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->has_value());
  EXPECT_TRUE(svc_->Authenticate("xbk_test_0001").ok());
  EXPECT_EQ(svc_->Authenticate("xbk_test_0002").status().code(), ErrorCode::kUnauthenticated);
  auto tx = db_->Begin(store::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(*(*tx)->keys().Count(), 1);
  EXPECT_EQ((*tx)->tenants().List()->size(), 1U);
}

TEST_F(AccessServiceTest, BootstrapKeepsAnExistingOperatingTenant) {
  {
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    Tenant t;
    t.code = "operator";
    t.name = "Operator Ltd";
    ASSERT_TRUE((*tx)->tenants().Insert(t).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto boot = svc_->Bootstrap();
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  ASSERT_TRUE(boot->has_value());
  auto tenant = svc_->GetTenant(TenantId(kOperatingTenant));
  ASSERT_TRUE(tenant.ok());
  EXPECT_EQ(tenant->code, "operator");
}

TEST_F(AccessServiceTest, AuthenticateReturnsTheKeysPrincipal) {
  auto boot = svc_->Bootstrap();
  ASSERT_TRUE(boot.ok() && boot->has_value());
  auto p = svc_->Authenticate("xbk_test_0001");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->tenant_id, TenantId(kOperatingTenant));
  EXPECT_EQ(p->key_id, (*boot)->key.id);
  EXPECT_EQ(p->role, Role::kAdmin);
  EXPECT_EQ(p->key_name, "initial admin");
  // A second call (served from the cache) gives the same principal.
  auto again = svc_->Authenticate("xbk_test_0001");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->key_id, p->key_id);
}

TEST_F(AccessServiceTest, UnknownOrMissingKeysAreUnauthenticated) {
  ASSERT_TRUE(svc_->Bootstrap().ok());
  EXPECT_EQ(svc_->Authenticate("xbk_test_9999").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(svc_->Authenticate("").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(svc_->Authenticate("hash(xbk_test_0001)").status().code(),
            ErrorCode::kUnauthenticated);  // the stored hash is not a key
}

TEST_F(AccessServiceTest, CreateKeyIssuesAWorkingKeyWithTheGivenRole) {
  const Principal admin = BootstrapAdmin();
  auto issued = svc_->CreateKey(admin, admin.tenant_id, "  scanner 3  ", Role::kDevice, "req-7");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->secret, "xbk_test_0002");
  EXPECT_EQ(issued->key.name, "scanner 3");  // trimmed
  EXPECT_EQ(issued->key.role, Role::kDevice);
  auto p = svc_->Authenticate(issued->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->role, Role::kDevice);
  EXPECT_EQ(p->key_id, issued->key.id);

  const auto events = Events(admin.tenant_id);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].seq, 2);
  EXPECT_EQ(events[1].actor, admin.Actor());
  EXPECT_EQ(events[1].request_id, "req-7");
  EXPECT_EQ(events[1].payload, R"({"name":"scanner 3","role":"device"})");
}

TEST_F(AccessServiceTest, KeyEventPayloadEscapesTheName) {
  const Principal admin = BootstrapAdmin();
  ASSERT_TRUE(
      svc_->CreateKey(admin, admin.tenant_id, R"(say "hi" \o/)", Role::kReadOnly, "r").ok());
  const auto events = Events(admin.tenant_id);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].payload, R"({"name":"say \"hi\" \\o/","role":"read_only"})");
}

TEST_F(AccessServiceTest, CreateKeyRefusesBadNames) {
  const Principal admin = BootstrapAdmin();
  for (const std::string& name :
       {std::string(""), std::string("   "), std::string(101, 'k'), std::string("line\nbreak")}) {
    auto r = svc_->CreateKey(admin, admin.tenant_id, name, Role::kBuyer, "r");
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "name");
  }
}

TEST_F(AccessServiceTest, WrongRoleCannotCreateListOrRevokeKeys) {
  const Principal admin = BootstrapAdmin();
  auto buyer_key = svc_->CreateKey(admin, admin.tenant_id, "buyer", Role::kBuyer, "r");
  ASSERT_TRUE(buyer_key.ok());
  auto buyer = svc_->Authenticate(buyer_key->secret);
  ASSERT_TRUE(buyer.ok());
  EXPECT_EQ(svc_->CreateKey(*buyer, buyer->tenant_id, "mine", Role::kAdmin, "r").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->ListKeys(*buyer).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->RevokeKey(*buyer, admin.key_id, "r").code(), ErrorCode::kPermissionDenied);
  auto keys = svc_->ListKeys(admin);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 2U);
  EXPECT_TRUE(svc_->Authenticate("xbk_test_0001").ok());  // the admin key still works
}

TEST_F(AccessServiceTest, RevokedKeyIsUnauthenticated) {
  const Principal admin = BootstrapAdmin();
  auto other = svc_->CreateKey(admin, admin.tenant_id, "temp", Role::kPlanner, "r");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(svc_->Authenticate(other->secret).ok());  // now cached
  clock_.AdvanceMicros(60'000'000);
  ASSERT_TRUE(svc_->RevokeKey(admin, other->key.id, "req-r").ok());
  const auto r = svc_->Authenticate(other->secret);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.status().message(), "this API key was revoked");

  auto keys = svc_->ListKeys(admin);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2U);
  EXPECT_FALSE((*keys)[0].revoked_at.has_value());
  ASSERT_TRUE((*keys)[1].revoked_at.has_value());
  EXPECT_EQ((*keys)[1].revoked_at->micros(), kStart + 60'000'000);
  const auto events = Events(admin.tenant_id);
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[2].type, "api_key.revoked");
  EXPECT_EQ(events[2].entity_id, other->key.id.value());
}

TEST_F(AccessServiceTest, RevokingTwiceIsHarmlessAndKeepsTheFirstTime) {
  const Principal admin = BootstrapAdmin();
  auto other = svc_->CreateKey(admin, admin.tenant_id, "temp", Role::kPlanner, "r");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(svc_->RevokeKey(admin, other->key.id, "r1").ok());
  clock_.AdvanceMicros(5);
  ASSERT_TRUE(svc_->RevokeKey(admin, other->key.id, "r2").ok());
  auto keys = svc_->ListKeys(admin);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ((*keys)[1].revoked_at->micros(), kStart);
  EXPECT_EQ(Events(admin.tenant_id).size(), 3U);  // one revocation event
}

TEST_F(AccessServiceTest, RevokingAnUnknownKeyIsNotFound) {
  const Principal admin = BootstrapAdmin();
  EXPECT_EQ(svc_->RevokeKey(admin, ApiKeyId(77), "r").code(), ErrorCode::kNotFound);
}

TEST_F(AccessServiceTest, CreateTenantOnlyByOperatingTenantAdmins) {
  const Principal admin = BootstrapAdmin();
  auto created = svc_->CreateTenant(admin, "acme-au", "  ACME Australia  ", "req-t");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const auto& [tenant, key] = *created;
  EXPECT_EQ(tenant.id, TenantId(2));
  EXPECT_EQ(tenant.code, "acme-au");
  EXPECT_EQ(tenant.name, "ACME Australia");
  EXPECT_EQ(key.key.tenant_id, tenant.id);
  EXPECT_EQ(key.key.role, Role::kAdmin);

  // The new tenant's admin works in its own tenant but cannot create tenants.
  auto acme_admin = svc_->Authenticate(key.secret);
  ASSERT_TRUE(acme_admin.ok());
  EXPECT_EQ(acme_admin->tenant_id, TenantId(2));
  const auto refused = svc_->CreateTenant(*acme_admin, "evil", "Evil", "r");
  EXPECT_EQ(refused.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(svc_->ListTenants(*acme_admin).status().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(svc_->CreateKey(*acme_admin, acme_admin->tenant_id, "k", Role::kBuyer, "r").ok());

  // A non-admin of the operating tenant cannot either.
  auto buyer_key = svc_->CreateKey(admin, admin.tenant_id, "buyer", Role::kBuyer, "r");
  ASSERT_TRUE(buyer_key.ok());
  auto buyer = svc_->Authenticate(buyer_key->secret);
  ASSERT_TRUE(buyer.ok());
  EXPECT_EQ(svc_->CreateTenant(*buyer, "other", "Other", "r").status().code(),
            ErrorCode::kPermissionDenied);

  auto tenants = svc_->ListTenants(admin);
  ASSERT_TRUE(tenants.ok());
  ASSERT_EQ(tenants->size(), 2U);
  EXPECT_EQ((*tenants)[1].code, "acme-au");

  const auto events = Events(admin.tenant_id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[1].type, "tenant.created");
  EXPECT_EQ(events[1].entity_id, 2);
  EXPECT_EQ(events[1].payload, R"({"code":"acme-au"})");
}

TEST_F(AccessServiceTest, OnlyOperatingTenantAdminsCreateKeysForOtherTenants) {
  const Principal admin = BootstrapAdmin();
  auto created = svc_->CreateTenant(admin, "acme", "ACME", "r");
  ASSERT_TRUE(created.ok());
  auto acme_admin = svc_->Authenticate(created->second.secret);
  ASSERT_TRUE(acme_admin.ok());
  EXPECT_EQ(svc_->CreateKey(*acme_admin, TenantId(kOperatingTenant), "sneaky", Role::kAdmin, "r")
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  auto for_acme = svc_->CreateKey(admin, TenantId(2), "support", Role::kReadOnly, "r");
  ASSERT_TRUE(for_acme.ok()) << for_acme.status().ToString();
  EXPECT_EQ(for_acme->key.tenant_id, TenantId(2));
  EXPECT_EQ(svc_->CreateKey(admin, TenantId(9), "nobody", Role::kReadOnly, "r").status().code(),
            ErrorCode::kNotFound);
}

TEST_F(AccessServiceTest, KeysAreListedPerTenant) {
  const Principal admin = BootstrapAdmin();
  auto created = svc_->CreateTenant(admin, "acme", "ACME", "r");
  ASSERT_TRUE(created.ok());
  auto acme_admin = svc_->Authenticate(created->second.secret);
  ASSERT_TRUE(acme_admin.ok());
  auto keys = svc_->ListKeys(*acme_admin);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1U);
  EXPECT_EQ((*keys)[0].tenant_id, TenantId(2));
  // A tenant admin cannot revoke another tenant's key: it does not exist for them.
  EXPECT_EQ(svc_->RevokeKey(*acme_admin, admin.key_id, "r").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->Authenticate("xbk_test_0001").ok());
}

TEST_F(AccessServiceTest, CreateTenantValidatesCodeAndName) {
  const Principal admin = BootstrapAdmin();
  for (const char* code : {"", "Upper", "has space", "ümlaut", "a/b"}) {
    SCOPED_TRACE(code);
    const auto r = svc_->CreateTenant(admin, code, "Name", "r");
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "code");
  }
  EXPECT_EQ(svc_->CreateTenant(admin, std::string(33, 'a'), "Name", "r").status().field(), "code");
  EXPECT_EQ(svc_->CreateTenant(admin, "ok", "   ", "r").status().field(), "name");
  EXPECT_TRUE(svc_->CreateTenant(admin, std::string(32, 'a'), "Name", "r").ok());
}

TEST_F(AccessServiceTest, DuplicateTenantCodeIsRejected) {
  const Principal admin = BootstrapAdmin();
  ASSERT_TRUE(svc_->CreateTenant(admin, "acme", "ACME", "r").ok());
  const auto dup = svc_->CreateTenant(admin, "acme", "ACME again", "r");
  EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(svc_->ListTenants(admin)->size(), 2U);
}

TEST_F(AccessServiceTest, KeysOfADisabledTenantAreUnauthenticated) {
  {
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    Tenant t;
    t.code = "default";
    t.name = "Default";
    t.active = false;
    ASSERT_TRUE((*tx)->tenants().Insert(t).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto boot = svc_->Bootstrap();
  ASSERT_TRUE(boot.ok() && boot->has_value());
  const auto r = svc_->Authenticate((*boot)->secret);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace xb::access
