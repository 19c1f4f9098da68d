#include "domain/inventory/inventory.h"

#include <algorithm>
#include <utility>

namespace xb::inventory {
namespace {
constexpr std::string_view kStockStates[] = {"available", "quarantine", "customs_hold", "damaged",
                                             "picked"};
constexpr std::string_view kReasons[] = {"receipt", "putaway", "move",       "pick",
                                         "unpick",  "ship",    "count_gain", "count_loss",
                                         "hold",    "release", "scrap",      "return"};
constexpr std::string_view kReservationStates[] = {"active", "released", "expired", "consumed"};

std::string Name(StockState s) { return std::string(kStockStates[static_cast<std::size_t>(s)]); }
std::string Name(MovementReason r) { return std::string(kReasons[static_cast<std::size_t>(r)]); }

// GS1 General Specifications §7.11, figure 7.11-1: the 82 characters of AI encodable set 82.
bool IsGs1Set82(char c) {
  if (c >= '0' && c <= '9') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 'a' && c <= 'z') return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

bool IsHeld(StockState s) {
  return s == StockState::kQuarantine || s == StockState::kCustomsHold || s == StockState::kDamaged;
}

Status ValidatePlace(const Place& p, std::string_view side) {
  const std::string f(side);
  if (p.warehouse_id <= 0) return InvalidArgument(f + ".warehouse_id: is required", f);
  if (p.bin_id <= 0) return InvalidArgument(f + ".bin_id: is required", f);
  return Status::Ok();
}

// Which sides a reason has: entering (no from), leaving (no to) or internal (both).
enum class Sides { kEnter, kLeave, kBoth };
Sides SidesOf(MovementReason r) {
  switch (r) {
    case MovementReason::kReceipt:
    case MovementReason::kCountGain:
    case MovementReason::kReturn:
      return Sides::kEnter;
    case MovementReason::kShip:
    case MovementReason::kCountLoss:
    case MovementReason::kScrap:
      return Sides::kLeave;
    default:
      return Sides::kBoth;
  }
}

// FEFO order: earliest expiry first, lots without expiry last, then by lot id.
bool FefoBefore(const LotAvailability& a, const LotAvailability& b) {
  if (a.expiry_date.has_value() != b.expiry_date.has_value()) return a.expiry_date.has_value();
  if (a.expiry_date && *a.expiry_date != *b.expiry_date) return *a.expiry_date < *b.expiry_date;
  return a.lot_id < b.lot_id;
}
}  // namespace

std::span<const std::string_view> EnumChoices(StockState) { return kStockStates; }
std::span<const std::string_view> EnumChoices(MovementReason) { return kReasons; }
std::span<const std::string_view> EnumChoices(ReservationState) { return kReservationStates; }

Status Validate(const Lot& lot) {
  if (lot.sku_id <= 0) return InvalidArgument("sku_id: is required", "sku_id");
  if (lot.lot_number.empty() || lot.lot_number.size() > 20) {
    return InvalidArgument("lot_number: 1..20 characters", "lot_number");
  }
  for (std::size_t i = 0; i < lot.lot_number.size(); ++i) {
    if (!IsGs1Set82(lot.lot_number[i])) {
      return InvalidArgument("lot_number: character " + std::to_string(i + 1) +
                                 " is outside the GS1 character set 82 (letters, digits and "
                                 "!\"%&'()*+,-./:;<=>?_)",
                             "lot_number");
    }
  }
  if (lot.production_date && lot.expiry_date && *lot.expiry_date < *lot.production_date) {
    return InvalidArgument("expiry_date: is before production_date", "expiry_date");
  }
  return Status::Ok();
}

bool IsExpired(std::optional<Date> expiry, Date today) { return expiry && *expiry < today; }
bool IsExpired(const Lot& lot, Date today) { return IsExpired(lot.expiry_date, today); }

std::optional<std::int64_t> RemainingShelfLifeDays(std::optional<Date> expiry, Date today) {
  if (!expiry) return std::nullopt;
  return std::int64_t{expiry->days()} - std::int64_t{today.days()};
}

bool MeetsShelfLife(std::optional<Date> expiry, Date today, std::int64_t min_remaining_days) {
  if (!expiry) return true;
  const std::int64_t left = *RemainingShelfLifeDays(expiry, today);
  return left >= 0 && left >= min_remaining_days;
}

Status ValidateOwner(std::string_view owner) {
  if (owner.empty() || owner.size() > 32)
    return InvalidArgument("owner: 1..32 characters", "owner");
  for (char c : owner) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return InvalidArgument("owner: only letters, digits, '_', '.' and '-'", "owner");
  }
  return Status::Ok();
}

