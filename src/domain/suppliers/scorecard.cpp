#include "domain/suppliers/scorecard.h"

#include <cmath>
#include <set>

namespace xb::suppliers {
namespace {

std::string Fmt(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

Status CheckWeight(const std::optional<double>& w, const std::string& code) {
  if (!w) return InvalidArgument("indicator '" + code + "' has no weight", code);
  if (!std::isfinite(*w) || *w < 0 || *w > 1) {
    return InvalidArgument("indicator '" + code + "': weight must be within 0..1", code);
  }
  return Status::Ok();
}

}  // namespace

IndicatorTree PaperTemplate() {
  const auto sub = [](std::string code, std::string name, double w, Direction d) {
    return SubIndicator{std::move(code), std::move(name), w, d, 0, 100};
  };
  const auto hi = Direction::kHigherIsBetter;
  const auto lo = Direction::kLowerIsBetter;
  IndicatorTree t;
  t.indicators = {
      {"performance",
       "Supplier performance",
       0.25,
       {sub("on_time_rate", "On-time delivery rate", 0.4, hi),
        sub("fill_rate", "Fill rate", 0.3, hi),
        sub("lead_time_variability", "Lead-time variability", 0.3, lo)}},
      {"financial",
       "Financial status",
       0.10,
       {sub("solvency", "Solvency", 0.5, hi), sub("profitability", "Profitability", 0.5, hi)}},
      {"cost",
       "Cost status",
       0.20,
       {sub("price_level", "Price level against the market", 0.6, lo),
        sub("price_variance", "Price variance against quotes", 0.4, lo)}},
      {"quality",
       "Quality",
       0.25,
       {sub("acceptance_rate", "Quality acceptance rate at receipt", 0.5, hi),
        sub("shelf_life_at_arrival", "Remaining shelf life at arrival", 0.3, hi),
        sub("document_accuracy", "Document accuracy at customs", 0.2, hi)}},
      {"organisation",
       "Organisation and management",
       0.10,
       {sub("management", "Management system", 0.5, hi),
        sub("authenticity", "Brand authorisation and authenticity", 0.5, hi)}},
      {"other",
       "Other factors",
       0.10,
       {sub("cooperation", "Willingness to cooperate", 0.5, hi),
        sub("geography", "Location and logistics access", 0.5, hi)}},
  };
  return t;
}

Status ValidateTree(const IndicatorTree& tree) {
  if (tree.indicators.empty()) return InvalidArgument("the tree has no indicators", "indicators");
  std::set<std::string> codes;
  double first_sum = 0;
  for (const auto& ind : tree.indicators) {
    if (ind.code.empty()) return InvalidArgument("an indicator has no code", "indicators");
    if (!codes.insert(ind.code).second) {
      return InvalidArgument("indicator code '" + ind.code + "' is used twice", ind.code);
    }
    XB_RETURN_IF_ERROR(CheckWeight(ind.weight, ind.code));
    first_sum += *ind.weight;
    if (ind.children.empty()) {
      return InvalidArgument("indicator '" + ind.code + "' has no second-level indicators",
                             ind.code);
    }
    double sub_sum = 0;
    for (const auto& sub : ind.children) {
      if (sub.code.empty())
        return InvalidArgument("an indicator under '" + ind.code + "' has no code", ind.code);
      if (!codes.insert(sub.code).second) {
        return InvalidArgument("indicator code '" + sub.code + "' is used twice", sub.code);
      }
      XB_RETURN_IF_ERROR(CheckWeight(sub.weight, sub.code));
      if (!(sub.scale_min < sub.scale_max)) {
        return InvalidArgument("indicator '" + sub.code + "': scale_min must be below scale_max",
                               sub.code);
      }
      sub_sum += *sub.weight;
    }
    if (std::abs(sub_sum - 1.0) > kWeightTolerance) {
      return InvalidArgument("the weights under '" + ind.code + "' sum to " + Fmt(sub_sum) +
                                 ", not 1 (tolerance " + Fmt(kWeightTolerance) + ")",
                             ind.code);
    }
  }
  if (std::abs(first_sum - 1.0) > kWeightTolerance) {
    return InvalidArgument("the first-level weights sum to " + Fmt(first_sum) +
                               ", not 1 (tolerance " + Fmt(kWeightTolerance) + ")",
                           "indicators");
  }
  return Status::Ok();
}

Result<Scorecard> ScoreSupplier(const IndicatorTree& tree,
                                const std::map<std::string, double>& scores) {
  XB_RETURN_IF_ERROR(ValidateTree(tree));
  std::set<std::string> known;
  for (const auto& ind : tree.indicators) {
    for (const auto& sub : ind.children) known.insert(sub.code);
  }
  for (const auto& [code, value] : scores) {
    if (known.count(code) == 0) {
      return InvalidArgument("score for unknown indicator '" + code + "'", code);
    }
    (void)value;
  }
  Scorecard card;
  double total = 0;
  for (const auto& ind : tree.indicators) {
    IndicatorContribution ic;
    ic.code = ind.code;
    ic.weight = *ind.weight;
    for (const auto& sub : ind.children) {
      auto it = scores.find(sub.code);
      if (it == scores.end()) {
        card.missing.push_back(sub.code);
        continue;
      }
      const double s = it->second;
      if (!std::isfinite(s) || s < sub.scale_min || s > sub.scale_max) {
        return InvalidArgument("score " + Fmt(s) + " for '" + sub.code + "' is outside its scale " +
                                   Fmt(sub.scale_min) + ".." + Fmt(sub.scale_max),
                               sub.code);
      }
      const double span = sub.scale_max - sub.scale_min;
      double normalised = (s - sub.scale_min) / span * 100.0;
      if (sub.direction == Direction::kLowerIsBetter) normalised = 100.0 - normalised;
      SubContribution sc{sub.code, *sub.weight, s, normalised,
                         *ind.weight * *sub.weight * normalised};
      ic.subtotal += *sub.weight * normalised;
      ic.children.push_back(sc);
    }
    ic.contribution = ic.weight * ic.subtotal;
    total += ic.contribution;
    card.breakdown.push_back(std::move(ic));
  }
  if (card.missing.empty()) card.total = total;
  return card;
}

}  // namespace xb::suppliers
