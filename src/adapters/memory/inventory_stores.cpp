#include "adapters/memory/inventory_stores.h"

namespace xb::memory {

namespace {
Status Todo() { return Internal("not implemented"); }
}  // namespace

Result<inventory::Lot> MemoryInventoryStore::InsertLot(inventory::Lot /*lot*/) { return Todo(); }
Result<inventory::Lot> MemoryInventoryStore::GetLot(TenantId /*tenant*/, inventory::LotId /*id*/) {
  return Todo();
}
Result<std::optional<inventory::Lot>> MemoryInventoryStore::FindLot(
    TenantId /*tenant*/, std::int64_t /*sku_id*/, std::string_view /*lot_number*/) {
  return Todo();
}
Result<std::pair<std::vector<inventory::Lot>, std::int64_t>> MemoryInventoryStore::ListLots(
    TenantId /*tenant*/, const inventory::LotQuery& /*query*/) {
  return Todo();
}
Status MemoryInventoryStore::Post(std::span<inventory::Movement> /*movements*/) { return Todo(); }
Result<std::pair<std::vector<inventory::Balance>, std::int64_t>> MemoryInventoryStore::ListBalances(
    TenantId /*tenant*/, const inventory::BalanceQuery& /*query*/) {
  return Todo();
}
Result<std::vector<inventory::Balance>> MemoryInventoryStore::BalancesAsOf(
    TenantId /*tenant*/, const inventory::BalanceQuery& /*query*/, Timestamp /*at*/) {
  return Todo();
}
Result<std::vector<inventory::Movement>> MemoryInventoryStore::ListMovements(
    TenantId /*tenant*/, const inventory::MovementQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> MemoryInventoryStore::NetQuantity(TenantId /*tenant*/,
                                                       const inventory::MovementQuery& /*query*/) {
  return Todo();
}
Status MemoryInventoryStore::SaveReservations(
    std::span<const inventory::Reservation> /*reservations*/) {
  return Todo();
}
Result<inventory::Reservation> MemoryInventoryStore::GetReservation(
    TenantId /*tenant*/, inventory::ReservationId /*id*/) {
  return Todo();
}
Result<std::optional<inventory::Reservation>> MemoryInventoryStore::FindReservationByKey(
    TenantId /*tenant*/, std::string_view /*client_key*/) {
  return Todo();
}
Result<std::pair<std::vector<inventory::Reservation>, std::int64_t>>
MemoryInventoryStore::ListReservations(TenantId /*tenant*/,
                                       const inventory::ReservationQuery& /*query*/) {
  return Todo();
}
Status MemoryInventoryStore::AddPicked(TenantId /*tenant*/, inventory::ReservationId /*id*/,
                                       inventory::LotId /*lot*/, std::int64_t /*qty*/,
                                       Timestamp /*at*/) {
  return Todo();
}
Result<std::vector<inventory::InventoryStore::PoolStock>>
MemoryInventoryStore::LoadAvailableStock() {
  return Todo();
}
Result<std::vector<inventory::Reservation>> MemoryInventoryStore::LoadActiveReservations() {
  return Todo();
}
Result<std::int64_t> MemoryInventoryStore::MaxReservationId() { return Todo(); }

Result<warehouse::Task> MemoryWarehouseStore::InsertTask(warehouse::Task /*task*/) {
  return Todo();
}
Result<warehouse::Task> MemoryWarehouseStore::GetTask(TenantId /*tenant*/,
                                                      warehouse::TaskId /*id*/) {
  return Todo();
}
Status MemoryWarehouseStore::UpdateTask(const warehouse::Task& /*task*/,
                                        std::int64_t /*expected_version*/) {
  return Todo();
}
Result<std::pair<std::vector<warehouse::Task>, std::int64_t>> MemoryWarehouseStore::ListTasks(
    TenantId /*tenant*/, const warehouse::TaskQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> MemoryWarehouseStore::NextTaskNumber(TenantId /*tenant*/,
                                                          warehouse::TaskKind /*kind*/) {
  return Todo();
}
Result<warehouse::Parcel> MemoryWarehouseStore::InsertParcel(warehouse::Parcel /*parcel*/) {
  return Todo();
}
Result<warehouse::Parcel> MemoryWarehouseStore::GetParcel(TenantId /*tenant*/,
                                                          warehouse::ParcelId /*id*/) {
  return Todo();
}
Status MemoryWarehouseStore::UpdateParcel(const warehouse::Parcel& /*parcel*/) { return Todo(); }
Result<std::pair<std::vector<warehouse::Parcel>, std::int64_t>> MemoryWarehouseStore::ListParcels(
    TenantId /*tenant*/, const warehouse::ParcelQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> MemoryWarehouseStore::NextSsccSerial(TenantId /*tenant*/) { return Todo(); }
Status MemoryWarehouseStore::InsertDeviceEvent(const warehouse::DeviceEventRecord& /*record*/) {
  return Todo();
}
Result<std::optional<warehouse::DeviceEventRecord>> MemoryWarehouseStore::FindDeviceEvent(
    TenantId /*tenant*/, std::string_view /*device_id*/, std::string_view /*event_key*/) {
  return Todo();
}

}  // namespace xb::memory
