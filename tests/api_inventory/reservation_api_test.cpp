// Reservations over HTTP: the lifecycle (reserve, read, confirm, release), a retry with the same
// Idempotency-Key reserving once, bad input answered with a clear 4xx that reserves nothing,
// shelf-life rules of a channel, and the flash-sale check: many concurrent clients after the last
// 100 units get exactly 100 of them, on SQLite and on PostgreSQL.
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "inventory_api_support.h"

namespace xb::apitest {
namespace {

class ReservationApi : public InventoryApi<ReservationApi> {};
XB_API_BACKENDS(ReservationApi);

std::string Q(std::int64_t n) { return std::to_string(n); }

TEST_P(ReservationApi, ReserveReadConfirmAndRelease) {
  const Site s = NewSite();
  const std::int64_t early = NewLot(s, "L-EARLY", "2030-01-31");
  const std::int64_t late = NewLot(s, "L-LATE", "2031-01-31");
  Put(s, 5, late);
  Put(s, 4, early, s.bin2);
  const Response created = Post("/api/v1/reservations", Reserve(s, 6, "SO-1001"), s.key);
  ASSERT_EQ(created.status, 201) << created;
  const json r = created.Json();
  const std::int64_t id = r["id"];
  EXPECT_EQ(created.Header("location"), "/api/v1/reservations/" + Q(id));
  EXPECT_EQ(r["warehouse_id"], s.warehouse);
  EXPECT_EQ(r["sku_id"], s.sku);
  EXPECT_EQ(r["owner"], "own");
  EXPECT_EQ(r["order_ref"], "SO-1001");
  EXPECT_EQ(r["quantity"], 6);
  EXPECT_EQ(r["state"], "active");
  EXPECT_TRUE(r["expires_at"].is_string()) << "unconfirmed reservations lapse";
  EXPECT_EQ(r["short_quantity"], 0) << "nothing lost: nothing short";
  EXPECT_TRUE(r["created_at"].is_string());
  // First expired, first out: the early lot first, across bins.
  ASSERT_EQ(r["lines"].size(), 2U) << r;
  EXPECT_EQ(r["lines"][0], json({{"lot_id", early}, {"quantity", 4}, {"picked", 0}}));
  EXPECT_EQ(r["lines"][1], json({{"lot_id", late}, {"quantity", 2}, {"picked", 0}}));

  EXPECT_EQ(GetJson("/api/v1/reservations/" + Q(id), s.key), r);
  json list = GetJson("/api/v1/reservations?order_ref=SO-1001", s.key);
  EXPECT_EQ(list["total"], 1);
  list = GetJson("/api/v1/reservations?sku_id=" + Q(s.sku) + "&state=active", s.key);
  EXPECT_EQ(list["total"], 1);
  json sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 9);
  EXPECT_EQ(sum["reserved"], 6);
  EXPECT_EQ(sum["available"], 3);

  Response confirmed = Post("/api/v1/reservations/" + Q(id) + "/confirm", json::object(), s.key);
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_TRUE(confirmed.Json()["expires_at"].is_null());
  EXPECT_EQ(confirmed.Json()["state"], "active");
  EXPECT_TRUE(GetJson("/api/v1/reservations/" + Q(id), s.key)["expires_at"].is_null());

