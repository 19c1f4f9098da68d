// Use cases of procurement: supplier price lists, purchase orders (draft → confirmed → partly
// received → received, or cancelled) and goods receipts. A new order takes its prices and
// expected date from the price list, records the supplier's standing and rank at the time of
// ordering, and is refused when the supplier's band blocks new orders. Each write checks the
// caller's role, validates, and writes the change with its business event in one transaction.
// Thread-safe (state lives in the Database).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "domain/access/access.h"
#include "domain/procurement/procurement.h"
#include "flows/sourcing/context.h"
#include "flows/store/unit_of_work.h"

namespace xb::sourcing {

// Receipts reach the inventory side through this port once it exists; it is called inside the
// receipt's transaction, so a refusal rolls the receipt back.
class InventoryPort {
 public:
  virtual ~InventoryPort() = default;
  virtual Status GoodsReceived(store::Transaction& tx, const procurement::PurchaseOrder& order,
                               const procurement::GoodsReceipt& receipt) = 0;
};

struct PriceDraft {
  std::int64_t supplier_id = 0;
  std::int64_t sku_id = 0;
  std::string currency;
  std::string unit_price;  // decimal text in the currency: "12.50"
  std::int64_t min_order_qty = 1;
  std::map<procurement::TransportMode, std::int64_t> lead_time_days;
  std::optional<Date> valid_from;  // default: today
  std::optional<Date> valid_to;
};

// Fields a price-list entry's PATCH may change; absent ones stay.
struct PricePatch {
  std::optional<std::string> unit_price;
  std::optional<std::int64_t> min_order_qty;
  std::optional<std::map<procurement::TransportMode, std::int64_t>> lead_time_days;
  std::optional<std::optional<Date>> valid_to;  // an empty inner value: open-ended
  std::optional<bool> active;
  std::optional<std::int64_t> expected_version;
};

struct OrderLineDraft {
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;
  std::optional<std::string> unit_price;  // default: the price list's price
};

struct OrderDraft {
  std::string code;
  std::int64_t supplier_id = 0;
  std::int64_t warehouse_id = 0;
  procurement::TransportMode transport_mode = procurement::TransportMode::kSea;
  std::string currency;
  std::optional<Date> order_date;     // default: today
  std::optional<Date> expected_date;  // default: order date + the longest line lead time
  std::vector<OrderLineDraft> lines;
};

struct PlacedOrder {
  procurement::PurchaseOrder order;
  std::vector<std::string> warnings;  // e.g. a band that warns, a quantity under the MOQ
  bool replayed = false;              // an earlier request with the same Idempotency-Key made it
};

struct ReceiptDraft {
  std::optional<Date> received_on;  // default: today
  std::vector<procurement::ReceiptLine> lines;
};

struct RecordedReceipt {
  procurement::GoodsReceipt receipt;
  procurement::PurchaseOrder order;
};

class ProcurementService {
 public:
  ProcurementService(store::Database& db, const Clock& clock, InventoryPort* inventory = nullptr)
      : db_(db), clock_(clock), inventory_(inventory) {}

  // Price lists. Supplier and SKU must exist and be active.
  Result<std::pair<std::vector<procurement::PriceListEntry>, std::int64_t>> ListPrices(
      const access::Principal& principal, const procurement::PriceListQuery& query);
  Result<Created<procurement::PriceListEntry>> CreatePrice(const RequestContext& ctx,
                                                           const PriceDraft& draft);
  Result<procurement::PriceListEntry> GetPrice(const access::Principal& principal,
                                               procurement::PriceListEntryId id);
  Result<procurement::PriceListEntry> UpdatePrice(const RequestContext& ctx,
                                                  procurement::PriceListEntryId id,
                                                  const PricePatch& patch);

  // Purchase orders.
  Result<PlacedOrder> CreateOrder(const RequestContext& ctx, const OrderDraft& draft);
  Result<procurement::PurchaseOrder> GetOrder(const access::Principal& principal,
                                              procurement::PurchaseOrderId id);
  Result<std::pair<std::vector<procurement::PurchaseOrder>, std::int64_t>> ListOrders(
      const access::Principal& principal, const procurement::PurchaseOrderQuery& query);
  Result<procurement::PurchaseOrder> Confirm(const RequestContext& ctx,
                                             procurement::PurchaseOrderId id,
                                             std::optional<std::int64_t> expected_version);
  Result<procurement::PurchaseOrder> Cancel(const RequestContext& ctx,
                                            procurement::PurchaseOrderId id,
                                            std::optional<std::int64_t> expected_version,
                                            const std::optional<std::string>& reason);

  // Goods receipts against a confirmed order.
  Result<RecordedReceipt> RecordReceipt(const RequestContext& ctx, procurement::PurchaseOrderId id,
                                        const ReceiptDraft& draft);
  Result<std::vector<procurement::GoodsReceipt>> ListReceipts(const access::Principal& principal,
                                                              procurement::PurchaseOrderId id);

 private:
  Result<procurement::PurchaseOrder> ChangeStatus(const RequestContext& ctx,
                                                  procurement::PurchaseOrderId id,
                                                  std::optional<std::int64_t> expected_version,
                                                  const std::string& event_type,
                                                  const std::optional<std::string>& reason);

  store::Database& db_;
  const Clock& clock_;
  InventoryPort* inventory_;
};

}  // namespace xb::sourcing
