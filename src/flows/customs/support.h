// Pieces the customs use cases share: reading rules and master data through a transaction, the
// order's timeline, business events. Internal to flows/customs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/rules.h"
#include "domain/inventory/inventory.h"
#include "domain/orders/orders.h"
#include "domain/partners/partners.h"
#include "flows/store/unit_of_work.h"

namespace xb::customs_flow::internal {

// The platform's rules and the tenant's (no positive list: the customs flow does not need it).
Result<customs::RuleBook> LoadRuleBook(store::Transaction& tx, TenantId tenant);
// Every balance matching the query, all pages.
Result<std::vector<inventory::Balance>> AllBalances(store::Transaction& tx, TenantId tenant,
                                                    inventory::BalanceQuery query);
Result<std::vector<partners::Warehouse>> AllWarehouses(store::Transaction& tx, TenantId tenant);
Result<std::vector<partners::Bin>> BinsOf(store::Transaction& tx, TenantId tenant,
                                          std::int64_t warehouse_id);

// Moves the order to `to` when the state machine allows it; appends a timeline entry either way
// (the state entered, or "note"). Returns whether the state changed.
bool MoveOrder(orders::Order& order, orders::OrderState to, const std::string& detail, Timestamp at,
               std::vector<orders::OrderEvent>& timeline);
orders::OrderEvent Note(const orders::Order& order, const std::string& detail, Timestamp at);
// The state an order's customs answers put it in, from every declaration of the order (one per
// shipment): cancelled ones do not count; all rejected -> rejected; any on inspection hold ->
// inspection_hold; every one not rejected released (or returned) -> released; any answered
// (accepted, released) -> declared; else `current`. A rejected shipment drops out of a split
// order (its stock and quota are given back) and the order follows the others.
orders::OrderState OrderStateOf(orders::OrderState current,
                                std::span<const customs::DeclarationState> declarations);

// One business event; `payload` is a JSON object without personal data.
Status AppendEvent(store::Transaction& tx, TenantId tenant, std::string type, std::string entity,
                   std::int64_t entity_id, std::string actor, std::string request_id,
                   std::string payload, Timestamp at);

// Runs `attempt` again (up to 3 times) when it answers kConflict.
template <class F>
auto RetryOnConflict(F attempt) -> decltype(attempt()) {
  for (int i = 0;; ++i) {
    auto result = attempt();
    if (result.ok() || result.status().code() != ErrorCode::kConflict || i >= 2) return result;
  }
}

}  // namespace xb::customs_flow::internal
