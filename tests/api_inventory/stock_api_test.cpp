// The stock API over HTTP: balances with filters, the summary with reserved, held, inbound and
// in-transit quantities, stock as of a past time, expiring stock, the stock card, the ledger, lots,
// holds, idempotent adjustments, roles, and bad input answered with a clear 4xx that changes
// nothing.
#include <ctime>
#include <string>
#include <vector>

#include "inventory_api_support.h"

namespace xb::apitest {
namespace {

class StockApi : public InventoryApi<StockApi> {};
XB_API_BACKENDS(StockApi);

std::string Q(std::int64_t n) { return std::to_string(n); }

TEST_P(StockApi, BalancesSummaryCardAndLedgerFollowAdjustmentsAndHolds) {
  const Site s = NewSite();
  const std::int64_t lot_a = NewLot(s, "LOT-A", "2027-03-31");
  const std::int64_t lot_b = NewLot(s, "LOT-B", "2028-01-31");
  const json first = Put(s, 40, lot_a);
  EXPECT_EQ(first["reason"], "count_gain");
  EXPECT_TRUE(first["from"].is_null());
  EXPECT_EQ(first["to"]["bin_id"], s.bin);
  EXPECT_EQ(first["to"]["state"], "available");
  EXPECT_EQ(first["quantity"], 40);
  Put(s, 25, lot_b, s.bin2);
  const json loss = Create("/api/v1/adjustments",
                           {{"warehouse_id", s.warehouse},
                            {"bin_id", s.bin},
                            {"sku_id", s.sku},
                            {"lot_id", lot_a},
                            {"quantity", -4},
                            {"reason_code", "cycle_count"},
                            {"note", "two cartons short"}},
                           s.key);
  EXPECT_EQ(loss["reason"], "count_loss");
  EXPECT_EQ(loss["quantity"], 4);
  EXPECT_EQ(loss["to"], nullptr);
  EXPECT_EQ(loss["note"], "cycle_count: two cartons short");
  const json held = Create("/api/v1/stock/hold",
                           {{"warehouse_id", s.warehouse},
                            {"bin_id", s.bin2},
                            {"sku_id", s.sku},
                            {"lot_id", lot_b},
                            {"quantity", 5},
                            {"state", "customs_hold"},
                            {"note", "inspection"}},
                           s.key);
  EXPECT_EQ(held["reason"], "hold");
  EXPECT_EQ(held["to"]["state"], "customs_hold");

  // Balances, with filters.
  const std::string stock = "/api/v1/stock?warehouse_id=" + Q(s.warehouse);
  json page = GetJson(stock, s.key);
  EXPECT_EQ(page["total"], 3) << page;
  page = GetJson(stock + "&bin_id=" + Q(s.bin), s.key);
  ASSERT_EQ(page["items"].size(), 1U) << page;
  const json& a = page["items"][0];
  EXPECT_EQ(a["on_hand"], 36);
  EXPECT_EQ(a["lot_id"], lot_a);
  EXPECT_EQ(a["lot_number"], "LOT-A");
  EXPECT_EQ(a["expiry_date"], "2027-03-31");
  EXPECT_EQ(a["owner"], "own");
  EXPECT_EQ(a["state"], "available");
  page = GetJson(stock + "&state=customs_hold", s.key);
  ASSERT_EQ(page["items"].size(), 1U);
  EXPECT_EQ(page["items"][0]["on_hand"], 5);
  page = GetJson(stock + "&expires_before=2027-12-31", s.key);
  ASSERT_EQ(page["items"].size(), 1U);
  EXPECT_EQ(page["items"][0]["lot_number"], "LOT-A");
  page = GetJson(stock + "&lot_id=" + Q(lot_b), s.key);
  EXPECT_EQ(page["total"], 2);

  // Summary.
  json sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 61);
  EXPECT_EQ(sum["held"], 5);
  EXPECT_EQ(sum["available"], 56);
  EXPECT_EQ(sum["reserved"], 0);
  EXPECT_EQ(sum["picked"], 0);
  EXPECT_EQ(sum["projected"], 56);

