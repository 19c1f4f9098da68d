// Posting ledger movements inside a use case's transaction while keeping the reservation engine
// right. One StockPosting per transaction:
//   StockPosting posting(engine);            // engine may be null (tests, tools)
//   XB_RETURN_IF_ERROR(posting.Post(tx, movements));   // any number of times
//   XB_RETURN_IF_ERROR(tx->Commit());
//   posting.Committed();
// Post() first takes from the engine what leaves available stock (Withdraw; TakeForPick for
// kPick movements, whose ref_type is "reservation" and ref_id the reservation id), refusing when
// that would cut into reserved stock, then writes the movements (and the picked quantities) to
// the store. Stock that is physically gone is the exception — a kCountLoss of a count task
// (ref_type kCountTaskRefType) or a kScrap; manual adjustments stay refused: it may take
// reserved stock (ReservationEngine::TakeLoss): the reservations holding the lost lot are shrunk
// and re-reserved from other lots where their rules allow, short otherwise; their rows and one
// business event per reservation ("inventory.reservation.reallocated", or
// "inventory.reservation.short" when it is left short) are written in the same transaction.
// Committed() deposits in the engine what arrived in available stock. Destroying a posting that was
// not committed gives back what it took, so a failed transaction leaves the engine as it was.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "domain/inventory/inventory.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {

class ReservationEngine;

// The ref_type of movements posted by a warehouse task; a count loss of one may take reserved
// stock (the count was recounted before it closed).
inline constexpr std::string_view kCountTaskRefType = "task";

class StockPosting {
 public:
  explicit StockPosting(ReservationEngine* engine) : engine_(engine) {}
  ~StockPosting();
  StockPosting(const StockPosting&) = delete;
  StockPosting& operator=(const StockPosting&) = delete;

  // Validates each movement (inventory::Validate, lots of the right SKU), then applies it.
  Status Post(store::Transaction& tx, std::span<inventory::Movement> movements);
  void Committed();

 private:
  struct Taken {
    inventory::PoolKey pool;
    inventory::LotId lot;
    std::optional<Date> expiry;
    std::int64_t qty = 0;
    std::int64_t reservation_id = 0;  // 0: a Withdraw or a loss
    // A loss (TakeLoss): what it did, the reservations it made busy, the movement's index in
    // its Post call.
    std::optional<inventory::StockLoss> loss;
    std::vector<std::int64_t> marked;
    std::size_t movement = 0;
  };
  struct Arrived {
    inventory::PoolKey pool;
    inventory::LotId lot;
    std::optional<Date> expiry;
    std::int64_t qty = 0;
  };
  // What Post needs to know of a lot or a reservation, looked up once per posting.
  struct LotFacts {
    TenantId tenant_id;
    std::int64_t sku_id = 0;
    std::optional<Date> expiry;
  };
  Result<std::optional<Date>> CheckLot(store::Transaction& tx, const inventory::Movement& m);
  Result<bool> CheckPick(store::Transaction& tx, const inventory::Movement& m,
                         inventory::ReservationId id);
  // Writes the reservations changed by the losses taken since `first`, and their events.
  Status WriteLosses(store::Transaction& tx, std::span<const inventory::Movement> movements,
                     std::size_t first);
  void GiveBack(std::size_t from);

  ReservationEngine* engine_;
  std::vector<Taken> taken_;
  std::vector<Arrived> arrived_;
  std::unordered_map<std::int64_t, LotFacts> lots_;
  // A reservation picks take from, as it was found (held by the engine or stored) before this
  // posting's picks: the store writes the picks from it.
  struct PickedFrom {
    inventory::PoolKey pool;
    inventory::Reservation seen;
  };
  using PickedFromMap = std::unordered_map<std::int64_t, PickedFrom>;
  // Keeps reservation `r` for the rest of the posting.
  PickedFromMap::iterator Remember(inventory::Reservation r);
  PickedFromMap picked_from_;                   // by reservation id
  std::unordered_set<std::int64_t> loss_held_;  // reservations busy by this posting's losses
  bool committed_ = false;
};

}  // namespace xb::inventory_flow
