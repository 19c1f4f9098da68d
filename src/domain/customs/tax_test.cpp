#include "domain/customs/tax.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/money.h"
#include "domain/customs/testing/public_rules.h"

namespace xb::customs {
namespace {

namespace pr = public_rules;
using pr::Day;

const Date kToday = Day(2026, 11, 20);

TaxLineInput Line(std::int64_t value_fen, std::string ref = "1") {
  TaxLineInput l;
  l.ref = std::move(ref);
  l.value_fen = value_fen;
  l.quantity = 1;
  return l;
}

TaxLineInput MilkPowder(std::int64_t value_fen) {
  TaxLineInput l = Line(value_fen);
  l.hs_code = "19011010";
  l.legal_quantity_milli = 800'000;  // 800 g
  l.legal_unit = "g";
  return l;
}

TaxLineInput SkinCare(std::int64_t value_fen, std::int64_t grams) {
  TaxLineInput l = Line(value_fen);
  l.hs_code = "33049900";
  l.legal_quantity_milli = grams * 1000;
  l.legal_unit = "g";
  l.consumption_tax = ConsumptionTaxMode::kHighEndCosmetics;
  return l;
}

TaxInput Order(std::vector<TaxLineInput> lines, Date on = kToday) {
  TaxInput in;
  in.date = on;
  in.lines = std::move(lines);
  return in;
}

TaxQuote Quote(const TaxInput& in, const RuleBook& book = pr::PublicRuleBook()) {
  auto q = QuoteTax(in, book);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return q.ok() ? *q : TaxQuote{};
}

bool Uses(const std::vector<RuleId>& ids, std::int64_t id) {
  return std::find(ids.begin(), ids.end(), RuleId(id)) != ids.end();
}

bool NoteHas(const TaxLine& line, std::string_view text) {
  return std::any_of(line.notes.begin(), line.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// ---- the public test vectors of the domain page ----

TEST(TaxTest, MilkPowderOf200Owes18_20) {
  const TaxQuote q = Quote(Order({MilkPowder(20000)}));
  EXPECT_EQ(q.channel, Channel::kCbec);
  ASSERT_EQ(q.lines.size(), 1U);
  EXPECT_EQ(q.lines[0].vat_fen, 1820);
  EXPECT_EQ(q.lines[0].consumption_tax_fen, 0);
  EXPECT_EQ(q.lines[0].tariff_fen, 0);
  EXPECT_EQ(q.total_fen, 1820);
  EXPECT_EQ(FenToString(q.total_fen), "18.20");
  EXPECT_EQ(q.tax_share, Rate(7, 10));
  EXPECT_EQ(CompositeRate(q.lines[0], q.tax_share), "0.091");
  EXPECT_TRUE(Uses(q.lines[0].rules_used, pr::kVatStandard13));
  EXPECT_TRUE(Uses(q.rules_used, pr::kTaxShare));
  EXPECT_TRUE(Uses(q.rules_used, pr::kSingleLimit2019));
  EXPECT_TRUE(Uses(q.rules_used, pr::kAnnualLimit2019));
  EXPECT_TRUE(q.reasons.empty());
}

TEST(TaxTest, SkinCareOf20GramsOwes98_00) {
  const TaxQuote q = Quote(Order({SkinCare(42500, 20)}));
  EXPECT_EQ(q.channel, Channel::kCbec);
  const TaxLine& l = q.lines[0];
  EXPECT_EQ(l.unit_price, "21.25");
  EXPECT_EQ(l.consumption_tax_rate, Rate(15, 100));
  EXPECT_EQ(FenToString(l.consumption_tax_fen), "52.50");
  EXPECT_EQ(FenToString(l.vat_fen), "45.50");
  EXPECT_EQ(FenToString(l.total_fen), "98.00");
  EXPECT_EQ(q.consumption_tax_fen, 5250);
  EXPECT_EQ(q.vat_fen, 4550);
  EXPECT_EQ(q.tariff_fen, 0);
  EXPECT_EQ(q.total_fen, 9800);
  EXPECT_TRUE(Uses(l.rules_used, pr::kCosmeticsRate));
  EXPECT_TRUE(Uses(l.rules_used, pr::kThresholdG));
  EXPECT_TRUE(NoteHas(l, "21.25/g >= threshold 10.00/g")) << l.notes[1];
}

TEST(TaxTest, CompositeRatesOfTheDomainPage) {
  TaxLine ordinary;
  ordinary.vat_rate = Rate(13, 100);
  EXPECT_EQ(CompositeRate(ordinary, Rate(7, 10)), "0.091");
  TaxLine cosmetics;
  cosmetics.vat_rate = Rate(13, 100);
  cosmetics.consumption_tax_rate = Rate(15, 100);
  // (0.13 + 0.15) / (1 − 0.15) × 0.7 = 0.2305882…, not the shortcut (v + c) × 0.7 = 0.196.
  EXPECT_EQ(CompositeRate(cosmetics, Rate(7, 10)), "0.230588");
  EXPECT_EQ(CompositeRate(cosmetics, Rate(7, 10), 4), "0.2306");
  EXPECT_EQ(CompositeRate(cosmetics, Rate(7, 10), 10), "0.2305882353");
  // Full rate with a tariff: (t + v + c + t·v)/(1 − c).
  TaxLine full = cosmetics;
  full.tariff_rate = Rate(5, 100);
  EXPECT_EQ(CompositeRate(full, Rate(1, 1), 8), "0.39588235");
}

// ---- rounding ----

TEST(TaxTest, EachTaxIsRoundedHalfUpToTheFen) {
  TaxLineInput l = Line(500);  // 5.00 × 0.13 × 0.7 = 0.455 -> 0.46
  l.vat_rate = Rate(13, 100);
  TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.lines[0].vat_fen, 46);
  l.value_fen = 499;  // 0.45409 -> 0.45
  q = Quote(Order({l}));
  EXPECT_EQ(q.lines[0].vat_fen, 45);
}

TEST(TaxTest, ExactArithmeticHandlesLargeValuesAndFineRates) {
  TaxLineInput l = Line(100'000'000'000'000);  // one trillion yuan, one item
  l.vat_rate = *Rate::Parse("0.123456789");
  l.consumption_tax = ConsumptionTaxMode::kExplicit;
  l.consumption_tax_rate = *Rate::Parse("0.987654321");
  l.tariff_rate = *Rate::Parse("0.000000001");
  auto q = QuoteTax(Order({l}), pr::PublicRuleBook());
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->channel, Channel::kGeneralTrade);  // over the annual limit: full breakdown
  // P(1+t)/(1−c)·c with P = 1e14 fen, computed with Python's fractions and rounded half up.
  EXPECT_EQ(q->lines[0].tariff_fen, 100000);
  EXPECT_EQ(q->lines[0].consumption_tax_fen, 8000000016100000);
  EXPECT_EQ(q->lines[0].vat_fen, 999999992900000);
}

// ---- the full-rate case ----

TEST(TaxTest, SingleIndivisibleItemOverTheLimitPaysInFull) {
  TaxLineInput l = SkinCare(600000, 50);  // 6,000.00, one jar
  l.tariff_rate = Rate(5, 100);
  const TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.channel, Channel::kCbecFullRate);
  EXPECT_EQ(q.tax_share, Rate(1, 1));
  const TaxLine& t = q.lines[0];
  EXPECT_EQ(t.tariff_fen, 30000);            // P·t
  EXPECT_EQ(t.consumption_tax_fen, 111176);  // P(1+t)/(1−c)·c = 111176.47
  EXPECT_EQ(t.vat_fen, 96353);               // P(1+t)/(1−c)·v = 96352.94
  EXPECT_EQ(t.total_fen, 237529);            // P(t+v+c+tv)/(1−c) = 237529.41
  EXPECT_EQ(q.total_fen, 237529);
  EXPECT_TRUE(q.reasons.empty());
  EXPECT_FALSE(Uses(q.rules_used, pr::kTaxShare));
  EXPECT_TRUE(NoteHas(t, "single indivisible item"));
}

TEST(TaxTest, FullRatePartsAddUpToTheFormulaForManyValues) {
  // The split tariff / CT / VAT, each rounded, stays within a fen of the rounded formula.
  for (std::int64_t p = 500001; p < 2000000; p += 7919) {
    TaxLineInput l = SkinCare(p, 30);
    l.tariff_rate = Rate(3, 100);
    const TaxQuote q = Quote(Order({l}));
    ASSERT_EQ(q.channel, Channel::kCbecFullRate);
    // P(t + v + c + tv)/(1 − c) with t = 0.03, v = 0.13, c = 0.15: 0.3139 / 0.85.
    const Int128 num = static_cast<Int128>(p) * 3139;
    const Int128 den = 8500;
    const std::int64_t formula = static_cast<std::int64_t>((2 * num + den) / (2 * den));
    EXPECT_LE(std::abs(q.total_fen - formula), 1) << p;
    EXPECT_EQ(q.lines[0].tariff_fen, (p * 3 + 50) / 100) << p;
  }
}

TEST(TaxTest, TariffComesFromTheRuleBookWhenNotGiven) {
  std::vector<RuleRow> rows = pr::PublicRuleRows();
  rows.push_back(pr::RateRow(70, RuleKind::kTariffRate, "3304", "0.01", Day(2019, 1, 1),
                             std::nullopt, "MFN schedule 2019"));
  const RuleBook book(rows, pr::PublicPositiveList());
  TaxQuote q = Quote(Order({SkinCare(600000, 50)}), book);
  EXPECT_EQ(q.lines[0].tariff_rate, Rate(1, 100));
  EXPECT_EQ(q.lines[0].tariff_fen, 6000);
  EXPECT_TRUE(Uses(q.lines[0].rules_used, 70));
  // Another heading falls back to the "default" row (0).
  TaxLineInput milk = MilkPowder(600000);
  q = Quote(Order({milk}), book);
  EXPECT_EQ(q.channel, Channel::kCbecFullRate);
  EXPECT_EQ(q.lines[0].tariff_fen, 0);
  EXPECT_TRUE(Uses(q.lines[0].rules_used, pr::kTariffDefault));
  EXPECT_EQ(q.lines[0].vat_fen, 78000);  // 6,000.00 × 0.13 in full
}

// ---- the limits ----

TEST(TaxTest, ExactlyAtTheSingleLimitIsWithinIt) {
  const TaxQuote q = Quote(Order({MilkPowder(500000)}));
  EXPECT_EQ(q.channel, Channel::kCbec);
  EXPECT_EQ(q.total_fen, 45500);  // 5,000.00 × 0.091
}

TEST(TaxTest, SeveralItemsOverTheSingleLimitAreGeneralTrade) {
  TaxLineInput a = MilkPowder(300000);
  TaxLineInput b = MilkPowder(220000);
  b.ref = "2";
  b.hs_code = "19011090";
  const TaxQuote q = Quote(Order({a, b}));
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  ASSERT_EQ(q.violations.size(), 1U);
  EXPECT_EQ(q.violations[0].rule, "single_limit");
  const std::string& m = q.violations[0].message;
  EXPECT_NE(m.find("5,200.00"), std::string::npos) << m;
  EXPECT_NE(m.find("5,000.00"), std::string::npos) << m;
  EXPECT_NE(m.find("Cai Guan Shui [2018] No.49"), std::string::npos) << m;
  EXPECT_NE(m.find("2 line(s)"), std::string::npos) << m;
  ASSERT_EQ(q.reasons.size(), 1U);
  EXPECT_EQ(q.reasons[0], "single_limit: " + m);
  // The breakdown shows the full-rate amounts the goods would owe.
  EXPECT_EQ(q.tax_share, Rate(1, 1));
  EXPECT_EQ(q.total_fen, 520000 * 13 / 100);
}

TEST(TaxTest, OneLineOfTwoUnitsOverTheLimitIsNotASingleItem) {
  TaxLineInput l = MilkPowder(520000);
  l.quantity = 2;
  const TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  EXPECT_EQ(q.violations[0].rule, "single_limit");
  EXPECT_NE(q.violations[0].message.find("2 unit(s)"), std::string::npos);
}

TEST(TaxTest, AnnualLimitIsCumulative) {
  TaxInput in = Order({MilkPowder(200000)});
  in.annual_used_fen = 2400000;  // 24,000 + 2,000 = 26,000: exactly at the limit
  EXPECT_EQ(Quote(in).channel, Channel::kCbec);
  in.annual_used_fen = 2400001;
  const TaxQuote q = Quote(in);
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  ASSERT_EQ(q.violations.size(), 1U);
  EXPECT_EQ(q.violations[0].rule, "annual_limit");
  const std::string& m = q.violations[0].message;
  EXPECT_NE(m.find("24,000.01"), std::string::npos) << m;
  EXPECT_NE(m.find("2,000.00"), std::string::npos) << m;
  EXPECT_NE(m.find("26,000.01"), std::string::npos) << m;
  EXPECT_NE(m.find("26,000.00"), std::string::npos) << m;
}

TEST(TaxTest, SingleItemOverTheLimitThatBreaksTheYearIsGeneralTrade) {
  TaxInput in = Order({SkinCare(600000, 50)});
  in.lines[0].tariff_rate = Rate(0, 1);
  in.annual_used_fen = 2000001;  // 20,000.01 + 6,000 > 26,000
  const TaxQuote q = Quote(in);
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  ASSERT_EQ(q.violations.size(), 1U);
  EXPECT_EQ(q.violations[0].rule, "annual_limit");
  in.annual_used_fen = 2000000;  // exactly 26,000: still CBEC, in full
  EXPECT_EQ(Quote(in).channel, Channel::kCbecFullRate);
}

TEST(TaxTest, TheOrderDateChoosesTheLimitsAndRates) {
  // 2018-06-01: single limit 2,000, VAT 16%.
  TaxQuote q = Quote(Order({MilkPowder(150000)}, Day(2018, 6, 1)));
  EXPECT_EQ(q.channel, Channel::kCbec);
  EXPECT_EQ(q.lines[0].vat_rate, Rate(16, 100));
  EXPECT_EQ(q.total_fen, 16800);  // 1,500 × 0.16 × 0.7
  EXPECT_TRUE(Uses(q.rules_used, pr::kSingleLimit2016));
  TaxLineInput two = MilkPowder(250000);
  two.quantity = 2;
  q = Quote(Order({two}, Day(2018, 6, 1)));
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  EXPECT_NE(q.violations[0].message.find("2,000.00"), std::string::npos);
  q = Quote(Order({MilkPowder(10000)}, Day(2018, 4, 30)));
  EXPECT_EQ(q.lines[0].vat_rate, Rate(17, 100));
  q = Quote(Order({MilkPowder(10000)}, Day(2019, 4, 1)));
  EXPECT_EQ(q.lines[0].vat_rate, Rate(13, 100));
}

TEST(TaxTest, ReducedVatClassUsesItsRow) {
  TaxLineInput l = Line(10000);
  l.vat_class = "reduced";
  TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.lines[0].vat_rate, Rate(9, 100));
  EXPECT_EQ(q.total_fen, 630);  // 100 × 0.09 × 0.7
  EXPECT_TRUE(Uses(q.lines[0].rules_used, pr::kVatReduced9));
}

