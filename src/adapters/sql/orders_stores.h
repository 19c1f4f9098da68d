// The SQL implementation of the orders store, written once for SQLite and PostgreSQL against
// sql::Connection (tables of migrations 0004_orders_customs and 0010_orders_by_rowid: an order is
// found by its id alone, ids being unique across tenants). Order intake writes thousands of
// orders per transaction: an order is one insert of its row and one of its lines, each with a
// fixed statement text served by the connections' prepared-statement caches. An order's row is
// inserted at once (its channel number may be taken); its lines and timeline entries cannot
// collide, so they are kept back and written in multi-row statements of 64 rows as they come, the
// rest at commit (pending_rows.h).
// Ids the caller did not assign continue after the highest, read once per transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/sql/connection.h"
#include "adapters/sql/pending_rows.h"
#include "domain/orders/orders.h"

namespace xb::sql {

class SqlOrdersStore final : public orders::OrdersStore {
 public:
  explicit SqlOrdersStore(Connection& c);

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

  // Writes the rows kept back (order lines, timeline entries); the transaction calls it before
  // COMMIT, and every read of this store first.
  Status Flush();

 private:
  // Gives lines without an id the next ones, and line numbers 1, 2, ... where missing.
  Status NumberLines(orders::Order& order);
  Status InsertLines(const orders::Order& order);
  // Reads the lines of the orders found.
  Result<std::vector<orders::Order>> WithLines(std::vector<orders::Order> found);

  Connection& c_;
  // The next order and line ids this transaction hands out; 0 until it first needs one.
  std::int64_t next_order_id_ = 0;
  std::int64_t next_line_id_ = 0;
  PendingRows lines_;
  PendingRows events_;
  IdPool event_ids_;
};

}  // namespace xb::sql
