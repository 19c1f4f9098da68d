#include <gtest/gtest.h>

#include "domain/orders/orders.h"

namespace xb::orders {
namespace {

RouteCandidate Bonded(std::int64_t id, std::int64_t available, std::int64_t days = 2,
                      std::int64_t cost = 300) {
  return {id, "BW" + std::to_string(id), Mode::kBonded1210, available, days, cost};
}
RouteCandidate Overseas(std::int64_t id, std::int64_t available, std::int64_t days = 9,
                        std::int64_t cost = 2500) {
  return {id, "OW" + std::to_string(id), Mode::kDirectMail9610, available, days, cost};
}

std::vector<LineRoute> RouteOne(std::vector<RouteCandidate> candidates, std::int64_t quantity,
                                RoutingPolicy policy = RoutingPolicy::kSpeedFirst) {
  std::vector<LineNeed> needs{{1, 5, quantity, std::move(candidates)}};
  return Route(needs, policy);
}

TEST(Route, BondedStockComesFirstEvenWhenOverseasIsCheaper) {
  auto r =
      RouteOne({Overseas(2, 100, 9, 100), Bonded(1, 10, 2, 300)}, 3, RoutingPolicy::kCostFirst);
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].mode, Mode::kBonded1210);
  EXPECT_EQ(r[0].warehouse_id, 1);
  EXPECT_EQ(r[0].shipment_ref, "W1-1210");
  EXPECT_NE(r[0].note.find("BW1"), std::string::npos) << r[0].note;
  EXPECT_NE(r[0].note.find("cost first"), std::string::npos) << r[0].note;
}

TEST(Route, ABondedWarehouseThatCannotCoverTheWholeLineIsPassedOver) {
  auto r = RouteOne({Bonded(1, 2), Overseas(2, 50)}, 3);
  EXPECT_EQ(r[0].mode, Mode::kDirectMail9610);
  EXPECT_EQ(r[0].warehouse_id, 2);
  EXPECT_EQ(r[0].shipment_ref, "W2-9610");
  EXPECT_NE(r[0].note.find("no bonded warehouse covers 3"), std::string::npos) << r[0].note;
  EXPECT_NE(r[0].note.find("BW1 (2 available)"), std::string::npos) << r[0].note;
}

TEST(Route, NothingCoversTheLineMeansBackorder) {
  auto r = RouteOne({Bonded(1, 2), Overseas(2, 1)}, 3);
  EXPECT_EQ(r[0].mode, Mode::kBackorder);
  EXPECT_EQ(r[0].warehouse_id, 0);
  EXPECT_TRUE(r[0].shipment_ref.empty());
  EXPECT_NE(r[0].note.find("backorder"), std::string::npos);
  EXPECT_EQ(RouteOne({}, 1)[0].mode, Mode::kBackorder);
}

TEST(Route, SpeedFirstTakesTheFasterWarehouseCostFirstTheCheaper) {
  std::vector<RouteCandidate> c{Bonded(1, 10, 3, 200), Bonded(2, 10, 1, 400)};
  EXPECT_EQ(RouteOne(c, 1, RoutingPolicy::kSpeedFirst)[0].warehouse_id, 2);
  EXPECT_EQ(RouteOne(c, 1, RoutingPolicy::kCostFirst)[0].warehouse_id, 1);
}

TEST(Route, TiesGoToTheLowerWarehouseId) {
  EXPECT_EQ(RouteOne({Bonded(7, 10), Bonded(4, 10)}, 1)[0].warehouse_id, 4);
}

TEST(Route, LinesOfOneWarehouseAndModeShareAShipment) {
  std::vector<LineNeed> needs{{1, 5, 1, {Bonded(1, 10)}},
                              {2, 6, 1, {Bonded(1, 10), Overseas(3, 10)}},
                              {3, 7, 1, {Overseas(3, 10)}}};
  auto r = Route(needs, RoutingPolicy::kSpeedFirst);
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(r[0].line_no, 1);
  EXPECT_EQ(r[0].shipment_ref, r[1].shipment_ref);
  EXPECT_EQ(r[2].shipment_ref, "W3-9610");
  EXPECT_EQ(r[2].line_no, 3);
}

}  // namespace
}  // namespace xb::orders