  // Release part of the hold.
  const Response released = Post("/api/v1/stock/release",
                                 {{"warehouse_id", s.warehouse},
                                  {"bin_id", s.bin2},
                                  {"sku_id", s.sku},
                                  {"lot_id", lot_b},
                                  {"quantity", 3},
                                  {"from_state", "customs_hold"}},
                                 s.key);
  ASSERT_EQ(released.status, 201) << released;
  EXPECT_EQ(released.Json()["reason"], "release");
  sum = Summary(s);
  EXPECT_EQ(sum["held"], 2);
  EXPECT_EQ(sum["available"], 59);

  // The stock card: holds and releases stay inside the warehouse.
  const json card =
      GetJson("/api/v1/skus/" + Q(s.sku) + "/stock-card?warehouse_id=" + Q(s.warehouse), s.key);
  EXPECT_EQ(card["sku_id"], s.sku);
  EXPECT_EQ(card["opening_balance"], 0);
  ASSERT_EQ(card["items"].size(), 5U) << card;
  const std::vector<int> change = {40, 25, -4, 0, 0};
  const std::vector<int> running = {40, 65, 61, 61, 61};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(card["items"][i]["signed_quantity"], change[i]) << i;
    EXPECT_EQ(card["items"][i]["running_balance"], running[i]) << i;
  }
  EXPECT_TRUE(card["next_after_id"].is_null());
  // Paged: the second page opens with the balance the first one closed with.
  const json p1 = GetJson("/api/v1/skus/" + Q(s.sku) + "/stock-card?limit=2", s.key);
  ASSERT_EQ(p1["items"].size(), 2U);
  ASSERT_FALSE(p1["next_after_id"].is_null());
  const json p2 = GetJson("/api/v1/skus/" + Q(s.sku) + "/stock-card?limit=2&after_id=" +
                              Q(p1["next_after_id"].get<std::int64_t>()),
                          s.key);
  EXPECT_EQ(p2["opening_balance"], 65);
  EXPECT_EQ(p2["items"][0]["running_balance"], 61);

  // The ledger.
  json ledger = GetJson("/api/v1/movements?sku_id=" + Q(s.sku), s.key);
  ASSERT_EQ(ledger["items"].size(), 5U);
  EXPECT_EQ(ledger["items"][2]["ref_type"], "adjustment");
  EXPECT_EQ(ledger["items"][2]["ref_id"], "cycle_count");
  EXPECT_FALSE(ledger["items"][0]["actor"].get<std::string>().empty());
  ledger = GetJson("/api/v1/movements?ref_type=hold", s.key);
  EXPECT_EQ(ledger["items"].size(), 1U);
  ledger = GetJson("/api/v1/movements?limit=2", s.key);
  EXPECT_EQ(ledger["next_after_id"], ledger["items"][1]["id"]);

  // As of a time before the first movement: nothing; as of now: everything.
  json past = GetJson("/api/v1/stock/as-of?at=2020-01-01&warehouse_id=" + Q(s.warehouse), s.key);
  EXPECT_EQ(past["at"], "2020-01-02T00:00:00Z");
  EXPECT_EQ(past["items"].size(), 0U);
  const std::string later = ledger["items"][1]["at"];  // the second movement's time
  past = GetJson("/api/v1/stock/as-of?at=" + later + "&sku_id=" + Q(s.sku), s.key);
  ASSERT_EQ(past["items"].size(), 1U) << past;  // just before the second movement
  EXPECT_EQ(past["items"][0]["on_hand"], 40);

  // Each change wrote its business event.
  const json events = GetJson("/api/v1/events?entity=movement", s.key);
  EXPECT_EQ(events["items"].size(), 5U);
}

TEST_P(StockApi, SummaryCountsOpenPurchaseOrdersAsInbound) {
  const Site s = NewSite();
  Put(s, 10);
  const std::int64_t supplier =
      Create("/api/v1/suppliers", SupplierBody(Unique("SUP")), s.key)["id"].get<std::int64_t>();
  const json po =
      Create("/api/v1/purchase-orders",
             {{"code", Unique("PO")},
              {"supplier_id", supplier},
              {"warehouse_id", s.warehouse},
              {"transport_mode", "sea"},
              {"currency", "EUR"},
              {"expected_date", "2027-01-15"},
              {"lines", {{{"sku_id", s.sku}, {"quantity", 50}, {"unit_price", "3.00"}}}}},
             s.key);
  const std::string path = "/api/v1/purchase-orders/" + Q(po["id"].get<std::int64_t>());
  EXPECT_EQ(Summary(s)["inbound"], 0) << "a draft brings nothing";
  ASSERT_EQ(Post(path + "/confirm", json::object(), s.key).status, 200);
  json sum = Summary(s);
  EXPECT_EQ(sum["inbound"], 50);
  EXPECT_EQ(sum["projected"], 60);
  const Response receipt =
      Post(path + "/receipts",
           {{"lines",
             {{{"line_no", 1}, {"received_qty", 20}, {"accepted_qty", 20}, {"rejected_qty", 0}}}}},
           s.key);
  ASSERT_EQ(receipt.status, 201) << receipt;
  EXPECT_EQ(Summary(s)["inbound"], 30);
}

