// CSV export and import: a round trip changes nothing, and a bad file is refused as a whole with
// every problem listed.
#include "api_support.h"

namespace xb::apitest {
namespace {

const std::string kHeader = "code,name,category,hs_code,legal_unit,legal_quantity,origin_country";

class CsvApi : public ServerTest<CsvApi> {
 protected:
  Response Import(const std::string& csv, const std::string& key) {
    return Send("POST", "/api/v1/import/skus", csv, key, {{"Content-Type", "text/csv"}});
  }
  Response Export(const std::string& key, const std::string& query = "") {
    return Get("/api/v1/export/skus.csv" + query, key);
  }
  // The SKUs of a tenant by code, as the API shows them.
  std::map<std::string, json> SkusByCode(const std::string& key) {
    std::map<std::string, json> out;
    const json page = GetJson("/api/v1/skus?status=all&limit=500", key);
    for (const auto& item : page["items"]) {
      out[item["code"]] = item;
    }
    return out;
  }
  static json Without(json rec, std::initializer_list<const char*> fields) {
    for (const char* f : fields) rec.erase(f);
    return rec;
  }
  static std::string Replace(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  }
  // Expects `r` to be the refusal of a whole file listing exactly `rows` (line, column).
  static ::testing::AssertionResult RefusesRows(
      const Response& r, const std::vector<std::pair<int, std::string>>& rows) {
    auto error = IsError(r, 400, "INVALID_ARGUMENT");
    if (!error) return error;
    const json listed = r.Json()["error"].value("rows", json::array());
    std::vector<std::pair<int, std::string>> got;
    for (const auto& row : listed) {
      if (!row["reason"].is_string() || row["reason"].get<std::string>().empty()) {
        return ::testing::AssertionFailure() << "row without a reason: " << row;
      }
      got.emplace_back(row["line"].get<int>(), row["column"].get<std::string>());
    }
    if (got != rows) return ::testing::AssertionFailure() << "listed rows " << listed;
    return ::testing::AssertionSuccess();
  }
};
XB_API_BACKENDS(CsvApi);

TEST_P(CsvApi, ExportRoundTripsThroughImportAsUpdatesWithoutDuplicates) {
  const auto tenant = NewTenant();
  const std::string& key = tenant.admin_key;
  const json brand = Create("/api/v1/brands", BrandBody("RT-BRAND"), key);
  json full = SkuBody("RT-FULL");
  full["name"] = "RT Cream \"Deluxe\", 50ml";  // a quote and a comma to escape
  full["gtin"] = "4006381333931";
  full["brand_id"] = brand["id"];
  full["vat_class"] = "reduced";
  full["consumption_tax_class"] = "high_end_cosmetics";
  full["legal_unit"] = "ml";
  full["legal_quantity"] = 50.5;
  full["weight_g"] = 120;
  full["length_mm"] = 40;
  full["width_mm"] = 40;
  full["height_mm"] = 90;
  full["shelf_life_days"] = 1095;
  full["positive_list"] = true;
  full["origin_country"] = "FR";
  Create("/api/v1/skus", full, key);
  json plain = SkuBody("RT-PLAIN");
  plain["name"] = "RT Plain";
  Create("/api/v1/skus", plain, key);
  json gift = SkuBody("RT-GIFT");
  gift["name"] = "RT Gift Set";
  gift["category"] = "daily_necessities";
  Create("/api/v1/skus", gift, key);
  const auto before = SkusByCode(key);
  ASSERT_EQ(before.size(), 3U);

  const Response exported = Export(key);
  ASSERT_EQ(exported.status, 200) << exported;
  EXPECT_EQ(exported.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(exported.Header("content-disposition"), "attachment; filename=\"skus.csv\"");
  EXPECT_EQ(exported.body.rfind("id,code,name,", 0), 0U) << exported.body;
  std::size_t lines = 0;
  for (auto at = exported.body.find("\r\n"); at != std::string::npos;
       at = exported.body.find("\r\n", at + 2)) {
    ++lines;
  }
  EXPECT_EQ(lines, 4U) << exported.body;

  // Unchanged, it changes nothing.
  const Response same = Import(exported.body, key);
  ASSERT_EQ(same.status, 200) << same;
  EXPECT_EQ(same.Json(), (json{{"created", 0}, {"updated", 0}, {"imported", 0}}));
  EXPECT_EQ(SkusByCode(key), before);

  // Edited, it updates the records it names and creates none.
  const Response edited = Import(Replace(exported.body, "RT ", "RT2 "), key);
  ASSERT_EQ(edited.status, 200) << edited;
  EXPECT_EQ(edited.Json(), (json{{"created", 0}, {"updated", 3}, {"imported", 3}}));
  const auto after = SkusByCode(key);
  ASSERT_EQ(after.size(), 3U);
  for (const auto& [code, rec] : before) {
    const json& now = after.at(code);
    EXPECT_EQ(now["name"], Replace(rec["name"].get<std::string>(), "RT ", "RT2 "));
    EXPECT_EQ(now["version"], 2);
    EXPECT_EQ(Without(now, {"name", "version", "updated_at"}),
              Without(rec, {"name", "version", "updated_at"}));
  }
}

TEST_P(CsvApi, ImportCreatesRecordsForNewCodes) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader +
                          "\nNEW-1,First,cosmetics,33049900,piece,1,DE"
                          "\nNEW-2,Second,electronics,8517120000,piece,2.5,CN\n";
  const Response r = Import(csv, tenant.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json(), (json{{"created", 2}, {"updated", 0}, {"imported", 2}}));
  const auto skus = SkusByCode(tenant.admin_key);
  ASSERT_EQ(skus.size(), 2U);
  EXPECT_EQ(skus.at("NEW-2")["legal_quantity"], 2.5);
  EXPECT_EQ(skus.at("NEW-2")["hs_code"], "8517120000");
  EXPECT_EQ(GetJson("/api/v1/events?entity=sku&limit=1000", tenant.admin_key)["items"].size(), 2U);
}

TEST_P(CsvApi, FileWithThreeBadCellsIsRefusedListingAllAndImportsNothing) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader + ",weight_g,positive_list" +
                          "\nOK-1,Fine,cosmetics,33049900,piece,1,DE,100,true"
                          "\nBAD-1,Toy,toys,33049900,piece,1,DE,100,false"
                          "\nBAD-2,Heavy,cosmetics,33049900,piece,1,DE,heavy,false"
                          "\nBAD-3,Maybe,cosmetics,33049900,piece,1,DE,100,maybe\n";
  const Response r = Import(csv, tenant.admin_key);
  EXPECT_TRUE(RefusesRows(r, {{3, "category"}, {4, "weight_g"}, {5, "positive_list"}}));
  const json rows = r.Json()["error"]["rows"];
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_NE(rows[0]["reason"].get<std::string>().find("must be one of"), std::string::npos);
  EXPECT_EQ(rows[1]["reason"], "must be an integer");
  EXPECT_EQ(rows[2]["reason"], "must be true or false");
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
}

TEST_P(CsvApi, FileWithThreeRuleBreakingRowsIsRefusedListingAllAndImportsNothing) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader + ",gtin,brand_id" +
                          "\nOK-1,Fine,cosmetics,33049900,piece,1,DE,4006381333931,"
                          "\nBAD-1,Gtin,cosmetics,33049900,piece,1,DE,4006381333932,"
                          "\nBAD-2,Hs,cosmetics,330499,piece,1,DE,,"
                          "\nBAD-3,Brand,cosmetics,33049900,piece,1,DE,,987654\n";
  const Response r = Import(csv, tenant.admin_key);
  EXPECT_TRUE(RefusesRows(r, {{3, "gtin"}, {4, "hs_code"}, {5, "brand_id"}}));
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
}

