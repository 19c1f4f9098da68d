// The SQL implementation of the orders store, written once for SQLite and PostgreSQL against
// sql::Connection (tables of migration 0004_orders_customs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sql/connection.h"
#include "domain/orders/orders.h"

namespace xb::sql {

class SqlOrdersStore final : public orders::OrdersStore {
 public:
  explicit SqlOrdersStore(Connection& c) : c_(c) {}

  Result<orders::Order> InsertOrder(orders::Order order) override;
  Status UpdateOrder(orders::Order& order) override;
  Result<orders::Order> GetOrder(TenantId tenant, orders::OrderId id) override;
  Result<std::optional<orders::Order>> FindByChannelNo(TenantId tenant, std::int64_t channel_id,
                                                       std::string_view channel_order_no) override;
  Result<std::pair<std::vector<orders::Order>, std::int64_t>> ListOrders(
      TenantId tenant, const orders::OrderQuery& query) override;
  Status AppendEvents(std::span<orders::OrderEvent> events) override;
  Result<std::vector<orders::OrderEvent>> ListEvents(TenantId tenant, orders::OrderId id) override;
  Result<std::pair<std::int64_t, std::int64_t>> MaxIds() override;

 private:
  Connection& c_;
};

}  // namespace xb::sql
