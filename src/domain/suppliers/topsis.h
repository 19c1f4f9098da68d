// TOPSIS (Hwang & Yoon 1981): ranks alternatives by their relative closeness to the ideal
// solution. Columns are vector-normalised (x_ij / sqrt(Σ_i x_ij²)), weighted; the ideal takes each
// benefit criterion's maximum and each cost criterion's minimum, the anti-ideal the opposite;
// closeness C_i = d⁻ / (d⁺ + d⁻) with Euclidean distances.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace xb::suppliers {

enum class CriterionKind { kBenefit, kCost };

struct Criterion {
  std::string name;
  double weight = 0;
  CriterionKind kind = CriterionKind::kBenefit;
};

struct TopsisResult {
  std::vector<double> closeness;  // per alternative, input order, in [0, 1]
  std::vector<double> distance_to_ideal;
  std::vector<double> distance_to_anti_ideal;
  std::vector<int> order;  // alternative indices, best first (ties keep input order)
  std::vector<int> ranks;  // per alternative, input order, 1 = best
};

// `matrix` has a row per alternative and a column per criterion, values finite and >= 0.
// Weights must be >= 0 and not all zero. When every alternative is identical the closeness
// is 0.5 for all.
Result<TopsisResult> RankTopsis(const std::vector<Criterion>& criteria,
                                const std::vector<std::vector<double>>& matrix);

}  // namespace xb::suppliers
