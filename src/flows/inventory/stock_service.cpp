#include "flows/inventory/stock_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/record.h"
#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "domain/warehouse/tasks.h"
#include "flows/inventory/stock_posting.h"
#include "flows/store/idempotency.h"

namespace xb::inventory_flow {

using access::Action;
using inventory::Balance;
using inventory::Lot;
using inventory::LotId;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Reservation;
using inventory::ReservationId;
using inventory::StockState;
using nlohmann::json;

namespace {

constexpr const char* kLotEntity = "lot";
constexpr const char* kMovementEntity = "movement";
constexpr std::size_t kMaxNoteLength = 500;
constexpr std::size_t kMaxOrderRefLength = 64;
constexpr std::int64_t kMaxDays = 36500;
// How long a warehouse, SKU or channel found usable for reservations is trusted without reading
// the database again.
constexpr std::int64_t kReserveCacheMicros = 5'000'000;

template <class E>
std::string EnumName(E e) {
  return std::string(inventory::EnumChoices(e)[static_cast<std::size_t>(e)]);
}

Status CheckPage(std::int64_t limit, std::int64_t offset) {
  if (limit < 1 || limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (offset < 0) return InvalidArgument("offset: must not be negative", "offset");
  return Status::Ok();
}

Status CheckOwner(const std::string& owner) {
  Status st = inventory::ValidateOwner(owner);
  if (st.ok()) return st;
  return InvalidArgument("owner: " + st.message(), "owner");
}

Status CheckNote(const std::string& note) {
  if (note.size() > kMaxNoteLength) {
    return InvalidArgument("note: at most " + std::to_string(kMaxNoteLength) + " characters",
                           "note");
  }
  if (!IsCleanUtf8(note)) return InvalidArgument("note: must be valid UTF-8", "note");
  return Status::Ok();
}

// Reason codes of adjustments: 1..32 of [a-z0-9_-].
Status CheckReasonCode(const std::string& code) {
  if (code.empty()) return InvalidArgument("reason_code: is required", "reason_code");
  if (code.size() > 32) return InvalidArgument("reason_code: at most 32 characters", "reason_code");
  for (char c : code) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      return InvalidArgument("reason_code: use lower-case letters, digits, '_' and '-'",
                             "reason_code");
    }
  }
  return Status::Ok();
}

// The master record `id` of type R in the tenant, when it exists and is active; otherwise
// kInvalidArgument naming `field` ("warehouse_id: no warehouse with id 9").
template <class R>
Result<R> RequireActive(store::Transaction& tx, TenantId tenant, std::int64_t id,
                        const std::string& field) {
  if (id <= 0) return InvalidArgument(field + ": is required", field);
  auto found = store::Records<R>(tx).Get(tenant, id);
  if (!found.ok()) {
    if (found.status().code() != ErrorCode::kNotFound) return found.status();
    return InvalidArgument(
        field + ": no " + std::string(R::Spec().kind) + " with id " + std::to_string(id), field);
  }
  if (found->status == RecordStatus::kArchived) {
    return InvalidArgument(
        field + ": " + std::string(R::Spec().kind) + " " + found->code + " is archived", field);
  }
  return std::move(found).value();
}

// The bin, which must be active and belong to the warehouse.
Result<partners::Bin> RequireBin(store::Transaction& tx, TenantId tenant, std::int64_t bin_id,
                                 const partners::Warehouse& warehouse) {
  XB_ASSIGN_OR_RETURN(auto bin, RequireActive<partners::Bin>(tx, tenant, bin_id, "bin_id"));
  if (bin.warehouse_id != warehouse.id.value()) {
    return InvalidArgument("bin_id: bin " + bin.code + " is not in warehouse " + warehouse.code,
                           "bin_id");
  }
  return bin;
}

// The lot of the SKU (lot id 0: the SKU's stock without lots).
Result<std::optional<Lot>> RequireLot(store::Transaction& tx, TenantId tenant, std::int64_t lot_id,
                                      std::int64_t sku_id) {
  if (lot_id < 0) return InvalidArgument("lot_id: must not be negative", "lot_id");
  if (lot_id == 0) return std::optional<Lot>();
  auto lot = tx.inventory().GetLot(tenant, LotId(lot_id));
  if (!lot.ok()) {
    if (lot.status().code() != ErrorCode::kNotFound) return lot.status();
    return InvalidArgument("lot_id: no lot with id " + std::to_string(lot_id), "lot_id");
  }
  if (lot->sku_id != sku_id) {
    return InvalidArgument("lot_id: lot " + lot->lot_number + " is of SKU " +
                               std::to_string(lot->sku_id) + ", not of SKU " +
                               std::to_string(sku_id),
                           "lot_id");
  }
  return std::optional<Lot>(std::move(lot).value());
}

Status AppendEvent(store::Transaction& tx, const RequestContext& ctx, std::string type,
                   std::string entity, std::int64_t entity_id, Timestamp at, const json& payload) {
  events::BusinessEvent event;
  event.tenant_id = ctx.principal.tenant_id;
  event.type = std::move(type);
  event.entity = std::move(entity);
  event.entity_id = entity_id;
  event.actor = ctx.principal.Actor();
  event.request_id = ctx.request_id;
  event.at = at;
  event.payload = payload.dump();
  auto seq = tx.events().Append(std::move(event));
  return seq.ok() ? Status::Ok() : seq.status();
}

using store::Remember;  // idempotent requests (flows/store/idempotency.h)
using store::Replayed;

Result<Movement> MovementById(store::Transaction& tx, TenantId tenant, std::int64_t id) {
  inventory::MovementQuery q;
  q.after_id = id - 1;
  q.limit = 1;
  XB_ASSIGN_OR_RETURN(auto found, tx.inventory().ListMovements(tenant, q));
  if (found.empty() || found.front().id != id) {
    return NotFound("no movement with id " + std::to_string(id));
  }
  return std::move(found.front());
}

json PlaceJson(const std::optional<inventory::Place>& p) {
  if (!p) return nullptr;
  return {{"warehouse_id", p->warehouse_id}, {"bin_id", p->bin_id}, {"state", EnumName(p->state)}};
}

json MovementPayload(const Movement& m) {
  return {{"movement_id", m.id},    {"sku_id", m.sku_id},           {"lot_id", m.lot_id.value()},
          {"owner", m.owner},       {"from", PlaceJson(m.from)},    {"to", PlaceJson(m.to)},
          {"quantity", m.quantity}, {"reason", EnumName(m.reason)}, {"note", m.note}};
}

json LotPayload(const Lot& lot) {
  return {
      {"sku_id", lot.sku_id},
      {"lot_number", lot.lot_number},
      {"production_date", lot.production_date ? json(lot.production_date->ToIso8601()) : json()},
      {"expiry_date", lot.expiry_date ? json(lot.expiry_date->ToIso8601()) : json()}};
}

// Every balance matching `query` (its limit and offset are ignored).
Result<std::vector<Balance>> AllBalances(store::Transaction& tx, TenantId tenant,
                                         inventory::BalanceQuery query) {
  std::vector<Balance> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.inventory().ListBalances(tenant, query));
    for (auto& b : page.first) all.push_back(std::move(b));
    if (page.first.empty() || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

// Every reservation matching `query` (its limit and offset are ignored).
Result<std::vector<Reservation>> AllReservations(store::Transaction& tx, TenantId tenant,
                                                 inventory::ReservationQuery query) {
  std::vector<Reservation> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.inventory().ListReservations(tenant, query));
    for (auto& r : page.first) all.push_back(std::move(r));
    if (page.first.empty() || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

// Every purchase order matching `query` (its limit and offset are ignored).
Result<std::vector<procurement::PurchaseOrder>> AllOrders(store::Transaction& tx, TenantId tenant,
                                                          procurement::PurchaseOrderQuery query) {
  std::vector<procurement::PurchaseOrder> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.procurement().ListOrders(tenant, query));
    for (auto& po : page.first) all.push_back(std::move(po));
    if (page.first.empty() || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

// Every receive task of the warehouse (all warehouses when absent) that is not closed.
Result<std::vector<warehouse::Task>> OpenReceiveTasks(store::Transaction& tx, TenantId tenant,
                                                      std::optional<std::int64_t> warehouse_id) {
  std::vector<warehouse::Task> all;
  for (const auto state : {warehouse::TaskState::kOpen, warehouse::TaskState::kInProgress}) {
    warehouse::TaskQuery query;
    query.warehouse_id = warehouse_id;
    query.kind = warehouse::TaskKind::kReceive;
    query.state = state;
    query.limit = kMaxPageSize;
    for (query.offset = 0;; query.offset += kMaxPageSize) {
      XB_ASSIGN_OR_RETURN(auto page, tx.warehouse().ListTasks(tenant, query));
      for (auto& t : page.first) all.push_back(std::move(t));
      if (page.first.empty() || query.offset + kMaxPageSize >= page.second) break;
    }
  }
  return all;
}

// Whether a side of a movement lies in a stock card's scope (one SKU and owner; optionally one
// warehouse).
bool InScope(const std::optional<inventory::Place>& place, const StockCardQuery& q) {
  return place && (!q.warehouse_id || place->warehouse_id == *q.warehouse_id);
}

}  // namespace

StockService::StockService(store::Database& db, const Clock& clock, ReservationEngine* engine)
    : db_(db), clock_(clock), engine_(engine) {}

// --- queries ---------------------------------------------------------------------------------

Result<std::pair<std::vector<Balance>, std::int64_t>> StockService::ListBalances(
    const access::Principal& principal, const inventory::BalanceQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().ListBalances(principal.tenant_id, query);
}

namespace {

// The summary rows of `query`: the page of its limit and offset, or every row when `all`; and how
// many rows there are.
Result<std::pair<std::vector<StockSummary>, std::int64_t>> SummaryRows(store::Transaction& tx,
                                                                       TenantId tenant,
                                                                       const SummaryQuery& query,
                                                                       bool all) {
  using Key = std::tuple<std::int64_t, std::int64_t, std::string>;
  std::map<Key, StockSummary> rows;
  const auto row = [&rows](std::int64_t warehouse, std::int64_t sku,
                           const std::string& owner) -> StockSummary& {
    auto [it, added] = rows.try_emplace(Key{warehouse, sku, owner});
    if (added) {
      it->second.warehouse_id = warehouse;
      it->second.sku_id = sku;
      it->second.owner = owner;
    }
    return it->second;
  };

  inventory::BalanceQuery bq;
  bq.warehouse_id = query.warehouse_id;
  bq.sku_id = query.sku_id;
  bq.owner = query.owner;
  XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
  for (const auto& b : balances) {
    StockSummary& s = row(b.key.warehouse_id, b.key.sku_id, b.key.owner);
    s.on_hand += b.on_hand;
    switch (b.key.state) {
      case StockState::kAvailable:
        s.available += b.on_hand;  // reservations are taken off below
        break;
      case StockState::kQuarantine:
      case StockState::kCustomsHold:
      case StockState::kDamaged:
        s.held += b.on_hand;
        break;
      case StockState::kPicked:
        s.picked += b.on_hand;
        break;
    }
  }

  // Open receive tasks. Against a purchase order, what they received is on hand already but is
  // added to the order's received quantity only when the task closes: it is taken off the order's
  // open quantity below, per (order, line). Against an advance notice, what is still expected is
  // in transit.
  XB_ASSIGN_OR_RETURN(auto receiving, OpenReceiveTasks(tx, tenant, query.warehouse_id));
  std::map<std::pair<std::int64_t, int>, std::int64_t> received_by_open_tasks;
  for (const auto& task : receiving) {
    const bool against_po = task.ref_type == "purchase_order";
    const auto po_id = against_po ? ParseInt64(task.ref_id) : std::nullopt;
    for (const auto& line : task.lines) {
      const std::int64_t received = line.done_qty + line.damaged_qty;
      if (po_id) {
        received_by_open_tasks[{*po_id, line.line_no}] += received;
      } else if (task.ref_type == "asn") {
        if (query.sku_id && line.sku_id != *query.sku_id) continue;
        if (query.owner && line.owner != *query.owner) continue;
        const std::int64_t expected = line.expected_qty - received;
        if (expected > 0) row(task.warehouse_id, line.sku_id, line.owner).in_transit += expected;
      }
    }
  }

  // Purchase orders bring the tenant's own stock.
  if (!query.owner || *query.owner == inventory::kOwnStock) {
    for (const auto status :
         {procurement::PoStatus::kConfirmed, procurement::PoStatus::kPartlyReceived}) {
      procurement::PurchaseOrderQuery pq;
      pq.warehouse_id = query.warehouse_id;
      pq.status = status;
      XB_ASSIGN_OR_RETURN(auto orders, AllOrders(tx, tenant, pq));
      for (const auto& po : orders) {
        // A receipt's line_no is the order line's position, 1-based (procurement::ApplyReceipt).
        int line_no = 0;
        for (const auto& line : po.lines) {
          ++line_no;
          if (query.sku_id && line.sku_id != *query.sku_id) continue;
          std::int64_t open = line.quantity - line.received_qty;
          if (auto it = received_by_open_tasks.find({po.id.value(), line_no});
              it != received_by_open_tasks.end()) {
            open -= it->second;
          }
          if (open > 0) {
            row(po.warehouse_id, line.sku_id, std::string(inventory::kOwnStock)).inbound += open;
          }
        }
      }
    }
  }

  const auto total = static_cast<std::int64_t>(rows.size());
  std::vector<StockSummary> page;
  if (all) {
    // Reserved: the outstanding quantities of every active reservation in the query's scope.
    inventory::ReservationQuery rq;
    rq.warehouse_id = query.warehouse_id;
    rq.sku_id = query.sku_id;
    rq.state = inventory::ReservationState::kActive;
    XB_ASSIGN_OR_RETURN(auto active, AllReservations(tx, tenant, rq));
    for (const auto& r : active) {
      if (auto it = rows.find(Key{r.warehouse_id, r.sku_id, r.owner}); it != rows.end()) {
        it->second.reserved += r.Outstanding();
      }
    }
    page.reserve(rows.size());
    for (auto& [key, s] : rows) page.push_back(std::move(s));
  } else {
    std::int64_t index = 0;
    for (auto& [key, s] : rows) {
      if (index++ < query.offset) continue;
      if (static_cast<std::int64_t>(page.size()) >= query.limit) break;
      page.push_back(std::move(s));
    }
    // Reserved: the outstanding quantities of active reservations, per row of the page.
    for (auto& s : page) {
      inventory::ReservationQuery rq;
      rq.warehouse_id = s.warehouse_id;
      rq.sku_id = s.sku_id;
      rq.state = inventory::ReservationState::kActive;
      XB_ASSIGN_OR_RETURN(auto active, AllReservations(tx, tenant, rq));
      for (const auto& r : active) {
        if (r.owner == s.owner) s.reserved += r.Outstanding();
      }
    }
  }
  for (auto& s : page) {
    s.available -= s.reserved;
    s.projected = s.available + s.inbound + s.in_transit;
  }
  return std::make_pair(std::move(page), total);
}

// Every balance as of `at` matching `query` (its limit and offset are ignored).
Result<std::vector<Balance>> AllBalancesAsOf(store::Transaction& tx, TenantId tenant,
                                             inventory::BalanceQuery query, Timestamp at) {
  std::vector<Balance> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.inventory().BalancesAsOf(tenant, query, at));
    const bool last = static_cast<std::int64_t>(page.size()) < kMaxPageSize;
    for (auto& b : page) all.push_back(std::move(b));
    if (last) break;
  }
  return all;
}

// The expiring lines of `query`, soonest expiry first: the page of its limit and offset, or every
// line when `all`.
Result<ExpiringReport> ExpiringLines(store::Transaction& tx, TenantId tenant, Date today,
                                     const ExpiringQuery& query, bool all) {
  ExpiringReport report;
  report.today = today;
  inventory::BalanceQuery bq;
  bq.warehouse_id = query.warehouse_id;
  bq.sku_id = query.sku_id;
  bq.owner = query.owner;
  bq.expires_before = report.today.AddDays(static_cast<std::int32_t>(query.days));
  XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
  std::vector<ExpiringLine> lines;
  for (auto& b : balances) {
    const auto left = inventory::RemainingShelfLifeDays(b.expiry_date, report.today);
    if (!left || *left > query.days) continue;
    ExpiringLine line;
    line.days_left = *left;
    line.expired = inventory::IsExpired(b.expiry_date, report.today);
    line.balance = std::move(b);
    lines.push_back(std::move(line));
  }
  std::stable_sort(lines.begin(), lines.end(), [](const ExpiringLine& a, const ExpiringLine& b) {
    return std::tie(a.days_left, a.balance.key) < std::tie(b.days_left, b.balance.key);
  });
  report.total = static_cast<std::int64_t>(lines.size());
  if (all) {
    report.items = std::move(lines);
    return report;
  }
  for (std::int64_t i = query.offset; i < report.total && i < query.offset + query.limit; ++i) {
    report.items.push_back(std::move(lines[static_cast<std::size_t>(i)]));
  }
  return report;
}

Status CheckExpiring(const ExpiringQuery& query) {
  if (query.days < 0 || query.days > kMaxDays) {
    return InvalidArgument("days: must be 0.." + std::to_string(kMaxDays), "days");
  }
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  return Status::Ok();
}

Status CheckCard(const StockCardQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (query.after_id < 0) return InvalidArgument("after_id: must not be negative", "after_id");
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  if (query.from && query.to && *query.to <= *query.from) {
    return InvalidArgument("to: must be after from", "to");
  }
  return Status::Ok();
}

// One page of the stock card (the SKU checked by the caller).
Result<StockCard> CardPage(store::Transaction& tx, TenantId tenant, const StockCardQuery& query) {
  inventory::MovementQuery scope;
  scope.sku_id = query.sku_id;
  scope.warehouse_id = query.warehouse_id;
  scope.owner = query.owner;
  StockCard card;
  card.sku_id = query.sku_id;
  // Opening balance: everything before `from`, plus the window's movements up to `after_id`.
  if (query.from) {
    inventory::MovementQuery before = scope;
    before.to = query.from;
    XB_ASSIGN_OR_RETURN(const std::int64_t net, tx.inventory().NetQuantity(tenant, before));
    card.opening_balance += net;
  }
  inventory::MovementQuery window = scope;
  window.from = query.from;
  window.to = query.to;
  if (query.after_id > 0) {
    XB_ASSIGN_OR_RETURN(const std::int64_t whole, tx.inventory().NetQuantity(tenant, window));
    inventory::MovementQuery later = window;
    later.after_id = query.after_id;
    XB_ASSIGN_OR_RETURN(const std::int64_t after, tx.inventory().NetQuantity(tenant, later));
    card.opening_balance += whole - after;
  }
  window.after_id = query.after_id;
  window.limit = query.limit + 1;  // one more tells whether another page follows
  XB_ASSIGN_OR_RETURN(auto movements, tx.inventory().ListMovements(tenant, window));
  const bool more = static_cast<std::int64_t>(movements.size()) > query.limit;
  if (more) movements.resize(static_cast<std::size_t>(query.limit));
  std::int64_t running = card.opening_balance;
  for (auto& m : movements) {
    CardLine line;
    const bool from_in = InScope(m.from, query);
    const bool to_in = InScope(m.to, query);
    line.signed_quantity = from_in == to_in ? 0 : (to_in ? m.quantity : -m.quantity);
    running += line.signed_quantity;
    line.running_balance = running;
    line.movement = std::move(m);
    card.items.push_back(std::move(line));
  }
  if (more && !card.items.empty()) card.next_after_id = card.items.back().movement.id;
  return card;
}

Status CheckMovements(const inventory::MovementQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (query.after_id < 0) return InvalidArgument("after_id: must not be negative", "after_id");
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  return Status::Ok();
}

}  // namespace

Result<std::pair<std::vector<StockSummary>, std::int64_t>> StockService::Summary(
    const access::Principal& principal, const SummaryQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return SummaryRows(*tx, principal.tenant_id, query, false);
}

Result<std::vector<StockSummary>> StockService::ExportSummary(const access::Principal& principal,
                                                              const SummaryQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto rows, SummaryRows(*tx, principal.tenant_id, query, true));
  return std::move(rows.first);
}

