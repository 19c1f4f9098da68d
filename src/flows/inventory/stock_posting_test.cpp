#include "flows/inventory/stock_posting.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "domain/events/event_log.h"
#include "flows/inventory/inventory_test_support.h"
#include "flows/inventory/reservation_engine.h"

namespace xb::inventory_flow {
namespace {

using inventory::Balance;
using inventory::LotId;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Place;
using inventory::PoolKey;
using inventory::Reservation;
using inventory::ReservationState;
using inventory::StockState;

constexpr std::int64_t kWarehouse = 3;
constexpr std::int64_t kSku = 42;
constexpr std::int64_t kOtherSku = 43;
constexpr std::int64_t kShelf = 1;
constexpr std::int64_t kStaging = 9;
constexpr std::int64_t kShelf2 = 2;
constexpr std::int64_t kNow = 1'795'595'400'000'000;

class StockPostingTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string skip = scratch_.Prepare(GetParam());
    if (!skip.empty()) GTEST_SKIP() << skip;
    auto db = scratch_.Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    tenant_ = testing::AddTenant(*db_, "alpha");
    lot_ = AddLot(kSku, "L-1", *Date::FromYmd(2027, 5, 31));
    other_lot_ = AddLot(kOtherSku, "L-9", std::nullopt);
    EngineOptions options;
    options.sweep_every = std::chrono::milliseconds(0);
    engine_ = std::make_unique<ReservationEngine>(*db_, clock_, options);
    ASSERT_TRUE(engine_->Start().ok());
    // 10 on the shelf, through a posting, so the engine hears of it.
    ASSERT_TRUE(PostAndCommit({Receipt(10)}).ok());
  }

  void TearDown() override {
    engine_.reset();
    db_.reset();
  }

  LotId AddLot(std::int64_t sku, const std::string& number, std::optional<Date> expiry) {
    inventory::Lot lot;
    lot.tenant_id = tenant_;
    lot.sku_id = sku;
    lot.lot_number = number;
    lot.expiry_date = expiry;
    lot.created_at = clock_.Now();
    auto tx = db_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    auto stored = (*tx)->inventory().InsertLot(lot);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
    return stored.ok() ? stored->id : LotId();
  }

  Movement Base(std::int64_t qty, MovementReason reason) const {
    Movement m;
    m.tenant_id = tenant_;
    m.sku_id = kSku;
    m.lot_id = lot_;
    m.quantity = qty;
    m.reason = reason;
    m.ref_type = "test";
    m.ref_id = "1";
    m.at = clock_.Now();
    return m;
  }
  Movement Receipt(std::int64_t qty) const {
    Movement m = Base(qty, MovementReason::kReceipt);
    m.to = Place{kWarehouse, kShelf, StockState::kAvailable};
    return m;
  }
  Movement Hold(std::int64_t qty, std::int64_t bin = kShelf) const {
    Movement m = Base(qty, MovementReason::kHold);
    m.from = Place{kWarehouse, bin, StockState::kAvailable};
    m.to = Place{kWarehouse, bin, StockState::kQuarantine};
    return m;
  }
  Movement ReleaseHold(std::int64_t qty) const {
    Movement m = Base(qty, MovementReason::kRelease);
    m.from = Place{kWarehouse, kShelf, StockState::kQuarantine};
    m.to = Place{kWarehouse, kShelf, StockState::kAvailable};
    return m;
  }
  Movement Pick(std::int64_t qty, const Reservation& r) const {
    Movement m = Base(qty, MovementReason::kPick);
    m.from = Place{kWarehouse, kShelf, StockState::kAvailable};
    m.to = Place{kWarehouse, kStaging, StockState::kPicked};
    m.ref_type = "reservation";
    m.ref_id = std::to_string(r.id.value());
    return m;
  }

  Movement Loss(std::int64_t qty, std::int64_t bin = kShelf,
                MovementReason reason = MovementReason::kCountLoss) const {
    Movement m = Base(qty, reason);
    m.from = Place{kWarehouse, bin, StockState::kAvailable};
    m.ref_type = "task";
    m.note = "count";
    return m;
  }
  Movement ReceiptOf(LotId lot, std::int64_t qty, std::int64_t bin) const {
    Movement m = Receipt(qty);
    m.lot_id = lot;
    m.to = Place{kWarehouse, bin, StockState::kAvailable};
    return m;
  }

