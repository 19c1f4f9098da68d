#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "domain/orders/fen_text.h"
#include "domain/orders/orders.h"

namespace xb::orders {
namespace {

std::string_view ModeName(Mode m) { return EnumChoices(m)[static_cast<std::size_t>(m)]; }

std::string WarehouseName(const RouteCandidate& c) {
  return c.warehouse_code.empty() ? "W" + std::to_string(c.warehouse_id) : c.warehouse_code;
}

std::string Describe(const RouteCandidate& c) {
  return std::string(c.mode == Mode::kBonded1210 ? "bonded " : "overseas ") + WarehouseName(c) +
         " (" + std::string(ModeName(c.mode)) + "): " + std::to_string(c.available) +
         " available, " + std::to_string(c.delivery_days) + " days, " + FenText(c.unit_cost_fen) +
         "/unit";
}

// Orders candidates of one mode by the policy; ties by warehouse id.
bool Before(const RouteCandidate& a, const RouteCandidate& b, RoutingPolicy policy) {
  if (policy == RoutingPolicy::kCostFirst) {
    return std::tie(a.unit_cost_fen, a.delivery_days, a.warehouse_id) <
           std::tie(b.unit_cost_fen, b.delivery_days, b.warehouse_id);
  }
  return std::tie(a.delivery_days, a.unit_cost_fen, a.warehouse_id) <
         std::tie(b.delivery_days, b.unit_cost_fen, b.warehouse_id);
}

// The best candidate of `mode` that covers the whole quantity, or nullptr.
const RouteCandidate* Best(const LineNeed& need, Mode mode, RoutingPolicy policy) {
  const RouteCandidate* best = nullptr;
  for (const auto& c : need.candidates) {
    if (c.mode != mode || c.available < need.quantity || c.available <= 0) continue;
    if (best == nullptr || Before(c, *best, policy)) best = &c;
  }
  return best;
}

}  // namespace

std::vector<LineRoute> Route(std::span<const LineNeed> needs, RoutingPolicy policy) {
  const std::string policy_text =
      policy == RoutingPolicy::kCostFirst ? "cost first" : "speed first";
  std::vector<LineRoute> routes;
  routes.reserve(needs.size());
  for (const LineNeed& need : needs) {
    LineRoute route;
    route.line_no = need.line_no;
    const RouteCandidate* chosen = Best(need, Mode::kBonded1210, policy);
    std::string why;
    if (chosen != nullptr) {
      why = "; chosen: bonded stock first, " + policy_text;
    } else {
      chosen = Best(need, Mode::kDirectMail9610, policy);
      if (chosen != nullptr) {
        why = "; chosen: no bonded warehouse covers " + std::to_string(need.quantity) + ", " +
              policy_text;
      }
    }
    if (chosen != nullptr) {
      route.mode = chosen->mode;
      route.warehouse_id = chosen->warehouse_id;
      route.shipment_ref =
          "W" + std::to_string(chosen->warehouse_id) + "-" + std::string(ModeName(chosen->mode));
      route.note = Describe(*chosen) + why;
      for (const auto& c : need.candidates) {
        if (&c == chosen || c.mode == Mode::kBackorder) continue;
        route.note +=
            "; not " + WarehouseName(c) +
            (c.available < need.quantity ? " (" + std::to_string(c.available) + " available)"
                                         : " (" + std::to_string(c.delivery_days) + " days, " +
                                               FenText(c.unit_cost_fen) + "/unit)");
      }
    } else {
      route.mode = Mode::kBackorder;
      route.note = "backorder: no bonded or overseas warehouse has " +
                   std::to_string(need.quantity) + " available";
      if (!need.candidates.empty()) {
        route.note += " (";
        for (std::size_t i = 0; i < need.candidates.size(); ++i) {
          if (i > 0) route.note += ", ";
          route.note += WarehouseName(need.candidates[i]) + " " +
                        std::to_string(need.candidates[i].available);
        }
        route.note += ")";
      }
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace xb::orders