// When some rows have cells of the wrong type, the rows that break record rules are reported in
// the same answer, so the user fixes the file in one go.
TEST_P(CsvApi, FileWithBadCellsAndRuleBreakingRowsListsThemAll) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader + ",gtin,weight_g" +
                          "\nBAD-1,Heavy,cosmetics,33049900,piece,1,DE,,heavy"
                          "\nBAD-2,Gtin,cosmetics,33049900,piece,1,DE,4006381333932,1"
                          "\nBAD-3,Hs,cosmetics,330499,piece,1,DE,,1\n";
  EXPECT_TRUE(
      RefusesRows(Import(csv, tenant.admin_key), {{2, "weight_g"}, {3, "gtin"}, {4, "hs_code"}}));
}

TEST_P(CsvApi, DuplicateCodeWithinTheFileIsReported) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader +
                          "\nTWICE,One,cosmetics,33049900,piece,1,DE"
                          "\nTWICE,Two,cosmetics,33049900,piece,1,DE\n";
  EXPECT_TRUE(RefusesRows(Import(csv, tenant.admin_key), {{3, "code"}}));
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
}

TEST_P(CsvApi, UnknownColumnIsReported) {
  const auto tenant = NewTenant();
  const std::string csv = kHeader + ",colour\nCOL-1,Red,cosmetics,33049900,piece,1,DE,red\n";
  const Response r = Import(csv, tenant.admin_key);
  EXPECT_TRUE(RefusesRows(r, {{1, "colour"}}));
  EXPECT_EQ(r.Json()["error"]["rows"][0]["reason"], "unknown column");
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
}

