// Test fixture of the customs flow: a memory database with a fake clock (2026-11-25T08:30Z), the
// public rule rows, one bonded warehouse (account book T3105W000001) with storage, shipping and
// quarantine bins, a milk-powder SKU with one lot of 10 units in storage, a channel asking 30
// days of shelf life, a running reservation engine, the warehouse service, and helpers that
// place an accepted order with its reservation, quota entry and declaration.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "domain/catalog/sku.h"
#include "domain/customs/testing/public_rules.h"
#include "domain/partners/partners.h"
#include "flows/customs/receipt_service.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_posting.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb {
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::customs_flow {

std::unique_ptr<store::Database> NewTestDatabase();
// Whether the database comes with the platform's rule rows (SQL migrations seed them).
bool SeededRules();

inline Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

// The ID number of the tests: a valid resident identity card number (GB 11643 check digit).
inline constexpr const char* kIdNumber = "110101199003071233";

// A fake clock that the engine's threads may read while the test moves it.
class TestClock final : public Clock {
 public:
  explicit TestClock(Timestamp now) : micros_(now.micros()) {}
  Timestamp Now() const override { return Timestamp::FromMicros(micros_.load()); }
  void Set(Timestamp now) { micros_.store(now.micros()); }
  void AdvanceMillis(std::int64_t ms) { micros_.fetch_add(ms * 1000); }

 private:
  std::atomic<std::int64_t> micros_;
};

class CustomsFlowTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kTenant = 1;

  std::unique_ptr<store::Database> db_ = NewTestDatabase();
  TestClock clock_{Timestamp::FromMicros(1'795'595'400'000'000)};  // 2026-11-25T08:30:00Z
  inventory_flow::ReservationEngine engine_{*db_, clock_};
  warehouse_flow::WarehouseService warehouse_{*db_, clock_, &engine_};
  std::vector<customs::QuotaEntry> restored_;          // what the quota callback heard
  std::vector<customs::GoodsCapEntry> caps_restored_;  // what the goods-cap callback heard
  ReceiptService receipts_{*db_,
                           clock_,
                           &engine_,
                           &warehouse_,
                           [this](const customs::QuotaEntry& e) { restored_.push_back(e); },
                           [this](std::span<const customs::GoodsCapEntry> e) {
                             caps_restored_.insert(caps_restored_.end(), e.begin(), e.end());
                           }};

  std::int64_t wh_ = 0;
  std::int64_t a1_ = 0;    // storage A-01
  std::int64_t stg_ = 0;   // shipping STG-1
  std::int64_t quar_ = 0;  // quarantine Q-1
  std::int64_t milk_ = 0;
  std::int64_t channel_ = 0;
  inventory::LotId lot_;  // L1, expires 2027-12-31, 10 units in A-01
  int orders_ = 0;

  CustomsFlowTest() {
    Seed();
    EXPECT_TRUE(engine_.Start().ok());
  }
  ~CustomsFlowTest() override { engine_.Stop(); }

  void Seed() {
    auto tx = Write();
    auto t = tx->tenants().Insert({TenantId(), "alpha", "alpha", true, clock_.Now()});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!SeededRules()) {
      for (auto row : customs::public_rules::PublicRuleRows()) {
        row.id = customs::RuleId();
        EXPECT_TRUE(tx->customs().InsertRule(row).ok());
      }
    }
    partners::Warehouse w;
    w.tenant_id = TenantId(kTenant);
    w.code = "WH-NB";
    w.name = "Ningbo bonded";
    w.kind = partners::WarehouseKind::kBonded;
    w.country = "CN";
    w.account_book_no = "T3105W000001";
    w.version = 1;
    wh_ = Id(tx->warehouses().Insert(w));
    a1_ = AddBin(*tx, "A-01", partners::BinKind::kStorage);
    stg_ = AddBin(*tx, "STG-1", partners::BinKind::kShipping);
    quar_ = AddBin(*tx, "Q-1", partners::BinKind::kQuarantine);
    catalog::Sku s;
    s.tenant_id = TenantId(kTenant);
    s.code = "MILK-900";
    s.name = "Milk powder 900 g";
    s.gtin = "09506000134352";
    s.category = catalog::Category::kMaternalInfant;
    s.hs_code = "1901101000";
    s.origin_country = "AU";
    s.shelf_life_days = 540;
    s.version = 1;
    milk_ = Id(tx->skus().Insert(s));
    partners::Channel c;
    c.tenant_id = TenantId(kTenant);
    c.code = "TMALL";
    c.name = "Tmall Global";
    c.min_remaining_shelf_life_days = 30;
    c.version = 1;
    channel_ = Id(tx->channels().Insert(c));
    inventory::Lot lot;
    lot.tenant_id = TenantId(kTenant);
    lot.sku_id = milk_;
    lot.lot_number = "L1";
    lot.expiry_date = Day(2027, 12, 31);
    lot.created_at = clock_.Now();
    auto stored_lot = tx->inventory().InsertLot(lot);
    EXPECT_TRUE(stored_lot.ok()) << stored_lot.status().ToString();
    lot_ = stored_lot->id;
    std::vector<inventory::Movement> in{Arrival(a1_, 10)};
    inventory_flow::StockPosting posting(nullptr);
    EXPECT_TRUE(posting.Post(*tx, in).ok());
    EXPECT_TRUE(tx->Commit().ok());
    posting.Committed();
  }

  template <class R>
  static std::int64_t Id(const Result<R>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id.value() : 0;
  }

  std::int64_t AddBin(store::Transaction& tx, const std::string& code, partners::BinKind kind) {
    partners::Bin b;
    b.tenant_id = TenantId(kTenant);
    b.code = code;
    b.name = "Bin " + code;
    b.warehouse_id = wh_;
    b.kind = kind;
    b.version = 1;
    return Id(tx.bins().Insert(b));
  }

  inventory::Movement Arrival(std::int64_t bin, std::int64_t qty) const {
    inventory::Movement m;
    m.tenant_id = TenantId(kTenant);
    m.sku_id = milk_;
    m.lot_id = lot_;
    m.to = inventory::Place{wh_, bin, inventory::StockState::kAvailable};
    m.quantity = qty;
    m.reason = inventory::MovementReason::kReceipt;
    m.ref_type = "test";
    m.ref_id = "1";
    m.at = clock_.Now();
    return m;
  }

  static access::Principal As(access::Role role) {
    return {TenantId(kTenant), access::ApiKeyId(7), role, "test key"};
  }
  static RequestContext Ctx(access::Role role = access::Role::kAdmin) {
    return {As(role), "req-1"};
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

  inventory::PoolKey Pool() const { return {TenantId(kTenant), wh_, milk_, "own"}; }

  struct Placed {
    orders::Order order;
    customs::Declaration declaration;
  };

  // An accepted order of `qty` tins at 100.00 each (line tax `tax_fen`), reserved through the
  // engine, with its quota entry and its declaration in `state`.
  Placed PlaceOrder(std::int64_t qty, std::int64_t tax_fen = 1820,
                    customs::DeclarationState state = customs::DeclarationState::kSubmitted,
                    const std::string& signing_key = "default") {
    ++orders_;
    inventory_flow::ReserveRequest rq;
    rq.tenant_id = TenantId(kTenant);
    rq.warehouse_id = wh_;
    rq.sku_id = milk_;
    rq.quantity = qty;
    rq.order_ref = "order:" + std::to_string(orders_);
    rq.hold_for = std::chrono::seconds(0);
    auto reserved = engine_.Reserve(rq);
    EXPECT_TRUE(reserved.ok()) << reserved.status().ToString();

    orders::Order o;
    o.tenant_id = TenantId(kTenant);
    o.channel_id = channel_;
    o.channel_order_no = "TM-" + std::to_string(orders_);
    o.order_date = Day(2026, 11, 25);
    o.state = orders::OrderState::kAccepted;
    o.buyer = {"张三", "id_card", kIdNumber, "13800138000"};
    o.payment = {"P" + std::to_string(orders_), "张三", "id_card", kIdNumber, 0};
    orders::OrderLine l;
    l.line_no = 1;
    l.sku_id = milk_;
    l.sku_code = "MILK-900";
    l.quantity = qty;
    l.unit_price_fen = 10000;
    l.dutiable_fen = 10000 * qty;
    l.vat_fen = tax_fen;
    l.mode = orders::Mode::kBonded1210;
    l.warehouse_id = wh_;
    l.reservation_id = reserved.ok() ? reserved->reservation.id.value() : 0;
    l.shipment_ref = "W" + std::to_string(wh_) + "-1210";
    o.lines.push_back(l);
    o.goods_fen = l.dutiable_fen;
    o.tax_fen = tax_fen;
    o.paid_fen = l.dutiable_fen + tax_fen;
    o.customs_channel = "cbec";
    o.policy = "speed_first";
    o.created_at = o.updated_at = clock_.Now();

    auto tx = Write();
    auto order = tx->orders().InsertOrder(o);
    EXPECT_TRUE(order.ok()) << order.status().ToString();
    std::vector<customs::QuotaEntry> quota(1);
    quota[0].tenant_id = TenantId(kTenant);
    quota[0].id_type = "id_card";
    quota[0].id_number = kIdNumber;
    quota[0].year = 2026;
    quota[0].amount_fen = l.dutiable_fen;
    quota[0].kind = customs::QuotaEntryKind::kOrder;
    quota[0].order_id = order->id.value();
    quota[0].ref = "order:" + std::to_string(order->id.value());
    quota[0].at = clock_.Now();
    EXPECT_TRUE(tx->customs().AppendQuota(quota).ok());
    customs::Declaration d;
    d.tenant_id = TenantId(kTenant);
    d.order_id = order->id.value();
    d.shipment_ref = l.shipment_ref;
    d.signing_key = signing_key;
    d.state = state;
    d.order.order_no = o.channel_order_no;
    d.order.buyer = {"张三", "id_card", kIdNumber};
    d.list.trade_mode = "1210";
    d.list.ems_no = "T3105W000001";
    d.list.lines.push_back(
        {"MILK-900", "1901101000", "Milk powder", qty, 900'000 * qty, "g", l.dutiable_fen});
    d.created_at = d.updated_at = clock_.Now();
    auto decl = tx->customs().InsertDeclaration(d);
    EXPECT_TRUE(decl.ok()) << decl.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return {*order, *decl};
  }

  static customs::Receipt Receipt(const std::string& id, const customs::Declaration& d,
                                  customs::ReceiptKind kind, const std::string& reason = "") {
    customs::Receipt r;
    r.receipt_id = id;
    r.list_no = d.list.list_no;
    r.kind = kind;
    r.reason = reason;
    return r;
  }

  orders::Order OrderNow(const orders::Order& o) {
    auto got = Read()->orders().GetOrder(TenantId(kTenant), o.id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : orders::Order{};
  }
  customs::Declaration DeclarationNow(const customs::Declaration& d) {
    auto got = Read()->customs().GetDeclaration(TenantId(kTenant), d.id);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : customs::Declaration{};
  }

  std::int64_t Stock(std::int64_t bin, inventory::StockState state) {
    inventory::BalanceQuery q;
    q.warehouse_id = wh_;
    q.bin_id = bin;
    q.sku_id = milk_;
    q.state = state;
    q.limit = 500;
    auto page = Read()->inventory().ListBalances(TenantId(kTenant), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::int64_t sum = 0;
    if (page.ok()) {
      for (const auto& b : page->first) sum += b.on_hand;
    }
    return sum;
  }

  // A goods-cap usage entry of the order's line 1 (HS prefix 1901, thousandths of a kg), as
  // intake writes it.
  void AddCapUsage(const orders::Order& o, std::int64_t milli) {
    customs::GoodsCapEntry e;
    e.tenant_id = TenantId(kTenant);
    e.id_type = "id_card";
    e.id_number = kIdNumber;
    e.year = 2026;
    e.hs_prefix = "1901";
    e.amount_milli = milli;
    e.order_id = o.id.value();
    e.line_no = 1;
    e.ref = "order:" + std::to_string(o.id.value());
    e.at = clock_.Now();
    auto tx = Write();
    EXPECT_TRUE(tx->customs().AppendGoodsCapUsage(std::span(&e, 1)).ok());
    EXPECT_TRUE(tx->Commit().ok());
  }
  std::int64_t CapUsed() {
    auto entries =
        Read()->customs().ListGoodsCapUsage(TenantId(kTenant), "id_card", kIdNumber, 2026);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::int64_t used = 0;
    if (entries.ok()) {
      for (const auto& e : *entries) used += e.amount_milli;
    }
    return used;
  }

  std::int64_t QuotaUsed() {
    auto used = Read()->customs().QuotaUsed(TenantId(kTenant), "id_card", kIdNumber, 2026);
    EXPECT_TRUE(used.ok()) << used.status().ToString();
    return used.ok() ? *used : -1;
  }

  std::int64_t EventCount() {
    events::EventQuery q;
    q.limit = 100000;
    auto list = Read()->events().List(TenantId(kTenant), q);
    EXPECT_TRUE(list.ok());
    return list.ok() ? static_cast<std::int64_t>(list->size()) : -1;
  }

  std::vector<customs::AccountEntry> BookEntries() {
    auto page = Read()->customs().ListAccountEntries(TenantId(kTenant), "T3105W000001", 0, 500);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->first : std::vector<customs::AccountEntry>{};
  }

  std::int64_t PickTasks() {
    warehouse::TaskQuery q;
    q.kind = warehouse::TaskKind::kPick;
    q.limit = 500;
    auto page = Read()->warehouse().ListTasks(TenantId(kTenant), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->second : -1;
  }
};

}  // namespace xb::customs_flow