Status Validate(const Movement& m) {
  if (m.sku_id <= 0) return InvalidArgument("sku_id: is required", "sku_id");
  if (m.lot_id.value() < 0) return InvalidArgument("lot_id: must not be negative", "lot_id");
  XB_RETURN_IF_ERROR(ValidateOwner(m.owner));
  if (m.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  if (!m.from && !m.to) return InvalidArgument("a movement needs a from or a to place", "from");
  if (m.from) XB_RETURN_IF_ERROR(ValidatePlace(*m.from, "from"));
  if (m.to) XB_RETURN_IF_ERROR(ValidatePlace(*m.to, "to"));

  const std::string reason = Name(m.reason);
  switch (SidesOf(m.reason)) {
    case Sides::kEnter:
      if (m.from) return InvalidArgument("from: a " + reason + " has no from place", "from");
      if (!m.to) return InvalidArgument("to: a " + reason + " needs a to place", "to");
      break;
    case Sides::kLeave:
      if (m.to) return InvalidArgument("to: a " + reason + " has no to place", "to");
      if (!m.from) return InvalidArgument("from: a " + reason + " needs a from place", "from");
      break;
    case Sides::kBoth:
      if (!m.from) return InvalidArgument("from: a " + reason + " needs a from place", "from");
      if (!m.to) return InvalidArgument("to: a " + reason + " needs a to place", "to");
      break;
  }
  if (m.from && m.to) {
    if (*m.from == *m.to) return InvalidArgument("to: is the same place as from", "to");
    if (m.from->warehouse_id != m.to->warehouse_id) {
      return InvalidArgument(
          "to.warehouse_id: a movement stays in one warehouse (transfers are a ship and a receipt)",
          "to");
    }
  }

  const auto state_error = [&](std::string_view side, StockState got, std::string_view want) {
    return InvalidArgument(std::string(side) + ".state: a " + reason + " goes " +
                               std::string(want) + ", not " + std::string(side) + " " + Name(got),
                           std::string(side));
  };
  switch (m.reason) {
    case MovementReason::kPick:
      if (m.from->state != StockState::kAvailable) {
        return state_error("from", m.from->state, "from available");
      }
      if (m.to->state != StockState::kPicked) return state_error("to", m.to->state, "to picked");
      break;
    case MovementReason::kUnpick:
      if (m.from->state != StockState::kPicked)
        return state_error("from", m.from->state, "from picked");
      if (m.to->state != StockState::kAvailable) {
        return state_error("to", m.to->state, "to available");
      }
      break;
    case MovementReason::kHold:
      if (m.from->state != StockState::kAvailable) {
        return state_error("from", m.from->state, "from available");
      }
      if (!IsHeld(m.to->state)) {
        return state_error("to", m.to->state, "to quarantine, customs_hold or damaged");
      }
      break;
    case MovementReason::kRelease:
      if (!IsHeld(m.from->state)) {
        return state_error("from", m.from->state, "from quarantine, customs_hold or damaged");
      }
      if (m.to->state != StockState::kAvailable) {
        return state_error("to", m.to->state, "to available");
      }
      break;
    case MovementReason::kPutaway:
    case MovementReason::kMove:
      if (m.from->state != m.to->state) {
        return InvalidArgument(
            "to.state: a " + reason + " changes the bin, not the state (use hold, release, pick)",
            "to");
      }
      break;
    case MovementReason::kReceipt:
    case MovementReason::kReturn:
    case MovementReason::kCountGain:
      if (m.to->state == StockState::kPicked) {
        return InvalidArgument("to.state: stock cannot enter as picked", "to");
      }
      break;
    case MovementReason::kShip:
      if (m.from->state != StockState::kPicked && m.from->state != StockState::kAvailable) {
        return state_error("from", m.from->state, "from picked or available");
      }
      break;
    case MovementReason::kCountLoss:
    case MovementReason::kScrap:
      break;
  }
  return Status::Ok();
}

StockKey KeyOf(const Movement& m, const Place& place) {
  return StockKey{place.warehouse_id, place.bin_id, m.sku_id, m.lot_id, m.owner, place.state};
}

std::int64_t Reservation::Quantity() const {
  std::int64_t total = 0;
  for (const auto& l : lines) total += l.quantity;
  return total;
}

std::int64_t Reservation::Picked() const {
  std::int64_t total = 0;
  for (const auto& l : lines) total += l.picked;
  return total;
}

Result<std::vector<ReservationLine>> AllocateFefo(std::span<const LotAvailability> lots,
                                                  std::int64_t quantity, Date today,
                                                  std::int64_t min_remaining_days) {
  if (quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  std::vector<LotAvailability> order(lots.begin(), lots.end());
  std::stable_sort(order.begin(), order.end(), FefoBefore);
  std::vector<ReservationLine> lines;
  std::int64_t left = quantity;
  for (const auto& lot : order) {
    if (left == 0) break;
    if (lot.available <= 0 || !MeetsShelfLife(lot.expiry_date, today, min_remaining_days)) continue;
    const std::int64_t take = std::min(left, lot.available);
    lines.push_back(ReservationLine{lot.lot_id, take, 0});
    left -= take;
  }
  if (left > 0) {
    return FailedPrecondition("insufficient stock: " + std::to_string(quantity - left) +
                                  " reservable, " + std::to_string(quantity) + " requested",
                              "quantity");
  }
  return lines;
}

PoolKey PoolOf(const Reservation& r) {
  return PoolKey{r.tenant_id, r.warehouse_id, r.sku_id, r.owner};
}

// ---- ReservationBook ----

void ReservationBook::AddStock(const PoolKey& pool, LotId lot, std::optional<Date> expiry,
                               std::int64_t qty) {
  Deposit(pool, lot, expiry, qty);
}

void ReservationBook::Deposit(const PoolKey& pool, LotId lot, std::optional<Date> expiry,
                              std::int64_t qty) {
  LotStock& stock = pools_[pool][lot];
  if (expiry) stock.expiry = expiry;
  if (qty > 0) stock.available += qty;
}

void ReservationBook::Load(const Reservation& reservation) {
  if (reservation.state != ReservationState::kActive) return;
  if (active_.contains(reservation.id.value())) {
    (void)Release(reservation.id);
  }
  auto& lots = pools_[PoolOf(reservation)];
  for (const auto& line : reservation.lines)
    lots[line.lot_id].available -= line.quantity - line.picked;
  active_[reservation.id.value()] = reservation;
  TrackExpiry(reservation);
}

Status ReservationBook::Withdraw(const PoolKey& pool, LotId lot, std::int64_t qty) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  std::int64_t available = 0;
  LotStock* stock = nullptr;
  if (auto p = pools_.find(pool); p != pools_.end()) {
    if (auto l = p->second.find(lot); l != p->second.end()) {
      stock = &l->second;
      available = stock->available;
    }
  }
  if (stock == nullptr || available < qty) {
    return FailedPrecondition("quantity: only " +
                                  std::to_string(std::max<std::int64_t>(available, 0)) +
                                  " of lot " + std::to_string(lot.value()) + " is not reserved; " +
                                  std::to_string(qty) + " cannot leave",
                              "quantity");
  }
  stock->available -= qty;
  return Status::Ok();
}

namespace {

std::int64_t OutstandingOn(const Reservation& r, LotId lot) {
  std::int64_t out = 0;
  for (const auto& l : r.lines) {
    if (l.lot_id == lot) out += l.quantity - l.picked;
  }
  return out;
}

// The order a loss shrinks reservations in: unconfirmed (they may lapse anyway) before
// confirmed, the latest expiring first, then the most recent first.
bool ShrinkFirst(const Reservation* a, const Reservation* b) {
  if (a->expires_at.has_value() != b->expires_at.has_value()) return a->expires_at.has_value();
  if (a->expires_at && *a->expires_at != *b->expires_at) return *a->expires_at > *b->expires_at;
  return a->id.value() > b->id.value();
}

// May stock of a lot expiring on `expiry` be re-reserved for `r`, which lost stock of a lot
// that expires on `lost_expiry` (when `lost_dated`)?
bool ReReservable(const Reservation& r, std::optional<Date> expiry, bool lost_dated,
                  Date lost_expiry, Date today) {
  if (r.min_remaining_days) return MeetsShelfLife(expiry, today, *r.min_remaining_days);
  if (IsExpired(expiry, today)) return false;
  if (!expiry) return true;
  return lost_dated && *expiry >= lost_expiry;
}

// Adds `qty` of `lot` to the reservation's line of that lot, or a new line.
void AddToLine(Reservation& r, LotId lot, std::int64_t qty) {
  for (auto& l : r.lines) {
    if (l.lot_id == lot) {
      l.quantity += qty;
      return;
    }
  }
  r.lines.push_back(ReservationLine{lot, qty, 0});
}

}  // namespace

Result<StockLoss> ReservationBook::TakeLoss(const PoolKey& pool, LotId lot, std::int64_t qty,
                                            Timestamp now,
                                            const std::function<bool(ReservationId)>& may_change) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  LotStock* stock = nullptr;
  if (auto p = pools_.find(pool); p != pools_.end()) {
    if (auto l = p->second.find(lot); l != p->second.end()) stock = &l->second;
  }
  const std::int64_t free =
      stock == nullptr ? 0 : std::clamp<std::int64_t>(stock->available, 0, qty);
  StockLoss loss;
  loss.pool = pool;
  loss.lot = lot;
  loss.quantity = qty;
  loss.unreserved = free;

  // Which reservations give up how much, decided before anything changes.
  std::vector<std::pair<Reservation*, std::int64_t>> plan;
  std::int64_t left = qty - free;
  if (left > 0) {
    std::vector<Reservation*> holding;
    std::int64_t held = 0;
    for (auto& [id, r] : active_) {
      const std::int64_t out = OutstandingOn(r, lot);
      if (out > 0 && PoolOf(r) == pool) {
        holding.push_back(&r);
        held += out;
      }
    }
    if (held < left) {
      return FailedPrecondition("quantity: only " + std::to_string(free + held) + " of lot " +
                                    std::to_string(lot.value()) + " is on hand; " +
                                    std::to_string(qty) + " cannot leave",
                                "quantity");
    }
    std::sort(holding.begin(), holding.end(), ShrinkFirst);
    for (Reservation* r : holding) {
      if (left == 0) break;
      if (!may_change(r->id)) {
        return Conflict("reservation " + std::to_string(r->id.value()) +
                        " holds the lost stock and is being changed or picked; retry");
      }
      const std::int64_t take = std::min(left, OutstandingOn(*r, lot));
      plan.emplace_back(r, take);
      left -= take;
    }
  }

  if (stock != nullptr) stock->available -= free;
  const Date today = Date::OfTimestamp(now);
  const bool lost_dated = stock != nullptr && stock->expiry.has_value();
  const Date lost_expiry = lost_dated ? *stock->expiry : Date();
  auto& lots = pools_[pool];
  for (auto& [r, take] : plan) {
    ReservationShrink shrink;
    shrink.before = *r;
    shrink.lost = take;
    for (auto l = r->lines.begin(); l != r->lines.end(); ++l) {
      if (l->lot_id != lot) continue;
      l->quantity -= take;
      if (l->quantity == 0 && l->picked == 0) r->lines.erase(l);
      break;
    }
    std::vector<LotAvailability> other;
    std::int64_t reservable = 0;
    for (const auto& a : Lots(pool)) {
      if (a.lot_id == lot || !ReReservable(*r, a.expiry_date, lost_dated, lost_expiry, today))
        continue;
      other.push_back(a);
      reservable += a.available;
    }
    const std::int64_t again = std::min(take, reservable);
    if (again > 0) {
      auto lines = AllocateFefo(other, again, today, 0);
      if (lines.ok()) {
        for (const auto& line : *lines) {
          lots[line.lot_id].available -= line.quantity;
          AddToLine(*r, line.lot_id, line.quantity);
        }
        shrink.re_reserved = std::move(lines).value();
      }
    }
    std::int64_t moved = 0;
    for (const auto& line : shrink.re_reserved) moved += line.quantity;
    shrink.short_added = take - moved;
    r->short_quantity += shrink.short_added;
    r->updated_at = now;
    shrink.after = *r;
    loss.reservations.push_back(std::move(shrink));
  }
  return loss;
}

