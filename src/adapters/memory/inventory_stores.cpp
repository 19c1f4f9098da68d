#include "adapters/memory/inventory_stores.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "core/record_field.h"

namespace xb::memory {

using inventory::Balance;
using inventory::Lot;
using inventory::LotId;
using inventory::Movement;
using inventory::Reservation;
using inventory::ReservationState;
using inventory::StockKey;
using inventory::StockState;
using warehouse::DeviceEventRecord;
using warehouse::Parcel;
using warehouse::Task;

namespace {

template <class T>
std::pair<std::vector<T>, std::int64_t> Slice(const std::vector<T>& hits, std::int64_t limit,
                                              std::int64_t offset) {
  std::vector<T> page;
  const auto total = static_cast<std::int64_t>(hits.size());
  for (std::int64_t i = std::max<std::int64_t>(offset, 0); i < total && i < offset + limit; ++i) {
    page.push_back(hits[static_cast<std::size_t>(i)]);
  }
  return {std::move(page), total};
}

template <class T>
std::pair<std::vector<T>, std::int64_t> SlicePtrs(const std::vector<const T*>& hits,
                                                  std::int64_t limit, std::int64_t offset) {
  std::vector<T> page;
  const auto total = static_cast<std::int64_t>(hits.size());
  for (std::int64_t i = std::max<std::int64_t>(offset, 0); i < total && i < offset + limit; ++i) {
    page.push_back(*hits[static_cast<std::size_t>(i)]);
  }
  return {std::move(page), total};
}

// The order balances are listed in, as the SQL stores sort them: by warehouse, bin, SKU, lot,
// owner and the state's name.
auto SortKey(const StockKey& k) {
  return std::make_tuple(k.warehouse_id, k.bin_id, k.sku_id, k.lot_id.value(),
                         std::string_view(k.owner), EnumName(k.state));
}

std::string ShortOfStock(const StockKey& k, std::int64_t on_hand, std::int64_t needed) {
  return "not enough stock in warehouse " + std::to_string(k.warehouse_id) + ", bin " +
         std::to_string(k.bin_id) + " for SKU " + std::to_string(k.sku_id) + ", lot " +
         std::to_string(k.lot_id.value()) + ", owner " + k.owner + ", state " +
         std::string(EnumName(k.state)) + ": " + std::to_string(on_hand) + " on hand, " +
         std::to_string(needed) + " needed";
}

bool KeyMatches(const StockKey& k, const inventory::BalanceQuery& q) {
  if (q.warehouse_id && k.warehouse_id != *q.warehouse_id) return false;
  if (q.bin_id && k.bin_id != *q.bin_id) return false;
  if (q.sku_id && k.sku_id != *q.sku_id) return false;
  if (q.lot_id && k.lot_id != *q.lot_id) return false;
  if (q.owner && k.owner != *q.owner) return false;
  if (q.state && k.state != *q.state) return false;
  return true;
}

bool MovementMatches(const Movement& m, TenantId tenant, const inventory::MovementQuery& q) {
  if (m.tenant_id != tenant || m.id <= q.after_id) return false;
  if (q.sku_id && m.sku_id != *q.sku_id) return false;
  if (q.warehouse_id && !((m.from && m.from->warehouse_id == *q.warehouse_id) ||
                          (m.to && m.to->warehouse_id == *q.warehouse_id))) {
    return false;
  }
  if (q.lot_id && m.lot_id != *q.lot_id) return false;
  if (q.owner && m.owner != *q.owner) return false;
  if (q.ref_type && m.ref_type != *q.ref_type) return false;
  if (q.ref_id && m.ref_id != *q.ref_id) return false;
  if (q.from && m.at < *q.from) return false;
  if (q.to && !(m.at < *q.to)) return false;
  return true;
}

Status ReservationNotFound(inventory::ReservationId id) {
  return NotFound("no reservation with id " + std::to_string(id.value()));
}

// Picking `qty` of `lot` from an active reservation; consumed once everything is picked. The SQL
// store applies the same rule.
Status AddPickedTo(Reservation& r, LotId lot, std::int64_t qty, Timestamp at) {
  const std::string name = "reservation " + std::to_string(r.id.value());
  if (r.state != ReservationState::kActive) {
    return FailedPrecondition(name + " is " + std::string(EnumName(r.state)) +
                              "; only an active reservation can be picked");
  }
  const auto line =
      std::find_if(r.lines.begin(), r.lines.end(),
                   [&](const inventory::ReservationLine& l) { return l.lot_id == lot; });
  if (line == r.lines.end()) {
    return FailedPrecondition(name + " holds nothing of lot " + std::to_string(lot.value()),
                              "lot_id");
  }
  if (line->picked + qty > line->quantity) {
    return FailedPrecondition(name + " has " + std::to_string(line->quantity - line->picked) +
                                  " of lot " + std::to_string(lot.value()) + " left to pick, not " +
                                  std::to_string(qty),
                              "quantity");
  }
  line->picked += qty;
  r.updated_at = at;
  if (r.Picked() == r.Quantity()) r.state = ReservationState::kConsumed;
  return Status::Ok();
}

std::string TaskCounter(warehouse::TaskKind kind) { return "task_" + std::string(EnumName(kind)); }

}  // namespace

// --- lots ------------------------------------------------------------------------------------

Result<Lot> MemoryInventoryStore::InsertLot(Lot lot) {
  for (const auto& [id, row] : s_.lots) {
    if (row.tenant_id == lot.tenant_id && row.sku_id == lot.sku_id &&
        row.lot_number == lot.lot_number) {
      return AlreadyExists("lot_number: lot '" + lot.lot_number + "' of SKU " +
                               std::to_string(lot.sku_id) + " exists",
                           "lot_number");
    }
  }
  lot.id = LotId(s_.next_lot++);
  s_.lots[lot.id.value()] = lot;
  return lot;
}

Result<Lot> MemoryInventoryStore::GetLot(TenantId tenant, LotId id) {
  const auto it = s_.lots.find(id.value());
  if (it == s_.lots.end() || it->second.tenant_id != tenant) {
    return NotFound("no lot with id " + std::to_string(id.value()));
  }
  return it->second;
}

Result<std::optional<Lot>> MemoryInventoryStore::FindLot(TenantId tenant, std::int64_t sku_id,
                                                         std::string_view lot_number) {
  for (const auto& [id, row] : s_.lots) {
    if (row.tenant_id == tenant && row.sku_id == sku_id && row.lot_number == lot_number) {
      return std::optional<Lot>(row);
    }
  }
  return std::optional<Lot>();
}

Result<std::pair<std::vector<Lot>, std::int64_t>> MemoryInventoryStore::ListLots(
    TenantId tenant, const inventory::LotQuery& q) {
  std::vector<const Lot*> hits;
  for (const auto& [id, row] : s_.lots) {
    if (row.tenant_id != tenant) continue;
    if (q.sku_id && row.sku_id != *q.sku_id) continue;
    if (q.lot_number && row.lot_number != *q.lot_number) continue;
    if (q.expires_before && !(row.expiry_date && *row.expiry_date <= *q.expires_before)) continue;
    hits.push_back(&row);
  }
  // First expiring first, lots without expiry last, then by id.
  std::sort(hits.begin(), hits.end(), [](const Lot* a, const Lot* b) {
    return std::make_tuple(!a->expiry_date, a->expiry_date.value_or(Date()), a->id.value()) <
           std::make_tuple(!b->expiry_date, b->expiry_date.value_or(Date()), b->id.value());
  });
  return SlicePtrs(hits, q.limit, q.offset);
}

// --- the ledger ------------------------------------------------------------------------------

Status MemoryInventoryStore::Post(std::span<Movement> movements) {
  // Net change per place; every place a movement touches gets a balance row, as in SQL.
  std::map<std::pair<std::int64_t, StockKey>, std::int64_t> delta;
  for (const auto& m : movements) {
    XB_RETURN_IF_ERROR(inventory::Validate(m));
    if (m.from) delta[{m.tenant_id.value(), inventory::KeyOf(m, *m.from)}] -= m.quantity;
    if (m.to) delta[{m.tenant_id.value(), inventory::KeyOf(m, *m.to)}] += m.quantity;
  }
  for (const auto& [key, change] : delta) {
    if (change >= 0) continue;
    const auto it = s_.balances.find(key);
    const std::int64_t on_hand = it == s_.balances.end() ? 0 : it->second;
    if (on_hand + change < 0) {
      return FailedPrecondition(ShortOfStock(key.second, on_hand, -change), "quantity");
    }
  }
  for (const auto& [key, change] : delta) s_.balances[key] += change;
  // Rows past movement_count were left by a writer that rolled back.
  auto& log = *s_.movements;
  log.resize(s_.movement_count);
  for (auto& m : movements) {
    m.id = static_cast<std::int64_t>(log.size()) + 1;
    log.push_back(m);
  }
  s_.movement_count = log.size();
  return Status::Ok();
}

Result<std::pair<std::vector<Balance>, std::int64_t>> MemoryInventoryStore::ListBalances(
    TenantId tenant, const inventory::BalanceQuery& q) {
  std::vector<Balance> hits;
  for (const auto& [key, on_hand] : s_.balances) {
    if (key.first != tenant.value() || !KeyMatches(key.second, q)) continue;
    if (on_hand == 0 && !q.include_zero) continue;
    Balance b{key.second, on_hand, std::nullopt, ""};
    const auto lot = s_.lots.find(key.second.lot_id.value());
    if (lot != s_.lots.end() && lot->second.tenant_id == tenant) {
      b.expiry_date = lot->second.expiry_date;
      b.lot_number = lot->second.lot_number;
    }
    if (q.expires_before && !(b.expiry_date && *b.expiry_date <= *q.expires_before)) continue;
    if (q.expires_after && !(b.expiry_date && *b.expiry_date >= *q.expires_after)) continue;
    hits.push_back(std::move(b));
  }
  std::sort(hits.begin(), hits.end(),
            [](const Balance& a, const Balance& b) { return SortKey(a.key) < SortKey(b.key); });
  return Slice(hits, q.limit, q.offset);
}

Result<std::vector<Balance>> MemoryInventoryStore::BalancesAsOf(TenantId tenant,
                                                                const inventory::BalanceQuery& q,
                                                                Timestamp at) {
  // Undo what was posted at or after `at`.
  std::map<StockKey, std::int64_t> later;
  const auto& log = *s_.movements;
  for (std::size_t i = 0; i < s_.movement_count; ++i) {
    const auto& m = log[i];
    if (m.tenant_id != tenant || m.at < at) continue;
    if (m.from) later[inventory::KeyOf(m, *m.from)] -= m.quantity;
    if (m.to) later[inventory::KeyOf(m, *m.to)] += m.quantity;
  }
  inventory::BalanceQuery all = q;
  all.include_zero = true;
  all.limit = std::numeric_limits<std::int64_t>::max();
  all.offset = 0;
  XB_ASSIGN_OR_RETURN(auto now, ListBalances(tenant, all));
  std::vector<Balance> out;
  for (auto& b : now.first) {
    const auto it = later.find(b.key);
    if (it != later.end()) b.on_hand -= it->second;
    if (b.on_hand == 0 && !q.include_zero) continue;
    out.push_back(std::move(b));
  }
  return Slice(out, q.limit, q.offset).first;
}

Result<std::vector<Movement>> MemoryInventoryStore::ListMovements(
    TenantId tenant, const inventory::MovementQuery& q) {
  std::vector<Movement> out;
  const auto& log = *s_.movements;
  // Movement n sits at index n - 1.
  for (auto i = static_cast<std::size_t>(std::max<std::int64_t>(q.after_id, 0));
       i < s_.movement_count && static_cast<std::int64_t>(out.size()) < q.limit; ++i) {
    if (MovementMatches(log[i], tenant, q)) out.push_back(log[i]);
  }
  return out;
}

Result<std::int64_t> MemoryInventoryStore::NetQuantity(TenantId tenant,
                                                       const inventory::MovementQuery& q) {
  const auto in_scope = [&](const std::optional<inventory::Place>& side) {
    return side && (!q.warehouse_id || side->warehouse_id == *q.warehouse_id);
  };
  std::int64_t net = 0;
  const auto& log = *s_.movements;
  for (std::size_t i = 0; i < s_.movement_count; ++i) {
    const auto& m = log[i];
    if (!MovementMatches(m, tenant, q)) continue;
    if (in_scope(m.to)) net += m.quantity;
    if (in_scope(m.from)) net -= m.quantity;
  }
  return net;
}

// --- reservations ----------------------------------------------------------------------------

Status MemoryInventoryStore::SaveReservations(std::span<const Reservation> reservations) {
  for (const auto& r : reservations) {
    if (!r.id.assigned()) return InvalidArgument("id: a reservation needs an id", "id");
    const auto it = s_.reservations.find(r.id.value());
    if (it != s_.reservations.end() && it->second.tenant_id != r.tenant_id) {
      return AlreadyExists("reservation " + std::to_string(r.id.value()) + " exists");
    }
    if (!r.client_key.empty()) {
      for (const auto& [id, row] : s_.reservations) {
        if (id != r.id.value() && row.tenant_id == r.tenant_id && row.client_key == r.client_key) {
          return AlreadyExists("client_key: a reservation with this key exists", "client_key");
        }
      }
    }
    s_.reservations[r.id.value()] = r;
  }
  return Status::Ok();
}

Result<Reservation> MemoryInventoryStore::GetReservation(TenantId tenant,
                                                         inventory::ReservationId id) {
  const auto it = s_.reservations.find(id.value());
  if (it == s_.reservations.end() || it->second.tenant_id != tenant) {
    return ReservationNotFound(id);
  }
  return it->second;
}

Result<std::optional<Reservation>> MemoryInventoryStore::FindReservationByKey(
    TenantId tenant, std::string_view client_key) {
  if (client_key.empty()) return std::optional<Reservation>();
  for (const auto& [id, row] : s_.reservations) {
    if (row.tenant_id == tenant && row.client_key == client_key) {
      return std::optional<Reservation>(row);
    }
  }
  return std::optional<Reservation>();
}

Result<std::pair<std::vector<Reservation>, std::int64_t>> MemoryInventoryStore::ListReservations(
    TenantId tenant, const inventory::ReservationQuery& q) {
  std::vector<const Reservation*> hits;
  // Newest first.
  for (auto it = s_.reservations.rbegin(); it != s_.reservations.rend(); ++it) {
    const auto& r = it->second;
    if (r.tenant_id != tenant) continue;
    if (q.warehouse_id && r.warehouse_id != *q.warehouse_id) continue;
    if (q.sku_id && r.sku_id != *q.sku_id) continue;
    if (q.order_ref && r.order_ref != *q.order_ref) continue;
    if (q.state && r.state != *q.state) continue;
    hits.push_back(&r);
  }
  return SlicePtrs(hits, q.limit, q.offset);
}

Status MemoryInventoryStore::AddPicked(TenantId tenant, inventory::ReservationId id, LotId lot,
                                       std::int64_t qty, Timestamp at) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  const auto it = s_.reservations.find(id.value());
  if (it == s_.reservations.end() || it->second.tenant_id != tenant) {
    return ReservationNotFound(id);
  }
  Reservation updated = it->second;
  XB_RETURN_IF_ERROR(AddPickedTo(updated, lot, qty, at));
  it->second = std::move(updated);
  return Status::Ok();
}

