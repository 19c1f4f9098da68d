// The sourcing store contract: the procurement store (price lists, purchase orders, goods
// receipts) and the evaluation store (indicator tree versions, scores, bands) behave the same on
// every storage adapter. Each test runs once per adapter; PostgreSQL runs only when
// XB_TEST_PG_URL names a server, and then each test works in a database of its own that is
// dropped afterwards. Doubles are compared bit for bit: totals must agree to the last digit.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <ostream>
#include <random>
#include <source_location>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/storage/open_database.h"
#include "contract_support.h"
#include "domain/suppliers/ahp.h"
#include "flows/store/unit_of_work.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::contract {
namespace {

using procurement::GoodsReceipt;
using procurement::PoLine;
using procurement::PoStatus;
using procurement::PriceListEntry;
using procurement::PriceListQuery;
using procurement::PurchaseOrder;
using procurement::PurchaseOrderQuery;
using procurement::ReceiptLine;
using procurement::TransportMode;
using store::Database;
using store::Transaction;
using store::TxMode;
using suppliers::Band;
using suppliers::Consequence;
using suppliers::IndicatorScore;
using suppliers::ScoreSource;
using suppliers::TreeStatus;
using suppliers::TreeVersion;
using suppliers::TreeVersionId;

constexpr std::int64_t kNow = 1'764'059'400'123'456;  // 2025-11-25T08:30:00.123456Z

Date Day(int y, int m, int d) { return Must(Date::FromYmd(y, m, d)); }

// Equal as bits, so 0.1 + 0.2 and 0.3 differ and -0.0 differs from 0.0.
#define EXPECT_SAME_DOUBLE(want, got)                                             \
  EXPECT_EQ(std::bit_cast<std::uint64_t>(static_cast<double>(want)),              \
            std::bit_cast<std::uint64_t>(static_cast<double>(got)))               \
      << "want " << testing::PrintToString(static_cast<double>(want)) << ", got " \
      << testing::PrintToString(static_cast<double>(got))

// --- the fixture ------------------------------------------------------------------------------

class SourcingContract : public ScratchDatabaseTest {
 protected:
  void SetUp() override {
    OpenScratch("xb_sourcing_");
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

  // --- sample data ---

  static PriceListEntry Price(TenantId tenant, std::int64_t supplier, std::int64_t sku) {
    PriceListEntry e;
    e.tenant_id = tenant;
    e.supplier_id = supplier;
    e.sku_id = sku;
    e.currency = "AUD";
    e.unit_price_minor = 2'350;
    e.min_order_qty = 48;
    e.lead_time_days = {{TransportMode::kSea, 35}};
    e.valid_from = Day(2026, 1, 1);
    e.version = 1;
    e.created_at = Timestamp::FromMicros(kNow);
    e.updated_at = Timestamp::FromMicros(kNow);
    return e;
  }

  static PurchaseOrder Order(TenantId tenant, std::string code, std::int64_t supplier,
                             Date ordered) {
    PurchaseOrder po;
    po.tenant_id = tenant;
    po.code = std::move(code);
    po.supplier_id = supplier;
    po.warehouse_id = 7;
    po.transport_mode = TransportMode::kAir;
    po.currency = "AUD";
    po.order_date = ordered;
    po.expected_date = ordered.AddDays(14);
    po.lines = {{1, 101, 480, 2'350, 2'400, 0, 0, 0}, {2, 102, 96, 11'990, std::nullopt, 0, 0, 0}};
    po.version = 1;
    po.created_at = Timestamp::FromMicros(kNow);
    po.updated_at = Timestamp::FromMicros(kNow);
    return po;
  }

  static GoodsReceipt Receipt(const PurchaseOrder& po, Date on) {
    GoodsReceipt r;
    r.tenant_id = po.tenant_id;
    r.purchase_order_id = po.id.value();
    r.received_on = on;
    r.lines = {{1, 480, 470, 10, "carton crushed / 外箱破损"}};
    r.actor = "key:wh-ops";
    r.created_at = Timestamp::FromMicros(kNow);
    return r;
  }

  // The paper's tree with AHP-derived first-level weights: numbers with every digit in use.
  static TreeVersion Tree(TenantId tenant, int version_no, TreeStatus status) {
    TreeVersion v;
    v.tenant_id = tenant;
    v.name = "Evaluation " + std::to_string(version_no);
    v.version_no = version_no;
    v.tree = suppliers::PaperTemplate();
    const suppliers::ComparisonMatrix m = {{1, 3, 2, 1, 5, 7},
                                           {1.0 / 3, 1, 0.5, 1.0 / 3, 2, 3},
                                           {0.5, 2, 1, 0.5, 3, 5},
                                           {1, 3, 2, 1, 5, 7},
                                           {0.2, 0.5, 1.0 / 3, 0.2, 1, 2},
                                           {1.0 / 7, 1.0 / 3, 0.2, 1.0 / 7, 0.5, 1}};
    MustOk(suppliers::ApplyJudgements(v, "root", m, suppliers::RiTable::kAlonso));
    v.status = status;
    v.created_by = "key:buyer";
    v.created_at = Timestamp::FromMicros(kNow);
    if (status == TreeStatus::kActive) v.activated_at = Timestamp::FromMicros(kNow + 1);
    v.version = 1;
    return v;
  }

  static IndicatorScore Score(const TreeVersion& tree, std::int64_t supplier, std::string period,
                              std::string indicator, double value) {
    IndicatorScore s;
    s.tenant_id = tree.tenant_id;
    s.supplier_id = supplier;
    s.tree_version_id = tree.id;
    s.period = std::move(period);
    s.indicator = std::move(indicator);
    s.score = value;
    s.evaluator = "key:evaluator";
    s.at = Timestamp::FromMicros(kNow);
    return s;
  }

  // --- shorthand ---

  PurchaseOrder InsertOrder(const PurchaseOrder& po) {
    auto tx = Write();
    auto stored = Must(tx->procurement().InsertOrder(po));
    MustOk(tx->Commit());
    return stored;
  }

  TreeVersion InsertTree(const TreeVersion& v) {
    auto tx = Write();
    auto stored = Must(tx->evaluation().InsertTree(v));
    MustOk(tx->Commit());
    return stored;
  }

  TenantId alpha_;
  TenantId beta_;
};

void ExpectSamePrice(const PriceListEntry& want, const PriceListEntry& got) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.supplier_id, want.supplier_id);
  EXPECT_EQ(got.sku_id, want.sku_id);
  EXPECT_EQ(got.currency, want.currency);
  EXPECT_EQ(got.unit_price_minor, want.unit_price_minor);
  EXPECT_EQ(got.min_order_qty, want.min_order_qty);
  EXPECT_EQ(got.lead_time_days, want.lead_time_days);
  EXPECT_EQ(got.valid_from, want.valid_from);
  EXPECT_EQ(got.valid_to, want.valid_to);
  EXPECT_EQ(got.active, want.active);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

void ExpectSameOrder(const PurchaseOrder& want, const PurchaseOrder& got) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.supplier_id, want.supplier_id);
  EXPECT_EQ(got.warehouse_id, want.warehouse_id);
  EXPECT_EQ(got.transport_mode, want.transport_mode);
  EXPECT_EQ(got.currency, want.currency);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.order_date, want.order_date);
  EXPECT_EQ(got.expected_date, want.expected_date);
  EXPECT_EQ(got.at_order.score.has_value(), want.at_order.score.has_value());
  if (got.at_order.score && want.at_order.score) {
    EXPECT_SAME_DOUBLE(*want.at_order.score, *got.at_order.score);
  }
  EXPECT_EQ(got.at_order.band, want.at_order.band);
  EXPECT_EQ(got.at_order.rank, want.at_order.rank);
  EXPECT_EQ(got.at_order.candidates, want.at_order.candidates);
  EXPECT_EQ(got.at_order.warned, want.at_order.warned);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  ASSERT_EQ(got.lines.size(), want.lines.size());
  for (std::size_t i = 0; i < want.lines.size(); ++i) {
    const PoLine& w = want.lines[i];
    const PoLine& g = got.lines[i];
    EXPECT_EQ(g.line_no, w.line_no) << "line " << i;
    EXPECT_EQ(g.sku_id, w.sku_id) << "line " << i;
    EXPECT_EQ(g.quantity, w.quantity) << "line " << i;
    EXPECT_EQ(g.unit_price_minor, w.unit_price_minor) << "line " << i;
    EXPECT_EQ(g.quoted_price_minor, w.quoted_price_minor) << "line " << i;
    EXPECT_EQ(g.received_qty, w.received_qty) << "line " << i;
    EXPECT_EQ(g.accepted_qty, w.accepted_qty) << "line " << i;
    EXPECT_EQ(g.rejected_qty, w.rejected_qty) << "line " << i;
  }
}

