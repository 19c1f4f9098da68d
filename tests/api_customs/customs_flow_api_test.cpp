// The whole customs flow end to end, with both programs as processes: `xborder customs-sandbox`
// and `xborder serve --customs-gateway` on a fresh database (SQLite, and PostgreSQL when
// XB_TEST_PG_URL is set). An order is posted; the submitter declares it to the sandbox and applies
// its receipts; the test polls (with a deadline, never a timed assertion) until the order reaches
// the state customs decided: released with a pick task, held for inspection with its stock on
// hold, or rejected with its stock released.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api_support.h"
#include "bonded_orders.h"

namespace xb::apitest {
namespace {

class CustomsFlowApi : public OwnServerTest {
 protected:
  CustomsFlowApi() : OwnServerTest(/*start_in_set_up=*/false) {}

  void TearDown() override {
    std::string how;
    if (server_ && server_->running()) {
      EXPECT_TRUE(server_->Stop(&how)) << "serve " << how << "\n" << server_->Log();
    }
    if (sandbox_) {
      EXPECT_TRUE(sandbox_->Stop(&how)) << "sandbox " << how;
    }
    server_.reset();
    sandbox_.reset();
    sandbox_dir_.reset();
  }

  // Starts the sandbox with `sandbox_args`, then the server talking to it.
  void StartBoth(const std::vector<std::string>& sandbox_args) {
    std::string error;
    sandbox_dir_ = TempDir::Create("xb-customs", &error);
    ASSERT_NE(sandbox_dir_, nullptr) << error;
    std::vector<std::string> args = {"customs-sandbox", "--listen", "127.0.0.1:0", "--delay-ms",
                                     "100"};
    args.insert(args.end(), sandbox_args.begin(), sandbox_args.end());
    sandbox_ = ChildProcess::Start(args, "customs sandbox listening on http://",
                                   sandbox_dir_->path() / "sandbox.log", &error);
    ASSERT_NE(sandbox_, nullptr) << error;
    ASSERT_NO_FATAL_FAILURE(
        StartServer({"--customs-gateway", "http://127.0.0.1:" + std::to_string(sandbox_->port())}));
  }

  json Created(const std::string& target, const json& body) const {
    return Must("POST", target, body, 201);
  }
  json Got(const std::string& target) const { return Must("GET", target, nullptr, 200); }

  // A channel, a bonded warehouse with a storage and a shipping bin (where pick tasks take
  // stock), and infant formula (HS 19011010, on the positive list) with `stock` units there.
  void MakeShop(std::int64_t stock) {
    const BondedShop shop = MakeBondedShop(server_->Admin(), stock, /*shipping_bin=*/true);
    channel_ = shop.channel;
    warehouse_ = shop.warehouse;
    sku_ = shop.sku;
  }

  // `quantity` tins at `price_fen` each, no freight.
  json OrderBody(const std::string& no, std::int64_t quantity, std::int64_t price_fen,
                 int person) const {
    return apitest::OrderBody(channel_, no, {{sku_, price_fen, quantity}}, IdentityNumber(person));
  }

  // Posts an order that is accepted into the bonded warehouse; returns its id.
  std::int64_t PostOrder(std::int64_t quantity, std::int64_t price_fen) {
    const json order = Created("/api/v1/orders", OrderBody(Unique("TM"), quantity, price_fen, 1));
    if (order["lines"][0]["mode"] != "1210") {
      throw UnexpectedResponse("the order was not routed to the bonded warehouse: " + order.dump());
    }
    return order["id"];
  }

