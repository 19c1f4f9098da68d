// The supplier-evaluation calculators of the command line (`xborder ahp`, `xborder topsis`):
// JSON in, JSON or a readable table out. Input errors come back as kInvalidArgument naming
// what is wrong.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace xb::cli {

struct CalculatorOptions {
  bool json = false;
  std::string method;    // ahp: "eigenvector" (default) or "geometric_mean"
  std::string ri_table;  // ahp: "saaty" (default) or "alonso"
};

// Input: {"criteria":["a",...],"matrix":[[1,"1/3",...],...]}; optional "method", "ri_table".
// JSON output: {"criteria":[...],"weights":[...],"lambda_max":..,"ci":..,"cr":..,
// "ri_table":"saaty","method":"eigenvector","consistent":true,"disagreements":[...]}.
Result<std::string> RunAhp(std::string_view input, const CalculatorOptions& options);

// Input: {"alternatives":[...],"criteria":[{"name":..,"weight":..,"kind":"benefit"|"cost"}],
// "matrix":[[...],...]} with a row per alternative. JSON output:
// {"closeness":[...],"ranking":[names, best first],"ranks":[1-based rank per alternative],...}.
Result<std::string> RunTopsis(std::string_view input, const CalculatorOptions& options);

}  // namespace xb::cli
