#include "flows/sourcing/procurement_service.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.h"
#include "domain/catalog/sku.h"
#include "domain/partners/partners.h"
#include "flows/sourcing/standing.h"
#include "flows/sourcing/support.h"
#include "flows/store/idempotency.h"

namespace xb::sourcing {

using access::Action;
using nlohmann::json;
using procurement::GoodsReceipt;
using procurement::PoStatus;
using procurement::PriceListEntry;
using procurement::PurchaseOrder;

namespace {

constexpr const char* kPriceEntity = "price_list_entry";
constexpr const char* kOrderEntity = "purchase_order";
constexpr const char* kReceiptEntity = "goods_receipt";
constexpr std::size_t kMaxReasonLength = 500;

std::string ModeName(procurement::TransportMode m) {
  return std::string(procurement::EnumChoices(m)[static_cast<std::size_t>(m)]);
}
std::string StatusName(PoStatus s) {
  return std::string(procurement::EnumChoices(s)[static_cast<std::size_t>(s)]);
}

std::string Score(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

Status CheckPage(std::int64_t limit, std::int64_t offset) {
  if (limit < 1 || limit > kMaxPageSize) {
    return InvalidArgument("limit: must be 1.." + std::to_string(kMaxPageSize), "limit");
  }
  if (offset < 0) return InvalidArgument("offset: must not be negative", "offset");
  return Status::Ok();
}

json LeadTimes(const std::map<procurement::TransportMode, std::int64_t>& days) {
  json out = json::object();
  for (const auto& [mode, d] : days) out[ModeName(mode)] = d;
  return out;
}

json PriceJson(const PriceListEntry& e) {
  return {{"supplier_id", e.supplier_id},
          {"sku_id", e.sku_id},
          {"currency", e.currency},
          {"unit_price", detail::MoneyText(e.unit_price_minor, e.currency)},
          {"min_order_qty", e.min_order_qty},
          {"lead_time_days", LeadTimes(e.lead_time_days)},
          {"valid_from", e.valid_from.ToIso8601()},
          {"valid_to", e.valid_to ? json(e.valid_to->ToIso8601()) : json()},
          {"active", e.active},
          {"version", e.version}};
}

using store::Remember;  // idempotent requests (flows/store/idempotency.h)
using store::Replayed;

// The price of `supplier` for `sku` in `currency` valid on `day`: the one valid from the latest
// date (then the newest entry) when several are.
Result<std::optional<PriceListEntry>> PriceOn(store::Transaction& tx, TenantId tenant,
                                              std::int64_t supplier, std::int64_t sku,
                                              const std::string& currency, Date day) {
  procurement::PriceListQuery q;
  q.supplier_id = supplier;
  q.sku_id = sku;
  q.valid_on = day;
  XB_ASSIGN_OR_RETURN(auto prices, detail::AllPrices(tx, tenant, q));
  std::optional<PriceListEntry> best;
  for (auto& p : prices) {
    if (!procurement::ValidOn(p, day) || p.currency != currency) continue;
    if (!best || p.valid_from > best->valid_from ||
        (p.valid_from == best->valid_from && p.id.value() > best->id.value())) {
      best = std::move(p);
    }
  }
  return best;
}

std::string StandingText(const std::string& supplier_code, const Standing& s) {
  return "supplier " + supplier_code + " is in band '" + s.band->name + "' (score " +
         Score(*s.score) + " in " + *s.period + ")";
}

}  // namespace

// --- price lists -----------------------------------------------------------------------------

Result<std::pair<std::vector<PriceListEntry>, std::int64_t>> ProcurementService::ListPrices(
    const access::Principal& principal, const procurement::PriceListQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->procurement().ListPrices(principal.tenant_id, query);
}

Result<Created<PriceListEntry>> ProcurementService::CreatePrice(const RequestContext& ctx,
                                                                const PriceDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteProcurement));
  const TenantId tenant = ctx.principal.tenant_id;
  if (!Currency::Of(draft.currency).ok()) {
    return InvalidArgument("currency: must be an ISO 4217 code like EUR", "currency");
  }
  XB_ASSIGN_OR_RETURN(const std::int64_t price, detail::ParsePrice(draft.unit_price, draft.currency,
                                                                   "unit_price", "unit_price"));
  const Timestamp now = clock_.Now();
  PriceListEntry entry;
  entry.tenant_id = tenant;
  entry.supplier_id = draft.supplier_id;
  entry.sku_id = draft.sku_id;
  entry.currency = draft.currency;
  entry.unit_price_minor = price;
  entry.min_order_qty = draft.min_order_qty;
  entry.lead_time_days = draft.lead_time_days;
  entry.valid_from = draft.valid_from.value_or(Date::OfTimestamp(now));
  entry.valid_to = draft.valid_to;
  entry.active = true;
  XB_RETURN_IF_ERROR(procurement::Validate(entry));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto replayed, Replayed(*tx, ctx, kPriceEntity));
  if (replayed) {
    XB_ASSIGN_OR_RETURN(auto existing, tx->procurement().GetPrice(
                                           tenant, procurement::PriceListEntryId(*replayed)));
    return Created<PriceListEntry>{std::move(existing), true};
  }
  XB_RETURN_IF_ERROR(
      detail::RequireActive<partners::Supplier>(*tx, tenant, entry.supplier_id, "supplier_id")
          .status());
  XB_RETURN_IF_ERROR(
      detail::RequireActive<catalog::Sku>(*tx, tenant, entry.sku_id, "sku_id").status());
  entry.version = 1;
  entry.created_at = now;
  entry.updated_at = now;
  XB_ASSIGN_OR_RETURN(PriceListEntry stored, tx->procurement().InsertPrice(std::move(entry)));
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "procurement.price.created", kPriceEntity,
                                         stored.id.value(), now, PriceJson(stored)));
  XB_RETURN_IF_ERROR(Remember(*tx, ctx, kPriceEntity, stored.id.value(), now));
  XB_RETURN_IF_ERROR(tx->Commit());
  return Created<PriceListEntry>{std::move(stored), false};
}

