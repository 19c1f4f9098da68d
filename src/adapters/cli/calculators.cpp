#include "adapters/cli/calculators.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "domain/suppliers/ahp.h"
#include "domain/suppliers/topsis.h"

namespace xb::cli {
namespace {

using nlohmann::json;

Result<json> ParseObject(std::string_view input) {
  json doc = json::parse(input, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("the input is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("the input must be a JSON object");
  return doc;
}

Result<std::vector<std::string>> Names(const json& doc, const char* key) {
  if (!doc.contains(key) || !doc[key].is_array()) {
    return InvalidArgument(std::string(key) + ": must be an array of names", key);
  }
  std::vector<std::string> out;
  for (const auto& v : doc[key]) {
    if (!v.is_string()) return InvalidArgument(std::string(key) + ": names must be strings", key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string Fixed(double v, int places) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", places, v);
  return buf;
}

}  // namespace

Result<std::string> RunAhp(std::string_view input, const CalculatorOptions& options) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(input));
  for (const auto& [key, value] : doc.items()) {
    if (key != "criteria" && key != "matrix" && key != "method" && key != "ri_table") {
      return InvalidArgument("unknown field '" + key + "'", key);
    }
  }
  XB_ASSIGN_OR_RETURN(auto criteria, Names(doc, "criteria"));
  if (!doc.contains("matrix") || !doc["matrix"].is_array()) {
    return InvalidArgument("matrix: must be an array of rows", "matrix");
  }
  suppliers::ComparisonMatrix matrix;
  for (std::size_t i = 0; i < doc["matrix"].size(); ++i) {
    const auto& row = doc["matrix"][i];
    if (!row.is_array())
      return InvalidArgument("matrix: row " + std::to_string(i + 1) + " is not an array", "matrix");
    std::vector<double> values;
    for (std::size_t j = 0; j < row.size(); ++j) {
      const auto& cell = row[j];
      const std::string where =
          "matrix: row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1);
      if (cell.is_number()) {
        values.push_back(cell.get<double>());
      } else if (cell.is_string()) {
        auto v = suppliers::ParseJudgement(cell.get<std::string>());
        if (!v.ok()) return InvalidArgument(where + ": " + v.status().message(), "matrix");
        values.push_back(*v);
      } else {
        return InvalidArgument(where + ": must be a number or a fraction like \"1/3\"", "matrix");
      }
    }
    matrix.push_back(std::move(values));
  }
  if (criteria.size() != matrix.size()) {
    return InvalidArgument("criteria: " + std::to_string(criteria.size()) + " names for a " +
                               std::to_string(matrix.size()) + "-row matrix",
                           "criteria");
  }
  std::string method = options.method.empty() ? doc.value("method", "eigenvector") : options.method;
  std::string table_name =
      options.ri_table.empty() ? doc.value("ri_table", "saaty") : options.ri_table;
  suppliers::AhpMethod m;
  if (method == "eigenvector") {
    m = suppliers::AhpMethod::kEigenvector;
  } else if (method == "geometric_mean") {
    m = suppliers::AhpMethod::kGeometricMean;
  } else {
    return InvalidArgument("method: must be eigenvector or geometric_mean", "method");
  }
  XB_ASSIGN_OR_RETURN(auto table, suppliers::RiTableFromName(table_name));
  XB_ASSIGN_OR_RETURN(auto r, suppliers::DeriveWeights(matrix, m, table));
  json disagreements = json::array();
  for (const auto& d : r.disagreements) {
    disagreements.push_back({{"row", criteria[static_cast<std::size_t>(d.row)]},
                             {"column", criteria[static_cast<std::size_t>(d.column)]},
                             {"given", d.given},
                             {"implied", d.implied},
                             {"deviation", d.deviation}});
  }
  if (options.json) {
    json out = {{"criteria", criteria},
                {"weights", r.weights},
                {"lambda_max", r.lambda_max},
                {"ci", r.ci},
                {"cr", r.cr},
                {"ri_table", std::string(suppliers::RiTableName(r.ri_table))},
                {"ri", suppliers::RandomIndex(r.ri_table, static_cast<int>(criteria.size()))},
                {"method", method},
                {"consistent", r.consistent},
                {"disagreements", disagreements}};
    return out.dump() + "\n";
  }
  std::string text = "criterion                weight\n";
  for (std::size_t i = 0; i < criteria.size(); ++i) {
    std::string name = criteria[i];
    name.resize(24, ' ');
    text += name + " " + Fixed(r.weights[i], 4) + "\n";
  }
  text += "lambda_max " + Fixed(r.lambda_max, 4) + ", CI " + Fixed(r.ci, 4) + ", CR " +
          Fixed(r.cr, 4) + " (RI table " + std::string(suppliers::RiTableName(r.ri_table)) + ", " +
          method + ")\n";
  if (!r.consistent) {
    text += "CR is above 0.10: the judgements are inconsistent. Revisit first:\n";
    for (const auto& d : r.disagreements) {
      text += "  " + criteria[static_cast<std::size_t>(d.row)] + " vs " +
              criteria[static_cast<std::size_t>(d.column)] + ": given " + Fixed(d.given, 3) +
              ", the weights imply " + Fixed(d.implied, 3) + "\n";
    }
  }
  return text;
}

Result<std::string> RunTopsis(std::string_view input, const CalculatorOptions& options) {
  XB_ASSIGN_OR_RETURN(json doc, ParseObject(input));
  for (const auto& [key, value] : doc.items()) {
    if (key != "alternatives" && key != "criteria" && key != "matrix") {
      return InvalidArgument("unknown field '" + key + "'", key);
    }
  }
  XB_ASSIGN_OR_RETURN(auto alternatives, Names(doc, "alternatives"));
  if (!doc.contains("criteria") || !doc["criteria"].is_array()) {
    return InvalidArgument("criteria: must be an array of {name, weight, kind}", "criteria");
  }
  std::vector<suppliers::Criterion> criteria;
  for (const auto& c : doc["criteria"]) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("weight") ||
        !c["weight"].is_number()) {
      return InvalidArgument("criteria: each needs a name and a numeric weight", "criteria");
    }
    const std::string kind = c.value("kind", "benefit");
    if (kind != "benefit" && kind != "cost") {
      return InvalidArgument(
          "criteria: kind of '" + c["name"].get<std::string>() + "' must be benefit or cost",
          "criteria");
    }
    criteria.push_back(
        {c["name"].get<std::string>(), c["weight"].get<double>(),
         kind == "cost" ? suppliers::CriterionKind::kCost : suppliers::CriterionKind::kBenefit});
  }
  if (!doc.contains("matrix") || !doc["matrix"].is_array()) {
    return InvalidArgument("matrix: must be an array of rows", "matrix");
  }
  std::vector<std::vector<double>> matrix;
  for (std::size_t i = 0; i < doc["matrix"].size(); ++i) {
    const auto& row = doc["matrix"][i];
    if (!row.is_array())
      return InvalidArgument("matrix: row " + std::to_string(i + 1) + " is not an array", "matrix");
    std::vector<double> values;
    for (const auto& cell : row) {
      if (!cell.is_number()) {
        return InvalidArgument("matrix: row " + std::to_string(i + 1) + " holds a non-number",
                               "matrix");
      }
      values.push_back(cell.get<double>());
    }
    matrix.push_back(std::move(values));
  }
  if (alternatives.size() != matrix.size()) {
    return InvalidArgument("alternatives: " + std::to_string(alternatives.size()) + " names for " +
                               std::to_string(matrix.size()) + " rows",
                           "alternatives");
  }
  XB_ASSIGN_OR_RETURN(auto r, suppliers::RankTopsis(criteria, matrix));
  std::vector<std::string> ranking;
  for (int i : r.order) ranking.push_back(alternatives[static_cast<std::size_t>(i)]);
  if (options.json) {
    json out = {{"alternatives", alternatives},
                {"closeness", r.closeness},
                {"ranking", ranking},
                {"ranks", r.ranks},
                {"distance_to_ideal", r.distance_to_ideal},
                {"distance_to_anti_ideal", r.distance_to_anti_ideal}};
    return out.dump() + "\n";
  }
  std::string text = "rank alternative             closeness\n";
  for (std::size_t k = 0; k < r.order.size(); ++k) {
    const auto i = static_cast<std::size_t>(r.order[k]);
    std::string name = alternatives[i];
    name.resize(24, ' ');
    std::string rank = std::to_string(k + 1);
    rank.resize(5, ' ');
    text += rank + name + " " + Fixed(r.closeness[i], 4) + "\n";
  }
  return text;
}

}  // namespace xb::cli
