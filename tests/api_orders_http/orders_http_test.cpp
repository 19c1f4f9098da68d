// The orders and customs API over HTTP against the real `xborder serve`: an order taken (201,
// masked view), replayed (200, Idempotent-Replayed), a duplicate channel order number with
// another body (409); bad input and rule refusals (positive list, single limit, two items over
// 5,000, annual limit, buyer = payer, paid equation, unknown SKU, a receipt for an unknown
// declaration, a return after 30 days) each answered with a 4xx naming the rule or field (and
// its numbers as error.details for the single limit, the paid equation and the annual limit), and
// nothing changed (no order, stock and quota as before). Identity numbers never appear in an
// answer or in the server's log.
//
// A return "after 30 days" is made by releasing the declaration with a customs receipt whose
// `at` lies 40 days back: the release time is customs' (the receipt's), not the server's clock.
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "api_support.h"
#include "bonded_orders.h"

namespace xb::apitest {
namespace {

// A resident identity card number for person `n` with its GB 11643 check character.
std::string IdNumber(int n) {
  return WithCheckCharacter("1101011990010" + std::to_string(1000 + (n % 9000)));
}

std::string Masked(const std::string& id) {
  return id.substr(0, 3) + "***********" + id.substr(14);
}

std::string Q(std::int64_t n) { return std::to_string(n); }

std::string DaysAgo(int days) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A tenant with a channel, a bonded warehouse (with its account book) and stock of two listed
// milk powders and of a phone, which is not on the positive list.
struct Shop {
  std::string key;
  std::int64_t channel = 0;
  std::int64_t warehouse = 0;
  std::int64_t bin = 0;
  std::int64_t milk = 0, milk2 = 0, phone = 0;
};

class OrdersHttp : public ServerTest<OrdersHttp> {
 protected:
  Shop NewShop() const {
    Shop s;
    s.key = NewTenant().admin_key;
    s.channel = Create("/api/v1/channels", ChannelBody(Unique("CH")), s.key)["id"];
    json wh = WarehouseBody(Unique("BW"));
    wh["kind"] = "bonded";
    wh["country"] = "CN";
    wh["account_book_no"] = "T3105W000001";
    s.warehouse = Create("/api/v1/warehouses", wh, s.key)["id"];
    s.bin = Create("/api/v1/warehouses/" + Q(s.warehouse) + "/bins", BinBody("A-01"), s.key)["id"];
    s.milk = NewSku(s, "19011010", true);
    s.milk2 = NewSku(s, "19011090", true);
    s.phone = NewSku(s, "85171300", false);
    for (const std::int64_t sku : {s.milk, s.milk2, s.phone}) {
      const std::int64_t lot =
          Create("/api/v1/lots",
                 {{"sku_id", sku}, {"lot_number", Unique("LOT")}, {"expiry_date", "2029-01-31"}},
                 s.key)["id"];
      Create("/api/v1/adjustments",
             {{"warehouse_id", s.warehouse},
              {"bin_id", s.bin},
              {"sku_id", sku},
              {"lot_id", lot},
              {"quantity", 50},
              {"reason_code", "initial"}},
             s.key);
    }
    return s;
  }

  std::int64_t NewSku(const Shop& s, const std::string& hs, bool listed) const {
    json body = SkuBody(Unique("SKU"));
    body["category"] = hs.rfind("1901", 0) == 0 ? "maternal_infant" : "electronics";
    body["hs_code"] = hs;
    body["legal_unit"] = "kg";
    body["legal_quantity"] = 0.8;
    body["positive_list"] = listed;
    body["shelf_life_days"] = 720;
    return Create("/api/v1/skus", body, s.key)["id"];
  }

  // One line per (sku, unit price in fen, quantity), on a fixed date, speed first.
  using Line = OrderLine;
  json OrderBody(const Shop& s, const std::string& no, const std::vector<Line>& lines,
                 int person) const {
    json body = apitest::OrderBody(s.channel, no, lines, IdNumber(person), "2026-11-20");
    body["policy"] = "speed_first";
    return body;
  }

  json OrderBody(const Shop& s, const std::string& no, std::int64_t sku, std::int64_t price_fen,
                 int person, std::int64_t quantity = 1) const {
    return OrderBody(s, no, {{sku, price_fen, quantity}}, person);
  }

