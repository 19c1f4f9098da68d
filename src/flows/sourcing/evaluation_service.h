// Use cases of supplier evaluation: versioned indicator trees (weights entered or derived by AHP),
// score bands, scores per supplier and period (entered by evaluators or computed from purchase
// orders and receipts), scorecards with their breakdown, trends, rankings by total and by TOPSIS,
// and the single-source risk view. Each write checks the caller's role, validates, and writes the
// change with its business event in one transaction. Thread-safe (state lives in the Database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/access/access.h"
#include "domain/suppliers/evaluation.h"
#include "flows/sourcing/context.h"
#include "flows/sourcing/standing.h"
#include "flows/store/unit_of_work.h"

namespace xb::sourcing {

// A judgement of an AHP matrix named by the indicators it compares.
struct NamedDisagreement {
  int row = 0;              // 0-based row of the matrix
  int column = 0;           // 0-based column
  std::string row_code;     // the criterion (indicator) of the row
  std::string column_code;  // the criterion of the column
  double given = 0;         // a_ij as entered
  double implied = 0;       // w_i / w_j of the derived weights
  double deviation = 0;
};

// What AHP makes of a matrix: weights, λmax, CI, CR (with the RI table used) and the judgements
// that disagree most with the weights, by name.
struct AhpOutcome {
  suppliers::AhpResult result;
  std::vector<std::string> criteria;
  std::vector<NamedDisagreement> disagreements;
};

struct AhpRequest {
  std::string node = "root";  // "root" (first level) or a first-level indicator's code
  suppliers::ComparisonMatrix matrix;
  suppliers::RiTable ri_table = suppliers::RiTable::kSaaty;
  std::optional<std::int64_t> expected_version;
};

struct ScoreEntry {
  std::int64_t supplier_id = 0;
  std::string period;                               // "2026-11" or "2026-Q3"
  std::optional<suppliers::TreeVersionId> tree_id;  // default: the active tree
  std::map<std::string, double> scores;             // second-level code -> score on its scale
  std::optional<std::string> note;
};

// The second-level indicators that operations can answer, by code.
inline constexpr std::string_view kComputedIndicators[] = {
    "on_time_rate", "fill_rate", "acceptance_rate", "lead_time_variability", "price_variance"};

struct ComputedScore {
  std::int64_t supplier_id = 0;
  std::string indicator;
  double score = 0;
};
struct MissingInput {
  std::int64_t supplier_id = 0;
  std::string indicator;
  std::string reason;
};
struct ComputeOutcome {
  suppliers::TreeVersionId tree_id;
  std::vector<ComputedScore> computed;
  std::vector<MissingInput> missing;
};

struct ScorecardQuery {
  std::string period;
  std::optional<suppliers::TreeVersionId> tree_id;  // default: the active tree
  std::optional<std::int64_t> supplier_id;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};
struct ScorecardPage {
  suppliers::TreeVersionId tree_id;
  std::vector<SupplierScorecard> items;  // by total, highest first; incomplete ones last
  std::int64_t total = 0;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

struct TrendPoint {
  std::string period;
  std::optional<double> total;
  std::optional<std::string> band;
};

struct RankedSupplier {
  std::int64_t supplier_id = 0;
  std::string supplier_code;
  std::optional<double> total;
  std::optional<std::string> band;
  std::optional<int> weighted_rank;  // by total (1 = best); absent while the total is
  std::optional<double> topsis_closeness;
  std::optional<int> topsis_rank;
};

struct SupplierSpend {
  std::int64_t supplier_id = 0;
  std::string supplier_code;
  std::int64_t spend_minor = 0;
  double share = 0;  // 0..1 of the category's spend in this currency
};
struct CategorySpend {
  std::string category;  // the SKU category
  std::string currency;
  std::int64_t spend_minor = 0;
  double hhi = 0;                        // Herfindahl–Hirschman index, 0..10,000
  std::vector<SupplierSpend> suppliers;  // largest spend first
};
struct SingleSourceSku {
  std::int64_t sku_id = 0;
  std::string sku_code;
  std::int64_t supplier_id = 0;
  std::string supplier_code;
};
struct RiskReport {
  Date from;
  Date to;
  std::vector<CategorySpend> categories;
  std::vector<SingleSourceSku> single_source_skus;
};

class EvaluationService {
 public:
  EvaluationService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The tenant's tree versions, newest first.
  Result<std::vector<suppliers::TreeVersion>> ListTrees(const access::Principal& principal);
  // A new draft: `from` is "template" (the paper's six first-level indicators), "active" (a copy
  // of the active version) or the id of a version to copy, weights and judgements included.
  Result<suppliers::TreeVersion> CreateTree(const RequestContext& ctx, std::string name,
                                            const std::string& from);
  Result<suppliers::TreeVersion> GetTree(const access::Principal& principal,
                                         suppliers::TreeVersionId id);
  // Replaces a draft's indicators (and name). The tree must pass suppliers::ValidateTree.
  // AHP judgements are kept only for nodes whose children and weights did not change.
  Result<suppliers::TreeVersion> ReplaceTree(const RequestContext& ctx, suppliers::TreeVersionId id,
                                             std::optional<std::string> name,
                                             suppliers::IndicatorTree tree,
                                             std::optional<std::int64_t> expected_version);
  // Sets a node's weights from a pairwise matrix. When the judgements are inconsistent (CR above
  // 0.10) the result is kFailedPrecondition and `*refused` (when given) receives the AHP outcome.
  Result<suppliers::TreeVersion> ApplyAhp(const RequestContext& ctx, suppliers::TreeVersionId id,
                                          const AhpRequest& request, AhpOutcome* refused);
  // AHP without saving anything (the console's live CR). `criteria` may be empty.
  Result<AhpOutcome> PreviewAhp(const access::Principal& principal,
                                std::vector<std::string> criteria,
                                const suppliers::ComparisonMatrix& matrix,
                                suppliers::RiTable table);
  // Makes a draft the active version; the previous active one is retired. Activating the active
  // version again changes nothing; a retired version cannot come back.
  Result<suppliers::TreeVersion> Activate(const RequestContext& ctx, suppliers::TreeVersionId id);

