#include "adapters/cli/calculators.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace xb::cli {
namespace {

constexpr std::string_view kDrinks =
    R"({"criteria":["coffee","wine","tea","beer","soda","milk","water"],
 "matrix":[[1,9,5,2,1,1,"1/2"],["1/9",1,"1/3","1/9","1/9","1/9","1/9"],["1/5",3,1,"1/3","1/4","1/3","1/9"],
 ["1/2",9,3,1,"1/2",1,"1/3"],[1,9,4,2,1,2,"1/2"],[1,9,3,1,"1/2",1,"1/3"],[2,9,9,3,2,3,1]]})";

TEST(CalculatorsTest, AhpJsonCarriesWeightsInInputOrderAndConsistency) {
  auto out = RunAhp(kDrinks, {.json = true, .method = "", .ri_table = ""});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto doc = nlohmann::json::parse(*out);
  ASSERT_EQ(doc["weights"].size(), 7U);
  EXPECT_NEAR(doc["weights"][6].get<double>(), 0.327, 0.0005);
  EXPECT_NEAR(doc["weights"][1].get<double>(), 0.019, 0.0005);
  EXPECT_NEAR(doc["cr"].get<double>(), 0.022, 0.0015);
  EXPECT_EQ(doc["ri_table"], "saaty");
  EXPECT_EQ(doc["method"], "eigenvector");
  EXPECT_TRUE(doc["consistent"].get<bool>());
}

TEST(CalculatorsTest, AhpRefusesNamesThatDoNotMatchTheMatrix) {
  auto out = RunAhp(R"({"criteria":["a"],"matrix":[[1,2],["1/2",1]]})", {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().field(), "criteria");
}

TEST(CalculatorsTest, AhpRefusesBadFractions) {
  auto out = RunAhp(R"({"criteria":["a","b"],"matrix":[[1,"x/2"],["1/2",1]]})", {});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("row 1, column 2"), std::string::npos);
}

TEST(CalculatorsTest, TopsisRanksByCloseness) {
  auto out = RunTopsis(R"({"alternatives":["A","B","C"],
    "criteria":[{"name":"price","weight":0.5,"kind":"cost"},{"name":"quality","weight":0.5,"kind":"benefit"}],
    "matrix":[[100,8],[200,9],[150,5]]})",
                       {.json = true, .method = "", .ri_table = ""});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto doc = nlohmann::json::parse(*out);
  EXPECT_EQ(doc["ranking"], nlohmann::json::array({"A", "B", "C"}));
  EXPECT_NEAR(doc["closeness"][0].get<double>(), 0.85066466, 1e-6);
}

TEST(CalculatorsTest, TopsisRefusesUnknownKinds) {
  auto out = RunTopsis(
      R"({"alternatives":["A"],"criteria":[{"name":"p","weight":1,"kind":"cheap"}],"matrix":[[1]]})",
      {});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("benefit or cost"), std::string::npos);
}

}  // namespace
}  // namespace xb::cli