Result<PriceListEntry> ProcurementService::GetPrice(const access::Principal& principal,
                                                    procurement::PriceListEntryId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->procurement().GetPrice(principal.tenant_id, id);
}

Result<PriceListEntry> ProcurementService::UpdatePrice(const RequestContext& ctx,
                                                       procurement::PriceListEntryId id,
                                                       const PricePatch& patch) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteProcurement));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(PriceListEntry before,
                      tx->procurement().GetPrice(ctx.principal.tenant_id, id));
  if (patch.expected_version && *patch.expected_version != before.version) {
    return Conflict("price-list entry " + std::to_string(id.value()) + " is at version " +
                    std::to_string(before.version) + ", not " +
                    std::to_string(*patch.expected_version));
  }
  PriceListEntry after = before;
  if (patch.unit_price) {
    XB_ASSIGN_OR_RETURN(
        after.unit_price_minor,
        detail::ParsePrice(*patch.unit_price, before.currency, "unit_price", "unit_price"));
  }
  if (patch.min_order_qty) after.min_order_qty = *patch.min_order_qty;
  if (patch.lead_time_days) after.lead_time_days = *patch.lead_time_days;
  if (patch.valid_to) after.valid_to = *patch.valid_to;
  if (patch.active) after.active = *patch.active;
  XB_RETURN_IF_ERROR(procurement::Validate(after));
  if (after.unit_price_minor == before.unit_price_minor &&
      after.min_order_qty == before.min_order_qty &&
      after.lead_time_days == before.lead_time_days && after.valid_to == before.valid_to &&
      after.active == before.active) {
    return before;  // nothing changed: no version, no event
  }
  after.version = before.version + 1;
  after.updated_at = clock_.Now();
  XB_RETURN_IF_ERROR(tx->procurement().UpdatePrice(after, before.version));
  json payload = PriceJson(after);
  payload["previous"] = PriceJson(before);
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "procurement.price.updated", kPriceEntity,
                                         after.id.value(), after.updated_at, payload));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

// --- purchase orders -------------------------------------------------------------------------

