#include "flows/orders/declaration_builder.h"

#include <algorithm>
#include <utility>

namespace xb::orders_flow {
namespace {

__extension__ using Wide = __int128;  // amount x value fits; the quotient is at most the amount

template <class E>
std::string EnumText(E value) {
  return std::string(catalog::EnumChoices(value)[static_cast<std::size_t>(value)]);
}

std::string Padded(std::int64_t value, int width) {
  std::string text = std::to_string(value < 0 ? 0 : value);
  if (static_cast<int>(text.size()) < width) {
    text.insert(0, static_cast<std::size_t>(width) - text.size(), '0');
  }
  return text;
}

std::int64_t LineValue(const orders::OrderLine& l) {
  return l.quantity * l.unit_price_fen - l.discount_fen;
}

// `amount` spread over the lines in proportion to their value, the remainder fen to the last
// line (all of it to the last line when every value is 0) — as the tax engine spreads it.
std::vector<std::int64_t> Spread(const orders::Order& order, std::int64_t amount) {
  std::vector<std::int64_t> parts(order.lines.size(), 0);
  if (parts.empty()) return parts;
  Wide total = 0;
  for (const auto& l : order.lines) total += LineValue(l);
  std::int64_t given = 0;
  if (total > 0) {
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      parts[i] =
          static_cast<std::int64_t>(static_cast<Wide>(amount) * LineValue(order.lines[i]) / total);
      given += parts[i];
    }
  }
  parts.back() = amount - given;
  return parts;
}

const SkuFacts* FactsFor(std::span<const SkuFacts> skus, std::int64_t sku_id) {
  for (const auto& f : skus) {
    if (f.sku_id == sku_id) return &f;
  }
  return nullptr;
}

}  // namespace

SkuFacts FactsOf(const catalog::Sku& sku) {
  SkuFacts f;
  f.sku_id = sku.id.value();
  f.code = sku.code;
  f.name = sku.name;
  f.hs_code = sku.hs_code;
  f.vat_class = EnumText(sku.vat_class);
  f.consumption_tax_class = EnumText(sku.consumption_tax_class);
  f.legal_unit = EnumText(sku.legal_unit);
  f.legal_quantity_milli = sku.legal_quantity.value;
  f.weight_g = sku.weight_g;
  f.positive_list = sku.positive_list;
  f.active = sku.status == RecordStatus::kActive;
  return f;
}

Result<customs::TaxInput> TaxInputOf(const orders::Order& order, std::span<const SkuFacts> skus,
                                     std::int64_t annual_used_fen) {
  customs::TaxInput in;
  in.date = order.order_date;
  in.annual_used_fen = annual_used_fen;
  in.freight_fen = order.freight_fen;
  in.insurance_fen = order.insurance_fen;
  in.discount_fen = order.discount_fen;
  in.lines.reserve(order.lines.size());
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const orders::OrderLine& l = order.lines[i];
    const SkuFacts* f = FactsFor(skus, l.sku_id);
    if (f == nullptr) {
      const std::string field = "lines[" + std::to_string(i) + "].sku_id";
      return InvalidArgument(field + ": unknown SKU " + std::to_string(l.sku_id), field);
    }
    customs::TaxLineInput t;
    t.ref = std::to_string(l.line_no);
    t.value_fen = LineValue(l);
    t.quantity = l.quantity;
    t.legal_quantity_milli = f->legal_quantity_milli * l.quantity;
    t.legal_unit = f->legal_unit;
    t.hs_code = f->hs_code;
    t.vat_class = f->vat_class;
    t.consumption_tax = f->consumption_tax_class == "high_end_cosmetics"
                            ? customs::ConsumptionTaxMode::kHighEndCosmetics
                            : customs::ConsumptionTaxMode::kNone;
    in.lines.push_back(std::move(t));
  }
  return in;
}

std::vector<Shipment> ShipmentsOf(const orders::Order& order) {
  std::vector<Shipment> shipments;
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    const orders::OrderLine& l = order.lines[i];
    if (l.mode == orders::Mode::kBackorder || l.shipment_ref.empty()) continue;
    auto it = std::find_if(shipments.begin(), shipments.end(),
                           [&](const Shipment& s) { return s.shipment_ref == l.shipment_ref; });
    if (it == shipments.end()) {
      Shipment s;
      s.shipment_ref = l.shipment_ref;
      s.seq = static_cast<int>(shipments.size()) + 1;
      s.mode = l.mode;
      s.warehouse_id = l.warehouse_id;
      shipments.push_back(std::move(s));
      it = shipments.end() - 1;
    }
    it->lines.push_back(i);
  }
  return shipments;
}

