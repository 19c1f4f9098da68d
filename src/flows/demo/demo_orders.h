// Demo consumer orders: a few dozen orders placed through the order intake (the same checks, tax,
// quota, routing, reservations and queued declarations as the API), after the demo master data
// and opening stock. They cover bonded stocking (1210) from the bonded warehouse, direct mail
// (9610) from the overseas warehouse when the bonded stock cannot cover a line, an order split
// over both, a backordered line, a single indivisible item over the single-transaction limit
// (taxed in full), cancelled orders, and orders the rules refuse (off the positive list, several
// items over the limit, payer not the buyer) — refused orders change nothing and are reported.
// Deterministic; skipped when the tenant already has the demo orders. Runs its own reservation
// engine and intake: call it when no server runs on the database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "flows/store/unit_of_work.h"

namespace xb::demo {

struct DemoOrdersSize {
  int regular = 26;  // ordinary one- or two-line orders routed to the bonded warehouse
  std::uint32_t seed = 20261126;
};

// An order the rules refused, as the intake answered.
struct DemoRefusal {
  std::string channel_order_no;
  std::string rule;  // the refusal's field: "positive_list", "single_limit", ...
  std::string message;
};

struct DemoOrdersCounts {
  std::int64_t accepted = 0;  // accepted by the intake (including those cancelled afterwards)
  std::int64_t cancelled = 0;
  std::int64_t full_rate = 0;  // customs channel cbec_full_rate
  std::int64_t bonded_lines = 0;
  std::int64_t direct_mail_lines = 0;
  std::int64_t backorder_lines = 0;
  std::int64_t split_orders = 0;  // orders shipped from more than one warehouse or mode
  std::vector<DemoRefusal> refused;
  bool skipped = false;  // the tenant already had the demo orders
};

// The first demo order's number; its presence on the first channel marks a loaded tenant.
inline constexpr std::string_view kFirstDemoOrderNo = "DEMO-0001";

Result<DemoOrdersCounts> LoadDemoOrders(store::Database& db, const Clock& clock, TenantId tenant,
                                        Date today, const DemoOrdersSize& size);

}  // namespace xb::demo
