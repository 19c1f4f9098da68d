#include "flows/customs/return_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/money.h"
#include "core/record_field.h"
#include "domain/customs/rules.h"
#include "flows/customs/support.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_posting.h"

namespace xb::customs_flow {

using customs::Return;
using customs::ReturnState;
using customs::RuleKind;

std::int64_t ProportionalShare(std::int64_t total, std::int64_t done, std::int64_t of) {
  if (of <= 0 || done <= 0) return 0;
  if (done >= of) return total;
  const Int128 product = static_cast<Int128>(total) * done;
  Int128 q = product / of;
  if (product % of != 0 && product < 0) --q;  // floor for negative totals too
  return static_cast<std::int64_t>(q);
}

ReturnService::ReturnService(store::Database& db, const Clock& clock,
                             inventory_flow::ReservationEngine* engine,
                             QuotaRestored quota_restored, GoodsCapRestored goods_cap_restored)
    : db_(db),
      clock_(clock),
      engine_(engine),
      quota_restored_(std::move(quota_restored)),
      goods_cap_restored_(std::move(goods_cap_restored)) {}

namespace {

Result<std::int64_t> DaysRule(const customs::RuleBook& book, RuleKind kind, Date on) {
  const customs::RuleRow* row = book.Find(kind, "", on);
  if (row == nullptr || !row->quantity) {
    return FailedPrecondition(
        "no " + std::string(EnumName(kind)) + " rule in force on " + on.ToIso8601(),
        std::string(EnumName(kind)));
  }
  return *row->quantity;
}

std::int64_t LineTax(const orders::OrderLine& line) {
  return line.tariff_fen + line.consumption_tax_fen + line.vat_fen;
}

// The declaration of the shipment a set of order lines belongs to.
Result<customs::Declaration> DeclarationOf(store::Transaction& tx, TenantId tenant,
                                           const orders::Order& order,
                                           const std::string& shipment_ref) {
  customs::DeclarationQuery q;
  q.order_id = order.id.value();
  q.limit = 500;
  XB_ASSIGN_OR_RETURN(auto page, tx.customs().ListDeclarations(tenant, q));
  std::optional<customs::Declaration> best;
  for (auto& d : page.first) {
    if (d.shipment_ref != shipment_ref) continue;
    if (!best || d.state == customs::DeclarationState::kReleased) best = std::move(d);
  }
  if (!best) {
    return FailedPrecondition("shipment " + shipment_ref + " of order " +
                                  std::to_string(order.id.value()) + " has no declaration",
                              "released");
  }
  return std::move(*best);
}

}  // namespace

Result<Return> ReturnService::Request(const RequestContext& ctx, const ReturnDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kWriteOrders));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.order_id <= 0) return InvalidArgument("order_id: is required", "order_id");
  if (draft.reason.empty() || draft.reason.size() > 500) {
    return InvalidArgument("reason: 1 to 500 characters", "reason");
  }
  if (draft.lines.empty()) return InvalidArgument("lines: name at least one line", "lines");
  const Timestamp now = clock_.Now();
  const Date on = draft.on.value_or(Date::OfTimestamp(now));

  return internal::RetryOnConflict([&]() -> Result<Return> {
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto order, tx->orders().GetOrder(tenant, orders::OrderId(draft.order_id)));

    std::set<std::int64_t> seen;
    std::string shipment_ref;
    std::vector<std::pair<orders::OrderLine*, std::int64_t>> picked;
    for (std::size_t i = 0; i < draft.lines.size(); ++i) {
      const auto& dl = draft.lines[i];
      const std::string where = "lines[" + std::to_string(i) + "]";
      auto it = std::find_if(order.lines.begin(), order.lines.end(),
                             [&](const orders::OrderLine& l) { return l.line_no == dl.line_no; });
      if (it == order.lines.end()) {
        return InvalidArgument(where + ".line_no: order " + std::to_string(draft.order_id) +
                                   " has no line " + std::to_string(dl.line_no),
                               where + ".line_no");
      }
      if (!seen.insert(dl.line_no).second) {
        return InvalidArgument(
            where + ".line_no: line " + std::to_string(dl.line_no) + " is named twice",
            where + ".line_no");
      }
      if (dl.quantity <= 0) {
        return InvalidArgument(where + ".quantity: must be greater than 0", where + ".quantity");
      }
      if (it->mode == orders::Mode::kBackorder) {
        return FailedPrecondition(
            where + ": line " + std::to_string(dl.line_no) + " was never shipped (backorder)",
            "released");
      }
      if (shipment_ref.empty()) shipment_ref = it->shipment_ref;
      if (it->shipment_ref != shipment_ref) {
        return InvalidArgument(where + ".line_no: a return covers the lines of one shipment (" +
                                   shipment_ref + "), not " + it->shipment_ref,
                               where + ".line_no");
      }
      const std::int64_t left = it->quantity - it->returned_quantity;
      if (dl.quantity > left) {
        return FailedPrecondition(where + ".quantity: " + std::to_string(dl.quantity) + " asked, " +
                                      std::to_string(left) + " left to return",
                                  where + ".quantity");
      }
      picked.emplace_back(&*it, dl.quantity);
    }

    XB_ASSIGN_OR_RETURN(auto decl, DeclarationOf(*tx, tenant, order, shipment_ref));
    if (decl.state != customs::DeclarationState::kReleased || !decl.released_at) {
      return FailedPrecondition("declaration " + decl.list.list_no + " is " +
                                    std::string(EnumName(decl.state)) +
                                    ": only released goods can be returned",
                                "released");
    }
    XB_ASSIGN_OR_RETURN(auto book, internal::LoadRuleBook(*tx, tenant));
    const Date released_on = Date::OfTimestamp(*decl.released_at);
    XB_ASSIGN_OR_RETURN(auto apply_days, DaysRule(book, RuleKind::kReturnApplyDays, released_on));
    XB_ASSIGN_OR_RETURN(auto arrive_days, DaysRule(book, RuleKind::kReturnArriveDays, released_on));
    XB_RETURN_IF_ERROR(customs::CheckReturnApply(*decl.released_at, on, apply_days));

    Return r;
    r.tenant_id = tenant;
    r.order_id = order.id.value();
    r.declaration_id = decl.id;
    r.state = ReturnState::kRequested;
    r.reason = draft.reason;
    r.requested_at = now;
    r.apply_by = released_on.AddDays(static_cast<std::int32_t>(apply_days));
    r.arrive_by = released_on.AddDays(static_cast<std::int32_t>(arrive_days));
    r.created_at = now;
    r.updated_at = now;
    std::int64_t value = 0;
    std::int64_t tax = 0;
    for (auto& [line, qty] : picked) {
      customs::ReturnLine rl;
      rl.order_line_id = line->id;
      rl.quantity = qty;
      const std::int64_t before = line->returned_quantity;
      rl.value_fen = ProportionalShare(line->dutiable_fen, before + qty, line->quantity) -
                     ProportionalShare(line->dutiable_fen, before, line->quantity);
      rl.tax_fen = ProportionalShare(LineTax(*line), before + qty, line->quantity) -
                   ProportionalShare(LineTax(*line), before, line->quantity);
      value += rl.value_fen;
      tax += rl.tax_fen;
      line->returned_quantity += qty;
      r.lines.push_back(std::move(rl));
    }
    XB_ASSIGN_OR_RETURN(r, tx->customs().InsertReturn(std::move(r)));
    order.updated_at = now;
    std::vector<orders::OrderEvent> timeline{
        internal::Note(order,
                       "return " + std::to_string(r.id.value()) + " requested: value " +
                           customs::FenToString(value) + ", tax to reverse " +
                           customs::FenToString(tax) + ", goods due by " + r.arrive_by.ToIso8601(),
                       now)};
    XB_RETURN_IF_ERROR(tx->orders().UpdateOrder(order));
    XB_RETURN_IF_ERROR(tx->orders().AppendEvents(timeline));
    nlohmann::json payload{{"order_id", r.order_id},
                           {"declaration_id", r.declaration_id.value()},
                           {"value", customs::FenToString(value)},
                           {"tax", customs::FenToString(tax)}};
    XB_RETURN_IF_ERROR(internal::AppendEvent(*tx, tenant, "customs.return.requested", "return",
                                             r.id.value(), ctx.principal.Actor(), ctx.request_id,
                                             payload.dump(), now));
    XB_RETURN_IF_ERROR(tx->Commit());
    return r;
  });
}

