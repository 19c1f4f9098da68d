#include "core/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb {
namespace {

Currency Of(std::string_view code) {
  auto c = Currency::Of(code);
  EXPECT_TRUE(c.ok()) << code;
  return c.ok() ? *c : Currency::Cny();
}

std::int64_t ParseMinor(std::string_view text, std::string_view currency) {
  auto m = Money::Parse(text, Of(currency));
  EXPECT_TRUE(m.ok()) << text << " " << currency << ": " << m.status().ToString();
  return m.ok() ? m->minor() : std::numeric_limits<std::int64_t>::min();
}

TEST(CurrencyTest, MinorDigitsFollowIso4217) {
  EXPECT_EQ(Of("CNY").minor_digits(), 2);
  EXPECT_EQ(Of("EUR").minor_digits(), 2);
  EXPECT_EQ(Of("AUD").minor_digits(), 2);
  EXPECT_EQ(Of("JPY").minor_digits(), 0);
  EXPECT_EQ(Of("KRW").minor_digits(), 0);
  EXPECT_EQ(Of("KWD").minor_digits(), 3);
  EXPECT_EQ(Of("BHD").minor_digits(), 3);
  EXPECT_EQ(Of("OMR").minor_digits(), 3);
}

TEST(CurrencyTest, CnyIsTheCnyCurrency) {
  EXPECT_EQ(Currency::Cny().code(), "CNY");
  EXPECT_EQ(Currency::Cny().minor_digits(), 2);
  EXPECT_TRUE(Currency::Cny() == Of("CNY"));
  EXPECT_FALSE(Currency::Cny() == Of("JPY"));
}

TEST(CurrencyTest, CodesMustBeThreeUpperCaseLetters) {
  EXPECT_EQ(Currency::Of("cny").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Currency::Of("CN").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Currency::Of("CNYY").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Currency::Of("").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Currency::Of("C1Y").status().code(), ErrorCode::kInvalidArgument);
}

TEST(MoneyParseTest, ParsesIntoMinorUnitsOfTwoDigitCurrencies) {
  EXPECT_EQ(ParseMinor("425.00", "CNY"), 42500);
  EXPECT_EQ(ParseMinor("425", "CNY"), 42500);
  EXPECT_EQ(ParseMinor("425.5", "CNY"), 42550);
  EXPECT_EQ(ParseMinor("0.01", "CNY"), 1);
  EXPECT_EQ(ParseMinor("-3.5", "CNY"), -350);
  EXPECT_EQ(ParseMinor("+7", "CNY"), 700);
  EXPECT_EQ(ParseMinor("0", "CNY"), 0);
  EXPECT_EQ(ParseMinor("-0.00", "CNY"), 0);
  EXPECT_EQ(ParseMinor("999999999999999.99", "CNY"), 99999999999999999);
}

TEST(MoneyParseTest, ParsesZeroAndThreeDigitCurrencies) {
  EXPECT_EQ(ParseMinor("1500", "JPY"), 1500);
  EXPECT_EQ(ParseMinor("-20", "JPY"), -20);
  EXPECT_EQ(ParseMinor("1.234", "KWD"), 1234);
  EXPECT_EQ(ParseMinor("1.2", "KWD"), 1200);
  EXPECT_EQ(ParseMinor("7", "KWD"), 7000);
}

TEST(MoneyParseTest, RefusesMoreDecimalsThanTheCurrencyHas) {
  const auto cny = Money::Parse("1.234", Currency::Cny());
  EXPECT_EQ(cny.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(cny.status().message(), "amount has more decimals than CNY allows");
  EXPECT_EQ(Money::Parse("1.5", Of("JPY")).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Money::Parse("1.2345", Of("KWD")).status().code(), ErrorCode::kInvalidArgument);
}

TEST(MoneyParseTest, RefusesMalformedAmounts) {
  for (const char* text : {"", "-", "+", ".5", "5.", "1e3", "1,000", "12a", " 12", "12 ", "--1",
                           "1.2.3", "0x10", "1234567890123456"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Money::Parse(text, Currency::Cny()).status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(MoneyFormatTest, WritesExactlyTheCurrencysMinorDigits) {
  EXPECT_EQ(Money(42500, Currency::Cny()).ToDecimalString(), "425.00");
  EXPECT_EQ(Money(5, Currency::Cny()).ToDecimalString(), "0.05");
  EXPECT_EQ(Money(-5, Currency::Cny()).ToDecimalString(), "-0.05");
  EXPECT_EQ(Money(-350, Currency::Cny()).ToDecimalString(), "-3.50");
  EXPECT_EQ(Money(0, Currency::Cny()).ToDecimalString(), "0.00");
  EXPECT_EQ(Money(1500, Of("JPY")).ToDecimalString(), "1500");
  EXPECT_EQ(Money(-1500, Of("JPY")).ToDecimalString(), "-1500");
  EXPECT_EQ(Money(1234, Of("KWD")).ToDecimalString(), "1.234");
  EXPECT_EQ(Money(5, Of("KWD")).ToDecimalString(), "0.005");
}

TEST(MoneyFormatTest, FormatsTheExtremesOfInt64) {
  EXPECT_EQ(Money(std::numeric_limits<std::int64_t>::min(), Currency::Cny()).ToDecimalString(),
            "-92233720368547758.08");
  EXPECT_EQ(Money(std::numeric_limits<std::int64_t>::max(), Currency::Cny()).ToDecimalString(),
            "92233720368547758.07");
}

TEST(MoneyFormatTest, ParseAndFormatRoundTrip) {
  for (const char* text : {"425.00", "0.01", "-3.50", "12345678.90", "0.00"}) {
    SCOPED_TRACE(text);
    auto m = Money::Parse(text, Currency::Cny());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->ToDecimalString(), text);
  }
  auto kwd = Money::Parse("-0.125", Of("KWD"));
  ASSERT_TRUE(kwd.ok());
  EXPECT_EQ(kwd->ToDecimalString(), "-0.125");
}

TEST(DivideRoundHalfUpTest, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(DivideRoundHalfUp(5, 2), 3);
  EXPECT_EQ(DivideRoundHalfUp(-5, 2), -3);
  EXPECT_EQ(DivideRoundHalfUp(5, -2), -3);
  EXPECT_EQ(DivideRoundHalfUp(-5, -2), 3);
  EXPECT_EQ(DivideRoundHalfUp(1, 2), 1);
  EXPECT_EQ(DivideRoundHalfUp(-1, 2), -1);
  EXPECT_EQ(DivideRoundHalfUp(15, 10), 2);
  EXPECT_EQ(DivideRoundHalfUp(-15, 10), -2);
}

TEST(DivideRoundHalfUpTest, RoundsOtherRemaindersToTheNearest) {
  EXPECT_EQ(DivideRoundHalfUp(4, 3), 1);
  EXPECT_EQ(DivideRoundHalfUp(5, 3), 2);
  EXPECT_EQ(DivideRoundHalfUp(-4, 3), -1);
  EXPECT_EQ(DivideRoundHalfUp(-5, 3), -2);
  EXPECT_EQ(DivideRoundHalfUp(1, 3), 0);
  EXPECT_EQ(DivideRoundHalfUp(-1, 3), 0);
  EXPECT_EQ(DivideRoundHalfUp(149, 100), 1);
  EXPECT_EQ(DivideRoundHalfUp(-149, 100), -1);
  EXPECT_EQ(DivideRoundHalfUp(0, 7), 0);
  EXPECT_EQ(DivideRoundHalfUp(12, 4), 3);
  EXPECT_EQ(DivideRoundHalfUp(-12, 4), -3);
}

TEST(DivideRoundHalfUpTest, WorksBeyondInt64InTheNumerator) {
  // (INT64_MAX × 10 + 4) / 10 rounds down to INT64_MAX; the numerator itself exceeds int64.
  const Int128 big = static_cast<Int128>(std::numeric_limits<std::int64_t>::max()) * 10 + 4;
  EXPECT_EQ(DivideRoundHalfUp(big, 10), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(DivideRoundHalfUp(-big, 10), -std::numeric_limits<std::int64_t>::max());
}

TEST(DivideRoundHalfUpDeathTest, DivisionByZeroAborts) {
  EXPECT_DEATH((void)DivideRoundHalfUp(1, 0), "");
}

TEST(MoneyArithmeticTest, AddsSubtractsAndNegatesInTheSameCurrency) {
  const Money a(42500, Currency::Cny());
  const Money b(150, Currency::Cny());
  EXPECT_EQ((a + b).minor(), 42650);
  EXPECT_EQ((a - b).minor(), 42350);
  EXPECT_EQ((-a).minor(), -42500);
  EXPECT_EQ((a + b).currency().code(), "CNY");
  EXPECT_TRUE(Money::Zero(Currency::Cny()) == Money(0, Currency::Cny()));
  EXPECT_FALSE(Money(100, Currency::Cny()) == Money(100, Of("JPY")));
}

TEST(MoneyArithmeticDeathTest, MixingCurrenciesAborts) {
  const Money cny(100, Currency::Cny());
  const Money jpy(100, Of("JPY"));
  EXPECT_DEATH((void)(cny + jpy), "");
  EXPECT_DEATH((void)(cny - jpy), "");
}

TEST(MultiplyRatioTest, RoundsHalfAFenUpToTheFen) {
  // 0.01 CNY × 1/2 = 0.005 CNY -> 0.01 CNY
  EXPECT_EQ(Money(1, Currency::Cny()).MultiplyRatio(1, 2).minor(), 1);
  // -0.01 CNY × 1/2 = -0.005 CNY -> -0.01 CNY (away from zero)
  EXPECT_EQ(Money(-1, Currency::Cny()).MultiplyRatio(1, 2).minor(), -1);
  // 0.50 CNY × 1% = 0.005 CNY -> 0.01 CNY
  EXPECT_EQ(Money(50, Currency::Cny()).MultiplyRatio(1, 100).minor(), 1);
  // 0.35 CNY × 13% VAT = 0.0455 CNY -> 0.05 CNY
  EXPECT_EQ(Money(35, Currency::Cny()).MultiplyRatio(13, 100).minor(), 5);
  // 0.49 CNY × 1% = 0.0049 CNY -> 0.00 CNY
  EXPECT_EQ(Money(49, Currency::Cny()).MultiplyRatio(1, 100).minor(), 0);
  // 0.15 CNY × 1/30 = 0.005 CNY exactly -> 0.01 CNY
  EXPECT_EQ(Money(15, Currency::Cny()).MultiplyRatio(1, 30).minor(), 1);
  // 0.14 CNY × 1/28 = 0.005 CNY -> 0.01; 0.13 CNY × 1/28 = 0.00464... -> 0.00
  EXPECT_EQ(Money(14, Currency::Cny()).MultiplyRatio(1, 28).minor(), 1);
  EXPECT_EQ(Money(13, Currency::Cny()).MultiplyRatio(1, 28).minor(), 0);
}

TEST(MultiplyRatioTest, AppliesTaxRatesToRealisticPrices) {
  // 425.00 CNY × 9.1% comprehensive cross-border tax = 38.675 -> 38.68
  EXPECT_EQ(Money(42500, Currency::Cny()).MultiplyRatio(91, 1000).minor(), 3868);
  // 100.05 CNY × 9.1% = 9.104555 -> 9.10
  EXPECT_EQ(Money(10005, Currency::Cny()).MultiplyRatio(91, 1000).minor(), 910);
  // A refund: -199.99 CNY × 13% = -25.9987 -> -26.00
  EXPECT_EQ(Money(-19999, Currency::Cny()).MultiplyRatio(13, 100).minor(), -2600);
  // A negative denominator flips the sign: 1.00 CNY × 1/-3 = -0.333... -> -0.33
  EXPECT_EQ(Money(100, Currency::Cny()).MultiplyRatio(1, -3).minor(), -33);
}

TEST(MultiplyRatioTest, KeepsTheCurrencyAndHandlesLargeIntermediates) {
  const Money large(std::numeric_limits<std::int64_t>::max() / 2, Currency::Cny());
  const Money same = large.MultiplyRatio(1000, 1000);  // the product overflows int64, not Int128
  EXPECT_EQ(same.minor(), large.minor());
  EXPECT_EQ(same.currency().code(), "CNY");
  EXPECT_EQ(Money(1001, Of("JPY")).MultiplyRatio(1, 2).minor(), 501);
  EXPECT_EQ(Money(1001, Of("JPY")).MultiplyRatio(1, 2).currency().code(), "JPY");
}

}  // namespace
}  // namespace xb
