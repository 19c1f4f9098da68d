// Helpers of the warehouse API suites: each test works in a fresh tenant with a warehouse, its
// receiving, storage and staging bins, two SKUs with GTINs (milk powder with a shelf life, baby
// bottles without), a supplier and a carrier, all made through the API, and reads stock back
// through the stock API.
#pragma once

#include <cstdint>
#include <string>

#include "api_support.h"

namespace xb::apitest {

inline constexpr const char* kMilkGtin = "09506000134352";
inline constexpr const char* kBottleGtin = "09501101020917";

inline std::string Q(std::int64_t n) { return std::to_string(n); }

// "(01)<milk GTIN>(17)<expiry YYMMDD>(10)<lot>"
inline std::string MilkLabel(const std::string& lot, const std::string& expiry = "271231") {
  return std::string("(01)") + kMilkGtin + "(17)" + expiry + "(10)" + lot;
}

struct Floor {
  std::string key;  // the tenant's admin key
  std::int64_t warehouse = 0;
  std::int64_t rcv = 0;  // RCV-1, receiving
  std::int64_t a1 = 0;   // A-01, storage, zone maternal_infant
  std::int64_t a2 = 0;   // A-02, storage
  std::int64_t stg = 0;  // STG-1, shipping
  std::int64_t milk = 0;
  std::int64_t bottle = 0;
  std::int64_t supplier = 0;
  std::int64_t carrier = 0;
};

template <class Suite>
class WarehouseApi : public ServerTest<Suite> {
 protected:
  Floor NewFloor() const {
    Floor f;
    f.key = this->NewTenant().admin_key;
    f.warehouse = Id(this->Create("/api/v1/warehouses", WarehouseBody(Unique("WH")), f.key));
    const std::string bins = "/api/v1/warehouses/" + Q(f.warehouse) + "/bins";
    f.rcv = Id(this->Create(bins, {{"code", "RCV-1"}, {"kind", "receiving"}}, f.key));
    f.a1 = Id(this->Create(
        bins, {{"code", "A-01"}, {"kind", "storage"}, {"zone", "maternal_infant"}}, f.key));
    f.a2 = Id(this->Create(bins, {{"code", "A-02"}, {"kind", "storage"}}, f.key));
    f.stg = Id(this->Create(bins, {{"code", "STG-1"}, {"kind", "shipping"}}, f.key));
    json milk = SkuBody(Unique("MILK"));
    milk["gtin"] = kMilkGtin;
    milk["category"] = "maternal_infant";
    milk["shelf_life_days"] = 540;
    f.milk = Id(this->Create("/api/v1/skus", milk, f.key));
    json bottle = SkuBody(Unique("BOTTLE"));
    bottle["gtin"] = kBottleGtin;
    bottle["category"] = "daily_necessities";
    f.bottle = Id(this->Create("/api/v1/skus", bottle, f.key));
    f.supplier = Id(this->Create("/api/v1/suppliers", SupplierBody(Unique("SUP")), f.key));
    f.carrier = Id(this->Create("/api/v1/carriers", CarrierBody(Unique("SF")), f.key));
    return f;
  }

  static std::int64_t Id(const json& j) { return j["id"].template get<std::int64_t>(); }

  // A confirmed purchase order of `milk` and `bottles` for the floor's warehouse.
  json ConfirmedOrder(const Floor& f, std::int64_t milk, std::int64_t bottles) const {
    const json po =
        this->Create("/api/v1/purchase-orders",
                     {{"code", Unique("PO")},
                      {"supplier_id", f.supplier},
                      {"warehouse_id", f.warehouse},
                      {"transport_mode", "sea"},
                      {"currency", "EUR"},
                      {"order_date", "2026-10-01"},
                      {"expected_date", "2026-11-20"},
                      {"lines",
                       {{{"sku_id", f.milk}, {"quantity", milk}, {"unit_price", "25.00"}},
                        {{"sku_id", f.bottle}, {"quantity", bottles}, {"unit_price", "8.00"}}}}},
                     f.key);
    const Response r =
        this->Post("/api/v1/purchase-orders/" + Q(Id(po)) + "/confirm", json::object(), f.key);
    if (r.status != 200) throw UnexpectedResponse("confirming the order failed: " + r.body);
    return r.Json();
  }

