// The crash check of both write streams at once: client threads post reservations (each with an
// Idempotency-Key) while scanner terminals post receipt scans against a receive task (one event
// per request, and in batches), all to one server, which is killed with SIGKILL once enough of
// both kinds are acknowledged and started again on the same database. Afterwards:
// - every acknowledged reservation is there with its quantity, and the stock's reserved and
//   available figures are exactly the sum of the stored reservations, which are the acknowledged
//   ones plus at most the ones in flight at the kill; sending any of them again with its key
//   answers the same reservation and reserves nothing more;
// - every acknowledged scan has its movement in the ledger exactly once (each scan carries a lot
//   of its own, so the movement names its event), on hand is exactly the sum of the applied scans,
//   and sending any acknowledged event again replays its first answer and moves nothing;
// - nothing else: no reservation and no movement without a request behind it;
// - every request whose answer was lost, sent again, settles and applies at most once.
// SQLite and PostgreSQL.
#include <atomic>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "warehouse_api_support.h"

namespace xb::apitest {
namespace {

// The clients: 0..3 reserve, 4..6 are terminals sending one event per request, 7..8 terminals
// sending batches of kBatchSize.
constexpr int kReservationClients = 4;
constexpr int kSingleDevices = 3;
constexpr int kBatchDevices = 2;
constexpr int kClients = kReservationClients + kSingleDevices + kBatchDevices;
constexpr int kBatchSize = 10;
// The kill comes once this many of each kind are acknowledged.
constexpr int kKillAfterReservations = 150;
constexpr int kKillAfterScans = 150;
constexpr std::int64_t kInitial = 100000;  // on hand of the reserved SKU

enum class Outcome { kAcknowledged, kRefused, kUnanswered };

// What a client knows of one reservation it sent.
struct SentReservation {
  std::string key;  // Idempotency-Key and order_ref
  std::int64_t quantity = 0;
  Outcome outcome = Outcome::kUnanswered;
  std::int64_t id = 0;  // when acknowledged
};

// What a terminal knows of one event it sent.
struct SentEvent {
  std::string device;
  json event;
  std::string lot;  // the lot number its label carries, its own
  Outcome outcome = Outcome::kUnanswered;
  json answer;  // the first answer, when acknowledged
};

class MixedCrashApi : public OwnServerTest {
 protected:
  json Summary(std::int64_t warehouse, std::int64_t sku) const {
    const json page =
        Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse) + "&sku_id=" + Q(sku),
             nullptr, 200);
    if (page["items"].size() != 1) throw UnexpectedResponse("no summary row: " + page.dump());
    return page["items"][0];
  }

  // The active reservations of `sku`, by order_ref; a failure for any order_ref stored twice.
  std::map<std::string, json> ActiveReservations(std::int64_t sku) const {
    std::map<std::string, json> out;
    for (std::int64_t offset = 0;; offset += 500) {
      const json page = Must(
          "GET",
          "/api/v1/reservations?state=active&sku_id=" + Q(sku) + "&limit=500&offset=" + Q(offset),
          nullptr, 200);
      for (const auto& r : page["items"]) {
        const std::string ref = r["order_ref"];
        EXPECT_TRUE(out.emplace(ref, r).second) << "reservation " << ref << " is stored twice";
      }
      if (offset + 500 >= page["total"].get<std::int64_t>()) break;
    }
    return out;
  }

  // Every movement of the tenant, oldest first.
  std::vector<json> Ledger() const {
    std::vector<json> out;
    for (std::int64_t after = 0;;) {
      const json page =
          Must("GET", "/api/v1/movements?limit=500&after_id=" + Q(after), nullptr, 200);
      for (const auto& m : page["items"]) out.push_back(m);
      if (page["next_after_id"].is_null()) break;
      after = page["next_after_id"];
    }
    return out;
  }

