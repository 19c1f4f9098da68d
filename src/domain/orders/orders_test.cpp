#include "domain/orders/orders.h"

#include <gtest/gtest.h>

namespace xb::orders {
namespace {

Order Sample() {
  Order o;
  o.channel_id = 1;
  o.channel_order_no = "TM-1001";
  o.order_date = Date::FromYmd(2026, 11, 20).value();
  o.buyer = {"Zhang San", "id_card", "110101199003071234", "13800138000"};
  o.address = {"Zhang San", "13800138000", "Zhejiang", "Ningbo", "Beilun", "1 Harbour Rd", ""};
  o.payment = {"P1", "Zhang San", "id_card", "110101199003071234", 22820};
  OrderLine l;
  l.line_no = 1;
  l.sku_id = 5;
  l.quantity = 1;
  l.unit_price_fen = 20000;
  o.lines.push_back(l);
  o.freight_fen = 1000;
  o.tax_fen = 1820;
  o.paid_fen = 22820;
  return o;
}

TEST(OrderState, ChoicesAreTheStateNamesInOrder) {
  auto states = EnumChoices(OrderState{});
  ASSERT_EQ(states.size(), 10U);
  EXPECT_EQ(states[static_cast<std::size_t>(OrderState::kInspectionHold)], "inspection_hold");
  EXPECT_EQ(states[static_cast<std::size_t>(OrderState::kReturned)], "returned");
  EXPECT_EQ(EnumChoices(Mode{})[1], "9610");
  EXPECT_EQ(EnumChoices(RoutingPolicy{})[1], "cost_first");
}

TEST(OrderState, TheLifeFromReceivedToDeliveredIsAllowed) {
  EXPECT_TRUE(CheckTransition(OrderState::kReceived, OrderState::kAccepted).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kAccepted, OrderState::kDeclared).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kDeclared, OrderState::kInspectionHold).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kInspectionHold, OrderState::kReleased).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kReleased, OrderState::kShipped).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kShipped, OrderState::kDelivered).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kDelivered, OrderState::kReturned).ok());
}

TEST(OrderState, CancelOnlyBeforeRelease) {
  EXPECT_TRUE(CheckTransition(OrderState::kReceived, OrderState::kCancelled).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kAccepted, OrderState::kCancelled).ok());
  EXPECT_TRUE(CheckTransition(OrderState::kDeclared, OrderState::kCancelled).ok());
  Status st = CheckTransition(OrderState::kReleased, OrderState::kCancelled);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("released"), std::string::npos);
  EXPECT_NE(st.message().find("cancelled"), std::string::npos);
  EXPECT_FALSE(CheckTransition(OrderState::kInspectionHold, OrderState::kCancelled).ok());
}

TEST(OrderState, EndStatesGoNowhere) {
  for (auto end : {OrderState::kCancelled, OrderState::kRejected, OrderState::kReturned}) {
    for (std::size_t i = 0; i < EnumChoices(OrderState{}).size(); ++i) {
      EXPECT_FALSE(CheckTransition(end, static_cast<OrderState>(i)).ok());
    }
  }
  EXPECT_FALSE(CheckTransition(OrderState::kReceived, OrderState::kReleased).ok());
}

TEST(Validate, ASampleOrderIsValid) { EXPECT_TRUE(Validate(Sample()).ok()); }

TEST(Validate, NamesTheFieldOfTheFirstProblem) {
  auto field_of = [](auto change) {
    Order o = Sample();
    change(o);
    return Validate(o).field();
  };
  EXPECT_EQ(field_of([](Order& o) { o.channel_order_no.clear(); }), "channel_order_no");
  EXPECT_EQ(field_of([](Order& o) { o.channel_id = 0; }), "channel_id");
  EXPECT_EQ(field_of([](Order& o) { o.order_date = Date(); }), "order_date");
  EXPECT_EQ(field_of([](Order& o) { o.buyer.id_number.clear(); }), "buyer.id_number");
  EXPECT_EQ(field_of([](Order& o) { o.address.street.clear(); }), "address.street");
  EXPECT_EQ(field_of([](Order& o) { o.payment.payment_no.clear(); }), "payment.payment_no");
  EXPECT_EQ(field_of([](Order& o) { o.lines.clear(); }), "lines");
  EXPECT_EQ(field_of([](Order& o) { o.lines[0].quantity = 0; }), "lines[0].quantity");
  EXPECT_EQ(field_of([](Order& o) { o.lines[0].unit_price_fen = -1; }), "lines[0].unit_price");
  EXPECT_EQ(field_of([](Order& o) { o.lines[0].discount_fen = 20001; }), "lines[0].discount");
  EXPECT_EQ(field_of([](Order& o) { o.freight_fen = -5; }), "freight");
  EXPECT_EQ(field_of([](Order& o) { o.discount_fen = 30000; }), "discount");
  EXPECT_EQ(field_of([](Order& o) { o.policy = "cheapest"; }), "policy");
  EXPECT_EQ(field_of([](Order& o) {
              o.lines.push_back(o.lines[0]);
              o.lines[1].line_no = 2;
            }),
            "lines[1].sku_id");
}

TEST(Validate, RefusesAmountsThatWouldOverflow) {
  Order o = Sample();
  o.lines[0].quantity = 1'000'000;
  o.lines[0].unit_price_fen = 9'000'000'000'000;
  EXPECT_EQ(Validate(o).code(), ErrorCode::kInvalidArgument);
}

TEST(DutiableFen, IsGoodsPlusFreightAndInsuranceLessDiscount) {
  Order o = Sample();
  o.lines[0].quantity = 2;
  o.lines[0].discount_fen = 500;
  o.insurance_fen = 200;
  o.discount_fen = 300;
  EXPECT_EQ(o.DutiableFen(), 2 * 20000 - 500 + 1000 + 200 - 300);
}

TEST(PaidEquation, HoldsForTheSample) { EXPECT_TRUE(CheckPaidEquation(Sample()).ok()); }

TEST(PaidEquation, AWrongPaidAmountNamesTheRuleAndTheNumbers) {
  Order o = Sample();
  o.paid_fen = 22000;
  o.payment.amount_fen = 22000;
  Status st = CheckPaidEquation(o);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "paid_amount");
  for (const char* number : {"220.00", "200.00", "10.00", "18.20", "228.20"}) {
    EXPECT_NE(st.message().find(number), std::string::npos) << number << " in " << st.message();
  }
}

TEST(PaidEquation, InsuranceAndDiscountCount) {
  Order o = Sample();
  o.insurance_fen = 100;
  o.discount_fen = 300;
  o.paid_fen = 22820 + 100 - 300;
  o.payment.amount_fen = o.paid_fen;
  EXPECT_TRUE(CheckPaidEquation(o).ok());
}

TEST(PaidEquation, ThePaymentRecordMustCarryThePaidAmount) {
  Order o = Sample();
  o.payment.amount_fen = 22800;
  Status st = CheckPaidEquation(o);
  EXPECT_EQ(st.field(), "paid_amount");
  EXPECT_NE(st.message().find("228.00"), std::string::npos);
}

}  // namespace
}  // namespace xb::orders