TEST_P(CsvApi, MalformedCsvIsRejected) {
  const auto tenant = NewTenant();
  EXPECT_TRUE(IsError(
      Import(kHeader + "\nQ-1,\"unclosed,cosmetics,33049900,piece,1,DE\n", tenant.admin_key), 400,
      "INVALID_ARGUMENT"));
  EXPECT_TRUE(
      IsError(Import(kHeader + "\nQ-2,too,few\n", tenant.admin_key), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(Import("", tenant.admin_key), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
}

TEST_P(CsvApi, ReadOnlyKeyCannotImport) {
  const auto tenant = NewTenant();
  const std::string reader = NewKey("read_only", tenant.admin_key);
  const Response r = Import(kHeader + "\nRO-1,Read,cosmetics,33049900,piece,1,DE\n", reader);
  EXPECT_TRUE(IsError(r, 403, "PERMISSION_DENIED"));
  EXPECT_EQ(Total("/api/v1/skus?status=all", tenant.admin_key), 0);
  EXPECT_EQ(Export(reader).status, 200);
}

TEST_P(CsvApi, ExportLeavesArchivedRecordsOutUnlessAskedFor) {
  const auto tenant = NewTenant();
  Create("/api/v1/skus", SkuBody("EXP-LIVE"), tenant.admin_key);
  const json old = Create("/api/v1/skus", SkuBody("EXP-OLD"), tenant.admin_key);
  ASSERT_EQ(Post("/api/v1/skus/" + std::to_string(old["id"].get<std::int64_t>()) + "/archive",
                 json::object(), tenant.admin_key)
                .status,
            200);
  const Response active = Export(tenant.admin_key);
  ASSERT_EQ(active.status, 200) << active;
  EXPECT_NE(active.body.find("EXP-LIVE"), std::string::npos);
  EXPECT_EQ(active.body.find("EXP-OLD"), std::string::npos);
  const Response all = Export(tenant.admin_key, "?status=all");
  EXPECT_NE(all.body.find("EXP-OLD"), std::string::npos) << all;
}

// The export guards cells that start with = + - @ against spreadsheet formulas by prefixing a
// quote; the import removes it again, so a no-op round trip renames nothing.
TEST_P(CsvApi, RoundTripKeepsNamesThatStartLikeFormulas) {
  const auto tenant = NewTenant();
  for (const char* name : {"-20% promo pack", "=cheap", "+1 gift", "@home set"}) {
    json body = SkuBody(Unique("FORMULA"));
    body["name"] = name;
    Create("/api/v1/skus", body, tenant.admin_key);
  }
  const auto before = SkusByCode(tenant.admin_key);
  const Response exported = Export(tenant.admin_key);
  ASSERT_EQ(exported.status, 200) << exported;
  const Response r = Import(exported.body, tenant.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json()["updated"], 0) << r;
  EXPECT_EQ(SkusByCode(tenant.admin_key), before);
}

}  // namespace
}  // namespace xb::apitest
