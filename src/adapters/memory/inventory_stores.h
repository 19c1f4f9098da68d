// The inventory and warehouse stores held in memory. Their state is plain values copied with the
// rest of the memory database when a writer begins, except the movement log: it only grows, so
// copies share one vector and each state remembers how many of its rows it sees (a writer holds
// the database exclusively, so it can drop the rows of a rolled-back writer and append).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "domain/inventory/inventory.h"
#include "domain/warehouse/tasks.h"

namespace xb::memory {

struct InventoryState {
  std::map<std::int64_t, inventory::Lot> lots;
  std::int64_t next_lot = 1;
  // The ledger: rows [0, movement_count) of the shared vector belong to this state.
  std::shared_ptr<std::vector<inventory::Movement>> movements =
      std::make_shared<std::vector<inventory::Movement>>();
  std::size_t movement_count = 0;
  // Balances by (tenant, key); rows stay at zero once created, as in the SQL tables.
  std::map<std::pair<std::int64_t, inventory::StockKey>, std::int64_t> balances;
  std::map<std::int64_t, inventory::Reservation> reservations;
};

struct WarehouseState {
  std::map<std::int64_t, warehouse::Task> tasks;
  std::int64_t next_task = 1;
  std::map<std::int64_t, warehouse::Parcel> parcels;
  std::int64_t next_parcel = 1;
  // (tenant, counter name) -> last number handed out.
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> counters;
  std::map<std::tuple<std::int64_t, std::string, std::string>, warehouse::DeviceEventRecord>
      device_events;
};

class MemoryInventoryStore final : public inventory::InventoryStore {
 public:
  explicit MemoryInventoryStore(InventoryState& s) : s_(s) {}

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

  Result<std::vector<PoolStock>> LoadAvailableStock() override;
  Result<std::vector<inventory::Reservation>> LoadActiveReservations() override;
  Result<std::int64_t> MaxReservationId() override;

 private:
  InventoryState& s_;
};

class MemoryWarehouseStore final : public warehouse::WarehouseStore {
 public:
  explicit MemoryWarehouseStore(WarehouseState& s) : s_(s) {}

  Result<warehouse::Task> InsertTask(warehouse::Task task) override;
  Result<warehouse::Task> GetTask(TenantId tenant, warehouse::TaskId id) override;
  Status UpdateTask(const warehouse::Task& task, std::int64_t expected_version) override;
  Result<std::pair<std::vector<warehouse::Task>, std::int64_t>> ListTasks(
      TenantId tenant, const warehouse::TaskQuery& query) override;
  Result<std::int64_t> NextTaskNumber(TenantId tenant, warehouse::TaskKind kind) override;

  Result<warehouse::Parcel> InsertParcel(warehouse::Parcel parcel) override;
  Result<warehouse::Parcel> GetParcel(TenantId tenant, warehouse::ParcelId id) override;
  Status UpdateParcel(const warehouse::Parcel& parcel) override;
  Result<std::pair<std::vector<warehouse::Parcel>, std::int64_t>> ListParcels(
      TenantId tenant, const warehouse::ParcelQuery& query) override;
  Result<std::int64_t> NextSsccSerial(TenantId tenant) override;

  Status InsertDeviceEvent(const warehouse::DeviceEventRecord& record) override;
  Result<std::optional<warehouse::DeviceEventRecord>> FindDeviceEvent(
      TenantId tenant, std::string_view device_id, std::string_view event_key) override;

 private:
  WarehouseState& s_;
};

}  // namespace xb::memory
