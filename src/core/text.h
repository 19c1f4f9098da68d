// Small string rules used at every edge: trimming, ASCII checks, strict integer parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xb {

std::string_view Trim(std::string_view s);
std::string ToLowerAscii(std::string_view s);
bool IsAllDigits(std::string_view s);
// Case-insensitive (ASCII) substring test; other bytes (e.g. UTF-8 Chinese) compare exactly.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
// Strict base-10 parse of the whole string; nullopt on junk, empty input or overflow.
std::optional<std::int64_t> ParseInt64(std::string_view s);
// Parses a non-negative decimal with at most 3 fraction digits into thousandths ("20.5" -> 20500).
std::optional<std::int64_t> ParseMilli(std::string_view s);
// Formats thousandths without trailing zeros: 20500 -> "20.5", 20000 -> "20".
std::string FormatMilli(std::int64_t milli);
// True for two upper-case ASCII letters: the form of an ISO 3166-1 alpha-2 country code.
bool IsCountryCodeForm(std::string_view s);
// True when the text is well-formed UTF-8 (RFC 3629 §4: no overlong forms, no UTF-16
// surrogates, nothing above U+10FFFF), which is exactly what nlohmann's decoder accepts.
bool IsUtf8(std::string_view s);
// True when the text is valid UTF-8 with no control characters other than tab.
bool IsCleanUtf8(std::string_view s);

}  // namespace xb
