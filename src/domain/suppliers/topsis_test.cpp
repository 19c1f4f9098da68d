#include "domain/suppliers/topsis.h"

#include <gtest/gtest.h>

namespace xb::suppliers {
namespace {

const std::vector<Criterion> kPriceQuality = {{"price", 0.5, CriterionKind::kCost},
                                              {"quality", 0.5, CriterionKind::kBenefit}};

TEST(TopsisTest, ClosenessMatchesAHandComputedExample) {
  // Computed independently: vector normalisation, weights 0.5/0.5, price a cost criterion.
  auto r = RankTopsis(kPriceQuality, {{100, 8}, {200, 9}, {150, 5}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->closeness[0], 0.8506646649665869, 1e-12);
  EXPECT_NEAR(r->closeness[1], 0.4523688417099197, 1e-12);
  EXPECT_NEAR(r->closeness[2], 0.3411608718311242, 1e-12);
  EXPECT_EQ(r->order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(r->ranks, (std::vector<int>{1, 2, 3}));
}

TEST(TopsisTest, CostCriteriaAreInverted) {
  // Same numbers, but price is now a benefit: the expensive supplier wins.
  const std::vector<Criterion> price_only = {{"price", 1.0, CriterionKind::kBenefit}};
  auto r = RankTopsis(price_only, {{100}, {200}, {150}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->order.front(), 1);
  const std::vector<Criterion> cost_only = {{"price", 1.0, CriterionKind::kCost}};
  auto c = RankTopsis(cost_only, {{100}, {200}, {150}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->order.front(), 0);
  EXPECT_DOUBLE_EQ(c->closeness[0], 1.0);
  EXPECT_DOUBLE_EQ(c->closeness[1], 0.0);
}

TEST(TopsisTest, IdenticalAlternativesTie) {
  auto r = RankTopsis(kPriceQuality, {{1, 1}, {1, 1}});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->closeness[0], 0.5);
  EXPECT_EQ(r->order, (std::vector<int>{0, 1}));
}

TEST(TopsisTest, BadInputIsRefused) {
  EXPECT_FALSE(RankTopsis({}, {{1}}).ok());
  EXPECT_FALSE(RankTopsis(kPriceQuality, {}).ok());
  EXPECT_FALSE(RankTopsis(kPriceQuality, {{1, 2, 3}}).ok());
  EXPECT_FALSE(RankTopsis(kPriceQuality, {{-1, 2}}).ok());
  EXPECT_FALSE(RankTopsis({{"a", -0.5, CriterionKind::kCost}}, {{1}}).ok());
  EXPECT_FALSE(RankTopsis({{"a", 0, CriterionKind::kCost}}, {{1}}).ok());
}

}  // namespace
}  // namespace xb::suppliers
