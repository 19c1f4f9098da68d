#include "domain/customs/documents.h"

#include <gtest/gtest.h>

namespace xb::customs {
namespace {

constexpr const char* kValidId = "110101199003071233";   // check character 3
constexpr const char* kValidIdX = "11010519491231002X";  // the GB 11643 example

Identity Buyer() { return Identity{"张三", "id_card", kValidId}; }

TEST(IdentityTest, ResidentIdCheckCharacterIsIso7064Mod11_2) {
  EXPECT_TRUE(ValidateIdentity(Buyer()).ok());
  EXPECT_TRUE(ValidateIdentity(Identity{"李四", "id_card", kValidIdX}).ok());
  EXPECT_TRUE(ValidateIdentity(Identity{"王五", "id_card", "110101199003071217"}).ok());
  // Every other check character is refused.
  for (char c : std::string("0124567890X")) {
    if (c == '3') continue;
    std::string n = kValidId;
    n[17] = c;
    const Status st = ValidateIdentity(Identity{"张三", "id_card", n});
    EXPECT_EQ(st.field(), "id_number") << c;
    EXPECT_NE(st.message().find("MOD 11-2"), std::string::npos) << st.message();
  }
  // A lower-case x is not the check character X.
  EXPECT_FALSE(ValidateIdentity(Identity{"李四", "id_card", "11010519491231002x"}).ok());
}

TEST(IdentityTest, ResidentIdShape) {
  const auto field = [](std::string number) {
    return ValidateIdentity(Identity{"张三", "id_card", std::move(number)}).field();
  };
  EXPECT_EQ(field("11010119900307123"), "id_number");    // 17 characters
  EXPECT_EQ(field("1101011990030712333"), "id_number");  // 19
  EXPECT_EQ(field("11010119900A071233"), "id_number");   // a letter among the digits
  EXPECT_EQ(field("110101199013071230"), "id_number");   // month 13
  EXPECT_EQ(field("110101199002301234"), "id_number");   // 30 February
}

TEST(IdentityTest, MessagesNeverHoldTheNumber) {
  std::string n = kValidId;
  n[17] = '9';
  const Status st = ValidateIdentity(Identity{"张三", "id_card", n});
  EXPECT_EQ(st.message().find(n), std::string::npos);
  EXPECT_EQ(st.message().find("199003071"), std::string::npos);
}

TEST(IdentityTest, OtherDocumentsAreLettersAndDigits) {
  EXPECT_TRUE(ValidateIdentity(Identity{"John Smith", "passport", "E12345678"}).ok());
  EXPECT_EQ(ValidateIdentity(Identity{"John Smith", "passport", "E12"}).field(), "id_number");
  EXPECT_EQ(ValidateIdentity(Identity{"John Smith", "passport", "E123-4567"}).field(), "id_number");
  EXPECT_EQ(ValidateIdentity(Identity{"John Smith", "Passport!", "E12345678"}).field(), "id_type");
  EXPECT_EQ(ValidateIdentity(Identity{" ", "passport", "E12345678"}).field(), "name");
}

TEST(MaskTest, IdNumbersKeepTheFirstThreeAndLastFour) {
  EXPECT_EQ(MaskIdNumber("110101199003071234"), "110***********1234");
  EXPECT_EQ(MaskIdNumber(kValidIdX), "110***********002X");
  EXPECT_EQ(MaskIdNumber("E12345678"), "*******78");  // short: all but the last two
  EXPECT_EQ(MaskIdNumber("AB"), "*B");
  EXPECT_EQ(MaskIdNumber(""), "");
}

TEST(MaskTest, PhonesKeepTheFirstThreeAndLastFour) {
  EXPECT_EQ(MaskPhone("13800138000"), "138****8000");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("12345"), "***45");
}

// ---- the three documents ----

struct Docs {
  OrderDoc order;
  PaymentDoc payment;
  WaybillDoc waybill;
  DeclarationListDoc list;
};

Docs GoodDocs() {
  Docs d;
  DocLine milk{"SKU-MILK", "19011010", "Milk powder 800 g", 1, 800000, "g", 20000};
  DocLine cream{"SKU-CREAM", "33049900", "Face cream 20 g", 2, 40000, "g", 85000};
  d.order.order_no = "TM-1001";
  d.order.buyer = Buyer();
  d.order.buyer_phone = "13800138000";
  d.order.lines = {milk, cream};
  d.order.goods_fen = 105000;
  d.order.freight_fen = 1000;
  d.order.insurance_fen = 100;
  d.order.discount_fen = 500;
  d.order.tax_fen = 21660;
  d.order.paid_fen = 105000 + 1000 + 100 - 500 + 21660;
  d.payment = PaymentDoc{"TM-1001", "PAY-77", Buyer(), d.order.paid_fen};
  d.waybill = WaybillDoc{"WB-9", "TM-1001", "张三", 1200, 1000};
  d.list.list_no = "XB0000010000000001";
  d.list.order_no = "TM-1001";
  d.list.waybill_no = "WB-9";
  d.list.trade_mode = "1210";
  d.list.ems_no = "T2921W000001";
  d.list.buyer = Buyer();
  d.list.lines = {cream, milk};  // order of lines does not matter
  d.list.goods_fen = 105000;
  d.list.tax_fen = 21660;
  return d;
}

std::vector<DocCheck> Match(const Docs& d) {
  return MatchThreeDocuments(&d.order, &d.payment, &d.waybill, &d.list);
}

DocCheck Named(const std::vector<DocCheck>& checks, std::string_view name) {
  for (const DocCheck& c : checks) {
    if (c.check == name) return c;
  }
  ADD_FAILURE() << "no check " << name;
  return DocCheck{"absent", false, ""};
}

TEST(ThreeDocumentsTest, MatchingDocumentsPassEveryCheckInAFixedOrder) {
  const auto checks = Match(GoodDocs());
  ASSERT_EQ(checks.size(), 7U);
  const std::vector<std::string> names = {
      "present",       "same_order",     "waybill_matches_list",  "buyer_is_payer",
      "paid_equation", "payment_amount", "list_lines_match_order"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(checks[i].check, names[i]);
    EXPECT_TRUE(checks[i].passed) << names[i] << ": " << checks[i].detail;
  }
  EXPECT_TRUE(AllPassed(checks));
  EXPECT_EQ(Named(checks, "paid_equation").detail,
            "goods 1050.00 + freight 10.00 + insurance 1.00 - discount 5.00 + tax 216.60 = "
            "1272.60 = paid 1272.60");
  // The texts stored with every declaration.
  EXPECT_EQ(checks[0].detail, "order, payment, waybill and list present");
  EXPECT_EQ(checks[1].detail, "order TM-1001; payment TM-1001; waybill TM-1001; list TM-1001");
  EXPECT_EQ(checks[2].detail, "waybill WB-9; list names waybill WB-9");
  EXPECT_EQ(checks[3].detail,
            "buyer 张三 id_card 110***********1233 = payer 张三 id_card 110***********1233");
  EXPECT_EQ(checks[5].detail, "payment PAY-77 amount 1272.60 = order paid 1272.60");
  EXPECT_EQ(checks[6].detail,
            "2 order line(s) = 2 list line(s), goods 1050.00, tax 216.60, same buyer");
}

TEST(ThreeDocumentsTest, ALineOnlyOnTheListIsNamedAfterTheOrdersLinesMatch) {
  Docs d = GoodDocs();
  d.list.lines.push_back({"SKU-AAA", "19011010", "Extra", 0, 1000, "g", 0});
  const DocCheck c = Named(Match(d), "list_lines_match_order");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "SKU SKU-AAA (HS 19011010) is on the list but not on the order");
}

