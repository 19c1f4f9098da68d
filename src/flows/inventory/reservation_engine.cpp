#include "flows/inventory/reservation_engine.h"

#include <deque>
#include <functional>
#include <future>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

namespace xb::inventory_flow {

using inventory::PoolKey;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::ReservationState;

// One shard: the book of the pools that hash to it, the new reservations whose row is not yet
// durable (`unacked`) and the reservations whose change is being written (`busy`). The mutex is
// held only while these are read or changed, never while a write is waited for.
struct ReservationEngine::Shard {
  mutable std::mutex mu;
  inventory::ReservationBook book;
  std::unordered_set<std::int64_t> unacked;
  std::unordered_set<std::int64_t> busy;
  // Picks taken from a reservation whose transaction has not committed (or given back) yet.
  std::unordered_map<std::int64_t, int> picking;
  bool Settled(std::int64_t id) const { return !unacked.contains(id) && !busy.contains(id); }
  // Settled and not being picked: its row may be written by a change.
  bool Quiet(std::int64_t id) const { return Settled(id) && !picking.contains(id); }
  // Reservations consumed by picking, oldest first: they stay in the index for a while so that
  // UndoTakeForPick still finds them (the book keeps them as long).
  std::deque<std::int64_t> consumed;
};

namespace {

// As many fully picked reservations as the book keeps for UndoTakeForPick.
constexpr std::size_t kConsumedKept = 65536;

std::size_t HashPool(const PoolKey& pool) {
  std::size_t h = std::hash<std::int64_t>{}(pool.tenant_id.value());
  const auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(std::hash<std::int64_t>{}(pool.warehouse_id));
  mix(std::hash<std::int64_t>{}(pool.sku_id));
  mix(std::hash<std::string>{}(pool.owner));
  return h;
}

std::string KeyName(TenantId tenant, const std::string& client_key) {
  return std::to_string(tenant.value()) + '\x1f' + client_key;
}

std::string IdText(ReservationId id) { return std::to_string(id.value()); }

Timestamp Plus(Timestamp t, std::chrono::seconds s) {
  return Timestamp::FromMicros(t.micros() + s.count() * 1'000'000);
}

Status SaveOne(store::Transaction& tx, const Reservation& row) {
  return tx.inventory().SaveReservations(std::span<const Reservation>(&row, 1));
}

}  // namespace

ReservationEngine::ReservationEngine(store::Database& db, const Clock& clock, EngineOptions options)
    : db_(db), clock_(clock), options_(options) {
  if (options_.shards < 1) options_.shards = 1;
  shards_.reserve(static_cast<std::size_t>(options_.shards));
  for (int i = 0; i < options_.shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

ReservationEngine::~ReservationEngine() { Stop(); }

Status ReservationEngine::Start() {
  if (running_.load() || committer_) {
    return FailedPrecondition("the reservation engine is already started");
  }
  std::vector<inventory::InventoryStore::PoolStock> stock;
  std::vector<Reservation> active;
  std::int64_t max_id = 0;
  {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(stock, tx->inventory().LoadAvailableStock());
    XB_ASSIGN_OR_RETURN(active, tx->inventory().LoadActiveReservations());
    XB_ASSIGN_OR_RETURN(max_id, tx->inventory().MaxReservationId());
  }
  for (const auto& s : stock) {
    ShardOf(s.pool).book.AddStock(s.pool, s.lot_id, s.expiry_date, s.available_on_hand);
  }
  for (const auto& r : active) {
    const std::size_t at = HashPool(PoolOf(r)) % shards_.size();
    shards_[at]->book.Load(r);
    index_[r.id.value()] = at;
    if (!r.client_key.empty()) keys_[KeyName(r.tenant_id, r.client_key)].id = r.id.value();
    if (r.id.value() > max_id) max_id = r.id.value();
  }
  next_id_.store(max_id + 1);
  committer_ = std::make_unique<GroupCommitter>(db_, options_.commit);
  running_.store(true);
  if (options_.sweep_every.count() > 0) sweeper_ = std::thread([this] { SweepLoop(); });
  return Status::Ok();
}

void ReservationEngine::Stop() {
  {
    std::lock_guard lock(sweep_mu_);
    running_.store(false);
  }
  sweep_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  if (committer_) committer_->Stop();
}

Status ReservationEngine::CheckRunning() const {
  if (!running_.load(std::memory_order_acquire)) {
    return Unavailable("the reservation engine is not running");
  }
  return Status::Ok();
}

ReservationEngine::Shard& ReservationEngine::ShardOf(const PoolKey& pool) const {
  return *shards_[HashPool(pool) % shards_.size()];
}

ReservationEngine::Shard* ReservationEngine::ShardOfReservation(TenantId tenant,
                                                                ReservationId id) const {
  (void)tenant;  // ids are unique across tenants; the book's copy names the tenant
  std::lock_guard lock(index_mu_);
  auto it = index_.find(id.value());
  return it == index_.end() ? nullptr : shards_[it->second].get();
}

// ---- reserve ----

Result<ReserveAnswer> ReservationEngine::Reserve(const ReserveRequest& request) {
  std::promise<Result<ReserveAnswer>> answer;
  std::future<Result<ReserveAnswer>> ready = answer.get_future();
  ReserveAsync(request, [&answer](Result<ReserveAnswer> a) { answer.set_value(std::move(a)); });
  return ready.get();
}

Status ReservationEngine::CheckRequest(const ReserveRequest& request) const {
  XB_RETURN_IF_ERROR(CheckRunning());
  if (request.quantity <= 0) {
    return InvalidArgument("quantity: must be greater than 0", "quantity");
  }
  if (request.warehouse_id <= 0) {
    return InvalidArgument("warehouse_id: is required", "warehouse_id");
  }
  if (request.sku_id <= 0) return InvalidArgument("sku_id: is required", "sku_id");
  XB_RETURN_IF_ERROR(inventory::ValidateOwner(request.owner));
  if (request.min_remaining_days < 0) {
    return InvalidArgument("min_remaining_days: must not be negative", "min_remaining_days");
  }
  if (request.hold_for && request.hold_for->count() < 0) {
    return InvalidArgument("hold_seconds: must not be negative", "hold_seconds");
  }
  if (request.client_key.size() > 200) {
    return InvalidArgument("client_key: at most 200 characters", "client_key");
  }
  return Status::Ok();
}

void ReservationEngine::ReserveAsync(const ReserveRequest& request, ReserveDone done) {
  if (Status st = CheckRequest(request); !st.ok()) {
    done(std::move(st));
    return;
  }
  if (request.client_key.empty()) {
    ReserveNew(request, std::move(done));
    return;
  }

  // One request per key at a time: a retry that arrives while the first is in flight is tried
  // again once the first is answered.
  std::string key = KeyName(request.tenant_id, request.client_key);
  {
    std::unique_lock lock(keys_mu_);
    auto [it, fresh] = keys_.try_emplace(key);
    if (!fresh) {
      if (it->second.id == 0) {
        it->second.waiters.push_back([this, request, done = std::move(done)]() mutable {
          ReserveAsync(request, std::move(done));
        });
        return;
      }
      const ReservationId id(it->second.id);
      lock.unlock();
      done(Replay(request.tenant_id, id));
      return;
    }
  }
  ReserveNew(request, [this, key = std::move(key), tenant = request.tenant_id,
                       client_key = request.client_key,
                       done = std::move(done)](Result<ReserveAnswer> answer) mutable {
    if (!answer.ok() && answer.status().code() == ErrorCode::kFailedPrecondition) {
      // The first answer may be a reservation that is no longer active (released, lapsed,
      // consumed): the store keeps it.
      auto stored = StoredByKey(tenant, client_key);
      if (stored.ok() && stored->has_value()) answer = ReserveAnswer{std::move(**stored), true};
    }
    std::vector<std::function<void()>> waiters;
    {
      std::lock_guard lock(keys_mu_);
      auto it = keys_.find(key);
      if (it != keys_.end()) {
        waiters.swap(it->second.waiters);
        if (answer.ok() && answer->reservation.state == ReservationState::kActive) {
          it->second.id = answer->reservation.id.value();
        } else {
          keys_.erase(it);
        }
      }
    }
    done(std::move(answer));
    for (auto& retry : waiters) retry();
  });
}

Result<ReserveAnswer> ReservationEngine::ReserveArrived(
    const ReserveRequest& request, std::span<const inventory::LotAvailability> arrived) {
  XB_RETURN_IF_ERROR(CheckRequest(request));
  if (!request.client_key.empty()) {
    return InvalidArgument("client_key: a reservation of arrived stock has none", "client_key");
  }
  std::promise<Result<ReserveAnswer>> answer;
  std::future<Result<ReserveAnswer>> ready = answer.get_future();
  ReserveNew(
      request, [&answer](Result<ReserveAnswer> a) { answer.set_value(std::move(a)); }, arrived);
  return ready.get();
}

void ReservationEngine::ReserveNew(const ReserveRequest& request, ReserveDone done,
                                   std::span<const inventory::LotAvailability> deposit_first) {
  const Timestamp now = clock_.Now();
  Reservation r;
  r.id = ReservationId(next_id_.fetch_add(1));
  r.tenant_id = request.tenant_id;
  r.warehouse_id = request.warehouse_id;
  r.sku_id = request.sku_id;
  r.owner = request.owner;
  r.order_ref = request.order_ref;
  r.client_key = request.client_key;
  r.min_remaining_days = request.min_remaining_days;
  r.state = ReservationState::kActive;
  const std::chrono::seconds hold = request.hold_for.value_or(options_.default_hold);
  if (hold.count() > 0) r.expires_at = Plus(now, hold);
  r.created_at = now;
  r.updated_at = now;
  const ReservationId id = r.id;
  const std::size_t at = HashPool(PoolOf(r)) % shards_.size();
  Shard& shard = *shards_[at];

  Result<Reservation> made = [&]() -> Result<Reservation> {
    std::lock_guard lock(shard.mu);
    const PoolKey pool = PoolOf(r);
    for (const auto& lot : deposit_first) {
      shard.book.Deposit(pool, lot.lot_id, lot.expiry_date, lot.available);
    }
    auto res = shard.book.Reserve(std::move(r), request.quantity, Date::OfTimestamp(now),
                                  request.min_remaining_days);
    if (res.ok()) shard.unacked.insert(id.value());
    return res;
  }();
  if (!made.ok()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    done(made.status());
    return;
  }
  {
    std::lock_guard lock(index_mu_);
    index_[id.value()] = at;
  }

  // The row is written by group commit; the answer waits until it is durable.
  auto row = std::make_shared<Reservation>(std::move(made).value());
  committer_->Submit([row](store::Transaction& tx) { return SaveOne(tx, *row); },
                     [this, row, &shard, done = std::move(done)](Status written) mutable {
                       // The work has run for the last time: the row can be moved into the answer.
                       done(Acknowledge(shard, std::move(*row), std::move(written)));
                     });
}

// The answer to a new reservation once its write is over: durable, or taken out of the book.
Result<ReserveAnswer> ReservationEngine::Acknowledge(Shard& shard, Reservation row,
                                                     Status written) {
  if (written.ok()) {
    {
      std::lock_guard lock(shard.mu);
      shard.unacked.erase(row.id.value());
    }
    reserved_.fetch_add(1, std::memory_order_relaxed);
    return ReserveAnswer{std::move(row), false};
  }
  {
    std::lock_guard lock(shard.mu);
    (void)shard.book.Release(row.id);
    shard.unacked.erase(row.id.value());
  }
  {
    std::lock_guard lock(index_mu_);
    index_.erase(row.id.value());
  }
  // The store refuses a client key another reservation has: one no longer active, so not known
  // here. Its first answer is in the store.
  if (written.code() == ErrorCode::kAlreadyExists && written.field() == "client_key") {
    XB_ASSIGN_OR_RETURN(auto first, StoredByKey(row.tenant_id, row.client_key));
    if (first) return ReserveAnswer{std::move(*first), true};
  }
  return written;
}

Result<ReserveAnswer> ReservationEngine::Replay(TenantId tenant, ReservationId id) {
  if (auto held = Find(tenant, id)) return ReserveAnswer{std::move(*held), true};
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto stored, tx->inventory().GetReservation(tenant, id));
  return ReserveAnswer{std::move(stored), true};
}

Result<std::optional<Reservation>> ReservationEngine::StoredByKey(TenantId tenant,
                                                                  const std::string& client_key) {
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().FindReservationByKey(tenant, client_key);
}

// ---- release, confirm, lapse ----

// The row a change writes, from the reservation as the book holds it.
Reservation ReservationEngine::Changed(Reservation r, Change change, Timestamp now) {
  switch (change) {
    case Change::kRelease:
      r.state = ReservationState::kReleased;
      break;
    case Change::kLapse:
      r.state = ReservationState::kExpired;
      break;
    case Change::kConfirm:
      r.expires_at.reset();
      break;
  }
  r.updated_at = now;
  return r;
}

Result<Reservation> ReservationEngine::Release(TenantId tenant, ReservationId id) {
  XB_RETURN_IF_ERROR(CheckRunning());
  return ChangeOne(tenant, id, Change::kRelease);
}

Result<Reservation> ReservationEngine::Confirm(TenantId tenant, ReservationId id) {
  XB_RETURN_IF_ERROR(CheckRunning());
  return ChangeOne(tenant, id, Change::kConfirm);
}

// The change is written first and applied to the book once durable: released stock becomes
// reservable only when the release can no longer be lost. Meanwhile the reservation is busy, so
// picking, the sweeper and other changes leave it alone.
Result<Reservation> ReservationEngine::ChangeOne(TenantId tenant, ReservationId id, Change change) {
  const Timestamp now = clock_.Now();
  Shard* shard = ShardOfReservation(tenant, id);
  std::optional<Reservation> row;
  if (shard != nullptr) {
    std::lock_guard lock(shard->mu);
    const Reservation* held = shard->book.Find(id);
    if (held != nullptr && held->tenant_id == tenant) {
      if (!shard->Quiet(id.value())) {
        return Conflict("reservation " + IdText(id) + " is being changed or picked; retry");
      }
      if (change == Change::kConfirm && !held->expires_at) return *held;  // already confirmed
      row = Changed(*held, change, now);
      shard->busy.insert(id.value());
    }
  }
  if (!row) {
    // Not active here: answer from the store.
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    XB_ASSIGN_OR_RETURN(auto stored, tx->inventory().GetReservation(tenant, id));
    switch (stored.state) {
      case ReservationState::kReleased:
      case ReservationState::kExpired:
        if (change == Change::kConfirm) {
          return FailedPrecondition(
              "reservation " + IdText(id) + " is " +
              (stored.state == ReservationState::kReleased ? "released" : "lapsed"));
        }
        return stored;  // releasing twice changes nothing
      case ReservationState::kConsumed:
        if (change == Change::kConfirm) return stored;
        return FailedPrecondition("reservation " + IdText(id) +
                                  " is consumed: everything was picked");
      case ReservationState::kActive:
        return Unavailable("reservation " + IdText(id) + " is not in the engine; retry");
    }
    return Internal("reservation " + IdText(id) + " has an unknown state");
  }
  Status written = committer_->Run([&row](store::Transaction& tx) { return SaveOne(tx, *row); });
  Settle(*shard, *row, change, written.ok());
  if (!written.ok()) return written;
  return std::move(*row);
}

void ReservationEngine::Settle(Shard& shard, const Reservation& row, Change change, bool durable) {
  {
    std::lock_guard lock(shard.mu);
    shard.busy.erase(row.id.value());
    if (!durable) return;
    if (change == Change::kConfirm) {
      (void)shard.book.Confirm(row.id);
      return;
    }
    // Counted under the shard's lock, before the stock shows as free again: whoever sees the
    // stock back (under this lock) also sees the count.
    (change == Change::kLapse ? lapsed_ : released_).fetch_add(1, std::memory_order_relaxed);
    (void)shard.book.Release(row.id);
  }
  Forget(row);
}

// A reservation that left the book: no longer found by id or key in memory.
void ReservationEngine::Forget(const Reservation& reservation) {
  {
    std::lock_guard lock(index_mu_);
    index_.erase(reservation.id.value());
  }
  if (!reservation.client_key.empty()) {
    std::lock_guard lock(keys_mu_);
    auto it = keys_.find(KeyName(reservation.tenant_id, reservation.client_key));
    if (it != keys_.end() && it->second.id == reservation.id.value()) keys_.erase(it);
  }
}

Result<std::int64_t> ReservationEngine::ReleaseLapsed() {
  XB_RETURN_IF_ERROR(CheckRunning());
  const Timestamp now = clock_.Now();
  struct Pending {
    Shard* shard;
    Reservation row;
    std::future<Status> written;
  };
  std::vector<Pending> pending;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    for (ReservationId id : shard->book.Lapsed(now)) {
      const Reservation* held = shard->book.Find(id);
      if (held == nullptr || !shard->Quiet(id.value())) continue;
      shard->busy.insert(id.value());
      pending.push_back({shard.get(), Changed(*held, Change::kLapse, now), {}});
    }
  }
  for (auto& p : pending) {
    const Reservation* row = &p.row;  // stable: `pending` does not grow any more
    p.written = committer_->Submit([row](store::Transaction& tx) { return SaveOne(tx, *row); });
  }
  std::int64_t count = 0;
  Status first_error;
  for (auto& p : pending) {
    Status st = p.written.get();
    Settle(*p.shard, p.row, Change::kLapse, st.ok());
    if (st.ok()) {
      ++count;
    } else if (first_error.ok()) {
      first_error = st;
    }
  }
  if (!first_error.ok()) return first_error;
  return count;
}

void ReservationEngine::SweepLoop() {
  std::unique_lock lock(sweep_mu_);
  while (running_.load()) {
    sweep_cv_.wait_for(lock, options_.sweep_every, [&] { return !running_.load(); });
    if (!running_.load()) break;
    lock.unlock();
    (void)ReleaseLapsed();  // a failed write is tried again at the next sweep
    lock.lock();
  }
}

// ---- the in-memory side of stock postings ----

Status ReservationEngine::Withdraw(const PoolKey& pool, inventory::LotId lot, std::int64_t qty) {
  XB_RETURN_IF_ERROR(CheckRunning());
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  return shard.book.Withdraw(pool, lot, qty);
}

Result<inventory::StockLoss> ReservationEngine::TakeLoss(
    const PoolKey& pool, inventory::LotId lot, std::int64_t qty,
    const std::unordered_set<std::int64_t>& held) {
  XB_RETURN_IF_ERROR(CheckRunning());
  const Timestamp now = clock_.Now();
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  const auto may_change = [&](ReservationId id) {
    const std::int64_t v = id.value();
    if (held.contains(v)) return !shard.unacked.contains(v) && !shard.picking.contains(v);
    return shard.Quiet(v);
  };
  XB_ASSIGN_OR_RETURN(auto loss, shard.book.TakeLoss(pool, lot, qty, now, may_change));
  for (const auto& s : loss.reservations) shard.busy.insert(s.after.id.value());
  return loss;
}

void ReservationEngine::UndoLoss(const inventory::StockLoss& loss,
                                 std::span<const std::int64_t> marked) {
  Shard& shard = ShardOf(loss.pool);
  std::lock_guard lock(shard.mu);
  shard.book.UndoLoss(loss);
  for (const std::int64_t id : marked) shard.busy.erase(id);
}

void ReservationEngine::LossCommitted(const PoolKey& pool, std::span<const std::int64_t> marked) {
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  for (const std::int64_t id : marked) shard.busy.erase(id);
}

void ReservationEngine::Deposit(const PoolKey& pool, inventory::LotId lot,
                                std::optional<Date> expiry, std::int64_t qty) {
  if (!running_.load()) return;  // the books are rebuilt from the store at the next Start
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  shard.book.Deposit(pool, lot, expiry, qty);
}

Status ReservationEngine::TakeForPick(TenantId tenant, ReservationId id, inventory::LotId lot,
                                      std::int64_t qty) {
  XB_RETURN_IF_ERROR(CheckRunning());
  Shard* shard = ShardOfReservation(tenant, id);
  const auto not_active = [&] {
    return FailedPrecondition("ref_id: reservation " + IdText(id) + " is not active", "ref_id");
  };
  if (shard == nullptr) return not_active();
  std::optional<std::int64_t> evicted;
  {
    std::lock_guard lock(shard->mu);
    const Reservation* held = shard->book.Find(id);
    if (held == nullptr || held->tenant_id != tenant) return not_active();
    if (!shard->Settled(id.value())) {
      return Conflict("reservation " + IdText(id) + " is being changed; retry");
    }
    XB_RETURN_IF_ERROR(shard->book.TakeForPick(id, lot, qty));
    ++shard->picking[id.value()];
    if (shard->book.Find(id) == nullptr) {  // consumed: everything is picked
      shard->consumed.push_back(id.value());
      if (shard->consumed.size() > kConsumedKept) {
        const std::int64_t old = shard->consumed.front();
        shard->consumed.pop_front();
        if (shard->book.Find(ReservationId(old)) == nullptr) evicted = old;
      }
    }
  }
  if (evicted) {
    std::lock_guard lock(index_mu_);
    index_.erase(*evicted);
  }
  return Status::Ok();
}

void ReservationEngine::UndoTakeForPick(TenantId tenant, ReservationId id, inventory::LotId lot,
                                        std::int64_t qty) {
  Shard* shard = ShardOfReservation(tenant, id);
  if (shard == nullptr) return;
  std::lock_guard lock(shard->mu);
  shard->book.UndoTakeForPick(id, lot, qty);
  EndTake(*shard, id);
}

void ReservationEngine::TakeForPickCommitted(TenantId tenant, ReservationId id) {
  Shard* shard = ShardOfReservation(tenant, id);
  if (shard == nullptr) return;
  std::lock_guard lock(shard->mu);
  EndTake(*shard, id);
}

void ReservationEngine::EndTake(Shard& shard, ReservationId id) {
  auto it = shard.picking.find(id.value());
  if (it != shard.picking.end() && --it->second <= 0) shard.picking.erase(it);
}

// ---- reads ----

std::optional<Reservation> ReservationEngine::Find(TenantId tenant, ReservationId id) const {
  Shard* shard = ShardOfReservation(tenant, id);
  if (shard == nullptr) return std::nullopt;
  std::lock_guard lock(shard->mu);
  const Reservation* held = shard->book.Find(id);
  if (held == nullptr || held->tenant_id != tenant || shard->unacked.contains(id.value())) {
    return std::nullopt;
  }
  return *held;
}

std::int64_t ReservationEngine::Available(const PoolKey& pool) const {
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  return shard.book.Available(pool);
}

std::vector<inventory::LotAvailability> ReservationEngine::Lots(const PoolKey& pool) const {
  Shard& shard = ShardOf(pool);
  std::lock_guard lock(shard.mu);
  return shard.book.Lots(pool);
}

EngineStats ReservationEngine::stats() const {
  EngineStats s;
  s.reserved = reserved_.load();
  s.refused = refused_.load();
  s.released = released_.load();
  s.lapsed = lapsed_.load();
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    s.active += static_cast<std::int64_t>(shard->book.active_count());
  }
  if (committer_) s.commit = committer_->stats();
  return s;
}

}  // namespace xb::inventory_flow
