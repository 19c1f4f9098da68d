#include "core/time.h"

#include <chrono>

namespace xb {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

bool ReadDigits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  out = v;
  return true;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

Result<Date> Date::FromYmd(int year, int month, int day) {
  using namespace std::chrono;
  // Checked before narrowing: std::chrono::month/day keep only a byte, so 257 would become 1.
  if (month < 1 || month > 12 || day < 1 || day > 31) return InvalidArgument("not a calendar date");
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || year > 9999 || !ymd.ok()) return InvalidArgument("not a calendar date");
  return Date(static_cast<std::int32_t>(sys_days{ymd}.time_since_epoch().count()));
}

Result<Date> Date::ParseIso8601(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, y) ||
      !ReadDigits(text, 5, 2, m) || !ReadDigits(text, 8, 2, d)) {
    return InvalidArgument("date must be YYYY-MM-DD");
  }
  return FromYmd(y, m, d);
}

Date Date::OfTimestamp(Timestamp t) {
  return Date(static_cast<std::int32_t>(FloorDiv(t.micros(), kMicrosPerDay)));
}

int Date::year() const {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days_}}};
  return static_cast<int>(ymd.year());
}

namespace {

// Writes `value` as exactly `width` decimal digits (zero padded) at `out`.
char* PutDigits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY-MM-DD" into `out` (10 characters; years before 0 get a sign and years past 9999 more
// digits, as "%04d" would write them: at most 17 characters).
char* PutDate(char* out, std::int32_t days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  std::int64_t year = static_cast<int>(ymd.year());
  if (year < 0) {
    *out++ = '-';
    year = -year;
  }
  int width = 4;
  for (std::int64_t y = year; y > 9999; y /= 10) ++width;
  out = PutDigits(out, year, width);
  *out++ = '-';
  out = PutDigits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  return PutDigits(out, static_cast<unsigned>(ymd.day()), 2);
}

}  // namespace

// Formatted by hand rather than with snprintf: timestamps are written for every record of every
// API answer, and this is several times faster.
std::string Date::ToIso8601() const {
  char buf[24];
  const char* end = PutDate(buf, days_);
  return std::string(buf, static_cast<std::size_t>(end - buf));
}

std::string Timestamp::ToIso8601() const {
  const Date date = Date::OfTimestamp(*this);
  const std::int64_t in_day = micros_ - static_cast<std::int64_t>(date.days()) * kMicrosPerDay;
  const std::int64_t secs = in_day / kMicrosPerSecond;
  const std::int64_t frac = in_day % kMicrosPerSecond;
  char buf[48];
  char* p = PutDate(buf, date.days());
  *p++ = 'T';
  p = PutDigits(p, secs / 3600, 2);
  *p++ = ':';
  p = PutDigits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = PutDigits(p, secs % 60, 2);
  if (frac != 0) {
    *p++ = '.';
    p = PutDigits(p, frac, 6);
  }
  *p++ = 'Z';
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

Result<Timestamp> Timestamp::ParseIso8601(std::string_view text) {
  const Status bad = InvalidArgument("time must be ISO 8601, e.g. 2026-11-25T08:30:00Z");
  if (text.size() < 20 || text[10] != 'T') return bad;
  auto date = Date::ParseIso8601(text.substr(0, 10));
  if (!date.ok()) return bad;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!ReadDigits(text, 11, 2, hh) || text[13] != ':' || !ReadDigits(text, 14, 2, mm) ||
      text[16] != ':' || !ReadDigits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return bad;
  }
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) frac = frac * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad;
    for (int i = digits; i < 6; ++i) frac *= 10;
  }
  std::int64_t offset_s = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0;
    int om = 0;
    if (!ReadDigits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad;
    }
    offset_s = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad;
  }
  if (pos != text.size()) return bad;
  const std::int64_t secs =
      static_cast<std::int64_t>(date->days()) * 86'400 + hh * 3600 + mm * 60 + ss - offset_s;
  return Timestamp(secs * kMicrosPerSecond + frac);
}

Timestamp SystemClock::Now() const {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::FromMicros(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace xb
