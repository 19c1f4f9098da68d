#include "domain/customs/rules.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/money.h"
#include "domain/customs/testing/public_rules.h"

namespace xb::customs {
namespace {

using public_rules::Day;
using public_rules::PublicRuleBook;

TEST(RateTest, ParsesDecimalsAndPercentExactly) {
  auto r = Rate::Parse("0.13");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->num(), 13);
  EXPECT_EQ(r->den(), 100);
  EXPECT_EQ(*Rate::Parse("13%"), Rate(13, 100));
  EXPECT_EQ(*Rate::Parse("0.130"), Rate(13, 100));
  EXPECT_EQ(Rate::Parse("0.130")->den(), 100);  // trailing zeros dropped
  EXPECT_EQ(*Rate::Parse("1"), Rate(1, 1));
  EXPECT_EQ(*Rate::Parse("0.000001"), Rate(1, 1000000));
  EXPECT_EQ(*Rate::Parse("12.5%"), Rate(125, 1000));
  EXPECT_EQ(*Rate::Parse("0.123456789"), Rate(123456789, 1000000000));
}

TEST(RateTest, RefusesNegativesJunkAndTooManyDecimals) {
  for (const char* bad : {"", "-0.1", "+0.1", ".5", "5.", "0,13", "1e-2", "abc", "0.1234567890",
                          "0.00000001%", "%", "13 %", "1234567890"}) {
    auto r = Rate::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(RateTest, PrintsTheShortestDecimal) {
  EXPECT_EQ(Rate(13, 100).ToString(), "0.13");
  EXPECT_EQ(Rate(70, 100).ToString(), "0.7");
  EXPECT_EQ(Rate(0, 1).ToString(), "0");
  EXPECT_EQ(Rate(1, 1).ToString(), "1");
  EXPECT_EQ(Rate(125, 100).ToString(), "1.25");
  EXPECT_EQ(Rate(1, 1000000).ToString(), "0.000001");
  EXPECT_EQ(Rate::Parse("9%")->ToString(), "0.09");
  EXPECT_EQ(Rate(1, 3).ToString(), "1/3");  // not a decimal fraction: shown as it is
}

TEST(RateTest, EqualityIsByValue) {
  EXPECT_EQ(Rate(7, 10), Rate(70, 100));
  EXPECT_FALSE(Rate(7, 10) == Rate(7, 100));
}

TEST(FenTest, ParsesAndPrintsYuan) {
  EXPECT_EQ(*ParseFen("425.00"), 42500);
  EXPECT_EQ(*ParseFen("425"), 42500);
  EXPECT_EQ(*ParseFen("425.5"), 42550);
  EXPECT_EQ(*ParseFen("0.01"), 1);
  EXPECT_FALSE(ParseFen("4.255").ok());
  EXPECT_FALSE(ParseFen("abc").ok());
  EXPECT_FALSE(ParseFen("").ok());
  EXPECT_NE(ParseFen("4.255").status().message().find("4.255"), std::string::npos);
  EXPECT_EQ(FenToString(42500), "425.00");
  EXPECT_EQ(FenToString(-350), "-3.50");
  EXPECT_EQ(FenToString(1), "0.01");
  EXPECT_EQ(FenToString(0), "0.00");
  EXPECT_EQ(FenToString(-5), "-0.05");
  EXPECT_EQ(FenToString(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
  EXPECT_EQ(FenToString(std::numeric_limits<std::int64_t>::max()), "92233720368547758.07");
  // The same text as Money's, over magnitudes of every length and both signs.
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 20'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const auto fen = static_cast<std::int64_t>(x) >> (i % 63);
    ASSERT_EQ(FenToString(fen), Money(fen, Currency::Cny()).ToDecimalString()) << fen;
  }
  EXPECT_EQ(FenToGroupedString(520000), "5,200.00");
  EXPECT_EQ(FenToGroupedString(2600000), "26,000.00");
  EXPECT_EQ(FenToGroupedString(-123456789), "-1,234,567.89");
  EXPECT_EQ(FenToGroupedString(99999), "999.99");
}

TEST(RuleKindTest, ChoicesAreTheStoredNames) {
  const auto c = EnumChoices(RuleKind{});
  ASSERT_EQ(c.size(), 10U);
  EXPECT_EQ(c[static_cast<std::size_t>(RuleKind::kSingleLimit)], "single_limit");
  EXPECT_EQ(c[static_cast<std::size_t>(RuleKind::kCbecTaxShare)], "cbec_tax_share");
  EXPECT_EQ(c[static_cast<std::size_t>(RuleKind::kConsumptionTaxRate)], "consumption_tax_rate");
  EXPECT_EQ(c[static_cast<std::size_t>(RuleKind::kCosmeticsThreshold)], "cosmetics_threshold");
  EXPECT_EQ(c[static_cast<std::size_t>(RuleKind::kReturnArriveDays)], "return_arrive_days");
}

TEST(RuleRowTest, EveryPublicRowIsValid) {
  for (const RuleRow& row : public_rules::PublicRuleRows()) {
    EXPECT_TRUE(Validate(row).ok()) << row.id.value() << ": " << Validate(row).message();
  }
  for (const PositiveListLine& line : public_rules::PublicPositiveList()) {
    EXPECT_TRUE(Validate(line).ok()) << line.hs_code;
  }
}

RuleRow VatRow() {
  return public_rules::RateRow(1, RuleKind::kVatRate, "standard", "0.13", Day(2019, 4, 1),
                               std::nullopt, "MOF, STA, GACC Announcement [2019] No.39");
}

TEST(RuleRowTest, RefusesARowWithoutItsValue) {
  RuleRow row = VatRow();
  row.rate.reset();
  EXPECT_EQ(Validate(row).field(), "rate");
  row = public_rules::AmountRow(1, RuleKind::kSingleLimit, "", 500000, Day(2019, 1, 1),
                                std::nullopt, "x");
  row.amount_fen.reset();
  EXPECT_EQ(Validate(row).field(), "amount");
  row.amount_fen = 0;
  EXPECT_EQ(Validate(row).field(), "amount");
  row = public_rules::QuantityRow(1, RuleKind::kReturnApplyDays, 30, Day(2020, 3, 28), "x");
  row.quantity.reset();
  EXPECT_EQ(Validate(row).field(), "quantity");
}

TEST(RuleRowTest, RefusesKeysOfTheWrongForm) {
  RuleRow row = VatRow();
  row.key = "luxury";
  Status st = Validate(row);
  EXPECT_EQ(st.field(), "key");
  EXPECT_NE(st.message().find("vat_rate"), std::string::npos);
  row.key = "3304";
  EXPECT_TRUE(Validate(row).ok());
  row.key = "33a4";
  EXPECT_EQ(Validate(row).field(), "key");
  row = public_rules::AmountRow(1, RuleKind::kSingleLimit, "x", 500000, Day(2019, 1, 1),
                                std::nullopt, "x");
  EXPECT_EQ(Validate(row).field(), "key");
  row = public_rules::AmountRow(1, RuleKind::kCosmeticsThreshold, "kg", 1000, Day(2019, 1, 1),
                                std::nullopt, "x");
  EXPECT_EQ(Validate(row).field(), "key");
  row.key = "ml";
  EXPECT_TRUE(Validate(row).ok());
}

TEST(RuleRowTest, RefusesImpossibleRatesAndDates) {
  RuleRow row = public_rules::RateRow(1, RuleKind::kConsumptionTaxRate, "high_end_cosmetics", "1",
                                      Day(2016, 10, 1), std::nullopt, "Cai Shui [2016] No.103");
  EXPECT_EQ(Validate(row).field(), "rate");  // P/(1-c) has no meaning at c = 1
  row = public_rules::RateRow(1, RuleKind::kCbecTaxShare, "", "1.2", Day(2016, 4, 8), std::nullopt,
                              "x");
  EXPECT_EQ(Validate(row).field(), "rate");
  row = VatRow();
  row.valid_to = Day(2019, 3, 31);
  Status st = Validate(row);
  EXPECT_EQ(st.field(), "valid_to");
  EXPECT_NE(st.message().find("2019-03-31"), std::string::npos);
  row.valid_to = Day(2019, 4, 1);  // a one-day row
  EXPECT_TRUE(Validate(row).ok());
}

TEST(RuleRowTest, NeedsItsSource) {
  RuleRow row = VatRow();
  row.source = "  ";
  EXPECT_EQ(Validate(row).field(), "source");
}

TEST(RuleRowTest, GoodsCapNeedsAnHsPrefixAQuantityAndAUnit) {
  RuleRow row = public_rules::QuantityRow(1, RuleKind::kGoodsCap, 50, Day(2019, 1, 1), "x");
  EXPECT_EQ(Validate(row).field(), "key");
  row.key = "1701";
  EXPECT_EQ(Validate(row).field(), "unit");
  row.unit = "kg";
  EXPECT_TRUE(Validate(row).ok());
}

TEST(PositiveListLineTest, NeedsAnEightOrTenDigitCode) {
  PositiveListLine line = public_rules::PublicPositiveList()[0];
  for (const char* bad : {"1901101", "190110100", "19011010001", "1901101A", ""}) {
    line.hs_code = bad;
    EXPECT_EQ(Validate(line).field(), "hs_code") << bad;
  }
  line.hs_code = "1901101000";
  EXPECT_TRUE(Validate(line).ok());
  line.valid_to = Day(2016, 4, 7);
  EXPECT_EQ(Validate(line).field(), "valid_to");
}

TEST(RuleBookTest, VatRateIsTheRowInForceOnTheDate) {
  const RuleBook book = PublicRuleBook();
  const auto vat = [&](Date d) { return book.Find(RuleKind::kVatRate, "standard", d); };
  EXPECT_EQ(vat(Day(2018, 4, 30))->rate->ToString(), "0.17");
  EXPECT_EQ(vat(Day(2018, 5, 1))->rate->ToString(), "0.16");
  EXPECT_EQ(vat(Day(2019, 3, 31))->rate->ToString(), "0.16");
  EXPECT_EQ(vat(Day(2019, 4, 1))->rate->ToString(), "0.13");
  EXPECT_EQ(vat(Day(2026, 11, 20))->rate->ToString(), "0.13");
  EXPECT_EQ(vat(Day(2026, 11, 20))->id.value(), public_rules::kVatStandard13);
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "reduced", Day(2026, 11, 20))->rate->ToString(), "0.09");
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "reduced", Day(2017, 6, 30))->rate->ToString(), "0.13");
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "reduced", Day(2017, 7, 1))->rate->ToString(), "0.11");
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "standard", Day(1993, 12, 31)), nullptr);
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "other", Day(2026, 1, 1)), nullptr);
}