Result<std::vector<Balance>> StockService::ExportBalances(const access::Principal& principal,
                                                          const inventory::BalanceQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return AllBalances(*tx, principal.tenant_id, query);
}

Result<std::pair<std::vector<Balance>, std::int64_t>> StockService::AsOf(
    const access::Principal& principal, const inventory::BalanceQuery& query, Timestamp at) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto items, tx->inventory().BalancesAsOf(tenant, query, at));
  const auto size = static_cast<std::int64_t>(items.size());
  // A short page that is not past the end tells the total; otherwise count the rest.
  if (size < query.limit && (size > 0 || query.offset == 0)) {
    return std::make_pair(std::move(items), query.offset + size);
  }
  inventory::BalanceQuery rest = query;
  rest.limit = kMaxPageSize;
  std::int64_t total = size > 0 ? query.offset + size : 0;
  for (rest.offset = total;; rest.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx->inventory().BalancesAsOf(tenant, rest, at));
    total += static_cast<std::int64_t>(page.size());
    if (static_cast<std::int64_t>(page.size()) < kMaxPageSize) break;
  }
  return std::make_pair(std::move(items), total);
}

Result<std::vector<Balance>> StockService::ExportAsOf(const access::Principal& principal,
                                                      const inventory::BalanceQuery& query,
                                                      Timestamp at) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  if (query.owner) XB_RETURN_IF_ERROR(CheckOwner(*query.owner));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return AllBalancesAsOf(*tx, principal.tenant_id, query, at);
}

