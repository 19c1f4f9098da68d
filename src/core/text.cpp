#include "core/text.h"

#include <limits>

namespace xb {

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsCountryCodeForm(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(haystack[i + j]) == lower(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

std::optional<std::int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  std::uint64_t v = 0;
  const std::uint64_t limit =
      negative ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
               : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (v > (limit - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (negative) return static_cast<std::int64_t>(0 - v);
  return static_cast<std::int64_t>(v);
}

std::optional<std::int64_t> ParseMilli(std::string_view s) {
  const auto point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  if (!IsAllDigits(whole) || whole.size() > 12) return std::nullopt;
  std::int64_t v = *ParseInt64(whole) * 1000;
  if (point != std::string_view::npos) {
    const std::string_view frac = s.substr(point + 1);
    if (!IsAllDigits(frac) || frac.size() > 3) return std::nullopt;
    std::int64_t f = *ParseInt64(frac);
    for (std::size_t i = frac.size(); i < 3; ++i) f *= 10;
    v += f;
  }
  return v;
}

std::string FormatMilli(std::int64_t milli) {
  std::string out = milli < 0 ? "-" : "";
  const std::int64_t m = milli < 0 ? -milli : milli;
  out += std::to_string(m / 1000);
  std::int64_t frac = m % 1000;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  return out;
}

namespace {

// Whether `s` is well-formed UTF-8; with `clean`, also free of control characters but tab.
bool WalkUtf8(std::string_view s, bool clean) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      if (clean && ((c < 0x20 && c != '\t') || c == 0x7f)) return false;
    } else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= s.size()) return false;
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    if (extra >= 2) {
      // Overlong forms, UTF-16 surrogates (U+D800..DFFF) and code points above U+10FFFF are
      // not UTF-8 (RFC 3629 §4); PostgreSQL, for one, refuses them.
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) ||
          (c == 0xf4 && c1 > 0x8f)) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

bool IsUtf8(std::string_view s) { return WalkUtf8(s, false); }

bool IsCleanUtf8(std::string_view s) { return WalkUtf8(s, true); }

}  // namespace xb
