#include "adapters/sql/inventory_stores.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "adapters/sql/statement_shapes.h"
#include "core/record_field.h"
#include "core/text.h"

namespace xb::sql {

using inventory::Balance;
using inventory::Lot;
using inventory::LotId;
using inventory::Movement;
using inventory::Place;
using inventory::Reservation;
using inventory::ReservationLine;
using inventory::ReservationState;
using inventory::StockKey;
using inventory::StockState;

namespace {

// --- values in and out -----------------------------------------------------------------------

Value DayOf(std::optional<Date> d) { return d ? Value(std::int64_t{d->days()}) : Value(); }

std::optional<Date> AsOptDate(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return Date::FromDays(static_cast<std::int32_t>(AsInt(cell)));
}

template <class E>
Value EnumText(E e) {
  return std::string(EnumName(e));
}

template <class E>
E AsEnum(const std::optional<std::string>& cell, E fallback) {
  return cell ? EnumFromName<E>(*cell).value_or(fallback) : fallback;
}

// " AND a = ?" clauses with their parameters, built up filter by filter.
struct Where {
  std::string sql;
  std::vector<Value> params;
  void Add(std::string_view clause, Value v) {
    sql += " AND ";
    sql += clause;
    params.push_back(std::move(v));
  }
};

template <class T>
std::vector<Value> Concat(std::vector<Value> a, std::initializer_list<T> more) {
  for (const auto& v : more) a.emplace_back(v);
  return a;
}

// Multi-row statements take up to this many rows; a rest is sent in power-of-two pieces, so a
// connection prepares at most eight variants of each statement.
constexpr std::size_t kBatch = 64;

// Look-ups by a list of keys (`IN (?, ...)`) take up to this many keys per statement, the rest
// in power-of-two pieces (at most nine variants of a statement per connection).
constexpr std::size_t kLookupBatch = 256;

// --- lots ------------------------------------------------------------------------------------

constexpr std::string_view kLotColumns =
    "id, tenant_id, sku_id, lot_number, production_date, expiry_date, created_at";

Lot DecodeLot(const Row& r) {
  Lot lot;
  lot.id = LotId(AsInt(r[0]));
  lot.tenant_id = TenantId(AsInt(r[1]));
  lot.sku_id = AsInt(r[2]);
  lot.lot_number = r[3].value_or("");
  lot.production_date = AsOptDate(r[4]);
  lot.expiry_date = AsOptDate(r[5]);
  lot.created_at = Timestamp::FromMicros(AsInt(r[6]));
  return lot;
}

Status LotTaken(const Lot& lot) {
  return AlreadyExists(
      "lot_number: lot '" + lot.lot_number + "' of SKU " + std::to_string(lot.sku_id) + " exists",
      "lot_number");
}

// --- the ledger ------------------------------------------------------------------------------

constexpr std::size_t kMovementInsertColumns = 18;
constexpr std::string_view kMovementColumns =
    "id, tenant_id, sku_id, lot_id, owner, from_warehouse_id, from_bin_id, from_state, "
    "to_warehouse_id, to_bin_id, to_state, quantity, reason, ref_type, ref_id, device, actor, "
    "note, at";

void AppendMovement(std::vector<Value>& p, const Movement& m) {
  p.emplace_back(m.tenant_id.value());
  p.emplace_back(m.sku_id);
  p.emplace_back(m.lot_id.value());
  p.emplace_back(m.owner);
  for (const auto& side : {m.from, m.to}) {
    if (side) {
      p.emplace_back(side->warehouse_id);
      p.emplace_back(side->bin_id);
      p.push_back(EnumText(side->state));
    } else {
      p.insert(p.end(), 3, Value());
    }
  }
  p.emplace_back(m.quantity);
  p.push_back(EnumText(m.reason));
  p.emplace_back(m.ref_type);
  p.emplace_back(m.ref_id);
  p.emplace_back(m.device);
  p.emplace_back(m.actor);
  p.emplace_back(m.note);
  p.emplace_back(m.at.micros());
}

std::optional<Place> DecodePlace(const Row& r, std::size_t first) {
  if (!r[first]) return std::nullopt;
  return Place{AsInt(r[first]), AsInt(r[first + 1]), AsEnum(r[first + 2], StockState::kAvailable)};
}

// Row: kMovementColumns.
Movement DecodeMovement(const Row& r) {
  Movement m;
  m.id = AsInt(r[0]);
  m.tenant_id = TenantId(AsInt(r[1]));
  m.sku_id = AsInt(r[2]);
  m.lot_id = LotId(AsInt(r[3]));
  m.owner = r[4].value_or("");
  m.from = DecodePlace(r, 5);
  m.to = DecodePlace(r, 8);
  m.quantity = AsInt(r[11]);
  m.reason = AsEnum(r[12], inventory::MovementReason::kMove);
  m.ref_type = r[13].value_or("");
  m.ref_id = r[14].value_or("");
  m.device = r[15].value_or("");
  m.actor = r[16].value_or("");
  m.note = r[17].value_or("");
  m.at = Timestamp::FromMicros(AsInt(r[18]));
  return m;
}

// A balance row's key as the tables hold it (the state by name), ordered as the rows are locked:
// every posting changes balances in this order, so two postings never wait for each other in a
// cycle.
using BalanceKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                              std::string, std::string_view>;

BalanceKey KeyFor(TenantId tenant, const StockKey& k) {
  return {tenant.value(),   k.warehouse_id, k.bin_id,         k.sku_id,
          k.lot_id.value(), k.owner,        EnumName(k.state)};
}

void AppendKey(std::vector<Value>& p, const BalanceKey& k) {
  p.emplace_back(std::get<0>(k));
  p.emplace_back(std::get<1>(k));
  p.emplace_back(std::get<2>(k));
  p.emplace_back(std::get<3>(k));
  p.emplace_back(std::get<4>(k));
  p.emplace_back(std::get<5>(k));
  p.emplace_back(std::string(std::get<6>(k)));
}

constexpr std::string_view kKeyWhere =
    "tenant_id = ? AND warehouse_id = ? AND bin_id = ? AND sku_id = ? AND lot_id = ? AND "
    "owner = ? AND state = ?";

// A conditional decrease on SQLite: the key (the seven values of kKeyWhere), then the quantity;
// a row without that much on hand is not changed.
constexpr std::string_view kDecreaseOne =
    "UPDATE inventory_balance SET on_hand = on_hand - ?8 WHERE tenant_id = ?1 AND "
    "warehouse_id = ?2 AND bin_id = ?3 AND sku_id = ?4 AND lot_id = ?5 AND owner = ?6 AND "
    "state = ?7 AND on_hand >= ?8";

std::string ShortOfStock(const BalanceKey& k, std::int64_t on_hand, std::int64_t needed) {
  return "not enough stock in warehouse " + std::to_string(std::get<1>(k)) + ", bin " +
         std::to_string(std::get<2>(k)) + " for SKU " + std::to_string(std::get<3>(k)) + ", lot " +
         std::to_string(std::get<4>(k)) + ", owner " + std::get<5>(k) + ", state " +
         std::string(std::get<6>(k)) + ": " + std::to_string(on_hand) + " on hand, " +
         std::to_string(needed) + " needed";
}

// The balance filters of a query on the table aliased `b` joined to its lot `l`.
Where BalanceWhere(TenantId tenant, const inventory::BalanceQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.warehouse_id) w.Add("b.warehouse_id = ?", *q.warehouse_id);
  if (q.bin_id) w.Add("b.bin_id = ?", *q.bin_id);
  if (q.sku_id) w.Add("b.sku_id = ?", *q.sku_id);
  if (q.lot_id) w.Add("b.lot_id = ?", q.lot_id->value());
  if (q.owner) w.Add("b.owner = ?", *q.owner);
  if (q.state) w.Add("b.state = ?", EnumText(*q.state));
  if (q.expires_before) w.Add("l.expiry_date <= ?", DayOf(*q.expires_before));
  if (q.expires_after) w.Add("l.expiry_date >= ?", DayOf(*q.expires_after));
  return w;
}

constexpr std::string_view kBalanceFrom =
    " FROM inventory_balance b LEFT JOIN inventory_lot l ON l.tenant_id = b.tenant_id AND "
    "l.id = b.lot_id";
constexpr std::string_view kBalanceOrder =
    " ORDER BY b.warehouse_id, b.bin_id, b.sku_id, b.lot_id, b.owner, b.state";

// Row: warehouse_id, bin_id, sku_id, lot_id, owner, state, on_hand, lot_number, expiry_date.
Balance DecodeBalance(const Row& r) {
  Balance b;
  b.key.warehouse_id = AsInt(r[0]);
  b.key.bin_id = AsInt(r[1]);
  b.key.sku_id = AsInt(r[2]);
  b.key.lot_id = LotId(AsInt(r[3]));
  b.key.owner = r[4].value_or("");
  b.key.state = AsEnum(r[5], StockState::kAvailable);
  b.on_hand = AsInt(r[6]);
  b.lot_number = r[7].value_or("");
  b.expiry_date = AsOptDate(r[8]);
  return b;
}

// The movement filters of a query (all but after_id).
Where MovementWhere(TenantId tenant, const inventory::MovementQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.sku_id) {
    // The SKU's ids from its look-up (migration 0005), bounded by after_id.
    w.Add("sku_id = ?", *q.sku_id);
    const std::string after = q.after_id > 0 ? " AND id > ?" : "";
    w.sql +=
        " AND id IN (SELECT id FROM inventory_movement_by_sku WHERE tenant_id = ? AND "
        "sku_id = ?" +
        after +
        " UNION ALL SELECT id FROM inventory_movement_recent WHERE tenant_id = ? AND "
        "sku_id = ?" +
        after + ")";
    for (int part = 0; part < 2; ++part) {
      w.params.emplace_back(tenant.value());
      w.params.emplace_back(*q.sku_id);
      if (q.after_id > 0) w.params.emplace_back(q.after_id);
    }
  }
  if (q.warehouse_id) {
    w.sql += " AND (from_warehouse_id = ? OR to_warehouse_id = ?)";
    w.params.emplace_back(*q.warehouse_id);
    w.params.emplace_back(*q.warehouse_id);
  }
  if (q.lot_id) w.Add("lot_id = ?", q.lot_id->value());
  if (q.owner) w.Add("owner = ?", *q.owner);
  if (q.ref_type) w.Add("ref_type = ?", *q.ref_type);
  if (q.ref_id) w.Add("ref_id = ?", *q.ref_id);
  if (q.from) w.Add("at >= ?", q.from->micros());
  if (q.to) w.Add("at < ?", q.to->micros());
  if (q.after_id > 0) w.Add("id > ?", q.after_id);
  return w;
}

