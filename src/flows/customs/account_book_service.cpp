#include "flows/customs/account_book_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/record_field.h"
#include "flows/customs/support.h"

namespace xb::customs_flow {

using customs::AccountEntry;
using customs::AccountEntryKind;
using customs::BookBalance;

AccountBookService::AccountBookService(store::Database& db, const Clock& clock)
    : db_(db), clock_(clock) {}

namespace {

Status CheckEmsNo(std::string_view ems_no) {
  if (ems_no.empty() || ems_no.size() > 32) {
    return InvalidArgument("ems_no: 1 to 32 characters", "ems_no");
  }
  return Status::Ok();
}

// The tenant's warehouses that keep the book; kNotFound when none does.
Result<std::vector<partners::Warehouse>> KeepersOf(store::Transaction& tx, TenantId tenant,
                                                   std::string_view ems_no) {
  XB_ASSIGN_OR_RETURN(auto all, internal::AllWarehouses(tx, tenant));
  std::vector<partners::Warehouse> keepers;
  for (auto& w : all) {
    if (w.account_book_no && *w.account_book_no == ems_no) keepers.push_back(std::move(w));
  }
  if (keepers.empty()) {
    return NotFound("no warehouse keeps account book " + std::string(ems_no));
  }
  return keepers;
}

}  // namespace

Result<AccountEntry> AccountBookService::RecordInbound(const RequestContext& ctx,
                                                       std::string_view ems_no,
                                                       const InboundDraft& draft) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kOperateCustoms));
  XB_RETURN_IF_ERROR(CheckEmsNo(ems_no));
  const TenantId tenant = ctx.principal.tenant_id;
  if (draft.kind != AccountEntryKind::kInbound && draft.kind != AccountEntryKind::kAdjustment) {
    return InvalidArgument(
        "kind: inbound or adjustment (outbound and return entries are made by "
        "releases and returns)",
        "kind");
  }
  if (draft.kind == AccountEntryKind::kInbound && draft.quantity <= 0) {
    return InvalidArgument("quantity: must be greater than 0", "quantity");
  }
  if (draft.quantity == 0) return InvalidArgument("quantity: must not be 0", "quantity");
  if (draft.ref.size() > 64) return InvalidArgument("ref: at most 64 characters", "ref");

  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kWrite));
  XB_ASSIGN_OR_RETURN(auto keepers, KeepersOf(*tx, tenant, ems_no));
  if (std::none_of(keepers.begin(), keepers.end(), [&](const partners::Warehouse& w) {
        return w.id.value() == draft.warehouse_id;
      })) {
    return InvalidArgument("warehouse_id: warehouse " + std::to_string(draft.warehouse_id) +
                               " does not keep account book " + std::string(ems_no),
                           "warehouse_id");
  }
  auto sku = tx->skus().Get(tenant, draft.sku_id);
  if (!sku.ok()) {
    if (sku.status().code() != ErrorCode::kNotFound) return sku.status();
    return InvalidArgument("sku_id: no SKU with id " + std::to_string(draft.sku_id), "sku_id");
  }
  const Timestamp now = clock_.Now();
  AccountEntry e;
  e.tenant_id = tenant;
  e.ems_no = std::string(ems_no);
  e.warehouse_id = draft.warehouse_id;
  e.sku_id = draft.sku_id;
  e.hs_code = sku->hs_code;
  e.kind = draft.kind;
  e.quantity = draft.quantity;
  e.ref = draft.ref;
  e.at = now;
  std::vector<AccountEntry> entries{e};
  XB_RETURN_IF_ERROR(tx->customs().AppendAccountEntries(entries));
  nlohmann::json payload{{"ems_no", e.ems_no},
                         {"warehouse_id", e.warehouse_id},
                         {"sku_id", e.sku_id},
                         {"kind", std::string(EnumName(e.kind))},
                         {"quantity", e.quantity}};
  XB_RETURN_IF_ERROR(internal::AppendEvent(
      *tx, tenant, "customs.account_book.entry", "account_entry", entries.front().id,
      ctx.principal.Actor(), ctx.request_id, payload.dump(), now));
  XB_RETURN_IF_ERROR(tx->Commit());
  return entries.front();
}

Result<std::pair<std::vector<AccountEntry>, std::int64_t>> AccountBookService::Entries(
    const RequestContext& ctx, std::string_view ems_no, std::int64_t after_id, int limit) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_RETURN_IF_ERROR(CheckEmsNo(ems_no));
  if (limit < 1 || limit > 500) return InvalidArgument("limit: 1 to 500", "limit");
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  return tx->customs().ListAccountEntries(ctx.principal.tenant_id, ems_no, after_id, limit);
}

Result<Reconciliation> AccountBookService::Reconcile(const RequestContext& ctx,
                                                     std::string_view ems_no) {
  XB_RETURN_IF_ERROR(access::Authorize(ctx.principal, access::Action::kReadOrders));
  XB_RETURN_IF_ERROR(CheckEmsNo(ems_no));
  const TenantId tenant = ctx.principal.tenant_id;
  XB_ASSIGN_OR_RETURN(auto tx, db_.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(auto keepers, KeepersOf(*tx, tenant, ems_no));
  Reconciliation rec;
  rec.ems_no = std::string(ems_no);
  rec.at = clock_.Now();
  XB_ASSIGN_OR_RETURN(rec.book, tx->customs().AccountBalances(tenant, ems_no));
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> ledger;
  for (const auto& w : keepers) {
    rec.warehouse_ids.push_back(w.id.value());
    inventory::BalanceQuery q;
    q.warehouse_id = w.id.value();
    XB_ASSIGN_OR_RETURN(auto balances, internal::AllBalances(*tx, tenant, q));
    for (const auto& b : balances) ledger[{b.key.warehouse_id, b.key.sku_id}] += b.on_hand;
  }
  for (const auto& [key, qty] : ledger) {
    if (qty != 0) rec.ledger.push_back(BookBalance{key.first, key.second, qty});
  }
  // Released, not yet shipped: the book's outbound entries less the ledger's shipments.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> out, shipped;
  for (std::int64_t after = 0;;) {
    XB_ASSIGN_OR_RETURN(auto page, tx->customs().ListAccountEntries(tenant, ems_no, after, 500));
    for (const auto& e : page.first) {
      if (e.kind == customs::AccountEntryKind::kOutbound)
        out[{e.warehouse_id, e.sku_id}] -= e.quantity;
      after = e.id;
    }
    if (page.first.size() < 500) break;
  }
  for (const auto& w : keepers) {
    inventory::MovementQuery q;
    q.warehouse_id = w.id.value();
    q.limit = 1000;
    for (;;) {
      XB_ASSIGN_OR_RETURN(auto moves, tx->inventory().ListMovements(tenant, q));
      for (const auto& m : moves) {
        if (m.reason == inventory::MovementReason::kShip && m.from &&
            m.from->warehouse_id == w.id.value()) {
          shipped[{m.from->warehouse_id, m.sku_id}] += m.quantity;
        }
        q.after_id = m.id;
      }
      if (static_cast<std::int64_t>(moves.size()) < q.limit) break;
    }
  }
  const auto listed = [](const auto& sums) {
    std::vector<BookBalance> list;
    list.reserve(sums.size());
    for (const auto& [key, qty] : sums) list.push_back(BookBalance{key.first, key.second, qty});
    return list;
  };
  rec.awaiting_shipment = customs::AwaitingShipment(listed(out), listed(shipped));
  rec.discrepancies = customs::Reconcile(rec.book, rec.ledger, rec.awaiting_shipment);
  return rec;
}

}  // namespace xb::customs_flow
