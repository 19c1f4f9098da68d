#include "domain/suppliers/ahp.h"

#include <gtest/gtest.h>

#include <cmath>

namespace xb::suppliers {
namespace {

// Saaty (2008), relative consumption of drinks: coffee, wine, tea, beer, soda, milk, water.
ComparisonMatrix Drinks() {
  return {{1, 9, 5, 2, 1, 1, 1.0 / 2},
          {1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9},
          {1.0 / 5, 3, 1, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9},
          {1.0 / 2, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3},
          {1, 9, 4, 2, 1, 2, 1.0 / 2},
          {1, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3},
          {2, 9, 9, 3, 2, 3, 1}};
}

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

TEST(AhpTest, SaatyDrinksVectorGivesPublishedWeightsAndConsistency) {
  auto r = DeriveWeights(Drinks());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<double> expected = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
  ASSERT_EQ(r->weights.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_DOUBLE_EQ(Round3(r->weights[i]), expected[i]) << "criterion " << i;
  }
  EXPECT_NEAR(r->cr, 0.022, 0.0015);
  EXPECT_TRUE(r->consistent);
  EXPECT_NEAR(r->ci, (r->lambda_max - 7) / 6, 1e-12);
  EXPECT_NEAR(r->cr, r->ci / 1.32, 1e-12);
  EXPECT_EQ(RiTableName(r->ri_table), "saaty");
}

TEST(AhpTest, WeightsSumToOne) {
  auto r = DeriveWeights(Drinks(), AhpMethod::kGeometricMean);
  ASSERT_TRUE(r.ok());
  double sum = 0;
  for (double w : r->weights) sum += w;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(AhpTest, PerfectlyConsistentMatrixHasZeroConsistencyRatio) {
  // w = (0.5, 0.3, 0.2): a_ij = w_i / w_j.
  const ComparisonMatrix m = {{1, 5.0 / 3, 2.5}, {0.6, 1, 1.5}, {0.4, 2.0 / 3, 1}};
  auto r = DeriveWeights(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->weights[0], 0.5, 1e-9);
  EXPECT_NEAR(r->weights[1], 0.3, 1e-9);
  EXPECT_NEAR(r->weights[2], 0.2, 1e-9);
  EXPECT_NEAR(r->lambda_max, 3.0, 1e-9);
  EXPECT_NEAR(r->cr, 0.0, 1e-9);
}

TEST(AhpTest, InconsistentJudgementsAreFlaggedWithTheWorstComparisonFirst) {
  // a > b (9), b > c (9), but c > a (9): a cycle.
  const ComparisonMatrix m = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
  auto r = DeriveWeights(m);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->consistent);
  EXPECT_GT(r->cr, kMaxConsistencyRatio);
  ASSERT_FALSE(r->disagreements.empty());
  EXPECT_GE(r->disagreements.front().deviation, r->disagreements.back().deviation);
}

TEST(AhpTest, NonReciprocalMatrixIsRefusedNamingTheCell) {
  const ComparisonMatrix m = {{1, 3, 1}, {0.5, 1, 1}, {1, 1, 1}};
  auto r = DeriveWeights(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("row 1, column 2"), std::string::npos)
      << r.status().message();
}

TEST(AhpTest, NonPositiveEntryIsRefused) {
  const ComparisonMatrix m = {{1, 0}, {0, 1}};
  auto r = DeriveWeights(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("positive"), std::string::npos);
}

TEST(AhpTest, DiagonalMustBeOne) {
  auto r = DeriveWeights({{2, 1}, {1, 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("diagonal"), std::string::npos);
}

TEST(AhpTest, RaggedOrOversizedMatricesAreRefused) {
  EXPECT_FALSE(DeriveWeights({{1, 2}, {0.5}}).ok());
  EXPECT_FALSE(DeriveWeights({}).ok());
  ComparisonMatrix big(16, std::vector<double>(16, 1.0));
  EXPECT_FALSE(DeriveWeights(big).ok());
}

TEST(AhpTest, FifteenCriteriaUseTheLastRandomIndex) {
  ComparisonMatrix m(15, std::vector<double>(15, 1.0));
  auto r = DeriveWeights(m);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->weights[0], 1.0 / 15, 1e-9);
  EXPECT_DOUBLE_EQ(RandomIndex(RiTable::kSaaty, 15), 1.59);
  EXPECT_DOUBLE_EQ(RandomIndex(RiTable::kAlonso, 3), 0.5245);
}

TEST(AhpTest, JudgementsParseAsNumbersOrFractions) {
  EXPECT_DOUBLE_EQ(*ParseJudgement("1/3"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(*ParseJudgement(" 9 "), 9.0);
  EXPECT_DOUBLE_EQ(*ParseJudgement("0.25"), 0.25);
  EXPECT_FALSE(ParseJudgement("1/0").ok());
  EXPECT_FALSE(ParseJudgement("three").ok());
  EXPECT_FALSE(ParseJudgement("").ok());
}

}  // namespace
}  // namespace xb::suppliers