// The review's repro: goods received on a receive task that is still open are on hand at once
// and reach the purchase order only when the task closes; they must not count twice meanwhile.
TEST_P(StockApi, GoodsReceivedOnAnOpenTaskAreNotInboundToo) {
  const Site s = NewSite();
  Put(s, 137);
  const std::int64_t supplier =
      Create("/api/v1/suppliers", SupplierBody(Unique("SUP")), s.key)["id"].get<std::int64_t>();
  const json po =
      Create("/api/v1/purchase-orders",
             {{"code", Unique("PO")},
              {"supplier_id", supplier},
              {"warehouse_id", s.warehouse},
              {"transport_mode", "sea"},
              {"currency", "EUR"},
              {"expected_date", "2027-01-15"},
              {"lines", {{{"sku_id", s.sku}, {"quantity", 50}, {"unit_price", "3.00"}}}}},
             s.key);
  const std::int64_t po_id = po["id"].get<std::int64_t>();
  ASSERT_EQ(Post("/api/v1/purchase-orders/" + Q(po_id) + "/confirm", json::object(), s.key).status,
            200);
  json sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 137);
  EXPECT_EQ(sum["inbound"], 50);
  EXPECT_EQ(sum["in_transit"], 0);
  EXPECT_EQ(sum["projected"], 187);

  const json task = Create(
      "/api/v1/tasks/receive",
      {{"warehouse_id", s.warehouse}, {"receiving_bin_id", s.bin2}, {"purchase_order_id", po_id}},
      s.key);
  const std::string t = "/api/v1/tasks/" + Q(task["id"].get<std::int64_t>());
  const Response received =
      Post(t + "/receipts", {{"line_no", 1}, {"quantity", 30}, {"condition", "good"}}, s.key);
  ASSERT_EQ(received.status, 200) << received;
  sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 167);
  EXPECT_EQ(sum["inbound"], 20);
  EXPECT_EQ(sum["projected"], 187);

  // Closed short: the order says 30 received and is still open for 20.
  const Response closed = Post(t + "/close", json::object(), s.key);
  ASSERT_EQ(closed.status, 200) << closed;
  sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 167);
  EXPECT_EQ(sum["inbound"], 20);
  EXPECT_EQ(sum["projected"], 187);
}

TEST_P(StockApi, OpenAdvanceNoticesAreInTransit) {
  const Site s = NewSite();
  Put(s, 10);
  const json task = Create(
      "/api/v1/tasks/receive",
      {{"warehouse_id", s.warehouse},
       {"receiving_bin_id", s.bin2},
       {"asn", {{"ref", Unique("ASN")}, {"lines", {{{"sku_id", s.sku}, {"quantity", 40}}}}}}},
      s.key);
  json sum = Summary(s);
  EXPECT_EQ(sum["in_transit"], 40);
  EXPECT_EQ(sum["inbound"], 0);
  EXPECT_EQ(sum["projected"], 50);
  const std::string t = "/api/v1/tasks/" + Q(task["id"].get<std::int64_t>());
  const Response received =
      Post(t + "/receipts", {{"line_no", 1}, {"quantity", 15}, {"condition", "good"}}, s.key);
  ASSERT_EQ(received.status, 200) << received;
  sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 25);
  EXPECT_EQ(sum["in_transit"], 25);
  EXPECT_EQ(sum["projected"], 50);
  // Closed short: what did not come is no longer expected.
  ASSERT_EQ(Post(t + "/close", json::object(), s.key).status, 200);
  sum = Summary(s);
  EXPECT_EQ(sum["in_transit"], 0);
  EXPECT_EQ(sum["projected"], 25);
}

