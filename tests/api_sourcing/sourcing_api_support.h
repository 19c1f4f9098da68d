// Helpers of the sourcing API suites: each test works in a fresh tenant, with master records,
// an active indicator tree and scores made through the API itself.
#pragma once

#include <string>

#include "api_support.h"

namespace xb::apitest {

// The second-level codes of the paper's template whose direction is lower-is-better.
inline bool LowerIsBetter(const std::string& code) {
  return code == "lead_time_variability" || code == "price_level" || code == "price_variance";
}

template <class Suite>
class SourcingApi : public ServerTest<Suite> {
 protected:
  Response Put(std::string_view target, const json& body, const std::string& key) const {
    return this->Send("PUT", target, body.dump(), key);
  }
  Response PostAs(std::string_view target, const json& body, const std::string& key) const {
    return this->Post(target, body, key);
  }

  std::int64_t Supplier(const std::string& key, const std::string& code) const {
    return this->Create("/api/v1/suppliers", SupplierBody(code), key)["id"]
        .template get<std::int64_t>();
  }
  std::int64_t Sku(const std::string& key, const std::string& code) const {
    return this->Create("/api/v1/skus", SkuBody(code), key)["id"].template get<std::int64_t>();
  }
  std::int64_t Warehouse(const std::string& key, const std::string& code) const {
    return this->Create("/api/v1/warehouses", WarehouseBody(code), key)["id"]
        .template get<std::int64_t>();
  }

  // A new tree from the template, activated; returns the tree.
  json ActiveTree(const std::string& key) const {
    const json draft =
        this->Create("/api/v1/evaluation/trees", {{"name", "Paper"}, {"from", "template"}}, key);
    const std::string path =
        "/api/v1/evaluation/trees/" + std::to_string(draft["id"].template get<std::int64_t>());
    const Response r = this->Post(path + "/activate", json::object(), key);
    if (r.status != 200) throw UnexpectedResponse("activating the tree failed: " + r.body);
    return r.Json();
  }

  // Scores for every second-level indicator that make every normalised score `s`.
  static json Uniform(const json& tree, double s) {
    json scores = json::object();
    for (const auto& ind : tree["indicators"]) {
      for (const auto& sub : ind["children"]) {
        const std::string code = sub["code"];
        scores[code] = LowerIsBetter(code) ? 100 - s : s;
      }
    }
    return scores;
  }

  json Score(const std::string& key, std::int64_t supplier, const std::string& period,
             const json& scores) const {
    const Response r =
        Put("/api/v1/evaluation/scores",
            {{"supplier_id", supplier}, {"period", period}, {"scores", scores}}, key);
    if (r.status != 200) throw UnexpectedResponse("entering scores failed: " + r.body);
    return r.Json();
  }

  std::int64_t Price(const std::string& key, std::int64_t supplier, std::int64_t sku,
                     const std::string& price, const json& lead = {{"sea", 35}, {"air", 7}},
                     std::int64_t moq = 1) const {
    return this
        ->Create("/api/v1/price-lists",
                 {{"supplier_id", supplier},
                  {"sku_id", sku},
                  {"currency", "EUR"},
                  {"unit_price", price},
                  {"min_order_qty", moq},
                  {"lead_time_days", lead},
                  {"valid_from", "2025-01-01"}},
                 key)["id"]
        .template get<std::int64_t>();
  }

  json Order(const std::string& key, const std::string& code, std::int64_t supplier,
             std::int64_t warehouse, const json& lines, const std::string& order_date) const {
    const Response r = this->Post("/api/v1/purchase-orders",
                                  {{"code", code},
                                   {"supplier_id", supplier},
                                   {"warehouse_id", warehouse},
                                   {"transport_mode", "sea"},
                                   {"currency", "EUR"},
                                   {"order_date", order_date},
                                   {"lines", lines}},
                                  key);
    if (r.status != 201) throw UnexpectedResponse("creating " + code + " failed: " + r.body);
    return r.Json();
  }

  // The events of `type` in the tenant of `key`.
  json Events(const std::string& key, const std::string& type) const {
    return this->GetJson("/api/v1/events?type=" + type, key)["items"];
  }
};

}  // namespace xb::apitest