Result<std::vector<inventory::InventoryStore::PoolStock>>
MemoryInventoryStore::LoadAvailableStock() {
  std::map<std::pair<inventory::PoolKey, LotId>, std::int64_t> sums;
  for (const auto& [key, on_hand] : s_.balances) {
    if (key.second.state != StockState::kAvailable || on_hand == 0) continue;
    const inventory::PoolKey pool{TenantId(key.first), key.second.warehouse_id, key.second.sku_id,
                                  key.second.owner};
    sums[{pool, key.second.lot_id}] += on_hand;
  }
  std::vector<PoolStock> out;
  out.reserve(sums.size());
  for (const auto& [key, qty] : sums) {
    PoolStock ps{key.first, key.second, std::nullopt, qty};
    const auto lot = s_.lots.find(key.second.value());
    if (lot != s_.lots.end() && lot->second.tenant_id == key.first.tenant_id) {
      ps.expiry_date = lot->second.expiry_date;
    }
    out.push_back(std::move(ps));
  }
  return out;
}

Result<std::vector<Reservation>> MemoryInventoryStore::LoadActiveReservations() {
  std::vector<Reservation> out;
  for (const auto& [id, r] : s_.reservations) {
    if (r.state == ReservationState::kActive) out.push_back(r);
  }
  return out;
}