  Result<std::vector<suppliers::Band>> GetBands(const access::Principal& principal);
  Result<std::vector<suppliers::Band>> SetBands(const RequestContext& ctx,
                                                std::vector<suppliers::Band> bands);

  // Records an evaluator's scores (each checked against its indicator's scale) and returns the
  // supplier's scorecard for the period.
  Result<SupplierScorecard> EnterScores(const RequestContext& ctx, const ScoreEntry& entry);
  // Computes the operations-based indicators of the active tree for the period (or one supplier)
  // from the purchase orders placed and the receipts recorded in it, and stores them as computed
  // scores. Rates are on 0..100, mapped linearly onto an indicator whose scale differs. An
  // indicator without data is reported missing, never scored 0.
  Result<ComputeOutcome> Compute(const RequestContext& ctx, const std::string& period,
                                 std::optional<std::int64_t> supplier_id);

  Result<ScorecardPage> Scorecards(const access::Principal& principal, const ScorecardQuery& query);
  // The supplier's totals per period under a tree (default: the active one), oldest first.
  Result<std::vector<TrendPoint>> Trend(const access::Principal& principal,
                                        std::int64_t supplier_id,
                                        std::optional<suppliers::TreeVersionId> tree_id);
  // Candidates (the suppliers with a valid active price for `sku_id` today, or every scored
  // supplier) ranked by total and by TOPSIS over the first-level subtotals. Best first.
  Result<std::vector<RankedSupplier>> Ranking(const access::Principal& principal,
                                              const std::string& period,
                                              std::optional<std::int64_t> sku_id,
                                              std::optional<suppliers::TreeVersionId> tree_id);
  // Spend per SKU category and currency from the non-cancelled orders placed in [from, to]
  // (default: the 365 days up to today), and the active SKUs with a single approved supplier.
  Result<RiskReport> Risk(const access::Principal& principal, std::optional<Date> from,
                          std::optional<Date> to);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace xb::sourcing
