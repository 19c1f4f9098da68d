#include "domain/customs/rules.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "core/money.h"
#include "core/text.h"

namespace xb::customs {
namespace {

constexpr std::array<std::string_view, 10> kRuleKinds = {
    "single_limit",      "annual_limit",         "cbec_tax_share",      "vat_rate",
    "tariff_rate",       "consumption_tax_rate", "cosmetics_threshold", "goods_cap",
    "return_apply_days", "return_arrive_days",
};

constexpr std::int64_t kMaxRateDen = 1'000'000'000;
constexpr std::size_t kMaxSourceLength = 200;
constexpr std::size_t kMaxDescriptionLength = 500;

bool IsHsPrefix(std::string_view key) {
  return key.size() >= 2 && key.size() <= 10 && IsAllDigits(key);
}

// The error text of a rule row names its kind so a rejected import line can be found.
std::string KindName(RuleKind kind) {
  return std::string(kRuleKinds[static_cast<std::size_t>(kind)]);
}

bool InForce(const Date& from, const std::optional<Date>& to, Date on) {
  return from <= on && (!to || on <= *to);
}

// Among rows in force, the later valid_from wins; on a tie a tenant's own row wins over the
// platform's.
bool Better(const RuleRow& candidate, const RuleRow* best) {
  if (best == nullptr) return true;
  if (candidate.valid_from != best->valid_from) return candidate.valid_from > best->valid_from;
  return candidate.tenant_id.value() != 0 && best->tenant_id.value() == 0;
}

}  // namespace

std::span<const std::string_view> EnumChoices(RuleKind) { return kRuleKinds; }

Result<Rate> Rate::Parse(std::string_view text) {
  std::string_view t = text;
  bool percent = false;
  if (!t.empty() && t.back() == '%') {
    percent = true;
    t.remove_suffix(1);
  }
  const auto bad = [&]() {
    return InvalidArgument("rate \"" + std::string(text) +
                           "\" is not a non-negative decimal such as 0.13 or 13%");
  };
  if (t.empty()) return bad();
  std::int64_t num = 0;
  std::int64_t den = 1;
  std::size_t i = 0;
  int int_digits = 0;
  for (; i < t.size() && t[i] != '.'; ++i) {
    if (t[i] < '0' || t[i] > '9') return bad();
    if (++int_digits > 9) return InvalidArgument("rate \"" + std::string(text) + "\" is too large");
    num = num * 10 + (t[i] - '0');
  }
  if (int_digits == 0) return bad();
  if (i < t.size()) {
    ++i;
    if (i == t.size()) return bad();
    for (; i < t.size(); ++i) {
      if (t[i] < '0' || t[i] > '9') return bad();
      den *= 10;
      if (den > kMaxRateDen) {
        return InvalidArgument("rate \"" + std::string(text) + "\" has more than 9 decimals");
      }
      num = num * 10 + (t[i] - '0');
    }
  }
  if (percent) {
    den *= 100;
    if (den > kMaxRateDen) {
      return InvalidArgument("rate \"" + std::string(text) + "\" has more than 9 decimals");
    }
  }
  // Trailing zeros of the fraction carry nothing: 0.130 is 13/100.
  while (den > 1 && num % 10 == 0) {
    num /= 10;
    den /= 10;
  }
  return Rate(num, den);
}

std::string Rate::ToString() const {
  std::int64_t num = num_;
  std::int64_t den = den_;
  int digits = 0;
  std::int64_t d = den;
  while (d > 1 && d % 10 == 0) {
    d /= 10;
    ++digits;
  }
  if (d != 1 || den <= 0 || num < 0) return std::to_string(num_) + "/" + std::to_string(den_);
  while (digits > 0 && num % 10 == 0) {
    num /= 10;
    den /= 10;
    --digits;
  }
  std::string out = std::to_string(num / den);
  if (digits > 0) {
    std::string frac = std::to_string(num % den);
    out += '.';
    out.append(static_cast<std::size_t>(digits) - frac.size(), '0');
    out += frac;
  }
  return out;
}

Result<std::int64_t> ParseFen(std::string_view text) {
  auto money = Money::Parse(text, Currency::Cny());
  if (!money.ok()) {
    return InvalidArgument("amount \"" + std::string(text) + "\": " + money.status().message());
  }
  return money->minor();
}

// The text of Money(fen, Currency::Cny()).ToDecimalString(), written in place (a hot path:
// every money field of an order, its records and their checks).
void AppendFen(std::int64_t fen, std::string& out) {
  const bool negative = fen < 0;
  std::uint64_t magnitude =
      negative ? 0ULL - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  std::array<char, 24> buf{};
  char* const end = buf.data() + buf.size();
  char* p = end;
  const auto digit = [](std::uint64_t v) { return static_cast<char>('0' + v % 10); };
  *--p = digit(magnitude);
  *--p = digit(magnitude / 10);
  *--p = '.';
  magnitude /= 100;
  do {
    *--p = digit(magnitude);
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) *--p = '-';
  out.append(p, end);
}

std::string FenToString(std::int64_t fen) {
  std::string out;
  AppendFen(fen, out);
  return out;
}

std::string FenToGroupedString(std::int64_t fen) {
  const std::string plain = FenToString(fen);
  const bool negative = plain[0] == '-';
  const std::size_t start = negative ? 1 : 0;
  const std::size_t point = plain.find('.');
  const std::string whole = plain.substr(start, point - start);
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return out + plain.substr(point);
}

Status Validate(const RuleRow& row) {
  const std::string kind = KindName(row.kind);
  const auto need_rate = [&]() -> Status {
    if (!row.rate) return InvalidArgument(kind + ": rate is required", "rate");
    return Status::Ok();
  };
  const auto need_amount = [&]() -> Status {
    if (!row.amount_fen) return InvalidArgument(kind + ": amount is required", "amount");
    if (*row.amount_fen < 0) return InvalidArgument(kind + ": amount must be >= 0", "amount");
    return Status::Ok();
  };
  const auto need_quantity = [&]() -> Status {
    if (!row.quantity) return InvalidArgument(kind + ": quantity is required", "quantity");
    if (*row.quantity < 0) return InvalidArgument(kind + ": quantity must be >= 0", "quantity");
    return Status::Ok();
  };
  const auto key_empty = [&]() -> Status {
    if (!row.key.empty()) return InvalidArgument(kind + ": takes no key", "key");
    return Status::Ok();
  };
  const auto key_is = [&](std::initializer_list<std::string_view> words,
                          bool hs_allowed) -> Status {
    for (std::string_view w : words) {
      if (row.key == w) return Status::Ok();
    }
    if (hs_allowed && IsHsPrefix(row.key)) return Status::Ok();
    std::string list;
    for (std::string_view w : words) list += (list.empty() ? "\"" : ", \"") + std::string(w) + "\"";
    return InvalidArgument(kind + ": key \"" + row.key + "\" must be " + list +
                               (hs_allowed ? " or an HS code prefix of 2 to 10 digits" : ""),
                           "key");
  };
  if (row.rate && (row.rate->num() < 0 || row.rate->den() <= 0)) {
    return InvalidArgument(kind + ": rate must be a non-negative decimal", "rate");
  }
  switch (row.kind) {
    case RuleKind::kSingleLimit:
    case RuleKind::kAnnualLimit:
      XB_RETURN_IF_ERROR(key_empty());
      XB_RETURN_IF_ERROR(need_amount());
      if (*row.amount_fen == 0) return InvalidArgument(kind + ": amount must be > 0", "amount");
      break;
    case RuleKind::kCbecTaxShare:
      XB_RETURN_IF_ERROR(key_empty());
      XB_RETURN_IF_ERROR(need_rate());
      if (row.rate->num() > row.rate->den()) {
        return InvalidArgument(kind + ": rate must be between 0 and 1", "rate");
      }
      break;
    case RuleKind::kVatRate:
      XB_RETURN_IF_ERROR(key_is({"standard", "reduced"}, true));
      XB_RETURN_IF_ERROR(need_rate());
      break;
    case RuleKind::kTariffRate:
      XB_RETURN_IF_ERROR(key_is({"default"}, true));
      XB_RETURN_IF_ERROR(need_rate());
      break;
    case RuleKind::kConsumptionTaxRate:
      XB_RETURN_IF_ERROR(key_is({"high_end_cosmetics"}, true));
      XB_RETURN_IF_ERROR(need_rate());
      // The tax base is P / (1 - c): a rate of 1 or more has no meaning.
      if (row.rate->num() >= row.rate->den()) {
        return InvalidArgument(kind + ": rate must be below 1", "rate");
      }
      break;
    case RuleKind::kCosmeticsThreshold:
      XB_RETURN_IF_ERROR(key_is({"g", "ml", "piece"}, false));
      XB_RETURN_IF_ERROR(need_amount());
      break;
    case RuleKind::kGoodsCap:
      if (!IsHsPrefix(row.key)) {
        return InvalidArgument(kind + ": key must be an HS code prefix of 2 to 10 digits", "key");
      }
      XB_RETURN_IF_ERROR(need_quantity());
      if (row.unit.empty() || row.unit.size() > 16) {
        return InvalidArgument(kind + ": unit is required (1..16 characters)", "unit");
      }
      break;
    case RuleKind::kReturnApplyDays:
    case RuleKind::kReturnArriveDays:
      XB_RETURN_IF_ERROR(key_empty());
      XB_RETURN_IF_ERROR(need_quantity());
      break;
  }
  if (row.valid_to && *row.valid_to < row.valid_from) {
    return InvalidArgument(kind + ": valid_to " + row.valid_to->ToIso8601() +
                               " is before valid_from " + row.valid_from.ToIso8601(),
                           "valid_to");
  }
  if (Trim(row.source).empty() || row.source.size() > kMaxSourceLength ||
      !IsCleanUtf8(row.source)) {
    return InvalidArgument(kind + ": source (the regulation) is required, 1..200 characters",
                           "source");
  }
  return Status::Ok();
}

Status Validate(const PositiveListLine& line) {
  if ((line.hs_code.size() != 8 && line.hs_code.size() != 10) || !IsAllDigits(line.hs_code)) {
    return InvalidArgument("hs_code: \"" + line.hs_code + "\" must be 8 or 10 digits", "hs_code");
  }
  if (line.description.size() > kMaxDescriptionLength || !IsCleanUtf8(line.description)) {
    return InvalidArgument("description: at most 500 characters of clean UTF-8", "description");
  }
  if (line.valid_to && *line.valid_to < line.valid_from) {
    return InvalidArgument("valid_to " + line.valid_to->ToIso8601() + " is before valid_from " +
                               line.valid_from.ToIso8601(),
                           "valid_to");
  }
  if (line.source.size() > kMaxSourceLength || !IsCleanUtf8(line.source)) {
    return InvalidArgument("source: at most 200 characters of clean UTF-8", "source");
  }
  return Status::Ok();
}

RuleBook::RuleBook(std::vector<RuleRow> rules, std::vector<PositiveListLine> positive_list)
    : rules_(std::move(rules)), positive_list_(std::move(positive_list)) {
  std::sort(rules_.begin(), rules_.end(), [](const RuleRow& a, const RuleRow& b) {
    return std::tie(a.kind, a.key, a.valid_from) < std::tie(b.kind, b.key, b.valid_from);
  });
  std::sort(positive_list_.begin(), positive_list_.end(),
            [](const PositiveListLine& a, const PositiveListLine& b) {
              return std::tie(a.hs_code, a.valid_from) < std::tie(b.hs_code, b.valid_from);
            });
}

const RuleRow* RuleBook::Find(RuleKind kind, std::string_view key, Date on) const {
  auto it = std::lower_bound(rules_.begin(), rules_.end(), std::pair(kind, key),
                             [](const RuleRow& r, const std::pair<RuleKind, std::string_view>& k) {
                               if (r.kind != k.first) return r.kind < k.first;
                               return std::string_view(r.key) < k.second;
                             });
  const RuleRow* best = nullptr;
  for (; it != rules_.end() && it->kind == kind && it->key == key; ++it) {
    if (InForce(it->valid_from, it->valid_to, on) && Better(*it, best)) best = &*it;
  }
  return best;
}

const RuleRow* RuleBook::FindByHs(RuleKind kind, std::string_view hs_code, Date on) const {
  const RuleRow* best = nullptr;
  for (std::size_t len = std::min<std::size_t>(hs_code.size(), 10); len >= 2; --len) {
    const std::string_view prefix = hs_code.substr(0, len);
    if (!IsHsPrefix(prefix)) continue;
    best = Find(kind, prefix, on);
    if (best != nullptr) return best;
  }
  return nullptr;
}

const PositiveListLine* RuleBook::PositiveListed(std::string_view hs_code, Date on) const {
  // A listed code covers the longer codes it is a prefix of (an 8-digit line covers its 10-digit
  // sub-lines); the longest listed prefix in force answers, the latest valid_from among equals.
  for (std::size_t len = hs_code.size(); len >= 1; --len) {
    const std::string_view prefix = hs_code.substr(0, len);
    auto it = std::lower_bound(
        positive_list_.begin(), positive_list_.end(), prefix,
        [](const PositiveListLine& l, std::string_view k) { return l.hs_code < k; });
    const PositiveListLine* best = nullptr;
    for (; it != positive_list_.end() && it->hs_code == prefix; ++it) {
      if (InForce(it->valid_from, it->valid_to, on)) best = &*it;
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

}  // namespace xb::customs