std::string WaybillNo(TenantId tenant, std::int64_t order_id, int shipment_seq) {
  return "WB" + std::to_string(tenant.value()) + Padded(order_id, 10) + Padded(shipment_seq, 2);
}

Result<customs::Declaration> BuildDeclaration(const DeclarationInput& input) {
  if (input.order == nullptr || input.shipment == nullptr) {
    return InvalidArgument("declaration: the order and its shipment are required");
  }
  const orders::Order& order = *input.order;
  const Shipment& shipment = *input.shipment;
  const std::vector<std::int64_t> freight = Spread(order, order.freight_fen);
  const std::vector<std::int64_t> insurance = Spread(order, order.insurance_fen);
  const std::vector<std::int64_t> discount = Spread(order, order.discount_fen);

  const bool split = input.all_shipments.size() > 1 ||
                     std::any_of(order.lines.begin(), order.lines.end(),
                                 [](const auto& l) { return l.mode == orders::Mode::kBackorder; });
  const std::string order_no =
      split ? order.channel_order_no + "-" + std::to_string(shipment.seq) : order.channel_order_no;
  const std::string waybill_no = WaybillNo(order.tenant_id, order.id.value(), shipment.seq);

  customs::Declaration d;
  d.tenant_id = order.tenant_id;
  d.order_id = order.id.value();
  d.shipment_ref = shipment.shipment_ref;
  d.signing_key = input.signing_key.empty() ? "default" : input.signing_key;
  d.state = customs::DeclarationState::kQueued;
  d.next_attempt_at = input.now;
  d.created_at = input.now;
  d.updated_at = input.now;

  customs::OrderDoc& od = d.order;
  od.order_no = order_no;
  od.buyer = {order.buyer.name, order.buyer.id_type, order.buyer.id_number};
  od.buyer_phone = order.buyer.phone;
  std::int64_t weight_g = 0;
  for (std::size_t i : shipment.lines) {
    if (i >= order.lines.size()) return InvalidArgument("declaration: line index out of range");
    const orders::OrderLine& l = order.lines[i];
    const SkuFacts* f = FactsFor(input.skus, l.sku_id);
    if (f == nullptr) {
      return InvalidArgument("lines[" + std::to_string(i) + "].sku_id: no catalog facts for SKU " +
                             std::to_string(l.sku_id));
    }
    customs::DocLine dl;
    dl.sku_code = f->code;
    dl.hs_code = f->hs_code;
    dl.name = f->name;
    dl.quantity = l.quantity;
    dl.legal_quantity_milli = f->legal_quantity_milli * l.quantity;
    dl.legal_unit = f->legal_unit;
    dl.price_fen = LineValue(l);
    od.lines.push_back(std::move(dl));
    od.goods_fen += LineValue(l);
    od.freight_fen += freight[i];
    od.insurance_fen += insurance[i];
    od.discount_fen += discount[i];
    od.tax_fen += l.tariff_fen + l.consumption_tax_fen + l.vat_fen;
    weight_g += f->weight_g * l.quantity;
  }
  od.paid_fen = od.goods_fen + od.freight_fen + od.insurance_fen - od.discount_fen + od.tax_fen;

  d.payment.order_no = order_no;
  d.payment.payment_no = order.payment.payment_no;
  d.payment.payer = {order.payment.payer_name, order.payment.payer_id_type,
                     order.payment.payer_id_number};
  d.payment.amount_fen = split ? od.paid_fen : order.payment.amount_fen;

  d.waybill.waybill_no = waybill_no;
  d.waybill.order_no = order_no;
  d.waybill.consignee = order.address.consignee;
  d.waybill.weight_g = weight_g;
  d.waybill.freight_fen = od.freight_fen;

  customs::DeclarationListDoc& list = d.list;
  list.order_no = order_no;
  list.waybill_no = d.waybill.waybill_no;
  list.trade_mode = shipment.mode == orders::Mode::kBonded1210 ? "1210" : "9610";
  if (shipment.mode == orders::Mode::kBonded1210) list.ems_no = input.ems_no;
  list.buyer = od.buyer;
  list.lines = od.lines;
  list.goods_fen = od.goods_fen;
  list.tax_fen = od.tax_fen;

  d.checks = customs::MatchThreeDocuments(&d.order, &d.payment, &d.waybill, &d.list);
  for (const auto& c : d.checks) {
    if (!c.passed) {
      return FailedPrecondition("documents: " + c.check + " failed: " + c.detail, "documents");
    }
  }
  return d;
}

}  // namespace xb::orders_flow
