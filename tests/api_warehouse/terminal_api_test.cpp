// Scanner terminals over HTTP: the same device event sent three times and out of order among
// others moves stock once, and every copy gets the first answer with Idempotent-Replay; a late
// event on a closed task is refused and keeps that answer; scans answer what a bin holds; a
// batch answers each event as if it came alone. SQLite and PostgreSQL.
#include <thread>

#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class TerminalApi : public WarehouseApi<TerminalApi> {};
XB_API_BACKENDS(TerminalApi);

TEST_P(TerminalApi, TheSameEventThreeTimesAndOutOfOrderMovesStockOnce) {
  const Floor f = NewFloor();
  const json task = AsnTask(f, 100);
  const std::int64_t id = Id(task);
  const std::string device = NewKey("device", f.key);
  const json a = Confirm("evt-a", id, 1, 3, MilkLabel("L-1"));
  const json b = Confirm("evt-b", id, 1, 4, MilkLabel("L-2"));
  const json c = Confirm("evt-c", id, 1, 5, MilkLabel("L-1"));
  std::map<std::string, Response> first;
  for (const json* e : {&a, &a, &c, &b, &a, &c, &b, &b}) {
    const Response r = Post("/api/v1/devices/HT-01/events", *e, device);
    ASSERT_EQ(r.status, 200) << r;
    const std::string key = (*e)["event_key"];
    auto [it, fresh] = first.emplace(key, r);
    if (fresh) {
      EXPECT_FALSE(r.Header("idempotent-replay").has_value()) << key;
      EXPECT_EQ(r.Json()["status"], "applied") << r;
    } else {
      EXPECT_EQ(r.Header("idempotent-replay"), "true") << key;
      EXPECT_EQ(r.body, it->second.body) << "a copy gets the first answer";
    }
  }
  EXPECT_EQ(first.at("evt-a").Json()["task"]["line"]["done_qty"], 3);
  EXPECT_EQ(first.at("evt-b").Json()["task"]["line"]["done_qty"], 12);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 12);
  EXPECT_EQ(Stock(f, f.rcv, f.milk, "available", LotId(f, f.milk, "L-1")), 8);
  const json moves = GetJson("/api/v1/movements?ref_type=task&ref_id=" + Q(id), f.key)["items"];
  ASSERT_EQ(moves.size(), 3U);
  for (const auto& m : moves) EXPECT_EQ(m["device"], "HT-01");
  const json now = GetJson("/api/v1/tasks/" + Q(id), f.key);
  EXPECT_EQ(now["lines"][0]["done_qty"], 12);
  EXPECT_EQ(now["version"], 4) << "one change per applied event";
  // The same key from another device is another event.
  const Response other = Post("/api/v1/devices/HT-02/events", a, device);
  ASSERT_EQ(other.status, 200) << other;
  EXPECT_FALSE(other.Header("idempotent-replay").has_value());
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 15);
  // The same key with another content is refused, and nothing moves.
  json changed = a;
  changed["quantity"] = 30;
  EXPECT_TRUE(IsFieldError(Post("/api/v1/devices/HT-01/events", changed, device), 400,
                           "INVALID_ARGUMENT", "event_key"));
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 15);
}

