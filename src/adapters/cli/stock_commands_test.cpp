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

  static StockOptions Stock(std::string warehouse, std::string sku, bool as_json) {
    StockOptions o;
    o.warehouse = std::move(warehouse);
    o.sku = std::move(sku);
    o.json = as_json;
    return o;
  }
  static StockCardOptions Card(std::string sku, bool as_json) {
    StockCardOptions o;
    o.sku = std::move(sku);
    o.json = as_json;
    return o;
  }

  static inventory_flow::RequestContext Ctx() {
    return {{TenantId(1), access::ApiKeyId(0), access::Role::kAdmin, "t"}, "r", std::nullopt, ""};
  }

  // A lot of MILK-1 (id 1) expiring on `expiry`; its id.
  std::int64_t Lot(const std::string& number, Date expiry) {
    inventory_flow::StockService stock(*db_, clock_);
    inventory_flow::LotDraft d;
    d.sku_id = 1;
    d.lot_number = number;
    d.expiry_date = expiry;
    auto lot = stock.CreateLot(Ctx(), d);
    EXPECT_TRUE(lot.ok()) << lot.status().ToString();
    return lot.ok() ? lot->record.id.value() : 0;
  }

  void Put(std::int64_t qty, std::int64_t lot, const std::string& owner = "own") {
    inventory_flow::StockService stock(*db_, clock_);
    inventory_flow::AdjustmentDraft d;
    d.warehouse_id = 1;
    d.bin_id = 1;
    d.sku_id = 1;
    d.lot_id = lot;
    d.owner = owner;
    d.quantity = qty;
    d.reason_code = "initial";
    auto m = stock.Adjust(Ctx(), d);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
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
  auto table = RunStock(*db_, clock_, Stock("WH-SYD", "", false));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NE(table->find("WH-SYD"), std::string::npos) << *table;
  EXPECT_NE(table->find("MILK-1"), std::string::npos) << *table;
  EXPECT_NE(table->find("1 row(s)"), std::string::npos) << *table;
  auto doc = RunStock(*db_, clock_, Stock("1", "MILK-1", true));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const json j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 1U);
  EXPECT_EQ(j["items"][0]["on_hand"], 12);
  EXPECT_EQ(j["items"][0]["available"], 12);
  auto missing = RunStock(*db_, clock_, Stock("NOPE", "", false));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("--warehouse"), std::string::npos);
}

TEST_F(StockCommandsTest, CardListsMovementsWithRunningBalance) {
  auto card = RunStockCard(*db_, clock_, Card("MILK-1", true));
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  const json j = json::parse(*card);
  ASSERT_EQ(j["items"].size(), 1U);
  EXPECT_EQ(j["items"][0]["running_balance"], 12);
  EXPECT_EQ(j["items"][0]["reason"], "count_gain");
  auto text = RunStockCard(*db_, clock_, Card("1", false));
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
  auto doc = RunStock(*db_, clock_, Stock("", "", true));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::parse(*doc)["items"][0]["reserved"], 5);
}

