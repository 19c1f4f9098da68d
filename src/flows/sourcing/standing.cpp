#include "flows/sourcing/standing.h"

#include <algorithm>
#include <set>

#include "domain/partners/partners.h"

namespace xb::sourcing::detail {

using suppliers::IndicatorScore;
using suppliers::TreeVersion;

Result<std::map<std::int64_t, SupplierScorecard>> BuildScorecards(
    const TreeVersion& tree, const std::vector<suppliers::Band>& bands, const std::string& period,
    const std::vector<IndicatorScore>& scores) {
  std::map<std::int64_t, std::map<std::string, double>> values;
  std::map<std::int64_t, std::map<std::string, ScoreOrigin>> origins;
  for (const auto& s : scores) {
    values[s.supplier_id][s.indicator] = s.score;
    origins[s.supplier_id][s.indicator] = ScoreOrigin{s.source, s.evaluator, s.at, s.note};
  }
  std::map<std::int64_t, SupplierScorecard> out;
  for (auto& [supplier, by_code] : values) {
    XB_ASSIGN_OR_RETURN(suppliers::Scorecard card, suppliers::ScoreSupplier(tree.tree, by_code));
    SupplierScorecard sc;
    sc.supplier_id = supplier;
    sc.period = period;
    sc.tree_id = tree.id;
    sc.card = std::move(card);
    sc.origins = std::move(origins[supplier]);
    if (sc.card.total && !bands.empty()) sc.band = suppliers::BandFor(bands, *sc.card.total);
    out.emplace(supplier, std::move(sc));
  }
  return out;
}

SupplierScorecard EmptyScorecard(const TreeVersion& tree, std::int64_t supplier_id,
                                 const std::string& period) {
  SupplierScorecard sc;
  sc.supplier_id = supplier_id;
  sc.period = period;
  sc.tree_id = tree.id;
  auto card = suppliers::ScoreSupplier(tree.tree, {});
  if (card.ok()) sc.card = std::move(card).value();
  return sc;
}

void RankByTotal(std::vector<SupplierScorecard>& cards) {
  std::stable_sort(cards.begin(), cards.end(),
                   [](const SupplierScorecard& a, const SupplierScorecard& b) {
                     if (a.card.total.has_value() != b.card.total.has_value()) {
                       return a.card.total.has_value();
                     }
                     if (a.card.total && *a.card.total != *b.card.total) {
                       return *a.card.total > *b.card.total;
                     }
                     return a.supplier_id < b.supplier_id;
                   });
  for (std::size_t i = 0; i < cards.size(); ++i) {
    if (!cards[i].card.total) {
      cards[i].rank.reset();
    } else if (i > 0 && cards[i - 1].card.total &&
               *cards[i - 1].card.total == *cards[i].card.total) {
      cards[i].rank = cards[i - 1].rank;
    } else {
      cards[i].rank = static_cast<int>(i) + 1;
    }
  }
}

Status NameSuppliers(store::Transaction& tx, TenantId tenant,
                     std::vector<SupplierScorecard>& cards) {
  for (auto& c : cards) {
    auto s = tx.suppliers().Get(tenant, c.supplier_id);
    if (s.ok()) {
      c.supplier_code = s->code;
      c.supplier_name = s->name;
    } else if (s.status().code() != ErrorCode::kNotFound) {
      return s.status();
    }
  }
  return Status::Ok();
}

bool PeriodBefore(const std::string& a, const std::string& b) {
  auto pa = suppliers::ParsePeriod(a);
  auto pb = suppliers::ParsePeriod(b);
  if (!pa.ok() || !pb.ok()) return a < b;
  if (pa->last != pb->last) return pa->last < pb->last;
  if (pa->first != pb->first) return pa->first < pb->first;
  return a < b;
}

Result<Standing> CurrentStanding(store::Transaction& tx, TenantId tenant,
                                 const std::optional<TreeVersion>& active,
                                 const std::vector<suppliers::Band>& bands,
                                 std::int64_t supplier_id) {
  Standing standing;
  if (!active) return standing;
  XB_ASSIGN_OR_RETURN(auto scores,
                      tx.evaluation().ListScores(tenant, active->id, supplier_id, std::nullopt));
  std::map<std::string, std::map<std::string, double>> by_period;
  for (const auto& s : scores) by_period[s.period][s.indicator] = s.score;
  std::vector<std::string> periods;
  periods.reserve(by_period.size());
  for (const auto& [p, values] : by_period) periods.push_back(p);
  std::sort(periods.begin(), periods.end(),
            [](const std::string& a, const std::string& b) { return PeriodBefore(b, a); });
  for (const auto& p : periods) {
    XB_ASSIGN_OR_RETURN(auto card, suppliers::ScoreSupplier(active->tree, by_period[p]));
    if (!card.total) continue;
    standing.period = p;
    standing.score = card.total;
    if (!bands.empty()) standing.band = suppliers::BandFor(bands, *card.total);
    break;
  }
  return standing;
}

}  // namespace xb::sourcing::detail
