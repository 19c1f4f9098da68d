// Procurement: supplier price lists (price, minimum order quantity, lead time by transport mode),
// purchase orders (draft → confirmed → partly received → received, or cancelled) and goods
// receipts against them, with the supplier's standing recorded at the time of ordering.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::procurement {

enum class TransportMode { kAir, kSea, kExpress, kRail, kRoad };
std::span<const std::string_view> EnumChoices(TransportMode);

struct PriceListEntryTag {};
using PriceListEntryId = Id<PriceListEntryTag>;

// One supplier's price for one SKU, valid over a date range.
struct PriceListEntry {
  PriceListEntryId id;
  TenantId tenant_id;
  std::int64_t supplier_id = 0;
  std::int64_t sku_id = 0;
  std::string currency;               // ISO 4217
  std::int64_t unit_price_minor = 0;  // in the currency's minor units
  std::int64_t min_order_qty = 1;
  std::map<TransportMode, std::int64_t> lead_time_days;  // at least one mode
  Date valid_from;
  std::optional<Date> valid_to;  // inclusive; open-ended when absent
  bool active = true;
  std::int64_t version = 0;
  Timestamp created_at;
  Timestamp updated_at;
};

// Positive price, MOQ ≥ 1, a lead time for at least one mode (1..365 days), valid_to ≥ valid_from.
Status Validate(const PriceListEntry& entry);
bool ValidOn(const PriceListEntry& entry, Date day);

enum class PoStatus { kDraft, kConfirmed, kPartlyReceived, kReceived, kCancelled };
std::span<const std::string_view> EnumChoices(PoStatus);

struct PoLine {
  int line_no = 0;
  std::int64_t sku_id = 0;
  std::int64_t quantity = 0;                       // ordered, in the SKU's base unit
  std::int64_t unit_price_minor = 0;               // agreed on the order
  std::optional<std::int64_t> quoted_price_minor;  // the price list's price when ordered
  std::int64_t received_qty = 0;
  std::int64_t accepted_qty = 0;
  std::int64_t rejected_qty = 0;
};

// The supplier's standing when the order was placed, kept on the order for later review.
struct SupplierSnapshot {
  std::optional<double> score;
  std::string band;         // empty when the supplier has no score yet
  std::optional<int> rank;  // among the SKU's candidate suppliers, 1 = best
  std::optional<int> candidates;
  bool warned = false;  // the band warns on new orders
};

struct PurchaseOrderTag {};
using PurchaseOrderId = Id<PurchaseOrderTag>;

struct PurchaseOrder {
  PurchaseOrderId id;
  TenantId tenant_id;
  std::string code;  // the PO number, unique per tenant
  std::int64_t supplier_id = 0;
  std::int64_t warehouse_id = 0;  // destination
  TransportMode transport_mode = TransportMode::kSea;
  std::string currency;
  PoStatus status = PoStatus::kDraft;
  Date order_date;
  Date expected_date;
  std::vector<PoLine> lines;
  SupplierSnapshot at_order;
  std::int64_t version = 0;
  Timestamp created_at;
  Timestamp updated_at;

  std::int64_t TotalMinor() const;
};

// Lines numbered 1..n, distinct SKUs, positive quantities and prices, expected ≥ order date.
Status Validate(const PurchaseOrder& po);

struct ReceiptLine {
  int line_no = 0;  // the PO line received against
  std::int64_t received_qty = 0;
  std::int64_t accepted_qty = 0;  // passed inspection
  std::int64_t rejected_qty = 0;  // damaged or failed; accepted + rejected == received
  std::string reason;             // required when something was rejected
};

struct GoodsReceiptTag {};
using GoodsReceiptId = Id<GoodsReceiptTag>;

struct GoodsReceipt {
  GoodsReceiptId id;
  TenantId tenant_id;
  std::int64_t purchase_order_id = 0;
  Date received_on;
  std::vector<ReceiptLine> lines;
  std::string actor;
  Timestamp created_at;
};

// State changes. Each returns the changed order or why the change is refused.
Result<PurchaseOrder> Confirm(PurchaseOrder po);
Result<PurchaseOrder> Cancel(PurchaseOrder po);  // only before anything was received
// Adds the receipt's quantities to the order's lines and moves the status to partly received or
// received. Quantities beyond what was ordered are recorded as they are (an over-receipt), never
// trimmed. Refused on a draft or closed order, an unknown line, or inconsistent quantities.
Result<PurchaseOrder> ApplyReceipt(PurchaseOrder po, const GoodsReceipt& receipt);

// Supplier performance from what happened, for one supplier over a period. Each rate is on 0..100;
// absent when there is nothing to measure (no receipts, no closed lines, no quotes).
struct PerformanceFacts {
  std::optional<double> on_time_rate;     // receipts on or before the expected date
  std::optional<double> fill_rate;        // received / ordered on received or closed orders
  std::optional<double> acceptance_rate;  // accepted / received
  std::optional<double>
      lead_time_variability;  // coefficient of variation of lead days, ×100, capped at 100
  std::optional<double> price_variance;  // mean |agreed − quoted| / quoted, ×100, capped at 100
};
PerformanceFacts MeasurePerformance(const std::vector<PurchaseOrder>& orders,
                                    const std::vector<GoodsReceipt>& receipts);

struct PriceListQuery {
  std::optional<std::int64_t> supplier_id;
  std::optional<std::int64_t> sku_id;
  std::optional<Date> valid_on;
  bool include_inactive = false;
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct PurchaseOrderQuery {
  std::optional<std::int64_t> supplier_id;
  std::optional<std::int64_t> warehouse_id;
  std::optional<PoStatus> status;
  std::optional<Date> ordered_from;  // inclusive
  std::optional<Date> ordered_to;    // inclusive
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

// Persistence of price lists, orders and receipts. Orders are saved whole (lines included);
// updates are optimistic on `version` (kConflict when stale).
class ProcurementStore {
 public:
  virtual ~ProcurementStore() = default;
  virtual Result<PriceListEntry> InsertPrice(PriceListEntry entry) = 0;
  virtual Result<PriceListEntry> GetPrice(TenantId tenant, PriceListEntryId id) = 0;
  virtual Status UpdatePrice(const PriceListEntry& entry, std::int64_t expected_version) = 0;
  virtual Result<std::pair<std::vector<PriceListEntry>, std::int64_t>> ListPrices(
      TenantId tenant, const PriceListQuery& query) = 0;

  virtual Result<PurchaseOrder> InsertOrder(PurchaseOrder po) = 0;  // kAlreadyExists on code
  virtual Result<PurchaseOrder> GetOrder(TenantId tenant, PurchaseOrderId id) = 0;
  virtual Status UpdateOrder(const PurchaseOrder& po, std::int64_t expected_version) = 0;
  virtual Result<std::pair<std::vector<PurchaseOrder>, std::int64_t>> ListOrders(
      TenantId tenant, const PurchaseOrderQuery& query) = 0;

  virtual Result<GoodsReceipt> InsertReceipt(GoodsReceipt receipt) = 0;
  virtual Result<std::vector<GoodsReceipt>> ListReceipts(TenantId tenant,
                                                         std::optional<std::int64_t> order_id,
                                                         std::optional<std::int64_t> supplier_id,
                                                         std::optional<Date> from,
                                                         std::optional<Date> to) = 0;
};

}  // namespace xb::procurement