Result<ExpiringReport> StockService::Expiring(const access::Principal& principal,
                                              const ExpiringQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_RETURN_IF_ERROR(CheckExpiring(query));
  const Date today = Date::OfTimestamp(clock_.Now());
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return ExpiringLines(*tx, principal.tenant_id, today, query, false);
}

Result<ExpiringReport> StockService::ExportExpiring(const access::Principal& principal,
                                                    const ExpiringQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckExpiring(query));
  const Date today = Date::OfTimestamp(clock_.Now());
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return ExpiringLines(*tx, principal.tenant_id, today, query, true);
}

Result<StockCard> StockService::Card(const access::Principal& principal,
                                     const StockCardQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckCard(query));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->skus().Get(tenant, query.sku_id).status());  // kNotFound: 404
  return CardPage(*tx, tenant, query);
}

Result<StockCard> StockService::ExportCard(const access::Principal& principal,
                                           const StockCardQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  StockCardQuery page_query = query;
  page_query.after_id = 0;
  page_query.limit = kMaxPageSize;
  XB_RETURN_IF_ERROR(CheckCard(page_query));
  const TenantId tenant = principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->skus().Get(tenant, query.sku_id).status());  // kNotFound: 404
  XB_ASSIGN_OR_RETURN(StockCard card, CardPage(*tx, tenant, page_query));
  while (card.next_after_id) {
    page_query.after_id = *card.next_after_id;
    XB_ASSIGN_OR_RETURN(StockCard next, CardPage(*tx, tenant, page_query));
    for (auto& line : next.items) card.items.push_back(std::move(line));
    card.next_after_id = next.next_after_id;
  }
  return card;
}

