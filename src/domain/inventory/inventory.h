// Inventory: the stock ledger (immutable movements between places), balances per (warehouse,
// bin, SKU, lot, owner, stock state) derived from it, lots with their expiry rule, first-expired-
// first-out allocation, and reservations. Pure rules and the store port; no I/O, no threads.
#pragma once

#include <compare>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::inventory {

// What may be done with stock in a place. Only kAvailable stock can be reserved.
enum class StockState {
  kAvailable,    // sellable
  kQuarantine,   // awaiting inspection or re-inspection (returns, damaged receipts)
  kCustomsHold,  // held by customs for inspection
  kDamaged,      // not sellable; awaiting scrap or claim
  kPicked,       // picked for an order, staged for packing and shipping
};
std::span<const std::string_view> EnumChoices(StockState);

// Why stock moved. Every movement names one.
enum class MovementReason {
  kReceipt,    // enters from a supplier (no `from`)
  kPutaway,    // receiving bin → storage bin
  kMove,       // internal move between bins
  kPick,       // storage bin (available) → staging (picked), against a reservation
  kUnpick,     // picked → available again (an order cancelled after picking)
  kShip,       // leaves the warehouse (no `to`)
  kCountGain,  // a count found more (no `from`)
  kCountLoss,  // a count found less (no `to`)
  kHold,       // available → quarantine / customs hold
  kRelease,    // quarantine / customs hold → available
  kScrap,      // leaves as waste (no `to`)
  kReturn,     // a consumer return enters (no `from`), normally into quarantine
};
std::span<const std::string_view> EnumChoices(MovementReason);

struct LotTag {};
using LotId = Id<LotTag>;  // 0: the SKU is not lot-controlled

// A production lot of one SKU. Expiry rule, stated once: a lot is usable through the end of its
// expiry date and expired from the next day.
struct Lot {
  LotId id;
  TenantId tenant_id;
  std::int64_t sku_id = 0;
  std::string lot_number;  // GS1 AI 10: 1..20 characters of the GS1 AI character set 82
  std::optional<Date> production_date;
  std::optional<Date> expiry_date;
  Timestamp created_at;
};
// Lot number form, production ≤ expiry.
Status Validate(const Lot& lot);
// expiry_date < today. A lot without expiry never expires.
bool IsExpired(const Lot& lot, Date today);
bool IsExpired(std::optional<Date> expiry, Date today);
// Days from today to the expiry date (0 on the expiry date itself, negative once expired);
// absent when the lot has no expiry.
std::optional<std::int64_t> RemainingShelfLifeDays(std::optional<Date> expiry, Date today);
// Usable today with at least `min_remaining_days` days left (no expiry: always true).
bool MeetsShelfLife(std::optional<Date> expiry, Date today, std::int64_t min_remaining_days);

// A place stock can be in: a bin of a warehouse, in one state.
struct Place {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  StockState state = StockState::kAvailable;
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const Place&) const = default;
};

// The key balances are kept by.
struct StockKey {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  std::int64_t sku_id = 0;
  LotId lot_id;
  std::string owner;  // the merchant who owns the goods (a code; "own" for the tenant itself)
  StockState state = StockState::kAvailable;
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const StockKey&) const = default;
};

inline constexpr std::string_view kOwnStock = "own";
// Owner codes: 1..32 characters of [A-Za-z0-9_.-].
Status ValidateOwner(std::string_view owner);

// One immutable ledger line. `from` absent: stock enters; `to` absent: stock leaves.
struct Movement {
  std::int64_t id = 0;  // assigned by the store, increasing in posting order
  TenantId tenant_id;
  std::int64_t sku_id = 0;
  LotId lot_id;
  std::string owner{kOwnStock};
  std::optional<Place> from;
  std::optional<Place> to;
  std::int64_t quantity = 0;  // > 0, in the SKU's base unit
  MovementReason reason = MovementReason::kMove;
  std::string ref_type;  // the document: "task", "purchase_order", "order", "count", ...
  std::string ref_id;
  std::string device;  // scanner terminal id, when a device posted it
  std::string actor;
  std::string note;  // the adjustment reason code for counts and scraps
  Timestamp at;
};
// Positive quantity, at least one side, from ≠ to, the sides the reason requires, one warehouse
// per movement (transfers between warehouses are a ship and a receipt).
Status Validate(const Movement& movement);
// The key of one side of a movement.
StockKey KeyOf(const Movement& movement, const Place& place);

struct Balance {
  StockKey key;
  std::int64_t on_hand = 0;
  std::optional<Date> expiry_date;  // the lot's, filled in by queries
  std::string lot_number;           // the lot's, filled in by queries
};

// ---- reservations ----