// --- reservations ----------------------------------------------------------------------------

// "lot:quantity:picked" per line, joined by ",", in the reservation's order.
std::string LinesText(const std::vector<ReservationLine>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += ',';
    out += std::to_string(l.lot_id.value());
    out += ':';
    out += std::to_string(l.quantity);
    out += ':';
    out += std::to_string(l.picked);
  }
  return out;
}

std::vector<ReservationLine> LinesFromText(std::string_view text) {
  std::vector<ReservationLine> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto a = item.find(':');
    const auto b = item.find(':', a + 1);
    if (a == std::string_view::npos || b == std::string_view::npos) continue;
    out.push_back({LotId(ParseInt64(item.substr(0, a)).value_or(0)),
                   ParseInt64(item.substr(a + 1, b - a - 1)).value_or(0),
                   ParseInt64(item.substr(b + 1)).value_or(0)});
  }
  return out;
}

constexpr std::string_view kReservationColumns =
    "id, tenant_id, warehouse_id, sku_id, owner, order_ref, client_key, lines, state, "
    "expires_at, created_at, updated_at, short_quantity, min_remaining_days";

std::vector<Value> ReservationValues(const Reservation& r) {
  return {r.id.value(),
          r.tenant_id.value(),
          r.warehouse_id,
          r.sku_id,
          r.owner,
          r.order_ref,
          r.client_key,
          LinesText(r.lines),
          EnumText(r.state),
          r.expires_at ? Value(r.expires_at->micros()) : Value(),
          r.created_at.micros(),
          r.updated_at.micros(),
          r.short_quantity,
          r.min_remaining_days ? Value(*r.min_remaining_days) : Value()};
}

Reservation DecodeReservation(const Row& r) {
  Reservation res;
  res.id = inventory::ReservationId(AsInt(r[0]));
  res.tenant_id = TenantId(AsInt(r[1]));
  res.warehouse_id = AsInt(r[2]);
  res.sku_id = AsInt(r[3]);
  res.owner = r[4].value_or("");
  res.order_ref = r[5].value_or("");
  res.client_key = r[6].value_or("");
  res.lines = LinesFromText(r[7].value_or(""));
  res.state = AsEnum(r[8], ReservationState::kActive);
  if (r[9]) res.expires_at = Timestamp::FromMicros(AsInt(r[9]));
  res.created_at = Timestamp::FromMicros(AsInt(r[10]));
  res.updated_at = Timestamp::FromMicros(AsInt(r[11]));
  res.short_quantity = AsInt(r[12]);
  if (r[13]) res.min_remaining_days = AsInt(r[13]);
  return res;
}

