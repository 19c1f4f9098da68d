// Scorecards and standings as the sourcing use cases read them from the stores: a supplier's
// scorecard for a period (the paper's Σ w_i · Σ w_ij · s_ij with its breakdown, where each score
// came from, the band of the total), ranks among scorecards, and a supplier's current standing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "domain/suppliers/evaluation.h"
#include "flows/store/unit_of_work.h"

namespace xb::sourcing {

// Where one second-level score came from.
struct ScoreOrigin {
  suppliers::ScoreSource source = suppliers::ScoreSource::kEntered;
  std::string evaluator;  // the actor who entered it, or "system"
  Timestamp at;
  std::optional<std::string> note;
};

// One supplier's scorecard for one period under one tree version.
struct SupplierScorecard {
  std::int64_t supplier_id = 0;
  std::string supplier_code;
  std::string supplier_name;
  std::string period;
  suppliers::TreeVersionId tree_id;
  suppliers::Scorecard card;                   // total (absent while any score is missing)
  std::map<std::string, ScoreOrigin> origins;  // by second-level code
  std::optional<suppliers::Band> band;         // absent while the total is
  std::optional<int> rank;                     // among the scorecards listed with it; 1 = best
};

// A supplier's standing: the total and band of its latest period with a complete scorecard under
// the active tree. Empty when it has none (then nothing blocks or warns).
struct Standing {
  std::optional<std::string> period;
  std::optional<double> score;
  std::optional<suppliers::Band> band;

  bool Blocks() const { return band && band->consequence == suppliers::Consequence::kBlock; }
  bool Warns() const { return band && band->consequence == suppliers::Consequence::kWarn; }
};

namespace detail {

// The scorecards of every supplier that has a score in `scores` (all of one tree version and one
// period), computed under `tree`. Supplier codes and names are left empty.
Result<std::map<std::int64_t, SupplierScorecard>> BuildScorecards(
    const suppliers::TreeVersion& tree, const std::vector<suppliers::Band>& bands,
    const std::string& period, const std::vector<suppliers::IndicatorScore>& scores);

// The scorecard of a supplier with no score at all: every indicator missing.
SupplierScorecard EmptyScorecard(const suppliers::TreeVersion& tree, std::int64_t supplier_id,
                                 const std::string& period);

// Sorts by total, highest first (incomplete scorecards last, ties by supplier id) and sets the
// ranks: equal totals share a rank (1, 2, 2, 4); incomplete scorecards have none.
void RankByTotal(std::vector<SupplierScorecard>& cards);

// Fills in supplier codes and names.
Status NameSuppliers(store::Transaction& tx, TenantId tenant,
                     std::vector<SupplierScorecard>& cards);

// True when period label `a` ends before `b` (months and quarters mixed: by last day, then first).
bool PeriodBefore(const std::string& a, const std::string& b);

// The standing of `supplier_id` under `active` (none: an empty standing).
Result<Standing> CurrentStanding(store::Transaction& tx, TenantId tenant,
                                 const std::optional<suppliers::TreeVersion>& active,
                                 const std::vector<suppliers::Band>& bands,
                                 std::int64_t supplier_id);

}  // namespace detail
}  // namespace xb::sourcing