  Response released = Send("POST", "/api/v1/reservations/" + Q(id) + "/release", "", s.key);
  ASSERT_EQ(released.status, 200) << released;
  EXPECT_EQ(released.Json()["state"], "released");
  EXPECT_EQ(GetJson("/api/v1/reservations/" + Q(id), s.key)["state"], "released");
  sum = Summary(s);
  EXPECT_EQ(sum["reserved"], 0);
  EXPECT_EQ(sum["available"], 9);
  // Releasing again changes nothing; confirming a released reservation is refused.
  released = Post("/api/v1/reservations/" + Q(id) + "/release", json::object(), s.key);
  EXPECT_EQ(released.status, 200) << released;
  EXPECT_TRUE(IsError(Post("/api/v1/reservations/" + Q(id) + "/confirm", json::object(), s.key),
                      422, "FAILED_PRECONDITION"));
  EXPECT_EQ(Summary(s)["available"], 9);
  EXPECT_EQ(GetJson("/api/v1/reservations?state=released", s.key)["total"], 1);
  // Not found: unknown, or another tenant's.
  EXPECT_TRUE(IsError(Get("/api/v1/reservations/99999999", s.key), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Get("/api/v1/reservations/" + Q(id)), 404, "NOT_FOUND"));
  EXPECT_TRUE(IsError(Post("/api/v1/reservations/" + Q(id) + "/release", json::object()), 404,
                      "NOT_FOUND"));
}

TEST_P(ReservationApi, ARetryWithTheSameIdempotencyKeyReservesOnce) {
  const Site s = NewSite();
  Put(s, 10);
  const json body = Reserve(s, 4, "SO-2002");
  const Headers key = {{"Idempotency-Key", "order-2002-line-1"}};
  const Response first = Post("/api/v1/reservations", body, s.key, key);
  ASSERT_EQ(first.status, 201) << first;
  const Response again = Post("/api/v1/reservations", body, s.key, key);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json(), first.Json());
  // Concurrent retries of one key: still one reservation.
  std::vector<std::thread> threads;
  std::atomic<int> other{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const Response r = Post("/api/v1/reservations", body, s.key, key);
      if (r.status != 200 || r.Json()["id"] != first.Json()["id"]) other.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  // The same key with another request is refused.
  EXPECT_TRUE(IsError(Post("/api/v1/reservations", Reserve(s, 5, "SO-2002"), s.key, key), 400,
                      "INVALID_ARGUMENT"));
  EXPECT_EQ(Summary(s)["reserved"], 4);
  EXPECT_EQ(GetJson("/api/v1/reservations?order_ref=SO-2002", s.key)["total"], 1);
}

TEST_P(ReservationApi, BadInputIsRefusedClearlyAndReservesNothing) {
  const Site s = NewSite();
  Put(s, 10);
  const std::string path = "/api/v1/reservations";
  const auto expect = [&](const json& body, int status, const std::string& code,
                          const std::string& field) {
    EXPECT_TRUE(IsFieldError(Post(path, body, s.key), status, code, field)) << body;
  };
  json b = Reserve(s, 0, "SO-1");
  expect(b, 400, "INVALID_ARGUMENT", "quantity");
  b = Reserve(s, -3, "SO-1");
  expect(b, 400, "INVALID_ARGUMENT", "quantity");
  b = Reserve(s, 1, "SO-1");
  b["warehouse_id"] = 424242;
  expect(b, 400, "INVALID_ARGUMENT", "warehouse_id");
  b = Reserve(s, 1, "SO-1");
  b["sku_id"] = 424242;
  expect(b, 400, "INVALID_ARGUMENT", "sku_id");
  b = Reserve(s, 1, "SO-1");
  b["channel_id"] = 424242;
  expect(b, 400, "INVALID_ARGUMENT", "channel_id");
  b = Reserve(s, 1, "");
  expect(b, 400, "INVALID_ARGUMENT", "order_ref");
  b = Reserve(s, 1, "SO-1");
  b.erase("warehouse_id");
  expect(b, 400, "INVALID_ARGUMENT", "warehouse_id");
  b = Reserve(s, 1, "SO-1");
  b["hold_seconds"] = -5;
  expect(b, 400, "INVALID_ARGUMENT", "hold_seconds");
  b = Reserve(s, 1, "SO-1");
  b["owner"] = "no such owner!";
  expect(b, 400, "INVALID_ARGUMENT", "owner");
  b = Reserve(s, 1, "SO-1");
  b["lot_id"] = 1;
  expect(b, 400, "INVALID_ARGUMENT", "lot_id");
  // More than there is: refused, saying how much could be reserved.
  const Response short_stock = Post(path, Reserve(s, 11, "SO-1"), s.key);
  EXPECT_TRUE(IsFieldError(short_stock, 422, "FAILED_PRECONDITION", "quantity")) << short_stock;
  EXPECT_NE(short_stock.Json()["error"]["message"].get<std::string>().find("10 reservable"),
            std::string::npos)
      << short_stock;
  // A role that may not reserve.
  EXPECT_TRUE(
      IsError(Post(path, Reserve(s, 1, "SO-1"), NewKey("buyer", s.key)), 403, "PERMISSION_DENIED"));
  EXPECT_TRUE(IsError(Post(path + "/abc/release", json::object(), s.key), 404, "NOT_FOUND"));

  const json sum = Summary(s);
  EXPECT_EQ(sum["reserved"], 0);
  EXPECT_EQ(sum["available"], 10);
  EXPECT_EQ(GetJson(path, s.key)["total"], 0);
}

TEST_P(ReservationApi, AChannelsShelfLifeRuleKeepsShortDatedAndExpiredLotsOut) {
  const Site s = NewSite();
  const json probe = GetJson("/api/v1/stock/expiring", s.key);
  const int year = std::stoi(probe["today"].get<std::string>().substr(0, 4));
  // Expired long ago, and one with plenty of life left.
  const std::int64_t expired = NewLot(s, "L-EXPIRED", std::to_string(year - 2) + "-01-31");
  const std::int64_t fresh = NewLot(s, "L-FRESH", std::to_string(year + 3) + "-01-31");
  Put(s, 50, expired);
  Put(s, 3, fresh);
  json channel = ChannelBody(Unique("CH"));
  channel["min_remaining_shelf_life_days"] = 180;
  const std::int64_t ch = Create("/api/v1/channels", channel, s.key)["id"];

  json b = Reserve(s, 5, "SO-TM-1");
  b["channel_id"] = ch;
  const Response refused = Post("/api/v1/reservations", b, s.key);
  EXPECT_TRUE(IsError(refused, 422, "FAILED_PRECONDITION")) << refused;
  const std::string message = refused.Json()["error"]["message"];
  EXPECT_NE(message.find("3 reservable"), std::string::npos) << message;
  EXPECT_NE(message.find("expired"), std::string::npos) << message;
  b["quantity"] = 3;
  const Response ok = Post("/api/v1/reservations", b, s.key);
  ASSERT_EQ(ok.status, 201) << ok;
  ASSERT_EQ(ok.Json()["lines"].size(), 1U);
  EXPECT_EQ(ok.Json()["lines"][0]["lot_id"], fresh);
  // The expired lot is on hand but never reservable.
  const json sum = Summary(s);
  EXPECT_EQ(sum["on_hand"], 53);
  EXPECT_EQ(sum["reserved"], 3);
  EXPECT_TRUE(IsError(Post("/api/v1/reservations", Reserve(s, 1, "SO-TM-2"), s.key), 422,
                      "FAILED_PRECONDITION"));
}

// The flash sale: 64 clients at once after the last 100 units, one unit each, 320 attempts.
TEST_P(ReservationApi, ManyConcurrentClientsGetExactlyTheLastHundredUnits) {
  constexpr int kClients = 64;
  constexpr int kAttemptsEach = 5;
  const Site s = NewSite();
  Put(s, 600);
  Put(s, 400, 0, s.bin2);
  // Everything but the last 100 units is already taken.
  const Response bulk = Post("/api/v1/reservations", Reserve(s, 900, "SO-BULK"), s.key);
  ASSERT_EQ(bulk.status, 201) << bulk;
  ASSERT_EQ(Summary(s)["available"], 100);

  std::mutex mu;
  std::vector<std::int64_t> won;
  std::vector<Response> unexpected;
  std::atomic<int> refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kAttemptsEach; ++i) {
        const std::string order = "FLASH-" + std::to_string(c) + "-" + std::to_string(i);
        const Response r =
            Post("/api/v1/reservations", Reserve(s, 1, order), s.key, {{"Idempotency-Key", order}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          won.push_back(r.Json()["id"].get<std::int64_t>());
        } else if (IsError(r, 422, "FAILED_PRECONDITION")) {
          refused.fetch_add(1);
        } else {
          std::lock_guard lock(mu);
          unexpected.push_back(r);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  for (const auto& r : unexpected) ADD_FAILURE() << "unexpected answer: " << r;
  EXPECT_EQ(won.size(), 100U);
  EXPECT_EQ(refused.load(), kClients * kAttemptsEach - 100);
  EXPECT_EQ(std::set<std::int64_t>(won.begin(), won.end()).size(), won.size()) << "distinct ids";

  const json sum = Summary(s);
  EXPECT_EQ(sum["available"], 0);
  EXPECT_EQ(sum["reserved"], 1000);
  EXPECT_EQ(sum["on_hand"], 1000);
  // The store holds exactly the 100 acknowledged unit reservations besides the bulk one.
  std::int64_t flash_units = 0;
  std::int64_t active = 0;
  std::set<std::int64_t> stored;
  for (std::int64_t offset = 0;; offset += 500) {
    const json page = GetJson(
        "/api/v1/reservations?state=active&limit=500&sku_id=" + Q(s.sku) + "&offset=" + Q(offset),
        s.key);
    for (const auto& r : page["items"]) {
      ++active;
      if (r["order_ref"].get<std::string>().rfind("FLASH-", 0) == 0) {
        flash_units += r["quantity"].get<std::int64_t>();
        stored.insert(r["id"].get<std::int64_t>());
      }
    }
    if (offset + 500 >= page["total"].get<std::int64_t>()) break;
  }
  EXPECT_EQ(flash_units, 100);
  EXPECT_EQ(active, 101);
  EXPECT_EQ(stored, std::set<std::int64_t>(won.begin(), won.end()));
}

}  // namespace
}  // namespace xb::apitest