// A reservation's picked quantities: lines, state, updated_at, then tenant, id and the lines as
// read (written only if nobody changed them meanwhile).
constexpr std::string_view kPickedOne =
    "UPDATE inventory_reservation SET lines = ?, state = ?, updated_at = ? WHERE tenant_id = ? "
    "AND id = ? AND lines = ? AND state = 'active'";

Status ReservationNotFound(inventory::ReservationId id) {
  return NotFound("no reservation with id " + std::to_string(id.value()));
}

// Picking `qty` of `lot` from an active reservation; consumed once everything is picked. The
// memory store applies the same rule.
Status AddPickedTo(Reservation& r, LotId lot, std::int64_t qty, Timestamp at) {
  const std::string name = "reservation " + std::to_string(r.id.value());
  if (r.state != ReservationState::kActive) {
    return FailedPrecondition(name + " is " + std::string(EnumName(r.state)) +
                              "; only an active reservation can be picked");
  }
  const auto line = std::find_if(r.lines.begin(), r.lines.end(),
                                 [&](const ReservationLine& l) { return l.lot_id == lot; });
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

// The per-SKU look-up of the ledger (migration 0005): new movements go to
// inventory_movement_recent, at the end of its id order; a background step
// (MoveRecentMovements, run by SqlDatabase's maintenance thread in its own short transactions)
// moves them to inventory_movement_by_sku, a slice of SKUs at a time. A posting then writes a few
// pages at the end of the recent table instead of one index page per SKU, however long the ledger
// has grown; the move writes each SKU's page once for all of its recent movements, and no posting
// waits for it. Once the recent movements span kRecentMovements, the posting asks for a move; if
// they ever span kRecentMovementsBound (the background step is not running or keeps failing),
// the posting moves them itself, so the table that reads by SKU scan stays bounded.
constexpr std::int64_t kRecentMovements = 8192;
constexpr std::int64_t kRecentMovementsBound = 16 * kRecentMovements;
// Movements per step of the move (whole SKUs): each step is one short write transaction.
constexpr std::int64_t kMoveRows = 2048;

// Moves the recent movements of the SKUs in (after, upto] (tenant, SKU order; `after` absent:
// from the first) to the look-up. On PostgreSQL one statement, so rows of a posting that has
// not committed yet are neither deleted nor copied and stay for the next move; on SQLite the
// caller's transaction is the only writer.
Status MoveSlice(Connection& c, const std::optional<std::pair<std::int64_t, std::int64_t>>& after,
                 const std::optional<std::pair<std::int64_t, std::int64_t>>& upto) {
  std::string where = " WHERE 1 = 1";
  std::vector<Value> p;
  if (after) {
    where += " AND (tenant_id > ? OR (tenant_id = ? AND sku_id > ?))";
    p.insert(p.end(), {after->first, after->first, after->second});
  }
  if (upto) {
    where += " AND (tenant_id < ? OR (tenant_id = ? AND sku_id <= ?))";
    p.insert(p.end(), {upto->first, upto->first, upto->second});
  }
  if (c.dialect() == Dialect::kPostgresql) {
    return c
        .Execute("WITH moved AS (DELETE FROM inventory_movement_recent" + where +
                     " RETURNING tenant_id, sku_id, id) INSERT INTO inventory_movement_by_sku "
                     "(tenant_id, sku_id, id) SELECT tenant_id, sku_id, id FROM moved ORDER BY "
                     "tenant_id, sku_id, id",
                 p)
        .status();
  }
  XB_RETURN_IF_ERROR(c.Execute("INSERT INTO inventory_movement_by_sku (tenant_id, sku_id, id) "
                               "SELECT tenant_id, sku_id, id FROM inventory_movement_recent" +
                                   where + " ORDER BY tenant_id, sku_id, id",
                               p)
                         .status());
  return c.Execute("DELETE FROM inventory_movement_recent" + where, p).status();
}

// Appends the movements to the recent table. Returns whether a move is due.
Result<bool> IndexBySku(Connection& c, std::span<const Movement> movements) {
  if (movements.empty()) return false;
  std::size_t done = 0;
  std::int64_t highest = 0;
  while (done < movements.size()) {
    const std::size_t n = NextBatch(movements.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n * 3);
    for (std::size_t i = done; i < done + n; ++i) {
      const Movement& m = movements[i];
      p.emplace_back(m.id);
      p.emplace_back(m.tenant_id.value());
      p.emplace_back(m.sku_id);
      highest = std::max(highest, m.id);
    }
    XB_RETURN_IF_ERROR(c.Execute("INSERT INTO inventory_movement_recent (id, tenant_id, sku_id) "
                                 "VALUES " +
                                     RowPlaceholders(n, 3),
                                 p)
                           .status());
    done += n;
  }
  XB_ASSIGN_OR_RETURN(auto oldest, c.Query("SELECT MIN(id) FROM inventory_movement_recent", {}));
  if (oldest.empty() || !oldest[0][0]) return false;
  const std::int64_t span = highest - AsInt(oldest[0][0]) + 1;
  if (span >= kRecentMovementsBound) {
    XB_RETURN_IF_ERROR(MoveSlice(c, std::nullopt, std::nullopt));
    return false;
  }
  return span >= kRecentMovements;
}

// The first place (in key order) that a posting takes more from than is on hand: read after the
// posting was rolled back, so what is on hand is what the posting found.
Result<std::optional<Status>> FindShortage(Connection& c,
                                           const std::map<BalanceKey, std::int64_t>& delta) {
  for (const auto& [k, change] : delta) {
    if (change >= 0) continue;
    std::vector<Value> kp;
    AppendKey(kp, k);
    XB_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT on_hand FROM inventory_balance WHERE " + std::string(kKeyWhere), kp));
    const std::int64_t on_hand = rows.empty() ? 0 : AsInt(rows[0][0]);
    if (on_hand < -change) {
      return std::optional<Status>(
          FailedPrecondition(ShortOfStock(k, on_hand, -change), "quantity"));
    }
  }
  return std::optional<Status>();
}

// Applies a posting: the net change per place and the movements.
Result<bool> ApplyPosting(Connection& c, std::span<Movement> movements,
                          const std::map<BalanceKey, std::int64_t>& delta) {
  // Balances in key order (runs of increases, then of decreases, and so on), so concurrent
  // postings lock rows in one order. Increases are multi-row upserts. Decreases are conditional
  // updates, `on_hand = on_hand - qty WHERE <key> AND on_hand >= qty` (multi-row on PostgreSQL,
  // a round trip per statement; one row per statement on SQLite): a row without the stock is not
  // changed, and fewer rows changed than sent fails the posting. (Returning the changed keys to
  // name the place at once cost more than the update itself.)
  using Entry = const std::pair<const BalanceKey, std::int64_t>*;
  std::vector<Entry> run;
  // PostgreSQL compares the keys' texts under the columns' collation.
  const std::string collate = c.dialect() == Dialect::kPostgresql ? " COLLATE \"C\"" : "";
  const auto flush = [&]() -> Status {
    std::size_t done = 0;
    const bool up = !run.empty() && run.front()->second >= 0;
    while (done < run.size()) {
      const std::size_t n = NextBatch(run.size() - done, kBatch);
      std::vector<Value> p;
      p.reserve(n * 8);
      for (std::size_t i = done; i < done + n; ++i) {
        AppendKey(p, run[i]->first);
        p.emplace_back(up ? run[i]->second : -run[i]->second);
      }
      if (up) {
        XB_RETURN_IF_ERROR(
            c.Execute("INSERT INTO inventory_balance (tenant_id, warehouse_id, bin_id, sku_id, "
                      "lot_id, owner, state, on_hand) VALUES " +
                          RowPlaceholders(n, 8) +
                          " ON CONFLICT (tenant_id, warehouse_id, bin_id, sku_id, lot_id, owner, "
                          "state) DO UPDATE SET on_hand = inventory_balance.on_hand + "
                          "excluded.on_hand",
                      p)
                .status());
        done += n;
        continue;
      }
      if (c.dialect() == Dialect::kSqlite) {
        // In process, a cached single-row statement per place costs SQLite about 40% less than
        // a row of the multi-row form below, whose join is materialised before it updates.
        for (std::size_t i = 0; i < n; ++i) {
          XB_ASSIGN_OR_RETURN(const std::int64_t one,
                              c.Execute(kDecreaseOne, std::span<const Value>(p).subspan(i * 8, 8)));
          if (one != 1) return FailedPrecondition("not enough stock");
        }
        done += n;
        continue;
      }
      // The first row's casts type the VALUES columns on PostgreSQL.
      std::string values =
          "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), "
          "CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT))";
      if (n > 1) values += ", " + RowPlaceholders(n - 1, 8);
      XB_ASSIGN_OR_RETURN(
          const std::int64_t changed,
          c.Execute("WITH d (tenant_id, warehouse_id, bin_id, sku_id, lot_id, owner, state, qty) "
                    "AS (VALUES " +
                        values +
                        ") UPDATE inventory_balance SET on_hand = inventory_balance.on_hand - "
                        "d.qty FROM d WHERE inventory_balance.tenant_id = d.tenant_id AND "
                        "inventory_balance.warehouse_id = d.warehouse_id AND "
                        "inventory_balance.bin_id = d.bin_id AND inventory_balance.sku_id = "
                        "d.sku_id AND inventory_balance.lot_id = d.lot_id AND "
                        "inventory_balance.owner = d.owner" +
                        collate + " AND inventory_balance.state = d.state" + collate +
                        " AND inventory_balance.on_hand >= d.qty",
                    p));
      // Keys are unique on both sides, so each row sent changes one balance or none. Which one
      // lacked the stock is found after the posting is rolled back (FindShortage).
      if (changed != static_cast<std::int64_t>(n)) return FailedPrecondition("not enough stock");
      done += n;
    }
    run.clear();
    return Status::Ok();
  };
  for (const auto& entry : delta) {
    if (!run.empty() && (run.front()->second >= 0) != (entry.second >= 0)) {
      XB_RETURN_IF_ERROR(flush());
    }
    run.push_back(&entry);
  }
  XB_RETURN_IF_ERROR(flush());

  // The movements' ids, increasing in posting order: SQLite's writer holds the database's write
  // lock, so the ids after the highest are free; PostgreSQL hands out a block of the identity's
  // sequence.
  const std::size_t count = movements.size();
  std::vector<std::int64_t> ids;
  ids.reserve(count);
  if (c.dialect() == Dialect::kSqlite) {
    XB_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT COALESCE(MAX(id), 0) FROM inventory_movement", {}));
    const std::int64_t base = AsInt(rows.at(0)[0]);
    for (std::size_t i = 0; i < count; ++i) ids.push_back(base + 1 + static_cast<std::int64_t>(i));
  } else {
    const Value n[] = {static_cast<std::int64_t>(count)};
    XB_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT nextval(pg_get_serial_sequence("
                                           "'inventory_movement', 'id')) FROM "
                                           "generate_series(1, ?)",
                                           n));
    for (const auto& r : rows) ids.push_back(AsInt(r[0]));
    std::sort(ids.begin(), ids.end());
  }
  if (ids.size() != count) return Internal("could not number the movements");
  for (std::size_t i = 0; i < count; ++i) movements[i].id = ids[i];

  // Inserted SKU by SKU (consecutive rows of a SKU next to each other).
  std::vector<const Movement*> order;
  order.reserve(count);
  for (const auto& m : movements) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(), [](const Movement* a, const Movement* b) {
    return std::make_pair(a->tenant_id.value(), a->sku_id) <
           std::make_pair(b->tenant_id.value(), b->sku_id);
  });
  std::size_t done = 0;
  while (done < count) {
    const std::size_t n = NextBatch(count - done, kBatch);
    std::vector<Value> p;
    p.reserve(n * (kMovementInsertColumns + 1));
    for (std::size_t i = done; i < done + n; ++i) {
      p.emplace_back(order[i]->id);
      AppendMovement(p, *order[i]);
    }
    XB_RETURN_IF_ERROR(c.Execute("INSERT INTO inventory_movement (" +
                                     std::string(kMovementColumns) + ") VALUES " +
                                     RowPlaceholders(n, kMovementInsertColumns + 1),
                                 p)
                           .status());
    done += n;
  }
  return IndexBySku(c, movements);
}

}  // namespace

