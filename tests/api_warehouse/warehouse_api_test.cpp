// The warehouse floor over HTTP: a purchase order received with over, short and damaged goods
// recorded, put away, reserved, picked, packed into a parcel with a valid SSCC and shipped, with
// the stock figures checked at every step; a cycle count with a recount and its adjustment; and
// bad input refused with a clear 4xx that changes nothing. SQLite and PostgreSQL.
#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class WarehouseFlowApi : public WarehouseApi<WarehouseFlowApi> {};
XB_API_BACKENDS(WarehouseFlowApi);

// The GS1 mod-10 check digit of all digits but the last.
bool CheckDigitHolds(const std::string& digits) {
  int sum = 0;
  const std::size_t n = digits.size() - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const int d = digits[n - 1 - i] - '0';
    sum += (i % 2 == 0) ? 3 * d : d;
  }
  return (10 - sum % 10) % 10 == digits.back() - '0';
}

json LineOf(const json& task, int line_no) {
  for (const auto& l : task["lines"]) {
    if (l["line_no"] == line_no) return l;
  }
  throw UnexpectedResponse("no line " + std::to_string(line_no) + " in " + task.dump());
}

TEST_P(WarehouseFlowApi, APurchaseOrderGoesFromReceiptToAShippedParcel) {
  const Floor f = NewFloor();
  const json po = ConfirmedOrder(f, 100, 40);
  const std::string tasks = "/api/v1/tasks";

  // Receive: 90 good in two lots and 5 damaged of 100 milk; 45 bottles of 40.
  const Response created = Post(
      tasks + "/receive",
      {{"warehouse_id", f.warehouse}, {"receiving_bin_id", f.rcv}, {"purchase_order_id", Id(po)}},
      f.key);
  ASSERT_EQ(created.status, 201) << created;
  const json rcv = created.Json();
  EXPECT_EQ(created.Header("location"), tasks + "/" + Q(Id(rcv)));
  EXPECT_EQ(rcv["kind"], "receive");
  EXPECT_EQ(rcv["state"], "open");
  EXPECT_EQ(rcv["ref_type"], "purchase_order");
  EXPECT_EQ(LineOf(rcv, 1)["expected_qty"], 100);
  EXPECT_EQ(LineOf(rcv, 2)["expected_qty"], 40);
  const std::string r = tasks + "/" + Q(Id(rcv));
  const auto receipt = [&](int line, const std::string& lot, const std::string& expiry,
                           std::int64_t qty, const std::string& condition = "good",
                           const std::string& reason = {}) {
    json body = {{"line_no", line}, {"quantity", qty}, {"condition", condition}};
    if (!lot.empty()) body["lot_number"] = lot;
    if (!expiry.empty()) body["expiry_date"] = expiry;
    if (!reason.empty()) body["reason"] = reason;
    return Must(r + "/receipts", body, f.key);
  };
  receipt(1, "L-1", "2027-06-30", 60);
  receipt(1, "L-2", "2027-09-30", 30);
  receipt(1, "L-2", "2027-09-30", 5, "damaged", "crushed");
  const json after = receipt(2, "", "", 45);
  EXPECT_EQ(after["state"], "in_progress");
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 90);
  EXPECT_EQ(Stock(f, f.rcv, f.milk, "damaged"), 5);
  EXPECT_EQ(Stock(f, f.rcv, f.bottle), 45);
  EXPECT_EQ(Summary(f, f.milk)["on_hand"], 95);

  const json closed = Must(r + "/close", json::object(), f.key);
  EXPECT_EQ(closed["state"], "done");
  ASSERT_EQ(closed["variances"].size(), 2U);
  EXPECT_EQ(closed["variances"][0], json({{"line_no", 1},
                                          {"expected", 100},
                                          {"good", 90},
                                          {"damaged", 5},
                                          {"over", 0},
                                          {"short", 5}}));
  EXPECT_EQ(closed["variances"][1], json({{"line_no", 2},
                                          {"expected", 40},
                                          {"good", 45},
                                          {"damaged", 0},
                                          {"over", 5},
                                          {"short", 0}}));
  EXPECT_EQ(GetJson(r, f.key)["variances"], closed["variances"]);
  // Supplier performance sees the receipt as it was.
  const std::string po_path = "/api/v1/purchase-orders/" + Q(Id(po));
  const json order = GetJson(po_path, f.key);
  EXPECT_EQ(order["status"], "partly_received");
  const json receipts = GetJson(po_path + "/receipts", f.key)["items"];
  ASSERT_EQ(receipts.size(), 1U);
  EXPECT_EQ(receipts[0]["lines"][0]["received_qty"], 95);
  EXPECT_EQ(receipts[0]["lines"][0]["accepted_qty"], 90);
  EXPECT_EQ(receipts[0]["lines"][0]["rejected_qty"], 5);
  EXPECT_EQ(receipts[0]["lines"][0]["reason"], "crushed");
  EXPECT_EQ(receipts[0]["lines"][1]["received_qty"], 45) << "an over-receipt is not trimmed";

  // Putaway into the bins the rule suggests (milk to its category's zone).
  const json put = Must(tasks + "/putaway", {{"receive_task_id", Id(rcv)}}, f.key, 201);
  EXPECT_EQ(put["kind"], "putaway");
  std::int64_t to_putaway = 0;
  for (const auto& l : put["lines"]) {
    EXPECT_EQ(l["from_bin"], f.rcv);
    if (l["sku_id"] == f.milk) {
      EXPECT_EQ(l["to_bin"], f.a1);
    }
    to_putaway += l["expected_qty"].get<std::int64_t>();
  }
  EXPECT_EQ(to_putaway, 135) << "the good units only";
  const std::string p = tasks + "/" + Q(Id(put));
  Must(p + "/progress", {{"line_no", 1}, {"quantity", 1}}, f.key);
  Must(p + "/close", {{"complete", true}}, f.key);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 0);
  EXPECT_EQ(Stock(f, f.a1, f.milk), 90);
  EXPECT_EQ(Stock(f, f.rcv, f.milk, "damaged"), 5) << "damaged goods stay where they are";

  // Reserve 25 for an order (FEFO: lot L-1 expires first).
  const std::int64_t l1 = LotId(f, f.milk, "L-1");
  const Response reserved = Post(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 25}, {"order_ref", "SO-1"}},
      f.key, {{"Idempotency-Key", Unique("res")}});
  ASSERT_EQ(reserved.status, 201) << reserved;
  const json reservation = reserved.Json();
  ASSERT_EQ(reservation["lines"].size(), 1U);
  EXPECT_EQ(reservation["lines"][0]["lot_id"], l1);
  EXPECT_EQ(Summary(f, f.milk)["reserved"], 25);
  EXPECT_EQ(Summary(f, f.milk)["available"], 65);

  // Pick it into the staging bin; more than reserved is refused.
  const json pick = Must(tasks + "/pick",
                         {{"warehouse_id", f.warehouse},
                          {"staging_bin_id", f.stg},
                          {"reservation_ids", {Id(reservation)}}},
                         f.key, 201);
  EXPECT_EQ(pick["ref_type"], "order");
  EXPECT_EQ(pick["ref_id"], "SO-1");
  ASSERT_EQ(pick["lines"].size(), 1U);
  EXPECT_EQ(pick["lines"][0]["from_bin"], f.a1);
  EXPECT_EQ(pick["lines"][0]["lot_id"], l1);
  const std::string k = tasks + "/" + Q(Id(pick));
  EXPECT_TRUE(IsFieldError(Post(k + "/progress", {{"line_no", 1}, {"quantity", 26}}, f.key), 422,
                           "FAILED_PRECONDITION", "quantity"));
  Must(k + "/progress", {{"line_no", 1}, {"quantity", 20}}, f.key);
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 20);
  EXPECT_EQ(Summary(f, f.milk)["reserved"], 5);
  Must(k + "/progress", {{"line_no", 1}, {"quantity", 5}}, f.key);
  const json picked = Must(k + "/close", json::object(), f.key);
  EXPECT_EQ(picked["state"], "done");
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 25);
  EXPECT_EQ(Stock(f, f.a1, f.milk), 65);
  json s = Summary(f, f.milk);
  EXPECT_EQ(s["reserved"], 0);
  EXPECT_EQ(s["picked"], 25);
  EXPECT_EQ(s["available"], 65);
  EXPECT_EQ(GetJson("/api/v1/reservations/" + Q(Id(reservation)), f.key)["state"], "consumed");

  // Pack into a parcel with an SSCC.
  const Response packed = Post("/api/v1/parcels",
                               {{"warehouse_id", f.warehouse},
                                {"order_ref", "SO-1"},
                                {"pack_bin_id", f.stg},
                                {"lines", {{{"sku_id", f.milk}, {"lot_id", l1}, {"quantity", 25}}}},
                                {"weight_grams", 23500}},
                               f.key);
  ASSERT_EQ(packed.status, 201) << packed;
  const json parcel = packed.Json();
  const std::string sscc = parcel["sscc"];
  ASSERT_EQ(sscc.size(), 18U);
  EXPECT_EQ(sscc.substr(0, 8), "00614141") << "extension 0 and the demo company prefix";
  EXPECT_TRUE(CheckDigitHolds(sscc)) << sscc;
  EXPECT_EQ(GetJson("/api/v1/gs1/parse?code=(00)" + sscc, f.key)["sscc"], sscc);
  EXPECT_EQ(parcel["state"], "packed");
  EXPECT_TRUE(
      IsFieldError(Post("/api/v1/parcels",
                        {{"warehouse_id", f.warehouse},
                         {"order_ref", "SO-1"},
                         {"pack_bin_id", f.stg},
                         {"lines", {{{"sku_id", f.milk}, {"lot_id", l1}, {"quantity", 1}}}}},
                        f.key),
                   422, "FAILED_PRECONDITION", "lines"))
      << "every picked unit is in the parcel already";
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 25) << "packing moves no stock";

  // Ship: the parcel's stock leaves the warehouse.
  const std::string parcel_path = "/api/v1/parcels/" + Q(Id(parcel));
  const json shipped = Must(parcel_path + "/ship",
                            {{"carrier_id", f.carrier}, {"waybill_no", "SF1234567890"}}, f.key);
  EXPECT_EQ(shipped["state"], "shipped");
  EXPECT_EQ(shipped["carrier_id"], f.carrier);
  EXPECT_EQ(shipped["waybill_no"], "SF1234567890");
  EXPECT_TRUE(shipped["shipped_at"].is_string());
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 0);
  s = Summary(f, f.milk);
  EXPECT_EQ(s["on_hand"], 70) << "65 available and 5 damaged";
  EXPECT_EQ(s["picked"], 0);
  EXPECT_TRUE(IsError(Post(parcel_path + "/ship",
                           {{"carrier_id", f.carrier}, {"waybill_no", "SF1234567890"}}, f.key),
                      422, "FAILED_PRECONDITION"));
  EXPECT_EQ(GetJson("/api/v1/parcels?order_ref=SO-1&state=shipped", f.key)["total"], 1);

  // The ledger tells the story, and the event log has every step.
  std::map<std::string, std::int64_t> by_reason;
  for (const auto& m : Ledger(f)) by_reason[m["reason"]] += m["quantity"].get<std::int64_t>();
  EXPECT_EQ(by_reason["receipt"], 140);
  EXPECT_EQ(by_reason["putaway"], 135);
  EXPECT_EQ(by_reason["pick"], 25);
  EXPECT_EQ(by_reason["ship"], 25);
  for (const char* type :
       {"warehouse.task.created", "warehouse.receipt.recorded", "warehouse.task.closed",
        "procurement.receipt.recorded", "warehouse.parcel.packed", "warehouse.parcel.shipped"}) {
    EXPECT_FALSE(GetJson(std::string("/api/v1/events?type=") + type, f.key)["items"].empty())
        << type;
  }
}