// The CSV lines of an answer (CRLF line ends), the header first.
std::vector<std::string> CsvLines(const std::string& body) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < body.size()) {
    const auto end = body.find("\r\n", at);
    if (end == std::string::npos) {
      lines.push_back(body.substr(at));
      break;
    }
    lines.push_back(body.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

TEST_P(StockApi, StockListsExportEveryRowOfTheirFiltersAsCsv) {
  const Site s = NewSite();
  const std::int64_t lot = NewLot(s, "LOT,\"Q\"", "2026-01-31");  // a cell that needs quoting
  Put(s, 7, lot);
  Put(s, 5, 0, s.bin2);
  Put(s, -2, 0, s.bin2);
  const std::string w = "warehouse_id=" + Q(s.warehouse);

  // Every balance, whatever the limit says; the filters as the JSON.
  Response r = Get("/api/v1/stock?format=csv&limit=1&" + w, s.key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"stock.csv\"");
  auto lines = CsvLines(r.body);
  ASSERT_EQ(lines.size(), 3U) << r.body;
  EXPECT_EQ(lines[0],
            "warehouse_id,bin_id,sku_id,lot_id,lot_number,expiry_date,owner,state,on_hand");
  EXPECT_EQ(lines[1], Q(s.warehouse) + "," + Q(s.bin) + "," + Q(s.sku) + "," + Q(lot) +
                          ",\"LOT,\"\"Q\"\"\",2026-01-31,own,available,7");
  EXPECT_EQ(lines[2], Q(s.warehouse) + "," + Q(s.bin2) + "," + Q(s.sku) + ",0,,,own,available,3");
  lines = CsvLines(Get("/api/v1/stock?format=csv&bin_id=" + Q(s.bin2) + "&" + w, s.key).body);
  EXPECT_EQ(lines.size(), 2U);

  r = Get("/api/v1/stock/summary?format=csv&" + w, s.key);
  ASSERT_EQ(r.status, 200) << r;
  lines = CsvLines(r.body);
  ASSERT_EQ(lines.size(), 2U) << r.body;
  EXPECT_EQ(lines[0],
            "warehouse_id,sku_id,owner,on_hand,reserved,available,held,picked,inbound,in_transit,"
            "projected");
  EXPECT_EQ(lines[1], Q(s.warehouse) + "," + Q(s.sku) + ",own,10,0,10,0,0,0,0,10");

  // The lot expired: it is in the expiring report.
  r = Get("/api/v1/stock/expiring?format=csv&days=0&" + w, s.key);
  ASSERT_EQ(r.status, 200) << r;
  lines = CsvLines(r.body);
  ASSERT_EQ(lines.size(), 2U) << r.body;
  EXPECT_EQ(lines[0],
            "warehouse_id,bin_id,sku_id,lot_id,lot_number,expiry_date,owner,state,on_hand,"
            "days_left,status");
  EXPECT_NE(lines[1].find(",expired"), std::string::npos) << lines[1];

  // As of now: the same balances; the JSON has its total like the other lists.
  const json later = GetJson("/api/v1/stock/as-of?at=2099-01-01&limit=1&" + w, s.key);
  EXPECT_EQ(later["total"], 2) << later;
  EXPECT_EQ(later["items"].size(), 1U);
  EXPECT_EQ(GetJson("/api/v1/stock/as-of?at=2020-01-01&" + w, s.key)["total"], 0);
  r = Get("/api/v1/stock/as-of?format=csv&at=2099-01-01&" + w, s.key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(CsvLines(r.body).size(), 3U) << r.body;

  // The stock card: every line with its running balance, and the opening balance in a header.
  r = Get("/api/v1/skus/" + Q(s.sku) + "/stock-card?format=csv&limit=1&" + w, s.key);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("x-opening-balance"), "0");
  lines = CsvLines(r.body);
  ASSERT_EQ(lines.size(), 4U) << r.body;
  EXPECT_EQ(lines[0],
            "id,at,sku_id,lot_id,owner,from_warehouse_id,from_bin_id,from_state,to_warehouse_id,"
            "to_bin_id,to_state,quantity,reason,ref_type,ref_id,device,actor,note,signed_quantity,"
            "running_balance");
  EXPECT_EQ(lines[3].substr(lines[3].size() - 6), ",-2,10") << lines[3];
  r = Get("/api/v1/skus/999999/stock-card?format=csv", s.key);
  EXPECT_TRUE(IsError(r, 404, "NOT_FOUND")) << r;

  r = Get("/api/v1/movements?format=csv&limit=1&sku_id=" + Q(s.sku), s.key);
  ASSERT_EQ(r.status, 200) << r;
  lines = CsvLines(r.body);
  ASSERT_EQ(lines.size(), 4U) << r.body;
  EXPECT_EQ(lines[0],
            "id,at,sku_id,lot_id,owner,from_warehouse_id,from_bin_id,from_state,to_warehouse_id,"
            "to_bin_id,to_state,quantity,reason,ref_type,ref_id,device,actor,note");
  EXPECT_NE(lines[3].find(",count_loss,adjustment,"), std::string::npos) << lines[3];

  // Bad input is refused as for the JSON.
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/stock?format=xml", s.key), 400, "INVALID_ARGUMENT", "format"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/stock/expiring?format=csv&days=-1", s.key), 400,
                           "INVALID_ARGUMENT", "days"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/stock/summary?format=csv&owner=a%20b", s.key), 400,
                           "INVALID_ARGUMENT", "owner"));
}