void ExpectSameReceipt(const GoodsReceipt& want, const GoodsReceipt& got) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.purchase_order_id, want.purchase_order_id);
  EXPECT_EQ(got.received_on, want.received_on);
  EXPECT_EQ(got.actor, want.actor);
  EXPECT_EQ(got.created_at, want.created_at);
  ASSERT_EQ(got.lines.size(), want.lines.size());
  for (std::size_t i = 0; i < want.lines.size(); ++i) {
    EXPECT_EQ(got.lines[i].line_no, want.lines[i].line_no);
    EXPECT_EQ(got.lines[i].received_qty, want.lines[i].received_qty);
    EXPECT_EQ(got.lines[i].accepted_qty, want.lines[i].accepted_qty);
    EXPECT_EQ(got.lines[i].rejected_qty, want.lines[i].rejected_qty);
    EXPECT_EQ(got.lines[i].reason, want.lines[i].reason);
  }
}

void ExpectSameTree(const TreeVersion& want, const TreeVersion& got) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.version_no, want.version_no);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.activated_at, want.activated_at);
  EXPECT_EQ(got.version, want.version);
  ASSERT_EQ(got.tree.indicators.size(), want.tree.indicators.size());
  for (std::size_t i = 0; i < want.tree.indicators.size(); ++i) {
    const auto& w = want.tree.indicators[i];
    const auto& g = got.tree.indicators[i];
    EXPECT_EQ(g.code, w.code);
    EXPECT_EQ(g.name, w.name);
    ASSERT_EQ(g.weight.has_value(), w.weight.has_value()) << w.code;
    if (w.weight) {
      EXPECT_SAME_DOUBLE(*w.weight, *g.weight) << w.code;
    }
    ASSERT_EQ(g.children.size(), w.children.size()) << w.code;
    for (std::size_t j = 0; j < w.children.size(); ++j) {
      const auto& wc = w.children[j];
      const auto& gc = g.children[j];
      EXPECT_EQ(gc.code, wc.code);
      EXPECT_EQ(gc.name, wc.name);
      ASSERT_EQ(gc.weight.has_value(), wc.weight.has_value()) << wc.code;
      if (wc.weight) {
        EXPECT_SAME_DOUBLE(*wc.weight, *gc.weight) << wc.code;
      }
      EXPECT_EQ(gc.direction, wc.direction) << wc.code;
      EXPECT_SAME_DOUBLE(wc.scale_min, gc.scale_min) << wc.code;
      EXPECT_SAME_DOUBLE(wc.scale_max, gc.scale_max) << wc.code;
    }
  }
  ASSERT_EQ(got.judgements.size(), want.judgements.size());
  for (std::size_t i = 0; i < want.judgements.size(); ++i) {
    const auto& w = want.judgements[i];
    const auto& g = got.judgements[i];
    EXPECT_EQ(g.node, w.node);
    EXPECT_EQ(g.ri_table, w.ri_table);
    EXPECT_SAME_DOUBLE(w.cr, g.cr);
    EXPECT_SAME_DOUBLE(w.lambda_max, g.lambda_max);
    ASSERT_EQ(g.matrix.size(), w.matrix.size());
    for (std::size_t r = 0; r < w.matrix.size(); ++r) {
      ASSERT_EQ(g.matrix[r].size(), w.matrix[r].size());
      for (std::size_t c = 0; c < w.matrix[r].size(); ++c) {
        EXPECT_SAME_DOUBLE(w.matrix[r][c], g.matrix[r][c]) << "cell " << r << "," << c;
      }
    }
  }
}

