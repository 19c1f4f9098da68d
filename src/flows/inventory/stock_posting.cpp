#include "flows/inventory/stock_posting.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "domain/events/event_log.h"
#include "flows/inventory/reservation_engine.h"

namespace xb::inventory_flow {

using inventory::Movement;
using inventory::MovementReason;
using inventory::PoolKey;
using inventory::ReservationId;
using inventory::StockState;

namespace {

// Stock leaves the available stock of its pool: from available, to anything but available in the
// same warehouse (or out).
bool Leaves(const Movement& m) {
  if (!m.from || m.from->state != StockState::kAvailable) return false;
  return !m.to || m.to->state != StockState::kAvailable ||
         m.to->warehouse_id != m.from->warehouse_id;
}

// Stock enters the available stock of its pool.
bool Arrives(const Movement& m) {
  if (!m.to || m.to->state != StockState::kAvailable) return false;
  return !m.from || m.from->state != StockState::kAvailable ||
         m.from->warehouse_id != m.to->warehouse_id;
}

// Stock that is physically gone leaves even if reserved: the reservations holding it are shrunk
// (and re-reserved where possible), not the movement refused. Gone: a loss a count task found
// (counted and recounted; ref_type "task") or a scrap. A manual adjustment (ref_type
// "adjustment") stays refused, like every other movement of reserved stock.
bool GoneForGood(const Movement& m) {
  return (m.reason == MovementReason::kCountLoss && m.ref_type == kCountTaskRefType) ||
         m.reason == MovementReason::kScrap;
}

PoolKey PoolAt(const Movement& m, std::int64_t warehouse_id) {
  return PoolKey{m.tenant_id, warehouse_id, m.sku_id, m.owner};
}

// A pick names its reservation: ref_type "reservation", ref_id its id.
Result<ReservationId> PickedReservation(const Movement& m) {
  if (m.ref_type != "reservation") {
    return InvalidArgument("ref_type: a pick is made against a reservation (\"reservation\")",
                           "ref_type");
  }
  std::int64_t id = 0;
  const char* end = m.ref_id.data() + m.ref_id.size();
  auto [ptr, ec] = std::from_chars(m.ref_id.data(), end, id);
  if (ec != std::errc() || ptr != end || id <= 0) {
    return InvalidArgument("ref_id: a pick names its reservation id", "ref_id");
  }
  return ReservationId(id);
}

}  // namespace

StockPosting::~StockPosting() {
  if (!committed_) GiveBack(0);
}

// The lot must belong to the movement's SKU; returns its expiry.
Result<std::optional<Date>> StockPosting::CheckLot(store::Transaction& tx, const Movement& m) {
  if (!m.lot_id.assigned()) return std::optional<Date>();
  auto it = lots_.find(m.lot_id.value());
  if (it == lots_.end() || it->second.tenant_id != m.tenant_id) {
    auto lot = tx.inventory().GetLot(m.tenant_id, m.lot_id);
    if (!lot.ok()) {
      if (lot.status().code() == ErrorCode::kNotFound) {
        return InvalidArgument(
            "lot_id: lot " + std::to_string(m.lot_id.value()) + " does not exist", "lot_id");
      }
      return lot.status();
    }
    it = lots_
             .insert_or_assign(m.lot_id.value(),
                               LotFacts{lot->tenant_id, lot->sku_id, lot->expiry_date})
             .first;
  }
  if (it->second.sku_id != m.sku_id) {
    return InvalidArgument("lot_id: lot " + std::to_string(m.lot_id.value()) +
                               " is not a lot of SKU " + std::to_string(m.sku_id),
                           "lot_id");
  }
  return it->second.expiry;
}

StockPosting::PickedFromMap::iterator StockPosting::Remember(inventory::Reservation r) {
  const std::int64_t id = r.id.value();
  PickedFrom from{PoolOf(r), std::move(r)};
  return picked_from_.insert_or_assign(id, std::move(from)).first;
}

// The reservation a pick takes from must be for the movement's pool. Returns whether the lot is
// one of the reservation's lines (then it is a lot of the SKU: reservations are made from it).
Result<bool> StockPosting::CheckPick(store::Transaction& tx, const Movement& m, ReservationId id) {
  auto it = picked_from_.find(id.value());
  if (it == picked_from_.end()) {
    std::optional<inventory::Reservation> reservation;
    if (engine_ != nullptr) reservation = engine_->Find(m.tenant_id, id);
    if (!reservation) {
      auto stored = tx.inventory().GetReservation(m.tenant_id, id);
      if (!stored.ok()) {
        if (stored.status().code() == ErrorCode::kNotFound) {
          return InvalidArgument(
              "ref_id: reservation " + std::to_string(id.value()) + " does not exist", "ref_id");
        }
        return stored.status();
      }
      reservation = std::move(stored).value();
    }
    it = Remember(std::move(*reservation));
  }
  if (it->second.pool != PoolAt(m, m.from->warehouse_id)) {
    return InvalidArgument("ref_id: reservation " + std::to_string(id.value()) +
                               " is for another SKU, owner or warehouse",
                           "ref_id");
  }
  const auto& lines = it->second.seen.lines;
  return std::any_of(lines.begin(), lines.end(),
                     [&](const inventory::ReservationLine& l) { return l.lot_id == m.lot_id; });
}

Status StockPosting::Post(store::Transaction& tx, std::span<Movement> movements) {
  if (committed_) return Internal("a stock posting is used after its commit");

  // Everything is checked before anything is taken.
  std::vector<std::optional<Date>> expiry(movements.size());
  std::vector<ReservationId> reservation(movements.size());
  // The reservations the picks take from that neither this posting nor the engine knows are
  // read with one call per tenant (a wave of thousands of picks is then a few statements, not
  // one per line); CheckPick names the missing ones.
  {
    std::map<std::int64_t, std::vector<ReservationId>> wanted;  // by tenant
    for (const Movement& m : movements) {
      if (m.reason != MovementReason::kPick) continue;
      auto id = PickedReservation(m);
      if (!id.ok() || picked_from_.count(id->value()) > 0) continue;
      if (engine_ != nullptr) {
        if (auto held = engine_->Find(m.tenant_id, *id)) {
          Remember(std::move(*held));
          continue;
        }
      }
      wanted[m.tenant_id.value()].push_back(*id);
    }
    for (auto& [tenant, ids] : wanted) {
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      XB_ASSIGN_OR_RETURN(auto found, tx.inventory().GetReservations(TenantId(tenant), ids));
      for (auto& r : found) {
        if (r.tenant_id.value() == tenant) Remember(std::move(r));
      }
    }
  }
  for (std::size_t i = 0; i < movements.size(); ++i) {
    const Movement& m = movements[i];
    XB_RETURN_IF_ERROR(inventory::Validate(m));
    bool lot_known = false;  // a pick of a lot its reservation holds needs no lookup
    if (m.reason == MovementReason::kPick) {
      XB_ASSIGN_OR_RETURN(reservation[i], PickedReservation(m));
      XB_ASSIGN_OR_RETURN(lot_known, CheckPick(tx, m, reservation[i]));
    }
    if (!lot_known) {
      XB_ASSIGN_OR_RETURN(expiry[i], CheckLot(tx, m));
    }
  }

  // The engine first, so that reserved stock is never taken; then the store.
  // The picked quantities go to the store together, one batch per run of a tenant.
  const std::size_t first = taken_.size();
  Status st;
  std::vector<inventory::InventoryStore::Pick> picks;
  TenantId picks_tenant;
  const auto write_picks = [&]() -> Status {
    if (picks.empty()) return Status::Ok();
    Status written = tx.inventory().AddPickedBatch(picks_tenant, picks);
    picks.clear();
    return written;
  };
  for (std::size_t i = 0; i < movements.size() && st.ok(); ++i) {
    const Movement& m = movements[i];
    if (!Leaves(m)) continue;
    const PoolKey pool = PoolAt(m, m.from->warehouse_id);
    if (m.reason == MovementReason::kPick) {
      if (engine_ != nullptr) {
        st = engine_->TakeForPick(m.tenant_id, reservation[i], m.lot_id, m.quantity);
        if (!st.ok()) break;
        taken_.push_back(
            {pool, m.lot_id, expiry[i], m.quantity, reservation[i].value(), std::nullopt, {}, i});
      }
      if (!picks.empty() && picks_tenant != m.tenant_id) st = write_picks();
      picks_tenant = m.tenant_id;
      const auto from = picked_from_.find(reservation[i].value());
      picks.push_back({reservation[i], m.lot_id, m.quantity, m.at,
                       from != picked_from_.end() ? &from->second.seen : nullptr});
    } else if (engine_ != nullptr && GoneForGood(m)) {
      auto loss = engine_->TakeLoss(pool, m.lot_id, m.quantity, loss_held_);
      if (!loss.ok()) {
        st = loss.status();
        break;
      }
      Taken t{pool, m.lot_id, expiry[i], m.quantity, 0, std::move(loss).value(), {}, i};
      for (const auto& shrink : t.loss->reservations) {
        const std::int64_t id = shrink.after.id.value();
        if (loss_held_.insert(id).second) t.marked.push_back(id);
      }
      taken_.push_back(std::move(t));
    } else if (engine_ != nullptr) {
      st = engine_->Withdraw(pool, m.lot_id, m.quantity);
      if (st.code() == ErrorCode::kFailedPrecondition) {
        st = FailedPrecondition("stock is reserved: " + st.message(), "quantity");
      }
      if (st.ok()) {
        taken_.push_back({pool, m.lot_id, expiry[i], m.quantity, 0, std::nullopt, {}, i});
      }
    }
  }
  if (st.ok()) st = write_picks();
  if (st.ok()) st = tx.inventory().Post(movements);
  if (st.ok()) st = WriteLosses(tx, movements, first);
  if (!st.ok()) {
    GiveBack(first);
    return st;
  }

  for (std::size_t i = 0; i < movements.size(); ++i) {
    const Movement& m = movements[i];
    if (Arrives(m))
      arrived_.push_back({PoolAt(m, m.to->warehouse_id), m.lot_id, expiry[i], m.quantity});
  }
  return Status::Ok();
}

Status StockPosting::WriteLosses(store::Transaction& tx, std::span<const Movement> movements,
                                 std::size_t first) {
  // Each changed reservation once, as the last loss left it.
  std::map<std::int64_t, const inventory::Reservation*> rows;
  for (std::size_t i = first; i < taken_.size(); ++i) {
    if (!taken_[i].loss) continue;
    for (const auto& shrink : taken_[i].loss->reservations) {
      rows[shrink.after.id.value()] = &shrink.after;
    }
  }
  if (rows.empty()) return Status::Ok();
  std::vector<inventory::Reservation> changed;
  changed.reserve(rows.size());
  for (const auto& [id, row] : rows) changed.push_back(*row);
  XB_RETURN_IF_ERROR(tx.inventory().SaveReservations(changed));

  // One business event per reservation and loss, so the order side hears of it.
  for (std::size_t i = first; i < taken_.size(); ++i) {
    const Taken& t = taken_[i];
    if (!t.loss) continue;
    const Movement& m = movements[t.movement];
    for (const auto& shrink : t.loss->reservations) {
      nlohmann::json re_reserved = nlohmann::json::array();
      for (const auto& line : shrink.re_reserved) {
        re_reserved.push_back({{"lot_id", line.lot_id.value()}, {"quantity", line.quantity}});
      }
      const nlohmann::json payload = {
          {"reservation_id", shrink.after.id.value()},
          {"order_ref", shrink.after.order_ref},
          {"warehouse_id", t.pool.warehouse_id},
          {"sku_id", t.pool.sku_id},
          {"owner", t.pool.owner},
          {"movement_id", m.id},
          {"reason", inventory::EnumChoices(m.reason)[static_cast<std::size_t>(m.reason)]},
          {"bin_id", m.from ? m.from->bin_id : 0},
          {"lot_id", t.lot.value()},
          {"lost", shrink.lost},
          {"re_reserved", std::move(re_reserved)},
          {"short_added", shrink.short_added},
          {"short_quantity", shrink.after.short_quantity},
          {"quantity", shrink.after.Quantity()},
      };
      events::BusinessEvent event;
      event.tenant_id = t.pool.tenant_id;
      event.type = shrink.short_added > 0 ? "inventory.reservation.short"
                                          : "inventory.reservation.reallocated";
      event.entity = "reservation";
      event.entity_id = shrink.after.id.value();
      event.actor = m.actor.empty() ? "system" : m.actor;
      event.at = m.at;
      event.payload = payload.dump();
      XB_ASSIGN_OR_RETURN(auto seq, tx.events().Append(std::move(event)));
      (void)seq;
    }
  }
  return Status::Ok();
}

void StockPosting::Committed() {
  if (committed_) return;
  committed_ = true;
  if (engine_ != nullptr) {
    for (const Taken& t : taken_) {
      if (t.reservation_id != 0) {
        engine_->TakeForPickCommitted(t.pool.tenant_id, ReservationId(t.reservation_id));
      } else if (t.loss) {
        engine_->LossCommitted(t.pool, t.marked);
      }
    }
    for (const Arrived& a : arrived_) engine_->Deposit(a.pool, a.lot, a.expiry, a.qty);
  }
  taken_.clear();
  arrived_.clear();
  loss_held_.clear();
}

// Gives the engine back what was taken since `from`, newest first.
void StockPosting::GiveBack(std::size_t from) {
  if (engine_ != nullptr) {
    for (std::size_t i = taken_.size(); i > from; --i) {
      const Taken& t = taken_[i - 1];
      if (t.reservation_id != 0) {
        engine_->UndoTakeForPick(t.pool.tenant_id, ReservationId(t.reservation_id), t.lot, t.qty);
      } else if (t.loss) {
        engine_->UndoLoss(*t.loss, t.marked);
        for (const std::int64_t id : t.marked) loss_held_.erase(id);
      } else {
        engine_->Deposit(t.pool, t.lot, t.expiry, t.qty);
      }
    }
  }
  taken_.erase(taken_.begin() + static_cast<std::ptrdiff_t>(from), taken_.end());
}

}  // namespace xb::inventory_flow
