#include "flows/customs/return_service.h"

#include <gtest/gtest.h>

#include "flows/customs/account_book_service.h"
#include "flows/customs/customs_test_support.h"

namespace xb::customs_flow {
namespace {

using customs::ReceiptKind;
using customs::ReturnState;
using inventory::StockState;

TEST(ProportionalShareTest, PartsAddUpToTheWholeToTheFen) {
  EXPECT_EQ(ProportionalShare(1821, 1, 2), 910);
  EXPECT_EQ(ProportionalShare(1821, 2, 2) - ProportionalShare(1821, 1, 2), 911);
  std::int64_t sum = 0;
  for (int i = 0; i < 7; ++i)
    sum += ProportionalShare(1000, i + 1, 7) - ProportionalShare(1000, i, 7);
  EXPECT_EQ(sum, 1000);
  EXPECT_EQ(ProportionalShare(1000, 0, 7), 0);
  EXPECT_EQ(ProportionalShare(1000, 9, 7), 1000);
}

class ReturnServiceTest : public CustomsFlowTest {
 protected:
  ReturnService returns_{*db_, clock_, &engine_,
                         [this](const customs::QuotaEntry& e) { restored_.push_back(e); },
                         [this](std::span<const customs::GoodsCapEntry> e) {
                           caps_restored_.insert(caps_restored_.end(), e.begin(), e.end());
                         }};
  AccountBookService book_{*db_, clock_};

  // An order of two tins (line tax 18.21) released by customs today (2026-11-25).
  Placed Released() {
    auto placed = PlaceOrder(2, 1821);
    auto r = receipts_.Apply(
        Ctx(), Receipt("R-" + std::to_string(orders_), placed.declaration, ReceiptKind::kReleased));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return placed;
  }

  static ReturnDraft Draft(const Placed& p, std::int64_t qty, Date on) {
    ReturnDraft d;
    d.order_id = p.order.id.value();
    d.reason = "wrong size";
    d.lines = {{1, qty}};
    d.on = on;
    return d;
  }

  static ReceiveDraft Arrival(const std::string& lot, std::int64_t bin, Date on,
                              std::optional<Date> expiry = std::nullopt) {
    ReceiveDraft d;
    d.lines = {{1, lot, expiry, bin}};
    d.on = on;
    return d;
  }

  std::int64_t ReturnCount() {
    auto page = Read()->customs().ListReturns(TenantId(kTenant), std::nullopt, 0, 500);
    EXPECT_TRUE(page.ok());
    return page.ok() ? static_cast<std::int64_t>(page->first.size()) : -1;
  }
};

TEST_F(ReturnServiceTest, AReturnAfterThirtyDaysIsRefusedAndChangesNothing) {
  auto placed = Released();
  const auto events = EventCount();
  auto late = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 26)));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(late.status().field(), "return_window");
  EXPECT_NE(late.status().message().find("2026-11-25"), std::string::npos)
      << late.status().message();
  EXPECT_EQ(ReturnCount(), 0);
  EXPECT_EQ(OrderNow(placed.order).lines[0].returned_quantity, 0);
  EXPECT_EQ(EventCount(), events);
  // The last day of the window is still open.
  EXPECT_TRUE(returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 25))).ok());
}

TEST_F(ReturnServiceTest, OnlyReleasedGoodsCanBeReturned) {
  auto placed = PlaceOrder(2);
  auto early = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 11, 26)));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ReturnCount(), 0);
}