Result<std::vector<Movement>> StockService::Movements(const access::Principal& principal,
                                                      const inventory::MovementQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckMovements(query));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().ListMovements(principal.tenant_id, query);
}

Result<std::vector<Movement>> StockService::ExportMovements(const access::Principal& principal,
                                                            const inventory::MovementQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  inventory::MovementQuery page_query = query;
  page_query.after_id = 0;
  page_query.limit = kMaxPageSize;
  XB_RETURN_IF_ERROR(CheckMovements(page_query));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  std::vector<Movement> all;
  for (;;) {
    XB_ASSIGN_OR_RETURN(auto page, tx->inventory().ListMovements(principal.tenant_id, page_query));
    const bool last = static_cast<std::int64_t>(page.size()) < kMaxPageSize;
    for (auto& m : page) all.push_back(std::move(m));
    if (last || all.empty()) break;
    page_query.after_id = all.back().id;
  }
  return all;
}

// --- lots ------------------------------------------------------------------------------------

Result<Created<Lot>> StockService::CreateLot(const RequestContext& ctx, const LotDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  const Timestamp now = clock_.Now();
  Lot lot;
  lot.tenant_id = tenant;
  lot.sku_id = draft.sku_id;
  lot.lot_number = std::string(Trim(draft.lot_number));
  lot.production_date = draft.production_date;
  lot.expiry_date = draft.expiry_date;
  lot.created_at = now;
  if (lot.lot_number.empty()) return InvalidArgument("lot_number: is required", "lot_number");
  XB_RETURN_IF_ERROR(inventory::Validate(lot));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto replayed, Replayed(*tx, ctx, kLotEntity));
  if (replayed) {
    XB_ASSIGN_OR_RETURN(auto existing, tx->inventory().GetLot(tenant, LotId(*replayed)));
    return Created<Lot>{std::move(existing), true};
  }
  XB_RETURN_IF_ERROR(RequireActive<catalog::Sku>(*tx, tenant, lot.sku_id, "sku_id").status());
  auto stored = tx->inventory().InsertLot(std::move(lot));
  if (!stored.ok()) {
    if (stored.status().code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists("lot_number: SKU " + std::to_string(draft.sku_id) +
                               " already has a lot " + std::string(Trim(draft.lot_number)),
                           "lot_number");
    }
    return stored.status();
  }
  XB_RETURN_IF_ERROR(AppendEvent(*tx, ctx, "inventory.lot.created", kLotEntity, stored->id.value(),
                                 now, LotPayload(*stored)));
  XB_RETURN_IF_ERROR(Remember(*tx, ctx, kLotEntity, stored->id.value(), now));
  XB_RETURN_IF_ERROR(tx->Commit());
  return Created<Lot>{std::move(stored).value(), false};
}

