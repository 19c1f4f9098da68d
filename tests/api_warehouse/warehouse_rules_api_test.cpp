// Rules of the warehouse floor over HTTP, each found missing once: a cycle count compares each
// count with the books as it is counted (movements in the bin meanwhile are no gain or loss);
// task creates and steps honour Idempotency-Key (a retry applies once and gets the first answer);
// short-dated goods are not received as good; a quarantine bin holds what enters it and picks
// never take from it; putaway splits what no single bin takes, counts open tasks as occupying
// their bins and checks an overriding bin. SQLite and PostgreSQL.
#include <chrono>
#include <cstdio>

#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class WarehouseRulesApi : public WarehouseApi<WarehouseRulesApi> {};
XB_API_BACKENDS(WarehouseRulesApi);

// Today (UTC) plus `days`, as the server counts days.
std::string DaysFromToday(int days) {
  using namespace std::chrono;
  const year_month_day d{floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

json LineOf(const json& task, int line_no) {
  for (const auto& l : task["lines"]) {
    if (l["line_no"] == line_no) return l;
  }
  throw UnexpectedResponse("no line " + std::to_string(line_no) + " in " + task.dump());
}

TEST_P(WarehouseRulesApi, MovementsDuringACycleCountAreNotPostedAgainAsALoss) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 105);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  Must(r + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-C"}, {"expiry_date", "2027-12-31"}, {"quantity", 105}},
       f.key);
  const std::int64_t lot = LotId(f, f.milk, "L-C");
  const auto move_out = [&](std::int64_t qty) {
    const json move = Must("/api/v1/tasks/move",
                           {{"warehouse_id", f.warehouse},
                            {"lines",
                             {{{"sku_id", f.milk},
                               {"lot_id", lot},
                               {"from_bin", f.rcv},
                               {"to_bin", f.a2},
                               {"quantity", qty}}}}},
                           f.key, 201);
    Must("/api/v1/tasks/" + Q(Id(move)) + "/close", {{"complete", true}}, f.key);
  };

  // The count task freezes 105 on the books; 5 leave the bin before it is counted.
  const json count = Must("/api/v1/tasks/count",
                          {{"warehouse_id", f.warehouse}, {"bin_ids", {f.rcv}}}, f.key, 201);
  ASSERT_EQ(count["lines"].size(), 1U);
  EXPECT_EQ(count["lines"][0]["system_qty"], 105);
  const std::string c = "/api/v1/tasks/" + Q(Id(count));
  move_out(5);
  // The true 100 agrees with the books as counted: no recount is asked, none is taken.
  const json counted = Must(c + "/counts", {{"line_no", 1}, {"counted", 100}}, f.key);
  EXPECT_EQ(counted["state"], "in_progress");
  EXPECT_EQ(counted["lines"][0]["system_qty"], 100);
  EXPECT_TRUE(
      IsError(Post(c + "/recounts", {{"line_no", 1}, {"counted", 100}, {"reason", "check"}}, f.key),
              422, "FAILED_PRECONDITION"));
  move_out(3);  // after the count: real, and not the count's business
  const json closed = Must(c + "/close", json::object(), f.key);
  EXPECT_EQ(closed["state"], "done");
  EXPECT_TRUE(
      GetJson("/api/v1/movements?ref_type=task&ref_id=" + Q(Id(count)), f.key)["items"].empty())
      << "no count_gain or count_loss";
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 97);
  EXPECT_EQ(Summary(f, f.milk)["on_hand"], 105);
}