  // A receive task against an advance notice of `milk` units (and `bottles`).
  json AsnTask(const Floor& f, std::int64_t milk, std::int64_t bottles = 0) const {
    json lines = json::array({{{"sku_id", f.milk}, {"quantity", milk}}});
    if (bottles > 0) lines.push_back({{"sku_id", f.bottle}, {"quantity", bottles}});
    return this->Create("/api/v1/tasks/receive",
                        {{"warehouse_id", f.warehouse},
                         {"receiving_bin_id", f.rcv},
                         {"asn", {{"ref", Unique("ASN")}, {"lines", lines}}}},
                        f.key);
  }

  // POSTs to `target` and returns the JSON body; throws unless the answer has `status`.
  json Must(const std::string& target, const json& body, const std::string& key,
            int status = 200) const {
    const Response r = this->Post(target, body, key);
    if (r.status != status) {
      throw UnexpectedResponse("POST " + target + " answered " + std::to_string(r.status) +
                               " (expected " + std::to_string(status) + "): " + r.body);
    }
    return r.Json();
  }

  // On hand of the SKU in the bin and state (every lot, or `lot`).
  std::int64_t Stock(const Floor& f, std::int64_t bin, std::int64_t sku,
                     const std::string& state = "available", std::int64_t lot = -1) const {
    std::string target = "/api/v1/stock?limit=500&warehouse_id=" + Q(f.warehouse) +
                         "&bin_id=" + Q(bin) + "&sku_id=" + Q(sku) + "&state=" + state;
    if (lot >= 0) target += "&lot_id=" + Q(lot);
    const json page = this->GetJson(target, f.key);
    std::int64_t sum = 0;
    for (const auto& b : page["items"]) sum += b["on_hand"].template get<std::int64_t>();
    return sum;
  }

  // The stock summary row of the SKU in the floor's warehouse.
  json Summary(const Floor& f, std::int64_t sku) const {
    const json page = this->GetJson(
        "/api/v1/stock/summary?warehouse_id=" + Q(f.warehouse) + "&sku_id=" + Q(sku), f.key);
    if (page["items"].size() != 1) throw UnexpectedResponse("no summary row: " + page.dump());
    return page["items"][0];
  }

  // Every movement of the tenant (the ledger), oldest first.
  json Ledger(const Floor& f) const {
    json all = json::array();
    std::int64_t after = 0;
    for (;;) {
      const json page = this->GetJson("/api/v1/movements?limit=500&after_id=" + Q(after), f.key);
      for (const auto& m : page["items"]) all.push_back(m);
      if (page["items"].size() < 500) break;
      after = page["items"].back()["id"].template get<std::int64_t>();
    }
    return all;
  }

  std::int64_t LotId(const Floor& f, std::int64_t sku, const std::string& number) const {
    const json page =
        this->GetJson("/api/v1/lots?sku_id=" + Q(sku) + "&lot_number=" + number, f.key);
    if (page["items"].size() != 1)
      throw UnexpectedResponse("no lot " + number + ": " + page.dump());
    return Id(page["items"][0]);
  }

  // A device event of terminal `device`.
  Response Event(const Floor& f, const std::string& device, const json& event) const {
    return this->Post("/api/v1/devices/" + device + "/events", event, f.key);
  }

  static json Confirm(const std::string& key, std::int64_t task, int line, std::int64_t qty,
                      const std::string& barcode = {}, const std::string& location = {}) {
    json e = {{"event_key", key}, {"type", "confirm"}, {"task_id", task},
              {"line_no", line},  {"quantity", qty},   {"device_time", "2026-11-25T08:30:00Z"}};
    if (!barcode.empty()) e["barcode"] = barcode;
    if (!location.empty()) e["location"] = location;
    return e;
  }
};

}  // namespace xb::apitest
