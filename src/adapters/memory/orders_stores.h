// The orders store held in memory. Orders are kept behind shared pointers to constant values, so
// the copy of the state a writer makes stays cheap whatever their number; an update replaces the
// pointer. The timeline only grows: an AppendLog shared by copies.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "adapters/memory/append_log.h"
#include "domain/orders/orders.h"

namespace xb::memory {

struct OrdersState {
  std::map<std::int64_t, std::shared_ptr<const orders::Order>> orders;
  // (tenant, channel, channel order number) -> order id.
  std::map<std::tuple<std::int64_t, std::int64_t, std::string>, std::int64_t> channel_nos;
  std::int64_t max_line_id = 0;
  AppendLog<orders::OrderEvent> events;
};

class MemoryOrdersStore final : public orders::OrdersStore {
 public:
  explicit MemoryOrdersStore(OrdersState& s) : s_(s) {}

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
  OrdersState& s_;
};

}  // namespace xb::memory