TEST(TaxTest, AnHsKeyedVatRowBeatsTheClass) {
  std::vector<RuleRow> rows = pr::PublicRuleRows();
  rows.push_back(
      pr::RateRow(80, RuleKind::kVatRate, "1901", "0.09", Day(2019, 4, 1), std::nullopt, "test"));
  const RuleBook book(rows, pr::PublicPositiveList());
  const TaxQuote q = Quote(Order({MilkPowder(20000)}), book);
  EXPECT_EQ(q.lines[0].vat_rate, Rate(9, 100));
  EXPECT_TRUE(Uses(q.lines[0].rules_used, 80));
}

TEST(TaxTest, AnHsKeyedConsumptionTaxRowAppliesWithoutAClass) {
  std::vector<RuleRow> rows = pr::PublicRuleRows();
  rows.push_back(pr::RateRow(81, RuleKind::kConsumptionTaxRate, "2106", "0.1", Day(2019, 1, 1),
                             std::nullopt, "test"));
  const RuleBook book(rows, pr::PublicPositiveList());
  TaxLineInput l = Line(9000);
  l.hs_code = "21069090";
  const TaxQuote q = Quote(Order({l}), book);
  EXPECT_EQ(q.lines[0].consumption_tax_rate, Rate(1, 10));
  EXPECT_EQ(q.lines[0].consumption_tax_fen, 700);  // 90/0.9 × 0.1 × 0.7
  EXPECT_EQ(q.lines[0].vat_fen, 910);              // 90/0.9 × 0.13 × 0.7
}

