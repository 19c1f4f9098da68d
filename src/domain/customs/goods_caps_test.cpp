#include "domain/customs/goods_caps.h"

#include <gtest/gtest.h>

#include "domain/customs/testing/public_rules.h"

namespace xb::customs {
namespace {

using public_rules::Day;

RuleRow Cap(std::int64_t id, std::string key, std::int64_t quantity, std::string unit, Date from,
            std::optional<Date> to = std::nullopt) {
  RuleRow r = public_rules::Row(id, RuleKind::kGoodsCap, std::move(key), from, to, "test cap");
  r.quantity = quantity;
  r.unit = std::move(unit);
  return r;
}

TaxLineInput Line(std::string ref, std::string hs, std::int64_t quantity, std::string unit,
                  std::int64_t legal_milli_per_unit) {
  TaxLineInput l;
  l.ref = std::move(ref);
  l.hs_code = std::move(hs);
  l.quantity = quantity;
  l.legal_unit = std::move(unit);
  l.legal_quantity_milli = legal_milli_per_unit * quantity;
  return l;
}

RuleBook Book() {
  return RuleBook({Cap(101, "1701", 20, "kg", Day(2020, 1, 1)),
                   Cap(102, "170199", 5, "kg", Day(2020, 1, 1), Day(2020, 12, 31)),
                   Cap(103, "1006", 3, "piece", Day(2020, 1, 1))},
                  {});
}

TEST(GoodsCapDemands, LinesOfOneCapAddUpInTheCapsUnit) {
  // 4 bags of 1.5 kg and 500 g of sugar under 1701 (the 170199 row ended in 2020).
  const TaxLineInput lines[] = {Line("1", "1701140010", 4, "kg", 1500),
                                Line("2", "1701999000", 1, "g", 500'000),
                                Line("3", "1901101000", 2, "piece", 1000)};
  auto demands = GoodsCapDemands(lines, Book(), Day(2021, 3, 1));
  ASSERT_TRUE(demands.ok()) << demands.status().ToString();
  ASSERT_EQ(demands->size(), 1U);
  const auto& d = (*demands)[0];
  EXPECT_EQ(d.hs_prefix, "1701");
  EXPECT_EQ(d.rule, RuleId(101));
  EXPECT_EQ(d.cap_milli, 20'000);
  EXPECT_EQ(d.requested_milli, 6'500);
  ASSERT_EQ(d.lines.size(), 2U);
  EXPECT_EQ(d.lines[0], std::make_pair(std::string("1"), std::int64_t{6'000}));
  EXPECT_EQ(d.lines[1], std::make_pair(std::string("2"), std::int64_t{500}));
}

TEST(GoodsCapDemands, TheLongestPrefixInForceOnTheOrderDateAnswers) {
  const TaxLineInput lines[] = {Line("1", "1701999000", 2, "kg", 1000)};
  auto in_2020 = GoodsCapDemands(lines, Book(), Day(2020, 6, 1));
  ASSERT_TRUE(in_2020.ok());
  ASSERT_EQ(in_2020->size(), 1U);
  EXPECT_EQ((*in_2020)[0].hs_prefix, "170199");
  EXPECT_EQ((*in_2020)[0].cap_milli, 5'000);
  auto before = GoodsCapDemands(lines, Book(), Day(2019, 12, 31));
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty());
}

TEST(GoodsCapDemands, APieceCapCountsSkuUnitsAndMassAgainstVolumeIsRefused) {
  const TaxLineInput rice[] = {Line("1", "1006309000", 2, "kg", 5000)};
  auto pieces = GoodsCapDemands(rice, Book(), Day(2021, 1, 1));
  ASSERT_TRUE(pieces.ok());
  EXPECT_EQ((*pieces)[0].requested_milli, 2'000);
  RuleBook litres({Cap(104, "1701", 10, "l", Day(2020, 1, 1))}, {});
  const TaxLineInput sugar[] = {Line("1", "1701140010", 1, "kg", 1000)};
  auto refused = GoodsCapDemands(sugar, litres, Day(2021, 1, 1));
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().field(), "goods_cap");
}

TEST(CheckGoodsCap, ExactlyAtTheCapIsWithinAndBeyondNamesTheNumbers) {
  GoodsCapDemand d;
  d.rule = RuleId(101);
  d.hs_prefix = "1701";
  d.unit = "kg";
  d.cap_milli = 20'000;
  d.requested_milli = 6'500;
  EXPECT_TRUE(CheckGoodsCap(d, 13'500).ok());
  Status st = CheckGoodsCap(d, 14'000);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "goods_cap");
  EXPECT_EQ(st.message(),
            "goods_cap: HS 1701 yearly cap 20 kg per identity: used 14 + requested 6.5 = 20.5 "
            "(remaining 6 kg, rule 101)");
}

TEST(MilliToString, PrintsShortestDecimal) {
  EXPECT_EQ(MilliToString(20'000), "20");
  EXPECT_EQ(MilliToString(1'250), "1.25");
  EXPECT_EQ(MilliToString(5), "0.005");
  EXPECT_EQ(MilliToString(-500), "-0.5");
}

GoodsCapEntry Entry(std::int64_t order, std::int64_t line, std::int64_t milli,
                    GoodsCapEntryKind kind = GoodsCapEntryKind::kOrder) {
  GoodsCapEntry e;
  e.tenant_id = TenantId(1);
  e.id_type = "id_card";
  e.id_number = "110101199003074214";
  e.year = 2021;
  e.hs_prefix = "1701";
  e.amount_milli = milli;
  e.kind = kind;
  e.order_id = order;
  e.line_no = line;
  return e;
}

TEST(GoodsCapRestores, GivesBackWhatTheOrderStillHoldsOfItsLines) {
  const GoodsCapEntry entries[] = {Entry(7, 1, 6'000), Entry(7, 2, 500), Entry(8, 1, 3'000),
                                   Entry(7, 1, -1'500, GoodsCapEntryKind::kReturn)};
  const std::int64_t all[] = {1, 2};
  auto back = GoodsCapRestores(entries, 7, {}, GoodsCapEntryKind::kCancel, "cancel:7",
                               Timestamp::FromMicros(1));
  ASSERT_EQ(back.size(), 2U);
  EXPECT_EQ(back[0].line_no, 1);
  EXPECT_EQ(back[0].amount_milli, -4'500);
  EXPECT_EQ(back[0].kind, GoodsCapEntryKind::kCancel);
  EXPECT_EQ(back[0].ref, "cancel:7");
  EXPECT_EQ(back[0].id_number, "110101199003074214");
  EXPECT_EQ(back[1].amount_milli, -500);
  EXPECT_EQ(GoodsCapRestores(entries, 7, all, GoodsCapEntryKind::kCancel, "x", {}).size(), 2U);
  const std::int64_t line2[] = {2};
  auto one = GoodsCapRestores(entries, 7, line2, GoodsCapEntryKind::kCancel, "x", {});
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].amount_milli, -500);
}

TEST(GoodsCapRestores, APartialReturnGivesBackItsShareAtMostWhatIsHeld) {
  std::vector<GoodsCapEntry> entries = {Entry(7, 1, 6'000)};
  const std::int64_t line1[] = {1};
  // One of four units back: a quarter of the original 6 kg.
  auto first =
      GoodsCapRestores(entries, 7, line1, GoodsCapEntryKind::kReturn, "return:1", {}, 1, 4);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].amount_milli, -1'500);
  entries.push_back(first[0]);
  // The remaining three units: everything still held.
  auto rest = GoodsCapRestores(entries, 7, line1, GoodsCapEntryKind::kReturn, "return:2", {}, 3, 3);
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_EQ(rest[0].amount_milli, -4'500);
  entries.push_back(rest[0]);
  EXPECT_TRUE(GoodsCapRestores(entries, 7, {}, GoodsCapEntryKind::kCancel, "x", {}).empty());
}

}  // namespace
}  // namespace xb::customs
