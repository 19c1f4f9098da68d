#include "flows/inventory/reservation_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "flows/inventory/inventory_test_support.h"

namespace xb::inventory_flow {
namespace {

using inventory::LotId;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Place;
using inventory::PoolKey;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::ReservationLine;
using inventory::ReservationState;
using inventory::StockState;
using std::chrono::seconds;

constexpr std::int64_t kWarehouse = 3;
constexpr std::int64_t kSku = 42;
// 2026-11-25T08:30:00Z
constexpr std::int64_t kNow = 1'795'595'400'000'000;

Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string skip = scratch_.Prepare(GetParam());
    if (!skip.empty()) GTEST_SKIP() << skip;
    auto db = scratch_.Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    flaky_ = std::make_unique<testing::FlakyDatabase>(*db_);
    tenant_ = testing::AddTenant(*db_, "alpha");
    other_ = testing::AddTenant(*db_, "beta");
  }

  void TearDown() override {
    engine_.reset();
    flaky_.reset();
    db_.reset();
  }

  static EngineOptions Options() {
    EngineOptions o;
    o.shards = 4;
    o.sweep_every = std::chrono::milliseconds(0);  // the tests sweep by hand
    return o;
  }

  ReservationEngine& StartEngine(EngineOptions options = Options()) {
    engine_ = std::make_unique<ReservationEngine>(*flaky_, clock_, options);
    const Status st = engine_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *engine_;
  }

  // Stops the engine and starts a new one on the database opened again, as a restarted process
  // does (the memory database stays: it cannot be reopened).
  ReservationEngine& Restart() {
    engine_.reset();
    flaky_.reset();
    if (scratch_.durable()) {
      db_.reset();
      auto db = scratch_.Open();
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      db_ = std::move(db).value();
    }
    flaky_ = std::make_unique<testing::FlakyDatabase>(*db_);
    return StartEngine();
  }