Result<PlacedOrder> ProcurementService::CreateOrder(const RequestContext& ctx,
                                                    const OrderDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteProcurement));
  const TenantId tenant = ctx.principal.tenant_id;
  if (!Currency::Of(draft.currency).ok()) {
    return InvalidArgument("currency: must be an ISO 4217 code like EUR", "currency");
  }
  if (draft.lines.empty()) {
    return InvalidArgument("lines: an order needs at least one line", "lines");
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto replayed, Replayed(*tx, ctx, kOrderEntity));
  if (replayed) {
    XB_ASSIGN_OR_RETURN(
        auto existing, tx->procurement().GetOrder(tenant, procurement::PurchaseOrderId(*replayed)));
    return PlacedOrder{std::move(existing), {}, true};
  }
  XB_ASSIGN_OR_RETURN(auto supplier, detail::RequireActive<partners::Supplier>(
                                         *tx, tenant, draft.supplier_id, "supplier_id"));
  XB_RETURN_IF_ERROR(
      detail::RequireActive<partners::Warehouse>(*tx, tenant, draft.warehouse_id, "warehouse_id")
          .status());
  const Timestamp now = clock_.Now();
  PlacedOrder placed;
  PurchaseOrder& po = placed.order;
  po.tenant_id = tenant;
  po.code = std::string(Trim(draft.code));
  po.supplier_id = supplier.id.value();
  po.warehouse_id = draft.warehouse_id;
  po.transport_mode = draft.transport_mode;
  po.currency = draft.currency;
  po.status = PoStatus::kDraft;
  po.order_date = draft.order_date.value_or(Date::OfTimestamp(now));
  const std::string mode = ModeName(draft.transport_mode);

  // The supplier's standing comes first: a blocked supplier is refused whatever the lines say.
  XB_ASSIGN_OR_RETURN(auto active, tx->evaluation().ActiveTree(tenant));
  XB_ASSIGN_OR_RETURN(auto bands, tx->evaluation().GetBands(tenant));
  XB_ASSIGN_OR_RETURN(Standing standing,
                      detail::CurrentStanding(*tx, tenant, active, bands, po.supplier_id));
  if (standing.Blocks()) {
    return FailedPrecondition(
        StandingText(supplier.code, standing) + ", which blocks new purchase orders",
        "supplier_id");
  }

  std::optional<std::int64_t> longest_lead;
  std::set<std::int64_t> candidates = {supplier.id.value()};
  for (std::size_t i = 0; i < draft.lines.size(); ++i) {
    const auto& in = draft.lines[i];
    const std::string where = "lines[" + std::to_string(i) + "]";
    if (in.sku_id <= 0) return InvalidArgument(where + ".sku_id: is required", "lines");
    XB_ASSIGN_OR_RETURN(auto sku, detail::RequireActive<catalog::Sku>(*tx, tenant, in.sku_id,
                                                                      "lines", where + ".sku_id"));
    XB_ASSIGN_OR_RETURN(
        auto price, PriceOn(*tx, tenant, po.supplier_id, in.sku_id, po.currency, po.order_date));
    procurement::PoLine line;
    line.line_no = static_cast<int>(i) + 1;
    line.sku_id = in.sku_id;
    line.quantity = in.quantity;
    if (price) line.quoted_price_minor = price->unit_price_minor;
    if (in.unit_price) {
      XB_ASSIGN_OR_RETURN(
          line.unit_price_minor,
          detail::ParsePrice(*in.unit_price, po.currency, where + ".unit_price", "lines"));
    } else if (price) {
      line.unit_price_minor = price->unit_price_minor;
    } else {
      return InvalidArgument(where + ".unit_price: supplier " + supplier.code +
                                 " has no price for SKU " + sku.code + " in " + po.currency +
                                 " valid on " + po.order_date.ToIso8601() + "; give unit_price",
                             "lines");
    }
    if (price) {
      if (in.quantity > 0 && in.quantity < price->min_order_qty) {
        placed.warnings.push_back(where + ": quantity " + std::to_string(in.quantity) + " of SKU " +
                                  sku.code + " is below the minimum order quantity " +
                                  std::to_string(price->min_order_qty));
      }
      auto lead = price->lead_time_days.find(draft.transport_mode);
      if (lead != price->lead_time_days.end()) {
        longest_lead = std::max(longest_lead.value_or(0), lead->second);
      } else {
        placed.warnings.push_back(where + ": the price list gives no lead time by " + mode +
                                  " for SKU " + sku.code);
      }
    } else {
      placed.warnings.push_back(where + ": SKU " + sku.code +
                                " has no price-list price from this supplier; the price is not "
                                "compared with a quote");
    }
    // Candidate suppliers of the SKU: those with a valid price on the order date.
    procurement::PriceListQuery cq;
    cq.sku_id = in.sku_id;
    cq.valid_on = po.order_date;
    XB_ASSIGN_OR_RETURN(auto offers, detail::AllPrices(*tx, tenant, cq));
    for (const auto& o : offers) {
      if (procurement::ValidOn(o, po.order_date)) candidates.insert(o.supplier_id);
    }
    po.lines.push_back(line);
  }
  if (draft.expected_date) {
    po.expected_date = *draft.expected_date;
  } else if (longest_lead) {
    po.expected_date = po.order_date.AddDays(static_cast<std::int32_t>(*longest_lead));
  } else {
    return InvalidArgument(
        "expected_date: no line has a price-list lead time by " + mode + "; give expected_date",
        "expected_date");
  }
  XB_RETURN_IF_ERROR(procurement::Validate(po));

  po.at_order.score = standing.score;
  po.at_order.band = standing.band ? standing.band->name : std::string();
  po.at_order.candidates = static_cast<int>(candidates.size());
  po.at_order.warned = standing.Warns();
  if (standing.score) {
    int better = 0;
    for (const std::int64_t other : candidates) {
      if (other == po.supplier_id) continue;
      XB_ASSIGN_OR_RETURN(Standing s, detail::CurrentStanding(*tx, tenant, active, bands, other));
      if (s.score && *s.score > *standing.score) ++better;
    }
    po.at_order.rank = better + 1;
  }
  if (standing.Warns()) {
    placed.warnings.insert(placed.warnings.begin(), StandingText(supplier.code, standing) +
                                                        ", which warns on new purchase orders");
  }

  po.version = 1;
  po.created_at = now;
  po.updated_at = now;
  XB_ASSIGN_OR_RETURN(PurchaseOrder stored, tx->procurement().InsertOrder(po));
  json at_order = {{"score", standing.score ? json(*standing.score) : json()},
                   {"band", po.at_order.band},
                   {"rank", po.at_order.rank ? json(*po.at_order.rank) : json()},
                   {"candidates", candidates.size()},
                   {"warned", po.at_order.warned}};
  XB_RETURN_IF_ERROR(
      detail::AppendEvent(*tx, ctx, "procurement.po.created", kOrderEntity, stored.id.value(), now,
                          json{{"code", stored.code},
                               {"supplier_id", stored.supplier_id},
                               {"warehouse_id", stored.warehouse_id},
                               {"currency", stored.currency},
                               {"total", detail::MoneyText(stored.TotalMinor(), stored.currency)},
                               {"lines", stored.lines.size()},
                               {"at_order", at_order},
                               {"warnings", placed.warnings}}));
  XB_RETURN_IF_ERROR(Remember(*tx, ctx, kOrderEntity, stored.id.value(), now));
  XB_RETURN_IF_ERROR(tx->Commit());
  placed.order = std::move(stored);
  return placed;
}

