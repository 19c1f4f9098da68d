// Procurement over HTTP: price lists, purchase orders from draft to received (or cancelled),
// receipts, the supplier's standing kept on the order, a blocking band, idempotent creates, money
// as decimal text, and who may do what.
#include "sourcing_api_support.h"

namespace xb::apitest {
namespace {

class ProcurementApi : public SourcingApi<ProcurementApi> {};
XB_API_BACKENDS(ProcurementApi);

std::string OrderPath(const json& po) {
  return "/api/v1/purchase-orders/" + std::to_string(po["id"].get<std::int64_t>());
}

TEST_P(ProcurementApi, PriceListsNeedActiveSuppliersAndSkusAndKeepTheirVersion) {
  const auto t = NewTenant();
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const json body = {{"supplier_id", s},          {"sku_id", sku},
                     {"currency", "EUR"},         {"unit_price", "12.50"},
                     {"min_order_qty", 24},       {"lead_time_days", {{"sea", 35}, {"air", 7}}},
                     {"valid_from", "2025-01-01"}};
  const Response created = PostAs("/api/v1/price-lists", body, t.admin_key);
  ASSERT_EQ(created.status, 201) << created;
  const json price = created.Json();
  EXPECT_EQ(price["unit_price"], "12.50");
  EXPECT_EQ(price["currency"], "EUR");
  EXPECT_EQ(price["min_order_qty"], 24);
  EXPECT_EQ(price["lead_time_days"], json({{"air", 7}, {"sea", 35}}));
  EXPECT_EQ(price["valid_from"], "2025-01-01");
  EXPECT_TRUE(price["valid_to"].is_null());
  EXPECT_EQ(price["active"], true);
  EXPECT_EQ(price["version"], 1);
  const std::string path = "/api/v1/price-lists/" + std::to_string(price["id"].get<std::int64_t>());
  EXPECT_EQ(created.Header("location"), path);
  EXPECT_EQ(GetJson(path, t.admin_key), price);

  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"supplier_id", 999999},
                                                 {"sku_id", 999999},
                                                 {"unit_price", "12.505"},
                                                 {"unit_price", "-1"},
                                                 {"unit_price", 12.5},
                                                 {"currency", "euro"},
                                                 {"lead_time_days", json::object()},
                                                 {"lead_time_days", {{"ship", 30}}},
                                                 {"valid_from", "01/01/2025"}}) {
    json bad = body;
    bad[field] = value;
    EXPECT_TRUE(IsFieldError(PostAs("/api/v1/price-lists", bad, t.admin_key), 400,
                             "INVALID_ARGUMENT", field))
        << field << " = " << value;
  }
  const auto archived = Sku(t.admin_key, Unique("OLD"));
  ASSERT_EQ(
      PostAs("/api/v1/skus/" + std::to_string(archived) + "/archive", json::object(), t.admin_key)
          .status,
      200);
  json bad = body;
  bad["sku_id"] = archived;
  EXPECT_TRUE(IsFieldError(PostAs("/api/v1/price-lists", bad, t.admin_key), 400, "INVALID_ARGUMENT",
                           "sku_id"));

  Response patched = Patch(
      path, {{"unit_price", "13.10"}, {"valid_to", "2099-12-31"}, {"version", 1}}, t.admin_key);
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_EQ(patched.Json()["unit_price"], "13.10");
  EXPECT_EQ(patched.Json()["valid_to"], "2099-12-31");
  EXPECT_EQ(patched.Json()["version"], 2);
  EXPECT_TRUE(
      IsError(Patch(path, {{"unit_price", "1.00"}, {"version", 1}}, t.admin_key), 409, "CONFLICT"));
  EXPECT_TRUE(IsFieldError(Patch(path, {{"currency", "USD"}}, t.admin_key), 400, "INVALID_ARGUMENT",
                           "currency"));
  patched = Patch(path, {{"valid_to", nullptr}, {"active", false}}, t.admin_key);
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_TRUE(patched.Json()["valid_to"].is_null());

  const std::string list = "/api/v1/price-lists?supplier_id=" + std::to_string(s);
  EXPECT_EQ(GetJson(list, t.admin_key)["total"], 0) << "inactive entries are left out";
  EXPECT_EQ(GetJson(list + "&include_inactive=true", t.admin_key)["total"], 1);
  Price(t.admin_key, s, sku, "12.00");
  const json page =
      GetJson(list + "&sku_id=" + std::to_string(sku) + "&valid_on=2025-06-01", t.admin_key);
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(page["limit"], 50);
  EXPECT_EQ(page["offset"], 0);
  EXPECT_EQ(GetJson(list + "&valid_on=2024-06-01", t.admin_key)["total"], 0);
  EXPECT_TRUE(IsError(Get("/api/v1/price-lists?colour=red", t.admin_key), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Events(t.admin_key, "procurement.price.created").size(), 2U);
}

