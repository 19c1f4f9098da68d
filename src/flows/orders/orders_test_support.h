// Test fixture of the orders flow: a scratch database (memory, SQLite or PostgreSQL, from the
// inventory flow's fixture) seeded with the public customs rules, a tenant's SKUs, a bonded and
// an overseas warehouse, a channel and stock; a started reservation engine, quota book, rule
// cache and order intake; and order requests that pass every check.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "domain/customs/testing/public_rules.h"
#include "flows/inventory/inventory_test_support.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/order_queries.h"

namespace xb::orders_flow::testing {

using inventory_flow::testing::FlakyDatabase;
using inventory_flow::testing::ScratchDatabase;

// 2026-11-25T08:30:00Z
constexpr std::int64_t kNow = 1'795'595'400'000'000;
// A resident identity card number for person `n` (0..899) with its GB 11643 check character.
inline std::string IdentityNumber(int n) {
  const std::string body = "11010119900101" + std::to_string(100 + (n % 900));
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[sum % 11];
}

class OrdersFixture {
 public:
  FakeClock clock{Timestamp::FromMicros(kNow)};
  ScratchDatabase scratch;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<FlakyDatabase> flaky;  // the intake writes through it
  TenantId tenant;
  std::int64_t channel = 0;
  std::int64_t bonded = 0, overseas = 0;
  std::int64_t milk = 0, cream = 0, phone = 0, vitamins = 0;
  std::unique_ptr<inventory_flow::ReservationEngine> engine;
  std::unique_ptr<QuotaBook> quota;
  std::unique_ptr<RuleCache> rules;
  std::unique_ptr<OrderIntake> intake;

  // Returns a reason to skip, or empty.
  std::string Prepare(const std::string& kind) {
    std::string skip = scratch.Prepare(kind);
    if (!skip.empty()) return skip;
    auto opened = scratch.Open();
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return "cannot open";
    db = std::move(opened).value();
    flaky = std::make_unique<FlakyDatabase>(*db);
    tenant = inventory_flow::testing::AddTenant(*db, "alpha");
    Seed();
    return "";
  }

