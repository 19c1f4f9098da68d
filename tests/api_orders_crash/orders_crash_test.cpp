// The crash check of order intake: clients stream orders at a server on a SQLite file (or a
// PostgreSQL database), which is killed with SIGKILL in the middle of the stream and started
// again on the same database. Afterwards every order answered 201/200 is there with its
// reservation and its quota entry; no active reservation lacks its order; available + reserved
// stock is the starting stock (nothing lost, nothing reserved twice); and the annual quota the
// restarted server enforces is the sum of the stored orders (probed up to the limit).
#include <atomic>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "restartable_server.h"

namespace xb::apitest {
namespace {

std::string Q(std::int64_t n) { return std::to_string(n); }

// A resident identity card number for person n with its GB 11643 check character.
std::string IdentityNumber(int n) {
  const std::string body = "11010119850101" + std::to_string(100 + (n % 900));
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[sum % 11];
}

std::string Today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Money(std::int64_t fen) {
  std::string cents = std::to_string(fen % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return std::to_string(fen / 100) + "." + cents;
}

std::int64_t Fen(const json& text) {
  const std::string s = text.get<std::string>();
  const auto dot = s.find('.');
  return std::stoll(s.substr(0, dot)) * 100 +
         (dot == std::string::npos ? 0 : std::stoll(s.substr(dot + 1)));
}

class OrdersCrash : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && PgTestUrl().empty()) {
      GTEST_SKIP() << "XB_TEST_PG_URL is not set";
    }
    std::string error;
    server_ = RestartableServer::Create(GetParam(), &error);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }

  Response Send(const std::string& method, const std::string& target, const json& body) const {
    return HttpClient(server_->port())
        .Send(method, target, body.is_null() ? "" : body.dump(),
              {{"Authorization", "Bearer " + server_->admin_key()},
               {"Content-Type", "application/json"}});
  }
  json Must(const std::string& method, const std::string& target, const json& body,
            int status) const {
    const Response r = Send(method, target, body);
    if (r.status != status) {
      throw UnexpectedResponse(method + " " + target + " answered " + std::to_string(r.status) +
                               ": " + r.body + r.error);
    }
    return r.Json();
  }

  // One line of one unit at `price_fen` (standard VAT within limits: tax 9.1%).
  json Order(const std::string& no, std::int64_t price_fen, int person) const {
    const std::string id = IdentityNumber(person);
    const std::int64_t tax = (price_fen * 91 + 500) / 1000;
    const std::int64_t paid = price_fen + tax;
    return {{"channel_id", channel_},
            {"channel_order_no", no},
            {"order_date", Today()},
            {"buyer",
             {{"name", "Zhang San"},
              {"id_type", "id_card"},
              {"id_number", id},
              {"phone", "13800138000"}}},
            {"address",
             {{"consignee", "Zhang San"},
              {"phone", "13800138000"},
              {"province", "Zhejiang"},
              {"city", "Ningbo"},
              {"district", "Beilun"},
              {"street", "1 Harbour Rd"}}},
            {"payment",
             {{"payment_no", "PAY-" + no},
              {"payer_name", "Zhang San"},
              {"payer_id_type", "id_card"},
              {"payer_id_number", id},
              {"amount", Money(paid)}}},
            {"lines", {{{"sku_id", sku_}, {"quantity", 1}, {"unit_price", Money(price_fen)}}}},
            {"freight", "0.00"},
            {"insurance", "0.00"},
            {"discount", "0.00"},
            {"tax", Money(tax)},
            {"paid", Money(paid)}};
  }

  std::int64_t QuotaUsed(int person) const {
    return Fen(Must("POST", "/api/v1/customs/quota/lookup",
                    {{"id_type", "id_card"},
                     {"id_number", IdentityNumber(person)},
                     {"year", std::stoi(Today().substr(0, 4))}},
                    200)["used"]);
  }

  std::unique_ptr<RestartableServer> server_;
  std::int64_t channel_ = 0, warehouse_ = 0, bin_ = 0, sku_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, OrdersCrash,
                         ::testing::Values(std::string("sqlite"), std::string("postgresql")),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

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
  channel_ = Must("POST", "/api/v1/channels", ChannelBody("CH-CRASH"), 201)["id"];
  json w = WarehouseBody("BW-CRASH");
  w["kind"] = "bonded";
  w["country"] = "CN";
  w["account_book_no"] = "T3105W000001";
  w["customs_area_code"] = "3105";
  warehouse_ = Must("POST", "/api/v1/warehouses", w, 201)["id"];
  bin_ = Must("POST", "/api/v1/warehouses/" + Q(warehouse_) + "/bins", BinBody("A-01"), 201)["id"];
  json sku = SkuBody("MILK-CRASH");
  sku["category"] = "maternal_infant";
  sku["hs_code"] = "19011010";
  sku["legal_unit"] = "kg";
  sku["legal_quantity"] = 0.8;
  sku["positive_list"] = true;
  sku_ = Must("POST", "/api/v1/skus", sku, 201)["id"];
  Must("POST", "/api/v1/adjustments",
       {{"warehouse_id", warehouse_},
        {"bin_id", bin_},
        {"sku_id", sku_},
        {"quantity", kInitial},
        {"reason_code", "initial"}},
       201);

  // The stream: client c orders for person c, one unit at 100.00 each.
  std::atomic<int> acked{0};
  std::atomic<bool> killed{false};
  std::atomic<int> running{kClients};
  std::vector<std::vector<Sent>> sent(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto& mine = sent[static_cast<std::size_t>(c)];
      for (int i = 0;; ++i) {
        Sent s;
        s.no = "K-" + std::to_string(c) + "-" + std::to_string(i);
        s.person = c;
        const Response r = Send("POST", "/api/v1/orders", Order(s.no, kPrice, c));
        if (r.status == 201 || r.status == 200) {
          s.acknowledged = true;
          s.id = r.Json()["id"].get<std::int64_t>();
          acked.fetch_add(1);
        } else if (r.status != 0 && r.status < 500) {
          ADD_FAILURE() << s.no << " answered " << r.status << ": " << r.body;
        }
        mine.push_back(s);
        if (r.status == 0 || r.status >= 500 || killed.load()) break;
      }
      running.fetch_sub(1);
    });
  }
  while (acked.load() < kKillAfter && running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->Kill();  // SIGKILL in the middle of the stream
  killed = true;
  for (auto& t : clients) t.join();
  ASSERT_GE(acked.load(), kKillAfter) << "the stream stopped early:\n" << server_->Log();

  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << error;

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
        "/api/v1/reservations?state=active&limit=500&sku_id=" + Q(sku_) + "&offset=" + Q(offset),
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
      Must("GET", "/api/v1/stock/summary?warehouse_id=" + Q(warehouse_) + "&sku_id=" + Q(sku_),
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
