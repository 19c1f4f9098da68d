// Applying customs' receipts to a declaration and to its order, exactly once per receipt id:
//   accepted        -> declaration accepted, order declared;
//   released        -> declaration released (released_at), order released, bonded account book
//                      outbound per list line (1210, the warehouse's account_book_no), and a pick
//                      task for the order's reservations of that shipment (WarehouseService);
//   inspection_hold -> declaration and order on hold; the shipment's reserved stock moves to
//                      customs_hold (its reservations end, so nothing else can take that stock);
//                      a later release moves it back, reserves it again and creates the pick task;
//   rejected        -> declaration and order rejected, the shipment's reservations released (held
//                      stock back to available), the order's quota restored (a negative entry,
//                      then the in-memory quota book through `QuotaRestored`);
//   cancelled / returned -> the declaration's state and a timeline note.
// Transitions follow customs::ApplyReceipt. The receipt row, the declaration, the order, its
// timeline, account-book entries and stock movements commit in one transaction; reservation
// releases and the pick task follow the commit (they write through their own transactions).
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/documents.h"
#include "domain/customs/returns.h"
#include "domain/orders/orders.h"
#include "flows/customs/context.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {
class ReservationEngine;
}  // namespace xb::inventory_flow
namespace xb::warehouse_flow {
class WarehouseService;
}  // namespace xb::warehouse_flow

namespace xb::customs_flow {

// Called after the commit of a negative quota entry (rejection, return), so that the in-memory
// quota book (flows/orders QuotaBook::Restore) gives the amount back. The entry's amount is < 0.
using QuotaRestored = std::function<void(const customs::QuotaEntry& entry)>;
// Called after the commit of negative goods-cap entries (rejection, return), so that the
// in-memory goods-cap book (flows/orders GoodsCapBook::Restore) gives the amounts back.
using GoodsCapRestored = std::function<void(std::span<const customs::GoodsCapEntry> entries)>;

struct ReceiptOutcome {
  customs::Declaration declaration;  // as it is after the receipt
  orders::OrderState order_state = orders::OrderState::kReceived;
  bool replayed = false;  // the receipt id was applied before: nothing changed now
  std::optional<std::int64_t> pick_task_id;  // released: the pick task created
  std::vector<std::string> notes;            // what else happened ("3 units on customs hold")
};

class ReceiptService {
 public:
  // `engine` and `warehouse` may be null (tools, tests): stock is then posted without the
  // in-memory books and no pick task is created. `quota_restored` and `goods_cap_restored` may
  // be empty.
  ReceiptService(store::Database& db, const Clock& clock, inventory_flow::ReservationEngine* engine,
                 warehouse_flow::WarehouseService* warehouse, QuotaRestored quota_restored = {},
                 GoodsCapRestored goods_cap_restored = {});

  // kOperateCustoms. kNotFound "unknown declaration <list_no>" (nothing changed) when the tenant
  // has no declaration with the receipt's list number; kFailedPrecondition when the receipt
  // cannot apply to the declaration's state; kInvalidArgument for a receipt without id or list
  // number. A receipt id applied before answers with the declaration as it is, replayed (a
  // release whose pick task is missing gets it then; a rejection, its reservations released).
  Result<ReceiptOutcome> Apply(const RequestContext& ctx, const customs::Receipt& receipt);
  // The same for the server itself (receipts polled from the gateway), no authorization.
  Result<ReceiptOutcome> Apply(TenantId tenant, const customs::Receipt& receipt,
                               const std::string& actor = "system");

  // Receipts applied to one declaration, oldest first (kReadOrders).
  Result<std::vector<customs::Receipt>> List(const RequestContext& ctx, customs::DeclarationId id);

 private:
  struct Followups;
  Result<ReceiptOutcome> ApplyOnce(TenantId tenant, const customs::Receipt& receipt,
                                   const std::string& actor, Followups& after);
  void RunFollowups(TenantId tenant, const std::string& actor, Followups& after,
                    ReceiptOutcome& outcome);
  void EnsurePick(TenantId tenant, ReceiptOutcome& outcome);
  void EnsureReleased(TenantId tenant, ReceiptOutcome& outcome);

  store::Database& db_;
  const Clock& clock_;
  inventory_flow::ReservationEngine* engine_;
  warehouse_flow::WarehouseService* warehouse_;
  QuotaRestored quota_restored_;
  GoodsCapRestored goods_cap_restored_;
};

// The tenant a list number belongs to ("XB" + tenant + the declaration id in 12 digits, as the
// customs stores assign it); absent when the text is not one of ours.
std::optional<TenantId> TenantOfListNo(std::string_view list_no);

}  // namespace xb::customs_flow