TEST(ThreeDocumentsTest, DetailsNeverHoldWholeIdNumbers) {
  Docs d = GoodDocs();
  d.payment.payer.id_number = kValidIdX;
  for (const DocCheck& c : Match(d)) {
    EXPECT_EQ(c.detail.find(kValidId), std::string::npos) << c.check;
    EXPECT_EQ(c.detail.find(kValidIdX), std::string::npos) << c.check;
  }
  EXPECT_NE(Named(Match(d), "buyer_is_payer").detail.find("110***********1233"), std::string::npos);
}

TEST(ThreeDocumentsTest, AbsentDocumentsFailPresentAndTheChecksThatNeedThem) {
  const Docs d = GoodDocs();
  const auto checks = MatchThreeDocuments(&d.order, nullptr, &d.waybill, nullptr);
  ASSERT_EQ(checks.size(), 7U);
  EXPECT_FALSE(checks[0].passed);
  EXPECT_EQ(checks[0].detail, "missing: payment, list");
  EXPECT_FALSE(Named(checks, "same_order").passed);
  EXPECT_FALSE(Named(checks, "waybill_matches_list").passed);
  EXPECT_FALSE(Named(checks, "buyer_is_payer").passed);
  EXPECT_TRUE(Named(checks, "paid_equation").passed);  // needs only the order
  EXPECT_FALSE(Named(checks, "payment_amount").passed);
  EXPECT_FALSE(AllPassed(checks));
  EXPECT_FALSE(AllPassed({}));
  EXPECT_EQ(MatchThreeDocuments(nullptr, nullptr, nullptr, nullptr)[0].detail,
            "missing: order, payment, waybill, list");
}