TEST_P(WarehouseFlowApi, ACycleCountRecountsDisagreementsAndAdjustsWithTheReason) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 10, 7);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  Must(r + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-1"}, {"expiry_date", "2027-12-31"}, {"quantity", 10}},
       f.key);
  Must(r + "/receipts", {{"line_no", 2}, {"quantity", 7}}, f.key);
  Must(r + "/close", json::object(), f.key);

  const json count = Must("/api/v1/tasks/count",
                          {{"warehouse_id", f.warehouse}, {"bin_ids", {f.rcv}}}, f.key, 201);
  EXPECT_EQ(count["kind"], "count");
  ASSERT_EQ(count["lines"].size(), 2U);
  const std::string c = "/api/v1/tasks/" + Q(Id(count));
  int milk_line = 0;
  int bottle_line = 0;
  for (const auto& l : count["lines"]) {
    (l["sku_id"] == f.milk ? milk_line : bottle_line) = l["line_no"].get<int>();
    EXPECT_EQ(l["system_qty"], l["sku_id"] == f.milk ? 10 : 7);
  }
  // The terminal's view hides the system quantity.
  const std::string device = NewKey("device", f.key);
  const json device_view =
      GetJson(c, device);  // kept: a range-for over a temporary's member dangles
  for (const auto& l : device_view["lines"]) EXPECT_FALSE(l.contains("system_qty")) << l;

  Must(c + "/counts", {{"line_no", milk_line}, {"counted", 10}}, f.key);
  const json differs = Must(c + "/counts", {{"line_no", bottle_line}, {"counted", 4}}, f.key);
  EXPECT_EQ(differs["state"], "recount");
  EXPECT_TRUE(IsError(Post(c + "/close", json::object(), f.key), 422, "FAILED_PRECONDITION"));
  EXPECT_TRUE(IsFieldError(Post(c + "/recounts", {{"line_no", bottle_line}, {"counted", 5}}, f.key),
                           400, "INVALID_ARGUMENT", "reason"));
  Must(c + "/recounts", {{"line_no", bottle_line}, {"counted", 5}, {"reason", "broken_case"}},
       f.key);
  const json closed = Must(c + "/close", json::object(), f.key);
  EXPECT_EQ(closed["state"], "done");
  EXPECT_EQ(Stock(f, f.rcv, f.bottle), 5);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 10);
  const json moves =
      GetJson("/api/v1/movements?ref_type=task&ref_id=" + Q(Id(count)), f.key)["items"];
  ASSERT_EQ(moves.size(), 1U);
  EXPECT_EQ(moves[0]["reason"], "count_loss");
  EXPECT_EQ(moves[0]["quantity"], 2);
  EXPECT_EQ(moves[0]["note"], "broken_case");
  EXPECT_EQ(moves[0]["from"]["bin_id"], f.rcv);
}

