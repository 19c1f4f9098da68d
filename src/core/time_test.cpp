#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>

namespace xb {
// Error codes print by name in assertion messages (identical in every test file).
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorCodeName(code); }
}  // namespace xb

namespace xb {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kDay = 86'400 * kSecond;

// 2026-11-25T08:30:00Z: 20'782 days after 1970-01-01, plus 8.5 hours.
constexpr std::int64_t kExampleMicros = 20'782 * kDay + (8 * 3600 + 30 * 60) * kSecond;

std::int64_t ParseMicros(std::string_view text) {
  auto t = Timestamp::ParseIso8601(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return t.ok() ? t->micros() : -1;
}

std::int32_t ParseDays(std::string_view text) {
  auto d = Date::ParseIso8601(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status().ToString();
  return d.ok() ? d->days() : -1;
}

TEST(DateTest, CountsDaysFromTheEpoch) {
  EXPECT_EQ(ParseDays("1970-01-01"), 0);
  EXPECT_EQ(ParseDays("1970-01-02"), 1);
  EXPECT_EQ(ParseDays("1969-12-31"), -1);
  EXPECT_EQ(ParseDays("2000-03-01"), 11'017);
  EXPECT_EQ(ParseDays("2026-11-25"), 20'782);
}

TEST(DateTest, FormatsAndParsesRoundTrip) {
  for (const char* text :
       {"1970-01-01", "1969-12-31", "2024-02-29", "2026-11-25", "0001-01-01", "9999-12-31"}) {
    SCOPED_TRACE(text);
    auto d = Date::ParseIso8601(text);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->ToIso8601(), text);
  }
}

TEST(DateTest, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_TRUE(Date::ParseIso8601("2024-02-29").ok());
  EXPECT_TRUE(Date::ParseIso8601("2000-02-29").ok());  // divisible by 400
  EXPECT_FALSE(Date::ParseIso8601("2023-02-29").ok());
  EXPECT_FALSE(Date::ParseIso8601("1900-02-29").ok());  // divisible by 100, not 400
  EXPECT_FALSE(Date::ParseIso8601("2024-02-30").ok());
}

TEST(DateTest, RefusesInvalidDates) {
  for (const char* text :
       {"2026-13-01", "2026-00-10", "2026-04-31", "2026-11-00", "0000-01-01", "2026-1-25",
        "2026/11/25", "20261125", "2026-11-25T", "", "abcd-ef-gh", "2026-11-2x", " 2026-11-25"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Date::ParseIso8601(text).status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(DateTest, FromYmdRefusesOutOfRangeParts) {
  EXPECT_TRUE(Date::FromYmd(2026, 12, 31).ok());
  EXPECT_FALSE(Date::FromYmd(2026, 13, 1).ok());
  EXPECT_FALSE(Date::FromYmd(2026, 0, 1).ok());
  EXPECT_FALSE(Date::FromYmd(2026, -1, 1).ok());
  EXPECT_FALSE(Date::FromYmd(2026, 1, 0).ok());
  EXPECT_FALSE(Date::FromYmd(2026, 1, -5).ok());
  EXPECT_FALSE(Date::FromYmd(10000, 1, 1).ok());
  EXPECT_FALSE(Date::FromYmd(0, 1, 1).ok());
  // Values that wrap when narrowed to a byte must not alias a real month or day.
  EXPECT_FALSE(Date::FromYmd(2026, 257, 1).ok());  // 257 = 256 + 1
  EXPECT_FALSE(Date::FromYmd(2026, 1, 257).ok());
}

TEST(DateTest, AddDaysCrossesMonthAndYearEnds) {
  auto leap = Date::ParseIso8601("2024-02-28");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->AddDays(1).ToIso8601(), "2024-02-29");
  EXPECT_EQ(leap->AddDays(2).ToIso8601(), "2024-03-01");
  auto eve = Date::ParseIso8601("2026-12-31");
  ASSERT_TRUE(eve.ok());
  EXPECT_EQ(eve->AddDays(1).ToIso8601(), "2027-01-01");
  EXPECT_EQ(eve->AddDays(-365).ToIso8601(), "2025-12-31");
  EXPECT_EQ(eve->year(), 2026);
  EXPECT_EQ(eve->AddDays(1).year(), 2027);
}

TEST(DateTest, OfTimestampTakesTheUtcDayAlsoBeforeTheEpoch) {
  EXPECT_EQ(Date::OfTimestamp(Timestamp::FromMicros(kExampleMicros)).ToIso8601(), "2026-11-25");
  EXPECT_EQ(Date::OfTimestamp(Timestamp::FromMicros(0)).ToIso8601(), "1970-01-01");
  EXPECT_EQ(Date::OfTimestamp(Timestamp::FromMicros(-1)).ToIso8601(), "1969-12-31");
  EXPECT_EQ(Date::OfTimestamp(Timestamp::FromMicros(-kDay)).ToIso8601(), "1969-12-31");
  EXPECT_EQ(Date::OfTimestamp(Timestamp::FromMicros(-kDay - 1)).ToIso8601(), "1969-12-30");
}

TEST(TimestampTest, ParsesUtcTimes) {
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00Z"), kExampleMicros);
  EXPECT_EQ(ParseMicros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseMicros("1969-12-31T23:59:59Z"), -kSecond);
}

TEST(TimestampTest, ParsesFractionsToTheMicrosecond) {
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00.123456Z"), kExampleMicros + 123'456);
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00.5Z"), kExampleMicros + 500'000);
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00.000001Z"), kExampleMicros + 1);
  // Digits beyond microseconds are dropped, not rounded.
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00.1234569Z"), kExampleMicros + 123'456);
}

TEST(TimestampTest, AppliesUtcOffsets) {
  EXPECT_EQ(ParseMicros("2026-11-25T16:30:00+08:00"), kExampleMicros);  // Beijing time
  EXPECT_EQ(ParseMicros("2026-11-25T19:30:00+11:00"), kExampleMicros);  // Sydney, summer
  EXPECT_EQ(ParseMicros("2026-11-25T03:30:00-05:00"), kExampleMicros);
  EXPECT_EQ(ParseMicros("2026-11-25T14:00:00+05:30"), kExampleMicros);
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00+00:00"), kExampleMicros);
  EXPECT_EQ(ParseMicros("2026-11-25T08:30:00-00:00"), kExampleMicros);
  // An offset moves the instant across a day boundary.
  EXPECT_EQ(ParseMicros("2026-11-26T00:30:00+16:00"), kExampleMicros);
  EXPECT_EQ(ParseMicros("2026-11-25T07:30:00.25+08:00"),
            kExampleMicros - 8 * 3600 * kSecond - 3600 * kSecond + 250'000);
}

TEST(TimestampTest, FormatsInUtcWithAFractionOnlyWhenPresent) {
  EXPECT_EQ(Timestamp::FromMicros(kExampleMicros).ToIso8601(), "2026-11-25T08:30:00Z");
  EXPECT_EQ(Timestamp::FromMicros(kExampleMicros + 123'456).ToIso8601(),
            "2026-11-25T08:30:00.123456Z");
  EXPECT_EQ(Timestamp::FromMicros(kExampleMicros + 500'000).ToIso8601(),
            "2026-11-25T08:30:00.500000Z");
  EXPECT_EQ(Timestamp::FromMicros(0).ToIso8601(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp::FromMicros(-1).ToIso8601(), "1969-12-31T23:59:59.999999Z");
}

TEST(TimestampTest, FormatAndParseRoundTrip) {
  for (std::int64_t micros :
       {kExampleMicros, kExampleMicros + 1, std::int64_t{0}, std::int64_t{-1},
        -kDay * 365 * 30 + 42, ParseMicros("2024-02-29T23:59:59.999999Z"),
        ParseMicros("9999-12-31T23:59:59Z"), ParseMicros("0001-01-01T00:00:00Z")}) {
    SCOPED_TRACE(micros);
    const std::string text = Timestamp::FromMicros(micros).ToIso8601();
    EXPECT_EQ(ParseMicros(text), micros) << text;
  }
}

TEST(TimestampTest, LeapDayParsesOnlyInLeapYears) {
  EXPECT_EQ(Timestamp::FromMicros(ParseMicros("2024-02-29T12:00:00Z")).ToIso8601(),
            "2024-02-29T12:00:00Z");
  EXPECT_EQ(Timestamp::ParseIso8601("2023-02-29T12:00:00Z").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(TimestampTest, RefusesMalformedTimes) {
  for (const char* text : {
           "",
           "2026-11-25",
           "2026-11-25T08:30:00",         // no zone
           "2026-11-25 08:30:00Z",        // space instead of T
           "2026-11-25T08:30Z",           // no seconds
           "2026-11-25T8:30:00Z",         // one-digit hour
           "2026-11-25T24:00:00Z",        // hour 24
           "2026-11-25T08:60:00Z",        // minute 60
           "2026-11-25T08:30:61Z",        // second 61
           "2026-11-25T08:30:00.Z",       // point without digits
           "2026-11-25T08:30:00ZZ",       // trailing junk
           "2026-11-25T08:30:00z",        // lower-case zone
           "2026-11-25T08:30:00+08",      // offset without minutes
           "2026-11-25T08:30:00+0800",    // offset without colon
           "2026-11-25T08:30:00+08:00 ",  // trailing space
           "2026-11-25T08:30:00+08:60",   // offset minutes out of range
           "2026-11-25T08:30:00+24:00",   // offset hours out of range
           "2026-02-30T08:30:00Z",        // no such day
           "2026-11-25X08:30:00Z",
       }) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Timestamp::ParseIso8601(text).status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(TimestampTest, OrdersByInstant) {
  const auto a = Timestamp::FromMicros(ParseMicros("2026-11-25T16:30:00+08:00"));
  const auto b = Timestamp::FromMicros(ParseMicros("2026-11-25T08:30:00Z"));
  const auto c = Timestamp::FromMicros(ParseMicros("2026-11-25T08:30:00.000001Z"));
  EXPECT_EQ(a, b);
  EXPECT_LT(b, c);
  EXPECT_GT(c, a);
}

TEST(ClockTest, FakeClockIsSetAndAdvancedByHand) {
  FakeClock clock(Timestamp::FromMicros(kExampleMicros));
  EXPECT_EQ(clock.Now().micros(), kExampleMicros);
  clock.AdvanceMicros(1'500'000);
  EXPECT_EQ(clock.Now().ToIso8601(), "2026-11-25T08:30:01.500000Z");
  clock.Set(Timestamp::FromMicros(0));
  EXPECT_EQ(clock.Now().micros(), 0);
}

TEST(ClockTest, SystemClockReadsTheCurrentTime) {
  const SystemClock clock;
  const Timestamp now = clock.Now();
  EXPECT_GT(now, Timestamp::FromMicros(ParseMicros("2024-01-01T00:00:00Z")));
  EXPECT_LT(now, Timestamp::FromMicros(ParseMicros("2200-01-01T00:00:00Z")));
}

}  // namespace
}  // namespace xb

namespace xb {

TEST(DateTest, FormatsYearsOutsideFourDigits) {
  // 0000-01-01 is day -719528 of the Unix epoch; a year before it gets a sign, after 9999 more
  // digits, as printf("%04d") would write them.
  EXPECT_EQ(Date::FromDays(-719528).ToIso8601(), "0000-01-01");
  EXPECT_EQ(Date::FromDays(-719529).ToIso8601(), "-0001-12-31");
  EXPECT_EQ(Date::FromDays(2932897).ToIso8601(), "10000-01-01");
  EXPECT_EQ(Timestamp::FromMicros(std::int64_t{2932897} * 86'400'000'000LL + 1).ToIso8601(),
            "10000-01-01T00:00:00.000001Z");
}

}  // namespace xb
