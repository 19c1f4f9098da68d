// The reservation engine: the hot path of a flash sale. Reservable stock lives in memory, split
// into shards by pool (tenant, warehouse, SKU, owner); one writer at a time per shard applies a
// request to its ReservationBook, the resulting reservation rows are written by group commit, and
// the caller is answered only once its row is durable. A failed write undoes the in-memory change
// before the caller hears of it. At start-up the books are rebuilt from the store (available
// on-hand minus active reservations), so a crash loses no acknowledged reservation and keeps no
// unacknowledged one. A sweeper releases unconfirmed reservations when they lapse.
//
// Everything else that changes available stock goes through StockPosting (stock_posting.h), which
// asks the engine first for stock that leaves (so reserved stock is never taken) and tells it
// after the commit about stock that arrives. The engine assumes it is the only one reserving
// against its database (one server process per database).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/inventory/inventory.h"
#include "flows/inventory/group_commit.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {

struct EngineOptions {
  int shards = 16;
  std::chrono::seconds default_hold{15 * 60};  // lapse of an unconfirmed reservation
  std::chrono::milliseconds sweep_every{1000};
  GroupCommitOptions commit;
};

struct ReserveRequest {
  TenantId tenant_id;
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string owner{inventory::kOwnStock};
  std::int64_t quantity = 0;
  std::string order_ref;
  std::string client_key;  // idempotency key; a retry with the same key gets the first answer
  std::int64_t min_remaining_days = 0;
  std::optional<std::chrono::seconds> hold_for;  // absent: default_hold; 0: no lapse (confirmed)
};

struct ReserveAnswer {
  inventory::Reservation reservation;
  bool replayed = false;
};

struct EngineStats {
  std::int64_t reserved = 0;
  std::int64_t refused = 0;
  std::int64_t released = 0;
  std::int64_t lapsed = 0;
  std::int64_t active = 0;
  GroupCommitStats commit;
};

class ReservationEngine {
 public:
  ReservationEngine(store::Database& db, const Clock& clock, EngineOptions options = {});
  ~ReservationEngine();
  ReservationEngine(const ReservationEngine&) = delete;
  ReservationEngine& operator=(const ReservationEngine&) = delete;

  // Rebuilds the books from the store and starts the committer and the sweeper.
  Status Start();
  void Stop();

  // kInvalidArgument for a quantity ≤ 0 or a bad owner; kFailedPrecondition ("insufficient
  // stock", with the reservable quantity) when the pool cannot cover it.
  Result<ReserveAnswer> Reserve(const ReserveRequest& request);
  Result<inventory::Reservation> Release(TenantId tenant, inventory::ReservationId id);
  Result<inventory::Reservation> Confirm(TenantId tenant, inventory::ReservationId id);
  // Releases every unconfirmed reservation lapsed at the clock's now; returns how many.
  Result<std::int64_t> ReleaseLapsed();

  // For StockPosting: the in-memory side of stock changes (see stock_posting.h).
  Status Withdraw(const inventory::PoolKey& pool, inventory::LotId lot, std::int64_t qty);
  void Deposit(const inventory::PoolKey& pool, inventory::LotId lot,
               std::optional<Date> expiry, std::int64_t qty);
  Status TakeForPick(TenantId tenant, inventory::ReservationId id, inventory::LotId lot,
                     std::int64_t qty);
  void UndoTakeForPick(TenantId tenant, inventory::ReservationId id, inventory::LotId lot,
                       std::int64_t qty);

  std::int64_t Available(const inventory::PoolKey& pool) const;
  std::vector<inventory::LotAvailability> Lots(const inventory::PoolKey& pool) const;
  EngineStats stats() const;

 private:
  struct Shard;
  Shard& ShardOf(const inventory::PoolKey& pool) const;
  Shard* ShardOfReservation(TenantId tenant, inventory::ReservationId id) const;

  store::Database& db_;
  const Clock& clock_;
  EngineOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<GroupCommitter> committer_;
  std::atomic<std::int64_t> next_id_{1};
  std::thread sweeper_;
  std::atomic<bool> running_{false};
  mutable std::mutex stats_mu_;
  EngineStats stats_;
};

}  // namespace xb::inventory_flow
