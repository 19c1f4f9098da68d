// The stock and reservation API: /api/v1/stock..., /api/v1/skus/{id}/stock-card, /api/v1/movements,
// /api/v1/adjustments, /api/v1/lots, /api/v1/reservations and /api/v1/inventory/engine. Handlers
// only translate JSON to use-case calls and back; the rules live in flows/inventory and the
// domain. Quantities are integers in the SKU's base unit, dates "YYYY-MM-DD", times RFC 3339 UTC.
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/http/router.h"
#include "domain/inventory/inventory.h"
#include "flows/access/access_service.h"
#include "flows/inventory/stock_service.h"

namespace xb::http {

void AddInventoryRoutes(Router& router, access::AccessService& access,
                        inventory_flow::StockService& stock);

// The JSON forms of the API, shared with the command line.
nlohmann::json BalanceToJson(const inventory::Balance& balance);
nlohmann::json SummaryToJson(const inventory_flow::StockSummary& summary);
nlohmann::json MovementToJson(const inventory::Movement& movement);
nlohmann::json CardToJson(const inventory_flow::StockCard& card);
nlohmann::json LotToJson(const inventory::Lot& lot);
nlohmann::json ReservationToJson(const inventory::Reservation& reservation);
nlohmann::json EngineStatsToJson(const inventory_flow::EngineStats& stats);

}  // namespace xb::http