Result<std::int64_t> MemoryInventoryStore::MaxReservationId() {
  return s_.reservations.empty() ? std::int64_t{0} : s_.reservations.rbegin()->first;
}

// --- tasks -----------------------------------------------------------------------------------

Result<Task> MemoryWarehouseStore::InsertTask(Task task) {
  for (const auto& [id, row] : s_.tasks) {
    if (row.tenant_id == task.tenant_id && row.code == task.code) {
      return AlreadyExists("code: task '" + task.code + "' exists", "code");
    }
  }
  task.id = warehouse::TaskId(s_.next_task++);
  s_.tasks[task.id.value()] = task;
  return task;
}

Result<Task> MemoryWarehouseStore::GetTask(TenantId tenant, warehouse::TaskId id) {
  const auto it = s_.tasks.find(id.value());
  if (it == s_.tasks.end() || it->second.tenant_id != tenant) {
    return NotFound("no task with id " + std::to_string(id.value()));
  }
  return it->second;
}

Status MemoryWarehouseStore::UpdateTask(const Task& task, std::int64_t expected_version) {
  XB_ASSIGN_OR_RETURN(Task current, GetTask(task.tenant_id, task.id));
  if (current.version != expected_version) {
    return Conflict("task " + std::to_string(task.id.value()) + " changed meanwhile (now version " +
                    std::to_string(current.version) + ")");
  }
  for (const auto& [id, row] : s_.tasks) {
    if (id != task.id.value() && row.tenant_id == task.tenant_id && row.code == task.code) {
      return AlreadyExists("code: task '" + task.code + "' exists", "code");
    }
  }
  Task updated = task;
  updated.created_at = current.created_at;
  s_.tasks[task.id.value()] = std::move(updated);
  return Status::Ok();
}

