#include "adapters/sql/orders_stores.h"

namespace xb::sql {

Result<orders::Order> SqlOrdersStore::InsertOrder(orders::Order /*order*/) {
  return Internal("orders store: InsertOrder not implemented yet");
}

Status SqlOrdersStore::UpdateOrder(orders::Order& /*order*/) {
  return Internal("orders store: UpdateOrder not implemented yet");
}

Result<orders::Order> SqlOrdersStore::GetOrder(TenantId /*tenant*/, orders::OrderId /*id*/) {
  return Internal("orders store: GetOrder not implemented yet");
}

Result<std::optional<orders::Order>> SqlOrdersStore::FindByChannelNo(
    TenantId /*tenant*/, std::int64_t /*channel_id*/, std::string_view /*channel_order_no*/) {
  return Internal("orders store: FindByChannelNo not implemented yet");
}

Result<std::pair<std::vector<orders::Order>, std::int64_t>> SqlOrdersStore::ListOrders(
    TenantId /*tenant*/, const orders::OrderQuery& /*query*/) {
  return Internal("orders store: ListOrders not implemented yet");
}

Status SqlOrdersStore::AppendEvents(std::span<orders::OrderEvent> /*events*/) {
  return Internal("orders store: AppendEvents not implemented yet");
}

Result<std::vector<orders::OrderEvent>> SqlOrdersStore::ListEvents(TenantId /*tenant*/,
                                                                   orders::OrderId /*id*/) {
  return Internal("orders store: ListEvents not implemented yet");
}

Result<std::pair<std::int64_t, std::int64_t>> SqlOrdersStore::MaxIds() {
  return Internal("orders store: MaxIds not implemented yet");
}

}  // namespace xb::sql
