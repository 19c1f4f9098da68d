#include "domain/procurement/procurement.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace xb::procurement {
namespace {
constexpr std::string_view kModes[] = {"air", "sea", "express", "rail", "road"};
constexpr std::string_view kPoStatuses[] = {"draft", "confirmed", "partly_received", "received",
                                            "cancelled"};

std::string StatusName(PoStatus s) { return std::string(kPoStatuses[static_cast<std::size_t>(s)]); }
}  // namespace

std::span<const std::string_view> EnumChoices(TransportMode) { return kModes; }
std::span<const std::string_view> EnumChoices(PoStatus) { return kPoStatuses; }

Status Validate(const PriceListEntry& e) {
  if (e.supplier_id <= 0) return InvalidArgument("supplier_id: is required", "supplier_id");
  if (e.sku_id <= 0) return InvalidArgument("sku_id: is required", "sku_id");
  if (e.currency.size() != 3)
    return InvalidArgument("currency: must be an ISO 4217 code", "currency");
  if (e.unit_price_minor <= 0) {
    return InvalidArgument("unit_price: must be greater than 0", "unit_price");
  }
  if (e.min_order_qty < 1) return InvalidArgument("min_order_qty: at least 1", "min_order_qty");
  if (e.lead_time_days.empty()) {
    return InvalidArgument("lead_time_days: give the lead time of at least one transport mode",
                           "lead_time_days");
  }
  for (const auto& [mode, days] : e.lead_time_days) {
    if (days < 1 || days > 365) {
      return InvalidArgument(
          "lead_time_days: " + std::string(kModes[static_cast<std::size_t>(mode)]) +
              " must be 1..365 days",
          "lead_time_days");
    }
  }
  if (e.valid_to && *e.valid_to < e.valid_from) {
    return InvalidArgument("valid_to: is before valid_from", "valid_to");
  }
  return Status::Ok();
}

bool ValidOn(const PriceListEntry& e, Date day) {
  return e.active && e.valid_from <= day && (!e.valid_to || day <= *e.valid_to);
}

std::int64_t PurchaseOrder::TotalMinor() const {
  std::int64_t total = 0;
  for (const auto& l : lines) total += l.quantity * l.unit_price_minor;
  return total;
}

Status Validate(const PurchaseOrder& po) {
  if (po.code.empty() || po.code.size() > 64)
    return InvalidArgument("code: 1..64 characters", "code");
  if (po.supplier_id <= 0) return InvalidArgument("supplier_id: is required", "supplier_id");
  if (po.warehouse_id <= 0) return InvalidArgument("warehouse_id: is required", "warehouse_id");
  if (po.currency.size() != 3)
    return InvalidArgument("currency: must be an ISO 4217 code", "currency");
  if (po.expected_date < po.order_date) {
    return InvalidArgument("expected_date: is before the order date", "expected_date");
  }
  if (po.lines.empty()) return InvalidArgument("lines: an order needs at least one line", "lines");
  std::set<std::int64_t> skus;
  for (std::size_t i = 0; i < po.lines.size(); ++i) {
    const auto& l = po.lines[i];
    const std::string where = "lines[" + std::to_string(i) + "]";
    if (l.line_no != static_cast<int>(i) + 1) {
      return InvalidArgument(where + ": lines are numbered 1, 2, 3...", "lines");
    }
    if (l.sku_id <= 0) return InvalidArgument(where + ".sku_id: is required", "lines");
    if (!skus.insert(l.sku_id).second) {
      return InvalidArgument(where + ".sku_id: the SKU is already on another line", "lines");
    }
    if (l.quantity <= 0)
      return InvalidArgument(where + ".quantity: must be greater than 0", "lines");
    if (l.unit_price_minor <= 0) {
      return InvalidArgument(where + ".unit_price: must be greater than 0", "lines");
    }
  }
  return Status::Ok();
}

Result<PurchaseOrder> Confirm(PurchaseOrder po) {
  if (po.status != PoStatus::kDraft) {
    return FailedPrecondition("only a draft order can be confirmed; this one is " +
                              StatusName(po.status));
  }
  po.status = PoStatus::kConfirmed;
  return po;
}

Result<PurchaseOrder> Cancel(PurchaseOrder po) {
  if (po.status != PoStatus::kDraft && po.status != PoStatus::kConfirmed) {
    return FailedPrecondition("an order that is " + StatusName(po.status) + " cannot be cancelled");
  }
  po.status = PoStatus::kCancelled;
  return po;
}