TEST_P(StockApi, ExpiringReportsExpiredAndNearExpiryStock) {
  const Site s = NewSite();
  // Dates relative to the server's today, which the report returns.
  const json probe = GetJson("/api/v1/stock/expiring", s.key);
  const std::string today = probe["today"];
  const auto shift = [&today](int days) {
    const int y = std::stoi(today.substr(0, 4));
    const int m = std::stoi(today.substr(5, 2));
    const int d = std::stoi(today.substr(8, 2));
    std::tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = m - 1;
    t.tm_mday = d + days;
    t.tm_hour = 12;
    const time_t when = timegm(&t);
    std::tm out{};
    gmtime_r(&when, &out);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &out);
    return std::string(buf);
  };
  Put(s, 3, NewLot(s, "L-EXPIRED", shift(-1)));
  Put(s, 4, NewLot(s, "L-TODAY", shift(0)));
  Put(s, 5, NewLot(s, "L-SOON", shift(20)));
  Put(s, 6, NewLot(s, "L-LATER", shift(200)));
  Put(s, 7);  // without a lot: never expires
  const json report =
      GetJson("/api/v1/stock/expiring?days=30&warehouse_id=" + Q(s.warehouse), s.key);
  EXPECT_EQ(report["today"], today);
  EXPECT_EQ(report["days"], 30);
  ASSERT_EQ(report["items"].size(), 3U) << report;
  EXPECT_EQ(report["items"][0]["lot_number"], "L-EXPIRED");
  EXPECT_EQ(report["items"][0]["status"], "expired");
  EXPECT_EQ(report["items"][0]["days_left"], -1);
  EXPECT_EQ(report["items"][1]["lot_number"], "L-TODAY");
  EXPECT_EQ(report["items"][1]["status"], "near_expiry") << "usable through its expiry date";
  EXPECT_EQ(report["items"][1]["days_left"], 0);
  EXPECT_EQ(report["items"][2]["lot_number"], "L-SOON");
  EXPECT_EQ(report["items"][2]["days_left"], 20);
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/stock/expiring?days=-3", s.key), 400, "INVALID_ARGUMENT", "days"));
}

