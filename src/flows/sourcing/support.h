// Helpers shared by the sourcing use cases: the business event of a change, references to master
// records, reading whole lists page by page, and money text in an order's currency.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/procurement/procurement.h"
#include "flows/sourcing/context.h"
#include "flows/store/unit_of_work.h"

namespace xb::sourcing::detail {

// Appends `type` about (entity, entity_id) to the log in `tx`, acting as the request's principal.
Status AppendEvent(store::Transaction& tx, const RequestContext& ctx, std::string type,
                   std::string entity, std::int64_t entity_id, Timestamp at,
                   const nlohmann::json& payload);

// The master record `id` of type R in the tenant, when it exists and is active; otherwise
// kInvalidArgument naming `field`, with a message that starts with `where` (default: `field`):
// "supplier_id: no supplier with id 9", "lines[2].sku_id: sku X-1 is archived".
template <class R>
Result<R> RequireActive(store::Transaction& tx, TenantId tenant, std::int64_t id,
                        const std::string& field, const std::string& where = {}) {
  const std::string& prefix = where.empty() ? field : where;
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

// Every order matching `query` (its limit and offset are ignored).
Result<std::vector<procurement::PurchaseOrder>> AllOrders(store::Transaction& tx, TenantId tenant,
                                                          procurement::PurchaseOrderQuery query);
// Every price-list entry matching `query` (its limit and offset are ignored).
Result<std::vector<procurement::PriceListEntry>> AllPrices(store::Transaction& tx, TenantId tenant,
                                                           procurement::PriceListQuery query);

// "12.50" in `currency` to minor units, refusing zero and negative amounts; errors start with
// `where` ("unit_price", "lines[0].unit_price") and name `field`.
Result<std::int64_t> ParsePrice(std::string_view text, std::string_view currency,
                                const std::string& where, const std::string& field);
// Minor units as decimal text in `currency` ("1234.50").
std::string MoneyText(std::int64_t minor, std::string_view currency);

}  // namespace xb::sourcing::detail