TEST_P(WarehouseRulesApi, RetriedTaskWritesWithTheirKeyApplyOnceAndGetTheFirstAnswer) {
  const Floor f = NewFloor();
  const json rcv = AsnTask(f, 40, 10);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  const json receipt = {
      {"line_no", 1}, {"lot_number", "L-K"}, {"expiry_date", "2027-12-31"}, {"quantity", 30}};
  const Headers key1 = {{"Idempotency-Key", Unique("rcpt")}};
  const Response first = Post(r + "/receipts", receipt, f.key, key1);
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_FALSE(first.Header("idempotent-replayed").has_value());
  const Response again = Post(r + "/receipts", receipt, f.key, key1);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json()["lines"][0]["done_qty"], 30);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 30) << "received once";
  // The same key with another body is refused and changes nothing.
  json other = receipt;
  other["quantity"] = 10;
  EXPECT_TRUE(IsError(Post(r + "/receipts", other, f.key, key1), 400, "INVALID_ARGUMENT"));
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 30);
  // Without a key, a second receipt is a second receipt.
  Must(r + "/receipts", other, f.key);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 40);

  // Creating a count task twice with one key makes one task.
  const json count_body = {{"warehouse_id", f.warehouse}, {"bin_ids", {f.rcv}}};
  const Headers key2 = {{"Idempotency-Key", Unique("count")}};
  const Response c1 = Post("/api/v1/tasks/count", count_body, f.key, key2);
  ASSERT_EQ(c1.status, 201) << c1;
  const Response c2 = Post("/api/v1/tasks/count", count_body, f.key, key2);
  ASSERT_EQ(c2.status, 201) << c2;
  EXPECT_EQ(c2.Header("idempotent-replayed"), "true");
  EXPECT_EQ(Id(c2.Json()), Id(c1.Json()));
  EXPECT_EQ(c2.Header("location"), c1.Header("location"));
  EXPECT_EQ(GetJson("/api/v1/tasks?kind=count", f.key)["total"], 1);
  // Its steps: a count and a close sent twice each.
  const std::string c = "/api/v1/tasks/" + Q(Id(c1.Json()));
  const Headers key3 = {{"Idempotency-Key", Unique("counted")}};
  for (int i = 0; i < 2; ++i) {
    const Response counted = Post(c + "/counts", {{"line_no", 1}, {"counted", 40}}, f.key, key3);
    ASSERT_EQ(counted.status, 200) << counted;
  }
  const Headers key4 = {{"Idempotency-Key", Unique("close")}};
  for (int i = 0; i < 2; ++i) {
    const Response closed = Post(c + "/close", json::object(), f.key, key4);
    ASSERT_EQ(closed.status, 200) << closed;
    EXPECT_EQ(closed.Json()["state"], "done");
    EXPECT_EQ(closed.Header("idempotent-replayed").has_value(), i > 0);
  }

  // Close the receipt, put away, pick, pack and ship, each sent twice with its key.
  const auto twice = [&](const std::string& target, const json& body, int status) {
    const Headers key = {{"Idempotency-Key", Unique("k")}};
    const Response a = Post(target, body, f.key, key);
    EXPECT_EQ(a.status, status) << target << ": " << a;
    const Response b = Post(target, body, f.key, key);
    EXPECT_EQ(b.status, status) << target << ": " << b;
    EXPECT_EQ(b.Header("idempotent-replayed"), "true") << target;
    EXPECT_EQ(Id(b.Json()), Id(a.Json())) << target;
    return a.Json();
  };
  twice(r + "/close", json::object(), 200);
  const json put = twice("/api/v1/tasks/putaway", {{"receive_task_id", Id(rcv)}}, 201);
  EXPECT_EQ(GetJson("/api/v1/tasks?kind=putaway", f.key)["total"], 1);
  const std::string p = "/api/v1/tasks/" + Q(Id(put));
  twice(p + "/progress", {{"line_no", 1}, {"quantity", 4}}, 200);
  EXPECT_EQ(LineOf(GetJson(p, f.key), 1)["done_qty"], 4);
  twice(p + "/close", {{"complete", true}}, 200);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 0);
  const json reservation = Must(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 6}, {"order_ref", "SO-K"}},
      f.key, 201);
  const json pick = twice("/api/v1/tasks/pick",
                          {{"warehouse_id", f.warehouse},
                           {"staging_bin_id", f.stg},
                           {"reservation_ids", {Id(reservation)}}},
                          201);
  EXPECT_EQ(GetJson("/api/v1/tasks?kind=pick", f.key)["total"], 1);
  twice("/api/v1/tasks/" + Q(Id(pick)) + "/close", {{"complete", true}}, 200);
  const std::int64_t lot = LotId(f, f.milk, "L-K");
  const json parcel = twice("/api/v1/parcels",
                            {{"warehouse_id", f.warehouse},
                             {"order_ref", "SO-K"},
                             {"pack_bin_id", f.stg},
                             {"lines", {{{"sku_id", f.milk}, {"lot_id", lot}, {"quantity", 6}}}}},
                            201);
  EXPECT_EQ(GetJson("/api/v1/parcels?order_ref=SO-K", f.key)["total"], 1);
  twice("/api/v1/parcels/" + Q(Id(parcel)) + "/ship",
        {{"carrier_id", f.carrier}, {"waybill_no", "SF-K"}}, 200);
  std::int64_t shipped = 0;
  for (const auto& m : Ledger(f)) {
    if (m["reason"] == "ship") shipped += m["quantity"].get<std::int64_t>();
  }
  EXPECT_EQ(shipped, 6);
  EXPECT_EQ(GetJson("/api/v1/events?type=warehouse.parcel.shipped", f.key)["items"].size(), 1U);
}

