// Use cases of stock: what is where (balances, a summary per SKU with reserved, held, inbound and
// projected quantities, stock as of a past time, expiring stock), the stock card of a SKU, the
// ledger, lots, manual changes (count adjustments, holds and releases) and reservations for
// orders. Manual changes are posted through StockPosting, so reserved stock is never taken, and
// commit with their business event in one transaction. Reservations go to the ReservationEngine
// (the hot path); this service checks the request at the edge first. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/access/access.h"
#include "domain/inventory/inventory.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {

// Who asks, under which request id, and (for writes) the retry key with a hash of the request.
struct RequestContext {
  access::Principal principal;
  std::string request_id;
  std::optional<std::string> idempotency_key;
  std::string request_hash;
};

template <class T>
struct Created {
  T record;
  bool replayed = false;  // an earlier request with the same Idempotency-Key made it
};

// ---- queries ----

struct SummaryQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::int64_t> sku_id;
  std::optional<std::string> owner;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// Stock of one SKU of one owner in one warehouse. on_hand counts every state; available is the
// available state minus what reservations hold; held is quarantine + customs hold + damaged;
// inbound is what open purchase orders (confirmed, partly received) still expect, less what open
// receive tasks have already received against them (on hand already, on the order only once the
// task closes); in_transit is what open advance-notice (ASN) receive tasks announce and have not
// received yet; projected is available + inbound + in_transit.
struct StockSummary {
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string owner;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  std::int64_t held = 0;
  std::int64_t picked = 0;
  std::int64_t inbound = 0;
  std::int64_t in_transit = 0;
  std::int64_t projected = 0;
};

struct ExpiringQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::int64_t> sku_id;
  std::optional<std::string> owner;
  std::int64_t days = 30;  // near expiry: expiring within this many days from today
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct ExpiringLine {
  inventory::Balance balance;
  std::int64_t days_left = 0;  // negative once expired
  bool expired = false;        // else near expiry
};

struct ExpiringReport {
  Date today;
  std::vector<ExpiringLine> items;  // soonest expiry first
  std::int64_t total = 0;
};

struct StockCardQuery {
  std::int64_t sku_id = 0;
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::string> owner;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  std::int64_t after_id = 0;      // keyset paging by movement id
  std::int64_t limit = 100;
};

struct CardLine {
  inventory::Movement movement;
  std::int64_t signed_quantity = 0;  // + entering the card's scope, − leaving it, 0 inside it
  std::int64_t running_balance = 0;  // on hand in the scope after this movement
};

struct StockCard {
  std::int64_t sku_id = 0;
  std::int64_t opening_balance = 0;  // on hand in the scope before the first line
  std::vector<CardLine> items;
  std::optional<std::int64_t> next_after_id;  // absent on the last page
};

// ---- writes ----

struct LotDraft {
  std::int64_t sku_id = 0;
  std::string lot_number;
  std::optional<Date> production_date;
  std::optional<Date> expiry_date;
};

// A count adjustment: a positive quantity is a count gain, a negative one a count loss.
struct AdjustmentDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t lot_id = 0;
  std::string owner{inventory::kOwnStock};
  inventory::StockState state = inventory::StockState::kAvailable;
  std::int64_t quantity = 0;
  std::string reason_code;  // 1..32 of [a-z0-9_-]: "cycle_count", "found", "broken", ...
  std::string note;
};

// A hold moves available stock into `state`; a release moves stock in `state` back to available.
struct HoldDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t lot_id = 0;
  std::string owner{inventory::kOwnStock};
  std::int64_t quantity = 0;
  inventory::StockState state = inventory::StockState::kQuarantine;
  std::string note;
};

struct ReserveDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string owner{inventory::kOwnStock};
  std::int64_t quantity = 0;
  std::string order_ref;
  std::optional<std::int64_t> channel_id;          // its min_remaining_shelf_life_days applies
  std::optional<std::int64_t> min_remaining_days;  // overrides the channel's
  std::optional<std::int64_t> hold_seconds;        // 0: no lapse; absent: the engine's default
};

class StockService {
 public:
  // `engine` may be null: reads and lots work, manual changes post without telling an engine
  // (tools and tests on a database no engine serves), and reservations are kUnavailable.
  StockService(store::Database& db, const Clock& clock, ReservationEngine* engine = nullptr);

  // Balances per (warehouse, bin, SKU, lot, owner, state), with the lot's number and expiry.
  Result<std::pair<std::vector<inventory::Balance>, std::int64_t>> ListBalances(
      const access::Principal& principal, const inventory::BalanceQuery& query);
  Result<std::pair<std::vector<StockSummary>, std::int64_t>> Summary(
      const access::Principal& principal, const SummaryQuery& query);
  // Balances as they were just before `at`, and how many there were.
  Result<std::pair<std::vector<inventory::Balance>, std::int64_t>> AsOf(
      const access::Principal& principal, const inventory::BalanceQuery& query, Timestamp at);
  Result<ExpiringReport> Expiring(const access::Principal& principal, const ExpiringQuery& query);
  Result<StockCard> Card(const access::Principal& principal, const StockCardQuery& query);
  Result<std::vector<inventory::Movement>> Movements(const access::Principal& principal,
                                                     const inventory::MovementQuery& query);

