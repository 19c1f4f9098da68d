#include "flows/warehouse/warehouse_service.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "domain/procurement/procurement.h"
#include "domain/warehouse/gs1.h"
#include "flows/store/idempotency.h"
#include "flows/warehouse/warehouse_json.h"

namespace xb::warehouse_flow {

using access::Action;
using inventory::Balance;
using inventory::BalanceQuery;
using inventory::LotId;
using inventory::Movement;
using inventory::MovementReason;
using inventory::Place;
using inventory::StockState;
using nlohmann::json;
using warehouse::Task;
using warehouse::TaskId;
using warehouse::TaskKind;
using warehouse::TaskLine;
using warehouse::TaskState;

namespace {

constexpr std::size_t kMaxRefLength = 64;
constexpr std::size_t kMaxReasonLength = 200;  // as warehouse::ReceiveLot

Status AuthorizeRead(const access::Principal& p) {
  if (access::RoleAllows(p.role, Action::kReadInventory) ||
      access::RoleAllows(p.role, Action::kOperateWarehouse)) {
    return Status::Ok();
  }
  return access::Authorize(p, Action::kReadInventory);
}

Status CheckPage(std::int64_t limit, std::int64_t offset) {
  if (limit < 1 || limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (offset < 0) return InvalidArgument("offset: must not be negative", "offset");
  return Status::Ok();
}

Status CheckText(const std::string& text, const std::string& field, std::size_t max,
                 bool required) {
  if (required && text.empty()) return InvalidArgument(field + ": is required", field);
  if (text.size() > max || !IsCleanUtf8(text)) {
    return InvalidArgument(
        field + ": at most " + std::to_string(max) + " characters of clean UTF-8", field);
  }
  return Status::Ok();
}

Status AppendEvent(store::Transaction& tx, const RequestContext& ctx, std::string type,
                   std::string entity, std::int64_t entity_id, Timestamp at, json payload) {
  if (!ctx.device.empty()) payload["device"] = ctx.device;
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

// The master record `id` of type R when it exists and is active; kInvalidArgument naming
// `field` otherwise.
template <class R>
Result<R> RequireActive(store::Transaction& tx, TenantId tenant, std::int64_t id,
                        const std::string& field, const std::string& where = {}) {
  const std::string& prefix = where.empty() ? field : where;
  if (id <= 0) return InvalidArgument(prefix + ": is required", field);
  auto found = store::Records<R>(tx).Get(tenant, id);
  if (!found.ok()) {
    if (found.status().code() != ErrorCode::kNotFound) return found.status();
    return InvalidArgument(
        prefix + ": no " + std::string(R::Spec().kind) + " with id " + std::to_string(id), field);
  }
  if (found->status == RecordStatus::kArchived) {
    return InvalidArgument(
        prefix + ": " + std::string(R::Spec().kind) + " " + found->code + " is archived", field);
  }
  return std::move(found).value();
}

// A bin of `warehouse_id`, active.
Result<partners::Bin> RequireBin(store::Transaction& tx, TenantId tenant, std::int64_t warehouse_id,
                                 std::int64_t bin_id, const std::string& field,
                                 const std::string& where = {}) {
  XB_ASSIGN_OR_RETURN(auto bin, RequireActive<partners::Bin>(tx, tenant, bin_id, field, where));
  if (bin.warehouse_id != warehouse_id) {
    return InvalidArgument((where.empty() ? field : where) + ": bin " + bin.code +
                               " is not in warehouse " + std::to_string(warehouse_id),
                           field);
  }
  return bin;
}

// The lot `lot` of `sku_id` (lot 0: the SKU without lots); kInvalidArgument for an unknown lot
// or a lot of another SKU.
Status RequireLotOf(store::Transaction& tx, TenantId tenant, std::int64_t sku_id, LotId lot,
                    const std::string& field, const std::string& where) {
  if (lot.value() == 0) return Status::Ok();
  auto found = tx.inventory().GetLot(tenant, lot);
  if (!found.ok()) {
    if (found.status().code() != ErrorCode::kNotFound) return found.status();
    return InvalidArgument(where + ": no lot with id " + std::to_string(lot.value()), field);
  }
  if (found->sku_id != sku_id) {
    return InvalidArgument(where + ": lot " + found->lot_number + " is a lot of SKU " +
                               std::to_string(found->sku_id) + ", not of SKU " +
                               std::to_string(sku_id),
                           field);
  }
  return Status::Ok();
}

// A line of stock named in a request (a move or a parcel line, `where` e.g. "lines[2]"): an
// active SKU, a lot of that SKU (or none), a valid owner and a positive quantity;
// kInvalidArgument on the field "lines" otherwise.
Status RequireStockLine(store::Transaction& tx, TenantId tenant, std::int64_t sku_id, LotId lot,
                        const std::string& owner, std::int64_t quantity, const std::string& where) {
  XB_RETURN_IF_ERROR(
      RequireActive<catalog::Sku>(tx, tenant, sku_id, "lines", where + ".sku_id").status());
  XB_RETURN_IF_ERROR(RequireLotOf(tx, tenant, sku_id, lot, "lines", where + ".lot_id"));
  if (Status st = inventory::ValidateOwner(owner); !st.ok()) {
    return InvalidArgument(where + ".owner: " + st.message(), "lines");
  }
  if (quantity <= 0) return InvalidArgument(where + ".quantity: must be greater than 0", "lines");
  return Status::Ok();
}

// Every balance matching `query` (its limit and offset are ignored).
Result<std::vector<Balance>> AllBalances(store::Transaction& tx, TenantId tenant,
                                         BalanceQuery query) {
  std::vector<Balance> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.inventory().ListBalances(tenant, query));
    const bool last = static_cast<std::int64_t>(page.first.size()) < kMaxPageSize;
    for (auto& b : page.first) all.push_back(std::move(b));
    if (last || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

Result<std::vector<partners::Bin>> BinsOf(store::Transaction& tx, TenantId tenant,
                                          std::int64_t warehouse_id) {
  std::vector<partners::Bin> all;
  ListQuery q;
  q.equals.emplace_back("warehouse_id", FieldValue(warehouse_id));
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.bins().List(tenant, q));
    const bool last = static_cast<std::int64_t>(page.items.size()) < kMaxPageSize;
    for (auto& b : page.items) all.push_back(std::move(b));
    if (last || q.offset + kMaxPageSize >= page.total) break;
  }
  return all;
}

Result<std::vector<Task>> AllTasks(store::Transaction& tx, TenantId tenant,
                                   warehouse::TaskQuery query) {
  std::vector<Task> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.warehouse().ListTasks(tenant, query));
    const bool last = static_cast<std::int64_t>(page.first.size()) < kMaxPageSize;
    for (auto& t : page.first) all.push_back(std::move(t));
    if (last || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

Result<std::vector<warehouse::Parcel>> AllParcels(store::Transaction& tx, TenantId tenant,
                                                  warehouse::ParcelQuery query) {
  std::vector<warehouse::Parcel> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.warehouse().ListParcels(tenant, query));
    const bool last = static_cast<std::int64_t>(page.first.size()) < kMaxPageSize;
    for (auto& p : page.first) all.push_back(std::move(p));
    if (last || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

const char* PrefixOf(TaskKind kind) {
  switch (kind) {
    case TaskKind::kReceive:
      return "RCV";
    case TaskKind::kPutaway:
      return "PUT";
    case TaskKind::kPick:
      return "PCK";
    case TaskKind::kPack:
      return "PAK";
    case TaskKind::kShip:
      return "SHP";
    case TaskKind::kMove:
      return "MOV";
    case TaskKind::kCount:
      return "CNT";
  }
  return "TSK";
}

std::string TaskCode(TaskKind kind, std::int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%06lld", PrefixOf(kind), static_cast<long long>(n));
  return buf;
}

const TaskLine* FindLine(const Task& task, int line_no) {
  for (const auto& l : task.lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

Result<const TaskLine*> RequireLine(const Task& task, int line_no) {
  const TaskLine* line = FindLine(task, line_no);
  if (line == nullptr) {
    return InvalidArgument("line_no: task " + task.code + " has no line " + std::to_string(line_no),
                           "line_no");
  }
  return line;
}

Status RequireKind(const Task& task, std::initializer_list<TaskKind> kinds, const char* what) {
  for (const auto k : kinds) {
    if (task.kind == k) return Status::Ok();
  }
  return FailedPrecondition("task " + task.code + " is a " + EnumName(task.kind) + " task; " +
                            what);
}

Movement NewMovement(const RequestContext& ctx, const Task& task, const TaskLine& line,
                     MovementReason reason, std::int64_t qty, Timestamp at) {
  Movement m;
  m.tenant_id = ctx.principal.tenant_id;
  m.sku_id = line.sku_id;
  m.lot_id = line.lot_id;
  m.owner = line.owner;
  m.quantity = qty;
  m.reason = reason;
  m.ref_type = "task";
  m.ref_id = std::to_string(task.id.value());
  m.device = ctx.device;
  m.actor = ctx.principal.Actor();
  m.at = at;
  return m;
}

// The movement of `qty` done on a putaway, move or pick line. Stock put away or moved into a
// quarantine bin is held there (kHold, to quarantine): it leaves only by an explicit release.
Movement LineMovement(const RequestContext& ctx, const Task& task, const TaskLine& line,
                      std::int64_t qty, Timestamp at, bool into_quarantine = false) {
  MovementReason reason = MovementReason::kMove;
  StockState to_state = StockState::kAvailable;
  if (task.kind == TaskKind::kPutaway) reason = MovementReason::kPutaway;
  if (into_quarantine && task.kind != TaskKind::kPick) {
    reason = MovementReason::kHold;
    to_state = StockState::kQuarantine;
  }
  if (task.kind == TaskKind::kPick) {
    reason = MovementReason::kPick;
    to_state = StockState::kPicked;
  }
  Movement m = NewMovement(ctx, task, line, reason, qty, at);
  m.from = Place{task.warehouse_id, line.from_bin, StockState::kAvailable};
  m.to = Place{task.warehouse_id, line.to_bin, to_state};
  if (task.kind == TaskKind::kPick) {
    m.ref_type = "reservation";
    m.ref_id = std::to_string(line.reservation_id);
    m.note = task.code;
  }
  if (reason == MovementReason::kHold) m.note = "quarantine bin";
  return m;
}

// Whether `bin_id` is a quarantine bin: stock that enters it is held, not available.
Result<bool> IsQuarantineBin(store::Transaction& tx, TenantId tenant, std::int64_t bin_id) {
  XB_ASSIGN_OR_RETURN(auto bin, tx.bins().Get(tenant, bin_id));
  return bin.kind == partners::BinKind::kQuarantine;
}

// Bins picks take from: storage and pick bins (never receiving, shipping or quarantine bins).
bool Pickable(const partners::Bin& bin) {
  return bin.status == RecordStatus::kActive &&
         (bin.kind == partners::BinKind::kStorage || bin.kind == partners::BinKind::kPick);
}

// The lines of putaway and move tasks as earlier steps of the caller's transaction left them
// (not saved yet), by (task id, line no); none without `earlier`.
using PendingLines = std::map<std::pair<std::int64_t, int>, const TaskLine*>;
PendingLines PendingLinesOf(const std::vector<TaskChange>* earlier) {
  PendingLines lines;
  if (earlier == nullptr) return lines;
  for (const auto& change : *earlier) {
    if (change.after.kind != TaskKind::kPutaway && change.after.kind != TaskKind::kMove) continue;
    for (const auto& l : change.after.lines) lines[{change.after.id.value(), l.line_no}] = &l;
  }
  return lines;
}

// Units that open (not closed or cancelled) putaway and move task lines of `warehouse_id` still
// plan to bring into each bin: expected less done. Line `skip_line` of task `skip_task` is left
// out (the line being worked, whose units are counted by the step itself); `pending` lines stand
// for their stored versions.
Result<std::map<std::int64_t, std::int64_t>> PlannedUnits(store::Transaction& tx, TenantId tenant,
                                                          std::int64_t warehouse_id,
                                                          TaskId skip_task = TaskId(),
                                                          int skip_line = 0,
                                                          const PendingLines& pending = {}) {
  std::map<std::int64_t, std::int64_t> planned;
  for (const TaskKind kind : {TaskKind::kPutaway, TaskKind::kMove}) {
    for (const TaskState state : {TaskState::kOpen, TaskState::kInProgress}) {
      warehouse::TaskQuery q;
      q.warehouse_id = warehouse_id;
      q.kind = kind;
      q.state = state;
      XB_ASSIGN_OR_RETURN(auto tasks, AllTasks(tx, tenant, q));
      for (const auto& t : tasks) {
        for (const auto& stored : t.lines) {
          if (t.id == skip_task && stored.line_no == skip_line) continue;
          auto it = pending.find({t.id.value(), stored.line_no});
          const TaskLine& l = it == pending.end() ? stored : *it->second;
          const std::int64_t left = l.expected_qty - l.done_qty;
          if (l.to_bin > 0 && left > 0) planned[l.to_bin] += left;
        }
      }
    }
  }
  return planned;
}

// A bin as the putaway rule sees it, before what it holds and expects is filled in.
warehouse::BinOccupancy BinRoom(const partners::Bin& bin) {
  warehouse::BinOccupancy o;
  o.bin_id = bin.id.value();
  o.code = bin.code;
  o.zone = bin.zone.value_or("");
  o.storage = Pickable(bin);
  o.capacity_units = bin.capacity_units;
  return o;
}

// What `bin` holds now (every SKU and state, with what `earlier` steps of the transaction moved
// and have not posted) and what open tasks plan to bring into it, less line `skip_line` of
// `skip_task`.
Result<warehouse::BinOccupancy> OccupancyOf(store::Transaction& tx, TenantId tenant,
                                            const partners::Bin& bin, TaskId skip_task,
                                            int skip_line, const std::vector<TaskChange>* earlier) {
  warehouse::BinOccupancy o = BinRoom(bin);
  BalanceQuery bq;
  bq.warehouse_id = bin.warehouse_id;
  bq.bin_id = bin.id.value();
  XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
  for (const auto& b : balances) o.units += b.on_hand;
  if (earlier != nullptr) {
    for (const auto& change : *earlier) {
      for (const auto& m : change.movements) {
        if (m.to && m.to->bin_id == o.bin_id) o.units += m.quantity;
        if (m.from && m.from->bin_id == o.bin_id) o.units -= m.quantity;
      }
    }
  }
  XB_ASSIGN_OR_RETURN(auto planned, PlannedUnits(tx, tenant, bin.warehouse_id, skip_task, skip_line,
                                                 PendingLinesOf(earlier)));
  o.planned = planned[o.bin_id];
  return o;
}

// Bins a putaway may go to: storage and pick bins, and quarantine bins (which hold the stock).
bool TakesPutaway(partners::BinKind kind) {
  return kind == partners::BinKind::kStorage || kind == partners::BinKind::kPick ||
         kind == partners::BinKind::kQuarantine;
}

// The book quantity of a count line: what the ledger holds now, available, in the line's bin for
// its SKU, lot and owner (read in the caller's transaction), with what earlier steps of that
// transaction moved and have not posted yet (`cache`).
Result<std::int64_t> BookQuantity(store::Transaction& tx, TenantId tenant,
                                  std::int64_t warehouse_id, const TaskLine& line,
                                  const StepCache* cache) {
  BalanceQuery bq;
  bq.warehouse_id = warehouse_id;
  bq.bin_id = line.from_bin;
  bq.sku_id = line.sku_id;
  bq.lot_id = line.lot_id;
  bq.owner = line.owner;
  bq.state = StockState::kAvailable;
  XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
  std::int64_t on_hand = 0;
  for (const auto& b : balances) on_hand += b.on_hand;
  if (cache != nullptr && cache->earlier != nullptr) {
    const auto here = [&](const std::optional<Place>& place) {
      return place && place->state == StockState::kAvailable && place->bin_id == line.from_bin &&
             place->warehouse_id == warehouse_id;
    };
    for (const auto& change : *cache->earlier) {
      for (const auto& m : change.movements) {
        if (m.tenant_id != tenant || m.sku_id != line.sku_id || m.lot_id != line.lot_id ||
            m.owner != line.owner) {
          continue;
        }
        if (here(m.from)) on_hand -= m.quantity;
        if (here(m.to)) on_hand += m.quantity;
      }
    }
  }
  return on_hand;
}

using store::Remember;  // idempotent requests (flows/store/idempotency.h)
using store::Replayed;

std::int64_t IdOf(const Task& task) { return task.id.value(); }
std::int64_t IdOf(const TaskView& view) { return view.task.id.value(); }
std::int64_t IdOf(const warehouse::Parcel& parcel) { return parcel.id.value(); }

// Reads back what a replayed request made.
auto TaskLoader(TenantId tenant) {
  return [tenant](store::Transaction& tx, std::int64_t id) -> Result<Task> {
    return tx.warehouse().GetTask(tenant, TaskId(id));
  };
}
auto TaskViewLoader(TenantId tenant) {
  return [tenant](store::Transaction& tx, std::int64_t id) -> Result<TaskView> {
    XB_ASSIGN_OR_RETURN(Task task, tx.warehouse().GetTask(tenant, TaskId(id)));
    TaskView view;
    if (task.kind == TaskKind::kReceive) view.variances = warehouse::Variances(task);
    view.task = std::move(task);
    return view;
  };
}
auto ParcelLoader(TenantId tenant) {
  return [tenant](store::Transaction& tx, std::int64_t id) -> Result<warehouse::Parcel> {
    return tx.warehouse().GetParcel(tenant, warehouse::ParcelId(id));
  };
}

// The minimum remaining shelf life of a good receipt (ShelfLifeMinimum); nullopt without an
// active channel.
Result<std::optional<ShelfLifeMinimum>> ReceiptMinimum(store::Transaction& tx, TenantId tenant) {
  std::optional<ShelfLifeMinimum> least;
  ListQuery q;
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.channels().List(tenant, q));
    for (const auto& c : page.items) {
      const std::int64_t days =
          std::max<std::int64_t>(c.min_remaining_shelf_life_days.value_or(0), 0);
      if (!least || days < least->days) least = ShelfLifeMinimum{days, c.code};
    }
    if (static_cast<std::int64_t>(page.items.size()) < kMaxPageSize ||
        q.offset + kMaxPageSize >= page.total) {
      break;
    }
  }
  return least;
}

// Refuses moving lot `lot` out for an order (`what`: "picked", "shipped") once it has expired
// (usable through the end of its expiry date); it may have expired since it was reserved.
Status RefuseExpired(const inventory::Lot& lot, Date today, const std::string& what,
                     const std::string& field, const std::string& where = {}) {
  if (!inventory::IsExpired(lot.expiry_date, today)) return Status::Ok();
  return FailedPrecondition((where.empty() ? field : where) + ": lot " + lot.lot_number +
                                " of SKU " + std::to_string(lot.sku_id) + " expired on " +
                                lot.expiry_date->ToIso8601() + "; expired goods are not " + what +
                                " (release its reservation and reserve again)",
                            field);
}

// Refuses completing the outstanding lines of a pick task when one takes a lot that has expired:
// one look-up of the expired lots per SKU, however many lines the task has.
Status RefuseExpiredPicks(store::Transaction& tx, TenantId tenant, const Task& task, Date today) {
  std::set<std::int64_t> skus;
  for (const auto& l : task.lines) {
    if (l.done_qty < l.expected_qty && l.lot_id.value() != 0) skus.insert(l.sku_id);
  }
  std::map<std::int64_t, inventory::Lot> expired;
  for (const std::int64_t sku : skus) {
    inventory::LotQuery q;
    q.sku_id = sku;
    q.expires_before = today.AddDays(-1);
    q.limit = kMaxPageSize;
    for (q.offset = 0;; q.offset += kMaxPageSize) {
      XB_ASSIGN_OR_RETURN(auto page, tx.inventory().ListLots(tenant, q));
      const bool last = static_cast<std::int64_t>(page.first.size()) < kMaxPageSize;
      for (auto& lot : page.first) expired.emplace(lot.id.value(), std::move(lot));
      if (last || q.offset + kMaxPageSize >= page.second) break;
    }
  }
  if (expired.empty()) return Status::Ok();
  for (const auto& l : task.lines) {
    if (l.done_qty >= l.expected_qty) continue;
    if (auto it = expired.find(l.lot_id.value()); it != expired.end()) {
      return RefuseExpired(it->second, today, "picked", "complete",
                           "complete: line " + std::to_string(l.line_no));
    }
  }
  return Status::Ok();
}

// The key stock is counted by when several lines draw on it.
using StockTuple = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>;

}  // namespace

Status Validate(const WarehouseOptions& options, const std::string& flag) {
  const std::string& prefix = options.company_prefix;
  const bool digits =
      std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || prefix.size() < 7 || prefix.size() > 10) {
    return InvalidArgument(flag + ": a GS1 company prefix is 7 to 10 digits, not '" + prefix + "'",
                           flag);
  }
  if (options.sscc_extension < 0 || options.sscc_extension > 9) {
    return InvalidArgument(flag + ": the SSCC extension digit is 0..9", flag);
  }
  return Status::Ok();
}

WarehouseService::WarehouseService(store::Database& db, const Clock& clock,
                                   inventory_flow::ReservationEngine* engine,
                                   WarehouseOptions options)
    : db_(db), clock_(clock), engine_(engine), options_(std::move(options)) {}

template <class T, class Apply, class Load>
Result<T> WarehouseService::Once(const RequestContext& ctx, std::string_view kind, bool* replayed,
                                 Apply apply, Load load) {
  if (replayed != nullptr) *replayed = false;
  const auto earlier = [&](store::Transaction& tx) -> Result<std::optional<T>> {
    XB_ASSIGN_OR_RETURN(auto id, Replayed(tx, ctx, kind));
    if (!id) return std::optional<T>();
    XB_ASSIGN_OR_RETURN(T seen, load(tx, *id));
    if (replayed != nullptr) *replayed = true;
    return std::optional<T>(std::move(seen));
  };
  const auto attempt = [&]() -> Result<T> {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto seen, earlier(*tx));
    if (seen) return std::move(*seen);
    inventory_flow::StockPosting posting(engine_);
    XB_ASSIGN_OR_RETURN(T made, apply(*tx, posting));
    XB_RETURN_IF_ERROR(Remember(*tx, ctx, kind, IdOf(made), clock_.Now()));
    XB_RETURN_IF_ERROR(tx->Commit());
    posting.Committed();
    return made;
  };
  Result<T> done = attempt();
  const ErrorCode code = done.ok() ? ErrorCode::kOk : done.status().code();
  if (!ctx.idempotency_key || (code != ErrorCode::kAlreadyExists && code != ErrorCode::kConflict)) {
    return done;
  }
  // Retries that arrive together can all miss the key (READ COMMITTED) and race; the losers fail
  // on the key or on the task's version once the winner commits. Answer them with its result.
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto seen, earlier(*tx));
  if (seen) return std::move(*seen);
  return done;
}

// --- reads -----------------------------------------------------------------------------------

Result<std::pair<std::vector<Task>, std::int64_t>> WarehouseService::ListTasks(
    const access::Principal& principal, const warehouse::TaskQuery& query) {
  XB_RETURN_IF_ERROR(AuthorizeRead(principal));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->warehouse().ListTasks(principal.tenant_id, query);
}

Result<TaskView> WarehouseService::GetTask(const access::Principal& principal, TaskId id) {
  XB_RETURN_IF_ERROR(AuthorizeRead(principal));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(Task task, tx->warehouse().GetTask(principal.tenant_id, id));
  TaskView view;
  if (task.kind == TaskKind::kReceive) view.variances = warehouse::Variances(task);
  view.task = std::move(task);
  return view;
}

Result<std::pair<std::vector<warehouse::Parcel>, std::int64_t>> WarehouseService::ListParcels(
    const access::Principal& principal, const warehouse::ParcelQuery& query) {
  XB_RETURN_IF_ERROR(AuthorizeRead(principal));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->warehouse().ListParcels(principal.tenant_id, query);
}

Result<warehouse::Parcel> WarehouseService::GetParcel(const access::Principal& principal,
                                                      warehouse::ParcelId id) {
  XB_RETURN_IF_ERROR(AuthorizeRead(principal));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->warehouse().GetParcel(principal.tenant_id, id);
}

// --- creating tasks --------------------------------------------------------------------------

Result<Task> WarehouseService::InsertTask(store::Transaction& tx, const RequestContext& ctx,
                                          Task task) {
  const Timestamp now = clock_.Now();
  task.tenant_id = ctx.principal.tenant_id;
  task.state = TaskState::kOpen;
  XB_ASSIGN_OR_RETURN(const std::int64_t n,
                      tx.warehouse().NextTaskNumber(task.tenant_id, task.kind));
  task.code = TaskCode(task.kind, n);
  if (task.ref_type == "wave" && task.ref_id.empty()) task.ref_id = task.code;
  for (std::size_t i = 0; i < task.lines.size(); ++i) {
    task.lines[i].line_no = static_cast<int>(i) + 1;
  }
  XB_RETURN_IF_ERROR(warehouse::Validate(task));
  task.version = 1;
  task.created_at = now;
  task.updated_at = now;
  XB_ASSIGN_OR_RETURN(Task stored, tx.warehouse().InsertTask(std::move(task)));
  std::int64_t expected = 0;
  for (const auto& l : stored.lines) expected += l.expected_qty;
  XB_RETURN_IF_ERROR(AppendEvent(tx, ctx, "warehouse.task.created", "task", stored.id.value(), now,
                                 {{"code", stored.code},
                                  {"kind", EnumName(stored.kind)},
                                  {"warehouse_id", stored.warehouse_id},
                                  {"ref_type", stored.ref_type},
                                  {"ref_id", stored.ref_id},
                                  {"lines", stored.lines.size()},
                                  {"expected_qty", expected}}));
  return stored;
}

Result<Task> WarehouseService::CreateReceive(const RequestContext& ctx, const ReceiveDraft& draft,
                                             bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_RETURN_IF_ERROR(inventory::ValidateOwner(draft.owner));
  const bool asn = !draft.asn_ref.empty() || !draft.asn_lines.empty();
  if (draft.purchase_order_id && asn) {
    return InvalidArgument(
        "purchase_order_id: give a purchase order or an advance notice (asn), "
        "not both",
        "purchase_order_id");
  }
  if (!draft.purchase_order_id && !asn) {
    return InvalidArgument("purchase_order_id: give a purchase order or an advance notice (asn)",
                           "purchase_order_id");
  }
  return Once<Task>(
      ctx, "task", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& /*posting*/) -> Result<Task> {
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Warehouse>(tx, tenant, draft.warehouse_id, "warehouse_id")
                .status());
        XB_RETURN_IF_ERROR(
            RequireBin(tx, tenant, draft.warehouse_id, draft.receiving_bin_id, "receiving_bin_id")
                .status());
        Task task;
        task.kind = TaskKind::kReceive;
        task.warehouse_id = draft.warehouse_id;
        if (draft.purchase_order_id) {
          auto po = tx.procurement().GetOrder(
              tenant, procurement::PurchaseOrderId(*draft.purchase_order_id));
          if (!po.ok()) {
            if (po.status().code() != ErrorCode::kNotFound) return po.status();
            return InvalidArgument("purchase_order_id: no purchase order with id " +
                                       std::to_string(*draft.purchase_order_id),
                                   "purchase_order_id");
          }
          if (po->status != procurement::PoStatus::kConfirmed &&
              po->status != procurement::PoStatus::kPartlyReceived) {
            return FailedPrecondition("purchase_order_id: purchase order " + po->code + " is " +
                                          EnumName(po->status) +
                                          "; only confirmed or partly received orders are received",
                                      "purchase_order_id");
          }
          if (po->warehouse_id != draft.warehouse_id) {
            return InvalidArgument("warehouse_id: purchase order " + po->code +
                                       " is for warehouse " + std::to_string(po->warehouse_id),
                                   "warehouse_id");
          }
          task.ref_type = "purchase_order";
          task.ref_id = std::to_string(po->id.value());
          for (const auto& pl : po->lines) {
            TaskLine line;
            line.sku_id = pl.sku_id;
            line.owner = draft.owner;
            line.to_bin = draft.receiving_bin_id;
            line.expected_qty = std::max<std::int64_t>(0, pl.quantity - pl.received_qty);
            task.lines.push_back(std::move(line));
          }
        } else {
          XB_RETURN_IF_ERROR(CheckText(draft.asn_ref, "asn.ref", kMaxRefLength, true));
          if (draft.asn_lines.empty()) {
            return InvalidArgument("asn.lines: an advance notice needs at least one line",
                                   "asn.lines");
          }
          task.ref_type = "asn";
          task.ref_id = draft.asn_ref;
          for (std::size_t i = 0; i < draft.asn_lines.size(); ++i) {
            const auto& in = draft.asn_lines[i];
            const std::string where = "asn.lines[" + std::to_string(i) + "]";
            XB_RETURN_IF_ERROR(
                RequireActive<catalog::Sku>(tx, tenant, in.sku_id, "asn.lines", where + ".sku_id")
                    .status());
            if (in.quantity <= 0) {
              return InvalidArgument(where + ".quantity: must be greater than 0", "asn.lines");
            }
            TaskLine line;
            line.sku_id = in.sku_id;
            line.owner = draft.owner;
            line.to_bin = draft.receiving_bin_id;
            line.expected_qty = in.quantity;
            task.lines.push_back(std::move(line));
          }
        }
        XB_ASSIGN_OR_RETURN(Task stored, InsertTask(tx, ctx, std::move(task)));
        return stored;
      },
      TaskLoader(tenant));
}

