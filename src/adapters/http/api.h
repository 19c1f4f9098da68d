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
#include "flows/customs/account_book_service.h"
#include "flows/customs/customs_service.h"
#include "flows/customs/receipt_service.h"
#include "flows/customs/return_service.h"
#include "flows/customs/submitter.h"
#include "flows/inventory/reservation_engine.h"
#include "flows/inventory/stock_service.h"
#include "flows/masterdata/master_data_service.h"
#include "flows/orders/goods_cap_book.h"
#include "flows/orders/order_intake.h"
#include "flows/orders/order_queries.h"
#include "flows/orders/quota_book.h"
#include "flows/orders/rule_cache.h"
#include "flows/sourcing/evaluation_service.h"
#include "flows/sourcing/procurement_service.h"
#include "flows/store/unit_of_work.h"
#include "flows/warehouse/terminal_service.h"
#include "flows/warehouse/warehouse_service.h"

namespace xb::http {

struct ApiOptions {
  std::string web_root;  // directory with the built console (index.html); empty: none
  warehouse_flow::WarehouseOptions warehouse;  // the SSCCs' GS1 company prefix and extension
};

// The order and customs services of a serving process, owned by the caller (they run threads).
// A null intake answers order intake, import and cancel with 503; a null rule cache is replaced
// by one of the Api's own; a null quota book skips the in-memory restore after a rejection or a
// return (a process without intake has none); a null submitter shows the queue without its
// counters.
struct OrderServices {
  orders_flow::OrderIntake* intake = nullptr;
  orders_flow::QuotaBook* quota = nullptr;
  orders_flow::RuleCache* rules = nullptr;
  customs_flow::Submitter* submitter = nullptr;
  orders_flow::GoodsCapBook* goods_caps = nullptr;  // null: no in-memory goods-cap restore
};

// Gives a restored quota entry (negative amount, durable) back to the in-memory book; empty
// when `quota` is null.
customs_flow::QuotaRestored QuotaRestorer(orders_flow::QuotaBook* quota);

// Gives restored goods-cap usage (negative entries, durable) back to the in-memory book; empty
// when `caps` is null.
customs_flow::GoodsCapRestored GoodsCapRestorer(orders_flow::GoodsCapBook* caps);

class Api {
 public:
  // `engine`: the reservation engine serving `db`, started; null answers reservations with 503.
  Api(store::Database& db, masterdata::MasterDataService& masterdata, access::AccessService& access,
      ApiOptions options, inventory_flow::ReservationEngine* engine = nullptr,
      OrderServices orders = {});

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
  warehouse_flow::WarehouseService warehouse_{db_, clock_, engine_, options_.warehouse};
  warehouse_flow::TerminalService terminal_{db_, warehouse_};
  // Orders and customs (order_routes.h, customs_routes.h).
  OrderServices order_services_;
  std::unique_ptr<orders_flow::RuleCache> own_rules_;  // when the caller gave none
  std::unique_ptr<orders_flow::OrderQueries> order_queries_;
  std::unique_ptr<customs_flow::CustomsService> customs_;
  std::unique_ptr<customs_flow::ReceiptService> receipts_;
  std::unique_ptr<customs_flow::ReturnService> returns_;
  std::unique_ptr<customs_flow::AccountBookService> account_books_;
};

}  // namespace xb::http
