#include "core/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace xb {
namespace {

TEST(TrimTest, RemovesSpacesTabsAndLineBreaksAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(Trim("\n\tx"), "x");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\r\n "), "");
  EXPECT_EQ(Trim(" 澳洲奶粉 "), "澳洲奶粉");
}

TEST(ToLowerAsciiTest, LowersAsciiLettersOnly) {
  EXPECT_EQ(ToLowerAscii("Aptamil GOLD+ 900g"), "aptamil gold+ 900g");
  EXPECT_EQ(ToLowerAscii("澳洲ABC奶粉"), "澳洲abc奶粉");
  EXPECT_EQ(ToLowerAscii("ÄÖÜ"), "ÄÖÜ");  // non-ASCII bytes are left alone
  EXPECT_EQ(ToLowerAscii(""), "");
}

TEST(IsAllDigitsTest, NeedsAtLeastOneDigitAndNothingElse) {
  EXPECT_TRUE(IsAllDigits("0"));
  EXPECT_TRUE(IsAllDigits("6901028075862"));
  EXPECT_FALSE(IsAllDigits(""));
  EXPECT_FALSE(IsAllDigits("-1"));
  EXPECT_FALSE(IsAllDigits("12 "));
  EXPECT_FALSE(IsAllDigits("1.5"));
  EXPECT_FALSE(IsAllDigits("１２"));  // full-width digits are not ASCII digits
}

TEST(ContainsIgnoreCaseTest, IgnoresAsciiCase) {
  EXPECT_TRUE(ContainsIgnoreCase("Aptamil Gold", "aptamil"));
  EXPECT_TRUE(ContainsIgnoreCase("Aptamil Gold", "GOLD"));
  EXPECT_TRUE(ContainsIgnoreCase("Aptamil Gold", "mil g"));
  EXPECT_FALSE(ContainsIgnoreCase("Aptamil Gold", "golden"));
  EXPECT_FALSE(ContainsIgnoreCase("abc", "abcd"));
}

TEST(ContainsIgnoreCaseTest, ComparesOtherBytesExactly) {
  EXPECT_TRUE(ContainsIgnoreCase("澳洲奶粉 Aptamil", "奶粉"));
  EXPECT_TRUE(ContainsIgnoreCase("澳洲奶粉 Aptamil", "粉 apt"));
  EXPECT_FALSE(ContainsIgnoreCase("澳洲奶粉", "奶茶"));
  EXPECT_FALSE(ContainsIgnoreCase("Äpfel", "äpfel"));
}

TEST(ContainsIgnoreCaseTest, EmptyNeedleIsFoundEverywhere) {
  EXPECT_TRUE(ContainsIgnoreCase("", ""));
  EXPECT_TRUE(ContainsIgnoreCase("x", ""));
  EXPECT_FALSE(ContainsIgnoreCase("", "x"));
}

TEST(ParseInt64Test, ParsesWholeStringsOnly) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("+42"), 42);
  EXPECT_EQ(ParseInt64("007"), 7);
  EXPECT_EQ(ParseInt64(""), std::nullopt);
  EXPECT_EQ(ParseInt64("-"), std::nullopt);
  EXPECT_EQ(ParseInt64("+"), std::nullopt);
  EXPECT_EQ(ParseInt64(" 1"), std::nullopt);
  EXPECT_EQ(ParseInt64("1 "), std::nullopt);
  EXPECT_EQ(ParseInt64("12a"), std::nullopt);
  EXPECT_EQ(ParseInt64("1.0"), std::nullopt);
  EXPECT_EQ(ParseInt64("1e3"), std::nullopt);
  EXPECT_EQ(ParseInt64("--1"), std::nullopt);
}

