// The inventory and warehouse store contract: lots, the stock ledger with its balances,
// reservations, tasks, parcels and device events behave the same on every storage adapter. Each
// test runs once per adapter; PostgreSQL runs only when XB_TEST_PG_URL names a server, and then
// each test works in a database of its own that is dropped afterwards.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <source_location>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/sqlite/sqlite_connection.h"
#include "adapters/storage/open_database.h"
#include "contract_support.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::contract {
namespace {

using inventory::Balance;
using inventory::BalanceQuery;
using inventory::Lot;
using inventory::LotId;
using inventory::LotQuery;
using inventory::Movement;
using inventory::MovementQuery;
using inventory::MovementReason;
using inventory::Place;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::ReservationLine;
using inventory::ReservationQuery;
using inventory::ReservationState;
using inventory::StockKey;
using inventory::StockState;
using store::Database;
using store::Transaction;
using store::TxMode;
using warehouse::DeviceEventRecord;
using warehouse::Parcel;
using warehouse::ParcelState;
using warehouse::Task;
using warehouse::TaskKind;
using warehouse::TaskLine;
using warehouse::TaskState;

constexpr std::int64_t kNow = 1'764'059'400'123'456;  // 2025-11-25T08:30:00.123456Z
constexpr std::int64_t kHour = 3'600'000'000;

Timestamp At(std::int64_t hours) { return Timestamp::FromMicros(kNow + hours * kHour); }

Date Day(int y, int m, int d) { return Must(Date::FromYmd(y, m, d)); }

// --- sample data ------------------------------------------------------------------------------

constexpr std::int64_t kWh = 7;        // a warehouse
constexpr std::int64_t kDock = 70;     // its receiving bin
constexpr std::int64_t kShelf = 71;    // a storage bin
constexpr std::int64_t kShelf2 = 72;   // another storage bin
constexpr std::int64_t kStaging = 79;  // the shipping staging bin
constexpr std::int64_t kSku = 501;     // a SKU
constexpr std::int64_t kOtherSku = 502;

Place Available(std::int64_t bin) { return {kWh, bin, StockState::kAvailable}; }

Movement Move(TenantId tenant, MovementReason reason, std::optional<Place> from,
              std::optional<Place> to, std::int64_t qty, Timestamp at = At(0),
              std::int64_t sku = kSku, LotId lot = LotId(0)) {
  Movement m;
  m.tenant_id = tenant;
  m.sku_id = sku;
  m.lot_id = lot;
  m.from = from;
  m.to = to;
  m.quantity = qty;
  m.reason = reason;
  m.ref_type = "task";
  m.ref_id = "RCV-000001";
  m.actor = "kim";
  m.at = at;
  return m;
}

Movement Receipt(TenantId tenant, std::int64_t bin, std::int64_t qty, Timestamp at = At(0),
                 std::int64_t sku = kSku, LotId lot = LotId(0)) {
  return Move(tenant, MovementReason::kReceipt, std::nullopt, Available(bin), qty, at, sku, lot);
}

StockKey Key(std::int64_t bin, std::int64_t sku = kSku, LotId lot = LotId(0),
             StockState state = StockState::kAvailable, std::string owner = "own") {
  return {kWh, bin, sku, lot, std::move(owner), state};
}

Reservation SampleReservation(TenantId tenant, std::int64_t id, std::string client_key = "") {
  Reservation r;
  r.id = ReservationId(id);
  r.tenant_id = tenant;
  r.warehouse_id = kWh;
  r.sku_id = kSku;
  r.owner = "merchant-9";
  r.order_ref = "SO-" + std::to_string(id);
  r.client_key = std::move(client_key);
  r.lines = {{LotId(12), 5, 0}, {LotId(3), 2, 0}};  // FEFO order, not lot order
  r.expires_at = At(1);
  r.created_at = At(0);
  r.updated_at = At(0);
  return r;
}

Task SampleTask(TenantId tenant, std::string code, int lines = 2) {
  Task t;
  t.tenant_id = tenant;
  t.code = std::move(code);
  t.kind = TaskKind::kReceive;
  t.warehouse_id = kWh;
  t.ref_type = "purchase_order";
  t.ref_id = "17";
  t.assignee = "kim";
  for (int i = 1; i <= lines; ++i) {
    TaskLine l;
    l.line_no = i;
    l.sku_id = kSku + i;
    l.to_bin = kDock;
    l.expected_qty = 10 * i;
    t.lines.push_back(std::move(l));
  }
  t.version = 1;
  t.created_at = At(0);
  t.updated_at = At(0);
  return t;
}

Parcel SampleParcel(TenantId tenant, std::string sscc) {
  Parcel p;
  p.tenant_id = tenant;
  p.warehouse_id = kWh;
  p.sscc = std::move(sscc);
  p.order_ref = "SO-1";
  p.pack_bin = kStaging;
  p.lines = {{kSku, LotId(12), "merchant-9", 3}, {kOtherSku, LotId(0), "own", 1}};
  p.weight_grams = 1'250;
  p.created_at = At(0);
  return p;
}

DeviceEventRecord SampleEvent(TenantId tenant, std::string device, std::string key) {
  DeviceEventRecord r;
  r.event.tenant_id = tenant;
  r.event.device_id = std::move(device);
  r.event.event_key = std::move(key);
  r.event.type = warehouse::DeviceEventType::kConfirm;
  r.event.task_id = 4;
  r.event.line_no = 2;
  r.event.location = "A-01-02";
  r.event.barcode = "(01)09501101530003(17)261231(10)L-77";
  r.event.quantity = 6;
  r.event.device_time = At(-1);
  r.status = 200;
  r.answer = R"({"status":"applied","message":"6 picked"})";
  r.received_at = At(0);
  return r;
}

// --- the fixture ------------------------------------------------------------------------------

class InventoryContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_inventory_");
    if (IsSkipped() || HasFatalFailure()) return;
    alpha_ = AddTenant("alpha");
    beta_ = AddTenant("beta");
  }

  TenantId AddTenant(const std::string& code) {
    auto tx = Write();
    access::Tenant t;
    t.code = code;
    t.name = "Tenant " + code;
    t.created_at = Timestamp::FromMicros(kNow);
    const auto stored = Must(tx->tenants().Insert(t));
    MustOk(tx->Commit());
    return stored.id;
  }

  Lot AddLot(TenantId tenant, std::int64_t sku, std::string number, std::optional<Date> expiry) {
    Lot lot;
    lot.tenant_id = tenant;
    lot.sku_id = sku;
    lot.lot_number = std::move(number);
    lot.production_date = Day(2025, 1, 10);
    lot.expiry_date = expiry;
    lot.created_at = At(0);
    auto tx = Write();
    Lot stored = Must(tx->inventory().InsertLot(lot));
    MustOk(tx->Commit());
    return stored;
  }

  // Posts and commits; returns the movements with their ids.
  std::vector<Movement> PostAll(std::vector<Movement> movements) {
    auto tx = Write();
    MustOk(tx->inventory().Post(movements));
    MustOk(tx->Commit());
    return movements;
  }

  std::int64_t OnHand(TenantId tenant, const StockKey& key) {
    BalanceQuery q;
    q.warehouse_id = key.warehouse_id;
    q.bin_id = key.bin_id;
    q.sku_id = key.sku_id;
    q.lot_id = key.lot_id;
    q.owner = key.owner;
    q.state = key.state;
    q.include_zero = true;
    auto tx = Read();
    const auto [items, total] = Must(tx->inventory().ListBalances(tenant, q));
    if (items.empty()) return 0;
    EXPECT_EQ(total, 1);
    return items[0].on_hand;
  }

  std::vector<Balance> Balances(TenantId tenant, BalanceQuery q = {}) {
    auto tx = Read();
    return Must(tx->inventory().ListBalances(tenant, q)).first;
  }

  TenantId alpha_;
  TenantId beta_;
};

// --- lots -------------------------------------------------------------------------------------

TEST_P(InventoryContract, LotReadsBackAndItsNumberIsUniquePerTenantAndSku) {
  const Lot lot = AddLot(alpha_, kSku, "L-2026-01", Day(2026, 12, 31));
  EXPECT_TRUE(lot.id.assigned());
  {
    auto tx = Read();
    const Lot got = Must(tx->inventory().GetLot(alpha_, lot.id));
    EXPECT_EQ(got.sku_id, kSku);
    EXPECT_EQ(got.lot_number, "L-2026-01");
    EXPECT_EQ(got.production_date, Day(2025, 1, 10));
    EXPECT_EQ(got.expiry_date, Day(2026, 12, 31));
    EXPECT_EQ(got.created_at, At(0));
    const auto found = Must(tx->inventory().FindLot(alpha_, kSku, "L-2026-01"));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, lot.id);
    EXPECT_FALSE(Must(tx->inventory().FindLot(alpha_, kOtherSku, "L-2026-01")).has_value());
    EXPECT_FALSE(Must(tx->inventory().FindLot(beta_, kSku, "L-2026-01")).has_value());
    EXPECT_EQ(tx->inventory().GetLot(beta_, lot.id).status().code(), ErrorCode::kNotFound);
  }
  {
    auto tx = Write();
    Lot again = lot;
    again.id = LotId();
    const auto dup = tx->inventory().InsertLot(again);
    EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.status().field(), "lot_number");
    // The transaction stays usable after the refusal (PostgreSQL ends one on a failed statement).
    again.sku_id = kOtherSku;
    EXPECT_TRUE(tx->inventory().InsertLot(again).ok());
    MustOk(tx->Commit());
  }
  AddLot(beta_, kSku, "L-2026-01", std::nullopt);  // another tenant may use the number
}

TEST_P(InventoryContract, ListLotsFiltersAndOrdersByExpiryWithoutExpiryLast) {
  const Lot none = AddLot(alpha_, kSku, "NO-EXP", std::nullopt);
  const Lot late = AddLot(alpha_, kSku, "LATE", Day(2027, 6, 30));
  const Lot early = AddLot(alpha_, kSku, "EARLY", Day(2026, 3, 31));
  const Lot other = AddLot(alpha_, kOtherSku, "OTHER", Day(2026, 1, 31));
  AddLot(beta_, kSku, "BETA", Day(2026, 1, 1));
  auto tx = Read();
  const auto ids = [](const std::vector<Lot>& lots) {
    std::vector<std::int64_t> out;
    for (const auto& l : lots) out.push_back(l.id.value());
    return out;
  };
  LotQuery q;
  auto [all, total] = Must(tx->inventory().ListLots(alpha_, q));
  EXPECT_EQ(total, 4);
  EXPECT_EQ(ids(all), (std::vector<std::int64_t>{other.id.value(), early.id.value(),
                                                 late.id.value(), none.id.value()}));
  q.sku_id = kSku;
  q.expires_before = Day(2027, 6, 30);
  auto [some, some_total] = Must(tx->inventory().ListLots(alpha_, q));
  EXPECT_EQ(some_total, 2);
  EXPECT_EQ(ids(some), (std::vector<std::int64_t>{early.id.value(), late.id.value()}));
  q = {};
  q.lot_number = "LATE";
  EXPECT_EQ(ids(Must(tx->inventory().ListLots(alpha_, q)).first),
            (std::vector<std::int64_t>{late.id.value()}));
  q = {};
  q.limit = 2;
  q.offset = 2;
  auto [page, page_total] = Must(tx->inventory().ListLots(alpha_, q));
  EXPECT_EQ(page_total, 4);
  EXPECT_EQ(ids(page), (std::vector<std::int64_t>{late.id.value(), none.id.value()}));
}