  // What a refusal must leave as it was.
  struct Snapshot {
    std::int64_t orders = 0;
    std::int64_t milk = 0, milk2 = 0, phone = 0;
    std::string quota_used;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot Take(const Shop& s, int person) const {
    Snapshot snap;
    snap.orders = Total("/api/v1/orders", s.key);
    snap.milk = Available(s, s.milk);
    snap.milk2 = Available(s, s.milk2);
    snap.phone = Available(s, s.phone);
    snap.quota_used = QuotaOf(s, person)["used"];
    return snap;
  }
  std::int64_t Available(const Shop& s, std::int64_t sku) const {
    const json page = GetJson(
        "/api/v1/stock/summary?warehouse_id=" + Q(s.warehouse) + "&sku_id=" + Q(sku), s.key);
    if (page["items"].size() != 1) throw UnexpectedResponse("no summary row: " + page.dump());
    return page["items"][0]["available"];
  }
  json QuotaOf(const Shop& s, int person) const {
    const Response r =
        Post("/api/v1/customs/quota/lookup",
             {{"id_type", "id_card"}, {"id_number", IdNumber(person)}, {"year", 2026}}, s.key);
    if (r.status != 200) throw UnexpectedResponse("quota lookup: " + r.body);
    ExpectNoIdentity(r, person);
    return r.Json();
  }

  static void ExpectNoIdentity(const Response& r, int person) {
    EXPECT_EQ(r.body.find(IdNumber(person)), std::string::npos) << r;
    EXPECT_EQ(r.body.find("13800138000"), std::string::npos) << r;
  }