Result<Lot> StockService::GetLot(const access::Principal& principal, LotId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().GetLot(principal.tenant_id, id);
}

Result<std::pair<std::vector<Lot>, std::int64_t>> StockService::ListLots(
    const access::Principal& principal, const inventory::LotQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().ListLots(principal.tenant_id, query);
}

// --- manual changes --------------------------------------------------------------------------

namespace {

// What every manual change names: the place, the SKU, the lot and the owner.
struct PlaceDraft {
  std::int64_t warehouse_id = 0;
  std::int64_t bin_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t lot_id = 0;
  const std::string* owner = nullptr;
  const std::string* note = nullptr;
};

Status CheckPlace(store::Transaction& tx, TenantId tenant, const PlaceDraft& d) {
  XB_RETURN_IF_ERROR(CheckOwner(*d.owner));
  XB_RETURN_IF_ERROR(CheckNote(*d.note));
  XB_ASSIGN_OR_RETURN(auto warehouse, RequireActive<partners::Warehouse>(tx, tenant, d.warehouse_id,
                                                                         "warehouse_id"));
  XB_RETURN_IF_ERROR(RequireBin(tx, tenant, d.bin_id, warehouse).status());
  XB_RETURN_IF_ERROR(RequireActive<catalog::Sku>(tx, tenant, d.sku_id, "sku_id").status());
  return RequireLot(tx, tenant, d.lot_id, d.sku_id).status();
}

}  // namespace