TEST_P(TerminalApi, CopiesSentAtOnceFromManyConnectionsMoveStockOnce) {
  const Floor f = NewFloor();
  const json task = AsnTask(f, 1000);
  const std::int64_t id = Id(task);
  constexpr int kEvents = 20;
  constexpr int kCopies = 4;
  std::vector<std::thread> threads;
  std::vector<int> statuses(kEvents * kCopies, 0);
  for (int copy = 0; copy < kCopies; ++copy) {
    threads.emplace_back([&, copy] {
      const HttpClient client(server().port());
      for (int i = 0; i < kEvents; ++i) {
        // Each thread sends the events in another order.
        const int n = (i * (copy + 1) * 7) % kEvents;
        const json e =
            Confirm("c-" + std::to_string(n), id, 1, 1, MilkLabel("L-" + std::to_string(n % 3)));
        const Response r = client.Send(
            "POST", "/api/v1/devices/HT-C/events", e.dump(),
            {{"Authorization", "Bearer " + f.key}, {"Content-Type", "application/json"}});
        statuses[static_cast<std::size_t>(copy * kEvents + i)] = r.status;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const int s : statuses) EXPECT_EQ(s, 200);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), kEvents);
  EXPECT_EQ(GetJson("/api/v1/tasks/" + Q(id), f.key)["lines"][0]["done_qty"], kEvents);
}

TEST_P(TerminalApi, ALateEventOnAClosedTaskIsRefusedAndThatStaysItsAnswer) {
  const Floor f = NewFloor();
  const json task = AsnTask(f, 10);
  const std::int64_t id = Id(task);
  ASSERT_EQ(Event(f, "HT-01", Confirm("e1", id, 1, 4, MilkLabel("L-1"))).status, 200);
  Must("/api/v1/tasks/" + Q(id) + "/close", json::object(), f.key);
  // Sent before the close, arriving after it.
  const Response late = Event(f, "HT-01", Confirm("e0", id, 1, 2, MilkLabel("L-1")));
  EXPECT_TRUE(IsFieldError(late, 422, "FAILED_PRECONDITION", "state")) << late;
  EXPECT_EQ(late.Json()["status"], "rejected");
  const Response again = Event(f, "HT-01", Confirm("e0", id, 1, 2, MilkLabel("L-1")));
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(again.Header("idempotent-replay"), "true");
  EXPECT_EQ(again.body, late.body);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 4);
}

TEST_P(TerminalApi, ScansAnswerWhatABinHoldsAndWhichLineTheItemIs) {
  const Floor f = NewFloor();
  const json task = AsnTask(f, 10, 5);
  const std::int64_t id = Id(task);
  ASSERT_EQ(Event(f, "HT-01", Confirm("r1", id, 1, 6, MilkLabel("L-1"))).status, 200);
  Response r = Event(
      f, "HT-01",
      {{"event_key", "s1"}, {"type", "scan_location"}, {"task_id", id}, {"location", "RCV-1"}});
  ASSERT_EQ(r.status, 200) << r;
  json body = r.Json();
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["bin"]["id"], f.rcv);
  ASSERT_EQ(body["bin"]["holds"].size(), 1U);
  EXPECT_EQ(body["bin"]["holds"][0]["on_hand"], 6);
  EXPECT_EQ(body["bin"]["holds"][0]["lot_number"], "L-1");
  EXPECT_EQ(body["bin"]["expected"].size(), 2U);
  // A raw GS1-128 scan: symbology identifier, FNC1 as GS.
  r = Event(f, "HT-01",
            {{"event_key", "s2"},
             {"type", "scan_item"},
             {"task_id", id},
             {"barcode", std::string("]C101") + kBottleGtin + "\x1d" + "3712"}});
  ASSERT_EQ(r.status, 200) << r;
  body = r.Json();
  EXPECT_EQ(body["lines"], json::array({2}));
  EXPECT_EQ(body["scan"]["gtin"], kBottleGtin);
  EXPECT_EQ(body["scan"]["quantity"], 12);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 6) << "scans move nothing";
}