Result<std::pair<std::vector<Task>, std::int64_t>> MemoryWarehouseStore::ListTasks(
    TenantId tenant, const warehouse::TaskQuery& q) {
  std::vector<const Task*> hits;
  for (auto it = s_.tasks.rbegin(); it != s_.tasks.rend(); ++it) {
    const auto& t = it->second;
    if (t.tenant_id != tenant) continue;
    if (q.warehouse_id && t.warehouse_id != *q.warehouse_id) continue;
    if (q.kind && t.kind != *q.kind) continue;
    if (q.state && t.state != *q.state) continue;
    if (q.ref_id && t.ref_id != *q.ref_id) continue;
    if (q.assignee && t.assignee != *q.assignee) continue;
    hits.push_back(&t);
  }
  return SlicePtrs(hits, q.limit, q.offset);
}

Result<std::int64_t> MemoryWarehouseStore::NextTaskNumber(TenantId tenant,
                                                          warehouse::TaskKind kind) {
  return ++s_.counters[{tenant.value(), TaskCounter(kind)}];
}

// --- parcels ---------------------------------------------------------------------------------

Result<Parcel> MemoryWarehouseStore::InsertParcel(Parcel parcel) {
  for (const auto& [id, row] : s_.parcels) {
    if (row.tenant_id == parcel.tenant_id && row.sscc == parcel.sscc) {
      return AlreadyExists("sscc: a parcel with SSCC " + parcel.sscc + " exists", "sscc");
    }
  }
  parcel.id = warehouse::ParcelId(s_.next_parcel++);
  s_.parcels[parcel.id.value()] = parcel;
  return parcel;
}