void ReservationBook::UndoLoss(const StockLoss& loss) {
  auto& lots = pools_[loss.pool];
  for (auto s = loss.reservations.rbegin(); s != loss.reservations.rend(); ++s) {
    for (const auto& line : s->re_reserved) lots[line.lot_id].available += line.quantity;
    if (auto a = active_.find(s->before.id.value()); a != active_.end()) {
      UntrackExpiry(a->second);
      a->second = s->before;
      TrackExpiry(a->second);
    }
  }
  if (loss.unreserved > 0) lots[loss.lot].available += loss.unreserved;
}

Result<Reservation> ReservationBook::Reserve(Reservation reservation, std::int64_t quantity,
                                             Date today, std::int64_t min_remaining_days) {
  if (!reservation.id.assigned()) return InvalidArgument("id: is required", "id");
  if (active_.contains(reservation.id.value()) || consumed_.contains(reservation.id.value())) {
    return AlreadyExists("reservation " + std::to_string(reservation.id.value()) +
                         " is already in the book");
  }
  const PoolKey pool = PoolOf(reservation);
  const std::vector<LotAvailability> lots = Lots(pool);
  XB_ASSIGN_OR_RETURN(auto lines, AllocateFefo(lots, quantity, today, min_remaining_days));
  auto& stock = pools_[pool];
  for (const auto& line : lines) stock[line.lot_id].available -= line.quantity;
  reservation.lines = std::move(lines);
  reservation.state = ReservationState::kActive;
  active_[reservation.id.value()] = reservation;
  TrackExpiry(reservation);
  return reservation;
}

