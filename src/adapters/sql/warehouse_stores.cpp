#include "adapters/sql/warehouse_stores.h"

namespace xb::sql {

namespace {
Status Todo() { return Internal("not implemented"); }
}  // namespace
Result<warehouse::Task> SqlWarehouseStore::InsertTask(warehouse::Task /*task*/) { return Todo(); }
Result<warehouse::Task> SqlWarehouseStore::GetTask(TenantId /*tenant*/, warehouse::TaskId /*id*/) {
  return Todo();
}
Status SqlWarehouseStore::UpdateTask(const warehouse::Task& /*task*/,
                                     std::int64_t /*expected_version*/) {
  return Todo();
}
Result<std::pair<std::vector<warehouse::Task>, std::int64_t>> SqlWarehouseStore::ListTasks(
    TenantId /*tenant*/, const warehouse::TaskQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> SqlWarehouseStore::NextTaskNumber(TenantId /*tenant*/,
                                                       warehouse::TaskKind /*kind*/) {
  return Todo();
}
Result<warehouse::Parcel> SqlWarehouseStore::InsertParcel(warehouse::Parcel /*parcel*/) {
  return Todo();
}
Result<warehouse::Parcel> SqlWarehouseStore::GetParcel(TenantId /*tenant*/,
                                                       warehouse::ParcelId /*id*/) {
  return Todo();
}
Status SqlWarehouseStore::UpdateParcel(const warehouse::Parcel& /*parcel*/) { return Todo(); }
Result<std::pair<std::vector<warehouse::Parcel>, std::int64_t>> SqlWarehouseStore::ListParcels(
    TenantId /*tenant*/, const warehouse::ParcelQuery& /*query*/) {
  return Todo();
}
Result<std::int64_t> SqlWarehouseStore::NextSsccSerial(TenantId /*tenant*/) { return Todo(); }
Status SqlWarehouseStore::InsertDeviceEvent(const warehouse::DeviceEventRecord& /*record*/) {
  return Todo();
}
Result<std::optional<warehouse::DeviceEventRecord>> SqlWarehouseStore::FindDeviceEvent(
    TenantId /*tenant*/, std::string_view /*device_id*/, std::string_view /*event_key*/) {
  return Todo();
}

}  // namespace xb::sql