TEST(RuleBookTest, LimitsChangedOnTheFirstOf2019) {
  const RuleBook book = PublicRuleBook();
  EXPECT_EQ(*book.Find(RuleKind::kSingleLimit, "", Day(2018, 12, 31))->amount_fen, 200000);
  EXPECT_EQ(*book.Find(RuleKind::kSingleLimit, "", Day(2019, 1, 1))->amount_fen, 500000);
  EXPECT_EQ(*book.Find(RuleKind::kAnnualLimit, "", Day(2018, 12, 31))->amount_fen, 2000000);
  EXPECT_EQ(*book.Find(RuleKind::kAnnualLimit, "", Day(2019, 1, 1))->amount_fen, 2600000);
}

TEST(RuleBookTest, ALaterRowWinsAndATenantRowWinsATie) {
  std::vector<RuleRow> rows = public_rules::PublicRuleRows();
  RuleRow overlap = public_rules::RateRow(50, RuleKind::kVatRate, "standard", "0.12",
                                          Day(2026, 1, 1), std::nullopt, "test");
  rows.push_back(overlap);
  RuleRow tenant = public_rules::RateRow(51, RuleKind::kVatRate, "reduced", "0.08", Day(2019, 4, 1),
                                         std::nullopt, "tenant's own");
  tenant.tenant_id = TenantId(7);
  rows.push_back(tenant);
  const RuleBook book(rows, {});
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "standard", Day(2025, 12, 31))->id.value(),
            public_rules::kVatStandard13);
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "standard", Day(2026, 1, 1))->id.value(), 50);
  EXPECT_EQ(book.Find(RuleKind::kVatRate, "reduced", Day(2026, 1, 1))->id.value(), 51);
}

