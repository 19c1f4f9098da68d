// Order intake over HTTP against the real server, on SQLite and PostgreSQL: the races the issue
// names (two orders of one identity that each fit the annual quota but not together; many
// orders on the last units), idempotent retries, and cancel giving back quota and stock.
#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <string>
#include <vector>

#include "api_support.h"
#include "bonded_orders.h"

namespace xb::apitest {
namespace {

struct Shop : BondedShop {
  std::string key;
};

class OrdersApi : public ServerTest<OrdersApi> {
 protected:
  // A fresh tenant with a channel, a bonded warehouse with a bin, and infant formula on the
  // positive list (HS 19011010), with `stock` units in the bonded warehouse.
  Shop NewShop(std::int64_t stock) const {
    Shop s;
    s.key = NewTenant().admin_key;
    static_cast<BondedShop&>(s) = MakeBondedShop(As(s.key), stock);
    return s;
  }

  // One line of `price_fen`.
  static json Order(const Shop& s, const std::string& no, std::int64_t price_fen, int person) {
    return OrderBody(s.channel, no, {{s.sku, price_fen}}, IdentityNumber(person));
  }

  json QuotaOf(const Shop& s, int person) const {
    const auto r = Post("/api/v1/customs/quota/lookup",
                        {{"id_type", "id_card"},
                         {"id_number", IdentityNumber(person)},
                         {"year", std::stoi(Today().substr(0, 4))}},
                        s.key);
    if (r.status != 200) throw UnexpectedResponse("quota lookup: " + r.body);
    return r.Json();
  }

  json StockOf(const Shop& s) const {
    const json page = GetJson("/api/v1/stock/summary?warehouse_id=" + std::to_string(s.warehouse) +
                                  "&sku_id=" + std::to_string(s.sku),
                              s.key);
    if (page["items"].size() != 1) throw UnexpectedResponse("summary: " + page.dump());
    return page["items"][0];
  }

  static std::string RuleOf(const Response& r) {
    const json body = r.Json();
    if (!body.contains("error")) return "";
    const json& e = body["error"];
    if (e.contains("rule") && e["rule"].is_string()) return e["rule"];
    if (e.contains("field") && e["field"].is_string()) return e["field"];
    return "";
  }
};

// 20,000.00 used this year; two orders of 4,000.00 each fit alone, not together (26,000.00).
TEST_P(OrdersApi, TwoConcurrentOrdersOfOneIdentityNeverPassTheAnnualLimit) {
  const Shop s = NewShop(100);
  for (int i = 0; i < 5; ++i) {
    const auto r = Post("/api/v1/orders", Order(s, Unique("EARLY"), 400000, 1), s.key);
    ASSERT_EQ(r.status, 201) << r;
  }
  ASSERT_EQ(QuotaOf(s, 1)["used"], "20000.00");
  for (int round = 0; round < 3; ++round) {
    std::latch go(2);
    auto one = [&](const std::string& no) {
      go.arrive_and_wait();
      return Post("/api/v1/orders", Order(s, no, 400000, 1), s.key);
    };
    auto fa = std::async(std::launch::async, one, Unique("QA"));
    auto fb = std::async(std::launch::async, one, Unique("QB"));
    const Response a = fa.get();
    const Response b = fb.get();
    ASSERT_TRUE((a.status == 201) != (b.status == 201)) << a << "\n" << b;
    const Response& refused = a.status == 201 ? b : a;
    const Response& accepted = a.status == 201 ? a : b;
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_EQ(RuleOf(refused), "annual_limit") << refused;
    EXPECT_EQ(refused.body.find(IdentityNumber(1)), std::string::npos);  // never in clear
    EXPECT_EQ(QuotaOf(s, 1)["used"], "24000.00");
    // Cancel the accepted one: the quota comes back for the next round.
    const auto id = accepted.Json()["id"].get<std::int64_t>();
    const auto c =
        Post("/api/v1/orders/" + std::to_string(id) + "/cancel", {{"reason", "round"}}, s.key);
    ASSERT_EQ(c.status, 200) << c;
    EXPECT_EQ(QuotaOf(s, 1)["used"], "20000.00");
  }
  EXPECT_EQ(StockOf(s)["reserved"], 5);
}

TEST_P(OrdersApi, ManyConcurrentOrdersOnTheLastUnitsNeverOversell) {
  const Shop s = NewShop(5);
  constexpr int kOrders = 30;
  std::latch go(kOrders);
  std::vector<std::future<Response>> answers;
  for (int i = 0; i < kOrders; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] {
      go.arrive_and_wait();
      return Post("/api/v1/orders", Order(s, Unique("LAST"), 20000, 100 + i), s.key);
    }));
  }
  int bonded = 0;
  for (auto& f : answers) {
    const Response r = f.get();
    ASSERT_EQ(r.status, 201) << r;
    const json line = r.Json()["lines"][0];
    if (line["mode"] == "1210") {
      EXPECT_TRUE(line["reservation_id"].is_number());
      ++bonded;
    } else {
      EXPECT_EQ(line["mode"], "backorder");
    }
  }
  EXPECT_EQ(bonded, 5);
  const json stock = StockOf(s);
  EXPECT_EQ(stock["reserved"], 5);
  EXPECT_EQ(stock["available"], 0);
}

