#include "domain/inventory/inventory.h"

#include <gtest/gtest.h>

namespace xb::inventory {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

const PoolKey kPool{TenantId(1), 10, 100, "own"};

Reservation NewReservation(std::int64_t id, const PoolKey& pool = kPool) {
  Reservation r;
  r.id = ReservationId(id);
  r.tenant_id = pool.tenant_id;
  r.warehouse_id = pool.warehouse_id;
  r.sku_id = pool.sku_id;
  r.owner = pool.owner;
  r.order_ref = "SO-" + std::to_string(id);
  return r;
}

Movement Move(MovementReason reason, std::optional<Place> from, std::optional<Place> to) {
  Movement m;
  m.tenant_id = TenantId(1);
  m.sku_id = 5;
  m.quantity = 3;
  m.reason = reason;
  m.from = from;
  m.to = to;
  return m;
}

constexpr Place kAvail{1, 11, StockState::kAvailable};
constexpr Place kAvail2{1, 12, StockState::kAvailable};
constexpr Place kStaged{1, 90, StockState::kPicked};
constexpr Place kQuarantine{1, 11, StockState::kQuarantine};
constexpr Place kOtherWarehouse{2, 11, StockState::kAvailable};

// ---- enums, lots, expiry ----

TEST(InventoryTest, EnumChoicesAreSnakeCaseInDeclarationOrder) {
  EXPECT_EQ(EnumChoices(StockState{})[static_cast<int>(StockState::kCustomsHold)], "customs_hold");
  EXPECT_EQ(EnumChoices(StockState{}).size(), 5U);
  EXPECT_EQ(EnumChoices(MovementReason{})[static_cast<int>(MovementReason::kCountLoss)],
            "count_loss");
  EXPECT_EQ(EnumChoices(MovementReason{})[static_cast<int>(MovementReason::kReturn)], "return");
  EXPECT_EQ(EnumChoices(MovementReason{}).size(), 12U);
  EXPECT_EQ(EnumChoices(ReservationState{})[static_cast<int>(ReservationState::kConsumed)],
            "consumed");
}

TEST(InventoryTest, LotNumberUsesGs1CharacterSet82) {
  Lot lot;
  lot.sku_id = 1;
  lot.lot_number = "AB-12/x_(3)";
  EXPECT_TRUE(Validate(lot).ok());
  lot.lot_number = "";
  EXPECT_EQ(Validate(lot).field(), "lot_number");
  lot.lot_number = std::string(21, 'A');
  EXPECT_EQ(Validate(lot).code(), ErrorCode::kInvalidArgument);
  lot.lot_number = std::string(20, 'A');
  EXPECT_TRUE(Validate(lot).ok());
  lot.lot_number = "LOT 1";  // space is not in set 82
  EXPECT_EQ(Validate(lot).field(), "lot_number");
  lot.lot_number = "LOT#1";
  EXPECT_FALSE(Validate(lot).ok());
  lot.lot_number = "批次";
  EXPECT_FALSE(Validate(lot).ok());
}

TEST(InventoryTest, ExpiryBeforeProductionIsRejected) {
  Lot lot;
  lot.sku_id = 1;
  lot.lot_number = "L1";
  lot.production_date = D(2026, 5, 2);
  lot.expiry_date = D(2026, 5, 1);
  EXPECT_EQ(Validate(lot).field(), "expiry_date");
  lot.expiry_date = D(2026, 5, 2);
  EXPECT_TRUE(Validate(lot).ok());
}

TEST(InventoryTest, LotIsUsableThroughItsExpiryDateAndExpiredTheNextDay) {
  Lot lot;
  lot.expiry_date = D(2026, 6, 30);
  EXPECT_FALSE(IsExpired(lot, D(2026, 6, 29)));
  EXPECT_FALSE(IsExpired(lot, D(2026, 6, 30)));
  EXPECT_TRUE(IsExpired(lot, D(2026, 7, 1)));
  EXPECT_EQ(RemainingShelfLifeDays(lot.expiry_date, D(2026, 6, 30)), 0);
  EXPECT_EQ(RemainingShelfLifeDays(lot.expiry_date, D(2026, 6, 20)), 10);
  EXPECT_EQ(RemainingShelfLifeDays(lot.expiry_date, D(2026, 7, 2)), -2);
  EXPECT_TRUE(MeetsShelfLife(lot.expiry_date, D(2026, 6, 30), 0));
  EXPECT_FALSE(MeetsShelfLife(lot.expiry_date, D(2026, 7, 1), 0));
}

TEST(InventoryTest, LotWithoutExpiryNeverExpires) {
  Lot lot;
  EXPECT_FALSE(IsExpired(lot, D(2999, 1, 1)));
  EXPECT_EQ(RemainingShelfLifeDays(std::nullopt, D(2026, 1, 1)), std::nullopt);
  EXPECT_TRUE(MeetsShelfLife(std::nullopt, D(2026, 1, 1), 10000));
}

TEST(InventoryTest, MinimumRemainingShelfLifeIsInclusive) {
  const auto expiry = std::optional<Date>(D(2026, 6, 30));
  EXPECT_TRUE(MeetsShelfLife(expiry, D(2026, 6, 20), 10));
  EXPECT_FALSE(MeetsShelfLife(expiry, D(2026, 6, 21), 10));
}

TEST(InventoryTest, OwnerCodes) {
  EXPECT_TRUE(ValidateOwner("own").ok());
  EXPECT_TRUE(ValidateOwner("merchant-7.a_b").ok());
  EXPECT_EQ(ValidateOwner("").field(), "owner");
  EXPECT_FALSE(ValidateOwner(std::string(33, 'a')).ok());
  EXPECT_TRUE(ValidateOwner(std::string(32, 'a')).ok());
  EXPECT_FALSE(ValidateOwner("a b").ok());
}

// ---- movements ----

TEST(InventoryTest, EnteringReasonsHaveNoFrom) {
  for (auto reason :
       {MovementReason::kReceipt, MovementReason::kCountGain, MovementReason::kReturn}) {
    EXPECT_TRUE(Validate(Move(reason, std::nullopt, kAvail)).ok());
    EXPECT_EQ(Validate(Move(reason, kAvail2, kAvail)).field(), "from");
    EXPECT_EQ(Validate(Move(reason, kAvail, std::nullopt)).field(), "from");
  }
  EXPECT_TRUE(Validate(Move(MovementReason::kReturn, std::nullopt, kQuarantine)).ok());
}

TEST(InventoryTest, LeavingReasonsHaveNoTo) {
  for (auto reason : {MovementReason::kShip, MovementReason::kCountLoss, MovementReason::kScrap}) {
    EXPECT_TRUE(Validate(Move(reason, kAvail, std::nullopt)).ok());
    EXPECT_EQ(Validate(Move(reason, kAvail, kAvail2)).field(), "to");
    EXPECT_EQ(Validate(Move(reason, std::nullopt, kAvail)).field(), "to");
  }
  EXPECT_TRUE(Validate(Move(MovementReason::kShip, kStaged, std::nullopt)).ok());
  EXPECT_TRUE(Validate(Move(MovementReason::kScrap, kQuarantine, std::nullopt)).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kShip, kQuarantine, std::nullopt)).ok());
}

