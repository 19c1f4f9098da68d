// The crash check of order intake: clients stream orders at a server on a SQLite file (or a
// PostgreSQL database), which is killed with SIGKILL in the middle of the stream and started
// again on the same database. Afterwards every order answered 201/200 is there with its
// reservation and its quota entry; no active reservation lacks its order; available + reserved
// stock is the starting stock (nothing lost, nothing reserved twice); and the annual quota the
// restarted server enforces is the sum of the stored orders (probed up to the limit).
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_support.h"
#include "bonded_orders.h"

namespace xb::apitest {
namespace {

std::string Q(std::int64_t n) { return std::to_string(n); }

std::int64_t Fen(const json& text) {
  const std::string s = text.get<std::string>();
  const auto dot = s.find('.');
  return std::stoll(s.substr(0, dot)) * 100 +
         (dot == std::string::npos ? 0 : std::stoll(s.substr(dot + 1)));
}

class OrdersCrash : public OwnServerTest {
 protected:
  // One line of one unit at `price_fen`.
  json Order(const std::string& no, std::int64_t price_fen, int person) const {
    return OrderBody(shop_.channel, no, {{shop_.sku, price_fen}}, IdentityNumber(person));
  }

  std::int64_t QuotaUsed(int person) const {
    return Fen(Must("POST", "/api/v1/customs/quota/lookup",
                    {{"id_type", "id_card"},
                     {"id_number", IdentityNumber(person)},
                     {"year", std::stoi(Today().substr(0, 4))}},
                    200)["used"]);
  }

