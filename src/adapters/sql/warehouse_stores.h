// The SQL implementation of the warehouse store (tasks saved whole, parcels, device events,
// number counters), written once for SQLite and PostgreSQL against sql::Connection (tables of
// migration 0003_inventory; device events as of 0009 and 0011).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/sql/connection.h"
#include "domain/warehouse/tasks.h"

namespace xb::sql {

class SqlWarehouseStore final : public warehouse::WarehouseStore {
 public:
  explicit SqlWarehouseStore(Connection& c) : c_(c) {}
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
  Result<std::vector<warehouse::DeviceEventRecord>> FindDeviceEvents(
      TenantId tenant, std::string_view device_id, std::span<const std::string> keys) override;
  Status InsertDeviceEvents(std::span<const warehouse::DeviceEventRecord> records) override;

 private:
  // Stores the records of one tenant side by side in chunks, each with a key row pointing into
  // its chunk (migration 0011).
  Status InsertChunked(TenantId tenant,
                       std::span<const warehouse::DeviceEventRecord* const> records);
  // One multi-row insert of `n` key rows; kAlreadyExists when one is stored already.
  Status InsertKeyRows(std::span<const Value> params, std::size_t n);

  Connection& c_;
};

}  // namespace xb::sql