// ---- the cosmetics threshold on the legal quantity ----

TEST(TaxTest, CosmeticsBelowTheThresholdOweNoConsumptionTax) {
  const TaxQuote q = Quote(Order({SkinCare(19999, 20)}));  // 9.99995/g
  EXPECT_EQ(q.lines[0].consumption_tax_rate, Rate(0, 1));
  EXPECT_EQ(q.lines[0].consumption_tax_fen, 0);
  EXPECT_EQ(q.lines[0].vat_fen, 1820);  // 199.99 × 0.091 = 18.199
  EXPECT_TRUE(NoteHas(q.lines[0], "< threshold 10.00/g"));
  EXPECT_TRUE(Uses(q.lines[0].rules_used, pr::kThresholdG));
  EXPECT_FALSE(Uses(q.lines[0].rules_used, pr::kCosmeticsRate));
}

TEST(TaxTest, CosmeticsExactlyAtTheThresholdAreTaxed) {
  const TaxQuote q = Quote(Order({SkinCare(20000, 20)}));  // 10.00/g
  EXPECT_EQ(q.lines[0].consumption_tax_rate, Rate(15, 100));
  EXPECT_EQ(q.lines[0].unit_price, "10.00");
}

TEST(TaxTest, CosmeticsThresholdPerMillilitreAndPerPiece) {
  TaxLineInput ml = SkinCare(15000, 0);
  ml.legal_unit = "ml";
  ml.legal_quantity_milli = 15000;  // 15 ml at 10.00/ml: taxed
  EXPECT_EQ(Quote(Order({ml})).lines[0].consumption_tax_rate, Rate(15, 100));
  ml.legal_unit = "l";
  ml.legal_quantity_milli = 15;  // 0.015 l = 15 ml: the same
  EXPECT_EQ(Quote(Order({ml})).lines[0].consumption_tax_rate, Rate(15, 100));
  TaxLineInput masks = SkinCare(14999, 0);
  masks.legal_unit = "piece";
  masks.legal_quantity_milli = 1000;  // one sheet at 149.99: taxed (>= 15.00)
  EXPECT_EQ(Quote(Order({masks})).lines[0].consumption_tax_rate, Rate(15, 100));
  masks.legal_quantity_milli = 10000;  // ten sheets at 14.999 each: below 15.00
  TaxQuote q = Quote(Order({masks}));
  EXPECT_EQ(q.lines[0].consumption_tax_rate, Rate(0, 1));
  EXPECT_TRUE(Uses(q.lines[0].rules_used, pr::kThresholdPiece));
  masks.legal_quantity_milli = 9999;  // 9.999 pieces -> 15.0005 per piece: taxed
  EXPECT_EQ(Quote(Order({masks})).lines[0].consumption_tax_rate, Rate(15, 100));
}