  BondedShop shop_;
};

XB_API_BACKENDS(OrdersCrash);

struct Sent {
  std::string no;
  int person = 0;
  bool acknowledged = false;
  std::int64_t id = 0;
};

TEST_P(OrdersCrash, AKilledServerKeepsEveryAcknowledgedOrderWithItsReservationAndQuota) {
  constexpr int kClients = 8;
  constexpr int kKillAfter = 150;  // acknowledged orders before the kill
  constexpr std::int64_t kInitial = 3000;
  constexpr std::int64_t kPrice = 10000;  // 100.00 per order
  shop_ = MakeBondedShop(server_->Admin(), kInitial);
  const std::int64_t warehouse = shop_.warehouse, sku = shop_.sku;

  // The stream: client c orders for person c, one unit at 100.00 each.
  std::vector<std::vector<Sent>> sent(kClients);
  const int acked = StreamUntilKilled(kClients, kKillAfter, [&](int c) {
    auto& mine = sent[static_cast<std::size_t>(c)];
    Sent s;
    s.no = "K-" + std::to_string(c) + "-" + std::to_string(mine.size());
    s.person = c;
    const Response r = Send("POST", "/api/v1/orders", Order(s.no, kPrice, c));
    if (r.status == 201 || r.status == 200) {
      s.acknowledged = true;
      s.id = r.Json()["id"].get<std::int64_t>();
    } else if (r.status != 0 && r.status < 500) {
      ADD_FAILURE() << s.no << " answered " << r.status << ": " << r.body;
    }
    mine.push_back(s);
    if (r.status == 0 || r.status >= 500) return std::optional<int>();
    return std::optional<int>(s.acknowledged ? 1 : 0);
  });
  ASSERT_GE(acked, kKillAfter) << "the stream stopped early:\n" << server_->Log();

  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;

  // Every stored order, by channel order number.
  std::map<std::string, json> stored;
  for (std::int64_t after = 0;;) {
    const json page = Must("GET", "/api/v1/orders?limit=500&after_id=" + Q(after), json(), 200);
    for (const auto& o : page["items"]) {
      stored[o["channel_order_no"].get<std::string>()] = o;
      after = std::max<std::int64_t>(after, o["id"].get<std::int64_t>());
    }
    if (page["items"].size() < 500) break;
  }

  // Acknowledged orders are all there, accepted, each with its reservation.
  std::map<int, std::int64_t> stored_value;  // person -> dutiable of stored orders
  std::set<std::int64_t> order_ids;
  std::size_t acknowledged = 0, in_flight_stored = 0;
  for (const auto& list : sent) {
    for (const auto& s : list) {
      auto it = stored.find(s.no);
      if (s.acknowledged) {
        ++acknowledged;
        ASSERT_NE(it, stored.end()) << s.no << " was acknowledged but is gone";
        EXPECT_EQ(it->second["id"].get<std::int64_t>(), s.id);
      } else if (it != stored.end()) {
        ++in_flight_stored;  // sent, never answered, written before the kill
      }
      if (it == stored.end()) continue;
      const json full = Must("GET", "/api/v1/orders/" + Q(it->second["id"]), json(), 200);
      EXPECT_EQ(full["state"], "accepted") << s.no;
      ASSERT_EQ(full["lines"].size(), 1U);
      EXPECT_FALSE(full["lines"][0]["reservation_id"].is_null()) << s.no << ": no reservation";
      stored_value[s.person] += kPrice;
      order_ids.insert(it->second["id"].get<std::int64_t>());
    }
  }
  EXPECT_EQ(stored.size(), acknowledged + in_flight_stored) << "orders nobody sent";
  EXPECT_LE(in_flight_stored, static_cast<std::size_t>(kClients));

  // Every active reservation belongs to a stored order, one per order.
  std::set<std::int64_t> reserved_orders;
  std::int64_t reserved_units = 0;
  for (std::int64_t offset = 0;;) {
    const json page = Must(
        "GET",
        "/api/v1/reservations?state=active&limit=500&sku_id=" + Q(sku) + "&offset=" + Q(offset),
        json(), 200);
    for (const auto& r : page["items"]) {
      const std::string ref = r["order_ref"];
      ASSERT_EQ(ref.rfind("order:", 0), 0U) << ref;
      const std::int64_t order = std::stoll(ref.substr(6));
      EXPECT_TRUE(order_ids.contains(order)) << ref << " has no stored order";
      EXPECT_TRUE(reserved_orders.insert(order).second) << ref << " reserved twice";
      reserved_units += r["quantity"].get<std::int64_t>();
    }
    offset += static_cast<std::int64_t>(page["items"].size());
    if (page["items"].size() < 500) break;
  }
  EXPECT_EQ(reserved_orders.size(), order_ids.size());

  // Stock: available + reserved is the starting stock.
  const json summary =
      Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse) + "&sku_id=" + Q(sku),
           json(), 200)["items"][0];
  EXPECT_EQ(summary["reserved"].get<std::int64_t>(), reserved_units);
  EXPECT_EQ(summary["available"].get<std::int64_t>() + summary["reserved"].get<std::int64_t>(),
            kInitial);
  EXPECT_EQ(summary["on_hand"].get<std::int64_t>(), kInitial);

  // The quota ledger holds exactly the stored orders, and the restarted server's quota book
  // agrees: orders of 5,000.00 up to the limit, then one 0.01 beyond it is refused and the exact
  // rest is accepted.
  for (int person = 0; person < kClients; ++person) {
    EXPECT_EQ(QuotaUsed(person), stored_value[person]) << "person " << person;
  }
  const int probe = 0;
  std::int64_t remaining = 2'600'000 - stored_value[probe];
  int n = 0;
  while (remaining > 500'000) {
    Must("POST", "/api/v1/orders", Order("P-" + std::to_string(n++), 500'000, probe), 201);
    remaining -= 500'000;
  }
  const Response beyond = Send("POST", "/api/v1/orders", Order("P-beyond", remaining + 1, probe));
  EXPECT_EQ(beyond.status, 422) << beyond.body;
  EXPECT_NE(beyond.body.find("annual_limit"), std::string::npos) << beyond.body;
  Must("POST", "/api/v1/orders", Order("P-exact", remaining, probe), 201);
  EXPECT_EQ(QuotaUsed(probe), 2'600'000);
}

}  // namespace
}  // namespace xb::apitest