Result<Created<Movement>> StockService::PostOne(const RequestContext& ctx, std::string_view kind,
                                                Movement movement, const std::string& event_type) {
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto replayed, Replayed(*tx, ctx, kind));
  if (replayed) {
    XB_ASSIGN_OR_RETURN(auto existing, MovementById(*tx, tenant, *replayed));
    return Created<Movement>{std::move(existing), true};
  }
  const inventory::Place& place = movement.from ? *movement.from : *movement.to;
  const PlaceDraft where{place.warehouse_id,      place.bin_id,    movement.sku_id,
                         movement.lot_id.value(), &movement.owner, &movement.note};
  XB_RETURN_IF_ERROR(CheckPlace(*tx, tenant, where));
  const Timestamp now = clock_.Now();
  movement.tenant_id = tenant;
  movement.actor = ctx.principal.Actor();
  movement.at = now;
  StockPosting posting(engine_);
  XB_RETURN_IF_ERROR(posting.Post(*tx, std::span<Movement>(&movement, 1)));
  XB_RETURN_IF_ERROR(AppendEvent(*tx, ctx, event_type, kMovementEntity, movement.id, now,
                                 MovementPayload(movement)));
  XB_RETURN_IF_ERROR(Remember(*tx, ctx, kind, movement.id, now));
  XB_RETURN_IF_ERROR(tx->Commit());
  posting.Committed();
  return Created<Movement>{std::move(movement), false};
}

Result<Created<Movement>> StockService::Adjust(const RequestContext& ctx,
                                               const AdjustmentDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  if (draft.quantity == 0) {
    return InvalidArgument("quantity: must not be 0 (positive: found more, negative: found less)",
                           "quantity");
  }
  XB_RETURN_IF_ERROR(CheckReasonCode(draft.reason_code));
  if (draft.state == StockState::kPicked) {
    return InvalidArgument("state: picked stock is adjusted by its task, not by a count", "state");
  }
  Movement m;
  m.sku_id = draft.sku_id;
  m.lot_id = LotId(draft.lot_id);
  m.owner = draft.owner;
  const inventory::Place place{draft.warehouse_id, draft.bin_id, draft.state};
  if (draft.quantity > 0) {
    m.reason = MovementReason::kCountGain;
    m.to = place;
    m.quantity = draft.quantity;
  } else {
    m.reason = MovementReason::kCountLoss;
    m.from = place;
    m.quantity = -draft.quantity;
  }
  m.ref_type = "adjustment";
  m.ref_id = draft.reason_code;
  m.note = draft.note.empty() ? draft.reason_code : draft.reason_code + ": " + draft.note;
  return PostOne(ctx, "adjustment", std::move(m), "inventory.adjusted");
}