  // The business events about reservation `r`, oldest first.
  std::vector<events::BusinessEvent> EventsOf(const Reservation& r) {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    events::EventQuery q;
    q.entity = "reservation";
    q.entity_id = r.id.value();
    auto list = (*tx)->events().List(tenant_, q);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<events::BusinessEvent>();
  }

  // A second engine started on the same store sees what the running one holds: the books
  // learnt of the loss exactly as a restart rebuilds them.
  void ExpectRestartAgrees(const Reservation& r) {
    EngineOptions options;
    options.sweep_every = std::chrono::milliseconds(0);
    ReservationEngine fresh(*db_, clock_, options);
    ASSERT_TRUE(fresh.Start().ok());
    EXPECT_EQ(fresh.Available(Pool()), engine_->Available(Pool()));
    const auto lots = fresh.Lots(Pool());
    const auto held = engine_->Lots(Pool());
    ASSERT_EQ(lots.size(), held.size());
    for (std::size_t i = 0; i < lots.size(); ++i) {
      EXPECT_EQ(lots[i].lot_id, held[i].lot_id);
      EXPECT_EQ(lots[i].available, held[i].available);
    }
    ASSERT_TRUE(fresh.Find(tenant_, r.id).has_value());
    EXPECT_EQ(fresh.Find(tenant_, r.id)->lines, engine_->Find(tenant_, r.id)->lines);
    fresh.Stop();
  }

  Status PostAndCommit(std::vector<Movement> movements, ReservationEngine* engine = nullptr,
                       bool use_engine = true) {
    StockPosting posting(use_engine ? (engine != nullptr ? engine : engine_.get()) : nullptr);
    XB_ASSIGN_OR_RETURN(auto tx, db_->Begin(store::TxMode::kWrite));
    XB_RETURN_IF_ERROR(posting.Post(*tx, movements));
    XB_RETURN_IF_ERROR(tx->Commit());
    posting.Committed();
    return Status::Ok();
  }

  Reservation Reserve(std::int64_t qty, std::int64_t min_remaining_days = 0) {
    ReserveRequest r;
    r.min_remaining_days = min_remaining_days;
    r.order_ref = "SO-1";
    r.tenant_id = tenant_;
    r.warehouse_id = kWarehouse;
    r.sku_id = kSku;
    r.quantity = qty;
    auto answer = engine_->Reserve(r);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? answer->reservation : Reservation();
  }

  // On hand in the store at (bin, state) of the lot.
  std::int64_t OnHand(std::int64_t bin, StockState state) {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    inventory::BalanceQuery q;
    q.warehouse_id = kWarehouse;
    q.bin_id = bin;
    q.sku_id = kSku;
    q.state = state;
    auto page = (*tx)->inventory().ListBalances(tenant_, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::int64_t total = 0;
    for (const Balance& b : page->first) total += b.on_hand;
    return total;
  }

  std::int64_t MovementCount() {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    inventory::MovementQuery q;
    q.limit = 1000;
    auto list = (*tx)->inventory().ListMovements(tenant_, q);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return static_cast<std::int64_t>(list->size());
  }

  Reservation Stored(const Reservation& r) {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto got = (*tx)->inventory().GetReservation(tenant_, r.id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : Reservation();
  }

  PoolKey Pool() const { return PoolKey{tenant_, kWarehouse, kSku, "own"}; }

  testing::ScratchDatabase scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ReservationEngine> engine_;
  FakeClock clock_{Timestamp::FromMicros(kNow)};
  TenantId tenant_;
  LotId lot_;
  LotId other_lot_;
};

TEST_P(StockPostingTest, ArrivingStockBecomesReservableAfterTheCommit) {
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
  ASSERT_EQ(engine_->Lots(Pool()).size(), 1U);
  EXPECT_EQ(engine_->Lots(Pool())[0].expiry_date, Date::FromYmd(2027, 5, 31).value());
}

TEST_P(StockPostingTest, TakingReservedStockIsRefusedAndChangesNothing) {
  Reserve(8);
  const std::int64_t movements = MovementCount();
  const Status st = PostAndCommit({Hold(3)});
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("stock is reserved"), std::string::npos) << st.message();
  EXPECT_EQ(engine_->Available(Pool()), 2);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
  EXPECT_EQ(OnHand(kShelf, StockState::kQuarantine), 0);
  EXPECT_EQ(MovementCount(), movements);
}

TEST_P(StockPostingTest, UnreservedStockMayLeaveAndComesBackOnRelease) {
  Reserve(8);
  ASSERT_TRUE(PostAndCommit({Hold(2)}).ok());
  EXPECT_EQ(engine_->Available(Pool()), 0);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 8);
  EXPECT_EQ(OnHand(kShelf, StockState::kQuarantine), 2);
  ASSERT_TRUE(PostAndCommit({ReleaseHold(2)}).ok());
  EXPECT_EQ(engine_->Available(Pool()), 2);
}