Result<Task> WarehouseService::CreatePutaway(const RequestContext& ctx, TaskId receive_task,
                                             bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  return Once<Task>(
      ctx, "task", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& /*posting*/) -> Result<Task> {
        auto found = tx.warehouse().GetTask(tenant, receive_task);
        if (!found.ok()) {
          if (found.status().code() != ErrorCode::kNotFound) return found.status();
          return InvalidArgument(
              "receive_task_id: no task with id " + std::to_string(receive_task.value()),
              "receive_task_id");
        }
        const Task& receive = *found;
        if (receive.kind != TaskKind::kReceive) {
          return InvalidArgument("receive_task_id: task " + receive.code + " is a " +
                                     EnumName(receive.kind) + " task, not a receive task",
                                 "receive_task_id");
        }

        // Good stock received per (receiving bin, SKU, lot, owner).
        std::map<StockTuple, std::int64_t> received;
        for (const auto& line : receive.lines) {
          for (const auto& r : line.receipts) {
            if (r.condition != warehouse::Condition::kGood || r.quantity <= 0) continue;
            std::int64_t lot = 0;
            if (!r.lot_number.empty()) {
              XB_ASSIGN_OR_RETURN(auto l,
                                  tx.inventory().FindLot(tenant, line.sku_id, r.lot_number));
              if (!l) return Internal("lot " + r.lot_number + " of a receipt is not recorded");
              lot = l->id.value();
            }
            received[{line.to_bin, line.sku_id, lot, line.owner}] += r.quantity;
          }
        }
        // Less what other putaway tasks of this receipt took or will take.
        warehouse::TaskQuery q;
        q.kind = TaskKind::kPutaway;
        q.ref_id = std::to_string(receive.id.value());
        XB_ASSIGN_OR_RETURN(auto others, AllTasks(tx, tenant, q));
        for (const auto& other : others) {
          if (other.ref_type != "receive_task") continue;
          for (const auto& l : other.lines) {
            const std::int64_t covered =
                warehouse::IsClosed(other.state) ? l.done_qty : l.expected_qty;
            auto it = received.find({l.from_bin, l.sku_id, l.lot_id.value(), l.owner});
            if (it != received.end()) it->second -= covered;
          }
        }

        XB_ASSIGN_OR_RETURN(auto bins, BinsOf(tx, tenant, receive.warehouse_id));
        BalanceQuery bq;
        bq.warehouse_id = receive.warehouse_id;
        XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
        std::map<std::int64_t, std::int64_t> units;                              // by bin
        std::set<std::tuple<std::int64_t, std::int64_t, std::string>> holdings;  // bin, SKU, owner
        std::map<StockTuple, std::int64_t> available;  // bin, SKU, lot, owner
        for (const auto& b : balances) {
          units[b.key.bin_id] += b.on_hand;
          if (b.on_hand > 0) holdings.insert({b.key.bin_id, b.key.sku_id, b.key.owner});
          if (b.key.state == StockState::kAvailable) {
            available[{b.key.bin_id, b.key.sku_id, b.key.lot_id.value(), b.key.owner}] += b.on_hand;
          }
        }
        // What open putaway and move tasks will bring occupies the bins already; this task's
        // lines are added as they are planned.
        XB_ASSIGN_OR_RETURN(auto planned, PlannedUnits(tx, tenant, receive.warehouse_id));

        Task task;
        task.kind = TaskKind::kPutaway;
        task.warehouse_id = receive.warehouse_id;
        task.ref_type = "receive_task";
        task.ref_id = std::to_string(receive.id.value());
        std::map<std::int64_t, catalog::Sku> skus;
        for (const auto& [key, qty_left] : received) {
          const auto& [from_bin, sku_id, lot, owner] = key;
          // Never more than is still available in the receiving bin.
          const std::int64_t qty = std::min(qty_left, available[key]);
          if (qty <= 0) continue;
          if (!skus.contains(sku_id)) {
            XB_ASSIGN_OR_RETURN(auto sku, tx.skus().Get(tenant, sku_id));
            skus.emplace(sku_id, std::move(sku));
          }
          std::vector<warehouse::BinOccupancy> occupancy;
          for (const auto& bin : bins) {
            if (bin.status != RecordStatus::kActive) continue;
            warehouse::BinOccupancy o = BinRoom(bin);
            o.units = units[o.bin_id];
            o.planned = planned[o.bin_id];
            o.holds_sku = holdings.contains({o.bin_id, sku_id, owner});
            occupancy.push_back(std::move(o));
          }
          // One line per bin when no single bin takes the whole quantity.
          auto shares = warehouse::SplitPutaway(occupancy, EnumName(skus.at(sku_id).category), qty);
          if (!shares.ok()) {
            return FailedPrecondition(
                "receive_task_id: warehouse " + std::to_string(receive.warehouse_id) +
                    " cannot take the " + std::to_string(qty) + " units of SKU " +
                    skus.at(sku_id).code + ": " + shares.status().message(),
                "receive_task_id");
          }
          for (const auto& share : *shares) {
            planned[share.bin_id] += share.qty;
            holdings.insert({share.bin_id, sku_id, owner});
            TaskLine line;
            line.sku_id = sku_id;
            line.lot_id = LotId(lot);
            line.owner = owner;
            line.from_bin = from_bin;
            line.to_bin = share.bin_id;
            line.expected_qty = share.qty;
            task.lines.push_back(std::move(line));
          }
        }
        if (task.lines.empty()) {
          return FailedPrecondition("receive_task_id: receive task " + receive.code +
                                        " has no good stock left to put away",
                                    "receive_task_id");
        }
        XB_ASSIGN_OR_RETURN(Task stored, InsertTask(tx, ctx, std::move(task)));
        return stored;
      },
      TaskLoader(tenant));
}