Result<PurchaseOrder> ProcurementService::GetOrder(const access::Principal& principal,
                                                   procurement::PurchaseOrderId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->procurement().GetOrder(principal.tenant_id, id);
}

Result<std::pair<std::vector<PurchaseOrder>, std::int64_t>> ProcurementService::ListOrders(
    const access::Principal& principal, const procurement::PurchaseOrderQuery& query) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_RETURN_IF_ERROR(CheckPage(query.limit, query.offset));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->procurement().ListOrders(principal.tenant_id, query);
}

Result<PurchaseOrder> ProcurementService::ChangeStatus(const RequestContext& ctx,
                                                       procurement::PurchaseOrderId id,
                                                       std::optional<std::int64_t> expected_version,
                                                       const std::string& event_type,
                                                       const std::optional<std::string>& reason) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteProcurement));
  if (reason && (reason->size() > kMaxReasonLength || !IsCleanUtf8(*reason))) {
    return InvalidArgument("reason: at most 500 characters of clean UTF-8", "reason");
  }
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(PurchaseOrder before,
                      tx->procurement().GetOrder(ctx.principal.tenant_id, id));
  if (expected_version && *expected_version != before.version) {
    return Conflict("purchase order " + before.code + " is at version " +
                    std::to_string(before.version) + ", not " + std::to_string(*expected_version));
  }
  const bool confirm = event_type == "procurement.po.confirmed";
  XB_ASSIGN_OR_RETURN(PurchaseOrder after,
                      confirm ? procurement::Confirm(before) : procurement::Cancel(before));
  after.version = before.version + 1;
  after.updated_at = clock_.Now();
  XB_RETURN_IF_ERROR(tx->procurement().UpdateOrder(after, before.version));
  json payload = {{"code", after.code},
                  {"from", StatusName(before.status)},
                  {"status", StatusName(after.status)},
                  {"version", after.version}};
  if (reason) payload["reason"] = *reason;
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, event_type, kOrderEntity, after.id.value(),
                                         after.updated_at, payload));
  XB_RETURN_IF_ERROR(tx->Commit());
  return after;
}

