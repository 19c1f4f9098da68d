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
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
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

  // Reserve, Release, Confirm and ReleaseLapsed wait for a write of their own: never call them
  // while holding a write transaction of the same database.
  // kInvalidArgument for a quantity ≤ 0 or a bad owner; kFailedPrecondition ("insufficient
  // stock", with the reservable quantity) when the pool cannot cover it.
  Result<ReserveAnswer> Reserve(const ReserveRequest& request);
  // Reserve without waiting: `done` is called once with the answer — on the caller's thread when
  // it is known at once (a bad request, not enough stock, a replay), otherwise on the group
  // committer's answering thread once the row is durable or failed. `done` must be quick and must
  // not wait for the engine (post the answer elsewhere, e.g. to an HTTP connection's executor).
  // Lets a server keep many reservations in flight without a thread each.
  using ReserveDone = std::function<void(Result<ReserveAnswer>)>;
  void ReserveAsync(const ReserveRequest& request, ReserveDone done);
  // Stock that became available in the store without the engine being told (posted by a
  // StockPosting without engine, committed: a customs hold released for its own order) is
  // deposited and reserved for `request` under one shard lock, so no other request can take it
  // in between. The deposit stays when the reservation is refused or its write fails (the stock
  // is available in the store). `request` carries no client key (kInvalidArgument otherwise).
  Result<ReserveAnswer> ReserveArrived(const ReserveRequest& request,
                                       std::span<const inventory::LotAvailability> arrived);
  Result<inventory::Reservation> Release(TenantId tenant, inventory::ReservationId id);
  Result<inventory::Reservation> Confirm(TenantId tenant, inventory::ReservationId id);
  // Releases every unconfirmed reservation lapsed at the clock's now; returns how many.
  Result<std::int64_t> ReleaseLapsed();

  // For StockPosting: the in-memory side of stock changes (see stock_posting.h).
  Status Withdraw(const inventory::PoolKey& pool, inventory::LotId lot, std::int64_t qty);
  void Deposit(const inventory::PoolKey& pool, inventory::LotId lot, std::optional<Date> expiry,
               std::int64_t qty);
  Status TakeForPick(TenantId tenant, inventory::ReservationId id, inventory::LotId lot,
                     std::int64_t qty);
  void UndoTakeForPick(TenantId tenant, inventory::ReservationId id, inventory::LotId lot,
                       std::int64_t qty);
  // The transaction of a TakeForPick committed. Until then (or UndoTakeForPick) the reservation
  // is being picked: Release and Confirm answer CONFLICT and the sweeper leaves it alone, so no
  // row with picked quantities that may yet be undone is ever written.
  void TakeForPickCommitted(TenantId tenant, inventory::ReservationId id);

  // Stock physically gone (count loss, scrap) may take reserved stock: the book shrinks the
  // reservations holding the lot and re-reserves for them (inventory::ReservationBook::TakeLoss)
  // at once, like TakeForPick. The reservations it changed are busy until LossCommitted or
  // UndoLoss (release, confirm, picks get CONFLICT, the sweeper skips them), so the rows the
  // caller writes in its transaction are not overwritten meanwhile. `held`: reservations the
  // caller already holds busy from an earlier loss of the same transaction (they may change
  // again). kConflict when a reservation to shrink is new, being changed or being picked.
  Result<inventory::StockLoss> TakeLoss(const inventory::PoolKey& pool, inventory::LotId lot,
                                        std::int64_t qty,
                                        const std::unordered_set<std::int64_t>& held);
  // The loss could not be posted: the book as it was; `marked` (the reservations this loss made
  // busy, i.e. not held before) are no longer busy.
  void UndoLoss(const inventory::StockLoss& loss, std::span<const std::int64_t> marked);
  // The transaction of a TakeLoss committed: `marked` are no longer busy.
  void LossCommitted(const inventory::PoolKey& pool, std::span<const std::int64_t> marked);

  // The active reservation as the engine holds it; absent when it is not active (or another
  // tenant's).
  std::optional<inventory::Reservation> Find(TenantId tenant, inventory::ReservationId id) const;
  std::int64_t Available(const inventory::PoolKey& pool) const;
  std::vector<inventory::LotAvailability> Lots(const inventory::PoolKey& pool) const;
  EngineStats stats() const;

 private:
  struct Shard;
  enum class Change { kRelease, kLapse, kConfirm };
  Shard& ShardOf(const inventory::PoolKey& pool) const;
  Shard* ShardOfReservation(TenantId tenant, inventory::ReservationId id) const;
  Status CheckRunning() const;
  Status CheckRequest(const ReserveRequest& request) const;
  void ReserveNew(const ReserveRequest& request, ReserveDone done,
                  std::span<const inventory::LotAvailability> deposit_first = {});
  Result<ReserveAnswer> Acknowledge(Shard& shard, inventory::Reservation row, Status written);
  Result<ReserveAnswer> Replay(TenantId tenant, inventory::ReservationId id);
  Result<std::optional<inventory::Reservation>> StoredByKey(TenantId tenant,
                                                            const std::string& client_key);
  static inventory::Reservation Changed(inventory::Reservation r, Change change, Timestamp now);
  Result<inventory::Reservation> ChangeOne(TenantId tenant, inventory::ReservationId id,
                                           Change change);
  // Applies a change whose row is durable (or undoes the busy mark when it is not).
  void Settle(Shard& shard, const inventory::Reservation& row, Change change, bool durable);
  void Forget(const inventory::Reservation& reservation);
  static void EndTake(Shard& shard, inventory::ReservationId id);
  void SweepLoop();

  store::Database& db_;
  const Clock& clock_;
  EngineOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<GroupCommitter> committer_;
  std::atomic<std::int64_t> next_id_{1};
  // Which shard holds each reservation the books know, by id.
  mutable std::mutex index_mu_;
  // Ordered trees (also keys_): they grow one node at a time, never rehashing everything under
  // the lock at once (see ReservationBook::active_).
  std::map<std::int64_t, std::size_t> index_;
  // (tenant, client key) of active reservations. While the first request with a key is in
  // flight, its id is 0 and retries wait in `waiters`.
  struct KeyEntry {
    std::int64_t id = 0;
    std::vector<std::function<void()>> waiters;
  };
  std::mutex keys_mu_;
  std::map<std::string, KeyEntry, std::less<>> keys_;
  std::thread sweeper_;
  std::mutex sweep_mu_;
  std::condition_variable sweep_cv_;
  std::atomic<bool> running_{false};
  std::atomic<std::int64_t> reserved_{0};
  std::atomic<std::int64_t> refused_{0};
  std::atomic<std::int64_t> released_{0};
  std::atomic<std::int64_t> lapsed_{0};
};

}  // namespace xb::inventory_flow