// --- lots ------------------------------------------------------------------------------------

Result<Lot> SqlInventoryStore::InsertLot(Lot lot) {
  const Value p[] = {lot.tenant_id.value(),  lot.sku_id,
                     lot.lot_number,         DayOf(lot.production_date),
                     DayOf(lot.expiry_date), lot.created_at.micros()};
  // A taken number inserts nothing (rather than failing, which would end a PostgreSQL
  // transaction).
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("INSERT INTO inventory_lot (tenant_id, sku_id, lot_number, "
                               "production_date, expiry_date, created_at) VALUES "
                               "(?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, sku_id, lot_number) "
                               "DO NOTHING RETURNING id",
                               p));
  if (rows.empty()) return LotTaken(lot);
  lot.id = LotId(AsInt(rows[0][0]));
  return lot;
}

Result<Lot> SqlInventoryStore::GetLot(TenantId tenant, LotId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kLotColumns) +
                                              " FROM inventory_lot WHERE tenant_id = ? AND id = ?",
                                          p));
  if (rows.empty()) return NotFound("no lot with id " + std::to_string(id.value()));
  return DecodeLot(rows[0]);
}

Result<std::optional<Lot>> SqlInventoryStore::FindLot(TenantId tenant, std::int64_t sku_id,
                                                      std::string_view lot_number) {
  const Value p[] = {tenant.value(), sku_id, std::string(lot_number)};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kLotColumns) +
                                              " FROM inventory_lot WHERE tenant_id = ? AND "
                                              "sku_id = ? AND lot_number = ?",
                                          p));
  if (rows.empty()) return std::optional<Lot>();
  return std::optional<Lot>(DecodeLot(rows[0]));
}