TEST_P(StockApi, LotsAreCreatedListedAndCheckedPerSku) {
  const Site s = NewSite();
  const Response created = Post("/api/v1/lots",
                                {{"sku_id", s.sku},
                                 {"lot_number", "B2026-11"},
                                 {"production_date", "2026-05-01"},
                                 {"expiry_date", "2028-04-30"}},
                                s.key);
  ASSERT_EQ(created.status, 201) << created;
  const json lot = created.Json();
  EXPECT_EQ(lot["lot_number"], "B2026-11");
  EXPECT_EQ(lot["production_date"], "2026-05-01");
  EXPECT_EQ(lot["expiry_date"], "2028-04-30");
  EXPECT_EQ(created.Header("location"), "/api/v1/lots/" + Q(lot["id"].get<std::int64_t>()));
  EXPECT_EQ(GetJson("/api/v1/lots/" + Q(lot["id"].get<std::int64_t>()), s.key), lot);
  EXPECT_EQ(GetJson("/api/v1/lots?sku_id=" + Q(s.sku), s.key)["total"], 1);
  EXPECT_EQ(GetJson("/api/v1/lots?lot_number=B2026-11", s.key)["total"], 1);
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/lots", {{"sku_id", s.sku}, {"lot_number", "B2026-11"}}, s.key),
                   409, "ALREADY_EXISTS", "lot_number"));
  EXPECT_TRUE(IsFieldError(Post("/api/v1/lots", {{"sku_id", 999999}, {"lot_number", "X"}}, s.key),
                           400, "INVALID_ARGUMENT", "sku_id"));
  EXPECT_TRUE(IsFieldError(
      Post("/api/v1/lots", {{"sku_id", s.sku}, {"lot_number", "X"}, {"expiry_date", "31.12.2027"}},
           s.key),
      400, "INVALID_ARGUMENT", "expiry_date"));
  EXPECT_TRUE(IsError(Post("/api/v1/lots",
                           {{"sku_id", s.sku},
                            {"lot_number", "X"},
                            {"production_date", "2027-01-02"},
                            {"expiry_date", "2027-01-01"}},
                           s.key),
                      400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(Get("/api/v1/lots/999999", s.key), 404, "NOT_FOUND"));
  // Another tenant does not see it.
  EXPECT_TRUE(IsError(Get("/api/v1/lots/" + Q(lot["id"].get<std::int64_t>())), 404, "NOT_FOUND"));
}

TEST_P(StockApi, BadInputIsRefusedClearlyAndChangesNothing) {
  const Site s = NewSite();
  const Site other = NewSite();  // another tenant's records
  const std::int64_t empty_bin =
      Create("/api/v1/warehouses/" + Q(s.warehouse) + "/bins", BinBody("B-09"), s.key)["id"]
          .get<std::int64_t>();
  const std::int64_t second_wh =
      Create("/api/v1/warehouses", WarehouseBody(Unique("WH")), s.key)["id"].get<std::int64_t>();
  const std::int64_t bin_elsewhere =
      Create("/api/v1/warehouses/" + Q(second_wh) + "/bins", BinBody("C-01"), s.key)["id"]
          .get<std::int64_t>();
  const std::int64_t sku2 = NewSku(s);
  const std::int64_t lot_of_sku2 = NewLot(s, "L-2", "2027-06-30", sku2);
  Put(s, 10);
  const auto movements = MovementCount(s);
  const json before = Summary(s);

  const auto expect = [&](json body, int status, const std::string& code, const std::string& field,
                          const std::string& path) {
    const Response r = Post(path, body, s.key);
    EXPECT_TRUE(IsFieldError(r, status, code, field)) << body;
  };
  const std::string adj = "/api/v1/adjustments";
  json b = Adjustment(s, 0);
  expect(b, 400, "INVALID_ARGUMENT", "quantity", adj);
  b = Adjustment(s, 5, 0, bin_elsewhere);  // a bin of another warehouse
  expect(b, 400, "INVALID_ARGUMENT", "bin_id", adj);
  b = Adjustment(s, 5, 0, other.bin);  // another tenant's bin
  expect(b, 400, "INVALID_ARGUMENT", "bin_id", adj);
  b = Adjustment(s, 5, lot_of_sku2);  // a lot of another SKU
  expect(b, 400, "INVALID_ARGUMENT", "lot_id", adj);
  b = Adjustment(s, 5, 424242);
  expect(b, 400, "INVALID_ARGUMENT", "lot_id", adj);
  b = Adjustment(s, 5);
  b["warehouse_id"] = 424242;
  expect(b, 400, "INVALID_ARGUMENT", "warehouse_id", adj);
  b = Adjustment(s, 5);
  b["sku_id"] = 424242;
  expect(b, 400, "INVALID_ARGUMENT", "sku_id", adj);
  b = Adjustment(s, 5);
  b["quantity"] = "5";
  expect(b, 400, "INVALID_ARGUMENT", "quantity", adj);
  b = Adjustment(s, 5);
  b["quantity"] = 2.5;
  expect(b, 400, "INVALID_ARGUMENT", "quantity", adj);
  b = Adjustment(s, 5);
  b.erase("reason_code");
  expect(b, 400, "INVALID_ARGUMENT", "reason_code", adj);
  b = Adjustment(s, 5);
  b["colour"] = "red";
  expect(b, 400, "INVALID_ARGUMENT", "colour", adj);
  b = Adjustment(s, 5);
  b["state"] = "lost";
  expect(b, 400, "INVALID_ARGUMENT", "state", adj);
  b = Adjustment(s, 5);
  b["owner"] = "not an owner";
  expect(b, 400, "INVALID_ARGUMENT", "owner", adj);
  // More than on hand: refused as the state forbids it.
  EXPECT_TRUE(IsError(Post(adj, Adjustment(s, -11), s.key), 422, "FAILED_PRECONDITION"));

  const std::string hold = "/api/v1/stock/hold";
  json h = {{"warehouse_id", s.warehouse},
            {"bin_id", s.bin},
            {"sku_id", s.sku},
            {"quantity", -2},
            {"state", "quarantine"}};
  expect(h, 400, "INVALID_ARGUMENT", "quantity", hold);
  h["quantity"] = 2;
  h["state"] = "available";
  expect(h, 400, "INVALID_ARGUMENT", "state", hold);
  h["state"] = "quarantine";
  h["bin_id"] = empty_bin;  // nothing to hold there
  EXPECT_TRUE(IsError(Post(hold, h, s.key), 422, "FAILED_PRECONDITION"));
  h["bin_id"] = s.bin;
  h.erase("state");
  expect(h, 400, "INVALID_ARGUMENT", "state", hold);
  json rel = {{"warehouse_id", s.warehouse},
              {"bin_id", s.bin},
              {"sku_id", s.sku},
              {"quantity", 1},
              {"from_state", "quarantine"}};
  EXPECT_TRUE(IsError(Post("/api/v1/stock/release", rel, s.key), 422, "FAILED_PRECONDITION"))
      << "nothing is held";

  // Malformed bodies and queries.
  EXPECT_TRUE(IsError(Send("POST", adj, "{not json", s.key), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(IsError(Send("POST", adj, "[1,2]", s.key), 400, "INVALID_ARGUMENT"));
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/stock?state=lost", s.key), 400, "INVALID_ARGUMENT", "state"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/stock?limit=0", s.key), 400, "INVALID_ARGUMENT", "limit"));
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/stock?colour=red", s.key), 400, "INVALID_ARGUMENT", "colour"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/stock/as-of", s.key), 400, "INVALID_ARGUMENT", "at"));
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/stock/as-of?at=yesterday", s.key), 400, "INVALID_ARGUMENT", "at"));
  EXPECT_TRUE(IsError(Get("/api/v1/skus/424242/stock-card", s.key), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsFieldError(Get("/api/v1/movements?after_id=-1", s.key), 400, "INVALID_ARGUMENT",
                           "after_id"));

  EXPECT_EQ(MovementCount(s), movements);
  EXPECT_EQ(Summary(s), before);
}