TEST(RuleBookTest, HsLookupUsesTheLongestPrefixInForce) {
  std::vector<RuleRow> rows = public_rules::PublicRuleRows();
  rows.push_back(public_rules::RateRow(60, RuleKind::kTariffRate, "33", "0.1", Day(2019, 1, 1),
                                       std::nullopt, "t"));
  rows.push_back(public_rules::RateRow(61, RuleKind::kTariffRate, "3304", "0.05", Day(2019, 1, 1),
                                       std::nullopt, "t"));
  rows.push_back(public_rules::RateRow(62, RuleKind::kTariffRate, "330499", "0.02", Day(2019, 1, 1),
                                       Day(2020, 12, 31), "t"));
  const RuleBook book(rows, {});
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "33049900", Day(2020, 6, 1))->id.value(), 62);
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "33049900", Day(2021, 1, 1))->id.value(), 61);
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "33042000", Day(2021, 1, 1))->id.value(), 61);
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "33011000", Day(2021, 1, 1))->id.value(), 60);
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "19011010", Day(2021, 1, 1)), nullptr);
  EXPECT_EQ(book.FindByHs(RuleKind::kTariffRate, "33049900", Day(2018, 1, 1)), nullptr);
  // Word keys are never HS prefixes.
  EXPECT_EQ(book.FindByHs(RuleKind::kVatRate, "33049900", Day(2021, 1, 1)), nullptr);
}

TEST(RuleBookTest, PositiveListCoversSubLinesAndRespectsDates) {
  std::vector<PositiveListLine> lines = public_rules::PublicPositiveList();
  PositiveListLine ended = lines[0];
  ended.hs_code = "2106909090";
  ended.valid_from = Day(2016, 4, 8);
  ended.valid_to = Day(2018, 12, 31);
  lines.push_back(ended);
  const RuleBook book({}, lines);
  EXPECT_NE(book.PositiveListed("19011010", Day(2026, 1, 1)), nullptr);
  EXPECT_EQ(book.PositiveListed("1901101000", Day(2026, 1, 1))->hs_code, "19011010");
  EXPECT_EQ(book.PositiveListed("19011020", Day(2026, 1, 1)), nullptr);
  EXPECT_EQ(book.PositiveListed("19011010", Day(2016, 4, 7)), nullptr);  // before the list
  EXPECT_EQ(book.PositiveListed("2106909090", Day(2018, 6, 1))->hs_code, "2106909090");
  EXPECT_EQ(book.PositiveListed("2106909090", Day(2026, 1, 1))->hs_code, "21069090");
  EXPECT_EQ(book.PositiveListed("1901", Day(2026, 1, 1)), nullptr);  // a prefix is not listed
}

}  // namespace
}  // namespace xb::customs
