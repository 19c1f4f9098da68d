// Authentication with API keys, the roles' permissions, and how keys are shown.
#include "api_support.h"

namespace xb::apitest {
namespace {

class AccessApi : public ServerTest<AccessApi> {};
XB_API_BACKENDS(AccessApi);

TEST_P(AccessApi, RequestWithoutKeyIsUnauthenticated) {
  EXPECT_TRUE(IsError(Get("/api/v1/skus", ""), 401, "UNAUTHENTICATED"));
  EXPECT_TRUE(IsError(Post("/api/v1/skus", SkuBody(Unique("NOKEY")), ""), 401, "UNAUTHENTICATED"));
  EXPECT_TRUE(IsError(Get("/api/v1/me", ""), 401, "UNAUTHENTICATED"));
}

TEST_P(AccessApi, GarbageKeyIsUnauthenticated) {
  EXPECT_TRUE(IsError(Get("/api/v1/skus", "not-a-key"), 401, "UNAUTHENTICATED"));
  // A key with the right shape but a secret nobody was issued.
  EXPECT_TRUE(IsError(Get("/api/v1/skus", admin() + "x"), 401, "UNAUTHENTICATED"));
  const Response r = http_.Send("GET", "/api/v1/skus", {}, {{"X-Api-Key", "garbage"}});
  EXPECT_TRUE(IsError(r, 401, "UNAUTHENTICATED"));
}

TEST_P(AccessApi, KeyIsAcceptedAsBearerTokenOrXApiKeyHeader) {
  EXPECT_EQ(Get("/api/v1/skus").status, 200);
  const Response r = http_.Send("GET", "/api/v1/skus", {}, {{"X-Api-Key", admin()}});
  EXPECT_EQ(r.status, 200) << r;
}

TEST_P(AccessApi, RevokedKeyIsUnauthenticated) {
  const Response created = Post("/api/v1/keys", {{"name", "soon revoked"}, {"role", "read_only"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string secret = created.Json()["secret"];
  const std::int64_t id = created.Json()["id"];
  // Used once, so the server has it cached; revoking must still take effect at once.
  ASSERT_EQ(Get("/api/v1/skus", secret).status, 200);

  const Response revoked = Post("/api/v1/keys/" + std::to_string(id) + "/revoke", json::object());
  ASSERT_EQ(revoked.status, 200) << revoked;
  EXPECT_EQ(revoked.Json(), (json{{"id", id}, {"revoked", true}}));

  EXPECT_TRUE(IsError(Get("/api/v1/skus", secret), 401, "UNAUTHENTICATED"));
  EXPECT_TRUE(
      IsError(Post("/api/v1/skus", SkuBody(Unique("REV")), secret), 401, "UNAUTHENTICATED"));
  // Revoking again is harmless, and the key list shows when it was revoked.
  EXPECT_EQ(Post("/api/v1/keys/" + std::to_string(id) + "/revoke", json::object()).status, 200);
  const json keys = GetJson("/api/v1/keys");
  bool found = false;
  for (const auto& k : keys["items"]) {
    if (k["id"] != id) continue;
    found = true;
    EXPECT_TRUE(k["revoked_at"].is_string()) << k;
  }
  EXPECT_TRUE(found) << keys;
}

TEST_P(AccessApi, RevokingAnUnknownKeyIsNotFound) {
  EXPECT_TRUE(IsError(Post("/api/v1/keys/999999/revoke", json::object()), 404, "NOT_FOUND"));
}

TEST_P(AccessApi, ReadOnlyKeyCannotCreateSku) {
  const std::string reader = NewKey("read_only");
  const auto before = Total("/api/v1/skus?status=all");
  const Response r = Post("/api/v1/skus", SkuBody(Unique("RO")), reader);
  EXPECT_TRUE(IsError(r, 403, "PERMISSION_DENIED"));
  EXPECT_EQ(Total("/api/v1/skus?status=all"), before);
  // It may still read.
  EXPECT_EQ(Get("/api/v1/skus", reader).status, 200);
}

TEST_P(AccessApi, WarehouseOperatorCannotCreateSupplier) {
  const std::string operator_key = NewKey("warehouse_operator");
  const auto before = Total("/api/v1/suppliers?status=all");
  const Response r = Post("/api/v1/suppliers", SupplierBody(Unique("WOP")), operator_key);
  EXPECT_TRUE(IsError(r, 403, "PERMISSION_DENIED"));
  EXPECT_EQ(Total("/api/v1/suppliers?status=all"), before);
}

TEST_P(AccessApi, WarehouseOperatorCanCreateWarehouse) {
  const std::string operator_key = NewKey("warehouse_operator");
  const Response r = Post("/api/v1/warehouses", WarehouseBody(Unique("WOPWH")), operator_key);
  EXPECT_EQ(r.status, 201) << r;
}

TEST_P(AccessApi, BuyerCanCreateSupplier) {
  const std::string buyer = NewKey("buyer");
  const std::string code = Unique("BUY");
  const Response r = Post("/api/v1/suppliers", SupplierBody(code), buyer);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Json()["code"], code);
  EXPECT_EQ(Total("/api/v1/suppliers?code=" + code, buyer), 1);
}

TEST_P(AccessApi, NonAdminCannotManageKeysOrReadTheAuditLog) {
  const std::string buyer = NewKey("buyer");
  EXPECT_TRUE(IsError(Get("/api/v1/keys", buyer), 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Post("/api/v1/keys", {{"name", "mine"}, {"role", "admin"}}, buyer), 403,
                      "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Get("/api/v1/events", buyer), 403, "PERMISSION_DENIED"));
}

TEST_P(AccessApi, KeySecretIsShownOnlyAtCreation) {
  const Response created = Post("/api/v1/keys", {{"name", "listed key"}, {"role", "planner"}});
  ASSERT_EQ(created.status, 201) << created;
  const json key = created.Json();
  const std::string secret = key["secret"];
  ASSERT_GE(secret.size(), 20U) << key;
  EXPECT_EQ(key["role"], "planner");
  EXPECT_EQ(key["name"], "listed key");
  EXPECT_EQ(key["prefix"], secret.substr(0, key["prefix"].get<std::string>().size()));
  EXPECT_LT(key["prefix"].get<std::string>().size(), secret.size() / 2) << key;

  const Response list = Get("/api/v1/keys");
  ASSERT_EQ(list.status, 200) << list;
  const json keys = list.Json();
  EXPECT_EQ(keys["total"], keys["items"].size());
  bool found = false;
  for (const auto& k : keys["items"]) {
    EXPECT_FALSE(k.contains("secret")) << k;
    EXPECT_FALSE(k.contains("secret_hash")) << k;
    if (k["id"] == key["id"]) {
      found = true;
      EXPECT_EQ(k["prefix"], key["prefix"]);
      EXPECT_TRUE(k["revoked_at"].is_null());
    }
  }
  EXPECT_TRUE(found) << keys;
  // Neither the new key nor the admin's own key appears anywhere in full.
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find(admin()), std::string::npos);
  const Response events = Get("/api/v1/events?entity=api_key&limit=1000");
  ASSERT_EQ(events.status, 200) << events;
  EXPECT_NE(events.body.find("listed key"), std::string::npos) << events;
  EXPECT_EQ(events.body.find(secret), std::string::npos);
}

TEST_P(AccessApi, KeyWithUnknownRoleIsRejected) {
  const Response r = Post("/api/v1/keys", {{"name", "bad role"}, {"role", "superuser"}});
  EXPECT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "role"));
}

TEST_P(AccessApi, MeDescribesTheCallersTenantAndRole) {
  const std::string planner = NewKey("planner");
  const json me = GetJson("/api/v1/me", planner);
  EXPECT_EQ(me["role"], "planner");
  EXPECT_EQ(me["tenant"]["id"], 1);
  EXPECT_TRUE(me["key"]["id"].is_number_integer());
  EXPECT_FALSE(me.dump().find(planner) != std::string::npos);
}

}  // namespace
}  // namespace xb::apitest