Result<std::pair<std::vector<Lot>, std::int64_t>> SqlInventoryStore::ListLots(
    TenantId tenant, const inventory::LotQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.sku_id) w.Add("sku_id = ?", *q.sku_id);
  if (q.lot_number) w.Add("lot_number = ?", *q.lot_number);
  if (q.expires_before) w.Add("expiry_date <= ?", DayOf(*q.expires_before));
  const std::string where = " FROM inventory_lot WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  // First expiring first, lots without expiry last (spelled out: the dialects differ).
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT " + std::string(kLotColumns) + where +
                                   " ORDER BY CASE WHEN expiry_date IS NULL THEN 1 ELSE 0 END, "
                                   "expiry_date, id LIMIT ? OFFSET ?",
                               Concat(w.params, {q.limit, q.offset})));
  std::vector<Lot> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeLot(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

// --- the ledger ------------------------------------------------------------------------------

Result<std::int64_t> MoveRecentMovements(
    const std::function<Result<std::unique_ptr<Connection>>()>& acquire,
    const std::function<void(std::unique_ptr<Connection>)>& release,
    const std::function<bool()>& between) {
  // Runs `step` in a transaction on a lent connection and gives the connection back. A write is
  // committed without a sync and synced after the connection went back: the writer's turn passes
  // to a waiting posting at COMMIT, and the move's sync overlaps with that posting's work
  // instead of being added to it (as SqlDatabase's writer transactions do, decision 0009).
  const auto in_transaction = [&](bool write, const std::function<Status(Connection&)>& step) {
    auto lent = acquire();
    if (!lent.ok()) return lent.status();
    std::unique_ptr<Connection> c = std::move(lent).value();
    const std::shared_ptr<CommitSync> sync = write ? c->commit_sync() : nullptr;
    Status st = c->Begin(write);
    if (st.ok()) st = step(*c);
    if (st.ok()) {
      st = write ? c->CommitNoSync() : c->Rollback();
    } else {
      (void)c->Rollback();
    }
    release(std::move(c));
    if (st.ok() && sync) st = sync->SyncCommitted();
    return st;
  };
  // The slices: runs of whole SKUs of about kMoveRows movements, from one read of the table.
  using SkuKey = std::pair<std::int64_t, std::int64_t>;
  std::vector<SkuKey> ends;
  bool empty = false;
  XB_RETURN_IF_ERROR(in_transaction(false, [&](Connection& c) -> Status {
    XB_ASSIGN_OR_RETURN(auto skus,
                        c.Query("SELECT tenant_id, sku_id, COUNT(*) FROM inventory_movement_recent "
                                "GROUP BY tenant_id, sku_id ORDER BY tenant_id, sku_id",
                                {}));
    empty = skus.empty();
    std::int64_t rows = 0;
    for (const auto& r : skus) {
      rows += AsInt(r[2]);
      if (rows >= kMoveRows) {
        ends.emplace_back(AsInt(r[0]), AsInt(r[1]));
        rows = 0;
      }
    }
    return Status::Ok();
  }));
  if (empty) return std::int64_t{0};
  // Each slice in a write transaction of its own; the last one takes everything after the one
  // before, also SKUs appended meanwhile.
  std::optional<SkuKey> after;
  std::int64_t steps = 0;
  for (std::size_t i = 0; i <= ends.size(); ++i) {
    std::optional<SkuKey> upto;
    if (i < ends.size()) upto = ends[i];
    XB_RETURN_IF_ERROR(
        in_transaction(true, [&](Connection& c) { return MoveSlice(c, after, upto); }));
    ++steps;
    after = upto;
    if (upto && between && !between()) break;
  }
  return steps;
}

Status SqlInventoryStore::Post(std::span<Movement> movements) {
  // Net change per place. Every place a movement touches gets a balance row (BalancesAsOf reads
  // the places from the balances).
  std::map<BalanceKey, std::int64_t> delta;
  for (const auto& m : movements) {
    XB_RETURN_IF_ERROR(inventory::Validate(m));
    if (m.from) delta[KeyFor(m.tenant_id, inventory::KeyOf(m, *m.from))] -= m.quantity;
    if (m.to) delta[KeyFor(m.tenant_id, inventory::KeyOf(m, *m.to))] += m.quantity;
  }
  if (movements.empty()) return Status::Ok();
  // All of it or nothing, whatever the caller does with its transaction afterwards.
  XB_RETURN_IF_ERROR(c_.Execute("SAVEPOINT xb_post", {}).status());
  auto applied = ApplyPosting(c_, movements, delta);
  Status st = applied.status();
  if (st.ok() && *applied) move_due_ = true;
  if (!st.ok()) {
    auto rolled_back = c_.Execute("ROLLBACK TO SAVEPOINT xb_post", {});
    // A balance without the stock (or its CHECK): name the place.
    if (rolled_back.ok() && st.code() == ErrorCode::kFailedPrecondition) {
      auto shortage = FindShortage(c_, delta);
      if (shortage.ok() && *shortage) st = **shortage;
    }
  }
  auto released = c_.Execute("RELEASE SAVEPOINT xb_post", {});
  if (st.ok() && !released.ok()) st = released.status();
  return st;
}

Result<std::pair<std::vector<Balance>, std::int64_t>> SqlInventoryStore::ListBalances(
    TenantId tenant, const inventory::BalanceQuery& q) {
  Where w = BalanceWhere(tenant, q);
  if (!q.include_zero) w.sql += " AND b.on_hand <> 0";
  const std::string where = std::string(kBalanceFrom) + " WHERE b.tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT b.warehouse_id, b.bin_id, b.sku_id, b.lot_id, b.owner, "
                               "b.state, b.on_hand, l.lot_number, l.expiry_date" +
                                   where + std::string(kBalanceOrder) + " LIMIT ? OFFSET ?",
                               Concat(w.params, {q.limit, q.offset})));
  std::vector<Balance> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeBalance(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Result<std::vector<Balance>> SqlInventoryStore::BalancesAsOf(TenantId tenant,
                                                             const inventory::BalanceQuery& q,
                                                             Timestamp at) {
  // Today's balances minus the net of every movement at or after `at`, per place. Every place
  // a movement touched has a balance row, so the rows list every place there was.
  std::vector<Value> p{tenant.value(), at.micros(), tenant.value(), at.micros()};
  const std::string later =
      "SELECT warehouse_id, bin_id, sku_id, lot_id, owner, state, SUM(qty) AS qty FROM ("
      "SELECT to_warehouse_id AS warehouse_id, to_bin_id AS bin_id, sku_id, lot_id, owner, "
      "to_state AS state, quantity AS qty FROM inventory_movement WHERE tenant_id = ? AND "
      "at >= ? AND to_warehouse_id IS NOT NULL "
      "UNION ALL SELECT from_warehouse_id, from_bin_id, sku_id, lot_id, owner, from_state, "
      "-quantity FROM inventory_movement WHERE tenant_id = ? AND at >= ? AND "
      "from_warehouse_id IS NOT NULL) m GROUP BY warehouse_id, bin_id, sku_id, lot_id, owner, "
      "state";
  Where w = BalanceWhere(tenant, q);
  if (!q.include_zero) w.sql += " AND b.on_hand - COALESCE(d.qty, 0) <> 0";
  p.insert(p.end(), w.params.begin(), w.params.end());
  p.emplace_back(q.limit);
  p.emplace_back(q.offset);
  XB_ASSIGN_OR_RETURN(
      auto rows,
      c_.Query("SELECT b.warehouse_id, b.bin_id, b.sku_id, b.lot_id, b.owner, b.state, "
               "b.on_hand - COALESCE(d.qty, 0), l.lot_number, l.expiry_date" +
                   std::string(kBalanceFrom) + " LEFT JOIN (" + later +
                   ") d ON d.warehouse_id = b.warehouse_id AND d.bin_id = b.bin_id AND "
                   "d.sku_id = b.sku_id AND d.lot_id = b.lot_id AND d.owner = b.owner AND "
                   "d.state = b.state WHERE b.tenant_id = ?" +
                   w.sql + std::string(kBalanceOrder) + " LIMIT ? OFFSET ?",
               p));
  std::vector<Balance> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeBalance(r));
  return out;
}

