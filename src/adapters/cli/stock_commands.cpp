#include "adapters/cli/stock_commands.h"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "adapters/http/inventory_routes.h"
#include "core/record.h"
#include "core/text.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_service.h"

namespace xb::cli {
namespace {

using nlohmann::json;

access::Principal CliPrincipal(std::int64_t tenant) {
  return {TenantId(tenant), access::ApiKeyId(0), access::Role::kAdmin, "command line"};
}

// A record named by id ("12") or by code ("WH-SYD"); kNotFound naming the option otherwise.
template <class R>
Result<R> Resolve(store::Database& db, std::int64_t tenant, const std::string& name,
                  const std::string& option) {
  XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  auto& records = store::Records<R>(*tx);
  const std::string kind(R::Spec().kind);
  if (IsAllDigits(name) && !name.empty()) {
    if (auto id = ParseInt64(name)) {
      auto by_id = records.Get(TenantId(tenant), *id);
      if (by_id.ok() || by_id.status().code() != ErrorCode::kNotFound) return by_id;
    }
  }
  auto by_code = records.GetByCode(TenantId(tenant), 0, name);
  if (by_code.ok() || by_code.status().code() != ErrorCode::kNotFound) return by_code;
  return NotFound(option + ": no " + kind + " with code or id '" + name + "'");
}

// Codes of records by id, looked up once each.
template <class R>
class Codes {
 public:
  Codes(store::Database& db, std::int64_t tenant) : db_(db), tenant_(tenant) {}
  std::string operator()(std::int64_t id) {
    auto it = codes_.find(id);
    if (it == codes_.end()) {
      std::string code = std::to_string(id);
      if (auto tx = db_.Begin(store::TxMode::kRead); tx.ok()) {
        if (auto rec = store::Records<R>(**tx).Get(TenantId(tenant_), id); rec.ok()) {
          code = rec->code;
        }
      }
      it = codes_.emplace(id, std::move(code)).first;
    }
    return it->second;
  }