std::vector<std::string> Codes(const std::vector<PurchaseOrder>& orders) {
  std::vector<std::string> out;
  for (const auto& po : orders) out.push_back(po.code);
  return out;
}

// --- price list -------------------------------------------------------------------------------

TEST_P(SourcingContract, PriceEntryReadsBackFieldForField) {
  PriceListEntry full = Price(alpha_, 11, 101);
  full.lead_time_days = {{TransportMode::kAir, 5},
                         {TransportMode::kSea, 42},
                         {TransportMode::kExpress, 3},
                         {TransportMode::kRail, 21},
                         {TransportMode::kRoad, 9}};
  full.valid_to = Day(2026, 12, 31);
  full.active = false;
  full.unit_price_minor = std::numeric_limits<std::int64_t>::max();
  PriceListEntry plain = Price(alpha_, 11, 102);
  {
    auto tx = Write();
    full = Must(tx->procurement().InsertPrice(full));
    plain = Must(tx->procurement().InsertPrice(plain));
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(full.id.assigned());
  EXPECT_NE(full.id, plain.id);

  auto rd = Read();
  ExpectSamePrice(full, Must(rd->procurement().GetPrice(alpha_, full.id)));
  ExpectSamePrice(plain, Must(rd->procurement().GetPrice(alpha_, plain.id)));
  EXPECT_EQ(rd->procurement().GetPrice(beta_, full.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(
      rd->procurement().GetPrice(alpha_, procurement::PriceListEntryId(999'999)).status().code(),
      ErrorCode::kNotFound);
}

TEST_P(SourcingContract, PriceUpdateIsOptimisticAndRewritesTheEntry) {
  PriceListEntry e = Price(alpha_, 11, 101);
  e.lead_time_days = {{TransportMode::kAir, 5}, {TransportMode::kSea, 42}};
  {
    auto tx = Write();
    e = Must(tx->procurement().InsertPrice(e));
    MustOk(tx->Commit());
  }
  PriceListEntry changed = e;
  changed.unit_price_minor = 2'199;
  changed.lead_time_days = {{TransportMode::kRail, 18}};
  changed.valid_to = Day(2026, 6, 30);
  changed.version = 2;
  changed.updated_at = Timestamp::FromMicros(kNow + 5);
  {
    auto tx = Write();
    MustOk(tx->procurement().UpdatePrice(changed, 1));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    PriceListEntry stale = changed;
    stale.version = 2;
    EXPECT_EQ(tx->procurement().UpdatePrice(stale, 1).code(), ErrorCode::kConflict);
    PriceListEntry foreign = changed;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->procurement().UpdatePrice(foreign, 2).code(), ErrorCode::kNotFound);
  }
  ExpectSamePrice(changed, Must(Read()->procurement().GetPrice(alpha_, e.id)));
}

TEST_P(SourcingContract, ListPricesFiltersCountsAndPages) {
  {
    auto tx = Write();
    auto add = [&](TenantId t, std::int64_t supplier, std::int64_t sku, Date from,
                   std::optional<Date> to, bool active) {
      PriceListEntry e = Price(t, supplier, sku);
      e.valid_from = from;
      e.valid_to = to;
      e.active = active;
      return Must(tx->procurement().InsertPrice(e)).id;
    };
    add(alpha_, 11, 101, Day(2026, 1, 1), Day(2026, 3, 31), true);  // 1
    add(alpha_, 11, 101, Day(2026, 4, 1), std::nullopt, true);      // 2
    add(alpha_, 12, 101, Day(2026, 1, 1), std::nullopt, false);     // 3
    add(alpha_, 12, 102, Day(2026, 2, 1), Day(2026, 2, 28), true);  // 4
    add(beta_, 11, 101, Day(2026, 1, 1), std::nullopt, true);       // other tenant
    MustOk(tx->Commit());
  }
  auto rd = Read();
  auto list = [&](PriceListQuery q) {
    auto [items, total] = Must(rd->procurement().ListPrices(alpha_, q));
    std::vector<std::pair<std::int64_t, std::int64_t>> keys;
    for (const auto& e : items) {
      EXPECT_EQ(e.tenant_id, alpha_);
      keys.emplace_back(e.supplier_id, e.valid_from.days());
    }
    return std::make_pair(keys, total);
  };
  EXPECT_EQ(list({}).second, 3) << "active only by default";
  PriceListQuery all;
  all.include_inactive = true;
  EXPECT_EQ(list(all).second, 4);
  PriceListQuery by_sku;
  by_sku.sku_id = 101;
  by_sku.include_inactive = true;
  EXPECT_EQ(list(by_sku).second, 3);
  PriceListQuery by_supplier;
  by_supplier.supplier_id = 12;
  EXPECT_EQ(list(by_supplier).second, 1);

  // valid_on is inclusive at both ends and open-ended without valid_to.
  PriceListQuery on;
  on.valid_on = Day(2026, 3, 31);
  EXPECT_EQ(list(on).second, 1);
  on.valid_on = Day(2026, 4, 1);
  EXPECT_EQ(list(on).second, 1);
  on.valid_on = Day(2030, 1, 1);
  EXPECT_EQ(list(on).second, 1);
  on.valid_on = Day(2026, 2, 28);
  EXPECT_EQ(list(on).second, 2);
  on.valid_on = Day(2025, 12, 31);
  EXPECT_EQ(list(on).second, 0);

  // Pages in id order, the total counting every match.
  PriceListQuery page;
  page.include_inactive = true;
  page.limit = 2;
  page.offset = 1;
  const auto [keys, total] = list(page);
  EXPECT_EQ(total, 4);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].first, 11);
  EXPECT_EQ(keys[0].second, Day(2026, 4, 1).days());
  EXPECT_EQ(keys[1].first, 12);
}

// --- purchase orders --------------------------------------------------------------------------

TEST_P(SourcingContract, OrderReadsBackWithLinesAndTheStandingAtOrder) {
  PurchaseOrder po = Order(alpha_, "PO-2026-0001", 11, Day(2026, 3, 2));
  po.status = PoStatus::kConfirmed;
  po.at_order.score = 0.1 + 0.2;  // 0.30000000000000004
  po.at_order.band = "preferred";
  po.at_order.rank = 1;
  po.at_order.candidates = 3;
  po.at_order.warned = true;
  // Given out of order; read back by line number.
  std::swap(po.lines[0], po.lines[1]);
  po = InsertOrder(po);
  EXPECT_TRUE(po.id.assigned());
  PurchaseOrder bare = InsertOrder(Order(alpha_, "PO-2026-0002", 11, Day(2026, 3, 2)));

  auto rd = Read();
  const PurchaseOrder got = Must(rd->procurement().GetOrder(alpha_, po.id));
  ASSERT_EQ(got.lines.size(), 2u);
  EXPECT_EQ(got.lines[0].line_no, 1);
  ExpectSameOrder(po, got);
  const PurchaseOrder got_bare = Must(rd->procurement().GetOrder(alpha_, bare.id));
  ExpectSameOrder(bare, got_bare);
  EXPECT_FALSE(got_bare.at_order.score.has_value());
  EXPECT_FALSE(got_bare.at_order.rank.has_value());
  EXPECT_EQ(got_bare.TotalMinor(), bare.TotalMinor());
  EXPECT_EQ(rd->procurement().GetOrder(beta_, po.id).status().code(), ErrorCode::kNotFound);
}

TEST_P(SourcingContract, DuplicateOrderCodeIsAlreadyExistsWithinATenantOnly) {
  InsertOrder(Order(alpha_, "PO-1", 11, Day(2026, 3, 2)));
  {
    auto tx = Write();
    auto dup = tx->procurement().InsertOrder(Order(alpha_, "PO-1", 12, Day(2026, 3, 3)));
    EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.status().field(), "code");
  }
  InsertOrder(Order(beta_, "PO-1", 11, Day(2026, 3, 2)));
  // Renaming an order onto a code in use is refused too.
  PurchaseOrder second = InsertOrder(Order(alpha_, "PO-2", 11, Day(2026, 3, 2)));
  second.code = "PO-1";
  second.version = 2;
  auto tx = Write();
  EXPECT_EQ(tx->procurement().UpdateOrder(second, 1).code(), ErrorCode::kAlreadyExists);
}

TEST_P(SourcingContract, UpdateOrderReplacesTheLinesAndIsOptimistic) {
  PurchaseOrder po = InsertOrder(Order(alpha_, "PO-7", 11, Day(2026, 3, 2)));
  PurchaseOrder next = po;
  next.status = PoStatus::kPartlyReceived;
  next.lines = {{1, 101, 480, 2'350, 2'400, 300, 290, 10}};
  next.at_order.score = 61.25;
  next.at_order.band = "approved";
  next.version = 2;
  next.updated_at = Timestamp::FromMicros(kNow + 9);
  {
    auto tx = Write();
    MustOk(tx->procurement().UpdateOrder(next, 1));
    MustOk(tx->Commit());
  }
  ExpectSameOrder(next, Must(Read()->procurement().GetOrder(alpha_, po.id)));

  // Lines can grow again; a stale version changes nothing.
  PurchaseOrder grown = next;
  grown.lines.push_back({2, 103, 12, 990, std::nullopt, 0, 0, 0});
  grown.version = 3;
  {
    auto tx = Write();
    EXPECT_EQ(tx->procurement().UpdateOrder(grown, 1).code(), ErrorCode::kConflict);
  }
  {
    auto tx = Write();
    PurchaseOrder foreign = grown;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->procurement().UpdateOrder(foreign, 2).code(), ErrorCode::kNotFound);
  }
  ExpectSameOrder(next, Must(Read()->procurement().GetOrder(alpha_, po.id)));
  {
    auto tx = Write();
    MustOk(tx->procurement().UpdateOrder(grown, 2));
    MustOk(tx->Commit());
  }
  ExpectSameOrder(grown, Must(Read()->procurement().GetOrder(alpha_, po.id)));
}

