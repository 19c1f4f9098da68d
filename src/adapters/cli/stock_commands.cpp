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

}  // namespace

Result<std::string> RunStock(store::Database& db, const Clock& clock, const StockOptions& options) {
  inventory_flow::StockService stock(db, clock);
  inventory_flow::SummaryQuery q;
  if (!options.warehouse.empty()) {
    XB_ASSIGN_OR_RETURN(
        auto w, Resolve<partners::Warehouse>(db, options.tenant, options.warehouse, "--warehouse"));
    q.warehouse_id = w.id.value();
  }
  if (!options.sku.empty()) {
    XB_ASSIGN_OR_RETURN(auto s, Resolve<catalog::Sku>(db, options.tenant, options.sku, "--sku"));
    q.sku_id = s.id.value();
  }
  std::vector<inventory_flow::StockSummary> rows;
  q.limit = kMaxPageSize;
  for (q.offset = 0;; q.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, stock.Summary(CliPrincipal(options.tenant), q));
    for (auto& r : page.first) rows.push_back(std::move(r));
    if (page.first.empty() || q.offset + kMaxPageSize >= page.second) break;
  }
  std::ostringstream out;
  if (options.json) {
    json items = json::array();
    for (const auto& r : rows) items.push_back(http::SummaryToJson(r));
    out << json{{"items", items}, {"total", rows.size()}}.dump() << "\n";
    return out.str();
  }
  Codes<partners::Warehouse> warehouses(db, options.tenant);
  Codes<catalog::Sku> skus(db, options.tenant);
  out << "warehouse        sku                  owner          on_hand  reserved available      "
         "held    picked   inbound projected\n";
  for (const auto& r : rows) {
    out << Cell(warehouses(r.warehouse_id), 16) << " " << Cell(skus(r.sku_id), 20) << " "
        << Cell(r.owner, 10) << Num(r.on_hand, 11) << Num(r.reserved) << Num(r.available)
        << Num(r.held) << Num(r.picked) << Num(r.inbound) << Num(r.projected) << "\n";
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
  q.limit = kMaxPageSize;
  inventory_flow::StockCard card;
  bool first = true;
  for (;;) {
    XB_ASSIGN_OR_RETURN(auto page, stock.Card(CliPrincipal(options.tenant), q));
    if (first) card.opening_balance = page.opening_balance;
    first = false;
    card.sku_id = page.sku_id;
    for (auto& line : page.items) card.items.push_back(std::move(line));
    if (!page.next_after_id) break;
    q.after_id = *page.next_after_id;
  }
  std::ostringstream out;
  if (options.json) {
    out << http::CardToJson(card).dump() << "\n";
    return out.str();
  }
  Codes<partners::Bin> bins(db, options.tenant);
  out << "stock card of " << sku.code << " (" << sku.name << ")";
  if (!options.warehouse.empty()) out << " in " << options.warehouse;
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
