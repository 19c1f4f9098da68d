#include "domain/suppliers/evaluation.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace xb::suppliers {
namespace {
constexpr std::string_view kTreeStatuses[] = {"draft", "active", "retired"};
constexpr std::string_view kSources[] = {"entered", "computed"};
constexpr std::string_view kConsequences[] = {"none", "warn", "block"};
}  // namespace

std::span<const std::string_view> EnumChoices(TreeStatus) { return kTreeStatuses; }
std::span<const std::string_view> EnumChoices(ScoreSource) { return kSources; }
std::span<const std::string_view> EnumChoices(Consequence) { return kConsequences; }

Status ApplyJudgements(TreeVersion& version, const std::string& node,
                       const ComparisonMatrix& matrix, RiTable table) {
  if (version.status != TreeStatus::kDraft) {
    return FailedPrecondition("only a draft tree can change; create a new version");
  }
  std::vector<std::optional<double>*> targets;
  std::vector<std::string> names;
  if (node == "root") {
    for (auto& ind : version.tree.indicators) {
      targets.push_back(&ind.weight);
      names.push_back(ind.code);
    }
  } else {
    auto it = std::find_if(version.tree.indicators.begin(), version.tree.indicators.end(),
                           [&](const Indicator& i) { return i.code == node; });
    if (it == version.tree.indicators.end()) {
      return InvalidArgument("node: no first-level indicator '" + node + "'", "node");
    }
    for (auto& sub : it->children) {
      targets.push_back(&sub.weight);
      names.push_back(sub.code);
    }
  }
  if (matrix.size() != targets.size()) {
    return InvalidArgument("matrix: '" + node + "' has " + std::to_string(targets.size()) +
                               " children, the matrix " + std::to_string(matrix.size()) + " rows",
                           "matrix");
  }
  XB_ASSIGN_OR_RETURN(AhpResult r, DeriveWeights(matrix, AhpMethod::kEigenvector, table));
  if (!r.consistent) {
    std::string worst;
    for (const auto& d : r.disagreements) {
      worst += (worst.empty() ? "" : "; ") + names[static_cast<std::size_t>(d.row)] + " vs " +
               names[static_cast<std::size_t>(d.column)] + " (given " + std::to_string(d.given) +
               ", weights imply " + std::to_string(d.implied) + ")";
    }
    return FailedPrecondition("the judgements are inconsistent: CR " + std::to_string(r.cr) +
                                  " is above 0.10 (RI table " + std::string(RiTableName(table)) +
                                  "); revisit " + worst,
                              "matrix");
  }
  for (std::size_t i = 0; i < targets.size(); ++i) *targets[i] = r.weights[i];
  auto it = std::find_if(version.judgements.begin(), version.judgements.end(),
                         [&](const NodeJudgements& j) { return j.node == node; });
  NodeJudgements j{node, matrix, r.cr, r.lambda_max, table};
  if (it == version.judgements.end()) {
    version.judgements.push_back(std::move(j));
  } else {
    *it = std::move(j);
  }
  return Status::Ok();
}

Result<Period> ParsePeriod(std::string_view label) {
  const Status bad =
      InvalidArgument("period: must be a month like 2026-11 or a quarter like 2026-Q3", "period");
  if (label.size() == 7 && label[4] == '-' && IsAllDigits(label.substr(0, 4))) {
    const int year = static_cast<int>(*ParseInt64(label.substr(0, 4)));
    if (label[5] == 'Q' && label[6] >= '1' && label[6] <= '4') {
      const int q = label[6] - '0';
      auto first = Date::FromYmd(year, (q - 1) * 3 + 1, 1);
      auto next = q == 4 ? Date::FromYmd(year + 1, 1, 1) : Date::FromYmd(year, q * 3 + 1, 1);
      if (!first.ok() || !next.ok()) return bad;
      return Period{std::string(label), *first, next->AddDays(-1)};
    }
    if (IsAllDigits(label.substr(5, 2))) {
      const int month = static_cast<int>(*ParseInt64(label.substr(5, 2)));
      auto first = Date::FromYmd(year, month, 1);
      auto next = month == 12 ? Date::FromYmd(year + 1, 1, 1) : Date::FromYmd(year, month + 1, 1);
      if (!first.ok() || !next.ok()) return bad;
      return Period{std::string(label), *first, next->AddDays(-1)};
    }
  }
  return bad;
}

std::vector<Band> DefaultBands() {
  return {{"preferred", 70, Consequence::kNone},
          {"approved", 50, Consequence::kNone},
          {"watch", 30, Consequence::kWarn},
          {"blocked", 0, Consequence::kBlock}};
}

Status ValidateBands(const std::vector<Band>& bands) {
  if (bands.empty()) return InvalidArgument("bands: at least one band", "bands");
  std::set<std::string> names;
  std::set<double> minimums;
  bool has_zero = false;
  for (const auto& b : bands) {
    if (b.name.empty()) return InvalidArgument("bands: every band needs a name", "bands");
    if (!names.insert(b.name).second)
      return InvalidArgument("bands: '" + b.name + "' appears twice", "bands");
    if (b.min_score < 0 || b.min_score > 100) {
      return InvalidArgument("bands: min_score of '" + b.name + "' must be within 0..100", "bands");
    }
    if (!minimums.insert(b.min_score).second) {
      return InvalidArgument("bands: two bands start at " + std::to_string(b.min_score), "bands");
    }
    has_zero = has_zero || b.min_score == 0;
  }
  if (!has_zero) return InvalidArgument("bands: one band must start at 0", "bands");
  return Status::Ok();
}

const Band& BandFor(const std::vector<Band>& bands, double score) {
  const Band* best = &bands.front();
  for (const auto& b : bands) {
    if (score >= b.min_score && (best->min_score > score || b.min_score > best->min_score))
      best = &b;
  }
  return *best;
}

Concentration MeasureConcentration(const std::map<std::int64_t, std::int64_t>& spend) {
  Concentration c;
  double total = 0;
  for (const auto& [supplier, amount] : spend) total += static_cast<double>(amount);
  if (total <= 0) return c;
  for (const auto& [supplier, amount] : spend) {
    const double share = static_cast<double>(amount) / total;
    c.shares[supplier] = share;
    c.hhi += share * share * 10000.0;
  }
  return c;
}

}  // namespace xb::suppliers