Result<Created<Movement>> StockService::Hold(const RequestContext& ctx, const HoldDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  if (draft.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  if (draft.state != StockState::kQuarantine && draft.state != StockState::kCustomsHold &&
      draft.state != StockState::kDamaged) {
    return InvalidArgument("state: must be quarantine, customs_hold or damaged", "state");
  }
  Movement m;
  m.sku_id = draft.sku_id;
  m.lot_id = LotId(draft.lot_id);
  m.owner = draft.owner;
  m.from = inventory::Place{draft.warehouse_id, draft.bin_id, StockState::kAvailable};
  m.to = inventory::Place{draft.warehouse_id, draft.bin_id, draft.state};
  m.quantity = draft.quantity;
  m.reason = MovementReason::kHold;
  m.ref_type = "hold";
  m.note = draft.note;
  return PostOne(ctx, "hold", std::move(m), "inventory.held");
}

Result<Created<Movement>> StockService::Release(const RequestContext& ctx, const HoldDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  if (draft.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  if (draft.state != StockState::kQuarantine && draft.state != StockState::kCustomsHold &&
      draft.state != StockState::kDamaged) {
    return InvalidArgument("from_state: must be quarantine, customs_hold or damaged", "from_state");
  }
  Movement m;
  m.sku_id = draft.sku_id;
  m.lot_id = LotId(draft.lot_id);
  m.owner = draft.owner;
  m.from = inventory::Place{draft.warehouse_id, draft.bin_id, draft.state};
  m.to = inventory::Place{draft.warehouse_id, draft.bin_id, StockState::kAvailable};
  m.quantity = draft.quantity;
  m.reason = MovementReason::kRelease;
  m.ref_type = "release";
  m.note = draft.note;
  return PostOne(ctx, "release", std::move(m), "inventory.released");
}

// --- reservations ----------------------------------------------------------------------------

Result<StockService::ReserveRules> StockService::CheckReserve(TenantId tenant,
                                                              const ReserveDraft& draft) {
  const Timestamp now = clock_.Now();
  // Positive answers only are cached: a record created a moment ago is never refused.
  const auto cached = [&](char kind, std::int64_t id) -> std::optional<std::int64_t> {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find({tenant.value(), kind, id});
    if (it == cache_.end() || it->second.until < now) return std::nullopt;
    return it->second.value;
  };
  const auto remember = [&](char kind, std::int64_t id, std::int64_t value) {
    std::lock_guard lock(cache_mu_);
    cache_[{tenant.value(), kind, id}] =
        CacheEntry{value, Timestamp::FromMicros(now.micros() + kReserveCacheMicros)};
  };
  ReserveRules rules;
  const bool know_warehouse = cached('w', draft.warehouse_id).has_value();
  const bool know_sku = cached('s', draft.sku_id).has_value();
  std::optional<std::int64_t> channel_days;
  if (draft.channel_id) channel_days = cached('c', *draft.channel_id);
  if (!know_warehouse || !know_sku || (draft.channel_id && !channel_days)) {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
    if (!know_warehouse) {
      XB_RETURN_IF_ERROR(
          RequireActive<partners::Warehouse>(*tx, tenant, draft.warehouse_id, "warehouse_id")
              .status());
      remember('w', draft.warehouse_id, 0);
    }
    if (!know_sku) {
      XB_RETURN_IF_ERROR(RequireActive<catalog::Sku>(*tx, tenant, draft.sku_id, "sku_id").status());
      remember('s', draft.sku_id, 0);
    }
    if (draft.channel_id && !channel_days) {
      XB_ASSIGN_OR_RETURN(auto channel, RequireActive<partners::Channel>(
                                            *tx, tenant, *draft.channel_id, "channel_id"));
      channel_days = channel.min_remaining_shelf_life_days.value_or(0);
      remember('c', *draft.channel_id, *channel_days);
    }
  }
  rules.min_remaining_days = draft.min_remaining_days.value_or(channel_days.value_or(0));
  return rules;
}

Result<ReserveRequest> StockService::PrepareReserve(const RequestContext& ctx,
                                                    const ReserveDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kReserve));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  XB_RETURN_IF_ERROR(CheckOwner(draft.owner));
  const std::string order_ref(Trim(draft.order_ref));
  if (order_ref.empty()) return InvalidArgument("order_ref: is required", "order_ref");
  if (order_ref.size() > kMaxOrderRefLength || !IsCleanUtf8(order_ref)) {
    return InvalidArgument(
        "order_ref: at most " + std::to_string(kMaxOrderRefLength) + " characters of UTF-8",
        "order_ref");
  }
  if (draft.min_remaining_days &&
      (*draft.min_remaining_days < 0 || *draft.min_remaining_days > kMaxDays)) {
    return InvalidArgument("min_remaining_days: must be 0.." + std::to_string(kMaxDays),
                           "min_remaining_days");
  }
  if (draft.hold_seconds && (*draft.hold_seconds < 0 || *draft.hold_seconds > 366 * 86400)) {
    return InvalidArgument("hold_seconds: must be 0 (no lapse) up to a year", "hold_seconds");
  }
  if (engine_ == nullptr) return Unavailable("the reservation engine is not running");
  XB_ASSIGN_OR_RETURN(const ReserveRules rules, CheckReserve(tenant, draft));

  ReserveRequest request;
  request.tenant_id = tenant;
  request.warehouse_id = draft.warehouse_id;
  request.sku_id = draft.sku_id;
  request.owner = draft.owner;
  request.quantity = draft.quantity;
  request.order_ref = order_ref;
  request.client_key = ctx.idempotency_key.value_or("");
  request.min_remaining_days = rules.min_remaining_days;
  if (draft.hold_seconds) request.hold_for = std::chrono::seconds(*draft.hold_seconds);
  return request;
}

