#include "flows/orders/declaration_builder.h"

#include <gtest/gtest.h>

namespace xb::orders_flow {
namespace {

using orders::Mode;

orders::Order SplitOrder() {
  orders::Order o;
  o.id = orders::OrderId(42);
  o.tenant_id = TenantId(7);
  o.channel_order_no = "TM-42";
  o.buyer = {"Zhang San", "id_card", "110101199003071234", "13800138000"};
  o.address.consignee = "Zhang San";
  o.payment = {"P42", "Zhang San", "id_card", "110101199003071234", 0};
  const auto line = [](std::int64_t no, std::int64_t sku, std::int64_t price, Mode mode,
                       std::int64_t warehouse, std::int64_t vat) {
    orders::OrderLine l;
    l.line_no = no;
    l.sku_id = sku;
    l.quantity = 1;
    l.unit_price_fen = price;
    l.mode = mode;
    l.warehouse_id = warehouse;
    l.shipment_ref = mode == Mode::kBackorder ? ""
                                              : "W" + std::to_string(warehouse) +
                                                    (mode == Mode::kBonded1210 ? "-1210" : "-9610");
    l.vat_fen = vat;
    return l;
  };
  o.lines = {line(1, 1, 10000, Mode::kBonded1210, 3, 910),
             line(2, 2, 20000, Mode::kDirectMail9610, 5, 1820),
             line(3, 3, 30000, Mode::kBonded1210, 3, 2730)};
  o.freight_fen = 1001;
  o.discount_fen = 600;
  o.tax_fen = 910 + 1820 + 2730;
  o.paid_fen = 60000 + 1001 - 600 + o.tax_fen;
  o.payment.amount_fen = o.paid_fen;
  return o;
}

std::vector<SkuFacts> Facts() {
  std::vector<SkuFacts> f(3);
  for (int i = 0; i < 3; ++i) {
    f[static_cast<std::size_t>(i)].sku_id = i + 1;
    f[static_cast<std::size_t>(i)].code = "SKU" + std::to_string(i + 1);
    f[static_cast<std::size_t>(i)].hs_code = "19011010";
    f[static_cast<std::size_t>(i)].weight_g = 100 * (i + 1);
  }
  return f;
}

TEST(Numbers, WaybillNumbersAreDerivedFromTheOrderAndShipment) {
  EXPECT_EQ(WaybillNo(TenantId(7), 42, 2), "WB7000000004202");
}

TEST(Shipments, LinesOfOneWarehouseAndModeShareOneInOrderOfFirstLine) {
  auto o = SplitOrder();
  auto s = ShipmentsOf(o);
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(s[0].shipment_ref, "W3-1210");
  EXPECT_EQ(s[0].seq, 1);
  EXPECT_EQ(s[0].lines, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(s[1].shipment_ref, "W5-9610");
  o.lines[1].mode = Mode::kBackorder;
  o.lines[1].shipment_ref.clear();
  EXPECT_EQ(ShipmentsOf(o).size(), 1U);
}

TEST(BuildDeclaration, EachShipmentsRecordsMatchOnTheirOwnAndAddUpToTheOrder) {
  const auto o = SplitOrder();
  const auto shipments = ShipmentsOf(o);
  const auto facts = Facts();
  std::int64_t freight = 0, discount = 0, paid = 0, tax = 0;
  for (const auto& s : shipments) {
    DeclarationInput in;
    in.order = &o;
    in.shipment = &s;
    in.all_shipments = shipments;
    in.skus = facts;
    in.ems_no = "T3105W000001";
    in.now = Timestamp::FromMicros(1);
    auto d = BuildDeclaration(in);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_TRUE(customs::AllPassed(d->checks));
    EXPECT_EQ(d->order.order_no, "TM-42-" + std::to_string(s.seq));
    EXPECT_EQ(d->list.trade_mode, s.mode == Mode::kBonded1210 ? "1210" : "9610");
    EXPECT_EQ(d->list.ems_no, s.mode == Mode::kBonded1210 ? "T3105W000001" : "");
    EXPECT_EQ(d->state, customs::DeclarationState::kQueued);
    EXPECT_TRUE(d->list.list_no.empty());  // the store numbers it
    EXPECT_EQ(d->waybill.waybill_no, WaybillNo(TenantId(7), 42, s.seq));
    freight += d->order.freight_fen;
    discount += d->order.discount_fen;
    paid += d->payment.amount_fen;
    tax += d->order.tax_fen;
  }
  EXPECT_EQ(freight, 1001);
  EXPECT_EQ(discount, 600);
  EXPECT_EQ(tax, o.tax_fen);
  EXPECT_EQ(paid, o.paid_fen);
}

TEST(BuildDeclaration, AnUnsplitOrderKeepsItsNumberAndPayment) {
  auto o = SplitOrder();
  for (auto& l : o.lines) {
    l.mode = Mode::kBonded1210;
    l.warehouse_id = 3;
    l.shipment_ref = "W3-1210";
  }
  const auto shipments = ShipmentsOf(o);
  ASSERT_EQ(shipments.size(), 1U);
  const auto facts = Facts();
  DeclarationInput in{&o, &shipments[0], shipments, facts, "T1", "key-a", Timestamp()};
  auto d = BuildDeclaration(in);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->order.order_no, "TM-42");
  EXPECT_EQ(d->payment.amount_fen, o.paid_fen);
  EXPECT_EQ(d->waybill.weight_g, 100 + 200 + 300);
  EXPECT_EQ(d->signing_key, "key-a");
}

TEST(BuildDeclaration, RecordsThatDoNotMatchAreRefusedNamingTheCheck) {
  auto o = SplitOrder();
  o.payment.payer_name = "Li Si";
  for (auto& l : o.lines) {
    l.mode = Mode::kBonded1210;
    l.warehouse_id = 3;
    l.shipment_ref = "W3-1210";
  }
  const auto shipments = ShipmentsOf(o);
  const auto facts = Facts();
  DeclarationInput in{&o, &shipments[0], shipments, facts, "T1", "default", Timestamp()};
  auto d = BuildDeclaration(in);
  EXPECT_EQ(d.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(d.status().message().find("buyer_is_payer"), std::string::npos);
}

TEST(TaxInputOf, OneTaxLinePerOrderLineWithLegalQuantityOfTheWholeLine) {
  auto o = SplitOrder();
  o.lines[0].quantity = 2;
  auto facts = Facts();
  facts[0].legal_unit = "g";
  facts[0].legal_quantity_milli = 20'000;
  facts[0].consumption_tax_class = "high_end_cosmetics";
  auto in = TaxInputOf(o, facts, 5000);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_EQ(in->lines.size(), 3U);
  EXPECT_EQ(in->lines[0].ref, "1");
  EXPECT_EQ(in->lines[0].value_fen, 20000);
  EXPECT_EQ(in->lines[0].legal_quantity_milli, 40'000);
  EXPECT_EQ(in->lines[0].consumption_tax, customs::ConsumptionTaxMode::kHighEndCosmetics);
  EXPECT_EQ(in->annual_used_fen, 5000);
  EXPECT_EQ(in->freight_fen, 1001);
  facts.pop_back();
  EXPECT_EQ(TaxInputOf(o, facts, 0).status().field(), "lines[2].sku_id");
}

}  // namespace
}  // namespace xb::orders_flow
