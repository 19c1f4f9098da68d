#include "flows/sourcing/support.h"

namespace xb::sourcing::detail {

Status AppendEvent(store::Transaction& tx, const RequestContext& ctx, std::string type,
                   std::string entity, std::int64_t entity_id, Timestamp at,
                   const nlohmann::json& payload) {
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

Result<std::vector<procurement::PriceListEntry>> AllPrices(store::Transaction& tx, TenantId tenant,
                                                           procurement::PriceListQuery query) {
  std::vector<procurement::PriceListEntry> all;
  query.limit = kMaxPageSize;
  for (query.offset = 0;; query.offset += kMaxPageSize) {
    XB_ASSIGN_OR_RETURN(auto page, tx.procurement().ListPrices(tenant, query));
    for (auto& p : page.first) all.push_back(std::move(p));
    if (page.first.empty() || query.offset + kMaxPageSize >= page.second) break;
  }
  return all;
}

Result<std::int64_t> ParsePrice(std::string_view text, std::string_view currency,
                                const std::string& where, const std::string& field) {
  auto cur = Currency::Of(currency);
  if (!cur.ok()) return InvalidArgument("currency: must be an ISO 4217 code", "currency");
  auto money = Money::Parse(text, *cur);
  if (!money.ok()) {
    return InvalidArgument(where + ": " + money.status().message(), field);
  }
  if (money->minor() <= 0) return InvalidArgument(where + ": must be greater than 0", field);
  return money->minor();
}

std::string MoneyText(std::int64_t minor, std::string_view currency) {
  auto cur = Currency::Of(currency);
  return Money(minor, cur.ok() ? *cur : Currency::Cny()).ToDecimalString();
}

}  // namespace xb::sourcing::detail
