// Master records over HTTP: create, read, list (search, filters, status, sort, paging), patch with
// optimistic versions, archive, and the audit history; warehouses with their bins; references
// between records.
#include "api_support.h"

namespace xb::apitest {
namespace {

struct ExpectedChange {
  std::string field;
  json old_text;  // as the audit trail renders it; null when absent
  json new_text;
};

class MasterDataApi : public ServerTest<MasterDataApi> {
 protected:
  // Walks one record of `kind` through its whole life and checks every step.
  void ExpectLifecycle(const std::string& create_path, const std::string& kind, const json& body,
                       const json& patch, const std::vector<ExpectedChange>& changes) {
    const std::string plural = "/api/v1/" + kind + "s";
    const std::string code = body["code"];
    const Response created = Post(create_path, body);
    ASSERT_EQ(created.status, 201) << created;
    const json rec = created.Json();
    ASSERT_TRUE(rec["id"].is_number_integer()) << rec;
    const std::string path = plural + "/" + std::to_string(rec["id"].get<std::int64_t>());
    EXPECT_EQ(created.Header("location"), path);
    for (const auto& [field, value] : body.items()) EXPECT_EQ(rec[field], value) << field;
    EXPECT_EQ(rec["status"], "active");
    EXPECT_EQ(rec["version"], 1);
    EXPECT_EQ(rec["created_at"], rec["updated_at"]);

    EXPECT_EQ(GetJson(path), rec);
    const json listed = GetJson(plural + "?code=" + code);
    ASSERT_EQ(listed["total"], 1) << listed;
    EXPECT_EQ(listed["items"][0], rec);

    json patch_body = patch;
    patch_body["version"] = 1;
    const Response updated = Patch(path, patch_body);
    ASSERT_EQ(updated.status, 200) << updated;
    EXPECT_EQ(updated.Json()["version"], 2);
    for (const auto& [field, value] : patch.items()) {
      EXPECT_EQ(updated.Json()[field], value) << field;
    }
    EXPECT_EQ(GetJson(path), updated.Json());

    // The same stale version again loses.
    EXPECT_TRUE(IsError(Patch(path, {{"version", 1}, {"name", "stale write"}}), 409, "CONFLICT"));
    EXPECT_EQ(GetJson(path), updated.Json());

    const Response archived = Post(path + "/archive", json::object());
    ASSERT_EQ(archived.status, 200) << archived;
    EXPECT_EQ(archived.Json()["status"], "archived");
    EXPECT_EQ(archived.Json()["version"], 3);
    const Response again = Post(path + "/archive", json::object());
    ASSERT_EQ(again.status, 200) << again;
    EXPECT_EQ(again.Json(), archived.Json()) << "archiving twice must change nothing";

    EXPECT_TRUE(
        IsError(Patch(path, {{"version", 3}, {"name", "too late"}}), 422, "FAILED_PRECONDITION"));
    EXPECT_TRUE(IsError(Patch(path, {{"name", "too late"}}), 422, "FAILED_PRECONDITION"));
    EXPECT_EQ(GetJson(path), archived.Json());

    EXPECT_EQ(Total(plural + "?code=" + code), 0);
    EXPECT_EQ(Total(plural + "?status=active&code=" + code), 0);
    EXPECT_EQ(Total(plural + "?status=archived&code=" + code), 1);
    EXPECT_EQ(Total(plural + "?status=all&code=" + code), 1);

    const json history = GetJson(path + "/history");
    ASSERT_EQ(history["total"], 3) << history;
    const json& items = history["items"];
    const std::vector<std::string> verbs = {"created", "updated", "archived"};
    for (std::size_t i = 0; i < verbs.size(); ++i) {
      EXPECT_EQ(items[i]["type"], kind + "." + verbs[i]) << items[i];
      EXPECT_EQ(items[i]["entity"], kind);
      EXPECT_EQ(items[i]["entity_id"], rec["id"]);
      EXPECT_EQ(items[i]["version"], i + 1);
      EXPECT_EQ(items[i]["code"], code);
      EXPECT_EQ(items[i]["actor"].get<std::string>().rfind("key:", 0), 0U) << items[i];
    }
    EXPECT_LT(items[0]["seq"], items[1]["seq"]);
    EXPECT_LT(items[1]["seq"], items[2]["seq"]);
    EXPECT_NE(items[0]["changes"].dump().find(
                  json{{"field", "code"}, {"old", nullptr}, {"new", code}}.dump()),
              std::string::npos)
        << items[0];
    json expected_changes = json::array();
    for (const auto& c : changes) {
      expected_changes.push_back({{"field", c.field}, {"old", c.old_text}, {"new", c.new_text}});
    }
    EXPECT_EQ(items[1]["changes"], expected_changes);
    EXPECT_EQ(items[2]["changes"],
              json::array({{{"field", "status"}, {"old", "active"}, {"new", "archived"}}}));
  }