  // Posts an order expected to be refused with `status` naming `rule` (error.rule, or
  // error.field for a 400), checks that nothing changed, and returns the error.
  json ExpectRefused(const Shop& s, const json& body, int person, int status,
                     const std::string& rule) const {
    SCOPED_TRACE(rule);
    const Snapshot before = Take(s, person);
    const Response r = Post("/api/v1/orders", body, s.key);
    ExpectNoIdentity(r, person);
    EXPECT_EQ(r.status, status) << r;
    if (r.status != status) return json();
    const json err = r.Json()["error"];
    if (status == 422) {
      EXPECT_EQ(err["code"], "FAILED_PRECONDITION") << r;
      EXPECT_EQ(err["rule"], rule) << r;
    } else {
      EXPECT_EQ(err["field"], rule) << r;
    }
    EXPECT_FALSE(err["message"].get<std::string>().empty());
    EXPECT_EQ(Take(s, person), before);
    EXPECT_EQ(
        Total("/api/v1/orders?channel_order_no=" + body["channel_order_no"].get<std::string>(),
              s.key),
        0);
    return err;
  }
};
XB_API_BACKENDS(OrdersHttp);

TEST_P(OrdersHttp, AnOrderIsTakenMaskedReplayedAndItsNumberCannotBeReused) {
  const Shop s = NewShop();
  const json body = OrderBody(s, "TM-1001", s.milk, 20000, 1);
  const Response created = Post("/api/v1/orders", body, s.key);
  ASSERT_EQ(created.status, 201) << created;
  ExpectNoIdentity(created, 1);
  const json order = created.Json();
  const std::int64_t id = order["id"];
  // Written without a JSON object, yet exactly as the order's view is.
  EXPECT_EQ(created.body, Get("/api/v1/orders/" + Q(id), s.key).body);
  EXPECT_EQ(created.Header("location"), "/api/v1/orders/" + Q(id));
  EXPECT_EQ(order["state"], "accepted");
  EXPECT_EQ(order["customs_channel"], "cbec");
  EXPECT_EQ(order["buyer"]["id_number"], Masked(IdNumber(1)));
  EXPECT_EQ(order["buyer"]["phone"], "138****8000");
  EXPECT_EQ(order["address"]["phone"], "138****8000");
  EXPECT_EQ(order["payment"]["payer_id_number"], Masked(IdNumber(1)));
  EXPECT_EQ(order["tax"], "18.20");
  EXPECT_EQ(order["paid"], "218.20");
  ASSERT_EQ(order["lines"].size(), 1U);
  EXPECT_EQ(order["lines"][0]["mode"], "1210");
  EXPECT_EQ(order["lines"][0]["warehouse_id"], s.warehouse);
  EXPECT_EQ(order["lines"][0]["vat"], "18.20");
  EXPECT_EQ(Available(s, s.milk), 49);
  EXPECT_EQ(QuotaOf(s, 1)["used"], "200.00");

  // The same body again: the first answer, marked.
  const Response replay = Post("/api/v1/orders", body, s.key);
  ASSERT_EQ(replay.status, 200) << replay;
  EXPECT_EQ(replay.Header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.Json()["id"], id);
  ExpectNoIdentity(replay, 1);

  // The same channel order number with another body.
  json other = OrderBody(s, "TM-1001", s.milk, 20000, 1, 2);
  const Response dup = Post("/api/v1/orders", other, s.key);
  EXPECT_TRUE(IsError(dup, 409, "ALREADY_EXISTS")) << dup;
  ExpectNoIdentity(dup, 1);
  EXPECT_EQ(Available(s, s.milk), 49);
  EXPECT_EQ(QuotaOf(s, 1)["used"], "200.00");
  EXPECT_EQ(Total("/api/v1/orders", s.key), 1);

  // The views: order, list, timeline, tax, documents; all masked.
  const std::string base = "/api/v1/orders/" + Q(id);
  for (const std::string& target :
       std::vector<std::string>{base, "/api/v1/orders?state=accepted", base + "/timeline",
                                base + "/tax", base + "/documents"}) {
    const Response r = Get(target, s.key);
    ASSERT_EQ(r.status, 200) << target << " " << r;
    ExpectNoIdentity(r, 1);
  }
  const json docs = GetJson("/api/v1/orders/" + Q(id) + "/documents", s.key);
  ASSERT_EQ(docs["declarations"].size(), 1U) << docs;
  const json& d = docs["declarations"][0];
  EXPECT_EQ(d["state"], "queued");
  EXPECT_EQ(d["list"]["trade_mode"], "1210");
  EXPECT_EQ(d["order"]["buyer"]["id_number"], Masked(IdNumber(1)));
  EXPECT_EQ(d["payment"]["payer"]["id_number"], Masked(IdNumber(1)));
  for (const auto& c : d["checks"]) EXPECT_TRUE(c["passed"].get<bool>()) << c;
  const json tax = GetJson("/api/v1/orders/" + Q(id) + "/tax", s.key);
  EXPECT_EQ(tax["total_tax"], "18.20");
  EXPECT_EQ(tax["channel"], "cbec");
  EXPECT_FALSE(tax["rules"].empty());
}

TEST_P(OrdersHttp, RuleRefusalsNameTheRuleAndChangeNothing) {
  const Shop s = NewShop();
  // Not on the positive list.
  ExpectRefused(s, OrderBody(s, "R-LIST", s.phone, 20000, 2), 2, 422, "positive_list");
  // Over the single-transaction limit: 3 x 2,000.00.
  const json single =
      ExpectRefused(s, OrderBody(s, "R-SINGLE", s.milk, 200000, 2, 3), 2, 422, "single_limit");
  EXPECT_EQ(single["details"], json({{"limit", "5000.00"}, {"amount", "6000.00"}})) << single;
  // Two items together over 5,000.00 (each under it).
  ExpectRefused(s, OrderBody(s, "R-TWO", {{s.milk, 260000}, {s.milk2, 260000}}, 2), 2, 422,
                "single_limit");
  // Buyer is not the payer.
  json payer = OrderBody(s, "R-PAYER", s.milk, 20000, 2);
  payer["payment"]["payer_name"] = "Li Si";
  payer["payment"]["payer_id_number"] = IdNumber(3);
  ExpectRefused(s, payer, 2, 422, "buyer_is_payer");
  // paid != goods + freight - discount + tax.
  json paid = OrderBody(s, "R-PAID", s.milk, 20000, 2);
  paid["paid"] = "300.00";
  paid["payment"]["amount"] = "300.00";
  const json paid_error = ExpectRefused(s, paid, 2, 422, "paid_amount");
  EXPECT_EQ(paid_error["details"],
            json({{"expected", "218.20"}, {"paid", "300.00"}, {"payment_amount", "300.00"}}))
      << paid_error;
  // An unknown SKU: bad input naming the line.
  ExpectRefused(s, OrderBody(s, "R-SKU", 99999999, 20000, 2), 2, 400, "lines[0].sku_id");
  // Shape: an unknown field, money as a number.
  json unknown = OrderBody(s, "R-FIELD", s.milk, 20000, 2);
  unknown["buyer"]["nickname"] = "zs";
  ExpectRefused(s, unknown, 2, 400, "buyer.nickname");
  json number = OrderBody(s, "R-MONEY", s.milk, 20000, 2);
  number["paid"] = 218.2;
  ExpectRefused(s, number, 2, 400, "paid");
}

TEST_P(OrdersHttp, TheAnnualLimitIsNeverPassed) {
  const Shop s = NewShop();
  // Five orders of 4,500.00 (+ tax) use 22,500.00 of the 26,000.00.
  for (int i = 0; i < 5; ++i) {
    const Response r = Post("/api/v1/orders", OrderBody(s, "A-" + Q(i), s.milk, 450000, 4), s.key);
    ASSERT_EQ(r.status, 201) << r;
  }
  EXPECT_EQ(QuotaOf(s, 4)["used"], "22500.00");
  // 4,000.00 more would make 26,500.00.
  const json annual =
      ExpectRefused(s, OrderBody(s, "A-OVER", s.milk2, 400000, 4), 4, 422, "annual_limit");
  EXPECT_EQ(annual["details"],
            json({{"limit", "26000.00"}, {"used", "22500.00"}, {"amount", "4000.00"}}))
      << annual;
  EXPECT_EQ(QuotaOf(s, 4)["remaining"], "3500.00");
  // Another identity is not affected.
  EXPECT_EQ(Post("/api/v1/orders", OrderBody(s, "A-OTHER", s.milk2, 400000, 5), s.key).status, 201);
}

TEST_P(OrdersHttp, AReceiptForAnUnknownDeclarationIsNotFound) {
  const Shop s = NewShop();
  const Response r = Post("/api/v1/customs/receipts",
                          {{"receipt_id", Unique("R")},
                           {"list_no", "XB999999000000000001"},
                           {"kind", "released"},
                           {"at", DaysAgo(1)}},
                          s.key);
  EXPECT_TRUE(IsError(r, 404, "NOT_FOUND")) << r;
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("unknown declaration"),
            std::string::npos)
      << r;
  EXPECT_EQ(Total("/api/v1/customs/declarations", s.key), 0);
}

TEST_P(OrdersHttp, AReturnAfterThirtyDaysOfReleaseIsRefused) {
  const Shop s = NewShop();
  const json order = Create("/api/v1/orders", OrderBody(s, "RET-1", s.milk, 20000, 6), s.key);
  const std::int64_t id = order["id"];
  const json docs = GetJson("/api/v1/orders/" + Q(id) + "/documents", s.key);
  ASSERT_EQ(docs["declarations"].size(), 1U) << docs;
  const std::string list_no = docs["declarations"][0]["list_no"];
  // Customs accepted and released it 40 days ago (the receipts' own times).
  for (const std::string kind : {"accepted", "released"}) {
    const Response r = Post(
        "/api/v1/customs/receipts",
        {{"receipt_id", Unique("RC")}, {"list_no", list_no}, {"kind", kind}, {"at", DaysAgo(40)}},
        s.key);
    ASSERT_EQ(r.status, 200) << r;
  }
  EXPECT_EQ(GetJson("/api/v1/orders/" + Q(id), s.key)["state"], "released");
  const std::string quota_before = QuotaOf(s, 6)["used"];

  const Response r =
      Post("/api/v1/orders/" + Q(id) + "/returns",
           {{"reason", "changed my mind"}, {"lines", {{{"line_no", 1}, {"quantity", 1}}}}}, s.key);
  ASSERT_EQ(r.status, 422) << r;
  EXPECT_EQ(r.Json()["error"]["rule"], "return_window") << r;
  EXPECT_EQ(Total("/api/v1/returns?order_id=" + Q(id), s.key), 0);
  EXPECT_EQ(QuotaOf(s, 6)["used"], quota_before);
  EXPECT_EQ(GetJson("/api/v1/orders/" + Q(id), s.key)["state"], "released");
}

TEST_P(OrdersHttp, IdentityNumbersNeverReachTheLog) {
  const Shop s = NewShop();
  // Accepted, refused and malformed orders and a quota lookup, then the log is read.
  ASSERT_EQ(Post("/api/v1/orders", OrderBody(s, "LOG-1", s.milk, 20000, 7), s.key).status, 201);
  ASSERT_EQ(Post("/api/v1/orders", OrderBody(s, "LOG-2", s.phone, 20000, 7), s.key).status, 422);
  json bad = OrderBody(s, "LOG-3", s.milk, 20000, 7);
  bad["buyer"]["id_number"] = IdNumber(7).substr(0, 17) + "0";  // a wrong check character
  const Response malformed = Post("/api/v1/orders", bad, s.key);
  EXPECT_EQ(malformed.status, 400) << malformed;
  EXPECT_EQ(malformed.body.find(IdNumber(7).substr(0, 17)), std::string::npos) << malformed;
  QuotaOf(s, 7);
  const std::string log = server().Log();
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(log.find(IdNumber(7).substr(0, 17)), std::string::npos) << log;
  EXPECT_EQ(log.find("13800138000"), std::string::npos) << log;
}

TEST_P(OrdersHttp, ACsvImportTakesEachOrderAndNamesEachRefusal) {
  const Shop s = NewShop();
  const auto row = [&s](const std::string& no, std::int64_t sku, int person) {
    const std::string id = IdNumber(person);
    return Q(s.channel) + "," + no + ",2026-11-20,Zhang San," + id +
           ",13800138000,Zhang San,13800138000,Zhejiang,Ningbo,1 Harbour Road,PAY-" + no +
           ",Zhang San," + id + ",218.20,18.20,218.20," + Q(sku) + ",1,200.00\n";
  };
  const std::string csv =
      "channel_id,channel_order_no,order_date,buyer_name,buyer_id_number,buyer_phone,consignee,"
      "address_phone,province,city,street,payment_no,payer_name,payer_id_number,payment_amount,"
      "tax,paid,sku_id,quantity,unit_price\n" +
      row("CSV-1", s.milk, 9) + row("CSV-2", s.phone, 9);
  const Response r =
      Send("POST", "/api/v1/orders/import", csv, s.key, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r;
  ExpectNoIdentity(r, 9);
  const json report = r.Json();
  EXPECT_EQ(report["accepted"], 1) << report;
  EXPECT_EQ(report["refused"], 1) << report;
  ASSERT_EQ(report["results"].size(), 2U);
  EXPECT_EQ(report["results"][0]["status"], 201);
  EXPECT_EQ(report["results"][1]["status"], 422);
  EXPECT_EQ(report["results"][1]["error"]["rule"], "positive_list");
  EXPECT_EQ(Total("/api/v1/orders?channel_order_no=CSV-2", s.key), 0);
  EXPECT_EQ(Total("/api/v1/orders?channel_order_no=CSV-1", s.key), 1);

  // A malformed file takes nothing.
  const Response bad = Send("POST", "/api/v1/orders/import", csv + "x,CSV-3\n", s.key,
                            {{"Content-Type", "text/csv"}});
  EXPECT_EQ(bad.status, 400) << bad;
  EXPECT_EQ(Total("/api/v1/orders", s.key), 1);
}

TEST_P(OrdersHttp, RolesAndUnknownOrders) {
  const Shop s = NewShop();
  const std::string device = NewKey("device", s.key);
  const std::string reader = NewKey("read_only", s.key);
  EXPECT_TRUE(IsError(Get("/api/v1/orders", device), 403, "PERMISSION_DENIED"));
  EXPECT_EQ(Get("/api/v1/orders", reader).status, 200);
  const Response r = Post("/api/v1/orders", OrderBody(s, "ROLE-1", s.milk, 20000, 8), reader);
  EXPECT_TRUE(IsError(r, 403, "PERMISSION_DENIED")) << r;
  EXPECT_TRUE(IsError(Get("/api/v1/orders/99999999", s.key), 404, "NOT_FOUND"));
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/orders?colour=red", s.key), 400, "INVALID_ARGUMENT", "colour"));
  EXPECT_EQ(Total("/api/v1/orders", s.key), 0);
}

}  // namespace
}  // namespace xb::apitest
