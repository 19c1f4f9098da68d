// The customs rule book of each tenant (the platform's rows, tenant 0, plus the tenant's own),
// read from the CustomsStore once and kept until invalidated. Whoever changes rules or the
// positive list calls Invalidate after the commit. Thread-safe; a book handed out stays valid
// (shared, immutable) after a reload.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/id.h"
#include "core/status.h"
#include "domain/customs/rules.h"
#include "flows/store/unit_of_work.h"

namespace xb::orders_flow {

class RuleCache {
 public:
  explicit RuleCache(store::Database& db) : db_(db) {}

  // The tenant's rule book, read from the store when not cached.
  Result<std::shared_ptr<const customs::RuleBook>> Get(TenantId tenant);
  // Forgets every cached book (rules of tenant 0 apply to all tenants).
  void Invalidate();

 private:
  store::Database& db_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::shared_ptr<const customs::RuleBook>> books_;
  std::uint64_t generation_ = 0;  // bumped by Invalidate
};

// Reads the rule book of `tenant` (platform rows and the tenant's own) in one read transaction.
Result<customs::RuleBook> LoadRuleBook(store::Database& db, TenantId tenant);

}  // namespace xb::orders_flow