TEST_P(WarehouseRulesApi, ShortDatedGoodsAreNotReceivedAsGood) {
  const Floor f = NewFloor();
  json channel = ChannelBody(Unique("JD"));
  channel["min_remaining_shelf_life_days"] = 90;
  const std::string code = channel["code"];
  this->Create("/api/v1/channels", channel, f.key);
  const json rcv = AsnTask(f, 20);
  const std::string r = "/api/v1/tasks/" + Q(Id(rcv));
  const std::string short_expiry = DaysFromToday(30);
  const Response refused = Post(
      r + "/receipts",
      {{"line_no", 1}, {"lot_number", "L-SHORT"}, {"expiry_date", short_expiry}, {"quantity", 10}},
      f.key);
  ASSERT_TRUE(IsFieldError(refused, 422, "FAILED_PRECONDITION", "expiry_date")) << refused;
  const std::string message = refused.Json()["error"]["message"];
  EXPECT_NE(message.find("lot L-SHORT expires on " + short_expiry + ", 30 days from today"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("90 days (sales channel " + code), std::string::npos) << message;
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 0);
  EXPECT_TRUE(GetJson("/api/v1/lots?lot_number=L-SHORT", f.key)["items"].empty());
  // Enough shelf life: received; short-dated goods can still be recorded as damaged.
  Must(r + "/receipts",
       {{"line_no", 1},
        {"lot_number", "L-LONG"},
        {"expiry_date", DaysFromToday(120)},
        {"quantity", 10}},
       f.key);
  Must(r + "/receipts",
       {{"line_no", 1},
        {"lot_number", "L-SHORT"},
        {"expiry_date", short_expiry},
        {"quantity", 10},
        {"condition", "damaged"},
        {"reason", "short dated"}},
       f.key);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 10);
  EXPECT_EQ(Stock(f, f.rcv, f.milk, "damaged"), 10);
}

TEST_P(WarehouseRulesApi, AQuarantineBinHoldsWhatEntersItAndPicksNeverTakeFromIt) {
  const Floor f = NewFloor();
  const std::int64_t qua = Id(Create("/api/v1/warehouses/" + Q(f.warehouse) + "/bins",
                                     {{"code", "QUA-01"}, {"kind", "quarantine"}}, f.key));
  const json rcv = AsnTask(f, 20);
  Must("/api/v1/tasks/" + Q(Id(rcv)) + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-Q"}, {"expiry_date", "2027-12-31"}, {"quantity", 20}},
       f.key);
  const std::int64_t lot = LotId(f, f.milk, "L-Q");
  const auto move = [&](std::int64_t from, std::int64_t to, std::int64_t qty) {
    return Post("/api/v1/tasks/move",
                {{"warehouse_id", f.warehouse},
                 {"lines",
                  {{{"sku_id", f.milk},
                    {"lot_id", lot},
                    {"from_bin", from},
                    {"to_bin", to},
                    {"quantity", qty}}}}},
                f.key);
  };
  const Response to_a1 = move(f.rcv, f.a1, 15);
  ASSERT_EQ(to_a1.status, 201) << to_a1;
  Must("/api/v1/tasks/" + Q(Id(to_a1.Json())) + "/close", {{"complete", true}}, f.key);
  const Response to_qua = move(f.a1, qua, 5);
  ASSERT_EQ(to_qua.status, 201) << to_qua;
  Must("/api/v1/tasks/" + Q(Id(to_qua.Json())) + "/close", {{"complete", true}}, f.key);
  EXPECT_EQ(Stock(f, qua, f.milk, "quarantine"), 5);
  EXPECT_EQ(Stock(f, qua, f.milk), 0) << "nothing available in a quarantine bin";
  const json s = Summary(f, f.milk);
  EXPECT_EQ(s["available"], 15) << "10 in A-01 and 5 in the receiving bin";
  // Out of it only by a release; a move finds nothing available there.
  EXPECT_TRUE(IsFieldError(move(qua, f.a1, 1), 422, "FAILED_PRECONDITION", "lines"));

  // 15 are reservable, but only 10 are in storage bins: a pick of 12 is refused, one of 10 takes
  // A-01 only.
  const json r12 = Must(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 12}, {"order_ref", "SO-Q"}},
      f.key, 201);
  const Response refused = Post(
      "/api/v1/tasks/pick",
      {{"warehouse_id", f.warehouse}, {"staging_bin_id", f.stg}, {"reservation_ids", {Id(r12)}}},
      f.key);
  EXPECT_TRUE(IsFieldError(refused, 422, "FAILED_PRECONDITION", "reservation_ids")) << refused;
  Must("/api/v1/reservations/" + Q(Id(r12)) + "/release", json::object(), f.key);
  const json r10 = Must(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 10}, {"order_ref", "SO-R"}},
      f.key, 201);
  const json pick = Must(
      "/api/v1/tasks/pick",
      {{"warehouse_id", f.warehouse}, {"staging_bin_id", f.stg}, {"reservation_ids", {Id(r10)}}},
      f.key, 201);
  ASSERT_EQ(pick["lines"].size(), 1U);
  EXPECT_EQ(pick["lines"][0]["from_bin"], f.a1);
  Must("/api/v1/tasks/" + Q(Id(pick)) + "/close", {{"complete", true}}, f.key);
  EXPECT_EQ(Stock(f, qua, f.milk, "quarantine"), 5);
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 10);
}