Result<ReserveAnswer> StockService::Explain(const ReserveRequest& request,
                                            Result<ReserveAnswer> answer) const {
  if (!answer.ok()) {
    if (answer.status().code() != ErrorCode::kFailedPrecondition) return answer;
    // Say why: not enough at all, or not enough with the shelf life asked for.
    const inventory::PoolKey pool{request.tenant_id, request.warehouse_id, request.sku_id,
                                  request.owner};
    const Date today = Date::OfTimestamp(clock_.Now());
    std::int64_t all = 0;
    std::int64_t usable = 0;
    for (const auto& lot : engine_->Lots(pool)) {
      all += lot.available;
      if (inventory::MeetsShelfLife(lot.expiry_date, today, request.min_remaining_days)) {
        usable += lot.available;
      }
    }
    std::string message = "insufficient stock: " + std::to_string(usable) + " reservable of SKU " +
                          std::to_string(request.sku_id) + " in warehouse " +
                          std::to_string(request.warehouse_id) + ", " +
                          std::to_string(request.quantity) + " requested";
    if (usable < all) {
      message += " (" + std::to_string(all - usable) + " more are in lots that are expired" +
                 (request.min_remaining_days > 0
                      ? " or have fewer than " + std::to_string(request.min_remaining_days) +
                            " days of shelf life left"
                      : std::string()) +
                 ")";
    }
    return FailedPrecondition(message, "quantity");
  }
  if (answer->replayed) {
    const Reservation& r = answer->reservation;
    if (r.warehouse_id != request.warehouse_id || r.sku_id != request.sku_id ||
        r.owner != request.owner || r.order_ref != request.order_ref ||
        r.Quantity() != request.quantity) {
      return InvalidArgument("Idempotency-Key was already used with a different request");
    }
  }
  return answer;
}

void StockService::ReserveAsync(const RequestContext& ctx, const ReserveDraft& draft,
                                ReserveDone done) {
  auto request = PrepareReserve(ctx, draft);
  if (!request.ok()) {
    done(request.status());
    return;
  }
  engine_->ReserveAsync(
      *request, [this, request = *request, done = std::move(done)](Result<ReserveAnswer> answer) {
        done(Explain(request, std::move(answer)));
      });
}

Result<ReserveAnswer> StockService::Reserve(const RequestContext& ctx, const ReserveDraft& draft) {
  XB_ASSIGN_OR_RETURN(const ReserveRequest request, PrepareReserve(ctx, draft));
  return Explain(request, engine_->Reserve(request));
}

Result<Reservation> StockService::ReleaseReservation(const RequestContext& ctx, ReservationId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kReserve));
  if (engine_ == nullptr) return Unavailable("the reservation engine is not running");
  return engine_->Release(ctx.principal.tenant_id, id);
}

Result<Reservation> StockService::ConfirmReservation(const RequestContext& ctx, ReservationId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kReserve));
  if (engine_ == nullptr) return Unavailable("the reservation engine is not running");
  return engine_->Confirm(ctx.principal.tenant_id, id);
}

Result<Reservation> StockService::GetReservation(const access::Principal& principal,
                                                 ReservationId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().GetReservation(principal.tenant_id, id);
}

Result<std::pair<std::vector<Reservation>, std::int64_t>> StockService::ListReservations(
    const access::Principal& principal, const inventory::ReservationQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->inventory().ListReservations(principal.tenant_id, query);
}

Result<EngineStats> StockService::Engine(const access::Principal& principal) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadInventory));
  if (principal.tenant_id.value() != access::kOperatingTenant) {
    return PermissionDenied("the engine's figures cover every tenant: operating tenant only");
  }
  if (engine_ == nullptr) return Unavailable("the reservation engine is not running");
  return engine_->stats();
}

}  // namespace xb::inventory_flow
