// The stock commands of the command line: `xborder stock` (the summary per warehouse, SKU and
// owner; the balances per bin and lot when a lot or an expiry window is asked for), `xborder stock
// card SKU` (every movement with its running balance), `xborder stock as-of` (balances at a past
// time), `xborder stock expiring` (expired and near-expiry stock) and `xborder reserve` (a
// reservation made by an engine run in this process). Warehouses and SKUs are named by code or by
// id, lots by number or id. Output is a readable table or, with `json`, the API's JSON. Errors come
// back as a Status naming the option (exit codes as every command).
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
  std::string owner;           // empty: every owner
  std::string lot;             // lot number (of --sku, or unique) or lot id; empty: every lot
  std::string expires_before;  // YYYY-MM-DD: lots expiring on or before; empty: no bound
  std::string expires_after;   // YYYY-MM-DD: lots expiring on or after; empty: no bound
};
// The summary rows; with `json` {"items":[...],"total":N} as GET /api/v1/stock/summary. With a
// lot or an expiry bound (the summary has no lot), the balances per bin, lot, owner and state
// instead, with `json` as GET /api/v1/stock (every row).
Result<std::string> RunStock(store::Database& db, const Clock& clock, const StockOptions& options);

struct StockCardOptions {
  std::int64_t tenant = 1;
  std::string sku;        // code or id
  std::string warehouse;  // code or id; empty: every warehouse
  bool json = false;
  std::string owner;  // empty: every owner
  std::string from;   // YYYY-MM-DD (start of that day, UTC) or RFC 3339; empty: from the start
  std::string to;     // YYYY-MM-DD (through the end of that day) or RFC 3339 (exclusive)
};
// The whole card; with `json` as GET /api/v1/skus/{id}/stock-card (all pages in one).
Result<std::string> RunStockCard(store::Database& db, const Clock& clock,
                                 const StockCardOptions& options);

struct StockAsOfOptions {
  std::int64_t tenant = 1;
  std::string at;         // YYYY-MM-DD (the end of that day, UTC) or RFC 3339; required
  std::string warehouse;  // code or id; empty: all
  std::string sku;        // code or id; empty: all
  std::string owner;      // empty: every owner
  std::string lot;        // as StockOptions::lot
  bool json = false;
};
// The balances just before `at`; with `json` as GET /api/v1/stock/as-of (every row).
Result<std::string> RunStockAsOf(store::Database& db, const Clock& clock,
                                 const StockAsOfOptions& options);

struct StockExpiringOptions {
  std::int64_t tenant = 1;
  std::int64_t days = 30;  // near expiry: expiring within this many days from today
  std::string warehouse;   // code or id; empty: all
  std::string sku;         // code or id; empty: all
  std::string owner;       // empty: every owner
  bool json = false;
};
// Expired and near-expiry stock, soonest first; with `json` as GET /api/v1/stock/expiring (every
// row).
Result<std::string> RunStockExpiring(store::Database& db, const Clock& clock,
                                     const StockExpiringOptions& options);

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
