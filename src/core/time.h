// UTC instants and calendar dates, and the Clock port through which code reads "now".
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace xb {

// A UTC instant with microsecond resolution.
class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromMicros(std::int64_t micros) { return Timestamp(micros); }
  constexpr std::int64_t micros() const { return micros_; }
  // "2026-11-25T18:48:42.123456Z" (fraction omitted when zero).
  std::string ToIso8601() const;
  // Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)".
  static Result<Timestamp> ParseIso8601(std::string_view text);
  // clang-tidy 14 reports the defaulted <=> as comparing with a literal 0.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;

 private:
  constexpr explicit Timestamp(std::int64_t micros) : micros_(micros) {}
  std::int64_t micros_ = 0;
};

// A calendar date (proleptic Gregorian), counted in days since 1970-01-01.
class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(std::int32_t days) { return Date(days); }
  static Result<Date> FromYmd(int year, int month, int day);
  // Strict "YYYY-MM-DD".
  static Result<Date> ParseIso8601(std::string_view text);
  static Date OfTimestamp(Timestamp t);
  constexpr std::int32_t days() const { return days_; }
  int year() const;
  std::string ToIso8601() const;
  Date AddDays(std::int32_t n) const { return Date(days_ + n); }
  // clang-tidy 14 reports the defaulted <=> as comparing with a literal 0.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_(days) {}
  std::int32_t days_ = 0;
};

// The source of "now". Domain code never reads the system clock; it is handed a Clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that tests set by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_; }
  void Set(Timestamp now) { now_ = now; }
  void AdvanceMicros(std::int64_t micros) { now_ = Timestamp::FromMicros(now_.micros() + micros); }

 private:
  Timestamp now_;
};

}  // namespace xb
