// Goods-specific yearly caps per identity (e.g. sugar, rice): a `goods_cap` rule row keyed by an
// HS prefix limits the quantity, in the row's unit, that one identity may import in a calendar
// year. Which caps an order's lines touch, how much of each they take, and the check against the
// identity's usage so far. Pure. Amounts are thousandths of the cap's unit ("milli").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/rules.h"
#include "domain/customs/tax.h"

namespace xb::customs {

// What one order asks of one cap.
struct GoodsCapDemand {
  RuleId rule;
  std::string hs_prefix;  // the cap row's key
  std::string unit;       // the cap row's unit: "kg", "g", "l", "ml", "piece"
  std::int64_t cap_milli = 0;
  std::int64_t requested_milli = 0;
  // (line ref, amount) of the lines that take from this cap.
  std::vector<std::pair<std::string, std::int64_t>> lines;
};

// The caps the lines touch (the longest goods_cap prefix of each line's HS code in force on
// `on`), in order of first line, with each line's amount: its legal quantity (of the whole line)
// converted to the cap's unit (kg <-> g, l <-> ml, rounded up to a thousandth) or, for a cap in
// pieces, its SKU units when its legal unit is not "piece". kFailedPrecondition (field
// "goods_cap") when a line's legal unit cannot be measured in the cap's unit (g against ml).
Result<std::vector<GoodsCapDemand>> GoodsCapDemands(std::span<const TaxLineInput> lines,
                                                    const RuleBook& rules, Date on);

// kFailedPrecondition (field "goods_cap") with the HS prefix, cap, used, requested and what
// remains when used + requested would pass the cap; exactly at the cap is within it.
Status CheckGoodsCap(const GoodsCapDemand& demand, std::int64_t used_milli);

// "20", "0.5", "1.25": thousandths as decimal text.
std::string MilliToString(std::int64_t milli);

// The goods-cap usage ledger: + at acceptance (per order line and cap), − on cancel, rejection
// and return. The usage of (identity, year, prefix) is the sum of its entries.
enum class GoodsCapEntryKind { kOrder, kCancel, kReturn };
std::span<const std::string_view> EnumChoices(GoodsCapEntryKind);

struct GoodsCapEntry {
  TenantId tenant_id;
  std::string id_type;
  std::string id_number;  // personal data: never shown whole
  int year = 0;
  std::string hs_prefix;
  std::int64_t amount_milli = 0;  // thousandths of the cap's unit; − when restored
  GoodsCapEntryKind kind = GoodsCapEntryKind::kOrder;
  std::int64_t order_id = 0;
  std::int64_t line_no = 0;
  std::string ref;  // "order:12", "declaration:XB...", "return:4"
  Timestamp at;
};

// The negative entries that give back what `order_id` still holds of its lines in `line_nos`
// (all its lines when empty), from the identity's entries of the year. Per (line, prefix): all
// that is held when numerator >= denominator, else the line's original amount (its `order`
// entries) times numerator / denominator (a partial return: returned / line quantity), rounded
// down, at most what is held. Amounts < 0; none when nothing is held.
std::vector<GoodsCapEntry> GoodsCapRestores(std::span<const GoodsCapEntry> entries,
                                            std::int64_t order_id,
                                            std::span<const std::int64_t> line_nos,
                                            GoodsCapEntryKind kind, const std::string& ref,
                                            Timestamp at, std::int64_t numerator = 1,
                                            std::int64_t denominator = 1);

}  // namespace xb::customs