// --- the ledger -------------------------------------------------------------------------------

TEST_P(InventoryContract, PostingAssignsIncreasingIdsAndUpdatesBalances) {
  const Lot lot = AddLot(alpha_, kSku, "L1", Day(2026, 12, 31));
  auto posted = PostAll({Receipt(alpha_, kDock, 100, At(0), kSku, lot.id),
                         Receipt(alpha_, kDock, 40, At(0), kOtherSku)});
  ASSERT_EQ(posted.size(), 2U);
  EXPECT_GT(posted[0].id, 0);
  EXPECT_GT(posted[1].id, posted[0].id);
  auto putaway = PostAll({Move(alpha_, MovementReason::kPutaway, Available(kDock),
                               Available(kShelf), 60, At(1), kSku, lot.id),
                          Move(alpha_, MovementReason::kPutaway, Available(kDock),
                               Available(kShelf2), 40, At(1), kSku, lot.id)});
  EXPECT_GT(putaway[0].id, posted[1].id);
  EXPECT_GT(putaway[1].id, putaway[0].id);

  EXPECT_EQ(OnHand(alpha_, Key(kDock, kSku, lot.id)), 0);
  EXPECT_EQ(OnHand(alpha_, Key(kShelf, kSku, lot.id)), 60);
  EXPECT_EQ(OnHand(alpha_, Key(kShelf2, kSku, lot.id)), 40);
  EXPECT_EQ(OnHand(alpha_, Key(kDock, kOtherSku)), 40);

  // Listed in key order, without the emptied dock row unless asked, with the lot's details.
  const auto listed = Balances(alpha_);
  ASSERT_EQ(listed.size(), 3U);
  EXPECT_EQ(listed[0].key, Key(kDock, kOtherSku));
  EXPECT_EQ(listed[0].lot_number, "");
  EXPECT_EQ(listed[0].expiry_date, std::nullopt);
  EXPECT_EQ(listed[1].key, Key(kShelf, kSku, lot.id));
  EXPECT_EQ(listed[1].lot_number, "L1");
  EXPECT_EQ(listed[1].expiry_date, Day(2026, 12, 31));
  EXPECT_EQ(listed[2].key, Key(kShelf2, kSku, lot.id));
  BalanceQuery with_zero;
  with_zero.include_zero = true;
  EXPECT_EQ(Balances(alpha_, with_zero).size(), 4U);

  // Filters by place, SKU, state and the lot's expiry.
  BalanceQuery q;
  q.sku_id = kSku;
  q.bin_id = kShelf2;
  EXPECT_EQ(Balances(alpha_, q).size(), 1U);
  q = {};
  q.expires_before = Day(2026, 12, 31);
  EXPECT_EQ(Balances(alpha_, q).size(), 2U);
  q.expires_before = Day(2026, 12, 30);
  EXPECT_EQ(Balances(alpha_, q).size(), 0U);
  q = {};
  q.expires_after = Day(2026, 12, 31);
  EXPECT_EQ(Balances(alpha_, q).size(), 2U);
  q = {};
  q.state = StockState::kQuarantine;
  EXPECT_EQ(Balances(alpha_, q).size(), 0U);
  q = {};
  q.limit = 1;
  q.offset = 1;
  auto tx = Read();
  const auto [page, total] = Must(tx->inventory().ListBalances(alpha_, q));
  EXPECT_EQ(total, 3);
  ASSERT_EQ(page.size(), 1U);
  EXPECT_EQ(page[0].key, Key(kShelf, kSku, lot.id));
}

TEST_P(InventoryContract, MovementsReadBackFieldForField) {
  Movement hold = Move(alpha_, MovementReason::kHold, Available(kShelf),
                       Place{kWh, kShelf, StockState::kCustomsHold}, 3, At(2));
  hold.owner = "merchant-9";
  hold.ref_type = "inspection";
  hold.ref_id = "CIQ-88";
  hold.device = "TC52-04";
  hold.actor = "customs@example";
  hold.note = "random inspection";
  Movement in = Receipt(alpha_, kShelf, 10, At(1));
  in.owner = "merchant-9";
  const auto posted = PostAll({in, hold});
  auto tx = Read();
  const auto got = Must(tx->inventory().ListMovements(alpha_, {}));
  ASSERT_EQ(got.size(), 2U);
  const Movement& m = got[1];
  EXPECT_EQ(m.id, posted[1].id);
  EXPECT_EQ(m.tenant_id, alpha_);
  EXPECT_EQ(m.sku_id, kSku);
  EXPECT_EQ(m.lot_id, LotId(0));
  EXPECT_EQ(m.owner, "merchant-9");
  EXPECT_EQ(m.from, Available(kShelf));
  EXPECT_EQ(m.to, (Place{kWh, kShelf, StockState::kCustomsHold}));
  EXPECT_EQ(m.quantity, 3);
  EXPECT_EQ(m.reason, MovementReason::kHold);
  EXPECT_EQ(m.ref_type, "inspection");
  EXPECT_EQ(m.ref_id, "CIQ-88");
  EXPECT_EQ(m.device, "TC52-04");
  EXPECT_EQ(m.actor, "customs@example");
  EXPECT_EQ(m.note, "random inspection");
  EXPECT_EQ(m.at, At(2));
  EXPECT_EQ(got[0].from, std::nullopt);
  EXPECT_EQ(OnHand(alpha_, Key(kShelf, kSku, LotId(0), StockState::kCustomsHold, "merchant-9")), 3);
}

TEST_P(InventoryContract, PostingRefusesToGoBelowZeroAndWritesNothing) {
  const auto first = PostAll({Receipt(alpha_, kShelf, 5)});
  {
    auto tx = Write();
    std::vector<Movement> batch = {
        Receipt(alpha_, kShelf2, 9),
        Move(alpha_, MovementReason::kMove, Available(kShelf), Available(kShelf2), 7, At(1))};
    const Status st = tx->inventory().Post(batch);
    EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
    // The message names the place and what is there.
    EXPECT_NE(st.message().find("warehouse 7"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("bin 71"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("SKU 501"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("lot 0"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("available"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("5 on hand"), std::string::npos) << st.message();
    // Nothing of the refused posting is visible, even inside the same transaction, and the
    // transaction goes on.
    const auto [items, total] = Must(tx->inventory().ListBalances(alpha_, {}));
    ASSERT_EQ(total, 1);
    EXPECT_EQ(items[0].key, Key(kShelf));
    EXPECT_EQ(items[0].on_hand, 5);
    EXPECT_EQ(Must(tx->inventory().ListMovements(alpha_, {})).size(), 1U);
    std::vector<Movement> fine = {
        Move(alpha_, MovementReason::kMove, Available(kShelf), Available(kShelf2), 5, At(1))};
    MustOk(tx->inventory().Post(fine));
    // Not committed: rolled back.
  }
  EXPECT_EQ(OnHand(alpha_, Key(kShelf)), 5);
  EXPECT_EQ(OnHand(alpha_, Key(kShelf2)), 0);
  {
    auto tx = Read();
    const auto all = Must(tx->inventory().ListMovements(alpha_, {}));
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all[0].id, first[0].id);
  }
  // Among many places taken from at once, the one short of stock is named.
  {
    std::vector<Movement> fill;
    for (int bin = 1; bin <= 9; ++bin) fill.push_back(Receipt(alpha_, 200 + bin, 3));
    PostAll(fill);
    auto tx = Write();
    std::vector<Movement> take;
    for (int bin = 1; bin <= 9; ++bin) {
      take.push_back(Move(alpha_, MovementReason::kShip, Available(200 + bin), std::nullopt,
                          bin == 6 ? 4 : 3, At(1)));
    }
    const Status st = tx->inventory().Post(take);
    EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(st.message().find("bin 206 "), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("3 on hand, 4 needed"), std::string::npos) << st.message();
    EXPECT_EQ(Must(tx->inventory().ListBalances(alpha_, {})).second, 10);
  }
  for (int bin = 1; bin <= 9; ++bin) EXPECT_EQ(OnHand(alpha_, Key(200 + bin)), 3) << bin;
  // Taking stock from a place that never had any is refused the same way.
  auto tx = Write();
  std::vector<Movement> ship = {Move(alpha_, MovementReason::kShip,
                                     Place{kWh, kStaging, StockState::kPicked}, std::nullopt, 1)};
  const Status st = tx->inventory().Post(ship);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("0 on hand"), std::string::npos) << st.message();
  // Invalid movements are refused before anything is written.
  std::vector<Movement> bad = {Receipt(alpha_, kShelf, 0)};
  EXPECT_EQ(tx->inventory().Post(bad).code(), ErrorCode::kInvalidArgument);
}

TEST_P(InventoryContract, ConcurrentPostingsNeverOverdrawAPlace) {
  PostAll({Receipt(alpha_, kShelf, 10)});
  // Four writers each take 3 of the 10 at once: three succeed, one is refused.
  std::atomic<int> taken{0};
  std::atomic<int> refused{0};
  std::vector<std::string> other_errors(4);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto tx = db_->Begin(TxMode::kWrite);
      if (!tx.ok()) {
        other_errors[static_cast<std::size_t>(w)] = tx.status().ToString();
        return;
      }
      std::vector<Movement> ship = {
          Move(alpha_, MovementReason::kShip, Available(kShelf), std::nullopt, 3, At(1))};
      Status st = (*tx)->inventory().Post(ship);
      if (st.ok()) st = (*tx)->Commit();
      if (st.ok()) {
        ++taken;
      } else if (st.code() == ErrorCode::kFailedPrecondition) {
        ++refused;
      } else {
        other_errors[static_cast<std::size_t>(w)] = st.ToString();
      }
    });
  }
  for (auto& t : writers) t.join();
  for (const auto& e : other_errors) EXPECT_EQ(e, "");
  EXPECT_EQ(taken.load(), 3);
  EXPECT_EQ(refused.load(), 1);
  EXPECT_EQ(OnHand(alpha_, Key(kShelf)), 1);
  MovementQuery q;
  q.sku_id = kSku;
  auto tx = Read();
  EXPECT_EQ(Must(tx->inventory().NetQuantity(alpha_, q)), 1);
}