TEST_P(ProcurementApi, AnOrderGoesFromDraftThroughReceiptsToReceived) {
  const auto t = NewTenant();
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto milk = Sku(t.admin_key, Unique("MILK"));
  const auto cream = Sku(t.admin_key, Unique("CREAM"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  Price(t.admin_key, s, milk, "12.50", {{"sea", 35}, {"air", 7}}, 200);
  Price(t.admin_key, s, cream, "3.00", {{"sea", 40}});

  const std::string code = Unique("PO");
  const Response created =
      PostAs("/api/v1/purchase-orders",
             {{"code", code},
              {"supplier_id", s},
              {"warehouse_id", wh},
              {"transport_mode", "sea"},
              {"currency", "EUR"},
              {"order_date", "2025-03-02"},
              {"lines",
               {{{"sku_id", milk}, {"quantity", 100}},
                {{"sku_id", cream}, {"quantity", 500}, {"unit_price", "2.90"}}}}},
             t.admin_key);
  ASSERT_EQ(created.status, 201) << created;
  const json po = created.Json();
  EXPECT_EQ(created.Header("location"), OrderPath(po));
  EXPECT_EQ(po["status"], "draft");
  EXPECT_EQ(po["expected_date"], "2025-04-11") << "order date + the longest sea lead time";
  EXPECT_EQ(po["lines"][0]["unit_price"], "12.50");
  EXPECT_EQ(po["lines"][0]["quoted_price"], "12.50");
  EXPECT_EQ(po["lines"][0]["line_total"], "1250.00");
  EXPECT_EQ(po["lines"][1]["unit_price"], "2.90");
  EXPECT_EQ(po["lines"][1]["quoted_price"], "3.00");
  EXPECT_EQ(po["total"], "2700.00");
  EXPECT_EQ(po["currency"], "EUR");
  ASSERT_EQ(po["warnings"].size(), 1U) << po;
  EXPECT_NE(po["warnings"][0].get<std::string>().find("minimum order quantity 200"),
            std::string::npos);
  const json& at = po["at_order"];
  EXPECT_TRUE(at["score"].is_null());
  EXPECT_TRUE(at["band"].is_null());
  EXPECT_EQ(at["candidates"], 1);
  EXPECT_EQ(at["warned"], false);
  json stored = GetJson(OrderPath(po), t.admin_key);
  EXPECT_EQ(stored["lines"], po["lines"]);
  EXPECT_EQ(stored["at_order"], po["at_order"]);

  const json receipt = {{"received_on", "2025-04-01"},
                        {"lines",
                         {{{"line_no", 1},
                           {"received_qty", 60},
                           {"accepted_qty", 58},
                           {"rejected_qty", 2},
                           {"reason", "crushed cartons"}}}}};
  EXPECT_TRUE(IsError(PostAs(OrderPath(po) + "/receipts", receipt, t.admin_key), 422,
                      "FAILED_PRECONDITION"))
      << "a draft receives nothing";
  EXPECT_TRUE(
      IsError(PostAs(OrderPath(po) + "/confirm", {{"version", 7}}, t.admin_key), 409, "CONFLICT"));
  Response r = PostAs(OrderPath(po) + "/confirm", json::object(), t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json()["status"], "confirmed");
  EXPECT_TRUE(IsError(PostAs(OrderPath(po) + "/confirm", json::object(), t.admin_key), 422,
                      "FAILED_PRECONDITION"));

  r = PostAs(OrderPath(po) + "/receipts", receipt, t.admin_key);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Json()["purchase_order"]["status"], "partly_received");
  EXPECT_EQ(r.Json()["purchase_order"]["lines"][0]["accepted_qty"], 58);
  EXPECT_EQ(r.Json()["receipt"]["lines"][0]["reason"], "crushed cartons");
  EXPECT_EQ(r.Json()["receipt"]["received_on"], "2025-04-01");

  json wrong = receipt;
  wrong["lines"][0]["accepted_qty"] = 10;
  EXPECT_TRUE(IsFieldError(PostAs(OrderPath(po) + "/receipts", wrong, t.admin_key), 400,
                           "INVALID_ARGUMENT", "lines"));
  wrong = receipt;
  wrong["lines"][0]["line_no"] = 9;
  EXPECT_TRUE(IsFieldError(PostAs(OrderPath(po) + "/receipts", wrong, t.admin_key), 400,
                           "INVALID_ARGUMENT", "lines"));

  r = PostAs(OrderPath(po) + "/receipts",
             {{"received_on", "2025-04-05"},
              {"lines",
               {{{"line_no", 1}, {"received_qty", 40}}, {{"line_no", 2}, {"received_qty", 500}}}}},
             t.admin_key);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Json()["purchase_order"]["status"], "received");
  EXPECT_TRUE(IsError(PostAs(OrderPath(po) + "/cancel", json::object(), t.admin_key), 422,
                      "FAILED_PRECONDITION"));

  const json receipts = GetJson(OrderPath(po) + "/receipts", t.admin_key);
  ASSERT_EQ(receipts["total"], 2) << receipts;
  EXPECT_EQ(receipts["items"][0]["purchase_order_id"], po["id"]);
  EXPECT_EQ(Events(t.admin_key, "procurement.po.created").size(), 1U);
  EXPECT_EQ(Events(t.admin_key, "procurement.po.confirmed").size(), 1U);
  EXPECT_EQ(Events(t.admin_key, "procurement.receipt.recorded").size(), 2U);

  // Lists and filters.
  const json other = Order(t.admin_key, Unique("PO"), s, wh,
                           {{{"sku_id", milk}, {"quantity", 300}}}, "2025-03-09");
  r = PostAs(OrderPath(other) + "/cancel", {{"reason", "duplicate"}}, t.admin_key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json()["status"], "cancelled");
  EXPECT_EQ(Events(t.admin_key, "procurement.po.cancelled").size(), 1U);
  EXPECT_EQ(GetJson("/api/v1/purchase-orders", t.admin_key)["total"], 2);
  const json cancelled = GetJson("/api/v1/purchase-orders?status=cancelled", t.admin_key);
  ASSERT_EQ(cancelled["total"], 1);
  EXPECT_EQ(cancelled["items"][0]["id"], other["id"]);
  EXPECT_EQ(GetJson("/api/v1/purchase-orders?supplier_id=" + std::to_string(s) +
                        "&warehouse_id=" + std::to_string(wh) + "&limit=1",
                    t.admin_key)["items"]
                .size(),
            1U);
  EXPECT_TRUE(IsFieldError(Get("/api/v1/purchase-orders?status=lost", t.admin_key), 400,
                           "INVALID_ARGUMENT", "status"));
}

