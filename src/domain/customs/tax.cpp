#include "domain/customs/tax.h"

#include <array>
#include <limits>

#include "core/money.h"
#include "core/text.h"

namespace xb::customs {
namespace {

constexpr std::array<std::string_view, 3> kChannels = {"cbec", "cbec_full_rate", "general_trade"};

Int128 Gcd(Int128 a, Int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const Int128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// An exact non-negative fraction in __int128 that remembers an overflow instead of wrapping.
class Exact {
 public:
  Exact(Int128 num = 0, Int128 den = 1) : num_(num), den_(den) { Reduce(); }  // NOLINT
  explicit Exact(const Rate& r) : Exact(r.num(), r.den()) {}

  bool ok() const { return ok_; }
  Int128 num() const { return num_; }
  Int128 den() const { return den_; }

  friend Exact operator*(const Exact& a, const Exact& b) {
    Exact out;
    out.ok_ = a.ok_ && b.ok_;
    if (!out.ok_) return out;
    // Cross-reduce first so that products stay small.
    const Int128 g1 = Gcd(a.num_, b.den_);
    const Int128 g2 = Gcd(b.num_, a.den_);
    const Int128 an = g1 > 1 ? a.num_ / g1 : a.num_;
    const Int128 bd = g1 > 1 ? b.den_ / g1 : b.den_;
    const Int128 bn = g2 > 1 ? b.num_ / g2 : b.num_;
    const Int128 ad = g2 > 1 ? a.den_ / g2 : a.den_;
    out.ok_ =
        !__builtin_mul_overflow(an, bn, &out.num_) && !__builtin_mul_overflow(ad, bd, &out.den_);
    out.Reduce();
    return out;
  }
  friend Exact operator/(const Exact& a, const Exact& b) {
    if (b.num_ == 0) {
      Exact bad;
      bad.ok_ = false;
      return bad;
    }
    return a * Exact(b.den_, b.num_);
  }
  friend Exact operator+(const Exact& a, const Exact& b) {
    Exact out;
    out.ok_ = a.ok_ && b.ok_;
    if (!out.ok_) return out;
    Int128 x = 0;
    Int128 y = 0;
    out.ok_ = !__builtin_mul_overflow(a.num_, b.den_, &x) &&
              !__builtin_mul_overflow(b.num_, a.den_, &y) &&
              !__builtin_add_overflow(x, y, &out.num_) &&
              !__builtin_mul_overflow(a.den_, b.den_, &out.den_);
    out.Reduce();
    return out;
  }
  friend Exact operator-(const Exact& a, const Exact& b) { return a + Exact(-b.num_, b.den_); }

  // Rounded half up to an integer; nullopt on overflow or when it does not fit an int64.
  std::optional<std::int64_t> RoundHalfUp() const {
    if (!ok_ || num_ < 0) return std::nullopt;
    Int128 q = num_ / den_;
    const Int128 r = num_ % den_;
    if (r >= den_ - r) ++q;
    if (q > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
    return static_cast<std::int64_t>(q);
  }

 private:
  void Reduce() {
    if (!ok_) return;
    if (den_ < 0) {
      num_ = -num_;
      den_ = -den_;
    }
    const Int128 g = Gcd(num_, den_);
    if (g > 1) {
      num_ /= g;
      den_ /= g;
    }
  }

  Int128 num_ = 0;
  Int128 den_ = 1;
  bool ok_ = true;
};

std::string Yuan(std::int64_t fen) { return FenToGroupedString(fen); }

std::string RuleRef(const RuleRow& row) {
  return "rule " + std::to_string(row.id.value()) + ", " + row.source;
}

std::string LineName(std::size_t index, const TaxLineInput& line) {
  std::string name = "line " + std::to_string(index + 1);
  if (!line.ref.empty()) name += " (ref \"" + line.ref + "\")";
  return name;
}

std::string Field(std::size_t index, std::string_view name) {
  return "lines[" + std::to_string(index) + "]." + std::string(name);
}

// The legal unit a threshold is expressed in, and how many thousandths of it one thousandth of
// the declared unit holds.
struct BaseUnit {
  std::string_view key;  // "g", "ml", "piece"
  std::int64_t factor = 1;
};
std::optional<BaseUnit> BaseUnitOf(std::string_view unit) {
  if (unit == "g") return BaseUnit{"g", 1};
  if (unit == "kg") return BaseUnit{"g", 1000};
  if (unit == "ml") return BaseUnit{"ml", 1};
  if (unit == "l") return BaseUnit{"ml", 1000};
  if (unit == "piece") return BaseUnit{"piece", 1};
  return std::nullopt;
}

// Spreads `amount` over lines in proportion to `weights`: each line but the last gets its share
// rounded down, the last line the remainder, so the parts add up to the amount exactly.
std::vector<std::int64_t> Allocate(std::int64_t amount, const std::vector<std::int64_t>& weights) {
  std::vector<std::int64_t> parts(weights.size(), 0);
  if (amount == 0 || weights.empty()) return parts;
  Int128 total = 0;
  for (std::int64_t w : weights) total += w;
  if (total == 0) {
    parts.back() = amount;
    return parts;
  }
  std::int64_t given = 0;
  for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
    parts[i] = static_cast<std::int64_t>(Int128(amount) * weights[i] / total);
    given += parts[i];
  }
  parts.back() = amount - given;
  return parts;
}

struct LineRates {
  Rate tariff, vat, consumption_tax;
};

Status Overflow(std::size_t index) {
  return InvalidArgument(
      "lines[" + std::to_string(index) + "].value: too large to compute the tax exactly",
      Field(index, "value"));
}

Status CheckInput(const TaxInput& input) {
  if (input.lines.empty()) return InvalidArgument("lines: at least one line is required", "lines");
  if (input.annual_used_fen < 0) {
    return InvalidArgument("annual_used: must be >= 0", "annual_used");
  }
  if (input.freight_fen < 0) return InvalidArgument("freight: must be >= 0", "freight");
  if (input.insurance_fen < 0) return InvalidArgument("insurance: must be >= 0", "insurance");
  if (input.discount_fen < 0) return InvalidArgument("discount: must be >= 0", "discount");
  for (std::size_t i = 0; i < input.lines.size(); ++i) {
    const TaxLineInput& l = input.lines[i];
    const std::string name = LineName(i, l);
    if (l.value_fen < 0) {
      return InvalidArgument(Field(i, "value") + ": " + name + " has a negative value",
                             Field(i, "value"));
    }
    if (l.quantity < 1) {
      return InvalidArgument(Field(i, "quantity") + ": " + name + " needs a quantity >= 1",
                             Field(i, "quantity"));
    }
    if (l.legal_quantity_milli < 0) {
      return InvalidArgument(Field(i, "legal_quantity") + ": " + name + " must be >= 0",
                             Field(i, "legal_quantity"));
    }
    if (!l.legal_unit.empty() && !BaseUnitOf(l.legal_unit)) {
      return InvalidArgument(
          Field(i, "legal_unit") + ": \"" + l.legal_unit + "\" is not one of g, kg, ml, l, piece",
          Field(i, "legal_unit"));
    }
    if (!l.hs_code.empty() &&
        ((l.hs_code.size() != 8 && l.hs_code.size() != 10) || !IsAllDigits(l.hs_code))) {
      return InvalidArgument(Field(i, "hs_code") + ": \"" + l.hs_code + "\" must be 8 or 10 digits",
                             Field(i, "hs_code"));
    }
    if (!l.vat_class.empty() && l.vat_class != "standard" && l.vat_class != "reduced") {
      return InvalidArgument(
          Field(i, "vat_class") + ": \"" + l.vat_class + "\" is not one of standard, reduced",
          Field(i, "vat_class"));
    }
    if (l.consumption_tax == ConsumptionTaxMode::kExplicit && !l.consumption_tax_rate) {
      return InvalidArgument(Field(i, "consumption_tax") + ": " + name + " names no rate",
                             Field(i, "consumption_tax"));
    }
    if (l.consumption_tax_rate && l.consumption_tax_rate->num() >= l.consumption_tax_rate->den()) {
      return InvalidArgument(Field(i, "consumption_tax") + ": the rate must be below 1",
                             Field(i, "consumption_tax"));
    }
  }
  return Status::Ok();
}

const RuleRow* NeedOrderRule(const RuleBook& rules, RuleKind kind, Date on, Status* error) {
  const RuleRow* row = rules.Find(kind, "", on);
  if (row == nullptr && error->ok()) {
    *error = InvalidArgument("date: no " +
                                 std::string(EnumChoices(kind)[static_cast<std::size_t>(kind)]) +
                                 " rule is in force on " + on.ToIso8601(),
                             "date");
  }
  return row;
}

// Decides the three rates of one line and explains each in `out`.
Result<LineRates> RatesOf(std::size_t index, const TaxLineInput& l, std::int64_t dutiable_fen,
                          bool full, Date on, const RuleBook& rules, TaxLine& out) {
  LineRates rates;
  const std::string date = on.ToIso8601();
  // VAT: an explicit rate, else a row keyed by the HS code, else the line's VAT class.
  if (l.vat_rate) {
    rates.vat = *l.vat_rate;
    out.notes.push_back("vat " + rates.vat.ToString() + ": given");
  } else {
    const RuleRow* row = nullptr;
    if (!l.hs_code.empty()) row = rules.FindByHs(RuleKind::kVatRate, l.hs_code, on);
    const std::string vat_class = l.vat_class.empty() ? "standard" : l.vat_class;
    if (row == nullptr) row = rules.Find(RuleKind::kVatRate, vat_class, on);
    if (row == nullptr || !row->rate) {
      return InvalidArgument(Field(index, "vat_rate") +
                                 ": no rate given and no vat_rate rule for \"" + vat_class +
                                 "\" is in force on " + date,
                             Field(index, "vat_rate"));
    }
    rates.vat = *row->rate;
    out.rules_used.push_back(row->id);
    out.notes.push_back("vat " + rates.vat.ToString() + ": vat_rate \"" + row->key + "\" (" +
                        RuleRef(*row) + ")");
  }

  // Consumption tax.
  switch (l.consumption_tax) {
    case ConsumptionTaxMode::kExplicit:
      rates.consumption_tax = *l.consumption_tax_rate;
      out.notes.push_back("consumption tax " + rates.consumption_tax.ToString() + ": given");
      break;
    case ConsumptionTaxMode::kNone: {
      const RuleRow* row = l.hs_code.empty()
                               ? nullptr
                               : rules.FindByHs(RuleKind::kConsumptionTaxRate, l.hs_code, on);
      if (row != nullptr && row->rate) {
        rates.consumption_tax = *row->rate;
        out.rules_used.push_back(row->id);
        out.notes.push_back("consumption tax " + rates.consumption_tax.ToString() +
                            ": consumption_tax_rate \"" + row->key + "\" (" + RuleRef(*row) + ")");
      }
      break;
    }
    case ConsumptionTaxMode::kHighEndCosmetics: {
      // Cai Shui [2016] No.103: taxed when the dutiable price per legal unit reaches the
      // threshold of that unit.
      const std::optional<BaseUnit> unit = BaseUnitOf(l.legal_unit);
      if (!unit) {
        return InvalidArgument(Field(index, "legal_unit") +
                                   ": high-end cosmetics need a legal unit (g, kg, ml, l or piece)",
                               Field(index, "legal_unit"));
      }
      if (l.legal_quantity_milli <= 0) {
        return InvalidArgument(
            Field(index, "legal_quantity") + ": high-end cosmetics need a legal quantity above 0",
            Field(index, "legal_quantity"));
      }
      const RuleRow* threshold = rules.Find(RuleKind::kCosmeticsThreshold, unit->key, on);
      if (threshold == nullptr || !threshold->amount_fen) {
        return InvalidArgument(Field(index, "consumption_tax") +
                                   ": no cosmetics_threshold rule for \"" + std::string(unit->key) +
                                   "\" is in force on " + date,
                               Field(index, "consumption_tax"));
      }
      out.rules_used.push_back(threshold->id);
      const Int128 base_milli = Int128(l.legal_quantity_milli) * unit->factor;
      const Exact per_unit = Exact(Int128(dutiable_fen) * 1000, base_milli);
      const std::string per_unit_text =
          FenToString(per_unit.RoundHalfUp().value_or(0)) + "/" + std::string(unit->key);
      const std::string threshold_text =
          FenToString(*threshold->amount_fen) + "/" + std::string(unit->key);
      if (Int128(dutiable_fen) * 1000 >= Int128(*threshold->amount_fen) * base_milli) {
        const RuleRow* row = rules.Find(RuleKind::kConsumptionTaxRate, "high_end_cosmetics", on);
        if (row == nullptr || !row->rate) {
          return InvalidArgument(Field(index, "consumption_tax") +
                                     ": no consumption_tax_rate rule for \"high_end_cosmetics\" "
                                     "is in force on " +
                                     date,
                                 Field(index, "consumption_tax"));
        }
        rates.consumption_tax = *row->rate;
        out.rules_used.push_back(row->id);
        out.notes.push_back("consumption tax " + rates.consumption_tax.ToString() +
                            ": unit price " + per_unit_text + " >= threshold " + threshold_text +
                            " (" + RuleRef(*threshold) + "); high-end cosmetics rate (" +
                            RuleRef(*row) + ")");
      } else {
        out.notes.push_back("consumption tax 0: unit price " + per_unit_text + " < threshold " +
                            threshold_text + " (" + RuleRef(*threshold) + ")");
      }
      break;
    }
  }

  // Tariff: levied only in the full-rate case (0 within limits).
  if (full) {
    if (l.tariff_rate) {
      rates.tariff = *l.tariff_rate;
      out.notes.push_back("tariff " + rates.tariff.ToString() + ": given");
    } else {
      const RuleRow* row =
          l.hs_code.empty() ? nullptr : rules.FindByHs(RuleKind::kTariffRate, l.hs_code, on);
      if (row == nullptr) row = rules.Find(RuleKind::kTariffRate, "default", on);
      if (row == nullptr || !row->rate) {
        return InvalidArgument(Field(index, "tariff_rate") +
                                   ": no rate given and no tariff_rate rule is in force on " + date,
                               Field(index, "tariff_rate"));
      }
      rates.tariff = *row->rate;
      out.rules_used.push_back(row->id);
      out.notes.push_back("tariff " + rates.tariff.ToString() + ": tariff_rate \"" + row->key +
                          "\" (" + RuleRef(*row) + ")");
    }
  }
  return rates;
}

}  // namespace

std::span<const std::string_view> EnumChoices(Channel) { return kChannels; }

std::string CompositeRate(const TaxLine& line, const Rate& share, int decimals) {
  const Exact one(1);
  const Exact t(line.tariff_rate);
  const Exact c(line.consumption_tax_rate);
  const Exact v(line.vat_rate);
  if (!(c.num() < c.den())) return "";
  const Exact rate = t + (one + t) * (v + c) * Exact(share) / (one - c);
  Int128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const std::optional<std::int64_t> scaled = (rate * Exact(scale)).RoundHalfUp();
  if (!scaled) return "";
  return Rate(*scaled, static_cast<std::int64_t>(scale)).ToString();
}

Result<TaxQuote> QuoteTax(const TaxInput& input, const RuleBook& rules) {
  XB_RETURN_IF_ERROR(CheckInput(input));
  const Date on = input.date;

  // Order-level freight, insurance and discount spread over the lines by value.
  std::vector<std::int64_t> values;
  values.reserve(input.lines.size());
  for (const TaxLineInput& l : input.lines) values.push_back(l.value_fen);
  const std::vector<std::int64_t> freight = Allocate(input.freight_fen, values);
  const std::vector<std::int64_t> insurance = Allocate(input.insurance_fen, values);
  const std::vector<std::int64_t> discount = Allocate(input.discount_fen, values);
  std::vector<std::int64_t> dutiable(input.lines.size(), 0);
  Int128 total = 0;
  for (std::size_t i = 0; i < input.lines.size(); ++i) {
    const Int128 d = Int128(values[i]) + freight[i] + insurance[i] - discount[i];
    if (d < 0) {
      return InvalidArgument("discount: " + Yuan(input.discount_fen) + " leaves " +
                                 LineName(i, input.lines[i]) + " with a negative dutiable value",
                             "discount");
    }
    if (d > std::numeric_limits<std::int64_t>::max() / 4) return Overflow(i);
    dutiable[i] = static_cast<std::int64_t>(d);
    total += d;
  }
  if (total + input.annual_used_fen > std::numeric_limits<std::int64_t>::max() / 4) {
    return Overflow(input.lines.size() - 1);
  }

  TaxQuote quote;
  quote.dutiable_fen = static_cast<std::int64_t>(total);
  Status missing;
  const RuleRow* single = NeedOrderRule(rules, RuleKind::kSingleLimit, on, &missing);
  const RuleRow* annual = NeedOrderRule(rules, RuleKind::kAnnualLimit, on, &missing);
  const RuleRow* share = NeedOrderRule(rules, RuleKind::kCbecTaxShare, on, &missing);
  XB_RETURN_IF_ERROR(missing);
  if (!single->amount_fen || !annual->amount_fen || !share->rate) {
    return InvalidArgument(
        "date: the limit and share rules in force on " + on.ToIso8601() + " lack their values",
        "date");
  }
  quote.rules_used = {single->id, annual->id};

  // The channel (Cai Guan Shui [2018] No.49).
  const auto add = [&](std::string rule, std::string message) {
    quote.reasons.push_back(rule + ": " + message);
    quote.violations.push_back(Violation{std::move(rule), std::move(message)});
  };
  for (std::size_t i = 0; i < input.lines.size(); ++i) {
    const TaxLineInput& l = input.lines[i];
    if (!l.hs_code.empty() && rules.PositiveListed(l.hs_code, on) == nullptr) {
      add("positive_list", LineName(i, l) + ": HS code " + l.hs_code +
                               " is not on the positive list in force on " + on.ToIso8601());
    }
  }
  const std::int64_t order_value = quote.dutiable_fen;
  const std::int64_t year_after = input.annual_used_fen + order_value;
  const bool over_single = order_value > *single->amount_fen;
  const bool over_annual = year_after > *annual->amount_fen;
  const bool single_item = input.lines.size() == 1 && input.lines[0].quantity == 1;
  std::int64_t units = 0;
  for (const TaxLineInput& l : input.lines) units += l.quantity;
  if (over_single && !single_item) {
    add("single_limit", "order value " + Yuan(order_value) +
                            " exceeds the single-transaction limit " + Yuan(*single->amount_fen) +
                            " (" + RuleRef(*single) + ") and is not a single indivisible item (" +
                            std::to_string(input.lines.size()) + " line(s), " +
                            std::to_string(units) + " unit(s))");
  }
  if (over_annual) {
    add("annual_limit", "annual total " + Yuan(input.annual_used_fen) + " + order value " +
                            Yuan(order_value) + " = " + Yuan(year_after) +
                            " exceeds the annual limit " + Yuan(*annual->amount_fen) + " (" +
                            RuleRef(*annual) + ")");
  }
  if (!quote.violations.empty()) {
    quote.channel = Channel::kGeneralTrade;
  } else if (over_single) {
    quote.channel = Channel::kCbecFullRate;
  } else {
    quote.channel = Channel::kCbec;
  }
  const bool full = quote.channel != Channel::kCbec;
  quote.tax_share = full ? Rate(1, 1) : *share->rate;
  if (!full) quote.rules_used.push_back(share->id);

  // Per line: within limits CT = P/(1−c)·c·s and VAT = P/(1−c)·v·s, tariff 0; in full
  // tariff = P·t, CT = P(1+t)/(1−c)·c, VAT = P(1+t)/(1−c)·v, which add up to
  // P(t + v + c + t·v)/(1−c). Each tax rounded half up to the fen.
  const Exact s(quote.tax_share);
  for (std::size_t i = 0; i < input.lines.size(); ++i) {
    const TaxLineInput& l = input.lines[i];
    TaxLine out;
    out.ref = l.ref;
    out.dutiable_fen = dutiable[i];
    XB_ASSIGN_OR_RETURN(LineRates rates, RatesOf(i, l, dutiable[i], full, on, rules, out));
    out.tariff_rate = rates.tariff;
    out.vat_rate = rates.vat;
    out.consumption_tax_rate = rates.consumption_tax;
    if (l.legal_quantity_milli > 0) {
      const auto per_unit = Exact(Int128(dutiable[i]) * 1000, l.legal_quantity_milli).RoundHalfUp();
      if (per_unit) out.unit_price = FenToString(*per_unit);
    }
    const Exact one(1);
    const Exact p(dutiable[i]);
    const Exact t(rates.tariff);
    const Exact c(rates.consumption_tax);
    const Exact v(rates.vat);
    const Exact base = p * (one + t) / (one - c);
    const auto tariff = (p * t).RoundHalfUp();
    const auto ct = (base * c * s).RoundHalfUp();
    const auto vat = (base * v * s).RoundHalfUp();
    if (!tariff || !ct || !vat) return Overflow(i);
    out.tariff_fen = *tariff;
    out.consumption_tax_fen = *ct;
    out.vat_fen = *vat;
    out.total_fen = out.tariff_fen + out.consumption_tax_fen + out.vat_fen;
    if (quote.channel == Channel::kCbec) {
      out.notes.push_back("within limits: tariff 0, VAT and consumption tax at " +
                          quote.tax_share.ToString() + " of the statutory amount (" +
                          RuleRef(*share) + ")");
    } else if (quote.channel == Channel::kCbecFullRate) {
      out.notes.push_back("single indivisible item of " + Yuan(order_value) + " over the limit " +
                          Yuan(*single->amount_fen) + " (" + RuleRef(*single) +
                          "): tariff, VAT and consumption tax in full");
    } else {
      out.notes.push_back("general trade: the full-rate amounts show what the goods would owe");
    }
    quote.tariff_fen += out.tariff_fen;
    quote.consumption_tax_fen += out.consumption_tax_fen;
    quote.vat_fen += out.vat_fen;
    quote.total_fen += out.total_fen;
    quote.lines.push_back(std::move(out));
  }
  return quote;
}

}  // namespace xb::customs