TEST(InventoryTest, InternalReasonsNeedBothSidesInOneWarehouse) {
  EXPECT_TRUE(Validate(Move(MovementReason::kMove, kAvail, kAvail2)).ok());
  EXPECT_TRUE(Validate(Move(MovementReason::kPutaway, kAvail, kAvail2)).ok());
  EXPECT_EQ(Validate(Move(MovementReason::kMove, kAvail, std::nullopt)).field(), "to");
  EXPECT_EQ(Validate(Move(MovementReason::kMove, std::nullopt, kAvail)).field(), "from");
  EXPECT_EQ(Validate(Move(MovementReason::kMove, kAvail, kOtherWarehouse)).field(), "to");
  EXPECT_EQ(Validate(Move(MovementReason::kMove, kAvail, kAvail)).field(), "to");
  EXPECT_FALSE(Validate(Move(MovementReason::kMove, kAvail, kQuarantine)).ok());
}

TEST(InventoryTest, StateChangingReasonsGoBetweenTheirStates) {
  EXPECT_TRUE(Validate(Move(MovementReason::kPick, kAvail, kStaged)).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kPick, kQuarantine, kStaged)).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kPick, kAvail, kAvail2)).ok());
  EXPECT_TRUE(Validate(Move(MovementReason::kUnpick, kStaged, kAvail)).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kUnpick, kAvail, kStaged)).ok());
  EXPECT_TRUE(Validate(Move(MovementReason::kHold, kAvail, kQuarantine)).ok());
  EXPECT_TRUE(
      Validate(Move(MovementReason::kHold, kAvail, Place{1, 11, StockState::kCustomsHold})).ok());
  EXPECT_TRUE(
      Validate(Move(MovementReason::kHold, kAvail, Place{1, 11, StockState::kDamaged})).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kHold, kAvail, kStaged)).ok());
  EXPECT_TRUE(Validate(Move(MovementReason::kRelease, kQuarantine, kAvail)).ok());
  EXPECT_FALSE(Validate(Move(MovementReason::kRelease, kStaged, kAvail)).ok());
  EXPECT_FALSE(
      Validate(Move(MovementReason::kRelease, kQuarantine, Place{1, 11, StockState::kDamaged}))
          .ok());
}

