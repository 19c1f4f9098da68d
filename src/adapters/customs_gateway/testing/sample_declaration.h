// A declaration whose documents agree (one tin of milk powder, 200.00 + 10.00 freight + 18.20
// tax = 228.20 paid), for the tests of the gateway and the sandbox. Tests change one thing in it
// to make one check fail.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/customs_gateway/ceb_json.h"

namespace xb::customs_gateway::testing {

// A resident identity card number with a valid ISO 7064 MOD 11-2 check character.
inline constexpr const char* kBuyerIdNumber = "110101199003071233";

inline customs::DocLine SampleLine(std::string sku, std::string hs, std::int64_t quantity,
                                   std::int64_t price_fen) {
  customs::DocLine l;
  l.sku_code = std::move(sku);
  l.hs_code = std::move(hs);
  l.name = "infant milk powder 800 g";
  l.quantity = quantity;
  l.legal_quantity_milli = 800'000 * quantity;
  l.legal_unit = "g";
  l.price_fen = price_fen;
  return l;
}

// The documents of `list_no` with these lines; amounts follow from the lines (tax as given).
inline CebDeclaration SampleDeclaration(
    const std::string& list_no = "XB00000100000001",
    std::vector<customs::DocLine> lines = {SampleLine("SKU-1", "19011010", 1, 20'000)},
    std::int64_t tax_fen = 1'820) {
  CebDeclaration m;
  m.signing_key = "default";
  customs::Identity buyer{"张三", "id_card", kBuyerIdNumber};
  std::int64_t goods = 0;
  for (const auto& l : lines) goods += l.price_fen;
  const std::string order_no = "TM-" + list_no;
  const std::int64_t freight = 1'000;

  m.order.order_no = order_no;
  m.order.buyer = buyer;
  m.order.buyer_phone = "13800138000";
  m.order.lines = lines;
  m.order.goods_fen = goods;
  m.order.freight_fen = freight;
  m.order.tax_fen = tax_fen;
  m.order.paid_fen = goods + freight + tax_fen;

  m.payment.order_no = order_no;
  m.payment.payment_no = "PAY-" + list_no;
  m.payment.payer = buyer;
  m.payment.amount_fen = m.order.paid_fen;

  m.waybill.waybill_no = "WB-" + list_no;
  m.waybill.order_no = order_no;
  m.waybill.consignee = buyer.name;
  m.waybill.weight_g = 950;
  m.waybill.freight_fen = freight;

  m.list.list_no = list_no;
  m.list.order_no = order_no;
  m.list.waybill_no = m.waybill.waybill_no;
  m.list.trade_mode = "1210";
  m.list.ems_no = "T2923W000001";
  m.list.buyer = buyer;
  m.list.lines = std::move(lines);
  m.list.goods_fen = goods;
  m.list.tax_fen = tax_fen;
  return m;
}

}  // namespace xb::customs_gateway::testing