TEST_P(WarehouseFlowApi, StockFoundOffTheCountSheetIsAddedCountedAndAdjusted) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 10, 7);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  Must(r + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-1"}, {"expiry_date", "2027-12-31"}, {"quantity", 10}},
       f.key);
  Must(r + "/receipts", {{"line_no", 2}, {"quantity", 7}}, f.key);
  Must(r + "/close", json::object(), f.key);
  const std::int64_t l1 = LotId(f, f.milk, "L-1");
  const json count = Must("/api/v1/tasks/count",
                          {{"warehouse_id", f.warehouse}, {"bin_ids", {f.rcv}}}, f.key, 201);
  ASSERT_EQ(count["lines"].size(), 2U);
  const std::string c = "/api/v1/tasks/" + Q(Id(count));
  const std::size_t ledger = Ledger(f).size();

  // Refused, naming the field; the task is unchanged.
  const auto found = [&](std::int64_t bin, std::int64_t sku, std::int64_t lot, std::int64_t n) {
    json body = {{"bin_id", bin}, {"sku_id", sku}, {"counted", n}};
    if (lot != 0) body["lot_id"] = lot;
    return body;
  };
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(999999, f.milk, l1, 3), f.key), 400,
                           "INVALID_ARGUMENT", "bin_id"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.stg, f.milk, l1, 3), f.key), 400,
                           "INVALID_ARGUMENT", "bin_id"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a1, 999999, 0, 3), f.key), 400,
                           "INVALID_ARGUMENT", "sku_id"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a1, f.milk, 999999, 3), f.key), 400,
                           "INVALID_ARGUMENT", "lot_id"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a1, f.bottle, l1, 3), f.key), 400,
                           "INVALID_ARGUMENT", "lot_id"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a1, f.milk, l1, 0), f.key), 400,
                           "INVALID_ARGUMENT", "counted"));
  EXPECT_TRUE(IsFieldError(Post(c + "/found", {{"bin_id", f.a1}, {"sku_id", f.milk}}, f.key), 400,
                           "INVALID_ARGUMENT", "counted"));
  const Response dup = Post(c + "/found", found(f.rcv, f.bottle, 0, 7), f.key);
  EXPECT_TRUE(IsFieldError(dup, 409, "ALREADY_EXISTS", "line_no"));
  EXPECT_NE(dup.body.find("line "), std::string::npos) << dup;
  EXPECT_TRUE(IsFieldError(Post(r + "/found", found(f.a1, f.milk, l1, 3), f.key), 422,
                           "FAILED_PRECONDITION", "kind"));
  const json unchanged = GetJson(c, f.key);
  EXPECT_EQ(unchanged["lines"].size(), 2U);
  EXPECT_EQ(unchanged["version"], count["version"]);
  EXPECT_EQ(Ledger(f).size(), ledger);

  // 4 of lot L-1 found in storage bin A-01 (none there on the books), sent twice with its key.
  const std::string key = Unique("found");
  const Response first =
      Post(c + "/found", found(f.a1, f.milk, l1, 4), f.key, {{"Idempotency-Key", key}});
  ASSERT_EQ(first.status, 200) << first;
  const Response again =
      Post(c + "/found", found(f.a1, f.milk, l1, 4), f.key, {{"Idempotency-Key", key}});
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  const json added = GetJson(c, f.key);
  ASSERT_EQ(added["lines"].size(), 3U) << added;
  const json& line = added["lines"][2];
  EXPECT_EQ(line["line_no"], 3);
  EXPECT_EQ(line["bin"], f.a1);
  EXPECT_EQ(line["sku_id"], f.milk);
  EXPECT_EQ(line["lot_id"], l1);
  EXPECT_EQ(line["system_qty"], 0);
  EXPECT_EQ(line["counted_qty"], 4);
  EXPECT_EQ(added["state"], "recount");
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a1, f.milk, l1, 1), f.key), 409,
                           "ALREADY_EXISTS", "line_no"));

  // Then as any line: the sheet counted, the found line recounted with its reason, closed.
  for (const auto& l : count["lines"]) {
    Must(c + "/counts", {{"line_no", l["line_no"]}, {"counted", l["system_qty"]}}, f.key);
  }
  Must(c + "/recounts", {{"line_no", 3}, {"counted", 4}, {"reason", "found_in_bin"}}, f.key);
  const json closed = Must(c + "/close", json::object(), f.key);
  EXPECT_EQ(closed["state"], "done");
  EXPECT_EQ(Stock(f, f.a1, f.milk, "available", l1), 4);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 10);
  const json moves =
      GetJson("/api/v1/movements?ref_type=task&ref_id=" + Q(Id(count)), f.key)["items"];
  ASSERT_EQ(moves.size(), 1U);
  EXPECT_EQ(moves[0]["reason"], "count_gain");
  EXPECT_EQ(moves[0]["quantity"], 4);
  EXPECT_EQ(moves[0]["lot_id"], l1);
  EXPECT_EQ(moves[0]["note"], "found_in_bin");
  EXPECT_EQ(moves[0]["to"]["bin_id"], f.a1);
  EXPECT_TRUE(IsFieldError(Post(c + "/found", found(f.a2, f.bottle, 0, 1), f.key), 422,
                           "FAILED_PRECONDITION", "state"));
}

