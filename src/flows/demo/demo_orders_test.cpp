#include "flows/demo/demo_orders.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "flows/demo/demo_data.h"
#include "flows/demo/demo_stock.h"
#include "flows/inventory/inventory_test_support.h"
#include "flows/masterdata/master_data_service.h"

namespace xb::demo {
namespace {

// 2026-11-25T08:30:00Z
constexpr std::int64_t kNow = 1'795'595'400'000'000;

// The demo on SQLite, whose migration seeds the public customs rules and the positive list:
// master data, opening stock, then the orders through the real intake.
class DemoOrdersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(scratch_.Prepare("sqlite"), "");
    auto opened = scratch_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
    tenant_ = inventory_flow::testing::AddTenant(*db_, "demo");
    masterdata::MasterDataService service(*db_, clock_);
    masterdata::RequestContext ctx;
    ctx.principal = {tenant_, access::ApiKeyId(0), access::Role::kAdmin, "test"};
    ctx.request_id = "test";
    DemoSize size;
    size.suppliers = 5;
    size.skus = 120;
    size.bins_per_warehouse = 12;
    auto loaded = LoadDemoData(service, ctx, size);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    DemoStockSize stock;
    stock.skus = 60;
    auto stocked = LoadDemoStock(*db_, tenant_, today_, stock);
    ASSERT_TRUE(stocked.ok()) << stocked.status().ToString();
  }

  FakeClock clock_{Timestamp::FromMicros(kNow)};
  Date today_ = Date::OfTimestamp(Timestamp::FromMicros(kNow));
  inventory_flow::testing::ScratchDatabase scratch_;
  std::unique_ptr<store::Database> db_;
  TenantId tenant_;
};

TEST_F(DemoOrdersTest, PlacesOrdersOfEveryKindThroughTheIntakeAndReportsTheRefusals) {
  auto counts = LoadDemoOrders(*db_, clock_, tenant_, today_, DemoOrdersSize{});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_FALSE(counts->skipped);
  std::set<std::string> rules;
  for (const auto& r : counts->refused) rules.insert(r.rule);
  // Exactly the three orders meant to be refused, each naming its rule: the declared tax of every
  // other order is the one the intake computes.
  EXPECT_EQ(rules, (std::set<std::string>{"positive_list", "single_limit", "buyer_is_payer"}))
      << counts->refused.size()
      << " refused, first: " << (counts->refused.empty() ? "" : counts->refused[0].message);
  EXPECT_EQ(counts->refused.size(), 3U);
  EXPECT_GE(counts->accepted, 25);
  EXPECT_GT(counts->bonded_lines, 0);
  EXPECT_GT(counts->direct_mail_lines, 0);
  EXPECT_GE(counts->backorder_lines, 1);
  EXPECT_GE(counts->split_orders, 1);
  EXPECT_EQ(counts->full_rate, 1);
  EXPECT_EQ(counts->cancelled, 2);

  // The orders are stored with their declarations queued; the first marks the tenant as loaded.
  {
    auto tx = db_->Begin(store::TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    orders::OrderQuery all;
    all.limit = 500;
    auto listed = (*tx)->orders().ListOrders(tenant_, all);
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    EXPECT_EQ(listed->second, counts->accepted);
    std::int64_t cancelled = 0;
    for (const auto& o : listed->first) {
      if (o.state == orders::OrderState::kCancelled) ++cancelled;
    }
    EXPECT_EQ(cancelled, 2);
    customs::DeclarationQuery queued;
    queued.state = customs::DeclarationState::kQueued;
    auto decls = (*tx)->customs().ListDeclarations(tenant_, queued);
    ASSERT_TRUE(decls.ok()) << decls.status().ToString();
    EXPECT_FALSE(decls->first.empty());
  }

  auto again = LoadDemoOrders(*db_, clock_, tenant_, today_, DemoOrdersSize{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->skipped);
}

}  // namespace
}  // namespace xb::demo