  // Polls the order until its state is one of `states`, up to a generous deadline; returns the
  // last view seen.
  json WaitForOrderState(std::int64_t id, const std::vector<std::string>& states) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json order;
    for (;;) {
      order = Got("/api/v1/orders/" + std::to_string(id));
      for (const auto& s : states) {
        if (order["state"] == s) return order;
      }
      if (std::chrono::steady_clock::now() > deadline) return order;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  json Stock() {
    const json page = Got("/api/v1/stock/summary?warehouse_id=" + std::to_string(warehouse_) +
                          "&sku_id=" + std::to_string(sku_));
    if (page["items"].size() != 1) throw UnexpectedResponse("summary: " + page.dump());
    return page["items"][0];
  }

  // The stock once `settled` holds for it (or at the deadline): the receipt service moves a
  // held or rejected order's stock right after the order's new state commits, so the order may be
  // seen in that state a moment before its stock is.
  template <class Settled>
  json StockOnce(Settled settled) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      json stock = Stock();
      if (settled(stock) || std::chrono::steady_clock::now() > deadline) return stock;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  json StockOnceReleased() {
    return StockOnce([](const json& s) { return s["reserved"] == 0; });
  }

  json DeclarationsOf(std::int64_t order_id) {
    return Got("/api/v1/customs/declarations?order_id=" + std::to_string(order_id))["items"];
  }

  std::string Logs() const {
    return "\n--- serve log ---\n" + (server_ ? server_->Log() : "") + "\n--- sandbox log ---\n" +
           (sandbox_ ? sandbox_->Log() : "");
  }

  std::unique_ptr<TempDir> sandbox_dir_;
  std::unique_ptr<ChildProcess> sandbox_;
  std::int64_t channel_ = 0, warehouse_ = 0, sku_ = 0;
};

TEST_P(CustomsFlowApi, ReleasedOrderGetsAPickTask) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({"--hold-share", "0"}));
  MakeShop(10);
  const std::int64_t id = PostOrder(2, 20000);
  const json order = WaitForOrderState(id, {"released", "inspection_hold", "rejected"});
  ASSERT_EQ(order["state"], "released") << order.dump() << Logs();
  const json declarations = DeclarationsOf(id);
  ASSERT_EQ(declarations.size(), 1U) << declarations.dump();
  EXPECT_EQ(declarations[0]["state"], "released");
  // The warehouse's pick task for the released shipment (created right after the release
  // commits: polled like the state).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json tasks;
  for (;;) {
    tasks = Got("/api/v1/tasks?kind=pick&warehouse_id=" + std::to_string(warehouse_))["items"];
    if (!tasks.empty() || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(tasks.size(), 1U) << Got("/api/v1/tasks").dump() << Logs();
  EXPECT_EQ(tasks[0]["state"], "open") << tasks.dump();
  const json stock = Stock();
  EXPECT_EQ(stock["on_hand"], 10);
  EXPECT_EQ(stock["held"], 0);
}

TEST_P(CustomsFlowApi, HoldShareOfOnePutsTheOrderAndItsStockOnHold) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({"--hold-share", "1"}));
  MakeShop(10);
  const std::int64_t id = PostOrder(3, 20000);
  const json order = WaitForOrderState(id, {"released", "inspection_hold", "rejected"});
  ASSERT_EQ(order["state"], "inspection_hold") << order.dump() << Logs();
  EXPECT_EQ(DeclarationsOf(id)[0]["state"], "inspection_hold");
  const json stock = StockOnce([](const json& s) { return s["held"] != 0; });
  EXPECT_EQ(stock["held"], 3) << stock.dump();
  EXPECT_EQ(stock["available"], 7) << stock.dump();
  EXPECT_EQ(
      Got("/api/v1/tasks?kind=pick&warehouse_id=" + std::to_string(warehouse_))["items"].size(),
      0U);
}

// Customs applies a lower single limit than xborder's rule rows (a rule change xborder has not
// loaded yet): the sandbox rejects the declaration by receipt, and the order gives its stock back.
TEST_P(CustomsFlowApi, DeclarationRejectedByReceiptRejectsTheOrderAndReleasesItsStock) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({"--single-limit", "100.00"}));
  MakeShop(10);
  const std::int64_t id = PostOrder(2, 20000);  // 400.00 of goods, two items
  EXPECT_EQ(Stock()["available"], 8);
  const json order = WaitForOrderState(id, {"released", "inspection_hold", "rejected"});
  ASSERT_EQ(order["state"], "rejected") << order.dump() << Logs();
  const json declarations = DeclarationsOf(id);
  ASSERT_EQ(declarations.size(), 1U);
  EXPECT_EQ(declarations[0]["state"], "rejected");
  const json stock = StockOnceReleased();
  EXPECT_EQ(stock["reserved"], 0) << stock.dump();
  EXPECT_EQ(stock["available"], 10) << stock.dump();
}

// The same, refused at the door (--reject-malformed): the submitter rejects the declaration.
TEST_P(CustomsFlowApi, DeclarationRefusedAtTheDoorRejectsTheOrderAndReleasesItsStock) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({"--single-limit", "100.00", "--reject-malformed"}));
  MakeShop(10);
  const std::int64_t id = PostOrder(2, 20000);
  const json order = WaitForOrderState(id, {"released", "inspection_hold", "rejected"});
  ASSERT_EQ(order["state"], "rejected") << order.dump() << Logs();
  EXPECT_EQ(DeclarationsOf(id)[0]["state"], "rejected");
  const json stock = StockOnceReleased();
  EXPECT_EQ(stock["reserved"], 0) << stock.dump();
  EXPECT_EQ(stock["available"], 10) << stock.dump();
}

TEST_P(CustomsFlowApi, ReceiptForAnUnknownDeclarationIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartBoth({}));
  const Response r = Send("POST", "/api/v1/customs/receipts",
                          {{"receipt_id", "R-unknown"},
                           {"list_no", "XB000001999999999999"},
                           {"kind", "released"},
                           {"reason", ""},
                           {"at", "2026-11-26T00:00:00Z"}});
  EXPECT_TRUE(IsError(r, 404, "NOT_FOUND")) << r;
}

XB_API_BACKENDS(CustomsFlowApi);

}  // namespace
}  // namespace xb::apitest
