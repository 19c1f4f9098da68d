// Test fixture of the sourcing use cases: a memory database with a fake clock, both services,
// principals of each role, and helpers that add master records, trees and scores.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "flows/sourcing/evaluation_service.h"
#include "flows/sourcing/procurement_service.h"

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::sourcing {

inline Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

// A fresh memory database (memory_fixture_test.cpp: the adapter is reached from test sources only).
std::unique_ptr<store::Database> NewTestDatabase();

class SourcingTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kTenant = 1;

  std::unique_ptr<store::Database> db_ = NewTestDatabase();
  // 2026-11-25T08:30:00Z
  FakeClock clock_{Timestamp::FromMicros(1'795'595'400'000'000)};
  EvaluationService eval_{*db_, clock_};
  ProcurementService proc_{*db_, clock_};

  SourcingTest() {
    // Tenants 1 (ours) and 2 (another).
    auto tx = Write();
    for (const char* code : {"alpha", "beta"}) {
      auto t = tx->tenants().Insert({TenantId(), code, code, true, clock_.Now()});
      EXPECT_TRUE(t.ok()) << t.status().ToString();
    }
    EXPECT_TRUE(tx->Commit().ok());
  }

  static access::Principal As(access::Role role, std::int64_t tenant = kTenant) {
    return {TenantId(tenant), access::ApiKeyId(7), role, "test key"};
  }
  static RequestContext Ctx(access::Role role = access::Role::kBuyer,
                            std::int64_t tenant = kTenant) {
    return {As(role, tenant), "req-1", std::nullopt, ""};
  }
  static access::Principal Reader() { return As(access::Role::kReadOnly); }

  std::unique_ptr<store::Transaction> Write() {
    auto tx = db_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return std::move(tx).value();
  }

  std::int64_t AddSupplier(const std::string& code, std::int64_t tenant = kTenant) {
    partners::Supplier s;
    s.tenant_id = TenantId(tenant);
    s.code = code;
    s.name = "Supplier " + code;
    s.country = "AU";
    s.currency = "AUD";
    s.version = 1;
    auto tx = Write();
    auto stored = tx->suppliers().Insert(s);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
  }

  std::int64_t AddSku(const std::string& code,
                      catalog::Category category = catalog::Category::kMaternalInfant,
                      std::int64_t tenant = kTenant) {
    catalog::Sku s;
    s.tenant_id = TenantId(tenant);
    s.code = code;
    s.name = "SKU " + code;
    s.category = category;
    s.hs_code = "1901101000";
    s.origin_country = "AU";
    s.version = 1;
    auto tx = Write();
    auto stored = tx->skus().Insert(s);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return stored->id.value();
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

  // An active tree from the paper's template.
  suppliers::TreeVersion ActiveTemplate() {
    auto tree = eval_.CreateTree(Ctx(), "Paper", "template");
    EXPECT_TRUE(tree.ok()) << tree.status().ToString();
    auto active = eval_.Activate(Ctx(), tree->id);
    EXPECT_TRUE(active.ok()) << active.status().ToString();
    return *active;
  }

  // Scores that make every normalised score `s` (lower-is-better ones entered as 100 - s), so
  // the total is `s`.
  static std::map<std::string, double> Uniform(const suppliers::TreeVersion& tree, double s) {
    std::map<std::string, double> out;
    for (const auto& ind : tree.tree.indicators) {
      for (const auto& sub : ind.children) {
        out[sub.code] = sub.direction == suppliers::Direction::kLowerIsBetter ? 100 - s : s;
      }
    }
    return out;
  }

  SupplierScorecard Score(std::int64_t supplier, const std::string& period,
                          std::map<std::string, double> scores,
                          std::optional<suppliers::TreeVersionId> tree = std::nullopt) {
    ScoreEntry e;
    e.supplier_id = supplier;
    e.period = period;
    e.tree_id = tree;
    e.scores = std::move(scores);
    auto card = eval_.EnterScores(Ctx(), e);
    EXPECT_TRUE(card.ok()) << card.status().ToString();
    return card.ok() ? *card : SupplierScorecard{};
  }

  std::int64_t AddPrice(std::int64_t supplier, std::int64_t sku, const std::string& price,
                        std::map<procurement::TransportMode, std::int64_t> lead =
                            {{procurement::TransportMode::kSea, 35},
                             {procurement::TransportMode::kAir, 7}},
                        std::int64_t moq = 1) {
    PriceDraft d;
    d.supplier_id = supplier;
    d.sku_id = sku;
    d.currency = "AUD";
    d.unit_price = price;
    d.min_order_qty = moq;
    d.lead_time_days = std::move(lead);
    d.valid_from = Day(2026, 1, 1);
    auto created = proc_.CreatePrice(Ctx(), d);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->record.id.value() : 0;
  }

  std::vector<events::BusinessEvent> Events(const std::string& type) {
    auto tx = db_->Begin(store::TxMode::kRead);
    events::EventQuery q;
    q.type = type;
    q.limit = 1000;
    auto list = (*tx)->events().List(TenantId(kTenant), q);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<events::BusinessEvent>{};
  }
};

}  // namespace xb::sourcing