TEST(InventoryTest, MovementNeedsPositiveQuantitySkuAndPlaces) {
  auto m = Move(MovementReason::kReceipt, std::nullopt, kAvail);
  m.quantity = 0;
  EXPECT_EQ(Validate(m).field(), "quantity");
  m.quantity = 1;
  m.sku_id = 0;
  EXPECT_EQ(Validate(m).field(), "sku_id");
  EXPECT_FALSE(Validate(Move(MovementReason::kReceipt, std::nullopt, std::nullopt)).ok());
  EXPECT_EQ(
      Validate(Move(MovementReason::kReceipt, std::nullopt, Place{1, 0, StockState::kAvailable}))
          .field(),
      "to");
  auto bad_owner = Move(MovementReason::kReceipt, std::nullopt, kAvail);
  bad_owner.owner = "";
  EXPECT_EQ(Validate(bad_owner).field(), "owner");
}

TEST(InventoryTest, KeyOfTakesThePlaceAndTheGoods) {
  auto m = Move(MovementReason::kPick, kAvail, kStaged);
  m.lot_id = LotId(4);
  m.owner = "m1";
  const StockKey k = KeyOf(m, *m.to);
  EXPECT_EQ(k, (StockKey{1, 90, 5, LotId(4), "m1", StockState::kPicked}));
}

// ---- FEFO ----

TEST(InventoryTest, FefoTakesEarliestExpiryFirstAndUndatedLast) {
  const std::vector<LotAvailability> lots = {
      {LotId(1), std::nullopt, 100},
      {LotId(2), D(2026, 9, 1), 5},
      {LotId(3), D(2026, 8, 1), 4},
  };
  auto lines = AllocateFefo(lots, 12, D(2026, 7, 1), 0);
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ(lines->size(), 3U);
  EXPECT_EQ((*lines)[0], (ReservationLine{LotId(3), 4, 0}));
  EXPECT_EQ((*lines)[1], (ReservationLine{LotId(2), 5, 0}));
  EXPECT_EQ((*lines)[2], (ReservationLine{LotId(1), 3, 0}));
}

TEST(InventoryTest, FefoBreaksExpiryTiesByLotId) {
  const std::vector<LotAvailability> lots = {{LotId(9), D(2026, 8, 1), 5},
                                             {LotId(2), D(2026, 8, 1), 5}};
  auto lines = AllocateFefo(lots, 6, D(2026, 7, 1), 0);
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[0].lot_id, LotId(2));
  EXPECT_EQ((*lines)[1], (ReservationLine{LotId(9), 1, 0}));
}

TEST(InventoryTest, FefoSkipsExpiredAndShortDatedLots) {
  const std::vector<LotAvailability> lots = {
      {LotId(1), D(2026, 6, 30), 10},  // expired on 7-1
      {LotId(2), D(2026, 7, 5), 10},   // 4 days left
      {LotId(3), D(2026, 7, 11), 10},  // 10 days left
  };
  auto lines = AllocateFefo(lots, 10, D(2026, 7, 1), 10);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1U);
  EXPECT_EQ((*lines)[0].lot_id, LotId(3));
  auto on_expiry_day = AllocateFefo(lots, 10, D(2026, 6, 30), 0);
  ASSERT_TRUE(on_expiry_day.ok());
  EXPECT_EQ((*on_expiry_day)[0].lot_id, LotId(1));
}