  // Lot id -> lot number of every lot of `sku`.
  std::map<std::int64_t, std::string> Lots(std::int64_t sku) const {
    std::map<std::int64_t, std::string> out;
    for (std::int64_t offset = 0;; offset += 500) {
      const json page = Must(
          "GET", "/api/v1/lots?sku_id=" + Q(sku) + "&limit=500&offset=" + Q(offset), nullptr, 200);
      for (const auto& l : page["items"]) out[l["id"].get<std::int64_t>()] = l["lot_number"];
      if (offset + 500 >= page["total"].get<std::int64_t>()) break;
    }
    return out;
  }
};

XB_API_BACKENDS(MixedCrashApi);

TEST_P(MixedCrashApi, AKilledServerKeepsEveryAcknowledgedReservationAndScanOnceAndNothingElse) {
  const std::int64_t warehouse =
      Must("POST", "/api/v1/warehouses", WarehouseBody("WH-MIX"), 201)["id"];
  const std::string bins = "/api/v1/warehouses/" + Q(warehouse) + "/bins";
  const std::int64_t bin = Must("POST", bins, BinBody("A-01"), 201)["id"];
  const std::int64_t rcv =
      Must("POST", bins, {{"code", "RCV-1"}, {"kind", "receiving"}}, 201)["id"];
  const std::int64_t sku = Must("POST", "/api/v1/skus", SkuBody("SKU-MIX"), 201)["id"];
  json milk_body = SkuBody("MILK-MIX");
  milk_body["gtin"] = kMilkGtin;
  milk_body["category"] = "maternal_infant";
  milk_body["shelf_life_days"] = 540;
  const std::int64_t milk = Must("POST", "/api/v1/skus", milk_body, 201)["id"];
  const std::int64_t initial = Must("POST", "/api/v1/adjustments",
                                    {{"warehouse_id", warehouse},
                                     {"bin_id", bin},
                                     {"sku_id", sku},
                                     {"quantity", kInitial},
                                     {"reason_code", "initial"}},
                                    201)["id"];
  const std::int64_t task =
      Must("POST", "/api/v1/tasks/receive",
           {{"warehouse_id", warehouse},
            {"receiving_bin_id", rcv},
            {"asn", {{"ref", "ASN-MIX"}, {"lines", {{{"sku_id", milk}, {"quantity", 1000000}}}}}}},
           201)["id"];
  const auto reservation_body = [&](const SentReservation& s) {
    return json{{"warehouse_id", warehouse},
                {"sku_id", sku},
                {"quantity", s.quantity},
                {"order_ref", s.key},
                {"hold_seconds", 0}};
  };
  const auto send_event = [&](const SentEvent& s) {
    return Send("POST", "/api/v1/devices/" + s.device + "/events", s.event);
  };

  // --- the stream -----------------------------------------------------------------------------
  std::vector<std::vector<SentReservation>> reservations(kReservationClients);
  std::vector<std::vector<SentEvent>> events(kSingleDevices + kBatchDevices);
  std::atomic<int> acked_reservations{0};
  std::atomic<int> acked_scans{0};
  const auto reserve_step = [&](int c) {
    auto& mine = reservations[static_cast<std::size_t>(c)];
    SentReservation s;
    s.key = "res-" + std::to_string(c) + "-" + std::to_string(mine.size());
    s.quantity = static_cast<std::int64_t>(mine.size() % 3) + 1;
    const Response r =
        Send("POST", "/api/v1/reservations", reservation_body(s), {{"Idempotency-Key", s.key}});
    if (r.status == 201) {
      s.outcome = Outcome::kAcknowledged;
      s.id = r.Json()["id"].get<std::int64_t>();
      acked_reservations.fetch_add(1);
    } else if (r.status != 0 && r.status < 500) {
      s.outcome = Outcome::kRefused;
      ADD_FAILURE() << s.key << " was refused: " << r;
    }
    mine.push_back(s);
    // A transport failure or 5xx: the server is gone (or going); this client stops.
    return r.status == 201;
  };
  const auto scan_step = [&](int d) {
    const bool batches = d >= kSingleDevices;
    auto& mine = events[static_cast<std::size_t>(d)];
    const std::size_t first = mine.size();
    json batch = json::array();
    for (int k = 0; k < (batches ? kBatchSize : 1); ++k) {
      const std::size_t n = mine.size();
      SentEvent s;
      s.device = "HT-" + std::to_string(d);
      s.lot = "M" + std::to_string(d) + "X" + std::to_string(n);
      s.event = {{"event_key", s.device + "-" + std::to_string(n)},
                 {"type", "confirm"},
                 {"task_id", task},
                 {"line_no", 1},
                 {"quantity", static_cast<std::int64_t>(n % 2) + 1},
                 {"barcode", MilkLabel(s.lot)},
                 {"device_time", "2026-11-25T08:30:00Z"}};
      batch.push_back(s.event);
      mine.push_back(std::move(s));
    }
    const std::string path = "/api/v1/devices/" + mine[first].device + "/events";
    const Response r =
        batches ? Send("POST", path + "/batch", {{"events", batch}}) : Send("POST", path, batch[0]);
    if (r.status == 0 || r.status >= 500) return false;  // the server is gone
    if (r.status != 200) {
      for (std::size_t i = first; i < mine.size(); ++i) mine[i].outcome = Outcome::kRefused;
      ADD_FAILURE() << mine[first].device << " was refused: " << r;
      return false;
    }
    const json results =
        batches ? r.Json()["results"] : json::array({{{"http_status", 200}, {"answer", r.Json()}}});
    if (results.size() != mine.size() - first) {
      ADD_FAILURE() << "expected " << mine.size() - first << " results: " << r;
      return false;
    }
    for (std::size_t k = 0; k < results.size(); ++k) {
      SentEvent& s = mine[first + k];
      if (results[k]["http_status"] == 200 && results[k]["answer"]["status"] == "applied") {
        s.outcome = Outcome::kAcknowledged;
        s.answer = results[k]["answer"];
        acked_scans.fetch_add(1);
      } else {
        s.outcome = Outcome::kRefused;
        ADD_FAILURE() << s.event << " was refused: " << results[k];
      }
    }
    return true;
  };
  StreamUntilKilledWhen(
      kClients,
      [&] {
        return acked_reservations.load() >= kKillAfterReservations &&
               acked_scans.load() >= kKillAfterScans;
      },
      [&](int c) {
        return c < kReservationClients ? reserve_step(c) : scan_step(c - kReservationClients);
      });
  ASSERT_GE(acked_reservations.load(), kKillAfterReservations) << "the stream stopped early:\n"
                                                               << server_->Log();
  ASSERT_GE(acked_scans.load(), kKillAfterScans) << "the stream stopped early:\n" << server_->Log();

  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;

  // --- reservations -------------------------------------------------------------------------
  std::map<std::string, const SentReservation*> res_by_key;
  for (const auto& list : reservations) {
    for (const auto& s : list) res_by_key[s.key] = &s;
  }
  // Every acknowledged reservation is there, active, as answered.
  for (const auto& [key, s] : res_by_key) {
    if (s->outcome != Outcome::kAcknowledged) continue;
    const Response r = Send("GET", "/api/v1/reservations/" + Q(s->id), nullptr);
    ASSERT_EQ(r.status, 200) << "acknowledged reservation " << key << " is lost: " << r;
    EXPECT_EQ(r.Json()["order_ref"], key);
    EXPECT_EQ(r.Json()["state"], "active") << key;
    EXPECT_EQ(r.Json()["quantity"], s->quantity) << key;
    EXPECT_EQ(r.Json()["sku_id"], sku) << key;
  }
  // Nothing else: each stored reservation was sent, as sent; beyond the acknowledged ones only
  // those in flight at the kill (at most one per client).
  const std::map<std::string, json> stored_res = ActiveReservations(sku);
  std::int64_t reserved = 0;
  std::int64_t acked_res = 0;
  std::int64_t stored_in_flight = 0;
  for (const auto& [key, r] : stored_res) {
    const auto it = res_by_key.find(key);
    ASSERT_NE(it, res_by_key.end()) << "reservation " << key << " was never sent";
    const SentReservation& s = *it->second;
    EXPECT_EQ(r["quantity"], s.quantity) << key;
    if (s.outcome == Outcome::kAcknowledged) {
      EXPECT_EQ(r["id"], s.id) << key;
    } else {
      ++stored_in_flight;
    }
    reserved += s.quantity;
  }
  for (const auto& [key, s] : res_by_key) {
    if (s->outcome == Outcome::kAcknowledged) {
      ++acked_res;
      EXPECT_TRUE(stored_res.count(key)) << "acknowledged reservation " << key << " is not active";
    }
  }
  EXPECT_EQ(static_cast<std::int64_t>(stored_res.size()), acked_res + stored_in_flight);
  EXPECT_LE(stored_in_flight, kReservationClients) << "more than were in flight";
  json sum = Summary(warehouse, sku);
  EXPECT_EQ(sum["on_hand"], kInitial);
  EXPECT_EQ(sum["reserved"], reserved);
  EXPECT_EQ(sum["available"], kInitial - reserved);

  // --- scans --------------------------------------------------------------------------------
  std::map<std::string, const SentEvent*> event_by_lot;
  std::int64_t acked_ev = 0;
  std::int64_t unanswered_ev = 0;
  for (const auto& list : events) {
    for (const auto& s : list) {
      event_by_lot[s.lot] = &s;
      if (s.outcome == Outcome::kAcknowledged) ++acked_ev;
      if (s.outcome == Outcome::kUnanswered) ++unanswered_ev;
    }
  }
  // The ledger holds the initial count and one receipt per applied scan, named by its lot: how
  // many times each scan moved stock (a failure for anything else), and the sum moved.
  const auto applied_scans = [&](std::int64_t* moved) {
    const std::map<std::int64_t, std::string> lots = Lots(milk);
    std::map<std::string, int> applied;
    *moved = 0;
    int initials = 0;
    for (const json& m : Ledger()) {
      if (m["ref_type"] == "adjustment" && m["sku_id"] == sku && m["quantity"] == kInitial &&
          m["id"] == initial) {
        ++initials;
        continue;
      }
      const auto lot = lots.find(m["lot_id"].is_number() ? m["lot_id"].get<std::int64_t>() : 0);
      const auto it = lot == lots.end() ? event_by_lot.end() : event_by_lot.find(lot->second);
      if (m["sku_id"] != milk || m["ref_type"] != "task" || m["ref_id"] != Q(task) ||
          it == event_by_lot.end()) {
        ADD_FAILURE() << "a movement without a request behind it: " << m;
        continue;
      }
      const SentEvent& s = *it->second;
      EXPECT_EQ(m["device"], s.device) << m;
      EXPECT_EQ(m["quantity"], s.event["quantity"]) << m;
      EXPECT_EQ(m["to"]["bin_id"], rcv) << m;
      *moved += m["quantity"].get<std::int64_t>();
      ++applied[s.lot];
    }
    EXPECT_EQ(initials, 1) << "the initial count";
    return applied;
  };
  std::int64_t moved = 0;
  const std::map<std::string, int> applied = applied_scans(&moved);
  std::int64_t stored_unanswered_ev = 0;
  for (const auto& [lot, s] : event_by_lot) {
    const auto it = applied.find(lot);
    const int times = it == applied.end() ? 0 : it->second;
    if (s->outcome == Outcome::kAcknowledged) {
      EXPECT_EQ(times, 1) << "acknowledged event " << s->event << " applied " << times << " times";
    } else {
      EXPECT_LE(times, 1) << "unanswered event " << s->event << " applied " << times << " times";
      stored_unanswered_ev += times;
    }
  }
  EXPECT_LE(stored_unanswered_ev, kSingleDevices + kBatchDevices * kBatchSize)
      << "more than were in flight";
  EXPECT_EQ(Summary(warehouse, milk)["on_hand"], moved) << "on hand is the sum of applied scans";
  EXPECT_EQ(Must("GET", "/api/v1/tasks/" + Q(task), nullptr, 200)["lines"][0]["done_qty"], moved);

  // --- acknowledged requests sent again: the first answer, nothing more ------------------------
  for (const auto& [key, s] : res_by_key) {
    if (s->outcome != Outcome::kAcknowledged) continue;
    const Response r =
        Send("POST", "/api/v1/reservations", reservation_body(*s), {{"Idempotency-Key", key}});
    ASSERT_EQ(r.status, 200) << key << ": " << r;
    EXPECT_EQ(r.Json()["id"], s->id) << key;
  }
  for (const auto& [lot, s] : event_by_lot) {
    if (s->outcome != Outcome::kAcknowledged) continue;
    const Response r = send_event(*s);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.Header("idempotent-replay"), "true") << s->event;
    EXPECT_EQ(r.Json(), s->answer) << s->event;
  }
  sum = Summary(warehouse, sku);
  EXPECT_EQ(sum["reserved"], reserved);
  EXPECT_EQ(sum["available"], kInitial - reserved);
  std::int64_t moved_again = 0;
  EXPECT_EQ(applied_scans(&moved_again), applied);
  EXPECT_EQ(moved_again, moved);
  EXPECT_EQ(Summary(warehouse, milk)["on_hand"], moved);

  // --- the requests whose answer was lost, sent again: each settles, applied once ------------
  std::int64_t all_reserved = 0;
  for (const auto& [key, s] : res_by_key) {
    all_reserved += s->quantity;
    if (s->outcome != Outcome::kUnanswered) continue;
    const Response r =
        Send("POST", "/api/v1/reservations", reservation_body(*s), {{"Idempotency-Key", key}});
    const auto stored = stored_res.find(key);
    if (stored != stored_res.end()) {
      EXPECT_EQ(r.status, 200) << key << " was stored; sent again it answers the same: " << r;
      EXPECT_EQ(r.Json()["id"], stored->second["id"]) << key;
    } else {
      EXPECT_EQ(r.status, 201) << key << " was not stored; sent again it reserves: " << r;
    }
  }
  const std::map<std::string, json> settled_res = ActiveReservations(sku);
  EXPECT_EQ(settled_res.size(), res_by_key.size()) << "every reservation sent is there once";
  sum = Summary(warehouse, sku);
  EXPECT_EQ(sum["reserved"], all_reserved);
  EXPECT_EQ(sum["available"], kInitial - all_reserved);

  std::int64_t replayed = 0;
  std::int64_t all_moved = 0;
  for (const auto& [lot, s] : event_by_lot) {
    all_moved += s->event["quantity"].get<std::int64_t>();
    if (s->outcome != Outcome::kUnanswered) continue;
    const Response r = send_event(*s);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.Json()["status"], "applied") << r;
    const bool was_stored = applied.count(lot) > 0;
    EXPECT_EQ(r.Header("idempotent-replay").has_value(), was_stored) << s->event << ": " << r;
    if (was_stored) ++replayed;
  }
  EXPECT_EQ(replayed, stored_unanswered_ev);
  std::int64_t moved_settled = 0;
  const std::map<std::string, int> settled = applied_scans(&moved_settled);
  EXPECT_EQ(settled.size(), event_by_lot.size()) << "every event sent moved stock";
  for (const auto& [lot, times] : settled) EXPECT_EQ(times, 1) << lot;
  EXPECT_EQ(moved_settled, all_moved);
  EXPECT_EQ(Summary(warehouse, milk)["on_hand"], all_moved);

  std::cout << "[ crash    ] " << GetParam() << ": " << acked_res << " reservations and "
            << acked_ev << " scans acknowledged before the kill; " << stored_in_flight
            << " reservations and " << stored_unanswered_ev << " of " << unanswered_ev
            << " unanswered scans stored (in flight)\n";

  std::string how;
  EXPECT_TRUE(server_->Stop(&how)) << how << "\n" << server_->Log();
}

}  // namespace
}  // namespace xb::apitest
