// Test fixture of the warehouse use cases: a memory database with a fake clock (2026-11-25), one
// bonded warehouse with receiving, storage, staging and quarantine bins, two SKUs (milk powder
// with a shelf life and lots, baby bottles without), a confirmed purchase order, the services,
// and helpers that read stock and events.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "domain/procurement/procurement.h"
#include "flows/warehouse/terminal_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::warehouse_flow {

inline Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

// A fresh memory database (memory_fixture_test.cpp: the adapter is reached from tests only).
std::unique_ptr<store::Database> NewTestDatabase();

inline constexpr const char* kMilkGtin = "09506000134352";
inline constexpr const char* kBottleGtin = "09501101020917";

class WarehouseTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kTenant = 1;

  std::unique_ptr<store::Database> db_ = NewTestDatabase();
  // 2026-11-25T08:30:00Z
  FakeClock clock_{Timestamp::FromMicros(1'795'595'400'000'000)};
  WarehouseService svc_{*db_, clock_, nullptr};

  std::int64_t wh_ = 0;
  std::int64_t other_wh_ = 0;
  std::int64_t rcv_ = 0;     // receiving bin RCV-1
  std::int64_t a1_ = 0;      // storage A-01, zone maternal_infant
  std::int64_t a2_ = 0;      // storage A-02, capacity 100
  std::int64_t stg_ = 0;     // shipping (staging) STG-1
  std::int64_t quar_ = 0;    // quarantine Q-1
  std::int64_t far_ = 0;     // a bin of the other warehouse
  std::int64_t milk_ = 0;    // shelf life 540 days, GTIN kMilkGtin
  std::int64_t bottle_ = 0;  // no shelf life, GTIN kBottleGtin
  std::int64_t carrier_ = 0;

  WarehouseTest() {
    auto tx = Write();
    for (const char* code : {"alpha", "beta"}) {
      auto t = tx->tenants().Insert({TenantId(), code, code, true, clock_.Now()});
      EXPECT_TRUE(t.ok()) << t.status().ToString();
    }
    wh_ = AddWarehouse(*tx, "WH-NB");
    other_wh_ = AddWarehouse(*tx, "WH-GZ");
    rcv_ = AddBin(*tx, wh_, "RCV-1", partners::BinKind::kReceiving);
    a1_ = AddBin(*tx, wh_, "A-01", partners::BinKind::kStorage, "maternal_infant");
    a2_ = AddBin(*tx, wh_, "A-02", partners::BinKind::kStorage, std::nullopt, 100);
    stg_ = AddBin(*tx, wh_, "STG-1", partners::BinKind::kShipping);
    quar_ = AddBin(*tx, wh_, "Q-1", partners::BinKind::kQuarantine);
    far_ = AddBin(*tx, other_wh_, "B-01", partners::BinKind::kStorage);
    milk_ = AddSku(*tx, "MILK-900", kMilkGtin, 540, catalog::Category::kMaternalInfant);
    bottle_ =
        AddSku(*tx, "BOTTLE-240", kBottleGtin, std::nullopt, catalog::Category::kDailyNecessities);
    partners::Carrier c;
    c.tenant_id = TenantId(kTenant);
    c.code = "SF";
    c.name = "SF Express";
    c.country = "CN";
    c.version = 1;
    auto carrier = tx->carriers().Insert(c);
    EXPECT_TRUE(carrier.ok()) << carrier.status().ToString();
    carrier_ = carrier->id.value();
    EXPECT_TRUE(tx->Commit().ok());
  }

  static access::Principal As(access::Role role, std::int64_t tenant = kTenant) {
    return {TenantId(tenant), access::ApiKeyId(7), role, "test key"};
  }
  static RequestContext Ctx(access::Role role = access::Role::kWarehouseOperator,
                            std::int64_t tenant = kTenant) {
    return {As(role, tenant), "req-1", ""};
  }

  std::unique_ptr<store::Transaction> Write() {
    auto tx = db_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return std::move(tx).value();
  }
  std::unique_ptr<store::Transaction> Read() {
    auto tx = db_->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return std::move(tx).value();
  }

  static std::int64_t AddWarehouse(store::Transaction& tx, const std::string& code) {
    partners::Warehouse w;
    w.tenant_id = TenantId(kTenant);
    w.code = code;
    w.name = "Warehouse " + code;
    w.kind = partners::WarehouseKind::kBonded;
    w.country = "CN";
    w.account_book_no = "T3105W000001";
    w.version = 1;
    auto stored = tx.warehouses().Insert(w);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->id.value() : 0;
  }

  static std::int64_t AddBin(store::Transaction& tx, std::int64_t wh, const std::string& code,
                             partners::BinKind kind, std::optional<std::string> zone = {},
                             std::int64_t capacity = 0) {
    partners::Bin b;
    b.tenant_id = TenantId(kTenant);
    b.code = code;
    b.name = "Bin " + code;
    b.warehouse_id = wh;
    b.kind = kind;
    b.zone = std::move(zone);
    b.capacity_units = capacity;
    b.version = 1;
    auto stored = tx.bins().Insert(b);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->id.value() : 0;
  }

  static std::int64_t AddSku(store::Transaction& tx, const std::string& code,
                             const std::string& gtin, std::optional<std::int64_t> shelf_life,
                             catalog::Category category) {
    catalog::Sku s;
    s.tenant_id = TenantId(kTenant);
    s.code = code;
    s.name = "SKU " + code;
    s.gtin = gtin;
    s.category = category;
    s.hs_code = "1901101000";
    s.origin_country = "AU";
    s.shelf_life_days = shelf_life;
    s.version = 1;
    auto stored = tx.skus().Insert(s);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->id.value() : 0;
  }

  // A bin of the warehouse, stored in its own transaction.
  std::int64_t NewBin(const std::string& code, partners::BinKind kind,
                      std::optional<std::string> zone = {}, std::int64_t capacity = 0) {
    auto tx = Write();
    const std::int64_t id = AddBin(*tx, wh_, code, kind, std::move(zone), capacity);
    EXPECT_TRUE(tx->Commit().ok());
    return id;
  }

  // Changes a bin's capacity (0: unlimited) or status.
  void SetBin(std::int64_t bin, std::int64_t capacity,
              RecordStatus status = RecordStatus::kActive) {
    auto tx = Write();
    auto b = tx->bins().Get(TenantId(kTenant), bin);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    b->capacity_units = capacity;
    b->status = status;
    ++b->version;
    ASSERT_TRUE(tx->bins().Update(*b, b->version - 1).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  // A purchase order of milk and bottles for the warehouse, in `status`.
  procurement::PurchaseOrder AddOrder(
      std::int64_t milk_qty, std::int64_t bottle_qty,
      procurement::PoStatus status = procurement::PoStatus::kConfirmed) {
    auto tx = Write();
    partners::Supplier s;
    s.tenant_id = TenantId(kTenant);
    s.code = "SUP-" + std::to_string(++orders_);
    s.name = "Supplier";
    s.country = "AU";
    s.currency = "AUD";
    s.version = 1;
    auto supplier = tx->suppliers().Insert(s);
    EXPECT_TRUE(supplier.ok()) << supplier.status().ToString();
    procurement::PurchaseOrder po;
    po.tenant_id = TenantId(kTenant);
    po.code = "PO-" + std::to_string(orders_);
    po.supplier_id = supplier->id.value();
    po.warehouse_id = wh_;
    po.currency = "AUD";
    po.status = status;
    po.order_date = Day(2026, 10, 1);
    po.expected_date = Day(2026, 11, 20);
    po.lines = {{1, milk_, milk_qty, 2500, 2500, 0, 0, 0},
                {2, bottle_, bottle_qty, 800, 800, 0, 0, 0}};
    po.version = 1;
    auto stored = tx->procurement().InsertOrder(po);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return *stored;
  }

  // A reservation, stored as the engine would store it (tests run without the engine).
  inventory::Reservation AddReservation(std::int64_t sku, const std::string& order_ref,
                                        std::vector<inventory::ReservationLine> lines) {
    inventory::Reservation r;
    r.id = inventory::ReservationId(++reservations_);
    r.tenant_id = TenantId(kTenant);
    r.warehouse_id = wh_;
    r.sku_id = sku;
    r.order_ref = order_ref;
    r.lines = std::move(lines);
    r.created_at = clock_.Now();
    r.updated_at = clock_.Now();
    auto tx = Write();
    EXPECT_TRUE(tx->inventory().SaveReservations({&r, 1}).ok());
    EXPECT_TRUE(tx->Commit().ok());
    return r;
  }

  // On hand of (bin, SKU, lot, state); lot absent: every lot.
  std::int64_t Stock(std::int64_t bin, std::int64_t sku,
                     inventory::StockState state = inventory::StockState::kAvailable,
                     std::optional<inventory::LotId> lot = std::nullopt) {
    inventory::BalanceQuery q;
    q.bin_id = bin;
    q.sku_id = sku;
    q.state = state;
    q.lot_id = lot;
    return Sum(q);
  }

  // Units of the SKU anywhere in the warehouse, in any state.
  std::int64_t OnHand(std::int64_t sku) {
    inventory::BalanceQuery q;
    q.warehouse_id = wh_;
    q.sku_id = sku;
    return Sum(q);
  }

  std::int64_t Sum(inventory::BalanceQuery q) {
    auto tx = Read();
    std::int64_t sum = 0;
    q.limit = 500;
    for (q.offset = 0;; q.offset += q.limit) {
      auto page = tx->inventory().ListBalances(TenantId(kTenant), q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return -1;
      for (const auto& b : page->first) sum += b.on_hand;
      if (q.offset + q.limit >= page->second) break;
    }
    return sum;
  }

  std::int64_t MovementCount() {
    auto tx = Read();
    inventory::MovementQuery q;
    q.limit = 100000;
    auto list = tx->inventory().ListMovements(TenantId(kTenant), q);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? static_cast<std::int64_t>(list->size()) : -1;
  }

  inventory::LotId LotOf(std::int64_t sku, const std::string& number) {
    auto tx = Read();
    auto lot = tx->inventory().FindLot(TenantId(kTenant), sku, number);
    EXPECT_TRUE(lot.ok() && lot->has_value()) << number;
    return lot.ok() && lot->has_value() ? (*lot)->id : inventory::LotId();
  }

  std::vector<events::BusinessEvent> Events(const std::string& type) {
    auto tx = Read();
    events::EventQuery q;
    q.type = type;
    q.limit = 1000;
    auto list = tx->events().List(TenantId(kTenant), q);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<events::BusinessEvent>{};
  }

  warehouse::Task GetTask(warehouse::TaskId id) {
    auto tx = Read();
    auto t = tx->warehouse().GetTask(TenantId(kTenant), id);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : warehouse::Task{};
  }

  static warehouse::LotReceipt Lot(const std::string& number, std::int64_t qty,
                                   std::optional<Date> expiry = Day(2027, 12, 31),
                                   warehouse::Condition condition = warehouse::Condition::kGood,
                                   std::string reason = {}) {
    warehouse::LotReceipt r;
    r.lot_number = number;
    r.expiry_date = expiry;
    r.quantity = qty;
    r.condition = condition;
    r.reason = std::move(reason);
    return r;
  }

  // A receive task against an advance notice, with `milk` units of lot `lot` received good.
  warehouse::Task ReceiveMilk(std::int64_t milk, const std::string& lot = "L-A") {
    ReceiveDraft d;
    d.warehouse_id = wh_;
    d.receiving_bin_id = rcv_;
    d.asn_ref = "ASN-" + lot + "-" + std::to_string(++asns_);
    d.asn_lines = {{milk_, milk}};
    auto task = svc_.CreateReceive(Ctx(), d);
    EXPECT_TRUE(task.ok()) << task.status().ToString();
    auto after = svc_.Receive(Ctx(), task->id, {1, Lot(lot, milk)});
    EXPECT_TRUE(after.ok()) << after.status().ToString();
    return after.ok() ? *after : warehouse::Task{};
  }

  // ReceiveMilk, then the whole lot moved into storage bin A-01 (picks take from storage and pick
  // bins only).
  warehouse::Task StoreMilk(std::int64_t milk, const std::string& lot = "L-A") {
    auto received = ReceiveMilk(milk, lot);
    MoveDraft d{wh_, {{milk_, LotOf(milk_, lot), "own", rcv_, a1_, milk}}};
    auto move = svc_.CreateMove(Ctx(), d);
    EXPECT_TRUE(move.ok()) << move.status().ToString();
    if (move.ok()) {
      auto closed = svc_.Close(Ctx(), move->id, {true});
      EXPECT_TRUE(closed.ok()) << closed.status().ToString();
    }
    return received;
  }

  int orders_ = 0;
  int asns_ = 0;
  std::int64_t reservations_ = 0;
};

// Asserts a Result failed with `code` (and names `field` when given).
#define XB_EXPECT_ERROR(expr, code_, field_)                                  \
  do {                                                                        \
    const auto& xb_r_ = (expr);                                               \
    ASSERT_FALSE(xb_r_.ok()) << "expected " << ErrorCodeName(code_);          \
    EXPECT_EQ(xb_r_.status().code(), code_) << xb_r_.status().ToString();     \
    if (std::string(field_).size() > 0) {                                     \
      EXPECT_EQ(xb_r_.status().field(), field_) << xb_r_.status().ToString(); \
    }                                                                         \
  } while (false)

}  // namespace xb::warehouse_flow
