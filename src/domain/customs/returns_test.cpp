#include "domain/customs/returns.h"

#include <gtest/gtest.h>

namespace xb::customs {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }
Timestamp At(const char* iso) { return *Timestamp::ParseIso8601(iso); }

TEST(AnnualQuotaTest, UpToTheLimitIsAllowed) {
  EXPECT_TRUE(CheckAnnual(0, 2600000, 2600000).ok());
  EXPECT_TRUE(CheckAnnual(2500000, 100000, 2600000).ok());
  EXPECT_TRUE(CheckAnnual(2600000, 0, 2600000).ok());
}

TEST(AnnualQuotaTest, OverTheLimitNamesTheRuleAndTheNumbers) {
  const Status st = CheckAnnual(2500000, 100001, 2600000);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "annual_limit");
  EXPECT_EQ(st.message(),
            "annual_limit: annual total 25,000.00 + order 1,000.01 = 26,000.01 exceeds the "
            "annual limit 26,000.00 (remaining 1,000.00)");
  EXPECT_NE(CheckAnnual(2700000, 1, 2600000).message().find("remaining 0.00"), std::string::npos);
}

TEST(ReturnWindowTest, ApplyWithinThirtyDaysOfRelease) {
  const Timestamp released = At("2026-11-01T09:30:00Z");
  EXPECT_TRUE(CheckReturnApply(released, D(2026, 11, 1), 30).ok());
  EXPECT_TRUE(CheckReturnApply(released, D(2026, 12, 1), 30).ok());  // day 30
  const Status st = CheckReturnApply(released, D(2026, 12, 2), 30);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "return_window");
  EXPECT_EQ(st.message(),
            "return_window: released on 2026-11-01, a return may be applied for within 30 days "
            "(by 2026-12-01), not on 2026-12-02");
}

TEST(ReturnWindowTest, NothingReturnsBeforeItWasReleased) {
  const Status st = CheckReturnApply(At("2026-11-01T00:00:00Z"), D(2026, 10, 31), 30);
  EXPECT_EQ(st.field(), "return_window");
  EXPECT_NE(st.message().find("before the release"), std::string::npos);
}

TEST(ReturnWindowTest, GoodsBackWithinFortyFiveDays) {
  const Timestamp released = At("2026-11-01T23:59:59Z");
  EXPECT_TRUE(CheckReturnArrival(released, D(2026, 12, 16), 45).ok());
  const Status st = CheckReturnArrival(released, D(2026, 12, 17), 45);
  EXPECT_EQ(st.field(), "return_arrival");
  EXPECT_NE(st.message().find("45 days (by 2026-12-16)"), std::string::npos) << st.message();
}

TEST(ReconcileTest, ListsOnlyDifferingPairsSorted) {
  const std::vector<BookBalance> book = {{2, 5, 10}, {1, 7, 4}, {1, 5, 3}, {1, 5, 2}};
  const std::vector<BookBalance> ledger = {{1, 5, 5}, {1, 7, 3}, {3, 9, 6}};
  const std::vector<Discrepancy> d = Reconcile(book, ledger);
  ASSERT_EQ(d.size(), 3U);
  EXPECT_EQ(d[0].warehouse_id, 1);
  EXPECT_EQ(d[0].sku_id, 7);
  EXPECT_EQ(d[0].book_quantity, 4);
  EXPECT_EQ(d[0].ledger_quantity, 3);
  EXPECT_EQ(d[0].difference, 1);
  EXPECT_EQ(d[1].warehouse_id, 2);  // only in the book
  EXPECT_EQ(d[1].difference, 10);
  EXPECT_EQ(d[2].warehouse_id, 3);  // only in the ledger
  EXPECT_EQ(d[2].book_quantity, 0);
  EXPECT_EQ(d[2].difference, -6);
  EXPECT_TRUE(Reconcile(book, book).empty());
}

TEST(ReconcileTest, ReleasedGoodsAwaitingShipmentAreNoDifference) {
  // Book: 10 in, 3 out at release; ledger: 10 received, 1 shipped -> 2 released, not shipped.
  const std::vector<BookBalance> out = {{1, 5, 3}};
  const std::vector<BookBalance> shipped = {{1, 5, 1}, {1, 7, 4}};
  const auto awaiting = AwaitingShipment(out, shipped);
  ASSERT_EQ(awaiting.size(), 1U);
  EXPECT_EQ(awaiting[0].sku_id, 5);
  EXPECT_EQ(awaiting[0].quantity, 2);
  const std::vector<BookBalance> book = {{1, 5, 7}};
  const std::vector<BookBalance> ledger = {{1, 5, 9}};
  EXPECT_TRUE(Reconcile(book, ledger, awaiting).empty());
  const std::vector<BookBalance> short_ledger = {{1, 5, 8}};
  const auto d = Reconcile(book, short_ledger, awaiting);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].difference, 1);
  EXPECT_EQ(d[0].awaiting_shipment, 2);
  EXPECT_EQ(Reconcile(book, ledger).at(0).difference, -2);  // without it, a difference
}

TEST(ReturnsEnumTest, Names) {
  EXPECT_EQ(EnumChoices(QuotaEntryKind{})[2], "return");
  EXPECT_EQ(EnumChoices(ReturnState{})[static_cast<std::size_t>(ReturnState::kQuarantined)],
            "quarantined");
  EXPECT_EQ(
      EnumChoices(AccountEntryKind{})[static_cast<std::size_t>(AccountEntryKind::kReturnInbound)],
      "return_inbound");
}

}  // namespace
}  // namespace xb::customs