Result<Task> WarehouseService::CreatePick(const RequestContext& ctx, const PickDraft& draft,
                                          bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.reservation_ids.empty()) {
    return InvalidArgument("reservation_ids: name at least one reservation", "reservation_ids");
  }
  return Once<Task>(
      ctx, "task", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& /*posting*/) -> Result<Task> {
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Warehouse>(tx, tenant, draft.warehouse_id, "warehouse_id")
                .status());
        XB_RETURN_IF_ERROR(
            RequireBin(tx, tenant, draft.warehouse_id, draft.staging_bin_id, "staging_bin_id")
                .status());

        std::set<std::int64_t> pickable;
        XB_ASSIGN_OR_RETURN(auto bins, BinsOf(tx, tenant, draft.warehouse_id));
        for (const auto& bin : bins) {
          if (Pickable(bin)) pickable.insert(bin.id.value());
        }
        // Available stock per (SKU, owner), read once, and what earlier lines of this task planned.
        std::map<std::pair<std::int64_t, std::string>, std::vector<Balance>> stock;
        std::map<StockTuple, std::int64_t> planned;
        std::set<std::int64_t> seen;
        std::set<std::string> orders;
        Task task;
        task.kind = TaskKind::kPick;
        task.warehouse_id = draft.warehouse_id;
        for (std::size_t i = 0; i < draft.reservation_ids.size(); ++i) {
          const std::int64_t rid = draft.reservation_ids[i];
          const std::string where = "reservation_ids[" + std::to_string(i) + "]";
          if (!seen.insert(rid).second) {
            return InvalidArgument(
                where + ": reservation " + std::to_string(rid) + " is named twice",
                "reservation_ids");
          }
          auto r = tx.inventory().GetReservation(tenant, inventory::ReservationId(rid));
          if (!r.ok()) {
            if (r.status().code() != ErrorCode::kNotFound) return r.status();
            return InvalidArgument(where + ": no reservation with id " + std::to_string(rid),
                                   "reservation_ids");
          }
          if (r->state != inventory::ReservationState::kActive) {
            return FailedPrecondition(
                where + ": reservation " + std::to_string(rid) + " is " + EnumName(r->state),
                "reservation_ids");
          }
          if (r->warehouse_id != draft.warehouse_id) {
            return InvalidArgument(where + ": reservation " + std::to_string(rid) +
                                       " is for warehouse " + std::to_string(r->warehouse_id),
                                   "reservation_ids");
          }
          if (r->Outstanding() <= 0) {
            return FailedPrecondition(
                where + ": reservation " + std::to_string(rid) + " is picked completely",
                "reservation_ids");
          }
          orders.insert(r->order_ref);
          auto& balances = stock[{r->sku_id, r->owner}];
          if (balances.empty()) {
            BalanceQuery bq;
            bq.warehouse_id = draft.warehouse_id;
            bq.sku_id = r->sku_id;
            bq.owner = r->owner;
            bq.state = StockState::kAvailable;
            XB_ASSIGN_OR_RETURN(balances, AllBalances(tx, tenant, bq));
            // Largest first, so that a lot is split over as few bins as possible.
            std::stable_sort(balances.begin(), balances.end(),
                             [](const Balance& a, const Balance& b) {
                               return a.on_hand != b.on_hand ? a.on_hand > b.on_hand
                                                             : a.key.bin_id < b.key.bin_id;
                             });
          }
          for (const auto& rl : r->lines) {
            std::int64_t need = rl.quantity - rl.picked;
            for (const auto& b : balances) {
              if (need <= 0) break;
              if (b.key.lot_id != rl.lot_id || b.key.bin_id == draft.staging_bin_id ||
                  !pickable.contains(b.key.bin_id)) {
                continue;
              }
              auto& used = planned[{b.key.bin_id, r->sku_id, rl.lot_id.value(), r->owner}];
              const std::int64_t take = std::min(need, b.on_hand - used);
              if (take <= 0) continue;
              used += take;
              need -= take;
              TaskLine line;
              line.sku_id = r->sku_id;
              line.lot_id = rl.lot_id;
              line.owner = r->owner;
              line.from_bin = b.key.bin_id;
              line.to_bin = draft.staging_bin_id;
              line.expected_qty = take;
              line.reservation_id = rid;
              line.order_ref = r->order_ref;
              task.lines.push_back(std::move(line));
            }
            if (need > 0) {
              return FailedPrecondition(where + ": " + std::to_string(need) + " units of lot " +
                                            std::to_string(rl.lot_id.value()) +
                                            " are not available in any storage or pick bin of "
                                            "the warehouse",
                                        "reservation_ids");
            }
          }
        }
        // Walk the bins in order.
        std::stable_sort(
            task.lines.begin(), task.lines.end(),
            [](const TaskLine& a, const TaskLine& b) { return a.from_bin < b.from_bin; });
        if (orders.size() == 1) {
          task.ref_type = "order";
          task.ref_id = *orders.begin();
        } else {
          task.ref_type = "wave";
        }
        XB_ASSIGN_OR_RETURN(Task stored, InsertTask(tx, ctx, std::move(task)));
        return stored;
      },
      TaskLoader(tenant));
}