TEST_P(WarehouseFlowApi, BadInputIsRefusedWithAClearErrorAndChangesNothing) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 50, 10);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  Must(r + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-1"}, {"expiry_date", "2027-12-31"}, {"quantity", 20}},
       f.key);
  Must(r + "/receipts", {{"line_no", 2}, {"quantity", 10}}, f.key);
  const std::int64_t l1 = LotId(f, f.milk, "L-1");
  // Picks take from storage bins: L-1 goes to A-01 first.
  const json stored = Must("/api/v1/tasks/move",
                           {{"warehouse_id", f.warehouse},
                            {"lines",
                             {{{"sku_id", f.milk},
                               {"lot_id", l1},
                               {"from_bin", f.rcv},
                               {"to_bin", f.a1},
                               {"quantity", 20}}}}},
                           f.key, 201);
  Must("/api/v1/tasks/" + Q(Id(stored)) + "/close", {{"complete", true}}, f.key);
  const json reservation = Must(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 6}, {"order_ref", "SO-9"}},
      f.key, 201);
  const json pick = Must("/api/v1/tasks/pick",
                         {{"warehouse_id", f.warehouse},
                          {"staging_bin_id", f.stg},
                          {"reservation_ids", {Id(reservation)}}},
                         f.key, 201);
  const std::string k = "/api/v1/tasks/" + Q(Id(pick));

  const std::size_t ledger = Ledger(f).size();
  const json rcv_before = GetJson(r, f.key);
  const json pick_before = GetJson(k, f.key);
  const json tasks_before = GetJson("/api/v1/tasks", f.key);

  // Unknown bins.
  EXPECT_TRUE(IsFieldError(
      Post("/api/v1/tasks/receive",
           {{"warehouse_id", f.warehouse},
            {"receiving_bin_id", 999999},
            {"asn", {{"ref", "X"}, {"lines", {{{"sku_id", f.milk}, {"quantity", 1}}}}}}},
           f.key),
      400, "INVALID_ARGUMENT", "receiving_bin_id"));
  EXPECT_TRUE(IsFieldError(Post("/api/v1/tasks/move",
                                {{"warehouse_id", f.warehouse},
                                 {"lines",
                                  {{{"sku_id", f.milk},
                                    {"lot_id", l1},
                                    {"from_bin", f.rcv},
                                    {"to_bin", 999999},
                                    {"quantity", 1}}}}},
                                f.key),
                           400, "INVALID_ARGUMENT", "lines"));
  EXPECT_TRUE(IsFieldError(
      Post("/api/v1/tasks/count", {{"warehouse_id", f.warehouse}, {"bin_ids", {999999}}}, f.key),
      400, "INVALID_ARGUMENT", "bin_ids"));
  // Zero and negative quantities.
  for (const std::int64_t q : {0, -5}) {
    EXPECT_TRUE(IsFieldError(Post(r + "/receipts", {{"line_no", 2}, {"quantity", q}}, f.key), 400,
                             "INVALID_ARGUMENT", "quantity"))
        << q;
    EXPECT_TRUE(IsFieldError(Post(k + "/progress", {{"line_no", 1}, {"quantity", q}}, f.key), 400,
                             "INVALID_ARGUMENT", "quantity"))
        << q;
    EXPECT_TRUE(IsFieldError(Event(f, "HT-1", Confirm(Unique("q"), Id(pick), 1, q)), 400,
                             "INVALID_ARGUMENT", "quantity"))
        << q;
  }
  // A lot of another SKU.
  EXPECT_TRUE(IsFieldError(Post("/api/v1/tasks/move",
                                {{"warehouse_id", f.warehouse},
                                 {"lines",
                                  {{{"sku_id", f.bottle},
                                    {"lot_id", l1},
                                    {"from_bin", f.rcv},
                                    {"to_bin", f.a2},
                                    {"quantity", 1}}}}},
                                f.key),
                           400, "INVALID_ARGUMENT", "lines"));
  EXPECT_TRUE(
      IsFieldError(Event(f, "HT-1", Confirm(Unique("w"), Id(pick), 1, 1, MilkLabel("L-OTHER"))),
                   400, "INVALID_ARGUMENT", "barcode"));
  // An expired lot (usable through its expiry date; 2020-01-01 is long gone).
  EXPECT_TRUE(IsFieldError(
      Post(r + "/receipts",
           {{"line_no", 1}, {"lot_number", "OLD"}, {"expiry_date", "2020-01-01"}, {"quantity", 1}},
           f.key),
      422, "FAILED_PRECONDITION", "expiry_date"));
  EXPECT_TRUE(IsFieldError(
      Event(f, "HT-1", Confirm(Unique("e"), Id(rcv), 1, 1, MilkLabel("OLD", "200101"))), 422,
      "FAILED_PRECONDITION", "expiry_date"));
  // Picking more than reserved.
  EXPECT_TRUE(IsFieldError(Post(k + "/progress", {{"line_no", 1}, {"quantity", 7}}, f.key), 422,
                           "FAILED_PRECONDITION", "quantity"));
  EXPECT_TRUE(IsFieldError(Event(f, "HT-1", Confirm(Unique("p"), Id(pick), 1, 7)), 422,
                           "FAILED_PRECONDITION", "quantity"));
  // Malformed GS1 strings.
  for (const std::string code :
       {"(01)0950600013435", "(01)09506000134353", "(17)261340(10)X", "(99)ABC", "]C1"}) {
    EXPECT_TRUE(IsFieldError(Event(f, "HT-1", Confirm(Unique("g"), Id(rcv), 1, 1, code)), 400,
                             "INVALID_ARGUMENT", "barcode"))
        << code;
  }
  EXPECT_TRUE(
      IsFieldError(Get("/api/v1/gs1/parse?code=(01)123", f.key), 400, "INVALID_ARGUMENT", "code"));
  // An unknown bin scanned at the terminal.
  EXPECT_TRUE(IsFieldError(Event(f, "HT-1",
                                 {{"event_key", Unique("l")},
                                  {"type", "scan_location"},
                                  {"task_id", Id(pick)},
                                  {"location", "NO-SUCH-BIN"}}),
                           400, "INVALID_ARGUMENT", "location"));
  // Malformed bodies.
  EXPECT_TRUE(IsFieldError(Post(k + "/progress", {{"line_no", 1}, {"quantity", "3"}}, f.key), 400,
                           "INVALID_ARGUMENT", "quantity"));
  EXPECT_TRUE(IsFieldError(Post(k + "/progress", {{"line", 1}, {"quantity", 3}}, f.key), 400,
                           "INVALID_ARGUMENT", "line"));
  EXPECT_TRUE(IsFieldError(Event(f, "HT-1", {{"event_key", "x"}, {"type", "wave"}}), 400,
                           "INVALID_ARGUMENT", "type"));
  EXPECT_TRUE(
      IsError(Post("/api/v1/tasks/999999/progress", {{"line_no", 1}, {"quantity", 1}}, f.key), 404,
              "NOT_FOUND"));

  // Nothing changed.
  EXPECT_EQ(Ledger(f).size(), ledger);
  EXPECT_EQ(GetJson(r, f.key), rcv_before);
  EXPECT_EQ(GetJson(k, f.key), pick_before);
  EXPECT_EQ(GetJson("/api/v1/tasks", f.key)["total"], tasks_before["total"]);
  EXPECT_EQ(Stock(f, f.a1, f.milk), 20);
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 0);
  EXPECT_EQ(Summary(f, f.milk)["reserved"], 6);
}