  // Creates SKUs in a fresh tenant for the list tests; returns its admin key.
  std::string TenantWithListSkus() {
    const auto tenant = NewTenant();
    const auto make = [&](const std::string& code, const std::string& name,
                          const std::string& category, bool positive_list) {
      json body = SkuBody(code);
      body["name"] = name;
      body["category"] = category;
      body["positive_list"] = positive_list;
      Create("/api/v1/skus", body, tenant.admin_key);
    };
    make("LST-A", "Baby Formula Stage 1", "maternal_infant", true);
    make("LST-B", "Face Cream", "cosmetics", true);
    make("LST-C", "Night Cream 100% Natural", "cosmetics", false);
    make("LST-D", "Phone Charger", "electronics", false);
    make("LST-E", "Hand Cream", "cosmetics", false);
    return tenant.admin_key;
  }

  std::vector<std::string> CodesOf(const std::string& target, const std::string& key) {
    std::vector<std::string> out;
    const json page = GetJson(target, key);
    for (const auto& item : page["items"]) out.push_back(item["code"]);
    return out;
  }
};
XB_API_BACKENDS(MasterDataApi);

using Codes = std::vector<std::string>;

TEST_P(MasterDataApi, SkuGoesThroughCreateReadListPatchArchiveAndHistory) {
  json body = SkuBody(Unique("LIFE-SKU"));
  body["gtin"] = "4006381333931";
  body["weight_g"] = 120;
  body["shelf_life_days"] = 730;
  body["legal_quantity"] = 0.25;
  ExpectLifecycle("/api/v1/skus", "sku", body, {{"name", "Renamed SKU"}, {"weight_g", 250}},
                  {{"name", body["name"], "Renamed SKU"}, {"weight_g", "120", "250"}});
}

TEST_P(MasterDataApi, SupplierGoesThroughCreateReadListPatchArchiveAndHistory) {
  ExpectLifecycle(
      "/api/v1/suppliers", "supplier", SupplierBody(Unique("LIFE-SUP")),
      {{"contact_email", "ops@example.com"}, {"payment_terms_days", 60}},
      {{"contact_email", nullptr, "ops@example.com"}, {"payment_terms_days", "30", "60"}});
}

TEST_P(MasterDataApi, BrandGoesThroughCreateReadListPatchArchiveAndHistory) {
  ExpectLifecycle("/api/v1/brands", "brand", BrandBody(Unique("LIFE-BRD")), {{"country", "IT"}},
                  {{"country", "FR", "IT"}});
}

TEST_P(MasterDataApi, ChannelGoesThroughCreateReadListPatchArchiveAndHistory) {
  ExpectLifecycle("/api/v1/channels", "channel", ChannelBody(Unique("LIFE-CHN")),
                  {{"shop_id", "shop-42"}}, {{"shop_id", nullptr, "shop-42"}});
}

TEST_P(MasterDataApi, CarrierGoesThroughCreateReadListPatchArchiveAndHistory) {
  ExpectLifecycle("/api/v1/carriers", "carrier", CarrierBody(Unique("LIFE-CAR")),
                  {{"tracking_url", "https://track.example.com/{waybill}"}},
                  {{"tracking_url", nullptr, "https://track.example.com/{waybill}"}});
}

TEST_P(MasterDataApi, WarehouseGoesThroughCreateReadListPatchArchiveAndHistory) {
  ExpectLifecycle("/api/v1/warehouses", "warehouse", WarehouseBody(Unique("LIFE-WH")),
                  {{"address", "Hafenstrasse 1, Hamburg"}},
                  {{"address", nullptr, "Hafenstrasse 1, Hamburg"}});
}

TEST_P(MasterDataApi, BinGoesThroughCreateReadListPatchArchiveAndHistory) {
  const json wh = Create("/api/v1/warehouses", WarehouseBody(Unique("LIFE-BINWH")));
  ExpectLifecycle("/api/v1/warehouses/" + std::to_string(wh["id"].get<std::int64_t>()) + "/bins",
                  "bin", BinBody(Unique("LIFE-BIN")), {{"zone", "A"}, {"capacity_units", 100}},
                  {{"zone", nullptr, "A"}, {"capacity_units", "0", "100"}});
}

TEST_P(MasterDataApi, PatchWithoutVersionOrRealChangeKeepsTheVersionAndWritesNoEvent) {
  const json sku = Create("/api/v1/skus", SkuBody(Unique("NOOP")));
  const std::string path = "/api/v1/skus/" + std::to_string(sku["id"].get<std::int64_t>());
  const Response same = Patch(path, {{"name", sku["name"]}, {"weight_g", 0}});
  ASSERT_EQ(same.status, 200) << same;
  EXPECT_EQ(same.Json()["version"], 1);
  EXPECT_EQ(GetJson(path + "/history")["total"], 1);
  // Without a version the write is unconditional.
  const Response blind = Patch(path, {{"name", "Blind write"}});
  ASSERT_EQ(blind.status, 200) << blind;
  EXPECT_EQ(blind.Json()["version"], 2);
}

TEST_P(MasterDataApi, PatchToNullClearsAnOptionalField) {
  json body = SkuBody(Unique("CLEAR"));
  body["gtin"] = "5901234123457";
  const json sku = Create("/api/v1/skus", body);
  const std::string path = "/api/v1/skus/" + std::to_string(sku["id"].get<std::int64_t>());
  const Response r = Patch(path, {{"gtin", nullptr}, {"version", 1}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(r.Json()["gtin"].is_null());
  EXPECT_TRUE(GetJson(path)["gtin"].is_null());
}

TEST_P(MasterDataApi, ListSearchesCodeAndNameCaseInsensitively) {
  const std::string key = TenantWithListSkus();
  EXPECT_EQ(CodesOf("/api/v1/skus?q=CREAM", key), (Codes{"LST-B", "LST-C", "LST-E"}));
  EXPECT_EQ(CodesOf("/api/v1/skus?q=lst-d", key), (Codes{"LST-D"}));
  EXPECT_EQ(CodesOf("/api/v1/skus?q=face+cream", key), (Codes{"LST-B"}));
  EXPECT_EQ(Total("/api/v1/skus?q=nothing-like-this", key), 0);
}

TEST_P(MasterDataApi, ListSearchTreatsPercentAndUnderscoreLiterally) {
  const std::string key = TenantWithListSkus();
  EXPECT_EQ(CodesOf("/api/v1/skus?q=100%25", key), (Codes{"LST-C"}));
  EXPECT_EQ(Total("/api/v1/skus?q=%25%25", key), 0);
  EXPECT_EQ(Total("/api/v1/skus?q=_", key), 0);
}

TEST_P(MasterDataApi, ListFiltersByEnumBoolAndNull) {
  const std::string key = TenantWithListSkus();
  EXPECT_EQ(CodesOf("/api/v1/skus?category=cosmetics", key), (Codes{"LST-B", "LST-C", "LST-E"}));
  EXPECT_EQ(CodesOf("/api/v1/skus?positive_list=true", key), (Codes{"LST-A", "LST-B"}));
  EXPECT_EQ(CodesOf("/api/v1/skus?positive_list=false&category=cosmetics", key),
            (Codes{"LST-C", "LST-E"}));
  EXPECT_EQ(Total("/api/v1/skus?brand_id=null", key), 5);
  EXPECT_EQ(Total("/api/v1/skus?category=clothing", key), 0);
}

TEST_P(MasterDataApi, ListSortsAndPagesWithTotal) {
  const std::string key = TenantWithListSkus();
  EXPECT_EQ(CodesOf("/api/v1/skus?category=cosmetics&sort=-code", key),
            (Codes{"LST-E", "LST-C", "LST-B"}));
  EXPECT_EQ(CodesOf("/api/v1/skus?sort=name", key),
            (Codes{"LST-A", "LST-B", "LST-E", "LST-C", "LST-D"}));
  const json page = GetJson("/api/v1/skus?sort=code&limit=2&offset=1", key);
  EXPECT_EQ(page["total"], 5);
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["offset"], 1);
  ASSERT_EQ(page["items"].size(), 2U) << page;
  EXPECT_EQ(page["items"][0]["code"], "LST-B");
  EXPECT_EQ(page["items"][1]["code"], "LST-C");
  const json past_end = GetJson("/api/v1/skus?offset=10", key);
  EXPECT_EQ(past_end["total"], 5);
  EXPECT_TRUE(past_end["items"].empty());
  EXPECT_EQ(GetJson("/api/v1/skus?limit=500", key)["items"].size(), 5U);
  EXPECT_TRUE(IsFieldError(Get("/api/v1/skus?sort=colour", key), 400, "INVALID_ARGUMENT", "sort"));
}

TEST_P(MasterDataApi, ArchivedRecordsAreHiddenFromListsUnlessAskedFor) {
  const std::string key = TenantWithListSkus();
  const json e = GetJson("/api/v1/skus?code=LST-E", key)["items"][0];
  ASSERT_EQ(Post("/api/v1/skus/" + std::to_string(e["id"].get<std::int64_t>()) + "/archive",
                 json::object(), key)
                .status,
            200);
  EXPECT_EQ(CodesOf("/api/v1/skus?q=cream", key), (Codes{"LST-B", "LST-C"}));
  EXPECT_EQ(Total("/api/v1/skus", key), 4);
  EXPECT_EQ(Total("/api/v1/skus?status=active", key), 4);
  EXPECT_EQ(CodesOf("/api/v1/skus?status=archived", key), (Codes{"LST-E"}));
  EXPECT_EQ(Total("/api/v1/skus?status=all", key), 5);
  EXPECT_EQ(CodesOf("/api/v1/skus?status=all&category=cosmetics", key),
            (Codes{"LST-B", "LST-C", "LST-E"}));
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/skus?status=deleted", key), 400, "INVALID_ARGUMENT", "status"));
}

TEST_P(MasterDataApi, SameBinCodeIsFineInTwoWarehousesButNotTwiceInOne) {
  const json a = Create("/api/v1/warehouses", WarehouseBody(Unique("BIN-WA")));
  const json b = Create("/api/v1/warehouses", WarehouseBody(Unique("BIN-WB")));
  const std::string bins_a = "/api/v1/warehouses/" + std::to_string(a["id"].get<int>()) + "/bins";
  const std::string bins_b = "/api/v1/warehouses/" + std::to_string(b["id"].get<int>()) + "/bins";

  const Response first = Post(bins_a, BinBody("A-01-01"));
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_EQ(first.Json()["warehouse_id"], a["id"]);
  EXPECT_EQ(first.Json()["name"], "A-01-01");  // a bin's name defaults to its code
  EXPECT_EQ(first.Header("location"),
            "/api/v1/bins/" + std::to_string(first.Json()["id"].get<std::int64_t>()));
  const Response other = Post(bins_b, BinBody("A-01-01"));
  ASSERT_EQ(other.status, 201) << other;
  EXPECT_EQ(other.Json()["warehouse_id"], b["id"]);

  const Response twice = Post(bins_a, BinBody("A-01-01"));
  EXPECT_TRUE(IsError(twice, 409, "ALREADY_EXISTS"));
  EXPECT_EQ(Total(bins_a + "?status=all"), 1);
  EXPECT_EQ(Total(bins_b + "?status=all"), 1);
  EXPECT_EQ(Total("/api/v1/bins?code=A-01-01&warehouse_id=" + std::to_string(a["id"].get<int>())),
            1);
}

TEST_P(MasterDataApi, WarehouseBinListShowsOnlyThatWarehousesBins) {
  const json a = Create("/api/v1/warehouses", WarehouseBody(Unique("BINL-WA")));
  const json b = Create("/api/v1/warehouses", WarehouseBody(Unique("BINL-WB")));
  const std::string bins_a = "/api/v1/warehouses/" + std::to_string(a["id"].get<int>()) + "/bins";
  const std::string bins_b = "/api/v1/warehouses/" + std::to_string(b["id"].get<int>()) + "/bins";
  Create(bins_a, BinBody("R1"));
  Create(bins_a, BinBody("R2"));
  Create(bins_b, BinBody("R9"));
  EXPECT_EQ(CodesOf(bins_a + "?sort=code", admin()), (Codes{"R1", "R2"}));
  EXPECT_EQ(CodesOf(bins_b, admin()), (Codes{"R9"}));
}

TEST_P(MasterDataApi, BinsNeedAnExistingWarehouseMatchingTheUrl) {
  const json wh = Create("/api/v1/warehouses", WarehouseBody(Unique("BINX-W")));
  const std::string bins = "/api/v1/warehouses/" + std::to_string(wh["id"].get<int>()) + "/bins";
  json body = BinBody("X-1");
  body["warehouse_id"] = wh["id"].get<std::int64_t>() + 1000;
  EXPECT_TRUE(IsFieldError(Post(bins, body), 400, "INVALID_ARGUMENT", "warehouse_id"));
  EXPECT_TRUE(IsFieldError(Post("/api/v1/warehouses/987654/bins", BinBody("X-1")), 400,
                           "INVALID_ARGUMENT", "warehouse_id"));
  EXPECT_TRUE(IsError(Get("/api/v1/warehouses/987654/bins"), 404, "NOT_FOUND"));
  EXPECT_EQ(Total(bins + "?status=all"), 0);
  // A bin stays in its warehouse.
  const json bin = Create(bins, BinBody("X-2"));
  const Response moved = Patch("/api/v1/bins/" + std::to_string(bin["id"].get<std::int64_t>()),
                               {{"warehouse_id", wh["id"]}});
  EXPECT_TRUE(IsFieldError(moved, 400, "INVALID_ARGUMENT", "warehouse_id"));
}

TEST_P(MasterDataApi, ArchivedWarehouseTakesNoNewBins) {
  const json wh = Create("/api/v1/warehouses", WarehouseBody(Unique("BINARC-W")));
  const std::string path = "/api/v1/warehouses/" + std::to_string(wh["id"].get<int>());
  ASSERT_EQ(Post(path + "/archive", json::object()).status, 200);
  EXPECT_TRUE(IsFieldError(Post(path + "/bins", BinBody("Z-1")), 422, "FAILED_PRECONDITION",
                           "warehouse_id"));
}

TEST_P(MasterDataApi, BrandOwnerSupplierMustExistAndBeActive) {
  json body = BrandBody(Unique("OWN-BRD"));
  body["owner_supplier_id"] = 987654;
  const auto before = Total("/api/v1/brands?status=all");
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/brands", body), 400, "INVALID_ARGUMENT", "owner_supplier_id"));
  EXPECT_EQ(Total("/api/v1/brands?status=all"), before);

  const json supplier = Create("/api/v1/suppliers", SupplierBody(Unique("OWN-SUP")));
  body["owner_supplier_id"] = supplier["id"];
  const Response owned = Post("/api/v1/brands", body);
  ASSERT_EQ(owned.status, 201) << owned;
  EXPECT_EQ(owned.Json()["owner_supplier_id"], supplier["id"]);
  EXPECT_EQ(Total("/api/v1/brands?owner_supplier_id=" +
                  std::to_string(supplier["id"].get<std::int64_t>())),
            1);

  ASSERT_EQ(
      Post("/api/v1/suppliers/" + std::to_string(supplier["id"].get<std::int64_t>()) + "/archive",
           json::object())
          .status,
      200);
  json late = BrandBody(Unique("OWN-BRD2"));
  late["owner_supplier_id"] = supplier["id"];
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/brands", late), 422, "FAILED_PRECONDITION", "owner_supplier_id"));
}

TEST_P(MasterDataApi, SkuMayReferToAnActiveBrand) {
  const json brand = Create("/api/v1/brands", BrandBody(Unique("SKU-BRD")));
  json body = SkuBody(Unique("BRANDED"));
  body["brand_id"] = brand["id"];
  const json sku = Create("/api/v1/skus", body);
  EXPECT_EQ(sku["brand_id"], brand["id"]);
  EXPECT_EQ(Total("/api/v1/skus?brand_id=" + std::to_string(brand["id"].get<std::int64_t>())), 1);
}

TEST_P(MasterDataApi, WarehouseRulesAreEnforced) {
  json bonded_abroad = WarehouseBody(Unique("RULE-WH"));
  bonded_abroad["kind"] = "bonded";
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/warehouses", bonded_abroad), 400, "INVALID_ARGUMENT", "country"));
  json third_party = WarehouseBody(Unique("RULE-WH"));
  third_party["operator"] = "3pl";
  EXPECT_TRUE(IsFieldError(Post("/api/v1/warehouses", third_party), 400, "INVALID_ARGUMENT",
                           "operator_name"));
}

TEST_P(MasterDataApi, TextWithQuotesBackslashesTabsAndUnicodeComesBackUnchanged) {
  const std::string name = "M\u00fcller \"Q\" back\\slash\ttab \u6771\u4eac \U0001F600";
  json body = SupplierBody(Unique("TEXT"));
  body["name"] = name;
  body["contact_name"] = "O'Brien </script>";
  const Response created = Post("/api/v1/suppliers", body);
  ASSERT_EQ(created.status, 201) << created;
  ASSERT_TRUE(created.Json().is_object()) << "not JSON: " << created;
  EXPECT_EQ(created.Json()["name"], name);
  const std::string path =
      "/api/v1/suppliers/" + std::to_string(created.Json()["id"].get<std::int64_t>());
  EXPECT_EQ(GetJson(path)["name"], name);
  EXPECT_EQ(GetJson(path)["contact_name"], "O'Brien </script>");
  const json listed = GetJson("/api/v1/suppliers?code=" + body["code"].get<std::string>());
  ASSERT_EQ(listed["items"].size(), 1U) << listed;
  EXPECT_EQ(listed["items"][0]["name"], name);
  const json history = GetJson(path + "/history");
  EXPECT_NE(history["items"][0]["changes"].dump().find(json(name).dump()), std::string::npos)
      << history;
}

TEST_P(MasterDataApi, RecordIdThatIsNotANumberIsNotFound) {
  EXPECT_TRUE(IsError(Get("/api/v1/skus/abc"), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Get("/api/v1/skus/0"), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Get("/api/v1/skus/987654"), 404, "NOT_FOUND"));
}

}  // namespace
}  // namespace xb::apitest