TEST(InventoryTest, FefoIsAllOrNothingAndSaysWhatIsReservable) {
  const std::vector<LotAvailability> lots = {{LotId(1), D(2026, 6, 1), 50},
                                             {LotId(2), D(2026, 8, 1), 7}};
  auto lines = AllocateFefo(lots, 8, D(2026, 7, 1), 0);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(lines.status().message().find("7 reservable"), std::string::npos)
      << lines.status().message();
  EXPECT_EQ(AllocateFefo(lots, 0, D(2026, 7, 1), 0).status().code(), ErrorCode::kInvalidArgument);
}

TEST(InventoryTest, ReservationTotals) {
  Reservation r;
  r.lines = {{LotId(1), 5, 2}, {LotId(2), 3, 3}};
  EXPECT_EQ(r.Quantity(), 8);
  EXPECT_EQ(r.Picked(), 5);
  EXPECT_EQ(r.Outstanding(), 3);
  EXPECT_EQ(PoolOf(NewReservation(1)), kPool);
}

// ---- ReservationBook ----

class ReservationBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    book_.AddStock(kPool, LotId(1), D(2026, 9, 1), 10);
    book_.AddStock(kPool, LotId(2), D(2026, 8, 1), 5);
    book_.AddStock(kPool, LotId(3), D(2026, 7, 1), 4);  // expired from 7-2
  }
  ReservationBook book_;
  const Date today_ = D(2026, 7, 10);
};

TEST_F(ReservationBookTest, ReserveAllocatesFefoSkippingExpiredLots) {
  auto r = book_.Reserve(NewReservation(1), 7, today_, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->lines.size(), 2U);
  EXPECT_EQ(r->lines[0], (ReservationLine{LotId(2), 5, 0}));
  EXPECT_EQ(r->lines[1], (ReservationLine{LotId(1), 2, 0}));
  EXPECT_EQ(r->state, ReservationState::kActive);
  EXPECT_EQ(book_.Available(kPool), 8 + 4);  // the expired lot still counts as reservable stock
  ASSERT_NE(book_.Find(ReservationId(1)), nullptr);
  EXPECT_EQ(book_.Find(ReservationId(1))->Quantity(), 7);
  EXPECT_EQ(book_.active_count(), 1U);
}

TEST_F(ReservationBookTest, ReserveHonoursMinimumShelfLife) {
  // Lot 2 has 22 days left on 7-10, lot 1 has 53.
  auto r = book_.Reserve(NewReservation(1), 3, today_, 30);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->lines.size(), 1U);
  EXPECT_EQ(r->lines[0].lot_id, LotId(1));
}

TEST_F(ReservationBookTest, FailedReserveChangesNothing) {
  auto r = book_.Reserve(NewReservation(1), 16, today_, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("15 reservable"), std::string::npos) << r.status().message();
  EXPECT_EQ(book_.Available(kPool), 19);
  EXPECT_EQ(book_.active_count(), 0U);
  EXPECT_EQ(book_.Find(ReservationId(1)), nullptr);
}

TEST_F(ReservationBookTest, ReserveRefusesADuplicateIdAndAnUnassignedId) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 1, today_, 0).ok());
  EXPECT_EQ(book_.Reserve(NewReservation(1), 1, today_, 0).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(book_.Reserve(NewReservation(0), 1, today_, 0).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(book_.Available(kPool), 18);
}

TEST_F(ReservationBookTest, PoolsAreSeparateByOwnerWarehouseSkuAndTenant) {
  PoolKey other = kPool;
  other.owner = "m2";
  EXPECT_EQ(book_.Available(other), 0);
  EXPECT_EQ(book_.Reserve(NewReservation(1, other), 1, today_, 0).status().code(),
            ErrorCode::kFailedPrecondition);
  other = kPool;
  other.tenant_id = TenantId(2);
  EXPECT_EQ(book_.Available(other), 0);
}

TEST_F(ReservationBookTest, WithdrawRefusesToCutIntoReservedStock) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 4, today_, 0).ok());  // 4 of lot 2
  auto refused = book_.Withdraw(kPool, LotId(2), 2);
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(book_.Lots(kPool)[1].available, 1);  // unchanged
  EXPECT_TRUE(book_.Withdraw(kPool, LotId(2), 1).ok());
  EXPECT_EQ(book_.Available(kPool), 15 - 1);
  EXPECT_EQ(book_.Withdraw(kPool, LotId(99), 1).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(book_.Withdraw(kPool, LotId(1), 0).code(), ErrorCode::kInvalidArgument);
}