TEST(TaxTest, CosmeticsInKilogramsCompareInGrams) {
  TaxLineInput l = SkinCare(42500, 0);
  l.legal_unit = "kg";
  l.legal_quantity_milli = 20;  // 0.020 kg = 20 g
  const TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.total_fen, 9800);
  EXPECT_EQ(q.lines[0].unit_price, "21250.00");  // per kg, the declared unit
}

TEST(TaxTest, CosmeticsThresholdUsesTheWholeLinesLegalQuantity) {
  TaxLineInput two = SkinCare(42500, 40);  // two 20 g jars for 425.00: 10.625/g
  two.quantity = 2;
  EXPECT_EQ(Quote(Order({two})).lines[0].consumption_tax_rate, Rate(15, 100));
  two.legal_quantity_milli = 50000;  // 8.50/g
  EXPECT_EQ(Quote(Order({two})).lines[0].consumption_tax_rate, Rate(0, 1));
}

TEST(TaxTest, CosmeticsBeforeTheRuleTookEffectFailWithoutAThreshold) {
  auto q = QuoteTax(Order({SkinCare(42500, 20)}, Day(2016, 9, 30)), pr::PublicRuleBook());
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().field(), "lines[0].consumption_tax");
  EXPECT_NE(q.status().message().find("2016-09-30"), std::string::npos);
}