TEST_F(ReturnServiceTest, MoreThanWasShippedIsRefused) {
  auto placed = Released();
  auto r = returns_.Request(Ctx(), Draft(placed, 3, Day(2026, 11, 30)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.status().field(), "lines[0].quantity");
  auto bad = Draft(placed, 1, Day(2026, 11, 30));
  bad.lines[0].line_no = 9;
  EXPECT_EQ(returns_.Request(Ctx(), bad).status().field(), "lines[0].line_no");
  EXPECT_EQ(returns_.Request(Ctx(access::Role::kCustomsBroker), Draft(placed, 1, Day(2026, 11, 30)))
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(ReturnServiceTest, ReturnedGoodsAreReshelvedWithTaxAndQuotaRestored) {
  auto placed = Released();
  EXPECT_EQ(QuotaUsed(), 20000);
  auto requested = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 1)));
  ASSERT_TRUE(requested.ok()) << requested.status().ToString();
  EXPECT_EQ(requested->state, ReturnState::kRequested);
  ASSERT_EQ(requested->lines.size(), 1u);
  EXPECT_EQ(requested->lines[0].value_fen, 10000);
  EXPECT_EQ(requested->lines[0].tax_fen, 910);
  EXPECT_EQ(requested->apply_by, Day(2026, 12, 25));
  EXPECT_EQ(requested->arrive_by, Day(2027, 1, 9));
  EXPECT_EQ(OrderNow(placed.order).lines[0].returned_quantity, 1);

  const auto available = Stock(a1_, StockState::kAvailable);
  const auto reservable = engine_.Available(Pool());
  auto received = returns_.Receive(Ctx(), requested->id, Arrival("L1", a1_, Day(2026, 12, 10)));
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(received->state, ReturnState::kReshelved);
  EXPECT_EQ(received->lines[0].outcome, "reshelved");
  EXPECT_EQ(Stock(a1_, StockState::kAvailable), available + 1);
  EXPECT_EQ(engine_.Available(Pool()), reservable + 1);
  EXPECT_EQ(QuotaUsed(), 10000);
  ASSERT_EQ(restored_.size(), 1u);
  EXPECT_EQ(restored_[0].amount_fen, -10000);
  EXPECT_EQ(restored_[0].kind, customs::QuotaEntryKind::kReturn);
  auto book = BookEntries();
  ASSERT_EQ(book.size(), 2u);  // outbound at release, return inbound now
  EXPECT_EQ(book[1].kind, customs::AccountEntryKind::kReturnInbound);
  EXPECT_EQ(book[1].quantity, 1);

  // The second tin comes back too, expired: quarantined; the tax parts add up to the line's.
  auto second = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 20)));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->lines[0].tax_fen, 911);
  EXPECT_EQ(requested->lines[0].tax_fen + second->lines[0].tax_fen, 1821);
  auto quarantined = returns_.Receive(Ctx(), second->id,
                                      Arrival("L9", quar_, Day(2026, 12, 21), Day(2026, 12, 1)));
  ASSERT_TRUE(quarantined.ok()) << quarantined.status().ToString();
  EXPECT_EQ(quarantined->state, ReturnState::kQuarantined);
  EXPECT_EQ(Stock(quar_, StockState::kQuarantine), 1);
  EXPECT_EQ(QuotaUsed(), 0);
  EXPECT_EQ(OrderNow(placed.order).state, orders::OrderState::kReturned);

  // Received once only.
  EXPECT_EQ(
      returns_.Receive(Ctx(), second->id, Arrival("L1", a1_, Day(2026, 12, 21))).status().code(),
      ErrorCode::kFailedPrecondition);
}

TEST_F(ReturnServiceTest, EachReturnedTinGivesItsShareOfTheGoodsCapBack) {
  auto placed = Released();
  AddCapUsage(placed.order, 1'800);
  auto first = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 1)));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(CapUsed(), 1'800);  // given back at receipt, not at the request
  ASSERT_TRUE(returns_.Receive(Ctx(), first->id, Arrival("L1", a1_, Day(2026, 12, 10))).ok());
  EXPECT_EQ(CapUsed(), 900);
  ASSERT_EQ(caps_restored_.size(), 1u);
  EXPECT_EQ(caps_restored_[0].amount_milli, -900);
  EXPECT_EQ(caps_restored_[0].kind, customs::GoodsCapEntryKind::kReturn);
  EXPECT_EQ(caps_restored_[0].ref, "return:" + std::to_string(first->id.value()));
  auto second = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 2)));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(returns_.Receive(Ctx(), second->id, Arrival("L1", a1_, Day(2026, 12, 11))).ok());
  EXPECT_EQ(CapUsed(), 0);
  EXPECT_EQ(caps_restored_.size(), 2u);
}

