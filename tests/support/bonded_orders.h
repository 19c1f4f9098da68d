// Cross-border orders for the API tests: buyers' identity numbers, a valid order body (the buyer
// pays; tax 9.1% per line), and a shop that sells infant formula from a bonded warehouse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http_client.h"

namespace xb::apitest {

// `body17` (17 digits) with its GB 11643 check character.
std::string WithCheckCharacter(const std::string& body17);
// A resident identity card number for person `n` (0 <= n < 900 are distinct).
std::string IdentityNumber(int n);

// Today's date (UTC), "YYYY-MM-DD".
std::string Today();
// "218.20" from 21820 fen.
std::string Money(std::int64_t fen);

struct OrderLine {
  std::int64_t sku = 0;
  std::int64_t price_fen = 0;
  std::int64_t quantity = 1;
};
// An order of Zhang San (identity card `id_number`, also the payer) shipped to Ningbo: the tax of
// each line is 9.1% (13% VAT x 70%) rounded half up, no freight, paid = goods + tax.
json OrderBody(std::int64_t channel, const std::string& no, const std::vector<OrderLine>& lines,
               const std::string& id_number, const std::string& order_date = Today());

// A channel, a bonded warehouse (account book T3105W000001, customs area 3105) with storage bin
// A-01 (and shipping bin SHIP-01 when asked for), and infant formula on the positive list (HS
// 19011010, 0.8 kg a tin).
struct BondedShop {
  std::int64_t channel = 0, warehouse = 0, bin = 0, sku = 0;
};
// Makes the shop with `api`'s key, with `stock` tins in A-01 (none when 0); throws
// UnexpectedResponse when the server refuses a step.
BondedShop MakeBondedShop(const ApiClient& api, std::int64_t stock, bool shipping_bin = false);

}  // namespace xb::apitest