struct ReservationTag {};
using ReservationId = Id<ReservationTag>;

enum class ReservationState { kActive, kReleased, kExpired, kConsumed };
std::span<const std::string_view> EnumChoices(ReservationState);

struct ReservationLine {
  LotId lot_id;
  std::int64_t quantity = 0;
  std::int64_t picked = 0;  // taken by picking; never more than quantity
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const ReservationLine&) const = default;
};

// Stock of one SKU of one owner in one warehouse set aside for an order, lot by lot (FEFO).
struct Reservation {
  ReservationId id;
  TenantId tenant_id;
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string owner{kOwnStock};
  std::string order_ref;   // the order (or line) this is for
  std::string client_key;  // the caller's idempotency key, unique per tenant when given
  std::vector<ReservationLine> lines;
  ReservationState state = ReservationState::kActive;
  std::optional<Timestamp> expires_at;  // unconfirmed reservations lapse; confirmed: absent
  Timestamp created_at;
  Timestamp updated_at;
  // The minimum remaining shelf life it was made with (the channel's), which stock re-reserved
  // for it after a loss must meet too. Absent: unknown (a store that does not keep it).
  std::optional<std::int64_t> min_remaining_days;
  // Units it held that were lost (count loss, scrap) and could not be re-reserved: the order is
  // short by this much. Quantity() + short_quantity is what the order asked for.
  std::int64_t short_quantity = 0;

  std::int64_t Quantity() const;
  std::int64_t Picked() const;
  std::int64_t Outstanding() const { return Quantity() - Picked(); }
};

// A lot's stock that can still be reserved, as FEFO sees it.
struct LotAvailability {
  LotId lot_id;
  std::optional<Date> expiry_date;
  std::int64_t available = 0;
};

// First expired, first out: takes `quantity` from the lots in order of expiry (earliest first,
// lots without expiry last, then by lot id), skipping expired lots and lots with fewer than
// `min_remaining_days` of shelf life left. All or nothing: kFailedPrecondition with the
// quantity that could be allocated when there is not enough.
Result<std::vector<ReservationLine>> AllocateFefo(std::span<const LotAvailability> lots,
                                                  std::int64_t quantity, Date today,
                                                  std::int64_t min_remaining_days);

// The pool reservations draw from: one SKU of one owner in one warehouse of one tenant.
struct PoolKey {
  TenantId tenant_id;
  std::int64_t warehouse_id = 0;
  std::int64_t sku_id = 0;
  std::string owner{kOwnStock};
  // NOLINTNEXTLINE(modernize-use-nullptr)
  auto operator<=>(const PoolKey&) const = default;
};
PoolKey PoolOf(const Reservation& reservation);

// What a loss of reserved stock did to one reservation.
struct ReservationShrink {
  Reservation before;
  Reservation after;
  std::int64_t lost = 0;                     // taken off its line of the lost lot
  std::vector<ReservationLine> re_reserved;  // added from other lots of the pool (FEFO)
  std::int64_t short_added = 0;              // lost − re-reserved
};

// Stock that is physically gone (count loss, scrap) as the book took it: first stock of the lot
// that no reservation holds, then the rest from the reservations holding the lot.
struct StockLoss {
  PoolKey pool;
  LotId lot;
  std::int64_t quantity = 0;
  std::int64_t unreserved = 0;  // taken from stock no reservation held
  std::vector<ReservationShrink> reservations;
};

// The in-memory state of reservations for a set of pools: per lot, the stock that can still be
// reserved (available on hand minus outstanding reservations), and each active reservation's
// outstanding lines. Single-threaded: one writer owns a book (a shard of the reservation engine).
// Every method either applies completely or changes nothing.
class ReservationBook {
 public:
  // Start-up: the available on-hand of a lot (summed over bins), before reservations are loaded.
  void AddStock(const PoolKey& pool, LotId lot, std::optional<Date> expiry, std::int64_t qty);
  // Start-up and normal operation: an active reservation takes its outstanding lines.
  // Loading at start-up does not check availability (the store is the truth).
  void Load(const Reservation& reservation);