  // The exports (CSV) of the lists above: every row the query matches, read in one transaction;
  // the query's limit, offset and after_id are ignored. Same checks and errors as the lists.
  Result<std::vector<inventory::Balance>> ExportBalances(const access::Principal& principal,
                                                         const inventory::BalanceQuery& query);
  Result<std::vector<StockSummary>> ExportSummary(const access::Principal& principal,
                                                  const SummaryQuery& query);
  Result<std::vector<inventory::Balance>> ExportAsOf(const access::Principal& principal,
                                                     const inventory::BalanceQuery& query,
                                                     Timestamp at);
  Result<ExpiringReport> ExportExpiring(const access::Principal& principal,
                                        const ExpiringQuery& query);
  // The whole card of the window: opening balance and every line.
  Result<StockCard> ExportCard(const access::Principal& principal, const StockCardQuery& query);
  Result<std::vector<inventory::Movement>> ExportMovements(const access::Principal& principal,
                                                           const inventory::MovementQuery& query);

  Result<Created<inventory::Lot>> CreateLot(const RequestContext& ctx, const LotDraft& draft);
  Result<inventory::Lot> GetLot(const access::Principal& principal, inventory::LotId id);
  Result<std::pair<std::vector<inventory::Lot>, std::int64_t>> ListLots(
      const access::Principal& principal, const inventory::LotQuery& query);

  Result<Created<inventory::Movement>> Adjust(const RequestContext& ctx,
                                              const AdjustmentDraft& draft);
  Result<Created<inventory::Movement>> Hold(const RequestContext& ctx, const HoldDraft& draft);
  Result<Created<inventory::Movement>> Release(const RequestContext& ctx, const HoldDraft& draft);

  // The request's Idempotency-Key is the reservation's client key: a retry gets the first
  // answer (replayed), the same key with another request is kInvalidArgument.
  Result<ReserveAnswer> Reserve(const RequestContext& ctx, const ReserveDraft& draft);
  // Reserve without waiting for the durable write: `done` is called once, on this thread when the
  // answer is known at once (a bad request, short stock, a replay), otherwise on the engine's
  // committer thread (see ReservationEngine::ReserveAsync): it must be quick and not wait.
  using ReserveDone = std::function<void(Result<ReserveAnswer>)>;
  void ReserveAsync(const RequestContext& ctx, const ReserveDraft& draft, ReserveDone done);
  Result<inventory::Reservation> ReleaseReservation(const RequestContext& ctx,
                                                    inventory::ReservationId id);
  Result<inventory::Reservation> ConfirmReservation(const RequestContext& ctx,
                                                    inventory::ReservationId id);
  Result<inventory::Reservation> GetReservation(const access::Principal& principal,
                                                inventory::ReservationId id);
  Result<std::pair<std::vector<inventory::Reservation>, std::int64_t>> ListReservations(
      const access::Principal& principal, const inventory::ReservationQuery& query);
  // The engine's counters (all tenants): for the operating tenant only. kUnavailable without an
  // engine.
  Result<EngineStats> Engine(const access::Principal& principal);

 private:
  struct ReserveRules {
    std::int64_t min_remaining_days = 0;
  };
  // The checks of a reservation that need master data, cached for a few seconds so the hot path
  // does not read the database on every request.
  Result<ReserveRules> CheckReserve(TenantId tenant, const ReserveDraft& draft);
  // The checks at the edge and the engine's request.
  Result<ReserveRequest> PrepareReserve(const RequestContext& ctx, const ReserveDraft& draft);
  // The engine's answer as callers get it: a refusal says how much is reservable and why; a
  // replay of another request under the same key is refused.
  Result<ReserveAnswer> Explain(const ReserveRequest& request, Result<ReserveAnswer> answer) const;
  // Checks the movement's place, SKU and lot, posts it with its event, honouring the retry key.
  Result<Created<inventory::Movement>> PostOne(const RequestContext& ctx, std::string_view kind,
                                               inventory::Movement movement,
                                               const std::string& event_type);

  store::Database& db_;
  const Clock& clock_;
  ReservationEngine* engine_;

  struct CacheEntry {
    std::int64_t value = 0;
    Timestamp until;
  };
  std::mutex cache_mu_;
  std::map<std::tuple<std::int64_t, char, std::int64_t>, CacheEntry> cache_;
};

}  // namespace xb::inventory_flow