TEST_P(SourcingContract, AnUncommittedOrderIsDiscarded) {
  {
    auto tx = Write();
    Must(tx->procurement().InsertOrder(Order(alpha_, "PO-GONE", 11, Day(2026, 3, 2))));
  }
  auto [items, total] = Must(Read()->procurement().ListOrders(alpha_, {}));
  EXPECT_EQ(total, 0);
  EXPECT_TRUE(items.empty());
  InsertOrder(Order(alpha_, "PO-GONE", 11, Day(2026, 3, 2)));  // the code is free again
}

TEST_P(SourcingContract, ListOrdersFiltersNewestFirstWithLines) {
  auto add = [&](std::string code, std::int64_t supplier, Date day, PoStatus status,
                 std::int64_t warehouse = 7) {
    PurchaseOrder po = Order(alpha_, std::move(code), supplier, day);
    po.status = status;
    po.warehouse_id = warehouse;
    return InsertOrder(po);
  };
  add("A", 11, Day(2026, 1, 10), PoStatus::kReceived);
  add("B", 12, Day(2026, 2, 10), PoStatus::kConfirmed);
  add("C", 11, Day(2026, 2, 10), PoStatus::kConfirmed, 8);
  add("D", 11, Day(2026, 3, 10), PoStatus::kDraft);
  InsertOrder(Order(beta_, "E", 11, Day(2026, 3, 10)));

  auto rd = Read();
  auto codes = [&](PurchaseOrderQuery q) {
    auto [items, total] = Must(rd->procurement().ListOrders(alpha_, q));
    for (const auto& po : items) EXPECT_EQ(po.lines.size(), 2u) << po.code;
    return std::make_pair(Codes(items), total);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(codes({}).first, (V{"D", "C", "B", "A"}));
  PurchaseOrderQuery q;
  q.supplier_id = 11;
  EXPECT_EQ(codes(q).first, (V{"D", "C", "A"}));
  q = {};
  q.status = PoStatus::kConfirmed;
  EXPECT_EQ(codes(q).first, (V{"C", "B"}));
  q = {};
  q.warehouse_id = 8;
  EXPECT_EQ(codes(q).first, (V{"C"}));
  q = {};
  q.ordered_from = Day(2026, 2, 10);
  q.ordered_to = Day(2026, 3, 9);
  EXPECT_EQ(codes(q).first, (V{"C", "B"})) << "both ends inclusive";
  q = {};
  q.limit = 2;
  q.offset = 1;
  const auto [page, total] = codes(q);
  EXPECT_EQ(page, (V{"C", "B"}));
  EXPECT_EQ(total, 4);
}

// --- goods receipts ---------------------------------------------------------------------------

TEST_P(SourcingContract, ReceiptsReadBackAndFilterByOrderSupplierAndDate) {
  const PurchaseOrder a = InsertOrder(Order(alpha_, "PO-A", 11, Day(2026, 3, 1)));
  const PurchaseOrder b = InsertOrder(Order(alpha_, "PO-B", 12, Day(2026, 3, 1)));
  const PurchaseOrder foreign = InsertOrder(Order(beta_, "PO-A", 11, Day(2026, 3, 1)));
  GoodsReceipt r1 = Receipt(a, Day(2026, 3, 20));
  GoodsReceipt r2 = Receipt(a, Day(2026, 3, 25));
  r2.lines = {{2, 96, 96, 0, ""}, {1, 5, 5, 0, ""}};
  GoodsReceipt r3 = Receipt(b, Day(2026, 3, 22));
  {
    auto tx = Write();
    r2 = Must(tx->procurement().InsertReceipt(r2));
    r1 = Must(tx->procurement().InsertReceipt(r1));
    r3 = Must(tx->procurement().InsertReceipt(r3));
    Must(tx->procurement().InsertReceipt(Receipt(foreign, Day(2026, 3, 21))));
    // An order of another tenant, or none at all, takes no receipt.
    GoodsReceipt stray = Receipt(foreign, Day(2026, 3, 21));
    stray.tenant_id = alpha_;
    stray.purchase_order_id = foreign.id.value() + 1000;
    EXPECT_EQ(tx->procurement().InsertReceipt(stray).status().code(), ErrorCode::kNotFound);
    GoodsReceipt cross = Receipt(foreign, Day(2026, 3, 21));
    cross.tenant_id = alpha_;
    EXPECT_EQ(tx->procurement().InsertReceipt(cross).status().code(), ErrorCode::kNotFound);
    MustOk(tx->Commit());
  }
  EXPECT_EQ(r2.lines.front().line_no, 1) << "lines come back in line order";

  auto rd = Read();
  auto ids = [&](std::optional<std::int64_t> order, std::optional<std::int64_t> supplier,
                 std::optional<Date> from, std::optional<Date> to) {
    std::vector<std::int64_t> out;
    for (const auto& r : Must(rd->procurement().ListReceipts(alpha_, order, supplier, from, to))) {
      EXPECT_EQ(r.tenant_id, alpha_);
      out.push_back(r.id.value());
    }
    return out;
  };
  using V = std::vector<std::int64_t>;
  // In the order goods arrived.
  EXPECT_EQ(ids({}, {}, {}, {}), (V{r1.id.value(), r3.id.value(), r2.id.value()}));
  EXPECT_EQ(ids(a.id.value(), {}, {}, {}), (V{r1.id.value(), r2.id.value()}));
  EXPECT_EQ(ids({}, 12, {}, {}), (V{r3.id.value()}));
  EXPECT_EQ(ids({}, 11, Day(2026, 3, 21), {}), (V{r2.id.value()}));
  EXPECT_EQ(ids({}, {}, Day(2026, 3, 22), Day(2026, 3, 25)), (V{r3.id.value(), r2.id.value()}));
  EXPECT_EQ(ids({}, {}, {}, Day(2026, 3, 20)), (V{r1.id.value()}));
  EXPECT_EQ(ids(b.id.value(), 11, {}, {}), V{});

  const auto all = Must(rd->procurement().ListReceipts(alpha_, a.id.value(), {}, {}, {}));
  ASSERT_EQ(all.size(), 2u);
  ExpectSameReceipt(r1, all[0]);
  ExpectSameReceipt(r2, all[1]);
}

// --- indicator tree versions ------------------------------------------------------------------

TEST_P(SourcingContract, TreeVersionReadsBackBitForBit) {
  TreeVersion v = Tree(alpha_, 1, TreeStatus::kActive);
  ASSERT_FALSE(v.judgements.empty());
  v.tree.indicators[0].children[0].weight = std::nullopt;  // weights may be pending in a draft
  v.tree.indicators[1].children[0].scale_min = -0.125;
  v.tree.indicators[1].children[0].scale_max = 1e-7;
  v.tree.indicators[2].name = "成本 \"cost\" \\ status";
  v = InsertTree(v);
  EXPECT_TRUE(v.id.assigned());
  auto rd = Read();
  ExpectSameTree(v, Must(rd->evaluation().GetTree(alpha_, v.id)));
  EXPECT_EQ(rd->evaluation().GetTree(beta_, v.id).status().code(), ErrorCode::kNotFound);
}

TEST_P(SourcingContract, OneActiveTreePerTenantAndVersionNumbersAreUnique) {
  TreeVersion first = InsertTree(Tree(alpha_, 1, TreeStatus::kActive));
  TreeVersion draft = InsertTree(Tree(alpha_, 2, TreeStatus::kDraft));
  InsertTree(Tree(beta_, 1, TreeStatus::kActive));  // another tenant has its own
  {
    auto tx = Write();
    EXPECT_EQ(tx->evaluation().InsertTree(Tree(alpha_, 2, TreeStatus::kDraft)).status().code(),
              ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    EXPECT_EQ(tx->evaluation().InsertTree(Tree(alpha_, 3, TreeStatus::kActive)).status().code(),
              ErrorCode::kAlreadyExists);
  }
  {
    auto tx = Write();
    TreeVersion activated = draft;
    activated.status = TreeStatus::kActive;
    activated.version = 2;
    EXPECT_EQ(tx->evaluation().UpdateTree(activated, 1).code(), ErrorCode::kAlreadyExists);
  }
  {
    const auto active = Must(Read()->evaluation().ActiveTree(alpha_));
    ASSERT_TRUE(active.has_value());
    EXPECT_EQ(active->id, first.id);
  }

  // Retiring the active version first lets the draft take its place in the same transaction.
  TreeVersion retired = first;
  retired.status = TreeStatus::kRetired;
  retired.version = 2;
  TreeVersion activated = draft;
  activated.status = TreeStatus::kActive;
  activated.activated_at = Timestamp::FromMicros(kNow + 60);
  activated.version = 2;
  {
    auto tx = Write();
    MustOk(tx->evaluation().UpdateTree(retired, 1));
    MustOk(tx->evaluation().UpdateTree(activated, 1));
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const auto active = Must(rd->evaluation().ActiveTree(alpha_));
  ASSERT_TRUE(active.has_value());
  ExpectSameTree(activated, *active);
  const auto trees = Must(rd->evaluation().ListTrees(alpha_));
  ASSERT_EQ(trees.size(), 2u);
  ExpectSameTree(retired, trees[0]);
  ExpectSameTree(activated, trees[1]);
}

TEST_P(SourcingContract, TreeWithoutAnActiveVersionHasNone) {
  InsertTree(Tree(alpha_, 1, TreeStatus::kDraft));
  auto rd = Read();
  EXPECT_FALSE(Must(rd->evaluation().ActiveTree(alpha_)).has_value());
  EXPECT_TRUE(Must(rd->evaluation().ListTrees(beta_)).empty());
}

TEST_P(SourcingContract, UpdateTreeIsOptimisticAndKeepsItsAuthor) {
  TreeVersion v = InsertTree(Tree(alpha_, 1, TreeStatus::kDraft));
  TreeVersion edited = v;
  edited.name = "Evaluation 2026";
  edited.tree.indicators[0].weight = 0.3;
  edited.tree.indicators[1].weight = 0.05;
  edited.judgements.clear();
  edited.created_by = "someone else";
  edited.version = 2;
  {
    auto tx = Write();
    MustOk(tx->evaluation().UpdateTree(edited, 1));
    MustOk(tx->Commit());
  }
  {
    auto tx = Write();
    EXPECT_EQ(tx->evaluation().UpdateTree(edited, 1).code(), ErrorCode::kConflict);
    TreeVersion foreign = edited;
    foreign.tenant_id = beta_;
    EXPECT_EQ(tx->evaluation().UpdateTree(foreign, 2).code(), ErrorCode::kNotFound);
  }
  edited.created_by = v.created_by;
  ExpectSameTree(edited, Must(Read()->evaluation().GetTree(alpha_, v.id)));
}

// --- scores -----------------------------------------------------------------------------------

TEST_P(SourcingContract, UpsertScoreInsertsThenReplaces) {
  const TreeVersion tree = InsertTree(Tree(alpha_, 1, TreeStatus::kActive));
  IndicatorScore s = Score(tree, 11, "2026-Q1", "on_time_rate", 91.5);
  {
    auto tx = Write();
    MustOk(tx->evaluation().UpsertScore(s));
    MustOk(tx->Commit());
  }
  s.score = 1.0 / 3;
  s.source = ScoreSource::kComputed;
  s.evaluator = "system";
  s.note = "from 12 receipts";
  s.at = Timestamp::FromMicros(kNow + 1);
  {
    auto tx = Write();
    MustOk(tx->evaluation().UpsertScore(s));
    MustOk(tx->Commit());
  }
  const auto got = Must(Read()->evaluation().ListScores(alpha_, tree.id, {}, {}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].tenant_id, alpha_);
  EXPECT_EQ(got[0].tree_version_id, tree.id);
  EXPECT_EQ(got[0].supplier_id, 11);
  EXPECT_EQ(got[0].period, "2026-Q1");
  EXPECT_EQ(got[0].indicator, "on_time_rate");
  EXPECT_SAME_DOUBLE(s.score, got[0].score);
  EXPECT_EQ(got[0].source, ScoreSource::kComputed);
  EXPECT_EQ(got[0].evaluator, "system");
  EXPECT_EQ(got[0].note, s.note);
  EXPECT_EQ(got[0].at, s.at);
}

TEST_P(SourcingContract, ScoresNeedATreeOfTheirTenant) {
  const TreeVersion tree = InsertTree(Tree(alpha_, 1, TreeStatus::kActive));
  auto tx = Write();
  IndicatorScore s = Score(tree, 11, "2026-Q1", "on_time_rate", 50);
  s.tenant_id = beta_;
  EXPECT_EQ(tx->evaluation().UpsertScore(s).code(), ErrorCode::kNotFound);
  s.tenant_id = alpha_;
  s.tree_version_id = TreeVersionId(tree.id.value() + 1000);
  EXPECT_EQ(tx->evaluation().UpsertScore(s).code(), ErrorCode::kNotFound);
}

TEST_P(SourcingContract, ListScoresFiltersAndSortsBySupplierPeriodIndicator) {
  const TreeVersion tree = InsertTree(Tree(alpha_, 1, TreeStatus::kActive));
  const TreeVersion other = InsertTree(Tree(alpha_, 2, TreeStatus::kDraft));
  {
    auto tx = Write();
    for (const auto& s :
         {Score(tree, 12, "2026-Q1", "fill_rate", 1), Score(tree, 11, "2026-Q2", "fill_rate", 2),
          Score(tree, 11, "2026-Q1", "on_time_rate", 3), Score(tree, 11, "2026-Q1", "fill_rate", 4),
          Score(tree, 11, "2026-11", "Zeta", 5), Score(other, 11, "2026-Q1", "fill_rate", 6)}) {
      MustOk(tx->evaluation().UpsertScore(s));
    }
    MustOk(tx->Commit());
  }
  auto rd = Read();
  auto values = [&](std::optional<std::int64_t> supplier, std::optional<std::string> period) {
    std::vector<double> out;
    for (const auto& s : Must(rd->evaluation().ListScores(alpha_, tree.id, supplier, period))) {
      out.push_back(s.score);
    }
    return out;
  };
  using V = std::vector<double>;
  // Bytewise order of text: "2026-11" < "2026-Q1", "Zeta" < "fill_rate".
  EXPECT_EQ(values({}, {}), (V{5, 4, 3, 2, 1}));
  EXPECT_EQ(values(11, {}), (V{5, 4, 3, 2}));
  EXPECT_EQ(values({}, "2026-Q1"), (V{4, 3, 1}));
  EXPECT_EQ(values(12, "2026-Q2"), V{});
  EXPECT_TRUE(Must(rd->evaluation().ListScores(beta_, tree.id, {}, {})).empty());
}

TEST_P(SourcingContract, ScoresAndTotalsAreIdenticalToTheLastDigit) {
  const TreeVersion tree = InsertTree(Tree(alpha_, 1, TreeStatus::kActive));
  std::mt19937_64 rng(20'260'301);
  std::uniform_real_distribution<double> dist(0, 100);
  std::map<std::int64_t, std::map<std::string, double>> entered;
  {
    auto tx = Write();
    for (std::int64_t supplier = 1; supplier <= 20; ++supplier) {
      for (const auto& ind : tree.tree.indicators) {
        for (const auto& sub : ind.children) {
          // Random doubles use all 17 digits; a few edge values stress the text round trip.
          double v = dist(rng);
          if (supplier == 1) v = 0.1 + 0.2;
          if (supplier == 2) v = 100.0 - 1e-13;
          if (supplier == 3) v = std::nextafter(50.0, 100.0);
          if (supplier == 4) v = 5e-324;
          entered[supplier][sub.code] = v;
          MustOk(tx->evaluation().UpsertScore(Score(tree, supplier, "2026-Q1", sub.code, v)));
        }
      }
    }
    MustOk(tx->Commit());
  }
  auto rd = Read();
  const TreeVersion stored = Must(rd->evaluation().GetTree(alpha_, tree.id));
  std::map<std::int64_t, std::map<std::string, double>> read;
  for (const auto& s : Must(rd->evaluation().ListScores(alpha_, tree.id, {}, "2026-Q1"))) {
    read[s.supplier_id][s.indicator] = s.score;
  }
  ASSERT_EQ(read.size(), entered.size());
  for (const auto& [supplier, scores] : entered) {
    for (const auto& [code, v] : scores) {
      EXPECT_SAME_DOUBLE(v, read[supplier][code]) << "supplier " << supplier << " " << code;
    }
    const auto want = Must(suppliers::ScoreSupplier(tree.tree, scores));
    const auto got = Must(suppliers::ScoreSupplier(stored.tree, read[supplier]));
    ASSERT_TRUE(want.total.has_value());
    ASSERT_TRUE(got.total.has_value());
    EXPECT_SAME_DOUBLE(*want.total, *got.total) << "supplier " << supplier;
  }
}

// --- bands ------------------------------------------------------------------------------------

TEST_P(SourcingContract, BandsDefaultThenReplaceWholePerTenant) {
  const auto defaults = suppliers::DefaultBands();
  {
    const auto got = Must(Read()->evaluation().GetBands(alpha_));
    ASSERT_EQ(got.size(), defaults.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].name, defaults[i].name);
  }
  const std::vector<Band> mine = {{"strategic", 200.0 / 3, Consequence::kNone},
                                  {"blocked", 0, Consequence::kBlock},
                                  {"conditional", 0.1 + 0.2, Consequence::kWarn}};
  {
    auto tx = Write();
    MustOk(tx->evaluation().SetBands(alpha_, defaults));
    MustOk(tx->evaluation().SetBands(alpha_, mine));
    MustOk(tx->Commit());
  }
  auto check = [&](TenantId tenant, const std::vector<Band>& want) {
    const auto got = Must(Read()->evaluation().GetBands(tenant));
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].name, want[i].name);
      EXPECT_SAME_DOUBLE(want[i].min_score, got[i].min_score) << want[i].name;
      EXPECT_EQ(got[i].consequence, want[i].consequence) << want[i].name;
    }
  };
  check(alpha_, mine);
  check(beta_, defaults);
  {
    auto tx = Write();
    MustOk(tx->evaluation().SetBands(alpha_, {}));
    MustOk(tx->Commit());
  }
  check(alpha_, defaults);
}

INSTANTIATE_TEST_SUITE_P(Adapters, SourcingContract,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace xb::contract