  // Stock became available (receipt put away, hold released, count gain): adds to the lot.
  void Deposit(const PoolKey& pool, LotId lot, std::optional<Date> expiry, std::int64_t qty);
  // Stock leaves the available state other than by picking a reservation (hold, scrap, count
  // loss, move to quarantine). kFailedPrecondition when that would cut into reserved stock.
  Status Withdraw(const PoolKey& pool, LotId lot, std::int64_t qty);
  // Stock physically gone (count loss, scrap): `qty` of `lot` is taken first from stock of the
  // lot no reservation holds; the rest shrinks the reservations holding the lot — unconfirmed
  // ones before confirmed ones, the latest expiring first, then the most recent (highest id)
  // first. Each shrunk reservation is re-reserved what it lost from the pool's other lots, FEFO,
  // with its minimum remaining shelf life as of `now` (unknown: only lots not expired and
  // expiring no earlier than the lost lot, which met the minimum when it was reserved);
  // what cannot be re-reserved is added to its short_quantity. kConflict when a reservation to
  // shrink may not change now (`may_change` false); kFailedPrecondition when the lot's stock in
  // the book (free plus reserved) is less than `qty`.
  Result<StockLoss> TakeLoss(const PoolKey& pool, LotId lot, std::int64_t qty, Timestamp now,
                             const std::function<bool(ReservationId)>& may_change);
  // Undo of TakeLoss when its movement could not be posted (the reservations it changed have not
  // changed since).
  void UndoLoss(const StockLoss& loss);

  // FEFO over the pool's lots; on success the reservation's lines are filled in and recorded.
  // kFailedPrecondition when there is not enough; kAlreadyExists when the id is in the book.
  Result<Reservation> Reserve(Reservation reservation, std::int64_t quantity, Date today,
                              std::int64_t min_remaining_days);
  // Gives the outstanding quantities back; returns the reservation as it was. kNotFound if not
  // active in the book.
  Result<Reservation> Release(ReservationId id);
  // Picking takes `qty` of `lot` from the reservation: kFailedPrecondition when more than is
  // outstanding on that lot. Available stock does not change (on hand and reserved both drop).
  // A reservation with nothing left outstanding is consumed and leaves the book.
  Status TakeForPick(ReservationId id, LotId lot, std::int64_t qty);
  // Undo of TakeForPick when the pick could not be posted.
  void UndoTakeForPick(ReservationId id, LotId lot, std::int64_t qty);
  // Clears the expiry of an active reservation (the order was accepted).
  Status Confirm(ReservationId id);

  // Active reservations whose expires_at is at or before `now`, by id. Costs in proportion to
  // the lapsed ones, not to every active reservation (the sweeper calls it under the engine's
  // shard lock, which every reservation of the shard waits for).
  std::vector<ReservationId> Lapsed(Timestamp now) const;
  const Reservation* Find(ReservationId id) const;
  // Reservable quantity of a pool (all lots, regardless of expiry) and per lot.
  std::int64_t Available(const PoolKey& pool) const;
  std::vector<LotAvailability> Lots(const PoolKey& pool) const;
  std::size_t active_count() const;

 private:
  struct LotStock {
    std::optional<Date> expiry;
    std::int64_t available = 0;
  };
  // Fully picked reservations leave active_; the most recent kUndoWindow are kept so that
  // UndoTakeForPick can bring one back when its pick could not be posted.
  static constexpr std::size_t kUndoWindow = 65536;
  void RememberConsumed(Reservation reservation);
  // Keeps expiring_ in step with an active reservation's expires_at.
  void TrackExpiry(const Reservation& reservation);
  void UntrackExpiry(const Reservation& reservation);

  std::map<PoolKey, std::map<LotId, LotStock>> pools_;
  // By reservation id. An ordered tree, not a hash table: a hash table doubles its buckets
  // and relinks every entry at once as it grows, which held the engine's shard lock for
  // 25-90 ms at 100,000-300,000 active reservations; a tree grows one node at a time.
  std::map<std::int64_t, Reservation> active_;
  // (expires_at in microseconds, id) of every active reservation that lapses, soonest first.
  std::set<std::pair<std::int64_t, std::int64_t>> expiring_;
  std::map<std::int64_t, Reservation> consumed_;  // by reservation id, see kUndoWindow
  std::deque<std::int64_t> consumed_order_;       // oldest first
};

// ---- queries and the store port ----

struct BalanceQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::int64_t> bin_id;
  std::optional<std::int64_t> sku_id;
  std::optional<LotId> lot_id;
  std::optional<std::string> owner;
  std::optional<StockState> state;
  std::optional<Date> expires_before;  // lots with expiry on or before this date
  std::optional<Date> expires_after;   // lots with expiry on or after this date
  bool include_zero = false;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct MovementQuery {
  std::optional<std::int64_t> sku_id;
  std::optional<std::int64_t> warehouse_id;
  std::optional<LotId> lot_id;
  std::optional<std::string> owner;
  std::optional<std::string> ref_type;
  std::optional<std::string> ref_id;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  std::int64_t after_id = 0;      // keyset paging: movements with id > after_id, ascending
  std::int64_t limit = 100;
};