// ---- allocation of freight, insurance and discount ----

TEST(TaxTest, FreightInsuranceAndDiscountAreSpreadByValueWithTheRemainderLast) {
  TaxLineInput a = MilkPowder(10000);
  TaxLineInput b = MilkPowder(20000);
  b.ref = "2";
  TaxLineInput c = MilkPowder(10000);
  c.ref = "3";
  TaxInput in = Order({a, b, c});
  in.freight_fen = 1001;   // 250.25 / 500.5 / 250.25
  in.insurance_fen = 100;  // 25 / 50 / 25
  in.discount_fen = 3;     // 0.75 / 1.5 / 0.75 -> 0 / 1 / 2
  const TaxQuote q = Quote(in);
  ASSERT_EQ(q.lines.size(), 3U);
  EXPECT_EQ(q.lines[0].dutiable_fen, 10000 + 250 + 25 - 0);
  EXPECT_EQ(q.lines[1].dutiable_fen, 20000 + 500 + 50 - 1);
  EXPECT_EQ(q.lines[2].dutiable_fen, 10000 + 251 + 25 - 2);
  EXPECT_EQ(q.dutiable_fen, 40000 + 1001 + 100 - 3);
  EXPECT_EQ(q.lines[1].ref, "2");
}

TEST(TaxTest, FreightCountsTowardsTheSingleLimit) {
  TaxLineInput a = MilkPowder(250000);
  TaxLineInput b = MilkPowder(249000);
  TaxInput in = Order({a, b});
  in.freight_fen = 1000;  // exactly 5,000.00
  EXPECT_EQ(Quote(in).channel, Channel::kCbec);
  in.freight_fen = 1001;
  EXPECT_EQ(Quote(in).channel, Channel::kGeneralTrade);
}

