#include "domain/warehouse/gs1.h"

#include <gtest/gtest.h>

namespace xb::warehouse {
namespace {

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }
const Date kToday = D(2026, 3, 15);

// Check digits of the example keys, computed by the GS1 mod-10 rule:
//   GTIN 09506000134352, content GTIN 19506000134359, SSCC 106141411234567897,
//   GLN 0614141000418.

TEST(Gs1Test, ParsesTheParenthesisedForm) {
  auto scan = ParseGs1("(01)09506000134352(17)261231(10)ABC123", kToday);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->gtin, "09506000134352");
  EXPECT_EQ(scan->expiry_date, D(2026, 12, 31));
  EXPECT_EQ(scan->lot, "ABC123");
  EXPECT_FALSE(scan->sscc.has_value());
  EXPECT_FALSE(scan->quantity.has_value());
}

TEST(Gs1Test, ParsesRawFormWithGroupSeparatorsAndSymbologyIdentifiers) {
  // 10 is variable length and not last: GS ends it. 17 is fixed: no GS needed.
  const std::string body =
      "0109506000134352"
      "10ABC123\x1d"
      "17261231"
      "3025";
  for (const std::string id : {"", "]C1", "]d2", "]Q3", "]e0"}) {
    auto scan = ParseGs1(id + body, kToday);
    ASSERT_TRUE(scan.ok()) << id << ": " << scan.status().ToString();
    EXPECT_EQ(scan->gtin, "09506000134352") << id;
    EXPECT_EQ(scan->lot, "ABC123") << id;
    EXPECT_EQ(scan->expiry_date, D(2026, 12, 31)) << id;
    EXPECT_EQ(scan->quantity, 25) << id;
  }
}

TEST(Gs1Test, RawFormToleratesLeadingAndRedundantSeparators) {
  auto scan = ParseGs1(
      "]d2\x1d"
      "0109506000134352\x1d"
      "21SN-9",
      kToday);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->gtin, "09506000134352");
  EXPECT_EQ(scan->serial, "SN-9");
}

TEST(Gs1Test, ParsesSsccAndLogisticAis) {
  auto scan = ParseGs1(
      "(00)106141411234567897(02)19506000134359(37)48(400)PO-77/A(410)0614141000418"
      "(414)0614141000418(11)260101(13)260102(15)260700(3102)001250",
      kToday);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->sscc, "106141411234567897");
  EXPECT_EQ(scan->content_gtin, "19506000134359");
  EXPECT_EQ(scan->quantity, 48);
  EXPECT_EQ(scan->order_number, "PO-77/A");
  EXPECT_EQ(scan->ship_to_gln, "0614141000418");
  EXPECT_EQ(scan->location_gln, "0614141000418");
  EXPECT_EQ(scan->production_date, D(2026, 1, 1));
  EXPECT_EQ(scan->packaging_date, D(2026, 1, 2));
  EXPECT_EQ(scan->best_before_date, D(2026, 7, 31));
  EXPECT_EQ(scan->net_weight_grams, 12500);  // 12.50 kg
}

TEST(Gs1Test, LotNumbersMayContainParentheses) {
  auto scan = ParseGs1("(10)A(1)B(17)261231", kToday);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->lot, "A(1)B");
  EXPECT_EQ(scan->expiry_date, D(2026, 12, 31));
}

TEST(Gs1Test, PlainGtinsArePaddedTo14Digits) {
  auto ean13 = ParseGs1("4006381333931", kToday);
  ASSERT_TRUE(ean13.ok()) << ean13.status().ToString();
  EXPECT_EQ(ean13->gtin, "04006381333931");
  auto ean8 = ParseGs1("96385074", kToday);
  ASSERT_TRUE(ean8.ok());
  EXPECT_EQ(ean8->gtin, "00000096385074");
  auto upc = ParseGs1("036000291452", kToday);
  ASSERT_TRUE(upc.ok());
  EXPECT_EQ(upc->gtin, "00036000291452");
  auto with_id = ParseGs1("]E04006381333931", kToday);
  ASSERT_TRUE(with_id.ok());
  EXPECT_EQ(with_id->gtin, "04006381333931");
  EXPECT_EQ(ParseGs1("4006381333932", kToday).status().code(), ErrorCode::kInvalidArgument);
}

TEST(Gs1Test, DayZeroIsTheLastDayOfTheMonth) {
  EXPECT_EQ(ParseGs1("(17)280200", kToday)->expiry_date, D(2028, 2, 29));
  EXPECT_EQ(ParseGs1("(17)270200", kToday)->expiry_date, D(2027, 2, 28));
  EXPECT_EQ(ParseGs1("(17)261100", kToday)->expiry_date, D(2026, 11, 30));
}