Result<Task> WarehouseService::CreateMove(const RequestContext& ctx, const MoveDraft& draft,
                                          bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.lines.empty()) return InvalidArgument("lines: a move needs at least one line", "lines");
  return Once<Task>(
      ctx, "task", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& /*posting*/) -> Result<Task> {
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Warehouse>(tx, tenant, draft.warehouse_id, "warehouse_id")
                .status());
        Task task;
        task.kind = TaskKind::kMove;
        task.warehouse_id = draft.warehouse_id;
        std::map<StockTuple, std::int64_t> wanted;
        for (std::size_t i = 0; i < draft.lines.size(); ++i) {
          const auto& in = draft.lines[i];
          const std::string where = "lines[" + std::to_string(i) + "]";
          XB_RETURN_IF_ERROR(
              RequireStockLine(tx, tenant, in.sku_id, in.lot_id, in.owner, in.quantity, where));
          XB_RETURN_IF_ERROR(
              RequireBin(tx, tenant, draft.warehouse_id, in.from_bin, "lines", where + ".from_bin")
                  .status());
          XB_RETURN_IF_ERROR(
              RequireBin(tx, tenant, draft.warehouse_id, in.to_bin, "lines", where + ".to_bin")
                  .status());
          if (in.from_bin == in.to_bin) {
            return InvalidArgument(where + ".to_bin: must differ from from_bin", "lines");
          }
          auto& want = wanted[{in.from_bin, in.sku_id, in.lot_id.value(), in.owner}];
          want += in.quantity;
          BalanceQuery bq;
          bq.warehouse_id = draft.warehouse_id;
          bq.bin_id = in.from_bin;
          bq.sku_id = in.sku_id;
          bq.lot_id = in.lot_id;
          bq.owner = in.owner;
          bq.state = StockState::kAvailable;
          XB_ASSIGN_OR_RETURN(auto have, AllBalances(tx, tenant, bq));
          std::int64_t on_hand = 0;
          for (const auto& b : have) on_hand += b.on_hand;
          if (on_hand < want) {
            return FailedPrecondition(where + ".quantity: bin " + std::to_string(in.from_bin) +
                                          " holds " + std::to_string(on_hand) +
                                          " available units of this SKU and lot",
                                      "lines");
          }
          TaskLine line;
          line.sku_id = in.sku_id;
          line.lot_id = in.lot_id;
          line.owner = in.owner;
          line.from_bin = in.from_bin;
          line.to_bin = in.to_bin;
          line.expected_qty = in.quantity;
          task.lines.push_back(std::move(line));
        }
        XB_ASSIGN_OR_RETURN(Task stored, InsertTask(tx, ctx, std::move(task)));
        return stored;
      },
      TaskLoader(tenant));
}

