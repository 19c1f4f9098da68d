#include "bonded_orders.h"

#include <chrono>
#include <ctime>

#include "api_support.h"

namespace xb::apitest {

std::string WithCheckCharacter(const std::string& body17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body17[i] - '0') * kWeights[i];
  return body17 + kCheck[sum % 11];
}

std::string IdentityNumber(int n) {
  return WithCheckCharacter("11010119850101" + std::to_string(100 + (n % 900)));
}

std::string Today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Money(std::int64_t fen) {
  std::string cents = std::to_string(fen % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return std::to_string(fen / 100) + "." + cents;
}

json OrderBody(std::int64_t channel, const std::string& no, const std::vector<OrderLine>& lines,
               const std::string& id_number, const std::string& order_date) {
  json items = json::array();
  std::int64_t goods = 0, tax = 0;
  for (const auto& l : lines) {
    items.push_back(
        {{"sku_id", l.sku}, {"quantity", l.quantity}, {"unit_price", Money(l.price_fen)}});
    goods += l.price_fen * l.quantity;
    tax += (l.price_fen * l.quantity * 91 + 500) / 1000;
  }
  return {{"channel_id", channel},
          {"channel_order_no", no},
          {"order_date", order_date},
          {"buyer",
           {{"name", "Zhang San"},
            {"id_type", "id_card"},
            {"id_number", id_number},
            {"phone", "13800138000"}}},
          {"address",
           {{"consignee", "Zhang San"},
            {"phone", "13800138000"},
            {"province", "Zhejiang"},
            {"city", "Ningbo"},
            {"district", "Beilun"},
            {"street", "1 Harbour Rd"}}},
          {"payment",
           {{"payment_no", "PAY-" + no},
            {"payer_name", "Zhang San"},
            {"payer_id_type", "id_card"},
            {"payer_id_number", id_number},
            {"amount", Money(goods + tax)}}},
          {"lines", std::move(items)},
          {"freight", "0.00"},
          {"insurance", "0.00"},
          {"discount", "0.00"},
          {"tax", Money(tax)},
          {"paid", Money(goods + tax)}};
}

BondedShop MakeBondedShop(const ApiClient& api, std::int64_t stock, bool shipping_bin) {
  BondedShop s;
  s.channel = api.Must("POST", "/api/v1/channels", ChannelBody(Unique("CH")), 201)["id"];
  json w = WarehouseBody(Unique("BW"));
  w["kind"] = "bonded";
  w["country"] = "CN";
  w["account_book_no"] = "T3105W000001";
  w["customs_area_code"] = "3105";
  s.warehouse = api.Must("POST", "/api/v1/warehouses", w, 201)["id"];
  const std::string bins = "/api/v1/warehouses/" + std::to_string(s.warehouse) + "/bins";
  s.bin = api.Must("POST", bins, BinBody("A-01"), 201)["id"];
  if (shipping_bin) {
    api.Must("POST", bins, {{"code", "SHIP-01"}, {"kind", "shipping"}}, 201);
  }
  json sku = SkuBody(Unique("MILK"));
  sku["category"] = "maternal_infant";
  sku["hs_code"] = "19011010";
  sku["legal_unit"] = "kg";
  sku["legal_quantity"] = 0.8;
  sku["positive_list"] = true;
  s.sku = api.Must("POST", "/api/v1/skus", sku, 201)["id"];
  if (stock > 0) {
    api.Must("POST", "/api/v1/adjustments",
             {{"warehouse_id", s.warehouse},
              {"bin_id", s.bin},
              {"sku_id", s.sku},
              {"quantity", stock},
              {"reason_code", "initial"}},
             201);
  }
  return s;
}

}  // namespace xb::apitest
