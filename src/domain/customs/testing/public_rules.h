// The public CBEC rule rows (the same rows migration 0004 seeds) and a small positive list, for
// tests. Sources: the shared domain page "CBEC retail import: customs and tax rules".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/customs/rules.h"

namespace xb::customs::public_rules {

inline Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

inline RuleRow Row(std::int64_t id, RuleKind kind, std::string key, Date from,
                   std::optional<Date> to, std::string source) {
  RuleRow r;
  r.id = RuleId(id);
  r.tenant_id = TenantId(0);
  r.kind = kind;
  r.key = std::move(key);
  r.valid_from = from;
  r.valid_to = to;
  r.source = std::move(source);
  return r;
}
inline RuleRow RateRow(std::int64_t id, RuleKind kind, std::string key, std::string_view rate,
                       Date from, std::optional<Date> to, std::string source) {
  RuleRow r = Row(id, kind, std::move(key), from, to, std::move(source));
  r.rate = *Rate::Parse(rate);
  return r;
}
inline RuleRow AmountRow(std::int64_t id, RuleKind kind, std::string key, std::int64_t fen,
                         Date from, std::optional<Date> to, std::string source) {
  RuleRow r = Row(id, kind, std::move(key), from, to, std::move(source));
  r.amount_fen = fen;
  return r;
}
inline RuleRow QuantityRow(std::int64_t id, RuleKind kind, std::int64_t quantity, Date from,
                           std::string source) {
  RuleRow r = Row(id, kind, "", from, std::nullopt, std::move(source));
  r.quantity = quantity;
  return r;
}

// Ids are fixed so tests can name the rows they expect in rules_used.
inline constexpr std::int64_t kSingleLimit2016 = 1, kSingleLimit2019 = 2, kAnnualLimit2016 = 3,
                              kAnnualLimit2019 = 4, kTaxShare = 5, kVatStandard17 = 6,
                              kVatStandard16 = 7, kVatStandard13 = 8, kVatReduced11 = 9,
                              kVatReduced10 = 10, kVatReduced9 = 11, kCosmeticsRate = 12,
                              kThresholdG = 13, kThresholdMl = 14, kThresholdPiece = 15,
                              kTariffDefault = 16, kReturnApply = 17, kReturnArrive = 18,
                              kVatReduced13 = 19;

inline std::vector<RuleRow> PublicRuleRows() {
  const std::string n18 = "Cai Guan Shui [2016] No.18";
  const std::string n49 = "Cai Guan Shui [2018] No.49";
  const std::string vat1993 =
      "Provisional Regulations on Value-Added Tax (State Council Order No.134, 1993)";
  const std::string vat2018 = "Cai Shui [2018] No.32";
  const std::string vat2019 = "MOF, STA, GACC Announcement [2019] No.39";
  const std::string ct = "Cai Shui [2016] No.103";
  const std::string ret = "GACC Announcement [2020] No.45";
  using K = RuleKind;
  return {
      AmountRow(kSingleLimit2016, K::kSingleLimit, "", 200000, Day(2016, 4, 8), Day(2018, 12, 31),
                n18),
      AmountRow(kSingleLimit2019, K::kSingleLimit, "", 500000, Day(2019, 1, 1), std::nullopt, n49),
      AmountRow(kAnnualLimit2016, K::kAnnualLimit, "", 2000000, Day(2016, 4, 8), Day(2018, 12, 31),
                n18),
      AmountRow(kAnnualLimit2019, K::kAnnualLimit, "", 2600000, Day(2019, 1, 1), std::nullopt, n49),
      RateRow(kTaxShare, K::kCbecTaxShare, "", "0.7", Day(2016, 4, 8), std::nullopt, n18),
      RateRow(kVatStandard17, K::kVatRate, "standard", "0.17", Day(1994, 1, 1), Day(2018, 4, 30),
              vat1993),
      RateRow(kVatStandard16, K::kVatRate, "standard", "0.16", Day(2018, 5, 1), Day(2019, 3, 31),
              vat2018),
      RateRow(kVatStandard13, K::kVatRate, "standard", "0.13", Day(2019, 4, 1), std::nullopt,
              vat2019),
      RateRow(kVatReduced13, K::kVatRate, "reduced", "0.13", Day(1994, 1, 1), Day(2017, 6, 30),
              vat1993),
      RateRow(kVatReduced11, K::kVatRate, "reduced", "0.11", Day(2017, 7, 1), Day(2018, 4, 30),
              "Cai Shui [2017] No.37"),
      RateRow(kVatReduced10, K::kVatRate, "reduced", "0.10", Day(2018, 5, 1), Day(2019, 3, 31),
              vat2018),
      RateRow(kVatReduced9, K::kVatRate, "reduced", "0.09", Day(2019, 4, 1), std::nullopt, vat2019),
      RateRow(kCosmeticsRate, K::kConsumptionTaxRate, "high_end_cosmetics", "0.15",
              Day(2016, 10, 1), std::nullopt, ct),
      AmountRow(kThresholdG, K::kCosmeticsThreshold, "g", 1000, Day(2016, 10, 1), std::nullopt, ct),
      AmountRow(kThresholdMl, K::kCosmeticsThreshold, "ml", 1000, Day(2016, 10, 1), std::nullopt,
                ct),
      AmountRow(kThresholdPiece, K::kCosmeticsThreshold, "piece", 1500, Day(2016, 10, 1),
                std::nullopt, ct),
      RateRow(kTariffDefault, K::kTariffRate, "default", "0", Day(2016, 4, 8), std::nullopt, n18),
      QuantityRow(kReturnApply, K::kReturnApplyDays, 30, Day(2020, 3, 28), ret),
      QuantityRow(kReturnArrive, K::kReturnArriveDays, 45, Day(2020, 3, 28), ret),
  };
}

inline std::vector<PositiveListLine> PublicPositiveList() {
  std::vector<PositiveListLine> out;
  for (const char* hs :
       {"19011010", "19011090", "33049900", "33049100", "33042000", "21069090", "96190011"}) {
    PositiveListLine l;
    l.tenant_id = TenantId(0);
    l.hs_code = hs;
    l.description = "demo line";
    l.valid_from = Day(2016, 4, 8);
    l.source = "2022 edition";
    out.push_back(l);
  }
  return out;
}

inline RuleBook PublicRuleBook() { return RuleBook(PublicRuleRows(), PublicPositiveList()); }

}  // namespace xb::customs::public_rules
