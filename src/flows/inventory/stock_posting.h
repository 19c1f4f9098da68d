// Posting ledger movements inside a use case's transaction while keeping the reservation engine
// right. One StockPosting per transaction:
//   StockPosting posting(engine);            // engine may be null (tests, tools)
//   XB_RETURN_IF_ERROR(posting.Post(tx, movements));   // any number of times
//   XB_RETURN_IF_ERROR(tx->Commit());
//   posting.Committed();
// Post() first takes from the engine what leaves available stock (Withdraw; TakeForPick for
// kPick movements, whose ref_type is "reservation" and ref_id the reservation id), refusing when
// that would cut into reserved stock, then writes the movements (and the picked quantities) to
// the store. Committed() deposits in the engine what arrived in available stock. Destroying a
// posting that was not committed gives back what it took, so a failed transaction leaves the
// engine as it was.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "domain/inventory/inventory.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {

class ReservationEngine;

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
    std::int64_t reservation_id = 0;  // 0: a Withdraw
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
  PickedFromMap picked_from_;  // by reservation id
  bool committed_ = false;
};

}  // namespace xb::inventory_flow
