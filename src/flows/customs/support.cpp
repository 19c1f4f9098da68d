#include "flows/customs/support.h"

#include <utility>

#include "core/record.h"
#include "core/record_field.h"

namespace xb::customs_flow::internal {

Result<customs::RuleBook> LoadRuleBook(store::Transaction& tx, TenantId tenant) {
  XB_ASSIGN_OR_RETURN(auto rules, tx.customs().ListRules(tenant));
  return customs::RuleBook(std::move(rules), {});
}

Result<std::vector<inventory::Balance>> AllBalances(store::Transaction& tx, TenantId tenant,
                                                    inventory::BalanceQuery query) {
  std::vector<inventory::Balance> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.inventory().ListBalances(tenant, query));
    const bool last = static_cast<std::int64_t>(page.first.size()) < kMaxPageSize;
    for (auto& b : page.first) all.push_back(std::move(b));
    if (last || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

namespace {

template <class T>
Result<std::vector<T>> AllRecords(store::Transaction& tx, TenantId tenant, ListQuery q) {
  std::vector<T> all;
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, store::Records<T>(tx).List(tenant, q));
    const bool last = static_cast<std::int64_t>(page.items.size()) < kMaxPageSize;
    for (auto& r : page.items) all.push_back(std::move(r));
    if (last || q.offset + kMaxPageSize >= page.total) break;
  }
  return all;
}

}  // namespace

Result<std::vector<partners::Warehouse>> AllWarehouses(store::Transaction& tx, TenantId tenant) {
  return AllRecords<partners::Warehouse>(tx, tenant, ListQuery{});
}

Result<std::vector<partners::Bin>> BinsOf(store::Transaction& tx, TenantId tenant,
                                          std::int64_t warehouse_id) {
  ListQuery q;
  q.equals.emplace_back("warehouse_id", FieldValue(warehouse_id));
  return AllRecords<partners::Bin>(tx, tenant, q);
}

orders::OrderEvent Note(const orders::Order& order, const std::string& detail, Timestamp at) {
  orders::OrderEvent e;
  e.tenant_id = order.tenant_id;
  e.order_id = order.id;
  e.at = at;
  e.state = "note";
  e.detail = detail;
  return e;
}

bool MoveOrder(orders::Order& order, orders::OrderState to, const std::string& detail, Timestamp at,
               std::vector<orders::OrderEvent>& timeline) {
  orders::OrderEvent e = Note(order, detail, at);
  const bool moved = order.state != to && orders::CheckTransition(order.state, to).ok();
  if (moved) {
    order.state = to;
    order.updated_at = at;
    e.state = std::string(EnumName(to));
  }
  timeline.push_back(std::move(e));
  return moved;
}

orders::OrderState OrderStateOf(orders::OrderState current,
                                std::span<const customs::DeclarationState> declarations) {
  using customs::DeclarationState;
  int counted = 0, rejected = 0, held = 0, released = 0, answered = 0;
  for (DeclarationState s : declarations) {
    if (s == DeclarationState::kCancelled) continue;
    ++counted;
    rejected += s == DeclarationState::kRejected ? 1 : 0;
    held += s == DeclarationState::kInspectionHold ? 1 : 0;
    const bool out = s == DeclarationState::kReleased || s == DeclarationState::kReturned;
    released += out ? 1 : 0;
    answered += out || s == DeclarationState::kAccepted ? 1 : 0;
  }
  if (counted == 0) return current;
  if (rejected == counted) return orders::OrderState::kRejected;
  if (held > 0) return orders::OrderState::kInspectionHold;
  if (released == counted - rejected) return orders::OrderState::kReleased;
  if (answered > 0) return orders::OrderState::kDeclared;
  return current;
}

Status AppendEvent(store::Transaction& tx, TenantId tenant, std::string type, std::string entity,
                   std::int64_t entity_id, std::string actor, std::string request_id,
                   std::string payload, Timestamp at) {
  events::BusinessEvent e;
  e.tenant_id = tenant;
  e.type = std::move(type);
  e.entity = std::move(entity);
  e.entity_id = entity_id;
  e.actor = std::move(actor);
  e.request_id = std::move(request_id);
  e.at = at;
  e.payload = std::move(payload);
  return tx.events().Append(std::move(e)).status();
}

}  // namespace xb::customs_flow::internal
