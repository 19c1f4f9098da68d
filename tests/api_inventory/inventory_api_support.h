// Helpers of the stock and reservation API suites: each test works in a fresh tenant with a
// warehouse, two bins and a SKU made through the API, and puts stock in with count adjustments.
#pragma once

#include <cstdint>
#include <string>

#include "api_support.h"

namespace xb::apitest {

// A fresh tenant with the records a stock test needs.
struct Site {
  std::string key;  // the tenant's admin key
  std::int64_t warehouse = 0;
  std::int64_t bin = 0;
  std::int64_t bin2 = 0;
  std::int64_t sku = 0;
};

// Base of the suites of this folder; `Client` is anything with Post/GetJson/Create (a test).
template <class Suite>
class InventoryApi : public ServerTest<Suite> {
 protected:
  Site NewSite() const {
    Site s;
    s.key = this->NewTenant().admin_key;
    s.warehouse = this->Create("/api/v1/warehouses", WarehouseBody(Unique("WH")), s.key)["id"]
                      .template get<std::int64_t>();
    const std::string bins = "/api/v1/warehouses/" + std::to_string(s.warehouse) + "/bins";
    s.bin = this->Create(bins, BinBody("A-01"), s.key)["id"].template get<std::int64_t>();
    s.bin2 = this->Create(bins, BinBody("A-02"), s.key)["id"].template get<std::int64_t>();
    s.sku = NewSku(s);
    return s;
  }

  std::int64_t NewSku(const Site& s) const {
    return this->Create("/api/v1/skus", SkuBody(Unique("SKU")), s.key)["id"]
        .template get<std::int64_t>();
  }

  std::int64_t NewLot(const Site& s, const std::string& number, const std::string& expiry,
                      std::int64_t sku = 0) const {
    return this
        ->Create(
            "/api/v1/lots",
            {{"sku_id", sku == 0 ? s.sku : sku}, {"lot_number", number}, {"expiry_date", expiry}},
            s.key)["id"]
        .template get<std::int64_t>();
  }

  json Adjustment(const Site& s, std::int64_t qty, std::int64_t lot = 0, std::int64_t bin = 0,
                  std::int64_t sku = 0) const {
    return {{"warehouse_id", s.warehouse},
            {"bin_id", bin == 0 ? s.bin : bin},
            {"sku_id", sku == 0 ? s.sku : sku},
            {"lot_id", lot},
            {"quantity", qty},
            {"reason_code", "initial"}};
  }

  // Puts `qty` into the site's first bin (or `bin`) by a count gain; throws unless 201.
  json Put(const Site& s, std::int64_t qty, std::int64_t lot = 0, std::int64_t bin = 0,
           std::int64_t sku = 0) const {
    return this->Create("/api/v1/adjustments", Adjustment(s, qty, lot, bin, sku), s.key);
  }

  json Reserve(const Site& s, std::int64_t qty, const std::string& order) const {
    return {
        {"warehouse_id", s.warehouse}, {"sku_id", s.sku}, {"quantity", qty}, {"order_ref", order}};
  }

  // The summary row of the site's SKU in its warehouse (throws unless exactly one).
  json Summary(const Site& s, std::int64_t sku = 0) const {
    const json page =
        this->GetJson("/api/v1/stock/summary?warehouse_id=" + std::to_string(s.warehouse) +
                          "&sku_id=" + std::to_string(sku == 0 ? s.sku : sku),
                      s.key);
    if (page["items"].size() != 1) {
      throw UnexpectedResponse("expected one summary row: " + page.dump());
    }
    return page["items"][0];
  }

  std::int64_t MovementCount(const Site& s) const {
    return static_cast<std::int64_t>(
        this->GetJson("/api/v1/movements?limit=500", s.key)["items"].size());
  }
};

}  // namespace xb::apitest
