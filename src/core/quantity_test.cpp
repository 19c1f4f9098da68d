#include "core/quantity.h"

#include <gtest/gtest.h>

#include <limits>

namespace xb {
namespace {

TEST(QuantityTest, AddsAndSubtractsWholeUnits) {
  const Quantity a(7);
  EXPECT_EQ(a.Plus(Quantity(5))->units(), 12);
  EXPECT_EQ(a.MinusNonNegative(Quantity(7))->units(), 0);
}

TEST(QuantityTest, SubtractingMoreThanHeldIsRefused) {
  EXPECT_FALSE(Quantity(3).MinusNonNegative(Quantity(4)).has_value());
}

TEST(QuantityTest, OverflowIsReportedNotWrapped) {
  const Quantity big(std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(big.Plus(Quantity(1)).has_value());
}

TEST(QuantityTest, ComparesByUnits) {
  EXPECT_LT(Quantity(1), Quantity(2));
  EXPECT_EQ(Quantity(2), Quantity(2));
  EXPECT_FALSE(Quantity(0).positive());
}

}  // namespace
}  // namespace xb
