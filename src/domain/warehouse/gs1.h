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
  std::optional<std::string> gtin;               // AI 01 (14 digits, check digit verified)
  std::optional<std::string> sscc;               // AI 00 (18 digits, check digit verified)
  std::optional<std::string> lot;                // AI 10
  std::optional<Date> production_date;           // AI 11
  std::optional<Date> expiry_date;               // AI 17 (day 00: the month's last day)
  std::optional<std::int64_t> quantity;          // AI 30 (variable count) or AI 37 (count of units)
  std::optional<std::string> serial;             // AI 21
  std::optional<std::string> content_gtin;       // AI 02 (GTIN of the trade items contained)
  std::optional<Date> packaging_date;            // AI 13
  std::optional<Date> best_before_date;          // AI 15
  std::optional<std::int64_t> net_weight_grams;  // AI 310n (kg, n decimals), rounded down
  std::optional<std::string> order_number;       // AI 400 (customer's purchase order number)
  std::optional<std::string> ship_to_gln;        // AI 410 (13 digits, check digit verified)
  std::optional<std::string> location_gln;       // AI 414 (13 digits, check digit verified)
};

// Parses one scan. Dates YYMMDD take their century by the GS1 rule (a year more than 50 years
// ahead of `today` is in the past century; more than 49 years back, in the next). A plain 8, 12,
// 13 or 14 digit string is taken as a GTIN (padded to 14). kInvalidArgument, naming the AI and
// the position, for unknown AIs, bad lengths, bad check digits, bad dates or trailing data.
// Positions count characters of `text` from 1. Supported AIs: 00 01 02 10 11 13 15 17 21 30 37
// 310n 400 410 414; an AI appearing twice is refused. Symbology identifiers ]C1 ]d2 ]Q3 ]e0
// introduce raw element strings; ]E0 and ]E4 a plain EAN-13 / EAN-8.
Result<Gs1Scan> ParseGs1(std::string_view text, Date today);

// The 18-digit SSCC: extension digit (0..9), GS1 company prefix (6..12 digits), serial reference
// filling the rest, and the check digit. kInvalidArgument when the serial does not fit.
Result<std::string> MakeSscc(int extension, std::string_view company_prefix, std::int64_t serial);
bool IsValidSscc(std::string_view sscc);

}  // namespace xb::warehouse
