// The paper's two-level supplier evaluation: score = Σ_i w_i · (Σ_j w_ij · s_ij), with first-level
// indicators i (performance, financial status, cost, quality, organisation and management, other),
// second-level indicators j under each, weights that sum to 1 at every level, and scores on each
// indicator's scale. The result keeps every indicator's contribution, not only the total.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace xb::suppliers {

enum class Direction { kHigherIsBetter, kLowerIsBetter };

struct SubIndicator {
  std::string code;  // unique in the tree, e.g. "on_time_rate"
  std::string name;
  std::optional<double> weight;  // w_ij within its parent
  Direction direction = Direction::kHigherIsBetter;
  double scale_min = 0;
  double scale_max = 100;
};

struct Indicator {
  std::string code;  // e.g. "performance"
  std::string name;
  std::optional<double> weight;  // w_i
  std::vector<SubIndicator> children;
};

struct IndicatorTree {
  std::vector<Indicator> indicators;
};

inline constexpr double kWeightTolerance = 1e-6;

// The paper's six first-level indicators with a starting set of second-level ones and equal
// weights: a template a buyer adapts.
IndicatorTree PaperTemplate();

// Every indicator has a weight in [0, 1]; the first level and each group sum to 1 within
// kWeightTolerance; codes are unique; scales are ordered; each group has at least one child.
Status ValidateTree(const IndicatorTree& tree);

struct SubContribution {
  std::string code;
  double weight = 0;
  double score = 0;         // as entered, on the indicator's scale
  double normalised = 0;    // on 0..100, higher is better
  double contribution = 0;  // w_i · w_ij · normalised
};

struct IndicatorContribution {
  std::string code;
  double weight = 0;
  double subtotal = 0;      // Σ_j w_ij · normalised_j
  double contribution = 0;  // w_i · subtotal
  std::vector<SubContribution> children;
};

struct Scorecard {
  std::optional<double> total;  // absent while any input is missing
  std::vector<IndicatorContribution> breakdown;
  std::vector<std::string> missing;  // second-level codes without a score
};

// Scores one supplier. A score outside its indicator's scale, or for an unknown indicator, is
// refused naming the indicator; missing scores are listed and leave the total empty.
Result<Scorecard> ScoreSupplier(const IndicatorTree& tree,
                                const std::map<std::string, double>& scores);

}  // namespace xb::suppliers
