// The HTTP/JSON API (/api/v1/...), health and metrics endpoints, the OpenAPI document and the
// web console's static files. Handlers only translate HTTP to use-case calls and back; rules
// live in the flows and the domain. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "adapters/http/http_types.h"
#include "adapters/http/metrics.h"
#include "adapters/http/router.h"
#include "flows/access/access_service.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_service.h"
#include "flows/masterdata/master_data_service.h"
#include "flows/sourcing/evaluation_service.h"
#include "flows/sourcing/procurement_service.h"
#include "flows/store/unit_of_work.h"
#include "flows/warehouse/terminal_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::http {

struct ApiOptions {
  std::string web_root;  // directory with the built console (index.html); empty: none
};

class Api {
 public:
  // `engine`: the reservation engine serving `db`, started; null answers reservations with 503.
  Api(store::Database& db, masterdata::MasterDataService& masterdata, access::AccessService& access,
      ApiOptions options, inventory_flow::ReservationEngine* engine = nullptr);

  // The server's handler: routes, authenticates, runs, records metrics and logs. A handler that
  // defers its answer (HttpResponse::defer) is finished when it answers.
  void Handle(HttpRequest& req, HttpResponse& res);

 private:
  template <class T>
  void AddRecordRoutes();
  void AddAccessRoutes();
  void AddSystemRoutes();
  void LoadStaticFiles();
  void ServeStatic(const HttpRequest& req, HttpResponse& res) const;
  // Request id header, metrics and log of an answer.
  void Finish(const std::string& request_id, const std::string& method, const std::string& path,
              std::size_t route, std::chrono::steady_clock::time_point start, HttpResponse& res);

  store::Database& db_;
  masterdata::MasterDataService& md_;
  access::AccessService& access_;
  ApiOptions options_;
  inventory_flow::ReservationEngine* engine_;
  Router router_;
  Metrics metrics_;
  struct StaticFile {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, StaticFile> static_files_;
  // Supplier evaluation and procurement (sourcing_routes.h).
  SystemClock clock_;
  sourcing::EvaluationService evaluation_{db_, clock_};
  sourcing::ProcurementService procurement_{db_, clock_};
  // Stock and reservations (inventory_routes.h).
  inventory_flow::StockService stock_{db_, clock_, engine_};
  // Warehouse tasks and scanner terminals (warehouse_routes.h).
  warehouse_flow::WarehouseService warehouse_{db_, clock_, engine_};
  warehouse_flow::TerminalService terminal_{db_, warehouse_};
};

}  // namespace xb::http