TEST_P(WarehouseRulesApi, PutawaySplitsOverBinsWithinCapacityAndChecksAnOverridingBin) {
  const Floor f = NewFloor();
  for (const auto& [bin, capacity] : {std::pair{f.a1, 40}, std::pair{f.a2, 30}}) {
    const Response patched = Patch("/api/v1/bins/" + Q(bin), {{"capacity_units", capacity}}, f.key);
    ASSERT_EQ(patched.status, 200) << patched;
  }
  const json rcv = AsnTask(f, 100);
  Must("/api/v1/tasks/" + Q(Id(rcv)) + "/receipts",
       {{"line_no", 1}, {"lot_number", "L-S"}, {"expiry_date", "2027-12-31"}, {"quantity", 90}},
       f.key);
  // 90 units, room for 70: refused, saying how many fit; no task is made.
  const Response too_much = Post("/api/v1/tasks/putaway", {{"receive_task_id", Id(rcv)}}, f.key);
  EXPECT_TRUE(IsFieldError(too_much, 422, "FAILED_PRECONDITION", "receive_task_id")) << too_much;
  EXPECT_NE(too_much.body.find("room for 70 units"), std::string::npos) << too_much;
  EXPECT_EQ(GetJson("/api/v1/tasks?kind=putaway", f.key)["total"], 0);

  // With a third bin of 50: A-01 (the category's zone) 40, then the most free room, B-01 50.
  const std::int64_t b1 =
      Id(Create("/api/v1/warehouses/" + Q(f.warehouse) + "/bins",
                {{"code", "B-01"}, {"kind", "pick"}, {"capacity_units", 50}}, f.key));
  const json put = Must("/api/v1/tasks/putaway", {{"receive_task_id", Id(rcv)}}, f.key, 201);
  ASSERT_EQ(put["lines"].size(), 2U) << put;
  EXPECT_EQ(LineOf(put, 1)["to_bin"], f.a1);
  EXPECT_EQ(LineOf(put, 1)["expected_qty"], 40);
  EXPECT_EQ(LineOf(put, 2)["to_bin"], b1);
  EXPECT_EQ(LineOf(put, 2)["expected_qty"], 50);
  const std::string p = "/api/v1/tasks/" + Q(Id(put));

  // Overrides: never a shipping bin, another warehouse's bin, or beyond a bin's capacity (A-02
  // holds nothing and expects nothing: room for 30, not 31). Nothing changes.
  const std::int64_t other = Id(Create("/api/v1/warehouses", WarehouseBody(Unique("WH")), f.key));
  const std::int64_t far = Id(Create("/api/v1/warehouses/" + Q(other) + "/bins",
                                     {{"code", "F-01"}, {"kind", "storage"}}, f.key));
  const auto step = [&](std::int64_t qty, std::int64_t to_bin) {
    return Post(p + "/progress", {{"line_no", 2}, {"quantity", qty}, {"to_bin", to_bin}}, f.key);
  };
  EXPECT_TRUE(IsFieldError(step(5, f.stg), 400, "INVALID_ARGUMENT", "to_bin"));
  EXPECT_TRUE(IsFieldError(step(5, far), 400, "INVALID_ARGUMENT", "to_bin"));
  const Response full = step(31, f.a2);
  EXPECT_TRUE(IsFieldError(full, 422, "FAILED_PRECONDITION", "to_bin")) << full;
  EXPECT_NE(full.body.find("room for 30"), std::string::npos) << full;
  const json unchanged = GetJson(p, f.key);
  EXPECT_EQ(unchanged["version"], put["version"]);
  EXPECT_EQ(LineOf(unchanged, 2)["done_qty"], 0);
  EXPECT_EQ(Stock(f, f.a2, f.milk), 0);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 90);

  // 30 fit A-02; the rest of the line goes to B-01 as planned.
  const Response fits = step(30, f.a2);
  ASSERT_EQ(fits.status, 200) << fits;
  EXPECT_EQ(LineOf(fits.Json(), 2)["to_bin"], f.a2);
  Must(p + "/progress", {{"line_no", 2}, {"quantity", 20}, {"to_bin", b1}}, f.key);
  Must(p + "/progress", {{"line_no", 1}, {"quantity", 40}}, f.key);
  EXPECT_EQ(Must(p + "/close", json::object(), f.key)["state"], "done");
  EXPECT_EQ(Stock(f, f.a1, f.milk), 40);
  EXPECT_EQ(Stock(f, f.a2, f.milk), 30);
  EXPECT_EQ(Stock(f, b1, f.milk), 20);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 0);
}

}  // namespace
}  // namespace xb::apitest
