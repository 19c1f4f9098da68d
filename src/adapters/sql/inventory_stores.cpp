#include "adapters/sql/inventory_stores.h"

namespace xb::sql {

namespace {
Status Todo() { return Internal("not implemented"); }
}  // namespace

Result<inventory::Lot> SqlInventoryStore::InsertLot(inventory::Lot /*lot*/) { return Todo(); }
Result<inventory::Lot> SqlInventoryStore::GetLot(TenantId /*tenant*/, inventory::LotId /*id*/) {
  return Todo();
}
Result<std::optional<inventory::Lot>> SqlInventoryStore::FindLot(TenantId /*tenant*/,
                                                                 std::int64_t /*sku_id*/,
                                                                 std::string_view /*lot_number*/) {
  return Todo();
}
Result<std::pair<std::vector<inventory::Lot>, std::int64_t>> SqlInventoryStore::ListLots(
    TenantId /*tenant*/, const inventory::LotQuery& /*query*/) {
  return Todo();
}
Status SqlInventoryStore::Post(std::span<inventory::Movement> /*movements*/) { return Todo(); }
Result<std::pair<std::vector<inventory::Balance>, std::int64_t>> SqlInventoryStore::ListBalances(
    TenantId /*tenant*/, const inventory::BalanceQuery& /*query*/) {
  return Todo();
}
Result<std::vector<inventory::Balance>> SqlInventoryStore::BalancesAsOf(
    TenantId /*tenant*/, const inventory::BalanceQuery& /*query*/, Timestamp /*at*/) {
  return Todo();
}
Result<std::vector<inventory::Movement>> SqlInventoryStore::ListMovements(
    TenantId /*tenant*/, const inventory::MovementQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> SqlInventoryStore::NetQuantity(TenantId /*tenant*/,
                                                    const inventory::MovementQuery& /*query*/) {
  return Todo();
}
Status SqlInventoryStore::SaveReservations(
    std::span<const inventory::Reservation> /*reservations*/) {
  return Todo();
}
Result<inventory::Reservation> SqlInventoryStore::GetReservation(TenantId /*tenant*/,
                                                                 inventory::ReservationId /*id*/) {
  return Todo();
}
Result<std::optional<inventory::Reservation>> SqlInventoryStore::FindReservationByKey(
    TenantId /*tenant*/, std::string_view /*client_key*/) {
  return Todo();
}
Result<std::pair<std::vector<inventory::Reservation>, std::int64_t>>
SqlInventoryStore::ListReservations(TenantId /*tenant*/,
                                    const inventory::ReservationQuery& /*query*/) {
  return Todo();
}
Status SqlInventoryStore::AddPicked(TenantId /*tenant*/, inventory::ReservationId /*id*/,
                                    inventory::LotId /*lot*/, std::int64_t /*qty*/,
                                    Timestamp /*at*/) {
  return Todo();
}
Result<std::vector<inventory::InventoryStore::PoolStock>> SqlInventoryStore::LoadAvailableStock() {
  return Todo();
}
Result<std::vector<inventory::Reservation>> SqlInventoryStore::LoadActiveReservations() {
  return Todo();
}
Result<std::int64_t> SqlInventoryStore::MaxReservationId() { return Todo(); }

}  // namespace xb::sql
