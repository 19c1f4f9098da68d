// The CBEC tax calculator of the command line, `xborder tax quote FILE|-`: the JSON of POST
// /api/v1/tax/quote in, the channel and the per-line breakdown out (a readable table, or with
// `json` the API's JSON). Limits, shares and the rates of lines that give an HS code instead of a
// rate come from the customs rule rows of the database. Errors come back as a Status (bad input:
// kInvalidArgument naming the field, exit code 2).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "domain/customs/rules.h"
#include "flows/store/unit_of_work.h"

namespace xb::cli {

struct TaxQuoteOptions {
  std::int64_t tenant = 1;
  bool json = false;
};

// The quote of `input` against `rules`, as POST /api/v1/tax/quote answers it
// ({"channel","lines":[...],"tariff","consumption_tax","vat","total_tax","reasons",...}), each
// line also with "rates": {"tariff","vat","consumption_tax","share","composite"}.
Result<nlohmann::json> QuoteFromJson(const nlohmann::json& input, const customs::RuleBook& rules);

// Parses `input` (JSON text), quotes it and renders a table or, with `json`, the JSON above.
Result<std::string> RunTaxQuote(std::string_view input, const customs::RuleBook& rules, bool json);

// The rule book of `tenant`: the platform's rows and positive list and the tenant's own.
Result<customs::RuleBook> LoadRuleBook(store::Database& db, TenantId tenant);

// LoadRuleBook, then RunTaxQuote.
Result<std::string> RunTaxQuote(store::Database& db, std::string_view input,
                                const TaxQuoteOptions& options);

}  // namespace xb::cli