TEST_F(StockCommandsTest, StockFiltersByOwnerLotAndExpiry) {
  // Today is 2026-11-25; 12 units without a lot are own stock already.
  const auto near = Lot("L-NEAR", *Date::FromYmd(2026, 12, 10));
  const auto far = Lot("L-FAR", *Date::FromYmd(2027, 6, 1));
  Put(5, near);
  Put(7, far);
  Put(3, far, "merchant-a");

  StockOptions o = Stock("WH-SYD", "", true);
  o.owner = "merchant-a";
  auto doc = RunStock(*db_, clock_, o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  json j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 1U) << j;
  EXPECT_EQ(j["items"][0]["owner"], "merchant-a");
  EXPECT_EQ(j["items"][0]["on_hand"], 3);
  EXPECT_TRUE(j["items"][0].contains("in_transit")) << "the summary";

  // A lot (by number) lists the balances of that lot, every owner unless one is named.
  o.owner.clear();
  o.lot = "L-FAR";
  doc = RunStock(*db_, clock_, o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 2U) << j;
  for (const auto& b : j["items"]) EXPECT_EQ(b["lot_id"], far);
  o.owner = "own";
  o.lot = std::to_string(far);  // by id
  doc = RunStock(*db_, clock_, o);
  ASSERT_TRUE(doc.ok());
  j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 1U);
  EXPECT_EQ(j["items"][0]["on_hand"], 7);

  // An expiry window: lots expiring on or before / on or after a date (stock without a lot has no
  // expiry and is left out).
  o = Stock("", "MILK-1", true);
  o.expires_before = "2026-12-31";
  j = json::parse(*RunStock(*db_, clock_, o));
  ASSERT_EQ(j["items"].size(), 1U) << j;
  EXPECT_EQ(j["items"][0]["lot_number"], "L-NEAR");
  o.expires_before.clear();
  o.expires_after = "2027-06-01";
  j = json::parse(*RunStock(*db_, clock_, o));
  EXPECT_EQ(j["items"].size(), 2U) << j;
  o.json = false;
  auto table = RunStock(*db_, clock_, o);
  ASSERT_TRUE(table.ok());
  EXPECT_NE(table->find("L-FAR"), std::string::npos) << *table;
  EXPECT_NE(table->find("2 balance(s)"), std::string::npos) << *table;

  // Bad options are refused naming the option.
  o.expires_after = "2027-13-01";
  auto bad = RunStock(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--expires-after"), std::string::npos);
  o = Stock("", "", false);
  o.lot = "L-NONE";
  bad = RunStock(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(bad.status().message().find("--lot"), std::string::npos);
  o = Stock("", "", false);
  o.owner = "no spaces";
  bad = RunStock(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--owner"), std::string::npos) << bad.status().ToString();
}

TEST_F(StockCommandsTest, CardTakesAnOwnerAndADateWindow) {
  // 12 own units at 2026-11-25T08:30; more on the next two days.
  clock_.AdvanceMicros(86'400'000'000);
  Put(4, 0, "merchant-a");
  clock_.AdvanceMicros(86'400'000'000);
  Put(6, 0);

  StockCardOptions o = Card("MILK-1", true);
  o.owner = "own";
  auto doc = RunStockCard(*db_, clock_, o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  json j = json::parse(*doc);
  ASSERT_EQ(j["items"].size(), 2U) << j;
  EXPECT_EQ(j["items"][1]["running_balance"], 18);

  // From the 26th through the 26th: only the merchant's movement, opening with what came before.
  o.owner.clear();
  o.from = "2026-11-26";
  o.to = "2026-11-26";
  j = json::parse(*RunStockCard(*db_, clock_, o));
  EXPECT_EQ(j["opening_balance"], 12);
  ASSERT_EQ(j["items"].size(), 1U) << j;
  EXPECT_EQ(j["items"][0]["owner"], "merchant-a");
  EXPECT_EQ(j["items"][0]["running_balance"], 16);
  o.from = "2026-11-27T00:00:00Z";  // an RFC 3339 time
  o.to.clear();
  o.json = false;
  auto text = RunStockCard(*db_, clock_, o);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("opening balance 16"), std::string::npos) << *text;
  EXPECT_NE(text->find("closing balance 22"), std::string::npos) << *text;

  o.from = "2026-11-27";
  o.to = "2026-11-26";
  auto bad = RunStockCard(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--to"), std::string::npos) << bad.status().ToString();
  o.from = "yesterday";
  bad = RunStockCard(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--from"), std::string::npos) << bad.status().ToString();
}

TEST_F(StockCommandsTest, AsOfGivesTheBalancesAtTheEndOfADay) {
  clock_.AdvanceMicros(86'400'000'000);  // the 26th
  Put(-2, 0);
  StockAsOfOptions o;
  o.at = "2026-11-25";  // the end of the 25th: before the loss
  o.warehouse = "WH-SYD";
  o.json = true;
  auto doc = RunStockAsOf(*db_, clock_, o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  json j = json::parse(*doc);
  EXPECT_EQ(j["at"], "2026-11-26T00:00:00Z");
  ASSERT_EQ(j["items"].size(), 1U) << j;
  EXPECT_EQ(j["items"][0]["on_hand"], 12);
  EXPECT_EQ(j["total"], 1);
  o.at = "2026-11-26";
  j = json::parse(*RunStockAsOf(*db_, clock_, o));
  EXPECT_EQ(j["items"][0]["on_hand"], 10);
  o.at = "2026-11-24";
  o.json = false;
  auto text = RunStockAsOf(*db_, clock_, o);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("0 balance(s)"), std::string::npos) << *text;
  o.at.clear();
  auto bad = RunStockAsOf(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--at"), std::string::npos);
}

TEST_F(StockCommandsTest, ExpiringListsExpiredAndNearExpiryLots) {
  Put(2, Lot("L-GONE", *Date::FromYmd(2026, 11, 20)));
  Put(3, Lot("L-SOON", *Date::FromYmd(2026, 12, 5)));
  Put(4, Lot("L-LATER", *Date::FromYmd(2027, 3, 1)));
  StockExpiringOptions o;
  o.days = 30;
  o.json = true;
  auto doc = RunStockExpiring(*db_, clock_, o);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  json j = json::parse(*doc);
  EXPECT_EQ(j["today"], "2026-11-25");
  ASSERT_EQ(j["items"].size(), 2U) << j;
  EXPECT_EQ(j["items"][0]["lot_number"], "L-GONE");
  EXPECT_EQ(j["items"][0]["status"], "expired");
  EXPECT_EQ(j["items"][0]["days_left"], -5);
  EXPECT_EQ(j["items"][1]["lot_number"], "L-SOON");
  EXPECT_EQ(j["items"][1]["days_left"], 10);
  o.days = 120;
  o.json = false;
  auto text = RunStockExpiring(*db_, clock_, o);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("L-LATER"), std::string::npos) << *text;
  EXPECT_NE(text->find("near_expiry"), std::string::npos) << *text;
  EXPECT_NE(text->find("3 balance(s)"), std::string::npos) << *text;
  o.days = -1;
  auto bad = RunStockExpiring(*db_, clock_, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--days"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace xb::cli
