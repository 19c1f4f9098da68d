#include "domain/catalog/gtin.h"

#include <gtest/gtest.h>

#include <ostream>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb::catalog {
namespace {

TEST(Gs1CheckDigitTest, ComputesTheMod10CheckDigitOfRealKeys) {
  EXPECT_EQ(Gs1CheckDigit("400638133393"), 1);   // EAN-13 4006381333931
  EXPECT_EQ(Gs1CheckDigit("690102807586"), 2);   // EAN-13 6901028075862 (China, 690)
  EXPECT_EQ(Gs1CheckDigit("9638507"), 4);        // EAN-8 96385074
  EXPECT_EQ(Gs1CheckDigit("03600029145"), 2);    // UPC-A 036000291452
  EXPECT_EQ(Gs1CheckDigit("1061414100041"), 5);  // GTIN-14 10614141000415
  EXPECT_EQ(Gs1CheckDigit("978030640615"), 7);   // ISBN-13 9780306406157
}

TEST(Gs1CheckDigitTest, CheckDigitIsZeroWhenTheSumIsAMultipleOfTen) {
  EXPECT_EQ(Gs1CheckDigit("501234567890"), 0);  // weighted sum 90
  EXPECT_EQ(Gs1CheckDigit("0000000"), 0);
  EXPECT_EQ(Gs1CheckDigit("0001234560001"), 2);  // weighted sum 48
  EXPECT_EQ(Gs1CheckDigit("5"), 5);              // 10 - 15 % 10
}

TEST(ValidateGtinTest, AcceptsRealGtinsOfEveryLength) {
  for (const char* gtin : {"4006381333931", "6901028075862", "9310160814616", "9780306406157",
                           "96385074", "036000291452", "10614141000415", "00012345600012"}) {
    SCOPED_TRACE(gtin);
    EXPECT_TRUE(ValidateGtin(gtin).ok()) << ValidateGtin(gtin).ToString();
  }
}

TEST(ValidateGtinTest, RefusesAWrongCheckDigitNamingTheExpectedOne) {
  const Status s = ValidateGtin("4006381333932");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "gtin");
  EXPECT_EQ(s.message(), "gtin: check digit is wrong (expected 1)");
  EXPECT_EQ(ValidateGtin("96385070").code(), ErrorCode::kInvalidArgument);        // GTIN-8
  EXPECT_EQ(ValidateGtin("036000291459").code(), ErrorCode::kInvalidArgument);    // GTIN-12
  EXPECT_EQ(ValidateGtin("10614141000416").code(), ErrorCode::kInvalidArgument);  // GTIN-14
}

TEST(ValidateGtinTest, RefusesTransposedDigits) {
  // Swapping two adjacent digits with different weights changes the sum.
  EXPECT_FALSE(ValidateGtin("4006381339331").ok());
}

TEST(ValidateGtinTest, RefusesOtherLengths) {
  for (const char* gtin : {"1", "1234567", "123456789", "12345678901", "123456789012345"}) {
    SCOPED_TRACE(gtin);
    const Status s = ValidateGtin(gtin);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.field(), "gtin");
  }
  EXPECT_EQ(ValidateGtin("12345678901").message(), "gtin: must be 8, 12, 13 or 14 digits, got 11");
}

TEST(ValidateGtinTest, RefusesNonDigits) {
  for (const char* gtin :
       {"", "400638133393X", "4006381 33931", "-400638133393", "４００６３８１３３３９３１"}) {
    SCOPED_TRACE(gtin);
    const Status s = ValidateGtin(gtin);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.field(), "gtin");
    EXPECT_EQ(s.message(), "gtin: must contain digits only");
  }
}

TEST(ValidateHsCodeTest, AcceptsEightAndTenDigitChineseTariffCodes) {
  EXPECT_TRUE(ValidateHsCode("19011010").ok());    // infant formula, 8 digits
  EXPECT_TRUE(ValidateHsCode("1901101000").ok());  // 10 digits
  EXPECT_TRUE(ValidateHsCode("33049900").ok());    // cosmetics
}

TEST(ValidateHsCodeTest, RefusesOtherLengthsAndNonDigits) {
  for (const char* code :
       {"190110", "1901101", "190110100", "19011010000", "1901.10.10", "", "1901101O"}) {
    SCOPED_TRACE(code);
    const Status s = ValidateHsCode(code);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.field(), "hs_code");
  }
  EXPECT_EQ(ValidateHsCode("190110").message(), "hs_code: must be 8 or 10 digits, got 6");
}

TEST(ValidateCountryCodeTest, AcceptsTwoUpperCaseLettersAndNamesTheGivenField) {
  EXPECT_TRUE(ValidateCountryCode("AU", "origin_country").ok());
  EXPECT_TRUE(ValidateCountryCode("CN", "origin_country").ok());
  for (const char* c : {"au", "A", "AUS", "", "A1", "Au"}) {
    SCOPED_TRACE(c);
    const Status s = ValidateCountryCode(c, "origin_country");
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.field(), "origin_country");
  }
}

}  // namespace
}  // namespace xb::catalog