Result<Parcel> MemoryWarehouseStore::GetParcel(TenantId tenant, warehouse::ParcelId id) {
  const auto it = s_.parcels.find(id.value());
  if (it == s_.parcels.end() || it->second.tenant_id != tenant) {
    return NotFound("no parcel with id " + std::to_string(id.value()));
  }
  return it->second;
}

Status MemoryWarehouseStore::UpdateParcel(const Parcel& parcel) {
  XB_ASSIGN_OR_RETURN(Parcel current, GetParcel(parcel.tenant_id, parcel.id));
  // The SSCC and the creation time are the parcel's for good.
  Parcel updated = parcel;
  updated.sscc = current.sscc;
  updated.created_at = current.created_at;
  s_.parcels[parcel.id.value()] = std::move(updated);
  return Status::Ok();
}

Result<std::pair<std::vector<Parcel>, std::int64_t>> MemoryWarehouseStore::ListParcels(
    TenantId tenant, const warehouse::ParcelQuery& q) {
  std::vector<const Parcel*> hits;
  for (auto it = s_.parcels.rbegin(); it != s_.parcels.rend(); ++it) {
    const auto& p = it->second;
    if (p.tenant_id != tenant) continue;
    if (q.warehouse_id && p.warehouse_id != *q.warehouse_id) continue;
    if (q.order_ref && p.order_ref != *q.order_ref) continue;
    if (q.state && p.state != *q.state) continue;
    hits.push_back(&p);
  }
  return SlicePtrs(hits, q.limit, q.offset);
}

Result<std::int64_t> MemoryWarehouseStore::NextSsccSerial(TenantId tenant) {
  return ++s_.counters[{tenant.value(), "sscc"}];
}

// --- device events ---------------------------------------------------------------------------

Status MemoryWarehouseStore::InsertDeviceEvent(const DeviceEventRecord& record) {
  const auto [it, inserted] =
      s_.device_events.emplace(std::make_tuple(record.event.tenant_id.value(),
                                               record.event.device_id, record.event.event_key),
                               record);
  (void)it;
  if (!inserted) {
    return AlreadyExists("event_key: event '" + record.event.event_key + "' of device '" +
                             record.event.device_id + "' is already recorded",
                         "event_key");
  }
  return Status::Ok();
}

Result<std::optional<DeviceEventRecord>> MemoryWarehouseStore::FindDeviceEvent(
    TenantId tenant, std::string_view device_id, std::string_view event_key) {
  const auto it = s_.device_events.find(
      std::make_tuple(tenant.value(), std::string(device_id), std::string(event_key)));
  if (it == s_.device_events.end()) return std::optional<DeviceEventRecord>();
  return std::optional<DeviceEventRecord>(it->second);
}

}  // namespace xb::memory