Result<Task> WarehouseService::CreateCount(const RequestContext& ctx, const CountDraft& draft,
                                           bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.bin_ids.empty()) return InvalidArgument("bin_ids: name at least one bin", "bin_ids");
  return Once<Task>(
      ctx, "task", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& /*posting*/) -> Result<Task> {
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Warehouse>(tx, tenant, draft.warehouse_id, "warehouse_id")
                .status());
        Task task;
        task.kind = TaskKind::kCount;
        task.warehouse_id = draft.warehouse_id;
        task.ref_type = "count_plan";
        std::set<std::int64_t> seen;
        for (std::size_t i = 0; i < draft.bin_ids.size(); ++i) {
          const std::string where = "bin_ids[" + std::to_string(i) + "]";
          const std::int64_t bin_id = draft.bin_ids[i];
          XB_RETURN_IF_ERROR(
              RequireBin(tx, tenant, draft.warehouse_id, bin_id, "bin_ids", where).status());
          if (!seen.insert(bin_id).second) {
            return InvalidArgument(where + ": bin " + std::to_string(bin_id) + " is named twice",
                                   "bin_ids");
          }
          BalanceQuery bq;
          bq.warehouse_id = draft.warehouse_id;
          bq.bin_id = bin_id;
          bq.state = StockState::kAvailable;
          XB_ASSIGN_OR_RETURN(auto balances, AllBalances(tx, tenant, bq));
          for (const auto& b : balances) {
            if (b.on_hand <= 0) continue;
            TaskLine line;
            line.sku_id = b.key.sku_id;
            line.lot_id = b.key.lot_id;
            line.owner = b.key.owner;
            line.from_bin = bin_id;
            line.to_bin = bin_id;
            line.system_qty = b.on_hand;
            task.lines.push_back(std::move(line));
          }
        }
        if (task.lines.empty()) {
          return FailedPrecondition("bin_ids: the bins hold no available stock to count",
                                    "bin_ids");
        }
        XB_ASSIGN_OR_RETURN(Task stored, InsertTask(tx, ctx, std::move(task)));
        return stored;
      },
      TaskLoader(tenant));
}

// --- steps -----------------------------------------------------------------------------------

Result<TaskChange> WarehouseService::PrepareReceipt(store::Transaction& tx,
                                                    const RequestContext& ctx, const Task& task,
                                                    const ReceiptEntry& entry, StepCache* cache) {
  Task after = task;
  XB_ASSIGN_OR_RETURN(TaskChange change, ReceiveInPlace(tx, ctx, after, entry, cache));
  change.after = std::move(after);
  return change;
}

Result<TaskChange> WarehouseService::ReceiveInPlace(store::Transaction& tx,
                                                    const RequestContext& ctx, Task& task,
                                                    const ReceiptEntry& entry, StepCache* cache) {
  const TenantId tenant = ctx.principal.tenant_id;
  XB_RETURN_IF_ERROR(RequireKind(task, {TaskKind::kReceive}, "receipts go to receive tasks"));
  if (warehouse::IsClosed(task.state)) {
    return FailedPrecondition("task " + task.code + " is " + EnumName(task.state), "state");
  }
  XB_ASSIGN_OR_RETURN(const TaskLine* line, RequireLine(task, entry.line_no));
  if (entry.lot.quantity <= 0) {
    return InvalidArgument("quantity: must be greater than 0", "quantity");
  }
  warehouse::LotReceipt receipt = entry.lot;
  if (!receipt.lot_number.empty()) receipt.lot_number = std::string(Trim(receipt.lot_number));
  if (!receipt.reason.empty()) receipt.reason = std::string(Trim(receipt.reason));
  XB_RETURN_IF_ERROR(CheckText(receipt.reason, "reason", kMaxReasonLength, false));
  if (receipt.condition == warehouse::Condition::kDamaged && receipt.reason.empty()) {
    return InvalidArgument("reason: say why the goods are damaged", "reason");
  }
  catalog::Sku fetched_sku;
  const catalog::Sku* found_sku = &fetched_sku;
  if (cache != nullptr) {
    const auto key = std::make_pair(tenant.value(), line->sku_id);
    auto it = cache->skus.find(key);
    if (it == cache->skus.end()) {
      XB_ASSIGN_OR_RETURN(auto fetched, tx.skus().Get(tenant, line->sku_id));
      it = cache->skus.emplace(key, std::move(fetched)).first;
    }
    found_sku = &it->second;
  } else {
    XB_ASSIGN_OR_RETURN(fetched_sku, tx.skus().Get(tenant, line->sku_id));
  }
  const catalog::Sku& sku = *found_sku;
  const Timestamp now = cache != nullptr && cache->now ? *cache->now : clock_.Now();
  const Date today = Date::OfTimestamp(now);
  const bool dated = sku.shelf_life_days.has_value();
  if (dated && receipt.lot_number.empty()) {
    return InvalidArgument("lot_number: SKU " + sku.code + " has a shelf life; give its lot",
                           "lot_number");
  }
  if (receipt.lot_number.empty() && (receipt.expiry_date || receipt.production_date)) {
    return InvalidArgument("lot_number: dates belong to a lot; give the lot number", "lot_number");
  }
  std::optional<inventory::Lot> existing;
  std::optional<inventory::Lot> fresh;
  if (!receipt.lot_number.empty()) {
    const auto lot_key = std::make_tuple(tenant.value(), sku.id.value(), receipt.lot_number);
    if (cache != nullptr) {
      if (auto it = cache->lots.find(lot_key); it != cache->lots.end()) existing = it->second;
    }
    if (!existing) {
      XB_ASSIGN_OR_RETURN(existing,
                          tx.inventory().FindLot(tenant, sku.id.value(), receipt.lot_number));
      if (existing && cache != nullptr) cache->lots.emplace(lot_key, *existing);
    }
    if (existing) {
      if (receipt.expiry_date && existing->expiry_date != receipt.expiry_date) {
        return InvalidArgument(
            "expiry_date: lot " + receipt.lot_number + " of SKU " + sku.code +
                " is recorded with expiry " +
                (existing->expiry_date ? existing->expiry_date->ToIso8601() : std::string("none")),
            "expiry_date");
      }
      receipt.expiry_date = existing->expiry_date;
      if (!receipt.production_date) receipt.production_date = existing->production_date;
    } else {
      inventory::Lot lot;
      lot.tenant_id = tenant;
      lot.sku_id = sku.id.value();
      lot.lot_number = receipt.lot_number;
      lot.production_date = receipt.production_date;
      lot.expiry_date = receipt.expiry_date;
      lot.created_at = now;
      XB_RETURN_IF_ERROR(inventory::Validate(lot));
      fresh = std::move(lot);
    }
    if (dated && !receipt.expiry_date) {
      return InvalidArgument("expiry_date: SKU " + sku.code + " has a shelf life; give the expiry",
                             "expiry_date");
    }
    if (inventory::IsExpired(receipt.expiry_date, today)) {
      return FailedPrecondition("expiry_date: lot " + receipt.lot_number + " expired on " +
                                    receipt.expiry_date->ToIso8601() +
                                    "; expired goods are not "
                                    "received",
                                "expiry_date");
    }
    // Good goods must have the remaining shelf life at least one sales channel accepts; short-
    // dated ones are recorded as damaged (with the reason) or refused, never taken as sellable.
    if (receipt.condition == warehouse::Condition::kGood && receipt.expiry_date) {
      std::optional<ShelfLifeMinimum> fetched;
      const std::optional<ShelfLifeMinimum>* minimum = &fetched;
      if (cache != nullptr) {
        auto it = cache->receipt_minimum.find(tenant.value());
        if (it == cache->receipt_minimum.end()) {
          XB_ASSIGN_OR_RETURN(auto least, ReceiptMinimum(tx, tenant));
          it = cache->receipt_minimum.emplace(tenant.value(), std::move(least)).first;
        }
        minimum = &it->second;
      } else {
        XB_ASSIGN_OR_RETURN(fetched, ReceiptMinimum(tx, tenant));
      }
      if (*minimum && (*minimum)->days > 0 &&
          !inventory::MeetsShelfLife(receipt.expiry_date, today, (*minimum)->days)) {
        const std::int64_t left =
            inventory::RemainingShelfLifeDays(receipt.expiry_date, today).value_or(0);
        return FailedPrecondition(
            "expiry_date: lot " + receipt.lot_number + " expires on " +
                receipt.expiry_date->ToIso8601() + ", " + std::to_string(left) +
                " days from today; the minimum remaining shelf life at receipt is " +
                std::to_string((*minimum)->days) + " days (sales channel " + (*minimum)->channel +
                ", the least strict); receive short-dated goods as damaged, with the reason",
            "expiry_date");
      }
    }
  }
  // Good goods received into a quarantine bin are held there, as anything moved into one.
  bool into_quarantine = false;
  if (receipt.condition == warehouse::Condition::kGood) {
    if (cache != nullptr) {
      const auto key = std::make_pair(tenant.value(), line->to_bin);
      auto it = cache->quarantine_bins.find(key);
      if (it == cache->quarantine_bins.end()) {
        XB_ASSIGN_OR_RETURN(const bool q, IsQuarantineBin(tx, tenant, line->to_bin));
        it = cache->quarantine_bins.emplace(key, q).first;
      }
      into_quarantine = it->second;
    } else {
      XB_ASSIGN_OR_RETURN(into_quarantine, IsQuarantineBin(tx, tenant, line->to_bin));
    }
  }
  // A new lot is stored only once the receipt is accepted; should that fail, the task is put
  // back as it was.
  const std::size_t at = static_cast<std::size_t>(line - task.lines.data());
  std::optional<std::pair<TaskLine, warehouse::TaskState>> kept;
  if (fresh) kept.emplace(*line, task.state);
  const std::int64_t base_version = task.version;
  XB_RETURN_IF_ERROR(warehouse::ReceiveLotInPlace(task, entry.line_no, receipt));
  line = &task.lines[at];

  LotId lot_id;
  if (existing) lot_id = existing->id;
  if (fresh) {
    auto stored = tx.inventory().InsertLot(std::move(*fresh));
    if (!stored.ok()) {
      task.lines[at] = std::move(kept->first);
      task.state = kept->second;
      return stored.status();
    }
    lot_id = stored->id;
    if (cache != nullptr) {
      cache->lots.emplace(std::make_tuple(tenant.value(), sku.id.value(), stored->lot_number),
                          *stored);
    }
  }
  const bool good = receipt.condition == warehouse::Condition::kGood;
  TaskChange change;
  change.base_version = base_version;
  Movement m = NewMovement(ctx, task, *line, MovementReason::kReceipt, receipt.quantity, now);
  m.lot_id = lot_id;
  m.to = Place{task.warehouse_id, line->to_bin,
               good ? (into_quarantine ? StockState::kQuarantine : StockState::kAvailable)
                    : StockState::kDamaged};
  if (!good) m.note = receipt.reason;
  change.movements.push_back(std::move(m));
  change.event_type = "warehouse.receipt.recorded";
  change.step = [line_no = entry.line_no, sku = line->sku_id, lot = lot_id.value(),
                 number = std::move(receipt.lot_number), qty = receipt.quantity, good,
                 reason = good ? std::string() : std::move(receipt.reason)] {
    json step = {{"step", "receipt"},
                 {"line_no", line_no},
                 {"sku_id", sku},
                 {"lot_id", lot},
                 {"lot_number", number},
                 {"quantity", qty},
                 {"condition", good ? "good" : "damaged"}};
    if (!good) step["reason"] = reason;
    return step;
  };
  return change;
}

