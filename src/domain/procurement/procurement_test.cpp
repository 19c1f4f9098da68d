#include "domain/procurement/procurement.h"

#include <gtest/gtest.h>

namespace xb::procurement {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

PurchaseOrder TwoLineOrder() {
  PurchaseOrder po;
  po.id = PurchaseOrderId(7);
  po.code = "PO-1";
  po.supplier_id = 3;
  po.warehouse_id = 2;
  po.currency = "AUD";
  po.order_date = D(2026, 9, 1);
  po.expected_date = D(2026, 9, 20);
  po.lines = {{1, 11, 100, 1500, 1500, 0, 0, 0}, {2, 12, 50, 2000, 1800, 0, 0, 0}};
  return po;
}

GoodsReceipt Receive(Date on, std::vector<ReceiptLine> lines) {
  GoodsReceipt r;
  r.purchase_order_id = 7;
  r.received_on = on;
  r.lines = std::move(lines);
  return r;
}

TEST(ProcurementTest, OrderMovesFromDraftThroughPartlyReceivedToReceived) {
  auto po = Confirm(TwoLineOrder());
  ASSERT_TRUE(po.ok());
  EXPECT_EQ(po->status, PoStatus::kConfirmed);
  auto part = ApplyReceipt(*po, Receive(D(2026, 9, 18), {{1, 100, 98, 2, "crushed cartons"}}));
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->status, PoStatus::kPartlyReceived);
  auto all = ApplyReceipt(*part, Receive(D(2026, 9, 25), {{2, 50, 50, 0, ""}}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->status, PoStatus::kReceived);
  EXPECT_EQ(all->lines[0].accepted_qty, 98);
}

TEST(ProcurementTest, DraftOrdersCannotReceiveAndReceivedOrdersCannotBeCancelled) {
  EXPECT_EQ(
      ApplyReceipt(TwoLineOrder(), Receive(D(2026, 9, 2), {{1, 1, 1, 0, ""}})).status().code(),
      ErrorCode::kFailedPrecondition);
  auto po = Confirm(TwoLineOrder());
  auto all = ApplyReceipt(*po, Receive(D(2026, 9, 2), {{1, 100, 100, 0, ""}, {2, 50, 50, 0, ""}}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Cancel(*all).status().code(), ErrorCode::kFailedPrecondition);
}

TEST(ProcurementTest, OverReceiptIsRecordedAsItIs) {
  auto po = Confirm(TwoLineOrder());
  auto over = ApplyReceipt(*po, Receive(D(2026, 9, 2), {{1, 120, 120, 0, ""}}));
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(over->lines[0].received_qty, 120);
}

TEST(ProcurementTest, InconsistentReceiptLinesAreRefused) {
  auto po = *Confirm(TwoLineOrder());
  EXPECT_FALSE(ApplyReceipt(po, Receive(D(2026, 9, 2), {{3, 1, 1, 0, ""}})).ok());
  EXPECT_FALSE(ApplyReceipt(po, Receive(D(2026, 9, 2), {{1, 10, 5, 4, "x"}})).ok());
  EXPECT_FALSE(ApplyReceipt(po, Receive(D(2026, 9, 2), {{1, 10, 5, 5, ""}})).ok());
  EXPECT_FALSE(ApplyReceipt(po, Receive(D(2026, 8, 2), {{1, 10, 10, 0, ""}})).ok());
}

TEST(ProcurementTest, OrderValidationNamesTheProblem) {
  auto po = TwoLineOrder();
  po.lines[1].sku_id = 11;
  EXPECT_NE(Validate(po).message().find("already on another line"), std::string::npos);
  po = TwoLineOrder();
  po.expected_date = D(2026, 8, 1);
  EXPECT_EQ(Validate(po).field(), "expected_date");
  EXPECT_TRUE(Validate(TwoLineOrder()).ok());
  EXPECT_EQ(TwoLineOrder().TotalMinor(), 100 * 1500 + 50 * 2000);
}

TEST(ProcurementTest, PerformanceComesFromReceiptsAndLines) {
  auto po = *Confirm(TwoLineOrder());
  const auto r1 = Receive(D(2026, 9, 18), {{1, 100, 90, 10, "damaged"}});
  const auto r2 = Receive(D(2026, 9, 24), {{2, 40, 40, 0, ""}});
  po = *ApplyReceipt(po, r1);
  po = *ApplyReceipt(po, r2);
  const auto f = MeasurePerformance({po}, {r1, r2});
  EXPECT_DOUBLE_EQ(*f.on_time_rate, 50.0);  // one of two receipts on time
  EXPECT_DOUBLE_EQ(*f.acceptance_rate, 100.0 * 130 / 140);
  EXPECT_DOUBLE_EQ(*f.fill_rate, 100.0 * 140 / 150);
  EXPECT_DOUBLE_EQ(*f.price_variance, 100.0 * (0.0 + 200.0 / 1800.0) / 2);
  ASSERT_TRUE(f.lead_time_variability.has_value());  // lead days 17 and 23
}

TEST(ProcurementTest, NothingToMeasureLeavesRatesAbsent) {
  const auto f = MeasurePerformance({}, {});
  EXPECT_FALSE(f.on_time_rate.has_value());
  EXPECT_FALSE(f.fill_rate.has_value());
  EXPECT_FALSE(f.price_variance.has_value());
}

TEST(ProcurementTest, PriceEntriesNeedALeadTimeAndAPositivePrice) {
  PriceListEntry e;
  e.supplier_id = 1;
  e.sku_id = 2;
  e.currency = "EUR";
  e.unit_price_minor = 999;
  e.valid_from = D(2026, 1, 1);
  EXPECT_EQ(Validate(e).field(), "lead_time_days");
  e.lead_time_days[TransportMode::kSea] = 35;
  EXPECT_TRUE(Validate(e).ok());
  EXPECT_TRUE(ValidOn(e, D(2026, 6, 1)));
  e.valid_to = D(2026, 3, 31);
  EXPECT_FALSE(ValidOn(e, D(2026, 6, 1)));
  e.unit_price_minor = 0;
  EXPECT_EQ(Validate(e).field(), "unit_price");
}

}  // namespace
}  // namespace xb::procurement