  void Seed() {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    auto& customs = (*tx)->customs();
    auto existing = customs.ListRules(TenantId(0));
    ASSERT_TRUE(existing.ok()) << existing.status().ToString();
    if (existing->empty()) {  // the SQL databases have them from migration 0004
      for (auto row : customs::public_rules::PublicRuleRows()) {
        row.id = customs::RuleId();
        auto st = customs.InsertRule(row);
        ASSERT_TRUE(st.ok()) << st.status().ToString();
      }
    }
    auto listed = customs.ListPositiveList(TenantId(0));
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    if (listed->empty()) {
      auto lines = customs::public_rules::PublicPositiveList();
      ASSERT_TRUE(customs.InsertPositiveList(lines).ok());
    }
    milk = AddSku(**tx, "MILK-800", "19011010", catalog::ConsumptionTaxClass::kNone,
                  catalog::LegalUnit::kKilogram, 800, true);
    cream = AddSku(**tx, "CREAM-20", "33049900", catalog::ConsumptionTaxClass::kHighEndCosmetics,
                   catalog::LegalUnit::kGram, 20'000, true);
    phone = AddSku(**tx, "PHONE-1", "85171300", catalog::ConsumptionTaxClass::kNone,
                   catalog::LegalUnit::kPiece, 1000, false);
    vitamins = AddSku(**tx, "VIT-60", "21069090", catalog::ConsumptionTaxClass::kNone,
                      catalog::LegalUnit::kPiece, 1000, true);
    partners::Warehouse b;
    b.tenant_id = tenant;
    b.code = "BW-NB";
    b.name = "Ningbo bonded";
    b.kind = partners::WarehouseKind::kBonded;
    b.country = "CN";
    b.account_book_no = "T3105W000001";
    auto wb = (*tx)->warehouses().Insert(b);
    ASSERT_TRUE(wb.ok()) << wb.status().ToString();
    bonded = wb->id.value();
    partners::Warehouse o;
    o.tenant_id = tenant;
    o.code = "OW-FRA";
    o.name = "Frankfurt";
    o.kind = partners::WarehouseKind::kOverseas;
    o.country = "DE";
    auto wo = (*tx)->warehouses().Insert(o);
    ASSERT_TRUE(wo.ok()) << wo.status().ToString();
    overseas = wo->id.value();
    partners::Channel c;
    c.tenant_id = tenant;
    c.code = "TMALL";
    c.name = "Tmall Global";
    c.platform = partners::Platform::kTmallGlobal;
    c.min_remaining_shelf_life_days = 30;
    auto ch = (*tx)->channels().Insert(c);
    ASSERT_TRUE(ch.ok()) << ch.status().ToString();
    channel = ch->id.value();
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  std::int64_t AddSku(store::Transaction& tx, const std::string& code, const std::string& hs,
                      catalog::ConsumptionTaxClass ct, catalog::LegalUnit unit,
                      std::int64_t legal_milli, bool listed) {
    catalog::Sku s;
    s.tenant_id = tenant;
    s.code = code;
    s.name = code;
    s.hs_code = hs;
    s.consumption_tax_class = ct;
    s.legal_unit = unit;
    s.legal_quantity = Milli{legal_milli};
    s.weight_g = 900;
    s.shelf_life_days = 720;
    s.positive_list = listed;
    s.origin_country = "NZ";
    auto stored = tx.skus().Insert(s);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->id.value() : 0;
  }

  // Stock received into `warehouse` before the engine starts (or given to it after).
  void Receive(std::int64_t warehouse, std::int64_t sku, std::int64_t qty,
               std::optional<Date> expiry = Date::FromYmd(2028, 1, 1).value()) {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    inventory::Lot lot;
    lot.tenant_id = tenant;
    lot.sku_id = sku;
    lot.lot_number =
        "L" + std::to_string(warehouse) + "-" + std::to_string(sku) + "-" + std::to_string(qty);
    lot.expiry_date = expiry;
    lot.created_at = clock.Now();
    auto stored = (*tx)->inventory().InsertLot(lot);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    inventory::Movement m;
    m.tenant_id = tenant;
    m.sku_id = sku;
    m.lot_id = stored->id;
    m.to = inventory::Place{warehouse, 1, inventory::StockState::kAvailable};
    m.quantity = qty;
    m.reason = inventory::MovementReason::kReceipt;
    m.ref_type = "test";
    m.at = clock.Now();
    ASSERT_TRUE((*tx)->inventory().Post(std::span<inventory::Movement>(&m, 1)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  // A quota entry of an identity written before the intake starts.
  void UsedBefore(const std::string& id_number, std::int64_t fen) {
    auto tx = db->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    customs::QuotaEntry e;
    e.tenant_id = tenant;
    e.id_type = "id_card";
    e.id_number = id_number;
    e.year = 2026;
    e.amount_fen = fen;
    e.kind = customs::QuotaEntryKind::kOrder;
    e.ref = "earlier";
    e.at = clock.Now();
    ASSERT_TRUE((*tx)->customs().AppendQuota(std::span<customs::QuotaEntry>(&e, 1)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  void Start(IntakeOptions options = {}) {
    inventory_flow::EngineOptions eo;
    eo.shards = 4;
    eo.sweep_every = std::chrono::milliseconds(0);
    engine = std::make_unique<inventory_flow::ReservationEngine>(*db, clock, eo);
    ASSERT_TRUE(engine->Start().ok());
    quota = std::make_unique<QuotaBook>(4);
    rules = std::make_unique<RuleCache>(*db);
    intake = std::make_unique<OrderIntake>(*flaky, clock, *engine, *quota, *rules, options);
    const Status st = intake->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // Stops the intake (finishing its releases) and the engine.
  void Stop() {
    if (intake) intake->Stop();
    if (engine) engine->Stop();
  }

  ~OrdersFixture() {
    intake.reset();
    engine.reset();
    flaky.reset();
    db.reset();
  }

  // One line of `sku` at `price_fen` for the buyer `id_number`; tax and paid computed for a
  // standard-VAT good within limits (9.1%), no freight.
  OrderRequest Request(const std::string& no, std::int64_t sku, std::int64_t price_fen,
                       std::int64_t quantity = 1,
                       const std::string& id_number = IdentityNumber(0)) const {
    OrderRequest r;
    r.channel_id = channel;
    r.channel_order_no = no;
    r.order_date = Date::FromYmd(2026, 11, 20).value();
    r.buyer = {"Zhang San", "id_card", id_number, "13800138000"};
    r.address = {"Zhang San", "13800138000", "Zhejiang", "Ningbo", "Beilun", "1 Harbour Rd", ""};
    r.lines.push_back({sku, quantity, price_fen, 0});
    const std::int64_t value = price_fen * quantity;
    // 9.1% of the value, half up to the fen: VAT 13% x 70%.
    r.tax_fen = (value * 91 + 500) / 1000;
    r.paid_fen = value + r.tax_fen;
    r.payment = {"PAY-" + no, "Zhang San", "id_card", id_number, r.paid_fen};
    return r;
  }

  std::int64_t Available(std::int64_t warehouse, std::int64_t sku) const {
    return engine->Available(inventory::PoolKey{tenant, warehouse, sku, "own"});
  }

  std::optional<orders::Order> Stored(const std::string& no) {
    auto tx = db->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto found = (*tx)->orders().FindByChannelNo(tenant, channel, no);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  std::int64_t QuotaUsedInStore(const std::string& id_number) {
    auto tx = db->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto used = (*tx)->customs().QuotaUsed(tenant, "id_card", id_number, 2026);
    EXPECT_TRUE(used.ok()) << used.status().ToString();
    return used.ok() ? *used : -1;
  }

  std::vector<customs::Declaration> Declarations(std::int64_t order_id) {
    auto tx = db->Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    customs::DeclarationQuery q;
    q.order_id = order_id;
    auto page = (*tx)->customs().ListDeclarations(tenant, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->first : std::vector<customs::Declaration>{};
  }
};

}  // namespace xb::orders_flow::testing
