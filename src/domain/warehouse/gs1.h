// GS1 barcodes read by scanner terminals: GS1-128 and GS1 DataMatrix element strings, in the
// human-readable form with parentheses "(01)09506000134352(17)261231(10)ABC" or the raw form
// with FNC1 as the GS character (0x1D) and an optional symbology identifier (]C1, ]d2, ]Q3).
// Also SSCC numbers for the parcels and cartons xborder packs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace xb::warehouse {

struct Gs1Scan {
  std::optional<std::string> gtin;          // AI 01 (14 digits, check digit verified)
  std::optional<std::string> sscc;          // AI 00 (18 digits, check digit verified)
  std::optional<std::string> lot;           // AI 10
  std::optional<Date> production_date;      // AI 11
  std::optional<Date> expiry_date;          // AI 17 (day 00: the month's last day)
  std::optional<std::int64_t> quantity;     // AI 30 (variable count) or AI 37 (count of units)
  std::optional<std::string> serial;        // AI 21
};

// Parses one scan. Dates YYMMDD take their century by the GS1 rule (a year more than 50 years
// ahead of `today` is in the past century; more than 49 years back, in the next). A plain 8, 12,
// 13 or 14 digit string is taken as a GTIN (padded to 14). kInvalidArgument, naming the AI and
// the position, for unknown AIs, bad lengths, bad check digits, bad dates or trailing data.
Result<Gs1Scan> ParseGs1(std::string_view text, Date today);

// The 18-digit SSCC: extension digit (0..9), GS1 company prefix (6..12 digits), serial reference
// filling the rest, and the check digit. kInvalidArgument when the serial does not fit.
Result<std::string> MakeSscc(int extension, std::string_view company_prefix, std::int64_t serial);
bool IsValidSscc(std::string_view sscc);

}  // namespace xb::warehouse
