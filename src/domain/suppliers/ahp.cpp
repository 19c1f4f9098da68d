#include "domain/suppliers/ahp.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "core/text.h"

namespace xb::suppliers {
namespace {

// Saaty (2008), "Decision making with the analytic hierarchy process", Table 2 (n = 1..15).
constexpr std::array<double, 15> kSaatyRi = {0,    0,    0.58, 0.90, 1.12, 1.24, 1.32, 1.41,
                                             1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
// Alonso & Lamata (2006), "Consistency in the analytic hierarchy process: a new approach".
constexpr std::array<double, 15> kAlonsoRi = {0,      0,      0.5245, 0.8815, 1.1086,
                                              1.2479, 1.3417, 1.4056, 1.4499, 1.4854,
                                              1.5141, 1.5365, 1.5551, 1.5713, 1.5838};

std::string Cell(std::size_t i, std::size_t j) {
  return "row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1);
}

}  // namespace

std::string_view RiTableName(RiTable table) {
  return table == RiTable::kAlonso ? "alonso" : "saaty";
}

Result<RiTable> RiTableFromName(std::string_view name) {
  if (name == "saaty") return RiTable::kSaaty;
  if (name == "alonso") return RiTable::kAlonso;
  return InvalidArgument("ri_table: must be saaty or alonso", "ri_table");
}

double RandomIndex(RiTable table, int n) {
  const auto& t = table == RiTable::kAlonso ? kAlonsoRi : kSaatyRi;
  return t.at(static_cast<std::size_t>(n - 1));
}

Result<double> ParseJudgement(std::string_view text) {
  text = Trim(text);
  const auto slash = text.find('/');
  const auto number = [](std::string_view s) -> std::optional<double> {
    s = Trim(s);
    if (s.empty() || s.size() > 32) return std::nullopt;
    std::string copy(s);
    char* end = nullptr;
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  };
  if (slash == std::string_view::npos) {
    auto v = number(text);
    if (!v) return InvalidArgument("'" + std::string(text) + "' is not a number or a fraction");
    return *v;
  }
  auto num = number(text.substr(0, slash));
  auto den = number(text.substr(slash + 1));
  if (!num || !den || *den == 0) {
    return InvalidArgument("'" + std::string(text) + "' is not a fraction like 1/3");
  }
  return *num / *den;
}

Result<AhpResult> DeriveWeights(const ComparisonMatrix& a, AhpMethod method, RiTable table) {
  const std::size_t n = a.size();
  if (n < 1 || n > 15) {
    return InvalidArgument("matrix: needs 1 to 15 criteria, got " + std::to_string(n), "matrix");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i].size() != n) {
      return InvalidArgument("matrix: row " + std::to_string(i + 1) + " has " +
                                 std::to_string(a[i].size()) + " entries, expected " +
                                 std::to_string(n),
                             "matrix");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double v = a[i][j];
      if (!std::isfinite(v) || v <= 0) {
        return InvalidArgument("matrix: " + Cell(i, j) + " must be a positive number", "matrix");
      }
      if (i == j && std::abs(v - 1.0) > 1e-9) {
        return InvalidArgument("matrix: " + Cell(i, j) + " is on the diagonal and must be 1",
                               "matrix");
      }
      if (j > i && std::abs(v * a[j][i] - 1.0) > 0.01) {
        return InvalidArgument("matrix: not reciprocal: " + Cell(i, j) + " is " +
                                   std::to_string(v) + " but " + Cell(j, i) + " is " +
                                   std::to_string(a[j][i]) + " (expected " +
                                   std::to_string(1.0 / v) + ")",
                               "matrix");
      }
    }
  }
  AhpResult out;
  out.method = method;
  out.ri_table = table;
  Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = a[i][j];
    }
  }
  Eigen::VectorXd w(static_cast<Eigen::Index>(n));
  if (method == AhpMethod::kEigenvector) {
    // A positive matrix has a real, simple principal eigenvalue with a positive eigenvector
    // (Perron–Frobenius); it is the eigenvalue of largest real part.
    Eigen::EigenSolver<Eigen::MatrixXd> solver(m, true);
    if (solver.info() != Eigen::Success) return Internal("eigen decomposition did not converge");
    Eigen::Index best = 0;
    for (Eigen::Index k = 1; k < solver.eigenvalues().size(); ++k) {
      if (solver.eigenvalues()[k].real() > solver.eigenvalues()[best].real()) best = k;
    }
    w = solver.eigenvectors().col(best).real().cwiseAbs();
  } else {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      w(i) = std::exp(m.row(i).array().log().mean());
    }
  }
  w /= w.sum();
  // λmax estimated as the mean of (A w)_i / w_i: exact for the eigenvector method, the usual
  // estimate for the geometric mean.
  const Eigen::VectorXd aw = m * w;
  out.lambda_max = (aw.array() / w.array()).mean();
  out.weights.assign(w.data(), w.data() + w.size());
  const auto nd = static_cast<double>(n);
  out.ci = n > 2 ? (out.lambda_max - nd) / (nd - 1) : 0.0;
  if (out.ci < 0 && out.ci > -1e-9) out.ci = 0;
  const double ri = RandomIndex(table, static_cast<int>(n));
  out.cr = ri > 0 ? out.ci / ri : 0.0;
  out.consistent = out.cr <= kMaxConsistencyRatio;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double implied = out.weights[i] / out.weights[j];
      out.disagreements.push_back({static_cast<int>(i), static_cast<int>(j), a[i][j], implied,
                                   std::abs(std::log(a[i][j] / implied))});
    }
  }
  std::sort(out.disagreements.begin(), out.disagreements.end(),
            [](const Disagreement& x, const Disagreement& y) { return x.deviation > y.deviation; });
  if (out.disagreements.size() > 3) out.disagreements.resize(3);
  return out;
}

}  // namespace xb::suppliers