TEST_F(ReturnServiceTest, ShortShelfLifeIsQuarantined) {
  auto placed = Released();
  auto requested = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 1)));
  ASSERT_TRUE(requested.ok());
  {
    auto tx = Write();
    inventory::Lot lot;
    lot.tenant_id = TenantId(kTenant);
    lot.sku_id = milk_;
    lot.lot_number = "L2";
    lot.expiry_date = Day(2026, 12, 20);  // 10 days left on arrival; the channel asks 30
    lot.created_at = clock_.Now();
    ASSERT_TRUE(tx->inventory().InsertLot(lot).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto received = returns_.Receive(Ctx(), requested->id, Arrival("L2", a1_, Day(2026, 12, 10)));
  ASSERT_TRUE(received.ok()) << received.status().ToString();
  EXPECT_EQ(received->lines[0].outcome, "quarantined");
  EXPECT_EQ(Stock(a1_, StockState::kQuarantine), 1);
}

TEST_F(ReturnServiceTest, GoodsArrivingAfterTheWindowAreRefused) {
  auto placed = Released();
  auto requested = returns_.Request(Ctx(), Draft(placed, 1, Day(2026, 12, 1)));
  ASSERT_TRUE(requested.ok());
  const auto events = EventCount();
  auto late = returns_.Receive(Ctx(), requested->id, Arrival("L1", a1_, Day(2027, 1, 10)));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().field(), "return_arrival");
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(QuotaUsed(), 20000);
}

TEST_F(ReturnServiceTest, AccountBookReconcilesWithTheLedger) {
  auto missing = book_.Reconcile(Ctx(), "NOPE");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  InboundDraft in;
  in.warehouse_id = wh_;
  in.sku_id = milk_;
  in.quantity = 10;
  in.ref = "CEB711:1";
  auto entry = book_.RecordInbound(Ctx(access::Role::kCustomsBroker), "T3105W000001", in);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->hs_code, "1901101000");
  auto rec = book_.Reconcile(Ctx(), "T3105W000001");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_TRUE(rec->discrepancies.empty());
  EXPECT_EQ(rec->warehouse_ids, std::vector<std::int64_t>{wh_});

  // Released goods leave the book at once, the ledger when they ship: until then they are
  // released, awaiting shipment, and no difference.
  Released();
  rec = book_.Reconcile(Ctx(), "T3105W000001");
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->discrepancies.empty());
  ASSERT_EQ(rec->awaiting_shipment.size(), 1u);
  EXPECT_EQ(rec->awaiting_shipment[0].warehouse_id, wh_);
  EXPECT_EQ(rec->awaiting_shipment[0].sku_id, milk_);
  EXPECT_EQ(rec->awaiting_shipment[0].quantity, 2);
  const auto ship = [&](std::int64_t qty) {
    inventory::Movement m;
    m.tenant_id = TenantId(kTenant);
    m.sku_id = milk_;
    m.lot_id = lot_;
    m.from = inventory::Place{wh_, a1_, StockState::kAvailable};
    m.quantity = qty;
    m.reason = inventory::MovementReason::kShip;
    m.ref_type = "test";
    m.at = clock_.Now();
    auto tx = Write();
    ASSERT_TRUE(tx->inventory().Post(std::span<inventory::Movement>(&m, 1)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  };
  ship(2);  // the released tins leave
  rec = book_.Reconcile(Ctx(), "T3105W000001");
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->discrepancies.empty());
  EXPECT_TRUE(rec->awaiting_shipment.empty());
  ship(1);  // a tin leaves without a release: a real difference
  rec = book_.Reconcile(Ctx(), "T3105W000001");
  ASSERT_TRUE(rec.ok());
  ASSERT_EQ(rec->discrepancies.size(), 1u);
  EXPECT_EQ(rec->discrepancies[0].book_quantity, 8);
  EXPECT_EQ(rec->discrepancies[0].ledger_quantity, 7);
  EXPECT_EQ(rec->discrepancies[0].difference, 1);
  EXPECT_EQ(rec->discrepancies[0].awaiting_shipment, 0);

  in.warehouse_id = wh_ + 100;
  EXPECT_EQ(book_.RecordInbound(Ctx(), "T3105W000001", in).status().field(), "warehouse_id");
  in.warehouse_id = wh_;
  in.quantity = 0;
  EXPECT_EQ(book_.RecordInbound(Ctx(), "T3105W000001", in).status().field(), "quantity");
  auto entries = book_.Entries(Ctx(access::Role::kReadOnly), "T3105W000001", 0, 50);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->first.size(), 2u);
}

}  // namespace
}  // namespace xb::customs_flow