Result<std::vector<Movement>> SqlInventoryStore::ListMovements(TenantId tenant,
                                                               const inventory::MovementQuery& q) {
  Where w = MovementWhere(tenant, q);
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kMovementColumns) +
                                              " FROM inventory_movement WHERE tenant_id = ?" +
                                              w.sql + " ORDER BY id LIMIT ?",
                                          Concat(w.params, {q.limit})));
  std::vector<Movement> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeMovement(r));
  return out;
}

Result<std::int64_t> SqlInventoryStore::NetQuantity(TenantId tenant,
                                                    const inventory::MovementQuery& q) {
  // Entering the scope: the `to` side is in it; leaving: the `from` side is. Without a warehouse
  // the scope is every place, so moves within it cancel out.
  std::string to_in = "to_warehouse_id IS NOT NULL";
  std::string from_in = "from_warehouse_id IS NOT NULL";
  std::vector<Value> p;
  if (q.warehouse_id) {
    to_in = "to_warehouse_id = ?";
    from_in = "from_warehouse_id = ?";
    p = {*q.warehouse_id, *q.warehouse_id};
  }
  Where w = MovementWhere(tenant, q);
  p.insert(p.end(), w.params.begin(), w.params.end());
  XB_ASSIGN_OR_RETURN(
      auto rows, c_.Query("SELECT COALESCE(SUM(CASE WHEN " + to_in +
                              " THEN quantity ELSE 0 END), 0) - COALESCE(SUM(CASE WHEN " + from_in +
                              " THEN quantity ELSE 0 END), 0) FROM inventory_movement "
                              "WHERE tenant_id = ?" +
                              w.sql,
                          p));
  return AsInt(rows.at(0)[0]);
}

// --- reservations ----------------------------------------------------------------------------

Status SqlInventoryStore::SaveReservations(std::span<const Reservation> reservations) {
  for (const auto& r : reservations) {
    if (!r.id.assigned()) return InvalidArgument("id: a reservation needs an id", "id");
    if (!r.client_key.empty()) {
      // Checked first: a failed statement would end a PostgreSQL transaction. The unique index
      // still catches a concurrent writer. "client_key <> ''" repeats the partial index's
      // condition so that the planner may use the index (without it, both dialects scan the
      // tenant's reservations).
      const Value k[] = {r.tenant_id.value(), r.client_key, r.id.value()};
      XB_ASSIGN_OR_RETURN(auto taken,
                          c_.Query("SELECT id FROM inventory_reservation WHERE "
                                   "tenant_id = ? AND client_key = ? AND client_key <> '' "
                                   "AND id <> ?",
                                   k));
      if (!taken.empty()) {
        return AlreadyExists("client_key: a reservation with this key exists", "client_key");
      }
    }
    auto n = c_.Execute("INSERT INTO inventory_reservation (" + std::string(kReservationColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                            "(tenant_id, id) DO UPDATE SET warehouse_id = excluded.warehouse_id, "
                            "sku_id = excluded.sku_id, owner = excluded.owner, "
                            "order_ref = excluded.order_ref, client_key = excluded.client_key, "
                            "lines = excluded.lines, state = excluded.state, "
                            "expires_at = excluded.expires_at, created_at = excluded.created_at, "
                            "updated_at = excluded.updated_at, "
                            "short_quantity = excluded.short_quantity, "
                            "min_remaining_days = excluded.min_remaining_days",
                        ReservationValues(r));
    if (!n.ok()) {
      // The id is the conflict target, so only the key can collide (a concurrent writer).
      if (n.status().code() == ErrorCode::kAlreadyExists) {
        return AlreadyExists("client_key: a reservation with this key exists", "client_key");
      }
      return n.status();
    }
  }
  return Status::Ok();
}

Result<Reservation> SqlInventoryStore::GetReservation(TenantId tenant,
                                                      inventory::ReservationId id) {
  const Value p[] = {tenant.value(), id.value()};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReservationColumns) +
                                              " FROM inventory_reservation WHERE tenant_id = ? "
                                              "AND id = ?",
                                          p));
  if (rows.empty()) return ReservationNotFound(id);
  return DecodeReservation(rows[0]);
}