// ---- losses of reserved stock (count loss, scrap) ----

const auto kAnyMayChange = [](ReservationId) { return true; };
const Timestamp kLossAt = Timestamp::FromMicros(1'783'684'800'000'000);  // 2026-07-10 12:00 UTC

TEST_F(ReservationBookTest, ALossTakesUnreservedStockOfTheLotFirst) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 4, today_, 0).ok());  // 4 of lot 2, 1 free
  auto loss = book_.TakeLoss(kPool, LotId(2), 1, kLossAt, kAnyMayChange);
  ASSERT_TRUE(loss.ok()) << loss.status().ToString();
  EXPECT_EQ(loss->unreserved, 1);
  EXPECT_TRUE(loss->reservations.empty());
  EXPECT_EQ(book_.Find(ReservationId(1))->lines, (std::vector<ReservationLine>{{LotId(2), 4, 0}}));
  EXPECT_EQ(book_.Available(kPool), 10 + 4);  // lot 2 has nothing free any more
}

TEST_F(ReservationBookTest, ALossOfReservedStockShrinksTheReservationAndReReservesFefo) {
  ASSERT_EQ(Date::OfTimestamp(kLossAt), today_);
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 5, today_, 0).ok());  // all 5 of lot 2
  const std::vector<LotAvailability> lots_before = book_.Lots(kPool);
  auto loss = book_.TakeLoss(kPool, LotId(2), 3, kLossAt, kAnyMayChange);
  ASSERT_TRUE(loss.ok()) << loss.status().ToString();
  EXPECT_EQ(loss->unreserved, 0);
  ASSERT_EQ(loss->reservations.size(), 1U);
  const ReservationShrink& s = loss->reservations[0];
  EXPECT_EQ(s.lost, 3);
  // Lot 3 is expired: the 3 come from lot 1.
  EXPECT_EQ(s.re_reserved, (std::vector<ReservationLine>{{LotId(1), 3, 0}}));
  EXPECT_EQ(s.short_added, 0);
  EXPECT_EQ(s.before.lines, (std::vector<ReservationLine>{{LotId(2), 5, 0}}));
  const std::vector<ReservationLine> now{{LotId(2), 2, 0}, {LotId(1), 3, 0}};
  EXPECT_EQ(s.after.lines, now);
  EXPECT_EQ(s.after.updated_at, kLossAt);
  EXPECT_EQ(book_.Find(ReservationId(1))->lines, now);
  EXPECT_EQ(book_.Available(kPool), 7 + 4);

  // Undone (the movement was not posted), the book is as it was.
  book_.UndoLoss(*loss);
  EXPECT_EQ(book_.Find(ReservationId(1))->lines, (std::vector<ReservationLine>{{LotId(2), 5, 0}}));
  const std::vector<LotAvailability> lots_after = book_.Lots(kPool);
  ASSERT_EQ(lots_after.size(), lots_before.size());
  for (std::size_t i = 0; i < lots_after.size(); ++i) {
    EXPECT_EQ(lots_after[i].lot_id, lots_before[i].lot_id);
    EXPECT_EQ(lots_after[i].available, lots_before[i].available);
  }
}