TEST(Gs1Test, CenturyFollowsTheSlidingWindow) {
  // Today 2026: 76 is 50 years ahead → 2076; 77 is 51 ahead → 1977.
  EXPECT_EQ(ParseGs1("(11)760101", kToday)->production_date, D(2076, 1, 1));
  EXPECT_EQ(ParseGs1("(11)770101", kToday)->production_date, D(1977, 1, 1));
  // Today 2095: 45 is 50 back → 2145; 46 is 49 back → 2046.
  EXPECT_EQ(ParseGs1("(17)450101", D(2095, 6, 1))->expiry_date, D(2145, 1, 1));
  EXPECT_EQ(ParseGs1("(17)460101", D(2095, 6, 1))->expiry_date, D(2046, 1, 1));
}

void ExpectInvalid(std::string_view text, std::string_view fragment) {
  auto scan = ParseGs1(text, kToday);
  ASSERT_FALSE(scan.ok()) << text;
  EXPECT_EQ(scan.status().code(), ErrorCode::kInvalidArgument) << text;
  EXPECT_EQ(scan.status().field(), "barcode");
  EXPECT_NE(scan.status().message().find(fragment), std::string::npos)
      << text << " → " << scan.status().message();
}

TEST(Gs1Test, MalformedScansNameTheAiAndThePosition) {
  ExpectInvalid("", "empty");
  ExpectInvalid("(99)123", "unknown or unsupported AI (99) at position 1");
  ExpectInvalid(
      "0109506000134352"
      "9912",
      "unknown or unsupported AI at position 17");
  ExpectInvalid("(01)0950600013435(17)261231", "AI (01) at position 5: 14 digits expected, got 13");
  ExpectInvalid("(01)09506000134353",
                "AI (01) at position 18: check digit 3 is wrong (expected 2)");
  ExpectInvalid("(00)106141411234567890", "AI (00) at position 22: check digit");
  ExpectInvalid("(17)261301", "AI (17) at position 7: month 13 is not 01..12");
  ExpectInvalid("(17)260230", "AI (17) at position 9: day 30 does not exist");
  ExpectInvalid("(01)09506000134352xyz", "AI (01) at position 19: unexpected data \"xyz\"");
  ExpectInvalid("0109506000134352xyz", "unknown or unsupported AI at position 17");
  ExpectInvalid("(01)0950600013435A", "AI (01) at position 18: digits only, found \"A\"");
  ExpectInvalid("(10)" + std::string(21, 'A'), "AI (10) at position 5: at most 20 characters");
  ExpectInvalid("10" + std::string(21, 'A'), "AI (10) at position 3: more than 20 characters");
  ExpectInvalid("(10)AB C", "AI (10) at position 7: character outside GS1 set 82");
  ExpectInvalid("(10)(17)261231", "AI (10) at position 5: no data");
  ExpectInvalid("(17)261231(17)261231", "AI (17) at position 15: appears more than once");
  ExpectInvalid("(30)5(37)6", "AI (37) at position 10: a quantity");
  ExpectInvalid("(3106)001250", "unknown or unsupported AI (3106)");
  ExpectInvalid("]C1", "no element strings");
  ExpectInvalid("]A0123", "symbology identifier");
  ExpectInvalid("hello", "unknown or unsupported AI at position 1");
  ExpectInvalid("01095060001343", "check digit is wrong");  // 14 digits: a plain GTIN
}

TEST(Gs1Test, MakeSsccBuildsAValidNumber) {
  auto sscc = MakeSscc(0, "0614141", 1);
  ASSERT_TRUE(sscc.ok());
  EXPECT_EQ(*sscc, "006141410000000012");
  EXPECT_TRUE(IsValidSscc(*sscc));
  auto longest = MakeSscc(9, "061414112345", 9999);
  ASSERT_TRUE(longest.ok());
  EXPECT_EQ(longest->substr(0, 17), "90614141123459999");
  EXPECT_TRUE(IsValidSscc(*longest));
  EXPECT_EQ(MakeSscc(9, "061414112345", 10000).status().field(), "serial");
  EXPECT_EQ(MakeSscc(10, "0614141", 1).status().field(), "extension");
  EXPECT_EQ(MakeSscc(0, "06141", 1).status().field(), "company_prefix");
  EXPECT_EQ(MakeSscc(0, "0614141", -1).status().field(), "serial");
}

TEST(Gs1Test, SsccValidation) {
  EXPECT_TRUE(IsValidSscc("106141411234567897"));
  EXPECT_FALSE(IsValidSscc("106141411234567898"));
  EXPECT_FALSE(IsValidSscc("10614141123456789"));
  EXPECT_FALSE(IsValidSscc("10614141123456789A"));
}

}  // namespace
}  // namespace xb::warehouse