Result<Reservation> ReservationBook::Release(ReservationId id) {
  auto it = active_.find(id.value());
  if (it == active_.end()) {
    return NotFound("reservation " + std::to_string(id.value()) + " is not active");
  }
  Reservation r = std::move(it->second);
  active_.erase(it);
  UntrackExpiry(r);
  auto& lots = pools_[PoolOf(r)];
  for (const auto& line : r.lines) lots[line.lot_id].available += line.quantity - line.picked;
  return r;
}

Status ReservationBook::TakeForPick(ReservationId id, LotId lot, std::int64_t qty) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  auto it = active_.find(id.value());
  if (it == active_.end()) {
    return NotFound("reservation " + std::to_string(id.value()) + " is not active");
  }
  Reservation& r = it->second;
  auto line = std::find_if(r.lines.begin(), r.lines.end(),
                           [&](const ReservationLine& l) { return l.lot_id == lot; });
  const std::int64_t outstanding = line == r.lines.end() ? 0 : line->quantity - line->picked;
  if (qty > outstanding) {
    return FailedPrecondition("quantity: reservation " + std::to_string(id.value()) + " has " +
                                  std::to_string(outstanding) + " outstanding on lot " +
                                  std::to_string(lot.value()) + ", " + std::to_string(qty) +
                                  " asked",
                              "quantity");
  }
  line->picked += qty;
  if (r.Outstanding() == 0) {
    r.state = ReservationState::kConsumed;
    UntrackExpiry(r);
    RememberConsumed(std::move(r));
    active_.erase(it);
  }
  return Status::Ok();
}