TEST_P(StockPostingTest, PickingTakesFromTheReservation) {
  const Reservation r = Reserve(6);
  ASSERT_TRUE(PostAndCommit({Pick(4, r)}).ok());
  EXPECT_EQ(engine_->Available(Pool()), 4);  // picking does not change what is reservable
  ASSERT_TRUE(engine_->Find(tenant_, r.id).has_value());
  EXPECT_EQ(engine_->Find(tenant_, r.id)->Picked(), 4);
  EXPECT_EQ(Stored(r).Picked(), 4);
  EXPECT_EQ(OnHand(kStaging, StockState::kPicked), 4);

  // Picking more than is outstanding is refused.
  EXPECT_EQ(PostAndCommit({Pick(3, r)}).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Find(tenant_, r.id)->Picked(), 4);

  ASSERT_TRUE(PostAndCommit({Pick(2, r)}).ok());
  EXPECT_FALSE(engine_->Find(tenant_, r.id).has_value());  // consumed
  EXPECT_EQ(Stored(r).state, ReservationState::kConsumed);
  EXPECT_EQ(engine_->Available(Pool()), 4);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 4);
}

TEST_P(StockPostingTest, ATransactionThatIsNotCommittedGivesEverythingBack) {
  const Reservation r = Reserve(6);
  {
    StockPosting posting(engine_.get());
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    std::vector<Movement> movements{Pick(6, r), Hold(3)};
    ASSERT_TRUE(posting.Post(**tx, movements).ok());
    EXPECT_FALSE(engine_->Find(tenant_, r.id).has_value());  // consumed, for now
    EXPECT_EQ(engine_->Available(Pool()), 1);
    // No commit: the transaction rolls back, the posting gives back what it took.
  }
  ASSERT_TRUE(engine_->Find(tenant_, r.id).has_value());
  EXPECT_EQ(engine_->Find(tenant_, r.id)->Picked(), 0);
  EXPECT_EQ(engine_->Available(Pool()), 4);
  EXPECT_EQ(Stored(r).Picked(), 0);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
  // And the reservation can be picked for real.
  ASSERT_TRUE(PostAndCommit({Pick(6, r)}).ok());
}

TEST_P(StockPostingTest, AReservationBeingPickedIsNotChangedUntilThePickEnds) {
  const Reservation r = Reserve(6);
  {
    StockPosting posting(engine_.get());
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    std::vector<Movement> movements{Pick(2, r)};
    ASSERT_TRUE(posting.Post(**tx, movements).ok());
    // A release now would write picked quantities that the rollback below takes back.
    EXPECT_EQ(engine_->Release(tenant_, r.id).status().code(), ErrorCode::kConflict);
    EXPECT_EQ(engine_->Confirm(tenant_, r.id).status().code(), ErrorCode::kConflict);
  }
  auto released = engine_->Release(tenant_, r.id);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->Picked(), 0);
  EXPECT_EQ(Stored(r).Picked(), 0);
  EXPECT_EQ(engine_->Available(Pool()), 10);

  const Reservation again = Reserve(6);
  ASSERT_TRUE(PostAndCommit({Pick(2, again)}).ok());
  auto after_commit = engine_->Release(tenant_, again.id);
  ASSERT_TRUE(after_commit.ok()) << after_commit.status().ToString();
  EXPECT_EQ(Stored(again).Picked(), 2);
  EXPECT_EQ(Stored(again).state, ReservationState::kReleased);
  EXPECT_EQ(engine_->Available(Pool()), 8);
}