TEST_P(WarehouseFlowApi, WhoMayDoWhat) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 5);
  const std::string reader = NewKey("read_only", f.key);
  const std::string device = NewKey("device", f.key);
  const std::string operator_key = NewKey("warehouse_operator", f.key);
  EXPECT_EQ(Get("/api/v1/tasks/" + Q(Id(rcv)), reader).status, 200);
  EXPECT_TRUE(IsError(
      Post("/api/v1/tasks/" + Q(Id(rcv)) + "/receipts",
           {{"line_no", 1}, {"lot_number", "L"}, {"expiry_date", "2027-01-01"}, {"quantity", 1}},
           reader),
      403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Post("/api/v1/tasks/" + Q(Id(rcv)) + "/close", json::object(), device), 403,
                      "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(
      Post("/api/v1/devices/HT-9/events", Confirm("r1", Id(rcv), 1, 1, MilkLabel("L")), reader),
      403, "PERMISSION_DENIED"));
  EXPECT_EQ(
      Post("/api/v1/devices/HT-9/events", Confirm("d1", Id(rcv), 1, 1, MilkLabel("L")), device)
          .status,
      200);
  EXPECT_EQ(Post("/api/v1/tasks/" + Q(Id(rcv)) + "/close", json::object(), operator_key).status,
            200);
  EXPECT_TRUE(IsError(Get("/api/v1/tasks", ""), 401, "UNAUTHENTICATED"));
  // Another tenant sees nothing of it.
  const auto other = NewTenant();
  EXPECT_TRUE(IsError(Get("/api/v1/tasks/" + Q(Id(rcv)), other.admin_key), 404, "NOT_FOUND"));
}

}  // namespace
}  // namespace xb::apitest