TEST_P(TerminalApi, ATerminalReceivesPutsAwayAndPicksAReservation) {
  const Floor f = NewFloor();
  const std::string device = NewKey("device", f.key);
  const auto event = [&](const json& e) {
    const Response r = Post("/api/v1/devices/HT-7/events", e, device);
    if (r.status != 200) throw UnexpectedResponse("device event refused: " + r.body);
    return r.Json();
  };
  const json rcv = AsnTask(f, 12);
  event(Confirm("r1", Id(rcv), 1, 12, MilkLabel("L-9"), "RCV-1"));
  Must("/api/v1/tasks/" + Q(Id(rcv)) + "/close", json::object(), f.key);
  const json put = Must("/api/v1/tasks/putaway", {{"receive_task_id", Id(rcv)}}, f.key, 201);
  // The operator puts it into A-02 instead of the suggested bin.
  const json put_answer = event(Confirm("p1", Id(put), 1, 12, MilkLabel("L-9"), "A-02"));
  EXPECT_EQ(put_answer["task"]["line"]["to_bin"], f.a2);
  EXPECT_EQ(Stock(f, f.a2, f.milk), 12);

  const json reservation = Must(
      "/api/v1/reservations",
      {{"warehouse_id", f.warehouse}, {"sku_id", f.milk}, {"quantity", 5}, {"order_ref", "SO-T"}},
      f.key, 201);
  const json pick = Must("/api/v1/tasks/pick",
                         {{"warehouse_id", f.warehouse},
                          {"staging_bin_id", f.stg},
                          {"reservation_ids", {Id(reservation)}}},
                         f.key, 201);
  event(Confirm("k1", Id(pick), 1, 3, MilkLabel("L-9"), "A-02"));
  const json last = event(Confirm("k2", Id(pick), 1, 2, MilkLabel("L-9"), "A-02"));
  EXPECT_EQ(last["task"]["line"]["done_qty"], 5);
  EXPECT_EQ(Stock(f, f.stg, f.milk, "picked"), 5);
  EXPECT_EQ(Stock(f, f.a2, f.milk), 7);
  EXPECT_EQ(GetJson("/api/v1/reservations/" + Q(Id(reservation)), f.key)["state"], "consumed");
  const json s = Summary(f, f.milk);
  EXPECT_EQ(s["reserved"], 0);
  EXPECT_EQ(s["available"], 7);
}

TEST_P(TerminalApi, ABatchAnswersEachEventAsIfItCameAlone) {
  const Floor f = NewFloor();
  const json task = AsnTask(f, 100, 10);
  const std::int64_t id = Id(task);
  const std::string bottle = std::string("(01)") + kBottleGtin;
  const json events = json::array({Confirm("b1", id, 1, 5, MilkLabel("L-1")),
                                   Confirm("b2", id, 2, 4, bottle),
                                   Confirm("b1", id, 1, 5, MilkLabel("L-1")),
                                   Confirm("b3", id, 2, 50, bottle),
                                   Confirm("b4", id, 1, 2, "(01)123"),
                                   {{"event_key", "b5"}, {"type", "teleport"}},
                                   Confirm("b6", id, 2, 6, bottle)});
  const std::string path = "/api/v1/devices/HT-B/events/batch";
  const json out = Must(path, {{"events", events}}, f.key);
  ASSERT_EQ(out["results"].size(), events.size());
  const auto& res = out["results"];
  EXPECT_EQ(res[0]["http_status"], 200);
  EXPECT_EQ(res[0]["answer"]["status"], "applied");
  EXPECT_EQ(res[1]["http_status"], 200);
  EXPECT_EQ(res[2]["replayed"], true);
  EXPECT_EQ(res[2]["answer"], res[0]["answer"]);
  EXPECT_EQ(res[3]["http_status"], 200) << "over-receipts are recorded";
  EXPECT_EQ(res[4]["http_status"], 400);
  EXPECT_EQ(res[4]["answer"]["error"]["field"], "barcode");
  EXPECT_EQ(res[5]["http_status"], 400);
  EXPECT_EQ(res[6]["http_status"], 200);
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 5);
  EXPECT_EQ(Stock(f, f.rcv, f.bottle), 60);

  const json again = Must(path, {{"events", events}}, f.key);
  for (const std::size_t i : {0U, 1U, 2U, 3U, 4U, 6U}) {
    EXPECT_EQ(again["results"][i]["replayed"], true) << i;
    EXPECT_EQ(again["results"][i]["answer"], res[i]["answer"]) << i;
  }
  EXPECT_EQ(Stock(f, f.rcv, f.milk), 5);
  EXPECT_EQ(Stock(f, f.rcv, f.bottle), 60);
  EXPECT_TRUE(IsFieldError(Post(path, {{"events", 3}}, f.key), 400, "INVALID_ARGUMENT", "events"));
}

}  // namespace
}  // namespace xb::apitest