Result<TaskChange> WarehouseService::PrepareProgress(store::Transaction& tx,
                                                     const RequestContext& ctx, const Task& task,
                                                     const ProgressEntry& entry,
                                                     const StepCache* cache) {
  XB_RETURN_IF_ERROR(RequireKind(task, {TaskKind::kPutaway, TaskKind::kMove, TaskKind::kPick},
                                 "progress is for putaway, move and pick tasks"));
  XB_ASSIGN_OR_RETURN(const TaskLine* line, RequireLine(task, entry.line_no));
  if (entry.quantity <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  const TenantId tenant = ctx.principal.tenant_id;
  std::int64_t to_bin = line->to_bin;
  std::optional<partners::Bin> dest;  // the destination of a putaway or move step
  if (entry.to_bin && *entry.to_bin != line->to_bin) {
    if (task.kind == TaskKind::kPick) {
      return InvalidArgument("to_bin: picks go to the task's staging bin", "to_bin");
    }
    XB_ASSIGN_OR_RETURN(dest, RequireBin(tx, tenant, task.warehouse_id, *entry.to_bin, "to_bin"));
    if (*entry.to_bin == line->from_bin) {
      return InvalidArgument("to_bin: must differ from the line's from_bin", "to_bin");
    }
    if (task.kind == TaskKind::kPutaway && !TakesPutaway(dest->kind)) {
      return InvalidArgument("to_bin: bin " + dest->code + " is a " + EnumName(dest->kind) +
                                 " bin; putaway goes to storage, pick or quarantine bins",
                             "to_bin");
    }
    to_bin = *entry.to_bin;
  }
  if (task.kind == TaskKind::kPick && line->lot_id.value() != 0) {
    XB_ASSIGN_OR_RETURN(auto lot, tx.inventory().GetLot(tenant, line->lot_id));
    XB_RETURN_IF_ERROR(RefuseExpired(lot, Date::OfTimestamp(clock_.Now()), "picked", "line_no"));
  }
  XB_ASSIGN_OR_RETURN(Task after, warehouse::Progress(task, entry.line_no, entry.quantity));
  TaskLine* changed = nullptr;
  for (auto& l : after.lines) {
    if (l.line_no == entry.line_no) changed = &l;
  }
  if (changed == nullptr) return Internal("progress lost line " + std::to_string(entry.line_no));
  changed->to_bin = to_bin;
  TaskChange change;
  change.base_version = task.version;
  bool into_quarantine = false;
  if (task.kind != TaskKind::kPick) {
    if (!dest) {
      XB_ASSIGN_OR_RETURN(dest, tx.bins().Get(tenant, to_bin));
    }
    into_quarantine = dest->kind == partners::BinKind::kQuarantine;
    // A bin's capacity holds what is on hand plus what open tasks plan to bring (this line's
    // rest aside: the step brings its part now).
    if (dest->capacity_units > 0) {
      XB_ASSIGN_OR_RETURN(auto occupancy, OccupancyOf(tx, tenant, *dest, task.id, entry.line_no,
                                                      cache != nullptr ? cache->earlier : nullptr));
      XB_RETURN_IF_ERROR(warehouse::CheckRoom(occupancy, entry.quantity));
    }
  }
  change.movements.push_back(
      LineMovement(ctx, after, *changed, entry.quantity, clock_.Now(), into_quarantine));
  change.event_type = "warehouse.task.progressed";
  change.step = [line_no = entry.line_no, qty = entry.quantity, to_bin] {
    return json{{"step", "progress"}, {"line_no", line_no}, {"quantity", qty}, {"to_bin", to_bin}};
  };
  change.after = std::move(after);
  return change;
}

Result<TaskChange> WarehouseService::PrepareCount(store::Transaction& tx, const RequestContext& ctx,
                                                  const Task& task, int line_no,
                                                  std::int64_t counted, const StepCache* cache) {
  XB_RETURN_IF_ERROR(RequireKind(task, {TaskKind::kCount}, "counts go to count tasks"));
  XB_ASSIGN_OR_RETURN(const TaskLine* line, RequireLine(task, line_no));
  if (counted < 0) return InvalidArgument("counted: must not be negative", "counted");
  XB_ASSIGN_OR_RETURN(const std::int64_t book,
                      BookQuantity(tx, ctx.principal.tenant_id, task.warehouse_id, *line, cache));
  XB_ASSIGN_OR_RETURN(Task after, warehouse::RecordCount(task, line_no, counted, book));
  TaskChange change;
  change.base_version = task.version;
  change.event_type = "warehouse.count.recorded";
  change.step = [line_no, counted] {
    return json{{"step", "count"}, {"line_no", line_no}, {"counted", counted}};
  };
  change.after = std::move(after);
  return change;
}

Result<TaskChange> WarehouseService::PrepareFound(store::Transaction& tx, const RequestContext& ctx,
                                                  const Task& task, const FoundEntry& entry,
                                                  const StepCache* cache) {
  const TenantId tenant = ctx.principal.tenant_id;
  // The task's kind and state and the count are checked by warehouse::RecordFoundCount below.
  XB_ASSIGN_OR_RETURN(auto bin, RequireBin(tx, tenant, task.warehouse_id, entry.bin_id, "bin_id"));
  const bool on_sheet = std::any_of(task.lines.begin(), task.lines.end(),
                                    [&](const TaskLine& l) { return l.from_bin == entry.bin_id; });
  if (!on_sheet && bin.kind != partners::BinKind::kStorage &&
      bin.kind != partners::BinKind::kPick) {
    return InvalidArgument("bin_id: bin " + bin.code + " is a " + EnumName(bin.kind) +
                               " bin and not on the count sheet; found stock is counted in a bin" +
                               " of the sheet or a storage or pick bin",
                           "bin_id");
  }
  XB_RETURN_IF_ERROR(
      RequireActive<catalog::Sku>(tx, tenant, entry.sku_id, "sku_id", "sku_id").status());
  XB_RETURN_IF_ERROR(RequireLotOf(tx, tenant, entry.sku_id, entry.lot_id, "lot_id", "lot_id"));
  if (Status st = inventory::ValidateOwner(entry.owner); !st.ok()) {
    return InvalidArgument("owner: " + st.message(), "owner");
  }
  TaskLine found;
  found.from_bin = entry.bin_id;
  found.to_bin = entry.bin_id;
  found.sku_id = entry.sku_id;
  found.lot_id = entry.lot_id;
  found.owner = entry.owner;
  XB_ASSIGN_OR_RETURN(const std::int64_t book,
                      BookQuantity(tx, tenant, task.warehouse_id, found, cache));
  XB_ASSIGN_OR_RETURN(Task after, warehouse::RecordFoundCount(task, found, entry.counted, book));
  TaskChange change;
  change.base_version = task.version;
  change.event_type = "warehouse.count.recorded";
  change.step = [line_no = after.lines.back().line_no, entry] {
    return json{{"step", "found"},
                {"line_no", line_no},
                {"bin_id", entry.bin_id},
                {"sku_id", entry.sku_id},
                {"lot_id", entry.lot_id.value()},
                {"owner", entry.owner},
                {"counted", entry.counted}};
  };
  change.after = std::move(after);
  return change;
}

Result<TaskChange> WarehouseService::PrepareRecount(store::Transaction& tx,
                                                    const RequestContext& ctx, const Task& task,
                                                    int line_no, std::int64_t counted,
                                                    const std::string& reason,
                                                    const StepCache* cache) {
  XB_RETURN_IF_ERROR(RequireKind(task, {TaskKind::kCount}, "recounts go to count tasks"));
  XB_ASSIGN_OR_RETURN(const TaskLine* line, RequireLine(task, line_no));
  if (counted < 0) return InvalidArgument("counted: must not be negative", "counted");
  const std::string why(Trim(reason));
  XB_RETURN_IF_ERROR(CheckText(why, "reason", kMaxRefLength, true));
  XB_ASSIGN_OR_RETURN(const std::int64_t book,
                      BookQuantity(tx, ctx.principal.tenant_id, task.warehouse_id, *line, cache));
  XB_ASSIGN_OR_RETURN(Task after, warehouse::RecordRecount(task, line_no, counted, book, why));
  TaskChange change;
  change.base_version = task.version;
  change.event_type = "warehouse.count.recorded";
  change.step = [line_no, counted, why] {
    return json{{"step", "recount"}, {"line_no", line_no}, {"counted", counted}, {"reason", why}};
  };
  change.after = std::move(after);
  return change;
}

namespace {

// `view` made the task's header with the one line `line_no` (which the task has).
void HeaderWithLine(const Task& task, int line_no, Task& view) {
  view.id = task.id;
  view.tenant_id = task.tenant_id;
  view.code = task.code;
  view.kind = task.kind;
  view.state = task.state;
  view.warehouse_id = task.warehouse_id;
  view.ref_type = task.ref_type;
  view.ref_id = task.ref_id;
  view.assignee = task.assignee;
  view.version = task.version;
  view.created_at = task.created_at;
  view.updated_at = task.updated_at;
  view.closed_at = task.closed_at;
  view.lines.clear();
  for (const auto& l : task.lines) {
    if (l.line_no == line_no) view.lines.push_back(l);
  }
}

// The task without its lines, with the one line `line_no` (the index of it in `task`).
Result<std::pair<Task, std::size_t>> OneLineView(const Task& task, int line_no) {
  for (std::size_t i = 0; i < task.lines.size(); ++i) {
    if (task.lines[i].line_no != line_no) continue;
    Task view;
    HeaderWithLine(task, line_no, view);
    return std::make_pair(std::move(view), i);
  }
  return InvalidArgument("line_no: task " + task.code + " has no line " + std::to_string(line_no),
                         "line_no");
}

}  // namespace

Result<TaskChange> WarehouseService::ApplyReceipt(store::Transaction& tx, const RequestContext& ctx,
                                                  Task& task, const ReceiptEntry& entry,
                                                  StepCache* cache) {
  XB_RETURN_IF_ERROR(RequireLine(task, entry.line_no).status());
  Result<TaskChange> change = ReceiveInPlace(tx, ctx, task, entry, cache);
  if (change.ok()) HeaderWithLine(task, entry.line_no, change->after);
  return change;
}

Result<TaskChange> WarehouseService::ApplyProgress(store::Transaction& tx,
                                                   const RequestContext& ctx, Task& task,
                                                   const ProgressEntry& entry,
                                                   const StepCache* cache) {
  XB_ASSIGN_OR_RETURN(auto view, OneLineView(task, entry.line_no));
  XB_ASSIGN_OR_RETURN(TaskChange change, PrepareProgress(tx, ctx, view.first, entry, cache));
  task.lines[view.second] = change.after.lines.front();
  task.state = change.after.state;
  return change;
}

Status WarehouseService::WriteChanges(store::Transaction& tx, inventory_flow::StockPosting& posting,
                                      const RequestContext& ctx, std::span<TaskChange> changes) {
  if (changes.empty()) return Status::Ok();
  std::size_t count = 0;
  for (const auto& c : changes) count += c.movements.size();
  if (count > 0) {
    std::vector<Movement> all;
    all.reserve(count);
    for (auto& c : changes) {
      for (auto& m : c.movements) all.push_back(std::move(m));
    }
    XB_RETURN_IF_ERROR(posting.Post(tx, all));
    // Give the changes their movements back, with the ids the ledger assigned.
    std::size_t k = 0;
    for (auto& c : changes) {
      for (auto& m : c.movements) m = std::move(all[k++]);
    }
  }
  // One save and one event per task: its last state, checked against the version first read.
  const Timestamp now = clock_.Now();
  std::vector<std::size_t> order;  // first change of each task, in order of appearance
  std::map<std::int64_t, std::vector<std::size_t>> by_task;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto& list = by_task[changes[i].after.id.value()];
    if (list.empty()) order.push_back(i);
    list.push_back(i);
  }
  for (const std::size_t first : order) {
    const auto& list = by_task[changes[first].after.id.value()];
    TaskChange& last = changes[list.back()];
    const std::int64_t base = changes[first].base_version;
    last.after.version = base + 1;
    last.after.updated_at = now;
    XB_RETURN_IF_ERROR(tx.warehouse().UpdateTask(last.after, base));
    std::string type(changes[first].event_type);
    constexpr std::size_t kListedSteps = 50;  // more are counted, not listed
    json steps = json::array();
    std::int64_t moved = 0;
    for (const std::size_t i : list) {
      if (changes[i].event_type != type) type = "warehouse.task.progressed";
      if (list.size() <= kListedSteps && (changes[i].step || changes[i].device_event)) {
        json step = changes[i].step ? changes[i].step() : json::object();
        if (const auto* e = changes[i].device_event; e != nullptr) {
          step["device"] = e->device_id;
          step["event_key"] = e->event_key;
        }
        steps.push_back(std::move(step));
      }
      for (const auto& m : changes[i].movements) moved += m.quantity;
    }
    // Every change of the task shows the version it was saved as.
    for (const std::size_t i : list) {
      changes[i].after.version = last.after.version;
      changes[i].after.updated_at = now;
    }
    json payload = {{"code", last.after.code},
                    {"kind", EnumName(last.after.kind)},
                    {"state", EnumName(last.after.state)},
                    {"version", last.after.version},
                    {"moved_qty", moved}};
    if (list.size() <= kListedSteps) {
      payload["steps"] = std::move(steps);
    } else {
      payload["step_count"] = list.size();
    }
    XB_RETURN_IF_ERROR(AppendEvent(tx, ctx, type, "task", last.after.id.value(), now, payload));
  }
  return Status::Ok();
}