TEST(ThreeDocumentsTest, ARecordOfAnotherOrderFailsSameOrder) {
  Docs d = GoodDocs();
  d.payment.order_no = "TM-1002";
  const DocCheck c = Named(Match(d), "same_order");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "order TM-1001; payment TM-1002; waybill TM-1001; list TM-1001");
}

TEST(ThreeDocumentsTest, TheListMustNameTheWaybill) {
  Docs d = GoodDocs();
  d.list.waybill_no = "WB-10";
  const DocCheck c = Named(Match(d), "waybill_matches_list");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "waybill WB-9; list names waybill WB-10");
}

TEST(ThreeDocumentsTest, BuyerMustBePayer) {
  Docs d = GoodDocs();
  d.payment.payer = Identity{"李四", "id_card", kValidIdX};
  const auto checks = Match(d);
  const DocCheck c = Named(checks, "buyer_is_payer");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail,
            "buyer 张三 id_card 110***********1233 != payer 李四 id_card 110***********002X");
  EXPECT_FALSE(AllPassed(checks));
  d = GoodDocs();
  d.payment.payer.name = "张 三";
  EXPECT_FALSE(Named(Match(d), "buyer_is_payer").passed);
}

TEST(ThreeDocumentsTest, PaidMustBeGoodsPlusFreightMinusDiscountPlusTax) {
  Docs d = GoodDocs();
  d.order.paid_fen -= 1;
  d.payment.amount_fen = d.order.paid_fen;
  const auto checks = Match(d);
  const DocCheck c = Named(checks, "paid_equation");
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.detail.find("= 1272.60 != paid 1272.59"), std::string::npos) << c.detail;
  EXPECT_TRUE(Named(checks, "payment_amount").passed);
}

TEST(ThreeDocumentsTest, PaymentAmountMustBeWhatTheOrderSaysWasPaid) {
  Docs d = GoodDocs();
  d.payment.amount_fen = 127000;
  const DocCheck c = Named(Match(d), "payment_amount");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "payment PAY-77 amount 1270.00 != order paid 1272.60");
}

TEST(ThreeDocumentsTest, ListLinesMustMatchTheOrder) {
  Docs d = GoodDocs();
  d.list.lines[0].quantity = 3;
  DocCheck c = Named(Match(d), "list_lines_match_order");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "SKU SKU-CREAM (HS 33049900): order 2 for 850.00, list 3 for 850.00");

  d = GoodDocs();
  d.list.lines.pop_back();
  c = Named(Match(d), "list_lines_match_order");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "SKU SKU-MILK (HS 19011010) is on the order but not on the list");

  d = GoodDocs();
  d.list.lines[1].hs_code = "19011090";
  EXPECT_FALSE(Named(Match(d), "list_lines_match_order").passed);

  d = GoodDocs();
  d.list.tax_fen = 0;
  c = Named(Match(d), "list_lines_match_order");
  EXPECT_EQ(c.detail, "list tax 0.00 != order tax 216.60");

  d = GoodDocs();
  d.order.goods_fen += 100;
  d.list.goods_fen += 100;
  c = Named(Match(d), "list_lines_match_order");
  EXPECT_EQ(c.detail, "order lines add up to 1050.00 but the order's goods value is 1051.00");

  d = GoodDocs();
  d.list.lines[0].legal_quantity_milli = 0;
  c = Named(Match(d), "list_lines_match_order");
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.detail.find("legal quantity"), std::string::npos);

  d = GoodDocs();
  d.list.buyer.name = "李四";
  EXPECT_FALSE(Named(Match(d), "list_lines_match_order").passed);
}

