// The bonded account book (账册, emsNo): entries (inbound into the zone, outbound per released
// declaration list, return inbound, adjustments) and its reconciliation against the stock ledger:
// per (warehouse, SKU), the book's balance against the on-hand of every state in the warehouses
// whose account_book_no is the book. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/returns.h"
#include "flows/customs/context.h"
#include "flows/store/unit_of_work.h"

namespace xb::customs_flow {

struct InboundDraft {
  std::int64_t warehouse_id = 0;  // a bonded warehouse whose account_book_no is the book
  std::int64_t sku_id = 0;
  customs::AccountEntryKind kind = customs::AccountEntryKind::kInbound;  // or kAdjustment
  std::int64_t quantity = 0;  // > 0 for inbound; adjustments may be negative, not 0
  std::string ref;            // "receipt:12", "CEB711:..."
};

struct Reconciliation {
  std::string ems_no;
  std::vector<std::int64_t> warehouse_ids;  // the warehouses keeping this book
  std::vector<customs::BookBalance> book;
  std::vector<customs::BookBalance> ledger;
  // Released (booked out) and not yet shipped: still on hand in the ledger, no difference.
  std::vector<customs::BookBalance> awaiting_shipment;
  std::vector<customs::Discrepancy> discrepancies;  // empty: the book agrees with the ledger
  Timestamp at;
};

class AccountBookService {
 public:
  AccountBookService(store::Database& db, const Clock& clock);

  // kOperateCustoms. kNotFound when no warehouse of the tenant keeps the book; kInvalidArgument
  // naming the field when the warehouse is not that book's, the SKU unknown, the quantity wrong.
  Result<customs::AccountEntry> RecordInbound(const RequestContext& ctx, std::string_view ems_no,
                                              const InboundDraft& draft);
  // kReadOrders.
  Result<std::pair<std::vector<customs::AccountEntry>, std::int64_t>> Entries(
      const RequestContext& ctx, std::string_view ems_no, std::int64_t after_id, int limit);
  // kReadOrders. kNotFound when no warehouse of the tenant keeps the book.
  Result<Reconciliation> Reconcile(const RequestContext& ctx, std::string_view ems_no);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace xb::customs_flow