Result<Return> ReturnService::Receive(const RequestContext& ctx, customs::ReturnId id,
                                      const ReceiveDraft& draft) {
  if (!access::Authorize(ctx.principal, access::Action::kOperateCustoms).ok()) {
    XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kWriteInventory));
  }
  const TenantId tenant = ctx.principal.tenant_id;
  const Timestamp now = clock_.Now();
  const Date on = draft.on.value_or(Date::OfTimestamp(now));

  struct Restored {
    std::vector<customs::QuotaEntry> quota;
    std::vector<customs::GoodsCapEntry> caps;
  } restored;
  auto received = internal::RetryOnConflict([&]() -> Result<Return> {
    restored.quota.clear();
    restored.caps.clear();
    XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
    XB_ASSIGN_OR_RETURN(auto r, tx->customs().GetReturn(tenant, id));
    if (r.state != ReturnState::kRequested) {
      return FailedPrecondition("return " + std::to_string(id.value()) + " is " +
                                    std::string(EnumName(r.state)) + ", not requested",
                                "state");
    }
    XB_ASSIGN_OR_RETURN(auto order, tx->orders().GetOrder(tenant, orders::OrderId(r.order_id)));
    XB_ASSIGN_OR_RETURN(auto decl, tx->customs().GetDeclaration(tenant, r.declaration_id));
    if (!decl.released_at) {
      return FailedPrecondition("declaration " + decl.list.list_no + " was never released",
                                "released");
    }
    XB_ASSIGN_OR_RETURN(auto book, internal::LoadRuleBook(*tx, tenant));
    XB_ASSIGN_OR_RETURN(auto arrive_days, DaysRule(book, RuleKind::kReturnArriveDays,
                                                   Date::OfTimestamp(*decl.released_at)));
    XB_RETURN_IF_ERROR(customs::CheckReturnArrival(*decl.released_at, on, arrive_days));

    // Every returned line named once.
    std::map<std::int64_t, const ReturnArrival*> arrivals;  // by order line id
    for (std::size_t i = 0; i < draft.lines.size(); ++i) {
      const auto& a = draft.lines[i];
      const std::string where = "lines[" + std::to_string(i) + "]";
      auto ol = std::find_if(order.lines.begin(), order.lines.end(),
                             [&](const orders::OrderLine& l) { return l.line_no == a.line_no; });
      const bool in_return =
          ol != order.lines.end() &&
          std::any_of(r.lines.begin(), r.lines.end(),
                      [&](const customs::ReturnLine& rl) { return rl.order_line_id == ol->id; });
      if (!in_return) {
        return InvalidArgument(where + ".line_no: line " + std::to_string(a.line_no) +
                                   " is not in return " + std::to_string(id.value()),
                               where + ".line_no");
      }
      if (!arrivals.emplace(ol->id, &a).second) {
        return InvalidArgument(
            where + ".line_no: line " + std::to_string(a.line_no) + " is named twice",
            where + ".line_no");
      }
    }
    for (const auto& rl : r.lines) {
      if (!arrivals.contains(rl.order_line_id)) {
        auto ol =
            std::find_if(order.lines.begin(), order.lines.end(),
                         [&](const orders::OrderLine& l) { return l.id == rl.order_line_id; });
        return InvalidArgument("lines: line " +
                                   std::to_string(ol != order.lines.end() ? ol->line_no : 0) +
                                   " of the return is not named",
                               "lines");
      }
    }

    std::int64_t min_days = 0;
    if (order.channel_id > 0) {
      auto channel = tx->channels().Get(tenant, order.channel_id);
      if (channel.ok() && channel->min_remaining_shelf_life_days) {
        min_days = *channel->min_remaining_shelf_life_days;
      }
    }

    std::vector<inventory::Movement> movements;
    std::vector<customs::AccountEntry> entries;
    std::map<std::int64_t, std::optional<partners::Warehouse>> warehouses;
    std::int64_t value = 0;
    std::int64_t tax = 0;
    int reshelved = 0;
    int quarantined = 0;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
      auto& rl = r.lines[i];
      const ReturnArrival& a = *arrivals.at(rl.order_line_id);
      const std::string where = "lines[" + std::to_string(i) + "]";
      auto ol = std::find_if(order.lines.begin(), order.lines.end(),
                             [&](const orders::OrderLine& l) { return l.id == rl.order_line_id; });
      auto bin = tx->bins().Get(tenant, a.bin_id);
      if (!bin.ok() && bin.status().code() != ErrorCode::kNotFound) return bin.status();
      if (!bin.ok() || bin->warehouse_id != ol->warehouse_id) {
        return InvalidArgument(where + ".bin_id: bin " + std::to_string(a.bin_id) +
                                   " is not in warehouse " + std::to_string(ol->warehouse_id),
                               where + ".bin_id");
      }
      // Re-inspection: a lot of this SKU, the expiry as recorded, not expired, enough shelf life.
      std::string problem;
      inventory::LotId lot_id;
      std::optional<Date> expiry = a.expiry_date;
      if (!a.lot_number.empty()) {
        XB_ASSIGN_OR_RETURN(auto lot, tx->inventory().FindLot(tenant, ol->sku_id, a.lot_number));
        if (lot) {
          lot_id = lot->id;
          if (a.expiry_date && lot->expiry_date != a.expiry_date) {
            problem = "expiry " + a.expiry_date->ToIso8601() + " differs from the lot's";
          }
          if (lot->expiry_date) expiry = lot->expiry_date;
        } else {
          inventory::Lot fresh;
          fresh.tenant_id = tenant;
          fresh.sku_id = ol->sku_id;
          fresh.lot_number = a.lot_number;
          fresh.expiry_date = a.expiry_date;
          fresh.created_at = now;
          if (Status st = inventory::Validate(fresh); !st.ok()) {
            return InvalidArgument(where + ".lot_number: " + st.message(), where + ".lot_number");
          }
          XB_ASSIGN_OR_RETURN(fresh, tx->inventory().InsertLot(std::move(fresh)));
          lot_id = fresh.id;
          problem = "lot " + a.lot_number + " is not a known lot of the SKU";
        }
      }
      if (problem.empty() && inventory::IsExpired(expiry, on)) problem = "expired";
      if (problem.empty() && !inventory::MeetsShelfLife(expiry, on, min_days)) {
        problem = "less than " + std::to_string(min_days) + " days of shelf life left";
      }
      rl.lot_number = a.lot_number;
      rl.expiry_date = expiry;
      rl.outcome = problem.empty() ? "reshelved" : "quarantined";
      (problem.empty() ? reshelved : quarantined) += 1;

      inventory::Movement m;
      m.tenant_id = tenant;
      m.sku_id = ol->sku_id;
      m.lot_id = lot_id;
      m.to = inventory::Place{
          ol->warehouse_id, a.bin_id,
          problem.empty() ? inventory::StockState::kAvailable : inventory::StockState::kQuarantine};
      m.quantity = rl.quantity;
      m.reason = inventory::MovementReason::kReturn;
      m.ref_type = "return";
      m.ref_id = std::to_string(r.id.value());
      m.actor = ctx.principal.Actor();
      m.note = problem.empty() ? "re-inspected: re-shelved" : "re-inspected: " + problem;
      m.at = now;
      movements.push_back(std::move(m));
      value += rl.value_fen;
      tax += rl.tax_fen;

      if (ol->mode == orders::Mode::kBonded1210) {
        auto& w = warehouses[ol->warehouse_id];
        if (!w) {
          XB_ASSIGN_OR_RETURN(w, tx->warehouses().Get(tenant, ol->warehouse_id));
        }
        if (w->account_book_no && !w->account_book_no->empty()) {
          customs::AccountEntry e;
          e.tenant_id = tenant;
          e.ems_no = *w->account_book_no;
          e.warehouse_id = ol->warehouse_id;
          e.sku_id = ol->sku_id;
          for (const auto& dl : decl.list.lines) {
            if (dl.sku_code == ol->sku_code) e.hs_code = dl.hs_code;
          }
          e.kind = customs::AccountEntryKind::kReturnInbound;
          e.quantity = rl.quantity;
          e.ref = "return:" + std::to_string(r.id.value());
          e.at = now;
          entries.push_back(std::move(e));
        }
      }
    }

    // The quota comes back by the returned value, at most what the order still holds.
    const int year = order.order_date.year();
    XB_ASSIGN_OR_RETURN(auto quota, tx->customs().ListQuota(tenant, order.buyer.id_type,
                                                            order.buyer.id_number, year));
    std::int64_t held = 0;
    for (const auto& q : quota) {
      if (q.order_id == order.id.value()) held += q.amount_fen;
    }
    const std::int64_t restore = std::min(held, value);
    if (restore > 0) {
      customs::QuotaEntry q;
      q.tenant_id = tenant;
      q.id_type = order.buyer.id_type;
      q.id_number = order.buyer.id_number;
      q.year = year;
      q.amount_fen = -restore;
      q.kind = customs::QuotaEntryKind::kReturn;
      q.order_id = order.id.value();
      q.ref = "return:" + std::to_string(r.id.value());
      q.at = now;
      restored.quota.push_back(std::move(q));
      XB_RETURN_IF_ERROR(tx->customs().AppendQuota(restored.quota));
    }
    // Goods-specific caps come back by each line's returned share (returned / line quantity of
    // the line's original amount, at most what the line still holds).
    XB_ASSIGN_OR_RETURN(auto caps, tx->customs().ListGoodsCapUsage(tenant, order.buyer.id_type,
                                                                   order.buyer.id_number, year));
    for (const auto& rl : r.lines) {
      for (const auto& ol : order.lines) {
        if (ol.id != rl.order_line_id) continue;
        const std::int64_t line_no[] = {ol.line_no};
        auto back = customs::GoodsCapRestores(
            caps, order.id.value(), line_no, customs::GoodsCapEntryKind::kReturn,
            "return:" + std::to_string(r.id.value()), now, rl.quantity, ol.quantity);
        restored.caps.insert(restored.caps.end(), back.begin(), back.end());
      }
    }
    if (!restored.caps.empty()) {
      XB_RETURN_IF_ERROR(tx->customs().AppendGoodsCapUsage(restored.caps));
    }

    r.state = quarantined == 0 ? ReturnState::kReshelved
              : reshelved == 0 ? ReturnState::kQuarantined
                               : ReturnState::kReceived;
    r.received_at = now;
    r.updated_at = now;
    std::vector<orders::OrderEvent> timeline;
    const std::string detail = "return " + std::to_string(r.id.value()) +
                               " received: " + std::to_string(reshelved) + " line(s) re-shelved, " +
                               std::to_string(quarantined) + " quarantined; tax reversed " +
                               customs::FenToString(tax) + ", quota restored " +
                               customs::FenToString(std::max<std::int64_t>(restore, 0));
    const bool all_back =
        std::all_of(order.lines.begin(), order.lines.end(), [](const orders::OrderLine& l) {
          return l.mode == orders::Mode::kBackorder || l.returned_quantity >= l.quantity;
        });
    if (all_back) {
      internal::MoveOrder(order, orders::OrderState::kReturned, detail, now, timeline);
    } else {
      timeline.push_back(internal::Note(order, detail, now));
    }

    inventory_flow::StockPosting posting(engine_);
    XB_RETURN_IF_ERROR(posting.Post(*tx, movements));
    if (!entries.empty()) XB_RETURN_IF_ERROR(tx->customs().AppendAccountEntries(entries));
    XB_RETURN_IF_ERROR(tx->customs().UpdateReturn(r));
    order.updated_at = now;
    XB_RETURN_IF_ERROR(tx->orders().UpdateOrder(order));
    XB_RETURN_IF_ERROR(tx->orders().AppendEvents(timeline));
    nlohmann::json payload{
        {"order_id", r.order_id},
        {"state", std::string(EnumName(r.state))},
        {"tax_reversed", customs::FenToString(tax)},
        {"quota_restored", customs::FenToString(std::max<std::int64_t>(restore, 0))}};
    XB_RETURN_IF_ERROR(internal::AppendEvent(*tx, tenant, "customs.return.received", "return",
                                             r.id.value(), ctx.principal.Actor(), ctx.request_id,
                                             payload.dump(), now));
    XB_RETURN_IF_ERROR(tx->Commit());
    posting.Committed();
    return r;
  });
  if (received.ok() && quota_restored_) {
    for (const auto& q : restored.quota) quota_restored_(q);
  }
  if (received.ok() && goods_cap_restored_ && !restored.caps.empty()) {
    goods_cap_restored_(restored.caps);
  }
  return received;
}

Result<Return> ReturnService::Get(const RequestContext& ctx, customs::ReturnId id) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->customs().GetReturn(ctx.principal.tenant_id, id);
}

Result<std::pair<std::vector<Return>, std::int64_t>> ReturnService::List(
    const RequestContext& ctx, std::optional<std::int64_t> order_id, std::int64_t after_id,
    int limit) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  if (limit < 1 || limit > 500) return InvalidArgument("limit: 1 to 500", "limit");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->customs().ListReturns(ctx.principal.tenant_id, order_id, after_id, limit);
}

}  // namespace xb::customs_flow