// ---- receipts ----

TEST(ReceiptTest, TheHappyPathAndHolds) {
  using S = DeclarationState;
  using K = ReceiptKind;
  EXPECT_EQ(*ApplyReceipt(S::kSubmitted, K::kAccepted), S::kAccepted);
  EXPECT_EQ(*ApplyReceipt(S::kAccepted, K::kReleased), S::kReleased);
  EXPECT_EQ(*ApplyReceipt(S::kAccepted, K::kInspectionHold), S::kInspectionHold);
  EXPECT_EQ(*ApplyReceipt(S::kInspectionHold, K::kReleased), S::kReleased);
  EXPECT_EQ(*ApplyReceipt(S::kInspectionHold, K::kRejected), S::kRejected);
  EXPECT_EQ(*ApplyReceipt(S::kSubmitted, K::kRejected), S::kRejected);
  EXPECT_EQ(*ApplyReceipt(S::kReleased, K::kReturned), S::kReturned);
  // A receipt may overtake the submitter's own state change.
  EXPECT_EQ(*ApplyReceipt(S::kQueued, K::kAccepted), S::kAccepted);
  EXPECT_EQ(*ApplyReceipt(S::kSubmitted, K::kReleased), S::kReleased);
}

TEST(ReceiptTest, CancelOnlyBeforeCustomsDecided) {
  using S = DeclarationState;
  using K = ReceiptKind;
  EXPECT_EQ(*ApplyReceipt(S::kQueued, K::kCancelled), S::kCancelled);
  EXPECT_EQ(*ApplyReceipt(S::kSubmitted, K::kCancelled), S::kCancelled);
  EXPECT_EQ(*ApplyReceipt(S::kAccepted, K::kCancelled), S::kCancelled);
  EXPECT_FALSE(ApplyReceipt(S::kReleased, K::kCancelled).ok());
  EXPECT_FALSE(ApplyReceipt(S::kInspectionHold, K::kCancelled).ok());
}

TEST(ReceiptTest, RepeatsAndLateAcceptancesChangeNothing) {
  using S = DeclarationState;
  using K = ReceiptKind;
  EXPECT_EQ(*ApplyReceipt(S::kReleased, K::kReleased), S::kReleased);
  EXPECT_EQ(*ApplyReceipt(S::kRejected, K::kRejected), S::kRejected);
  EXPECT_EQ(*ApplyReceipt(S::kReleased, K::kAccepted), S::kReleased);
  EXPECT_EQ(*ApplyReceipt(S::kInspectionHold, K::kAccepted), S::kInspectionHold);
}

TEST(ReceiptTest, ImpossibleReceiptsNameBothStates) {
  using S = DeclarationState;
  using K = ReceiptKind;
  auto r = ApplyReceipt(S::kRejected, K::kReleased);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("released"), std::string::npos);
  EXPECT_NE(r.status().message().find("rejected"), std::string::npos);
  EXPECT_FALSE(ApplyReceipt(S::kReleased, K::kRejected).ok());
  EXPECT_FALSE(ApplyReceipt(S::kReleased, K::kInspectionHold).ok());
  EXPECT_FALSE(ApplyReceipt(S::kCancelled, K::kAccepted).ok());
  EXPECT_FALSE(ApplyReceipt(S::kCancelled, K::kReleased).ok());
  EXPECT_FALSE(ApplyReceipt(S::kAccepted, K::kReturned).ok());
  EXPECT_FALSE(ApplyReceipt(S::kReturned, K::kReleased).ok());
}

TEST(ReceiptTest, EnumNames) {
  EXPECT_EQ(EnumChoices(DeclarationState{}).size(), 8U);
  EXPECT_EQ(
      EnumChoices(DeclarationState{})[static_cast<std::size_t>(DeclarationState::kInspectionHold)],
      "inspection_hold");
  EXPECT_EQ(EnumChoices(ReceiptKind{}).size(), 6U);
  EXPECT_EQ(EnumChoices(ReceiptKind{})[static_cast<std::size_t>(ReceiptKind::kReturned)],
            "returned");
}

}  // namespace
}  // namespace xb::customs