void ReservationBook::UndoTakeForPick(ReservationId id, LotId lot, std::int64_t qty) {
  if (qty <= 0) return;
  auto it = active_.find(id.value());
  if (it == active_.end()) {
    auto c = consumed_.find(id.value());
    if (c == consumed_.end()) return;
    c->second.state = ReservationState::kActive;
    it = active_.emplace(id.value(), std::move(c->second)).first;
    consumed_.erase(c);
    TrackExpiry(it->second);
  }
  for (auto& line : it->second.lines) {
    if (line.lot_id == lot) {
      line.picked -= std::min(qty, line.picked);
      return;
    }
  }
}

void ReservationBook::RememberConsumed(Reservation reservation) {
  const std::int64_t id = reservation.id.value();
  consumed_[id] = std::move(reservation);
  consumed_order_.push_back(id);
  while (consumed_order_.size() > kUndoWindow) {
    consumed_.erase(consumed_order_.front());
    consumed_order_.pop_front();
  }
}

Status ReservationBook::Confirm(ReservationId id) {
  auto it = active_.find(id.value());
  if (it == active_.end()) {
    return NotFound("reservation " + std::to_string(id.value()) + " is not active");
  }
  UntrackExpiry(it->second);
  it->second.expires_at.reset();
  return Status::Ok();
}

