#include "domain/suppliers/topsis.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace xb::suppliers {

Result<TopsisResult> RankTopsis(const std::vector<Criterion>& criteria,
                                const std::vector<std::vector<double>>& matrix) {
  const std::size_t n = criteria.size();
  if (n == 0) return InvalidArgument("criteria: at least one criterion is needed", "criteria");
  if (matrix.empty())
    return InvalidArgument("matrix: at least one alternative is needed", "matrix");
  double weight_sum = 0;
  for (const auto& c : criteria) {
    if (!std::isfinite(c.weight) || c.weight < 0) {
      return InvalidArgument("criteria: weight of '" + c.name + "' must be a number >= 0",
                             "criteria");
    }
    weight_sum += c.weight;
  }
  if (weight_sum <= 0) return InvalidArgument("criteria: the weights are all zero", "criteria");
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    if (matrix[i].size() != n) {
      return InvalidArgument("matrix: row " + std::to_string(i + 1) + " has " +
                                 std::to_string(matrix[i].size()) + " values, expected " +
                                 std::to_string(n),
                             "matrix");
    }
    for (std::size_t j = 0; j < n; ++j) {
      if (!std::isfinite(matrix[i][j]) || matrix[i][j] < 0) {
        return InvalidArgument("matrix: row " + std::to_string(i + 1) + ", column " +
                                   std::to_string(j + 1) + " must be a number >= 0",
                               "matrix");
      }
    }
  }
  const std::size_t m = matrix.size();
  std::vector<std::vector<double>> v(m, std::vector<double>(n, 0.0));
  for (std::size_t j = 0; j < n; ++j) {
    double norm = 0;
    for (std::size_t i = 0; i < m; ++i) norm += matrix[i][j] * matrix[i][j];
    norm = std::sqrt(norm);
    for (std::size_t i = 0; i < m; ++i) {
      v[i][j] = norm > 0 ? criteria[j].weight * matrix[i][j] / norm : 0.0;
    }
  }
  std::vector<double> ideal(n);
  std::vector<double> anti(n);
  for (std::size_t j = 0; j < n; ++j) {
    double hi = v[0][j];
    double lo = v[0][j];
    for (std::size_t i = 1; i < m; ++i) {
      hi = std::max(hi, v[i][j]);
      lo = std::min(lo, v[i][j]);
    }
    const bool benefit = criteria[j].kind == CriterionKind::kBenefit;
    ideal[j] = benefit ? hi : lo;
    anti[j] = benefit ? lo : hi;
  }
  TopsisResult out;
  for (std::size_t i = 0; i < m; ++i) {
    double dp = 0;
    double dm = 0;
    for (std::size_t j = 0; j < n; ++j) {
      dp += (v[i][j] - ideal[j]) * (v[i][j] - ideal[j]);
      dm += (v[i][j] - anti[j]) * (v[i][j] - anti[j]);
    }
    dp = std::sqrt(dp);
    dm = std::sqrt(dm);
    out.distance_to_ideal.push_back(dp);
    out.distance_to_anti_ideal.push_back(dm);
    out.closeness.push_back(dp + dm > 0 ? dm / (dp + dm) : 0.5);
  }
  out.order.resize(m);
  std::iota(out.order.begin(), out.order.end(), 0);
  std::stable_sort(out.order.begin(), out.order.end(), [&](int a, int b) {
    return out.closeness[static_cast<std::size_t>(a)] > out.closeness[static_cast<std::size_t>(b)];
  });
  out.ranks.assign(m, 0);
  for (std::size_t r = 0; r < m; ++r) {
    out.ranks[static_cast<std::size_t>(out.order[r])] = static_cast<int>(r + 1);
  }
  return out;
}

}  // namespace xb::suppliers