Result<std::optional<Reservation>> SqlInventoryStore::FindReservationByKey(
    TenantId tenant, std::string_view client_key) {
  if (client_key.empty()) return std::optional<Reservation>();
  const Value p[] = {tenant.value(), std::string(client_key)};
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReservationColumns) +
                                              " FROM inventory_reservation WHERE tenant_id = ? "
                                              "AND client_key = ? AND client_key <> ''",
                                          p));
  if (rows.empty()) return std::optional<Reservation>();
  return std::optional<Reservation>(DecodeReservation(rows[0]));
}

Result<std::pair<std::vector<Reservation>, std::int64_t>> SqlInventoryStore::ListReservations(
    TenantId tenant, const inventory::ReservationQuery& q) {
  Where w;
  w.params.emplace_back(tenant.value());
  if (q.warehouse_id) w.Add("warehouse_id = ?", *q.warehouse_id);
  if (q.sku_id) w.Add("sku_id = ?", *q.sku_id);
  if (q.order_ref) w.Add("order_ref = ?", *q.order_ref);
  if (q.state) w.Add("state = ?", EnumText(*q.state));
  const std::string where = " FROM inventory_reservation WHERE tenant_id = ?" + w.sql;
  XB_ASSIGN_OR_RETURN(auto count, c_.Query("SELECT COUNT(*)" + where, w.params));
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReservationColumns) + where +
                                              " ORDER BY id DESC LIMIT ? OFFSET ?",
                                          Concat(w.params, {q.limit, q.offset})));
  std::vector<Reservation> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeReservation(r));
  return std::make_pair(std::move(out), AsInt(count.at(0)[0]));
}

Status SqlInventoryStore::AddPicked(TenantId tenant, inventory::ReservationId id, LotId lot,
                                    std::int64_t qty, Timestamp at) {
  if (qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
  XB_ASSIGN_OR_RETURN(Reservation r, GetReservation(tenant, id));
  const std::string before = LinesText(r.lines);
  XB_RETURN_IF_ERROR(AddPickedTo(r, lot, qty, at));
  // Written only if nobody changed the lines meanwhile.
  const Value p[] = {LinesText(r.lines), EnumText(r.state), r.updated_at.micros(),
                     tenant.value(),     id.value(),        before};
  XB_ASSIGN_OR_RETURN(std::int64_t n, c_.Execute(kPickedOne, p));
  if (n != 1) return Conflict("reservation " + std::to_string(id.value()) + " changed meanwhile");
  return Status::Ok();
}

Result<std::vector<Reservation>> SqlInventoryStore::GetReservations(
    TenantId tenant, std::span<const inventory::ReservationId> ids) {
  std::vector<Reservation> out;
  out.reserve(ids.size());
  std::size_t done = 0;
  while (done < ids.size()) {
    const std::size_t n = NextBatch(ids.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 1);
    p.emplace_back(tenant.value());
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(ids[i].value());
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReservationColumns) +
                                                " FROM inventory_reservation WHERE tenant_id = ? "
                                                "AND id IN (" +
                                                PlaceholderList(n) + ")",
                                            p));
    for (const auto& r : rows) out.push_back(DecodeReservation(r));
    done += n;
  }
  return out;
}

Status SqlInventoryStore::ReadForPicking(TenantId tenant,
                                         std::span<const inventory::ReservationId> ids,
                                         PickedVersions& versions) {
  for (std::size_t done = 0; done < ids.size();) {
    const std::size_t n = NextBatch(ids.size() - done, kLookupBatch);
    std::vector<Value> p;
    p.reserve(n + 1);
    p.emplace_back(tenant.value());
    for (std::size_t i = done; i < done + n; ++i) p.emplace_back(ids[i].value());
    XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT id, lines, state FROM inventory_reservation "
                                            "WHERE tenant_id = ? AND id IN (" +
                                                PlaceholderList(n) + ")",
                                            p));
    for (auto& row : rows) {
      PickedVersion v;
      v.now.id = inventory::ReservationId(AsInt(row[0]));
      v.now.tenant_id = tenant;
      v.before = row[1].value_or("");
      v.now.lines = LinesFromText(v.before);
      v.now.state = AsEnum(row[2], ReservationState::kActive);
      versions.insert_or_assign(v.now.id.value(), std::move(v));
    }
    done += n;
  }
  return Status::Ok();
}

