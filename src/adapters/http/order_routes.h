// The consumer-order API: /api/v1/orders (intake, list), /orders/import (CSV), /orders/{id} with
// /timeline, /tax, /documents, /cancel and /returns, and /api/v1/returns (list, get, receive).
// Order intake is a hot path: its answer is deferred (HttpResponse::defer) until the order is
// durable, so no I/O thread waits for the group commit. Handlers only translate JSON to use-case
// calls and back; personal data is masked in every answer (orders_json.h).
#pragma once

#include "adapters/http/router.h"
#include "core/time.h"
#include "flows/access/access_service.h"
#include "flows/customs/return_service.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/order_queries.h"

namespace xb::http {

struct OrderRouteServices {
  orders_flow::OrderIntake* intake;  // null: intake, import and cancel answer 503
  orders_flow::OrderQueries& queries;
  customs_flow::ReturnService& returns;
  const Clock& clock;
};

void AddOrderRoutes(Router& router, access::AccessService& access, OrderRouteServices services);

}  // namespace xb::http
