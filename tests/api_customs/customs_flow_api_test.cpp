// The whole customs flow end to end, with both programs as processes: `xborder customs-sandbox`
// and `xborder serve --customs-gateway` on a fresh database (SQLite, and PostgreSQL when
// XB_TEST_PG_URL is set). An order is posted; the submitter declares it to the sandbox and applies
// its receipts; the test polls (with a deadline, never a timed assertion) until the order reaches
// the state customs decided: released with a pick task, held for inspection with its stock on
// hold, or rejected with its stock released.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api_support.h"
#include "child_process.h"

namespace xb::apitest {
namespace {

namespace fs = std::filesystem;

// A resident identity card number with its GB 11643 check character.
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

class CustomsFlowApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && PgTestUrl().empty()) {
      GTEST_SKIP() << "XB_TEST_PG_URL is not set";
    }
    std::string dir = (fs::temp_directory_path() / "xb-customs-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr) << std::strerror(errno);
    dir_ = dir;
    fs::create_directory(dir_ / "web");
  }
  void TearDown() override {
    std::string how;
    if (serve_) {
      EXPECT_TRUE(serve_->Stop(&how)) << "serve " << how << "\n" << serve_->Log();
    }
    if (sandbox_) {
      EXPECT_TRUE(sandbox_->Stop(&how)) << "sandbox " << how;
    }
    serve_.reset();
    sandbox_.reset();
    pg_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Starts the sandbox with `sandbox_args`, then the server talking to it.
  void StartBoth(const std::vector<std::string>& sandbox_args) {
    std::string error;
    std::vector<std::string> args = {"customs-sandbox", "--listen", "127.0.0.1:0", "--delay-ms",
                                     "100"};
    args.insert(args.end(), sandbox_args.begin(), sandbox_args.end());
    sandbox_ = ChildProcess::Start(args, "customs sandbox listening on http://",
                                   dir_ / "sandbox.log", &error);
    ASSERT_NE(sandbox_, nullptr) << error;

    std::string db_url = "sqlite:" + (dir_ / "xborder.db").string();
    if (GetParam() == "postgresql") {
      pg_ = PgScratchDatabase::Create(PgTestUrl(), &error);
      ASSERT_NE(pg_, nullptr) << error;
      db_url = pg_->url();
    }
    const fs::path key_file = dir_ / "admin.key";
    serve_ = ChildProcess::Start(
        {"serve", "--db", db_url, "--port", "0", "--admin-key-file", key_file.string(),
         "--web-root", (dir_ / "web").string(), "--customs-gateway",
         "http://127.0.0.1:" + std::to_string(sandbox_->port())},
        "xborder is serving on http://", dir_ / "serve.log", &error);
    ASSERT_NE(serve_, nullptr) << error;
    std::ifstream in(key_file);
    std::getline(in, key_);
    ASSERT_FALSE(key_.empty());
    http_ = HttpClient(serve_->port());
  }

  Response Send(std::string_view method, const std::string& target, const json& body = nullptr) {
    Headers headers = {{"Authorization", "Bearer " + key_}};
    if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
    return http_.Send(method, target, body.is_null() ? "" : body.dump(), headers);
  }
  json Created(const std::string& target, const json& body) {
    const Response r = Send("POST", target, body);
    if (r.status != 201) throw UnexpectedResponse("POST " + target + ": " + r.body);
    return r.Json();
  }
  json Got(const std::string& target) {
    const Response r = Send("GET", target);
    if (r.status != 200) throw UnexpectedResponse("GET " + target + ": " + r.body);
    return r.Json();
  }

  // A channel, a bonded warehouse with a storage and a shipping bin, and infant formula (HS
  // 19011010, on the positive list) with `stock` units there.
  void MakeShop(std::int64_t stock) {
    channel_ = Created("/api/v1/channels", ChannelBody(Unique("CH")))["id"];
    json w = WarehouseBody(Unique("BW"));
    w["kind"] = "bonded";
    w["country"] = "CN";
    w["account_book_no"] = "T3105W000001";
    w["customs_area_code"] = "3105";
    warehouse_ = Created("/api/v1/warehouses", w)["id"];
    const std::string bins = "/api/v1/warehouses/" + std::to_string(warehouse_) + "/bins";
    bin_ = Created(bins, BinBody("A-01"))["id"];
    Created(bins, {{"code", "SHIP-01"}, {"kind", "shipping"}});  // where pick tasks take stock
    json sku = SkuBody(Unique("MILK"));
    sku["category"] = "maternal_infant";
    sku["hs_code"] = "19011010";
    sku["legal_unit"] = "kg";
    sku["legal_quantity"] = 0.8;
    sku["positive_list"] = true;
    sku_ = Created("/api/v1/skus", sku)["id"];
    Created("/api/v1/adjustments", {{"warehouse_id", warehouse_},
                                    {"bin_id", bin_},
                                    {"sku_id", sku_},
                                    {"quantity", stock},
                                    {"reason_code", "initial"}});
  }

  // `quantity` tins at `price_fen` each (standard VAT within limits: tax 9.1%), no freight.
  json OrderBody(const std::string& no, std::int64_t quantity, std::int64_t price_fen, int person) {
    const std::string id = IdentityNumber(person);
    const std::int64_t goods = quantity * price_fen;
    const std::int64_t tax = (goods * 91 + 500) / 1000;
    const std::int64_t paid = goods + tax;
    return {
        {"channel_id", channel_},
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
        {"lines", {{{"sku_id", sku_}, {"quantity", quantity}, {"unit_price", Money(price_fen)}}}},
        {"freight", "0.00"},
        {"insurance", "0.00"},
        {"discount", "0.00"},
        {"tax", Money(tax)},
        {"paid", Money(paid)}};
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

  json DeclarationsOf(std::int64_t order_id) {
    return Got("/api/v1/customs/declarations?order_id=" + std::to_string(order_id))["items"];
  }

  std::string Logs() const {
    return "\n--- serve log ---\n" + (serve_ ? serve_->Log() : "") + "\n--- sandbox log ---\n" +
           (sandbox_ ? sandbox_->Log() : "");
  }

  fs::path dir_;
  std::unique_ptr<PgScratchDatabase> pg_;
  std::unique_ptr<ChildProcess> sandbox_;
  std::unique_ptr<ChildProcess> serve_;
  std::string key_;
  HttpClient http_;
  std::int64_t channel_ = 0, warehouse_ = 0, bin_ = 0, sku_ = 0;
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
  const json stock = Stock();
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
  const json stock = Stock();
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
  const json stock = Stock();
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

INSTANTIATE_TEST_SUITE_P(Backends, CustomsFlowApi,
                         ::testing::Values(std::string("sqlite"), std::string("postgresql")),
                         [](const ::testing::TestParamInfo<std::string>& backend) {
                           return backend.param;
                         });

}  // namespace
}  // namespace xb::apitest
