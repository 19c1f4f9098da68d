// The crash check for scanner terminals: devices stream confirm events (one per request, and in
// batches) at a server that is killed with SIGKILL in the middle of the stream and started again
// on the same database. Afterwards every acknowledged event's effect is there exactly once and
// nothing else: what the store holds beyond the acknowledged events is only events that were in
// flight at the kill (sent, never answered), each at most once. Every acknowledged event, sent
// again, gets its first answer; every unanswered one sent again settles without double counting.
// SQLite and PostgreSQL.
#include <atomic>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

class TerminalCrashApi : public OwnServerTest {
 protected:
  std::int64_t OnHand(std::int64_t warehouse, std::int64_t sku) const {
    const json page =
        Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse) + "&sku_id=" + Q(sku),
             nullptr, 200);
    return page["items"].empty() ? 0 : page["items"][0]["on_hand"].get<std::int64_t>();
  }
};

XB_API_BACKENDS(TerminalCrashApi);

// What a device knows of one event it sent.
struct SentEvent {
  json event;
  bool acknowledged = false;
  std::string answer;  // the first answer's body, when acknowledged
};

TEST_P(TerminalCrashApi, AKilledServerKeepsEveryAcknowledgedScanOnceAndNothingElse) {
  constexpr int kDevices = 8;
  constexpr int kBatchSize = 10;
  constexpr int kKillAfter = 400;  // acknowledged events before the kill
  const std::int64_t warehouse =
      Must("POST", "/api/v1/warehouses", WarehouseBody("WH-CRASH"), 201)["id"];
  const std::int64_t rcv = Must("POST", "/api/v1/warehouses/" + Q(warehouse) + "/bins",
                                {{"code", "RCV-1"}, {"kind", "receiving"}}, 201)["id"];
  json sku_body = SkuBody("BOTTLE-CRASH");
  sku_body["gtin"] = kBottleGtin;
  const std::int64_t sku = Must("POST", "/api/v1/skus", sku_body, 201)["id"];
  const std::int64_t task =
      Must("POST", "/api/v1/tasks/receive",
           {{"warehouse_id", warehouse},
            {"receiving_bin_id", rcv},
            {"asn", {{"ref", "ASN-CRASH"}, {"lines", {{{"sku_id", sku}, {"quantity", 1000000}}}}}}},
           201)["id"];
  const std::string label = std::string("(01)") + kBottleGtin;

  // The stream: devices 0..5 send one event per request, devices 6 and 7 batches of ten.
  std::vector<std::vector<SentEvent>> sent(kDevices);
  StreamUntilKilled(kDevices, kKillAfter, [&](int d) {
    const bool batches = d >= 6;
    const std::string device = "HT-" + std::to_string(d);
    auto& mine = sent[static_cast<std::size_t>(d)];
    const std::size_t first = mine.size();
    json events = json::array();
    for (int k = 0; k < (batches ? kBatchSize : 1); ++k) {
      SentEvent s;
      s.event = {{"event_key", device + "-" + std::to_string(mine.size())},
                 {"type", "confirm"},
                 {"task_id", task},
                 {"line_no", 1},
                 {"quantity", 1},
                 {"barcode", label}};
      events.push_back(s.event);
      mine.push_back(std::move(s));
    }
    const std::string path = "/api/v1/devices/" + device + "/events";
    const Response r = batches ? Send("POST", path + "/batch", {{"events", events}})
                               : Send("POST", path, events[0]);
    if (r.status == 0 || r.status >= 500) return std::optional<int>();  // the server is gone
    if (r.status != 200) {
      ADD_FAILURE() << device << " was refused: " << r;
      return std::optional<int>();
    }
    if (!batches) {
      mine[first].acknowledged = true;
      mine[first].answer = r.body;
      return std::optional<int>(1);
    }
    const json results = r.Json()["results"];
    for (std::size_t k = 0; k < results.size(); ++k) {
      mine[first + k].acknowledged = results[k]["http_status"] == 200;
      mine[first + k].answer = results[k]["answer"].dump();
    }
    return std::optional<int>(static_cast<int>(results.size()));
  });

  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;

  std::int64_t acked = 0;
  std::int64_t unanswered = 0;
  for (const auto& list : sent) {
    for (const auto& s : list) (s.acknowledged ? acked : unanswered) += 1;
  }
  ASSERT_GE(acked, kKillAfter) << "the stream stopped early:\n" << server_->Log();
  // Each event receives one unit: stock, the task and the ledger say the same.
  const std::int64_t stored = OnHand(warehouse, sku);
  EXPECT_GE(stored, acked) << "an acknowledged event is lost";
  EXPECT_LE(stored, acked + unanswered) << "something never sent was stored";
  EXPECT_LE(stored - acked, 2 * kBatchSize + kDevices) << "more than the events in flight";
  const json t = Must("GET", "/api/v1/tasks/" + Q(task), nullptr, 200);
  EXPECT_EQ(t["lines"][0]["done_qty"], stored);
  std::int64_t moved = 0;
  for (std::int64_t after = 0;;) {
    const json page = Must(
        "GET",
        "/api/v1/movements?ref_type=task&ref_id=" + Q(task) + "&limit=500&after_id=" + Q(after),
        nullptr, 200);
    for (const auto& m : page["items"]) moved += m["quantity"].get<std::int64_t>();
    if (page["items"].size() < 500) break;
    after = page["items"].back()["id"];
  }
  EXPECT_EQ(moved, stored);

  // Every acknowledged event sent again gets its first answer and moves nothing.
  int checked = 0;
  for (const auto& list : sent) {
    for (const auto& s : list) {
      if (!s.acknowledged || ++checked % 7 != 0) continue;  // a sample of every seventh
      const std::string device = s.event["event_key"].get<std::string>().substr(0, 4);
      const Response r = Send("POST", "/api/v1/devices/" + device + "/events", s.event);
      ASSERT_EQ(r.status, 200) << r;
      EXPECT_EQ(r.Header("idempotent-replay"), "true") << s.event;
      EXPECT_EQ(json::parse(r.body), json::parse(s.answer)) << s.event;
    }
  }
  EXPECT_EQ(OnHand(warehouse, sku), stored);

  // The unanswered ones sent again settle: stored ones replay, the others apply now; each once.
  std::int64_t replayed = 0;
  for (const auto& list : sent) {
    for (const auto& s : list) {
      if (s.acknowledged) continue;
      const std::string device = s.event["event_key"].get<std::string>().substr(0, 4);
      const Response r = Send("POST", "/api/v1/devices/" + device + "/events", s.event);
      ASSERT_EQ(r.status, 200) << r;
      if (r.Header("idempotent-replay") == "true") ++replayed;
    }
  }
  EXPECT_EQ(replayed, stored - acked);
  EXPECT_EQ(OnHand(warehouse, sku), acked + unanswered);
  std::cout << "[ crash    ] " << GetParam() << ": " << acked
            << " scan events acknowledged before the kill, " << stored - acked
            << " stored unanswered (in flight), " << unanswered << " unanswered in all\n";

  std::string how;
  EXPECT_TRUE(server_->Stop(&how)) << how << "\n" << server_->Log();
}

}  // namespace
}  // namespace xb::apitest