  LotId AddLot(const std::string& number, std::optional<Date> expiry) {
    inventory::Lot lot;
    lot.tenant_id = tenant_;
    lot.sku_id = kSku;
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

  // Receives stock straight into the store (before the engine starts).
  void Receive(std::int64_t qty, LotId lot = LotId(), std::int64_t bin = 1) {
    Movement m;
    m.tenant_id = tenant_;
    m.sku_id = kSku;
    m.lot_id = lot;
    m.to = Place{kWarehouse, bin, StockState::kAvailable};
    m.quantity = qty;
    m.reason = MovementReason::kReceipt;
    m.ref_type = "test";
    m.at = clock_.Now();
    auto tx = db_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    const Status st = (*tx)->inventory().Post(std::span<Movement>(&m, 1));
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  PoolKey Pool() const { return PoolKey{tenant_, kWarehouse, kSku, "own"}; }

  ReserveRequest Request(std::int64_t qty, std::string client_key = "") const {
    ReserveRequest r;
    r.tenant_id = tenant_;
    r.warehouse_id = kWarehouse;
    r.sku_id = kSku;
    r.quantity = qty;
    r.order_ref = "SO-1";
    r.client_key = std::move(client_key);
    return r;
  }

  Reservation MustReserve(const ReserveRequest& request) {
    auto answer = engine_->Reserve(request);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? answer->reservation : Reservation();
  }

  Result<Reservation> Stored(ReservationId id) {
    auto tx = db_->Begin(store::TxMode::kRead);
    if (!tx.ok()) return tx.status();
    return (*tx)->inventory().GetReservation(tenant_, id);
  }

  std::vector<Reservation> StoredActive() {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    auto all = (*tx)->inventory().LoadActiveReservations();
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    return all.ok() ? *all : std::vector<Reservation>{};
  }

  testing::ScratchDatabase scratch_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<testing::FlakyDatabase> flaky_;
  std::unique_ptr<ReservationEngine> engine_;
  FakeClock clock_{Timestamp::FromMicros(kNow)};
  TenantId tenant_;
  TenantId other_;
};

TEST_P(EngineTest, ReservesFirstExpiredFirstAndWritesTheRowBeforeAnswering) {
  const LotId later = AddLot("L-LATER", Day(2027, 6, 30));
  const LotId sooner = AddLot("L-SOONER", Day(2027, 1, 31));
  Receive(5, sooner);
  Receive(20, later);
  StartEngine();
  ASSERT_EQ(engine_->Available(Pool()), 25);

  auto answer = engine_->Reserve(Request(7));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_FALSE(answer->replayed);
  const Reservation& r = answer->reservation;
  EXPECT_TRUE(r.id.assigned());
  EXPECT_EQ(r.state, ReservationState::kActive);
  EXPECT_EQ(r.lines, (std::vector<ReservationLine>{{sooner, 5, 0}, {later, 2, 0}}));
  ASSERT_TRUE(r.expires_at.has_value());
  EXPECT_EQ(r.expires_at->micros(), kNow + 15LL * 60 * 1'000'000);  // the default hold
  EXPECT_EQ(engine_->Available(Pool()), 18);

  auto stored = Stored(r.id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->lines, r.lines);
  EXPECT_EQ(stored->state, ReservationState::kActive);
  EXPECT_EQ(engine_->stats().reserved, 1);
  EXPECT_EQ(engine_->stats().active, 1);
}

TEST_P(EngineTest, InsufficientStockIsRefusedAndChangesNothing) {
  Receive(10);
  StartEngine();
  MustReserve(Request(4));
  auto refused = engine_->Reserve(Request(7));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find('6'), std::string::npos)
      << "names the reservable quantity: " << refused.status().message();
  EXPECT_EQ(engine_->Available(Pool()), 6);
  EXPECT_EQ(StoredActive().size(), 1U);
  EXPECT_EQ(engine_->stats().refused, 1);
}

TEST_P(EngineTest, MalformedRequestsAreInvalid) {
  Receive(10);
  StartEngine();
  ReserveRequest zero = Request(0);
  ReserveRequest negative = Request(-3);
  ReserveRequest bad_owner = Request(1);
  bad_owner.owner = "no spaces allowed";
  ReserveRequest no_sku = Request(1);
  no_sku.sku_id = 0;
  for (const auto& [request, field] : {std::pair{zero, "quantity"},
                                       {negative, "quantity"},
                                       {bad_owner, "owner"},
                                       {no_sku, "sku_id"}}) {
    auto answer = engine_->Reserve(request);
    ASSERT_FALSE(answer.ok()) << field;
    EXPECT_EQ(answer.status().code(), ErrorCode::kInvalidArgument) << field;
    EXPECT_EQ(answer.status().field(), field);
  }
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_TRUE(StoredActive().empty());
}

TEST_P(EngineTest, ManyClientsReservingTheLastHundredUnitsGetExactlyAHundred) {
  Receive(60, AddLot("L1", Day(2027, 3, 1)));
  Receive(40, AddLot("L2", Day(2027, 4, 1)));
  StartEngine();
  constexpr int kThreads = 32;
  constexpr int kEach = 8;  // 256 requests for 100 units
  std::atomic<std::int64_t> won{0};
  std::atomic<std::int64_t> lost{0};
  std::atomic<std::int64_t> other_errors{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto answer = engine_->Reserve(Request(1));
        if (answer.ok()) {
          won.fetch_add(answer->reservation.Quantity());
        } else if (answer.status().code() == ErrorCode::kFailedPrecondition) {
          lost.fetch_add(1);
        } else {
          other_errors.fetch_add(1);
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(won.load(), 100);
  EXPECT_EQ(lost.load(), kThreads * kEach - 100);
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(engine_->Available(Pool()), 0);

  const auto active = StoredActive();
  std::int64_t stored_total = 0;
  std::set<std::int64_t> ids;
  for (const auto& r : active) {
    stored_total += r.Quantity();
    ids.insert(r.id.value());
  }
  EXPECT_EQ(active.size(), 100U);
  EXPECT_EQ(ids.size(), 100U);
  EXPECT_EQ(stored_total, 100);

  Restart();
  EXPECT_EQ(engine_->Available(Pool()), 0);
  EXPECT_EQ(engine_->Reserve(Request(1)).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(EngineTest, AsyncReservationsNeverOversellAndAreAnsweredOnceStored) {
  Receive(100);
  StartEngine();
  constexpr int kRequests = 300;
  std::latch answered(kRequests);
  std::mutex mu;
  std::int64_t won = 0;
  std::int64_t lost = 0;
  std::int64_t unstored = 0;
  for (int i = 0; i < kRequests; ++i) {
    engine_->ReserveAsync(Request(1), [&](Result<ReserveAnswer> answer) {
      {
        std::lock_guard lock(mu);
        if (answer.ok()) {
          ++won;
          // Answered only once the row is there for every reader.
          if (!Stored(answer->reservation.id).ok()) ++unstored;
        } else if (answer.status().code() == ErrorCode::kFailedPrecondition) {
          ++lost;
        }
      }
      answered.count_down();
    });
  }
  answered.wait();
  EXPECT_EQ(won, 100);
  EXPECT_EQ(lost, kRequests - 100);
  EXPECT_EQ(unstored, 0);
  EXPECT_EQ(engine_->Available(Pool()), 0);
  EXPECT_EQ(StoredActive().size(), 100U);
}

TEST_P(EngineTest, AsyncRetriesOfOneKeyInFlightGetTheFirstAnswer) {
  Receive(100);
  StartEngine();
  constexpr int kRetries = 5;
  std::latch answered(kRetries);
  std::mutex mu;
  std::set<std::int64_t> ids;
  int fresh = 0;
  for (int i = 0; i < kRetries; ++i) {
    engine_->ReserveAsync(Request(7, "async-key"), [&](Result<ReserveAnswer> answer) {
      {
        std::lock_guard lock(mu);
        EXPECT_TRUE(answer.ok()) << answer.status().ToString();
        if (answer.ok()) {
          ids.insert(answer->reservation.id.value());
          if (!answer->replayed) ++fresh;
        }
      }
      answered.count_down();
    });
  }
  answered.wait();
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(ids.size(), 1U);
  EXPECT_EQ(engine_->Available(Pool()), 93);
}

TEST_P(EngineTest, RestartRebuildsAvailabilityAndNeverReusesIds) {
  Receive(100);
  StartEngine();
  const Reservation a = MustReserve(Request(10));
  const Reservation b = MustReserve(Request(20));
  const Reservation c = MustReserve(Request(5));
  ASSERT_TRUE(engine_->Release(tenant_, b.id).ok());
  ASSERT_EQ(engine_->Available(Pool()), 85);

  Restart();
  EXPECT_EQ(engine_->Available(Pool()), 85);
  EXPECT_EQ(engine_->stats().active, 2);
  ASSERT_TRUE(engine_->Find(tenant_, a.id).has_value());
  EXPECT_EQ(engine_->Find(tenant_, a.id)->lines, a.lines);
  EXPECT_FALSE(engine_->Find(tenant_, b.id).has_value());
  const Reservation d = MustReserve(Request(1));
  EXPECT_GT(d.id, c.id);
  EXPECT_GT(d.id, b.id);
  // The restarted engine releases what the old one reserved.
  ASSERT_TRUE(engine_->Release(tenant_, c.id).ok());
  EXPECT_EQ(engine_->Available(Pool()), 89);
}

TEST_P(EngineTest, ARetryWithTheSameKeyGetsTheFirstAnswer) {
  Receive(10);
  StartEngine();
  auto first = engine_->Reserve(Request(4, "order-77"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->replayed);

  auto again = engine_->Reserve(Request(4, "order-77"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->reservation.id, first->reservation.id);
  EXPECT_EQ(again->reservation.lines, first->reservation.lines);
  EXPECT_EQ(engine_->Available(Pool()), 6);

  // Another tenant's key is another key.
  ReserveRequest theirs = Request(1, "order-77");
  theirs.tenant_id = other_;
  EXPECT_EQ(engine_->Reserve(theirs).status().code(), ErrorCode::kFailedPrecondition);

  // After a restart, and even when the stock no longer covers it.
  Restart();
  MustReserve(Request(6));
  auto after_restart = engine_->Reserve(Request(4, "order-77"));
  ASSERT_TRUE(after_restart.ok()) << after_restart.status().ToString();
  EXPECT_TRUE(after_restart->replayed);
  EXPECT_EQ(after_restart->reservation.id, first->reservation.id);
  EXPECT_EQ(engine_->Available(Pool()), 0);
}

TEST_P(EngineTest, ARetryOfAReleasedReservationGetsItBackAndReservesNothing) {
  Receive(10);
  StartEngine();
  const Reservation first = MustReserve(Request(4, "k-1"));
  ASSERT_TRUE(engine_->Release(tenant_, first.id).ok());

  auto retry = engine_->Reserve(Request(4, "k-1"));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->reservation.id, first.id);
  EXPECT_EQ(retry->reservation.state, ReservationState::kReleased);
  EXPECT_EQ(engine_->Available(Pool()), 10);

  Restart();
  auto after_restart = engine_->Reserve(Request(4, "k-1"));
  ASSERT_TRUE(after_restart.ok()) << after_restart.status().ToString();
  EXPECT_TRUE(after_restart->replayed);
  EXPECT_EQ(after_restart->reservation.id, first.id);
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_TRUE(StoredActive().empty());
}

TEST_P(EngineTest, ConcurrentRetriesWithOneKeyReserveOnce) {
  Receive(100);
  StartEngine();
  constexpr int kThreads = 16;
  std::vector<std::thread> clients;
  std::vector<std::int64_t> ids(kThreads);
  std::atomic<int> fresh{0};
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      auto answer = engine_->Reserve(Request(3, "same-key"));
      ASSERT_TRUE(answer.ok()) << answer.status().ToString();
      ids[static_cast<std::size_t>(t)] = answer->reservation.id.value();
      if (!answer->replayed) fresh.fetch_add(1);
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 1U);
  EXPECT_EQ(engine_->Available(Pool()), 97);
  EXPECT_EQ(StoredActive().size(), 1U);
}

TEST_P(EngineTest, ReleaseReturnsTheStockOnce) {
  Receive(100);
  StartEngine();
  const Reservation r = MustReserve(Request(30));
  ASSERT_EQ(engine_->Available(Pool()), 70);

  EXPECT_EQ(engine_->Release(other_, r.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Available(Pool()), 70);

  auto released = engine_->Release(tenant_, r.id);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->state, ReservationState::kReleased);
  EXPECT_EQ(engine_->Available(Pool()), 100);
  EXPECT_EQ(Stored(r.id)->state, ReservationState::kReleased);

  auto twice = engine_->Release(tenant_, r.id);
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  EXPECT_EQ(twice->state, ReservationState::kReleased);
  EXPECT_EQ(engine_->Available(Pool()), 100);
  EXPECT_EQ(engine_->Confirm(tenant_, r.id).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Release(tenant_, ReservationId(999'999)).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(engine_->stats().released, 1);
}

TEST_P(EngineTest, UnconfirmedReservationsLapseAndConfirmedOnesStay) {
  Receive(100);
  StartEngine();
  ReserveRequest short_hold = Request(10);
  short_hold.hold_for = seconds(60);
  ReserveRequest no_lapse = Request(20);
  no_lapse.hold_for = seconds(0);
  const Reservation lapsing = MustReserve(short_hold);
  const Reservation kept = MustReserve(no_lapse);
  const Reservation confirmed = MustReserve(short_hold);
  EXPECT_FALSE(kept.expires_at.has_value());
  auto c = engine_->Confirm(tenant_, confirmed.id);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->expires_at.has_value());
  EXPECT_FALSE(Stored(confirmed.id)->expires_at.has_value());

  clock_.AdvanceMicros(59'000'000);
  auto none = engine_->ReleaseLapsed();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);

  clock_.AdvanceMicros(1'000'000);  // expires_at is reached
  auto lapsed = engine_->ReleaseLapsed();
  ASSERT_TRUE(lapsed.ok()) << lapsed.status().ToString();
  EXPECT_EQ(*lapsed, 1);
  EXPECT_EQ(engine_->Available(Pool()), 100 - 20 - 10);
  EXPECT_EQ(Stored(lapsing.id)->state, ReservationState::kExpired);
  EXPECT_EQ(Stored(kept.id)->state, ReservationState::kActive);
  EXPECT_EQ(Stored(confirmed.id)->state, ReservationState::kActive);
  EXPECT_EQ(engine_->stats().lapsed, 1);
}

TEST_P(EngineTest, AReservationThatLapsedWhileStoppedIsReleasedAfterTheRestart) {
  Receive(10);
  StartEngine();
  ReserveRequest request = Request(10);
  request.hold_for = seconds(60);
  const Reservation r = MustReserve(request);
  clock_.AdvanceMicros(3'600'000'000LL);
  Restart();
  EXPECT_EQ(engine_->Available(Pool()), 0);
  EXPECT_EQ(*engine_->ReleaseLapsed(), 1);
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(Stored(r.id)->state, ReservationState::kExpired);
}

// A clock that one thread may move while others read it.
class SharedClock final : public Clock {
 public:
  explicit SharedClock(std::int64_t micros) : micros_(micros) {}
  Timestamp Now() const override { return Timestamp::FromMicros(micros_.load()); }
  void AdvanceMicros(std::int64_t micros) { micros_.fetch_add(micros); }

 private:
  std::atomic<std::int64_t> micros_;
};

TEST_P(EngineTest, TheSweeperReleasesLapsedReservationsByItself) {
  Receive(10);
  SharedClock clock(kNow);
  EngineOptions options = Options();
  options.sweep_every = std::chrono::milliseconds(5);
  ReservationEngine engine(*flaky_, clock, options);
  ASSERT_TRUE(engine.Start().ok());
  ReserveRequest request = Request(10);
  request.hold_for = seconds(60);
  auto r = engine.Reserve(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  clock.AdvanceMicros(61'000'000);
  // Nobody calls ReleaseLapsed: the sweeper must notice by itself. (A bound, not a timing check.)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (engine.Available(Pool()) != 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(engine.Available(Pool()), 10);
  EXPECT_EQ(engine.stats().lapsed, 1);
  engine.Stop();
  EXPECT_EQ(Stored(r->reservation.id)->state, ReservationState::kExpired);
}

TEST_P(EngineTest, AFailedWriteUndoesTheReservation) {
  Receive(10);
  StartEngine();
  flaky_->fail_commits = true;
  auto refused = engine_->Reserve(Request(4, "k-flaky"));
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(engine_->Available(Pool()), 10);
  EXPECT_EQ(engine_->stats().active, 0);

  flaky_->fail_commits = false;
  EXPECT_TRUE(StoredActive().empty());
  auto retried = engine_->Reserve(Request(4, "k-flaky"));
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(engine_->Available(Pool()), 6);
}

TEST_P(EngineTest, AFailedReleaseKeepsTheReservation) {
  Receive(10);
  StartEngine();
  const Reservation r = MustReserve(Request(4));
  flaky_->fail_commits = true;
  EXPECT_EQ(engine_->Release(tenant_, r.id).status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(engine_->Available(Pool()), 6);
  EXPECT_TRUE(engine_->Find(tenant_, r.id).has_value());
  clock_.AdvanceMicros(3'600'000'000LL);
  EXPECT_EQ(engine_->ReleaseLapsed().status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(engine_->Available(Pool()), 6);

  flaky_->fail_commits = false;
  EXPECT_EQ(Stored(r.id)->state, ReservationState::kActive);
  ASSERT_TRUE(engine_->Release(tenant_, r.id).ok());
  EXPECT_EQ(engine_->Available(Pool()), 10);
}

TEST_P(EngineTest, WithdrawNeverCutsIntoReservedStock) {
  Receive(10);
  StartEngine();
  MustReserve(Request(8));
  EXPECT_EQ(engine_->Withdraw(Pool(), LotId(), 3).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Available(Pool()), 2);
  EXPECT_TRUE(engine_->Withdraw(Pool(), LotId(), 2).ok());
  EXPECT_EQ(engine_->Available(Pool()), 0);
  engine_->Deposit(Pool(), LotId(), std::nullopt, 5);
  EXPECT_EQ(engine_->Available(Pool()), 5);
}

TEST_P(EngineTest, NothingIsAnsweredBeforeStartOrAfterStop) {
  Receive(10);
  ReservationEngine engine(*flaky_, clock_, Options());
  EXPECT_EQ(engine.Reserve(Request(1)).status().code(), ErrorCode::kUnavailable);
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(engine.Start().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(engine.Reserve(Request(1)).ok());
  engine.Stop();
  EXPECT_EQ(engine.Reserve(Request(1)).status().code(), ErrorCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Stores, EngineTest, ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::inventory_flow