 private:
  store::Database& db_;
  std::int64_t tenant_;
  std::map<std::int64_t, std::string> codes_;
};

std::string Cell(std::string text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

std::string Num(std::int64_t n, std::size_t width = 10) {
  return Cell(std::to_string(n), width, true);
}

std::string PlaceText(const std::optional<inventory::Place>& p, Codes<partners::Bin>& bins) {
  if (!p) return "-";
  return bins(p->bin_id) + "/" +
         std::string(inventory::EnumChoices(p->state)[static_cast<std::size_t>(p->state)]);
}

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

// A refusal naming a request field ("days: must be 0..36500") as the command's option names it
// ("--days: must be 0..36500").
Status AsOption(const Status& st) {
  if (st.code() != ErrorCode::kInvalidArgument || st.field().empty()) return st;
  std::string option = "--" + st.field();
  for (char& c : option) c = c == '_' ? '-' : c;
  if (st.message().rfind(st.field() + ":", 0) == 0) {
    return InvalidArgument(option + st.message().substr(st.field().size()));
  }
  return InvalidArgument(option + ": " + st.message());
}

// A date option: YYYY-MM-DD; empty: absent.
Result<std::optional<Date>> DateOption(const std::string& text, const std::string& option) {
  if (text.empty()) return std::optional<Date>();
  auto d = Date::ParseIso8601(text);
  if (!d.ok()) return InvalidArgument(option + ": must be a date like 2026-11-25");
  return std::optional<Date>(*d);
}

// A time option: RFC 3339, or a date, which stands for the start of that day (UTC), or with
// `end_of_day` for its end (the start of the next day), as the API reads them; empty: absent.
Result<std::optional<Timestamp>> TimeOption(const std::string& text, const std::string& option,
                                            bool end_of_day) {
  if (text.empty()) return std::optional<Timestamp>();
  if (auto d = Date::ParseIso8601(text); d.ok()) {
    const Date day = end_of_day ? d->AddDays(1) : *d;
    return std::optional<Timestamp>(
        Timestamp::FromMicros(std::int64_t{day.days()} * kMicrosPerDay));
  }
  auto t = Timestamp::ParseIso8601(text);
  if (!t.ok()) {
    return InvalidArgument(option + ": must be a time like 2026-11-25T08:30:00Z or a date");
  }
  return std::optional<Timestamp>(*t);
}

// A lot named by id, or by number: of `sku_id` when given, otherwise the one lot of that number.
Result<inventory::LotId> ResolveLot(store::Database& db, std::int64_t tenant,
                                    const std::string& name, std::optional<std::int64_t> sku_id,
                                    const std::string& option) {
  XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  auto& lots = tx->inventory();
  if (IsAllDigits(name)) {
    if (auto id = ParseInt64(name)) {
      auto by_id = lots.GetLot(TenantId(tenant), inventory::LotId(*id));
      if (by_id.ok() && (!sku_id || by_id->sku_id == *sku_id)) return by_id->id;
      if (!by_id.ok() && by_id.status().code() != ErrorCode::kNotFound) return by_id.status();
    }
  }
  if (sku_id) {
    XB_ASSIGN_OR_RETURN(auto found, lots.FindLot(TenantId(tenant), *sku_id, name));
    if (found) return found->id;
    return NotFound(option + ": the SKU has no lot '" + name + "'");
  }
  inventory::LotQuery q;
  q.lot_number = name;
  q.limit = 2;
  XB_ASSIGN_OR_RETURN(auto page, lots.ListLots(TenantId(tenant), q));
  if (page.first.empty()) return NotFound(option + ": no lot with number or id '" + name + "'");
  if (page.first.size() > 1) {
    return InvalidArgument(option + ": lot number '" + name +
                           "' is used by several SKUs; name the SKU with --sku");
  }
  return page.first.front().id;
}

// The warehouse, SKU, owner and lot filters shared by the balance listings.
struct PlaceFilter {
  std::optional<std::int64_t> warehouse_id;
  std::optional<std::int64_t> sku_id;
  std::optional<std::string> owner;
  std::optional<inventory::LotId> lot_id;
};

Result<PlaceFilter> ResolveFilter(store::Database& db, std::int64_t tenant,
                                  const std::string& warehouse, const std::string& sku,
                                  const std::string& owner, const std::string& lot) {
  PlaceFilter f;
  if (!warehouse.empty()) {
    XB_ASSIGN_OR_RETURN(auto w, Resolve<partners::Warehouse>(db, tenant, warehouse, "--warehouse"));
    f.warehouse_id = w.id.value();
  }
  if (!sku.empty()) {
    XB_ASSIGN_OR_RETURN(auto s, Resolve<catalog::Sku>(db, tenant, sku, "--sku"));
    f.sku_id = s.id.value();
  }
  if (!owner.empty()) f.owner = owner;
  if (!lot.empty()) {
    XB_ASSIGN_OR_RETURN(f.lot_id, ResolveLot(db, tenant, lot, f.sku_id, "--lot"));
  }
  return f;
}

inventory::BalanceQuery BalanceQueryOf(const PlaceFilter& f) {
  inventory::BalanceQuery q;
  q.warehouse_id = f.warehouse_id;
  q.sku_id = f.sku_id;
  q.owner = f.owner;
  q.lot_id = f.lot_id;
  return q;
}

// One table row per balance (extra columns after on hand from `more`).
template <class Extra>
std::string BalanceTable(store::Database& db, std::int64_t tenant,
                         const std::vector<inventory::Balance>& balances,
                         const std::string& extra_header, const Extra& more) {
  Codes<partners::Warehouse> warehouses(db, tenant);
  Codes<partners::Bin> bins(db, tenant);
  Codes<catalog::Sku> skus(db, tenant);
  std::ostringstream out;
  out << "warehouse        bin          sku                  lot              expiry      "
         "owner      state            on_hand"
      << extra_header << "\n";
  for (std::size_t i = 0; i < balances.size(); ++i) {
    const auto& b = balances[i];
    out << Cell(warehouses(b.key.warehouse_id), 16) << " " << Cell(bins(b.key.bin_id), 12) << " "
        << Cell(skus(b.key.sku_id), 20) << " "
        << Cell(b.lot_number.empty() ? "-" : b.lot_number, 16) << " "
        << Cell(b.expiry_date ? b.expiry_date->ToIso8601() : "-", 11) << " "
        << Cell(b.key.owner, 10) << " "
        << Cell(std::string(
                    inventory::EnumChoices(b.key.state)[static_cast<std::size_t>(b.key.state)]),
                12)
        << Num(b.on_hand, 11) << more(i) << "\n";
  }
  return out.str();
}

}  // namespace

Result<std::string> RunStock(store::Database& db, const Clock& clock, const StockOptions& options) {
  inventory_flow::StockService stock(db, clock);
  XB_ASSIGN_OR_RETURN(const PlaceFilter filter,
                      ResolveFilter(db, options.tenant, options.warehouse, options.sku,
                                    options.owner, options.lot));
  XB_ASSIGN_OR_RETURN(const auto before, DateOption(options.expires_before, "--expires-before"));
  XB_ASSIGN_OR_RETURN(const auto after, DateOption(options.expires_after, "--expires-after"));
  std::ostringstream out;
  if (filter.lot_id || before || after) {
    // The summary has no lot: list the balances per bin and lot.
    inventory::BalanceQuery bq = BalanceQueryOf(filter);
    bq.expires_before = before;
    bq.expires_after = after;
    auto balances = stock.ExportBalances(CliPrincipal(options.tenant), bq);
    if (!balances.ok()) return AsOption(balances.status());
    if (options.json) {
      json items = json::array();
      for (const auto& b : *balances) items.push_back(http::BalanceToJson(b));
      out << json{{"items", items}, {"total", balances->size()}}.dump() << "\n";
      return out.str();
    }
    out << BalanceTable(db, options.tenant, *balances, "",
                        [](std::size_t) { return std::string(); });
    out << balances->size() << " balance(s)\n";
    return out.str();
  }
  inventory_flow::SummaryQuery q;
  q.warehouse_id = filter.warehouse_id;
  q.sku_id = filter.sku_id;
  q.owner = filter.owner;
  auto exported = stock.ExportSummary(CliPrincipal(options.tenant), q);
  if (!exported.ok()) return AsOption(exported.status());
  const auto& rows = *exported;
  if (options.json) {
    json items = json::array();
    for (const auto& r : rows) items.push_back(http::SummaryToJson(r));
    out << json{{"items", items}, {"total", rows.size()}}.dump() << "\n";
    return out.str();
  }
  Codes<partners::Warehouse> warehouses(db, options.tenant);
  Codes<catalog::Sku> skus(db, options.tenant);
  out << "warehouse        sku                  owner          on_hand  reserved available      "
         "held    picked   inbound in_transit projected\n";
  for (const auto& r : rows) {
    out << Cell(warehouses(r.warehouse_id), 16) << " " << Cell(skus(r.sku_id), 20) << " "
        << Cell(r.owner, 10) << Num(r.on_hand, 11) << Num(r.reserved) << Num(r.available)
        << Num(r.held) << Num(r.picked) << Num(r.inbound) << Num(r.in_transit, 11)
        << Num(r.projected) << "\n";
  }
  out << rows.size() << " row(s)\n";
  return out.str();
}

Result<std::string> RunStockCard(store::Database& db, const Clock& clock,
                                 const StockCardOptions& options) {
  inventory_flow::StockService stock(db, clock);
  XB_ASSIGN_OR_RETURN(auto sku, Resolve<catalog::Sku>(db, options.tenant, options.sku, "SKU"));
  inventory_flow::StockCardQuery q;
  q.sku_id = sku.id.value();
  if (!options.warehouse.empty()) {
    XB_ASSIGN_OR_RETURN(
        auto w, Resolve<partners::Warehouse>(db, options.tenant, options.warehouse, "--warehouse"));
    q.warehouse_id = w.id.value();
  }
  if (!options.owner.empty()) q.owner = options.owner;
  XB_ASSIGN_OR_RETURN(q.from, TimeOption(options.from, "--from", false));
  XB_ASSIGN_OR_RETURN(q.to, TimeOption(options.to, "--to", true));
  auto exported = stock.ExportCard(CliPrincipal(options.tenant), q);
  if (!exported.ok()) return AsOption(exported.status());
  const auto& card = *exported;
  std::ostringstream out;
  if (options.json) {
    out << http::CardToJson(card).dump() << "\n";
    return out.str();
  }
  Codes<partners::Bin> bins(db, options.tenant);
  out << "stock card of " << sku.code << " (" << sku.name << ")";
  if (!options.warehouse.empty()) out << " in " << options.warehouse;
  if (!options.owner.empty()) out << " of owner " << options.owner;
  if (q.from) out << " from " << q.from->ToIso8601();
  if (q.to) out << " until " << q.to->ToIso8601();
  out << "\nopening balance " << card.opening_balance << "\n";
  out << "      id  at                          reason        from              to               "
         "   change   balance  reference\n";
  for (const auto& line : card.items) {
    const auto& m = line.movement;
    const std::string change =
        (line.signed_quantity > 0 ? "+" : "") + std::to_string(line.signed_quantity);
    out << Num(m.id, 8) << "  " << Cell(m.at.ToIso8601(), 27) << " "
        << Cell(std::string(inventory::EnumChoices(m.reason)[static_cast<std::size_t>(m.reason)]),
                13)
        << " " << Cell(PlaceText(m.from, bins), 17) << " " << Cell(PlaceText(m.to, bins), 17)
        << Cell(change, 8, true) << Num(line.running_balance) << "  " << m.ref_type
        << (m.ref_id.empty() ? "" : " " + m.ref_id) << "\n";
  }
  out << card.items.size() << " movement(s), closing balance "
      << (card.items.empty() ? card.opening_balance : card.items.back().running_balance) << "\n";
  return out.str();
}

Result<std::string> RunStockAsOf(store::Database& db, const Clock& clock,
                                 const StockAsOfOptions& options) {
  inventory_flow::StockService stock(db, clock);
  if (options.at.empty()) return InvalidArgument("--at: is required");
  XB_ASSIGN_OR_RETURN(const auto at, TimeOption(options.at, "--at", true));  // a date: its end
  XB_ASSIGN_OR_RETURN(const PlaceFilter filter,
                      ResolveFilter(db, options.tenant, options.warehouse, options.sku,
                                    options.owner, options.lot));
  auto exported = stock.ExportAsOf(CliPrincipal(options.tenant), BalanceQueryOf(filter), *at);
  if (!exported.ok()) return AsOption(exported.status());
  const auto& balances = *exported;
  std::ostringstream out;
  if (options.json) {
    json items = json::array();
    for (const auto& b : balances) items.push_back(http::BalanceToJson(b));
    out << json{{"at", at->ToIso8601()}, {"items", items}, {"total", balances.size()}}.dump()
        << "\n";
    return out.str();
  }
  out << "stock as of " << at->ToIso8601() << " (just before)\n";
  out << BalanceTable(db, options.tenant, balances, "", [](std::size_t) { return std::string(); });
  out << balances.size() << " balance(s)\n";
  return out.str();
}

Result<std::string> RunStockExpiring(store::Database& db, const Clock& clock,
                                     const StockExpiringOptions& options) {
  inventory_flow::StockService stock(db, clock);
  XB_ASSIGN_OR_RETURN(const PlaceFilter filter, ResolveFilter(db, options.tenant, options.warehouse,
                                                              options.sku, options.owner, ""));
  inventory_flow::ExpiringQuery q;
  q.warehouse_id = filter.warehouse_id;
  q.sku_id = filter.sku_id;
  q.owner = filter.owner;
  q.days = options.days;
  auto report = stock.ExportExpiring(CliPrincipal(options.tenant), q);
  if (!report.ok()) return AsOption(report.status());
  std::ostringstream out;
  if (options.json) {
    json items = json::array();
    for (const auto& line : report->items) {
      json j = http::BalanceToJson(line.balance);
      j["days_left"] = line.days_left;
      j["status"] = line.expired ? "expired" : "near_expiry";
      items.push_back(std::move(j));
    }
    out << json{{"today", report->today.ToIso8601()},
                {"days", q.days},
                {"items", items},
                {"total", report->total}}
               .dump()
        << "\n";
    return out.str();
  }
  std::vector<inventory::Balance> balances;
  balances.reserve(report->items.size());
  for (const auto& line : report->items) balances.push_back(line.balance);
  out << "expired and near-expiry stock (within " << q.days << " days of "
      << report->today.ToIso8601() << "; a lot is usable through its expiry date)\n";
  out << BalanceTable(
      db, options.tenant, balances, "  days_left  status", [&report](std::size_t i) {
        const auto& line = report->items[i];
        return Num(line.days_left, 11) + "  " + (line.expired ? "expired" : "near_expiry");
      });
  out << report->total << " balance(s)\n";
  return out.str();
}

Result<std::string> RunReserve(store::Database& db, const Clock& clock,
                               const ReserveOptions& options) {
  XB_ASSIGN_OR_RETURN(auto warehouse, Resolve<partners::Warehouse>(
                                          db, options.tenant, options.warehouse, "--warehouse"));
  XB_ASSIGN_OR_RETURN(auto sku, Resolve<catalog::Sku>(db, options.tenant, options.sku, "--sku"));
  inventory_flow::ReservationEngine engine(db, clock);
  XB_RETURN_IF_ERROR(engine.Start());
  inventory_flow::StockService stock(db, clock, &engine);
  inventory_flow::RequestContext ctx{CliPrincipal(options.tenant), "cli", std::nullopt, ""};
  if (!options.key.empty()) ctx.idempotency_key = options.key;
  inventory_flow::ReserveDraft draft;
  draft.warehouse_id = warehouse.id.value();
  draft.sku_id = sku.id.value();
  draft.owner = options.owner;
  draft.quantity = options.quantity;
  draft.order_ref = options.order_ref;
  draft.hold_seconds = options.hold_seconds;
  draft.min_remaining_days = options.min_remaining_days;
  auto answer = stock.Reserve(ctx, draft);
  engine.Stop();
  if (!answer.ok()) return answer.status();
  const auto& r = answer->reservation;
  std::ostringstream out;
  if (options.json) {
    json j = http::ReservationToJson(r);
    j["replayed"] = answer->replayed;
    out << j.dump() << "\n";
    return out.str();
  }
  out << (answer->replayed ? "already reserved: " : "reserved: ") << "reservation " << r.id.value()
      << ", " << r.Quantity() << " of " << sku.code << " in " << warehouse.code << " for "
      << r.order_ref << " (";
  bool first = true;
  for (const auto& line : r.lines) {
    out << (first ? "" : ", ") << "lot " << line.lot_id.value() << ": " << line.quantity;
    first = false;
  }
  out << ")";
  if (r.expires_at) out << ", lapses at " << r.expires_at->ToIso8601();
  out << "\n";
  return out.str();
}

}  // namespace xb::cli