struct LotQuery {
  std::optional<std::int64_t> sku_id;
  std::optional<std::string> lot_number;
  std::optional<Date> expires_before;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct ReservationQuery {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::int64_t> sku_id;
  std::optional<std::string> order_ref;
  std::optional<ReservationState> state;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// Persistence of lots, the ledger with its balances, and reservations.
class InventoryStore {
 public:
  virtual ~InventoryStore() = default;

  virtual Result<Lot> InsertLot(Lot lot) = 0;  // kAlreadyExists on (tenant, sku, lot_number)
  virtual Result<Lot> GetLot(TenantId tenant, LotId id) = 0;
  virtual Result<std::optional<Lot>> FindLot(TenantId tenant, std::int64_t sku_id,
                                             std::string_view lot_number) = 0;
  virtual Result<std::pair<std::vector<Lot>, std::int64_t>> ListLots(TenantId tenant,
                                                                     const LotQuery& query) = 0;

  // Appends the movements (ids assigned in order, written back) and applies them to the balances
  // in this transaction. kFailedPrecondition, naming the place, when a balance would go below
  // zero; nothing is written then.
  virtual Status Post(std::span<Movement> movements) = 0;
  virtual Result<std::pair<std::vector<Balance>, std::int64_t>> ListBalances(
      TenantId tenant, const BalanceQuery& query) = 0;
  // Balances as they were just before `at` (current balances minus later movements).
  virtual Result<std::vector<Balance>> BalancesAsOf(TenantId tenant, const BalanceQuery& query,
                                                    Timestamp at) = 0;
  virtual Result<std::vector<Movement>> ListMovements(TenantId tenant,
                                                      const MovementQuery& query) = 0;
  // Net quantity of the movements matching the query (entering − leaving the query's scope),
  // used for running balances of a stock card.
  virtual Result<std::int64_t> NetQuantity(TenantId tenant, const MovementQuery& query) = 0;

  // Reservations are written whole (insert or replace by id).
  virtual Status SaveReservations(std::span<const Reservation> reservations) = 0;
  virtual Result<Reservation> GetReservation(TenantId tenant, ReservationId id) = 0;
  virtual Result<std::optional<Reservation>> FindReservationByKey(TenantId tenant,
                                                                  std::string_view client_key) = 0;
  virtual Result<std::pair<std::vector<Reservation>, std::int64_t>> ListReservations(
      TenantId tenant, const ReservationQuery& query) = 0;
  // Picking: adds to one line's picked quantity (kFailedPrecondition beyond the reserved
  // quantity); the reservation becomes consumed when everything is picked.
  virtual Status AddPicked(TenantId tenant, ReservationId id, LotId lot, std::int64_t qty,
                           Timestamp at) = 0;

  // Batch forms for a posting of many picks (a wave of thousands of lines); an adapter may answer
  // each with a few statements. The defaults call the single forms.
  // The reservations among `ids` that exist (missing ids are left out), in no particular order.
  virtual Result<std::vector<Reservation>> GetReservations(TenantId tenant,
                                                           std::span<const ReservationId> ids) {
    std::vector<Reservation> found;
    found.reserve(ids.size());
    for (const ReservationId id : ids) {
      auto r = GetReservation(tenant, id);
      if (!r.ok()) {
        if (r.status().code() == ErrorCode::kNotFound) continue;
        return r.status();
      }
      found.push_back(std::move(r).value());
    }
    return found;
  }
  // AddPicked for each pick, in order (a reservation may appear more than once); on an error
  // the caller rolls back its transaction. A pick may point at its reservation as the caller
  // last saw it stored (`seen`, from this store or from the reservation engine that writes it):
  // a store may then write from it without reading the reservation first, on the condition
  // that it is still stored so, and otherwise reads it as without (the outcome is the same).
  struct Pick {
    ReservationId id;
    LotId lot;
    std::int64_t qty = 0;
    Timestamp at;
    const Reservation* seen = nullptr;
  };
  virtual Status AddPickedBatch(TenantId tenant, std::span<const Pick> picks) {
    for (const Pick& p : picks) XB_RETURN_IF_ERROR(AddPicked(tenant, p.id, p.lot, p.qty, p.at));
    return Status::Ok();
  }

  // Start-up of the reservation engine, across all tenants: every available balance summed over
  // bins per (tenant, warehouse, SKU, owner, lot) with the lot's expiry, every active
  // reservation, and the highest reservation id ever used.
  struct PoolStock {
    PoolKey pool;
    LotId lot_id;
    std::optional<Date> expiry_date;
    std::int64_t available_on_hand = 0;
  };
  virtual Result<std::vector<PoolStock>> LoadAvailableStock() = 0;
  virtual Result<std::vector<Reservation>> LoadActiveReservations() = 0;
  virtual Result<std::int64_t> MaxReservationId() = 0;
};

}  // namespace xb::inventory
