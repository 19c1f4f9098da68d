#include "adapters/memory/orders_stores.h"

#include <algorithm>
#include <utility>

namespace xb::memory {

using orders::Order;
using orders::OrderEvent;
using orders::OrderId;

namespace {

Status DuplicateChannelNo(const Order& o) {
  return AlreadyExists("channel_order_no: duplicate channel order number " + o.channel_order_no +
                           " of channel " + std::to_string(o.channel_id),
                       "channel_order_no");
}

bool Matches(const Order& o, const orders::OrderQuery& q) {
  if (q.state && o.state != *q.state) return false;
  if (q.channel_id && o.channel_id != *q.channel_id) return false;
  if (!q.channel_order_no.empty() && o.channel_order_no != q.channel_order_no) return false;
  if (q.from && o.order_date < *q.from) return false;
  if (q.to && o.order_date > *q.to) return false;
  if (!q.q.empty() && !o.channel_order_no.starts_with(q.q) && !o.buyer.name.starts_with(q.q))
    return false;
  return true;
}

}  // namespace

Result<Order> MemoryOrdersStore::InsertOrder(Order order) {
  const auto key =
      std::make_tuple(order.tenant_id.value(), order.channel_id, order.channel_order_no);
  if (s_.channel_nos.count(key) > 0) return DuplicateChannelNo(order);
  if (!order.id.assigned()) {
    order.id = OrderId(s_.orders.empty() ? 1 : s_.orders.rbegin()->first + 1);
  } else if (s_.orders.count(order.id.value()) > 0) {
    return AlreadyExists("id: order " + std::to_string(order.id.value()) + " exists", "id");
  }
  std::int64_t line_no = 0;
  for (auto& line : order.lines) {
    if (line.id == 0) line.id = ++s_.max_line_id;
    s_.max_line_id = std::max(s_.max_line_id, line.id);
    if (line.line_no == 0) line.line_no = line_no + 1;
    line_no = line.line_no;
  }
  if (order.version == 0) order.version = 1;
  s_.channel_nos[key] = order.id.value();
  s_.orders[order.id.value()] = std::make_shared<const Order>(order);
  return order;
}

Status MemoryOrdersStore::UpdateOrder(Order& order) {
  auto it = s_.orders.find(order.id.value());
  if (it == s_.orders.end() || it->second->tenant_id != order.tenant_id) {
    return NotFound("no order with id " + std::to_string(order.id.value()));
  }
  const Order& current = *it->second;
  if (current.version != order.version) {
    return Conflict("order " + std::to_string(order.id.value()) +
                    " changed meanwhile (now version " + std::to_string(current.version) + ")");
  }
  // The channel's key is the order's identity: it never changes.
  order.channel_id = current.channel_id;
  order.channel_order_no = current.channel_order_no;
  for (auto& line : order.lines) {
    if (line.id == 0) line.id = ++s_.max_line_id;
    s_.max_line_id = std::max(s_.max_line_id, line.id);
  }
  order.version = current.version + 1;
  it->second = std::make_shared<const Order>(order);
  return Status::Ok();
}

Result<Order> MemoryOrdersStore::GetOrder(TenantId tenant, OrderId id) {
  auto it = s_.orders.find(id.value());
  if (it == s_.orders.end() || it->second->tenant_id != tenant) {
    return NotFound("no order with id " + std::to_string(id.value()));
  }
  return *it->second;
}

Result<std::optional<Order>> MemoryOrdersStore::FindByChannelNo(TenantId tenant,
                                                                std::int64_t channel_id,
                                                                std::string_view channel_order_no) {
  auto it = s_.channel_nos.find(
      std::make_tuple(tenant.value(), channel_id, std::string(channel_order_no)));
  if (it == s_.channel_nos.end()) return std::optional<Order>();
  return std::optional<Order>(*s_.orders.at(it->second));
}

Result<std::pair<std::vector<Order>, std::int64_t>> MemoryOrdersStore::ListOrders(
    TenantId tenant, const orders::OrderQuery& q) {
  // Newest first; after_id > 0 continues below that id.
  std::vector<Order> page;
  std::int64_t total = 0;
  for (auto it = s_.orders.rbegin(); it != s_.orders.rend(); ++it) {
    const Order& o = *it->second;
    if (o.tenant_id != tenant || !Matches(o, q)) continue;
    ++total;
    if ((q.after_id <= 0 || o.id.value() < q.after_id) && static_cast<int>(page.size()) < q.limit) {
      page.push_back(o);
    }
  }
  return std::make_pair(std::move(page), total);
}

Status MemoryOrdersStore::AppendEvents(std::span<OrderEvent> events) {
  for (auto& e : events) {
    e.id = static_cast<std::int64_t>(s_.events.count) + 1;
    s_.events.Append(e);
  }
  return Status::Ok();
}

Result<std::vector<OrderEvent>> MemoryOrdersStore::ListEvents(TenantId tenant, OrderId id) {
  std::vector<OrderEvent> out;
  for (const auto& e : s_.events.view()) {
    if (e.tenant_id == tenant && e.order_id == id) out.push_back(e);
  }
  return out;
}

Result<std::pair<std::int64_t, std::int64_t>> MemoryOrdersStore::MaxIds() {
  const std::int64_t order = s_.orders.empty() ? 0 : s_.orders.rbegin()->first;
  return std::make_pair(order, s_.max_line_id);
}

}  // namespace xb::memory