TEST_P(InventoryContract, ALargePostingIsAppliedWhole) {
  // 5,000 movements in one posting: 2,500 receipts into distinct bins and 2,500 moves out of
  // them, so every move's source is filled by an earlier line of the same posting.
  std::vector<Movement> batch;
  for (int i = 0; i < 2'500; ++i) {
    batch.push_back(Receipt(alpha_, 1'000 + i, 4, At(0)));
  }
  for (int i = 0; i < 2'500; ++i) {
    batch.push_back(
        Move(alpha_, MovementReason::kMove, Available(1'000 + i), Available(kShelf), 3, At(0)));
  }
  const auto posted = PostAll(batch);
  for (std::size_t i = 1; i < posted.size(); ++i) {
    ASSERT_GT(posted[i].id, posted[i - 1].id) << i;
  }
  EXPECT_EQ(OnHand(alpha_, Key(kShelf)), 7'500);
  EXPECT_EQ(OnHand(alpha_, Key(1'000)), 1);
  EXPECT_EQ(OnHand(alpha_, Key(3'499)), 1);
  MovementQuery q;
  q.limit = 10'000;
  auto tx = Read();
  const auto all = Must(tx->inventory().ListMovements(alpha_, q));
  ASSERT_EQ(all.size(), 5'000U);
  EXPECT_EQ(all.front().id, posted.front().id);
  EXPECT_EQ(all.back().id, posted.back().id);
  EXPECT_EQ(all[2'500].to, Available(kShelf));
  EXPECT_EQ(all[2'500].from, Available(1'000));
}

TEST_P(InventoryContract, BalancesAsOfUndoLaterMovements) {
  PostAll({Receipt(alpha_, kDock, 10, At(0))});
  PostAll({Move(alpha_, MovementReason::kPutaway, Available(kDock), Available(kShelf), 6, At(2))});
  PostAll({Move(alpha_, MovementReason::kShip, Available(kShelf), std::nullopt, 2, At(4)),
           Receipt(alpha_, kDock, 1, At(4), kOtherSku)});
  auto tx = Read();
  const auto as_of = [&](Timestamp at, BalanceQuery q = {}) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;  // (bin, on hand)
    for (const auto& b : Must(tx->inventory().BalancesAsOf(alpha_, q, at))) {
      out.emplace_back(b.key.bin_id, b.on_hand);
    }
    return out;
  };
  using Rows = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(as_of(At(0)), Rows{});  // before the first receipt (at is exclusive)
  EXPECT_EQ(as_of(At(1)), (Rows{{kDock, 10}}));
  EXPECT_EQ(as_of(At(2)), (Rows{{kDock, 10}}));
  EXPECT_EQ(as_of(At(3)), (Rows{{kDock, 4}, {kShelf, 6}}));
  // In key order: the dock's SKU 501 before its SKU 502.
  EXPECT_EQ(as_of(At(5)), (Rows{{kDock, 4}, {kDock, 1}, {kShelf, 4}}));
  BalanceQuery q;
  q.sku_id = kSku;
  q.bin_id = kShelf;
  EXPECT_EQ(as_of(At(3), q), (Rows{{kShelf, 6}}));
  q = {};
  q.include_zero = true;
  EXPECT_EQ(as_of(At(1), q), (Rows{{kDock, 10}, {kDock, 0}, {kShelf, 0}}));
  q = {};
  q.limit = 1;
  q.offset = 1;
  EXPECT_EQ(as_of(At(3), q), (Rows{{kShelf, 6}}));
  // Another tenant's ledger plays no part.
  EXPECT_TRUE(Must(tx->inventory().BalancesAsOf(beta_, {}, At(3))).empty());
}

TEST_P(InventoryContract, ListMovementsFiltersAndPagesByIdAndNetQuantityFollowsTheScope) {
  const Lot lot = AddLot(alpha_, kSku, "L1", std::nullopt);
  Movement other_wh = Receipt(alpha_, kDock, 50, At(0));
  other_wh.to->warehouse_id = 8;
  Movement by_po = Receipt(alpha_, kDock, 20, At(1), kSku, lot.id);
  by_po.ref_type = "purchase_order";
  by_po.ref_id = "PO-1";
  const auto ids = PostAll({
      Receipt(alpha_, kDock, 10, At(0)),                                                      // 1
      other_wh,                                                                               // 2
      by_po,                                                                                  // 3
      Move(alpha_, MovementReason::kPutaway, Available(kDock), Available(kShelf), 8, At(2)),  // 4
      Move(alpha_, MovementReason::kShip, Available(kShelf), std::nullopt, 3, At(3)),         // 5
      Receipt(alpha_, kDock, 7, At(3), kOtherSku),                                            // 6
  });
  PostAll({Receipt(beta_, kDock, 99, At(0))});
  auto tx = Read();
  const auto list = [&](MovementQuery q) {
    std::vector<std::int64_t> out;  // positions 1..6 in `ids`
    for (const auto& m : Must(tx->inventory().ListMovements(alpha_, q))) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i].id == m.id) out.push_back(static_cast<std::int64_t>(i) + 1);
      }
    }
    return out;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(list({}), (Ids{1, 2, 3, 4, 5, 6}));
  MovementQuery q;
  q.sku_id = kSku;
  q.warehouse_id = kWh;
  EXPECT_EQ(list(q), (Ids{1, 3, 4, 5}));
  q = {};
  q.lot_id = lot.id;
  EXPECT_EQ(list(q), (Ids{3}));
  q = {};
  q.ref_type = "purchase_order";
  q.ref_id = "PO-1";
  EXPECT_EQ(list(q), (Ids{3}));
  q = {};
  q.from = At(1);
  q.to = At(3);
  EXPECT_EQ(list(q), (Ids{3, 4}));
  q = {};
  q.owner = "merchant-9";
  EXPECT_EQ(list(q), Ids{});
  // Keyset paging.
  q = {};
  q.limit = 2;
  EXPECT_EQ(list(q), (Ids{1, 2}));
  q.after_id = ids[1].id;
  EXPECT_EQ(list(q), (Ids{3, 4}));
  q.after_id = ids[3].id;
  EXPECT_EQ(list(q), (Ids{5, 6}));

  // Net quantity: entering minus leaving the scope; moves inside it cancel out.
  const auto net = [&](MovementQuery nq) { return Must(tx->inventory().NetQuantity(alpha_, nq)); };
  q = {};
  q.sku_id = kSku;
  EXPECT_EQ(net(q), 10 + 50 + 20 - 3);
  q.warehouse_id = kWh;
  EXPECT_EQ(net(q), 10 + 20 - 3);
  q.warehouse_id = 8;
  EXPECT_EQ(net(q), 50);
  q.warehouse_id = kWh;
  q.to = At(3);  // before the shipment: the stock card's opening balance
  EXPECT_EQ(net(q), 30);
  q.to.reset();
  q.from = At(3);
  EXPECT_EQ(net(q), -3);
  q = {};
  q.sku_id = kOtherSku;
  EXPECT_EQ(net(q), 7);
  EXPECT_EQ(Must(tx->inventory().NetQuantity(beta_, {})), 99);
}

// A long ledger: the SQL stores keep their per-SKU look-up in two parts (recent movements, and
// the rest moved in batches of 8,192); reads by SKU see every movement exactly once, in order.
TEST_P(InventoryContract, ReadsBySkuSeeEveryMovementOfALongLedgerOnce) {
  constexpr int kSkus = 7;
  constexpr int kDocuments = 4;
  constexpr int kLines = 20'000;  // 80,000 movements: more than one batch of the look-up
  std::vector<std::int64_t> count(kSkus + 1, 0);
  std::vector<std::int64_t> sum(kSkus + 1, 0);
  std::vector<std::int64_t> ids_of_3;
  for (int d = 0; d < kDocuments; ++d) {
    std::vector<Movement> doc;
    doc.reserve(kLines);
    for (int i = 0; i < kLines; ++i) {
      const std::int64_t sku = 1 + (d * kLines + i) % kSkus;
      const std::int64_t qty = 1 + i % 3;
      doc.push_back(Receipt(alpha_, kDock, qty, At(d), sku));
      count[static_cast<std::size_t>(sku)] += 1;
      sum[static_cast<std::size_t>(sku)] += qty;
    }
    doc.push_back(Receipt(beta_, kDock, 1, At(d), 3));  // another tenant's, same SKU
    for (const auto& m : PostAll(std::move(doc))) {
      if (m.sku_id == 3 && m.tenant_id == alpha_) ids_of_3.push_back(m.id);
    }
  }
  // A few more after the look-up moved, so that both parts hold SKU 3.
  for (const auto& m :
       PostAll({Receipt(alpha_, kDock, 5, At(9), 3), Receipt(alpha_, kDock, 5, At(9), 4)})) {
    if (m.sku_id == 3) ids_of_3.push_back(m.id);
  }
  count[3] += 1;
  sum[3] += 5;
  count[4] += 1;
  sum[4] += 5;
  auto tx = Read();
  for (std::int64_t sku = 1; sku <= kSkus; ++sku) {
    MovementQuery q;
    q.sku_id = sku;
    EXPECT_EQ(Must(tx->inventory().NetQuantity(alpha_, q)), sum[static_cast<std::size_t>(sku)])
        << sku;
  }
  // Every movement of SKU 3, page by page, in id order.
  std::vector<std::int64_t> seen;
  MovementQuery page;
  page.sku_id = 3;
  page.limit = 997;
  for (;;) {
    const auto got = Must(tx->inventory().ListMovements(alpha_, page));
    for (const auto& m : got) {
      EXPECT_EQ(m.sku_id, 3);
      seen.push_back(m.id);
    }
    if (static_cast<std::int64_t>(got.size()) < page.limit) break;
    page.after_id = got.back().id;
  }
  EXPECT_EQ(seen, ids_of_3);
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), count[3]);
  // The opening balance of a window: before the last document's time.
  MovementQuery before;
  before.sku_id = 3;
  before.warehouse_id = kWh;
  before.to = At(9);
  EXPECT_EQ(Must(tx->inventory().NetQuantity(alpha_, before)), sum[3] - 5);
  MovementQuery later;
  later.sku_id = 3;
  later.after_id = ids_of_3[ids_of_3.size() - 3];
  EXPECT_EQ(Must(tx->inventory().ListMovements(alpha_, later)).size(), 2U);
  MovementQuery theirs;
  theirs.sku_id = 3;
  EXPECT_EQ(Must(tx->inventory().NetQuantity(beta_, theirs)), kDocuments);
}

// The SQL stores move the per-SKU look-up in the background, in transactions of their own,
// right after the commits of postings: reads taken at any moment meanwhile still see every
// committed movement exactly once (the sums and counts of each SKU are exact after every
// commit).
TEST_P(InventoryContract, ReadsBySkuSeeEveryMovementOnceWhileTheLookUpMoves) {
  constexpr int kSkus = 5;
  constexpr int kDocuments = 16;
  constexpr int kLines = 4'000;  // 64,000 movements: several moves of the look-up
  std::vector<std::int64_t> count(kSkus + 1, 0);
  std::vector<std::int64_t> sum(kSkus + 1, 0);
  for (int d = 0; d < kDocuments; ++d) {
    std::vector<Movement> doc;
    doc.reserve(kLines);
    for (int i = 0; i < kLines; ++i) {
      const std::int64_t sku = 1 + (d * kLines + i) % kSkus;
      const std::int64_t qty = 1 + (d + i) % 4;
      doc.push_back(Receipt(alpha_, kDock, qty, At(d), sku));
      count[static_cast<std::size_t>(sku)] += 1;
      sum[static_cast<std::size_t>(sku)] += qty;
    }
    PostAll(std::move(doc));
    // Read at once, while a move may be running, and again on a fresh transaction.
    for (int pass = 0; pass < 2; ++pass) {
      auto tx = Read();
      for (std::int64_t sku = 1; sku <= kSkus; ++sku) {
        MovementQuery q;
        q.sku_id = sku;
        ASSERT_EQ(Must(tx->inventory().NetQuantity(alpha_, q)), sum[static_cast<std::size_t>(sku)])
            << "document " << d << ", SKU " << sku;
      }
      MovementQuery all_of_2;
      all_of_2.sku_id = 2;
      all_of_2.limit = 1'000'000;
      const auto got = Must(tx->inventory().ListMovements(alpha_, all_of_2));
      ASSERT_EQ(static_cast<std::int64_t>(got.size()), count[2]) << "document " << d;
      for (std::size_t i = 1; i < got.size(); ++i) ASSERT_LT(got[i - 1].id, got[i].id);
    }
  }
}

TEST_P(InventoryContract, LoadAvailableStockSumsBinsPerPoolAndLotAcrossTenants) {
  const Lot lot = AddLot(alpha_, kSku, "L1", Day(2026, 5, 31));
  Movement owned = Receipt(alpha_, kShelf, 4, At(0), kSku, lot.id);
  owned.owner = "merchant-9";
  PostAll(
      {Receipt(alpha_, kShelf, 10, At(0), kSku, lot.id),
       Receipt(alpha_, kShelf2, 5, At(0), kSku, lot.id), owned, Receipt(alpha_, kShelf, 3, At(0)),
       Move(alpha_, MovementReason::kHold, Available(kShelf),
            Place{kWh, kShelf, StockState::kQuarantine}, 2, At(0), kSku, lot.id),
       Receipt(alpha_, kDock, 1, At(0), kOtherSku),
       Move(alpha_, MovementReason::kScrap, Available(kDock), std::nullopt, 1, At(1), kOtherSku),
       Receipt(beta_, kShelf, 6, At(0))});
  auto tx = Read();
  auto stock = Must(tx->inventory().LoadAvailableStock());
  // Order: tenant, warehouse, SKU, owner, lot. Held and emptied stock is left out.
  ASSERT_EQ(stock.size(), 4U);
  EXPECT_EQ(stock[0].pool, (inventory::PoolKey{alpha_, kWh, kSku, "merchant-9"}));
  EXPECT_EQ(stock[0].lot_id, lot.id);
  EXPECT_EQ(stock[0].available_on_hand, 4);
  EXPECT_EQ(stock[1].pool, (inventory::PoolKey{alpha_, kWh, kSku, "own"}));
  EXPECT_EQ(stock[1].lot_id, LotId(0));
  EXPECT_EQ(stock[1].available_on_hand, 3);
  EXPECT_EQ(stock[1].expiry_date, std::nullopt);
  EXPECT_EQ(stock[2].pool, (inventory::PoolKey{alpha_, kWh, kSku, "own"}));
  EXPECT_EQ(stock[2].lot_id, lot.id);
  EXPECT_EQ(stock[2].available_on_hand, 13);
  EXPECT_EQ(stock[2].expiry_date, Day(2026, 5, 31));
  EXPECT_EQ(stock[3].pool, (inventory::PoolKey{beta_, kWh, kSku, "own"}));
  EXPECT_EQ(stock[3].available_on_hand, 6);
}

// --- reservations -----------------------------------------------------------------------------

TEST_P(InventoryContract, ReservationsSaveWholeAndReadBackByIdAndKey) {
  {
    auto tx = Write();
    const std::vector<Reservation> batch = {SampleReservation(alpha_, 41, "idem-1"),
                                            SampleReservation(alpha_, 42)};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    const Reservation got = Must(tx->inventory().GetReservation(alpha_, ReservationId(41)));
    const Reservation want = SampleReservation(alpha_, 41, "idem-1");
    EXPECT_EQ(got.tenant_id, alpha_);
    EXPECT_EQ(got.warehouse_id, kWh);
    EXPECT_EQ(got.sku_id, kSku);
    EXPECT_EQ(got.owner, "merchant-9");
    EXPECT_EQ(got.order_ref, "SO-41");
    EXPECT_EQ(got.client_key, "idem-1");
    EXPECT_EQ(got.lines, want.lines);  // in the order given
    EXPECT_EQ(got.state, ReservationState::kActive);
    EXPECT_EQ(got.expires_at, At(1));
    EXPECT_EQ(got.created_at, At(0));
    EXPECT_EQ(got.updated_at, At(0));
    const auto by_key = Must(tx->inventory().FindReservationByKey(alpha_, "idem-1"));
    ASSERT_TRUE(by_key.has_value());
    EXPECT_EQ(by_key->id, ReservationId(41));
    EXPECT_FALSE(Must(tx->inventory().FindReservationByKey(alpha_, "idem-2")).has_value());
    EXPECT_FALSE(Must(tx->inventory().FindReservationByKey(beta_, "idem-1")).has_value());
    EXPECT_FALSE(Must(tx->inventory().FindReservationByKey(alpha_, "")).has_value());
    EXPECT_EQ(tx->inventory().GetReservation(beta_, ReservationId(41)).status().code(),
              ErrorCode::kNotFound);
    EXPECT_EQ(Must(tx->inventory().MaxReservationId()), 42);
  }
  {
    // Saving again replaces: confirmed (no expiry) with one line released.
    auto tx = Write();
    Reservation r = SampleReservation(alpha_, 41, "idem-1");
    r.lines = {{LotId(12), 5, 0}};
    r.expires_at.reset();
    r.updated_at = At(2);
    const std::vector<Reservation> batch = {r};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const Reservation got = Must(tx->inventory().GetReservation(alpha_, ReservationId(41)));
  EXPECT_EQ(got.lines, (std::vector<ReservationLine>{{LotId(12), 5, 0}}));
  EXPECT_EQ(got.expires_at, std::nullopt);
  EXPECT_EQ(got.updated_at, At(2));
  EXPECT_EQ(got.created_at, At(0));
}

TEST_P(InventoryContract, AReservationKeepsItsShortageAndShelfLifeMinimum) {
  {
    auto tx = Write();
    Reservation shortened = SampleReservation(alpha_, 51);
    shortened.short_quantity = 3;
    shortened.min_remaining_days = 30;
    const std::vector<Reservation> batch = {shortened, SampleReservation(alpha_, 52)};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    const Reservation got = Must(tx->inventory().GetReservation(alpha_, ReservationId(51)));
    EXPECT_EQ(got.short_quantity, 3);
    EXPECT_EQ(got.min_remaining_days, std::optional<std::int64_t>(30));
    const Reservation plain = Must(tx->inventory().GetReservation(alpha_, ReservationId(52)));
    EXPECT_EQ(plain.short_quantity, 0);
    EXPECT_EQ(plain.min_remaining_days, std::nullopt);
  }
  {
    // Saved again (a later loss): the new values replace the old.
    auto tx = Write();
    Reservation r = SampleReservation(alpha_, 51);
    r.short_quantity = 5;
    r.min_remaining_days = 0;
    const std::vector<Reservation> batch = {r};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto active =
      Must(tx->inventory().GetReservations(alpha_, std::vector<ReservationId>{ReservationId(51)}));
  ASSERT_EQ(active.size(), 1U);
  EXPECT_EQ(active[0].short_quantity, 5);
  EXPECT_EQ(active[0].min_remaining_days, std::optional<std::int64_t>(0));
}

TEST_P(InventoryContract, AClientKeyBelongsToOneReservationPerTenant) {
  {
    auto tx = Write();
    const std::vector<Reservation> first = {SampleReservation(alpha_, 1, "k")};
    MustOk(tx->inventory().SaveReservations(first));
    MustOk(tx->Commit());
  }
  auto tx = Write();
  const std::vector<Reservation> clash = {SampleReservation(alpha_, 2, "k")};
  const Status st = tx->inventory().SaveReservations(clash);
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(st.field(), "client_key");
  // Same key in another tenant, and empty keys, are fine.
  const std::vector<Reservation> fine = {
      SampleReservation(beta_, 3, "k"), SampleReservation(alpha_, 4), SampleReservation(alpha_, 5)};
  MustOk(tx->inventory().SaveReservations(fine));
  MustOk(tx->Commit());
}

TEST_P(InventoryContract, ListReservationsFiltersNewestFirstAndLoadsTheActiveOnes) {
  {
    auto tx = Write();
    std::vector<Reservation> batch;
    for (std::int64_t id = 1; id <= 5; ++id) batch.push_back(SampleReservation(alpha_, id));
    batch[1].state = ReservationState::kReleased;
    batch[2].sku_id = kOtherSku;
    batch[3].order_ref = "SO-X";
    batch.push_back(SampleReservation(beta_, 9));
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto list = [&](ReservationQuery q) {
    auto [items, total] = Must(tx->inventory().ListReservations(alpha_, q));
    std::vector<std::int64_t> out;
    for (const auto& r : items) out.push_back(r.id.value());
    out.push_back(-total);
    return out;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(list({}), (Ids{5, 4, 3, 2, 1, -5}));
  ReservationQuery q;
  q.state = ReservationState::kActive;
  q.sku_id = kSku;
  EXPECT_EQ(list(q), (Ids{5, 4, 1, -3}));
  q = {};
  q.order_ref = "SO-X";
  EXPECT_EQ(list(q), (Ids{4, -1}));
  q = {};
  q.warehouse_id = 8;
  EXPECT_EQ(list(q), (Ids{-0}));
  q = {};
  q.limit = 2;
  q.offset = 1;
  EXPECT_EQ(list(q), (Ids{4, 3, -5}));

  std::vector<std::int64_t> active;
  for (const auto& r : Must(tx->inventory().LoadActiveReservations())) {
    active.push_back(r.id.value());
  }
  EXPECT_EQ(active, (Ids{1, 3, 4, 5, 9}));
  EXPECT_EQ(Must(tx->inventory().MaxReservationId()), 9);
}

TEST_P(InventoryContract, AddPickedStopsAtTheReservedQuantityAndConsumesWhenDone) {
  {
    auto tx = Write();
    const std::vector<Reservation> batch = {SampleReservation(alpha_, 7)};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  const ReservationId rid(7);
  {
    auto tx = Write();
    MustOk(tx->inventory().AddPicked(alpha_, rid, LotId(12), 3, At(1)));
    const Status over = tx->inventory().AddPicked(alpha_, rid, LotId(12), 3, At(1));
    EXPECT_EQ(over.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(over.message().find("2 of lot 12 left"), std::string::npos) << over.message();
    EXPECT_EQ(tx->inventory().AddPicked(alpha_, rid, LotId(99), 1, At(1)).code(),
              ErrorCode::kFailedPrecondition);
    EXPECT_EQ(tx->inventory().AddPicked(alpha_, rid, LotId(12), 0, At(1)).code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(tx->inventory().AddPicked(beta_, rid, LotId(12), 1, At(1)).code(),
              ErrorCode::kNotFound);
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    const Reservation r = Must(tx->inventory().GetReservation(alpha_, rid));
    EXPECT_EQ(r.lines, (std::vector<ReservationLine>{{LotId(12), 5, 3}, {LotId(3), 2, 0}}));
    EXPECT_EQ(r.state, ReservationState::kActive);
    EXPECT_EQ(r.updated_at, At(1));
  }
  {
    auto tx = Write();
    MustOk(tx->inventory().AddPicked(alpha_, rid, LotId(12), 2, At(2)));
    MustOk(tx->inventory().AddPicked(alpha_, rid, LotId(3), 2, At(3)));
    MustOk(tx->Commit());
  }
  auto tx = Write();
  const Reservation r = Must(tx->inventory().GetReservation(alpha_, rid));
  EXPECT_EQ(r.state, ReservationState::kConsumed);
  EXPECT_EQ(r.Picked(), 7);
  EXPECT_EQ(r.updated_at, At(3));
  EXPECT_TRUE(Must(tx->inventory().LoadActiveReservations()).empty());
  // A consumed reservation takes no more picks.
  EXPECT_EQ(tx->inventory().AddPicked(alpha_, rid, LotId(3), 1, At(4)).code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(InventoryContract, GetReservationsReadsManyAndLeavesOutMissingAndForeignOnes) {
  {
    auto tx = Write();
    std::vector<Reservation> batch;
    for (std::int64_t id = 1; id <= 600; id += 2) batch.push_back(SampleReservation(alpha_, id));
    batch.push_back(SampleReservation(beta_, 1000));
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  // 1..600: the odd ones exist; more ids than one statement's list takes.
  std::vector<ReservationId> ids;
  for (std::int64_t id = 600; id >= 1; --id) ids.emplace_back(id);
  ids.emplace_back(1000);  // beta's
  auto tx = Read();
  auto found = Must(tx->inventory().GetReservations(alpha_, ids));
  std::sort(found.begin(), found.end(),
            [](const Reservation& a, const Reservation& b) { return a.id < b.id; });
  ASSERT_EQ(found.size(), 300U);
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].id, ReservationId(static_cast<std::int64_t>(2 * i + 1)));
    EXPECT_EQ(found[i].tenant_id, alpha_);
  }
  EXPECT_EQ(found[7].order_ref, "SO-15");
  EXPECT_EQ(found[7].lines, (std::vector<ReservationLine>{{LotId(12), 5, 0}, {LotId(3), 2, 0}}));
  EXPECT_TRUE(Must(tx->inventory().GetReservations(alpha_, {})).empty());
}

TEST_P(InventoryContract, AddPickedBatchAppliesEveryPickInOrderOrRefuses) {
  constexpr std::int64_t kMany = 300;  // more than one statement's rows
  {
    auto tx = Write();
    std::vector<Reservation> batch;
    for (std::int64_t id = 1; id <= kMany; ++id) batch.push_back(SampleReservation(alpha_, id));
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  using Pick = inventory::InventoryStore::Pick;
  {
    auto tx = Write();
    std::vector<Pick> picks;
    // Reservation 1 twice on one lot and once on the other: 3 + 2 of lot 12, 2 of lot 3.
    picks.push_back({ReservationId(1), LotId(12), 3, At(1)});
    for (std::int64_t id = kMany; id >= 2; --id)
      picks.push_back({ReservationId(id), LotId(3), 1, At(1)});
    picks.push_back({ReservationId(1), LotId(3), 2, At(2)});
    picks.push_back({ReservationId(1), LotId(12), 2, At(3)});
    MustOk(tx->inventory().AddPickedBatch(alpha_, picks));
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    const Reservation one = Must(tx->inventory().GetReservation(alpha_, ReservationId(1)));
    EXPECT_EQ(one.state, ReservationState::kConsumed);
    EXPECT_EQ(one.lines, (std::vector<ReservationLine>{{LotId(12), 5, 5}, {LotId(3), 2, 2}}));
    EXPECT_EQ(one.updated_at, At(3));
    for (std::int64_t id : {std::int64_t{2}, std::int64_t{150}, kMany}) {
      const Reservation r = Must(tx->inventory().GetReservation(alpha_, ReservationId(id)));
      EXPECT_EQ(r.state, ReservationState::kActive) << id;
      EXPECT_EQ(r.lines, (std::vector<ReservationLine>{{LotId(12), 5, 0}, {LotId(3), 2, 1}})) << id;
      EXPECT_EQ(r.updated_at, At(1)) << id;
    }
  }
  // Refusals name the reason; the caller rolls back.
  const auto refused = [&](std::vector<Pick> picks) {
    auto tx = Write();
    return tx->inventory().AddPickedBatch(alpha_, picks);  // rolled back here
  };
  const Status over = refused({{ReservationId(2), LotId(3), 1, At(4)},
                               {ReservationId(3), LotId(3), 1, At(4)},
                               {ReservationId(2), LotId(3), 1, At(4)}});
  EXPECT_EQ(over.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(over.message().find("reservation 2 has 0 of lot 3 left"), std::string::npos)
      << over.message();
  EXPECT_EQ(
      refused({{ReservationId(2), LotId(99), 1, At(4)}, {ReservationId(3), LotId(3), 1, At(4)}})
          .code(),
      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(
      refused({{ReservationId(2), LotId(3), 1, At(4)}, {ReservationId(3), LotId(3), 0, At(4)}})
          .code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      refused({{ReservationId(2), LotId(3), 1, At(4)}, {ReservationId(9999), LotId(3), 1, At(4)}})
          .code(),
      ErrorCode::kNotFound);
  EXPECT_EQ(
      refused({{ReservationId(1), LotId(3), 1, At(4)}, {ReservationId(2), LotId(12), 1, At(4)}})
          .code(),
      ErrorCode::kFailedPrecondition);  // 1 is consumed
  auto beta = Write();
  const std::vector<Pick> foreign = {{ReservationId(2), LotId(12), 1, At(4)},
                                     {ReservationId(3), LotId(12), 1, At(4)}};
  EXPECT_EQ(beta->inventory().AddPickedBatch(beta_, foreign).code(), ErrorCode::kNotFound);
  beta.reset();
  auto tx = Read();
  EXPECT_EQ(Must(tx->inventory().GetReservation(alpha_, ReservationId(2))).Picked(), 1);
  EXPECT_EQ(Must(tx->inventory().GetReservation(alpha_, ReservationId(3))).Picked(), 1);
}

TEST_P(InventoryContract, AddPickedBatchFromSeenVersionsEndsAsFromTheStoredOnes) {
  {
    auto tx = Write();
    std::vector<Reservation> batch;
    for (std::int64_t id = 1; id <= 4; ++id) batch.push_back(SampleReservation(alpha_, id));
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->Commit());
  }
  using Pick = inventory::InventoryStore::Pick;
  // 1 and 4 as stored; 2 seen with lot 3 already picked (it is not); 3 seen consumed (it is
  // active). Picks that the stale versions could not take still succeed on the stored ones.
  const Reservation seen1 = SampleReservation(alpha_, 1);
  Reservation seen2 = SampleReservation(alpha_, 2);
  seen2.lines[1].picked = 2;
  Reservation seen3 = SampleReservation(alpha_, 3);
  seen3.state = ReservationState::kConsumed;
  const Reservation seen4 = SampleReservation(alpha_, 4);
  {
    auto tx = Write();
    const std::vector<Pick> picks = {{ReservationId(1), LotId(12), 2, At(1), &seen1},
                                     {ReservationId(2), LotId(3), 2, At(1), &seen2},
                                     {ReservationId(3), LotId(3), 1, At(1), &seen3},
                                     {ReservationId(1), LotId(3), 2, At(2), &seen1}};
    MustOk(tx->inventory().AddPickedBatch(alpha_, picks));
    MustOk(tx->Commit());
  }
  {
    auto tx = Read();
    const auto lines = [&](std::int64_t id) {
      return Must(tx->inventory().GetReservation(alpha_, ReservationId(id))).lines;
    };
    EXPECT_EQ(lines(1), (std::vector<ReservationLine>{{LotId(12), 5, 2}, {LotId(3), 2, 2}}));
    EXPECT_EQ(lines(2), (std::vector<ReservationLine>{{LotId(12), 5, 0}, {LotId(3), 2, 2}}));
    EXPECT_EQ(lines(3), (std::vector<ReservationLine>{{LotId(12), 5, 0}, {LotId(3), 2, 1}}));
    EXPECT_EQ(Must(tx->inventory().GetReservation(alpha_, ReservationId(1))).updated_at, At(2));
  }
  // Refused as the stored reservation refuses it (2 has nothing of lot 3 left); a version seen
  // before the picks above (1) takes more picks from the stored one.
  auto tx = Write();
  const Status over = tx->inventory().AddPickedBatch(
      alpha_, std::vector<Pick>{{ReservationId(4), LotId(3), 1, At(3), &seen4},
                                {ReservationId(2), LotId(3), 1, At(3), &seen2}});
  EXPECT_EQ(over.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(over.message().find("reservation 2 has 0 of lot 3 left"), std::string::npos)
      << over.message();
  tx.reset();
  tx = Write();
  MustOk(tx->inventory().AddPickedBatch(
      alpha_, std::vector<Pick>{{ReservationId(1), LotId(12), 3, At(4), &seen1}}));
  MustOk(tx->Commit());
  tx.reset();
  tx = Read();
  const Reservation one = Must(tx->inventory().GetReservation(alpha_, ReservationId(1)));
  EXPECT_EQ(one.state, ReservationState::kConsumed);
  EXPECT_EQ(one.lines, (std::vector<ReservationLine>{{LotId(12), 5, 5}, {LotId(3), 2, 2}}));
}

// --- tasks ------------------------------------------------------------------------------------

TEST_P(InventoryContract, TaskReadsBackWholeWithEveryKindOfLine) {
  Task t = SampleTask(alpha_, "RCV-000001");
  t.lines[0].done_qty = 8;
  t.lines[0].damaged_qty = 1;
  t.lines[0].receipts = {
      {"L-1", Day(2025, 1, 2), Day(2026, 1, 2), 8, warehouse::Condition::kGood, ""},
      {"", std::nullopt, std::nullopt, 1, warehouse::Condition::kDamaged, "crushed carton"}};
  TaskLine& pick = t.lines[1];
  pick.lot_id = LotId(12);
  pick.owner = "merchant-9";
  pick.from_bin = kShelf;
  pick.to_bin = kStaging;
  pick.reservation_id = 41;
  pick.order_ref = "SO-41";
  TaskLine count;
  count.line_no = 3;
  count.sku_id = kSku;
  count.from_bin = kShelf;
  count.system_qty = 0;
  count.counted_qty = 4;
  count.recount_qty = 5;
  count.reason = "found_behind_shelf";
  t.lines.push_back(count);
  t.state = TaskState::kInProgress;
  t.closed_at = At(3);
  Task stored;
  {
    auto tx = Write();
    stored = Must(tx->warehouse().InsertTask(t));
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(stored.id.assigned());
  auto tx = Read();
  const Task got = Must(tx->warehouse().GetTask(alpha_, stored.id));
  EXPECT_EQ(got.tenant_id, alpha_);
  EXPECT_EQ(got.code, "RCV-000001");
  EXPECT_EQ(got.kind, TaskKind::kReceive);
  EXPECT_EQ(got.state, TaskState::kInProgress);
  EXPECT_EQ(got.warehouse_id, kWh);
  EXPECT_EQ(got.ref_type, "purchase_order");
  EXPECT_EQ(got.ref_id, "17");
  EXPECT_EQ(got.assignee, "kim");
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.created_at, At(0));
  EXPECT_EQ(got.updated_at, At(0));
  EXPECT_EQ(got.closed_at, At(3));
  ASSERT_EQ(got.lines.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const TaskLine& a = got.lines[i];
    const TaskLine& b = t.lines[i];
    EXPECT_EQ(a.line_no, b.line_no);
    EXPECT_EQ(a.sku_id, b.sku_id);
    EXPECT_EQ(a.lot_id, b.lot_id);
    EXPECT_EQ(a.owner, b.owner);
    EXPECT_EQ(a.from_bin, b.from_bin);
    EXPECT_EQ(a.to_bin, b.to_bin);
    EXPECT_EQ(a.expected_qty, b.expected_qty);
    EXPECT_EQ(a.done_qty, b.done_qty);
    EXPECT_EQ(a.damaged_qty, b.damaged_qty);
    ASSERT_EQ(a.receipts.size(), b.receipts.size());
    for (std::size_t r = 0; r < a.receipts.size(); ++r) {
      EXPECT_EQ(a.receipts[r].lot_number, b.receipts[r].lot_number);
      EXPECT_EQ(a.receipts[r].production_date, b.receipts[r].production_date);
      EXPECT_EQ(a.receipts[r].expiry_date, b.receipts[r].expiry_date);
      EXPECT_EQ(a.receipts[r].quantity, b.receipts[r].quantity);
      EXPECT_EQ(a.receipts[r].condition, b.receipts[r].condition);
      EXPECT_EQ(a.receipts[r].reason, b.receipts[r].reason);
    }
    EXPECT_EQ(a.reservation_id, b.reservation_id);
    EXPECT_EQ(a.order_ref, b.order_ref);
    EXPECT_EQ(a.system_qty, b.system_qty);
    EXPECT_EQ(a.counted_qty, b.counted_qty);
    EXPECT_EQ(a.recount_qty, b.recount_qty);
    EXPECT_EQ(a.reason, b.reason);
  }
  EXPECT_EQ(tx->warehouse().GetTask(beta_, stored.id).status().code(), ErrorCode::kNotFound);
}

TEST_P(InventoryContract, TaskCodesAreUniquePerTenantAndUpdatesAreOptimistic) {
  Task stored;
  {
    auto tx = Write();
    stored = Must(tx->warehouse().InsertTask(SampleTask(alpha_, "PCK-000001")));
    const auto dup = tx->warehouse().InsertTask(SampleTask(alpha_, "PCK-000001"));
    EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.status().field(), "code");
    MustOk(tx->warehouse().InsertTask(SampleTask(alpha_, "PCK-000002")).status());
    MustOk(tx->warehouse().InsertTask(SampleTask(beta_, "PCK-000001")).status());
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    Task t = stored;
    t.state = TaskState::kDone;
    t.lines[0].done_qty = 10;
    t.lines.pop_back();
    t.version = 2;
    t.updated_at = At(5);
    t.closed_at = At(5);
    t.created_at = At(9);  // ignored: the creation time stays
    MustOk(tx->warehouse().UpdateTask(t, 1));
    // A second writer holding version 1 loses.
    Task stale = stored;
    stale.version = 2;
    const Status st = tx->warehouse().UpdateTask(stale, 1);
    EXPECT_EQ(st.code(), ErrorCode::kConflict);
    EXPECT_NE(st.message().find("version 2"), std::string::npos) << st.message();
    Task renamed = t;
    renamed.code = "PCK-000002";
    renamed.version = 3;
    const Status taken = tx->warehouse().UpdateTask(renamed, 2);
    EXPECT_EQ(taken.code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(taken.field(), "code");
    Task missing = t;
    missing.id = warehouse::TaskId(9'999);
    EXPECT_EQ(tx->warehouse().UpdateTask(missing, 2).code(), ErrorCode::kNotFound);
    Task foreign = t;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->warehouse().UpdateTask(foreign, 2).code(), ErrorCode::kNotFound);
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const Task got = Must(tx->warehouse().GetTask(alpha_, stored.id));
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.state, TaskState::kDone);
  ASSERT_EQ(got.lines.size(), 1U);
  EXPECT_EQ(got.lines[0].done_qty, 10);
  EXPECT_EQ(got.created_at, At(0));
  EXPECT_EQ(got.updated_at, At(5));
  EXPECT_EQ(got.closed_at, At(5));
}

TEST_P(InventoryContract, AFiveThousandLineTaskRoundTrips) {
  Task t = SampleTask(alpha_, "WAVE-000001", 5'000);
  t.kind = TaskKind::kPick;
  t.ref_type = "wave";
  for (auto& l : t.lines) {
    l.lot_id = LotId(l.line_no % 7);
    l.from_bin = 1'000 + l.line_no;
    l.to_bin = kStaging;
    l.reservation_id = 10'000 + l.line_no;
    l.order_ref = "SO-" + std::to_string(l.line_no / 3);
  }
  Task stored;
  {
    auto tx = Write();
    stored = Must(tx->warehouse().InsertTask(t));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    Task next = Must(tx->warehouse().GetTask(alpha_, stored.id));
    ASSERT_EQ(next.lines.size(), 5'000U);
    for (auto& l : next.lines) l.done_qty = l.expected_qty;
    next.version = 2;
    MustOk(tx->warehouse().UpdateTask(next, 1));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const Task got = Must(tx->warehouse().GetTask(alpha_, stored.id));
  ASSERT_EQ(got.lines.size(), 5'000U);
  for (std::size_t i = 0; i < got.lines.size(); ++i) {
    const TaskLine& a = got.lines[i];
    const TaskLine& b = t.lines[i];
    ASSERT_EQ(a.line_no, b.line_no);
    ASSERT_EQ(a.sku_id, b.sku_id);
    ASSERT_EQ(a.lot_id, b.lot_id);
    ASSERT_EQ(a.from_bin, b.from_bin);
    ASSERT_EQ(a.to_bin, b.to_bin);
    ASSERT_EQ(a.expected_qty, b.expected_qty);
    ASSERT_EQ(a.done_qty, b.expected_qty);
    ASSERT_EQ(a.reservation_id, b.reservation_id);
    ASSERT_EQ(a.order_ref, b.order_ref);
  }
}

TEST_P(InventoryContract, ListTasksFiltersNewestFirstAndNumbersCountPerTenantAndKind) {
  {
    auto tx = Write();
    Task a = SampleTask(alpha_, "T1");
    Task b = SampleTask(alpha_, "T2");
    b.kind = TaskKind::kPick;
    b.assignee = "lee";
    Task c = SampleTask(alpha_, "T3");
    c.state = TaskState::kDone;
    c.ref_id = "18";
    Task d = SampleTask(alpha_, "T4");
    d.warehouse_id = 8;
    for (const Task& t : {a, b, c, d, SampleTask(beta_, "T5")}) {
      MustOk(tx->warehouse().InsertTask(t).status());
    }
    MustOk(tx->Commit());
  }
  auto tx = Write();
  const auto list = [&](warehouse::TaskQuery q) {
    auto [items, total] = Must(tx->warehouse().ListTasks(alpha_, q));
    std::vector<std::string> out;
    for (const auto& t : items) {
      EXPECT_FALSE(t.lines.empty());
      out.push_back(t.code);
    }
    out.push_back(std::to_string(total));
    return out;
  };
  using Codes = std::vector<std::string>;
  EXPECT_EQ(list({}), (Codes{"T4", "T3", "T2", "T1", "4"}));
  warehouse::TaskQuery q;
  q.warehouse_id = kWh;
  q.state = TaskState::kOpen;
  EXPECT_EQ(list(q), (Codes{"T2", "T1", "2"}));
  q = {};
  q.kind = TaskKind::kPick;
  EXPECT_EQ(list(q), (Codes{"T2", "1"}));
  q = {};
  q.ref_id = "18";
  EXPECT_EQ(list(q), (Codes{"T3", "1"}));
  q = {};
  q.assignee = "lee";
  EXPECT_EQ(list(q), (Codes{"T2", "1"}));
  q = {};
  q.limit = 1;
  q.offset = 3;
  EXPECT_EQ(list(q), (Codes{"T1", "4"}));

  EXPECT_EQ(Must(tx->warehouse().NextTaskNumber(alpha_, TaskKind::kReceive)), 1);
  EXPECT_EQ(Must(tx->warehouse().NextTaskNumber(alpha_, TaskKind::kReceive)), 2);
  EXPECT_EQ(Must(tx->warehouse().NextTaskNumber(alpha_, TaskKind::kPick)), 1);
  EXPECT_EQ(Must(tx->warehouse().NextTaskNumber(beta_, TaskKind::kReceive)), 1);
  MustOk(tx->Commit());
  tx.reset();
  auto again = Write();
  EXPECT_EQ(Must(again->warehouse().NextTaskNumber(alpha_, TaskKind::kReceive)), 3);
}

// --- parcels and device events ----------------------------------------------------------------

TEST_P(InventoryContract, ParcelsHaveUniqueSsccsAndUpdateAtHandover) {
  const std::string sscc = "095011010000000017";
  Parcel stored;
  {
    auto tx = Write();
    stored = Must(tx->warehouse().InsertParcel(SampleParcel(alpha_, sscc)));
    const auto dup = tx->warehouse().InsertParcel(SampleParcel(alpha_, sscc));
    EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.status().field(), "sscc");
    Parcel second = SampleParcel(alpha_, "095011010000000024");
    second.order_ref = "SO-2";
    MustOk(tx->warehouse().InsertParcel(second).status());
    MustOk(tx->warehouse().InsertParcel(SampleParcel(beta_, sscc)).status());
    EXPECT_EQ(Must(tx->warehouse().NextSsccSerial(alpha_)), 1);
    EXPECT_EQ(Must(tx->warehouse().NextSsccSerial(alpha_)), 2);
    EXPECT_EQ(Must(tx->warehouse().NextSsccSerial(beta_)), 1);
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    Parcel p = Must(tx->warehouse().GetParcel(alpha_, stored.id));
    EXPECT_EQ(p.sscc, sscc);
    EXPECT_EQ(p.warehouse_id, kWh);
    EXPECT_EQ(p.order_ref, "SO-1");
    EXPECT_EQ(p.pack_bin, kStaging);
    ASSERT_EQ(p.lines.size(), 2U);
    EXPECT_EQ(p.lines[0].sku_id, kSku);
    EXPECT_EQ(p.lines[0].lot_id, LotId(12));
    EXPECT_EQ(p.lines[0].owner, "merchant-9");
    EXPECT_EQ(p.lines[0].quantity, 3);
    EXPECT_EQ(p.lines[1].owner, "own");
    EXPECT_EQ(p.weight_grams, 1'250);
    EXPECT_EQ(p.state, ParcelState::kPacked);
    EXPECT_EQ(p.created_at, At(0));
    EXPECT_EQ(p.shipped_at, std::nullopt);
    p.state = ParcelState::kShipped;
    p.carrier_id = 3;
    p.waybill_no = "SF1234567890";
    p.shipped_at = At(4);
    MustOk(tx->warehouse().UpdateParcel(p));
    Parcel foreign = p;
    foreign.tenant_id = beta_;
    foreign.id = warehouse::ParcelId(9'999);
    EXPECT_EQ(tx->warehouse().UpdateParcel(foreign).code(), ErrorCode::kNotFound);
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const Parcel p = Must(tx->warehouse().GetParcel(alpha_, stored.id));
  EXPECT_EQ(p.state, ParcelState::kShipped);
  EXPECT_EQ(p.carrier_id, 3);
  EXPECT_EQ(p.waybill_no, "SF1234567890");
  EXPECT_EQ(p.shipped_at, At(4));
  EXPECT_EQ(tx->warehouse().GetParcel(beta_, stored.id).status().code(), ErrorCode::kNotFound);
  const auto list = [&](warehouse::ParcelQuery q) {
    auto [items, total] = Must(tx->warehouse().ListParcels(alpha_, q));
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.order_ref);
    out.push_back(std::to_string(total));
    return out;
  };
  using Refs = std::vector<std::string>;
  EXPECT_EQ(list({}), (Refs{"SO-2", "SO-1", "2"}));
  warehouse::ParcelQuery q;
  q.state = ParcelState::kPacked;
  EXPECT_EQ(list(q), (Refs{"SO-2", "1"}));
  q = {};
  q.order_ref = "SO-1";
  q.warehouse_id = kWh;
  EXPECT_EQ(list(q), (Refs{"SO-1", "1"}));
}

TEST_P(InventoryContract, ADeviceEventKeepsItsFirstAnswer) {
  {
    auto tx = Write();
    MustOk(tx->warehouse().InsertDeviceEvent(SampleEvent(alpha_, "TC52-04", "seq-1")));
    DeviceEventRecord retry = SampleEvent(alpha_, "TC52-04", "seq-1");
    retry.answer = R"({"status":"rejected"})";
    const Status st = tx->warehouse().InsertDeviceEvent(retry);
    EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
    // The transaction goes on after the refusal.
    MustOk(tx->warehouse().InsertDeviceEvent(SampleEvent(alpha_, "TC52-05", "seq-1")));
    MustOk(tx->warehouse().InsertDeviceEvent(SampleEvent(beta_, "TC52-04", "seq-1")));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const auto got = Must(tx->warehouse().FindDeviceEvent(alpha_, "TC52-04", "seq-1"));
  ASSERT_TRUE(got.has_value());
  const DeviceEventRecord want = SampleEvent(alpha_, "TC52-04", "seq-1");
  EXPECT_EQ(got->event.tenant_id, alpha_);
  EXPECT_EQ(got->event.device_id, "TC52-04");
  EXPECT_EQ(got->event.event_key, "seq-1");
  EXPECT_EQ(got->event.type, want.event.type);
  EXPECT_EQ(got->event.task_id, 4);
  EXPECT_EQ(got->event.line_no, 2);
  EXPECT_EQ(got->event.location, "A-01-02");
  EXPECT_EQ(got->event.barcode, want.event.barcode);
  EXPECT_EQ(got->event.quantity, 6);
  EXPECT_EQ(got->event.device_time, At(-1));
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->answer, want.answer);
  EXPECT_EQ(got->received_at, At(0));
  EXPECT_FALSE(Must(tx->warehouse().FindDeviceEvent(alpha_, "TC52-04", "seq-2")).has_value());
  EXPECT_FALSE(Must(tx->warehouse().FindDeviceEvent(alpha_, "TC52-06", "seq-1")).has_value());
}

TEST_P(InventoryContract, DeviceEventsAreFoundAndStoredInBatches) {
  constexpr int kMany = 300;  // more than one statement's keys and rows
  std::vector<DeviceEventRecord> records;
  for (int i = 0; i < kMany; ++i) {
    DeviceEventRecord r =
        SampleEvent(alpha_, i % 2 == 0 ? "HT-1" : "HT-2", "k" + std::to_string(i));
    r.event.quantity = i + 1;
    r.answer = "{\"n\":" + std::to_string(i) + "}";
    records.push_back(std::move(r));
  }
  records.push_back(SampleEvent(beta_, "HT-1", "k0"));
  {
    auto tx = Write();
    MustOk(tx->warehouse().InsertDeviceEvents(records));
    MustOk(tx->Commit());
  }
  {
    // One of them stored already, or one repeated: refused (the caller rolls back).
    auto tx = Write();
    const std::vector<DeviceEventRecord> again = {SampleEvent(alpha_, "HT-1", "new-1"),
                                                  SampleEvent(alpha_, "HT-1", "k10"),
                                                  SampleEvent(alpha_, "HT-1", "new-2")};
    EXPECT_EQ(tx->warehouse().InsertDeviceEvents(again).code(), ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    const std::vector<DeviceEventRecord> twice = {SampleEvent(alpha_, "HT-1", "new-3"),
                                                  SampleEvent(alpha_, "HT-1", "new-3")};
    EXPECT_EQ(tx->warehouse().InsertDeviceEvents(twice).code(), ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    const std::vector<DeviceEventRecord> fresh = {SampleEvent(alpha_, "HT-3", "x"),
                                                  SampleEvent(alpha_, "HT-3", "y")};
    MustOk(tx->warehouse().InsertDeviceEvents(fresh));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  std::vector<std::string> keys;
  for (int i = kMany + 10; i >= 0; --i) keys.push_back("k" + std::to_string(i));
  auto found = Must(tx->warehouse().FindDeviceEvents(alpha_, "HT-1", keys));
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.event.quantity < b.event.quantity; });
  ASSERT_EQ(found.size(), static_cast<std::size_t>(kMany / 2));
  for (std::size_t j = 0; j < found.size(); ++j) {
    const int i = static_cast<int>(2 * j);
    EXPECT_EQ(found[j].event.tenant_id, alpha_);
    EXPECT_EQ(found[j].event.device_id, "HT-1");
    EXPECT_EQ(found[j].event.event_key, "k" + std::to_string(i));
    EXPECT_EQ(found[j].event.quantity, i + 1);
    EXPECT_EQ(found[j].answer, "{\"n\":" + std::to_string(i) + "}");
  }
  const DeviceEventRecord want = SampleEvent(alpha_, "HT-1", "k0");
  EXPECT_EQ(found[0].event.type, want.event.type);
  EXPECT_EQ(found[0].event.task_id, want.event.task_id);
  EXPECT_EQ(found[0].event.line_no, want.event.line_no);
  EXPECT_EQ(found[0].event.location, want.event.location);
  EXPECT_EQ(found[0].event.barcode, want.event.barcode);
  EXPECT_EQ(found[0].event.device_time, want.event.device_time);
  EXPECT_EQ(found[0].status, 200);
  EXPECT_EQ(found[0].received_at, want.received_at);
  const std::vector<std::string> news = {"new-1", "new-2", "new-3"};
  EXPECT_TRUE(Must(tx->warehouse().FindDeviceEvents(alpha_, "HT-1", news)).empty());
  const std::vector<std::string> xy = {"y", "x", "z"};
  EXPECT_EQ(Must(tx->warehouse().FindDeviceEvents(alpha_, "HT-3", xy)).size(), 2U);
  EXPECT_EQ(Must(tx->warehouse().FindDeviceEvents(beta_, "HT-2", keys)).size(), 0U);
  EXPECT_EQ(Must(tx->warehouse().FindDeviceEvents(beta_, "HT-1", keys)).size(), 1U);
}

TEST_P(InventoryContract, AnswersStoredTogetherComeBackExactlyOneByOne) {
  // Answers of many sizes, with multi-byte characters, from two tenants and two transactions:
  // each comes back byte for byte, alone or among others.
  const auto answer_of = [](int i) {
    std::string a = "{\"n\":" + std::to_string(i) + ",\"message\":\"Lager \u00e4 \u4ed3\u5e93 ";
    for (int k = 0; k < (i * 37) % 700; ++k) a += i % 2 == 0 ? "x" : "\u00fc";
    return a + "\"}";
  };
  std::vector<DeviceEventRecord> first;
  std::vector<DeviceEventRecord> second;
  for (int i = 0; i < 200; ++i) {
    DeviceEventRecord r = SampleEvent(i % 3 == 0 ? beta_ : alpha_, "HT-9", "e" + std::to_string(i));
    r.event.quantity = i + 1;
    r.status = i % 5 == 0 ? 422 : 200;
    r.answer = answer_of(i);
    (i < 130 ? first : second).push_back(std::move(r));
  }
  for (auto* batch : {&first, &second}) {
    auto tx = Write();
    MustOk(tx->warehouse().InsertDeviceEvents(*batch));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back("e" + std::to_string(i));
  for (const TenantId tenant : {alpha_, beta_}) {
    const auto found = Must(tx->warehouse().FindDeviceEvents(tenant, "HT-9", keys));
    std::size_t expected = 0;
    for (int i = 0; i < 200; ++i) expected += (i % 3 == 0) == (tenant == beta_) ? 1U : 0U;
    ASSERT_EQ(found.size(), expected);
    for (const auto& r : found) {
      const int i = static_cast<int>(r.event.quantity) - 1;
      EXPECT_EQ(r.event.tenant_id, tenant);
      EXPECT_EQ(r.event.event_key, "e" + std::to_string(i));
      EXPECT_EQ(r.status, i % 5 == 0 ? 422 : 200);
      EXPECT_EQ(r.answer, answer_of(i)) << "event " << i;
    }
  }
  for (const int i : {0, 1, 63, 64, 65, 129, 130, 131, 199}) {
    const TenantId tenant = i % 3 == 0 ? beta_ : alpha_;
    const auto got = Must(tx->warehouse().FindDeviceEvent(tenant, "HT-9", "e" + std::to_string(i)));
    ASSERT_TRUE(got.has_value()) << "event " << i;
    EXPECT_EQ(got->answer, answer_of(i)) << "event " << i;
    EXPECT_EQ(got->event.quantity, i + 1);
    const TenantId other = i % 3 == 0 ? alpha_ : beta_;
    EXPECT_FALSE(
        Must(tx->warehouse().FindDeviceEvent(other, "HT-9", "e" + std::to_string(i))).has_value());
  }
}

TEST_P(InventoryContract, DeviceEventsStoredBeforeTheirKeyRowsStillAnswerAfterMigration11) {
  if (GetParam() == "memory") GTEST_SKIP() << "a memory database has no migrations";
  // The database as it was before 0011: events whole in warehouse_device_event, one answer
  // inline and one cut out of a chunk of answers (0009).
  db_.reset();
  {
    auto raw = Must(GetParam() == "sqlite" ? sqlite::OpenConnection(sqlite_path_)
                                           : postgres::OpenConnection(url_));
    MustOk(raw->ExecScript("DROP TABLE warehouse_device_event_key"));
    Must(raw->Execute("DELETE FROM schema_migration WHERE version = 11", {}));
    const std::string columns =
        "INSERT INTO warehouse_device_event (tenant_id, device_id, event_key, type, task_id, "
        "line_no, location, barcode, quantity, device_time, status, answer, received_at, "
        "answers_id, answer_at, answer_len) VALUES ";
    const DeviceEventRecord a = SampleEvent(alpha_, "HT-OLD", "inline");
    const sql::Value inline_row[] = {alpha_.value(),         a.event.device_id,
                                     a.event.event_key,      std::string("confirm"),
                                     a.event.task_id,        std::int64_t{a.event.line_no},
                                     a.event.location,       a.event.barcode,
                                     a.event.quantity,       a.event.device_time->micros(),
                                     std::int64_t{a.status}, a.answer,
                                     a.received_at.micros(), sql::Value(),
                                     sql::Value(),           sql::Value()};
    Must(raw->Execute(columns + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inline_row));
    const sql::Value chunk[] = {alpha_.value(), std::int64_t{1000},
                                std::string("{\"other\":1}{\"old\":\"L\u00e4ger\"}{}")};
    Must(raw->Execute(
        "INSERT INTO warehouse_device_answers (tenant_id, id, answers) VALUES (?, ?, ?)", chunk));
    const sql::Value chunked_row[] = {alpha_.value(),         std::string("HT-OLD"),
                                      std::string("chunked"), std::string("scan_item"),
                                      std::int64_t{0},        std::int64_t{0},
                                      std::string(),          std::string("(01)09501101530003"),
                                      std::int64_t{0},        sql::Value(),
                                      std::int64_t{422},      std::string(),
                                      a.received_at.micros(), std::int64_t{1000},
                                      std::int64_t{11},       std::int64_t{16}};
    Must(raw->Execute(columns + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", chunked_row));
  }
  db_ = Must(storage::OpenDatabase(url_));  // applies 0011 again

  {
    auto tx = Write();
    // A retry of an old event is refused, alone and among new ones.
    EXPECT_EQ(tx->warehouse().InsertDeviceEvent(SampleEvent(alpha_, "HT-OLD", "inline")).code(),
              ErrorCode::kAlreadyExists);
    const std::vector<DeviceEventRecord> batch = {SampleEvent(alpha_, "HT-OLD", "new"),
                                                  SampleEvent(alpha_, "HT-OLD", "chunked")};
    EXPECT_EQ(tx->warehouse().InsertDeviceEvents(batch).code(), ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    DeviceEventRecord fresh = SampleEvent(alpha_, "HT-OLD", "new");
    fresh.event.device_time.reset();
    fresh.answer = "{\"new\":true}";
    const std::vector<DeviceEventRecord> batch = {fresh, SampleEvent(alpha_, "HT-OLD", "new-2")};
    MustOk(tx->warehouse().InsertDeviceEvents(batch));
    MustOk(tx->Commit());
  }
  auto tx = Read();
  const std::vector<std::string> keys = {"chunked", "missing", "new", "inline"};
  auto found = Must(tx->warehouse().FindDeviceEvents(alpha_, "HT-OLD", keys));
  std::sort(found.begin(), found.end(),
            [](const auto& x, const auto& y) { return x.event.event_key < y.event.event_key; });
  ASSERT_EQ(found.size(), 3U);
  const DeviceEventRecord want = SampleEvent(alpha_, "HT-OLD", "inline");
  EXPECT_EQ(found[0].event.event_key, "chunked");
  EXPECT_EQ(found[0].event.type, warehouse::DeviceEventType::kScanItem);
  EXPECT_EQ(found[0].event.barcode, "(01)09501101530003");
  EXPECT_FALSE(found[0].event.device_time.has_value());
  EXPECT_EQ(found[0].status, 422);
  EXPECT_EQ(found[0].answer, "{\"old\":\"L\u00e4ger\"}");
  EXPECT_EQ(found[1].event.event_key, "inline");
  EXPECT_EQ(found[1].event.task_id, want.event.task_id);
  EXPECT_EQ(found[1].event.location, want.event.location);
  EXPECT_EQ(found[1].event.barcode, want.event.barcode);
  EXPECT_EQ(found[1].event.quantity, want.event.quantity);
  EXPECT_EQ(found[1].event.device_time, want.event.device_time);
  EXPECT_EQ(found[1].answer, want.answer);
  EXPECT_EQ(found[1].received_at, want.received_at);
  EXPECT_EQ(found[2].event.event_key, "new");
  EXPECT_FALSE(found[2].event.device_time.has_value());
  EXPECT_EQ(found[2].answer, "{\"new\":true}");
  const auto one = Must(tx->warehouse().FindDeviceEvent(alpha_, "HT-OLD", "chunked"));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->answer, "{\"old\":\"L\u00e4ger\"}");
  EXPECT_FALSE(Must(tx->warehouse().FindDeviceEvent(beta_, "HT-OLD", "inline")).has_value());
}

// --- tenants and the channel field ------------------------------------------------------------

TEST_P(InventoryContract, TenantsSeeOnlyTheirOwnStock) {
  const Lot lot = AddLot(alpha_, kSku, "L1", std::nullopt);
  PostAll({Receipt(alpha_, kShelf, 10, At(0), kSku, lot.id)});
  {
    auto tx = Write();
    const std::vector<Reservation> batch = {SampleReservation(alpha_, 1, "k")};
    MustOk(tx->inventory().SaveReservations(batch));
    MustOk(tx->warehouse().InsertTask(SampleTask(alpha_, "T1")).status());
    MustOk(tx->warehouse().InsertParcel(SampleParcel(alpha_, "095011010000000017")).status());
    MustOk(tx->Commit());
  }
  auto tx = Read();
  auto& inv = tx->inventory();
  EXPECT_EQ(Must(inv.ListLots(beta_, {})).second, 0);
  EXPECT_EQ(Must(inv.ListBalances(beta_, {})).second, 0);
  EXPECT_TRUE(Must(inv.BalancesAsOf(beta_, {}, At(9))).empty());
  EXPECT_TRUE(Must(inv.ListMovements(beta_, {})).empty());
  EXPECT_EQ(Must(inv.NetQuantity(beta_, {})), 0);
  EXPECT_EQ(Must(inv.ListReservations(beta_, {})).second, 0);
  EXPECT_EQ(Must(tx->warehouse().ListTasks(beta_, {})).second, 0);
  EXPECT_EQ(Must(tx->warehouse().ListParcels(beta_, {})).second, 0);
  tx.reset();
  // Beta cannot take alpha's stock: the balance is another tenant's.
  auto w = Write();
  std::vector<Movement> steal = {
      Move(beta_, MovementReason::kShip, Available(kShelf), std::nullopt, 1, At(1), kSku, lot.id)};
  EXPECT_EQ(w->inventory().Post(steal).code(), ErrorCode::kFailedPrecondition);
}

TEST_P(InventoryContract, AChannelKeepsItsMinimumRemainingShelfLife) {
  auto tx = Write();
  partners::Channel c;
  c.tenant_id = alpha_;
  c.code = "TMALL-1";
  c.name = "Tmall Global";
  c.platform = partners::Platform::kTmallGlobal;
  c.min_remaining_shelf_life_days = 180;
  c.version = 1;
  c.created_at = At(0);
  c.updated_at = At(0);
  const auto stored = Must(tx->channels().Insert(c));
  partners::Channel plain = c;
  plain.code = "OWN";
  plain.min_remaining_shelf_life_days.reset();
  const auto plain_stored = Must(tx->channels().Insert(plain));
  MustOk(tx->Commit());
  tx.reset();
  auto rd = Read();
  EXPECT_EQ(Must(rd->channels().Get(alpha_, stored.id.value())).min_remaining_shelf_life_days, 180);
  EXPECT_EQ(Must(rd->channels().Get(alpha_, plain_stored.id.value())).min_remaining_shelf_life_days,
            std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Adapters, InventoryContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
