// The Analytic Hierarchy Process (Saaty): weights from a reciprocal pairwise-comparison matrix,
// with λmax, the consistency index CI = (λmax − n)/(n − 1) and ratio CR = CI / RI(n). A CR above
// 0.10 means the judgements contradict each other; the comparisons furthest from the derived
// weights are named so the evaluator knows what to revisit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace xb::suppliers {

using ComparisonMatrix = std::vector<std::vector<double>>;

enum class AhpMethod {
  kEigenvector,    // principal right eigenvector (Saaty's method; the default)
  kGeometricMean,  // row geometric means, normalised (gives slightly different numbers)
};

// Random consistency indices by matrix order n = 1..15.
enum class RiTable {
  kSaaty,   // 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59
  kAlonso,  // Alonso & Lamata (2006): 0, 0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056,
            // 1.4499, 1.4854, 1.5141, 1.5365, 1.5551, 1.5713, 1.5838
};
std::string_view RiTableName(RiTable table);
Result<RiTable> RiTableFromName(std::string_view name);
// RI(n) of the table; n must be 1..15.
double RandomIndex(RiTable table, int n);

// A judgement a_ij and how far it is from the ratio of the derived weights w_i / w_j.
struct Disagreement {
  int row = 0;
  int column = 0;
  double given = 0;      // a_ij
  double implied = 0;    // w_i / w_j
  double deviation = 0;  // |ln(a_ij · w_j / w_i)|
};

struct AhpResult {
  std::vector<double> weights;  // in input order, summing to 1
  double lambda_max = 0;
  double ci = 0;
  double cr = 0;
  RiTable ri_table = RiTable::kSaaty;
  AhpMethod method = AhpMethod::kEigenvector;
  bool consistent = true;                   // cr <= 0.10 (always true for n <= 2)
  std::vector<Disagreement> disagreements;  // the worst upper-triangle judgements, worst first
};

inline constexpr double kMaxConsistencyRatio = 0.10;

// Checks the matrix (square, 1..15, positive, ones on the diagonal, a_ji = 1/a_ij within 1%)
// and derives the weights. kInvalidArgument names the offending cell ("row 2, column 3").
Result<AhpResult> DeriveWeights(const ComparisonMatrix& matrix,
                                AhpMethod method = AhpMethod::kEigenvector,
                                RiTable table = RiTable::kSaaty);

// Parses a judgement written as a number ("3", "0.25") or a fraction ("1/3").
Result<double> ParseJudgement(std::string_view text);

}  // namespace xb::suppliers
