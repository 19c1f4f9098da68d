// The CBEC tax engine and the limit checks: exact arithmetic, each tax rounded to the fen half
// up, a per-line breakdown naming the rule rows used. Formulas: ../shared domain page "CBEC
// retail import: customs and tax rules" (Cai Guan Shui [2018] No.49, Cai Shui [2016] No.103).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/customs/rules.h"

namespace xb::customs {

// How a line's consumption tax is decided. kNone: no consumption-tax class; a consumption-tax row
// keyed by the line's HS code still applies when the book has one (else 0). kHighEndCosmetics:
// the "high_end_cosmetics" rate when the unit price reaches the threshold of the legal unit.
enum class ConsumptionTaxMode { kNone, kHighEndCosmetics, kExplicit };

struct TaxLineInput {
  std::string ref;             // caller's line reference, echoed back ("1", an order line id)
  std::int64_t value_fen = 0;  // the line's dutiable value P (price + its share of freight and
                               // insurance, after discounts), CNY
  std::int64_t quantity = 1;   // SKU units on the line
  std::int64_t legal_quantity_milli = 0;  // legal quantity of the whole line, thousandths
  std::string legal_unit;                 // "g", "kg", "ml", "l", "piece"
  std::string hs_code;  // rates come from the rule book when an explicit rate is absent
  std::optional<Rate> vat_rate;
  std::string vat_class;  // "standard" / "reduced": used when neither vat_rate nor an
                          // HS-keyed VAT row applies
  ConsumptionTaxMode consumption_tax = ConsumptionTaxMode::kNone;
  std::optional<Rate> consumption_tax_rate;  // kExplicit
  std::optional<Rate> tariff_rate;           // full-rate case; absent: from the rule book
};

struct TaxInput {
  Date date;
  std::int64_t annual_used_fen =
      0;  // the identity's CBEC total this calendar year before this order
  std::vector<TaxLineInput> lines;
  // Freight and insurance not already spread into line values (allocated to lines in proportion
  // to value, the remainder fen to the last line).
  std::int64_t freight_fen = 0;
  std::int64_t insurance_fen = 0;
  std::int64_t discount_fen = 0;  // order-level discount, allocated the same way
};

// One refusal before acceptance: the rule's code and a message with the numbers.
struct Violation {
  std::string rule;     // "positive_list", "single_limit", "annual_limit", "buyer_is_payer",
                        // "paid_amount", "goods_cap"
  std::string message;  // "order value 5,200.00 exceeds the single-transaction limit 5,000.00 ..."
};

enum class Channel { kCbec, kCbecFullRate, kGeneralTrade };
std::span<const std::string_view> EnumChoices(
    Channel);  // "cbec", "cbec_full_rate", "general_trade"

struct TaxLine {
  std::string ref;
  std::int64_t dutiable_fen = 0;
  Rate tariff_rate, vat_rate, consumption_tax_rate;
  std::int64_t tariff_fen = 0;
  std::int64_t consumption_tax_fen = 0;
  std::int64_t vat_fen = 0;
  std::int64_t total_fen = 0;
  std::string unit_price;  // dutiable value per legal unit, "21.25" (cosmetics test)
  std::vector<RuleId> rules_used;
  std::vector<std::string> notes;  // "consumption tax: 21.25/g >= 10.00/g (rule 7)"
};

struct TaxQuote {
  Channel channel = Channel::kCbec;
  std::vector<TaxLine> lines;
  std::int64_t dutiable_fen = 0;
  std::int64_t tariff_fen = 0;
  std::int64_t consumption_tax_fen = 0;
  std::int64_t vat_fen = 0;
  std::int64_t total_fen = 0;
  Rate tax_share;                     // 0.7 within limits, 1 in full
  std::vector<std::string> reasons;   // why general trade (empty otherwise), each naming the rule
                                      // and the numbers
  std::vector<Violation> violations;  // the same reasons with their rule codes
  std::vector<RuleId> rules_used;     // order-level rows: limits, the tax share
};

// Channel decision (positive list for lines with an HS code, single and annual limits, the
// single-indivisible-item exception) and tax.
// A general-trade order still gets its full-rate breakdown (what it would cost) and reasons.
// kInvalidArgument for malformed input (no lines, negative value, unknown unit, missing rates
// that the rule book cannot supply either), naming the line.
Result<TaxQuote> QuoteTax(const TaxInput& input, const RuleBook& rules);

// A line's tax as a share of its dutiable value, (t + v + c + t·v) / (1 − c) × share (t is 0
// within limits), printed with at most `decimals` digits, half up: "0.091", "0.230588".
std::string CompositeRate(const TaxLine& line, const Rate& share, int decimals = 6);

}  // namespace xb::customs
