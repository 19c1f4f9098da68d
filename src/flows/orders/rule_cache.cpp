#include "flows/orders/rule_cache.h"

#include <set>
#include <utility>
#include <vector>

namespace xb::orders_flow {

Result<customs::RuleBook> LoadRuleBook(store::Database& db, TenantId tenant) {
  XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  std::vector<customs::RuleRow> rules;
  std::vector<customs::PositiveListLine> lines;
  std::set<std::pair<std::int64_t, std::int64_t>> seen_rules;
  std::set<std::tuple<std::int64_t, std::string, std::int32_t>> seen_lines;
  // The store may answer a tenant's rows with the platform's or without: read both, once each.
  for (TenantId t : {TenantId(0), tenant}) {
    XB_ASSIGN_OR_RETURN(auto rows, tx->customs().ListRules(t));
    for (auto& r : rows) {
      if (seen_rules.emplace(r.tenant_id.value(), r.id.value()).second) {
        rules.push_back(std::move(r));
      }
    }
    XB_ASSIGN_OR_RETURN(auto listed, tx->customs().ListPositiveList(t));
    for (auto& l : listed) {
      if (seen_lines.emplace(l.tenant_id.value(), l.hs_code, l.valid_from.days()).second) {
        lines.push_back(std::move(l));
      }
    }
    if (tenant.value() == 0) break;
  }
  return customs::RuleBook(std::move(rules), std::move(lines));
}

Result<std::shared_ptr<const customs::RuleBook>> RuleCache::Get(TenantId tenant) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    auto it = books_.find(tenant.value());
    if (it != books_.end()) return it->second;
    generation = generation_;
  }
  XB_ASSIGN_OR_RETURN(auto book, LoadRuleBook(db_, tenant));
  auto shared = std::make_shared<const customs::RuleBook>(std::move(book));
  std::lock_guard lock(mu_);
  // A book read before an Invalidate may be stale: hand it out once but do not keep it.
  if (generation != generation_) return shared;
  auto [it, fresh] = books_.emplace(tenant.value(), shared);
  return it->second;
}

void RuleCache::Invalidate() {
  std::lock_guard lock(mu_);
  books_.clear();
  ++generation_;
}

}  // namespace xb::orders_flow
