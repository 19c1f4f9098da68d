// Tenants: created by the operating tenant's admin, and walled off from one another.
#include "api_support.h"

namespace xb::apitest {
namespace {

class TenantApi : public ServerTest<TenantApi> {};
XB_API_BACKENDS(TenantApi);

TEST_P(TenantApi, OperatingAdminCreatesTenantWithItsOwnAdminKey) {
  const std::string code = Unique("acme");
  const Response r = Post("/api/v1/tenants", {{"code", code}, {"name", "Acme Imports"}});
  ASSERT_EQ(r.status, 201) << r;
  const json body = r.Json();
  EXPECT_EQ(body["tenant"]["code"], code);
  EXPECT_EQ(body["tenant"]["name"], "Acme Imports");
  EXPECT_EQ(body["tenant"]["active"], true);
  ASSERT_TRUE(body["tenant"]["id"].is_number_integer());
  EXPECT_GT(body["tenant"]["id"].get<std::int64_t>(), 1);
  EXPECT_EQ(body["admin_key"]["tenant_id"], body["tenant"]["id"]);
  EXPECT_EQ(body["admin_key"]["role"], "admin");
  ASSERT_TRUE(body["admin_key"]["secret"].is_string());

  const json me = GetJson("/api/v1/me", body["admin_key"]["secret"].get<std::string>());
  EXPECT_EQ(me["tenant"]["id"], body["tenant"]["id"]);
  EXPECT_EQ(me["role"], "admin");
  // The operating admin sees it among the tenants.
  const json tenants = GetJson("/api/v1/tenants");
  bool listed = false;
  for (const auto& t : tenants["items"]) listed = listed || t["code"] == code;
  EXPECT_TRUE(listed) << tenants;
}

TEST_P(TenantApi, DuplicateTenantCodeIsAlreadyExists) {
  const auto tenant = NewTenant();
  const Response r = Post("/api/v1/tenants", {{"code", tenant.code}, {"name", "Again"}});
  EXPECT_TRUE(IsError(r, 409, "ALREADY_EXISTS"));
}

TEST_P(TenantApi, TenantCodeMustBeLowerCaseLettersDigitsDashOrUnderscore) {
  const Response r = Post("/api/v1/tenants", {{"code", "Bad Code"}, {"name", "Bad"}});
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "code"));
}

TEST_P(TenantApi, NewTenantListsNoSkus) {
  Create("/api/v1/skus", SkuBody(Unique("T1SKU")));  // tenant 1 has at least one
  const auto tenant = NewTenant();
  const json page = GetJson("/api/v1/skus?status=all", tenant.admin_key);
  EXPECT_EQ(page["total"], 0) << page;
  EXPECT_TRUE(page["items"].empty()) << page;
}

TEST_P(TenantApi, NewTenantCannotReadWriteOrArchiveAnotherTenantsSku) {
  const json sku = Create("/api/v1/skus", SkuBody(Unique("T1OWN")));
  const std::string path = "/api/v1/skus/" + std::to_string(sku["id"].get<std::int64_t>());
  const auto tenant = NewTenant();

  EXPECT_TRUE(IsError(Get(path, tenant.admin_key), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Get(path + "/history", tenant.admin_key), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Patch(path, {{"name", "hijacked"}}, tenant.admin_key), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Post(path + "/archive", json::object(), tenant.admin_key), 404, "NOT_FOUND"));
  EXPECT_EQ(Total("/api/v1/skus?code=" + sku["code"].get<std::string>(), tenant.admin_key), 0);
  const json unchanged = GetJson(path);
  EXPECT_EQ(unchanged["name"], sku["name"]);
  EXPECT_EQ(unchanged["status"], "active");
  EXPECT_EQ(unchanged["version"], 1);
}

TEST_P(TenantApi, SkuCreatedInNewTenantIsInvisibleToTheOperatingTenant) {
  const auto tenant = NewTenant();
  const std::string code = Unique("T2SKU");
  const json sku = Create("/api/v1/skus", SkuBody(code), tenant.admin_key);
  const std::string path = "/api/v1/skus/" + std::to_string(sku["id"].get<std::int64_t>());

  EXPECT_EQ(GetJson(path, tenant.admin_key)["code"], code);
  EXPECT_TRUE(IsError(Get(path), 404, "NOT_FOUND"));
  EXPECT_EQ(Total("/api/v1/skus?status=all&code=" + code), 0);
  EXPECT_EQ(Total("/api/v1/skus?status=all&q=" + code), 0);
  // Codes are unique per tenant only: tenant 1 may use the same one.
  const json twin = Create("/api/v1/skus", SkuBody(code));
  EXPECT_NE(twin["id"], sku["id"]);
  EXPECT_EQ(Total("/api/v1/skus?code=" + code, tenant.admin_key), 1);
}

TEST_P(TenantApi, NewTenantsAdminCannotCreateTenants) {
  const auto tenant = NewTenant();
  const std::string code = Unique("nested");
  const Response r =
      Post("/api/v1/tenants", {{"code", code}, {"name", "Nested"}}, tenant.admin_key);
  EXPECT_TRUE(IsError(r, 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Get("/api/v1/tenants", tenant.admin_key), 403, "PERMISSION_DENIED"));
  const json tenants = GetJson("/api/v1/tenants");
  for (const auto& t : tenants["items"]) EXPECT_NE(t["code"], code);
}

TEST_P(TenantApi, NewTenantsAdminCannotSeeOrRevokeAnotherTenantsKeys) {
  const Response created = Post("/api/v1/keys", {{"name", "tenant one key"}, {"role", "buyer"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::int64_t key_id = created.Json()["id"];
  const auto tenant = NewTenant();

  const json keys = GetJson("/api/v1/keys", tenant.admin_key);
  ASSERT_EQ(keys["total"], 1) << keys;  // its own initial admin key only
  EXPECT_EQ(keys["items"][0]["tenant_id"], tenant.id);
  const Response r =
      Post("/api/v1/keys/" + std::to_string(key_id) + "/revoke", json::object(), tenant.admin_key);
  EXPECT_TRUE(IsError(r, 404, "NOT_FOUND"));
  EXPECT_EQ(Get("/api/v1/skus", created.Json()["secret"].get<std::string>()).status, 200);
}

TEST_P(TenantApi, EventLogShowsOnlyTheTenantsOwnEvents) {
  Create("/api/v1/skus", SkuBody(Unique("T1EV")));
  const auto tenant = NewTenant();
  EXPECT_EQ(GetJson("/api/v1/events?limit=1000", tenant.admin_key)["items"].size(), 0U);
  const json sku = Create("/api/v1/skus", SkuBody(Unique("T2EV")), tenant.admin_key);
  const json events = GetJson("/api/v1/events?limit=1000", tenant.admin_key);
  ASSERT_EQ(events["items"].size(), 1U) << events;
  EXPECT_EQ(events["items"][0]["type"], "sku.created");
  EXPECT_EQ(events["items"][0]["entity_id"], sku["id"]);
  EXPECT_EQ(events["items"][0]["seq"], 1);
}

}  // namespace
}  // namespace xb::apitest