TEST_F(ReservationBookTest, ALossShrinksUnconfirmedLatestExpiringThenNewestFirstAndLeavesShort) {
  Reservation confirmed = NewReservation(1);  // no expires_at: confirmed
  Reservation early = NewReservation(2);
  early.expires_at = Timestamp::FromMicros(kLossAt.micros() + 60'000'000);
  Reservation late = NewReservation(3);
  late.expires_at = Timestamp::FromMicros(kLossAt.micros() + 120'000'000);
  ASSERT_TRUE(book_.Reserve(confirmed, 3, today_, 0).ok());
  ASSERT_TRUE(book_.Reserve(early, 1, today_, 0).ok());
  ASSERT_TRUE(book_.Reserve(late, 1, today_, 0).ok());
  ASSERT_TRUE(book_.Withdraw(kPool, LotId(1), 10).ok());  // nothing left to re-reserve from
  auto loss = book_.TakeLoss(kPool, LotId(2), 4, kLossAt, kAnyMayChange);
  ASSERT_TRUE(loss.ok()) << loss.status().ToString();
  ASSERT_EQ(loss->reservations.size(), 3U);
  EXPECT_EQ(loss->reservations[0].after.id, ReservationId(3));
  EXPECT_EQ(loss->reservations[1].after.id, ReservationId(2));
  EXPECT_EQ(loss->reservations[2].after.id, ReservationId(1));
  EXPECT_EQ(loss->reservations[2].lost, 2);
  for (const auto& s : loss->reservations) {
    EXPECT_TRUE(s.re_reserved.empty());
    EXPECT_EQ(s.short_added, s.lost);
  }
  EXPECT_TRUE(book_.Find(ReservationId(3))->lines.empty());
  EXPECT_EQ(book_.Find(ReservationId(3))->short_quantity, 1);
  EXPECT_EQ(book_.Find(ReservationId(1))->lines, (std::vector<ReservationLine>{{LotId(2), 1, 0}}));
  EXPECT_EQ(book_.Find(ReservationId(1))->short_quantity, 2);
  EXPECT_EQ(book_.Find(ReservationId(1))->Quantity() + book_.Find(ReservationId(1))->short_quantity,
            3);
  EXPECT_EQ(book_.active_count(), 3U);  // short, not gone: the order side decides
}

TEST_F(ReservationBookTest, ReReservingHonoursTheReservationsShelfLife) {
  // Lot 5 has 15 days left on 7-10, lot 2 (the lost one) 22, lot 1 53.
  const auto re_reserved_lot = [&](std::optional<std::int64_t> min_days) -> LotId {
    ReservationBook book;
    book.AddStock(kPool, LotId(1), D(2026, 9, 1), 10);
    book.AddStock(kPool, LotId(2), D(2026, 8, 1), 5);
    Reservation r = NewReservation(1);
    r.min_remaining_days = min_days;
    EXPECT_TRUE(book.Reserve(r, 5, today_, 0).ok());    // all 5 of lot 2
    book.Deposit(kPool, LotId(5), D(2026, 7, 25), 10);  // arrives after the reservation
    auto loss = book.TakeLoss(kPool, LotId(2), 5, kLossAt, kAnyMayChange);
    EXPECT_TRUE(loss.ok()) << loss.status().ToString();
    if (!loss.ok() || loss->reservations.size() != 1 ||
        loss->reservations[0].re_reserved.size() != 1) {
      return LotId();
    }
    return loss->reservations[0].re_reserved[0].lot_id;
  };
  EXPECT_EQ(re_reserved_lot(0), LotId(5));   // FEFO: the earliest expiry the channel accepts
  EXPECT_EQ(re_reserved_lot(20), LotId(1));  // lot 5 is too short-dated for 20 days
  // Unknown minimum: only lots expiring no earlier than the lost one, which met it.
  EXPECT_EQ(re_reserved_lot(std::nullopt), LotId(1));
}

TEST_F(ReservationBookTest, ALossThatMayNotChangeAReservationOrExceedsTheLotChangesNothing) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 4, today_, 0).ok());  // 4 of lot 2, 1 free
  auto busy = book_.TakeLoss(kPool, LotId(2), 2, kLossAt, [](ReservationId) { return false; });
  EXPECT_EQ(busy.status().code(), ErrorCode::kConflict);
  auto too_much = book_.TakeLoss(kPool, LotId(2), 6, kLossAt, kAnyMayChange);
  EXPECT_EQ(too_much.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(too_much.status().message().find("only 5 of lot 2"), std::string::npos)
      << too_much.status().message();
  EXPECT_EQ(book_.TakeLoss(kPool, LotId(2), 0, kLossAt, kAnyMayChange).status().code(),
            ErrorCode::kInvalidArgument);
  // A loss the free stock covers needs no reservation to change.
  EXPECT_TRUE(
      book_.TakeLoss(kPool, LotId(2), 1, kLossAt, [](ReservationId) { return false; }).ok());
  EXPECT_EQ(book_.Find(ReservationId(1))->lines, (std::vector<ReservationLine>{{LotId(2), 4, 0}}));
  EXPECT_EQ(book_.Available(kPool), 14);
}

