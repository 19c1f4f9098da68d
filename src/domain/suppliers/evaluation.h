// How a tenant judges its suppliers over time: versioned indicator trees (weights entered or
// derived by AHP per node), scores per supplier, period and indicator (entered by an evaluator or
// computed from operations), score bands with consequences for new purchase orders, and the
// concentration of spend.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/suppliers/ahp.h"
#include "domain/suppliers/scorecard.h"

namespace xb::suppliers {

struct TreeVersionTag {};
using TreeVersionId = Id<TreeVersionTag>;

// A draft is edited freely; activating it retires the previous active version. Active and retired
// versions never change, so scores computed under them stay reproducible.
enum class TreeStatus { kDraft, kActive, kRetired };
std::span<const std::string_view> EnumChoices(TreeStatus);

// The comparisons behind AHP-derived weights of one node ("root" for the first level, or a
// first-level indicator's code for its children), kept with what they produced.
struct NodeJudgements {
  std::string node;
  ComparisonMatrix matrix;  // in the order of the node's children
  double cr = 0;
  double lambda_max = 0;
  RiTable ri_table = RiTable::kSaaty;
};

struct TreeVersion {
  TreeVersionId id;
  TenantId tenant_id;
  std::string name;
  int version_no = 1;
  TreeStatus status = TreeStatus::kDraft;
  IndicatorTree tree;
  std::vector<NodeJudgements> judgements;
  std::string created_by;
  Timestamp created_at;
  std::optional<Timestamp> activated_at;
  std::int64_t version = 0;  // optimistic-locking counter of the row
};

// Sets the weights of `node`'s children from a pairwise matrix (order of the children). Refused
// when the matrix is invalid or its CR exceeds 0.10 (the message names the comparisons that
// disagree most); only drafts change.
Status ApplyJudgements(TreeVersion& version, const std::string& node,
                       const ComparisonMatrix& matrix, RiTable table);

// "2026-11" (a month) or "2026-Q3" (a quarter): the span of days it covers.
struct Period {
  std::string label;
  Date first;
  Date last;
};
Result<Period> ParsePeriod(std::string_view label);

enum class ScoreSource { kEntered, kComputed };
std::span<const std::string_view> EnumChoices(ScoreSource);

// One second-level score of one supplier in one period under one tree version.
struct IndicatorScore {
  TenantId tenant_id;
  std::int64_t supplier_id = 0;
  TreeVersionId tree_version_id;
  std::string period;
  std::string indicator;
  double score = 0;
  ScoreSource source = ScoreSource::kEntered;
  std::string evaluator;  // actor who entered it, or "system" for computed scores
  std::optional<std::string> note;
  Timestamp at;
};

// Consequence of a band for new purchase orders to a supplier in it.
enum class Consequence { kNone, kWarn, kBlock };
std::span<const std::string_view> EnumChoices(Consequence);

struct Band {
  std::string name;
  double min_score = 0;  // the band holds totals >= min_score (up to the next band's minimum)
  Consequence consequence = Consequence::kNone;
};

// Default bands: preferred ≥ 70, approved ≥ 50, watch ≥ 30 (warn), blocked below (block).
std::vector<Band> DefaultBands();
// Distinct names, minimums within 0..100, one band starting at 0.
Status ValidateBands(const std::vector<Band>& bands);
// The band holding `score` (bands need not be sorted).
const Band& BandFor(const std::vector<Band>& bands, double score);

// Spend concentration: shares per supplier (0..1) and the Herfindahl–Hirschman index
// Σ share² × 10,000 (10,000 = a single supplier).
struct Concentration {
  std::map<std::int64_t, double> shares;
  double hhi = 0;
};
Concentration MeasureConcentration(const std::map<std::int64_t, std::int64_t>& spend_by_supplier);

class EvaluationStore {
 public:
  virtual ~EvaluationStore() = default;
  virtual Result<TreeVersion> InsertTree(TreeVersion version) = 0;
  virtual Result<TreeVersion> GetTree(TenantId tenant, TreeVersionId id) = 0;
  // Optimistic on `version`; kConflict when stale.
  virtual Status UpdateTree(const TreeVersion& version, std::int64_t expected_version) = 0;
  virtual Result<std::vector<TreeVersion>> ListTrees(TenantId tenant) = 0;
  virtual Result<std::optional<TreeVersion>> ActiveTree(TenantId tenant) = 0;

  // Inserts or replaces the score of (supplier, tree version, period, indicator).
  virtual Status UpsertScore(const IndicatorScore& score) = 0;
  virtual Result<std::vector<IndicatorScore>> ListScores(TenantId tenant, TreeVersionId tree,
                                                         std::optional<std::int64_t> supplier_id,
                                                         std::optional<std::string> period) = 0;

  virtual Result<std::vector<Band>> GetBands(TenantId tenant) = 0;  // the defaults when unset
  virtual Status SetBands(TenantId tenant, const std::vector<Band>& bands) = 0;
};

}  // namespace xb::suppliers