TEST_P(StockPostingTest, AStoreRefusalGivesBackWhatThePostTook) {
  // The pool has 10 available, but bin 2 holds none of it: the store refuses the hold there.
  const Status st = PostAndCommit({Hold(1), Hold(2, /*bin=*/2)});
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(OnHand(kShelf, StockState::kQuarantine), 0);
}

TEST_P(StockPostingTest, ALotOfAnotherSkuIsRejected) {
  Movement wrong = Receipt(5);
  wrong.lot_id = other_lot_;
  const Status st = PostAndCommit({wrong});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "lot_id");
  Movement unknown = Receipt(5);
  unknown.lot_id = LotId(987'654);
  EXPECT_EQ(PostAndCommit({unknown}).field(), "lot_id");
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
}

TEST_P(StockPostingTest, APickMustNameAReservationOfItsPool) {
  const Reservation r = Reserve(2);
  Movement no_ref = Pick(1, r);
  no_ref.ref_type = "order";
  EXPECT_EQ(PostAndCommit({no_ref}).field(), "ref_type");
  Movement bad_id = Pick(1, r);
  bad_id.ref_id = "12x";
  EXPECT_EQ(PostAndCommit({bad_id}).field(), "ref_id");
  Movement other_owner = Pick(1, r);
  other_owner.owner = "merchant-b";
  EXPECT_EQ(PostAndCommit({other_owner}).field(), "ref_id");
  Movement wrong_lot = Pick(1, r);
  wrong_lot.lot_id = other_lot_;
  EXPECT_EQ(PostAndCommit({wrong_lot}).field(), "lot_id");
  EXPECT_EQ(engine_->Find(tenant_, r.id)->Picked(), 0);
}

TEST_P(StockPostingTest, InvalidMovementsChangeNothing) {
  Movement zero = Hold(0);
  const Status st = PostAndCommit({Hold(1), zero});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(OnHand(kShelf, StockState::kQuarantine), 0);
}

TEST_P(StockPostingTest, WithoutAnEngineOnlyTheStoreChanges) {
  ASSERT_TRUE(PostAndCommit({Hold(4)}, nullptr, /*use_engine=*/false).ok());
  EXPECT_EQ(OnHand(kShelf, StockState::kQuarantine), 4);
  EXPECT_EQ(engine_->Available(Pool()), 10);  // the engine did not hear of it
}

// ---- stock physically gone (count loss, scrap) takes reserved stock ----

TEST_P(StockPostingTest, ACountLossOfReservedStockIsPostedAndLeavesTheReservationShort) {
  // The defect: counted 0 where 5 reserved units should be; the close was refused.
  const Reservation r = Reserve(10);
  ASSERT_TRUE(PostAndCommit({Loss(5)}).ok());
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 5);
  const auto held = engine_->Find(tenant_, r.id);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->lines, (std::vector<inventory::ReservationLine>{{lot_, 5, 0}}));
  EXPECT_EQ(held->short_quantity, 5);
  EXPECT_EQ(held->state, ReservationState::kActive);
  EXPECT_EQ(Stored(r).lines, held->lines);
  // The SQL adapters keep short_quantity once their reservation table has the column; the
  // event below records it on every store.
  if (GetParam() == "memory") {
    EXPECT_EQ(Stored(r).short_quantity, 5);
  }
  EXPECT_EQ(engine_->Available(Pool()), 0);

  const auto events = EventsOf(r);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type, "inventory.reservation.short");
  const auto payload = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(payload["lost"], 5);
  EXPECT_EQ(payload["short_added"], 5);
  EXPECT_EQ(payload["short_quantity"], 5);
  EXPECT_EQ(payload["quantity"], 5);
  EXPECT_EQ(payload["order_ref"], "SO-1");
  EXPECT_EQ(payload["reason"], "count_loss");
  EXPECT_EQ(payload["bin_id"], kShelf);
  EXPECT_TRUE(payload["re_reserved"].empty());

  ExpectRestartAgrees(r);
  // What is left can be picked.
  ASSERT_TRUE(PostAndCommit({Pick(5, r)}).ok());
  EXPECT_EQ(Stored(r).state, ReservationState::kConsumed);
}

