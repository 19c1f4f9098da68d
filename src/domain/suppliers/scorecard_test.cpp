#include "domain/suppliers/scorecard.h"

#include <gtest/gtest.h>

namespace xb::suppliers {
namespace {

IndicatorTree TwoByTwo() {
  IndicatorTree t;
  t.indicators = {
      {"quality",
       "Quality",
       0.6,
       {{"acceptance", "Acceptance", 0.5, Direction::kHigherIsBetter, 0, 100},
        {"defects", "Defect rate", 0.5, Direction::kLowerIsBetter, 0, 100}}},
      {"cost", "Cost", 0.4, {{"price", "Price", 1.0, Direction::kHigherIsBetter, 0, 10}}},
  };
  return t;
}

TEST(ScorecardTest, TotalIsTheWeightedSumOfWeightedSums) {
  auto card = ScoreSupplier(TwoByTwo(), {{"acceptance", 90}, {"defects", 20}, {"price", 7}});
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  // quality: 0.5·90 + 0.5·(100−20) = 85; cost: 1.0·70 = 70; total 0.6·85 + 0.4·70 = 79.
  ASSERT_TRUE(card->total.has_value());
  EXPECT_DOUBLE_EQ(*card->total, 79.0);
  ASSERT_EQ(card->breakdown.size(), 2U);
  EXPECT_DOUBLE_EQ(card->breakdown[0].subtotal, 85.0);
  EXPECT_DOUBLE_EQ(card->breakdown[0].contribution, 51.0);
  EXPECT_DOUBLE_EQ(card->breakdown[0].children[1].normalised, 80.0);
  EXPECT_DOUBLE_EQ(card->breakdown[1].children[0].contribution, 28.0);
}

TEST(ScorecardTest, MissingScoresAreListedAndLeaveNoTotal) {
  auto card = ScoreSupplier(TwoByTwo(), {{"acceptance", 90}});
  ASSERT_TRUE(card.ok());
  EXPECT_FALSE(card->total.has_value());
  EXPECT_EQ(card->missing, (std::vector<std::string>{"defects", "price"}));
}

TEST(ScorecardTest, ScoreOutsideItsScaleIsRefusedNamingTheIndicator) {
  auto card = ScoreSupplier(TwoByTwo(), {{"acceptance", 90}, {"defects", 20}, {"price", 11}});
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().field(), "price");
}

TEST(ScorecardTest, WeightsThatDoNotSumToOneAreRefused) {
  IndicatorTree t = TwoByTwo();
  t.indicators[1].weight = 0.5;
  Status st = ValidateTree(t);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("sum to 1.1"), std::string::npos) << st.message();
}

TEST(ScorecardTest, IndicatorWithoutWeightIsRefused) {
  IndicatorTree t = TwoByTwo();
  t.indicators[0].children[0].weight.reset();
  Status st = ValidateTree(t);
  EXPECT_EQ(st.field(), "acceptance");
  EXPECT_NE(st.message().find("no weight"), std::string::npos);
}

TEST(ScorecardTest, UnknownIndicatorScoreIsRefused) {
  auto card = ScoreSupplier(TwoByTwo(), {{"acceptance", 90}, {"delivery", 50}});
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().field(), "delivery");
}

TEST(ScorecardTest, PaperTemplateIsValid) {
  EXPECT_TRUE(ValidateTree(PaperTemplate()).ok());
  EXPECT_EQ(PaperTemplate().indicators.size(), 6U);
}

}  // namespace
}  // namespace xb::suppliers