TEST(TaxTest, AllFreightGoesToTheLastLineWhenNoLineHasValue) {
  TaxLineInput a = Line(0);
  a.vat_rate = Rate(13, 100);
  TaxLineInput b = a;
  TaxInput in = Order({a, b});
  in.freight_fen = 999;
  const TaxQuote q = Quote(in);
  EXPECT_EQ(q.lines[0].dutiable_fen, 0);
  EXPECT_EQ(q.lines[1].dutiable_fen, 999);
}

TEST(TaxTest, ADiscountBeyondTheValueIsRefused) {
  TaxInput in = Order({MilkPowder(1000)});
  in.discount_fen = 1001;
  auto q = QuoteTax(in, pr::PublicRuleBook());
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().field(), "discount");
}

// ---- positive list ----

TEST(TaxTest, GoodsOffThePositiveListAreGeneralTrade) {
  TaxLineInput l = MilkPowder(10000);
  l.hs_code = "22042100";  // wine: not on the demo list
  const TaxQuote q = Quote(Order({l}));
  EXPECT_EQ(q.channel, Channel::kGeneralTrade);
  ASSERT_EQ(q.violations.size(), 1U);
  EXPECT_EQ(q.violations[0].rule, "positive_list");
  EXPECT_NE(q.violations[0].message.find("22042100"), std::string::npos);
  EXPECT_NE(q.violations[0].message.find("2026-11-20"), std::string::npos);
}

