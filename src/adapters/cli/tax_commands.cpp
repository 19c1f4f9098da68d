#include "adapters/cli/tax_commands.h"

#include <sstream>
#include <vector>

#include "adapters/http/orders_json.h"
#include "domain/customs/tax.h"

namespace xb::cli {
namespace {

using nlohmann::json;

std::string Cell(std::string text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

std::string Money(std::int64_t fen) { return Cell(customs::FenToString(fen), 12, true); }

struct Quoted {
  customs::TaxInput input;
  customs::TaxQuote quote;
  json body;
};

Result<Quoted> Quote(const json& input, const customs::RuleBook& rules) {
  if (!input.is_object()) return InvalidArgument("the input must be a JSON object");
  Quoted q;
  XB_ASSIGN_OR_RETURN(q.input, http::TaxInputFromJson(input));
  XB_ASSIGN_OR_RETURN(q.quote, customs::QuoteTax(q.input, rules));
  q.body = http::TaxQuoteToJson(q.quote);
  json& lines = q.body["lines"];
  for (std::size_t i = 0; i < q.quote.lines.size() && i < lines.size(); ++i) {
    const customs::TaxLine& l = q.quote.lines[i];
    if (lines[i].contains("rates")) continue;
    lines[i]["rates"] = {{"tariff", l.tariff_rate.ToString()},
                         {"vat", l.vat_rate.ToString()},
                         {"consumption_tax", l.consumption_tax_rate.ToString()},
                         {"share", q.quote.tax_share.ToString()},
                         {"composite", customs::CompositeRate(l, q.quote.tax_share)}};
  }
  return q;
}

std::string Table(const Quoted& q) {
  const customs::TaxQuote& t = q.quote;
  std::ostringstream out;
  out << "channel: "
      << customs::EnumChoices(customs::Channel{})[static_cast<std::size_t>(t.channel)]
      << " (tax share " << t.tax_share.ToString() << ", date " << q.input.date.ToIso8601()
      << ")\n\n";
  out << Cell("ref", 10) << Cell("dutiable", 12, true) << Cell("tariff", 12, true)
      << Cell("cons. tax", 12, true) << Cell("vat", 12, true) << Cell("total", 12, true)
      << Cell("composite", 11, true) << Cell("unit price", 16, true) << "\n";
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    const customs::TaxLine& l = t.lines[i];
    std::string unit_price = l.unit_price;
    if (!unit_price.empty() && !q.input.lines[i].legal_unit.empty()) {
      unit_price += "/" + q.input.lines[i].legal_unit;
    }
    out << Cell(l.ref, 10) << Money(l.dutiable_fen) << Money(l.tariff_fen)
        << Money(l.consumption_tax_fen) << Money(l.vat_fen) << Money(l.total_fen)
        << Cell(customs::CompositeRate(l, t.tax_share), 11, true) << Cell(unit_price, 16, true)
        << "\n";
  }
  out << Cell("total", 10) << Money(t.dutiable_fen) << Money(t.tariff_fen)
      << Money(t.consumption_tax_fen) << Money(t.vat_fen) << Money(t.total_fen) << "\n";
  out << "\nrates and rules:\n";
  for (const customs::TaxLine& l : t.lines) {
    for (const std::string& note : l.notes) out << "  " << l.ref << ": " << note << "\n";
  }
  if (!t.reasons.empty()) {
    out << "\nnot for the CBEC channel:\n";
    for (const std::string& r : t.reasons) out << "  " << r << "\n";
  }
  return out.str();
}

}  // namespace

Result<json> QuoteFromJson(const json& input, const customs::RuleBook& rules) {
  XB_ASSIGN_OR_RETURN(Quoted q, Quote(input, rules));
  return std::move(q.body);
}

Result<std::string> RunTaxQuote(std::string_view input, const customs::RuleBook& rules,
                                bool as_json) {
  json doc = json::parse(input, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("the input is not valid JSON");
  XB_ASSIGN_OR_RETURN(Quoted q, Quote(doc, rules));
  if (as_json) return q.body.dump(2) + "\n";
  return Table(q);
}

Result<customs::RuleBook> LoadRuleBook(store::Database& db, TenantId tenant) {
  XB_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  XB_ASSIGN_OR_RETURN(std::vector<customs::RuleRow> rules, tx->customs().ListRules(tenant));
  XB_ASSIGN_OR_RETURN(std::vector<customs::PositiveListLine> list,
                      tx->customs().ListPositiveList(tenant));
  return customs::RuleBook(std::move(rules), std::move(list));
}

Result<std::string> RunTaxQuote(store::Database& db, std::string_view input,
                                const TaxQuoteOptions& options) {
  XB_ASSIGN_OR_RETURN(customs::RuleBook rules, LoadRuleBook(db, TenantId(options.tenant)));
  return RunTaxQuote(input, rules, options.json);
}

}  // namespace xb::cli
