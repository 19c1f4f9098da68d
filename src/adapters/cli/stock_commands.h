// The stock commands of the command line: `xborder stock` (the summary per warehouse, SKU and
// owner), `xborder stock card SKU` (every movement with its running balance) and `xborder
// reserve` (a reservation made by an engine run in this process). Warehouses and SKUs are named
// by code or by id. Output is a readable table or, with `json`, the API's JSON. Errors come back
// as a Status (exit codes as every command).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/time.h"
#include "flows/store/unit_of_work.h"

namespace xb::cli {

struct StockOptions {
  std::int64_t tenant = 1;
  std::string warehouse;  // code or id; empty: all
  std::string sku;        // code or id; empty: all
  bool json = false;
};
// The summary rows; with `json` {"items":[...],"total":N} as GET /api/v1/stock/summary.
Result<std::string> RunStock(store::Database& db, const Clock& clock, const StockOptions& options);

struct StockCardOptions {
  std::int64_t tenant = 1;
  std::string sku;        // code or id
  std::string warehouse;  // code or id; empty: every warehouse
  bool json = false;
};
// The whole card; with `json` as GET /api/v1/skus/{id}/stock-card (all pages in one).
Result<std::string> RunStockCard(store::Database& db, const Clock& clock,
                                 const StockCardOptions& options);

struct ReserveOptions {
  std::int64_t tenant = 1;
  std::string warehouse;  // code or id
  std::string sku;        // code or id
  std::string owner = "own";
  std::int64_t quantity = 0;
  std::string order_ref;
  std::optional<std::int64_t> hold_seconds;
  std::optional<std::int64_t> min_remaining_days;
  std::string key;  // idempotency key; empty: none
  bool json = false;
};
// Starts a reservation engine on `db` (rebuilding it from the store), reserves, stops. Only for
// a database no server is serving: the engine must be the only one reserving against it.
Result<std::string> RunReserve(store::Database& db, const Clock& clock,
                               const ReserveOptions& options);

}  // namespace xb::cli
