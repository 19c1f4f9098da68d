// The order commands of the command line: `xborder orders list` (newest first, optionally by
// state), `xborder orders show ID` (the order, its lines and routes, tax and timeline),
// `xborder orders import FILE.csv` (orders taken by an intake run in this process) and
// `xborder quota` (an identity's annual quota, the number read from standard input so it never
// shows in a process list). Output is a readable table or, with `json`, the API's JSON. Personal
// data is masked in every output. Errors come back as a Status (exit codes as every command).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "flows/store/unit_of_work.h"

namespace xb::cli {

struct OrdersListOptions {
  std::int64_t tenant = 1;
  std::string state;  // an order state; empty: all
  int limit = 100;
  bool json = false;
};
// With `json` {"items":[...],"total":N} as GET /api/v1/orders.
Result<std::string> RunOrdersList(store::Database& db, const OrdersListOptions& options);

struct OrderShowOptions {
  std::int64_t tenant = 1;
  std::int64_t id = 0;
  bool json = false;
};
// With `json` the order view of GET /api/v1/orders/{id} plus "timeline" and "tax".
Result<std::string> RunOrderShow(store::Database& db, const OrderShowOptions& options);

struct OrdersImportOptions {
  std::int64_t tenant = 1;
  bool json = false;
};
struct CommandOutput {
  std::string text;
  int exit_code = 0;  // 0 all taken (or replayed); 5 when some orders were refused
};
// The CSV of POST /api/v1/orders/import. Starts a reservation engine and an order intake on `db`
// (rebuilt from the store), takes each order, stops them. Only for a database no server is
// serving. Bad cells: kInvalidArgument listing every one, nothing taken.
Result<CommandOutput> RunOrdersImport(store::Database& db, const Clock& clock, std::string_view csv,
                                      const OrdersImportOptions& options);

struct QuotaOptions {
  std::int64_t tenant = 1;
  std::string id_type = "id_card";
  int year = 0;  // 0: the clock's year
  bool json = false;
};
// Reads the identity number from the first line of `in`; prints used, limit and remaining with
// the entries, the number masked. With `json` as POST /api/v1/customs/quota/lookup.
Result<std::string> RunQuota(store::Database& db, const Clock& clock, std::istream& in,
                             const QuotaOptions& options);

}  // namespace xb::cli