TEST(TaxTest, LinesWithExplicitRatesAndNoHsCodeSkipThePositiveList) {
  TaxLineInput l = Line(20000);
  l.vat_rate = Rate(13, 100);
  const TaxQuote q = Quote(Order({l}), RuleBook(pr::PublicRuleRows(), {}));
  EXPECT_EQ(q.channel, Channel::kCbec);
  EXPECT_EQ(q.total_fen, 1820);
  EXPECT_TRUE(NoteHas(q.lines[0], "given"));
}

TEST(TaxTest, EveryReasonIsListed) {
  TaxLineInput a = MilkPowder(300000);
  a.hs_code = "22042100";
  TaxLineInput b = MilkPowder(300000);
  TaxInput in = Order({a, b});
  in.annual_used_fen = 2500000;
  const TaxQuote q = Quote(in);
  ASSERT_EQ(q.violations.size(), 3U);
  EXPECT_EQ(q.violations[0].rule, "positive_list");
  EXPECT_EQ(q.violations[1].rule, "single_limit");
  EXPECT_EQ(q.violations[2].rule, "annual_limit");
}

// ---- bad input ----

TEST(TaxTest, MalformedInputNamesTheField) {
  const RuleBook book = pr::PublicRuleBook();
  EXPECT_EQ(QuoteTax(Order({}), book).status().field(), "lines");
  TaxLineInput l = MilkPowder(100);
  l.value_fen = -1;
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].value");
  l = MilkPowder(100);
  l.quantity = 0;
  EXPECT_EQ(QuoteTax(Order({MilkPowder(1), l}), book).status().field(), "lines[1].quantity");
  l = MilkPowder(100);
  l.legal_unit = "bottle";
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].legal_unit");
  l = MilkPowder(100);
  l.hs_code = "1901";
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].hs_code");
  l = MilkPowder(100);
  l.vat_class = "luxury";
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].vat_class");
  l = MilkPowder(100);
  l.consumption_tax = ConsumptionTaxMode::kExplicit;
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].consumption_tax");
  l.consumption_tax_rate = Rate(1, 1);
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].consumption_tax");
  l = SkinCare(100, 0);
  EXPECT_EQ(QuoteTax(Order({l}), book).status().field(), "lines[0].legal_quantity");
  TaxInput in = Order({MilkPowder(100)});
  in.annual_used_fen = -1;
  EXPECT_EQ(QuoteTax(in, book).status().field(), "annual_used");
  in = Order({MilkPowder(100)});
  in.freight_fen = -1;
  EXPECT_EQ(QuoteTax(in, book).status().field(), "freight");
}

TEST(TaxTest, MissingRulesAreNamed) {
  auto q = QuoteTax(Order({MilkPowder(100)}, Day(2015, 1, 1)), pr::PublicRuleBook());
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().field(), "date");
  EXPECT_NE(q.status().message().find("single_limit"), std::string::npos);
  std::vector<RuleRow> rows;
  for (const RuleRow& r : pr::PublicRuleRows()) {
    if (r.kind != RuleKind::kVatRate) rows.push_back(r);
  }
  q = QuoteTax(Order({MilkPowder(100)}), RuleBook(rows, pr::PublicPositiveList()));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().field(), "lines[0].vat_rate");
}

TEST(TaxTest, ChannelNames) {
  EXPECT_EQ(EnumChoices(Channel{})[0], "cbec");
  EXPECT_EQ(EnumChoices(Channel{})[1], "cbec_full_rate");
  EXPECT_EQ(EnumChoices(Channel{})[2], "general_trade");
}

}  // namespace
}  // namespace xb::customs