Result<PurchaseOrder> ApplyReceipt(PurchaseOrder po, const GoodsReceipt& receipt) {
  if (po.status != PoStatus::kConfirmed && po.status != PoStatus::kPartlyReceived) {
    return FailedPrecondition("goods can be received only on a confirmed order; this one is " +
                              StatusName(po.status));
  }
  if (receipt.lines.empty())
    return InvalidArgument("lines: a receipt needs at least one line", "lines");
  if (receipt.received_on < po.order_date) {
    return InvalidArgument("received_on: is before the order date", "received_on");
  }
  std::set<int> seen;
  for (const auto& rl : receipt.lines) {
    const std::string where = "line " + std::to_string(rl.line_no);
    if (rl.line_no < 1 || rl.line_no > static_cast<int>(po.lines.size())) {
      return InvalidArgument(where + ": the order has no such line", "lines");
    }
    if (!seen.insert(rl.line_no).second) return InvalidArgument(where + ": appears twice", "lines");
    if (rl.received_qty <= 0 || rl.accepted_qty < 0 || rl.rejected_qty < 0) {
      return InvalidArgument(where + ": quantities must be positive", "lines");
    }
    if (rl.accepted_qty + rl.rejected_qty != rl.received_qty) {
      return InvalidArgument(where + ": accepted + rejected must equal received", "lines");
    }
    if (rl.rejected_qty > 0 && rl.reason.empty()) {
      return InvalidArgument(where + ": give the reason for the rejected quantity", "lines");
    }
    auto& l = po.lines[static_cast<std::size_t>(rl.line_no - 1)];
    l.received_qty += rl.received_qty;
    l.accepted_qty += rl.accepted_qty;
    l.rejected_qty += rl.rejected_qty;
  }
  const bool all = std::all_of(po.lines.begin(), po.lines.end(),
                               [](const PoLine& l) { return l.received_qty >= l.quantity; });
  po.status = all ? PoStatus::kReceived : PoStatus::kPartlyReceived;
  return po;
}

PerformanceFacts MeasurePerformance(const std::vector<PurchaseOrder>& orders,
                                    const std::vector<GoodsReceipt>& receipts) {
  PerformanceFacts f;
  std::map<std::int64_t, const PurchaseOrder*> by_id;
  for (const auto& po : orders) by_id[po.id.value()] = &po;
  std::int64_t on_time = 0;
  std::int64_t counted = 0;
  std::int64_t received = 0;
  std::int64_t accepted = 0;
  std::vector<double> lead_days;
  for (const auto& r : receipts) {
    auto it = by_id.find(r.purchase_order_id);
    if (it == by_id.end()) continue;
    ++counted;
    if (r.received_on <= it->second->expected_date) ++on_time;
    lead_days.push_back(static_cast<double>(r.received_on.days() - it->second->order_date.days()));
    for (const auto& l : r.lines) {
      received += l.received_qty;
      accepted += l.accepted_qty;
    }
  }
  if (counted > 0)
    f.on_time_rate = 100.0 * static_cast<double>(on_time) / static_cast<double>(counted);
  if (received > 0)
    f.acceptance_rate = 100.0 * static_cast<double>(accepted) / static_cast<double>(received);
  if (lead_days.size() >= 2) {
    double mean = 0;
    for (double d : lead_days) mean += d;
    mean /= static_cast<double>(lead_days.size());
    double var = 0;
    for (double d : lead_days) var += (d - mean) * (d - mean);
    var /= static_cast<double>(lead_days.size() - 1);
    const double cv = mean > 0 ? std::sqrt(var) / mean : 0.0;
    f.lead_time_variability = std::min(100.0, cv * 100.0);
  }
  std::int64_t ordered_qty = 0;
  std::int64_t received_qty = 0;
  double variance_sum = 0;
  std::int64_t quoted_lines = 0;
  for (const auto& po : orders) {
    for (const auto& l : po.lines) {
      if (po.status == PoStatus::kReceived || po.status == PoStatus::kPartlyReceived) {
        ordered_qty += l.quantity;
        received_qty += std::min(l.received_qty, l.quantity);
      }
      if (po.status != PoStatus::kDraft && po.status != PoStatus::kCancelled &&
          l.quoted_price_minor && *l.quoted_price_minor > 0) {
        variance_sum += std::abs(static_cast<double>(l.unit_price_minor - *l.quoted_price_minor)) /
                        static_cast<double>(*l.quoted_price_minor);
        ++quoted_lines;
      }
    }
  }
  if (ordered_qty > 0) {
    f.fill_rate = 100.0 * static_cast<double>(received_qty) / static_cast<double>(ordered_qty);
  }
  if (quoted_lines > 0) {
    f.price_variance = std::min(100.0, 100.0 * variance_sum / static_cast<double>(quoted_lines));
  }
  return f;
}

}  // namespace xb::procurement
