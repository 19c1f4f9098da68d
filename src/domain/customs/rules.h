// Customs rules as dated data: rates, limits, thresholds, the positive list and goods caps.
// A rule change is a new row with a later valid_from; an order is judged by the rows in force on
// its date. Nothing here holds a number from a regulation: the numbers are rows in the store
// (seeded by migration 0004 with their sources) and in test fixtures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"

namespace xb::customs {

// An exact non-negative decimal fraction such as 0.13 or 0.7, kept as num/den (den a power of
// ten, at most 10^9). Parsed from and printed as decimal text; never a double.
class Rate {
 public:
  constexpr Rate() = default;
  constexpr Rate(std::int64_t num, std::int64_t den) : num_(num), den_(den) {}
  // "0.13", "13%", "1", "0.000001": kInvalidArgument for anything else, negatives or > 9 decimals.
  static Result<Rate> Parse(std::string_view text);
  std::int64_t num() const { return num_; }
  std::int64_t den() const { return den_; }
  bool zero() const { return num_ == 0; }
  // Shortest decimal text: "0.13", "0.7", "0".
  std::string ToString() const;
  friend bool operator==(const Rate& a, const Rate& b) {
    return a.num_ * b.den_ == b.num_ * a.den_;
  }

 private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

// Money in this module is CNY fen (1/100 yuan) in an int64. Parse "425.00" / "425" / "425.5".
Result<std::int64_t> ParseFen(std::string_view text);
std::string FenToString(std::int64_t fen);  // "425.00", "-3.50"
// Appends FenToString(fen) to `out`.
void AppendFen(std::int64_t fen, std::string& out);
// Grouped by thousands for messages: "5,200.00", "-26,000.00".
std::string FenToGroupedString(std::int64_t fen);

enum class RuleKind {
  kSingleLimit,         // amount_fen: the single-transaction limit (5,000.00)
  kAnnualLimit,         // amount_fen: the annual limit per identity (26,000.00)
  kCbecTaxShare,        // rate: the share of VAT and consumption tax levied within limits (0.7)
  kVatRate,             // rate by key: "standard" / "reduced" VAT class, or an HS code prefix
  kTariffRate,          // rate by key: HS code prefix (MFN rate for the full-rate case), "default"
  kConsumptionTaxRate,  // rate by key: "high_end_cosmetics", or an HS code prefix
  kCosmeticsThreshold,  // amount_fen by key: unit "g", "ml", "piece" (10.00, 10.00, 15.00)
  kGoodsCap,            // quantity by key: HS code prefix, yearly per identity, in `unit`
  kReturnApplyDays,     // quantity: days after release to apply for a return (30)
  kReturnArriveDays,    // quantity: days after release for the goods to be back (45)
};
std::span<const std::string_view> EnumChoices(RuleKind);

struct RuleTag {};
using RuleId = Id<RuleTag>;

// One dated row. Only the field its kind names is meaningful.
struct RuleRow {
  RuleId id;
  TenantId tenant_id;  // 0: the platform's rows, shared by every tenant
  RuleKind kind = RuleKind::kVatRate;
  std::string key;  // "" when the kind has one value
  std::optional<Rate> rate;
  std::optional<std::int64_t> amount_fen;
  std::optional<std::int64_t> quantity;
  std::string unit;  // goods caps: "kg", "piece", ...
  Date valid_from;
  std::optional<Date> valid_to;  // inclusive; absent: open
  std::string source;            // the regulation, e.g. "Cai Guan Shui [2018] No.49"
};
// Rules beyond the field list: the value its kind needs, valid_to >= valid_from, key form.
Status Validate(const RuleRow& row);

// A positive-list line (跨境电子商务零售进口商品清单): an 8- or 10-digit HS code.
struct PositiveListLine {
  TenantId tenant_id;
  std::string hs_code;
  std::string description;
  Date valid_from;
  std::optional<Date> valid_to;
  std::string source;  // "2022 edition"
};
Status Validate(const PositiveListLine& line);

// The rows in force, answered by date. Built from rows read from the store; cheap to copy by
// shared pointer in flows. Lookups by HS code use the longest matching prefix.
class RuleBook {
 public:
  RuleBook() = default;
  RuleBook(std::vector<RuleRow> rules, std::vector<PositiveListLine> positive_list);

  const RuleRow* Find(RuleKind kind, std::string_view key, Date on) const;
  // Longest prefix of hs_code among the rows of `kind` in force on `on`.
  const RuleRow* FindByHs(RuleKind kind, std::string_view hs_code, Date on) const;
  const PositiveListLine* PositiveListed(std::string_view hs_code, Date on) const;
  std::span<const RuleRow> rules() const { return rules_; }
  std::span<const PositiveListLine> positive_list() const { return positive_list_; }

 private:
  std::vector<RuleRow> rules_;                   // sorted by (kind, key, valid_from)
  std::vector<PositiveListLine> positive_list_;  // sorted by (hs_code, valid_from)
};

}  // namespace xb::customs