TEST_F(ReservationBookTest, DepositAddsToALotAndNewLotsJoinFefo) {
  book_.Deposit(kPool, LotId(4), D(2026, 7, 20), 6);
  auto r = book_.Reserve(NewReservation(1), 2, today_, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lines[0].lot_id, LotId(4));
  EXPECT_EQ(book_.Available(kPool), 23);
}

TEST_F(ReservationBookTest, ReleaseGivesBackWhatIsOutstandingAfterAPartialPick) {
  auto r = book_.Reserve(NewReservation(1), 7, today_, 0);  // lot 2: 5, lot 1: 2
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(book_.TakeForPick(ReservationId(1), LotId(2), 3).ok());
  EXPECT_EQ(book_.Available(kPool), 12);  // picking does not change available
  EXPECT_EQ(book_.Find(ReservationId(1))->Picked(), 3);
  auto released = book_.Release(ReservationId(1));
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released->Picked(), 3);
  // 4 of the 7 come back; the 3 picked have left the available state.
  EXPECT_EQ(book_.Available(kPool), 16);
  EXPECT_EQ(book_.active_count(), 0U);
  EXPECT_EQ(book_.Release(ReservationId(1)).status().code(), ErrorCode::kNotFound);
}

TEST_F(ReservationBookTest, TakeForPickRefusesMoreThanOutstandingOnTheLot) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 7, today_, 0).ok());
  EXPECT_EQ(book_.TakeForPick(ReservationId(1), LotId(1), 3).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(book_.TakeForPick(ReservationId(1), LotId(3), 1).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(book_.TakeForPick(ReservationId(9), LotId(1), 1).code(), ErrorCode::kNotFound);
  EXPECT_EQ(book_.Find(ReservationId(1))->Picked(), 0);
}

TEST_F(ReservationBookTest, FullyPickedReservationIsConsumedAndUndoBringsItBack) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 2, today_, 0).ok());  // lot 2: 2
  ASSERT_TRUE(book_.TakeForPick(ReservationId(1), LotId(2), 2).ok());
  EXPECT_EQ(book_.Find(ReservationId(1)), nullptr);
  EXPECT_EQ(book_.active_count(), 0U);
  book_.UndoTakeForPick(ReservationId(1), LotId(2), 2);
  ASSERT_NE(book_.Find(ReservationId(1)), nullptr);
  EXPECT_EQ(book_.Find(ReservationId(1))->Outstanding(), 2);
  EXPECT_EQ(book_.Find(ReservationId(1))->state, ReservationState::kActive);
  ASSERT_TRUE(book_.Release(ReservationId(1)).ok());
  EXPECT_EQ(book_.Available(kPool), 19);
}

TEST_F(ReservationBookTest, UndoTakeForPickRestoresThePickedCount) {
  ASSERT_TRUE(book_.Reserve(NewReservation(1), 7, today_, 0).ok());
  ASSERT_TRUE(book_.TakeForPick(ReservationId(1), LotId(2), 4).ok());
  book_.UndoTakeForPick(ReservationId(1), LotId(2), 4);
  EXPECT_EQ(book_.Find(ReservationId(1))->Picked(), 0);
  EXPECT_EQ(book_.Available(kPool), 12);
}

TEST_F(ReservationBookTest, LapsedListsActiveReservationsDueAtOrBeforeNow) {
  const auto t = [](std::int64_t s) { return Timestamp::FromMicros(s * 1'000'000); };
  auto a = NewReservation(1);
  a.expires_at = t(100);
  auto b = NewReservation(2);
  b.expires_at = t(200);
  auto c = NewReservation(3);  // confirmed: no lapse
  ASSERT_TRUE(book_.Reserve(a, 1, today_, 0).ok());
  ASSERT_TRUE(book_.Reserve(b, 1, today_, 0).ok());
  ASSERT_TRUE(book_.Reserve(c, 1, today_, 0).ok());
  EXPECT_EQ(book_.Lapsed(t(99)), std::vector<ReservationId>{});
  EXPECT_EQ(book_.Lapsed(t(100)), std::vector<ReservationId>{ReservationId(1)});
  EXPECT_EQ(book_.Lapsed(t(500)), (std::vector<ReservationId>{ReservationId(1), ReservationId(2)}));
  ASSERT_TRUE(book_.Confirm(ReservationId(2)).ok());
  EXPECT_EQ(book_.Lapsed(t(500)), std::vector<ReservationId>{ReservationId(1)});
  EXPECT_EQ(book_.Confirm(ReservationId(8)).code(), ErrorCode::kNotFound);
}