template <class Step>
Result<Task> WarehouseService::RunStep(const RequestContext& ctx, TaskId id, std::string_view kind,
                                       bool* replayed, Step step) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  return Once<Task>(
      ctx, kind, replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& posting) -> Result<Task> {
        XB_ASSIGN_OR_RETURN(Task task, tx.warehouse().GetTask(tenant, id));
        XB_ASSIGN_OR_RETURN(TaskChange change, step(tx, task));
        XB_RETURN_IF_ERROR(WriteChanges(tx, posting, ctx, std::span<TaskChange>(&change, 1)));
        return std::move(change.after);
      },
      TaskLoader(tenant));
}

Result<Task> WarehouseService::Receive(const RequestContext& ctx, TaskId id,
                                       const ReceiptEntry& entry, bool* replayed) {
  return RunStep(ctx, id, "task.receipt", replayed, [&](store::Transaction& tx, const Task& task) {
    return PrepareReceipt(tx, ctx, task, entry);
  });
}

Result<Task> WarehouseService::Progress(const RequestContext& ctx, TaskId id,
                                        const ProgressEntry& entry, bool* replayed) {
  return RunStep(ctx, id, "task.progress", replayed, [&](store::Transaction& tx, const Task& task) {
    return PrepareProgress(tx, ctx, task, entry);
  });
}

Result<Task> WarehouseService::Count(const RequestContext& ctx, TaskId id, int line_no,
                                     std::int64_t counted, bool* replayed) {
  return RunStep(ctx, id, "task.count", replayed, [&](store::Transaction& tx, const Task& task) {
    return PrepareCount(tx, ctx, task, line_no, counted);
  });
}

Result<Task> WarehouseService::Recount(const RequestContext& ctx, TaskId id, int line_no,
                                       std::int64_t counted, const std::string& reason,
                                       bool* replayed) {
  return RunStep(ctx, id, "task.recount", replayed, [&](store::Transaction& tx, const Task& task) {
    return PrepareRecount(tx, ctx, task, line_no, counted, reason);
  });
}

Result<Task> WarehouseService::CountFound(const RequestContext& ctx, TaskId id,
                                          const FoundEntry& entry, bool* replayed) {
  return RunStep(ctx, id, "task.found", replayed, [&](store::Transaction& tx, const Task& task) {
    return PrepareFound(tx, ctx, task, entry);
  });
}

Result<TaskView> WarehouseService::Close(const RequestContext& ctx, TaskId id,
                                         const CloseOptions& options, bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  return Once<TaskView>(
      ctx, "task.close", replayed,
      [&](store::Transaction& tx, inventory_flow::StockPosting& posting) -> Result<TaskView> {
        XB_ASSIGN_OR_RETURN(Task task, tx.warehouse().GetTask(tenant, id));
        const Timestamp now = clock_.Now();
        TaskChange change;
        change.base_version = task.version;
        change.event_type = "warehouse.task.closed";
        json step = {{"step", "close"}};
        TaskView view;

        if (options.complete) {
          if (task.kind != TaskKind::kPick && task.kind != TaskKind::kPutaway &&
              task.kind != TaskKind::kMove) {
            return InvalidArgument(
                "complete: only pick, putaway and move tasks complete their lines", "complete");
          }
          if (warehouse::IsClosed(task.state)) {
            return FailedPrecondition("task " + task.code + " is " + EnumName(task.state), "state");
          }
          if (task.kind == TaskKind::kPick) {
            XB_RETURN_IF_ERROR(RefuseExpiredPicks(tx, tenant, task, Date::OfTimestamp(now)));
          }
          // Every line's outstanding quantity is done (it always fits: done < expected), in one
          // pass.
          std::map<std::int64_t, bool> quarantine;  // destination bins of putaway and move
          std::int64_t completed = 0;
          for (auto& l : task.lines) {
            if (l.done_qty >= l.expected_qty) continue;
            bool into_quarantine = false;
            if (task.kind != TaskKind::kPick) {
              auto it = quarantine.find(l.to_bin);
              if (it == quarantine.end()) {
                XB_ASSIGN_OR_RETURN(const bool q, IsQuarantineBin(tx, tenant, l.to_bin));
                it = quarantine.emplace(l.to_bin, q).first;
              }
              into_quarantine = it->second;
            }
            const std::int64_t qty = l.expected_qty - l.done_qty;
            l.done_qty = l.expected_qty;
            completed += qty;
            change.movements.push_back(LineMovement(ctx, task, l, qty, now, into_quarantine));
          }
          if (completed > 0) task.state = TaskState::kInProgress;
          step["completed_qty"] = completed;
        }

        XB_ASSIGN_OR_RETURN(Task after, warehouse::Close(std::move(task), now));

        if (after.kind == TaskKind::kCount) {
          json adjustments = json::array();
          for (const auto& l : after.lines) {
            const std::int64_t delta = warehouse::CountAdjustment(l);
            if (delta == 0) continue;
            Movement m = NewMovement(
                ctx, after, l, delta > 0 ? MovementReason::kCountGain : MovementReason::kCountLoss,
                delta > 0 ? delta : -delta, now);
            const Place place{after.warehouse_id, l.from_bin, StockState::kAvailable};
            if (delta > 0) {
              m.to = place;
            } else {
              m.from = place;
            }
            m.note = l.reason.empty() ? "count" : l.reason;
            adjustments.push_back({{"line_no", l.line_no}, {"delta", delta}, {"reason", m.note}});
            change.movements.push_back(std::move(m));
          }
          step["adjustments"] = std::move(adjustments);
        }

        if (after.kind == TaskKind::kReceive) {
          view.variances = warehouse::Variances(after);
          json variances = json::array();
          for (const auto& v : view.variances) variances.push_back(VarianceJson(v));
          step["variances"] = std::move(variances);
          if (after.ref_type == "purchase_order") {
            const auto po_id = ParseInt64(after.ref_id);
            if (!po_id)
              return Internal("task " + after.code + " names purchase order " + after.ref_id);
            XB_ASSIGN_OR_RETURN(
                auto po, tx.procurement().GetOrder(tenant, procurement::PurchaseOrderId(*po_id)));
            procurement::GoodsReceipt receipt;
            receipt.tenant_id = tenant;
            receipt.purchase_order_id = *po_id;
            receipt.received_on = Date::OfTimestamp(now);
            receipt.actor = ctx.principal.Actor();
            receipt.created_at = now;
            for (const auto& l : after.lines) {
              if (l.done_qty + l.damaged_qty == 0) continue;
              procurement::ReceiptLine rl;
              rl.line_no = l.line_no;
              rl.received_qty = l.done_qty + l.damaged_qty;
              rl.accepted_qty = l.done_qty;
              rl.rejected_qty = l.damaged_qty;
              for (const auto& r : l.receipts) {
                if (r.condition != warehouse::Condition::kDamaged || r.reason.empty()) continue;
                if (rl.reason.find(r.reason) != std::string::npos) continue;
                const std::string next = rl.reason.empty() ? r.reason : rl.reason + "; " + r.reason;
                if (next.size() <= kMaxReasonLength) rl.reason = next;
              }
              receipt.lines.push_back(std::move(rl));
            }
            if (!receipt.lines.empty()) {
              XB_ASSIGN_OR_RETURN(auto po_after, procurement::ApplyReceipt(po, receipt));
              XB_ASSIGN_OR_RETURN(auto stored, tx.procurement().InsertReceipt(std::move(receipt)));
              po_after.version = po.version + 1;
              po_after.updated_at = now;
              XB_RETURN_IF_ERROR(tx.procurement().UpdateOrder(po_after, po.version));
              step["goods_receipt_id"] = stored.id.value();
              json lines = json::array();
              for (const auto& l : stored.lines) {
                lines.push_back({{"line_no", l.line_no},
                                 {"received_qty", l.received_qty},
                                 {"accepted_qty", l.accepted_qty},
                                 {"rejected_qty", l.rejected_qty},
                                 {"reason", l.reason}});
              }
              XB_RETURN_IF_ERROR(AppendEvent(tx, ctx, "procurement.receipt.recorded",
                                             "goods_receipt", stored.id.value(), now,
                                             {{"purchase_order_id", po.id.value()},
                                              {"code", po.code},
                                              {"received_on", stored.received_on.ToIso8601()},
                                              {"lines", lines},
                                              {"status", EnumName(po_after.status)},
                                              {"task", after.code}}));
            }
          }
        }

        change.after = std::move(after);
        change.step = [step = std::move(step)] { return step; };
        XB_RETURN_IF_ERROR(WriteChanges(tx, posting, ctx, std::span<TaskChange>(&change, 1)));
        view.task = std::move(change.after);
        return view;
      },
      TaskViewLoader(tenant));
}

