#include "adapters/customs_gateway/ceb_json.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "adapters/customs_gateway/testing/sample_declaration.h"

namespace xb::customs_gateway {
namespace {

using nlohmann::json;
using testing::SampleDeclaration;
using testing::SampleLine;

void ExpectSameLines(const std::vector<customs::DocLine>& a,
                     const std::vector<customs::DocLine>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].sku_code, b[i].sku_code);
    EXPECT_EQ(a[i].hs_code, b[i].hs_code);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].quantity, b[i].quantity);
    EXPECT_EQ(a[i].legal_quantity_milli, b[i].legal_quantity_milli);
    EXPECT_EQ(a[i].legal_unit, b[i].legal_unit);
    EXPECT_EQ(a[i].price_fen, b[i].price_fen);
  }
}

TEST(CebJson, DeclarationRoundTripKeepsEveryField) {
  CebDeclaration m = SampleDeclaration(
      "XB1", {SampleLine("A", "19011010", 2, 40'000), SampleLine("B", "3304990000", 1, 12'345)},
      4'321);
  m.order.insurance_fen = 150;
  m.order.discount_fen = 75;
  m.order.paid_fen += 150 - 75;
  m.payment.amount_fen = m.order.paid_fen;
  m.list.lines[1].legal_quantity_milli = 20'500;

  auto back = DeclarationFromJson(DeclarationToJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->signing_key, "default");
  EXPECT_EQ(back->order.order_no, m.order.order_no);
  EXPECT_EQ(back->order.buyer, m.order.buyer);
  EXPECT_EQ(back->order.buyer_phone, m.order.buyer_phone);
  ExpectSameLines(back->order.lines, m.order.lines);
  EXPECT_EQ(back->order.goods_fen, m.order.goods_fen);
  EXPECT_EQ(back->order.freight_fen, m.order.freight_fen);
  EXPECT_EQ(back->order.insurance_fen, 150);
  EXPECT_EQ(back->order.discount_fen, 75);
  EXPECT_EQ(back->order.tax_fen, 4'321);
  EXPECT_EQ(back->order.paid_fen, m.order.paid_fen);
  EXPECT_EQ(back->payment.order_no, m.payment.order_no);
  EXPECT_EQ(back->payment.payment_no, m.payment.payment_no);
  EXPECT_EQ(back->payment.payer, m.payment.payer);
  EXPECT_EQ(back->payment.amount_fen, m.payment.amount_fen);
  EXPECT_EQ(back->waybill.waybill_no, m.waybill.waybill_no);
  EXPECT_EQ(back->waybill.order_no, m.waybill.order_no);
  EXPECT_EQ(back->waybill.consignee, m.waybill.consignee);
  EXPECT_EQ(back->waybill.weight_g, 950);
  EXPECT_EQ(back->waybill.freight_fen, 1'000);
  EXPECT_EQ(back->list.list_no, "XB1");
  EXPECT_EQ(back->list.order_no, m.list.order_no);
  EXPECT_EQ(back->list.waybill_no, m.list.waybill_no);
  EXPECT_EQ(back->list.trade_mode, "1210");
  EXPECT_EQ(back->list.ems_no, "T2923W000001");
  EXPECT_EQ(back->list.buyer, m.list.buyer);
  ExpectSameLines(back->list.lines, m.list.lines);
  EXPECT_EQ(back->list.goods_fen, m.list.goods_fen);
  EXPECT_EQ(back->list.tax_fen, 4'321);
}

TEST(CebJson, MoneyAndLegalQuantitiesAreDecimalText) {
  CebDeclaration m = SampleDeclaration();
  m.list.lines[0].legal_quantity_milli = 20'500;
  const json doc = json::parse(DeclarationToJson(m));
  EXPECT_EQ(doc["list_no"], "XB00000100000001");
  EXPECT_EQ(doc["order"]["paid"], "228.20");
  EXPECT_EQ(doc["order"]["tax"], "18.20");
  EXPECT_EQ(doc["payment"]["amount"], "228.20");
  EXPECT_EQ(doc["order"]["lines"][0]["price"], "200.00");
  EXPECT_EQ(doc["order"]["lines"][0]["legal_quantity"], "800");
  EXPECT_EQ(doc["list"]["lines"][0]["legal_quantity"], "20.5");
  EXPECT_EQ(doc["order"]["lines"][0]["quantity"], 1);
}

TEST(CebJson, FromDeclarationTakesTheDocumentsAndSigningKey) {
  const CebDeclaration sample = SampleDeclaration("XB7");
  customs::Declaration d;
  d.signing_key = "key-b";
  d.order = sample.order;
  d.payment = sample.payment;
  d.waybill = sample.waybill;
  d.list = sample.list;
  const CebDeclaration m = FromDeclaration(d);
  EXPECT_EQ(m.signing_key, "key-b");
  EXPECT_EQ(m.list.list_no, "XB7");
  EXPECT_EQ(m.payment.amount_fen, sample.payment.amount_fen);
}

// Parses `doc` after `edit`, expecting a refusal naming `field`.
void ExpectRefusal(const std::function<void(json&)>& edit, const std::string& field) {
  json doc = json::parse(DeclarationToJson(SampleDeclaration()));
  edit(doc);
  auto parsed = DeclarationFromJson(doc.dump());
  ASSERT_FALSE(parsed.ok()) << field;
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(field), std::string::npos)
      << parsed.status().message() << " should name " << field;
}

TEST(CebJson, MissingOrMistypedFieldsAreNamed) {
  ExpectRefusal([](json& d) { d["payment"].erase("amount"); }, "payment.amount");
  ExpectRefusal([](json& d) { d["order"]["lines"][0]["quantity"] = "1"; },
                "order.lines[0].quantity");
  ExpectRefusal([](json& d) { d["order"]["paid"] = 228.2; }, "order.paid");
  ExpectRefusal([](json& d) { d["order"]["paid"] = "228.2.0"; }, "order.paid");
  ExpectRefusal([](json& d) { d["list"]["lines"][0]["legal_quantity"] = "1.2345"; },
                "list.lines[0].legal_quantity");
  ExpectRefusal([](json& d) { d.erase("waybill"); }, "waybill");
  ExpectRefusal([](json& d) { d["list"]["buyer"].erase("id_number"); }, "list.buyer.id_number");
  ExpectRefusal([](json& d) { d["list"]["lines"] = json::object(); }, "list.lines");
  ExpectRefusal([](json& d) { d["signing_key"] = ""; }, "signing_key");
  ExpectRefusal([](json& d) { d["list_no"] = "OTHER"; }, "list_no");
}

TEST(CebJson, UnparsableBodyIsRefused) {
  for (const std::string body : {"", "{", "[1,2]", "\"text\"", "{\"list_no\":"}) {
    auto parsed = DeclarationFromJson(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("body"), std::string::npos);
  }
}

TEST(CebJson, ReceiptPageRoundTrip) {
  CebReceiptPage page;
  page.next = 42;
  CebReceipt a;
  a.seq = 41;
  a.receipt = {"R-1", "XB1", customs::ReceiptKind::kAccepted, "", Timestamp::FromMicros(1'000'000)};
  CebReceipt b;
  b.seq = 42;
  b.receipt = {"R-2", "XB1", customs::ReceiptKind::kInspectionHold, "selected for inspection",
               Timestamp::FromMicros(1'200'000)};
  page.receipts = {a, b};
  const std::string text = ReceiptPageToJson(page);
  const json doc = json::parse(text);
  EXPECT_EQ(doc["receipts"][1]["kind"], "inspection_hold");
  EXPECT_EQ(doc["next"], 42);

  auto back = ReceiptPageFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->next, 42);
  ASSERT_EQ(back->receipts.size(), 2U);
  EXPECT_EQ(back->receipts[0].seq, 41);
  EXPECT_EQ(back->receipts[0].receipt.receipt_id, "R-1");
  EXPECT_EQ(back->receipts[0].receipt.kind, customs::ReceiptKind::kAccepted);
  EXPECT_EQ(back->receipts[1].receipt.kind, customs::ReceiptKind::kInspectionHold);
  EXPECT_EQ(back->receipts[1].receipt.reason, "selected for inspection");
  EXPECT_EQ(back->receipts[1].receipt.at, Timestamp::FromMicros(1'200'000));
}

TEST(CebJson, ReceiptOfUnknownKindIsRefused) {
  auto r = ReceiptFromJson(
      R"({"seq":1,"receipt_id":"R","list_no":"XB1","kind":"lost","reason":"","at":"2026-11-26T00:00:00Z"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("kind"), std::string::npos);
  auto page = ReceiptPageFromJson(R"({"receipts":[{"seq":1}],"next":1})");
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.status().message().find("receipts[0].receipt_id"), std::string::npos);
}

TEST(CebJson, AnswersAndErrors) {
  auto id = AcceptedFromJson(AcceptedToJson("CEB621-XB1"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "CEB621-XB1");
  EXPECT_FALSE(AcceptedFromJson("{}").ok());
  EXPECT_EQ(ErrorFromJson(ErrorToJson("list_no: is required")), "list_no: is required");
  EXPECT_EQ(ErrorFromJson(R"({"error":{"code":"INVALID_ARGUMENT","message":"too large"}})"),
            "too large");
  EXPECT_EQ(ErrorFromJson("plain text"), "plain text");
}

}  // namespace
}  // namespace xb::customs_gateway
