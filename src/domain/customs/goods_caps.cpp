#include "domain/customs/goods_caps.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>

#include "core/money.h"

namespace xb::customs {
namespace {

constexpr std::array<std::string_view, 3> kGoodsCapEntryKinds = {"order", "cancel", "return"};

// The unit's dimension and its size in the dimension's base unit (g, ml, piece).
struct UnitScale {
  std::string_view dimension;
  std::int64_t base = 1;
};
std::optional<UnitScale> ScaleOf(std::string_view unit) {
  if (unit == "g") return UnitScale{"mass", 1};
  if (unit == "kg") return UnitScale{"mass", 1000};
  if (unit == "ml") return UnitScale{"volume", 1};
  if (unit == "l") return UnitScale{"volume", 1000};
  if (unit == "piece") return UnitScale{"count", 1};
  return std::nullopt;
}

// ceil(a * num / den) for non-negative a, num and positive den, overflow-free for realistic sizes.
std::int64_t MulDivUp(std::int64_t a, std::int64_t num, std::int64_t den) {
  const Int128 p = static_cast<Int128>(a) * num;
  return static_cast<std::int64_t>((p + den - 1) / den);
}

}  // namespace

std::span<const std::string_view> EnumChoices(GoodsCapEntryKind) { return kGoodsCapEntryKinds; }

std::string MilliToString(std::int64_t milli) {
  const bool negative = milli < 0;
  const std::int64_t v = negative ? -milli : milli;
  std::string out;
  if (negative) out += '-';
  out += std::to_string(v / 1000);
  std::int64_t frac = v % 1000;
  if (frac == 0) return out;
  std::string digits = std::to_string(frac);
  digits.insert(0, 3 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

Result<std::vector<GoodsCapDemand>> GoodsCapDemands(std::span<const TaxLineInput> lines,
                                                    const RuleBook& rules, Date on) {
  std::vector<GoodsCapDemand> out;
  for (const auto& line : lines) {
    const RuleRow* cap = rules.FindByHs(RuleKind::kGoodsCap, line.hs_code, on);
    if (cap == nullptr || !cap->quantity) continue;
    const auto cap_scale = ScaleOf(cap->unit);
    if (!cap_scale) {
      return FailedPrecondition("goods_cap: rule " + std::to_string(cap->id.value()) +
                                    " has an unknown unit '" + cap->unit + "'",
                                "goods_cap");
    }
    const auto line_scale = ScaleOf(line.legal_unit.empty() ? "piece" : line.legal_unit);
    std::int64_t amount = 0;  // thousandths of the cap's unit
    if (line_scale && line_scale->dimension == cap_scale->dimension) {
      amount = MulDivUp(line.legal_quantity_milli, line_scale->base, cap_scale->base);
    } else if (cap_scale->dimension == "count") {
      amount = line.quantity * 1000;
    } else {
      return FailedPrecondition("goods_cap: line " + line.ref + " (HS " + line.hs_code +
                                    ") is declared in '" + line.legal_unit +
                                    "', which cannot be counted against the cap of HS " + cap->key +
                                    " in " + cap->unit,
                                "goods_cap");
    }
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const GoodsCapDemand& d) { return d.hs_prefix == cap->key; });
    if (it == out.end()) {
      GoodsCapDemand d;
      d.rule = cap->id;
      d.hs_prefix = cap->key;
      d.unit = cap->unit;
      d.cap_milli = *cap->quantity * 1000;
      out.push_back(std::move(d));
      it = out.end() - 1;
    }
    it->requested_milli += amount;
    it->lines.emplace_back(line.ref, amount);
  }
  return out;
}

Status CheckGoodsCap(const GoodsCapDemand& d, std::int64_t used_milli) {
  if (used_milli + d.requested_milli <= d.cap_milli) return Status::Ok();
  const std::int64_t remaining = std::max<std::int64_t>(d.cap_milli - used_milli, 0);
  return FailedPrecondition(
      "goods_cap: HS " + d.hs_prefix + " yearly cap " + MilliToString(d.cap_milli) + " " + d.unit +
          " per identity: used " + MilliToString(used_milli) + " + requested " +
          MilliToString(d.requested_milli) + " = " + MilliToString(used_milli + d.requested_milli) +
          " (remaining " + MilliToString(remaining) + " " + d.unit + ", rule " +
          std::to_string(d.rule.value()) + ")",
      "goods_cap");
}

std::vector<GoodsCapEntry> GoodsCapRestores(std::span<const GoodsCapEntry> entries,
                                            std::int64_t order_id,
                                            std::span<const std::int64_t> line_nos,
                                            GoodsCapEntryKind kind, const std::string& ref,
                                            Timestamp at, std::int64_t numerator,
                                            std::int64_t denominator) {
  struct Sums {
    const GoodsCapEntry* first = nullptr;
    std::int64_t original = 0;
    std::int64_t held = 0;
  };
  std::map<std::pair<std::int64_t, std::string>, Sums> by_line;
  for (const auto& e : entries) {
    if (e.order_id != order_id) continue;
    if (!line_nos.empty() &&
        std::find(line_nos.begin(), line_nos.end(), e.line_no) == line_nos.end()) {
      continue;
    }
    Sums& s = by_line[{e.line_no, e.hs_prefix}];
    if (s.first == nullptr) s.first = &e;
    if (e.kind == GoodsCapEntryKind::kOrder) s.original += e.amount_milli;
    s.held += e.amount_milli;
  }
  std::vector<GoodsCapEntry> out;
  for (const auto& [key, s] : by_line) {
    if (s.held <= 0) continue;
    std::int64_t back = s.held;
    if (denominator > 0 && numerator < denominator) {
      const auto share = static_cast<std::int64_t>(
          static_cast<Int128>(s.original) * std::max<std::int64_t>(numerator, 0) / denominator);
      back = std::min(back, share);
    }
    if (back <= 0) continue;
    GoodsCapEntry e = *s.first;
    e.amount_milli = -back;
    e.kind = kind;
    e.ref = ref;
    e.at = at;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace xb::customs