Result<Task> WarehouseService::Cancel(const RequestContext& ctx, TaskId id, bool* replayed) {
  return RunStep(ctx, id, "task.cancel", replayed,
                 [&](store::Transaction&, const Task& task) -> Result<TaskChange> {
                   XB_ASSIGN_OR_RETURN(Task after, warehouse::CancelTask(task, clock_.Now()));
                   TaskChange change;
                   change.base_version = task.version;
                   change.event_type = "warehouse.task.cancelled";
                   change.step = [] { return json{{"step", "cancel"}}; };
                   change.after = std::move(after);
                   return change;
                 });
}

// --- parcels ---------------------------------------------------------------------------------

Result<warehouse::Parcel> WarehouseService::Pack(const RequestContext& ctx, const PackDraft& draft,
                                                 bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  const std::string order_ref(Trim(draft.order_ref));
  XB_RETURN_IF_ERROR(CheckText(order_ref, "order_ref", kMaxRefLength, true));
  if (draft.lines.empty())
    return InvalidArgument("lines: a parcel needs at least one line", "lines");
  if (draft.weight_grams < 0) {
    return InvalidArgument("weight_grams: must not be negative", "weight_grams");
  }
  return Once<warehouse::Parcel>(
      ctx, "parcel", replayed,
      [&](store::Transaction& tx,
          inventory_flow::StockPosting& /*posting*/) -> Result<warehouse::Parcel> {
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Warehouse>(tx, tenant, draft.warehouse_id, "warehouse_id")
                .status());
        XB_RETURN_IF_ERROR(
            RequireBin(tx, tenant, draft.warehouse_id, draft.pack_bin_id, "pack_bin_id").status());

        // Picked stock in the pack bin, less what unshipped parcels already hold.
        std::map<StockTuple, std::int64_t> free;
        BalanceQuery bq;
        bq.warehouse_id = draft.warehouse_id;
        bq.bin_id = draft.pack_bin_id;
        bq.state = StockState::kPicked;
        XB_ASSIGN_OR_RETURN(auto picked, AllBalances(tx, tenant, bq));
        for (const auto& b : picked) {
          free[{draft.pack_bin_id, b.key.sku_id, b.key.lot_id.value(), b.key.owner}] += b.on_hand;
        }
        warehouse::ParcelQuery pq;
        pq.warehouse_id = draft.warehouse_id;
        pq.state = warehouse::ParcelState::kPacked;
        XB_ASSIGN_OR_RETURN(auto packed, AllParcels(tx, tenant, pq));
        for (const auto& p : packed) {
          if (p.pack_bin != draft.pack_bin_id) continue;
          for (const auto& l : p.lines) {
            free[{p.pack_bin, l.sku_id, l.lot_id.value(), l.owner}] -= l.quantity;
          }
        }

        for (std::size_t i = 0; i < draft.lines.size(); ++i) {
          const auto& l = draft.lines[i];
          const std::string where = "lines[" + std::to_string(i) + "]";
          XB_RETURN_IF_ERROR(
              RequireStockLine(tx, tenant, l.sku_id, l.lot_id, l.owner, l.quantity, where));
          auto& left = free[{draft.pack_bin_id, l.sku_id, l.lot_id.value(), l.owner}];
          if (left < l.quantity) {
            return FailedPrecondition(
                where + ".quantity: only " + std::to_string(std::max<std::int64_t>(left, 0)) +
                    " picked units of SKU " + std::to_string(l.sku_id) + " (lot " +
                    std::to_string(l.lot_id.value()) + ") in the pack bin are not packed yet",
                "lines");
          }
          left -= l.quantity;
        }

        XB_ASSIGN_OR_RETURN(const std::int64_t serial, tx.warehouse().NextSsccSerial(tenant));
        XB_ASSIGN_OR_RETURN(std::string sscc, warehouse::MakeSscc(options_.sscc_extension,
                                                                  options_.company_prefix, serial));
        const Timestamp now = clock_.Now();
        warehouse::Parcel parcel;
        parcel.tenant_id = tenant;
        parcel.warehouse_id = draft.warehouse_id;
        parcel.sscc = std::move(sscc);
        parcel.order_ref = order_ref;
        parcel.pack_bin = draft.pack_bin_id;
        parcel.lines = draft.lines;
        parcel.weight_grams = draft.weight_grams;
        parcel.state = warehouse::ParcelState::kPacked;
        parcel.created_at = now;
        XB_ASSIGN_OR_RETURN(auto stored, tx.warehouse().InsertParcel(std::move(parcel)));
        XB_RETURN_IF_ERROR(AppendEvent(tx, ctx, "warehouse.parcel.packed", "parcel",
                                       stored.id.value(), now, ParcelJson(stored)));
        return stored;
      },
      ParcelLoader(tenant));
}

Result<warehouse::Parcel> WarehouseService::Ship(const RequestContext& ctx, warehouse::ParcelId id,
                                                 const ShipDraft& draft, bool* replayed) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteInventory));
  const TenantId tenant = ctx.principal.tenant_id;
  const std::string waybill(Trim(draft.waybill_no));
  XB_RETURN_IF_ERROR(CheckText(waybill, "waybill_no", kMaxRefLength, true));
  return Once<warehouse::Parcel>(
      ctx, "parcel.ship", replayed,
      [&](store::Transaction& tx,
          inventory_flow::StockPosting& posting) -> Result<warehouse::Parcel> {
        XB_ASSIGN_OR_RETURN(auto parcel, tx.warehouse().GetParcel(tenant, id));
        if (parcel.state != warehouse::ParcelState::kPacked) {
          return FailedPrecondition("parcel " + parcel.sscc + " is " + EnumName(parcel.state));
        }
        XB_RETURN_IF_ERROR(
            RequireActive<partners::Carrier>(tx, tenant, draft.carrier_id, "carrier_id").status());
        const Timestamp now = clock_.Now();
        std::set<std::int64_t> lots;
        for (const auto& l : parcel.lines) {
          if (l.lot_id.value() == 0 || !lots.insert(l.lot_id.value()).second) continue;
          XB_ASSIGN_OR_RETURN(auto lot, tx.inventory().GetLot(tenant, l.lot_id));
          XB_RETURN_IF_ERROR(RefuseExpired(lot, Date::OfTimestamp(now), "shipped", "lines"));
        }
        std::vector<Movement> movements;
        for (const auto& l : parcel.lines) {
          Movement m;
          m.tenant_id = tenant;
          m.sku_id = l.sku_id;
          m.lot_id = l.lot_id;
          m.owner = l.owner;
          m.from = Place{parcel.warehouse_id, parcel.pack_bin, StockState::kPicked};
          m.quantity = l.quantity;
          m.reason = MovementReason::kShip;
          m.ref_type = "parcel";
          m.ref_id = std::to_string(parcel.id.value());
          m.device = ctx.device;
          m.actor = ctx.principal.Actor();
          m.note = parcel.sscc;
          m.at = now;
          movements.push_back(std::move(m));
        }
        XB_RETURN_IF_ERROR(posting.Post(tx, movements));
        parcel.state = warehouse::ParcelState::kShipped;
        parcel.carrier_id = draft.carrier_id;
        parcel.waybill_no = waybill;
        parcel.shipped_at = now;
        XB_RETURN_IF_ERROR(tx.warehouse().UpdateParcel(parcel));
        XB_RETURN_IF_ERROR(AppendEvent(tx, ctx, "warehouse.parcel.shipped", "parcel",
                                       parcel.id.value(), now, ParcelJson(parcel)));
        return parcel;
      },
      ParcelLoader(tenant));
}

}  // namespace xb::warehouse_flow