std::vector<ReservationId> ReservationBook::Lapsed(Timestamp now) const {
  std::vector<ReservationId> out;
  for (const auto& [at, id] : expiring_) {
    if (at > now.micros()) break;
    out.emplace_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ReservationBook::TrackExpiry(const Reservation& reservation) {
  if (reservation.expires_at) {
    expiring_.emplace(reservation.expires_at->micros(), reservation.id.value());
  }
}

void ReservationBook::UntrackExpiry(const Reservation& reservation) {
  if (reservation.expires_at) {
    expiring_.erase({reservation.expires_at->micros(), reservation.id.value()});
  }
}

const Reservation* ReservationBook::Find(ReservationId id) const {
  auto it = active_.find(id.value());
  return it == active_.end() ? nullptr : &it->second;
}

std::int64_t ReservationBook::Available(const PoolKey& pool) const {
  std::int64_t total = 0;
  if (auto p = pools_.find(pool); p != pools_.end()) {
    for (const auto& [lot, stock] : p->second) total += std::max<std::int64_t>(stock.available, 0);
  }
  return total;
}

std::vector<LotAvailability> ReservationBook::Lots(const PoolKey& pool) const {
  std::vector<LotAvailability> out;
  if (auto p = pools_.find(pool); p != pools_.end()) {
    for (const auto& [lot, stock] : p->second) {
      if (stock.available > 0) out.push_back(LotAvailability{lot, stock.expiry, stock.available});
    }
  }
  std::sort(out.begin(), out.end(), FefoBefore);
  return out;
}

std::size_t ReservationBook::active_count() const { return active_.size(); }

}  // namespace xb::inventory