TEST_F(ReservationBookTest, LapsedFollowsReleasePickUndoAndReload) {
  const auto t = [](std::int64_t s) { return Timestamp::FromMicros(s * 1'000'000); };
  auto a = NewReservation(1);
  a.expires_at = t(300);
  auto b = NewReservation(2);
  b.expires_at = t(100);
  auto c = NewReservation(3);
  c.expires_at = t(200);
  ASSERT_TRUE(book_.Reserve(a, 1, today_, 0).ok());
  ASSERT_TRUE(book_.Reserve(b, 1, today_, 0).ok());
  auto reserved_c = book_.Reserve(c, 1, today_, 0);
  ASSERT_TRUE(reserved_c.ok());
  // Due ones only, listed by id whatever their expiry order.
  EXPECT_EQ(book_.Lapsed(t(200)), (std::vector<ReservationId>{ReservationId(2), ReservationId(3)}));
  EXPECT_EQ(book_.Lapsed(t(1000)),
            (std::vector<ReservationId>{ReservationId(1), ReservationId(2), ReservationId(3)}));
  // A released one no longer lapses.
  ASSERT_TRUE(book_.Release(ReservationId(2)).ok());
  EXPECT_EQ(book_.Lapsed(t(1000)),
            (std::vector<ReservationId>{ReservationId(1), ReservationId(3)}));
  // A fully picked one leaves the book and the lapse list; undoing the pick brings it back.
  const LotId lot = reserved_c->lines.at(0).lot_id;
  ASSERT_TRUE(book_.TakeForPick(ReservationId(3), lot, 1).ok());
  EXPECT_EQ(book_.Lapsed(t(1000)), std::vector<ReservationId>{ReservationId(1)});
  book_.UndoTakeForPick(ReservationId(3), lot, 1);
  EXPECT_EQ(book_.Lapsed(t(1000)),
            (std::vector<ReservationId>{ReservationId(1), ReservationId(3)}));
  // Loading a reservation again replaces its expiry.
  auto later = *book_.Find(ReservationId(1));
  later.expires_at = t(2000);
  book_.Load(later);
  EXPECT_EQ(book_.Lapsed(t(1000)), std::vector<ReservationId>{ReservationId(3)});
  EXPECT_EQ(book_.Lapsed(t(2000)),
            (std::vector<ReservationId>{ReservationId(1), ReservationId(3)}));
  // Confirmed: no lapse any more.
  ASSERT_TRUE(book_.Confirm(ReservationId(1)).ok());
  EXPECT_EQ(book_.Lapsed(t(5000)), std::vector<ReservationId>{ReservationId(3)});
}

TEST_F(ReservationBookTest, LoadTakesOutstandingLinesWithoutCheckingAvailability) {
  auto r = NewReservation(5);
  r.lines = {{LotId(1), 12, 1}, {LotId(2), 1, 0}};  // lot 1 is over-reserved by 1
  book_.Load(r);
  EXPECT_EQ(book_.active_count(), 1U);
  // Lot 1: 10 - 11 = -1 (counts as 0), lot 2: 4, lot 3: 4.
  EXPECT_EQ(book_.Available(kPool), 8);
  EXPECT_EQ(book_.Withdraw(kPool, LotId(1), 1).code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(book_.Release(ReservationId(5)).ok());
  EXPECT_EQ(book_.Available(kPool), 19);
  auto released = NewReservation(6);
  released.state = ReservationState::kReleased;
  released.lines = {{LotId(1), 3, 0}};
  book_.Load(released);
  EXPECT_EQ(book_.active_count(), 1U - 1U);
  EXPECT_EQ(book_.Available(kPool), 19);
}

TEST_F(ReservationBookTest, LotsAreListedInFefoOrder) {
  const auto lots = book_.Lots(kPool);
  ASSERT_EQ(lots.size(), 3U);
  EXPECT_EQ(lots[0].lot_id, LotId(3));
  EXPECT_EQ(lots[1].lot_id, LotId(2));
  EXPECT_EQ(lots[2].lot_id, LotId(1));
}

}  // namespace
}  // namespace xb::inventory
