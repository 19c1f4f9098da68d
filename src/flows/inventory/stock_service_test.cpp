// StockService on the memory adapter with a fake clock: queries, lots, manual changes and
// reservations through a running engine.
#include "flows/inventory/stock_service.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "adapters/memory/memory_database.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::inventory_flow {
namespace {

using access::Role;
using inventory::Balance;
using inventory::StockState;

Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

class StockServiceTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kTenant = 1;

  std::unique_ptr<store::Database> db_ = memory::NewMemoryDatabase();
  // 2026-11-25T08:30:00Z
  FakeClock clock_{Timestamp::FromMicros(1'795'595'400'000'000)};
  ReservationEngine engine_{*db_, clock_};
  StockService stock_{*db_, clock_, &engine_};
  std::int64_t warehouse_ = 0;
  std::int64_t other_warehouse_ = 0;
  std::int64_t bin_ = 0;
  std::int64_t bin2_ = 0;
  std::int64_t other_bin_ = 0;  // in other_warehouse_
  std::int64_t sku_ = 0;
  std::int64_t sku2_ = 0;

  StockServiceTest() {
    {
      auto tx = Write();
      for (const char* code : {"alpha", "beta"}) {
        auto t = tx->tenants().Insert({TenantId(), code, code, true, clock_.Now()});
        EXPECT_TRUE(t.ok()) << t.status().ToString();
      }
      EXPECT_TRUE(tx->Commit().ok());
    }
    warehouse_ = AddWarehouse("WH-1");
    other_warehouse_ = AddWarehouse("WH-2");
    bin_ = AddBin(warehouse_, "A-01");
    bin2_ = AddBin(warehouse_, "A-02");
    other_bin_ = AddBin(other_warehouse_, "B-01");
    sku_ = AddSku("MILK-1");
    sku2_ = AddSku("MILK-2");
  }

  void SetUp() override { ASSERT_TRUE(engine_.Start().ok()); }
  void TearDown() override { engine_.Stop(); }

  static access::Principal As(Role role, std::int64_t tenant = kTenant) {
    return {TenantId(tenant), access::ApiKeyId(7), role, "test key"};
  }
  static RequestContext Ctx(Role role = Role::kWarehouseOperator, std::int64_t tenant = kTenant) {
    return {As(role, tenant), "req-1", std::nullopt, ""};
  }
  static RequestContext Keyed(const std::string& key, const std::string& hash) {
    RequestContext ctx = Ctx();
    ctx.idempotency_key = key;
    ctx.request_hash = hash;
    return ctx;
  }
  static access::Principal Reader() { return As(Role::kReadOnly); }

  std::unique_ptr<store::Transaction> Write() {
    auto tx = db_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return std::move(tx).value();
  }

  std::int64_t AddWarehouse(const std::string& code) {
    partners::Warehouse w;
    w.tenant_id = TenantId(kTenant);
    w.code = code;
    w.name = "Warehouse " + code;
    w.kind = partners::WarehouseKind::kBonded;
    w.country = "CN";
    w.version = 1;
    auto tx = Write();
    auto stored = tx->warehouses().Insert(w);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
  }

  std::int64_t AddBin(std::int64_t warehouse, const std::string& code) {
    partners::Bin b;
    b.tenant_id = TenantId(kTenant);
    b.warehouse_id = warehouse;
    b.code = code;
    b.name = "Bin " + code;
    b.version = 1;
    auto tx = Write();
    auto stored = tx->bins().Insert(b);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
  }

  std::int64_t AddSku(const std::string& code) {
    catalog::Sku s;
    s.tenant_id = TenantId(kTenant);
    s.code = code;
    s.name = "SKU " + code;
    s.hs_code = "1901101000";
    s.origin_country = "AU";
    s.version = 1;
    auto tx = Write();
    auto stored = tx->skus().Insert(s);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
  }

  std::int64_t AddChannel(const std::string& code, std::optional<std::int64_t> min_days) {
    partners::Channel c;
    c.tenant_id = TenantId(kTenant);
    c.code = code;
    c.name = "Channel " + code;
    c.min_remaining_shelf_life_days = min_days;
    c.version = 1;
    auto tx = Write();
    auto stored = tx->channels().Insert(c);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
  }

  template <class R>
  void Archive(std::int64_t id) {
    auto tx = Write();
    auto rec = store::Records<R>(*tx).Get(TenantId(kTenant), id);
    ASSERT_TRUE(rec.ok());
    R after = *rec;
    after.status = RecordStatus::kArchived;
    after.version = rec->version + 1;
    ASSERT_TRUE(store::Records<R>(*tx).Update(after, rec->version).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  std::int64_t Lot(std::int64_t sku, const std::string& number, std::optional<Date> expiry) {
    LotDraft d;
    d.sku_id = sku;
    d.lot_number = number;
    d.expiry_date = expiry;
    auto lot = stock_.CreateLot(Ctx(), d);
    EXPECT_TRUE(lot.ok()) << lot.status().ToString();
    return lot.ok() ? lot->record.id.value() : 0;
  }

  AdjustmentDraft Gain(std::int64_t qty, std::int64_t lot = 0, std::int64_t bin = 0) {
    AdjustmentDraft d;
    d.warehouse_id = warehouse_;
    d.bin_id = bin == 0 ? bin_ : bin;
    d.sku_id = sku_;
    d.lot_id = lot;
    d.quantity = qty;
    d.reason_code = "cycle_count";
    return d;
  }

  void Put(std::int64_t qty, std::int64_t lot = 0, std::int64_t bin = 0) {
    auto m = stock_.Adjust(Ctx(), Gain(qty, lot, bin));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
  }

  ReserveDraft Want(std::int64_t qty, const std::string& order = "SO-1") {
    ReserveDraft d;
    d.warehouse_id = warehouse_;
    d.sku_id = sku_;
    d.quantity = qty;
    d.order_ref = order;
    return d;
  }

  std::vector<Balance> Balances() {
    inventory::BalanceQuery q;
    q.limit = 500;
    auto page = stock_.ListBalances(Reader(), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->first : std::vector<Balance>{};
  }

  std::int64_t MovementCount() {
    inventory::MovementQuery q;
    q.limit = 500;
    auto list = stock_.Movements(Reader(), q);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? static_cast<std::int64_t>(list->size()) : -1;
  }

  std::int64_t EventCount() {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    events::EventQuery q;
    q.limit = 1000;
    auto list = (*tx)->events().List(TenantId(kTenant), q);
    EXPECT_TRUE(list.ok());
    return list.ok() ? static_cast<std::int64_t>(list->size()) : -1;
  }

  StockSummary SummaryOf(std::int64_t sku) {
    SummaryQuery q;
    q.warehouse_id = warehouse_;
    q.sku_id = sku;
    auto page = stock_.Summary(Reader(), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok() || page->first.size() != 1) {
      ADD_FAILURE() << "expected one summary row";
      return {};
    }
    return page->first.front();
  }
};

TEST_F(StockServiceTest, CountGainPostsAMovementABalanceAndAnEvent) {
  const auto events_before = EventCount();
  auto m = stock_.Adjust(Ctx(), Gain(40));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->replayed);
  EXPECT_EQ(m->record.reason, inventory::MovementReason::kCountGain);
  EXPECT_EQ(m->record.quantity, 40);
  EXPECT_FALSE(m->record.from.has_value());
  ASSERT_TRUE(m->record.to.has_value());
  EXPECT_EQ(m->record.to->bin_id, bin_);
  EXPECT_EQ(m->record.actor, "key:7");
  const auto balances = Balances();
  ASSERT_EQ(balances.size(), 1U);
  EXPECT_EQ(balances[0].on_hand, 40);
  EXPECT_EQ(balances[0].key.state, StockState::kAvailable);
  EXPECT_EQ(EventCount(), events_before + 1);

  auto loss = stock_.Adjust(Ctx(), Gain(-15));
  ASSERT_TRUE(loss.ok()) << loss.status().ToString();
  EXPECT_EQ(loss->record.reason, inventory::MovementReason::kCountLoss);
  EXPECT_EQ(loss->record.quantity, 15);
  EXPECT_EQ(Balances()[0].on_hand, 25);
  // The engine saw both: 25 reservable.
  EXPECT_EQ(engine_.Available({TenantId(kTenant), warehouse_, sku_, "own"}), 25);
}

TEST_F(StockServiceTest, BadAdjustmentsAreRefusedNamingTheFieldAndChangeNothing) {
  Put(10);
  const auto movements = MovementCount();
  const auto events = EventCount();
  const std::int64_t other_lot = Lot(sku2_, "L-OTHER", Day(2027, 6, 1));
  const auto expect_field = [&](AdjustmentDraft d, ErrorCode code, const std::string& field) {
    auto r = stock_.Adjust(Ctx(), d);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_EQ(r.status().field(), field) << r.status().ToString();
  };
  auto d = Gain(0);
  expect_field(d, ErrorCode::kInvalidArgument, "quantity");
  d = Gain(5, 0, other_bin_);  // a bin of another warehouse
  expect_field(d, ErrorCode::kInvalidArgument, "bin_id");
  d = Gain(5, 0, 999);
  expect_field(d, ErrorCode::kInvalidArgument, "bin_id");
  d = Gain(5, other_lot);  // a lot of another SKU
  expect_field(d, ErrorCode::kInvalidArgument, "lot_id");
  d = Gain(5, 12345);
  expect_field(d, ErrorCode::kInvalidArgument, "lot_id");
  d = Gain(5);
  d.warehouse_id = 999;
  expect_field(d, ErrorCode::kInvalidArgument, "warehouse_id");
  d = Gain(5);
  d.sku_id = 999;
  expect_field(d, ErrorCode::kInvalidArgument, "sku_id");
  d = Gain(5);
  d.reason_code = "";
  expect_field(d, ErrorCode::kInvalidArgument, "reason_code");
  d = Gain(5);
  d.reason_code = "Not A Code";
  expect_field(d, ErrorCode::kInvalidArgument, "reason_code");
  d = Gain(5);
  d.owner = "bad owner!";
  expect_field(d, ErrorCode::kInvalidArgument, "owner");
  // More than on hand: the balance would go below zero.
  d = Gain(-11);
  auto r = stock_.Adjust(Ctx(), d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();

  EXPECT_EQ(MovementCount(), movements);
  EXPECT_EQ(EventCount(), events + 1);  // the lot only
  EXPECT_EQ(Balances()[0].on_hand, 10);
  EXPECT_EQ(engine_.Available({TenantId(kTenant), warehouse_, sku_, "own"}), 10);
}

TEST_F(StockServiceTest, ArchivedWarehouseAndBinAreRefused) {
  Archive<partners::Bin>(bin2_);
  auto r = stock_.Adjust(Ctx(), Gain(5, 0, bin2_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "bin_id");
  EXPECT_NE(r.status().message().find("archived"), std::string::npos) << r.status().ToString();
  Archive<partners::Warehouse>(warehouse_);
  r = stock_.Adjust(Ctx(), Gain(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "warehouse_id");
  auto reserve = stock_.Reserve(Ctx(), Want(1));
  ASSERT_FALSE(reserve.ok());
  EXPECT_EQ(reserve.status().field(), "warehouse_id");
}

TEST_F(StockServiceTest, RolesAreChecked) {
  auto r = stock_.Adjust(Ctx(Role::kReadOnly), Gain(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied);
  auto reserve = stock_.Reserve(Ctx(Role::kBuyer), Want(1));
  EXPECT_EQ(reserve.status().code(), ErrorCode::kPermissionDenied);
  inventory::BalanceQuery q;
  EXPECT_EQ(stock_.ListBalances(As(Role::kDevice), q).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(stock_.ListBalances(As(Role::kCustomsBroker), q).ok());
  EXPECT_EQ(MovementCount(), 0);
}

TEST_F(StockServiceTest, AnAdjustmentRetriedWithItsKeyPostsOnce) {
  auto first = stock_.Adjust(Keyed("k-1", "hash-a"), Gain(7));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = stock_.Adjust(Keyed("k-1", "hash-a"), Gain(7));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->record.id, first->record.id);
  EXPECT_EQ(MovementCount(), 1);
  EXPECT_EQ(Balances()[0].on_hand, 7);
  auto other = stock_.Adjust(Keyed("k-1", "hash-b"), Gain(8));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(MovementCount(), 1);
}

TEST_F(StockServiceTest, HoldAndReleaseMoveStockBetweenStates) {
  Put(30);
  HoldDraft h;
  h.warehouse_id = warehouse_;
  h.bin_id = bin_;
  h.sku_id = sku_;
  h.quantity = 12;
  h.state = StockState::kCustomsHold;
  auto held = stock_.Hold(Ctx(), h);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->record.reason, inventory::MovementReason::kHold);
  auto s = SummaryOf(sku_);
  EXPECT_EQ(s.on_hand, 30);
  EXPECT_EQ(s.held, 12);
  EXPECT_EQ(s.available, 18);
  EXPECT_EQ(engine_.Available({TenantId(kTenant), warehouse_, sku_, "own"}), 18);

  h.quantity = 5;
  auto released = stock_.Release(Ctx(), h);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  s = SummaryOf(sku_);
  EXPECT_EQ(s.held, 7);
  EXPECT_EQ(s.available, 23);
  EXPECT_EQ(engine_.Available({TenantId(kTenant), warehouse_, sku_, "own"}), 23);

  // Releasing more than is held, or holding into "available", is refused.
  h.quantity = 8;
  EXPECT_EQ(stock_.Release(Ctx(), h).status().code(), ErrorCode::kFailedPrecondition);
  h.state = StockState::kAvailable;
  h.quantity = 1;
  EXPECT_EQ(stock_.Hold(Ctx(), h).status().field(), "state");
  EXPECT_EQ(stock_.Release(Ctx(), h).status().field(), "from_state");
  h.state = StockState::kQuarantine;
  h.quantity = -1;
  EXPECT_EQ(stock_.Hold(Ctx(), h).status().field(), "quantity");
}

TEST_F(StockServiceTest, ReservedStockCannotBeHeldOrCountedAway) {
  Put(10);
  auto r = stock_.Reserve(Ctx(), Want(8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  HoldDraft h;
  h.warehouse_id = warehouse_;
  h.bin_id = bin_;
  h.sku_id = sku_;
  h.quantity = 3;
  h.state = StockState::kQuarantine;
  auto held = stock_.Hold(Ctx(), h);
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.status().code(), ErrorCode::kFailedPrecondition) << held.status().ToString();
  auto loss = stock_.Adjust(Ctx(), Gain(-3));
  ASSERT_FALSE(loss.ok());
  EXPECT_EQ(loss.status().code(), ErrorCode::kFailedPrecondition);
  h.quantity = 2;
  EXPECT_TRUE(stock_.Hold(Ctx(), h).ok());
  const auto s = SummaryOf(sku_);
  EXPECT_EQ(s.reserved, 8);
  EXPECT_EQ(s.available, 0);
  EXPECT_EQ(s.held, 2);
}

TEST_F(StockServiceTest, SummaryCountsReservationsAndOpenPurchaseOrders) {
  Put(50);
  Put(5, 0, bin2_);
  {
    auto tx = Write();
    procurement::PurchaseOrder po;
    po.tenant_id = TenantId(kTenant);
    po.code = "PO-1";
    po.supplier_id = 1;
    po.warehouse_id = warehouse_;
    po.currency = "AUD";
    po.status = procurement::PoStatus::kPartlyReceived;
    po.order_date = Day(2026, 11, 1);
    po.expected_date = Day(2026, 12, 1);
    po.lines.push_back({1, sku_, 100, 1000, std::nullopt, 30, 30, 0});
    po.lines.push_back({2, sku2_, 20, 1000, std::nullopt, 0, 0, 0});
    po.version = 1;
    ASSERT_TRUE(tx->procurement().InsertOrder(po).ok());
    po.code = "PO-DRAFT";  // drafts bring nothing
    po.status = procurement::PoStatus::kDraft;
    ASSERT_TRUE(tx->procurement().InsertOrder(po).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  ASSERT_TRUE(stock_.Reserve(Ctx(), Want(12)).ok());
  const auto s = SummaryOf(sku_);
  EXPECT_EQ(s.on_hand, 55);
  EXPECT_EQ(s.reserved, 12);
  EXPECT_EQ(s.available, 43);
  EXPECT_EQ(s.inbound, 70);
  EXPECT_EQ(s.projected, 113);
  // A SKU with nothing on hand but an open order.
  const auto s2 = SummaryOf(sku2_);
  EXPECT_EQ(s2.on_hand, 0);
  EXPECT_EQ(s2.inbound, 20);
  EXPECT_EQ(s2.projected, 20);
  // Paging over the rows.
  SummaryQuery q;
  q.limit = 1;
  auto page = stock_.Summary(Reader(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->second, 2);
  EXPECT_EQ(page->first.size(), 1U);
}

// The repro of the review: goods received on an open receive task are on hand at once but reach
// the purchase order only when the task closes; meanwhile they must not count as inbound too.
TEST_F(StockServiceTest, GoodsReceivedOnAnOpenTaskAreNotCountedTwice) {
  Put(137);
  std::int64_t po_id = 0;
  {
    auto tx = Write();
    procurement::PurchaseOrder po;
    po.tenant_id = TenantId(kTenant);
    po.code = "PO-7";
    po.supplier_id = 1;
    po.warehouse_id = warehouse_;
    po.currency = "AUD";
    po.status = procurement::PoStatus::kConfirmed;
    po.order_date = Day(2026, 11, 1);
    po.expected_date = Day(2026, 12, 1);
    po.lines.push_back({1, sku2_, 10, 1000, std::nullopt, 0, 0, 0});
    po.lines.push_back({2, sku_, 50, 1000, std::nullopt, 0, 0, 0});
    po.version = 1;
    auto stored = tx->procurement().InsertOrder(po);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    po_id = stored->id.value();
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto s = SummaryOf(sku_);
  EXPECT_EQ(s.on_hand, 137);
  EXPECT_EQ(s.inbound, 50);
  EXPECT_EQ(s.in_transit, 0);
  EXPECT_EQ(s.projected, 187);

  // Receive 30 of line 2 (the task's line 2 is the order's line 2); the task stays open.
  warehouse::Task task;
  task.tenant_id = TenantId(kTenant);
  task.code = "RCV-1";
  task.kind = warehouse::TaskKind::kReceive;
  task.state = warehouse::TaskState::kInProgress;
  task.warehouse_id = warehouse_;
  task.ref_type = "purchase_order";
  task.ref_id = std::to_string(po_id);
  task.lines.push_back({});
  task.lines.back().line_no = 1;
  task.lines.back().sku_id = sku2_;
  task.lines.back().expected_qty = 10;
  task.lines.push_back({});
  task.lines.back().line_no = 2;
  task.lines.back().sku_id = sku_;
  task.lines.back().expected_qty = 50;
  task.lines.back().done_qty = 28;
  task.lines.back().damaged_qty = 2;
  task.version = 1;
  {
    auto tx = Write();
    auto stored = tx->warehouse().InsertTask(task);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    task = *stored;
    ASSERT_TRUE(tx->Commit().ok());
  }
  Put(30);  // what the receipt posted
  s = SummaryOf(sku_);
  EXPECT_EQ(s.on_hand, 167);
  EXPECT_EQ(s.inbound, 20);
  EXPECT_EQ(s.projected, 187);
  EXPECT_EQ(SummaryOf(sku2_).inbound, 10);  // nothing received on the other line

  // The task closes: the order now says 30 received, and the figures stay the same.
  {
    auto tx = Write();
    auto po = tx->procurement().GetOrder(TenantId(kTenant), procurement::PurchaseOrderId(po_id));
    ASSERT_TRUE(po.ok());
    procurement::PurchaseOrder after = *po;
    after.status = procurement::PoStatus::kPartlyReceived;
    after.lines[1].received_qty = 30;
    after.version = po->version + 1;
    ASSERT_TRUE(tx->procurement().UpdateOrder(after, po->version).ok());
    warehouse::Task closed = task;
    closed.state = warehouse::TaskState::kDone;
    closed.version = task.version + 1;
    ASSERT_TRUE(tx->warehouse().UpdateTask(closed, task.version).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  s = SummaryOf(sku_);
  EXPECT_EQ(s.on_hand, 167);
  EXPECT_EQ(s.inbound, 20);
  EXPECT_EQ(s.projected, 187);
}

TEST_F(StockServiceTest, OpenAdvanceNoticesAreInTransitUntilReceived) {
  const auto asn = [&](const std::string& code, warehouse::TaskState state, std::string_view owner,
                       std::int64_t expected, std::int64_t done) {
    warehouse::Task task;
    task.tenant_id = TenantId(kTenant);
    task.code = code;
    task.kind = warehouse::TaskKind::kReceive;
    task.state = state;
    task.warehouse_id = warehouse_;
    task.ref_type = "asn";
    task.ref_id = "ASN-" + code;
    task.lines.push_back({});
    task.lines.back().line_no = 1;
    task.lines.back().sku_id = sku_;
    task.lines.back().owner = std::string(owner);
    task.lines.back().expected_qty = expected;
    task.lines.back().done_qty = done;
    task.version = 1;
    auto tx = Write();
    ASSERT_TRUE(tx->warehouse().InsertTask(task).ok());
    ASSERT_TRUE(tx->Commit().ok());
  };
  asn("RCV-1", warehouse::TaskState::kOpen, inventory::kOwnStock, 40, 0);
  asn("RCV-2", warehouse::TaskState::kInProgress, inventory::kOwnStock, 25, 15);
  Put(15);                                                                 // what RCV-2 received
  asn("RCV-3", warehouse::TaskState::kDone, inventory::kOwnStock, 99, 1);  // closed short
  asn("RCV-4", warehouse::TaskState::kCancelled, inventory::kOwnStock, 99, 0);  // cancelled
  asn("RCV-5", warehouse::TaskState::kOpen, "merchant-a", 7, 0);
  // Two rows: own stock and the merchant's notice; the owner filter keeps one.
  SummaryQuery q;
  auto page = stock_.Summary(Reader(), q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->second, 2);
  q.owner = "own";
  page = stock_.Summary(Reader(), q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->first.size(), 1U);
  const StockSummary& s = page->first[0];
  EXPECT_EQ(s.on_hand, 15);
  EXPECT_EQ(s.inbound, 0);
  EXPECT_EQ(s.in_transit, 50);
  EXPECT_EQ(s.projected, 65);
  q.owner = "merchant-a";
  page = stock_.Summary(Reader(), q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->first.size(), 1U);
  EXPECT_EQ(page->first[0].in_transit, 7);
  EXPECT_EQ(page->first[0].projected, 7);
  // Another warehouse sees none of it.
  q = {};
  q.warehouse_id = other_warehouse_;
  page = stock_.Summary(Reader(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->second, 0);
}

TEST_F(StockServiceTest, ExpiringReportsExpiredAndNearExpiryLots) {
  // Today is 2026-11-25.
  const auto expired = Lot(sku_, "L-EXP", Day(2026, 11, 24));
  const auto today = Lot(sku_, "L-TODAY", Day(2026, 11, 25));
  const auto soon = Lot(sku_, "L-SOON", Day(2026, 12, 5));
  const auto later = Lot(sku_, "L-LATER", Day(2027, 6, 1));
  for (auto lot : {expired, today, soon, later}) Put(3, lot);
  Put(3);  // no lot: never expires
  ExpiringQuery q;
  q.days = 30;
  auto report = stock_.Expiring(Reader(), q);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->today, Day(2026, 11, 25));
  ASSERT_EQ(report->total, 3);
  ASSERT_EQ(report->items.size(), 3U);
  EXPECT_EQ(report->items[0].balance.lot_number, "L-EXP");
  EXPECT_TRUE(report->items[0].expired);
  EXPECT_EQ(report->items[0].days_left, -1);
  EXPECT_EQ(report->items[1].balance.lot_number, "L-TODAY");  // usable through today
  EXPECT_FALSE(report->items[1].expired);
  EXPECT_EQ(report->items[1].days_left, 0);
  EXPECT_EQ(report->items[2].balance.lot_number, "L-SOON");
  EXPECT_EQ(report->items[2].days_left, 10);
  q.days = -1;
  EXPECT_EQ(stock_.Expiring(Reader(), q).status().field(), "days");
}

TEST_F(StockServiceTest, StockCardHasOpeningAndRunningBalancesAcrossPages) {
  const auto t0 = clock_.Now();
  Put(10);
  clock_.AdvanceMicros(1'000'000);
  const auto t1 = clock_.Now();
  Put(5, 0, bin2_);
  clock_.AdvanceMicros(1'000'000);
  {
    HoldDraft h;
    h.warehouse_id = warehouse_;
    h.bin_id = bin_;
    h.sku_id = sku_;
    h.quantity = 2;
    ASSERT_TRUE(stock_.Hold(Ctx(), h).ok());  // inside the warehouse: 0
  }
  clock_.AdvanceMicros(1'000'000);
  ASSERT_TRUE(stock_.Adjust(Ctx(), Gain(-4)).ok());
  clock_.AdvanceMicros(1'000'000);
  Put(7);

  StockCardQuery q;
  q.sku_id = sku_;
  q.warehouse_id = warehouse_;
  auto card = stock_.Card(Reader(), q);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(card->opening_balance, 0);
  ASSERT_EQ(card->items.size(), 5U);
  const std::vector<std::int64_t> signed_qty = {10, 5, 0, -4, 7};
  const std::vector<std::int64_t> running = {10, 15, 15, 11, 18};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(card->items[i].signed_quantity, signed_qty[i]) << i;
    EXPECT_EQ(card->items[i].running_balance, running[i]) << i;
  }
  EXPECT_FALSE(card->next_after_id.has_value());
  // Another warehouse's stock of the SKU is outside this card.
  {
    auto d = Gain(100, 0, other_bin_);
    d.warehouse_id = other_warehouse_;
    ASSERT_TRUE(stock_.Adjust(Ctx(), d).ok());
  }
  card = stock_.Card(Reader(), q);
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->items.size(), 5U);
  q.limit = 2;
  auto page1 = stock_.Card(Reader(), q);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->items.size(), 2U);
  ASSERT_TRUE(page1->next_after_id.has_value());
  q.after_id = *page1->next_after_id;
  auto page2 = stock_.Card(Reader(), q);
  ASSERT_TRUE(page2.ok());
  EXPECT_EQ(page2->opening_balance, 15);
  ASSERT_EQ(page2->items.size(), 2U);
  EXPECT_EQ(page2->items[1].running_balance, 11);
  q.after_id = *page2->next_after_id;
  auto page3 = stock_.Card(Reader(), q);
  ASSERT_TRUE(page3.ok());
  ASSERT_EQ(page3->items.size(), 1U);
  EXPECT_EQ(page3->items[0].running_balance, 18);
  EXPECT_FALSE(page3->next_after_id.has_value());

  // A window from t1: the first gain is the opening balance.
  StockCardQuery w;
  w.sku_id = sku_;
  w.from = t1;
  auto windowed = stock_.Card(Reader(), w);
  ASSERT_TRUE(windowed.ok());
  EXPECT_EQ(windowed->opening_balance, 10);
  ASSERT_FALSE(windowed->items.empty());
  EXPECT_EQ(windowed->items.back().running_balance, 118);  // both warehouses
  w.from = t0;
  w.to = t0;
  EXPECT_EQ(stock_.Card(Reader(), w).status().field(), "to");
  w = {};
  w.sku_id = 999;
  EXPECT_EQ(stock_.Card(Reader(), w).status().code(), ErrorCode::kNotFound);
}

TEST_F(StockServiceTest, AsOfGivesTheBalancesOfAPastTime) {
  Put(10);
  clock_.AdvanceMicros(1'000'000);
  const auto between = clock_.Now();
  clock_.AdvanceMicros(1'000'000);
  Put(6);
  inventory::BalanceQuery q;
  auto past = stock_.AsOf(Reader(), q, between);
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  ASSERT_EQ(past->first.size(), 1U);
  EXPECT_EQ(past->first[0].on_hand, 10);
  EXPECT_EQ(past->second, 1);
  EXPECT_EQ(Balances()[0].on_hand, 16);
}

TEST_F(StockServiceTest, AsOfCountsEveryRowWhateverThePage) {
  // 7 places: 2 bins x 3 lots + 1 without a lot.
  std::vector<std::int64_t> lots;
  for (const char* n : {"L1", "L2", "L3"}) lots.push_back(Lot(sku_, n, std::nullopt));
  for (auto lot : lots) {
    Put(1, lot);
    Put(2, lot, bin2_);
  }
  Put(4);
  clock_.AdvanceMicros(1'000'000);
  const auto at = clock_.Now();
  inventory::BalanceQuery q;
  for (const std::int64_t limit : {1, 3, 7, 50}) {
    for (const std::int64_t offset : {0, 2, 6, 7, 9}) {
      q.limit = limit;
      q.offset = offset;
      auto page = stock_.AsOf(Reader(), q, at);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      EXPECT_EQ(page->second, 7) << limit << " " << offset;
      EXPECT_EQ(static_cast<std::int64_t>(page->first.size()),
                std::max<std::int64_t>(0, std::min(limit, 7 - offset)))
          << limit << " " << offset;
    }
  }
}

TEST_F(StockServiceTest, ExportsReturnEveryRowBeyondOnePage) {
  // More places than one page (kMaxPageSize): one bin per lot.
  constexpr std::int64_t kPlaces = kMaxPageSize + 3;
  const auto t0 = clock_.Now();
  for (std::int64_t i = 0; i < kPlaces; ++i) {
    const auto lot = Lot(sku_, "LOT-" + std::to_string(i), Day(2026, 12, 1));
    Put(1, lot);
  }
  Put(5, 0, bin2_);
  ASSERT_TRUE(stock_.Reserve(Ctx(), Want(2)).ok());
  clock_.AdvanceMicros(1'000'000);
  const auto t1 = clock_.Now();
  clock_.AdvanceMicros(1'000'000);
  Put(5, 0, bin2_);  // after t1

  inventory::BalanceQuery bq;
  auto balances = stock_.ExportBalances(Reader(), bq);
  ASSERT_TRUE(balances.ok()) << balances.status().ToString();
  EXPECT_EQ(static_cast<std::int64_t>(balances->size()), kPlaces + 1);
  bq.bin_id = bin2_;  // the filters apply
  balances = stock_.ExportBalances(Reader(), bq);
  ASSERT_TRUE(balances.ok());
  ASSERT_EQ(balances->size(), 1U);
  EXPECT_EQ((*balances)[0].on_hand, 10);

  auto past = stock_.ExportAsOf(Reader(), bq, t1);
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  ASSERT_EQ(past->size(), 1U);
  EXPECT_EQ((*past)[0].on_hand, 5);
  bq = {};
  past = stock_.ExportAsOf(Reader(), bq, t1);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(static_cast<std::int64_t>(past->size()), kPlaces + 1);

  auto summary = stock_.ExportSummary(Reader(), {});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->size(), 1U);
  EXPECT_EQ((*summary)[0].on_hand, kPlaces + 10);
  EXPECT_EQ((*summary)[0].reserved, 2);
  EXPECT_EQ((*summary)[0].available, kPlaces + 8);
  EXPECT_EQ((*summary)[0].projected, kPlaces + 8);

  ExpiringQuery eq;
  eq.days = 30;
  auto expiring = stock_.ExportExpiring(Reader(), eq);
  ASSERT_TRUE(expiring.ok()) << expiring.status().ToString();
  EXPECT_EQ(static_cast<std::int64_t>(expiring->items.size()), kPlaces);
  EXPECT_EQ(expiring->total, kPlaces);
  eq.days = -1;
  EXPECT_EQ(stock_.ExportExpiring(Reader(), eq).status().field(), "days");

  // The card from t0: every line, and the running balance carries over the internal pages.
  StockCardQuery cq;
  cq.sku_id = sku_;
  cq.from = t0;
  auto card = stock_.ExportCard(Reader(), cq);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(card->opening_balance, 0);
  ASSERT_EQ(static_cast<std::int64_t>(card->items.size()), kPlaces + 2);
  EXPECT_EQ(card->items.back().running_balance, kPlaces + 10);
  EXPECT_FALSE(card->next_after_id.has_value());
  cq.from = t1;  // opens with everything before t1
  card = stock_.ExportCard(Reader(), cq);
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->opening_balance, kPlaces + 5);
  ASSERT_EQ(card->items.size(), 1U);
  cq.sku_id = 999;
  EXPECT_EQ(stock_.ExportCard(Reader(), cq).status().code(), ErrorCode::kNotFound);

  inventory::MovementQuery mq;
  auto movements = stock_.ExportMovements(Reader(), mq);
  ASSERT_TRUE(movements.ok()) << movements.status().ToString();
  EXPECT_EQ(static_cast<std::int64_t>(movements->size()), kPlaces + 2);
  for (std::size_t i = 1; i < movements->size(); ++i) {
    ASSERT_LT((*movements)[i - 1].id, (*movements)[i].id);
  }
  mq.from = t1;
  movements = stock_.ExportMovements(Reader(), mq);
  ASSERT_TRUE(movements.ok());
  EXPECT_EQ(movements->size(), 1U);
  // Reading needs the read role like the lists.
  EXPECT_EQ(stock_.ExportMovements(As(Role::kDevice), mq).status().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(StockServiceTest, LotsAreUniquePerSkuAndChecked) {
  LotDraft d;
  d.sku_id = sku_;
  d.lot_number = "L-1";
  d.production_date = Day(2026, 1, 1);
  d.expiry_date = Day(2027, 1, 1);
  auto lot = stock_.CreateLot(Ctx(), d);
  ASSERT_TRUE(lot.ok()) << lot.status().ToString();
  auto got = stock_.GetLot(Reader(), lot->record.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->lot_number, "L-1");
  EXPECT_EQ(got->expiry_date, Day(2027, 1, 1));
  EXPECT_EQ(stock_.CreateLot(Ctx(), d).status().code(), ErrorCode::kAlreadyExists);
  d.sku_id = sku2_;  // the same number for another SKU is another lot
  EXPECT_TRUE(stock_.CreateLot(Ctx(), d).ok());
  d.sku_id = 999;
  EXPECT_EQ(stock_.CreateLot(Ctx(), d).status().field(), "sku_id");
  d.sku_id = sku_;
  d.lot_number = "L-2";
  d.production_date = Day(2027, 2, 1);  // after expiry
  EXPECT_EQ(stock_.CreateLot(Ctx(), d).status().code(), ErrorCode::kInvalidArgument);
  inventory::LotQuery q;
  q.sku_id = sku_;
  auto page = stock_.ListLots(Reader(), q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->second, 1);
  EXPECT_EQ(stock_.GetLot(As(Role::kReadOnly, 2), lot->record.id).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(StockServiceTest, ReservationLifecycle) {
  Put(20);
  auto r = stock_.Reserve(Ctx(), Want(6, "SO-9"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->replayed);
  EXPECT_EQ(r->reservation.Quantity(), 6);
  EXPECT_EQ(r->reservation.state, inventory::ReservationState::kActive);
  EXPECT_TRUE(r->reservation.expires_at.has_value());
  const auto id = r->reservation.id;
  auto got = stock_.GetReservation(Reader(), id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->order_ref, "SO-9");
  inventory::ReservationQuery q;
  q.order_ref = "SO-9";
  auto list = stock_.ListReservations(Reader(), q);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->second, 1);

  auto confirmed = stock_.ConfirmReservation(Ctx(), id);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_FALSE(confirmed->expires_at.has_value());
  auto released = stock_.ReleaseReservation(Ctx(), id);
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(SummaryOf(sku_).available, 20);
  EXPECT_EQ(released->state, inventory::ReservationState::kReleased);
  // Releasing again changes nothing; confirming a released one is refused.
  auto again = stock_.ReleaseReservation(Ctx(), id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->state, inventory::ReservationState::kReleased);
  EXPECT_EQ(SummaryOf(sku_).available, 20);
  auto late = stock_.ConfirmReservation(Ctx(), id);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), ErrorCode::kFailedPrecondition) << late.status().ToString();
  EXPECT_EQ(stock_.ReleaseReservation(Ctx(), inventory::ReservationId(9999)).status().code(),
            ErrorCode::kNotFound);
  // Another tenant sees nothing.
  EXPECT_EQ(stock_.GetReservation(As(Role::kReadOnly, 2), id).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(StockServiceTest, ReserveRefusesBadRequestsAndShortStockClearly) {
  Put(5);
  auto d = Want(0);
  EXPECT_EQ(stock_.Reserve(Ctx(), d).status().field(), "quantity");
  d = Want(1);
  d.order_ref = " ";
  EXPECT_EQ(stock_.Reserve(Ctx(), d).status().field(), "order_ref");
  d = Want(1);
  d.warehouse_id = 999;
  EXPECT_EQ(stock_.Reserve(Ctx(), d).status().field(), "warehouse_id");
  d = Want(1);
  d.sku_id = 999;
  EXPECT_EQ(stock_.Reserve(Ctx(), d).status().field(), "sku_id");
  d = Want(1);
  d.channel_id = 999;
  EXPECT_EQ(stock_.Reserve(Ctx(), d).status().field(), "channel_id");
  auto short_stock = stock_.Reserve(Ctx(), Want(6));
  ASSERT_FALSE(short_stock.ok());
  EXPECT_EQ(short_stock.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(short_stock.status().message().find("5 reservable"), std::string::npos)
      << short_stock.status().ToString();
  EXPECT_EQ(SummaryOf(sku_).reserved, 0);
}

TEST_F(StockServiceTest, ChannelShelfLifeAndExpiredLotsAreNotReserved) {
  // Today is 2026-11-25.
  const auto expired = Lot(sku_, "L-OLD", Day(2026, 11, 20));
  const auto short_life = Lot(sku_, "L-SHORT", Day(2026, 12, 20));  // 25 days left
  const auto long_life = Lot(sku_, "L-LONG", Day(2027, 11, 1));
  Put(10, expired);
  Put(10, short_life);
  Put(4, long_life);
  const auto tmall = AddChannel("TMALL", 90);
  auto d = Want(5);
  d.channel_id = tmall;
  auto refused = stock_.Reserve(Ctx(), d);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("4 reservable"), std::string::npos)
      << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("shelf life"), std::string::npos);
  // An explicit minimum overrides the channel's.
  d.min_remaining_days = 10;
  auto ok = stock_.Reserve(Ctx(), d);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->reservation.lines.size(), 1U);
  EXPECT_EQ(ok->reservation.lines[0].lot_id.value(), short_life);  // FEFO among usable lots
  // Without any minimum, the expired lot is still never taken.
  auto all = stock_.Reserve(Ctx(), Want(9, "SO-2"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  for (const auto& line : all->reservation.lines) EXPECT_NE(line.lot_id.value(), expired);
  EXPECT_EQ(stock_.Reserve(Ctx(), Want(1, "SO-3")).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(StockServiceTest, AReservationRetriedWithItsKeyIsReservedOnce) {
  Put(5);
  auto first = stock_.Reserve(Keyed("order-77", ""), Want(3, "SO-77"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = stock_.Reserve(Keyed("order-77", ""), Want(3, "SO-77"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->reservation.id, first->reservation.id);
  EXPECT_EQ(SummaryOf(sku_).reserved, 3);
  auto different = stock_.Reserve(Keyed("order-77", ""), Want(2, "SO-77"));
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SummaryOf(sku_).reserved, 3);
}

TEST_F(StockServiceTest, ReserveAsyncAnswersOnceWithTheSameRulesAsReserve) {
  Put(5);
  const auto reserve = [this](const ReserveDraft& d) {
    std::promise<Result<ReserveAnswer>> answered;
    auto answer = answered.get_future();
    int calls = 0;
    stock_.ReserveAsync(Ctx(), d, [&answered, &calls](Result<ReserveAnswer> r) {
      ++calls;
      answered.set_value(std::move(r));
    });
    auto result = answer.get();
    EXPECT_EQ(calls, 1);
    return result;
  };
  auto first = reserve(Want(3));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->reservation.Quantity(), 3);
  // The row is durable when the answer comes: the store has it.
  EXPECT_TRUE(stock_.GetReservation(Reader(), first->reservation.id).ok());
  auto refused = reserve(Want(3, "SO-2"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("2 reservable"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(reserve(Want(0)).status().field(), "quantity");
  StockService bare(*db_, clock_, nullptr);
  std::optional<Status> unavailable;
  bare.ReserveAsync(Ctx(), Want(1),
                    [&unavailable](Result<ReserveAnswer> r) { unavailable = r.status(); });
  ASSERT_TRUE(unavailable.has_value());
  EXPECT_EQ(unavailable->code(), ErrorCode::kUnavailable);
  EXPECT_EQ(SummaryOf(sku_).reserved, 3);
}

TEST_F(StockServiceTest, WithoutAnEngineReadsWorkAndReservationsAreUnavailable) {
  StockService bare(*db_, clock_, nullptr);
  auto m = bare.Adjust(Ctx(), Gain(3));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(bare.Reserve(Ctx(), Want(1)).status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(bare.Engine(As(Role::kAdmin)).status().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(stock_.Engine(As(Role::kAdmin)).ok());
  EXPECT_EQ(stock_.Engine(As(Role::kAdmin, 2)).status().code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace xb::inventory_flow
