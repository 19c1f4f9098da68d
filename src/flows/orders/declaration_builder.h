// Builds the customs records of one shipment (one warehouse and mode) of an accepted order: the
// order (CEB311), payment (CEB411) and waybill (CEB511) records and the declaration list (CEB621),
// matched by customs::MatchThreeDocuments before anything is queued. Pure: no store, no clock.
//
// A shipment's records carry only its lines. When an order is split, its freight, insurance and
// order discount are spread over the shipments in proportion to goods value (the remainder fen
// to the last shipment) and each shipment's tax is the sum of its lines' tax, so that every
// shipment's records satisfy paid = goods + freight + insurance − discount + tax on their own.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/catalog/sku.h"
#include "domain/customs/documents.h"
#include "domain/customs/tax.h"
#include "domain/orders/orders.h"

namespace xb::orders_flow {

// What customs needs to know of a SKU, from the catalog.
struct SkuFacts {
  std::int64_t sku_id = 0;
  std::string code;
  std::string name;
  std::string hs_code;
  std::string vat_class = "standard";          // "standard" / "reduced"
  std::string consumption_tax_class = "none";  // "none" / "high_end_cosmetics"
  std::string legal_unit = "piece";            // "g", "kg", "ml", "l", "piece"
  std::int64_t legal_quantity_milli = 1000;    // legal units per SKU unit, thousandths
  std::int64_t weight_g = 0;
  bool positive_list = false;  // the catalog's flag
  bool active = true;
};

// The facts of a catalog SKU.
SkuFacts FactsOf(const catalog::Sku& sku);

// The tax engine's input for an order: one tax line per order line (ref = line_no), value =
// quantity x unit price - line discount, the order's freight, insurance and discount to spread,
// rates from the SKU's classes and the rule book. kInvalidArgument naming the line when a SKU's
// facts are missing.
Result<customs::TaxInput> TaxInputOf(const orders::Order& order, std::span<const SkuFacts> skus,
                                     std::int64_t annual_used_fen);

// One shipment of an order: its reference ("W3-1210"), sequence (1, 2, ... in order of first
// line) and the lines' indexes into order.lines.
struct Shipment {
  std::string shipment_ref;
  int seq = 0;
  orders::Mode mode = orders::Mode::kBonded1210;
  std::int64_t warehouse_id = 0;
  std::vector<std::size_t> lines;
};
// The shipments of a routed order, in order of their first line; backorder lines belong to none.
std::vector<Shipment> ShipmentsOf(const orders::Order& order);

// The waybill number of a shipment: "WB" + tenant + order id (10 digits) + shipment sequence
// (2 digits). The list number is left to the store ("XB" + tenant + declaration id, 12 digits).
std::string WaybillNo(TenantId tenant, std::int64_t order_id, int shipment_seq);

struct DeclarationInput {
  const orders::Order* order = nullptr;  // routed, taxed, ids assigned
  const Shipment* shipment = nullptr;
  std::span<const Shipment> all_shipments;  // to spread freight, insurance and discount
  std::span<const SkuFacts> skus;           // facts of (at least) the order's SKUs
  std::string ems_no;                       // the bonded warehouse's account book (1210)
  std::string signing_key = "default";
  Timestamp now;
};

// The declaration (state queued, next_attempt_at = now, list number empty: the store assigns
// it) with the four records and every check's
// result. kInvalidArgument when an input is missing (no facts for a line's SKU);
// kFailedPrecondition naming the first failed check when the records do not match.
Result<customs::Declaration> BuildDeclaration(const DeclarationInput& input);

}  // namespace xb::orders_flow