TEST_P(ProcurementApi, AnOrderIsRefusedOrExplainedWhenItCannotBePriced) {
  const auto t = NewTenant();
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  json body = {{"code", Unique("PO")},
               {"supplier_id", s},
               {"warehouse_id", wh},
               {"transport_mode", "air"},
               {"currency", "EUR"},
               {"order_date", "2025-03-02"},
               {"lines", {{{"sku_id", sku}, {"quantity", 10}}}}};
  Response r = PostAs("/api/v1/purchase-orders", body, t.admin_key);
  ASSERT_TRUE(IsFieldError(r, 400, "INVALID_ARGUMENT", "lines")) << r;
  EXPECT_NE(r.body.find("lines[0].unit_price"), std::string::npos) << r;
  body["lines"][0]["unit_price"] = "4.20";
  EXPECT_TRUE(IsFieldError(PostAs("/api/v1/purchase-orders", body, t.admin_key), 400,
                           "INVALID_ARGUMENT", "expected_date"));
  body["expected_date"] = "2025-03-20";
  r = PostAs("/api/v1/purchase-orders", body, t.admin_key);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_TRUE(r.Json()["lines"][0]["quoted_price"].is_null());
  EXPECT_EQ(r.Json()["expected_date"], "2025-03-20");
  EXPECT_TRUE(IsError(PostAs("/api/v1/purchase-orders", body, t.admin_key), 409, "ALREADY_EXISTS"))
      << "codes are unique";

  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"transport_mode", "ship"},
                                                 {"warehouse_id", 999999},
                                                 {"supplier_id", 999999},
                                                 {"currency", "EURO"},
                                                 {"order_date", "tomorrow"},
                                                 {"lines", json::array()}}) {
    json bad = body;
    bad["code"] = Unique("PO");
    bad[field] = value;
    EXPECT_TRUE(IsFieldError(PostAs("/api/v1/purchase-orders", bad, t.admin_key), 400,
                             "INVALID_ARGUMENT", field))
        << field << " = " << value;
  }
  json zero = body;
  zero["code"] = Unique("PO");
  zero["lines"][0]["quantity"] = 0;
  EXPECT_TRUE(IsFieldError(PostAs("/api/v1/purchase-orders", zero, t.admin_key), 400,
                           "INVALID_ARGUMENT", "lines"));
}

