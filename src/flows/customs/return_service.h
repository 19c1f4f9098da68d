// Consumer returns of cross-border orders (GACC Announcement 2020 No.45): applied for within the
// rule rows' apply days of the declaration's release (30), goods back within the arrive days
// (45). On receipt: the tax of each returned line is reversed (in proportion to the quantity,
// exact to the fen over successive partial returns), the buyer's annual quota is restored by the
// returned dutiable value, and the goods are re-inspected: a lot of the SKU, not expired and
// meeting the channel's minimum shelf life is re-shelved (available, in the bin given), anything
// else is quarantined. Bonded returns enter the account book (return_inbound). Partial by line.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/returns.h"
#include "flows/customs/context.h"
#include "flows/customs/receipt_service.h"
#include "flows/store/unit_of_work.h"

namespace xb::inventory_flow {
class ReservationEngine;
}  // namespace xb::inventory_flow

namespace xb::customs_flow {

struct ReturnLineDraft {
  std::int64_t line_no = 0;  // the order line
  std::int64_t quantity = 0;
};

struct ReturnDraft {
  std::int64_t order_id = 0;
  std::string reason;
  std::vector<ReturnLineDraft> lines;  // all of one shipment (one declaration)
  std::optional<Date> on;              // the application date; absent: today
};

// What came back on one line of the return, as found at re-inspection.
struct ReturnArrival {
  std::int64_t line_no = 0;
  std::string lot_number;  // "" for SKUs without lots
  std::optional<Date> expiry_date;
  std::int64_t bin_id = 0;  // where it is put: re-shelved (available) or quarantined
};

struct ReceiveDraft {
  std::vector<ReturnArrival> lines;
  std::optional<Date> on;  // the arrival date; absent: today
};

class ReturnService {
 public:
  // `engine` may be null (tools, tests): re-shelved stock is then not given to the in-memory
  // books. `quota_restored` and `goods_cap_restored` may be empty.
  ReturnService(store::Database& db, const Clock& clock, inventory_flow::ReservationEngine* engine,
                QuotaRestored quota_restored = {}, GoodsCapRestored goods_cap_restored = {});

  // kWriteOrders. kFailedPrecondition rule "return_window" (release date, days allowed, the date
  // asked) after the apply days; kFailedPrecondition when the shipment is not released or a
  // quantity passes what is left to return; kInvalidArgument naming the line for bad lines.
  // Nothing is changed when refused. The return is requested, its value and tax computed.
  Result<customs::Return> Request(const RequestContext& ctx, const ReturnDraft& draft);
  // kOperateCustoms (or kWriteInventory). kFailedPrecondition rule "return_arrival" after the
  // arrive days; kFailedPrecondition when the return is not requested; every returned line must
  // be named once. Reverses tax, restores quota, posts the stock (kReturn), all in one
  // transaction.
  Result<customs::Return> Receive(const RequestContext& ctx, customs::ReturnId id,
                                  const ReceiveDraft& draft);

  Result<customs::Return> Get(const RequestContext& ctx, customs::ReturnId id);
  Result<std::pair<std::vector<customs::Return>, std::int64_t>> List(
      const RequestContext& ctx, std::optional<std::int64_t> order_id, std::int64_t after_id,
      int limit);

 private:
  store::Database& db_;
  const Clock& clock_;
  inventory_flow::ReservationEngine* engine_;
  QuotaRestored quota_restored_;
  GoodsCapRestored goods_cap_restored_;
};

// The part of `total` that belongs to `done` of `of` units, rounded down; the parts of successive
// partial returns add up to exactly `total` once all `of` are returned:
// Share(total, before + n, of) − Share(total, before, of).
std::int64_t ProportionalShare(std::int64_t total, std::int64_t done, std::int64_t of);

}  // namespace xb::customs_flow
