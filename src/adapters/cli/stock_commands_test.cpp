// The stock commands on a memory database: names resolve by code or id, the table and the JSON
// carry the figures, reserve runs an engine of its own and honours its key.
#include "adapters/cli/stock_commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/memory/memory_database.h"
#include "flows/inventory/stock_service.h"

namespace xb::cli {
namespace {

using nlohmann::json;

class StockCommandsTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Database> db_ = memory::NewMemoryDatabase();
  FakeClock clock_{Timestamp::FromMicros(1'795'595'400'000'000)};  // 2026-11-25T08:30:00Z

  StockCommandsTest() {
    AddRecords();
    inventory_flow::StockService stock(*db_, clock_);
    inventory_flow::AdjustmentDraft d;
    d.warehouse_id = 1;
    d.bin_id = 1;
    d.sku_id = 1;
    d.quantity = 12;
    d.reason_code = "initial";
    const inventory_flow::RequestContext ctx{
        {TenantId(1), access::ApiKeyId(0), access::Role::kAdmin, "t"}, "r", std::nullopt, ""};
    EXPECT_TRUE(stock.Adjust(ctx, d).ok());
  }

  void AddRecords() {
    auto tx = db_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok());
    auto& t = **tx;
    EXPECT_TRUE(t.tenants().Insert({TenantId(), "alpha", "alpha", true, clock_.Now()}).ok());
    partners::Warehouse w;
    w.tenant_id = TenantId(1);
    w.code = "WH-SYD";
    w.name = "Sydney";
    w.country = "AU";
    w.version = 1;
    EXPECT_TRUE(t.warehouses().Insert(w).ok());
    partners::Bin b;
    b.tenant_id = TenantId(1);
    b.warehouse_id = 1;
    b.code = "A-01";
    b.name = "A-01";
    b.version = 1;
    EXPECT_TRUE(t.bins().Insert(b).ok());
    catalog::Sku s;
    s.tenant_id = TenantId(1);
    s.code = "MILK-1";
    s.name = "Milk powder";
    s.hs_code = "1901101000";
    s.origin_country = "AU";
    s.version = 1;
    EXPECT_TRUE(t.skus().Insert(s).ok());
    EXPECT_TRUE(t.Commit().ok());
  }
};

TEST_F(StockCommandsTest, StockPrintsTheSummaryByCodeOrId) {
  auto table =
      RunStock(*db_, clock_, {.tenant = 1, .warehouse = "WH-SYD", .sku = "", .json = false});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NE(table->find("WH-SYD"), std::string::npos) << *table;
  EXPECT_NE(table->find("MILK-1"), std::string::npos) << *table;
  EXPECT_NE(table->find("1 row(s)"), std::string::npos) << *table;
  auto doc = RunStock(*db_, clock_, {.tenant = 1, .warehouse = "1", .sku = "MILK-1", .json = true});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 1U);
  EXPECT_EQ(j["items"][0]["on_hand"], 12);
  EXPECT_EQ(j["items"][0]["available"], 12);
  auto missing =
      RunStock(*db_, clock_, {.tenant = 1, .warehouse = "NOPE", .sku = "", .json = false});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("--warehouse"), std::string::npos);
}

TEST_F(StockCommandsTest, CardListsMovementsWithRunningBalance) {
  auto card =
      RunStockCard(*db_, clock_, {.tenant = 1, .sku = "MILK-1", .warehouse = "", .json = true});
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  const json j = json::parse(*card);
  ASSERT_EQ(j["items"].size(), 1U);
  EXPECT_EQ(j["items"][0]["running_balance"], 12);
  EXPECT_EQ(j["items"][0]["reason"], "count_gain");
  auto text = RunStockCard(*db_, clock_, {.tenant = 1, .sku = "1", .warehouse = "", .json = false});
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("closing balance 12"), std::string::npos) << *text;
}

TEST_F(StockCommandsTest, ReserveRunsAnEngineAndHonoursItsKey) {
  ReserveOptions o;
  o.warehouse = "WH-SYD";
  o.sku = "MILK-1";
  o.quantity = 5;
  o.order_ref = "SO-1";
  o.key = "cli-1";
  o.json = true;
  auto first = RunReserve(*db_, clock_, o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const json r = json::parse(*first);
  EXPECT_EQ(r["quantity"], 5);
  EXPECT_EQ(r["replayed"], false);
  // A second run (a new engine, rebuilt from the store) with the same key reserves nothing more.
  auto again = RunReserve(*db_, clock_, o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(json::parse(*again)["replayed"], true);
  EXPECT_EQ(json::parse(*again)["id"], r["id"]);
  o.key.clear();
  o.quantity = 8;  // 7 left
  auto refused = RunReserve(*db_, clock_, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("7 reservable"), std::string::npos)
      << refused.status().ToString();
  auto doc = RunStock(*db_, clock_, {.tenant = 1, .warehouse = "", .sku = "", .json = true});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::parse(*doc)["items"][0]["reserved"], 5);
}

}  // namespace
}  // namespace xb::cli