TEST_P(StockPostingTest, LostReservedStockIsReReservedFromAnotherLotInAnotherBin) {
  const LotId later = AddLot(kSku, "L-2", *Date::FromYmd(2027, 8, 31));
  const LotId short_dated = AddLot(kSku, "L-3", *Date::FromYmd(2026, 12, 20));  // 24 days left
  const Reservation r = Reserve(10, /*min_remaining_days=*/30);                 // all 10 of lot L-1
  ASSERT_TRUE(
      PostAndCommit({ReceiptOf(later, 6, kShelf2), ReceiptOf(short_dated, 9, kShelf2)}).ok());
  ASSERT_TRUE(PostAndCommit({Loss(4)}).ok());
  const auto held = engine_->Find(tenant_, r.id);
  ASSERT_TRUE(held.has_value());
  // FEFO would take L-3 first, but the reservation's 30 days rule it out.
  const std::vector<inventory::ReservationLine> lines{{lot_, 6, 0}, {later, 4, 0}};
  EXPECT_EQ(held->lines, lines);
  EXPECT_EQ(held->short_quantity, 0);
  EXPECT_EQ(Stored(r).lines, lines);
  EXPECT_EQ(engine_->Available(Pool()), 2 + 9);
  const auto events = EventsOf(r);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].type, "inventory.reservation.reallocated");
  const auto payload = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(payload["re_reserved"],
            nlohmann::json::parse(R"([{"lot_id":)" + std::to_string(later.value()) +
                                  R"(,"quantity":4}])"));
  ExpectRestartAgrees(r);

  // The re-reserved units are picked from where they are.
  Movement pick = Pick(4, r);
  pick.lot_id = later;
  pick.from->bin_id = kShelf2;
  ASSERT_TRUE(PostAndCommit({pick}).ok());
  EXPECT_EQ(Stored(r).Picked(), 4);
}

TEST_P(StockPostingTest, AScrapReReservesWhatItCanAndLeavesTheRestShort) {
  const LotId later = AddLot(kSku, "L-2", *Date::FromYmd(2027, 8, 31));
  ASSERT_TRUE(PostAndCommit({ReceiptOf(later, 2, kShelf2)}).ok());
  const Reservation r = Reserve(10);  // all 10 of L-1 (earliest expiry)
  ASSERT_TRUE(PostAndCommit({Loss(5, kShelf, MovementReason::kScrap)}).ok());
  const auto held = engine_->Find(tenant_, r.id);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->lines, (std::vector<inventory::ReservationLine>{{lot_, 5, 0}, {later, 2, 0}}));
  EXPECT_EQ(held->short_quantity, 3);
  EXPECT_EQ(engine_->Available(Pool()), 0);
  const auto events = EventsOf(r);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(nlohmann::json::parse(events[0].payload)["short_added"], 3);
  ExpectRestartAgrees(r);
}

TEST_P(StockPostingTest, UnreservedStockOfTheLotIsLostFirst) {
  ASSERT_TRUE(PostAndCommit({ReceiptOf(lot_, 4, kShelf2)}).ok());
  const Reservation r = Reserve(10);  // 10 of the 14 of L-1: 4 free, wherever they are
  ASSERT_TRUE(PostAndCommit({Loss(6)}).ok());
  const auto held = engine_->Find(tenant_, r.id);
  EXPECT_EQ(held->lines, (std::vector<inventory::ReservationLine>{{lot_, 8, 0}}));
  EXPECT_EQ(held->short_quantity, 2);
  EXPECT_EQ(engine_->Available(Pool()), 0);
  ExpectRestartAgrees(r);
}

TEST_P(StockPostingTest, TwoLossesOfOneCountShrinkOneReservationTwice) {
  ASSERT_TRUE(PostAndCommit({ReceiptOf(lot_, 4, kShelf2)}).ok());
  const Reservation r = Reserve(14);
  ASSERT_TRUE(PostAndCommit({Loss(3), Loss(2, kShelf2)}).ok());
  const auto held = engine_->Find(tenant_, r.id);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->lines, (std::vector<inventory::ReservationLine>{{lot_, 9, 0}}));
  EXPECT_EQ(held->short_quantity, 5);
  EXPECT_EQ(Stored(r).lines, held->lines);
  EXPECT_EQ(EventsOf(r).size(), 2U);
  ExpectRestartAgrees(r);
  // Nothing is left busy: the reservation can be released.
  EXPECT_TRUE(engine_->Release(tenant_, r.id).ok());
}