TEST(ParseInt64Test, AcceptsTheInt64RangeExactly) {
  EXPECT_EQ(ParseInt64("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ParseInt64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInt64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(ParseInt64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseInt64("99999999999999999999999"), std::nullopt);
}

TEST(ParseMilliTest, ParsesUpToThreeDecimalsIntoThousandths) {
  EXPECT_EQ(ParseMilli("20.5"), 20500);
  EXPECT_EQ(ParseMilli("20"), 20000);
  EXPECT_EQ(ParseMilli("0.001"), 1);
  EXPECT_EQ(ParseMilli("0.05"), 50);
  EXPECT_EQ(ParseMilli("1.250"), 1250);
  EXPECT_EQ(ParseMilli("0"), 0);
  EXPECT_EQ(ParseMilli("999999999999.999"), 999'999'999'999'999);
}

TEST(ParseMilliTest, RefusesNegativeMalformedOrTooPreciseNumbers) {
  for (const char* text : {"", ".", "-1", "+1", "1.2345", ".5", "5.", "1,5", "1.2.3", "abc", "1e3",
                           " 1", "1000000000000"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseMilli(text), std::nullopt);
  }
}

TEST(FormatMilliTest, DropsTrailingZeros) {
  EXPECT_EQ(FormatMilli(20500), "20.5");
  EXPECT_EQ(FormatMilli(20000), "20");
  EXPECT_EQ(FormatMilli(1), "0.001");
  EXPECT_EQ(FormatMilli(50), "0.05");
  EXPECT_EQ(FormatMilli(1050), "1.05");
  EXPECT_EQ(FormatMilli(0), "0");
  EXPECT_EQ(FormatMilli(-1500), "-1.5");
}

TEST(FormatMilliTest, RoundTripsWithParseMilli) {
  for (std::int64_t v : {0, 1, 10, 100, 999, 1000, 1001, 20500, 123456789}) {
    SCOPED_TRACE(v);
    EXPECT_EQ(ParseMilli(FormatMilli(v)), v);
  }
}

TEST(IsCleanUtf8Test, AcceptsPrintableUtf8AndTabs) {
  EXPECT_TRUE(IsCleanUtf8(""));
  EXPECT_TRUE(IsCleanUtf8("Aptamil Gold+ 900g"));
  EXPECT_TRUE(IsCleanUtf8("澳洲奶粉"));
  EXPECT_TRUE(IsCleanUtf8("a\tb"));
  EXPECT_TRUE(IsCleanUtf8("Müller"));
  EXPECT_TRUE(IsCleanUtf8("\xF0\x9F\x8D\xBC"));  // U+1F37C baby bottle (4 bytes)
  EXPECT_TRUE(IsCleanUtf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(IsCleanUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(IsCleanUtf8Test, RefusesControlCharacters) {
  EXPECT_FALSE(IsCleanUtf8("a\nb"));
  EXPECT_FALSE(IsCleanUtf8("a\rb"));
  EXPECT_FALSE(IsCleanUtf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsCleanUtf8("\x1b[31m"));
  EXPECT_FALSE(IsCleanUtf8("\x7f"));
}

TEST(IsCleanUtf8Test, RefusesMalformedSequences) {
  EXPECT_FALSE(IsCleanUtf8("\x80"));      // lone continuation byte
  EXPECT_FALSE(IsCleanUtf8("\xE6\xBE"));  // truncated 3-byte sequence
  EXPECT_FALSE(
      IsCleanUtf8("\xE6\xBE"
                  "A"));                          // continuation replaced by ASCII
  EXPECT_FALSE(IsCleanUtf8("\xF5\x80\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsCleanUtf8("\xFF"));
}

TEST(IsCleanUtf8Test, RefusesOverlongEncodingsAndSurrogates) {
  EXPECT_FALSE(IsCleanUtf8("\xC0\xAF"));          // overlong '/' (2 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xC1\xBF"));          // overlong (2 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xE0\x80\xAF"));      // overlong '/' (3 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xE0\x9F\xBF"));      // overlong U+07FF (3 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xF0\x80\x80\xAF"));  // overlong '/' (4 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF (4 bytes)
  EXPECT_FALSE(IsCleanUtf8("\xED\xA0\x80"));      // U+D800, a UTF-16 surrogate
  EXPECT_FALSE(IsCleanUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(IsCleanUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_TRUE(IsCleanUtf8("\xE0\xA0\x80"));       // U+0800, the first 3-byte code point
  EXPECT_TRUE(IsCleanUtf8("\xED\x9F\xBF"));       // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsCleanUtf8("\xF0\x90\x80\x80"));   // U+10000, the first 4-byte code point
}

}  // namespace
}  // namespace xb
