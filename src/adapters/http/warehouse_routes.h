// The warehouse-operations API: /api/v1/tasks..., /api/v1/parcels..., the scanner terminals'
// /api/v1/devices/{device_id}/events (and /events/batch) and /api/v1/gs1/parse. Handlers only
// translate JSON to use-case calls and back; the rules live in flows/warehouse and the domain.
// A device event's first answer is stored; a retry gets it again with the header
// "Idempotent-Replay: true" (and "Idempotent-Replayed: true", as the other idempotent routes).
#pragma once

#include "adapters/http/router.h"
#include "flows/access/access_service.h"
#include "flows/warehouse/terminal_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::http {

void AddWarehouseRoutes(Router& router, access::AccessService& access,
                        warehouse_flow::WarehouseService& warehouse,
                        warehouse_flow::TerminalService& terminal);

}  // namespace xb::http
