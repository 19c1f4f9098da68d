// The crash check: clients stream reservations and stock adjustments at a server, which is killed
// with SIGKILL in the middle of the stream and started again on the same database. Afterwards
// every acknowledged reservation and adjustment is there, and nothing else: what the store holds
// beyond the acknowledged ones is only requests that were in flight at the kill (sent, never
// answered), each at most once, and a retry of such a request with its Idempotency-Key settles
// it without reserving twice. Stock figures agree with what is stored. SQLite and PostgreSQL.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_support.h"

namespace xb::apitest {
namespace {

std::string Q(std::int64_t n) { return std::to_string(n); }

class CrashApi : public OwnServerTest {};

XB_API_BACKENDS(CrashApi);

// What a client knows of one request it sent.
enum class Outcome { kAcknowledged, kRefused, kUnanswered };
struct Sent {
  bool reservation = true;  // else a count gain of 1
  std::string name;         // order_ref and Idempotency-Key; reason code of an adjustment
  Outcome outcome = Outcome::kUnanswered;
  std::int64_t id = 0;  // reservation or movement id when acknowledged
};

TEST_P(CrashApi, AKilledServerKeepsEveryAcknowledgedWriteAndNothingElse) {
  constexpr int kClients = 16;
  constexpr int kKillAfter = 300;  // acknowledged reservations before the kill
  constexpr std::int64_t kInitial = 5000;
  const std::int64_t warehouse =
      Must("POST", "/api/v1/warehouses", WarehouseBody("WH-CRASH"), 201)["id"];
  const std::int64_t bin =
      Must("POST", "/api/v1/warehouses/" + Q(warehouse) + "/bins", BinBody("A-01"), 201)["id"];
  const std::int64_t sku = Must("POST", "/api/v1/skus", SkuBody("SKU-CRASH"), 201)["id"];
  const auto adjustment = [&](std::int64_t qty, const std::string& reason) {
    return json{{"warehouse_id", warehouse},
                {"bin_id", bin},
                {"sku_id", sku},
                {"quantity", qty},
                {"reason_code", reason}};
  };
  Must("POST", "/api/v1/adjustments", adjustment(kInitial, "initial"), 201);

  // The stream: every fifth request is a count gain, the others reserve one unit.
  std::vector<std::vector<Sent>> sent(kClients);
  const int acked_reservations = StreamUntilKilled(kClients, kKillAfter, [&](int c) {
    auto& mine = sent[static_cast<std::size_t>(c)];
    const std::size_t i = mine.size();
    Sent s;
    s.reservation = i % 5 != 4;
    s.name = "crash-" + std::to_string(c) + "-" + std::to_string(i);
    // Scan events (POST /api/v1/devices/{id}/events) can join this stream here, settled the
    // same way by their event_key.
    const Response r = s.reservation ? Send("POST", "/api/v1/reservations",
                                            {{"warehouse_id", warehouse},
                                             {"sku_id", sku},
                                             {"quantity", 1},
                                             {"order_ref", s.name},
                                             {"hold_seconds", 0}},
                                            {{"Idempotency-Key", s.name}})
                                     : Send("POST", "/api/v1/adjustments", adjustment(1, s.name),
                                            {{"Idempotency-Key", s.name}});
    if (r.status == 201) {
      s.outcome = Outcome::kAcknowledged;
      s.id = r.Json()["id"].get<std::int64_t>();
    } else if (r.status >= 400 && r.status < 500) {
      s.outcome = Outcome::kRefused;
    }
    mine.push_back(s);
    // A transport failure or 5xx: the server is gone (or going); this client stops.
    if (r.status == 0 || r.status >= 500) return std::optional<int>();
    return std::optional<int>(s.reservation && s.outcome == Outcome::kAcknowledged ? 1 : 0);
  });
  ASSERT_GE(acked_reservations, kKillAfter) << "the stream stopped early:\n" << server_->Log();

  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;

  // What the clients know.
  std::map<std::string, Sent> by_name;
  std::int64_t acked_res = 0;
  std::int64_t acked_gain = 0;
  for (const auto& list : sent) {
    for (const auto& s : list) {
      EXPECT_NE(s.outcome, Outcome::kRefused) << s.name << " was refused";
      if (s.outcome == Outcome::kAcknowledged) (s.reservation ? acked_res : acked_gain) += 1;
      by_name[s.name] = s;
    }
  }

  // Every acknowledged reservation is there, active, as answered.
  for (const auto& [name, s] : by_name) {
    if (!s.reservation || s.outcome != Outcome::kAcknowledged) continue;
    const Response r = Send("GET", "/api/v1/reservations/" + Q(s.id), nullptr);
    ASSERT_EQ(r.status, 200) << name << ": " << r;
    EXPECT_EQ(r.Json()["order_ref"], name);
    EXPECT_EQ(r.Json()["state"], "active");
    EXPECT_EQ(r.Json()["quantity"], 1);
  }
  // Nothing else: each stored reservation was sent once; the unacknowledged ones were in flight.
  std::set<std::string> stored_res;
  for (std::int64_t offset = 0;; offset += 500) {
    const json page = Must("GET", "/api/v1/reservations?state=active&limit=500&offset=" + Q(offset),
                           nullptr, 200);
    for (const auto& r : page["items"]) {
      const std::string name = r["order_ref"];
      EXPECT_TRUE(stored_res.insert(name).second) << name << " is stored twice";
      const auto it = by_name.find(name);
      ASSERT_NE(it, by_name.end()) << name << " was never sent";
      if (it->second.outcome == Outcome::kAcknowledged) {
        EXPECT_EQ(r["id"], it->second.id);
      }
    }
    if (offset + 500 >= page["total"].get<std::int64_t>()) break;
  }
  std::int64_t in_flight_stored = 0;
  for (const auto& name : stored_res) {
    if (by_name[name].outcome == Outcome::kUnanswered) ++in_flight_stored;
  }
  EXPECT_EQ(static_cast<std::int64_t>(stored_res.size()), acked_res + in_flight_stored);
  EXPECT_LE(in_flight_stored, kClients);

  // Adjustments the same way, found by their reason code.
  std::int64_t stored_gain = 0;
  std::int64_t after = 0;
  std::set<std::string> gains;
  for (;;) {
    const json page =
        Must("GET", "/api/v1/movements?ref_type=adjustment&limit=500&after_id=" + Q(after), nullptr,
             200);
    for (const auto& m : page["items"]) {
      const std::string name = m["ref_id"];
      if (name == "initial") continue;
      EXPECT_TRUE(gains.insert(name).second) << name << " is posted twice";
      const auto it = by_name.find(name);
      ASSERT_NE(it, by_name.end()) << name << " was never sent";
      ++stored_gain;
    }
    if (page["next_after_id"].is_null()) break;
    after = page["next_after_id"];
  }
  for (const auto& [name, s] : by_name) {
    if (!s.reservation && s.outcome == Outcome::kAcknowledged) {
      EXPECT_TRUE(gains.count(name)) << "acknowledged adjustment " << name << " is lost";
    }
  }
  EXPECT_GE(stored_gain, acked_gain);
  EXPECT_LE(stored_gain, acked_gain + kClients);
  std::cout << "[ crash    ] " << GetParam() << ": " << acked_res << " reservations and "
            << acked_gain << " adjustments acknowledged before the kill; " << in_flight_stored
            << " reservations and " << stored_gain - acked_gain
            << " adjustments stored unanswered (in flight)\n";

  // The rebuilt engine agrees with the store.
  const json sum =
      Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse) + "&sku_id=" + Q(sku),
           nullptr, 200)["items"][0];
  const auto reserved = static_cast<std::int64_t>(stored_res.size());
  EXPECT_EQ(sum["on_hand"], kInitial + stored_gain);
  EXPECT_EQ(sum["reserved"], reserved);
  EXPECT_EQ(sum["available"], kInitial + stored_gain - reserved);

  // A retry of each unanswered reservation settles it: the stored ones answer with their first
  // answer, the others reserve now; none twice.
  std::int64_t retried_new = 0;
  for (const auto& [name, s] : by_name) {
    if (!s.reservation || s.outcome != Outcome::kUnanswered) continue;
    const Response r = Send("POST", "/api/v1/reservations",
                            {{"warehouse_id", warehouse},
                             {"sku_id", sku},
                             {"quantity", 1},
                             {"order_ref", name},
                             {"hold_seconds", 0}},
                            {{"Idempotency-Key", name}});
    if (stored_res.count(name)) {
      EXPECT_EQ(r.status, 200) << name << ": " << r;
    } else {
      EXPECT_EQ(r.status, 201) << name << ": " << r;
      ++retried_new;
    }
  }
  const json after_retry =
      Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse) + "&sku_id=" + Q(sku),
           nullptr, 200)["items"][0];
  EXPECT_EQ(after_retry["reserved"], reserved + retried_new);
  EXPECT_EQ(after_retry["available"], kInitial + stored_gain - reserved - retried_new);

  std::string how;
  EXPECT_TRUE(server_->Stop(&how)) << how << "\n" << server_->Log();
}

}  // namespace
}  // namespace xb::apitest