TEST_P(StockApi, AnAdjustmentRetriedWithItsIdempotencyKeyPostsOnce) {
  const Site s = NewSite();
  const json body = Adjustment(s, 9);
  const Headers key = {{"Idempotency-Key", "count-2026-11-25-A01"}};
  const Response first = Post("/api/v1/adjustments", body, s.key, key);
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_FALSE(first.Header("idempotent-replayed").has_value());
  const Response again = Post("/api/v1/adjustments", body, s.key, key);
  ASSERT_EQ(again.status, 201) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  EXPECT_TRUE(
      IsError(Post("/api/v1/adjustments", Adjustment(s, 8), s.key, key), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(MovementCount(s), 1);
  EXPECT_EQ(Summary(s)["on_hand"], 9);
}

TEST_P(StockApi, RolesDecideWhoReadsAndWhoChangesStock) {
  const Site s = NewSite();
  Put(s, 5);
  const std::string reader = NewKey("read_only", s.key);
  const std::string device = NewKey("device", s.key);
  const std::string operator_key = NewKey("warehouse_operator", s.key);
  EXPECT_EQ(Get("/api/v1/stock", reader).status, 200);
  EXPECT_TRUE(
      IsError(Post("/api/v1/adjustments", Adjustment(s, 1), reader), 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Get("/api/v1/stock", device), 403, "PERMISSION_DENIED"));
  EXPECT_EQ(Post("/api/v1/adjustments", Adjustment(s, 1), operator_key).status, 201);
  EXPECT_TRUE(IsError(Get("/api/v1/stock", "xbk_not_a_key"), 401, "UNAUTHENTICATED"));
  EXPECT_EQ(Summary(s)["on_hand"], 6);
}

}  // namespace
}  // namespace xb::apitest
