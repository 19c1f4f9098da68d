// The SQL implementation of the inventory store (lots, the movement ledger with its balances,
// reservations), written once for SQLite and PostgreSQL against sql::Connection (tables of
// migration 0003_inventory).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/sql/connection.h"
#include "domain/inventory/inventory.h"

namespace xb::sql {

class SqlInventoryStore final : public inventory::InventoryStore {
 public:
  explicit SqlInventoryStore(Connection& c) : c_(c) {}
  Result<inventory::Lot> InsertLot(inventory::Lot lot) override;
  Result<inventory::Lot> GetLot(TenantId tenant, inventory::LotId id) override;
  Result<std::optional<inventory::Lot>> FindLot(TenantId tenant, std::int64_t sku_id,
                                                std::string_view lot_number) override;
  Result<std::pair<std::vector<inventory::Lot>, std::int64_t>> ListLots(
      TenantId tenant, const inventory::LotQuery& query) override;

  Status Post(std::span<inventory::Movement> movements) override;
  Result<std::pair<std::vector<inventory::Balance>, std::int64_t>> ListBalances(
      TenantId tenant, const inventory::BalanceQuery& query) override;
  Result<std::vector<inventory::Balance>> BalancesAsOf(TenantId tenant,
                                                       const inventory::BalanceQuery& query,
                                                       Timestamp at) override;
  Result<std::vector<inventory::Movement>> ListMovements(
      TenantId tenant, const inventory::MovementQuery& query) override;
  Result<std::int64_t> NetQuantity(TenantId tenant, const inventory::MovementQuery& query) override;

  Status SaveReservations(std::span<const inventory::Reservation> reservations) override;
  Result<inventory::Reservation> GetReservation(TenantId tenant,
                                                inventory::ReservationId id) override;
  Result<std::optional<inventory::Reservation>> FindReservationByKey(
      TenantId tenant, std::string_view client_key) override;
  Result<std::pair<std::vector<inventory::Reservation>, std::int64_t>> ListReservations(
      TenantId tenant, const inventory::ReservationQuery& query) override;
  Status AddPicked(TenantId tenant, inventory::ReservationId id, inventory::LotId lot,
                   std::int64_t qty, Timestamp at) override;
  Result<std::vector<inventory::Reservation>> GetReservations(
      TenantId tenant, std::span<const inventory::ReservationId> ids) override;
  Status AddPickedBatch(TenantId tenant,
                        std::span<const inventory::InventoryStore::Pick> picks) override;

  Result<std::vector<PoolStock>> LoadAvailableStock() override;
  Result<std::vector<inventory::Reservation>> LoadActiveReservations() override;
  Result<std::int64_t> MaxReservationId() override;

  // Whether a posting of this transaction found the ledger's recent movements due to move to
  // the per-SKU look-up (MoveRecentMovements); the database then runs the move after the commit.
  bool move_due() const { return move_due_; }

 private:
  // A reservation that picks change: as stored (read, or seen by the caller), then picked.
  struct PickedVersion {
    inventory::Reservation now;
    std::string before;  // the lines as stored
    bool seen = false;   // given by the caller, not read
    bool stale = false;  // seen, but no longer so: to be read again
  };
  using PickedVersions = std::unordered_map<std::int64_t, PickedVersion>;
  Status ReadForPicking(TenantId tenant, std::span<const inventory::ReservationId> ids,
                        PickedVersions& versions);
  Status WritePicks(TenantId tenant, std::span<const inventory::InventoryStore::Pick> picks,
                    std::span<const inventory::ReservationId> ids, PickedVersions& versions,
                    std::vector<inventory::ReservationId>& stale);

  Connection& c_;
  bool move_due_ = false;
};

// The background step of the ledger's per-SKU look-up (migration 0005): moves the recent
// movements to inventory_movement_by_sku, a slice of SKUs per write transaction of its own, so
// that no posting waits for a whole move. Each transaction runs on a connection from `acquire`,
// given back to `release` once it has ended (the database's writer connection, which postings
// take in turn: a posting that asks while a slice runs goes before the next slice). When
// `between` (asked between two slices) returns false the move stops there, the rest left for the
// next. Returns the number of write transactions it committed.
Result<std::int64_t> MoveRecentMovements(
    const std::function<Result<std::unique_ptr<Connection>>()>& acquire,
    const std::function<void(std::unique_ptr<Connection>)>& release,
    const std::function<bool()>& between = nullptr);

}  // namespace xb::sql