TEST_P(StockPostingTest, ALossThatIsNotCommittedGivesTheReservationBack) {
  const LotId later = AddLot(kSku, "L-2", *Date::FromYmd(2027, 8, 31));
  ASSERT_TRUE(PostAndCommit({ReceiptOf(later, 2, kShelf2)}).ok());
  const Reservation r = Reserve(10);
  const std::int64_t movements = MovementCount();
  {
    StockPosting posting(engine_.get());
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    std::vector<Movement> loss{Loss(5)};
    ASSERT_TRUE(posting.Post(**tx, loss).ok());
    EXPECT_EQ(engine_->Find(tenant_, r.id)->short_quantity, 3);
    // Until the transaction ends, the reservation is not changed by anything else.
    EXPECT_EQ(engine_->Confirm(tenant_, r.id).status().code(), ErrorCode::kConflict);
  }
  const auto held = engine_->Find(tenant_, r.id);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->lines, (std::vector<inventory::ReservationLine>{{lot_, 10, 0}}));
  EXPECT_EQ(held->short_quantity, 0);
  EXPECT_EQ(engine_->Available(Pool()), 2);
  EXPECT_EQ(Stored(r).lines, held->lines);
  EXPECT_EQ(MovementCount(), movements);
  EXPECT_TRUE(EventsOf(r).empty());
  EXPECT_TRUE(engine_->Confirm(tenant_, r.id).ok());
}

TEST_P(StockPostingTest, AStoreRefusalOfALossGivesTheReservationBack) {
  const Reservation r = Reserve(10);
  // Bin 2 holds none of the lot: the book takes it from the reservation, the store refuses.
  const Status st = PostAndCommit({Loss(3, kShelf2)});
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Find(tenant_, r.id)->lines,
            (std::vector<inventory::ReservationLine>{{lot_, 10, 0}}));
  EXPECT_EQ(engine_->Find(tenant_, r.id)->short_quantity, 0);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
  EXPECT_TRUE(engine_->Release(tenant_, r.id).ok());  // not left busy
}

TEST_P(StockPostingTest, ALossWaitsForAReservationBeingPicked) {
  const Reservation r = Reserve(10);
  {
    StockPosting posting(engine_.get());
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    std::vector<Movement> pick{Pick(2, r)};
    ASSERT_TRUE(posting.Post(**tx, pick).ok());
    // The pick may still roll back: the loss is refused for now, the caller retries.
    EXPECT_EQ(engine_->TakeLoss(Pool(), lot_, 3, {}).status().code(), ErrorCode::kConflict);
  }
  ASSERT_TRUE(PostAndCommit({Loss(3)}).ok());
  EXPECT_EQ(engine_->Find(tenant_, r.id)->short_quantity, 3);
}

TEST_P(StockPostingTest, OtherMovementsOfReservedStockStayRefused) {
  Reserve(10);
  EXPECT_EQ(PostAndCommit({Hold(2)}).code(), ErrorCode::kFailedPrecondition);
  Movement damaged = Hold(2);
  damaged.to->state = StockState::kDamaged;
  EXPECT_EQ(PostAndCommit({damaged}).code(), ErrorCode::kFailedPrecondition);
  Movement adjusted = Loss(2);  // a manual adjustment, not a count
  adjusted.ref_type = "adjustment";
  const Status refused = PostAndCommit({adjusted});
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("stock is reserved"), std::string::npos) << refused.message();
  Movement ship = Base(2, MovementReason::kShip);
  ship.from = Place{kWarehouse, kShelf, StockState::kAvailable};
  EXPECT_EQ(PostAndCommit({ship}).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(OnHand(kShelf, StockState::kAvailable), 10);
}

INSTANTIATE_TEST_SUITE_P(Stores, StockPostingTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::inventory_flow