Status SqlInventoryStore::WritePicks(TenantId tenant,
                                     std::span<const inventory::InventoryStore::Pick> picks,
                                     std::span<const inventory::ReservationId> ids,
                                     PickedVersions& versions,
                                     std::vector<inventory::ReservationId>& stale) {
  // The picks of these reservations in order, in memory. A version the caller saw that cannot
  // take them is read again (stale) rather than refused.
  for (const auto& pick : picks) {
    if (!std::binary_search(ids.begin(), ids.end(), pick.id)) continue;
    const auto it = versions.find(pick.id.value());
    if (it == versions.end()) return ReservationNotFound(pick.id);
    PickedVersion& v = it->second;
    if (v.stale) continue;
    Status st = AddPickedTo(v.now, pick.lot, pick.qty, pick.at);
    if (st.ok()) continue;
    if (!v.seen) return st;
    v.stale = true;
    stale.push_back(pick.id);
  }
  // Each changed reservation written once, in id order (concurrent batches lock rows in one
  // order), only if its lines are still as read or seen.
  const auto changed_meanwhile = [&](inventory::ReservationId id) -> Status {
    PickedVersion& v = versions.at(id.value());
    if (!v.seen)
      return Conflict("reservation " + std::to_string(id.value()) + " changed meanwhile");
    v.stale = true;
    stale.push_back(id);
    return Status::Ok();
  };
  std::vector<inventory::ReservationId> write;
  write.reserve(ids.size());
  for (const auto id : ids) {
    if (!versions.at(id.value()).stale) write.push_back(id);
  }
  if (c_.dialect() == Dialect::kSqlite) {
    // In process, a cached single-row statement per reservation costs SQLite less than a row of
    // the multi-row form below, whose join is materialised before it updates.
    for (const auto id : write) {
      PickedVersion& v = versions.at(id.value());
      const Value p[] = {LinesText(v.now.lines),
                         EnumText(v.now.state),
                         v.now.updated_at.micros(),
                         tenant.value(),
                         id.value(),
                         std::move(v.before)};
      XB_ASSIGN_OR_RETURN(const std::int64_t n, c_.Execute(kPickedOne, p));
      if (n != 1) XB_RETURN_IF_ERROR(changed_meanwhile(id));
    }
  } else {
    // The first row's casts type the VALUES columns on PostgreSQL.
    for (std::size_t done = 0; done < write.size();) {
      const std::size_t n = NextBatch(write.size() - done, kBatch);
      std::vector<Value> p;
      p.reserve(n * 5 + 1);
      for (std::size_t i = done; i < done + n; ++i) {
        PickedVersion& v = versions.at(write[i].value());
        p.emplace_back(write[i].value());
        p.emplace_back(LinesText(v.now.lines));
        p.push_back(EnumText(v.now.state));
        p.emplace_back(v.now.updated_at.micros());
        p.emplace_back(std::move(v.before));
      }
      std::string values = "(CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT), ?)";
      if (n > 1) values += ", " + RowPlaceholders(n - 1, 5);
      p.emplace_back(tenant.value());
      XB_ASSIGN_OR_RETURN(
          auto written,
          c_.Query("WITH d (id, lines, state, updated_at, old_lines) AS (VALUES " + values +
                       ") UPDATE inventory_reservation SET lines = d.lines, state = d.state, "
                       "updated_at = d.updated_at FROM d WHERE inventory_reservation.tenant_id = "
                       "? AND inventory_reservation.id = d.id AND inventory_reservation.lines "
                       "COLLATE \"C\" = d.old_lines COLLATE \"C\" AND "
                       "inventory_reservation.state = 'active' RETURNING inventory_reservation.id",
                   p));
      if (written.size() != n) {
        std::set<std::int64_t> hit;
        for (const auto& r : written) hit.insert(AsInt(r[0]));
        for (std::size_t i = done; i < done + n; ++i) {
          if (hit.count(write[i].value()) == 0) XB_RETURN_IF_ERROR(changed_meanwhile(write[i]));
        }
      }
      done += n;
    }
  }
  return Status::Ok();
}

Status SqlInventoryStore::AddPickedBatch(TenantId tenant,
                                         std::span<const inventory::InventoryStore::Pick> picks) {
  if (picks.empty()) return Status::Ok();
  if (picks.size() == 1 && picks.front().seen == nullptr) {
    const auto& one = picks.front();
    return AddPicked(tenant, one.id, one.lot, one.qty, one.at);
  }
  // Every reservation once: as the caller saw it stored, or else read (only what a pick
  // changes); the picks applied in order in memory; each changed reservation written once, on
  // the condition that it is still as seen or read (as AddPicked does). Seen versions that
  // turn out to have changed are read and done again.
  std::vector<inventory::ReservationId> ids;
  ids.reserve(picks.size());
  for (const auto& pick : picks) {
    if (pick.qty <= 0) return InvalidArgument("quantity: must be greater than 0", "quantity");
    ids.push_back(pick.id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  PickedVersions versions;
  versions.reserve(ids.size());
  for (const auto& pick : picks) {
    const Reservation* seen = pick.seen;
    if (seen == nullptr || seen->id != pick.id || seen->tenant_id != tenant) continue;
    if (versions.count(pick.id.value()) > 0) continue;
    PickedVersion v;
    v.now.id = seen->id;
    v.now.tenant_id = tenant;
    v.now.lines = seen->lines;
    v.now.state = seen->state;
    v.before = LinesText(seen->lines);
    v.seen = true;
    versions.emplace(pick.id.value(), std::move(v));
  }
  std::vector<inventory::ReservationId> unread;
  for (const auto id : ids) {
    if (versions.count(id.value()) == 0) unread.push_back(id);
  }
  XB_RETURN_IF_ERROR(ReadForPicking(tenant, unread, versions));
  std::vector<inventory::ReservationId> stale;
  XB_RETURN_IF_ERROR(WritePicks(tenant, picks, ids, versions, stale));
  if (stale.empty()) return Status::Ok();
  std::sort(stale.begin(), stale.end());
  for (const auto id : stale) versions.erase(id.value());
  XB_RETURN_IF_ERROR(ReadForPicking(tenant, stale, versions));
  std::vector<inventory::ReservationId> none;  // read versions are never stale
  return WritePicks(tenant, picks, stale, versions, none);
}

Result<std::vector<inventory::InventoryStore::PoolStock>> SqlInventoryStore::LoadAvailableStock() {
  XB_ASSIGN_OR_RETURN(
      auto rows,
      c_.Query("SELECT b.tenant_id, b.warehouse_id, b.sku_id, b.owner, b.lot_id, l.expiry_date, "
               "SUM(b.on_hand) FROM inventory_balance b LEFT JOIN inventory_lot l ON "
               "l.tenant_id = b.tenant_id AND l.id = b.lot_id WHERE b.state = 'available' AND "
               "b.on_hand > 0 GROUP BY b.tenant_id, b.warehouse_id, b.sku_id, b.owner, b.lot_id, "
               "l.expiry_date ORDER BY b.tenant_id, b.warehouse_id, b.sku_id, b.owner, b.lot_id",
               {}));
  std::vector<PoolStock> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back(
        {inventory::PoolKey{TenantId(AsInt(r[0])), AsInt(r[1]), AsInt(r[2]), r[3].value_or("")},
         LotId(AsInt(r[4])), AsOptDate(r[5]), AsInt(r[6])});
  }
  return out;
}

Result<std::vector<Reservation>> SqlInventoryStore::LoadActiveReservations() {
  XB_ASSIGN_OR_RETURN(auto rows, c_.Query("SELECT " + std::string(kReservationColumns) +
                                              " FROM inventory_reservation WHERE "
                                              "state = 'active' ORDER BY id",
                                          {}));
  std::vector<Reservation> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(DecodeReservation(r));
  return out;
}

Result<std::int64_t> SqlInventoryStore::MaxReservationId() {
  XB_ASSIGN_OR_RETURN(auto rows,
                      c_.Query("SELECT COALESCE(MAX(id), 0) FROM inventory_reservation", {}));
  return AsInt(rows.at(0)[0]);
}

}  // namespace xb::sql