TEST_P(OrdersApi, ARetryIsAnsweredWithTheFirstOrderAndAnotherBodyIsRefused) {
  const Shop s = NewShop(10);
  const std::string no = Unique("TM");
  const auto first = Post("/api/v1/orders", Order(s, no, 20000, 2), s.key);
  ASSERT_EQ(first.status, 201) << first;
  const auto again = Post("/api/v1/orders", Order(s, no, 20000, 2), s.key);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json()["id"], first.Json()["id"]);
  const auto other = Post("/api/v1/orders", Order(s, no, 30000, 2), s.key);
  EXPECT_TRUE(IsError(other, 409, "ALREADY_EXISTS")) << other;
  EXPECT_EQ(StockOf(s)["reserved"], 1);
  EXPECT_EQ(QuotaOf(s, 2)["used"], "200.00");
}

TEST_P(OrdersApi, ARefusedOrderChangesNothing) {
  const Shop s = NewShop(10);
  json body = Order(s, Unique("R"), 20000, 3);
  body["payment"]["payer_name"] = "Li Si";
  const auto r = Post("/api/v1/orders", body, s.key);
  EXPECT_EQ(r.status, 422) << r;
  EXPECT_EQ(RuleOf(r), "buyer_is_payer") << r;
  EXPECT_EQ(StockOf(s)["reserved"], 0);
  EXPECT_EQ(QuotaOf(s, 3)["used"], "0.00");
  EXPECT_EQ(Total("/api/v1/orders", s.key), 0);
}

TEST_P(OrdersApi, CancelGivesBackQuotaAndStock) {
  const Shop s = NewShop(10);
  const auto r = Post("/api/v1/orders", Order(s, Unique("C"), 20000, 4), s.key);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(StockOf(s)["reserved"], 1);
  const auto id = r.Json()["id"].get<std::int64_t>();
  const auto c =
      Post("/api/v1/orders/" + std::to_string(id) + "/cancel", {{"reason", "buyer"}}, s.key);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.Json()["state"], "cancelled");
  EXPECT_EQ(StockOf(s)["reserved"], 0);
  EXPECT_EQ(QuotaOf(s, 4)["used"], "0.00");
  const auto twice =
      Post("/api/v1/orders/" + std::to_string(id) + "/cancel", {{"reason", "again"}}, s.key);
  EXPECT_EQ(twice.status, 422) << twice;
}

XB_API_BACKENDS(OrdersApi);

}  // namespace
}  // namespace xb::apitest