Result<PurchaseOrder> ProcurementService::Confirm(const RequestContext& ctx,
                                                  procurement::PurchaseOrderId id,
                                                  std::optional<std::int64_t> expected_version) {
  return ChangeStatus(ctx, id, expected_version, "procurement.po.confirmed", std::nullopt);
}

Result<PurchaseOrder> ProcurementService::Cancel(const RequestContext& ctx,
                                                 procurement::PurchaseOrderId id,
                                                 std::optional<std::int64_t> expected_version,
                                                 const std::optional<std::string>& reason) {
  return ChangeStatus(ctx, id, expected_version, "procurement.po.cancelled", reason);
}

// --- receipts --------------------------------------------------------------------------------

Result<RecordedReceipt> ProcurementService::RecordReceipt(const RequestContext& ctx,
                                                          procurement::PurchaseOrderId id,
                                                          const ReceiptDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, Action::kWriteProcurement));
  const TenantId tenant = ctx.principal.tenant_id;
  const Timestamp now = clock_.Now();
  const Date today = Date::OfTimestamp(now);
  GoodsReceipt receipt;
  receipt.tenant_id = tenant;
  receipt.purchase_order_id = id.value();
  receipt.received_on = draft.received_on.value_or(today);
  if (today < receipt.received_on) {
    return InvalidArgument("received_on: is in the future", "received_on");
  }
  receipt.lines = draft.lines;
  for (auto& l : receipt.lines) {
    l.reason = std::string(Trim(l.reason));
    if (l.reason.size() > kMaxReasonLength || !IsCleanUtf8(l.reason)) {
      return InvalidArgument("line " + std::to_string(l.line_no) +
                                 ": reason must be at most 500 characters of clean UTF-8",
                             "lines");
    }
  }
  receipt.actor = ctx.principal.Actor();
  receipt.created_at = now;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(PurchaseOrder before, tx->procurement().GetOrder(tenant, id));
  XB_ASSIGN_OR_RETURN(PurchaseOrder after, procurement::ApplyReceipt(before, receipt));
  XB_ASSIGN_OR_RETURN(GoodsReceipt stored, tx->procurement().InsertReceipt(std::move(receipt)));
  after.version = before.version + 1;
  after.updated_at = now;
  XB_RETURN_IF_ERROR(tx->procurement().UpdateOrder(after, before.version));
  if (inventory_ != nullptr) XB_RETURN_IF_ERROR(inventory_->GoodsReceived(*tx, after, stored));
  json lines = json::array();
  for (const auto& l : stored.lines) {
    lines.push_back({{"line_no", l.line_no},
                     {"received_qty", l.received_qty},
                     {"accepted_qty", l.accepted_qty},
                     {"rejected_qty", l.rejected_qty},
                     {"reason", l.reason}});
  }
  XB_RETURN_IF_ERROR(detail::AppendEvent(*tx, ctx, "procurement.receipt.recorded", kReceiptEntity,
                                         stored.id.value(), now,
                                         json{{"purchase_order_id", after.id.value()},
                                              {"code", after.code},
                                              {"received_on", stored.received_on.ToIso8601()},
                                              {"lines", lines},
                                              {"status", StatusName(after.status)}}));
  XB_RETURN_IF_ERROR(tx->Commit());
  return RecordedReceipt{std::move(stored), std::move(after)};
}

Result<std::vector<GoodsReceipt>> ProcurementService::ListReceipts(
    const access::Principal& principal, procurement::PurchaseOrderId id) {
  XB_RETURN_IF_ERROR(access::Authorize(principal, Action::kReadSourcing));
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_RETURN_IF_ERROR(tx->procurement().GetOrder(principal.tenant_id, id).status());
  return tx->procurement().ListReceipts(principal.tenant_id, id.value(), std::nullopt, std::nullopt,
                                        std::nullopt);
}

}  // namespace xb::sourcing