TEST_P(ProcurementApi, TheSuppliersStandingWarnsOrBlocksAndIsKeptOnTheOrder) {
  const auto t = NewTenant();
  const json tree = ActiveTree(t.admin_key);
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto rival = Supplier(t.admin_key, Unique("RIVAL"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  Price(t.admin_key, s, sku, "10.00");
  Price(t.admin_key, rival, sku, "9.00");
  Score(t.admin_key, rival, "2025-01", Uniform(tree, 90));
  Score(t.admin_key, s, "2025-01", Uniform(tree, 40));  // watch: warns

  const json warned =
      Order(t.admin_key, Unique("PO"), s, wh, {{{"sku_id", sku}, {"quantity", 10}}}, "2025-03-02");
  const json& at = warned["at_order"];
  EXPECT_NEAR(at["score"].get<double>(), 40, 1e-9);
  EXPECT_EQ(at["band"], "watch");
  EXPECT_EQ(at["rank"], 2);
  EXPECT_EQ(at["candidates"], 2);
  EXPECT_EQ(at["warned"], true);
  ASSERT_FALSE(warned["warnings"].empty());
  EXPECT_NE(warned["warnings"][0].get<std::string>().find("watch"), std::string::npos);
  EXPECT_EQ(GetJson(OrderPath(warned), t.admin_key)["at_order"], at);

  Score(t.admin_key, s, "2025-02", Uniform(tree, 20));  // blocked
  const Response blocked = PostAs("/api/v1/purchase-orders",
                                  {{"code", Unique("PO")},
                                   {"supplier_id", s},
                                   {"warehouse_id", wh},
                                   {"transport_mode", "sea"},
                                   {"currency", "EUR"},
                                   {"lines", {{{"sku_id", sku}, {"quantity", 10}}}}},
                                  t.admin_key);
  ASSERT_TRUE(IsFieldError(blocked, 422, "FAILED_PRECONDITION", "supplier_id")) << blocked;
  const std::string message = blocked.Json()["error"]["message"];
  EXPECT_NE(message.find("blocked"), std::string::npos) << message;
  EXPECT_NE(message.find("20.0"), std::string::npos) << message;
  EXPECT_EQ(GetJson("/api/v1/purchase-orders", t.admin_key)["total"], 1);
}

TEST_P(ProcurementApi, ARetriedCreateWithTheSameKeyReplaysTheFirstOrder) {
  const auto t = NewTenant();
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  Price(t.admin_key, s, sku, "10.00");
  const json body = {{"code", Unique("PO")}, {"supplier_id", s},
                     {"warehouse_id", wh},   {"transport_mode", "sea"},
                     {"currency", "EUR"},    {"lines", {{{"sku_id", sku}, {"quantity", 10}}}}};
  const Headers key = {{"Idempotency-Key", Unique("po-key")}};
  const Response first = Post("/api/v1/purchase-orders", body, t.admin_key, key);
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_FALSE(first.Header("idempotent-replayed").has_value());
  const Response again = Post("/api/v1/purchase-orders", body, t.admin_key, key);
  ASSERT_EQ(again.status, 201) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  json other = body;
  other["code"] = Unique("PO");
  EXPECT_TRUE(
      IsError(Post("/api/v1/purchase-orders", other, t.admin_key, key), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(GetJson("/api/v1/purchase-orders", t.admin_key)["total"], 1);
}

TEST_P(ProcurementApi, RolesDecideWhoMayBuy) {
  const auto t = NewTenant();
  const auto s = Supplier(t.admin_key, Unique("S"));
  const auto sku = Sku(t.admin_key, Unique("SKU"));
  const auto wh = Warehouse(t.admin_key, Unique("WH"));
  const std::string buyer = NewKey("buyer", t.admin_key);
  const std::string operator_key = NewKey("warehouse_operator", t.admin_key);
  const std::string device = NewKey("device", t.admin_key);
  const json price = {{"supplier_id", s},
                      {"sku_id", sku},
                      {"currency", "EUR"},
                      {"unit_price", "1.00"},
                      {"lead_time_days", {{"road", 3}, {"sea", 30}}},
                      {"valid_from", "2025-01-01"}};
  EXPECT_TRUE(
      IsError(PostAs("/api/v1/price-lists", price, operator_key), 403, "PERMISSION_DENIED"));
  EXPECT_EQ(PostAs("/api/v1/price-lists", price, buyer).status, 201);
  const json order =
      Order(buyer, Unique("PO"), s, wh, {{{"sku_id", sku}, {"quantity", 5}}}, "2025-03-02");
  EXPECT_EQ(Get(OrderPath(order), operator_key).status, 200);
  EXPECT_TRUE(IsError(PostAs(OrderPath(order) + "/confirm", json::object(), operator_key), 403,
                      "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Get("/api/v1/purchase-orders", device), 403, "PERMISSION_DENIED"));
  const auto other = NewTenant();
  EXPECT_TRUE(IsError(Get(OrderPath(order), other.admin_key), 404, "NOT_FOUND"));
}

}  // namespace
}  // namespace xb::apitest
